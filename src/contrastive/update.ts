/**
 * The single-synapse contrastive rule of Falk, Strupp, Scellier & Murugan, Nat. Commun. 16 (2025)
 * (shared/spec/MODELS.md §3): the sawtooth protocol (Eq. 5), the memory u = dt·K ∗ s (Eq. 3), the
 * threshold g_θ (Eq. 6) and the weight update over one period Δw = ∫ g_θ(u) dt (Eq. 7), computed as
 * the authors' code does, for one amplitude or a whole curve of them.
 */
import { scratch } from "../core/scratch.js";
import type { Backend } from "../core/loader.js";
import type { WasmInstance } from "../core/instance.js";
import * as check from "../core/validate.js";
import { MAX_SAMPLES, formatCount, overLimit } from "../kernels/limits.js";
import { sampledKernel, type SampledKernel } from "../kernels/sampled.js";
import type { Alignment } from "./convolution.js";
import { MAX_AMPLITUDES, MAX_DIRECT_WORK, numberList } from "./limits.js";

/** Options of the sawtooth protocol (Eq. 5). */
export interface SawtoothOptions {
  /** Duration τ_f > 0 of the fast (rising) ramp, time units. */
  tauFast: number;
  /** Duration τ_s > 0 of the slow (falling) ramp, time units. */
  tauSlow: number;
  /** Amplitude A (signal units, µM for the ladder): s spans [s̄ − A/2, s̄ + A/2]. */
  amplitude: number;
  /** Mean signal s̄. Default 0. */
  mean?: number;
  /** Sampling step dt > 0; N = round((τ_f + τ_s)/dt) ≤ 2²⁵ samples. */
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
function sawtoothGrid(
  options: { tauFast: unknown; tauSlow: unknown },
  dt: number,
  dtName: "dt" | "kernel.dt",
): SawtoothGrid {
  const tauFast = check.positive("tauFast", options.tauFast);
  const tauSlow = check.positive("tauSlow", options.tauSlow);
  const count = (tauFast + tauSlow) / dt;
  if (!(count <= MAX_SAMPLES)) {
    const taus =
      tauFast >= tauSlow
        ? `tauFast (${tauFast}) and tauSlow (${tauSlow})`
        : `tauSlow (${tauSlow}) and tauFast (${tauFast})`;
    const lead =
      dtName === "dt"
        ? `dt (${dt}) gives (tauFast + tauSlow)/dt = ${formatCount(count)} samples per period`
        : `${taus} give ${formatCount(count)} samples per period on the kernel's grid (kernel.dt = ${dt})`;
    throw overLimit(lead, MAX_SAMPLES);
  }
  const n = Math.round(count);
  if (n < 2)
    throw new RangeError(
      `${dtName} (${dt}) must be smaller than half the period tauFast + tauSlow (${tauFast + tauSlow})`,
    );
  // The phases' slopes per sample, dt/τ_f and dt/τ_s, must be finite (a denormal τ would give ∞·0 = NaN).
  if (!Number.isFinite(dt / tauFast))
    throw new RangeError(`tauFast (${tauFast}) is too short for ${dtName} (${dt}): dt/tauFast overflows`);
  if (!Number.isFinite(dt / tauSlow))
    throw new RangeError(`tauSlow (${tauSlow}) is too short for ${dtName} (${dt}): dt/tauSlow overflows`);
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
 * @example
 * ```ts
 * import { sawtooth } from "thermolearn";
 * const s = sawtooth({ tauFast: 1, tauSlow: 9, amplitude: 20, dt: 1e-3 });
 * console.log(s.length, s[0], s[1000]); // 10000 samples, −10 (s̄ − A/2), 10 (s̄ + A/2 at t = τ_f)
 * ```
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
    if (!Number.isFinite(s[i]))
      throw new RangeError(`amplitude (${A}) and mean (${mean}) give a sample s[${i}] = ${s[i]} beyond the f64 range`);
  }
  return s;
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
  /** Force the "simd" or "scalar" build (same results). */
  backend?: Backend;
}

/** The options {@link weightUpdate} takes. */
const WEIGHT_UPDATE_KEYS = [
  "kernel",
  "dt",
  "tauFast",
  "tauSlow",
  "amplitude",
  "mean",
  "theta",
  "alignment",
  "backend",
] as const;

/**
 * Δw over one period of the sawtooth (Eq. 7), the authors' way: sample s on the kernel's grid,
 * c = dt·(K ∗ s) circularly ("scipy" alignment by default, as their code), zero |c| < θ, trapezoid
 * rule with step dt. Limits as {@link weightUpdateCurve}.
 * @throws TypeError/RangeError naming a bad option, or amplitude/mean whose Δw overflows.
 * @example
 * ```ts
 * import { ecoliKernel, weightUpdate } from "thermolearn";
 * const kernel = ecoliKernel({ area: 0, dt: 1e-3 });
 * const dw = weightUpdate({ kernel, tauFast: 1, tauSlow: 9, amplitude: 60, theta: 100 / 9 });
 * console.log(dw); // Δw ≈ 57.4 over one period (Eq. 7), against the ideal Δw = A = 60
 * ```
 */
