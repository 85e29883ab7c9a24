import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VERSION } from "../src/index.js";

// The CLI as users run it: the bundled dist/cli.js (built by `npm test`'s pretest).
function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ["dist/cli.js", ...args], { encoding: "utf8" });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe("thermolearn CLI", () => {
  it("perceptron writes the JSON contract and an SVG", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-cli-"));
    const r = cli("perceptron", "--n", "500", "--t-end", "1", "--record-every", "50", "--trajectories", "2", "--seed", "7", "--test-size", "200", "--json", join(dir, "r.json"), "--svg", join(dir, "r.svg"));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/steady ε/);
    const json = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
    expect(json.version).toBe(VERSION);
    expect(json.seed).toBe(7);
    expect(json.status).toBe("completed");
    expect(json.config).toMatchObject({ n: 500, rule: "hebbian", trajectories: 2, testSize: 200 });
    for (const key of ["t", "epsilon", "information", "heat", "weightNorm", "R", "Q", "testError", "entropyChange", "efficiency"]) {
      expect(json[key], key).toHaveLength(21);
      expect(json[key].every((x: unknown) => typeof x === "number" && Number.isFinite(x)), key).toBe(true);
    }
    expect(json.trajectorySeeds).toHaveLength(2);
    expect(readFileSync(join(dir, "r.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("bad input exits 2 with a message naming the flag", () => {
    expect(cli("perceptron", "--n", "abc")).toMatchObject({ code: 2, err: expect.stringMatching(/--n expects a number/) });
    expect(cli("perceptron", "--n", "0")).toMatchObject({ code: 2, err: expect.stringMatching(/--n must be in/) });
    expect(cli("perceptron", "--t-end=-1")).toMatchObject({ code: 2, err: expect.stringMatching(/--t-end must be > 0/) });
    expect(cli("perceptron", "--rule", "oja")).toMatchObject({ code: 2, err: expect.stringMatching(/--rule must be one of/) });
    expect(cli("perceptron", "--bogus", "1")).toMatchObject({ code: 2, err: expect.stringMatching(/bogus/) });
    expect(cli("frobnicate")).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command/) });
  });

  it("a diverging α-tron exits 3 and says so, keeping finite results", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-cli-"));
    const r = cli("perceptron", "--rule", "alphatron", "--alpha", "2", "--n", "2000", "--t-end", "2", "--json", join(dir, "d.json"));
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
    for (const label of ["Hebbian", "Perceptron", "AdaTron", "α-tron α=0.25", "α-tron α=0.5"]) expect(r.out).toContain(label);
    expect(existsSync(join(dir, "perceptron.svg"))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, "perceptron.json"), "utf8"));
    expect(json.runs).toHaveLength(5);
  });
});

describe("hopfield commands", () => {
  it("hopfield-capacity writes the JSON contract: config, version and equal-length curves", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-hc-"));
    const r = cli("hopfield-capacity", "--n", "200", "--trials", "3", "--loads", "0.05,0.1,0.2", "--seed", "4", "--json", join(dir, "c.json"), "--svg", join(dir, "c.svg"));
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "c.json"), "utf8"));
    expect(json.version).toBe(VERSION);
    expect(json.config).toMatchObject({ n: 200, rule: "hebbian", trials: 3, seed: 4 });
    for (const key of ["loads", "unstableFraction", "predictedUnstable", "retrievalOverlap"]) expect(json[key], key).toHaveLength(3);
    expect(json.loads).toEqual([0.05, 0.1, 0.2]);
    expect(json.unstableFraction[2]).toBeGreaterThan(json.unstableFraction[0]);
    expect(readFileSync(join(dir, "c.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("hopfield-capacity takes a load range and rejects bad flags", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-hc-"));
    expect(cli("hopfield-capacity", "--n", "100", "--trials", "1", "--loads", "0.02:0.06:0.02", "--rule", "storkey", "--json", join(dir, "s.json")).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "s.json"), "utf8")).loads).toEqual([0.02, 0.04, 0.06]);
    expect(cli("hopfield-capacity", "--rule", "oja")).toMatchObject({ code: 2, err: expect.stringMatching(/--rule must be one of/) });
    expect(cli("hopfield-capacity", "--trials", "0")).toMatchObject({ code: 2, err: expect.stringMatching(/--trials/) });
    expect(cli("hopfield-capacity", "--loads", "0.1,x")).toMatchObject({ code: 2, err: expect.stringMatching(/--loads expects a number/) });
    expect(cli("hopfield-capacity", "--loads", "0.2:0.1:0.01")).toMatchObject({ code: 2, err: expect.stringMatching(/--loads: a load range needs .* stop ≥ start/) });
  });

  it("hopfield-recall recalls a corrupted pattern and draws the states", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-hr-"));
    const r = cli("hopfield-recall", "--n", "144", "--k", "6", "--flip", "0.2", "--seed", "2", "--json", join(dir, "r.json"), "--svg", join(dir, "r.svg"));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/recalled/);
    const json = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
    expect(json.success).toBe(true);
    expect(json.final).toEqual(json.pattern);
    expect(json.energy.at(-1)).toBeLessThan(json.energy[0]);
    expect(readFileSync(join(dir, "r.svg"), "utf8")).toMatch(/^<svg/);
    expect(cli("hopfield-recall", "--max-sweeps", "0")).toMatchObject({ code: 2, err: expect.stringMatching(/--max-sweeps/) });
    expect(cli("hopfield-recall", "--pattern", "10", "--k", "3")).toMatchObject({ code: 2, err: expect.stringMatching(/--pattern/) });
  });
});

