/**
 * The figure of `thermolearn figure cost` (the command: src/node/cli/figure-cost.ts): the energy cost
 * of contrastive learning against its accuracy for a ladder synapse across γ and F
 * (src/contrastive/cost.ts; Falk et al., Fig. 6B and the abstract's "Landauer energy cost of
 * contrastive learning"), as JSON and SVG. Computed in this thread, point by point (about 0.3 s a
 * point at the defaults; the default grid of 14 points takes about 4 s).
 */
import {
  LANDAUER_NATS,
  learningCostCurve,
  resolveLearningCostCurve,
  type LearningCostCurve,
  type LearningCostCurveOptions,
} from "../contrastive/cost.js";
import * as check from "../core/validate.js";
import { concatSpecs, lineChartSpec, renderSvg, type Series } from "../plot/index.js";
import { VERSION } from "../version.js";

/** Options of {@link costFigure}. */
export interface CostFigureOptions {
  /** γ values. Default [1, 0.3, 0.1, 0.03, 0.01, 10⁻³, 10⁻⁴]. */
  gammas?: number[];
  /** F values. Default [5, 25]. */
  Fs?: number[];
  /** The exact cost's steps per period. Default 2048. */
  stepsPerPeriod?: number;
  /** Protocol (see LearningCostOptions). Defaults τ_f = 3, τ_s = 15, s̄ = 25, A_max = 50. */
  tauFast?: number;
  /** Slow ramp τ_s. Default 15. */
  tauSlow?: number;
  /** Mean signal s̄ (µM). Default 25. */
  mean?: number;
  /** Largest amplitude A_max (µM). Default 50. */
  aMax?: number;
  /** Render the SVG (needs vega and vega-lite). Default true. */
  svg?: boolean;
  /** Called after each grid point. */
  onProgress?: (p: { done: number; total: number }) => void;
}

/** The figure: its JSON value (columns, null where an offset does not exist), its SVG, and a summary line. */
export interface CostFigure {
  /** The figure's columns (one row per (F, γ)), its config and `landauerNats` = ln 2. */
  json: Record<string, unknown>;
  /** The SVG text, or null when `svg: false`. */
  svg: string | null;
  /** One line from the most to the least equilibrium γ at the first F: cost per cycle and error. */
  summary: string;
}

const DEFAULT_GAMMAS = [1, 0.3, 0.1, 0.03, 0.01, 1e-3, 1e-4];
const DEFAULT_FS = [5, 25];

/** Rows of one F, in increasing dissipation, as [x, y] columns (rows where `y` is null left out). */
function byF(c: LearningCostCurve, F: number, x: (i: number) => number, y: (i: number) => number | null): Series {
  const rows: { x: number; y: number }[] = [];
  for (let i = 0; i < c.F.length; i++) {
    const v = y(i);
    if (c.F[i] === F && v !== null) rows.push({ x: x(i), y: v });
  }
  rows.sort((a, b) => a.x - b.x);
  return { name: `F = ${F}`, x: rows.map((r) => r.x), y: rows.map((r) => r.y) };
}

/**
 * The vega-lite spec: error and |offset|/s̄ against the cost per cycle, and the cost in bits against γ.
 * @example
 * ```ts
 * import { learningCostCurve } from "thermolearn";
 * import { costFigureSpec } from "thermolearn/node";
 * const curve = learningCostCurve({ gammas: [1, 0.01], Fs: [25], points: 12, kernelDt: 5e-3, stepsPerPeriod: 256 });
 * const spec = costFigureSpec(curve); // a vega-lite spec: render it with renderSvg from "thermolearn/plot"
 * console.log(Object.keys(spec)); // ["$schema", "hconcat", "resolve"]
 * ```
 */
export function costFigureSpec(c: LearningCostCurve): object {
  const Fs = [...new Set(c.F)];
  const offsetOf = (i: number) => (c.noOffset.includes(i) ? null : Math.abs(c.offset[i]) / c.config.mean);
  const cost = (i: number) => c.dissipationPerCycle[i];
  const panel = (title: string, xLabel: string, yLabel: string, series: Series[], extra: object = {}) =>
    lineChartSpec({ title, xLabel, yLabel, series, xScale: "log", width: 300, height: 240, markers: true, ...extra });
  return concatSpecs({
    specs: [
      panel(
        "error |Δw − A|/A against cost",
        "dissipation per cycle (k_BT)",
        "error |Δw − A|/A (fraction)",
        Fs.map((F) => byF(c, F, cost, (i) => c.error[i])),
      ),
      panel(
        "offset (App. G.3) against cost",
        "dissipation per cycle (k_BT)",
        "|offset|/s̄ (dimensionless)",
        Fs.map((F) => byF(c, F, cost, offsetOf)),
        { yScale: "log" },
      ),
      panel(
        "cost in Landauer units",
        "γ (rate ratio, dimensionless)",
        "cost (bits = dissipation/(k_BT ln 2))",
        Fs.map((F) =>
          byF(
            c,
            F,
            (i) => c.gamma[i],
            (i) => c.bits[i],
          ),
        ),
        { yScale: "log", referenceLines: [{ name: "1 bit (k_BT ln 2)", y: 1 }] },
      ),
    ],
  });
}

