/**
 * The thermodynamic uncertainty relation for Markov chains (issue #12 §5, src/markov/tur.ts):
 * current statistics against closed forms, the SCGF against its derivatives and the fluctuation
 * theorem, the TUR inequality over random chains, and a Gillespie brute force for the ladder.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ladderRates } from "../src/markov/ladder.js";
import { entropyProduction } from "../src/markov/steady.js";
import {
  EQUILIBRIUM_RTOL,
  currentStatistics,
  edgeCurrent,
  entropyIncrements,
  ladderCurrentIncrements,
  ladderUncertainty,
  ladderUncertaintySweep,
  scaledCumulantGenerating,
  tiltedGenerator,
  uncertaintyRelation,
} from "../src/markov/tur.js";
import { refGillespieCurrent, refLadderRates, refSteadyState } from "../src/ref/markov.js";
import { assertClose } from "./helpers/assert.js";

/** A generator (row-major, M[i·n + j] = rate j → i) from off-diagonal rates, the diagonal filled in. */
function generator(n: number, rate: (from: number, to: number) => number): Float64Array {
  const M = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let out = 0;
    for (let i = 0; i < n; i++) {
      if (i === j) continue;
      M[i * n + j] = rate(j, i);
      out += M[i * n + j];
    }
    M[j * n + j] = -out;
  }
  return M;
}

/** A 3-state ring: a[i] = rate i → i+1 (clockwise), b[i] = rate i+1 → i (mod 3). */
function ring(a: readonly number[], b: readonly number[]): Float64Array {
  return generator(3, (from, to) => (to === (from + 1) % 3 ? a[from] : from === (to + 1) % 3 ? b[to] : 0));
}

/** Increments +1 on every clockwise jump i → i+1 of an n-ring, −1 back. */
function clockwise(n: number): Float64Array {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    d[((i + 1) % n) * n + i] = 1;
    d[i * n + ((i + 1) % n)] = -1;
  }
  return d;
}

// Double-precision closed forms evaluated in a different order agree to a few ulp (≤ 1e-14
// relative for these O(1) rates); the GTH solve adds at most a few more roundings per state.
const EXACT = { rtol: 1e-13, atol: 1e-15 };

