/**
 * The input-averaged force (src/perceptron/averaged.ts) and the order-parameter theory
 * (src/perceptron/ode.ts) of issue #11: closed forms (spec §1), Monte Carlo over ±1 inputs, Stein's
 * lemma, the thermodynamic bookkeeping, option errors and the α-tron's quadrature.
 */
import { describe, expect, it } from "vitest";
import { DivergedError } from "../src/core/model.js";
import { logGamma } from "../src/math/special.js";
import {
  averagedForce,
  averagedForceFunction,
  gaussLegendre,
  sinPowerIntegral,
  type AveragedForce,
} from "../src/perceptron/averaged.js";
import type { LearningRule } from "../src/perceptron/model.js";
import {
  PERCEPTRON_THEORY_COLUMNS,
  maxEfficiency,
  perceptronSteadyState,
  perceptronTheory,
  resolvePerceptronTheoryConfig,
  type PerceptronTheoryResult,
} from "../src/perceptron/ode.js";
import { hebbianEpsilon, hebbianEpsilonEM, hebbianTransient } from "../src/perceptron/theory.js";
import { Rng } from "../src/rng.js";
import { assertClose } from "./helpers/assert.js";

const RULES: LearningRule[] = ["hebbian", "perceptron", "adatron", "alphatron"];
const BLOG_NOISE = { n: 10_000, batch: 30, dt: 1e-3 };

/** 𝓕(s) of spec §1 as a function of s = σ_T A (written out here, independent of averaged.ts). */
function factor(rule: LearningRule, s: number, alpha: number): number {
  switch (rule) {
    case "hebbian":
      return 1;
    case "perceptron":
      return s < 0 ? 1 : 0;
    case "adatron":
      return s < 0 ? -s : 0;
    case "alphatron":
      return s < 0 ? 1 : s > 0 ? s ** alpha : 0;
  }
}

