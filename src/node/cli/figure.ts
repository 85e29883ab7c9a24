/**
 * `thermolearn figure 4c|5c|6b|8`: regenerates a figure of Falk et al. on all cores (src/node/
 * figures.ts, one independent point per task), with a one-line summary, its columns as JSON and the
 * figure as SVG, through the shared figure command (./figure-command.ts). Ctrl-C keeps the points
 * finished in order. `thermolearn figure efficiency` (Goldt & Seifert's efficiency surface) is
 * ./figure-efficiency.ts, `figure landauer` (Landauer's erasure) ./figure-landauer.ts, `figure cost`
 * (the cost of contrastive learning) ./figure-cost.ts.
 */
import { figureConfig, figureTasks, FIGURES, type FigureName, type FigureTask } from "../figures.js";
import { runFigureTasks } from "../figure-pool.js";
import { concatSpecs, lineChartSpec, renderSvg } from "../../plot/index.js";
import { mean } from "../../math/stats.js";
import * as check from "../../core/validate.js";
import { VERSION } from "../../version.js";
import { withFlags } from "./args.js";
import { runFigureCommand, type FigureDefinition, type FigureReport } from "./figure-command.js";
import { jsonFlag, optionsFromFlags, seedFlag, svgFlag, workersFlag, type CommandSpec } from "./flags.js";

/** The figures with their own commands (./figure-efficiency.ts, ./figure-landauer.ts, ./figure-cost.ts). */
export const FIGURE_SUBCOMMANDS = ["efficiency", "landauer", "cost"] as const;

/** The most worker threads the CLI starts. */
const MAX_WORKERS = 256;

/** A figure's columns: one array per field of its points. */
type Columns = Record<string, number[]>;

/** What the figure shows, in one line (4c and 8 with their numbers). */
function summary(name: FigureName, columns: Columns, count: number): string {
  if (name === "4c") {
    const x = columns.lnRatio,
      y = columns.lnDynamicRange;
    const meanGap = mean(x.map((xi, i) => y[i] - xi));
    return (
      `ln(dynamic range) − ln(τ_s/τ_f): mean ${meanGap.toFixed(3)} over the points ` +
      "(Eq. 9 predicts 0 for τ_s ≫ τ_f ≫ τ_K)"
    );
  }
  if (name === "5c") {
    return (
      "offset against protocol length τ_f + τ_s; column baselineOffset = I·s̄·(τ_f + τ_s)/A_max, " +
      "the mean signal's contribution once the slow phase passes the threshold"
    );
  }
  if (name === "8") {
    const y = columns.dwOverA,
      x = columns.ratio,
      last = y.length - 1;
    return (
      `Δw/A = ${y[0].toFixed(4)} at τ_f/τ_K = ${x[0].toPrecision(3)} … ${y[last].toFixed(4)} at ` +
      `τ_f/τ_K = ${x[last].toPrecision(3)} (→ 1, the ideal contrastive update, for τ_f ≫ τ_K)`
    );
  }
  const valid = columns.lnOffsetOverMean.filter(Number.isFinite).length;
  return (
    `ln|offset/s̄| against dissipation σ for ${count} ladder kernels (${valid} with a measurable offset; ` +
    "null in the JSON otherwise)"
  );
}

/** Fig. 6B: the offset and the dynamic range against dissipation, side by side. */
function figure6b(c: Columns): object {
  const panel = (title: string, yLabel: string, y: number[]) =>
    lineChartSpec({
      title,
      xLabel: "dissipation σ (k_BT per unit time)",
      yLabel,
      xScale: "log",
      width: 360,
      height: 260,
      series: [{ name: "ladder kernels", x: c.dissipation, y, points: true }],
    });
  return concatSpecs({
    specs: [
      panel("Fig. 6B: offset", "ln|offset/s̄| (dimensionless)", c.lnOffsetOverMean),
      panel("dynamic range", "A_max/A_min (dimensionless)", c.dynamicRange),
    ],
  });
}

/** Fig. 8: Δw/A against τ_f/τ_K, with the ideal update Δw = A. */
function figure8(c: Columns): object {
  return lineChartSpec({
    title: "Fig. 8: the ideal update needs τ_f ≫ τ_K",
    xLabel: "fast phase τ_f/τ_K (kernel decay times)",
    yLabel: "update Δw/A (fraction of the ideal)",
    xScale: "log",
    series: [
      { name: "E. coli kernel, I = 0", x: c.ratio, y: c.dwOverA, points: true },
      { name: "ideal: Δw = A", x: [c.ratio[0], c.ratio[c.ratio.length - 1]], y: [1, 1] },
    ],
  });
}

/** Fig. 4C: ln(dynamic range) against ln(τ_s/τ_f), with Eq. 9's identity. */
function figure4c(c: Columns): object {
  const lo = Math.min(...c.lnRatio),
    hi = Math.max(...c.lnRatio);
  return lineChartSpec({
    title: "Fig. 4C: dynamic range (I = 0)",
    xLabel: "ln(τ_s/τ_f) (dimensionless)",
    yLabel: "ln(dynamic range A_max/A_min) (dimensionless)",
    series: [
      { name: "measured", x: c.lnRatio, y: c.lnDynamicRange, points: true },
      { name: "Eq. 9", x: [lo, hi], y: [lo, hi] },
    ],
  });
}

