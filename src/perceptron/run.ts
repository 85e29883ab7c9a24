/**
 * Long runs of the stochastic perceptron: an ensemble stepped in chunks of `recordEvery` steps, its
 * observables recorded after each chunk (ensemble mean and spread), and the thermodynamic columns
 * of spec §1 derived from them: ΔS(w_n) from the ensemble's weight variance and the efficiency
 * η = I/(ΔS + q/(nD)). `runPerceptron` runs synchronously, `runPerceptronAsync` yields to the event loop.
 */
import { checkRunCallbacks, driveAsync, driveSync } from "../core/drive.js";
import { progress, resultHeader, type ResultHeader, type RunProgress, type RunStatus } from "../core/model.js";
import * as check from "../core/validate.js";
import { MAX_COUNT } from "../core/validate.js";
import { PERCEPTRON_OPTION_KEYS, Perceptron, type PerceptronConfig, type PerceptronOptions } from "./model.js";

/** What `onProgress` receives: steps done of the run's total, and the simulated time t = done·Δt. */
export interface PerceptronProgress extends RunProgress {
  /** Time t = steps·Δt reached. */
  t: number;
}

/** Options of {@link runPerceptron} and {@link runPerceptronAsync}: the model's options plus the run's. */
export interface PerceptronRunOptions extends PerceptronOptions {
  /** Steps to run. Default: tEnd/dt. */
  steps?: number;
  /** End time (alternative to steps). Default 10. */
  tEnd?: number;
  /** Record the observables every this many steps. Default: steps/500, at least 1. */
  recordEvery?: number;
  /** Called after each recorded chunk. */
  onProgress?: (progress: PerceptronProgress) => void;
  /** Stops the run early; the result then has status "aborted" and holds what was recorded. */
  signal?: AbortSignal;
}

/** Observable names recorded per trajectory (mean in the result's columns, spread in `std`). */
export const PERCEPTRON_COLUMNS = [
  "epsilon",
  "testError",
  "R",
  "Q",
  "weightNorm",
  "information",
  "heat",
  "housekeepingHeat",
  "excessHeat",
  "work",
  "internalEnergy",
  "forceVariance",
] as const;
/** The name of one recorded observable (an entry of {@link PERCEPTRON_COLUMNS}). */
export type PerceptronColumn = (typeof PERCEPTRON_COLUMNS)[number];

/**
 * A recorded run: `version`, `config`, `backend`, `status` ("completed", "diverged" (see divergedAt)
 * or "aborted" (by the signal)) and `elapsedMs` (wall-clock ms), then columnar typed arrays of equal
 * length, ready for any chart library.
 */
export interface PerceptronResult extends ResultHeader<PerceptronConfig> {
  /** The run's integer seed (`config.seed`). */
  seed: number;
  /** The seed of each trajectory's stream, streamSeed(seed, firstTrajectory + j). */
  trajectorySeeds: number[];
  /** Time t = steps·Δt at which a trajectory diverged (the run stopped there), or null. */
  divergedAt: number | null;
  /** Steps run. */
  steps: number;
  /** Record times t = steps·Δt (the first is 0), dimensionless. */
  t: Float64Array;
  /** Ensemble means of the per-trajectory observables (testError is null without a test set). */
  epsilon: Float64Array;
  /** Held-out test error rate (ensemble mean), or null without a test set (`testSize` 0). */
  testError: Float64Array | null;
  /** Overlap R = w·T/n with the teacher (ensemble mean). */
  R: Float64Array;
  /** Self-overlap Q = w·w/n (ensemble mean). */
  Q: Float64Array;
  /** Weight norm |w| (ensemble mean). */
  weightNorm: Float64Array;
  /** Information about the teacher I = ln 2 − S(ε) per label, nats (ensemble mean). */
  information: Float64Array;
  /** Cumulative heat per weight, nats (Stratonovich; see Perceptron.heat). */
  heat: Float64Array;
  /**
   * Cumulative housekeeping heat per weight (heat − excessHeat), nats: what batch learning also
   * dissipates. null for B = 1 with sampled inputs.
   */
  housekeepingHeat: Float64Array | null;
  /** Cumulative excess heat per weight, nats: the input fluctuations' part (Wennberg). null as housekeepingHeat. */
  excessHeat: Float64Array | null;
  /** Cumulative work of the learning force per weight, nats (internalEnergy − internalEnergy[0] = work − heat). */
  work: Float64Array;
  /** Internal energy per weight k|w|²/(2n), nats. */
  internalEnergy: Float64Array;
  /**
   * ⟨𝓕²⟩ − ⟨𝓕⟩² over inputs (Wennberg's learning-force variance), the mean of the batch estimates over
   * the chunk that ends at t (0 at t = 0); null for B = 1 and averaged inputs.
   */
  forceVariance: Float64Array | null;
  /** Sample standard deviations across trajectories (0 for a single trajectory). */
  std: Record<PerceptronColumn, Float64Array | null>;
  /** ΔS(w_n) per weight (needs ≥ 2 trajectories and a random start), else null. */
  entropyChange: Float64Array | null;
  /**
   * η = I/(ΔS(w_n) + q/(nD)) where the denominator is > 0, else 0; null when entropyChange is. The heat
   * enters over the temperature D, as the medium's entropy (D = 1 by default).
   */
  efficiency: Float64Array | null;
}

