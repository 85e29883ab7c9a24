/** Work and size limits of the contrastive rule, checked before anything is allocated or computed. */

/** At most this many amplitudes in one weight-update curve (48 bytes of wasm memory each). */
export const MAX_AMPLITUDES = 2 ** 20;
/**
 * At most this many multiply-adds (direct convolution, N·L) or thresholded samples (direct Δw,
 * N·m) in one call: 2^32, measured on the 2-core VM the benchmarks ran on (busy): 14 s of direct
 * convolution (N = L = 2^16) and 8.5 s of Δw passes (N = 2^25, 128 amplitudes).
 */
export const MAX_DIRECT_WORK = 2 ** 32;
/** At most this many points in a three-segment fit: O(n²) breakpoint pairs, 3–5 s at 4096 points. */
export const MAX_FIT_POINTS = 2 ** 12;

/**
 * A list of numbers as given: a plain array (its entries checked later by the caller) or a typed
 * array of numbers (copied into a Float64Array); TypeError naming it otherwise.
 */
export function numberList(name: string, value: unknown): unknown[] | Float64Array {
  if (Array.isArray(value) || value instanceof Float64Array) return value;
  if (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  ) {
    return Float64Array.from(value as unknown as ArrayLike<number>);
  }
  throw new TypeError(`${name} must be an array or typed array of numbers`);
}
