/**
 * The memory-kernel demo page (demo/memory.html): a kernel and sawtooth explorer for contrastive
 * learning through non-equilibrium memory (src/kernels/, src/contrastive/, src/markov/).
 *
 * Each slider has a number input next to it (its read-out, where any value may be typed); the
 * number inputs are what the page reads. Changes are throttled to ~10 updates a second.
 *
 * The computation (kernel, sawtooth, one convolution, the 100-amplitude weight-update curve and its
 * three-segment fit, the ladder's step-response kernel and dissipation) runs in a module Web Worker,
 * which is this same bundle (demo/dist/memory.js) started with `new Worker(import.meta.url)`: the
 * E. coli kernel (dt = 10⁻³) takes 5–40 ms, but the ladder kernel needs the library's default grid
 * (10⁴ samples on the unit axis, dt = 10⁻⁴: coarser grids change its area, even its sign), where one
 * update takes 50–150 ms. The worker sends back chart-ready, decimated series; the page draws them
 * with LiveCharts (demo/live-chart.ts), vega views built once and fed new rows afterwards. If the
 * worker cannot start, the page computes on the main thread.
 *
 * The inputs live in the URL hash (demo/share.ts): a page opened with a hash starts from its values
 * (the form's defaults, and a message, for values it cannot use). Save results downloads the current
 * update's numbers and curves as JSON.
 *
 * For tests, the page's state is exposed on `window.__thermolearnMemory` (a MemoryDemoState):
 *   ready          true once the first update is on screen
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
 *   computeMs      time the last update's computation took (ms, in the worker); renderMs the charts'
 *   worker         whether the computation runs in the worker (false: main-thread fallback)
 *   error          the message shown in the page ("RangeError: …"), or null
 *   update         number of updates attempted so far; pending: an update is queued or running
 *   rendered       the update whose charts are on screen (equals `update` once they caught up,
 *                  unless that update failed: then the previous charts stay, and `error` is set)
 *   link           {present, problems}: whether the page was opened with a hash, what in it was unusable
 */
import {
  init,
  ecoliKernel,
  ladderKernel,
  ladderDissipation,
  kernelMoments,
  sawtooth,
  convolveWrap,
  weightUpdate,
  weightUpdateCurve,
  curveMetrics,
  type Alignment,
  type PiecewiseFit,
  type SampledKernel,
} from "../src/index.js";
import type { LineChartOptions } from "../src/plot/index.js";
import * as check from "../src/core/validate.js";
import { VERSION } from "../src/index.js";
import { LiveChart, throttled, type Layered } from "./live-chart.js";
import { $, errorDisplay, errorReply, num, type ErrorReply } from "./page.js";
import {
  downloadJSON,
  fileName,
  LinkWriter,
  readLink,
  reloadOnHashChange,
  showLinkProblems,
  type LinkField,
} from "./share.js";

export type KernelChoice = "ecoli" | "ladder";
export interface MemoryParams {
  tauFast: number;
  tauSlow: number;
  amplitude: number;
  mean: number;
  area: number;
  theta: number;
  thetaAuto: boolean;
  alignment: Alignment;
  kernel: KernelChoice;
  gamma: number;
  F: number;
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
  worker: boolean;
  error: string | null;
  update: number;
  pending: boolean;
  rendered: number;
  link: { present: boolean; problems: string[] };
}
declare global {
  interface Window {
    __thermolearnMemory: MemoryDemoState;
  }
}

/** Time step of the E. coli kernel (and of the sawtooth with it). */
const DT = 1e-3;
/** A_max of Eq. 45 and of the curve metrics; the curve spans [0, 0.75·A_max] as in the paper. */
const A_MAX = 100;
const AMPLITUDES = Array.from({ length: 100 }, (_, i) => (0.75 * A_MAX * i) / 99);
/** The ladder kernel's step s = 0 → S1 (the library's default grid: 10⁴ samples, dt = 10⁻⁴ on the unit axis). */
const S1 = 200;
/** The σ(γ) grid and the reference kernels of the ladder explorer. */
const GAMMA_GRID = Array.from({ length: 41 }, (_, i) => 10 ** (-4 + i / 10));
const REFERENCE_GAMMAS: [string, number][] = [
  ["γ = 1", 1],
  ["γ = 10⁻²", 1e-2],
  ["γ = 10⁻⁴", 1e-4],
];

