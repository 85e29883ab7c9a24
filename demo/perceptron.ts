/**
 * The perceptron demo page (demo/perceptron.html): reads the controls, validates them with the library,
 * starts the simulation in a Web Worker (demo/perceptron-worker.ts) and draws ε(t), the heat per weight
 * (total, housekeeping and excess) and the efficiency η(t) as records stream in, with the latest values
 * in a read-out. Charts are re-rendered at most 5 times a second. The parameters and the seed live in the
 * URL hash (demo/share.ts): a page opened with a hash fills the form from it and starts at once. Save
 * results downloads the run as JSON (columns, config, and the final weights in the library's checkpoint
 * format).
 *
 * For tests, the streamed data are exposed on `window.__thermolearnDemo`:
 *   records         every record of the current run, {t, steps, epsilon, heat, housekeeping, excess,
 *                   information, entropyChange, efficiency}, in time order (ensemble means; cumulative
 *                   heats per weight, nats; see DemoRecord)
 *   config          the library's resolved config of the current run (resolvePerceptronConfig), or null
 *   tEnd            its end time; recordEvery: steps between records (from the worker; 0 before)
 *   link            {present, problems}: whether the page was opened with parameters in the hash, and
 *                   the hash values it could not use (shown in the page)
 *   inputs          the run's inputs option, "sampled" | "averaged"
 *   rates           the heat rates over the second half of the run so far ({@link HeatRates}), or null
 *   status          "idle" | "starting" | "running" | "done" | "stopped" | "diverged" | "error"
 *   backend         "simd" | "scalar" once the worker created the simulation, else null
 *   reference       the Hebbian theory's ε drawn on the ε chart, or null (other rules): hebbianEpsilonEM
 *                   for sampled inputs, hebbianEpsilon for averaged ones (no mini-batch noise)
 *   stepsPerSecond  the worker's speed (steps per second of compute)
 *   error           the message shown in the page, or null
 *   rendered        how many records the charts on screen show (they lag by ≤ 200 ms)
 */
import {
  VERSION,
  hebbianEpsilon,
  hebbianEpsilonEM,
  resolvePerceptronConfig,
  type LearningRule,
  type PerceptronCheckpoint,
  type PerceptronConfig,
  type PerceptronOptions,
} from "../src/index.js";
import * as check from "../src/core/validate.js";
import { checkAlpha } from "../src/perceptron/averaged.js";
import { MAX_N } from "../src/perceptron/model.js";
import { LiveChart, throttled, type Layered } from "./live-chart.js";
import { $, chartError, errorDisplay, num } from "./page.js";
import type { DemoRecord, WorkerMessage, WorkerRequest } from "./perceptron-worker.js";
import {
  downloadJSON,
  fileName,
  LinkWriter,
  readLink,
  reloadOnHashChange,
  showLinkProblems,
  type LinkField,
} from "./share.js";

export type Status = "idle" | "starting" | "running" | "done" | "stopped" | "diverged" | "error";
export type Inputs = "sampled" | "averaged";

/**
 * Heat rates per weight per unit time (nats per unit time), (x(to) − x(from))/(to − from) of the
 * cumulative columns from the first record at or after half the latest time to the latest record: the
 * estimate of the library's perceptronRates, for one trajectory. In steady state the heat rate is the
 * total entropy production rate; housekeeping + excess = heat. The split is null where the run has none.
 */
export interface HeatRates {
  from: number;
  to: number;
  heat: number;
  housekeeping: number | null;
  excess: number | null;
}

export interface DemoState {
  records: DemoRecord[];
  config: PerceptronConfig | null;
  tEnd: number | null;
  recordEvery: number;
  link: { present: boolean; problems: string[] };
  inputs: Inputs;
  rates: HeatRates | null;
  status: Status;
  backend: string | null;
  reference: number | null;
  stepsPerSecond: number;
  error: string | null;
  rendered: number;
}
declare global {
  interface Window {
    __thermolearnDemo: DemoState;
  }
}

