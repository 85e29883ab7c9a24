/**
 * The Landauer demo page (demo/landauer.html): erasure of a bit stored in a double well, the work
 * and heat of every erasure, against k_BT ln 2.
 *
 * The computation runs in a module Web Worker (demo/landauer-worker.ts): cycle after cycle, a fresh
 * LangevinEnsemble of `particles` trajectories from the symmetric well's equilibrium (each well
 * half full: one bit) is stepped through the erasure protocol; the worker posts ~30 frames a second
 * (the first DOTS positions and the density of all of them) and, after each cycle, every
 * trajectory's W and Q in k_BT. This page draws the potential V(x, t) and the particles on a canvas
 * (each animation frame, from the latest frame posted), and the histograms of Q and W with their
 * running means as LiveCharts (demo/live-chart.ts, at most every 250 ms). The potential is drawn
 * from the same protocol the worker steps (erasureProtocol, evaluated by src/langevin/potentials.ts
 * in plain TypeScript).
 *
 * The protocol is src/langevin/landauer.ts `erasureProtocol` at its defaults: the four strokes of
 * `corners` on the double well V = E x⁴ − 2√(E·B) x² − a x (E = 8), barrier B: 10 → 0 → 0 → 10 → 10
 * and tilt a: 0 → 0 → 6 → 6 → 0 at t = 0, τ/4, τ/2, 3τ/4, τ, stepped as `runErasure` does (Heun,
 * ⌈τ/dt⌉ steps; the page's default dt is its ERASURE_DT = 2·10⁻³).
 *
 * The page starts a run when it loads. Start restarts with the page's inputs (fresh statistics), Stop
 * ends the run and keeps what it measured on screen. While a run is on (or after an error), any change
 * of τ, D, dt, particles or seed restarts it (throttled while a slider moves); after Stop, changes wait
 * for Start. The pace only changes how fast the worker goes. τ and D are checked on the page (they
 * shape the drawing), the rest by the library in the worker; a bad value shows the library's message
 * naming the option in the page's error box. The inputs live in the URL hash (demo/share.ts): a page
 * opened with a hash runs its values (the form's defaults, and a message, for values it cannot use), and
 * the same seed gives the same erasures bit for bit. Save results downloads the run's statistics
 * (per-cycle means, running means, histograms) as JSON. For tests, the page's state is exposed on
 * `window.__thermolearnLandauer` (a {@link LandauerDemoState}).
 */
import * as check from "../src/core/validate.js";
import { ERASURE_DEFAULTS, erasureProtocol, landauerBound } from "../src/langevin/landauer.js";
import {
  type DoubleWellOptions,
  energyOf,
  PARAMETERS,
  potentialAt,
  resolvePotential,
} from "../src/langevin/potentials.js";
import type { Potential } from "../src/langevin/potentials.js";
import { VERSION } from "../src/index.js";
import { LiveChart, throttled, type Layered } from "./live-chart.js";
import { $, chartError, errorDisplay, num } from "./page.js";
import {
  downloadJSON,
  fileName,
  LinkWriter,
  readLink,
  reloadOnHashChange,
  showLinkProblems,
  type LinkField,
} from "./share.js";
import type { Pace, RunConfig, WorkerMessage, WorkerRequest } from "./landauer-worker.js";

/** The erasure's barrier B at rest and its tilt a₁ (energy units): erasureProtocol's defaults. */
const BARRIER = ERASURE_DEFAULTS.barrier;
const TILT = ERASURE_DEFAULTS.tilt;
/** Positions drawn as dots (the first ones of each cycle's ensemble). */
const DOTS = 300;
/** Cells of the density strip under the potential, and of each histogram. */
const DENSITY_BINS = 90;
const HIST_BINS = 48;

/** The inputs of a run, as read from the page. */
export interface LandauerParams {
  tau: number;
  D: number;
  dt: number;
  particles: number;
  seed: number;
  pace: Pace;
}

/** Mean, standard deviation and standard error of the mean of a quantity over all erasures so far. */
export interface Moments {
  n: number;
  mean: number;
  sd: number;
  error: number;
}

/** A histogram with fixed cells: `counts[i]` erasures in [lo + i·width, lo + (i + 1)·width); the rest outside. */
export interface Histogram {
  lo: number;
  width: number;
  counts: number[];
  below: number;
  above: number;
}

