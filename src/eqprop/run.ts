/**
 * Long EqProp runs: train a fresh network for a number of epochs and record each epoch's errors and
 * energies as columns (runEqProp synchronously, runEqPropAsync yielding to the event loop).
 */
import { checkRunCallbacks, driveAsync, driveSync } from "../core/drive.js";
import { progress, resultHeader, type ResultHeader, type RunStatus } from "../core/model.js";
import * as check from "../core/validate.js";
import { MAX_COUNT } from "../core/validate.js";
import type { Dataset } from "../data/dataset.js";
import { OPTION_KEYS, type EqPropConfig, type EqPropOptions } from "./config.js";
import type { EqPropParameters } from "./format.js";
import { EqProp, epochLoopOf, type EpochMetrics, type EpochProgress, type EqPropDivergence } from "./network.js";

/** Options of {@link runEqProp}: the network's options (see {@link EqPropOptions}) and the run's. */
export interface EqPropRunOptions extends EqPropOptions {
  /** The training set (copied into wasm memory). Required. */
  train: Dataset;
  /** The held-out set evaluated after each epoch. Optional: without it the test columns are null. */
  test?: Dataset;
  /** Epochs to train, an integer ≥ 0. Required. */
  epochs: number;
  /** Called after each mini-batch: done/total count the run's batches (epochs × batches per epoch). */
  onProgress?: (p: EpochProgress) => void;
  /** Stops after the current mini-batch; the epoch it interrupts is not recorded. */
  signal?: AbortSignal;
}

/** Result of {@link runEqProp}: one row per completed epoch, as columns. */
export interface EqPropRunResult extends ResultHeader<EqPropConfig> {
  /** Mini-batches trained in all (those of an aborted or diverged last epoch included). */
  batches: number;
  /** Epoch numbers 1 … n of the completed epochs. */
  epoch: Float64Array;
  /** Fraction of training examples misclassified by each epoch's free phases, before each batch's update. */
  trainError: Float64Array;
  /** Mean free-phase energy E of the training examples in each epoch. */
  trainEnergy: Float64Array;
  /** Held-out error after each epoch; null without a test set. */
  testError: Float64Array | null;
  /** Mean free energy of the held-out examples after each epoch; null without a test set. */
  testEnergy: Float64Array | null;
  /** Wall-clock milliseconds of each epoch (training and evaluation). */
  epochMs: Float64Array;
  /** The trained parameters; null when the run diverged (they are no longer finite or bounded). */
  parameters: EqPropParameters | null;
  /** Where and why training diverged (status "diverged"), else null. */
  divergence: EqPropDivergence | null;
}

const RUN_KEYS = [...OPTION_KEYS, "train", "test", "epochs", "onProgress", "signal"] as const;

/** The run as a generator yielding after each mini-batch. */
function* runLoop(options: EqPropRunOptions): Generator<void, EqPropRunResult> {
  const t0 = performance.now();
  const o = check.options("runEqProp", options, RUN_KEYS);
  checkRunCallbacks(o);
  const { train, test, epochs: epochsIn, onProgress, signal, ...networkOptions } = o;
  if (train === undefined) throw new TypeError("runEqProp: train is required ({ images, labels })");
  const epochs = check.integer("epochs", epochsIn, 0, MAX_COUNT);
  const net = new EqProp(networkOptions, test === undefined ? { train } : { train, test });
  try {
    const total = epochs * net.batchesPerEpoch;
    const rows: EpochMetrics[] = [];
    let status: RunStatus = "completed",
      batches = 0;
    for (let e = 0; e < epochs; e++) {
      if (signal?.aborted) {
        status = "aborted";
        break;
      }
      const before = batches;
      const report =
        onProgress &&
        ((p: EpochProgress) => onProgress({ ...progress(before + p.done, total), epoch: p.epoch, batch: p.batch }));
      const m = yield* epochLoopOf(net, { onProgress: report, signal });
      batches += m.batches;
      if (m.status !== "completed") {
        status = m.status;
        break;
      }
      rows.push(m);
    }
    const column = (pick: (m: EpochMetrics) => number) => Float64Array.from(rows, pick);
    const held = test !== undefined;
    return {
      ...resultHeader(net.config, net.backend, status, performance.now() - t0),
      batches,
      epoch: column((m) => m.epoch),
      trainError: column((m) => m.trainError),
      trainEnergy: column((m) => m.trainEnergy),
      testError: held ? column((m) => m.testError ?? 0) : null,
      testEnergy: held ? column((m) => m.testEnergy ?? 0) : null,
      epochMs: column((m) => m.elapsedMs),
      parameters: status === "diverged" ? null : net.parameters(),
      divergence: net.divergence,
    };
  } finally {
    net.dispose();
  }
}

/**
 * Trains a new network ({@link EqProp}) on `train` for `epochs` epochs, evaluating on `test` after
 * each, and returns the per-epoch metrics as Float64Array columns with the version, configuration,
 * backend, status ("completed", "aborted" by the signal, "diverged") and elapsed time. Epochs are
 * those of {@link EqProp.trainEpoch}: the same seed gives the same bits.
 * @throws TypeError/RangeError naming the option, image or label at fault (as {@link EqProp}).
 * @example
 * ```ts
 * import { runEqProp } from "thermolearn";
 * const images = Float32Array.from({ length: 64 * 4 }, (_, i) => ((i * 0.618) % 1));
 * const labels = Int32Array.from({ length: 64 }, (_, i) => (images[4 * i] > 0.5 ? 1 : 0));
 * const r = runEqProp({ layers: [4, 16, 2], batchSize: 8, train: { images, labels }, epochs: 3 });
 * console.log(r.status, r.trainError); // "completed", ≈ [0.52, 0.34, 0.17]: one error rate per epoch
 * ```
 */
export function runEqProp(options: EqPropRunOptions): EqPropRunResult {
  return driveSync(runLoop(options));
}

/**
 * As {@link runEqProp}, yielding to the event loop about every 30 ms (onProgress and signal stay live).
 * @throws TypeError/RangeError naming the option, image or label at fault, as {@link runEqProp} (the promise rejects).
 * @example
 * ```ts
 * import { runEqPropAsync } from "thermolearn";
 * const images = Float32Array.from({ length: 64 * 4 }, (_, i) => ((i * 0.618) % 1));
 * const labels = Int32Array.from({ length: 64 }, (_, i) => (images[4 * i] > 0.5 ? 1 : 0));
 * const r = await runEqPropAsync({ layers: [4, 16, 2], batchSize: 8, train: { images, labels }, epochs: 2 });
 * console.log(r.status, r.epoch); // "completed", [1, 2]
 * ```
 */
export function runEqPropAsync(options: EqPropRunOptions): Promise<EqPropRunResult> {
  return driveAsync(runLoop(options));
}
