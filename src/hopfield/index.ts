/**
 * Hopfield associative memory: the network (model.ts) with its options (config.ts) and checkpoint
 * format (checkpoint.ts), the capacity experiment (capacity.ts) and its theory (theory.ts). The
 * package's public Hopfield API, exactly.
 */
export { Hopfield } from "./model.js";
export type { HopfieldRunStatus, HopfieldRun, RecallResult } from "./model.js";
export { resolveHopfieldConfig, STORAGE_RULES, MAX_SWEEPS, MAX_RUN_UPDATES } from "./config.js";
export type {
  StorageRule,
  HopfieldDynamics,
  PatternInput,
  HopfieldOptions,
  HopfieldConfig,
  HopfieldRunOptions,
  HopfieldAsyncOptions,
} from "./config.js";
export type { HopfieldCheckpoint } from "./checkpoint.js";
export { runHopfieldCapacity, runHopfieldCapacityAsync, resolveCapacityConfig, loadRange } from "./capacity.js";
export type { CapacityOptions, CapacityConfig, CapacityResult, CapacityLoad, CapacityProgress } from "./capacity.js";
export {
  predictedUnstableFraction,
  predictedUnstableFractionFiniteN,
  exactUnstableFraction,
  predictedPerfectRecall,
  predictedPerfectRecallFiniteN,
} from "./theory.js";
