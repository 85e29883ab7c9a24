/**
 * The perceptron demo's Web Worker: runs the simulation off the main thread so the page never
 * freezes. Loaded by demo/perceptron.ts as a module worker (demo/dist/perceptron-worker.js).
 *
 * Messages in:  {type: "start", options: PerceptronOptions, tEnd: number} | {type: "stop"}
 * Messages out (see {@link WorkerMessage}):
 *   {type: "status", status: "running", backend}          after the simulation was created
 *   {type: "data", records, stepsPerSecond}               a batch of new records, ~every 30 ms
 *   {type: "status", status: "done" | "stopped" | "diverged", t}
 *   {type: "error", name, message}                        e.g. a RangeError naming a bad option
 */
import { Perceptron, type PerceptronOptions, type Backend } from "../src/index.js";
import { errorReply, type ErrorReply } from "./page.js";

/**
 * One recorded point of the trajectory (trajectory 0). The heats are cumulative, per weight, in nats:
 * `heat` is the total q/n, `housekeeping` the part batch learning would also dissipate and `excess`
 * the part due to the fluctuating inputs (heat = housekeeping + excess; docs/perceptron-theory.md §4).
 * The split is null for sampled inputs with batch = 1 (one input has no spread to estimate it from).
 */
export interface DemoRecord {
  t: number;
  steps: number;
  epsilon: number;
  heat: number;
  housekeeping: number | null;
  excess: number | null;
}

export type WorkerRequest = { type: "start"; options: PerceptronOptions; tEnd: number } | { type: "stop" };
export type WorkerMessage =
  | { type: "status"; status: "running"; backend: Backend }
  | { type: "status"; status: "done" | "stopped" | "diverged"; t: number }
  | { type: "data"; records: DemoRecord[]; stepsPerSecond: number }
  | ({ type: "error" } & ErrorReply);

/** Compute time between two posts (and between two looks at the message queue). */
const SLICE_MS = 30;
/** At most this many records per run, evenly spaced in t. */
const MAX_RECORDS = 1000;

const post = (message: WorkerMessage) => (self as unknown as Worker).postMessage(message);
const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));
/** A function, so TypeScript does not keep `status` narrowed across `step()` calls. */
const diverged = (sim: Perceptron) => sim.status === "diverged";

/** The run in progress; a new start or a stop flips its `stopped` flag. */
let current: { stopped: boolean } | null = null;

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (current) current.stopped = true;
  current = null;
  if (request.type === "start") {
    const run = (current = { stopped: false });
    void simulate(request.options, request.tEnd, run);
  }
};

async function simulate(options: PerceptronOptions, tEnd: number, run: { stopped: boolean }): Promise<void> {
  let sim: Perceptron | undefined;
  try {
    if (!(tEnd > 0) || !Number.isFinite(tEnd)) throw new RangeError(`t_end must be a finite number > 0, got ${tEnd}`);
    sim = new Perceptron(options); // throws TypeError/RangeError naming a bad option
    const s = sim;
    const totalSteps = Math.max(1, Math.round(tEnd / s.config.dt));
    const recordEvery = Math.max(1, Math.round(totalSteps / MAX_RECORDS));
    post({ type: "status", status: "running", backend: s.backend });

    const record = (): DemoRecord => {
      const o = s.observe();
      return {
        t: o.t,
        steps: o.steps,
        epsilon: o.epsilon[0],
        heat: o.heat[0],
        housekeeping: o.housekeepingHeat ? o.housekeepingHeat[0] : null,
        excess: o.excessHeat ? o.excessHeat[0] : null,
      };
    };
    let batch: DemoRecord[] = [record()];
    let chunk = 1; // steps per wasm call, adapted so that one call takes a few ms
    let computeMs = 0;

    while (s.steps < totalSteps && !diverged(s)) {
      const sliceStart = performance.now();
      while (s.steps < totalSteps && performance.now() - sliceStart < SLICE_MS) {
        const nextRecord = Math.min(totalSteps, (Math.floor(s.steps / recordEvery) + 1) * recordEvery);
        const t0 = performance.now();
        s.step(Math.min(chunk, nextRecord - s.steps));
        const ms = performance.now() - t0;
        if (ms < 2) chunk *= 2;
        else if (ms > 8 && chunk > 1) chunk = Math.floor(chunk / 2);
        if (diverged(s)) break;
        if (s.steps === nextRecord) batch.push(record());
      }
      computeMs += performance.now() - sliceStart;
      post({ type: "data", records: batch, stepsPerSecond: (s.steps / computeMs) * 1000 });
      batch = [];
      await yieldToEvents(); // lets a "stop" message in
      if (run.stopped) {
        post({ type: "status", status: "stopped", t: s.time });
        return;
      }
    }
    if (diverged(s)) post({ type: "status", status: "diverged", t: s.divergedAt ?? s.time });
    else post({ type: "status", status: "done", t: s.time });
  } catch (error) {
    post({ type: "error", ...errorReply(error) });
  } finally {
    sim?.dispose();
    if (current === run) current = null;
  }
}
