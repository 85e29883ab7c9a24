import { describe, expect, it } from "vitest";
import { LangevinEnsemble, type LangevinOptions } from "../src/langevin/ensemble.js";
import { runLangevin, runLangevinAsync } from "../src/langevin/run.js";
import { corners } from "../src/langevin/protocols.js";
import { energy, potentialDomain, resolvePotential, type PotentialOptions } from "../src/langevin/potentials.js";
import { mean } from "../src/math/stats.js";
import { ringTheory, ringUncertaintyEnsemble } from "../src/langevin/uncertainty.js";
import { assertClose, BACKENDS } from "./helpers/assert.js";

/** The erasure cycle of issue #12 over τ = 4: barrier down, tilt, barrier up, untilt. */
const ERASURE: PotentialOptions = {
  kind: "doubleWell",
  barrier: corners(4, [8, 0, 0, 8, 8]),
  tilt: corners(4, [0, 0, 5, 5, 0]),
};
const POTENTIALS: Record<string, PotentialOptions> = {
  erasure: ERASURE,
  dragged: { kind: "harmonic", centre: { t: [0, 1], value: [0, 3] }, stiffness: 2 },
  ring: { kind: "ring", amplitude: 3, force: { t: [0, 1], value: [0, 4] } },
};

function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / (xs.length - 1);
}

function snapshot(options: LangevinOptions, steps: number) {
  const e = new LangevinEnsemble(options);
  e.step(steps);
  const out = { x: e.positions(), work: e.work(), heat: e.heat(), diverged: e.diverged };
  e.dispose();
  return out;
}

describe("LangevinEnsemble: determinism", () => {
  for (const [name, potential] of Object.entries(POTENTIALS)) {
    for (const scheme of ["euler", "heun"] as const) {
      it(`${name}, ${scheme}: the SIMD and scalar builds give the same bits, for odd and block-crossing counts`, () => {
        for (const particles of [1, 3, 34, 35]) {
          const [a, b] = BACKENDS.map((backend) =>
            snapshot({ potential, scheme, particles, seed: 11, backend, dt: 1e-3 }, 1500),
          );
          expect(a.x).toEqual(b.x);
          expect(a.work).toEqual(b.work);
          expect(a.heat).toEqual(b.heat);
        }
      });
    }
  }

  it("trajectory j's bits do not depend on the ensemble's size or on firstTrajectory", () => {
    const big = snapshot({ potential: ERASURE, particles: 40, seed: 5 }, 1200);
    const small = snapshot({ potential: ERASURE, particles: 3, seed: 5 }, 1200);
    expect(small.x).toEqual(big.x.slice(0, 3));
    expect(small.heat).toEqual(big.heat.slice(0, 3));
    const alone = snapshot({ potential: ERASURE, particles: 1, seed: 5, firstTrajectory: 37 }, 1200);
    expect(alone.x[0]).toBe(big.x[37]);
    expect(alone.work[0]).toBe(big.work[37]);
    const other = snapshot({ potential: ERASURE, particles: 3, seed: 6 }, 1200);
    expect(other.x).not.toEqual(small.x);
  });

  it("checkpoint and restore replay bit for bit", () => {
    const e = new LangevinEnsemble({ potential: ERASURE, particles: 9, seed: 2 });
    e.step(700);
    const saved = e.checkpoint();
    e.step(900);
    const first = [e.positions(), e.heat(), e.work()];
    e.restore(saved);
    expect(e.steps).toBe(700);
    e.step(900);
    expect([e.positions(), e.heat(), e.work()]).toEqual(first);
    expect(() => e.restore({ ...saved, positions: new Float64Array(3) })).toThrow(/checkpoint.positions/);
    expect(() => e.restore({ ...saved, coordinates: 4 })).toThrow(/checkpoint.coordinates/);
    e.dispose();
    expect(() => e.step(1)).toThrow(/disposed/);
  });
});

