import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  EqProp, loadParameters, memoryOperator, mnistSineKernel, rampSchedule, resolveEqPropConfig, saveParameters,
  type EqPropOptions, type EqPropParameters,
} from "../src/eqprop.js";
import { loadMnist } from "../src/mnist.js";
import {
  refCost, refCurrents, refEnergy, refMemoryUpdate, refPlainUpdate, refRelax, type RefMemoryOptions, type RefParams,
} from "../src/ref/eqprop.js";
import { Rng } from "../src/rng.js";
import { VERSION } from "../src/version.js";
import { assertClose, BACKENDS } from "./helpers/assert.js";

/** Seeded images in [0, 1] with about a third exact zeros (like MNIST's background), and labels. */
function toyData(count: number, n0: number, classes: number, seed: number): { images: Float32Array; labels: number[] } {
  const rng = new Rng({ seed });
  const u = rng.uniform(count * n0 + count);
  rng.dispose();
  const images = Float32Array.from({ length: count * n0 }, (_, i) => (u[i] < 0.33 ? 0 : u[i]));
  const labels = Array.from({ length: count }, (_, b) => Math.floor(u[count * n0 + b] * classes));
  return { images, labels };
}

const toF64 = (p: EqPropParameters): RefParams => ({
  layers: p.layers,
  weights: p.weights.map((w) => Float64Array.from(w)),
  biases: p.biases.map((b) => Float64Array.from(b)),
});

function oneHot(label: number, n: number): Float64Array {
  const d = new Float64Array(n);
  d[label] = 1;
  return d;
}

function rows(a: ArrayLike<number>, width: number): Float64Array[] {
  return Array.from({ length: a.length / width }, (_, i) => Float64Array.from({ length: width }, (_, j) => a[i * width + j]));
}

/** Parameter changes new − old, flattened. */
function delta(next: { weights: ArrayLike<number>[]; biases: ArrayLike<number>[] }, prev: EqPropParameters): number[] {
  const out: number[] = [];
  next.weights.forEach((w, l) => { for (let i = 0; i < w.length; i++) out.push(w[i] - prev.weights[l][i]); });
  next.biases.forEach((b, l) => { for (let i = 0; i < b.length; i++) out.push(b[i] - prev.biases[l][i]); });
  return out;
}

const SMALL: EqPropOptions = { layers: [7, 5, 3], batchSize: 4, randomBetaSign: false, seed: 3 };

describe("relaxation against the reference", () => {
  for (const backend of BACKENDS) {
    for (const layers of [[7, 5, 3], [9, 21, 6, 4]]) {
      it(`${backend}: layers ${layers.join("-")}, free and clamped phases`, () => {
        const learningRates = layers.length === 3 ? undefined : [0.1, 0.05, 0.01];
        const net = new EqProp({ layers, learningRates, seed: 5, backend });
        const data = toyData(6, layers[0], layers.at(-1)!, 9);
        const p = toF64(net.parameters());
        const S = layers.slice(1).reduce((s, n) => s + n, 0);
        const free = net.relax(data.images, { iterations: 20 });
        const clamped = net.relax(data.images, { iterations: 4, beta: 0.5, labels: data.labels, states: free });
        const xs = rows(data.images, layers[0]);
        for (let b = 0; b < 6; b++) {
          const rf = refRelax(p, xs[b], new Float64Array(S), null, 0, 0.5, 20);
          const rc = refRelax(p, xs[b], free.subarray(b * S, (b + 1) * S), oneHot(data.labels[b], layers.at(-1)!), 0.5, 0.5, 4);
          // f32 states in [0, 1] after ≤ 20 steps: rounding of a few ulps (6e-8) per step.
          assertClose(free.subarray(b * S, (b + 1) * S), rf, { atol: 2e-6 });
          assertClose(clamped.subarray(b * S, (b + 1) * S), rc, { atol: 2e-6 });
        }
        const energies = net.energy(data.images, free);
        for (let b = 0; b < 6; b++) {
          // f64 sums of f32 terms: relative error ~1e-7.
          assertClose(energies[b], refEnergy(p, xs[b], free.subarray(b * S, (b + 1) * S)), { rtol: 1e-5, atol: 1e-6 });
        }
        net.dispose();
      });
    }
  }

  it("the energy never increases during the free phase at small ε", () => {
    const layers = [30, 40, 10];
    const net = new EqProp({ layers, seed: 2, epsilon: 0.1 });
    const data = toyData(8, layers[0], 10, 4);
    let states = net.relax(data.images, { iterations: 0 });
    let energy = net.energy(data.images, states);
    let fell = 0;
    for (let it = 0; it < 60; it++) {
      states = net.relax(data.images, { iterations: 1, states });
      const next = net.energy(data.images, states);
      for (let b = 0; b < 8; b++) {
        // Projected gradient descent with ε below 1/λ_max of the Hessian cannot raise E; allow f32 rounding.
        expect(next[b]).toBeLessThanOrEqual(energy[b] + 1e-5 * Math.abs(energy[b]) + 1e-6);
        if (next[b] < energy[b] - 1e-6) fell++;
      }
      energy = next;
    }
    expect(fell).toBeGreaterThan(8 * 5); // it really moves
    net.dispose();
  });
});

