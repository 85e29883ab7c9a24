/**
 * benny suite for the shared reductions: dot_f64 over 10⁴ wasm-resident doubles, SIMD and scalar
 * builds, against plain JS on Float64Arrays. Uses the pointer-level tier (bench/harness.ts `rawWasm`).
 */
import b from "benny";
import type { Backend } from "../src/index.js";
import { describeMachine, rawWasm } from "./harness.js";

const N = 10_000;

export async function simdSuite(folder: string): Promise<void> {
  console.log(`dot product, n = ${N}, data resident in wasm memory; ${describeMachine()}`);
  const setup = (backend: Backend) => {
    const wasm = rawWasm("bench", backend);
    const a = wasm.alloc(8 * N, "a"),
      c = wasm.alloc(8 * N, "b");
    wasm.f64View(a, N).set(Float64Array.from({ length: N }, (_, i) => Math.sin(i)));
    wasm.f64View(c, N).set(Float64Array.from({ length: N }, (_, i) => Math.cos(i)));
    return { wasm, a, c };
  };
  const simd = setup("simd"),
    scalar = setup("scalar");
  const x = Float64Array.from({ length: N }, (_, i) => Math.sin(i)),
    y = Float64Array.from({ length: N }, (_, i) => Math.cos(i));
  let sink = 0;
  await b.suite(
    "dot",
    b.add("dot_f64, simd build", () => {
      sink += simd.wasm.exports.dot_f64(simd.a, simd.c, N);
    }),
    b.add("dot_f64, scalar build", () => {
      sink += scalar.wasm.exports.dot_f64(scalar.a, scalar.c, N);
    }),
    b.add("plain JS loop", () => {
      let s = 0;
      for (let i = 0; i < N; i++) s += x[i] * y[i];
      sink += s;
    }),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${((2 * N * r.ops) / 1e9).toFixed(2)} GFLOP/s`);
    }),
    b.save({ file: "dot", folder, format: "json" }),
  );
  if (sink === 0.123456789) console.log(sink);
  simd.wasm.dispose();
  scalar.wasm.dispose();
}
