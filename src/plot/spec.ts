/**
 * Vega-lite specs for thermolearn results: line charts, ±1 state grids and their concatenation.
 * Plain objects built without any package at run time (the `vega-lite` import is a type only), so
 * they work in Node and in browsers whether or not vega is installed. Rendering them to SVG is
 * src/plot/svg.ts.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";

/** One named curve: `y[i]` is plotted against `x[i]`. */
export interface Series {
  /** Name shown in the legend; must be unique within a chart. */
  name: string;
  /** x coordinates (any array-like of numbers, e.g. `Float64Array`). */
  x: ArrayLike<number>;
  /** y coordinates; must have the same length as `x`. */
  y: ArrayLike<number>;
  /** Draw the points as dots instead of joining them with a line (a scatter). Default false. */
  points?: boolean;
}

/** Options for {@link lineChartSpec} (and `lineChartSvg` in src/plot/svg.ts). */
export interface LineChartOptions {
  /** Chart title (optional). */
  title?: string;
  /** x-axis title (required, non-empty). */
  xLabel: string;
  /** y-axis title (required, non-empty). */
  yLabel: string;
  /** Curves to draw, coloured by series with a legend (at least one). */
  series: Series[];
  /** Plot width in pixels; default 560. */
  width?: number;
  /** Plot height in pixels; default 320. */
  height?: number;
  /** y scale type; default `'linear'`. On `'log'`, points with y <= 0 are dropped. */
  yScale?: "linear" | "log";
  /** x scale type; default `'linear'`. On `'log'`, points with x <= 0 are dropped. */
  xScale?: "linear" | "log";
  /** Horizontal dashed rules, each labelled with its name (e.g. an analytic value). */
  referenceLines?: { name: string; y: number }[];
}

/**
 * Most points kept per series. Longer series are thinned evenly to this many
 * points (always keeping the first and last) so the SVG stays small.
 */
export const MAX_POINTS_PER_SERIES = 2000;

/** The `layer` array of a top-level layered vega-lite spec. */
type Layers = Extract<TopLevelSpec, { layer: unknown }>["layer"];

/** One inlined data row of the spec. */
interface Row {
  series: string;
  x: number;
  y: number;
}

/**
 * Indices `0..n-1` thinned evenly to at most `max` entries, always keeping the
 * first and the last. Returns all indices when `n <= max`.
 */
function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(Math.round((k * (n - 1)) / (max - 1)));
  return out; // strictly increasing since n > max, ends are 0 and n-1
}

function checkLabel(value: unknown, name: string): void {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
}

