/**
 * Hopfield associative memory: the network (model.ts), the capacity experiment (capacity.ts) and its
 * theory (theory.ts). The package's public Hopfield API, exactly.
 */
export { Hopfield, resolveHopfieldConfig, STORAGE_RULES, MAX_SWEEPS, MAX_RUN_UPDATES } from "./model.js";
export type {
  StorageRule,
  HopfieldDynamics,
  HopfieldRunStatus,
  PatternInput,
  HopfieldOptions,
  HopfieldConfig,
  HopfieldRun,
  HopfieldRunOptions,
  HopfieldAsyncOptions,
  RecallResult,
  HopfieldCheckpoint,
} from "./model.js";
export { runHopfieldCapacity, runHopfieldCapacityAsync, resolveCapacityConfig, loadRange } from "./capacity.js";
export type { CapacityOptions, CapacityConfig, CapacityResult, CapacityLoad, CapacityProgress } from "./capacity.js";
export {
  predictedUnstableFraction,
  predictedUnstableFractionFiniteN,
  exactUnstableFraction,
  predictedPerfectRecall,
  predictedPerfectRecallFiniteN,
} from "./theory.js";
