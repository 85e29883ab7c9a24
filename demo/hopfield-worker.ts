/**
 * The Hopfield demo's capacity worker: runs capacity sweeps (runHopfieldCapacityAsync) off the main
 * thread. Loaded by demo/hopfield.ts as a module worker (demo/dist/hopfield-worker.js).
 *
 * Messages in:  {type: "start", run, options: CapacityRequest} | {type: "stop"}
 * Messages out (see {@link CapacityMessage}), each tagged with the `run` number of its start:
 *   {type: "progress", fraction}              after every network (fraction of all networks; 1 after the last)
 *   {type: "load", row}                        the results of one load, as soon as it is measured
 *   {type: "done", status, elapsedMs, ...}     "completed", or "aborted" after a stop
 *   {type: "error", name, message}             e.g. a RangeError naming a bad option
 *
 * One runHopfieldCapacityAsync call serves the whole sweep: its onLoad callback sends each load as soon as
 * it is measured, so the curve fills in while it is computed. Network (K, trial) uses its own
 * stream, so the page shows the same networks as `hopfield-capacity` with the same flags.
 */
import { init, runHopfieldCapacityAsync, type CapacityLoad, type StorageRule } from "../src/index.js";
import { errorReply, type ErrorReply } from "./page.js";

export interface CapacityRequest {
  n: number;
  rule: StorageRule;
  loads: number[];
  trials: number;
  seed: number;
}

/** One measured load (the entries of a CapacityResult at that load). */
export type CapacityRow = CapacityLoad;

export type CapacityWorkerRequest = { type: "start"; run: number; options: CapacityRequest } | { type: "stop" };
export type CapacityEvent =
  | { type: "progress"; fraction: number }
  | { type: "load"; row: CapacityRow }
  | {
      type: "done";
      status: "completed" | "aborted";
      elapsedMs: number;
      perfectRecallK: number | null;
      predictedPerfectRecallK: number;
    }
  | ({ type: "error" } & ErrorReply);
export type CapacityMessage = CapacityEvent & { run: number };

const postMessage = (message: CapacityMessage) => (self as unknown as Worker).postMessage(message);

/** The sweep in progress; a new start or a stop aborts it. */
let current: AbortController | null = null;

// The default build: SIMD, or the scalar build (a separate chunk, fetched here) where SIMD is missing.
const ready = init();

self.onmessage = (event: MessageEvent<CapacityWorkerRequest>) => {
  const request = event.data;
  current?.abort();
  current = null;
  if (request.type === "start") {
    const controller = (current = new AbortController());
    void sweep(request.run, request.options, controller);
  }
};

async function sweep(run: number, options: CapacityRequest, controller: AbortController): Promise<void> {
  // Tagged with the run, so a stopped sweep's last words are not taken for the next one's.
  const post = (event: CapacityEvent) => postMessage({ ...event, run });
  try {
    await ready;
    const r = await runHopfieldCapacityAsync({
      ...options,
      signal: controller.signal,
      onProgress: (p) => post({ type: "progress", fraction: p.fraction }),
      onLoad: (row) => post({ type: "load", row }),
    });
    post({
      type: "done",
      status: r.status,
      elapsedMs: r.elapsedMs,
      perfectRecallK: r.perfectRecallK,
      predictedPerfectRecallK: r.predictedPerfectRecallK,
    });
  } catch (error) {
    post({ type: "error", ...errorReply(error) });
  } finally {
    if (current === controller) current = null;
  }
}
