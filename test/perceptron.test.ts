import { describe, it, expect } from "vitest";
import {
  Perceptron, simulatePerceptron, runPerceptron, hebbianEpsilon, hebbianEpsilonEM, hebbianTransient,
  mutualInformation, DivergedError, DisposedError, type LearningRule,
} from "../src/index.js";
import { refStep, unpackInputs } from "../src/ref/perceptron.js";
import { assertClose, BACKENDS } from "./helpers/assert.js";

const RULES: LearningRule[] = ["hebbian", "perceptron", "adatron", "alphatron"];

describe("one Euler–Maruyama step against the TS reference", () => {
  // Sizes around the SIMD width (2 f64 lanes) and odd large n; batches around the 8-bit groups.
  const sizes = [1, 2, 3, 4, 5, 17, 1001];
  const batches = [1, 7, 8, 9, 30];
  for (const backend of BACKENDS) {
    for (const rule of RULES) {
      it(`${backend} / ${rule}`, () => {
        for (const n of sizes) {
          for (const batch of batches) {
            const sim = new Perceptron({ n, batch, rule, alpha: 0.5, dt: 0.01, seed: n * 100 + batch, backend });
            sim.step(3); // leave the initial state behind
            const w0 = sim.weights(), T = sim.teacher(), heat0 = sim.heat();
            sim.step(1);
            const { inputs, noise } = sim.lastDraws();
            const ref = refStep(w0, T, unpackInputs(inputs, n, batch), noise, { rule, alpha: 0.5, k: 1, nu: 3 * Math.sqrt(n), D: 1, dt: 0.01 });
            // The wasm sums the dots through byte histograms and the force through tables, the
            // reference in index order: both are f64 sums of ≤ 1001 terms of size ≲ 10, so they
            // agree to ~1e-12 absolute; 1e-9 leaves room without hiding a wrong term (one input bit
            // wrong changes w by ≥ Δtν/B ≈ 1e-3).
            assertClose(sim.weights(), ref.w, { atol: 1e-9, rtol: 1e-9 });
            assertClose(sim.heat() - heat0, ref.heat, { atol: 1e-8, rtol: 1e-9 });
            sim.dispose();
          }
        }
      });
    }
  }
});

describe("SIMD and scalar builds", () => {
  for (const rule of RULES) {
    it(`give the same bits (${rule}, n = 1001, B = 30, 200 steps)`, () => {
      const run = (backend: "simd" | "scalar") => {
        const sim = new Perceptron({ n: 1001, rule, seed: 9, backend, trainSize: rule === "adatron" ? 50 : 0 });
        sim.step(200);
        const out = { w: sim.weights(), heat: sim.heat(), eps: sim.observe().epsilon[0] };
        sim.dispose();
        return out;
      };
      const a = run("simd"), b = run("scalar");
      expect(Array.from(a.w)).toEqual(Array.from(b.w));
      expect(a.heat).toBe(b.heat);
      expect(a.eps).toBe(b.eps);
    });
  }
});

