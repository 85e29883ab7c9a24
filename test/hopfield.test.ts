import { describe, it, expect } from "vitest";
import {
  Hopfield, hopfieldCapacity, runHopfieldCapacity, resolveCapacityConfig, loadRange, type CapacityLoad, exactUnstableFraction, predictedUnstableFraction, predictedUnstableFractionFiniteN, type StorageRule,
} from "../src/index.js";
import { refEnergy, refFields, refHebbian, refPseudoinverse, refStorkey } from "../src/ref/hopfield.js";
import { Rng } from "../src/rng.js";
import { WasmInstance } from "../src/core/instance.js";
import { assertClose, BACKENDS } from "./helpers/assert.js";

const RULES: StorageRule[] = ["hebbian", "storkey", "pseudoinverse"];

function randomSpins(n: number, seed: number): Int8Array {
  const u = new Rng({ seed }).uniform(n);
  return Int8Array.from(u, (x) => (x < 0.5 ? 1 : -1));
}

describe("storage rules against the TS reference", () => {
  const refs = { hebbian: refHebbian, storkey: refStorkey, pseudoinverse: refPseudoinverse };
  for (const rule of RULES) {
    it(`${rule}: weights, fields and energy`, () => {
      const n = 37, k = 6;
      const patterns = Array.from({ length: k }, (_, mu) => randomSpins(n, 100 + mu));
      const bias = Float64Array.from({ length: n }, (_, i) => 0.01 * Math.sin(i));
      const net = new Hopfield({ patterns, rule, bias, path: "dense" });
      const ref = refs[rule](patterns);
      // Weights are stored in f32: relative rounding 6e-8 of entries ≲ 1, plus Storkey's K
      // incremental f32 roundings; 1e-5 absolute is ≥ 10× that and far below any rule's entries.
      assertClose(net.weights()!, ref, { atol: 1e-5 });
      const x = randomSpins(n, 7);
      net.setState(x);
      // Fields sum N = 37 f32 products: |error| ≲ 37 · 6e-8 · Σ|w| ≪ 1e-4.
      assertClose(net.fields(), refFields(ref, x, bias), { atol: 1e-4 });
      // E = −½ xᵀWx − bᵀx over N² f32 weights (|w| ≤ 1): |error| ≲ ½ · 37² · 6e-8 ≈ 4e-5; seen ≤ 4.2e-8.
      assertClose(net.energy(), refEnergy(ref, x, bias), { atol: 1e-4 });
      net.dispose();
    });
  }

  it("the pseudo-inverse rule makes every pattern a fixed point, up to K = N/2", () => {
    const net = new Hopfield({ n: 120, count: 60, rule: "pseudoinverse", seed: 3 });
    expect(net.unstableFraction()).toBe(0);
    net.dispose();
  });

  it("patterns given bit-packed equal the same patterns as Int8Array", () => {
    const n = 70, rows = [randomSpins(n, 1), randomSpins(n, 2)];
    const bits = new Uint8Array(2 * 9);
    rows.forEach((row, mu) => row.forEach((v, i) => { if (v > 0) bits[mu * 9 + (i >> 3)] |= 1 << (i & 7); }));
    const a = new Hopfield({ n, patterns: rows }), b = new Hopfield({ n, patterns: { bits, count: 2 } });
    expect(Array.from(b.pattern(1))).toEqual(Array.from(rows[1]));
    expect(Array.from(b.fields())).toEqual(Array.from(a.fields()));
    a.dispose();
    b.dispose();
  });
});

