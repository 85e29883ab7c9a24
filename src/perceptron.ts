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
 * Conventions: sign(0) = +1 (labels and predictions are ±1), Θ(0) = 0; heat and entropy in nats
 * (k_B T = 1). The hot loop runs in wasm (assembly/perceptron.ts); this file validates options,
 * seeds the streams, records observables and computes the ensemble quantities.
 */
import { WasmInstance, formatBytes } from "./core/instance.js";
import type { Backend } from "./core/loader.js";
import { MAX_MEMORY_BYTES, RULE_CODES, SAMPLING_CODES, STATUS_DIVERGED } from "./core/abi.js";
import * as check from "./core/validate.js";
import { streamSeed } from "./rng.js";
import { VERSION } from "./version.js";
import { checkRunCallbacks, driveAsync, driveSync, type Progress } from "./core/drive.js";

export type { Progress };

/** Learning rules 𝓕(A, σ_T) of spec §1: 1; Θ(−σA); |A|Θ(−σA); Θ(−σA) + |A|^α Θ(σA). */
export type LearningRule = "hebbian" | "perceptron" | "adatron" | "alphatron";
export const LEARNING_RULES: readonly LearningRule[] = ["hebbian", "perceptron", "adatron", "alphatron"];

/** Options of {@link Perceptron}. Defaults are the blog's experiment (n = 10⁴, ν = 3√n, Δt = 10⁻³, B = 30). */
export interface PerceptronOptions {
  /** Number of weights. Default 10 000. */
  n?: number;
  /** Learning rule. Default "hebbian". */
  rule?: LearningRule;
  /** Exponent α of the α-tron (rule "alphatron"). Default 0.5. α ≥ 1 diverges at the default ν, k. */
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
  n: number; rule: LearningRule; alpha: number; k: number; nu: number; D: number; dt: number; batch: number;
  trainSize: number; sampling: "online" | "replacement" | "sweep"; testSize: number;
  trajectories: number; firstTrajectory: number; seed: number;
  teacher: "per-trajectory" | "shared" | "given"; init: "equilibrium" | "zero" | "given"; maxWeightRms: number;
}

const OPTION_KEYS = [
  "n", "rule", "alpha", "k", "nu", "nuTilde", "D", "dt", "batch", "trainSize", "sampling", "testSize", "trajectories",
  "firstTrajectory", "seed", "teacher", "init", "maxWeightRms", "backend",
] as const;

/** Streams reserved for data shared by all trajectories (trajectories use 0 … 2³² − 5). */
const TEACHER_STREAM = 2 ** 32 - 1;
const TRAIN_STREAM = 2 ** 32 - 2;
const TEST_STREAM = 2 ** 32 - 3;
const MAX_TRAJECTORY_STREAM = 2 ** 32 - 5;

/** Largest allowed maxWeightRms: keeps |w|² = rms²·n (n ≤ 2²⁴) far inside the f64 range. */
const MAX_WEIGHT_RMS = 1e100;

/** `teacher` or `init`: one of the named choices, or a vector of n finite numbers (checked later). */
function choiceOrVector<T extends string>(name: string, value: unknown, choices: readonly T[]): T | "given" {
  if (typeof value === "string") return check.oneOf(name, value, choices);
  if (value instanceof Float64Array || Array.isArray(value)) return "given";
  throw new TypeError(`${name} must be one of ${choices.map((c) => JSON.stringify(c)).join(", ")}, or a Float64Array or number[] of length n`);
}

