import { describe, it, expect } from "vitest";
import { chooseConvolution, fftBlockLog2 } from "../src/contrastive/convolution.js";
import { convolveWrap } from "../src/contrastive/index.js";
import { refConvolveWrap } from "../src/ref/contrastive.js";
import { scratch } from "../src/core/scratch.js";
import { Rng } from "../src/rng.js";
import { assertClose, BACKENDS } from "./helpers/assert.js";

const EPS = 2 ** -52;
const ALIGNMENTS = ["causal", "scipy"] as const;

/**
 * FFT round-off: each radix-2 stage adds a relative error η ≈ 6ε in the 2-norm (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., Thm 24.2: η = μ + γ₄(√2 + μ)), and the result passes
 * through three transforms (the kernel's, the block's, the inverse), so ‖δc‖₂ ≲ 18·log2(B)·ε·Σ|K|·‖x‖₂
 * with |H| ≤ Σ|K|. The error spreads over the B outputs of a block (‖x‖₂ ≈ √B·max|s|), which gives the
 * per-sample bound 18·log2(B)·ε·Σ|K|·max|s|·|scale|. (Observed: at most 0.6·log2(B)·ε·Σ|K|·max|s|.)
 */
function fftTolerance(signal: Float64Array, kernel: Float64Array, scale: number): number {
  let sumK = 0,
    maxS = 0;
  for (const v of kernel) sumK += Math.abs(v);
  for (const v of signal) maxS = Math.max(maxS, Math.abs(v));
  return 18 * Math.max(1, fftBlockLog2(signal.length, kernel.length)) * EPS * sumK * maxS * Math.abs(scale);
}

/** Small integers in [−8, 8]: every sum of the references is then exact, so only the FFT rounds. */
function integers(rng: Rng, count: number): Float64Array {
  return Float64Array.from(rng.uniform(count), (u) => Math.floor(17 * u) - 8);
}

/** The FFT path, forced. */
function convolveFft(
  signal: Float64Array,
  kernel: Float64Array,
  options: Parameters<typeof convolveWrap>[2] = {},
): Float64Array {
  return convolveWrap(signal, kernel, { ...options, method: "fft" });
}

function tapsFor(n: number): number[] {
  return [...new Set([1, 2, 3, 5, 8, 17, 64, Math.ceil(n / 3), n - 1, n])].filter((t) => t >= 1 && t <= n);
}

