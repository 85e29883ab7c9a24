/**
 * Contrastive learning through non-equilibrium memory, the single-synapse part (shared/spec/MODELS.md
 * §3; Falk, Strupp, Scellier & Murugan, Nat. Commun. 16 (2025)): memory kernels, the sawtooth
 * protocol (Eq. 5), circular convolution u = K ∗ s (Eq. 3), the threshold g_θ (Eq. 6) and the weight
 * update over one period Δw = ∫ g_θ(u) dt (Eq. 7), computed as the authors' code does, and the
 * weight-update curve's metrics (Appendix E). The FFT path of the convolution is in
 * src/core/fftconv.ts, the ladder kernel in src/ladder.ts, the paper's figures in src/figures.ts.
 */
import { scratch } from "./core/scratch.js";
import { chooseConvolution, convolutionInputs, convolveFft, type ConvolutionInputs } from "./core/fftconv.js";
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

// ---------------------------------------------------------------------------------------------
// Size and work limits, checked before anything is allocated or computed
// ---------------------------------------------------------------------------------------------

/** At most this many samples in a kernel or in one period of the sawtooth: 2^25 (256 MiB of f64 each). */
const MAX_SAMPLES = 2 ** 25;
/** At most this many amplitudes in one weight-update curve (48 bytes of wasm memory each). */
const MAX_AMPLITUDES = 2 ** 20;
/**
 * At most this many multiply-adds (direct convolution, N·L) or thresholded samples (direct Δw,
 * N·m) in one call: 2^32, measured on the 2-core VM the benchmarks ran on (busy): 14 s of direct
 * convolution (N = L = 2^16) and 8.5 s of Δw passes (N = 2^25, 128 amplitudes).
 */
const MAX_DIRECT_WORK = 2 ** 32;
/** At most this many points in a three-segment fit: O(n²) breakpoint pairs, 3–5 s at 4096 points. */
const MAX_FIT_POINTS = 2 ** 12;

/** A count for an error message: an integer below 10⁷, else three digits. */
function formatCount(x: number): string {
  if (!Number.isFinite(x)) return "over 1.8e308";
  return x < 1e7 ? String(Math.round(x)) : x.toPrecision(3);
}

/** `what` followed by "more than the limit 2^k = …" as a RangeError. */
function overLimit(what: string, limit: number): RangeError {
  return new RangeError(`${what}, more than the limit 2^${Math.log2(limit)} = ${limit}`);
}

/**
 * L = round(tMax/dt) samples of a kernel on [0, tMax), checked: 1 ≤ L ≤ 2^25. The error leads with
 * the option the caller set (tMax when given, else dt); `defaultTMax` says where a default came from.
 */
function kernelLength(tMax: number, dt: number, tMaxGiven: boolean, defaultTMax: string): number {
  const count = tMax / dt;
  const rounded = String(Number(tMax.toPrecision(4)));
  const lead = tMaxGiven ? `tMax (${tMax}) over dt (${dt})` : `dt (${dt}), with tMax = ${defaultTMax === rounded ? "" : `${defaultTMax} = `}${rounded} by default,`;
  if (!(count <= MAX_SAMPLES)) throw overLimit(`${lead} gives ${formatCount(count)} kernel samples`, MAX_SAMPLES);
  const length = Math.round(count);
  if (length < 1) throw new RangeError(`${lead} gives no kernel sample: tMax must be at least dt/2`);
  return length;
}

/** The samples f(k·dt), k < length, refused with a RangeError naming `culprits` if any is not finite. */
function sampleKernel(length: number, dt: number, f: (t: number) => number, culprits: string): Float64Array {
  const values = Float64Array.from({ length }, (_, k) => f(k * dt));
  for (let k = 0; k < length; k++) {
    if (!Number.isFinite(values[k])) throw new RangeError(`${culprits} give a non-finite kernel sample K[${k}] = ${values[k]}`);
  }
  return values;
}