/** Validates options once and fills in defaults. @throws TypeError/RangeError naming the option. */
export function resolvePerceptronConfig(options?: PerceptronOptions): PerceptronConfig {
  options = check.options("Perceptron", options, OPTION_KEYS);
  check.backend(options.backend);
  const n = check.integer("n", options.n ?? 10_000, 1, 2 ** 24);
  const rule = check.oneOf("rule", options.rule ?? "hebbian", LEARNING_RULES);
  const alpha = check.positive("alpha", options.alpha ?? 0.5);
  const k = check.nonNegative("k", options.k ?? 1);
  if (options.nu !== undefined && options.nuTilde !== undefined) throw new TypeError("give nu or nuTilde, not both");
  const nu = options.nuTilde !== undefined
    ? check.nonNegative("nuTilde", options.nuTilde) * Math.sqrt(n)
    : check.nonNegative("nu", options.nu ?? 3 * Math.sqrt(n));
  const D = check.nonNegative("D", options.D ?? 1);
  const dt = check.positive("dt", options.dt ?? 1e-3);
  if (!(k * dt < 2)) throw new RangeError(`dt must satisfy k·dt < 2 for a stable Euler–Maruyama step, got k·dt = ${k * dt}`);
  const batch = check.integer("batch", options.batch ?? 30, 1, 4096);
  const trainSize = check.integer("trainSize", options.trainSize ?? 0, 0, 2 ** 31 - 1);
  const sampling = trainSize === 0 ? "online" : check.oneOf("sampling", options.sampling ?? "replacement", ["replacement", "sweep"] as const);
  if (trainSize === 0 && options.sampling !== undefined) throw new RangeError("sampling needs a training set: set trainSize > 0");
  const testSize = check.integer("testSize", options.testSize ?? 0, 0, 2 ** 31 - 1);
  const trajectories = check.integer("trajectories", options.trajectories ?? 1, 1, 100_000);
  const firstTrajectory = check.integer("firstTrajectory", options.firstTrajectory ?? 0, 0, MAX_TRAJECTORY_STREAM);
  if (firstTrajectory + trajectories - 1 > MAX_TRAJECTORY_STREAM) throw new RangeError(`firstTrajectory + trajectories must be ≤ ${MAX_TRAJECTORY_STREAM + 1}`);
  const seed = check.seed("seed", options.seed ?? 0);
  const teacher = choiceOrVector("teacher", options.teacher ?? "per-trajectory", ["per-trajectory", "shared"] as const);
  const init = choiceOrVector("init", options.init ?? "equilibrium", ["equilibrium", "zero"] as const);
  if (init === "equilibrium" && !(k > 0)) throw new RangeError('init "equilibrium" (w ~ N(0, D/k)) needs k > 0; use init: "zero" or give the weights');
  const maxWeightRms = check.positive("maxWeightRms", options.maxWeightRms ?? 1e6);
  if (maxWeightRms > MAX_WEIGHT_RMS) throw new RangeError(`maxWeightRms must be ≤ ${MAX_WEIGHT_RMS}, got ${maxWeightRms}`);
  // The equilibrium start has rms √(D/k) per weight; past the divergence bound it would start diverged.
  if (init === "equilibrium" && !(Math.sqrt(D / k) <= maxWeightRms / 10)) {
    throw new RangeError(`D/k = ${D / k} gives an equilibrium start with weight rms √(D/k) = ${Math.sqrt(D / k)}, too close to maxWeightRms = ${maxWeightRms} (need ≤ a tenth of it)`);
  }
  return { n, rule, alpha, k, nu, D, dt, batch, trainSize, sampling, testSize, trajectories, firstTrajectory, seed, teacher, init, maxWeightRms };
}

/**
 * Bytes of wasm memory one simulation needs (checked before anything is allocated), following
 * assembly/perceptron.ts `perceptron_create`: per trajectory four n-vectors (w, T, noise, force), two
 * n·G input-byte buffers (this step's and the next), the (w, T) histogram and force tables (6 KiB per
 * group) and three 8G-member vectors; 512 bytes cover the struct, the generator state
 * and the 16-byte alignment of each block. Shared: the input rows and a shared teacher.
 */
function memoryNeeded(c: PerceptronConfig): { total: number; perTrajectory: number } {
  const groups = Math.ceil(c.batch / 8);
  const perTrajectory = 4 * 8 * c.n + 2 * c.n * groups + 6 * groups * 1024 + 3 * 64 * groups + 512;
  const shared = c.n * (c.trainSize + c.testSize) + (c.teacher === "shared" ? 8 * c.n : 0) + (1 << 16);
  return { total: perTrajectory * c.trajectories + shared, perTrajectory };
}

function checkMemory(c: PerceptronConfig): void {
  const { total, perTrajectory } = memoryNeeded(c);
  if (total <= MAX_MEMORY_BYTES) return;
  const data = c.n * (c.trainSize + c.testSize);
  const culprit = data > perTrajectory * c.trajectories
    ? (c.trainSize >= c.testSize ? "trainSize" : "testSize")
    : "trajectories";
  throw new RangeError(`${culprit} too large: this simulation needs ${formatBytes(total)} of wasm memory, more than the ${formatBytes(MAX_MEMORY_BYTES)} limit`);
}

/** One snapshot of every trajectory, from {@link Perceptron.observe}. Arrays have one entry per trajectory. */
export interface PerceptronObservation {
  /** Time t = steps·Δt. */
  t: number;
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
}

/** Thrown by {@link Perceptron.observe} after a trajectory diverged. */
export class DivergedError extends Error {
  constructor(readonly time: number) {
    super(`the simulation diverged at t = ${time} (weights became non-finite or exceeded maxWeightRms)`);
    this.name = "DivergedError";
  }
}

/**
 * S(x) = −x ln x − (1−x) ln(1−x), nats, with S(0) = S(1) = 0.
 * @throws TypeError/RangeError unless x is a number in [0, 1].
 */
