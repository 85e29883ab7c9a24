/**
 * Hopfield associative memory (shared/spec/MODELS.md §2; Hopfield, PNAS 79, 2554 (1982)).
 *
 * N neurons x_i ∈ {±1} store K patterns ξ^μ in symmetric weights w_ij by one of three rules:
 * Hebbian (w_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ, w_ii = 0), Storkey (1997, incremental) or the pseudo-inverse
 * (projection) rule of Personnaz et al. (1985). With thresholds (bias) b_i, the local field is
 * h_i = Σ_j w_ij x_j + b_i, the update x_i ← sign(h_i) with **sign(0) = +1**, the energy
 * E = −½ xᵀWx − bᵀx and the overlap m_μ = ξ^μ·x/N.
 *
 * Hebbian networks use a fast path by default: fields from overlaps, Wx = (1/N) Σ_μ ξ^μ(ξ^μ·x) − (K/N)x,
 * with ξ^μ·x = N − 2·popcount(ξ^μ XOR x) on bit-packed states: O(NK/64 + N⌈K/8⌉) per synchronous step
 * instead of O(N²). Its fields are exact integers (times 1/N, summed in 64 bits: up to K·N ≤ 2⁴⁰), as
 * are the dense path's for Hebbian weights, so both paths give identical trajectories (tested) while
 * N·K < 2²⁴ (the dense path's f32 sums are exact up to there).
 *
 * Long work has async twins that yield to the event loop and stop on an AbortSignal:
 * {@link Hopfield.runAsync} and {@link Hopfield.recallAsync} (and the capacity sweep, capacity.ts).
 */
import { ScratchRegion } from "../core/scratch.js";
import type { Backend } from "../core/loader.js";
import { HOPFIELD_STATUS } from "../core/abi.js";
import * as check from "../core/validate.js";
import { checkRunCallbacks, driveAsync, driveSync } from "../core/drive.js";
import { WasmModel, checkMemoryBudget, progress, type RunProgress } from "../core/model.js";
import { packSigns, unpackSigns } from "../math/bits.js";
import { streamSeed } from "../rng.js";

export type StorageRule = "hebbian" | "storkey" | "pseudoinverse";
export const STORAGE_RULES: readonly StorageRule[] = ["hebbian", "storkey", "pseudoinverse"];
/**
 * "sync": x ← sign(Wx + b) at once; "async": one neuron at a time in a random order; "glauber": async at
 * temperature T.
 */
export type HopfieldDynamics = "sync" | "async" | "glauber";
/** How a {@link Hopfield.run} ended; "aborted" only from the async twins, when their `signal` fired. */
export type HopfieldRunStatus = "fixed-point" | "cycle" | "max-sweeps" | "aborted";

/** Patterns given by the caller: K arrays of N values ±1, one flat Int8Array of K·N, or bit-packed rows. */
export type PatternInput = Int8Array[] | Int8Array | { bits: Uint8Array; count: number };

/** Options of {@link Hopfield}. */
export interface HopfieldOptions {
  /** Neurons. Required unless given patterns or weights fix it. */
  n?: number;
  /** Stored patterns; omit to draw `count` random ones. */
  patterns?: PatternInput;
  /** Number K of random patterns (when `patterns` is not given). Default 10. */
  count?: number;
  /** Probability of +1 in random patterns (their bias). Default 0.5. */
  patternBias?: number;
  /** Storage rule. Default "hebbian". Ignored with `weights`. */
  rule?: StorageRule;
  /** Your own symmetric N × N weights (row-major); patterns are then optional, for overlaps only. */
  weights?: Float32Array | Float64Array;
  /** Thresholds b_i (one number for all, or N values). Default 0. */
  bias?: number | Float64Array | number[];
  /** "fast" (Hebbian only), "dense", or "auto" (default: fast for Hebbian, dense otherwise). */
  path?: "auto" | "fast" | "dense";
  /** Integer seed in [0, 2⁵³). Default 0. */
  seed?: number;
  /** Stream of `seed` this network uses (its random patterns, then its dynamics). Default 0. */
  stream?: number;
  /** Dynamics of {@link Hopfield.step}, and the default of {@link Hopfield.run}. Default "async". */
  dynamics?: HopfieldDynamics;
  /** Temperature T > 0, required with dynamics "glauber" (and refused with the others). */
  temperature?: number;
  backend?: Backend;
}

/** The resolved options of a {@link Hopfield} network (see {@link resolveHopfieldConfig}). */
export interface HopfieldConfig {
  n: number;
  k: number;
  rule: StorageRule | "given";
  path: "fast" | "dense";
  seed: number;
  stream: number;
  patternBias: number;
  patterns: "random" | "given";
  dynamics: HopfieldDynamics;
  /** The Glauber temperature; 0 for the zero-temperature dynamics "sync" and "async". */
  temperature: number;
}

const OPTION_KEYS = [
  "n",
  "patterns",
  "count",
  "patternBias",
  "rule",
  "weights",
  "bias",
  "path",
  "seed",
  "stream",
  "dynamics",
  "temperature",
  "backend",
] as const;
const RUN_KEYS = ["dynamics", "temperature", "maxSweeps", "seed", "recordEnergy"] as const;
const ASYNC_KEYS = ["onProgress", "signal"] as const;
/** Largest sweep/step count a run accepts (the wasm side packs it in 24 bits). */
export const MAX_SWEEPS = 2 ** 24 - 1;
/**
 * Most neuron updates, maxSweeps·n, that the synchronous {@link Hopfield.run} (and recall, and step)
 * accepts: 2³² updates take minutes (30–60 ns each at K = 100). Longer runs go through
 * {@link Hopfield.runAsync}, which can be stopped.
 */
export const MAX_RUN_UPDATES = 2 ** 32;
/** Most neurons (and stored patterns) of one network. */
const MAX_NEURONS = 1 << 20;
/** Largest stream index: streams are u32. */
const MAX_STREAM = 2 ** 32 - 1;
/** Largest f32 (the dense weights' type): a larger weight would be stored as ∞. */
const F32_MAX = 3.4028234663852886e38;
/**
 * Bound on Σ_j |w_ij| for every row: the f32 sums Σ_j w_ij x_j (|·| ≤ 2¹²⁶) and the running updates
 * ±2w_ij per flip (|·| ≤ 2¹²⁷) stay below F32_MAX ≈ 2¹²⁸, so no field becomes ∞.
 */