describe("LangevinEnsemble: stochastic energetics", () => {
  for (const [name, potential] of Object.entries(POTENTIALS)) {
    it(`${name}: first law ΔV = W − Q for every trajectory (to rounding)`, () => {
      const e = new LangevinEnsemble({ potential, particles: 64, seed: 3, dimensions: 2 });
      e.step(2500);
      const w = e.work(),
        q = e.heat(),
        dv = e.energyChange();
      // Rounding: 2500 steps of O(1) increments at 2⁻⁵² each, well under 1e-10.
      for (let j = 0; j < 64; j++) assertClose(w[j] - q[j], dv[j], { atol: 1e-10 });
      expect(mean(q)).not.toBe(0);
      e.dispose();
    });
  }

  it("the heat settled once per call equals the per-step sum of Q_k (telescoping, to rounding)", () => {
    for (const potential of [ERASURE, POTENTIALS.ring]) {
      const once = snapshot({ potential, particles: 5, seed: 8 }, 800);
      const e = new LangevinEnsemble({ potential, particles: 5, seed: 8 });
      for (let k = 0; k < 800; k++) e.step(1); // each call settles one step: Q_k itself
      expect(e.positions()).toEqual(once.x);
      // Per-step vs telescoped sums differ by rounding only: 800 terms of O(10) at 2⁻⁵².
      assertClose(e.heat(), once.heat, { atol: 1e-11 });
      assertClose(e.work(), once.work, { atol: 1e-11 });
      e.dispose();
    }
  });

  it("the work of the non-conservative force on the ring: W = f·Δx at constant amplitude", () => {
    const e = new LangevinEnsemble({ potential: { kind: "ring", amplitude: 2, force: 1.5 }, particles: 8, seed: 1 });
    const x0 = e.initialPositions();
    e.step(3000);
    const x = e.positions(),
      w = e.work();
    // f̄·Σ Δx telescopes to f·(x − x0): rounding only.
    for (let j = 0; j < 8; j++) assertClose(w[j], 1.5 * (x[j] - x0[j]), { atol: 1e-11 });
    e.dispose();
  });

  it("dragged harmonic trap: ⟨W⟩(t) = v²[t − (1 − e^{−κt})/κ] (mobility 1), and ⟨W⟩ ≥ ΔF = 0", () => {
    const v = 2,
      kappa = 3,
      t = 1.5;
    const dt = 1e-3;
    const r = runLangevin({
      potential: { kind: "harmonic", stiffness: kappa, centre: { t: [0, 10], value: [0, 10 * v] } },
      particles: 20_000,
      dt,
      steps: t / dt,
      records: 3,
      seed: 4,
    });
    const expected = v * v * (t - (1 - Math.exp(-kappa * t)) / kappa);
    // 5 standard errors of the ensemble mean, plus the O(dt) Euler bias (≈ κ dt relative).
    const err = 5 * Math.sqrt(r.varWork[3] / 20_000) + kappa * dt * expected;
    assertClose(r.meanWork[3], expected, { atol: err });
    // ⟨W⟩ − ⟨ΔV⟩ = ⟨Q⟩, column by column.
    for (let i = 0; i < r.t.length; i++) assertClose(r.meanWork[i] - r.meanHeat[i], r.meanEnergy[i], { atol: 1e-9 });
  });
});

