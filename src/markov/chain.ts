/**
 * Continuous-time Markov chains integrated exactly in wasm (assembly/markov.ts): the propagator
 * P = exp(M dt) once per rate matrix, then p ← P p per step. The steady state, currents and entropy
 * production are in ./steady.ts, the ladder in ./ladder.ts.
 */
import { MARKOV_RECORD } from "../core/abi.js";
import type { Backend } from "../core/loader.js";
import { WasmModel, checkMemoryBudget } from "../core/model.js";
import * as check from "../core/validate.js";
import { MAX_COUNT } from "../core/validate.js";
import { MAX_WORK, SUM_TOLERANCE, checkProbabilities, checkRateMatrix, type RateMatrix } from "./rates.js";
import { solveSteadyState } from "./steady.js";

/**
 * Values recorded per wasm call at most (8 MiB of output buffer). The buffer is allocated on the
 * first recording call, sized to it, and re-allocated larger (up to this) only when a later call
 * records more; a call that fits in one buffer returns one slice of wasm memory (no zero-fill, one
 * copy).
 */
const MAX_CHUNK_VALUES = 2 ** 20;
/** Most values (count·n) one {@link MarkovChain.trajectory} returns: 2²⁷ f64, a 1 GiB Float64Array. */
export const MAX_TRAJECTORY_VALUES = 2 ** 27;

/**
 * The propagator's cost and feasibility for rates M (n states) over dt, checked before the wasm
 * computes it (assembly/markov.ts `markov_propagator`, whose q-loop and series this repeats):
 * q squarings with λ·dt/2^q ≤ ½, and K series terms until (λτ)^K/K! < 10⁻²⁰. Returns the
 * multiply-adds, n³·(q + K).
 * @throws RangeError naming `dt` when they exceed {@link MAX_WORK}, or when a positive rate r is so
 * far below λ = max_j |M_jj| (r·τ < 2⁻¹⁰³⁵, τ = dt/2^q, so r/λ ≲ 10⁻³¹¹) that its probability in one
 * uniformisation step is a subnormal double with less than 2⁻⁴⁰ relative precision (or 0), while
 * its transitions over dt matter (r·dt > 2⁻⁵⁰): e.g. two clusters mixing at 10³⁰⁰ linked at 10⁻³⁰,
 * whose link B = M/λ rounds to 0, so exp(M·dt) would never cross it.
 */
export function propagatorWork(M: Float64Array, n: number, dt: number): number {
  let lambda = 0;
  for (let j = 0; j < n; j++) lambda = Math.max(lambda, -M[j * n + j]);
  if (!(lambda > 0)) return 0;
  let tau = dt,
    q = 0;
  while (lambda * tau > 0.5) {
    tau *= 0.5;
    q++;
  }
  const x = lambda * tau;
  let terms = 0;
  for (let k = 1, weight = 1; k <= 60; k++) {
    weight *= x / k;
    if (weight < 1e-20) break;
    terms++;
  }
  const work = n ** 3 * (q + terms);
  if (work > MAX_WORK) {
    throw new RangeError(
      `dt: exp(M·dt) for ${n} states with λ·dt = ${lambda * dt} needs ${q + terms} products of ${n} ` +
        `× ${n} matrices (${q} squarings), ${work.toExponential(2)} multiply-adds, more than the ` +
        `limit 2⁴⁰ ≈ 1.1e12: use a smaller dt or fewer states`,
    );
  }
  for (let e = 0; e < n * n; e++) {
    const r = M[e];
    if (e % (n + 1) !== 0 && r > 0 && r * tau < 2 ** -1035 && r * dt > 2 ** -50) {
      throw new RangeError(
        `dt: the rate ${r} (${e % n} → ${Math.floor(e / n)}) is so far below the fastest (λ = ` +
          `${lambda}) that its probability in one uniformisation step is subnormal, so exp(M·dt) ` +
          `cannot carry its transitions over dt = ${dt}; use a smaller dt`,
      );
    }
  }
  return work;
}

