/**
 * Landauer's erasure in the double well (issue #12 §4): the cycle of Bérut et al. (Nature 483, 187
 * (2012)), simulated with the Langevin ensemble (./ensemble.ts) and solved exactly on the
 * Fokker–Planck grid (./fokker-planck.ts), with the fit ⟨Q⟩ = ln 2 + B/τ.
 *
 * The potential is the double well of ./potentials.ts, V = E x⁴ − 2√(E·B(t)) x² − a(t) x (k_BT = D).
 * One erasure cycle of length τ has four equal strokes (src/langevin/protocols.ts `corners`):
 *   1. lower the barrier B → 0 (tilt 0),  2. tilt a: 0 → a₁ (barrier 0),
 *   3. raise the barrier 0 → B (tilt a₁),  4. untilt a₁ → 0 (barrier B),
 * starting from equilibrium in the symmetric double well: one bit, either well with probability ½.
 * It succeeds when the particle ends in the right well (x > 0) whatever its start. Erasing a bit with
 * success probability p lowers the system's entropy by ln 2 + p ln p + (1 − p) ln(1 − p) nats, so by
 * the second law the mean heat released into the bath is at least that, in k_BT (the generalised
 * Landauer bound; ln 2 at p = 1). For a slow cycle ⟨Q⟩ ≈ ln 2 + B/τ (the leading order in 1/τ,
 * Sekimoto & Sasa 1997; measured by Bérut et al.).
 *
 * The defaults (E = 8, B = 10, a₁ = 6; heun, dt = 2·10⁻³) follow from three time scales, see
 * /work/notes/landauer-12.md:
 * - the barrier must hold over the cycle: Kramers' escape rate over B = 10 from a well of stiffness
 *   V″ = 71.5 is ≈ √(71.5·35.8)/(2π)·e^{−10} ≈ 3.7·10⁻⁴ per unit time, so about 1.5·10⁻⁵·τ of the
 *   particles slip back during stroke 4 (0.25 % at τ = 160). At B = 8 it is e² ≈ 7 times more
 *   (2.4 % at τ = 200, measured).
 * - the tilt must empty the left well while the barrier rises: at a₁ = 6 the left well's barrier at
 *   the end of stroke 3 is ≈ 3.6 k_BT and it lies ≈ 12.7 k_BT above the right one; p ≥ 0.999 for
 *   τ ≥ 5 (0.993 at τ = 2: too short to cross).
 * - the well's stiffness V″ ≈ 71.5 sets dt: Heun at dt = 2·10⁻³ (κ dt = 0.14) biases the well's
 *   energy by ≈ −0.003 k_BT (the Ornstein–Uhlenbeck closed form of the scheme); Euler–Maruyama by
 *   +0.04 k_BT at the same step.
 */
import * as check from "../core/validate.js";
import { MAX_U32 } from "../core/validate.js";
import type { Backend } from "../core/loader.js";
import type { RunStatus } from "../core/model.js";
import { LangevinEnsemble, MAX_PARTICLES, checkTimeStep, type LangevinScheme } from "./ensemble.js";
import { resolveFokkerPlanckConfig, solveFokkerPlanck } from "./fokker-planck.js";
import { resolvePotential, type DoubleWellOptions } from "./potentials.js";
import { corners } from "./protocols.js";

/** Default barrier height B (k_BT at D = 1), tilt a₁ (energy/length) and quartic coefficient E. */
export const ERASURE_DEFAULTS = {
  /** Barrier height B at zero tilt, energy (k_BT at D = 1). */
  barrier: 10,
  /** Tilt a₁ of strokes 2–4, energy/length. */
  tilt: 6,
  /** Quartic coefficient E, energy/length⁴. */
  quartic: 8,
} as const;
/** Default time step and scheme of {@link runErasure}: Heun at dt = 2·10⁻³ (see the module comment). */
export const ERASURE_DT = 2e-3;
/** Default integration scheme of {@link runErasure}: "heun" (weak order 2). */
export const ERASURE_SCHEME: LangevinScheme = "heun";

/** Options of {@link erasureProtocol}. */
export interface ErasureProtocolOptions {
  /** Cycle length τ > 0 (time units): four strokes of τ/4. */
  tau: number;
  /** Barrier height B > 0 at zero tilt (energy; the wells sit at ±(B/E)^¼). Default 10. */
  barrier?: number;
  /** Tilt a₁ > 0 of strokes 2–4 (energy/length; pushes toward x > 0). Default 6. */
  tilt?: number;
  /** The quartic coefficient E > 0 (energy/length⁴). Default 8. */
  quartic?: number;
}

