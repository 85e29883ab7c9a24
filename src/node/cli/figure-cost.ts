/**
 * `thermolearn figure cost`: the energy cost of contrastive learning against its accuracy
 * (src/node/cost-figure.ts), a summary on stdout, JSON and SVG. Computed in this thread, point by
 * point (about 4 s at the defaults). Exit code 0, 2 for a bad flag (named).
 */
import { costFigure, resolveCostFigureOptions, type CostFigure, type CostFigureOptions } from "../cost-figure.js";
import { runFigureCommand, type FigureDefinition } from "./figure-command.js";
import { jsonFlag, svgFlag, type CommandSpec } from "./flags.js";

/** `thermolearn figure cost`. */
export const FIGURE_COST: CommandSpec = {
  name: "figure cost",
  summary: "energy cost of contrastive learning against its accuracy (ladder, across γ and F)",
  flags: [
    {
      name: "gammas",
      kind: "list",
      help: "the ladder's non-equilibrium factors γ",
      default: "1,0.3,0.1,0.03,0.01,0.001,0.0001",
      option: "gammas",
    },
    {
      name: "Fs",
      kind: "list",
      help: "the ladder's vertical rate factors F",
      unit: "1/time",
      default: "5,25",
      option: "Fs",
    },
    {
      name: "steps",
      kind: "number",
      meta: "N",
      help: "steps per period of the exact cost",
      default: 2048,
      option: "stepsPerPeriod",
    },
    {
      name: "tau-fast",
      kind: "number",
      meta: "τf",
      help: "fast phase of the protocol",
      unit: "time",
      default: 3,
      option: "tauFast",
    },
    {
      name: "tau-slow",
      kind: "number",
      meta: "τs",
      help: "slow phase of the protocol",
      unit: "time",
      default: 15,
      option: "tauSlow",
    },
    { name: "mean", kind: "number", meta: "s̄", help: "mean signal", unit: "µM", default: 25, option: "mean" },
    {
      name: "a-max",
      kind: "number",
      meta: "A",
      help: "largest amplitude A_max",
      unit: "µM",
      default: 50,
      option: "aMax",
    },
    jsonFlag(),
    svgFlag("the three panels"),
  ],
  notes: ["Dissipation in k_BT per cycle; bits = dissipation/(k_BT ln 2)."],
};

/** The grid points of a figure. */
const points = (figure: CostFigure) => (figure.json.gamma as Float64Array).length;

/** The command's definition for {@link runFigureCommand}. */
const COST_COMMAND: FigureDefinition<CostFigureOptions, CostFigure> = {
  spec: FIGURE_COST,
  label: "figure cost",
  resolve: resolveCostFigureOptions,
  interruptible: false,
  run: (options, { onProgress, svg }) => costFigure({ ...options, svg, onProgress }),
  report: (figure) => ({
    lines: [`figure cost: ${points(figure)} points, ${(figure.json.seconds as number).toFixed(1)} s`, figure.summary],
    json: figure.json,
    svg: figure.svg,
    status: "completed",
  }),
};

/** `thermolearn figure cost [flags]`. */
export function costFigureCommand(argv: string[]): Promise<number> {
  return runFigureCommand(COST_COMMAND, argv);
}
