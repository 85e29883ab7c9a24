import { describe, it, expect } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  existsSync,
  symlinkSync,
  writeFileSync,
  mkdirSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VERSION } from "../src/version.js";
import { checkSvgRenderer, withCwdFallback } from "../src/node/cli/output.js";
import { loadPlotModules } from "../src/plot/index.js";
import { UsageError } from "../src/node/cli/args.js";

// The CLI as users run it: the bundled dist/cli.js (built by `npm test`'s pretest).
function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ["dist/cli.js", ...args], { encoding: "utf8" });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** The line the CLI prints off a terminal at the first progress of a run: it is computing from then on. */
const RUNNING = /running \(Ctrl-C stops it/;

/**
 * Starts the CLI, waits for its first progress (the RUNNING line on stderr) plus `afterMs`, sends
 * SIGINT as Ctrl-C does, and resolves when it exits, with the time from the signal to the exit.
 */
function interrupt(
  args: string[],
  afterMs = 300,
): Promise<{ code: number | null; signal: string | null; out: string; err: string; stopMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["dist/cli.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "",
      err = "",
      sentAt = 0;
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
      if (sentAt === 0 && RUNNING.test(err)) {
        sentAt = -1;
        setTimeout(() => {
          sentAt = performance.now();
          child.kill("SIGINT");
        }, afterMs);
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      resolve({ code, signal, out, err, stopMs: sentAt > 0 ? performance.now() - sentAt : Number.NaN }),
    );
  });
}

/** Stderr has exactly one non-empty line (no stack trace). */
function oneLine(err: string): string[] {
  return err.split("\n").filter((line) => line.trim() !== "");
}

describe("thermolearn CLI", () => {
  it("perceptron writes the JSON contract and an SVG", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-cli-"));
    const r = cli(
      "perceptron",
      "--n",
      "500",
      "--t-end",
      "1",
      "--record-every",
      "50",
      "--trajectories",
      "2",
      "--seed",
      "7",
      "--test-size",
      "200",
      "--json",
      join(dir, "r.json"),
      "--svg",
      join(dir, "r.svg"),
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/steady ε/);
    const json = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
    expect(json.version).toBe(VERSION);
    expect(json.seed).toBe(7);
    expect(json.status).toBe("completed");
    expect(json.config).toMatchObject({ n: 500, rule: "hebbian", trajectories: 2, testSize: 200 });
    for (const key of [
      "t",
      "epsilon",
      "information",
      "heat",
      "weightNorm",
      "R",
      "Q",
      "testError",
      "entropyChange",
      "efficiency",
    ]) {
      expect(json[key], key).toHaveLength(21);
      expect(
        json[key].every((x: unknown) => typeof x === "number" && Number.isFinite(x)),
        key,
      ).toBe(true);
    }
    expect(json.trajectorySeeds).toHaveLength(2);
    expect(readFileSync(join(dir, "r.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("bad input exits 2 with a message naming the flag", () => {
    expect(cli("perceptron", "--n", "abc")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--n expects a number/),
    });
    expect(cli("perceptron", "--n", "0")).toMatchObject({ code: 2, err: expect.stringMatching(/--n must be in/) });
    expect(cli("perceptron", "--t-end=-1")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--t-end must be > 0/),
    });
    expect(cli("perceptron", "--rule", "oja")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--rule must be one of/),
    });
    expect(cli("perceptron", "--bogus", "1")).toMatchObject({ code: 2, err: expect.stringMatching(/bogus/) });
    expect(cli("frobnicate")).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command/) });
  });

  it("a diverging α-tron exits 3 and says so, keeping finite results", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-cli-"));
    const r = cli(
      "perceptron",
      "--rule",
      "alphatron",
      "--alpha",
      "2",
      "--n",
      "2000",
      "--t-end",
      "2",
      "--json",
      join(dir, "d.json"),
    );
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/diverged at t = /);
    const json = JSON.parse(readFileSync(join(dir, "d.json"), "utf8"));
    expect(json.status).toBe("diverged");
    expect(json.divergedAt).toBeGreaterThan(0);
    expect(json.epsilon.every(Number.isFinite)).toBe(true);
  });

  it("runs through a bin symlink, as npx and node_modules/.bin call it", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-bin-"));
    symlinkSync(join(process.cwd(), "dist", "cli.js"), join(dir, "thermolearn"));
    const run = spawnSync(process.execPath, [join(dir, "thermolearn"), "--version"], { encoding: "utf8" });
    expect(run.stdout).toBe(`${VERSION}\n`);
  });

  it("--version and --help", () => {
    expect(cli("--version")).toMatchObject({ code: 0, out: `${VERSION}\n` });
    expect(cli("--help").out).toMatch(/thermolearn perceptron/);
  });

  it("blog runs every rule, prints the table and writes JSON and SVG (small n)", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-blog-"));
    const r = cli("blog", "--n", "1000", "--t-end", "2", "--out", dir);
    expect(r.code).toBe(0);
    for (const label of ["Hebbian", "Perceptron", "AdaTron", "α-tron α=0.25", "α-tron α=0.5"])
      expect(r.out).toContain(label);
    expect(existsSync(join(dir, "perceptron.svg"))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, "perceptron.json"), "utf8"));
    expect(json.runs).toHaveLength(5);
    // The split: Hebbian's excess rate is ν²(1 − 2/(πn))/B = 9·(1000 − 2/π)/30 = 299.81 per weight; one
    // trajectory over t ∈ [1, 2] estimates it from 1000 batches, each within ~√(2/B) ≈ 26 % of the mean
    // and the mean nearly constant (Q steady): ±1 % is > 10 standard errors. Housekeeping ≈ 0 (its
    // fluctuations come from the total heat's, ≈ ±10 here), so |hk| < 10 % of the excess.
    expect(r.out).toMatch(/heat\s+housekeep\.\s+excess/);
    const hebbian = r.out.split("\n").find((line) => line.startsWith("Hebbian "))!;
    const [heat, housekeeping, excess] = hebbian.split(/\s+/).slice(-4, -1).map(Number);
    expect(Math.abs(excess / 299.81 - 1)).toBeLessThan(0.01);
    expect(Math.abs(housekeeping)).toBeLessThan(0.1 * excess);
    expect(heat).toBeCloseTo(housekeeping + excess, 0);
  });
});

