// The CLI's flag tables (src/node/cli/flags.ts) as users meet them through the bundled dist/cli.js:
// --help for every command, did-you-mean, negative values, `--json -`, refused missing directories,
// the closing "wrote …" and unknown flags listed. The parser and the error wording are also called directly.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allCommands, COMMANDS, usageText } from "../src/node/cli/commands.js";
import { helpText, parseCommand, type CommandSpec, type FlagSpec } from "../src/node/cli/flags.js";
import { UsageError, nameFlag } from "../src/node/cli/args.js";
import { PERCEPTRON } from "../src/node/cli/perceptron.js";
import { BOUND } from "../src/node/cli/bound.js";
import { HOPFIELD_CAPACITY } from "../src/node/cli/hopfield-capacity.js";
import { FIGURE_LANDAUER } from "../src/node/cli/figure-landauer.js";
import { resolvePerceptronConfig } from "../src/perceptron/index.js";
import { modelOptions } from "../src/perceptron/run.js";
import { resolveInformationBoundConfig } from "../src/perceptron/information.js";
import { resolveCapacityConfig } from "../src/hopfield/index.js";
import { resolveLandauerFigureConfig } from "../src/node/landauer-figure.js";

/** The CLI as users run it: the bundled dist/cli.js (rebuilt with rollup; THERMOLEARN_CLI: another build of it). */
const CLI = process.env.THERMOLEARN_CLI ?? "dist/cli.js";
function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** Every command and sub-command as typed ("figure landauer"), split into arguments. */
const commands = allCommands().map(([name, entry]) => ({ name, args: name.split(" "), spec: entry.spec }));

describe("thermolearn X --help, for every command of the table", () => {
  it("the table has every command, and figure's three sub-commands", () => {
    expect(Object.keys(COMMANDS)).toHaveLength(11);
    expect(commands.map((c) => c.name)).toEqual(
      expect.arrayContaining(["perceptron", "eqprop", "figure", "figure efficiency", "figure landauer", "figure cost"]),
    );
  });

  for (const { name, args, spec } of commands) {
    it(`${name}: --help, -h and help ${name} print its flags with defaults and units, exit 0`, () => {
      const expected = `${helpText(spec)}\n`;
      for (const form of [
        [...args, "--help"],
        [...args, "-h"],
        ["help", ...args],
        // --help wins over other flags, even bad ones: nothing runs.
        [...args, "--bogus", "1", "--help"],
      ]) {
        const r = cli(...form);
        expect(r.code, form.join(" ")).toBe(0);
        expect(r.out, form.join(" ")).toBe(expected);
        expect(r.err, form.join(" ")).toBe("");
      }
      // The text: every flag with its placeholder, its unit and its default.
      for (const flag of spec.flags) {
        // Its line, with the lines it wraps onto (26 spaces in), joined again by single spaces.
        const lines = expected.split("\n");
        const at = lines.findIndex((l) => l.startsWith(`  --${flag.name} `));
        let line: string | undefined = at < 0 ? undefined : lines[at];
        for (let i = at + 1; at >= 0 && /^ {26}\S/.test(lines[i]); i++) {
          line = `${line} ${lines[i].trim()}`;
        }
        // No line of the help is wider than a 100-column terminal (a placeholder line aside).
        for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(100);
        expect(line, flag.name).toBeDefined();
        if (flag.unit !== undefined) expect(line, flag.name).toContain(`[${flag.unit}]`);
        if (flag.default !== undefined) expect(line, flag.name).toContain(`(default ${flag.default})`);
        expect(line, flag.name).toContain(flag.help);
      }
    });
  }

  it("figure 4c --help is figure's help; thermolearn --help lists every command and points at --help", () => {
    expect(cli("figure", "4c", "--help")).toMatchObject({ code: 0, out: `${helpText(COMMANDS.figure.spec)}\n` });
    const usage = cli("--help");
    expect(usage).toMatchObject({ code: 0, out: `${usageText()}\n` });
    const rows = usage.out.split("\n");
    for (const { name, spec } of commands) {
      expect(
        rows.some((row) => row.startsWith(`  thermolearn ${name} `) && row.endsWith(` ${spec.summary}`)),
        name,
      ).toBe(true);
    }
    expect(usage.out).toContain("thermolearn <command> --help");
    expect(cli("help")).toMatchObject({ code: 0, out: `${usageText()}\n` });
    // No command: the usage on stderr, exit 2 (as before).
    expect(cli()).toMatchObject({ code: 2, out: "", err: `${usageText()}\n` });
    // help for a command that does not exist: exit 2 with the closest one.
    expect(cli("help", "ladr")).toMatchObject({ code: 2, err: expect.stringContaining('did you mean "ladder"?') });
  });

  it("the help's defaults are the library's (perceptron, bound, hopfield-capacity, figure landauer)", () => {
    const cases: [CommandSpec, Record<string, unknown>][] = [
      [PERCEPTRON, { ...resolvePerceptronConfig(modelOptions({})) }],
      [BOUND, { ...resolveInformationBoundConfig({}) }],
      [HOPFIELD_CAPACITY, { ...resolveCapacityConfig({}) }],
      [FIGURE_LANDAUER, { ...resolveLandauerFigureConfig({}).config }],
    ];
    let compared = 0;
    for (const [spec, config] of cases) {
      for (const flag of spec.flags) {
        if (flag.option === undefined || flag.default === undefined || !(flag.option in config)) continue;
        // Defaults in words ("3·√n", "steps/500", "one per core") are not values to compare.
        const literal =
          typeof flag.default === "number" || flag.kind === "list" || flag.choices?.includes(String(flag.default));
        if (!literal) continue;
        const value = config[flag.option];
        const shown = Array.isArray(value) ? value.join(",") : String(value);
        expect(String(flag.default), `${spec.name} --${flag.name}`).toBe(shown);
        compared++;
      }
    }
    // So that a renamed config field cannot turn this into a test of nothing: the count compared.
    expect(compared).toBeGreaterThanOrEqual(35);
  });
});

