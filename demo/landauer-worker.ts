/**
 * The Landauer demo's Web Worker (demo/dist/landauer-worker.js, started by demo/landauer.ts): runs
 * erasure cycles of an overdamped Langevin ensemble in the double well (src/langevin/ensemble.ts),
 * off the main thread so the page never freezes.
 *
 * Each cycle is a fresh ensemble of `particles` trajectories started from the Boltzmann density of
 * the symmetric double well (a random bit: each well holds half the particles), stepped through the
 * protocol for τ/dt steps, then disposed. Cycle c uses trajectories c·particles … (c + 1)·particles − 1
 * of the seed (`firstTrajectory`), so every erasure has its own stream and a run is reproducible
 * bit for bit. The worker posts
 *
 *   {type: "started", run, backend, stepsPerCycle}           the ensemble was created (the options were fine)
 *   {type: "frame", run, cycle, t, x, density}               ~30 times a second: the time within the cycle,
 *                                                             the first `dots` positions, and the density of
 *                                                             all positions on `densityBins` cells of `xRange`
 *   {type: "cycle", run, cycle, work, heat, success, ...}    one finished erasure: each trajectory's work and
 *                                                             heat in k_BT (divided by D), and how many ended
 *                                                             in the right-hand well (x > 0, the tilt's side)
 *   {type: "error", run, name, message}                      e.g. a RangeError naming dt as too coarse, or
 *                                                             particles that left the stable region
 *   {type: "stopped", run}                                    after a stop request: the run has ended (no
 *                                                             more messages of it follow)
 *
 * Messages in: {type: "start", run, config} (stops any run in progress), {type: "pace", run, pace},
 * {type: "stop", run}. With pace "watch" a cycle lasts at least WATCH_MS of wall-clock time, so the
 * protocol can be followed by eye; with "fast" the worker computes as fast as it can (posting frames
 * between slices of ≤ SLICE_MS of computation, so it always answers a new message quickly).
 */
import { init, LangevinEnsemble, type Backend } from "../src/index.js";
import { erasureProtocol, resolveErasureConfig } from "../src/langevin/landauer.js";
import { errorReply, type ErrorReply } from "./page.js";

/** How the worker paces the cycles: "watch" (≥ WATCH_MS per cycle) or "fast" (as fast as it computes). */
export type Pace = "watch" | "fast";

/**
 * One run's settings, as the page read them (the library checks them here and names a bad one).
 * The cycle is src/langevin/landauer.ts `erasureProtocol` at its defaults (E = 8, B = 10, a₁ = 6),
 * stepped with its scheme (Heun) for its ⌈τ/dt⌉ steps, as `runErasure` does.
 */
export interface RunConfig {
  /** Cycle time τ (time units): one erasure runs from t = 0 to t = τ. */
  tau: number;
  /** Diffusion constant D = k_BT. */
  D: number;
  /** Time step (default on the page: ERASURE_DT = 2·10⁻³). */
  dt: number;
  /** Trajectories per cycle. */
  particles: number;
  seed: number;
  pace: Pace;
  /** How many positions each frame carries (the first ones of the ensemble). */
  dots: number;
  /** The x interval of the density strip, and its cells. */
  xRange: [number, number];
  densityBins: number;
}

export type WorkerRequest =
  | { type: "start"; run: number; config: RunConfig }
  | { type: "pace"; run: number; pace: Pace }
  | { type: "stop"; run: number };

export type WorkerMessage =
  | { type: "started"; run: number; backend: Backend; stepsPerCycle: number }
  | { type: "frame"; run: number; cycle: number; t: number; x: Float64Array; density: Float64Array }
  | {
      type: "cycle";
      run: number;
      cycle: number;
      /** Work W and heat Q of each trajectory over the cycle, in k_BT. */
      work: Float64Array;
      heat: Float64Array;
      /** Trajectories that ended at x > 0 (the erased bit's target well). */
      success: number;
      /** Wall-clock time the cycle took, and its computation alone (ms). */
      wallMs: number;
      computeMs: number;
    }
  | ({ type: "error"; run: number } & ErrorReply)
  | { type: "stopped"; run: number };

/** Computation between two frames (and two looks at the message queue), ms. */
const SLICE_MS = 30;
/** Wall-clock time between frames, ms (≈ 30 frames a second). */
const FRAME_MS = 33;
/** Shortest wall-clock time of one cycle with pace "watch", ms. */
export const WATCH_MS = 4000;

const post = (message: WorkerMessage, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The run in progress: a new start or a stop flips `stopped`; a pace message changes `pace`. */
let current: { run: number; stopped: boolean; pace: Pace } | null = null;
const ready = init();

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === "pace") {
    if (current && current.run === request.run) current.pace = request.pace;
    return;
  }
  const running = current;
  if (running) running.stopped = true;
  current = null;
  // A stop with no run in progress (it ended in an error, or never started) is answered at once;
  // otherwise simulate() answers when the run has let go of its ensemble.
  if (request.type === "stop" && !running) post({ type: "stopped", run: request.run });
  if (request.type === "start") {
    const run = (current = { run: request.run, stopped: false, pace: request.config.pace });
    void simulate(request.config, run);
  }
};

