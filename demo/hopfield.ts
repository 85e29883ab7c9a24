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
 * Own patterns: drawn on the grid (Store drawing) or uploaded (#upload): a PNG is drawn onto a 12 × 12
 * canvas (scaled to fit, centred, on white), and each cell is +1 where its luminance is below the
 * midpoint of the darkest and the lightest cell (an image of one shade: +1 if it is darker than mid-grey);
 * a CSV holds ±1 or 0/1 values (0 → −1), 144 per pattern in row-major order, as many patterns as it has
 * blocks of 144 (see {@link parsePatternCsv}).
 *
 * Links: the URL hash holds both panels' controls, the stored patterns (built-ins left out as
 * `forget=<name>`, own patterns as `pattern=<name>:<36 hex digits>`), the grid (`grid=<hex>`), the target,
 * and `sweep=1` once a capacity sweep was started. A page opened with a hash builds that network, puts
 * that grid up and runs the recall (and the sweep with `sweep=1`). Save results downloads the patterns,
 * the weights (dense rules), the network's checkpoint (the library's format), the last recall and the
 * capacity sweep as JSON.
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
 *   runStart    the grid (±1) the current recall run started from, or null
 *   link        {present, problems}: whether the page was opened with a hash, and what in it was unusable
 *   uploads     names of the patterns added from files, in order
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
import * as check from "../src/core/validate.js";
import { STREAMS_PER_K } from "../src/hopfield/capacity.js";
import { VERSION } from "../src/index.js";
import { LiveChart, throttled, type Layered } from "./live-chart.js";
import { $, chartError, errorDisplay, errorText, num } from "./page.js";
import {
  downloadJSON,
  fileName,
  LinkWriter,
  readLink,
  reloadOnHashChange,
  showLinkProblems,
  type LinkField,
} from "./share.js";
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
  runStart: number[] | null;
  link: { present: boolean; problems: string[] };
  uploads: string[];
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
  runStart: null,
  link: { present: false, problems: [] },
  uploads: [],
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
  link.schedule();
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
// Own patterns from files, and patterns and grids in the link
// ---------------------------------------------------------------------------------------------

const uploadInput = $<HTMLInputElement>("upload");
/** Largest file accepted (bytes) and largest image side (pixels): these are small patterns. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_IMAGE_SIDE = 4096;

/**
 * The patterns in a CSV text: numbers separated by commas, semicolons or white space (lines starting
 * with "#" are comments), all ±1 or all 0/1 (0 → −1), N = 144 per pattern in row-major order (e.g. 12
 * lines of 12, or one line of 144 per pattern). @throws RangeError naming the file and what is wrong.
 */
export function parsePatternCsv(text: string, file = "the CSV"): Int8Array[] {
  const values: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, row) => {
    if (line.trim().startsWith("#")) return;
    line
      .split(/[\s,;]+/)
      .filter((t) => t !== "")
      .forEach((token, col) => {
        const v = Number(token);
        if (!(v === 1 || v === -1 || v === 0))
          throw new RangeError(`${file}: "${token}" (line ${row + 1}, value ${col + 1}) is not −1, 0 or 1`);
        values.push(v);
      });
  });
  if (values.length === 0 || values.length % N !== 0)
    throw new RangeError(
      `${file}: ${values.length} values is not a multiple of N = ${N} ` +
        `(a pattern is ${SIZE} × ${SIZE} values, row-major)`,
    );
  if (values.includes(0) && values.includes(-1))
    throw new RangeError(`${file}: mixes −1 and 0; use ±1, or 0/1 throughout`);
  const patterns: Int8Array[] = [];
  for (let at = 0; at < values.length; at += N)
    patterns.push(Int8Array.from(values.slice(at, at + N), (v) => (v === 1 ? 1 : -1)));
  return patterns;
}