// ---------------------------------------------------------------------------------------------
// The computation (all library calls; they validate their inputs and name the bad option).
// ---------------------------------------------------------------------------------------------

interface Line {
  x: number[];
  y: number[];
}
interface Moments {
  area: number;
  firstMoment: number;
}
/** The ladder explorer's results: they depend only on (γ, F), so they are computed once per pair. */
interface LadderResult {
  kernel: SampledKernel;
  ladder: Line;
  ladderMoments: Moments;
  dissipation: number;
  references: { name: string; line: Line }[];
  sigmaGrid: number[];
}
/** What one update sends to the page: numbers for the read-outs, decimated series for the charts. */
export interface Result extends Omit<LadderResult, "kernel"> {
  theta: number;
  moments: Moments;
  kernel: Line;
  kernelInfo: { samples: number; dt: number };
  period: { s: Line; u: Line; g: Line };
  dwAtA: number;
  dw: number[];
  offset: number;
  dynamicRange: number;
  fit: number[];
  computeMs: number;
}
type WorkerReply = { id: number; result: Result } | { id: number; error: ErrorReply };

/**
 * At most 2·buckets points of (x, y) for a line: per bucket of consecutive samples, its minimum and
 * maximum in their order, so narrow spikes (g_θ during a short rise, the ladder kernel at t = 0)
 * survive. Charts a few hundred pixels wide need no more, and vega draws them much faster.
 */
function decimate(x: ArrayLike<number>, y: ArrayLike<number>, buckets = 400): Line {
  const n = x.length;
  if (n <= 2 * buckets) return { x: Array.from(x), y: Array.from(y) };
  const xs: number[] = [],
    ys: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets),
      to = Math.floor(((b + 1) * n) / buckets);
    let lo = from,
      hi = from;
    for (let i = from + 1; i < to; i++) {
      if (y[i] < y[lo]) lo = i;
      if (y[i] > y[hi]) hi = i;
    }
    for (const i of lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]) {
      xs.push(x[i]);
      ys.push(y[i]);
    }
  }
  if (xs[xs.length - 1] !== x[n - 1]) {
    xs.push(x[n - 1]);
    ys.push(y[n - 1]);
  }
  return { x: xs, y: ys };
}
const kernelLine = (k: SampledKernel, buckets = 300): Line =>
  decimate(
    Float64Array.from(k.values, (_, i) => i * k.dt),
    k.values,
    buckets,
  );

/** The continuous three-segment fit of curveMetrics, back in units of A (it was fitted on A/A_max). */
function fitLine(fit: PiecewiseFit, amplitudes: number[]): number[] {
  const [b1, b2] = fit.breakpoints,
    [s1, s2, s3] = fit.slopes;
  const right = (x: number) => fit.rightIntercept + s3 * x;
  const middle = (x: number) => right(b2) + s2 * (x - b2);
  const left = (x: number) => middle(b1) + s1 * (x - b1);
  return amplitudes.map((a) => {
    const x = a / A_MAX;
    return A_MAX * (x <= b1 ? left(x) : x <= b2 ? middle(x) : right(x));
  });
}

/**
 * Results that depend only on (γ, F) or on F, cached by key: the sliders move one at a time, and the
 * explorer needs four ladder kernels (≈ 7 ms each in Node) and 41 dissipations. At most 32 entries
 * per cache (then it starts afresh).
 */
function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= 32) cache.clear();
    cache.set(key, value);
  }
  return value;
}
const kernels = new Map<string, { kernel: SampledKernel; moments: Moments }>(),
  sigmas = new Map<string, number[]>();
const ladders = new Map<string, LadderResult>();
/** The ladder kernel (step s = 0 → S1) at (γ, F) and its moments (kernelMoments). */
const ladderKernelFor = (gamma: number, F: number) =>
  cached(kernels, `${gamma}|${F}`, () => ladderKernel({ gamma, F, s1: S1 }));
function ladderFor(gamma: number, F: number): LadderResult {
  return cached(ladders, `${gamma}|${F}`, () => {
    const { kernel, moments } = ladderKernelFor(gamma, F);
    return {
      kernel,
      ladder: kernelLine(kernel),
      ladderMoments: moments,
      dissipation: ladderDissipation({ gamma, F }),
      references: REFERENCE_GAMMAS.map(([name, g]) => ({ name, line: kernelLine(ladderKernelFor(g, F).kernel) })),
      sigmaGrid: cached(sigmas, String(F), () => GAMMA_GRID.map((g) => ladderDissipation({ gamma: g, F }))),
    };
  });
}

