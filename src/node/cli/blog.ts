/**
 * `thermolearn blog`: the blog's experiment (spec §1, seed 000/001): every learning rule at
 * n = 10⁴, k = 1, ν = 3√n, Δt = 10⁻³, B = 30, as a table of steady ε and the steady heat rate split
 * into housekeeping and excess parts (Wennberg), with DIR/perceptron.json and DIR/perceptron.svg.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
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
import type { CommandSpec } from "./flags.js";
import { parseCommand } from "./flags.js";
import { checkOutputs, defaultSvgOutput, say, writeJson, writeOutput } from "./output.js";
import {
  PERCEPTRON,
  PERCEPTRON_RUN_FLAGS,
  hebbianTheory,
  perceptronRun,
  progressFor,
  steadyEpsilon,
} from "./perceptron.js";
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

/** `thermolearn blog`: the perceptron's flags without --rule and --alpha (it runs every rule), and --out. */
export const BLOG: CommandSpec = {
  name: "blog",
  summary: "the blog's experiment: every learning rule at n = 10⁴, table + plot",
  flags: [
    ...PERCEPTRON_RUN_FLAGS.filter((f) => f.name !== "rule" && f.name !== "alpha"),
    {
      name: "out",
      kind: "string",
      meta: "DIR",
      help: "write DIR/perceptron.json and DIR/perceptron.svg (DIR is made if its parent exists)",
      default: "results",
    },
  ],
  notes: ['Ctrl-C keeps the rules done and the one stopped (status "aborted", exit 130).'],
  names: PERCEPTRON.names,
};

/**
 * The output directory of --out: refused up front when it is a file, or when it is missing and so is
 * its parent (one missing level is made, as `mkdir DIR` would; a deeper typo is not).
 */
function outDirectory(outDir: string, given: boolean): void {
  if (outDir.trim() === "") throw new UsageError('--out needs a directory name, got ""');
  if (!given || existsSync(outDir)) return;
  const parent = dirname(resolve(outDir));
  if (!existsSync(parent)) throw new UsageError(`--out ${outDir}: the directory ${dirname(outDir)} does not exist`);
}

export async function blogCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand(BLOG, argv);
  const run = perceptronRun(parsed);
  const outDir = parsed.str.out ?? "results";
  outDirectory(outDir, parsed.str.out !== undefined);
  const json = { flag: "--out", path: join(outDir, "perceptron.json"), create: true };
  const svgPath = { flag: "--out", path: join(outDir, "perceptron.svg"), create: true };
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
  say(
    `Stochastic perceptron, n = ${config.n}, k = ${config.k}, ν = ${config.nu.toFixed(1)} (ν̃ = ${nuTilde}), ` +
      `Δt = ${config.dt}, B = ${config.batch}, t_end = ${results[0].result.t.at(-1)}, seed ${config.seed}`,
  );
  say(`steady ε = mean over the second half of the run (± its standard deviation in time)`);
  say(
    "heat rates in nats per weight per unit time over the second half: total = housekeeping (what batch " +
      "learning also dissipates) + excess (input fluctuations)\n",
  );
  say(
    `${"rule".padEnd(16)}${"steady ε".padEnd(20)}${"analytic (Hebbian)".padEnd(20)}` +
      `${"heat".padEnd(12)}${"housekeep.".padEnd(12)}${"excess".padEnd(12)}status`,
  );
  for (const row of results) say(tableRow(row, theory));
  const fluctuation = (config.nu * config.nu * (1 - 2 / (Math.PI * config.n))) / config.batch;
  say(
    `\nHebbian excess, spec §1's corrected fluctuation term ν²(1 − 2/(πn))/B = ${fluctuation.toFixed(1)}; ` +
      "in steady state the housekeeping part vanishes for every rule (each averaged force is a gradient)",
  );
  if (theory) {
    say(`\nHebbian, time-scale separated (no discretisation noise): ε_∞ = ${theory.infinity.toFixed(4)}`);
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
  const [xLabel, yLabel] = ["time t (model units)", "generalisation error ε (fraction)"];
  if (svg) writeOutput(svg, await lineChartSvg({ title, xLabel, yLabel, series, referenceLines }));
  if (status === "aborted") {
    console.error(
      `thermolearn: interrupted during ${results.at(-1)!.label}; ${results.length - 1} of ${BLOG_RULES.length} ` +
        `rules completed, all kept (status "aborted")`,
    );
    return EXIT_INTERRUPTED;
  }
  return results.some((r) => r.result.status === "diverged") ? EXIT_DIVERGED : 0;
}