/** A PNG (or any image the browser decodes) as one pattern: see the module comment. @throws naming the file. */
async function imagePattern(file: File): Promise<Int8Array> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new RangeError(`${file.name}: not an image this browser can decode`);
  }
  try {
    if (bitmap.width > MAX_IMAGE_SIDE || bitmap.height > MAX_IMAGE_SIDE)
      throw new RangeError(`${file.name}: ${bitmap.width} × ${bitmap.height} pixels, at most ${MAX_IMAGE_SIDE} a side`);
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = SIZE;
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    ctx.fillStyle = "#fff"; // transparent pixels count as background (−1)
    ctx.fillRect(0, 0, SIZE, SIZE);
    const scale = Math.min(SIZE / bitmap.width, SIZE / bitmap.height);
    const w = bitmap.width * scale,
      h = bitmap.height * scale;
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, (SIZE - w) / 2, (SIZE - h) / 2, w, h);
    const data = ctx.getImageData(0, 0, SIZE, SIZE).data;
    const lum = new Float64Array(N);
    for (let i = 0; i < N; i++) lum[i] = 0.2126 * data[4 * i] + 0.7152 * data[4 * i + 1] + 0.0722 * data[4 * i + 2];
    let lo = Infinity,
      hi = -Infinity;
    for (const l of lum) {
      lo = Math.min(lo, l);
      hi = Math.max(hi, l);
    }
    const threshold = hi - lo < 1 ? 127.5 : (lo + hi) / 2;
    return Int8Array.from(lum, (l) => (l < threshold ? 1 : -1));
  } finally {
    bitmap.close();
  }
}

/** `name`, or `name (2)`, `name (3)`, … if a pattern already has it. */
function freeName(name: string): string {
  let candidate = name,
    k = 1;
  while (library.some((p) => p.name === candidate)) candidate = `${name} (${++k})`;
  return candidate;
}

/** Adds a custom pattern (stored, with its card), and returns it. */
function addPattern(name: string, bits: Int8Array): PatternEntry {
  const entry: PatternEntry = { name: freeName(name), bits, stored: true, custom: true };
  library.push(entry);
  addCard(entry);
  return entry;
}

/** Reads the uploaded files into stored patterns; the first one goes on the grid as the target. */
async function addUploads(files: File[]): Promise<void> {
  stopRun();
  showError("net", null);
  const added: PatternEntry[] = [];
  let failure: unknown = null;
  try {
    for (const file of files) {
      if (file.size > MAX_FILE_BYTES)
        throw new RangeError(`${file.name}: ${file.size} bytes, at most ${MAX_FILE_BYTES}`);
      const csv = /\.csv$/i.test(file.name) || file.type === "text/csv";
      const patterns = csv ? parsePatternCsv(await file.text(), file.name) : [await imagePattern(file)];
      for (const [k, bits] of patterns.entries())
        added.push(addPattern(patterns.length > 1 ? `${file.name} #${k + 1}` : file.name, bits));
    }
  } catch (e) {
    failure = e; // shown after the rebuild (which clears the panel's error box)
  }
  if (added.length > 0) {
    state.uploads.push(...added.map((p) => p.name));
    grid = added[0].bits.slice();
    state.target = added[0].name;
    rebuild();
  }
  if (failure !== null) showError("net", failure);
}

/** ±1 cells as hex digits, four cells a digit (bit 3 first), +1 = set: N/4 = 36 digits. */
function toHex(bits: Int8Array): string {
  let hex = "";
  for (let i = 0; i < N; i += 4) {
    let d = 0;
    for (let j = 0; j < 4; j++) if (bits[i + j] === 1) d |= 8 >> j;
    hex += d.toString(16);
  }
  return hex;
}

/** The inverse of {@link toHex}. @throws RangeError naming `what` unless `hex` is N/4 hex digits. */
function fromHex(what: string, hex: string): Int8Array {
  if (!new RegExp(`^[0-9a-f]{${N / 4}}$`, "i").test(hex))
    throw new RangeError(`${what} must be ${N / 4} hex digits (${N} cells, four a digit)`);
  const bits = new Int8Array(N);
  for (let i = 0; i < N; i += 4) {
    const d = parseInt(hex[i / 4], 16);
    for (let j = 0; j < 4; j++) bits[i + j] = d & (8 >> j) ? 1 : -1;
  }
  return bits;
}

