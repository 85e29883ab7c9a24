/**
 * Where an EqProp network lives in its wasm memory: the parameters (with transposed copies), the
 * batch buffers, the memory operator and the resident data sets, sized and checked against the
 * memory budget before anything is allocated, and the descriptor assembly/eqprop.ts reads.
 */
import type { WasmInstance } from "../core/instance.js";
import { checkMemoryBudget } from "../core/model.js";
import type { CheckedDataset } from "../data/dataset.js";
import { Rng } from "../rng.js";
import { glorotBound, rampSchedule, type EqPropConfig } from "./config.js";
import { memoryBand } from "./operator.js";

/** Wasm-resident copy of a dataset with its persistent particles. */
export interface ResidentSet {
  count: number;
  labels: Int32Array;
  images: number;
  targets: number;
  particles: number;
  /** CRC-32 of the images and labels, computed on the first checkpoint. */
  fingerprint?: number;
}

/** The memory operator in wasm memory (addresses) with its norms. */
export interface ResidentBand {
  rowPtr: number;
  colIdx: number;
  vals: number;
  rowSum: number;
  trapezoid: number;
  lNorm: number;
  rNorm: number;
  points: number;
}

/** Addresses (byte offsets) of everything a network keeps in wasm memory, and its state width S. */
export interface NetworkLayout {
  /** The descriptor assembly/eqprop.ts reads (see its header). */
  net: number;
  /** W^ℓ, n_ℓ × n_{ℓ+1} row-major. */
  w: number[];
  /** (W^ℓ)ᵀ for ℓ ≥ 1 (0 for ℓ = 0). */
  wt: number[];
  /** b^ℓ for ℓ ≥ 1 (0 for ℓ = 0). */
  b: number[];
  /** Offset of layer ℓ ≥ 1 inside an example's state (u¹, then u², …). */
  offsets: number[];
  /** State floats per example, n₁ + … + n_{L−1}. */
  S: number;
  /** The input drive W⁰ᵀx + b¹ of a batch (B × n₁). */
  drive: number;
  /** The clamped states of a batch (plain variant). */
  clamped: number;
  /** The states at the R + 1 ramp points (memory variant; 0 for plain). */
  points: number;
  acc: number;
  /** B ones (the "input" of the bias updates). */
  ones: number;
  /** Scratch of eqprop_memory_update. */
  work: number;
  /** B f64 energies. */
  energy: number;
  band: ResidentBand | null;
  /** β_k/β at the R + 1 distinct ramp points (the down ramp reuses them). */
  rampBetas: Float64Array;
  train: ResidentSet | null;
  test: ResidentSet | null;
  /** One batch of copied-in examples, for relax and energy. */
  scratchSet: ResidentSet;
}

/** Bytes of the memory variant's scratch for P ramp points and batch B (see eqprop_memory_update). */
export function memoryWorkBytes(P: number, B: number): number {
  return 64 * P + 8 * P * B + 4 * P;
}

/** Bytes of the network's structs and block alignment in {@link wasmBytesNeeded}. */
const NETWORK_HEADER_BYTES = 4096;

/**
 * An upper bound on the wasm memory a network needs with `setCounts` examples resident: weights and
 * transposes, biases, batch buffers, the ramp states, the data sets with their particles and targets,
 * and the memory operator. Checked before anything is allocated.
 */
function wasmBytesNeeded(config: EqPropConfig, S: number, setCounts: number[]): number {
  const { layers, batchSize: B, variant, memory } = config;
  const n0 = layers[0],
    nOut = layers[layers.length - 1],
    P = memory.rampSteps + 1;
  // W^ℓ, its transposed copy for ℓ ≥ 1, and b^{ℓ+1}.
  const params = layers
    .slice(0, -1)
    .reduce((sum, n, l) => sum + (l === 0 ? 1 : 2) * n * layers[l + 1] + layers[l + 1], 0);
  const batch = B * (layers[1] + S + (variant === "memory" ? P * S : 0) + 1) + S + Math.max(...layers);
  const sets = [...setCounts, B].reduce((sum, count) => sum + count * (n0 + nOut + S), 0);
  const operator = memory.gridPoints * (4 + 2 * P);
  return 4 * (params + batch + sets + operator) + memoryWorkBytes(P, B) + 8 * B + NETWORK_HEADER_BYTES;
}

/**
 * Refuses a network (and its data sets) that would not fit in wasm memory, before anything is
 * allocated: "layers" when the network alone is too large, else the larger data set.
 * @throws RangeError naming layers, train or test (see {@link checkMemoryBudget}).
 */
export function checkNetworkBudget(config: EqPropConfig, trainCount: number, testCount: number): void {
  const { layers, batchSize } = config;
  const S = layers.slice(1).reduce((s, n) => s + n, 0);
  const what = `EqProp with layers ${layers.join("-")}`;
  checkMemoryBudget(wasmBytesNeeded(config, S, []), "layers", `${what} and batchSize ${batchSize}`);
  const culprit = trainCount >= testCount ? "train" : "test";
  checkMemoryBudget(
    wasmBytesNeeded(config, S, [trainCount, testCount]),
    culprit,
    `${what} with ${trainCount} training and ${testCount} held-out images`,
  );
}

/** One-hot targets of labels[start … start + n) into f32[at …] (n × classes, zeros elsewhere). */
export function writeOneHot(
  f32: Float32Array,
  at: number,
  labels: ArrayLike<number>,
  start: number,
  n: number,
  classes: number,
): void {
  f32.fill(0, at, at + n * classes);
  for (let i = 0; i < n; i++) f32[at + i * classes + labels[start + i]] = 1;
}

/**
 * Allocates and fills a network's layout: parameters (zero), buffers, the memory operator, the data
 * sets with their one-hot targets and zero particles. Call {@link initialise} for the weights.
 */
