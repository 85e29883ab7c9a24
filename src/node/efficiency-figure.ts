/**
 * The efficiency surface (Goldt & Seifert's poster figure) on all cores (Node only): the theory's lines
 * of src/perceptron/efficiency.ts and simulation points (dots) from ensembles of the wasm simulator,
 * each line point and each sub-ensemble one task of the worker pool (src/node/pool.ts with
 * dist/efficiency-worker.js), with the vega-lite figure (the `thermolearn figure efficiency`
 * command is src/node/cli/figure-efficiency.ts).
 *
 * Dots: on the middle line of each sweep (k = 1 of the ν̃ sweep, ν̃ = 3 of the k sweep by default),
 * `dots` points spread over the inside of its range (averaged: of the part with ν̃²/k ≥ 4, where the
 * ensemble resolves η), per rule and regime. Averaged: `inputs: "averaged"` ensembles at
 * n = simulationN (10³) from equilibrium to t = 10/k (Δt = 10⁻³/max(1, k)); online: fresh mini-batches
 * at the regime's n, B, Δt, run to the time of the theory's maximum.
 * Each point is `groups` independent sub-ensembles of `trajectories` trajectories (disjoint streams);
 * η = Ī/(ΔS̄ + Q̄_n/D) over all of them, with the jackknife standard error over sub-ensembles. Each dot
 * is compared with the theory at its own time (`theory`, `z` = (η − theory)/standard error).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RunProgress } from "../core/model.js";
import * as check from "../core/validate.js";
import {
  combineEfficiencySimulations,
  efficiencyAt,
  efficiencyPoints,
  efficiencySimulation,
  efficiencySurfaceResult,
  efficiencyTheoryAt,
  resolveEfficiencySurfaceConfig,
  type EfficiencyPoint,
  type EfficiencyRegime,
  type EfficiencySimulationTask,
  type EfficiencySimulationValue,
  type EfficiencySurfaceConfig,
  type EfficiencySurfaceOptions,
  type EfficiencySurfaceResult,
  type EfficiencySweep,
  type EfficiencyValue,
} from "../perceptron/efficiency.js";
import type { LearningRule } from "../perceptron/model.js";
import { runPool } from "./pool.js";

/** One task of the pool: a point of a line, or one sub-ensemble of a dot. */
export type EfficiencyFigureTask =
  | { kind: "line"; point: EfficiencyPoint }
  | { kind: "dot"; task: EfficiencySimulationTask };

/** Computes one task (in this thread; dist/efficiency-worker.js does the same in the workers). */
export function efficiencyFigureTask(task: EfficiencyFigureTask): EfficiencyValue | EfficiencySimulationValue {
  if (task?.kind === "line") return efficiencyAt(task.point);
  if (task?.kind === "dot") return efficiencySimulation(task.task);
  throw new TypeError('an efficiency figure task must have kind "line" or "dot"');
}

/** Options of {@link runEfficiencyFigure}: the surface's, plus the simulation points and the pool. */
export interface EfficiencyFigureOptions extends Omit<EfficiencySurfaceOptions, "onProgress" | "signal"> {
  /** Simulation points per sweep and rule and regime, on the sweep's middle line (0: none). Default 4. */
  dots?: number;
  /** Weights n of the averaged-input ensembles. Default 1000. */
  simulationN?: number;
  /** Trajectories per sub-ensemble (≥ 2). Default 4 (8 × 4 = 32 per dot). */
  trajectories?: number;
  /**
   * Independent sub-ensembles per dot (≥ 2; the standard error is their spread, so more of them make it a
   * better estimate: 8 give it 7 degrees of freedom). Default 8.
   */
  groups?: number;
  /** Seed of every simulation (sub-ensembles and dots use disjoint streams). Default 0. */
  seed?: number;
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Called after each finished task. */
  onProgress?: (p: RunProgress) => void;
  /** Stops handing out tasks; the lines and dots finished in order are kept (status "aborted"). */
  signal?: AbortSignal;
}

/** The simulation settings of a figure, as recorded in its config. */
export interface EfficiencyDotsConfig {
  /** {@inheritDoc EfficiencyFigureOptions.dots} */
  dots: number;
  /** {@inheritDoc EfficiencyFigureOptions.simulationN} */
  simulationN: number;
  /** {@inheritDoc EfficiencyFigureOptions.trajectories} */
  trajectories: number;
  /** {@inheritDoc EfficiencyFigureOptions.groups} */
  groups: number;
  /** {@inheritDoc EfficiencyFigureOptions.seed} */
  seed: number;
  /** Averaged dots run to t = settle/k with Δt = 10⁻³/max(1, k). */
  averagedSettle: number;
  /** What the dots are, in words. */
  definition: string;
}