/** The longest run accepted, in steps (as before issue #10). */
const MAX_STEPS = 2 ** 40;

interface Plan {
  steps: number;
  recordEvery: number;
}

const RUN_KEYS = [...PERCEPTRON_OPTION_KEYS, "steps", "tEnd", "recordEvery", "onProgress", "signal"] as const;

function resolvePlan(options: PerceptronRunOptions, dt: number): Plan {
  if (options.steps !== undefined && options.tEnd !== undefined) throw new TypeError("give steps or tEnd, not both");
  const steps =
    options.steps !== undefined
      ? check.integer("steps", options.steps, 0, MAX_STEPS)
      : Math.round(check.positive("tEnd", options.tEnd ?? 10) / dt);
  if (!(steps <= MAX_STEPS)) throw new RangeError(`tEnd/dt must be ≤ 2⁴⁰ steps, got ${steps}`);
  const recordEvery = check.integer(
    "recordEvery",
    options.recordEvery ?? Math.max(1, Math.round(steps / 500)),
    1,
    MAX_COUNT,
  );
  checkRunCallbacks(options);
  return { steps, recordEvery };
}

/** The model's options out of a run's options (drops steps, tEnd, recordEvery, onProgress, signal). */
export function modelOptions(options: PerceptronRunOptions): PerceptronOptions {
  const { steps: _s, tEnd: _t, recordEvery: _r, onProgress: _o, signal: _g, ...model } = options;
  return model;
}

/**
 * Mean (running update m += (x − m)/(i + 1)) and sample standard deviation across trajectories.
 * Kept rather than src/math/stats (Σx/n): the two agree to the bit for 1 and 2 trajectories but not
 * beyond (measured at 3–8 trajectories: ~1 value in 5 differs in the last bit), and issue #10 keeps
 * every recorded column bit for bit.
 */
function meanStd(x: Float64Array): [number, number] {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += (x[i] - mean) / (i + 1);
  if (x.length < 2) return [mean, 0];
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  return [mean, Math.sqrt(ss / (x.length - 1))];
}

/** Accumulates records, then packs them into the columnar result. */
class Recorder {
  readonly t: number[] = [];
  readonly mean = new Map<PerceptronColumn, number[]>();
  readonly std = new Map<PerceptronColumn, number[]>();
  readonly entropy: number[] = [];
  hasEntropy = true;

  /** The cumulative force-variance sums (mean × steps) per trajectory at the last record. */
  #varianceSums: Float64Array | null = null;
  #lastSteps = 0;

  record(sim: Perceptron): void {
    const o = sim.observe();
    this.t.push(o.t);
    if (o.forceVariance) o.forceVariance = this.#chunkMean(o.forceVariance, o.steps);
    for (const name of PERCEPTRON_COLUMNS) {
      const values = o[name];
      if (!values) continue;
      const [m, s] = meanStd(values);
      if (!this.mean.has(name)) {
        this.mean.set(name, []);
        this.std.set(name, []);
      }
      this.mean.get(name)!.push(m);
      this.std.get(name)!.push(s);
    }
    const dS = this.hasEntropy ? sim.entropyChange() : null;
    if (dS === null) this.hasEntropy = false;
    else this.entropy.push(dS);
  }