const PROTOCOL_KEYS = ["tau", "barrier", "tilt", "quartic"] as const;

/**
 * The double well and its protocols for one erasure cycle: barrier B → 0, tilt 0 → a₁, barrier 0 → B,
 * tilt a₁ → 0, each stroke τ/4 long and linear in time (`corners`).
 * @throws TypeError/RangeError naming the option (`tau`, `barrier`, `tilt`, `quartic`: each > 0).
 * @example
 * ```ts
 * import { erasureProtocol } from "thermolearn";
 * console.log(erasureProtocol({ tau: 40 }).barrier); // { t: [0, 10, 20, 30, 40], value: [10, 0, 0, 10, 10] }
 * ```
 */
export function erasureProtocol(options: ErasureProtocolOptions): DoubleWellOptions {
  const { tau, barrier, tilt, quartic } = resolveCycle(
    "erasureProtocol",
    check.options("erasureProtocol", options, PROTOCOL_KEYS),
  );
  return {
    kind: "doubleWell",
    barrier: corners(tau, [barrier, 0, 0, barrier, barrier]),
    tilt: corners(tau, [0, 0, tilt, tilt, 0]),
    quartic,
  };
}

/** The cycle's options, validated (each > 0, `tau` required) with the defaults filled in. */
function resolveCycle(what: string, o: ErasureProtocolOptions): Required<ErasureProtocolOptions> {
  if (o.tau === undefined) throw new TypeError(`${what}: tau is required (the cycle length, > 0)`);
  return {
    tau: check.positive("tau", o.tau),
    barrier: check.positive("barrier", o.barrier ?? ERASURE_DEFAULTS.barrier),
    tilt: check.positive("tilt", o.tilt ?? ERASURE_DEFAULTS.tilt),
    quartic: check.positive("quartic", o.quartic ?? ERASURE_DEFAULTS.quartic),
  };
}

/** Steps of one cycle: τ/dt rounded up, forgiving rounding in τ/dt (τ = 0.3, dt = 0.1 is 3, not 4); ≥ 1. */
function cycleSteps(tau: number, dt: number): number {
  const steps = Math.max(1, Math.ceil(tau / dt - 1e-9));
  if (!(steps <= check.MAX_COUNT)) throw new RangeError(`dt: τ/dt = ${tau / dt} steps exceed ${check.MAX_COUNT}`);
  return steps;
}

/**
 * The generalised Landauer bound ln 2 + p ln p + (1 − p) ln(1 − p) (nats, i.e. k_BT of heat): the
 * entropy a bit loses when erased with success probability p (0 ln 0 = 0; ln 2 at p = 0 or 1, 0 at
 * p = ½).
 * @throws RangeError naming `p` outside [0, 1].
 * @example
 * ```ts
 * import { landauerBound } from "thermolearn";
 * console.log(landauerBound(1), landauerBound(0.9)); // ln 2 ≈ 0.693, ≈ 0.368 nats
 * ```
 */
export function landauerBound(p: number): number {
  check.probability("p", p);
  const xlnx = (x: number) => (x > 0 ? x * Math.log(x) : 0);
  return Math.LN2 + xlnx(p) + xlnx(1 - p);
}

/** Options of {@link runErasure}: the cycle, the ensemble, and which trajectories to run. */
export interface ErasureOptions extends ErasureProtocolOptions {
  /** Trajectories (erasures) of this (sub-)ensemble, 2 … 2²⁴. Default 10 000. */
  particles?: number;
  /** Diffusion constant D > 0, = k_BT (mobility 1); work and heat are reported divided by D. Default 1. */
  D?: number;
  /** Time step > 0. Default 2·10⁻³. The run takes ⌈τ/dt⌉ steps (the protocol is constant after τ). */
  dt?: number;
  /** "heun" (default: weak order 2) or "euler". */
  scheme?: LangevinScheme;
  /** Seed of the ensemble's streams. Default 0. */
  seed?: number;
  /** Index of this sub-ensemble's first trajectory (so sub-ensembles have disjoint streams). Default 0. */
  firstTrajectory?: number;
  /** Force the "simd" or "scalar" build (same bits). */
  backend?: Backend;
}

