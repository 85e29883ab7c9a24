import { describe, it, expect } from "vitest";
import { figurePoint, figureTasks } from "../src/figures.js";
import { runFigureTasks } from "../src/figure-pool.js";

describe("figures of Falk et al.", () => {
  it("are bit-identical whatever the worker count (worker_threads vs this thread)", async () => {
    const tasks = figureTasks({ figure: "4c", points: 6, seed: 3, dt: 2e-3 });
    const one = await runFigureTasks(tasks, { workers: 1 });
    const two = await runFigureTasks(tasks, { workers: 2 });
    expect(one.status).toBe("completed");
    expect(two.results).toEqual(one.results);
  });

  it("Fig. 4C: ln dynamic range falls short of ln(τ_s/τ_f), by little where τ_f ≫ τ_K (Eq. 9)", () => {
    let checked = 0;
    for (const task of figureTasks({ figure: "4c", points: 12, seed: 1, dt: 2e-3 })) {
      const p = figurePoint(task);
      expect(p.tauFast).toBeGreaterThanOrEqual(0.1);
      expect(p.tauSlow).toBeLessThan(49.8);
      const gap = p.lnDynamicRange - p.lnRatio;
      // Eq. 9 is the limit τ_f ≫ τ_K ≈ 0.1. The kernel's width delays u's rise, so A_min lies above
      // A_max·τ_f/τ_s (see test/contrastive.test.ts): every point falls short, never above (the
      // 1e-12 is the rounding of the two logarithms).
      expect(gap).toBeLessThanOrEqual(1e-12);
      // Where τ_f ≥ 10 τ_K = 1 the shortfall is O(τ_K/τ_f) plus one amplitude step: |gap| < 0.1
      // (observed ≤ 0.035 on the 7 such points). The 5 points with τ_f < 1 (0.11 … 0.97) are left
      // out: there the kernel is a sizeable part of the fast phase, and the gap grows to −2.4 at
      // τ_f = 0.11, where it is as slow as the fast phase itself.
      if (p.tauFast >= 1) {
        checked++;
        expect(gap).toBeGreaterThan(-0.1);
      }
    }
    expect(checked).toBe(7);
  });

  it("Fig. 5C: for long protocols the offset grows like the baseline I·s̄·(τ_f + τ_s)/A_max", () => {
    let long = 0;
    for (const task of figureTasks({ figure: "5c", points: 12, seed: 2, dt: 2e-3 })) {
      const p = figurePoint(task);
      if (p.protocolLength < 28) continue; // below τ_s ≈ 27 the threshold cuts the slow phase off
      long++;
      // The fit's intercept also carries the fast phase and the kernel's finite width: within 20 %.
      expect(p.offset / p.baselineOffset).toBeGreaterThan(0.8);
      expect(p.offset / p.baselineOffset).toBeLessThan(1.2);
    }
    expect(long).toBeGreaterThan(3);
  });

  it("Fig. 6B: the offset falls as dissipation grows (near-equilibrium against strongly driven kernels)", () => {
    const points = figureTasks({ figure: "6b", points: 60, seed: 0 }).map(figurePoint);
    // γ ∈ (0, 1) here (down to 1e-24): every chain is driven and every transition has its reverse, so
    // σ is finite and > 0, and within a group (shared F) it grows strictly as γ falls.
    for (const p of points) {
      expect(p.gamma).toBeLessThan(1);
      expect(Number.isFinite(p.dissipation) && p.dissipation > 0).toBe(true);
    }
    for (const group of [points.slice(0, 50), points.slice(50)]) {
      const byGamma = [...group].sort((a, b) => a.gamma - b.gamma);
      for (let i = 1; i < byGamma.length; i++) expect(byGamma[i].dissipation).toBeLessThan(byGamma[i - 1].dissipation);
    }
    const low = points.filter((p) => p.dissipation < 1 && Number.isFinite(p.lnOffsetOverMean));
    const high = points.filter((p) => p.dissipation > 3 && Number.isFinite(p.lnOffsetOverMean));
    const mean = (xs: typeof points) => xs.reduce((a, p) => a + p.lnOffsetOverMean, 0) / xs.length;
    expect(low.length).toBeGreaterThan(3);
    expect(high.length).toBeGreaterThan(3);
    // ln|offset/s̄| ≈ 4–7 near equilibrium and ≈ −2…1.5 when driven hard (seed 0): a clear drop.
    expect(mean(high)).toBeLessThan(mean(low) - 1);
  });

  it("Fig. 6B: values that do not exist for a kernel are NaN (null in the JSON), the others finite", () => {
    const points = figureTasks({ figure: "6b", points: 60, seed: 0 }).map(figurePoint);
    let none = 0, onlyMax = 0;
    for (const p of points) {
      // A_min is on the grid linspace(0, 50, 100): the amplitudes in [A_min, A_max] are 100 − its index.
      const fitted = Number.isNaN(p.aMin) ? 0 : 100 - Math.round((p.aMin / 50) * 99);
      if (fitted === 0) none++;
      if (fitted === 1) onlyMax++;
      // The offset is a line's intercept: it needs 2 amplitudes from A_min on.
      if (fitted < 2) expect(p.offset).toBeNaN();
      else expect(Number.isFinite(p.offset)).toBe(true);
      if (!(p.offset !== 0)) expect(p.lnOffsetOverMean).toBeNaN();
      // A_max/A_min needs an A_min > 0.
      if (p.aMin > 0) expect(p.dynamicRange).toBe(50 / p.aMin);
      else expect(p.dynamicRange).toBeNaN();
    }
    // Seed 0 has both kinds: 6 kernels where no A passes 0.05·A_max, 2 where only A_max does.
    expect(none).toBeGreaterThan(0);
    expect(onlyMax).toBeGreaterThan(0);
  });

  it("Fig. 8: Δw/A rises to the ideal update 1 as τ_f/τ_K grows, and vanishes for τ_f ≲ τ_K", () => {
    // 7 points: τ_f/τ_K = 0.1, 0.316, 1, 3.16, 10, 31.6, 100 on the default grid dt = 10⁻⁴.
    const points = figureTasks({ figure: "8", points: 7 }).map(figurePoint);
    points.forEach((p, i) => expect(p.ratio / (0.1 * 1000 ** (i / 6))).toBeCloseTo(1, 14));
    for (let i = 1; i < points.length; i++) expect(points[i].dwOverA).toBeGreaterThanOrEqual(points[i - 1].dwOverA);
    // A kernel slower than the fast phase never lifts u to θ ≈ A/(2τ_f): no update at all.
    expect(points[0].dwOverA).toBe(0);
    expect(points[2].dwOverA).toBe(0);
    // At τ_f = 100 τ_K the kernel's finite width costs ≈ 2.5 τ_K/τ_f of the update (measured 0.975):
    // within 3 % of A and below it. At 31.6 it is still ≈ 5 % short (0.945): the limit is approached slowly.
    expect(points[6].dwOverA).toBeGreaterThan(0.97);
    expect(points[6].dwOverA).toBeLessThan(1);
    expect(points[5].dwOverA).toBeLessThan(points[6].dwOverA);
    expect(points[5].dwOverA).toBeGreaterThan(0.9);
  });

  it("rejects bad options naming them", () => {
    expect(() => figureTasks({ figure: "9z" })).toThrow(/figure must be one of/);
    expect(() => figureTasks({ figure: "4c", points: 0 })).toThrow(/points/);
    expect(() => figureTasks({ figure: "4c", dt: 0.5 })).toThrow(/dt must be ≤ 0.01/);
    expect(() => figureTasks({ figure: "8", dt: 0.002 })).toThrow(/dt must be ≤ 0.001 for figure 8/);
    expect(() => figureTasks({ figure: "6b", dt: 1e-3 })).toThrow(/dt does not apply to figure 6b/);
  });
});
