import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import {
  convolveWrap, curveMetrics, ecoliKernel, feedbackKernel, kernelMoments, normalizeKernel, piecewiseLinearFit3, sawtooth,
  sawtoothResponse, sineKernel, weightUpdate, weightUpdateCurve,
} from "../src/contrastive.js";
import { refConvolveWrap } from "../src/ref/contrastive.js";
import { Rng } from "../src/rng.js";
import { assertClose, BACKENDS } from "./helpers/assert.js";

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/contrastive.json", import.meta.url), "utf8"));

describe("circular convolution", () => {
  for (const backend of BACKENDS) {
    it(`${backend}: equals the TS reference around the lane width, both alignments`, () => {
      const rng = new Rng({ seed: 3 });
      for (const n of [1, 2, 3, 4, 5, 7, 31, 257]) {
        for (const taps of [1, 2, 3, 5, n]) {
          if (taps > n) continue;
          const s = rng.normal(n), k = rng.normal(taps);
          for (const alignment of ["causal", "scipy"] as const) {
            const shift = alignment === "scipy" ? Math.floor(taps / 2) : 0;
            // Same terms summed in another order: |error| ≤ taps·eps·Σ|K s| ≈ 1e-13 here.
            assertClose(convolveWrap(s, k, { alignment, scale: 0.5, backend }), refConvolveWrap(s, k, shift, 0.5), { atol: 1e-12, rtol: 1e-12 });
          }
        }
      }
    });
  }

  it("SIMD and scalar builds give the same bits", () => {
    const s = new Rng({ seed: 4 }).normal(1001), k = new Rng({ seed: 5 }).normal(99);
    expect(Array.from(convolveWrap(s, k, { backend: "simd" }))).toEqual(Array.from(convolveWrap(s, k, { backend: "scalar" })));
  });

  it("a delta kernel shifts the signal (causal) or returns it (scipy, centred)", () => {
    const s = Float64Array.from({ length: 9 }, (_, i) => i * i);
    expect(Array.from(convolveWrap(s, new Float64Array([0, 1])))).toEqual(Array.from(s, (_, i) => s[(i + 8) % 9]));
    expect(Array.from(convolveWrap(s, new Float64Array([0, 1, 0]), { alignment: "scipy" }))).toEqual(Array.from(s));
  });

  it("matches scipy.ndimage.convolve1d(mode='wrap') (fixtures from scripts/fixtures/contrastive.py)", () => {
    for (const c of fixtures.convolution) {
      assertClose(convolveWrap(Float64Array.from(c.signal), Float64Array.from(c.kernel), { alignment: "scipy" }), c.scipyWrap, { atol: 1e-12, rtol: 1e-12 });
    }
  });

  it("rejects a kernel longer than the signal and non-finite samples", () => {
    expect(() => convolveWrap(new Float64Array(3), new Float64Array(4))).toThrow(/longer than the signal/);
    expect(() => convolveWrap(Float64Array.of(1, Number.NaN), new Float64Array(1))).toThrow(/signal\[1\] must be finite/);
    expect(() => convolveWrap(new Float64Array(3), new Float64Array(1), { alignment: "centre" as never })).toThrow(/alignment/);
  });
});

