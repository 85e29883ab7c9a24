/**
 * `thermolearn figure efficiency`: Goldt & Seifert's efficiency surface with simulation dots on all
 * cores (src/node/efficiency-figure.ts), a summary on stdout, JSON (lines, dots, maxima) and SVG.
 * Exit codes as `thermolearn figure`: 0, 2 for a bad flag (named), 130 after Ctrl-C (what was finished
 * in order is written).
 */
import {
  efficiencyFigureSpec,
  resolveEfficiencyFigureConfig,
  runEfficiencyFigure,
  type EfficiencyFigureOptions,
  type EfficiencyFigureResult,
} from "../efficiency-figure.js";
import type { LearningRule } from "../../perceptron/model.js";
import { renderSvg } from "../../plot/index.js";
import { VERSION } from "../../version.js";
import { runFigureCommand, type FigureDefinition, type FigureReport } from "./figure-command.js";
import { jsonFlag, optionsFromFlags, seedFlag, svgFlag, workersFlag, type CommandSpec } from "./flags.js";

/** `thermolearn figure efficiency`. */
export const FIGURE_EFFICIENCY: CommandSpec = {
  name: "figure efficiency",
  summary: "efficiency η against ν̃ and k per rule (Goldt & Seifert): theory + simulation",
  flags: [
    { name: "points", kind: "number", meta: "P", help: "line points per sweep", default: 25, option: "points" },
    {
      name: "dots",
      kind: "number",
      meta: "K",
      help: "simulated points per sweep (0: none)",
      default: 4,
      option: "dots",
    },
    {
      name: "rules",
      kind: "string",
      meta: "R,R,…",
      help: "learning rules (alphatron too)",
      default: "hebbian,perceptron,adatron",
      option: "rules",
    },
    { name: "n", kind: "number", meta: "N", help: "weights of the online regime", default: 10000, option: "online.n" },
    {
      name: "batch",
      kind: "number",
      meta: "B",
      help: "inputs a step of the online regime",
      default: 30,
      option: "online.batch",
    },
    {
      name: "dt",
      kind: "number",
      meta: "DT",
      help: "step of the online regime",
      unit: "time",
      default: 0.001,
      option: "online.dt",
    },
    {
      name: "sim-n",
      kind: "number",
      meta: "N",
      help: "weights of the averaged-input ensembles",
      default: 1000,
      option: "simulationN",
    },
    {
      name: "trajectories",
      kind: "number",
      meta: "M",
      help: "trajectories per sub-ensemble",
      default: 4,
      option: "trajectories",
    },
    { name: "groups", kind: "number", meta: "G", help: "sub-ensembles per dot", default: 8, option: "groups" },
    seedFlag(),
    workersFlag(),
    jsonFlag("the lines, dots and maxima"),
    svgFlag("the figure"),
  ],
  notes: ['Ctrl-C keeps the lines and dots finished in order (status "aborted", exit 130).'],
};

/** The best η of each rule and regime, in one line. */
function maximaLine(result: EfficiencyFigureResult): string {
  const parts = result.maxima.map(
    (m) =>
      `${m.rule} ${m.regime} ${m.efficiency.toPrecision(4)} (ν̃ = ${+m.nuTilde.toPrecision(3)}, ` +
      `k = ${+m.k.toPrecision(3)}${m.atEdge ? ", grid edge" : ""})`,
  );
  return `max η: ${parts.join("; ")}`;
}

/** The summary, the JSON and the figure of a run. */
function report(result: EfficiencyFigureResult): FigureReport {
  const seconds = result.elapsedMs / 1000;
  const linePoints = result.lines.rule.length;
  const { simulation } = result.config;
  const head =
    `figure efficiency: ${linePoints} line points, ${result.agreement.dots} dots (${simulation.groups} × ` +
    `${simulation.trajectories} trajectories, seed ${simulation.seed}), ${seconds.toFixed(1)} s (${result.status})`;
  if (linePoints === 0) {
    const json = { version: VERSION, config: result.config, status: result.status, seconds };
    const note = 'interrupted before the first point finished (status "aborted")';
    return { lines: [head], json, svg: null, status: "aborted", note };
  }
  const { dots, within2, maxAbsZ } = result.agreement;
  const agreementText = `dots within 2 s.e. of the theory: ${within2}/${dots} (max |z| ${maxAbsZ.toFixed(2)})`;
  const { version, config, status, lines, maxima, agreement } = result;
  return {
    lines: [head, `${maximaLine(result)}${dots > 0 ? ` | ${agreementText}` : ""}`],
    json: { version, config, status, seconds, maxima, agreement, lines, dots: result.dots },
    svg: () => renderSvg(efficiencyFigureSpec(result)),
    status: status === "aborted" ? "aborted" : "completed",
    note:
      status === "aborted"
        ? `interrupted; ${linePoints} line points and ${dots} dots were kept (status "aborted")`
        : undefined,
  };
}

/** The command's definition for {@link runFigureCommand}: --rules is a comma list of words. */
const EFFICIENCY_COMMAND: FigureDefinition<EfficiencyFigureOptions, EfficiencyFigureResult> = {
  spec: FIGURE_EFFICIENCY,
  label: "figure efficiency",
  options: (parsed) => {
    const options = optionsFromFlags(FIGURE_EFFICIENCY, parsed);
    if (typeof options.rules === "string") options.rules = options.rules.split(",") as LearningRule[];
    return options as EfficiencyFigureOptions;
  },
  resolve: resolveEfficiencyFigureConfig,
  interruptible: true,
  run: (options, { onProgress, signal }) => runEfficiencyFigure({ ...options, onProgress, signal }),
  report,
};

/** `thermolearn figure efficiency [flags]`. */
export function efficiencyFigureCommand(argv: string[]): Promise<number> {
  return runFigureCommand(EFFICIENCY_COMMAND, argv);
}
