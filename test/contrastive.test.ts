import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import {
  convolveWrap,
  curveMetrics,
  piecewiseLinearFit3,
  sawtooth,
  sawtoothResponse,
  weightUpdate,
  weightUpdateCurve,
} from "../src/contrastive/index.js";
import {
  ecoliKernel,
  exponentialKernel,
  feedbackKernel,
  kernelMoments,
  normalizeKernel,
  sineKernel,
} from "../src/kernels/index.js";
import { refConvolveWrap, refSawtooth, refThresholdedTrapezoid, refWeightUpdate } from "../src/ref/contrastive.js";
import { scratch } from "../src/core/scratch.js";
import { Rng } from "../src/rng.js";
import { assertClose, BACKENDS } from "./helpers/assert.js";

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/contrastive.json", import.meta.url), "utf8"));

// First in the file, on a fresh scratch region: the calls after the refusal must grow it.
describe("one refused call leaves the shared scratch memory sound (issue #9 §2)", () => {
  it("the issue's sequence: a refused sawtoothResponse, then the valid calls give the right values", () => {
    const kernel = { values: Float64Array.of(0.5), dt: 0.01 };
    expect(() => sawtoothResponse({ kernel, tauFast: 2 ** 31, tauSlow: 0.5 })).toThrow(RangeError);
    // An allocation refused inside the scratch region itself (2 GiB > what is left), as the old
    // failure was: the region must keep its previous block and size.
    expect(() => scratch([2 ** 31], "a test's oversized block")).toThrow(/needs 2.00 GiB of wasm memory/);
    // One tap K = ½: r[i] = dt·½·φ[i], φ the unit sawtooth on t = i·dt (single products, exact up to
    // one rounding each: 1e-15 of |r| ≤ 0.005).
    const phi = refSawtooth(1000, 0.5, 1, 0, 0.01);
    assertClose(
      sawtoothResponse({ kernel, tauFast: 1000, tauSlow: 0.5 }),
      phi.map((p) => 0.005 * p),
      { atol: 1e-17 },
    );
    const rng = new Rng({ seed: 32 });
    for (const [n, taps] of [
      [4000, 256],
      [6000, 512],
    ]) {
      const s = Float64Array.from(rng.uniform(n), (u) => Math.floor(17 * u) - 8),
        k = Float64Array.from(rng.uniform(taps), (u) => Math.floor(17 * u) - 8);
      // Integer data: the reference is exact; the FFT's round-off is < 1e-9 here (18·log2 B·ε·Σ|K|·max|s|).
      assertClose(convolveWrap(s, k, { method: "fft" }), refConvolveWrap(s, k, 0), { atol: 1e-9 });
      assertClose(convolveWrap(s, k, { method: "direct" }), refConvolveWrap(s, k, 0), { atol: 0 });
    }
  });
});

