/**
 * Landauer's figure on all cores (Node only; issue #12 §4, Bérut et al., Nature 483, 187 (2012)): the
 * mean heat released per erasure against the cycle length τ, from Langevin ensembles (dots with ±1
 * standard error) and from the Fokker–Planck grid (lines), with ln 2, the generalised bound at the
 * measured success probability, and the fits ⟨Q⟩ = ln 2 + B/τ and ⟨Q⟩ = Q∞ + B/τ
 * (src/langevin/landauer.ts). Every sub-ensemble and every grid solve is one task of the worker pool
 * (src/node/pool.ts with dist/landauer-worker.js), with the vega-lite figure (the
 * `thermolearn figure landauer` command is src/node/cli/figure-landauer.ts).
 *
 * Each τ is `groups` sub-ensembles of disjoint streams (the τ's own, disjoint from the other τ's, so
 * the points of the fit are independent), combined by `combineErasures` in order: the result does not
 * depend on the worker count. The grid solves use the ensembles' dt, so lines and dots share the
 * discrete-time work definition (theory12.md) and its O(dt) bias (see /work/notes/landauer-12.md).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RunProgress, RunStatus } from "../core/model.js";
import * as check from "../core/validate.js";
import { MAX_U32 } from "../core/validate.js";
import {
  ERASURE_DEFAULTS,
  ERASURE_DT,
  combineErasures,
  erasureFokkerPlanck,
  landauerFit,
  resolveErasureConfig,
  resolveErasureFokkerPlanckConfig,
  runErasure,
  type ErasureFokkerPlanckOptions,
  type ErasureFokkerPlanckValue,
  type ErasureOptions,
  type ErasureValue,
  type LandauerFit,
} from "../langevin/landauer.js";
import { VERSION } from "../version.js";
import { runPool } from "./pool.js";

/** One task of the pool: a Langevin sub-ensemble (a dot's part) or one grid solve (a line point). */
export type LandauerFigureTask =
  | { kind: "langevin"; options: ErasureOptions }
  | { kind: "fokkerPlanck"; options: ErasureFokkerPlanckOptions };

/** Computes one task (in this thread; dist/landauer-worker.js does the same in the workers). */
export function landauerFigureTask(task: LandauerFigureTask): ErasureValue | ErasureFokkerPlanckValue {
  if (task?.kind === "langevin") return runErasure(task.options);
  if (task?.kind === "fokkerPlanck") return erasureFokkerPlanck(task.options);
  throw new TypeError('a Landauer figure task must have kind "langevin" or "fokkerPlanck"');
}

/** Default cycle lengths: 7 values log-spaced from 10 to 200 (time units; see the note for why 10). */
export const LANDAUER_TAUS: readonly number[] = [10, 16.5, 27.1, 44.7, 73.7, 121, 200];
/** Default erasures per τ: 20 000 (B's standard error ≈ 0.1 k_BT·time, ~1 %; the run ≈ 30 s on 2 cores). */
export const LANDAUER_PARTICLES = 20_000;
/** Default sub-ensembles per τ (the pool's unit of work). */
export const LANDAUER_GROUPS = 4;
/** The most worker threads started, and the most τ values. */
const MAX_WORKERS = 256;
const MAX_TAUS = 1000;

/** Options of {@link runLandauerFigure}. */
export interface LandauerFigureOptions {
  /** Cycle lengths τ > 0, distinct (time units). Default {@link LANDAUER_TAUS}. */
  taus?: readonly number[];
  /** Erasures (trajectories) per τ, ≥ 2·groups. Default 20 000. */
  particles?: number;
  /** Sub-ensembles per τ (pool tasks), 1 … 1000. Default 4. */
  groups?: number;
  /** Seed of every ensemble (τ values and sub-ensembles use disjoint streams). Default 0. */
  seed?: number;
  /** Time step of the ensembles and the grid solves. Default 2·10⁻³. */
  dt?: number;
  /** Grid cells of the Fokker–Planck lines. Default 512. */
  cells?: number;
  /** The double well and its tilt (src/langevin/landauer.ts `erasureProtocol`). Defaults 10, 6, 8. */
  barrier?: number;
  /** Tilt a₁ > 0 of strokes 2–4 (energy/length). Default 6. */
  tilt?: number;
  /** Quartic coefficient E > 0 (energy/length⁴). Default 8. */
  quartic?: number;
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Called after each finished task. */
  onProgress?: (p: RunProgress) => void;
  /** Stops handing out tasks; the τ values finished in order are kept (status "aborted"). */
  signal?: AbortSignal;
}