describe("did you mean, and the accepted flags listed", () => {
  it("a mistyped flag: exit 2, the closest flag, every accepted flag of the command", () => {
    const r = cli("perceptron", "--tend", "3");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^thermolearn: Unknown option '--tend' for perceptron; did you mean '--t-end'\?/);
    for (const flag of PERCEPTRON.flags) expect(r.err).toContain(`--${flag.name}`);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(cli("figure", "landauer", "--partcles", "5").err).toContain("did you mean '--particles'?");
    expect(cli("ladder", "-gamma", "1").err).toContain("did you mean '--gamma'?");
    // Far from every flag: no guess, but the list.
    const far = cli("ladder", "--zzzzzz", "1");
    expect(far.err).not.toContain("did you mean");
    expect(far.err).toContain("accepted: --gamma, --F, --s, --s-step, --rungs, --json, --svg");
  });

  it("every command lists its own flags for an unknown one (nothing computed, one line)", () => {
    for (const { name, args, spec } of commands) {
      const run = name === "figure" ? [...args, "4c"] : args;
      const r = cli(...run, "--no-such-flag", "1");
      expect(r.code, name).toBe(2);
      expect(r.err.trim().split("\n"), name).toHaveLength(1);
      const accepted = spec.flags.map((f: FlagSpec) => `--${f.name}`).join(", ");
      expect(r.err, name).toContain(`(accepted: ${accepted};`);
    }
  });

  it("a mistyped command or figure: exit 2 with the closest name", () => {
    expect(cli("perceptrn")).toMatchObject({ code: 2, err: expect.stringContaining('did you mean "perceptron"?') });
    expect(cli("hopfield-recal")).toMatchObject({ code: 2, err: expect.stringContaining('"hopfield-recall"') });
    expect(cli("figure", "landau")).toMatchObject({
      code: 2,
      err: expect.stringContaining('did you mean "landauer"?'),
    });
  });
});

