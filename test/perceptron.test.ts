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
  resolvePerceptronConfig,
  type LearningRule,
  type PerceptronCheckpoint,
} from "../src/perceptron/index.js";
import { Rng, streamSeed } from "../src/rng.js";
import { DivergedError, DisposedError } from "../src/core/model.js";
import { refForce, refLearningFactor, refStep, unpackInputs } from "../src/ref/perceptron.js";
import { assertClose, BACKENDS } from "./helpers/assert.js";

const RULES: LearningRule[] = ["hebbian", "perceptron", "adatron", "alphatron"];

/** |x|². */
function normSq(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return s;
}
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
          T = sim.teacher(),
          work0 = sim.work(),
          heat0 = sim.heat();
        sim.step(1);
        const xi = unpackInputs(sim.lastDraws().inputs, n, batch);
        const ref = refStep(w0, T, xi, sim.lastDraws().noise, params);
        refHeat += ref.heat;
        // First law per step, on the reference's own numbers: ΔV = W_learn − q with V = k|w|²/2 and
        // W_learn = L(w_t)·Δw + D Δt ∇·f̄, L the learning force the step applied and the second term
        // its Stratonovich divergence (independent of how q is summed).
        const learning = refForce(w0, T, xi, params).map((f, i) => f + w0[i]);
        let dV = 0,
          work = ref.divergence;
        for (let i = 0; i < n; i++) {
          dV += 0.5 * (ref.w[i] ** 2 - w0[i] ** 2);
          work += learning[i] * (ref.w[i] - w0[i]);
        }
        // Terms of size ≲ 10² over 257 weights: rounding ≲ 1e-11.
        assertClose(dV, work - ref.heat, { atol: 1e-9 });
        // The library's own work and heat obey it too, step by step (its V from |w|², its W and q summed
        // in wasm): the same rounding bound.
        assertClose(sim.work() - work0, work, { atol: 1e-8, rtol: 1e-9 });
        assertClose(0.5 * (normSq(sim.weights()) - normSq(w0)), sim.work() - work0 - (sim.heat() - heat0), {
          atol: 1e-8,
        });
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

  /** Steady heat rate per weight of the library's estimator and its gap to the midpoint rule, over `time` after
   * t = 3. */
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
    // ν̃ → 0: I ≈ 4ν̃²/(π³kD), ΔS ≈ ν̃²/(πkD), Q_n/D = ν̃²/(πkD), so η → 2/π² for every D.
    for (const D of [1, 0.5]) {
      const limit = 2 / Math.PI ** 2;
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
      /trajectories\[1\].rng must be 8 u32 words/,
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
    expect(() => new Perceptron({ alpha: 0, rule: "alphatron" })).toThrow(/alpha must be in \[1e-6, 16\], got 0/);
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

  it('a checkpoint is { format: "thermolearn/perceptron", version: 2, … } and restore checks both', () => {
    const sim = new Perceptron({ n: 30, trajectories: 2, seed: 8 });
    sim.step(5);
    const good = sim.checkpoint();
    expect(good.format).toBe("thermolearn/perceptron");
    expect(good.version).toBe(2);
    const w = sim.weights(1);
    const bad = (patch: object) => ({ ...good, ...patch }) as PerceptronCheckpoint;
    const wrongFormat = bad({ format: "thermolearn/hopfield" });
    expect(() => sim.restore(wrongFormat)).toThrow(/checkpoint.format must be one of "thermolearn\/perceptron"/);
    expect(() => sim.restore(bad({ format: undefined }))).toThrow(TypeError);
    expect(() => sim.restore(bad({ version: 1 }))).toThrow(/checkpoint.version must be 2 .*got 1/);
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

// ---------------------------------------------------------------------------------------------
// Issue #9: behaviours pinned so that the mutation run (StrykerJS) sees every one of them. All fast.
// ---------------------------------------------------------------------------------------------

/** The error `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

/** `fn` throws exactly `type` with exactly `message`. */
function expectError(fn: () => unknown, type: abstract new (...args: never[]) => Error, message: string): void {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(type);
  expect(e.message).toBe(message);
}

/** Sample variance (two-pass, M − 1) of x. */
function sampleVariance(x: number[]): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1);
}

/** ΔS(w_n) = ⟨½ ln(Var_t(w_i)/Var_0(w_i))⟩_i from the weights of each trajectory at both times, two-pass. */
function entropyFromWeights(w0: Float64Array[], w1: Float64Array[]): number {
  const n = w0[0].length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 0.5 * Math.log(sampleVariance(w1.map((w) => w[i])) / sampleVariance(w0.map((w) => w[i])));
  }
  return sum / n;
}