describe("theory command and the perceptron's --inputs/--labels", () => {
  it("theory prints every rule's steady state and efficiency; --json writes the rows", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-theory-"));
    const r = cli("theory", "--json", join(dir, "t.json"));
    expect(r.code, r.err).toBe(0);
    // Goldt & Seifert's Hebbian η = 0.0824 at ν̃ = 3, k = 1, and the vanishing steady housekeeping heat.
    expect(r.out).toMatch(/Hebbian\s+0\.1260\s+6\.730\s+0\s+0\s+0\s+0\.08237/);
    const json = JSON.parse(readFileSync(join(dir, "t.json"), "utf8"));
    expect(json.rows.map((row: { rule: string }) => row.rule)).toEqual([
      "hebbian",
      "perceptron",
      "adatron",
      "alphatron",
      "alphatron",
    ]);
    expect(json.rows[1].maxEfficiency).toBeCloseTo(0.1129, 4);
    expect(json.config.inputNoise).toBeNull();
  });

  it("tur prints the ladder's and the ring's uncertainty ratios; --json writes them; bad flags exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-tur-"));
    const r = cli("tur", "--gammas", "1,0.1", "--forces", "0,2", "--json", join(dir, "t.json"));
    expect(r.code, r.err).toBe(0);
    // γ = 1 is detailed balance: ratio 0; γ = 0.1: 0.5847 for σ, 0.2014 for the rung current.
    expect(r.out).toMatch(/0\.1000\s+1\.762\s+0\.5847\s+0\.2014/);
    // f = 2 on the A = 4 ring: v = 0.4207, D_eff = 0.2655, ratio 0.7923 (Reimann's quadrature).
    expect(r.out).toMatch(/2\.000\s+0\.4207\s+0\.2655\s+0\.8415\s+0\.7923/);
    const json = JSON.parse(readFileSync(join(dir, "t.json"), "utf8"));
    expect(json.ladder.entropy.ratio[0]).toBe(0);
    expect(json.ring[0].exact.ratio).toBe(0);
    expect(json.ring[1].measured).toBeNull();
    for (const [args, message] of [
      [["--gammas", "0.1,x"], /--gammas expects a number/],
      [["--ensemble", "1"], /--ensemble expects an integer ≥ 2/],
      [["--amplitude=-1"], /^thermolearn: --amplitude must be ≥ 0/],
    ] as const) {
      const bad = cli("tur", ...args);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(message);
    }
  });

  it("theory --batch: the online regime with the fluctuation heat; bad flags exit 2 naming them", () => {
    const r = cli("theory", "--rule", "hebbian", "--batch", "30");
    expect(r.code, r.err).toBe(0);
    // ν̃²(n − 2/π)/B = 9·(10⁴ − 0.64)/30 = 2999.8, printed to 4 digits.
    expect(r.out).toMatch(/hebbian\s+0\.1858\s+8\.229\s+3000\s+0\s+3000/);
    for (const [args, message] of [
      [["--rule", "bogus"], /--rule must be one of/],
      [["--n", "5"], /--n and --dt describe the online regime/],
      [["--k=-1"], /--k must be/],
      [["--alpha", "0.3"], /--alpha needs --rule alphatron/],
    ] as const) {
      const bad = cli("theory", ...args);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(message);
    }
  });

  it("perceptron --inputs averaged runs without excess heat; --inputs and --labels are checked", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-avg-"));
    const r = cli("perceptron", "--n", "200", "--inputs", "averaged", "--t-end", "0.5", "--json", join(dir, "a.json"));
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "a.json"), "utf8"));
    expect(json.config.inputs).toBe("averaged");
    expect(Object.values(json.excessHeat).every((x) => x === 0)).toBe(true);
    const bad = cli("perceptron", "--n", "20", "--inputs", "mean");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--inputs must be one of "sampled", "averaged"/);
    const labels = cli("perceptron", "--n", "20", "--labels", "random");
    expect(labels.code).toBe(2);
    expect(labels.err).toMatch(/--labels "random" needs a training set to label: set --train-size > 0/);
  });
});