/** The resolved options of {@link runErasure}. */
export interface ErasureConfig {
  /** {@inheritDoc ErasureProtocolOptions.tau} */
  tau: number;
  /** {@inheritDoc ErasureProtocolOptions.barrier} */
  barrier: number;
  /** {@inheritDoc ErasureProtocolOptions.tilt} */
  tilt: number;
  /** {@inheritDoc ErasureProtocolOptions.quartic} */
  quartic: number;
  /** {@inheritDoc ErasureOptions.particles} */
  particles: number;
  /** {@inheritDoc ErasureOptions.D} */
  D: number;
  /** {@inheritDoc ErasureOptions.dt} */
  dt: number;
  /** {@inheritDoc ErasureOptions.scheme} */
  scheme: LangevinScheme;
  /** {@inheritDoc ErasureOptions.seed} */
  seed: number;
  /** {@inheritDoc ErasureOptions.firstTrajectory} */
  firstTrajectory: number;
  /** The build asked for ("simd" or "scalar"), or undefined for the default choice. */
  backend: Backend | undefined;
  /** Steps run: ⌈τ/dt⌉. */
  steps: number;
}

/**
 * The outcome of an ensemble of erasures (one sub-ensemble, or several combined by
 * {@link combineErasures}). Work and heat are in k_BT (divided by D); standard errors are of the mean.
 */
export interface ErasureValue {
  /** Cycle length τ (time units). */
  tau: number;
  /** Trajectories in this value, and the first one's index. */
  particles: number;
  /** Index of the first trajectory. */
  firstTrajectory: number;
  /** Trajectories that ended in the target well x > 0, and their fraction p with √(p(1 − p)/N). */
  successes: number;
  /** Success probability p = successes/particles. */
  success: number;
  /** Its standard error √(p(1 − p)/N). */
  successError: number;
  /** Mean work per erasure ⟨W⟩/k_BT, its standard error, and the sum of squared deviations (for combining). */
  meanWork: number;
  /** Standard error of `meanWork`, k_BT. */
  workError: number;
  /** Sum of squared deviations of the work from `meanWork`, (k_BT)², for {@link combineErasures}. */
  workM2: number;
  /** Mean heat released into the bath per erasure ⟨Q⟩/k_BT, its standard error, and the sum of squared deviations. */
  meanHeat: number;
  /** Standard error of `meanHeat`, k_BT. */
  heatError: number;
  /** Sum of squared deviations of the heat from `meanHeat`, (k_BT)², for {@link combineErasures}. */
  heatM2: number;
  /**
   * The generalised bound ln 2 + p ln p + (1 − p) ln(1 − p) at the measured p, and its error
   * |ln(p/(1 − p))|·σ_p (0 at p = 0, 1).
   */
  bound: number;
  /** Its error |ln(p/(1 − p))|·σ_p (0 at p = 0, 1), nats. */
  boundError: number;
  /** Trajectories frozen after leaving the scheme's stable region (0 in a healthy run). */
  diverged: number;
  /** "completed", or "diverged" when any trajectory was frozen (its W and Q then stop where it froze). */
  status: RunStatus;
  /** Wall-clock time of the simulation(s), milliseconds (summed when combined). */
  elapsedMs: number;
}

const ERASURE_KEYS = [
  ...PROTOCOL_KEYS,
  "particles",
  "D",
  "dt",
  "scheme",
  "seed",
  "firstTrajectory",
  "backend",
] as const;

/**
 * Validates {@link runErasure}'s options once and fills in the defaults.
 * @throws TypeError/RangeError naming the option (`dt` too coarse for the well: dt·∂ₓ²V ≥ 1 at a corner of the cycle).
 * @example
 * ```ts
 * import { resolveErasureConfig } from "thermolearn";
 * const c = resolveErasureConfig({ tau: 40 });
 * console.log(c.particles, c.dt, c.steps); // 10000, 0.002, 20000
 * ```
 */
