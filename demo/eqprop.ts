/**
 * The equilibrium-propagation demo page (demo/eqprop.html).
 *
 * Loads the bundled digits (demo/dist/digits.bin, written by scripts/demo-digits.mjs at build time:
 * the browser cannot read the `mnist` package), validates the controls with the library
 * (resolveEqPropConfig), and trains a 784-500-10 EqProp network in a module Web Worker
 * (demo/eqprop-worker.ts), epoch by epoch. After each epoch the worker sends the errors and a
 * snapshot of 40 held-out digits (predicted class and free-phase states); the page plots the error
 * curve (vega-lite, at most 5 renders a second), shows each digit with its prediction and its 10
 * output activities, and the hidden layer of the selected digit as a 20 × 25 heat map.
 *
 * The controls live in the URL hash (demo/share.ts): a page opened with a hash trains with its values at
 * once (the form's defaults, and a message, for values it cannot use). Save results downloads the error
 * curve and the displayed digits' answers as JSON, Save parameters the trained network in the library's
 * TLEP format (EqProp.save / saveParameters; read it back with loadParameters or EqProp.load).
 *
 * For tests, the page's state is exposed on `window.__thermolearnEqprop` (an EqPropDemoState):
 *   ready           true once the digits are loaded and drawn (Start is enabled)
 *   status          "loading" | "idle" | "starting" | "running" | "done" | "stopped" | "error"
 *   backend         "simd" | "scalar" once the worker built the network, else null
 *   data            {train, test}: how many digits of each set were loaded, or null
 *   config          {layers, variant, seed, epochs} of the current run, or null before the first
 *   batchesPerEpoch mini-batches per epoch of the current run
 *   epochs          one row per measured epoch {epoch, trainError, testError, elapsedMs}, epoch 0 first
 *                   (the untrained network: trainError null)
 *   progress        {epoch, fraction}: the epoch being trained and how much of it is done
 *   digits          {count, labels, predictions, outputs, epoch}: the displayed held-out digits (the
 *                   first `count` of the held-out set), their labels, and from the latest snapshot the
 *                   10 output activities of each, its predicted class (their arg-max), and the epoch
 *                   it was taken at (predictions/outputs/epoch null before the first snapshot)
 *   selected        which displayed digit the heat map shows (0 … count − 1)
 *   hidden          ρ of the selected digit's 500 hidden units (latest snapshot), or null
 *   error           the message shown in the page, or null
 *   rendered        {chart, digits, hidden}: error rows the chart on screen shows, and the snapshot
 *                   epoch the digit cards and the heat map show (null: none yet)
 *   parameters      bytes of the finished run's parameters (TLEP), or null
 *   link            {present, problems}: whether the page was opened with a hash, what in it was unusable
 */
import * as check from "../src/core/validate.js";
import { VERSION, resolveEqPropConfig, type EqPropVariant } from "../src/index.js";
import { argmax } from "../src/math/stats.js";
import { LiveChart, throttled } from "./live-chart.js";
import { $, chartError, errorDisplay, num } from "./page.js";
import {
  download,
  downloadJSON,
  fileName,
  LinkWriter,
  readLink,
  reloadOnHashChange,
  showLinkProblems,
  type LinkField,
} from "./share.js";
import type {
  DigitSet,
  EpochRow,
  EqPropMessage,
  EqPropRequest,
  EqPropWorkerRequest,
  Snapshot,
} from "./eqprop-worker.js";

export type EqPropStatus = "loading" | "idle" | "starting" | "running" | "done" | "stopped" | "error";

export interface EqPropDemoState {
  ready: boolean;
  status: EqPropStatus;
  backend: string | null;
  data: { train: number; test: number } | null;
  config: EqPropRequest | null;
  batchesPerEpoch: number;
  epochs: EpochRow[];
  progress: { epoch: number; fraction: number };
  digits: {
    count: number;
    labels: number[];
    predictions: number[] | null;
    outputs: number[][] | null;
    epoch: number | null;
  };
  selected: number;
  hidden: number[] | null;
  error: string | null;
  rendered: { chart: number; digits: number | null; hidden: number | null };
  parameters: Uint8Array | null;
  link: { present: boolean; problems: string[] };
}
declare global {
  interface Window {
    __thermolearnEqprop: EqPropDemoState;
  }
}