describe("the Hebbian fast path", () => {
  for (const backend of BACKENDS) {
    for (const dynamics of ["sync", "async", "glauber"] as const) {
      it(`${backend}: gives exactly the dense path's trajectories (${dynamics})`, () => {
        // N = 257 crosses a 64-bit word; K = 37 crosses the 8-pattern groups; ties h = 0 occur (K odd, N odd).
        const make = (path: "fast" | "dense") => new Hopfield({ n: 257, count: 37, seed: 11, path, backend, bias: 0 });
        const fast = make("fast"), dense = make("dense");
        for (let trial = 0; trial < 5; trial++) {
          const x = randomSpins(257, 50 + trial);
          fast.setState(x);
          dense.setState(x);
          expect(Array.from(fast.fields())).toEqual(Array.from(dense.fields()));
          const options = { dynamics, maxSweeps: 30, seed: trial, ...(dynamics === "glauber" ? { temperature: 0.3 } : {}) };
          const a = fast.run(options), b = dense.run(options);
          expect(a.status).toBe(b.status);
          expect(a.sweeps).toBe(b.sweeps);
          expect(Array.from(a.energy)).toEqual(Array.from(b.energy));
          expect(Array.from(fast.state())).toEqual(Array.from(dense.state()));
        }
        fast.dispose();
        dense.dispose();
      });
    }
  }

  it("SIMD and scalar dense matvecs give the same bits (Storkey weights)", () => {
    const run = (backend: "simd" | "scalar") => {
      const net = new Hopfield({ n: 203, count: 20, rule: "storkey", seed: 5, backend });
      const r = net.recall(3, { flipFraction: 0.3, seed: 9 });
      const out = { fields: Array.from(net.fields()), energy: Array.from(r.energy) };
      net.dispose();
      return out;
    };
    expect(run("simd")).toEqual(run("scalar"));
  });
});

describe("the dense matvec kernel (dense_matvec) against the TS reference", () => {
  // Sizes around the 4-row panels and 4-column chunks (and the 8-column unrolled loop), and a large odd N.
  const SIZES = [0, 1, 3, 4, 5, 15, 16, 17, 37, 1001];

  /** A symmetric N × N f32 matrix: integers in [−100, 100] (exact sums), or reals in (−1, 1). */
  function symmetric(n: number, seed: number, integer: boolean): Float32Array {
    const u = new Rng({ seed }).uniform(n * n);
    const w = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = integer ? Math.round(200 * u[i * n + j]) - 100 : 2 * u[i * n + j] - 1;
        w[i * n + j] = v;
        w[j * n + i] = v;
      }
    }
    return w;
  }

  /** out = W x through the pointer-level export of one build. */
  function matvec(backend: "simd" | "scalar", w: Float32Array, x: Int8Array): Float32Array {
    const n = x.length;
    const wasm = new WasmInstance("dense_matvec test", backend);
    const pw = wasm.alloc(4 * n * n, "w"), px = wasm.alloc(4 * n, "x"), po = wasm.alloc(4 * n, "out");
    wasm.f32.set(w, pw >> 2);
    wasm.f32.set(Float32Array.from(x), px >> 2);
    wasm.f32.fill(Number.NaN, po >> 2, (po >> 2) + n); // the kernel must overwrite, not accumulate
    wasm.exports.dense_matvec(pw, px, po, n);
    const out = wasm.f32.slice(po >> 2, (po >> 2) + n);
    wasm.dispose();
    return out;
  }

  for (const backend of BACKENDS) {
    it(`${backend}: integer weights give the exact sums, N = ${SIZES.join(", ")}`, () => {
      for (const n of SIZES) {
        const w = symmetric(n, 300 + n, true), x = randomSpins(n, 400 + n);
        // |partial sums| ≤ 100·N < 2²⁴: every f32 addition is exact, in any order.
        expect(Array.from(matvec(backend, w, x)), `N = ${n}`).toEqual(Array.from(refFields(w, x, new Float64Array(n))));
      }
    });

    it(`${backend}: real weights agree within the f32 summation bound, N = ${SIZES.join(", ")}`, () => {
      for (const n of SIZES) {
        const w = symmetric(n, 500 + n, false), x = randomSpins(n, 600 + n);
        const got = matvec(backend, w, x), want = refFields(w, x, new Float64Array(n));
        for (let i = 0; i < n; i++) {
          // Each out_i adds N terms ±w_ij in f32 (any order): |error| ≤ N·2⁻²⁴·Σ_j |w_ij| (first order).
          let abs = 0;
          for (let j = 0; j < n; j++) abs += Math.abs(w[i * n + j]);
          expect(Math.abs(got[i] - want[i]), `N = ${n}, i = ${i}`).toBeLessThanOrEqual(1.01 * n * 2 ** -24 * abs);
        }
      }
    });
  }

  it("the SIMD and scalar builds give the same bits (real weights)", () => {
    for (const n of SIZES) {
      const w = symmetric(n, 700 + n, false), x = randomSpins(n, 800 + n);
      expect(Array.from(matvec("simd", w, x)), `N = ${n}`).toEqual(Array.from(matvec("scalar", w, x)));
    }
  });
});

