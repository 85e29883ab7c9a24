/**
 * `thermolearn perceptron`: one run of the stochastic perceptron (Langevin dynamics, Euler–Maruyama),
 * with a summary on stdout, the result as JSON and ε(t) as SVG. The flag parsing, the analytic
 * Hebbian ε and the steady-state summary here are shared with `thermolearn blog` (./blog.ts).
 */
import {
  runPerceptronAsync,
  hebbianEpsilon,
  hebbianEpsilonEM,
  resolvePerceptronConfig,
  type LearningRule,
  type PerceptronConfig,
  type PerceptronResult,
  type PerceptronRunOptions,
} from "../../perceptron/index.js";
import { modelOptions, perceptronRates } from "../../perceptron/run.js";
import { lineChartSvg } from "../../plot/index.js";
import { mean, std } from "../../math/stats.js";
import * as check from "../../core/validate.js";
import { UsageError, parseFlags, withFlags } from "./args.js";
import { jsonSvgOutputs, writeJson, writeOutput } from "./output.js";
import { EXIT_DIVERGED, EXIT_INTERRUPTED, interruptOnSigint, progressBar, type CliProgress } from "./terminal.js";

/** The perceptron's number flags and the run options they set. */
const NUMBER_FLAGS = {
  alpha: "alpha",
  n: "n",
  k: "k",
  nu: "nu",
  "nu-tilde": "nuTilde",
  D: "D",
  dt: "dt",
  batch: "batch",
  steps: "steps",
  "t-end": "tEnd",
  "record-every": "recordEvery",
  trajectories: "trajectories",
  seed: "seed",
  "train-size": "trainSize",
  "test-size": "testSize",
} as const;

/** The flag of each perceptron option, for error messages (main.ts applies it to every command's errors). */
export const PERCEPTRON_FLAGS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(NUMBER_FLAGS).map(([flag, key]) => [key, `--${flag}`])),
  rule: "--rule",
  init: "--init",
  inputs: "--inputs",
  labels: "--labels",
  // Not a flag: the CLI keeps the library's default bound, named in words.
  maxWeightRms: "the divergence bound on |w|/√n",
};

/** The perceptron flags as run options (numbers named in errors), and the string flags (`extra` too). */
export function perceptronArgs(argv: string[], extra: string[] = []) {
  const strings = ["rule", "init", "inputs", "labels", "json", "svg", ...extra];
  const { num, str } = parseFlags(argv, Object.keys(NUMBER_FLAGS), strings);
  const run: PerceptronRunOptions = {};
  for (const [flag, key] of Object.entries(NUMBER_FLAGS)) {
    if (num[flag] !== undefined) (run as Record<string, number>)[key] = num[flag]!;
  }
  if (str.rule !== undefined) run.rule = str.rule as LearningRule;
  // Checked by the library (its errors name the option; main.ts maps them to these flags).
  if (str.inputs !== undefined) run.inputs = str.inputs as PerceptronRunOptions["inputs"];
  if (str.labels !== undefined) run.labels = str.labels as PerceptronRunOptions["labels"];
  if (str.init !== undefined) {
    run.init = withFlags(PERCEPTRON_FLAGS, () => check.oneOf("init", str.init, ["equilibrium", "zero"] as const));
  }
  // k = 0 has no equilibrium to start from (w ~ N(0, D/k)); say so in flags, not in library options.
  if (run.k === 0 && (run.init ?? "equilibrium") === "equilibrium") {
    throw new UsageError(
      "--k 0 needs --init zero: the default start, --init equilibrium, draws w ~ N(0, D/k) and needs --k > 0",
    );
  }
  return { run, values: str };
}

/** A progress bar labelled `label` and the run's onProgress that moves it, noting the time reached. */
export function progressFor(label: string): { bar: CliProgress; onProgress: PerceptronRunOptions["onProgress"] } {
  const bar = progressBar(label);
  return { bar, onProgress: (p) => bar.update(p.fraction, `t = ${p.t.toFixed(2)}`) };
}

/**
 * The analytic Hebbian ε at a run's parameters, with Euler–Maruyama/batch noise (em) and without
 * (infinity); null where the formulas do not apply (k = 0 has no steady state; parameters past
 * their range). Computed before the run, so it cannot fail after it.
 */
