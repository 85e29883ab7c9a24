/**
 * The order-parameter theory of online perceptron learning with thermal noise (n → ∞, per weight):
 * ODEs for r = w·T̂/√n and Q = |w|²/n driven by the input-averaged force of {@link averagedForce},
 * with the heat, work, entropy and information bookkeeping of stochastic thermodynamics
 * (issue #11's derivation notes, theory11.md, §§2–4; shared/spec/MODELS.md §1; Engel & Van den Broeck,
 * *Statistical Mechanics of Learning*, 2001, ch. 9, for the order-parameter method; Goldt & Seifert,
 * PRL 118, 010601 (2017) and New J. Phys. 19, 113001 (2017), for the thermodynamics and η).
 *
 *     dr/dt = −k r + ν̃ c_u(ρ, Q),
 *     dQ/dt = −2k Q + 2ν̃ √Q c_x(ρ, Q) + 2D + X,         ρ = r/√Q,
 *
 * where X = 0 for the averaged (time-scale separated) regime of Goldt & Seifert, and for the online
 * regime of the simulator (Euler–Maruyama, a fresh mini-batch of B inputs each step Δt)
 * X = Δt·E_x with E_x = (ν̃²/B)(n⟨𝓕²⟩ − m²), m² = |⟨σ_T ξ 𝓕⟩|² (the mini-batch noise's variance;
 * the spec §1 fluctuation term, not Wennberg's printed N⟨𝓕²⟩ − N⟨𝓕⟩², which gives 0 for Hebbian).
 * The recursion's own O(kΔt) corrections are neglected.
 *
 * Per weight and per unit time, in nats (k_B T = 1):
 *     learning work rate  = ν̃² m² − kν̃ √Q c_x + D ν̃ ⟨𝓕'⟩ + E_x   (f̄∘ẇ, Stratonovich, plus the input noise)
 *     dV/dt               = (k/2) dQ/dt                             (V = kQ/2 per weight)
 *     heat rate           = work rate − dV/dt  =  housekeeping + excess,
 *     housekeeping rate   = ν̃² m² − kν̃ √Q c_x + D ν̃ ⟨𝓕'⟩ − (k/2) dQ/dt,   excess rate = E_x.
 * Every rule's averaged force is a gradient (theory11.md §2), so in the averaged regime the steady
 * state is Boltzmann and the steady housekeeping rate is 0 for every rule; online, the steady heat is
 * (almost) all excess. ε = θ/π, I = ln 2 − S(ε), ΔS(w_n) = ½ ln(Q(t)/Q(0)) (the Gaussian marginal
 * of one weight over teachers and noise), η = I/(ΔS + Q_n/D).
 *
 * Integration: classical Runge–Kutta (RK4), fixed step h, global error O(h⁴). Work and excess heat are
 * integrated as two more components of the state; heat = work − (V(t) − V(0)), so the first law holds
 * to rounding by construction, and heat = housekeeping heat + excess heat.
 */
import { VERSION } from "../version.js";
import { DivergedError } from "../core/model.js";
import * as check from "../core/validate.js";
import { averagedForceFunction, checkAlpha, type AveragedForce, type AveragedForceFunction } from "./averaged.js";
import type { LearningRule } from "./model.js";
import { mutualInformation } from "./theory.js";

/** The online (finite mini-batch) regime: the simulator's n, batch size B and Euler–Maruyama step Δt. */
export interface InputNoiseOptions {
  /** Number of weights n (an integer ≥ 1). */
  n: number;
  /** Inputs per step B (an integer ≥ 1). */
  batch: number;
  /** The simulator's time step Δt > 0, with k·Δt < 2. */
  dt: number;
}

/** Options of {@link perceptronTheory}. */
export interface PerceptronTheoryOptions {
  /** Learning rule. Default "hebbian". */
  rule?: LearningRule;
  /** The α-tron's exponent α > 0. Default 0.5. α ≥ 1 grows without bound at the default ν̃, k. */
  alpha?: number;
  /** Scaled learning rate ν̃ = ν/√n ≥ 0. Default 3. */
  nuTilde?: number;
  /** Restoring force constant k > 0. Default 1. */
  k?: number;
  /** Temperature (diffusion constant) D > 0. Default 1. */
  D?: number;
  /** End time ≥ 0. Default 10. */
  tEnd?: number;
  /** RK4 step (shrunk so that it divides tEnd). Default 10⁻³/max(1, k). */
  h?: number;
  /** Record every this many steps (the last step is always recorded). Default 10. */
  recordEvery?: number;
  /** Initial r = w·T̂/√n, with R0² ≤ Q0. Default 0. */
  R0?: number;
  /** Initial Q = |w|²/n > 0. Default D/k (equilibrium, w ~ N(0, D/k)). */
  Q0?: number;
  /** The online regime's mini-batch noise; leave out for the averaged regime (excess 0). */
  inputNoise?: InputNoiseOptions;
}

