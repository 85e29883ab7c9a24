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
 * {@link Hopfield.runAsync}, {@link Hopfield.recallAsync} and {@link runHopfieldCapacity}.
 */
import { WasmInstance, formatBytes } from "./core/instance.js";
import { ScratchRegion } from "./core/scratch.js";
import type { Backend } from "./core/loader.js";
import { HOPFIELD_STATUS, MAX_MEMORY_BYTES } from "./core/abi.js";
import * as check from "./core/validate.js";
import { checkRunCallbacks, driveAsync, driveSync, type Progress } from "./core/drive.js";
import { streamSeed } from "./rng.js";
import { VERSION } from "./version.js";

export type StorageRule = "hebbian" | "storkey" | "pseudoinverse";
export const STORAGE_RULES: readonly StorageRule[] = ["hebbian", "storkey", "pseudoinverse"];
/** "sync": x ← sign(Wx + b) at once; "async": one neuron at a time in a random order; "glauber": async at temperature T. */
export type HopfieldDynamics = "sync" | "async" | "glauber";
/** How a run ended; "aborted" only from the async twins, when their `signal` fired. */
export type RunStatus = "fixed-point" | "cycle" | "max-sweeps" | "aborted";

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
  backend?: Backend;
}

export interface HopfieldConfig {
  n: number; k: number; rule: StorageRule | "given"; path: "fast" | "dense"; seed: number; stream: number;
  patternBias: number; patterns: "random" | "given";
}

const OPTION_KEYS = ["n", "patterns", "count", "patternBias", "rule", "weights", "bias", "path", "seed", "stream", "backend"] as const;
const RUN_KEYS = ["dynamics", "temperature", "maxSweeps", "seed", "recordEnergy"] as const;
const ASYNC_KEYS = ["onProgress", "signal"] as const;
/** Largest sweep/step count a run accepts (the wasm side packs it in 24 bits). */
export const MAX_SWEEPS = 2 ** 24 - 1;
/**
 * Most neuron updates, maxSweeps·n, that the synchronous {@link Hopfield.run} (and recall) accepts:
 * 2³² updates take minutes (30–60 ns each at K = 100). Longer runs go through
 * {@link Hopfield.runAsync}, which can be stopped.
 */
export const MAX_RUN_UPDATES = 2 ** 32;
/** Largest f32 (the dense weights' type): a larger weight would be stored as ∞. */
const F32_MAX = 3.4028234663852886e38;
/**
 * Bound on Σ_j |w_ij| for every row: the f32 sums Σ_j w_ij x_j (|·| ≤ 2¹²⁶) and the running updates
 * ±2w_ij per flip (|·| ≤ 2¹²⁷) stay below F32_MAX ≈ 2¹²⁸, so no field becomes ∞.
 */
const MAX_ROW_SUM = 2 ** 126;
/** Bound on Σ_i |b_i|: the energy's −bᵀx term stays finite in f64. */
const MAX_BIAS_SUM = 1e300;

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
    if (input.length === 0 || input.length % nGiven !== 0) throw new RangeError(`patterns has length ${input.length}, not a positive multiple of n = ${nGiven}`);
    const rows = Array.from({ length: input.length / nGiven }, (_, mu) => input.subarray(mu * nGiven, (mu + 1) * nGiven));
    return { rows, n: nGiven };
  }
  if (input && typeof input === "object" && input.bits instanceof Uint8Array) {
    if (nGiven === undefined) throw new TypeError("n is required with bit-packed patterns");
    const count = check.integer("patterns.count", input.count, 1);
    const rowBytes = Math.ceil(nGiven / 8);
    if (input.bits.length !== count * rowBytes) throw new RangeError(`patterns.bits must hold count·⌈n/8⌉ = ${count * rowBytes} bytes, got ${input.bits.length}`);
    const rows = Array.from({ length: count }, (_, mu) => {
      const row = new Int8Array(nGiven);
      for (let i = 0; i < nGiven; i++) row[i] = (input.bits[mu * rowBytes + (i >> 3)] >> (i & 7)) & 1 ? 1 : -1;
      return row;
    });
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
  const words = Math.ceil(n / 64), cwords = Math.max(1, Math.ceil(k / 64));
  let bytes = 4 * n + 24 * words + 8 * k * words + 8 * n * cwords + 24 * n + 8 * k + 8192 * cwords + 4 * n + (1 << 16);
  if (dense) bytes += 4 * n * n;
  if (rule === "pseudoinverse") bytes += 8 * (k * k + n * k);
  if (rule === "storkey") bytes += 8 * n;
  return bytes;
}

/** The result of {@link Hopfield.run}. */
export interface HopfieldRun {
  /** "fixed-point", "cycle" (synchronous 2-cycle), "max-sweeps", or "aborted" (runAsync's signal). */
  status: RunStatus;
  /** Sweeps (async: N updates each) or synchronous steps taken (completed ones, when aborted). */
  sweeps: number;
  /** Energy before the run and after each sweep (length sweeps + 1); empty with recordEnergy: false. */
  energy: Float64Array;
}

/** Options of {@link Hopfield.run}. */
export interface HopfieldRunOptions {
  /** Default "async". */
  dynamics?: HopfieldDynamics;
  /** Temperature T > 0 for "glauber". */
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
  status: RunStatus;
  sweeps: number;
  energy: Float64Array;
  corrupted: Int8Array;
  final: Int8Array;
}

const DYNAMICS: readonly HopfieldDynamics[] = ["sync", "async", "glauber"];

/** A run's validated options. */
interface RunPlan { dynamics: HopfieldDynamics; temperature: number; maxSweeps: number; recordEnergy: boolean; seed: number | undefined }

/** Internal methods (not exported from the package): the generators that the capacity sweep drives. */
const RUN_LOOP = Symbol("runLoop"), UNSTABLE_LOOP = Symbol("unstableLoop"), STORE_LOOP = Symbol("storeLoop");
/** Passed by the capacity sweep to build a network without its weights, then computed in chunks (STORE_LOOP). */
const DEFER_STORAGE = Symbol("deferStorage");

/** Target duration of one chunk of wasm work in the async drivers, ms. */
const CHUNK_MS = 8;

