/**
 * `thermolearn blog`: the blog's experiment (spec §1, seed 000/001): every learning rule at
 * n = 10⁴, k = 1, ν = 3√n, Δt = 10⁻³, B = 30, as a table of steady ε and the steady heat rate split
 * into housekeeping and excess parts (Wennberg), with DIR/perceptron.json and DIR/perceptron.svg.
 */
import { join } from "node:path";
import {
  runPerceptronAsync,
  resolvePerceptronConfig,
  type LearningRule,
  type PerceptronResult,
  type PerceptronRunOptions,
  perceptronRates,
} from "../../perceptron/index.js";
import { modelOptions } from "../../perceptron/run.js";
import { lineChartSvg, type Series } from "../../plot/index.js";
import { VERSION } from "../../version.js";
import { UsageError } from "./args.js";
import { checkOutputs, defaultSvgOutput, writeJson, writeOutput } from "./output.js";
import { hebbianTheory, perceptronArgs, progressFor, steadyEpsilon } from "./perceptron.js";
import { EXIT_DIVERGED, EXIT_INTERRUPTED, interruptOnSigint } from "./terminal.js";

/** The rules of the blog's table, in its order (also `thermolearn theory`'s). */
export const BLOG_RULES: { label: string; rule: LearningRule; alpha?: number }[] = [
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

/**
 * Heat, housekeeping and excess rates per weight per unit time over the second half of the run
 * (perceptronRates); null for a run with fewer than two records there (e.g. aborted at once).
 */
function steadyRates(result: PerceptronResult): { heat: number; housekeeping: number; excess: number } | null {
  const tEnd = result.t.at(-1) ?? 0;
  if (!(tEnd > 0) || result.t.length < 3) return null;
  const rates = perceptronRates(result, { from: result.t[Math.floor(result.t.length / 2)] });
  return {
    heat: rates.heat.perWeight,
    housekeeping: rates.housekeeping?.perWeight ?? Number.NaN,
    excess: rates.excess?.perWeight ?? Number.NaN,
  };
}

/** A rate for the table: one decimal, or "–" where the run has none. */
const rateCell = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "–" : x.toFixed(1)).padEnd(12);

/** The table's row of one rule. */
function tableRow({ label, result }: LabelledRun, theory: { em: number } | null): string {
  const { mean, std } = steadyEpsilon(result);
  const analytic = result.config.rule === "hebbian" && theory ? `${theory.em.toFixed(4)} (EM)` : "";
  const steady = `${mean.toFixed(4)} ± ${std.toFixed(4)}`;
  const rates = steadyRates(result);
  const split = `${rateCell(rates?.heat)}${rateCell(rates?.housekeeping)}${rateCell(rates?.excess)}`;
  return `${label.padEnd(16)}${steady.padEnd(20)}${analytic.padEnd(20)}${split}${result.status}`;
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
    for (const [i, spec] of BLOG_RULES.entries()) {
      const { bar, onProgress } = progressFor(`${i + 1}/${BLOG_RULES.length} ${spec.label}`);
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
  console.log(`steady ε = mean over the second half of the run (± its standard deviation in time)`);
  console.log(
    "heat rates in nats per weight per unit time over the second half: total = housekeeping (what batch " +
      "learning also dissipates) + excess (input fluctuations)\n",
  );
  console.log(
    `${"rule".padEnd(16)}${"steady ε".padEnd(20)}${"analytic (Hebbian)".padEnd(20)}` +
      `${"heat".padEnd(12)}${"housekeep.".padEnd(12)}${"excess".padEnd(12)}status`,
  );
  for (const row of results) console.log(tableRow(row, theory));
  const fluctuation = (config.nu * config.nu * (1 - 2 / (Math.PI * config.n))) / config.batch;
  console.log(
    `\nHebbian excess, spec §1's corrected fluctuation term ν²(1 − 2/(πn))/B = ${fluctuation.toFixed(1)}; ` +
      "in steady state the housekeeping part vanishes for every rule (each averaged force is a gradient)",
  );
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
      `thermolearn: interrupted during ${results.at(-1)!.label}; ${results.length - 1} of ${BLOG_RULES.length} ` +
        `rules completed, all kept (status "aborted")`,
    );
    return EXIT_INTERRUPTED;
  }
  return results.some((r) => r.result.status === "diverged") ? EXIT_DIVERGED : 0;
}
