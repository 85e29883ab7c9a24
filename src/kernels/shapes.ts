/**
 * The memory kernels of the contrastive-learning model (shared/spec/MODELS.md §3; Falk, Strupp,
 * Scellier & Murugan, Nat. Commun. 16 (2025)): E. coli (Eqs. 32–33, 46–48), the MNIST sine kernel
 * (Eq. 31), a decaying exponential and the integral-feedback kernel (Eqs. 14–15), sampled on t_k = k·dt.
 */
import * as check from "../core/validate.js";
import { MAX_SAMPLES, formatCount, overLimit } from "./limits.js";
import type { SampledKernel } from "./sampled.js";

/**
 * L = round(tMax/dt) samples of a kernel on [0, tMax), checked: 1 ≤ L ≤ 2^25. The error leads with
 * the option the caller set (tMax when given, else dt); `defaultTMax` says where a default came from.
 */
function kernelLength(tMax: number, dt: number, tMaxGiven: boolean, defaultTMax: string): number {
  const count = tMax / dt;
  const rounded = String(Number(tMax.toPrecision(4)));
  const lead = tMaxGiven
    ? `tMax (${tMax}) over dt (${dt})`
    : `dt (${dt}), with tMax = ${defaultTMax === rounded ? "" : `${defaultTMax} = `}${rounded} by default,`;
  if (!(count <= MAX_SAMPLES)) throw overLimit(`${lead} gives ${formatCount(count)} kernel samples`, MAX_SAMPLES);
  const length = Math.round(count);
  if (length < 1) throw new RangeError(`${lead} gives no kernel sample: tMax must be at least dt/2`);
  return length;
}

/** The samples f(k·dt), k < length, refused with a RangeError naming `culprits` if any is not finite. */
function sampleKernel(length: number, dt: number, f: (t: number) => number, culprits: string): Float64Array {
  const values = Float64Array.from({ length }, (_, k) => f(k * dt));
  for (let k = 0; k < length; k++) {
    if (!Number.isFinite(values[k]))
      throw new RangeError(`${culprits} give a non-finite kernel sample K[${k}] = ${values[k]}`);
  }
  return values;
}

/**
 * The E. coli (Celani–Vergassola) kernel K(t) = a e^{−bt}(t − ct²) on t ∈ [0, tMax) (Eqs. 32–33,
 * 46–48), with a = 3Ib² + b³ and c = (b² + 2bI)/(6I + 2b): area I and first moment −1 on [0, ∞).
 * Defaults: b = 20, dt = 10⁻⁴, tMax = 1. At most 2^25 samples (tMax/dt).
 * @throws TypeError/RangeError naming a bad option, too many samples, or samples that overflow.
 * @example
 * ```ts
 * import { ecoliKernel } from "thermolearn";
 * const K = ecoliKernel({ area: 0 });
 * console.log(K.values.length, K.dt); // 10000 samples, dt = 10⁻⁴
 * ```
 */
export function ecoliKernel(options: { area: number; b?: number; dt?: number; tMax?: number }): SampledKernel {
  options = check.options("ecoliKernel", options, ["area", "b", "dt", "tMax"]);
  const area = check.finite("area", options.area);
  const b = check.positive("b", options.b ?? 20);
  const dt = check.positive("dt", options.dt ?? 1e-4);
  const tMax = check.positive("tMax", options.tMax ?? 1);
  if (6 * area + 2 * b === 0) throw new RangeError("area must not be −b/3 (c is undefined there)");
  const length = kernelLength(tMax, dt, options.tMax !== undefined, "1");
  const a = 3 * area * b * b + b ** 3;
  const c = (b * b + 2 * b * area) / (6 * area + 2 * b);
  return {
    dt,
    values: sampleKernel(length, dt, (t) => a * Math.exp(-b * t) * (t - c * t * t), `area (${area}) and b (${b})`),
  };
}

/**
 * The MNIST kernel (Eq. 31): K[k] = sin(2πk/10)/3, k = 0…9, on Δt = 0.01 (zero area).
 * @example
 * ```ts
 * import { sineKernel } from "thermolearn";
 * const K = sineKernel();
 * console.log(K.dt, K.values.length); // 0.01, 10
 * ```
 */
export function sineKernel(): SampledKernel {
  return { dt: 0.01, values: Float64Array.from({ length: 10 }, (_, k) => Math.sin((2 * Math.PI * k) / 10) / 3) };
}

/**
 * A decaying exponential K(t) = e^{−t/τ}/τ (monotonic, area 1) on [0, tMax), tMax = 10τ by
 * default. At most 2^25 samples (tMax/dt).
 * @throws TypeError/RangeError naming a bad option, too many samples, or samples that overflow.
 * @example
 * ```ts
 * import { exponentialKernel } from "thermolearn";
 * const K = exponentialKernel({ tau: 0.1, dt: 1e-3 });
 * console.log(K.values.length, K.values[0]); // 1000 samples on [0, 10τ), K(0) = 1/τ = 10
 * ```
 */
