/**
 * The energy cost of contrastive learning through a ladder synapse (Falk, Strupp, Scellier & Murugan,
 * Nat. Commun. 16 (2025), "Dissipation cost of non-equilibrium learning", Eqs. 10–13, Fig. 6B,
 * Appendices F and G.3; shared/spec/MODELS.md §3): what one sawtooth learning cycle costs in k_BT,
 * set against how well the synapse learns.
 *
 * The synapse is the 2 × M ladder of Lan et al. (Nat. Phys. 8, 422 (2012)): its memory kernel is the
 * ladder's step response ({@link ladderKernel}, on a unit time axis: one protocol time unit is
 * `duration` ladder time units), the weight update is the paper's Eq. 7 with that kernel
 * ({@link weightUpdateCurve}), and the cost is the ladder's entropy production while the same
 * sawtooth s(t) (Eq. 5, in µM, so s ≥ 0) drives it:
 *
 * - `dissipationPerCycle` (exact): the chain is run under s(t) into its periodic steady state and
 *   its Schnakenberg entropy production rate σ(t) = Σ_{i<j} J_ij ln(M_ij p_j / M_ji p_i) (Eq. 13/59,
 *   of the time-dependent p(t) and rates) is integrated over one period. In the periodic state the
 *   system's entropy returns to its value, so this is the heat released to the bath per cycle, in
 *   k_BT (nats): housekeeping (the cycle the ladder keeps running, γ ≠ 1) plus excess (the lag of
 *   p(t) behind the moving s(t), > 0 even at γ = 1 and ∝ 1/period for slow protocols).
 * - `quasiSteadyPerCycle`: ∫ σ_ss(s(t)) dt over the period, σ_ss the steady-state dissipation at the
 *   instantaneous signal ({@link ladderDissipation}): the adiabatic housekeeping estimate, exactly 0
 *   at γ = 1.
 *
 * Integrator of the exact cost (second order): period P (ladder time) in `stepsPerPeriod` steps of
 * h; on step k the rates are frozen at s(t_k + h/2) (exponential midpoint rule, exp(M h/2) applied
 * twice in wasm by {@link LadderChain}), and σ is evaluated at the step's middle, t_k + h/2, with the
 * rates in force and p after the first half step: the midpoint rule for ∫σ dt. Evaluating σ where the
 * frozen rates equal the true ones keeps the ladder's fast vertical modes (rates up to F·e^{|ΔE|})
 * in step with the signal, so they add no spurious O((ṡh)²·F) term; the error is O(h²) (measured:
 * halving h quarters it once h is below the slowest vertical relaxation time, ≈ 0.02). The periodic
 * state is solved for, not run into: p* is the fixed point of the one-period map (the product of the
 * steps' propagators), found as a steady state by GTH; one period is then integrated from it.
 *
 * Accuracy (the paper's definitions): the weight-update curve Δw(A) over A ∈ linspace(0, A_max,
 * `points`) with θ by Eq. 45, then (Appendix G.3, the rule of Fig. 6B for ladder kernels) A_min = the
 * first A whose normalised response Δw/A_max exceeds 0.05 and the offset = the intercept of the
 * least-squares line through (A, Δw) for A ≥ A_min; Eq. 10 predicts I·τ_f·s̄ for it (I the kernel's
 * area). The paper defines no scalar error; here `error` is |Δw(A) − A|/A at the protocol's own
 * amplitude (the ideal contrastive update is Δw = A, Eq. 19, Fig. 4B, Fig. 8), and `rmsError` the
 * root-mean-square of (Δw − A)/A_max over A ≥ A_min on the curve (over the whole curve when no A passes).
 */
import type { Backend } from "../core/loader.js";
import * as check from "../core/validate.js";
import { LadderChain, ladderKernel, resolveLadder, type LadderConfig } from "../markov/ladder.js";
import { entropyRate, solveSteadyState } from "../markov/steady.js";
import type { Alignment } from "./convolution.js";
import { appendixG3Offset } from "./fit.js";
import { numberList } from "./limits.js";
import { weightUpdateCurve } from "./update.js";