/** The options of {@link perceptronTheory} after defaults, as recorded in its result. */
export interface PerceptronTheoryConfig {
  /** {@inheritDoc PerceptronTheoryOptions.rule} */
  rule: LearningRule;
  /** {@inheritDoc PerceptronTheoryOptions.alpha} */
  alpha: number;
  /** {@inheritDoc PerceptronTheoryOptions.nuTilde} */
  nuTilde: number;
  /** {@inheritDoc PerceptronTheoryOptions.k} */
  k: number;
  /** {@inheritDoc PerceptronTheoryOptions.D} */
  D: number;
  /** {@inheritDoc PerceptronTheoryOptions.tEnd} */
  tEnd: number;
  /** The RK4 step used: tEnd/steps. */
  h: number;
  /** Number of RK4 steps. */
  steps: number;
  /** {@inheritDoc PerceptronTheoryOptions.recordEvery} */
  recordEvery: number;
  /** {@inheritDoc PerceptronTheoryOptions.R0} */
  R0: number;
  /** {@inheritDoc PerceptronTheoryOptions.Q0} */
  Q0: number;
  /** null for the averaged regime. */
  inputNoise: InputNoiseOptions | null;
}

/** The names of the columns of a {@link PerceptronTheoryResult}, in order. */
export const PERCEPTRON_THEORY_COLUMNS = [
  "t",
  "epsilon",
  "R",
  "Q",
  "information",
  "entropyChange",
  "heat",
  "housekeepingHeat",
  "excessHeat",
  "work",
  "internalEnergy",
  "efficiency",
  "housekeepingRate",
  "excessRate",
  "heatRate",
  "forceVariance",
] as const;
/** The name of one column of {@link PerceptronTheoryResult} (an entry of {@link PERCEPTRON_THEORY_COLUMNS}). */
export type PerceptronTheoryColumn = (typeof PERCEPTRON_THEORY_COLUMNS)[number];

/**
 * The trajectory of {@link perceptronTheory}: equal-length Float64Array columns, one entry per record.
 * Everything is per weight; energies and entropies in nats (k_B T = 1), rates per unit time.
 */
export interface PerceptronTheoryResult extends Record<PerceptronTheoryColumn, Float64Array> {
  /** The library's version, as in every result. */
  version: string;
  /** The resolved options (every default filled in). */
  config: PerceptronTheoryConfig;
  /** Time. */
  t: Float64Array;
  /** Generalisation error ε = arccos(ρ)/π. */
  epsilon: Float64Array;
  /** R = w·T/n = r (teacher normalised to |T|² = n). */
  R: Float64Array;
  /** Q = |w|²/n. */
  Q: Float64Array;
  /** I = ln 2 − S(ε), nats. */
  information: Float64Array;
  /** ΔS(w_n) = ½ ln(Q/Q0), nats. */
  entropyChange: Float64Array;
  /** Heat dissipated since t = 0, Q_n = housekeepingHeat + excessHeat, nats. */
  heat: Float64Array;
  /** Housekeeping part of the heat, nats. */
  housekeepingHeat: Float64Array;
  /** Excess (input-fluctuation) part of the heat, nats; 0 in the averaged regime. */
  excessHeat: Float64Array;
  /** Learning work since t = 0, nats; internalEnergy − internalEnergy[0] = work − heat. */
  work: Float64Array;
  /** V = kQ/2, nats. */
  internalEnergy: Float64Array;
  /** η = I/(ΔS + Q_n/D) where the denominator is > 0, else 0 (the heat over D: the medium's entropy). */
  efficiency: Float64Array;
  /** Housekeeping heat rate, nats per unit time. */
  housekeepingRate: Float64Array;
  /** Excess heat rate E_x, nats per unit time. */
  excessRate: Float64Array;
  /** Total heat rate, nats per unit time. */
  heatRate: Float64Array;
  /** ⟨𝓕²⟩ − ⟨𝓕⟩², the learning-factor variance (Wennberg's printed quantity; dimensionless for Hebbian and
   * Perceptron, in units of Q for the AdaTron). */
  forceVariance: Float64Array;
}