describe("averagedForce: Monte Carlo over ±1 inputs at n = 400", () => {
  // Teacher T̂, and Ô, P̂ orthonormal to it (Gram–Schmidt of Gaussian vectors); ŵ = ρT̂ + √(1−ρ²)Ô has
  // exactly the overlap ρ, and |w|² = nQ. For each input only u = T̂·ξ, o = Ô·ξ and p = P̂·ξ matter:
  // x = ŵ·ξ = ρu + √(1−ρ²)o. P̂ ⊥ span(T̂, ŵ) checks that the averaged force lies in that plane.
  const n = 400,
    samples = 100_000;
  const rng = new Rng({ seed: 20_261_207 });
  const unit = (v: Float64Array) => {
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
  const orthogonalise = (v: Float64Array, ...basis: Float64Array[]) => {
    for (const e of basis) {
      const c = dot(v, e);
      for (let i = 0; i < n; i++) v[i] -= c * e[i];
    }
    return unit(v);
  };
  const T = unit(rng.normal(n));
  const O = orthogonalise(rng.normal(n), T);
  const P = orthogonalise(rng.normal(n), T, O);
  const u = new Float64Array(samples),
    o = new Float64Array(samples),
    p = new Float64Array(samples);
  const words = 13; // 13 u32 words = 416 ≥ 400 random bits per input
  const bits = new Uint32Array(rng.u64(Math.ceil((samples * words) / 2)).buffer);
  rng.dispose();
  for (let m = 0; m < samples; m++) {
    let su = 0,
      so = 0,
      sp = 0;
    for (let i = 0; i < n; i++) {
      const xi = (bits[m * words + (i >>> 5)] >>> (i & 31)) & 1 ? 1 : -1;
      su += xi * T[i];
      so += xi * O[i];
      sp += xi * P[i];
    }
    u[m] = su;
    o[m] = so;
    p[m] = sp;
  }

  /** Mean and standard error of the mean of a per-sample quantity. */
  const estimate = (f: (m: number) => number): { mean: number; stderr: number } => {
    let s = 0,
      s2 = 0;
    for (let m = 0; m < samples; m++) {
      const y = f(m);
      s += y;
      s2 += y * y;
    }
    const mean = s / samples;
    return { mean, stderr: Math.sqrt(Math.max(0, s2 / samples - mean * mean) / samples) };
  };

  for (const rule of RULES) {
    for (const alpha of rule === "alphatron" ? [0.5, 0.25] : [0.5]) {
      const name = `${rule}${rule === "alphatron" ? ` α = ${alpha}` : ""}`;
      it(`${name}: c_u, c_x, ⟨𝓕⟩, ⟨𝓕²⟩ and no component off the plane`, () => {
        let worstStderr = 0;
        for (const rho of [0.1, 0.6, 0.95]) {
          for (const Q of [0.5, 2]) {
            const th = averagedForce(rule, rho, Q, alpha);
            const c = Math.sqrt(1 - rho * rho),
              sq = Math.sqrt(Q);
            const h = new Float64Array(samples),
              F = new Float64Array(samples),
              x = new Float64Array(samples);
            for (let m = 0; m < samples; m++) {
              const sigma = u[m] >= 0 ? 1 : -1; // sign(0) = +1 (probability 0 here)
              x[m] = rho * u[m] + c * o[m];
              F[m] = factor(rule, sigma * sq * x[m], alpha);
              h[m] = sigma * F[m];
            }
            const checks: [string, { mean: number; stderr: number }, number][] = [
              ["cu", estimate((m) => u[m] * h[m]), th.cu],
              ["cx", estimate((m) => x[m] * h[m]), th.cx],
              ["off-plane", estimate((m) => p[m] * h[m]), 0],
              ["factorMean", estimate((m) => F[m]), th.factorMean],
              ["factorSquare", estimate((m) => F[m] * F[m]), th.factorSquare],
            ];
            for (const [name, mc, expected] of checks) {
              worstStderr = Math.max(worstStderr, mc.stderr);
              // 4 standard errors (a 4σ excursion: ~6e-5 per check, ~1e-2 over the ~150 checks here)
              // plus the finite-n bias: u and x are weighted Rademacher sums, whose fourth cumulant is
              // −2ΣT̂ᵢ⁴ ≈ −6/n, so averages differ from their Gaussian limits by O(1/n); allowed: 2/n
              // per unit of the quantity's size.
              const tolerance = 4 * mc.stderr + (2 / n) * (1 + Math.abs(expected));
              if (!(Math.abs(mc.mean - expected) <= tolerance)) {
                expect.fail(`${rule} ρ=${rho} Q=${Q} ${name}: MC ${mc.mean} ± ${mc.stderr} vs ${expected}`);
              }
            }
          }
        }
        // The brief asks for a Monte Carlo standard error ≲ 1e-2.
        expect(worstStderr).toBeLessThan(1e-2);
      });
    }
  }
});

describe("averagedForce: exact identities", () => {
  const grid = [-1, -0.999, -0.6, 0, 0.3, 0.8, 0.999999, 1];

  it("c_u = a + bρ and c_x = aρ + b, m² = a c_u + b c_x, for every rule, ρ = ±1 included", () => {
    for (const rule of RULES) {
      for (const rho of grid) {
        for (const Q of [0.3, 1, 7]) {
          const f = averagedForce(rule, rho, Q, 0.7);
          // Rounding: a few ulps of quantities of size ≤ √Q·O(1).
          assertClose(f.cu, f.a + f.b * rho, { atol: 1e-14 * (1 + Q) });
          assertClose(f.cx, f.a * rho + f.b, { atol: 1e-14 * (1 + Q) });
          assertClose(f.forceSquare, f.a * f.cu + f.b * f.cx, { atol: 1e-14 * (1 + Q) });
          for (const value of Object.values(f)) expect(Number.isFinite(value)).toBe(true);
        }
      }
    }
  });

  it("⟨𝓕'⟩ obeys Stein's lemma: c_x = ρG/√(2π) + √Q⟨𝓕'⟩, c_u = G/√(2π) + ρ√Q⟨𝓕'⟩", () => {
    // Stein for the Gaussian pair (u, x): E[xφ] = ρE[∂_uφ] + E[∂_xφ], E[uφ] = E[∂_uφ] + ρE[∂_xφ], with
    // φ = sign(u)𝓕(sign(u)√Q x). ∂_xφ = √Q𝓕'(s); ∂_uφ = δ(u)[𝓕(√Qx) + 𝓕(−√Qx)], and x | u = 0 is
    // N(0, sin²θ), so E[∂_uφ] = G/√(2π) with G = E_z[𝓕(√Q z) + 𝓕(−√Q z)], z ~ N(0, sin²θ):
    // Hebbian 2, Perceptron 1, AdaTron √Q sin θ √(2/π), α-tron 1 + Q^{α/2} sin^αθ E|N(0,1)|^α.
    // This ties ⟨𝓕'⟩ (the α-tron's J_{α−1}) to c_x and c_u (its J_{α+1}) by a route that shares no code.
    const absMoment = (a: number) => Math.exp((a / 2) * Math.LN2 + logGamma((a + 1) / 2)) / Math.sqrt(Math.PI);
    for (const alpha of [0.25, 0.5, 0.9, 1.6]) {
      for (const rule of RULES) {
        for (const rho of grid) {
          for (const Q of [0.4, 2.5]) {
            const f = averagedForce(rule, rho, Q, alpha);
            const sin = Math.sqrt(1 - rho * rho);
            const G = {
              hebbian: 2,
              perceptron: 1,
              adatron: Math.sqrt(Q) * sin * Math.sqrt(2 / Math.PI),
              alphatron: 1 + Q ** (alpha / 2) * sin ** alpha * absMoment(alpha),
            }[rule];
            const slope = Math.sqrt(Q) * f.factorSlope;
            // Rounding of sums of O(1 + Q^α) terms, and logGamma's ~1e-15.
            const atol = 1e-13 * (1 + Q ** alpha);
            assertClose(f.cx, (rho * G) / Math.sqrt(2 * Math.PI) + slope, { atol });
            assertClose(f.cu, G / Math.sqrt(2 * Math.PI) + rho * slope, { atol });
          }
        }
      }
    }
  });

  it("the closed forms of theory11.md §1 at ρ = 0 (θ = π/2) and the Perceptron's ⟨𝓕'⟩ = −1/√(2πQ)", () => {
    const Q = 2;
    const f = averagedForce("adatron", 0, Q);
    // ρ = 0: c_u = √Q/π, c_x = −√Q/2, ⟨𝓕⟩ = √(Q/(2π)), ⟨𝓕²⟩ = Q/2, ⟨𝓕'⟩ = −½. Rounding only.
    assertClose(
      [f.cu, f.cx, f.factorMean, f.factorSquare, f.factorSlope],
      [Math.sqrt(Q) / Math.PI, -Math.sqrt(Q) / 2, Math.sqrt(Q / (2 * Math.PI)), Q / 2, -0.5],
      { atol: 1e-15 },
    );
    const g = averagedForce("perceptron", 0, Q);
    assertClose(
      [g.cu, g.cx, g.factorMean, g.factorSlope, g.forceSquare],
      [1 / Math.sqrt(2 * Math.PI), -1 / Math.sqrt(2 * Math.PI), 0.5, -1 / Math.sqrt(2 * Math.PI * Q), 1 / Math.PI],
      { atol: 1e-15 },
    );
    const hebb = averagedForce("hebbian", 0.3, Q);
    assertClose(
      [hebb.cu, hebb.cx, hebb.forceSquare],
      [Math.sqrt(2 / Math.PI), 0.3 * Math.sqrt(2 / Math.PI), 2 / Math.PI],
      {
        atol: 1e-15,
      },
    );
  });

  it("α-tron scaling in Q: ⟨𝓕²⟩ − θ/π goes as Q^α, c_x + (1−ρ)/√(2π) as Q^{α/2}", () => {
    // Only the s > 0 part depends on Q, homogeneously (s = √Q|x|). Rounding only.
    const a = averagedForce("alphatron", 0.4, 1, 0.7),
      b = averagedForce("alphatron", 0.4, 9, 0.7);
    const theta = Math.acos(0.4) / Math.PI,
      c = 0.6 / Math.sqrt(2 * Math.PI);
    assertClose(b.factorSquare - theta, 9 ** 0.7 * (a.factorSquare - theta), { rtol: 1e-13 });
    assertClose(b.cx + c, 9 ** 0.35 * (a.cx + c), { rtol: 1e-13 });
  });
});

describe("the α-tron's quadrature", () => {
  const thetas = [0, 1e-7, 0.3, Math.PI / 2, 2, Math.PI - 1e-7, Math.PI];

  it("J_q(θ) with 64 and 256 Gauss–Legendre points agree to 1e-10 (they agree to rounding)", () => {
    let worst = 0;
    for (const q of [-0.9, -0.75, -0.5, 0.25, 0.5, 1.5, 2.5, 4]) {
      for (const theta of thetas) {
        const a = sinPowerIntegral(q, theta, 64),
          b = sinPowerIntegral(q, theta, 256);
        worst = Math.max(worst, Math.abs(a - b) / Math.max(1, Math.abs(b)));
      }
    }
    expect(worst).toBeLessThan(1e-10);
  });

  it("averagedForce for the α-tron: 64 and 256 points agree to 1e-10", () => {
    for (const alpha of [0.1, 0.25, 0.5, 0.9, 2]) {
      const f64 = averagedForceFunction("alphatron", alpha, 64),
        f256 = averagedForceFunction("alphatron", alpha, 256);
      for (const rho of [-1, -0.5, 0, 0.5, 0.95, 0.9999, 1]) {
        const a = f64(rho, 1.7),
          b = f256(rho, 1.7);
        for (const key of Object.keys(a) as (keyof AveragedForce)[]) {
          assertClose(a[key], b[key], { atol: 1e-10 * (1 + Math.abs(b[key])) });
        }
      }
    }
  });

  it("J_q(θ) matches exact values: q = 0, 1, 2, 3 and Wallis' 2W_q at θ = 0", () => {
    for (const theta of thetas) {
      const L = Math.PI - theta;
      // Rounding: 64-point Gauss–Legendre is exact to ~1e-15 here (error ~m^{−16}).
      assertClose(sinPowerIntegral(0, theta), L, { atol: 1e-14 });
      assertClose(sinPowerIntegral(1, theta), 1 + Math.cos(theta), { atol: 1e-14 });
      assertClose(sinPowerIntegral(2, theta), L / 2 - Math.sin(2 * L) / 4, { atol: 1e-14 });
      assertClose(sinPowerIntegral(3, theta), 2 / 3 - Math.cos(L) + Math.cos(L) ** 3 / 3, { atol: 1e-14 });
    }
    // ∫_0^π sin^q = √π Γ((q+1)/2)/Γ(q/2+1); at q = −½: Γ(¼)²/√(2π) ≈ 5.2441151
    assertClose(sinPowerIntegral(-0.5, 0), 5.244115108584239, { rtol: 1e-13 });
    // A non-integer q by brute force: ∫_0^{π−2} sin^{1.5} t dt by the midpoint rule at 10⁶ points
    // (integrand ~t^{1.5} at 0, so the error is ~N^{−2.5} ≈ 1e-15 there and ~L³f''/(24N²) ≈ 1e-13 inside).
    const L = Math.PI - 2;
    let s = 0;
    const N = 1_000_000;
    for (let i = 0; i < N; i++) s += Math.sin(((i + 0.5) * L) / N) ** 1.5;
    // Plus ~1e-11 from summing 10⁶ terms: 1e-9 bounds both with room.
    assertClose(sinPowerIntegral(1.5, 2), (s * L) / N, { rtol: 1e-9 });
  });

  it("Gauss–Legendre weights sum to 1 and integrate x^{2m−1} exactly", () => {
    for (const m of [1, 5, 64]) {
      const { nodes, weights } = gaussLegendre(m);
      assertClose(
        weights.reduce((a, b) => a + b, 0),
        1,
        { atol: 1e-14 },
      );
      const deg = 2 * m - 1;
      assertClose(
        nodes.reduce((s, x, i) => s + weights[i] * x ** deg, 0),
        1 / (deg + 1),
        { rtol: 1e-13 },
      );
    }
  });
});

describe("perceptronTheory: Hebbian against the closed forms of spec §1", () => {
  // Finite tEnd: the transient decays like e^{−kt}, so at tEnd = 30/k it has e^{−30} ≈ 1e-13 left;
  // RK4 at h = 10⁻³/max(1, k) has a global error ~1e-13 here. The issue asks 1e-6; 1e-9 is asserted.
  const TOL = 1e-9;
  const cases: [number, number, number][] = [
    [1, 1, 0.2856],
    [2, 1, 0.1782],
    [3, 0.5, 0.0914],
    [5, 1, 0.0782],
    [3, 1, 0.126],
  ];
  for (const [nuTilde, k, epsilonSpec] of cases) {
    it(`ν̃ = ${nuTilde}, k = ${k}: Q_n, ΔS, I, η, ε_∞ and the work`, () => {
      const th = perceptronTheory({ nuTilde, k, tEnd: 30 / k, recordEvery: 1000 });
      const exact = hebbianTransient({ nuTilde, k });
      assertClose(th.heat.at(-1)!, exact.heat, { rtol: TOL });
      assertClose(th.entropyChange.at(-1)!, exact.entropyChange, { rtol: TOL });
      assertClose(th.information.at(-1)!, exact.information, { rtol: TOL });
      assertClose(th.efficiency.at(-1)!, exact.efficiency, { rtol: TOL });
      assertClose(th.epsilon.at(-1)!, hebbianEpsilon({ nuTilde, k }), { rtol: TOL });
      // The spec's values are rounded to 4 digits.
      assertClose(th.epsilon.at(-1)!, epsilonSpec, { atol: 5e-5 });
      // Learning work W = ∫ν̃√(2/π)(ν̃√(2/π) − kr)dt = 2ν̃²/(πk) (r relaxes as r∞(1 − e^{−kt})).
      assertClose(th.work.at(-1)!, (2 * nuTilde * nuTilde) / (Math.PI * k), { rtol: TOL });
    });
  }

  it("D ≠ 1: the ODEs and hebbianTransient agree, the heat entering η over the temperature", () => {
    for (const D of [0.25, 2]) {
      const th = perceptronTheory({ nuTilde: 3, D, tEnd: 30, recordEvery: 1000 });
      const exact = hebbianTransient({ nuTilde: 3, D });
      assertClose(th.heat.at(-1)!, exact.heat, { rtol: TOL });
      assertClose(th.entropyChange.at(-1)!, exact.entropyChange, { rtol: TOL });
      assertClose(th.efficiency.at(-1)!, exact.efficiency, { rtol: TOL });
      // η = I/(ΔS + Q_n/D), not I/(ΔS + Q_n): the two differ by ≥ 10 % at these D.
      const { information, entropyChange, heat } = exact;
      assertClose(exact.efficiency, information / (entropyChange + heat / D), { rtol: 1e-14 });
    }
  });

  it("edge inputs found by the property suite: finite results or errors naming the option", () => {
    // Denormal tEnd: ΔS + Q_n/D is denormal and I/(ΔS + Q_n/D) would overflow; η is 0 there, not ∞.
    const tiny = perceptronTheory({ rule: "perceptron", k: 2.0764, D: 0.2195, tEnd: 5e-323, h: 0.0175, R0: -0.3248 });
    expect(Array.from(tiny.efficiency).every(Number.isFinite)).toBe(true);
    // Q0 near the denormals: refused naming Q0 (ln Q/Q0 would overflow).
    expect(() => perceptronTheory({ Q0: 5e-324 })).toThrow(/^Q0 must be in \[1e-300, 1000000000000\]/);
    // The default Q0 = D/k: a k or D that makes it unusable is named as D/k, not as Q0.
    expect(() => perceptronTheory({ k: 5e-324 })).toThrow(/^D\/k must be in/);
    expect(() => perceptronTheory({ k: 1, R0: 2 })).toThrow(/R0 must satisfy R0² ≤ Q0 \(Q0 = D\/k by default\)/);
    // The default h = 10⁻³/k with a huge k: the message says the step was the default.
    expect(() => perceptronTheory({ k: 1e300, D: 1e300 })).toThrow(/^tEnd: with k = 1e\+300 the default step/);
    // α out of [1e-6, 16] is refused naming alpha (Γ's pole below, Q^α overflow above).
    expect(() => averagedForce("alphatron", 0, 1, 5e-324)).toThrow(/^alpha must be in/);
    expect(() => averagedForce("alphatron", 0, 1, 2 ** 31)).toThrow(/^alpha must be in/);
    expect(() => averagedForce("alphatron", 0, 1e300, 16)).toThrow(/^Q: the α-tron's moments overflow/);
    // Divergence says so.
    expect(() => perceptronTheory({ rule: "alphatron", alpha: 2, tEnd: 5 })).toThrow(/diverged at t = /);
  });

  // 10⁷ RK4 steps: 3 s here, over Stryker's 120 s limit when instrumented, so skipped under mutation.
  const capIt = process.env.THERMOLEARN_MUTATION ? it.skip : it;
  capIt("the steady-state search gives up naming k and h instead of running for ever", () => {
    // h = 10·10⁻³/max(1, k) = 0.01 by default; 10⁴ chunks of 1000 steps end at t = 10⁵ exactly.
    expect(() => perceptronSteadyState({ k: 1e-4, D: 1e-4 })).toThrow(
      /^k, h: no steady state within 10000000 RK4 steps of h = 0\.01 \(t = 100000; the relaxation time 1\/k = 10000\)/,
    );
  });

  it("η ≈ 0.0824 at ν̃ = 3, k = 1 (spec §1)", () => {
    const th = perceptronTheory({ tEnd: 30 });
    assertClose(th.efficiency.at(-1)!, 0.0824, { atol: 5e-5 }); // 4-digit value
  });

  it("the whole transient: r(t) = r∞(1 − e^{−kt}), Q(t) = D/k + r(t)² from equilibrium", () => {
    // d(Q − r²)/dt = −2k(Q − r²) + 2D for Hebbian, so Q − r² stays D/k. RK4 error ~1e-13.
    for (const [k, D] of [
      [1, 1],
      [2, 0.5],
    ]) {
      const th = perceptronTheory({ nuTilde: 2, k, D, tEnd: 5, recordEvery: 50 });
      const rInf = (2 * Math.sqrt(2 / Math.PI)) / k;
      const r = Array.from(th.t, (t) => rInf * -Math.expm1(-k * t));
      assertClose(th.R, r, { atol: 1e-11 });
      assertClose(
        th.Q,
        r.map((x) => D / k + x * x),
        { atol: 1e-11 },
      );
      assertClose(
        th.internalEnergy,
        r.map((x) => (k * (D / k + x * x)) / 2),
        { atol: 1e-11 },
      );
    }
  });

  it("the default h is 10⁻³ and halving it changes nothing beyond RK4's O(h⁴)", () => {
    const a = perceptronTheory({ rule: "perceptron", tEnd: 3 });
    expect(a.config.h).toBe(1e-3);
    expect(a.config.steps).toBe(3000);
    const b = perceptronTheory({ rule: "perceptron", tEnd: 3, h: 5e-4, recordEvery: 20 });
    // Global RK4 error ~ (λh)⁴ with λ ~ ν̃/√Q ≈ 3: ~1e-10 at most.
    assertClose(a.epsilon, b.epsilon, { atol: 1e-10 });
    assertClose(a.heat, b.heat, { atol: 1e-10 });
  });
});

describe("steady states and the housekeeping/excess split", () => {
  it("averaged regime: the steady housekeeping (and total) heat rate is 0 for every rule (theory11.md §2)", () => {
    for (const rule of RULES) {
      for (const [nuTilde, k, D] of [
        [3, 1, 1],
        [1, 0.5, 2],
      ]) {
        const s = perceptronSteadyState({ rule, nuTilde, k, D, alpha: 0.5 });
        // The rate's terms are O(ν̃²) = 9; the fixed point is found to ~1e-15 relative, so the rate
        // is rounding, ~1e-15·ν̃². A wrong ⟨𝓕'⟩, c_x or m² gives O(1).
        expect(Math.abs(s.housekeepingRate)).toBeLessThan(1e-12 * (1 + nuTilde * nuTilde));
        expect(s.excessRate).toBe(0);
        expect(s.heatRate).toBe(s.housekeepingRate);
      }
    }
  });

  it("the ODE trajectory settles on perceptronSteadyState, with heatRate → 0", () => {
    for (const rule of RULES) {
      const s = perceptronSteadyState({ rule });
      const th = perceptronTheory({ rule, tEnd: 40, recordEvery: 40_000 });
      // e^{−40·λ} with relaxation rate λ ≥ k/2 for these rules, plus RK4: ~1e-9.
      assertClose(th.epsilon.at(-1)!, s.epsilon, { atol: 1e-8 });
      assertClose(th.Q.at(-1)!, s.Q, { rtol: 1e-8 });
      assertClose(th.heatRate.at(-1)!, 0, { atol: 1e-7 });
      assertClose(th.forceVariance.at(-1)!, s.forceVariance, { atol: 1e-8 });
      assertClose(s.information, th.information.at(-1)!, { atol: 1e-8 });
    }
    assertClose(perceptronSteadyState().epsilon, hebbianEpsilon({ nuTilde: 3 }), { rtol: 1e-13 });
  });

  it("online Hebbian at the blog's parameters: excess = ν̃²(n − 2/π)/B = 2999.8, housekeeping 0", () => {
    const s = perceptronSteadyState({ inputNoise: BLOG_NOISE });
    const expected = (9 * (1e4 - 2 / Math.PI)) / 30;
    assertClose(s.excessRate, expected, { rtol: 1e-6 });
    assertClose(expected, 2999.8, { atol: 0.01 });
    expect(Math.abs(s.housekeepingRate)).toBeLessThan(1e-9); // rounding of O(10⁴)-sized terms
    // ε against the EM recursion's exact stationary variance (hebbianEpsilonEM): they differ only by
    // the O(kΔt) recursion terms the ODE neglects (variance factor 2/(2 − kΔt)) and 2/π against n in
    // the T̂ direction, relative 5e-4 and 6e-5 of the variance; dε/d ln σ² ≈ 0.1, so ≲ 1e-4.
    const em = hebbianEpsilonEM({ n: 1e4, nu: 300, dt: 1e-3, batch: 30 });
    assertClose(s.epsilon, em, { atol: 1e-4 });
    assertClose(s.epsilon, 0.1859, { atol: 2e-4 });
  });

  it("online regime: excessHeat = ∫E_x dt, and the Hebbian E_x is constant", () => {
    const th = perceptronTheory({ tEnd: 2, inputNoise: BLOG_NOISE, recordEvery: 100 });
    const expected = (9 * (1e4 - 2 / Math.PI)) / 30;
    assertClose(th.excessRate, new Float64Array(th.t.length).fill(expected), { rtol: 1e-13 });
    assertClose(
      th.excessHeat,
      Array.from(th.t, (t) => expected * t),
      { rtol: 1e-12, atol: 1e-12 },
    );
    // B = 4096 divides the excess by 4096/30.
    const big = perceptronSteadyState({ inputNoise: { ...BLOG_NOISE, batch: 4096 } });
    assertClose(big.excessRate, (expected * 30) / 4096, { rtol: 1e-6 });
  });

  it("online regime, other rules: E_x = (ν̃²/B)(n⟨𝓕²⟩ − m²) at the fixed point", () => {
    for (const rule of ["perceptron", "adatron", "alphatron"] as const) {
      const s = perceptronSteadyState({ rule, inputNoise: BLOG_NOISE });
      const f = averagedForce(rule, s.R / Math.sqrt(s.Q), s.Q);
      assertClose(s.excessRate, (9 / 30) * (1e4 * f.factorSquare - f.forceSquare), { rtol: 1e-12 });
      // dQ/dt = 0 with X = Δt E_x: Q = (ν̃√Q c_x + D + X/2)/k. Rounding.
      assertClose(s.Q, 3 * Math.sqrt(s.Q) * f.cx + 1 + (1e-3 * s.excessRate) / 2, { rtol: 1e-11 });
      expect(s.excessRate).toBeGreaterThan(0);
    }
  });
});

describe("first law and the column bookkeeping", () => {
  for (const [rule, inputNoise] of [
    ["hebbian", undefined],
    ["perceptron", BLOG_NOISE],
    ["adatron", undefined],
    ["alphatron", BLOG_NOISE],
  ] as const) {
    const name = `${rule}${inputNoise ? " online" : ""}`;
    it(`${name}: ΔV = W − Q_n, Q_n = housekeeping + excess, rates integrate to heats`, () => {
      const th = perceptronTheory({ rule, inputNoise, tEnd: 2, recordEvery: 1, R0: 0.3, Q0: 0.8 });
      for (const name of PERCEPTRON_THEORY_COLUMNS) expect(th[name].length).toBe(th.t.length);
      const scale = Math.max(...th.work.map(Math.abs), ...th.internalEnergy.map(Math.abs)) + 1;
      for (let i = 0; i < th.t.length; i++) {
        // Rounding only (by construction), relative to the largest energy in the run.
        const firstLaw = th.internalEnergy[i] - th.internalEnergy[0] - (th.work[i] - th.heat[i]);
        expect(Math.abs(firstLaw)).toBeLessThan(1e-13 * scale);
        expect(Math.abs(th.heat[i] - th.housekeepingHeat[i] - th.excessHeat[i])).toBeLessThan(1e-13 * scale);
        expect(Math.abs(th.heatRate[i] - th.housekeepingRate[i] - th.excessRate[i])).toBeLessThan(1e-13 * scale);
      }
      // The rate columns against the cumulative ones: trapezoid rule over steps of 10⁻³, error
      // ~(h²/12)·t·|d²rate/dt²| ≲ 1e-5 relative (the rates vary on times ≳ 0.3).
      let hk = 0,
        ex = 0;
      for (let i = 1; i < th.t.length; i++) {
        const dt = th.t[i] - th.t[i - 1];
        hk += (dt * (th.housekeepingRate[i] + th.housekeepingRate[i - 1])) / 2;
        ex += (dt * (th.excessRate[i] + th.excessRate[i - 1])) / 2;
      }
      assertClose(hk, th.housekeepingHeat.at(-1)!, { rtol: 1e-5, atol: 1e-8 });
      assertClose(ex, th.excessHeat.at(-1)!, { rtol: 1e-5, atol: 1e-12 });
      expect(th.Q[0]).toBe(0.8);
      expect(th.R[0]).toBe(0.3);
      assertClose(th.entropyChange[0], 0, { atol: 0 });
      assertClose(th.epsilon[0], Math.acos(0.3 / Math.sqrt(0.8)) / Math.PI, { rtol: 1e-15 });
    });
  }

  it("records: every recordEvery steps and the last step; h shrunk to divide tEnd", () => {
    const th = perceptronTheory({ tEnd: 1, h: 0.003, recordEvery: 100 });
    expect(th.config.steps).toBe(334);
    assertClose(th.config.h, 1 / 334, { rtol: 1e-15 });
    expect(Array.from(th.t)).toEqual([0, 100 / 334, 200 / 334, 300 / 334, 1].map((t) => expect.closeTo(t, 14)));
    const zero = perceptronTheory({ tEnd: 0 });
    expect(zero.t.length).toBe(1);
    expect(zero.efficiency[0]).toBe(0); // ΔS + Q_n = 0 at t = 0
  });

  it("forceVariance = ⟨𝓕²⟩ − ⟨𝓕⟩²: 0 for Hebbian, ε(1 − ε) for the Perceptron", () => {
    const h = perceptronTheory({ tEnd: 1, recordEvery: 100 });
    expect(h.forceVariance.every((v) => v === 0)).toBe(true);
    const p = perceptronTheory({ rule: "perceptron", tEnd: 1, recordEvery: 100 });
    assertClose(
      p.forceVariance,
      p.epsilon.map((e) => e * (1 - e)),
      { atol: 1e-15 },
    );
  });
});

describe("maxEfficiency", () => {
  it("online Hebbian: η peaks inside the run and the peak is the maximum of the efficiency column", () => {
    const options = { tEnd: 3, inputNoise: BLOG_NOISE };
    const best = maxEfficiency(options);
    const th = perceptronTheory({ ...options, recordEvery: 1 });
    let max = 0,
      at = 0;
    th.efficiency.forEach((e, i) => {
      if (e > max) [max, at] = [e, th.t[i]];
    });
    expect(best.t).toBeGreaterThan(0.01);
    expect(best.t).toBeLessThan(3);
    // The parabolic refinement moves the peak by less than one step, its value by O(η''h²).
    expect(Math.abs(best.t - at)).toBeLessThan(1e-3);
    expect(best.efficiency).toBeGreaterThanOrEqual(max);
    assertClose(best.efficiency, max, { rtol: 1e-6 });
    // The excess heat (~3000 t) swamps everything: the peak η is ~10⁻⁴ (issue #11 quotes 1.2·10⁻⁵ at some t).
    expect(best.efficiency).toBeLessThan(1e-3);
  });

  it("averaged Hebbian: the maximum over [0, 30] is at least the steady η", () => {
    const best = maxEfficiency({ tEnd: 30 });
    expect(best.efficiency).toBeGreaterThanOrEqual(hebbianTransient({ nuTilde: 3 }).efficiency - 1e-12);
  });
});

describe("option errors and divergence", () => {
  it("names the option", () => {
    const bad: [object, RegExp][] = [
      [{ rules: "hebbian" }, /unknown option "rules"/],
      [{ rule: "oja" }, /rule must be one of/],
      [{ alpha: 0 }, /alpha must be in \[1e-6, 16\], got 0/],
      [{ nuTilde: -1 }, /nuTilde must be ≥ 0/],
      [{ nuTilde: Number.NaN }, /nuTilde must be finite/],
      [{ k: 0 }, /k must be > 0/],
      [{ D: 0 }, /D must be > 0/],
      [{ tEnd: -1 }, /tEnd must be ≥ 0/],
      [{ h: 0 }, /h must be > 0/],
      [{ h: 1e-12 }, /h must give at most/],
      [{ recordEvery: 0 }, /recordEvery must be in/],
      [{ recordEvery: 1.5 }, /recordEvery must be an integer/],
      [{ Q0: 0 }, /Q0 must be > 0/],
      [{ R0: 2, Q0: 1 }, /R0 must satisfy/],
      [{ R0: "0" }, /R0 must be a number/],
      [{ inputNoise: { n: 10, batch: 1, dt: 1e-3, B: 3 } }, /inputNoise: unknown option "B"/],
      [{ inputNoise: { n: 0, batch: 1, dt: 1e-3 } }, /inputNoise.n must be in/],
      [{ inputNoise: { n: 10, batch: 1.5, dt: 1e-3 } }, /inputNoise.batch must be an integer/],
      [{ inputNoise: { n: 10, batch: 1, dt: 3 } }, /inputNoise.dt must satisfy/],
      [{ inputNoise: 5 }, /inputNoise: options must be an object/],
    ];
    for (const [options, message] of bad) {
      expect(() => perceptronTheory(options as never), JSON.stringify(options)).toThrow(message);
    }
    expect(() => maxEfficiency({ recordEvery: 1 } as never)).toThrow(/unknown option "recordEvery"/);
    expect(() => perceptronSteadyState({ tEnd: 1 } as never)).toThrow(/unknown option "tEnd"/);
    expect(() => perceptronSteadyState({ k: -1 })).toThrow(/k must be > 0/);
    expect(() => averagedForce("hebbian", 1.5, 1)).toThrow(/rho must be in/);
    expect(() => averagedForce("hebbian", 0.5, 0)).toThrow(/Q must be > 0/);
    expect(() => averagedForce("hebbian", 0.5, Number.POSITIVE_INFINITY)).toThrow(/Q must be finite/);
    expect(() => averagedForce("alphatron", 0.5, 1, -1)).toThrow(/alpha must be in \[1e-6, 16\], got -1/);
    expect(() => averagedForce("x" as never, 0.5, 1)).toThrow(/rule must be one of/);
    expect(() => sinPowerIntegral(-1, 1)).toThrow(/q must be > −1/);
    expect(() => sinPowerIntegral(1, 4)).toThrow(/theta must be in/);
    expect(() => sinPowerIntegral(1, 1, 0)).toThrow(/points must be in/);
  });

  it("the α-tron with α ≥ 1 diverges: DivergedError with the time, never NaN", () => {
    for (const alpha of [1.5, 2]) {
      let caught: unknown;
      try {
        perceptronTheory({ rule: "alphatron", alpha, tEnd: 50 });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DivergedError);
      const time = Number((caught as DivergedError).detail.time);
      expect(time).toBeGreaterThan(0);
      expect(time).toBeLessThanOrEqual(50);
      expect(() => perceptronSteadyState({ rule: "alphatron", alpha })).toThrow(DivergedError);
      expect(() => maxEfficiency({ rule: "alphatron", alpha, tEnd: 50 })).toThrow(DivergedError);
    }
    // α = 0.5 stays finite.
    const ok = perceptronTheory({ rule: "alphatron", tEnd: 5, recordEvery: 500 });
    for (const name of PERCEPTRON_THEORY_COLUMNS) expect(ok[name].every(Number.isFinite)).toBe(true);
  });
});

// Tests added for the surviving mutants of the Stryker run on ode.ts (issue #11; groups and the
// equivalent mutants are listed in /work/notes/ode-mutants-11.md).
describe("resolved options: defaults, boundaries and messages", () => {
  it("the defaults, and the default step 10⁻³/max(1, k)", () => {
    expect(resolvePerceptronTheoryConfig()).toEqual({
      rule: "hebbian",
      alpha: 0.5,
      nuTilde: 3,
      k: 1,
      D: 1,
      tEnd: 10,
      h: 1e-3,
      steps: 10_000,
      recordEvery: 10,
      R0: 0,
      Q0: 1,
      inputNoise: null,
    });
    // k > 1 shrinks the step as 1/k; k < 1 keeps 10⁻³. Q0 = D/k. 10/2.5e-4 = 40000 exactly.
    const stiff = resolvePerceptronTheoryConfig({ k: 4 });
    expect([stiff.h, stiff.steps, stiff.Q0]).toEqual([2.5e-4, 40_000, 0.25]);
    const soft = resolvePerceptronTheoryConfig({ k: 0.5 });
    expect([soft.h, soft.steps, soft.Q0]).toEqual([1e-3, 10_000, 2]);
    // tEnd = 0: no steps, and h is the step asked for (or the default), not 0/1.
    expect(resolvePerceptronTheoryConfig({ tEnd: 0, h: 0.05 })).toMatchObject({ h: 0.05, steps: 0 });
    expect(resolvePerceptronTheoryConfig({ tEnd: 0, k: 4 })).toMatchObject({ h: 2.5e-4, steps: 0 });
  });

  it("the step cap is inclusive: 10⁸ steps are allowed, 10⁸ + 1 are refused with the ratio", () => {
    // h = 2 (not 1) so that the message's tEnd/h differs from tEnd·h; all values exact in binary.
    expect(resolvePerceptronTheoryConfig({ tEnd: 2e8, h: 2 }).steps).toBe(1e8);
    expect(() => resolvePerceptronTheoryConfig({ tEnd: 2e8 + 2, h: 2 })).toThrow(
      /^h must give at most 100000000 steps \(tEnd\/h = 100000001\)/,
    );
  });

  it("|ρ| = 1 is allowed (R0² = Q0), k·dt = 2 is not, and the messages carry the values", () => {
    const up = perceptronTheory({ R0: 1, Q0: 1, tEnd: 0 });
    expect([up.epsilon[0], up.R[0]]).toEqual([0, 1]);
    expect(perceptronTheory({ R0: -2, Q0: 4, tEnd: 0 }).epsilon[0]).toBe(1);
    const noise = (k: number, dt: number) => () => perceptronTheory({ k, inputNoise: { n: 10, batch: 1, dt } });
    expect(noise(1, 2)).toThrow(/^inputNoise\.dt must satisfy k·dt < 2, got k·dt = 2$/);
    expect(noise(1.5, 2)).toThrow(/^inputNoise\.dt must satisfy k·dt < 2, got k·dt = 3$/);
    expect(noise(1, 0)).toThrow(/^inputNoise\.dt must be > 0, got 0$/);
    expect(() => perceptronTheory({ rules: 1 } as never)).toThrow(/^perceptronTheory: unknown option "rules"/);
    expect(() => maxEfficiency({ recordEvery: 1 } as never)).toThrow(/^maxEfficiency: unknown option "recordEvery"/);
    expect(() => perceptronSteadyState({ tEnd: 1 } as never)).toThrow(/^perceptronSteadyState: unknown option "tEnd"/);
    expect(() => perceptronSteadyState({ h: 0 })).toThrow(/^h must be > 0, got 0$/);
  });
});

describe("divergence: the bound Q ≤ 10¹², the message and the time", () => {
  it("Q = 10¹² exactly is not divergence; the first step above it is, in every entry point", () => {
    // ν̃ = 0, D/k = Q0 = 10¹²: dQ/dt = −2kQ + 2D is exactly 0 in floating point, so Q stays 10¹².
    const flat = perceptronTheory({ nuTilde: 0, D: 1e12, Q0: 1e12, tEnd: 0.01, recordEvery: 1 });
    expect(flat.Q.every((q) => q === 1e12)).toBe(true);
    // With R0 = 10⁵ (ρ = 0.1) dQ/dt = 2ν̃√Q c_x = 2·3·10⁶·0.1·√(2/π) ≈ 5·10⁵ > 0: over the bound after one step.
    const options = { nuTilde: 3, D: 1e12, Q0: 1e12, R0: 1e5, tEnd: 1 };
    for (const [what, run] of [
      ["perceptronTheory", () => perceptronTheory(options)],
      ["maxEfficiency", () => maxEfficiency(options)],
    ] as const) {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DivergedError);
      expect((caught as Error).message).toBe(
        `${what}: diverged at t = 0.001: Q left (0, 1000000000000] (rule hebbian)`,
      );
      expect((caught as DivergedError).detail.time).toBe(0.001);
    }
  });

  it("perceptronSteadyState reports the global time of a divergence in a later chunk", () => {
    // h = 10⁻⁴: chunks of 1000 steps are 0.1 long, and the α = 2 α-tron leaves Q ≤ 10¹² at t ≈ 0.34,
    // in the fourth chunk. The chunked RK4 is the same recursion as one run, so the times agree up to
    // the rounding of the chunk sums (~1e-16).
    const diverge = (run: () => unknown): DivergedError => {
      try {
        run();
      } catch (error) {
        if (error instanceof DivergedError) return error;
        throw error;
      }
      throw new Error("no divergence");
    };
    const options = { rule: "alphatron", alpha: 2, h: 1e-4 } as const;
    const steady = diverge(() => perceptronSteadyState(options));
    const run = diverge(() => perceptronTheory({ ...options, tEnd: 1 }));
    const time = Number(run.detail.time);
    expect(time).toBeGreaterThan(0.3);
    assertClose(Number(steady.detail.time), time, { atol: 1e-12 });
    expect(steady.message).toMatch(/^perceptronSteadyState: diverged at t = 0\.3\d*: Q exceeded 1000000000000$/);
  });
});

/**
 * maxEfficiency written out from its documentation on the efficiency column (recordEvery = 1): the
 * first largest η, and the vertex of the parabola through it and its neighbours unless it is the
 * first or last step.
 */
function peakOfColumn(th: PerceptronTheoryResult): { efficiency: number; t: number; shift: number } {
  const eta = th.efficiency;
  let i = 0;
  for (let j = 1; j < eta.length; j++) if (eta[j] > eta[i]) i = j;
  if (i === 0 || i === eta.length - 1) return { efficiency: eta[i], t: th.t[i], shift: 0 };
  const [a, m, b] = [eta[i - 1], eta[i], eta[i + 1]];
  const shift = (a - b) / (2 * (a - 2 * m + b));
  return { efficiency: m - ((a - b) * shift) / 4, t: th.t[i] + shift * th.config.h, shift };
}

describe("maxEfficiency: the scan, the parabola and its edges", () => {
  it("an interior peak: the vertex of the parabola through the best step and its neighbours", () => {
    for (const options of [
      { tEnd: 1.5, inputNoise: BLOG_NOISE },
      // Q0 ≠ 1 (ΔS = ½ ln(Q/Q0) with ln Q0 ≠ 0) and another rule.
      { rule: "perceptron", tEnd: 1.5, Q0: 2.5, R0: 0.2, inputNoise: BLOG_NOISE },
    ] as const) {
      const best = maxEfficiency(options);
      const column = peakOfColumn(perceptronTheory({ ...options, recordEvery: 1 }));
      // The refinement moves the peak by a visible fraction of a step (0.15h measured for Hebbian) ...
      expect(Math.abs(column.shift)).toBeGreaterThan(0.01);
      expect(Math.abs(column.shift)).toBeLessThanOrEqual(0.5);
      // ... and the two agree to rounding: η is computed with differently rounded heat (relative
      // 1e-16), the second difference is ~1e-6 of η, so the shift is good to ~1e-10 of a step.
      assertClose(best.t, column.t, { atol: 1e-9 * 1e-3 });
      assertClose(best.efficiency, column.efficiency, { rtol: 1e-13 });
      expect(best.efficiency).toBeGreaterThan(Math.max(...perceptronTheory({ ...options, recordEvery: 1 }).efficiency));
    }
  });

  it("the refined peak converges: h = 10⁻³ lands within 10⁻⁵ of the h = 10⁻⁴ peak (the unrefined 1.5·10⁻⁴ off)", () => {
    const options = { tEnd: 1, inputNoise: BLOG_NOISE };
    const coarse = maxEfficiency(options);
    const fine = maxEfficiency({ ...options, h: 1e-4 });
    // The vertex of a parabola through samples of a smooth peak is off by O(h²η'''/η''): measured below 1e-6.
    expect(Math.abs(coarse.t - fine.t)).toBeLessThan(1e-5);
    assertClose(coarse.efficiency, fine.efficiency, { rtol: 1e-9 }); // O(h³) in the value
  });

  it("the best step last (η still rising at tEnd) is returned as it is, at t = tEnd", () => {
    const best = maxEfficiency({ tEnd: 1 });
    const th = perceptronTheory({ tEnd: 1, recordEvery: 1 });
    expect(th.efficiency.at(-1)!).toBeGreaterThan(th.efficiency.at(-2)!);
    expect(best.t).toBe(1);
    assertClose(best.efficiency, th.efficiency.at(-1)!, { rtol: 1e-14 }); // the heat's rounding only
  });

  it("no learning (ν̃ = 0): η = 0 throughout and the first step, t = 0, is the maximum", () => {
    expect(maxEfficiency({ nuTilde: 0, tEnd: 1 })).toEqual({ efficiency: 0, t: 0 });
  });
});

describe("perceptronSteadyState: the fixed point and its outputs, independently", () => {
  const entropy = (e: number) => (e <= 0 || e >= 1 ? 0 : -e * Math.log(e) - (1 - e) * Math.log(1 - e));

  it("rates vanish to rounding and every output field matches averagedForce at (R, Q)", () => {
    for (const rule of RULES) {
      for (const [nuTilde, k, D, inputNoise] of [
        [3, 1, 1, undefined],
        [10, 1, 0.5, undefined],
        [30, 0.3, 1, undefined],
        [0.5, 5, 2, undefined],
        [3, 1, 1, BLOG_NOISE],
      ] as const) {
        const s = perceptronSteadyState({ rule, nuTilde, k, D, inputNoise });
        const rho = s.R / Math.sqrt(s.Q);
        const f = averagedForce(rule, rho, s.Q, 0.5);
        const E = inputNoise ? ((nuTilde * nuTilde) / 30) * (1e4 * f.factorSquare - f.forceSquare) : 0;
        const dr = -k * s.R + nuTilde * f.cu;
        const dQ = -2 * k * s.Q + 2 * nuTilde * Math.sqrt(s.Q) * f.cx + 2 * D + 1e-3 * E;
        // Newton's last step is ≤ 1e-14 relative; measured ≤ 3e-15. 1e-13: a one-step Newton (residual
        // ~(10⁻⁶)² times the curvature) or a skewed Jacobian does not get there.
        expect(Math.abs(dr) / (k * Math.sqrt(s.Q))).toBeLessThan(1e-13);
        expect(Math.abs(dQ) / (k * s.Q)).toBeLessThan(1e-13);
        const epsilon = Math.acos(rho) / Math.PI;
        assertClose(s.epsilon, epsilon, { rtol: 1e-15 });
        assertClose(s.information, Math.LN2 - entropy(epsilon), { atol: 1e-15 });
        assertClose(s.forceVariance, f.factorSquare - f.factorMean ** 2, { atol: 1e-14 * (1 + f.factorSquare) });
        // Housekeeping rate with dQ/dt = 0: ν̃²m² − kν̃√Q c_x + Dν̃⟨𝓕'⟩ (0 in the averaged regime);
        // terms of size ν̃²·O(Q), rounding ~1e-15 of them.
        const hk =
          nuTilde * nuTilde * f.forceSquare - k * nuTilde * Math.sqrt(s.Q) * f.cx + D * nuTilde * f.factorSlope;
        const size = nuTilde * nuTilde * (1 + s.Q);
        assertClose(s.housekeepingRate, hk, { atol: 1e-13 * size });
        assertClose(s.excessRate, E, { rtol: 1e-13 });
        expect(s.heatRate).toBe(s.housekeepingRate + s.excessRate);
      }
    }
  });

  it("scale invariance: Hebbian and Perceptron at (λν̃, λ²D), the AdaTron at λ²D, λ = 10⁻⁴ … 10⁴", () => {
    // 𝓕 ∈ {0, 1} (Hebbian, Perceptron): r → λr, Q → λ²Q, ν̃ → λν̃, D → λ²D maps the ODEs onto
    // themselves; the AdaTron's 𝓕 ∝ √Q already scales, so there ν̃ stays. ρ (and ε) are invariant.
    for (const rule of ["hebbian", "perceptron", "adatron"] as const) {
      const base = perceptronSteadyState({ rule, nuTilde: 3 });
      for (const lambda of [1e-4, 1e4]) {
        const nuTilde = rule === "adatron" ? 3 : 3 * lambda;
        const s = perceptronSteadyState({ rule, nuTilde, D: lambda * lambda });
        // Both fixed points to ~1e-15 relative (previous test); 1e-12 leaves room for the scaled rounding.
        assertClose(s.R, lambda * base.R, { rtol: 1e-12 });
        assertClose(s.Q, lambda * lambda * base.Q, { rtol: 1e-12 });
        assertClose(s.epsilon, base.epsilon, { rtol: 1e-12 });
      }
    }
    // Hebbian closed form at D = 10⁸: r = ν̃√(2/π)/k, Q = D/k + r² (Q − r² relaxes to D/k).
    const r = 3 * Math.sqrt(2 / Math.PI);
    const big = perceptronSteadyState({ D: 1e8 });
    assertClose([big.R, big.Q], [r, 1e8 + r * r], { rtol: 1e-14 });
  });

  it("the fixed point does not depend on the RK4 step of the approach", () => {
    for (const rule of RULES) {
      const a = perceptronSteadyState({ rule }),
        b = perceptronSteadyState({ rule, h: 0.05 });
      // Both are Newton-polished to ~1e-15 relative.
      assertClose([a.R, a.Q, a.heatRate], [b.R, b.Q, b.heatRate], { rtol: 1e-12, atol: 1e-12 });
    }
  });
});