describe("options: each is named in its error, each bound sits where it says", () => {
  it("every numeric option's error names it, with its range", () => {
    const cases: [object, ErrorConstructor, string][] = [
      [{ k: -1 }, RangeError, "k must be ≥ 0, got -1"],
      [{ nu: -1 }, RangeError, "nu must be ≥ 0, got -1"],
      [{ D: -1 }, RangeError, "D must be ≥ 0, got -1"],
      [{ trainSize: -1 }, RangeError, "trainSize must be in [0, 2147483647], got -1"],
      [{ trainSize: 2 ** 31 }, RangeError, "trainSize must be in [0, 2147483647], got 2147483648"],
      [{ testSize: 2 ** 31 }, RangeError, "testSize must be in [0, 2147483647], got 2147483648"],
      [{ trajectories: 0 }, RangeError, "trajectories must be in [1, 100000], got 0"],
      // Trajectory streams end at 2³² − 5; the top four are the teacher's, training and test sets'.
      [{ firstTrajectory: -1 }, RangeError, "firstTrajectory must be in [0, 4294967291], got -1"],
      [{ firstTrajectory: 2 ** 32 - 4 }, RangeError, "firstTrajectory must be in [0, 4294967291], got 4294967292"],
      [{ maxWeightRms: 0 }, RangeError, "maxWeightRms must be > 0, got 0"],
      [{ trainSize: 5, sampling: "random" }, TypeError, 'sampling must be one of "replacement", "sweep", got "random"'],
      [
        { teacher: 5 },
        TypeError,
        'teacher must be one of "per-trajectory", "shared", or a Float64Array or number[] of length n',
      ],
      [
        { init: true },
        TypeError,
        'init must be one of "equilibrium", "zero", or a Float64Array or number[] of length n',
      ],
      [{ k: 0 }, RangeError, 'init "equilibrium" (w ~ N(0, D/k)) needs k > 0; use init: "zero" or give the weights'],
    ];
    for (const [options, type, message] of cases) {
      expectError(() => new Perceptron({ n: 1, ...options } as never), type, message);
    }
  });

  it("sampling defaults to replacement with a training set, online without", () => {
    expect(resolvePerceptronConfig({ n: 1, trainSize: 5 }).sampling).toBe("replacement");
    expect(resolvePerceptronConfig({ n: 1 }).sampling).toBe("online");
    expect(resolvePerceptronConfig({ n: 1, trainSize: 5, sampling: "sweep" }).sampling).toBe("sweep");
  });

  it("k·dt < 2 is strict and is a product", () => {
    expectError(
      () => new Perceptron({ n: 1, k: 1, dt: 2 }),
      RangeError,
      "dt must satisfy k·dt < 2 for a stable Euler–Maruyama step, got k·dt = 2",
    );
    // k·dt = 1 and 1.9 are stable (k/dt = 100 would not be).
    expect(resolvePerceptronConfig({ n: 1, k: 10, dt: 0.1 }).k).toBe(10);
    expect(resolvePerceptronConfig({ n: 1, k: 1, dt: 1.9 }).dt).toBe(1.9);
  });

  it("trajectory streams reach 2³² − 5 and no further", () => {
    const last = 2 ** 32 - 5;
    expect(resolvePerceptronConfig({ n: 1, firstTrajectory: last }).firstTrajectory).toBe(last);
    expect(resolvePerceptronConfig({ n: 1, firstTrajectory: last - 1, trajectories: 2 }).trajectories).toBe(2);
    expectError(
      () => new Perceptron({ n: 1, firstTrajectory: last, trajectories: 2 }),
      RangeError,
      "firstTrajectory + trajectories must be ≤ 4294967292",
    );
    const sim = new Perceptron({ n: 1, firstTrajectory: last });
    expect(sim.trajectorySeeds).toEqual([streamSeed(0, last)]);
    sim.dispose();
  });

  it("k = 0 is fine without an equilibrium start", () => {
    const sim = new Perceptron({ n: 2, k: 0, init: "zero" });
    expect(sim.config.k).toBe(0);
    sim.dispose();
  });

  it("an equilibrium start needs √(D/k) ≤ maxWeightRms/10, and only an equilibrium start", () => {
    // √(D/k) = 1 = 10/10: exactly at the bound is allowed.
    expect(resolvePerceptronConfig({ n: 1, D: 1, k: 1, maxWeightRms: 10 }).maxWeightRms).toBe(10);
    // D/k = 10⁻⁴ (rms 0.01 ≤ 0.1), though D·k = 1 would not be.
    expect(resolvePerceptronConfig({ n: 1, D: 0.01, k: 100, maxWeightRms: 1 }).D).toBe(0.01);
    // A zero start does not care how wide the equilibrium would be.
    expect(resolvePerceptronConfig({ n: 1, D: 100, init: "zero", maxWeightRms: 1 }).D).toBe(100);
    expectError(
      () => new Perceptron({ n: 1, D: 8, k: 2, maxWeightRms: 10 }),
      RangeError,
      "D/k = 4 gives an equilibrium start with weight rms √(D/k) = 2, too close to maxWeightRms = 10 (need ≤ a " +
        "tenth of it)",
    );
  });

  it("given initial weights need rms |w|/√n ≤ maxWeightRms/10", () => {
    // rms of (1, 1, 1, 1) is 1 = 10/10: allowed (|w| = 2 is not the rms).
    const sim = new Perceptron({ n: 4, init: [1, 1, 1, 1], maxWeightRms: 10 });
    expect(Array.from(sim.weights())).toEqual([1, 1, 1, 1]);
    sim.dispose();
    expectError(
      () => new Perceptron({ n: 4, init: [2, 2, 2, 2], maxWeightRms: 10 }),
      RangeError,
      "init: the given weights have rms 2, too close to maxWeightRms = 10 (need ≤ a tenth of it)",
    );
  });
});