describe("hopfield commands", () => {
  it("hopfield-capacity writes the JSON contract: config, version and equal-length curves", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-hc-"));
    const r = cli(
      "hopfield-capacity",
      "--n",
      "200",
      "--trials",
      "3",
      "--loads",
      "0.05,0.1,0.2",
      "--seed",
      "4",
      "--json",
      join(dir, "c.json"),
      "--svg",
      join(dir, "c.svg"),
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "c.json"), "utf8"));
    expect(json.version).toBe(VERSION);
    expect(json.config).toMatchObject({ n: 200, rule: "hebbian", trials: 3, seed: 4 });
    for (const key of ["loads", "unstableFraction", "predictedUnstable", "retrievalOverlap"])
      expect(json[key], key).toHaveLength(3);
    expect(json.loads).toEqual([0.05, 0.1, 0.2]);
    expect(json.unstableFraction[2]).toBeGreaterThan(json.unstableFraction[0]);
    expect(readFileSync(join(dir, "c.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("hopfield-capacity takes a load range and rejects bad flags", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-hc-"));
    expect(
      cli(
        "hopfield-capacity",
        "--n",
        "100",
        "--trials",
        "1",
        "--loads",
        "0.02:0.06:0.02",
        "--rule",
        "storkey",
        "--json",
        join(dir, "s.json"),
      ).code,
    ).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "s.json"), "utf8")).loads).toEqual([0.02, 0.04, 0.06]);
    expect(cli("hopfield-capacity", "--rule", "oja")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--rule must be one of/),
    });
    expect(cli("hopfield-capacity", "--trials", "0")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--trials/),
    });
    expect(cli("hopfield-capacity", "--loads", "0.1,x")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--loads expects a number/),
    });
    expect(cli("hopfield-capacity", "--loads", "0.2:0.1:0.01")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--loads: a load range needs .* stop ≥ start/),
    });
  });

  it("hopfield-recall recalls a corrupted pattern and draws the states", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-hr-"));
    const r = cli(
      "hopfield-recall",
      "--n",
      "144",
      "--k",
      "6",
      "--flip",
      "0.2",
      "--seed",
      "2",
      "--json",
      join(dir, "r.json"),
      "--svg",
      join(dir, "r.svg"),
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/recalled/);
    const json = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
    expect(json.success).toBe(true);
    expect(json.final).toEqual(json.pattern);
    expect(json.energy.at(-1)).toBeLessThan(json.energy[0]);
    expect(readFileSync(join(dir, "r.svg"), "utf8")).toMatch(/^<svg/);
    expect(cli("hopfield-recall", "--max-sweeps", "0")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--max-sweeps/),
    });
    expect(cli("hopfield-recall", "--pattern", "10", "--k", "3")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--pattern/),
    });
  });
});

