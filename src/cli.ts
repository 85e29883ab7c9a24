#!/usr/bin/env node
/**
 * The thermolearn command line.
 *
 *   thermolearn perceptron [flags]   one run of the stochastic perceptron, with JSON/SVG output
 *   thermolearn blog [flags]         the blog's experiment: every rule at n = 10⁴, table + plot
 *
 * Exit codes: 0 done; 1 unexpected failure; 2 bad input; 3 the simulation diverged.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import {
  runPerceptron, hebbianEpsilon, hebbianEpsilonEM, resolvePerceptronConfig, modelOptions, type LearningRule,
  type PerceptronResult, type PerceptronRunOptions,
} from "./perceptron.js";
import { lineChartSvg, type Series } from "./plot.js";
import { ProgressBar } from "./core/progress.js";
import { VERSION } from "./version.js";

/** A bad flag or value: reported with exit code 2. */
class UsageError extends Error {}

const USAGE = `thermolearn ${VERSION}: the thermodynamics of learning

Usage:
  thermolearn perceptron [flags]   simulate a stochastic perceptron (Langevin, Euler–Maruyama)
  thermolearn blog [flags]         the blog's experiment: Hebbian, Perceptron, AdaTron, α-tron (α = 0.25, 0.5)
  thermolearn --help | --version

perceptron flags (defaults: the blog's parameters):
  --rule R            hebbian | perceptron | adatron | alphatron   (hebbian)
  --alpha A           α of the α-tron                              (0.5)
  --n N               weights                                      (10000)
  --k K               restoring force                              (1)
  --nu NU             learning rate                                (3·√n)
  --D D               diffusion constant = temperature             (1)
  --dt DT             Euler–Maruyama step                          (0.001)
  --batch B           inputs per step                              (30)
  --steps S | --t-end T   run length                               (t-end 10)
  --record-every R    record observables every R steps             (steps/500)
  --trajectories M    independent trajectories                     (1)
  --seed S            integer seed                                 (0)
  --train-size P      fixed training set of P inputs (0: online)   (0)
  --test-size P       held-out test set for the finite-n error     (0)
  --json FILE         write the results as JSON
  --svg FILE          write a plot of ε(t) as SVG

blog flags: --t-end, --trajectories, --seed, --out DIR (results), plus --n, --dt, --batch.
`;

const NUMBER_FLAGS = {
  alpha: "alpha", n: "n", k: "k", nu: "nu", D: "D", dt: "dt", batch: "batch", steps: "steps", "t-end": "tEnd",
  "record-every": "recordEvery", trajectories: "trajectories", seed: "seed", "train-size": "trainSize", "test-size": "testSize",
} as const;
const FLAG_OF: Record<string, string> = {
  ...Object.fromEntries(Object.entries(NUMBER_FLAGS).map(([flag, key]) => [key, `--${flag}`])),
  rule: "--rule",
};

function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) throw new UsageError(`--${flag} expects a number, got "${text}"`);
  return value;
}

/** Rewrites "tEnd must be …" into "--t-end must be …" so messages name the flag the user typed. */
function flagMessage(message: string): string {
  return message.replace(/^([A-Za-z]+)/, (name) => FLAG_OF[name] ?? name);
}

function perceptronArgs(argv: string[], extra: Record<string, { type: "string" }> = {}) {
  const options = Object.fromEntries([...Object.keys(NUMBER_FLAGS), "rule", "json", "svg", ...Object.keys(extra)].map((f) => [f, { type: "string" as const }]));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | undefined>;
  const run: PerceptronRunOptions = {};
  for (const [flag, key] of Object.entries(NUMBER_FLAGS)) {
    const text = values[flag];
    if (text !== undefined) (run as Record<string, number>)[key] = parseNumber(flag, text);
  }
  if (values.rule !== undefined) run.rule = values.rule as LearningRule;
  return { run, values };
}

