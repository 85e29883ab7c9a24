/**
 * `thermolearn bound`: Goldt & Seifert's information bound Σ_μ I(σ_T^μ; σ^μ) ≤ Σ_n [ΔS(w_n) + ΔQ_n]
 * over time, for an ensemble of perceptrons learning P random (or teacher) labels, online (inputs
 * "sampled": the input-fluctuation heat included) or batch (inputs "averaged": none). A table on
 * stdout, the result as JSON (--json) and the terms against t as SVG (--svg).
 */
import {
  resolveInformationBoundConfig,
  runInformationBoundAsync,
  type InformationBoundConfig,
  type InformationBoundOptions,
  type InformationBoundResult,
} from "../../perceptron/information.js";
import { lineChartSvg, type Series } from "../../plot/index.js";
import { withFlags } from "./args.js";
import {
  alphaFlag,
  flagNames,
  jsonFlag,
  learningRuleFlag,
  optionsFromFlags,
  parseCommand,
  seedFlag,
  svgFlag,
  type CommandSpec,
} from "./flags.js";
import { jsonSvgOutputs, say, writeJson, writeOutput } from "./output.js";
import { progressFor } from "./perceptron.js";
import { EXIT_DIVERGED, EXIT_INTERRUPTED, interruptOnSigint } from "./terminal.js";

/** `thermolearn bound`. */
export const BOUND: CommandSpec = {
  name: "bound",
  summary: "Goldt & Seifert's information bound: Σ I ≤ Σ [ΔS + Q] over time",
  flags: [
    learningRuleFlag(),
    alphaFlag(),
    {
      name: "labels",
      kind: "string",
      choices: ["random", "teacher"],
      help: "labels of the P patterns",
      default: "random",
      option: "labels",
    },
    {
      name: "inputs",
      kind: "string",
      choices: ["sampled", "averaged"],
      help: "online (B patterns a step), or batch learning (the force averaged over the set)",
      default: "sampled",
      option: "inputs",
    },
    {
      name: "sampling",
      kind: "string",
      choices: ["replacement", "sweep"],
      help: "how the online mini-batches are drawn from the set",
      default: "replacement",
      option: "sampling",
    },
    { name: "n", kind: "number", meta: "N", help: "weights", default: 200, option: "n" },
    { name: "patterns", kind: "number", meta: "P", help: "training patterns", default: 100, option: "trainSize" },
    {
      name: "trajectories",
      kind: "number",
      meta: "M",
      help: "ensemble of perceptrons (≥ 8)",
      default: 400,
      option: "trajectories",
    },
    { name: "t-end", kind: "number", meta: "T", help: "run length", unit: "time", default: 5, option: "tEnd" },
    { name: "steps", kind: "number", meta: "S", help: "run length in steps (instead of --t-end)", option: "steps" },
    { name: "dt", kind: "number", meta: "DT", help: "Euler–Maruyama step", unit: "time", default: 0.01, option: "dt" },
    { name: "batch", kind: "number", meta: "B", help: "patterns a step (online)", default: 30, option: "batch" },
    { name: "nu", kind: "number", meta: "NU", help: "learning rate ν (instead of --nu-tilde)", option: "nu" },
    { name: "nu-tilde", kind: "number", meta: "V", help: "learning rate ν̃ = ν/√n", default: 3, option: "nuTilde" },
    { name: "k", kind: "number", meta: "K", help: "restoring force", default: 1, option: "k" },
    { name: "D", kind: "number", meta: "D", help: "diffusion constant = temperature", default: 1, option: "D" },
    {
      name: "record-every",
      kind: "number",
      meta: "R",
      help: "record every R steps",
      default: "steps/50",
      option: "recordEvery",
    },
    {
      name: "spacing",
      kind: "number",
      meta: "m",
      help: "the m-spacing entropy estimator's m",
      default: "√M",
      option: "spacing",
    },
    seedFlag(),
    jsonFlag(),
    svgFlag("the terms against t"),
  ],
  notes: ['Ctrl-C keeps the times recorded so far (status "aborted", exit 130).'],
  // Not flags: the CLI keeps the library's defaults, named in words.
  names: {
    init: "the equilibrium start",
    teacher: "the per-trajectory teacher",
    maxWeightRms: "the divergence bound on |w|/√n",
  },
};