describe("kernel-update", () => {
  it("writes amplitudes and dw, and for a curve offset and dynamic range", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-ku-"));
    const r = cli(
      "kernel-update",
      "--kernel",
      "ecoli",
      "--area",
      "0",
      "--tau-fast",
      "1",
      "--tau-slow",
      "9",
      "--dt",
      "0.001",
      "--json",
      join(dir, "c.json"),
      "--svg",
      join(dir, "c.svg"),
    );
    expect(r.code).toBe(0);
    const curve = JSON.parse(readFileSync(join(dir, "c.json"), "utf8"));
    expect(curve.amplitudes).toHaveLength(400);
    expect(curve.dw).toHaveLength(400);
    // Eq. 9: the range falls short of τ_s/τ_f = 9 by the kernel's width plus one amplitude step
    // (≲ 10 %), never above it (reason in test/contrastive.test.ts). Observed 8.72.
    expect(curve.dynamicRange).toBeLessThanOrEqual(9);
    expect(curve.dynamicRange).toBeGreaterThan(0.9 * 9);
    expect(Math.abs(curve.offset)).toBeLessThan(0.05);
    expect(readFileSync(join(dir, "c.svg"), "utf8")).toMatch(/^<svg/);
    const few = cli(
      "kernel-update",
      "--kernel",
      "sine",
      "--tau-fast",
      "0.1",
      "--tau-slow",
      "0.9",
      "--amplitudes",
      "1,2",
      "--theta",
      "0",
      "--json",
      join(dir, "f.json"),
    );
    expect(few.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "f.json"), "utf8"));
    expect(json.amplitudes).toEqual([1, 2]);
    expect(json.dw).toHaveLength(2);
    expect(json.offset).toBeUndefined();
  });

  it("rejects bad flags with exit code 2", () => {
    expect(cli("kernel-update", "--kernel", "ladder2")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--kernel must be one of/),
    });
    expect(cli("kernel-update", "--theta=-1")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/theta must be ≥ 0/),
    });
    expect(cli("kernel-update", "--tau-fast", "0")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--tau-fast must be > 0/),
    });
    expect(cli("kernel-update", "--kernel", "sine", "--dt", "0.001")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--dt must be 0.01/),
    });
  });
});

describe("ladder and figure commands", () => {
  it("ladder writes steadyState, dissipation, kernel (t, k), area and firstMoment", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-ladder-"));
    expect(cli("ladder", "--gamma", "0.01", "--F", "25", "--s", "0", "--json", join(dir, "l.json")).code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "l.json"), "utf8"));
    expect(json.steadyState).toHaveLength(10);
    expect(Math.abs(json.steadyState.reduce((a: number, b: number) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(json.dissipation).toBeGreaterThan(0);
    expect(json.kernel.t).toHaveLength(json.kernel.k.length);
    expect(Math.abs(json.firstMoment)).toBeCloseTo(1, 10);
    expect(typeof json.area).toBe("number");
    expect(cli("ladder", "--gamma", "1", "--json", join(dir, "eq.json")).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "eq.json"), "utf8")).dissipation).toBeLessThan(1e-20);
    expect(cli("ladder", "--gamma=-1")).toMatchObject({ code: 2, err: expect.stringMatching(/gamma/) });
  });

  it("figure 4c writes its columns and is identical with one or two workers", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-fig-"));
    expect(
      cli(
        "figure",
        "4c",
        "--points",
        "6",
        "--dt",
        "0.002",
        "--workers",
        "2",
        "--json",
        join(dir, "a.json"),
        "--svg",
        join(dir, "a.svg"),
      ).code,
    ).toBe(0);
    expect(
      cli("figure", "4c", "--points", "6", "--dt", "0.002", "--workers", "1", "--json", join(dir, "b.json")).code,
    ).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, "a.json"), "utf8")),
      b = JSON.parse(readFileSync(join(dir, "b.json"), "utf8"));
    expect(a.lnDynamicRange).toHaveLength(6);
    expect(a.lnDynamicRange).toEqual(b.lnDynamicRange);
    expect(readFileSync(join(dir, "a.svg"), "utf8")).toMatch(/^<svg/);
    expect(cli("figure", "9x")).toMatchObject({ code: 2, err: expect.stringMatching(/figure must be one of/) });
  });

  it("figure 8 writes Δw/A against τ_f/τ_K with its parameters in the config", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-fig8-"));
    const run = cli(
      "figure",
      "8",
      "--points",
      "4",
      "--dt",
      "0.001",
      "--workers",
      "1",
      "--json",
      join(dir, "f.json"),
      "--svg",
      join(dir, "f.svg"),
    );
    expect(run.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "f.json"), "utf8"));
    expect(json.ratio).toHaveLength(4);
    expect(json.ratio[0]).toBeCloseTo(0.1, 12);
    expect(json.ratio[3]).toBeCloseTo(100, 10);
    expect(json.dwOverA).toHaveLength(4);
    expect(json.config).toMatchObject({
      figure: "8",
      dt: 0.001,
      tauKernel: 0.05,
      amplitude: 20,
      tauSlow: 20,
      theta: "(A/τ_s + A/τ_f)/2",
    });
    expect(readFileSync(join(dir, "f.svg"), "utf8")).toMatch(/^<svg/);
    expect(cli("figure", "8", "--dt", "0.002")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--dt must be ≤ 0.001 for figure 8/),
    });
  });
});