/** The resolved settings of a figure, as recorded in its JSON. */
export interface LandauerFigureConfig {
  /** {@inheritDoc LandauerFigureOptions.taus} */
  taus: number[];
  /** {@inheritDoc LandauerFigureOptions.particles} */
  particles: number;
  /** {@inheritDoc LandauerFigureOptions.groups} */
  groups: number;
  /** {@inheritDoc LandauerFigureOptions.seed} */
  seed: number;
  /** {@inheritDoc LandauerFigureOptions.dt} */
  dt: number;
  /** {@inheritDoc LandauerFigureOptions.cells} */
  cells: number;
  /** {@inheritDoc LandauerFigureOptions.barrier} */
  barrier: number;
  /** {@inheritDoc LandauerFigureOptions.tilt} */
  tilt: number;
  /** {@inheritDoc LandauerFigureOptions.quartic} */
  quartic: number;
  /** k_BT = D = 1: work and heat are in k_BT, τ in time units, B in k_BT · time. */
  D: number;
  /** The ensembles' scheme: always "heun". */
  scheme: "heun";
  /** What the columns are, in words. */
  definition: string;
}

/** The dots: one entry per τ whose sub-ensembles all finished, in increasing τ. Heat, work in k_BT. */
export interface LandauerDots {
  /** Cycle length τ of each dot (time units). */
  tau: Float64Array;
  /** Erasures in each dot. */
  particles: Float64Array;
  /** Success probability p (fraction ending at x > 0). */
  success: Float64Array;
  /** Its standard error √(p(1 − p)/N). */
  successError: Float64Array;
  /** Mean work per erasure ⟨W⟩, k_BT. */
  meanWork: Float64Array;
  /** Its standard error, k_BT. */
  workError: Float64Array;
  /** Mean heat released into the bath per erasure ⟨Q⟩, k_BT. */
  meanHeat: Float64Array;
  /** Its standard error, k_BT. */
  heatError: Float64Array;
  /** ln 2 + p ln p + (1 − p) ln(1 − p) at the measured p, and its error. */
  bound: Float64Array;
  /** Error of `bound`, |ln(p/(1 − p))|·σ_p, nats. */
  boundError: Float64Array;
  /** Trajectories frozen after leaving the scheme's stable region (0 in a healthy run). */
  diverged: Float64Array;
  /** (⟨Q⟩ − Q_FP)/σ_Q against the grid's line at the same τ (null where the line did not finish). */
  zHeat: (number | null)[];
  /** (⟨W⟩ − W_FP)/σ_W against the grid's line (null where the line did not finish). */
  zWork: (number | null)[];
}

/** The lines: the grid's exact values, one entry per finished solve, in increasing τ. */
export interface LandauerLines {
  /** Cycle length τ of each solve (time units). */
  tau: Float64Array;
  /** Exact ⟨W⟩ over the cycle, k_BT. */
  meanWork: Float64Array;
  /** Exact ⟨Q⟩ over the cycle, k_BT. */
  meanHeat: Float64Array;
  /** Probability at x > 0 at the end of the cycle. */
  success: Float64Array;
  /** ln 2 + p ln p + (1 − p) ln(1 − p) at that p, nats. */
  bound: Float64Array;
}