/** The flag of each option, for error messages. */
const BOUND_FLAGS = flagNames(BOUND);

/** Parses the flags into run options (errors name the flag) and the output paths. */
function boundArgs(argv: string[]): { options: InformationBoundOptions; values: Record<string, string | undefined> } {
  const parsed = parseCommand(BOUND, argv);
  return { options: optionsFromFlags(BOUND, parsed) as InformationBoundOptions, values: parsed.str };
}

/** The run's parameters in one line. */
function configLine(c: InformationBoundConfig): string {
  const alpha = c.rule === "alphatron" ? ` (α = ${c.alpha})` : "";
  const mode = c.sampling === "batch" ? "batch learning (inputs averaged over the set)" : `online, B = ${c.batch}`;
  return (
    `rule ${c.rule}${alpha}, ${c.labels} labels, n = ${c.n}, P = ${c.trainSize}, ${mode}, ν̃ = ` +
    `${(c.nu / Math.sqrt(c.n)).toFixed(3)}, k = ${c.k}, D = ${c.D}, Δt = ${c.dt}, M = ${c.trajectories} ` +
    `trajectories, seed ${c.seed}`
  );
}

/** A number in 4 significant digits (fixed notation for ordinary magnitudes). */
function fmt(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? x.toPrecision(4) : x.toExponential(3);
}

/** About `rows` record indices spread evenly over the run, always the first and the last. */
function rowIndices(length: number, rows = 10): number[] {
  if (length <= rows + 1) return Array.from({ length }, (_, i) => i);
  const picked = new Set<number>();
  for (let r = 0; r <= rows; r++) picked.add(Math.round((r * (length - 1)) / rows));
  return [...picked];
}

/** The table over time: t, ΣI ± SE, ΣΔS (Gaussian, spacing), ΣQ (and its excess part), ratio. */
function table(r: InformationBoundResult): string[] {
  const widths = [8, 18, 12, 12, 12, 12, 10];
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("");
  const lines = [row(["t", "ΣI ± SE", "ΣΔS gauss", "ΣΔS spacing", "ΣQ", "ΣQ excess", "ratio"])];
  for (const i of rowIndices(r.t.length)) {
    lines.push(
      row([
        fmt(r.t[i]),
        `${fmt(r.informationSum[i])} ± ${fmt(r.informationSumStdErr[i])}`,
        fmt(r.entropySum[i]),
        r.entropySumSpacing ? fmt(r.entropySumSpacing[i]) : "—",
        fmt(r.heatSum[i]),
        r.excessHeatSum ? fmt(r.excessHeatSum[i]) : "—",
        fmt(r.ratio[i]),
      ]),
    );
  }
  return lines;
}

/** The closing verdict: whether Σ I ≤ Σ[ΔS + Q] held at every recorded time, with both ΔS estimates. */
function verdict(r: InformationBoundResult): string {
  const count = r.t.length;
  const spacing =
    r.holdsSpacing === null ? "" : r.holdsSpacing ? "; also with the m-spacing ΔS" : "; NOT with the m-spacing ΔS";
  const where = r.holds ? "" : ` (first failure at t = ${fmt(firstFailure(r))})`;
  const held = r.holds ? "held" : "did NOT hold";
  return (
    `Σ_μ I(σ_T^μ; σ^μ) ≤ Σ_n [ΔS(w_n) + ΔQ_n] ${held} at every one of the ${count} recorded times${where} ` +
    `(Gaussian ΔS; ΣI within 3 standard errors${spacing})`
  );
}

/** The first recorded time where ΣI exceeded the Gaussian bound by more than 3 standard errors. */
function firstFailure(r: InformationBoundResult): number {
  const i = r.informationSum.findIndex((x, j) => x > r.bound[j] + 3 * r.informationSumStdErr[j]);
  return i < 0 ? Number.NaN : r.t[i];
}

