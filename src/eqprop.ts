/**
 * Equilibrium propagation (Scellier & Bengio 2017) on a layered energy-based network, plain and with
 * the non-equilibrium memory update of Falk, Strupp, Scellier & Murugan (shared/spec/MODELS.md §4;
 * seed 002 Appendix B). The relaxation and both updates run in wasm (assembly/eqprop.ts), in f32.
 */
import type { Backend } from "./core/loader.js";
import { WasmInstance, formatBytes } from "./core/instance.js";
import { MAX_MEMORY_BYTES } from "./core/abi.js";
import { checkRunCallbacks, driveAsync, driveSync, type Progress } from "./core/drive.js";
import { sineKernel, type Alignment } from "./contrastive.js";
import { finite, integer, knownKeys, nonNegative, oneOf, positive, seed as checkSeed } from "./core/validate.js";
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
  /** Steps of each ramp: R + 1 points up, R down, 2R + 1 in all (the last equals the first). Default 8. */
  rampSteps?: number;
  /** Points of the time grid the currents are interpolated onto (t_m = m·period/G). Default 100. */
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
  /** Layer sizes, input first. Default [784, 500, 10]. */
  layers?: number[];
  /** "plain" (Scellier & Bengio) or "memory" (Falk et al.). Default "plain". */
  variant?: EqPropVariant;
  /** Seed of the initial weights and the β signs. Default 0. */
  seed?: number;
  /** Relaxation step ε. Default 0.5. */
  epsilon?: number;
  /** Free-phase iterations from the persistent particle. Default 20. */
  freeIterations?: number;
  /** Clamped-phase iterations from the free state. Default 4. */
  clampedIterations?: number;
  /** Nudging strength β. Default 0.5. */
  beta?: number;
  /** Draw the sign of β at random for each mini-batch (Scellier & Bengio §5.2). Default true. */
  randomBetaSign?: boolean;
  /** Learning rate per weight layer (also for the biases of the layer above). Default [0.1, 0.05] for 3 layers, [0.4, 0.1, 0.01] for 4, [0.128, 0.032, 0.008, 0.002] for 5 (Scellier & Bengio). */
  learningRates?: number[];
  /** Mini-batch size. Default 20. */
  batchSize?: number;
  /** Factor on the Glorot-uniform range. Default 1 (plain), 0.5 (memory, as Falk et al.). */
  initScale?: number;
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
  status: "completed" | "aborted";
  /** Mini-batches trained (less than all when aborted). */
  batches: number;
}

const OPTION_KEYS = [
  "layers", "variant", "seed", "epsilon", "freeIterations", "clampedIterations", "beta", "randomBetaSign",
  "learningRates", "batchSize", "initScale", "memory", "backend",
] as const;
const MEMORY_KEYS = [
  "tauFast", "tauSlow", "rampSteps", "gridPoints", "kernel", "convolutionScale", "alignment", "weightThresholds",
  "biasThresholds", "trapezoidStep", "updateFactor",
] as const;
const DEFAULT_RATES: Record<number, number[]> = { 3: [0.1, 0.05], 4: [0.4, 0.1, 0.01], 5: [0.128, 0.032, 0.008, 0.002] };

/** The MNIST kernel of Falk et al. (Eq. 31): K[k] = sin(2πk/10)/3, k = 0 … 9 (the samples of {@link sineKernel}). */
export function mnistSineKernel(): Float64Array {
  return sineKernel().values;
}