export function resolveErasureConfig(options: ErasureOptions): ErasureConfig {
  const o = check.options("runErasure", options, ERASURE_KEYS);
  const { tau, barrier, tilt, quartic } = resolveCycle("runErasure", o);
  const particles = check.integer("particles", o.particles ?? 10_000, 2, MAX_PARTICLES);
  const D = check.positive("D", o.D ?? 1);
  const dt = check.positive("dt", o.dt ?? ERASURE_DT);
  const scheme = check.oneOf("scheme", o.scheme ?? ERASURE_SCHEME, ["euler", "heun"] as const);
  const seed = check.seed("seed", o.seed ?? 0);
  const firstTrajectory = check.integer("firstTrajectory", o.firstTrajectory ?? 0, 0, MAX_U32);
  if (firstTrajectory + particles - 1 > MAX_U32) {
    throw new RangeError(
      `firstTrajectory: firstTrajectory + particles must be ≤ 2³², got ${firstTrajectory + particles}`,
    );
  }
  const steps = cycleSteps(tau, dt);
  // dt against the well's stiffness at the cycle's corners (the ensemble checks it again as it steps).
  const potential = resolvePotential(erasureProtocol({ tau, barrier, tilt, quartic }));
  for (let k = 0; k <= 4; k++) checkTimeStep(potential, D, dt, (k * tau) / 4);
  return {
    tau,
    barrier,
    tilt,
    quartic,
    particles,
    D,
    dt,
    scheme,
    seed,
    firstTrajectory,
    backend: check.backend(o.backend),
    steps,
  };
}

/** Mean and sum of squared deviations, by Welford's update. */
function moments(values: Float64Array, scale: number): [number, number] {
  let mean = 0,
    m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] / scale;
    const d = v - mean;
    mean += d / (i + 1);
    m2 += d * (v - mean);
  }
  return [mean, m2];
}

/** The derived fields (errors, bound) of a value from its counts and moments. */
function finish(
  base: Omit<ErasureValue, "success" | "successError" | "workError" | "heatError" | "bound" | "boundError">,
): ErasureValue {
  const n = base.particles;
  const p = base.successes / n;
  const successError = Math.sqrt((p * (1 - p)) / n);
  const logit = p > 0 && p < 1 ? Math.abs(Math.log(p / (1 - p))) : 0;
  return {
    ...base,
    success: p,
    successError,
    workError: Math.sqrt(base.workM2 / (n - 1) / n),
    heatError: Math.sqrt(base.heatM2 / (n - 1) / n),
    bound: landauerBound(p),
    boundError: logit * successError,
  };
}

/**
 * Runs an ensemble of erasure cycles (trajectories firstTrajectory … firstTrajectory + particles − 1
 * of the seed's streams) from equilibrium in the symmetric double well, and reports the success
 * probability, the mean work and heat per erasure in k_BT with their standard errors, and the
 * generalised bound at the measured p. Sub-ensembles with disjoint `firstTrajectory` ranges combine
 * with {@link combineErasures} into the value of the whole ensemble.
 * @throws TypeError/RangeError naming a bad option; RangeError naming dt when it is too coarse for the well.
 * @example
 * ```ts
 * import { runErasure } from "thermolearn";
 * const r = runErasure({ tau: 10, particles: 1000 });
 * console.log(r.success, r.meanHeat, r.heatError); // 1, ≈ 1.47 ± 0.05 k_BT: above ln 2 ≈ 0.693 by ≈ B/τ
 * ```
 */
export function runErasure(options: ErasureOptions): ErasureValue {
  const started = performance.now();
  const c = resolveErasureConfig(options);
  const ensemble = new LangevinEnsemble({
    potential: erasureProtocol({ tau: c.tau, barrier: c.barrier, tilt: c.tilt, quartic: c.quartic }),
    D: c.D,
    dt: c.dt,
    particles: c.particles,
    scheme: c.scheme,
    seed: c.seed,
    firstTrajectory: c.firstTrajectory,
    ...(c.backend ? { backend: c.backend } : {}),
  });
  try {
    ensemble.step(c.steps);
    const x = ensemble.positions();
    let successes = 0;
    for (let i = 0; i < x.length; i++) if (x[i] > 0) successes++;
    const [meanWork, workM2] = moments(ensemble.work(), c.D);
    const [meanHeat, heatM2] = moments(ensemble.heat(), c.D);
    const diverged = ensemble.diverged;
    return finish({
      tau: c.tau,
      particles: c.particles,
      firstTrajectory: c.firstTrajectory,
      successes,
      meanWork,
      workM2,
      meanHeat,
      heatM2,
      diverged,
      status: diverged > 0 ? "diverged" : "completed",
      elapsedMs: performance.now() - started,
    });
  } finally {
    ensemble.dispose();
  }
}

