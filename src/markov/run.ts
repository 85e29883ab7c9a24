/**
 * The ladder's long run: its response to a signal s(t) and what the response costs. The chain starts
 * in its steady state at s0, steps under a piecewise-constant stimulus on the dt grid (exactly, as
 * {@link LadderChain}), and records the receptor's activity (top-rail occupancy) and the entropy
 * production: the rate σ(t) and its integral, the dissipation, whose trade-off with the adaptation
 * accuracy is the subject of Lan et al., Nat. Phys. 8, 422 (2012). `runLadder` runs synchronously,
 * `runLadderAsync` yields to the event loop. The activity after each step has the bits of
 * `LadderChain.follow` (the same chain, the same sums).
 */
import { checkRunCallbacks, driveAsync, driveSync } from "../core/drive.js";
import type { Backend } from "../core/loader.js";
import { progress, resultHeader, type ResultHeader, type RunProgress, type RunStatus } from "../core/model.js";
import * as check from "../core/validate.js";
import { MAX_COUNT } from "../core/validate.js";
import { propagatorWork } from "./chain.js";
import {
  LadderChain,
  buildLadder,
  checkRepresentable,
  resolveLadder,
  type LadderConfig,
  type LadderParams,
} from "./ladder.js";
import { MAX_WORK } from "./rates.js";
import { entropyRate } from "./steady.js";

/** What `onProgress` receives: steps done of the run's total, and the time t = done·dt reached. */
export interface LadderProgress extends RunProgress {
  /** Time reached, steps·dt. */
  t: number;
}

/** Options of {@link runLadder} and {@link runLadderAsync}. */
export interface LadderRunOptions extends Omit<LadderParams, "s"> {
  /** Time step, > 0. Default 5·10⁻⁴ (as {@link ladderKernel}). */
  dt?: number;
  /** Signal before t = 0: the chain starts in its steady state there. Default 0. */
  s0?: number;
  /**
   * The signal during each step: step k (from t_k to t_{k+1}) runs under s = stimulus[k], so the run
   * has stimulus.length steps. Called `stimulus` because `signal` is the AbortSignal of every long
   * run. Default: a step to `s1` held for `steps` steps.
   */
  stimulus?: ArrayLike<number>;
  /** Without a stimulus: the signal after the step at t = 0. Default 200. */
  s1?: number;
  /** Without a stimulus: the steps to run. Default round(5/dt) (10⁴ at the default dt). */
  steps?: number;
  /** Record every this many steps (and after the last). Default ⌈steps/10⁴⌉. */
  recordEvery?: number;
  /** Force the "simd" or "scalar" build (they give identical bits). */
  backend?: Backend;
  /** Called after each chunk of steps. */
  onProgress?: (progress: LadderProgress) => void;
  /** Stops the run early; the result then has status "aborted" and holds what was recorded. */
  signal?: AbortSignal;
}

/** The resolved options of a ladder run. */
export interface LadderRunConfig extends Omit<LadderConfig, "s"> {
  /** {@inheritDoc LadderRunOptions.dt} */
  dt: number;
  /** {@inheritDoc LadderRunOptions.s0} */
  s0: number;
  /** The signal during each step (length `steps`). */
  stimulus: Float64Array;
  /** Steps to run (stimulus.length). */
  steps: number;
  /** {@inheritDoc LadderRunOptions.recordEvery} */
  recordEvery: number;
  /** The requested build, or undefined for the loaded one. */
  backend: Backend | undefined;
}

/**
 * A ladder run: `version`, `config`, `backend`, `status` ("completed", or "aborted" by the signal)
 * and `elapsedMs`, then one row per record (t = 0, then every `recordEvery` steps and after the last)
 * in Float64Array columns of equal length.
 */
export interface LadderRunResult extends ResultHeader<LadderRunConfig> {
  /** Steps run. */
  steps: number;
  /** Time t_k = k·dt of each record. */
  t: Float64Array;
  /** The signal in force over the step that ended at t (s0 at t = 0). */
  s: Float64Array;
  /** Top-rail occupancy Σ_{m<M} p_m(t): the receptor's activity. */
  activity: Float64Array;
  /**
   * Schnakenberg entropy production rate σ(t) (nats per time unit, see {@link entropyProduction}) of
   * p(t) under the rates in force over the step that ended at t (+∞ when a transition is one-way, γ = 0).
   */
  entropyRate: Float64Array;
  /**
   * The dissipation ∫₀ᵗ σ dt′ (nats), by the trapezoid rule over every step of the grid (not only the
   * recorded ones), each step's two ends under that step's rates.
   */
  entropy: Float64Array;
}

