/**
 * The Hopfield demo page (demo/hopfield.html).
 *
 * Recall panel: a 12 × 12 grid of neurons (dark = +1, light = −1) and a built-in set of letters and
 * digits stored in a Hopfield network (src/hopfield/) with the chosen rule. The network is tiny
 * (N = 144), so it lives on the main thread: Run calls `net.run({ maxSweeps: 1 })` once per
 * animation step, redraws the grid, the overlaps and the energy trace, and waits a little before
 * the next sweep, so the page stays responsive and you can watch the state settle.
 *
 * Capacity panel: a capacity sweep (runHopfieldCapacityAsync) in a module Web Worker
 * (demo/hopfield-worker.ts), plotted as each load is measured, with a progress bar and Stop.
 *
 * For tests, the page's state is exposed on `window.__thermolearnHopfield` (a HopfieldDemoState):
 *   ready       true once the wasm is compiled and the first network built
 *   backend     "simd" | "scalar" once ready, else null
 *   size        grid side (12); the state has size² neurons, row-major
 *   patterns    names of the stored patterns, in storage order (e.g. ["A", "B", …])
 *   rule        the storage rule of the current network
 *   state       the grid's state, an array of ±1 (what the cells show)
 *   energies    energy trace of the current run: before it, then after each sweep ([] before a run)
 *   sweeps      sweeps taken by the current run
 *   status      "idle" | "running" | "fixed-point" | "cycle" | "max-sweeps" | "stopped" | "error"
 *   overlaps    m_μ = ξ^μ·x/N of the grid with each stored pattern (same order as `patterns`)
 *   target      name of the pattern last put on the grid, or null
 *   recalled    name of the stored pattern the grid equals exactly, or null
 *   success     after a run: whether it ended on `target`; null before a run or without target
 *   capacity    null before the first capacity run, else {status: "running" | "completed" |
 *               "aborted" | "error", progress (0…1), config {n, rule, trials, seed}, and per measured
 *               load the columns loads, k, unstableFraction, unstableStdError, predictedUnstable,
 *               exactUnstable (null unless Hebbian), retrievalOverlap, retrievalStdError,
 *               perfectRecallFraction; perfectRecallK, predictedPerfectRecallK, elapsedMs}
 *   error       the message shown in the page (the capacity panel's if both show one), or null
 *   rendered    {energy, capacity}: how many energies / loads the charts on screen show
 */
import {
  Hopfield,
  Rng,
  init,
  loadRange,
  resolveCapacityConfig,
  type HopfieldDynamics,
  type StorageRule,
} from "../src/index.js";
import { LiveChart, throttled, type Layered } from "./live-chart.js";
import { $, chartError, errorDisplay, num } from "./page.js";
import { GLYPHS, GLYPH_ORDER, GLYPH_SIZE, parseGlyph } from "./glyphs.js";
import type { CapacityMessage, CapacityRequest, CapacityRow, CapacityWorkerRequest } from "./hopfield-worker.js";

export type NetStatus = "idle" | "running" | "fixed-point" | "cycle" | "max-sweeps" | "stopped" | "error";
export type CapacityStatus = "running" | "completed" | "aborted" | "error";

export interface CapacityState {
  status: CapacityStatus;
  progress: number;
  config: { n: number; rule: StorageRule; trials: number; seed: number };
  loads: number[];
  k: number[];
  unstableFraction: number[];
  unstableStdError: number[];
  predictedUnstable: number[];
  exactUnstable: number[] | null;
  retrievalOverlap: number[];
  retrievalStdError: number[];
  perfectRecallFraction: number[];
  perfectRecallK: number | null;
  predictedPerfectRecallK: number | null;
  elapsedMs: number;
}

export interface HopfieldDemoState {
  ready: boolean;
  backend: string | null;
  size: number;
  patterns: string[];
  rule: StorageRule;
  state: number[];
  energies: number[];
  sweeps: number;
  status: NetStatus;
  overlaps: number[];
  target: string | null;
  recalled: string | null;
  success: boolean | null;
  capacity: CapacityState | null;
  error: string | null;
  rendered: { energy: number; capacity: number };
}
declare global {
  interface Window {
    __thermolearnHopfield: HopfieldDemoState;
  }
}

