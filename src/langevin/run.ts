/**
 * The long run of a {@link LangevinEnsemble}: the protocol from t = 0 to t = steps·dt, with the
 * ensemble's mean and variance of the work, heat and energy change recorded along the way, and each
 * trajectory's totals (and end points) at the end. `runLangevin` runs synchronously,
 * `runLangevinAsync` yields to the event loop (for progress bars and pages).
 */
import { checkRunCallbacks, driveAsync, driveSync } from "../core/drive.js";
import { progress, resultHeader, type ResultHeader, type RunProgress, type RunStatus } from "../core/model.js";
import * as check from "../core/validate.js";
import { histogram, type Histogram } from "../math/histogram.js";
import { LangevinEnsemble, resolveLangevinConfig, type LangevinConfig, type LangevinOptions } from "./ensemble.js";

/** What `onProgress` receives: steps done of the total, and the time reached. */
export interface LangevinProgress extends RunProgress {
  /** Time reached, steps·dt. */
  t: number;
}

/** Options of {@link runLangevin}: the ensemble's, and the run's. */
export interface LangevinRunOptions extends LangevinOptions {
  /** Steps to run, ≥ 1. Default round(1/dt) (t = 1). */
  steps?: number;
  /** Records after t = 0, equally spaced in steps (the last at the end). Default min(100, steps). */
  records?: number;
  /** Bins of the work and heat histograms at the end, 1 … 10⁴. Default 50. */
  bins?: number;
  /** Called after each record. */
  onProgress?: (progress: LangevinProgress) => void;
  /** Stops the run early; the result then has status "aborted" and holds what was recorded. */
  signal?: AbortSignal;
}

/** The resolved options of a run. */
export interface LangevinRunConfig extends LangevinConfig {
  /** {@inheritDoc LangevinRunOptions.steps} */
  steps: number;
  /** {@inheritDoc LangevinRunOptions.records} */
  records: number;
  /** {@inheritDoc LangevinRunOptions.bins} */
  bins: number;
}

/**
 * A run's result: the header, one row per record (t = 0 first) in Float64Array columns, then each
 * trajectory's totals at the end of the run (or where it stopped).
 */
export interface LangevinRunResult extends ResultHeader<LangevinRunConfig> {
  /** Steps run (fewer than config.steps when aborted). */
  steps: number;
  /** Time of each record. */
  t: Float64Array;
  /** Ensemble mean and (unbiased) variance of the work W since t = 0 (energy units). */
  meanWork: Float64Array;
  /** Unbiased ensemble variance of the work since t = 0 (energy²). */
  varWork: Float64Array;
  /** Ensemble mean and variance of the heat Q released into the bath since t = 0. */
  meanHeat: Float64Array;
  /** Unbiased ensemble variance of the heat since t = 0 (energy²). */
  varHeat: Float64Array;
  /** Ensemble mean of ΔV = V(x_t, λ(t)) − V(x_0, λ(0)). */
  meanEnergy: Float64Array;
  /** Per trajectory, at the end: work, heat and energy change (particles each). */
  work: Float64Array;
  /** Per trajectory: heat Q released into the bath since t = 0 (energy units). */
  heat: Float64Array;
  /** Per trajectory: ΔV = W − Q (energy units). */
  energyChange: Float64Array;
  /** Coordinates at t = 0 and at the end (particles·dimensions each; the ring unwrapped). */
  initial: Float64Array;
  /** Coordinates at the end (particles·dimensions; the ring unwrapped). */
  final: Float64Array;
  /** Coordinates that left the scheme's stable region (frozen there; status "diverged"). */
  diverged: number;
  /** Histograms of the trajectories' work and heat at the end, each over its own [min, max]. */
  histograms: {
    /** Histogram of the trajectories' work. */
    work: Histogram;
    /** Histogram of the trajectories' heat. */
    heat: Histogram;
  };
}

const RUN_KEYS = ["steps", "records", "bins", "onProgress", "signal"] as const;

/** Splits a run's options into the ensemble's and the run's. */
function splitOptions(options: LangevinRunOptions | undefined): [LangevinOptions, LangevinRunOptions] {
  const o = check.options("runLangevin", options, [...ENSEMBLE_KEYS, ...RUN_KEYS]);
  const { steps: _s, records: _r, bins: _b, onProgress: _p, signal: _g, ...ensemble } = o;
  return [ensemble, o];
}

const ENSEMBLE_KEYS = [
  "potential",
  "D",
  "dt",
  "particles",
  "dimensions",
  "scheme",
  "initial",
  "seed",
  "firstTrajectory",
  "backend",
] as const;