/** An array of `length` numbers, one per `unit` (e.g. "weight layer"), each passing `check`. */
function numberList(name: string, value: unknown, length: number, unit: string, check: (name: string, x: unknown) => number): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of numbers`);
  if (value.length !== length) throw new RangeError(`${name} must have ${length} entries (one per ${unit}), got ${value.length}`);
  return value.map((x, i) => check(`${name}[${i}]`, x));
}

/**
 * Validates the options once and fills in the defaults.
 * @throws TypeError/RangeError naming the offending option.
 */
export function resolveEqPropConfig(options: EqPropOptions = {}): EqPropConfig {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  knownKeys("EqProp", options, OPTION_KEYS);
  const layersIn = options.layers ?? [784, 500, 10];
  if (!Array.isArray(layersIn)) throw new TypeError("layers must be an array of layer sizes, e.g. [784, 500, 10]");
  if (layersIn.length < 2) throw new RangeError(`layers needs at least an input and an output layer, got ${layersIn.length}`);
  const layers = layersIn.map((n, i) => integer(`layers[${i}]`, n, 1, 1 << 20));
  const L = layers.length;
  const variant = oneOf("variant", options.variant ?? "plain", EQPROP_VARIANTS);
  const rates = options.learningRates ?? DEFAULT_RATES[L];
  if (rates === undefined) throw new RangeError(`learningRates has no default for ${L} layers: give ${L - 1} rates`);
  const m = options.memory ?? {};
  if (typeof m !== "object" || m === null) throw new TypeError("memory must be an object");
  knownKeys("memory", m, MEMORY_KEYS);
  const hidden = L - 2;
  const tauFast = positive("memory.tauFast", m.tauFast ?? 0.1);
  const tauSlow = positive("memory.tauSlow", m.tauSlow ?? 0.9);
  const gridPoints = integer("memory.gridPoints", m.gridPoints ?? 100, 2, 100000);
  const memory = {
    tauFast,
    tauSlow,
    rampSteps: integer("memory.rampSteps", m.rampSteps ?? 8, 1, 1000),
    gridPoints,
    kernel: resolveKernel(m.kernel ?? "sine"),
    convolutionScale: finite("memory.convolutionScale", m.convolutionScale ?? 0.01),
    alignment: oneOf<Alignment>("memory.alignment", m.alignment ?? "scipy", ["scipy", "causal"]),
    weightThresholds: numberList("memory.weightThresholds", m.weightThresholds ?? layers.slice(1).map((_, l) => (l === 0 ? 1.2e-6 : 2e-5)), L - 1, "weight layer", nonNegative),
    biasThresholds: numberList("memory.biasThresholds", m.biasThresholds ?? layers.slice(1).map((_, l) => (l < hidden ? 1e-5 : 2e-4)), L - 1, "biased layer", nonNegative),
    trapezoidStep: positive("memory.trapezoidStep", m.trapezoidStep ?? (tauFast + tauSlow) / gridPoints),
    updateFactor: finite("memory.updateFactor", m.updateFactor ?? 0.5e4),
  };
  const kernelLength = memory.kernel === "sine" ? 10 : memory.kernel.length;
  if (kernelLength > memory.gridPoints) {
    throw new RangeError(`memory.kernel has ${kernelLength} samples, more than memory.gridPoints (${memory.gridPoints})`);
  }
  if (typeof (options.randomBetaSign ?? true) !== "boolean") throw new TypeError("randomBetaSign must be a boolean");
  return {
    layers,
    variant,
    seed: checkSeed("seed", options.seed ?? 0),
    epsilon: positive("epsilon", options.epsilon ?? 0.5),
    freeIterations: integer("freeIterations", options.freeIterations ?? 20, 0, 1e6),
    clampedIterations: integer("clampedIterations", options.clampedIterations ?? 4, 1, 1e6),
    beta: positive("beta", options.beta ?? 0.5),
    randomBetaSign: options.randomBetaSign ?? true,
    learningRates: numberList("learningRates", rates, L - 1, "weight layer", nonNegative),
    batchSize: integer("batchSize", options.batchSize ?? 20, 1, 1 << 16),
    initScale: nonNegative("initScale", options.initScale ?? (variant === "memory" ? 0.5 : 1)),
    memory,
  };
}

function resolveKernel(kernel: unknown): "sine" | number[] {
  if (kernel === "sine") return "sine";
  if (typeof kernel === "string") throw new TypeError(`memory.kernel must be "sine" or an array of samples, got ${JSON.stringify(kernel)}`);
  if (!(ArrayBuffer.isView(kernel) || Array.isArray(kernel))) throw new TypeError('memory.kernel must be "sine" or an array of samples');
  const k = Array.from(kernel as ArrayLike<number>, (x, i) => finite(`memory.kernel[${i}]`, x));
  if (k.length === 0) throw new RangeError("memory.kernel must have at least one sample");
  return k;
}

// ---- the memory variant's linear operator -------------------------------------------------------------

/** The β ramp of the memory variant: times t_k and nudging β_k/β for k = 0 … 2R (Appendix B). */
export function rampSchedule(memory: { tauFast: number; tauSlow: number; rampSteps: number }): { times: Float64Array; betas: Float64Array } {
  const R = memory.rampSteps;
  const times = new Float64Array(2 * R + 1), betas = new Float64Array(2 * R + 1);
  for (let k = 0; k <= 2 * R; k++) {
    times[k] = k <= R ? (memory.tauFast * k) / R : memory.tauFast + (memory.tauSlow * (k - R)) / R;
    betas[k] = k <= R ? k / R : (2 * R - k) / R;
  }
  return { times, betas };
}

/**
 * The linear map from the 2R + 1 ramp currents to the convolved signal on the grid: linear
 * interpolation onto t_m = m·period/G (scipy interp1d), then the circular convolution
 *   c_m = scale · Σ_j K[j] s[(m − j + shift) mod G]   (shift ⌊len/2⌋ for "scipy", 0 for "causal").
 * Returned as a G × (2R + 1) row-major matrix.
 */
export function memoryOperator(config: EqPropConfig["memory"]): Float64Array {
  const { times } = rampSchedule(config);
  const G = config.gridPoints, P1 = times.length, period = times[P1 - 1];
  const interp = new Float64Array(G * P1);
  let seg = 0;
  for (let m = 0; m < G; m++) {
    const t = (m * period) / G;
    while (seg < P1 - 2 && t > times[seg + 1]) seg++;
    const f = (t - times[seg]) / (times[seg + 1] - times[seg]);
    interp[m * P1 + seg] += 1 - f;
    interp[m * P1 + seg + 1] += f;
  }
  const kernel = config.kernel === "sine" ? Array.from(mnistSineKernel()) : config.kernel;
  const shift = config.alignment === "scipy" ? Math.floor(kernel.length / 2) : 0;
  const out = new Float64Array(G * P1);
  for (let m = 0; m < G; m++) {
    for (let j = 0; j < kernel.length; j++) {
      const src = (((m - j + shift) % G) + G) % G;
      const w = config.convolutionScale * kernel[j];
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
    throw new RangeError(`${name}.images has ${images.length} values, not a positive multiple of the input size ${n0}`);
  }
  return images.length / n0;
}

function checkDataset(name: string, data: unknown, n0: number, nOut: number): { images: Float32Array; labels: Int32Array; count: number } {
  if (typeof data !== "object" || data === null) throw new TypeError(`${name} must be { images, labels }`);
  const { images, labels } = data as Dataset;
  const count = imageCount(name, images, n0);
  for (let i = 0; i < images.length; i++) {
    const x = images[i];
    if (!(x >= 0 && x <= 1)) throw new RangeError(`${name}.images[${i}] = ${x}: pixels must lie in [0, 1]`);
  }
  if (labels === null || typeof labels !== "object" || typeof (labels as ArrayLike<number>).length !== "number") {
    throw new TypeError(`${name}.labels must be an array of class indices`);
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

const DIVERGED = "training diverged: a parameter is no longer finite (lower learningRates or memory.updateFactor)";

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

  /**
   * @param options network and training options (see {@link EqPropOptions}).
   * @param data the training set and an optional held-out set, copied into wasm memory.
   * @throws TypeError/RangeError naming a bad option, image or label; RangeError when the network
   *   and data do not fit in wasm memory (checked before allocating).
   */
  constructor(options: EqPropOptions = {}, data: { train?: Dataset; test?: Dataset } = {}) {
    this.config = resolveEqPropConfig(options);
    const { layers, batchSize: B, variant } = this.config;
    const L = layers.length, n0 = layers[0], nOut = layers[L - 1];
    const train = data.train === undefined ? null : checkDataset("train", data.train, n0, nOut);
    const test = data.test === undefined ? null : checkDataset("test", data.test, n0, nOut);
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
    this.#wasm = new WasmInstance("EqProp", options.backend);
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

  /** Glorot-uniform weights U(−r, r), r = initScale·√(6/(n_ℓ + n_{ℓ+1})), zero biases (seeded, stream 0). */
  #initialise(): void {
    const { layers, seed, initScale } = this.config;
    const rng = new Rng({ seed, stream: 0, backend: this.#wasm.backend });
    try {
      for (let l = 0; l < layers.length - 1; l++) {
        const r = initScale * Math.sqrt(6 / (layers[l] + layers[l + 1]));
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
   * Replaces the weights and biases.
   * @throws RangeError when the layer sizes or any array length differ from this network's, or a value is not finite.
   */
  setParameters(p: EqPropParameters): void {
    const { layers } = this.config;
    if (!p || !Array.isArray(p.layers) || p.layers.length !== layers.length || p.layers.some((n, l) => n !== layers[l])) {
      throw new RangeError(`parameters are for layers ${p?.layers?.join?.("-")}, this network has ${layers.join("-")}`);
    }
    const check = (name: string, a: unknown, n: number): Float32Array => {
      if (!(a instanceof Float32Array) || a.length !== n) throw new RangeError(`${name} must be a Float32Array of length ${n}`);
      for (let i = 0; i < n; i++) if (!Number.isFinite(a[i])) throw new RangeError(`${name}[${i}] is not finite`);
      return a;
    };
    const ws = layers.slice(0, -1).map((n, l) => check(`weights[${l}]`, p.weights?.[l], n * layers[l + 1]));
    const bs = layers.slice(1).map((n, l) => check(`biases[${l}]`, p.biases?.[l], n));
    const f32 = this.#wasm.f32;
    ws.forEach((w, l) => { f32.set(w, this.#w[l] >> 2); this.#syncTranspose(l); });
    bs.forEach((b, l) => f32.set(b, this.#b[l + 1] >> 2));
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
  relax(images: Float32Array, options: { iterations?: number; beta?: number; labels?: ArrayLike<number>; states?: Float32Array } = {}): Float32Array {
    const { layers, epsilon, freeIterations } = this.config;
    const n0 = layers[0], nOut = layers[layers.length - 1], S = this.#S;
    const iterations = integer("iterations", options.iterations ?? freeIterations, 0, 1e6);
    const beta = finite("beta", options.beta ?? 0);
    const labels = options.labels ?? new Int32Array(imageCount("relax", images, n0));
    const set = checkDataset("relax", { images, labels }, n0, nOut);
    if (beta !== 0 && options.labels === undefined) throw new TypeError("labels are needed when beta ≠ 0");
    const out = options.states ? Float32Array.from(options.states) : new Float32Array(set.count * S);
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
   * misclassified count and the summed free energy.
   */
  #trainBatch(set: ResidentSet, start: number, count: number, betaSigned: number): { errors: number; energy: number } {
    const { layers, epsilon, freeIterations, clampedIterations, learningRates, variant } = this.config;
    const wasm = this.#wasm, e = wasm.exports, S = this.#S, L = layers.length;
    const n0 = layers[0], nOut = layers[L - 1];
    const x = set.images + 4 * start * n0, targets = set.targets + 4 * start * nOut, free = set.particles + 4 * start * S;
    e.eqprop_drive(this.#net, x, this.#drive, count);
    e.eqprop_relax(this.#net, this.#drive, free, targets, count, freeIterations, 0, epsilon);
    const { errors, energy } = this.#score(set, start, count);
    // A non-finite parameter makes the free states, and so their energy, non-finite.
    if (!Number.isFinite(energy)) throw new RangeError(DIVERGED);
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
   * the summed free energy of the batch, measured before the update.
   * @throws RangeError for an index outside the epoch or a sign other than ±1.
   */
  trainBatch(index: number, betaSign: 1 | -1 = 1): { errors: number; energy: number; count: number } {
    const set = this.#train;
    if (!set) throw new Error("this network has no training set (pass data.train)");
    integer("index", index, 0, this.batchesPerEpoch - 1);
    if (betaSign !== 1 && betaSign !== -1) throw new RangeError(`betaSign must be 1 or -1, got ${betaSign}`);
    const B = this.config.batchSize, start = index * B, count = Math.min(B, set.count - start);
    const r = this.#trainBatch(set, start, count, betaSign * this.config.beta);
    return { ...r, count };
  }

  /** A copy of the persistent particles of the training or held-out set (count × S: u¹, then u², …). */
  particles(which: "train" | "test" = "train"): Float32Array {
    const set = oneOf("which", which, ["train", "test"] as const) === "train" ? this.#train : this.#test;
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

  *#epochLoop(options: EpochOptions): Generator<void, EpochMetrics> {
    checkRunCallbacks(options);
    const set = this.#train;
    if (!set) throw new Error("this network has no training set (pass data.train)");
    const B = this.config.batchSize;
    const batches = this.batchesPerEpoch;
    const signs = this.#betaSigns(this.epoch, batches);
    const t0 = performance.now();
    let errors = 0, energy = 0, seen = 0, done = 0;
    for (; done < batches; done++) {
      if (options.signal?.aborted) break;
      const start = done * B, n = Math.min(B, set.count - start);
      const r = this.#trainBatch(set, start, n, signs[done]);
      errors += r.errors; energy += r.energy; seen += n;
      options.onProgress?.({ step: done + 1, steps: batches, t: done + 1, fraction: (done + 1) / batches });
      yield;
    }
    const status = done === batches ? "completed" : "aborted";
    this.#checkFinite(); // before counting: a diverged epoch is not an epoch trained
    if (status === "completed") this.epoch++;
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

  /** Throws when a parameter stopped being finite (a diverging learning rate). */
  #checkFinite(): void {
    const f32 = this.#wasm.f32, { layers } = this.config;
    const spans = [...this.#w.map((at, l) => [at, layers[l] * layers[l + 1]]), ...this.#b.slice(1).map((at, l) => [at, layers[l + 1]])];
    for (const [at, n] of spans) {
      for (let i = at >> 2, end = (at >> 2) + n; i < end; i++) {
        if (!Number.isFinite(f32[i])) throw new RangeError(DIVERGED);
      }
    }
  }

  /**
   * Trains one epoch: every mini-batch of the training set in order, then the held-out error.
   * An aborted epoch (signal) keeps the batches already trained and is not counted.
   */
  trainEpoch(options: EpochOptions = {}): EpochMetrics {
    return driveSync(this.#epochLoop(options));
  }

  /** As {@link EqProp.trainEpoch}, yielding to the event loop so progress bars and Ctrl-C stay live. */
  trainEpochAsync(options: EpochOptions = {}): Promise<EpochMetrics> {
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
    return saveParameters(this.parameters(), { epoch: this.epoch, config: this.config });
  }

  /** Loads parameters saved by {@link EqProp.save}; restores the epoch count. @throws RangeError on a shape or version mismatch. */
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
/** Version of the binary parameter format. */
export const EQPROP_FORMAT_VERSION = 1;

/**
 * Binary parameter format, little-endian: u32 magic "TLEP", u32 format version, u32 epoch,
 * u32 L, L × u32 layer sizes, u32 byte length of a UTF-8 JSON header ({ version, config }), the
 * header, zero padding to 4 bytes, then every W^ℓ (n_ℓ × n_{ℓ+1}, row-major) and every b^ℓ as f32.
 */
export function saveParameters(p: EqPropParameters, meta: { epoch: number; config?: unknown }): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ version: VERSION, config: meta.config ?? null }));
  const L = p.layers.length;
  const pad = (4 - (header.length % 4)) % 4;
  const floats = p.weights.reduce((s, w) => s + w.length, 0) + p.biases.reduce((s, b) => s + b.length, 0);
  const bytes = new Uint8Array(4 * (4 + L + 1) + header.length + pad + 4 * floats);
  const view = new DataView(bytes.buffer);
  let at = 0;
  const u32 = (x: number) => { view.setUint32(at, x, true); at += 4; };
  u32(MAGIC); u32(EQPROP_FORMAT_VERSION); u32(meta.epoch); u32(L);
  for (const n of p.layers) u32(n);
  u32(header.length);
  bytes.set(header, at);
  at += header.length + pad;
  for (const a of [...p.weights, ...p.biases]) {
    for (let i = 0; i < a.length; i++) { view.setFloat32(at, a[i], true); at += 4; }
  }
  return bytes;
}

/**
 * Reads the format written by {@link saveParameters}.
 * @throws TypeError for anything but bytes; RangeError for a wrong magic, an unknown version or a truncated file.
 */
export function loadParameters(bytes: Uint8Array): { parameters: EqPropParameters; epoch: number; header: unknown } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("saved parameters must be a Uint8Array");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = () => {
    if (at + 4 > bytes.length) throw new RangeError("saved parameters are truncated");
    const x = view.getUint32(at, true); at += 4; return x;
  };
  if (u32() !== MAGIC) throw new RangeError("not a thermolearn EqProp parameter file (bad magic)");
  const version = u32();
  if (version !== EQPROP_FORMAT_VERSION) throw new RangeError(`parameter format version ${version} is not supported (this build reads ${EQPROP_FORMAT_VERSION})`);
  const epoch = u32(), L = u32();
  if (L < 2 || L > 64) throw new RangeError(`saved parameters have ${L} layers`);
  const layers = Array.from({ length: L }, u32);
  const headerLength = u32();
  if (at + headerLength > bytes.length) throw new RangeError("saved parameters are truncated");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(at, at + headerLength)));
  at += headerLength + ((4 - (headerLength % 4)) % 4);
  const read = (n: number) => {
    if (at + 4 * n > bytes.length) throw new RangeError("saved parameters are truncated");
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) { a[i] = view.getFloat32(at, true); at += 4; }
    return a;
  };
  const weights = layers.slice(0, -1).map((n, l) => read(n * layers[l + 1]));
  const biases = layers.slice(1).map((n) => read(n));
  if (at !== bytes.length) throw new RangeError(`saved parameters have ${bytes.length - at} unexpected trailing bytes`);
  return { parameters: { layers, weights, biases }, epoch, header };
}
