/**
 * Stochastic perceptron learning (shared/spec/MODELS.md §1; Goldt & Seifert, PRL 118, 010601 (2017)
 * and New J. Phys. 19, 113001 (2017); Wennberg, "Learning is hard work" (2019)).
 *
 * A student w ∈ Rⁿ follows the overdamped Langevin equation
 *
 *     dw = (−k w + ν σ_T ξ 𝓕(A, σ_T)) dt + √(2D) dW,   A = w·ξ/√n,  σ_T = sign(T·ξ),
 *
 * integrated by Euler–Maruyama (strong order ½) with a mini-batch of B inputs per step:
 *
 *     w ← w + Δt (−k w + (ν/B) Σ_b σ_b 𝓕(A_b, σ_b) ξ_b) + √(2DΔt) z.
 *
 * With `inputs: "averaged"` the learning force is instead its input average f̄(w) = ν(a T̂ + b ŵ) in
 * the thermodynamic limit (Goldt & Seifert's time-scale separation; docs/perceptron-theory.md), or with
 * a training set its average over the whole set (batch learning). The heat is split into housekeeping
 * and excess parts (Wennberg), with the learning work and the internal energy beside it.
 *
 * Conventions: sign(0) = +1 (labels and predictions are ±1), Θ(0) = 0; heat and entropy in nats
 * (k_B T = 1). The hot loop runs in wasm (assembly/perceptron.ts); this file validates options,
 * seeds the streams, reads the observables and saves and restores the state. Long runs are in
 * run.ts, the closed forms in theory.ts.
 */
import { INPUTS_CODES, RULE_CODES, SAMPLING_CODES, STATUS_DIVERGED } from "../core/abi.js";
import type { Backend } from "../core/loader.js";
import { DivergedError, WasmModel, checkMemoryBudget } from "../core/model.js";
import * as check from "../core/validate.js";
import { MAX_COUNT } from "../core/validate.js";
import { MAX_STREAM, streamSeed } from "../rng.js";
import { logGamma } from "../math/special.js";
import { checkAlpha } from "./averaged.js";
import { mutualInformation } from "./theory.js";

/** Learning rules 𝓕(A, σ_T) of spec §1: 1; Θ(−σA); |A|Θ(−σA); Θ(−σA) + |A|^α Θ(σA). */
export type LearningRule = "hebbian" | "perceptron" | "adatron" | "alphatron";
export const LEARNING_RULES: readonly LearningRule[] = ["hebbian", "perceptron", "adatron", "alphatron"];

/** Options of {@link Perceptron}. Defaults are the blog's experiment (n = 10⁴, ν = 3√n, Δt = 10⁻³, B = 30). */
export interface PerceptronOptions {
  /** Number of weights. Default 10 000. */
  n?: number;
  /** Learning rule. Default "hebbian". */
  rule?: LearningRule;
  /** Exponent α ∈ [10⁻⁶, 16] of the α-tron (rule "alphatron"). Default 0.5. α ≥ 1 diverges at the default ν, k. */
  alpha?: number;
  /** Restoring force constant k ≥ 0. Default 1. */
  k?: number;
  /** Learning rate ν ≥ 0 (no 1/√n on the learning term). Default 3√n. */
  nu?: number;
  /** The scaled learning rate ν̃ = ν/√n, instead of `nu` (the blog's ν̃ = 3). */
  nuTilde?: number;
  /** Diffusion constant D = temperature (mobility 1). Default 1. */
  D?: number;
  /** Euler–Maruyama time step; k·dt must be < 2. Default 10⁻³. */
  dt?: number;
  /** Inputs per step (mini-batch size B). Default 30. */
  batch?: number;
  /** Size P of a fixed training set; 0 means fresh random inputs every step. Default 0. */
  trainSize?: number;
  /** How a training set is used: B rows drawn "replacement" (default), or swept in order ("sweep"). */
  sampling?: "replacement" | "sweep";
  /**
   * The learning force: "sampled" (default), that of the step's B inputs (online learning, with input
   * noise), or "averaged", the input-averaged force of Goldt & Seifert's time-scale separation: without a
   * training set the exact average over ±1 inputs in the thermodynamic limit (docs/perceptron-theory.md),
   * with one (trainSize > 0) the average over the whole set every step (batch learning; batch is then P).
   */
  inputs?: "sampled" | "averaged";
  /**
   * Labels of the training set: "teacher" (default, σ_T = sign(T·ξ)) or "random" (each trajectory draws
   * its own i.i.d. ±1 labels, the setting of Goldt & Seifert's information bound; needs trainSize > 0).
   */
  labels?: "teacher" | "random";
  /** Size of a held-out test set for the finite-n error rate; 0 for none. Default 0. */
  testSize?: number;
  /** Independent trajectories run side by side. Default 1. */
  trajectories?: number;
  /** Stream index of the first trajectory (trajectory j uses stream firstTrajectory + j). Default 0. */
  firstTrajectory?: number;
  /** Integer seed in [0, 2⁵³). Default 0. */
  seed?: number;
  /** "per-trajectory" (default: each trajectory draws T ~ N(0, I) from its own stream), "shared", or given. */
  teacher?: "per-trajectory" | "shared" | Float64Array | number[];
  /** Initial weights: "equilibrium" (N(0, D/k), default), "zero", or given. */
  init?: "equilibrium" | "zero" | Float64Array | number[];
  /** A trajectory has diverged once |w|/√n exceeds this (or is not finite). Default 10⁶. */
  maxWeightRms?: number;
  /** Force the "simd" or "scalar" build (they give identical trajectories). */
  backend?: Backend;
}