function progressFor(label: string): { bar: ProgressBar; onProgress: PerceptronRunOptions["onProgress"] } {
  const bar = new ProgressBar(label, process.stderr);
  return { bar, onProgress: (p) => bar.update(p.fraction, `t = ${p.t.toFixed(2)}`) };
}

/** The result as plain JSON: typed arrays become arrays (all finite by construction). */
function resultJson(result: PerceptronResult): Record<string, unknown> {
  const plain = (x: unknown): unknown => (ArrayBuffer.isView(x) ? Array.from(x as Float64Array) : x);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    out[key] = key === "std" ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, plain(v)])) : plain(value);
  }
  return out;
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Mean and standard deviation of ε over the second half of the run (the steady state). */
function steadyEpsilon(result: PerceptronResult): { mean: number; std: number } {
  const tEnd = result.t.at(-1) ?? 0;
  const values = result.epsilon.filter((_, i) => result.t[i] >= tEnd / 2);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, std };
}

async function perceptronCommand(argv: string[]): Promise<number> {
  const { run, values } = perceptronArgs(argv);
  const config = resolvePerceptronConfig(modelOptions(run));
  const { bar, onProgress } = progressFor(`perceptron ${config.rule}`);
  const result = await runPerceptron({ ...run, onProgress });
  bar.done();
  const { mean, std } = steadyEpsilon(result);
  console.log(`rule ${config.rule}${config.rule === "alphatron" ? ` (α = ${config.alpha})` : ""}, n = ${config.n}, ν = ${config.nu.toFixed(2)}, k = ${config.k}, Δt = ${config.dt}, B = ${config.batch}, ${config.trajectories} trajectory(ies), seed ${config.seed}`);
  console.log(`steps ${result.steps}, t = ${(result.t.at(-1) ?? 0).toFixed(3)}, ${(result.elapsedMs / 1000).toFixed(2)} s on the ${result.backend} build`);
  if (result.t.length > 0) {
    console.log(`final ε = ${result.epsilon.at(-1)!.toFixed(4)}, steady ε (second half) = ${mean.toFixed(4)} ± ${std.toFixed(4)}, I = ${result.information.at(-1)!.toFixed(4)} nats, heat/weight = ${result.heat.at(-1)!.toFixed(2)} nats`);
  }
  if (config.rule === "hebbian") console.log(`analytic Hebbian ε with Euler–Maruyama/batch noise: ${hebbianEpsilonEM(config).toFixed(4)}`);
  if (values.json) writeFile(values.json, JSON.stringify(resultJson(result), null, 1) + "\n");
  if (values.svg) {
    const referenceLines = config.rule === "hebbian" ? [{ name: "analytic (EM)", y: hebbianEpsilonEM(config) }] : [];
    writeFile(values.svg, await lineChartSvg({ title: `Generalisation error, ${config.rule}`, xLabel: "t", yLabel: "ε", series: [{ name: config.rule, x: result.t, y: result.epsilon }], referenceLines }));
  }
  if (result.status === "diverged") {
    console.error(`thermolearn: the simulation diverged at t = ${result.divergedAt} (weights became non-finite or |w|/√n > ${config.maxWeightRms}); results up to then were kept`);
    return 3;
  }
  return 0;
}

