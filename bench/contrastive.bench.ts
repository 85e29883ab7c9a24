/**
 * benny suite for the contrastive-memory hot loop, SIMD build, whole calls with copies in and out:
 * one Fig. 6B weight-update curve (a 10⁴-sample ladder kernel, τ_f = 3, τ_s = 15, dt = 10⁻⁴:
 * N = 1.8·10⁵ samples, 100 amplitudes), thresholded trapezoids per amplitude against crossings.
 * The circular convolution (direct form against the FFT path, and scipy) is timed in
 * bench/compare.ts `compareContrastive`.
 */
import b from "benny";
import { weightUpdateCurve } from "../src/contrastive.js";
import { ladderKernel } from "../src/ladder.js";
import { describeMachine } from "./machine.js";

export async function contrastiveSuite(folder: string): Promise<void> {
  console.log(`Fig. 6B weight-update curve; ${describeMachine()}`);
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
