/**
 * The stochastic perceptron (spec §1): the model (model.ts), its long runs (run.ts) and its closed
 * forms (theory.ts). This is the public API; src/index.ts re-exports it.
 */
export { Perceptron, resolvePerceptronConfig, LEARNING_RULES } from "./model.js";
export type {
  LearningRule,
  PerceptronOptions,
  PerceptronConfig,
  PerceptronObservation,
  PerceptronCheckpoint,
} from "./model.js";
export { runPerceptron, runPerceptronAsync, perceptronRates, PERCEPTRON_COLUMNS } from "./run.js";
export type {
  PerceptronRunOptions,
  PerceptronResult,
  PerceptronColumn,
  PerceptronProgress,
  PerceptronRates,
  RateEstimate,
} from "./run.js";
export { hebbianEpsilon, hebbianEpsilonEM, hebbianTransient, mutualInformation, binaryEntropy } from "./theory.js";
export type { HebbianParams, HebbianEMParams } from "./theory.js";
