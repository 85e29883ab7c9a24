/**
 * benny suite for the generator: 10⁴ ziggurat Gaussians and 10⁴ raw u64 words per op, SIMD and
 * scalar builds, against a plain-JS Box–Muller baseline.
 */
import b from "benny";
import { Rng } from "../src/index.js";
import { describeMachine } from "./harness.js";

const COUNT = 10_000;

function boxMuller(out: Float64Array): void {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - Math.random()));
    const phi = 2 * Math.PI * Math.random();
    out[i] = r * Math.cos(phi);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(phi);
  }
}

export async function rngSuite(folder: string): Promise<void> {
  console.log(
    `rng, ${COUNT} variates per op (Rng copies results out of wasm: includes one copy); ${describeMachine()}`,
  );
  const simd = new Rng({ seed: 1, backend: "simd" }),
    scalar = new Rng({ seed: 1, backend: "scalar" });
  const js = new Float64Array(COUNT);
  await b.suite(
    "rng",
    b.add("ziggurat normal, simd build", () => {
      simd.normal(COUNT);
    }),
    b.add("ziggurat normal, scalar build", () => {
      scalar.normal(COUNT);
    }),
    b.add("Box–Muller normal, plain JS", () => {
      boxMuller(js);
    }),
    b.add("raw u64, simd build", () => {
      simd.u64(COUNT);
    }),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${((r.ops * COUNT) / 1e6).toFixed(1)} M/s`);
    }),
    b.save({ file: "rng", folder, format: "json" }),
  );
  simd.dispose();
  scalar.dispose();
}
