/**
 * `thermolearn/node`: the Node-only pieces. A worker pool over worker_threads, a terminal progress
 * bar, the figures of Falk et al., the perceptron's efficiency surface and Landauer's erasure computed
 * on all cores, and the energy cost of contrastive learning.
 * @module thermolearn/node
 */
export { runPool } from "./pool.js";
export type { PoolOptions, PoolResult } from "./pool.js";
export { ProgressBar } from "./progress.js";
export type { ProgressStream } from "./progress.js";
export { FIGURES, figurePoint, figureTasks, figureConfig } from "./figures.js";
export type { FigureName, FigureTask } from "./figures.js";
export { runFigureTasks } from "./figure-pool.js";
export type { FigurePoolOptions } from "./figure-pool.js";
export { runEfficiencyFigure, efficiencyFigureSpec, resolveEfficiencyFigureConfig } from "./efficiency-figure.js";
export type {
  EfficiencyFigureOptions,
  EfficiencyFigureResult,
  EfficiencyDots,
  EfficiencyDotsConfig,
} from "./efficiency-figure.js";
export {
  runLandauerFigure,
  landauerFigureSpec,
  resolveLandauerFigureConfig,
  LANDAUER_TAUS,
} from "./landauer-figure.js";
export type {
  LandauerFigureOptions,
  LandauerFigureResult,
  LandauerFigureConfig,
  LandauerDots,
  LandauerLines,
} from "./landauer-figure.js";
export { costFigure, costFigureSpec, resolveCostFigureOptions } from "./cost-figure.js";
export type { CostFigureOptions, CostFigure } from "./cost-figure.js";
