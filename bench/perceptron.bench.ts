/**
 * benny suite for the perceptron's Euler–Maruyama step (n = 10⁴, B = 30), wasm-resident: each op is
 * step(100) on a simulation whose state never leaves wasm memory. SIMD and scalar builds side by side.
 */
import b from "benny";
import { Perceptron, type LearningRule } from "../src/index.js";
import { describeMachine } from "./machine.js";

const STEPS_PER_OP = 100;

export async function perceptronSuite(folder: string): Promise<void> {
  console.log(`perceptron EM step, n = 10⁴, B = 30, ${STEPS_PER_OP} steps per op; ${describeMachine()}`);
  const cases: [LearningRule, "simd" | "scalar"][] = [["hebbian", "simd"], ["hebbian", "scalar"], ["perceptron", "simd"], ["perceptron", "scalar"]];
  const sims = cases.map(([rule, backend]) => new Perceptron({ rule, backend, seed: 1 }));
  await b.suite(
    "perceptron-step",
    ...cases.map(([rule, backend], i) => b.add(`${rule} ${backend} (×${STEPS_PER_OP} steps)`, () => { sims[i].step(STEPS_PER_OP); })),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${(r.ops * STEPS_PER_OP).toFixed(0)} steps/s`);
    }),
    b.save({ file: "perceptron", folder, format: "json" }),
  );
  sims.forEach((s) => s.dispose());
}