/** The one-line summary: from the most to the least equilibrium γ at the first F. */
function summaryLine(c: LearningCostCurve): string {
  const F = c.F[0];
  const rows = Array.from(c.F, (_, i) => i).filter((i) => c.F[i] === F);
  const hi = rows.reduce((a, b) => (c.gamma[b] > c.gamma[a] ? b : a));
  const lo = rows.reduce((a, b) => (c.gamma[b] < c.gamma[a] ? b : a));
  const fmt = (x: number) => +x.toPrecision(3);
  const offset = (i: number) => (c.noOffset.includes(i) ? "none" : String(fmt(c.offset[i])));
  return (
    `F = ${F}: γ = ${fmt(c.gamma[hi])} → ${fmt(c.gamma[lo])}: dissipation ${fmt(c.dissipationPerCycle[hi])} → ` +
    `${fmt(c.dissipationPerCycle[lo])} k_BT per cycle (${fmt(c.bits[hi])} → ${fmt(c.bits[lo])} bits of ` +
    `k_BT ln 2), error |Δw − A|/A ${fmt(c.error[hi])} → ${fmt(c.error[lo])}, offset ${offset(hi)} → ${offset(lo)}`
  );
}

const FIGURE_KEYS = ["gammas", "Fs", "stepsPerPeriod", "tauFast", "tauSlow", "mean", "aMax", "svg", "onProgress"];

/**
 * Validates a figure's options once (every grid point's included, before anything is computed) and
 * returns the curve's options and whether to draw.
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * ```ts
 * import { resolveCostFigureOptions } from "thermolearn/node";
 * const { curve, draw } = resolveCostFigureOptions({ svg: false });
 * console.log(curve.gammas, curve.Fs, draw); // the default grid, false
 * ```
 */
export function resolveCostFigureOptions(options: CostFigureOptions = {}): {
  /** The options of {@link learningCostCurve} (the default grid filled in). */
  curve: LearningCostCurveOptions;
  /** Whether to render the SVG. */
  draw: boolean;
} {
  const o = check.options("costFigure", options, FIGURE_KEYS);
  if (o.svg !== undefined && typeof o.svg !== "boolean") throw new TypeError("svg must be a boolean");
  const { svg, gammas, Fs, ...rest } = o;
  const curve = { ...rest, gammas: gammas ?? DEFAULT_GAMMAS, Fs: Fs ?? DEFAULT_FS };
  resolveLearningCostCurve(curve);
  return { curve, draw: svg !== false };
}

/**
 * The cost–accuracy figure: {@link learningCostCurve} over the grid, its columns as JSON (offsets that
 * do not exist as null, with `landauerNats` = ln 2), the three-panel SVG and a summary line.
 * @throws TypeError/RangeError naming a bad option (synchronously checked, reported as a rejection).
 * @example
 * ```ts
 * import { costFigure } from "thermolearn/node";
 * const { json, svg, summary } = await costFigure({ gammas: [1, 0.01], Fs: [25], stepsPerPeriod: 256, svg: false });
 * console.log(summary); // "F = 25: γ = 1 → 0.01: dissipation 0.0348 → 401 k_BT per cycle …"
 * console.log(svg); // null (svg: false)
 * ```
 */
export async function costFigure(options: CostFigureOptions = {}): Promise<CostFigure> {
  const { curve: curveOptions, draw } = resolveCostFigureOptions(options);
  const started = performance.now();
  const curve = learningCostCurve(curveOptions);
  const seconds = (performance.now() - started) / 1000;
  const { config, noOffset, ...columns } = curve;
  const offset = Array.from(curve.offset, (v, i) => (noOffset.includes(i) ? null : v));
  const json = {
    version: VERSION,
    config: {
      ...config,
      gammas: Array.from(curveOptions.gammas),
      Fs: Array.from(curveOptions.Fs ?? []),
      dissipation:
        "exact: σ(t) of the periodically driven ladder integrated over one period (exponential midpoint, " +
        "σ at mid-step); quasiSteady: ∫σ_ss(s(t))dt",
      offset: "App. G.3: intercept of the least-squares line through (A, Δw) for A ≥ A_min (first Δw/A_max > 0.05)",
      error: "|Δw − A|/A at A = amplitude (ideal contrastive update Δw = A)",
    },
    landauerNats: LANDAUER_NATS,
    seconds,
    ...columns,
    offset,
  };
  const svg = draw ? await renderSvg(costFigureSpec(curve)) : null;
  return { json, svg, summary: summaryLine(curve) };
}