describe("optional packages", () => {
  it(
    "an SVG output without vega installed is refused up front with the install command (injected " + "import)",
    async () => {
      const svg = { flag: "--svg", path: "out.svg" };
      const missing = async (name: string) => {
        if (name === "vega") throw new Error("Cannot find package 'vega' imported from /x/dist/cli.js");
        return {};
      };
      const error = (await checkSvgRenderer(svg, missing).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toMatch(
        /^--svg out\.svg: SVG rendering needs the optional packages vega and vega-lite; vega could/,
      );
      expect(error.message.endsWith("npm install vega vega-lite")).toBe(true);
      // Nothing to check without an SVG output; with vega installed the check passes.
      await expect(checkSvgRenderer(undefined, missing)).resolves.toBeUndefined();
      await expect(checkSvgRenderer(svg)).resolves.toBeUndefined();
    },
  );

  it(
    "dist/ copied where no node_modules is found: --svg exits 2 naming the install command, --json " + "still works",
    () => {
      // Nothing is uninstalled: a copy of the bundles outside the repository, run from there, resolves
      // no package at all (neither beside the bundles nor in the working directory).
      const dir = mkdtempSync(join(tmpdir(), "thermolearn-bare-"));
      cpSync("dist", join(dir, "dist"), { recursive: true });
      const bare = (...args: string[]) =>
        spawnSync(process.execPath, [join(dir, "dist", "cli.js"), ...args], { encoding: "utf8", cwd: dir });
      const svg = bare("ladder", "--svg", join(dir, "l.svg"));
      expect(svg.status).toBe(2);
      expect(oneLine(svg.stderr)).toHaveLength(1);
      expect(svg.stderr).toContain(
        `thermolearn: --svg ${join(dir, "l.svg")}: SVG rendering needs the optional packages vega and vega-lite`,
      );
      expect(svg.stderr.trim().endsWith("Install them: npm install vega vega-lite")).toBe(true);
      expect(existsSync(join(dir, "l.svg"))).toBe(false);
      // The blog's plot is a default output, not asked for: without vega it is skipped with a note
      // naming the install command, and the run and its JSON go ahead (exit 0).
      const blog = bare("blog", "--n", "200", "--t-end", "0.05", "--out", join(dir, "b"));
      expect(blog.status, blog.stderr).toBe(0);
      expect(blog.stderr).toMatch(/not drawing .*perceptron\.svg: .*npm install vega vega-lite/);
      expect(JSON.parse(readFileSync(join(dir, "b", "perceptron.json"), "utf8")).runs).toHaveLength(5);
      expect(existsSync(join(dir, "b", "perceptron.svg"))).toBe(false);
      const json = bare("ladder", "--json", join(dir, "l.json"));
      expect(json.status).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, "l.json"), "utf8")).steadyState).toHaveLength(10);
      // As under npx: the bundles elsewhere, vega and vega-lite installed in the project it runs in (here).
      const npx = spawnSync(process.execPath, [join(dir, "dist", "cli.js"), "ladder", "--svg", join(dir, "p.svg")], {
        encoding: "utf8",
      });
      expect(npx.status, npx.stderr).toBe(0);
      expect(readFileSync(join(dir, "p.svg"), "utf8")).toMatch(/^<svg/);
    },
  );

  it("withCwdFallback: a failed import is retried from the working directory, else its own error stands", async () => {
    const notHere = async (name: string) => {
      throw new Error(`Cannot find package '${name}' imported from /elsewhere/plot.js`);
    };
    const fromRepo = await loadPlotModules(withCwdFallback(notHere, process.cwd()));
    expect(typeof fromRepo.vega.View).toBe("function");
    expect(typeof fromRepo.vegaLite.compile).toBe("function");
    const empty = mkdtempSync(join(tmpdir(), "thermolearn-empty-"));
    const error = (await loadPlotModules(withCwdFallback(notHere, empty)).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe("MissingDependencyError");
    expect(error.message).toMatch(
      /\(Cannot find package 'vega' imported from \/elsewhere\/plot\.js\)\. Install them: npm install vega vega-lite$/,
    );
  });
});