const MAX_ROW_SUM = 2 ** 126;
/** Bound on Σ_i |b_i|: the energy's −bᵀx term stays finite in f64. */
const MAX_BIAS_SUM = 1e300;
/** Relative tolerance of the symmetry test on given weights, times max |w_ij|. */
const SYMMETRY_TOLERANCE = 1e-6;

/** Validates caller patterns and returns them as K rows of ±1. */
function readPatterns(input: PatternInput, nGiven: number | undefined): { rows: Int8Array[]; n: number } {
  if (Array.isArray(input)) {
    if (input.length === 0) throw new RangeError("patterns must hold at least one pattern (K = 0)");
    const n = nGiven ?? input[0]?.length;
    input.forEach((row, mu) => {
      if (!(row instanceof Int8Array)) throw new TypeError(`patterns[${mu}] must be an Int8Array of ±1`);
      if (row.length !== n) throw new RangeError(`patterns[${mu}] has length ${row.length}, but n = ${n}`);
    });
    return { rows: input, n: n! };
  }
  if (input instanceof Int8Array) {
    if (nGiven === undefined) throw new TypeError("n is required with a flat Int8Array of patterns");
    if (input.length === 0 || input.length % nGiven !== 0) {
      throw new RangeError(`patterns has length ${input.length}, not a positive multiple of n = ${nGiven}`);
    }
    const rows = Array.from({ length: input.length / nGiven }, (_, mu) =>
      input.subarray(mu * nGiven, (mu + 1) * nGiven),
    );
    return { rows, n: nGiven };
  }
  if (input && typeof input === "object" && input.bits instanceof Uint8Array) {
    if (nGiven === undefined) throw new TypeError("n is required with bit-packed patterns");
    const count = check.integer("patterns.count", input.count, 1);
    const rowBytes = Math.ceil(nGiven / 8);
    if (input.bits.length !== count * rowBytes) {
      throw new RangeError(`patterns.bits must hold count·⌈n/8⌉ = ${count * rowBytes} bytes, got ${input.bits.length}`);
    }
    const rows = Array.from({ length: count }, (_, mu) => unpackSigns(input.bits, mu * rowBytes, nGiven));
    return { rows, n: nGiven };
  }
  throw new TypeError("patterns must be an array of Int8Array, a flat Int8Array, or { bits: Uint8Array, count }");
}

function checkSpins(name: string, x: Int8Array): void {
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== 1 && x[i] !== -1) throw new RangeError(`${name}[${i}] must be +1 or −1, got ${x[i]}`);
  }
}

/** Bytes of wasm memory a network needs (checked before allocating). */
function memoryNeeded(n: number, k: number, dense: boolean, rule: string): number {
  const words = Math.ceil(n / 64),
    cwords = Math.max(1, Math.ceil(k / 64));
  let bytes = 4 * n + 24 * words + 8 * k * words + 8 * n * cwords + 24 * n + 8 * k + 8192 * cwords + 4 * n + (1 << 16);
  if (dense) bytes += 4 * n * n;
  if (rule === "pseudoinverse") bytes += 8 * (k * k + n * k);
  if (rule === "storkey") bytes += 8 * n;
  return bytes;
}

/**
 * Given weights: finite, representable in f32 (the dense path stores f32: a Float64Array entry past
 * ±3.4·10³⁸ would become ±∞ and the energy NaN), symmetric, and with Σ_j |w_ij| ≤ 2¹²⁶ in every row
 * (so no f32 field sum can overflow).
 */
function checkWeights(weights: Float32Array | Float64Array, n: number): void {
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!Number.isFinite(w)) throw new RangeError(`weights[${i}] must be finite, got ${w}`);
    if (Math.abs(w) > F32_MAX) {
      throw new RangeError(`weights[${i}] = ${w} overflows f32 (the dense weights' type): |w| must be ≤ ${F32_MAX}`);
    }
  }
  let scale = 0; // max |w_ij|: the symmetry test's tolerance is relative to it
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) {
      row += Math.abs(weights[i * n + j]);
      scale = Math.max(scale, Math.abs(weights[i * n + j]));
    }
    if (row > MAX_ROW_SUM) {
      throw new RangeError(
        `weights too large: row ${i} has Σ_j |w_ij| = ${row} > 2¹²⁶, and its f32 field sums could overflow`,
      );
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(weights[i * n + j] - weights[j * n + i]) > SYMMETRY_TOLERANCE * scale) {
        throw new RangeError(`weights must be symmetric: w[${i}][${j}] ≠ w[${j}][${i}]`);
      }
    }
  }
}

/** Everything the constructor needs, validated: the config and the arrays it does not hold. */
interface ResolvedHopfield {
  config: HopfieldConfig;
  backend: Backend | undefined;
  rows: Int8Array[] | null;
  weights: Float32Array | Float64Array | undefined;
  bias: Float64Array;
}

