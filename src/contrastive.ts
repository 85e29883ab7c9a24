/**
 * Contrastive learning through non-equilibrium memory, the single-synapse part (shared/spec/MODELS.md
 * §3; Falk, Strupp, Scellier & Murugan, Nat. Commun. 16 (2025)): memory kernels, the sawtooth
 * protocol (Eq. 5), circular convolution u = K ∗ s (Eq. 3), the threshold g_θ (Eq. 6) and the weight
 * update over one period Δw = ∫ g_θ(u) dt (Eq. 7), computed as the authors' code does.
 *
 * Work in progress towards issue 4: the direct convolution, the kernels and Δw are here and tested
 * against SciPy; the FFT path, the piecewise-linear curve metrics, the ladder chain, the figures and
 * the CLI are not yet.
 */
import { scratch } from "./core/scratch.js";
import type { Backend } from "./core/loader.js";
import * as check from "./core/validate.js";

/** A kernel sampled on t_k = k·dt, k = 0 … L−1. */
export interface SampledKernel {
  values: Float64Array;
  dt: number;
}

/** Alignment of the circular convolution: "causal" c[i] = Σ_j K[j] s[i−j], or SciPy's centred "scipy" (shift ⌊L/2⌋). */
export type Alignment = "causal" | "scipy";

/**
 * The E. coli (Celani–Vergassola) kernel K(t) = a e^{−bt}(t − ct²) on t ∈ [0, tMax) (Eqs. 32–33,
 * 46–48), with a = 3Ib² + b³ and c = (b² + 2bI)/(6I + 2b): area I and first moment −1 on [0, ∞).
 * Defaults: b = 20, dt = 10⁻⁴, tMax = 1.
 */
export function ecoliKernel(options: { area: number; b?: number; dt?: number; tMax?: number }): SampledKernel {
  const area = check.finite("area", options.area);
  const b = check.positive("b", options.b ?? 20);
  const dt = check.positive("dt", options.dt ?? 1e-4);
  const tMax = check.positive("tMax", options.tMax ?? 1);
  if (6 * area + 2 * b === 0) throw new RangeError("area must not be −b/3 (c is undefined there)");
  const a = 3 * area * b * b + b ** 3;
  const c = (b * b + 2 * b * area) / (6 * area + 2 * b);
  const length = Math.round(tMax / dt);
  return { dt, values: Float64Array.from({ length }, (_, k) => { const t = k * dt; return a * Math.exp(-b * t) * (t - c * t * t); }) };
}

/** The MNIST kernel (Eq. 31): K[k] = sin(2πk/10)/3, k = 0…9, on Δt = 0.01 (zero area). */
export function sineKernel(): SampledKernel {
  return { dt: 0.01, values: Float64Array.from({ length: 10 }, (_, k) => Math.sin((2 * Math.PI * k) / 10) / 3) };
}

/** A decaying exponential K(t) = e^{−t/τ}/τ (monotonic, area 1) on [0, tMax). */
export function exponentialKernel(options: { tau: number; dt: number; tMax?: number }): SampledKernel {
  const tau = check.positive("tau", options.tau);
  const dt = check.positive("dt", options.dt);
  const tMax = check.positive("tMax", options.tMax ?? 10 * tau);
  return { dt, values: Float64Array.from({ length: Math.round(tMax / dt) }, (_, k) => Math.exp(-(k * dt) / tau) / tau) };
}

/** Area I = ∫K and first moment M₁ = ∫tK of a sampled kernel (trapezoid rule, as the authors' code). */
export function kernelMoments(kernel: SampledKernel): { area: number; firstMoment: number } {
  const { values, dt } = kernel;
  let area = 0, first = 0;
  for (let k = 0; k < values.length; k++) {
    const w = k === 0 || k === values.length - 1 ? 0.5 : 1;
    area += w * values[k];
    first += w * k * dt * values[k];
  }
  return { area: area * dt, firstMoment: first * dt };
}

/** Options of the sawtooth protocol (Eq. 5). */
export interface SawtoothOptions {
  tauFast: number;
  tauSlow: number;
  amplitude: number;
  mean?: number;
  dt: number;
}

/**
 * The sawtooth s(t_n), t_n = n·dt, n = 0 … N−1 with N = round((τ_f + τ_s)/dt) (endpoint excluded):
 * s = s̄ − A/2 + At/τ_f on [0, τ_f), then s̄ + A/2 − A(t − τ_f)/τ_s (Eq. 5).
 */
export function sawtooth(options: SawtoothOptions): Float64Array {
  const tauFast = check.positive("tauFast", options.tauFast);
  const tauSlow = check.positive("tauSlow", options.tauSlow);
  const A = check.finite("amplitude", options.amplitude);
  const mean = check.finite("mean", options.mean ?? 0);
  const dt = check.positive("dt", options.dt);
  const n = Math.round((tauFast + tauSlow) / dt);
  if (n < 2) throw new RangeError("dt must be smaller than half the period τ_f + τ_s");
  return Float64Array.from({ length: n }, (_, i) => {
    const t = i * dt;
    return t < tauFast ? mean - A / 2 + (A * t) / tauFast : mean + A / 2 - (A * (t - tauFast)) / tauSlow;
  });
}

