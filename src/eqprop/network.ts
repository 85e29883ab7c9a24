/**
 * The EqProp network: equilibrium propagation (Scellier & Bengio 2017) on a layered energy-based
 * network, plain and with the non-equilibrium memory update of Falk, Strupp, Scellier & Murugan
 * (shared/spec/MODELS.md §4; seed 002 Appendix B). The relaxation and both updates run in wasm
 * (assembly/eqprop.ts), in f32.
 */
import { checkRunCallbacks, driveAsync, driveSync } from "../core/drive.js";
import { DivergedError, progress, WasmModel, type RunProgress, type RunStatus } from "../core/model.js";
import * as check from "../core/validate.js";
import { MAX_COUNT, MAX_U32 } from "../core/validate.js";
import { checkDataset, imageCount, type Dataset } from "../data/dataset.js";
import { argmax } from "../math/stats.js";
import { Rng } from "../rng.js";
import {
  checkStableStep,
  MAX_ITERATIONS,
  MAX_WORK,
  resolveEqPropConfig,
  type EqPropConfig,
  type EqPropOptions,
} from "./config.js";
import {
  crc32,
  loadParameters,
  readCheckpoint,
  saveParameters,
  writeCheckpoint,
  type EqPropParameters,
} from "./format.js";
import {
  allocateLayout,
  checkNetworkBudget,
  initialise,
  syncTranspose,
  writeOneHot,
  type NetworkLayout,
  type ResidentSet,
} from "./layout.js";
import { couplings, runaway, score, trainBatch } from "./train.js";

/** Metrics of one training epoch. */
export interface EpochMetrics {
  /** The epoch's number, 1-based. */
  epoch: number;
  /** Fraction of training examples misclassified by the free phase, before each batch's update. */
  trainError: number;
  /** Mean free-phase energy E of the training examples. */
  trainEnergy: number;
  /** Fraction of held-out examples misclassified (NaN-free: null when there is no test set). */
  testError: number | null;
  /** Mean free-phase energy of the held-out examples (null without a test set). */
  testEnergy: number | null;
  /** Wall-clock time of the epoch's training and evaluation, milliseconds. */
  elapsedMs: number;
  /**
   * "completed"; "aborted" (by the signal: the batches trained are kept, the epoch is not counted);
   * or "diverged" (a parameter became non-finite or exceeded maxParameter: the epoch is not counted,
   * the network refuses further use until {@link EqProp.setParameters} or {@link EqProp.load}).
   */
  status: RunStatus;
  /** Mini-batches trained (less than all when aborted or diverged). */
  batches: number;
}

/** Where and why training diverged (see {@link EqProp.divergence}). */
export interface EqPropDivergence {
  /** The epoch being trained (1-based, as {@link EpochMetrics.epoch}). */
  epoch: number;
  /** The mini-batch (1-based, in training order) whose update diverged. */
  batch: number;
  /** What went wrong, e.g. which parameter became non-finite or exceeded maxParameter. */
  reason: string;
}

// ---- the network ---------------------------------------------------------------------------------------

/** The epoch generator of a network, set by the class's static block (for runEqProp; not public API). */
export let epochLoopOf: (net: EqProp, options: EpochOptions | undefined) => Generator<void, EpochMetrics>;

/**
 * A layered equilibrium-propagation network with its training and held-out sets in wasm memory.
 *
 * Each training step takes one mini-batch: a free phase of `freeIterations` synchronous steps from
 * the examples' persistent particles (written back), then either the plain EP update (one clamped
 * phase at ±β) or the memory update (rampSteps + 1 = 9 clamped relaxations up the β ramp, the down
 * ramp reusing them at equal β; currents interpolated, convolved with the memory kernel, thresholded
 * and integrated).
 * @example
 * ```ts
 * import { EqProp } from "thermolearn";
 * // 64 random 4-pixel "images" labelled by whether their first pixel exceeds ½
 * const images = Float32Array.from({ length: 64 * 4 }, (_, i) => ((i * 0.618) % 1));
 * const labels = Int32Array.from({ length: 64 }, (_, i) => (images[4 * i] > 0.5 ? 1 : 0));
 * const net = new EqProp({ layers: [4, 16, 2], batchSize: 8, seed: 1 }, { train: { images, labels } });
 * try {
 *   for (let epoch = 0; epoch < 3; epoch++) console.log(net.trainEpoch().trainError); // ≈ 0.36, 0.52, 0.19
 * } finally {
 *   net.dispose();
 * }
 * ```
 */