/** The page's state, for tests. */
export interface LandauerDemoState {
  /** True once the first frame of the first run is drawn. */
  ready: boolean;
  /**
   * "starting" (sent to the worker), "running", "stopped" (by Stop; the statistics stay), "error"
   * (the message is in `error`).
   */
  status: "starting" | "running" | "stopped" | "error";
  /** The inputs of the current run. */
  params: LandauerParams | null;
  /** Runs started so far (each restart adds one); messages of older runs are dropped. */
  run: number;
  /** What the worker runs: its backend and steps per cycle (round(τ/dt)), once started. */
  backend: string | null;
  stepsPerCycle: number | null;
  /** Cycles finished in this run, erasures (cycles × particles), and the first cycle's mean heat in k_BT. */
  cycles: number;
  samples: number;
  firstCycleHeat: number | null;
  /** Q/k_BT and W/k_BT over all erasures of this run. */
  heat: Moments | null;
  work: Moments | null;
  /** Fraction of erasures that ended in well 1 (x > 0), and the bound ln 2 + p ln p + (1 − p) ln(1 − p). */
  success: number | null;
  bound: number | null;
  /** Fraction of erasures with Q < k_BT ln 2. */
  belowLn2: number | null;
  histograms: { heat: Histogram; work: Histogram } | null;
  /** The latest frame: cycle and time within it; canvas frames drawn. */
  frameCycle: number;
  t: number;
  framesDrawn: number;
  /** Cycles whose statistics the charts on screen show. */
  rendered: number;
  /** The message shown in the page, or null. */
  error: string | null;
  /** Restarts queued or running (the throttle after a slider move). */
  pending: boolean;
  /** After Stop: true once the worker confirmed that the run ended. */
  workerStopped: boolean;
  /** Per finished cycle (in order): the mean Q/k_BT and W/k_BT of its erasures, and how many ended in well 1. */
  perCycle: { heat: number[]; work: number[]; success: number[] };
  /** Whether the page was opened with a hash, and what in it was unusable. */
  link: { present: boolean; problems: string[] };
}
declare global {
  interface Window {
    __thermolearnLandauer: LandauerDemoState;
  }
}

/** Welford accumulators of one quantity. */
class Accumulator {
  n = 0;
  mean = 0;
  m2 = 0;
  add(values: Float64Array): void {
    for (const v of values) {
      this.n++;
      const d = v - this.mean;
      this.mean += d / this.n;
      this.m2 += d * (v - this.mean);
    }
  }
  moments(): Moments {
    const variance = this.n > 1 ? this.m2 / (this.n - 1) : 0;
    return { n: this.n, mean: this.mean, sd: Math.sqrt(variance), error: Math.sqrt(variance / this.n) };
  }
}

/**
 * Cells for a quantity, chosen from the first cycle's values: from their 0.5 % to their 99.5 %
 * quantile widened by a cell on each side, always showing 0 and ln 2, HIST_BINS cells.
 */
function histogramFor(values: Float64Array): Histogram {
  const sorted = Float64Array.from(values).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  let lo = Math.min(q(0.005), -0.5),
    hi = Math.max(q(0.995), Math.LN2 + 1);
  const width = (hi - lo) / (HIST_BINS - 2);
  lo -= width;
  hi += width;
  return { lo, width: (hi - lo) / HIST_BINS, counts: new Array(HIST_BINS).fill(0), below: 0, above: 0 };
}

function fill(h: Histogram, values: Float64Array): void {
  for (const v of values) {
    const i = Math.floor((v - h.lo) / h.width);
    if (i < 0) h.below++;
    else if (i >= h.counts.length) h.above++;
    else h.counts[i]++;
  }
}

const fmt = (x: number | null | undefined, digits = 3): string => {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return x.toFixed(digits).replace(/^-/, "−");
};

/** Draws one run's potential, particles and protocol on the two canvases. */
class WellView {
  readonly #q = new Float64Array(PARAMETERS);
  #potential: Potential | null = null;
  #tau = 1;
  #kT = 1;
  #x: [number, number] = [-1.8, 1.8];
  #v: [number, number] = [-17, 10];
  /** A fixed pseudo-random lift in [0, 1) per dot, so dots on the same spot spread a little. */
  readonly #lift = Float64Array.from({ length: DOTS }, (_, i) => ((i * 0.6180339887) % 1) * 0.999);