describe("package metadata", () => {
  it("VERSION matches package.json", () => {
    expect(JSON.parse(readFileSync("package.json", "utf8")).version).toBe(VERSION);
  });
});

describe("output paths are checked before computing", () => {
  // Long runs if they started: a refused path must stop them before the first progress (no RUNNING line).
  const commands: { name: string; args: string[]; flags: string[] }[] = [
    { name: "perceptron", args: ["perceptron", "--n", "2000", "--t-end", "10000"], flags: ["--json", "--svg"] },
    { name: "hopfield-recall", args: ["hopfield-recall", "--n", "100"], flags: ["--json", "--svg"] },
    {
      name: "hopfield-capacity",
      args: ["hopfield-capacity", "--n", "2000", "--trials", "100"],
      flags: ["--json", "--svg"],
    },
    { name: "kernel-update", args: ["kernel-update"], flags: ["--json", "--svg"] },
    { name: "ladder", args: ["ladder"], flags: ["--json", "--svg"] },
    { name: "figure", args: ["figure", "6b", "--points", "100000", "--workers", "1"], flags: ["--json", "--svg"] },
    {
      name: "eqprop",
      args: ["eqprop", "--epochs", "100", "--train", "100", "--test", "10"],
      flags: ["--json", "--svg", "--save"],
    },
  ];
  const dir = mkdtempSync(join(tmpdir(), "thermolearn-paths-"));
  const file = join(dir, "a-file");
  writeFileSync(file, "keep me\n");
  mkdirSync(join(dir, "a-dir"));
  // Each bad path with the words its message must contain.
  const bad: { path: string; says: RegExp }[] = [
    { path: join(file, "out.json"), says: /is not a directory/ },
    { path: join(dir, "a-dir"), says: /is a directory/ },
    { path: "/proc/thermolearn-out.json", says: /cannot create a file in \/proc/ },
    { path: "/proc/version", says: /cannot write it/ },
    { path: "", says: /needs a file name/ },
  ];

  function expectRefused(args: string[], flag: string, { path, says }: { path: string; says: RegExp }): void {
    const r = cli(...args, `${flag}=${path}`);
    const where = `${args[0]} ${flag}=${path}`;
    expect(r.code, where).toBe(2);
    const lines = oneLine(r.err);
    expect(lines, where).toHaveLength(1);
    expect(lines[0], where).toContain(`thermolearn: ${flag} ${path}`);
    expect(lines[0], where).toMatch(says);
    expect(r.err, where).not.toMatch(RUNNING);
  }

  it(
    "perceptron --json: every kind of bad path refused with one line naming the flag and the path, " +
      "exit 2, nothing computed",
    () => {
      for (const b of bad) expectRefused(commands[0].args, "--json", b);
    },
  );

  // Every output flag of every command, each with one kind of bad path (in turn): one check serves them all.
  it("every output flag of every command is checked before computing", () => {
    let turn = 0;
    for (const { args, flags } of commands)
      for (const flag of flags) expectRefused(args, flag, bad[turn++ % bad.length]);
  });

  it("blog --out: a file, an empty name or /proc refused before the first rule runs", () => {
    for (const [out, says] of [
      [file, /is not a directory/],
      ["", /needs a directory name/],
      ["/proc", /cannot create a file in \/proc/],
    ] as const) {
      const r = cli("blog", "--n", "1000", "--t-end", "10000", `--out=${out}`);
      expect(r.code, out).toBe(2);
      expect(oneLine(r.err), out).toHaveLength(1);
      expect(r.err, out).toContain("--out");
      expect(r.err, out).toMatch(says);
      expect(r.err, out).not.toMatch(RUNNING);
    }
  });

  it("two flags naming one file are refused; the checks change no file and leave no probe file", () => {
    const target = join(dir, "same.json");
    const r = cli("perceptron", "--json", target, "--svg", join(dir, ".", "same.json"));
    expect(r).toMatchObject({ code: 2, err: expect.stringMatching(/--json and --svg name the same file/) });
    // A good --json beside a bad --svg: the existing --json file is opened for append only, not changed.
    const good = join(dir, "existing.json");
    writeFileSync(good, "old contents\n");
    expect(cli("perceptron", "--json", good, "--svg", join(dir, "a-dir")).code).toBe(2);
    expect(readFileSync(good, "utf8")).toBe("old contents\n");
    expect(readFileSync(file, "utf8")).toBe("keep me\n");
    expect(readdirSync(dir).filter((f) => f.startsWith(".thermolearn-probe"))).toEqual([]);
    // A missing directory is refused, not made (a typo in it would otherwise create a tree): nothing made.
    const deep = join(dir, "new", "deeper", "l.json");
    const missing = cli("ladder", "--json", deep);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`the directory ${join(dir, "new", "deeper")} does not exist`);
    expect(existsSync(join(dir, "new"))).toBe(false);
  });
});