describe("memory refusal: the option to blame, and the documented estimate to the byte", () => {
  const limit = "more than the 2.00 GiB limit";

  it("names trajectories, trainSize or testSize, whichever outweighs", () => {
    // n = 1000, 10⁵ trajectories ≈ 6.6 GB of state against 10⁴ bytes of rows: trajectories.
    expect(thrown(() => new Perceptron({ n: 1000, trajectories: 100_000, trainSize: 10 })).message).toMatch(
      /^trajectories too large: this simulation needs 6\.\d\d GiB of wasm memory, more than the 2\.00 GiB limit$/,
    );
    // Test rows alone (3·10⁹ bytes) outweigh one trajectory: testSize.
    expect(thrown(() => new Perceptron({ n: 1000, testSize: 3_000_000 })).message).toMatch(/^testSize too large: /);
    // Equal data sets: trainSize is named (the tie goes to it); 2.2·10⁹ bytes of rows.
    expect(thrown(() => new Perceptron({ n: 1000, trainSize: 1_100_000, testSize: 1_100_000 })).message).toMatch(
      /^trainSize too large: /,
    );
    // Rows exactly equal to the trajectories' state (n = 6848, B = 8: 35·6848 bytes per trajectory,
    // 5000 trajectories; 175 000 rows): not more, so trajectories are named.
    expect(thrown(() => new Perceptron({ n: 6848, batch: 8, trajectories: 5000, trainSize: 175_000 })).message).toMatch(
      /^trajectories too large: /,
    );
  });

  it("the estimate follows the documented layout to the byte (at the 2.005 GiB rounding edge)", () => {
    // TSDoc of memoryNeeded: per trajectory 4·8n + 2nG + 6·1024·G + 4·64·G + 512 (G = ⌈B/8⌉), shared
    // n(trainSize + testSize) + 8n for a shared teacher + 65536. The message rounds to 0.01 GiB, so
    // a total placed at ⌈2.005·2³⁰⌉ = 2152852358 bytes reads "2.01" and one byte less "2.00": every
    // term shows. n = 2, B = 30 (G = 4), 2 trajectories: 2·26192 + 2(P + 8) + 16 + 65536 = 2P + 117952.
    const edge = Math.ceil(2.005 * 2 ** 30);
    expect(edge).toBe(2152852358);
    const shared = { n: 2, batch: 30, trajectories: 2, testSize: 8, teacher: "shared" } as const;
    const P = (edge - 117_952) / 2;
    expect(thrown(() => new Perceptron({ ...shared, trainSize: P })).message).toBe(
      `trainSize too large: this simulation needs 2.01 GiB of wasm memory, ${limit}`,
    );
    expect(thrown(() => new Perceptron({ ...shared, trainSize: P - 1 })).message).toBe(
      `trainSize too large: this simulation needs 2.00 GiB of wasm memory, ${limit}`,
    );
    // Per-trajectory teachers live in the trajectories' blocks: no 8n, so 2P + 117936 = edge − 2.
    const own = { ...shared, teacher: "per-trajectory", trainSize: (edge - 2 - 117_936) / 2 } as const;
    expect(thrown(() => new Perceptron(own)).message).toBe(
      `trainSize too large: this simulation needs 2.00 GiB of wasm memory, ${limit}`,
    );
    expect(thrown(() => new Perceptron({ ...own, trainSize: own.trainSize + 1 })).message).toBe(
      `trainSize too large: this simulation needs 2.01 GiB of wasm memory, ${limit}`,
    );
  });
});

