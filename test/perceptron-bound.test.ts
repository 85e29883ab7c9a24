/**
 * Goldt & Seifert's information bound (src/perceptron/information.ts): the 2×2 mutual-information
 * estimator and its Miller–Madow correction on synthetic tables, the m-spacing entropy estimator, seeded
 * ensemble runs against the Hebbian closed forms, the inequality itself for both labellings and both
 * input modes, and the `thermolearn bound` command.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  resolveInformationBoundConfig,
  runInformationBound,
  runInformationBoundAsync,
  spacingEntropy,
  tableInformation,
  type InformationBoundResult,
} from "../src/perceptron/information.js";
import { erfc } from "../src/math/special.js";
import { Rng } from "../src/rng.js";
import { assertClose } from "./helpers/assert.js";

/** S(p) in nats. */
function binaryEntropy(p: number): number {
  return p <= 0 || p >= 1 ? 0 : -p * Math.log(p) - (1 - p) * Math.log(1 - p);
}

/** Mean and standard error of the mean. */
function meanSe(x: number[]): [number, number] {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
  return [m, Math.sqrt(v / x.length)];
}

/** `tables` 2×2 tables of N samples: x a fair coin, y = x flipped with probability `flip` (0.5: independent). */
function syntheticTables(
  seed: number,
  tables: number,
  N: number,
  flip: number,
): { plugIn: number; corrected: number }[] {
  const rng = new Rng({ seed });
  const u = rng.uniform(2 * tables * N);
  rng.dispose();
  const out = [];
  for (let t = 0; t < tables; t++) {
    const c = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) {
      const x = u[2 * (t * N + i)] < 0.5 ? 1 : 0;
      const y = u[2 * (t * N + i) + 1] < flip ? 1 - x : x;
      c[2 * x + y]++;
    }
    out.push(tableInformation(c[0], c[1], c[2], c[3]));
  }
  return out;
}

/** Every column of a result is finite (no NaN, no ±∞). */
function expectFinite(r: InformationBoundResult): void {
  const columns = [
    r.t,
    r.informationSum,
    r.informationSumPlugIn,
    r.informationSumStdErr,
    r.entropySum,
    r.entropySumSpacing!,
    r.heatSum,
    r.bound,
    r.boundSpacing!,
    r.ratio,
    r.patternInformation,
    r.patternInformationPlugIn,
    ...[r.excessHeatSum, r.heatSumEnergy, r.boundEnergy].filter((c) => c !== null),
  ];
  for (const column of columns) {
    expect(column).toBeInstanceOf(Float64Array);
    expect(Array.from(column).every(Number.isFinite)).toBe(true);
  }
  for (const column of [r.informationSum, r.entropySum, r.heatSum, r.bound, r.ratio]) {
    expect(column.length).toBe(r.t.length);
  }
}

/** The inequality at every recorded time t > 0, strictly (no tolerance), with both ΔS estimates. */
function expectBoundHolds(r: InformationBoundResult): void {
  expect(r.holds).toBe(true);
  expect(r.holdsSpacing).toBe(true);
  for (let i = 1; i < r.t.length; i++) {
    expect(r.informationSum[i]).toBeLessThan(r.bound[i]);
    expect(r.informationSum[i]).toBeLessThan(r.boundSpacing![i]);
  }
}

