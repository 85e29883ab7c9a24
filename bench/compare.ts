/**
 * Side-by-side comparison against numpy, in one run: the perceptron's Euler–Maruyama step at
 * n = 10⁴, B = 30, f64, Hebbian rule, against bench/perceptron_numpy.py (obvious, BLAS and
 * byte-histogram numpy). Rounds alternate wasm and numpy so both see the same machine noise; the
 * figure per implementation is the median over rounds of each round's best block.
 *
 * Also measures the pieces of one step on their own (Gaussians, input bits, a pass over the
 * weights), to say how close the step is to its bounds.
 */
import { spawnSync } from "node:child_process";
import { Perceptron } from "../src/index.js";
import { WasmInstance } from "../src/core/instance.js";
import { describeMachine, machine } from "./machine.js";
import { benchNetwork } from "./hopfield.bench.js";
import { hopfieldCapacity } from "../src/hopfield.js";
import { convolveWrap } from "../src/contrastive.js";
import { MarkovChain, ladderRates } from "../src/ladder.js";
import { Rng } from "../src/rng.js";

const N = 10_000, BATCH = 30;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Best steps/s over `blocks` blocks of about `seconds`/blocks each. */
function wasmStepsPerSecond(backend: "simd" | "scalar", seconds: number, blocks = 5): number {
  const sim = new Perceptron({ n: N, batch: BATCH, backend, seed: 1 });
  sim.step(200); // warm-up
  let best = 0;
  for (let k = 0; k < blocks; k++) {
    let steps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < (1000 * seconds) / blocks) steps += sim.step(100);
    best = Math.max(best, steps / ((performance.now() - t0) / 1000));
  }
  sim.dispose();
  return best;
}

interface NumpyRun { steps: Record<string, number>; info: Record<string, unknown>; }

function numpyStepsPerSecond(seconds: number): NumpyRun | null {
  const run = spawnSync("python3", ["bench/perceptron_numpy.py", "--json", "--n", String(N), "--batch", String(BATCH), "--seconds", String(seconds)], { encoding: "utf8" });
  if (run.status !== 0) {
    console.warn(`numpy peer unavailable: ${(run.stderr || run.error?.message || "").trim().split("\n").at(-1)}`);
    return null;
  }
  const out = JSON.parse(run.stdout);
  const steps: Record<string, number> = {};
  for (const [name, v] of Object.entries(out.variants as Record<string, { steps_per_s: number; blocks: number[] }>)) steps[name] = Math.max(...v.blocks);
  const { variants: _v, ...info } = out;
  return { steps, info };
}

/** Median milliseconds per call of `f` over about `seconds` (at least 5 calls, after one warm-up). */
export function medianMs(f: () => void, seconds: number): number {
  f();
  const times: number[] = [];
  const start = performance.now();
  while (performance.now() - start < 1000 * seconds || times.length < 5) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Microseconds per call of `f`, best of 7 blocks. */
function microseconds(f: () => void, calls: number): number {
  f();
  let best = Infinity;
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    best = Math.min(best, ((performance.now() - t0) * 1000) / calls);
  }
  return best;
}

/** Time of the step's irreducible pieces, from the pointer-level exports. */
function bounds(): Record<string, number> {
  const wasm = new WasmInstance("bench", "simd");
  const e = wasm.exports;
  const groups = Math.ceil(BATCH / 8);
  const rng = e.rng_create(0, 1), out = wasm.alloc(8 * N, "out"), other = wasm.alloc(8 * N, "other");
  const normals = microseconds(() => e.rng_fill_normal(rng, out, N), 300);
  const bits = microseconds(() => e.rng_fill_u64(rng, out, Math.ceil((N * groups) / 8)), 300);
  const pass = microseconds(() => e.dot_f64(out, other, N), 2000);
  wasm.dispose();
  return { normalsUs: normals, bitsUs: bits, weightPassUs: pass };
}

export function compare(rounds = 3, seconds = 2): Record<string, unknown> {
  console.log(`\nperceptron EM step vs numpy: n = ${N}, B = ${BATCH}, f64, Hebbian; ${rounds} rounds of ${seconds} s each`);
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
  const simd = median(wasm.simd), scalar = median(wasm.scalar);
  const rows: [string, number][] = [["thermolearn wasm, SIMD build", simd], ["thermolearn wasm, scalar build", scalar]];
  for (const [name, v] of Object.entries(numpy)) rows.push([`numpy ${name}`, median(v)]);
  const numpyBest = Math.max(0, ...Object.values(numpy).map(median));
  for (const [name, v] of rows) {
    const ratio = numpyBest > 0 ? `${(simd / v).toFixed(2)}× (SIMD vs this)` : "";
    console.log(`  ${name.padEnd(34)} ${v.toFixed(0).padStart(7)} steps/s   ${ratio}`);
  }
  if (numpyBest > 0) console.log(`  ratio, SIMD build / fastest numpy: ${(simd / numpyBest).toFixed(2)}×`);

  const b = bounds();
  const stepUs = 1e6 / simd;
  const floorUs = b.normalsUs + b.bitsUs;
  console.log(`\none SIMD step: ${stepUs.toFixed(0)} µs. Its pieces alone: ${N} Gaussians ${b.normalsUs.toFixed(1)} µs, input bits ${b.bitsUs.toFixed(1)} µs, one streaming pass over two weight vectors ${b.weightPassUs.toFixed(1)} µs.`);
  console.log(`random-number floor ${floorUs.toFixed(0)} µs → the step runs at ${((100 * floorUs) / stepUs).toFixed(0)} % of that bound (${(1e6 / floorUs).toFixed(0)} steps/s); the rest is the byte-histogram scatters and table gathers (≈ ${(2 * Math.ceil(BATCH / 8))} random accesses per weight), all in L1/L2: memory bandwidth is not the bound.`);
  return { machine: machine(), n: N, batch: BATCH, rounds, seconds, stepsPerSecond: { simd: wasm.simd, scalar: wasm.scalar, numpy }, median: Object.fromEntries(rows), ratioSimdToFastestNumpy: numpyBest > 0 ? simd / numpyBest : null, numpyInfo: info, bounds: b };
}