const state: DemoState = (window.__thermolearnDemo = {
  records: [],
  config: null,
  tEnd: null,
  recordEvery: 0,
  link: { present: false, problems: [] },
  inputs: "sampled",
  rates: null,
  status: "idle",
  backend: null,
  reference: null,
  stepsPerSecond: 0,
  error: null,
  rendered: 0,
});

const form = $<HTMLFormElement>("controls");
const ruleInput = $<HTMLSelectElement>("rule");
const alphaField = $<HTMLElement>("alpha-field");
const inputsInput = $<HTMLSelectElement>("inputs");
const batchInput = $<HTMLInputElement>("batch");
const startButton = $<HTMLButtonElement>("start");
const stopButton = $<HTMLButtonElement>("stop");
const statusLine = $<HTMLElement>("status");
const exportButton = $<HTMLButtonElement>("export");
const epsilonChart = $<HTMLElement>("chart-epsilon");
const heatChart = $<HTMLElement>("chart-heat");
const efficiencyChart = $<HTMLElement>("chart-efficiency");

/** The most trajectories this page runs side by side (each costs as much as one run). */
const MAX_TRAJECTORIES = 32;

/**
 * The controls kept in the URL hash, each checked as the library checks the option (the range the
 * library accepts; the cross-field conditions, such as k·Δt < 2, are left to the run's own check).
 */
const LINK_FIELDS: LinkField[] = [
  { id: "rule" },
  { id: "inputs" },
  { id: "alpha", check: (v) => checkAlpha(v) },
  { id: "n", check: (v) => check.integer("n", v, 1, MAX_N) },
  { id: "nu", key: "nuTilde", check: (v) => check.nonNegative("nuTilde", v) },
  { id: "k", check: (v) => check.nonNegative("k", v) },
  { id: "batch", check: (v) => check.integer("batch", v, 1, check.MAX_COUNT) },
  { id: "dt", check: (v) => check.positive("dt", v) },
  { id: "tEnd", check: (v) => check.positive("tEnd", v) },
  { id: "trajectories", check: (v) => check.integer("trajectories", v, 1, MAX_TRAJECTORIES) },
  { id: "seed", check: (v) => check.seed("seed", v) },
];
const link = new LinkWriter(LINK_FIELDS);

/**
 * The options of a run, from the controls; the field "nu" is ν̃ = ν/√n, passed on as `nuTilde` for the
 * library to check. Averaged inputs take no batch (the library refuses one). @throws RangeError for t_end
 * (not a model option).
 */
function readControls(): { options: PerceptronOptions; tEnd: number } {
  const rule = ruleInput.value as LearningRule;
  const inputs = inputsInput.value as Inputs;
  const tEnd = num("tEnd");
  if (!(tEnd > 0) || !Number.isFinite(tEnd)) throw new RangeError(`t_end must be a finite number > 0, got ${tEnd}`);
  const trajectories = num("trajectories");
  if (!(Number.isInteger(trajectories) && trajectories >= 1 && trajectories <= MAX_TRAJECTORIES))
    throw new RangeError(
      `trajectories must be an integer in [1, ${MAX_TRAJECTORIES}] on this page, got ${trajectories}`,
    );
  const options: PerceptronOptions = {
    n: num("n"),
    rule,
    nuTilde: num("nu"),
    k: num("k"),
    inputs,
    dt: num("dt"),
    trajectories,
    seed: num("seed"),
  };
  if (inputs === "sampled") options.batch = num("batch");
  if (rule === "alphatron") options.alpha = num("alpha");
  return { options, tEnd };
}

/** Shows `error` (an Error, a worker's {name, message} or a message) in the page; null hides the box. */
const showError = errorDisplay($<HTMLElement>("error"), (message) => {
  state.error = message;
});

function setStatus(status: Status): void {
  state.status = status;
  const running = status === "starting" || status === "running";
  startButton.disabled = running;
  stopButton.disabled = !running;
  exportButton.disabled = running || state.records.length === 0;
  updateStatusLine();
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toPrecision(digits) : "–");

