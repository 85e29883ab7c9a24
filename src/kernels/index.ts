/** Sampled kernels and their moments, used by the contrastive rule, the ladder and EqProp. */
export { ecoliKernel, sineKernel, exponentialKernel, feedbackKernel } from "./shapes.js";
export { normalizeKernel, kernelMoments } from "./sampled.js";
export type { SampledKernel } from "./sampled.js";
