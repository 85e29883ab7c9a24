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
import { HOPFIELD_STATUS, HOPFIELD_STATUS_SHIFT, HOPFIELD_SWEEPS_MASK } from "../core/abi.js";
import * as check from "../core/validate.js";
import { checkRunCallbacks, driveAsync, driveSync } from "../core/drive.js";
import { WasmModel, progress, type RunProgress } from "../core/model.js";
import { packSigns, unpackSigns } from "../math/bits.js";
import { streamSeed } from "../rng.js";
import {
  ASYNC_KEYS,
  DYNAMICS,
  MAX_RUN_UPDATES,
  MAX_SWEEPS,
  RUN_KEYS,
  checkSpins,
  resolveDynamics,
  resolveHopfield,
  type HopfieldAsyncOptions,
  type HopfieldConfig,
  type HopfieldOptions,
  type HopfieldRunOptions,
  type RunPlan,
  type StorageRule,
} from "./config.js";
import {
  RNG_WORDS,
  networkFingerprint,
  readCheckpoint,
  writeCheckpoint,
  type HopfieldCheckpoint,
} from "./checkpoint.js";

/** How a {@link Hopfield.run} ended; "aborted" only from the async twins, when their `signal` fired. */
export type HopfieldRunStatus = "fixed-point" | "cycle" | "max-sweeps" | "aborted";

/** The result of {@link Hopfield.run}. */
export interface HopfieldRun {
  /** "fixed-point", "cycle" (synchronous 2-cycle), "max-sweeps", or "aborted" (runAsync's signal). */
  status: HopfieldRunStatus;
  /** Sweeps (async: N updates each) or synchronous steps taken (completed ones, when aborted). */
  sweeps: number;
  /** Energy before the run and after each sweep (length sweeps + 1); empty with recordEnergy: false. */
  energy: Float64Array;
}

/** The result of {@link Hopfield.recall}. */
export interface RecallResult {
  /** Index μ of the recalled pattern. */
  pattern: number;
  /** Bits flipped by the corruption. */
  flipped: number;
  /** Overlap m = ξ^μ·x/N of the corrupted start, in [−1, 1]. */
  initialOverlap: number;
  /** Overlap m of the final state, in [−1, 1]. */
  finalOverlap: number;
  /** Hamming distance between the final state and the pattern. */
  hamming: number;
  /** True when the final state is the pattern exactly. */
  success: boolean;
  /** How the run ended (see {@link HopfieldRun.status}). */
  status: HopfieldRunStatus;
  /** Sweeps (or synchronous steps) taken. */
  sweeps: number;
  /** Energy before the run and after each sweep (see {@link HopfieldRun.energy}). */
  energy: Float64Array;
  /** The corrupted start state (N entries ±1). */
  corrupted: Int8Array;
  /** The final state (N entries ±1). */
  final: Int8Array;
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

/**
 * A Hopfield network in wasm memory.
 *
 * Lifecycle: {@link resolveHopfieldConfig} validates the options, `new Hopfield(options)` stores the
 * patterns, {@link Hopfield.step} advances the configured dynamics, {@link Hopfield.run} /
 * {@link Hopfield.recall} run to a fixed point, {@link Hopfield.checkpoint} / {@link Hopfield.restore}
 * save and replay the state, {@link Hopfield.dispose} frees the memory.
 * @example
 * ```ts
 * import { Hopfield } from "thermolearn";
 * const net = new Hopfield({ n: 400, count: 20, rule: "storkey", seed: 1 });
 * try {
 *   const r = net.recall(3, { flipFraction: 0.2 });
 *   console.log(r.success, r.initialOverlap, r.finalOverlap, r.sweeps); // true, ≈ 0.56, 1, 2
 * } finally {
 *   net.dispose();
 * }
 * ```
 */
export class Hopfield extends WasmModel {
  /** The resolved options (every default filled in). */
  readonly config: HopfieldConfig;
  /** Neurons N. */
  readonly n: number;
  /** Stored patterns K. */
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
   * @internal
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
   * @internal
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
    const sweeps = code & HOPFIELD_SWEEPS_MASK;
    const energy = energies ? this.wasm.f64Copy(energies, sweeps + 1) : new Float64Array(0);
    return { status: HOPFIELD_STATUS[(code >>> HOPFIELD_STATUS_SHIFT) as 1 | 2 | 3], sweeps, energy };
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
   * @internal
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
    const rng = this.wasm.exports.hopfield_rng(this.#p) >> 2;
    return writeCheckpoint(this.config, this.#network(), this.state(), this.wasm.u32.subarray(rng, rng + RNG_WORDS));
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
    const { state, rng } = readCheckpoint(saved, { config: this.config, n: this.n, network: () => this.#network() });
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
      const blocks: [number, number][] = [
        [e.hopfield_pattern_bits(p) >> 2, (this.k * this.#rowBytes) >> 2],
        [e.hopfield_bias(p) >> 2, 2 * this.n],
      ];
      if (this.#rule === "given") blocks.push([e.hopfield_weights(p) >> 2, this.n * this.n]);
      this.#fingerprint = networkFingerprint(u32, blocks);
    }
    return this.#fingerprint;
  }
}