function compute(p: MemoryParams): Result {
  const t0 = performance.now();
  // The ladder explorer first: it needs only γ and F.
  const { kernel: ladder, ...ladderResult } = ladderFor(p.gamma, p.F);

  const kernel = p.kernel === "ecoli" ? ecoliKernel({ area: p.area, dt: DT }) : ladder;
  const moments = p.kernel === "ecoli" ? kernelMoments(kernel) : ladderResult.ladderMoments;
  // Eq. 45 with the E. coli family's parameter I, or the ladder kernel's own (sampled) area.
  const I = p.kernel === "ecoli" ? p.area : moments.area;
  const theta = p.thetaAuto ? Math.abs(-A_MAX / p.tauSlow + I * (p.mean + A_MAX / 2)) : p.theta;

  const dw = weightUpdateCurve({
    kernel,
    dt: kernel.dt,
    tauFast: p.tauFast,
    tauSlow: p.tauSlow,
    mean: p.mean,
    theta,
    alignment: p.alignment,
    amplitudes: AMPLITUDES,
  });
  const { offset, dynamicRange, fit } = curveMetrics(AMPLITUDES, dw, A_MAX);

  // Δw at the chosen A, as the curve computes it; and for chart 2 one period of s, u = dt·K ∗ s and
  // g_θ(u) (|u| < θ dropped).
  const dwAtA = weightUpdate({
    kernel,
    dt: kernel.dt,
    tauFast: p.tauFast,
    tauSlow: p.tauSlow,
    amplitude: p.amplitude,
    mean: p.mean,
    theta,
    alignment: p.alignment,
  });
  const s = sawtooth({ tauFast: p.tauFast, tauSlow: p.tauSlow, amplitude: p.amplitude, mean: p.mean, dt: kernel.dt });
  const u = convolveWrap(s, kernel.values, { alignment: p.alignment, scale: kernel.dt });
  const g = u.map((x) => (Math.abs(x) < theta ? 0 : x));
  const t = Float64Array.from(s, (_, i) => i * kernel.dt);
  return {
    theta,
    moments,
    kernel: kernelLine(kernel),
    kernelInfo: { samples: kernel.values.length, dt: kernel.dt },
    period: { s: decimate(t, s), u: decimate(t, u), g: decimate(t, g) },
    dwAtA,
    dw: Array.from(dw),
    offset,
    dynamicRange,
    fit: fitLine(fit, AMPLITUDES),
    ...ladderResult,
    computeMs: performance.now() - t0,
  };
}

// ---------------------------------------------------------------------------------------------
// In the worker: answer {id, params} with {id, result} or {id, error}.
// ---------------------------------------------------------------------------------------------

function workerMain(): void {
  const ready = init();
  self.onmessage = async (event: MessageEvent<{ id: number; params: MemoryParams }>) => {
    const { id, params } = event.data;
    let reply: WorkerReply;
    try {
      await ready;
      reply = { id, result: compute(params) };
    } catch (e) {
      reply = { id, error: errorReply(e) };
    }
    self.postMessage(reply);
  };
}

// ---------------------------------------------------------------------------------------------
// Charts: LiveCharts (demo/live-chart.ts), with this page's styling applied to the spec.
// ---------------------------------------------------------------------------------------------

/**
 * A LiveChart tweak: the current value's dot drawn large, the series named in `dashed` drawn
 * dashed, and with `symlogY` a symmetric-log y scale (spikes and small lobes both visible).
 */