/** The options after defaults, as recorded in results. */
export interface PerceptronConfig {
  /** {@inheritDoc PerceptronOptions.n} */
  n: number;
  /** {@inheritDoc PerceptronOptions.rule} */
  rule: LearningRule;
  /** {@inheritDoc PerceptronOptions.alpha} */
  alpha: number;
  /** {@inheritDoc PerceptronOptions.k} */
  k: number;
  /** Learning rate ν (resolved from `nu` or `nuTilde`·√n). */
  nu: number;
  /** {@inheritDoc PerceptronOptions.D} */
  D: number;
  /** {@inheritDoc PerceptronOptions.dt} */
  dt: number;
  /** Inputs per step B (P with averaged inputs over a training set). */
  batch: number;
  /** {@inheritDoc PerceptronOptions.trainSize} */
  trainSize: number;
  /**
   * How inputs are drawn: "online" (fresh every step, no training set), "replacement" or "sweep" (from the training
   * set), "batch" (averaged over the whole set).
   */
  sampling: "online" | "replacement" | "sweep" | "batch";
  /** {@inheritDoc PerceptronOptions.inputs} */
  inputs: "sampled" | "averaged";
  /** {@inheritDoc PerceptronOptions.labels} */
  labels: "teacher" | "random";
  /** {@inheritDoc PerceptronOptions.testSize} */
  testSize: number;
  /** {@inheritDoc PerceptronOptions.trajectories} */
  trajectories: number;
  /** {@inheritDoc PerceptronOptions.firstTrajectory} */
  firstTrajectory: number;
  /** {@inheritDoc PerceptronOptions.seed} */
  seed: number;
  /** Where the teacher came from: "per-trajectory", "shared", or "given" (the caller's vector). */
  teacher: "per-trajectory" | "shared" | "given";
  /** Initial weights: "equilibrium" (N(0, D/k)), "zero", or "given" (the caller's vector). */
  init: "equilibrium" | "zero" | "given";
  /** {@inheritDoc PerceptronOptions.maxWeightRms} */
  maxWeightRms: number;
}

/** The option names of {@link PerceptronOptions} (unknown keys are refused). */
export const PERCEPTRON_OPTION_KEYS = [
  "n",
  "rule",
  "alpha",
  "k",
  "nu",
  "nuTilde",
  "D",
  "dt",
  "batch",
  "trainSize",
  "sampling",
  "inputs",
  "labels",
  "testSize",
  "trajectories",
  "firstTrajectory",
  "seed",
  "teacher",
  "init",
  "maxWeightRms",
  "backend",
] as const;

/** Streams reserved for data shared by all trajectories, the top of the u32 range (trajectories use 0 … 2³² − 5). */
const TEACHER_STREAM = MAX_STREAM;
const TRAIN_STREAM = MAX_STREAM - 1;
const TEST_STREAM = MAX_STREAM - 2;
const MAX_TRAJECTORY_STREAM = MAX_STREAM - 4;
/**
 * Most weights n of one perceptron: 2²⁴, where one trajectory's four f64 n-vectors already take 512 MiB
 * of the 2 GiB of wasm memory.
 */
export const MAX_N = 2 ** 24;

/** Largest allowed maxWeightRms: keeps |w|² = rms²·n (n ≤ 2²⁴) far inside the f64 range. */
const MAX_WEIGHT_RMS = 1e100;

/** `teacher` or `init`: one of the named choices, or a vector of n finite numbers (checked later). */
function choiceOrVector<T extends string>(name: string, value: unknown, choices: readonly T[]): T | "given" {
  if (typeof value === "string") return check.oneOf(name, value, choices);
  if (value instanceof Float64Array || Array.isArray(value)) return "given";
  const names = choices.map((c) => JSON.stringify(c)).join(", ");
  throw new TypeError(`${name} must be one of ${names}, or a Float64Array or number[] of length n`);
}

/**
 * Validates options once and fills in defaults. @throws TypeError/RangeError naming the option.
 * @example
 * ```ts
 * import { resolvePerceptronConfig } from "thermolearn";
 * const config = resolvePerceptronConfig({ n: 100, nuTilde: 3 });
 * console.log(config.nu, config.batch); // 30 (= 3·√100), 30
 * ```
 */