/** k_BT ln 2: Landauer's cost of erasing one bit, in k_BT (nats). */
export const LANDAUER_NATS = Math.LN2;

/** Options of {@link learningCost}. Times are protocol time (the kernel's unit axis) unless stated. */
export interface LearningCostOptions {
  /** Non-equilibrium factor γ ≥ 0 of the ladder (1 = detailed balance). Default 0.1. */
  gamma?: number;
  /** Vertical rate factor F > 0. Default 25. */
  F?: number;
  /** Positions per rail (2·rungs states). Default 5. */
  rungs?: number;
  /** Dissociation constant K_I of the inactive state (µM). Default 18.2. */
  KI?: number;
  /** Dissociation constant K_A of the active state (µM). Default 3000. */
  KA?: number;
  /** Fast (free → clamped) ramp τ_f. Default 3 (Fig. 6B). */
  tauFast?: number;
  /** Slow (clamped → free) ramp τ_s. Default 15 (Fig. 6B). */
  tauSlow?: number;
  /** Mean signal s̄ (µM). Default 25, so the largest default protocol spans s ∈ [0, 50]. */
  mean?: number;
  /** Largest amplitude A_max of the weight-update curve (µM). Default 50 (Fig. 6B). */
  aMax?: number;
  /** Amplitude A > 0 of the protocol whose cost and error are reported. Default A_max. */
  amplitude?: number;
  /** Amplitudes on the curve, linspace(0, A_max, points), 6 … 4096. Default 100 (Fig. 6B). */
  points?: number;
  /** Threshold θ ≥ 0 of g_θ. Default Eq. 45: |−A_max/τ_s + I(s̄ + A_max/2)|, I the kernel's area. */
  theta?: number;
  /** Signal before the kernel's step (µM). Default s̄ − A_max/2 (the free state of the largest protocol). */
  kernelS0?: number;
  /** Signal after the kernel's step (µM). Default s̄ + A_max/2 (its clamped state). */
  kernelS1?: number;
  /** Ladder time of the kernel's step response, = ladder time per protocol time unit. Default 5. */
  duration?: number;
  /** Ladder time step of the kernel's step response. Default 5·10⁻⁴ (10⁴ kernel samples). */
  kernelDt?: number;
  /** Steps of the exact cost's integrator per period, 16 … 2²⁰. Default 2048. */
  stepsPerPeriod?: number;
  /** Convolution alignment. Default "scipy" (the authors' code, as Fig. 6B). */
  alignment?: Alignment;
  /** Force the "simd" or "scalar" build (same results). */
  backend?: Backend;
}

/** The resolved options of {@link learningCost}. */
export interface LearningCostConfig {
  /** {@inheritDoc LearningCostOptions.gamma} */
  gamma: number;
  /** {@inheritDoc LearningCostOptions.F} */
  F: number;
  /** {@inheritDoc LearningCostOptions.rungs} */
  rungs: number;
  /** {@inheritDoc LearningCostOptions.KI} */
  KI: number;
  /** {@inheritDoc LearningCostOptions.KA} */
  KA: number;
  /** {@inheritDoc LearningCostOptions.tauFast} */
  tauFast: number;
  /** {@inheritDoc LearningCostOptions.tauSlow} */
  tauSlow: number;
  /** {@inheritDoc LearningCostOptions.mean} */
  mean: number;
  /** {@inheritDoc LearningCostOptions.aMax} */
  aMax: number;
  /** {@inheritDoc LearningCostOptions.amplitude} */
  amplitude: number;
  /** {@inheritDoc LearningCostOptions.points} */
  points: number;
  /** θ as given, or null for Eq. 45 (the value used is the result's `theta`). */
  theta: number | null;
  /** {@inheritDoc LearningCostOptions.kernelS0} */
  kernelS0: number;
  /** {@inheritDoc LearningCostOptions.kernelS1} */
  kernelS1: number;
  /** {@inheritDoc LearningCostOptions.duration} */
  duration: number;
  /** {@inheritDoc LearningCostOptions.kernelDt} */
  kernelDt: number;
  /** {@inheritDoc LearningCostOptions.stepsPerPeriod} */
  stepsPerPeriod: number;
  /** {@inheritDoc LearningCostOptions.alignment} */
  alignment: Alignment;
  /** The build asked for ("simd" or "scalar"), or undefined for the default choice. */
  backend: Backend | undefined;
}