/** Options of {@link MarkovChain}. */
export interface MarkovChainOptions {
  /** The rate matrix M (see {@link RateMatrix}). */
  rates: RateMatrix;
  /** Time step of the grid, > 0. */
  dt: number;
  /** Initial distribution: "steady" (the steady state of `rates`, default) or a probability vector. */
  initial?: "steady" | Float64Array | number[];
  /** Force the "simd" or "scalar" build (they give identical bits). */
  backend?: Backend;
}

/** The options {@link MarkovChain} takes. */
const CHAIN_KEYS = ["rates", "dt", "initial", "backend"] as const;

/** The resolved options of a {@link MarkovChain}: every default filled in, every check made. */
export interface MarkovChainConfig {
  /** States. */
  n: number;
  /** The rate matrix, n × n row-major (a copy). */
  rates: Float64Array;
  /** {@inheritDoc MarkovChainOptions.dt} */
  dt: number;
  /** The initial distribution p(0) (the steady state of `rates` for "steady"). */
  initial: Float64Array;
  /** The requested build, or undefined for the loaded one. */
  backend: Backend | undefined;
}

/** Bytes of the chain's header (struct and block alignment) in {@link chainBytes}. */
const CHAIN_HEADER_BYTES = 1024;

/** Bytes of wasm memory a chain of n states takes: six n × n matrices, four vectors, the header. */
function chainBytes(n: number): number {
  return 8 * (6 * n * n + 3 * n + n) + CHAIN_HEADER_BYTES;
}

/**
 * Validates {@link MarkovChainOptions} once (unknown keys refused) and fills in the defaults: the
 * rate matrix (see {@link checkRateMatrix}), dt > 0, the initial distribution, the wasm memory the
 * chain needs and the propagator's cost (see `propagatorWork`).
 * @throws TypeError/RangeError naming a bad option (rates, dt, initial, backend).
 * @example
 * ```ts
 * import { resolveMarkovChainConfig } from "thermolearn";
 * const c = resolveMarkovChainConfig({ rates: [[-1, 2], [1, -2]], dt: 0.01 });
 * console.log(c.n, c.initial); // 2, the steady state [2/3, 1/3]
 * ```
 */
export function resolveMarkovChainConfig(options: MarkovChainOptions): MarkovChainConfig {
  return resolveChain("MarkovChain", options);
}

/** The steady state as the initial distribution: `initial` may only be the string "steady". */
function steadyInitial(initial: string, matrix: Float64Array, n: number): Float64Array {
  check.oneOf("initial", initial, ["steady"] as const);
  return solveSteadyState(matrix, n);
}

function resolveChain(what: string, options: MarkovChainOptions): MarkovChainConfig {
  const o = check.options(what, options, CHAIN_KEYS);
  const backend = check.backend(o.backend);
  const { n, matrix } = checkRateMatrix("rates", o.rates);
  const dt = check.positive("dt", o.dt);
  const initial = o.initial ?? "steady";
  const p0 =
    typeof initial === "string" ? steadyInitial(initial, matrix, n) : checkProbabilities("initial", initial, n);
  checkMemoryBudget(chainBytes(n), "rates", `a chain of ${n} states`);
  propagatorWork(matrix, n, dt); // throws before any wasm memory is taken
  return { n, rates: matrix, dt, initial: p0, backend };
}

/** The `format` and `version` of a {@link MarkovChainCheckpoint}; restore reads this version only. */
const CHECKPOINT_FORMAT = "thermolearn/markov";
const CHECKPOINT_VERSION = 1;

/**
 * A saved {@link MarkovChain} (JSON-serialisable: plain numbers and arrays). The propagator is not
 * stored: restore recomputes it from `rates`, which gives the same bits (plain scalar loops, both builds).
 */
