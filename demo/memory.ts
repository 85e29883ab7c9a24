/**
 * The memory-kernel demo page (demo/memory.html): a kernel and sawtooth explorer for contrastive
 * learning through non-equilibrium memory (src/contrastive.ts, src/ladder.ts).
 *
 * Each slider has a number input next to it (its read-out, where any value may be typed); the
 * number inputs are what the page reads. Changes are throttled to ~10 updates a second and computed
 * on the main thread: one update (kernel, sawtooth, one convolution, the 100-amplitude weight-update
 * curve, its three-segment fit and, for the ladder, its step-response kernel) takes a few ms to
 * ~30 ms at dt = 10⁻³ (the time is shown in the status line), so no worker is needed. The charts are
 * vega views built once from src/plot.ts `lineChartSpec` and fed new rows afterwards.
 *
 * For tests, the page's state is exposed on `window.__thermolearnMemory` (a MemoryDemoState):
 *   ready          true once the wasm is compiled and the first update is on screen
 *   params         the inputs of the last update attempt {tauFast, tauSlow, amplitude, mean, area,
 *                  theta, thetaAuto, alignment, kernel: "ecoli" | "ladder", gamma, F}
 *   theta          θ used by the last successful update (Eq. 45 when thetaAuto)
 *   kernelMoments  {area, firstMoment} of the sampled kernel of chart 1 (trapezoid rule)
 *   amplitudes     the amplitudes of the weight-update curve (100 values in [0, 75])
 *   dw             Δw for each amplitude
 *   offset         curveMetrics offset (units of A_max = 100)
 *   dynamicRange   curveMetrics dynamic range (A_max/A_min)
 *   dwAtA          Δw over one period at the chosen A (chart 2)
 *   dissipation    the ladder's entropy production σ at the chosen γ and F (s = 0)
 *   ladderMoments  {area, firstMoment} of the ladder kernel at the chosen γ and F
 *   computeMs      time the last update's computation took (ms), renderMs the charts' time
 *   error          the message shown in the page ("RangeError: …"), or null
 *   update         number of updates attempted so far; pending: an update is queued or running
 *   rendered       the update whose charts are on screen (equals `update` once they caught up,
 *                  unless that update failed: then the previous charts stay, and `error` is set)
 */
import * as vega from "vega";
import { compile } from "vega-lite";
import {
  init, ecoliKernel, ladderKernel, ladderDissipation, kernelMoments, sawtooth, convolveWrap, weightUpdateCurve, curveMetrics,
  type Alignment, type PiecewiseFit, type SampledKernel,
} from "../src/index.js";
import { lineChartSpec, type LineChartOptions } from "../src/plot.js";

export type KernelChoice = "ecoli" | "ladder";
export interface MemoryParams {
  tauFast: number; tauSlow: number; amplitude: number; mean: number; area: number;
  theta: number; thetaAuto: boolean; alignment: Alignment; kernel: KernelChoice; gamma: number; F: number;
}
export interface MemoryDemoState {
  ready: boolean;
  params: MemoryParams | null;
  theta: number | null;
  kernelMoments: { area: number; firstMoment: number } | null;
  amplitudes: number[];
  dw: number[];
  offset: number | null;
  dynamicRange: number | null;
  dwAtA: number | null;
  dissipation: number | null;
  ladderMoments: { area: number; firstMoment: number } | null;
  computeMs: number;
  renderMs: number;
  error: string | null;
  update: number;
  pending: boolean;
  rendered: number;
}
declare global {
  interface Window { __thermolearnMemory: MemoryDemoState }
}

/** Time step of the page's kernels and sawtooth. */
const DT = 1e-3;
/** A_max of Eq. 45 and of the curve metrics; the curve spans [0, 0.75·A_max] as in the paper. */
const A_MAX = 100;
const AMPLITUDES = Array.from({ length: 100 }, (_, i) => (0.75 * A_MAX * i) / 99);
/** The ladder's step s0 = 0 → s1, its integration time and step: N = 1000 samples, so its unit-axis dt = 10⁻³ = DT. */
const LADDER = { s1: 200, duration: 5, dt: 5e-3 };
/** The σ(γ) grid and the reference kernels of the ladder explorer. */
const GAMMA_GRID = Array.from({ length: 41 }, (_, i) => 10 ** (-4 + i / 10));
const REFERENCE_GAMMAS: [string, number][] = [["γ = 1", 1], ["γ = 10⁻²", 1e-2], ["γ = 10⁻⁴", 1e-4]];

