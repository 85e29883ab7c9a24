/**
 * Hopfield synchronous update x ← sign(Wx) (N = 1000, K = 100, Hebbian), wasm-resident: the bit-packed
 * fast path and the dense f32 path, SIMD and scalar builds. Each op is one synchronous step through
 * the pointer-level exports (hopfield_run_sync with a one-step limit), so no copy crosses the boundary.
 * Two more ops time the dense field evaluation alone (hopfield_fields: the dense_matvec kernel plus
 * h = scale·acc + b), so the kernel's share of a step shows.
 */
import b from "benny";
import { WasmInstance } from "../src/core/instance.js";
import { describeMachine } from "./machine.js";

/** A Hebbian network of random patterns in its own instance, state set to a random vector. */
export function benchNetwork(n: number, k: number, dense: boolean, backend: "simd" | "scalar") {
  const wasm = new WasmInstance("bench", backend);
  const e = wasm.exports;
  const p = e.hopfield_create(n, k, dense ? 1 : 0, 0, 1);
  if (p === 0) throw new RangeError("out of wasm memory");
  e.hopfield_random_patterns(p, 0.5);
  e.hopfield_index_patterns(p);
  e.hopfield_store_hebbian(p);
  e.hopfield_flip_random(p, 0.5); // the fresh state (all −1) with each bit flipped with probability ½
  return { step: () => e.hopfield_run_sync(p, 1, 0, 1, 0), fields: () => e.hopfield_fields(p), dispose: () => wasm.dispose() };
}

export async function hopfieldSuite(folder: string): Promise<void> {
  console.log(`Hopfield synchronous step, N = 1000, K = 100, Hebbian; ${describeMachine()}`);
  const cases = [["fast", "simd"], ["fast", "scalar"], ["dense", "simd"], ["dense", "scalar"]] as const;
  const nets = cases.map(([path, backend]) => benchNetwork(1000, 100, path === "dense", backend));
  await b.suite(
    "hopfield-sync-step",
    ...cases.map(([path, backend], i) => b.add(`${path} path, ${backend} build`, () => { nets[i].step(); })),
    ...([2, 3] as const).map((i) => b.add(`dense fields only (matvec), ${cases[i][1]} build`, () => { nets[i].fields(); })),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${r.ops.toFixed(0)} ops/s`);
    }),
    b.save({ file: "hopfield", folder, format: "json" }),
  );
  nets.forEach((net) => net.dispose());
}
