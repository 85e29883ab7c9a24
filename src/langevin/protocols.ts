/**
 * Protocols λ(t): how a potential's parameter changes in time. A protocol is a constant, a
 * piecewise-linear list of knots (a sampled protocol, linearly interpolated, constant beyond its
 * ends), or a function of t. Each is checked once ({@link resolveProtocol}) and then evaluated as a
 * plain `(t) => number`.
 */
import * as check from "../core/validate.js";

/** Knots (t_i, value_i) with strictly increasing t_i; linear between knots, constant outside. */
export interface PiecewiseLinear {
  /** Knot times, strictly increasing (time units); λ is held constant before the first and after the last. */
  t: ArrayLike<number>;
  /** λ at each knot (same length as `t`). */
  value: ArrayLike<number>;
}

/** A parameter's protocol: a constant, knots ({@link PiecewiseLinear}) or a function of time. */
export type Protocol = number | PiecewiseLinear | ((t: number) => number);

/** A checked protocol: its knots (a constant has one knot at t = 0) or its function. */
export interface ResolvedProtocol {
  /** Evaluates λ(t). Functions are checked for a finite value at every evaluation. */
  at(t: number): number;
  /** Whether λ is the same at every t. */
  constant: boolean;
  /** The knots, when the protocol is a constant or piecewise linear (a copy); undefined for functions. */
  knots?: {
    /** Knot times. */
    t: Float64Array;
    /** λ at each knot. */
    value: Float64Array;
  };
}

/** Most knots of one piecewise-linear protocol. */
export const MAX_KNOTS = 2 ** 24;

function numbers(name: string, value: unknown): Float64Array {
  if (!(value instanceof Float64Array) && !Array.isArray(value) && !ArrayBuffer.isView(value)) {
    throw new TypeError(`${name} must be an array of numbers`);
  }
  const list = value as ArrayLike<unknown>;
  if (list.length > MAX_KNOTS) throw new RangeError(`${name} has ${list.length} knots, more than ${MAX_KNOTS}`);
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = check.finite(`${name}[${i}]`, list[i]);
  return out;
}

/** Linear interpolation in knots (t, v), constant beyond the ends; t strictly increasing. */
function interpolate(t: Float64Array, v: Float64Array, x: number): number {
  const n = t.length;
  if (x <= t[0]) return v[0];
  if (x >= t[n - 1]) return v[n - 1];
  let lo = 0,
    hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= x) lo = mid;
    else hi = mid;
  }
  const w = (x - t[lo]) / (t[hi] - t[lo]);
  return v[lo] + w * (v[hi] - v[lo]);
}

/**
 * Checks a protocol once: a finite number, knots with strictly increasing finite times and finite
 * values of the same length (at least one), or a function (whose values are checked when evaluated).
 * @param name the option's name, used in errors (e.g. "potential.stiffness").
 * @throws TypeError/RangeError naming `name` (or `name.t[i]`, `name.value[i]`).
 * @example
 * ```ts
 * import { resolveProtocol } from "thermolearn";
 * console.log(resolveProtocol("tilt", { t: [0, 1, 2], value: [0, 5, 0] }).at(0.5)); // 2.5
 * ```
 */
export function resolveProtocol(name: string, protocol: unknown): ResolvedProtocol {
  if (typeof protocol === "number") {
    const value = check.finite(name, protocol);
    return {
      at: () => value,
      constant: true,
      knots: { t: Float64Array.of(0), value: Float64Array.of(value) },
    };
  }
  if (typeof protocol === "function") {
    const f = protocol as (t: number) => unknown;
    return {
      at(t: number): number {
        const value = f(t);
        if (typeof value !== "number" || !Number.isFinite(value)) {
          throw new RangeError(`${name}(${t}) must be a finite number, got ${String(value)}`);
        }
        return value;
      },
      constant: false,
    };
  }
  if (typeof protocol !== "object" || protocol === null || Array.isArray(protocol)) {
    throw new TypeError(`${name} must be a number, { t, value } knots or a function of t`);
  }
  check.knownKeys(name, protocol, ["t", "value"]);
  const knots = protocol as Partial<PiecewiseLinear>;
  const t = numbers(`${name}.t`, knots.t);
  const value = numbers(`${name}.value`, knots.value);
  if (t.length === 0) throw new RangeError(`${name}.t must have at least one knot`);
  if (value.length !== t.length) {
    throw new RangeError(`${name}.value must have as many entries as ${name}.t (${t.length}), got ${value.length}`);
  }
  for (let i = 1; i < t.length; i++) {
    if (!(t[i] > t[i - 1])) {
      throw new RangeError(`${name}.t must be strictly increasing: t[${i}] = ${t[i]} ≤ t[${i - 1}] = ${t[i - 1]}`);
    }
  }
  const constant = value.every((v) => v === value[0]);
  return { at: (x: number) => interpolate(t, value, x), constant, knots: { t, value } };
}

/**
 * Piecewise-linear knots through the corner values `values` at equally spaced times 0, τ/m, …, τ
 * (m = values.length − 1): e.g. the four strokes of an erasure cycle.
 * @example
 * ```ts
 * import { corners } from "thermolearn";
 * console.log(corners(4, [8, 0, 0, 8, 8])); // { t: [0, 1, 2, 3, 4], value: [8, 0, 0, 8, 8] }
 * ```
 */
export function corners(tau: number, values: readonly number[]): PiecewiseLinear {
  const m = values.length - 1;
  return { t: values.map((_, i) => (i === m ? tau : (tau * i) / m)), value: [...values] };
}
