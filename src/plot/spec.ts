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
  /**
   * y scale type; default `'linear'`. On `'log'`, points with y <= 0 are dropped. `'symlog'` is
   * linear within ±`symlogConstant` of 0 and logarithmic beyond, for data with a spike many decades
   * above the rest and values of both signs (e.g. a memory kernel); its ticks are 0 and ±1, 2, 5 ×
   * powers of ten.
   */
  yScale?: "linear" | "log" | "symlog";
  /** x scale type, as {@link LineChartOptions.yScale}; default `'linear'`. */
  xScale?: "linear" | "log" | "symlog";
  /** Half-width of the linear part of a `'symlog'` scale, in data units; default 1. */
  symlogConstant?: number;
  /** The x axis counts something (epochs, sweeps, steps): integer tick labels only. Default false. */
  xInteger?: boolean;
  /** The y axis counts something: integer tick labels only. Default false. */
  yInteger?: boolean;
  /** Draw a dot on every point of the line series too (lines with points). Default false. */
  markers?: boolean;
  /**
   * Horizontal dashed rules, each labelled with its name (e.g. an analytic value). A label goes at
   * the left, middle or right of its rule, above or below it, wherever it covers the fewest data.
   */
  referenceLines?: {
    /** The line's label. */
    name: string;
    /** Its height, in y units. */
    y: number;
  }[];
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
  if (value !== undefined && value !== "linear" && value !== "log" && value !== "symlog") {
    throw new TypeError(`${name} must be 'linear', 'log' or 'symlog', got ${JSON.stringify(value)}`);
  }
}

function checkFlag(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== "boolean") throw new TypeError(`${name} must be a boolean`);
}

/** A scale's coordinate: the data value as the scale spaces it (log10, symlog, or itself). */
type Transform = (v: number) => number;

function transformOf(scale: LineChartOptions["xScale"], c: number): Transform {
  if (scale === "log") return Math.log10;
  // vega's symlog: sign(v)·log1p(|v|/c).
  if (scale === "symlog") return (v) => Math.sign(v) * Math.log1p(Math.abs(v) / c);
  return (v) => v;
}

/** |v| rounded up to the next 1, 2 or 5 × a power of ten, with v's sign (0 stays 0). */
function roundOut(v: number): number {
  if (v === 0) return 0;
  const k = Math.floor(Math.log10(Math.abs(v)));
  const m = [1, 2, 5, 10].find((m) => m * 10 ** k >= Math.abs(v) * (1 - 1e-12)) ?? 10;
  return Math.sign(v) * m * 10 ** k;
}

/**
 * The domain and tick values of a symlog axis over data in [lo, hi]: the ends rounded out to 1, 2 or
 * 5 × a power of ten, ticks at 0 and ±10^k from the first power of ten ≥ c on (and the two ends).
 */
function symlogAxis(lo: number, hi: number, c: number): { domain: [number, number]; ticks: number[] } {
  const domain: [number, number] = [Math.min(0, roundOut(lo)), Math.max(0, roundOut(hi))];
  const top = Math.max(-domain[0], domain[1]);
  const ticks = new Set([0, ...domain]);
  for (let k = Math.ceil(Math.log10(c)); 10 ** k <= top; k++) ticks.add(10 ** k).add(-(10 ** k));
  return { domain, ticks: [...ticks].filter((v) => v >= domain[0] && v <= domain[1]).sort((a, b) => a - b) };
}

/** Average glyph width of vega's default 11 px sans-serif label, in em (a slight overestimate). */
const GLYPH_EM = 0.62;

/** Where a reference line's label goes: the text mark's anchor and offsets, in pixels. */
interface LabelPlace {
  x: number;
  align: "left" | "center" | "right";
  baseline: "bottom" | "top";
  dy: number;
}

/**
 * Places each reference line's label (11 px text) where it covers the fewest data: left, middle or
 * right of the plot, just above or below its rule. The data are mapped to pixels with their own
 * extent (vega's "nice" domain is a little wider, so positions are approximate: each label box is
 * padded by 3 px). A box that leaves the plot, or meets a label placed before it, counts as covering
 * many points. Ties keep the first of: right above, right below, left above, left below, middle
 * above, middle below.
 */
