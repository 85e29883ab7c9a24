/**
 * EqProp's options, their validation (once, before anything reaches wasm) and the β ramp of the
 * memory variant (Falk, Strupp, Scellier & Murugan, Appendix B; shared/spec/MODELS.md §4).
 */
import type { Backend } from "../core/loader.js";
import * as check from "../core/validate.js";
import type { Alignment } from "../contrastive/index.js";

export type EqPropVariant = "plain" | "memory";
export const EQPROP_VARIANTS: readonly EqPropVariant[] = ["plain", "memory"];

/** Options of the memory variant (Falk et al. Appendix B; every default is the spec's). */
export interface MemoryOptions {
  /** Duration of the fast β ramp up (τ_f). Default 0.1. */
  tauFast?: number;
  /** Duration of the slow ramp back down (τ_s). Default 0.9; the period is τ_f + τ_s. */
  tauSlow?: number;
  /**
   * Steps of each ramp: R + 1 points up, R down, 2R + 1 in all (the last equals the first). Default 8, at most 1000.
   */
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
  /**
   * Learning rate per weight layer (also for the biases of the layer above). Default [0.1, 0.05] for 3 layers, [0.4,
   * 0.1, 0.01] for 4, [0.128, 0.032, 0.008, 0.002] for 5 (Scellier & Bengio).
   */
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
export interface EqPropConfig {
  /** {@inheritDoc EqPropOptions.layers} */
  layers: number[];
  /** {@inheritDoc EqPropOptions.variant} */
  variant: EqPropVariant;
  /** {@inheritDoc EqPropOptions.seed} */
  seed: number;
  /** {@inheritDoc EqPropOptions.epsilon} */
  epsilon: number;
  /** {@inheritDoc EqPropOptions.freeIterations} */
  freeIterations: number;
  /** {@inheritDoc EqPropOptions.clampedIterations} */
  clampedIterations: number;
  /** {@inheritDoc EqPropOptions.beta} */
  beta: number;
  /** {@inheritDoc EqPropOptions.randomBetaSign} */
  randomBetaSign: boolean;
  /** {@inheritDoc EqPropOptions.learningRates} */
  learningRates: number[];
  /** {@inheritDoc EqPropOptions.batchSize} */
  batchSize: number;
  /** {@inheritDoc EqPropOptions.initScale} */
  initScale: number;
  /** {@inheritDoc EqPropOptions.maxParameter} */
  maxParameter: number;
  /** The memory variant's options, resolved (used only with variant "memory"). */
  memory: Required<Omit<MemoryOptions, "kernel">> & {
    /** "sine", or the kernel's samples as given. */
    kernel: "sine" | number[];
  };
}

/** The options of {@link EqPropOptions} (runEqProp adds its own). */
export const OPTION_KEYS = [
  "layers",
  "variant",
  "seed",
  "epsilon",
  "freeIterations",
  "clampedIterations",
  "beta",
  "randomBetaSign",
  "learningRates",
  "batchSize",
  "initScale",
  "maxParameter",
  "memory",
  "backend",
] as const;
export const MEMORY_KEYS = [
  "tauFast",
  "tauSlow",
  "rampSteps",
  "gridPoints",
  "kernel",
  "convolutionScale",
  "alignment",
  "weightThresholds",
  "biasThresholds",
  "trapezoidStep",
  "updateFactor",
] as const;
const DEFAULT_RATES: Record<number, number[]> = {
  3: [0.1, 0.05],
  4: [0.4, 0.1, 0.01],
  5: [0.128, 0.032, 0.008, 0.002],
};

/** Layers of a network (and of a saved file): 2 to 64, each 1 to 2²⁰ units. */
export const MAX_LAYERS = 64;
export const MAX_WIDTH = 1 << 20;
/** Smallest β (see {@link EqPropOptions.beta}). */
export const EQPROP_MIN_BETA = 1e-6;
/** Most multiply-adds one mini-batch (or one relax call) may take: 2⁴⁰, minutes at the ~7·10⁹/s measured. */
export const MAX_WORK = 2 ** 40;
/** Most entries of the memory operator (G × (2R + 1)) and multiply-adds building it (G·|K|·(2R + 1)): ~30 MB, ~1 s. */
const MAX_OPERATOR_ENTRIES = 2 ** 22;
const MAX_OPERATOR_WORK = 2 ** 30;
/** Most grid points G of the memory operator (and samples of a given kernel): 10⁵, G·(2R + 1) entries stay small. */
export const MAX_GRID_POINTS = 100000;
/** Most steps R of each ramp (2R + 1 points; the ramp states take B·(R + 1)·S values). */
export const MAX_RAMP_STEPS = 1000;
/** Most relaxation iterations of one phase (free or clamped): 10⁶, far past any convergence. */
export const MAX_ITERATIONS = 1e6;
/** Most examples per mini-batch: 2¹⁶ (the batch buffers are B × the network's width). */
export const MAX_BATCH_SIZE = 1 << 16;

/** An array of `length` numbers, one per `unit` (e.g. "weight layer"), each passing `test`. */
function numberList(
  name: string,
  value: unknown,
  length: number,
  unit: string,
  test: (name: string, x: unknown) => number,
): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of numbers`);
  if (value.length !== length)
    throw new RangeError(`${name} must have ${length} entries (one per ${unit}), got ${value.length}`);
  return value.map((x, i) => test(`${name}[${i}]`, x));
}

export function resolveLayers(value: unknown): number[] {
  if (!Array.isArray(value)) throw new TypeError("layers must be an array of layer sizes, e.g. [784, 500, 10]");
  if (value.length < 2 || value.length > MAX_LAYERS) {
    throw new RangeError(
      `layers needs an input and an output layer and at most ${MAX_LAYERS} layers, got ${value.length}`,
    );
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
export function checkStableStep(epsilon: number, beta: number, betaName: string): void {
  if (!(epsilon < 2)) {
    throw new RangeError(
      `epsilon must be < 2, got ${epsilon}: the relaxation is gradient descent on E, whose ` +
        `curvature is 1 per unit, so a step of 2 or more overshoots instead of converging`,
    );
  }
  if (!(epsilon * (1 + 2 * Math.abs(beta)) < 2)) {
    throw new RangeError(
      `${betaName} must be below 1/epsilon − 1/2 = ${1 / epsilon - 0.5} at epsilon = ${epsilon}, ` +
        `got ${beta}: the nudge gives the output units curvature 1 + 2|β|, and a step epsilon·(1 + ` +
        `2|β|) ≥ 2 overshoots`,
    );
  }
}

/**
 * Validates the options once and fills in the defaults.
 * @throws TypeError/RangeError naming the offending option.
 * @example
 * ```ts
 * import { resolveEqPropConfig } from "thermolearn";
 * const c = resolveEqPropConfig({ layers: [784, 500, 10] });
 * console.log(c.learningRates, c.batchSize, c.beta); // [0.1, 0.05], 20, 0.5
 * ```
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
    throw new RangeError(
      `beta must be ≥ ${EQPROP_MIN_BETA}, got ${beta}: the update divides f32 state differences of ` +
        `order beta by beta, and below ${EQPROP_MIN_BETA} they are mostly rounding`,
    );
  }
  checkStableStep(epsilon, beta, "beta");
  const maxParameter = check.positive("maxParameter", o.maxParameter ?? 1e3);
  const initScale = check.nonNegative("initScale", o.initScale ?? (variant === "memory" ? 0.5 : 1));
  const widestRange = Math.max(...layers.slice(0, -1).map((n, l) => glorotBound(n, layers[l + 1])));
  if (!(initScale * widestRange <= maxParameter)) {
    throw new RangeError(
      `initScale = ${initScale} draws weights up to ${initScale * widestRange}, beyond maxParameter (${maxParameter})`,
    );
  }
  const config: EqPropConfig = {
    layers,
    variant,
    seed: check.seed("seed", o.seed ?? 0),
    epsilon,
    freeIterations: check.integer("freeIterations", o.freeIterations ?? 20, 0, MAX_ITERATIONS),
    clampedIterations: check.integer("clampedIterations", o.clampedIterations ?? 4, 1, MAX_ITERATIONS),
    beta,
    randomBetaSign,
    learningRates: numberList("learningRates", rates, L - 1, "weight layer", check.nonNegative),
    batchSize: check.integer("batchSize", o.batchSize ?? 20, 1, MAX_BATCH_SIZE),
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
  const L = layers.length,
    hidden = L - 2;
  const ramp = checkRamp("memory", {
    tauFast: m.tauFast ?? 0.1,
    tauSlow: m.tauSlow ?? 0.9,
    rampSteps: m.rampSteps ?? 8,
  });
  const gridPoints = check.integer("memory.gridPoints", m.gridPoints ?? 100, 2, MAX_GRID_POINTS);
  const kernel = resolveKernel(m.kernel ?? "sine");
  const memory = {
    ...ramp,
    gridPoints,
    kernel,
    convolutionScale: check.finite("memory.convolutionScale", m.convolutionScale ?? 0.01),
    alignment: check.oneOf<Alignment>("memory.alignment", m.alignment ?? "scipy", ["scipy", "causal"]),
    weightThresholds: numberList(
      "memory.weightThresholds",
      m.weightThresholds ?? layers.slice(1).map((_, l) => (l === 0 ? 1.2e-6 : 2e-5)),
      L - 1,
      "weight layer",
      check.nonNegative,
    ),
    biasThresholds: numberList(
      "memory.biasThresholds",
      m.biasThresholds ?? layers.slice(1).map((_, l) => (l < hidden ? 1e-5 : 2e-4)),
      L - 1,
      "biased layer",
      check.nonNegative,
    ),
    trapezoidStep: check.positive(
      "memory.trapezoidStep",
      m.trapezoidStep ?? (ramp.tauFast + ramp.tauSlow) / gridPoints,
    ),
    updateFactor: check.finite("memory.updateFactor", m.updateFactor ?? 0.5e4),
  };
  checkOperatorSize("memory", gridPoints, ramp.rampSteps, kernel === "sine" ? 10 : kernel.length);
  rampSchedule(ramp); // checks that every ramp step is resolved in f64
  return memory;
}

export function resolveKernel(kernel: unknown): "sine" | number[] {
  if (kernel === "sine") return "sine";
  if (typeof kernel === "string")
    throw new TypeError(`memory.kernel must be "sine" or an array of samples, got ${JSON.stringify(kernel)}`);
  if (!(ArrayBuffer.isView(kernel) || Array.isArray(kernel)))
    throw new TypeError('memory.kernel must be "sine" or an array of samples');
  const samples = kernel as ArrayLike<unknown>;
  if (samples.length === 0) throw new RangeError("memory.kernel must have at least one sample");
  if (samples.length > MAX_GRID_POINTS)
    throw new RangeError(
      `memory.kernel has ${samples.length} samples, more than memory.gridPoints can be (${MAX_GRID_POINTS})`,
    );
  // Named only on failure: building 10⁵ names would cost more than the checks.
  return Array.from(samples, (x, i) =>
    typeof x === "number" && Number.isFinite(x) ? x : check.finite(`memory.kernel[${i}]`, x),
  );
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
  const update =
    variant === "memory" ? (weights + S) * (points * B + memory.gridPoints * points) : 2 * B * (weights + S);
  return relaxation + update;
}

/** @throws RangeError naming the options that set the work of one mini-batch when it exceeds {@link MAX_WORK}. */
function checkBatchWork(c: EqPropConfig): void {
  const work = batchWork(c);
  if (!(work <= MAX_WORK)) {
    const memory = c.variant === "memory" ? ", memory.rampSteps, memory.gridPoints" : "";
    throw new RangeError(
      `one mini-batch would take ${work.toExponential(2)} multiply-adds, more than 2^40 (minutes of ` +
        `computing in one synchronous call): lower freeIterations, clampedIterations, batchSize, layers${memory}`,
    );
  }
}

/** The ramp's options checked (names prefixed by `prefix`, e.g. "memory"); the period must be finite. */
function checkRamp(
  prefix: string,
  r: { tauFast: unknown; tauSlow: unknown; rampSteps: unknown },
): { tauFast: number; tauSlow: number; rampSteps: number } {
  const tauFast = check.positive(`${prefix}.tauFast`, r.tauFast);
  const tauSlow = check.positive(`${prefix}.tauSlow`, r.tauSlow);
  const rampSteps = check.integer(`${prefix}.rampSteps`, r.rampSteps, 1, MAX_RAMP_STEPS);
  if (!Number.isFinite(tauFast + tauSlow))
    throw new RangeError(
      `${prefix}.tauFast + ${prefix}.tauSlow (the period) must be finite, got ${tauFast} + ${tauSlow}`,
    );
  return { tauFast, tauSlow, rampSteps };
}

/** @throws RangeError naming gridPoints, rampSteps or kernel when the operator would be too large to build. */
export function checkOperatorSize(prefix: string, G: number, R: number, kernelLength: number): void {
  if (kernelLength > G)
    throw new RangeError(`${prefix}.kernel has ${kernelLength} samples, more than ${prefix}.gridPoints (${G})`);
  const entries = G * (2 * R + 1);
  if (entries > MAX_OPERATOR_ENTRIES) {
    throw new RangeError(
      `${prefix}.gridPoints × (2·${prefix}.rampSteps + 1) = ${entries} operator entries, more than ` +
        `${MAX_OPERATOR_ENTRIES}: lower ${prefix}.gridPoints or ${prefix}.rampSteps`,
    );
  }
  if (entries * kernelLength > MAX_OPERATOR_WORK) {
    throw new RangeError(
      `${prefix}.kernel (${kernelLength} samples) over ${entries} operator entries takes ` +
        `${entries * kernelLength} multiply-adds, more than ${MAX_OPERATOR_WORK}: shorten ` +
        `${prefix}.kernel or lower ${prefix}.gridPoints`,
    );
  }
}

/** Glorot's (Xavier's) uniform bound √(6/(fan_in + fan_out)) for an n × m weight matrix. */
export function glorotBound(n: number, m: number): number {
  return Math.sqrt(6 / (n + m));
}

/**
 * The β ramp of the memory variant: times t_k and nudging β_k/β for k = 0 … 2R (Appendix B).
 * @throws TypeError/RangeError naming memory.tauFast, memory.tauSlow or memory.rampSteps (1 to 1000,
 *   and every ramp step long enough to give distinct times in f64).
 * @example
 * ```ts
 * import { rampSchedule } from "thermolearn";
 * const { times, betas } = rampSchedule({ tauFast: 1, tauSlow: 3, rampSteps: 2 });
 * console.log(times, betas); // [0, 0.5, 1, 2.5, 4], [0, 0.5, 1, 0.5, 0]
 * ```
 */
export function rampSchedule(memory: { tauFast: number; tauSlow: number; rampSteps: number }): {
  /** Ramp times t_k, k = 0 … 2R (time units of tauFast, tauSlow). */
  times: Float64Array;
  /** Nudging β_k/β at each time: 0 → 1 over the fast ramp, 1 → 0 over the slow one. */
  betas: Float64Array;
} {
  if (typeof memory !== "object" || memory === null)
    throw new TypeError("rampSchedule: memory must be an object { tauFast, tauSlow, rampSteps }");
  check.knownKeys("rampSchedule", memory, MEMORY_KEYS);
  const { tauFast, tauSlow, rampSteps: R } = checkRamp("memory", memory);
  const times = new Float64Array(2 * R + 1),
    betas = new Float64Array(2 * R + 1);
  for (let k = 0; k <= 2 * R; k++) {
    times[k] = k <= R ? (tauFast * k) / R : tauFast + (tauSlow * (k - R)) / R;
    betas[k] = k <= R ? k / R : (2 * R - k) / R;
    // Interpolation divides by t_k − t_{k−1}: a step lost to f64 rounding (τ/R below the spacing of t) would give 0/0.
    if (k > 0 && !(times[k] > times[k - 1])) {
      // On the down ramp the step τ_slow/R is lost against t = τ_fast + …: either time can be the cause.
      const name = k <= R ? "memory.tauFast" : "memory.tauSlow (against memory.tauFast)";
      throw new RangeError(
        `${name}/memory.rampSteps = ${(k <= R ? tauFast : tauSlow) / R} is too small to give ` +
          `distinct ramp times (t_${k} = t_${k - 1} = ${times[k]} in f64; tauFast = ${tauFast}, tauSlow = ${tauSlow})`,
      );
    }
  }
  return { times, betas };
}
