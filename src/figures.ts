/**
 * The paper's figures as experiments (Falk et al., spec §3), each a list of independent points.
 * Point i draws its random parameters from stream i of the seed, so a figure is bit-identical
 * whatever the number of workers (src/core/pool.ts) or the order they finish in.
 */
import { curveMetrics, ecoliKernel, weightUpdateCurve, type SampledKernel } from "./contrastive.js";
import { Rng } from "./rng.js";
import * as check from "./core/validate.js";

export type FigureName = "4c" | "5c";
export const FIGURES: readonly FigureName[] = ["4c", "5c"];

/** What one point of a figure needs: everything else follows from (figure, index, seed, dt). */
export interface FigureTask {
  figure: FigureName;
  index: number;
  seed: number;
  /** Time step of the kernel and protocol grid. */
  dt: number;
}

/** A_max and the amplitude grid of Appendix E: A ∈ linspace(0, 0.75·A_max, 400), A_max = 100. */
const A_MAX = 100;
const AMPLITUDES = Array.from({ length: 400 }, (_, i) => (0.75 * A_MAX * i) / 399);

const kernels = new Map<string, SampledKernel>();
function cachedEcoli(area: number, dt: number): SampledKernel {
  const key = `${area}:${dt}`;
  let k = kernels.get(key);
  if (!k) kernels.set(key, (k = ecoliKernel({ area, dt })));
  return k;
}

/** Uniform draws on the two ranges of Figs. 4C/5C: τ_f ∈ [0.1, 4.9), τ_s ∈ [0.2, 49.8). */
function drawTimes(seed: number, index: number): { tauFast: number; tauSlow: number } {
  const rng = new Rng({ seed, stream: index });
  try {
    const [u, v] = rng.uniform(2);
    return { tauFast: 0.1 + 4.8 * u, tauSlow: 0.2 + 49.6 * v };
  } finally {
    rng.dispose();
  }
}

/**
 * One point of a figure.
 * - 4c: I = 0, s̄ = 0, θ = A_max/τ_s: ln(τ_s/τ_f) and ln(dynamic range) (Eq. 9 predicts the identity).
 * - 5c: I = 0.05, s̄ = 25, θ by Eq. 45 = |−A_max/τ_s + I(s̄ + A_max/2)|: offset against the protocol
 *   length τ_f + τ_s. The kernel's area turns the mean signal into a baseline u ≈ I·s̄ that passes
 *   the (small) threshold for the whole period once τ_s ≳ 27, so the offset grows like
 *   I·s̄·(τ_f + τ_s)/A_max there (column `baselineOffset`); Eq. 10's I·τ_f·s̄ is its fast-phase part.
 */
export function figurePoint(task: FigureTask): Record<string, number> {
  const { tauFast, tauSlow } = drawTimes(task.seed, task.index);
  if (task.figure === "4c") {
    const kernel = cachedEcoli(0, task.dt);
    const dw = weightUpdateCurve({ kernel, dt: task.dt, tauFast, tauSlow, mean: 0, theta: A_MAX / tauSlow, amplitudes: AMPLITUDES });
    const { dynamicRange, offset } = curveMetrics(AMPLITUDES, dw, A_MAX);
    return { tauFast, tauSlow, lnRatio: Math.log(tauSlow / tauFast), dynamicRange, lnDynamicRange: Math.log(dynamicRange), offset };
  }
  const area = 0.05, mean = 25;
  const kernel = cachedEcoli(area, task.dt);
  const theta = Math.abs(-A_MAX / tauSlow + area * (mean + A_MAX / 2));
  const dw = weightUpdateCurve({ kernel, dt: task.dt, tauFast, tauSlow, mean, theta, amplitudes: AMPLITUDES });
  const { dynamicRange, offset } = curveMetrics(AMPLITUDES, dw, A_MAX);
  return { tauFast, tauSlow, protocolLength: tauFast + tauSlow, offset, baselineOffset: (area * mean * (tauFast + tauSlow)) / A_MAX, dynamicRange };
}

/** Checks a figure's options; returns the tasks. */
export function figureTasks(options: { figure: string; points?: number; seed?: number; dt?: number }): FigureTask[] {
  const figure = check.oneOf("figure", options.figure, FIGURES);
  const points = check.integer("points", options.points ?? 1000, 1, 1e6);
  const seed = check.seed("seed", options.seed ?? 0);
  const dt = check.positive("dt", options.dt ?? 1e-3);
  if (dt > 0.01) throw new RangeError(`dt must be ≤ 0.01 to resolve the kernel (width ≈ 0.1), got ${dt}`);
  return Array.from({ length: points }, (_, index) => ({ figure, index, seed, dt }));
}
