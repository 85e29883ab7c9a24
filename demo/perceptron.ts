/**
 * The perceptron demo page (demo/perceptron.html): reads the controls, validates them with the library,
 * starts the simulation in a Web Worker (demo/perceptron-worker.ts) and draws ε(t) and the heat per weight as
 * records stream in. Charts are re-rendered at most 5 times a second.
 *
 * For tests, the streamed data are exposed on `window.__thermolearnDemo`:
 *   records         every record of the current run, {t, steps, epsilon, heat}, in time order
 *   status          "idle" | "starting" | "running" | "done" | "stopped" | "diverged" | "error"
 *   backend         "simd" | "scalar" once the worker created the simulation, else null
 *   reference       the Hebbian theory's ε (hebbianEpsilonEM) drawn on the ε chart, or null (other rules)
 *   stepsPerSecond  the worker's speed (steps per second of compute)
 *   error           the message shown in the page, or null
 *   rendered        how many records the charts on screen show (they lag by ≤ 200 ms)
 */
import { resolvePerceptronConfig, hebbianEpsilonEM, type LearningRule, type PerceptronOptions } from "../src/index.js";
import { LiveChart, throttled } from "./live-chart.js";
import { $, chartError, errorDisplay, num } from "./page.js";
import type { DemoRecord, WorkerMessage, WorkerRequest } from "./perceptron-worker.js";

export type Status = "idle" | "starting" | "running" | "done" | "stopped" | "diverged" | "error";
export interface DemoState {
  records: DemoRecord[];
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
const startButton = $<HTMLButtonElement>("start");
const stopButton = $<HTMLButtonElement>("stop");
const statusLine = $<HTMLElement>("status");
const epsilonChart = $<HTMLElement>("chart-epsilon");
const heatChart = $<HTMLElement>("chart-heat");

/**
 * The options of a run, from the controls; the field "nu" is ν̃ = ν/√n, passed on as `nuTilde` for the
 * library to check. @throws RangeError for t_end (not a model option).
 */
function readControls(): { options: PerceptronOptions; tEnd: number } {
  const rule = ruleInput.value as LearningRule;
  const tEnd = num("tEnd");
  if (!(tEnd > 0) || !Number.isFinite(tEnd)) throw new RangeError(`t_end must be a finite number > 0, got ${tEnd}`);
  const options: PerceptronOptions = {
    n: num("n"),
    rule,
    nuTilde: num("nu"),
    k: num("k"),
    batch: num("batch"),
    dt: num("dt"),
    seed: num("seed"),
  };
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
  updateStatusLine();
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toPrecision(digits) : "–");

function updateStatusLine(): void {
  const last = state.records.at(-1);
  const parts = [
    `status: ${state.status}`,
    `t = ${last ? last.t.toFixed(3) : "–"}`,
    `ε = ${last ? fmt(last.epsilon, 3) : "–"}`,
    `heat per weight = ${last ? `${fmt(last.heat)} nats` : "–"}`,
    `backend: ${state.backend ?? "–"}`,
    `steps/s: ${state.stepsPerSecond ? Math.round(state.stepsPerSecond).toLocaleString("en-US") : "–"}`,
  ];
  statusLine.textContent = parts.join("  ·  ");
}

// ---------------------------------------------------------------------------------------------
// Charts: each is a LiveChart (demo/live-chart.ts), built once and then fed the new rows, at most
// every 200 ms.
// ---------------------------------------------------------------------------------------------

const charts = { epsilon: new LiveChart(epsilonChart), heat: new LiveChart(heatChart) };

async function renderCharts(): Promise<void> {
  const records = state.records.slice(); // a snapshot: records keep arriving while we render
  const t = records.map((r) => r.t);
  const size = { width: 380, height: 240 };
  await charts.epsilon.show({
    ...size,
    xLabel: "t",
    yLabel: "generalisation error ε",
    series: [{ name: "ε (simulation)", x: t, y: records.map((r) => r.epsilon) }],
    referenceLines:
      state.reference === null
        ? []
        : [{ name: `Hebbian theory ε = ${state.reference.toFixed(3)}`, y: state.reference }],
  });
  await new Promise((resolve) => setTimeout(resolve, 0)); // two short tasks rather than one long one
  await charts.heat.show({
    ...size,
    xLabel: "t",
    yLabel: "heat per weight q/n (nats)",
    series: [{ name: "q/n", x: t, y: records.map((r) => r.heat) }],
  });
  // Until data arrive the (already built) charts are hidden behind a hint; see style.css.
  for (const el of [epsilonChart, heatChart]) el.classList.toggle("empty", records.length === 0);
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

const worker = new Worker(new URL("./perceptron-worker.js", import.meta.url), { type: "module" });
const send = (request: WorkerRequest) => worker.postMessage(request);

worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
  const m = event.data;
  if (m.type === "data") {
    for (const r of m.records) state.records.push(r);
    state.stepsPerSecond = m.stepsPerSecond;
    scheduleRender();
  } else if (m.type === "status") {
    if (m.status === "running") state.backend = m.backend;
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

/** Validates the controls with the library (no worker needed) and computes the Hebbian theory. */
function prepareRun(): { options: PerceptronOptions; tEnd: number; reference: number | null } {
  const { options, tEnd } = readControls();
  const c = resolvePerceptronConfig(options); // throws TypeError/RangeError naming the option
  const reference =
    c.rule === "hebbian" ? hebbianEpsilonEM({ n: c.n, nu: c.nu, dt: c.dt, batch: c.batch, k: c.k, D: c.D }) : null;
  return { options, tEnd, reference };
}

function start(): void {
  showError(null);
  let run: ReturnType<typeof prepareRun>;
  try {
    run = prepareRun();
  } catch (e) {
    showError(e);
    setStatus("error");
    return;
  }
  state.reference = run.reference;
  state.records = [];
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
ruleInput.addEventListener("change", () => {
  alphaField.hidden = ruleInput.value !== "alphatron";
});
alphaField.hidden = ruleInput.value !== "alphatron";
setStatus("idle");
try {
  state.reference = prepareRun().reference; // so the first chart already has the line (no rebuild on Start)
} catch {
  // shown when Start is pressed
}
void renderCharts();
