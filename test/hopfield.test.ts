import { describe, it, expect } from "vitest";
import {
  Hopfield,
  runHopfieldCapacity,
  runHopfieldCapacityAsync,
  resolveCapacityConfig,
  loadRange,
  type CapacityLoad,
  exactUnstableFraction,
  predictedUnstableFraction,
  predictedUnstableFractionFiniteN,
  type StorageRule,
  predictedPerfectRecall,
  predictedPerfectRecallFiniteN,
  MAX_SWEEPS,
  resolveHopfieldConfig,
} from "../src/hopfield/index.js";
import { erfc, logGamma } from "../src/math/special.js";
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
      const n = 37,
        k = 6;
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
    const n = 70,
      rows = [randomSpins(n, 1), randomSpins(n, 2)];
    const bits = new Uint8Array(2 * 9);
    rows.forEach((row, mu) => {
      row.forEach((v, i) => {
        if (v > 0) bits[mu * 9 + (i >> 3)] |= 1 << (i & 7);
      });
    });
    const a = new Hopfield({ n, patterns: rows }),
      b = new Hopfield({ n, patterns: { bits, count: 2 } });
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
        const fast = make("fast"),
          dense = make("dense");
        for (let trial = 0; trial < 5; trial++) {
          const x = randomSpins(257, 50 + trial);
          fast.setState(x);
          dense.setState(x);
          expect(Array.from(fast.fields())).toEqual(Array.from(dense.fields()));
          const options = {
            dynamics,
            maxSweeps: 30,
            seed: trial,
            ...(dynamics === "glauber" ? { temperature: 0.3 } : {}),
          };
          const a = fast.run(options),
            b = dense.run(options);
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

describe("the dense matvec kernel (matvec_sym_sign_f32) against the TS reference", () => {
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
    const wasm = new WasmInstance("matvec_sym_sign_f32 test", backend);
    const pw = wasm.alloc(4 * n * n, "w"),
      px = wasm.alloc(4 * n, "x"),
      po = wasm.alloc(4 * n, "out");
    wasm.f32.set(w, pw >> 2);
    wasm.f32.set(Float32Array.from(x), px >> 2);
    wasm.f32.fill(Number.NaN, po >> 2, (po >> 2) + n); // the kernel must overwrite, not accumulate
    wasm.exports.matvec_sym_sign_f32(pw, px, po, n);
    const out = wasm.f32.slice(po >> 2, (po >> 2) + n);
    wasm.dispose();
    return out;
  }

  for (const backend of BACKENDS) {
    it(`${backend}: integer weights give the exact sums, N = ${SIZES.join(", ")}`, () => {
      for (const n of SIZES) {
        const w = symmetric(n, 300 + n, true),
          x = randomSpins(n, 400 + n);
        // |partial sums| ≤ 100·N < 2²⁴: every f32 addition is exact, in any order.
        expect(Array.from(matvec(backend, w, x)), `N = ${n}`).toEqual(Array.from(refFields(w, x, new Float64Array(n))));
      }
    });

    it(`${backend}: real weights agree within the f32 summation bound, N = ${SIZES.join(", ")}`, () => {
      for (const n of SIZES) {
        const w = symmetric(n, 500 + n, false),
          x = randomSpins(n, 600 + n);
        const got = matvec(backend, w, x),
          want = refFields(w, x, new Float64Array(n));
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
      const w = symmetric(n, 700 + n, false),
        x = randomSpins(n, 800 + n);
      expect(Array.from(matvec("simd", w, x)), `N = ${n}`).toEqual(Array.from(matvec("scalar", w, x)));
    }
  });
});

describe("dynamics", () => {
  for (const rule of RULES) {
    it(`energy never increases under asynchronous updates (${rule}, with bias)`, () => {
      for (let trial = 0; trial < 4; trial++) {
        const n = 150,
          k = rule === "pseudoinverse" ? 40 : 25;
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
      expect(net.run({ dynamics: "sync", maxSweeps: 10 }), `n = ${n}`).toMatchObject({
        status: "fixed-point",
        sweeps: 2,
      });
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
    for (const k of [50, 100, 138, 200])
      assertClose(predictedUnstableFractionFiniteN(1000, k), exactUnstableFraction(1000, k), { rtol: 1e-3 });
  });

  it("unstable bits match the exact expectation within sampling error; retrieval collapses past 0.14", () => {
    const r = runHopfieldCapacity({ n: 500, loads: [0.05, 0.1, 0.15, 0.2], trials: 12, seed: 1, recallPatterns: 8 });
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
    const whole = runHopfieldCapacity({ n: 120, loads: [0.05, 0.1, 0.15], trials: 3, seed: 6, recallPatterns: 2 });
    const alone = runHopfieldCapacity({ n: 120, loads: [0.1], trials: 3, seed: 6, recallPatterns: 2 });
    expect(Array.from(alone.k)).toEqual([whole.k[1]]);
    expect(alone.unstableFraction[0]).toBe(whole.unstableFraction[1]);
    expect(alone.retrievalOverlap[0]).toBe(whole.retrievalOverlap[1]);
    expect(alone.perfectRecallFraction[0]).toBe(whole.perfectRecallFraction[1]);
  });

  it("onLoad hands over each load as it is measured: the result's entries at that index", async () => {
    const rows: CapacityLoad[] = [];
    const r = runHopfieldCapacity({
      n: 120,
      loads: [0.05, 0.1, 0.15],
      trials: 3,
      seed: 6,
      recallPatterns: 2,
      onLoad: (row) => rows.push(row),
    });
    expect(rows.map((row) => row.load)).toEqual(Array.from(r.loads));
    rows.forEach((row, i) => {
      expect(row).toEqual({
        load: r.loads[i],
        k: r.k[i],
        unstableFraction: r.unstableFraction[i],
        unstableStdError: r.unstableStdError[i],
        predictedUnstable: r.predictedUnstable[i],
        predictedUnstableFiniteN: r.predictedUnstableFiniteN[i],
        exactUnstable: r.exactUnstable![i],
        retrievalOverlap: r.retrievalOverlap[i],
        retrievalStdError: r.retrievalStdError[i],
        perfectRecallFraction: r.perfectRecallFraction[i],
      });
    });
    // Stopped during the second load: only the first, complete load is handed over and returned.
    const controller = new AbortController();
    const partial: CapacityLoad[] = [];
    const stopped = await runHopfieldCapacityAsync({
      n: 120,
      loads: [0.05, 0.1, 0.15],
      trials: 3,
      seed: 6,
      recallPatterns: 2,
      signal: controller.signal,
      onLoad: (row) => partial.push(row),
      onProgress: (p) => {
        if (p.done === 4) controller.abort();
      },
    });
    expect(stopped.status).toBe("aborted");
    expect(partial).toEqual(rows.slice(0, 1));
    expect(Array.from(stopped.unstableFraction)).toEqual([r.unstableFraction[0]]);
    expect(() => runHopfieldCapacity({ n: 100, onLoad: 3 as never })).toThrow(/onLoad must be a function/);
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
    const hebb = runHopfieldCapacity({ n: 200, rule: "hebbian", loads, trials: 6, recallPatterns: 0 });
    const storkey = runHopfieldCapacity({ n: 200, rule: "storkey", loads, trials: 6, recallPatterns: 0 });
    expect(storkey.perfectRecallK!).toBeGreaterThan(hebb.perfectRecallK!);
  });

  it("measured capacity at N = 5 matches the exact probabilities, enumerated over every pattern set", () => {
    // Independent reference: all 2^(NK) sets of K patterns of N = 5 bits, Hebbian integer weights
    // c_ij = Σ_μ ξ_i^μ ξ_j^μ (c_ii = 0), stability by sign(0) = +1, in plain TS. N odd and K ≤ 3 give
    // many exact ties h_i = 0, so the sign convention matters.
    const n = 5;
    const enumerate = (k: number) => {
      let perfect = 0,
        unstable = 0;
      const sets = 2 ** (n * k);
      for (let bits = 0; bits < sets; bits++) {
        const xi = (mu: number, i: number) => ((bits >> (mu * n + i)) & 1 ? 1 : -1);
        let bad = 0;
        for (let mu = 0; mu < k; mu++) {
          for (let i = 0; i < n; i++) {
            let h = 0;
            for (let j = 0; j < n; j++)
              if (j !== i) for (let nu = 0; nu < k; nu++) h += xi(nu, i) * xi(nu, j) * xi(mu, j);
            if ((h >= 0 ? 1 : -1) !== xi(mu, i)) bad++;
          }
        }
        unstable += bad;
        if (bad === 0) perfect++;
      }
      return { perfect: perfect / sets, unstable: unstable / (sets * k * n) };
    };
    const exact = [1, 2, 3].map(enumerate); // P(all stable) = 1, 0.766, 0.150
    const trials = 2000;
    const r = runHopfieldCapacity({ n, loads: [0.2, 0.4, 0.6], trials, seed: 4, recallPatterns: 0 });
    expect(Array.from(r.k)).toEqual([1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      expect(r.exactUnstable![i]).toBeCloseTo(exact[i].unstable, 14); // the closed form, checked by enumeration
      // 2000 independent networks: the fraction is Binomial(2000, p)/2000, std √(p(1−p)/2000) ≤ 0.011;
      // 4σ (a two-sided 6e-5 chance per load).
      const sd = Math.sqrt((exact[i].perfect * (1 - exact[i].perfect)) / trials);
      expect(Math.abs(r.perfectRecallFraction[i] - exact[i].perfect), `K = ${i + 1}`).toBeLessThanOrEqual(
        4 * sd + 1e-12,
      );
    }
    // P(perfect) = 0.766 at K = 2 and 0.150 at K = 3, both > 12σ from ½: the largest K with fraction ≥ ½ is 2.
    expect(r.perfectRecallK).toBe(2);
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
    expect(() => new Hopfield({ n: 10, patterns: [new Int8Array(9)] })).toThrow(
      /patterns\[0\] has length 9, but n = 10/,
    );
    expect(() => new Hopfield({ patterns: [Int8Array.from([1, 0, -1])] })).toThrow(
      /patterns\[0\]\[1\] must be \+1 or −1/,
    );
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
    expect(() => runHopfieldCapacity({ n: 100, loads: [0.1, -1] })).toThrow(/loads\[1\]/);
    expect(() => runHopfieldCapacity({ n: 1000, loads: [0.05, 70] })).toThrow(/loads\[1\] gives K = 70000/);
    expect(() => resolveCapacityConfig({ n: 1 })).toThrow(/n must be in \[2/);
    expect(resolveCapacityConfig({}).loads).toHaveLength(20);
    net.dispose();
  });
});

describe("the fast path's sums at the i32 boundary", () => {
  it("N = K = 46400 all-(+1) patterns: K(N − 1) = 2 152 913 600 > 2³¹ − 1 still gives exact fields", () => {
    // Every pattern is all +1, so from pattern 0 each overlap is M_μ = N and Σ_μ ξ_i^μ M_μ − K x_i
    // = K(N − 1): the field is K(N − 1)/N = 46399 exactly (it wrapped to −46164.95 in i32). Needs
    // 2·K·N bits = 540 MB of wasm memory and ~2 s per field evaluation on the CI machines.
    const n = 46400;
    const net = new Hopfield({ n, count: n, patternBias: 1 });
    net.setPattern(0);
    const h = net.fields();
    expect(h[0]).toBe(46399);
    expect(h[n - 1]).toBe(46399);
    // E = −½·(1/N)·(Σ_μ M_μ² − K·N) = −½·K(N − 1), an exact integer.
    expect(net.energy()).toBe(-0.5 * n * (n - 1));
    // The stored pattern is a fixed point (it was reported as a 2-cycle).
    expect(net.run({ dynamics: "sync", maxSweeps: 5, recordEnergy: false })).toMatchObject({
      status: "fixed-point",
      sweeps: 1,
    });
    net.dispose();
  });
});

describe("exact ties h = 0: sign(0) = +1 everywhere", () => {
  // Two patterns (+,+) and (+,−): c_01 = 1·1 + 1·(−1) = 0, so every field is exactly 0 (fast path:
  // overlaps minus the diagonal term; dense: the zero weight), and so is every given weight of 0.
  const tied = (path: "fast" | "dense") => new Hopfield({ patterns: [Int8Array.of(1, 1), Int8Array.of(1, -1)], path });
  for (const path of ["fast", "dense"] as const) {
    it(
      `${path} path: sync and async runs send every neuron with h = 0 to +1; the unstable count ` +
        `counts the −1 bits`,
      () => {
        const net = tied(path);
        for (const dynamics of ["sync", "async"] as const) {
          net.setState(Int8Array.of(-1, -1));
          expect(Array.from(net.fields())).toEqual([0, 0]);
          const r = net.run({ dynamics, maxSweeps: 10 });
          expect(Array.from(net.state()), dynamics).toEqual([1, 1]);
          expect(r.status).toBe("fixed-point");
        }
        // Pattern (+,−): its bit −1 meets h = 0 and would become +1: 1 of the 4 stored bits is unstable.
        expect(net.unstableFraction()).toBe(0.25);
        net.dispose();
      },
    );
  }

  it("N = 1 (every field 0): exactly the −1 bits are unstable, and the closed form gives ½", () => {
    const net = new Hopfield({ n: 1, count: 200, seed: 3 });
    let minus = 0;
    for (let mu = 0; mu < 200; mu++) if (net.pattern(mu)[0] === -1) minus++;
    expect(minus).toBeGreaterThan(0);
    expect(net.unstableFraction()).toBe(minus / 200);
    expect(exactUnstableFraction(1, 200)).toBe(0.5);
    net.dispose();
  });
});

describe("random draws", () => {
  it("patternBias is the probability of +1 (binomial tolerance)", () => {
    for (const bias of [0.5, 0.8, 0.1]) {
      const n = 1000,
        k = 20;
      const net = new Hopfield({ n, count: k, patternBias: bias, seed: 12 });
      let plus = 0;
      for (let mu = 0; mu < k; mu++) for (const x of net.pattern(mu)) if (x === 1) plus++;
      // 20 000 Bernoulli(bias) bits: std √(bias(1 − bias)/20000) ≤ 0.0036; 5σ.
      expect(Math.abs(plus / (n * k) - bias), `bias ${bias}`).toBeLessThan(
        5 * Math.sqrt((bias * (1 - bias)) / (n * k)),
      );
      net.dispose();
    }
    for (const bias of [0, 1]) {
      const net = new Hopfield({ n: 70, count: 3, patternBias: bias });
      expect(Array.from(net.pattern(2)).every((x) => x === (bias ? 1 : -1))).toBe(true);
      net.dispose();
    }
  });

  it("Glauber updates give P(x_i = +1) = 1/(1 + e^{−2h/T}) (binomial tolerance)", () => {
    // No couplings: h_i = b_i exactly, so each sweep redraws every neuron independently.
    const levels = [-1, -0.3, 0, 0.3, 1],
      perLevel = 400,
      n = levels.length * perLevel,
      T = 0.7,
      sweeps = 50;
    const bias = Float64Array.from({ length: n }, (_, i) => levels[i % levels.length]);
    const net = new Hopfield({ weights: new Float64Array(n * n), bias, seed: 2 });
    const plus = levels.map(() => 0);
    net.run({ dynamics: "glauber", temperature: T, maxSweeps: 1, seed: 5 });
    for (let s = 0; s < sweeps; s++) {
      net.run({ dynamics: "glauber", temperature: T, maxSweeps: 1 });
      net.state().forEach((x, i) => {
        if (x === 1) plus[i % levels.length]++;
      });
    }
    levels.forEach((h, l) => {
      const p = 1 / (1 + Math.exp((-2 * h) / T)),
        draws = perLevel * sweeps;
      // 20 000 independent Bernoulli(p) draws per level: std √(p(1 − p)/20000) ≤ 0.0036; 4.5σ. A
      // factor 2 lost in 2h/T moves p by ≥ 0.05 at h = ±0.3, an inverted acceptance by ≥ 0.3.
      expect(Math.abs(plus[l] / draws - p), `h = ${h}`).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / draws));
    });
    net.dispose();
  });

  it("the asynchronous update order is a fresh uniform shuffle, set by the seed", () => {
    // Eight neurons, all pairs coupled by −1, from all +1: a neuron visited with m earlier flips sees
    // h = −(7 − 2m), so exactly the first four visited flip to −1 and stay there. The −1 set names the
    // first half of the order: over 400 seeds each neuron is in it with probability ½.
    const n = 8,
      w = new Float64Array(n * n).map((_, ij) => (ij % (n + 1) === 0 ? 0 : -1));
    const net = new Hopfield({ weights: w });
    const inFirstHalf = new Array(n).fill(0);
    const seen = new Set<string>();
    for (let seed = 0; seed < 400; seed++) {
      net.setState(new Int8Array(n).fill(1));
      expect(net.run({ dynamics: "async", maxSweeps: 5, seed })).toMatchObject({ status: "fixed-point", sweeps: 2 });
      const x = net.state();
      expect(x.filter((v) => v === -1)).toHaveLength(4);
      x.forEach((v, i) => {
        if (v === -1) inFirstHalf[i]++;
      });
      seen.add(x.join(","));
    }
    // Binomial(400, ½): mean 200, std 10; 4.5σ. An unshuffled order puts neurons 0–3 in it every time.
    for (let i = 0; i < n; i++) expect(Math.abs(inFirstHalf[i] - 200), `neuron ${i}`).toBeLessThan(45);
    // 70 equally likely halves; 400 draws miss a given one with probability (69/70)^400 ≈ 3e-3: expect most.
    expect(seen.size).toBeGreaterThan(60);
    net.dispose();
  });
});

describe("long runs: async twins, abort and bounds", () => {
  it("runAsync and recallAsync give the same bits as run and recall, however the work is split", async () => {
    const cases = [
      { rule: "hebbian", dynamics: "sync" },
      { rule: "hebbian", dynamics: "async" },
      { rule: "hebbian", dynamics: "glauber", temperature: 0.4 },
      { rule: "storkey", dynamics: "async" },
      { rule: "storkey", dynamics: "glauber", temperature: 0.2 },
    ] as const;
    for (const c of cases) {
      const make = () => new Hopfield({ n: 300, count: 40, rule: c.rule, seed: 9 });
      const a = make(),
        b = make();
      const options = {
        dynamics: c.dynamics,
        maxSweeps: 400,
        seed: 3,
        ...("temperature" in c ? { temperature: c.temperature } : {}),
      };
      const one = a.recall(1, { ...options, flipFraction: 0.3 });
      let reports = 0;
      const split = await b.recallAsync(1, {
        ...options,
        flipFraction: 0.3,
        onProgress: () => {
          reports++;
        },
      });
      const at = `${c.rule}/${c.dynamics}`;
      // The async driver starts with one step or 16 updates, so every run here is split (mid-sweep too).
      expect(reports, at).toBeGreaterThan(0);
      expect(split.status, at).toBe(one.status);
      expect(split.sweeps, at).toBe(one.sweeps);
      expect(Array.from(split.energy), at).toEqual(Array.from(one.energy));
      expect(Array.from(split.final), at).toEqual(Array.from(one.final));
      a.dispose();
      b.dispose();
    }
    // A synchronous 2-cycle found across a split (one step per call at first).
    const net = new Hopfield({ weights: new Float64Array([0, -1, -1, 0]), patterns: [new Int8Array([1, 1])] });
    expect(await net.runAsync({ dynamics: "sync", maxSweeps: 10 })).toMatchObject({ status: "cycle", sweeps: 2 });
    net.dispose();
  });

  it("runAsync stops within 100 ms of an abort and returns the sweeps done; the network is usable after", async () => {
    const net = new Hopfield({ n: 1000, count: 50, seed: 1 });
    const controller = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 150);
    const steps: number[] = [];
    const running = net.runAsync({
      dynamics: "glauber",
      temperature: 0.5,
      maxSweeps: MAX_SWEEPS,
      signal: controller.signal,
      onProgress: (p) => steps.push(p.done),
    });
    expect(() => net.setPattern(0)).toThrow(/in progress/);
    const r = await running;
    const latency = performance.now() - abortedAt;
    expect(r.status).toBe("aborted");
    expect(latency).toBeLessThan(100);
    expect(r.sweeps).toBeGreaterThan(0);
    expect(r.energy).toHaveLength(r.sweeps + 1);
    expect(r.energy.every(Number.isFinite)).toBe(true);
    expect(steps.length).toBeGreaterThan(1);
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThanOrEqual(steps[i - 1]);
    net.setPattern(0); // no longer busy
    // Already aborted: nothing runs; a synchronous run records its starting energy.
    const s = await net.runAsync({ dynamics: "sync", signal: controller.signal });
    expect(s).toMatchObject({ status: "aborted", sweeps: 0 });
    expect(s.energy[0]).toBe(net.energy());
    net.dispose();
  });

  it(
    "runHopfieldCapacityAsync stops within 100 ms of an abort (Hebbian and Storkey, whose weights " + "take chunks)",
    async () => {
      for (const rule of ["hebbian", "storkey"] as const) {
        const controller = new AbortController();
        let abortedAt = 0;
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort();
        }, 200);
        const r = await runHopfieldCapacityAsync({
          n: 1000,
          rule,
          loads: [0.2, 0.3],
          trials: 50,
          signal: controller.signal,
        });
        expect(performance.now() - abortedAt, rule).toBeLessThan(100);
        expect(r.status).toBe("aborted");
        expect(r.loads).toHaveLength(r.unstableFraction.length);
      }
    },
  );

  it("a capacity sweep gives the same numbers driven in chunks (async) or whole (sync), for every rule", async () => {
    for (const rule of RULES) {
      const options = { n: 150, rule, loads: [0.1, 0.3], trials: 2, seed: 5, recallPatterns: 3 };
      const whole = runHopfieldCapacity(options),
        split = await runHopfieldCapacityAsync(options);
      expect({ ...split, elapsedMs: 0 }, rule).toEqual({ ...whole, elapsedMs: 0 });
    }
  });

  it("the synchronous run is bounded; options are checked at every entry point", async () => {
    const net = new Hopfield({ n: 1000, count: 5 });
    expect(() => net.run({ maxSweeps: MAX_SWEEPS })).toThrow(/maxSweeps too large.*runAsync/);
    expect(() => net.recall(0, { maxSweeps: 5_000_000 })).toThrow(/maxSweeps too large/);
    expect(() => net.run(true as never)).toThrow(TypeError);
    expect(() => net.run({ maxSweeps: null } as never)).toThrow(/maxSweeps.*null/);
    expect(() => net.recall(0, { flipFraction: 0.1, bogus: 1 } as never)).toThrow(/unknown option "bogus"/);
    expect(() => net.corrupt(0.1, 5 as never)).toThrow(TypeError);
    await expect(net.runAsync({ signal: 5 } as never)).rejects.toThrow(/signal/);
    await expect(net.runAsync({ onProgress: "x" } as never)).rejects.toThrow(/onProgress/);
    await expect(net.recallAsync(0, [] as never)).rejects.toThrow(/an array/);
    net.dispose();
    expect(() => new Hopfield(true as never)).toThrow(TypeError);
    expect(() => new Hopfield({ n: 10, backend: "constructor" } as never)).toThrow(/backend/);
    expect(() => new Hopfield({ n: null } as never)).toThrow(/"n" is null/);
    expect(() => runHopfieldCapacity(5 as never)).toThrow(TypeError);
    expect(() => resolveCapacityConfig({ backend: "constructor" } as never)).toThrow(/backend/);
  });
});

