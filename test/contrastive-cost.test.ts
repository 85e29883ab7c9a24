import { describe, expect, it } from "vitest";
import {
  LANDAUER_NATS,
  learningCost,
  learningCostCurve,
  resolveLearningCostConfig,
  sawtoothAt,
} from "../src/contrastive/cost.js";
import { feedbackImpulseResponse, integralFeedback } from "../src/contrastive/feedback.js";
import { weightUpdateCurve } from "../src/contrastive/update.js";
import { feedbackKernel } from "../src/kernels/index.js";
import { ladderDissipation, ladderKernel } from "../src/markov/ladder.js";
import { runLadder } from "../src/markov/run.js";
import { costFigure, resolveCostFigureOptions } from "../src/node/cost-figure.js";
import { assertClose } from "./helpers/assert.js";

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe("integral feedback as dynamics (Eqs. 14–15)", () => {
  it("has feedbackKernel as its impulse response: RK4 to order 4 (halving dt divides the error by 16)", () => {
    const errors = [2e-3, 1e-3, 5e-4].map((dt) => {
      const { kernel } = feedbackImpulseResponse({ dt, tMax: 1 });
      const reference = feedbackKernel({ dt, tMax: 1 });
      expect(kernel.values.length).toBe(reference.values.length);
      return maxAbsDiff(kernel.values, reference.values);
    });
    // Global order 4: each halving divides the error by 2⁴ = 16, up to the next term of the error's
    // expansion, O(dt) relative (measured 16.4 and 16.2 at these dt).
    for (let i = 1; i < errors.length; i++) {
      const ratio = errors[i - 1] / errors[i];
      expect(ratio).toBeGreaterThan(15);
      expect(ratio).toBeLessThan(17.5);
    }
    // And small in absolute terms: ≈ 10⁻⁶ of K(0) = k_I = 300 at dt = 10⁻³ (measured 1.1·10⁻⁶ absolute).
    expect(errors[1]).toBeLessThan(3e-6);
  });

  it("has feedbackKernel as its impulse response, exactly, for real, complex and double roots", () => {
    const root = Math.sqrt(300);
    for (const lambda of [40, 10, 2 * root]) {
      const { kernel, x, y } = feedbackImpulseResponse({ lambda, kI: 300, dt: 1e-3, tMax: 0.5, method: "exponential" });
      const reference = feedbackKernel({ lambda, kI: 300, dt: 1e-3, tMax: 0.5 });
      // The exact flow, to rounding: 500 steps of a 2 × 2 map, each ≈ 1 ulp of K(0) = 300 (6·10⁻¹⁴),
      // and feedbackKernel's own closed form (at the double root its branch is exact to ≈ 10⁻¹⁰ of K).
      assertClose(kernel.values, reference.values, { atol: 1e-9 * 300 });
      // The impulse sets ξ(0⁺) = 1, η(0⁺) = 0.
      expect(x[0]).toBe(1);
      expect(y[0]).toBe(0);
    }
  });

  it("makes the convolution's Δw to first order in dt, its memory u to second after the rectangle rule's term", () => {
    const runs = [1e-3, 5e-4, 2.5e-4].map((dt) => ({ dt, r: integralFeedback({ dt }) }));
    const gaps = runs.map(({ r }) => Math.abs(r.deltaW - r.deltaWConvolution));
    // The discrete convolution dt·Σ_j K[j]s[i−j] is the rectangle rule, (dt/2)·K(0)·s above the
    // integral the ODE computes: first order, so halving dt halves the gap; samples that cross the
    // threshold on one side only add ±θ·dt jumps (measured ratios 2.21 and 2.03).
    for (let i = 1; i < gaps.length; i++) {
      const ratio = gaps[i - 1] / gaps[i];
      expect(ratio).toBeGreaterThan(1.7);
      expect(ratio).toBeLessThan(2.5);
    }
    // With that term taken off, u agrees to second order (the O(dt²) of the rectangle rule; RK4's
    // O(dt⁴) is far below): ratio 4 (measured 4.00).
    const residuals = runs.map(({ dt, r }) => {
      const corrected = r.uConvolution.map((v, n) => v - (dt / 2) * 300 * r.s[n]);
      return maxAbsDiff(r.u, corrected);
    });
    for (let i = 1; i < residuals.length; i++) {
      const ratio = residuals[i - 1] / residuals[i];
      expect(ratio).toBeGreaterThan(3.8);
      expect(ratio).toBeLessThan(4.2);
    }
    // The update itself is close to the ideal Δw = A = 20: τ_f = 1 is 10 kernel times (1/|r| = 0.1),
    // so the fast ramp's derivative is taken with a lag of ≈ τ_K/τ_f ≈ 10 % (measured Δw = 17.89).
    const last = runs[runs.length - 1].r;
    expect(Math.abs(last.deltaW / 20 - 1)).toBeLessThan(0.15);
    expect(last.order).toBe(4);
    expect(last.method).toBe("rk4");
  });

  it("matches the convolution with a kernel longer than the period, folded onto it (oscillatory roots)", () => {
    // λ = 4, k_I = 300: roots −2 ± 17.2i, feedbackKernel's tMax = 30/2 = 15 periods of the 1-unit sawtooth.
    const residual = [1e-3, 5e-4].map((dt) => {
      const r = integralFeedback({ dt, tauFast: 0.2, tauSlow: 0.8, lambda: 4, kI: 300, method: "exponential" });
      const corrected = r.uConvolution.map((v, n) => v - (dt / 2) * 300 * r.s[n]);
      return maxAbsDiff(r.u, corrected) / maxAbs(r.u);
    });
    // Second order as above (measured 3.1·10⁻⁵ and 7.7·10⁻⁶ of max|u| ≈ 177, ratio 4.00).
    expect(residual[0] / residual[1]).toBeGreaterThan(3.8);
    expect(residual[0] / residual[1]).toBeLessThan(4.2);
    expect(residual[1]).toBeLessThan(2e-5);
  });

  it("agrees between RK4 and the exact flow; periodic state: x averages x₀, y averages s̄ − λx₀", () => {
    const rk4 = integralFeedback({ dt: 5e-4, mean: 7, x0: 2 });
    const exact = integralFeedback({ dt: 5e-4, mean: 7, x0: 2, method: "exponential" });
    // RK4's error at dt = 5·10⁻⁴ is ≈ 10⁻⁹ of u (measured 1.7·10⁻⁹ absolute on |u| ≤ 20): order 4.
    assertClose(rk4.u, exact.u, { atol: 1e-7 });
    expect(exact.order).toBe(Number.POSITIVE_INFINITY);
    // H(0) = 0: the periodic ξ = x − x₀ has zero mean; η̇ = k_I ξ and ξ̇ = s − η − λξ average to η̄ = s̄.
    // The sample mean of a smooth periodic function is its mean to rounding (10⁻¹⁷ measured on |ξ| ≤ 0.07).
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    assertClose(mean(exact.x), 2, { atol: 1e-12 });
    assertClose(mean(exact.y), 7 - 40 * 2, { atol: 1e-9 });
    // x₀ and s̄ shift x and y only: u is the same as at x₀ = 0, s̄ = 0 (to rounding of the shifted sums).
    const plain = integralFeedback({ dt: 5e-4, method: "exponential" });
    assertClose(exact.u, plain.u, { atol: 1e-9 });
    assertClose(
      exact.x,
      plain.x.map((v) => v + 2),
      { atol: 1e-12 },
    );
  });

  it("refuses bad options, naming them", () => {
    expect(() => integralFeedback({ dt: 0.2 })).toThrow(/dt .*rk4/);
    expect(() => integralFeedback({ dt: 0.2, method: "exponential", tauFast: 1, tauSlow: 9 })).not.toThrow();
    expect(() => integralFeedback({ method: "euler" as never })).toThrow(TypeError);
    expect(() => integralFeedback({ lambda: 0 })).toThrow(/lambda/);
    expect(() => integralFeedback({ kI: Number.NaN })).toThrow(/kI/);
    expect(() => integralFeedback({ theta: -1 })).toThrow(/theta/);
    expect(() => integralFeedback({ amplitude: Number.POSITIVE_INFINITY })).toThrow(/amplitude/);
    expect(() => integralFeedback({ tauFast: 1e-5, tauSlow: 1e-5 })).toThrow(/dt/);
    expect(() => integralFeedback({ gain: 1 } as never)).toThrow(/unknown option "gain"/);
    expect(() => feedbackImpulseResponse({ tMax: 1e-6 })).toThrow(/tMax/);
    expect(() => feedbackImpulseResponse({ dt: 1, tMax: 1e9 })).toThrow(/dt .*rk4/);
  });
});