export function weightUpdate(options: WeightUpdateOptions): number {
  const o = check.options("weightUpdate", options, WEIGHT_UPDATE_KEYS);
  const protocol = weightUpdateProtocol(o);
  const amplitude = check.finite("amplitude", o.amplitude);
  return thresholdedUpdates(protocol, [amplitude], "direct", () => "amplitude")[0];
}

/** Prefix sums Σ_{j′<j} x_j′ for j = 0 … L (Neumaier-compensated), of x_j = K[j] (`moment` 0) or j·K[j] (1). */
function prefixSums(values: Float64Array, moment: 0 | 1, into: Float64Array, at: number): void {
  let sum = 0,
    carry = 0;
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
 * (amplitude 1, mean 0) on the kernel's grid, by assembly/contrastive.ts `contrastive_sawtooth_response`: φ is
 * affine on each phase, so every output is a sum over at most three runs of the kernel, read off
 * prefix sums of K and j·K: O(N + L), no convolution. Returns the scratch instance, the address of
 * r, the `extra` blocks asked for, and ΣK (the compensated prefix sum's last entry).
 * @throws RangeError when K's sums or r overflow (kernel.values too large).
 */
function sawtoothResponseInto(
  kernel: Float64Array,
  grid: SawtoothGrid,
  alignment: Alignment,
  extra: number[],
  backend?: Backend,
): { wasm: WasmInstance; r: number; extra: number[]; kernelSum: number } {
  const { tauFast, tauSlow, dt, n, fast } = grid,
    taps = kernel.length;
  const {
    wasm,
    addresses: [r, p0, p1, ...rest],
  } = scratch([8 * n, 8 * (taps + 1), 8 * (taps + 1), ...extra], "sawtooth-response buffers", backend);
  const f64 = wasm.f64;
  prefixSums(kernel, 0, f64, p0 >> 3);
  prefixSums(kernel, 1, f64, p1 >> 3);
  const shift = alignment === "scipy" ? Math.floor(taps / 2) : 0; // < n, since taps ≤ n
  // φ[m] = −½ + m·dt/τ_f on the fast phase, ½ − (m·dt − τ_f)/τ_s = ½ + τ_f/τ_s − m·dt/τ_s on the slow one.
  wasm.exports.contrastive_sawtooth_response(
    r,
    p0,
    p1,
    taps,
    n,
    fast,
    shift,
    -0.5,
    dt / tauFast,
    0.5 + tauFast / tauSlow,
    -dt / tauSlow,
    dt,
  );
  const view = wasm.f64;
  for (let i = r >> 3, end = (r >> 3) + n; i < end; i++) {
    if (!Number.isFinite(view[i]))
      throw new RangeError(`kernel.values are too large: the response dt·(K ∗ φ) overflows at sample ${i - (r >> 3)}`);
  }
  return { wasm, r, extra: rest, kernelSum: f64[(p0 >> 3) + taps] };
}

/**
 * The memory's response to the unit sawtooth (Eq. 5 with A = 1, s̄ = 0) on the kernel's grid:
 * r = dt·(K ∗ φ), circular, N = round((τ_f + τ_s)/dt) values, aligned as `convolveWrap` ("scipy"
 * by default, as the authors' code). The same sum as `convolveWrap(sawtooth(…), K, { scale: dt })`,
 * computed without a convolution in O(N + L) (φ is affine on each phase; see `contrastive_sawtooth_response`),
 * equal up to rounding (≈ ε·dt·Σ|K|, compensated prefix sums). u = s̄·dt·ΣK + A·r for any s̄, A.
 * N ≤ 2^25.
 * @throws TypeError/RangeError naming a bad option (a kernel longer than one period included, and
 * tauFast/tauSlow for a period of more than 2^25 samples), or a kernel whose response overflows.
 * @example
 * ```ts
 * import { ecoliKernel, sawtoothResponse } from "thermolearn";
 * const r = sawtoothResponse({ kernel: ecoliKernel({ area: 0 }), tauFast: 1, tauSlow: 9 });
 * console.log(r.length); // 100000: one period on the kernel's grid (dt = 10⁻⁴)
 * ```
 */
export function sawtoothResponse(options: {
  kernel: SampledKernel;
  tauFast: number;
  tauSlow: number;
  alignment?: Alignment;
  backend?: Backend;
}): Float64Array {
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
function checkKernel(
  kernel: unknown,
  timing: { tauFast: unknown; tauSlow: unknown },
): { values: Float64Array; grid: SawtoothGrid } {
  const { values, dt } = sampledKernel("kernel", kernel);
  const grid = sawtoothGrid(timing, dt, "kernel.dt");
  if (values.length > grid.n) {
    throw new RangeError(
      `the kernel (${values.length} samples) is longer than one period (${grid.n} samples): tauFast ` +
        `+ tauSlow = ${grid.tauFast + grid.tauSlow} on the grid of kernel.dt = ${dt}`,
    );
  }
  return { values, grid };
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
    if (!(Math.abs(o.dt - grid.dt) <= 1e-12 * grid.dt))
      throw new RangeError(`dt (${o.dt}) must equal the kernel's dt (${grid.dt})`);
  }
  const alignment = check.oneOf("alignment", o.alignment ?? "scipy", ["causal", "scipy"] as const);
  const mean = check.finite("mean", o.mean ?? 0);
  return { values, grid, theta, mean, alignment, backend: check.backend(o.backend) };
}

/**
 * Δw at each amplitude (see {@link weightUpdateCurve}) by the "direct" or "crossings" pass, the
 * amplitudes checked; `name(i)` names amplitude i in an error.
 */
function thresholdedUpdates(
  p: WeightUpdateProtocol,
  amplitudes: number[],
  method: "direct" | "crossings",
  name: (i: number) => string,
): Float64Array {
  const {
    grid: { n, dt },
    theta,
    mean,
    alignment,
    backend,
  } = p;
  const m = amplitudes.length;
  if (method === "direct" && n * m > MAX_DIRECT_WORK)
    throw overLimit(
      `method "direct" with ${m} amplitudes over ${n} samples is ${formatCount(n * m)} sample ` +
        `passes (use method "crossings")`,
      MAX_DIRECT_WORK,
    );
  const extra = method === "direct" ? [] : [8 * m, 8 * m, 32 * (m + 1)];
  const {
    wasm,
    r,
    kernelSum,
    extra: [amps, out, work],
  } = sawtoothResponseInto(p.values, p.grid, alignment, extra, backend);
  const offset = mean * dt * kernelSum; // u = s̄·dt·ΣK + A·r (linearity)
  if (!Number.isFinite(offset)) throw new RangeError(`mean (${mean}) times the kernel's area overflows`);
  let dw: Float64Array;
  if (method === "direct") {
    const e = wasm.exports;
    dw = Float64Array.from(amplitudes, (A) => e.contrastive_threshold_trapezoid(r, n, offset, A, theta, dt));
  } else {
    // Sorted amplitudes (ties keep their order), the curve on them, then back to the caller's order.
    const order = Array.from(amplitudes, (_, i) => i).sort((i, j) => amplitudes[i] - amplitudes[j] || i - j);
    const f64 = wasm.f64;
    order.forEach((i, k) => {
      f64[(amps >> 3) + k] = amplitudes[i];
    });
    wasm.exports.contrastive_threshold_curve(out, r, n, offset, amps, m, theta, dt, work);
    const sorted = wasm.f64View(out, m);
    dw = new Float64Array(m);
    order.forEach((i, k) => {
      dw[i] = sorted[k];
    });
  }
  dw.forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new RangeError(
        `${name(i)} (${amplitudes[i]}) with mean ${mean} gives a non-finite Δw = ${v}: the memory u ` +
          `= s̄·dt·ΣK + A·r overflows`,
      );
  });
  return dw;
}