// ---------------------------------------------------------------------------------------------
// The built-in patterns (demo/glyphs.ts)
// ---------------------------------------------------------------------------------------------

const SIZE = GLYPH_SIZE;
const N = SIZE * SIZE;

interface PatternEntry {
  name: string;
  bits: Int8Array;
  stored: boolean;
  custom: boolean;
  card?: PatternCard;
}
const library: PatternEntry[] = GLYPH_ORDER.map((name) => ({
  name,
  bits: parseGlyph(name, GLYPHS[name]),
  stored: true,
  custom: false,
}));

// ---------------------------------------------------------------------------------------------
// Page state and elements
// ---------------------------------------------------------------------------------------------

const state: HopfieldDemoState = (window.__thermolearnHopfield = {
  ready: false,
  backend: null,
  size: SIZE,
  patterns: [],
  rule: "pseudoinverse",
  state: [],
  energies: [],
  sweeps: 0,
  status: "idle",
  overlaps: [],
  target: null,
  recalled: null,
  success: null,
  capacity: null,
  error: null,
  rendered: { energy: 0, capacity: 0 },
});

const ruleInput = $<HTMLSelectElement>("rule");
const dynamicsInput = $<HTMLSelectElement>("dynamics");
const temperatureField = $<HTMLElement>("temperature-field");
const speedInput = $<HTMLSelectElement>("speed");
const seedInput = $<HTMLInputElement>("seed");
const gridEl = $<HTMLElement>("grid");
const patternsEl = $<HTMLElement>("patterns");
const netStatusEl = $<HTMLElement>("net-status");
const buttons = {
  corrupt: $<HTMLButtonElement>("corrupt"),
  run: $<HTMLButtonElement>("run"),
  stop: $<HTMLButtonElement>("stop"),
  clear: $<HTMLButtonElement>("clear"),
  store: $<HTMLButtonElement>("store"),
};

const errors: { net: string | null; capacity: string | null } = { net: null, capacity: null };
/** Each panel's error box; the page's `error` is the capacity panel's message if both show one. */
const errorBoxes = {
  net: errorDisplay($<HTMLElement>("net-error"), (message) => {
    errors.net = message;
    state.error = errors.capacity ?? errors.net;
  }),
  capacity: errorDisplay($<HTMLElement>("cap-error"), (message) => {
    errors.capacity = message;
    state.error = errors.capacity ?? errors.net;
  }),
};
/** Shows `error` (an Error, a worker's {name, message} or a message) in a panel; null hides the box. */
function showError(panel: "net" | "capacity", error: unknown): void {
  errorBoxes[panel](error);
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits).replace("-", "−") : "–");

// ---------------------------------------------------------------------------------------------
// The grid
// ---------------------------------------------------------------------------------------------

/** What the cells show (the network's state is kept equal to it). */
let grid: Int8Array = new Int8Array(N).fill(-1);
const cells: HTMLElement[] = [];
for (let i = 0; i < N; i++) {
  const cell = document.createElement("div");
  cell.className = "cell";
  cell.dataset.i = String(i);
  gridEl.append(cell);
  cells.push(cell);
}

/** Redraws the cells; `flipped` (cells that changed in the last sweep) get a highlight. */
function drawGrid(flipped: Set<number> = new Set()): void {
  for (let i = 0; i < N; i++) {
    cells[i].classList.toggle("on", grid[i] === 1);
    cells[i].classList.toggle("flipped", flipped.has(i));
  }
  state.state = Array.from(grid);
}

function drawThumbnail(canvas: HTMLCanvasElement, bits: Int8Array): void {
  const scale = 4;
  canvas.width = canvas.height = SIZE * scale;
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = "#f4f1ea";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#1f2a44";
  for (let i = 0; i < N; i++)
    if (bits[i] === 1) ctx.fillRect((i % SIZE) * scale, Math.floor(i / SIZE) * scale, scale, scale);
}

