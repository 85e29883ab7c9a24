import { describe, it, expect } from "vitest";
import { Rng, streamSeed } from "../src/index.js";
import { erfc } from "../src/math/special.js";
import { RefXoshiro256pp, refStreamSeed } from "../src/ref/rng.js";
import { BACKENDS } from "./helpers/assert.js";

/** Standard normal CDF Φ(x) = ½ erfc(−x/√2), with the library's erfc (fractional error < 1.2e-7). */
const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

describe("xoshiro256++ streams", () => {
  for (const backend of BACKENDS) {
    it(`${backend}: raw outputs equal the BigInt reference`, () => {
      const rng = new Rng({ seed: 12345, backend });
      const ref = RefXoshiro256pp.fromSeed(12345);
      const got = rng.u64(1000);
      for (let i = 0; i < 1000; i++) expect(got[i]).toBe(ref.next());
      rng.dispose();
    });
  }

  it("matches the published xoshiro256++ output for state (1, 2, 3, 4)", () => {
    // First output rotl(1 + 4, 23) + 1 = 41943041 (Blackman & Vigna's reference C code).
    expect(new RefXoshiro256pp([1n, 2n, 3n, 4n]).next()).toBe(41943041n);
  });

  it("stream seeds equal the reference derivation and differ between streams", () => {
    for (const [seed, index] of [
      [0, 0],
      [42, 7],
      [2 ** 53 - 1, 2 ** 32 - 1],
    ]) {
      expect(streamSeed(seed, index)).toBe(refStreamSeed(seed, index));
    }
    expect(streamSeed(1, 0)).not.toBe(streamSeed(1, 1));
    expect(() => streamSeed(-1, 0)).toThrow(/seed/);
    expect(() => streamSeed(1, 2 ** 32)).toThrow(/index/);
  });

  it("state save and restore replays the stream", () => {
    const rng = new Rng({ seed: 3 });
    rng.normal(17);
    const saved = rng.saveState();
    const a = rng.normal(100);
    rng.restoreState(saved);
    expect(Array.from(rng.normal(100))).toEqual(Array.from(a));
    expect(() => rng.restoreState(new Uint32Array(8))).toThrow(RangeError);
    rng.dispose();
  });

  it("byte frequencies pass a χ² test", () => {
    const rng = new Rng({ seed: 99 });
    const words = rng.u64(1 << 17);
    const bytes = new Uint8Array(words.buffer);
    const counts = new Float64Array(256);
    for (const b of bytes) counts[b]++;
    const expected = bytes.length / 256;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - expected) ** 2 / expected;
    // 255 degrees of freedom: the 0.1 % and 99.9 % quantiles are 190.9 and 330.5.
    expect(chi2).toBeGreaterThan(190.9);
    expect(chi2).toBeLessThan(330.5);
  });
});

describe("ziggurat Gaussians", () => {
  for (const backend of BACKENDS) {
    it(`${backend}: moments, KS distance and tail mass of 10⁶ draws`, () => {
      const N = 1_000_000;
      const rng = new Rng({ seed: 2024, backend });
      const z = rng.normal(N);
      let m1 = 0,
        m2 = 0,
        m4 = 0,
        tail = 0;
      for (const x of z) {
        m1 += x;
        m2 += x * x;
        m4 += x ** 4;
        if (Math.abs(x) > 3.6541528853610088) tail++;
      }
      m1 /= N;
      m2 /= N;
      m4 /= N;
      // Standard errors: mean 1/√N = 0.001, variance √(2/N) = 0.0014, fourth moment √(96/N) ≈ 0.0098; 5σ bounds.
      expect(Math.abs(m1)).toBeLessThan(0.005);
      expect(Math.abs(m2 - 1)).toBeLessThan(0.0071);
      expect(Math.abs(m4 - 3)).toBeLessThan(0.049);
      // Mass beyond the ziggurat's R (drawn by the tail algorithm): 2Φ(−R) = 2.58e-4, Poisson σ ≈ 16 of 258.
      const expectedTail = 2 * normalCdf(-3.6541528853610088) * N;
      expect(Math.abs(tail - expectedTail)).toBeLessThan(5 * Math.sqrt(expectedTail));
      // Kolmogorov–Smirnov on a 10⁵ subsample: √n·D < 1.95 is the 0.1 % critical value.
      const sample = Float64Array.from(z.subarray(0, 100_000)).sort();
      let D = 0;
      for (let i = 0; i < sample.length; i++) {
        const F = normalCdf(sample[i]);
        D = Math.max(D, Math.abs(F - i / sample.length), Math.abs(F - (i + 1) / sample.length));
      }
      expect(Math.sqrt(sample.length) * D).toBeLessThan(1.95);
      rng.dispose();
    });
  }

  it("uniforms lie in [0, 1) with mean ½", () => {
    const u = new Rng({ seed: 1 }).uniform(100_000);
    expect(u.every((x) => x >= 0 && x < 1)).toBe(true);
    // std of the mean √(1/12/10⁵) ≈ 0.0009; 5σ.
    expect(Math.abs(u.reduce((a, b) => a + b, 0) / u.length - 0.5)).toBeLessThan(0.0046);
  });
});