describe("currentStatistics against closed forms", () => {
  it("2 states: the count of jumps 0 → 1 is a renewal process", () => {
    // Cycle time Exp(a) + Exp(b): mean 1/a + 1/b, variance 1/a² + 1/b². Renewal theory: rate = 1/μ,
    // variance rate = σ²/μ³ = ab(a² + b²)/(a + b)³. A current gaining α on 0 → 1 and β on 1 → 0 is
    // (α + β)·count + O(1).
    for (const [a, b, alpha, beta] of [
      [1.5, 0.7, 1, 0],
      [0.01, 30, 1, 0],
      [2, 2, 0.3, -1.1],
      [1e-3, 1e3, -2, 0.5],
    ]) {
      const M = [
        [-a, b],
        [a, -b],
      ];
      const d = [
        [0, beta],
        [alpha, 0],
      ];
      const s = currentStatistics(M, d);
      const k = alpha + beta;
      assertClose(s.mean, (k * a * b) / (a + b), EXACT);
      assertClose(s.variance, (k * k * a * b * (a * a + b * b)) / (a + b) ** 3, EXACT);
      assertClose(s.steadyState, [b / (a + b), a / (a + b)], EXACT);
      // SCGF: λ² + (a + b)λ + ab(1 − e^{kχ}) = 0, the larger root. Bisection to adjacent doubles
      // of an O(a + b) bracket: error a few ulp of a + b.
      for (const chi of [-2, -0.3, 0.1, 1]) {
        const exact = (-(a + b) + Math.sqrt((a + b) ** 2 + 4 * a * b * Math.expm1(k * chi))) / 2;
        assertClose(scaledCumulantGenerating(M, d, chi), exact, { rtol: 1e-12, atol: 1e-14 * (a + b) });
      }
    }
  });

  it("a uniform 3-state ring is a biased random walk: λ(χ) = k₊(e^χ − 1) + k₋(e^{−χ} − 1)", () => {
    for (const [kp, km] of [
      [2, 1],
      [0.3, 5],
      [1, 1],
    ]) {
      const M = ring([kp, kp, kp], [km, km, km]);
      const all = currentStatistics(M, clockwise(3));
      assertClose(all.mean, kp - km, EXACT);
      assertClose(all.variance, kp + km, EXACT);
      // One edge carries a third of the winding: its increments differ from (1/3)·clockwise by a
      // state function's increment, so λ_edge(χ) = λ(χ/3), mean (k₊ − k₋)/3, variance (k₊ + k₋)/9.
      const edge = currentStatistics(M, edgeCurrent(3, 0, 1));
      assertClose(edge.mean, (kp - km) / 3, { ...EXACT, atol: 1e-15 });
      assertClose(edge.variance, (kp + km) / 9, EXACT);
      for (const chi of [-1.5, -0.2, 0.4, 2]) {
        const lambda = kp * Math.expm1(chi) + km * Math.expm1(-chi);
        // bisection error: a few ulp of the tilted column sums (≤ 10 here)
        assertClose(scaledCumulantGenerating(M, clockwise(3), chi), lambda, { rtol: 1e-13, atol: 1e-14 });
        const third = kp * Math.expm1(chi / 3) + km * Math.expm1(-chi / 3);
        assertClose(scaledCumulantGenerating(M, edgeCurrent(3, 2, 0), chi), third, { rtol: 1e-13, atol: 1e-14 });
      }
    }
  });

  it("a non-uniform 3-state ring: mean (Π₊ − Π₋)/T and variance (Π₊ + Π₋ − 2c₂⟨J⟩²)/T", () => {
    // det(λ − M_χ) = λ³ + c₂λ² + Tλ − Π₊(e^χ − 1) − Π₋(e^{−χ} − 1) for a tilt χ on one edge (only
    // the two 3-cycles of the determinant carry e^{±χ}); c₂ = −tr M, T = the sum of M's principal
    // 2 × 2 minors (the spanning-tree sum). Implicit differentiation at λ = 0 gives the two.
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.integer({ min: 0, max: 2 }),
        (logs, edge) => {
          const r = logs.map(Math.exp);
          const a = r.slice(0, 3),
            b = r.slice(3);
          const M = ring(a, b);
          const Pp = a[0] * a[1] * a[2],
            Pm = b[0] * b[1] * b[2];
          let T = 0;
          for (const [i, j] of [
            [0, 1],
            [0, 2],
            [1, 2],
          ])
            T += M[i * 3 + i] * M[j * 3 + j] - M[i * 3 + j] * M[j * 3 + i];
          const c2 = -(M[0] + M[4] + M[8]);
          const mean = (Pp - Pm) / T;
          const s = currentStatistics(M, edgeCurrent(3, edge, (edge + 1) % 3));
          // Rates spread over e^{±4}: the closed forms' own cancellations (Π₊ − Π₋, the minors)
          // lose up to ~e^8·ε relative against the largest product, hence the scale-aware atol.
          const scale = Math.max(Pp, Pm) / T;
          assertClose(s.mean, mean, { rtol: 1e-12, atol: 1e-13 * scale });
          assertClose(s.variance, (Pp + Pm - 2 * c2 * mean * mean) / T, { rtol: 1e-11, atol: 1e-12 * scale });
          assertClose(s.steadyState, refSteadyState(M, 3), { rtol: 1e-12, atol: 1e-15 });
        },
      ),
      { seed: 12, numRuns: 200 },
    );
  });

  it("leave out a transient state (p = 0 there)", () => {
    // State 2 only leaks into 0: the recurrent pair is the 2-state chain above, same closed forms.
    const [a, b] = [1.5, 0.7];
    const M = [
      [-a, b, 3],
      [a, -b, 0],
      [0, 0, -3],
    ];
    const d = [
      [0, 0, 5], // the transient jump 2 → 0 never happens in the steady state
      [1, 0, 0],
      [0, 0, 0],
    ];
    const s = currentStatistics(M, d);
    assertClose(s.mean, (a * b) / (a + b), EXACT);
    assertClose(s.variance, (a * b * (a * a + b * b)) / (a + b) ** 3, EXACT);
    expect(s.steadyState[2]).toBe(0);
    // λ(χ) of the recurrent pair (the transient block's own root, −3, is below it), bisection ulps
    const exact = (-(a + b) + Math.sqrt((a + b) ** 2 + 4 * a * b * Math.expm1(0.5))) / 2;
    assertClose(scaledCumulantGenerating(M, d, 0.5), exact, { rtol: 1e-13 });
  });

  it("are invariant under adding a state function's increment, and scale as c and c²", () => {
    const M = ladderRates({ gamma: 0.1 });
    const d = ladderCurrentIncrements(5, "rung", 2);
    const phi = [0.3, -1, 2, 0.5, 0, 1.7, -0.4, 0.9, -2, 1.1];
    const shifted = d.map((x, e) => {
      const i = Math.floor(e / 10),
        j = e % 10;
      return i === j ? 0 : x + phi[i] - phi[j];
    });
    const s = currentStatistics(M, d),
      t = currentStatistics(M, shifted);
    // the two differ by the rounding of two O(traffic) sums against an O(1) result (traffic ≲ 10³)
    assertClose(t.mean, s.mean, { atol: 1e-12 });
    assertClose(t.variance, s.variance, { rtol: 1e-11 });
    const c = currentStatistics(
      M,
      d.map((x) => -3 * x),
    );
    assertClose(c.mean, -3 * s.mean, EXACT);
    assertClose(c.variance, 9 * s.variance, EXACT);
  });
});