/** The result of {@link learningCost}. Energies in k_BT (nats), per learning cycle (one period). */
export interface LearningCost {
  /** The resolved options (every default filled in). */
  config: LearningCostConfig;
  /** Exact dissipation per cycle (k_BT): σ(t) of the periodically driven chain integrated over a period. */
  dissipationPerCycle: number;
  /** ∫ σ_ss(s(t)) dt over a period (k_BT): the quasi-steady (housekeeping) estimate; 0 at γ = 1. */
  quasiSteadyPerCycle: number;
  /** dissipationPerCycle − quasiSteadyPerCycle (k_BT): the driving's excess (not sign-definite for fast protocols). */
  excessPerCycle: number;
  /** Mean entropy production rate over the cycle, k_BT per ladder time unit. */
  entropyRate: number;
  /** The period in ladder time, (τ_f + τ_s)·duration. */
  period: number;
  /** dissipationPerCycle/ln 2: the cycle's cost in Landauer units k_BT ln 2 (bits erased at the bound). */
  bits: number;
  /** The same for the quasi-steady cost. */
  quasiSteadyBits: number;
  /** Δw at the protocol's amplitude (Eq. 7). */
  deltaW: number;
  /** |Δw − A|/A at the protocol's amplitude: the error against the ideal update Δw = A. */
  error: number;
  /** RMS of (Δw − A)/A_max over the curve's A ≥ A_min (all of it when A_min is null). */
  rmsError: number;
  /** Offset (Δw units): intercept of the least-squares line through (A, Δw), A ≥ A_min (G.3); null without one. */
  offset: number | null;
  /** offset/s̄ (Fig. 6B plots ln of its modulus); null without an offset or when s̄ = 0. */
  offsetOverMean: number | null;
  /** Eq. 10's offset I·τ_f·s̄ for the kernel's area I. */
  predictedOffset: number;
  /** First curve amplitude with Δw/A_max > 0.05; null when none passes. */
  aMin: number | null;
  /** The kernel's area I and first moment (±1). */
  area: number;
  /** The kernel's first moment (±1). */
  firstMoment: number;
  /** The threshold used. */
  theta: number;
  /** L¹ distance between p after the integrated period and the periodic state p* it started from (rounding). */
  periodicResidual: number;
  /** The curve: amplitudes and Δw at each. */
  amplitudes: Float64Array;
  /** Δw at each amplitude of `amplitudes`. */
  dw: Float64Array;
}

const COST_KEYS = [
  "gamma",
  "F",
  "rungs",
  "KI",
  "KA",
  "tauFast",
  "tauSlow",
  "mean",
  "aMax",
  "amplitude",
  "points",
  "theta",
  "kernelS0",
  "kernelS1",
  "duration",
  "kernelDt",
  "stepsPerPeriod",
  "alignment",
  "backend",
] as const;

/**
 * The sawtooth of Eq. 5 at any time t (periodic, continuous): s̄ − A/2 + At/τ_f, then back down over τ_s.
 * @example
 * ```ts
 * import { sawtoothAt } from "thermolearn";
 * console.log(sawtoothAt(1, 1, 9, 20, 0), sawtoothAt(10, 1, 9, 20, 0)); // 10 (the peak s̄ + A/2), −10 (one period on)
 * ```
 */
export function sawtoothAt(t: number, tauFast: number, tauSlow: number, amplitude: number, mean: number): number {
  const period = tauFast + tauSlow;
  const u = t - Math.floor(t / period) * period;
  return u < tauFast
    ? mean - amplitude / 2 + (amplitude * u) / tauFast
    : mean + amplitude / 2 - (amplitude * (u - tauFast)) / tauSlow;
}