/** Q above which (or non-finite) a trajectory counts as diverged. */
export const THEORY_MAX_Q = 1e12;
/** Most RK4 steps one call may take (a guard against hangs). */
const MAX_STEPS = 1e8;

const THEORY_KEYS = [
  "rule",
  "alpha",
  "nuTilde",
  "k",
  "D",
  "tEnd",
  "h",
  "recordEvery",
  "R0",
  "Q0",
  "inputNoise",
] as const;
const STEADY_KEYS = ["rule", "alpha", "nuTilde", "k", "D", "h", "inputNoise"] as const;
const MAX_EFFICIENCY_KEYS = THEORY_KEYS.filter((key) => key !== "recordEvery");
const RULE_NAMES: readonly LearningRule[] = ["hebbian", "perceptron", "adatron", "alphatron"];

/** The physical parameters shared by every entry point. */
interface Model {
  rule: LearningRule;
  alpha: number;
  nuTilde: number;
  k: number;
  D: number;
  inputNoise: InputNoiseOptions | null;
}

function resolveInputNoise(value: unknown, k: number): InputNoiseOptions | null {
  if (value === undefined) return null;
  const o = check.options("inputNoise", value as InputNoiseOptions, ["n", "batch", "dt"]);
  const n = check.integer("inputNoise.n", o.n, 1);
  const batch = check.integer("inputNoise.batch", o.batch, 1);
  const dt = check.positive("inputNoise.dt", o.dt);
  if (!(k * dt < 2)) throw new RangeError(`inputNoise.dt must satisfy k·dt < 2, got k·dt = ${k * dt}`);
  return { n, batch, dt };
}

function resolveModel(o: PerceptronTheoryOptions): Model {
  const rule = check.oneOf("rule", o.rule ?? "hebbian", RULE_NAMES);
  const alpha = checkAlpha(o.alpha ?? 0.5);
  const nuTilde = check.nonNegative("nuTilde", o.nuTilde ?? 3);
  const k = check.positive("k", o.k ?? 1);
  const D = check.positive("D", o.D ?? 1);
  // The equilibrium variance D/k starts every trajectory (and the steady-state search): a normal double.
  if (!(D / k >= MIN_VARIANCE && D / k <= THEORY_MAX_Q)) {
    throw new RangeError(`D/k must be in [${MIN_VARIANCE}, ${THEORY_MAX_Q}] (the equilibrium Q), got D/k = ${D / k}`);
  }
  return { rule, alpha, nuTilde, k, D, inputNoise: resolveInputNoise(o.inputNoise, k) };
}

/** Most 1000-step RK4 chunks the steady-state search integrates before giving up. */
const MAX_STEADY_CHUNKS = 10_000;

/** Smallest equilibrium variance D/k accepted: far above the denormals, where ln Q loses its digits. */
const MIN_VARIANCE = 1e-300;

function defaultStep(k: number): number {
  return 1e-3 / Math.max(1, k);
}

/**
 * Validates the options of {@link perceptronTheory} once and fills in the defaults.
 * @throws TypeError/RangeError naming the option.
 * @example
 * ```ts
 * import { resolvePerceptronTheoryConfig } from "thermolearn";
 * const c = resolvePerceptronTheoryConfig({ tEnd: 2 });
 * console.log(c.h, c.steps, c.Q0); // 0.001, 2000, 1 (= D/k)
 * ```
 */
export function resolvePerceptronTheoryConfig(options?: PerceptronTheoryOptions): PerceptronTheoryConfig {
  return resolveTrajectory("perceptronTheory", options, THEORY_KEYS);
}