function checkSize(value: unknown, name: string): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite positive number, got ${String(value)}`);
  }
}

function checkScale(value: unknown, name: string): void {
  if (value !== undefined && value !== "linear" && value !== "log") {
    throw new TypeError(`${name} must be 'linear' or 'log'`);
  }
}

/**
 * Build a vega-lite v6 line-chart spec.
 *
 * Data are inlined as rows `{series, x, y}`, one per kept point, in series
 * order. A point is dropped when x or y is not finite (NaN, ±Infinity), or is
 * not positive on a log axis. Series longer than {@link MAX_POINTS_PER_SERIES}
 * (after dropping) are thinned evenly, keeping the first and last points.
 * Lines are coloured by series, with a legend listing series in the given order.
 * Reference lines become dashed horizontal rules labelled at the right edge.
 *
 * @throws TypeError naming the bad option: missing labels, empty or malformed
 *   `series`, duplicate series names, `series[i].y` length differing from
 *   `series[i].x`, malformed `referenceLines`.
 * @throws RangeError when `width` or `height` is not a finite positive number.
 */
export function lineChartSpec(opts: LineChartOptions): TopLevelSpec {
  if (opts === null || typeof opts !== "object") throw new TypeError("options must be an object");
  checkLabel(opts.xLabel, "xLabel");
  checkLabel(opts.yLabel, "yLabel");
  if (opts.title !== undefined && typeof opts.title !== "string") {
    throw new TypeError("title must be a string");
  }
  const width = opts.width ?? 560;
  const height = opts.height ?? 320;
  checkSize(width, "width");
  checkSize(height, "height");
  checkScale(opts.xScale, "xScale");
  checkScale(opts.yScale, "yScale");
  const xLog = opts.xScale === "log";
  const yLog = opts.yScale === "log";

  if (!Array.isArray(opts.series) || opts.series.length === 0) {
    throw new TypeError("series must be a non-empty array");
  }

  // Collect the kept points of every series.
  const rows: Row[] = [];
  const names: string[] = [];
  opts.series.forEach((s, i) => {
    const at = `series[${i}]`;
    if (s === null || typeof s !== "object") throw new TypeError(`${at} must be an object`);
    checkLabel(s.name, `${at}.name`);
    if (names.includes(s.name)) throw new TypeError(`${at}.name "${s.name}" is used twice`);
    names.push(s.name);
    if (s.x == null || typeof s.x.length !== "number") throw new TypeError(`${at}.x must be array-like`);
    if (s.y == null || typeof s.y.length !== "number") throw new TypeError(`${at}.y must be array-like`);
    if (s.y.length !== s.x.length) {
      throw new TypeError(`${at}.y must have the same length as ${at}.x`);
    }
    const kept: number[] = []; // indices of plottable points
    for (let j = 0; j < s.x.length; j++) {
      const x = s.x[j];
      const y = s.y[j];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if ((xLog && x <= 0) || (yLog && y <= 0)) continue;
      kept.push(j);
    }
    for (const k of thinIndices(kept.length, MAX_POINTS_PER_SERIES)) {
      const j = kept[k];
      rows.push({ series: s.name, x: s.x[j], y: s.y[j] });
    }
  });

  const scatter = new Set(opts.series.filter((s) => s.points).map((s) => s.name));
  const refs = opts.referenceLines ?? [];
  if (!Array.isArray(refs)) throw new TypeError("referenceLines must be an array");
  refs.forEach((r, i) => {
    const at = `referenceLines[${i}]`;
    if (r === null || typeof r !== "object") throw new TypeError(`${at} must be an object`);
    checkLabel(r.name, `${at}.name`);
    if (!Number.isFinite(r.y) || (yLog && r.y <= 0)) {
      throw new TypeError(`${at}.y must be a finite number${yLog ? " > 0 on a log y scale" : ""}`);
    }
  });

  // Position encodings, repeated in every layer so the layers share scales and
  // axis titles. Linear scales are not forced to include zero.
  const position = (field: "x" | "y", title: string, log: boolean) => ({
    field,
    type: "quantitative" as const,
    title,
    scale: log ? { type: "log" as const } : { type: "linear" as const, zero: false },
  });
  const x = position("x", opts.xLabel, xLog);
  const y = position("y", opts.yLabel, yLog);

  const encoding = {
    x,
    y,
    // Explicit domain keeps the legend in the caller's series order; one series needs no legend.
    color: {
      field: "series",
      type: "nominal" as const,
      scale: { domain: names },
      legend: names.length > 1 ? { title: null } : null,
    },
  };

  const refValues = refs.map((r) => ({ name: r.name, y: r.y }));
  const grey = "#555";
  const refLayers: Layers =
    refs.length === 0
      ? []
      : [
          {
            data: { values: refValues },
            mark: { type: "rule", strokeDash: [6, 4], color: grey },
            encoding: { y },
          },
          {
            // Label each rule at the right edge of the plot, just above the line.
            data: { values: refValues },
            mark: { type: "text", align: "right", baseline: "bottom", dx: -3, dy: -2, color: grey },
            encoding: { y, x: { value: width }, text: { field: "name" } },
          },
        ];

  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    width,
    height,
    // Layer 0 always holds the line series (the demos stream data into it); dots (series with
    // `points: true`) get a second layer when there are any. Both share one colour scale.
    layer: [
      { data: { values: rows.filter((r) => !scatter.has(r.series)) }, mark: { type: "line", clip: true }, encoding },
      ...(scatter.size === 0
        ? []
        : [
            {
              data: { values: rows.filter((r) => scatter.has(r.series)) },
              mark: { type: "point" as const, clip: true, filled: true, size: 12 },
              encoding,
            },
          ]),
      ...refLayers,
    ],
  };
}

/** Options for {@link spinGridSpec}. */
export interface SpinGridOptions {
  /** Panel title. */
  title: string;
  /** ±1 values, drawn row-major on a square grid (black = +1). */
  spins: ArrayLike<number>;
  /** Cells per row; default ⌈√N⌉. */
  side?: number;
  /** Cell size in pixels; default 180/side, at least 2. */
  cell?: number;
}

/** A ±1 state as a grid of squares (a vega-lite rect heatmap), e.g. a Hopfield pattern. */
export function spinGridSpec(opts: SpinGridOptions): TopLevelSpec {
  checkLabel(opts.title, "title");
  const n = opts.spins?.length;
  if (typeof n !== "number" || n === 0) throw new TypeError("spins must be a non-empty array of ±1");
  const side = opts.side ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(side) || side < 1) throw new RangeError(`side must be a positive integer, got ${side}`);
  const cell = opts.cell ?? Math.max(2, Math.floor(180 / side));
  checkSize(cell, "cell");
  const rows = Array.from({ length: n }, (_, i) => ({
    col: i % side,
    row: Math.floor(i / side),
    on: opts.spins[i] > 0 ? 1 : 0,
  }));
  const rowCount = Math.ceil(n / side);
  return {
    title: opts.title,
    width: side * cell,
    height: rowCount * cell,
    data: { values: rows },
    mark: { type: "rect" },
    encoding: {
      x: { field: "col", type: "ordinal", axis: null },
      y: { field: "row", type: "ordinal", axis: null },
      color: { field: "on", type: "nominal", scale: { domain: [0, 1], range: ["#f4f4f4", "#222"] }, legend: null },
    },
  } as TopLevelSpec;
}

/** Options for {@link concatSpecs}. */
export interface ConcatOptions {
  /** Title over all panels (optional). */
  title?: string;
  /** The panels, at least one; their `$schema` is dropped (the concatenation has its own). */
  specs: TopLevelSpec[];
  /** Panels in a row (default) or a column. */
  direction?: "horizontal" | "vertical";
}

/** Several specs in a row (or a column) under one title, e.g. pattern, corrupted and recalled states. */
export function concatSpecs(opts: ConcatOptions): TopLevelSpec {
  if (!Array.isArray(opts.specs) || opts.specs.length === 0) throw new TypeError("specs must be a non-empty array");
  const parts = opts.specs.map(({ $schema: _schema, ...rest }) => rest);
  const key = opts.direction === "vertical" ? "vconcat" : "hconcat";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    [key]: parts,
    // Panels keep their own colours and legends (a state grid's black/white is not a series).
    resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
  } as unknown as TopLevelSpec;
}