export class EqProp extends WasmModel {
  /** The resolved options (every default filled in). */
  readonly config: EqPropConfig;
  /** Epochs trained so far. */
  epoch = 0;
  /** Where everything lives in wasm memory. */
  readonly #m: NetworkLayout;
  #divergence: EqPropDivergence | null = null;
  /** Mini-batches of the current epoch trained (see {@link EqProp.batch}). */
  #batch = 0;
  /** The β signs of one epoch, drawn once. */
  #signs: { epoch: number; values: Float64Array } | null = null;

  /**
   * @param options network and training options (see {@link EqPropOptions}).
   * @param data the training set and an optional held-out set, copied into wasm memory.
   * @throws TypeError/RangeError naming a bad option, image or label; RangeError when the network
   *   and data do not fit in wasm memory (checked before allocating).
   */
  constructor(options?: EqPropOptions, data?: { train?: Dataset; test?: Dataset }) {
    const config = resolveEqPropConfig(options);
    const sets = check.options("EqProp data", data, ["train", "test"]);
    const n0 = config.layers[0],
      nOut = config.layers[config.layers.length - 1];
    const train = sets.train === undefined ? null : checkDataset("train", sets.train, n0, nOut);
    const test = sets.test === undefined ? null : checkDataset("test", sets.test, n0, nOut);
    checkNetworkBudget(config, train?.count ?? 0, test?.count ?? 0);
    super("EqProp", options?.backend);
    this.config = config;
    this.#m = allocateLayout(this.wasm, config, train, test);
    initialise(this.wasm, config, this.#m);
  }

  /** A copy of the weights and biases (canonical layout, see {@link EqPropParameters}). */
  parameters(): EqPropParameters {
    const { layers } = this.config;
    const f32 = this.wasm.f32;
    return {
      layers: [...layers],
      weights: this.#m.w.map((at, l) => f32.slice(at >> 2, (at >> 2) + layers[l] * layers[l + 1])),
      biases: this.#m.b.slice(1).map((at, l) => f32.slice(at >> 2, (at >> 2) + layers[l + 1])),
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
      if (!(a instanceof Float32Array) || a.length !== n)
        throw new RangeError(`${name} must be a Float32Array of length ${n}`);
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(a[i])) throw new RangeError(`${name}[${i}] is not finite`);
        if (!(Math.abs(a[i]) <= maxParameter))
          throw new RangeError(`|${name}[${i}]| = ${Math.abs(a[i])} exceeds maxParameter (${maxParameter})`);
      }
      return a;
    };
    const ws = layers.slice(0, -1).map((n, l) => check(`weights[${l}]`, p.weights?.[l], n * layers[l + 1]));
    const bs = layers.slice(1).map((n, l) => check(`biases[${l}]`, p.biases?.[l], n));
    const f32 = this.wasm.f32;
    ws.forEach((w, l) => {
      f32.set(w, this.#m.w[l] >> 2);
      syncTranspose(this.wasm, this.config, this.#m, l);
    });
    bs.forEach((b, l) => {
      f32.set(b, this.#m.b[l + 1] >> 2);
    });
    if (this.#divergence !== null) {
      // The diverged parameters may have left non-finite states behind: restart the particles from zero.
      for (const set of [this.#m.train, this.#m.test])
        if (set) f32.fill(0, set.particles >> 2, (set.particles >> 2) + set.count * this.#m.S);
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

  /** @throws DivergedError after a divergence (DisposedError after dispose comes from the wasm access). */
  #usable(): void {
    if (this.#divergence !== null) throw divergedError(this.#divergence);
  }

  /** Number of training mini-batches per epoch (the last may be short). */
  get batchesPerEpoch(): number {
    return this.#m.train ? Math.ceil(this.#m.train.count / this.config.batchSize) : 0;
  }

  /**
   * Relaxes `images` (count × n₀) for `iterations` steps at nudging `beta` towards `labels` (needed
   * when beta ≠ 0), from `states` (count × S, default zeros), and returns the states (count × S: u¹,
   * then u², …). A one-shot tool for inspection and tests; training uses the persistent particles.
   * @throws TypeError/RangeError naming relax.images, relax.labels, states or the option at fault.
   */
  relax(
    images: Float32Array,
    options?: { iterations?: number; beta?: number; labels?: ArrayLike<number>; states?: Float32Array },
  ): Float32Array {
    this.#usable();
    const o = check.options("relax", options, ["iterations", "beta", "labels", "states"]);
    const { layers, epsilon, freeIterations } = this.config;
    const n0 = layers[0],
      nOut = layers[layers.length - 1],
      S = this.#m.S;
    const iterations = check.integer("iterations", o.iterations ?? freeIterations, 0, MAX_ITERATIONS);
    const beta = check.finite("beta", o.beta ?? 0);
    checkStableStep(epsilon, beta, "beta");
    const labels = o.labels ?? new Int32Array(imageCount("relax", images, n0));
    const set = checkDataset("relax", { images, labels }, n0, nOut);
    if (beta !== 0 && o.labels === undefined) throw new TypeError("labels are needed when beta ≠ 0");
    const work = set.count * (n0 * layers[1] + iterations * 2 * (couplings(this.config) + S));
    if (!(work <= MAX_WORK))
      throw new RangeError(
        `iterations = ${iterations} on ${set.count} images takes ${work.toExponential(2)} ` +
          `multiply-adds, more than 2^40: relax fewer images or iterations per call`,
      );
    if (o.states !== undefined && !(o.states instanceof Float32Array))
      throw new TypeError("states must be a Float32Array (count × S)");
    const out = o.states ? Float32Array.from(o.states) : new Float32Array(set.count * S);
    if (out.length !== set.count * S)
      throw new RangeError(`states must have ${set.count} × ${S} values, got ${out.length}`);
    for (let i = 0; i < out.length; i++)
      if (!(out[i] >= 0 && out[i] <= 1)) throw new RangeError(`states[${i}] = ${out[i]} is outside [0, 1]`);
    const sc = this.#m.scratchSet;
    this.#eachChunk(images, set.labels, out, (start, n) => {
      this.wasm.exports.eqprop_relax(
        this.#m.net,
        this.#m.drive,
        sc.particles,
        sc.targets,
        n,
        iterations,
        beta,
        epsilon,
      );
      out.set(this.wasm.f32.subarray(sc.particles >> 2, (sc.particles >> 2) + n * S), start * S);
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
    const n0 = layers[0],
      S = this.#m.S;
    const set = checkDataset(
      "energy",
      { images, labels: new Int32Array(imageCount("energy", images, n0)) },
      n0,
      layers[layers.length - 1],
    );
    if (!(states instanceof Float32Array) || states.length !== set.count * S)
      throw new RangeError(`states must be a Float32Array of ${set.count} × ${S} values`);
    const sc = this.#m.scratchSet;
    const out = new Float64Array(set.count);
    this.#eachChunk(images, set.labels, states, (start, n) => {
      this.wasm.exports.eqprop_energy(this.#m.net, sc.images, this.#m.drive, sc.particles, n, this.#m.energy);
      out.set(this.wasm.f64.subarray(this.#m.energy >> 3, (this.#m.energy >> 3) + n), start);
    });
    return out;
  }

  /**
   * Runs `body(start, n)` for each chunk of at most B examples, with the chunk's images, one-hot
   * targets and states copied into the scratch set and its input drive computed.
   */
  #eachChunk(
    images: Float32Array,
    labels: Int32Array,
    states: Float32Array,
    body: (start: number, n: number) => void,
  ): void {
    const { layers, batchSize: B } = this.config;
    const n0 = layers[0],
      nOut = layers[layers.length - 1],
      S = this.#m.S,
      sc = this.#m.scratchSet;
    for (let start = 0; start < labels.length; start += B) {
      const n = Math.min(B, labels.length - start),
        f32 = this.wasm.f32;
      f32.set(images.subarray(start * n0, (start + n) * n0), sc.images >> 2);
      writeOneHot(f32, sc.targets >> 2, labels, start, n, nOut);
      f32.set(states.subarray(start * S, (start + n) * S), sc.particles >> 2);
      this.wasm.exports.eqprop_drive(this.#m.net, sc.images, this.#m.drive, n);
      body(start, n);
    }
  }

  /**
   * Trains mini-batch `index` of the training set (examples index·B …) with β of sign `betaSign`:
   * the free phase (particles written back), then the update. Returns the misclassified count and
   * the summed free energy of the batch, measured before the update, and the status: "diverged"
   * when the update left a parameter non-finite or beyond maxParameter (see {@link EqProp.divergence}).
   * @throws RangeError for an index outside the epoch or a sign other than ±1; DivergedError
   *   after a divergence.
   */
  trainBatch(
    index: number,
    betaSign: 1 | -1 = 1,
  ): {
    /** Misclassified examples of the batch (free phase, before the update). */
    errors: number;
    /** Summed free-phase energy E of the batch, before the update. */
    energy: number;
    /** Examples in the batch (B, or fewer for the last one). */
    count: number;
    /** "completed", or "diverged" (see {@link EqProp.divergence}). */
    status: "completed" | "diverged";
  } {
    this.#usable();
    const set = this.#m.train;
    if (!set) throw new Error("this network has no training set (pass data.train)");
    check.integer("index", index, 0, this.batchesPerEpoch - 1);
    if (betaSign !== 1 && betaSign !== -1) throw new RangeError(`betaSign must be 1 or -1, got ${betaSign}`);
    const B = this.config.batchSize,
      start = index * B,
      count = Math.min(B, set.count - start);
    const r = trainBatch(this.wasm, this.config, this.#m, set, start, count, betaSign * this.config.beta);
    const reason = runaway(this.wasm, this.config, this.#m);
    if (reason !== null) this.#divergence = { epoch: this.epoch + 1, batch: index + 1, reason };
    return { ...r, count, status: reason === null ? "completed" : "diverged" };
  }

  /** A copy of the persistent particles of the training or held-out set (count × S: u¹, then u², …). */
  particles(which: "train" | "test" = "train"): Float32Array {
    const set = check.oneOf("which", which, ["train", "test"] as const) === "train" ? this.#m.train : this.#m.test;
    if (!set) return new Float32Array(0);
    return this.wasm.f32.slice(set.particles >> 2, (set.particles >> 2) + set.count * this.#m.S);
  }

  /** Signs of β for each mini-batch of epoch `epoch` (stream epoch + 1 of the seed; stream 0 drew the weights). */
  #betaSigns(epoch: number): Float64Array {
    if (this.#signs !== null && this.#signs.epoch === epoch) return this.#signs.values;
    const { beta, randomBetaSign, seed } = this.config;
    const batches = this.batchesPerEpoch;
    let values: Float64Array;
    if (!randomBetaSign) values = new Float64Array(batches).fill(beta);
    else {
      const rng = new Rng({ seed, stream: epoch + 1, backend: this.wasm.backend });
      try {
        values = rng.uniform(batches).map((u) => (u < 0.5 ? -beta : beta));
      } finally {
        rng.dispose();
      }
    }
    this.#signs = { epoch, values };
    return values;
  }

  /**
   * Held-out error: a free phase of `freeIterations` from each held-out example's persistent
   * particle (as Scellier & Bengio), then the arg-max of the output layer.
   * @throws Error when the network has no held-out set.
   */
  evaluate(): {
    /** Fraction of held-out examples misclassified. */
    error: number;
    /** Mean free-phase energy E of the held-out examples. */
    energy: number;
  } {
    this.#usable();
    const set = this.#m.test;
    if (!set) throw new Error("this network has no held-out set (pass data.test)");
    const { epsilon, freeIterations, batchSize: B } = this.config;
    const e = this.wasm.exports;
    let errors = 0,
      energy = 0;
    for (let start = 0; start < set.count; start += B) {
      const n = Math.min(B, set.count - start);
      e.eqprop_drive(this.#m.net, set.images + 4 * start * this.config.layers[0], this.#m.drive, n);
      e.eqprop_relax(
        this.#m.net,
        this.#m.drive,
        set.particles + 4 * start * this.#m.S,
        set.targets,
        n,
        freeIterations,
        0,
        epsilon,
      );
      const s = score(this.wasm, this.config, this.#m, set, start, n);
      errors += s.errors;
      energy += s.energy;
    }
    return { error: errors / set.count, energy: energy / set.count };
  }

  /** Mini-batches of the current epoch already trained: the next {@link EqProp.step} trains batch `batch` (0-based). */
  get batch(): number {
    return this.#batch;
  }

  /**
   * Trains the mini-batch at the current position (batch {@link EqProp.batch} of epoch
   * {@link EqProp.epoch} + 1, with that epoch's β sign), checks the parameters, and moves on: after the
   * last batch of an epoch the epoch count rises and the position returns to 0. A divergence records
   * where it happened and returns the position to the start of the epoch (the epoch is not counted).
   */
  #advance(set: ResidentSet): { errors: number; energy: number; count: number; reason: string | null } {
    const B = this.config.batchSize,
      index = this.#batch;
    const start = index * B,
      count = Math.min(B, set.count - start);
    const r = trainBatch(this.wasm, this.config, this.#m, set, start, count, this.#betaSigns(this.epoch)[index]);
    const reason = runaway(this.wasm, this.config, this.#m);
    if (reason !== null) {
      this.#divergence = { epoch: this.epoch + 1, batch: index + 1, reason };
      this.#batch = 0;
    } else if (++this.#batch === this.batchesPerEpoch) {
      this.epoch++;
      this.#batch = 0;
    }
    return { ...r, count, reason };
  }

  /** The training set, or an Error saying there is none. */
  #trainingSet(): ResidentSet {
    if (!this.#m.train) throw new Error("this network has no training set (pass data.train)");
    return this.#m.train;
  }

  /**
   * Trains the next `count` mini-batches of the epoch order (batch {@link EqProp.batch} of the
   * current epoch first; across epoch boundaries, where {@link EqProp.epoch} rises; no held-out
   * evaluation) and returns how many it trained: `count`, or fewer when one diverged (that one is
   * counted; see {@link EqProp.divergence}). The same mini-batches, signs and results as
   * {@link EqProp.trainEpoch}: an epoch trained by steps equals one trained by trainEpoch, bit for bit.
   * @throws TypeError/RangeError for a count that is not an integer in [0, 2³¹ − 1]; Error without a
   *   training set; DivergedError after a divergence.
   * @example net.step(10); // ten mini-batches
   */
  step(count = 1): number {
    this.#usable();
    const n = check.integer("count", count, 0, MAX_COUNT);
    const set = this.#trainingSet();
    for (let done = 0; done < n; done++) {
      if (this.#advance(set).reason !== null) return done + 1;
    }
    return n;
  }

  /**
   * One epoch from the current position, as a generator that yields after each mini-batch (see
   * {@link EqProp.trainEpoch}). Its `onProgress` reports are {@link EpochProgress}.
   */
  *#epochLoop(options: EpochOptions | undefined): Generator<void, EpochMetrics> {
    this.#usable();
    const o = check.options("trainEpoch", options, ["onProgress", "signal"]);
    checkRunCallbacks(o);
    const set = this.#trainingSet();
    const batches = this.batchesPerEpoch,
      first = this.#batch,
      total = batches - first,
      epoch = this.epoch + 1;
    const t0 = performance.now();
    let errors = 0,
      energy = 0,
      seen = 0,
      done = 0;
    let diverged = false;
    while (done < total && !o.signal?.aborted) {
      const r = this.#advance(set);
      errors += r.errors;
      energy += r.energy;
      seen += r.count;
      done++;
      if (r.reason !== null) {
        diverged = true;
        break;
      }
      o.onProgress?.({ ...progress(done, total), epoch, batch: first + done });
      yield;
    }
    const status: RunStatus = diverged ? "diverged" : done === total ? "completed" : "aborted";
    // An aborted epoch is not an epoch trained: its batches stay trained, the next call starts it again.
    if (status === "aborted") this.#batch = 0;
    const test = status === "completed" && this.#m.test ? this.evaluate() : null;
    return {
      epoch: this.epoch,
      trainError: seen ? errors / seen : 0,
      trainEnergy: seen ? energy / seen : 0,
      testError: test ? test.error : null,
      testEnergy: test ? test.energy : null,
      elapsedMs: performance.now() - t0,
      status,
      batches: done,
    };
  }

  /**
   * Trains one epoch: every mini-batch of the training set in order from the current position
   * ({@link EqProp.batch}, 0 unless {@link EqProp.step} stopped inside an epoch), then the held-out
   * error. An aborted epoch (signal) keeps the batches already trained and is not counted: the next
   * call starts the epoch again from its first mini-batch.
   * @throws Error without a training set; DivergedError after a divergence.
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
    const S = this.#m.S,
      nOut = layers[layers.length - 1],
      outAt = this.#m.offsets[layers.length - 1];
    const count = states.length / S;
    return Uint8Array.from({ length: count }, (_, b) => argmax(states, b * S + outAt, nOut));
  }

  /** Serialises the parameters (format in {@link saveParameters}). */
  save(): Uint8Array {
    this.#usable();
    return saveParameters(this.parameters(), { epoch: this.epoch, config: this.config });
  }

  /**
   * Loads parameters saved by {@link EqProp.save} (or those of a checkpoint); restores the epoch count,
   * starts that epoch from its first mini-batch (and clears a divergence).
   * @throws TypeError/RangeError for a corrupt or truncated file, a shape or version mismatch, or
   *   parameters beyond maxParameter (see {@link loadParameters}).
   */
  load(bytes: Uint8Array): void {
    const { parameters, epoch } = loadParameters(bytes);
    this.setParameters(parameters);
    this.epoch = epoch;
    this.#batch = 0;
  }

  /** CRC-32 of a resident set's images (as stored, f32 little-endian) then its labels (i32), cached. */
  #fingerprint(set: ResidentSet | null): number | null {
    if (set === null) return null;
    if (set.fingerprint === undefined) {
      const images = this.wasm.u8.subarray(set.images, set.images + 4 * set.count * this.config.layers[0]);
      const labels = new Uint8Array(set.labels.buffer, set.labels.byteOffset, set.labels.byteLength);
      set.fingerprint = crc32(labels, crc32(images));
    }
    return set.fingerprint;
  }

  /**
   * The whole training state as bytes (TLEP version 3, see `writeCheckpoint` in src/eqprop/format.ts): parameters, the
   * epoch and the position in it, and the persistent particles of both sets, with the configuration
   * and a CRC-32 of each data set. {@link EqProp.restore} on a network of the same configuration and
   * data continues training bit for bit as this one would.
   * @throws DivergedError after a divergence (restore a checkpoint or set parameters first).
   */
  checkpoint(): Uint8Array {
    this.#usable();
    return writeCheckpoint(this.parameters(), {
      epoch: check.integer("epoch", this.epoch, 0, MAX_U32),
      batch: this.#batch,
      config: this.config,
      data: { train: this.#fingerprint(this.#m.train), test: this.#fingerprint(this.#m.test) },
      particles: { train: this.particles("train"), test: this.particles("test") },
    });
  }

  /**
   * Returns the network to a {@link EqProp.checkpoint}: parameters, epoch, position and particles
   * (and clears a divergence). The checkpoint is checked in full before anything changes.
   * @throws TypeError for anything but bytes; RangeError for a corrupt file, one that is not a
   *   checkpoint, another configuration (naming the first option that differs), other data sets
   *   (size or CRC-32), a position outside the epoch, or parameters beyond maxParameter.
   */
  restore(state: Uint8Array): void {
    const { parameters, state: s } = readCheckpoint(state);
    const differs = firstDifference(s.config, JSON.parse(JSON.stringify(this.config)), "config");
    if (differs !== null) throw new RangeError(`checkpoint is of another configuration: ${differs}`);
    for (const [name, set] of [
      ["train", this.#m.train],
      ["test", this.#m.test],
    ] as const) {
      const count = set?.count ?? 0,
        stored = s.particles[name].length / this.#m.S;
      if (stored !== count)
        throw new RangeError(`checkpoint has particles for ${stored} ${name} examples, this network has ${count}`);
      if (s.data[name] !== this.#fingerprint(set))
        throw new RangeError(`checkpoint was taken on other ${name} data (CRC-32 of images and labels differs)`);
    }
    if (!(s.batch < Math.max(1, this.batchesPerEpoch))) {
      throw new RangeError(
        `checkpoint position batch ${s.batch} is outside the epoch of ${this.batchesPerEpoch} mini-batches`,
      );
    }
    this.setParameters(parameters);
    const f32 = this.wasm.f32;
    if (this.#m.train) f32.set(s.particles.train, this.#m.train.particles >> 2);
    if (this.#m.test) f32.set(s.particles.test, this.#m.test.particles >> 2);
    this.epoch = s.epoch;
    this.#batch = s.batch;
  }

  static {
    epochLoopOf = (net, options) => net.#epochLoop(options);
  }
}

/** Where a restored configuration first differs from this one ("config.beta: 0.5 vs 0.25"), or null. */
function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) {
    return Object.is(a, b) ? null : `${path} is ${JSON.stringify(a)} in the checkpoint, ${JSON.stringify(b)} here`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path} differs in kind`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const d = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`,
    );
    if (d !== null) return d;
  }
  return null;
}

/** A progress report of {@link EqProp.trainEpoch} and {@link runEqProp}: RunProgress plus where training is. */
export interface EpochProgress extends RunProgress {
  /** The epoch being trained (1-based). */
  epoch: number;
  /** The mini-batch of that epoch just trained (1-based). */
  batch: number;
}

/** Options of {@link EqProp.trainEpoch}. */
export interface EpochOptions {
  /** Called after each mini-batch: done and total count this call's batches. */
  onProgress?: (p: EpochProgress) => void;
  /** Stops after the current mini-batch. */
  signal?: AbortSignal;
}

/** The error a diverged network throws on use (message kept from the former EqPropDivergedError). */
function divergedError(d: EqPropDivergence): DivergedError {
  return new DivergedError(
    `EqProp training diverged in mini-batch ${d.batch} of epoch ${d.epoch}: ${d.reason}; lower ` +
      `learningRates (or memory.updateFactor), or load saved parameters`,
    { ...d },
  );
}