  /** Turns the means since t = 0 into means over the chunk since the last record. */
  #chunkMean(meanSinceStart: Float64Array, steps: number): Float64Array {
    const sums = meanSinceStart.map((m) => m * steps);
    const previous = this.#varianceSums ?? new Float64Array(sums.length);
    const chunk = steps - this.#lastSteps;
    const out = sums.map((x, j) => (chunk > 0 ? (x - previous[j]) / chunk : 0));
    this.#varianceSums = sums;
    this.#lastSteps = steps;
    return out;
  }

  result(sim: Perceptron, status: RunStatus, elapsedMs: number): PerceptronResult {
    const column = (name: PerceptronColumn) => (this.mean.has(name) ? Float64Array.from(this.mean.get(name)!) : null);
    const information = column("information") ?? new Float64Array(0);
    const heat = column("heat") ?? new Float64Array(0);
    const complete = this.hasEntropy && this.entropy.length === this.t.length;
    const entropyChange = complete ? Float64Array.from(this.entropy) : null;
    let efficiency: Float64Array | null = null;
    if (entropyChange) {
      efficiency = new Float64Array(this.t.length);
      const D = sim.config.D;
      for (let i = 0; i < efficiency.length; i++) {
        const cost = entropyChange[i] + heat[i] / D;
        efficiency[i] = cost > 0 ? information[i] / cost : 0;
      }
    }
    const std = {} as Record<PerceptronColumn, Float64Array | null>;
    for (const name of PERCEPTRON_COLUMNS) {
      std[name] = this.std.has(name) ? Float64Array.from(this.std.get(name)!) : null;
    }
    return {
      ...resultHeader(sim.config, sim.backend, status, elapsedMs),
      seed: sim.config.seed,
      trajectorySeeds: [...sim.trajectorySeeds],
      divergedAt: sim.divergedAt,
      steps: sim.steps,
      t: Float64Array.from(this.t),
      epsilon: column("epsilon")!,
      testError: column("testError"),
      R: column("R")!,
      Q: column("Q")!,
      weightNorm: column("weightNorm")!,
      information,
      heat,
      housekeepingHeat: column("housekeepingHeat"),
      excessHeat: column("excessHeat"),
      work: column("work")!,
      internalEnergy: column("internalEnergy")!,
      forceVariance: column("forceVariance"),
      std,
      entropyChange,
      efficiency,
    };
  }
}

/**
 * The run as a generator that yields after each recorded chunk, so sync and async drivers share it.
 * `what` names the entry point in option errors.
 */
function* runLoop(what: string, options: PerceptronRunOptions | undefined): Generator<void, PerceptronResult> {
  options = check.options(what, options, RUN_KEYS);
  const sim = new Perceptron(modelOptions(options));
  try {
    const plan = resolvePlan(options, sim.config.dt);
    const started = performance.now();
    const recorder = new Recorder();
    recorder.record(sim);
    let status: RunStatus = "completed";
    while (sim.steps < plan.steps) {
      if (options.signal?.aborted) {
        status = "aborted";
        break;
      }
      sim.step(Math.min(plan.recordEvery, plan.steps - sim.steps));
      if (sim.status === "diverged") {
        status = "diverged";
        break;
      }
      recorder.record(sim);
      options.onProgress?.({ ...progress(sim.steps, plan.steps), t: sim.time });
      yield;
    }
    return recorder.result(sim, status, performance.now() - started);
  } finally {
    sim.dispose();
  }
}

/**
 * Runs an ensemble and records observables every `recordEvery` steps (synchronously).
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * ```ts
 * import { runPerceptron } from "thermolearn";
 * const r = runPerceptron({ n: 1000, rule: "hebbian", tEnd: 5, seed: 3 });
 * console.log(r.status, r.t.length, r.epsilon.at(-1)); // "completed", 501 records, ε ≈ 0.14
 * ```
 */
export function runPerceptron(options?: PerceptronRunOptions): PerceptronResult {
  return driveSync(runLoop("runPerceptron", options));
}

