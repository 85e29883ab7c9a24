/**
 * Equilibrium propagation on MNIST (784-500-10, mini-batch 20): one training step per op for both
 * variants and builds (benny), and the side-by-side comparison with the numpy/scipy peer
 * (bench/peers/eqprop_numpy.py) on the same number of mini-batches, plus measured epoch times and the
 * throughput against the machine's f32 SIMD dot rate.
 */
import b from "benny";
import { EqProp, type EqPropVariant } from "../src/index.js";
import { loadMnist } from "../src/data/mnist.js";
import {
  describeBlas,
  describeMachine,
  machine,
  median,
  medianMs,
  type PeerBlas,
  rawWasm,
  runPeer,
} from "./harness.js";

const B = 20;

export async function eqpropSuite(folder: string): Promise<void> {
  console.log(`EqProp training step (784-500-10, mini-batch 20, MNIST); ${describeMachine()}`);
  const { train } = await loadMnist({ train: 2000, test: 0, seed: 1 });
  const cases = [
    ["plain", "simd"],
    ["plain", "scalar"],
    ["memory", "simd"],
    ["memory", "scalar"],
  ] as const;
  const nets = cases.map(([variant, backend]) => new EqProp({ variant, backend, seed: 1 }, { train }));
  const cursor = cases.map(() => 0);
  await b.suite(
    "eqprop-batch",
    ...cases.map(([variant, backend], i) =>
      b.add(`${variant}, ${backend} build`, () => {
        nets[i].trainBatch(cursor[i], 1);
        cursor[i] = (cursor[i] + 1) % nets[i].batchesPerEpoch;
      }),
    ),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${r.ops.toFixed(1)} mini-batches/s`);
    }),
    b.save({ file: "eqprop", folder, format: "json" }),
  );
  for (const net of nets) net.dispose();
}

/** Single-thread f32 SIMD dot rate on L1-resident vectors of 500 (the hidden width), in GMAC/s. */
function dotRate(): number {
  const wasm = rawWasm("dot rate", "simd");
  const n = 500,
    a = wasm.alloc(4 * n, "a"),
    c = wasm.alloc(4 * n, "c");
  wasm.f32.fill(0.5, a >> 2, (a >> 2) + n);
  wasm.f32.fill(0.25, c >> 2, (c >> 2) + n);
  const e = wasm.exports,
    calls = 200_000;
  let sink = 0;
  const t =
    medianMs(() => {
      for (let i = 0; i < calls; i++) sink += e.dot_f32(a, c, n);
    }, 1) / 1000;
  wasm.dispose();
  if (!Number.isFinite(sink)) throw new Error("dot rate: non-finite sum");
  return (calls * n) / t / 1e9;
}

/**
 * Dense-equivalent multiply–adds of one mini-batch: the input drive (784·500 per example), every
 * relaxation step (2·500·10 per example), and the update as if no pixel were zero: plain, the
 * outer products; memory, per parameter the batch sums at the 9 ramp points and the 100 × 8
 * interpolation–convolution operator. Skipped zero pixels and skipped parameters count as work done.
 */
function denseMacs(variant: EqPropVariant): number {
  const params = 784 * 500 + 500 * 10 + 510;
  const steps = variant === "plain" ? 20 + 4 : 20 + 9 * 4;
  const update = variant === "plain" ? 2 * B * params : params * (9 * B + 100 * 8);
  return B * 784 * 500 + B * steps * 2 * 500 * 10 + update;
}

interface PeerRun {
  secondsPerBatch: number;
  [key: string]: unknown;
}

/** Rounds of the side-by-side comparison with the numpy port (see compareEqProp). */
const PEER_ROUNDS = 3;

/**
 * Runs the numpy peer and returns its JSON line, or null (with a warning unless `warn` is false) when
 * python3/numpy/scipy is missing or it fails.
 */
function peer(method: "fast" | "authors", batches: number, warn = true): PeerRun | null {
  const stdout = runPeer(
    "eqprop_numpy.py",
    ["--method", method, "--batches", String(batches)],
    warn ? `numpy peer (eqprop ${method})` : null,
  );
  return stdout === null ? null : JSON.parse(stdout.trim().split("\n").at(-1)!);
}

export async function compareEqProp(batches: number, fullEpochs: boolean): Promise<Record<string, unknown>> {
  console.log(`\nEqProp on MNIST, side by side with numpy (${batches} mini-batches of 20); ${describeMachine()}`);
  const { train, test } = await loadMnist({ seed: 1 });
  const subset = {
    images: train.images.subarray(0, batches * B * 784),
    labels: Array.from(train.labels).slice(0, batches * B),
  };
  // Rounds alternate ours (a fresh network per round and variant, so every round does the same work)
  // and the numpy port, so both see the same machine noise; each figure is the median over rounds. The
  // authors' pipeline (≈ 100× slower) runs once.
  const rounds: Record<"plain" | "memory" | "fast", number[]> = { plain: [], memory: [], fast: [] };
  let fast: PeerRun | null = null;
  for (let r = 0; r < PEER_ROUNDS; r++) {
    for (const variant of ["plain", "memory"] as const) {
      const net = new EqProp({ variant, seed: 1 }, { train: subset });
      rounds[variant].push(medianMs(() => net.trainEpoch(), 2) / 1000 / batches); // after one warm-up epoch
      net.dispose();
    }
    const run = peer("fast", batches, r === 0);
    if (run) {
      fast ??= run;
      rounds.fast.push(run.secondsPerBatch);
    }
  }
  const ours = { plain: median(rounds.plain), memory: median(rounds.memory) };
  if (fast) fast = { ...fast, secondsPerBatch: median(rounds.fast), rounds: rounds.fast };
  const authors = peer("authors", Math.min(batches, 3));
  const rate = dotRate();
  const epoch: Record<string, number | null> = { plain: null, memory: null };
  if (fullEpochs) {
    for (const variant of ["plain", "memory"] as const) {
      const net = new EqProp({ variant, seed: 1 }, { train, test });
      epoch[variant] = net.trainEpoch().elapsedMs / 1000;
      net.dispose();
    }
  }
  const line = (label: string, s: number, note = "") =>
    console.log(`  ${label.padEnd(44)} ${(1000 * s).toFixed(1).padStart(8)} ms/mini-batch${note}`);
  const gmacs = (v: EqPropVariant) => denseMacs(v) / ours[v] / 1e9;
  line("thermolearn plain EP (SIMD)", ours.plain, `   ${gmacs("plain").toFixed(2)} dense-equivalent GMAC/s`);
  line("thermolearn memory variant (SIMD)", ours.memory, `   ${gmacs("memory").toFixed(2)} dense-equivalent GMAC/s`);
  if (fast) line("numpy fast (same update, float32 BLAS)", fast.secondsPerBatch);
  if (authors) line("numpy/scipy authors' pipeline", authors.secondsPerBatch);
  const ratio = {
    fast: fast ? fast.secondsPerBatch / ours.memory : null,
    authors: authors ? authors.secondsPerBatch / ours.memory : null,
  };
  const ratios = [
    ratio.fast !== null && `${ratio.fast.toFixed(1)}× numpy fast`,
    ratio.authors !== null && `${ratio.authors.toFixed(0)}× the authors' pipeline`,
  ].filter(Boolean);
  if (ratios.length) console.log(`  memory variant: ${ratios.join(", ")}`);
  for (const run of [fast, authors])
    if (run) console.log(`  peer ${run.peer}: ${describeBlas(run.blas as PeerBlas[])}; env ${JSON.stringify(run.env)}`);
  console.log(`  f32 SIMD dot rate (one core, L1): ${rate.toFixed(2)} GMAC/s`);
  if (fullEpochs)
    console.log(
      `  full epoch (8000 digits + 2000 held out): plain ${epoch.plain!.toFixed(1)} s, ` +
        `memory ${epoch.memory!.toFixed(1)} s`,
    );
  return {
    machine: machine(),
    batches,
    secondsPerBatch: ours,
    rounds,
    denseMacsPerBatch: { plain: denseMacs("plain"), memory: denseMacs("memory") },
    denseGmacPerSecond: { plain: gmacs("plain"), memory: gmacs("memory") },
    dotRateGmacPerSecond: rate,
    epochSeconds: epoch,
    peers: { fast, authors },
    ratio,
  };
}
