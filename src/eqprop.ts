/**
 * Equilibrium propagation (Scellier & Bengio 2017) on a layered energy-based network, plain and with
 * the non-equilibrium memory update of Falk, Strupp, Scellier & Murugan (shared/spec/MODELS.md §4;
 * seed 002 Appendix B). The relaxation and both updates run in wasm (assembly/eqprop.ts), in f32.
 */
import type { Backend } from "./core/loader.js";
import { WasmInstance, formatBytes } from "./core/instance.js";
import { MAX_MEMORY_BYTES } from "./core/abi.js";
import { checkRunCallbacks, driveAsync, driveSync, type Progress } from "./core/drive.js";
import * as check from "./core/validate.js";
import { sineKernel, type Alignment } from "./contrastive.js";
import { Rng } from "./rng.js";
import { VERSION } from "./version.js";

export type EqPropVariant = "plain" | "memory";
export const EQPROP_VARIANTS: readonly EqPropVariant[] = ["plain", "memory"];

/** Options of the memory variant (Falk et al. Appendix B; every default is the spec's). */
export interface MemoryOptions {
  /** Duration of the fast β ramp up (τ_f). Default 0.1. */
  tauFast?: number;
  /** Duration of the slow ramp back down (τ_s). Default 0.9; the period is τ_f + τ_s. */
  tauSlow?: number;
  /** Steps of each ramp: R + 1 points up, R down, 2R + 1 in all (the last equals the first). Default 8, at most 1000. */
  rampSteps?: number;
  /** Points of the time grid the currents are interpolated onto (t_m = m·period/G). Default 100, at most 10⁵. */
  gridPoints?: number;
  /** The memory kernel, sampled on the grid: "sine" (Eq. 31, K[k] = sin(2πk/10)/3, k < 10) or samples. */
  kernel?: "sine" | ArrayLike<number>;
  /** Factor applied to the convolution (the authors divide by 100). Default 0.01. */
  convolutionScale?: number;
  /** "scipy" (convolve1d(mode='wrap'), centred; the authors' choice and the default) or "causal". */
  alignment?: Alignment;
  /** θ per weight layer. Default [1.2e-6, 2e-5, …] (W⁰, then every later layer). */
  weightThresholds?: number[];
  /** θ per biased layer ℓ ≥ 1. Default [1e-5, …, 2e-4] (hidden layers, then the output). */
  biasThresholds?: number[];
  /** Step of the trapezoid rule. Default period/gridPoints (the authors integrate over the grid times: 0.01). */
  trapezoidStep?: number;
  /** The authors' empirical factor multiplying the update. Default 0.5e4. */
  updateFactor?: number;
}

/** Options of {@link EqProp}. */
export interface EqPropOptions {
  /** Layer sizes, input first (the input layer as wide as the images). Default [784, 500, 10]; 2 to 64 layers. */
  layers?: number[];
  /** "plain" (Scellier & Bengio) or "memory" (Falk et al.). Default "plain". */
  variant?: EqPropVariant;
  /** Seed of the initial weights and the β signs. Default 0. */
  seed?: number;
  /**
   * Relaxation step ε, in (0, 2) with ε·(1 + 2β) < 2. Default 0.5. The relaxation is gradient descent
   * on E + βC, whose Hessian has 1 (hidden units) and 1 + 2β (output units) on its diagonal; a larger
   * step overshoots every minimum instead of settling into one.
   */
  epsilon?: number;
  /** Free-phase iterations from the persistent particle. Default 20. */
  freeIterations?: number;
  /** Clamped-phase iterations from the free state. Default 4. */
  clampedIterations?: number;
  /**
   * Nudging strength β, in [10⁻⁶, 1/ε − ½). Default 0.5. The nudged states differ from the free ones
   * by O(β) and are stored in f32, so below 10⁻⁶ the update is mostly rounding (measured against the
   * cost's gradient: 0.6 % off at β = 10⁻⁵, 11 % at 10⁻⁶, 48 % at 10⁻⁷, all of it at 10⁻⁸).
   */
  beta?: number;
  /** Draw the sign of β at random for each mini-batch (Scellier & Bengio §5.2). Default true. */
  randomBetaSign?: boolean;
  /** Learning rate per weight layer (also for the biases of the layer above). Default [0.1, 0.05] for 3 layers, [0.4, 0.1, 0.01] for 4, [0.128, 0.032, 0.008, 0.002] for 5 (Scellier & Bengio). */
  learningRates?: number[];
  /** Mini-batch size. Default 20, at most 65 536. */
  batchSize?: number;
  /** Factor on the Glorot-uniform range. Default 1 (plain), 0.5 (memory, as Falk et al.). */
  initScale?: number;
  /**
   * Training has diverged once a weight or bias exceeds this in magnitude (or is not finite).
   * Default 10³: trained MNIST networks stay below 0.6 (0.19 plain, 0.51 memory after 15 epochs), and
   * at |θ| = 10³ the f32 spacing (6·10⁻⁵) already swallows a typical update.
   */
  maxParameter?: number;
  /** Options of the memory variant. */
  memory?: MemoryOptions;
  /** Force the SIMD or the scalar build. */
  backend?: Backend;
}

/** Images (count × n₀ pixels in [0, 1], row-major) and their labels (0 … n_out − 1). */
export interface Dataset {
  images: Float32Array;
  labels: ArrayLike<number>;
}

/** The resolved configuration, as written to logs. */
export interface EqPropConfig {
  layers: number[];
  variant: EqPropVariant;
  seed: number;
  epsilon: number;
  freeIterations: number;
  clampedIterations: number;
  beta: number;
  randomBetaSign: boolean;
  learningRates: number[];
  batchSize: number;
  initScale: number;
  maxParameter: number;
  memory: Required<Omit<MemoryOptions, "kernel">> & { kernel: "sine" | number[] };
}

/** Network parameters in the canonical layout: weights[ℓ] is n_ℓ × n_{ℓ+1} row-major, biases[ℓ − 1] is b^ℓ. */
export interface EqPropParameters {
  layers: number[];
  weights: Float32Array[];
  biases: Float32Array[];
}

/** Metrics of one training epoch. */
export interface EpochMetrics {
  epoch: number;
  /** Fraction of training examples misclassified by the free phase, before each batch's update. */
  trainError: number;
  /** Mean free-phase energy E of the training examples. */
  trainEnergy: number;
  /** Fraction of held-out examples misclassified (NaN-free: null when there is no test set). */
  testError: number | null;
  testEnergy: number | null;
  seconds: number;
  /**
   * "completed"; "aborted" (by the signal: the batches trained are kept, the epoch is not counted);
   * or "diverged" (a parameter became non-finite or exceeded maxParameter: the epoch is not counted,
   * the network refuses further use until {@link EqProp.setParameters} or {@link EqProp.load}).
   */
  status: "completed" | "aborted" | "diverged";
  /** Mini-batches trained (less than all when aborted or diverged). */
  batches: number;
}

const OPTION_KEYS = [
  "layers", "variant", "seed", "epsilon", "freeIterations", "clampedIterations", "beta", "randomBetaSign",
  "learningRates", "batchSize", "initScale", "maxParameter", "memory", "backend",
] as const;
const MEMORY_KEYS = [
  "tauFast", "tauSlow", "rampSteps", "gridPoints", "kernel", "convolutionScale", "alignment", "weightThresholds",
  "biasThresholds", "trapezoidStep", "updateFactor",
] as const;
const DEFAULT_RATES: Record<number, number[]> = { 3: [0.1, 0.05], 4: [0.4, 0.1, 0.01], 5: [0.128, 0.032, 0.008, 0.002] };

/** Layers of a network (and of a saved file): 2 to 64, each 1 to 2²⁰ units. */
const MAX_LAYERS = 64;
const MAX_WIDTH = 1 << 20;
/** Smallest β (see {@link EqPropOptions.beta}). */
export const EQPROP_MIN_BETA = 1e-6;
/** Most multiply-adds one mini-batch (or one relax call) may take: 2⁴⁰, minutes at the ~7·10⁹/s measured. */
const MAX_WORK = 2 ** 40;
/** Values per sum of squares in the divergence check (see EqProp.#runaway). */
const RUNAWAY_CHUNK = 1 << 22;
/** Most entries of the memory operator (G × (2R + 1)) and multiply-adds building it (G·|K|·(2R + 1)): ~30 MB, ~1 s. */
const MAX_OPERATOR_ENTRIES = 2 ** 22;
const MAX_OPERATOR_WORK = 2 ** 30;

/** The MNIST kernel of Falk et al. (Eq. 31): K[k] = sin(2πk/10)/3, k = 0 … 9 (the samples of {@link sineKernel}). */
export function mnistSineKernel(): Float64Array {
  return sineKernel().values;
}