describe("the model's observables, status and accessors", () => {
  it("w = 0 has ε = ½ and no information; no test set means testError null", () => {
    const sim = new Perceptron({ n: 3, init: "zero", seed: 2 });
    const o = sim.observe();
    expect(o.epsilon[0]).toBe(0.5);
    expect(o.information[0]).toBeCloseTo(0, 15); // ln 2 − S(½) = 0 up to rounding of ln 2
    expect(o.Q[0]).toBe(0);
    expect(o.R[0]).toBe(0);
    expect(o.testError).toBeNull();
    expect(sim.status).toBe("running");
    expect(sim.divergedAt).toBeNull();
    sim.dispose();
  });

  it("step(count) and trajectory indices are checked, naming count and trajectory", () => {
    const sim = new Perceptron({ n: 5, batch: 9, trajectories: 2, seed: 2 });
    expectError(() => sim.step(2 ** 31), RangeError, "count must be in [0, 2147483647], got 2147483648");
    expectError(() => sim.step(1.5), TypeError, "count must be an integer, got 1.5");
    expect(sim.step(0)).toBe(0); // 0 is a valid count
    expectError(() => sim.weights(2), RangeError, "trajectory must be in [0, 1], got 2");
    expectError(() => sim.teacher(-1), RangeError, "trajectory must be in [0, 1], got -1");
    expect(sim.weights(1)).toHaveLength(5);
    sim.step(1);
    // n = 5 weights × ⌈9/8⌉ = 2 bytes of input bits, and n noise draws.
    const draws = sim.lastDraws(1);
    expect(draws.inputs).toHaveLength(10);
    expect(draws.noise).toHaveLength(5);
    sim.dispose();
  });

  it("[Symbol.dispose] disposes: the next use throws DisposedError naming the Perceptron", () => {
    const sim = new Perceptron({ n: 2 });
    sim[Symbol.dispose]();
    expectError(() => sim.step(), DisposedError, "Perceptron was disposed; create a new one");
  });

  it("a diverged ensemble is frozen: no trajectory moves, entropyChange is null", () => {
    // n = 100, α = 2, seed 0: trajectory 0 diverges at step 319, trajectory 1 at 362. A call of 330
    // steps stops the ensemble at 319 with trajectory 1 still finite.
    const sim = new Perceptron({ n: 100, rule: "alphatron", alpha: 2, trajectories: 2, seed: 0 });
    expect(sim.entropyChange()).toBe(0); // at t = 0 the variances are the initial ones
    expect(sim.step(330)).toBe(319);
    expect(sim.status).toBe("diverged");
    expect(sim.divergedAt).toBe(319 * 1e-3);
    const w1 = sim.weights(1);
    expect(w1.every(Number.isFinite)).toBe(true);
    expect(sim.step(5)).toBe(0);
    expect(Array.from(sim.weights(1))).toEqual(Array.from(w1));
    expect(sim.steps).toBe(319);
    expect(sim.entropyChange()).toBeNull();
    sim.dispose();
  });

  it("entropyChange is ⟨½ ln(Var_t/Var_0)⟩ over weights of the variances across trajectories", () => {
    const M = 3,
      sim = new Perceptron({ n: 6, trajectories: M, dt: 0.01, seed: 5 });
    const w0 = Array.from({ length: M }, (_, j) => sim.weights(j));
    expect(sim.entropyChange()).toBe(0);
    sim.step(20);
    const w1 = Array.from({ length: M }, (_, j) => sim.weights(j));
    const expected = entropyFromWeights(w0, w1);
    expect(Math.abs(expected)).toBeGreaterThan(0.01); // not ~0, so a sign or factor error shows
    // Welford (library) vs two-pass (here) variances of 3 values: agree to ~1e-15 relative; the mean of
    // six logs then to ~1e-15 absolute.
    assertClose(sim.entropyChange()!, expected, { atol: 1e-12 });
    sim.dispose();
    // Identical starts (given weights, one teacher) have zero initial variance: no estimate.
    const same = new Perceptron({ n: 3, trajectories: 2, init: [0.1, 0.2, 0.3], teacher: [1, 0, 0], seed: 1 });
    same.step(3);
    expect(same.entropyChange()).toBeNull();
    same.dispose();
    // One trajectory has no variance at all.
    const one = new Perceptron({ n: 3, seed: 1 });
    expect(one.entropyChange()).toBeNull();
    one.dispose();
  });
});