describe("circular convolution", () => {
  for (const backend of BACKENDS) {
    it(`${backend}: equals the TS reference around the lane width, both alignments`, () => {
      const rng = new Rng({ seed: 3 });
      for (const n of [1, 2, 3, 4, 5, 7, 31, 257]) {
        for (const taps of [1, 2, 3, 5, n]) {
          if (taps > n) continue;
          const s = rng.normal(n),
            k = rng.normal(taps);
          for (const alignment of ["causal", "scipy"] as const) {
            const shift = alignment === "scipy" ? Math.floor(taps / 2) : 0;
            // Same terms summed in another order: |error| ≤ taps·eps·Σ|K s| ≈ 1e-13 here.
            assertClose(convolveWrap(s, k, { alignment, scale: 0.5, backend }), refConvolveWrap(s, k, shift, 0.5), {
              atol: 1e-12,
              rtol: 1e-12,
            });
          }
        }
      }
    });
  }

  it("SIMD and scalar builds give the same bits", () => {
    const s = new Rng({ seed: 4 }).normal(1001),
      k = new Rng({ seed: 5 }).normal(99);
    expect(Array.from(convolveWrap(s, k, { backend: "simd" }))).toEqual(
      Array.from(convolveWrap(s, k, { backend: "scalar" })),
    );
  });

  it("a delta kernel shifts the signal (causal) or returns it (scipy, centred)", () => {
    const s = Float64Array.from({ length: 9 }, (_, i) => i * i);
    expect(Array.from(convolveWrap(s, new Float64Array([0, 1])))).toEqual(Array.from(s, (_, i) => s[(i + 8) % 9]));
    expect(Array.from(convolveWrap(s, new Float64Array([0, 1, 0]), { alignment: "scipy" }))).toEqual(Array.from(s));
  });

  it("matches scipy.ndimage.convolve1d(mode='wrap') (fixtures from scripts/fixtures/contrastive.py)", () => {
    for (const c of fixtures.convolution) {
      assertClose(
        convolveWrap(Float64Array.from(c.signal), Float64Array.from(c.kernel), { alignment: "scipy" }),
        c.scipyWrap,
        { atol: 1e-12, rtol: 1e-12 },
      );
    }
  });

  it("rejects a kernel longer than the signal and non-finite samples", () => {
    expect(() => convolveWrap(new Float64Array(3), new Float64Array(4))).toThrow(/longer than the signal/);
    expect(() => convolveWrap(Float64Array.of(1, Number.NaN), new Float64Array(1))).toThrow(
      /signal\[1\] must be finite/,
    );
    expect(() => convolveWrap(new Float64Array(3), new Float64Array(1), { alignment: "centre" as never })).toThrow(
      /alignment/,
    );
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
    const dws = weightUpdateCurve({
      kernel,
      dt: w.dt,
      tauFast: w.tauFast,
      tauSlow: w.tauSlow,
      mean: w.mean,
      theta: w.theta,
      alignment: "scipy",
      amplitudes: w.updates.map((u: { amplitude: number }) => u.amplitude),
    });
    // The same f64 sums of the same samples in another order (SciPy's direct convolution against run
    // sums over compensated prefix sums), so the same samples pass θ: observed 1.1e-15 relative.
    w.updates.forEach((u: { dw: number }, i: number) => {
      assertClose(dws[i], u.dw, { rtol: 1e-12 });
    });
  });

  it("Δw → A in the ideal limit τ_s ≫ τ_f ≫ τ_K with A/τ_s < θ < A/τ_f", () => {
    const kernel = ecoliKernel({ area: 0, dt: 1e-3 });
    const A = 10;
    const dw = weightUpdate({
      kernel,
      dt: 1e-3,
      tauFast: 5,
      tauSlow: 100,
      amplitude: A,
      theta: 0.5 * (A / 5 + A / 100),
      alignment: "causal",
    });
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
    expect(() => weightUpdate({ kernel, dt: 0.01, tauFast: 0.1, tauSlow: 0.9, amplitude: 1, theta: -1 })).toThrow(
      /theta must be ≥ 0/,
    );
    expect(() => weightUpdate({ kernel, dt: 0.02, tauFast: 0.1, tauSlow: 0.9, amplitude: 1, theta: 0 })).toThrow(
      /must equal the kernel's dt/,
    );
    expect(() => weightUpdate({ kernel, dt: Number.NaN, tauFast: 0.1, tauSlow: 0.9, amplitude: 1, theta: 0 })).toThrow(
      /must equal the kernel's dt/,
    );
  });

  it("with dt and alignment left out, Δw is the term-by-term reference on the kernel's grid, SciPy-aligned", () => {
    const kernel = sineKernel(),
      protocol = { tauFast: 0.1, tauSlow: 0.9, amplitude: 30, mean: 2, theta: 0.01 };
    const expected = refWeightUpdate(kernel.values, kernel.dt, protocol, Math.floor(kernel.values.length / 2));
    // N = 100 samples of |c| ≤ 0.3·30·0.01·Σ|K| ≲ 0.6, summed in another order (run sums over prefix
    // sums against the reference's direct convolution): rounding ≲ N·ε·dt·max|c| ≈ 1e-16, so 1e-13.
    // The causal alignment gives 0.04718 instead of 0.04542 here, and any other dt another grid.
    assertClose(weightUpdate({ kernel, ...protocol }), expected, { atol: 1e-13 });
  });
});