const state: MemoryDemoState = (window.__thermolearnMemory = {
  ready: false, params: null, theta: null, kernelMoments: null, amplitudes: AMPLITUDES.slice(), dw: [], offset: null,
  dynamicRange: null, dwAtA: null, dissipation: null, ladderMoments: null, computeMs: 0, renderMs: 0, error: null,
  update: 0, pending: false, rendered: 0,
});

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>("controls");
const statusLine = $<HTMLElement>("status");
const errorBox = $<HTMLElement>("error");
const thetaAuto = $<HTMLInputElement>("theta-auto");
const kernelSelect = $<HTMLSelectElement>("kernel");
const alignmentSelect = $<HTMLSelectElement>("alignment");

/** A number input's value; an empty field gives NaN so the library's check names the option. */
function num(id: string): number {
  const text = $<HTMLInputElement>(id).value.trim();
  return text === "" ? NaN : Number(text);
}

const fmt = (x: number | null, digits = 3): string => {
  if (x === null || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  const a = Math.abs(x);
  const text = a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toFixed(digits);
  return text.replace(/-/g, "−");
};

function showError(error: unknown): void {
  const message = error === null ? null : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  state.error = message;
  errorBox.textContent = message ?? "";
  errorBox.hidden = message === null;
  document.querySelector(".charts")!.classList.toggle("stale", message !== null);
}

// ---------------------------------------------------------------------------------------------
// Sliders ↔ number inputs. Sliders clamp to their range; the number inputs accept anything typed.
// ---------------------------------------------------------------------------------------------

for (const box of document.querySelectorAll<HTMLElement>(".slider")) {
  const id = box.dataset.for!;
  const field = $<HTMLInputElement>(id), range = $<HTMLInputElement>(`${id}-range`);
  const log = box.classList.contains("log");
  const toField = (v: number) => (log ? Number((10 ** v).toPrecision(3)) : v);
  const toRange = (v: number) => (log ? Math.log10(v) : v);
  range.addEventListener("input", () => { field.value = String(toField(Number(range.value))); schedule(); });
  field.addEventListener("input", () => {
    const v = num(id);
    if (Number.isFinite(v) && (!log || v > 0)) range.value = String(toRange(v)); // the browser clamps it
    schedule();
  });
}
thetaAuto.addEventListener("change", () => { syncThetaAuto(); schedule(); });
for (const select of [kernelSelect, alignmentSelect]) select.addEventListener("change", () => { syncKernelChoice(); schedule(); });
form.addEventListener("submit", (e) => e.preventDefault());

function syncThetaAuto(): void {
  for (const id of ["theta", "theta-range"]) $<HTMLInputElement>(id).disabled = thetaAuto.checked;
}
function syncKernelChoice(): void {
  const ecoli = kernelSelect.value === "ecoli";
  for (const id of ["area", "area-range"]) $<HTMLInputElement>(id).disabled = !ecoli;
  document.querySelector('.slider[data-for="area"]')!.classList.toggle("off", !ecoli);
}

function readParams(): MemoryParams {
  return {
    tauFast: num("tauFast"), tauSlow: num("tauSlow"), amplitude: num("amplitude"), mean: num("mean"), area: num("area"),
    theta: num("theta"), thetaAuto: thetaAuto.checked, alignment: alignmentSelect.value as Alignment,
    kernel: kernelSelect.value as KernelChoice, gamma: num("gamma"), F: num("F"),
  };
}

// ---------------------------------------------------------------------------------------------
// The computation (all library calls; they validate their inputs and name the bad option).
// ---------------------------------------------------------------------------------------------

interface Result {
  kernel: SampledKernel; moments: { area: number; firstMoment: number }; theta: number;
  t: Float64Array; s: Float64Array; u: Float64Array; g: Float64Array; dwAtA: number;
  dw: Float64Array; offset: number; dynamicRange: number; fit: PiecewiseFit;
  ladder: SampledKernel; ladderMoments: { area: number; firstMoment: number }; dissipation: number;
  references: { name: string; kernel: SampledKernel }[]; sigmaGrid: number[];
}

/** Ladder results that depend only on (γ, F) or F: cached, since the sliders move one at a time. */
const ladderCache = new Map<string, SampledKernel>();
function ladderKernelFor(gamma: number, F: number): SampledKernel {
  const key = `${gamma}|${F}`;
  let kernel = ladderCache.get(key);
  if (!kernel) {
    kernel = ladderKernel({ gamma, F, ...LADDER }).kernel;
    if (ladderCache.size > 64) ladderCache.clear();
    ladderCache.set(key, kernel);
  }
  return kernel;
}
const sigmaCache = new Map<number, number[]>();
function sigmaGridFor(F: number): number[] {
  let sigma = sigmaCache.get(F);
  if (!sigma) {
    sigma = GAMMA_GRID.map((gamma) => ladderDissipation({ gamma, F }));
    sigmaCache.set(F, sigma);
  }
  return sigma;
}

function compute(p: MemoryParams): Result {
  // The ladder explorer first: it needs only γ and F.
  const ladder = ladderKernelFor(p.gamma, p.F);
  const ladderMoments = kernelMoments(ladder);
  const dissipation = ladderDissipation({ gamma: p.gamma, F: p.F });
  const references = REFERENCE_GAMMAS.map(([name, gamma]) => ({ name, kernel: ladderKernelFor(gamma, p.F) }));
  const sigmaGrid = sigmaGridFor(p.F);

  const kernel = p.kernel === "ecoli" ? ecoliKernel({ area: p.area, dt: DT }) : ladder;
  const moments = kernelMoments(kernel);
  // Eq. 45 with the E. coli family's parameter I, or the ladder kernel's own (sampled) area.
  const I = p.kernel === "ecoli" ? p.area : moments.area;
  const theta = p.thetaAuto ? Math.abs(-A_MAX / p.tauSlow + I * (p.mean + A_MAX / 2)) : p.theta;

  const dw = weightUpdateCurve({
    kernel, dt: kernel.dt, tauFast: p.tauFast, tauSlow: p.tauSlow, mean: p.mean, theta, alignment: p.alignment, amplitudes: AMPLITUDES,
  });
  const { offset, dynamicRange, fit } = curveMetrics(AMPLITUDES, dw, A_MAX);

  // One period at the chosen A: s, u = dt·K ∗ s, g_θ(u) (|u| < θ dropped), Δw by the trapezoid rule.
  const s = sawtooth({ tauFast: p.tauFast, tauSlow: p.tauSlow, amplitude: p.amplitude, mean: p.mean, dt: kernel.dt });
  const u = convolveWrap(s, kernel.values, { alignment: p.alignment, scale: kernel.dt });
  const g = u.map((x) => (Math.abs(x) < theta ? 0 : x));
  let dwAtA = 0;
  for (let i = 0; i < g.length; i++) dwAtA += g[i] * kernel.dt; // periodic trapezoid rule = plain sum
  const t = Float64Array.from(s, (_, i) => i * kernel.dt);
  return { kernel, moments, theta, t, s, u, g, dwAtA, dw, offset, dynamicRange, fit, ladder, ladderMoments, dissipation, references, sigmaGrid };
}

// ---------------------------------------------------------------------------------------------
// Charts (as in the other demos): built once (lineChartSpec → vega-lite → vega view), then fed
// new rows through the view's dataset; rebuilt only when the options other than the data change.
// ---------------------------------------------------------------------------------------------

type Row = { series: string; x: number; y: number };

class LiveChart {
  #view: vega.View | null = null;
  #sources: string[] = [];
  #key = "";
  #dataKey: string | null = null;

  constructor(readonly container: HTMLElement) {}

  /** The inlined datasets of a lineChartSpec spec: layer 0 (lines), then layer 1 (points) if any. */
  static rows(options: LineChartOptions): Row[][] {
    const spec = lineChartSpec(options) as unknown as { layer: { data: { values: Row[] }; mark: { type: string } }[] };
    return spec.layer.filter((l) => l.mark.type === "line" || l.mark.type === "point").map((l) => l.data.values);
  }

  /** Draws `options`; skipped when `dataKey` (what the data depend on) is that of the chart on screen. */
  async show(options: LineChartOptions, dataKey: string | null = null): Promise<void> {
    const key = JSON.stringify({ ...options, series: options.series.map((s) => [s.name, s.points ?? false]) });
    if (this.#view && key === this.#key && dataKey !== null && dataKey === this.#dataKey) return;
    const data = LiveChart.rows(options);
    if (this.#view && key === this.#key && this.#sources.length === data.length) {
      this.#sources.forEach((name, i) => this.#view!.data(name, data[i]));
      await this.#view.runAsync();
      this.#dataKey = dataKey;
      this.container.classList.remove("empty");
      return;
    }
    // Compile with one distinctive placeholder point per series, so each dataset can be found by its
    // first row, then give it the real rows before the first run.
    const probe = lineChartSpec({ ...options, series: options.series.map((s) => ({ ...s, x: [1], y: [1] })) });
    const vgSpec = compile(probe).spec;
    const datasets = (vgSpec.data ?? []) as { name: string; values?: Row[] }[];
    const lineNames = options.series.filter((s) => !s.points).map((s) => s.name);
    const pointNames = options.series.filter((s) => s.points).map((s) => s.name);
    const find = (names: string[]) => datasets.find((d) => Array.isArray(d.values) && d.values.length > 0 && names.includes(d.values[0].series))?.name;
    const sources = [find(lineNames), ...(pointNames.length ? [find(pointNames)] : [])].filter((n): n is string => n !== undefined);
    const view = new vega.View(vega.parse(vgSpec), { renderer: "svg", container: this.container, hover: false });
    sources.forEach((name, i) => view.data(name, data[i]));
    await view.runAsync();
    this.#view?.finalize();
    this.#view = view;
    this.#key = key;
    this.#sources = sources;
    this.#dataKey = dataKey;
    this.container.classList.remove("empty");
  }
}

/**
 * At most 2·buckets points of (x, y) for a line: per bucket of consecutive samples, its minimum and
 * maximum in their order, so narrow spikes (g_θ during a short rise) survive. Charts of a few hundred
 * pixels need no more, and vega draws them several times faster than lineChartSpec's 2000 per series.
 */
function decimate(x: ArrayLike<number>, y: ArrayLike<number>, buckets = 400): { x: number[]; y: number[] } {
  const n = x.length;
  if (n <= 2 * buckets) return { x: Array.from(x), y: Array.from(y) };
  const xs: number[] = [], ys: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets), to = Math.floor(((b + 1) * n) / buckets);
    let lo = from, hi = from;
    for (let i = from + 1; i < to; i++) {
      if (y[i] < y[lo]) lo = i;
      if (y[i] > y[hi]) hi = i;
    }
    for (const i of lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]) { xs.push(x[i]); ys.push(y[i]); }
  }
  if (xs[xs.length - 1] !== x[n - 1]) { xs.push(x[n - 1]); ys.push(y[n - 1]); }
  return { x: xs, y: ys };
}

