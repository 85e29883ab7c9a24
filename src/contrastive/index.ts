/**
 * Contrastive learning through non-equilibrium memory, the single-synapse part (shared/spec/MODELS.md
 * §3; Falk, Strupp, Scellier & Murugan, Nat. Commun. 16 (2025)): circular convolution (direct and
 * FFT), the sawtooth protocol and weight update, and the weight-update curve's metrics. The kernels
 * are in src/kernels/, the ladder kernel in src/markov/, the paper's figures in src/node/. The energy
 * cost of learning (./cost.ts) and integral feedback as dynamics (./feedback.ts) are issue #12 §6.
 */
export { convolveWrap } from "./convolution.js";
export type { Alignment } from "./convolution.js";
export { sawtooth, sawtoothResponse, weightUpdate, weightUpdateCurve } from "./update.js";
export type { SawtoothOptions, WeightUpdateOptions } from "./update.js";
export { piecewiseLinearFit3, curveMetrics, appendixG3Offset } from "./fit.js";
export type { PiecewiseFit } from "./fit.js";
export {
  learningCost,
  learningCostCurve,
  resolveLearningCostConfig,
  resolveLearningCostCurve,
  sawtoothAt,
  LANDAUER_NATS,
} from "./cost.js";
export type {
  LearningCostOptions,
  LearningCostConfig,
  LearningCost,
  LearningCostCurveOptions,
  LearningCostCurve,
} from "./cost.js";
export { integralFeedback, feedbackImpulseResponse } from "./feedback.js";
export type { FeedbackMethod, IntegralFeedbackOptions, IntegralFeedback, FeedbackImpulseOptions } from "./feedback.js";