/**
 * The E. coli (Celani–Vergassola) kernel K(t) = a e^{−bt}(t − ct²) on t ∈ [0, tMax) (Eqs. 32–33,
 * 46–48), with a = 3Ib² + b³ and c = (b² + 2bI)/(6I + 2b): area I and first moment −1 on [0, ∞).
 * Defaults: b = 20, dt = 10⁻⁴, tMax = 1. At most 2^25 samples (tMax/dt).
 * @throws TypeError/RangeError naming a bad option, too many samples, or samples that overflow.
 * @example const K = ecoliKernel({ area: 0 }); // 10⁴ samples, dt = 10⁻⁴
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
  return { dt, values: sampleKernel(length, dt, (t) => a * Math.exp(-b * t) * (t - c * t * t), `area (${area}) and b (${b})`) };
}

/** The MNIST kernel (Eq. 31): K[k] = sin(2πk/10)/3, k = 0…9, on Δt = 0.01 (zero area). */
export function sineKernel(): SampledKernel {
  return { dt: 0.01, values: Float64Array.from({ length: 10 }, (_, k) => Math.sin((2 * Math.PI * k) / 10) / 3) };
}

/**
 * A decaying exponential K(t) = e^{−t/τ}/τ (monotonic, area 1) on [0, tMax), tMax = 10τ by
 * default. At most 2^25 samples (tMax/dt).
 * @throws TypeError/RangeError naming a bad option, too many samples, or samples that overflow.
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
 */
export function feedbackKernel(options: { lambda?: number; kI?: number; dt?: number; tMax?: number } = {}): SampledKernel {
  options = check.options("feedbackKernel", options, ["lambda", "kI", "dt", "tMax"]);
  const lambda = check.positive("lambda", options.lambda ?? 40);
  const kI = check.positive("kI", options.kI ?? 300);
  const dt = check.positive("dt", options.dt ?? 1e-4);
  // The discriminant disc = λ² − 4k_I, relative to λ² as ((q − √k_I)/q)·((q + √k_I)/q) with q = λ/2
  // (no overflow), and √|disc| as 2·√|q − √k_I|·√(q + √k_I) where λ² or 4k_I overflows.
  const q = lambda / 2, root = Math.sqrt(kI);
  const relative = ((q - root) / q) * ((q + root) / q);
  const disc = lambda * lambda - 4 * kI;
  const rootDisc = Number.isFinite(disc) ? Math.sqrt(Math.abs(disc)) : 2 * Math.sqrt(Math.abs(q - root)) * Math.sqrt(q + root);
  let h: (t: number) => number, slowest: number;
  if (relative > 1e-12) {
    // r₂ = (−λ − √disc)/2, and r₁ = k_I/r₂ (Vieta): (−λ + √disc)/2 would cancel when k_I ≪ λ².
    const r2 = (-lambda - rootDisc) / 2, r1 = kI / r2;
    h = (t) => (r1 * Math.exp(r1 * t) - r2 * Math.exp(r2 * t)) / (r1 - r2);
    slowest = -r1;
  } else if (relative < -1e-12) {
    const alpha = -lambda / 2, omega = rootDisc / 2;
    h = (t) => (Math.exp(alpha * t) * (alpha * Math.sin(omega * t) + omega * Math.cos(omega * t))) / omega;
    slowest = lambda / 2;
  } else {
    const r = -lambda / 2;
    h = (t) => (1 + r * t) * Math.exp(r * t);
    slowest = lambda / 2;
  }
  const tMax = options.tMax === undefined ? 30 / slowest : check.positive("tMax", options.tMax);
  if (!Number.isFinite(tMax)) throw new RangeError(`kI (${kI}) and lambda (${lambda}) give a slowest decay rate of ${slowest}: pass tMax`);
  const length = kernelLength(tMax, dt, options.tMax !== undefined, `30/(slowest decay rate of lambda = ${lambda}, kI = ${kI})`);
  return { dt, values: sampleKernel(length, dt, (t) => kI * h(t), `lambda (${lambda}) and kI (${kI})`) };
}

/**
 * The checked { values, dt } of a sampled kernel passed as `name`: a Float64Array of at least one
 * finite sample and dt > 0.
 * @throws TypeError/RangeError naming `name`, `name.values` or `name.dt`.
 */