export function binaryEntropy(x: number): number {
  check.probability("x", x);
  const h = (p: number) => (p > 0 ? -p * Math.log(p) : 0);
  return h(x) + h(1 - x);
}

/**
 * Mutual information between true and predicted label, I = ln 2 − S(ε) (spec §1), nats.
 * @throws TypeError/RangeError unless epsilon is a number in [0, 1].
 */
export function mutualInformation(epsilon: number): number {
  check.probability("epsilon", epsilon);
  return Math.LN2 - binaryEntropy(epsilon);
}

function angleError(wT: number, ww: number, TT: number): number {
  if (!(ww > 0) || !(TT > 0)) return 0.5;
  return Math.acos(Math.max(-1, Math.min(1, wT / (Math.sqrt(ww) * Math.sqrt(TT))))) / Math.PI;
}

/**
 * An ensemble of stochastic-perceptron trajectories in wasm memory. `step(count)` runs inside wasm;
 * `observe()` reads the observables. All memory is allocated in the constructor, so views from
 * {@link Perceptron.weightsView} stay valid until {@link Perceptron.dispose}.
 * @example
 * const sim = new Perceptron({ n: 1000, rule: "perceptron", seed: 1 });
 * sim.step(5000);
 * console.log(sim.observe().epsilon[0]);
 * sim.dispose();
 */
export class Perceptron {
  readonly config: PerceptronConfig;
  /** The seed of each trajectory's stream, streamSeed(seed, firstTrajectory + j). */
  readonly trajectorySeeds: readonly number[];
  readonly backend: Backend;
  readonly #wasm: WasmInstance;
  readonly #states: number[] = [];
  readonly #scratch: number;
  readonly #testRows: number;
  #steps = 0;
  #divergedAt: number | null = null;
  #variance0: Float64Array | null = null;

  /** @throws TypeError/RangeError naming a bad option, or when the memory needed exceeds the limit. */
  constructor(options?: PerceptronOptions) {
    const c = (this.config = resolvePerceptronConfig(options));
    const o = options ?? {};
    const teacher = c.teacher === "given" ? checkTeacher(check.vector("teacher", o.teacher, c.n)) : null;
    const init = c.init === "given" ? checkInitialWeights(check.vector("init", o.init, c.n), c.maxWeightRms) : null;
    checkMemory(c);
    this.#wasm = new WasmInstance("Perceptron", o.backend);
    this.backend = this.#wasm.backend;
    const e = this.#wasm.exports;
    this.#scratch = this.#wasm.alloc(64, "scratch");
    this.trajectorySeeds = Array.from({ length: c.trajectories }, (_, j) => streamSeed(c.seed, c.firstTrajectory + j));

    const trainRows = c.trainSize > 0 ? this.#randomRows(c.trainSize, TRAIN_STREAM, "trainSize") : 0;
    this.#testRows = c.testSize > 0 ? this.#randomRows(c.testSize, TEST_STREAM, "testSize") : 0;
    const sharedTeacher = teacher ?? (c.teacher === "shared" ? this.#sharedTeacher() : null);

    for (const trajectorySeed of this.trajectorySeeds) {
      const [hi, lo] = check.seedWords(trajectorySeed);
      const p = e.perceptron_create(c.n, c.batch, RULE_CODES[c.rule], c.alpha, c.k, c.nu, c.D, c.dt, c.maxWeightRms, SAMPLING_CODES[c.sampling], hi, lo);
      if (p === 0) throw new RangeError("n × trajectories: wasm memory could not grow");
      this.#states.push(p);
      // Stream order per trajectory: its teacher (if per-trajectory), then its initial weights, then the dynamics.
      if (sharedTeacher) this.#wasm.f64.set(sharedTeacher, e.perceptron_teacher(p) >> 3);
      else e.perceptron_fill_gaussian(p, 0, 1);
      if (init) this.#wasm.f64.set(init, e.perceptron_weights(p) >> 3);
      else if (c.init === "equilibrium") e.perceptron_fill_gaussian(p, 1, Math.sqrt(c.D / c.k));
      if (trainRows) e.perceptron_set_train_set(p, trainRows, c.trainSize);
      e.perceptron_set_clock(p, 0, 0, 0, 0);
    }
    if (c.trajectories >= 2) this.#variance0 = this.#weightVariance();
  }

  /** Allocates `rows` × n input bytes in {0, 1} (ξ = −1/+1) drawn from a shared stream. */
  #randomRows(rows: number, stream: number, what: string): number {
    const n = this.config.n;
    const bytes = rows * n;
    const address = this.#wasm.alloc(Math.ceil(bytes / 8) * 8, what);
    const e = this.#wasm.exports;
    const [hi, lo] = check.seedWords(streamSeed(this.config.seed, stream));
    const rng = e.rng_create(hi, lo);
    e.rng_fill_u64(rng, address, Math.ceil(bytes / 8));
    const u8 = this.#wasm.u8;
    for (let i = address; i < address + bytes; i++) u8[i] &= 1;
    return address;
  }

