/**
 * benny suite for the circular convolution (N = 10⁴ and 10⁵ samples, a 1000-tap kernel, SciPy
 * alignment): the direct form against the FFT path, SIMD build. Whole calls, copies in and out
 * included. The scipy peer runs side by side in bench/compare.ts.
 */
import b from "benny";
import { convolveWrap } from "../src/contrastive.js";
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
}