const RUN_KEYS = [
  "rungs",
  "gamma",
  "F",
  "KI",
  "KA",
  "dt",
  "s0",
  "stimulus",
  "s1",
  "steps",
  "recordEvery",
  "backend",
  "onProgress",
  "signal",
] as const;

/** Steps per chunk between progress reports and abort checks (the chain returns p after each). */
const CHUNK_STEPS = 4096;

/** The stimulus as given, each value checked (finite, ≥ 0). */
function checkStimulus(value: unknown): Float64Array {
  if (!(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))) {
    throw new TypeError("stimulus must be an array or a typed array of numbers");
  }
  const list = value as ArrayLike<unknown>;
  if (list.length > MAX_COUNT) throw new RangeError(`stimulus has ${list.length} steps, more than 2³¹ − 1`);
  const out = new Float64Array(list.length);
  for (let k = 0; k < list.length; k++) {
    const s = list[k];
    if (!(typeof s === "number" && s >= 0 && Number.isFinite(s))) {
      throw new RangeError(`stimulus[${k}] must be finite and ≥ 0, got ${s}`);
    }
    out[k] = s;
  }
  return out;
}

/**
 * Validates a run's options once (unknown keys refused), fills in the defaults, and checks the whole
 * run's work (a propagator per run of equal s, n² per step) against the limit 2⁴⁰ multiply-adds.
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * ```ts
 * import { resolveLadderRunConfig } from "thermolearn";
 * const c = resolveLadderRunConfig({ gamma: 0.1 });
 * console.log(c.dt, c.steps, c.recordEvery); // 0.0005, 10000, 1
 * ```
 */
export function resolveLadderRunConfig(options?: LadderRunOptions, what = "runLadder"): LadderRunConfig {
  const o = check.options(what, options, RUN_KEYS);
  const ladder = resolveLadder(what, o, RUN_KEYS);
  const dt = check.positive("dt", o.dt ?? 5e-4);
  const s0 = check.nonNegative("s0", o.s0 ?? 0);
  let stimulus: Float64Array;
  if (o.stimulus !== undefined) {
    if (o.s1 !== undefined || o.steps !== undefined) throw new TypeError("give stimulus, or s1 and steps, not both");
    stimulus = checkStimulus(o.stimulus);
  } else {
    const s1 = check.nonNegative("s1", o.s1 ?? 200);
    const steps = check.integer("steps", o.steps ?? Math.round(5 / dt), 0, MAX_COUNT);
    stimulus = new Float64Array(steps).fill(s1);
  }
  const steps = stimulus.length;
  const defaultEvery = Math.max(1, Math.ceil(steps / 10_000));
  const recordEvery = check.integer("recordEvery", o.recordEvery ?? defaultEvery, 1, MAX_COUNT);
  const backend = check.backend(o.backend);
  checkRunCallbacks(o);
  checkRunWork(ladder, s0, stimulus, dt);
  const { s: _s, ...params } = ladder;
  return { ...params, dt, s0, stimulus, steps, recordEvery, backend };
}

