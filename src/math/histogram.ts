/**
 * Fixed-width histograms of samples (work, heat, entropy production …), as columns ready for a chart
 * or for the fluctuation-theorem estimators of src/langevin/fluctuation.ts.
 */
import * as check from "../core/validate.js";

/** Most bins of one histogram (2²⁴: 128 MiB per Float64Array column). */
export const MAX_BINS = 2 ** 24;

/** Options of {@link histogram}. */
export interface HistogramOptions {
  /** Number of equal-width bins, an integer in [1, 2²⁴]. Default 50. */
  bins?: number;
  /**
   * [lo, hi], finite with lo < hi, in the units of the values. Default: [min, max] of the values (a
   * single repeated value v gets [v − h, v + h], h = max(½, 10⁻⁶|v|)). Values outside are counted in
   * `underflow`/`overflow`, not in a bin.
   */
  range?: readonly [number, number] | Float64Array;
}

/** A histogram as columns; every column has one entry per bin except `edges` (bins + 1). */
export interface Histogram {
  /** Bin edges, bins + 1 of them, increasing, edges[0] = lo and edges[bins] = hi exactly. */
  edges: Float64Array;
  /** Bin centres ½(edges[i] + edges[i + 1]). */
  centres: Float64Array;
  /**
   * Samples per bin. Bin i holds edges[i] ≤ x < edges[i + 1]; the last bin also holds x = hi.
   */
  counts: Float64Array;
  /**
   * counts / (samples · width): a probability density in 1/(units of the values), normalised over ALL
   * samples, so that Σ density · width = the fraction of samples inside the range (1 without
   * under/overflow). 0 everywhere when there are no samples.
   */
  density: Float64Array;
  /** Bin width (hi − lo)/bins, in the units of the values. */
  width: number;
  /** Samples below lo. */
  underflow: number;
  /** Samples above hi. */
  overflow: number;
  /** Number of samples given (in bins + underflow + overflow). */
  samples: number;
}

const HISTOGRAM_KEYS = ["bins", "range"] as const;

/**
 * A Float64Array (or plain number array) of finite values, named in errors, at least `min` long.
 * Float64Arrays are not copied.
 */
export function finiteSamples(name: string, value: unknown, min = 0): Float64Array {
  let out: Float64Array;
  if (value instanceof Float64Array) out = value;
  else if (Array.isArray(value)) {
    out = new Float64Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] !== "number") throw new TypeError(`${name}[${i}] must be a number, got ${typeof value[i]}`);
      out[i] = value[i];
    }
  } else throw new TypeError(`${name} must be a Float64Array or an array of numbers`);
  check.finiteArray(name, out);
  if (out.length < min) throw new RangeError(`${name} must hold at least ${min} samples, got ${out.length}`);
  return out;
}

/** The checked [lo, hi] of a `range` option; RangeError naming `name` unless finite and lo < hi. */
export function checkRange(name: string, value: unknown): [number, number] {
  if (!(value instanceof Float64Array) && !Array.isArray(value)) {
    throw new TypeError(`${name} must be a [lo, hi] pair of numbers`);
  }
  if (value.length !== 2) throw new RangeError(`${name} must be a [lo, hi] pair, got length ${value.length}`);
  const lo = check.finite(`${name}[0]`, value[0]);
  const hi = check.finite(`${name}[1]`, value[1]);
  if (!(hi > lo)) throw new RangeError(`${name} must have lo < hi, got [${lo}, ${hi}]`);
  if (!Number.isFinite(hi - lo)) throw new RangeError(`${name}: hi − lo overflows a double ([${lo}, ${hi}])`);
  return [lo, hi];
}

/** [min, max] of the values, widened around a single repeated value. */
export function dataRange(name: string, values: Float64Array): [number, number] {
  if (values.length === 0) throw new RangeError(`${name} must not be empty (or give range)`);
  let lo = values[0],
    hi = values[0];
  for (let i = 1; i < values.length; i++) {
    const x = values[i];
    if (x < lo) lo = x;
    else if (x > hi) hi = x;
  }
  if (lo === hi) {
    const h = Math.max(0.5, 1e-6 * Math.abs(lo));
    lo -= h;
    hi += h;
  }
  if (!Number.isFinite(hi - lo)) {
    throw new RangeError(`${name}: the spread of the values overflows a double ([${lo}, ${hi}]); give range`);
  }
  return [lo, hi];
}

