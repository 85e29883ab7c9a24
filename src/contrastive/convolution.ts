/**
 * Circular convolution c[i] = scale · Σ_{j<L} K[j] s[(i − j + shift) mod N] (Falk et al., Nat.
 * Commun. 16 (2025), Eq. 3), two ways: the direct sum (assembly/contrastive.ts `conv_direct_f64`, O(NL))
 * and overlap-save with radix-2 FFT blocks (assembly/fft.ts `conv_fft_f64`, O(N log L)), equal up to
 * round-off. {@link chooseConvolution} says which is faster for a given size; `convolveWrap` picks it.
 */
import { scratch, scratchInstance } from "../core/scratch.js";
import type { Backend } from "../core/loader.js";
import { formatBytes, type WasmInstance } from "../core/instance.js";
import { MAX_MEMORY_BYTES } from "../core/abi.js";
import * as check from "../core/validate.js";
import { MAX_SAMPLES, formatCount, overLimit } from "../kernels/limits.js";
import { MAX_DIRECT_WORK } from "./limits.js";

/** Alignment of the circular convolution: "causal" c[i] = Σ_j K[j] s[i−j], or SciPy's centred "scipy" (shift ⌊L/2⌋). */
export type Alignment = "causal" | "scipy";

/** A circular convolution's checked inputs (both paths take these). */
export interface ConvolutionInputs {
  signal: Float64Array;
  kernel: Float64Array;
  n: number;
  taps: number;
  /** 0 for "causal", ⌊L/2⌋ for "scipy"; < n, since taps ≤ n. */
  shift: number;
  scale: number;
}

/**
 * Validates a circular convolution's inputs once, for both paths.
 * @throws TypeError/RangeError for non-arrays, non-finite samples, empty inputs, a kernel longer
 * than the signal, or a bad alignment/scale.
 */
export function convolutionInputs(
  signal: unknown,
  kernel: unknown,
  options: { alignment?: unknown; scale?: unknown },
): ConvolutionInputs {
  const s = check.finiteArray("signal", signal),
    k = check.finiteArray("kernel", kernel);
  const n = s.length,
    taps = k.length;
  if (n === 0 || taps === 0) throw new RangeError("signal and kernel must not be empty");
  if (taps > n) throw new RangeError(`kernel has ${taps} taps, longer than the signal (${n} samples)`);
  const alignment = check.oneOf("alignment", options.alignment ?? "causal", ["causal", "scipy"] as const);
  const scale = check.finite("scale", options.scale ?? 1);
  return { signal: s, kernel: k, n, taps, shift: alignment === "scipy" ? Math.floor(taps / 2) : 0, scale };
}

/**
 * Relative cost of overlap-save with blocks of 2^logb points: one FFT for the kernel, then two
 * FFTs (forward and inverse) per pair of blocks, each ∝ B·(log2 B + 1) (butterflies plus the
 * linear passes: fill, spectrum product, copy-out).
 */
function overlapSaveCost(n: number, taps: number, logb: number): number {
  const b = 2 ** logb,
    step = b - taps + 1;
  const pairs = Math.ceil(Math.ceil(n / step) / 2);
  return (1 + 2 * pairs) * b * (logb + 1);
}

/** The block size (log2) of least {@link overlapSaveCost}, from the smallest B ≥ L up to one block for everything. */
export function fftBlockLog2(n: number, taps: number): number {
  const lo = Math.ceil(Math.log2(taps)),
    hi = Math.max(lo, Math.ceil(Math.log2(n + taps - 1)));
  let best = lo;
  for (let logb = lo + 1; logb <= hi; logb++)
    if (overlapSaveCost(n, taps, logb) < overlapSaveCost(n, taps, best)) best = logb;
  return best;
}

// Twiddle tables, computed once per instance and block size (bump-allocated, kept for the
// instance's life: at most 2× the largest table).
const twiddles = new WeakMap<WasmInstance, Map<number, number>>();

function twiddleTable(wasm: WasmInstance, logb: number): number {
  let tables = twiddles.get(wasm);
  if (!tables) twiddles.set(wasm, (tables = new Map()));
  let tw = tables.get(logb);
  if (tw === undefined) {
    tw = wasm.alloc(Math.max(32, 32 * (2 ** logb - 1)), "FFT twiddles");
    wasm.exports.fft_twiddles_f64(tw, logb);
    tables.set(logb, tw);
  }
  return tw;
}

/**
 * Circular convolution c[i] = scale · Σ_{j<L} K[j] s[(i − j + shift) mod N] by FFT (overlap-save,
 * radix-2, f64) on checked inputs (see {@link convolutionInputs}): the direct sum up to FFT
 * round-off, |error| ≲ c·log2(B)·ε·Σ|K|·max|s| (B the block size).
 */