function finiteArray(name: string, x: unknown): Float64Array {
  if (!(x instanceof Float64Array)) throw new TypeError(`${name} must be a Float64Array`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new RangeError(`${name}[${i}] must be finite, got ${x[i]}`);
  return x;
}

/**
 * Circular convolution c[i] = scale · Σ_{j<L} K[j] s[(i − j + shift) mod N] (direct form, SIMD wasm),
 * shift 0 for "causal" (default) or ⌊L/2⌋ for "scipy" (= scipy.ndimage.convolve1d(s, K, mode="wrap")).
 * @throws RangeError for a kernel longer than the signal or non-finite samples.
 */
export function convolveWrap(signal: Float64Array, kernel: Float64Array, options: { alignment?: Alignment; scale?: number; backend?: Backend } = {}): Float64Array {
  finiteArray("signal", signal);
  finiteArray("kernel", kernel);
  const n = signal.length, taps = kernel.length;
  if (n === 0 || taps === 0) throw new RangeError("signal and kernel must not be empty");
  if (taps > n) throw new RangeError(`kernel has ${taps} taps, longer than the signal (${n} samples)`);
  const alignment = check.oneOf("alignment", options.alignment ?? "causal", ["causal", "scipy"] as const);
  const scale = check.finite("scale", options.scale ?? 1);
  const shift = alignment === "scipy" ? Math.floor(taps / 2) : 0;
  const { wasm, addresses: [s, ext, k, out] } = scratch([8 * n, 8 * (n + taps), 8 * (taps + 1), 8 * n], "convolution buffers", options.backend);
  wasm.f64.set(signal, s >> 3);
  wasm.f64.set(kernel, k >> 3);
  const e = wasm.exports;
  e.extend_periodic(ext, s, n, taps, shift % n);
  e.conv_direct(out, ext, n, k, taps, scale);
  return wasm.f64Copy(out, n);
}

/** Options of {@link weightUpdate}. */
export interface WeightUpdateOptions extends SawtoothOptions {
  kernel: SampledKernel;
  /** Threshold θ ≥ 0 of g_θ. */
  theta: number;
  /** Default "scipy" (the authors' code); "causal" is the physically natural alignment. */
  alignment?: Alignment;
  backend?: Backend;
}

/**
 * Δw over one period of the sawtooth (Eq. 7), the authors' way: sample s on the kernel's grid,
 * c = dt·(K ∗ s) circularly, zero |c| < θ, trapezoid rule with step dt.
 */
export function weightUpdate(options: WeightUpdateOptions): number {
  return weightUpdateCurve({ ...options, amplitudes: [options.amplitude] })[0];
}

/**
 * Δw for many amplitudes at once. The signal is s̄ + A·φ(t) with φ the unit sawtooth, so by
 * linearity c = s̄·dt·ΣK + A·(dt·K ∗ φ): one convolution serves every amplitude.
 */
export function weightUpdateCurve(options: Omit<WeightUpdateOptions, "amplitude"> & { amplitudes: number[] }): Float64Array {
  const theta = check.nonNegative("theta", options.theta);
  const { kernel } = options;
  if (!kernel || !(kernel.values instanceof Float64Array)) throw new TypeError("kernel must be a sampled kernel { values, dt }");
  const dt = check.positive("kernel.dt", kernel.dt);
  if (Math.abs(options.dt - dt) > 1e-12 * dt) throw new RangeError(`dt (${options.dt}) must equal the kernel's dt (${dt})`);
  if (!Array.isArray(options.amplitudes) || options.amplitudes.length === 0) throw new TypeError("amplitudes must be a non-empty array");
  const unit = sawtooth({ ...options, amplitude: 1, mean: 0 });
  const alignment = check.oneOf("alignment", options.alignment ?? "scipy", ["causal", "scipy"] as const);
  const mean = check.finite("mean", options.mean ?? 0);
  const amplitudes = options.amplitudes.map((A, i) => check.finite(`amplitudes[${i}]`, A));
  const n = unit.length, taps = kernel.values.length;
  finiteArray("kernel.values", kernel.values);
  if (taps === 0) throw new RangeError("kernel.values must not be empty");
  if (taps > n) throw new RangeError(`the kernel (${taps} samples) is longer than one period (${n} samples)`);
  const { wasm, addresses: [s, ext, k, r] } = scratch([8 * n, 8 * (n + taps), 8 * (taps + 1), 8 * n], "weight-update buffers", options.backend);
  wasm.f64.set(unit, s >> 3);
  wasm.f64.set(kernel.values, k >> 3);
  const e = wasm.exports;
  e.extend_periodic(ext, s, n, taps, alignment === "scipy" ? Math.floor(taps / 2) % n : 0);
  e.conv_direct(r, ext, n, k, taps, dt);
  let kernelSum = 0;
  for (const v of kernel.values) kernelSum += v;
  const offset = mean * dt * kernelSum;
  return Float64Array.from(amplitudes, (A) => e.threshold_trapezoid(r, n, offset, A, theta, dt));
}