describe("given weights and bias that f32 or f64 cannot hold", () => {
  it("refuses weights past f32's range and rows whose sums could overflow, naming them", () => {
    expect(() => new Hopfield({ weights: Float64Array.of(0, 1e300, 1e300, 0) })).toThrow(
      /weights\[1\] = 1e\+300 overflows f32/,
    );
    expect(() => new Hopfield({ weights: Float64Array.of(0, 1e38, 1e38, 0) })).toThrow(/row 0 has Σ_j \|w_ij\|/);
    expect(() => new Hopfield({ weights: Float64Array.of(0, Infinity, Infinity, 0) })).toThrow(
      /weights\[1\] must be finite/,
    );
    expect(() => new Hopfield({ n: 2, count: 1, bias: 1e300 })).toThrow(/bias too large/);
    // Just inside: 8e37 < 2¹²⁶; the fields and energy stay finite.
    const net = new Hopfield({ weights: Float64Array.of(0, 8e37, 8e37, 0), bias: 1e299 });
    net.setState(Int8Array.of(1, 1));
    assertClose(net.energy(), -8e37 - 2e299, { rtol: 1e-7 }); // −½·2·w − 2b, w rounded to f32 (6e-8)
    const r = net.run({ dynamics: "async", maxSweeps: 3 });
    expect(r.energy.every(Number.isFinite)).toBe(true);
    net.dispose();
  });
});