function sampledKernel(name: string, kernel: unknown): SampledKernel {
  if (typeof kernel !== "object" || kernel === null || !((kernel as SampledKernel).values instanceof Float64Array)) {
    throw new TypeError(`${name} must be a sampled kernel { values: Float64Array, dt }`);
  }
  const { values, dt } = kernel as SampledKernel;
  check.positive(`${name}.dt`, dt);
  check.finiteArray(`${name}.values`, values);
  if (values.length === 0) throw new RangeError(`${name}.values must not be empty`);
  return { values, dt };
}

/**
 * The kernel scaled so |first moment| = 1 (its sign kept).
 * @throws TypeError/RangeError for a bad kernel, a zero first moment, or one so small that 1/|M₁| overflows.
 */
export function normalizeKernel(kernel: SampledKernel): SampledKernel {
  const { values, dt } = sampledKernel("kernel", kernel);
  const { firstMoment } = kernelMoments(kernel);
  if (!(Math.abs(firstMoment) > 0)) throw new RangeError("kernel has zero first moment: it cannot be normalised");
  const scale = 1 / Math.abs(firstMoment);
  const scaled = values.map((v) => v * scale);
  if (!scaled.every(Number.isFinite)) throw new RangeError(`kernel has first moment ${firstMoment}: scaling it to 1 overflows`);
  return { dt, values: scaled };
}

/**
 * Area I = ∫K and first moment M₁ = ∫tK of a sampled kernel on [0, (L − 1)·dt], trapezoid rule as
 * the authors' code (scipy.integrate.trapezoid: a single sample spans no interval, so both are 0).
 * @throws TypeError/RangeError for a bad kernel or samples whose moments overflow.
 */
export function kernelMoments(kernel: SampledKernel): { area: number; firstMoment: number } {
  const { values, dt } = sampledKernel("kernel", kernel);
  const last = values.length - 1;
  let area = 0, first = 0;
  // Weights ½, 1, …, 1, ½ (none for a single sample).
  for (let k = 0; k <= last && last > 0; k++) {
    const w = k === 0 || k === last ? 0.5 : 1;
    area += w * values[k];
    first += w * k * dt * values[k];
  }
  const moments = { area: area * dt, firstMoment: first * dt };
  if (!Number.isFinite(moments.area) || !Number.isFinite(moments.firstMoment)) {
    throw new RangeError(`kernel.values are too large for kernel.dt (${dt}): the area or first moment overflows`);
  }
  return moments;
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

/**
 * The checked {@link SawtoothGrid} of τ_f, τ_s and dt: 2 ≤ N ≤ 2^25, checked before anything is
 * allocated. `dtName` is "dt" when the caller passed dt, "kernel.dt" when the grid is the kernel's;
 * a period of too many samples is blamed on dt in the first case and on τ_f, τ_s in the second.
 */
function sawtoothGrid(options: { tauFast: unknown; tauSlow: unknown }, dt: number, dtName: "dt" | "kernel.dt"): SawtoothGrid {
  const tauFast = check.positive("tauFast", options.tauFast);
  const tauSlow = check.positive("tauSlow", options.tauSlow);
  const count = (tauFast + tauSlow) / dt;
  if (!(count <= MAX_SAMPLES)) {
    const taus = tauFast >= tauSlow ? `tauFast (${tauFast}) and tauSlow (${tauSlow})` : `tauSlow (${tauSlow}) and tauFast (${tauFast})`;
    const lead = dtName === "dt"
      ? `dt (${dt}) gives (tauFast + tauSlow)/dt = ${formatCount(count)} samples per period`
      : `${taus} give ${formatCount(count)} samples per period on the kernel's grid (kernel.dt = ${dt})`;
    throw overLimit(lead, MAX_SAMPLES);
  }
  const n = Math.round(count);
  if (n < 2) throw new RangeError(`${dtName} (${dt}) must be smaller than half the period tauFast + tauSlow (${tauFast + tauSlow})`);
  // The phases' slopes per sample, dt/τ_f and dt/τ_s, must be finite (a denormal τ would give ∞·0 = NaN).
  if (!Number.isFinite(dt / tauFast)) throw new RangeError(`tauFast (${tauFast}) is too short for ${dtName} (${dt}): dt/tauFast overflows`);
  if (!Number.isFinite(dt / tauSlow)) throw new RangeError(`tauSlow (${tauSlow}) is too short for ${dtName} (${dt}): dt/tauSlow overflows`);
  // The first index with t_n = n·dt ≥ τ_f, by the very test `sawtooth` makes (monotone in n); the
  // two loops move a rounded guess by a step or two, never past [0, N].
  let fast = Math.min(n, Math.max(0, Math.round(tauFast / dt)));
  while (fast > 0 && !((fast - 1) * dt < tauFast)) fast--;
  while (fast < n && fast * dt < tauFast) fast++;
  return { tauFast, tauSlow, dt, n, fast };
}

/**
 * The sawtooth s(t_n), t_n = n·dt, n = 0 … N−1 with N = round((τ_f + τ_s)/dt) (endpoint excluded):
 * s = s̄ − A/2 + At/τ_f on [0, τ_f), then s̄ + A/2 − A(t − τ_f)/τ_s (Eq. 5). N ≤ 2^25.
 * @throws TypeError/RangeError naming a bad option (dt for a period of more than 2^25 samples), or
 * amplitude/mean whose samples overflow.
 * @example const s = sawtooth({ tauFast: 1, tauSlow: 9, amplitude: 20, dt: 1e-3 }); // 10⁴ samples
 */
export function sawtooth(options: SawtoothOptions): Float64Array {
  options = check.options("sawtooth", options, ["tauFast", "tauSlow", "amplitude", "mean", "dt"]);
  const { tauFast, tauSlow, dt, n } = sawtoothGrid(options, check.positive("dt", options.dt), "dt");
  const A = check.finite("amplitude", options.amplitude);
  const mean = check.finite("mean", options.mean ?? 0);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i * dt;
    s[i] = t < tauFast ? mean - A / 2 + (A * t) / tauFast : mean + A / 2 - (A * (t - tauFast)) / tauSlow;
    if (!Number.isFinite(s[i])) throw new RangeError(`amplitude (${A}) and mean (${mean}) give a sample s[${i}] = ${s[i]} beyond the f64 range`);
  }
  return s;
}