describe("tableInformation (2×2 plug-in MI, Miller–Madow)", () => {
  it("gives ln 2 − S(p) for a table whose frequencies are exactly those of a binary symmetric channel", () => {
    const { plugIn, corrected } = tableInformation(180, 20, 20, 180);
    // Exact frequencies: the plug-in value is the channel's MI up to rounding.
    assertClose(plugIn, Math.log(2) - binaryEntropy(0.1), { atol: 1e-12 });
    // All four cells occupied: the Miller–Madow bias is 1/(2N) = 1/800.
    assertClose(plugIn - corrected, 1 / 800, { atol: 1e-15 });
  });

  it("is 0 with no correction when a label is constant, and refuses bad counts", () => {
    expect(tableInformation(0, 0, 10, 30)).toEqual({ plugIn: 0, corrected: 0 });
    expect(tableInformation(0, 0, 0, 0)).toEqual({ plugIn: 0, corrected: 0 });
    expect(() => tableInformation(-1, 0, 0, 1)).toThrow(RangeError);
    expect(() => tableInformation(1.5, 0, 0, 1)).toThrow(/n00/);
    expect(() => tableInformation(1, 0, 0, Number.NaN)).toThrow(/n11/);
  });

  it("independent labels: plug-in biased by 1/(2N), the corrected estimate unbiased", () => {
    const N = 400;
    const tables = syntheticTables(11, 4000, N, 0.5);
    const [plug, plugSe] = meanSe(tables.map((t) => t.plugIn));
    const [corr, corrSe] = meanSe(tables.map((t) => t.corrected));
    // 2N·Î ~ χ²₁: mean 1/(2N) = 1.25e-3, sd 1/(√2 N) = 1.8e-3, so over 4000 tables SE ≈ 2.8e-5. Four SEs.
    expect(Math.abs(plug - 1 / (2 * N))).toBeLessThan(4 * plugSe);
    expect(Math.abs(corr)).toBeLessThan(4 * corrSe);
    expect(plug).toBeGreaterThan(30 * plugSe); // the uncorrected bias is far outside the noise
    // The χ²₁ spread itself: sd of the estimate ≈ 1/(√2 N) (relative SE of an sd over 4000: ~2 %, 10 % allowed).
    assertClose(plugSe * Math.sqrt(tables.length), 1 / (Math.SQRT2 * N), { rtol: 0.1 });
  });

  it("a channel with known MI: the corrected estimate is unbiased", () => {
    const N = 400;
    const tables = syntheticTables(12, 2000, N, 0.1);
    const [corr, se] = meanSe(tables.map((t) => t.corrected));
    // Residual Miller–Madow bias O(N⁻²) ≈ 1e-5 ≪ SE ≈ 7e-4 (delta-method sd 0.033/√2000). Four SEs.
    expect(Math.abs(corr - (Math.log(2) - binaryEntropy(0.1)))).toBeLessThan(4 * se);
  });
});

describe("spacingEntropy (m-spacing, van Es correction)", () => {
  it("is unbiased for a uniform distribution (exact correction)", () => {
    const rng = new Rng({ seed: 21 });
    const M = 100,
      reps = 400;
    const u = rng.uniform(M * reps);
    rng.dispose();
    const h = [];
    for (let r = 0; r < reps; r++)
      h.push(
        spacingEntropy(
          u.subarray(r * M, (r + 1) * M).map((x) => 3 * x),
          10,
        ),
      );
    const [mean, se] = meanSe(h);
    // H(U[0, 3]) = ln 3; the estimator is exactly unbiased for a uniform. Four SEs (SE ≈ 0.004).
    expect(Math.abs(mean - Math.log(3))).toBeLessThan(4 * se);
  });

  it("is near ½ ln(2πe σ²) for a Gaussian and shifts by ln a under x → a x + b exactly", () => {
    const rng = new Rng({ seed: 22 });
    const z = rng.normal(400);
    rng.dispose();
    const h = spacingEntropy(z);
    // Bias about −0.01 at M = 400, m = 20 and sd ≈ 0.035 (√(Var ln p/M) = √(0.5/400)): 0.15 is over 4 sd.
    assertClose(h, 0.5 * Math.log(2 * Math.PI * Math.E), { atol: 0.15 });
    // Scale equivariance is exact (up to rounding in the spacings): the bias cancels in ΔS.
    assertClose(spacingEntropy(z.map((x) => 2.5 * x - 7)), h + Math.log(2.5), { atol: 1e-12 });
  });

  it("is −∞ for tied samples and refuses bad input", () => {
    expect(spacingEntropy([1, 1, 1, 2], 1)).toBe(Number.NEGATIVE_INFINITY);
    expect(() => spacingEntropy([1])).toThrow(/samples/);
    expect(() => spacingEntropy([1, 2, 3], 3)).toThrow(/\bm\b/);
    expect(() => spacingEntropy([1, Number.NaN, 3])).toThrow(/samples\[1\]/);
  });

  // properties-11.md (e) 11, spacing-null-m: `m ?? default` took m = null for "use the default".
  it("refuses m = null (only an absent m means the default)", () => {
    const x = [0.3, -1.2, 2.5, 0.9, -0.4];
    expect(() => spacingEntropy(x, null as never)).toThrow(TypeError);
    expect(() => spacingEntropy(x, null as never)).toThrow(/^m must be a number, got null/);
    expect(spacingEntropy(x, undefined)).toBe(spacingEntropy(x, 2)); // round(√5) = 2
  });
});

