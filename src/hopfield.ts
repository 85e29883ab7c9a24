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
 * instead of O(N²). Its fields are exact integers (times 1/N), as are the dense path's for Hebbian
 * weights, so both paths give identical trajectories (tested) while N·K < 2²⁴.
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
export type RunStatus = "fixed-point" | "cycle" | "max-sweeps";

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
/** Largest sweep/step count a run accepts (the wasm side packs it in 24 bits). */
export const MAX_SWEEPS = 2 ** 24 - 1;

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
  /** "fixed-point", "cycle" (synchronous 2-cycle) or "max-sweeps". */
  status: RunStatus;
  /** Sweeps (async: N updates each) or synchronous steps taken. */
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
  /** Sweep (or synchronous step) limit, ≥ 1. Default 100. */
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
  constructor(options: HopfieldOptions = {}) {
    check.knownKeys("Hopfield", options, OPTION_KEYS);
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
    const k = given ? given.rows.length : check.integer("count", options.count ?? 10, 1, 1 << 20);
    const rule = weights ? "given" : check.oneOf("rule", options.rule ?? "hebbian", STORAGE_RULES);
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
    this.n = n;
    this.k = k;
    this.config = { n, k, rule, path, seed, stream, patternBias, patterns: given ? "given" : "random" };

    this.#wasm = new WasmInstance("Hopfield", options.backend);
    this.#scratchRegion = new ScratchRegion(this.#wasm, 1024);
    this.backend = this.#wasm.backend;
    const e = this.#wasm.exports;
    const [hi, lo] = check.seedWords(streamSeed(seed, stream));
    this.#p = e.hopfield_create(n, k, path === "dense" ? 1 : 0, hi, lo);
    if (this.#p === 0) throw new RangeError(`n too large: wasm memory could not grow for ${n} neurons`);
    if (given) given.rows.forEach((row, mu) => this.#packInto(e.hopfield_pattern_bits(this.#p) + mu * this.#rowBytes, row));
    else e.hopfield_random_patterns(this.#p, patternBias);
    e.hopfield_index_patterns(this.#p);
    this.#wasm.f64.set(bias, e.hopfield_bias(this.#p) >> 3);
    this.#store(rule, weights);
    this.setPattern(0);
  }

  get #rowBytes(): number {
    return Math.ceil(this.n / 64) * 8;
  }

  #store(rule: StorageRule | "given", weights: Float32Array | Float64Array | undefined): void {
    const e = this.#wasm.exports, p = this.#p, n = this.n;
    if (weights) {
      let scale = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) scale = Math.max(scale, Math.abs(weights[i * n + j]));
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          if (Math.abs(weights[i * n + j] - weights[j * n + i]) > 1e-6 * scale) throw new RangeError(`weights must be symmetric: w[${i}][${j}] ≠ w[${j}][${i}]`);
        }
      }
      for (let i = 0; i < weights.length; i++) if (!Number.isFinite(weights[i])) throw new RangeError(`weights[${i}] must be finite`);
      this.#wasm.f32.set(weights, e.hopfield_weights(p) >> 2); // scale stays 1 (hopfield_create)
    } else if (rule === "hebbian") {
      e.hopfield_store_hebbian(p);
    } else if (rule === "storkey") {
      e.hopfield_store_storkey(p, this.#wasm.alloc(8 * n, "Storkey scratch"));
    } else {
      const work = this.#wasm.alloc(8 * (this.k * this.k + n * this.k), "pseudo-inverse workspace");
      if (e.hopfield_store_pseudoinverse(p, work) !== 0) throw new RangeError("patterns are linearly dependent: the pseudo-inverse rule needs independent patterns");
    }
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
    if (!(x instanceof Int8Array)) throw new TypeError("state must be an Int8Array of ±1");
    if (x.length !== this.n) throw new RangeError(`state has length ${x.length}, but n = ${this.n}`);
    checkSpins("state", x);
    const e = this.#wasm.exports;
    this.#packInto(e.hopfield_state_bits(this.#p), x);
    e.hopfield_unpack_state(this.#p);
  }

  /** Sets the state to stored pattern μ. */
  setPattern(mu: number): void {
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
    const other = typeof target === "number" ? this.pattern(target) : target;
    if (other.length !== this.n) throw new RangeError(`target has length ${other.length}, but n = ${this.n}`);
    const x = this.state();
    let d = 0;
    for (let i = 0; i < this.n; i++) if (x[i] !== other[i]) d++;
    return d;
  }

  /** A reusable scratch block for overlaps and energy traces (created with the instance). */
  readonly #scratchRegion: ScratchRegion;
  #scratch(bytes: number): number {
    return this.#scratchRegion.take(bytes, "scratch");
  }

  /**
   * Runs the dynamics from the current state (inside wasm) until a fixed point, a synchronous
   * 2-cycle, or `maxSweeps`. Asynchronous and Glauber sweeps update the N neurons in a fresh random
   * order (seeded); synchronous steps update all at once. Glauber dynamics never stops early.
   * @throws RangeError for maxSweeps ≤ 0, a Glauber run without temperature > 0, …
   */
  run(options: HopfieldRunOptions = {}): HopfieldRun {
    check.knownKeys("run", options, ["dynamics", "temperature", "maxSweeps", "seed", "recordEnergy"]);
    const recordEnergy = options.recordEnergy ?? true;
    if (typeof recordEnergy !== "boolean") throw new TypeError("recordEnergy must be a boolean");
    const dynamics = check.oneOf("dynamics", options.dynamics ?? "async", DYNAMICS);
    const maxSweeps = check.integer("maxSweeps", options.maxSweeps ?? 100, 1, MAX_SWEEPS);
    let temperature = 0;
    if (dynamics === "glauber") temperature = check.positive("temperature", options.temperature);
    else if (options.temperature !== undefined) throw new RangeError(`temperature applies to "glauber" dynamics only (got dynamics "${dynamics}")`);
    const e = this.#wasm.exports;
    this.#reseed(options.seed);
    const energies = recordEnergy ? this.#scratch(8 * (maxSweeps + 1)) : 0; // E(x(0)) … E(x(maxSweeps))
    const code = dynamics === "sync"
      ? e.hopfield_run_sync(this.#p, maxSweeps, energies)
      : e.hopfield_run_async(this.#p, maxSweeps, temperature, energies);
    const sweeps = code & 0xffffff;
    const energy = recordEnergy ? this.#wasm.f64Copy(energies, sweeps + 1) : new Float64Array(0);
    return { status: HOPFIELD_STATUS[(code >>> 24) as 1 | 2 | 3], sweeps, energy };
  }

  /**
   * Recall of a corrupted pattern: state ← pattern μ with each bit flipped with probability
   * `flipFraction` (seeded), then {@link Hopfield.run}.
   */
  recall(mu: number, options: HopfieldRunOptions & { flipFraction?: number } = {}): RecallResult {
    const { flipFraction = 0.1, seed, ...runOptions } = options;
    const fraction = check.probability("flipFraction", flipFraction);
    this.setPattern(mu);
    const flipped = this.corrupt(fraction, { seed });
    const corrupted = this.state();
    const initialOverlap = this.overlaps()[mu];
    const run = this.run(runOptions);
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
  corrupt(fraction: number, options: { seed?: number } = {}): number {
    const f = check.probability("fraction", fraction);
    this.#reseed(options.seed);
    return this.#wasm.exports.hopfield_flip_random(this.#p, f);
  }

  /** Reseeds the network's dynamics stream (update order, Glauber draws, corruption) when `seed` is given. */
  #reseed(seed: number | undefined): void {
    if (seed === undefined) return;
    const e = this.#wasm.exports;
    const [hi, lo] = check.seedWords(check.seed("seed", seed));
    e.rng_seed(e.hopfield_rng(this.#p), hi, lo);
  }

  /** Fraction of stored bits (μ, i) with sign(h_i(ξ^μ)) ≠ ξ_i^μ. Keeps the current state. */
  unstableFraction(): number {
    const e = this.#wasm.exports;
    const saved = this.state();
    const unstable = e.hopfield_count_unstable(this.#p);
    this.setState(saved);
    return unstable / (this.k * this.n);
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

/** Φ(−√(N/K)) = ½ erfc(√(N/(2K))): the signal-to-noise probability that a stored bit is unstable (spec §2). */
export function predictedUnstableFraction(n: number, k: number): number {
  return 0.5 * erfc(Math.sqrt(n / (2 * k)));
}

/** Complementary error function, |relative error| < 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Lanczos coefficients for g = 7, 9 terms (see {@link logGamma}), built once. */
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7] as const;

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ≲ 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
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
  if (k <= 1) return 0;
  return 0.5 * erfc(Math.sqrt((n - 1) / (2 * (k - 1))));
}

/**
 * The exact finite-N probability that a stored bit is unstable under Hebbian storage (w_ii = 0) with
 * sign(0) = +1. For pattern μ at neuron i, N·h_i ξ_i^μ = (N − 1) + X where the crosstalk X is a sum of
 * M = (K − 1)(N − 1) independent uniform ±1 terms (the products ξ_i^μ ξ_i^ν ξ_j^ν ξ_j^μ, ν ≠ μ, j ≠ i).
 * The bit is unstable when X < −(N − 1), and in half the ties X = −(N − 1) (ξ_i = −1 loses the tie).
 * Tends to Φ(−√(N/K)) for large N; at N = 1000 it is 1–6 % lower for K/N in 0.1…0.2.
 */
export function exactUnstableFraction(n: number, k: number): number {
  const M = (k - 1) * (n - 1);
  if (M === 0) return 0;
  // X = 2S − M with S ~ Binomial(M, ½): unstable ⇔ S < (M − N + 1)/2; tie ⇔ S = (M − N + 1)/2.
  const edge = (M - (n - 1)) / 2;
  const logGammaM1 = logGamma(M + 1);
  const logTerm = (j: number) => logGammaM1 - logGamma(j + 1) - logGamma(M - j + 1) - M * Math.LN2;
  let below = 0;
  for (let j = Math.ceil(edge) - 1; j >= 0; j--) {
    const term = Math.exp(logTerm(j));
    below += term;
    if (term < 1e-17 * below) break;
  }
  const tie = Number.isInteger(edge) ? 0.5 * Math.exp(logTerm(edge)) : 0;
  return below + tie;
}

/** Largest K with every pattern recalled perfectly: N/(2 ln N) (Hebbian), N/√(2 ln N) (Storkey), N (pseudo-inverse). */
export function predictedPerfectRecall(n: number, rule: StorageRule): number {
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

const CAPACITY_KEYS = ["n", "rule", "loads", "trials", "seed", "dynamics", "maxSweeps", "recallPatterns", "onProgress", "onLoad", "signal", "backend"] as const;

function meanAndStdError(xs: number[]): [number, number] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return [mean, 0];
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return [mean, Math.sqrt(variance / xs.length)];
}

/** Validates capacity options once and fills in defaults. @throws TypeError/RangeError naming the option. */
export function resolveCapacityConfig(options: CapacityOptions = {}): CapacityResult["config"] {
  check.knownKeys("hopfieldCapacity", options, CAPACITY_KEYS);
  checkRunCallbacks(options);
  check.optionalFunction("onLoad", options.onLoad);
  const n = check.integer("n", options.n ?? 1000, 2, 1 << 16);
  const rule = check.oneOf("rule", options.rule ?? "hebbian", STORAGE_RULES);
  const loads = options.loads ?? Array.from({ length: 20 }, (_, i) => (i + 1) / 100);
  if (!Array.isArray(loads) || loads.length === 0) throw new TypeError("loads must be a non-empty array of K/N values");
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
 * @throws RangeError when step ≤ 0, stop < start, a bound is not finite, or there are more than `maxCount` loads.
 * @example loadRange(0.01, 0.2, 0.01) // [0.01, 0.02, …, 0.2]
 */
export function loadRange(start: number, stop: number, step: number, maxCount = 10_000): number[] {
  if (![start, stop, step].every(Number.isFinite) || !(step > 0) || !(stop >= start)) {
    throw new RangeError(`a load range needs finite bounds, step > 0 and stop ≥ start, got ${start} … ${stop} step ${step}`);
  }
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  if (count > maxCount) throw new RangeError(`a load range of ${count} points is more than ${maxCount}: use a larger step`);
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
}

function* capacityLoop(options: CapacityOptions): Generator<void, CapacityResult> {
  const config = resolveCapacityConfig(options);
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
      const net = new Hopfield({ n, count: k, rule, seed, stream: k * 65536 + trial, backend: options.backend });
      try {
        const u = net.unstableFraction();
        unstable.push(u);
        if (u === 0) perfect++;
        const m = Math.min(recallPatterns, k);
        if (m > 0) {
          let sum = 0;
          for (let mu = 0; mu < m; mu++) {
            net.setPattern(mu);
            net.run({ dynamics, maxSweeps, recordEnergy: false });
            sum += net.overlaps()[mu];
          }
          overlap.push(sum / m);
        }
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
export function hopfieldCapacity(options: CapacityOptions = {}): CapacityResult {
  return driveSync(capacityLoop(options));
}

/** {@link hopfieldCapacity}, yielding to the event loop so progress bars and pages stay live. */
export function runHopfieldCapacity(options: CapacityOptions = {}): Promise<CapacityResult> {
  return driveAsync(capacityLoop(options));
}