/** The result of {@link runLandauerFigure}. */
export interface LandauerFigureResult {
  /** The thermolearn version that produced the figure. */
  version: string;
  /** The resolved settings. */
  config: LandauerFigureConfig;
  /** "completed", "aborted" (by the signal) or "diverged" (a dot had frozen trajectories). */
  status: RunStatus;
  /** Wall-clock time of the figure, milliseconds. */
  elapsedMs: number;
  /** The Langevin ensembles' points. */
  dots: LandauerDots;
  /** The Fokker–Planck grid's exact values. */
  lines: LandauerLines;
  /** The fits of the dots (null with no dot). */
  fit: LandauerFit | null;
  /** Dots compared with the lines: how many, how many within 2σ, the largest |z| of the heat. */
  agreement: {
    /** Dots compared. */
    dots: number;
    /** Dots whose heat lies within 2σ of the line. */
    within2: number;
    /** Largest |z| of the heat. */
    maxAbsZ: number;
  };
  /** ln 2 ≈ 0.693, Landauer's bound in k_BT (the dashed line). */
  ln2: number;
}

const FIGURE_KEYS = [
  "taus",
  "particles",
  "groups",
  "seed",
  "dt",
  "cells",
  "barrier",
  "tilt",
  "quartic",
  "workers",
  "onProgress",
  "signal",
] as const;

/**
 * Validates a figure's options once (every ensemble's and solve's too, before anything runs).
 * @throws TypeError/RangeError naming the option.
 * @example
 * ```ts
 * import { resolveLandauerFigureConfig } from "thermolearn/node";
 * const { config } = resolveLandauerFigureConfig({ taus: [40, 10] });
 * console.log(config.taus, config.particles); // [10, 40] (sorted), 20000
 * ```
 */
export function resolveLandauerFigureConfig(options?: LandauerFigureOptions): {
  /** The resolved settings, as recorded in the figure's JSON. */
  config: LandauerFigureConfig;
  /** Worker threads asked for, or undefined for one per core. */
  workers: number | undefined;
} {
  const o = check.options("runLandauerFigure", options, FIGURE_KEYS);
  const rawTaus = o.taus ?? LANDAUER_TAUS;
  if (!Array.isArray(rawTaus) || rawTaus.length === 0 || rawTaus.length > MAX_TAUS) {
    throw new RangeError(`taus must be a non-empty array of at most ${MAX_TAUS} cycle lengths`);
  }
  const taus = rawTaus.map((t, i) => check.positive(`taus[${i}]`, t));
  if (new Set(taus).size !== taus.length) throw new RangeError(`taus must be distinct, got ${taus.join(",")}`);
  const groups = check.integer("groups", o.groups ?? LANDAUER_GROUPS, 1, 1000);
  const particles = check.integer("particles", o.particles ?? LANDAUER_PARTICLES, 2 * groups, 2 ** 24);
  if (taus.length * particles > MAX_U32) throw new RangeError("particles: taus × particles must be ≤ 2³²");
  const config: LandauerFigureConfig = {
    taus: [...taus].sort((a, b) => a - b),
    particles,
    groups,
    seed: check.seed("seed", o.seed ?? 0),
    dt: check.positive("dt", o.dt ?? ERASURE_DT),
    cells: check.integer("cells", o.cells ?? 512, 16, 2 ** 20),
    barrier: check.positive("barrier", o.barrier ?? ERASURE_DEFAULTS.barrier),
    tilt: check.positive("tilt", o.tilt ?? ERASURE_DEFAULTS.tilt),
    quartic: check.positive("quartic", o.quartic ?? ERASURE_DEFAULTS.quartic),
    D: 1,
    scheme: "heun",
    definition:
      "dots: Langevin ensembles (stochastic Heun) from equilibrium in the symmetric double well through one " +
      "erasure cycle of length tau (barrier down, tilt, barrier up, untilt); meanHeat = heat released into the " +
      "bath per erasure in k_BT, ± its standard error; success = fraction ending at x > 0; bound = ln 2 + p ln p + " +
      "(1 − p) ln(1 − p) at the measured p. lines: the Fokker–Planck grid (Scharfetter–Gummel, BDF2) at the " +
      "same dt. fit: weighted least squares of the dots, <Q> = ln 2 + B/tau (fixed) and <Q> = Qinf + B/tau (free)",
  };
  // Every task's options, checked here (the largest τ has the most steps; dt against the well).
  for (const tau of config.taus) {
    resolveErasureConfig(langevinOptions(config, tau, 0, 2));
    resolveErasureFokkerPlanckConfig(fokkerPlanckOptions(config, tau));
  }
  const workers = o.workers === undefined ? undefined : check.integer("workers", o.workers, 1, MAX_WORKERS);
  return { config, workers };
}

