/**
 * `thermolearn figure landauer`: Landauer's erasure figure on all cores (src/node/landauer-figure.ts),
 * a summary on stdout, JSON (results/landauer.json) and SVG (results/landauer.svg; skipped with a note
 * when vega is missing unless --svg was given). Exit codes: 0, 2 for a bad flag (named), 3 when an
 * ensemble diverged, 130 after Ctrl-C (the τ values finished in order are written).
 */
import {
  LANDAUER_GROUPS,
  LANDAUER_PARTICLES,
  LANDAUER_TAUS,
  landauerFigureSpec,
  resolveLandauerFigureConfig,
  runLandauerFigure,
  type LandauerFigureOptions,
  type LandauerFigureResult,
} from "../landauer-figure.js";
import type { LandauerFit } from "../../langevin/landauer.js";
import { renderSvg } from "../../plot/index.js";
import { runFigureCommand, type FigureDefinition, type FigureReport } from "./figure-command.js";
import { jsonFlag, seedFlag, svgFlag, workersFlag, type CommandSpec } from "./flags.js";

/** `thermolearn figure landauer`. */
export const FIGURE_LANDAUER: CommandSpec = {
  name: "figure landauer",
  summary: "heat per erasure against τ → ln 2 (Landauer): Langevin + Fokker–Planck",
  flags: [
    {
      name: "taus",
      kind: "list",
      help: "cycle lengths τ",
      unit: "time",
      default: LANDAUER_TAUS.join(","),
      option: "taus",
    },
    {
      name: "particles",
      kind: "number",
      meta: "N",
      help: "erasures per τ",
      default: LANDAUER_PARTICLES,
      option: "particles",
    },
    {
      name: "groups",
      kind: "number",
      meta: "G",
      help: "sub-ensembles per τ",
      default: LANDAUER_GROUPS,
      option: "groups",
    },
    seedFlag(),
    {
      name: "dt",
      kind: "number",
      meta: "DT",
      help: "step of the ensembles and the grid",
      unit: "time",
      default: 0.002,
      option: "dt",
    },
    {
      name: "cells",
      kind: "number",
      meta: "C",
      help: "cells of the Fokker–Planck grid",
      default: 512,
      option: "cells",
    },
    {
      name: "barrier",
      kind: "number",
      meta: "B",
      help: "barrier of the double well",
      unit: "k_BT",
      default: 10,
      option: "barrier",
    },
    { name: "tilt", kind: "number", meta: "A", help: "tilt of the erasure", unit: "k_BT", default: 6, option: "tilt" },
    {
      name: "quartic",
      kind: "number",
      meta: "E",
      help: "quartic coefficient of the well",
      default: 8,
      option: "quartic",
    },
    workersFlag(),
    jsonFlag("the dots, lines and fits", "results/landauer.json"),
    svgFlag("the figure", "results/landauer.svg"),
  ],
  notes: [
    "Heat and work in k_BT (D = 1), τ in time units, B in k_BT · time.",
    'Ctrl-C keeps the τ values finished in order (status "aborted", exit 130).',
  ],
};

/** The fits in one line. */
function fitLine(fit: LandauerFit): string {
  const f = fit.fixed,
    g = fit.free;
  const chi = (x: { chi2: number; dof: number }) => `χ² = ${x.chi2.toFixed(1)}/${x.dof}`;
  let text = `⟨Q⟩ = ln 2 + B/τ: B = ${f.B.toFixed(3)} ± ${f.BError.toFixed(3)} k_BT·time (${chi(f)})`;
  if (g) {
    text +=
      `; free: Q∞ = ${g.Qinf.toFixed(4)} ± ${g.QinfError.toFixed(4)} k_BT (ln 2 = ${Math.LN2.toFixed(4)}), ` +
      `B = ${g.B.toFixed(3)} ± ${g.BError.toFixed(3)} (${chi(g)})`;
  }
  return text;
}

/** The summary, the JSON and the figure of a run. */
function report(result: LandauerFigureResult): FigureReport {
  const seconds = result.elapsedMs / 1000;
  const c = result.config;
  const dots = result.dots.tau.length;
  const { version, config, status, fit, agreement, ln2, lines } = result;
  const json = { version, config, status, seconds, ln2, fit, agreement, dots: result.dots, lines };
  const head =
    `figure landauer: ${dots} of ${c.taus.length} τ (${c.taus[0]} … ${c.taus[c.taus.length - 1]}), ${c.particles} ` +
    `erasures each (${c.groups} sub-ensembles, seed ${c.seed}), ${seconds.toFixed(1)} s (${result.status})`;
  if (dots === 0) {
    return {
      lines: [head],
      json,
      svg: null,
      status: "aborted",
      note: 'interrupted before the first τ finished (status "aborted")',
    };
  }
  const p = result.dots.success;
  const text = [
    head,
    ...(fit ? [fitLine(fit)] : []),
    `success ${Math.min(...p).toFixed(4)} … ${Math.max(...p).toFixed(4)}; Langevin vs Fokker–Planck ⟨Q⟩: ` +
      `${agreement.within2}/${agreement.dots} within 2 s.e. (max |z| ${agreement.maxAbsZ.toFixed(2)})`,
  ];
  const note =
    status === "aborted"
      ? `interrupted; ${dots} of ${c.taus.length} τ values were kept (status "aborted")`
      : status === "diverged"
        ? 'some trajectories diverged (status "diverged"); their W and Q stop where they froze'
        : undefined;
  return { lines: text, json, svg: () => renderSvg(landauerFigureSpec(result)), status, note };
}

/** The command's definition for {@link runFigureCommand}. */
const LANDAUER_COMMAND: FigureDefinition<LandauerFigureOptions, LandauerFigureResult> = {
  spec: FIGURE_LANDAUER,
  label: "figure landauer",
  defaults: { json: "results/landauer.json", svg: "results/landauer.svg" },
  resolve: resolveLandauerFigureConfig,
  interruptible: true,
  run: (options, { onProgress, signal }) => runLandauerFigure({ ...options, onProgress, signal }),
  report,
};

/** `thermolearn figure landauer [flags]`. */
export function landauerFigureCommand(argv: string[]): Promise<number> {
  return runFigureCommand(LANDAUER_COMMAND, argv);
}