export function resolvePerceptronConfig(options?: PerceptronOptions): PerceptronConfig {
  options = check.options("Perceptron", options, PERCEPTRON_OPTION_KEYS);
  check.backend(options.backend);
  const n = check.integer("n", options.n ?? 10_000, 1, MAX_N);
  const rule = check.oneOf("rule", options.rule ?? "hebbian", LEARNING_RULES);
  const alpha = checkAlpha(options.alpha ?? 0.5);
  const k = check.nonNegative("k", options.k ?? 1);
  if (options.nu !== undefined && options.nuTilde !== undefined) throw new TypeError("give nu or nuTilde, not both");
  const nu =
    options.nuTilde !== undefined
      ? check.nonNegative("nuTilde", options.nuTilde) * Math.sqrt(n)
      : check.nonNegative("nu", options.nu ?? 3 * Math.sqrt(n));
  const D = check.nonNegative("D", options.D ?? 1);
  const dt = check.positive("dt", options.dt ?? 1e-3);
  if (!(k * dt < 2)) {
    throw new RangeError(`dt must satisfy k·dt < 2 for a stable Euler–Maruyama step, got k·dt = ${k * dt}`);
  }
  const trainSize = check.integer("trainSize", options.trainSize ?? 0, 0, MAX_COUNT);
  const inputs = check.oneOf("inputs", options.inputs ?? "sampled", ["sampled", "averaged"] as const);
  const { batch, sampling } = resolveSampling(options, trainSize, inputs);
  const labels = check.oneOf("labels", options.labels ?? "teacher", ["teacher", "random"] as const);
  if (labels === "random" && trainSize === 0) {
    throw new RangeError('labels "random" needs a training set to label: set trainSize > 0');
  }
  const testSize = check.integer("testSize", options.testSize ?? 0, 0, MAX_COUNT);
  if (labels === "random" && testSize > 0) {
    throw new RangeError('testSize needs teacher labels: with labels "random" no rule labels a test set');
  }
  const trajectories = check.integer("trajectories", options.trajectories ?? 1, 1, 100_000);
  const firstTrajectory = check.integer("firstTrajectory", options.firstTrajectory ?? 0, 0, MAX_TRAJECTORY_STREAM);
  if (firstTrajectory + trajectories - 1 > MAX_TRAJECTORY_STREAM) {
    throw new RangeError(`firstTrajectory + trajectories must be ≤ ${MAX_TRAJECTORY_STREAM + 1}`);
  }
  const seed = check.seed("seed", options.seed ?? 0);
  const teacher = choiceOrVector("teacher", options.teacher ?? "per-trajectory", ["per-trajectory", "shared"] as const);
  const init = choiceOrVector("init", options.init ?? "equilibrium", ["equilibrium", "zero"] as const);
  if (init === "equilibrium" && !(k > 0)) {
    throw new RangeError('init "equilibrium" (w ~ N(0, D/k)) needs k > 0; use init: "zero" or give the weights');
  }
  const maxWeightRms = check.positive("maxWeightRms", options.maxWeightRms ?? 1e6);
  if (maxWeightRms > MAX_WEIGHT_RMS) {
    throw new RangeError(`maxWeightRms must be ≤ ${MAX_WEIGHT_RMS}, got ${maxWeightRms}`);
  }
  // The equilibrium start has rms √(D/k) per weight; past the divergence bound it would start diverged.
  if (init === "equilibrium" && !(Math.sqrt(D / k) <= maxWeightRms / 10)) {
    throw new RangeError(
      `D/k = ${D / k} gives an equilibrium start with weight rms √(D/k) = ${Math.sqrt(D / k)}, ` +
        `too close to maxWeightRms = ${maxWeightRms} (need ≤ a tenth of it)`,
    );
  }
  return {
    n,
    rule,
    alpha,
    k,
    nu,
    D,
    dt,
    batch,
    trainSize,
    sampling,
    inputs,
    labels,
    testSize,
    trajectories,
    firstTrajectory,
    seed,
    teacher,
    init,
    maxWeightRms,
  };
}

/** Largest mini-batch; also the largest training set of batch learning (inputs "averaged" with trainSize > 0). */
const MAX_BATCH = 4096;

/**
 * Batch size and sampling: fresh inputs ("online") without a training set; with one, B rows drawn with
 * replacement or swept; batch learning ("averaged" with a set) sweeps all P rows every step (B = P).
 */
function resolveSampling(
  options: PerceptronOptions,
  trainSize: number,
  inputs: "sampled" | "averaged",
): { batch: number; sampling: PerceptronConfig["sampling"] } {
  if (trainSize === 0 && options.sampling !== undefined) {
    throw new RangeError("sampling needs a training set: set trainSize > 0");
  }
  if (inputs === "averaged") {
    if (options.sampling !== undefined) throw new RangeError('sampling: inputs "averaged" uses every input each step');
    if (options.batch !== undefined) throw new RangeError('batch: inputs "averaged" averages over all inputs');
    if (trainSize === 0) return { batch: 1, sampling: "online" };
    if (trainSize > MAX_BATCH) {
      throw new RangeError(`trainSize must be ≤ ${MAX_BATCH} for batch learning (inputs "averaged"), got ${trainSize}`);
    }
    return { batch: trainSize, sampling: "batch" };
  }
  const batch = check.integer("batch", options.batch ?? 30, 1, MAX_BATCH);
  if (trainSize === 0) return { batch, sampling: "online" };
  const sampling = check.oneOf("sampling", options.sampling ?? "replacement", ["replacement", "sweep"] as const);
  return { batch, sampling };
}

/** The wasm force mode: sampled inputs, the thermodynamic-limit average, or the whole training set. */
function inputsMode(c: PerceptronConfig): keyof typeof INPUTS_CODES {
  if (c.inputs === "sampled") return "sampled";
  return c.sampling === "batch" ? "batch" : "averaged";
}

/**
 * The α-tron's Gamma-function constants for the averaged force (docs/perceptron-theory.md §1):
 * (1/π) 2^((1+α)/2) Γ((3+α)/2) (moments of degree 1 + α) and α (1/π) 2^((α−1)/2) Γ((α+1)/2) (⟨𝓕′⟩).
 */
function alphatronConstants(alpha: number): [number, number] {
  const moment = Math.exp(((1 + alpha) / 2) * Math.LN2 + logGamma((3 + alpha) / 2)) / Math.PI;
  const slope = (alpha * Math.exp(((alpha - 1) / 2) * Math.LN2 + logGamma((alpha + 1) / 2))) / Math.PI;
  return [moment, slope];
}

/** Bytes per trajectory for its struct, its generator state and the 16-byte alignment of each block. */
const TRAJECTORY_HEADER_BYTES = 512;
/** Bytes for the simulation's own blocks and scratch beyond the data sets: one wasm page (64 KiB). */
const SHARED_HEADROOM_BYTES = 1 << 16;

/**
 * Bytes of wasm memory one simulation needs (checked before anything is allocated), following
 * assembly/perceptron.ts `perceptron_create`: per trajectory four n-vectors (w, T, noise, force), two
 * n·G input-byte buffers (this step's and the next), the (w, T) histogram and force tables (6 KiB per
 * group), three 8G-member f64 vectors and two of i32 rows, random labels (P bytes), and
 * TRAJECTORY_HEADER_BYTES. Shared: the input rows and a shared teacher.
 */
function memoryNeeded(c: PerceptronConfig): { total: number; perTrajectory: number } {
  const groups = Math.ceil(c.batch / 8);
  const labels = c.labels === "random" ? c.trainSize : 0;
  const perTrajectory =
    4 * 8 * c.n + 2 * c.n * groups + 6 * groups * 1024 + 4 * 64 * groups + labels + TRAJECTORY_HEADER_BYTES;
  const teacher = c.teacher === "shared" ? 8 * c.n : 0;
  const shared = c.n * (c.trainSize + c.testSize) + teacher + SHARED_HEADROOM_BYTES;
  return { total: perTrajectory * c.trajectories + shared, perTrajectory };
}

