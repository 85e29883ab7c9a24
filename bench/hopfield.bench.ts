/**
 * Hopfield synchronous update x ← sign(Wx), Hebbian, wasm-resident: the bit-packed fast path and the
 * dense f32 path. Each op is one synchronous step through the pointer-level exports (hopfield_run_sync
 * with a one-step limit), so no copy crosses the boundary.
 *
 * - `hopfieldSuite`: benny at N = 1000, K = 100, SIMD and scalar builds; two more ops time the dense
 *   field evaluation alone (hopfield_fields: the matvec_sym_sign_f32 kernel plus h = scale·acc + b), so the
 *   kernel's share of a step shows.
 * - `compareHopfield`: side by side with numpy (bench/peers/hopfield_numpy.py) at N = 1000, K = 100 and
 *   N = 10⁴, K = 1000 against numpy's W@x (float32 and float64, OpenBLAS) and its low-rank Ξᵀ(Ξx)
 *   form, in rounds that alternate the peer and ours; then a full capacity sweep's wall time.
 */
import b from "benny";
import { runHopfieldCapacity, type Backend } from "../src/index.js";
import { bestRate, describeBlas, describeMachine, machine, median, rawWasm, runPeer } from "./harness.js";

/** A Hebbian network of random patterns in its own instance, state set to a random vector. */
export function benchNetwork(n: number, k: number, dense: boolean, backend: Backend) {
  const wasm = rawWasm("bench", backend);
  const e = wasm.exports;
  const p = e.hopfield_create(n, k, dense ? 1 : 0, 0, 1);
  if (p === 0) throw new RangeError("out of wasm memory");
  e.hopfield_random_patterns(p, 0.5);
  e.hopfield_index_patterns(p);
  e.hopfield_store_hebbian(p);
  e.hopfield_flip_random(p, 0.5); // the fresh state (all −1) with each bit flipped with probability ½
  return {
    step: () => e.hopfield_run_sync(p, 1, 0, 1, 0),
    fields: () => e.hopfield_fields(p),
    dispose: () => wasm.dispose(),
  };
}