describe("kernels and the weight update", () => {
  it("the E. coli family has area I and first moment −1", () => {
    for (const area of [0, 0.05, 0.5]) {
      const m = kernelMoments(ecoliKernel({ area }));
      // On [0, 1) with dt = 10⁻⁴: the trapezoid's Euler–Maclaurin error is dt²/12·(K′(1) − K′(0)) ≈
      // −1e-8·a/12 ≈ −7e-6 for the area (a ≤ 9000; K′(0) = a) and ≈ 0 for the first moment ((tK)′(0) = 0);
      // the cut-off tail ∫_1^∞ K is ≈ a·e⁻²⁰·|1 − c|/20 ≲ 1e-5.
      assertClose(m.area, area, { atol: 2e-5 });
      assertClose(m.firstMoment, -1, { atol: 2e-5 });
    }
    assertClose(kernelMoments(ecoliKernel({ area: 0 })).area, fixtures.ecoliMoments.area0.area, { atol: 1e-12 });
    const sine = sineKernel();
    expect(sine.values).toHaveLength(10);
    expect(Math.abs(sine.values.reduce((a, b) => a + b, 0))).toBeLessThan(1e-15);
  });

  it("Δw of the I = 0 kernel at τ_f = 1, τ_s = 9, θ = 100/9 matches the authors' method in SciPy to 1e-12", () => {
    const w = fixtures.weightUpdate;
    const kernel = ecoliKernel({ area: w.area, dt: w.dt });
    const dws = weightUpdateCurve({ kernel, dt: w.dt, tauFast: w.tauFast, tauSlow: w.tauSlow, mean: w.mean, theta: w.theta, alignment: "scipy", amplitudes: w.updates.map((u: { amplitude: number }) => u.amplitude) });
    // The same f64 sums of the same samples in another order (SciPy's direct convolution against run
    // sums over compensated prefix sums), so the same samples pass θ: observed 1.1e-15 relative.
    w.updates.forEach((u: { dw: number }, i: number) => assertClose(dws[i], u.dw, { rtol: 1e-12 }));
  });

  it("Δw → A in the ideal limit τ_s ≫ τ_f ≫ τ_K with A/τ_s < θ < A/τ_f", () => {
    const kernel = ecoliKernel({ area: 0, dt: 1e-3 });
    const A = 10;
    const dw = weightUpdate({ kernel, dt: 1e-3, tauFast: 5, tauSlow: 100, amplitude: A, theta: 0.5 * (A / 5 + A / 100), alignment: "causal" });
    // Corrections are O(τ_K/τ_f) ≈ 0.1/5 and the discarded slow-phase area; 5 % covers both.
    assertClose(dw, A, { rtol: 0.05 });
  });

  it("the sawtooth has mean s̄ and spans A", () => {
    const s = sawtooth({ tauFast: 1, tauSlow: 3, amplitude: 2, mean: 5, dt: 0.001 });
    expect(s).toHaveLength(4000);
    assertClose(s[0], 4, { atol: 1e-12 });
    // The peak s̄ + A/2 is sampled exactly: t = 1000·dt = τ_f starts the slow phase with t − τ_f = 0.
    assertClose(Math.max(...s), 6, { atol: 1e-12 });
    // The samples' mean is exactly s̄ (the phases average 4.999 and 5.000333…, weighted 1 : 3); only
    // the 4000-term sum rounds, by ≤ N·ε·max|s| ≈ 3e-12 after dividing by N (observed 2e-15).
    assertClose(s.reduce((a, b) => a + b, 0) / s.length, 5, { atol: 3e-12 });
    expect(() => sawtooth({ tauFast: 0, tauSlow: 1, amplitude: 1, dt: 0.1 })).toThrow(/tauFast must be > 0/);
  });

  it("bad input: θ < 0, mismatched dt", () => {
    const kernel = sineKernel();
    expect(() => weightUpdate({ kernel, dt: 0.01, tauFast: 0.1, tauSlow: 0.9, amplitude: 1, theta: -1 })).toThrow(/theta must be ≥ 0/);
    expect(() => weightUpdate({ kernel, dt: 0.02, tauFast: 0.1, tauSlow: 0.9, amplitude: 1, theta: 0 })).toThrow(/must equal the kernel's dt/);
    expect(() => weightUpdate({ kernel, dt: Number.NaN, tauFast: 0.1, tauSlow: 0.9, amplitude: 1, theta: 0 })).toThrow(/must equal the kernel's dt/);
  });

  it("dt defaults to the kernel's", () => {
    const kernel = sineKernel(), protocol = { kernel, tauFast: 0.1, tauSlow: 0.9, amplitude: 30, mean: 2, theta: 0.01 };
    expect(weightUpdate(protocol)).toBe(weightUpdate({ ...protocol, dt: kernel.dt }));
    expect(weightUpdate(protocol)).not.toBe(0);
  });
});

describe("integral-feedback kernel", () => {
  for (const [lambda, kI] of [[20, 50], [4, 50], [20, 100]]) {
    it(`has zero area and first moment −1 (λ = ${lambda}, k_I = ${kI})`, () => {
      const m = kernelMoments(feedbackKernel({ lambda, kI, dt: 1e-4 }));
      // Trapezoid error dt²/12·|h′(0)| = 1e-8·k_I·λ/12 ≤ 1e-8·2000/12 ≈ 2e-6 here; the default tMax cuts
      // the kernel where it has decayed by e⁻³⁰.
      assertClose(m.area, 0, { atol: 1e-5 });
      assertClose(m.firstMoment, -1, { atol: 1e-5 });
    });
  }

  it("normalizeKernel sets |first moment| to 1", () => {
    const k = { dt: 0.01, values: Float64Array.from({ length: 50 }, (_, i) => -3 * Math.exp(-i / 10)) };
    assertClose(kernelMoments(normalizeKernel(k)).firstMoment, -1, { atol: 1e-12 });
    expect(() => normalizeKernel({ dt: 1, values: new Float64Array(3) })).toThrow(/zero first moment/);
  });
});

describe("three-segment fit and curve metrics", () => {
  it("recovers an exact piecewise-linear function", () => {
    const x = Float64Array.from({ length: 60 }, (_, i) => i / 59);
    const f = (t: number) => (t < x[20] ? 0.1 * t : t < x[40] ? 0.1 * x[20] + 3 * (t - x[20]) : 0.1 * x[20] + 3 * (x[40] - x[20]) + (t - x[40]));
    const fit = piecewiseLinearFit3(x, Array.from(x, f));
    expect(fit.breakpoints).toEqual([x[20], x[40]]);
    // Exact data: only round-off remains in the normal equations (cond ~ 1e6 at most here).
    assertClose(fit.slopes, [0.1, 3, 1], { atol: 1e-8 });
    assertClose(fit.rightIntercept, f(0.9) - 0.9, { atol: 1e-8 });
    expect(fit.sse).toBeLessThan(1e-12);
  });

  it("the dynamic range of the I = 0 kernel falls just short of τ_s/τ_f (Eq. 9)", () => {
    const kernel = ecoliKernel({ area: 0, dt: 1e-3 });
    const amps = Array.from({ length: 200 }, (_, i) => (0.75 * 100 * i) / 199);
    for (const [tauFast, tauSlow] of [[1, 9], [2, 10]]) {
      const dw = weightUpdateCurve({ kernel, dt: 1e-3, tauFast, tauSlow, mean: 0, theta: 100 / tauSlow, amplitudes: amps });
      const { dynamicRange, offset } = curveMetrics(amps, dw, 100);
      // Eq. 9 (range = τ_s/τ_f) is the limit τ_f ≫ τ_K ≈ 0.1. The kernel's width delays u's rise, so
      // u first reaches θ = A_max/τ_s above A_max·τ_f/τ_s, and the fit's breakpoint lands on the next
      // amplitude of the grid: the range falls short of τ_s/τ_f (by ≈ τ_K/τ_f plus one grid step,
      // ≲ 10 %), never above it. The same bounds in test/cli.test.ts and test/demo-memory.test.ts.
      // Observed 8.56 (τ_s/τ_f = 9) and 4.82 (5).
      expect(dynamicRange).toBeLessThanOrEqual(tauSlow / tauFast);
      expect(dynamicRange).toBeGreaterThan(0.9 * (tauSlow / tauFast));
      expect(Math.abs(offset)).toBeLessThan(0.05); // zero-area kernel, s̄ = 0: no offset (Eq. 10)
    }
  });

  it("rejects too few or unsorted points", () => {
    expect(() => piecewiseLinearFit3([0, 1, 2], [0, 1, 2])).toThrow(/at least 6/);
    expect(() => piecewiseLinearFit3([0, 2, 1, 3, 4, 5], [0, 0, 0, 0, 0, 0])).toThrow(/strictly increasing/);
  });
});

describe("weight-update builds", () => {
  it("SIMD and scalar builds give the same Δw bits", () => {
    const kernel = ecoliKernel({ area: 0.05, dt: 1e-3 });
    const options = { kernel, dt: 1e-3, tauFast: 1.3, tauSlow: 7.1, mean: 3, theta: 5, amplitudes: [0, 10, 33.3, 75] };
    expect(Array.from(weightUpdateCurve({ ...options, backend: "simd" }))).toEqual(Array.from(weightUpdateCurve({ ...options, backend: "scalar" })));
  });
});

describe("the sawtooth response and Δw by crossings (the fast paths of weightUpdateCurve)", () => {
  // [τ_f, τ_s, dt, taps]: corners on and between samples, taps around the lane width, taps = N.
  const cases: [number, number, number, number][] = [
    [1, 9, 1e-3, 1000], [0.0123, 0.0371, 1e-3, 49], [0.3, 0.2, 1e-3, 500], [0.05, 0.05, 0.01, 10],
    [0.05, 0.05, 0.01, 1], [0.05, 0.05, 0.01, 2], [0.05, 0.05, 0.01, 3], [1.2345, 2.1, 1e-3, 3334], [0.01, 0.991, 1e-3, 333],
  ];

  it("sawtoothResponse equals the direct convolution of the sampled sawtooth, both alignments and builds", () => {
    const rng = new Rng({ seed: 21 });
    for (const [tauFast, tauSlow, dt, taps] of cases) {
      const kernel = { values: rng.normal(taps), dt };
      const sumAbs = kernel.values.reduce((a, v) => a + Math.abs(v), 0);
      for (const alignment of ["scipy", "causal"] as const) {
        const [a, b] = BACKENDS.map((backend) => sawtoothResponse({ kernel, tauFast, tauSlow, alignment, backend }));
        expect(Array.from(a)).toEqual(Array.from(b));
        const direct = convolveWrap(sawtooth({ tauFast, tauSlow, amplitude: 1, dt }), kernel.values, { alignment, scale: dt, method: "direct" });
        // The direct sum's own rounding is ≤ L·ε·dt·Σ|K·φ| ≤ 3.7e-13·dt·Σ|K| at L = 3334 (|φ| ≤ ½ + τ_f/τ_s);
        // the run sums read compensated prefix sums (≈ ε each). Observed ≤ 4e-16.
        assertClose(a, direct, { atol: 4e-13 * dt * sumAbs });
      }
    }
    expect(() => sawtoothResponse({ kernel: { values: new Float64Array(11), dt: 0.01 }, tauFast: 0.05, tauSlow: 0.05 })).toThrow(/longer than one period/);
  });

  it("crossings give the direct per-amplitude Δw: the same samples pass, sums differ by rounding only", () => {
    const rng = new Rng({ seed: 22 });
    for (const [tauFast, tauSlow, dt, taps] of cases) {
      const kernel = { values: rng.normal(taps), dt };
      const r = sawtoothResponse({ kernel, tauFast, tauSlow });
      const rMax = r.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      const mean = 3 * rng.normal(1)[0];
      const offset = mean * dt * kernel.values.reduce((a, v) => a + v, 0);
      for (const theta of [0, 0.1 * rMax, 0.5 * rMax, 3 * rMax]) {
        // Unsorted, with a duplicate, negatives, zero, and amplitudes that put some sample within an
        // ulp of ±θ (A = (±θ − offset)/r_i): where rounding decides whether a sample passes.
        const edge = Array.from({ length: 12 }, (_, k) => { const i = (k * 7919) % r.length; return r[i] === 0 ? 1 : ((k % 2 ? theta : -theta) - offset) / r[i]; });
        const amplitudes = [5, -3, 0, 5, 11.5, -0.25, 2, 40, ...edge];
        const options = { kernel, dt, tauFast, tauSlow, mean, theta, amplitudes };
        const direct = weightUpdateCurve({ ...options, method: "direct" });
        const [fast, fastScalar] = BACKENDS.map((backend) => weightUpdateCurve({ ...options, method: "crossings", backend }));
        expect(Array.from(fast)).toEqual(Array.from(fastScalar));
        // Rounding of two sums of ≤ N terms of size ≤ |offset| + |A|·max|r| (N ≤ 3335): ≤ 2N·ε of
        // dt·N·(|offset| + |A|·max|r|), i.e. ≲ 1e-12 of that scale. One sample passing on one side and
        // not the other would change Δw by ≥ dt·θ/2 (θ > 0), far above it: decisions are identical.
        amplitudes.forEach((A, k) => {
          const scale = dt * r.length * (Math.abs(offset) + Math.abs(A) * rMax);
          assertClose(fast[k], direct[k], { atol: 1e-12 * scale });
          if (theta > 0) expect(1e-12 * scale).toBeLessThan((dt * theta) / 2);
        });
      }
    }
  });

  it("the crossings path is chosen from 8 amplitudes on (7: direct) and matches a single-amplitude weightUpdate", () => {
    const kernel = ecoliKernel({ area: 0.05, dt: 1e-3 });
    const base = { kernel, dt: 1e-3, tauFast: 1.3, tauSlow: 7.1, mean: 3, theta: 5 };
    const amplitudes = Array.from({ length: 8 }, (_, i) => 9 * i), seven = amplitudes.slice(0, 7);
    const bits = (method: "auto" | "direct" | "crossings", amps: number[]) => Array.from(weightUpdateCurve({ ...base, amplitudes: amps, method }));
    // The two methods sum in different orders and differ in the last bits here, so the bits tell
    // which one "auto" took on each side of the threshold.
    expect(bits("direct", seven)).not.toEqual(bits("crossings", seven));
    expect(bits("auto", seven)).toEqual(bits("direct", seven));
    expect(bits("direct", amplitudes)).not.toEqual(bits("crossings", amplitudes));
    expect(bits("auto", amplitudes)).toEqual(bits("crossings", amplitudes));
    const curve = weightUpdateCurve({ ...base, amplitudes });
    // weightUpdate goes the direct way; the two agree to the summation order (see above): scale
    // dt·N·(|offset| + A·max|r|) ≲ 8.4·100 here, so ≈ 1e-12 of it is below 1e-9.
    amplitudes.forEach((A, i) => assertClose(curve[i], weightUpdate({ ...base, amplitude: A }), { atol: 1e-9 }));
    expect(() => weightUpdateCurve({ ...base, amplitudes, method: "fast" as never })).toThrow(/method must be one of/);
  });
});