const SIZE = { width: 400, height: 230 };
const charts = {
  kernel: new LiveChart($("chart-kernel")),
  period: new LiveChart($("chart-period")),
  curve: new LiveChart($("chart-curve")),
  ladder: new LiveChart($("chart-ladder")),
  sigma: new LiveChart($("chart-sigma")),
};

/** The continuous three-segment fit of curveMetrics, back in units of A (it was fitted on A/A_max). */
function fitLine(fit: PiecewiseFit, amplitudes: number[]): number[] {
  const [b1, b2] = fit.breakpoints, [s1, s2, s3] = fit.slopes;
  const right = (x: number) => fit.rightIntercept + s3 * x;
  const middle = (x: number) => right(b2) + s2 * (x - b2);
  const left = (x: number) => middle(b1) + s1 * (x - b1);
  return amplitudes.map((a) => {
    const x = a / A_MAX;
    return A_MAX * (x <= b1 ? left(x) : x <= b2 ? middle(x) : right(x));
  });
}

const timeAxis = (k: SampledKernel) => Float64Array.from(k.values, (_, i) => i * k.dt);
/** A kernel as a decimated series. */
const kernelSeries = (name: string, k: SampledKernel) => ({ name, ...decimate(timeAxis(k), k.values, 250) });

async function render(p: MemoryParams, r: Result): Promise<void> {
  const kernelName = p.kernel === "ecoli" ? `E. coli, I = ${fmt(p.area)}` : `ladder, γ = ${fmt(p.gamma, 4)}`;
  const period = p.tauFast + p.tauSlow;
  await Promise.all([
    charts.kernel.show({
      ...SIZE, xLabel: p.kernel === "ecoli" ? "t" : "t (unit axis)", yLabel: "K(t)",
      series: [kernelSeries("K", r.kernel)],
      referenceLines: [{ name: "K = 0", y: 0 }],
    }, p.kernel === "ecoli" ? `ecoli ${p.area}` : `ladder ${p.gamma} ${p.F}`),
    charts.period.show({
      ...SIZE, xLabel: "t", yLabel: "s, u, g_θ(u)",
      series: [
        { name: "s(t)", ...decimate(r.t, r.s) },
        { name: "u = K ∗ s", ...decimate(r.t, r.u) },
        { name: "g_θ(u)", ...decimate(r.t, r.g) },
      ],
      referenceLines: r.theta > 0 ? [{ name: "+θ", y: r.theta }, { name: "−θ", y: -r.theta }] : [],
    }),
    charts.curve.show({
      ...SIZE, xLabel: "A", yLabel: "Δw",
      series: [
        { name: "Δw(A)", x: AMPLITUDES, y: r.dw },
        { name: "Δw = A", x: AMPLITUDES, y: AMPLITUDES },
        { name: "3-segment fit", x: AMPLITUDES, y: fitLine(r.fit, AMPLITUDES) },
        { name: "chosen A", x: [p.amplitude], y: [r.dwAtA], points: true },
      ],
    }),
    charts.ladder.show({
      ...SIZE, width: 380, xLabel: "t (unit axis)", yLabel: "K(t)",
      series: [
        kernelSeries("chosen γ", r.ladder),
        ...r.references.map(({ name, kernel }) => kernelSeries(name, kernel)),
      ],
    }, `${p.gamma} ${p.F}`),
    charts.sigma.show({
      ...SIZE, width: 300, xLabel: "γ", yLabel: "dissipation σ", xScale: "log",
      series: [
        { name: "σ(γ)", x: GAMMA_GRID, y: r.sigmaGrid },
        { name: "chosen γ", x: [p.gamma], y: [r.dissipation], points: true },
      ],
    }, `${p.gamma} ${p.F}`),
  ]);
  $("kernel-readout").textContent = `${kernelName} · ${r.kernel.values.length} samples, dt = ${r.kernel.dt} · area ${fmt(r.moments.area, 4)}, first moment ${fmt(r.moments.firstMoment, 4)}`;
  $("period-readout").textContent = `period ${fmt(period, 2)} · θ = ${fmt(r.theta)} · Δw(A = ${fmt(p.amplitude, 1)}) = ${fmt(r.dwAtA)}`;
  $("curve-readout").textContent = `A ∈ [0, 75], ${AMPLITUDES.length} amplitudes · θ = ${fmt(r.theta)}`;
  $("offset").textContent = `${fmt(r.offset)} A_max`;
  $("dynamic-range").textContent = fmt(r.dynamicRange, 2);
  $("ratio").textContent = fmt(p.tauSlow / p.tauFast, 2);
  $("ladder-readout").textContent = `F = ${fmt(p.F, 1)}, step s = 0 → ${LADDER.s1}`;
  $("dissipation").textContent = fmt(r.dissipation, 4);
  $("ladder-moment").textContent = fmt(r.ladderMoments.firstMoment, 4);
  $("ladder-area").textContent = fmt(r.ladderMoments.area, 4);
  if (p.thetaAuto) {
    $<HTMLInputElement>("theta").value = String(Number(r.theta.toPrecision(6)));
    $<HTMLInputElement>("theta-range").value = String(r.theta);
  }
}

