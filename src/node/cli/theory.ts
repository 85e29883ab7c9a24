/**
 * `thermolearn theory`: the order-parameter theory of the stochastic perceptron (src/perceptron/ode.ts,
 * docs/perceptron-theory.md §5) for every rule, or one: steady ε and Q, the steady heat rate split into
 * housekeeping and excess, the efficiency η at t-end and its maximum over [0, t-end]. Without --batch
 * the time-scale-separated regime of Goldt & Seifert; with --batch B (and --n, --dt) the online
 * Euler–Maruyama regime with the fluctuation heat.
 */
import {
  maxEfficiency,
  perceptronSteadyState,
  perceptronTheory,
  type InputNoiseOptions,
  type LearningRule,
} from "../../perceptron/index.js";
import { VERSION } from "../../version.js";
import { UsageError, withFlags } from "./args.js";
import { flagNames, jsonFlag, parseCommand, type CommandSpec } from "./flags.js";
import { BLOG_RULES } from "./blog.js";
import { checkOutputs, say, writeJson } from "./output.js";

/** `thermolearn theory`. */
export const THEORY: CommandSpec = {
  name: "theory",
  summary: "order-parameter theory: steady ε, heat split, efficiency η per rule",
  flags: [
    {
      name: "rule",
      kind: "string",
      choices: ["hebbian", "perceptron", "adatron", "alphatron"],
      help: "one rule",
      default: "all five of the blog's table",
      option: "rule",
    },
    { name: "alpha", kind: "number", meta: "A", help: "α of --rule alphatron", default: 0.5, option: "alpha" },
    { name: "nu-tilde", kind: "number", meta: "V", help: "learning rate ν̃ = ν/√n", default: 3, option: "nuTilde" },
    { name: "k", kind: "number", meta: "K", help: "restoring force", default: 1, option: "k" },
    { name: "D", kind: "number", meta: "D", help: "diffusion constant = temperature", default: 1, option: "D" },
    {
      name: "t-end",
      kind: "number",
      meta: "T",
      help: "end of the trajectory from equilibrium",
      unit: "time",
      default: 40,
      option: "tEnd",
    },
    {
      name: "batch",
      kind: "number",
      meta: "B",
      help: "online regime with B inputs a step (fluctuation heat)",
      option: "batch",
    },
    {
      name: "n",
      kind: "number",
      meta: "N",
      help: "weights of the online regime (with --batch)",
      default: 10000,
      option: "n",
    },
    {
      name: "dt",
      kind: "number",
      meta: "DT",
      help: "step of the online regime (with --batch)",
      unit: "time",
      default: 0.001,
      option: "dt",
    },
    jsonFlag("the rows"),
  ],
};

/** The flag of each option, for error messages. */
const FLAGS = flagNames(THEORY);

/** One row of the table: the steady state, and η along the trajectory from equilibrium. */
interface TheoryRow {
  label: string;
  rule: LearningRule;
  alpha: number;
  epsilon: number;
  Q: number;
  heatRate: number;
  housekeepingRate: number;
  excessRate: number;
  efficiencyAtEnd: number;
  maxEfficiency: number;
  maxEfficiencyAt: number;
}

/** Below this a rate is rounding (the ODE's steady rates are sums of O(ν̃²) terms): printed as 0. */
const ROUNDING = 1e-12;

/** A number for the table: 4 significant digits, exponent form below 10⁻³, 0 for rounding. */
const cell = (x: number, width = 12) =>
  (Math.abs(x) < ROUNDING ? "0" : Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(4)).padEnd(width);

function theoryRow(
  spec: { label: string; rule: LearningRule; alpha?: number },
  params: { nuTilde: number; k: number; D: number; tEnd: number },
  inputNoise: InputNoiseOptions | undefined,
): TheoryRow {
  const options = { rule: spec.rule, alpha: spec.alpha ?? 0.5, ...params, inputNoise };
  const { tEnd, ...steadyOptions } = options;
  const steady = withFlags(FLAGS, () => perceptronSteadyState(steadyOptions));
  const run = withFlags(FLAGS, () => perceptronTheory({ ...options, recordEvery: Number.MAX_SAFE_INTEGER }));
  const best = maxEfficiency(options);
  return {
    label: spec.label,
    rule: spec.rule,
    alpha: options.alpha,
    epsilon: steady.epsilon,
    Q: steady.Q,
    heatRate: steady.heatRate,
    housekeepingRate: steady.housekeepingRate,
    excessRate: steady.excessRate,
    efficiencyAtEnd: run.efficiency.at(-1)!,
    maxEfficiency: best.efficiency,
    maxEfficiencyAt: best.t,
  };
}

export async function theoryCommand(argv: string[]): Promise<number> {
  const { num, str } = parseCommand(THEORY, argv);
  const params = { nuTilde: num["nu-tilde"] ?? 3, k: num.k ?? 1, D: num.D ?? 1, tEnd: num["t-end"] ?? 40 };
  const online = num.batch !== undefined;
  if (!online && (num.n !== undefined || num.dt !== undefined)) {
    throw new UsageError("--n and --dt describe the online regime: give --batch B too (or leave all three out)");
  }
  const inputNoise = online ? { n: num.n ?? 10_000, batch: num.batch!, dt: num.dt ?? 1e-3 } : undefined;
  let specs = BLOG_RULES;
  if (str.rule !== undefined) {
    const rule = str.rule as LearningRule;
    specs = [{ label: str.rule, rule, alpha: num.alpha }];
  } else if (num.alpha !== undefined) {
    throw new UsageError("--alpha needs --rule alphatron (the table's α-trons use 0.25 and 0.5)");
  }
  const json = str.json !== undefined ? { flag: "--json", path: str.json, stdout: true } : undefined;
  checkOutputs([json]);
  const rows = specs.map((spec) => theoryRow(spec, params, inputNoise));
  const regime = inputNoise
    ? `online: n = ${inputNoise.n}, B = ${inputNoise.batch}, Δt = ${inputNoise.dt} (fluctuation heat included)`
    : "time-scale separated (Goldt & Seifert: input-averaged force, no fluctuation heat)";
  const header = `Perceptron order-parameter theory, ν̃ = ${params.nuTilde}, k = ${params.k}, D = ${params.D}`;
  say(`${header}; ${regime}`);
  say(
    "steady state; heat rates in nats per weight per unit time; η = I/(ΔS + Q_n) from equilibrium, " +
      `at t = ${params.tEnd} and its maximum over [0, ${params.tEnd}]\n`,
  );
  say(
    `${"rule".padEnd(16)}${"ε".padEnd(12)}${"Q".padEnd(12)}${"heat".padEnd(12)}${"housekeep.".padEnd(12)}` +
      `${"excess".padEnd(12)}${"η(t-end)".padEnd(12)}max η (at t)`,
  );
  for (const r of rows) {
    const best = `${cell(r.maxEfficiency, 0)} (t = ${r.maxEfficiencyAt.toFixed(2)})`;
    say(
      `${r.label.padEnd(16)}${cell(r.epsilon)}${cell(r.Q)}${cell(r.heatRate)}${cell(r.housekeepingRate)}` +
        `${cell(r.excessRate)}${cell(r.efficiencyAtEnd)}${best}`,
    );
  }
  if (json) {
    writeJson(json, { version: VERSION, config: { ...params, inputNoise: inputNoise ?? null }, rows });
  }
  return 0;
}