function resolveTrajectory(
  what: string,
  options: PerceptronTheoryOptions | undefined,
  keys: readonly string[],
): PerceptronTheoryConfig {
  const o = check.options(what, options, keys);
  const model = resolveModel(o);
  const tEnd = check.nonNegative("tEnd", o.tEnd ?? 10);
  const hWanted = check.positive("h", o.h ?? defaultStep(model.k));
  const stepsWanted = Math.ceil(tEnd / hWanted);
  if (!(stepsWanted <= MAX_STEPS)) {
    const which = o.h === undefined ? `tEnd: with k = ${model.k} the default step h = 10⁻³/k gives` : "h must give";
    throw new RangeError(`${which} at most ${MAX_STEPS} steps (tEnd/h = ${tEnd / hWanted}); give h or a smaller tEnd`);
  }
  const steps = Math.max(1, stepsWanted);
  const h = tEnd > 0 ? tEnd / steps : hWanted;
  const recordEvery = check.integer("recordEvery", o.recordEvery ?? 10, 1);
  const Q0 = o.Q0 === undefined ? model.D / model.k : check.positive("Q0", o.Q0);
  if (!(Q0 >= MIN_VARIANCE && Q0 <= THEORY_MAX_Q)) {
    throw new RangeError(`Q0 must be in [${MIN_VARIANCE}, ${THEORY_MAX_Q}], got ${Q0}`);
  }
  const R0 = check.finite("R0", o.R0 ?? 0);
  if (!(R0 * R0 <= Q0)) {
    const where = o.Q0 === undefined ? " (Q0 = D/k by default)" : "";
    throw new RangeError(`R0 must satisfy R0² ≤ Q0${where} (|ρ| ≤ 1), got R0 = ${R0}, Q0 = ${Q0}`);
  }
  return { ...model, tEnd, h, steps: tEnd > 0 ? steps : 0, recordEvery, R0, Q0 };
}

/** Everything the bookkeeping needs at one state (r, Q). */
interface Rates {
  force: AveragedForce;
  dr: number;
  dQ: number;
  /** Learning work rate (averaged force, Stratonovich) plus the excess. */
  work: number;
  excess: number;
}

/** The right-hand side: ρ clamped to [−1, 1] against rounding (|r| ≤ √Q holds exactly for the flow). */
function ratesAt(model: Model, forceAt: AveragedForceFunction, r: number, Q: number): Rates {
  const { nuTilde, k, D, inputNoise } = model;
  const sq = Math.sqrt(Q);
  const rho = Math.min(1, Math.max(-1, r / sq));
  const force = forceAt(rho, Q);
  const excess = inputNoise
    ? ((nuTilde * nuTilde) / inputNoise.batch) * (inputNoise.n * force.factorSquare - force.forceSquare)
    : 0;
  const X = inputNoise ? inputNoise.dt * excess : 0;
  const dr = -k * r + nuTilde * force.cu;
  const dQ = -2 * k * Q + 2 * nuTilde * sq * force.cx + 2 * D + X;
  const work =
    nuTilde * nuTilde * force.forceSquare - k * nuTilde * sq * force.cx + D * nuTilde * force.factorSlope + excess;
  return { force, dr, dQ, work, excess };
}

function epsilonOf(r: number, Q: number): number {
  return Math.acos(Math.min(1, Math.max(-1, r / Math.sqrt(Q)))) / Math.PI;
}

/** The RK4 state: r, Q, work, excess heat. */
type State = [number, number, number, number];

/**
 * Integrates from (R0, Q0) with RK4 and calls `visit(step, state)` at step 0 and after every step.
 * @throws DivergedError once Q leaves (0, 10¹²] or the state is not finite.
 */
