/**
 * Seeded random numbers from the wasm core: xoshiro256++ streams and ziggurat Gaussians.
 *
 * Every stochastic entry point of thermolearn takes a `seed` (an integer in [0, 2⁵³)). Trajectory or
 * stream `i` of seed `s` is seeded with {@link streamSeed}(s, i), a 53-bit integer, so results do not
 * depend on batch size or worker count, and any one trajectory can be replayed alone from its
 * reported seed.
 */
import type { Backend } from "./core/loader.js";
import { WasmModel } from "./core/model.js";
import { scratchInstance } from "./core/scratch.js";
import {
  MAX_COUNT,
  MAX_U32,
  backend as checkBackend,
  integer,
  options as checkOptions,
  seed as checkSeed,
  seedWords,
} from "./core/validate.js";

/** The largest stream index: `rng_stream_seed` reads the index as a u32. */
export const MAX_STREAM = MAX_U32;

/**
 * The seed of stream `index` under `seed`: SplitMix64's mix of seed + φ·(index + 1), cut to 53 bits.
 * @throws TypeError/RangeError for a seed outside [0, 2⁵³) or an index outside [0, 2³²).
 * @example
 * ```ts
 * import { streamSeed } from "thermolearn";
 * console.log(streamSeed(42, 0), streamSeed(42, 1)); // the seeds of trajectories 0 and 1 of a run with seed 42
 * ```
 */
export function streamSeed(seed: number, index: number): number {
  const [hi, lo] = seedWords(checkSeed("seed", seed));
  return scratchInstance().exports.rng_stream_seed(hi, lo, integer("index", index, 0, MAX_STREAM));
}

/** Options of {@link Rng}. */
export interface RngOptions {
  /** Integer in [0, 2⁵³). Default 0. */
  seed?: number;
  /** Use stream `stream` of `seed` (seeded with `streamSeed(seed, stream)`). Default: the seed itself. */
  stream?: number;
  /** Force the SIMD or scalar build (both give the same numbers). */
  backend?: Backend;
}

const RNG_KEYS = ["seed", "stream", "backend"] as const;

/** An Rng's resolved configuration: the seed it was seeded with (after the stream mix) and its backend. */
export interface RngConfig {
  /** The seed the generator was seeded with: `seed`, or streamSeed(seed, stream) with a stream. */
  seed: number;
  /** The build asked for ("simd" or "scalar"), or undefined for the default choice. */
  backend: Backend | undefined;
}

/**
 * Validates Rng options once. @throws TypeError/RangeError naming the option.
 * @example
 * ```ts
 * import { resolveRngConfig, streamSeed } from "thermolearn";
 * console.log(resolveRngConfig({ seed: 42, stream: 3 }).seed === streamSeed(42, 3)); // true
 * ```
 */
export function resolveRngConfig(options?: RngOptions): RngConfig {
  const o = checkOptions("Rng", options, RNG_KEYS);
  const base = checkSeed("seed", o.seed ?? 0);
  const seed = o.stream === undefined ? base : streamSeed(base, integer("stream", o.stream, 0, MAX_STREAM));
  return { seed, backend: checkBackend(o.backend) };
}

/** Values one wasm fill call writes: the Rng's buffer holds this many f64/u64 (512 KiB). */
const CHUNK = 1 << 16;
/**
 * Most raw outputs one {@link Rng.u64} call returns: 2²⁸ u64 = 2 GiB of BigUint64Array, about the
 * largest typed array Node and browsers allocate.
 */
export const MAX_U64_COUNT = 2 ** 28;

/**
 * A xoshiro256++ generator in wasm memory (Blackman & Vigna 2021), seeded by SplitMix64.
 * Gaussians come from a 256-layer ziggurat (Marsaglia & Tsang 2000).
 * @example
 * ```ts
 * import { Rng } from "thermolearn";
 * const rng = new Rng({ seed: 7 });
 * try {
 *   const z = rng.normal(1000); // Float64Array of N(0, 1)
 *   const saved = rng.saveState();
 *   const a = rng.normal(5);
 *   rng.restoreState(saved);
 *   console.log(z.length, rng.normal(5)[0] === a[0]); // 1000, true: the same draws again
 * } finally {
 *   rng.dispose();
 * }
 * ```
 */
export class Rng extends WasmModel {
  /** {@inheritDoc RngConfig.seed} */
  readonly seed: number;
  readonly #state: number;
  readonly #buffer: number;

  constructor(options?: RngOptions) {
    const { seed, backend } = resolveRngConfig(options);
    super("Rng", backend);
    this.seed = seed;
    const [hi, lo] = seedWords(this.seed);
    this.#state = this.wasm.alloc(32, "Rng state");
    this.wasm.exports.rng_seed(this.#state, hi, lo);
    this.#buffer = this.wasm.alloc(CHUNK * 8, "Rng buffer");
  }

  #fill(count: number, name: string, fill: (state: number, out: number, n: number) => void): Float64Array {
    integer(name, count, 0, MAX_COUNT);
    const out = new Float64Array(count);
    for (let done = 0; done < count; done += CHUNK) {
      const n = Math.min(CHUNK, count - done);
      fill(this.#state, this.#buffer, n);
      out.set(this.wasm.f64View(this.#buffer, n), done);
    }
    return out;
  }

  /** `count` standard normal variates. */
  normal(count: number): Float64Array {
    const e = this.wasm.exports;
    return this.#fill(count, "count", (s, o, n) => e.rng_fill_normal(s, o, n));
  }

  /** `count` uniforms on [0, 1), 53 random bits each. */
  uniform(count: number): Float64Array {
    const e = this.wasm.exports;
    return this.#fill(count, "count", (s, o, n) => e.rng_fill_uniform(s, o, n));
  }

  /** `count` raw 64-bit outputs. */
  u64(count: number): BigUint64Array {
    integer("count", count, 0, MAX_U64_COUNT);
    const e = this.wasm.exports;
    const out = new BigUint64Array(count);
    for (let done = 0; done < count; done += CHUNK) {
      const n = Math.min(CHUNK, count - done);
      e.rng_fill_u64(this.#state, this.#buffer, n);
      out.set(new BigUint64Array(e.memory.buffer, this.#buffer, n), done);
    }
    return out;
  }

  /** The 256-bit state as eight u32 words (little-endian), for {@link Rng.restoreState}. */
  saveState(): Uint32Array {
    return this.wasm.u32.slice(this.#state >> 2, (this.#state >> 2) + 8);
  }

  /** Restores a state from {@link Rng.saveState}. @throws TypeError for anything but 8 u32 words, not all zero. */
  restoreState(state: Uint32Array): void {
    if (!(state instanceof Uint32Array) || state.length !== 8)
      throw new TypeError("state must be a Uint32Array of length 8 (from saveState)");
    if (state.every((x) => x === 0)) throw new RangeError("state must not be all zero (xoshiro's fixed point)");
    this.wasm.u32.set(state, this.#state >> 2);
  }
}
