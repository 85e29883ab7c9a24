/**
 * Option validation, done once in TS before anything reaches wasm. Each check coerces nothing and
 * names the option in its error. NaN fails every comparison, so `!(x > 0)` rejects it too.
 */
import { didYouMean } from "./suggest.js";

/** The largest count (steps, samples, trajectories …) one wasm i32 argument can carry: 2³¹ − 1. */
export const MAX_COUNT = 2 ** 31 - 1;
/**
 * The largest u32: 2³² − 1. Bounds what wasm reads as an unsigned 32-bit word (stream indices, generator
 * state words, the TLEP header's epoch and CRC-32 fields).
 */
export const MAX_U32 = 2 ** 32 - 1;

function describe(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  return value === null ? "null" : typeof value;
}

/** An optional callback: undefined or a function; TypeError otherwise. */
export function optionalFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "function") throw new TypeError(`${name} must be a function`);
}

/** A finite number; TypeError otherwise. */
export function finite(name: string, value: unknown): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be finite, got ${describe(value)}`);
  return value;
}

/** A finite number > 0. */
export function positive(name: string, value: unknown): number {
  const x = finite(name, value);
  if (!(x > 0)) throw new RangeError(`${name} must be > 0, got ${x}`);
  return x;
}

/** A finite number ≥ 0. */
export function nonNegative(name: string, value: unknown): number {
  const x = finite(name, value);
  if (!(x >= 0)) throw new RangeError(`${name} must be ≥ 0, got ${x}`);
  return x;
}

/** A probability: a finite number in [0, 1]. */
export function probability(name: string, value: unknown): number {
  const x = finite(name, value);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${x}`);
  return x;
}

/** An integer in [min, max]. */
export function integer(name: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  const x = finite(name, value);
  if (!Number.isInteger(x)) throw new TypeError(`${name} must be an integer, got ${x}`);
  if (x < min || x > max) throw new RangeError(`${name} must be in [${min}, ${max}], got ${x}`);
  return x;
}

/** A seed: an integer in [0, 2⁵³). */
export function seed(name: string, value: unknown): number {
  return integer(name, value, 0, Number.MAX_SAFE_INTEGER);
}

/** One of the listed strings. */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new TypeError(
      `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${describe(value)}` +
        (typeof value === "string" ? didYouMean(value, allowed) : ""),
    );
  }
  return value as T;
}

/** A Float64Array of finite values, not copied; TypeError/RangeError naming it (and the bad index) otherwise. */
export function finiteArray(name: string, value: unknown): Float64Array {
  if (!(value instanceof Float64Array)) throw new TypeError(`${name} must be a Float64Array`);
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i])) throw new RangeError(`${name}[${i}] must be finite, got ${value[i]}`);
  }
  return value;
}

/** A Float64Array (or number array) of exactly `length` finite values, copied. */
export function vector(name: string, value: unknown, length: number): Float64Array {
  if (!(value instanceof Float64Array) && !Array.isArray(value)) {
    throw new TypeError(`${name} must be a Float64Array or an array of numbers`);
  }
  if (value.length !== length) throw new RangeError(`${name} must have length ${length}, got ${value.length}`);
  if (Array.isArray(value)) numberArray(name, value);
  return finiteArray(name, Float64Array.from(value as ArrayLike<number>));
}

/** Rejects keys that are not options (catches typos such as `{ batchSize: 30 }`). */
export function knownKeys(what: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key))
      throw new TypeError(`${what}: unknown option "${key}"${didYouMean(key, allowed)} (known: ${allowed.join(", ")})`);
  }
}

/** Whether `value` is a plain options object: not null, an array, a function, a typed array or a boxed primitive. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The options argument of an entry point, checked once: `undefined` means `{}`; anything but a plain
 * object (`true`, `5`, `[]`, a function, `null`) is a TypeError naming `what`. Unknown keys and keys
 * set to `null` are refused too: leave an option out to get its default.
 * @example const o = check.options("Perceptron", options, OPTION_KEYS);
 */
export function options<T extends object>(what: string, value: T | undefined, allowed: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (!isPlainObject(value))
    throw new TypeError(
      `${what}: options must be an object, got ${Array.isArray(value) ? "an array" : describe(value)}`,
    );
  knownKeys(what, value, allowed);
  for (const key of Object.keys(value)) {
    if (value[key] === null) throw new TypeError(`${what}: option "${key}" is null; leave it out for its default`);
  }
  return value;
}

/** An optional backend name, "simd" or "scalar" (undefined means the default build). */
export function backend(value: unknown): "simd" | "scalar" | undefined {
  return value === undefined ? undefined : oneOf("backend", value, ["simd", "scalar"] as const);
}

/** A plain array (not a typed array) whose entries are all numbers; TypeError naming the first that is not. */
function numberArray(name: string, value: unknown[]): void {
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== "number") throw new TypeError(`${name}[${i}] must be a number, got ${describe(value[i])}`);
  }
}

/** Splits a seed in [0, 2⁵³) into the (hi, lo) u32 pair the wasm side takes. */
export function seedWords(seed: number): [number, number] {
  return [Math.floor(seed / 2 ** 32), seed >>> 0];
}