describe("the SCGF (the tilted generator's Perron root)", () => {
  const chains: [string, Float64Array, Float64Array][] = [];
  {
    const L = ladderRates({ gamma: 0.1 });
    chains.push(["ladder γ = 0.1, entropy", L, entropyIncrements(L)]);
    chains.push(["ladder γ = 0.01, rung 0", ladderRates({ gamma: 0.01 }), ladderCurrentIncrements(5, "rung")]);
    const R = generator(4, (from, to) => 0.2 + ((3 * from + 5 * to) % 7) / 3);
    const d = entropyIncrements(R).map((x, e) => (e % 5 === 0 ? 0 : x + (e % 7) / 4 - (e % 3)));
    chains.push(["4 states, all pairs, a mixed current", R, d]);
  }
  for (const [name, M, d] of chains) {
    it(`has finite differences equal to mean and variance: ${name}`, () => {
      const f = (x: number) => scaledCumulantGenerating(M, d, x);
      // 5-point stencils, truncation h⁴κ₅/30 and h⁴κ₆/90: halving h divides it by 16, so
      // |D(h) − D(h/2)| ≈ 15× the error of D(h/2), a tolerance with a 15-fold margin. Rounding
      // (λ to a few ulp of the O(10⁴) column sums, measured ≤ 1e-14) adds ≤ 1e-14·60/(12(h/2)²) ≈ 2e-9.
      const stencil = (h: number) => [
        (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h),
        (-f(2 * h) + 16 * f(h) - 30 * f(0) + 16 * f(-h) - f(-2 * h)) / (12 * h * h),
      ];
      const h = 0.01;
      const [m1, v1] = stencil(h),
        [m2, v2] = stencil(h / 2);
      const s = currentStatistics(M, d);
      expect(f(0)).toBe(0);
      assertClose(s.mean, m2, { atol: Math.abs(m1 - m2) + 2e-9 });
      assertClose(s.variance, v2, { atol: Math.abs(v1 - v2) + 2e-9 });
    });
  }

  it("obeys the fluctuation theorem λ(χ) = λ(−1 − χ) for the entropy current", () => {
    // Lebowitz–Spohn: M_{−1−χ} is the transpose of M_χ up to a diagonal similarity, so the two roots
    // are equal; and λ(−1) = λ(0) = 0. Bisection error: the last pivot's rounding, a few ulp of the
    // largest tilted rate W (up to 10⁴·e^{6|χ|} on the ladder's top rung): 4ε·W.
    const eps = 2 ** -52;
    for (const gamma of [0.1, 0.5, 3]) {
      const L = ladderRates({ gamma });
      const d = entropyIncrements(L);
      const W = (chi: number) => Math.max(...tiltedGenerator(L, d, chi));
      assertClose(scaledCumulantGenerating(L, d, -1), 0, { atol: 4 * eps * W(-1) });
      for (const chi of [0.3, 1, -0.2, 2.5]) {
        const atol = 4 * eps * Math.max(W(chi), W(-1 - chi));
        assertClose(scaledCumulantGenerating(L, d, chi), scaledCumulantGenerating(L, d, -1 - chi), { atol });
      }
    }
  });

  it("is convex and its tilted generator has the stated entries", () => {
    const L = ladderRates({ gamma: 0.1 });
    const d = ladderCurrentIncrements(5, "horizontal");
    const T = tiltedGenerator(L, d, 0.7);
    expect(T[0 * 10 + 1]).toBe(L[0 * 10 + 1] * Math.exp(0.7)); // top 1 → 0: +1
    expect(T[1 * 10 + 0]).toBe(L[1 * 10 + 0] * Math.exp(-0.7));
    expect(T[0]).toBe(L[0]);
    expect(T[5 * 10 + 0]).toBe(L[5 * 10 + 0]); // rung: increment 0
    const xs = [-2, -1, -0.5, 0, 0.5, 1, 2].map((x) => scaledCumulantGenerating(L, d, x));
    for (let k = 1; k + 1 < xs.length; k++) {
      // unequal spacing handled by the chord slopes; convexity margin ≫ rounding (1e-12)
      expect(xs[k]).toBeLessThanOrEqual((xs[k - 1] + xs[k + 1]) / 2 + 1e-12);
    }
  });
});

