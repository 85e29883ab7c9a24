/**
 * The memory variant's linear operator (Falk et al. Appendix B): the map from the currents at the
 * ramp points to the convolved signal on the time grid, and its folded band as wasm consumes it.
 */
import * as check from "../core/validate.js";
import { sineKernel } from "../kernels/index.js";
import type { Alignment } from "../contrastive/index.js";
import {
  checkOperatorSize,
  MAX_GRID_POINTS,
  MAX_RAMP_STEPS,
  MEMORY_KEYS,
  rampSchedule,
  resolveKernel,
  type EqPropConfig,
} from "./config.js";

/**
 * The MNIST kernel of Falk et al. (Eq. 31): K[k] = sin(2πk/10)/3, k = 0 … 9 (the samples of {@link sineKernel}).
 * @example
 * ```ts
 * import { mnistSineKernel } from "thermolearn";
 * console.log(mnistSineKernel()); // the 10 samples sin(2πk/10)/3 of Eq. 31
 * ```
 */
export function mnistSineKernel(): Float64Array {
  return sineKernel().values;
}

/**
 * The linear map from the 2R + 1 ramp currents to the convolved signal on the grid: linear
 * interpolation onto t_m = m·period/G (scipy interp1d), then the circular convolution
 *   c_m = scale · Σ_j K[j] s[(m − j + shift) mod G]   (shift ⌊len/2⌋ for "scipy", 0 for "causal").
 * Returned as a G × (2R + 1) row-major matrix.
 * @throws TypeError/RangeError naming the memory option at fault, also when the operator would have
 *   more than 2²² entries or take more than 2³⁰ multiply-adds to build.
 * @example
 * ```ts
 * import { memoryOperator, resolveEqPropConfig } from "thermolearn";
 * const { memory } = resolveEqPropConfig({ variant: "memory" });
 * console.log(memoryOperator(memory).length); // 1700 entries at the default options
 * ```
 */
export function memoryOperator(config: EqPropConfig["memory"]): Float64Array {
  if (typeof config !== "object" || config === null)
    throw new TypeError("memoryOperator: config must be the memory options (EqPropConfig.memory)");
  check.knownKeys("memoryOperator", config, MEMORY_KEYS);
  const G = check.integer("memory.gridPoints", config.gridPoints, 2, MAX_GRID_POINTS);
  const R = check.integer("memory.rampSteps", config.rampSteps, 1, MAX_RAMP_STEPS);
  const resolved = resolveKernel(config.kernel);
  const kernel = resolved === "sine" ? Array.from(mnistSineKernel()) : resolved;
  const scale = check.finite("memory.convolutionScale", config.convolutionScale);
  const alignment = check.oneOf<Alignment>("memory.alignment", config.alignment, ["scipy", "causal"]);
  checkOperatorSize("memory", G, R, kernel.length);
  const { times } = rampSchedule(config);
  const P1 = times.length,
    period = times[P1 - 1];
  const interp = new Float64Array(G * P1);
  let seg = 0;
  for (let m = 0; m < G; m++) {
    const t = (m * period) / G;
    while (seg < P1 - 2 && t > times[seg + 1]) seg++;
    const f = (t - times[seg]) / (times[seg + 1] - times[seg]);
    interp[m * P1 + seg] += 1 - f;
    interp[m * P1 + seg + 1] += f;
  }
  const shift = alignment === "scipy" ? Math.floor(kernel.length / 2) : 0;
  const out = new Float64Array(G * P1);
  for (let m = 0; m < G; m++) {
    for (let j = 0; j < kernel.length; j++) {
      const src = (((m - j + shift) % G) + G) % G;
      const w = scale * kernel[j];
      for (let k = 0; k < P1; k++) out[m * P1 + k] += w * interp[src * P1 + k];
    }
  }
  return out;
}

/**
 * The operator folded for wasm, −1/B applied, columns k ≥ 1 as CSR. The down ramp reuses the up
 * ramp's states at the same β (the authors' code assumes no hysteresis, and both are the same
 * relaxation from the same free state), so point k > R folds onto point 2R − k: R + 1 distinct points.
 */
export interface MemoryBand {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  vals: Float32Array;
  rowSum: Float32Array;
  trapezoid: Float32Array;
  lNorm: number;
  rNorm: number;
  points: number;
}

export function memoryBand(config: EqPropConfig["memory"], batch: number): MemoryBand {
  const op = memoryOperator(config);
  const G = config.gridPoints,
    R = config.rampSteps,
    P1 = 2 * R + 1,
    P = R + 1;
  const rowPtr = new Int32Array(G + 1);
  const cols: number[] = [],
    vals: number[] = [];
  const rowSum = new Float32Array(G);
  let lNorm = 0,
    rNorm = 0;
  for (let m = 0; m < G; m++) {
    const folded = new Float64Array(P);
    for (let k = 0; k < P1; k++) folded[k <= R ? k : 2 * R - k] += (-1 / batch) * op[m * P1 + k];
    let sum = 0,
      abs = 0;
    for (let k = 0; k < P; k++) sum += folded[k];
    for (let k = 1; k < P; k++) {
      if (folded[k] !== 0) {
        cols.push(k);
        vals.push(folded[k]);
        abs += Math.abs(folded[k]);
      }
    }
    rowPtr[m + 1] = cols.length;
    rowSum[m] = sum;
    lNorm = Math.max(lNorm, abs);
    rNorm = Math.max(rNorm, Math.abs(sum));
  }
  const h = config.trapezoidStep;
  const trapezoid = new Float32Array(G).fill(h);
  trapezoid[0] = trapezoid[G - 1] = h / 2;
  return {
    rowPtr,
    colIdx: Int32Array.from(cols),
    vals: Float32Array.from(vals),
    rowSum,
    trapezoid,
    lNorm,
    rNorm,
    points: P,
  };
}
