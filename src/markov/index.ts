/**
 * Continuous-time Markov chains (rate matrices, steady states, currents, entropy production, exact
 * integration in wasm) and the ladder network of Lan et al. (2012) built on them.
 */
export { checkRateMatrix } from "./rates.js";
export type { RateMatrix } from "./rates.js";
export { steadyState, probabilityCurrents, entropyProduction } from "./steady.js";
export { MarkovChain, resolveMarkovChainConfig } from "./chain.js";
export type { MarkovChainOptions, MarkovChainConfig, MarkovChainCheckpoint } from "./chain.js";
export {
  LadderChain,
  resolveLadderChainConfig,
  ladderRates,
  ladderEnergy,
  ladderKernel,
  ladderDissipation,
} from "./ladder.js";
export type {
  LadderParams,
  LadderConfig,
  LadderChainOptions,
  LadderChainConfig,
  LadderKernelOptions,
  LadderKernel,
} from "./ladder.js";
export { runLadder, runLadderAsync, resolveLadderRunConfig } from "./run.js";
export type { LadderRunOptions, LadderRunConfig, LadderRunResult, LadderProgress } from "./run.js";
export {
  currentStatistics,
  scaledCumulantGenerating,
  tiltedGenerator,
  edgeCurrent,
  entropyIncrements,
  uncertaintyRelation,
  ladderCurrentIncrements,
  ladderUncertainty,
  ladderUncertaintySweep,
  LADDER_CURRENTS,
  EQUILIBRIUM_RTOL,
  ZERO_VARIANCE_RTOL,
} from "./tur.js";
export type {
  Increments,
  CurrentStatistics,
  UncertaintyRelation,
  LadderCurrent,
  LadderUncertaintyOptions,
  LadderUncertaintySweepOptions,
  LadderUncertaintySweep,
} from "./tur.js";