describe("dynamics", () => {
  for (const rule of RULES) {
    it(`energy never increases under asynchronous updates (${rule}, with bias)`, () => {
      for (let trial = 0; trial < 4; trial++) {
        const n = 150, k = rule === "pseudoinverse" ? 40 : 25;
        const bias = Float64Array.from({ length: n }, (_, i) => 0.05 * Math.cos(3 * i + trial));
        const net = new Hopfield({ n, count: k, rule, seed: 40 + trial, bias });
        net.setState(randomSpins(n, 900 + trial));
        const { energy } = net.run({ dynamics: "async", maxSweeps: 50, seed: trial });
        // Hebbian fields are exact integers/N, so ΔE ≤ 0 exactly; Storkey/pseudo-inverse weights are
        // f32 and their fields are updated incrementally in f32: allow 1e-4 (≫ N·6e-8·Σ|w|, ≪ |ΔE| of a flip).
        const slack = rule === "hebbian" ? 0 : 1e-4;
        for (let t = 1; t < energy.length; t++) expect(energy[t]).toBeLessThanOrEqual(energy[t - 1] + slack);
        expect(energy.at(-1)!).toBeLessThan(energy[0]);
        net.dispose();
      }
    });
  }

  it("a run's energy trace starts and ends at the energies of its first and last states, to the bit", () => {
    for (const rule of RULES) {
      for (const path of rule === "hebbian" ? (["fast", "dense"] as const) : (["dense"] as const)) {
        for (const dynamics of ["sync", "async"] as const) {
          const net = new Hopfield({ n: 130, count: 12, rule, seed: 3, path });
          net.setState(randomSpins(130, 77));
          const before = net.energy();
          const { energy, sweeps } = net.run({ dynamics, maxSweeps: 20, seed: 1 });
          const at = `${rule}/${path}/${dynamics}`;
          expect(energy, at).toHaveLength(sweeps + 1);
          expect(energy[0], at).toBe(before);
          expect(energy[sweeps], at).toBe(net.energy());
          net.dispose();
        }
      }
    }
  });

  it("synchronous dynamics detects a 2-cycle", () => {
    // Two neurons coupled antiferromagnetically: (+,+) → (−,−) → (+,+).
    const net = new Hopfield({ weights: new Float64Array([0, -1, -1, 0]), patterns: [new Int8Array([1, 1])] });
    const r = net.run({ dynamics: "sync", maxSweeps: 10 });
    expect(r.status).toBe("cycle");
    expect(r.sweeps).toBe(2);
    net.dispose();
  });

  it("synchronous dynamics reaching the all-(+1) state is no 2-cycle, whatever n mod 64", () => {
    // No couplings, bias +10: from all −1 every neuron turns +1 in step 1, and step 2 changes nothing.
    // At n = 64 and 128 the packed all-(+1) state fills whole words with ones.
    for (const n of [63, 64, 65, 128]) {
      const net = new Hopfield({ weights: new Float64Array(n * n), bias: 10 });
      net.setState(new Int8Array(n).fill(-1));
      expect(net.run({ dynamics: "sync", maxSweeps: 10 }), `n = ${n}`).toMatchObject({ status: "fixed-point", sweeps: 2 });
      expect(Array.from(net.state()).every((x) => x === 1)).toBe(true);
      net.dispose();
    }
  });

  it("a fixed point is reported at once, and the sweep limit when none is reached", () => {
    const net = new Hopfield({ n: 300, count: 5, seed: 2 });
    net.setPattern(1);
    expect(net.run({ dynamics: "async" })).toMatchObject({ status: "fixed-point", sweeps: 1 });
    const hot = net.run({ dynamics: "glauber", temperature: 50, maxSweeps: 7 });
    expect(hot).toMatchObject({ status: "max-sweeps", sweeps: 7 });
    // At T = 50 ≫ |h| ≈ 1 the spins are nearly random: the overlap with pattern 1 is O(1/√N) ≈ 0.06.
    expect(Math.abs(net.overlaps()[1])).toBeLessThan(0.3);
    net.dispose();
  });

  it("recalls corrupted patterns at low load, reporting overlaps and sweeps", () => {
    const net = new Hopfield({ n: 500, count: 10, seed: 8 });
    for (let mu = 0; mu < 10; mu++) {
      const r = net.recall(mu, { flipFraction: 0.2, seed: mu });
      // 20 % flips: initial overlap 1 − 2·0.2 = 0.6 ± 2·√(0.16/500) ≈ 0.6 ± 0.04.
      expect(Math.abs(r.initialOverlap - 0.6)).toBeLessThan(0.1);
      expect(r.success).toBe(true);
      expect(r.finalOverlap).toBe(1);
      expect(r.hamming).toBe(0);
      expect(r.flipped).toBe(net.hamming(r.corrupted));
    }
    net.dispose();
    // Above capacity (K/N = 0.2) recall ends away from the pattern; the reported distance is the state's.
    const full = new Hopfield({ n: 200, count: 40, seed: 2 });
    const r = full.recall(0, { flipFraction: 0.3, seed: 1 });
    expect(r.success).toBe(false);
    expect(r.hamming).toBeGreaterThan(0);
    expect(r.hamming).toBe(full.hamming(0));
    expect(r.finalOverlap).toBe((200 - 2 * r.hamming) / 200); // M/N with M = N − 2·Hamming
    full.dispose();
  });
});