describe("the energy cost of contrastive learning (ladder synapse)", () => {
  it("reports the cycle's dissipation in k_BT and in Landauer bits, on the ladder's clock", () => {
    const c = learningCost({ gamma: 0.1, stepsPerPeriod: 512 });
    expect(c.bits).toBe(c.dissipationPerCycle / Math.LN2);
    expect(LANDAUER_NATS).toBe(Math.LN2);
    expect(c.quasiSteadyBits).toBe(c.quasiSteadyPerCycle / Math.LN2);
    expect(c.period).toBe(18 * 5); // (τ_f + τ_s) protocol units of `duration` = 5 ladder time units
    assertClose(c.entropyRate * c.period, c.dissipationPerCycle, { rtol: 1e-15 });
    expect(c.excessPerCycle).toBe(c.dissipationPerCycle - c.quasiSteadyPerCycle);
    // The periodic state is solved for: one period from it returns to it (rounding of 512 matrix products).
    expect(c.periodicResidual).toBeLessThan(1e-12);
    // The quasi-steady cost is ∫σ_ss(s(t))dt on the ladder's clock: Simpson's rule on each ramp of
    // ladderDissipation at the sawtooth's signal, independent of the cost's grid. The midpoint rule
    // of 512 steps is O(h²) off (measured 2·10⁻⁸ relative at 1024 steps, ×4 here).
    const simpson = (a: number, b: number, m: number) => {
      const h = (b - a) / m;
      let sum = 0;
      for (let i = 0; i <= m; i++) {
        const w = i === 0 || i === m ? 1 : i % 2 ? 4 : 2;
        sum += w * ladderDissipation({ gamma: 0.1, s: sawtoothAt(a + i * h, 3, 15, 50, 25) });
      }
      return (sum * h) / 3;
    };
    const quasi = 5 * (simpson(0, 3, 200) + simpson(3, 18, 1000));
    assertClose(c.quasiSteadyPerCycle, quasi, { rtol: 3e-7 });
    // Slow driving at γ = 0.1: the housekeeping cost is nearly all of it (|excess| measured 10⁻⁴).
    expect(Math.abs(c.excessPerCycle)).toBeLessThan(1e-3 * c.dissipationPerCycle);
  });

  it("reads the offset off the curve as Appendix G.3 does, beside Eq. 10's prediction", () => {
    const c = learningCost({ gamma: 0.01, stepsPerPeriod: 64 });
    const A = Array.from(c.amplitudes),
      dw = Array.from(c.dw);
    expect(A.length).toBe(100);
    expect(A[99]).toBe(50);
    // A_min: the first amplitude whose normalised response Δw/A_max exceeds 0.05.
    const first = dw.findIndex((v) => v / 50 > 0.05);
    expect(first).toBeGreaterThan(0);
    expect(c.aMin).toBe(A[first]);
    // The offset: intercept of the least-squares line through the points from A_min on (centred form).
    const xs = A.slice(first),
      ys = dw.slice(first);
    const mx = xs.reduce((s, v) => s + v, 0) / xs.length,
      my = ys.reduce((s, v) => s + v, 0) / ys.length;
    let sxy = 0,
      sxx = 0;
    xs.forEach((x, i) => {
      sxy += (x - mx) * (ys[i] - my);
      sxx += (x - mx) ** 2;
    });
    // Two algebraically equal forms of the same fit: they differ by rounding of sums of ≈ 10⁵.
    assertClose(c.offset!, my - (sxy / sxx) * mx, { rtol: 1e-9 });
    assertClose(c.offsetOverMean!, c.offset! / 25, { rtol: 1e-15 });
    expect(c.predictedOffset).toBe(c.area * 3 * 25); // Eq. 10: I·τ_f·s̄
    // The kernel: the ladder's step response from the free to the clamped state of the largest protocol.
    expect([c.config.kernelS0, c.config.kernelS1]).toEqual([0, 50]);
    const kernel = ladderKernel({ gamma: 0.01, s0: 0, s1: 50 });
    expect(c.area).toBe(kernel.moments.area);
    expect(c.firstMoment).toBe(kernel.moments.firstMoment);
    const other = learningCost({ gamma: 0.01, kernelS0: 5, kernelS1: 100, stepsPerPeriod: 16 });
    expect(other.area).toBe(ladderKernel({ gamma: 0.01, s0: 5, s1: 100 }).moments.area);
    // rmsError: (Δw − A)/A_max over the same points.
    const rms = Math.sqrt(xs.reduce((s, x, i) => s + ((ys[i] - x) / 50) ** 2, 0) / xs.length);
    assertClose(c.rmsError, rms, { rtol: 1e-12 });
    // Δw is the library's weight update with that kernel, the scipy alignment and θ by Eq. 45.
    const theta = Math.abs(-50 / 15 + kernel.moments.area * (25 + 25));
    const expected = weightUpdateCurve({
      kernel: kernel.kernel,
      tauFast: 3,
      tauSlow: 15,
      mean: 25,
      theta,
      amplitudes: A,
    });
    expect(dw).toEqual(Array.from(expected));
    expect(c.config.alignment).toBe("scipy");
    // θ by Eq. 45 with the kernel's own area.
    assertClose(c.theta, Math.abs(-50 / 15 + c.area * (25 + 25)), { rtol: 1e-15 });
  });

  it("measures the error at the protocol's own amplitude, on the same curve", () => {
    // points = 6: amplitudes 0, 10, …, 50, so A = 30 is the curve's fourth point.
    const c = learningCost({ gamma: 0.01, amplitude: 30, points: 6, stepsPerPeriod: 64 });
    expect(Array.from(c.amplitudes)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(c.deltaW).toBe(c.dw[3]);
    expect(c.error).toBe(Math.abs(c.dw[3] - 30) / 30);
    expect(c.config.amplitude).toBe(30);
    // A smaller swing costs less: the signal spans [10, 40] instead of [0, 50] (housekeeping depends on s).
    const full = learningCost({ gamma: 0.01, points: 6, stepsPerPeriod: 64 });
    expect(c.dissipationPerCycle).not.toBe(full.dissipationPerCycle);
  });

  it("costs nothing at γ = 1 but the driving's excess, which falls like 1/period; there the offset is large", () => {
    const slow = [2, 4].map((k) => learningCost({ gamma: 1, tauFast: 3 * k, tauSlow: 15 * k, stepsPerPeriod: 1024 }));
    for (const c of slow) {
      // Detailed balance: σ_ss is rounding (each term ≈ (ε·flux)², measured 5·10⁻²⁹).
      expect(c.quasiSteadyPerCycle).toBeLessThan(1e-20);
      expect(c.dissipationPerCycle).toBeGreaterThan(0);
    }
    // Excess of slow driving = ∫ṡ ζ ṡ dt ∝ 1/τ (linear response), approached with O(τ_relax/τ)
    // corrections: doubling the period nearly halves it (measured 1.85).
    const ratio = slow[0].dissipationPerCycle / slow[1].dissipationPerCycle;
    expect(ratio).toBeGreaterThan(1.7);
    expect(ratio).toBeLessThan(2.05);
    // With θ by Eq. 45 the equilibrium kernel (monotone, area 3.8) passes nothing: no learning at all.
    const eq45 = learningCost({ gamma: 1, stepsPerPeriod: 64 });
    assertClose(eq45.firstMoment, 1, { rtol: 1e-12 }); // +1: the monotone (equilibrium) orientation
    expect(Array.from(eq45.dw).every((v) => v === 0)).toBe(true);
    expect(eq45.error).toBe(1);
    expect(eq45.offset).toBeNull();
    expect(eq45.aMin).toBeNull();
    // With the zero-area threshold θ = A_max/τ_s the response exists and its offset is large: ≫ A_max
    // and 8× the dissipative synapse's (measured 1696 against 198); so is Eq. 10's I·τ_f·s̄ (283 vs 33).
    const open = [1, 1e-3].map((gamma) => learningCost({ gamma, theta: 50 / 15, stepsPerPeriod: 64 }));
    expect(open[0].offset!).toBeGreaterThan(10 * 50);
    expect(open[0].offset!).toBeGreaterThan(5 * Math.abs(open[1].offset!));
    expect(open[0].predictedOffset).toBeGreaterThan(5 * open[1].predictedOffset);
  });

  it("dissipates more as γ → 0 while the error and the offset fall (monotone over a grid)", () => {
    const gammas = [0.3, 0.1, 0.03, 0.01, 1e-3];
    const c = learningCostCurve({ gammas, stepsPerPeriod: 256 });
    expect(Array.from(c.gamma)).toEqual(gammas);
    expect(Array.from(c.F)).toEqual(gammas.map(() => 25));
    expect(c.noOffset).toEqual([]);
    for (let i = 1; i < gammas.length; i++) {
      expect(c.dissipationPerCycle[i]).toBeGreaterThan(c.dissipationPerCycle[i - 1]);
      expect(c.error[i]).toBeLessThan(c.error[i - 1]);
      expect(Math.abs(c.offset[i])).toBeLessThan(Math.abs(c.offset[i - 1]));
    }
    // The cost is hundreds of Landauer bits per cycle at the dissipative end (measured 886 at γ = 10⁻³).
    expect(c.bits[gammas.length - 1]).toBeGreaterThan(100);
  });

  it("integrates the driven chain to second order, in agreement with runLadder", () => {
    // γ = 1: the cost is all excess, the most sensitive case. Our midpoint scheme at 2048 steps is
    // 1.0·10⁻³ below the converged value (measured against 65 536 steps); runLadder's trapezoid on
    // the piecewise-constant process at 16 384 steps per period ≈ 1.6·10⁻³ above (against 131 072).
    const ours = learningCost({ gamma: 1, stepsPerPeriod: 2048 }).dissipationPerCycle;
    const N = 16384,
      h = 18 / N;
    const stimulus = Float64Array.from({ length: 2 * N }, (_, k) =>
      Math.max(0, sawtoothAt((k + 0.5) * h, 3, 15, 50, 25)),
    );
    // Two periods from the steady state at s = 0 (the period, 90, is ≫ the relaxation time, ≈ 3).
    const run = runLadder({ gamma: 1, dt: 5 * h, s0: 0, stimulus, recordEvery: N });
    const theirs = run.entropy[2] - run.entropy[1];
    assertClose(ours, theirs, { rtol: 4e-3 });
    // Halving the step moves the result by less and less (second order once h is below the slowest
    // vertical time; measured steps 1024 → 2048 → 4096 at γ = 0.1: relative changes 3·10⁻⁷, 5·10⁻⁸).
    const [a, b] = [512, 1024].map((s) => learningCost({ gamma: 0.1, stepsPerPeriod: s }).dissipationPerCycle);
    assertClose(a, b, { rtol: 1e-6 });
  });

  it("keeps the ladder's clock: twice the duration per protocol unit, twice the quasi-steady cost", () => {
    const [a, b] = [5, 10].map((duration) =>
      learningCost({ gamma: 0.1, duration, kernelDt: duration / 1e4, stepsPerPeriod: 128 }),
    );
    // σ_ss depends on s alone; the period in ladder time doubles, so the integral doubles (rounding).
    assertClose(b.quasiSteadyPerCycle, 2 * a.quasiSteadyPerCycle, { rtol: 1e-12 });
    expect(b.period).toBe(2 * a.period);
  });

  it("lays the curve out F-major and agrees with learningCost row by row", () => {
    const curve = learningCostCurve({ gammas: [0.1, 0.01], Fs: [5, 25], stepsPerPeriod: 64 });
    expect(Array.from(curve.F)).toEqual([5, 5, 25, 25]);
    expect(Array.from(curve.gamma)).toEqual([0.1, 0.01, 0.1, 0.01]);
    const one = learningCost({ gamma: 0.01, F: 25, stepsPerPeriod: 64 });
    expect(curve.dissipationPerCycle[3]).toBe(one.dissipationPerCycle);
    expect(curve.error[3]).toBe(one.error);
    expect(curve.offset[3]).toBe(one.offset);
    expect(curve.bits[3]).toBe(one.bits);
    expect(curve.area[3]).toBe(one.area);
    expect(curve.config.stepsPerPeriod).toBe(64);
    // F reaches the chain: the vertical rates set the housekeeping cost's fine structure.
    expect(curve.dissipationPerCycle[0]).not.toBe(curve.dissipationPerCycle[2]);
  });

  it("refuses bad options, naming them", () => {
    expect(() => learningCost({ amplitude: 60 })).toThrow(/amplitude/);
    expect(() => learningCost({ mean: 10 })).toThrow(/aMax/);
    expect(() => learningCost({ gamma: -1 })).toThrow(/gamma/);
    expect(() => learningCost({ F: 0 })).toThrow(/F/);
    expect(() => learningCost({ stepsPerPeriod: 8 })).toThrow(/stepsPerPeriod/);
    expect(() => learningCost({ stepsPerPeriod: 100.5 })).toThrow(/stepsPerPeriod/);
    expect(() => learningCost({ points: 5 })).toThrow(/points/);
    expect(() => learningCost({ kernelS0: 10, kernelS1: 10 })).toThrow(/kernelS1/);
    expect(() => learningCost({ alignment: "centred" as never })).toThrow(/alignment/);
    expect(() => learningCost({ tauFast: Number.NaN })).toThrow(/tauFast/);
    expect(() => learningCost({ gama: 0.1 } as never)).toThrow(/unknown option "gama"/);
    expect(() => resolveLearningCostConfig({ theta: -2 })).toThrow(/theta/);
    expect(() => learningCostCurve({} as never)).toThrow(/gammas/);
    expect(() => learningCostCurve({ gammas: [] })).toThrow(/gammas/);
    expect(() => learningCostCurve({ gammas: [0.1], Fs: [25, -1] })).toThrow(/Fs\[1\]/);
    expect(() => learningCostCurve({ gammas: [0.1, Number.NaN] })).toThrow(/gammas\[1\]/);
    expect(() => learningCostCurve({ gammas: "0.1" as never })).toThrow(TypeError);
    expect(() => resolveCostFigureOptions({ svg: 1 as never })).toThrow(/svg/);
    expect(() => resolveCostFigureOptions({ gammas: [0.1], mean: 1 })).toThrow(/aMax/);
  });
});

describe("figure cost", () => {
  it("writes the columns as JSON (null where no offset exists), the SVG and a summary", async () => {
    const fig = await costFigure({ gammas: [1, 0.01], Fs: [25], stepsPerPeriod: 64 });
    const json = fig.json as Record<string, unknown>;
    expect(json.landauerNats).toBe(Math.LN2);
    expect((json.offset as (number | null)[])[0]).toBeNull();
    expect(typeof (json.offset as (number | null)[])[1]).toBe("number");
    expect(Array.from(json.gamma as Float64Array)).toEqual([1, 0.01]);
    expect(fig.summary).toMatch(/F = 25: γ = 1 → 0\.01: .*offset none → -?\d/);
    expect(fig.svg).toMatch(/^<svg/);
    expect(fig.svg).toContain("bits = dissipation/(k_BT ln 2)");
    const bare = await costFigure({ gammas: [0.01], Fs: [25], stepsPerPeriod: 64, svg: false });
    expect(bare.svg).toBeNull();
  });
});