/**
 * Validates {@link LearningCostOptions} once (unknown keys refused) and fills in the defaults.
 * @throws TypeError/RangeError naming the option: besides each option's own range, `amplitude`/`mean`
 * when s̄ − A/2 < 0 (the ladder's signal is a concentration), `kernelS1` equal to `kernelS0`.
 * @example
 * ```ts
 * import { resolveLearningCostConfig } from "thermolearn";
 * const c = resolveLearningCostConfig({ gamma: 0.1 });
 * console.log(c.F, c.rungs, c.amplitude, c.theta); // 25, 5, 50 (= aMax), null (Eq. 45)
 * ```
 */
export function resolveLearningCostConfig(options?: LearningCostOptions, what = "learningCost"): LearningCostConfig {
  const o = check.options(what, options, COST_KEYS);
  const ladder = resolveLadder(what, { gamma: o.gamma ?? 0.1, F: o.F, rungs: o.rungs, KI: o.KI, KA: o.KA }, [
    "gamma",
    "F",
    "rungs",
    "KI",
    "KA",
  ]);
  const tauFast = check.positive("tauFast", o.tauFast ?? 3);
  const tauSlow = check.positive("tauSlow", o.tauSlow ?? 15);
  const mean = check.nonNegative("mean", o.mean ?? 25);
  const aMax = check.positive("aMax", o.aMax ?? 50);
  const amplitude = check.positive("amplitude", o.amplitude ?? aMax);
  if (mean - Math.max(amplitude, aMax) / 2 < 0) {
    const which = amplitude > aMax ? "amplitude" : "aMax";
    throw new RangeError(
      `${which} (${Math.max(amplitude, aMax)}) and mean (${mean}): the ladder's signal s = s̄ ± A/2 must stay ≥ 0 ` +
        `(a concentration), so ${which} must be ≤ 2·mean = ${2 * mean}`,
    );
  }
  const points = check.integer("points", o.points ?? 100, 6, 4096);
  const theta = o.theta === undefined ? null : check.nonNegative("theta", o.theta);
  const kernelS0 = check.nonNegative("kernelS0", o.kernelS0 ?? mean - aMax / 2);
  const kernelS1 = check.nonNegative("kernelS1", o.kernelS1 ?? mean + aMax / 2);
  if (kernelS1 === kernelS0) throw new RangeError(`kernelS1 must differ from kernelS0 (${kernelS0})`);
  const duration = check.positive("duration", o.duration ?? 5);
  const kernelDt = check.positive("kernelDt", o.kernelDt ?? 5e-4);
  const stepsPerPeriod = check.integer("stepsPerPeriod", o.stepsPerPeriod ?? 2048, 16, 2 ** 20);
  const alignment = check.oneOf("alignment", o.alignment ?? "scipy", ["causal", "scipy"] as const);
  if (!Number.isFinite((tauFast + tauSlow) * duration))
    throw new RangeError(`tauFast + tauSlow (${tauFast + tauSlow}) times duration (${duration}) overflows`);
  return {
    gamma: ladder.gamma,
    F: ladder.F,
    rungs: ladder.rungs,
    KI: ladder.KI,
    KA: ladder.KA,
    tauFast,
    tauSlow,
    mean,
    aMax,
    amplitude,
    points,
    theta,
    kernelS0,
    kernelS1,
    duration,
    kernelDt,
    stepsPerPeriod,
    alignment,
    backend: check.backend(o.backend),
  };
}

/** C = A·B for n × n row-major matrices. */
function matmul(A: Float64Array, B: Float64Array, n: number): Float64Array {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const a = A[i * n + k];
      if (a !== 0) for (let j = 0; j < n; j++) C[i * n + j] += a * B[k * n + j];
    }
  return C;
}

/** q = P·p for an n × n row-major P. */
function apply(P: Float64Array, p: Float64Array, n: number): Float64Array {
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += P[i * n + j] * p[j];
    q[i] = sum;
  }
  return q;
}