describe("flag values and the words of errors", () => {
  it("non-finite, empty or non-decimal numbers exit 2 naming the flag", () => {
    const cases: [string[], string][] = [
      [["perceptron"], "--n"],
      [["perceptron"], "--dt"],
      [["perceptron"], "--seed"],
      [["blog"], "--t-end"],
      [["hopfield-recall"], "--flip"],
      [["hopfield-capacity"], "--trials"],
      [["kernel-update"], "--tau-fast"],
      [["ladder"], "--gamma"],
      [["figure", "4c"], "--points"],
      [["eqprop"], "--beta"],
    ];
    const values = ["NaN", "Infinity", "-Infinity", "", " ", "0x10", "1e400", "1,5"];
    // Every value on one flag; then every command (one parser serves them all), each with one value in turn.
    const runs: [string[], string, string][] = [
      ...values.map((v): [string[], string, string] => [["perceptron"], "--n", v]),
      ...cases.map(([command, flag], i): [string[], string, string] => [command, flag, values[i % values.length]]),
    ];
    for (const [command, flag, value] of runs) {
      const r = cli(...command, `${flag}=${value}`);
      expect(r, `${command.join(" ")} ${flag}=${value}`).toMatchObject({
        code: 2,
        err: expect.stringContaining(`${flag} expects a number, got "${value}"`),
      });
    }
    expect(cli("eqprop", "--layers", "784,,10")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--layers expects a number/),
    });
    expect(cli("kernel-update", "--amplitudes", "1,NaN")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--amplitudes expects a number/),
    });
    // An empty --loads is no longer read as "the default loads".
    expect(cli("hopfield-capacity", "--loads=")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--loads expects a number/),
    });
  });

  it("errors name the flag the user typed", () => {
    const sStep = cli("ladder", "--s-step", "0");
    expect(sStep).toMatchObject({ code: 2, err: expect.stringMatching(/--s-step must be ≠ 0/) });
    expect(sStep.err).not.toMatch(/--s1|s0/);
    const k = cli("perceptron", "--k", "0");
    expect(k).toMatchObject({ code: 2, err: expect.stringMatching(/--k 0 needs --init zero/) });
    expect(k.err).not.toMatch(/init:/);
    // --init zero is a flag now: k = 0 runs (no analytic line: no steady state without a restoring force).
    const zero = cli("perceptron", "--k", "0", "--init", "zero", "--n", "100", "--t-end", "0.1");
    expect(zero.code).toBe(0);
    expect(zero.out).not.toMatch(/analytic/);
    expect(cli("perceptron", "--init", "random")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--init must be one of/),
    });
    for (const layers of ["700,10", "784,9", "784,500,12"]) {
      const r = cli("eqprop", "--layers", layers, "--rates", "0.1", "--epochs", "0", "--train", "100", "--test", "10");
      expect(r, layers).toMatchObject({
        code: 2,
        err: expect.stringMatching(/--layers must start with 784 .* end with 10/),
      });
      expect(r.err, layers).not.toMatch(/labels|images/);
    }
    expect(cli("perceptron", "--steps", "10", "--t-end", "1")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/give --steps or --t-end, not both/),
    });
    expect(cli("perceptron", "--nu", "1", "--nu-tilde", "1")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/give --nu or --nu-tilde, not both/),
    });
    const rms = cli("perceptron", "--D", "1e14");
    expect(rms.code).toBe(2);
    expect(rms.err).not.toMatch(/maxWeightRms/);
  });

  it("eqprop --resume with a broken file: one line naming --resume, exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-resume-"));
    const saved = join(dir, "p.bin");
    const small = ["--layers", "784,10", "--rates", "0.1", "--train", "100", "--test", "10"];
    expect(
      cli(
        "eqprop",
        ...small,
        "--epochs",
        "0",
        "--save",
        saved,
        "--json",
        join(dir, "a.json"),
        "--svg",
        join(dir, "a.svg"),
      ).code,
    ).toBe(0);
    const bytes = readFileSync(saved);
    // The JSON header follows magic, version, epoch, L, the L = 2 layer sizes and its length: 7 u32.
    expect(String.fromCharCode(bytes[28])).toBe("{");
    bytes[28] = "!".charCodeAt(0);
    writeFileSync(join(dir, "broken.bin"), bytes);
    writeFileSync(join(dir, "short.bin"), bytes.subarray(0, 10));
    for (const name of ["broken.bin", "short.bin", "missing.bin"]) {
      const r = cli(
        "eqprop",
        ...small,
        "--epochs",
        "1",
        "--resume",
        join(dir, name),
        "--json",
        join(dir, "b.json"),
        "--svg",
        join(dir, "b.svg"),
      );
      expect(r.code, name).toBe(2);
      expect(oneLine(r.err), name).toHaveLength(1);
      expect(r.err, name).toContain(`thermolearn: --resume ${join(dir, name)}`);
    }
  });
});

