/**
 * The Hopfield capacity experiment (shared/spec/MODELS.md §2): for each load K/N, independent networks
 * of random patterns; the fraction of unstable stored bits (against the theory in theory.ts), the final
 * overlap of recall started from stored patterns (which collapses near K/N ≈ 0.138 for Hebbian storage,
 * Amit, Gutfreund & Sompolinsky 1985), and how often every pattern is a fixed point.
 *
 * One generator does the work; {@link runHopfieldCapacity} drives it synchronously and
 * {@link runHopfieldCapacityAsync} in chunks of about 8 ms, yielding to the event loop.
 */
import type { Backend } from "../core/loader.js";
import { currentBackend } from "../core/loader.js";
import * as check from "../core/validate.js";
import { checkRunCallbacks, driveAsync, driveSync } from "../core/drive.js";
import { progress, resultHeader, type ResultHeader, type RunProgress } from "../core/model.js";
import { mean } from "../math/stats.js";
import { MAX_SWEEPS, STORAGE_RULES, type RunPlan, type StorageRule } from "./config.js";
import { DEFER_STORAGE, Hopfield, RUN_LOOP, STORE_LOOP, UNSTABLE_LOOP } from "./model.js";
import {
  exactUnstableFraction,
  predictedPerfectRecall,
  predictedUnstableFraction,
  predictedUnstableFractionFiniteN,
} from "./theory.js";

/** The progress of a capacity sweep: networks done of loads × trials, and the load K/N being measured. */
export interface CapacityProgress extends RunProgress {
  /** The load K/N of the network just finished. */
  load: number;
}

/** Options of {@link runHopfieldCapacity} and {@link runHopfieldCapacityAsync}. */
export interface CapacityOptions {
  /** Neurons. Default 1000. */
  n?: number;
  /** Storage rule. Default "hebbian". */
  rule?: StorageRule;
  /** Loads K/N to measure. Default 0.01, 0.02, …, 0.20. */
  loads?: number[];
  /** Independent networks per load. Default 20. */
  trials?: number;
  /** Integer seed in [0, 2⁵³); network (K, trial) uses stream K·2¹⁶ + trial. Default 0. */
  seed?: number;
  /** Dynamics of the retrieval runs. Default "async". */
  dynamics?: "sync" | "async";
  /** Sweep limit of each retrieval run. Default 50. */
  maxSweeps?: number;
  /** Stored patterns recalled per network (from themselves) for the retrieval overlap. Default 10. */
  recallPatterns?: number;
  /** Called after each network: `{ done, total, fraction }` in networks, and its load. */
  onProgress?: (progress: CapacityProgress) => void;
  /** Called with each load's results as soon as its trials are done (e.g. to draw the curve live). */
  onLoad?: (row: CapacityLoad) => void;
  /** Stops the sweep (async: within one chunk of work); the result then holds the loads completed. */
  signal?: AbortSignal;
  /** Force the "simd" or "scalar" build (same results). */
  backend?: Backend;
}

/** The resolved options of a capacity sweep (see {@link resolveCapacityConfig}). */
export interface CapacityConfig {
  /** {@inheritDoc CapacityOptions.n} */
  n: number;
  /** {@inheritDoc CapacityOptions.rule} */
  rule: StorageRule;
  /** {@inheritDoc CapacityOptions.loads} */
  loads: number[];
  /** {@inheritDoc CapacityOptions.trials} */
  trials: number;
  /** {@inheritDoc CapacityOptions.seed} */
  seed: number;
  /** {@inheritDoc CapacityOptions.dynamics} */
  dynamics: "sync" | "async";
  /** {@inheritDoc CapacityOptions.maxSweeps} */
  maxSweeps: number;
  /** {@inheritDoc CapacityOptions.recallPatterns} */
  recallPatterns: number;
}