describe("values that start with a dash", () => {
  it("negative numbers reach the library: accepted where legal, refused by its range naming the flag", () => {
    // kernel-update takes a negative mean signal and negative amplitudes.
    const r = cli("kernel-update", "--mean", "-5", "--amplitudes", "-10,20", "--json", "-");
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.config.mean).toBe(-5);
    expect(json.amplitudes).toEqual([-10, 20]);
    for (const form of [["--gamma", "-1"], ["--gamma=-1"]]) {
      const bad = cli("ladder", ...form);
      expect(bad, form.join(" ")).toMatchObject({ code: 2, err: "thermolearn: --gamma must be ≥ 0, got -1\n" });
    }
    expect(cli("tur", "--gammas", "-1,1")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^thermolearn: --gammas/),
    });
    expect(cli("perceptron", "--t-end", "-.5")).toMatchObject({
      code: 2,
      err: expect.stringContaining("--t-end must be > 0"),
    });
  });

  it("a flag without its value, or a stray argument, is named", () => {
    expect(cli("ladder", "--gamma")).toMatchObject({ code: 2, err: expect.stringContaining("--gamma needs a value") });
    expect(cli("ladder", "--gamma", "--F", "2")).toMatchObject({
      code: 2,
      err: expect.stringContaining("--gamma needs a value"),
    });
    expect(cli("ladder", "5")).toMatchObject({ code: 2, err: expect.stringContaining('unexpected argument "5"') });
  });
});

describe("outputs", () => {
  const dir = mkdtempSync(join(tmpdir(), "thermolearn-help-"));

  it("--json - writes the JSON alone to stdout; the messages go to stderr", () => {
    const r = cli("ladder", "--rungs", "3", "--json", "-");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).steadyState).toHaveLength(6);
    expect(r.err).toMatch(/^ladder 2 × 3, γ = 1/);
    expect(r.err).not.toContain("wrote");
    const theory = cli("theory", "--rule", "hebbian", "--json", "-");
    expect(JSON.parse(theory.out).rows).toHaveLength(1);
    expect(theory.err).toContain("Perceptron order-parameter theory");
    // With a file beside it: that file is named on stderr.
    const both = cli("hopfield-recall", "--json", "-", "--svg", join(dir, "r.svg"));
    expect(both.code, both.err).toBe(0);
    expect(JSON.parse(both.out).success).toBe(true);
    expect(both.err).toContain(`wrote ${join(dir, "r.svg")}`);
    // Only one output can have stdout; a binary one none.
    expect(cli("ladder", "--json", "-", "--svg", "-")).toMatchObject({
      code: 2,
      err: expect.stringContaining("--json and --svg both ask for stdout"),
    });
    expect(cli("eqprop", "--save", "-", "--epochs", "0")).toMatchObject({
      code: 2,
      err: expect.stringContaining("--save -: only text outputs"),
    });
  });

  it("every command says which files it wrote", () => {
    const runs: [string[], string[]][] = [
      [["ladder"], ["--json", "--svg"]],
      [
        ["kernel-update", "--amplitudes", "1,2"],
        ["--json", "--svg"],
      ],
      [["hopfield-recall"], ["--json", "--svg"]],
      [["theory"], ["--json"]],
      [["tur", "--forces", "1"], ["--json"]],
      [
        ["figure", "cost", "--gammas", "1", "--Fs", "25", "--steps", "128"],
        ["--json", "--svg"],
      ],
    ];
    for (const [i, [args, flags]] of runs.entries()) {
      const files = flags.map((f) => join(dir, `w${i}.${f.slice(2)}`));
      const r = cli(...args, ...flags.flatMap((f, j) => [f, files[j]]));
      expect(r.code, `${args[0]}: ${r.err}`).toBe(0);
      expect(r.out.trimEnd().split("\n").at(-1), args[0]).toBe(`wrote ${files.join(", ")}`);
      for (const file of files) expect(existsSync(file), file).toBe(true);
    }
    // Nothing written, nothing said.
    expect(cli("ladder").out).not.toContain("wrote");
  });

  it("an output into a missing directory is refused up front (exit 2) and no directory is made", () => {
    const missing = join(dir, "no-such-dir");
    const cases: [string[], string][] = [
      [["ladder"], "--json"],
      [["ladder"], "--svg"],
      [["theory"], "--json"],
      [["tur"], "--json"],
      [["perceptron", "--t-end", "10000"], "--json"],
      [["figure", "landauer"], "--json"],
      [["figure", "efficiency"], "--svg"],
      [["figure", "cost"], "--json"],
      [["eqprop", "--epochs", "0"], "--json"],
      [["eqprop", "--epochs", "0"], "--save"],
    ];
    for (const [args, flag] of cases) {
      const path = join(missing, "deeper", "out.file");
      const r = cli(...args, flag, path);
      expect(r.code, `${args[0]} ${flag}`).toBe(2);
      expect(r.err, `${args[0]} ${flag}`).toBe(
        `thermolearn: ${flag} ${path}: the directory ${join(missing, "deeper")} does not exist ` +
          "(create it first, or fix the path)\n",
      );
    }
    expect(existsSync(missing)).toBe(false);
    // blog --out DIR: DIR itself is made when its parent exists, not when that is missing too.
    expect(cli("blog", "--out", join(missing, "deeper"))).toMatchObject({
      code: 2,
      err: expect.stringContaining(`the directory ${missing} does not exist`),
    });
    expect(existsSync(missing)).toBe(false);
    const out = join(dir, "blog-out");
    const blog = cli("blog", "--n", "100", "--t-end", "0.05", "--out", out);
    expect(blog.code, blog.err).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "perceptron.json"), "utf8")).runs).toHaveLength(5);
    expect(blog.out).toContain(`wrote ${join(out, "perceptron.json")}`);
  });
});

