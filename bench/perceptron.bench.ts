/**
 * The perceptron's Euler–Maruyama step (n = 10⁴, B = 30), wasm-resident: each op is step(100) on a
 * simulation whose state never leaves wasm memory.
 *
 * - `perceptronSuite`: benny, SIMD and scalar builds, Hebbian and perceptron rules side by side.
 * - `comparePerceptron`: side by side with numpy in one run, f64, Hebbian rule, against
 *   bench/peers/perceptron_numpy.py (obvious, BLAS and byte-histogram numpy). Rounds alternate wasm
 *   and numpy so both see the same machine noise; the figure per implementation is the median over
 *   rounds of each round's best block. Also measures the pieces of one step on their own (Gaussians,
 *   input bits, a pass over the weights), to say how close the step is to its bounds.
 */
import b from "benny";
import { Perceptron, type Backend, type LearningRule } from "../src/index.js";
import {
  bestRate,
  describeBlas,
  describeMachine,
  machine,
  median,
  microseconds,
  type PeerBlas,
  rawWasm,
  runPeer,
} from "./harness.js";

const STEPS_PER_OP = 100;
const N = 10_000,
  BATCH = 30;

export async function perceptronSuite(folder: string): Promise<void> {
  console.log(`perceptron EM step, n = 10⁴, B = 30, ${STEPS_PER_OP} steps per op; ${describeMachine()}`);
  const cases: [LearningRule, Backend][] = [
    ["hebbian", "simd"],
    ["hebbian", "scalar"],
    ["perceptron", "simd"],
    ["perceptron", "scalar"],
  ];
  const sims = cases.map(([rule, backend]) => new Perceptron({ rule, backend, seed: 1 }));
  await b.suite(
    "perceptron-step",
    ...cases.map(([rule, backend], i) =>
      b.add(`${rule} ${backend} (×${STEPS_PER_OP} steps)`, () => {
        sims[i].step(STEPS_PER_OP);
      }),
    ),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${(r.ops * STEPS_PER_OP).toFixed(0)} steps/s`);
    }),
    b.save({ file: "perceptron", folder, format: "json" }),
  );
  for (const sim of sims) sim.dispose();
}

/** Best steps/s over `blocks` blocks of about `seconds`/blocks each. */
function wasmStepsPerSecond(backend: Backend, seconds: number, blocks = 5): number {
  const sim = new Perceptron({ n: N, batch: BATCH, backend, seed: 1 });
  sim.step(200); // warm-up
  const best = bestRate(() => sim.step(100), seconds, blocks);
  sim.dispose();
  return best;
}

interface NumpyRun {
  steps: Record<string, number>;
  info: Record<string, unknown>;
}

function numpyStepsPerSecond(seconds: number): NumpyRun | null {
  const stdout = runPeer("perceptron_numpy.py", [
    "--json",
    "--n",
    String(N),
    "--batch",
    String(BATCH),
    "--seconds",
    String(seconds),
  ]);
  if (stdout === null) return null;
  const out = JSON.parse(stdout);
  const steps: Record<string, number> = {};
  for (const [name, v] of Object.entries(out.variants as Record<string, { steps_per_s: number; blocks: number[] }>))
    steps[name] = Math.max(...v.blocks);
  const { variants: _v, ...info } = out;
  return { steps, info };
}

/** Time of the step's irreducible pieces, from the pointer-level exports. */
function bounds(): Record<string, number> {
  const wasm = rawWasm("bench", "simd");
  const e = wasm.exports;
  const groups = Math.ceil(BATCH / 8);
  const rng = e.rng_create(0, 1),
    out = wasm.alloc(8 * N, "out"),
    other = wasm.alloc(8 * N, "other");
  const normals = microseconds(() => e.rng_fill_normal(rng, out, N), 300);
  const bits = microseconds(() => e.rng_fill_u64(rng, out, Math.ceil((N * groups) / 8)), 300);
  const pass = microseconds(() => e.dot_f64(out, other, N), 2000);
  wasm.dispose();
  return { normalsUs: normals, bitsUs: bits, weightPassUs: pass };
}

export function comparePerceptron(rounds = 3, seconds = 2): Record<string, unknown> {
  console.log(
    `\nperceptron EM step vs numpy: n = ${N}, B = ${BATCH}, f64, Hebbian; ${rounds} rounds of ${seconds} s each`,
  );
  console.log(describeMachine());
  const wasm = { simd: [] as number[], scalar: [] as number[] };
  const numpy: Record<string, number[]> = {};
  let info: Record<string, unknown> | null = null;
  for (let r = 0; r < rounds; r++) {
    wasm.simd.push(wasmStepsPerSecond("simd", seconds));
    const np = numpyStepsPerSecond(seconds);
    if (np) {
      info = np.info;
      for (const [name, v] of Object.entries(np.steps)) (numpy[name] ??= []).push(v);
    }
    wasm.scalar.push(wasmStepsPerSecond("scalar", seconds));
  }
  const simd = median(wasm.simd),
    scalar = median(wasm.scalar);
  const rows: [string, number][] = [
    ["thermolearn wasm, SIMD build", simd],
    ["thermolearn wasm, scalar build", scalar],
  ];
  for (const [name, v] of Object.entries(numpy)) rows.push([`numpy ${name}`, median(v)]);
  const numpyBest = Math.max(0, ...Object.values(numpy).map(median));
  for (const [name, v] of rows) {
    const ratio = numpyBest > 0 ? `${(simd / v).toFixed(2)}× (SIMD vs this)` : "";
    console.log(`  ${name.padEnd(34)} ${v.toFixed(0).padStart(7)} steps/s   ${ratio}`);
  }
  if (numpyBest > 0) console.log(`  ratio, SIMD build / fastest numpy: ${(simd / numpyBest).toFixed(2)}×`);
  if (info)
    console.log(`  numpy ${info.numpy}, ${describeBlas(info.blas as PeerBlas[])}; env ${JSON.stringify(info.env)}`);

  const b = bounds();
  const stepUs = 1e6 / simd;
  const floorUs = b.normalsUs + b.bitsUs;
  console.log(
    `\none SIMD step: ${stepUs.toFixed(0)} µs. Its pieces alone: ${N} Gaussians ${b.normalsUs.toFixed(1)} µs, ` +
      `input bits ${b.bitsUs.toFixed(1)} µs, ` +
      `one streaming pass over two weight vectors ${b.weightPassUs.toFixed(1)} µs.`,
  );
  console.log(
    `random-number floor ${floorUs.toFixed(0)} µs → the step runs at ${((100 * floorUs) / stepUs).toFixed(0)} % ` +
      `of that bound (${(1e6 / floorUs).toFixed(0)} steps/s); the rest is the byte-histogram scatters and ` +
      `table gathers (≈ ${2 * Math.ceil(BATCH / 8)} random accesses per weight), all in L1/L2: ` +
      "memory bandwidth is not the bound.",
  );
  return {
    machine: machine(),
    n: N,
    batch: BATCH,
    rounds,
    seconds,
    stepsPerSecond: { simd: wasm.simd, scalar: wasm.scalar, numpy },
    median: Object.fromEntries(rows),
    ratioSimdToFastestNumpy: numpyBest > 0 ? simd / numpyBest : null,
    numpyInfo: info,
    bounds: b,
  };
}