/** The next chunk's budget: scaled so the chunk takes about CHUNK_MS, growing at most 8× at a time. */
function nextBudget(budget: number, elapsedMs: number): number {
  const factor = Math.min(8, CHUNK_MS / Math.max(elapsedMs, 0.01));
  return Math.max(1, Math.min(2 ** 30, Math.round(budget * factor)));
}

/**
 * Runs work(from, to) over [0, count) in chunks, yielding between them (timed: chunks of about
 * CHUNK_MS; untimed: one chunk). Returns false when `signal` stopped it before the end.
 */
function* chunked(count: number, timed: boolean, signal: AbortSignal | undefined, work: (from: number, to: number) => void): Generator<void, boolean> {
  let size = timed ? 1 : count;
  for (let from = 0; from < count;) {
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

/**
 * Given weights: finite, representable in f32 (the dense path stores f32: a Float64Array entry past
 * ±3.4·10³⁸ would become ±∞ and the energy NaN), symmetric, and with Σ_j |w_ij| ≤ 2¹²⁶ in every row
 * (so no f32 field sum can overflow).
 */
function checkWeights(weights: Float32Array | Float64Array, n: number): void {
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!Number.isFinite(w)) throw new RangeError(`weights[${i}] must be finite, got ${w}`);
    if (Math.abs(w) > F32_MAX) throw new RangeError(`weights[${i}] = ${w} overflows f32 (the dense weights' type): |w| must be ≤ ${F32_MAX}`);
  }
  let scale = 0; // max |w_ij|: the symmetry test's tolerance is relative to it
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) {
      row += Math.abs(weights[i * n + j]);
      scale = Math.max(scale, Math.abs(weights[i * n + j]));
    }
    if (row > MAX_ROW_SUM) throw new RangeError(`weights too large: row ${i} has Σ_j |w_ij| = ${row} > 2¹²⁶, and its f32 field sums could overflow`);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(weights[i * n + j] - weights[j * n + i]) > 1e-6 * scale) throw new RangeError(`weights must be symmetric: w[${i}][${j}] ≠ w[${j}][${i}]`);
    }
  }
}

/**
 * A Hopfield network in wasm memory.
 * @example
 * using net = new Hopfield({ n: 400, count: 20, rule: "storkey", seed: 1 });
 * const r = net.recall(3, { flipFraction: 0.2 });
 * r.success; r.finalOverlap; r.energy;
 */
export class Hopfield {
  readonly config: HopfieldConfig;
  readonly n: number;
  readonly k: number;
  readonly backend: Backend;
  readonly #wasm: WasmInstance;
  readonly #p: number;

