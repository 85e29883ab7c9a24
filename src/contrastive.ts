/**
 * Contrastive learning through non-equilibrium memory, the single-synapse part (shared/spec/MODELS.md
 * §3; Falk, Strupp, Scellier & Murugan, Nat. Commun. 16 (2025)): memory kernels, the sawtooth
 * protocol (Eq. 5), circular convolution u = K ∗ s (Eq. 3), the threshold g_θ (Eq. 6) and the weight
 * update over one period Δw = ∫ g_θ(u) dt (Eq. 7), computed as the authors' code does, and the
 * weight-update curve's metrics (Appendix E). The FFT path of the convolution is in
 * src/core/fftconv.ts, the ladder kernel in src/ladder.ts, the paper's figures in src/figures.ts.
 */
import { scratch } from "./core/scratch.js";
import { chooseConvolution, convolutionInputs, convolveFft } from "./core/fftconv.js";
import type { Backend } from "./core/loader.js";
import type { WasmInstance } from "./core/instance.js";
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

/**
 * The integral-feedback kernel (Eqs. 14–15): ẋ = s − y − λx, ẏ = k_I(x − x₀), so x responds to s
 * through H(p) = p/(p² + λp + k_I): a two-lobed kernel of zero area (H(0) = 0) and first moment
 * −H′(0) = −1/k_I. Returned multiplied by k_I, so its first moment is −1 like the E. coli family.
 * Impulse response for the roots r₁,₂ of p² + λp + k_I: (r₁e^{r₁t} − r₂e^{r₂t})/(r₁ − r₂) (distinct
 * real), e^{αt}(α sin ωt + ω cos ωt)/ω (complex α ± iω), (1 + rt)e^{rt} (double). Defaults: λ = 40,
 * k_I = 300 (roots −10 and −30), dt = 10⁻⁴, and tMax = 30/(slowest decay rate), where the kernel
 * has decayed by e⁻³⁰.
 */
export function feedbackKernel(options: { lambda?: number; kI?: number; dt?: number; tMax?: number } = {}): SampledKernel {
  const lambda = check.positive("lambda", options.lambda ?? 40);
  const kI = check.positive("kI", options.kI ?? 300);
  const dt = check.positive("dt", options.dt ?? 1e-4);
  const disc = lambda * lambda - 4 * kI;
  const slowest = disc > 0 ? (lambda - Math.sqrt(disc)) / 2 : lambda / 2;
  const tMax = check.positive("tMax", options.tMax ?? 30 / slowest);
  let h: (t: number) => number;
  if (disc > 1e-12 * lambda * lambda) {
    const r1 = (-lambda + Math.sqrt(disc)) / 2, r2 = (-lambda - Math.sqrt(disc)) / 2;
    h = (t) => (r1 * Math.exp(r1 * t) - r2 * Math.exp(r2 * t)) / (r1 - r2);
  } else if (disc < -1e-12 * lambda * lambda) {
    const alpha = -lambda / 2, omega = Math.sqrt(-disc) / 2;
    h = (t) => (Math.exp(alpha * t) * (alpha * Math.sin(omega * t) + omega * Math.cos(omega * t))) / omega;
  } else {
    const r = -lambda / 2;
    h = (t) => (1 + r * t) * Math.exp(r * t);
  }
  return { dt, values: Float64Array.from({ length: Math.round(tMax / dt) }, (_, k) => kI * h(k * dt)) };
}