describe("LangevinEnsemble: convergence against the Ornstein–Uhlenbeck closed form", () => {
  // x' = a x + s·ξ with s² = 2D dt: Euler a = 1 − h; Heun a = 1 − h + h²/2 and s·(1 − h/2), h = κ dt.
  // Starting from x0 = 1, E[x_k²] = a^{2k} + s_eff² (1 − a^{2k})/(1 − a²); continuous: D/κ(1 − e^{−2κt}) + e^{−2κt}.
  function discreteSecondMoment(scheme: "euler" | "heun", h: number, dt: number, k: number): number {
    const a = scheme === "euler" ? 1 - h : 1 - h + (h * h) / 2;
    const s2 = 2 * dt * (scheme === "euler" ? 1 : (1 - h / 2) ** 2);
    return a ** (2 * k) + (s2 * (1 - a ** (2 * k))) / (1 - a * a);
  }
  const kappa = 4,
    t = 0.5;
  const continuous = (1 - Math.exp(-2 * kappa * t)) / kappa + Math.exp(-2 * kappa * t);

  for (const scheme of ["euler", "heun"] as const) {
    const order = scheme === "euler" ? 1 : 2;
    it(`${scheme}: ⟨x²⟩(t) matches the scheme's exact discrete moment, whose error falls at order ${order}`, () => {
      const errors: number[] = [];
      for (const dt of [0.02, 0.01]) {
        const k = Math.round(t / dt);
        const e = new LangevinEnsemble({
          potential: { kind: "harmonic", stiffness: kappa },
          initial: new Float64Array(40_000).fill(1),
          particles: 40_000,
          dt,
          scheme,
          seed: 21,
        });
        e.step(k);
        const x = e.positions();
        const m2 = mean(x.map((v) => v * v));
        const exact = discreteSecondMoment(scheme, kappa * dt, dt, k);
        // 5 standard errors of a mean of x² (Var x² = 2σ⁴ + 4μ²σ² for a Gaussian, estimated here).
        const se = Math.sqrt(variance(x.map((v) => v * v)) / x.length);
        assertClose(m2, exact, { atol: 5 * se });
        errors.push(exact - continuous);
        e.dispose();
      }
      const ratio = errors[0] / errors[1];
      // Halving dt divides the weak error by 2 (Euler) or 4 (Heun); ±25 % for the O(h²)/O(h³) terms.
      const order = scheme === "euler" ? 2 : 4;
      expect(Math.abs(ratio - order)).toBeLessThan(0.125 * order);
    });
  }
});

describe("LangevinEnsemble: equilibrium sampling", () => {
  it("harmonic: the initial positions have variance D/κ and mean c", () => {
    const e = new LangevinEnsemble({
      potential: { kind: "harmonic", stiffness: 2.5, centre: 1 },
      D: 0.7,
      particles: 50_000,
      seed: 9,
    });
    const x0 = e.initialPositions();
    const sd = Math.sqrt(0.7 / 2.5);
    // 5 standard errors: of the mean sd/√N, of the variance sd²·√(2/N).
    assertClose(mean(x0), 1, { atol: (5 * sd) / Math.sqrt(50_000) });
    assertClose(variance(x0), sd * sd, { atol: 5 * sd * sd * Math.sqrt(2 / 50_000) });
    e.dispose();
  });

  it("double well: ⟨x²⟩ matches the Boltzmann quadrature and stays there under the dynamics", () => {
    const p = resolvePotential({ kind: "doubleWell", barrier: 3, quartic: 2 });
    const [lo, hi] = potentialDomain(p, 1, [0]);
    let z = 0,
      m2 = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = lo + ((i + 0.5) * (hi - lo)) / 20_000;
      const w = Math.exp(-energy(p, x, 0));
      z += w;
      m2 += w * x * x;
    }
    m2 /= z;
    const e = new LangevinEnsemble({
      potential: { kind: "doubleWell", barrier: 3, quartic: 2 },
      particles: 40_000,
      seed: 3,
      scheme: "heun",
    });
    const x0 = e.initialPositions();
    const se = Math.sqrt(variance(x0.map((v) => v * v)) / x0.length);
    assertClose(mean(x0.map((v) => v * v)), m2, { atol: 5 * se });
    e.step(2000);
    // Heun's stationary bias at dt = 1e-3 is O(dt²) ≈ 1e-6, far below 5 standard errors.
    assertClose(mean(e.positions().map((v) => v * v)), m2, { atol: 5 * se * Math.SQRT2 });
    e.dispose();
  });
});