describe("FFT circular convolution (overlap-save)", () => {
  // First in the file, on a fresh scratch region: the calls after the refusal must grow it.
  it("a refused scratch request poisons neither the region nor the cached twiddles (issue #9 §2)", () => {
    const rng = new Rng({ seed: 14 });
    const exact = (n: number, taps: number) => {
      const s = integers(rng, n),
        k = integers(rng, taps);
      // Integer data: the reference is exact, so the bound is FFT round-off alone.
      assertClose(convolveFft(s, k), refConvolveWrap(s, k, 0), { atol: fftTolerance(s, k, 1) });
    };
    exact(1000, 64); // a region and twiddle tables in use before the refusal
    expect(() => scratch([2 ** 31], "a test's oversized block")).toThrow(/needs 2.00 GiB of wasm memory/);
    // The sizes: NaN (n = 4000, L = 256) and errors of 12.6 (n = 6000, L = 512) before the fix.
    exact(4000, 256);
    exact(6000, 512);
    exact(1000, 64); // the first call's twiddle table, reused
  });

  it(
    "equals refConvolveWrap and convolveWrap (direct) for n around powers of two, taps 1 … n, both " +
      "alignments and backends",
    () => {
      const rng = new Rng({ seed: 11 });
      for (const n of [1, 2, 3, 5, 8, 15, 16, 17, 1000, 1023, 1024, 1025, 10007]) {
        for (const taps of tapsFor(n)) {
          const s = integers(rng, n),
            k = integers(rng, taps);
          for (const alignment of ALIGNMENTS) {
            const shift = alignment === "scipy" ? Math.floor(taps / 2) : 0;
            const ref = refConvolveWrap(s, k, shift, 0.5); // exact: integer sums, scale a power of two
            const atol = fftTolerance(s, k, 0.5);
            for (const backend of BACKENDS) {
              const got = convolveFft(s, k, { alignment, scale: 0.5, backend });
              assertClose(got, ref, { atol });
              // The direct path is exact on these inputs too. It costs O(n·taps): the 12 calls at n = 10007
              // with taps ≥ n/3 would add ≈ 0.5 s (2 alignments × 2 backends × 3 lengths), for no new
              // coverage: long kernels are compared up to n = 1025, and `got` is checked against the
              // exact reference above at every size.
              if (taps <= 64 || n <= 1025)
                assertClose(got, convolveWrap(s, k, { alignment, scale: 0.5, backend, method: "direct" }), { atol });
            }
          }
        }
      }
    },
  );

  it(
    "matches the direct path on Gaussian data (tolerance: FFT round-off plus the direct sum's " + "L·ε·Σ|K|·max|s|)",
    () => {
      const rng = new Rng({ seed: 12 });
      for (const [n, taps] of [
        [1000, 100],
        [4099, 1000],
        [10007, 333],
      ]) {
        const s = rng.normal(n),
          k = rng.normal(taps);
        let sumK = 0,
          maxS = 0;
        for (const v of k) sumK += Math.abs(v);
        for (const v of s) maxS = Math.max(maxS, Math.abs(v));
        const atol = fftTolerance(s, k, 1) + taps * EPS * sumK * maxS;
        for (const alignment of ALIGNMENTS)
          assertClose(convolveFft(s, k, { alignment }), convolveWrap(s, k, { alignment, method: "direct" }), { atol });
      }
    },
  );

  it("SIMD and scalar builds give the same bits", () => {
    const rng = new Rng({ seed: 13 });
    for (const [n, taps] of [
      [1, 1],
      [17, 5],
      [1001, 99],
      [10007, 1000],
    ]) {
      const s = rng.normal(n),
        k = rng.normal(taps);
      for (const alignment of ALIGNMENTS) {
        const simd = convolveFft(s, k, { alignment, backend: "simd" });
        const scalar = convolveFft(s, k, { alignment, backend: "scalar" });
        expect(Array.from(simd)).toEqual(Array.from(scalar));
      }
    }
  });

  it("a delta kernel shifts the signal (causal) or returns it (scipy, centred)", () => {
    const s = Float64Array.from({ length: 1009 }, (_, i) => Math.sin(i) * i);
    // Σ|K| = 1: the error is FFT round-off alone.
    assertClose(
      convolveFft(s, new Float64Array([0, 1])),
      Array.from(s, (_, i) => s[(i + 1008) % 1009]),
      { atol: fftTolerance(s, new Float64Array([0, 1]), 1) },
    );
    const centred = new Float64Array(301);
    centred[150] = 1;
    assertClose(convolveFft(s, centred, { alignment: "scipy" }), s, { atol: fftTolerance(s, centred, 1) });
  });

  it("fft_f64() is the DFT: an impulse at m = 1 gives the twiddles e^{−2πik/n}", () => {
    const {
      wasm,
      addresses: [z, tw],
    } = scratch([16 * 64, 32 * 63], "fft test");
    for (const logn of [0, 1, 2, 3, 6]) {
      const n = 2 ** logn,
        m = Math.min(1, n - 1);
      wasm.f64.fill(0, z >> 3, (z >> 3) + 2 * n);
      wasm.f64[(z >> 3) + 2 * m] = 1;
      wasm.exports.fft_twiddles_f64(tw, logn);
      wasm.exports.fft_f64(z, logn, tw);
      const got = wasm.f64Copy(z, 2 * n);
      const want = Array.from({ length: 2 * n }, (_, i) =>
        (i % 2 === 0 ? Math.cos : Math.sin)((-2 * Math.PI * (((i >> 1) * m) % n)) / n),
      );
      // Each output is a product of at most log2(n) rounded twiddles (the other terms are 0): a few ε.
      assertClose(got, want, { atol: 4 * Math.max(1, logn) * EPS });
    }
  });

  it("the FFT path validates like the direct one", () => {
    expect(() => convolveFft(new Float64Array(3), new Float64Array(4), {})).toThrow(/longer than the signal/);
    expect(() => convolveFft(Float64Array.of(1, Number.NaN), new Float64Array(1), {})).toThrow(
      /signal\[1\] must be finite/,
    );
    expect(() => convolveFft(new Float64Array(3), new Float64Array(1), { alignment: "centre" as never })).toThrow(
      /alignment/,
    );
    expect(() => convolveWrap(new Float64Array(3), new Float64Array(1), { method: "fast" as never })).toThrow(
      /method must be one of/,
    );
    expect(() => convolveFft(new Float64Array(0), new Float64Array(0), {})).toThrow(/must not be empty/);
  });

  it(
    "sizes are checked before any allocation: direct work N·L ≤ 2^32, FFT buffers within the 2 GiB " + "of wasm memory",
    () => {
      expect(() => convolveWrap(new Float64Array(2 ** 17), new Float64Array(2 ** 16), { method: "direct" })).toThrow(
        new RegExp(
          String.raw`^method "direct" with 131072 signal samples and 65536 kernel taps is 8\.59e\+9 multiply-adds ` +
            String.raw`\(use method "fft"\), more than the limit 2\^32`,
        ),
      );
      // One block of B = 2^25 points for N = L = 2^24 (the cheapest): 24N + 16L + 64B = 168·2^24 bytes = 2.63 GiB.
      const big = new Float64Array(2 ** 24);
      expect(() => convolveWrap(big, big)).toThrow(
        new RegExp(
          String.raw`^signal \(16777216 samples\) and kernel \(16777216 taps\) need 2\.63 GiB of wasm memory on ` +
            String.raw`the FFT path, more than the 2\.00 GiB`,
        ),
      );
    },
  );

  it("chooseConvolution picks the direct form for short kernels and the FFT for long ones", () => {
    expect(chooseConvolution(10_000, 8)).toBe("direct");
    expect(chooseConvolution(10_000, 1000)).toBe("fft");
    expect(chooseConvolution(100, 100)).toBe("direct");
  });
});