  constructor(
    readonly well: HTMLCanvasElement,
    readonly protocol: HTMLCanvasElement,
  ) {}

  /** The x interval the density strip uses. */
  get xRange(): [number, number] {
    return this.#x;
  }

  /**
   * Sets the run: the potential (checked by the library), the cycle time and kT, and the fixed
   * axes: x where V stays within 14 k_BT of the lowest point of the cycle, V/k_BT from that lowest
   * point to 60 % above the barrier's top.
   */
  setRun(options: DoubleWellOptions, tau: number, kT: number): void {
    const p = resolvePotential(options);
    this.#potential = p;
    this.#tau = tau;
    this.#kT = kT;
    const q = this.#q;
    let vmin = Infinity,
      top = -Infinity;
    const grid = Array.from({ length: 401 }, (_, i) => -3 + (6 * i) / 400);
    const times = Array.from({ length: 41 }, (_, i) => (tau * i) / 40);
    for (const t of times) {
      potentialAt(p, t, q);
      for (const x of grid) vmin = Math.min(vmin, energyOf(p, q, x) / kT);
      top = Math.max(top, energyOf(p, q, 0) / kT);
    }
    let xlo = 0,
      xhi = 0;
    for (const t of times) {
      potentialAt(p, t, q);
      for (const x of grid) {
        if (energyOf(p, q, x) / kT <= vmin + Math.max(14, 1.6 * (top - vmin))) {
          xlo = Math.min(xlo, x);
          xhi = Math.max(xhi, x);
        }
      }
    }
    const span = top - vmin;
    this.#x = [xlo, xhi];
    this.#v = [vmin - 0.08 * span, top + 0.6 * span];
  }

  /** B(t)/k_BT and a(t)/k_BT. */
  parameters(t: number): { barrier: number; tilt: number } {
    const pr = this.#potential!.protocols;
    return { barrier: pr.barrier.at(t) / this.#kT, tilt: pr.tilt.at(t) / this.#kT };
  }

  #context(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; w: number; h: number } {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth,
      h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const g = canvas.getContext("2d")!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    return { g, w, h };
  }