describe("LangevinEnsemble: divergence and bad input", () => {
  it("a particle started outside the stable region is frozen and flagged; nothing is NaN", () => {
    const initial = Float64Array.from([0.5, 100, -1]);
    const e = new LangevinEnsemble({ potential: { kind: "doubleWell" }, particles: 3, initial, seed: 1 });
    e.step(50);
    expect(e.diverged).toBe(1);
    expect(e.status).toBe("diverged");
    const x = e.positions();
    expect(x[1]).toBe(100);
    for (const v of [...x, ...e.work(), ...e.heat(), ...e.energyChange()]) expect(Number.isFinite(v)).toBe(true);
    expect(x[0]).not.toBe(0.5);
    e.dispose();
    const r = runLangevin({ potential: { kind: "doubleWell" }, particles: 3, initial, steps: 100, records: 4 });
    expect(r.status).toBe("diverged");
    expect(r.t.length).toBe(2);
    expect(r.diverged).toBe(1);
  });

  it("the SIMD block and the scalar build freeze the same coordinate at the same step", () => {
    const initial = new Float64Array(34).fill(0.9);
    // Beyond the bound √(1/(2·8·10⁻³)) ≈ 7.9, in the middle of a SIMD block; 2500 steps are three calls
    // of the kernel, so the later ones step its neighbours beside a frozen pair.
    initial[17] = 20;
    const [a, b] = BACKENDS.map((backend) =>
      snapshot({ potential: { kind: "doubleWell" }, particles: 34, initial, backend, seed: 2 }, 2500),
    );
    expect(a.diverged).toBe(1);
    expect(a.x).toEqual(b.x);
    expect(a.heat).toEqual(b.heat);
  });

  it("refuses bad options, naming them", () => {
    const bad: [LangevinOptions, RegExp][] = [
      [{ D: 0 }, /D must be > 0/],
      [{ D: Number.NaN }, /D must be finite/],
      [{ dt: -1 }, /dt/],
      [{ particles: 0 }, /particles/],
      [{ dimensions: 1.5 }, /dimensions/],
      [{ scheme: "rk4" as never }, /scheme/],
      [{ initial: new Float64Array(2) }, /initial must have length 1000/],
      [{ potential: { kind: "harmonic", stiffness: Number.NaN } }, /potential.stiffness must be finite/],
      [{ potential: { kind: "harmonic", stiffness: -1 } }, /potential.stiffness must be > 0/],
      [
        { potential: { kind: "harmonic", centre: { t: [0, 0], value: [1, 2] } } },
        /potential.centre.t must be strictly increasing/,
      ],
      [{ potential: { kind: "harmonic", centre: { t: [0, 1], value: [1] } } }, /potential.centre.value/],
      [{ potential: { kind: "doubleWell", barrier: -2 } }, /potential.barrier must be ≥ 0/],
      [{ potential: { kind: "ring", period: 0 } }, /potential.period/],
      [{ potential: { kind: "cubic" } as never }, /potential.kind/],
      [{ potential: { kind: "harmonic", tilt: 1 } as never }, /unknown option "tilt"/],
      [{ potential: { kind: "harmonic", stiffness: 100 }, dt: 0.02 }, /dt = 0.02 is too coarse/],
      [{ seed: -1 }, /seed/],
      [{ speed: 1 } as never, /unknown option "speed"/],
    ];
    for (const [options, message] of bad) expect(() => new LangevinEnsemble(options)).toThrow(message);
    const e = new LangevinEnsemble({
      particles: 2,
      potential: { kind: "harmonic", stiffness: (t: number) => (t < 0.01 ? 1 : Number.NaN) },
    });
    expect(() => e.step(100)).toThrow(/potential.stiffness\(0.01\) must be a finite number/);
    expect(() => e.step(-1)).toThrow(/count/);
    e.dispose();
  });

  it("a protocol that stiffens past the time step's limit is refused when it gets there", () => {
    const e = new LangevinEnsemble({
      particles: 2,
      dt: 0.01,
      potential: { kind: "harmonic", stiffness: { t: [0, 5], value: [1, 200] } },
    });
    expect(() => e.step(600)).toThrow(/dt = 0.01 is too coarse for the potential at t = /);
    e.dispose();
  });
});

describe("runLangevin", () => {
  it("records equally spaced columns, reports progress, and stops on abort", async () => {
    const seen: number[] = [];
    const r = runLangevin({
      potential: ERASURE,
      particles: 100,
      steps: 1000,
      records: 4,
      onProgress: (p) => seen.push(p.done),
    });
    expect(Array.from(r.t)).toEqual([0, 0.25, 0.5, 0.75, 1].map((t) => t));
    expect(seen).toEqual([250, 500, 750, 1000]);
    expect(r.status).toBe("completed");
    expect(r.work.length).toBe(100);
    expect(r.final.length).toBe(100);
    expect(r.varHeat[4]).toBeGreaterThan(0);
    const h = r.histograms.heat;
    expect(h.counts.length).toBe(50);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(h.edges[0]).toBe(Math.min(...r.heat));
    expect(runLangevin({ particles: 4, steps: 10, bins: 7 }).histograms.work.counts.length).toBe(7);
    expect(() => runLangevin({ bins: 0 })).toThrow(/bins/);
    const controller = new AbortController();
    const aborted = await runLangevinAsync({
      potential: ERASURE,
      particles: 10,
      steps: 1000,
      records: 10,
      signal: controller.signal,
      onProgress: (p) => p.done >= 300 && controller.abort(),
    });
    expect(aborted.status).toBe("aborted");
    expect(aborted.steps).toBe(300);
    expect(aborted.t.length).toBe(4);
    expect(() => runLangevin({ steps: 0 })).toThrow(/steps/);
    expect(() => runLangevin({ records: 5, steps: 2 })).toThrow(/records/);
  });
});