/** The {@link HeatRates} of `records` (the second half of their time span), or null for fewer than two. */
function heatRates(records: DemoRecord[]): HeatRates | null {
  const end = records.length - 1;
  if (end < 1) return null;
  const half = records[end].t / 2;
  let i0 = 0;
  while (i0 < end && records[i0].t < half) i0++;
  if (i0 === end) i0 = end - 1; // a short run: the last interval
  const a = records[i0],
    b = records[end];
  const span = b.t - a.t;
  const rate = (x: number | null, y: number | null) => (x === null || y === null ? null : (y - x) / span);
  return {
    from: a.t,
    to: b.t,
    heat: (b.heat - a.heat) / span,
    housekeeping: rate(a.housekeeping, b.housekeeping),
    excess: rate(a.excess, b.excess),
  };
}

/** "heat rate per weight (t ∈ [5, 10]): total 300.1, housekeeping 0.2, excess 299.9 nats per unit time". */
function ratesText(r: HeatRates | null): string {
  if (r === null) return "heat rate per weight: –";
  const split =
    r.housekeeping === null || r.excess === null
      ? " (no split for batch = 1)"
      : `, housekeeping ${fmt(r.housekeeping)}, excess ${fmt(r.excess)}`;
  const over = `t ∈ [${fmt(r.from, 3)}, ${fmt(r.to, 3)}]`;
  return `heat rate per weight (${over}): total ${fmt(r.heat)}${split} nats per unit time`;
}

function updateStatusLine(): void {
  const last = state.records.at(-1);
  state.rates = heatRates(state.records);
  const parts = [
    `status: ${state.status}`,
    `t = ${last ? last.t.toFixed(3) : "–"}`,
    `ε = ${last ? fmt(last.epsilon, 3) : "–"}`,
    `heat per weight = ${last ? `${fmt(last.heat)} nats` : "–"}`,
    ratesText(state.rates),
    `backend: ${state.backend ?? "–"}`,
    `steps/s: ${state.stepsPerSecond ? Math.round(state.stepsPerSecond).toLocaleString("en-US") : "–"}`,
  ];
  statusLine.textContent = parts.join("  ·  ");
  updateThermo(last);
}

/** A read-out value: 4 significant digits, "–" for null or a non-finite number. */
const readout = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : Number(x.toPrecision(4)).toString().replace("-", "−");

/** The thermodynamics read-out beside the charts: the latest record's values. */
function updateThermo(r: DemoRecord | undefined): void {
  $("thermo-t").textContent = readout(r?.t);
  $("thermo-epsilon").textContent = readout(r?.epsilon);
  $("thermo-heat").textContent = readout(r?.heat);
  $("thermo-housekeeping").textContent = readout(r?.housekeeping);
  $("thermo-excess").textContent = readout(r?.excess);
  $("thermo-information").textContent = readout(r?.information);
  $("thermo-entropy").textContent = readout(r?.entropyChange);
  $("thermo-efficiency").textContent = readout(r?.efficiency);
}

// ---------------------------------------------------------------------------------------------
// Charts: each is a LiveChart (demo/live-chart.ts), built once and then fed the new rows, at most
// every 200 ms.
// ---------------------------------------------------------------------------------------------

/** The heat chart's series names: the total solid, its two parts dashed (they overlap it in turn). */
const HEAT = { total: "total q/n", housekeeping: "housekeeping", excess: "excess" };

/** A LiveChart tweak: the housekeeping and excess lines dashed, so a part that equals the total shows. */
function dashParts(spec: Layered, options: { series: { name: string }[] }): void {
  const names = options.series.map((s) => s.name);
  const line = spec.layer.find((l) => l.mark.type === "line");
  if (!line?.encoding || names.length < 2) return;
  line.encoding.strokeDash = {
    field: "series",
    type: "nominal",
    legend: null,
    scale: { domain: names, range: names.map((n) => (n === HEAT.total ? [1, 0] : [6, 3])) },
  };
}

const charts = {
  epsilon: new LiveChart(epsilonChart),
  heat: new LiveChart(heatChart, dashParts),
  efficiency: new LiveChart(efficiencyChart),
};

