/**
 * `thermolearn kernel-update`: the weight update Δw of a memory kernel under the sawtooth protocol
 * (Falk et al.), at given amplitudes or as the curve Δw(A) with its offset and dynamic range.
 */
import { curveMetrics, weightUpdateCurve, type Alignment } from "../../contrastive/index.js";
import {
  ecoliKernel,
  exponentialKernel,
  feedbackKernel,
  kernelMoments,
  sineKernel,
  type SampledKernel,
} from "../../kernels/index.js";
import { ladderKernel } from "../../markov/index.js";
import { lineChartSvg } from "../../plot/index.js";
import { VERSION } from "../../version.js";
import { UsageError, withFlags } from "./args.js";
import { flagNames, jsonFlag, parseCommand, svgFlag, type CommandSpec } from "./flags.js";
import { jsonSvgOutputs, say, writeJson, writeOutput } from "./output.js";

/** `thermolearn kernel-update`. */
export const KERNEL_UPDATE: CommandSpec = {
  name: "kernel-update",
  summary: "Δw of a memory kernel under the sawtooth protocol (Falk et al.)",
  flags: [
    {
      name: "kernel",
      kind: "string",
      choices: ["ecoli", "sine", "exp", "feedback", "ladder"],
      help: "the memory kernel",
      default: "ecoli",
    },
    {
      name: "area",
      kind: "number",
      meta: "I",
      help: "area I of the E. coli kernel (negative too)",
      default: 0,
      option: "area",
    },
    {
      name: "tau-k",
      kind: "number",
      meta: "T",
      help: "time constant of --kernel exp",
      unit: "time",
      default: 0.1,
      option: "tau",
    },
    {
      name: "gamma",
      kind: "number",
      meta: "γ",
      help: "--kernel ladder: non-equilibrium factor γ",
      default: 0.01,
      option: "gamma",
    },
    {
      name: "F",
      kind: "number",
      meta: "F",
      help: "--kernel ladder: vertical rate factor",
      unit: "1/time",
      default: 25,
      option: "F",
    },
    {
      name: "s",
      kind: "number",
      meta: "S",
      help: "--kernel ladder: the step 0 → S",
      unit: "µM",
      default: 200,
      option: "s1",
    },
    {
      name: "tau-fast",
      kind: "number",
      meta: "τf",
      help: "fast phase of the sawtooth",
      unit: "time",
      default: 1,
      option: "tauFast",
    },
    {
      name: "tau-slow",
      kind: "number",
      meta: "τs",
      help: "slow phase of the sawtooth",
      unit: "time",
      default: 9,
      option: "tauSlow",
    },
    { name: "mean", kind: "number", meta: "s̄", help: "mean signal (negative too)", default: 0, option: "mean" },
    {
      name: "amplitudes",
      kind: "list",
      help: "amplitudes A to evaluate; without it, the curve: 400 in [0, 0.75·A_max] with offset and dynamic range",
      option: "amplitudes",
    },
    { name: "a-max", kind: "number", meta: "A", help: "A_max of the curve", default: 100, option: "aMax" },
    {
      name: "theta",
      kind: "number",
      meta: "θ",
      help: "threshold (Eq. 45)",
      default: "|−A_max/τs + I(s̄ + A_max/2)|",
      option: "theta",
    },
    {
      name: "dt",
      kind: "number",
      meta: "DT",
      help: "the kernel's grid",
      unit: "time",
      default: "1e-4; sine 0.01",
      option: "dt",
    },
    {
      name: "alignment",
      kind: "string",
      choices: ["scipy", "causal"],
      help: "convolution alignment (scipy: as the authors' code)",
      default: "scipy",
      option: "alignment",
    },
    jsonFlag(),
    svgFlag("Δw(A)"),
  ],
};

/** The flag of each option, for error messages. */
const FLAGS = flagNames(KERNEL_UPDATE);

/** The default grid of the sampled kernels (the sine kernel has its own, 0.01). */
const KERNEL_DT = 1e-4;

/** Amplitudes of the default curve: 400 in [0, 0.75·A_max] (Appendix E). */
const CURVE_POINTS = 400;