function resolveHopfield(options: HopfieldOptions | undefined): ResolvedHopfield {
  options = check.options("Hopfield", options, OPTION_KEYS);
  const backend = check.backend(options.backend);
  const nOption = options.n === undefined ? undefined : check.integer("n", options.n, 1, MAX_NEURONS);
  const given = options.patterns === undefined ? null : readPatterns(options.patterns, nOption);
  const weights = options.weights;
  let n = given?.n ?? nOption;
  if (weights !== undefined) {
    if (!(weights instanceof Float32Array || weights instanceof Float64Array)) {
      throw new TypeError("weights must be a Float32Array or Float64Array of N × N values");
    }
    n ??= Math.round(Math.sqrt(weights.length));
    if (weights.length !== n * n) {
      throw new RangeError(`weights must hold N × N = ${n * n} values, got ${weights.length}`);
    }
  }
  if (n === undefined) throw new TypeError("n is required (or give patterns or weights)");
  n = check.integer("n", n, 1, MAX_NEURONS);
  if (given) {
    for (const [mu, row] of given.rows.entries()) checkSpins(`patterns[${mu}]`, row);
  }
  // count and rule are validated even where given patterns or weights decide them.
  const countOption = options.count === undefined ? undefined : check.integer("count", options.count, 1, MAX_NEURONS);
  if (given && countOption !== undefined && countOption !== given.rows.length) {
    throw new RangeError(`count = ${countOption} but ${given.rows.length} patterns are given`);
  }
  const k = given ? given.rows.length : (countOption ?? 10);
  const ruleOption = options.rule === undefined ? undefined : check.oneOf("rule", options.rule, STORAGE_RULES);
  const rule = weights ? "given" : (ruleOption ?? "hebbian");
  const pathOption = check.oneOf("path", options.path ?? "auto", ["auto", "fast", "dense"] as const);
  if (pathOption === "fast" && rule !== "hebbian") {
    const got = rule === "given" ? "given weights" : `rule "${rule}"`;
    throw new RangeError(`path "fast" needs Hebbian storage (rule "hebbian", no weights); got ${got}`);
  }
  const path = pathOption === "auto" ? (rule === "hebbian" ? "fast" : "dense") : pathOption;
  const patternBias = check.probability("patternBias", options.patternBias ?? 0.5);
  const seed = check.seed("seed", options.seed ?? 0);
  const stream = check.integer("stream", options.stream ?? 0, 0, MAX_STREAM);
  if (rule === "pseudoinverse" && k > n) {
    throw new RangeError(`the pseudo-inverse rule stores at most n = ${n} linearly independent patterns; got K = ${k}`);
  }
  const dense = path === "dense";
  const what = `a network of ${n} neurons${dense ? " with dense weights" : ""}`;
  checkMemoryBudget(memoryNeeded(n, k, dense, rule), "n", what);
  const bias =
    typeof options.bias === "number" || options.bias === undefined
      ? new Float64Array(n).fill(check.finite("bias", options.bias ?? 0))
      : check.vector("bias", options.bias, n);
  const biasSum = bias.reduce((a, b) => a + Math.abs(b), 0);
  if (!(biasSum <= MAX_BIAS_SUM)) {
    throw new RangeError(
      `bias too large: Σ|b_i| = ${biasSum} exceeds ${MAX_BIAS_SUM}, and the energy −bᵀx would overflow`,
    );
  }
  if (weights) checkWeights(weights, n);
  const { dynamics, temperature } = resolveDynamics(options.dynamics ?? "async", options.temperature);
  const config: HopfieldConfig = {
    n,
    k,
    rule,
    path,
    seed,
    stream,
    patternBias,
    patterns: given ? "given" : "random",
    dynamics,
    temperature,
  };
  return { config, backend, rows: given?.rows ?? null, weights, bias };
}

/** Dynamics and temperature: T > 0 required by "glauber", refused by the others (whose T is 0). */
function resolveDynamics(
  dynamicsOption: unknown,
  temperatureOption: unknown,
): { dynamics: HopfieldDynamics; temperature: number } {
  const dynamics = check.oneOf("dynamics", dynamicsOption, DYNAMICS);
  let temperature = 0;
  if (dynamics === "glauber") temperature = check.positive("temperature", temperatureOption);
  else if (temperatureOption !== undefined) {
    throw new RangeError(`temperature applies to "glauber" dynamics only (got dynamics "${dynamics}")`);
  }
  return { dynamics, temperature };
}

/**
 * Validates the options of {@link Hopfield} once (as the constructor does) and fills in the defaults;
 * the patterns, weights and bias themselves are checked but not returned.
 * @throws TypeError/RangeError naming a bad option (pattern length ≠ N, entries not ±1, K = 0, N too large …).
 * @example resolveHopfieldConfig({ n: 400, count: 20 }).path // "fast"
 */
export function resolveHopfieldConfig(options?: HopfieldOptions): HopfieldConfig {
  return resolveHopfield(options).config;
}

/** The result of {@link Hopfield.run}. */
export interface HopfieldRun {
  /** "fixed-point", "cycle" (synchronous 2-cycle), "max-sweeps", or "aborted" (runAsync's signal). */
  status: HopfieldRunStatus;
  /** Sweeps (async: N updates each) or synchronous steps taken (completed ones, when aborted). */
  sweeps: number;
  /** Energy before the run and after each sweep (length sweeps + 1); empty with recordEnergy: false. */
  energy: Float64Array;
}

/** Options of {@link Hopfield.run}. */
export interface HopfieldRunOptions {
  /** Default: the network's `dynamics` (whose own default is "async"). */
  dynamics?: HopfieldDynamics;
  /** Temperature T > 0 for "glauber". Default: the network's, when its dynamics is "glauber" too. */
  temperature?: number;
  /**
   * Sweep (or synchronous step) limit, in [1, {@link MAX_SWEEPS}]. Default 100. The synchronous
   * run/recall also need maxSweeps·n ≤ {@link MAX_RUN_UPDATES}; runAsync/recallAsync do not.
   */
  maxSweeps?: number;
  /** Reseed the network's dynamics stream first (the update order and Glauber draws). */
  seed?: number;
  /** Record the energy before and after each sweep. Default true (costs one field evaluation per sweep). */
  recordEnergy?: boolean;
}

/** The options the async twins add: progress in sweeps done of maxSweeps, and an AbortSignal. */
export interface HopfieldAsyncOptions {
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
}

/** The result of {@link Hopfield.recall}. */
export interface RecallResult {
  pattern: number;
  /** Bits flipped by the corruption. */
  flipped: number;
  initialOverlap: number;
  finalOverlap: number;
  /** Hamming distance between the final state and the pattern. */
  hamming: number;
  /** True when the final state is the pattern exactly. */
  success: boolean;
  status: HopfieldRunStatus;
  sweeps: number;
  energy: Float64Array;
  corrupted: Int8Array;
  final: Int8Array;
}