function integrate(
  what: string,
  config: PerceptronTheoryConfig,
  forceAt: AveragedForceFunction,
  visit: (step: number, y: State) => void,
): void {
  const { h, steps } = config;
  const y: State = [config.R0, config.Q0, 0, 0];
  const derivative = (s: State): State => {
    const p = ratesAt(config, forceAt, s[0], s[1]);
    return [p.dr, p.dQ, p.work, p.excess];
  };
  const shifted = (d: State, c: number): State => [y[0] + c * d[0], y[1] + c * d[1], y[2] + c * d[2], y[3] + c * d[3]];
  visit(0, y);
  for (let i = 1; i <= steps; i++) {
    const k1 = derivative(y);
    const k2 = derivative(shifted(k1, h / 2));
    const k3 = derivative(shifted(k2, h / 2));
    const k4 = derivative(shifted(k3, h));
    for (let j = 0; j < 4; j++) y[j] += (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
    if (!(y[1] > 0 && y[1] <= THEORY_MAX_Q && Number.isFinite(y[0] + y[2] + y[3]))) {
      const time = i * h;
      throw new DivergedError(`${what}: diverged at t = ${time}: Q left (0, ${THEORY_MAX_Q}] (rule ${config.rule})`, {
        time,
      });
    }
    visit(i, y);
  }
}

/**
 * η = I/(ΔS + Q_n/D) where the denominator is > 0, else 0: the heat enters over the temperature D, as
 * the medium's entropy (Goldt & Seifert's k_B T = 1 is D = 1).
 */
function efficiencyOf(information: number, entropyChange: number, heat: number, D: number): number {
  const denominator = entropyChange + heat / D;
  const eta = information / denominator;
  // A denormal denominator (a vanishing time) overflows the quotient: no efficiency yet.
  return denominator > 0 && Number.isFinite(eta) ? eta : 0;
}

/**
 * The order-parameter theory of perceptron learning (n → ∞, per weight): integrates the ODEs for
 * R(t) and Q(t) of the module comment (RK4, fixed step h, global error O(h⁴); at the default h,
 * measured against h/2 at t = 5: ≲ 10⁻¹² relative at ν̃ = 3 and ≲ 10⁻¹⁰ at ν̃ = 10) for any rule and
 * returns ε, R, Q, I, ΔS(w_n), the heat split into housekeeping and excess parts, the learning work,
 * V = kQ/2, η and the rates, all per weight, nats, rates per unit time. Without `inputNoise` the
 * averaged (time-scale separated) regime of Goldt & Seifert (excess 0); with it, the online regime of
 * the mini-batch Euler–Maruyama simulator.
 * First law: internalEnergy − internalEnergy[0] = work − heat (to rounding).
 * @throws TypeError/RangeError naming the option; DivergedError (detail { time }) once Q exceeds 10¹²
 * or stops being finite (the α-tron with α ≥ 1 at ν̃ = 3, k = 1).
 * @example
 * ```ts
 * import { perceptronTheory } from "thermolearn";
 * const th = perceptronTheory({ rule: "perceptron", nuTilde: 3, tEnd: 5 });
 * console.log(th.epsilon.at(-1), th.efficiency.at(-1)); // ≈ 0.294, ≈ 0.113
 * ```
 */
export function perceptronTheory(options?: PerceptronTheoryOptions): PerceptronTheoryResult {
  const config = resolvePerceptronTheoryConfig(options);
  const forceAt = averagedForceFunction(config.rule, config.alpha);
  const { steps, recordEvery, h, k, Q0 } = config;
  const records = Math.floor(steps / recordEvery) + 1 + (steps % recordEvery === 0 ? 0 : 1);
  const columns = Object.fromEntries(
    PERCEPTRON_THEORY_COLUMNS.map((name) => [name, new Float64Array(records)]),
  ) as Record<PerceptronTheoryColumn, Float64Array>;
  let row = 0;
  integrate("perceptronTheory", config, forceAt, (i, y) => {
    if (i % recordEvery !== 0 && i !== steps) return;
    const [r, Q, work, excessHeat] = y;
    const p = ratesAt(config, forceAt, r, Q);
    const epsilon = epsilonOf(r, Q);
    const information = mutualInformation(epsilon);
    const entropyChange = 0.5 * (Math.log(Q) - Math.log(Q0));
    const internalEnergy = (k * Q) / 2;
    const heat = work - (internalEnergy - (k * Q0) / 2);
    const heatRate = p.work - (k / 2) * p.dQ;
    const c = columns;
    c.t[row] = i * h;
    c.epsilon[row] = epsilon;
    c.R[row] = r;
    c.Q[row] = Q;
    c.information[row] = information;
    c.entropyChange[row] = entropyChange;
    c.heat[row] = heat;
    c.housekeepingHeat[row] = heat - excessHeat;
    c.excessHeat[row] = excessHeat;
    c.work[row] = work;
    c.internalEnergy[row] = internalEnergy;
    c.efficiency[row] = efficiencyOf(information, entropyChange, heat, config.D);
    c.housekeepingRate[row] = heatRate - p.excess;
    c.excessRate[row] = p.excess;
    c.heatRate[row] = heatRate;
    c.forceVariance[row] = p.force.factorSquare - p.force.factorMean * p.force.factorMean;
    row++;
  });
  return { version: VERSION, config, ...columns };
}

/** Options of {@link maxEfficiency}: those of {@link perceptronTheory} without recordEvery. */
export type MaxEfficiencyOptions = Omit<PerceptronTheoryOptions, "recordEvery">;

/**
 * The largest efficiency η(t) = I/(ΔS + Q_n/D) along the trajectory of {@link perceptronTheory} on
 * [0, tEnd], scanned at every RK4 step and refined by a parabola through the best step and its
 * neighbours (error O(h³)). With input noise η(t) rises, peaks and decays (the excess heat grows like
 * E_x t); in the averaged regime it may still be rising at tEnd, and then `t` = tEnd.
 * @returns { efficiency, t }: dimensionless, and the time of the maximum.
 * @throws as {@link perceptronTheory}.
 * @example
 * ```ts
 * import { maxEfficiency } from "thermolearn";
 * const { efficiency, t } = maxEfficiency({ nuTilde: 3, tEnd: 5, inputNoise: { n: 1e4, batch: 30, dt: 1e-3 } });
 * console.log(efficiency, t); // η ≈ 4.9·10⁻⁵ at t ≈ 0.51 (the excess heat dominates at B = 30)
 * ```
 */
export function maxEfficiency(options?: MaxEfficiencyOptions): {
  /** The largest η(t) = I/(ΔS(w_n) + Q_n/D) along the trajectory. */
  efficiency: number;
  /** The time at which it is reached. */
  t: number;
} {
  const config = resolveTrajectory("maxEfficiency", options, MAX_EFFICIENCY_KEYS);
  const forceAt = averagedForceFunction(config.rule, config.alpha);
  const { h, k, Q0, D } = config;
  let best = -1,
    bestStep = 0,
    previous = 0,
    before = 0,
    after = 0;
  integrate("maxEfficiency", config, forceAt, (i, y) => {
    const [r, Q, work] = y;
    const entropyChange = 0.5 * (Math.log(Q) - Math.log(Q0));
    const eta = efficiencyOf(mutualInformation(epsilonOf(r, Q)), entropyChange, work - (k / 2) * (Q - Q0), D);
    if (i === bestStep + 1) after = eta;
    if (eta > best) {
      best = eta;
      bestStep = i;
      before = previous;
    }
    previous = eta;
  });
  if (bestStep === 0 || bestStep === config.steps) return { efficiency: best, t: bestStep * h };
  // Vertex of the parabola through (−h, before), (0, best), (h, after).
  const curvature = before - 2 * best + after;
  if (!(curvature < 0)) return { efficiency: best, t: bestStep * h };
  const shift = (0.5 * (before - after)) / curvature;
  return { efficiency: best - 0.25 * (before - after) * shift, t: (bestStep + shift) * h };
}

/** Options of {@link perceptronSteadyState}. */
export type PerceptronSteadyStateOptions = Pick<
  PerceptronTheoryOptions,
  "rule" | "alpha" | "nuTilde" | "k" | "D" | "h" | "inputNoise"
>;

/** The fixed point of the order-parameter ODEs, per weight; rates in nats per unit time. */
export interface PerceptronSteadyState {
  /** ε = arccos(ρ)/π. */
  epsilon: number;
  /** R = r (|T|² = n). */
  R: number;
  /** Q = |w|²/n at the fixed point. */
  Q: number;
  /** I = ln 2 − S(ε), nats. */
  information: number;
  /** Steady housekeeping heat rate (0 in the averaged regime, theory11.md §2). */
  housekeepingRate: number;
  /** Steady excess heat rate E_x = (ν̃²/B)(n⟨𝓕²⟩ − m²); 0 in the averaged regime. */
  excessRate: number;
  /** housekeepingRate + excessRate. */
  heatRate: number;
  /** ⟨𝓕²⟩ − ⟨𝓕⟩² at the fixed point. */
  forceVariance: number;
}

/**
 * The steady state (fixed point) of the order-parameter ODEs of {@link perceptronTheory}: RK4 from
 * equilibrium (R = 0, Q = D/k) with step h (default 10⁻²/max(1, k); the fixed point does not depend on
 * it) until both rates are below 10⁻⁶ relative (|dr/dt| ≤ 10⁻⁶ k√Q, |dQ/dt| ≤ 10⁻⁶ kQ), then Newton's
 * method (central-difference Jacobian) until the step is below 10⁻¹⁴ relative; it is accepted once
 * the relative rates are ≤ 10⁻¹¹ (they are then ~10⁻¹⁵).
 * @throws TypeError/RangeError naming the option; DivergedError (detail { time }) if Q exceeds 10¹²
 * (no steady state: the α-tron with α ≥ 1); RangeError naming k and h when 10⁷ steps do not reach it,
 * or naming the parameters if Newton's method finds no fixed point.
 * @example
 * ```ts
 * import { perceptronSteadyState } from "thermolearn";
 * console.log(perceptronSteadyState({ rule: "adatron" }).epsilon); // ≈ 0.364
 * ```
 */
export function perceptronSteadyState(options?: PerceptronSteadyStateOptions): PerceptronSteadyState {
  const o = check.options("perceptronSteadyState", options, STEADY_KEYS);
  const model = resolveModel(o);
  const h = check.positive("h", o.h ?? 10 * defaultStep(model.k));
  const forceAt = averagedForceFunction(model.rule, model.alpha);
  const { k } = model;
  const residual = (r: number, Q: number): number => {
    const p = ratesAt(model, forceAt, r, Q);
    return Math.max(Math.abs(p.dr) / (k * Math.sqrt(Q)), Math.abs(p.dQ) / (k * Q));
  };
  // Integrate in chunks of 1000 steps (the DivergedError check is in integrate) until the rates are small.
  let r = 0,
    Q = model.D / k,
    t = 0;
  const chunk = 1000;
  let chunks = 0;
  while (residual(r, Q) > 1e-6) {
    // 10⁴ chunks = 10⁷ RK4 steps: relaxation takes a few 1/k, so this is a k (or h) too small to finish.
    if (++chunks > MAX_STEADY_CHUNKS) {
      throw new RangeError(
        `k, h: no steady state within ${MAX_STEADY_CHUNKS * chunk} RK4 steps of h = ${h} ` +
          `(t = ${t}; the relaxation time 1/k = ${1 / k}): give a larger h or k`,
      );
    }
    const config: PerceptronTheoryConfig = {
      ...model,
      tEnd: chunk * h,
      h,
      steps: chunk,
      recordEvery: chunk,
      R0: r,
      Q0: Q,
    };
    try {
      integrate("perceptronSteadyState", config, forceAt, (i, y) => {
        if (i === chunk) [r, Q] = y;
      });
    } catch (error) {
      if (error instanceof DivergedError) {
        const time = t + Number(error.detail.time);
        const message = `perceptronSteadyState: diverged at t = ${time}: Q exceeded ${THEORY_MAX_Q}`;
        throw new DivergedError(message, { time });
      }
      throw error;
    }
    t += chunk * h;
  }
  // Newton on (dr/dt, dQ/dt) = 0 with central-difference Jacobian.
  for (let iter = 0; iter < 30; iter++) {
    const f = ratesAt(model, forceAt, r, Q);
    const dr = 1e-6 * Math.sqrt(Q),
      dq = 1e-6 * Q;
    const pr = ratesAt(model, forceAt, r + dr, Q),
      mr = ratesAt(model, forceAt, r - dr, Q);
    const pq = ratesAt(model, forceAt, r, Q + dq),
      mq = ratesAt(model, forceAt, r, Q - dq);
    const j11 = (pr.dr - mr.dr) / (2 * dr),
      j12 = (pq.dr - mq.dr) / (2 * dq),
      j21 = (pr.dQ - mr.dQ) / (2 * dr),
      j22 = (pq.dQ - mq.dQ) / (2 * dq);
    const det = j11 * j22 - j12 * j21;
    const stepR = (-f.dr * j22 + f.dQ * j12) / det,
      stepQ = (-f.dQ * j11 + f.dr * j21) / det;
    if (!Number.isFinite(stepR + stepQ)) break;
    r += stepR;
    Q += stepQ;
    if (Math.abs(stepR) <= 1e-14 * Math.sqrt(Q) && Math.abs(stepQ) <= 1e-14 * Q) break;
  }
  if (!(Q > 0 && residual(r, Q) <= 1e-11)) {
    const { rule, alpha, nuTilde, D } = model;
    throw new RangeError(
      `perceptronSteadyState: no fixed point found at rule ${rule}, alpha ${alpha}, nuTilde ${nuTilde}, ` +
        `k ${k}, D ${D} (Newton's residual ${residual(r, Q)})`,
    );
  }
  const p = ratesAt(model, forceAt, r, Q);
  const epsilon = epsilonOf(r, Q);
  const heatRate = p.work - (k / 2) * p.dQ;
  return {
    epsilon,
    R: r,
    Q,
    information: mutualInformation(epsilon),
    housekeepingRate: heatRate - p.excess,
    excessRate: p.excess,
    heatRate,
    forceVariance: p.force.factorSquare - p.force.factorMean * p.force.factorMean,
  };
}