export function allocateLayout(
  wasm: WasmInstance,
  config: EqPropConfig,
  train: CheckedDataset | null,
  test: CheckedDataset | null,
): NetworkLayout {
  const { layers, batchSize: B, variant } = config;
  const L = layers.length,
    n0 = layers[0],
    P = config.memory.rampSteps + 1;
  const offsets: number[] = [0];
  let S = 0;
  for (let l = 1; l < L; l++) {
    offsets[l] = S;
    S += layers[l];
  }
  const w: number[] = [],
    wt: number[] = [],
    b: number[] = [0];
  for (let l = 0; l < L - 1; l++) {
    w[l] = wasm.alloc(4 * layers[l] * layers[l + 1], `weights W${l}`);
    wt[l] = l === 0 ? 0 : wasm.alloc(4 * layers[l] * layers[l + 1], `weights W${l} (transposed)`);
  }
  for (let l = 1; l < L; l++) b[l] = wasm.alloc(4 * layers[l], `biases b${l}`);
  const net = writeDescriptor(wasm, layers, S, offsets, w, wt, b, wasm.alloc(4 * S, "relaxation scratch"));
  const drive = wasm.alloc(4 * B * layers[1], "input drive");
  const clamped = wasm.alloc(4 * B * S, "clamped states");
  const points = variant === "memory" ? wasm.alloc(4 * B * S * P, "ramp states") : 0;
  const acc = wasm.alloc(4 * Math.max(...layers), "update accumulator");
  const ones = wasm.alloc(4 * B, "ones");
  wasm.f32.fill(1, ones >> 2, (ones >> 2) + B);
  const work = wasm.alloc(memoryWorkBytes(P, B), "memory scratch");
  const energy = wasm.alloc(8 * B, "energies");
  const band = variant === "memory" ? writeBand(wasm, config) : null;
  const rampBetas = rampSchedule(config.memory).betas.subarray(0, P);
  const put = (set: CheckedDataset, what: string) => resident(wasm, layers, S, set, what);
  return {
    net,
    w,
    wt,
    b,
    offsets,
    S,
    drive,
    clamped,
    points,
    acc,
    ones,
    work,
    energy,
    band,
    rampBetas,
    train: train ? put(train, "train") : null,
    test: test ? put(test, "test") : null,
    scratchSet: put({ images: new Float32Array(B * n0), labels: new Int32Array(B), count: B }, "scratch batch"),
  };
}

/** Writes the layout descriptor that assembly/eqprop.ts reads (see its header) and returns its address. */
function writeDescriptor(
  wasm: WasmInstance,
  layers: number[],
  S: number,
  offsets: number[],
  w: number[],
  wt: number[],
  b: number[],
  scratch: number,
): number {
  const L = layers.length;
  const net = wasm.alloc(4 * (3 + 5 * L), "EqProp descriptor");
  const words = wasm.i32,
    base = net >> 2;
  words[base] = L;
  words[base + 1] = S;
  for (let l = 0; l < L; l++) {
    words[base + 2 + l] = layers[l];
    words[base + 2 + L + l] = offsets[l];
    words[base + 2 + 2 * L + l] = l < L - 1 ? w[l] : 0;
    words[base + 2 + 3 * L + l] = l < L - 1 ? wt[l] : 0;
    words[base + 2 + 4 * L + l] = b[l];
  }
  words[base + 2 + 5 * L] = scratch;
  return net;
}

/** The memory operator's band (see memoryBand) copied into wasm memory. */
function writeBand(wasm: WasmInstance, config: EqPropConfig): ResidentBand {
  const band = memoryBand(config.memory, config.batchSize);
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

/** A data set copied into wasm memory: images, one-hot targets, and zero particles (count × S). */
function resident(wasm: WasmInstance, layers: number[], S: number, set: CheckedDataset, what: string): ResidentSet {
  const n0 = layers[0],
    nOut = layers[layers.length - 1];
  const images = wasm.alloc(4 * set.count * n0, `${what} images`);
  const targets = wasm.alloc(4 * set.count * nOut, `${what} targets`);
  const particles = wasm.alloc(4 * set.count * S, `${what} particles`);
  wasm.f32.set(set.images, images >> 2);
  writeOneHot(wasm.f32, targets >> 2, set.labels, 0, set.count, nOut);
  return { count: set.count, labels: set.labels, images, targets, particles };
}

/**
 * Glorot-uniform weights U(−r, r), r = initScale·√(6/(n_ℓ + n_{ℓ+1})) (Glorot & Bengio 2010, Eq. 16), zero biases
 * (seeded, stream 0).
 */
export function initialise(wasm: WasmInstance, config: EqPropConfig, m: NetworkLayout): void {
  const { layers, seed, initScale } = config;
  const rng = new Rng({ seed, stream: 0, backend: wasm.backend });
  try {
    for (let l = 0; l < layers.length - 1; l++) {
      const r = initScale * glorotBound(layers[l], layers[l + 1]);
      const u = rng.uniform(layers[l] * layers[l + 1]);
      const f32 = wasm.f32,
        at = m.w[l] >> 2;
      for (let i = 0; i < u.length; i++) f32[at + i] = r * (2 * u[i] - 1);
      syncTranspose(wasm, config, m, l);
    }
  } finally {
    rng.dispose();
  }
}

/** Wt^ℓ ← (W^ℓ)ᵀ (layers ℓ ≥ 1 keep a transposed copy for the relaxation). */
export function syncTranspose(wasm: WasmInstance, config: EqPropConfig, m: NetworkLayout, l: number): void {
  if (l === 0) return;
  const { layers } = config;
  wasm.exports.eqprop_transpose(m.wt[l], m.w[l], layers[l], layers[l + 1]);
}