/**
 * Δw for many amplitudes at once. The signal is s̄ + A·φ(t) with φ the unit sawtooth, so by
 * linearity c = s̄·dt·ΣK + A·r with r = dt·K ∗ φ ({@link sawtoothResponse}, computed once, in
 * O(N + L)). Then either
 * - "direct": one thresholded trapezoid pass over the N samples per amplitude (O(N·m), SIMD), or
 * - "crossings": one pass for all amplitudes (assembly/contrastive.ts `contrastive_threshold_curve`, O(N + m)
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
 * @example
 * ```ts
 * import { ecoliKernel, weightUpdateCurve } from "thermolearn";
 * const kernel = ecoliKernel({ area: 0, dt: 1e-3 });
 * const dw = weightUpdateCurve({ kernel, tauFast: 1, tauSlow: 9, theta: 100 / 9, amplitudes: [20, 60] });
 * console.log(dw); // ≈ [18.1, 57.4]: Δw at A = 20 and A = 60
 * ```
 */
export function weightUpdateCurve(
  options: Omit<WeightUpdateOptions, "amplitude"> & {
    amplitudes: ArrayLike<number>;
    method?: "auto" | "direct" | "crossings";
  },
): Float64Array {
  const o = check.options("weightUpdateCurve", options, [
    "kernel",
    "dt",
    "tauFast",
    "tauSlow",
    "amplitudes",
    "mean",
    "theta",
    "alignment",
    "backend",
    "method",
  ]);
  const protocol = weightUpdateProtocol(o);
  const list = numberList("amplitudes", o.amplitudes);
  if (list.length === 0) throw new RangeError("amplitudes must not be empty");
  if (list.length > MAX_AMPLITUDES) throw overLimit(`amplitudes has ${list.length} entries`, MAX_AMPLITUDES);
  const method = check.oneOf("method", o.method ?? "auto", ["auto", "direct", "crossings"] as const);
  const amplitudes = Array.from(list as ArrayLike<unknown>, (A, i) => check.finite(`amplitudes[${i}]`, A));
  const pass =
    method === "direct" || (method === "auto" && amplitudes.length < CROSSINGS_FROM) ? "direct" : "crossings";
  return thresholdedUpdates(protocol, amplitudes, pass, (i) => `amplitudes[${i}]`);
}
