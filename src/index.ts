/**
 * thermolearn: the thermodynamics of learning, with hot loops in SIMD WebAssembly.
 * @packageDocumentation
 */
export { init, initSync, simdSupported, currentBackend, WebAssemblyUnavailableError } from "./core/loader.js";
export type { Backend, InitOptions } from "./core/loader.js";
export { DisposedError } from "./core/instance.js";
export { Rng, streamSeed } from "./rng.js";
export type { RngOptions } from "./rng.js";
export {
  Perceptron, DivergedError, simulatePerceptron, runPerceptron, resolvePerceptronConfig,
  hebbianEpsilon, hebbianEpsilonEM, hebbianTransient, mutualInformation, binaryEntropy,
  LEARNING_RULES, PERCEPTRON_COLUMNS,
} from "./perceptron.js";
export type {
  LearningRule, PerceptronOptions, PerceptronConfig, PerceptronObservation, PerceptronCheckpoint,
  PerceptronRunOptions, PerceptronResult, PerceptronColumn, Progress, HebbianParams, HebbianEMParams,
} from "./perceptron.js";
export {
  Hopfield, hopfieldCapacity, runHopfieldCapacity, resolveCapacityConfig, loadRange, predictedUnstableFraction, predictedUnstableFractionFiniteN, exactUnstableFraction, predictedPerfectRecall,
  erfc, logGamma,
  STORAGE_RULES, MAX_SWEEPS, MAX_RUN_UPDATES,
} from "./hopfield.js";
export type {
  StorageRule, HopfieldDynamics, RunStatus, PatternInput, HopfieldOptions, HopfieldConfig, HopfieldRun,
  HopfieldRunOptions, RecallResult, CapacityOptions, CapacityResult, CapacityLoad,
} from "./hopfield.js";
export {
  ecoliKernel, sineKernel, exponentialKernel, feedbackKernel, normalizeKernel, kernelMoments, sawtooth, sawtoothResponse, convolveWrap,
  weightUpdate, weightUpdateCurve, piecewiseLinearFit3, curveMetrics,
} from "./contrastive.js";
export type { SampledKernel, Alignment, SawtoothOptions, WeightUpdateOptions, PiecewiseFit } from "./contrastive.js";
export {
  MarkovChain, LadderChain, ladderRates, ladderEnergy, ladderKernel, ladderDissipation, steadyState, probabilityCurrents,
  entropyProduction, checkRateMatrix,
} from "./ladder.js";
export type { RateMatrix, LadderParams, LadderKernelOptions } from "./ladder.js";
export {
  EqProp, EQPROP_VARIANTS, EQPROP_FORMAT_VERSION, EQPROP_MIN_BETA, EqPropDivergedError, resolveEqPropConfig, rampSchedule,
  memoryOperator, mnistSineKernel, saveParameters, loadParameters,
} from "./eqprop.js";
export type {
  EqPropVariant, EqPropOptions, MemoryOptions, EqPropConfig, EqPropParameters, Dataset, EpochMetrics, EpochOptions,
  EqPropDivergence,
} from "./eqprop.js";
export { loadMnist, readMnist, MNIST_SIZE, MNIST_PIXELS } from "./mnist.js";
export type { MnistOptions } from "./mnist.js";
export { VERSION } from "./version.js";
