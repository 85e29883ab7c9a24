/**
 * thermolearn: the thermodynamics of learning, with hot loops in SIMD WebAssembly.
 *
 * This is the browser-safe core: nothing reachable from here imports a `node:` module (a test bundles
 * it for the browser with esbuild). Node-only pieces have their own entries: `thermolearn/mnist`
 * (the MNIST loader), `thermolearn/node` (worker pools, progress bar, figures) and the CLI;
 * `thermolearn/plot` builds vega-lite specs (and SVG with the optional vega peers).
 * @module thermolearn
 */
export {
  init,
  initSync,
  preload,
  simdSupported,
  currentBackend,
  WebAssemblyUnavailableError,
  ScalarBuildNotLoadedError,
} from "./core/loader.js";
export type { Backend, InitOptions } from "./core/loader.js";
export { WasmModel, DisposedError, DivergedError, progress } from "./core/model.js";
export type { RunStatus, RunProgress, ResultHeader } from "./core/model.js";
export { Rng, streamSeed, resolveRngConfig } from "./rng.js";
export type { RngOptions, RngConfig } from "./rng.js";
export * from "./perceptron/index.js";
export * from "./hopfield/index.js";
export * from "./kernels/index.js";
export * from "./contrastive/index.js";
export * from "./markov/index.js";
export * from "./eqprop/index.js";
export * from "./langevin/index.js";
export { VERSION } from "./version.js";