/**
 * Refuses a simulation larger than wasm memory, naming the option most responsible: the data sets
 * (the larger of trainSize and testSize) when their rows and random labels outweigh everything else,
 * else trajectories. @throws RangeError "<option> too large: this simulation needs … of wasm memory …".
 */
function checkMemory(c: PerceptronConfig): void {
  const { total } = memoryNeeded(c);
  // What grows with the data sets: their rows, and each trajectory's random labels (P bytes).
  const labels = c.labels === "random" ? c.trainSize * c.trajectories : 0;
  const data = c.n * (c.trainSize + c.testSize) + labels;
  const culprit = data > total - data ? (c.trainSize >= c.testSize ? "trainSize" : "testSize") : "trajectories";
  checkMemoryBudget(total, culprit, "this simulation");
}

/** One snapshot of every trajectory, from {@link Perceptron.observe}. Arrays have one entry per trajectory. */
export interface PerceptronObservation {
  /** Time t = steps·Δt. */
  t: number;
  /** Steps taken so far. */
  steps: number;
  /** Generalisation error from the angle, ε = arccos(T·w/(|T||w|))/π (0.5 when w = 0). */
  epsilon: Float64Array;
  /** Error rate on the held-out test set, or null without one. */
  testError: Float64Array | null;
  /** R = w·T/n. */
  R: Float64Array;
  /** Q = w·w/n. */
  Q: Float64Array;
  /** |w|. */
  weightNorm: Float64Array;
  /** I = ln 2 − S(ε), nats. */
  information: Float64Array;
  /** Cumulative heat per weight q/n, nats: see {@link Perceptron.heat} for the convention. */
  heat: Float64Array;
  /**
   * Cumulative excess heat per weight, nats: the part of the heat due to input fluctuations (Wennberg),
   * Σ_steps Δt·tr Cov(f | w) estimated from each step's batch. 0 for averaged inputs and batch
   * learning; null for B = 1 (a single input has no spread to estimate it from).
   */
  excessHeat: Float64Array | null;
  /** Cumulative housekeeping heat per weight = heat − excessHeat, nats (the part batch learning also has). */
  housekeepingHeat: Float64Array | null;
  /** Cumulative work of the learning force per weight, nats; work − heat = ΔV (first law). */
  work: Float64Array;
  /** Internal energy per weight V/n = k|w|²/(2n), nats. */
  internalEnergy: Float64Array;
  /**
   * Wennberg's learning-force variance ⟨𝓕²⟩ − ⟨𝓕⟩² over inputs, averaged over the steps so far (each
   * step's unbiased batch estimate); null for B = 1 and averaged inputs, 0 before the first step.
   */
  forceVariance: Float64Array | null;
}

/** ε = arccos(T·w/(|T||w|))/π from the order parameters; ½ when w = 0 (or T = 0). */
function angleError(wT: number, ww: number, TT: number): number {
  if (!(ww > 0) || !(TT > 0)) return 0.5;
  return Math.acos(Math.max(-1, Math.min(1, wT / (Math.sqrt(ww) * Math.sqrt(TT))))) / Math.PI;
}

/**
 * An ensemble of stochastic-perceptron trajectories in wasm memory. `step(count)` runs inside wasm;
 * `observe()` reads the observables. All memory is allocated in the constructor, so views from
 * {@link Perceptron.weightsView} stay valid until {@link Perceptron.dispose}.
 * @example
 * ```ts
 * import { Perceptron } from "thermolearn";
 * const sim = new Perceptron({ n: 1000, rule: "perceptron", seed: 1 });
 * try {
 *   sim.step(5000); // t = 5 at the default Δt = 10⁻³
 *   const { t, epsilon } = sim.observe(); // one entry per trajectory (here 1)
 *   console.log(t, epsilon[0]); // 5, ≈ 0.31
 * } finally {
 *   sim.dispose();
 * }
 * ```
 */
export class Perceptron extends WasmModel {
  /** The resolved options (every default filled in), as recorded in results. */
  readonly config: PerceptronConfig;
  /** The seed of each trajectory's stream, streamSeed(seed, firstTrajectory + j). */
  readonly trajectorySeeds: readonly number[];
  readonly #states: number[] = [];
  readonly #scratch: number;
  readonly #testRows: number;
  readonly #trainRows: number;
  readonly #labels: number[] = [];
  #steps = 0;
  #divergedAt: number | null = null;
  #variance0: Float64Array | null = null;