function placeLabels(
  rows: Row[],
  refs: { name: string; y: number }[],
  size: { width: number; height: number },
  tx: Transform,
  ty: Transform,
): LabelPlace[] {
  const { width, height } = size;
  const xs = rows.map((r) => tx(r.x)),
    ys = [...rows.map((r) => ty(r.y)), ...refs.map((r) => ty(r.y))];
  const x0 = Math.min(...xs),
    x1 = Math.max(...xs),
    y0 = Math.min(...ys),
    y1 = Math.max(...ys);
  const px = (v: number) => (x1 > x0 ? ((v - x0) / (x1 - x0)) * width : width / 2);
  const py = (v: number) => (y1 > y0 ? height - ((v - y0) / (y1 - y0)) * height : height / 2);
  // Pixel polylines, one per series (consecutive rows of a series are joined by the line mark).
  const lines: [number, number][][] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i === 0 || rows[i].series !== rows[i - 1].series) lines.push([]);
    lines[lines.length - 1].push([px(tx(rows[i].x)), py(ty(rows[i].y))]);
  }
  const boxes: [number, number, number, number][] = []; // placed labels: x0, y0, x1, y1
  const candidates: LabelPlace[] = [
    { x: width - 3, align: "right", baseline: "bottom", dy: -2 },
    { x: width - 3, align: "right", baseline: "top", dy: 2 },
    { x: 3, align: "left", baseline: "bottom", dy: -2 },
    { x: 3, align: "left", baseline: "top", dy: 2 },
    { x: width / 2, align: "center", baseline: "bottom", dy: -2 },
    { x: width / 2, align: "center", baseline: "top", dy: 2 },
  ];
  return refs.map((ref) => {
    const w = ref.name.length * 11 * GLYPH_EM,
      h = 11,
      yLine = py(ty(ref.y));
    let best = candidates[0],
      bestScore = Infinity,
      bestBox: [number, number, number, number] = [0, 0, 0, 0];
    for (const c of candidates) {
      const left = c.align === "right" ? c.x - w : c.align === "center" ? c.x - w / 2 : c.x;
      const top = c.baseline === "bottom" ? yLine + c.dy - h : yLine + c.dy;
      const box: [number, number, number, number] = [left - 3, top - 3, left + w + 3, top + h + 3];
      let score = 0;
      if (top < 0 || top + h > height) score += 1000;
      if (boxes.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3])) score += 1000;
      for (const line of lines) {
        if (line.length === 1) score += inBox(line[0], box) ? 1 : 0;
        for (let i = 1; i < line.length; i++) score += segmentHitsBox(line[i - 1], line[i], box) ? 1 : 0;
      }
      if (score < bestScore) [best, bestScore, bestBox] = [c, score, box];
    }
    boxes.push(bestBox);
    return best;
  });
}

function inBox([x, y]: [number, number], b: [number, number, number, number]): boolean {
  return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
}