describe("capacity", () => {
  it("exact finite-N unstable fraction tends to Φ(−√(N/K))", () => {
    expect(predictedUnstableFraction(1000, 138)).toBeCloseTo(3.55e-3, 5);
    expect(predictedUnstableFraction(1000, 50)).toBeCloseTo(3.9e-6, 7);
    const ratio = (n: number) => exactUnstableFraction(n, n / 10) / predictedUnstableFraction(n, n / 10);
    expect(Math.abs(1 - ratio(200_000))).toBeLessThan(Math.abs(1 - ratio(1000)));
    expect(Math.abs(1 - ratio(200_000))).toBeLessThan(0.01);
    // The finite-N signal-to-noise form tracks the exact tail closely (a Gaussian tail of a binomial):
    // observed relative error 4.9e-4 at K = 50 (the deepest tail, ~3e-6), ≤ 3e-5 for K ≥ 100; 1e-3 is
    // twice the worst, far below the 1–6 % by which Φ(−√(N/K)) misses.
    for (const k of [50, 100, 138, 200]) assertClose(predictedUnstableFractionFiniteN(1000, k), exactUnstableFraction(1000, k), { rtol: 1e-3 });
  });

  it("unstable bits match the exact expectation within sampling error; retrieval collapses past 0.14", () => {
    const r = hopfieldCapacity({ n: 500, loads: [0.05, 0.1, 0.15, 0.2], trials: 12, seed: 1, recallPatterns: 8 });
    expect(r.status).toBe("completed");
    // Load 0.05 (K = 25): the expected count of unstable bits over 12 networks × K × N bits is
    // exact·12·K·N ≈ 0.38, so the standard error is usually 0 and unusable. Count them instead:
    // Poisson(0.38) exceeds 5 with probability 3e-6.
    const bits0 = r.config.trials * r.k[0] * r.config.n;
    expect(r.exactUnstable![0] * bits0).toBeLessThan(0.5);
    expect(Math.round(r.unstableFraction[0] * bits0)).toBeLessThanOrEqual(5);
    for (let i = 1; i < 4; i++) {
      // Standard error from the spread over 12 networks, so |z| follows Student's t with 11 degrees of
      // freedom: |z| > 3.5 has probability 0.5 % per load, 1.5 % for these three (scipy t.sf). This
      // seeded run measures |z| ≤ 1.06.
      expect(Math.abs(r.unstableFraction[i] - r.exactUnstable![i])).toBeLessThan(3.5 * r.unstableStdError[i]);
    }
    expect(r.retrievalOverlap[0]).toBeGreaterThan(0.98);
    expect(r.retrievalOverlap[3]).toBeLessThan(0.8);
    expect(r.loads).toHaveLength(4);
    expect(r.predictedUnstable).toHaveLength(4);
  });

  it("a load measured alone gives the same numbers as inside a longer sweep", () => {
    const whole = hopfieldCapacity({ n: 120, loads: [0.05, 0.1, 0.15], trials: 3, seed: 6, recallPatterns: 2 });
    const alone = hopfieldCapacity({ n: 120, loads: [0.1], trials: 3, seed: 6, recallPatterns: 2 });
    expect(alone.k).toEqual([whole.k[1]]);
    expect(alone.unstableFraction[0]).toBe(whole.unstableFraction[1]);
    expect(alone.retrievalOverlap[0]).toBe(whole.retrievalOverlap[1]);
    expect(alone.perfectRecallFraction[0]).toBe(whole.perfectRecallFraction[1]);
  });

  it("onLoad hands over each load as it is measured: the result's entries at that index", async () => {
    const rows: CapacityLoad[] = [];
    const r = hopfieldCapacity({ n: 120, loads: [0.05, 0.1, 0.15], trials: 3, seed: 6, recallPatterns: 2, onLoad: (row) => rows.push(row) });
    expect(rows.map((row) => row.load)).toEqual(r.loads);
    rows.forEach((row, i) => {
      expect(row).toEqual({
        load: r.loads[i], k: r.k[i], unstableFraction: r.unstableFraction[i], unstableStdError: r.unstableStdError[i],
        predictedUnstable: r.predictedUnstable[i], predictedUnstableFiniteN: r.predictedUnstableFiniteN[i],
        exactUnstable: r.exactUnstable![i], retrievalOverlap: r.retrievalOverlap[i], retrievalStdError: r.retrievalStdError[i],
        perfectRecallFraction: r.perfectRecallFraction[i],
      });
    });
    // Stopped during the second load: only the first, complete load is handed over and returned.
    const controller = new AbortController();
    const partial: CapacityLoad[] = [];
    const stopped = await runHopfieldCapacity({
      n: 120, loads: [0.05, 0.1, 0.15], trials: 3, seed: 6, recallPatterns: 2, signal: controller.signal,
      onLoad: (row) => partial.push(row), onProgress: (p) => { if (p.step === 4) controller.abort(); },
    });
    expect(stopped.status).toBe("aborted");
    expect(partial).toEqual(rows.slice(0, 1));
    expect(stopped.unstableFraction).toEqual([r.unstableFraction[0]]);
    expect(() => hopfieldCapacity({ n: 100, onLoad: 3 as never })).toThrow(/onLoad must be a function/);
  });

  it("loadRange steps from start to stop inclusive, rounded, and refuses bad ranges", () => {
    expect(loadRange(0.01, 0.2, 0.01)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) / 100));
    expect(loadRange(0.1, 0.1, 0.05)).toEqual([0.1]);
    expect(() => loadRange(0.1, 0.2, 0)).toThrow(/step > 0/);
    expect(() => loadRange(0.2, 0.1, 0.01)).toThrow(/stop ≥ start/);
    expect(() => loadRange(Number.NaN, 0.1, 0.01)).toThrow(/finite bounds/);
    expect(() => loadRange(0.01, 0.2, 0.001, 100)).toThrow(/191 points is more than 100/);
  });

  it("perfect recall fails first for Hebbian, later for Storkey", () => {
    const loads = [0.02, 0.06, 0.1, 0.14];
    const hebb = hopfieldCapacity({ n: 200, rule: "hebbian", loads, trials: 6, recallPatterns: 0 });
    const storkey = hopfieldCapacity({ n: 200, rule: "storkey", loads, trials: 6, recallPatterns: 0 });
    expect(storkey.perfectRecallK!).toBeGreaterThan(hebb.perfectRecallK!);
    expect(hebb.predictedPerfectRecallK).toBeCloseTo(200 / (2 * Math.log(200)), 10);
  });
});

