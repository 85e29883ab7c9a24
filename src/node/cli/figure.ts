/**
 * `thermolearn figure 4c|5c|6b|8`: regenerates a figure of Falk et al. on all cores (src/node/
 * figures.ts, one independent point per task), with a one-line summary, its columns as JSON and the
 * figure as SVG. Ctrl-C keeps the points finished in order. `thermolearn figure efficiency` (Goldt &
 * Seifert's efficiency surface) is src/node/efficiency-figure.ts, `figure landauer` (Landauer's erasure)
 * src/node/landauer-figure.ts, `figure cost` (the cost of contrastive learning) src/node/cost-figure.ts.
 */
import { figureConfig, figureTasks, FIGURES, type FigureName } from "../figures.js";
import { efficiencyFigureCommand } from "../efficiency-figure.js";
import { landauerFigureCommand } from "../landauer-figure.js";
import { costFigureCommand } from "../cost-figure.js";
import { runFigureTasks } from "../figure-pool.js";
import { concatSpecs, lineChartSpec, renderSvg } from "../../plot/index.js";
import { mean } from "../../math/stats.js";
import type { RunProgress } from "../../core/model.js";
import * as check from "../../core/validate.js";
import { VERSION } from "../../version.js";
import { parseFlags, withFlags } from "./args.js";
import { jsonSvgOutputs, writeJson, writeOutput } from "./output.js";
import { EXIT_INTERRUPTED, interruptOnSigint, progressBar } from "./terminal.js";

/** The flag of each option, for error messages. */
const FLAGS = { points: "--points", seed: "--seed", dt: "--dt", workers: "--workers" };

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
      xLabel: "dissipation σ",
      yLabel,
      xScale: "log",
      width: 360,
      height: 260,
      series: [{ name: "ladder kernels", x: c.dissipation, y, points: true }],
    });
  return concatSpecs({
    specs: [
      panel("Fig. 6B: offset", "ln|offset/s̄|", c.lnOffsetOverMean),
      panel("dynamic range", "A_max/A_min", c.dynamicRange),
    ],
  });
}

/** Fig. 8: Δw/A against τ_f/τ_K, with the ideal update Δw = A. */
function figure8(c: Columns): object {
  return lineChartSpec({
    title: "Fig. 8: the ideal update needs τ_f ≫ τ_K",
    xLabel: "τ_f/τ_K",
    yLabel: "Δw/A",
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
    xLabel: "ln(τ_s/τ_f)",
    yLabel: "ln(dynamic range)",
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
    xLabel: "protocol length τ_f + τ_s",
    yLabel: "offset / A_max",
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

export async function figureCommand(argv: string[]): Promise<number> {
  const [arg, ...rest] = argv;
  // The efficiency surface (Goldt & Seifert) has its own flags and outputs: src/node/efficiency-figure.ts.
  if (arg === "efficiency") return efficiencyFigureCommand(rest);
  // Landauer's erasure (src/node/landauer-figure.ts) and the cost of contrastive learning (src/node/cost-figure.ts).
  if (arg === "landauer") return landauerFigureCommand(rest);
  if (arg === "cost") return costFigureCommand(rest);
  const name = withFlags(
    {},
    () => check.oneOf("figure", arg, [...FIGURES, "efficiency", "landauer", "cost"]) as FigureName,
  );
  const { num, str } = parseFlags(rest, ["points", "seed", "dt", "workers"], ["json", "svg"]);
  const tasks = withFlags(FLAGS, () => figureTasks({ figure: name, points: num.points, seed: num.seed, dt: num.dt }));
  const workers =
    num.workers === undefined
      ? undefined
      : withFlags(FLAGS, () => check.integer("workers", num.workers, 1, MAX_WORKERS));
  const { json, svg } = await jsonSvgOutputs(str);
  const bar = progressBar(`figure ${name}`);
  const started = performance.now();
  const sigint = interruptOnSigint();
  const onProgress = (p: RunProgress) => bar.update(p.fraction, `${p.done}/${p.total}`);
  const { results, status } = await runFigureTasks(tasks, { workers, signal: sigint.signal, onProgress }).finally(
    () => {
      sigint.release();
      bar.done();
    },
  );
  const columns: Columns = {};
  for (const r of results) for (const [k, v] of Object.entries(r)) (columns[k] ??= []).push(v);
  const seconds = (performance.now() - started) / 1000;
  const { seed, dt } = tasks[0];
  const config = { figure: name, points: tasks.length, seed, ...(name === "6b" ? {} : { dt }), ...figureConfig(name) };
  console.log(
    `figure ${name}: ${results.length} points, seed ${seed}${name === "6b" ? "" : `, dt = ${dt}`}, ` +
      `${seconds.toFixed(1)} s (${status})`,
  );
  if (results.length === 0) {
    // Interrupted before the first point: the JSON says so; there is nothing to summarise or draw.
    if (json) writeJson(json, { version: VERSION, config, status, seconds });
    console.error('thermolearn: interrupted before the first point finished (status "aborted")');
    return EXIT_INTERRUPTED;
  }
  console.log(summary(name, columns, results.length));
  if (json) writeJson(json, { version: VERSION, config, status, seconds, ...columns });
  if (svg) writeOutput(svg, await renderSvg(CHARTS[name](columns)));
  if (status === "aborted") {
    console.error(
      `thermolearn: interrupted; the first ${results.length} of ${tasks.length} points were kept ` +
        `(status "aborted")`,
    );
    return EXIT_INTERRUPTED;
  }
  return 0;
}
