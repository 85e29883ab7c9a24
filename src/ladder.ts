/**
 * The ladder Markov chain of shared/spec/MODELS.md §3 (Appendix F; Lan et al., "The energy–speed–
 * accuracy trade-off in sensory adaptation", Nat. Phys. 8, 422 (2012)) and continuous-time Markov
 * chains in general: rate matrices, steady states, probability currents, Schnakenberg entropy
 * production (Eq. 13/59), exact time integration in wasm, and the step-response memory kernel that
 * feeds the contrastive-learning module (src/contrastive.ts).
 *
 * Conventions: a chain of n states obeys the master equation dp/dt = M p with M[i, j] = rate j → i
 * (i ≠ j) and M[j, j] = −Σ_{i≠j} M[i, j] (columns sum to zero). Matrices are n × n, row-major
 * (M[i·n + j]) in a Float64Array, or an array of n rows. Rates and time share one (arbitrary) unit;
 * entropy is in nats per time unit (k_B = 1).
 *
 * The ladder: 2 × M states, nodes 0 … M−1 on the top rail (position m), node m + M below node m.
 * Horizontal rates: top rail m → m−1 at 1 and m → m+1 at e·γ; bottom rail m → m+1 at 1 and
 * m → m−1 at e·γ (e = Euler's number, as in the authors' code `np.exp(1) * gamma`). γ = 1 is
 * detailed balance; γ < 1 drives a cycle. Rung energy ΔE(m, s) = 2(1 − m) + ln[(1 + s/K_I)/(1 + s/K_A)];
 * vertical rates with factor F: ΔE < 0: bottom → top F e^{−ΔE}, top → bottom F; otherwise bottom → top
 * F, top → bottom F e^{ΔE}.
 */
import { WasmInstance, formatBytes } from "./core/instance.js";
import { LADDER_RECORD, MAX_MEMORY_BYTES } from "./core/abi.js";
import type { Backend } from "./core/loader.js";
import * as check from "./core/validate.js";
import { kernelMoments, type SampledKernel } from "./contrastive.js";

/** A rate matrix: n × n row-major (M[i·n + j] = rate j → i) in a Float64Array or a flat array, or n rows of n numbers. */
export type RateMatrix = Float64Array | readonly number[] | readonly (readonly number[])[];

/**
 * Columns of a rate matrix must sum to zero within this relative tolerance: |Σ_i M[i, j]| ≤
 * 1e-10 · max(1, Σ_{i≠j} M[i, j]). A diagonal computed as −Σ of ≤ 10⁴ off-diagonal terms is off by
 * at most ~10⁴ · 2⁻⁵³ ≈ 1e-12 relative, so 1e-10 accepts every correctly built matrix and rejects
 * any real mistake (a missing or extra rate changes the sum by that rate).
 */
const COLUMN_SUM_RTOL = 1e-10;

/**
 * Validates a rate matrix and returns it as a row-major copy. Off-diagonal entries must be finite and
 * ≥ 0, diagonals finite, and columns sum to zero within COLUMN_SUM_RTOL (1e-10 relative).
 * @throws TypeError for a wrong shape or type, RangeError for a bad entry, naming `name`.
 */
export function checkRateMatrix(name: string, value: unknown): { n: number; matrix: Float64Array } {
  let n: number, m: Float64Array;
  if (value instanceof Float64Array) {
    n = Math.round(Math.sqrt(value.length));
    if (n * n !== value.length) throw new TypeError(`${name} must have n² entries (row-major), got ${value.length}`);
    m = Float64Array.from(value);
  } else if (Array.isArray(value) && value.length > 0 && typeof value[0] === "number") {
    n = Math.round(Math.sqrt(value.length)); // a flat row-major array, as a Float64Array
    if (n * n !== value.length) throw new TypeError(`${name} must have n² entries (row-major), got ${value.length}`);
    m = Float64Array.from(value as number[], (x) => (typeof x === "number" ? x : NaN));
  } else if (Array.isArray(value)) {
    n = value.length;
    m = new Float64Array(n * n);
    value.forEach((row: unknown, i) => {
      if (!Array.isArray(row) || row.length !== n) throw new TypeError(`${name}[${i}] must be an array of ${n} numbers`);
      for (let j = 0; j < n; j++) m[i * n + j] = typeof row[j] === "number" ? row[j] : NaN;
    });
  } else {
    throw new TypeError(`${name} must be a Float64Array (n × n, row-major) or an array of rows`);
  }
  if (n < 2) throw new RangeError(`${name} must have at least 2 states, got ${n}`);
  for (let j = 0; j < n; j++) {
    let sum = 0, out = 0;
    for (let i = 0; i < n; i++) {
      const x = m[i * n + j];
      if (!Number.isFinite(x)) throw new RangeError(`${name}[${i}][${j}] must be finite, got ${x}`);
      if (i !== j && !(x >= 0)) throw new RangeError(`${name}[${i}][${j}] (rate ${j} → ${i}) must be ≥ 0, got ${x}`);
      sum += x;
      if (i !== j) out += x;
    }
    if (!(Math.abs(sum) <= COLUMN_SUM_RTOL * Math.max(1, out))) {
      throw new RangeError(`${name}: column ${j} must sum to zero (M[j][j] = −Σ_{i≠j} M[i][j]), got ${sum}`);
    }
  }
  return { n, matrix: m };
}