describe("the thermodynamic uncertainty relation", () => {
  it("holds over random chains and currents (2⟨J⟩²/(Var σ) ≤ 1)", () => {
    const chain = fc.integer({ min: 2, max: 6 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        logs: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n * n, maxLength: n * n }),
        present: fc.array(fc.boolean(), { minLength: n * n, maxLength: n * n }),
        incs: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n * n, maxLength: n * n }),
      }),
    );
    fc.assert(
      fc.property(chain, ({ n, logs, present, incs }) => {
        // A ring 0 → 1 → … keeps the chain irreducible; other pairs come and go in both directions.
        const M = generator(n, (from, to) => {
          const ringEdge = to === (from + 1) % n || from === (to + 1) % n;
          const pair = Math.min(from, to) * n + Math.max(from, to);
          return ringEdge || present[pair] ? Math.exp(logs[from * n + to]) : 0;
        });
        // a current: antisymmetric increments, d_ji = −d_ij (the TUR holds for these only)
        const d = Float64Array.from(incs, (x, e) => {
          const i = Math.floor(e / n),
            j = e % n;
          return i < j ? x : i > j ? -incs[j * n + i] : 0;
        });
        for (const current of [d, edgeCurrent(n, 0, 1), "entropy" as const]) {
          const r = uncertaintyRelation(M, current);
          for (const v of [r.mean, r.variance, r.entropyProduction, r.ratio]) expect(Number.isNaN(v)).toBe(false);
          expect(r.variance).toBeGreaterThanOrEqual(0);
          // Rates over e^{±5}; the ratio's rounding is ~ε·√(traffic/σ) ≪ 1e-9 away from equilibrium.
          expect(r.ratio).toBeLessThanOrEqual(1 + 1e-9);
          expect(r.ratio).toBeGreaterThanOrEqual(0);
        }
        const s = uncertaintyRelation(M, "entropy");
        // the entropy current's mean is σ (the system part averages to 0): the same terms summed in
        // another grouping, each pair's (f − b) known to ε·f, so ≤ 1e-10 relative away from equilibrium
        if (s.note === undefined) assertClose(s.mean, s.entropyProduction, { rtol: 1e-10 });
        // σ is Schnakenberg's, as steady.ts computes it (same terms; the log taken as ln(f/b) there)
        assertClose(s.entropyProduction, entropyProduction(M), { rtol: 1e-12 });
      }),
      { seed: 12, numRuns: 500 },
    );
  });

  it("reports detailed balance as ratio 0 with a note, never NaN", () => {
    // Rates from energies: M_ij = e^{−(E_i − E_j)/2}, detailed balance exactly in the model.
    const E = [0, 1.3, -0.7, 2.2];
    const M = generator(4, (from, to) => Math.exp(-(E[to] - E[from]) / 2));
    for (const current of [edgeCurrent(4, 0, 2), "entropy" as const]) {
      const r = uncertaintyRelation(M, current);
      expect(r.ratio).toBe(0);
      expect(r.note).toMatch(/detailed balance/);
      expect(r.entropyProduction).toBeLessThanOrEqual(EQUILIBRIUM_RTOL * 1e-10);
      expect(Math.abs(r.mean)).toBeLessThan(1e-14); // rounding of O(1) fluxes
    }
    // A state function's increment: zero variance, ratio 0 with its own note.
    const K = ring([2, 2, 2], [1, 1, 1]);
    const grad = new Float64Array(9);
    const phi = [0.5, -1, 2];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (i !== j) grad[i * 3 + j] = phi[i] - phi[j];
    const z = uncertaintyRelation(K, grad);
    expect(z.ratio).toBe(0);
    expect(z.note).toMatch(/zero variance/);
    // A one-way jump: σ = ∞, ratio 0; the entropy current itself is refused.
    const one = ring([2, 2, 2], [1, 0, 1]);
    const w = uncertaintyRelation(one, clockwise(3));
    expect(w.entropyProduction).toBe(Infinity);
    expect(w.ratio).toBe(0);
    expect(() => uncertaintyRelation(one, "entropy")).toThrow(/rates: the jump 1 → 2/);
  });
});