/** The kernel scaled so |first moment| = 1 (its sign kept). @throws RangeError for a zero first moment. */
export function normalizeKernel(kernel: SampledKernel): SampledKernel {
  const { firstMoment } = kernelMoments(kernel);
  if (!(Math.abs(firstMoment) > 0)) throw new RangeError("kernel has zero first moment: it cannot be normalised");
  const scale = 1 / Math.abs(firstMoment);
  return { dt: kernel.dt, values: kernel.values.map((v) => v * scale) };
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

/** The sawtooth's grid: N = round((τ_f + τ_s)/dt) samples, the first `fast` of them (t_n < τ_f) in the fast phase. */
interface SawtoothGrid {
  tauFast: number;
  tauSlow: number;
  dt: number;
  n: number;
  fast: number;
}

/** The checked {@link SawtoothGrid} of τ_f, τ_s and dt. */
function sawtoothGrid(options: { tauFast: number; tauSlow: number; dt: number }): SawtoothGrid {
  const tauFast = check.positive("tauFast", options.tauFast);
  const tauSlow = check.positive("tauSlow", options.tauSlow);
  const dt = check.positive("dt", options.dt);
  const n = Math.round((tauFast + tauSlow) / dt);
  if (n < 2) throw new RangeError("dt must be smaller than half the period τ_f + τ_s");
  // The first index with t_n = n·dt ≥ τ_f, by the very test `sawtooth` makes (monotone in n).
  let fast = Math.min(n, Math.max(0, Math.round(tauFast / dt)));
  while (fast > 0 && !((fast - 1) * dt < tauFast)) fast--;
  while (fast < n && fast * dt < tauFast) fast++;
  return { tauFast, tauSlow, dt, n, fast };
}

/**
 * The sawtooth s(t_n), t_n = n·dt, n = 0 … N−1 with N = round((τ_f + τ_s)/dt) (endpoint excluded):
 * s = s̄ − A/2 + At/τ_f on [0, τ_f), then s̄ + A/2 − A(t − τ_f)/τ_s (Eq. 5).
 */
export function sawtooth(options: SawtoothOptions): Float64Array {
  const { tauFast, tauSlow, dt, n } = sawtoothGrid(options);
  const A = check.finite("amplitude", options.amplitude);
  const mean = check.finite("mean", options.mean ?? 0);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i * dt;
    s[i] = t < tauFast ? mean - A / 2 + (A * t) / tauFast : mean + A / 2 - (A * (t - tauFast)) / tauSlow;
  }
  return s;
}

/**
 * Circular convolution c[i] = scale · Σ_{j<L} K[j] s[(i − j + shift) mod N] in SIMD wasm, shift 0 for
 * "causal" (default) or ⌊L/2⌋ for "scipy" (= scipy.ndimage.convolve1d(s, K, mode="wrap")). Short
 * kernels use the direct form (O(NL)); long ones (`chooseConvolution`: from about 40 taps at
 * N ≥ 4096) an overlap-save FFT (O(N log L)), exact up to FFT round-off (≈ log₂B·ε·Σ|K|·max|s|).
 * `method` forces either.
 * @throws RangeError for a kernel longer than the signal or non-finite samples.
 */
export function convolveWrap(
  signal: Float64Array, kernel: Float64Array,
  options: { alignment?: Alignment; scale?: number; backend?: Backend; method?: "auto" | "direct" | "fft" } = {},
): Float64Array {
  const c = convolutionInputs(signal, kernel, options);
  const method = check.oneOf("method", options.method ?? "auto", ["auto", "direct", "fft"] as const);
  if (method === "fft" || (method === "auto" && chooseConvolution(c.n, c.taps) === "fft")) return convolveFft(c, options.backend);
  const { n, taps } = c;
  const { wasm, addresses: [s, ext, k, out] } = scratch([8 * n, 8 * (n + taps), 8 * (taps + 1), 8 * n], "convolution buffers", options.backend);
  wasm.f64.set(c.signal, s >> 3);
  wasm.f64.set(c.kernel, k >> 3);
  const e = wasm.exports;
  e.extend_periodic(ext, s, n, taps, c.shift);
  e.conv_direct(out, ext, n, k, taps, c.scale);
  return wasm.f64Copy(out, n);
}