// ---------------------------------------------------------------------------------------------
// The ladder's rates
// ---------------------------------------------------------------------------------------------

/** Parameters of the ladder (spec §3, Appendix F). */
export interface LadderParams {
  /** Positions per rail, M ≥ 2 (2M states). Default 5. */
  rungs?: number;
  /** Non-equilibrium factor γ ≥ 0 on the "uphill" horizontal rates e·γ. 1 = detailed balance. Default 1. */
  gamma?: number;
  /** Vertical rate factor F > 0. Default 25. */
  F?: number;
  /** Signal s ≥ 0 (ligand, µM). Default 0. */
  s?: number;
  /** Inhibitor dissociation constant K_I > 0 (µM). Default 18.2. */
  KI?: number;
  /** Activator dissociation constant K_A > 0 (µM). Default 3000. */
  KA?: number;
}

interface LadderConfig { rungs: number; gamma: number; F: number; s: number; KI: number; KA: number }

const PARAM_KEYS = ["rungs", "gamma", "F", "s", "KI", "KA"] as const;

/** Validates the ladder's parameters; `keys` are the options `what` accepts (unknown keys throw). */
function resolveLadder(what: string, o: LadderParams, keys: readonly string[] = PARAM_KEYS): LadderConfig {
  check.knownKeys(what, o, keys);
  return {
    rungs: check.integer("rungs", o.rungs ?? 5, 2, 1024),
    gamma: check.nonNegative("gamma", o.gamma ?? 1),
    F: check.positive("F", o.F ?? 25),
    s: check.nonNegative("s", o.s ?? 0),
    KI: check.positive("KI", o.KI ?? 18.2),
    KA: check.positive("KA", o.KA ?? 3000),
  };
}

/** Rung energy ΔE(m, s) = 2(1 − m) + ln[(1 + s/K_I)/(1 + s/K_A)] (spec §3, Appendix F). */
export function ladderEnergy(m: number, s: number, KI = 18.2, KA = 3000): number {
  return 2 * (1 - m) + Math.log((1 + s / KI) / (1 + s / KA));
}

function buildLadder(c: LadderConfig): Float64Array {
  const M = c.rungs, n = 2 * M;
  const R = new Float64Array(n * n);
  const set = (from: number, to: number, rate: number) => { R[to * n + from] = rate; };
  const uphill = Math.E * c.gamma;
  for (let m = 0; m < M; m++) {
    if (m > 0) { set(m, m - 1, 1); set(M + m, M + m - 1, uphill); } // leftward: top 1, bottom e·γ
    if (m < M - 1) { set(m, m + 1, uphill); set(M + m, M + m + 1, 1); } // rightward: top e·γ, bottom 1
    const dE = ladderEnergy(m, c.s, c.KI, c.KA);
    const up = dE < 0 ? c.F * Math.exp(-dE) : c.F; // bottom → top
    const down = dE < 0 ? c.F : c.F * Math.exp(dE); // top → bottom
    set(M + m, m, up);
    set(m, M + m, down);
  }
  for (let j = 0; j < n; j++) {
    let out = 0;
    for (let i = 0; i < n; i++) if (i !== j) out += R[i * n + j];
    R[j * n + j] = -out;
  }
  return R;
}