describe("integral-feedback kernel", () => {
  for (const [lambda, kI] of [
    [20, 50],
    [4, 50],
    [20, 100],
  ]) {
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
    const f = (t: number) =>
      t < x[20] ? 0.1 * t : t < x[40] ? 0.1 * x[20] + 3 * (t - x[20]) : 0.1 * x[20] + 3 * (x[40] - x[20]) + (t - x[40]);
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
    for (const [tauFast, tauSlow] of [
      [1, 9],
      [2, 10],
    ]) {
      const dw = weightUpdateCurve({
        kernel,
        dt: 1e-3,
        tauFast,
        tauSlow,
        mean: 0,
        theta: 100 / tauSlow,
        amplitudes: amps,
      });
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
    expect(Array.from(weightUpdateCurve({ ...options, backend: "simd" }))).toEqual(
      Array.from(weightUpdateCurve({ ...options, backend: "scalar" })),
    );
  });
});

describe("the sawtooth response and Δw by crossings (the fast paths of weightUpdateCurve)", () => {
  // [τ_f, τ_s, dt, taps]: corners on and between samples, taps around the lane width, taps = N.
  const cases: [number, number, number, number][] = [
    [1, 9, 1e-3, 1000],
    [0.0123, 0.0371, 1e-3, 49],
    [0.3, 0.2, 1e-3, 500],
    [0.05, 0.05, 0.01, 10],
    [0.05, 0.05, 0.01, 1],
    [0.05, 0.05, 0.01, 2],
    [0.05, 0.05, 0.01, 3],
    [1.2345, 2.1, 1e-3, 3334],
    [0.01, 0.991, 1e-3, 333],
  ];

  it("sawtoothResponse equals the direct convolution of the sampled sawtooth, both alignments and builds", () => {
    const rng = new Rng({ seed: 21 });
    for (const [tauFast, tauSlow, dt, taps] of cases) {
      const kernel = { values: rng.normal(taps), dt };
      const sumAbs = kernel.values.reduce((a, v) => a + Math.abs(v), 0);
      for (const alignment of ["scipy", "causal"] as const) {
        const [a, b] = BACKENDS.map((backend) => sawtoothResponse({ kernel, tauFast, tauSlow, alignment, backend }));
        expect(Array.from(a)).toEqual(Array.from(b));
        const direct = convolveWrap(sawtooth({ tauFast, tauSlow, amplitude: 1, dt }), kernel.values, {
          alignment,
          scale: dt,
          method: "direct",
        });
        // The direct sum's own rounding is ≤ L·ε·dt·Σ|K·φ| ≤ 3.7e-13·dt·Σ|K| at L = 3334 (|φ| ≤ ½ + τ_f/τ_s);
        // the run sums read compensated prefix sums (≈ ε each). Observed ≤ 4e-16.
        assertClose(a, direct, { atol: 4e-13 * dt * sumAbs });
      }
    }
    expect(() =>
      sawtoothResponse({ kernel: { values: new Float64Array(11), dt: 0.01 }, tauFast: 0.05, tauSlow: 0.05 }),
    ).toThrow(/longer than one period/);
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
        const edge = Array.from({ length: 12 }, (_, k) => {
          const i = (k * 7919) % r.length;
          return r[i] === 0 ? 1 : ((k % 2 ? theta : -theta) - offset) / r[i];
        });
        const amplitudes = [5, -3, 0, 5, 11.5, -0.25, 2, 40, ...edge];
        const options = { kernel, dt, tauFast, tauSlow, mean, theta, amplitudes };
        const direct = weightUpdateCurve({ ...options, method: "direct" });
        const [fast, fastScalar] = BACKENDS.map((backend) =>
          weightUpdateCurve({ ...options, method: "crossings", backend }),
        );
        expect(Array.from(fast)).toEqual(Array.from(fastScalar));
        // Rounding of two sums of ≤ N terms of size ≤ |offset| + |A|·max|r| (N ≤ 3335): ≤ 2N·ε of
        // dt·N·(|offset| + |A|·max|r|), i.e. ≲ 1e-12 of that scale. One sample passing on one side and
        // not the other would change Δw by ≥ dt·θ/2 (θ > 0), far above it: decisions are identical.
        // A sample passing on one side and not the other would change Δw by ≥ dt·θ/2, above this
        // tolerance for every case here (1e-12·scale < dt·θ/2 when θ > 0): decisions are identical.
        amplitudes.forEach((A, k) => {
          const scale = dt * r.length * (Math.abs(offset) + Math.abs(A) * rMax);
          assertClose(fast[k], direct[k], { atol: 1e-12 * scale });
          // The plain-TS trapezoid of g_θ over c_i = offset + A·r_i, for the first 8 amplitudes (the
          // edge ones sit within an ulp of ±θ, where the ulps by which this test's plain ΣK differs
          // from the library's compensated one decide).
          if (k < 8)
            assertClose(
              fast[k],
              refThresholdedTrapezoid(
                Array.from(r, (ri) => offset + A * ri),
                theta,
                dt,
              ),
              { atol: 1e-12 * scale },
            );
        });
      }
    }
  });

  it(
    "the crossings path is chosen from 8 amplitudes on (7: direct) and matches a single-amplitude " + "weightUpdate",
    () => {
      const kernel = ecoliKernel({ area: 0.05, dt: 1e-3 });
      const base = { kernel, dt: 1e-3, tauFast: 1.3, tauSlow: 7.1, mean: 3, theta: 5 };
      const amplitudes = Array.from({ length: 8 }, (_, i) => 9 * i),
        seven = amplitudes.slice(0, 7);
      const bits = (method: "auto" | "direct" | "crossings", amps: number[]) =>
        Array.from(weightUpdateCurve({ ...base, amplitudes: amps, method }));
      // The two methods sum in different orders and differ in the last bits here, so the bits tell
      // which one "auto" took on each side of the threshold.
      expect(bits("direct", seven)).not.toEqual(bits("crossings", seven));
      expect(bits("auto", seven)).toEqual(bits("direct", seven));
      expect(bits("direct", amplitudes)).not.toEqual(bits("crossings", amplitudes));
      expect(bits("auto", amplitudes)).toEqual(bits("crossings", amplitudes));
      const curve = weightUpdateCurve({ ...base, amplitudes });
      // weightUpdate goes the direct way; the two agree to the summation order (see above): scale
      // dt·N·(|offset| + A·max|r|) ≲ 8.4·100 here, so ≈ 1e-12 of it is below 1e-9.
      amplitudes.forEach((A, i) => {
        assertClose(curve[i], weightUpdate({ ...base, amplitude: A }), { atol: 1e-9 });
      });
      expect(() => weightUpdateCurve({ ...base, amplitudes, method: "fast" as never })).toThrow(
        /method must be one of/,
      );
    },
  );
});

