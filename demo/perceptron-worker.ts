/**
 * The perceptron demo's Web Worker: runs the simulation off the main thread so the page never
 * freezes. Loaded by demo/perceptron.ts as a module worker (demo/dist/perceptron-worker.js).
 *
 * Messages in:  {type: "start", options: PerceptronOptions, tEnd: number} | {type: "stop"}
 * Messages out (see {@link WorkerMessage}):
 *   {type: "status", status: "running", backend, recordEvery}   after the simulation was created
 *   {type: "data", records, stepsPerSecond}                     a batch of new records, ~every 30 ms
 *   {type: "status", status: "done" | "stopped" | "diverged", t, checkpoint, teachers}
 *   {type: "error", name, message}                              e.g. a RangeError naming a bad option
 *
 * Records are taken every `recordEvery` = max(1, round(steps/1000)) steps, and hold the ensemble means
 * of the `trajectories` trajectories as runPerceptron records them (the same running mean, the same
 * η = I/(ΔS + q/(nD))), so a run here equals `runPerceptron({ ...options, tEnd, recordEvery })` record for
 * record.
 */
import { init, Perceptron, type PerceptronCheckpoint, type PerceptronOptions, type Backend } from "../src/index.js";
import { errorReply, type ErrorReply } from "./page.js";

/**
 * One recorded point: ensemble means over the trajectories. The heats are cumulative, per weight, in
 * nats: `heat` is the total q/n, `housekeeping` the part batch learning would also dissipate and `excess`
 * the part due to the fluctuating inputs (heat = housekeeping + excess; docs/perceptron-theory.md §4).
 * The split is null for sampled inputs with batch = 1 (one input has no spread to estimate it from).
 * `information` is I = ln 2 − S(ε) (nats), `entropyChange` ΔS(w_n) per weight (nats, from the ensemble's
 * weight variance: null for one trajectory) and `efficiency` η = I/(ΔS + q/(nD)) where that denominator
 * is > 0, else 0 (null with entropyChange): the library's PerceptronResult columns of the same names.
 */
export interface DemoRecord {
  t: number;
  steps: number;
  epsilon: number;
  heat: number;
  housekeeping: number | null;
  excess: number | null;
  information: number;
  entropyChange: number | null;
  efficiency: number | null;
}

export type WorkerRequest = { type: "start"; options: PerceptronOptions; tEnd: number } | { type: "stop" };
export type WorkerMessage =
  | { type: "status"; status: "running"; backend: Backend; recordEvery: number }
  | {
      type: "status";
      status: "done" | "stopped" | "diverged";
      t: number;
      /** The library's save format of the final state (weights, generator states, heat sums), or null if it failed. */
      checkpoint: PerceptronCheckpoint | null;
      /** Each trajectory's teacher T (n numbers), which the checkpoint leaves to the seed. */
      teachers: number[][];
    }
  | { type: "data"; records: DemoRecord[]; stepsPerSecond: number }
  | ({ type: "error" } & ErrorReply);

/** Compute time between two posts (and between two looks at the message queue). */
const SLICE_MS = 30;
/** At most this many records per run, evenly spaced in t. */
const MAX_RECORDS = 1000;

const post = (message: WorkerMessage) => (self as unknown as Worker).postMessage(message);
const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));
/**
 * Mean by the running update m += (x − m)/(i + 1): runPerceptron's, so that the means agree to the bit.
 */
function mean(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += (x[i] - m) / (i + 1);
  return m;
}
const meanOrNull = (x: Float64Array | null) => (x ? mean(x) : null);

/** A function, so TypeScript does not keep `status` narrowed across `step()` calls. */
const diverged = (sim: Perceptron) => sim.status === "diverged";

/** The run in progress; a new start or a stop flips its `stopped` flag. */
let current: { stopped: boolean } | null = null;

// The default build: SIMD, or the scalar build (a separate chunk, fetched here) where SIMD is missing.
const ready = init();

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
    await ready;
    sim = new Perceptron(options); // throws TypeError/RangeError naming a bad option
    const s = sim;
    const totalSteps = Math.max(1, Math.round(tEnd / s.config.dt));
    const recordEvery = Math.max(1, Math.round(totalSteps / MAX_RECORDS));
    post({ type: "status", status: "running", backend: s.backend, recordEvery });

    /** Once ΔS is null it stays null (runPerceptron then leaves the whole column out). */
    let hasEntropy = true;
    const record = (): DemoRecord => {
      const o = s.observe();
      const heat = mean(o.heat),
        information = mean(o.information);
      const entropyChange = hasEntropy ? s.entropyChange() : null;
      if (entropyChange === null) hasEntropy = false;
      const cost = entropyChange === null ? NaN : entropyChange + heat / s.config.D;
      return {
        t: o.t,
        steps: o.steps,
        epsilon: mean(o.epsilon),
        heat,
        housekeeping: meanOrNull(o.housekeepingHeat),
        excess: meanOrNull(o.excessHeat),
        information,
        entropyChange,
        efficiency: entropyChange === null ? null : cost > 0 ? information / cost : 0,
      };
    };
    const saved = (): PerceptronCheckpoint | null => {
      try {
        return s.checkpoint();
      } catch {
        return null; // e.g. a diverged state; the results are exported without it
      }
    };
    const final = () => ({
      t: s.time,
      checkpoint: saved(),
      teachers: Array.from({ length: s.config.trajectories }, (_, j) => Array.from(s.teacher(j))),
    });
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
        post({ type: "status", status: "stopped", ...final() });
        return;
      }
    }
    if (diverged(s)) post({ type: "status", status: "diverged", ...final(), t: s.divergedAt ?? s.time });
    else post({ type: "status", status: "done", ...final() });
  } catch (error) {
    post({ type: "error", ...errorReply(error) });
  } finally {
    sim?.dispose();
    if (current === run) current = null;
  }
}