/**
 * The ladder's rate matrix M (2M × 2M, row-major, M[i·n + j] = rate j → i) at signal s.
 * @throws TypeError/RangeError naming a bad parameter.
 * @example
 * const M = ladderRates({ gamma: 0.1, s: 200 }); // 10 × 10
 */
export function ladderRates(params: LadderParams = {}): Float64Array {
  return buildLadder(resolveLadder("ladderRates", params));
}

// ---------------------------------------------------------------------------------------------
// Steady state, currents, entropy production
// ---------------------------------------------------------------------------------------------

/**
 * The steady state p of dp/dt = M p: an exact linear solve of M p = 0 with its last row replaced by
 * the normalisation Σp = 1, by Gaussian elimination with partial pivoting (f64). Entries below 0
 * (round-off, at most ~1e-16) are set to 0 and p renormalised.
 * @throws RangeError (naming `rates`) for a bad matrix, or when the chain has no unique steady state.
 */
export function steadyState(rates: RateMatrix): Float64Array {
  const { n, matrix } = checkRateMatrix("rates", rates);
  return solveSteadyState(matrix, n);
}

function solveSteadyState(M: Float64Array, n: number): Float64Array {
  const A = Float64Array.from(M);
  const b = new Float64Array(n);
  A.fill(1, (n - 1) * n, n * n);
  b[n - 1] = 1;
  let scale = 0;
  for (const x of A) scale = Math.max(scale, Math.abs(x));
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(A[r * n + col]) > Math.abs(A[piv * n + col])) piv = r;
    // A pivot at round-off level (≤ n·2⁻⁵² of the largest entry) means a singular system.
    if (!(Math.abs(A[piv * n + col]) > n * Number.EPSILON * scale)) {
      throw new RangeError("rates: the chain has no unique steady state (the solve is singular: is the chain reducible?)");
    }
    if (piv !== col) {
      for (let k = 0; k < n; k++) { const t = A[col * n + k]; A[col * n + k] = A[piv * n + k]; A[piv * n + k] = t; }
      const t = b[col]; b[col] = b[piv]; b[piv] = t;
    }
    const d = A[col * n + col];
    for (let r = col + 1; r < n; r++) {
      const f = A[r * n + col] / d;
      if (f === 0) continue;
      for (let k = col; k < n; k++) A[r * n + k] -= f * A[col * n + k];
      b[r] -= f * b[col];
    }
  }
  const p = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let x = b[r];
    for (let k = r + 1; k < n; k++) x -= A[r * n + k] * p[k];
    p[r] = x / A[r * n + r];
  }
  return normalise(p);
}

function normalise(p: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < p.length; i++) { p[i] = Math.max(0, p[i]); sum += p[i]; }
  for (let i = 0; i < p.length; i++) p[i] /= sum;
  return p;
}

function checkProbabilities(name: string, value: unknown, n: number): Float64Array {
  const p = check.vector(name, value, n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!(p[i] >= 0)) throw new RangeError(`${name}[${i}] must be ≥ 0, got ${p[i]}`);
    sum += p[i];
  }
  // Σp = 1 to 1e-9: caller-built vectors carry round-off far below that; a real mistake is far above.
  if (!(Math.abs(sum - 1) <= 1e-9)) throw new RangeError(`${name} must sum to 1, got ${sum}`);
  return normalise(p);
}

/**
 * Probability currents J[i·n + j] = M_ij p_j − M_ji p_i (net flow j → i, antisymmetric), for a given
 * p or, by default, the steady state.
 */
export function probabilityCurrents(rates: RateMatrix, p?: ArrayLike<number>): Float64Array {
  const { n, matrix: M } = checkRateMatrix("rates", rates);
  const q = p === undefined ? solveSteadyState(M, n) : checkProbabilities("p", p, n);
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) J[i * n + j] = M[i * n + j] * q[j] - M[j * n + i] * q[i];
  return J;
}

/**
 * Schnakenberg entropy production (spec §3, Eq. 13/59), nats per time unit:
 *
 *   σ = Σ_{i<j} (M_ij p_j − M_ji p_i) ln[(M_ij p_j)/(M_ji p_i)]
 *
 * over connected pairs (M_ij > 0 or M_ji > 0), for a given p or, by default, the steady state.
 * Each term is ≥ 0; a pair with flux one way only (e.g. γ = 0) makes σ = +∞.
 * @example
 * entropyProduction(ladderRates({ gamma: 1 }));   // 0 (detailed balance)
 * entropyProduction(ladderRates({ gamma: 0.1 })); // > 0
 */