export function hebbianTheory(config: PerceptronConfig): { em: number; infinity: number } | null {
  const { n, nu, dt, batch, k, D } = config;
  if (!(k > 0)) return null;
  try {
    return {
      em: hebbianEpsilonEM({ n, nu, dt, batch, k, D }),
      infinity: hebbianEpsilon({ nuTilde: nu / Math.sqrt(n), k, D }),
    };
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/** Mean and sample standard deviation of ε over the second half of the run (the steady state). */
export function steadyEpsilon(result: PerceptronResult): { mean: number; std: number } {
  const tEnd = result.t.at(-1) ?? 0;
  const values = result.epsilon.filter((_, i) => result.t[i] >= tEnd / 2);
  return { mean: mean(values), std: std(values) };
}

/** The run's parameters in one line. */
function configLine(config: PerceptronConfig): string {
  const alpha = config.rule === "alphatron" ? ` (α = ${config.alpha})` : "";
  return (
    `rule ${config.rule}${alpha}, n = ${config.n}, ν = ${config.nu.toFixed(2)}, k = ${config.k}, ` +
    `Δt = ${config.dt}, B = ${config.batch}, ${config.trajectories} trajectory(ies), seed ${config.seed}`
  );
}

/** The final values and the steady ε of a run with at least one record. */
function resultLine(result: PerceptronResult): string {
  const { mean, std } = steadyEpsilon(result);
  const eta = result.efficiency ? `, η = ${result.efficiency.at(-1)!.toPrecision(4)}` : "";
  return (
    `final ε = ${result.epsilon.at(-1)!.toFixed(4)}, ` +
    `steady ε (second half) = ${mean.toFixed(4)} ± ${std.toFixed(4)}, ` +
    `I = ${result.information.at(-1)!.toFixed(4)} nats, heat/weight = ${result.heat.at(-1)!.toFixed(2)} nats${eta}`
  );
}

/**
 * The heat rate over the second half of the run, per weight per unit time, split into housekeeping and
 * excess where the run has the split; null for runs too short to have two records there.
 */
function ratesLine(result: PerceptronResult): string | null {
  if (result.t.length < 3) return null;
  const r = perceptronRates(result, { from: result.t[Math.floor(result.t.length / 2)] });
  const f = (x: number) => x.toFixed(2);
  const split =
    r.housekeeping && r.excess
      ? ` = housekeeping ${f(r.housekeeping.perWeight)} + excess ${f(r.excess.perWeight)}`
      : "";
  return `heat rate (second half) ${f(r.heat.perWeight)}${split} nats per weight per unit time`;
}

export async function perceptronCommand(argv: string[]): Promise<number> {
  const { run, values } = perceptronArgs(argv);
  const config = resolvePerceptronConfig(modelOptions(run));
  const { json, svg } = await jsonSvgOutputs(values);
  const theory = config.rule === "hebbian" ? hebbianTheory(config) : null;
  const { bar, onProgress } = progressFor(`perceptron ${config.rule}`);
  const sigint = interruptOnSigint();
  const result = await runPerceptronAsync({ ...run, onProgress, signal: sigint.signal }).finally(() => {
    sigint.release();
    bar.done();
  });
  const tEnd = (result.t.at(-1) ?? 0).toFixed(3);
  console.log(configLine(config));
  const seconds = (result.elapsedMs / 1000).toFixed(2);
  console.log(`steps ${result.steps}, t = ${tEnd}, ${seconds} s on the ${result.backend} build`);
  if (result.t.length > 0) console.log(resultLine(result));
  const rates = ratesLine(result);
  if (rates) console.log(rates);
  if (theory) console.log(`analytic Hebbian ε with Euler–Maruyama/batch noise: ${theory.em.toFixed(4)}`);
  if (json) writeJson(json, result);
  if (svg) {
    const referenceLines = theory ? [{ name: "analytic (EM)", y: theory.em }] : [];
    const series = [{ name: config.rule, x: result.t, y: result.epsilon }];
    const title = `Generalisation error, ${config.rule}`;
    writeOutput(svg, await lineChartSvg({ title, xLabel: "t", yLabel: "ε", series, referenceLines }));
  }
  if (result.status === "diverged") {
    console.error(
      `thermolearn: the simulation diverged at t = ${result.divergedAt} (weights became non-finite or ` +
        `|w|/√n > ${config.maxWeightRms}); results up to then were kept`,
    );
    return EXIT_DIVERGED;
  }
  if (result.status === "aborted") {
    console.error(`thermolearn: interrupted at t = ${tEnd}; the results up to then were kept (status "aborted")`);
    return EXIT_INTERRUPTED;
  }
  return 0;
}
