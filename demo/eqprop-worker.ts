/**
 * The equilibrium-propagation demo's worker: trains an EqProp network (src/eqprop/) on the page's
 * digits epoch by epoch, off the main thread. Loaded by demo/eqprop.ts as a module worker
 * (demo/dist/eqprop-worker.js).
 *
 * Messages in:  {type: "start", run, options, train, test, shown} | {type: "stop"}
 * Messages out (see {@link EqPropMessage}), each tagged with the `run` number of its start:
 *   {type: "started", backend, batchesPerEpoch}        once the network is built
 *   {type: "epoch", row, snapshot}                      epoch 0 (the untrained network), then after each epoch
 *   {type: "progress", epoch, fraction}                 within an epoch, at most every 50 ms
 *   {type: "done", status, parameters}                  "completed", "aborted" after a stop, or "diverged";
 *                                                       parameters: the trained network in the library's
 *                                                       TLEP format (EqProp.save, saveParameters), or null
 *   {type: "error", name, message}                      e.g. a TypeError naming a bad option
 *
 * An epoch's errors are the library's (EpochMetrics): the training error of the free phases before
 * each batch's update, and the held-out error from the held-out digits' persistent particles. The
 * epoch-0 held-out error is `predict` from zero states, which is the same measurement before any
 * training. A snapshot holds, for the first `shown` held-out digits (the ones the page displays), the
 * states of a free phase of `freeIterations` from zero states (`relax`: count × S, the hidden units
 * first, then the outputs): what `predict` relaxes too, so each digit's predicted class is the arg-max
 * of its outputs, which the page takes itself.
 */
import { EqProp, init, resolveEqPropConfig, type Backend, type EqPropVariant } from "../src/index.js";
import { errorReply, type ErrorReply } from "./page.js";

/** Digits as the page holds them: count × pixels bytes (0 … 255, row-major) and labels 0 … 9. */
export interface DigitSet {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface EqPropRequest {
  /** Layer sizes, input first (the page uses 784-500-10). */
  layers: number[];
  variant: EqPropVariant;
  seed: number;
  epochs: number;
}

/** One point of the error curve (errors as fractions; null where not measured). */
export interface EpochRow {
  epoch: number;
  trainError: number | null;
  testError: number | null;
  /** Wall time of the epoch in milliseconds (training and held-out evaluation). */
  elapsedMs: number;
}

/** The network's view of the displayed held-out digits after `epoch` epochs. */
export interface Snapshot {
  epoch: number;
  /** Free-phase states, count × S with S = the sum of the non-input layer sizes (hidden first, outputs last). */
  states: Float32Array;
}

export type EqPropWorkerRequest =
  | { type: "start"; run: number; options: EqPropRequest; train: DigitSet; test: DigitSet; shown: number }
  | { type: "stop" };
export type EqPropEvent =
  | { type: "started"; backend: Backend; batchesPerEpoch: number }
  | { type: "epoch"; row: EpochRow; snapshot: Snapshot }
  | { type: "progress"; epoch: number; fraction: number }
  | { type: "done"; status: "completed" | "aborted" | "diverged"; parameters: Uint8Array | null }
  | ({ type: "error" } & ErrorReply);
export type EqPropMessage = EqPropEvent & { run: number };

/** Most epochs one run may ask for. */
const MAX_EPOCHS = 200;
/** Least time between two progress messages. */
const PROGRESS_MS = 50;

const postMessage = (message: EqPropMessage, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer);
const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The run in progress; a new start or a stop aborts it. */
let current: AbortController | null = null;

self.onmessage = (event: MessageEvent<EqPropWorkerRequest>) => {
  const request = event.data;
  current?.abort();
  current = null;
  if (request.type === "start") {
    const controller = (current = new AbortController());
    void train(request, controller);
  }
};

/** Pixels as the network wants them: count × n₀ floats in [0, 1]. */
function toImages(set: DigitSet, n0: number): Float32Array {
  if (set.pixels.length !== set.count * n0)
    throw new RangeError(
      `the digits have ${set.pixels.length / Math.max(1, set.count)} pixels each, the input layer ${n0}`,
    );
  return Float32Array.from(set.pixels, (p) => p / 255);
}

function errorRate(predictions: Uint8Array, labels: Uint8Array): number {
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] !== labels[i]) wrong++;
  return wrong / labels.length;
}

async function train(
  request: Extract<EqPropWorkerRequest, { type: "start" }>,
  controller: AbortController,
): Promise<void> {
  const { run, options } = request;
  const post = (event: EqPropEvent, transfer: Transferable[] = []) => postMessage({ ...event, run }, transfer);
  let net: EqProp | undefined;
  try {
    const { layers, variant, seed, epochs } = options;
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > MAX_EPOCHS)
      throw new RangeError(`epochs must be an integer in [1, ${MAX_EPOCHS}], got ${epochs}`);
    const backend = await init(); // compiles the wasm asynchronously (once per worker)
    if (controller.signal.aborted) {
      post({ type: "done", status: "aborted", parameters: null });
      return;
    }
    const n0 = resolveEqPropConfig({ layers, variant, seed }).layers[0]; // names a bad option
    const trainSet = { images: toImages(request.train, n0), labels: request.train.labels };
    const testSet = { images: toImages(request.test, n0), labels: request.test.labels };
    net = new EqProp({ layers, variant, seed }, { train: trainSet, test: testSet }); // checks the digits too
    const model = net;
    if (!(Number.isInteger(request.shown) && request.shown >= 1 && request.shown <= request.test.count)) {
      throw new RangeError(`shown must be an integer in [1, ${request.test.count}], got ${request.shown}`);
    }
    const shown = testSet.images.subarray(0, request.shown * n0);
    const send = (row: EpochRow) => {
      const snapshot: Snapshot = { epoch: model.epoch, states: model.relax(shown) };
      post({ type: "epoch", row, snapshot }, [snapshot.states.buffer]);
    };
    post({ type: "started", backend, batchesPerEpoch: model.batchesPerEpoch });
    send({
      epoch: 0,
      trainError: null,
      testError: errorRate(model.predict(testSet.images), request.test.labels),
      elapsedMs: 0,
    });

    let last = 0;
    let status: "completed" | "aborted" | "diverged" = "completed";
    for (let epoch = 1; epoch <= epochs; epoch++) {
      await yieldToEvents(); // lets a stop in between epochs
      if (controller.signal.aborted) break;
      const m = await model.trainEpochAsync({
        signal: controller.signal,
        onProgress: (p) => {
          const now = performance.now();
          if (now - last < PROGRESS_MS && p.fraction < 1) return;
          last = now;
          post({ type: "progress", epoch, fraction: p.fraction });
        },
      });
      if (m.status !== "completed") {
        status = m.status;
        break;
      } // a diverged epoch is not shown
      send({ epoch: m.epoch, trainError: m.trainError, testError: m.testError, elapsedMs: m.elapsedMs });
    }
    // The parameters as saveParameters writes them (a diverged network has non-finite ones: none then).
    let parameters: Uint8Array | null = null;
    try {
      parameters = model.save();
    } catch {
      parameters = null;
    }
    const transfer = parameters ? [parameters.buffer] : [];
    post({ type: "done", status: controller.signal.aborted ? "aborted" : status, parameters }, transfer);
  } catch (error) {
    post({ type: "error", ...errorReply(error) });
  } finally {
    net?.dispose();
    if (current === controller) current = null;
  }
}