/** Refuses a run whose propagators and steps would cost more than 2⁴⁰ multiply-adds, or whose rates overflow. */
function checkRunWork(ladder: LadderConfig, s0: number, stimulus: Float64Array, dt: number): void {
  let runs = 0,
    lo = s0,
    hi = s0,
    previous = s0;
  for (let k = 0; k < stimulus.length; k++) {
    const s = stimulus[k];
    if (s !== previous) runs++;
    previous = s;
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  const n = 2 * ladder.rungs;
  // λ(s) is largest at an end of [lo, hi] (as LadderChain.follow); s0's propagator is built once.
  const work = (s: number) => {
    const c = { ...ladder, s };
    checkRepresentable(c);
    return propagatorWork(buildLadder(c), n, dt);
  };
  const perRun = Math.max(work(lo), work(hi));
  const total = (runs + 1) * perRun + stimulus.length * n ** 2;
  if (total > MAX_WORK) {
    throw new RangeError(
      `stimulus: ${stimulus.length} steps in ${runs} runs of equal s need ${total.toExponential(2)} multiply-adds ` +
        `(a propagator per run, ${perRun.toExponential(2)} each), more than the limit 2⁴⁰ ≈ 1.1e12`,
    );
  }
}

/** The run's records, packed into columns at the end. */
class Records {
  readonly t: number[] = [];
  readonly s: number[] = [];
  readonly activity: number[] = [];
  readonly entropyRate: number[] = [];
  readonly entropy: number[] = [];

  push(t: number, s: number, activity: number, rate: number, entropy: number): void {
    this.t.push(t);
    this.s.push(s);
    this.activity.push(activity);
    this.entropyRate.push(rate);
    this.entropy.push(entropy);
  }
}

/**
 * Σ_{m<M} p_m of a distribution as {@link LadderChain.observeTop} sums it in wasm (`markov_step`'s
 * w·p: even-index plus odd-index partial sums from −0), so the activity column has its bits.
 */
function topOf(p: ArrayLike<number>, rungs: number): number {
  let even = -0,
    odd = -0;
  for (let i = 0; i < rungs; i++) {
    if (i % 2 === 0) even += p[i];
    else odd += p[i];
  }
  return even + odd;
}

/** The run as a generator that yields after each chunk, so the sync and async drivers share it. */
function* runLoop(what: string, options: LadderRunOptions | undefined): Generator<void, LadderRunResult> {
  const config = resolveLadderRunConfig(options, what);
  const { rungs, gamma, F, KI, KA, dt, s0, stimulus, steps, recordEvery, backend } = config;
  const chain = new LadderChain({ rungs, gamma, F, KI, KA, s: s0, dt, ...(backend === undefined ? {} : { backend }) });
  try {
    const started = performance.now();
    const n = chain.n,
      records = new Records();
    let rates = chain.rates();
    let left = entropyRate(rates, n, chain.probabilities()),
      entropy = 0;
    records.push(0, s0, chain.topOccupancy(), left, 0);
    let status: RunStatus = "completed",
      done = 0;
    while (done < steps) {
      if (options?.signal?.aborted) {
        status = "aborted";
        break;
      }
      // One chunk: steps of equal s, at most CHUNK_STEPS of them.
      const s = stimulus[done];
      let end = done + 1;
      while (end < steps && end - done < CHUNK_STEPS && stimulus[end] === s) end++;
      if (s !== chain.signal) {
        chain.setSignal(s);
        rates = chain.rates();
        left = entropyRate(rates, n, chain.probabilities());
      }
      const p = chain.trajectory(end - done);
      for (let k = done; k < end; k++) {
        const row = p.subarray((k - done) * n, (k - done + 1) * n);
        const right = entropyRate(rates, n, row);
        entropy += ((left + right) / 2) * dt;
        left = right;
        if ((k + 1) % recordEvery === 0 || k + 1 === steps) {
          records.push((k + 1) * dt, s, topOf(row, rungs), right, entropy);
        }
      }
      done = end;
      options?.onProgress?.({ ...progress(done, steps), t: done * dt });
      yield;
    }
    return {
      ...resultHeader(config, chain.backend, status, performance.now() - started),
      steps: done,
      t: Float64Array.from(records.t),
      s: Float64Array.from(records.s),
      activity: Float64Array.from(records.activity),
      entropyRate: Float64Array.from(records.entropyRate),
      entropy: Float64Array.from(records.entropy),
    };
  } finally {
    chain.dispose();
  }
}

/**
 * Runs the ladder under a stimulus and records its activity and dissipation (synchronously): the
 * steady state at s0, then step k under s = stimulus[k] (default: a step to s1 = 200 for 5 time
 * units), exact integration on the dt grid, a record every `recordEvery` steps.
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * ```ts
 * import { runLadder } from "thermolearn";
 * const r = runLadder({ gamma: 0.1, s1: 200, dt: 5e-3, steps: 1000 }); // 5 time units
 * console.log(r.activity[0], r.activity.at(-1)); // ≈ 0.559 at t = 0, ≈ 0.470 at t = 5
 * console.log(r.entropy.at(-1)); // ≈ 9.66 nats dissipated over the 5 time units
 * ```
 */
export function runLadder(options?: LadderRunOptions): LadderRunResult {
  return driveSync(runLoop("runLadder", options));
}

/**
 * {@link runLadder}, yielding to the event loop about every 30 ms so pages and progress bars stay live.
 * @throws TypeError/RangeError naming a bad option, as {@link runLadder} (the promise rejects).
 * @example
 * ```ts
 * import { runLadderAsync } from "thermolearn";
 * const r = await runLadderAsync({ gamma: 0.1, dt: 5e-3, steps: 1000, onProgress: (p) => void p.fraction });
 * console.log(r.status, r.t.at(-1)); // "completed", 5
 * ```
 */
export async function runLadderAsync(options?: LadderRunOptions): Promise<LadderRunResult> {
  return driveAsync(runLoop("runLadderAsync", options));
}