export function convolveFft(c: ConvolutionInputs, backend?: Backend): Float64Array {
  const { n, taps } = c;
  const logb = fftBlockLog2(n, taps);
  // Checked before anything is allocated: the buffers below plus the twiddle table (32·B bytes).
  const bytes = 8 * n + 8 * (n + taps) + 8 * taps + 8 * n + 64 * 2 ** logb;
  if (bytes > MAX_MEMORY_BYTES) {
    throw new RangeError(
      `signal (${n} samples) and kernel (${taps} taps) need ${formatBytes(bytes)} of wasm memory on ` +
        `the FFT path, more than the ${formatBytes(MAX_MEMORY_BYTES)} it can address`,
    );
  }
  // The twiddle table first (cached per block size; it may allocate), then the per-call buffers.
  const wasm = scratchInstance(backend);
  const tw = twiddleTable(wasm, logb);
  const {
    addresses: [s, ext, k, out, work],
  } = scratch([8 * n, 8 * (n + taps), 8 * taps, 8 * n, 32 * 2 ** logb], "FFT convolution buffers", backend);
  wasm.f64.set(c.signal, s >> 3);
  wasm.f64.set(c.kernel, k >> 3);
  const e = wasm.exports;
  e.extend_periodic_f64(ext, s, n, taps, c.shift);
  e.conv_fft_f64(out, ext, n, k, taps, c.scale, logb, tw, work);
  return wasm.f64Copy(out, n);
}

/**
 * Which path is faster for a signal of n samples and a kernel of `taps` taps: "direct" (O(nL)) or
 * "fft" (O(n log L)); both give the same result up to round-off.
 *
 * Measured crossover (`convolveWrap` with method "direct" vs "fft", whole calls, SIMD build, medians;
 * Node 20, 2-core Intel Xeon VM, noisy to ±20 %): the FFT path wins from L ≈ 32–40 at n = 10⁴ and
 * 10⁵, L ≈ 56 at n = 1000, L ≈ 80–96 at n = 512, L ≈ 96–128 at n = 256, and not below L = 128 at
 * n = 128. At n = 10⁴, L = 1000 it is ≈ 10× faster (0.47 ms vs 4.5 ms), at n = 10⁵ ≈ 13× (2.6 ms
 * vs 34 ms).
 */
export function chooseConvolution(n: number, taps: number): "direct" | "fft" {
  const threshold = n >= 4096 ? 40 : n >= 1000 ? 64 : n >= 256 ? 112 : Infinity;
  return taps >= threshold ? "fft" : "direct";
}

/**
 * The kernel argument of {@link convolveWrap}: its taps, not a { values, dt } object (the factor dt would be silently
 * lost or gained).
 */
function convolutionKernel(kernel: unknown): unknown {
  if (typeof kernel === "object" && kernel !== null && !ArrayBuffer.isView(kernel) && "values" in kernel) {
    throw new TypeError(
      "kernel must be a Float64Array of taps; for a sampled kernel { values, dt } pass " +
        "kernel.values, and { scale: kernel.dt } for u = dt·(K ∗ s)",
    );
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
 * @example
 * ```ts
 * import { convolveWrap, ecoliKernel, sawtooth } from "thermolearn";
 * const K = ecoliKernel({ area: 0 }); // a SampledKernel: pass its `values`, and dt as `scale`
 * const s = sawtooth({ tauFast: 1, tauSlow: 9, amplitude: 20, dt: K.dt });
 * const u = convolveWrap(s, K.values, { scale: K.dt, alignment: "scipy" }); // the memory u = dt·K ∗ s
 * console.log(u.length); // 100000, one value per sample of s
 * ```
 */
export function convolveWrap(
  signal: Float64Array,
  kernel: Float64Array,
  options?: { alignment?: Alignment; scale?: number; backend?: Backend; method?: "auto" | "direct" | "fft" },
): Float64Array {
  const o = check.options("convolveWrap", options, ["alignment", "scale", "backend", "method"]);
  const c = convolutionInputs(signal, convolutionKernel(kernel), o);
  const method = check.oneOf("method", o.method ?? "auto", ["auto", "direct", "fft"] as const);
  const backend = check.backend(o.backend);
  const { n, taps } = c;
  if (n > MAX_SAMPLES) throw overLimit(`signal has ${n} samples`, MAX_SAMPLES);
  const out =
    method === "fft" || (method === "auto" && chooseConvolution(n, taps) === "fft")
      ? convolveFft(c, backend)
      : convolveDirect(c, backend);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i]))
      throw new RangeError(
        `signal, kernel and scale (${c.scale}) give a non-finite convolution c[${i}] = ${out[i]}: the sum overflows`,
      );
  }
  return out;
}

/** The direct form of {@link convolveWrap} on checked inputs, N·L ≤ 2^32 multiply-adds. */
function convolveDirect(c: ConvolutionInputs, backend: Backend | undefined): Float64Array {
  const { n, taps } = c;
  if (n * taps > MAX_DIRECT_WORK)
    throw overLimit(
      `method "direct" with ${n} signal samples and ${taps} kernel taps is ${formatCount(n * taps)} ` +
        `multiply-adds (use method "fft")`,
      MAX_DIRECT_WORK,
    );
  const {
    wasm,
    addresses: [s, ext, k, out],
  } = scratch([8 * n, 8 * (n + taps), 8 * (taps + 1), 8 * n], "convolution buffers", backend);
  wasm.f64.set(c.signal, s >> 3);
  wasm.f64.set(c.kernel, k >> 3);
  const e = wasm.exports;
  e.extend_periodic_f64(ext, s, n, taps, c.shift);
  e.conv_direct_f64(out, ext, n, k, taps, c.scale);
  return wasm.f64Copy(out, n);
}