function fokkerPlanckOptions(c: LandauerFigureConfig, tau: number): ErasureFokkerPlanckOptions {
  const { barrier, tilt, quartic, dt, cells } = c;
  return { tau, barrier, tilt, quartic, dt, cells };
}

function langevinOptions(c: LandauerFigureConfig, tau: number, first: number, particles: number): ErasureOptions {
  const { barrier, tilt, quartic, dt, seed } = c;
  return { tau, barrier, tilt, quartic, dt, seed, particles, firstTrajectory: first, scheme: c.scheme };
}

/** The tasks of one τ: its grid solve, then its sub-ensembles (sizes differing by at most 1). */
function tasksOf(c: LandauerFigureConfig, index: number): LandauerFigureTask[] {
  const tau = c.taus[index];
  const tasks: LandauerFigureTask[] = [{ kind: "fokkerPlanck", options: fokkerPlanckOptions(c, tau) }];
  let first = index * c.particles;
  for (let g = 0; g < c.groups; g++) {
    const size = Math.floor(c.particles / c.groups) + (g < c.particles % c.groups ? 1 : 0);
    tasks.push({ kind: "langevin", options: langevinOptions(c, tau, first, size) });
    first += size;
  }
  return tasks;
}

/**
 * The Landauer figure on all cores: for each τ (longest first, so no core idles at the end) the grid
 * solve and the sub-ensembles are tasks of the pool; results by index, so bit-identical whatever the
 * worker count. The dots are fitted by `landauerFit`.
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * ```ts
 * import { runLandauerFigure } from "thermolearn/node";
 * const fig = await runLandauerFigure({ taus: [10], particles: 400, groups: 2, workers: 1 });
 * console.log(fig.dots.meanHeat, fig.lines.meanHeat, fig.agreement); // ≈ [1.473] against the grid's [1.474] k_BT
 * ```
 */
