/**
 * `thermolearn ladder`: the ladder Markov chain of Falk et al. (2 × M states): its steady state, its
 * dissipation (Schnakenberg entropy production) and its memory kernel, the response to a step in s.
 */
import { entropyProduction, ladderKernel, ladderRates, steadyState } from "../../markov/index.js";
import { lineChartSvg } from "../../plot/index.js";
import { VERSION } from "../../version.js";
import { UsageError, parseFlags, withFlags } from "./args.js";
import { jsonSvgOutputs, writeJson, writeOutput } from "./output.js";

/** The flag of each option, for error messages (the kernel's s1 is --s-step). */
const FLAGS = { gamma: "--gamma", F: "--F", s: "--s", s1: "--s-step", rungs: "--rungs" };

/** The step of the kernel, 0 → --s-step, by default. */
const DEFAULT_S_STEP = 200;

export async function ladderCommand(argv: string[]): Promise<number> {
  const { num, str } = parseFlags(argv, ["gamma", "F", "s", "s-step", "rungs"], ["json", "svg"]);
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
  console.log(
    `ladder 2 × ${params.rungs}, γ = ${params.gamma}, F = ${params.F}, s = ${s}: ` +
      `dissipation σ = ${dissipation.toPrecision(6)} (Schnakenberg, Eq. 59)`,
  );
  console.log(`steady state: ${Array.from(p, (x) => x.toFixed(4)).join(" ")}`);
  console.log(
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
    writeOutput(svg, await lineChartSvg({ title, xLabel: "t (rescaled)", yLabel: "K", series }));
  }
  return 0;
}