/**
 * Combines sub-ensembles of the same cycle (same τ) into one value, in the order given (Chan et al.'s
 * pairwise update of the means and squared deviations), so a fixed split gives the same bits however
 * the parts were computed.
 * @throws RangeError when `values` is empty or mixes cycle lengths.
 * @example
 * ```ts
 * import { combineErasures, runErasure } from "thermolearn";
 * const parts = [0, 1].map((g) => runErasure({ tau: 10, particles: 500, firstTrajectory: 500 * g }));
 * const all = combineErasures(parts);
 * console.log(all.particles, all.meanHeat); // 1000, ≈ 1.47 k_BT: the same as runErasure({ tau: 10, particles: 1000 })
 * ```
 */
export function combineErasures(values: readonly ErasureValue[]): ErasureValue {
  if (!Array.isArray(values) || values.length === 0)
    throw new RangeError("values must be a non-empty array of erasure values");
  const tau = values[0].tau;
  let n = 0,
    successes = 0,
    meanWork = 0,
    workM2 = 0,
    meanHeat = 0,
    heatM2 = 0,
    diverged = 0,
    elapsedMs = 0,
    firstTrajectory = Number.POSITIVE_INFINITY;
  for (const [i, v] of values.entries()) {
    if (v.tau !== tau) throw new RangeError(`values[${i}].tau = ${v.tau} differs from values[0].tau = ${tau}`);
    const m = v.particles,
      total = n + m;
    const dw = v.meanWork - meanWork,
      dq = v.meanHeat - meanHeat;
    meanWork += (dw * m) / total;
    meanHeat += (dq * m) / total;
    workM2 += v.workM2 + (dw * dw * n * m) / total;
    heatM2 += v.heatM2 + (dq * dq * n * m) / total;
    n = total;
    successes += v.successes;
    diverged += v.diverged;
    elapsedMs += v.elapsedMs;
    firstTrajectory = Math.min(firstTrajectory, v.firstTrajectory);
  }
  return finish({
    tau,
    particles: n,
    firstTrajectory,
    successes,
    meanWork,
    workM2,
    meanHeat,
    heatM2,
    diverged,
    status: diverged > 0 ? "diverged" : "completed",
    elapsedMs,
  });
}

// ---------------------------------------------------------------------------------------------
// The exact side

/** Options of {@link erasureFokkerPlanck}. */
export interface ErasureFokkerPlanckOptions extends ErasureProtocolOptions {
  /** Diffusion constant D > 0 (= k_BT). Default 1. */
  D?: number;
  /** Grid cells. Default 512 (|ΔU|/D ≤ 1.3 between neighbours for the default well). */
  cells?: number;
  /** Time step of the BDF2 solver. Default min(2·10⁻³, τ/400). */
  dt?: number;
}

/** The exact (grid) outcome of one erasure cycle. Work and heat in k_BT. */
export interface ErasureFokkerPlanckValue {
  /** Cycle length τ (time units). */
  tau: number;
  /** ⟨W⟩/k_BT and ⟨Q⟩/k_BT over the cycle. */
  meanWork: number;
  /** ⟨Q⟩/k_BT, the mean heat released into the bath over the cycle. */
  meanHeat: number;
  /** Probability in the cells with centre x > 0 at the end of the cycle. */
  success: number;
  /** ln 2 + p ln p + (1 − p) ln(1 − p) at that p. */
  bound: number;
  /** Grid cells used. */
  cells: number;
  /** BDF2 time step used. */
  dt: number;
  /** Steps solved: ⌈τ/dt⌉. */
  steps: number;
  /** Wall-clock time of the solve, milliseconds. */
  elapsedMs: number;
}

const FP_KEYS = [...PROTOCOL_KEYS, "D", "cells", "dt"] as const;

/** The resolved options of {@link erasureFokkerPlanck}. */
export interface ErasureFokkerPlanckConfig {
  /** {@inheritDoc ErasureProtocolOptions.tau} */
  tau: number;
  /** The double well with the cycle's barrier and tilt protocols ({@link erasureProtocol}). */
  potential: DoubleWellOptions;
  /** {@inheritDoc ErasureFokkerPlanckOptions.D} */
  D: number;
  /** {@inheritDoc ErasureFokkerPlanckOptions.cells} */
  cells: number;
  /** {@inheritDoc ErasureFokkerPlanckOptions.dt} */
  dt: number;
  /** Steps solved: ⌈τ/dt⌉. */
  steps: number;
}