describe("golden values", () => {
  it("Hebbian steady ε at the blog's parameters is 0.1859 ± 0.01", () => {
    // n = 10⁴, k = 1, ν = 3√n, Δt = 10⁻³, B = 30; relaxation time 1/k = 1, so t ∈ [3, 6] is steady.
    const r = simulatePerceptron({ rule: "hebbian", tEnd: 6, recordEvery: 100, seed: 2026 });
    expect(r.status).toBe("completed");
    const steady = r.epsilon.filter((_, i) => r.t[i] >= 3);
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
    expect(hebbianEpsilonEM({ n: 1e4, nu: 300, dt: 1e-3, batch: 30 })).toBeCloseTo(0.1859, 4);
    expect(Math.abs(mean - 0.1859)).toBeLessThan(0.01);
  });

  it("pure OU (ν = 0): heat is exactly −ΔV and |w|²/n matches the EM stationary variance", () => {
    // F = −k w, so Σ F(w_mid)·Δw = −(k/2)(|w_end|² − |w_0|²) exactly (the midpoint rule telescopes).
    const k = 2, dt = 0.05, D = 0.7, n = 20_000;
    const sim = new Perceptron({ n, nu: 0, k, D, dt, seed: 5 });
    const norm0 = sim.observe().Q[0] * n;
    let sumQ = 0, samples = 0;
    for (let r = 0; r < 200; r++) {
      sim.step(10);
      sumQ += sim.observe().Q[0];
      samples++;
    }
    const norm1 = sim.observe().Q[0] * n;
    // Rounding: 2000 steps × |Δ(k/2)|w|²| ≲ 2000·n·1e-16·10 ≈ 4e-8 absolute.
    assertClose(sim.heat(), -(k / 2) * (norm1 - norm0), { atol: 1e-6, rtol: 1e-12 });
    // EM on dw = −kw dt + √(2D) dW is AR(1) with stationary variance 2DΔt/(2kΔt − k²Δt²) = D/(k(1 − kΔt/2)).
    const expected = D / (k * (1 - (k * dt) / 2));
    // 200 snapshots 10 steps apart (correlation time 1/(kΔt) = 10 steps), n = 2·10⁴ weights each:
    // relative std of the mean ≲ √2/√(n·200/2) ≈ 0.05 %; 0.5 % is 10σ.
    assertClose(sumQ / samples, expected, { rtol: 5e-3 });
    expect(Math.abs(sumQ / samples - D / k) / (D / k)).toBeGreaterThan(0.02); // EM's bias is visible: the test can tell
    sim.dispose();
  });

  it("analytic Hebbian values of spec §1", () => {
    const table: [number, number, number][] = [[1, 1, 0.2856], [2, 1, 0.1782], [3, 0.5, 0.0914], [5, 1, 0.0782], [3, 1, 0.126]];
    for (const [nuTilde, k, eps] of table) expect(hebbianEpsilon({ nuTilde, k })).toBeCloseTo(eps, 4);
    const tr = hebbianTransient({ nuTilde: 3 });
    expect(tr.heat).toBeCloseTo(9 / Math.PI, 12);
    expect(tr.entropyChange).toBeCloseTo(0.5 * Math.log(1 + 18 / Math.PI), 12);
    expect(tr.efficiency).toBeCloseTo(0.082, 3);
    expect(mutualInformation(0.5)).toBeCloseTo(0, 15);
    expect(mutualInformation(0)).toBe(Math.LN2);
  });

  it("a student equal to its teacher has ε = 0 and test error 0; its negative has 1", () => {
    const T = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i + 1));
    const same = new Perceptron({ n: 300, teacher: T, init: T, testSize: 101 });
    expect(same.observe().epsilon[0]).toBe(0);
    expect(same.observe().testError![0]).toBe(0);
    const opposite = new Perceptron({ n: 300, teacher: T, init: T.map((x) => -x), testSize: 101 });
    expect(opposite.observe().epsilon[0]).toBe(1);
    expect(opposite.observe().testError![0]).toBe(1);
    same.dispose();
    opposite.dispose();
  });
});

