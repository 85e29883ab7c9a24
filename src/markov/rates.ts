/**
 * Rate matrices of continuous-time Markov chains and the checks on them and on probability vectors.
 *
 * Conventions: a chain of n states obeys the master equation dp/dt = M p with M[i, j] = rate j → i
 * (i ≠ j) and M[j, j] = −Σ_{i≠j} M[i, j] (columns sum to zero). Matrices are n × n, row-major
 * (M[i·n + j]) in a Float64Array, or an array of n rows. Rates and time share one (arbitrary) unit;
 * entropy is in nats per time unit (k_B = 1).
 */
import * as check from "../core/validate.js";

/**
 * A rate matrix: n × n row-major (M[i·n + j] = rate j → i) in a Float64Array or a flat array, or n rows of n numbers.
 */
export type RateMatrix = Float64Array | readonly number[] | readonly (readonly number[])[];

/**
 * Columns of a rate matrix must sum to zero within this relative tolerance: |Σ_i M[i, j]| ≤
 * 1e-10 · max(1, Σ_{i≠j} M[i, j]). A diagonal computed as −Σ of ≤ 10⁴ off-diagonal terms is off by
 * at most ~10⁴ · 2⁻⁵³ ≈ 1e-12 relative, so 1e-10 accepts every correctly built matrix and rejects
 * any real mistake (a missing or extra rate changes the sum by that rate).
 */
const COLUMN_SUM_RTOL = 1e-10;

/**
 * Validates a rate matrix and returns it as a row-major copy. Off-diagonal entries must be finite and
 * ≥ 0, diagonals finite, and columns sum to zero within COLUMN_SUM_RTOL (1e-10 relative).
 * @throws TypeError for a wrong shape or type, RangeError for a bad entry, naming `name`.
 * @example
 * ```ts
 * import { checkRateMatrix } from "thermolearn";
 * const { n, matrix } = checkRateMatrix("rates", [[-1, 2], [1, -2]]);
 * console.log(n, matrix); // 2, [−1, 2, 1, −2]: columns sum to 0
 * ```
 */
export function checkRateMatrix(
  name: string,
  value: unknown,
): {
  /** States n. */
  n: number;
  /** The n × n rate matrix, row-major (a copy). */
  matrix: Float64Array;
} {
  let n: number, m: Float64Array;
  if (value instanceof Float64Array) {
    n = Math.round(Math.sqrt(value.length));
    if (n * n !== value.length) throw new TypeError(`${name} must have n² entries (row-major), got ${value.length}`);
    m = Float64Array.from(value);
  } else if (Array.isArray(value) && value.length > 0 && typeof value[0] === "number") {
    n = Math.round(Math.sqrt(value.length)); // a flat row-major array, as a Float64Array
    if (n * n !== value.length) throw new TypeError(`${name} must have n² entries (row-major), got ${value.length}`);
    value.forEach((x: unknown, e) => {
      if (typeof x !== "number")
        throw new TypeError(`${name}[${Math.floor(e / n)}][${e % n}] must be a number, got ${typeof x}`);
    });
    m = Float64Array.from(value as number[]);
  } else if (Array.isArray(value)) {
    n = value.length;
    m = new Float64Array(n * n);
    value.forEach((row: unknown, i) => {
      if (!Array.isArray(row) || row.length !== n)
        throw new TypeError(`${name}[${i}] must be an array of ${n} numbers`);
      for (let j = 0; j < n; j++) {
        if (typeof row[j] !== "number")
          throw new TypeError(`${name}[${i}][${j}] must be a number, got ${typeof row[j]}`);
        m[i * n + j] = row[j];
      }
    });
  } else {
    throw new TypeError(`${name} must be a Float64Array (n × n, row-major) or an array of rows`);
  }
  if (n < 2) throw new RangeError(`${name} must have at least 2 states, got ${n}`);
  for (let j = 0; j < n; j++) {
    let sum = 0,
      out = 0;
    for (let i = 0; i < n; i++) {
      const x = m[i * n + j];
      if (!Number.isFinite(x)) throw new RangeError(`${name}[${i}][${j}] must be finite, got ${x}`);
      if (i !== j && !(x >= 0)) throw new RangeError(`${name}[${i}][${j}] (rate ${j} → ${i}) must be ≥ 0, got ${x}`);
      sum += x;
      if (i !== j) out += x;
    }
    if (!(Math.abs(sum) <= COLUMN_SUM_RTOL * Math.max(1, out))) {
      throw new RangeError(`${name}: column ${j} must sum to zero (M[j][j] = −Σ_{i≠j} M[i][j]), got ${sum}`);
    }
  }
  return { n, matrix: m };
}

/**
 * Multiply-adds one call may cost at most, 2⁴⁰ ≈ 1.1·10¹² (≈ 20 min of wasm here, at ≈ 0.9·10⁹ a
 * second in the propagator's matrix products): propagators
 * (n³ per matrix product) and steps (n² each) are counted before anything runs, so no call can run
 * for hours or hang.
 */
export const MAX_WORK = 2 ** 40;

/** p with negative rounding clipped to 0, divided by its sum (in place). */
export function normalise(p: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    p[i] = Math.max(0, p[i]);
    sum += p[i];
  }
  for (let i = 0; i < p.length; i++) p[i] /= sum;
  return p;
}

/**
 * How far from 1 the sum of a given probability vector may be: caller-built vectors carry round-off far
 * below 1e-9 (n·2⁻⁵³ for n entries), a real mistake (a missing or doubled entry) is far above.
 */
export const SUM_TOLERANCE = 1e-9;

/**
 * A probability vector of n entries: ≥ 0, Σ = 1 within SUM_TOLERANCE, returned renormalised.
 * @throws RangeError naming `name`.
 */
export function checkProbabilities(name: string, value: unknown, n: number): Float64Array {
  const p = check.vector(name, value, n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!(p[i] >= 0)) throw new RangeError(`${name}[${i}] must be ≥ 0, got ${p[i]}`);
    sum += p[i];
  }
  if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) throw new RangeError(`${name} must sum to 1, got ${sum}`);
  return normalise(p);
}