export async function runLandauerFigure(options?: LandauerFigureOptions): Promise<LandauerFigureResult> {
  const { config, workers } = resolveLandauerFigureConfig(options);
  check.optionalFunction("onProgress", options?.onProgress);
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError("signal must be an AbortSignal");
  const started = performance.now();
  const order = config.taus.map((_, i) => i).reverse();
  const perTau = 1 + config.groups;
  const tasks = order.flatMap((i) => tasksOf(config, i));
  const { results, status: poolStatus } = await runPool(tasks, {
    compute: landauerFigureTask,
    script: landauerWorkerScript,
    workers,
    onProgress: options?.onProgress,
    signal,
  });
  const lineRows: ErasureFokkerPlanckValue[] = [];
  const dotRows: { dot: ErasureValue; line: ErasureFokkerPlanckValue | null }[] = [];
  order.forEach((_, s) => {
    const from = s * perTau;
    const line = from < results.length ? (results[from] as ErasureFokkerPlanckValue) : null;
    if (line) lineRows.push(line);
    if (from + perTau <= results.length) {
      dotRows.push({ dot: combineErasures(results.slice(from + 1, from + perTau) as ErasureValue[]), line });
    }
  });
  lineRows.sort((a, b) => a.tau - b.tau);
  dotRows.sort((a, b) => a.dot.tau - b.dot.tau);
  const column = <T>(rows: T[], f: (r: T) => number) => Float64Array.from(rows, f);
  const z = (x: number, y: number | undefined, s: number) => (y === undefined || !(s > 0) ? null : (x - y) / s);
  const dots: LandauerDots = {
    tau: column(dotRows, (r) => r.dot.tau),
    particles: column(dotRows, (r) => r.dot.particles),
    success: column(dotRows, (r) => r.dot.success),
    successError: column(dotRows, (r) => r.dot.successError),
    meanWork: column(dotRows, (r) => r.dot.meanWork),
    workError: column(dotRows, (r) => r.dot.workError),
    meanHeat: column(dotRows, (r) => r.dot.meanHeat),
    heatError: column(dotRows, (r) => r.dot.heatError),
    bound: column(dotRows, (r) => r.dot.bound),
    boundError: column(dotRows, (r) => r.dot.boundError),
    diverged: column(dotRows, (r) => r.dot.diverged),
    zHeat: dotRows.map((r) => z(r.dot.meanHeat, r.line?.meanHeat, r.dot.heatError)),
    zWork: dotRows.map((r) => z(r.dot.meanWork, r.line?.meanWork, r.dot.workError)),
  };
  const lines: LandauerLines = {
    tau: column(lineRows, (r) => r.tau),
    meanWork: column(lineRows, (r) => r.meanWork),
    meanHeat: column(lineRows, (r) => r.meanHeat),
    success: column(lineRows, (r) => r.success),
    bound: column(lineRows, (r) => r.bound),
  };
  // A heat error of 0 needs identical trajectories (impossible with disjoint streams); such dots are not fitted.
  const fitPoints = dotRows
    .filter((r) => r.dot.heatError > 0)
    .map((r) => ({ tau: r.dot.tau, meanHeat: r.dot.meanHeat, heatError: r.dot.heatError }));
  const fit = fitPoints.length > 0 ? landauerFit(fitPoints) : null;
  let within2 = 0,
    maxAbsZ = 0,
    compared = 0;
  for (const v of dots.zHeat) {
    if (v === null) continue;
    compared++;
    if (Math.abs(v) <= 2) within2++;
    maxAbsZ = Math.max(maxAbsZ, Math.abs(v));
  }
  const diverged = dotRows.some((r) => r.dot.diverged > 0);
  const status: RunStatus = poolStatus === "aborted" ? "aborted" : diverged ? "diverged" : "completed";
  return {
    version: VERSION,
    config,
    status,
    elapsedMs: performance.now() - started,
    dots,
    lines,
    fit,
    agreement: { dots: compared, within2, maxAbsZ },
    ln2: Math.LN2,
  };
}

/** The bundled worker, dist/landauer-worker.js, found as src/node/efficiency-figure.ts finds its own. */
function landauerWorkerScript(): string {
  const candidates = ["./landauer-worker.js", "../landauer-worker.js", "../../dist/landauer-worker.js"];
  for (const candidate of candidates) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error("dist/landauer-worker.js is missing: run `npm run build`");
}

// ---------------------------------------------------------------------------------------------
// The figure

/** τ values log-spaced over [lo, hi] for drawing a fit. */
function logGrid(lo: number, hi: number, count = 64): number[] {
  if (!(hi > lo)) return [lo];
  return Array.from({ length: count }, (_, i) => lo * (hi / lo) ** (i / (count - 1)));
}

/**
 * The figure as a vega-lite spec: left, ⟨Q⟩/k_BT against τ (log) with the dots ± 1 s.e., the grid's
 * line, ln 2, the generalised bound at the measured p and the two fits; right, (⟨Q⟩ − ln 2)·τ, whose
 * large-τ value is B.
 * @example
 * ```ts
 * import { landauerFigureSpec, runLandauerFigure } from "thermolearn/node";
 * const fig = await runLandauerFigure({ taus: [10], particles: 400, groups: 2, workers: 1 });
 * console.log(Object.keys(landauerFigureSpec(fig))); // a vega-lite spec: dots, lines and ln 2
 * ```
 */