describe("plain EP", () => {
  for (const backend of BACKENDS) {
    it(`${backend}: one training step equals the reference update`, () => {
      const data = toyData(4, 7, 3, 11);
      const net = new EqProp({ ...SMALL, backend }, { train: data });
      const p0 = net.parameters();
      net.trainBatch(0, -1);
      const p1 = net.parameters();
      const ref = toF64(p0);
      const xs = rows(data.images, 7);
      const free = xs.map((x) => refRelax(ref, x, new Float64Array(8), null, 0, 0.5, 20));
      const clamped = free.map((f, b) => refRelax(ref, xs[b], f, oneHot(data.labels[b], 3), -0.5, 0.5, 4));
      const expected = refPlainUpdate(ref, xs, free, clamped, -0.5, [0.1, 0.05]);
      // f32 parameters of size ≤ 1 (ulp 6e-8): a few 1e-7 absolute; f32 states (6e-8 relative) in
      // state differences as small as 1e-3 of the states: 6e-5 relative, hence rtol 1e-4.
      assertClose(delta(p1, p0), delta(expected, p0), { atol: 5e-7, rtol: 1e-4 });
      assertClose(net.particles(), free.flatMap((f) => Array.from(f)), { atol: 2e-6 });
      net.dispose();
    });
  }

  it("the update is the gradient of the cost as β → 0 (EP theorem; finite differences of the reference)", () => {
    // Interior fixed points (small weights, biases 0.3) so that the clip is inactive and both
    // phases converge: 300 free and 300 clamped steps.
    const layers = [5, 4, 3];
    const net = new EqProp({ layers, seed: 8, beta: 1e-3, clampedIterations: 300, freeIterations: 300, learningRates: [1, 1], randomBetaSign: false, initScale: 0.2, batchSize: 1 },
      { train: { images: Float32Array.from([0.2, 0.9, 0, 0.5, 0.7]), labels: [1] } });
    const p = net.parameters();
    p.biases = p.biases.map((b) => b.map(() => 0.3));
    net.setParameters(p);
    net.trainBatch(0, 1);
    const update = delta(net.parameters(), p);
    const x = [0.2, 0.9, 0, 0.5, 0.7], d = oneHot(1, 3);
    const cost = (q: RefParams) => refCost(layers, refRelax(q, x, new Float64Array(7), null, 0, 0.5, 2000), d);
    // ΔW = −α dC/dW (C without ½ here, as the authors): central differences with h = 1e-5.
    const h = 1e-5;
    const grads: number[] = [];
    for (const [l, i] of [[0, 0], [0, 6], [0, 13], [1, 0], [1, 5], [1, 11]]) {
      const plus = toF64(p), minus = toF64(p);
      plus.weights[l][i] += h;
      minus.weights[l][i] -= h;
      grads.push(-(cost(plus) - cost(minus)) / (2 * h));
      const flat = l === 0 ? i : layers[0] * layers[1] + i;
      // The EP estimate is biased by O(β) = 1e-3 relative, and f32 rounding of state differences of
      // order β adds ~1e-4 (observed 0.05–0.3 %): 0.5 %.
      assertClose(update[flat], grads.at(-1)!, { rtol: 5e-3, atol: 2e-4 });
    }
    expect(Math.max(...grads.map(Math.abs))).toBeGreaterThan(1e-2); // not a vacuous comparison
    net.dispose();
  });
});