/** The terms against t on a log scale (points ≤ 0 are dropped by the chart). */
async function chart(r: InformationBoundResult): Promise<string> {
  const c = r.config;
  const series: Series[] = [
    { name: "Σ I (nats)", x: r.t, y: r.informationSum },
    { name: "Σ ΔS(w_n)", x: r.t, y: r.entropySum },
    { name: "Σ ΔQ_n", x: r.t, y: r.heatSum },
    { name: "Σ [ΔS + ΔQ]", x: r.t, y: r.bound },
  ];
  const title = `Information bound, ${c.rule}, ${c.labels} labels, n = ${c.n}, P = ${c.trainSize}`;
  const [xLabel, yLabel] = ["time t (model units)", "cumulative sum (nats)"];
  return lineChartSvg({ title, xLabel, yLabel, yScale: "log", series });
}

export async function boundCommand(argv: string[]): Promise<number> {
  const { options, values } = boundArgs(argv);
  const config = withFlags(BOUND_FLAGS, () => resolveInformationBoundConfig(options));
  const { json, svg } = await jsonSvgOutputs(values);
  const { bar, onProgress } = progressFor(`bound ${config.rule}`);
  const sigint = interruptOnSigint();
  const result = await runInformationBoundAsync({ ...options, onProgress, signal: sigint.signal }).finally(() => {
    sigint.release();
    bar.done();
  });
  say(configLine(config));
  const seconds = (result.elapsedMs / 1000).toFixed(2);
  say(`steps ${result.steps}, t = ${fmt(result.t.at(-1) ?? 0)}, ${seconds} s on the ${result.backend} build`);
  say("totals in nats: ΣI Miller–Madow-corrected (± jackknife SE), ΣQ = Σ heat/D (mean over trajectories)\n");
  for (const line of table(result)) say(line);
  say(`\n${verdict(result)}`);
  const last = result.t.length - 1;
  if (result.excessHeatSum && result.excessHeatSum[last] > 0) {
    const withoutExcess = result.bound[last] - result.excessHeatSum[last];
    const ratio = withoutExcess > 0 ? result.informationSum[last] / withoutExcess : 0;
    say(
      `the input-fluctuation (excess) heat is ${fmt(result.excessHeatSum[last])} of ΣQ = ` +
        `${fmt(result.heatSum[last])}; without it the ratio at t = ${fmt(result.t[last])} would be ${fmt(ratio)}`,
    );
  }
  if (result.heatSumEnergy && result.boundEnergy) {
    const energy = result.heatSumEnergy[last],
      bound = result.boundEnergy[last];
    const held = result.holdsEnergy ? "held" : "did NOT hold";
    say(
      `batch learning: the heat from the energies, −Δ⟨U + V⟩/D, is ${fmt(energy)} at t = ` +
        `${fmt(result.t[last])} (the library's: ${fmt(result.heatSum[last])}); with it the ratio is ` +
        `${fmt(bound > 0 ? result.informationSum[last] / bound : 0)} and the bound ${held} at every recorded time`,
    );
  }
  if (result.config.rule !== "hebbian" && !result.heatSumEnergy) {
    say(
      "note: with a training set the heat omits the Stratonovich term D∫∇·f dt (exact for Hebbian only; " +
        "≤ 0 for the Perceptron and AdaTron rules, so ΣQ then overstates the heat and the check is weaker)",
    );
  }
  if (json) writeJson(json, result);
  if (svg) writeOutput(svg, await chart(result));
  if (result.status === "diverged") {
    console.error(`thermolearn: the simulation diverged at t = ${result.divergedAt}; results up to then were kept`);
    return EXIT_DIVERGED;
  }
  if (result.status === "aborted") {
    console.error(
      `thermolearn: interrupted at t = ${fmt(result.t.at(-1) ?? 0)}; the results up to then were kept ` +
        `(status "aborted")`,
    );
    return EXIT_INTERRUPTED;
  }
  return 0;
}