// ---------------------------------------------------------------------------------------------
// Scheduling: at most one update every 100 ms (~10 Hz while a slider moves), never two at once,
// and always one after the last change.
// ---------------------------------------------------------------------------------------------

const INTERVAL_MS = 100;
let queued = false, running = false, last = -Infinity, dirty = false;

function schedule(): void {
  state.pending = true;
  if (running) { dirty = true; return; }
  if (queued) return;
  queued = true;
  setTimeout(() => { queued = false; void update(); }, Math.max(0, last + INTERVAL_MS - performance.now()));
}

async function update(): Promise<void> {
  running = true;
  dirty = false;
  last = performance.now();
  const id = ++state.update;
  const p = readParams();
  state.params = p;
  try {
    const t0 = performance.now();
    const r = compute(p);
    const t1 = performance.now();
    state.computeMs = t1 - t0;
    showError(null);
    Object.assign(state, {
      theta: r.theta, kernelMoments: r.moments, dw: Array.from(r.dw), offset: r.offset, dynamicRange: r.dynamicRange,
      dwAtA: r.dwAtA, dissipation: r.dissipation, ladderMoments: r.ladderMoments,
    });
    await render(p, r);
    state.renderMs = performance.now() - t1;
    state.rendered = id;
    statusLine.textContent = `update ${id}: computed in ${state.computeMs.toFixed(1)} ms, drawn in ${state.renderMs.toFixed(0)} ms`;
  } catch (e) {
    showError(e);
  } finally {
    running = false;
    if (dirty) schedule();
    else state.pending = queued;
  }
}

async function main(): Promise<void> {
  syncThetaAuto();
  syncKernelChoice();
  try {
    await init(); // compile the wasm asynchronously (browsers refuse large synchronous compiles here)
  } catch (e) {
    showError(e);
    return;
  }
  await update();
  state.ready = true;
}
void main();