/** An array of `length` numbers, one per `unit` (e.g. "weight layer"), each passing `test`. */
function numberList(name: string, value: unknown, length: number, unit: string, test: (name: string, x: unknown) => number): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of numbers`);
  if (value.length !== length) throw new RangeError(`${name} must have ${length} entries (one per ${unit}), got ${value.length}`);
  return value.map((x, i) => test(`${name}[${i}]`, x));
}

function resolveLayers(value: unknown): number[] {
  if (!Array.isArray(value)) throw new TypeError("layers must be an array of layer sizes, e.g. [784, 500, 10]");
  if (value.length < 2 || value.length > MAX_LAYERS) {
    throw new RangeError(`layers needs an input and an output layer and at most ${MAX_LAYERS} layers, got ${value.length}`);
  }
  return value.map((n, i) => check.integer(`layers[${i}]`, n, 1, MAX_WIDTH));
}

/**
 * The relaxation steps u ← clip(u − ε∇(E + βC)) are gradient descent on a quadratic whose Hessian has
 * 1 on the hidden units' diagonal and 1 + 2|β| on the output units' (MODELS.md §4). Its largest
 * eigenvalue is at least the largest diagonal entry, and gradient descent converges only for
 * ε·λ_max < 2, so ε ≥ 2 or ε·(1 + 2|β|) ≥ 2 can only overshoot.
 * @throws RangeError naming `epsilon` or `betaName`.
 */
function checkStableStep(epsilon: number, beta: number, betaName: string): void {
  if (!(epsilon < 2)) {
    throw new RangeError(`epsilon must be < 2, got ${epsilon}: the relaxation is gradient descent on E, whose curvature is 1 per unit, so a step of 2 or more overshoots instead of converging`);
  }
  if (!(epsilon * (1 + 2 * Math.abs(beta)) < 2)) {
    throw new RangeError(`${betaName} must be below 1/epsilon − 1/2 = ${1 / epsilon - 0.5} at epsilon = ${epsilon}, got ${beta}: the nudge gives the output units curvature 1 + 2|β|, and a step epsilon·(1 + 2|β|) ≥ 2 overshoots`);
  }
}

/**
 * Validates the options once and fills in the defaults.
 * @throws TypeError/RangeError naming the offending option.
 */
export function resolveEqPropConfig(options?: EqPropOptions): EqPropConfig {
  const o = check.options("EqProp", options, OPTION_KEYS);
  check.backend(o.backend);
  const layers = resolveLayers(o.layers ?? [784, 500, 10]);
  const L = layers.length;
  const variant = check.oneOf("variant", o.variant ?? "plain", EQPROP_VARIANTS);
  const rates = o.learningRates ?? DEFAULT_RATES[L];
  if (rates === undefined) throw new RangeError(`learningRates has no default for ${L} layers: give ${L - 1} rates`);
  const randomBetaSign = o.randomBetaSign ?? true;
  if (typeof randomBetaSign !== "boolean") throw new TypeError("randomBetaSign must be a boolean");
  const epsilon = check.positive("epsilon", o.epsilon ?? 0.5);
  const beta = check.positive("beta", o.beta ?? 0.5);
  if (beta < EQPROP_MIN_BETA) {
    throw new RangeError(`beta must be ≥ ${EQPROP_MIN_BETA}, got ${beta}: the update divides f32 state differences of order beta by beta, and below ${EQPROP_MIN_BETA} they are mostly rounding`);
  }
  checkStableStep(epsilon, beta, "beta");
  const maxParameter = check.positive("maxParameter", o.maxParameter ?? 1e3);
  const initScale = check.nonNegative("initScale", o.initScale ?? (variant === "memory" ? 0.5 : 1));
  const widestRange = Math.max(...layers.slice(0, -1).map((n, l) => glorotBound(n, layers[l + 1])));
  if (!(initScale * widestRange <= maxParameter)) {
    throw new RangeError(`initScale = ${initScale} draws weights up to ${initScale * widestRange}, beyond maxParameter (${maxParameter})`);
  }
  const config: EqPropConfig = {
    layers,
    variant,
    seed: check.seed("seed", o.seed ?? 0),
    epsilon,
    freeIterations: check.integer("freeIterations", o.freeIterations ?? 20, 0, 1e6),
    clampedIterations: check.integer("clampedIterations", o.clampedIterations ?? 4, 1, 1e6),
    beta,
    randomBetaSign,
    learningRates: numberList("learningRates", rates, L - 1, "weight layer", check.nonNegative),
    batchSize: check.integer("batchSize", o.batchSize ?? 20, 1, 1 << 16),
    initScale,
    maxParameter,
    memory: resolveMemory(o.memory, layers),
  };
  checkBatchWork(config);
  return config;
}

/** The memory options with their defaults; the ramp and the operator checked as {@link memoryOperator} does. */
function resolveMemory(value: MemoryOptions | undefined, layers: number[]): EqPropConfig["memory"] {
  const m = check.options("memory", value, MEMORY_KEYS);
  const L = layers.length, hidden = L - 2;
  const ramp = checkRamp("memory", { tauFast: m.tauFast ?? 0.1, tauSlow: m.tauSlow ?? 0.9, rampSteps: m.rampSteps ?? 8 });
  const gridPoints = check.integer("memory.gridPoints", m.gridPoints ?? 100, 2, 100000);
  const kernel = resolveKernel(m.kernel ?? "sine");
  const memory = {
    ...ramp,
    gridPoints,
    kernel,
    convolutionScale: check.finite("memory.convolutionScale", m.convolutionScale ?? 0.01),
    alignment: check.oneOf<Alignment>("memory.alignment", m.alignment ?? "scipy", ["scipy", "causal"]),
    weightThresholds: numberList("memory.weightThresholds", m.weightThresholds ?? layers.slice(1).map((_, l) => (l === 0 ? 1.2e-6 : 2e-5)), L - 1, "weight layer", check.nonNegative),
    biasThresholds: numberList("memory.biasThresholds", m.biasThresholds ?? layers.slice(1).map((_, l) => (l < hidden ? 1e-5 : 2e-4)), L - 1, "biased layer", check.nonNegative),
    trapezoidStep: check.positive("memory.trapezoidStep", m.trapezoidStep ?? (ramp.tauFast + ramp.tauSlow) / gridPoints),
    updateFactor: check.finite("memory.updateFactor", m.updateFactor ?? 0.5e4),
  };
  checkOperatorSize("memory", gridPoints, ramp.rampSteps, kernel === "sine" ? 10 : kernel.length);
  rampSchedule(ramp); // checks that every ramp step is resolved in f64
  return memory;
}

function resolveKernel(kernel: unknown): "sine" | number[] {
  if (kernel === "sine") return "sine";
  if (typeof kernel === "string") throw new TypeError(`memory.kernel must be "sine" or an array of samples, got ${JSON.stringify(kernel)}`);
  if (!(ArrayBuffer.isView(kernel) || Array.isArray(kernel))) throw new TypeError('memory.kernel must be "sine" or an array of samples');
  const samples = kernel as ArrayLike<unknown>;
  if (samples.length === 0) throw new RangeError("memory.kernel must have at least one sample");
  if (samples.length > 100000) throw new RangeError(`memory.kernel has ${samples.length} samples, more than memory.gridPoints can be (100000)`);
  // Named only on failure: building 10⁵ names would cost more than the checks.
  return Array.from(samples, (x, i) => (typeof x === "number" && Number.isFinite(x) ? x : check.finite(`memory.kernel[${i}]`, x)));
}

/**
 * Multiply-adds of one mini-batch: the input drive, every relaxation step (both directions of every
 * coupling ℓ ≥ 1), and the update (plain: the outer products; memory: per parameter, the batch sums
 * at each ramp point and the grid sums over the operator's band of ≤ G·P entries).
 */
function batchWork(c: EqPropConfig): number {
  const { layers, batchSize: B, freeIterations, clampedIterations, variant, memory } = c;
  const points = variant === "memory" ? memory.rampSteps + 1 : 1;
  const weights = layers.slice(0, -1).reduce((s, n, l) => s + n * layers[l + 1], 0);
  const S = layers.slice(1).reduce((s, n) => s + n, 0);
  const step = 2 * (weights - layers[0] * layers[1]) + 2 * S;
  const relaxation = B * (layers[0] * layers[1] + (freeIterations + points * clampedIterations) * step);
  const update = variant === "memory" ? (weights + S) * (points * B + memory.gridPoints * points) : 2 * B * (weights + S);
  return relaxation + update;
}

/** @throws RangeError naming the options that set the work of one mini-batch when it exceeds {@link MAX_WORK}. */
function checkBatchWork(c: EqPropConfig): void {
  const work = batchWork(c);
  if (!(work <= MAX_WORK)) {
    const memory = c.variant === "memory" ? ", memory.rampSteps, memory.gridPoints" : "";
    throw new RangeError(`one mini-batch would take ${work.toExponential(2)} multiply-adds, more than 2^40 (minutes of computing in one synchronous call): lower freeIterations, clampedIterations, batchSize, layers${memory}`);
  }
}

/** The ramp's options checked (names prefixed by `prefix`, e.g. "memory"); the period must be finite. */
function checkRamp(prefix: string, r: { tauFast: unknown; tauSlow: unknown; rampSteps: unknown }): { tauFast: number; tauSlow: number; rampSteps: number } {
  const tauFast = check.positive(`${prefix}.tauFast`, r.tauFast);
  const tauSlow = check.positive(`${prefix}.tauSlow`, r.tauSlow);
  const rampSteps = check.integer(`${prefix}.rampSteps`, r.rampSteps, 1, 1000);
  if (!Number.isFinite(tauFast + tauSlow)) throw new RangeError(`${prefix}.tauFast + ${prefix}.tauSlow (the period) must be finite, got ${tauFast} + ${tauSlow}`);
  return { tauFast, tauSlow, rampSteps };
}

/** @throws RangeError naming gridPoints, rampSteps or kernel when the operator would be too large to build. */
function checkOperatorSize(prefix: string, G: number, R: number, kernelLength: number): void {
  if (kernelLength > G) throw new RangeError(`${prefix}.kernel has ${kernelLength} samples, more than ${prefix}.gridPoints (${G})`);
  const entries = G * (2 * R + 1);
  if (entries > MAX_OPERATOR_ENTRIES) {
    throw new RangeError(`${prefix}.gridPoints × (2·${prefix}.rampSteps + 1) = ${entries} operator entries, more than ${MAX_OPERATOR_ENTRIES}: lower ${prefix}.gridPoints or ${prefix}.rampSteps`);
  }
  if (entries * kernelLength > MAX_OPERATOR_WORK) {
    throw new RangeError(`${prefix}.kernel (${kernelLength} samples) over ${entries} operator entries takes ${entries * kernelLength} multiply-adds, more than ${MAX_OPERATOR_WORK}: shorten ${prefix}.kernel or lower ${prefix}.gridPoints`);
  }
}

/** Glorot's (Xavier's) uniform bound √(6/(fan_in + fan_out)) for an n × m weight matrix. */
function glorotBound(n: number, m: number): number {
  return Math.sqrt(6 / (n + m));
}

// ---- the memory variant's linear operator -------------------------------------------------------------

/**
 * The β ramp of the memory variant: times t_k and nudging β_k/β for k = 0 … 2R (Appendix B).
 * @throws TypeError/RangeError naming memory.tauFast, memory.tauSlow or memory.rampSteps (1 to 1000,
 *   and every ramp step long enough to give distinct times in f64).
 */
export function rampSchedule(memory: { tauFast: number; tauSlow: number; rampSteps: number }): { times: Float64Array; betas: Float64Array } {
  if (typeof memory !== "object" || memory === null) throw new TypeError("rampSchedule: memory must be an object { tauFast, tauSlow, rampSteps }");
  check.knownKeys("rampSchedule", memory, MEMORY_KEYS);
  const { tauFast, tauSlow, rampSteps: R } = checkRamp("memory", memory);
  const times = new Float64Array(2 * R + 1), betas = new Float64Array(2 * R + 1);
  for (let k = 0; k <= 2 * R; k++) {
    times[k] = k <= R ? (tauFast * k) / R : tauFast + (tauSlow * (k - R)) / R;
    betas[k] = k <= R ? k / R : (2 * R - k) / R;
    // Interpolation divides by t_k − t_{k−1}: a step lost to f64 rounding (τ/R below the spacing of t) would give 0/0.
    if (k > 0 && !(times[k] > times[k - 1])) {
      // On the down ramp the step τ_slow/R is lost against t = τ_fast + …: either time can be the cause.
      const name = k <= R ? "memory.tauFast" : "memory.tauSlow (against memory.tauFast)";
      throw new RangeError(`${name}/memory.rampSteps = ${(k <= R ? tauFast : tauSlow) / R} is too small to give distinct ramp times (t_${k} = t_${k - 1} = ${times[k]} in f64; tauFast = ${tauFast}, tauSlow = ${tauSlow})`);
    }
  }
  return { times, betas };
}

/**
 * The linear map from the 2R + 1 ramp currents to the convolved signal on the grid: linear
 * interpolation onto t_m = m·period/G (scipy interp1d), then the circular convolution
 *   c_m = scale · Σ_j K[j] s[(m − j + shift) mod G]   (shift ⌊len/2⌋ for "scipy", 0 for "causal").
 * Returned as a G × (2R + 1) row-major matrix.
 * @throws TypeError/RangeError naming the memory option at fault, also when the operator would have
 *   more than 2²² entries or take more than 2³⁰ multiply-adds to build.
 */
export function memoryOperator(config: EqPropConfig["memory"]): Float64Array {
  if (typeof config !== "object" || config === null) throw new TypeError("memoryOperator: config must be the memory options (EqPropConfig.memory)");
  check.knownKeys("memoryOperator", config, MEMORY_KEYS);
  const G = check.integer("memory.gridPoints", config.gridPoints, 2, 100000);
  const R = check.integer("memory.rampSteps", config.rampSteps, 1, 1000);
  const resolved = resolveKernel(config.kernel);
  const kernel = resolved === "sine" ? Array.from(mnistSineKernel()) : resolved;
  const scale = check.finite("memory.convolutionScale", config.convolutionScale);
  const alignment = check.oneOf<Alignment>("memory.alignment", config.alignment, ["scipy", "causal"]);
  checkOperatorSize("memory", G, R, kernel.length);
  const { times } = rampSchedule(config);
  const P1 = times.length, period = times[P1 - 1];
  const interp = new Float64Array(G * P1);
  let seg = 0;
  for (let m = 0; m < G; m++) {
    const t = (m * period) / G;
    while (seg < P1 - 2 && t > times[seg + 1]) seg++;
    const f = (t - times[seg]) / (times[seg + 1] - times[seg]);
    interp[m * P1 + seg] += 1 - f;
    interp[m * P1 + seg + 1] += f;
  }
  const shift = alignment === "scipy" ? Math.floor(kernel.length / 2) : 0;
  const out = new Float64Array(G * P1);
  for (let m = 0; m < G; m++) {
    for (let j = 0; j < kernel.length; j++) {
      const src = (((m - j + shift) % G) + G) % G;
      const w = scale * kernel[j];
      for (let k = 0; k < P1; k++) out[m * P1 + k] += w * interp[src * P1 + k];
    }
  }
  return out;
}

/**
 * The operator folded for wasm, −1/B applied, columns k ≥ 1 as CSR. The down ramp reuses the up
 * ramp's states at the same β (the authors' code assumes no hysteresis, and both are the same
 * relaxation from the same free state), so point k > R folds onto point 2R − k: R + 1 distinct points.
 */
interface MemoryBand {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  vals: Float32Array;
  rowSum: Float32Array;
  trapezoid: Float32Array;
  lNorm: number;
  rNorm: number;
  points: number;
}

function memoryBand(config: EqPropConfig["memory"], batch: number): MemoryBand {
  const op = memoryOperator(config);
  const G = config.gridPoints, R = config.rampSteps, P1 = 2 * R + 1, P = R + 1;
  const rowPtr = new Int32Array(G + 1);
  const cols: number[] = [], vals: number[] = [];
  const rowSum = new Float32Array(G);
  let lNorm = 0, rNorm = 0;
  for (let m = 0; m < G; m++) {
    const folded = new Float64Array(P);
    for (let k = 0; k < P1; k++) folded[k <= R ? k : 2 * R - k] += (-1 / batch) * op[m * P1 + k];
    let sum = 0, abs = 0;
    for (let k = 0; k < P; k++) sum += folded[k];
    for (let k = 1; k < P; k++) {
      if (folded[k] !== 0) { cols.push(k); vals.push(folded[k]); abs += Math.abs(folded[k]); }
    }
    rowPtr[m + 1] = cols.length;
    rowSum[m] = sum;
    lNorm = Math.max(lNorm, abs);
    rNorm = Math.max(rNorm, Math.abs(sum));
  }
  const h = config.trapezoidStep;
  const trapezoid = new Float32Array(G).fill(h);
  trapezoid[0] = trapezoid[G - 1] = h / 2;
  return { rowPtr, colIdx: Int32Array.from(cols), vals: Float32Array.from(vals), rowSum, trapezoid, lNorm, rNorm, points: P };
}

/** The memory operator in wasm memory (addresses) with its norms. */
interface ResidentBand {
  rowPtr: number;
  colIdx: number;
  vals: number;
  rowSum: number;
  trapezoid: number;
  lNorm: number;
  rNorm: number;
  points: number;
}

// ---- data ----------------------------------------------------------------------------------------------

/** The number of images in `images` (count × n₀ pixels); TypeError/RangeError naming `${name}.images` otherwise. */
function imageCount(name: string, images: unknown, n0: number): number {
  if (!(images instanceof Float32Array)) throw new TypeError(`${name}.images must be a Float32Array (count × ${n0} pixels)`);
  if (images.length % n0 !== 0 || images.length === 0) {
    throw new RangeError(`${name}.images has ${images.length} values, not a positive multiple of the input size ${n0} (layers[0])`);
  }
  return images.length / n0;
}

/**
 * The images, labels and count of a data set. Images that hold one whole row per label, but rows of
 * another width than layers[0], are a layers error, not a labels one (e.g. layers [700, 10] on
 * 784-pixel digits).
 */
function checkDataset(name: string, data: unknown, n0: number, nOut: number): { images: Float32Array; labels: Int32Array; count: number } {
  if (typeof data !== "object" || data === null) throw new TypeError(`${name} must be { images, labels }`);
  const { images, labels } = data as Dataset;
  if (!(images instanceof Float32Array)) throw new TypeError(`${name}.images must be a Float32Array (count × ${n0} pixels)`);
  if (labels === null || typeof labels !== "object" || typeof (labels as ArrayLike<number>).length !== "number") {
    throw new TypeError(`${name}.labels must be an array of class indices`);
  }
  const width = labels.length > 0 ? images.length / labels.length : Number.NaN;
  if (Number.isInteger(width) && width > 0 && width !== n0) {
    const orLabels = images.length % n0 === 0 ? ` (or, if the images are ${n0} pixels wide, ${name}.labels has ${labels.length} entries for ${images.length / n0} images)` : "";
    throw new RangeError(`layers[0] = ${n0} does not match the data: ${name}.images hold ${labels.length} images of ${width} pixels (one per label), so the input layer must have ${width} units${orLabels}`);
  }
  const count = imageCount(name, images, n0);
  for (let i = 0; i < images.length; i++) {
    const x = images[i];
    if (!(x >= 0 && x <= 1)) throw new RangeError(`${name}.images[${i}] = ${x}: pixels must lie in [0, 1]`);
  }
  if (labels.length !== count) throw new RangeError(`${name}.labels has ${labels.length} entries for ${count} images`);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const y = labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < nOut)) throw new RangeError(`${name}.labels[${i}] = ${y} is outside 0–${nOut - 1}`);
    out[i] = y;
  }
  return { images, labels: out, count };
}

/** Bytes of the memory variant's scratch for P ramp points and batch B (see eqprop_memory_update). */
function memoryWorkBytes(P: number, B: number): number {
  return 64 * P + 8 * P * B + 4 * P;
}

/**
 * An upper bound on the wasm memory a network needs with `setCounts` examples resident: weights and
 * transposes, biases, batch buffers, the ramp states, the data sets with their particles and targets,
 * and the memory operator. Checked before anything is allocated.
 */
function wasmBytesNeeded(config: EqPropConfig, S: number, setCounts: number[]): number {
  const { layers, batchSize: B, variant, memory } = config;
  const n0 = layers[0], nOut = layers[layers.length - 1], P = memory.rampSteps + 1;
  // W^ℓ, its transposed copy for ℓ ≥ 1, and b^{ℓ+1}.
  const params = layers.slice(0, -1).reduce((sum, n, l) => sum + (l === 0 ? 1 : 2) * n * layers[l + 1] + layers[l + 1], 0);
  const batch = B * (layers[1] + S + (variant === "memory" ? P * S : 0) + 1) + S + Math.max(...layers);
  const sets = [...setCounts, B].reduce((sum, count) => sum + count * (n0 + nOut + S), 0);
  const operator = memory.gridPoints * (4 + 2 * P);
  return 4 * (params + batch + sets + operator) + memoryWorkBytes(P, B) + 8 * B + 4096;
}

/** Index of the largest of values[from … from + n) (the first on ties): the predicted class. */
function argmax(values: ArrayLike<number>, from: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (values[from + k] > values[from + best]) best = k;
  return best;
}

/** One-hot targets of labels[start … start + n) into f32[at …] (n × classes, zeros elsewhere). */
function writeOneHot(f32: Float32Array, at: number, labels: ArrayLike<number>, start: number, n: number, classes: number): void {
  f32.fill(0, at, at + n * classes);
  for (let i = 0; i < n; i++) f32[at + i * classes + labels[start + i]] = 1;
}

/** Where and why training diverged (see {@link EqProp.divergence}). */
export interface EqPropDivergence {
  /** The epoch being trained (1-based, as {@link EpochMetrics.epoch}). */
  epoch: number;
  /** The mini-batch (1-based, in training order) whose update diverged. */
  batch: number;
  reason: string;
}

/**
 * Thrown by a network whose training diverged, on any later use but {@link EqProp.parameters},
 * {@link EqProp.setParameters}, {@link EqProp.load} and {@link EqProp.dispose}.
 */
export class EqPropDivergedError extends Error {
  readonly divergence: EqPropDivergence;
  constructor(d: EqPropDivergence) {
    super(`EqProp training diverged in mini-batch ${d.batch} of epoch ${d.epoch}: ${d.reason}; lower learningRates (or memory.updateFactor), or load saved parameters`);
    this.name = "EqPropDivergedError";
    this.divergence = d;
  }
}

/** Wasm-resident copy of a dataset with its persistent particles. */
interface ResidentSet {
  count: number;
  labels: Int32Array;
  images: number;
  targets: number;
  particles: number;
}

// ---- the network ---------------------------------------------------------------------------------------

/**
 * A layered equilibrium-propagation network with its training and held-out sets in wasm memory.
 *
 * Each training step takes one mini-batch: a free phase of `freeIterations` synchronous steps from
 * the examples' persistent particles (written back), then either the plain EP update (one clamped
 * phase at ±β) or the memory update (rampSteps + 1 = 9 clamped relaxations up the β ramp, the down
 * ramp reusing them at equal β; currents interpolated, convolved with the memory kernel, thresholded
 * and integrated).
 * @example
 * const { train, test } = await loadMnist({ seed: 1 });
 * const net = new EqProp({ variant: "memory", seed: 1 }, { train, test });
 * for (let e = 0; e < 5; e++) console.log(net.trainEpoch());
 * net.dispose();
 */
export class EqProp {
  readonly config: EqPropConfig;
  /** Epochs trained so far. */
  epoch = 0;
  readonly #wasm: WasmInstance;
  readonly #net: number;
  readonly #w: number[] = [];
  readonly #wt: number[] = [];
  readonly #b: number[] = [];
  readonly #offsets: number[] = [];
  readonly #S: number;
  readonly #drive: number;
  readonly #clamped: number;
  readonly #points: number;
  readonly #acc: number;
  readonly #ones: number;
  readonly #work: number;
  readonly #energy: number;
  readonly #band: ResidentBand | null;
  /** β_k/β at the R + 1 distinct ramp points (the down ramp reuses them). */
  readonly #rampBetas: Float64Array;
  readonly #train: ResidentSet | null;
  readonly #test: ResidentSet | null;
  readonly #scratchSet: ResidentSet;
  #divergence: EqPropDivergence | null = null;

  /**
   * @param options network and training options (see {@link EqPropOptions}).
   * @param data the training set and an optional held-out set, copied into wasm memory.
   * @throws TypeError/RangeError naming a bad option, image or label; RangeError when the network
   *   and data do not fit in wasm memory (checked before allocating).
   */
  constructor(options?: EqPropOptions, data?: { train?: Dataset; test?: Dataset }) {
    this.config = resolveEqPropConfig(options);
    const sets = check.options("EqProp data", data, ["train", "test"]);
    const { layers, batchSize: B, variant } = this.config;
    const L = layers.length, n0 = layers[0], nOut = layers[L - 1];
    const train = sets.train === undefined ? null : checkDataset("train", sets.train, n0, nOut);
    const test = sets.test === undefined ? null : checkDataset("test", sets.test, n0, nOut);
    let S = 0;
    for (let l = 1; l < L; l++) { this.#offsets[l] = S; S += layers[l]; }
    this.#offsets[0] = 0;
    this.#S = S;
    const P = this.config.memory.rampSteps + 1;
    const maxWidth = Math.max(...layers);
    const bytes = wasmBytesNeeded(this.config, S, [train?.count ?? 0, test?.count ?? 0]);
    if (bytes > MAX_MEMORY_BYTES) {
      throw new RangeError(`layers ${layers.join("-")} with these data sets need ${formatBytes(bytes)} of wasm memory; at most ${formatBytes(MAX_MEMORY_BYTES)} is available`);
    }
    this.#wasm = new WasmInstance("EqProp", options?.backend);
    const wasm = this.#wasm;
    for (let l = 0; l < L - 1; l++) {
      this.#w[l] = wasm.alloc(4 * layers[l] * layers[l + 1], `weights W${l}`);
      this.#wt[l] = l === 0 ? 0 : wasm.alloc(4 * layers[l] * layers[l + 1], `weights W${l} (transposed)`);
    }
    this.#b[0] = 0;
    for (let l = 1; l < L; l++) this.#b[l] = wasm.alloc(4 * layers[l], `biases b${l}`);
    this.#net = this.#writeDescriptor(wasm.alloc(4 * S, "relaxation scratch"));
    this.#drive = wasm.alloc(4 * B * layers[1], "input drive");
    this.#clamped = wasm.alloc(4 * B * S, "clamped states");
    this.#points = variant === "memory" ? wasm.alloc(4 * B * S * P, "ramp states") : 0;
    this.#acc = wasm.alloc(4 * maxWidth, "update accumulator");
    this.#ones = wasm.alloc(4 * B, "ones");
    wasm.f32.fill(1, this.#ones >> 2, (this.#ones >> 2) + B);
    this.#work = wasm.alloc(memoryWorkBytes(P, B), "memory scratch");
    this.#energy = wasm.alloc(8 * B, "energies");
    this.#band = variant === "memory" ? this.#writeBand() : null;
    this.#rampBetas = rampSchedule(this.config.memory).betas.subarray(0, P);
    this.#train = train ? this.#resident(train, "train") : null;
    this.#test = test ? this.#resident(test, "test") : null;
    this.#scratchSet = this.#resident({ images: new Float32Array(B * n0), labels: new Int32Array(B), count: B }, "scratch batch");
    this.#initialise();
  }

  /** Writes the layout descriptor that assembly/eqprop.ts reads (see its header) and returns its address. */
  #writeDescriptor(scratch: number): number {
    const { layers } = this.config;
    const L = layers.length;
    const net = this.#wasm.alloc(4 * (3 + 5 * L), "EqProp descriptor");
    const words = this.#wasm.i32, base = net >> 2;
    words[base] = L;
    words[base + 1] = this.#S;
    for (let l = 0; l < L; l++) {
      words[base + 2 + l] = layers[l];
      words[base + 2 + L + l] = this.#offsets[l];
      words[base + 2 + 2 * L + l] = l < L - 1 ? this.#w[l] : 0;
      words[base + 2 + 3 * L + l] = l < L - 1 ? this.#wt[l] : 0;
      words[base + 2 + 4 * L + l] = this.#b[l];
    }
    words[base + 2 + 5 * L] = scratch;
    return net;
  }

  #writeBand(): ResidentBand {
    const band = memoryBand(this.config.memory, this.config.batchSize);
    const wasm = this.#wasm;
    const put = (array: Int32Array | Float32Array, what: string): number => {
      const at = wasm.alloc(4 * Math.max(1, array.length), what);
      if (array instanceof Int32Array) wasm.i32.set(array, at >> 2);
      else wasm.f32.set(array, at >> 2);
      return at;
    };
    return {
      rowPtr: put(band.rowPtr, "memory operator rows"),
      colIdx: put(band.colIdx, "memory operator columns"),
      vals: put(band.vals, "memory operator values"),
      rowSum: put(band.rowSum, "memory operator row sums"),
      trapezoid: put(band.trapezoid, "trapezoid weights"),
      lNorm: band.lNorm,
      rNorm: band.rNorm,
      points: band.points,
    };
  }

  #resident(set: { images: Float32Array; labels: Int32Array; count: number }, what: string): ResidentSet {
    const { layers } = this.config;
    const n0 = layers[0], nOut = layers[layers.length - 1];
    const wasm = this.#wasm;
    const images = wasm.alloc(4 * set.count * n0, `${what} images`);
    const targets = wasm.alloc(4 * set.count * nOut, `${what} targets`);
    const particles = wasm.alloc(4 * set.count * this.#S, `${what} particles`);
    wasm.f32.set(set.images, images >> 2);
    writeOneHot(wasm.f32, targets >> 2, set.labels, 0, set.count, nOut);
    return { count: set.count, labels: set.labels, images, targets, particles };
  }

  /** Glorot-uniform weights U(−r, r), r = initScale·√(6/(n_ℓ + n_{ℓ+1})) (Glorot & Bengio 2010, Eq. 16), zero biases (seeded, stream 0). */
  #initialise(): void {
    const { layers, seed, initScale } = this.config;
    const rng = new Rng({ seed, stream: 0, backend: this.#wasm.backend });
    try {
      for (let l = 0; l < layers.length - 1; l++) {
        const r = initScale * glorotBound(layers[l], layers[l + 1]);
        const u = rng.uniform(layers[l] * layers[l + 1]);
        const f32 = this.#wasm.f32, at = this.#w[l] >> 2;
        for (let i = 0; i < u.length; i++) f32[at + i] = r * (2 * u[i] - 1);
        this.#syncTranspose(l);
      }
    } finally {
      rng.dispose();
    }
  }

  /** Wt^ℓ ← (W^ℓ)ᵀ (layers ℓ ≥ 1 keep a transposed copy for the relaxation). */
  #syncTranspose(l: number): void {
    if (l === 0) return;
    const { layers } = this.config;
    this.#wasm.exports.eqprop_transpose(this.#wt[l], this.#w[l], layers[l], layers[l + 1]);
  }

  /** A copy of the weights and biases (canonical layout, see {@link EqPropParameters}). */
  parameters(): EqPropParameters {
    const { layers } = this.config;
    const f32 = this.#wasm.f32;
    return {
      layers: [...layers],
      weights: this.#w.map((at, l) => f32.slice(at >> 2, (at >> 2) + layers[l] * layers[l + 1])),
      biases: this.#b.slice(1).map((at, l) => f32.slice(at >> 2, (at >> 2) + layers[l + 1])),
    };
  }

  /**
   * Replaces the weights and biases. After a divergence this makes the network usable again, and
   * restarts the persistent particles from zero (the diverged parameters may have left them non-finite).
   * @throws RangeError when the layer sizes or any array length differ from this network's, or a
   *   value is not finite or exceeds maxParameter in magnitude.
   */
  setParameters(p: EqPropParameters): void {
    const { layers, maxParameter } = this.config;
    if (typeof p !== "object" || p === null) throw new TypeError("parameters must be { layers, weights, biases }");
    if (!Array.isArray(p.layers) || p.layers.length !== layers.length || p.layers.some((n, l) => n !== layers[l])) {
      throw new RangeError(`parameters are for layers ${p?.layers?.join?.("-")}, this network has ${layers.join("-")}`);
    }
    const check = (name: string, a: unknown, n: number): Float32Array => {
      if (!(a instanceof Float32Array) || a.length !== n) throw new RangeError(`${name} must be a Float32Array of length ${n}`);
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(a[i])) throw new RangeError(`${name}[${i}] is not finite`);
        if (!(Math.abs(a[i]) <= maxParameter)) throw new RangeError(`|${name}[${i}]| = ${Math.abs(a[i])} exceeds maxParameter (${maxParameter})`);
      }
      return a;
    };
    const ws = layers.slice(0, -1).map((n, l) => check(`weights[${l}]`, p.weights?.[l], n * layers[l + 1]));
    const bs = layers.slice(1).map((n, l) => check(`biases[${l}]`, p.biases?.[l], n));
    const f32 = this.#wasm.f32;
    ws.forEach((w, l) => { f32.set(w, this.#w[l] >> 2); this.#syncTranspose(l); });
    bs.forEach((b, l) => f32.set(b, this.#b[l + 1] >> 2));
    if (this.#divergence !== null) {
      // The diverged parameters may have left non-finite states behind: restart the particles from zero.
      for (const set of [this.#train, this.#test]) if (set) f32.fill(0, set.particles >> 2, (set.particles >> 2) + set.count * this.#S);
      this.#divergence = null;
    }
  }

  /** Null, or where and why training diverged; the network then refuses use until new parameters are set. */
  get divergence(): EqPropDivergence | null {
    return this.#divergence === null ? null : { ...this.#divergence };
  }

  /** "ready", or "diverged" (see {@link EqProp.divergence}). */
  get status(): "ready" | "diverged" {
    return this.#divergence === null ? "ready" : "diverged";
  }

  /** @throws EqPropDivergedError after a divergence (DisposedError after dispose comes from the wasm access). */
  #usable(): void {
    if (this.#divergence !== null) throw new EqPropDivergedError(this.#divergence);
  }

  /** Number of training mini-batches per epoch (the last may be short). */
  get batchesPerEpoch(): number {
    return this.#train ? Math.ceil(this.#train.count / this.config.batchSize) : 0;
  }

  /**
   * Relaxes `images` (count × n₀) for `iterations` steps at nudging `beta` towards `labels` (needed
   * when beta ≠ 0), from `states` (count × S, default zeros), and returns the states (count × S: u¹,
   * then u², …). A one-shot tool for inspection and tests; training uses the persistent particles.
   * @throws TypeError/RangeError naming relax.images, relax.labels, states or the option at fault.
   */
  relax(images: Float32Array, options?: { iterations?: number; beta?: number; labels?: ArrayLike<number>; states?: Float32Array }): Float32Array {
    this.#usable();
    const o = check.options("relax", options, ["iterations", "beta", "labels", "states"]);
    const { layers, epsilon, freeIterations } = this.config;
    const n0 = layers[0], nOut = layers[layers.length - 1], S = this.#S;
    const iterations = check.integer("iterations", o.iterations ?? freeIterations, 0, 1e6);
    const beta = check.finite("beta", o.beta ?? 0);
    checkStableStep(epsilon, beta, "beta");
    const labels = o.labels ?? new Int32Array(imageCount("relax", images, n0));
    const set = checkDataset("relax", { images, labels }, n0, nOut);
    if (beta !== 0 && o.labels === undefined) throw new TypeError("labels are needed when beta ≠ 0");
    const work = set.count * (n0 * layers[1] + iterations * 2 * (this.#couplings() + S));
    if (!(work <= MAX_WORK)) throw new RangeError(`iterations = ${iterations} on ${set.count} images takes ${work.toExponential(2)} multiply-adds, more than 2^40: relax fewer images or iterations per call`);
    if (o.states !== undefined && !(o.states instanceof Float32Array)) throw new TypeError("states must be a Float32Array (count × S)");
    const out = o.states ? Float32Array.from(o.states) : new Float32Array(set.count * S);
    if (out.length !== set.count * S) throw new RangeError(`states must have ${set.count} × ${S} values, got ${out.length}`);
    for (let i = 0; i < out.length; i++) if (!(out[i] >= 0 && out[i] <= 1)) throw new RangeError(`states[${i}] = ${out[i]} is outside [0, 1]`);
    const sc = this.#scratchSet;
    this.#eachChunk(images, set.labels, out, (start, n) => {
      this.#wasm.exports.eqprop_relax(this.#net, this.#drive, sc.particles, sc.targets, n, iterations, beta, epsilon);
      out.set(this.#wasm.f32.subarray(sc.particles >> 2, (sc.particles >> 2) + n * S), start * S);
    });
    return out;
  }

  /**
   * The energy E of each example's state (images count × n₀, states count × S), in f64.
   * @throws TypeError/RangeError naming energy.images or states.
   */
  energy(images: Float32Array, states: Float32Array): Float64Array {
    this.#usable();
    const { layers } = this.config;
    const n0 = layers[0], S = this.#S;
    const set = checkDataset("energy", { images, labels: new Int32Array(imageCount("energy", images, n0)) }, n0, layers[layers.length - 1]);
    if (!(states instanceof Float32Array) || states.length !== set.count * S) throw new RangeError(`states must be a Float32Array of ${set.count} × ${S} values`);
    const sc = this.#scratchSet;
    const out = new Float64Array(set.count);
    this.#eachChunk(images, set.labels, states, (start, n) => {
      this.#wasm.exports.eqprop_energy(this.#net, sc.images, this.#drive, sc.particles, n, this.#energy);
      out.set(this.#wasm.f64.subarray(this.#energy >> 3, (this.#energy >> 3) + n), start);
    });
    return out;
  }

  /**
   * Runs `body(start, n)` for each chunk of at most B examples, with the chunk's images, one-hot
   * targets and states copied into the scratch set and its input drive computed.
   */
  #eachChunk(images: Float32Array, labels: Int32Array, states: Float32Array, body: (start: number, n: number) => void): void {
    const { layers, batchSize: B } = this.config;
    const n0 = layers[0], nOut = layers[layers.length - 1], S = this.#S, sc = this.#scratchSet;
    for (let start = 0; start < labels.length; start += B) {
      const n = Math.min(B, labels.length - start), f32 = this.#wasm.f32;
      f32.set(images.subarray(start * n0, (start + n) * n0), sc.images >> 2);
      writeOneHot(f32, sc.targets >> 2, labels, start, n, nOut);
      f32.set(states.subarray(start * S, (start + n) * S), sc.particles >> 2);
      this.#wasm.exports.eqprop_drive(this.#net, sc.images, this.#drive, n);
      body(start, n);
    }
  }

  /**
   * One training step on examples `start … start + count − 1` of `set` with the given signed β
   * (state in wasm: particles updated by the free phase, parameters by the update). Returns the
   * misclassified count and the summed free energy (finite: the parameters were checked after the
   * previous update, see {@link EqProp.#runaway}).
   */
  #trainBatch(set: ResidentSet, start: number, count: number, betaSigned: number): { errors: number; energy: number } {
    const { layers, epsilon, freeIterations, clampedIterations, learningRates, variant } = this.config;
    const wasm = this.#wasm, e = wasm.exports, S = this.#S, L = layers.length;
    const n0 = layers[0], nOut = layers[L - 1];
    const x = set.images + 4 * start * n0, targets = set.targets + 4 * start * nOut, free = set.particles + 4 * start * S;
    e.eqprop_drive(this.#net, x, this.#drive, count);
    e.eqprop_relax(this.#net, this.#drive, free, targets, count, freeIterations, 0, epsilon);
    const { errors, energy } = this.#score(set, start, count);
    if (variant === "plain") {
      wasm.u8.copyWithin(this.#clamped, free, free + 4 * count * S);
      e.eqprop_relax(this.#net, this.#drive, this.#clamped, targets, count, clampedIterations, betaSigned, epsilon);
      for (let l = 0; l < L - 1; l++) {
        const coeff = learningRates[l] / (betaSigned * count);
        const lo = 4 * this.#offsets[l], hi = 4 * this.#offsets[l + 1];
        if (l === 0) {
          e.eqprop_outer_update(this.#w[0], n0, layers[1], x, x, n0, this.#clamped + hi, free + hi, S, count, coeff, this.#acc);
        } else {
          e.eqprop_outer_update(this.#wt[l], layers[l + 1], layers[l], this.#clamped + hi, free + hi, S, this.#clamped + lo, free + lo, S, count, coeff, this.#acc);
          e.eqprop_transpose(this.#w[l], this.#wt[l], layers[l + 1], layers[l]);
        }
        e.eqprop_outer_update(this.#b[l + 1], 1, layers[l + 1], this.#ones, this.#ones, 1, this.#clamped + hi, free + hi, S, count, coeff, this.#acc);
      }
    } else {
      this.#memoryUpdate(x, free, targets, count, betaSigned);
    }
    return { errors, energy };
  }

  /** The memory variant's update (Falk et al. Appendix B; see assembly/eqprop.ts eqprop_memory_update). */
  #memoryUpdate(x: number, free: number, targets: number, count: number, betaSigned: number): void {
    const { layers, epsilon, clampedIterations, learningRates, memory } = this.config;
    const band = this.#band!;
    const wasm = this.#wasm, e = wasm.exports, S = this.#S, L = layers.length;
    const setBytes = 4 * count * S;
    for (let k = 0; k < band.points; k++) {
      const at = this.#points + k * setBytes;
      wasm.u8.copyWithin(at, free, free + setBytes);
      e.eqprop_relax(this.#net, this.#drive, at, targets, count, clampedIterations, betaSigned * this.#rampBetas[k], epsilon);
    }
    const pointFloats = count * S;
    const update = (m: number, rows: number, cols: number, a: number, aK: number, aB: number, c: number, theta: number, coeff: number) =>
      e.eqprop_memory_update(
        m, rows, cols, a, aK, aB, c, pointFloats, S, count, band.points, band.rowPtr, band.colIdx, band.vals, band.rowSum,
        band.trapezoid, memory.gridPoints, theta, coeff, band.lNorm, band.rNorm, this.#work,
      );
    // The band holds −1/B for the configured batch size; a short last batch rescales by B/count.
    const short = this.config.batchSize / count;
    for (let l = 0; l < L - 1; l++) {
      const coeff = (learningRates[l] * memory.updateFactor) / betaSigned;
      const lo = 4 * this.#offsets[l], hi = 4 * this.#offsets[l + 1];
      const thetaW = memory.weightThresholds[l] / short, thetaB = memory.biasThresholds[l] / short;
      if (l === 0) update(this.#w[0], layers[0], layers[1], x, 0, layers[0], this.#points + hi, thetaW, coeff * short);
      else update(this.#w[l], layers[l], layers[l + 1], this.#points + lo, pointFloats, S, this.#points + hi, thetaW, coeff * short);
      update(this.#b[l + 1], 1, layers[l + 1], this.#ones, 0, 1, this.#points + hi, thetaB, coeff * short);
      this.#syncTranspose(l);
    }
  }

  /** Misclassified examples and summed energy of the free states of set[start … start + count). */
  #score(set: ResidentSet, start: number, count: number): { errors: number; energy: number } {
    const { layers } = this.config;
    const wasm = this.#wasm, S = this.#S, nOut = layers[layers.length - 1], outAt = this.#offsets[layers.length - 1];
    wasm.exports.eqprop_energy(this.#net, set.images + 4 * start * layers[0], this.#drive, set.particles + 4 * start * S, count, this.#energy);
    const f32 = wasm.f32, f64 = wasm.f64;
    let errors = 0, energy = 0;
    for (let b = 0; b < count; b++) {
      if (argmax(f32, ((set.particles + 4 * (start + b) * S) >> 2) + outAt, nOut) !== set.labels[start + b]) errors++;
      energy += f64[(this.#energy >> 3) + b];
    }
    return { errors, energy };
  }

  /**
   * Trains mini-batch `index` of the training set (examples index·B …) with β of sign `betaSign`:
   * the free phase (particles written back), then the update. Returns the misclassified count and
   * the summed free energy of the batch, measured before the update, and the status: "diverged"
   * when the update left a parameter non-finite or beyond maxParameter (see {@link EqProp.divergence}).
   * @throws RangeError for an index outside the epoch or a sign other than ±1; EqPropDivergedError
   *   after a divergence.
   */
  trainBatch(index: number, betaSign: 1 | -1 = 1): { errors: number; energy: number; count: number; status: "completed" | "diverged" } {
    this.#usable();
    const set = this.#train;
    if (!set) throw new Error("this network has no training set (pass data.train)");
    check.integer("index", index, 0, this.batchesPerEpoch - 1);
    if (betaSign !== 1 && betaSign !== -1) throw new RangeError(`betaSign must be 1 or -1, got ${betaSign}`);
    const B = this.config.batchSize, start = index * B, count = Math.min(B, set.count - start);
    const r = this.#trainBatch(set, start, count, betaSign * this.config.beta);
    const reason = this.#runaway();
    if (reason !== null) this.#divergence = { epoch: this.epoch + 1, batch: index + 1, reason };
    return { ...r, count, status: reason === null ? "completed" : "diverged" };
  }

  /** A copy of the persistent particles of the training or held-out set (count × S: u¹, then u², …). */
  particles(which: "train" | "test" = "train"): Float32Array {
    const set = check.oneOf("which", which, ["train", "test"] as const) === "train" ? this.#train : this.#test;
    if (!set) return new Float32Array(0);
    return this.#wasm.f32.slice(set.particles >> 2, (set.particles >> 2) + set.count * this.#S);
  }

  /** Signs of β for each mini-batch of epoch `epoch` (stream epoch + 1 of the seed; stream 0 drew the weights). */
  #betaSigns(epoch: number, batches: number): Float64Array {
    const { beta, randomBetaSign, seed } = this.config;
    if (!randomBetaSign) return new Float64Array(batches).fill(beta);
    const rng = new Rng({ seed, stream: epoch + 1, backend: this.#wasm.backend });
    try {
      return rng.uniform(batches).map((u) => (u < 0.5 ? -beta : beta));
    } finally {
      rng.dispose();
    }
  }

  /**
   * Held-out error: a free phase of `freeIterations` from each held-out example's persistent
   * particle (as Scellier & Bengio), then the arg-max of the output layer.
   * @throws Error when the network has no held-out set.
   */
  evaluate(): { error: number; energy: number } {
    this.#usable();
    const set = this.#test;
    if (!set) throw new Error("this network has no held-out set (pass data.test)");
    const { epsilon, freeIterations, batchSize: B } = this.config;
    const e = this.#wasm.exports;
    let errors = 0, energy = 0;
    for (let start = 0; start < set.count; start += B) {
      const n = Math.min(B, set.count - start);
      e.eqprop_drive(this.#net, set.images + 4 * start * this.config.layers[0], this.#drive, n);
      e.eqprop_relax(this.#net, this.#drive, set.particles + 4 * start * this.#S, set.targets, n, freeIterations, 0, epsilon);
      const s = this.#score(set, start, n);
      errors += s.errors;
      energy += s.energy;
    }
    return { error: errors / set.count, energy: energy / set.count };
  }

  *#epochLoop(options: EpochOptions | undefined): Generator<void, EpochMetrics> {
    this.#usable();
    const o = check.options("trainEpoch", options, ["onProgress", "signal"]);
    checkRunCallbacks(o);
    const set = this.#train;
    if (!set) throw new Error("this network has no training set (pass data.train)");
    const B = this.config.batchSize;
    const batches = this.batchesPerEpoch;
    const signs = this.#betaSigns(this.epoch, batches);
    const t0 = performance.now();
    let errors = 0, energy = 0, seen = 0, done = 0;
    let reason: string | null = null;
    while (done < batches && !o.signal?.aborted) {
      const start = done * B, n = Math.min(B, set.count - start);
      const r = this.#trainBatch(set, start, n, signs[done]);
      errors += r.errors; energy += r.energy; seen += n; done++;
      reason = this.#runaway();
      if (reason !== null) break;
      o.onProgress?.({ step: done, steps: batches, t: done, fraction: done / batches });
      yield;
    }
    if (reason !== null) this.#divergence = { epoch: this.epoch + 1, batch: done, reason };
    const status = reason !== null ? "diverged" : done === batches ? "completed" : "aborted";
    if (status === "completed") this.epoch++; // a diverged or aborted epoch is not an epoch trained
    const test = status === "completed" && this.#test ? this.evaluate() : null;
    return {
      epoch: this.epoch,
      trainError: seen ? errors / seen : 0,
      trainEnergy: seen ? energy / seen : 0,
      testError: test ? test.error : null,
      testEnergy: test ? test.energy : null,
      seconds: (performance.now() - t0) / 1000,
      status,
      batches: done,
    };
  }

  /**
   * Null when every weight and bias is finite and within maxParameter, else which one is not; run
   * after every update. The fast test is wasm's f32 sum of squares (dot_f32) per chunk of at most
   * 2²² values: a finite sum ≤ max²/2 proves every |θ| ≤ max, since a sum of n non-negative f32 terms
   * in eight partial sums is low by at most (n/8 + 3)·2⁻²⁴ < 4 % relative. Only a chunk that fails
   * it is scanned value by value (in training that never happens before a divergence).
   */
  #runaway(): string | null {
    const { layers, maxParameter } = this.config;
    const e = this.#wasm.exports, bound = 0.5 * maxParameter * maxParameter;
    const spans: [string, number, number][] = [
      ...this.#w.map((at, l): [string, number, number] => [`weights[${l}]`, at, layers[l] * layers[l + 1]]),
      ...this.#b.slice(1).map((at, l): [string, number, number] => [`biases[${l}]`, at, layers[l + 1]]),
    ];
    for (const [name, at, n] of spans) {
      for (let from = 0; from < n; from += RUNAWAY_CHUNK) {
        const count = Math.min(RUNAWAY_CHUNK, n - from), address = at + 4 * from;
        const squares = e.dot_f32(address, address, count);
        if (Number.isFinite(squares) && squares <= bound) continue;
        const f32 = this.#wasm.f32, base = address >> 2;
        for (let i = 0; i < count; i++) {
          const x = f32[base + i];
          if (!(Math.abs(x) <= maxParameter)) {
            return Number.isFinite(x) ? `|${name}[${from + i}]| = ${Math.abs(x)} exceeds maxParameter (${maxParameter})` : `${name}[${from + i}] is ${x}`;
          }
        }
      }
    }
    return null;
  }

  /** The number of coupling weights the relaxation multiplies by twice per step (every W^ℓ, ℓ ≥ 1). */
  #couplings(): number {
    const { layers } = this.config;
    return layers.slice(1, -1).reduce((s, n, l) => s + n * layers[l + 2], 0);
  }

  /**
   * Trains one epoch: every mini-batch of the training set in order, then the held-out error.
   * An aborted epoch (signal) keeps the batches already trained and is not counted.
   */
  trainEpoch(options?: EpochOptions): EpochMetrics {
    return driveSync(this.#epochLoop(options));
  }

  /** As {@link EqProp.trainEpoch}, yielding to the event loop so progress bars and Ctrl-C stay live. */
  trainEpochAsync(options?: EpochOptions): Promise<EpochMetrics> {
    return driveAsync(this.#epochLoop(options));
  }

  /** Predicted classes of `images` (count × n₀): a free phase of `freeIterations` from zero states. */
  predict(images: Float32Array): Uint8Array {
    const { layers } = this.config;
    const states = this.relax(images);
    const S = this.#S, nOut = layers[layers.length - 1], outAt = this.#offsets[layers.length - 1];
    const count = states.length / S;
    return Uint8Array.from({ length: count }, (_, b) => argmax(states, b * S + outAt, nOut));
  }

  /** Serialises the parameters (format in {@link saveParameters}). */
  save(): Uint8Array {
    this.#usable();
    return saveParameters(this.parameters(), { epoch: this.epoch, config: this.config });
  }

  /**
   * Loads parameters saved by {@link EqProp.save}; restores the epoch count (and clears a divergence).
   * @throws TypeError/RangeError for a corrupt or truncated file, a shape or version mismatch, or
   *   parameters beyond maxParameter (see {@link loadParameters}).
   */
  load(bytes: Uint8Array): void {
    const { parameters, epoch } = loadParameters(bytes);
    this.setParameters(parameters);
    this.epoch = epoch;
  }

  /** Frees the wasm memory. Idempotent; later calls throw DisposedError. */
  dispose(): void {
    this.#wasm.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Options of {@link EqProp.trainEpoch}. */
export interface EpochOptions {
  /** Called after each mini-batch. */
  onProgress?: (p: Progress) => void;
  /** Stops after the current mini-batch. */
  signal?: AbortSignal;
}

// ---- saved parameters -------------------------------------------------------------------------------

const MAGIC = 0x50454c54; // "TLEP" little-endian
/** Version of the binary parameter format written (2: with a CRC-32 trailer). Version 1 files are still read. */
export const EQPROP_FORMAT_VERSION = 2;

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 (IEEE 802.3, as zlib and PNG: reflected polynomial 0xEDB88320, initial and final XOR
 * 0xFFFFFFFF) of `bytes`, as an unsigned 32-bit integer. crc32("123456789") = 0xCBF43926.
 */
export function crc32(bytes: Uint8Array): number {
  const table = (crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  }));
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The parameters checked as a file needs them: 2–64 layers of 1–2²⁰ units, Float32Arrays of the right lengths, finite. */
function checkSavable(p: unknown): EqPropParameters {
  if (typeof p !== "object" || p === null) throw new TypeError("saveParameters: parameters must be { layers, weights, biases }");
  const { layers: layersIn, weights, biases } = p as EqPropParameters;
  const layers = resolveLayers(layersIn);
  const arrays = (name: string, value: unknown, sizes: number[]): Float32Array[] => {
    if (!Array.isArray(value) || value.length !== sizes.length) throw new TypeError(`parameters.${name} must be an array of ${sizes.length} Float32Arrays`);
    return value.map((a, l) => {
      if (!(a instanceof Float32Array) || a.length !== sizes[l]) throw new RangeError(`parameters.${name}[${l}] must be a Float32Array of length ${sizes[l]}`);
      for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new RangeError(`parameters.${name}[${l}][${i}] is ${a[i]}: only finite parameters are saved`);
      return a;
    });
  };
  return {
    layers,
    weights: arrays("weights", weights, layers.slice(0, -1).map((n, l) => n * layers[l + 1])),
    biases: arrays("biases", biases, layers.slice(1)),
  };
}

/**
 * Binary parameter format (version 2), little-endian: u32 magic "TLEP", u32 format version, u32
 * epoch, u32 L, L × u32 layer sizes, u32 byte length of a UTF-8 JSON header ({ version, config }),
 * the header, zero padding to 4 bytes, every W^ℓ (n_ℓ × n_{ℓ+1}, row-major) and every b^ℓ as f32,
 * then u32 CRC-32 ({@link crc32}) of every byte before it. Version 1 is the same without the CRC.
 * @throws TypeError/RangeError naming the parameter or `meta.epoch` (an integer in [0, 2³² − 1]) at fault.
 */
export function saveParameters(p: EqPropParameters, meta: { epoch: number; config?: unknown }): Uint8Array {
  const params = checkSavable(p);
  const m = check.options("saveParameters meta", meta, ["epoch", "config"]);
  if (m.epoch === undefined) throw new TypeError("saveParameters: meta.epoch is required");
  const epoch = check.integer("meta.epoch", m.epoch, 0, 0xffffffff);
  let json: string;
  try {
    json = JSON.stringify({ version: VERSION, config: m.config ?? null });
  } catch (error) {
    throw new TypeError(`saveParameters: meta.config cannot be written as JSON (${(error as Error).message})`);
  }
  const header = new TextEncoder().encode(json);
  const L = params.layers.length;
  const pad = (4 - (header.length % 4)) % 4;
  const floats = params.weights.reduce((s, w) => s + w.length, 0) + params.biases.reduce((s, b) => s + b.length, 0);
  const bytes = new Uint8Array(4 * (4 + L + 1) + header.length + pad + 4 * floats + 4);
  const view = new DataView(bytes.buffer);
  let at = 0;
  const u32 = (x: number) => { view.setUint32(at, x, true); at += 4; };
  u32(MAGIC); u32(EQPROP_FORMAT_VERSION); u32(epoch); u32(L);
  for (const n of params.layers) u32(n);
  u32(header.length);
  bytes.set(header, at);
  at += header.length + pad;
  for (const a of [...params.weights, ...params.biases]) {
    for (let i = 0; i < a.length; i++) { view.setFloat32(at, a[i], true); at += 4; }
  }
  u32(crc32(bytes.subarray(0, at)));
  return bytes;
}

/**
 * Reads the format written by {@link saveParameters}, version 2 (checked against its CRC-32) or 1
 * (which has no checksum, so a changed byte in it cannot be detected).
 * @throws TypeError for anything but bytes; RangeError for a wrong magic, an unknown version, a
 *   truncated or corrupt file (checksum mismatch), a header that is not JSON, or a parameter that
 *   is not finite.
 */
export function loadParameters(bytes: Uint8Array): { parameters: EqPropParameters; epoch: number; header: unknown; formatVersion: number } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("saved parameters must be a Uint8Array");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = () => {
    if (at + 4 > bytes.length) throw new RangeError(`saved parameters are truncated: they end at byte ${bytes.length}, inside the fixed fields`);
    const x = view.getUint32(at, true); at += 4; return x;
  };
  if (u32() !== MAGIC) throw new RangeError("not a thermolearn EqProp parameter file (bad magic)");
  const version = u32();
  if (version !== 1 && version !== 2) throw new RangeError(`parameter format version ${version} is not supported (this build reads 1 and ${EQPROP_FORMAT_VERSION})`);
  const epoch = u32(), L = u32();
  if (L < 2 || L > MAX_LAYERS) throw new RangeError(`saved parameters have ${L} layers (2 to ${MAX_LAYERS} are possible): the file is corrupt`);
  const layers = Array.from({ length: L }, u32);
  if (layers.some((n) => n < 1 || n > MAX_WIDTH)) throw new RangeError(`saved parameters have a layer of ${layers.find((n) => n < 1 || n > MAX_WIDTH)} units (1 to ${MAX_WIDTH} are possible): the file is corrupt`);
  const headerLength = u32();
  const headerAt = at, dataAt = headerAt + headerLength + ((4 - (headerLength % 4)) % 4);
  const floats = layers.slice(0, -1).reduce((s, n, l) => s + n * layers[l + 1], 0) + layers.slice(1).reduce((s, n) => s + n, 0);
  const expected = dataAt + 4 * floats + (version === 2 ? 4 : 0);
  const shape = `layers ${layers.join("-")} with a ${headerLength}-byte header`;
  if (bytes.length < expected) throw new RangeError(`saved parameters are truncated or corrupt: ${shape} need ${expected} bytes, the file has ${bytes.length}`);
  if (bytes.length > expected) throw new RangeError(`saved parameters have ${bytes.length - expected} unexpected trailing bytes after ${shape}`);
  if (version === 2) {
    const stored = view.getUint32(expected - 4, true), actual = crc32(bytes.subarray(0, expected - 4));
    if (stored !== actual) {
      throw new RangeError(`saved parameters are corrupt: their CRC-32 is 0x${actual.toString(16).padStart(8, "0")}, the file records 0x${stored.toString(16).padStart(8, "0")} (a byte changed since saving)`);
    }
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(headerAt, headerAt + headerLength)));
  } catch (error) {
    throw new RangeError(`saved parameters: the JSON header (${headerLength} bytes from byte ${headerAt}) cannot be read: ${(error as Error).message}`);
  }
  at = dataAt;
  const read = (name: string, n: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = view.getFloat32(at, true); at += 4;
      if (!Number.isFinite(a[i])) throw new RangeError(`saved parameters: ${name}[${i}] is ${a[i]}; refusing a file with non-finite parameters`);
    }
    return a;
  };
  const weights = layers.slice(0, -1).map((n, l) => read(`weights[${l}]`, n * layers[l + 1]));
  const biases = layers.slice(1).map((n, l) => read(`biases[${l}]`, n));
  return { parameters: { layers, weights, biases }, epoch, header, formatVersion: version };
}