/** Whether the segment p–q meets the box (Liang–Barsky clipping of the segment to the box). */
function segmentHitsBox(p: [number, number], q: [number, number], b: [number, number, number, number]): boolean {
  let t0 = 0,
    t1 = 1;
  const dx = q[0] - p[0],
    dy = q[1] - p[1];
  const edges: [number, number][] = [
    [-dx, p[0] - b[0]],
    [dx, b[2] - p[0]],
    [-dy, p[1] - b[1]],
    [dy, b[3] - p[1]],
  ];
  for (const [pe, qe] of edges) {
    if (pe === 0) {
      if (qe < 0) return false;
    } else {
      const t = qe / pe;
      if (pe < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

/**
 * Build a vega-lite v6 line-chart spec.
 *
 * Data are inlined as rows `{series, x, y}`, one per kept point, in series
 * order. A point is dropped when x or y is not finite (NaN, ±Infinity), or is
 * not positive on a log axis. Series longer than {@link MAX_POINTS_PER_SERIES}
 * (after dropping) are thinned evenly, keeping the first and last points.
 * Lines are coloured by series, with a legend listing series in the given order whose labels are
 * never truncated. Reference lines become dashed horizontal rules, each labelled where its label
 * covers the fewest data. Count axes (`xInteger`, `yInteger`) get integer tick labels only; with
 * dots (scatter series or `markers`) both domains are padded by 8 px so no edge dot is clipped.
 *
 * @throws TypeError naming the bad option: missing labels, empty or malformed
 *   `series`, duplicate series names, `series[i].y` length differing from
 *   `series[i].x`, malformed `referenceLines`.
 * @throws RangeError when `width`, `height` or `symlogConstant` is not a finite positive number.
 * @throws TypeError when `xScale`/`yScale` is not 'linear', 'log' or 'symlog', or `xInteger`,
 *   `yInteger` or `markers` is not a boolean.
 * @example
 * ```ts
 * import { lineChartSpec } from "thermolearn/plot";
 * const spec = lineChartSpec({
 *   xLabel: "time t",
 *   yLabel: "generalisation error ε",
 *   series: [{ name: "Hebbian", x: [0, 1, 2], y: [0.5, 0.3, 0.2] }],
 *   referenceLines: [{ name: "theory", y: 0.186 }],
 * });
 * console.log(JSON.stringify(spec).length > 0); // a plain vega-lite object, ready for vega-embed
 * ```
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
  const c = opts.symlogConstant ?? 1;
  checkSize(c, "symlogConstant");
  checkFlag(opts.xInteger, "xInteger");
  checkFlag(opts.yInteger, "yInteger");
  checkFlag(opts.markers, "markers");
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

  const scatter = new Set(opts.series.filter((s) => s.points).map((s) => s.name));
  const dotted = scatter.size > 0 || opts.markers === true;
  const lineRows = rows.filter((r) => !scatter.has(r.series));
  const dotRows = rows.filter((r) => scatter.has(r.series));

  // Position encodings, repeated in every layer so the layers share scales and axis titles.
  // Linear scales are not forced to include zero. Where dots are drawn the domain is widened by
  // 8 px at each end, so no dot at the first or last value is cut in half by the plot's edge; a log
  // scale then keeps its exact domain (a "nice" one would round it out to whole decades).
  const position = (field: "x" | "y", title: string, scale: LineChartOptions["xScale"], integer: boolean) => {
    const pad = dotted ? { padding: 8 } : {};
    const values = field === "x" ? rows.map((r) => r.x) : [...rows.map((r) => r.y), ...refs.map((r) => r.y)];
    const axis: Record<string, unknown> = {};
    if (integer) Object.assign(axis, { tickMinStep: 1, format: "d" });
    // vega's own symlog ticks are linear ones (0, 1000, 2000, …): give decades instead.
    const sym =
      scale === "symlog" && values.length > 0 ? symlogAxis(Math.min(...values), Math.max(...values), c) : null;
    if (sym) Object.assign(axis, { values: sym.ticks, format: integer ? "d" : ",~f" });
    return {
      field,
      type: "quantitative" as const,
      title,
      scale:
        scale === "log"
          ? { type: "log" as const, ...pad, ...(dotted ? { nice: false } : {}) }
          : scale === "symlog"
            ? { type: "symlog" as const, constant: c, ...(sym ? { domain: sym.domain } : {}), nice: false, ...pad }
            : { type: "linear" as const, zero: false, ...pad },
      ...(Object.keys(axis).length > 0 ? { axis } : {}),
    };
  };
  const x = position("x", opts.xLabel, opts.xScale, opts.xInteger === true);
  const y = position("y", opts.yLabel, opts.yScale, opts.yInteger === true);

  const encoding = {
    x,
    y,
    // Explicit domain keeps the legend in the caller's series order; one series needs no legend.
    // labelLimit 0: vega's default cuts labels at 160 px ("E. coli kernel, I …"); none is cut.
    color: {
      field: "series",
      type: "nominal" as const,
      scale: { domain: names },
      legend: names.length > 1 ? { title: null, labelLimit: 0 } : null,
    },
  };

  const grey = "#555";
  const places = placeLabels(rows, refs, { width, height }, transformOf(opts.xScale, c), transformOf(opts.yScale, c));
  const refLayers: Layers =
    refs.length === 0
      ? []
      : [
          {
            data: { values: refs.map((r) => ({ name: r.name, y: r.y })) },
            mark: { type: "rule", strokeDash: [6, 4], color: grey },
            encoding: { y },
          },
          // One text layer per label, each where it covers the fewest data (placeLabels).
          ...refs.map((r, i) => ({
            data: { values: [{ name: r.name, y: r.y }] },
            mark: {
              type: "text" as const,
              align: places[i].align,
              baseline: places[i].baseline,
              dy: places[i].dy,
              color: grey,
              fontSize: 11,
            },
            encoding: { y, x: { value: places[i].x }, text: { field: "name" } },
          })),
        ];

  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    width,
    height,
    // Layer 0 always holds the line series (the demos stream data into it); dots (series with
    // `points: true`) get a second layer when there are any. Both share one colour scale.
    layer: [
      {
        data: { values: lineRows },
        mark:
          opts.markers === true
            ? { type: "line", clip: true, point: { filled: true, size: 36 } }
            : { type: "line", clip: true },
        encoding,
      },
      ...(scatter.size === 0
        ? []
        : [
            {
              data: { values: dotRows },
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

/**
 * A ±1 state as a grid of squares (a vega-lite rect heatmap), e.g. a Hopfield pattern.
 * @example
 * ```ts
 * import { spinGridSpec } from "thermolearn/plot";
 * const spins = Int8Array.from({ length: 16 }, (_, i) => (i % 3 ? 1 : -1));
 * console.log(Object.keys(spinGridSpec({ title: "state", spins, side: 4 })));
 * ```
 */
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

/**
 * Several specs in a row (or a column) under one title, e.g. pattern, corrupted and recalled states.
 * @example
 * ```ts
 * import { concatSpecs, lineChartSpec } from "thermolearn/plot";
 * const a = lineChartSpec({ xLabel: "t", yLabel: "ε", series: [{ name: "run", x: [0, 1], y: [0.5, 0.2] }] });
 * const spec = concatSpecs({ title: "two panels", specs: [a, a] });
 * console.log(Object.keys(spec));
 * ```
 */
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