/** Best steps/s of one synchronous Hopfield update over `blocks` blocks. */
function hopfieldStepsPerSecond(n: number, k: number, dense: boolean, seconds: number, blocks = 5): number {
  const net = benchNetwork(n, k, dense, "simd");
  for (let i = 0; i < 5; i++) net.step();
  let best = 0;
  for (let b = 0; b < blocks; b++) {
    let steps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < (1000 * seconds) / blocks) { for (let i = 0; i < 10; i++) net.step(); steps += 10; }
    best = Math.max(best, steps / ((performance.now() - t0) / 1000));
  }
  net.dispose();
  return best;
}

/**
 * Hopfield side by side with numpy (bench/hopfield_numpy.py): the synchronous update at N = 1000,
 * K = 100 and N = 10⁴, K = 1000, bit-packed fast path and dense path against numpy's W@x (float32
 * and float64, OpenBLAS) and its low-rank Ξᵀ(Ξx) form; then a full capacity sweep's wall time.
 */
export function compareHopfield(seconds = 2): Record<string, unknown> {
  console.log(`\nHopfield synchronous update vs numpy; ${describeMachine()}`);
  const sizes: [number, number][] = [[1000, 100], [10_000, 1000]];
  const run = spawnSync("python3", ["bench/hopfield_numpy.py", "--json", "--seconds", String(seconds), "--batch", "0"], { encoding: "utf8", maxBuffer: 1 << 24 });
  let numpy: { n: number; k: number; variant: string; steps_per_s: number }[] = [];
  let numpyInfo: unknown = null;
  if (run.status === 0) {
    const out = JSON.parse(run.stdout);
    numpy = out.results;
    numpyInfo = { numpy: out.numpy, blas: out.blas, threads: out.threads, env: out.env };
  } else {
    console.warn(`numpy peer unavailable: ${(run.stderr || run.error?.message || "").trim().split("\n").at(-1)}`);
  }
  const rows: Record<string, unknown>[] = [];
  for (const [n, k] of sizes) {
    const fast = hopfieldStepsPerSecond(n, k, false, seconds);
    const dense = hopfieldStepsPerSecond(n, k, true, seconds);
    const peers = numpy.filter((r) => r.n === n && r.k === k);
    const f32 = peers.find((r) => r.variant === "dense-f32")?.steps_per_s;
    console.log(`  N = ${n}, K = ${k}:`);
    console.log(`    thermolearn fast path (bit-packed)  ${fast.toFixed(0).padStart(8)} steps/s${f32 ? `   ${(fast / f32).toFixed(2)}× numpy dense-f32` : ""}`);
    console.log(`    thermolearn dense path (f32 SIMD)   ${dense.toFixed(0).padStart(8)} steps/s${f32 ? `   ${(dense / f32).toFixed(2)}× numpy dense-f32` : ""}`);
    for (const peer of peers) console.log(`    numpy ${peer.variant.padEnd(30)}${peer.steps_per_s.toFixed(0).padStart(8)} steps/s`);
    rows.push({ n, k, fast, dense, numpy: peers, fastOverNumpyF32: f32 ? fast / f32 : null, denseOverNumpyF32: f32 ? dense / f32 : null });
  }
  const t0 = performance.now();
  hopfieldCapacity({ n: 1000, trials: 20 });
  const sweepSeconds = (performance.now() - t0) / 1000;
  console.log(`  capacity sweep, N = 1000, K/N = 0.01…0.20 (20 loads), 20 networks per load, 10 recalls each: ${sweepSeconds.toFixed(1)} s`);
  return { machine: machine(), sizes: rows, capacitySweepSeconds: sweepSeconds, numpyInfo };
}

/**
 * Circular convolution side by side with scipy.ndimage.convolve1d(mode='wrap') (bench/contrastive_scipy.py):
 * N = 10⁴ and 10⁵ samples, a 1000-tap kernel, SciPy alignment; medians of whole calls, copies included.
 */