  /** @throws TypeError/RangeError naming a bad option (pattern length ≠ N, entries not ±1, K = 0, N too large …). */
  constructor(options?: HopfieldOptions, defer?: typeof DEFER_STORAGE) {
    options = check.options("Hopfield", options, OPTION_KEYS);
    const backend = check.backend(options.backend);
    const nOption = options.n === undefined ? undefined : check.integer("n", options.n, 1, 1 << 20);
    const given = options.patterns === undefined ? null : readPatterns(options.patterns, nOption);
    const weights = options.weights;
    let n = given?.n ?? nOption;
    if (weights !== undefined) {
      if (!(weights instanceof Float32Array || weights instanceof Float64Array)) throw new TypeError("weights must be a Float32Array or Float64Array of N × N values");
      n ??= Math.round(Math.sqrt(weights.length));
      if (weights.length !== n * n) throw new RangeError(`weights must hold N × N = ${n * n} values, got ${weights.length}`);
    }
    if (n === undefined) throw new TypeError("n is required (or give patterns or weights)");
    n = check.integer("n", n, 1, 1 << 20);
    if (given) given.rows.forEach((row, mu) => checkSpins(`patterns[${mu}]`, row));
    // count and rule are validated even where given patterns or weights decide them.
    const countOption = options.count === undefined ? undefined : check.integer("count", options.count, 1, 1 << 20);
    if (given && countOption !== undefined && countOption !== given.rows.length) throw new RangeError(`count = ${countOption} but ${given.rows.length} patterns are given`);
    const k = given ? given.rows.length : countOption ?? 10;
    const ruleOption = options.rule === undefined ? undefined : check.oneOf("rule", options.rule, STORAGE_RULES);
    const rule = weights ? "given" : ruleOption ?? "hebbian";
    const pathOption = check.oneOf("path", options.path ?? "auto", ["auto", "fast", "dense"] as const);
    if (pathOption === "fast" && rule !== "hebbian") throw new RangeError(`path "fast" needs Hebbian storage (rule "hebbian", no weights); got ${rule === "given" ? "given weights" : `rule "${rule}"`}`);
    const path = pathOption === "auto" ? (rule === "hebbian" ? "fast" : "dense") : pathOption;
    const patternBias = check.probability("patternBias", options.patternBias ?? 0.5);
    const seed = check.seed("seed", options.seed ?? 0);
    const stream = check.integer("stream", options.stream ?? 0, 0, 2 ** 32 - 1);
    if (rule === "pseudoinverse" && k > n) throw new RangeError(`the pseudo-inverse rule stores at most n = ${n} linearly independent patterns; got K = ${k}`);
    const bytes = memoryNeeded(n, k, path === "dense", rule);
    if (bytes > MAX_MEMORY_BYTES) throw new RangeError(`n too large: ${n} neurons${path === "dense" ? " with dense weights" : ""} need ${formatBytes(bytes)} of wasm memory, more than ${formatBytes(MAX_MEMORY_BYTES)}`);
    const bias = typeof options.bias === "number" || options.bias === undefined
      ? new Float64Array(n).fill(check.finite("bias", options.bias ?? 0))
      : check.vector("bias", options.bias, n);
    const biasSum = bias.reduce((a, b) => a + Math.abs(b), 0);
    if (!(biasSum <= MAX_BIAS_SUM)) throw new RangeError(`bias too large: Σ|b_i| = ${biasSum} exceeds ${MAX_BIAS_SUM}, and the energy −bᵀx would overflow`);
    if (weights) checkWeights(weights, n);
    this.n = n;
    this.k = k;
    this.config = { n, k, rule, path, seed, stream, patternBias, patterns: given ? "given" : "random" };

    this.#wasm = new WasmInstance("Hopfield", backend);
    this.#scratchRegion = new ScratchRegion(this.#wasm, 1024);
    this.#energyRegion = new ScratchRegion(this.#wasm, 1024);
    this.backend = this.#wasm.backend;
    const e = this.#wasm.exports;
    const [hi, lo] = check.seedWords(streamSeed(seed, stream));
    this.#p = e.hopfield_create(n, k, path === "dense" ? 1 : 0, hi, lo);
    if (this.#p === 0) throw new RangeError(`n too large: wasm memory could not grow for ${n} neurons`);
    if (given) given.rows.forEach((row, mu) => this.#packInto(e.hopfield_pattern_bits(this.#p) + mu * this.#rowBytes, row));
    else e.hopfield_random_patterns(this.#p, patternBias);
    e.hopfield_index_patterns(this.#p);
    this.#wasm.f64.set(bias, e.hopfield_bias(this.#p) >> 3);
    this.#rule = rule;
    if (weights) this.#wasm.f32.set(weights, e.hopfield_weights(this.#p) >> 2); // scale stays 1 (hopfield_create)
    if (defer !== DEFER_STORAGE) driveSync(this[STORE_LOOP](false));
    this.#setPattern(0);
  }

  get #rowBytes(): number {
    return Math.ceil(this.n / 64) * 8;
  }

  readonly #rule: StorageRule | "given";

  /**
   * Computes the weights of the storage rule (given weights are already in place; Hebbian on the fast
   * path only sets the scale). Storkey adds one pattern per chunk (O(N²) each) and the pseudo-inverse
   * writes its W = YYᵀ in row blocks, so a capacity sweep sees an abort between chunks; `timed` sizes
   * the chunks to about 8 ms, else they are as large as possible.
   */
  *[STORE_LOOP](timed: boolean, signal?: AbortSignal): Generator<void, boolean> {
    const e = this.#wasm.exports, p = this.#p, n = this.n, k = this.k;
    if (this.#rule === "hebbian") e.hopfield_store_hebbian(p);
    if (this.#rule === "storkey") {
      const scratch = this.#wasm.alloc(8 * n, "Storkey scratch");
      return yield* chunked(k, timed, signal, (from, to) => e.hopfield_store_storkey(p, scratch, from, to));
    }
    if (this.#rule === "pseudoinverse") {
      const work = this.#wasm.alloc(8 * (k * k + n * k), "pseudo-inverse workspace");
      return yield* chunked(n, timed, signal, (from, to) => {
        if (e.hopfield_store_pseudoinverse(p, work, from, to) !== 0) throw new RangeError("patterns are linearly dependent: the pseudo-inverse rule needs independent patterns");
      });
    }
    return true;
  }

  /** Writes ±1 values as bits (LSB first) at a wasm address. */
  #packInto(address: number, x: Int8Array): void {
    const u8 = this.#wasm.u8;
    u8.fill(0, address, address + this.#rowBytes);
    for (let i = 0; i < x.length; i++) if (x[i] > 0) u8[address + (i >> 3)] |= 1 << (i & 7);
  }

  #unpack(address: number): Int8Array {
    const u8 = this.#wasm.u8;
    const x = new Int8Array(this.n);
    for (let i = 0; i < this.n; i++) x[i] = (u8[address + (i >> 3)] >> (i & 7)) & 1 ? 1 : -1;
    return x;
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
    const e = this.#wasm.exports;
    this.#packInto(e.hopfield_state_bits(this.#p), x);
    e.hopfield_unpack_state(this.#p);
  }

  /** Sets the state to stored pattern μ. */
  setPattern(mu: number): void {
    this.#idle("setPattern");
    this.#setPattern(mu);
  }

  #setPattern(mu: number): void {
    const e = this.#wasm.exports;
    const from = e.hopfield_pattern_bits(this.#p) + this.#checkPattern(mu) * this.#rowBytes;
    this.#wasm.u8.copyWithin(e.hopfield_state_bits(this.#p), from, from + this.#rowBytes);
    e.hopfield_unpack_state(this.#p);
  }

  /** A copy of the state (±1). */
  state(): Int8Array {
    return this.#unpack(this.#wasm.exports.hopfield_state_bits(this.#p));
  }

  /** A copy of stored pattern μ (±1). */
  pattern(mu: number): Int8Array {
    return this.#unpack(this.#wasm.exports.hopfield_pattern_bits(this.#p) + this.#checkPattern(mu) * this.#rowBytes);
  }

  /** Local fields h_i = Σ_j w_ij x_j + b_i of the current state. */
  fields(): Float64Array {
    this.#idle("fields");
    const e = this.#wasm.exports;
    e.hopfield_fields(this.#p);
    return this.#wasm.f64Copy(e.hopfield_field(this.#p), this.n);
  }

  /** Energy E = −½ xᵀWx − bᵀx of the current state. */
  energy(): number {
    return this.#wasm.exports.hopfield_energy(this.#p);
  }

  /** Overlaps m_μ = ξ^μ·x/N with every stored pattern. */
  overlaps(): Float64Array {
    const e = this.#wasm.exports;
    const out = this.#scratch(4 * this.k);
    e.hopfield_overlaps(this.#p, out);
    return Float64Array.from(this.#wasm.i32.subarray(out >> 2, (out >> 2) + this.k), (m) => m / this.n);
  }

  /** Hamming distance from the state to a ±1 vector or to stored pattern μ. */
  hamming(target: Int8Array | number): number {
    if (typeof target !== "number" && !(target instanceof Int8Array)) throw new TypeError("target must be a pattern index or an Int8Array of ±1");
    const other = typeof target === "number" ? this.pattern(target) : target;
    if (other.length !== this.n) throw new RangeError(`target has length ${other.length}, but n = ${this.n}`);
    const x = this.state();
    let d = 0;
    for (let i = 0; i < this.n; i++) if (x[i] !== other[i]) d++;
    return d;
  }

  /** A reusable scratch block for overlaps (created with the instance). */
  readonly #scratchRegion: ScratchRegion;
  /** The energy trace's block, apart from the other scratch so that reads during runAsync cannot clobber it. */
  readonly #energyRegion: ScratchRegion;
  #scratch(bytes: number): number {
    return this.#scratchRegion.take(bytes, "scratch");
  }

  /** True while an async run is in progress: it owns the state and the running sums. */
  #busy = false;
  #idle(what: string): void {
    if (this.#busy) throw new Error(`Hopfield.${what}: a runAsync/recallAsync is in progress on this network; await it (or abort it) first`);
  }

  /** Validates run options once. `keys`: the options this entry point accepts. */
  #runPlan(what: string, options: HopfieldRunOptions | undefined, keys: readonly string[], sync: boolean): RunPlan {
    options = check.options(what, options, keys);
    const recordEnergy = options.recordEnergy ?? true;
    if (typeof recordEnergy !== "boolean") throw new TypeError("recordEnergy must be a boolean");
    const dynamics = check.oneOf("dynamics", options.dynamics ?? "async", DYNAMICS);
    const maxSweeps = check.integer("maxSweeps", options.maxSweeps ?? 100, 1, MAX_SWEEPS);
    if (sync && maxSweeps * this.n > MAX_RUN_UPDATES) {
      throw new RangeError(`maxSweeps too large for ${what}: maxSweeps·n = ${maxSweeps}·${this.n} neuron updates exceed ${MAX_RUN_UPDATES}; use runAsync (abortable) for longer runs`);
    }
    let temperature = 0;
    if (dynamics === "glauber") temperature = check.positive("temperature", options.temperature);
    else if (options.temperature !== undefined) throw new RangeError(`temperature applies to "glauber" dynamics only (got dynamics "${dynamics}")`);
    const seed = options.seed === undefined ? undefined : check.seed("seed", options.seed);
    return { dynamics, temperature, maxSweeps, recordEnergy, seed };
  }

  /**
   * The run as a generator: wasm runs a budget of work per call (synchronous steps, or single-neuron
   * updates for async and Glauber sweeps, resumable mid-sweep) and the generator yields between calls.
   * `timed` sizes the budgets to about 8 ms (so an abort is seen within ~10 ms plus the driver's 30 ms);
   * untimed, each call takes up to 2³⁰ updates. Split or not, the run makes the same draws and decisions.
   */
  *[RUN_LOOP](plan: RunPlan, timed: boolean, signal?: AbortSignal, onProgress?: (p: Progress) => void): Generator<void, HopfieldRun> {
    const e = this.#wasm.exports, p = this.#p, n = this.n;
    const { dynamics, temperature, maxSweeps } = plan;
    if (plan.seed !== undefined) this.#reseed(plan.seed);
    const sync = dynamics === "sync";
    let budget = timed ? (sync ? 1 : 16) : (sync ? maxSweeps : 2 ** 30);
    let done = 0; // steps (sync) or neuron updates (async) completed
    let code = 0;
    // The trace E(x(0)) … in wasm, grown (by doubling, keeping what it holds) to the sweeps the next
    // call can reach, so a long async run holds only what it has recorded.
    let energies = 0, capacity = 0;
    const reserve = (entries: number) => {
      if (!plan.recordEnergy || entries <= capacity) return;
      const kept = capacity > 0 ? this.#wasm.f64Copy(energies, capacity) : null;
      const size = Math.min(maxSweeps + 1, Math.max(entries, 2 * capacity, 256));
      energies = this.#energyRegion.take(8 * size, "energy trace");
      if (kept) this.#wasm.f64.set(kept, energies >> 3);
      capacity = size;
    };
    reserve(1);
    for (let resume = 0; ; resume = 1) {
      if (signal?.aborted) break;
      const reach = sync ? done + budget : Math.floor(done / n) + Math.ceil(budget / n) + 1; // last sweep this call may end
      reserve(Math.min(maxSweeps, reach) + 1);
      const started = performance.now();
      code = sync
        ? e.hopfield_run_sync(p, maxSweeps, energies, budget, resume)
        : e.hopfield_run_async(p, maxSweeps, temperature, energies, budget, resume);
      if (code !== 0) break;
      done += budget;
      if (timed) budget = nextBudget(budget, performance.now() - started);
      const sweeps = sync ? done : Math.floor(done / n);
      onProgress?.({ step: sweeps, steps: maxSweeps, t: sweeps, fraction: sweeps / maxSweeps });
      yield;
    }
    if (code === 0) { // aborted: the completed sweeps; a synchronous run still owes the current state's energy
      const sweeps = sync ? done : Math.floor(done / n);
      if (energies && sync) this.#wasm.f64[(energies >> 3) + sweeps] = e.hopfield_energy(p);
      const energy = energies ? this.#wasm.f64Copy(energies, sweeps + 1) : new Float64Array(0);
      return { status: "aborted", sweeps, energy };
    }
    const sweeps = code & 0xffffff;
    const energy = energies ? this.#wasm.f64Copy(energies, sweeps + 1) : new Float64Array(0);
    return { status: HOPFIELD_STATUS[(code >>> 24) as 1 | 2 | 3], sweeps, energy };
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
   * through the next sweep; the energy trace covers the completed ones). `onProgress` gets the sweeps
   * done. One synchronous step (a full field evaluation, O(NK/8) fast or O(N²) dense) is never split.
   * Takes up to maxSweeps = {@link MAX_SWEEPS}; the same options give the same bits as `run`.
   */
  async runAsync(options?: HopfieldRunOptions & { onProgress?: (p: Progress) => void; signal?: AbortSignal }): Promise<HopfieldRun> {
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
  async recallAsync(mu: number, options?: HopfieldRunOptions & { flipFraction?: number; onProgress?: (p: Progress) => void; signal?: AbortSignal }): Promise<RecallResult> {
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

  *#recallLoop(mu: number, flipFraction: number | undefined, seed: number | undefined, plan: RunPlan, timed: boolean, signal?: AbortSignal, onProgress?: (p: Progress) => void): Generator<void, RecallResult> {
    const fraction = check.probability("flipFraction", flipFraction ?? 0.1);
    this.#setPattern(mu);
    const flipped = this.#corrupt(fraction, seed === undefined ? undefined : check.seed("seed", seed));
    const corrupted = this.state();
    const initialOverlap = this.overlaps()[mu];
    const run = yield* this[RUN_LOOP](plan, timed, signal, onProgress);
    const finalOverlap = this.overlaps()[mu];
    const hamming = Math.round((this.n * (1 - finalOverlap)) / 2); // M = ξ·x = N − 2·Hamming, an integer
    return {
      pattern: mu, flipped, initialOverlap, finalOverlap, hamming, success: hamming === 0,
      status: run.status, sweeps: run.sweeps, energy: run.energy, corrupted, final: this.state(),
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
    return this.#wasm.exports.hopfield_flip_random(this.#p, fraction);
  }

  /** Reseeds the network's dynamics stream (update order, Glauber draws, corruption) when `seed` is given. */
  #reseed(seed: number | undefined): void {
    if (seed === undefined) return;
    const e = this.#wasm.exports;
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
    const e = this.#wasm.exports;
    const saved = this.state();
    let unstable = 0;
    const complete = yield* chunked(this.k, timed, signal, (from, to) => { unstable += e.hopfield_count_unstable(this.#p, from, to); });
    this.#setState(saved);
    return complete ? unstable / (this.k * this.n) : null;
  }

  /** A copy of the weights w_ij (N × N, f32) on the dense path; null on the fast path (use fields()). */
  weights(): Float32Array | null {
    const e = this.#wasm.exports;
    if (this.config.path !== "dense") return null;
    const scale = e.hopfield_scale(this.#p);
    const at = e.hopfield_weights(this.#p) >> 2;
    const w = this.#wasm.f32.slice(at, at + this.n * this.n);
    if (scale !== 1) for (let i = 0; i < w.length; i++) w[i] *= scale;
    return w;
  }

  /** Frees the wasm instance. Idempotent; later use throws DisposedError. */
  dispose(): void {
    this.#wasm.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Capacity experiments
// ---------------------------------------------------------------------------------------------

/** n (neurons) and k (patterns) of the analytic helpers: integers in [1, 2⁵³). */
function checkCounts(n: unknown, k: unknown): [number, number] {
  return [check.integer("n", n, 1), check.integer("k", k, 1)];
}

/** Φ(−√(N/K)) = ½ erfc(√(N/(2K))): the signal-to-noise probability that a stored bit is unstable (spec §2). */
export function predictedUnstableFraction(n: number, k: number): number {
  [n, k] = checkCounts(n, k);
  return 0.5 * erfc(Math.sqrt(n / (2 * k)));
}

/**
 * Complementary error function, |relative error| < 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit);
 * erfc(±∞) = 0, 2. @throws TypeError for a non-number, RangeError for NaN.
 */
export function erfc(x: number): number {
  if (typeof x !== "number") throw new TypeError(`erfc: x must be a number, got ${typeof x}`);
  if (Number.isNaN(x)) throw new RangeError("erfc: x must not be NaN");
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Lanczos coefficients for g = 7, 9 terms (see {@link logGamma}), built once. */
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7] as const;

/** Largest argument of {@link logGamma}: ln Γ(x) ≈ x ln x overflows f64 near 2.5·10³⁰⁵. */
const LOG_GAMMA_MAX = 1e305;

/**
 * ln |Γ(x)| (Lanczos, g = 7, 9 terms; about 15 significant digits, absolute error ~1e-15 near the
 * zeros at x = 1 and 2). x < ½ by the reflection Γ(x)Γ(1 − x) = π/sin(πx).
 * @throws TypeError for a non-number; RangeError for NaN, ±∞, x > 1e305 (the result would overflow)
 * and the poles x = 0, −1, −2, …
 */
export function logGamma(x: number): number {
  if (typeof x !== "number") throw new TypeError(`logGamma: x must be a number, got ${typeof x}`);
  if (!Number.isFinite(x) || x > LOG_GAMMA_MAX) throw new RangeError(`logGamma: x must be finite and ≤ ${LOG_GAMMA_MAX}, got ${x}`);
  if (x <= 0 && Number.isInteger(x)) throw new RangeError(`logGamma: x = ${x} is a pole of Γ (0, −1, −2, …)`);
  // Near 0 (either side) Γ(x) = 1/x − γ + O(x), so ln|Γ(x)| = −ln|x| − γx + O(x²); the reflection
  // formula would underflow sin(πx) there.
  if (Math.abs(x) < 1e-8) return -Math.log(Math.abs(x)) - EULER_GAMMA * x;
  return lnGamma(x);
}

/** The Euler–Mascheroni constant γ. */
const EULER_GAMMA = 0.5772156649015329;

function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Φ(−√((N−1)/(K−1))): the same signal-to-noise argument with the finite-N signal N − 1 (w_ii = 0) and
 * crosstalk variance (K − 1)(N − 1). Within 0.1 % of {@link exactUnstableFraction} for N = 1000,
 * K ≥ 50, where Φ(−√(N/K)) is 1–6 % high.
 */
export function predictedUnstableFractionFiniteN(n: number, k: number): number {
  [n, k] = checkCounts(n, k);
  if (k === 1) return 0;
  return 0.5 * erfc(Math.sqrt((n - 1) / (2 * (k - 1))));
}

/** Stirling's series remainder ln Γ(x + 1) − (x + ½) ln x + x − ½ ln 2π for x ≥ 16 (error < 1e-16; Loader 2000). */
function stirlingError(x: number): number {
  const y = 1 / (x * x);
  return (1 / 12 - y * (1 / 360 - y * (1 / 1260 - y * (1 / 1680 - y / 1188)))) / x;
}

/**
 * g(r) = (1 − r) ln(1 − r) + (1 + r) ln(1 + r) = Σ_{j≥1} r^{2j}/(j(2j − 1)), for 0 ≤ r < 1: by the
 * series below ½ (no cancellation: terms fall by r² ≤ ¼), by log1p above.
 */
function symmetricDeviance(r: number): number {
  if (r >= 0.5) return (1 - r) * Math.log1p(-r) + (1 + r) * Math.log1p(r);
  const r2 = r * r;
  let sum = 0, power = r2;
  for (let j = 1; j < 60; j++) {
    const next = sum + power / (j * (2 * j - 1));
    if (next === sum) break;
    sum = next;
    power *= r2;
  }
  return sum;
}

/**
 * ln P(S = μ − d) for S ~ Binomial(m, ½), μ = m/2, d ≥ 0 real (S = μ − d ≥ 0), accurate for any m
 * (Loader 2000, "Fast and accurate computation of binomial probabilities": no difference of large
 * ln Γ values). For S ≥ 16: ln P = δ(m) − δ(S) − δ(m − S) − μ·g(d/μ) + ½ ln(2/(πm(1 − (d/μ)²))) with
 * δ = {@link stirlingError} and g = {@link symmetricDeviance}. For S < 16 (S then an integer):
 * ln C(m, S) − m ln 2 as a product of S ratios.
 */
function logBinomialHalf(m: number, d: number): number {
  const mu = m / 2, S = mu - d;
  if (S < 16) {
    let log = -m * Math.LN2;
    for (let i = 0; i < S; i++) log += Math.log((m - i) / (i + 1));
    return log;
  }
  const r = d / mu;
  return stirlingError(m) - stirlingError(S) - stirlingError(m - S) - mu * symmetricDeviance(r) + 0.5 * (Math.log(2 / (Math.PI * m)) - Math.log1p(-r * r));
}

/** Above this many terms, the binomial tail is summed as an integral (Euler–Maclaurin) instead of term by term. */
const DIRECT_TERMS = 100_000;
/** 16-point Gauss–Legendre nodes and weights on [−1, 1], positive half (numpy.polynomial.legendre.leggauss(16)). */
const GL_X = [0.09501250983763744, 0.2816035507792589, 0.45801677765722737, 0.6178762444026438, 0.755404408355003, 0.8656312023878318, 0.9445750230732326, 0.9894009349916499];
const GL_W = [0.18945061045506864, 0.18260341504492364, 0.16915651939500265, 0.1495959888165767, 0.12462897125553407, 0.0951585116824926, 0.062253523938647456, 0.027152459411754176];

/**
 * Σ_{t≥0} P(S = μ − d₀ − t), S ~ Binomial(m, ½) (terms with S < 0 are zero): the lower tail below
 * the mean at distance d₀ ≥ ½. Term by term while few terms matter (stopping when the rest, bounded
 * by a geometric series of the current ratio P(S − 1)/P(S), is below 1e-17 of the sum); otherwise
 * (log-slope λ < 5·10⁻⁴ and σ = √m/2 > 10⁴) by Euler–Maclaurin, Σ = ∫ + f(J)/2 + f′(J)/12 with the
 * integral by 16-point Gauss–Legendre panels: the neglected terms are O(λ³f(J)) ≲ 1e-13 of the sum.
 */
function binomialHalfTail(m: number, d0: number): number {
  const mu = m / 2, J = mu - d0; // J: the largest S in the tail
  if (J < 0) return 0;
  const sigma = Math.sqrt(m) / 2;
  const slope = Math.log1p((2 * d0 - 1) / (mu - d0 + 1)); // ln P(J)/P(J − 1)
  // Terms that matter: until P has fallen by e⁻⁵⁰ (by the slope alone, or the Gaussian fall within 10σ).
  const terms = Math.min(J + 1, 50 / slope, 10 * sigma + 1);
  if (terms <= DIRECT_TERMS) {
    let sum = 0;
    for (let t = 0; t <= J && t < 2 * DIRECT_TERMS; t++) {
      const S = J - t;
      const term = Math.exp(logBinomialHalf(m, d0 + t));
      sum += term;
      const q = S / (m - S + 1); // P(S − 1)/P(S), falling as S falls: the rest is ≤ term·q/(1 − q)
      if (q < 1 && term * q < 1e-17 * sum * (1 - q)) break;
    }
    return sum;
  }
  const logF = (s: number) => logBinomialHalf(m, d0 + s);
  const top = logF(0);
  let integral = 0;
  for (let s = 0, panels = 0; s < J - 16 && panels < 10_000; panels++) {
    const localSlope = slope + s / (sigma * sigma);
    const width = Math.min(0.5 / (localSlope + 1 / sigma), J - 16 - s);
    let panel = 0;
    for (let i = 0; i < 8; i++) {
      const dx = 0.5 * width * GL_X[i];
      panel += GL_W[i] * (Math.exp(logF(s + 0.5 * width - dx) - top) + Math.exp(logF(s + 0.5 * width + dx) - top));
    }
    integral += 0.5 * width * panel;
    s += width;
    if (logF(s) - top < -45) break;
  }
  const fJ = 1, dfJ = Math.log1p(2 * d0 / (mu - d0 + 0.5)); // f′(J)/f(J) = ψ(m − J + 1) − ψ(J + 1) ≈ ln((m − J + ½)/(J + ½))
  return Math.exp(top) * (integral + fJ / 2 + dfJ / 12);
}

/**
 * The exact finite-N probability that a stored bit is unstable under Hebbian storage (w_ii = 0) with
 * sign(0) = +1. For pattern μ at neuron i, N·h_i ξ_i^μ = (N − 1) + X where the crosstalk X is a sum of
 * M = (K − 1)(N − 1) independent uniform ±1 terms (the products ξ_i^μ ξ_i^ν ξ_j^ν ξ_j^μ, ν ≠ μ, j ≠ i).
 * The bit is unstable when X < −(N − 1), and in half the ties X = −(N − 1) (ξ_i = −1 loses the tie;
 * so N = 1, whose fields are all 0, gives ½). Tends to Φ(−√(N/K)) for large N; at N = 1000 it is
 * 1–6 % lower for K/N in 0.1…0.2. Any n, k in [1, 2⁵³): bounded work (≤ 10⁵ terms, or an
 * Euler–Maclaurin integral of ≤ ~2000 points), relative error ≲ 1e-11 (checked against scipy).
 * @throws TypeError/RangeError naming n or k unless they are integers in [1, 2⁵³).
 */
export function exactUnstableFraction(n: number, k: number): number {
  [n, k] = checkCounts(n, k);
  // X = 2S − M with S ~ Binomial(M, ½): unstable ⇔ S < edge = (M − N + 1)/2, tie ⇔ S = edge. 2·edge =
  // (K − 2)(N − 1) is an integer, even (edge an integer) iff K is even or N odd. The largest S below
  // edge lies at distance d₀ = (N − 1)/2 + 1 (edge an integer) or + ½ from the mean M/2.
  const m = (k - 1) * (n - 1);
  const edgeInteger = k % 2 === 0 || n % 2 === 1;
  const half = (n - 1) / 2;
  const tie = edgeInteger && m / 2 - half >= 0 ? 0.5 * Math.exp(logBinomialHalf(m, half)) : 0;
  return binomialHalfTail(m, half + (edgeInteger ? 1 : 0.5)) + tie;
}

/** Largest K with every pattern recalled perfectly: N/(2 ln N) (Hebbian), N/√(2 ln N) (Storkey), N (pseudo-inverse). */
export function predictedPerfectRecall(n: number, rule: StorageRule): number {
  n = check.integer("n", n, 2);
  rule = check.oneOf("rule", rule, STORAGE_RULES);
  if (rule === "hebbian") return n / (2 * Math.log(n));
  if (rule === "storkey") return n / Math.sqrt(2 * Math.log(n));
  return n;
}

/** Options of {@link hopfieldCapacity}. */
export interface CapacityOptions {
  /** Neurons. Default 1000. */
  n?: number;
  rule?: StorageRule;
  /** Loads K/N to measure. Default 0.01, 0.02, …, 0.20. */
  loads?: number[];
  /** Independent networks per load. Default 20. */
  trials?: number;
  seed?: number;
  /** Dynamics of the retrieval runs. Default "async". */
  dynamics?: "sync" | "async";
  /** Sweep limit of each retrieval run. Default 50. */
  maxSweeps?: number;
  /** Stored patterns recalled per network (from themselves) for the retrieval overlap. Default 10. */
  recallPatterns?: number;
  onProgress?: (progress: Progress) => void;
  /** Called with each load's results as soon as its trials are done (e.g. to draw the curve live). */
  onLoad?: (row: CapacityLoad) => void;
  signal?: AbortSignal;
  backend?: Backend;
}

/** One measured load: the entries of a {@link CapacityResult} at one index. */
export interface CapacityLoad {
  load: number;
  k: number;
  unstableFraction: number;
  unstableStdError: number;
  predictedUnstable: number;
  predictedUnstableFiniteN: number;
  /** Hebbian only, else null. */
  exactUnstable: number | null;
  retrievalOverlap: number;
  retrievalStdError: number;
  perfectRecallFraction: number;
}

/** Capacity curves: equal-length arrays, one entry per load. */
export interface CapacityResult {
  version: string;
  config: Required<Omit<CapacityOptions, "onProgress" | "onLoad" | "signal" | "backend">>;
  status: "completed" | "aborted";
  loads: number[];
  /** K per load, round(load·N) (at least 1). */
  k: number[];
  /** Measured fraction of unstable stored bits (mean over trials). */
  unstableFraction: number[];
  /** Its standard error (sample std over trials / √trials). */
  unstableStdError: number[];
  /** Φ(−√(N/K)), the signal-to-noise formula. */
  predictedUnstable: number[];
  /** Φ(−√((N−1)/(K−1))), the same formula with finite-N signal and noise. */
  predictedUnstableFiniteN: number[];
  /** The exact finite-N expectation for Hebbian storage ({@link exactUnstableFraction}); null for other rules. */
  exactUnstable: number[] | null;
  /** Mean final overlap of recall started from a stored pattern. */
  retrievalOverlap: number[];
  retrievalStdError: number[];
  /** Fraction of networks in which every stored pattern is a fixed point. */
  perfectRecallFraction: number[];
  /** Largest measured K with perfectRecallFraction ≥ ½ (null if none), and the prediction. */
  perfectRecallK: number | null;
  predictedPerfectRecallK: number;
  elapsedMs: number;
}

/** Most loads a capacity sweep (or {@link loadRange}) takes. */
const MAX_LOADS = 1_000_000;

const CAPACITY_KEYS = ["n", "rule", "loads", "trials", "seed", "dynamics", "maxSweeps", "recallPatterns", "onProgress", "onLoad", "signal", "backend"] as const;

function meanAndStdError(xs: number[]): [number, number] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return [mean, 0];
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return [mean, Math.sqrt(variance / xs.length)];
}

/** Validates capacity options once and fills in defaults. @throws TypeError/RangeError naming the option. */
export function resolveCapacityConfig(options?: CapacityOptions): CapacityResult["config"] {
  options = check.options("hopfieldCapacity", options, CAPACITY_KEYS);
  check.backend(options.backend);
  checkRunCallbacks(options);
  check.optionalFunction("onLoad", options.onLoad);
  const n = check.integer("n", options.n ?? 1000, 2, 1 << 16);
  const rule = check.oneOf("rule", options.rule ?? "hebbian", STORAGE_RULES);
  const loads = options.loads ?? Array.from({ length: 20 }, (_, i) => (i + 1) / 100);
  if (!Array.isArray(loads) || loads.length === 0) throw new TypeError("loads must be a non-empty array of K/N values");
  if (loads.length > MAX_LOADS) throw new RangeError(`loads has ${loads.length} entries, more than ${MAX_LOADS}`);
  loads.forEach((x, i) => { if (!(check.finite(`loads[${i}]`, x) > 0)) throw new RangeError(`loads[${i}] must be > 0, got ${x}`); });
  const trials = check.integer("trials", options.trials ?? 20, 1, 65536);
  const seed = check.seed("seed", options.seed ?? 0);
  const dynamics = check.oneOf("dynamics", options.dynamics ?? "async", ["sync", "async"] as const);
  const maxSweeps = check.integer("maxSweeps", options.maxSweeps ?? 50, 1, MAX_SWEEPS);
  const recallPatterns = check.integer("recallPatterns", options.recallPatterns ?? 10, 0, 1 << 20);
  loads.forEach((x, i) => {
    const k = Math.max(1, Math.round(x * n));
    if (rule === "pseudoinverse" && k > n) throw new RangeError(`loads[${i}] gives K = ${k} > n: the pseudo-inverse rule stores at most n patterns`);
    // Network (K, trial) uses stream K·2¹⁶ + trial, a u32 (see capacityLoop).
    if (k > 65535) throw new RangeError(`loads[${i}] gives K = ${k}; a capacity sweep stores at most 65535 patterns`);
  });
  return { n, rule, loads: [...loads], trials, seed, dynamics, maxSweeps, recallPatterns };
}

/**
 * The loads start, start + step, …, up to stop inclusive (1e-9 of a step admits a stop missed by
 * rounding), each rounded to 12 significant digits so that 0.01 + 2·0.01 reads 0.03.
 * @throws TypeError for a non-number argument or a non-integer maxCount; RangeError when step ≤ 0,
 * stop < start, a bound is not finite, maxCount is outside [1, 10⁶], or there are more than `maxCount` loads.
 * @example loadRange(0.01, 0.2, 0.01) // [0.01, 0.02, …, 0.2]
 */
export function loadRange(start: number, stop: number, step: number, maxCount = 10_000): number[] {
  for (const [name, value] of [["start", start], ["stop", stop], ["step", step]] as const) {
    if (typeof value !== "number") throw new TypeError(`loadRange: ${name} must be a number, got ${typeof value}`);
  }
  maxCount = check.integer("maxCount", maxCount, 1, MAX_LOADS);
  if (![start, stop, step].every(Number.isFinite) || !(step > 0) || !(stop >= start)) {
    throw new RangeError(`a load range needs finite bounds, step > 0 and stop ≥ start, got ${start} … ${stop} step ${step}`);
  }
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  if (!(count <= maxCount)) throw new RangeError(`a load range of ${count} points is more than ${maxCount}: use a larger step`);
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
}

/**
 * The capacity sweep as a generator. Every piece of work inside a trial yields: the weights (Storkey
 * one pattern, the pseudo-inverse a block of rows at a time), the unstable count (patterns in chunks),
 * each recall run (chunks of updates); `timed` (the async driver) sizes them to about 8 ms, so an
 * abort is seen within one chunk. A trial stopped part-way is dropped.
 */
function* capacityLoop(options: CapacityOptions | undefined, timed: boolean): Generator<void, CapacityResult> {
  const config = resolveCapacityConfig(options);
  options ??= {};
  const signal = options.signal;
  const { n, rule, loads, trials, seed, dynamics, maxSweeps, recallPatterns } = config;
  const ks = loads.map((x) => Math.max(1, Math.round(x * n)));

  const started = performance.now();
  const result: CapacityResult = {
    version: VERSION, config,
    status: "completed", loads: [...loads], k: ks, unstableFraction: [], unstableStdError: [],
    predictedUnstable: ks.map((k) => predictedUnstableFraction(n, k)),
    predictedUnstableFiniteN: ks.map((k) => predictedUnstableFractionFiniteN(n, k)),
    exactUnstable: rule === "hebbian" ? ks.map((k) => exactUnstableFraction(n, k)) : null, retrievalOverlap: [], retrievalStdError: [],
    perfectRecallFraction: [], perfectRecallK: null, predictedPerfectRecallK: predictedPerfectRecall(n, rule), elapsedMs: 0,
  };
  const total = ks.length * trials;
  let done = 0;
  for (const [li, k] of ks.entries()) {
    const unstable: number[] = [], overlap: number[] = [];
    let perfect = 0;
    for (let trial = 0; trial < trials; trial++) {
      if (options.signal?.aborted) { result.status = "aborted"; break; }
      // Network (K, trial) uses stream K·2¹⁶ + trial: the same network whatever other loads or how
      // many trials a run asks for, so any subset of loads or trials reproduces.
      const net = new Hopfield({ n, count: k, rule, seed, stream: k * 65536 + trial, backend: options.backend }, DEFER_STORAGE);
      const plan: RunPlan = { dynamics, maxSweeps, temperature: 0, recordEnergy: false, seed: undefined };
      try {
        if (!(yield* net[STORE_LOOP](timed, signal))) { result.status = "aborted"; break; }
        const u = yield* net[UNSTABLE_LOOP](timed, signal);
        if (u === null) { result.status = "aborted"; break; }
        const m = Math.min(recallPatterns, k);
        let sum = 0;
        for (let mu = 0; mu < m && result.status !== "aborted"; mu++) {
          net.setPattern(mu);
          if ((yield* net[RUN_LOOP](plan, timed, signal)).status === "aborted") result.status = "aborted";
          sum += net.overlaps()[mu];
        }
        if (result.status === "aborted") break;
        unstable.push(u);
        if (u === 0) perfect++;
        if (m > 0) overlap.push(sum / m);
      } finally {
        net.dispose();
      }
      done++;
      options.onProgress?.({ step: done, steps: total, t: loads[li], fraction: done / total });
      yield;
    }
    if (result.status === "aborted" || unstable.length === 0) break;
    const [unstableFraction, unstableStdError] = meanAndStdError(unstable);
    const [retrievalOverlap, retrievalStdError] = overlap.length ? meanAndStdError(overlap) : [0, 0];
    const row: CapacityLoad = {
      load: loads[li], k, unstableFraction, unstableStdError,
      predictedUnstable: result.predictedUnstable[li], predictedUnstableFiniteN: result.predictedUnstableFiniteN[li],
      exactUnstable: result.exactUnstable?.[li] ?? null, retrievalOverlap, retrievalStdError,
      perfectRecallFraction: perfect / unstable.length,
    };
    result.unstableFraction.push(unstableFraction);
    result.unstableStdError.push(unstableStdError);
    result.retrievalOverlap.push(retrievalOverlap);
    result.retrievalStdError.push(retrievalStdError);
    result.perfectRecallFraction.push(row.perfectRecallFraction);
    options.onLoad?.(row);
  }
  // Keep every array the same length when aborted mid-way.
  const measured = result.unstableFraction.length;
  for (const key of ["loads", "k", "predictedUnstable", "predictedUnstableFiniteN"] as const) result[key] = result[key].slice(0, measured);
  if (result.exactUnstable) result.exactUnstable = result.exactUnstable.slice(0, measured);
  const perfectKs = result.k.filter((_, i) => result.perfectRecallFraction[i] >= 0.5);
  result.perfectRecallK = perfectKs.length ? Math.max(...perfectKs) : null;
  result.elapsedMs = performance.now() - started;
  return result;
}

/**
 * Capacity sweep (synchronously): for each load K/N, `trials` networks of random patterns; measures
 * the unstable-bit fraction (vs Φ(−√(N/K))), the final overlap of recall from stored patterns (which
 * collapses near K/N ≈ 0.138 for Hebbian storage, Amit–Gutfreund–Sompolinsky), and how often every
 * pattern is a fixed point.
 * @example hopfieldCapacity({ n: 500, trials: 5, loads: [0.05, 0.1, 0.15] })
 */
export function hopfieldCapacity(options?: CapacityOptions): CapacityResult {
  return driveSync(capacityLoop(options, false));
}

/**
 * {@link hopfieldCapacity}, yielding to the event loop so progress bars and pages stay live; stops
 * within ~50 ms of `signal` aborting (one chunk of wasm work, sized to ~8 ms, plus the driver's 30 ms;
 * a chunk never splits one field evaluation, O(NK/8) at most: ~0.1 s at N = 65536, K/N = 0.2).
 */
export function runHopfieldCapacity(options?: CapacityOptions): Promise<CapacityResult> {
  return driveAsync(capacityLoop(options, true));
}