describe("the thermodynamic uncertainty relation on the tilted ring", () => {
  it("free diffusion (A = 0) saturates it: v = f, D_eff = D, ratio 1", () => {
    const r = ringTheory({ amplitude: 0, force: 2.5, D: 0.8 });
    // Simpson on 400 points of smooth exponentials: ~1e-10 relative.
    assertClose(r.velocity, 2.5, { rtol: 1e-8 });
    assertClose(r.diffusion, 0.8, { rtol: 1e-8 });
    assertClose(r.ratio, 1, { rtol: 1e-8 });
    assertClose(r.entropyProduction, (2.5 * 2.5) / 0.8, { rtol: 1e-8 });
  });

  it("equilibrium (f = 0): no current, no dissipation, ratio 0 (not NaN); D_eff below D", () => {
    const r = ringTheory({ amplitude: 4, force: 0 });
    expect(r.velocity).toBe(0);
    expect(r.ratio).toBe(0);
    expect(r.diffusion).toBeLessThan(1);
    expect(r.diffusion).toBeGreaterThan(0);
  });

  it("the ratio stays ≤ 1 across the force, and diffusion is enhanced near the critical tilt f_c = πA/L", () => {
    const A = 6,
      fc = Math.PI * A;
    let peak = 0;
    for (const f of [0.1, 1, 5, 10, 15, fc, 22, 30, 60]) {
      const r = ringTheory({ amplitude: A, force: f });
      expect(r.ratio).toBeGreaterThan(0);
      expect(r.ratio).toBeLessThanOrEqual(1 + 1e-9);
      peak = Math.max(peak, r.diffusion);
    }
    // Reimann et al. 2001: D_eff exceeds free diffusion around f_c (giant diffusion).
    expect(peak).toBeGreaterThan(1.5);
    // Far above f_c the potential only slows the drift: v/f = 1 − F₀²/(2f²) + O(F₀⁴/f⁴, D k² F₀²/f³) with
    // F₀ = ½A·2π/L the largest force of the potential (deterministic expansion; the rest ~3e-6 here).
    const fast = ringTheory({ amplitude: A, force: 400 });
    assertClose(fast.velocity / 400, 1 - (Math.PI * A) ** 2 / (2 * 400 ** 2), { atol: 1e-5 });
  });

  it("the ensemble's v, D_eff and ratio agree with the exact quadrature within their errors", () => {
    const exact = ringTheory({ amplitude: 3, force: 6 });
    const measured = ringUncertaintyEnsemble({ amplitude: 3, force: 6, particles: 4000, time: 8, warmup: 1, seed: 13 });
    // 5 standard errors, plus the Euler bias O(dt·max V'') ≈ 1e-3·(½A(2π)²) ≈ 6 % on D_eff at most.
    assertClose(measured.velocity, exact.velocity, { atol: 5 * measured.velocityError + 0.01 * exact.velocity });
    assertClose(measured.diffusion, exact.diffusion, { atol: 5 * measured.diffusionError + 0.06 * exact.diffusion });
    expect(measured.ratio).toBeLessThanOrEqual(1 + 5 * measured.ratioError);
    expect(() => ringUncertaintyEnsemble({ particles: 1 })).toThrow(/particles/);
    expect(() => ringTheory({ amplitude: -1 })).toThrow(/amplitude/);
    expect(() => ringTheory({ D: 0 })).toThrow(/D must be > 0/);
  });
});