export function entropyProduction(rates: RateMatrix, p?: ArrayLike<number>): number {
  const { n, matrix: M } = checkRateMatrix("rates", rates);
  const q = p === undefined ? solveSteadyState(M, n) : checkProbabilities("p", p, n);
  let sigma = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const forward = M[i * n + j] * q[j], backward = M[j * n + i] * q[i];
      if (forward === backward) continue; // includes unconnected pairs (0, 0)
      sigma += forward === 0 || backward === 0 ? Infinity : (forward - backward) * Math.log(forward / backward);
    }
  }
  return sigma;
}

/** Steady-state entropy production of the ladder at signal s (default 0): σ(γ), 0 at γ = 1. */
export function ladderDissipation(params: LadderParams = {}): number {
  return entropyProduction(ladderRates(params));
}

// ---------------------------------------------------------------------------------------------
// Time integration in wasm
// ---------------------------------------------------------------------------------------------

/**
 * Values recorded per wasm call at most (8 MiB of output buffer). The buffer is allocated on the
 * first recording call, sized to it, and re-allocated larger (up to this) only when a later call
 * records more; a call that fits in one buffer returns one slice of wasm memory (no zero-fill, one
 * copy).
 */
const MAX_CHUNK_VALUES = 2 ** 20;

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

/**
 * A continuous-time Markov chain integrated exactly on the grid t_k = k·dt: P = exp(M dt) is computed
 * once per rate matrix in wasm (uniformisation with scaling and squaring, so P ≥ 0 and its columns
 * sum to 1), then each step is p ← P p inside wasm: a column-major SIMD mat-vec whose vector is
 * divided by its sum every 16th step and at the end of each call, so every recorded p has
 * |Σp − 1| ≲ 16·n·ε over any number of steps; P ≥ 0 and p ≥ 0 keep every entry ≥ 0 exactly
 * (assembly/ladder.ts `ladder_step`).
 * `setRates` switches to new rates (piecewise-constant driving). The chain's state is allocated in
 * the constructor; the output buffer of `observe`/`trajectory` on the first such call (at most 8 MiB,
 * longer runs are recorded in chunks).
 * @example
 * using chain = new MarkovChain({ rates: ladderRates({ gamma: 0.1 }), dt: 1e-3 });
 * chain.setRates(ladderRates({ gamma: 0.1, s: 200 }));
 * const top = chain.observe(1000, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
 */
export class MarkovChain {
  readonly n: number;
  readonly dt: number;
  readonly backend: Backend;
  readonly #wasm: WasmInstance;
  readonly #state: number;
  readonly #weights: number;
  #out = 0;
  #outValues = 0;