export interface MarkovChainCheckpoint {
  /** Always "thermolearn/markov". */
  format: typeof CHECKPOINT_FORMAT;
  /** The layout's version, 1. */
  version: typeof CHECKPOINT_VERSION;
  /** States, and the grid step: restore refuses a chain with another n or dt. */
  n: number;
  /** The grid's time step. */
  dt: number;
  /** Steps taken when it was saved. */
  steps: number;
  /** The rate matrix in force, n × n row-major. */
  rates: number[];
  /** p(t), n entries. */
  p: number[];
  /** {@link LadderChain} only: the signal s in force (null when unknown, after `setRates`). */
  signal?: number | null;
}

/**
 * A continuous-time Markov chain integrated exactly on the grid t_k = k·dt: P = exp(M dt) is computed
 * once per rate matrix in wasm (uniformisation with scaling and squaring, so P ≥ 0 and its columns
 * sum to 1 for any dt, λ·dt = ∞ included; its cost is checked first, see `propagatorWork`), then
 * each step is p ← P p inside wasm: a column-major SIMD mat-vec whose vector is
 * divided by its sum every 16th step and at the end of each call, so every recorded p has
 * |Σp − 1| ≲ 16·n·ε over any number of steps; P ≥ 0 and p ≥ 0 keep every entry ≥ 0 exactly
 * (assembly/markov.ts `markov_step`).
 * `setRates` switches to new rates (piecewise-constant driving). `checkpoint()`/`restore()` save and
 * replay the state bit for bit. The chain's state is allocated in
 * the constructor; the output buffer of `observe`/`trajectory` on the first such call (at most 8 MiB,
 * longer runs are recorded in chunks).
 * @example
 * ```ts
 * import { MarkovChain, ladderRates } from "thermolearn";
 * const chain = new MarkovChain({ rates: ladderRates({ gamma: 0.1 }), dt: 1e-3 }); // steady state at s = 0
 * try {
 *   chain.setRates(ladderRates({ gamma: 0.1, s: 200 })); // a step in the signal
 *   const top = chain.observe(1000, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]); // top-rail occupancy after each step
 *   console.log(top.length, top[0], top.at(-1)); // 1000 values, ≈ 0.483 … ≈ 0.333 at t = 1
 * } finally {
 *   chain.dispose();
 * }
 * ```
 */
export class MarkovChain extends WasmModel {
  /** States n. */
  readonly n: number;
  /** Time step of the grid, > 0. */
  readonly dt: number;
  readonly #state: number;
  readonly #weights: number;
  #out = 0;
  #outValues = 0;