  #sharedTeacher(): Float64Array {
    const e = this.#wasm.exports;
    const [hi, lo] = check.seedWords(streamSeed(this.config.seed, TEACHER_STREAM));
    const rng = e.rng_create(hi, lo);
    const out = this.#wasm.alloc(8 * this.config.n, "teacher");
    e.rng_fill_normal(rng, out, this.config.n);
    return this.#wasm.f64Copy(out, this.config.n);
  }

  /** Steps taken by the ensemble. */
  get steps(): number { return this.#steps; }
  /** Time t = steps·Δt. */
  get time(): number { return this.#steps * this.config.dt; }
  /** "diverged" once any trajectory's weights left the finite range. */
  get status(): "running" | "diverged" { return this.#divergedAt === null ? "running" : "diverged"; }
  /** Time at which the first trajectory diverged, or null. */
  get divergedAt(): number | null { return this.#divergedAt; }

  /**
   * Advances every trajectory by `count` Euler–Maruyama steps (the loop runs in wasm). Stops at the
   * first divergence; check {@link Perceptron.status}.
   * @returns the steps the ensemble advanced.
   * @throws RangeError for a count that is not an integer in [0, 2³¹).
   */
  step(count = 1): number {
    check.integer("count", count, 0, 2 ** 31 - 1);
    if (this.#divergedAt !== null) return 0;
    const e = this.#wasm.exports;
    // A trajectory that diverges stops at the step that diverged (which may be the call's last).
    let advanced = count, diverged = false;
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
    if (this.#divergedAt !== null) throw new DivergedError(this.#divergedAt);
    const e = this.#wasm.exports;
    const { n, trajectories, testSize } = this.config;
    const make = () => new Float64Array(trajectories);
    const o: PerceptronObservation = {
      t: this.time, steps: this.#steps, epsilon: make(), testError: testSize > 0 ? make() : null,
      R: make(), Q: make(), weightNorm: make(), information: make(), heat: make(),
    };
    this.#states.forEach((p, j) => {
      e.perceptron_order_params(p, this.#scratch);
      const f = this.#wasm.f64, base = this.#scratch >> 3;
      const [wT, ww, TT] = [f[base], f[base + 1], f[base + 2]];
      o.epsilon[j] = angleError(wT, ww, TT);
      o.information[j] = mutualInformation(o.epsilon[j]);
      o.R[j] = wT / n;
      o.Q[j] = ww / n;
      o.weightNorm[j] = Math.sqrt(ww);
      o.heat[j] = e.perceptron_heat(p) / n;
      if (o.testError) o.testError[j] = e.perceptron_count_errors(p, this.#testRows, testSize) / testSize;
    });
    return o;
  }

  /** Per-weight variance of w_n across trajectories (sample variance, M − 1). */
  #weightVariance(): Float64Array {
    const { n, trajectories: M } = this.config;
    const mean = new Float64Array(n), m2 = new Float64Array(n);
    this.#states.forEach((p, j) => {
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
    const v0 = this.#variance0, v = this.#weightVariance();
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
    this.#wasm.exports; // throws DisposedError after dispose
    return this.#states[j];
  }

  /** A copy of trajectory j's weights. */
  weights(j = 0): Float64Array {
    return this.#wasm.f64Copy(this.#wasm.exports.perceptron_weights(this.#state(j)), this.config.n);
  }

  /** Zero-copy view of trajectory j's weights (live; valid until dispose). */
  weightsView(j = 0): Float64Array {
    return this.#wasm.f64View(this.#wasm.exports.perceptron_weights(this.#state(j)), this.config.n);
  }

  /** A copy of trajectory j's teacher. */
  teacher(j = 0): Float64Array {
    return this.#wasm.f64Copy(this.#wasm.exports.perceptron_teacher(this.#state(j)), this.config.n);
  }

  /**
   * The last step's random draws of trajectory j, for checking the wasm step against a reference:
   * `inputs` (n × ⌈B/8⌉ bytes, bit j of byte i·G + g is ξ_{8g+j,i} > 0) and `noise` (n Gaussians).
   */
  lastDraws(j = 0): { inputs: Uint8Array; noise: Float64Array } {
    const e = this.#wasm.exports, p = this.#state(j);
    const { n, batch } = this.config;
    const address = e.perceptron_inputs(p);
    return {
      inputs: this.#wasm.u8.slice(address, address + n * Math.ceil(batch / 8)),
      noise: this.#wasm.f64Copy(e.perceptron_noise(p), n),
    };
  }

  /**
   * Cumulative heat q of trajectory j (total, not per weight; nats, k_B T = 1): the heat the weights
   * dissipate into the medium, summed step by step as the work of the force the Euler–Maruyama step
   * applies, q_t = Σ_i (−k w_mid,i + f_i(w_t)) Δw_i with w_mid = (w_t + w_{t+Δt})/2. The restoring
   * force −kw is taken at the Stratonovich midpoint (so its part is exactly −ΔV for V = k|w|²/2);
   * the learning force f is the one the step applied, at w_t with the step's inputs, held over the
   * step. Each step then obeys the first law ΔV = f·Δw − q_t. Re-evaluating 𝓕 at A(w_mid) instead
   * would fold the step's own update into the force and bias the heat of the Perceptron, AdaTron and
   * α-tron rules (whose 𝓕 jumps at A = 0) at any finite Δt; both converge as Δt → 0.
   */
  heat(j = 0): number {
    return this.#wasm.exports.perceptron_heat(this.#state(j));
  }

  /** Saves weights, generator states, heat (sum and compensation, so a replay is bit-exact) and clocks, for {@link Perceptron.restore}. */
  checkpoint(): PerceptronCheckpoint {
    const e = this.#wasm.exports;
    return {
      steps: this.#steps,
      trajectories: this.#states.map((p, j) => {
        const rng = e.perceptron_rng(p) >> 2;
        e.perceptron_heat_parts(p, this.#scratch);
        const f = this.#wasm.f64, at = this.#scratch >> 3;
        return {
          weights: this.weights(j), rng: this.#wasm.u32.slice(rng, rng + 8), heat: f[at], heatCompensation: f[at + 1],
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
    const e = this.#wasm.exports;
    this.#states.forEach((p, j) => {
      const t = trajectories[j];
      this.#wasm.f64.set(t.weights, e.perceptron_weights(p) >> 3);
      this.#wasm.u32.set(t.rng, e.perceptron_rng(p) >> 2);
      e.perceptron_set_clock(p, t.heat, t.heatCompensation, t.cursor, 0);
    });
    this.#steps = saved.steps;
    this.#divergedAt = null;
  }

  /** Frees the wasm instance. Idempotent; later use throws DisposedError. */
  dispose(): void {
    this.#wasm.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** A saved {@link Perceptron} state. */
export interface PerceptronCheckpoint {
  /** Steps taken when it was saved. */
  steps: number;
  /** Per trajectory: weights, xoshiro256++ state (8 u32 words), the heat's compensated sum and its compensation, the sweep cursor. */
  trajectories: { weights: Float64Array; rng: Uint32Array; heat: number; heatCompensation: number; cursor: number }[];
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
  if (!(rms <= maxWeightRms / 10)) throw new RangeError(`init: the given weights have rms ${rms}, too close to maxWeightRms = ${maxWeightRms} (need ≤ a tenth of it)`);
  return w;
}

/** Checks every field of a checkpoint against the simulation it is restored into; returns its trajectories with weights copied. */
function checkCheckpoint(saved: unknown, c: PerceptronConfig, count: number): PerceptronCheckpoint["trajectories"] {
  const name = "checkpoint";
  if (typeof saved !== "object" || saved === null) throw new TypeError(`${name} must be an object from checkpoint()`);
  const { steps, trajectories } = saved as Partial<PerceptronCheckpoint>;
  check.integer(`${name}.steps`, steps, 0, Number.MAX_SAFE_INTEGER);
  if (!Array.isArray(trajectories)) throw new TypeError(`${name}.trajectories must be an array`);
  if (trajectories.length !== count) throw new RangeError(`${name} has ${trajectories.length} trajectories, this simulation ${count}`);
  // A training set is swept from its cursor; without one the cursor stays 0.
  const maxCursor = c.sampling === "sweep" ? c.trainSize - 1 : 0;
  return trajectories.map((t, j) => {
    const at = `${name}.trajectories[${j}]`;
    if (typeof t !== "object" || t === null) throw new TypeError(`${at} must be an object`);
    const rng = t.rng;
    if (!(rng instanceof Uint32Array) || rng.length !== 8) throw new TypeError(`${at}.rng must be a Uint32Array of 8 words`);
    if (rng.every((x) => x === 0)) throw new RangeError(`${at}.rng must not be all zero (the generator's fixed point)`);
    return {
      weights: check.vector(`${at}.weights`, t.weights, c.n),
      rng,
      heat: check.finite(`${at}.heat`, t.heat),
      heatCompensation: check.finite(`${at}.heatCompensation`, t.heatCompensation),
      cursor: check.integer(`${at}.cursor`, t.cursor, 0, maxCursor),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Runs with recording
// ---------------------------------------------------------------------------------------------

/** Options of {@link simulatePerceptron} and {@link runPerceptron}: the model's options plus the run's. */
export interface PerceptronRunOptions extends PerceptronOptions {
  /** Steps to run. Default: tEnd/dt. */
  steps?: number;
  /** End time (alternative to steps). Default 10. */
  tEnd?: number;
  /** Record the observables every this many steps. Default: steps/500, at least 1. */
  recordEvery?: number;
  /** Called after each recorded chunk. */
  onProgress?: (progress: Progress) => void;
  /** Stops the run early; the result then has status "aborted" and holds what was recorded. */
  signal?: AbortSignal;
}

/** Observable names recorded per trajectory (mean in the result's columns, spread in `std`). */
export const PERCEPTRON_COLUMNS = ["epsilon", "testError", "R", "Q", "weightNorm", "information", "heat"] as const;
export type PerceptronColumn = (typeof PERCEPTRON_COLUMNS)[number];

/** A recorded run: columnar typed arrays of equal length, ready for any chart library. */
export interface PerceptronResult {
  version: string;
  config: PerceptronConfig;
  seed: number;
  trajectorySeeds: number[];
  backend: Backend;
  /** "completed", "diverged" (see divergedAt) or "aborted" (by the signal). */
  status: "completed" | "diverged" | "aborted";
  divergedAt: number | null;
  /** Steps run. */
  steps: number;
  t: Float64Array;
  /** Ensemble means of the per-trajectory observables (testError is null without a test set). */
  epsilon: Float64Array;
  testError: Float64Array | null;
  R: Float64Array;
  Q: Float64Array;
  weightNorm: Float64Array;
  information: Float64Array;
  heat: Float64Array;
  /** Sample standard deviations across trajectories (0 for a single trajectory). */
  std: Record<PerceptronColumn, Float64Array | null>;
  /** ΔS(w_n) per weight (needs ≥ 2 trajectories and a random start), else null. */
  entropyChange: Float64Array | null;
  /** η = I/(ΔS(w_n) + q/n) where the denominator is > 0, else 0; null when entropyChange is. */
  efficiency: Float64Array | null;
  /** Wall-clock time of the run, ms. */
  elapsedMs: number;
}

interface Plan { steps: number; recordEvery: number; }

const RUN_KEYS = [...OPTION_KEYS, "steps", "tEnd", "recordEvery", "onProgress", "signal"] as const;

function resolvePlan(options: PerceptronRunOptions, dt: number): Plan {
  if (options.steps !== undefined && options.tEnd !== undefined) throw new TypeError("give steps or tEnd, not both");
  const steps = options.steps !== undefined
    ? check.integer("steps", options.steps, 0, 2 ** 40)
    : Math.round(check.positive("tEnd", options.tEnd ?? 10) / dt);
  if (!(steps <= 2 ** 40)) throw new RangeError(`tEnd/dt must be ≤ 2⁴⁰ steps, got ${steps}`);
  const recordEvery = check.integer("recordEvery", options.recordEvery ?? Math.max(1, Math.round(steps / 500)), 1, 2 ** 31 - 1);
  checkRunCallbacks(options);
  return { steps, recordEvery };
}

/** The model's options out of a run's options (drops steps, tEnd, recordEvery, onProgress, signal). */
export function modelOptions(options: PerceptronRunOptions): PerceptronOptions {
  const { steps: _s, tEnd: _t, recordEvery: _r, onProgress: _o, signal: _g, ...model } = options;
  return model;
}

/** Mean and sample standard deviation of an array. */
function meanStd(x: Float64Array): [number, number] {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += (x[i] - mean) / (i + 1);
  if (x.length < 2) return [mean, 0];
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  return [mean, Math.sqrt(ss / (x.length - 1))];
}

/** Accumulates records, then packs them into the columnar result. */
class Recorder {
  readonly t: number[] = [];
  readonly mean = new Map<PerceptronColumn, number[]>();
  readonly std = new Map<PerceptronColumn, number[]>();
  readonly entropy: number[] = [];
  hasEntropy = true;

  record(sim: Perceptron): void {
    const o = sim.observe();
    this.t.push(o.t);
    for (const name of PERCEPTRON_COLUMNS) {
      const values = o[name];
      if (!values) continue;
      const [m, s] = meanStd(values);
      if (!this.mean.has(name)) { this.mean.set(name, []); this.std.set(name, []); }
      this.mean.get(name)!.push(m);
      this.std.get(name)!.push(s);
    }
    const dS = this.hasEntropy ? sim.entropyChange() : null;
    if (dS === null) this.hasEntropy = false;
    else this.entropy.push(dS);
  }

  result(sim: Perceptron, status: PerceptronResult["status"], elapsedMs: number): PerceptronResult {
    const column = (name: PerceptronColumn) => (this.mean.has(name) ? Float64Array.from(this.mean.get(name)!) : null);
    const information = column("information") ?? new Float64Array(0);
    const heat = column("heat") ?? new Float64Array(0);
    const entropyChange = this.hasEntropy && this.entropy.length === this.t.length ? Float64Array.from(this.entropy) : null;
    let efficiency: Float64Array | null = null;
    if (entropyChange) {
      efficiency = new Float64Array(this.t.length);
      for (let i = 0; i < efficiency.length; i++) {
        const cost = entropyChange[i] + heat[i];
        efficiency[i] = cost > 0 ? information[i] / cost : 0;
      }
    }
    const std = {} as Record<PerceptronColumn, Float64Array | null>;
    for (const name of PERCEPTRON_COLUMNS) std[name] = this.std.has(name) ? Float64Array.from(this.std.get(name)!) : null;
    return {
      version: VERSION, config: sim.config, seed: sim.config.seed, trajectorySeeds: [...sim.trajectorySeeds],
      backend: sim.backend, status, divergedAt: sim.divergedAt, steps: sim.steps,
      t: Float64Array.from(this.t),
      epsilon: column("epsilon")!, testError: column("testError"), R: column("R")!, Q: column("Q")!,
      weightNorm: column("weightNorm")!, information, heat, std, entropyChange, efficiency, elapsedMs,
    };
  }
}

/** The run as a generator that yields after each recorded chunk, so sync and async drivers share it. */
function* runLoop(options: PerceptronRunOptions | undefined): Generator<void, PerceptronResult> {
  options = check.options("simulatePerceptron", options, RUN_KEYS);
  const model = modelOptions(options);
  const sim = new Perceptron(model);
  try {
    const plan = resolvePlan(options, sim.config.dt);
    const started = performance.now();
    const recorder = new Recorder();
    recorder.record(sim);
    let status: PerceptronResult["status"] = "completed";
    while (sim.steps < plan.steps) {
      if (options.signal?.aborted) { status = "aborted"; break; }
      sim.step(Math.min(plan.recordEvery, plan.steps - sim.steps));
      if (sim.status === "diverged") { status = "diverged"; break; }
      recorder.record(sim);
      options.onProgress?.({ step: sim.steps, steps: plan.steps, t: sim.time, fraction: plan.steps ? sim.steps / plan.steps : 1 });
      yield;
    }
    return recorder.result(sim, status, performance.now() - started);
  } finally {
    sim.dispose();
  }
}

/**
 * Runs an ensemble and records observables every `recordEvery` steps (synchronously).
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * const r = simulatePerceptron({ n: 1000, rule: "hebbian", tEnd: 5, seed: 3 });
 * r.epsilon.at(-1); // ≈ steady-state ε
 */
export function simulatePerceptron(options?: PerceptronRunOptions): PerceptronResult {
  return driveSync(runLoop(options));
}

/** {@link simulatePerceptron}, yielding to the event loop about every 30 ms so pages and progress bars stay live. */
export async function runPerceptron(options?: PerceptronRunOptions): Promise<PerceptronResult> {
  return driveAsync(runLoop(options));
}

// ---------------------------------------------------------------------------------------------
// Analytic results (spec §1: Hebbian, n → ∞, time-scale separated)
// ---------------------------------------------------------------------------------------------

/** Parameters of the analytic Hebbian formulas. */
export interface HebbianParams {
  /** ν̃ = ν/√n. */
  nuTilde: number;
  /** Default 1. */
  k?: number;
  /** Default 1. */
  D?: number;
}

/**
 * Steady-state Hebbian generalisation error without discretisation noise:
 * ε_∞ = (1/π) arccos(ν̃√(2/π) / √(2ν̃²/π + kD))  (spec §1). ε_∞(ν̃ = 3, k = 1, D = 1) = 0.1260.
 */
export function hebbianEpsilon(params: HebbianParams): number {
  const p = check.options("hebbianEpsilon", params, ["nuTilde", "k", "D"]);
  const nuTilde = analyticParam("nuTilde", p.nuTilde, 0);
  const k = analyticParam("k", p.k ?? 1, ANALYTIC_MIN);
  const D = analyticParam("D", p.D ?? 1, 0);
  return angleOfSignal(nuTilde * Math.sqrt(2 / Math.PI), Math.sqrt(k * D));
}

/** Smallest and largest values the analytic formulas take (their squares and ratios stay inside f64). */
const ANALYTIC_MIN = 1e-50;
const ANALYTIC_MAX = 1e50;

/** A parameter of the analytic formulas: a number in [min, 10⁵⁰] (min is 0 or 10⁻⁵⁰). */
function analyticParam(name: string, value: unknown, min: number): number {
  const x = check.finite(name, value);
  if (!(x >= min && x <= ANALYTIC_MAX)) throw new RangeError(`${name} must be in [${min}, ${ANALYTIC_MAX}], got ${x}`);
  return x;
}

/**
 * ε = arccos(s/√(s² + σ²))/π for the mean-field signal s = ν̃√(2/π) and noise σ; written with
 * hypot so large values do not overflow. No signal (s = 0) means w carries no direction: ε = ½,
 * the library's convention for w = 0, also when σ = 0.
 */
function angleOfSignal(signal: number, noise: number): number {
  if (signal === 0) return 0.5;
  return Math.acos(signal / Math.hypot(signal, noise)) / Math.PI;
}

/** Parameters of {@link hebbianEpsilonEM}. */
export interface HebbianEMParams { n: number; nu: number; dt: number; batch: number; k?: number; D?: number; }

/**
 * Hebbian steady ε of the Euler–Maruyama/mini-batch scheme: the AR(1) recursion has stationary
 * variance σ_w² = (2DΔt + Δt²ν²/B)/(2kΔt − k²Δt²), and cos πε = ν̃√(2/π)/√(2ν̃²/π + k²σ_w²) (spec §1).
 * The blog's parameters (n = 10⁴, k = 1, ν = 300, Δt = 10⁻³, B = 30) give 0.1859.
 */
export function hebbianEpsilonEM(params: HebbianEMParams): number {
  const p = check.options("hebbianEpsilonEM", params, ["n", "nu", "dt", "batch", "k", "D"]);
  const n = check.integer("n", p.n, 1, 2 ** 53);
  const nu = analyticParam("nu", p.nu, 0);
  const dt = analyticParam("dt", p.dt, ANALYTIC_MIN);
  const B = check.integer("batch", p.batch, 1, 2 ** 53);
  const k = analyticParam("k", p.k ?? 1, ANALYTIC_MIN);
  const D = analyticParam("D", p.D ?? 1, 0);
  if (!(k * dt < 2)) throw new RangeError(`dt must satisfy k·dt < 2, got k·dt = ${k * dt}`);
  // σ_w² = (2DΔt + Δt²ν²/B)/(kΔt(2 − kΔt)), with Δt cancelled once so tiny Δt does not underflow.
  const variance = (2 * D + (dt * nu * nu) / B) / (k * (2 - k * dt));
  return angleOfSignal((nu / Math.sqrt(n)) * Math.sqrt(2 / Math.PI), k * Math.sqrt(variance));
}

/**
 * Hebbian learning from equilibrium (w ~ N(0, D/k)) to the steady state, per weight (spec §1):
 * heat Q_n = ν̃²/(πk), entropy change ΔS(w_n) = ½ ln(1 + 2ν̃²/(πkD)), information I = ln 2 − S(ε_∞),
 * efficiency η = I/(ΔS + Q_n) ≤ 1 (≈ 0.082 at ν̃ = 3, k = D = 1).
 */
export function hebbianTransient(params: HebbianParams): { heat: number; entropyChange: number; information: number; efficiency: number } {
  const p = check.options("hebbianTransient", params, ["nuTilde", "k", "D"]);
  const nuTilde = analyticParam("nuTilde", p.nuTilde, 0);
  const k = analyticParam("k", p.k ?? 1, ANALYTIC_MIN);
  const D = analyticParam("D", p.D ?? 1, ANALYTIC_MIN);
  const heat = (nuTilde * nuTilde) / (Math.PI * k);
  const entropyChange = 0.5 * Math.log1p((2 * nuTilde * nuTilde) / (Math.PI * k * D));
  const information = mutualInformation(hebbianEpsilon({ nuTilde, k, D }));
  // At ν̃ → 0 all three vanish like ν̃²: I ≈ 4ν̃²/(π³kD), ΔS ≈ ν̃²/(πkD), Q_n = ν̃²/(πk), so η tends
  // to 4/(π²(1 + D)). Below ν̃ = 10⁻⁴, ln 2 − S(ε) loses more digits to cancellation (relative
  // error ~10⁻¹⁶/I) than the limit's O(ν̃²) error, so the limit is returned there.
  const efficiency = nuTilde < 1e-4 ? 4 / (Math.PI * Math.PI * (1 + D)) : information / (entropyChange + heat);
  return { heat, entropyChange, information, efficiency };
}