export function exponentialKernel(options: { tau: number; dt: number; tMax?: number }): SampledKernel {
  options = check.options("exponentialKernel", options, ["tau", "dt", "tMax"]);
  const tau = check.positive("tau", options.tau);
  const dt = check.positive("dt", options.dt);
  const tMax = check.positive("tMax", options.tMax ?? 10 * tau);
  const length = kernelLength(tMax, dt, options.tMax !== undefined, "10·tau");
  return { dt, values: sampleKernel(length, dt, (t) => Math.exp(-t / tau) / tau, `tau (${tau}) and dt (${dt})`) };
}

/**
 * The integral-feedback kernel (Eqs. 14–15): ẋ = s − y − λx, ẏ = k_I(x − x₀), so x responds to s
 * through H(p) = p/(p² + λp + k_I): a two-lobed kernel of zero area (H(0) = 0) and first moment
 * −H′(0) = −1/k_I. Returned multiplied by k_I, so its first moment is −1 like the E. coli family.
 * Impulse response for the roots r₁,₂ of p² + λp + k_I: (r₁e^{r₁t} − r₂e^{r₂t})/(r₁ − r₂) (distinct
 * real), e^{αt}(α sin ωt + ω cos ωt)/ω (complex α ± iω), (1 + rt)e^{rt} (double). Defaults: λ = 40,
 * k_I = 300 (roots −10 and −30), dt = 10⁻⁴, and tMax = 30/(slowest decay rate), where the kernel
 * has decayed by e⁻³⁰. At most 2^25 samples (tMax/dt).
 * @throws TypeError/RangeError naming a bad option, too many samples, or samples that overflow.
 * @example
 * ```ts
 * import { feedbackKernel, kernelMoments } from "thermolearn";
 * const K = feedbackKernel(); // λ = 40, k_I = 300: roots −10 and −30
 * console.log(K.values.length, kernelMoments(K)); // 30000 samples; area ≈ 0, first moment ≈ −1
 * ```
 */
export function feedbackKernel(
  options: { lambda?: number; kI?: number; dt?: number; tMax?: number } = {},
): SampledKernel {
  options = check.options("feedbackKernel", options, ["lambda", "kI", "dt", "tMax"]);
  const lambda = check.positive("lambda", options.lambda ?? 40);
  const kI = check.positive("kI", options.kI ?? 300);
  const dt = check.positive("dt", options.dt ?? 1e-4);
  // The discriminant disc = λ² − 4k_I, relative to λ² as ((q − √k_I)/q)·((q + √k_I)/q) with q = λ/2
  // (no overflow), and √|disc| as 2·√|q − √k_I|·√(q + √k_I) where λ² or 4k_I overflows.
  const q = lambda / 2,
    root = Math.sqrt(kI);
  const relative = ((q - root) / q) * ((q + root) / q);
  const disc = lambda * lambda - 4 * kI;
  const rootDisc = Number.isFinite(disc)
    ? Math.sqrt(Math.abs(disc))
    : 2 * Math.sqrt(Math.abs(q - root)) * Math.sqrt(q + root);
  let h: (t: number) => number, slowest: number;
  if (relative > 1e-12) {
    // r₂ = (−λ − √disc)/2, and r₁ = k_I/r₂ (Vieta): (−λ + √disc)/2 would cancel when k_I ≪ λ².
    const r2 = (-lambda - rootDisc) / 2,
      r1 = kI / r2;
    h = (t) => (r1 * Math.exp(r1 * t) - r2 * Math.exp(r2 * t)) / (r1 - r2);
    slowest = -r1;
  } else if (relative < -1e-12) {
    const alpha = -lambda / 2,
      omega = rootDisc / 2;
    h = (t) => (Math.exp(alpha * t) * (alpha * Math.sin(omega * t) + omega * Math.cos(omega * t))) / omega;
    slowest = lambda / 2;
  } else {
    const r = -lambda / 2;
    h = (t) => (1 + r * t) * Math.exp(r * t);
    slowest = lambda / 2;
  }
  const tMax = options.tMax === undefined ? 30 / slowest : check.positive("tMax", options.tMax);
  if (!Number.isFinite(tMax))
    throw new RangeError(`kI (${kI}) and lambda (${lambda}) give a slowest decay rate of ${slowest}: pass tMax`);
  const length = kernelLength(
    tMax,
    dt,
    options.tMax !== undefined,
    `30/(slowest decay rate of lambda = ${lambda}, kI = ${kI})`,
  );
  return { dt, values: sampleKernel(length, dt, (t) => kI * h(t), `lambda (${lambda}) and kI (${kI})`) };
}
