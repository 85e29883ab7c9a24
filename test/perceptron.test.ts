import { describe, it, expect } from "vitest";
import {
  Perceptron,
  runPerceptron,
  runPerceptronAsync,
  hebbianEpsilon,
  hebbianEpsilonEM,
  hebbianTransient,
  mutualInformation,
  binaryEntropy,
  type LearningRule,
  type PerceptronCheckpoint,
} from "../src/perceptron/index.js";
import { DivergedError, DisposedError } from "../src/core/model.js";
import { refForce, refLearningFactor, refStep, unpackInputs } from "../src/ref/perceptron.js";
import { assertClose, BACKENDS } from "./helpers/assert.js";

const RULES: LearningRule[] = ["hebbian", "perceptron", "adatron", "alphatron"];
// Statistical tests that take seconds each; mutation runs (scripts/mutate.vitest.config.mjs sets
// THERMOLEARN_MUTATION) skip them so each mutant is tested in seconds, and the score says so.
const slowIt = process.env.THERMOLEARN_MUTATION ? it.skip : it;

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
            const w0 = sim.weights(),
              T = sim.teacher(),
              heat0 = sim.heat();
            sim.step(1);
            const { inputs, noise } = sim.lastDraws();
            const ref = refStep(w0, T, unpackInputs(inputs, n, batch), noise, {
              rule,
              alpha: 0.5,
              k: 1,
              nu: 3 * Math.sqrt(n),
              D: 1,
              dt: 0.01,
            });
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