/**
 * Closed forms of the Hebbian run with random labels, online with B rows drawn with replacement from P,
 * for the Euler–Maruyama recursion (derived independently of the implementation): with
 * a = 1 − (1 − kΔt)^S, f̄ = (ν/P) Σ_μ σ^μ ξ^μ (E|f̄|²/n = ν̃² n/P over the labels) and the mini-batch
 * noise η of variance e = (ν̃² n/B)(1 − 1/P) per weight:
 *   Var_t(w_n) = v_S + (ν̃² n/(k²P)) a²,  v_{s+1} = (1 − kΔt)² v_s + 2DΔt + Δt² e,  v_0 = D/k
 *   heat/weight = (ν̃² n/P)(a − a²/2)/k + t e − (k/2)(v_S − D/k),  excess/weight = t e.
 */
function hebbianTheory(p: { n: number; P: number; B: number; nuTilde: number; k: number; D: number; dt: number }) {
  return (steps: number) => {
    const { n, P, B, nuTilde, k, D, dt } = p;
    const e = ((nuTilde * nuTilde * n) / B) * (1 - 1 / P);
    let v = D / k;
    for (let s = 0; s < steps; s++) v = (1 - k * dt) ** 2 * v + 2 * D * dt + dt * dt * e;
    const a = 1 - (1 - k * dt) ** steps;
    const signal = (nuTilde * nuTilde * n) / P;
    const variance = v + (signal / (k * k)) * a * a;
    const t = steps * dt;
    const heat = (signal * (a - (a * a) / 2)) / k + t * e - (k / 2) * (v - D / k);
    return { entropy: n * 0.5 * Math.log(variance / (D / k)), heat: (n * heat) / D, excess: (n * t * e) / D };
  };
}

/**
 * ΣI of the Hebbian run in the Gaussian crosstalk approximation: the field w·ξ^μ has mean
 * (ν a/(kP)) n σ^μ, crosstalk sd (ν a/(kP)) √((P − 1) n) and thermal sd √(n v); ε = Φ(−signal/noise).
 */
function hebbianInformation(p: { n: number; P: number; nuTilde: number; k: number; D: number }, a: number, v: number) {
  const { n, P, nuTilde, k } = p;
  const scale = (nuTilde * Math.sqrt(n) * a) / (k * P);
  const snr = (scale * n) / Math.sqrt(scale * scale * (P - 1) * n + n * v);
  const epsilon = 0.5 * erfc(snr / Math.SQRT2);
  return P * (Math.log(2) - binaryEntropy(epsilon));
}