/** The kernel argument of {@link convolveWrap}: its taps, not a { values, dt } object (the factor dt would be silently lost or gained). */
function convolutionKernel(kernel: unknown): unknown {
  if (typeof kernel === "object" && kernel !== null && !ArrayBuffer.isView(kernel) && "values" in kernel) {
    throw new TypeError("kernel must be a Float64Array of taps; for a sampled kernel { values, dt } pass kernel.values, and { scale: kernel.dt } for u = dt·(K ∗ s)");
  }
  return kernel;
}

/**
 * Circular convolution c[i] = scale · Σ_{j<L} K[j] s[(i − j + shift) mod N] in SIMD wasm, shift 0 for
 * "causal" (default) or ⌊L/2⌋ for "scipy" (= scipy.ndimage.convolve1d(s, K, mode="wrap")). Short
 * kernels use the direct form (O(NL)); long ones (`chooseConvolution`: from about 40 taps at
 * N ≥ 4096) an overlap-save FFT (O(N log L)), exact up to FFT round-off (≈ log₂B·ε·Σ|K|·max|s|).
 * `method` forces either. `kernel` is the taps K[j] (for a {@link SampledKernel}, its `values`, with
 * `scale: dt` for the memory u = dt·K ∗ s of Eq. 3). Limits: N ≤ 2^25, N·L ≤ 2^32 on the direct path,
 * and the FFT path's buffers within the 2 GiB of wasm memory.
 * @throws TypeError/RangeError for a kernel longer than the signal, non-finite samples, a bad option,
 * a size past the limits, or a result that overflows.
 * @example const u = convolveWrap(s, K.values, { scale: K.dt, alignment: "scipy" });
 */