/**
 * The exact and quasi-steady dissipation of one period of the sawtooth, in the periodic state: the
 * half-step propagators P_k = exp(M(s_k)·h/2) from wasm ({@link LadderChain}), the one-period map
 * U = Π_k P_k², its fixed point p* (the steady state of the "rate matrix" U − I, by GTH: exact, no
 * transient to run out), then one period from p* with σ at each step's middle.
 */
function cycleDissipation(c: LearningCostConfig): { exact: number; quasiSteady: number; residual: number } {
  const params: Omit<LadderConfig, "s"> = { rungs: c.rungs, gamma: c.gamma, F: c.F, KI: c.KI, KA: c.KA };
  const N = c.stepsPerPeriod,
    protocolStep = (c.tauFast + c.tauSlow) / N,
    h = protocolStep * c.duration;
  const signal = Float64Array.from({ length: N }, (_, k) =>
    // A concentration: ≥ 0 by the config's check, up to a rounding below 0 at the ramp's foot.
    Math.max(0, sawtoothAt((k + 0.5) * protocolStep, c.tauFast, c.tauSlow, c.amplitude, c.mean)),
  );
  const backend = c.backend === undefined ? {} : { backend: c.backend };
  const chain = new LadderChain({ ...params, s: signal[0], dt: h / 2, ...backend });
  const n = chain.n;
  const rates: Float64Array[] = [],
    halves: Float64Array[] = [];
  let quasiSteady = 0;
  let U: Float64Array = Float64Array.from({ length: n * n }, (_, e) => (e % (n + 1) === 0 ? 1 : 0));
  try {
    for (let k = 0; k < N; k++) {
      chain.setSignal(signal[k]);
      const M = chain.rates(),
        P = chain.propagator();
      rates.push(M);
      halves.push(P);
      quasiSteady += entropyRate(M, n, solveSteadyState(M, n)) * h;
      U = matmul(P, matmul(P, U, n), n);
    }
  } finally {
    chain.dispose();
  }
  for (let i = 0; i < n; i++) U[i * (n + 1)] -= 1; // U − I: off-diagonal ≥ 0, columns sum to 0
  const start = solveSteadyState(U, n);
  let p: Float64Array = start,
    exact = 0;
  for (let k = 0; k < N; k++) {
    const half = apply(halves[k], p, n);
    exact += entropyRate(rates[k], n, half) * h;
    p = apply(halves[k], half, n);
  }
  let residual = 0;
  for (let i = 0; i < n; i++) residual += Math.abs(p[i] - start[i]);
  return { exact, quasiSteady, residual };
}

/**
 * The cost and accuracy of one learning cycle of a ladder synapse (see the module comment for the
 * definitions and the integrator). Cost: `stepsPerPeriod` propagators of the 2·rungs-state chain (in
 * wasm) and as many n × n products, plus the kernel (round(duration/kernelDt) steps) and one
 * weight-update curve: about 0.3 s at the defaults.
 * @throws TypeError/RangeError naming a bad option (see {@link resolveLearningCostConfig}), or from
 * {@link ladderKernel} when the kernel cannot be normalised.
 * @example
 * ```ts
 * import { learningCost } from "thermolearn";
 * const c = learningCost({ gamma: 0.01, points: 12, kernelDt: 5e-3, stepsPerPeriod: 256 });
 * console.log(c.dissipationPerCycle, c.bits, c.error); // ≈ 400.5 k_BT, ≈ 578 bits, error ≈ 0.84
 * ```
 */
export function learningCost(options?: LearningCostOptions): LearningCost {
  return costOf(resolveLearningCostConfig(options));
}