describe("ensembles, training sets and observables", () => {
  it("test-set error rate agrees with the angle formula within binomial error", () => {
    const r = simulatePerceptron({ n: 2000, rule: "perceptron", tEnd: 3, testSize: 4000, seed: 11, recordEvery: 1000 });
    const eps = r.epsilon.at(-1)!, test = r.testError!.at(-1)!;
    // 4000 test inputs: binomial std √(ε(1−ε)/4000) ≈ 0.006 at ε ≈ 0.2; 5σ = 0.03.
    expect(Math.abs(test - eps)).toBeLessThan(5 * Math.sqrt((eps * (1 - eps)) / 4000));
  });

  it("ΔS(w_n) from an ensemble matches the Gaussian steady state", () => {
    // Hebbian from equilibrium, per-trajectory teachers: steady Var(w_n) = σ_w² + (ν̃/k)²·2/π with the
    // EM variance σ_w² of spec §1, initial Var = D/k = 1, so ΔS = ½ ln(σ_w² + 2ν̃²/π).
    const n = 2000, nu = 3 * Math.sqrt(n), dt = 1e-3, B = 30;
    const sigma2 = (2 * dt + (dt * dt * nu * nu) / B) / (2 * dt - dt * dt);
    const expected = 0.5 * Math.log(sigma2 + (2 * 9) / Math.PI);
    const r = simulatePerceptron({ n, tEnd: 6, trajectories: 8, seed: 4, recordEvery: 2000 });
    // Estimator noise: ln of a 7-dof sample variance has variance ≈ 2/7 per weight, two times, 2000
    // weights: std of ΔS ≈ ½√(4/7/2000) ≈ 0.009; relaxation left at t = 6 is e⁻⁶ ≈ 0.25 %.
    assertClose(r.entropyChange!.at(-1)!, expected, { atol: 0.045 });
    assertClose(r.efficiency!.at(-1)!, r.information.at(-1)! / (r.entropyChange!.at(-1)! + r.heat.at(-1)!), { rtol: 1e-12 });
    expect(r.std.epsilon!.at(-1)!).toBeGreaterThan(0);
  });

  it("trajectory j does not depend on how many trajectories run beside it", () => {
    const many = new Perceptron({ n: 257, trajectories: 3, seed: 77 });
    const alone = new Perceptron({ n: 257, trajectories: 1, firstTrajectory: 2, seed: 77 });
    many.step(50);
    alone.step(50);
    expect(Array.from(alone.weights(0))).toEqual(Array.from(many.weights(2)));
    expect(alone.trajectorySeeds[0]).toBe(many.trajectorySeeds[2]);
    many.dispose();
    alone.dispose();
  });

  for (const rule of RULES) {
    it(`results do not depend on how steps are split into calls (${rule})`, () => {
      // step(n) builds each next histogram inside the update loop; n calls of step(1) rebuild it
      // from scratch. Same generator order and the same per-bin summation order: identical bits.
      const whole = new Perceptron({ n: 333, batch: 19, rule, seed: 21, trainSize: rule === "perceptron" ? 20 : 0 });
      const split = new Perceptron({ n: 333, batch: 19, rule, seed: 21, trainSize: rule === "perceptron" ? 20 : 0 });
      whole.step(40);
      for (let i = 0; i < 40; i++) split.step(i % 3 === 0 ? 1 : 0);
      split.step(40 - split.steps);
      expect(split.steps).toBe(40);
      expect(Array.from(split.weights())).toEqual(Array.from(whole.weights()));
      expect(split.heat()).toBe(whole.heat());
      whole.dispose();
      split.dispose();
    });
  }

  it("same seed gives the same bits; another seed does not", () => {
    const a = simulatePerceptron({ n: 500, steps: 300, seed: 1 });
    const b = simulatePerceptron({ n: 500, steps: 300, seed: 1 });
    const c = simulatePerceptron({ n: 500, steps: 300, seed: 2 });
    expect(Array.from(a.epsilon)).toEqual(Array.from(b.epsilon));
    expect(Array.from(a.heat)).toEqual(Array.from(b.heat));
    expect(a.epsilon.at(-1)).not.toBe(c.epsilon.at(-1));
  });

  it("a swept training set feeds its rows in order, cyclically", () => {
    const sim = new Perceptron({ n: 64, batch: 12, trainSize: 5, sampling: "sweep", seed: 3 });
    sim.step(1);
    const rows = unpackInputs(sim.lastDraws().inputs, 64, 12);
    for (let b = 0; b + 5 < 12; b++) expect(Array.from(rows[b + 5])).toEqual(Array.from(rows[b]));
    expect(Array.from(rows[1])).not.toEqual(Array.from(rows[0]));
    sim.dispose();
  });

  it("checkpoint and restore replay the same trajectory", () => {
    const sim = new Perceptron({ n: 300, rule: "adatron", trainSize: 40, seed: 8 });
    sim.step(20);
    const saved = sim.checkpoint();
    sim.step(30);
    const w = sim.weights(), heat = sim.heat();
    sim.restore(saved);
    expect(sim.steps).toBe(20);
    sim.step(30);
    expect(Array.from(sim.weights())).toEqual(Array.from(w));
    expect(sim.heat()).toBe(heat);
    sim.dispose();
  });
});