  /** @throws TypeError/RangeError naming a bad option (rates, dt, initial, backend). */
  constructor(options: MarkovChainOptions) {
    const config = resolveChain("MarkovChain", options);
    super("MarkovChain", config.backend);
    this.n = config.n;
    this.dt = config.dt;
    try {
      this.#state = this.wasm.exports.markov_create(this.n);
      if (this.#state === 0) throw new RangeError("rates: wasm memory could not grow");
      this.#weights = this.wasm.alloc(8 * this.n, "weights");
      this.#loadRates(config.rates);
      this.wasm.f64.set(config.initial, this.wasm.exports.markov_prob(this.#state) >> 3);
    } catch (error) {
      this.wasm.dispose();
      throw error;
    }
  }

  /** Writes M and computes P = exp(M dt) in wasm; the caller has run {@link propagatorWork}. */
  #loadRates(matrix: Float64Array): void {
    const e = this.wasm.exports;
    this.wasm.f64.set(matrix, e.markov_rates(this.#state) >> 3);
    e.markov_propagator(this.#state, this.dt);
  }

  /** The multiply-adds of one propagator for `matrix` at this dt (throws as {@link propagatorWork}). */
  protected propagatorWork(matrix: Float64Array): number {
    return propagatorWork(matrix, this.n, this.dt);
  }

  /** Checks `count` steps: an integer in [0, 2³¹ − 1] (MAX_COUNT) costing ≤ 2⁴⁰ multiply-adds (n² a step). */
  #checkCount(count: unknown, max = MAX_COUNT): number {
    const most = Math.min(max, Math.floor(MAX_WORK / this.n ** 2));
    return check.integer("count", count, 0, most);
  }

  /** Steps taken. */
  get steps(): number {
    return this.wasm.exports.markov_steps(this.#state);
  }
  /** Time t = steps·dt. */
  get time(): number {
    return this.steps * this.dt;
  }

  /**
   * Switches to new rates from now on (same n) and recomputes the propagator: piecewise-constant
   * driving, e.g. a step in the signal s.
   * @throws TypeError/RangeError naming `rates`.
   */
  setRates(rates: RateMatrix): void {
    const { n, matrix } = checkRateMatrix("rates", rates);
    if (n !== this.n) throw new RangeError(`rates must have ${this.n} states, got ${n}`);
    propagatorWork(matrix, n, this.dt);
    this.#loadRates(matrix);
  }

  /** A copy of the rate matrix in force (row-major, M[i·n + j] = rate j → i). */
  rates(): Float64Array {
    return this.wasm.f64Copy(this.wasm.exports.markov_rates(this.#state), this.n * this.n);
  }

  /** A copy of the propagator P = exp(M dt) (row-major, P[i·n + j] = Prob(j → i in dt)). */
  propagator(): Float64Array {
    return this.wasm.f64Copy(this.wasm.exports.markov_propagator_matrix(this.#state), this.n * this.n);
  }

  /** A copy of p(t). */
  probabilities(): Float64Array {
    return this.wasm.f64Copy(this.wasm.exports.markov_prob(this.#state), this.n);
  }

  /** Replaces p(t) (non-negative, Σ = 1 within 1e-9, then renormalised). @throws RangeError naming `p`. */
  setProbabilities(p: Float64Array | number[]): void {
    const q = checkProbabilities("p", p, this.n);
    this.wasm.f64.set(q, this.wasm.exports.markov_prob(this.#state) >> 3);
  }

  /**
   * Advances `count` steps (the loop runs in wasm) and returns the steps taken: `count` (a chain
   * cannot diverge: P ≥ 0 keeps p a probability vector).
   * @throws RangeError for a bad count: an integer in [0, 2³¹ − 1] and ≤ 2⁴⁰/n² (n² multiply-adds a step).
   */
  step(count = 1): number {
    this.#checkCount(count);
    this.wasm.exports.markov_step(this.#state, count, MARKOV_RECORD.none, 0, 0);
    return count;
  }

  /**
   * Advances `count` steps and returns w·p after each (length count), e.g. w = top-rail indicator for
   * the ladder's top occupancy. With `out` (a Float64Array of length ≥ count), writes there and
   * returns it instead of allocating.
   * @throws RangeError for a bad count (as {@link step}), weights or out.
   */
  observe(count: number, weights: Float64Array | number[], out?: Float64Array): Float64Array {
    this.#checkCount(count);
    this.wasm.f64.set(check.vector("weights", weights, this.n), this.#weights >> 3);
    return this.#record(count, MARKOV_RECORD.observable, 1, out);
  }

  /**
   * Advances `count` steps and returns p after each, row k = step k + 1 (count × n, row-major). With
   * `out` (a Float64Array of length ≥ count·n), writes there and returns it instead of allocating: a
   * reused `out` spares the allocation, which for a large result costs as much as the steps (fresh
   * pages from the OS).
   * @throws RangeError for a bad count (as {@link step}, and ≤ 2²⁷/n) or out.
   */
  trajectory(count: number, out?: Float64Array): Float64Array {
    this.#checkCount(count, Math.floor(MAX_TRAJECTORY_VALUES / this.n));
    return this.#record(count, MARKOV_RECORD.states, this.n, out);
  }

  #record(count: number, mode: number, width: number, out?: Float64Array): Float64Array {
    if (out !== undefined && !(out instanceof Float64Array && out.length >= count * width)) {
      throw new RangeError(`out must be a Float64Array of length ≥ ${count * width}`);
    }
    const e = this.wasm.exports;
    const chunk = Math.max(1, Math.floor(MAX_CHUNK_VALUES / width));
    const values = Math.min(count, chunk) * width;
    if (values > this.#outValues) {
      // Grow geometrically (the bump allocator cannot free the old buffer), capped at one chunk.
      this.#outValues = Math.min(chunk * width, Math.max(values, 2 * this.#outValues));
      this.#out = this.wasm.alloc(8 * this.#outValues, "output buffer");
    }
    if (count <= chunk && out === undefined) {
      e.markov_step(this.#state, count, mode, this.#weights, this.#out);
      return this.wasm.f64Copy(this.#out, count * width);
    }
    const result = out ?? new Float64Array(count * width);
    for (let done = 0; done < count; done += chunk) {
      const k = Math.min(chunk, count - done);
      e.markov_step(this.#state, k, mode, this.#weights, this.#out);
      result.set(this.wasm.f64View(this.#out, k * width), done * width);
    }
    return result;
  }

  /**
   * The chain's whole state, for {@link MarkovChain.restore}: n, dt, steps, the rates in force and
   * p(t), as plain numbers (JSON-serialisable; JSON keeps every double, −0 becomes 0).
   */
  checkpoint(): MarkovChainCheckpoint {
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      n: this.n,
      dt: this.dt,
      steps: this.steps,
      rates: Array.from(this.rates()),
      p: Array.from(this.probabilities()),
    };
  }

  /**
   * Restores a {@link MarkovChain.checkpoint} into a chain of the same n and dt: the rates (and so
   * the propagator, recomputed to the same bits), p(t) exactly as saved, and the step counter, so
   * the steps that follow replay the saved chain's bit for bit. Validated as strictly as options,
   * before anything is written.
   * @throws TypeError/RangeError naming the bad field (`checkpoint.rates`, `checkpoint.p[3]`, …).
   */
  restore(state: MarkovChainCheckpoint): void {
    const { steps, rates, p } = checkCheckpoint(state, this.n, this.dt);
    propagatorWork(rates, this.n, this.dt);
    const e = this.wasm.exports;
    this.#loadRates(rates);
    this.wasm.f64.set(p, e.markov_prob(this.#state) >> 3);
    e.markov_set_steps(this.#state, steps);
  }
}

/** Checks every field of a checkpoint against the chain it is restored into (n states, step dt). */
function checkCheckpoint(
  saved: unknown,
  n: number,
  dt: number,
): { steps: number; rates: Float64Array; p: Float64Array } {
  const name = "checkpoint";
  if (typeof saved !== "object" || saved === null) throw new TypeError(`${name} must be an object from checkpoint()`);
  const s = saved as Partial<MarkovChainCheckpoint>;
  check.oneOf(`${name}.format`, s.format, [CHECKPOINT_FORMAT]);
  check.finite(`${name}.version`, s.version);
  if (s.version !== CHECKPOINT_VERSION) {
    throw new RangeError(
      `${name}.version must be ${CHECKPOINT_VERSION} (the version this thermolearn writes), got ${s.version}`,
    );
  }
  if (check.integer(`${name}.n`, s.n, 2) !== n) throw new RangeError(`${name}.n is ${s.n}, this chain has ${n} states`);
  if (check.positive(`${name}.dt`, s.dt) !== dt)
    throw new RangeError(`${name}.dt is ${s.dt}, this chain steps by dt = ${dt}`);
  const steps = check.integer(`${name}.steps`, s.steps, 0);
  const savedRates: unknown = s.rates;
  if (!Array.isArray(savedRates) && !(savedRates instanceof Float64Array))
    throw new TypeError(`${name}.rates must be an array of n² numbers`);
  const { n: m, matrix } = checkRateMatrix(`${name}.rates`, s.rates);
  if (m !== n) throw new RangeError(`${name}.rates has ${m} states, this chain ${n}`);
  // p exactly as saved (no renormalisation, which could move its last bits): ≥ 0, Σ = 1 within 1e-9.
  const p = check.vector(`${name}.p`, s.p, n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!(p[i] >= 0)) throw new RangeError(`${name}.p[${i}] must be ≥ 0, got ${p[i]}`);
    sum += p[i];
  }
  if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) throw new RangeError(`${name}.p must sum to 1, got ${sum}`);
  return { steps, rates: matrix, p };
}