/**
 * Equal-width bin edges on [lo, hi]; RangeError naming `name` when the bins are too narrow to be
 * told apart in double precision.
 */
export function binEdges(name: string, lo: number, hi: number, bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  const width = (hi - lo) / bins;
  for (let i = 0; i < bins; i++) edges[i] = lo + i * width;
  edges[bins] = hi;
  for (let i = 0; i < bins; i++) {
    if (!(edges[i + 1] > edges[i])) {
      throw new RangeError(`${name} [${lo}, ${hi}] is too narrow for ${bins} bins in double precision`);
    }
  }
  return edges;
}

/**
 * The bin of x among `edges` (bins = edges.length − 1, width the nominal width): −1 below edges[0],
 * `bins` above edges[bins]; consistent with the edges to the last bit (the last bin is closed).
 */
export function binIndex(edges: Float64Array, width: number, x: number): number {
  const bins = edges.length - 1;
  const lo = edges[0];
  if (x < lo) return -1;
  if (x > edges[bins]) return bins;
  let i = Math.floor((x - lo) / width);
  if (i > bins - 1) i = bins - 1;
  if (i < 0) i = 0;
  while (i > 0 && x < edges[i]) i--;
  while (i < bins - 1 && x >= edges[i + 1]) i++;
  return i;
}

/**
 * Histogram of `values` in `bins` equal-width bins (d3-array's `bin` convention: half-open bins, the
 * last one closed).
 * @param values Float64Array (or number array) of finite samples, in any units; may be empty when
 *   `range` is given.
 * @throws TypeError/RangeError naming the option: values not an array or holding NaN/±Infinity, empty
 *   values without `range`, `bins` not an integer in [1, 2²⁴], `range` not finite [lo, hi] with
 *   lo < hi, or bins too narrow to resolve in double precision.
 * @example
 * ```ts
 * import { histogram } from "thermolearn";
 * const h = histogram([0.1, 0.2, 0.25, 0.9], { bins: 2, range: [0, 1] });
 * console.log(h.edges, h.counts); // [0, 0.5, 1], [3, 1]
 * ```
 */
export function histogram(values: Float64Array | readonly number[], options?: HistogramOptions): Histogram {
  const o = check.options("histogram", options, HISTOGRAM_KEYS);
  const bins = check.integer("bins", o.bins ?? 50, 1, MAX_BINS);
  const xs = finiteSamples("values", values);
  const [lo, hi] = o.range === undefined ? dataRange("values", xs) : checkRange("range", o.range);
  return binnedHistogram(xs, lo, hi, bins, o.range === undefined ? "values" : "range");
}

/** {@link histogram} with checked arguments (no option parsing); `name` is the option blamed for narrow bins. */
export function binnedHistogram(xs: Float64Array, lo: number, hi: number, bins: number, name = "range"): Histogram {
  const edges = binEdges(name, lo, hi, bins);
  const width = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  let underflow = 0,
    overflow = 0;
  for (let k = 0; k < xs.length; k++) {
    const i = binIndex(edges, width, xs[k]);
    if (i < 0) underflow++;
    else if (i >= bins) overflow++;
    else counts[i]++;
  }
  const centres = new Float64Array(bins);
  for (let i = 0; i < bins; i++) centres[i] = 0.5 * (edges[i] + edges[i + 1]);
  const density = new Float64Array(bins);
  if (xs.length > 0) {
    const scale = 1 / (xs.length * width);
    if (!Number.isFinite(scale)) throw new RangeError(`${name}: bins of width ${width} are too narrow for a density`);
    for (let i = 0; i < bins; i++) density[i] = counts[i] * scale;
  }
  return { edges, centres, counts, density, width, underflow, overflow, samples: xs.length };
}