describe("Δw with an offset and the default alignment, against SciPy (Fig. 5C's protocol)", () => {
  const w = fixtures.weightUpdateOffset;
  const kernel = ecoliKernel({ area: w.area, dt: w.dt });
  const amplitudes = w.updates.map((u: { amplitude: number }) => u.amplitude);
  const base = { kernel, tauFast: w.tauFast, tauSlow: w.tauSlow, mean: w.mean, theta: w.theta, amplitudes };
  // I = 0.05, s̄ = 25: u carries the offset s̄·dt·ΣK ≈ I·s̄ = 1.25 (Eq. 10). The same f64 samples as
  // SciPy summed in another order, so the same samples pass θ: observed ≤ 2e-15 relative, hence 1e-12.
  // What this tolerance would catch: the offset off by 1 % moves Δw by ≈ 0.0125 (≥ 6e-4 relative); one
  // sample passing θ wrongly by ≥ dt·θ/2 = 3.7e-4 (≥ 6e-6); the other alignment by ≥ 1.5e-4 relative
  // (the trapezoid's half-weight end samples move to other points of the period).
  for (const method of ["direct", "crossings"] as const) {
    it(`${method}: alignment left out is the authors' SciPy alignment; "causal" is rolled by ⌊L/2⌋`, () => {
      const scipy = weightUpdateCurve({ ...base, method });
      const causal = weightUpdateCurve({ ...base, method, alignment: "causal" });
      w.updates.forEach((u: { dwScipy: number; dwCausal: number }, i: number) => {
        assertClose(scipy[i], u.dwScipy, { rtol: 1e-12 });
        assertClose(causal[i], u.dwCausal, { rtol: 1e-12 });
      });
    });
  }

  it("weightUpdate (one amplitude) defaults the same way", () => {
    const u = w.updates[1];
    const { amplitudes: _, ...protocol } = base;
    assertClose(weightUpdate({ ...protocol, amplitude: u.amplitude }), u.dwScipy, { rtol: 1e-12 });
  });

  it(
    "sawtoothResponse left unaligned is the SciPy-centred reference convolution; convolveWrap's " + "default is causal",
    () => {
      const k = { values: new Rng({ seed: 31 }).normal(37), dt: 0.01 };
      const phi = refSawtooth(0.7, 1.3, 1, 0, k.dt);
      // 200 samples, 37 taps of |K| ≲ 3, |φ| ≤ 1: both sums round by ≲ L·ε·dt·Σ|K| ≈ 1e-15.
      assertClose(
        sawtoothResponse({ kernel: k, tauFast: 0.7, tauSlow: 1.3 }),
        refConvolveWrap(phi, k.values, 18, k.dt),
        {
          atol: 1e-13,
        },
      );
      assertClose(convolveWrap(phi, k.values, { scale: k.dt }), refConvolveWrap(phi, k.values, 0, k.dt), {
        atol: 1e-13,
      });
    },
  );
});