/** The heat chart's series: the total, and its housekeeping and excess parts where the run has the split. */
function heatSeries(records: DemoRecord[], t: number[]): { name: string; x: number[]; y: number[] }[] {
  const series = [{ name: HEAT.total, x: t, y: records.map((r) => r.heat) }];
  // The split is there for the whole run or not at all (it depends only on the options).
  if (records.length > 0 && records[0].housekeeping !== null && records[0].excess !== null) {
    series.push({ name: HEAT.housekeeping, x: t, y: records.map((r) => r.housekeeping ?? NaN) });
    series.push({ name: HEAT.excess, x: t, y: records.map((r) => r.excess ?? NaN) });
  }
  return series;
}

async function renderCharts(): Promise<void> {
  const records = state.records.slice(); // a snapshot: records keep arriving while we render
  const t = records.map((r) => r.t);
  const size = { width: 380, height: 240 };
  await charts.epsilon.show({
    ...size,
    xLabel: "time t (model units)",
    yLabel: "generalisation error ε (fraction)",
    series: [{ name: "ε (simulation)", x: t, y: records.map((r) => r.epsilon) }],
    referenceLines:
      state.reference === null
        ? []
        : [{ name: `Hebbian theory ε = ${state.reference.toFixed(3)}`, y: state.reference }],
  });
  await new Promise((resolve) => setTimeout(resolve, 0)); // two short tasks rather than one long one
  await charts.heat.show({
    ...size,
    xLabel: "time t (model units)",
    yLabel: "cumulative heat per weight (nats)",
    series: heatSeries(records, t),
  });
  await new Promise((resolve) => setTimeout(resolve, 0));
  // η exists where ΔS does (≥ 2 trajectories, a random start): for the whole run or not at all.
  const withEta = records.filter((r) => r.efficiency !== null);
  await charts.efficiency.show({
    ...size,
    xLabel: "time t (model units)",
    yLabel: "efficiency η (dimensionless)",
    series: [{ name: "η = I/(ΔS + Q/D)", x: withEta.map((r) => r.t), y: withEta.map((r) => r.efficiency!) }],
  });
  // Until data arrive the (already built) charts are hidden behind a hint; see style.css.
  for (const el of [epsilonChart, heatChart]) el.classList.toggle("empty", records.length === 0);
  efficiencyChart.classList.toggle("empty", withEta.length === 0);
  state.rendered = records.length;
}

const scheduleCharts = throttled(renderCharts, chartError(showError));
/** Schedules a chart render (at most every 200 ms); the status line updates at once. */
function scheduleRender(): void {
  updateStatusLine();
  scheduleCharts();
}

// ---------------------------------------------------------------------------------------------
// The worker
// ---------------------------------------------------------------------------------------------

/** The finished run's final state (weights in the library's checkpoint format, teachers), or null. */
let final: { checkpoint: PerceptronCheckpoint | null; teachers: number[][] } | null = null;

const worker = new Worker(new URL("./perceptron-worker.js", import.meta.url), { type: "module" });
const send = (request: WorkerRequest) => worker.postMessage(request);

worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
  const m = event.data;
  if (m.type === "data") {
    for (const r of m.records) state.records.push(r);
    state.stepsPerSecond = m.stepsPerSecond;
    scheduleRender();
  } else if (m.type === "status") {
    if (m.status === "running") {
      state.backend = m.backend;
      state.recordEvery = m.recordEvery;
    } else {
      final = { checkpoint: m.checkpoint, teachers: m.teachers };
    }
    if (m.status === "diverged") showError(`The simulation diverged at t = ${m.t.toFixed(3)} (try a smaller ν̃ or α).`);
    setStatus(m.status);
    scheduleRender();
  } else {
    showError(m);
    setStatus("error");
  }
};
worker.onerror = (event) => {
  showError(`Worker failed: ${event.message || "could not load demo/dist/perceptron-worker.js"}`);
  setStatus("error");
};

