/**
 * A kernel sampled on a uniform grid, the checks every consumer makes on one, and its moments
 * (trapezoid rule, as the authors' code of Falk et al., Nat. Commun. 16 (2025)).
 */
import * as check from "../core/validate.js";

/** A kernel sampled on t_k = k·dt, k = 0 … L−1. */
export interface SampledKernel {
  /** Samples K(t_k), at least one, all finite. */
  values: Float64Array;
  /** Sampling step dt > 0 (time units). */
  dt: number;
}

/**
 * The checked { values, dt } of a sampled kernel passed as `name`: a Float64Array of at least one
 * finite sample and dt > 0.
 * @throws TypeError/RangeError naming `name`, `name.values` or `name.dt`.
 */
export function sampledKernel(name: string, kernel: unknown): SampledKernel {
  if (typeof kernel !== "object" || kernel === null || !((kernel as SampledKernel).values instanceof Float64Array)) {
    throw new TypeError(`${name} must be a sampled kernel { values: Float64Array, dt }`);
  }
  const { values, dt } = kernel as SampledKernel;
  check.positive(`${name}.dt`, dt);
  check.finiteArray(`${name}.values`, values);
  if (values.length === 0) throw new RangeError(`${name}.values must not be empty`);
  return { values, dt };
}

/**
 * The kernel scaled so |first moment| = 1 (its sign kept).
 * @throws TypeError/RangeError for a bad kernel, a zero first moment, or one so small that 1/|M₁| overflows.
 * @example
 * ```ts
 * import { exponentialKernel, kernelMoments, normalizeKernel } from "thermolearn";
 * const K = normalizeKernel(exponentialKernel({ tau: 0.5, dt: 1e-3 }));
 * console.log(kernelMoments(K).firstMoment); // 1
 * ```
 */
export function normalizeKernel(kernel: SampledKernel): SampledKernel {
  const { values, dt } = sampledKernel("kernel", kernel);
  const { firstMoment } = kernelMoments(kernel);
  if (!(Math.abs(firstMoment) > 0)) throw new RangeError("kernel has zero first moment: it cannot be normalised");
  const scale = 1 / Math.abs(firstMoment);
  const scaled = values.map((v) => v * scale);
  if (!scaled.every(Number.isFinite))
    throw new RangeError(`kernel has first moment ${firstMoment}: scaling it to 1 overflows`);
  return { dt, values: scaled };
}

/**
 * Area I = ∫K and first moment M₁ = ∫tK of a sampled kernel on [0, (L − 1)·dt], trapezoid rule as
 * the authors' code (scipy.integrate.trapezoid: a single sample spans no interval, so both are 0).
 * @throws TypeError/RangeError for a bad kernel or samples whose moments overflow.
 * @example
 * ```ts
 * import { ecoliKernel, kernelMoments } from "thermolearn";
 * const { area, firstMoment } = kernelMoments(ecoliKernel({ area: 0.5 }));
 * console.log(area, firstMoment); // ≈ 0.5, ≈ −1 (on [0, 1): the tail beyond is e⁻²⁰ small)
 * ```
 */
export function kernelMoments(kernel: SampledKernel): {
  /** Trapezoid ∫ K dt. */
  area: number;
  /** Trapezoid ∫ t K dt. */
  firstMoment: number;
} {
  const { values, dt } = sampledKernel("kernel", kernel);
  const last = values.length - 1;
  let area = 0,
    first = 0;
  // Weights ½, 1, …, 1, ½ (none for a single sample).
  for (let k = 0; k <= last && last > 0; k++) {
    const w = k === 0 || k === last ? 0.5 : 1;
    area += w * values[k];
    first += w * k * dt * values[k];
  }
  const moments = { area: area * dt, firstMoment: first * dt };
  if (!Number.isFinite(moments.area) || !Number.isFinite(moments.firstMoment)) {
    throw new RangeError(`kernel.values are too large for kernel.dt (${dt}): the area or first moment overflows`);
  }
  return moments;
}