describe("analytic helpers", () => {
  it("exactUnstableFraction matches the exact binomial tail (big integers) and its normal limit, quickly", () => {
    // Exact: P(S < edge) + ½P(S = edge), S ~ Binomial((K−1)(N−1), ½), summed over integer binomial
    // coefficients in Python (fractions.Fraction; the script is in the comment below) and rounded once.
    //   def exact(n, k): m = (k-1)*(n-1); e2 = m-n+1
    //     edge, J, tie = (e2//2, e2//2-1, comb(m, e2//2)) if e2 % 2 == 0 else (None, (e2-1)//2, 0)
    //     s = Σ_{j=0}^{J} comb(m, j) (downward, stopped once the rest < 2⁻⁸⁰ of s)
    //     return float(Fraction(2s + tie, 2^(m+1)))
    const exact: [number, number, number][] = [
      [1, 5, 0.5],
      [2, 2, 0.25],
      [2, 3, 0.25],
      [3, 2, 0.125],
      [5, 4, 0.1334228515625],
      [10, 3, 0.01544189453125],
      [37, 6, 0.0036422090485870653],
      [100, 10, 0.0004535304859533582],
      [200, 14, 4.547379099823133e-5],
      [500, 25, 2.5526146575922523e-6],
      [1000, 2, 9.332636185032189e-302],
      [1000, 50, 3.160120148130556e-6],
      [1000, 100, 0.000744991643613551],
      [1000, 138, 0.003463167674061463],
      [1000, 200, 0.012527417668321786],
      [1001, 137, 0.0033476508471303396],
      [4000, 30, 3.788850418614966e-32],
      [10000, 10, 2.1424531763583438e-244],
      [300, 1000, 0.2921613667636712],
      [150, 3000, 0.41180781266374583],
    ];
    // Each term's log is accurate to ~1e-16·|ln P| (≤ 7e-14 at P = 1e-302); 1e-12 leaves a margin. Seen ≤ 5e-14.
    for (const [n, k, p] of exact) assertClose(exactUnstableFraction(n, k), p, { rtol: 1e-12 });
    // Large M: the tail with its half-tie is the continuity-corrected normal Φ(−√((N−1)/(K−1))) up to the
    // Edgeworth term O(z⁴/M) ≤ 1e-11 here (M ≥ 2·10¹⁴; p = ½ has no skewness term); values from
    // scipy.stats.norm.sf. (The 0.0125 for (1e8, 1e7) was the old sum of cancelling ln Γ values.)
    const normal: [number, number, number][] = [
      [1e8, 1e7, 0.0007827007464848326],
      [1e9, 1e9, 0.15865525393145707],
      [1e6, 1e7, 0.3759148710246961],
      [1e5, 1e8, 0.4873865026688733],
      [1e8, 2e6, 7.687202988634304e-13],
      [1e7, 1e6, 0.000782697303841947],
    ];
    for (const [n, k, p] of normal) assertClose(exactUnstableFraction(n, k), p, { rtol: 1e-9 });
    expect(exactUnstableFraction(1e15 + 1, 16)).toBe(0); // z = √(10¹⁵/15): underflows, in bounded time
    // Bounded work: ≤ 2·10⁵ terms or ~2000 quadrature points per call (it took 8 s for (1e9, 1e9) and never
    // ended for (1e15 + 0.5, 16)); an unbounded call would hit the test timeout. No wall-clock assertion.
    expect(() => exactUnstableFraction(1e15 + 0.5, 16)).toThrow(/n must be an integer/);
    expect(() => exactUnstableFraction(100, 0)).toThrow(/k must be in \[1/);
    expect(() => exactUnstableFraction(100, 2 ** 53)).toThrow(/k must be in/);
    expect(() => exactUnstableFraction("100" as never, 3)).toThrow(TypeError);
  });

  it("logGamma, erfc and the predictions refuse what they cannot answer", () => {
    // Reference values from mpmath (30 digits): loggamma(1e5), ln Γ(0.001), ln|Γ(−2.5)|, loggamma(1e300).
    assertClose(logGamma(0.5), 0.5 * Math.log(Math.PI), { rtol: 1e-14 });
    assertClose(logGamma(10), Math.log(362880), { rtol: 1e-14 });
    assertClose(logGamma(1e5), 1051287.70897365689, { rtol: 1e-14 });
    assertClose(logGamma(0.001), 6.90717888538385368, { rtol: 1e-14 });
    assertClose(logGamma(-2.5), -0.0562437164976740507, { rtol: 1e-12 });
    assertClose(logGamma(1e300), 6.89775527898213705e302, { rtol: 1e-14 });
    for (const pole of [0, -1, -2, -1e6]) expect(() => logGamma(pole), String(pole)).toThrow(/pole/);
    for (const bad of [Number.NaN, Infinity, -Infinity, 1e306])
      expect(() => logGamma(bad), String(bad)).toThrow(RangeError);
    expect(() => logGamma("1" as never)).toThrow(TypeError);
    // erfc: Numerical Recipes' Chebyshev fit, |relative error| < 1.2e-7; mpmath values.
    assertClose(erfc(0.5), 0.479500122186953462, { rtol: 1.2e-7 });
    assertClose(erfc(3), 2.20904969985854414e-5, { rtol: 1.2e-7 });
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(() => erfc("1" as never)).toThrow(TypeError);
    expect(() => erfc(Number.NaN)).toThrow(RangeError);
    expect(() => predictedUnstableFraction("1000" as never, 10)).toThrow(TypeError);
    expect(() => predictedUnstableFraction(1000, 0)).toThrow(/k must be in/);
    expect(() => predictedUnstableFractionFiniteN(0, 10)).toThrow(/n must be in/);
    expect(() => predictedPerfectRecall(1, "hebbian")).toThrow(/n must be in \[2/);
    expect(() => predictedPerfectRecall(100, "oja" as never)).toThrow(/rule/);
  });

  it(
    "perfect recall: the finite-N prediction (1 − p)^{NK} matches the measured fraction; N/(2 ln " +
      "N) and N/(4 ln N) bracket it",
    () => {
      // 20 trials per load: the measured fraction has binomial σ = √(P(1 − P)/20) ≤ 0.112. Tolerance 3σ of
      // the predicted P plus 0.05 for the independence approximation (bits share patterns). Seen ≤ 0.12 total.
      // At N = 200 the prediction runs low (0.09 against 0.20 measured at K = 20: unstable bits cluster),
      // so the check starts at N = 500.
      for (const n of [500, 1000]) {
        const loads = n === 500 ? [0.05, 0.06, 0.07, 0.08] : [0.04, 0.05, 0.06, 0.07];
        const r = runHopfieldCapacity({ n, loads, trials: 20, seed: 0 });
        let crossed = false;
        for (let i = 0; i < loads.length; i++) {
          const predicted = predictedPerfectRecallFiniteN(n, r.k[i]);
          const sigma = Math.sqrt((predicted * (1 - predicted)) / 20);
          expect(Math.abs(r.perfectRecallFraction[i] - predicted), `N = ${n}, K = ${r.k[i]}`).toBeLessThanOrEqual(
            3 * sigma + 0.05,
          );
          if (predicted < 0.5) crossed = true;
        }
        expect(crossed).toBe(true); // the loads reach past the half-way point, so the comparison has teeth
        // The all-patterns asymptote N/(4 ln N) lies below the measured K, the spec's one-pattern N/(2 ln N) above.
        expect(r.perfectRecallK).not.toBeNull();
        expect(r.perfectRecallK as number).toBeGreaterThan(n / (4 * Math.log(n)));
        expect(r.perfectRecallK as number).toBeLessThan(predictedPerfectRecall(n, "hebbian"));
      }
      expect(predictedPerfectRecallFiniteN(1000, 1)).toBe(1); // one pattern is always stable (no crosstalk)
      expect(() => predictedPerfectRecallFiniteN(1000, 0)).toThrow(/k must be in/);
    },
  );

  it("loadRange validates every argument", () => {
    expect(() => loadRange(0, 1, 0.1, "5" as never)).toThrow(/maxCount must be a number/);
    expect(() => loadRange(0, 1, 0.1, 2.5)).toThrow(/maxCount must be an integer/);
    expect(() => loadRange(0, 1, 0.1, 0)).toThrow(/maxCount must be in/);
    expect(() => loadRange(0, 1, 0.1, 1e9)).toThrow(/maxCount must be in/);
    expect(() => loadRange("0" as never, 1, 0.1)).toThrow(/start must be a number/);
    expect(() => loadRange(0, 1, 1e-300)).toThrow(/points is more than 10000/);
  });
});

describe("one lifecycle: resolveHopfieldConfig, step, checkpoint/restore, result header", () => {
  it("resolveHopfieldConfig fills in the defaults the constructor uses, and refuses what it refuses", () => {
    const config = resolveHopfieldConfig({ n: 64, count: 3 });
    expect(config).toEqual({
      n: 64,
      k: 3,
      rule: "hebbian",
      path: "fast",
      seed: 0,
      stream: 0,
      patternBias: 0.5,
      patterns: "random",
      dynamics: "async",
      temperature: 0,
    });
    const net = new Hopfield({ n: 64, count: 3 });
    expect(net.config).toEqual(config);
    net.dispose();
    expect(resolveHopfieldConfig({ n: 10, rule: "storkey", dynamics: "glauber", temperature: 0.5 })).toMatchObject({
      path: "dense",
      dynamics: "glauber",
      temperature: 0.5,
    });
    expect(() => resolveHopfieldConfig({ n: 10, bogus: 1 } as never)).toThrow(/unknown option "bogus"/);
    expect(() => resolveHopfieldConfig({ n: 10, dynamics: "glauber" })).toThrow(/temperature/);
    expect(() => resolveHopfieldConfig({ n: 10, temperature: 1 })).toThrow(/temperature applies to "glauber"/);
    expect(() => resolveHopfieldConfig({ n: 10, dynamics: "metropolis" as never })).toThrow(/dynamics must be one of/);
    expect(() => resolveHopfieldConfig({ n: 60_000, rule: "storkey" })).toThrow(
      /n too large: a network of 60000 neurons/,
    );
  });

  it("run defaults to the configured dynamics and temperature", () => {
    const options = { n: 120, count: 6, seed: 4 };
    const hot = new Hopfield({ ...options, dynamics: "glauber", temperature: 0.7 }),
      plain = new Hopfield(options);
    hot.setPattern(1);
    plain.setPattern(1);
    const a = hot.run({ maxSweeps: 9, seed: 2 });
    const b = plain.run({ dynamics: "glauber", temperature: 0.7, maxSweeps: 9, seed: 2 });
    expect(a.status).toBe("max-sweeps"); // Glauber never stops early: the network's dynamics was used
    expect(Array.from(a.energy)).toEqual(Array.from(b.energy));
    expect(Array.from(hot.state())).toEqual(Array.from(plain.state()));
    // An explicit run option still wins; T = 0.7 belongs to Glauber runs only.
    expect(hot.run({ dynamics: "async", maxSweeps: 50 }).status).toBe("fixed-point");
    expect(() => plain.run({ dynamics: "glauber" })).toThrow(/temperature/);
    hot.dispose();
    plain.dispose();
  });

  for (const dynamics of ["sync", "async", "glauber"] as const) {
    it(`step(count) is run({ maxSweeps: count, recordEnergy: false }) of the configured dynamics (${dynamics})`, () => {
      const options = { n: 257, count: 30, seed: 8, dynamics, ...(dynamics === "glauber" ? { temperature: 0.4 } : {}) };
      const a = new Hopfield(options),
        b = new Hopfield(options);
      const x = randomSpins(257, 21);
      a.setState(x);
      b.setState(x);
      for (const count of [1, 3, 40]) {
        const taken = a.step(count);
        const run = b.run({ maxSweeps: count, recordEnergy: false });
        expect(taken, `count ${count}`).toBe(run.sweeps);
        expect(taken).toBeLessThanOrEqual(count);
        if (dynamics === "glauber") expect(taken).toBe(count); // never ends early
        expect(Array.from(a.state())).toEqual(Array.from(b.state()));
      }
      a.dispose();
      b.dispose();
    });
  }

  it("step counts the sweeps done: 0 for count 0, 1 on a fixed point, 2 on a synchronous 2-cycle", () => {
    const net = new Hopfield({ n: 300, count: 5, seed: 2 });
    net.setPattern(1);
    const before = net.checkpoint();
    expect(net.step(0)).toBe(0);
    expect(net.checkpoint()).toEqual(before); // nothing drawn, nothing moved
    expect(net.step()).toBe(1); // a stored pattern at low load: one sweep without flips
    expect(net.step(10)).toBe(1);
    expect(Array.from(net.state())).toEqual(Array.from(net.pattern(1)));
    expect(() => net.step(-1)).toThrow(/count must be in/);
    expect(() => net.step(1.5)).toThrow(/count must be an integer/);
    expect(() => net.step(MAX_SWEEPS + 1)).toThrow(/count must be in/);
    expect(() => new Hopfield({ n: 1000, count: 2 }).step(MAX_SWEEPS)).toThrow(/count too large for step/);
    net.dispose();
    const cycle = new Hopfield({
      weights: new Float64Array([0, -1, -1, 0]),
      patterns: [new Int8Array([1, 1])],
      dynamics: "sync",
    });
    expect(cycle.step(10)).toBe(2);
    cycle.dispose();
  });

  const cases = [
    { rule: "hebbian", path: "fast", dynamics: "sync" },
    { rule: "hebbian", path: "fast", dynamics: "async" },
    { rule: "hebbian", path: "dense", dynamics: "glauber" },
    { rule: "storkey", path: "dense", dynamics: "async" },
    { rule: "pseudoinverse", path: "dense", dynamics: "glauber" },
  ] as const;
  for (const c of cases) {
    it(`checkpoint → JSON → restore replays step and run bit for bit (${c.rule}/${c.path}/${c.dynamics})`, () => {
      const options = {
        n: 131,
        count: 12,
        rule: c.rule,
        path: c.path,
        seed: 5,
        dynamics: c.dynamics,
        bias: 0.02,
        ...(c.dynamics === "glauber" ? { temperature: 0.5 } : {}),
      };
      const net = new Hopfield(options);
      net.setState(randomSpins(131, 3));
      net.step(2);
      const saved = JSON.parse(JSON.stringify(net.checkpoint()));
      expect(saved).toMatchObject({ format: "thermolearn/hopfield", version: 1, config: net.config });
      const replay = (target: Hopfield) => {
        const steps = target.step(4);
        const run = target.run({ maxSweeps: 30 });
        return { steps, run: { ...run, energy: Array.from(run.energy) }, state: Array.from(target.state()) };
      };
      const first = replay(net);
      net.restore(saved);
      expect(replay(net)).toEqual(first);
      // A network built from the same options takes the checkpoint too.
      const twin = new Hopfield(options);
      twin.restore(saved);
      expect(replay(twin)).toEqual(first);
      // Without the generator state the draws differ (async order, Glauber): restore carries it.
      if (c.dynamics !== "sync") {
        const other = new Hopfield(options);
        other.setState(net.state());
        other.restore({ ...saved, rng: twin.checkpoint().rng });
        expect(replay(other)).not.toEqual(first);
        other.dispose();
      }
      net.dispose();
      twin.dispose();
    });
  }

  it("restore refuses a bad or foreign checkpoint, naming the field, and then changes nothing", () => {
    const net = new Hopfield({ n: 70, count: 4, seed: 1 });
    net.corrupt(0.3, { seed: 2 });
    const good = net.checkpoint();
    net.setPattern(2);
    const before = net.checkpoint();
    const bad: [unknown, RegExp][] = [
      [null, /checkpoint must be an object/],
      [[good], /checkpoint must be an object/],
      [{ ...good, extra: 1 }, /checkpoint: unknown option "extra"/],
      [{ ...good, format: "thermolearn/perceptron" }, /checkpoint\.format must be "thermolearn\/hopfield"/],
      [{ ...good, version: 2 }, /checkpoint\.version must be 1/],
      [{ ...good, config: "x" }, /checkpoint\.config must be an object/],
      [{ ...good, config: { ...good.config, seed: 2 } }, /checkpoint\.config\.seed is 2, but this network's is 1/],
      [{ ...good, config: { ...good.config, dynamics: undefined } }, /checkpoint\.config\.dynamics is missing/],
      [{ ...good, config: { ...good.config, colour: 1 } }, /checkpoint\.config: unknown option "colour"/],
      [{ ...good, network: 5 }, /checkpoint\.network must be a string/],
      [{ ...good, network: "00000000" }, /checkpoint\.network is 00000000/],
      [{ ...good, state: [1, -1] }, /checkpoint\.state must be a string/],
      [{ ...good, state: good.state.slice(2) }, /checkpoint\.state must be 18 lowercase hex digits/],
      [{ ...good, state: `${good.state.slice(0, -2)}zz` }, /checkpoint\.state must be 18/],
      [{ ...good, state: `${good.state.slice(0, -2)}ff` }, /checkpoint\.state has bits set past neuron n − 1 = 69/],
      [{ ...good, rng: "abc" }, /checkpoint\.rng must be an array/],
      [{ ...good, rng: good.rng.slice(1) }, /checkpoint\.rng must hold 8 words, got 7/],
      [{ ...good, rng: [...good.rng.slice(0, 7), 2 ** 32] }, /checkpoint\.rng\[7\] must be in/],
      [{ ...good, rng: [...good.rng.slice(0, 7), 0.5] }, /checkpoint\.rng\[7\] must be an integer/],
      [{ ...good, rng: new Array(8).fill(0) }, /checkpoint\.rng must not be all zero/],
    ];
    for (const [saved, message] of bad) {
      expect(() => net.restore(saved as never), String(message)).toThrow(message);
      expect(net.checkpoint(), String(message)).toEqual(before);
    }
    // Same config, other bias or other given patterns: the network fingerprint differs.
    const biased = new Hopfield({ n: 70, count: 4, seed: 1, bias: 0.1 });
    expect(() => biased.restore(good)).toThrow(/checkpoint\.network is .*other patterns, bias or weights/);
    const a = new Hopfield({ patterns: [randomSpins(40, 1)] }),
      b = new Hopfield({ patterns: [randomSpins(40, 2)] });
    expect(() => b.restore(a.checkpoint())).toThrow(/checkpoint\.network/);
    net.restore(good);
    expect(net.checkpoint()).toEqual(good);
    for (const x of [net, biased, a, b]) x.dispose();
  });

  it(
    "a capacity result carries the header and Float64Array columns; progress is { done, total, " + "fraction, load }",
    async () => {
      const reports: unknown[] = [];
      const options = { n: 100, loads: [0.05, 0.1], trials: 2, seed: 3, recallPatterns: 1 };
      const r = runHopfieldCapacity({ ...options, onProgress: (p) => reports.push(p) });
      expect(r).toMatchObject({
        version: expect.any(String),
        backend: expect.stringMatching(/^(simd|scalar)$/),
        status: "completed",
      });
      expect(r.config).toEqual(resolveCapacityConfig(options));
      expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
      expect(Object.keys(r).slice(0, 5)).toEqual(["version", "config", "backend", "status", "elapsedMs"]);
      for (const key of [
        "loads",
        "k",
        "unstableFraction",
        "unstableStdError",
        "predictedUnstable",
        "predictedUnstableFiniteN",
        "exactUnstable",
        "retrievalOverlap",
        "retrievalStdError",
        "perfectRecallFraction",
      ] as const) {
        expect(r[key], key).toBeInstanceOf(Float64Array);
        expect(r[key], key).toHaveLength(2);
      }
      expect(reports).toEqual([
        { done: 1, total: 4, fraction: 0.25, load: 0.05 },
        { done: 2, total: 4, fraction: 0.5, load: 0.05 },
        { done: 3, total: 4, fraction: 0.75, load: 0.1 },
        { done: 4, total: 4, fraction: 1, load: 0.1 },
      ]);
      const scalar = runHopfieldCapacity({ ...options, backend: "scalar" });
      expect(scalar.backend).toBe("scalar");
      // Hopfield.runAsync reports sweeps done of maxSweeps.
      const net = new Hopfield({ n: 200, count: 3, seed: 1, dynamics: "glauber", temperature: 1 });
      const sweeps: { done: number; total: number; fraction: number }[] = [];
      await net.runAsync({ maxSweeps: 300, onProgress: (p) => sweeps.push(p) });
      expect(sweeps.length).toBeGreaterThan(1);
      for (const p of sweeps) expect(p).toEqual({ done: p.done, total: 300, fraction: p.done / 300 });
      expect(sweeps.at(-1)!.done).toBeGreaterThan(0);
      net.dispose();
    },
  );
});