/**
 * Validates {@link erasureFokkerPlanck}'s options once (the grid's coarseness for the well included)
 * and fills in the defaults.
 * @throws TypeError/RangeError naming the option (`cells` when too coarse for the well).
 * @example
 * ```ts
 * import { resolveErasureFokkerPlanckConfig } from "thermolearn";
 * const c = resolveErasureFokkerPlanckConfig({ tau: 40 });
 * console.log(c.cells, c.dt, c.steps); // 512, 0.002, 20000
 * ```
 */
export function resolveErasureFokkerPlanckConfig(options: ErasureFokkerPlanckOptions): ErasureFokkerPlanckConfig {
  const o = check.options("erasureFokkerPlanck", options, FP_KEYS);
  const cycle = resolveCycle("erasureFokkerPlanck", o);
  const tau = cycle.tau;
  const potential = erasureProtocol(cycle);
  const D = check.positive("D", o.D ?? 1);
  const cells = check.integer("cells", o.cells ?? 512, 16, 2 ** 20);
  const dt = check.positive("dt", o.dt ?? Math.min(ERASURE_DT, tau / 400));
  const steps = cycleSteps(tau, dt);
  resolveFokkerPlanckConfig({ potential, D, cells, dt, steps, records: 1 }, "erasureFokkerPlanck");
  return { tau, potential, D, cells, dt, steps };
}

/**
 * One erasure cycle on the Fokker–Planck grid (./fokker-planck.ts: Scharfetter–Gummel in x, BDF2 in
 * t), from the grid's equilibrium in the symmetric well: ⟨W⟩, ⟨Q⟩ (no statistical error; the grid's
 * O(h²) error, and the O(dt) error of the discrete-time work definition of theory12.md, which the
 * Langevin ensemble at the same dt shares) and the success probability: the lines of the Landauer figure.
 * @throws TypeError/RangeError naming a bad option (and `cells` when too coarse for the well).
 * @example
 * ```ts
 * import { erasureFokkerPlanck } from "thermolearn";
 * console.log(erasureFokkerPlanck({ tau: 20 }).meanHeat); // ≈ 1.108 k_BT (ln 2 + B/τ with B ≈ 8.3)
 * ```
 */
export function erasureFokkerPlanck(options: ErasureFokkerPlanckOptions): ErasureFokkerPlanckValue {
  const started = performance.now();
  const { tau, potential, D, cells, dt, steps } = resolveErasureFokkerPlanckConfig(options);
  const r = solveFokkerPlanck({ potential, D, cells, dt, steps, records: 1 });
  const x = r.x,
    density = r.density,
    h = r.config.h;
  let success = 0;
  for (let i = 0; i < x.length; i++) if (x[i] > 0) success += density[i] * h;
  success = Math.min(1, Math.max(0, success));
  const last = r.meanHeat.length - 1;
  return {
    tau,
    meanWork: r.meanWork[last] / D,
    meanHeat: r.meanHeat[last] / D,
    success,
    bound: landauerBound(success),
    cells,
    dt,
    steps,
    elapsedMs: performance.now() - started,
  };
}

// ---------------------------------------------------------------------------------------------
// The fit

/** One point of a Landauer fit: a cycle length and the mean heat with its standard error (k_BT). */
export interface LandauerPoint {
  /** Cycle length τ > 0 (time units). */
  tau: number;
  /** Mean heat per erasure ⟨Q⟩, k_BT. */
  meanHeat: number;
  /** Its standard error σ > 0, k_BT (the fit's weight is 1/σ²). */
  heatError: number;
}

/** A weighted least-squares fit of ⟨Q⟩ against 1/τ. */
export interface LandauerLineFit {
  /** The intercept Q∞ (k_BT; ln 2 exactly for the constrained fit) and its standard error (0 when fixed). */
  Qinf: number;
  /** Standard error of Q∞ (0 when fixed). */
  QinfError: number;
  /** The slope B (k_BT · time) and its standard error. */
  B: number;
  /** Standard error of B. */
  BError: number;
  /** Covariance of (Q∞, B) (0 for the constrained fit). */
  covariance: number;
  /** χ² = Σ ((⟨Q⟩ − Q∞ − B/τ)/σ)², its degrees of freedom, and χ²/dof (null when dof = 0). */
  chi2: number;
  /** Degrees of freedom: points − fitted parameters. */
  dof: number;
  /** χ²/dof, or null when dof = 0. */
  reducedChi2: number | null;
}