/** A saved {@link Hopfield} state: JSON-serialisable; {@link Hopfield.restore} replays from it bit for bit. */
export interface HopfieldCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** The config of the network it was taken from; restore requires the same. */
  config: HopfieldConfig;
  /** FNV-1a (32 bits, hex) of the stored patterns, the bias and given weights: restore requires the same. */
  network: string;
  /** The state x, packed one bit per neuron, LSB first, bit set ⇔ +1 (⌈N/8⌉ bytes as lowercase hex). */
  state: string;
  /** The dynamics stream's xoshiro256++ state, 8 u32 words. */
  rng: number[];
}

const CHECKPOINT_FORMAT = "thermolearn/hopfield";
const CHECKPOINT_VERSION = 1;
const CHECKPOINT_KEYS = ["format", "version", "config", "network", "state", "rng"] as const;
/** u32 words of a generator state (xoshiro256++: four u64). */
const RNG_WORDS = 8;

const DYNAMICS: readonly HopfieldDynamics[] = ["sync", "async", "glauber"];

/** A run's validated options. @internal shared with the capacity sweep. */
export interface RunPlan {
  dynamics: HopfieldDynamics;
  temperature: number;
  maxSweeps: number;
  recordEnergy: boolean;
  seed: number | undefined;
}

/** Internal methods (not exported from the package): the generators that the capacity sweep drives. */
export const RUN_LOOP = Symbol("runLoop"),
  UNSTABLE_LOOP = Symbol("unstableLoop"),
  STORE_LOOP = Symbol("storeLoop");
/** Passed by the capacity sweep to build a network without its weights, then computed in chunks (STORE_LOOP). */
export const DEFER_STORAGE = Symbol("deferStorage");

/** Target duration of one chunk of wasm work in the async drivers, ms. */
const CHUNK_MS = 8;
/** Most work (neuron updates, patterns, rows) one untimed or grown chunk takes: an i32 wasm argument with room. */
const MAX_CHUNK = 2 ** 30;

/** The next chunk's budget: scaled so the chunk takes about CHUNK_MS, growing at most 8× at a time. */
function nextBudget(budget: number, elapsedMs: number): number {
  const factor = Math.min(8, CHUNK_MS / Math.max(elapsedMs, 0.01));
  return Math.max(1, Math.min(MAX_CHUNK, Math.round(budget * factor)));
}

/**
 * Runs work(from, to) over [0, count) in chunks, yielding between them (timed: chunks of about
 * CHUNK_MS; untimed: one chunk). Returns false when `signal` stopped it before the end.
 */
function* chunked(
  count: number,
  timed: boolean,
  signal: AbortSignal | undefined,
  work: (from: number, to: number) => void,
): Generator<void, boolean> {
  let size = timed ? 1 : count;
  for (let from = 0; from < count; ) {
    if (signal?.aborted) return false;
    const to = Math.min(count, from + size);
    const started = performance.now();
    work(from, to);
    if (timed) size = nextBudget(size, performance.now() - started);
    from = to;
    if (from < count) yield;
  }
  return true;
}

/** FNV-1a over 32-bit words (offset basis 2166136261, prime 16777619), continuing from `hash`. */
function fnv1a(words: Uint32Array, from: number, count: number, hash: number): number {
  for (let i = from; i < from + count; i++) hash = Math.imul(hash ^ words[i], 16777619) >>> 0;
  return hash;
}

/** Bytes as lowercase hex, two digits each. */
function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/**
 * A Hopfield network in wasm memory.
 *
 * Lifecycle: {@link resolveHopfieldConfig} validates the options, `new Hopfield(options)` stores the
 * patterns, {@link Hopfield.step} advances the configured dynamics, {@link Hopfield.run} /
 * {@link Hopfield.recall} run to a fixed point, {@link Hopfield.checkpoint} / {@link Hopfield.restore}
 * save and replay the state, {@link Hopfield.dispose} frees the memory.
 * @example
 * using net = new Hopfield({ n: 400, count: 20, rule: "storkey", seed: 1 });
 * const r = net.recall(3, { flipFraction: 0.2 });
 * r.success; r.finalOverlap; r.energy;
 */
export class Hopfield extends WasmModel {
  readonly config: HopfieldConfig;
  readonly n: number;
  readonly k: number;
  readonly #p: number;
  readonly #rule: StorageRule | "given";
  /** A reusable scratch block for overlaps (created with the instance). */
  readonly #scratchRegion: ScratchRegion;
  /** The energy trace's block, apart from the other scratch so that reads during runAsync cannot clobber it. */
  readonly #energyRegion: ScratchRegion;
  /** The checkpoint's `network` fingerprint, computed on first use (patterns, bias and weights never change). */
  #fingerprint: string | undefined;
  /** True while an async run is in progress: it owns the state and the running sums. */
  #busy = false;