/**
 * The density of `x` on `bins` cells of [lo, hi]: a fraction of all particles per cell, those outside
 * counted in the edge cells.
 */
function density(x: Float64Array, [lo, hi]: [number, number], bins: number): Float64Array {
  const out = new Float64Array(bins);
  const scale = bins / (hi - lo);
  for (let i = 0; i < x.length; i++) {
    const b = Math.floor((x[i] - lo) * scale);
    out[b < 0 ? 0 : b >= bins ? bins - 1 : b] += 1 / x.length;
  }
  return out;
}

async function simulate(c: RunConfig, run: { run: number; stopped: boolean; pace: Pace }): Promise<void> {
  let ensemble: LangevinEnsemble | undefined;
  try {
    await ready;
    if (run.stopped) return;
    // Throws TypeError/RangeError naming tau, D, dt, particles or seed.
    const ec = resolveErasureConfig({ tau: c.tau, D: c.D, dt: c.dt, particles: c.particles, seed: c.seed });
    const potential = erasureProtocol({ tau: ec.tau, barrier: ec.barrier, tilt: ec.tilt, quartic: ec.quartic });
    const stepsPerCycle = ec.steps;
    let chunk = 64; // steps per step() call, adapted so one call takes a few ms
    let lastFrame = -Infinity;
    for (let cycle = 0; !run.stopped; cycle++) {
      // Throws RangeError naming dt when it is too coarse for the potential at this D.
      ensemble = new LangevinEnsemble({
        potential,
        D: ec.D,
        dt: ec.dt,
        scheme: ec.scheme,
        particles: ec.particles,
        seed: ec.seed,
        firstTrajectory: cycle * ec.particles,
      });
      const e = ensemble;
      if (cycle === 0) post({ type: "started", run: run.run, backend: e.backend, stepsPerCycle });
      const started = performance.now();
      let computeMs = 0;
      // At most one frame per FRAME_MS (short cycles in fast mode would post hundreds a second);
      // the run's first frame always.
      const frame = () => {
        const now = performance.now();
        if (now - lastFrame < FRAME_MS && !(cycle === 0 && e.steps === 0)) return;
        lastFrame = now;
        const x = e.positions();
        const dots = x.slice(0, Math.min(c.dots, x.length));
        const d = density(x, c.xRange, c.densityBins);
        post({ type: "frame", run: run.run, cycle, t: e.time, x: dots, density: d }, [dots.buffer, d.buffer]);
      };
      frame();
      while (e.steps < stepsPerCycle) {
        // With pace "watch" the cycle's steps are spread over WATCH_MS; otherwise all are due now.
        const due =
          run.pace === "watch"
            ? Math.min(stepsPerCycle, Math.ceil(((performance.now() - started + FRAME_MS) / WATCH_MS) * stepsPerCycle))
            : stepsPerCycle;
        const sliceStart = performance.now();
        while (e.steps < due && performance.now() - sliceStart < SLICE_MS) {
          const t0 = performance.now();
          e.step(Math.min(chunk, due - e.steps)); // throws RangeError naming dt if the potential gets too stiff
          const ms = performance.now() - t0;
          if (ms < 2 && chunk < 1 << 16) chunk *= 2;
          else if (ms > 8 && chunk > 1) chunk = Math.floor(chunk / 2);
        }
        computeMs += performance.now() - sliceStart;
        if (e.diverged > 0) {
          throw new RangeError(
            `${e.diverged} particles left the stable region of the potential at t = ${e.time.toPrecision(4)} ` +
              "(dt too coarse for this D and potential): use a smaller dt",
          );
        }
        frame();
        const wait = run.pace === "watch" ? Math.max(0, sliceStart + FRAME_MS - performance.now()) : 0;
        await sleep(wait); // lets a new message in
        if (run.stopped) return;
      }
      const kT = ec.D;
      const work = e.work().map((w) => w / kT);
      const heat = e.heat().map((q) => q / kT);
      let success = 0;
      for (const x of e.positions()) if (x > 0) success++;
      e.dispose();
      ensemble = undefined;
      const wallMs = performance.now() - started;
      post({ type: "cycle", run: run.run, cycle, work, heat, success, wallMs, computeMs }, [work.buffer, heat.buffer]);
    }
  } catch (error) {
    if (!run.stopped) post({ type: "error", run: run.run, ...errorReply(error) });
  } finally {
    ensemble?.dispose();
    if (current === run) current = null;
    // Stopped by a stop request (a new start replaces `current` instead): say the run has ended.
    if (run.stopped && current === null) post({ type: "stopped", run: run.run });
  }
}
