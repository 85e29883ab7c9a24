/**
 * The stochastic perceptron (spec §1): the model (model.ts), its long runs (run.ts), its closed
 * forms (theory.ts), the input-averaged force (averaged.ts) and the order-parameter theory (ode.ts).
 * This is the public API; src/index.ts re-exports it.
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
export { averagedForce } from "./averaged.js";
export type { AveragedForce } from "./averaged.js";
export {
  perceptronTheory,
  perceptronSteadyState,
  maxEfficiency,
  resolvePerceptronTheoryConfig,
  PERCEPTRON_THEORY_COLUMNS,
} from "./ode.js";
export type {
  PerceptronTheoryOptions,
  PerceptronTheoryConfig,
  PerceptronTheoryResult,
  PerceptronTheoryColumn,
  InputNoiseOptions,
  MaxEfficiencyOptions,
  PerceptronSteadyStateOptions,
  PerceptronSteadyState,
} from "./ode.js";
export { runInformationBound, runInformationBoundAsync, resolveInformationBoundConfig } from "./information.js";
export { tableInformation, spacingEntropy } from "./information.js";
export type {
  InformationBoundOptions,
  InformationBoundConfig,
  InformationBoundResult,
  InformationBoundProgress,
} from "./information.js";
export {
  efficiencySurface,
  efficiencyAt,
  resolveEfficiencySurfaceConfig,
  efficiencySimulation,
  EFFICIENCY_REGIMES,
} from "./efficiency.js";
export type {
  EfficiencyRegime,
  EfficiencySweep,
  OnlineRegimeOptions,
  SweepOptions,
  EfficiencySurfaceOptions,
  EfficiencySurfaceConfig,
  EfficiencyPoint,
  EfficiencyPointStatus,
  EfficiencyValue,
  EfficiencyLines,
  EfficiencyMaximum,
  EfficiencySurfaceResult,
  EfficiencySimulationTask,
  EfficiencySimulationValue,
} from "./efficiency.js";
export { hebbianEpsilon, hebbianEpsilonEM, hebbianTransient, mutualInformation, binaryEntropy } from "./theory.js";
export type { HebbianParams, HebbianEMParams } from "./theory.js";