  /** @throws TypeError/RangeError naming a bad option (pattern length ≠ N, entries not ±1, K = 0, N too large …). */
  constructor(options?: HopfieldOptions, defer?: typeof DEFER_STORAGE) {
    const { config, backend, rows, weights, bias } = resolveHopfield(options);
    super("Hopfield", backend);
    const { n, k, path, seed, stream, patternBias, rule } = config;
    this.n = n;
    this.k = k;
    this.config = config;
    this.#scratchRegion = new ScratchRegion(this.wasm, 1024);
    this.#energyRegion = new ScratchRegion(this.wasm, 1024);
    const e = this.wasm.exports;
    const [hi, lo] = check.seedWords(streamSeed(seed, stream));
    this.#p = e.hopfield_create(n, k, path === "dense" ? 1 : 0, hi, lo);
    if (this.#p === 0) throw new RangeError(`n too large: wasm memory could not grow for ${n} neurons`);
    if (rows) {
      const bits = e.hopfield_pattern_bits(this.#p);
      for (const [mu, row] of rows.entries()) this.#packInto(bits + mu * this.#rowBytes, row);
    } else {
      e.hopfield_random_patterns(this.#p, patternBias);
    }
    e.hopfield_index_patterns(this.#p);
    this.wasm.f64.set(bias, e.hopfield_bias(this.#p) >> 3);
    this.#rule = rule;
    if (weights) this.wasm.f32.set(weights, e.hopfield_weights(this.#p) >> 2); // scale stays 1 (hopfield_create)
    if (defer !== DEFER_STORAGE) driveSync(this[STORE_LOOP](false));
    this.#setPattern(0);
  }

  /** Bytes of one bit-packed row (state or pattern): ⌈N/64⌉ u64 words. */
  get #rowBytes(): number {
    return Math.ceil(this.n / 64) * 8;
  }

  /**
   * Computes the weights of the storage rule (given weights are already in place; Hebbian on the fast
   * path only sets the scale). Storkey adds one pattern per chunk (O(N²) each) and the pseudo-inverse
   * writes its W = YYᵀ in row blocks, so a capacity sweep sees an abort between chunks; `timed` sizes
   * the chunks to about 8 ms, else they are as large as possible.
   */
  *[STORE_LOOP](timed: boolean, signal?: AbortSignal): Generator<void, boolean> {
    const e = this.wasm.exports,
      p = this.#p,
      n = this.n,
      k = this.k;
    if (this.#rule === "hebbian") e.hopfield_store_hebbian(p);
    if (this.#rule === "storkey") {
      const scratch = this.wasm.alloc(8 * n, "Storkey scratch");
      return yield* chunked(k, timed, signal, (from, to) => e.hopfield_store_storkey(p, scratch, from, to));
    }
    if (this.#rule === "pseudoinverse") {
      const work = this.wasm.alloc(8 * (k * k + n * k), "pseudo-inverse workspace");
      return yield* chunked(n, timed, signal, (from, to) => {
        if (e.hopfield_store_pseudoinverse(p, work, from, to) !== 0) {
          throw new RangeError("patterns are linearly dependent: the pseudo-inverse rule needs independent patterns");
        }
      });
    }
    return true;
  }

  /** Writes ±1 values as bits (LSB first) at a wasm address, zeroing the whole row (its padding too). */
  #packInto(address: number, x: Int8Array): void {
    const u8 = this.wasm.u8;
    u8.fill(0, address, address + this.#rowBytes);
    packSigns(x, u8, address);
  }

  #unpack(address: number): Int8Array {
    return unpackSigns(this.wasm.u8, address, this.n);
  }

  #checkPattern(mu: number): number {
    return check.integer("pattern", mu, 0, this.k - 1);
  }

  /** Sets the state to the given ±1 vector. */
  setState(x: Int8Array): void {
    this.#idle("setState");
    this.#setState(x);
  }

  #setState(x: Int8Array): void {
    if (!(x instanceof Int8Array)) throw new TypeError("state must be an Int8Array of ±1");
    if (x.length !== this.n) throw new RangeError(`state has length ${x.length}, but n = ${this.n}`);
    checkSpins("state", x);
    const e = this.wasm.exports;
    this.#packInto(e.hopfield_state_bits(this.#p), x);
    e.hopfield_unpack_state(this.#p);
  }

  /** Sets the state to stored pattern μ. */
  setPattern(mu: number): void {
    this.#idle("setPattern");
    this.#setPattern(mu);
  }

  #setPattern(mu: number): void {
    const e = this.wasm.exports;
    const from = e.hopfield_pattern_bits(this.#p) + this.#checkPattern(mu) * this.#rowBytes;
    this.wasm.u8.copyWithin(e.hopfield_state_bits(this.#p), from, from + this.#rowBytes);
    e.hopfield_unpack_state(this.#p);
  }

  /** A copy of the state (±1). */
  state(): Int8Array {
    return this.#unpack(this.wasm.exports.hopfield_state_bits(this.#p));
  }

  /** A copy of stored pattern μ (±1). */
  pattern(mu: number): Int8Array {
    return this.#unpack(this.wasm.exports.hopfield_pattern_bits(this.#p) + this.#checkPattern(mu) * this.#rowBytes);
  }

  /** Local fields h_i = Σ_j w_ij x_j + b_i of the current state. */
  fields(): Float64Array {
    this.#idle("fields");
    const e = this.wasm.exports;
    e.hopfield_fields(this.#p);
    return this.wasm.f64Copy(e.hopfield_field(this.#p), this.n);
  }

  /** Energy E = −½ xᵀWx − bᵀx of the current state. */
  energy(): number {
    return this.wasm.exports.hopfield_energy(this.#p);
  }

  /** Overlaps m_μ = ξ^μ·x/N with every stored pattern. */
  overlaps(): Float64Array {
    const e = this.wasm.exports;
    const out = this.#scratch(4 * this.k);
    e.hopfield_overlaps(this.#p, out);
    return Float64Array.from(this.wasm.i32.subarray(out >> 2, (out >> 2) + this.k), (m) => m / this.n);
  }

  /** Hamming distance from the state to a ±1 vector or to stored pattern μ. */
  hamming(target: Int8Array | number): number {
    if (typeof target !== "number" && !(target instanceof Int8Array)) {
      throw new TypeError("target must be a pattern index or an Int8Array of ±1");
    }
    const other = typeof target === "number" ? this.pattern(target) : target;
    if (other.length !== this.n) throw new RangeError(`target has length ${other.length}, but n = ${this.n}`);
    const x = this.state();
    let d = 0;
    for (let i = 0; i < this.n; i++) if (x[i] !== other[i]) d++;
    return d;
  }

  #scratch(bytes: number): number {
    return this.#scratchRegion.take(bytes, "scratch");
  }

  #idle(what: string): void {
    if (this.#busy) {
      throw new Error(
        `Hopfield.${what}: a runAsync/recallAsync is in progress on this network; await it (or abort it) first`,
      );
    }
  }

  /** Validates run options once. `keys`: the options this entry point accepts. */
  #runPlan(what: string, options: HopfieldRunOptions | undefined, keys: readonly string[], sync: boolean): RunPlan {
    options = check.options(what, options, keys);
    const recordEnergy = options.recordEnergy ?? true;
    if (typeof recordEnergy !== "boolean") throw new TypeError("recordEnergy must be a boolean");
    const dynamics = check.oneOf("dynamics", options.dynamics ?? this.config.dynamics, DYNAMICS);
    const maxSweeps = check.integer("maxSweeps", options.maxSweeps ?? 100, 1, MAX_SWEEPS);
    if (sync && maxSweeps * this.n > MAX_RUN_UPDATES) {
      throw new RangeError(
        `maxSweeps too large for ${what}: maxSweeps·n = ${maxSweeps}·${this.n} neuron updates ` +
          `exceed ${MAX_RUN_UPDATES}; ` +
          "use runAsync (abortable) for longer runs",
      );
    }
    // A Glauber network lends its temperature to Glauber runs that do not give one.
    const glauber = dynamics === "glauber" && this.config.dynamics === "glauber";
    const inherited = glauber ? this.config.temperature : undefined;
    const { temperature } = resolveDynamics(dynamics, options.temperature ?? inherited);
    const seed = options.seed === undefined ? undefined : check.seed("seed", options.seed);
    return { dynamics, temperature, maxSweeps, recordEnergy, seed };
  }

  /**
   * The run as a generator: wasm runs a budget of work per call (synchronous steps, or single-neuron
   * updates for async and Glauber sweeps, resumable mid-sweep) and the generator yields between calls.
   * `timed` sizes the budgets to about 8 ms (so an abort is seen within ~10 ms plus the driver's 30 ms);
   * untimed, each call takes up to 2³⁰ updates. Split or not, the run makes the same draws and decisions.
   */
  *[RUN_LOOP](
    plan: RunPlan,
    timed: boolean,
    signal?: AbortSignal,
    onProgress?: (p: RunProgress) => void,
  ): Generator<void, HopfieldRun> {
    const e = this.wasm.exports,
      p = this.#p,
      n = this.n;
    const { dynamics, temperature, maxSweeps } = plan;
    if (plan.seed !== undefined) this.#reseed(plan.seed);
    const sync = dynamics === "sync";
    let budget = timed ? (sync ? 1 : 16) : sync ? maxSweeps : MAX_CHUNK;
    let done = 0; // steps (sync) or neuron updates (async) completed
    let code = 0;
    // The trace E(x(0)) … in wasm, grown (by doubling, keeping what it holds) to the sweeps the next
    // call can reach, so a long async run holds only what it has recorded.
    let energies = 0,
      capacity = 0;
    const reserve = (entries: number) => {
      if (!plan.recordEnergy || entries <= capacity) return;
      const kept = capacity > 0 ? this.wasm.f64Copy(energies, capacity) : null;
      const size = Math.min(maxSweeps + 1, Math.max(entries, 2 * capacity, 256));
      energies = this.#energyRegion.take(8 * size, "energy trace");
      if (kept) this.wasm.f64.set(kept, energies >> 3);
      capacity = size;
    };
    reserve(1);
    for (let resume = 0; ; resume = 1) {
      if (signal?.aborted) break;
      // The last sweep this call may end.
      const reach = sync ? done + budget : Math.floor(done / n) + Math.ceil(budget / n) + 1;
      reserve(Math.min(maxSweeps, reach) + 1);
      const started = performance.now();
      code = sync
        ? e.hopfield_run_sync(p, maxSweeps, energies, budget, resume)
        : e.hopfield_run_async(p, maxSweeps, temperature, energies, budget, resume);
      if (code !== 0) break;
      done += budget;
      if (timed) budget = nextBudget(budget, performance.now() - started);
      const sweeps = sync ? done : Math.floor(done / n);
      onProgress?.(progress(sweeps, maxSweeps));
      yield;
    }
    if (code === 0) {
      // Aborted: the completed sweeps; a synchronous run still owes the current state's energy.
      const sweeps = sync ? done : Math.floor(done / n);
      if (energies && sync) this.wasm.f64[(energies >> 3) + sweeps] = e.hopfield_energy(p);
      const energy = energies ? this.wasm.f64Copy(energies, sweeps + 1) : new Float64Array(0);
      return { status: "aborted", sweeps, energy };
    }
    const sweeps = code & 0xffffff;
    const energy = energies ? this.wasm.f64Copy(energies, sweeps + 1) : new Float64Array(0);
    return { status: HOPFIELD_STATUS[(code >>> 24) as 1 | 2 | 3], sweeps, energy };
  }

  /**
   * Advances the configured dynamics (`config.dynamics`, at `config.temperature`) by up to `count`
   * sweeps (asynchronous and Glauber: N single-neuron updates in a fresh random order; synchronous:
   * one step x ← sign(Wx + b)). Exactly `run({ maxSweeps: count, recordEnergy: false })`: it ends early
   * at a fixed point (a sweep that flips nothing; that sweep counts) or, synchronous, a 2-cycle (after
   * its second step), and Glauber dynamics never ends early. Returns the sweeps actually done, in
   * [0, count] (1 on a state that is already a fixed point). Like run, at most
   * {@link MAX_RUN_UPDATES} neuron updates (count·n).
   * @throws TypeError/RangeError for a count that is not an integer in [0, {@link MAX_SWEEPS}], or too large for n.
   * @example net.step(10) // ≤ 10
   */
  step(count = 1): number {
    this.#idle("step");
    count = check.integer("count", count, 0, MAX_SWEEPS);
    if (count * this.n > MAX_RUN_UPDATES) {
      throw new RangeError(
        `count too large for step: count·n = ${count}·${this.n} neuron updates exceed ${MAX_RUN_UPDATES}; ` +
          "use runAsync (abortable) for longer runs",
      );
    }
    if (count === 0) return 0;
    const { dynamics, temperature } = this.config;
    const plan: RunPlan = { dynamics, temperature, maxSweeps: count, recordEnergy: false, seed: undefined };
    return driveSync(this[RUN_LOOP](plan, false)).sweeps;
  }

  /**
   * Runs the dynamics from the current state (inside wasm) until a fixed point, a synchronous
   * 2-cycle, or `maxSweeps`. Asynchronous and Glauber sweeps update the N neurons in a fresh random
   * order (seeded); synchronous steps update all at once. Glauber dynamics never stops early.
   * Synchronous and so not abortable: at most {@link MAX_RUN_UPDATES} neuron updates (maxSweeps·n);
   * use {@link Hopfield.runAsync} for long runs.
   * @throws TypeError/RangeError for maxSweeps ≤ 0 or too large, a Glauber run without temperature > 0, …
   */
  run(options?: HopfieldRunOptions): HopfieldRun {
    this.#idle("run");
    return driveSync(this[RUN_LOOP](this.#runPlan("run", options, RUN_KEYS, true), false));
  }

  /**
   * {@link Hopfield.run} that yields to the event loop about every 30 ms and stops within ~50 ms of
   * `signal` aborting, returning status "aborted" with the sweeps completed (the state may be part-way
   * through the next sweep; the energy trace covers the completed ones). `onProgress` gets
   * `{ done, total, fraction }` in sweeps done of maxSweeps. One synchronous step (a full field
   * evaluation, O(NK/8) fast or O(N²) dense) is never split. Takes up to maxSweeps = {@link MAX_SWEEPS};
   * the same options give the same bits as `run`.
   */
  async runAsync(options?: HopfieldRunOptions & HopfieldAsyncOptions): Promise<HopfieldRun> {
    this.#idle("runAsync");
    const o = check.options("runAsync", options, [...RUN_KEYS, ...ASYNC_KEYS]);
    checkRunCallbacks(o);
    const { onProgress, signal, ...runOptions } = o;
    const plan = this.#runPlan("runAsync", runOptions, RUN_KEYS, false);
    this.#busy = true;
    try {
      return await driveAsync(this[RUN_LOOP](plan, true, signal, onProgress));
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Recall of a corrupted pattern: state ← pattern μ with each bit flipped with probability
   * `flipFraction` (seeded), then {@link Hopfield.run}.
   */
  recall(mu: number, options?: HopfieldRunOptions & { flipFraction?: number }): RecallResult {
    this.#idle("recall");
    const { flipFraction, seed, ...runOptions } = check.options("recall", options, [...RUN_KEYS, "flipFraction"]);
    const plan = this.#runPlan("recall", runOptions, RUN_KEYS, true);
    return driveSync(this.#recallLoop(mu, flipFraction, seed, plan, false));
  }

  /** {@link Hopfield.recall} through {@link Hopfield.runAsync}: abortable, with `onProgress` and `signal`. */
  async recallAsync(
    mu: number,
    options?: HopfieldRunOptions & { flipFraction?: number } & HopfieldAsyncOptions,
  ): Promise<RecallResult> {
    this.#idle("recallAsync");
    const o = check.options("recallAsync", options, [...RUN_KEYS, ...ASYNC_KEYS, "flipFraction"]);
    checkRunCallbacks(o);
    const { flipFraction, seed, onProgress, signal, ...runOptions } = o;
    const plan = this.#runPlan("recallAsync", runOptions, RUN_KEYS, false);
    this.#busy = true;
    try {
      return await driveAsync(this.#recallLoop(mu, flipFraction, seed, plan, true, signal, onProgress));
    } finally {
      this.#busy = false;
    }
  }

  *#recallLoop(
    mu: number,
    flipFraction: number | undefined,
    seed: number | undefined,
    plan: RunPlan,
    timed: boolean,
    signal?: AbortSignal,
    onProgress?: (p: RunProgress) => void,
  ): Generator<void, RecallResult> {
    const fraction = check.probability("flipFraction", flipFraction ?? 0.1);
    this.#setPattern(mu);
    const flipped = this.#corrupt(fraction, seed === undefined ? undefined : check.seed("seed", seed));
    const corrupted = this.state();
    const initialOverlap = this.overlaps()[mu];
    const run = yield* this[RUN_LOOP](plan, timed, signal, onProgress);
    const finalOverlap = this.overlaps()[mu];
    const hamming = Math.round((this.n * (1 - finalOverlap)) / 2); // M = ξ·x = N − 2·Hamming, an integer
    return {
      pattern: mu,
      flipped,
      initialOverlap,
      finalOverlap,
      hamming,
      success: hamming === 0,
      status: run.status,
      sweeps: run.sweeps,
      energy: run.energy,
      corrupted,
      final: this.state(),
    };
  }

  /**
   * Flips each bit of the current state with probability `fraction` (the network's stream, or
   * `seed` to reseed it first). Returns the number of bits flipped.
   */
  corrupt(fraction: number, options?: { seed?: number }): number {
    this.#idle("corrupt");
    const o = check.options("corrupt", options, ["seed"]);
    const f = check.probability("fraction", fraction);
    return this.#corrupt(f, o.seed === undefined ? undefined : check.seed("seed", o.seed));
  }

  #corrupt(fraction: number, seed: number | undefined): number {
    this.#reseed(seed);
    return this.wasm.exports.hopfield_flip_random(this.#p, fraction);
  }

  /** Reseeds the network's dynamics stream (update order, Glauber draws, corruption) when `seed` is given. */
  #reseed(seed: number | undefined): void {
    if (seed === undefined) return;
    const e = this.wasm.exports;
    const [hi, lo] = check.seedWords(check.seed("seed", seed));
    e.rng_seed(e.hopfield_rng(this.#p), hi, lo);
  }

  /** Fraction of stored bits (μ, i) with sign(h_i(ξ^μ)) ≠ ξ_i^μ (sign(0) = +1). Keeps the current state. */
  unstableFraction(): number {
    this.#idle("unstableFraction");
    return driveSync(this[UNSTABLE_LOOP](false))!;
  }

  /**
   * {@link Hopfield.unstableFraction} as a generator: one field evaluation per pattern, patterns in
   * chunks (timed: about 8 ms each); null when `signal` stopped it first.
   */
  *[UNSTABLE_LOOP](timed: boolean, signal?: AbortSignal): Generator<void, number | null> {
    const e = this.wasm.exports;
    const saved = this.state();
    let unstable = 0;
    const complete = yield* chunked(this.k, timed, signal, (from, to) => {
      unstable += e.hopfield_count_unstable(this.#p, from, to);
    });
    this.#setState(saved);
    return complete ? unstable / (this.k * this.n) : null;
  }

  /** A copy of the weights w_ij (N × N, f32) on the dense path; null on the fast path (use fields()). */
  weights(): Float32Array | null {
    const e = this.wasm.exports;
    if (this.config.path !== "dense") return null;
    const scale = e.hopfield_scale(this.#p);
    const at = e.hopfield_weights(this.#p) >> 2;
    const w = this.wasm.f32.slice(at, at + this.n * this.n);
    if (scale !== 1) for (let i = 0; i < w.length; i++) w[i] *= scale;
    return w;
  }

  /**
   * Saves what the next {@link Hopfield.step}, run or recall depends on: the state and the dynamics
   * stream's generator (every run starts from fresh sums, so nothing else carries over), with the
   * config and a fingerprint of the network for {@link Hopfield.restore} to check. Plain JSON.
   * @example const saved = JSON.stringify(net.checkpoint()); … net.restore(JSON.parse(saved));
   */
  checkpoint(): HopfieldCheckpoint {
    this.#idle("checkpoint");
    const e = this.wasm.exports;
    const bytes = new Uint8Array((this.n + 7) >> 3);
    packSigns(this.state(), bytes);
    const rng = e.hopfield_rng(this.#p) >> 2;
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      config: { ...this.config },
      network: this.#network(),
      state: toHex(bytes),
      rng: Array.from(this.wasm.u32.subarray(rng, rng + RNG_WORDS)),
    };
  }

  /**
   * Restores a {@link Hopfield.checkpoint} taken from a network with the same config, patterns, bias
   * and weights (this one, or one built with the same options); after it, step/run/recall give the
   * same bits as they would have from the checkpoint. The checkpoint is checked in full before
   * anything is written.
   * @throws TypeError/RangeError naming the bad field (`checkpoint.config.seed`, `checkpoint.rng[3]`, …).
   */
  restore(saved: HopfieldCheckpoint): void {
    this.#idle("restore");
    const { state, rng } = this.#checkCheckpoint(saved);
    const e = this.wasm.exports;
    this.#setState(state);
    this.wasm.u32.set(rng, e.hopfield_rng(this.#p) >> 2);
  }

  /** FNV-1a of the pattern bits, the bias (f64 bits) and, for given weights, the f32 weights, as 8 hex digits. */
  #network(): string {
    if (this.#fingerprint === undefined) {
      const e = this.wasm.exports,
        u32 = this.wasm.u32,
        p = this.#p;
      let hash = fnv1a(u32, e.hopfield_pattern_bits(p) >> 2, (this.k * this.#rowBytes) >> 2, 2166136261);
      hash = fnv1a(u32, e.hopfield_bias(p) >> 2, 2 * this.n, hash);
      if (this.#rule === "given") hash = fnv1a(u32, e.hopfield_weights(p) >> 2, this.n * this.n, hash);
      this.#fingerprint = hash.toString(16).padStart(8, "0");
    }
    return this.#fingerprint;
  }

  /** Checks every field of a checkpoint against this network; returns its state (±1) and generator words. */
  #checkCheckpoint(saved: unknown): { state: Int8Array; rng: Uint32Array } {
    const name = "checkpoint";
    if (typeof saved !== "object" || saved === null || Array.isArray(saved)) {
      throw new TypeError(`${name} must be an object from Hopfield.checkpoint()`);
    }
    check.knownKeys(name, saved, CHECKPOINT_KEYS);
    const s = saved as Record<string, unknown>;
    if (s.format !== CHECKPOINT_FORMAT) {
      const got = JSON.stringify(s.format) ?? typeof s.format;
      throw new RangeError(`${name}.format must be "${CHECKPOINT_FORMAT}", got ${got}`);
    }
    if (s.version !== CHECKPOINT_VERSION) {
      throw new RangeError(
        `${name}.version must be ${CHECKPOINT_VERSION} (the only version this thermolearn reads), ` +
          `got ${String(s.version)}`,
      );
    }
    const config = s.config;
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      throw new TypeError(`${name}.config must be an object`);
    }
    check.knownKeys(`${name}.config`, config, Object.keys(this.config));
    for (const [key, value] of Object.entries(this.config)) {
      const got = (config as Record<string, unknown>)[key];
      if (!Object.is(got, value)) {
        const shown = JSON.stringify(got) ?? "missing";
        throw new RangeError(`${name}.config.${key} is ${shown}, but this network's is ${JSON.stringify(value)}`);
      }
    }
    if (typeof s.network !== "string") throw new TypeError(`${name}.network must be a string`);
    if (s.network !== this.#network()) {
      throw new RangeError(
        `${name}.network is ${s.network}, but this network's is ${this.#network()}: other patterns, bias or weights`,
      );
    }
    const bytes = (this.n + 7) >> 3;
    if (typeof s.state !== "string") throw new TypeError(`${name}.state must be a string of hex digits`);
    if (s.state.length !== 2 * bytes || !/^[0-9a-f]*$/.test(s.state)) {
      throw new RangeError(
        `${name}.state must be ${2 * bytes} lowercase hex digits (⌈n/8⌉ = ${bytes} bytes), ` +
          `got ${s.state.length} characters`,
      );
    }
    const hex = s.state;
    const packed = Uint8Array.from({ length: bytes }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
    if (this.n % 8 !== 0 && packed[bytes - 1] >> (this.n % 8) !== 0) {
      throw new RangeError(`${name}.state has bits set past neuron n − 1 = ${this.n - 1}`);
    }
    if (!Array.isArray(s.rng)) throw new TypeError(`${name}.rng must be an array of ${RNG_WORDS} u32 words`);
    if (s.rng.length !== RNG_WORDS) {
      throw new RangeError(`${name}.rng must hold ${RNG_WORDS} words, got ${s.rng.length}`);
    }
    const rng = Uint32Array.from(s.rng, (w, i) => check.integer(`${name}.rng[${i}]`, w, 0, 2 ** 32 - 1));
    if (rng.every((w) => w === 0)) {
      throw new RangeError(`${name}.rng must not be all zero (the generator's fixed point)`);
    }
    return { state: unpackSigns(packed, 0, this.n), rng };
  }
}