  /** The potential at t, the dots on it, the density of all particles under it. */
  draw(t: number, x: Float64Array | null, density: Float64Array | null): void {
    const p = this.#potential;
    if (!p) return;
    const { g, w, h } = this.#context(this.well);
    const pad = { left: 46, right: 14, top: 10, bottom: 26 };
    const strip = 46; // the density strip's height at the bottom of the plot
    const [xlo, xhi] = this.#x,
      [vlo, vhi] = this.#v;
    const px = (v: number) => pad.left + ((v - xlo) / (xhi - xlo)) * (w - pad.left - pad.right);
    const py = (v: number) => pad.top + ((vhi - v) / (vhi - vlo)) * (h - pad.top - pad.bottom - strip);
    const base = h - pad.bottom;
    const q = this.#q;
    potentialAt(p, t, q);
    const V = (xx: number) => energyOf(p, q, xx) / this.#kT;

    // Axes and labels.
    g.strokeStyle = "#ccc";
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(pad.left, pad.top);
    g.lineTo(pad.left, base);
    g.lineTo(w - pad.right, base);
    g.stroke();
    g.fillStyle = "#666";
    g.font = "12px system-ui, sans-serif";
    g.textAlign = "center";
    for (let tick = Math.ceil(xlo); tick <= Math.floor(xhi); tick++) {
      g.fillText(String(tick).replace("-", "−"), px(tick), base + 15);
      g.beginPath();
      g.moveTo(px(tick), base);
      g.lineTo(px(tick), base + 3);
      g.stroke();
    }
    g.fillText("x", w - pad.right - 6, base + 15);
    g.textAlign = "right";
    const step = (vhi - vlo) / 5 > 5 ? 10 : (vhi - vlo) / 5 > 2 ? 5 : 1;
    for (let tick = Math.ceil(vlo / step) * step; tick <= vhi; tick += step) {
      g.fillText(String(tick).replace("-", "−"), pad.left - 6, py(tick) + 4);
    }
    g.save();
    g.translate(12, (pad.top + base - strip) / 2);
    g.rotate(-Math.PI / 2);
    g.textAlign = "center";
    g.fillText("V(x, t)/k_BT", 0, 0);
    g.restore();
    g.textAlign = "center";
    g.font = "600 14px system-ui, sans-serif";
    g.fillStyle = "#999";
    if (xlo < -1 && xhi > 1) {
      g.fillText("0", px(-1), pad.top + 16);
      g.fillText("1", px(1), pad.top + 16);
    }

    // The density of all particles: a grey strip of bars above the x axis.
    if (density) {
      const max = Math.max(...density, 1e-12);
      g.fillStyle = "#c9d6e8";
      const cell = (xhi - xlo) / density.length;
      for (let i = 0; i < density.length; i++) {
        const bh = (density[i] / max) * (strip - 6);
        g.fillRect(px(xlo + i * cell), base - bh, px(xlo + (i + 1) * cell) - px(xlo + i * cell) + 0.5, bh);
      }
    }

    // V(x, t).
    g.save();
    g.beginPath();
    g.rect(pad.left, pad.top, w - pad.left - pad.right, base - strip - pad.top);
    g.clip();
    g.strokeStyle = "#222";
    g.lineWidth = 2;
    g.beginPath();
    for (let i = 0; i <= 300; i++) {
      const xx = xlo + ((xhi - xlo) * i) / 300;
      if (i === 0) g.moveTo(px(xx), py(V(xx)));
      else g.lineTo(px(xx), py(V(xx)));
    }
    g.stroke();
    // The particles, sitting on the curve (each lifted by a few pixels so a crowd shows).
    if (x) {
      g.fillStyle = "rgba(47, 109, 181, 0.55)";
      for (let i = 0; i < x.length; i++) {
        const xx = Math.min(xhi, Math.max(xlo, x[i]));
        g.beginPath();
        g.arc(px(xx), py(V(xx)) - 4 - 9 * this.#lift[i % DOTS], 2.6, 0, 2 * Math.PI);
        g.fill();
      }
    }
    g.restore();

    this.#drawProtocol(t);
  }

  /** B(t) and a(t) over the cycle, the four strokes named, a cursor at t. */
  #drawProtocol(t: number): void {
    const { g, w, h } = this.#context(this.protocol);
    const left = 46,
      right = 14,
      top = 16,
      bottom = 8;
    const tau = this.#tau;
    const pt = (s: number) => left + (s / tau) * (w - left - right);
    const pv = (v: number) => top + (1 - v) * (h - top - bottom);
    const pr = this.#potential!.protocols;
    g.font = "11px system-ui, sans-serif";
    g.textAlign = "center";
    g.fillStyle = "#777";
    ["lower the barrier", "tilt", "raise the barrier", "untilt"].forEach((name, i) => {
      g.fillText(name, pt((tau * (i + 0.5)) / 4), 11);
    });
    g.strokeStyle = "#e5e5e5";
    for (let i = 0; i <= 4; i++) {
      g.beginPath();
      g.moveTo(pt((tau * i) / 4), top);
      g.lineTo(pt((tau * i) / 4), h - bottom);
      g.stroke();
    }
    const curve = (f: (s: number) => number, color: string, label: string, dy: number) => {
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.beginPath();
      for (let i = 0; i <= 200; i++) {
        const s = (tau * i) / 200;
        if (i === 0) g.moveTo(pt(s), pv(f(s)));
        else g.lineTo(pt(s), pv(f(s)));
      }
      g.stroke();
      g.fillStyle = color;
      g.textAlign = "right";
      g.fillText(label, left - 5, top + dy);
    };
    curve((s) => pr.barrier.at(s) / BARRIER, "#2f6db5", "barrier", 12);
    curve((s) => pr.tilt.at(s) / TILT, "#e8892b", "tilt", 30);
    g.strokeStyle = "#a40000";
    g.lineWidth = 1.5;
    g.beginPath();
    g.moveTo(pt(Math.min(t, tau)), top - 2);
    g.lineTo(pt(Math.min(t, tau)), h - bottom + 2);
    g.stroke();
  }
}