/** One measured load: the entries of a {@link CapacityResult} at one index. */
export interface CapacityLoad {
  /** {@inheritDoc CapacityResult.loads} */
  load: number;
  /** {@inheritDoc CapacityResult.k} */
  k: number;
  /** {@inheritDoc CapacityResult.unstableFraction} */
  unstableFraction: number;
  /** {@inheritDoc CapacityResult.unstableStdError} */
  unstableStdError: number;
  /** {@inheritDoc CapacityResult.predictedUnstable} */
  predictedUnstable: number;
  /** {@inheritDoc CapacityResult.predictedUnstableFiniteN} */
  predictedUnstableFiniteN: number;
  /** Hebbian only, else null. */
  exactUnstable: number | null;
  /** {@inheritDoc CapacityResult.retrievalOverlap} */
  retrievalOverlap: number;
  /** {@inheritDoc CapacityResult.retrievalStdError} */
  retrievalStdError: number;
  /** {@inheritDoc CapacityResult.perfectRecallFraction} */
  perfectRecallFraction: number;
}

/**
 * Capacity curves: the header (version, config, backend, status "completed" or "aborted", elapsedMs)
 * and equal-length Float64Array columns, one entry per load measured.
 */
export interface CapacityResult extends ResultHeader<CapacityConfig> {
  /** A capacity sweep never diverges: "completed", or "aborted" by its signal. */
  status: "completed" | "aborted";
  /** The loads K/N measured. */
  loads: Float64Array;
  /** K per load, round(load·N) (at least 1). */
  k: Float64Array;
  /** Measured fraction of unstable stored bits (mean over trials). */
  unstableFraction: Float64Array;
  /** Its standard error (sample std over trials / √trials). */
  unstableStdError: Float64Array;
  /** Φ(−√(N/K)), the signal-to-noise formula. */
  predictedUnstable: Float64Array;
  /** Φ(−√((N−1)/(K−1))), the same formula with finite-N signal and noise. */
  predictedUnstableFiniteN: Float64Array;
  /** The exact finite-N expectation for Hebbian storage ({@link exactUnstableFraction}); null for other rules. */
  exactUnstable: Float64Array | null;
  /** Mean final overlap of recall started from a stored pattern. */
  retrievalOverlap: Float64Array;
  /** Its standard error (sample std over trials / √trials). */
  retrievalStdError: Float64Array;
  /** Fraction of networks in which every stored pattern is a fixed point. */
  perfectRecallFraction: Float64Array;
  /** Largest measured K with perfectRecallFraction ≥ ½ (null if none), and the prediction. */
  perfectRecallK: number | null;
  /** The predicted perfect-recall K of {@link predictedPerfectRecall} (N/(2 ln N) for Hebbian storage). */
  predictedPerfectRecallK: number;
}

/** Most loads a capacity sweep (or {@link loadRange}) takes. */
const MAX_LOADS = 1_000_000;
/**
 * Network (K, trial) of a sweep uses stream K·STREAMS_PER_K + trial: a u32 for K ≤ 65535 and
 * trial < 65536, the bounds {@link resolveCapacityConfig} enforces. 2¹⁶ splits the u32 stream range
 * evenly between loads and trials, both far beyond what a sweep runs.
 */
export const STREAMS_PER_K = 2 ** 16;
/** Most neurons of a capacity network. */
const MAX_CAPACITY_N = 1 << 16;
/** Most recall runs per network. */
const MAX_RECALL_PATTERNS = 1 << 20;

const CAPACITY_KEYS = [
  "n",
  "rule",
  "loads",
  "trials",
  "seed",
  "dynamics",
  "maxSweeps",
  "recallPatterns",
  "onProgress",
  "onLoad",
  "signal",
  "backend",
] as const;

/**
 * Mean and standard error (sample std / √n, 0 for one value) of the trials. Not math/stats' stderr:
 * that computes √v/√n, this √(v/n), and the results (and so the CLI's JSON) differ in the last bit.
 */