describe("memory variant", () => {
  it("the ramp and the operator follow the spec (17 points, rows of a zero-area kernel sum to 0)", () => {
    const c = resolveEqPropConfig({ variant: "memory" });
    const { times, betas } = rampSchedule(c.memory);
    expect(times.length).toBe(17);
    assertClose(times[8], 0.1, { atol: 1e-15 });
    assertClose(times[16], 1, { atol: 1e-15 });
    expect(Array.from(betas.subarray(0, 9))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => k / 8));
    assertClose(c.memory.trapezoidStep, 0.01, { rtol: 1e-15 });
    const op = memoryOperator(c.memory);
    for (let m = 0; m < 100; m++) {
      let sum = 0;
      for (let k = 0; k < 17; k++) sum += op[m * 17 + k];
      assertClose(sum, 0, { atol: 1e-15 }); // Σ sin(2πk/10) = 0 up to rounding
    }
  });

  it("the MNIST kernel has the closed-form values of sin(2πk/10)/3 (Eq. 31)", () => {
    // sin 36° = √(10 − 2√5)/4, sin 72° = √(10 + 2√5)/4; K[5 ± j] = ∓K[j]. Independent of Math.sin.
    const a = Math.sqrt(10 - 2 * Math.sqrt(5)) / 12, b = Math.sqrt(10 + 2 * Math.sqrt(5)) / 12;
    assertClose(mnistSineKernel(), [0, a, b, b, a, 0, -a, -b, -b, -a], { atol: 1e-16 }); // f64 rounding of values ≤ 1/3
  });

  const memoryOptions = (o: EqPropOptions["memory"] = {}): RefMemoryOptions => {
    const m = resolveEqPropConfig({ ...SMALL, variant: "memory", memory: o }).memory;
    return { ...m, kernel: m.kernel === "sine" ? Array.from(mnistSineKernel()) : m.kernel };
  };

  for (const backend of BACKENDS) {
    for (const alignment of ["scipy", "causal"] as const) {
      it(`${backend}, ${alignment}: one training step equals the reference (interpolate, convolve, threshold, trapezoid)`, () => {
        const data = toyData(4, 7, 3, 12);
        // Thresholds low enough that, over all groups, a quarter of the updates are non-zero and some are zeroed.
        const memory = { alignment, weightThresholds: [3e-6, 6e-6], biasThresholds: [6e-6, 3e-5] };
        const net = new EqProp({ ...SMALL, variant: "memory", memory, backend }, { train: data });
        const p0 = net.parameters();
        net.trainBatch(0, 1);
        const p1 = net.parameters();
        const ref = toF64(p0);
        const xs = rows(data.images, 7);
        const free = xs.map((x) => refRelax(ref, x, new Float64Array(8), null, 0, 0.5, 20));
        const points = Array.from({ length: 9 }, (_, k) =>
          free.map((f, b) => refRelax(ref, xs[b], f, oneHot(data.labels[b], 3), (0.5 * k) / 8, 0.5, 4)));
        const expected = refMemoryUpdate(ref, xs, points, 0.5, [0.1, 0.05], memoryOptions(memory));
        const got = delta(p1, p0), want = delta(expected, p0);
        // f32 storage (ulp 6e-8 at |θ| ≤ 1), and f32 states in currents that differ by as little as
        // 1e-3 of their size along the ramp (6e-5 relative): rtol 1e-4.
        assertClose(got, want, { atol: 5e-7, rtol: 1e-4 });
        expect(want.filter((v) => v !== 0).length).toBeGreaterThan(want.length / 4);
        expect(want.filter((v) => v === 0).length).toBeGreaterThan(0);
        net.dispose();
      });
    }
  }

  for (const backend of BACKENDS) {
    it(`${backend}: a short last mini-batch (2 of batchSize 4) equals the reference on its own examples`, () => {
      // The operator holds −1/B for the configured B; the update rescales currents, thresholds and
      // the step by B/count for the short batch. The reference takes batch means over the 2 examples.
      const data = toyData(6, 7, 3, 14);
      const memory = { weightThresholds: [3e-6, 6e-6], biasThresholds: [6e-6, 3e-5] };
      const net = new EqProp({ ...SMALL, variant: "memory", memory, backend }, { train: data });
      expect(net.batchesPerEpoch).toBe(2);
      const p0 = net.parameters();
      expect(net.trainBatch(1, -1).count).toBe(2);
      const p1 = net.parameters();
      const ref = toF64(p0);
      const xs = rows(data.images, 7).slice(4);
      const labels = data.labels.slice(4);
      const free = xs.map((x) => refRelax(ref, x, new Float64Array(8), null, 0, 0.5, 20));
      const points = Array.from({ length: 9 }, (_, k) =>
        free.map((f, b) => refRelax(ref, xs[b], f, oneHot(labels[b], 3), (-0.5 * k) / 8, 0.5, 4)));
      const expected = refMemoryUpdate(ref, xs, points, -0.5, [0.1, 0.05], memoryOptions(memory));
      const got = delta(p1, p0), want = delta(expected, p0);
      // As the full-batch test above: f32 parameters and f32 states in ramp differences, rtol 1e-4.
      assertClose(got, want, { atol: 5e-7, rtol: 1e-4 });
      expect(want.filter((v) => v !== 0).length).toBeGreaterThan(want.length / 4);
      expect(want.filter((v) => v === 0).length).toBeGreaterThan(0);
      net.dispose();
    });
  }

  it("with an ideal derivative kernel it approaches the plain EP update", () => {
    // Kernel c_m = (s_m − s_{m−1})/h (causal backward difference, h = T/G) and factor 1: the
    // thresholded integral keeps the up ramp, whose rises add up to s(β) − s(0), the difference
    // plain EP uses. θ per group sits just above the steepest down-ramp segment, found from the
    // reference's currents at the nine ramp points.
    const G = 4000, tauFast = 0.01, tauSlow = 0.99, h = (tauFast + tauSlow) / G, R = 8;
    const data = toyData(4, 7, 3, 13);
    const common = { ...SMALL, freeIterations: 200, initScale: 1 };
    const plain = new EqProp({ ...common, variant: "plain" }, { train: data });
    const p0 = plain.parameters();
    plain.trainBatch(0, 1);
    const plainDelta = delta(plain.parameters(), p0);
    plain.dispose();
    const ref = toF64(p0);
    const xs = rows(data.images, 7);
    const free = xs.map((x) => refRelax(ref, x, new Float64Array(8), null, 0, 0.5, 200));
    const currents = Array.from({ length: R + 1 }, (_, k) =>
      refCurrents(ref.layers, xs, free.map((f, b) => refRelax(ref, xs[b], f, oneHot(data.labels[b], 3), (0.5 * k) / R, 0.5, 4))));
    const steepest = (pick: (c: (typeof currents)[number]) => Float64Array) => {
      let m = 0;
      for (let k = 1; k <= R; k++) pick(currents[k]).forEach((v, i) => { m = Math.max(m, Math.abs(v - pick(currents[k - 1])[i])); });
      return m;
    };
    const segW = [0, 1].map((l) => steepest((c) => c.weights[l])), segB = [0, 1].map((l) => steepest((c) => c.biases[l]));
    const memory = {
      tauFast, tauSlow, gridPoints: G, kernel: [1, -1], convolutionScale: 1 / h, alignment: "causal" as const, updateFactor: 1,
      weightThresholds: segW.map((m) => (1.01 * m * R) / tauSlow), biasThresholds: segB.map((m) => (1.01 * m * R) / tauSlow),
    };
    const net = new EqProp({ ...common, variant: "memory", memory }, { train: data });
    net.trainBatch(0, 1);
    const memoryDelta = delta(net.parameters(), p0);
    net.dispose();
    // An up-ramp segment is lost only when its rise is below θ·τ_f/R = 1.01·steepest·τ_f/τ_s (≈ 1 %),
    // so a parameter can lose at most R such segments; scaled by α/β into parameter units.
    const rate = [0.1, 0.05];
    const bound = [
      ...p0.weights.flatMap((w, l) => Array.from(w, () => (R * 1.01 * segW[l] * tauFast) / tauSlow * (rate[l] / 0.5))),
      ...p0.biases.flatMap((b, l) => Array.from(b, () => (R * 1.01 * segB[l] * tauFast) / tauSlow * (rate[l] / 0.5))),
    ];
    plainDelta.forEach((v, i) => expect(Math.abs(memoryDelta[i] - v)).toBeLessThanOrEqual(bound[i] + 1e-3 * Math.abs(v) + 1e-6));
    // Over half agree to f32 rounding (no segment lost); the worst is 0.6 % of the largest update.
    const exact = plainDelta.filter((v, i) => Math.abs(v - memoryDelta[i]) <= 1e-3 * Math.abs(v) + 1e-6).length;
    expect(exact).toBeGreaterThan(0.5 * plainDelta.length);
    expect(Math.max(...plainDelta.map(Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe("against scipy (test/fixtures/eqprop.json from scripts/fixtures/eqprop.py)", () => {
  const fx = JSON.parse(readFileSync(new URL("./fixtures/eqprop.json", import.meta.url), "utf8"));
  const f32 = (a: number[]) => Float32Array.from(a);
  const initial: EqPropParameters = { layers: fx.layers, weights: fx.weights.map(f32), biases: fx.biases.map(f32) };
  const data = { images: Float32Array.from(fx.x), labels: fx.labels };
  const options = (alignment: "scipy" | "causal", variant: "plain" | "memory"): EqPropOptions => ({
    layers: fx.layers, batchSize: fx.batch, randomBetaSign: false, variant, beta: fx.beta, learningRates: fx.alpha,
    memory: {
      alignment, tauFast: fx.tauFast, tauSlow: fx.tauSlow, rampSteps: fx.rampSteps, gridPoints: fx.gridPoints, kernel: fx.kernel,
      convolutionScale: fx.convolutionScale, updateFactor: fx.updateFactor, // trapezoidStep: the default, checked below
      weightThresholds: [fx.thresholds[0], fx.thresholds[2]], biasThresholds: [fx.thresholds[1], fx.thresholds[3]],
    },
  });
  const expectedDelta = (p: { weights: number[][]; biases: number[][] }) =>
    [...p.weights.flatMap((w, l) => w.map((v, i) => v - fx.weights[l][i])), ...p.biases.flatMap((b, l) => b.map((v, i) => v - fx.biases[l][i]))];

  it("interpolation (interp1d) and convolve1d(mode='wrap') as one operator, both alignments", () => {
    for (const alignment of ["scipy", "causal"] as const) {
      const config = resolveEqPropConfig(options(alignment, "memory"));
      assertClose(memoryOperator(config.memory), fx.interpConv[alignment], { atol: 1e-15, rtol: 1e-12 }); // f64 sums of ten terms
      // The default trapezoid step is the grid spacing the fixture integrates over (trapz(c, grid)).
      assertClose(config.memory.trapezoidStep, fx.trapezoidStep, { rtol: 1e-15 }); // (0.1 + 0.9)/100 in f64 both ways
    }
  });

  for (const [index, c] of (fx.cases as { betaSigned: number; plain: never; memory: never; memoryCausal: never }[]).entries()) {
    const sign = c.betaSigned > 0 ? 1 : -1;
    for (const [name, variant, alignment, want] of [
      ["plain", "plain", "scipy", c.plain], ["memory, scipy alignment", "memory", "scipy", c.memory], ["memory, causal alignment", "memory", "causal", c.memoryCausal],
    ] as const) {
      it(`β = ${c.betaSigned}, ${name}: the updated parameters`, () => {
        const net = new EqProp(options(alignment, variant), { train: data });
        net.setParameters(initial);
        net.trainBatch(0, sign);
        // f32 parameters (ulp 6e-8 at |θ| ≤ 1) against scipy in f64, with f32 states in ramp
        // differences as small as 1e-3 of them (6e-5 relative): rtol 1e-4. No convolved sample lies
        // within 0.86 % of its threshold, so f32 makes the same threshold decisions.
        assertClose(delta(net.parameters(), initial), expectedDelta(want), { atol: 5e-7, rtol: 1e-4 });
        if (index === 0 && variant === "plain") {
          const S = 8;
          const free = net.particles();
          fx.free.forEach((layersOf: number[][], b: number) => assertClose(free.subarray(b * S, (b + 1) * S), [...layersOf[1], ...layersOf[2]], { atol: 2e-6 }));
        }
        net.dispose();
      });
    }
  }
});

describe("SIMD and scalar builds", () => {
  for (const variant of ["plain", "memory"] as const) {
    it(`${variant}: identical parameters after three steps (hidden width 37 exercises the 16-, 4- and 1-wide paths)`, () => {
      const layers = [23, 37, 6];
      const data = toyData(12, 23, 6, 21);
      const run = (backend: "simd" | "scalar") => {
        const net = new EqProp({ layers, variant, batchSize: 4, seed: 4, backend, memory: { weightThresholds: [1e-4, 2e-4], biasThresholds: [2e-4, 1e-3] } }, { train: data });
        for (let i = 0; i < 3; i++) net.trainBatch(i, i === 1 ? -1 : 1);
        const p = net.parameters();
        net.dispose();
        return p;
      };
      const a = run("simd"), b = run("scalar");
      a.weights.forEach((w, l) => expect(Array.from(w)).toEqual(Array.from(b.weights[l])));
      a.biases.forEach((w, l) => expect(Array.from(w)).toEqual(Array.from(b.biases[l])));
    });
  }
});

describe("training on MNIST", () => {
  for (const variant of ["plain", "memory"] as const) {
    it(`${variant}: three epochs on 500 digits beat chance clearly on 500 held-out digits`, async () => {
      const { train, test } = await loadMnist({ train: 500, test: 500, seed: 7 });
      const net = new EqProp({ variant, seed: 7 }, { train, test });
      let last = net.trainEpoch();
      for (let e = 1; e < 3; e++) last = net.trainEpoch();
      // Chance is 90 % error; seeded, so the figure is fixed (about 0.2 for both variants).
      expect(last.testError).not.toBeNull();
      expect(last.testError!).toBeLessThan(0.4);
      expect(last.trainError).toBeLessThan(0.5);
      expect(last.epoch).toBe(3);
      net.dispose();
    }, 60_000);
  }

  it("the split is seeded, disjoint, and keeps all ten classes", async () => {
    const a = await loadMnist({ train: 300, test: 100, seed: 1 });
    const b = await loadMnist({ train: 300, test: 100, seed: 1 });
    const c = await loadMnist({ train: 300, test: 100, seed: 2 });
    expect(Array.from(a.train.labels)).toEqual(Array.from(b.train.labels));
    expect(Array.from(a.test.images)).toEqual(Array.from(b.test.images));
    expect(Array.from(c.train.images.subarray(0, 784 * 10))).not.toEqual(Array.from(a.train.images.subarray(0, 784 * 10)));
    expect(new Set(Array.from(a.train.labels)).size).toBe(10);
    expect(a.train.images.length).toBe(300 * 784);
    expect(a.train.images.every((x) => x >= 0 && x <= 1)).toBe(true);
    // Disjoint: no held-out image is also a training image.
    const key = (images: Float32Array, i: number) => images.subarray(i * 784, (i + 1) * 784).join(",");
    const trainKeys = new Set(Array.from({ length: 300 }, (_, i) => key(a.train.images, i)));
    expect(Array.from({ length: 100 }, (_, i) => key(a.test.images, i)).filter((k) => trainKeys.has(k))).toEqual([]);
    await expect(loadMnist({ train: 9000, test: 2000 })).rejects.toThrow(RangeError);
  });
});

describe("saving and loading", () => {
  it("round-trips exactly and restores the epoch", () => {
    const data = toyData(8, 7, 3, 2);
    const net = new EqProp({ ...SMALL }, { train: data });
    net.trainEpoch();
    const bytes = net.save();
    const other = new EqProp({ ...SMALL, seed: 99 });
    other.load(bytes);
    expect(other.epoch).toBe(1);
    const a = net.parameters(), b = other.parameters();
    a.weights.forEach((w, l) => expect(Array.from(b.weights[l])).toEqual(Array.from(w)));
    a.biases.forEach((w, l) => expect(Array.from(b.biases[l])).toEqual(Array.from(w)));
    net.dispose();
    other.dispose();
  });

  it("rejects other shapes, other versions and truncated files", () => {
    const net = new EqProp({ ...SMALL });
    const bytes = net.save();
    const wide = new EqProp({ layers: [7, 6, 3] });
    expect(() => wide.load(bytes)).toThrow(/7-5-3.*7-6-3/);
    const bumped = bytes.slice();
    new DataView(bumped.buffer).setUint32(4, 99, true);
    expect(() => net.load(bumped)).toThrow(/version 99/);
    expect(() => net.load(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    expect(() => loadParameters(new Uint8Array(8))).toThrow(/magic/);
    const p = loadParameters(saveParameters(net.parameters(), { epoch: 4 }));
    expect(p.epoch).toBe(4);
    net.dispose();
    wide.dispose();
  });
});

describe("bad input", () => {
  it("names the option, the image or the label", () => {
    expect(() => new EqProp({ layers: [784] })).toThrow(RangeError);
    expect(() => new EqProp({ layers: [10, 0, 3] })).toThrow(/layers\[1\]/);
    expect(() => new EqProp({ variant: "hebbian" as never })).toThrow(/variant/);
    expect(() => new EqProp({ layers: [4, 3, 3, 3, 3, 2] })).toThrow(/learningRates/);
    expect(() => new EqProp({ learningRates: [0.1] })).toThrow(/learningRates/);
    expect(() => new EqProp({ epsilon: Number.NaN })).toThrow(/epsilon/);
    expect(() => new EqProp({ memory: { tauSlow: -1 } })).toThrow(/memory.tauSlow/);
    expect(() => new EqProp({ memory: { weightThresholds: [-1, 0] } })).toThrow(/weightThresholds\[0\]/);
    expect(() => new EqProp({ memory: { kernel: new Array(200).fill(0) } })).toThrow(/kernel/);
    expect(() => new EqProp({ batchsize: 3 } as never)).toThrow(/unknown option "batchsize"/);
    // 784 × 800 000 f32 weights need 2.5 GB, more than wasm's 2 GiB: refused before anything is allocated.
    expect(() => new EqProp({ layers: [784, 800000, 10] })).toThrow(/need .* of wasm memory/);
    const layers = [7, 5, 3];
    expect(() => new EqProp({ layers }, { train: { images: new Float32Array(13), labels: [0] } })).toThrow(/train.images.*multiple of the input size 7/);
    expect(() => new EqProp({ layers }, { train: { images: new Float32Array(7), labels: [3] } })).toThrow(/train.labels\[0\] = 3 is outside 0–2/);
    expect(() => new EqProp({ layers }, { train: { images: new Float32Array(7).fill(2), labels: [0] } })).toThrow(/pixels must lie in \[0, 1\]/);
    expect(() => new EqProp({ layers }, { test: { images: new Float32Array(14), labels: [0] } })).toThrow(/test.labels has 1 entries for 2 images/);
    const net = new EqProp({ layers });
    expect(() => net.relax(new Float32Array(13))).toThrow(/relax.images has 13 values, not a positive multiple of the input size 7/);
    expect(() => net.relax([0, 0, 0, 0, 0, 0, 0] as never)).toThrow(/relax.images must be a Float32Array/);
    expect(() => net.relax(undefined as never)).toThrow(/relax.images must be a Float32Array/);
    expect(() => net.energy(new Float32Array(13), new Float32Array(0))).toThrow(/energy.images has 13 values/);
    expect(() => net.energy(null as never, new Float32Array(0))).toThrow(/energy.images must be a Float32Array/);
    net.dispose();
  });
});

describe("divergence", () => {
  it("an epoch whose update makes a parameter non-finite throws and is not counted", () => {
    // One mini-batch per epoch, so the check at the end of the epoch is the one that fires; a rate of
    // 1e300 is Infinity once in f32.
    const net = new EqProp({ ...SMALL, learningRates: [1e300, 1e300] }, { train: toyData(4, 7, 3, 5) });
    expect(() => net.trainEpoch()).toThrow(/training diverged/);
    expect(net.epoch).toBe(0);
    net.dispose();
  });
});

describe("dot_f32 (the relaxation's forward products)", () => {
  it("matches an f64 sum at sizes around the lane width, and the two builds agree bit for bit", async () => {
    const { WasmInstance } = await import("../src/core/instance.js");
    const results: Record<string, number[]> = {};
    for (const backend of BACKENDS) {
      const wasm = new WasmInstance("dot test", backend);
      const a = wasm.alloc(4 * 1001, "a"), b = wasm.alloc(4 * 1001, "b");
      results[backend] = [];
      for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 19, 1001]) {
        const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1)), y = Float32Array.from({ length: n }, (_, i) => Math.cos(3 * i));
        wasm.f32.set(x, a >> 2);
        wasm.f32.set(y, b >> 2);
        const got = wasm.exports.dot_f32(a, b, n);
        let exact = 0;
        for (let i = 0; i < n; i++) exact += x[i] * y[i];
        assertClose(got, exact, { atol: 1e-6 * Math.sqrt(n + 1) }); // f32 partial sums: ~√n·6e-8 relative to terms ≤ 1
        results[backend].push(got);
      }
      wasm.dispose();
    }
    expect(results.simd).toEqual(results.scalar);
  });
});

describe("thermolearn eqprop (the bundled CLI, dist/cli.js)", () => {
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, ["dist/cli.js", "eqprop", ...args], { encoding: "utf8" });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it("writes the JSON log and SVG, saves, and resumes from the saved parameters", () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-eqprop-"));
    const a = run("--variant", "plain", "--epochs", "2", "--train", "400", "--test", "200", "--seed", "3", "--json", join(dir, "a.json"), "--svg", join(dir, "a.svg"), "--save", join(dir, "w.bin"));
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/epoch {3}2 {2}train error/);
    const log = JSON.parse(readFileSync(join(dir, "a.json"), "utf8"));
    expect(log).toMatchObject({ seed: 3, version: VERSION, status: "completed", config: { variant: "plain", layers: [784, 500, 10] } });
    expect(log.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    for (const e of log.epochs) {
      for (const key of ["trainError", "testError"]) expect(e[key] >= 0 && e[key] <= 1, key).toBe(true);
      expect(e.seconds).toBeGreaterThan(0);
    }
    expect(readFileSync(join(dir, "a.svg"), "utf8")).toMatch(/^<svg/);
    const b = run("--variant", "plain", "--epochs", "1", "--train", "400", "--test", "200", "--seed", "3", "--resume", join(dir, "w.bin"), "--json", join(dir, "b.json"), "--svg", join(dir, "b.svg"));
    expect(b.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "b.json"), "utf8")).epochs[0].epoch).toBe(3);
    const wrong = run("--layers", "784,300,10", "--epochs", "1", "--train", "40", "--test", "20", "--resume", join(dir, "w.bin"), "--json", join(dir, "c.json"), "--svg", join(dir, "c.svg"));
    expect(wrong).toMatchObject({ code: 2, err: expect.stringMatching(/784-500-10.*784-300-10/) });
  }, 60_000);

  it("bad flags exit 2 naming the flag", () => {
    expect(run("--variant", "hebbian")).toMatchObject({ code: 2, err: expect.stringMatching(/--variant/) });
    expect(run("--epochs", "x")).toMatchObject({ code: 2, err: expect.stringMatching(/--epochs expects a number/) });
    expect(run("--train", "9000", "--test", "2000")).toMatchObject({ code: 2, err: expect.stringMatching(/--train/) });
    expect(run("--rates", "0.1")).toMatchObject({ code: 2, err: expect.stringMatching(/--rates/) });
  }, 30_000);

  it("Ctrl-C stops after the current mini-batch and keeps the last completed epoch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "thermolearn-eqprop-"));
    const child = spawn(process.execPath, ["dist/cli.js", "eqprop", "--epochs", "1000", "--train", "1000", "--test", "100", "--json", join(dir, "i.json"), "--svg", join(dir, "i.svg"), "--save", join(dir, "i.bin")]);
    let out = "", sent = false;
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on("data", (chunk) => {
        out += chunk;
        if (!sent && /epoch {3}2 /.test(out)) { sent = true; child.kill("SIGINT"); } // once: a second Ctrl-C kills, as usual
      });
      child.on("exit", (c) => resolve(c));
    });
    expect(code).toBe(130);
    const log = JSON.parse(readFileSync(join(dir, "i.json"), "utf8"));
    expect(log.status).toBe("interrupted");
    const kept = log.epochs.length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(loadParameters(new Uint8Array(readFileSync(join(dir, "i.bin")))).epoch).toBe(kept);
  }, 60_000);
});
