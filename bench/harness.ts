/**
 * What every benchmark shares: where it ran (printed with, and saved beside, every figure), the
 * timers (median of calls, best of blocks), the Python peers in bench/peers/ run as child processes,
 * and the pointer-level wasm tier for the few figures that need data resident in wasm memory.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import type { Backend } from "../src/index.js";
import { median } from "../src/math/stats.js";
// The one import from below the public API: benchmarks of raw kernels (dot_f64 on wasm-resident data,
// one synchronous Hopfield step, the random-number floor of a perceptron step) call wasm exports
// by pointer, which the public classes do not expose. Everything else goes through src/index.js.
import { WasmInstance } from "../src/core/instance.js";

export { median };

/** The machine, Node and V8 a figure was measured on. */
export function machine(): Record<string, string | number> {
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()}`,
    /** 1-minute load average when the figure was measured: other work on the machine's cores. */
    load: Math.round(100 * os.loadavg()[0]) / 100,
    /** What this process had set of the variables removed from the peers' environment ({@link peerEnv}). */
    peerUnset: JSON.stringify(peerUnset()),
  };
}

/** {@link machine} on one line. */
export function describeMachine(): string {
  const m = machine();
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (V8 ${m.v8}), ${m.platform}, ${m.date}, ` +
    `load ${m.load}; ` +
    `unset for the peers: ${m.peerUnset}`
  );
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

/** Microseconds per call of `f`, best of 7 blocks of `calls` calls (after one warm-up call). */
export function microseconds(f: () => void, calls: number): number {
  f();
  let best = Infinity;
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    best = Math.min(best, ((performance.now() - t0) * 1000) / calls);
  }
  return best;
}

/**
 * Best rate (units per second) over `blocks` blocks of about `seconds`/blocks each, where `chunk()`
 * does some work and returns how many units it did (e.g. steps).
 */
export function bestRate(chunk: () => number, seconds: number, blocks = 5): number {
  let best = 0;
  for (let k = 0; k < blocks; k++) {
    let units = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < (1000 * seconds) / blocks) units += chunk();
    best = Math.max(best, units / ((performance.now() - t0) / 1000));
  }
  return best;
}

/** Most bytes of standard output a peer may print (16 MiB): its JSON results, with room. */
const PEER_OUTPUT_BYTES = 1 << 24;

/**
 * Variables removed from every peer's environment (and from that child process's alone): this machine
 * sets them, and they slow a current numpy: OPENBLAS_CORETYPE forces OpenBLAS's kernel choice (which it
 * otherwise makes from the CPU at load), OPENBLAS_L2_SIZE its blocking. A user's numpy runs without them.
 */
export const PEER_UNSET = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"] as const;

/**
 * The environment every Python peer runs in: this process's, minus {@link PEER_UNSET}, with
 * build/bench/python first on PYTHONPATH (where scripts/bench.mjs links Debian's threadpoolctl module
 * when `python3` does not see it), and PYTHONDONTWRITEBYTECODE so no __pycache__ lands in bench/peers/.
 */
export function peerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: "1" };
  for (const name of PEER_UNSET) delete env[name];
  env.PYTHONPATH = ["build/bench/python", process.env.PYTHONPATH].filter(Boolean).join(":");
  return env;
}

/** The values of {@link PEER_UNSET} in this process (null where unset): what the peers were spared. */
export function peerUnset(): Record<string, string | null> {
  return Object.fromEntries(PEER_UNSET.map((name) => [name, process.env[name] ?? null]));
}

/** One BLAS as a peer reports it (bench/peers/peer_common.py blas_info: threadpoolctl's fields). */
export interface PeerBlas {
  internal_api?: string;
  version?: string | null;
  architecture?: string;
  num_threads?: number;
  prefix?: string;
  source?: string;
  [key: string]: unknown;
}

/** A peer's BLAS list on one line: "openblas 0.3.31 SkylakeX kernel, 2 threads (libscipy_openblas64_…)". */
export function describeBlas(blas: PeerBlas[] | null | undefined): string {
  if (!blas?.length) return "BLAS unknown";
  return blas
    .map(
      (i) =>
        `${i.internal_api ?? "?"} ${i.version ?? "?"} ${i.architecture ?? "?"} kernel, ${i.num_threads ?? "?"} ` +
        `threads (${i.prefix ?? "?"}, via ${i.source ?? "?"})`,
    )
    .join("; ");
}

/**
 * Runs the Python peer bench/peers/`script` with `args` in {@link peerEnv} and returns its standard
 * output, or null when python3, numpy or scipy is missing or the peer fails: then it warns
 * "`what` unavailable: <the last line of its stderr>" unless `what` is null.
 */
export function runPeer(script: string, args: string[], what: string | null = "numpy peer"): string | null {
  const run = spawnSync("python3", [`bench/peers/${script}`, ...args], {
    encoding: "utf8",
    env: peerEnv(),
    maxBuffer: PEER_OUTPUT_BYTES,
  });
  if (run.status !== 0) {
    if (what !== null)
      console.warn(`${what} unavailable: ${(run.stderr || run.error?.message || "").trim().split("\n").at(-1)}`);
    return null;
  }
  return run.stdout;
}

/** A wasm instance of its own for pointer-level benchmarks (allocate, view, call exports, dispose). */
export function rawWasm(owner: string, backend?: Backend): WasmInstance {
  return new WasmInstance(owner, backend);
}