/** Drawing: press on a cell to toggle it, drag to paint the same value over other cells. */
let paint: 1 | -1 | null = null;
function cellAt(event: PointerEvent): number | null {
  const el = document.elementFromPoint(event.clientX, event.clientY) as HTMLElement | null;
  return el && el.parentElement === gridEl && el.dataset.i !== undefined ? Number(el.dataset.i) : null;
}
gridEl.addEventListener("pointerdown", (event) => {
  const i = cellAt(event);
  if (i === null) return;
  event.preventDefault();
  stopRun();
  paint = grid[i] === 1 ? -1 : 1;
  gridEl.setPointerCapture(event.pointerId);
  setCell(i);
});
gridEl.addEventListener("pointermove", (event) => {
  if (paint === null) return;
  const i = cellAt(event);
  if (i !== null && grid[i] !== paint) setCell(i);
});
const endPaint = () => {
  paint = null;
};
gridEl.addEventListener("pointerup", endPaint);
gridEl.addEventListener("pointercancel", endPaint);

function setCell(i: number): void {
  grid[i] = paint!;
  gridChanged();
}

// ---------------------------------------------------------------------------------------------
// The network and the pattern cards
// ---------------------------------------------------------------------------------------------

let net: Hopfield | null = null;
/** The library entries stored in `net`, in storage order. */
let stored: PatternEntry[] = [];

interface PatternCard {
  root: HTMLElement;
  bar: HTMLElement;
  value: HTMLElement;
  checkbox: HTMLInputElement;
}

function addCard(entry: PatternEntry): void {
  const root = document.createElement("div");
  root.className = "pattern";
  root.dataset.pattern = entry.name;
  const pick = document.createElement("button");
  pick.type = "button";
  pick.className = "pick";
  pick.title = `Put ${entry.name} on the grid`;
  pick.setAttribute("aria-label", `Put ${entry.name} on the grid`);
  const canvas = document.createElement("canvas");
  drawThumbnail(canvas, entry.bits);
  pick.append(canvas);
  const label = document.createElement("label");
  const checkbox = document.createElement("input");
  checkbox.type = "checkbox";
  checkbox.checked = entry.stored;
  checkbox.title = `Store ${entry.name} in the network`;
  label.append(checkbox, ` ${entry.name}`);
  const meter = document.createElement("div");
  meter.className = "overlap";
  const bar = document.createElement("span");
  meter.append(bar);
  const value = document.createElement("div");
  value.className = "m";
  root.append(pick, label, meter, value);
  patternsEl.append(root);
  entry.card = { root, bar, value, checkbox };

  pick.addEventListener("click", () => {
    stopRun();
    grid = entry.bits.slice();
    setTarget(entry.name);
    gridChanged();
  });
  checkbox.addEventListener("change", () => {
    entry.stored = checkbox.checked;
    rebuild();
  });
}

/** (Re)builds the network from the ticked patterns with the chosen rule. */
function rebuild(): void {
  stopRun();
  net?.dispose();
  net = null;
  stored = library.filter((p) => p.stored);
  state.patterns = stored.map((p) => p.name);
  state.rule = ruleInput.value as StorageRule;
  showError("net", null);
  try {
    net = new Hopfield({ n: N, patterns: stored.map((p) => p.bits), rule: state.rule, seed: 0 });
    state.backend = net.backend;
  } catch (e) {
    showError("net", e);
    setNetStatus("error");
  }
  if (net && state.status === "error") setNetStatus("idle");
  setTarget(state.target);
  gridChanged(false);
}

/**
 * Energy of the target pattern (the bottom of its valley) for the energy chart's reference line, or
 * null without a stored target; set by {@link setTarget} whenever the network or the target changes.
 */
let targetEnergy: number | null = null;

/** Makes `name` the target and computes its energy; the caller then puts the grid back (gridChanged). */
function setTarget(name: string | null): void {
  state.target = name;
  const mu = stored.findIndex((p) => p.name === name);
  targetEnergy = null;
  if (net && mu >= 0) {
    net.setPattern(mu);
    targetEnergy = net.energy();
  }
}

/** After the grid changed (drawing, picking, corrupting): the network takes the new state. */
function gridChanged(resetTrace = true): void {
  if (resetTrace) {
    state.energies = [];
    state.sweeps = 0;
    state.success = null;
    if (state.status !== "error") state.status = "idle";
    scheduleEnergyChart();
  }
  net?.setState(grid);
  drawGrid();
  updateOverlaps();
  updateNetStatus();
}