describe("kernel-update", () => {
  it("writes amplitudes and dw, and for a curve offset and dynamic range", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-ku-"));
    const r = cli("kernel-update", "--kernel", "ecoli", "--area", "0", "--tau-fast", "1", "--tau-slow", "9", "--dt", "0.001", "--json", join(dir, "c.json"), "--svg", join(dir, "c.svg"));
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
    const few = cli("kernel-update", "--kernel", "sine", "--tau-fast", "0.1", "--tau-slow", "0.9", "--amplitudes", "1,2", "--theta", "0", "--json", join(dir, "f.json"));
    expect(few.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "f.json"), "utf8"));
    expect(json.amplitudes).toEqual([1, 2]);
    expect(json.dw).toHaveLength(2);
    expect(json.offset).toBeUndefined();
  });

  it("rejects bad flags with exit code 2", () => {
    expect(cli("kernel-update", "--kernel", "ladder2")).toMatchObject({ code: 2, err: expect.stringMatching(/--kernel must be one of/) });
    expect(cli("kernel-update", "--theta=-1")).toMatchObject({ code: 2, err: expect.stringMatching(/theta must be ≥ 0/) });
    expect(cli("kernel-update", "--tau-fast", "0")).toMatchObject({ code: 2, err: expect.stringMatching(/--tau-fast must be > 0/) });
    expect(cli("kernel-update", "--kernel", "sine", "--dt", "0.001")).toMatchObject({ code: 2, err: expect.stringMatching(/--dt must be 0.01/) });
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
    expect(cli("figure", "4c", "--points", "6", "--dt", "0.002", "--workers", "2", "--json", join(dir, "a.json"), "--svg", join(dir, "a.svg")).code).toBe(0);
    expect(cli("figure", "4c", "--points", "6", "--dt", "0.002", "--workers", "1", "--json", join(dir, "b.json")).code).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, "a.json"), "utf8")), b = JSON.parse(readFileSync(join(dir, "b.json"), "utf8"));
    expect(a.lnDynamicRange).toHaveLength(6);
    expect(a.lnDynamicRange).toEqual(b.lnDynamicRange);
    expect(readFileSync(join(dir, "a.svg"), "utf8")).toMatch(/^<svg/);
    expect(cli("figure", "9x")).toMatchObject({ code: 2, err: expect.stringMatching(/figure must be one of/) });
  });

  it("figure 8 writes Δw/A against τ_f/τ_K with its parameters in the config", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-fig8-"));
    const run = cli("figure", "8", "--points", "4", "--dt", "0.001", "--workers", "1", "--json", join(dir, "f.json"), "--svg", join(dir, "f.svg"));
    expect(run.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "f.json"), "utf8"));
    expect(json.ratio).toHaveLength(4);
    expect(json.ratio[0]).toBeCloseTo(0.1, 12);
    expect(json.ratio[3]).toBeCloseTo(100, 10);
    expect(json.dwOverA).toHaveLength(4);
    expect(json.config).toMatchObject({ figure: "8", dt: 0.001, tauKernel: 0.05, amplitude: 20, tauSlow: 20, theta: "(A/τ_s + A/τ_f)/2" });
    expect(readFileSync(join(dir, "f.svg"), "utf8")).toMatch(/^<svg/);
    expect(cli("figure", "8", "--dt", "0.002")).toMatchObject({ code: 2, err: expect.stringMatching(/--dt must be ≤ 0.001 for figure 8/) });
  });
});

describe("package metadata", () => {
  it("VERSION matches package.json", () => {
    expect(JSON.parse(readFileSync("package.json", "utf8")).version).toBe(VERSION);
  });
});