describe("every size is bounded up front (issue #9 §3)", () => {
  const LIMIT = /more than the limit 2\^25 = 33554432/;
  // Refused before any work or allocation: a call past its check would run for minutes and hit the
  // test timeout. (No wall-clock assertion: speed belongs in benchmarks.)
  const quickly = (f: () => unknown, message: RegExp) => expect(f).toThrow(message);

  it("the calls that never returned now refuse, naming the option", () => {
    quickly(
      () => sawtooth({ tauFast: 0.1, tauSlow: 0.1, amplitude: 1, dt: 1e-300 }),
      /^dt \(1e-300\) gives \(tauFast \+ tauSlow\)\/dt = 2\.00e\+299 samples per period, more than the limit/,
    );
    quickly(
      () => sawtoothResponse({ kernel: { values: Float64Array.of(0.5), dt: 0.01 }, tauFast: 1.7e308, tauSlow: 0.5 }),
      new RegExp(
        String.raw`^tauFast \(1\.7e\+308\) and tauSlow \(0\.5\) give over 1\.8e308 samples per period on the ` +
          String.raw`kernel's grid \(kernel\.dt = 0\.01\), more than the limit 2\^25`,
      ),
    );
    quickly(
      () =>
        weightUpdateCurve({ kernel: ecoliKernel({ area: 0 }), tauFast: 1e16, tauSlow: 1, theta: 1, amplitudes: [1] }),
      new RegExp(
        String.raw`^tauFast \(10000000000000000\) and tauSlow \(1\) give 1\.00e\+20 samples per period on the ` +
          String.raw`kernel's grid \(kernel\.dt = 0\.0001\)`,
      ),
    );
    quickly(
      () => weightUpdate({ kernel: ecoliKernel({ area: 0 }), tauFast: 1, tauSlow: 1e16, amplitude: 1, theta: 1 }),
      /^tauSlow \(10000000000000000\) and tauFast \(1\)/,
    );
    quickly(() => sawtooth({ tauFast: 1e300, tauSlow: 1e300, amplitude: 1, dt: 1 }), LIMIT);
  });

  it('a tiny dt names dt (not "Invalid typed array length"), a long tMax names tMax', () => {
    quickly(
      () => ecoliKernel({ area: 0, dt: 1e-300 }),
      /^dt \(1e-300\), with tMax = 1 by default, gives 1\.00e\+300 kernel samples, more than the limit 2\^25/,
    );
    quickly(
      () => ecoliKernel({ area: 0, tMax: 1e10 }),
      /^tMax \(10000000000\) over dt \(0\.0001\) gives 1\.00e\+14 kernel samples/,
    );
    quickly(() => exponentialKernel({ tau: 1, dt: 1e-300 }), /^dt \(1e-300\), with tMax = 10·tau/);
    quickly(
      () => feedbackKernel({ kI: 1e-10 }),
      new RegExp(
        String.raw`^dt \(0\.0001\), with tMax = 30\/\(slowest decay rate of lambda = 40, kI = 1e-10\) = ` +
          String.raw`12000000000000 by default, gives 1\.20e\+17 kernel samples`,
      ),
    );
    expect(() => ecoliKernel({ area: 0, dt: 0.1, tMax: 0.01 })).toThrow(
      /^tMax \(0\.01\) over dt \(0\.1\) gives no kernel sample/,
    );
  });

  it("work counts: direct passes, amplitudes, fit points", () => {
    const kernel = { values: new Float64Array(1000), dt: 1e-4 };
    const protocol = { kernel, tauFast: 100, tauSlow: 900, theta: 0 }; // N = 10⁷ samples
    quickly(
      () => weightUpdateCurve({ ...protocol, amplitudes: new Float64Array(500), method: "direct" }),
      new RegExp(
        String.raw`^method "direct" with 500 amplitudes over 10000000 samples is 5\.00e\+9 sample passes \(use ` +
          String.raw`method "crossings"\), more than the limit 2\^32`,
      ),
    );
    quickly(
      () => weightUpdateCurve({ ...protocol, amplitudes: new Float64Array(2 ** 20 + 1) }),
      /^amplitudes has 1048577 entries, more than the limit 2\^20/,
    );
    const x = Float64Array.from({ length: 4097 }, (_, i) => i);
    quickly(() => piecewiseLinearFit3(x, x), /^x has 4097 points .*more than the limit 2\^12 = 4096/);
    quickly(() => curveMetrics(x, x, 1), /^amplitudes has 4097 points/);
  });
});