/**
 * Validates a run's options once.
 * @throws TypeError/RangeError naming the bad option.
 * @example
 * ```ts
 * import { resolveLangevinRunConfig } from "thermolearn";
 * const c = resolveLangevinRunConfig({ dt: 1e-2 });
 * console.log(c.steps, c.records, c.bins); // 100 (t = 1), 100, 50
 * ```
 */
export function resolveLangevinRunConfig(options?: LangevinRunOptions): LangevinRunConfig {
  const [ensemble, o] = splitOptions(options);
  const c = resolveLangevinConfig(ensemble);
  const steps = check.integer("steps", o.steps ?? Math.max(1, Math.round(1 / c.dt)), 1, check.MAX_COUNT);
  const records = check.integer("records", o.records ?? Math.min(100, steps), 1, steps);
  const bins = check.integer("bins", o.bins ?? 50, 1, 10_000);
  checkRunCallbacks(o);
  return { ...c, steps, records, bins };
}

/** Mean and unbiased variance (0 for one value), by Welford's update. */
function moments(values: Float64Array): [number, number] {
  let mean = 0,
    m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - mean;
    mean += d / (i + 1);
    m2 += d * (values[i] - mean);
  }
  return [mean, values.length > 1 ? m2 / (values.length - 1) : 0];
}

function* runLoop(options: LangevinRunOptions | undefined): Generator<void, LangevinRunResult> {
  const started = performance.now();
  const config = resolveLangevinRunConfig(options);
  const [ensembleOptions, o] = splitOptions(options);
  const ensemble = new LangevinEnsemble(ensembleOptions);
  try {
    const columns = {
      t: [0],
      meanWork: [0],
      varWork: [0],
      meanHeat: [0],
      varHeat: [0],
      meanEnergy: [0],
    };
    let status: RunStatus = "completed";
    for (let r = 1; r <= config.records; r++) {
      if (o.signal?.aborted) {
        status = "aborted";
        break;
      }
      const target = Math.round((r * config.steps) / config.records);
      ensemble.step(target - ensemble.steps);
      const [mw, vw] = moments(ensemble.work());
      const [mq, vq] = moments(ensemble.heat());
      columns.t.push(ensemble.time);
      columns.meanWork.push(mw);
      columns.varWork.push(vw);
      columns.meanHeat.push(mq);
      columns.varHeat.push(vq);
      columns.meanEnergy.push(moments(ensemble.energyChange())[0]);
      o.onProgress?.({ ...progress(ensemble.steps, config.steps), t: ensemble.time });
      if (ensemble.diverged > 0) {
        status = "diverged";
        break;
      }
      yield;
    }
    const work = ensemble.work(),
      heat = ensemble.heat();
    return {
      ...resultHeader(config, ensemble.backend, status, performance.now() - started),
      steps: ensemble.steps,
      t: Float64Array.from(columns.t),
      meanWork: Float64Array.from(columns.meanWork),
      varWork: Float64Array.from(columns.varWork),
      meanHeat: Float64Array.from(columns.meanHeat),
      varHeat: Float64Array.from(columns.varHeat),
      meanEnergy: Float64Array.from(columns.meanEnergy),
      work,
      heat,
      energyChange: ensemble.energyChange(),
      initial: ensemble.initialPositions(),
      final: ensemble.positions(),
      diverged: ensemble.diverged,
      histograms: { work: histogram(work, { bins: config.bins }), heat: histogram(heat, { bins: config.bins }) },
    };
  } finally {
    ensemble.dispose();
  }
}

/**
 * Runs an ensemble through its protocol for `steps` steps, recording the ensemble's mean and variance
 * of W, Q and ΔV `records` times, and returns the columns with each trajectory's totals.
 * @throws TypeError/RangeError naming a bad option (see {@link resolveLangevinRunConfig}).
 * @example
 * ```ts
 * import { runLangevin } from "thermolearn";
 * const stiffness = { t: [0, 1], value: [1, 4] };
 * const r = runLangevin({ potential: { kind: "harmonic", stiffness }, steps: 1000, particles: 2000, seed: 1 });
 * console.log(r.meanWork.at(-1)); // ≈ 0.92 ≥ ΔF = ½ ln 4 ≈ 0.693 (second law)
 * ```
 */
export function runLangevin(options?: LangevinRunOptions): LangevinRunResult {
  return driveSync(runLoop(options));
}

/**
 * {@link runLangevin}, yielding to the event loop between records (onProgress, signal).
 * @throws TypeError/RangeError naming a bad option, as {@link runLangevin} (the promise rejects).
 * @example
 * ```ts
 * import { runLangevinAsync } from "thermolearn";
 * const r = await runLangevinAsync({ steps: 500, particles: 1000 });
 * console.log(r.status, r.t.at(-1)); // "completed", 0.5
 * ```
 */
export function runLangevinAsync(options?: LangevinRunOptions): Promise<LangevinRunResult> {
  return driveAsync(runLoop(options));
}