  /** @throws TypeError/RangeError naming a bad option, or when the memory needed exceeds the limit. */
  constructor(options?: PerceptronOptions) {
    // Everything is validated before the wasm instance exists.
    const c = resolvePerceptronConfig(options);
    const o = options ?? {};
    const teacher = c.teacher === "given" ? checkTeacher(check.vector("teacher", o.teacher, c.n)) : null;
    const init = c.init === "given" ? checkInitialWeights(check.vector("init", o.init, c.n), c.maxWeightRms) : null;
    checkMemory(c);
    super("Perceptron", o.backend);
    this.config = c;
    const e = this.wasm.exports;
    this.#scratch = this.wasm.alloc(64, "scratch");
    this.trajectorySeeds = Array.from({ length: c.trajectories }, (_, j) => streamSeed(c.seed, c.firstTrajectory + j));

    const trainRows = c.trainSize > 0 ? this.#randomRows(c.trainSize, TRAIN_STREAM, "trainSize") : 0;
    this.#trainRows = trainRows;
    this.#testRows = c.testSize > 0 ? this.#randomRows(c.testSize, TEST_STREAM, "testSize") : 0;
    const sharedTeacher = teacher ?? (c.teacher === "shared" ? this.#sharedTeacher() : null);

    for (const trajectorySeed of this.trajectorySeeds) {
      const [hi, lo] = check.seedWords(trajectorySeed);
      const p = e.perceptron_create(
        c.n,
        c.batch,
        RULE_CODES[c.rule],
        c.alpha,
        c.k,
        c.nu,
        c.D,
        c.dt,
        c.maxWeightRms,
        SAMPLING_CODES[c.sampling],
        hi,
        lo,
      );
      if (p === 0) throw new RangeError("n × trajectories: wasm memory could not grow");
      this.#states.push(p);
      // Stream order per trajectory: its teacher (if per-trajectory), then its initial weights, then the dynamics.
      if (sharedTeacher) this.wasm.f64.set(sharedTeacher, e.perceptron_teacher(p) >> 3);
      else e.perceptron_fill_gaussian(p, 0, 1);
      if (init) this.wasm.f64.set(init, e.perceptron_weights(p) >> 3);
      else if (c.init === "equilibrium") e.perceptron_fill_gaussian(p, 1, Math.sqrt(c.D / c.k));
      if (trainRows) e.perceptron_set_train_set(p, trainRows, c.trainSize);
      if (c.labels === "random") {
        this.#labels.push(this.#randomLabels(p));
        e.perceptron_set_labels(p, this.#labels[this.#labels.length - 1]);
      }
      e.perceptron_configure(p, INPUTS_CODES[inputsMode(c)], ...alphatronConstants(c.alpha));
      e.perceptron_set_clock(p, 0, 0, 0, 0);
    }
    if (c.trajectories >= 2) this.#variance0 = this.#weightVariance();
  }

  /** Allocates `rows` × n input bytes in {0, 1} (ξ = −1/+1) drawn from a shared stream. */
  #randomRows(rows: number, stream: number, what: string): number {
    const n = this.config.n;
    const bytes = rows * n;
    const address = this.wasm.alloc(Math.ceil(bytes / 8) * 8, what);
    const e = this.wasm.exports;
    const [hi, lo] = check.seedWords(streamSeed(this.config.seed, stream));
    const rng = e.rng_create(hi, lo);
    e.rng_fill_u64(rng, address, Math.ceil(bytes / 8));
    const u8 = this.wasm.u8;
    for (let i = address; i < address + bytes; i++) u8[i] &= 1;
    return address;
  }

  /** Draws trajectory p's P random labels ±1 (i8) from its own stream, after its teacher and weights. */
  #randomLabels(p: number): number {
    const P = this.config.trainSize;
    const address = this.wasm.alloc(Math.ceil(P / 8) * 8, "labels");
    const e = this.wasm.exports;
    e.rng_fill_u64(e.perceptron_rng(p), address, Math.ceil(P / 8));
    const i8 = new Int8Array(this.wasm.u8.buffer, address, P);
    for (let i = 0; i < P; i++) i8[i] = i8[i] & 1 ? 1 : -1;
    return address;
  }