describe("the parser and the error wording, called directly", () => {
  const spec: CommandSpec = {
    name: "test",
    summary: "a test",
    flags: [
      { name: "mean", kind: "number", help: "a number" },
      { name: "values", kind: "list", help: "numbers" },
      { name: "json", kind: "string", help: "a file" },
    ],
  };

  it("--flag value, --flag=value, negative numbers, lists, - and the last of a repeated flag", () => {
    const p = parseCommand(spec, ["--mean", "-5", "--values=-1,2.5", "--json", "-", "--mean", "-.25"]);
    expect(p.num.mean).toBe(-0.25);
    expect(p.list.values).toEqual([-1, 2.5]);
    expect(p.str.json).toBe("-");
    expect(parseCommand(spec, [])).toEqual({ num: { mean: undefined }, str: { json: undefined }, list: {} });
    expect(() => parseCommand(spec, ["--mean", "-x"])).toThrow(UsageError);
    expect(() => parseCommand(spec, ["--mean", "-x"])).toThrow(/--mean needs a value/);
    expect(() => parseCommand(spec, ["--meen", "1"])).toThrow(/did you mean '--mean'\?/);
  });

  it("nameFlag: the flag for the option, also after the function's name and for a dotted option", () => {
    const flags = { gamma: "--gamma", tEnd: "--t-end", "online.dt": "--dt" };
    expect(nameFlag("ladderRates: gamma must be ≥ 0, got -1", flags)).toBe("--gamma must be ≥ 0, got -1");
    expect(nameFlag("online.dt must satisfy k·dt < 2", flags)).toBe("--dt must satisfy k·dt < 2");
    expect(nameFlag("tEnd must be > 0", flags)).toBe("--t-end must be > 0");
    // Not options: left as they are.
    expect(nameFlag("train.labels must be …", flags)).toBe("train.labels must be …");
    expect(nameFlag("ladderRates: the chain is too stiff", flags)).toBe("ladderRates: the chain is too stiff");
  });
});