/** A LiveChart tweak: lines drawn as steps (the histograms), and the series in `dashed` dashed. */
function landauerStyle(
  dashed: string[],
  steps: boolean,
): (spec: Layered, options: { series: { name: string }[] }) => void {
  return (spec, options) => {
    const names = options.series.map((s) => s.name);
    for (const layer of spec.layer) {
      if (layer.mark.type !== "line" || !layer.encoding) continue;
      if (steps) (layer.mark as { interpolate?: string }).interpolate = "step-after";
      // No `legend: null`: the dashes join the colour legend (vega-lite merges legends of one field).
      layer.encoding.strokeDash = {
        field: "series",
        type: "nominal",
        scale: { domain: names, range: names.map((n) => (dashed.includes(n) ? [5, 3] : [1, 0])) },
      };
    }
  };
}

/** The state of a run that has just been sent to the worker: nothing measured yet. */
function freshRun(): Omit<
  LandauerDemoState,
  "ready" | "params" | "run" | "framesDrawn" | "error" | "pending" | "link"
> {
  return {
    status: "starting",
    backend: null,
    stepsPerCycle: null,
    cycles: 0,
    samples: 0,
    firstCycleHeat: null,
    heat: null,
    work: null,
    success: null,
    bound: null,
    belowLn2: null,
    histograms: null,
    frameCycle: 0,
    t: 0,
    rendered: 0,
    workerStopped: false,
    perCycle: { heat: [], work: [], success: [] },
  };
}