  #sharedTeacher(): Float64Array {
    const e = this.wasm.exports;
    const [hi, lo] = check.seedWords(streamSeed(this.config.seed, TEACHER_STREAM));
    const rng = e.rng_create(hi, lo);
    const out = this.wasm.alloc(8 * this.config.n, "teacher");
    e.rng_fill_normal(rng, out, this.config.n);
    return this.wasm.f64Copy(out, this.config.n);
  }

  /** Steps taken by the ensemble. */
  get steps(): number {
    return this.#steps;
  }
  /** Time t = steps·Δt. */
  get time(): number {
    return this.#steps * this.config.dt;
  }
  /** "diverged" once any trajectory's weights left the finite range. */
  get status(): "running" | "diverged" {
    return this.#divergedAt === null ? "running" : "diverged";
  }
  /** Time at which the first trajectory diverged, or null. */
  get divergedAt(): number | null {
    return this.#divergedAt;
  }

  /**
   * Advances every trajectory by `count` Euler–Maruyama steps (the loop runs in wasm). Stops at the
   * first divergence; check {@link Perceptron.status}.
   * @returns the steps the ensemble advanced: `count`, fewer if a trajectory diverged during the
   *   call, 0 once the ensemble has diverged.
   * @throws TypeError/RangeError unless count is an integer in [0, 2³¹ − 1] (MAX_COUNT).
   */
  step(count = 1): number {
    check.integer("count", count, 0, MAX_COUNT);
    if (this.#divergedAt !== null) return 0;
    const e = this.wasm.exports;
    // A trajectory that diverges stops at the step that diverged (which may be the call's last).
    let advanced = count,
      diverged = false;
    for (const p of this.#states) {
      const taken = e.perceptron_step(p, count);
      if (e.perceptron_status(p) === STATUS_DIVERGED) {
        diverged = true;
        advanced = Math.min(advanced, taken);
      }
    }
    if (diverged) this.#divergedAt = (this.#steps + advanced) * this.config.dt;
    this.#steps += advanced;
    return advanced;
  }

  /** The observables of every trajectory now. @throws DivergedError after divergence. */
  observe(): PerceptronObservation {
    if (this.#divergedAt !== null) throw divergedError(this.#divergedAt);
    const e = this.wasm.exports;
    const { n, trajectories, testSize } = this.config;
    const make = () => new Float64Array(trajectories);
    const hasExcess = this.config.batch >= 2 || this.config.inputs === "averaged";
    const hasVariance = this.config.batch >= 2 && this.config.inputs === "sampled";
    const o: PerceptronObservation = {
      t: this.time,
      steps: this.#steps,
      epsilon: make(),
      testError: testSize > 0 ? make() : null,
      R: make(),
      Q: make(),
      weightNorm: make(),
      information: make(),
      heat: make(),
      excessHeat: hasExcess ? make() : null,
      housekeepingHeat: hasExcess ? make() : null,
      work: make(),
      internalEnergy: make(),
      forceVariance: hasVariance ? make() : null,
    };
    this.#states.forEach((p, j) => {
      e.perceptron_order_params(p, this.#scratch);
      const f = this.wasm.f64,
        base = this.#scratch >> 3;
      const [wT, ww, TT] = [f[base], f[base + 1], f[base + 2]];
      o.epsilon[j] = angleError(wT, ww, TT);
      o.information[j] = mutualInformation(o.epsilon[j]);
      o.R[j] = wT / n;
      o.Q[j] = ww / n;
      o.weightNorm[j] = Math.sqrt(ww);
      o.heat[j] = e.perceptron_heat(p) / n;
      o.work[j] = e.perceptron_work(p) / n;
      o.internalEnergy[j] = (this.config.k * ww) / (2 * n);
      if (o.excessHeat && o.housekeepingHeat) {
        o.excessHeat[j] = e.perceptron_excess(p) / n;
        o.housekeepingHeat[j] = o.heat[j] - o.excessHeat[j];
      }
      if (o.forceVariance) {
        e.perceptron_sums(p, this.#scratch);
        o.forceVariance[j] = this.#steps > 0 ? this.wasm.f64[(this.#scratch >> 3) + 4] / this.#steps : 0;
      }
      if (o.testError) o.testError[j] = e.perceptron_count_errors(p, this.#testRows, testSize) / testSize;
    });
    return o;
  }

  /** Per-weight variance of w_n across trajectories (sample variance, M − 1). */
  #weightVariance(): Float64Array {
    const { n, trajectories: M } = this.config;
    const mean = new Float64Array(n),
      m2 = new Float64Array(n);
    this.#states.forEach((_p, j) => {
      const w = this.weightsView(j);
      // Welford's update, one trajectory at a time.
      for (let i = 0; i < n; i++) {
        const d = w[i] - mean[i];
        mean[i] += d / (j + 1);
        m2[i] += d * (w[i] - mean[i]);
      }
    });
    for (let i = 0; i < n; i++) m2[i] /= M - 1;
    return m2;
  }

  /**
   * Change of the Shannon entropy of a weight's marginal since t = 0, per weight, from a Gaussian
   * estimate: ΔS(w_n) ≈ ⟨½ ln(Var_t(w_n)/Var_0(w_n))⟩_n with variances across trajectories (spec §1).
   * The log-variance bias of a finite ensemble is the same at both times and cancels. With a
   * per-trajectory teacher the marginal includes the teacher's randomness, as in Goldt & Seifert.
   * @returns null with fewer than 2 trajectories, or when some weight had zero initial variance.
   */
  entropyChange(): number | null {
    if (!this.#variance0 || this.#divergedAt !== null) return null;
    const v0 = this.#variance0,
      v = this.#weightVariance();
    let sum = 0;
    for (let i = 0; i < v.length; i++) {
      if (!(v0[i] > 0) || !(v[i] > 0)) return null;
      sum += Math.log(v[i] / v0[i]);
    }
    // A ratio that overflows (a denormal initial variance) has no usable estimate.
    return Number.isFinite(sum) ? sum / (2 * v.length) : null;
  }

  #state(j: number): number {
    check.integer("trajectory", j, 0, this.config.trajectories - 1);
    this.wasm.exports; // throws DisposedError after dispose
    return this.#states[j];
  }

  /** A copy of trajectory j's weights. */
  weights(j = 0): Float64Array {
    return this.wasm.f64Copy(this.wasm.exports.perceptron_weights(this.#state(j)), this.config.n);
  }

  /** Zero-copy view of trajectory j's weights (live; valid until dispose). */
  weightsView(j = 0): Float64Array {
    return this.wasm.f64View(this.wasm.exports.perceptron_weights(this.#state(j)), this.config.n);
  }

  /** A copy of trajectory j's teacher. */
  teacher(j = 0): Float64Array {
    return this.wasm.f64Copy(this.wasm.exports.perceptron_teacher(this.#state(j)), this.config.n);
  }

  /**
   * The last step's random draws of trajectory j, for checking the wasm step against a reference:
   * `inputs` (n × ⌈B/8⌉ bytes, bit j of byte i·G + g is ξ_{8g+j,i} > 0) and `noise` (n Gaussians).
   */
  lastDraws(j = 0): {
    /** Bit-packed input signs, n × ⌈B/8⌉ bytes. */
    inputs: Uint8Array;
    /** The n standard Gaussians of the last step's noise. */
    noise: Float64Array;
  } {
    const e = this.wasm.exports,
      p = this.#state(j);
    const { n, batch } = this.config;
    const address = e.perceptron_inputs(p);
    return {
      inputs: this.wasm.u8.slice(address, address + n * Math.ceil(batch / 8)),
      noise: this.wasm.f64Copy(e.perceptron_noise(p), n),
    };
  }

  /**
   * The training set's labels σ_T^μ as trajectory j learns them (μ = 0 … P − 1, ±1): its random labels,
   * or sign(T·ξ^μ) of its teacher (sign(0) = +1). @throws RangeError without a training set.
   */
  trainingLabels(j = 0): Int8Array {
    const p = this.#state(j);
    const { n, trainSize } = this.#requireTrainingSet();
    if (this.config.labels === "random") return new Int8Array(this.wasm.u8.buffer, this.#labels[j], trainSize).slice();
    const T = this.wasm.f64View(this.wasm.exports.perceptron_teacher(p), n);
    const u8 = this.wasm.u8;
    const out = new Int8Array(trainSize);
    for (let mu = 0; mu < trainSize; mu++) {
      const row = this.#trainRows + mu * n;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += u8[row + i] ? T[i] : -T[i];
      out[mu] = dot >= 0 ? 1 : -1;
    }
    return out;
  }

  /** Trajectory j's predicted labels sign(w·ξ^μ) of the training set (±1, sign(0) = +1), computed in wasm. */
  trainingPredictions(j = 0): Int8Array {
    const p = this.#state(j);
    const { trainSize } = this.#requireTrainingSet();
    if (!this.#predictions) this.#predictions = this.wasm.alloc(Math.ceil(trainSize / 8) * 8, "predictions");
    this.wasm.exports.perceptron_predict(p, this.#trainRows, trainSize, this.#predictions);
    return new Int8Array(this.wasm.u8.buffer, this.#predictions, trainSize).slice();
  }

  #predictions = 0;

  #requireTrainingSet(): PerceptronConfig {
    if (this.config.trainSize === 0) throw new RangeError("this simulation has no training set (trainSize is 0)");
    return this.config;
  }

  /**
   * Cumulative heat q of trajectory j (total, not per weight; nats, k_B T = 1): the heat the weights
   * dissipate into the medium, summed step by step as the work of the force the Euler–Maruyama step
   * applies, q_t = Σ_i (−k w_mid,i + f_i(w_t)) Δw_i with w_mid = (w_t + w_{t+Δt})/2. The restoring
   * force −kw is taken at the Stratonovich midpoint (so its part is exactly −ΔV for V = k|w|²/2);
   * the learning force f is the one the step applied, at w_t with the step's inputs, held over the
   * step. For fresh random inputs (no training set) the step adds D Δt ∇·f̄(w_t), ∇·f̄ = ν√n⟨𝓕′⟩ in
   * closed form: the mean of the Stratonovich term of the thermal noise, without which the Perceptron,
   * AdaTron and α-tron rules would show a spurious steady heat D ν̃ |⟨𝓕′⟩| per weight (Hebbian: 0).
   * Each step then obeys the first law ΔV = W_t − q_t with W the learning work ({@link Perceptron.work}).
   * Re-evaluating 𝓕 at A(w_mid) instead would fold the step's own update into the force and bias the
   * heat of the rules whose 𝓕 jumps at A = 0 at any finite Δt. With inputs "averaged" (no training
   * set) the learning force is smooth and is taken at the midpoint: the exact Stratonovich heat.
   * With a training set the divergence term is omitted (exact for Hebbian; see docs/perceptron-theory.md).
   */
  heat(j = 0): number {
    return this.wasm.exports.perceptron_heat(this.#state(j));
  }

  /** Cumulative work W of the learning force on trajectory j (total, nats): ΔV = W − q step by step. */
  work(j = 0): number {
    return this.wasm.exports.perceptron_work(this.#state(j));
  }

  /** Cumulative excess heat of trajectory j (total, nats; see {@link PerceptronObservation.excessHeat}). */
  excessHeat(j = 0): number {
    return this.wasm.exports.perceptron_excess(this.#state(j));
  }

  /**
   * The averaged-force coefficients the wasm step uses at correlation rho = T̂·ŵ and Q = |w|²/n:
   * f̄ = ν(a T̂ + b ŵ) and ⟨𝓕′⟩ (for tests against src/perceptron/averaged.ts).
   */
  averagedForce(
    rho: number,
    Q: number,
  ): {
    /** Coefficient of T̂ in f̄/ν. */
    a: number;
    /** Coefficient of ŵ in f̄/ν. */
    b: number;
    /** ⟨𝓕′⟩, the mean slope of the learning force. */
    slope: number;
  } {
    check.finite("rho", rho);
    check.positive("Q", Q);
    const e = this.wasm.exports;
    e.perceptron_averaged_force(this.#states[0], rho, Q, this.#scratch);
    const f = this.wasm.f64,
      at = this.#scratch >> 3;
    return { a: f[at], b: f[at + 1], slope: f[at + 2] };
  }

  /**
   * Saves weights, generator states, heat (sum and compensation, so a replay is bit-exact) and clocks,
   * for {@link Perceptron.restore}.
   */
  checkpoint(): PerceptronCheckpoint {
    const e = this.wasm.exports;
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      steps: this.#steps,
      trajectories: this.#states.map((p, j) => {
        const rng = e.perceptron_rng(p) >> 2;
        e.perceptron_heat_parts(p, this.#scratch);
        e.perceptron_sums(p, this.#scratch + 16);
        const f = this.wasm.f64,
          at = this.#scratch >> 3;
        return {
          weights: Array.from(this.weights(j)),
          rng: Array.from(this.wasm.u32.subarray(rng, rng + 8)),
          heat: f[at],
          heatCompensation: f[at + 1],
          work: f[at + 2],
          workCompensation: f[at + 3],
          excess: f[at + 4],
          excessCompensation: f[at + 5],
          forceVariance: f[at + 6],
          cursor: e.perceptron_cursor(p),
        };
      }),
    };
  }

  /**
   * Restores a {@link Perceptron.checkpoint} of a simulation with the same config. The checkpoint is
   * validated as strictly as options, before anything is written.
   * @throws TypeError/RangeError naming the bad field (`checkpoint.trajectories[j].rng`, …).
   */
  restore(saved: PerceptronCheckpoint): void {
    const trajectories = checkCheckpoint(saved, this.config, this.#states.length);
    const e = this.wasm.exports;
    this.#states.forEach((p, j) => {
      const t = trajectories[j];
      this.wasm.f64.set(t.weights, e.perceptron_weights(p) >> 3);
      this.wasm.u32.set(t.rng, e.perceptron_rng(p) >> 2);
      e.perceptron_set_clock(p, t.heat, t.heatCompensation, t.cursor, 0);
      e.perceptron_set_sums(p, t.work, t.workCompensation, t.excess, t.excessCompensation, t.forceVariance);
    });
    this.#steps = saved.steps;
    this.#divergedAt = null;
  }
}

/** The `format` and `version` of a {@link PerceptronCheckpoint}; restore reads this version only. */
const CHECKPOINT_FORMAT = "thermolearn/perceptron";
const CHECKPOINT_VERSION = 2;

/** A saved {@link Perceptron} state. */
export interface PerceptronCheckpoint {
  /** Always "thermolearn/perceptron". */
  format: typeof CHECKPOINT_FORMAT;
  /** The layout's version, 2 (version 2 added the work, excess and force-variance sums). */
  version: typeof CHECKPOINT_VERSION;
  /** Steps taken when it was saved. */
  steps: number;
  /**
   * Per trajectory: weights, xoshiro256++ state (8 u32 words), the compensated sums (and their
   * compensations) of heat, work and excess heat, the force-variance sum, the sweep cursor. Plain
   * numbers and arrays, so `JSON.stringify` → `JSON.parse` gives back the same checkpoint (doubles
   * print exactly); restore also takes typed arrays.
   */
  trajectories: {
    /** The n weights. */
    weights: number[] | Float64Array;
    /** xoshiro256++ state, 8 u32 words. */
    rng: number[] | Uint32Array;
    /** Compensated sum of the heat, nats (not per weight). */
    heat: number;
    /** Kahan compensation of `heat`. */
    heatCompensation: number;
    /** Compensated sum of the work of the learning force, nats. */
    work: number;
    /** Kahan compensation of `work`. */
    workCompensation: number;
    /** Compensated sum of the excess heat, nats. */
    excess: number;
    /** Kahan compensation of `excess`. */
    excessCompensation: number;
    /** Sum of the per-step learning-force variance estimates. */
    forceVariance: number;
    /** Position of the "sweep" sampling in the training set (row index). */
    cursor: number;
  }[];
}

/** The {@link DivergedError} of a simulation that diverged at `time`; `detail` is `{ time }`. */
function divergedError(time: number): DivergedError {
  return new DivergedError(
    `the simulation diverged at t = ${time} (weights became non-finite or exceeded maxWeightRms)`,
    { time },
  );
}

/** 8 xoshiro256++ state words (a Uint32Array or an array of integers in [0, 2³²)), not all zero. */
function checkRngWords(name: string, value: unknown): Uint32Array {
  const words = value instanceof Uint32Array || Array.isArray(value) ? value : undefined;
  if (words === undefined || words.length !== 8) {
    throw new TypeError(`${name} must be 8 u32 words (a Uint32Array or an array of 8 integers)`);
  }
  const out = new Uint32Array(8);
  for (let i = 0; i < 8; i++) out[i] = check.integer(`${name}[${i}]`, words[i], 0, 2 ** 32 - 1);
  if (out.every((x) => x === 0)) throw new RangeError(`${name} must not be all zero (the generator's fixed point)`);
  return out;
}

/** |x|² of a vector. */
function normSquared(x: Float64Array): number {
  let sq = 0;
  for (let i = 0; i < x.length; i++) sq += x[i] * x[i];
  return sq;
}

/** A given teacher must have a finite, non-zero |T|² (only its direction matters). */
function checkTeacher(T: Float64Array): Float64Array {
  const sq = normSquared(T);
  if (!(sq > 0 && sq < Infinity)) throw new RangeError(`teacher: |T|² must be finite and > 0, got ${sq}`);
  return T;
}

/** Initial weights must start inside the divergence bound: |w|/√n ≤ maxWeightRms/10 and finite. */
function checkInitialWeights(w: Float64Array, maxWeightRms: number): Float64Array {
  const rms = Math.sqrt(normSquared(w) / w.length);
  if (!(rms <= maxWeightRms / 10)) {
    throw new RangeError(
      `init: the given weights have rms ${rms}, too close to maxWeightRms = ${maxWeightRms} (need ≤ a tenth of it)`,
    );
  }
  return w;
}

/**
 * Checks every field of a checkpoint against the simulation it is restored into; returns its
 * trajectories with weights copied.
 */
function checkCheckpoint(saved: unknown, c: PerceptronConfig, count: number): PerceptronCheckpoint["trajectories"] {
  const name = "checkpoint";
  if (typeof saved !== "object" || saved === null) throw new TypeError(`${name} must be an object from checkpoint()`);
  const { format, version, steps, trajectories } = saved as Partial<PerceptronCheckpoint>;
  check.oneOf(`${name}.format`, format, [CHECKPOINT_FORMAT]);
  check.finite(`${name}.version`, version);
  if (version !== CHECKPOINT_VERSION) {
    const want = `${CHECKPOINT_VERSION} (the version this thermolearn writes)`;
    throw new RangeError(`${name}.version must be ${want}, got ${version}`);
  }
  check.integer(`${name}.steps`, steps, 0, Number.MAX_SAFE_INTEGER);
  if (!Array.isArray(trajectories)) throw new TypeError(`${name}.trajectories must be an array`);
  if (trajectories.length !== count) {
    throw new RangeError(`${name} has ${trajectories.length} trajectories, this simulation ${count}`);
  }
  // A training set is swept from its cursor; without one the cursor stays 0.
  const maxCursor = c.sampling === "sweep" ? c.trainSize - 1 : 0;
  return trajectories.map((t, j) => {
    const at = `${name}.trajectories[${j}]`;
    if (typeof t !== "object" || t === null) throw new TypeError(`${at} must be an object`);
    const rng = checkRngWords(`${at}.rng`, t.rng);
    return {
      weights: check.vector(`${at}.weights`, t.weights, c.n),
      rng,
      heat: check.finite(`${at}.heat`, t.heat),
      heatCompensation: check.finite(`${at}.heatCompensation`, t.heatCompensation),
      work: check.finite(`${at}.work`, t.work),
      workCompensation: check.finite(`${at}.workCompensation`, t.workCompensation),
      excess: check.finite(`${at}.excess`, t.excess),
      excessCompensation: check.finite(`${at}.excessCompensation`, t.excessCompensation),
      forceVariance: check.nonNegative(`${at}.forceVariance`, t.forceVariance),
      cursor: check.integer(`${at}.cursor`, t.cursor, 0, maxCursor),
    };
  });
}