/** The dots as columns, one entry per simulation point. */
export interface EfficiencyDots {
  /** Learning rule of each dot. */
  rule: LearningRule[];
  /** Regime of each dot. */
  regime: EfficiencyRegime[];
  /** Line family of each dot ("nuTilde" or "k"). */
  sweep: EfficiencySweep[];
  /** ν̃ of each dot. */
  nuTilde: Float64Array;
  /** k of each dot. */
  k: Float64Array;
  /** Weights n of the ensembles. */
  n: Float64Array;
  /** The time the ensembles ran to. */
  t: Float64Array;
  /** η = Ī/(ΔS̄ + Q̄_n/D), means over the sub-ensembles. */
  efficiency: Float64Array;
  /** Its standard error (jackknife over the sub-ensembles). */
  standardError: Float64Array;
  /** The theory's η at the same t (averaged: ≈ the line's t → ∞ value; online: the line's maximum). */
  theory: Float64Array;
  /** (efficiency − theory)/standardError. */
  z: Float64Array;
  /** Generalisation error ε at t (mean over the sub-ensembles). */
  epsilon: Float64Array;
  /** I = ln 2 − S(ε) at t, nats per weight (mean). */
  information: Float64Array;
  /** ΔS(w_n) at t, nats per weight (mean). */
  entropyChange: Float64Array;
  /** Heat Q_n since t = 0, nats per weight (mean). */
  heat: Float64Array;
}

/** The result of {@link runEfficiencyFigure}: the surface, the dots, and how well they agree. */
export interface EfficiencyFigureResult extends Omit<EfficiencySurfaceResult, "config"> {
  /** The surface's resolved options, with the dots' settings under `simulation`. */
  config: EfficiencySurfaceConfig & {
    /** The dots' resolved settings. */
    simulation: EfficiencyDotsConfig;
  };
  /** The simulation points. */
  dots: EfficiencyDots;
  /** Dots finished, how many lie within 2 standard errors of the theory, and the largest |z|. */
  agreement: {
    /** Dots finished. */
    dots: number;
    /** Dots within 2 standard errors of the theory. */
    within2: number;
    /** Largest |z|. */
    maxAbsZ: number;
  };
}

const FIGURE_KEYS = [
  "rules",
  "alpha",
  "D",
  "regimes",
  "points",
  "nuTildeSweep",
  "kSweep",
  "online",
  "settle",
  "dots",
  "simulationN",
  "trajectories",
  "groups",
  "seed",
  "workers",
  "onProgress",
  "signal",
] as const;

/** Averaged dots run to t = AVERAGED_SETTLE/k: the transient is then e^{−10} ≈ 5·10⁻⁵ of its start. */
const AVERAGED_SETTLE = 10;
/** The most worker threads started. */
const MAX_WORKERS = 1024;

/** The bundled worker, dist/efficiency-worker.js, found as src/node/figure-pool.ts finds its own. */
function efficiencyWorkerScript(): string {
  const candidates = ["./efficiency-worker.js", "../efficiency-worker.js", "../../dist/efficiency-worker.js"];
  for (const candidate of candidates) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error("dist/efficiency-worker.js is missing: run `npm run build`");
}

/** `count` indices spread over the inside of 0 … length − 1 (all of them when count ≥ length). */
function dotIndices(length: number, count: number): number[] {
  if (count >= length) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.round(((i + 0.5) * (length - 1)) / count));
}

/** One planned dot: its point of the surface and its sub-ensembles. */
interface DotPlan {
  point: EfficiencyPoint;
  tasks: EfficiencySimulationTask[];
}

/**
 * Averaged dots only where ν̃²/k ≥ 4 on the middle line: below, ΔS(w_n) + Q_n/D ≲ 0.3 nats per weight and
 * the ensemble's ΔS estimate (±0.01 at n = 10³ with 32 trajectories) makes the error bar as large as
 * the effect (measured: 14–28 % standard error for the AdaTron at ν̃²/k = 1–1.6, 3 % at 5).
 */
const MIN_SIGNAL = 4;

