/**
 * Live charts for the demo pages (demo/main.ts, demo/hopfield.ts, demo/eqprop.ts): a chart is built
 * once (src/plot.ts `lineChartSpec` → vega-lite → vega view) and then fed new rows through its
 * view's dataset; it is rebuilt only when the options other than the data change. Compiling and
 * parsing a spec costs ~50–100 ms of main-thread time, updating the data of a live view much less.
 * `throttled` spaces the renders of a page (at most one every 200 ms, never two at once).
 */
import * as vega from "vega";
import { compile } from "vega-lite";
import { lineChartSpec, type LineChartOptions } from "../src/plot.js";

/** Inline data rows of a lineChartSpec spec ({series, x, y}: its first layer holds the lines). */
type Row = { series: string; x: number; y: number };

/** The parts of a lineChartSpec spec that a {@link LiveChart}'s `tweak` may adjust. */
export type Layered = { layer: { encoding?: { x?: { axis?: object }; y?: { scale?: object; axis?: object } } }[] };

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
  /** Name of the vega dataset holding the line rows, or null if the view cannot be updated in place. */
  #source: string | null = null;
  /** The options (without data) the view was built for. */
  #key = "";

  /** `tweak` may adjust the vega-lite spec (e.g. axis ticks) before it is compiled; default: none. */
  constructor(readonly container: HTMLElement, readonly tweak: (spec: Layered) => void = () => {}) {}

  /** Draws `options`: new rows into the view on screen when only the data changed, else a new view. */
  async show(options: LineChartOptions): Promise<void> {
    const spec = lineChartSpec(options);
    const rows = (spec as unknown as { layer: { data: { values: Row[] } }[] }).layer[0].data.values;
    const names = options.series.map((s) => s.name);
    const key = JSON.stringify({ ...options, series: names });
    if (this.#view && this.#source !== null && key === this.#key) {
      // resize(): vega re-runs its autosize layout only when asked, and new axis labels need room.
      await this.#view.data(this.#source, rows).resize().runAsync();
      return;
    }
    // Compile with one placeholder point per series (a spec without rows has no line dataset to
    // find, and 1 survives a log axis), find the dataset by its rows, then give it the real rows
    // before the first run.
    const probe = lineChartSpec({ ...options, series: options.series.map((s) => ({ name: s.name, x: [1], y: [1] })) });
    this.tweak(probe as unknown as Layered);
    const vgSpec = compile(probe).spec;
    const source = (vgSpec.data ?? []).find((d) => {
      const values = (d as { values?: unknown }).values;
      return Array.isArray(values) && values.length > 0 && names.includes((values[0] as Row).series);
    });
    const view = new vega.View(vega.parse(vgSpec), { renderer: "svg", container: this.container, hover: false });
    if (source) view.data(source.name, rows);
    await view.runAsync();
    this.#view?.finalize();
    this.#view = view;
    this.#key = key;
    this.#source = source?.name ?? null;
  }
}

/**
 * Returns a scheduler that runs `render` at most every 200 ms and never two at once (a call while
 * a render runs is retried 50 ms later); calls while one is queued are merged into it. Errors of
 * `render` go to `onError`.
 */
export function throttled(render: () => Promise<void>, onError: (e: unknown) => void): () => void {
  let queued = false, running = false, last = 0;
  const schedule = (): void => {
    if (queued) return;
    queued = true;
    setTimeout(async () => {
      if (running) { queued = false; setTimeout(schedule, 50); return; }
      queued = false;
      running = true;
      last = performance.now();
      try { await render(); } catch (e) { onError(e); } finally { running = false; }
    }, Math.max(0, last + 200 - performance.now()));
  };
  return schedule;
}