/** The kernel a kernel-update run asks for, on its grid. */
function kernelFor(name: string, num: Record<string, number | undefined>): SampledKernel {
  switch (name) {
    case "ecoli":
      return ecoliKernel({ area: num.area ?? 0, dt: num.dt ?? KERNEL_DT });
    case "sine":
      return sineKernel();
    case "exp":
      return exponentialKernel({ tau: num["tau-k"] ?? 0.1, dt: num.dt ?? KERNEL_DT });
    case "feedback":
      return feedbackKernel({ dt: num.dt ?? KERNEL_DT });
    case "ladder": {
      if (num.dt !== undefined && num.dt !== KERNEL_DT) {
        throw new UsageError("--dt must be 1e-4 for the ladder kernel (its unit-length grid)");
      }
      return ladderKernel({ gamma: num.gamma ?? 0.01, F: num.F ?? 25, s1: num.s ?? 200 }).kernel;
    }
    default:
      throw new UsageError(`--kernel must be one of "ecoli", "sine", "exp", "feedback", "ladder", got "${name}"`);
  }
}

export async function kernelUpdateCommand(argv: string[]): Promise<number> {
  const { num, str, list } = parseCommand(KERNEL_UPDATE, argv);
  const { json, svg } = await jsonSvgOutputs(str);
  const kernelName = str.kernel ?? "ecoli";
  if (kernelName !== "ecoli" && num.area !== undefined) throw new UsageError("--area applies to --kernel ecoli only");
  if (kernelName === "sine" && num.dt !== undefined && num.dt !== 0.01) {
    throw new UsageError("--dt must be 0.01 for the sine kernel (its grid, Eq. 31)");
  }
  const kernel = withFlags(FLAGS, () => kernelFor(kernelName, num));
  const tauFast = num["tau-fast"] ?? 1,
    tauSlow = num["tau-slow"] ?? 9;
  const mean = num.mean ?? 0,
    aMax = num["a-max"] ?? 100;
  // I of Eq. 45: the E. coli family's parameter, else the sampled kernel's own area.
  const area = kernelName === "ecoli" ? (num.area ?? 0) : kernelMoments(kernel).area;
  const theta = num.theta ?? Math.abs(-aMax / tauSlow + area * (mean + aMax / 2));
  const curve = list.amplitudes === undefined;
  const amplitudes =
    list.amplitudes ?? Array.from({ length: CURVE_POINTS }, (_, i) => (0.75 * aMax * i) / (CURVE_POINTS - 1));
  const alignment = (str.alignment ?? "scipy") as Alignment;
  const dw = withFlags(FLAGS, () =>
    weightUpdateCurve({
      kernel,
      dt: kernel.dt,
      tauFast,
      tauSlow,
      mean,
      theta,
      alignment,
      amplitudes,
    }),
  );
  const metrics = curve ? withFlags(FLAGS, () => curveMetrics(amplitudes, dw, aMax)) : null;
  say(
    `kernel ${kernelName}${kernelName === "ecoli" ? ` (I = ${area})` : ""}, dt = ${kernel.dt}, ` +
      `${kernel.values.length} taps; τ_f = ${tauFast}, τ_s = ${tauSlow}, s̄ = ${mean}, θ = ${theta.toPrecision(6)}, ` +
      `${alignment} alignment`,
  );
  if (metrics) {
    say(
      `curve of ${amplitudes.length} amplitudes in [0, ${0.75 * aMax}]: ` +
        `offset ${metrics.offset.toPrecision(4)} (units of A_max), ` +
        `dynamic range ${metrics.dynamicRange.toPrecision(4)} ` +
        `(τ_s/τ_f = ${(tauSlow / tauFast).toPrecision(4)}, Eq. 9)`,
    );
  } else {
    for (const [i, a] of amplitudes.entries()) say(`A = ${a}: Δw = ${dw[i].toPrecision(8)}`);
  }
  const config = {
    kernel: kernelName,
    area,
    dt: kernel.dt,
    taps: kernel.values.length,
    tauFast,
    tauSlow,
    mean,
    theta,
    alignment,
    aMax,
  };
  if (json) {
    const fitted = metrics ? { offset: metrics.offset, dynamicRange: metrics.dynamicRange, fit: metrics.fit } : {};
    writeJson(json, { version: VERSION, config, amplitudes, dw, ...fitted });
  }
  if (svg) {
    const title = `Weight update, ${kernelName} kernel, τ_f = ${tauFast}, τ_s = ${tauSlow}`;
    const series = [
      { name: "Δw", x: amplitudes, y: dw },
      { name: "Δw = A", x: amplitudes, y: amplitudes },
    ];
    const xLabel = "amplitude A (units of the signal s)",
      yLabel = "weight update Δw (units of s)";
    writeOutput(svg, await lineChartSvg({ title, xLabel, yLabel, series }));
  }
  return 0;
}