/** The network: 28 × 28 inputs, 500 hidden units (shown as 20 rows of 25), 10 outputs. */
const SIDE = 28;
const LAYERS = [SIDE * SIDE, 500, 10];
const HIDDEN = LAYERS[1],
  OUTPUTS = LAYERS[2],
  S = HIDDEN + OUTPUTS;
const MAP_ROWS = 20,
  MAP_COLS = 25;
/** How many held-out digits the page shows (the first of the held-out set). */
const SHOWN = 40;

const state: EqPropDemoState = (window.__thermolearnEqprop = {
  ready: false,
  status: "loading",
  backend: null,
  data: null,
  config: null,
  batchesPerEpoch: 0,
  epochs: [],
  progress: { epoch: 0, fraction: 0 },
  digits: { count: 0, labels: [], predictions: null, outputs: null, epoch: null },
  selected: 0,
  hidden: null,
  error: null,
  rendered: { chart: 0, digits: null, hidden: null },
  parameters: null,
  link: { present: false, problems: [] },
});

const form = $<HTMLFormElement>("controls");
const variantInput = $<HTMLSelectElement>("variant");
const startButton = $<HTMLButtonElement>("start");
const stopButton = $<HTMLButtonElement>("stop");
const progressBar = $<HTMLProgressElement>("progress");
const statusLine = $<HTMLElement>("status");
const digitsEl = $<HTMLElement>("digits");
const digitsReadout = $<HTMLElement>("digits-readout");
const selectedCanvas = $<HTMLCanvasElement>("selected-digit");
const hiddenCanvas = $<HTMLCanvasElement>("hidden-map");
const outputsEl = $<HTMLElement>("outputs");
const selectedCaption = $<HTMLElement>("selected-caption");
const selectedReadout = $<HTMLElement>("selected-readout");

/** Shows `error` (an Error, a worker's {name, message} or a message) in the page; null hides the box. */
const showError = errorDisplay($<HTMLElement>("error"), (message) => {
  state.error = message;
});

const percent = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : `${(100 * x).toFixed(digits)} %`;

// ---------------------------------------------------------------------------------------------
// The digits: demo/dist/digits.bin ("TLDG" version 1, see scripts/demo-digits.mjs)
// ---------------------------------------------------------------------------------------------

const DIGITS_MAGIC = 0x47444c54;

/** Parses digits.bin. @throws Error naming what is wrong with the file. */
function parseDigits(buffer: ArrayBuffer): { train: DigitSet; test: DigitSet } {
  const where = "demo/dist/digits.bin";
  if (buffer.byteLength < 24) throw new Error(`${where} is too short (${buffer.byteLength} bytes)`);
  const view = new DataView(buffer);
  const word = (i: number) => view.getUint32(4 * i, true);
  if (word(0) !== DIGITS_MAGIC)
    throw new Error(`${where} is not a digits file (bad magic): rebuild it with \`node scripts/demo-digits.mjs\``);
  if (word(1) !== 1) throw new Error(`${where} has format version ${word(1)}, this page reads version 1: rebuild it`);
  const nTrain = word(2),
    nTest = word(3),
    rows = word(4),
    cols = word(5);
  if (rows !== SIDE || cols !== SIDE)
    throw new Error(`${where} holds ${rows} × ${cols} digits, this page needs ${SIDE} × ${SIDE}`);
  const n = nTrain + nTest,
    pixels = SIDE * SIDE;
  if (nTrain < 1 || nTest < SHOWN || buffer.byteLength !== 24 + n * (1 + pixels)) {
    throw new Error(`${where} is damaged: ${buffer.byteLength} bytes for ${nTrain} + ${nTest} digits`);
  }
  const labels = new Uint8Array(buffer, 24, n);
  const all = new Uint8Array(buffer, 24 + n, n * pixels);
  const set = (from: number, count: number): DigitSet => ({
    pixels: all.slice(from * pixels, (from + count) * pixels),
    labels: labels.slice(from, from + count),
    count,
  });
  return { train: set(0, nTrain), test: set(nTrain, nTest) };
}