describe("bad input is refused in the caller's words (issue #9 §4)", () => {
  const kernel = sineKernel();
  const protocol = { kernel, tauFast: 0.1, tauSlow: 0.9, amplitude: 1, theta: 0 };
  const curve = { kernel, tauFast: 0.1, tauSlow: 0.9, theta: 0, amplitudes: [1] };

  it("options: non-objects, null, unknown keys and backends", () => {
    expect(() => convolveWrap(new Float64Array(10), new Float64Array(2), true as never)).toThrow(
      /^convolveWrap: options must be an object, got boolean/,
    );
    expect(() => sawtooth(5 as never)).toThrow(/^sawtooth: options must be an object/);
    expect(() => sawtoothResponse([] as never)).toThrow(/^sawtoothResponse: options must be an object, got an array/);
    expect(() => weightUpdate(null as never)).toThrow(/^weightUpdate: options must be an object, got null/);
    expect(() => weightUpdateCurve({ ...curve, method: null } as never)).toThrow(/option "method" is null/);
    expect(() => ecoliKernel({ area: 0, tmax: 2 } as never)).toThrow(/^ecoliKernel: unknown option "tmax"/);
    expect(() => feedbackKernel((() => 0) as never)).toThrow(
      /^feedbackKernel: options must be an object, got function/,
    );
    expect(() => exponentialKernel({ tau: 1, dt: 0.1, amplitude: 1 } as never)).toThrow(/unknown option "amplitude"/);
    expect(() => weightUpdate({ ...protocol, backend: "constructor" as never })).toThrow(
      /^backend must be one of "simd", "scalar", got "constructor"/,
    );
    expect(() => convolveWrap(new Float64Array(4), new Float64Array(2), { backend: "wasm" as never })).toThrow(
      /^backend must be one of/,
    );
    expect(() => sawtoothResponse({ kernel, tauFast: 0.1, tauSlow: 0.9, backend: 1 as never })).toThrow(
      /^backend must be one of/,
    );
    expect(() => weightUpdate({ ...protocol, dt: "0.01" as never })).toThrow(/^dt must be a number, got string/);
    expect(() => weightUpdateCurve({ ...curve, amplitudes: ["1"] } as never)).toThrow(
      /^amplitudes\[0\] must be a number/,
    );
  });

  it("convolveWrap with a { values, dt } kernel says what to pass", () => {
    expect(() => convolveWrap(new Float64Array(20), kernel as never)).toThrow(
      new RegExp(
        String.raw`^kernel must be a Float64Array of taps; for a sampled kernel \{ values, dt \} pass ` +
          String.raw`kernel\.values, and \{ scale: kernel\.dt \}`,
      ),
    );
  });

  it("curveMetrics names amplitudes and dw", () => {
    const a = [0, 1, 2, 3, 4, 5, 6];
    expect(() => curveMetrics(a, [1, 2, 3], 10)).toThrow(/^dw has 3 values, amplitudes has 7/);
    expect(() => curveMetrics([0, 1, 2], [0, 1, 2], 10)).toThrow(
      /^amplitudes: a three-segment fit needs at least 6 points/,
    );
    expect(() => curveMetrics([0, 2, 1, 3, 4, 5], a.slice(0, 6), 10)).toThrow(
      /^amplitudes must be strictly increasing \(amplitudes\[2\] = 1 after 2\)/,
    );
    expect(() => curveMetrics(a, [0, 1, Number.NaN, 3, 4, 5, 6], 10)).toThrow(/^dw\[2\] must be finite/);
    expect(() => curveMetrics(a, [0, 1, 1e300, 3, 4, 5, 6], 10)).toThrow(/^dw values are too large/);
    expect(() => curveMetrics([-3, -2, -1, 0, 1, 2, 3], a, 10)).toThrow(/^amplitudes\[0\] must be ≥ 0/);
    expect(() => curveMetrics(a, a, 0)).toThrow(/^aMax must be > 0/);
    expect(() => curveMetrics(5 as never, a, 1)).toThrow(/^amplitudes must be an array or typed array of numbers/);
    // any typed array of numbers (here an exact line)
    expect(curveMetrics(Float32Array.from(a), a, 10).fit.sse).toBe(0);
  });

  it("no NaN or ±∞ results: overflowing inputs are refused", () => {
    expect(() => kernelMoments({ values: Float64Array.of(1e308, 1e308, 1e308), dt: 1 })).toThrow(
      /^kernel\.values are too large for kernel\.dt \(1\): the area or first moment overflows/,
    );
    expect(() => kernelMoments({ values: new Float64Array(0), dt: 1 })).toThrow(/^kernel\.values must not be empty/);
    expect(() => kernelMoments({ values: [1, 2] as never, dt: 1 })).toThrow(/^kernel must be a sampled kernel/);
    expect(() => kernelMoments({ values: Float64Array.of(1, 2), dt: 0 })).toThrow(/^kernel\.dt must be > 0/);
    expect(() => normalizeKernel({ values: Float64Array.of(0, 1e-320), dt: 1 })).toThrow(
      /^kernel has first moment .*: scaling it to 1 overflows/,
    );
    expect(() => ecoliKernel({ area: 1e306 })).toThrow(
      /^area \(1e\+306\) and b \(20\) give a non-finite kernel sample/,
    );
    expect(() => exponentialKernel({ tau: 1e-310, dt: 1e-300, tMax: 1e-299 })).toThrow(
      /^tau \(1e-310\) and dt \(1e-300\) give a non-finite kernel sample K\[0\] = Infinity/,
    );
    // λ² overflows: roots from the scaled discriminant, r₂ ≈ −λ and r₁ = k_I/r₂ ≈ −3e-198, so the
    // kernel is k_I at t = 0 and ≈ 0 after; its default tMax = 30/|r₁| is past any grid.
    const sharp = feedbackKernel({ lambda: 1e200, tMax: 1e-3 });
    expect(sharp.values[0]).toBe(300);
    expect(sharp.values.every(Number.isFinite)).toBe(true);
    expect(() => feedbackKernel({ lambda: 1e200 })).toThrow(
      new RegExp(
        String.raw`^dt \(0\.0001\), with tMax = 30\/\(slowest decay rate of lambda = 1e\+200, kI = 300\) = 1e\+199 ` +
          String.raw`by default, gives 1\.00e\+203 kernel samples`,
      ),
    );
    // A denormal τ_f made dt/τ_f = ∞ and φ[0] = −½ + 0·∞ = NaN, which the threshold then dropped: Δw was
    // a silent 1.2e-5 here.
    expect(() =>
      weightUpdate({
        kernel: { values: Float64Array.of(0.5), dt: 0.01 },
        tauFast: 5e-324,
        tauSlow: 1,
        amplitude: 1,
        theta: 0,
      }),
    ).toThrow(/^tauFast \(5e-324\) is too short for kernel\.dt \(0\.01\): dt\/tauFast overflows/);
    expect(() => sawtooth({ tauFast: 1, tauSlow: 1, amplitude: 1.7e308, mean: 1.7e308, dt: 0.5 })).toThrow(
      /^amplitude \(1\.7e\+308\) and mean \(1\.7e\+308\) give a sample/,
    );
    expect(() => convolveWrap(Float64Array.of(1e308, 1e308), Float64Array.of(1e308, 1))).toThrow(
      /^signal, kernel and scale \(1\) give a non-finite convolution c\[0\]/,
    );
    expect(() => convolveWrap(Float64Array.of(1e300, 1), Float64Array.of(1), { scale: 1e10 })).toThrow(
      /non-finite convolution/,
    );
    expect(() =>
      sawtoothResponse({ kernel: { values: Float64Array.of(1.7e308, 1.7e308), dt: 1 }, tauFast: 2, tauSlow: 2 }),
    ).toThrow(/^kernel\.values are too large: the response/);
    expect(() =>
      weightUpdate({ ...protocol, amplitude: 1.7e308, theta: 0, kernel: { values: Float64Array.of(1e10), dt: 0.01 } }),
    ).toThrow(/^amplitude \(1\.7e\+308\) with mean 0 gives a non-finite Δw/);
    expect(() =>
      weightUpdateCurve({ ...curve, mean: 1.7e308, kernel: { values: Float64Array.of(1e10), dt: 0.01 } }),
    ).toThrow(/^mean \(1\.7e\+308\) times the kernel's area overflows/);
  });

  it(
    "a single-sample kernel spans no interval: area and first moment 0 (scipy.integrate.trapezoid " + "of one point)",
    () => {
      expect(kernelMoments({ values: Float64Array.of(3), dt: 0.1 })).toEqual({ area: 0, firstMoment: 0 });
    },
  );
});

describe("curve metrics of an exact three-segment curve (closed form)", () => {
  it("offset = the right segment's intercept, dynamic range = A_max/(its left breakpoint)", () => {
    // Δw = 0 up to A = 15, slope 0.2 to A = 30, then Δw = A − 27 (slope 1): in units of A_max = 100
    // the right segment is y = x − 0.27 and starts at x = 0.3, so offset −0.27 and range 1/0.3.
    const amplitudes = Array.from({ length: 101 }, (_, i) => 0.75 * i);
    const dw = amplitudes.map((A) => (A <= 15 ? 0 : A <= 30 ? 0.2 * (A - 15) : A - 27));
    const { offset, dynamicRange, fit } = curveMetrics(amplitudes, dw, 100);
    expect(fit.breakpoints).toEqual([0.15, 0.3]);
    // Exact data: only the normal equations' round-off (cond ≲ 1e6 here), hence 1e-9.
    assertClose(offset, -0.27, { atol: 1e-9 });
    assertClose(dynamicRange, 1 / 0.3, { rtol: 1e-9 });
    // A right slope outside (0.75, 1.25) gives A_min = A_max: range 1.
    expect(
      curveMetrics(
        amplitudes,
        dw.map((v, i) => (amplitudes[i] > 30 ? 0.3 + 2 * (amplitudes[i] - 30) : v)),
        100,
      ).dynamicRange,
    ).toBe(1);
  });
});
