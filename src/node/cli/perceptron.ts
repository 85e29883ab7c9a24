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
  type PerceptronConfig,
  type PerceptronResult,
  type PerceptronRunOptions,
} from "../../perceptron/index.js";
import { modelOptions, perceptronRates } from "../../perceptron/run.js";
import { lineChartSvg } from "../../plot/index.js";
import { mean, std } from "../../math/stats.js";
import * as check from "../../core/validate.js";
import { UsageError, withFlags } from "./args.js";
import {
  alphaFlag,
  flagNames,
  jsonFlag,
  learningRuleFlag,
  optionsFromFlags,
  parseCommand,
  seedFlag,
  svgFlag,
  type CommandSpec,
  type FlagSpec,
  type ParsedFlags,
} from "./flags.js";
import { jsonSvgOutputs, say, writeJson, writeOutput } from "./output.js";
import { EXIT_DIVERGED, EXIT_INTERRUPTED, interruptOnSigint, progressBar, type CliProgress } from "./terminal.js";

/** The perceptron's flags (shared with `thermolearn blog`, which leaves out --rule, --alpha, --json, --svg). */
export const PERCEPTRON_RUN_FLAGS: readonly FlagSpec[] = [
  learningRuleFlag(),
  alphaFlag(),
  { name: "n", kind: "number", meta: "N", help: "weights", default: 10000, option: "n" },
  { name: "k", kind: "number", meta: "K", help: "restoring force (--k 0 needs --init zero)", default: 1, option: "k" },
  { name: "nu", kind: "number", meta: "NU", help: "learning rate ν", default: "3·√n", option: "nu" },
  {
    name: "nu-tilde",
    kind: "number",
    meta: "V",
    help: "learning rate as ν̃ = ν/√n (instead of --nu)",
    option: "nuTilde",
  },
  { name: "D", kind: "number", meta: "D", help: "diffusion constant = temperature", default: 1, option: "D" },
  { name: "dt", kind: "number", meta: "DT", help: "Euler–Maruyama step", unit: "time", default: 0.001, option: "dt" },
  { name: "batch", kind: "number", meta: "B", help: "inputs per step", default: 30, option: "batch" },
  { name: "steps", kind: "number", meta: "S", help: "run length in steps (instead of --t-end)", option: "steps" },
  { name: "t-end", kind: "number", meta: "T", help: "run length", unit: "time", default: 10, option: "tEnd" },
  {
    name: "record-every",
    kind: "number",
    meta: "R",
    help: "record the observables every R steps",
    default: "steps/500",
    option: "recordEvery",
  },
  {
    name: "trajectories",
    kind: "number",
    meta: "M",
    help: "independent trajectories",
    default: 1,
    option: "trajectories",
  },
  seedFlag(),
  {
    name: "train-size",
    kind: "number",
    meta: "P",
    help: "fixed training set of P inputs (0: online, fresh inputs)",
    default: 0,
    option: "trainSize",
  },
  {
    name: "test-size",
    kind: "number",
    meta: "P",
    help: "held-out test set for the finite-n error",
    default: 0,
    option: "testSize",
  },
  {
    name: "init",
    kind: "string",
    choices: ["equilibrium", "zero"],
    help: "start: w ~ N(0, D/k), or w = 0",
    default: "equilibrium",
    option: "init",
  },
  {
    name: "inputs",
    kind: "string",
    choices: ["sampled", "averaged"],
    help: "B inputs a step, or the input-averaged force (with --train-size: batch learning)",
    default: "sampled",
    option: "inputs",
  },
  {
    name: "labels",
    kind: "string",
    choices: ["teacher", "random"],
    help: "the teacher's labels, or i.i.d. random labels of the training set",
    default: "teacher",
    option: "labels",
  },
];

/** `thermolearn perceptron`. */
export const PERCEPTRON: CommandSpec = {
  name: "perceptron",
  summary: "one stochastic perceptron run (Langevin, Euler–Maruyama; the blog's parameters)",
  flags: [...PERCEPTRON_RUN_FLAGS, jsonFlag(), svgFlag("ε(t)")],
  notes: ['Ctrl-C stops the run and writes what was computed (status "aborted", exit 130); diverged: exit 3.'],
  // Not a flag: the CLI keeps the library's default bound, named in words.
  names: { maxWeightRms: "the divergence bound on |w|/√n" },
};

/** The flag of each perceptron option, for error messages. */
export const PERCEPTRON_FLAGS: Record<string, string> = flagNames(PERCEPTRON);

/** The perceptron flags as run options (checked by the library; its errors name the option, main.ts the flag). */
export function perceptronRun(parsed: ParsedFlags): PerceptronRunOptions {
  const run = optionsFromFlags(PERCEPTRON, parsed) as PerceptronRunOptions;
  if (run.init !== undefined) {
    run.init = withFlags(PERCEPTRON_FLAGS, () => check.oneOf("init", run.init, ["equilibrium", "zero"] as const));
  }
  // k = 0 has no equilibrium to start from (w ~ N(0, D/k)); say so in flags, not in library options.
  if (run.k === 0 && (run.init ?? "equilibrium") === "equilibrium") {
    throw new UsageError(
      "--k 0 needs --init zero: the default start, --init equilibrium, draws w ~ N(0, D/k) and needs --k > 0",
    );
  }
  return run;
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
  const parsed = parseCommand(PERCEPTRON, argv);
  const run = perceptronRun(parsed);
  const values = parsed.str;
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
  say(configLine(config));
  const seconds = (result.elapsedMs / 1000).toFixed(2);
  say(`steps ${result.steps}, t = ${tEnd}, ${seconds} s on the ${result.backend} build`);
  if (result.t.length > 0) say(resultLine(result));
  const rates = ratesLine(result);
  if (rates) say(rates);
  if (theory) say(`analytic Hebbian ε with Euler–Maruyama/batch noise: ${theory.em.toFixed(4)}`);
  if (json) writeJson(json, result);
  if (svg) {
    const referenceLines = theory ? [{ name: "analytic (EM)", y: theory.em }] : [];
    const series = [{ name: config.rule, x: result.t, y: result.epsilon }];
    const title = `Generalisation error, ${config.rule}`;
    const xLabel = "time t (model units)",
      yLabel = "generalisation error ε (fraction)";
    writeOutput(svg, await lineChartSvg({ title, xLabel, yLabel, series, referenceLines }));
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