/** The blog's experiment (spec §1, seed 000/001): every rule at n = 10⁴, k = 1, ν = 3√n, Δt = 10⁻³, B = 30. */
async function blogCommand(argv: string[]): Promise<number> {
  const { run, values } = perceptronArgs(argv, { out: { type: "string" } });
  for (const key of ["rule", "alpha", "json", "svg"]) {
    if (values[key] !== undefined) throw new UsageError(`--${key} is not a blog flag (the blog runs every rule)`);
  }
  const outDir = values.out ?? "results";
  const rules: { label: string; rule: LearningRule; alpha?: number }[] = [
    { label: "Hebbian", rule: "hebbian" },
    { label: "Perceptron", rule: "perceptron" },
    { label: "AdaTron", rule: "adatron" },
    { label: "α-tron α=0.25", rule: "alphatron", alpha: 0.25 },
    { label: "α-tron α=0.5", rule: "alphatron", alpha: 0.5 },
  ];
  const base: PerceptronRunOptions = { tEnd: 10, ...run };
  const config = resolvePerceptronConfig(modelOptions(base));
  const results: { label: string; result: PerceptronResult }[] = [];
  for (const [i, spec] of rules.entries()) {
    const { bar, onProgress } = progressFor(`${i + 1}/${rules.length} ${spec.label}`);
    const result = await runPerceptron({ ...base, rule: spec.rule, alpha: spec.alpha, onProgress });
    bar.done();
    results.push({ label: spec.label, result });
  }
  const analyticEM = hebbianEpsilonEM(config);
  const analyticInf = hebbianEpsilon({ nuTilde: config.nu / Math.sqrt(config.n), k: config.k, D: config.D });
  console.log(`Stochastic perceptron, n = ${config.n}, k = ${config.k}, ν = ${config.nu.toFixed(1)} (ν̃ = ${(config.nu / Math.sqrt(config.n)).toFixed(2)}), Δt = ${config.dt}, B = ${config.batch}, t_end = ${results[0].result.t.at(-1)}, seed ${config.seed}`);
  console.log(`steady ε = mean over the second half of the run (± its standard deviation in time)\n`);
  console.log(`${"rule".padEnd(16)}${"steady ε".padEnd(20)}${"analytic (Hebbian)".padEnd(20)}${"heat/weight/time".padEnd(18)}status`);
  for (const { label, result } of results) {
    const { mean, std } = steadyEpsilon(result);
    const analytic = result.config.rule === "hebbian" ? `${analyticEM.toFixed(4)} (EM)` : "";
    const tEnd = result.t.at(-1) ?? 0;
    const heatRate = tEnd > 0 ? (result.heat.at(-1)! - result.heat[Math.floor(result.t.length / 2)]) / (tEnd - result.t[Math.floor(result.t.length / 2)]) : 0;
    console.log(`${label.padEnd(16)}${`${mean.toFixed(4)} ± ${std.toFixed(4)}`.padEnd(20)}${analytic.padEnd(20)}${heatRate.toFixed(1).padEnd(18)}${result.status}`);
  }
  console.log(`\nHebbian, time-scale separated (no discretisation noise): ε_∞ = ${analyticInf.toFixed(4)}`);
  const jsonPath = `${outDir}/perceptron.json`, svgPath = `${outDir}/perceptron.svg`;
  writeFile(jsonPath, JSON.stringify({ version: VERSION, experiment: "blog", analytic: { hebbianEpsilonEM: analyticEM, hebbianEpsilonInfinity: analyticInf }, runs: results.map(({ label, result }) => ({ label, ...resultJson(result) })) }, null, 1) + "\n");
  const series: Series[] = results.map(({ label, result }) => ({ name: label, x: result.t, y: result.epsilon }));
  writeFile(svgPath, await lineChartSvg({ title: `Generalisation error ε(t), n = ${config.n}, B = ${config.batch}`, xLabel: "t", yLabel: "ε", series, referenceLines: [{ name: "Hebbian, analytic (EM)", y: analyticEM }] }));
  console.log(`wrote ${jsonPath} and ${svgPath}`);
  return results.some((r) => r.result.status === "diverged") ? 3 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === "--version" || command === "-v") {
      console.log(VERSION);
      return 0;
    }
    if (command === "perceptron") return await perceptronCommand(rest);
    if (command === "blog") return await blogCommand(rest);
    throw new UsageError(`unknown command "${command}" (try --help)`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError || error instanceof RangeError) {
      console.error(`thermolearn: ${flagMessage((error as Error).message)}`);
      return 2;
    }
    console.error(`thermolearn: ${(error as Error).stack ?? error}`);
    return 1;
  }
}

const invokedDirectly = typeof process !== "undefined" && process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