describe("heat: the work of the force the Euler–Maruyama step applies", () => {
  for (const rule of RULES) {
    it(`a 40-step trajectory's heat equals the reference's, step by step, and obeys the first law (${rule})`, () => {
      const n = 257,
        batch = 30,
        nu = 3 * Math.sqrt(n),
        dt = 1e-3;
      const sim = new Perceptron({ n, batch, rule, alpha: 0.5, dt, seed: 31 });
      const params = { rule, alpha: 0.5, k: 1, nu, D: 1, dt };
      let refHeat = 0;
      for (let s = 0; s < 40; s++) {
        const w0 = sim.weights(),
          T = sim.teacher();
        sim.step(1);
        const xi = unpackInputs(sim.lastDraws().inputs, n, batch);
        const ref = refStep(w0, T, xi, sim.lastDraws().noise, params);
        refHeat += ref.heat;
        // First law per step, on the reference's own numbers: ΔV = W_learn − q with V = k|w|²/2 and
        // W_learn = L(w_t)·Δw, L the learning force the step applied (independent of how q is summed).
        const learning = refForce(w0, T, xi, params).map((f, i) => f + w0[i]);
        let dV = 0,
          work = 0;
        for (let i = 0; i < n; i++) {
          dV += 0.5 * (ref.w[i] ** 2 - w0[i] ** 2);
          work += learning[i] * (ref.w[i] - w0[i]);
        }
        // Terms of size ≲ 10² over 257 weights: rounding ≲ 1e-11.
        assertClose(dV, work - ref.heat, { atol: 1e-9 });
      }
      // 40 steps of per-step agreement ~1e-12 (see the one-step test).
      assertClose(sim.heat(), refHeat, { atol: 1e-7, rtol: 1e-9 });
      sim.dispose();
    });
  }

  /** Σ over one step's batch of (c_b(A(w_t)) − c_b(A(w_mid)))·(ξ_b·Δw): library heat minus midpoint heat. */
  function midpointGap(
    w0: Float64Array,
    w1: Float64Array,
    T: Float64Array,
    xi: Int8Array[],
    rule: LearningRule,
    nu: number,
  ): number {
    const n = w0.length,
      B = xi.length;
    let gap = 0;
    for (const row of xi) {
      let a = 0,
        t = 0,
        d = 0;
      for (let i = 0; i < n; i++) {
        a += w0[i] * row[i];
        t += T[i] * row[i];
        d += (w1[i] - w0[i]) * row[i];
      }
      const sigma = t >= 0 ? 1 : -1;
      const factor =
        refLearningFactor(rule, 0.5, a / Math.sqrt(n), sigma) -
        refLearningFactor(rule, 0.5, (a + d / 2) / Math.sqrt(n), sigma);
      gap += (nu / B) * sigma * factor * d;
    }
    return gap;
  }

  /** Steady heat rate per weight of the library's estimator and its gap to the midpoint rule, over `time` after t = 3. */
  function heatAndGap(rule: LearningRule, dt: number, time: number): { rate: number; gap: number } {
    const n = 1000,
      nu = 3 * Math.sqrt(n),
      batch = 30;
    const sim = new Perceptron({ n, batch, rule, alpha: 0.5, dt, seed: 5 });
    sim.step(Math.round(3 / dt));
    const T = sim.teacher(),
      steps = Math.round(time / dt),
      q0 = sim.heat();
    let gap = 0;
    for (let s = 0; s < steps; s++) {
      const w0 = sim.weights();
      sim.step(1);
      gap += midpointGap(w0, sim.weightsView(), T, unpackInputs(sim.lastDraws().inputs, n, batch), rule, nu);
    }
    const out = { rate: (sim.heat() - q0) / (n * time), gap: gap / (n * time) };
    sim.dispose();
    return out;
  }

  it("Hebbian: the midpoint estimator is the library's (𝓕 = 1 does not depend on w)", () => {
    expect(heatAndGap("hebbian", 1e-3, 0.05).gap).toBe(0);
  });

  for (const rule of ["perceptron", "adatron", "alphatron"] as const) {
    slowIt(`the midpoint estimator converges to the library's as Δt → 0 (${rule})`, () => {
      // n = 1000, ν = 3√n, B = 30, steady state. The midpoint rule evaluates 𝓕 at A(w_mid), which
      // includes the step's own learning update ΔA ≈ ν̃nΔt/B; for a rule whose 𝓕 jumps at A = 0 that
      // biases the heat by O(ΔA), so the gap falls about 4× per 4× in Δt. What is left as Δt → 0 is the
      // Itô–Stratonovich term D·ν̃·p_A(0) per weight, O(1) here (measured 1–3 at Δt = 2.5·10⁻⁴) against
      // heat rates of 40–1300, so the fall slows near it and the last bound is 6 % of the rate.
      const coarse = heatAndGap(rule, 4e-3, 1),
        middle = heatAndGap(rule, 1e-3, 1),
        fine = heatAndGap(rule, 2.5e-4, 0.5);
      expect(Math.abs(middle.gap)).toBeLessThan(0.5 * Math.abs(coarse.gap));
      expect(Math.abs(fine.gap)).toBeLessThan(0.75 * Math.abs(middle.gap));
      expect(Math.abs(fine.gap) / fine.rate).toBeLessThan(0.06);
      // The library's estimator moves with Δt only as the steady state does (the batch noise widens w
      // by ≈ Δtν̃²n/(2kB)): within 8 % from Δt = 10⁻³ to 2.5·10⁻⁴ here, time noise ≈ 1–2 %.
      assertClose(middle.rate, fine.rate, { rtol: 0.08 });
    });
  }

  it("Hebbian steady heat rate is the learning force's variance: (ν²/B)(1 − |⟨σξ⟩|²/n), exactly for T = e₁", () => {
    // In steady state E[q per step] = Δt(E|f|² − k E f·E w) and E w = E f/k exactly for the Euler–
    // Maruyama recursion, so the heat rate is tr Cov(f) per unit time for any Δt. With T = e₁,
    // σ_b = ξ_b1, so σ_b ξ_b = (1, ±1): ⟨σξ⟩ = e₁ and the rate per weight is (ν²/B)(1 − 1/n).
    const n = 2,
      batch = 8,
      nu = 3 * Math.sqrt(n),
      dt = 0.05,
      M = 32,
      burn = 200,
      steps = 20_000;
    const r = new Perceptron({ n, batch, nu, dt, trajectories: M, teacher: [1, 0], seed: 12 });
    r.step(burn);
    const q0 = r.observe().heat;
    r.step(steps);
    const q1 = r.observe().heat;
    const rates = q1.map((q, j) => (q - q0[j]) / (steps * dt));
    const mean = rates.reduce((a, b) => a + b, 0) / M;
    const sem = Math.sqrt(rates.reduce((a, b) => a + (b - mean) ** 2, 0) / (M - 1) / M);
    const expected = ((nu * nu) / batch) * (1 - 1 / n);
    expect(sem).toBeLessThan(0.02 * expected); // the test resolves the factor (1 − 1/n) = ½
    expect(Math.abs(mean - expected)).toBeLessThan(5 * sem); // 5 standard errors
    r.dispose();
  });

  slowIt("Hebbian steady heat rate at the blog's parameters is ν²(1 − 2/(πn))/B = 2999.81 per weight", () => {
    // Gaussian teacher, n = 10⁴: |⟨σξ⟩|² → 2/π. The per-step noise of q/n is ≈ (ν/√B)√(2Δt)/√n ≈ 0.025,
    // so the rate over three time units has standard error ≈ 0.025/√(3Δt) ≈ 0.45; 2.5 is 5.5σ.
    const sim = new Perceptron({ seed: 2027 });
    sim.step(3000);
    const q0 = sim.observe().heat[0];
    sim.step(3000);
    const rate = (sim.observe().heat[0] - q0) / 3;
    const nu = 300,
      n = 1e4,
      batch = 30;
    assertClose(rate, ((nu * nu) / batch) * (1 - 2 / (Math.PI * n)), { atol: 2.5 });
    sim.dispose();
  });
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
      const a = run("simd"),
        b = run("scalar");
      expect(Array.from(a.w)).toEqual(Array.from(b.w));
      expect(a.heat).toBe(b.heat);
      expect(a.eps).toBe(b.eps);
    });
  }
});