function updateOverlaps(): void {
  const m = net ? Array.from(net.overlaps()) : [];
  state.overlaps = m;
  const recalled = m.indexOf(1);
  state.recalled = recalled >= 0 ? stored[recalled].name : null;
  for (const entry of library) {
    const card = entry.card!;
    const mu = stored.indexOf(entry);
    const x = mu >= 0 ? m[mu] : NaN;
    card.root.classList.toggle("forgotten", mu < 0);
    card.root.classList.toggle("target", entry.name === state.target);
    card.root.classList.toggle("recalled", mu >= 0 && x === 1);
    card.bar.style.left = `${50 + 50 * Math.min(0, Number.isFinite(x) ? x : 0)}%`;
    card.bar.style.width = `${50 * Math.abs(Number.isFinite(x) ? x : 0)}%`;
    card.bar.classList.toggle("negative", x < 0);
    card.value.textContent = mu >= 0 ? `m = ${fmt(x, 2)}` : "not stored";
  }
}

const STATUS_TEXT: Record<NetStatus, string> = {
  idle: "ready",
  running: "running",
  "fixed-point": "fixed point",
  cycle: "2-cycle",
  "max-sweeps": "sweep limit reached",
  stopped: "stopped",
  error: "error",
};

function setNetStatus(status: NetStatus): void {
  state.status = status;
  const running = status === "running";
  buttons.run.disabled = running || net === null;
  buttons.stop.disabled = !running;
  updateNetStatus();
}

function updateNetStatus(): void {
  const parts = [`status: ${STATUS_TEXT[state.status]}`];
  if (state.status !== "idle" && state.status !== "error") parts.push(`sweeps: ${state.sweeps}`);
  if (net) parts.push(`E = ${fmt(net.energy(), 2)}`);
  const m = state.overlaps;
  if (net && m.length > 0) {
    let best = 0;
    for (let mu = 1; mu < m.length; mu++) if (Math.abs(m[mu]) > Math.abs(m[best])) best = mu;
    const name = stored[best].name;
    const finished = state.target !== null && state.status !== "running" && state.status !== "idle";
    const verdict = finished ? (state.success ? " ✓ recalled" : ` ✗ (wanted ${state.target})`) : "";
    if (state.recalled !== null) parts.push(`state = ${state.recalled}${verdict}`);
    else if (m[best] === -1) parts.push(`state = inverse of ${name} (also stored, by symmetry)`);
    else if (state.status !== "idle" && state.status !== "running")
      parts.push(`spurious state (closest ${name}, m = ${fmt(m[best], 2)})`);
    else parts.push(`closest: ${name} (m = ${fmt(m[best], 2)})`);
  }
  netStatusEl.textContent = parts.join("  ·  ");
  netStatusEl.classList.toggle("ok", state.success === true);
  netStatusEl.classList.toggle("bad", state.success === false);
}

// ---------------------------------------------------------------------------------------------
// Corrupt and Run
// ---------------------------------------------------------------------------------------------

function corrupt(): void {
  stopRun();
  showError("net", null);
  try {
    const percent = num("flip");
    if (!(percent >= 0 && percent <= 100)) throw new RangeError(`flip % must be in [0, 100], got ${percent}`);
    const seed = num("seed");
    const count = Math.round((percent / 100) * N);
    const rng = new Rng({ seed }); // validates the seed
    try {
      // Exactly `count` distinct cells (a partial Fisher–Yates shuffle), so "20 %" flips 20 % of the
      // drawing; the library's Hopfield.corrupt flips each bit with probability p (a binomial count).
      const u = rng.uniform(count);
      const order = Array.from({ length: N }, (_, i) => i);
      for (let j = 0; j < count; j++) {
        const pick = j + Math.floor(u[j] * (N - j));
        [order[j], order[pick]] = [order[pick], order[j]];
        grid[order[j]] = -grid[order[j]] as 1 | -1;
      }
    } finally {
      rng.dispose();
    }
    seedInput.value = String(seed + 1);
    gridChanged();
  } catch (e) {
    showError("net", e);
  }
}

