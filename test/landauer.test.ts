// Landauer's erasure (src/langevin/landauer.ts), its figure on all cores (src/node/landauer-figure.ts) and
// the CLI's `figure landauer` and `figure cost` (dist/cli.js). Reference: /work/notes/theory12.md.
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ERASURE_DT,
  combineErasures,
  erasureFokkerPlanck,
  erasureProtocol,
  landauerBound,
  landauerFit,
  resolveErasureConfig,
  resolveErasureFokkerPlanckConfig,
  runErasure,
  type LandauerPoint,
} from "../src/langevin/landauer.js";
import { resolveLandauerFigureConfig, runLandauerFigure } from "../src/node/landauer-figure.js";
import { VERSION } from "../src/version.js";

const LN2 = Math.LN2;

/** A seeded standard normal (mulberry32 + Box–Muller), for the synthetic fits. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

describe("erasureProtocol", () => {
  it("has four strokes of τ/4: barrier down, tilt, barrier up, untilt", () => {
    expect(erasureProtocol({ tau: 40 })).toEqual({
      kind: "doubleWell",
      barrier: { t: [0, 10, 20, 30, 40], value: [10, 0, 0, 10, 10] },
      tilt: { t: [0, 10, 20, 30, 40], value: [0, 0, 6, 6, 0] },
      quartic: 8,
    });
    const p = erasureProtocol({ tau: 2, barrier: 7, tilt: 3, quartic: 5 });
    expect(p.barrier).toEqual({ t: [0, 0.5, 1, 1.5, 2], value: [7, 0, 0, 7, 7] });
    expect(p.tilt).toEqual({ t: [0, 0.5, 1, 1.5, 2], value: [0, 0, 3, 3, 0] });
    expect(p.quartic).toBe(5);
  });

  it("names a bad option", () => {
    expect(() => erasureProtocol({} as never)).toThrow(/tau is required/);
    expect(() => erasureProtocol({ tau: 0 })).toThrow(RangeError);
    expect(() => erasureProtocol({ tau: 0 })).toThrow(/^tau must be > 0/);
    expect(() => erasureProtocol({ tau: 1, barrier: -1 })).toThrow(/^barrier must be > 0/);
    expect(() => erasureProtocol({ tau: 1, tilt: Number.NaN })).toThrow(/^tilt must be finite/);
    expect(() => erasureProtocol({ tau: 1, quartic: "8" as never })).toThrow(TypeError);
    expect(() => erasureProtocol({ tau: 1, quartic: "8" as never })).toThrow(/^quartic must be a number/);
    expect(() => erasureProtocol({ tau: 1, barier: 1 } as never)).toThrow(/unknown option "barier"/);
  });
});

describe("landauerBound", () => {
  it("is ln 2 at p = 0 and 1, 0 at ½, and ln 2 + p ln p + (1 − p) ln(1 − p) between", () => {
    expect(landauerBound(1)).toBe(LN2);
    expect(landauerBound(0)).toBe(LN2);
    // ln 2 + 2·½ ln ½ = 0 up to one rounding of ln 2.
    expect(Math.abs(landauerBound(0.5))).toBeLessThan(1e-16);
    // 0.693147180559945 − 0.094824464092 − 0.230258509299 = 0.368064207168 (by hand, 12 digits).
    expect(landauerBound(0.9)).toBeCloseTo(0.368064207168, 11);
    expect(landauerBound(0.1)).toBe(landauerBound(0.9));
  });

  it("names p outside [0, 1]", () => {
    for (const p of [-0.1, 1.1, Number.NaN]) expect(() => landauerBound(p)).toThrow(/^p must be/);
  });
});

describe("runErasure", () => {
  it("resolves its options once, naming a bad one", () => {
    // τ/dt = 0.0003/0.0001 = 2.9999999999999996 in floating point: 3 steps, not 4.
    expect(resolveErasureConfig({ tau: 0.0003, dt: 0.0001 }).steps).toBe(3);
    const c = resolveErasureConfig({ tau: 40 });
    expect(c).toMatchObject({ barrier: 10, tilt: 6, quartic: 8, particles: 10_000, D: 1, scheme: "heun", seed: 0 });
    expect(c.steps).toBe(20_000);
    expect(() => resolveErasureConfig({} as never)).toThrow(/tau is required/);
    expect(() => resolveErasureConfig({ tau: 5, particles: 1 })).toThrow(/^particles must be in/);
    expect(() => resolveErasureConfig({ tau: 5, dt: 0 })).toThrow(/^dt must be > 0/);
    expect(() => resolveErasureConfig({ tau: 5, scheme: "rk4" as never })).toThrow(/^scheme must be one of/);
    expect(() => resolveErasureConfig({ tau: 5, firstTrajectory: 2 ** 32 - 2, particles: 4 })).toThrow(
      /^firstTrajectory: /,
    );
    expect(() => resolveErasureConfig({ tau: 5, D: -1 })).toThrow(/^D must be > 0/);
    // dt·V″ ≥ 1 in the wells (V″ ≈ 71.5 at the start) is refused by the ensemble, naming dt.
    expect(() => resolveErasureConfig({ tau: 1, dt: 0.02 })).toThrow(/^dt = 0.02 is too coarse/);
  });

  it("erases: success → 1 and the mean heat above the generalised bound", () => {
    const r = runErasure({ tau: 20, particles: 2000, seed: 7 });
    expect(r.status).toBe("completed");
    expect(r.diverged).toBe(0);
    expect(r.particles).toBe(2000);
    // The grid gives 1 − p = 3·10⁻⁴ at τ = 20, 0.6 failures expected in 2000: 20 or more (p < 0.99) is
    // a Poisson tail of ~10⁻³⁰.
    expect(r.success).toBeGreaterThan(0.99);
    expect(r.successes).toBe(Math.round(r.success * 2000));
    // Second law: ⟨Q⟩ ≥ bound(p); allowed 4 standard errors below (both errors added), a 3·10⁻⁵ false alarm.
    expect(r.meanHeat).toBeGreaterThan(r.bound - 4 * (r.heatError + r.boundError));
    // The standard error is that of a mean: σ_Q/√N with σ_Q ≈ 1.5 k_BT at this τ (measured 1.2–2).
    expect(r.heatError).toBeGreaterThan(0.5 / Math.sqrt(2000));
    expect(r.heatError).toBeLessThan(3 / Math.sqrt(2000));
  });

  it("combines disjoint sub-ensembles into the value of their union (same streams; Chan's rounding)", () => {
    const whole = runErasure({ tau: 5, particles: 600, seed: 11 });
    const parts = [
      runErasure({ tau: 5, particles: 200, seed: 11, firstTrajectory: 0 }),
      runErasure({ tau: 5, particles: 400, seed: 11, firstTrajectory: 200 }),
    ];
    const combined = combineErasures(parts);
    expect(combined.particles).toBe(600);
    expect(combined.firstTrajectory).toBe(0);
    // Counts are exact: each trajectory's stream, hence its end, does not depend on the split.
    expect(combined.successes).toBe(whole.successes);
    expect(combined.success).toBe(whole.success);
    // Welford over 600 values vs Welford over 200 and 400 then Chan's update: a few ulps of the mean's scale.
    expect(combined.meanHeat).toBeCloseTo(whole.meanHeat, 12);
    expect(combined.meanWork).toBeCloseTo(whole.meanWork, 12);
    expect(combined.heatM2 / whole.heatM2).toBeCloseTo(1, 12);
    expect(combined.workError / whole.workError).toBeCloseTo(1, 12);
    // A different split of the same trajectories gives the same value too.
    const other = combineErasures([
      runErasure({ tau: 5, particles: 300, seed: 11, firstTrajectory: 0 }),
      runErasure({ tau: 5, particles: 300, seed: 11, firstTrajectory: 300 }),
    ]);
    expect(other.meanHeat).toBeCloseTo(whole.meanHeat, 12);
    expect(() => combineErasures([])).toThrow(/non-empty/);
    expect(() => combineErasures([parts[0], { ...parts[1], tau: 6 }])).toThrow(/values\[1\]\.tau/);
  });
});

describe("landauerFit", () => {
  const taus = [5, 10, 20, 40, 80, 160];

  it("is exact on points on the line (B exact, χ² ≈ 0)", () => {
    const B = 9.25;
    const points = taus.map((tau) => ({ tau, meanHeat: LN2 + B / tau, heatError: 0.01 }));
    const r = landauerFit(points);
    expect(r.points).toBe(6);
    expect(r.fixed.Qinf).toBe(LN2);
    expect(r.fixed.B).toBeCloseTo(B, 12);
    expect(r.fixed.chi2).toBeLessThan(1e-18);
    expect(r.fixed.dof).toBe(5);
    // Equal errors σ: Var B = σ²/Σ(1/τ²).
    const suu = taus.reduce((s, t) => s + 1 / (t * t), 0);
    expect(r.fixed.BError).toBeCloseTo(0.01 / Math.sqrt(suu), 14);
    expect(r.free).not.toBeNull();
    expect(r.free!.Qinf).toBeCloseTo(LN2, 12);
    expect(r.free!.B).toBeCloseTo(B, 11);
    expect(r.free!.chi2).toBeLessThan(1e-18);
    expect(r.free!.dof).toBe(4);
    // The free fit's errors: the inverse of the 2 × 2 normal matrix [[Σw, Σwu], [Σwu, Σwu²]].
    const w = 1e4,
      su = taus.reduce((s, t) => s + 1 / t, 0);
    const det = w * taus.length * w * suu - (w * su) ** 2;
    expect(r.free!.QinfError).toBeCloseTo(Math.sqrt((w * suu) / det), 12);
    expect(r.free!.BError).toBeCloseTo(Math.sqrt((w * taus.length) / det), 12);
    expect(r.free!.covariance).toBeCloseTo((-w * su) / det, 12);
  });

  it("on noisy points: the pulls (B − B_true)/σ_B are standard normal and χ² averages dof", () => {
    const gauss = normals(12);
    const trials = 2000,
      B = 9;
    const sigma = taus.map((t) => 0.01 + 0.02 / Math.sqrt(t));
    let pullSum = 0,
      pull2 = 0,
      freePull2 = 0,
      qPull2 = 0,
      chi2 = 0,
      freeChi2 = 0;
    for (let k = 0; k < trials; k++) {
      const points = taus.map((tau, i) => ({ tau, meanHeat: LN2 + B / tau + sigma[i] * gauss(), heatError: sigma[i] }));
      const r = landauerFit(points);
      const pull = (r.fixed.B - B) / r.fixed.BError;
      pullSum += pull;
      pull2 += pull * pull;
      freePull2 += ((r.free!.B - B) / r.free!.BError) ** 2;
      qPull2 += ((r.free!.Qinf - LN2) / r.free!.QinfError) ** 2;
      chi2 += r.fixed.chi2;
      freeChi2 += r.free!.chi2;
    }
    // Over 2000 trials the mean pull has s.e. 1/√2000 = 0.022, the mean squared pull 0.032, the mean χ²/dof
    // √(2/(dof·2000)) ≤ 0.016: 5 of those each (false alarm < 10⁻⁵); a wrong error formula (a missing √, a
    // factor 2) misses by ≥ 0.3.
    expect(Math.abs(pullSum / trials)).toBeLessThan(0.11);
    expect(Math.abs(pull2 / trials - 1)).toBeLessThan(0.16);
    expect(Math.abs(freePull2 / trials - 1)).toBeLessThan(0.16);
    expect(Math.abs(qPull2 / trials - 1)).toBeLessThan(0.16);
    expect(Math.abs(chi2 / trials / 5 - 1)).toBeLessThan(0.08);
    expect(Math.abs(freeChi2 / trials / 4 - 1)).toBeLessThan(0.08);
  });

  it("needs two distinct τ for the free fit, and names a bad point", () => {
    const one = landauerFit([{ tau: 10, meanHeat: 1.5, heatError: 0.1 }]);
    expect(one.fixed.B).toBeCloseTo((1.5 - LN2) * 10, 12);
    expect(one.fixed.dof).toBe(0);
    expect(one.fixed.reducedChi2).toBeNull();
    expect(one.free).toBeNull();
    const same = landauerFit([
      { tau: 10, meanHeat: 1.5, heatError: 0.1 },
      { tau: 10, meanHeat: 1.6, heatError: 0.1 },
    ]);
    expect(same.free).toBeNull();
    const ok: LandauerPoint = { tau: 10, meanHeat: 1, heatError: 0.1 };
    expect(() => landauerFit([])).toThrow(/non-empty/);
    expect(() => landauerFit([ok, { ...ok, tau: -1 }])).toThrow(/^points\[1\]\.tau must be > 0/);
    expect(() => landauerFit([ok, { ...ok, meanHeat: Number.NaN }])).toThrow(/^points\[1\]\.meanHeat must be finite/);
    expect(() => landauerFit([ok, { ...ok, heatError: 0 }])).toThrow(/^points\[1\]\.heatError must be > 0/);
    expect(() => landauerFit([ok, null as never])).toThrow(/points\[1\] must be/);
  });
});

describe("erasureFokkerPlanck", () => {
  it("agrees with the Langevin ensemble on ⟨W⟩, ⟨Q⟩ and success within the ensemble's error", () => {
    for (const tau of [10, 40]) {
      const particles = 8000;
      const lv = runErasure({ tau, particles, seed: 5 });
      // Same dt (2·10⁻³): both use theory12.md's discrete-time work (its O(dt) error is shared). The grid's
      // own error at 512 cells is ~2·10⁻⁴ (next test) and Heun's bias ~3·10⁻³ k_BT, both ≪ σ ≈ 0.02.
      const fp = erasureFokkerPlanck({ tau, dt: ERASURE_DT });
      // |z| < 4: z is standard normal if both are right; 4 has a two-sided false alarm of 6·10⁻⁵ per check.
      expect(Math.abs((lv.meanHeat - fp.meanHeat) / lv.heatError), `τ = ${tau} heat`).toBeLessThan(4);
      expect(Math.abs((lv.meanWork - fp.meanWork) / lv.workError), `τ = ${tau} work`).toBeLessThan(4);
      // Success: binomial with p from the grid (1 − p ≈ 3–6·10⁻⁴: ~3 failures expected), 4 of its σ plus
      // one count for discreteness.
      const s = Math.sqrt((fp.success * (1 - fp.success)) / particles);
      expect(Math.abs(lv.success - fp.success), `τ = ${tau} success`).toBeLessThan(4 * s + 1 / particles);
      expect(fp.success).toBeGreaterThan(0.999);
      // Both above the generalised bound.
      expect(fp.meanHeat).toBeGreaterThan(fp.bound);
    }
  });

  it("converges with the grid: second order in h (cells 512, 1024, 2048; 256 is refused as too coarse)", () => {
    const values = [512, 1024, 2048].map((cells) => erasureFokkerPlanck({ tau: 5, cells }));
    const d1 = values[0].meanHeat - values[1].meanHeat,
      d2 = values[1].meanHeat - values[2].meanHeat;
    // Measured 2.0·10⁻⁴ then 5.1·10⁻⁵: the ratio 4 of an O(h²) error; more than 3 asked.
    expect(Math.abs(d1)).toBeLessThan(1e-3);
    expect(Math.abs(d2)).toBeLessThan(Math.abs(d1) / 3);
    const w1 = values[0].meanWork - values[1].meanWork,
      w2 = values[1].meanWork - values[2].meanWork;
    expect(Math.abs(w2)).toBeLessThan(Math.abs(w1) / 3);
    expect(Math.abs(values[0].success - values[2].success)).toBeLessThan(1e-5);
    // The first law on the grid: ⟨W⟩ − ⟨Q⟩ = Δ⟨V⟩, small over a closed cycle.
    expect(Math.abs(values[2].meanWork - values[2].meanHeat)).toBeLessThan(0.01);
    // 256 cells: |ΔU|/D between neighbours exceeds 2 in the wells: a RangeError naming cells, before solving.
    expect(() => resolveErasureFokkerPlanckConfig({ tau: 5, cells: 256 })).toThrow(/^cells: the grid is too coarse/);
    expect(() => erasureFokkerPlanck({ tau: 5, cells: 256 })).toThrow(RangeError);
    expect(() => erasureFokkerPlanck({ tau: 5, dt: -1 })).toThrow(/^dt must be > 0/);
    expect(() => erasureFokkerPlanck({ tau: 5, D: 0 })).toThrow(/^D must be > 0/);
    expect(() => erasureFokkerPlanck({ tau: 5, grid: 1 } as never)).toThrow(/unknown option "grid"/);
  });
});

describe("runLandauerFigure", () => {
  it("gives the same bits on 1 and 2 workers, and validates its options naming them", async () => {
    const options = { taus: [8, 5], particles: 300, groups: 3, seed: 2 };
    const here = await runLandauerFigure({ ...options, workers: 1 });
    const pool = await runLandauerFigure({ ...options, workers: 2 });
    expect(here.status).toBe("completed");
    expect(Array.from(here.dots.tau)).toEqual([5, 8]);
    expect(Array.from(pool.dots.meanHeat)).toEqual(Array.from(here.dots.meanHeat));
    expect(Array.from(pool.lines.meanHeat)).toEqual(Array.from(here.lines.meanHeat));
    expect(pool.fit).toEqual(here.fit);
    // The τ = 5 dot is the union of its 3 sub-ensembles: trajectories 0 … 299 of the seed (τ index 0).
    const direct = runErasure({ tau: 5, particles: 300, seed: 2 });
    expect(here.dots.meanHeat[0]).toBeCloseTo(direct.meanHeat, 12);
    expect(here.dots.success[0]).toBe(direct.success);
    expect(here.version).toBe(VERSION);
    for (const [bad, message] of [
      [{ taus: [] }, /^taus must be a non-empty array/],
      [{ taus: [5, -1] }, /^taus\[1\] must be > 0/],
      [{ taus: [5, 5] }, /^taus must be distinct/],
      [{ particles: 7, groups: 4 }, /^particles must be in \[8,/],
      [{ groups: 0 }, /^groups must be in/],
      [{ workers: 0 }, /^workers must be in/],
      [{ cells: 100 }, /^cells: the grid is too coarse/],
      [{ dt: 0.05 }, /^dt = 0.05 is too coarse/],
      [{ taus: [5], bogus: 1 }, /unknown option "bogus"/],
    ] as const) {
      expect(() => resolveLandauerFigureConfig(bad as never)).toThrow(message);
    }
  });
});

// The CLI as users run it: the bundled dist/cli.js (built by `npm test`'s pretest).
function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ["dist/cli.js", ...args], { encoding: "utf8" });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe("thermolearn figure landauer | cost", () => {
  it("figure landauer writes the JSON and the SVG; bad flags exit 2 naming them", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-landauer-"));
    const json = join(dir, "l.json"),
      svg = join(dir, "l.svg");
    const r = cli(
      "figure",
      "landauer",
      "--taus",
      "5,10,20",
      "--particles",
      "400",
      "--groups",
      "2",
      "--json",
      json,
      "--svg",
      svg,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/figure landauer: 3 of 3 τ \(5 … 20\), 400 erasures each/);
    expect(r.out).toMatch(/⟨Q⟩ = ln 2 \+ B\/τ: B = \d+\.\d+ ± \d+\.\d+/);
    const j = JSON.parse(readFileSync(json, "utf8"));
    expect(j.version).toBe(VERSION);
    expect(j.status).toBe("completed");
    expect(j.config).toMatchObject({ taus: [5, 10, 20], particles: 400, groups: 2, seed: 0, dt: 0.002, cells: 512 });
    expect(j.ln2).toBe(LN2);
    expect(j.dots.tau).toEqual([5, 10, 20]);
    expect(j.lines.tau).toEqual([5, 10, 20]);
    for (const key of ["meanHeat", "heatError", "meanWork", "success", "bound", "zHeat"]) {
      expect(j.dots[key]).toHaveLength(3);
    }
    expect(Number.isFinite(j.fit.fixed.B)).toBe(true);
    expect(Number.isFinite(j.fit.free.Qinf)).toBe(true);
    expect(j.agreement.dots).toBe(3);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg/);
    for (const [args, message] of [
      [["--particles", "1"], /^thermolearn: --particles must be in/],
      [["--taus", "5,x"], /--taus expects a number/],
      [["--taus", "5,0"], /^thermolearn: --taus\[1\] must be > 0/],
      [["--workers", "0"], /^thermolearn: --workers must be in/],
      [["--cells", "100"], /^thermolearn: --cells: the grid is too coarse/],
      [["--seed", "1.5"], /^thermolearn: --seed must be an integer/],
      [["--bogus", "1"], /Unknown option '--bogus'/],
    ] as const) {
      const bad = cli("figure", "landauer", ...args, "--json", join(dir, "bad.json"));
      expect(bad.code, args.join(" ")).toBe(2);
      expect(bad.err).toMatch(message);
    }
    expect(existsSync(join(dir, "bad.json"))).toBe(false);
  });

  it("figure cost writes the JSON and the SVG; bad flags exit 2 naming them", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-cost-"));
    const json = join(dir, "c.json"),
      svg = join(dir, "c.svg");
    const r = cli("figure", "cost", "--gammas", "1,0.01", "--Fs", "25", "--steps", "256", "--json", json, "--svg", svg);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/figure cost: 2 points/);
    const j = JSON.parse(readFileSync(json, "utf8"));
    expect(j.version).toBe(VERSION);
    expect(j.landauerNats).toBe(LN2);
    expect(j.config.gammas).toEqual([1, 0.01]);
    expect(j.gamma).toHaveLength(2);
    expect(j.dissipationPerCycle).toHaveLength(2);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg/);
    for (const [args, message] of [
      [["--gammas", "1,x"], /--gammas expects a number/],
      [["--steps", "0"], /^thermolearn: --steps/],
      [["--nope", "1"], /Unknown option '--nope'/],
    ] as const) {
      const bad = cli("figure", "cost", ...args);
      expect(bad.code, args.join(" ")).toBe(2);
      expect(bad.err).toMatch(message);
    }
    const unknown = cli("figure", "landau");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/"landauer", "cost"/);
  });
});