/** The dots of a figure: per rule and regime, `dots` points of the middle line of each sweep. */
function planDots(config: EfficiencySurfaceConfig, sim: EfficiencyDotsConfig): DotPlan[] {
  const plans: DotPlan[] = [];
  if (sim.dots === 0) return plans;
  const middle = (xs: number[]) => xs[Math.floor(xs.length / 2)];
  for (const point of efficiencyPoints(config)) {
    const sweep = point.sweep === "nuTilde" ? config.nuTildeSweep : config.kSweep;
    const curve = point.sweep === "nuTilde" ? point.k : point.nuTilde;
    const x = point.sweep === "nuTilde" ? point.nuTilde : point.k;
    if (curve !== middle(sweep.curves)) continue;
    const resolved = (value: number) => {
      if (point.regime === "online") return true;
      const [nuTilde, k] = point.sweep === "nuTilde" ? [value, curve] : [curve, value];
      return (nuTilde * nuTilde) / k >= MIN_SIGNAL;
    };
    const candidates = sweep.values.filter(resolved);
    if (!dotIndices(candidates.length, sim.dots).some((i) => candidates[i] === x)) continue;
    plans.push({ point, tasks: [] });
  }
  plans.forEach((plan, index) => {
    const p = plan.point;
    let n: number, batch: number, dt: number, steps: number;
    if (p.regime === "averaged") {
      n = sim.simulationN;
      batch = 1;
      dt = 1e-3 / Math.max(1, p.k);
      steps = Math.round(AVERAGED_SETTLE / (p.k * dt));
    } else {
      ({ n, batch, dt } = p.online);
      steps = Math.max(1, Math.round(efficiencyAt(p).t / dt));
    }
    for (let g = 0; g < sim.groups; g++) {
      plan.tasks.push({
        rule: p.rule,
        alpha: p.alpha,
        D: p.D,
        regime: p.regime,
        nuTilde: p.nuTilde,
        k: p.k,
        n,
        batch,
        dt,
        steps,
        trajectories: sim.trajectories,
        firstTrajectory: (index * sim.groups + g) * sim.trajectories,
        seed: sim.seed,
      });
    }
  });
  return plans;
}

/** A sub-ensemble's cost in (weight × input × trajectory × step) units, to hand the longest out first. */
function cost(t: EfficiencySimulationTask): number {
  return t.n * (t.regime === "online" ? t.batch : 1) * t.trajectories * t.steps;
}

/**
 * Validates a figure's options once.
 * @throws TypeError/RangeError naming the option.
 * @example
 * ```ts
 * import { resolveEfficiencyFigureConfig } from "thermolearn/node";
 * const { surface, simulation, workers } = resolveEfficiencyFigureConfig({ points: 5 });
 * console.log(surface.rules, simulation.dots, workers); // the three rules, 4 dots per line, undefined (one per core)
 * ```
 */
export function resolveEfficiencyFigureConfig(options?: EfficiencyFigureOptions): {
  /** The surface's resolved options. */
  surface: EfficiencySurfaceConfig;
  /** The dots' resolved settings. */
  simulation: EfficiencyDotsConfig;
  /** Worker threads asked for, or undefined for one per core. */
  workers: number | undefined;
} {
  const o = check.options("runEfficiencyFigure", options, FIGURE_KEYS);
  const { dots: _d, simulationN: _n, trajectories: _t, groups: _g, seed: _s, workers: _w, ...surface } = o;
  const config = resolveEfficiencySurfaceConfig(surface);
  const simulation: EfficiencyDotsConfig = {
    dots: check.integer("dots", o.dots ?? 4, 0, 1000),
    simulationN: check.integer("simulationN", o.simulationN ?? 1000, 1, 2 ** 24),
    trajectories: check.integer("trajectories", o.trajectories ?? 4, 2, 100_000),
    groups: check.integer("groups", o.groups ?? 8, 2, 1000),
    seed: check.seed("seed", o.seed ?? 0),
    averagedSettle: AVERAGED_SETTLE,
    definition:
      'simulation points on the middle line of each sweep: averaged, inputs "averaged" ensembles at n = ' +
      `simulationN from equilibrium to t = ${AVERAGED_SETTLE}/k (Δt = 10⁻³/max(1, k)); online, fresh mini-batches ` +
      "at the online regime's n, B, Δt to the time of the theory's maximum; averaged dots only where ν̃²/k ≥ " +
      `${MIN_SIGNAL}; η = mean I/(mean ΔS + mean Q_n/D) over independent sub-ensembles, standard error by the ` +
      "jackknife over them; theory = the ODEs' η at the same t",
  };
  const workers = o.workers === undefined ? undefined : check.integer("workers", o.workers, 1, MAX_WORKERS);
  return { surface: config, simulation, workers };
}