describe("divergence, errors and lifecycle", () => {
  it("the α-tron with α = 2 diverges: reported with its time, no NaN in the result", () => {
    const r = simulatePerceptron({ n: 10_000, rule: "alphatron", alpha: 2, tEnd: 2, recordEvery: 10, seed: 1 });
    expect(r.status).toBe("diverged");
    expect(r.divergedAt).toBeGreaterThan(0);
    expect(r.divergedAt).toBeLessThan(0.5);
    for (const column of [r.t, r.epsilon, r.heat, r.weightNorm, r.information]) {
      expect(column.every(Number.isFinite)).toBe(true);
    }
    expect(r.t.at(-1)!).toBeLessThanOrEqual(r.divergedAt!);
  });

  it("the α-tron with α = 0.5 does not", () => {
    const r = simulatePerceptron({ n: 2000, rule: "alphatron", alpha: 0.5, tEnd: 2, seed: 1 });
    expect(r.status).toBe("completed");
  });

  it("observe() after divergence throws DivergedError", () => {
    const sim = new Perceptron({ n: 1000, rule: "alphatron", alpha: 2, seed: 1 });
    sim.step(2000);
    expect(sim.status).toBe("diverged");
    expect(sim.step(10)).toBe(0);
    expect(() => sim.observe()).toThrow(DivergedError);
    sim.dispose();
  });

  it("bad options throw TypeError/RangeError naming the option", () => {
    expect(() => new Perceptron({ n: 0 })).toThrow(/\bn\b.*\[1,/);
    expect(() => new Perceptron({ n: 10.5 })).toThrow(TypeError);
    expect(() => new Perceptron({ rule: "hopfield" as LearningRule })).toThrow(/rule must be one of/);
    expect(() => new Perceptron({ dt: -1 })).toThrow(RangeError);
    expect(() => new Perceptron({ dt: Number.NaN })).toThrow(/dt must be finite/);
    expect(() => new Perceptron({ k: 100, dt: 0.05 })).toThrow(/k·dt < 2/);
    expect(() => new Perceptron({ batch: 0 })).toThrow(/batch/);
    expect(() => new Perceptron({ seed: -1 })).toThrow(/seed/);
    expect(() => new Perceptron({ alpha: 0, rule: "alphatron" })).toThrow(/alpha must be > 0/);
    expect(() => new Perceptron({ k: 0 })).toThrow(/init "equilibrium"/);
    expect(() => new Perceptron({ n: 10, teacher: new Float64Array(9) })).toThrow(/teacher must have length 10/);
    expect(() => new Perceptron({ sampling: "sweep" })).toThrow(/trainSize/);
    expect(() => new Perceptron({ batchSize: 30 } as never)).toThrow(/unknown option "batchSize"/);
    expect(() => new Perceptron({ nu: 3, nuTilde: 3 })).toThrow(/nu or nuTilde/);
    expect(() => new Perceptron({ nuTilde: -1 })).toThrow(/nuTilde must be ≥ 0/);
    expect(() => new Perceptron({ n: 10_000, trainSize: 500_000 })).toThrow(/trainSize too large/);
    expect(() => simulatePerceptron({ n: 10, steps: 10, tEnd: 1 })).toThrow(/steps or tEnd/);
    expect(() => simulatePerceptron({ n: 10, recordEvery: 0 })).toThrow(/recordEvery/);
  });

  it("nuTilde sets ν = ν̃√n", () => {
    const sim = new Perceptron({ n: 400, nuTilde: 2 });
    expect(sim.config.nu).toBe(40);
    sim.dispose();
  });

  it("dispose is idempotent and use after dispose throws DisposedError", () => {
    const sim = new Perceptron({ n: 10 });
    sim.dispose();
    sim.dispose();
    expect(() => sim.step(1)).toThrow(DisposedError);
    expect(() => sim.weights()).toThrow(DisposedError);
  });

  it("runPerceptron reports progress and stops on abort with what it recorded", async () => {
    const controller = new AbortController();
    const fractions: number[] = [];
    const r = await runPerceptron({
      n: 500, steps: 10_000, recordEvery: 100, seed: 1, signal: controller.signal,
      onProgress: (p) => { fractions.push(p.fraction); if (p.step >= 3000) controller.abort(); },
    });
    expect(r.status).toBe("aborted");
    expect(r.steps).toBe(3000);
    expect(r.t.length).toBe(31);
    expect(fractions[0]).toBeCloseTo(0.01, 12);
  });
});