describe("corrupting the current state", () => {
  it("flips the requested fraction, seeded", () => {
    const net = new Hopfield({ n: 2000, count: 3, seed: 1 });
    net.setPattern(0);
    const flips = net.corrupt(0.25, { seed: 5 });
    // Binomial(2000, 0.25): mean 500, std ≈ 19; 5σ.
    expect(Math.abs(flips - 500)).toBeLessThan(97);
    expect(net.hamming(0)).toBe(flips);
    net.setPattern(0);
    expect(net.corrupt(0.25, { seed: 5 })).toBe(flips);
    expect(() => net.corrupt(1.5)).toThrow(/fraction must be in \[0, 1\]/);
    net.dispose();
  });
});

describe("bad input", () => {
  it("throws TypeError/RangeError naming the option", () => {
    expect(() => new Hopfield({ n: 10, patterns: [new Int8Array(9)] })).toThrow(/patterns\[0\] has length 9, but n = 10/);
    expect(() => new Hopfield({ patterns: [Int8Array.from([1, 0, -1])] })).toThrow(/patterns\[0\]\[1\] must be \+1 or −1/);
    expect(() => new Hopfield({ patterns: [] })).toThrow(/K = 0/);
    expect(() => new Hopfield({ n: 10, count: 0 })).toThrow(/count/);
    expect(() => new Hopfield({ count: 3 })).toThrow(/n is required/);
    expect(() => new Hopfield({ n: 60_000, rule: "storkey" })).toThrow(/n too large/);
    expect(() => new Hopfield({ n: 5, rule: "pseudoinverse", count: 6 })).toThrow(/at most n = 5/);
    expect(() => new Hopfield({ weights: new Float64Array([0, 1, 2, 0]) })).toThrow(/symmetric/);
    expect(() => new Hopfield({ n: 10, path: "fast", rule: "storkey" })).toThrow(/path "fast"/);
    const net = new Hopfield({ n: 10, count: 2 });
    expect(() => net.run({ maxSweeps: 0 })).toThrow(/maxSweeps/);
    expect(() => net.run({ dynamics: "glauber" })).toThrow(/temperature/);
    expect(() => net.setState(new Int8Array(10))).toThrow(/state\[0\] must be \+1 or −1/);
    expect(() => net.recall(5)).toThrow(/pattern/);
    expect(() => hopfieldCapacity({ n: 100, loads: [0.1, -1] })).toThrow(/loads\[1\]/);
    expect(() => hopfieldCapacity({ n: 1000, loads: [0.05, 70] })).toThrow(/loads\[1\] gives K = 70000/);
    expect(() => resolveCapacityConfig({ n: 1 })).toThrow(/n must be in \[2/);
    expect(resolveCapacityConfig({}).loads).toHaveLength(20);
    net.dispose();
  });
});
