/** Summary statistics shared by the models, the CLI and the benchmarks (one implementation each). */

/** Arithmetic mean, Σx/n (NaN for an empty array). */
export function mean(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  return sum / xs.length;
}

/** Sample standard deviation √(Σ(x − x̄)²/(n − 1)); 0 for fewer than two values. */
export function std(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i] - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** Standard error of the mean, std/√n (0 for fewer than two values). */
export function stderr(xs: ArrayLike<number>): number {
  return xs.length < 2 ? 0 : std(xs) / Math.sqrt(xs.length);
}

/** Median (the mean of the two middle values for an even count; NaN for an empty array). */
export function median(xs: ArrayLike<number>): number {
  const sorted = Float64Array.from(xs).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Index of the largest of values[from … from + n) (the first on ties): e.g. a predicted class. */
export function argmax(values: ArrayLike<number>, from = 0, n = values.length - from): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (values[from + i] > values[from + best]) best = i;
  return best;
}