/** Fig. 5C: the offset against the protocol length, with the mean signal's baseline. */
function figure5c(c: Columns): object {
  return lineChartSpec({
    title: "Fig. 5C: offset (I = 0.05, s̄ = 25)",
    xLabel: "protocol length τ_f + τ_s (model time units)",
    yLabel: "offset / A_max (dimensionless)",
    series: [
      { name: "measured", x: c.protocolLength, y: c.offset, points: true },
      { name: "I·s̄·(τ_f + τ_s)/A_max", x: c.protocolLength, y: c.baselineOffset, points: true },
    ],
  });
}

/** The chart of each figure. */
const CHARTS: Record<FigureName, (columns: Columns) => object> = {
  "4c": figure4c,
  "5c": figure5c,
  "6b": figure6b,
  "8": figure8,
};

/** `thermolearn figure 4c|5c|6b|8` (the other figures have their own tables: ./figure-*.ts). */
export const FIGURE: CommandSpec = {
  name: "figure",
  summary: "regenerate Fig. 4c, 5c, 6b or 8 of Falk et al. on all cores",
  usage: "figure 4c|5c|6b|8 [flags]    (and figure efficiency|landauer|cost [flags])",
  flags: [
    {
      name: "points",
      kind: "number",
      meta: "P",
      help: "points of the figure",
      default: "1000; 6b: 5000; 8: 31",
      option: "points",
    },
    seedFlag(),
    {
      name: "dt",
      kind: "number",
      meta: "DT",
      help: "time step",
      unit: "time",
      default: "4c, 5c: 0.001; 8: 0.0001",
      option: "dt",
    },
    workersFlag(),
    jsonFlag("the columns"),
    svgFlag("the figure"),
  ],
  notes: [
    "4c: ln(dynamic range) against ln(τ_s/τ_f); 5c: offset against τ_f + τ_s;",
    "6b: offset and dynamic range against dissipation;",
    "8: Δw/A against τ_f/τ_K (E. coli kernel I = 0, τ_K = 1/b = 0.05, A = 20, τ_s = 20).",
    'Ctrl-C keeps the points finished in order (status "aborted", exit 130).',
    "",
    "The other figures, each with its own flags:",
    "  thermolearn figure efficiency --help",
    "  thermolearn figure landauer --help",
    "  thermolearn figure cost --help",
  ],
};

/** The options of a figure of Falk et al.: which figure, and its flags. */
interface FalkOptions {
  figure: FigureName;
  points?: number;
  seed?: number;
  dt?: number;
  workers?: number;
}

/** A finished (or stopped) run: the points in order, the tasks planned, and the time. */
interface FalkRun {
  name: FigureName;
  tasks: FigureTask[];
  results: Record<string, number>[];
  status: "completed" | "aborted";
  seconds: number;
}

/** The worker count of --workers (undefined: one per core). */
function workerCount(workers: number | undefined): number | undefined {
  return workers === undefined ? undefined : check.integer("workers", workers, 1, MAX_WORKERS);
}

/** The tasks of a figure (checks its options; errors name them). */
function tasksOf(o: FalkOptions): FigureTask[] {
  return figureTasks({ figure: o.figure, points: o.points, seed: o.seed, dt: o.dt });
}

/** The summary, the JSON and the chart of a run. */
function report({ name, tasks, results, status, seconds }: FalkRun): FigureReport {
  const columns: Columns = {};
  for (const r of results) for (const [k, v] of Object.entries(r)) (columns[k] ??= []).push(v);
  const { seed, dt } = tasks[0];
  const config = { figure: name, points: tasks.length, seed, ...(name === "6b" ? {} : { dt }), ...figureConfig(name) };
  const head =
    `figure ${name}: ${results.length} points, seed ${seed}${name === "6b" ? "" : `, dt = ${dt}`}, ` +
    `${seconds.toFixed(1)} s (${status})`;
  if (results.length === 0) {
    // Interrupted before the first point: the JSON says so; there is nothing to summarise or draw.
    const note = 'interrupted before the first point finished (status "aborted")';
    return { lines: [head], json: { version: VERSION, config, status, seconds }, svg: null, status: "aborted", note };
  }
  return {
    lines: [head, summary(name, columns, results.length)],
    json: { version: VERSION, config, status, seconds, ...columns },
    svg: () => renderSvg(CHARTS[name](columns)),
    status,
    note:
      status === "aborted"
        ? `interrupted; the first ${results.length} of ${tasks.length} points were kept (status "aborted")`
        : undefined,
  };
}

/** The definition of `figure NAME` for {@link runFigureCommand}. */
function falkFigure(name: FigureName): FigureDefinition<FalkOptions, FalkRun> {
  return {
    spec: FIGURE,
    label: `figure ${name}`,
    options: (parsed) => ({ figure: name, ...optionsFromFlags(FIGURE, parsed) }),
    resolve: (o) => {
      tasksOf(o);
      workerCount(o.workers);
    },
    interruptible: true,
    run: async (o, { onProgress, signal }) => {
      const tasks = tasksOf(o);
      const started = performance.now();
      const { results, status } = await runFigureTasks(tasks, { workers: workerCount(o.workers), signal, onProgress });
      return { name, tasks, results, status, seconds: (performance.now() - started) / 1000 };
    },
    report,
  };
}

/** `thermolearn figure 4c|5c|6b|8 [flags]`. */
export async function figureCommand(argv: string[]): Promise<number> {
  const [arg, ...rest] = argv;
  const name = withFlags({}, () => check.oneOf("figure", arg, [...FIGURES, ...FIGURE_SUBCOMMANDS]) as FigureName);
  return runFigureCommand(falkFigure(name), rest);
}