describe("runInformationBound", () => {
  const base = { n: 100, trainSize: 50, trajectories: 200, tEnd: 3, dt: 0.01, recordEvery: 20, seed: 5 };

  it("Hebbian, random labels, online: the terms match the closed forms and the bound holds", () => {
    const r = runInformationBound(base);
    expect(r.status).toBe("completed");
    expect(r.config).toMatchObject({ labels: "random", rule: "hebbian", batch: 30, spacing: 14, steps: 300 });
    expect(r.t.length).toBe(16);
    expectFinite(r);
    const L = r.t.length - 1;
    // The information is clearly there: more than 5 jackknife standard errors (measured: 70).
    expect(r.informationSum[L]).toBeGreaterThan(5 * r.informationSumStdErr[L]);
    expectBoundHolds(r);
    const theory = hebbianTheory({ n: 100, P: 50, B: 30, nuTilde: 3, k: 1, D: 1, dt: 0.01 });
    for (const i of [5, L]) {
      const expected = theory(r.steps * (r.t[i] / r.t[L]));
      // ΣΔS: the log sample variance of M = 200 has sd √(2/199) = 0.1 per weight, so ½ of it averaged over
      // 100 weights gives ≈ 0.5 nats on the sum; 2.5 nats is 5 of those.
      assertClose(r.entropySum[i], expected.entropy, { atol: 2.5 });
      // ΣQ: the |f̄|² term (≈ 9 of ≈ 97 nats per weight) fluctuates with the labels by √(2/P)/√M ≈ 1.4 %
      // of itself, the mini-batch noise averages out over 300 steps × 200 trajectories: 1 % is generous.
      assertClose(r.heatSum[i], expected.heat, { rtol: 0.01 });
      // The excess part: the batch-covariance estimate of t·e, averaged over 6·10⁴ steps·trajectories.
      assertClose(r.excessHeatSum![i], expected.excess, { rtol: 0.01 });
    }
    // The spacing estimate agrees with the Gaussian one: the marginals are Gaussian up to the CLT over
    // P = 50 labels (its own noise ≈ 0.035·√(2·100) ≈ 0.5 nats on the sum): 2 % allowed.
    assertClose(r.entropySumSpacing![L], r.entropySum[L], { rtol: 0.02 });
    // ΣI against the Gaussian-crosstalk approximation (≈ 20.4 nats): the crosstalk of 49 ±1 terms is
    // only roughly normal and varies from pattern to pattern; 8 % allowed (measured: 0.2 %).
    const a = 1 - 0.99 ** 300;
    assertClose(r.informationSum[L], hebbianInformation({ n: 100, P: 50, nuTilde: 3, k: 1, D: 1 }, a, 1.15), {
      rtol: 0.08,
    });
    // At t = 0 labels and weights are independent: ΣI within 3 SE of 0 (SE ≈ √(P/2)/M = 0.025), and the
    // plug-in sum is larger by exactly the Miller–Madow bias P/(2M) = 0.125 (every cell occupied).
    expect(Math.abs(r.informationSum[0])).toBeLessThan(3 * r.informationSumStdErr[0]);
    assertClose(r.informationSumPlugIn[0] - r.informationSum[0], 50 / 400, { atol: 1e-12 });
    expect([r.entropySum[0], r.heatSum[0], r.bound[0], r.ratio[0]]).toEqual([0, 0, 0, 0]);
    // Per pattern at the end: P values summing to the column.
    expect(r.patternInformation.length).toBe(50);
    assertClose(
      r.patternInformation.reduce((s, x) => s + x, 0),
      r.informationSum[L],
      { atol: 1e-9 },
    );
    // ratio = ΣI/bound.
    assertClose(r.ratio[L] * r.bound[L], r.informationSum[L], { rtol: 1e-12 });
  });

  it("heat enters as the medium's entropy Q/D (D = 2 halves the heat columns)", () => {
    const r = runInformationBound({ ...base, D: 2 });
    const L = r.t.length - 1;
    const expected = hebbianTheory({ n: 100, P: 50, B: 30, nuTilde: 3, k: 1, D: 2, dt: 0.01 })(300);
    // Same tolerances and reasons as at D = 1.
    assertClose(r.heatSum[L], expected.heat, { rtol: 0.01 });
    assertClose(r.entropySum[L], expected.entropy, { atol: 2.5 });
    expectBoundHolds(r);
  });

  it("batch learning (inputs averaged) has no excess heat, and the bound is much tighter than online", () => {
    const online = runInformationBound(base);
    const batch = runInformationBound({ ...base, inputs: "averaged" });
    expect(batch.config.sampling).toBe("batch");
    expectFinite(batch);
    expectBoundHolds(batch);
    const L = batch.t.length - 1;
    expect(Array.from(batch.excessHeatSum!).every((x) => x === 0)).toBe(true);
    // Batch Hebbian heat: (ν̃²n/P)(a − a²/2)/k per weight, ≈ 9 nats (no t·e term): 3 % for the label spread.
    const signal = 18,
      a = 1 - 0.99 ** 300;
    assertClose(batch.heatSum[L], 100 * signal * (a - (a * a) / 2), { rtol: 0.03 });
    // Hebbian: the force does not depend on w, so the step's heat is exactly the energy drop −Δ(U + V).
    assertClose(batch.heatSumEnergy!, batch.heatSum, { rtol: 1e-9, atol: 1e-9 });
    expect(online.heatSumEnergy).toBeNull();
    // Online dissipates ≈ 10× more for about the same information (ratio of ratios measured ≈ 10).
    expect(online.ratio[L]).toBeLessThan(batch.ratio[L] / 5);
    expect(batch.informationSum[L]).toBeGreaterThan(5 * batch.informationSumStdErr[L]);
  });

  it("teacher labels: information positive and the efficiency-like ratio ≤ 1", () => {
    const r = runInformationBound({ ...base, labels: "teacher" });
    expectFinite(r);
    expectBoundHolds(r);
    const L = r.t.length - 1;
    expect(r.informationSum[L]).toBeGreaterThan(5 * r.informationSumStdErr[L]);
    expect(Array.from(r.ratio).every((x) => x >= 0 && x <= 1)).toBe(true);
  });

  it("Perceptron rule, online and batch: finite, informative, the (weaker, see TSDoc) bound holds", () => {
    for (const inputs of ["sampled", "averaged"] as const) {
      const r = runInformationBound({ ...base, rule: "perceptron", inputs });
      expectFinite(r);
      const L = r.t.length - 1;
      expect(r.informationSum[L]).toBeGreaterThan(5 * r.informationSumStdErr[L]);
      expectBoundHolds(r);
      if (inputs === "averaged") {
        // The exact heat of the gradient flow from the energies, computed here in TS: positive, and
        // equal to the library's batch heat (the exact drop of the set's potential per step, summed in
        // wasm) to rounding of sums of ~10⁵ terms; the bound holds with it too.
        const energy = r.heatSumEnergy!;
        expect(energy[L]).toBeGreaterThan(0);
        for (let i = 0; i <= L; i++) expect(Math.abs(energy[i] - r.heatSum[i])).toBeLessThan(1e-6 * (1 + energy[L]));
        expect(r.holdsEnergy).toBe(true);
        for (let i = 1; i <= L; i++) expect(r.informationSum[i]).toBeLessThan(r.boundEnergy![i]);
      }
    }
  });

  it("validates options, naming them", () => {
    expect(() => resolveInformationBoundConfig({ trainSize: 0 })).toThrow(/trainSize/);
    expect(() => resolveInformationBoundConfig({ trajectories: 4 })).toThrow(/^trajectories/);
    expect(() => resolveInformationBoundConfig({ init: "zero" })).toThrow(/^init/);
    expect(() => resolveInformationBoundConfig({ D: 0 })).toThrow(/^D must be > 0/);
    // properties-11.md (e) 10, bound-denormal-D: D = 5e-324 passed, then the run threw a plain Error ("the
    // Gaussian entropy change is undefined"): every initial variance D/k rounds to 0.
    expect(() => resolveInformationBoundConfig({ D: 5e-324 })).toThrow(RangeError);
    expect(() => resolveInformationBoundConfig({ D: 5e-324 })).toThrow(
      /^D\/k: the equilibrium weight variance D\/k = 5e-324 \(D = 5e-324, k = 1\) must be ≥ 1e-200/,
    );
    expect(() => runInformationBound({ n: 5, trainSize: 2, trajectories: 8, tEnd: 0.1, D: 1e-300 })).toThrow(
      /^D\/k: the equilibrium weight variance/,
    );
    expect(() => resolveInformationBoundConfig({ labels: "teacher", teacher: "shared" })).toThrow(/^teacher/);
    expect(() => resolveInformationBoundConfig({ spacing: 400 })).toThrow(/^spacing/);
    expect(() => resolveInformationBoundConfig({ steps: 10, tEnd: 1 })).toThrow(/steps or tEnd/);
    expect(() => resolveInformationBoundConfig({ labels: "noise" as "random" })).toThrow(/^labels/);
    // @ts-expect-error an unknown option
    expect(() => runInformationBound({ patterns: 5 })).toThrow(/unknown option "patterns"/);
    expect(resolveInformationBoundConfig()).toMatchObject({
      n: 200,
      trainSize: 100,
      labels: "random",
      trajectories: 400,
      dt: 0.01,
      steps: 500,
      recordEvery: 10,
      spacing: 20,
    });
  });

  it("async: reports progress and stops on the signal with what was recorded", async () => {
    const seen: number[] = [];
    const done = await runInformationBoundAsync({ ...base, tEnd: 0.5, onProgress: (p) => seen.push(p.t) });
    expect(seen.length).toBe(done.t.length - 1);
    assertClose(seen.at(-1)!, 0.5, { atol: 1e-12 });
    const controller = new AbortController();
    const stopped = await runInformationBoundAsync({
      ...base,
      onProgress: (p) => {
        if (p.t >= 0.4) controller.abort();
      },
      signal: controller.signal,
    });
    expect(stopped.status).toBe("aborted");
    expect(stopped.t.length).toBe(3); // t = 0, 0.2, 0.4
    expectFinite(stopped);
  });
});