/** {@link learningCost} of a resolved config. */
function costOf(c: LearningCostConfig): LearningCost {
  const backend = c.backend === undefined ? {} : { backend: c.backend };
  const { kernel, moments } = ladderKernel({
    rungs: c.rungs,
    gamma: c.gamma,
    F: c.F,
    KI: c.KI,
    KA: c.KA,
    s0: c.kernelS0,
    s1: c.kernelS1,
    duration: c.duration,
    dt: c.kernelDt,
    ...backend,
  });
  const theta = c.theta ?? Math.abs(-c.aMax / c.tauSlow + moments.area * (c.mean + c.aMax / 2));
  const amplitudes = Float64Array.from({ length: c.points }, (_, i) => (c.aMax * i) / (c.points - 1));
  const protocol = {
    kernel,
    tauFast: c.tauFast,
    tauSlow: c.tauSlow,
    mean: c.mean,
    theta,
    alignment: c.alignment,
    ...backend,
  };
  const dw = weightUpdateCurve({ ...protocol, amplitudes });
  const deltaW = weightUpdateCurve({ ...protocol, amplitudes: [c.amplitude] })[0];
  const { first, offset } = appendixG3Offset(amplitudes, dw, c.aMax);
  let squares = 0,
    count = 0;
  for (let i = Math.max(0, first); i < amplitudes.length; i++) {
    squares += ((dw[i] - amplitudes[i]) / c.aMax) ** 2;
    count++;
  }
  const { exact, quasiSteady, residual } = cycleDissipation(c);
  const period = (c.tauFast + c.tauSlow) * c.duration;
  return {
    config: c,
    dissipationPerCycle: exact,
    quasiSteadyPerCycle: quasiSteady,
    excessPerCycle: exact - quasiSteady,
    entropyRate: exact / period,
    period,
    bits: exact / LANDAUER_NATS,
    quasiSteadyBits: quasiSteady / LANDAUER_NATS,
    deltaW,
    error: Math.abs(deltaW - c.amplitude) / c.amplitude,
    rmsError: Math.sqrt(squares / count),
    offset,
    offsetOverMean: offset === null || c.mean === 0 ? null : offset / c.mean,
    predictedOffset: moments.area * c.tauFast * c.mean,
    aMin: first >= 0 ? amplitudes[first] : null,
    area: moments.area,
    firstMoment: moments.firstMoment,
    theta,
    periodicResidual: residual,
    amplitudes,
    dw,
  };
}

/** Options of {@link learningCostCurve}: {@link LearningCostOptions} with lists of γ and F for the grid. */
export interface LearningCostCurveOptions extends Omit<LearningCostOptions, "gamma" | "F"> {
  /** γ values (≥ 0), 1 … 1024 of them. */
  gammas: ArrayLike<number>;
  /** F values (> 0), 1 … 1024 of them. Default [25]. */
  Fs?: ArrayLike<number>;
  /** Called after each grid point with { done, total }. */
  onProgress?: (p: { done: number; total: number }) => void;
}

/** Columns of {@link learningCostCurve}: one row per (F, γ), F the outer loop, γ the inner (in the given order). */
export interface LearningCostCurve {
  /** The shared options (γ and F per row). */
  config: Omit<LearningCostConfig, "gamma" | "F">;
  /** γ of each row. */
  gamma: Float64Array;
  /** F of each row. */
  F: Float64Array;
  /** {@inheritDoc LearningCost.dissipationPerCycle} */
  dissipationPerCycle: Float64Array;
  /** {@inheritDoc LearningCost.quasiSteadyPerCycle} */
  quasiSteadyPerCycle: Float64Array;
  /** {@inheritDoc LearningCost.excessPerCycle} */
  excessPerCycle: Float64Array;
  /** {@inheritDoc LearningCost.bits} */
  bits: Float64Array;
  /** {@inheritDoc LearningCost.deltaW} */
  deltaW: Float64Array;
  /** {@inheritDoc LearningCost.error} */
  error: Float64Array;
  /** {@inheritDoc LearningCost.rmsError} */
  rmsError: Float64Array;
  /** NaN-free: rows without an offset (see {@link LearningCost.offset}) are listed in `noOffset`. */
  offset: Float64Array;
  /** {@inheritDoc LearningCost.predictedOffset} */
  predictedOffset: Float64Array;
  /** Per row: the kernel's area I. */
  area: Float64Array;
  /** {@inheritDoc LearningCost.theta} */
  theta: Float64Array;
  /** Row indices whose offset does not exist (their `offset` entry is 0 and must be skipped). */
  noOffset: number[];
}