/** The run in progress; Stop (or any edit) sets its `stopped` flag. */
let currentRun: { stopped: boolean } | null = null;

function stopRun(): void {
  if (currentRun) {
    currentRun.stopped = true;
    currentRun = null;
    setNetStatus("stopped");
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

async function run(): Promise<void> {
  stopRun();
  showError("net", null);
  if (!net) return;
  const dynamics = dynamicsInput.value as HopfieldDynamics;
  const maxSweeps = num("max-sweeps");
  const seed = num("seed");
  const options: { dynamics: HopfieldDynamics; temperature?: number } = { dynamics };
  if (dynamics === "glauber") options.temperature = num("temperature");
  const s = net;
  const me = (currentRun = { stopped: false });
  state.energies = [s.energy()];
  state.sweeps = 0;
  state.success = null;
  setNetStatus("running");
  scheduleEnergyChart();
  let twoAgo: Int8Array | null = null;
  try {
    if (!Number.isInteger(maxSweeps) || maxSweeps < 1)
      throw new RangeError(`max sweeps must be an integer ≥ 1, got ${maxSweeps}`);
    let status: NetStatus = "max-sweeps";
    while (state.sweeps < maxSweeps) {
      const before = grid;
      // One sweep per call; the first reseeds the update order (and Glauber's draws).
      const r = s.run({ ...options, maxSweeps: 1, seed: state.sweeps === 0 ? seed : undefined });
      state.sweeps++;
      state.energies.push(r.energy[r.energy.length - 1]);
      grid = s.state();
      const flipped = new Set<number>();
      for (let i = 0; i < N; i++) if (grid[i] !== before[i]) flipped.add(i);
      drawGrid(flipped);
      updateOverlaps();
      updateNetStatus();
      scheduleEnergyChart();
      if (r.status === "fixed-point") {
        status = "fixed-point";
        break;
      }
      // run() forgets its history between calls, so look for a synchronous 2-cycle here.
      if (dynamics === "sync" && twoAgo !== null && flipped.size > 0 && sameState(twoAgo, grid)) {
        status = "cycle";
        break;
      }
      twoAgo = before;
      await sleep(Number(speedInput.value));
      await nextFrame();
      if (me.stopped) return;
    }
    currentRun = null;
    state.success = state.target === null ? null : state.recalled === state.target;
    setNetStatus(status);
    drawGrid(); // drop the highlight of the last sweep
  } catch (e) {
    if (currentRun === me) currentRun = null;
    showError("net", e);
    setNetStatus("error");
  }
}

function sameState(a: Int8Array, b: Int8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// The energy chart
// ---------------------------------------------------------------------------------------------

// Sweeps are whole numbers: no ticks at 0.5.
const energyChart = new LiveChart($("chart-energy"), (spec) => {
  const x = spec.layer[0].encoding?.x;
  if (x) x.axis = { tickMinStep: 1, format: "d" };
});

async function renderEnergyChart(): Promise<void> {
  const energies = state.energies.slice();
  const target = targetEnergy;
  await energyChart.show({
    width: 480,
    height: 190,
    xLabel: "sweep",
    yLabel: "energy E",
    series: [{ name: "E(x)", x: energies.map((_, t) => t), y: energies }],
    referenceLines: target === null ? [] : [{ name: `E(${state.target}) = ${fmt(target, 1)}`, y: target }],
  });
  energyChart.container.classList.toggle("empty", energies.length === 0);
  state.rendered.energy = energies.length;
}
const scheduleEnergyChart = throttled(
  renderEnergyChart,
  chartError((message) => showError("net", message)),
);

// ---------------------------------------------------------------------------------------------
// The capacity panel
// ---------------------------------------------------------------------------------------------

const capForm = $<HTMLFormElement>("capacity-controls");
const capStart = $<HTMLButtonElement>("cap-start");
const capStop = $<HTMLButtonElement>("cap-stop");
const capProgress = $<HTMLProgressElement>("cap-progress");
const capStatus = $<HTMLElement>("cap-status");
/** Fewer load ticks (their labels would collide), and the log axis cut at 10⁻⁷ (Φ(−√(N/K)) goes to 1e−24). */
const FLOOR = 1e-7;
const loadAxis = (spec: Layered) => {
  const x = spec.layer[0].encoding?.x;
  if (x) x.axis = { tickCount: 5 };
};
const unstableChart = new LiveChart($("chart-unstable"), (spec) => {
  loadAxis(spec);
  const y = spec.layer[0].encoding?.y;
  if (y) {
    y.scale = { type: "log", domainMin: FLOOR };
    y.axis = { values: [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1], format: "~e" }; // decades only
  }
});
const overlapChart = new LiveChart($("chart-overlap"), loadAxis);

const worker = new Worker(new URL("./hopfield-worker.js", import.meta.url), { type: "module" });
const send = (request: CapacityWorkerRequest) => worker.postMessage(request);
let capRun = 0;

/** Reads the capacity controls and validates them with the library (no wasm, nothing run). */
function readCapacity(): CapacityRequest {
  // α from … to in steps; at most 200 loads on this page.
  const loads = loadRange(num("cap-from"), num("cap-to"), num("cap-step"), 200);
  const request: CapacityRequest = {
    n: num("cap-n"),
    rule: $<HTMLSelectElement>("cap-rule").value as StorageRule,
    loads,
    trials: num("cap-trials"),
    seed: num("cap-seed"),
  };
  resolveCapacityConfig(request); // the library's own checks, naming the bad option
  return request;
}

function setCapacityStatus(status: CapacityStatus): void {
  const c = state.capacity!;
  c.status = status;
  capStart.disabled = status === "running";
  capStop.disabled = status !== "running";
  updateCapacityStatus();
}

function updateCapacityStatus(): void {
  const c = state.capacity;
  if (!c) {
    capStatus.textContent = "idle";
    return;
  }
  const parts = [`${c.status}`, `${c.loads.length} loads measured`];
  if (c.status === "running") parts.push(`${Math.round(100 * c.progress)} %`);
  else if (c.elapsedMs > 0) parts.push(`${(c.elapsedMs / 1000).toFixed(2)} s`);
  if (c.status !== "running" && c.predictedPerfectRecallK !== null) {
    const what = c.config.rule === "hebbian" ? "N/(2 ln N)" : c.config.rule === "storkey" ? "N/√(2 ln N)" : "N";
    parts.push(
      `all patterns stable up to K = ${c.perfectRecallK ?? "–"} (${what} ≈ ${c.predictedPerfectRecallK.toFixed(1)})`,
    );
  }
  capStatus.textContent = parts.join("  ·  ");
}

function startCapacity(): void {
  showError("capacity", null);
  let request: CapacityRequest;
  try {
    request = readCapacity();
  } catch (e) {
    showError("capacity", e);
    if (state.capacity) setCapacityStatus("error");
    return;
  }
  const { n, rule, trials, seed } = request;
  state.capacity = {
    status: "running",
    progress: 0,
    config: { n, rule, trials, seed },
    loads: [],
    k: [],
    unstableFraction: [],
    unstableStdError: [],
    predictedUnstable: [],
    exactUnstable: rule === "hebbian" ? [] : null,
    retrievalOverlap: [],
    retrievalStdError: [],
    perfectRecallFraction: [],
    perfectRecallK: null,
    predictedPerfectRecallK: null,
    elapsedMs: 0,
  };
  capProgress.value = 0;
  state.rendered.capacity = 0;
  setCapacityStatus("running");
  send({ type: "start", run: ++capRun, options: request });
  scheduleCapacityCharts();
}

function addRow(c: CapacityState, row: CapacityRow): void {
  c.loads.push(row.load);
  c.k.push(row.k);
  c.unstableFraction.push(row.unstableFraction);
  c.unstableStdError.push(row.unstableStdError);
  c.predictedUnstable.push(row.predictedUnstable);
  if (c.exactUnstable && row.exactUnstable !== null) c.exactUnstable.push(row.exactUnstable);
  c.retrievalOverlap.push(row.retrievalOverlap);
  c.retrievalStdError.push(row.retrievalStdError);
  c.perfectRecallFraction.push(row.perfectRecallFraction);
}

worker.onmessage = (event: MessageEvent<CapacityMessage>) => {
  const m = event.data;
  const c = state.capacity;
  if (m.run !== capRun || !c) return; // a stopped sweep's late messages
  if (m.type === "progress") {
    c.progress = m.fraction;
    capProgress.value = m.fraction;
    updateCapacityStatus();
  } else if (m.type === "load") {
    addRow(c, m.row);
    scheduleCapacityCharts();
    updateCapacityStatus();
  } else if (m.type === "done") {
    c.elapsedMs = m.elapsedMs;
    c.perfectRecallK = m.perfectRecallK;
    c.predictedPerfectRecallK = Number.isFinite(m.predictedPerfectRecallK) ? m.predictedPerfectRecallK : null;
    setCapacityStatus(m.status);
    scheduleCapacityCharts();
  } else {
    showError("capacity", m);
    setCapacityStatus("error");
  }
};
worker.onerror = (event) => {
  showError("capacity", `Worker failed: ${event.message || "could not load demo/dist/hopfield-worker.js"}`);
  if (state.capacity) setCapacityStatus("error");
};

async function renderCapacityCharts(): Promise<void> {
  const c = state.capacity;
  // A snapshot of the columns (all of one length): loads keep arriving during the awaits below.
  const loads = c ? c.loads.slice() : [],
    overlap = c ? c.retrievalOverlap.slice() : [];
  const size = { width: 320, height: 230 };
  const xLabel = "load α = K/N";
  const unstable = [
    { name: "measured", x: loads, y: c ? c.unstableFraction.slice() : [] },
    { name: "Φ(−√(N/K))", x: loads, y: c ? c.predictedUnstable.slice() : [] },
  ];
  if (c?.exactUnstable) unstable.push({ name: "exact (finite N)", x: loads, y: c.exactUnstable.slice() });
  await unstableChart.show({ ...size, xLabel, yLabel: "fraction of unstable bits", yScale: "log", series: unstable });
  await sleep(0); // two short tasks rather than one long one
  await overlapChart.show({
    ...size,
    xLabel,
    yLabel: "final overlap m",
    series: [{ name: "measured", x: loads, y: overlap }],
  });
  for (const chart of [unstableChart, overlapChart]) chart.container.classList.toggle("empty", loads.length === 0);
  state.rendered.capacity = loads.length;
}
const scheduleCapacityCharts = throttled(
  renderCapacityCharts,
  chartError((message) => showError("capacity", message)),
);

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

buttons.corrupt.addEventListener("click", corrupt);
buttons.run.addEventListener("click", () => void run());
buttons.stop.addEventListener("click", stopRun);
buttons.clear.addEventListener("click", () => {
  stopRun();
  grid = new Int8Array(N).fill(-1);
  setTarget(null);
  gridChanged();
});
let drawings = 0;
buttons.store.addEventListener("click", () => {
  const entry: PatternEntry = { name: `✎${++drawings}`, bits: grid.slice(), stored: true, custom: true };
  library.push(entry);
  addCard(entry);
  state.target = entry.name;
  rebuild();
});
ruleInput.addEventListener("change", rebuild);
const showTemperature = () => {
  temperatureField.hidden = dynamicsInput.value !== "glauber";
};
dynamicsInput.addEventListener("change", showTemperature);
capForm.addEventListener("submit", (event) => {
  event.preventDefault();
  startCapacity();
});
capStop.addEventListener("click", () => send({ type: "stop" }));

async function main(): Promise<void> {
  showTemperature();
  for (const entry of library) addCard(entry);
  drawGrid();
  buttons.run.disabled = true;
  updateCapacityStatus();
  void renderCapacityCharts(); // so the layout does not jump when the first results arrive
  try {
    await init(); // compile the wasm asynchronously (browsers refuse large synchronous compiles here)
  } catch (e) {
    showError("net", e);
    setNetStatus("error");
    return;
  }
  grid = library[0].bits.slice();
  state.target = library[0].name;
  rebuild();
  setNetStatus("idle");
  scheduleEnergyChart();
  state.ready = true;
}
void main();
