/**
 * benny suites for the contrastive-memory hot loops, SIMD build, whole calls with copies in and out:
 * - the circular convolution (N = 10⁴ and 10⁵ samples, a 1000-tap kernel, SciPy alignment): the
 *   direct form against the FFT path (the scipy peer runs side by side in bench/compare.ts);
 * - one Fig. 6B weight-update curve (a 10⁴-sample ladder kernel, τ_f = 3, τ_s = 15, dt = 10⁻⁴:
 *   N = 1.8·10⁵ samples, 100 amplitudes): thresholded trapezoids per amplitude against crossings.
 */
import b from "benny";
import { convolveWrap, weightUpdateCurve } from "../src/contrastive.js";
import { ladderKernel } from "../src/ladder.js";
import { Rng } from "../src/rng.js";
import { describeMachine } from "./machine.js";

export async function contrastiveSuite(folder: string): Promise<void> {
  console.log(`circular convolution, 1000 taps; ${describeMachine()}`);
  const rng = new Rng({ seed: 1 });
  const kernel = rng.normal(1000);
  const cases = [10_000, 100_000].map((n) => ({ n, signal: rng.normal(n) }));
  await b.suite(
    "contrastive-convolution",
    ...cases.flatMap(({ n, signal }) => [
      b.add(`direct N=${n}`, () => { convolveWrap(signal, kernel, { alignment: "scipy", backend: "simd", method: "direct" }); }),
      b.add(`fft N=${n}`, () => { convolveWrap(signal, kernel, { alignment: "scipy", backend: "simd", method: "fft" }); }),
    ]),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${(1000 / r.ops).toFixed(3)} ms`);
    }),
    b.save({ file: "contrastive", folder, format: "json" }),
  );
  const ladder = ladderKernel({ gamma: 0.01, F: 30, s1: 100 });
  const amplitudes = Array.from({ length: 100 }, (_, i) => (50 * i) / 99);
  const curve = { kernel: ladder.kernel, dt: ladder.kernel.dt, tauFast: 3, tauSlow: 15, mean: 10, theta: Math.abs(-50 / 15 + ladder.moments.area * 35), amplitudes, backend: "simd" as const };
  await b.suite(
    "contrastive-weight-update",
    b.add("Fig. 6B curve, direct (100 passes)", () => { weightUpdateCurve({ ...curve, method: "direct" }); }),
    b.add("Fig. 6B curve, crossings (1 pass)", () => { weightUpdateCurve({ ...curve, method: "crossings" }); }),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${(1000 / r.ops).toFixed(3)} ms`);
    }),
    b.save({ file: "contrastive-weight-update", folder, format: "json" }),
  );
}