function pageMain(): void {
  const state: LandauerDemoState = (window.__thermolearnLandauer = {
    ready: false,
    params: null,
    run: 0,
    framesDrawn: 0,
    error: null,
    pending: false,
    link: { present: false, problems: [] },
    ...freshRun(),
  });

  const statusLine = $<HTMLElement>("status");
  const startButton = $<HTMLButtonElement>("start"),
    stopButton = $<HTMLButtonElement>("stop");
  const paceSelect = $<HTMLSelectElement>("pace");
  const view = new WellView($<HTMLCanvasElement>("well"), $<HTMLCanvasElement>("protocol"));
  const showError = errorDisplay($<HTMLElement>("error"), (message) => {
    state.error = message;
    document.querySelector(".charts")!.classList.toggle("stale", message !== null);
  });

  // This run's statistics.
  let heatAcc = new Accumulator(),
    workAcc = new Accumulator();
  let successes = 0,
    below = 0;
  let history: { n: number; heat: Moments; work: Moments; bound: number }[] = [];
  let latest: { t: number; x: Float64Array; density: Float64Array } | null = null;
  let lastCycleMs: { wall: number; compute: number } | null = null;

  const worker = new Worker(new URL("./landauer-worker.js", import.meta.url), { type: "module" });
  const send = (request: WorkerRequest) => worker.postMessage(request);

  const readParams = (): LandauerParams => ({
    tau: num("tau"),
    D: num("D"),
    dt: num("dt"),
    particles: num("particles"),
    seed: num("seed"),
    pace: paceSelect.value as Pace,
  });

  /** False after Stop: input changes then wait for Start. */
  let wanted = true;

  /** Stops the run in progress and starts a new one with the page's inputs (or shows why not). */
  async function restart(): Promise<void> {
    if (!wanted) return;
    const run = ++state.run;
    const p = readParams();
    state.params = p;
    heatAcc = new Accumulator();
    workAcc = new Accumulator();
    successes = below = 0;
    history = [];
    latest = null;
    lastCycleMs = null;
    Object.assign(state, freshRun());
    for (const id of ["chart-heat", "chart-work", "chart-mean"]) $(id).classList.add("empty");
    try {
      // τ and D shape the drawing too, so the page checks them; the worker's library checks the rest.
      check.positive("tau", p.tau);
      check.positive("D", p.D);
      const potential = erasureProtocol({ tau: p.tau });
      view.setRun(potential, p.tau, p.D);
      const config: RunConfig = {
        tau: p.tau,
        D: p.D,
        dt: p.dt,
        particles: p.particles,
        seed: p.seed,
        pace: p.pace,
        dots: DOTS,
        xRange: view.xRange,
        densityBins: DENSITY_BINS,
      };
      showError(null);
      send({ type: "start", run, config });
    } catch (e) {
      send({ type: "stop", run });
      state.status = "error";
      state.ready = true;
      showError(e);
    }
    updateReadouts();
    scheduleCharts();
  }

  worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
    const m = event.data;
    if (m.run !== state.run) return; // a message of a run already replaced
    if (m.type === "stopped") {
      state.workerStopped = true;
      return;
    }
    if (state.status === "stopped") return; // posted before the worker saw the Stop

    if (m.type === "started") {
      state.status = "running";
      state.backend = m.backend;
      state.stepsPerCycle = m.stepsPerCycle;
    } else if (m.type === "frame") {
      latest = { t: m.t, x: m.x, density: m.density };
      state.frameCycle = m.cycle;
      state.t = m.t;
    } else if (m.type === "cycle") {
      if (state.histograms === null) {
        state.histograms = { heat: histogramFor(m.heat), work: histogramFor(m.work) };
        state.firstCycleHeat = m.heat.reduce((a, b) => a + b, 0) / m.heat.length;
      }
      fill(state.histograms.heat, m.heat);
      fill(state.histograms.work, m.work);
      heatAcc.add(m.heat);
      workAcc.add(m.work);
      const cycleMean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
      state.perCycle.heat.push(cycleMean(m.heat));
      state.perCycle.work.push(cycleMean(m.work));
      state.perCycle.success.push(m.success);
      successes += m.success;
      for (const q of m.heat) if (q < Math.LN2) below++;
      state.cycles = m.cycle + 1;
      state.samples = heatAcc.n;
      state.heat = heatAcc.moments();
      state.work = workAcc.moments();
      const p = successes / heatAcc.n;
      state.success = p;
      state.bound = landauerBound(p);
      state.belowLn2 = below / heatAcc.n;
      history.push({ n: heatAcc.n, heat: state.heat, work: state.work, bound: state.bound });
      // The running-means chart needs no more than a few thousand points: past 4000, every other one goes.
      if (history.length > 4000) history = history.filter((_, i) => i % 2 === 1);
      lastCycleMs = { wall: m.wallMs, compute: m.computeMs };
      updateReadouts();
      scheduleCharts();
    } else {
      state.status = "error";
      state.ready = true;
      showError(m);
      updateReadouts();
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    state.status = "error";
    showError(`Worker failed: ${event.message || "could not load demo/dist/landauer-worker.js"}`);
  };

  function updateReadouts(): void {
    const p = state.params;
    const h = state.heat,
      w = state.work;
    $("erasures").textContent = state.samples > 0 ? state.samples.toLocaleString("en-US") : "–";
    $("mean-heat").textContent = h ? `${fmt(h.mean)} ± ${fmt(h.error)}` : "–";
    $("mean-work").textContent = w ? `${fmt(w.mean)} ± ${fmt(w.error)}` : "–";
    $("success").textContent = fmt(state.success, 4);
    $("bound").textContent = fmt(state.bound, 4);
    $("below").textContent = fmt(state.belowLn2, 3);
    $("heat-readout").textContent = h ? `⟨Q⟩ = ${fmt(h.mean)} ± ${fmt(h.error)}, sd ${fmt(h.sd, 2)}` : "";
    $("work-readout").textContent = w ? `⟨W⟩ = ${fmt(w.mean)} ± ${fmt(w.error)}, sd ${fmt(w.sd, 2)}` : "";
    $("mean-readout").textContent = state.cycles > 0 ? `${state.cycles} cycles` : "";
    const speed =
      lastCycleMs && p
        ? ` · last cycle ${(lastCycleMs.wall / 1000).toFixed(2)} s (${(
            (p.particles * (state.stepsPerCycle ?? 0)) / (lastCycleMs.compute * 1000)
          ).toFixed(1)} M particle-steps/s of compute)`
        : "";
    startButton.textContent = state.status === "stopped" || state.status === "error" ? "Start" : "Restart";
    stopButton.disabled = state.status === "stopped" || state.status === "error";
    statusLine.textContent =
      state.status === "error"
        ? `run ${state.run}: stopped by the error below`
        : state.status === "stopped"
          ? `run ${state.run}: stopped after ${state.cycles} cycles · Start runs the page's values afresh`
          : `run ${state.run}: ${state.status}` +
            (p ? ` · τ = ${p.tau}, D = ${p.D}, dt = ${p.dt}, ${p.particles} particles per cycle` : "") +
            (state.stepsPerCycle ? ` · ${state.stepsPerCycle} steps per cycle` : "") +
            (state.backend ? ` · ${state.backend} wasm in a Web Worker` : "") +
            speed;
  }

  // The canvas: redrawn each animation frame when a new frame arrived (or the size changed).
  let drawn: unknown = null;
  let drawnWidth = 0;
  const animate = () => {
    const width = view.well.clientWidth;
    if (latest !== drawn || width !== drawnWidth) {
      if (latest) {
        try {
          view.draw(latest.t, latest.x, latest.density);
          const par = view.parameters(latest.t);
          $("cycle").textContent = String(state.frameCycle + 1);
          $("phase").textContent = fmt(latest.t / state.params!.tau, 2);
          $("barrier").textContent = fmt(par.barrier, 2);
          $("tilt").textContent = fmt(par.tilt, 2);
          let right = 0;
          for (const x of latest.x) if (x > 0) right++;
          $("right-now").textContent = `${((100 * right) / Math.max(1, latest.x.length)).toFixed(0)} %`;
          $("well-readout").textContent =
            `first ${latest.x.length} particles of ${state.params!.particles}; the strip: density of all`;
          state.framesDrawn++;
          state.ready = true;
        } catch (e) {
          showError(e);
        }
      }
      drawn = latest;
      drawnWidth = width;
    }
    requestAnimationFrame(animate);
  };
  requestAnimationFrame(animate);

  // The charts: histograms of Q and W (densities per k_BT) with ln 2 and the mean as vertical lines,
  // and the running means with their ±1 standard error.
  const SIZE = { width: 380, height: 210 };
  const charts = {
    heat: new LiveChart($("chart-heat"), landauerStyle(["ln 2"], true)),
    work: new LiveChart($("chart-work"), landauerStyle(["ln 2"], true)),
    mean: new LiveChart($("chart-mean"), landauerStyle(["⟨Q⟩ − error", "⟨Q⟩ + error", "bound at p"], false)),
  };
  const histogramSeries = (h: Histogram, m: Moments, name: string) => {
    const total = m.n;
    const x = h.counts.map((_, i) => h.lo + i * h.width);
    const y = h.counts.map((c) => c / (total * h.width));
    x.push(h.lo + h.counts.length * h.width);
    y.push(y[y.length - 1]);
    const top = 1.05 * Math.max(...y, 1e-9);
    return [
      { name, x, y },
      { name: "ln 2", x: [Math.LN2, Math.LN2], y: [0, top] },
      { name: `mean`, x: [m.mean, m.mean], y: [0, top] },
    ];
  };
  async function renderCharts(): Promise<void> {
    const hs = state.histograms,
      h = state.heat,
      w = state.work;
    if (!hs || !h || !w) return;
    const key = `${state.run}:${state.cycles}`;
    const cycles = state.cycles;
    await charts.heat.show(
      { ...SIZE, xLabel: "heat Q (k_BT)", yLabel: "density (1/k_BT)", series: histogramSeries(hs.heat, h, "heat Q") },
      key,
    );
    await new Promise((resolve) => setTimeout(resolve, 0)); // short tasks rather than one long one
    await charts.work.show(
      { ...SIZE, xLabel: "work W (k_BT)", yLabel: "density (1/k_BT)", series: histogramSeries(hs.work, w, "work W") },
      key,
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    const n = history.map((r) => r.n);
    await charts.mean.show(
      {
        width: 860,
        height: 200,
        xLabel: "erasures (count)",
        yLabel: "running mean heat ⟨Q⟩ (k_BT)",
        xInteger: true,
        series: [
          { name: "⟨Q⟩", x: n, y: history.map((r) => r.heat.mean) },
          { name: "⟨Q⟩ + error", x: n, y: history.map((r) => r.heat.mean + r.heat.error) },
          { name: "⟨Q⟩ − error", x: n, y: history.map((r) => r.heat.mean - r.heat.error) },
          { name: "⟨W⟩", x: n, y: history.map((r) => r.work.mean) },
          { name: "bound at p", x: n, y: history.map((r) => r.bound) },
        ],
        referenceLines: [{ name: "ln 2", y: Math.LN2 }],
      },
      key,
    );
    for (const id of ["chart-heat", "chart-work"]) $(id).classList.remove("empty");
    // One point draws no line (and an odd axis): the running means show from the second cycle on.
    $("chart-mean").classList.toggle("empty", history.length < 2);
    state.rendered = cycles;
  }
  const scheduleCharts = throttled(renderCharts, chartError(showError), 250);

  // Sliders ↔ number inputs (as on the memory page): sliders clamp to their range, the number
  // inputs accept anything typed; every change restarts the run, at most every 150 ms.
  // A restart queued by the throttle before a Stop does nothing (`wanted` is false).
  const scheduleRestart = throttled(restart, showError, 150);
  Object.defineProperty(state, "pending", { get: () => scheduleRestart.pending, enumerable: true });
  for (const box of document.querySelectorAll<HTMLElement>(".slider")) {
    const id = box.dataset.for!;
    const field = $<HTMLInputElement>(id),
      range = $<HTMLInputElement>(`${id}-range`);
    const log = box.classList.contains("log");
    range.addEventListener("input", () => {
      const v = Number(range.value);
      field.value = String(log ? Number((10 ** v).toPrecision(3)) : v);
      scheduleRestart();
    });
    field.addEventListener("input", () => {
      const v = num(id);
      if (Number.isFinite(v) && (!log || v > 0)) range.value = String(log ? Math.log10(v) : v);
      scheduleRestart();
    });
  }
  for (const id of ["particles", "dt", "seed"]) $(id).addEventListener("input", () => scheduleRestart());
  paceSelect.addEventListener("change", () => {
    if (state.params) state.params.pace = paceSelect.value as Pace;
    send({ type: "pace", run: state.run, pace: paceSelect.value as Pace });
  });
  // Start (the form's submit button, so Enter in a field works too): a fresh run with the page's values.
  $<HTMLFormElement>("landauer-controls").addEventListener("submit", (e) => {
    e.preventDefault();
    wanted = true;
    scheduleRestart();
  });
  // Stop: the worker ends the run at its next look at the queue (≤ one slice of computation); the
  // statistics, histograms and the last frame stay on screen.
  stopButton.addEventListener("click", () => {
    wanted = false;
    state.workerStopped = false;
    send({ type: "stop", run: state.run });
    if (state.status !== "error") state.status = "stopped";
    updateReadouts();
  });

  // The URL hash: a shared link's inputs (each checked as the library checks the option), then kept
  // up to date; the page starts a run on load either way.
  const fields: LinkField[] = [
    { id: "tau", check: (v) => check.positive("tau", v) },
    { id: "D", check: (v) => check.positive("D", v) },
    { id: "dt", check: (v) => check.positive("dt", v) },
    { id: "particles", check: (v) => check.integer("particles", v, 1, check.MAX_COUNT) },
    { id: "seed", check: (v) => check.seed("seed", v) },
    { id: "pace" },
  ];
  const opened = readLink(fields);
  state.link = { present: opened.present, problems: opened.problems };
  for (const key of opened.extra.keys()) state.link.problems.push(`${key}: not a parameter of this page; ignored`);
  showLinkProblems($("link-message"), state.link.problems);
  const link = new LinkWriter(fields);
  link.watch();
  reloadOnHashChange();

  /** The run's statistics as JSON: per-cycle and running means (columns), moments, histograms. */
  $("export").addEventListener("click", () => {
    downloadJSON(fileName("landauer", "results"), {
      format: "thermolearn/demo-landauer",
      version: VERSION,
      config: state.params,
      backend: state.backend,
      status: state.status,
      link: location.href,
      stepsPerCycle: state.stepsPerCycle,
      cycles: state.cycles,
      samples: state.samples,
      heat: state.heat,
      work: state.work,
      success: state.success,
      bound: state.bound,
      belowLn2: state.belowLn2,
      perCycle: {
        cycle: state.perCycle.heat.map((_, i) => i),
        meanHeat: state.perCycle.heat,
        meanWork: state.perCycle.work,
        successes: state.perCycle.success,
      },
      runningMeans: {
        erasures: history.map((r) => r.n),
        meanHeat: history.map((r) => r.heat.mean),
        heatError: history.map((r) => r.heat.error),
        meanWork: history.map((r) => r.work.mean),
        workError: history.map((r) => r.work.error),
        bound: history.map((r) => r.bound),
      },
      histograms: state.histograms,
    });
  });

  scheduleRestart();
}

pageMain();
