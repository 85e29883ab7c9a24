/**
 * The Hopfield demo's capacity worker: runs capacity sweeps (runHopfieldCapacity) off the main
 * thread. Loaded by demo/hopfield.ts as a module worker (demo/dist/hopfield-worker.js).
 *
 * Messages in:  {type: "start", run, options: CapacityRequest} | {type: "stop"}
 * Messages out (see {@link CapacityMessage}), each tagged with the `run` number of its start:
 *   {type: "progress", fraction, load}        after every network (fraction of all networks)
 *   {type: "load", row}                        the results of one load, as soon as it is measured
 *   {type: "done", status, elapsedMs, ...}     "completed", or "aborted" after a stop
 *   {type: "error", name, message}             e.g. a RangeError naming a bad option
 *
 * So that the curve fills in while it is computed, each load is its own runHopfieldCapacity call
 * (runHopfieldCapacity reports results only at its end; onProgress carries no data). Every call
 * uses the same seed, so load L's networks are those of a one-load sweep at L: neighbouring loads
 * share their first patterns (common random numbers, which makes the curves smoother). A single
 * call with all loads would number its networks' streams by load index and give other samples.
 */
import { runHopfieldCapacity, type StorageRule } from "../src/index.js";

export interface CapacityRequest { n: number; rule: StorageRule; loads: number[]; trials: number; seed: number }

/** One measured load (the entries of a CapacityResult at that load). */
export interface CapacityRow {
  load: number;
  k: number;
  unstableFraction: number;
  unstableStdError: number;
  predictedUnstable: number;
  /** Exact finite-N expectation (Hebbian only), else null. */
  exactUnstable: number | null;
  retrievalOverlap: number;
  retrievalStdError: number;
  perfectRecallFraction: number;
}

export type CapacityWorkerRequest = { type: "start"; run: number; options: CapacityRequest } | { type: "stop" };
export type CapacityEvent =
  | { type: "progress"; fraction: number; load: number }
  | { type: "load"; row: CapacityRow }
  | { type: "done"; status: "completed" | "aborted"; elapsedMs: number; perfectRecallK: number | null; predictedPerfectRecallK: number }
  | { type: "error"; name: string; message: string };
export type CapacityMessage = CapacityEvent & { run: number };

const postMessage = (message: CapacityMessage) => (self as unknown as Worker).postMessage(message);

/** The sweep in progress; a new start or a stop aborts it. */
let current: AbortController | null = null;

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
  const started = performance.now();
  const { n, rule, loads, trials, seed } = options;
  const rows: CapacityRow[] = [];
  let predictedPerfectRecallK = NaN;
  try {
    for (const [index, load] of loads.entries()) {
      if (controller.signal.aborted) break;
      const r = await runHopfieldCapacity({
        n, rule, loads: [load], trials, seed, signal: controller.signal,
        onProgress: (p) => post({ type: "progress", fraction: (index + p.fraction) / loads.length, load }),
      });
      predictedPerfectRecallK = r.predictedPerfectRecallK;
      if (r.unstableFraction.length === 0) break; // stopped before the first network of this load
      const row: CapacityRow = {
        load, k: r.k[0], unstableFraction: r.unstableFraction[0], unstableStdError: r.unstableStdError[0],
        predictedUnstable: r.predictedUnstable[0], exactUnstable: r.exactUnstable?.[0] ?? null,
        retrievalOverlap: r.retrievalOverlap[0], retrievalStdError: r.retrievalStdError[0],
        perfectRecallFraction: r.perfectRecallFraction[0],
      };
      rows.push(row);
      post({ type: "load", row });
      if (r.status === "aborted") break; // a load cut short is reported, then the sweep ends
    }
    // As CapacityResult.perfectRecallK: the largest K whose networks mostly store every pattern.
    const perfect = rows.filter((r) => r.perfectRecallFraction >= 0.5).map((r) => r.k);
    post({
      type: "done", status: controller.signal.aborted ? "aborted" : "completed", elapsedMs: performance.now() - started,
      perfectRecallK: perfect.length ? Math.max(...perfect) : null, predictedPerfectRecallK,
    });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: "error", name: e.name, message: e.message });
  } finally {
    if (current === controller) current = null;
  }
}