describe("Ctrl-C stops a run and keeps what was computed (exit 130)", () => {
  // Each run below would take minutes; stopMs bounds the time from SIGINT to exit (one recorded
  // chunk, one trial or one figure point, plus writing the files: well under 10 s here).
  it("perceptron", async () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-int-"));
    const r = await interrupt([
      "perceptron",
      "--n",
      "2000",
      "--t-end",
      "10000",
      "--json",
      join(dir, "p.json"),
      "--svg",
      join(dir, "p.svg"),
    ]);
    expect(r.code, r.err).toBe(130);
    expect(r.stopMs).toBeLessThan(10_000);
    expect(r.err).toMatch(/interrupted at t = /);
    const json = JSON.parse(readFileSync(join(dir, "p.json"), "utf8"));
    expect(json.status).toBe("aborted");
    expect(json.t.length).toBeGreaterThan(1);
    expect(json.t.at(-1)).toBeLessThan(10000);
    for (const key of ["epsilon", "heat", "information"]) expect(json[key], key).toHaveLength(json.t.length);
    expect(readFileSync(join(dir, "p.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("blog: the rules done and the one stopped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-int-"));
    const r = await interrupt(["blog", "--n", "1000", "--t-end", "10000", "--out", dir]);
    expect(r.code, r.err).toBe(130);
    expect(r.stopMs).toBeLessThan(10_000);
    const json = JSON.parse(readFileSync(join(dir, "perceptron.json"), "utf8"));
    expect(json.status).toBe("aborted");
    expect(json.runs).toHaveLength(1);
    expect(json.runs[0]).toMatchObject({ label: "Hebbian", status: "aborted" });
    expect(existsSync(join(dir, "perceptron.svg"))).toBe(true);
  });

  it("hopfield-capacity: the loads whose trials all finished", async () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-int-"));
    // Loads up to K/N = 1 at N = 2000: the first ones take milliseconds, the last ones minutes.
    const r = await interrupt(
      ["hopfield-capacity", "--n", "2000", "--trials", "2", "--loads", "0.005:1:0.005", "--json", join(dir, "c.json")],
      1500,
    );
    expect(r.code, r.err).toBe(130);
    expect(r.stopMs).toBeLessThan(10_000);
    const json = JSON.parse(readFileSync(join(dir, "c.json"), "utf8"));
    expect(json.status).toBe("aborted");
    expect(json.loads.length).toBeGreaterThan(0);
    expect(json.loads.length).toBeLessThan(200);
    for (const key of ["k", "unstableFraction", "retrievalOverlap", "perfectRecallFraction"])
      expect(json[key], key).toHaveLength(json.loads.length);
  });

  for (const workers of ["1", "2"]) {
    it(`figure 6b with ${workers} worker(s): the points finished in order`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "thermolearn-int-"));
      const r = await interrupt(
        [
          "figure",
          "6b",
          "--points",
          "200000",
          "--workers",
          workers,
          "--json",
          join(dir, "f.json"),
          "--svg",
          join(dir, "f.svg"),
        ],
        500,
      );
      expect(r.code, r.err).toBe(130);
      expect(r.stopMs).toBeLessThan(10_000);
      const json = JSON.parse(readFileSync(join(dir, "f.json"), "utf8"));
      expect(json.status).toBe("aborted");
      expect(json.config.points).toBe(200000);
      expect(json.dissipation.length).toBeGreaterThan(0);
      expect(json.dissipation.length).toBeLessThan(200000);
      expect(json.lnOffsetOverMean).toHaveLength(json.dissipation.length);
    });
  }
});
