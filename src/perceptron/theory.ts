/**
 * Analytic results for the stochastic perceptron (shared/spec/MODELS.md §1; Goldt & Seifert, PRL 118,
 * 010601 (2017)): the information a student carries about its teacher, and the Hebbian steady state
 * and transient for n → ∞ with time-scale separation, with and without the Euler–Maruyama/mini-batch
 * noise of the simulated scheme. Heat, entropy and information in nats (k_B T = 1).
 */
import * as check from "../core/validate.js";

/**
 * S(x) = −x ln x − (1−x) ln(1−x), nats, with S(0) = S(1) = 0.
 * @throws TypeError/RangeError unless x is a number in [0, 1].
 * @example
 * ```ts
 * import { binaryEntropy } from "thermolearn";
 * console.log(binaryEntropy(0.5)); // ln 2 ≈ 0.6931 nats
 * console.log(binaryEntropy(0)); // 0
 * ```
 */
export function binaryEntropy(x: number): number {
  check.probability("x", x);
  const h = (p: number) => (p > 0 ? -p * Math.log(p) : 0);
  return h(x) + h(1 - x);
}

/**
 * Mutual information between true and predicted label, I = ln 2 − S(ε) (spec §1), nats.
 * @throws TypeError/RangeError unless epsilon is a number in [0, 1].
 * @example
 * ```ts
 * import { mutualInformation } from "thermolearn";
 * console.log(mutualInformation(0.126)); // ≈ 0.314 nats (ln 2 at ε = 0, 0 at ε = ½)
 * ```
 */
export function mutualInformation(epsilon: number): number {
  check.probability("epsilon", epsilon);
  return Math.LN2 - binaryEntropy(epsilon);
}

/** Parameters of the analytic Hebbian formulas. */
export interface HebbianParams {
  /** ν̃ = ν/√n. */
  nuTilde: number;
  /** Default 1. */
  k?: number;
  /** Default 1. */
  D?: number;
}

/** Smallest and largest values the analytic formulas take (their squares and ratios stay inside f64). */
const ANALYTIC_MIN = 1e-50;
const ANALYTIC_MAX = 1e50;

/** A parameter of the analytic formulas: a number in [min, 10⁵⁰] (min is 0 or 10⁻⁵⁰). */
function analyticParam(name: string, value: unknown, min: number): number {
  const x = check.finite(name, value);
  if (!(x >= min && x <= ANALYTIC_MAX)) throw new RangeError(`${name} must be in [${min}, ${ANALYTIC_MAX}], got ${x}`);
  return x;
}

/**
 * ε = arccos(s/√(s² + σ²))/π for the mean-field signal s = ν̃√(2/π) and noise σ; written with
 * hypot so large values do not overflow. No signal (s = 0) means w carries no direction: ε = ½,
 * the library's convention for w = 0, also when σ = 0.
 */
function angleOfSignal(signal: number, noise: number): number {
  if (signal === 0) return 0.5;
  return Math.acos(signal / Math.hypot(signal, noise)) / Math.PI;
}

/**
 * Steady-state Hebbian generalisation error without discretisation noise:
 * ε_∞ = (1/π) arccos(ν̃√(2/π) / √(2ν̃²/π + kD))  (spec §1). ε_∞(ν̃ = 3, k = 1, D = 1) = 0.1260.
 * @example
 * ```ts
 * import { hebbianEpsilon } from "thermolearn";
 * console.log(hebbianEpsilon({ nuTilde: 3 })); // 0.1260 (k = D = 1)
 * ```
 */
export function hebbianEpsilon(params: HebbianParams): number {
  const p = check.options("hebbianEpsilon", params, ["nuTilde", "k", "D"]);
  const nuTilde = analyticParam("nuTilde", p.nuTilde, 0);
  const k = analyticParam("k", p.k ?? 1, ANALYTIC_MIN);
  const D = analyticParam("D", p.D ?? 1, 0);
  return angleOfSignal(nuTilde * Math.sqrt(2 / Math.PI), Math.sqrt(k * D));
}

/** Parameters of {@link hebbianEpsilonEM}. */
export interface HebbianEMParams {
  /** Number of weights n (integer ≥ 1). */
  n: number;
  /** Learning rate ν ≥ 0 (unscaled: ν = ν̃√n). */
  nu: number;
  /** Euler–Maruyama time step Δt > 0, with k·Δt < 2. */
  dt: number;
  /** Inputs per step B (integer ≥ 1). */
  batch: number;
  /** Restoring force constant k > 0. Default 1. */
  k?: number;
  /** Temperature (diffusion constant) D > 0. Default 1. */
  D?: number;
}