export function convolveWrap(
  signal: Float64Array, kernel: Float64Array,
  options?: { alignment?: Alignment; scale?: number; backend?: Backend; method?: "auto" | "direct" | "fft" },
): Float64Array {
  const o = check.options("convolveWrap", options, ["alignment", "scale", "backend", "method"]);
  const c = convolutionInputs(signal, convolutionKernel(kernel), o);
  const method = check.oneOf("method", o.method ?? "auto", ["auto", "direct", "fft"] as const);
  const backend = check.backend(o.backend);
  const { n, taps } = c;
  if (n > MAX_SAMPLES) throw overLimit(`signal has ${n} samples`, MAX_SAMPLES);
  const out = method === "fft" || (method === "auto" && chooseConvolution(n, taps) === "fft") ? convolveFft(c, backend) : convolveDirect(c, backend);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i])) throw new RangeError(`signal, kernel and scale (${c.scale}) give a non-finite convolution c[${i}] = ${out[i]}: the sum overflows`);
  }
  return out;
}

/** The direct form of {@link convolveWrap} on checked inputs, N·L ≤ 2^32 multiply-adds. */
function convolveDirect(c: ConvolutionInputs, backend: Backend | undefined): Float64Array {
  const { n, taps } = c;
  if (n * taps > MAX_DIRECT_WORK) throw overLimit(`method "direct" with ${n} signal samples and ${taps} kernel taps is ${formatCount(n * taps)} multiply-adds (use method "fft")`, MAX_DIRECT_WORK);
  const { wasm, addresses: [s, ext, k, out] } = scratch([8 * n, 8 * (n + taps), 8 * (taps + 1), 8 * n], "convolution buffers", backend);
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

/** The options {@link weightUpdate} takes. */
const WEIGHT_UPDATE_KEYS = ["kernel", "dt", "tauFast", "tauSlow", "amplitude", "mean", "theta", "alignment", "backend"] as const;

/**
 * Δw over one period of the sawtooth (Eq. 7), the authors' way: sample s on the kernel's grid,
 * c = dt·(K ∗ s) circularly ("scipy" alignment by default, as their code), zero |c| < θ, trapezoid
 * rule with step dt. Limits as {@link weightUpdateCurve}.
 * @throws TypeError/RangeError naming a bad option, or amplitude/mean whose Δw overflows.
 * @example const dw = weightUpdate({ kernel: ecoliKernel({ area: 0 }), tauFast: 1, tauSlow: 9, amplitude: 60, theta: 100 / 9 });
 */
export function weightUpdate(options: WeightUpdateOptions): number {
  const o = check.options("weightUpdate", options, WEIGHT_UPDATE_KEYS);
  const protocol = weightUpdateProtocol(o);
  const amplitude = check.finite("amplitude", o.amplitude);
  return thresholdedUpdates(protocol, [amplitude], "direct", () => "amplitude")[0];
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
 * @throws RangeError when K's sums or r overflow (kernel.values too large).
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
  const view = wasm.f64;
  for (let i = r >> 3, end = (r >> 3) + n; i < end; i++) {
    if (!Number.isFinite(view[i])) throw new RangeError(`kernel.values are too large: the response dt·(K ∗ φ) overflows at sample ${i - (r >> 3)}`);
  }
  return { wasm, r, extra: rest, kernelSum: f64[(p0 >> 3) + taps] };
}

/**
 * The memory's response to the unit sawtooth (Eq. 5 with A = 1, s̄ = 0) on the kernel's grid:
 * r = dt·(K ∗ φ), circular, N = round((τ_f + τ_s)/dt) values, aligned as `convolveWrap` ("scipy"
 * by default, as the authors' code). The same sum as `convolveWrap(sawtooth(…), K, { scale: dt })`,
 * computed without a convolution in O(N + L) (φ is affine on each phase; see `sawtooth_response`),
 * equal up to rounding (≈ ε·dt·Σ|K|, compensated prefix sums). u = s̄·dt·ΣK + A·r for any s̄, A.
 * N ≤ 2^25.
 * @throws TypeError/RangeError naming a bad option (a kernel longer than one period included, and
 * tauFast/tauSlow for a period of more than 2^25 samples), or a kernel whose response overflows.
 * @example const r = sawtoothResponse({ kernel: ecoliKernel({ area: 0 }), tauFast: 1, tauSlow: 9 });
 */
export function sawtoothResponse(options: { kernel: SampledKernel; tauFast: number; tauSlow: number; alignment?: Alignment; backend?: Backend }): Float64Array {
  const o = check.options("sawtoothResponse", options, ["kernel", "tauFast", "tauSlow", "alignment", "backend"]);
  const { values, grid } = checkKernel(o.kernel, o);
  const alignment = check.oneOf("alignment", o.alignment ?? "scipy", ["causal", "scipy"] as const);
  const { wasm, r } = sawtoothResponseInto(values, grid, alignment, [], check.backend(o.backend));
  return wasm.f64Copy(r, grid.n);
}

/**
 * The checks both sawtooth paths make on a sampled kernel, in one place: a { values, dt } object with
 * dt > 0 and finite samples, at least one and at most one period of the sawtooth (N ≤ 2^25 samples
 * on the kernel's grid). Returns the samples and the grid.
 * @throws TypeError/RangeError naming the kernel, its dt or samples, or τ_f/τ_s.
 */
function checkKernel(kernel: unknown, timing: { tauFast: unknown; tauSlow: unknown }): { values: Float64Array; grid: SawtoothGrid } {
  const { values, dt } = sampledKernel("kernel", kernel);
  const grid = sawtoothGrid(timing, dt, "kernel.dt");
  if (values.length > grid.n) {
    throw new RangeError(`the kernel (${values.length} samples) is longer than one period (${grid.n} samples): tauFast + tauSlow = ${grid.tauFast + grid.tauSlow} on the grid of kernel.dt = ${dt}`);
  }
  return { values, grid };
}

/**
 * A list of numbers as given: a plain array (its entries checked later by the caller) or a typed
 * array of numbers (copied into a Float64Array); TypeError naming it otherwise.
 */
function numberList(name: string, value: unknown): unknown[] | Float64Array {
  if (Array.isArray(value) || value instanceof Float64Array) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) {
    return Float64Array.from(value as unknown as ArrayLike<number>);
  }
  throw new TypeError(`${name} must be an array or typed array of numbers`);
}

