/**
 * Stochastic thermodynamics of small systems: overdamped Langevin ensembles with protocols in wasm
 * (work, heat and energy per trajectory), the exact Fokker–Planck side, fluctuation theorems and
 * Landauer's erasure.
 */
export { LangevinEnsemble, resolveLangevinConfig, checkTimeStep, MAX_PARTICLES, MAX_DIMENSIONS } from "./ensemble.js";
export type { LangevinOptions, LangevinConfig, LangevinScheme, LangevinCheckpoint } from "./ensemble.js";
export { runLangevin, runLangevinAsync, resolveLangevinRunConfig } from "./run.js";
export type { LangevinRunOptions, LangevinRunConfig, LangevinRunResult, LangevinProgress } from "./run.js";
export {
  resolvePotential,
  potentialAt,
  energy,
  force,
  energyOf,
  forceOf,
  curvatureOf,
  potentialDomain,
  POTENTIAL_KINDS,
  PARAMETERS,
} from "./potentials.js";
export type {
  Potential,
  PotentialOptions,
  PotentialKind,
  HarmonicOptions,
  DoubleWellOptions,
  RingOptions,
} from "./potentials.js";
export { resolveProtocol, corners, MAX_KNOTS } from "./protocols.js";
export type { Protocol, PiecewiseLinear, ResolvedProtocol } from "./protocols.js";
export { ringTheory, ringUncertaintyEnsemble } from "./uncertainty.js";
export type { RingParameters, RingUncertainty, RingEnsembleOptions, RingEnsembleUncertainty } from "./uncertainty.js";
export {
  solveFokkerPlanck,
  solveFokkerPlanckAsync,
  resolveFokkerPlanckConfig,
  fokkerPlanckSteadyState,
  densityAt,
  logDensityAt,
  DEFAULT_CELLS,
  MIN_CELLS,
  MAX_CELLS,
  MAX_CELL_DROP,
  MAX_CELL_STEPS,
} from "./fokker-planck.js";
export type {
  FokkerPlanckOptions,
  FokkerPlanckConfig,
  FokkerPlanckResult,
  FokkerPlanckProgress,
  FokkerPlanckSteadyOptions,
  FokkerPlanckSteadyState,
  GridDensity,
} from "./fokker-planck.js";
export {
  jarzynski,
  bennett,
  crooks,
  integralFluctuation,
  totalEntropyProduction,
  detailedFluctuation,
  RARE_EVENT_SAMPLES,
} from "./fluctuation.js";
export type {
  JarzynskiOptions,
  JarzynskiResult,
  BennettOptions,
  BennettResult,
  CrooksOptions,
  CrooksResult,
  LineFit,
  IntegralFluctuationResult,
  DetailedFluctuationOptions,
  DetailedFluctuationResult,
} from "./fluctuation.js";
export {
  erasureProtocol,
  landauerBound,
  runErasure,
  resolveErasureConfig,
  combineErasures,
  erasureFokkerPlanck,
  resolveErasureFokkerPlanckConfig,
  landauerFit,
  ERASURE_DEFAULTS,
  ERASURE_DT,
  ERASURE_SCHEME,
} from "./landauer.js";
export type {
  ErasureProtocolOptions,
  ErasureOptions,
  ErasureConfig,
  ErasureValue,
  ErasureFokkerPlanckOptions,
  ErasureFokkerPlanckValue,
  ErasureFokkerPlanckConfig,
  LandauerPoint,
  LandauerLineFit,
  LandauerFit,
} from "./landauer.js";
export { histogram } from "../math/histogram.js";
export type { Histogram, HistogramOptions } from "../math/histogram.js";