function meanAndStdError(xs: number[]): [number, number] {
  const m = mean(xs);
  if (xs.length < 2) return [m, 0];
  const variance = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  return [m, Math.sqrt(variance / xs.length)];
}

/**
 * Validates capacity options once and fills in defaults.
 * @throws TypeError/RangeError naming the option.
 * @example
 * ```ts
 * import { resolveCapacityConfig } from "thermolearn";
 * console.log(resolveCapacityConfig({ n: 500 }).loads.length); // 20
 * ```
 */
export function resolveCapacityConfig(options?: CapacityOptions): CapacityConfig {
  options = check.options("runHopfieldCapacity", options, CAPACITY_KEYS);
  check.backend(options.backend);
  checkRunCallbacks(options);
  check.optionalFunction("onLoad", options.onLoad);
  const n = check.integer("n", options.n ?? 1000, 2, MAX_CAPACITY_N);
  const rule = check.oneOf("rule", options.rule ?? "hebbian", STORAGE_RULES);
  const loads = options.loads ?? Array.from({ length: 20 }, (_, i) => (i + 1) / 100);
  if (!Array.isArray(loads) || loads.length === 0) throw new TypeError("loads must be a non-empty array of K/N values");
  if (loads.length > MAX_LOADS) throw new RangeError(`loads has ${loads.length} entries, more than ${MAX_LOADS}`);
  loads.forEach((x, i) => {
    if (!(check.finite(`loads[${i}]`, x) > 0)) throw new RangeError(`loads[${i}] must be > 0, got ${x}`);
  });
  const trials = check.integer("trials", options.trials ?? 20, 1, STREAMS_PER_K);
  const seed = check.seed("seed", options.seed ?? 0);
  const dynamics = check.oneOf("dynamics", options.dynamics ?? "async", ["sync", "async"] as const);
  const maxSweeps = check.integer("maxSweeps", options.maxSweeps ?? 50, 1, MAX_SWEEPS);
  const recallPatterns = check.integer("recallPatterns", options.recallPatterns ?? 10, 0, MAX_RECALL_PATTERNS);
  loads.forEach((x, i) => {
    const k = Math.max(1, Math.round(x * n));
    if (rule === "pseudoinverse" && k > n) {
      throw new RangeError(`loads[${i}] gives K = ${k} > n: the pseudo-inverse rule stores at most n patterns`);
    }
    if (k > STREAMS_PER_K - 1) {
      throw new RangeError(`loads[${i}] gives K = ${k}; a capacity sweep stores at most ${STREAMS_PER_K - 1} patterns`);
    }
  });
  return { n, rule, loads: [...loads], trials, seed, dynamics, maxSweeps, recallPatterns };
}

/**
 * The loads start, start + step, …, up to stop inclusive (1e-9 of a step admits a stop missed by
 * rounding), each rounded to 12 significant digits so that 0.01 + 2·0.01 reads 0.03.
 * @throws TypeError for a non-number argument or a non-integer maxCount; RangeError when step ≤ 0,
 * stop < start, a bound is not finite, maxCount is outside [1, 10⁶], or there are more than `maxCount` loads.
 * @example
 * ```ts
 * import { loadRange } from "thermolearn";
 * console.log(loadRange(0.01, 0.2, 0.01)); // [0.01, 0.02, …, 0.2]: 20 loads
 * ```
 */
export function loadRange(start: number, stop: number, step: number, maxCount = 10_000): number[] {
  for (const [name, value] of [
    ["start", start],
    ["stop", stop],
    ["step", step],
  ] as const) {
    if (typeof value !== "number") throw new TypeError(`loadRange: ${name} must be a number, got ${typeof value}`);
  }
  maxCount = check.integer("maxCount", maxCount, 1, MAX_LOADS);
  if (![start, stop, step].every(Number.isFinite) || !(step > 0) || !(stop >= start)) {
    throw new RangeError(
      `a load range needs finite bounds, step > 0 and stop ≥ start, got ${start} … ${stop} step ${step}`,
    );
  }
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  if (!(count <= maxCount)) {
    throw new RangeError(`a load range of ${count} points is more than ${maxCount}: use a larger step`);
  }
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
}