export function compareContrastive(seconds = 1): Record<string, unknown> {
  console.log(`\ncircular convolution vs scipy, 1000 taps; ${describeMachine()}`);
  const run = spawnSync("python3", ["bench/contrastive_scipy.py", "--json", "--only", "convolution", "--seconds", String(seconds)], { encoding: "utf8" });
  const out = run.status === 0 ? JSON.parse(run.stdout) : null;
  const scipyRows: { n: number; ms: number }[] = out?.convolution ?? [];
  // The peer's versions, BLAS, CPU count and environment (bench/peer_common.py), as the numpy comparisons record theirs.
  const scipyInfo = out && { scipy: out.scipy, numpy: out.numpy, python: out.python, blas: out.blas, threads: out.threads, cpus: out.cpus, env: out.env };
  if (run.status !== 0) console.warn(`scipy peer unavailable: ${(run.stderr || "").trim().split("\n").at(-1)}`);
  const rng = new Rng({ seed: 1 });
  const kernel = rng.normal(1000);
  const rows: Record<string, unknown>[] = [];
  for (const n of [10_000, 100_000]) {
    const signal = rng.normal(n);
    const time = (method: "direct" | "fft") => medianMs(() => convolveWrap(signal, kernel, { alignment: "scipy", method }), seconds);
    const fft = time("fft"), direct = time("direct");
    const peer = scipyRows.find((r) => r.n === n)?.ms;
    console.log(`  N = ${n}: thermolearn FFT ${fft.toFixed(2)} ms, direct ${direct.toFixed(2)} ms, scipy ${peer?.toFixed(2) ?? "?"} ms${peer ? ` → ${(peer / fft).toFixed(1)}× scipy` : ""}`);
    rows.push({ n, taps: 1000, fftMs: fft, directMs: direct, scipyMs: peer ?? null, ratio: peer ? peer / fft : null });
  }
  rng.dispose();
  return { machine: machine(), rows, scipyInfo };
}

/**
 * The 10-state ladder master equation to 10⁴ time points (5 time units, dt = 5·10⁻⁴) from the s = 0
 * steady state after a step to s = 200 (γ = 0.1, F = 25), against scipy's odeint on the same problem
 * (bench/contrastive_scipy.py: LSODA at its default tolerances, ≈ 575 right-hand sides and dense
 * output, 3e-8 from the exact solution). Ours per call: reset p to the s = 0 steady state, setRates
 * (validates M and recomputes the exact propagator exp(M·dt)), then `trajectory(10⁴)`: 10⁴ mat-vecs,
 * each p recorded and returned as one new 10⁴ × 10 Float64Array (odeint returns the same shape), and
 * again into a reused array (`trajectory(10⁴, out)`), which spares the 800 kB allocation.
 * Rounds alternate odeint and thermolearn so both see the same machine noise; the ratio is of the
 * medians over rounds.
 */
export function compareMasterEquation(seconds = 1, rounds = 3): Record<string, unknown> {
  const chain = new MarkovChain({ rates: ladderRates({ gamma: 0.1, F: 25, s: 0 }), dt: 5e-4 }); // starts in its steady state
  const p0 = chain.probabilities();
  const M = ladderRates({ gamma: 0.1, F: 25, s: 200 });
  const reused = new Float64Array(10 * 10_000);
  const ours: number[] = [], intoOut: number[] = [], peers: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const run = spawnSync("python3", ["bench/contrastive_scipy.py", "--json", "--only", "master", "--seconds", String(seconds)], { encoding: "utf8" });
    if (run.status === 0) peers.push(JSON.parse(run.stdout).masterEquation.ms);
    else if (r === 0) console.warn(`scipy peer unavailable: ${(run.stderr || "").trim().split("\n").at(-1)}`);
    ours.push(medianMs(() => { chain.setProbabilities(p0); chain.setRates(M); chain.trajectory(10_000); }, seconds / 2));
    intoOut.push(medianMs(() => { chain.setProbabilities(p0); chain.setRates(M); chain.trajectory(10_000, reused); }, seconds / 2));
  }
  chain.dispose();
  const ms = median(ours), outMs = median(intoOut), peer = peers.length ? median(peers) : null;
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(", ");
  console.log(`  master equation, 10 states, 10⁴ points (exact propagator): thermolearn ${ms.toFixed(3)} ms (new array), ${outMs.toFixed(3)} ms (into a reused array); scipy odeint ${peer?.toFixed(3) ?? "?"} ms${peer ? ` → ${(peer / ms).toFixed(1)}× odeint (${(peer / outMs).toFixed(1)}× reusing the array)` : ""}`);
  console.log(`    rounds: new array ${fmt(ours)} / reused ${fmt(intoOut)} / odeint ${fmt(peers)} ms`);
  return { ms, reusedArrayMs: outMs, odeintMs: peer, ratio: peer ? peer / ms : null, ratioReusedArray: peer ? peer / outMs : null, rounds: { thermolearn: ours, reusedArray: intoOut, odeint: peers } };
}