  /** @throws TypeError/RangeError naming a bad option (rates, dt, initial). */
  constructor(options: MarkovChainOptions) {
    check.knownKeys("MarkovChain", options, ["rates", "dt", "initial", "backend"]);
    const { n, matrix } = checkRateMatrix("rates", options.rates);
    this.dt = check.positive("dt", options.dt);
    const initial = options.initial ?? "steady";
    const p0 = typeof initial === "string"
      ? (check.oneOf("initial", initial, ["steady"] as const), solveSteadyState(matrix, n))
      : checkProbabilities("initial", initial, n);
    this.n = n;
    this.#wasm = new WasmInstance("MarkovChain", options.backend);
    this.backend = this.#wasm.backend;
    const bytes = 8 * (6 * n * n + 3 * n + n) + 1024;
    if (bytes > MAX_MEMORY_BYTES) throw new RangeError(`rates: ${n} states need ${formatBytes(bytes)} of wasm memory, more than the ${formatBytes(MAX_MEMORY_BYTES)} limit`);
    this.#state = this.#wasm.exports.ladder_create(n);
    if (this.#state === 0) throw new RangeError("rates: wasm memory could not grow");
    this.#weights = this.#wasm.alloc(8 * n, "weights");
    this.#loadRates(matrix);
    this.#wasm.f64.set(p0, this.#wasm.exports.ladder_prob(this.#state) >> 3);
  }

  #loadRates(matrix: Float64Array): void {
    const e = this.#wasm.exports;
    this.#wasm.f64.set(matrix, e.ladder_rates(this.#state) >> 3);
    e.ladder_propagator(this.#state, this.dt);
  }

  /** Steps taken. */
  get steps(): number { return this.#wasm.exports.ladder_steps(this.#state); }
  /** Time t = steps·dt. */
  get time(): number { return this.steps * this.dt; }

  /**
   * Switches to new rates from now on (same n) and recomputes the propagator: piecewise-constant
   * driving, e.g. a step in the signal s.
   * @throws TypeError/RangeError naming `rates`.
   */
  setRates(rates: RateMatrix): void {
    const { n, matrix } = checkRateMatrix("rates", rates);
    if (n !== this.n) throw new RangeError(`rates must have ${this.n} states, got ${n}`);
    this.#loadRates(matrix);
  }

  /** A copy of the propagator P = exp(M dt) (row-major, P[i·n + j] = Prob(j → i in dt)). */
  propagator(): Float64Array {
    return this.#wasm.f64Copy(this.#wasm.exports.ladder_propagator_matrix(this.#state), this.n * this.n);
  }

  /** A copy of p(t). */
  probabilities(): Float64Array {
    return this.#wasm.f64Copy(this.#wasm.exports.ladder_prob(this.#state), this.n);
  }

  /** Replaces p(t) (non-negative, Σ = 1 within 1e-9, then renormalised). @throws RangeError naming `p`. */
  setProbabilities(p: Float64Array | number[]): void {
    const q = checkProbabilities("p", p, this.n);
    this.#wasm.f64.set(q, this.#wasm.exports.ladder_prob(this.#state) >> 3);
  }

  /** Advances `count` steps (the loop runs in wasm). @throws RangeError for a bad count. */
  step(count = 1): void {
    check.integer("count", count, 0, 2 ** 31 - 1);
    this.#wasm.exports.ladder_step(this.#state, count, LADDER_RECORD.none, 0, 0);
  }

  /**
   * Advances `count` steps and returns w·p after each (length count), e.g. w = top-rail indicator for
   * the ladder's top occupancy. With `out` (a Float64Array of length ≥ count), writes there and
   * returns it instead of allocating.
   * @throws RangeError for a bad count, weights or out.
   */
  observe(count: number, weights: Float64Array | number[], out?: Float64Array): Float64Array {
    check.integer("count", count, 0, 2 ** 31 - 1);
    this.#wasm.f64.set(check.vector("weights", weights, this.n), this.#weights >> 3);
    return this.#record(count, LADDER_RECORD.observable, 1, out);
  }

  /**
   * Advances `count` steps and returns p after each, row k = step k + 1 (count × n, row-major). With
   * `out` (a Float64Array of length ≥ count·n), writes there and returns it instead of allocating: a
   * reused `out` spares the allocation, which for a large result costs as much as the steps (fresh
   * pages from the OS).
   * @throws RangeError for a bad count or out.
   */
  trajectory(count: number, out?: Float64Array): Float64Array {
    check.integer("count", count, 0, Math.floor(2 ** 27 / this.n));
    return this.#record(count, LADDER_RECORD.states, this.n, out);
  }

  #record(count: number, mode: number, width: number, out?: Float64Array): Float64Array {
    if (out !== undefined && !(out instanceof Float64Array && out.length >= count * width)) {
      throw new RangeError(`out must be a Float64Array of length ≥ ${count * width}`);
    }
    const e = this.#wasm.exports;
    const chunk = Math.max(1, Math.floor(MAX_CHUNK_VALUES / width));
    const values = Math.min(count, chunk) * width;
    if (values > this.#outValues) {
      // Grow geometrically (the bump allocator cannot free the old buffer), capped at one chunk.
      this.#outValues = Math.min(chunk * width, Math.max(values, 2 * this.#outValues));
      this.#out = this.#wasm.alloc(8 * this.#outValues, "output buffer");
    }
    if (count <= chunk && out === undefined) {
      e.ladder_step(this.#state, count, mode, this.#weights, this.#out);
      return this.#wasm.f64Copy(this.#out, count * width);
    }
    const result = out ?? new Float64Array(count * width);
    for (let done = 0; done < count; done += chunk) {
      const k = Math.min(chunk, count - done);
      e.ladder_step(this.#state, k, mode, this.#weights, this.#out);
      result.set(this.#wasm.f64View(this.#out, k * width), done * width);
    }
    return result;
  }

  /** Frees the wasm instance. Idempotent; later calls throw DisposedError. */
  dispose(): void { this.#wasm.dispose(); }
  [Symbol.dispose](): void { this.dispose(); }
}

/** Options of {@link LadderChain}: the ladder's parameters (s is the initial signal) and the grid. */
export interface LadderChainOptions extends LadderParams {
  dt: number;
  /** "steady" (the steady state at the initial s, default) or a probability vector of 2M entries. */
  initial?: "steady" | Float64Array | number[];
  backend?: Backend;
}

/**
 * The ladder as a {@link MarkovChain} driven by a signal s(t), piecewise constant on the dt grid:
 * `setSignal(s)` (or `follow`) rebuilds the rates and recomputes the propagator whenever s changes.
 * @example
 * using ladder = new LadderChain({ gamma: 0.1, dt: 5e-4 }); // steady state at s = 0
 * const y = ladder.follow(new Float64Array(10_000).fill(200)); // top occupancy after a step to s = 200
 */
export class LadderChain extends MarkovChain {
  readonly params: Readonly<Omit<LadderConfig, "s">>;
  #signal: number;
  readonly #top: Float64Array;

  /** @throws TypeError/RangeError naming a bad option. */
  constructor(options: LadderChainOptions) {
    const c = resolveLadder("LadderChain", options, [...PARAM_KEYS, "dt", "initial", "backend"]);
    super({ rates: buildLadder(c), dt: options.dt, initial: options.initial, backend: options.backend });
    this.params = { rungs: c.rungs, gamma: c.gamma, F: c.F, KI: c.KI, KA: c.KA };
    this.#signal = c.s;
    this.#top = Float64Array.from({ length: 2 * c.rungs }, (_, i) => (i < c.rungs ? 1 : 0));
  }

  /** The current signal s; NaN after {@link setRates}, whose rates need not be the ladder's at any s. */
  get signal(): number { return this.#signal; }

  /** Sets s (≥ 0) from now on; the propagator is recomputed only when s changes. @throws RangeError naming `s`. */
  setSignal(s: number): void {
    check.nonNegative("s", s);
    if (s === this.#signal) return;
    super.setRates(buildLadder({ ...this.params, s }));
    this.#signal = s;
  }

  /**
   * Switches to arbitrary rates (same n), as {@link MarkovChain.setRates}. The signal is then unknown:
   * `signal` reads NaN, and the next `setSignal` (or `follow`) rebuilds the ladder's rates whatever s.
   * @throws TypeError/RangeError naming `rates`.
   */
  override setRates(rates: RateMatrix): void {
    super.setRates(rates);
    this.#signal = Number.NaN;
  }

  /** Top-rail occupancy Σ_{m<M} p_m now. */
  topOccupancy(): number {
    const p = this.probabilities();
    let y = 0;
    for (let i = 0; i < this.params.rungs; i++) y += p[i];
    return y;
  }

  /**
   * Runs `count` steps under the current signal and returns the top-rail occupancy after each
   * (into `out` when given, as {@link MarkovChain.observe}).
   */
  observeTop(count: number, out?: Float64Array): Float64Array {
    return this.observe(count, this.#top, out);
  }

  /**
   * Follows a piecewise-constant signal: step k (k = 0 … length−1) runs under s = signal[k], and the
   * top-rail occupancy after it is returned (y(t_{k+1}), same length). Runs of equal s go to wasm as
   * one call.
   * @throws RangeError naming `signal` for a negative or non-finite value.
   */
  follow(signal: ArrayLike<number>): Float64Array {
    const y = new Float64Array(signal.length);
    for (let k = 0; k < signal.length;) {
      const s = signal[k];
      if (!(typeof s === "number" && s >= 0 && Number.isFinite(s))) throw new RangeError(`signal[${k}] must be finite and ≥ 0, got ${s}`);
      let end = k + 1;
      while (end < signal.length && signal[end] === s) end++;
      this.setSignal(s);
      this.observeTop(end - k, y.subarray(k, end));
      k = end;
    }
    return y;
  }
}

// ---------------------------------------------------------------------------------------------
// The step-response kernel
// ---------------------------------------------------------------------------------------------

/** Options of {@link ladderKernel}: the ladder's parameters (without s) and the step protocol. */
export interface LadderKernelOptions extends Omit<LadderParams, "s"> {
  /** Signal before the step (the chain starts in its steady state there). Default 0. */
  s0?: number;
  /** Signal after the step. Default 200 (Figure 6B: 5 … 250). */
  s1?: number;
  /** Integration time T after the step. Default 5. */
  duration?: number;
  /** Time step. Default 5·10⁻⁴ (N = T/dt = 10⁴ kernel samples). */
  dt?: number;
  backend?: Backend;
}

/** The result of {@link ladderKernel}. */
export interface LadderKernel {
  /** −(dy/dt)/|M₁|: N samples on the unit time axis τ_k = k/N (dt = 1/N = 10⁻⁴ by default); first moment ±1. */
  kernel: SampledKernel;
  /**
   * Area and first moment of `kernel` (trapezoid rule, {@link kernelMoments}): first moment
   * −sign(M₁) = ±1, −1 for dissipative (adapting) chains, +1 near equilibrium.
   */
  moments: { area: number; firstMoment: number };
  /** Area and first moment M₁ of the raw dy/dt (K_k below) on the unit axis, before normalisation. */
  rawMoments: { area: number; firstMoment: number };
  /** Top-rail occupancy y(t_k), t_k = k·dt, k = 0 … N (y_0 = the steady state at s0). */
  response: Float64Array;
}

/**
 * The ladder's memory kernel from its step response (spec §3, Appendix F): the steady state at s0,
 * a step to s1 at t = 0, exact integration over T with step dt (N = round(T/dt) steps), the top-rail
 * occupancy y(t_k), and
 *
 *   K_k = (y_{k+1} − y_{k−1}) / (2 dt),  k = 0 … N−1,  with y_{−1} = y_0
 *
 * (central differences; the chain sits in the s0 steady state before the step, so y_{−1} = y_0).
 * The time axis is rescaled to unit length (τ_k = k/N) and the kernel is −K/|M₁| (M₁ = the first
 * moment of K), so its first moment is ±1: −1 for dissipative chains, whose top occupancy dips and
 * adapts back (M₁ > 0), and +1 near equilibrium, where it relaxes monotonically (M₁ < 0), as the
 * spec states and the authors' code does (`-1 * kernel * abs(1/moment)`). The orientation is that
 * of −dy/dt, the bottom rail's response.
 * @throws TypeError/RangeError naming a bad option; RangeError when the raw first moment is 0.
 * @example
 * const { kernel, moments } = ladderKernel({ gamma: 1e-3 }); // moments.firstMoment ≈ −1
 */
export function ladderKernel(options: LadderKernelOptions = {}): LadderKernel {
  const keys = ["rungs", "gamma", "F", "KI", "KA", "s0", "s1", "duration", "dt", "backend"];
  const c = resolveLadder("ladderKernel", options, keys);
  const s0 = check.nonNegative("s0", options.s0 ?? 0);
  const s1 = check.nonNegative("s1", options.s1 ?? 200);
  const duration = check.positive("duration", options.duration ?? 5);
  const dt = check.positive("dt", options.dt ?? 5e-4);
  if (s1 === s0) throw new RangeError(`s1 must differ from s0 (the kernel is the response to a step), got ${s1}`);
  const N = Math.round(duration / dt);
  if (!(N >= 2 && N <= 2 ** 27)) throw new RangeError(`duration/dt must be in [2, 2²⁷] steps, got ${duration / dt}`);
  const chain = new LadderChain({ ...c, s: s0, dt, backend: options.backend });
  try {
    const response = new Float64Array(N + 1);
    response[0] = chain.topOccupancy();
    chain.setSignal(s1);
    chain.observeTop(N, response.subarray(1));
    const raw = new Float64Array(N);
    for (let k = 0; k < N; k++) raw[k] = (response[k + 1] - response[Math.max(0, k - 1)]) / (2 * dt);
    const rawMoments = kernelMoments({ values: raw, dt: 1 / N });
    if (!(rawMoments.firstMoment !== 0 && Number.isFinite(rawMoments.firstMoment))) {
      throw new RangeError(`the kernel's raw first moment is ${rawMoments.firstMoment}: it cannot be normalised (does s1 differ from s0?)`);
    }
    const scale = -1 / Math.abs(rawMoments.firstMoment);
    const kernel: SampledKernel = { values: raw.map((v) => v * scale), dt: 1 / N };
    return { kernel, moments: kernelMoments(kernel), rawMoments, response };
  } finally {
    chain.dispose();
  }
}