/**
 * The capacity sweep as a generator. Every piece of work inside a trial yields: the weights (Storkey
 * one pattern, the pseudo-inverse a block of rows at a time), the unstable count (patterns in chunks),
 * each recall run (chunks of updates); `timed` (the async driver) sizes them to about 8 ms, so an
 * abort is seen within one chunk. A trial stopped part-way is dropped.
 */
function* capacityLoop(options: CapacityOptions | undefined, timed: boolean): Generator<void, CapacityResult> {
  const config = resolveCapacityConfig(options);
  options ??= {};
  const signal = options.signal;
  const backend = check.backend(options.backend) ?? currentBackend();
  const { n, rule, loads, trials, seed, dynamics, maxSweeps, recallPatterns } = config;
  const ks = loads.map((x) => Math.max(1, Math.round(x * n)));

  const started = performance.now();
  let status: "completed" | "aborted" = "completed";
  const predictedUnstable = ks.map((k) => predictedUnstableFraction(n, k));
  const predictedUnstableFiniteN = ks.map((k) => predictedUnstableFractionFiniteN(n, k));
  const exactUnstable = rule === "hebbian" ? ks.map((k) => exactUnstableFraction(n, k)) : null;
  const measured = {
    unstableFraction: [] as number[],
    unstableStdError: [] as number[],
    retrievalOverlap: [] as number[],
    retrievalStdError: [] as number[],
    perfectRecallFraction: [] as number[],
  };
  const total = ks.length * trials;
  let done = 0;
  for (const [li, k] of ks.entries()) {
    const unstable: number[] = [],
      overlap: number[] = [];
    let perfect = 0;
    for (let trial = 0; trial < trials; trial++) {
      if (signal?.aborted) {
        status = "aborted";
        break;
      }
      // Network (K, trial) uses stream K·STREAMS_PER_K + trial: the same network whatever other loads
      // or how many trials a run asks for, so any subset of loads or trials reproduces.
      const stream = k * STREAMS_PER_K + trial;
      const net = new Hopfield({ n, count: k, rule, seed, stream, backend: options.backend }, DEFER_STORAGE);
      const plan: RunPlan = { dynamics, maxSweeps, temperature: 0, recordEnergy: false, seed: undefined };
      try {
        if (!(yield* net[STORE_LOOP](timed, signal))) {
          status = "aborted";
          break;
        }
        const u = yield* net[UNSTABLE_LOOP](timed, signal);
        if (u === null) {
          status = "aborted";
          break;
        }
        const m = Math.min(recallPatterns, k);
        let sum = 0;
        for (let mu = 0; mu < m && status !== "aborted"; mu++) {
          net.setPattern(mu);
          if ((yield* net[RUN_LOOP](plan, timed, signal)).status === "aborted") status = "aborted";
          sum += net.overlaps()[mu];
        }
        if (status === "aborted") break;
        unstable.push(u);
        if (u === 0) perfect++;
        if (m > 0) overlap.push(sum / m);
      } finally {
        net.dispose();
      }
      done++;
      options.onProgress?.({ ...progress(done, total), load: loads[li] });
      yield;
    }
    if (status === "aborted" || unstable.length === 0) break;
    const [unstableFraction, unstableStdError] = meanAndStdError(unstable);
    const [retrievalOverlap, retrievalStdError] = overlap.length ? meanAndStdError(overlap) : [0, 0];
    const row: CapacityLoad = {
      load: loads[li],
      k,
      unstableFraction,
      unstableStdError,
      predictedUnstable: predictedUnstable[li],
      predictedUnstableFiniteN: predictedUnstableFiniteN[li],
      exactUnstable: exactUnstable?.[li] ?? null,
      retrievalOverlap,
      retrievalStdError,
      perfectRecallFraction: perfect / unstable.length,
    };
    measured.unstableFraction.push(unstableFraction);
    measured.unstableStdError.push(unstableStdError);
    measured.retrievalOverlap.push(retrievalOverlap);
    measured.retrievalStdError.push(retrievalStdError);
    measured.perfectRecallFraction.push(row.perfectRecallFraction);
    options.onLoad?.(row);
  }
  // Every column has the loads measured (fewer than asked for when aborted mid-way).
  const count = measured.unstableFraction.length;
  const column = (values: number[]) => Float64Array.from(values.slice(0, count));
  const k = column(ks);
  const perfectKs = ks.slice(0, count).filter((_, i) => measured.perfectRecallFraction[i] >= 0.5);
  return {
    ...resultHeader(config, backend, status, performance.now() - started),
    status, // narrowed: "completed" | "aborted"
    loads: column(loads),
    k,
    unstableFraction: column(measured.unstableFraction),
    unstableStdError: column(measured.unstableStdError),
    predictedUnstable: column(predictedUnstable),
    predictedUnstableFiniteN: column(predictedUnstableFiniteN),
    exactUnstable: exactUnstable ? column(exactUnstable) : null,
    retrievalOverlap: column(measured.retrievalOverlap),
    retrievalStdError: column(measured.retrievalStdError),
    perfectRecallFraction: column(measured.perfectRecallFraction),
    perfectRecallK: perfectKs.length ? Math.max(...perfectKs) : null,
    predictedPerfectRecallK: predictedPerfectRecall(n, rule),
  };
}