async function loadDigits(): Promise<{ train: DigitSet; test: DigitSet }> {
  const url = new URL("./digits.bin", import.meta.url);
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `could not load demo/dist/digits.bin (HTTP ${response.status}): build it with \`node scripts/demo-digits.mjs\``,
    );
  }
  return parseDigits(await response.arrayBuffer());
}

// ---------------------------------------------------------------------------------------------
// Drawing: the digits (dark ink on paper) and the activities (a four-stop colour ramp)
// ---------------------------------------------------------------------------------------------

const PAPER = [244, 241, 234],
  INK = [31, 42, 68];
const RAMP: [number, number[]][] = [
  [0, [250, 247, 240]],
  [1 / 3, [244, 183, 94]],
  [2 / 3, [214, 96, 77]],
  [1, [88, 24, 69]],
];

function rampColour(v: number): number[] {
  const x = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
  let k = 0;
  while (k < RAMP.length - 2 && x > RAMP[k + 1][0]) k++;
  const [x0, c0] = RAMP[k],
    [x1, c1] = RAMP[k + 1];
  const f = (x - x0) / (x1 - x0);
  return c0.map((c, i) => Math.round(c + f * (c1[i] - c)));
}

/** Draws `count` values (row-major, width `cols`) into `canvas` through `colour`, one pixel each. */
function paint(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  cols: number,
  colour: (v: number) => number[],
): void {
  const ctx = canvas.getContext("2d")!;
  const image = ctx.createImageData(cols, Math.ceil(values.length / cols));
  for (let i = 0; i < values.length; i++) {
    const c = colour(values[i]);
    image.data.set([c[0], c[1], c[2], 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
}

const inkColour = (p: number) => PAPER.map((c, i) => Math.round(c + (p / 255) * (INK[i] - c)));

// ---------------------------------------------------------------------------------------------
// The digit cards and the selected digit
// ---------------------------------------------------------------------------------------------

let data: { train: DigitSet; test: DigitSet } | null = null;
interface Card {
  root: HTMLButtonElement;
  bars: HTMLElement[];
  guess: HTMLElement;
}
const cards: Card[] = [];
/** The latest snapshot's states (count × S) of the displayed digits. */
let states: Float32Array | null = null;

const rho = (u: number) => Math.min(1, Math.max(0, u));

/** The pixels of displayed digit k (held-out digit k). */
function digitPixels(k: number): Uint8Array {
  const n = SIDE * SIDE;
  return data!.test.pixels.subarray(k * n, (k + 1) * n);
}

function buildCards(): void {
  digitsEl.replaceChildren();
  cards.length = 0;
  for (let k = 0; k < state.digits.count; k++) {
    const root = document.createElement("button");
    root.type = "button";
    root.className = "digit";
    root.dataset.index = String(k);
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = SIDE;
    paint(canvas, digitPixels(k), SIDE, inkColour);
    const barBox = document.createElement("div");
    barBox.className = "bars";
    const bars = Array.from({ length: OUTPUTS }, (_, c) => {
      const bar = document.createElement("span");
      bar.style.height = "0%";
      if (c === state.digits.labels[k]) bar.classList.add("truth");
      barBox.append(bar);
      return bar;
    });
    const guess = document.createElement("div");
    guess.className = "guess";
    guess.textContent = `label ${state.digits.labels[k]}`;
    root.append(canvas, barBox, guess);
    root.setAttribute("aria-label", `held-out digit ${k + 1}, label ${state.digits.labels[k]}`);
    root.addEventListener("click", () => select(k));
    digitsEl.append(root);
    cards.push({ root, bars, guess });
  }
}

/** Shows the latest snapshot on the cards. */
function drawCards(): void {
  const { predictions, outputs, labels } = state.digits;
  let right = 0;
  cards.forEach((card, k) => {
    const out = outputs?.[k];
    card.bars.forEach((bar, c) => {
      bar.style.height = `${100 * rho(out ? out[c] : 0)}%`;
      bar.classList.toggle("top", predictions !== null && predictions[k] === c);
    });
    const ok = predictions !== null && predictions[k] === labels[k];
    if (ok) right++;
    card.root.classList.toggle("right", predictions !== null && ok);
    card.root.classList.toggle("wrong", predictions !== null && !ok);
    card.guess.textContent =
      predictions === null ? `label ${labels[k]}` : `→ ${predictions[k]} ${ok ? "✓" : `✗ (${labels[k]})`}`;
    if (out) card.root.title = `outputs: ${out.map((x, c) => `${c}: ${rho(x).toFixed(2)}`).join("  ")}`;
  });
  digitsReadout.textContent =
    predictions === null
      ? `${cards.length} of ${data?.test.count ?? 0}: press Start`
      : `${cards.length} of ${data!.test.count}, after epoch ${state.digits.epoch}: ${right} of ${cards.length} right`;
  state.rendered.digits = state.digits.epoch;
}

const outputCols: HTMLElement[] = [];
for (let c = 0; c < OUTPUTS; c++) {
  const col = document.createElement("div");
  col.className = "col";
  const bar = document.createElement("div");
  bar.className = "bar";
  const label = document.createElement("span");
  label.textContent = String(c);
  col.append(bar, label);
  outputsEl.append(col);
  outputCols.push(col);
}

/** Draws the selected digit, its hidden-layer map and its outputs from the latest snapshot. */
function drawSelected(): void {
  const k = state.selected;
  if (!data || k >= state.digits.count) return;
  paint(selectedCanvas, digitPixels(k), SIDE, inkColour);
  const label = state.digits.labels[k];
  const hidden = states ? Array.from(states.subarray(k * S, k * S + HIDDEN), rho) : null;
  state.hidden = hidden;
  paint(hiddenCanvas, hidden ?? new Float32Array(MAP_ROWS * MAP_COLS), MAP_COLS, rampColour);
  const out = state.digits.outputs?.[k] ?? null;
  const predicted = state.digits.predictions?.[k] ?? null;
  outputCols.forEach((col, c) => {
    (col.firstElementChild as HTMLElement).style.height = `${100 * rho(out ? out[c] : 0)}%`;
    col.classList.toggle("top", predicted === c);
    col.classList.toggle("truth", label === c);
  });
  for (const [i, card] of cards.entries()) card.root.classList.toggle("selected", i === k);
  const epoch = state.digits.epoch;
  selectedCaption.textContent =
    `held-out digit ${k + 1} (label ` + `${label})${epoch === null ? "" : `, after epoch ${epoch}`}`;
  if (hidden) {
    const active = hidden.filter((x) => x > 0).length,
      saturated = hidden.filter((x) => x >= 1).length;
    const mean = hidden.reduce((s, x) => s + x, 0) / HIDDEN;
    selectedReadout.textContent = [
      `predicted ${predicted}${predicted === label ? " ✓" : ` ✗ (label ${label})`}`,
      `active units: ${active} / ${HIDDEN}`,
      `saturated (ρ = 1): ${saturated}`,
      `mean ρ: ${mean.toFixed(3)}`,
    ].join("\n");
  } else {
    selectedReadout.textContent = "Start training to see\nthe network's answer.";
  }
  state.rendered.hidden = hidden ? epoch : null;
}

function select(k: number): void {
  state.selected = k;
  drawSelected();
}

function applySnapshot(s: Snapshot): void {
  const count = state.digits.count;
  if (s.states.length !== count * S)
    throw new Error(`the worker sent ${s.states.length} states, expected ${count} digits × ${S}`);
  states = s.states;
  state.digits.predictions = Array.from({ length: count }, (_, k) => argmax(s.states, k * S + HIDDEN, OUTPUTS));
  state.digits.outputs = Array.from({ length: count }, (_, k) =>
    Array.from(s.states.subarray(k * S + HIDDEN, (k + 1) * S)),
  );
  state.digits.epoch = s.epoch;
  drawCards();
  drawSelected();
}

// ---------------------------------------------------------------------------------------------
// The error chart (a LiveChart, see demo/live-chart.ts)
// ---------------------------------------------------------------------------------------------

// Epochs are whole numbers (no ticks at 0.5); errors are percentages in [0, 100], as the console prints them.
const errorChart = new LiveChart($("chart-error"), (spec) => {
  const enc = spec.layer[0].encoding;
  if (enc?.x) enc.x.axis = { tickMinStep: 1, format: "d" };
  if (enc?.y) enc.y.scale = { domain: [0, 100] };
});

async function renderChart(): Promise<void> {
  const rows = state.epochs.slice();
  const trained = rows.filter((r) => r.trainError !== null);
  const tested = rows.filter((r) => r.testError !== null);
  await errorChart.show({
    width: 400,
    height: 220,
    xLabel: "epoch (passes over the training set)",
    yLabel: "error (% misclassified)",
    xInteger: true,
    markers: true,
    series: [
      { name: "training", x: trained.map((r) => r.epoch), y: trained.map((r) => 100 * r.trainError!) },
      { name: "held-out", x: tested.map((r) => r.epoch), y: tested.map((r) => 100 * r.testError!) },
    ],
    referenceLines: [{ name: "chance (90 %)", y: 90 }],
  });
  errorChart.container.classList.toggle("empty", rows.length === 0);
  state.rendered.chart = rows.length;
}
const scheduleChart = throttled(renderChart, chartError(showError));

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

function setStatus(status: EqPropStatus): void {
  state.status = status;
  const running = status === "starting" || status === "running";
  startButton.disabled = running || !state.ready;
  stopButton.disabled = !running;
  $<HTMLButtonElement>("export").disabled = running || state.epochs.length === 0;
  $<HTMLButtonElement>("export-parameters").disabled = running || state.parameters === null;
  updateStatusLine();
}

function updateStatusLine(): void {
  const c = state.config;
  const last = state.epochs.at(-1);
  const parts = [`status: ${state.status}`];
  if (c && state.status !== "loading") {
    const trained = last?.epoch ?? 0;
    if (state.status === "running" && state.progress.epoch > trained) {
      parts.push(`epoch ${state.progress.epoch} of ${c.epochs} (${Math.round(100 * state.progress.fraction)} %)`);
    } else {
      parts.push(`${trained} of ${c.epochs} epochs`);
    }
    parts.push(`held-out error ${percent(last?.testError)}`, `training error ${percent(last?.trainError)}`);
    if (last && last.elapsedMs > 0) parts.push(`${(last.elapsedMs / 1000).toFixed(1)} s/epoch`);
    parts.push(`${c.variant} EP`);
  }
  if (state.data) parts.push(`${state.data.train} training / ${state.data.test} held-out digits`);
  parts.push(`backend: ${state.backend ?? "–"}`);
  statusLine.textContent = parts.join("  ·  ");
  if (c) {
    const done = last?.epoch ?? 0;
    const within = state.status === "running" && state.progress.epoch > done ? state.progress.fraction : 0;
    const fraction = (done + within) / c.epochs; // NaN or ∞ for a bad epoch count (the worker names it)
    progressBar.value = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  }
}

// ---------------------------------------------------------------------------------------------
// The worker
// ---------------------------------------------------------------------------------------------

const worker = new Worker(new URL("./eqprop-worker.js", import.meta.url), { type: "module" });
const send = (request: EqPropWorkerRequest) => worker.postMessage(request);
let run = 0;

worker.onmessage = (event: MessageEvent<EqPropMessage>) => {
  const m = event.data;
  if (m.run !== run) return; // a stopped run's late messages
  try {
    if (m.type === "started") {
      state.backend = m.backend;
      state.batchesPerEpoch = m.batchesPerEpoch;
      setStatus("running");
    } else if (m.type === "progress") {
      state.progress = { epoch: m.epoch, fraction: m.fraction };
      updateStatusLine();
    } else if (m.type === "epoch") {
      state.epochs.push(m.row);
      state.progress = { epoch: m.row.epoch, fraction: 1 };
      applySnapshot(m.snapshot);
      updateStatusLine();
      scheduleChart();
    } else if (m.type === "done") {
      state.parameters = m.parameters;
      setStatus(m.status === "completed" ? "done" : "stopped");
      scheduleChart();
    } else {
      showError(m);
      setStatus("error");
    }
  } catch (e) {
    showError(e);
    send({ type: "stop" });
    setStatus("error");
  }
};
worker.onerror = (event) => {
  showError(`Worker failed: ${event.message || "could not load demo/dist/eqprop-worker.js"}`);
  setStatus("error");
};

/** The run's options from the controls, validated by the library (nothing is built). */
function readControls(): EqPropRequest {
  const options: EqPropRequest = {
    layers: LAYERS.slice(),
    variant: variantInput.value as EqPropVariant,
    seed: num("seed"),
    epochs: num("epochs"),
  };
  // throws TypeError/RangeError naming the option
  resolveEqPropConfig({ layers: options.layers, variant: options.variant, seed: options.seed });
  return options;
}

function start(): void {
  if (!data) return;
  showError(null);
  let options: EqPropRequest;
  try {
    options = readControls();
  } catch (e) {
    showError(e);
    setStatus("error");
    return;
  }
  link.flush(); // the address bar names this run
  state.config = options;
  state.parameters = null;
  state.epochs = [];
  state.progress = { epoch: 0, fraction: 0 };
  state.backend = null;
  state.batchesPerEpoch = 0;
  state.rendered.chart = 0;
  setStatus("starting");
  // The worker gets copies (structured clone): the page keeps its digits for the cards.
  send({ type: "start", run: ++run, options, train: data.train, test: data.test, shown: state.digits.count });
  scheduleChart();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});
stopButton.addEventListener("click", () => send({ type: "stop" }));

/** The controls kept in the hash, checked as the library (and the worker, for epochs) checks them. */
const LINK_FIELDS: LinkField[] = [
  { id: "variant" },
  { id: "epochs", check: (v) => check.integer("epochs", v, 1, 200) },
  { id: "seed", check: (v) => check.seed("seed", v) },
];
const link = new LinkWriter(LINK_FIELDS);

/** The run as JSON: the error curve as columns, and the displayed digits' answers after the last epoch. */
function exportResults(): void {
  const rows = state.epochs;
  downloadJSON(fileName("eqprop", "results"), {
    format: "thermolearn/demo-eqprop",
    version: VERSION,
    config: state.config,
    backend: state.backend,
    status: state.status,
    link: location.href,
    batchesPerEpoch: state.batchesPerEpoch,
    data: state.data,
    epoch: rows.map((r) => r.epoch),
    trainError: rows.map((r) => r.trainError),
    testError: rows.map((r) => r.testError),
    elapsedMs: rows.map((r) => r.elapsedMs),
    digits: state.digits,
    parametersFile: state.parameters ? fileName("eqprop", "parameters", "tlep") : null,
  });
}
$("export").addEventListener("click", exportResults);
$("export-parameters").addEventListener("click", () => {
  if (state.parameters)
    download(fileName("eqprop", "parameters", "tlep"), state.parameters, "application/octet-stream");
});

async function main(): Promise<void> {
  setStatus("loading");
  void renderChart(); // so the layout does not jump when the first epoch arrives
  try {
    data = await loadDigits();
  } catch (e) {
    showError(e);
    setStatus("error");
    return;
  }
  state.data = { train: data.train.count, test: data.test.count };
  state.digits.count = Math.min(SHOWN, data.test.count);
  state.digits.labels = Array.from(data.test.labels.subarray(0, state.digits.count));
  buildCards();
  drawCards();
  select(0);
  state.ready = true;
  const opened = readLink(LINK_FIELDS);
  state.link = { present: opened.present, problems: opened.problems };
  for (const key of opened.extra.keys()) state.link.problems.push(`${key}: not a parameter of this page; ignored`);
  showLinkProblems($("link-message"), state.link.problems);
  link.watch();
  reloadOnHashChange();
  setStatus("idle");
  if (opened.present) start();
}
void main();