describe("random streams: which stream each draw comes from", () => {
  /** `count` normals, or the bytes of `count` 64-bit outputs, of stream `stream` of `seed`, from the Rng. */
  const normals = (seed: number, stream: number, count: number) => {
    const rng = new Rng({ seed, stream });
    const z = rng.normal(count);
    rng.dispose();
    return z;
  };
  const streamBytes = (seed: number, stream: number, words: number) => {
    const rng = new Rng({ seed, stream });
    const bytes = new Uint8Array(rng.u64(words).buffer);
    rng.dispose();
    return bytes;
  };

  it("stream j draws trajectory j's teacher, then its √(D/k)-scaled start; a shared teacher is 2³² − 1", () => {
    const n = 7;
    const own = new Perceptron({ n, trajectories: 2, D: 4, k: 1, seed: 6 });
    for (const j of [0, 1]) {
      const z = normals(6, j, 2 * n);
      expect(Array.from(own.teacher(j))).toEqual(Array.from(z.subarray(0, n)));
      expect(Array.from(own.weights(j))).toEqual(Array.from(z.subarray(n), (x) => 2 * x)); // √(D/k) = 2, exact
    }
    own.dispose();
    // n = 2¹⁸ so the shared teacher's block (2 MiB) is far larger than anything allocated before it.
    const big = 2 ** 18;
    const shared = new Perceptron({ n: big, trajectories: 2, teacher: "shared", seed: 6 });
    const T = normals(6, 2 ** 32 - 1, big);
    // Compared element by element in a loop (toEqual on 2¹⁸ entries takes seconds): −1 means identical.
    const firstDifference = (a: Float64Array, b: Float64Array) =>
      a.length === b.length ? a.findIndex((x, i) => !Object.is(x, b[i])) : -2;
    expect(firstDifference(shared.teacher(0), T)).toBe(-1);
    expect(firstDifference(shared.teacher(1), T)).toBe(-1);
    // Without a teacher to draw, stream j starts with the weights.
    expect(firstDifference(shared.weights(1), normals(6, 1, big))).toBe(-1);
    shared.dispose();
  });

  it("training rows are the low bits of stream 2³² − 2's bytes, test rows those of 2³² − 3", () => {
    const n = 5,
      P = 6,
      seed = 3;
    /** Row r, input i: bit 0 of byte r·n + i of the stream's 64-bit outputs (little-endian), as ±1. */
    const rows = (stream: number, count: number) => {
      const bytes = streamBytes(seed, stream, Math.ceil((count * n) / 8));
      return Array.from({ length: count }, (_, r) =>
        Array.from({ length: n }, (_, i) => (bytes[r * n + i] & 1 ? 1 : -1)),
      );
    };
    const sweep = new Perceptron({ n, batch: P, trainSize: P, sampling: "sweep", seed });
    sweep.step(1);
    expect(unpackInputs(sweep.lastDraws().inputs, n, P).map((row) => Array.from(row))).toEqual(rows(2 ** 32 - 2, P));
    sweep.dispose();
    // Test error of a fixed student: the fraction of test rows where sign(w·ξ) ≠ sign(T·ξ), sign(0) = +1.
    const T = [1, 2, 3, 4, 5],
      w = [5, -4, 3, -2, 1],
      Q = 64;
    const sign = (x: number) => (x >= 0 ? 1 : -1);
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
    const errors = rows(2 ** 32 - 3, Q).filter((xi) => sign(dot(w, xi)) !== sign(dot(T, xi))).length;
    expect(errors).toBeGreaterThan(0);
    expect(errors).toBeLessThan(Q);
    const sim = new Perceptron({ n, teacher: T, init: w, testSize: Q, seed });
    expect(sim.observe().testError![0]).toBe(errors / Q);
    sim.dispose();
  });
});

describe("restore: each field's error", () => {
  it("names what is wrong: not an object, trajectories not an array, a trajectory not an object", () => {
    const sim = new Perceptron({ n: 4, trajectories: 2, seed: 3 });
    const good = sim.checkpoint();
    for (const bad of [null, 5, "checkpoint"]) {
      expectError(() => sim.restore(bad as never), TypeError, "checkpoint must be an object from checkpoint()");
    }
    expectError(
      () => sim.restore({ ...good, trajectories: undefined } as never),
      TypeError,
      "checkpoint.trajectories must be an array",
    );
    expectError(
      () => sim.restore({ ...good, trajectories: [null, good.trajectories[1]] } as never),
      TypeError,
      "checkpoint.trajectories[0] must be an object",
    );
    expectError(
      () => sim.restore({ ...good, trajectories: [good.trajectories[0], 5] } as never),
      TypeError,
      "checkpoint.trajectories[1] must be an object",
    );
    sim.dispose();
  });

  it("a generator state is 8 u32 words, as an array or a Uint32Array; some (not all) may be zero", () => {
    const sim = new Perceptron({ n: 4, seed: 3 });
    const saved = sim.checkpoint();
    const withRng = (rng: unknown) => ({ ...saved, trajectories: [{ ...saved.trajectories[0], rng }] }) as never;
    const at = "checkpoint.trajectories[0].rng";
    const shape = `${at} must be 8 u32 words (a Uint32Array or an array of 8 integers)`;
    for (const bad of ["abcdefgh", Array.from(saved.trajectories[0].rng).slice(1), new Float64Array(8), undefined]) {
      expectError(() => sim.restore(withRng(bad)), TypeError, shape);
    }
    const word = (i: number, x: number) => Array.from(saved.trajectories[0].rng).map((w, k) => (k === i ? x : w));
    const range = `must be in [0, 4294967295], got`;
    expectError(() => sim.restore(withRng(word(3, 2 ** 32))), RangeError, `${at}[3] ${range} 4294967296`);
    expectError(() => sim.restore(withRng(word(7, -1))), RangeError, `${at}[7] ${range} -1`);
    expectError(() => sim.restore(withRng(word(0, 0.5))), TypeError, `${at}[0] must be an integer, got 0.5`);
    expectError(
      () => sim.restore(withRng(new Array(8).fill(0))),
      RangeError,
      `${at} must not be all zero (the generator's fixed point)`,
    );
    // One zero word is an ordinary state; the largest word 2³² − 1 is in range.
    const rng = word(0, 0);
    rng[1] = 2 ** 32 - 1;
    sim.restore(withRng(rng));
    expect(Array.from(sim.checkpoint().trajectories[0].rng)).toEqual(rng);
    sim.restore(withRng(Uint32Array.from(rng)));
    expect(Array.from(sim.checkpoint().trajectories[0].rng)).toEqual(rng);
    sim.step(2);
    expect(sim.observe().Q[0]).toBeGreaterThan(0);
    sim.dispose();
  });
});