/** Whether the hash should start the capacity sweep (set once one was started here or by the link). */
let sweepInLink = false;

/** The page's hash parameters after the fields: forgotten built-ins, own patterns, grid, target, sweep. */
function linkExtra(): [string, string][] {
  const out: [string, string][] = [];
  for (const p of library) if (!p.custom && !p.stored) out.push(["forget", p.name]);
  for (const p of library)
    if (p.custom) out.push(["pattern", `${p.name}:${toHex(p.bits)}${p.stored ? "" : ":forgotten"}`]);
  out.push(["grid", toHex(grid)]);
  if (state.target !== null) out.push(["target", state.target]);
  if (sweepInLink) out.push(["sweep", "1"]);
  return out;
}

/** The largest N of a capacity sweep (src/hopfield/capacity.ts MAX_CAPACITY_N, not exported). */
const MAX_CAPACITY_N = 1 << 16;

/** The controls of both panels kept in the hash, checked as the library checks them. */
const LINK_FIELDS: LinkField[] = [
  { id: "rule" },
  { id: "dynamics" },
  { id: "temperature", check: (v) => check.positive("temperature", v) },
  { id: "max-sweeps", check: (v) => check.integer("max sweeps", v, 1, 10_000) },
  { id: "speed" },
  { id: "flip", check: (v) => check.probability("flip % / 100", v / 100) },
  { id: "seed", check: (v) => check.seed("seed", v) },
  { id: "cap-n", check: (v) => check.integer("n", v, 2, MAX_CAPACITY_N) },
  { id: "cap-rule" },
  { id: "cap-trials", check: (v) => check.integer("trials", v, 1, STREAMS_PER_K) },
  { id: "cap-from", check: (v) => check.positive("cap-from", v) },
  { id: "cap-to", check: (v) => check.positive("cap-to", v) },
  { id: "cap-step", check: (v) => check.positive("cap-step", v) },
  { id: "cap-seed", check: (v) => check.seed("cap-seed", v) },
];
const link = new LinkWriter(LINK_FIELDS, linkExtra);

/**
 * Applies a link's pattern parameters (before the network is built): own patterns, forgotten
 * built-ins, the grid and the target. Returns a message per unusable value (that value is skipped:
 * the pattern left out, the grid the first stored pattern, no target), and whether the link gave a
 * usable grid (then the page replays the recall from it).
 */
function applyLinkPatterns(params: URLSearchParams): { problems: string[]; replay: boolean } {
  const problems: string[] = [];
  for (const value of params.getAll("pattern")) {
    const [name, hex, flag] = value.split(":");
    try {
      if (!name) throw new RangeError("a pattern needs a name before the ':'");
      const entry = addPattern(name, fromHex(`pattern ${name}`, hex ?? ""));
      if (flag === "forgotten") entry.stored = entry.card!.checkbox.checked = false;
    } catch (e) {
      problems.push(`pattern = ${JSON.stringify(value)}: ${errorText(e)}; left out`);
    }
  }
  for (const name of params.getAll("forget")) {
    const entry = library.find((p) => p.name === name && !p.custom);
    if (entry) entry.stored = entry.card!.checkbox.checked = false;
    else problems.push(`forget = ${JSON.stringify(name)}: no built-in pattern has that name; ignored`);
  }
  const first = library.find((p) => p.stored) ?? library[0];
  grid = first.bits.slice();
  state.target = first.name;
  const hex = params.get("grid");
  let replay = false;
  if (hex !== null) {
    try {
      grid = fromHex("grid", hex);
      state.target = null;
      replay = true;
    } catch (e) {
      problems.push(`grid = ${JSON.stringify(hex)}: ${errorText(e)}; the first stored pattern is used`);
    }
  }
  const target = params.get("target");
  if (target !== null) {
    if (library.some((p) => p.name === target && p.stored)) state.target = target;
    else problems.push(`target = ${JSON.stringify(target)}: no stored pattern has that name; no target`);
  }
  sweepInLink = params.get("sweep") === "1";
  const known = new Set(["pattern", "forget", "grid", "target", "sweep"]);
  for (const key of new Set(params.keys()))
    if (!known.has(key)) problems.push(`${key}: not a parameter of this page; ignored`);
  return { problems, replay };
}

