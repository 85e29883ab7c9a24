/**
 * The lifecycle every stateful model shares (issue #10): one wasm instance and its backend, an
 * idempotent `dispose()` with `[Symbol.dispose]`, the memory-budget check that names the option
 * asking for too much, and the errors and result header all models use.
 *
 * A model is written as
 *
 *     export function resolveXConfig(options?: XOptions): XConfig   // validation once, unknown keys refused
 *     export class X extends WasmModel {
 *       constructor(options?: XOptions) { const config = resolveXConfig(options); super("X", config.backend); … }
 *       step(count = 1): number          // steps actually taken (sweeps, mini-batches, chain steps …)
 *       checkpoint(): XCheckpoint        // versioned; restore() replays bit for bit
 *       restore(state: XCheckpoint): void
 *     }
 *     export function runX(options): XResult            // long run, synchronous
 *     export function runXAsync(options): Promise<XResult>  // the same, with onProgress and signal
 *
 * and its results start with {@link ResultHeader}.
 */
import type { Backend } from "./loader.js";
import { MAX_MEMORY_BYTES } from "./abi.js";
import { DisposedError, WasmInstance, formatBytes } from "./instance.js";
import { VERSION } from "../version.js";

export { DisposedError };

/** How a long run ended. "running" only describes a live model (see each model's `status`). */
export type RunStatus = "completed" | "aborted" | "diverged";

/**
 * Thrown when a model's state became non-finite (or left its stated bounds) and it can no longer
 * step. `detail` says where: e.g. `{ time: 0.42 }` for the perceptron, `{ batch: 17 }` for EqProp.
 * @example
 * ```ts
 * import { DivergedError, perceptronSteadyState } from "thermolearn";
 * try {
 *   perceptronSteadyState({ rule: "alphatron", alpha: 1.5 }); // no steady state: Q grows without bound
 * } catch (error) {
 *   if (!(error instanceof DivergedError)) throw error;
 *   console.log(error.detail); // { time: … }, where Q passed 10¹²
 * }
 * ```
 */
export class DivergedError extends Error {
  constructor(
    message: string,
    /** Where it diverged, e.g. `{ time: 0.42 }` (perceptron) or `{ batch: 17 }` (EqProp). */
    readonly detail: Readonly<Record<string, number | string>> = {},
  ) {
    super(message);
    this.name = "DivergedError";
  }
}

/** The progress report every long run passes to `onProgress`. Models add their own fields (t, load …). */
export interface RunProgress {
  /** Units of work done so far (steps, sweeps, batches, tasks). */
  done: number;
  /** Units of work in the whole run. */
  total: number;
  /** done / total, in [0, 1] (1 for an empty run). */
  fraction: number;
}

/**
 * `{ done, total, fraction }` with fraction 1 for an empty run.
 * @example
 * ```ts
 * import { progress } from "thermolearn";
 * console.log(progress(3, 4)); // { done: 3, total: 4, fraction: 0.75 }
 * ```
 */
export function progress(done: number, total: number): RunProgress {
  return { done, total, fraction: total > 0 ? done / total : 1 };
}

/** The fields every long run's result starts with. */
export interface ResultHeader<Config> {
  /** The thermolearn version that produced the result. */
  version: string;
  /** The resolved configuration (every default filled in). */
  config: Config;
  /** The wasm build that ran: "simd" or "scalar". */
  backend: Backend;
  /** "completed", "diverged" (a trajectory's state blew up) or "aborted" (by the run's `signal`). */
  status: RunStatus;
  /** Wall-clock time of the run, milliseconds. */
  elapsedMs: number;
}

/** The header of a result: version, config, backend, status and elapsed time. */
export function resultHeader<Config>(
  config: Config,
  backend: Backend,
  status: RunStatus,
  elapsedMs: number,
): ResultHeader<Config> {
  return { version: VERSION, config, backend, status, elapsedMs };
}

/**
 * Refuses a model whose wasm memory would exceed the module's limit, naming the option most
 * responsible (`culprit`), e.g. "trainSize too large: this simulation needs 5.00 GiB of wasm memory,
 * more than the 4.00 GiB limit".
 * @throws RangeError naming `culprit`.
 */
export function checkMemoryBudget(bytes: number, culprit: string, what = "this model"): void {
  if (bytes <= MAX_MEMORY_BYTES) return; // also refuses NaN
  throw new RangeError(
    `${culprit} too large: ${what} needs ${formatBytes(bytes)} of wasm memory, more than the ` +
      `${formatBytes(MAX_MEMORY_BYTES)} limit`,
  );
}

/**
 * The base of every stateful model: owns its wasm instance (one per model, so models never share
 * memory) and frees it on {@link WasmModel.dispose}.
 * @example
 * ```ts
 * import { Rng, WasmModel } from "thermolearn";
 * const rng = new Rng({ seed: 1 });
 * console.log(rng instanceof WasmModel, rng.backend); // true, "simd"
 * rng.dispose();
 * console.log(rng.disposed); // true
 * ```
 */
export abstract class WasmModel {
  /** The model's own wasm instance; its `exports` throw {@link DisposedError} after dispose. */
  protected readonly wasm: WasmInstance;
  /** The backend the model runs on: "simd" or "scalar". */
  readonly backend: Backend;

  /** @param name the class name, used in {@link DisposedError}'s message. */
  protected constructor(name: string, backend?: Backend) {
    this.wasm = new WasmInstance(name, backend);
    this.backend = this.wasm.backend;
  }

  /** Whether {@link WasmModel.dispose} was called. */
  get disposed(): boolean {
    return this.wasm.disposed;
  }

  /** Frees the wasm instance and its memory. Idempotent; any later use throws {@link DisposedError}. */
  dispose(): void {
    this.wasm.dispose();
  }

  /** Same as {@link WasmModel.dispose}, for `using` (compiled by TypeScript ≥ 5.2; native in Node 24+, not 20). */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