/** From this many amplitudes on, `weightUpdateCurve`'s "auto" method uses the crossings. */
const CROSSINGS_FROM = 8;

/** The checked protocol of a weight update: everything but the amplitudes. */
interface WeightUpdateProtocol {
  values: Float64Array;
  grid: SawtoothGrid;
  theta: number;
  mean: number;
  alignment: Alignment;
  backend: Backend | undefined;
}

/** Checks the options {@link weightUpdate} and {@link weightUpdateCurve} share. */
function weightUpdateProtocol(o: Omit<WeightUpdateOptions, "amplitude">): WeightUpdateProtocol {
  const theta = check.nonNegative("theta", o.theta);
  const { values, grid } = checkKernel(o.kernel, o);
  if (o.dt !== undefined) {
    if (typeof o.dt !== "number") throw new TypeError(`dt must be a number, got ${typeof o.dt}`);
    if (!(Math.abs(o.dt - grid.dt) <= 1e-12 * grid.dt)) throw new RangeError(`dt (${o.dt}) must equal the kernel's dt (${grid.dt})`);
  }
  const alignment = check.oneOf("alignment", o.alignment ?? "scipy", ["causal", "scipy"] as const);
  const mean = check.finite("mean", o.mean ?? 0);
  return { values, grid, theta, mean, alignment, backend: check.backend(o.backend) };
}

/**
 * Δw at each amplitude (see {@link weightUpdateCurve}) by the "direct" or "crossings" pass, the
 * amplitudes checked; `name(i)` names amplitude i in an error.
 */