/**
 * Capacity sweep, synchronously: for each load K/N, `trials` networks of random patterns; measures
 * the unstable-bit fraction (vs Φ(−√(N/K))), the final overlap of recall from stored patterns (which
 * collapses near K/N ≈ 0.138 for Hebbian storage, Amit–Gutfreund–Sompolinsky), and how often every
 * pattern is a fixed point. A `signal` already aborted, or aborted from `onProgress`/`onLoad`, stops it.
 * @throws TypeError/RangeError naming a bad option (see {@link resolveCapacityConfig}).
 * @example
 * ```ts
 * import { runHopfieldCapacity } from "thermolearn";
 * const r = runHopfieldCapacity({ n: 200, trials: 3, loads: [0.05, 0.1, 0.2] });
 * console.log(r.unstableFraction, r.predictedUnstable); // ≈ [0, 0.0011, 0.0117]; Φ ≈ [0, 0.0008, 0.0127]
 * ```
 */
export function runHopfieldCapacity(options?: CapacityOptions): CapacityResult {
  return driveSync(capacityLoop(options, false));
}

/**
 * {@link runHopfieldCapacity}, yielding to the event loop so progress bars and pages stay live; stops
 * within ~50 ms of `signal` aborting (one chunk of wasm work, sized to ~8 ms, plus the driver's 30 ms;
 * a chunk never splits one field evaluation, O(NK/8) at most: ~0.1 s at N = 65536, K/N = 0.2). Gives
 * the same numbers as the synchronous sweep.
 * @throws TypeError/RangeError naming a bad option, as {@link runHopfieldCapacity} (the promise rejects).
 * @example
 * ```ts
 * import { runHopfieldCapacityAsync } from "thermolearn";
 * const r = await runHopfieldCapacityAsync({
 *   n: 200,
 *   trials: 3,
 *   loads: [0.05, 0.1],
 *   onLoad: (row) => console.log(row.load, row.retrievalOverlap),
 * });
 * console.log(r.status); // "completed"
 * ```
 */
export function runHopfieldCapacityAsync(options?: CapacityOptions): Promise<CapacityResult> {
  return driveAsync(capacityLoop(options, true));
}
