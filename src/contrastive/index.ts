/**
 * Contrastive learning through non-equilibrium memory, the single-synapse part (shared/spec/MODELS.md
 * §3; Falk, Strupp, Scellier & Murugan, Nat. Commun. 16 (2025)): circular convolution (direct and
 * FFT), the sawtooth protocol and weight update, and the weight-update curve's metrics. The kernels
 * are in src/kernels/, the ladder kernel in src/markov/, the paper's figures in src/node/.
 */
export { convolveWrap } from "./convolution.js";
export type { Alignment } from "./convolution.js";
export { sawtooth, sawtoothResponse, weightUpdate, weightUpdateCurve } from "./update.js";
export type { SawtoothOptions, WeightUpdateOptions } from "./update.js";
export { piecewiseLinearFit3, curveMetrics } from "./fit.js";
export type { PiecewiseFit } from "./fit.js";