export async function hopfieldSuite(folder: string): Promise<void> {
  console.log(`Hopfield synchronous step, N = 1000, K = 100, Hebbian; ${describeMachine()}`);
  const cases = [
    ["fast", "simd"],
    ["fast", "scalar"],
    ["dense", "simd"],
    ["dense", "scalar"],
  ] as const;
  const nets = cases.map(([path, backend]) => benchNetwork(1000, 100, path === "dense", backend));
  await b.suite(
    "hopfield-sync-step",
    ...cases.map(([path, backend], i) =>
      b.add(`${path} path, ${backend} build`, () => {
        nets[i].step();
      }),
    ),
    ...([2, 3] as const).map((i) =>
      b.add(`dense fields only (matvec), ${cases[i][1]} build`, () => {
        nets[i].fields();
      }),
    ),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${r.ops.toFixed(0)} ops/s`);
    }),
    b.save({ file: "hopfield", folder, format: "json" }),
  );
  for (const net of nets) net.dispose();
}

/** Best steps/s of one synchronous Hopfield update over `blocks` blocks. */
function hopfieldStepsPerSecond(n: number, k: number, dense: boolean, seconds: number, blocks = 5): number {
  const net = benchNetwork(n, k, dense, "simd");
  for (let i = 0; i < 5; i++) net.step();
  const best = bestRate(
    () => {
      for (let i = 0; i < 10; i++) net.step();
      return 10;
    },
    seconds,
    blocks,
  );
  net.dispose();
  return best;
}

export function compareHopfield(seconds = 2, rounds = 3): Record<string, unknown> {
  console.log(`\nHopfield synchronous update vs numpy, ${rounds} alternating rounds; ${describeMachine()}`);
  const sizes: [number, number][] = [
    [1000, 100],
    [10_000, 1000],
  ];
  type PeerRow = { n: number; k: number; variant: string; steps_per_s: number; blocks: number[] };
  // Per round: the peer (every size and variant), then our fast and dense paths at each size, so all
  // see the same machine noise. Each figure is the median over rounds of that round's best block (the
  // peer's `blocks`, our bestRate), as the perceptron and Langevin comparisons do.
  const ours = sizes.map(() => ({ fast: [] as number[], dense: [] as number[] }));
  const theirs = new Map<string, number[]>();
  let numpyInfo: unknown = null;
  for (let r = 0; r < rounds; r++) {
    const stdout = runPeer(
      "hopfield_numpy.py",
      ["--json", "--seconds", String(seconds), "--batch", "0"],
      r === 0 ? "numpy peer" : null,
    );
    if (stdout !== null) {
      const out = JSON.parse(stdout);
      for (const row of out.results as PeerRow[]) {
        const key = `${row.n}:${row.k}:${row.variant}`;
        theirs.set(key, [...(theirs.get(key) ?? []), Math.max(...row.blocks)]);
      }
      if (numpyInfo === null) {
        numpyInfo = { numpy: out.numpy, blas: out.blas, threads: out.threads, env: out.env };
        console.log(`  numpy ${out.numpy}, ${describeBlas(out.blas)}; env ${JSON.stringify(out.env)}`);
      }
    }
    sizes.forEach(([n, k], i) => {
      ours[i].fast.push(hopfieldStepsPerSecond(n, k, false, seconds));
      ours[i].dense.push(hopfieldStepsPerSecond(n, k, true, seconds));
    });
  }
  const rows: Record<string, unknown>[] = [];
  sizes.forEach(([n, k], i) => {
    const fast = median(ours[i].fast),
      dense = median(ours[i].dense);
    const peers = [...theirs]
      .filter(([key]) => key.startsWith(`${n}:${k}:`))
      .map(([key, v]) => ({ variant: key.split(":")[2], steps_per_s: median(v), rounds: v }));
    const f32 = peers.find((r) => r.variant === "dense-f32")?.steps_per_s;
    const low32 = peers.find((r) => r.variant === "lowrank-f32")?.steps_per_s;
    console.log(`  N = ${n}, K = ${k}:`);
    console.log(
      `    thermolearn fast path (bit-packed)  ${fast.toFixed(0).padStart(8)} steps/s` +
        `${f32 ? `   ${(fast / f32).toFixed(2)}× numpy dense-f32` : ""}` +
        `${low32 ? `, ${(fast / low32).toFixed(2)}× numpy lowrank-f32` : ""}`,
    );
    console.log(
      `    thermolearn dense path (f32 SIMD)   ${dense.toFixed(0).padStart(8)} steps/s` +
        `${f32 ? `   ${(dense / f32).toFixed(2)}× numpy dense-f32` : ""}`,
    );
    for (const peer of peers)
      console.log(
        `    numpy ${peer.variant.padEnd(30)}${peer.steps_per_s.toFixed(0).padStart(8)} steps/s` +
          `   rounds ${peer.rounds.map((v) => v.toFixed(0)).join(", ")}`,
      );
    console.log(
      `    rounds: fast ${ours[i].fast.map((v) => v.toFixed(0)).join(", ")}; ` +
        `dense ${ours[i].dense.map((v) => v.toFixed(0)).join(", ")}`,
    );
    rows.push({
      n,
      k,
      fast,
      dense,
      rounds: ours[i],
      numpy: peers,
      fastOverNumpyF32: f32 ? fast / f32 : null,
      fastOverNumpyLowrankF32: low32 ? fast / low32 : null,
      denseOverNumpyF32: f32 ? dense / f32 : null,
    });
  });
  const t0 = performance.now();
  runHopfieldCapacity({ n: 1000, trials: 20 });
  const sweepSeconds = (performance.now() - t0) / 1000;
  console.log(
    "  capacity sweep, N = 1000, K/N = 0.01…0.20 (20 loads), 20 networks per load, 10 recalls each: " +
      `${sweepSeconds.toFixed(1)} s`,
  );
  return { machine: machine(), sizes: rows, capacitySweepSeconds: sweepSeconds, numpyInfo };
}