describe("runPerceptron: the plan, the recorded columns and the derived ones", () => {
  it("records each column's mean and sample std across trajectories, ΔS, η, seeds, to the model's values", () => {
    // Three trajectories (the mean and std differ from a two-element shortcut), 25 steps in chunks of
    // 10: records at 0, 10, 20 and 25 steps. The same options stepped by hand give the observations.
    // D = 2: the heat enters η over the temperature (q/(nD), the medium's entropy).
    const options = { n: 6, trajectories: 3, dt: 0.01, seed: 5, testSize: 16, D: 2 };
    const before = performance.now();
    const r = runPerceptron({ ...options, steps: 25, recordEvery: 10 });
    const outer = performance.now() - before;
    const twin = new Perceptron(options);
    const seen = [twin.observe()],
      dS = [twin.entropyChange()!];
    for (const chunk of [10, 10, 5]) {
      twin.step(chunk);
      seen.push(twin.observe());
      dS.push(twin.entropyChange()!);
    }
    expect(r.status).toBe("completed");
    expect(r.steps).toBe(25);
    expect(r.divergedAt).toBeNull();
    expect(r.seed).toBe(5);
    expect(r.trajectorySeeds).toEqual([0, 1, 2].map((j) => streamSeed(5, j)));
    expect(Array.from(r.t)).toEqual(seen.map((o) => o.t));
    // The run's timer starts and stops inside the outer one.
    expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(r.elapsedMs).toBeLessThanOrEqual(outer);
    for (const name of ["epsilon", "testError", "R", "Q", "weightNorm", "information", "heat"] as const) {
      const mean = r[name]!,
        std = r.std[name]!;
      expect(mean).toHaveLength(4);
      expect(std).toHaveLength(4);
      seen.forEach((o, i) => {
        const x = Array.from(o[name]!);
        // Running mean (library) vs sum/3 (here): a few ulps apart.
        assertClose(mean[i], x.reduce((a, b) => a + b, 0) / 3, { atol: 1e-15, rtol: 1e-13 });
        assertClose(std[i], Math.sqrt(sampleVariance(x)), { atol: 1e-15, rtol: 1e-12 });
      });
    }
    expect(r.std.Q!.some((s) => s > 0)).toBe(true);
    expect(Array.from(r.entropyChange!)).toEqual(dS);
    expect(r.entropyChange![0]).toBe(0);
    // η = I/(ΔS + q/(nD)) where the cost is > 0, else 0. At t = 0 the cost is exactly 0 (no heat, no ΔS).
    expect(r.efficiency![0]).toBe(0);
    for (let i = 1; i < 4; i++) {
      const cost = r.entropyChange![i] + r.heat[i] / 2;
      expect(cost).toBeGreaterThan(0); // Hebbian heat grows like (ν²/B)t ≈ 1.8t per weight
      expect(r.entropyChange![i]).not.toBe(0);
      expect(r.efficiency![i]).toBe(r.information[i] / cost);
    }
    twin.dispose();
  });

  it("one trajectory: std 0, no ΔS and no η; no test set: testError null", () => {
    const r = runPerceptron({ n: 6, steps: 4, recordEvery: 2, seed: 5 });
    expect(r.t).toHaveLength(3);
    expect(Array.from(r.std.epsilon!)).toEqual([0, 0, 0]);
    expect(Array.from(r.std.heat!)).toEqual([0, 0, 0]);
    expect(r.entropyChange).toBeNull();
    expect(r.efficiency).toBeNull();
    expect(r.testError).toBeNull();
    expect(r.std.testError).toBeNull();
    expect(r.trajectorySeeds).toEqual([streamSeed(5, 0)]);
  });

  it("steps, tEnd (default 10) and recordEvery (default steps/500, at least 1)", () => {
    expect(runPerceptron({ n: 1, steps: 3, dt: 0.5 }).steps).toBe(3);
    const byTime = runPerceptron({ n: 1, tEnd: 2, dt: 0.5 });
    expect(byTime.steps).toBe(4);
    const byDefault = runPerceptron({ n: 1, dt: 0.5 }); // tEnd = 10: 20 steps, recorded every step
    expect(byDefault.steps).toBe(20);
    expect(byDefault.t).toHaveLength(21);
    expect(runPerceptron({ n: 1, steps: 1000 }).t).toHaveLength(501); // every 2 steps
    expect(runPerceptron({ n: 1, steps: 100 }).t).toHaveLength(101); // round(0.2) = 0 → every step
    expectError(() => runPerceptron({ n: 1, steps: -1 }), RangeError, "steps must be in [0, 1099511627776], got -1");
    expectError(() => runPerceptron({ n: 1, tEnd: 0 }), RangeError, "tEnd must be > 0, got 0");
    expectError(
      () => runPerceptron({ n: 1, steps: 10, recordEvery: 2 ** 31 }),
      RangeError,
      "recordEvery must be in [1, 2147483647], got 2147483648",
    );
  });

  it("2⁴⁰ steps are allowed, one more is not (an aborted signal keeps the run short)", () => {
    const signal = AbortSignal.abort();
    const dt = 2 ** -40;
    const r = runPerceptron({ n: 1, tEnd: 1, dt, recordEvery: 1000, signal });
    expect(r.status).toBe("aborted");
    expect(r.steps).toBe(0);
    expect(r.t).toHaveLength(1);
    expect(runPerceptron({ n: 1, steps: 2 ** 40, recordEvery: 1000, signal }).status).toBe("aborted");
    expectError(
      () => runPerceptron({ n: 1, tEnd: 1 + dt, dt, recordEvery: 1000, signal }),
      RangeError,
      "tEnd/dt must be ≤ 2⁴⁰ steps, got 1099511627777",
    );
  });
});