/** Everything on the page as JSON: patterns, weights, checkpoint, the last recall, the capacity sweep. */
function exportResults(): void {
  downloadJSON(fileName("hopfield", "results"), {
    format: "thermolearn/demo-hopfield",
    version: VERSION,
    config: net?.config ?? null,
    backend: state.backend,
    status: state.status,
    link: location.href,
    patterns: { names: stored.map((p) => p.name), bits: stored.map((p) => Array.from(p.bits)) },
    weights: net?.weights() ?? null,
    checkpoint: net && state.status !== "running" ? net.checkpoint() : null,
    recall: {
      dynamics: dynamicsInput.value,
      temperature: dynamicsInput.value === "glauber" ? num("temperature") : 0,
      maxSweeps: num("max-sweeps"),
      seed: num("seed"),
      start: state.runStart,
      target: state.target,
      sweep: state.energies.map((_, i) => i),
      energy: state.energies,
      sweeps: state.sweeps,
      state: state.state,
      overlaps: state.overlaps,
      recalled: state.recalled,
      success: state.success,
    },
    capacity: state.capacity,
  });
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
  link.flush(); // the address bar names this run: its settings, patterns and starting grid
  state.runStart = Array.from(grid);
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
    xLabel: "sweep (N spin updates each)",
    yLabel: "energy E (dimensionless)",
    xInteger: true,
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
  $<HTMLButtonElement>("cap-export").disabled = status === "running";
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
  sweepInLink = true;
  link.flush();
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
  const xLabel = "load α = K/N (patterns per neuron)";
  const unstable = [
    { name: "measured", x: loads, y: c ? c.unstableFraction.slice() : [] },
    { name: "Φ(−√(N/K))", x: loads, y: c ? c.predictedUnstable.slice() : [] },
  ];
  if (c?.exactUnstable) unstable.push({ name: "exact (finite N)", x: loads, y: c.exactUnstable.slice() });
  await unstableChart.show({ ...size, xLabel, yLabel: "unstable bits (fraction)", yScale: "log", series: unstable });
  await sleep(0); // two short tasks rather than one long one
  await overlapChart.show({
    ...size,
    xLabel,
    yLabel: "final overlap m (1 = perfect recall)",
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
  while (library.some((p) => p.name === `✎${drawings + 1}`)) drawings++; // names from a link are taken
  const entry: PatternEntry = { name: `✎${++drawings}`, bits: grid.slice(), stored: true, custom: true };
  library.push(entry);
  addCard(entry);
  state.target = entry.name;
  rebuild();
});
uploadInput.addEventListener("change", () => {
  const files = Array.from(uploadInput.files ?? []);
  uploadInput.value = ""; // the same file again is a new upload
  void addUploads(files);
});
$<HTMLButtonElement>("export").addEventListener("click", exportResults);
$<HTMLButtonElement>("cap-export").addEventListener("click", exportResults);
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
  // The hash: the controls (each checked like an option), then the patterns and the grid.
  const opened = readLink(LINK_FIELDS);
  const patterns = applyLinkPatterns(opened.extra);
  const problems = opened.problems.concat(patterns.problems);
  state.link = { present: opened.present, problems };
  showLinkProblems($("link-message"), problems);
  showTemperature();
  link.watch();
  reloadOnHashChange();
  rebuild();
  setNetStatus("idle");
  scheduleEnergyChart();
  state.ready = true;
  if (patterns.replay && net) void run();
  if (opened.extra.get("sweep") === "1") startCapacity();
}
void main();