describe("thermolearn bound (dist/cli.js)", () => {
  const small = ["--n", "60", "--patterns", "30", "--trajectories", "64", "--t-end", "1", "--seed", "3"];

  it("prints the table and the verdict, and writes the JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-bound-"));
    const file = join(dir, "b.json");
    const r = spawnSync(process.execPath, ["dist/cli.js", "bound", ...small, "--json", file], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ΣI ± SE/);
    expect(r.stdout).toMatch(/held at every one of the \d+ recorded times/);
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(json.status).toBe("completed");
    expect(json.config).toMatchObject({ n: 60, trainSize: 30, trajectories: 64, labels: "random" });
    expect(json.informationSum.length).toBe(json.t.length);
    expect(json.holds).toBe(true);
  });

  it("rejects a bad flag with exit 2 and a message naming it", () => {
    for (const [args, pattern] of [
      [["--labels", "noise"], /--labels must be one of/],
      [["--patterns", "0"], /--patterns/],
      [["--trajectories", "2"], /--trajectories must be ≥ 8/],
      [["--t-end", "x"], /--t-end expects a number/],
      [["--bogus", "1"], /--bogus/],
    ] as const) {
      const r = spawnSync(process.execPath, ["dist/cli.js", "bound", ...args], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
  });

  it("Ctrl-C writes what was computed and exits 130", async () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-bound-"));
    const file = join(dir, "b.json");
    const args = [
      "dist/cli.js",
      "bound",
      ...small.slice(0, 6),
      "--t-end",
      "10000",
      "--record-every",
      "500",
      "--json",
      file,
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => {
      const first = err === "";
      err += d;
      // The first progress line: the run is computing; interrupt it a moment later.
      if (first && /running/.test(err)) setTimeout(() => child.kill("SIGINT"), 300);
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code, err).toBe(130);
    expect(err).toMatch(/interrupted at t = /);
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(json.status).toBe("aborted");
    expect(json.t.length).toBeGreaterThan(1);
  });
});