/**
 * Hebbian steady ε of the Euler–Maruyama/mini-batch scheme: the AR(1) recursion has stationary
 * variance σ_w² = (2DΔt + Δt²ν²/B)/(2kΔt − k²Δt²), and cos πε = ν̃√(2/π)/√(2ν̃²/π + k²σ_w²) (spec §1).
 * The blog's parameters (n = 10⁴, k = 1, ν = 300, Δt = 10⁻³, B = 30) give 0.1859.
 * @example
 * ```ts
 * import { hebbianEpsilonEM } from "thermolearn";
 * console.log(hebbianEpsilonEM({ n: 10_000, nu: 300, dt: 1e-3, batch: 30 })); // 0.1859
 * ```
 */
export function hebbianEpsilonEM(params: HebbianEMParams): number {
  const p = check.options("hebbianEpsilonEM", params, ["n", "nu", "dt", "batch", "k", "D"]);
  const n = check.integer("n", p.n, 1, 2 ** 53);
  const nu = analyticParam("nu", p.nu, 0);
  const dt = analyticParam("dt", p.dt, ANALYTIC_MIN);
  const B = check.integer("batch", p.batch, 1, 2 ** 53);
  const k = analyticParam("k", p.k ?? 1, ANALYTIC_MIN);
  const D = analyticParam("D", p.D ?? 1, 0);
  if (!(k * dt < 2)) throw new RangeError(`dt must satisfy k·dt < 2, got k·dt = ${k * dt}`);
  // σ_w² = (2DΔt + Δt²ν²/B)/(kΔt(2 − kΔt)), with Δt cancelled once so tiny Δt does not underflow.
  const variance = (2 * D + (dt * nu * nu) / B) / (k * (2 - k * dt));
  return angleOfSignal((nu / Math.sqrt(n)) * Math.sqrt(2 / Math.PI), k * Math.sqrt(variance));
}

/**
 * Hebbian learning from equilibrium (w ~ N(0, D/k)) to the steady state, per weight (spec §1):
 * heat Q_n = ν̃²/(πk) (energy; the medium's entropy is Q_n/D nats), entropy change
 * ΔS(w_n) = ½ ln(1 + 2ν̃²/(πkD)), information I = ln 2 − S(ε_∞), efficiency η = I/(ΔS + Q_n/D) ≤ 1
 * (≈ 0.082 at ν̃ = 3, k = D = 1). The heat enters η over the temperature D: entropy, not energy.
 * @example
 * ```ts
 * import { hebbianTransient } from "thermolearn";
 * const { heat, entropyChange, information, efficiency } = hebbianTransient({ nuTilde: 3 });
 * console.log(heat, entropyChange, information, efficiency); // ≈ 2.865, 0.953, 0.315, 0.0824
 * ```
 */
export function hebbianTransient(params: HebbianParams): {
  /** Heat Q_n = ν̃²/(πk) per weight (energy, k_B = 1). */
  heat: number;
  /** ΔS(w_n) = ½ ln(1 + 2ν̃²/(πkD)) per weight, nats. */
  entropyChange: number;
  /** I = ln 2 − S(ε_∞) per weight, nats. */
  information: number;
  /** η = I/(ΔS + Q_n/D), in [0, 1]. */
  efficiency: number;
} {
  const p = check.options("hebbianTransient", params, ["nuTilde", "k", "D"]);
  const nuTilde = analyticParam("nuTilde", p.nuTilde, 0);
  const k = analyticParam("k", p.k ?? 1, ANALYTIC_MIN);
  const D = analyticParam("D", p.D ?? 1, ANALYTIC_MIN);
  const heat = (nuTilde * nuTilde) / (Math.PI * k);
  const entropyChange = 0.5 * Math.log1p((2 * nuTilde * nuTilde) / (Math.PI * k * D));
  const information = mutualInformation(hebbianEpsilon({ nuTilde, k, D }));
  // At ν̃ → 0 all three vanish like ν̃²: I ≈ 4ν̃²/(π³kD), ΔS ≈ ν̃²/(πkD), Q_n/D = ν̃²/(πkD), so η
  // tends to 2/π², for every D. Below ν̃ = 10⁻⁴, ln 2 − S(ε) loses more digits to cancellation (relative
  // error ~10⁻¹⁶/I) than the limit's O(ν̃²) error, so the limit is returned there.
  const efficiency = nuTilde < 1e-4 ? 2 / (Math.PI * Math.PI) : information / (entropyChange + heat / D);
  return { heat, entropyChange, information, efficiency };
}
