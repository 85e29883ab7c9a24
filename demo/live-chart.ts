/**
 * Live charts for the demo pages (demo/main.ts, hopfield.ts, memory.ts, eqprop.ts): a chart is built
 * once (src/plot/ `lineChartSpec` → vega-lite → vega view) and then fed new rows through its
 * view's datasets; it is rebuilt only when the options other than the data change. Compiling and
 * parsing a spec costs ~50–100 ms of main-thread time, updating the data of a live view much less.
 * `throttled` spaces the renders of a page (at most one every 200 ms, never two at once); the memory
 * page spaces its updates with it too.
 */
import * as vega from "vega";
import { compile } from "vega-lite";
import { lineChartSpec, type LineChartOptions } from "../src/plot/index.js";

/** Inline data rows of a lineChartSpec spec ({series, x, y}). */
type Row = { series: string; x: number; y: number };

/** A layer of a lineChartSpec spec, as far as a {@link LiveChart}'s `tweak` may adjust it. */
export type Layer = {
  mark: { type: string; size?: number };
  data?: { values: Row[] };
  encoding?: { x?: { axis?: object; scale?: object }; y?: { scale?: object; axis?: object }; strokeDash?: object };
};
/** A lineChartSpec spec: layer 0 holds the lines, then a layer of dots if any series has `points`. */
export type Layered = { layer: Layer[] };

/** The rows of the spec's streamed datasets: the line layer's, then the dot layer's if there is one. */
function streamedRows(spec: Layered): Row[][] {
  return spec.layer.filter((l) => l.mark.type === "line" || l.mark.type === "point").map((l) => l.data!.values);
}

/**
 * A vega view in `container` that shows line charts of {@link LineChartOptions}. Points are thinned
 * and filtered by `lineChartSpec` (e.g. y ≤ 0 on a log axis).
 *
 * @example
 * const chart = new LiveChart(document.getElementById("chart")!);
 * await chart.show({ xLabel: "t", yLabel: "ε", series: [{ name: "ε", x: t, y: epsilon }] });
 */
export class LiveChart {
  #view: vega.View | null = null;
  /** Names of the vega datasets holding the line rows and the dot rows (if any), in that order. */
  #sources: string[] = [];
  /** The options (without data) the view was built for. */
  #key = "";
  /** What the data on screen were computed from (see {@link show}), or null. */
  #dataKey: string | null = null;

  /**
   * `tweak` may adjust the vega-lite spec (e.g. axis ticks, a symlog scale, dashed series) before
   * it is compiled; it gets the options being drawn. Default: none.
   */
  constructor(
    readonly container: HTMLElement,
    readonly tweak: (spec: Layered, options: LineChartOptions) => void = () => {},
  ) {}

  /**
   * Draws `options`: new rows into the view on screen when only the data changed, else a new view.
   * Nothing is redrawn when `dataKey` (a caller's summary of what the data depend on) equals that of
   * the chart on screen.
   */
  async show(options: LineChartOptions, dataKey: string | null = null): Promise<void> {
    const full = lineChartSpec(options) as unknown as Layered;
    // The reference lines' layers (rules and their labels), placed by lineChartSpec where a label
    // covers the fewest of the real data: part of the key, so a label that must move rebuilds the view.
    const refLayers = full.layer.filter((l) => l.mark.type !== "line" && l.mark.type !== "point");
    const key = JSON.stringify({
      ...options,
      series: options.series.map((s) => [s.name, s.points ?? false]),
      refLayers: refLayers.map((l) => [l.mark, l.encoding]),
      // A symlog axis's decades and domain follow the data (lineChartSpec): part of the key too.
      axes: [full.layer[0].encoding?.x, full.layer[0].encoding?.y],
    });
    if (this.#view && key === this.#key && dataKey !== null && dataKey === this.#dataKey) return;
    const rows = streamedRows(full);
    if (this.#view && key === this.#key && this.#sources.length === rows.length) {
      for (const [i, name] of this.#sources.entries()) this.#view!.data(name, rows[i]);
      // resize(): vega re-runs its autosize layout only when asked, and new axis labels need room.
      await this.#view.resize().runAsync();
      this.#dataKey = dataKey;
      return;
    }
    // Compile with one placeholder point per series (a spec without rows has no dataset to find,
    // and 1 survives a log axis), find each dataset by its first row, then give it the real rows
    // before the first run.
    const probe = lineChartSpec({ ...options, series: options.series.map((s) => ({ ...s, x: [1], y: [1] })) });
    const layers = (probe as unknown as Layered).layer;
    (probe as unknown as Layered).layer = [
      ...layers.filter((l) => l.mark.type === "line" || l.mark.type === "point"),
      ...refLayers,
    ];
    // The probe's one point would give a symlog axis the wrong decades: the real data's axes.
    for (const l of (probe as unknown as Layered).layer) {
      if (l.encoding && (l.mark.type === "line" || l.mark.type === "point")) {
        // In place: the line and dot layers share one encoding object, as tweaks expect.
        Object.assign(l.encoding, { x: full.layer[0].encoding?.x, y: full.layer[0].encoding?.y });
      }
    }
    this.tweak(probe as unknown as Layered, options);
    const vgSpec = compile(probe).spec;
    const datasets = (vgSpec.data ?? []) as { name: string; values?: Row[] }[];
    const find = (names: string[]) =>
      datasets.find((d) => Array.isArray(d.values) && d.values.length > 0 && names.includes(d.values[0].series))?.name;
    const lineNames = options.series.filter((s) => !s.points).map((s) => s.name);
    const pointNames = options.series.filter((s) => s.points).map((s) => s.name);
    const sources = [find(lineNames), ...(pointNames.length ? [find(pointNames)] : [])];
    const view = new vega.View(vega.parse(vgSpec), { renderer: "svg", container: this.container, hover: false });
    sources.forEach((name, i) => {
      if (name !== undefined) view.data(name, rows[i]);
    });
    await view.runAsync();
    this.#view?.finalize();
    this.#view = view;
    this.#key = key;
    // A dataset not found (e.g. no line series) leaves the view to be rebuilt on every show.
    this.#sources = sources.every((name) => name !== undefined) ? (sources as string[]) : [];
    this.#dataKey = dataKey;
  }
}

/** What {@link throttled} returns: call it to ask for a run; `pending` says one is queued or running. */
export type Scheduler = (() => void) & { readonly pending: boolean };

/**
 * Returns a scheduler that runs `task` at most once every `intervalMs` (default 200) and never two
 * at once: calls while a run is queued merge into it, and a call during a run queues one more after
 * it, so the last call is always followed by a run. Errors of `task` go to `onError`.
 */
export function throttled(task: () => Promise<void>, onError: (error: unknown) => void, intervalMs = 200): Scheduler {
  let queued = false,
    running = false,
    again = false,
    last = -Infinity;
  const run = async (): Promise<void> => {
    queued = false;
    running = true;
    again = false;
    last = performance.now();
    try {
      await task();
    } catch (e) {
      onError(e);
    } finally {
      running = false;
    }
    if (again) schedule();
  };
  const schedule = (): void => {
    if (running) {
      again = true;
      return;
    }
    if (queued) return;
    queued = true;
    setTimeout(() => void run(), Math.max(0, last + intervalMs - performance.now()));
  };
  return Object.defineProperty(schedule, "pending", { get: () => queued || running || again }) as Scheduler;
}