describe("golden values", () => {
  slowIt("Hebbian steady ε at the blog's parameters is 0.1859 ± 0.006", () => {
    // n = 10⁴, k = 1, ν = 3√n, Δt = 10⁻³, B = 30; relaxation time 1/k = 1, so t ∈ [3, 6] is steady.
    const r = runPerceptron({ rule: "hebbian", tEnd: 6, recordEvery: 100, seed: 2026 });
    expect(r.status).toBe("completed");
    const steady = r.epsilon.filter((_, i) => r.t[i] >= 3);
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
    expect(hebbianEpsilonEM({ n: 1e4, nu: 300, dt: 1e-3, batch: 30 })).toBeCloseTo(0.1859, 4);
    // ε(t) over t ∈ [3, 6] has sd ≈ 0.0019 with a correlation time ≈ 1/k = 1, so the mean of three
    // correlation times has standard error ≈ 0.0011; the closed form is n → ∞ (finite-n shifts are
    // O(1/√n) ≈ 0.001 in the angle). 0.006 is ≈ 4 of both combined; seed 2026 gives 0.1879.
    expect(Math.abs(mean - 0.1859)).toBeLessThan(0.006);
  });

  slowIt("pure OU (ν = 0): heat is exactly −ΔV and |w|²/n matches the EM stationary variance", () => {
    // F = −k w, so Σ F(w_mid)·Δw = −(k/2)(|w_end|² − |w_0|²) exactly (the midpoint rule telescopes).
    const k = 2,
      dt = 0.05,
      D = 0.7,
      n = 20_000;
    const sim = new Perceptron({ n, nu: 0, k, D, dt, seed: 5 });
    const norm0 = sim.observe().Q[0] * n;
    let sumQ = 0,
      samples = 0;
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
    const table: [number, number, number][] = [
      [1, 1, 0.2856],
      [2, 1, 0.1782],
      [3, 0.5, 0.0914],
      [5, 1, 0.0782],
      [3, 1, 0.126],
    ];
    for (const [nuTilde, k, eps] of table) expect(hebbianEpsilon({ nuTilde, k })).toBeCloseTo(eps, 4);
    const tr = hebbianTransient({ nuTilde: 3 });
    expect(tr.heat).toBeCloseTo(9 / Math.PI, 12);
    expect(tr.entropyChange).toBeCloseTo(0.5 * Math.log(1 + 18 / Math.PI), 12);
    expect(tr.efficiency).toBeCloseTo(0.082, 3);
    expect(mutualInformation(0.5)).toBeCloseTo(0, 15);
    expect(mutualInformation(0)).toBe(Math.LN2);
    // S(1/3) = ln 3 − (2/3) ln 2, S(1/4) = 2 ln 2 − (3/4) ln 3.
    expect(binaryEntropy(1 / 3)).toBeCloseTo(Math.log(3) - (2 / 3) * Math.LN2, 14);
    expect(binaryEntropy(0.25)).toBeCloseTo(2 * Math.LN2 - 0.75 * Math.log(3), 14);
  });

  it("analytic helpers at their edges: finite limits, no NaN, typed errors", () => {
    // ν̃ → 0: I ≈ 4ν̃²/(π³kD), ΔS ≈ ν̃²/(πkD), Q_n = ν̃²/(πk), so η → 4/(π²(1 + D)).
    for (const D of [1, 0.5]) {
      const limit = 4 / (Math.PI ** 2 * (1 + D));
      expect(hebbianTransient({ nuTilde: 0, D }).efficiency).toBeCloseTo(limit, 12);
      // At ν̃ = 10⁻³ the O(ν̃²) corrections are ~10⁻⁶ and I still has ~9 good digits.
      expect(hebbianTransient({ nuTilde: 1e-3, D }).efficiency).toBeCloseTo(limit, 5);
    }
    expect(hebbianTransient({ nuTilde: 0 }).heat).toBe(0);
    expect(hebbianEpsilon({ nuTilde: 0, D: 0 })).toBe(0.5); // no signal, no noise: w = 0
    expect(hebbianEpsilon({ nuTilde: 3, D: 0 })).toBe(0); // no noise: w ∥ T
    expect(hebbianEpsilonEM({ n: 1, nu: 0, dt: 1e-5, batch: 1, D: 0 })).toBe(0.5);
    expect(hebbianEpsilon({ nuTilde: 1e50 })).toBe(0);
    expect(() => hebbianEpsilon({ nuTilde: 1e300 })).toThrow(/nuTilde must be in/);
    expect(() => hebbianTransient({ nuTilde: Number.NaN })).toThrow(/nuTilde must be finite/);
    expect(() => hebbianEpsilonEM({ n: 1.5, nu: 1, dt: 1e-3, batch: 1 })).toThrow(/\bn must be an integer/);
    expect(() => hebbianEpsilonEM({ n: 10, nu: 1, dt: 1e-3, batch: 2.5 })).toThrow(/batch must be an integer/);
    expect(() => hebbianEpsilon({ nuTilde: 1, extra: 1 } as never)).toThrow(/unknown option "extra"/);
    expect(() => hebbianEpsilon(null as never)).toThrow(TypeError);
    expect(() => binaryEntropy(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
    expect(() => binaryEntropy(1.5)).toThrow(/x must be in \[0, 1\]/);
    expect(() => mutualInformation("0.1" as never)).toThrow(/epsilon must be a number/);
  });

  it("observables of a known student: ε, I, R, Q and |w| against hand-computed values", () => {
    // T = (1, 0), w = (1, √3): 60° apart, so ε = 1/3, I = ln 2 − S(1/3) = (5/3) ln 2 − ln 3;
    // R = w·T/n = 1/2, Q = |w|²/n = 2, |w| = 2 (n = 2).
    const sim = new Perceptron({ n: 2, teacher: [1, 0], init: [1, Math.sqrt(3)] });
    const o = sim.observe();
    expect(o.epsilon[0]).toBeCloseTo(1 / 3, 14);
    expect(o.information[0]).toBeCloseTo((5 / 3) * Math.LN2 - Math.log(3), 14);
    expect(o.R[0]).toBeCloseTo(0.5, 15);
    expect(o.Q[0]).toBeCloseTo(2, 15);
    expect(o.weightNorm[0]).toBeCloseTo(2, 15);
    expect(o.heat[0]).toBe(0);
    sim.dispose();
    const orthogonal = new Perceptron({ n: 2, teacher: [1, 0], init: [0, 1] });
    expect(orthogonal.observe().epsilon[0]).toBeCloseTo(0.5, 15);
    expect(orthogonal.observe().information[0]).toBeCloseTo(0, 15);
    orthogonal.dispose();
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
    const r = runPerceptron({ n: 2000, rule: "perceptron", tEnd: 3, testSize: 4000, seed: 11, recordEvery: 1000 });
    const eps = r.epsilon.at(-1)!,
      test = r.testError!.at(-1)!;
    // 4000 test inputs: binomial std √(ε(1−ε)/4000) ≈ 0.006 at ε ≈ 0.2; 5σ = 0.03.
    expect(Math.abs(test - eps)).toBeLessThan(5 * Math.sqrt((eps * (1 - eps)) / 4000));
  });

  slowIt("ΔS(w_n) from an ensemble matches the Gaussian steady state", () => {
    // Hebbian from equilibrium, per-trajectory teachers: steady Var(w_n) = σ_w² + (ν̃/k)²·2/π with the
    // EM variance σ_w² of spec §1, initial Var = D/k = 1, so ΔS = ½ ln(σ_w² + 2ν̃²/π).
    const n = 2000,
      nu = 3 * Math.sqrt(n),
      dt = 1e-3,
      B = 30;
    const sigma2 = (2 * dt + (dt * dt * nu * nu) / B) / (2 * dt - dt * dt);
    const expected = 0.5 * Math.log(sigma2 + (2 * 9) / Math.PI);
    const r = runPerceptron({ n, tEnd: 6, trajectories: 8, seed: 4, recordEvery: 2000 });
    // Estimator noise: ln of a 7-dof sample variance has variance ≈ 2/7 per weight, two times, 2000
    // weights: std of ΔS ≈ ½√(4/7/2000) ≈ 0.009; relaxation left at t = 6 is e⁻⁶ ≈ 0.25 %.
    assertClose(r.entropyChange!.at(-1)!, expected, { atol: 0.045 });
    expect(r.std.epsilon!.at(-1)!).toBeGreaterThan(0);
    // η = I/(ΔS + Q_n) against the closed forms of its three parts (none taken from the run): I from
    // the EM steady ε, ΔS as above, and Q_n = (ν²/B)(1 − 2/(πn))·t plus the transient ν̃²/(πk) of
    // the mean's relaxation. Noise: I ≈ 0.35 ± 1 % (ε over 8 trajectories), Q_n ≈ 3600 ± 0.1 %,
    // ΔS ± 0.01: 5 % covers the I term at ≈ 5σ.
    const t = r.t.at(-1)!;
    const heat = ((nu * nu) / B) * (1 - 2 / (Math.PI * n)) * t + 9 / Math.PI;
    assertClose(r.heat.at(-1)!, heat, { rtol: 0.01 });
    const information = Math.LN2 - binaryEntropy(hebbianEpsilonEM({ n, nu, dt, batch: B }));
    assertClose(r.efficiency!.at(-1)!, information / (expected + heat), { rtol: 0.05 });
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
    const a = runPerceptron({ n: 500, steps: 300, seed: 1 });
    const b = runPerceptron({ n: 500, steps: 300, seed: 1 });
    const c = runPerceptron({ n: 500, steps: 300, seed: 2 });
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

  it("checkpoint and restore replay the same trajectory, heat to the bit (20 seeds)", () => {
    // The heat's compensation term is saved and restored with its sum; seeds 0–19 include the five
    // that differed in the last bit when restore zeroed it.
    for (let seed = 0; seed < 20; seed++) {
      const sim = new Perceptron({ n: 300, rule: "adatron", trainSize: 40, seed });
      sim.step(20);
      const saved = sim.checkpoint();
      sim.step(30);
      const w = sim.weights(),
        heat = sim.heat();
      sim.restore(saved);
      expect(sim.steps).toBe(20);
      sim.step(30);
      expect(Array.from(sim.weights())).toEqual(Array.from(w));
      expect(sim.heat()).toBe(heat);
      sim.dispose();
    }
  });

  it("restore validates a checkpoint as strictly as options", () => {
    const sim = new Perceptron({ n: 50, trajectories: 2, trainSize: 10, sampling: "sweep", seed: 1 });
    sim.step(3);
    const good = sim.checkpoint();
    const edit = (j: number, patch: object) => ({
      ...good,
      trajectories: good.trajectories.map((t, i) => (i === j ? { ...t, ...patch } : t)),
    });
    expect(() => sim.restore(edit(0, { cursor: 2 ** 31 - 1 }))).toThrow(
      /checkpoint.trajectories\[0\].cursor must be in \[0, 9\]/,
    );
    expect(() => sim.restore(edit(1, { rng: new Uint32Array(16) }))).toThrow(
      /trajectories\[1\].rng must be a Uint32Array of 8/,
    );
    expect(() => sim.restore(edit(0, { rng: new Uint32Array(8) }))).toThrow(/rng must not be all zero/);
    expect(() => sim.restore(edit(0, { heat: Infinity }))).toThrow(/heat must be finite/);
    expect(() => sim.restore(edit(0, { heatCompensation: undefined }))).toThrow(/heatCompensation must be a number/);
    expect(() => sim.restore(edit(0, { weights: new Float64Array(49) }))).toThrow(/weights must have length 50/);
    expect(() => sim.restore({ ...good, steps: Number.NaN })).toThrow(/checkpoint.steps must be finite/);
    expect(() => sim.restore({ ...good, trajectories: good.trajectories.slice(1) })).toThrow(
      /1 trajectories, this simulation 2/,
    );
    expect(() => sim.restore(null as never)).toThrow(TypeError);
    // Nothing was written by the refused calls: the good checkpoint still replays.
    const w = sim.weights(1);
    sim.restore(good);
    expect(Array.from(sim.weights(1))).toEqual(Array.from(w));
    sim.dispose();
  });

  it("without a sweep the checkpoint's cursor must be 0", () => {
    const sim = new Perceptron({ n: 20, trainSize: 10, seed: 1 }); // replacement sampling
    const saved = sim.checkpoint();
    expect(() => sim.restore({ ...saved, trajectories: [{ ...saved.trajectories[0], cursor: 1 }] })).toThrow(
      /cursor must be in \[0, 0\]/,
    );
    sim.dispose();
  });

  it("replacement sampling draws rows of the training set at random", () => {
    // Same seed, same training set: a sweep with batch = trainSize shows the whole set in one step.
    const n = 64,
      P = 5;
    const sweep = new Perceptron({ n, batch: P, trainSize: P, sampling: "sweep", seed: 3 });
    sweep.step(1);
    const set = unpackInputs(sweep.lastDraws().inputs, n, P).map((row) => row.join(","));
    sweep.dispose();
    const drawn = new Perceptron({ n, batch: 30, trainSize: P, seed: 3 });
    drawn.step(1);
    const rows = unpackInputs(drawn.lastDraws().inputs, n, 30).map((row) => row.join(","));
    drawn.dispose();
    for (const row of rows) expect(set).toContain(row);
    // 30 uniform draws from 5 rows: every row appears except with probability ≈ 5·(4/5)³⁰ ≈ 6e-3 (seed fixed).
    expect(new Set(rows).size).toBe(P);
  });

  it("the held-out test set is not the training set", () => {
    // A Hebbian student built from the 20 training rows classifies them all correctly (signal n = 1000
    // against cross-talk ≈ √(19·1000) ≈ 140) but generalises poorly (ε ≈ 0.4): test error 0 would mean
    // the test rows are the training rows.
    const n = 1000,
      P = 20;
    const sweep = new Perceptron({ n, batch: P, trainSize: P, sampling: "sweep", seed: 4, teacher: "shared" });
    sweep.step(1);
    const rows = unpackInputs(sweep.lastDraws().inputs, n, P),
      T = sweep.teacher();
    sweep.dispose();
    const w = new Float64Array(n);
    for (const row of rows) {
      let t = 0;
      for (let i = 0; i < n; i++) t += T[i] * row[i];
      for (let i = 0; i < n; i++) w[i] += (t >= 0 ? 1 : -1) * row[i];
    }
    const sim = new Perceptron({ n, trainSize: P, testSize: P, teacher: T, init: w, seed: 4 });
    const test = sim.observe().testError![0];
    // 20 test rows at ε ≈ 0.4: P(no error) ≈ 0.6²⁰ ≈ 4e-5.
    expect(test).toBeGreaterThan(0);
    expect(Math.abs(test - sim.observe().epsilon[0])).toBeLessThan(0.35); // binomial: 20 rows, 3σ ≈ 0.33
    sim.dispose();
  });

  it("init and teacher options do what they say", () => {
    // Equilibrium start: w ~ N(0, D/k), so Q(0) = D/k = 2 ± 2√(2/n) = ±0.028 at n = 10⁴ (5σ = 0.14).
    const eq = new Perceptron({ n: 10_000, D: 4, k: 2, seed: 6 });
    assertClose(eq.observe().Q[0], 2, { atol: 0.14 });
    eq.dispose();
    const zero = new Perceptron({ n: 100, init: "zero", seed: 6 });
    expect(zero.weights().every((x) => x === 0)).toBe(true);
    zero.dispose();
    const shared = new Perceptron({ n: 100, trajectories: 2, teacher: "shared", seed: 6 });
    expect(Array.from(shared.teacher(1))).toEqual(Array.from(shared.teacher(0)));
    shared.dispose();
    const own = new Perceptron({ n: 100, trajectories: 2, seed: 6 });
    expect(Array.from(own.teacher(1))).not.toEqual(Array.from(own.teacher(0)));
    own.dispose();
  });
});

describe("divergence, errors and lifecycle", () => {
  it("the α-tron with α = 2 diverges: reported with its time, no NaN in the result", () => {
    const r = runPerceptron({ n: 10_000, rule: "alphatron", alpha: 2, tEnd: 2, recordEvery: 10, seed: 1 });
    expect(r.status).toBe("diverged");
    expect(r.divergedAt).toBeGreaterThan(0);
    expect(r.divergedAt).toBeLessThan(0.5);
    for (const column of [r.t, r.epsilon, r.heat, r.weightNorm, r.information]) {
      expect(column.every(Number.isFinite)).toBe(true);
    }
    expect(r.t.at(-1)!).toBeLessThanOrEqual(r.divergedAt!);
  });

  it("divergence on a call's last step is reported", () => {
    // The α-tron at α = 2 diverges at step 280 of this seed, the last of one call of exactly 280 steps.
    const r = runPerceptron({ n: 1000, rule: "alphatron", alpha: 2, steps: 280, recordEvery: 280, seed: 0 });
    expect(r.status).toBe("diverged");
    expect(r.divergedAt).toBeLessThanOrEqual(0.28);
    // ν = 10³⁰⁰ overflows |w|² in the single step.
    const huge = runPerceptron({ n: 100, nu: 1e300, steps: 1 });
    expect(huge.status).toBe("diverged");
    expect(huge.divergedAt).toBe(1e-3);
    for (const column of [huge.epsilon, huge.heat, huge.Q]) expect(column.every(Number.isFinite)).toBe(true);
  });

  it("weights that turn NaN (not only large) are divergence", () => {
    // α = 8: |A|⁸ overflows to ∞ for σA > 0 while other members stay finite; ∞ − ∞ in the force table
    // gives NaN weights at step 5 (maxWeightRms raised so the size bound does not catch it first).
    const sim = new Perceptron({ n: 100, rule: "alphatron", alpha: 8, maxWeightRms: 1e100, seed: 1 });
    sim.step(100);
    expect(sim.status).toBe("diverged");
    expect(sim.steps).toBeLessThan(100);
    expect(() => sim.observe()).toThrow(DivergedError);
    sim.dispose();
  });

  it("the α-tron with α = 0.5 does not", () => {
    const r = runPerceptron({ n: 2000, rule: "alphatron", alpha: 0.5, tEnd: 2, seed: 1 });
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
    expect(() => runPerceptron({ n: 10, steps: 10, tEnd: 1 })).toThrow(/steps or tEnd/);
    expect(() => runPerceptron({ n: 10, recordEvery: 0 })).toThrow(/recordEvery/);
    expect(() => runPerceptron({ n: 10, dt: 1e-300 })).toThrow(/tEnd\/dt/);
    expect(() => runPerceptron({ n: 1, steps: 1, D: 1.7e308 })).toThrow(/D\/k = 1.7e\+308/);
    expect(() => new Perceptron({ n: 2, init: [1e300, 0] })).toThrow(/init: the given weights have rms/);
    expect(() => new Perceptron({ n: 2, teacher: [1e300, 1e300] })).toThrow(/teacher: \|T\|² must be finite/);
    expect(() => new Perceptron({ n: 2, teacher: [0, 0] })).toThrow(/teacher: \|T\|² must be finite and > 0/);
    expect(() => new Perceptron({ maxWeightRms: 1e300 })).toThrow(/maxWeightRms must be ≤/);
  });

  it("options that are not an options object, null, or of the wrong kind are TypeErrors naming them", () => {
    for (const bad of [true, 5, [], () => 1, "n"]) {
      expect(() => runPerceptron(bad as never)).toThrow(/runPerceptron: options must be an object/);
      expect(() => new Perceptron(bad as never)).toThrow(/Perceptron: options must be an object/);
    }
    expect(() => new Perceptron(null as never)).toThrow(/options must be an object, got null/);
    expect(() => new Perceptron({ n: null } as never)).toThrow(/option "n" is null/);
    expect(() => new Perceptron({ teacher: 5 } as never)).toThrow(/teacher must be one of/);
    expect(() => new Perceptron({ init: true } as never)).toThrow(/init must be one of/);
    expect(() => new Perceptron({ n: 2, init: ["1", 2] } as never)).toThrow(/init\[0\] must be a number, got "1"/);
    expect(() => new Perceptron({ backend: "constructor" } as never)).toThrow(/backend must be one of/);
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

  it("runPerceptronAsync reports progress and stops on abort with what it recorded", async () => {
    const controller = new AbortController();
    const fractions: number[] = [];
    const r = await runPerceptronAsync({
      n: 500,
      steps: 10_000,
      recordEvery: 100,
      seed: 1,
      signal: controller.signal,
      onProgress: (p) => {
        fractions.push(p.fraction);
        if (p.done >= 3000) controller.abort();
      },
    });
    expect(r.status).toBe("aborted");
    expect(r.steps).toBe(3000);
    expect(r.t.length).toBe(31);
    expect(fractions[0]).toBeCloseTo(0.01, 12);
  });

  it("onProgress gets { done, total, fraction, t } after each recorded chunk", () => {
    const seen: { done: number; total: number; fraction: number; t: number }[] = [];
    runPerceptron({ n: 50, steps: 250, recordEvery: 100, dt: 0.01, seed: 1, onProgress: (p) => seen.push({ ...p }) });
    // Chunks of 100, 100 and the last 50 steps; t = done·Δt, the simulation's own clock.
    expect(seen).toEqual([
      { done: 100, total: 250, fraction: 0.4, t: 100 * 0.01 },
      { done: 200, total: 250, fraction: 0.8, t: 200 * 0.01 },
      { done: 250, total: 250, fraction: 1, t: 250 * 0.01 },
    ]);
  });

  it("a result starts with { version, config, backend, status, elapsedMs } and has Float64Array columns", () => {
    const r = runPerceptron({
      n: 40,
      steps: 20,
      recordEvery: 5,
      trajectories: 2,
      testSize: 10,
      seed: 3,
      backend: "scalar",
    });
    expect(Object.keys(r).slice(0, 5)).toEqual(["version", "config", "backend", "status", "elapsedMs"]);
    expect(r.backend).toBe("scalar");
    expect(r.status).toBe("completed");
    expect(r.config.n).toBe(40);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
    const columns = [
      r.t,
      r.epsilon,
      r.testError,
      r.R,
      r.Q,
      r.weightNorm,
      r.information,
      r.heat,
      r.entropyChange,
      r.efficiency,
    ];
    for (const column of columns) {
      expect(column).toBeInstanceOf(Float64Array);
      expect(column!.length).toBe(5); // t = 0, 5, 10, 15, 20 steps
    }
  });
});

describe("the shared lifecycle: step(count), checkpoint format, DivergedError", () => {
  it("step(count) returns the steps taken: count, fewer when a trajectory diverges, then 0", () => {
    const sim = new Perceptron({ n: 1000, rule: "alphatron", alpha: 2, seed: 0 });
    expect(sim.step(0)).toBe(0);
    expect(sim.step()).toBe(1);
    expect(sim.step(99)).toBe(99);
    expect(sim.steps).toBe(100);
    // This seed diverges at step 280 (see "divergence on a call's last step is reported").
    const taken = sim.step(1000);
    expect(taken).toBe(180);
    expect(sim.steps).toBe(280);
    expect(sim.status).toBe("diverged");
    expect(sim.step(10)).toBe(0);
    expect(sim.steps).toBe(280);
    sim.dispose();
  });

  it("DivergedError carries { time } and says what diverged", () => {
    const sim = new Perceptron({ n: 1000, rule: "alphatron", alpha: 2, seed: 0 });
    sim.step(1000);
    let error: unknown;
    try {
      sim.observe();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as DivergedError).detail).toEqual({ time: sim.divergedAt });
    expect(sim.divergedAt).toBe(280 * 1e-3);
    expect((error as Error).message).toBe(
      `the simulation diverged at t = ${280 * 1e-3} (weights became non-finite or exceeded maxWeightRms)`,
    );
    sim.dispose();
  });

  it('a checkpoint is { format: "thermolearn/perceptron", version: 1, … } and restore checks both', () => {
    const sim = new Perceptron({ n: 30, trajectories: 2, seed: 8 });
    sim.step(5);
    const good = sim.checkpoint();
    expect(good.format).toBe("thermolearn/perceptron");
    expect(good.version).toBe(1);
    const w = sim.weights(1);
    const bad = (patch: object) => ({ ...good, ...patch }) as PerceptronCheckpoint;
    const wrongFormat = bad({ format: "thermolearn/hopfield" });
    expect(() => sim.restore(wrongFormat)).toThrow(/checkpoint.format must be one of "thermolearn\/perceptron"/);
    expect(() => sim.restore(bad({ format: undefined }))).toThrow(TypeError);
    expect(() => sim.restore(bad({ version: 2 }))).toThrow(/checkpoint.version must be 1 .*got 2/);
    expect(() => sim.restore(bad({ version: "1" }))).toThrow(/checkpoint.version must be a number/);
    const { format: _f, version: _v, ...unversioned } = good;
    expect(() => sim.restore(unversioned as PerceptronCheckpoint)).toThrow(/checkpoint.format/);
    // The refused restores wrote nothing; the current format restores and replays.
    sim.step(3);
    const after = sim.weights(1);
    sim.restore(good);
    expect(sim.steps).toBe(5);
    expect(Array.from(sim.weights(1))).toEqual(Array.from(w));
    sim.step(3);
    expect(Array.from(sim.weights(1))).toEqual(Array.from(after));
    sim.dispose();
  });
});
