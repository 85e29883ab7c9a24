/** Equilibrium propagation: the public API of src/eqprop/ (re-exported by the package's main entry). */
export { EQPROP_MIN_BETA, EQPROP_VARIANTS, rampSchedule, resolveEqPropConfig } from "./config.js";
export type { EqPropConfig, EqPropOptions, EqPropVariant, MemoryOptions } from "./config.js";
export { memoryOperator, mnistSineKernel } from "./operator.js";
export { EQPROP_CHECKPOINT_VERSION, EQPROP_FORMAT_VERSION, loadParameters, saveParameters } from "./format.js";
export type { EqPropParameters } from "./format.js";
export { EqProp } from "./network.js";
export type { EpochMetrics, EpochOptions, EpochProgress, EqPropDivergence } from "./network.js";
export { runEqProp, runEqPropAsync } from "./run.js";
export type { EqPropRunOptions, EqPropRunResult } from "./run.js";
export type { Dataset } from "../data/dataset.js";