describe("analytic helpers: names, ranges and values at hand-computed points", () => {
  it("option errors name the function, its options and each parameter's range", () => {
    expectError(
      () => hebbianEpsilon({ nuTilde: 1, extra: 1 } as never),
      TypeError,
      'hebbianEpsilon: unknown option "extra" (known: nuTilde, k, D)',
    );
    expectError(
      () => hebbianTransient({ nuTilde: 1, extra: 1 } as never),
      TypeError,
      'hebbianTransient: unknown option "extra" (known: nuTilde, k, D)',
    );
    const em = { n: 4, nu: 2, dt: 0.5, batch: 2 };
    expectError(
      () => hebbianEpsilonEM({ ...em, extra: 1 } as never),
      TypeError,
      'hebbianEpsilonEM: unknown option "extra" (known: n, nu, dt, batch, k, D)',
    );
    const cases: [() => unknown, string][] = [
      [() => hebbianEpsilon({ nuTilde: -1e-300 }), "nuTilde must be in [0, 1e+50], got -1e-300"],
      [() => hebbianEpsilon({ nuTilde: 1.1e50 }), "nuTilde must be in [0, 1e+50], got 1.1e+50"],
      [() => hebbianEpsilon({ nuTilde: 1, k: 0 }), "k must be in [1e-50, 1e+50], got 0"],
      [() => hebbianEpsilon({ nuTilde: 1, D: -1 }), "D must be in [0, 1e+50], got -1"],
      [() => hebbianTransient({ nuTilde: 1, k: 0 }), "k must be in [1e-50, 1e+50], got 0"],
      [() => hebbianTransient({ nuTilde: 1, D: 0 }), "D must be in [1e-50, 1e+50], got 0"],
      [() => hebbianEpsilonEM({ ...em, n: 0 }), "n must be in [1, 9007199254740992], got 0"],
      [() => hebbianEpsilonEM({ ...em, nu: -1 }), "nu must be in [0, 1e+50], got -1"],
      [() => hebbianEpsilonEM({ ...em, dt: 0 }), "dt must be in [1e-50, 1e+50], got 0"],
      [() => hebbianEpsilonEM({ ...em, batch: 0 }), "batch must be in [1, 9007199254740992], got 0"],
      [() => hebbianEpsilonEM({ ...em, k: 0 }), "k must be in [1e-50, 1e+50], got 0"],
      [() => hebbianEpsilonEM({ ...em, D: -1 }), "D must be in [0, 1e+50], got -1"],
      [() => hebbianEpsilonEM({ ...em, k: 1, dt: 2 }), "dt must satisfy k·dt < 2, got k·dt = 2"],
    ];
    for (const [fn, message] of cases) expectError(fn, RangeError, message);
    // The ranges' ends are inside.
    // Noise √(kD) = 1e-25 against signal 0.8: cos πε = 1 in f64.
    expect(hebbianEpsilon({ nuTilde: 1, k: 1e-50 })).toBe(0);
    expect(hebbianEpsilonEM({ ...em, k: 1, dt: 1.9 })).toBeGreaterThan(0); // k·dt = 1.9
    expect(hebbianEpsilonEM({ ...em, k: 10, dt: 0.1 })).toBeGreaterThan(0); // k·dt = 1 (k/dt = 100)
  });

  it("hebbianEpsilonEM is the angle of the EM recursion's fixed-point variance", () => {
    // Independent route: iterate the per-weight variance of w ← (1 − kΔt)w + Δt·(learning) + √(2DΔt)z,
    // v ← (1 − kΔt)²v + 2DΔt + Δt²ν²/B, to its fixed point (contraction 1/16 per step here), then
    // cos πε = s/√(s² + k²v) with the mean-field signal s = ν̃√(2/π). Generic values (k, D, B, n ≠ 1).
    const p = { n: 4, nu: 2, dt: 0.5, batch: 2, k: 1.5, D: 0.3 };
    let v = 0;
    for (let i = 0; i < 100; i++) v = (1 - p.k * p.dt) ** 2 * v + 2 * p.D * p.dt + (p.dt * p.nu) ** 2 / p.batch;
    const s = (p.nu / Math.sqrt(p.n)) * Math.sqrt(2 / Math.PI);
    const expected = Math.acos(s / Math.sqrt(s * s + p.k * p.k * v)) / Math.PI;
    // Closed form vs converged iteration: both a few ulps from the exact value.
    assertClose(hebbianEpsilonEM(p), expected, { rtol: 1e-12 });
    // k and D default to 1.
    assertClose(hebbianEpsilonEM({ n: 4, nu: 2, dt: 0.5, batch: 2 }), hebbianEpsilonEM({ ...p, k: 1, D: 1 }), {
      rtol: 0,
    });
  });

  it("hebbianTransient at k ≠ 1: Q_n = ν̃²/(πk), ΔS = ½ ln(1 + 2ν̃²/(πkD)), η = I/(ΔS + Q_n/D)", () => {
    // ν̃ = 3, k = 2, D = 1/4: Q_n = 9/(2π), ΔS = ½ ln(1 + 36/π); ε_∞ = arccos(3√(2/π)/√(18/π + 1/2))/π.
    const tr = hebbianTransient({ nuTilde: 3, k: 2, D: 0.25 });
    const eps = Math.acos((3 * Math.sqrt(2 / Math.PI)) / Math.sqrt(18 / Math.PI + 0.5)) / Math.PI;
    const info = Math.LN2 + eps * Math.log(eps) + (1 - eps) * Math.log(1 - eps);
    // Rounding only: a few ulps of quantities of size ~1.
    assertClose(tr.heat, 9 / (2 * Math.PI), { rtol: 1e-14 });
    assertClose(tr.entropyChange, 0.5 * Math.log(1 + 36 / Math.PI), { rtol: 1e-14 });
    assertClose(tr.information, info, { rtol: 1e-12 });
    assertClose(tr.efficiency, info / (0.5 * Math.log(1 + 36 / Math.PI) + 9 / (2 * Math.PI) / 0.25), { rtol: 1e-12 });
  });

  it("at ν̃ = 10⁻⁴ exactly η is still the quotient, below it the ν̃ → 0 limit", () => {
    // The quotient at 10⁻⁴ is 7·10⁻⁸ (relative) below the limit 2/π²: its O(ν̃²) term plus
    // cancellation in ln 2 − S(ε). Built here from the three closed forms, it agrees to rounding (1e-12).
    const nuTilde = 1e-4;
    const info = mutualInformation(hebbianEpsilon({ nuTilde }));
    const quotient = info / (0.5 * Math.log1p((2 * nuTilde * nuTilde) / Math.PI) + (nuTilde * nuTilde) / Math.PI);
    assertClose(hebbianTransient({ nuTilde }).efficiency, quotient, { rtol: 1e-12 });
    const limit = 2 / (Math.PI * Math.PI);
    expect(Math.abs(quotient / limit - 1)).toBeGreaterThan(1e-8);
    expect(hebbianTransient({ nuTilde: 0.99e-4 }).efficiency).toBe(limit);
  });
});