function memoryStyle(dashed: string[] = [], symlogY = false): (spec: Layered, options: LineChartOptions) => void {
  return (spec, options) => {
    const lineNames = options.series.filter((s) => !s.points).map((s) => s.name);
    for (const layer of spec.layer) {
      if (layer.mark.type === "point") layer.mark.size = 70;
      if (symlogY && layer.encoding?.y) layer.encoding.y.scale = { type: "symlog", constant: 1 };
      if (layer.mark.type === "line" && dashed.length > 0 && layer.encoding) {
        layer.encoding.strokeDash = {
          field: "series",
          type: "nominal",
          legend: null,
          scale: { domain: lineNames, range: lineNames.map((n) => (dashed.includes(n) ? [5, 3] : [1, 0])) },
        };
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

function pageMain(): void {
  const state: MemoryDemoState = (window.__thermolearnMemory = {
    ready: false,
    params: null,
    theta: null,
    kernelMoments: null,
    amplitudes: AMPLITUDES.slice(),
    dw: [],
    offset: null,
    dynamicRange: null,
    dwAtA: null,
    dissipation: null,
    ladderMoments: null,
    computeMs: 0,
    renderMs: 0,
    worker: false,
    error: null,
    update: 0,
    pending: false,
    rendered: 0,
    link: { present: false, problems: [] },
  });

  const form = $<HTMLFormElement>("memory-controls");
  const statusLine = $<HTMLElement>("status");
  const thetaAuto = $<HTMLInputElement>("theta-auto");
  const kernelSelect = $<HTMLSelectElement>("kernel");
  const alignmentSelect = $<HTMLSelectElement>("alignment");

  const fmt = (x: number | null, digits = 3): string => {
    if (x === null || Number.isNaN(x)) return "–";
    if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
    const a = Math.abs(x);
    const text = a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toFixed(digits);
    return text.replace(/-/g, "−");
  };

  /** Shows `error` (an Error, a worker's {name, message} or a message) in the page; null hides the box. */
  const showError = errorDisplay($<HTMLElement>("error"), (message) => {
    state.error = message;
    document.querySelector(".charts")!.classList.toggle("stale", message !== null);
  });

  // Sliders ↔ number inputs. Sliders clamp to their range; the number inputs accept anything typed.
  for (const box of document.querySelectorAll<HTMLElement>(".slider")) {
    const id = box.dataset.for!;
    const field = $<HTMLInputElement>(id),
      range = $<HTMLInputElement>(`${id}-range`);
    const log = box.classList.contains("log");
    range.addEventListener("input", () => {
      const v = Number(range.value);
      field.value = String(log ? Number((10 ** v).toPrecision(3)) : v);
      schedule();
    });
    field.addEventListener("input", () => {
      const v = num(id);
      if (Number.isFinite(v) && (!log || v > 0)) range.value = String(log ? Math.log10(v) : v); // the browser clamps it
      schedule();
    });
  }
  const syncThetaAuto = () => {
    for (const id of ["theta", "theta-range"]) $<HTMLInputElement>(id).disabled = thetaAuto.checked;
  };
  const syncKernelChoice = () => {
    const ecoli = kernelSelect.value === "ecoli";
    for (const id of ["area", "area-range"]) $<HTMLInputElement>(id).disabled = !ecoli;
    document.querySelector('.slider[data-for="area"]')!.classList.toggle("off", !ecoli);
  };
  thetaAuto.addEventListener("change", () => {
    syncThetaAuto();
    schedule();
  });
  for (const select of [kernelSelect, alignmentSelect])
    select.addEventListener("change", () => {
      syncKernelChoice();
      schedule();
    });
  form.addEventListener("submit", (e) => e.preventDefault());

  const readParams = (): MemoryParams => ({
    tauFast: num("tauFast"),
    tauSlow: num("tauSlow"),
    amplitude: num("amplitude"),
    mean: num("mean"),
    area: num("area"),
    theta: num("theta"),
    thetaAuto: thetaAuto.checked,
    alignment: alignmentSelect.value as Alignment,
    kernel: kernelSelect.value as KernelChoice,
    gamma: num("gamma"),
    F: num("F"),
  });

  // The worker (this bundle again), or the main thread if it cannot start.
  let worker: Worker | null = null;
  const waiting = new Map<number, (reply: WorkerReply) => void>();
  try {
    worker = new Worker(import.meta.url, { type: "module" });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      waiting.get(event.data.id)?.(event.data);
      waiting.delete(event.data.id);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker?.terminate();
      worker = null;
      state.worker = false;
      for (const [id, resolve] of waiting)
        resolve({ id, error: { name: "Error", message: `worker failed: ${event.message}` } });
      waiting.clear();
    };
    state.worker = true;
  } catch {
    worker = null;
  }
  let mainThreadReady: Promise<unknown> | null = null;
  async function computeSomewhere(id: number, params: MemoryParams): Promise<WorkerReply> {
    if (worker) {
      const w = worker;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        w.postMessage({ id, params });
      });
    }
    await (mainThreadReady ??= init());
    try {
      return { id, result: compute(params) };
    } catch (e) {
      return { id, error: errorReply(e) };
    }
  }

  const SIZE = { width: 400, height: 230 };
  const charts = {
    kernel: new LiveChart($("chart-kernel"), memoryStyle()),
    period: new LiveChart($("chart-period"), memoryStyle()),
    curve: new LiveChart($("chart-curve"), memoryStyle(["Δw = A", "fit"])),
    ladder: new LiveChart($("chart-ladder"), memoryStyle([], true)),
    sigma: new LiveChart($("chart-sigma"), memoryStyle()),
  };

  async function render(p: MemoryParams, r: Result): Promise<void> {
    const kernelName =
      p.kernel === "ecoli" ? `E. coli, I = ${fmt(p.area)}` : `ladder, γ = ${fmt(p.gamma, 4)}, F = ${fmt(p.F, 1)}`;
    await Promise.all([
      charts.kernel.show(
        {
          ...SIZE,
          xLabel: p.kernel === "ecoli" ? "time t (model units)" : "time t (kernel length = 1)",
          yLabel: "kernel K(t) (1/time²)",
          series: [{ name: "K", ...r.kernel }],
          referenceLines: [{ name: "K = 0", y: 0 }],
        },
        p.kernel === "ecoli" ? `ecoli ${p.area}` : `ladder ${p.gamma} ${p.F}`,
      ),
      charts.period.show({
        ...SIZE,
        xLabel: "time t (model units)",
        yLabel: "s, u, g_θ(u) (units of s)",
        series: [
          { name: "s(t)", ...r.period.s },
          { name: "u = K ∗ s", ...r.period.u },
          { name: "g_θ(u)", ...r.period.g },
        ],
        referenceLines:
          r.theta > 0
            ? [
                { name: "+θ", y: r.theta },
                { name: "−θ", y: -r.theta },
              ]
            : [],
      }),
      charts.curve.show({
        ...SIZE,
        xLabel: "amplitude A (units of s)",
        yLabel: "weight update Δw (units of s)",
        series: [
          { name: "Δw(A)", x: AMPLITUDES, y: r.dw },
          { name: "Δw = A", x: AMPLITUDES, y: AMPLITUDES },
          { name: "fit", x: AMPLITUDES, y: r.fit },
          { name: "chosen A", x: [p.amplitude], y: [r.dwAtA], points: true },
        ],
      }),
      charts.ladder.show(
        {
          width: 380,
          height: 170,
          xLabel: "time t (kernel length = 1, log scale)",
          yLabel: "kernel K(t) (1/time², symlog scale)",
          xScale: "log",
          series: [{ name: "chosen γ", ...r.ladder }, ...r.references.map(({ name, line }) => ({ name, ...line }))],
        },
        `${p.gamma} ${p.F}`,
      ),
      charts.sigma.show(
        {
          width: 380,
          height: 130,
          xLabel: "γ (rate ratio, dimensionless)",
          yLabel: "dissipation σ (k_BT per unit time)",
          xScale: "log",
          series: [
            { name: "σ(γ)", x: GAMMA_GRID, y: r.sigmaGrid },
            { name: "chosen γ", x: [p.gamma], y: [r.dissipation], points: true },
          ],
        },
        `${p.gamma} ${p.F}`,
      ),
    ]);
    for (const chart of Object.values(charts)) chart.container.classList.remove("empty"); // drop the loading hint
    $("kernel-readout").textContent =
      `${kernelName} · ${r.kernelInfo.samples} samples, dt = ${r.kernelInfo.dt} · area ` +
      `${fmt(r.moments.area, 4)}, first moment ${fmt(r.moments.firstMoment, 4)}`;
    $("period-readout").textContent =
      `period ${fmt(p.tauFast + p.tauSlow, 2)} · θ = ${fmt(r.theta)} · Δw(A = ` +
      `${fmt(p.amplitude, 1)}) = ${fmt(r.dwAtA)}`;
    $("curve-readout").textContent = `A ∈ [0, 75], ${AMPLITUDES.length} amplitudes · θ = ${fmt(r.theta)}`;
    $("offset").textContent = `${fmt(r.offset)} A_max`;
    $("dynamic-range").textContent = fmt(r.dynamicRange, 2);
    $("ratio").textContent = fmt(p.tauSlow / p.tauFast, 2);
    $("ladder-readout").textContent = `F = ${fmt(p.F, 1)}, step s = 0 → ${S1}`;
    $("dissipation").textContent = fmt(r.dissipation, 4);
    $("ladder-moment").textContent = fmt(r.ladderMoments.firstMoment, 4);
    $("ladder-area").textContent = fmt(r.ladderMoments.area, 4);
    if (p.thetaAuto) {
      $<HTMLInputElement>("theta").value = String(Number(r.theta.toPrecision(6)));
      $<HTMLInputElement>("theta-range").value = String(r.theta);
    }
  }

  // At most one update every 100 ms (~10 Hz while a slider moves), never two at once, and always one
  // after the last change; `state.pending` reads the scheduler.
  const schedule = throttled(update, showError, 100);
  Object.defineProperty(state, "pending", { get: () => schedule.pending, enumerable: true });

  async function update(): Promise<void> {
    const id = ++state.update;
    const p = readParams();
    state.params = p;
    try {
      const reply = await computeSomewhere(id, p);
      if ("error" in reply) {
        showError(reply.error);
        return;
      }
      const r = reply.result;
      showError(null);
      Object.assign(state, {
        theta: r.theta,
        kernelMoments: r.moments,
        dw: r.dw,
        offset: r.offset,
        dynamicRange: r.dynamicRange,
        dwAtA: r.dwAtA,
        dissipation: r.dissipation,
        ladderMoments: r.ladderMoments,
        computeMs: r.computeMs,
      });
      const t0 = performance.now();
      await render(p, r);
      state.renderMs = performance.now() - t0;
      state.rendered = id;
      statusLine.textContent =
        `update ${id}: computed in ${state.computeMs.toFixed(1)} ms ` +
        `(${state.worker ? "Web Worker" : "main thread"}), drawn in ${state.renderMs.toFixed(0)} ms`;
    } finally {
      state.ready = true;
    }
  }

  // The URL hash: the inputs of a shared link (each checked as the library checks the option), then
  // kept up to date. The page computes on load either way.
  const fields: LinkField[] = [
    { id: "tauFast", check: (v) => check.positive("tauFast", v) },
    { id: "tauSlow", check: (v) => check.positive("tauSlow", v) },
    { id: "amplitude", check: (v) => check.nonNegative("amplitude", v) },
    { id: "mean", check: (v) => check.finite("mean", v) },
    { id: "area", check: (v) => check.finite("area", v) },
    { id: "theta", check: (v) => check.nonNegative("theta", v) },
    { id: "theta-auto", key: "thetaAuto" },
    { id: "alignment" },
    { id: "kernel" },
    { id: "gamma", check: (v) => check.positive("gamma", v) },
    { id: "F", check: (v) => check.positive("F", v) },
  ];
  const opened = readLink(fields);
  state.link = { present: opened.present, problems: opened.problems };
  for (const key of opened.extra.keys()) state.link.problems.push(`${key}: not a parameter of this page; ignored`);
  showLinkProblems($("link-message"), state.link.problems);
  new LinkWriter(fields).watch();
  reloadOnHashChange();

  /** The last successful update's numbers and curves, columnar, as JSON. */
  const exportResults = () => {
    downloadJSON(fileName("memory", "results"), {
      format: "thermolearn/demo-memory",
      version: VERSION,
      config: state.params,
      backend: null, // the worker's wasm build is not reported to the page
      status: state.error === null ? "completed" : "error",
      link: location.href,
      error: state.error,
      theta: state.theta,
      kernelMoments: state.kernelMoments,
      amplitudes: state.amplitudes,
      dw: state.dw,
      offset: state.offset,
      dynamicRange: state.dynamicRange,
      dwAtA: state.dwAtA,
      dissipation: state.dissipation,
      ladderMoments: state.ladderMoments,
    });
  };
  $("export").addEventListener("click", exportResults);

  syncThetaAuto();
  syncKernelChoice();
  schedule();
}

if (typeof document === "undefined") workerMain();
else pageMain();