/** A list of 1 … 1024 numbers, each checked by `each`, named `name[i]`. */
function gridList(name: string, value: unknown, each: (n: string, x: unknown) => number): number[] {
  const list = numberList(name, value);
  if (list.length === 0) throw new RangeError(`${name} must not be empty`);
  if (list.length > 1024) throw new RangeError(`${name} has ${list.length} values, more than 1024`);
  return Array.from(list as ArrayLike<unknown>, (x, i) => each(`${name}[${i}]`, x));
}

/**
 * Validates {@link LearningCostCurveOptions} once: the lists, the callback, and every grid point's
 * options (as {@link resolveLearningCostConfig}), before anything is computed. Rows: F outer, γ inner.
 * @throws TypeError/RangeError naming a bad option (`gammas[3]`, `Fs[0]`, …).
 * @example
 * ```ts
 * import { resolveLearningCostCurve } from "thermolearn";
 * const rows = resolveLearningCostCurve({ gammas: [1, 0.1], Fs: [5, 25] });
 * console.log(rows.map((c) => [c.F, c.gamma])); // [[5, 1], [5, 0.1], [25, 1], [25, 0.1]]: F outer, γ inner
 * ```
 */
export function resolveLearningCostCurve(options: LearningCostCurveOptions): LearningCostConfig[] {
  const {
    gammas: g,
    Fs: f,
    onProgress,
    ...rest
  } = check.options("learningCostCurve", options, [
    ...COST_KEYS.filter((k) => k !== "gamma" && k !== "F"),
    "gammas",
    "Fs",
    "onProgress",
  ]);
  if (g === undefined) throw new TypeError("learningCostCurve: gammas is required");
  const gammas = gridList("gammas", g, check.nonNegative);
  const Fs = gridList("Fs", f ?? [25], check.positive);
  check.optionalFunction("onProgress", onProgress);
  return Fs.flatMap((F) =>
    gammas.map((gamma) => resolveLearningCostConfig({ ...rest, gamma, F }, "learningCostCurve")),
  );
}

/**
 * {@link learningCost} over a grid of γ and F (the cost–accuracy curve of the paper's abstract and
 * Fig. 6B, computed point by point in this thread), as columns: F the outer loop, γ the inner, each
 * in the order given.
 * @throws TypeError/RangeError naming a bad option (`gammas[3]`, `Fs[0]`, …).
 * @example
 * ```ts
 * import { learningCostCurve } from "thermolearn";
 * const curve = learningCostCurve({ gammas: [1, 0.01], Fs: [25], points: 12, kernelDt: 5e-3, stepsPerPeriod: 256 });
 * console.log(curve.dissipationPerCycle, curve.error); // ≈ [0.035, 400.5] k_BT, ≈ [1, 0.84]: one row per γ
 * ```
 */
export function learningCostCurve(options: LearningCostCurveOptions): LearningCostCurve {
  const configs = resolveLearningCostCurve(options);
  const rows = configs.map((c, i) => {
    const r = costOf(c);
    options.onProgress?.({ done: i + 1, total: configs.length });
    return r;
  });
  const column = (pick: (r: LearningCost) => number) => Float64Array.from(rows, pick);
  const { gamma: _g, F: _F, ...shared } = configs[0];
  return {
    config: shared,
    gamma: column((r) => r.config.gamma),
    F: column((r) => r.config.F),
    dissipationPerCycle: column((r) => r.dissipationPerCycle),
    quasiSteadyPerCycle: column((r) => r.quasiSteadyPerCycle),
    excessPerCycle: column((r) => r.excessPerCycle),
    bits: column((r) => r.bits),
    deltaW: column((r) => r.deltaW),
    error: column((r) => r.error),
    rmsError: column((r) => r.rmsError),
    offset: column((r) => r.offset ?? 0),
    predictedOffset: column((r) => r.predictedOffset),
    area: column((r) => r.area),
    theta: column((r) => r.theta),
    noOffset: rows.flatMap((r, i) => (r.offset === null ? [i] : [])),
  };
}
