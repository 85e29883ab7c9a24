/**
 * `thermolearn ladder`: the ladder Markov chain of Falk et al. (2 × M states): its steady state, its
 * dissipation (Schnakenberg entropy production) and its memory kernel, the response to a step in s.
 */
import { entropyProduction, ladderKernel, ladderRates, steadyState } from "../../markov/index.js";
import { lineChartSvg } from "../../plot/index.js";
import { VERSION } from "../../version.js";
import { UsageError, withFlags } from "./args.js";
import { flagNames, jsonFlag, parseCommand, svgFlag, type CommandSpec } from "./flags.js";
import { jsonSvgOutputs, say, writeJson, writeOutput } from "./output.js";

/** `thermolearn ladder` (the kernel's s1 is --s-step). */
export const LADDER: CommandSpec = {
  name: "ladder",
  summary: "ladder Markov chain (2 × M states): steady state, dissipation, memory kernel",
  flags: [
    {
      name: "gamma",
      kind: "number",
      meta: "γ",
      help: "non-equilibrium factor on the uphill rates e·γ (1: detailed balance)",
      default: 1,
      option: "gamma",
    },
    { name: "F", kind: "number", meta: "F", help: "vertical rate factor", unit: "1/time", default: 25, option: "F" },
    {
      name: "s",
      kind: "number",
      meta: "S",
      help: "signal (ligand) of the steady state, ≥ 0",
      unit: "µM",
      default: 0,
      option: "s",
    },
    {
      name: "s-step",
      kind: "number",
      meta: "S",
      help: "the kernel is the response to the step 0 → S (> 0)",
      unit: "µM",
      default: 200,
      option: "s1",
    },
    { name: "rungs", kind: "number", meta: "M", help: "rungs of the ladder", default: 5, option: "rungs" },
    jsonFlag(),
    svgFlag("the kernel"),
  ],
};

/** The step of the kernel, 0 → --s-step, by default. */
const DEFAULT_S_STEP = 200;

export async function ladderCommand(argv: string[]): Promise<number> {
  const { num, str } = parseCommand(LADDER, argv);
  const FLAGS = flagNames(LADDER);
  const params = { gamma: num.gamma ?? 1, F: num.F ?? 25, rungs: num.rungs ?? 5 };
  const s = num.s ?? 0,
    sStep = num["s-step"] ?? DEFAULT_S_STEP;
  // The kernel is the response to the step 0 → --s-step (the library's s0 = 0 is no flag here).
  if (sStep === 0) throw new UsageError("--s-step must be ≠ 0: the kernel is the response to the step 0 → --s-step");
  const { json, svg } = await jsonSvgOutputs(str);
  const rates = withFlags(FLAGS, () => ladderRates({ ...params, s }));
  const p = withFlags(FLAGS, () => steadyState(rates));
  const dissipation = entropyProduction(rates, p);
  const { kernel, moments } = withFlags(FLAGS, () => ladderKernel({ ...params, s1: sStep }));
  const t = Array.from(kernel.values, (_, i) => i * kernel.dt);
  say(
    `ladder 2 × ${params.rungs}, γ = ${params.gamma}, F = ${params.F}, s = ${s}: ` +
      `dissipation σ = ${dissipation.toPrecision(6)} (Schnakenberg, Eq. 59)`,
  );
  say(`steady state: ${Array.from(p, (x) => x.toFixed(4)).join(" ")}`);
  say(
    `kernel from the step 0 → ${sStep}: ${kernel.values.length} samples on unit time, ` +
      `area ${moments.area.toPrecision(4)}, first moment ${moments.firstMoment.toPrecision(4)}`,
  );
  if (json) {
    writeJson(json, {
      version: VERSION,
      config: { ...params, s, sStep },
      steadyState: p,
      dissipation: Number.isFinite(dissipation) ? dissipation : null,
      kernel: { t, k: kernel.values },
      area: moments.area,
      firstMoment: moments.firstMoment,
    });
  }
  if (svg) {
    const title = `Ladder kernel, γ = ${params.gamma}, F = ${params.F}`;
    const series = [{ name: "K", x: t, y: kernel.values }];
    // symlog: the spike at t = 0 (10³–10⁴) would flatten the tail (≈ 1–10, either sign) on a linear axis.
    const xLabel = "time t (kernel length = 1)",
      yLabel = "kernel K (1/time², symlog scale)";
    writeOutput(svg, await lineChartSvg({ title, xLabel, yLabel, yScale: "symlog", series }));
  }
  return 0;
}