/** Packs the dots whose sub-ensembles all finished (`values[i]` null otherwise) into columns, in plan order. */
function packDots(plans: DotPlan[], values: (EfficiencySimulationValue[] | null)[]): EfficiencyDots {
  const rows = plans.flatMap((plan, i) => {
    const mine = values[i];
    if (mine === null) return [];
    const summary = combineEfficiencySimulations(mine);
    return [{ plan, summary, theory: efficiencyTheoryAt(plan.point, summary.t) }];
  });
  const column = (f: (r: (typeof rows)[number]) => number) => Float64Array.from(rows, f);
  return {
    rule: rows.map((r) => r.plan.point.rule),
    regime: rows.map((r) => r.plan.point.regime),
    sweep: rows.map((r) => r.plan.point.sweep),
    nuTilde: column((r) => r.plan.point.nuTilde),
    k: column((r) => r.plan.point.k),
    n: column((r) => r.plan.tasks[0].n),
    t: column((r) => r.summary.t),
    efficiency: column((r) => r.summary.efficiency),
    standardError: column((r) => r.summary.standardError),
    theory: column((r) => r.theory),
    // A zero standard error (identical sub-ensembles) cannot happen with disjoint streams; 0 keeps it finite.
    z: column((r) => (r.summary.standardError > 0 ? (r.summary.efficiency - r.theory) / r.summary.standardError : 0)),
    epsilon: column((r) => r.summary.epsilon),
    information: column((r) => r.summary.information),
    entropyChange: column((r) => r.summary.entropyChange),
    heat: column((r) => r.summary.heat),
  };
}

/**
 * The efficiency surface with simulation points, on all cores: every line point and every
 * sub-ensemble is one task of the worker pool (results by index, so bit-identical whatever the worker
 * count). Lines are handed out first, then the dots' sub-ensembles, longest first.
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * ```ts
 * import { runEfficiencyFigure } from "thermolearn/node";
 * const fig = await runEfficiencyFigure({ rules: ["hebbian"], regimes: ["averaged"], points: 3, dots: 0, workers: 1 });
 * console.log(fig.status, fig.maxima[0].efficiency); // "completed", ≈ 0.2012: the grid's largest η
 * ```
 */
export async function runEfficiencyFigure(options?: EfficiencyFigureOptions): Promise<EfficiencyFigureResult> {
  const { surface, simulation, workers } = resolveEfficiencyFigureConfig(options);
  check.optionalFunction("onProgress", options?.onProgress);
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError("signal must be an AbortSignal");
  const started = performance.now();
  const points = efficiencyPoints(surface);
  const plans = planDots(surface, simulation);
  // Longest dots first (the pool hands tasks out in order), so no core idles at the end.
  const order = plans.map((_, i) => i).sort((a, b) => cost(plans[b].tasks[0]) - cost(plans[a].tasks[0]) || a - b);
  const sorted = order.map((i) => plans[i]);
  const tasks: EfficiencyFigureTask[] = [
    ...points.map((point) => ({ kind: "line" as const, point })),
    ...sorted.flatMap((plan) => plan.tasks.map((task) => ({ kind: "dot" as const, task }))),
  ];
  const { results, status } = await runPool(tasks, {
    compute: efficiencyFigureTask,
    script: efficiencyWorkerScript,
    workers,
    onProgress: options?.onProgress,
    signal,
  });
  const lineValues = results.slice(0, points.length) as EfficiencyValue[];
  // The dots' values in plan order: the sub-ensembles of sorted[s] start at points.length + s·groups.
  const groups = simulation.groups;
  const dotValues: (EfficiencySimulationValue[] | null)[] = plans.map(() => null);
  order.forEach((planIndex, s) => {
    const from = points.length + s * groups;
    if (from + groups <= results.length) {
      dotValues[planIndex] = results.slice(from, from + groups) as EfficiencySimulationValue[];
    }
  });
  const dots = packDots(plans, dotValues);
  const elapsedMs = performance.now() - started;
  let within2 = 0,
    maxAbsZ = 0;
  for (const z of dots.z) {
    if (Math.abs(z) <= 2) within2++;
    maxAbsZ = Math.max(maxAbsZ, Math.abs(z));
  }
  return {
    ...efficiencySurfaceResult(surface, points, lineValues, status, elapsedMs),
    config: { ...surface, simulation },
    dots,
    agreement: { dots: dots.z.length, within2, maxAbsZ },
  };
}

// ---------------------------------------------------------------------------------------------
// The figure

const RULE_TITLES: Record<LearningRule, string> = {
  hebbian: "Hebbian",
  perceptron: "Perceptron",
  adatron: "AdaTron",
  alphatron: "α-tron",
};