/** {@link landauerFit}'s result: ⟨Q⟩ = ln 2 + B/τ, and the free fit ⟨Q⟩ = Q∞ + B/τ. */
export interface LandauerFit {
  /** Number of points fitted. */
  points: number;
  /** ⟨Q⟩ = ln 2 + B/τ (one parameter). */
  fixed: LandauerLineFit;
  /** ⟨Q⟩ = Q∞ + B/τ (two parameters); null with fewer than two distinct τ. */
  free: LandauerLineFit | null;
}

/**
 * Weighted least-squares fits of the mean heat per erasure against 1/τ (weights 1/σ²): the
 * constrained ⟨Q⟩ = ln 2 + B/τ, and the free ⟨Q⟩ = Q∞ + B/τ, whose Q∞ should come out at ln 2. The
 * standard errors follow from the points' errors (not rescaled by χ²/dof, which is reported).
 * @throws TypeError/RangeError naming the bad point (`points[i].tau` > 0, `.meanHeat` finite, `.heatError` > 0).
 * @example
 * ```ts
 * import { landauerFit } from "thermolearn";
 * const fit = landauerFit([
 *   { tau: 10, meanHeat: 1.69, heatError: 0.01 },
 *   { tau: 20, meanHeat: 1.19, heatError: 0.01 },
 * ]);
 * console.log(fit.fixed.B, fit.free?.Qinf); // ≈ 9.96 (k_BT·time), 0.69
 * ```
 */
export function landauerFit(points: readonly LandauerPoint[]): LandauerFit {
  if (!Array.isArray(points) || points.length === 0)
    throw new RangeError("points must be a non-empty array of { tau, meanHeat, heatError }");
  const n = points.length;
  const u = new Float64Array(n),
    y = new Float64Array(n),
    w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i];
    if (typeof p !== "object" || p === null) throw new TypeError(`points[${i}] must be { tau, meanHeat, heatError }`);
    u[i] = 1 / check.positive(`points[${i}].tau`, p.tau);
    y[i] = check.finite(`points[${i}].meanHeat`, p.meanHeat);
    const s = check.positive(`points[${i}].heatError`, p.heatError);
    w[i] = 1 / (s * s);
  }
  // Constrained: minimise Σ w (y − ln 2 − B u)².
  let suu = 0,
    suy = 0;
  for (let i = 0; i < n; i++) {
    suu += w[i] * u[i] * u[i];
    suy += w[i] * u[i] * (y[i] - Math.LN2);
  }
  const B = suy / suu;
  const fixed = lineFit(u, y, w, Math.LN2, B, 0, Math.sqrt(1 / suu), 0, n - 1);
  // Free: the normal equations of (Q∞, B), centred on the weighted mean of u for accuracy.
  let sw = 0,
    su = 0,
    sy = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i];
    su += w[i] * u[i];
    sy += w[i] * y[i];
  }
  const ubar = su / sw,
    ybar = sy / sw;
  let sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += w[i] * (u[i] - ubar) ** 2;
    sxy += w[i] * (u[i] - ubar) * (y[i] - ybar);
  }
  // Distinct τ give sxx > 0 relative to the spread; identical ones leave it at rounding.
  const distinct = new Set(points.map((p) => p.tau)).size;
  let free: LandauerLineFit | null = null;
  if (distinct >= 2 && sxx > 0) {
    const slope = sxy / sxx;
    const intercept = ybar - slope * ubar;
    const varB = 1 / sxx;
    const varQ = 1 / sw + (ubar * ubar) / sxx;
    free = lineFit(u, y, w, intercept, slope, Math.sqrt(varQ), Math.sqrt(varB), -ubar / sxx, n - 2);
  }
  return { points: n, fixed, free };
}

function lineFit(
  u: Float64Array,
  y: Float64Array,
  w: Float64Array,
  Qinf: number,
  B: number,
  QinfError: number,
  BError: number,
  covariance: number,
  dof: number,
): LandauerLineFit {
  let chi2 = 0;
  for (let i = 0; i < u.length; i++) chi2 += w[i] * (y[i] - Qinf - B * u[i]) ** 2;
  return { Qinf, QinfError, B, BError, covariance, chi2, dof, reducedChi2: dof > 0 ? chi2 / dof : null };
}