export function landauerFigureSpec(result: LandauerFigureResult): object {
  const { dots, lines, fit } = result;
  const series = "series";
  const lnRows: object[] = [];
  const dotRows = Array.from(dots.tau, (tau, i) => ({
    tau,
    y: dots.meanHeat[i],
    lo: dots.meanHeat[i] - dots.heatError[i],
    hi: dots.meanHeat[i] + dots.heatError[i],
    excess: (dots.meanHeat[i] - Math.LN2) * tau,
    excessLo: (dots.meanHeat[i] - dots.heatError[i] - Math.LN2) * tau,
    excessHi: (dots.meanHeat[i] + dots.heatError[i] - Math.LN2) * tau,
    [series]: "Langevin ensemble ± 1 s.e.",
  }));
  const allTaus = [...dots.tau, ...lines.tau];
  const lo = Math.min(...allTaus),
    hi = Math.max(...allTaus);
  const lineRows: object[] = Array.from(lines.tau, (tau, i) => ({
    tau,
    y: lines.meanHeat[i],
    excess: (lines.meanHeat[i] - Math.LN2) * tau,
    [series]: "Fokker–Planck",
  }));
  for (const tau of [lo, hi]) lnRows.push({ tau, y: Math.LN2, excess: null, [series]: "ln 2" });
  Array.from(dots.tau, (tau, i) =>
    lineRows.push({ tau, y: dots.bound[i], excess: null, [series]: "ln 2 + p ln p + (1−p) ln(1−p), measured p" }),
  );
  if (fit) {
    const fmt = (x: number) => x.toFixed(2);
    const f = fit.fixed;
    for (const tau of logGrid(lo, hi)) {
      lineRows.push({
        tau,
        y: f.Qinf + f.B / tau,
        excess: (f.Qinf - Math.LN2) * tau + f.B,
        [series]: `fit ln 2 + B/τ, B = ${fmt(f.B)} ± ${fmt(f.BError)}`,
      });
      if (fit.free) {
        const g = fit.free;
        lineRows.push({
          tau,
          y: g.Qinf + g.B / tau,
          excess: (g.Qinf - Math.LN2) * tau + g.B,
          [series]: `fit Q∞ + B/τ, Q∞ = ${g.Qinf.toFixed(3)} ± ${g.QinfError.toFixed(3)}, B = ${fmt(g.B)}`,
        });
      }
    }
  }
  // 12 px of padding: the dots at the shortest and longest τ are not cut by the plot edge.
  const x = {
    field: "tau",
    type: "quantitative",
    scale: { type: "log", padding: 12, nice: false },
    title: "cycle length τ (model time units)",
  };
  const color = { field: series, type: "nominal", title: null };
  const panel = (title: string, yField: string, loField: string, hiField: string, yTitle: string) => ({
    title,
    width: 380,
    height: 280,
    layer: [
      {
        data: { values: [...lineRows, ...(yField === "y" ? lnRows : [])] },
        transform: [{ filter: `datum.${yField} !== null` }],
        mark: { type: "line" },
        encoding: { x, y: { field: yField, type: "quantitative", scale: { zero: false }, title: yTitle }, color },
      },
      {
        data: { values: dotRows },
        mark: { type: "rule", color: "#333" },
        encoding: { x, y: { field: loField, type: "quantitative" }, y2: { field: hiField } },
      },
      {
        data: { values: dotRows },
        mark: { type: "point", filled: true, size: 40, stroke: "#222", strokeWidth: 0.8, opacity: 1 },
        encoding: { x, y: { field: yField, type: "quantitative" }, color },
      },
    ],
  });
  const c = result.config;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Landauer's limit: mean heat per erasure against the cycle length",
      subtitle:
        `double well E = ${c.quartic}, barrier ${c.barrier} k_BT, tilt ${c.tilt}; ${c.particles} erasures per τ ` +
        `(Heun, dt = ${c.dt}); lines: Fokker–Planck on ${c.cells} cells`,
    },
    hconcat: [
      panel("⟨Q⟩ against τ", "y", "lo", "hi", "mean heat ⟨Q⟩ (k_BT)"),
      panel("(⟨Q⟩ − ln 2)·τ: B as τ → ∞", "excess", "excessLo", "excessHi", "(⟨Q⟩ − ln 2)·τ  (k_BT · time)"),
    ],
    resolve: { scale: { color: "shared" } },
    config: { legend: { orient: "bottom", columns: 2, labelLimit: 400 } },
  };
}