/** Options of {@link weightUpdate}. */
export interface WeightUpdateOptions extends Omit<SawtoothOptions, "dt"> {
  /** The kernel; its dt is the protocol's sampling step. */
  kernel: SampledKernel;
  /** The sampling step: the kernel's dt, the default (a different value is refused). */
  dt?: number;
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

/** Prefix sums Σ_{j′<j} x_j′ for j = 0 … L (Neumaier-compensated), of x_j = K[j] (`moment` 0) or j·K[j] (1). */
function prefixSums(values: Float64Array, moment: 0 | 1, into: Float64Array, at: number): void {
  let sum = 0, carry = 0;
  into[at] = 0;
  for (let j = 0; j < values.length; j++) {
    const x = moment === 0 ? values[j] : j * values[j];
    const t = sum + x;
    carry += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
    into[at + j + 1] = sum + carry;
  }
}

/**
 * Writes r = dt·(K ∗ φ) into wasm memory (scratch block `r`, N values) for the unit sawtooth φ
 * (amplitude 1, mean 0) on the kernel's grid, by assembly/contrastive.ts `sawtooth_response`: φ is
 * affine on each phase, so every output is a sum over at most three runs of the kernel, read off
 * prefix sums of K and j·K: O(N + L), no convolution. Returns the scratch instance, the address of
 * r, the `extra` blocks asked for, and ΣK (the compensated prefix sum's last entry).
 */
function sawtoothResponseInto(
  kernel: Float64Array, grid: SawtoothGrid, alignment: Alignment, extra: number[], backend?: Backend,
): { wasm: WasmInstance; r: number; extra: number[]; kernelSum: number } {
  const { tauFast, tauSlow, dt, n, fast } = grid, taps = kernel.length;
  const { wasm, addresses: [r, p0, p1, ...rest] } = scratch([8 * n, 8 * (taps + 1), 8 * (taps + 1), ...extra], "sawtooth-response buffers", backend);
  const f64 = wasm.f64;
  prefixSums(kernel, 0, f64, p0 >> 3);
  prefixSums(kernel, 1, f64, p1 >> 3);
  const shift = alignment === "scipy" ? Math.floor(taps / 2) : 0; // < n, since taps ≤ n
  // φ[m] = −½ + m·dt/τ_f on the fast phase, ½ − (m·dt − τ_f)/τ_s = ½ + τ_f/τ_s − m·dt/τ_s on the slow one.
  wasm.exports.sawtooth_response(r, p0, p1, taps, n, fast, shift, -0.5, dt / tauFast, 0.5 + tauFast / tauSlow, -dt / tauSlow, dt);
  return { wasm, r, extra: rest, kernelSum: f64[(p0 >> 3) + taps] };
}

/**
 * The memory's response to the unit sawtooth (Eq. 5 with A = 1, s̄ = 0) on the kernel's grid:
 * r = dt·(K ∗ φ), circular, N = round((τ_f + τ_s)/dt) values, aligned as `convolveWrap` ("scipy"
 * by default, as the authors' code). The same sum as `convolveWrap(sawtooth(…), K, { scale: dt })`,
 * computed without a convolution in O(N + L) (φ is affine on each phase; see `sawtooth_response`),
 * equal up to rounding (≈ ε·dt·Σ|K|, compensated prefix sums). u = s̄·dt·ΣK + A·r for any s̄, A.
 * @throws TypeError/RangeError naming a bad option (a kernel longer than one period included).
 * @example const r = sawtoothResponse({ kernel: ecoliKernel({ area: 0 }), tauFast: 1, tauSlow: 9 });
 */
export function sawtoothResponse(options: { kernel: SampledKernel; tauFast: number; tauSlow: number; alignment?: Alignment; backend?: Backend }): Float64Array {
  const { values, grid } = checkKernel(options.kernel, options);
  const alignment = check.oneOf("alignment", options.alignment ?? "scipy", ["causal", "scipy"] as const);
  const { wasm, r } = sawtoothResponseInto(values, grid, alignment, [], options.backend);
  return wasm.f64Copy(r, grid.n);
}

/**
 * The checks both sawtooth paths make on a sampled kernel, in one place: a { values, dt } object with
 * dt > 0 and finite samples, at least one and at most one period of the sawtooth (N samples on the
 * kernel's grid). Returns the samples and the grid.
 * @throws TypeError/RangeError naming the kernel, its dt or samples, or τ_f/τ_s.
 */
function checkKernel(kernel: SampledKernel | undefined, timing: { tauFast: number; tauSlow: number }): { values: Float64Array; grid: SawtoothGrid } {
  if (!kernel || !(kernel.values instanceof Float64Array)) throw new TypeError("kernel must be a sampled kernel { values, dt }");
  const dt = check.positive("kernel.dt", kernel.dt);
  const values = check.finiteArray("kernel.values", kernel.values);
  const grid = sawtoothGrid({ tauFast: timing.tauFast, tauSlow: timing.tauSlow, dt });
  if (values.length === 0) throw new RangeError("kernel.values must not be empty");
  if (values.length > grid.n) throw new RangeError(`the kernel (${values.length} samples) is longer than one period (${grid.n} samples)`);
  return { values, grid };
}

/** From this many amplitudes on, `weightUpdateCurve`'s "auto" method uses the crossings. */
const CROSSINGS_FROM = 8;

/**
 * Δw for many amplitudes at once. The signal is s̄ + A·φ(t) with φ the unit sawtooth, so by
 * linearity c = s̄·dt·ΣK + A·r with r = dt·K ∗ φ ({@link sawtoothResponse}, computed once, in
 * O(N + L)). Then either
 * - "direct": one thresholded trapezoid pass over the N samples per amplitude (O(N·m), SIMD), or
 * - "crossings": one pass for all amplitudes (assembly/contrastive.ts `threshold_curve`, O(N + m)
 *   in practice): each sample passes |c| ≥ θ on a prefix and a suffix of the sorted amplitudes, found
 *   by evaluating the same floating-point test as the direct pass, so exactly the same samples pass
 *   at every amplitude; the sums then differ from the direct pass only by summation order (≈ ε·N·dt·
 *   max|c|, 1e-12 relative in practice).
 * "auto" (default) takes the crossings from 8 amplitudes on. Either way the result depends on the
 * inputs alone (same bits in both builds, any worker count).
 */
export function weightUpdateCurve(options: Omit<WeightUpdateOptions, "amplitude"> & { amplitudes: number[]; method?: "auto" | "direct" | "crossings" }): Float64Array {
  const theta = check.nonNegative("theta", options.theta);
  const { values, grid } = checkKernel(options.kernel, options);
  const { n, dt } = grid;
  if (options.dt !== undefined && !(Math.abs(options.dt - dt) <= 1e-12 * dt)) throw new RangeError(`dt (${options.dt}) must equal the kernel's dt (${dt})`);
  if (!Array.isArray(options.amplitudes) || options.amplitudes.length === 0) throw new TypeError("amplitudes must be a non-empty array");
  const alignment = check.oneOf("alignment", options.alignment ?? "scipy", ["causal", "scipy"] as const);
  const method = check.oneOf("method", options.method ?? "auto", ["auto", "direct", "crossings"] as const);
  const mean = check.finite("mean", options.mean ?? 0);
  const amplitudes = options.amplitudes.map((A, i) => check.finite(`amplitudes[${i}]`, A));
  const m = amplitudes.length;
  if (method === "direct" || (method === "auto" && m < CROSSINGS_FROM)) {
    const { wasm, r, kernelSum } = sawtoothResponseInto(values, grid, alignment, [], options.backend);
    const e = wasm.exports, offset = mean * dt * kernelSum;
    return Float64Array.from(amplitudes, (A) => e.threshold_trapezoid(r, n, offset, A, theta, dt));
  }
  // Sorted amplitudes (ties keep their order), the curve on them, then back to the caller's order.
  const order = Array.from(amplitudes, (_, i) => i).sort((i, j) => amplitudes[i] - amplitudes[j] || i - j);
  const { wasm, r, kernelSum, extra: [amps, out, work] } = sawtoothResponseInto(values, grid, alignment, [8 * m, 8 * m, 32 * (m + 1)], options.backend);
  const f64 = wasm.f64, offset = mean * dt * kernelSum;
  order.forEach((i, k) => { f64[(amps >> 3) + k] = amplitudes[i]; });
  wasm.exports.threshold_curve(out, r, n, offset, amps, m, theta, dt, work);
  const sorted = wasm.f64View(out, m), dw = new Float64Array(m);
  order.forEach((i, k) => { dw[i] = sorted[k]; });
  return dw;
}

// ---------------------------------------------------------------------------------------------
// Weight-update curves and their metrics (Appendix E)
// ---------------------------------------------------------------------------------------------

/** A continuous three-segment piecewise-linear least-squares fit. */
export interface PiecewiseFit {
  /** Breakpoints b₁ < b₂ (data x values). */
  breakpoints: [number, number];
  /** Slopes of the three segments. */
  slopes: [number, number, number];
  /** Intercept at x = 0 of the rightmost segment's line. */
  rightIntercept: number;
  /** Sum of squared residuals. */
  sse: number;
}

/**
 * Solves the 4 × 4 system stored row-major with its right-hand side as column 4 of `m` (20 values,
 * overwritten) into z, by Gauss–Jordan elimination with partial pivoting. Returns false if singular.
 */
function solve4(m: Float64Array, z: Float64Array): boolean {
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let i = c + 1; i < 4; i++) if (Math.abs(m[i * 5 + c]) > Math.abs(m[p * 5 + c])) p = i;
    if (!(Math.abs(m[p * 5 + c]) > 1e-300)) return false;
    if (p !== c) for (let j = 0; j < 5; j++) { const t = m[c * 5 + j]; m[c * 5 + j] = m[p * 5 + j]; m[p * 5 + j] = t; }
    for (let i = 0; i < 4; i++) {
      if (i === c) continue;
      const f = m[i * 5 + c] / m[c * 5 + c];
      for (let j = c; j < 5; j++) m[i * 5 + j] -= f * m[c * 5 + j];
    }
  }
  for (let i = 0; i < 4; i++) z[i] = m[i * 5 + 4] / m[i * 5 + i];
  return true;
}

