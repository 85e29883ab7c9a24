/**
 * Size limits shared by the sampled kernels and the contrastive protocol, and the one way a limit
 * is reported ("…, more than the limit 2^k = …").
 */

/** At most this many samples in a kernel or in one period of the sawtooth: 2^25 (256 MiB of f64 each). */
export const MAX_SAMPLES = 2 ** 25;

/** A count for an error message: an integer below 10⁷, else three digits. */
export function formatCount(x: number): string {
  if (!Number.isFinite(x)) return "over 1.8e308";
  return x < 1e7 ? String(Math.round(x)) : x.toPrecision(3);
}

/** `what` followed by "more than the limit 2^k = …" as a RangeError. */
export function overLimit(what: string, limit: number): RangeError {
  return new RangeError(`${what}, more than the limit 2^${Math.log2(limit)} = ${limit}`);
}