describe("the 2 × 5 ladder", () => {
  it("has the horizontal current as the entropy current up to −ln γ and a state function", () => {
    // ln(M_ij/M_ji) = (its value at γ = 1, a state function's increment: detailed balance) − ln γ
    // on each rail jump in the drive's direction, so σ = −ln γ·⟨H⟩, Var_σ = ln²γ·Var_H, equal ratios.
    for (const gamma of [0.01, 0.1, 0.5, 2]) {
      const h = ladderUncertainty({ gamma, current: "horizontal" });
      const e = ladderUncertainty({ gamma, current: "entropy" });
      const lg = Math.log(gamma);
      assertClose(e.entropyProduction, -lg * h.mean, { rtol: 1e-12 });
      assertClose(e.mean, -lg * h.mean, { rtol: 1e-12 });
      assertClose(e.variance, lg * lg * h.variance, { rtol: 1e-11 });
      assertClose(e.ratio, h.ratio, { rtol: 1e-11 });
      expect(e.ratio).toBeLessThan(1);
    }
  });

  it("gives ratio 0 with a note at γ = 1, refuses the entropy current at γ = 0", () => {
    for (const current of ["entropy", "horizontal", "rung"] as const) {
      const r = ladderUncertainty({ gamma: 1, current });
      expect(r.ratio).toBe(0);
      expect(r.note).toMatch(/detailed balance/);
      expect(Math.abs(r.mean)).toBeLessThan(1e-14);
    }
    // near equilibrium the entropy current's ratio tends to 1 (linear response: Var_σ → 2σ)
    const near = ladderUncertainty({ gamma: 0.999 });
    expect(near.ratio).toBeGreaterThan(0.99999);
    expect(near.ratio).toBeLessThanOrEqual(1);
    expect(() => ladderUncertainty({ gamma: 0 })).toThrow(/^gamma/);
    // a subnormal uphill rate e·γ (γ = 5e-324): 1/(e·γ) overflows, the logs are taken apart, and
    // the pairs whose backward flux underflows keep their term f·ln(f/b) in σ
    const tiny = ladderUncertainty({ gamma: 5e-324, F: 0.001, rungs: 2 });
    assertClose(tiny.mean, tiny.entropyProduction, { rtol: 1e-12 });
    expect(tiny.ratio).toBeLessThanOrEqual(1);
    const zero = ladderUncertainty({ gamma: 0, current: "rung" });
    expect(zero.entropyProduction).toBe(Infinity);
    expect(zero.ratio).toBe(0);
  });

  it("keeps σ = −ln γ·⟨H⟩ on long ladders, whose far rungs underflow p", () => {
    // 2 × 100: p on the far top rungs is below 10⁻³⁰⁰ (the rung energies fall by 2 per rung), so
    // the entropy current uses ln(M_ij/M_ji) without the −ln p gauge there; the same identities hold.
    const gamma = 0.1;
    const h = ladderUncertainty({ gamma, rungs: 100, current: "horizontal" });
    const e = ladderUncertainty({ gamma, rungs: 100 });
    assertClose(e.mean, -Math.log(gamma) * h.mean, { rtol: 1e-12 });
    assertClose(e.ratio, h.ratio, { rtol: 1e-11 });
    expect(e.ratio).toBeLessThan(1);
  });

  it("returns numbers or a typed error naming the option for random parameters", () => {
    fc.assert(
      fc.property(
        fc.record({
          gamma: fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constantFrom(0, 1, -1, Number.NaN)),
          F: fc.oneof(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.constantFrom(0, Infinity)),
          s: fc.double({ min: 0, max: 1e4, noNaN: true }),
          rungs: fc.integer({ min: 1, max: 12 }),
          current: fc.constantFrom("entropy", "horizontal", "rung", "other"),
        }),
        (o) => {
          try {
            const r = ladderUncertainty(o as never);
            for (const v of [r.mean, r.variance, r.entropyProduction, r.ratio]) expect(Number.isNaN(v)).toBe(false);
            expect(r.ratio).toBeLessThanOrEqual(1 + 1e-9);
          } catch (e) {
            expect(e instanceof TypeError || e instanceof RangeError).toBe(true);
            expect((e as Error).message).toMatch(/^(gamma|F|rungs|current)/);
          }
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });

  it("sweeps γ into columns equal to single calls", () => {
    const gammas = [0.01, 0.1, 1, 3];
    const sw = ladderUncertaintySweep({ gammas, current: "rung", rung: 1, F: 10 });
    gammas.forEach((gamma, k) => {
      const r = ladderUncertainty({ gamma, current: "rung", rung: 1, F: 10 });
      expect([sw.mean[k], sw.variance[k], sw.entropyProduction[k], sw.ratio[k]]).toEqual([
        r.mean,
        r.variance,
        r.entropyProduction,
        r.ratio,
      ]);
    });
    expect(Array.from(sw.gamma)).toEqual(gammas);
    expect(sw.ratio[2]).toBe(0);
  });

  it("agrees with a Gillespie brute force at γ = 0.1 within its batch errors", () => {
    const M = refLadderRates(5, 0.1, 25, 0);
    const currents = [
      ["entropy", entropyIncrements(M)],
      ["horizontal", ladderCurrentIncrements(5, "horizontal")],
      ["rung 0", ladderCurrentIncrements(5, "rung", 0)],
    ] as const;
    // 1000 contiguous batches of T = 500 (≈ 2·10⁷ jumps, 39 per unit time). Tolerance: 4 standard
    // errors (estimated from the batches; the variance's relative SE is ≈ √(2/B) = 4.5%), plus the
    // batches' O(τ/T) bias of the variance, τ = 1/|λ₂| = 2.0 (the generator's slowest relaxation,
    // numpy eigvals), so 2τ/T = 0.8%.
    const estimates = refGillespieCurrent(
      M,
      10,
      currents.map(([, d]) => d),
      { seed: 12, batches: 1000, duration: 500, burnIn: 50 },
    );
    currents.forEach(([name, d], k) => {
      const exact = currentStatistics(M, d),
        bf = estimates[k];
      expect(Math.abs(bf.mean - exact.mean), `${name} mean`).toBeLessThanOrEqual(4 * bf.meanError);
      expect(Math.abs(bf.variance - exact.variance), `${name} variance`).toBeLessThanOrEqual(
        4 * bf.varianceError + (4 / 500) * exact.variance,
      );
    });
  });
});

describe("bad input", () => {
  const M = ladderRates({ gamma: 0.1 });
  it("names the option", () => {
    expect(() => currentStatistics(M, new Float64Array(99))).toThrow(/^increments must have length 100/);
    expect(() => currentStatistics(M, [[0, 1]])).toThrow(RangeError);
    expect(() => currentStatistics(M, "x" as never)).toThrow(TypeError);
    expect(() => currentStatistics(M, new Float64Array(100).fill(Number.NaN))).toThrow(/^increments\[0\]/);
    const diag = new Float64Array(100);
    diag[11] = 1;
    expect(() => currentStatistics(M, diag)).toThrow(/^increments\[1\]\[1\] must be 0/);
    expect(() => currentStatistics([[1, 2]] as never, [[0]])).toThrow(/^rates/);
    expect(() => currentStatistics([-1, 1, 1, -1.5], [0, 1, 1, 0])).toThrow(/^rates: column 1/);
    expect(() => scaledCumulantGenerating(M, edgeCurrent(10, 0, 1), Number.NaN)).toThrow(/^chi/);
    expect(() => scaledCumulantGenerating(M, edgeCurrent(10, 0, 1), 1e6)).toThrow(/^chi/);
    expect(() => tiltedGenerator(M, edgeCurrent(10, 0, 1), Infinity)).toThrow(/^chi/);
    expect(() => edgeCurrent(3, 1, 1)).toThrow(/^to must differ/);
    expect(() => edgeCurrent(3, 0, 3)).toThrow(/^to/);
    expect(() => edgeCurrent(1.5, 0, 1)).toThrow(/^n/);
    expect(() => uncertaintyRelation(M, "Entropy" as never)).toThrow(/^increments/);
    const count = new Float64Array(100);
    count[1 * 10 + 0] = 1; // jumps 0 → 1 counted, 1 → 0 not: not a current
    expect(() => uncertaintyRelation(M, count)).toThrow(/^increments must be antisymmetric/);
    expect(() => ladderUncertainty({ current: count })).toThrow(/^current must be antisymmetric/);
    expect(() => ladderUncertainty({ current: "cycle" as never })).toThrow(/^current must be one of/);
    expect(() => ladderUncertainty({ current: "rung", rung: 5 })).toThrow(/^rung must be in \[0, 4\]/);
    expect(() => ladderUncertainty({ current: "horizontal", rung: 1 })).toThrow(/^rung applies only/);
    expect(() => ladderUncertainty({ gama: 0.1 } as never)).toThrow(/unknown option "gama"/);
    expect(() => ladderUncertainty({ gamma: -1 })).toThrow(/^gamma/);
    expect(() => ladderUncertainty({ current: new Float64Array(4) })).toThrow(/^current must have length 100/);
    expect(() => ladderUncertaintySweep({} as never)).toThrow(/^gammas is required/);
    expect(() => ladderUncertaintySweep({ gammas: [0.1, Number.NaN] })).toThrow(/^gammas\[1\]/);
    expect(() => ladderUncertaintySweep({ gammas: [] })).toThrow(/^gammas must have/);
    expect(() => ladderUncertaintySweep({ gammas: [0.1], gamma: 1 } as never)).toThrow(/unknown option "gamma"/);
  });
});
