/**
 * The weight-update curve's metrics (Falk et al., Nat. Commun. 16 (2025), Appendix E): an exact
 * three-segment piecewise-linear least-squares fit, and the offset and dynamic range read off it.
 */
import * as check from "../core/validate.js";
import { overLimit } from "../kernels/limits.js";
import { MAX_FIT_POINTS, numberList } from "./limits.js";

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
    if (p !== c)
      for (let j = 0; j < 5; j++) {
        const t = m[c * 5 + j];
        m[c * 5 + j] = m[p * 5 + j];
        m[p * 5 + j] = t;
      }
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
  const x = numberList(xName, xIn),
    y = numberList(yName, yIn);
  const n = x.length;
  if (y.length !== n) throw new RangeError(`${yName} has ${y.length} values, ${xName} has ${n}`);
  if (n < 6) throw new RangeError(`${xName}: a three-segment fit needs at least 6 points, got ${n}`);
  if (n > MAX_FIT_POINTS)
    throw overLimit(`${xName} has ${n} points (the fit tries O(n²) breakpoint pairs)`, MAX_FIT_POINTS);
  const xs = check.vector(xName, x, n),
    ys = check.vector(yName, y, n);
  let sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && !(xs[i] > xs[i - 1]))
      throw new RangeError(`${xName} must be strictly increasing (${xName}[${i}] = ${xs[i]} after ${xs[i - 1]})`);
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
 * @example
 * ```ts
 * import { piecewiseLinearFit3 } from "thermolearn";
 * const x = Array.from({ length: 30 }, (_, i) => i);
 * const y = x.map((v) => (v < 10 ? 0 : v < 20 ? 2 * (v - 10) : 20 + (v - 20)));
 * const fit = piecewiseLinearFit3(x, y);
 * console.log(fit.rightIntercept); // ≈ 0: the last segment is y = x
 * ```
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
  const S1 = suffix(() => 1),
    Sx = suffix((i) => x[i]),
    Sxx = suffix((i) => x[i] * x[i]);
  const Sy = suffix((i) => y[i]),
    Sxy = suffix((i) => x[i] * y[i]),
    Syy = suffix((i) => y[i] * y[i]);
  // Σ_{i ≥ k} (x − a)(x − b) and Σ_{i ≥ k} (x − a)y over a suffix.
  const hinge2 = (k: number, a: number, b: number) => Sxx[k] - (a + b) * Sx[k] + a * b * S1[k];
  const hingeY = (k: number, a: number) => Sxy[k] - a * Sy[k];
  // A breakpoint at data point k − 1 (b = x[k−1]) puts its hinge (x − b)₊ on indices k … n−1. Its
  // terms of the normal equations depend on k alone, so they are tabulated once (O(n)) for either
  // role; only the cross term Σ (x − b₁)(x − b₂) over the second hinge depends on the pair.
  const hinge = (f: (k: number, b: number) => number) =>
    Float64Array.from({ length: n }, (_, k) => (k > 0 ? f(k, x[k - 1]) : 0));
  const H = hinge((k, b) => Sx[k] - b * S1[k]); // Σ (x − b)
  const H0 = hinge((k, b) => hinge2(k, 0, b)); // Σ x(x − b)
  const HH = hinge((k, b) => hinge2(k, b, b)); // Σ (x − b)²
  const HY = hinge((k, b) => hingeY(k, b)); // Σ (x − b)y
  const s1 = S1[0],
    sx = Sx[0],
    sxx = Sxx[0],
    r0 = Sy[0],
    r1 = Sxy[0];
  let best: PiecewiseFit | null = null;
  const m = new Float64Array(20),
    z = new Float64Array(4);
  for (let k1 = 2; k1 <= n - 4; k1++) {
    const b1 = x[k1 - 1],
      h1 = H[k1],
      g1 = H0[k1],
      gg1 = HH[k1],
      r2 = HY[k1];
    for (let k2 = k1 + 2; k2 <= n - 2; k2++) {
      // Breakpoints at data points k1 − 1 and k2 − 1. The normal equations, row-major with the
      // right-hand side as column 4 (solve4 overwrites them, so every entry is written per pair).
      const b2 = x[k2 - 1],
        h2 = H[k2],
        g2 = H0[k2],
        r3 = HY[k2],
        cross = hinge2(k2, b1, b2);
      m[0] = s1;
      m[1] = m[5] = sx;
      m[2] = m[10] = h1;
      m[3] = m[15] = h2;
      m[4] = r0;
      m[6] = sxx;
      m[7] = m[11] = g1;
      m[8] = m[16] = g2;
      m[9] = r1;
      m[12] = gg1;
      m[13] = m[17] = cross;
      m[14] = r2;
      m[18] = HH[k2];
      m[19] = r3;
      if (!solve4(m, z)) continue;
      // SSE = Σy² − zᵀr for the least-squares solution.
      const sse = Syy[0] - (z[0] * r0 + z[1] * r1 + z[2] * r2 + z[3] * r3);
      if (!best || sse < best.sse) {
        const [alpha, slope1, d2, d3] = z;
        best = {
          breakpoints: [b1, b2],
          slopes: [slope1, slope1 + d2, slope1 + d2 + d3],
          rightIntercept: alpha - d2 * b1 - d3 * b2,
          sse,
        };
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
 * @example
 * ```ts
 * import { curveMetrics } from "thermolearn";
 * const amplitudes = Array.from({ length: 40 }, (_, i) => (75 * i) / 39);
 * const dw = amplitudes.map((a) => (a < 20 ? 0 : a - 10)); // dead zone, then slope 1 with offset −10
 * console.log(curveMetrics(amplitudes, dw, 100)); // offset ≈ −0.095 (units of A_max), dynamicRange ≈ 4.3
 * ```
 */
export function curveMetrics(
  amplitudes: ArrayLike<number>,
  dw: ArrayLike<number>,
  aMax: number,
): {
  /** Intercept of the rightmost fitted segment, units of A_max. */
  offset: number;
  /** A_max/A_min (1 when the rightmost slope is outside (0.75, 1.25)). */
  dynamicRange: number;
  /** The three-segment fit itself. */
  fit: PiecewiseFit;
} {
  const scale = check.positive("aMax", aMax);
  // Checked (types, lengths, finiteness) under the caller's names before scaling.
  const points = fitPoints(amplitudes, dw, "amplitudes", "dw");
  points.x.forEach((a, i) => {
    if (a < 0) throw new RangeError(`amplitudes[${i}] must be ≥ 0 (A_min is an amplitude), got ${a}`);
  });
  const x = points.x.map((a) => a / scale),
    y = points.y.map((v) => v / scale);
  if (!x.every(Number.isFinite) || !y.every(Number.isFinite))
    throw new RangeError(`aMax (${aMax}) is too small: amplitudes/aMax or dw/aMax overflows`);
  const fit = fitThreeSegments(x, y, "amplitudes/aMax", "dw/aMax");
  const slope = fit.slopes[2];
  // The left breakpoint is a data amplitude past the first three (two points per segment), so > 0.
  const aMin = slope > 0.75 && slope < 1.25 ? fit.breakpoints[1] : 1;
  const dynamicRange = 1 / aMin;
  if (!Number.isFinite(dynamicRange))
    throw new RangeError(`amplitudes: A_min/aMax = ${aMin} is too small for a finite dynamic range`);
  return { offset: fit.rightIntercept, dynamicRange, fit };
}

/**
 * Appendix G.3's reading of a ladder kernel's Δw(A) curve (the rule of Fig. 6B): A_min is the first
 * amplitude whose normalised response Δw/A_max exceeds 0.05, and the offset is the intercept of the
 * least-squares line through (A, Δw) for A ≥ A_min. `first` is −1 when no amplitude passes; `offset` is
 * null when fewer than two amplitudes lie at or past A_min.
 * @example
 * ```ts
 * import { appendixG3Offset } from "thermolearn";
 * const amplitudes = [0, 10, 20, 30, 40, 50];
 * const dw = amplitudes.map((a) => (a < 15 ? 0 : a - 5));
 * console.log(appendixG3Offset(amplitudes, dw, 50)); // { first: 2, offset: −5 }
 * ```
 */
export function appendixG3Offset(
  amplitudes: ArrayLike<number>,
  dw: ArrayLike<number>,
  aMax: number,
): {
  /** Index of the first amplitude with Δw/A_max > 0.05, or −1. */
  first: number;
  /** Intercept of the least-squares line through (A, Δw) for A ≥ A_min (Δw units), or null. */
  offset: number | null;
} {
  let first = -1;
  for (let i = 0; i < amplitudes.length && first < 0; i++) if (dw[i] / aMax > 0.05) first = i;
  if (first < 0 || amplitudes.length - first < 2) return { first, offset: null };
  let n = 0,
    sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let i = first; i < amplitudes.length; i++) {
    n++;
    sx += amplitudes[i];
    sy += dw[i];
    sxx += amplitudes[i] ** 2;
    sxy += amplitudes[i] * dw[i];
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return { first, offset: (sy - slope * sx) / n };
}