/** The label of a line: the parameter held fixed on it. */
function curveLabel(sweep: EfficiencySweep, nuTilde: number, k: number): string {
  return sweep === "nuTilde" ? `k = ${+k.toPrecision(3)}` : `ν̃ = ${+nuTilde.toPrecision(3)}`;
}

/**
 * The figure as a vega-lite spec: one row per rule; in each row η against ν̃ and against k, first
 * averaged (Goldt & Seifert, t → ∞), then online (maximum over t), side by side. Lines are the
 * theory, coloured by the parameter held fixed; dots are the simulation with ±1 standard error bars.
 * Every panel has its own y scale (online η is ~10³ times smaller).
 * @example
 * ```ts
 * import { efficiencyFigureSpec, runEfficiencyFigure } from "thermolearn/node";
 * const fig = await runEfficiencyFigure({ rules: ["hebbian"], regimes: ["averaged"], points: 3, dots: 0, workers: 1 });
 * console.log(Object.keys(efficiencyFigureSpec(fig))); // a vega-lite spec of the lines (and dots)
 * ```
 */
export function efficiencyFigureSpec(result: EfficiencyFigureResult): object {
  const { lines, dots, config } = result;
  const panels = (rule: LearningRule) =>
    config.regimes.flatMap((regime) =>
      (["nuTilde", "k"] as const).map((sweep) => {
        const lineRows = [];
        for (let i = 0; i < lines.rule.length; i++) {
          if (lines.rule[i] !== rule || lines.regime[i] !== regime || lines.sweep[i] !== sweep) continue;
          lineRows.push({
            x: sweep === "nuTilde" ? lines.nuTilde[i] : lines.k[i],
            y: lines.efficiency[i],
            line: curveLabel(sweep, lines.nuTilde[i], lines.k[i]),
          });
        }
        const dotRows = [];
        for (let i = 0; i < dots.rule.length; i++) {
          if (dots.rule[i] !== rule || dots.regime[i] !== regime || dots.sweep[i] !== sweep) continue;
          dotRows.push({
            x: sweep === "nuTilde" ? dots.nuTilde[i] : dots.k[i],
            y: dots.efficiency[i],
            lo: dots.efficiency[i] - dots.standardError[i],
            hi: dots.efficiency[i] + dots.standardError[i],
            line: curveLabel(sweep, dots.nuTilde[i], dots.k[i]),
          });
        }
        const xTitle =
          sweep === "nuTilde" ? "learning rate ν̃ = ν/√n (dimensionless)" : "restoring force k (model units)";
        const x = { field: "x", type: "quantitative", scale: { type: "log" }, title: xTitle };
        // Online η is ~10⁻⁵: exponent labels, with a plain 0 (".2~e" writes it "0e+0").
        const yAxis = regime === "online" ? { format: ".2~e", labelExpr: "datum.value === 0 ? '0' : datum.label" } : {};
        const yTitle = "efficiency η (dimensionless)";
        const y = { field: "y", type: "quantitative", scale: { zero: false }, title: yTitle, axis: yAxis };
        const color = { field: "line", type: "nominal", title: "held fixed" };
        const layer: object[] = [{ data: { values: lineRows }, mark: { type: "line" }, encoding: { x, y, color } }];
        if (dotRows.length > 0) {
          layer.push(
            {
              data: { values: dotRows },
              mark: { type: "rule", color: "#333" },
              encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
            },
            {
              data: { values: dotRows },
              mark: { type: "point", filled: true, size: 40, stroke: "#222", strokeWidth: 0.8, opacity: 1 },
              encoding: { x, y, color },
            },
          );
        }
        return {
          title: `${RULE_TITLES[rule]}, ${regime}: η against ${sweep === "nuTilde" ? "ν̃" : "k"}`,
          width: 220,
          height: 170,
          layer,
        };
      }),
    );
  const { n, batch, dt } = config.online;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Thermodynamic efficiency of learning η = I/(ΔS + Q/D)",
      subtitle:
        "lines: theory (order-parameter ODEs); dots: simulation ± 1 s.e. — averaged: time-scale separation, " +
        `t → ∞; online: n = ${n}, B = ${batch}, Δt = ${dt}, maximum over t`,
    },
    vconcat: config.rules.map((rule) => ({ hconcat: panels(rule), resolve: { scale: { y: "independent" } } })),
    resolve: { scale: { color: "shared" } },
    config: { legend: { orient: "bottom" } },
  };
}
