/**
 * The options of a {@link Hopfield} network and of its runs, and their validation: the config resolver
 * ({@link resolveHopfieldConfig}), the limits it enforces and the checks of given patterns and weights.
 */
import type { Backend } from "../core/loader.js";
import { HOPFIELD_SWEEPS_MASK } from "../core/abi.js";
import * as check from "../core/validate.js";
import { checkMemoryBudget, type RunProgress } from "../core/model.js";
import { unpackSigns } from "../math/bits.js";
import { MAX_STREAM } from "../rng.js";
import type { Hopfield } from "./model.js";

/**
 * How patterns become weights: "hebbian" (W = ΞᵀΞ/N, zero diagonal), "storkey" (Storkey's local incremental rule) or
 * "pseudoinverse" (the projection rule).
 */
export type StorageRule = "hebbian" | "storkey" | "pseudoinverse";
/** Every {@link StorageRule}, in the order the CLI and errors list them. */
export const STORAGE_RULES: readonly StorageRule[] = ["hebbian", "storkey", "pseudoinverse"];
/**
 * "sync": x ← sign(Wx + b) at once; "async": one neuron at a time in a random order; "glauber": async at
 * temperature T.
 */
export type HopfieldDynamics = "sync" | "async" | "glauber";
/** Patterns given by the caller: K arrays of N values ±1, one flat Int8Array of K·N, or bit-packed rows. */
export type PatternInput =
  | Int8Array[]
  | Int8Array
  | {
      /** K rows of ⌈N/8⌉ bytes, bit set ⇔ +1, LSB first. */
      bits: Uint8Array;
      /** Number K of rows in `bits`. */
      count: number;
    };

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
  /** Force the "simd" or "scalar" build (same results). */
  backend?: Backend;
}

/** The resolved options of a {@link Hopfield} network (see {@link resolveHopfieldConfig}). */
export interface HopfieldConfig {
  /** Neurons N. */
  n: number;
  /** Stored patterns K. */
  k: number;
  /** The storage rule, or "given" for the caller's own weights. */
  rule: StorageRule | "given";
  /** The weights' path: "fast" (Hebbian from bit-packed patterns) or "dense" (N × N f32 weights). */
  path: "fast" | "dense";
  /** {@inheritDoc HopfieldOptions.seed} */
  seed: number;
  /** {@inheritDoc HopfieldOptions.stream} */
  stream: number;
  /** {@inheritDoc HopfieldOptions.patternBias} */
  patternBias: number;
  /** "random" (drawn from the seed) or "given" (the caller's). */
  patterns: "random" | "given";
  /** {@inheritDoc HopfieldOptions.dynamics} */
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
export const RUN_KEYS = ["dynamics", "temperature", "maxSweeps", "seed", "recordEnergy"] as const;
export const ASYNC_KEYS = ["onProgress", "signal"] as const;
/** Largest sweep/step count a run accepts: the wasm run functions return it in the low 24 bits. */
export const MAX_SWEEPS = HOPFIELD_SWEEPS_MASK;
/**
 * Most neuron updates, maxSweeps·n, that the synchronous {@link Hopfield.run} (and recall, and step)
 * accepts: 2³² updates take minutes (30–60 ns each at K = 100). Longer runs go through
 * {@link Hopfield.runAsync}, which can be stopped.
 */
export const MAX_RUN_UPDATES = 2 ** 32;
/** Most neurons (and stored patterns) of one network. */
const MAX_NEURONS = 1 << 20;
/** Largest f32 (the dense weights' type): a larger weight would be stored as ∞. */
const F32_MAX = 3.4028234663852886e38;
/**
 * Bound on Σ_j |w_ij| for every row: the f32 sums Σ_j w_ij x_j (|·| ≤ 2¹²⁶) and the running updates
 * ±2w_ij per flip (|·| ≤ 2¹²⁷) stay below F32_MAX ≈ 2¹²⁸, so no field becomes ∞.
 */
const MAX_ROW_SUM = 2 ** 126;
/** Bound on Σ_i |b_i|: the energy's −bᵀx term stays finite in f64. */
const MAX_BIAS_SUM = 1e300;
/**
 * Relative tolerance of the symmetry test on given weights: |w_ij − w_ji| ≤ SYMMETRY_TOLERANCE · max |w_ij|.
 * 1e-6 is about 8 f32 ulps (2⁻²³ ≈ 1.2e-7): weights symmetric up to f32 round-off (e.g. built in
 * f32, or transposed through it) pass, a real asymmetry (a wrong sign, a missing term) does not.
 */
export const SYMMETRY_TOLERANCE = 1e-6;

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

/** Checks that every entry of `x` is +1 or −1. @throws RangeError naming `name`[i]. */
export function checkSpins(name: string, x: Int8Array): void {
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== 1 && x[i] !== -1) throw new RangeError(`${name}[${i}] must be +1 or −1, got ${x[i]}`);
  }
}

/**
 * Bytes {@link memoryNeeded} adds for what the per-neuron terms leave out: the network's struct and
 * generator state, its two 1 KiB scratch regions and the 16-byte alignment of every block (64 KiB,
 * one wasm page, covers them with room).
 */
const NETWORK_HEADROOM_BYTES = 1 << 16;

/** Bytes of wasm memory a network needs (checked before allocating). */
function memoryNeeded(n: number, k: number, dense: boolean, rule: string): number {
  const words = Math.ceil(n / 64),
    cwords = Math.max(1, Math.ceil(k / 64));
  let bytes =
    4 * n +
    24 * words +
    8 * k * words +
    8 * n * cwords +
    24 * n +
    8 * k +
    8192 * cwords +
    4 * n +
    NETWORK_HEADROOM_BYTES;
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
export interface ResolvedHopfield {
  config: HopfieldConfig;
  backend: Backend | undefined;
  rows: Int8Array[] | null;
  weights: Float32Array | Float64Array | undefined;
  bias: Float64Array;
}

/** Validates the options once: the config, and the patterns, weights and bias it does not hold. */
export function resolveHopfield(options: HopfieldOptions | undefined): ResolvedHopfield {
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
export function resolveDynamics(
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
 * @example
 * ```ts
 * import { resolveHopfieldConfig } from "thermolearn";
 * console.log(resolveHopfieldConfig({ n: 400, count: 20 }).path); // "fast" (Hebbian from bit-packed patterns)
 * ```
 */
export function resolveHopfieldConfig(options?: HopfieldOptions): HopfieldConfig {
  return resolveHopfield(options).config;
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
  /** Called between chunks of work with `{ done, total, fraction }` in sweeps. */
  onProgress?: (progress: RunProgress) => void;
  /** Stops the run between chunks; the result then has status "aborted". */
  signal?: AbortSignal;
}

export const DYNAMICS: readonly HopfieldDynamics[] = ["sync", "async", "glauber"];

/** A run's validated options. @internal shared with the capacity sweep. */
export interface RunPlan {
  dynamics: HopfieldDynamics;
  temperature: number;
  maxSweeps: number;
  recordEnergy: boolean;
  seed: number | undefined;
}