function thresholdedUpdates(p: WeightUpdateProtocol, amplitudes: number[], method: "direct" | "crossings", name: (i: number) => string): Float64Array {
  const { grid: { n, dt }, theta, mean, alignment, backend } = p;
  const m = amplitudes.length;
  if (method === "direct" && n * m > MAX_DIRECT_WORK) throw overLimit(`method "direct" with ${m} amplitudes over ${n} samples is ${formatCount(n * m)} sample passes (use method "crossings")`, MAX_DIRECT_WORK);
  const extra = method === "direct" ? [] : [8 * m, 8 * m, 32 * (m + 1)];
  const { wasm, r, kernelSum, extra: [amps, out, work] } = sawtoothResponseInto(p.values, p.grid, alignment, extra, backend);
  const offset = mean * dt * kernelSum; // u = s̄·dt·ΣK + A·r (linearity)
  if (!Number.isFinite(offset)) throw new RangeError(`mean (${mean}) times the kernel's area overflows`);
  let dw: Float64Array;
  if (method === "direct") {
    const e = wasm.exports;
    dw = Float64Array.from(amplitudes, (A) => e.threshold_trapezoid(r, n, offset, A, theta, dt));
  } else {
    // Sorted amplitudes (ties keep their order), the curve on them, then back to the caller's order.
    const order = Array.from(amplitudes, (_, i) => i).sort((i, j) => amplitudes[i] - amplitudes[j] || i - j);
    const f64 = wasm.f64;
    order.forEach((i, k) => { f64[(amps >> 3) + k] = amplitudes[i]; });
    wasm.exports.threshold_curve(out, r, n, offset, amps, m, theta, dt, work);
    const sorted = wasm.f64View(out, m);
    dw = new Float64Array(m);
    order.forEach((i, k) => { dw[i] = sorted[k]; });
  }
  dw.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`${name(i)} (${amplitudes[i]}) with mean ${mean} gives a non-finite Δw = ${v}: the memory u = s̄·dt·ΣK + A·r overflows`);
  });
  return dw;
}

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
 * inputs alone (same bits in both builds, any worker count). Alignment "scipy" by default (the
 * authors' code). Limits: N = round((τ_f + τ_s)/kernel.dt) ≤ 2^25, at most 2^20 amplitudes, and
 * N·m ≤ 2^32 for "direct".
 * @throws TypeError/RangeError naming a bad option (tauFast/tauSlow for a period of too many samples),
 * or an amplitude whose Δw overflows.
 * @example const dw = weightUpdateCurve({ kernel: ecoliKernel({ area: 0 }), tauFast: 1, tauSlow: 9, theta: 100 / 9, amplitudes: [20, 60] });
 */
export function weightUpdateCurve(options: Omit<WeightUpdateOptions, "amplitude"> & { amplitudes: ArrayLike<number>; method?: "auto" | "direct" | "crossings" }): Float64Array {
  const o = check.options("weightUpdateCurve", options, ["kernel", "dt", "tauFast", "tauSlow", "amplitudes", "mean", "theta", "alignment", "backend", "method"]);
  const protocol = weightUpdateProtocol(o);
  const list = numberList("amplitudes", o.amplitudes);
  if (list.length === 0) throw new RangeError("amplitudes must not be empty");
  if (list.length > MAX_AMPLITUDES) throw overLimit(`amplitudes has ${list.length} entries`, MAX_AMPLITUDES);
  const method = check.oneOf("method", o.method ?? "auto", ["auto", "direct", "crossings"] as const);
  const amplitudes = Array.from(list as ArrayLike<unknown>, (A, i) => check.finite(`amplitudes[${i}]`, A));
  const pass = method === "direct" || (method === "auto" && amplitudes.length < CROSSINGS_FROM) ? "direct" : "crossings";
  return thresholdedUpdates(protocol, amplitudes, pass, (i) => `amplitudes[${i}]`);
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
 * The points of a fit, checked and copied: `xName` and `yName` (the caller's names) are arrays or
 * Float64Arrays of the same length, 6 … 2^12 finite numbers, x strictly increasing, and Σx², Σy²
 * finite (the normal equations' sums).
 */
function fitPoints(xIn: unknown, yIn: unknown, xName: string, yName: string): { x: Float64Array; y: Float64Array } {
  const x = numberList(xName, xIn), y = numberList(yName, yIn);
  const n = x.length;
  if (y.length !== n) throw new RangeError(`${yName} has ${y.length} values, ${xName} has ${n}`);
  if (n < 6) throw new RangeError(`${xName}: a three-segment fit needs at least 6 points, got ${n}`);
  if (n > MAX_FIT_POINTS) throw overLimit(`${xName} has ${n} points (the fit tries O(n²) breakpoint pairs)`, MAX_FIT_POINTS);
  const xs = check.vector(xName, x, n), ys = check.vector(yName, y, n);
  let sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && !(xs[i] > xs[i - 1])) throw new RangeError(`${xName} must be strictly increasing (${xName}[${i}] = ${xs[i]} after ${xs[i - 1]})`);
    sxx += xs[i] * xs[i];
    syy += ys[i] * ys[i];
  }
  if (!Number.isFinite(sxx)) throw new RangeError(`${xName} values are too large: their squares overflow`);
  if (!Number.isFinite(syy)) throw new RangeError(`${yName} values are too large: their squares overflow`);
  return { x: xs, y: ys };
}

/**
 * Exact, deterministic three-segment fit: every pair of breakpoints b₁ < b₂ among the data x values
 * (at least two points per segment) is tried, with the model y = α + β₁x + β₂(x − b₁)₊ + β₃(x − b₂)₊
 * solved by least squares. Suffix sums make each pair's normal equations O(1), so n points cost O(n²)
 * (6 ≤ n ≤ 2^12: 3–5 s at 4096 points).
 * (The authors used pwlf's stochastic optimiser; this search is exhaustive over data breakpoints.)
 * @param x increasing abscissae; @param y values (arrays or Float64Arrays of finite numbers).
 * @throws TypeError/RangeError naming x or y (too few or many points, unsorted, non-finite, overflowing).
 */
export function piecewiseLinearFit3(x: ArrayLike<number>, y: ArrayLike<number>): PiecewiseFit {
  return fitThreeSegments(x, y, "x", "y");
}

/** {@link piecewiseLinearFit3} with the caller's names for x and y in its errors. */
function fitThreeSegments(xIn: unknown, yIn: unknown, xName: string, yName: string): PiecewiseFit {
  const { x, y } = fitPoints(xIn, yIn, xName, yName);
  const n = x.length;
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
  if (!best) throw new RangeError(`${xName}: the fit is singular for every breakpoint pair`);
  best.sse = Math.max(0, best.sse); // Σy² − zᵀr can round a few ulps below 0 for an exact fit
  if (![...best.slopes, best.rightIntercept, best.sse].every(Number.isFinite)) {
    throw new RangeError(`${xName} and ${yName} give a non-finite fit (values too large or too close together)`);
  }
  return best;
}

/**
 * Offset and dynamic range of a weight-update curve (Appendix E): normalise (A/A_max, Δw/A_max),
 * fit three segments; offset = the rightmost segment's intercept (in units of A_max); if its slope is
 * in (0.75, 1.25), A_min = its left breakpoint, else A_min = A_max; dynamic range A_max/A_min.
 * @param amplitudes the curve's amplitudes A ≥ 0, strictly increasing (6 … 2^12 of them), as the
 * paper's linspace(0, 0.75·A_max, …); @param dw Δw at each; @param aMax A_max > 0.
 * @throws TypeError/RangeError naming amplitudes, dw or aMax.
 * @example const { offset, dynamicRange } = curveMetrics(amplitudes, weightUpdateCurve({ …, amplitudes }), 100);
 */
export function curveMetrics(amplitudes: ArrayLike<number>, dw: ArrayLike<number>, aMax: number): { offset: number; dynamicRange: number; fit: PiecewiseFit } {
  const scale = check.positive("aMax", aMax);
  // Checked (types, lengths, finiteness) under the caller's names before scaling.
  const points = fitPoints(amplitudes, dw, "amplitudes", "dw");
  points.x.forEach((a, i) => { if (a < 0) throw new RangeError(`amplitudes[${i}] must be ≥ 0 (A_min is an amplitude), got ${a}`); });
  const x = points.x.map((a) => a / scale), y = points.y.map((v) => v / scale);
  if (!x.every(Number.isFinite) || !y.every(Number.isFinite)) throw new RangeError(`aMax (${aMax}) is too small: amplitudes/aMax or dw/aMax overflows`);
  const fit = fitThreeSegments(x, y, "amplitudes/aMax", "dw/aMax");
  const slope = fit.slopes[2];
  // The left breakpoint is a data amplitude past the first three (two points per segment), so > 0.
  const aMin = slope > 0.75 && slope < 1.25 ? fit.breakpoints[1] : 1;
  const dynamicRange = 1 / aMin;
  if (!Number.isFinite(dynamicRange)) throw new RangeError(`amplitudes: A_min/aMax = ${aMin} is too small for a finite dynamic range`);
  return { offset: fit.rightIntercept, dynamicRange, fit };
}
