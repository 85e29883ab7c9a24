/**
 * `thermolearn blog`: the blog's experiment (spec §1, seed 000/001): every learning rule at
 * n = 10⁴, k = 1, ν = 3√n, Δt = 10⁻³, B = 30, as a table of steady ε and heat, with
 * DIR/perceptron.json and DIR/perceptron.svg.
 */
import { join } from "node:path";
import {
  runPerceptronAsync,
  resolvePerceptronConfig,
  type LearningRule,
  type PerceptronResult,
  type PerceptronRunOptions,
} from "../../perceptron/index.js";
import { modelOptions } from "../../perceptron/run.js";
import { lineChartSvg, type Series } from "../../plot/index.js";
import { VERSION } from "../../version.js";
import { UsageError } from "./args.js";
import { checkOutputs, defaultSvgOutput, writeJson, writeOutput } from "./output.js";
import { hebbianTheory, perceptronArgs, progressFor, steadyEpsilon } from "./perceptron.js";
import { EXIT_DIVERGED, EXIT_INTERRUPTED, interruptOnSigint } from "./terminal.js";

/** The rules of the blog's table, in its order. */
const RULES: { label: string; rule: LearningRule; alpha?: number }[] = [
  { label: "Hebbian", rule: "hebbian" },
  { label: "Perceptron", rule: "perceptron" },
  { label: "AdaTron", rule: "adatron" },
  { label: "α-tron α=0.25", rule: "alphatron", alpha: 0.25 },
  { label: "α-tron α=0.5", rule: "alphatron", alpha: 0.5 },
];

/** One rule's run, under its label. */
interface LabelledRun {
  label: string;
  result: PerceptronResult;
}

/** The rate of heat per weight over the second half of the run (0 for a run of no time). */
function heatRate(result: PerceptronResult): number {
  const tEnd = result.t.at(-1) ?? 0;
  if (!(tEnd > 0)) return 0;
  const half = Math.floor(result.t.length / 2);
  return (result.heat.at(-1)! - result.heat[half]) / (tEnd - result.t[half]);
}

/** The table's row of one rule. */
function tableRow({ label, result }: LabelledRun, theory: { em: number } | null): string {
  const { mean, std } = steadyEpsilon(result);
  const analytic = result.config.rule === "hebbian" && theory ? `${theory.em.toFixed(4)} (EM)` : "";
  const steady = `${mean.toFixed(4)} ± ${std.toFixed(4)}`;
  const heat = heatRate(result).toFixed(1);
  return `${label.padEnd(16)}${steady.padEnd(20)}${analytic.padEnd(20)}${heat.padEnd(18)}${result.status}`;
}

export async function blogCommand(argv: string[]): Promise<number> {
  const { run, values } = perceptronArgs(argv, ["out"]);
  for (const key of ["rule", "alpha", "json", "svg"]) {
    if (values[key] !== undefined) throw new UsageError(`--${key} is not a blog flag (the blog runs every rule)`);
  }
  const outDir = values.out ?? "results";
  if (outDir.trim() === "") throw new UsageError('--out needs a directory name, got ""');
  const json = { flag: "--out", path: join(outDir, "perceptron.json") };
  const svgPath = { flag: "--out", path: join(outDir, "perceptron.svg") };
  const base: PerceptronRunOptions = { tEnd: 10, ...run };
  const config = resolvePerceptronConfig(modelOptions(base));
  checkOutputs([json, svgPath]);
  const svg = await defaultSvgOutput(svgPath);
  const theory = hebbianTheory(config);
  const results: LabelledRun[] = [];
  const sigint = interruptOnSigint();
  try {
    for (const [i, spec] of RULES.entries()) {
      const { bar, onProgress } = progressFor(`${i + 1}/${RULES.length} ${spec.label}`);
      const options = { ...base, rule: spec.rule, alpha: spec.alpha, onProgress, signal: sigint.signal };
      const result = await runPerceptronAsync(options).finally(() => bar.done());
      results.push({ label: spec.label, result });
      if (result.status === "aborted") break;
    }
  } finally {
    sigint.release();
  }
  // Interrupted: the runs done, the one stopped (status "aborted"), and no line for those not started.
  const status = results.at(-1)!.result.status === "aborted" ? "aborted" : "completed";
  const nuTilde = (config.nu / Math.sqrt(config.n)).toFixed(2);
  console.log(
    `Stochastic perceptron, n = ${config.n}, k = ${config.k}, ν = ${config.nu.toFixed(1)} (ν̃ = ${nuTilde}), ` +
      `Δt = ${config.dt}, B = ${config.batch}, t_end = ${results[0].result.t.at(-1)}, seed ${config.seed}`,
  );
  console.log(`steady ε = mean over the second half of the run (± its standard deviation in time)\n`);
  console.log(
    `${"rule".padEnd(16)}${"steady ε".padEnd(20)}${"analytic (Hebbian)".padEnd(20)}` +
      `${"heat/weight/time".padEnd(18)}status`,
  );
  for (const row of results) console.log(tableRow(row, theory));
  if (theory) {
    console.log(`\nHebbian, time-scale separated (no discretisation noise): ε_∞ = ${theory.infinity.toFixed(4)}`);
  }
  writeJson(json, {
    version: VERSION,
    experiment: "blog",
    status,
    analytic: { hebbianEpsilonEM: theory?.em ?? null, hebbianEpsilonInfinity: theory?.infinity ?? null },
    runs: results.map(({ label, result }) => ({ label, ...result })),
  });
  const series: Series[] = results.map(({ label, result }) => ({ name: label, x: result.t, y: result.epsilon }));
  const referenceLines = theory ? [{ name: "Hebbian, analytic (EM)", y: theory.em }] : [];
  const title = `Generalisation error ε(t), n = ${config.n}, B = ${config.batch}`;
  if (svg) writeOutput(svg, await lineChartSvg({ title, xLabel: "t", yLabel: "ε", series, referenceLines }));
  console.log(svg ? `wrote ${json.path} and ${svg.path}` : `wrote ${json.path}`);
  if (status === "aborted") {
    console.error(
      `thermolearn: interrupted during ${results.at(-1)!.label}; ${results.length - 1} of ${RULES.length} ` +
        `rules completed, all kept (status "aborted")`,
    );
    return EXIT_INTERRUPTED;
  }
  return results.some((r) => r.result.status === "diverged") ? EXIT_DIVERGED : 0;
}
