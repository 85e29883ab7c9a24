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
  };
}

/** {@link machine} on one line. */
export function describeMachine(): string {
  const m = machine();
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (V8 ${m.v8}), ${m.platform}, ${m.date}`;
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
 * Runs the Python peer bench/peers/`script` with `args` and returns its standard output, or null when
 * python3, numpy or scipy is missing or the peer fails: then it warns "`what` unavailable: <the last
 * line of its stderr>" unless `what` is null.
 */
export function runPeer(script: string, args: string[], what: string | null = "numpy peer"): string | null {
  const run = spawnSync("python3", [`bench/peers/${script}`, ...args], {
    encoding: "utf8",
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