/**
 * Exact, deterministic three-segment fit: every pair of breakpoints b₁ < b₂ among the data x values
 * (at least two points per segment) is tried, with the model y = α + β₁x + β₂(x − b₁)₊ + β₃(x − b₂)₊
 * solved by least squares. Suffix sums make each pair's normal equations O(1), so n points cost O(n²).
 * (The authors used pwlf's stochastic optimiser; this search is exhaustive over data breakpoints.)
 * @param x increasing abscissae; @param y values.
 */
export function piecewiseLinearFit3(x: ArrayLike<number>, y: ArrayLike<number>): PiecewiseFit {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`y has ${y.length} values, x has ${n}`);
  if (n < 6) throw new RangeError("a three-segment fit needs at least 6 points");
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new RangeError(`point ${i} is not finite`);
    if (i > 0 && !(x[i] > x[i - 1])) throw new RangeError("x must be strictly increasing");
  }
  // Suffix sums S[k] = Σ_{i ≥ k} of 1, x, x², y, xy, y².
  const suffix = (f: (i: number) => number) => {
    const out = new Float64Array(n + 1);
    for (let i = n - 1; i >= 0; i--) out[i] = out[i + 1] + f(i);
    return out;
  };
  const S1 = suffix(() => 1), Sx = suffix((i) => x[i]), Sxx = suffix((i) => x[i] * x[i]);
  const Sy = suffix((i) => y[i]), Sxy = suffix((i) => x[i] * y[i]), Syy = suffix((i) => y[i] * y[i]);
  // Σ_{i ≥ k} (x − a)(x − b) and Σ_{i ≥ k} (x − a)y over a suffix.
  const hinge2 = (k: number, a: number, b: number) => Sxx[k] - (a + b) * Sx[k] + a * b * S1[k];
  const hingeY = (k: number, a: number) => Sxy[k] - a * Sy[k];
  // A breakpoint at data point k − 1 (b = x[k−1]) puts its hinge (x − b)₊ on indices k … n−1. Its
  // terms of the normal equations depend on k alone, so they are tabulated once (O(n)) for either
  // role; only the cross term Σ (x − b₁)(x − b₂) over the second hinge depends on the pair.
  const hinge = (f: (k: number, b: number) => number) => Float64Array.from({ length: n }, (_, k) => (k > 0 ? f(k, x[k - 1]) : 0));
  const H = hinge((k, b) => Sx[k] - b * S1[k]); // Σ (x − b)
  const H0 = hinge((k, b) => hinge2(k, 0, b)); // Σ x(x − b)
  const HH = hinge((k, b) => hinge2(k, b, b)); // Σ (x − b)²
  const HY = hinge((k, b) => hingeY(k, b)); // Σ (x − b)y
  const s1 = S1[0], sx = Sx[0], sxx = Sxx[0], r0 = Sy[0], r1 = Sxy[0];
  let best: PiecewiseFit | null = null;
  const m = new Float64Array(20), z = new Float64Array(4);
  for (let k1 = 2; k1 <= n - 4; k1++) {
    const b1 = x[k1 - 1], h1 = H[k1], g1 = H0[k1], gg1 = HH[k1], r2 = HY[k1];
    for (let k2 = k1 + 2; k2 <= n - 2; k2++) {
      // Breakpoints at data points k1 − 1 and k2 − 1. The normal equations, row-major with the
      // right-hand side as column 4 (solve4 overwrites them, so every entry is written per pair).
      const b2 = x[k2 - 1], h2 = H[k2], g2 = H0[k2], r3 = HY[k2], cross = hinge2(k2, b1, b2);
      m[0] = s1; m[1] = m[5] = sx; m[2] = m[10] = h1; m[3] = m[15] = h2; m[4] = r0;
      m[6] = sxx; m[7] = m[11] = g1; m[8] = m[16] = g2; m[9] = r1;
      m[12] = gg1; m[13] = m[17] = cross; m[14] = r2;
      m[18] = HH[k2]; m[19] = r3;
      if (!solve4(m, z)) continue;
      // SSE = Σy² − zᵀr for the least-squares solution.
      const sse = Syy[0] - (z[0] * r0 + z[1] * r1 + z[2] * r2 + z[3] * r3);
      if (!best || sse < best.sse) {
        const [alpha, slope1, d2, d3] = z;
        best = { breakpoints: [b1, b2], slopes: [slope1, slope1 + d2, slope1 + d2 + d3], rightIntercept: alpha - d2 * b1 - d3 * b2, sse };
      }
    }
  }
  if (!best) throw new RangeError("the fit is singular for every breakpoint pair");
  best.sse = Math.max(0, best.sse); // Σy² − zᵀr can round a few ulps below 0 for an exact fit
  return best;
}

/**
 * Offset and dynamic range of a weight-update curve (Appendix E): normalise (A/A_max, Δw/A_max),
 * fit three segments; offset = the rightmost segment's intercept (in units of A_max); if its slope is
 * in (0.75, 1.25), A_min = its left breakpoint, else A_min = A_max; dynamic range A_max/A_min.
 */
export function curveMetrics(amplitudes: ArrayLike<number>, dw: ArrayLike<number>, aMax: number): { offset: number; dynamicRange: number; fit: PiecewiseFit } {
  const scale = check.positive("aMax", aMax);
  const x = Float64Array.from(amplitudes, (a) => a / scale), y = Float64Array.from(dw, (v) => v / scale);
  const fit = piecewiseLinearFit3(x, y);
  const slope = fit.slopes[2];
  const aMin = slope > 0.75 && slope < 1.25 ? fit.breakpoints[1] : 1;
  return { offset: fit.rightIntercept, dynamicRange: aMin > 0 ? 1 / aMin : Number.POSITIVE_INFINITY, fit };
}