/**
 * Validates the controls with the library (no worker needed) and computes the Hebbian theory: with
 * sampled inputs that of the Euler–Maruyama/mini-batch scheme, with averaged ones the continuous-time
 * ε_∞ (no batch noise; the scheme's O(kΔt) correction to the weight variance is 5·10⁻⁴ relative at the
 * default Δt, below what the chart shows).
 */
function prepareRun(): {
  options: PerceptronOptions;
  tEnd: number;
  reference: number | null;
  config: PerceptronConfig;
} {
  const { options, tEnd } = readControls();
  const c = resolvePerceptronConfig(options); // throws TypeError/RangeError naming the option
  let reference: number | null = null;
  if (c.rule === "hebbian") {
    reference =
      c.inputs === "averaged"
        ? hebbianEpsilon({ nuTilde: c.nu / Math.sqrt(c.n), k: c.k, D: c.D })
        : hebbianEpsilonEM({ n: c.n, nu: c.nu, dt: c.dt, batch: c.batch, k: c.k, D: c.D });
  }
  return { options, tEnd, reference, config: c };
}

function start(): void {
  showError(null);
  link.flush(); // the address bar names this run
  let run: ReturnType<typeof prepareRun>;
  try {
    run = prepareRun();
  } catch (e) {
    showError(e);
    setStatus("error");
    return;
  }
  state.reference = run.reference;
  state.inputs = run.options.inputs ?? "sampled";
  state.config = run.config;
  state.tEnd = run.tEnd;
  state.recordEvery = 0;
  final = null;
  state.records = [];
  state.rates = null;
  state.backend = null;
  state.stepsPerSecond = 0;
  state.rendered = 0;
  setStatus("starting");
  send({ type: "start", options: run.options, tEnd: run.tEnd });
  scheduleRender();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});
stopButton.addEventListener("click", () => send({ type: "stop" }));

/** The run as JSON, columnar like runPerceptron's result (same column names), with the final weights. */
function exportResults(): void {
  const records = state.records;
  const column = <K extends keyof DemoRecord>(key: K) => records.map((r) => r[key]);
  const nullable = <K extends keyof DemoRecord>(key: K) =>
    records.length > 0 && records.every((r) => r[key] !== null) ? column(key) : null;
  downloadJSON(fileName("perceptron", "results"), {
    format: "thermolearn/demo-perceptron",
    version: VERSION,
    config: state.config,
    backend: state.backend,
    status: state.status,
    link: location.href,
    tEnd: state.tEnd,
    recordEvery: state.recordEvery,
    steps: records.at(-1)?.steps ?? 0,
    t: column("t"),
    epsilon: column("epsilon"),
    heat: column("heat"),
    housekeepingHeat: nullable("housekeeping"),
    excessHeat: nullable("excess"),
    information: column("information"),
    entropyChange: nullable("entropyChange"),
    efficiency: nullable("efficiency"),
    rates: state.rates,
    reference: state.reference,
    checkpoint: final?.checkpoint ?? null,
    teachers: final?.teachers ?? null,
  });
}
exportButton.addEventListener("click", exportResults);
ruleInput.addEventListener("change", () => {
  alphaField.hidden = ruleInput.value !== "alphatron";
});
alphaField.hidden = ruleInput.value !== "alphatron";
/** Averaged inputs average over all inputs: no batch size. */
const syncBatch = () => {
  batchInput.disabled = inputsInput.value === "averaged";
};
inputsInput.addEventListener("change", syncBatch);
syncBatch();
// The URL hash: fill the form from it (the form's defaults for what it lacks or gets wrong), then keep it
// up to date; a link with parameters starts its run at once.
const opened = readLink(LINK_FIELDS);
state.link = { present: opened.present, problems: opened.problems };
for (const key of opened.extra.keys()) state.link.problems.push(`${key}: not a parameter of this page; ignored`);
showLinkProblems($("link-message"), state.link.problems);
link.watch();
reloadOnHashChange();
setStatus("idle");
try {
  state.reference = prepareRun().reference; // so the first chart already has the line (no rebuild on Start)
} catch {
  // shown when Start is pressed
}
void renderCharts();
if (opened.present) start();