/**
 * {@link runPerceptron}, yielding to the event loop about every 30 ms so pages and progress bars stay live.
 * @throws TypeError/RangeError naming a bad option, as {@link runPerceptron} (the promise rejects).
 * @example
 * ```ts
 * import { runPerceptronAsync } from "thermolearn";
 * const controller = new AbortController();
 * const r = await runPerceptronAsync({
 *   n: 1000,
 *   tEnd: 2,
 *   signal: controller.signal,
 *   onProgress: (p) => p.fraction > 0.5 && controller.abort(),
 * });
 * console.log(r.status, r.t.at(-1)); // "aborted" about half-way
 * ```
 */
export async function runPerceptronAsync(options?: PerceptronRunOptions): Promise<PerceptronResult> {
  return driveAsync(runLoop("runPerceptronAsync", options));
}

/** A rate per unit time from a recorded run, per weight and for all n weights (nats per unit time). */
export interface RateEstimate {
  /** Per weight per unit time. */
  perWeight: number;
  /** For all n weights per unit time (perWeight·n). */
  total: number;
  /**
   * Standard error of perWeight across trajectories, null for one trajectory. Conservative: it treats
   * the two ends' spreads as independent, √(s_from² + s_to²)/(Δt √M), though they are positively
   * correlated (the true error is smaller).
   */
  stderr: number | null;
}

/** Steady-state rates of a run over [from, to], see {@link perceptronRates}. */
export interface PerceptronRates {
  /** Start of the fitted window, time units (default: half the run). */
  from: number;
  /** End of the fitted window: the last record's time. */
  to: number;
  /** Total heat rate = entropy production rate of the medium (in steady state the total one). */
  heat: RateEstimate;
  /** Housekeeping part (what batch learning also dissipates); null where the run has no split. */
  housekeeping: RateEstimate | null;
  /** Excess part (input fluctuations, Wennberg); null where the run has no split. */
  excess: RateEstimate | null;
  /** Work rate of the learning force. */
  work: RateEstimate;
}

/**
 * Heat, housekeeping, excess and work rates of a recorded run: (x(to) − x(from))/(to − from) of the
 * cumulative per-weight columns, from the first record at or after `from` (default: half the run's
 * time) to the last. In steady state the system's entropy is constant, so the heat rate is the total
 * entropy production rate (k_B T = 1, nats per unit time).
 * @throws RangeError when fewer than two records lie in [from, end].
 * @example
 * ```ts
 * import { perceptronRates, runPerceptron } from "thermolearn";
 * const r = runPerceptron({ n: 1000, tEnd: 4, trajectories: 2 });
 * console.log(perceptronRates(r).excess?.perWeight); // ≈ 299.8 (theory ν̃²(n − 2/π)/B = 299.98)
 * ```
 */
export function perceptronRates(result: PerceptronResult, options?: { from?: number }): PerceptronRates {
  const o = check.options("perceptronRates", options, ["from"]);
  const t = result.t;
  const end = t.length - 1;
  const from = check.finite("from", o.from ?? (end >= 0 ? t[end] / 2 : 0));
  let i0 = 0;
  while (i0 < end && t[i0] < from) i0++;
  if (!(end > i0)) throw new RangeError(`from: need two records in [${from}, ${t[end]}], the run has one or none`);
  const span = t[end] - t[i0];
  const M = result.config.trajectories;
  const n = result.config.n;
  const rate = (x: Float64Array, spread: Float64Array | null): RateEstimate => {
    const perWeight = (x[end] - x[i0]) / span;
    const stderr = M > 1 && spread ? Math.hypot(spread[i0], spread[end]) / (span * Math.sqrt(M)) : null;
    return { perWeight, total: perWeight * n, stderr };
  };
  const s = result.std;
  return {
    from: t[i0],
    to: t[end],
    heat: rate(result.heat, s.heat),
    housekeeping: result.housekeepingHeat ? rate(result.housekeepingHeat, s.housekeepingHeat) : null,
    excess: result.excessHeat ? rate(result.excessHeat, s.excessHeat) : null,
    work: rate(result.work, s.work),
  };
}
