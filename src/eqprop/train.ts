/**
 * One EqProp training step in wasm (Scellier & Bengio 2017; Falk et al. Appendix B for the memory
 * update): the free phase from the persistent particles, the clamped phase(s) and the parameter
 * update, the free phase's score, and the divergence check run after every update.
 */
import type { WasmInstance } from "../core/instance.js";
import { argmax } from "../math/stats.js";
import type { EqPropConfig } from "./config.js";
import { syncTranspose, type NetworkLayout, type ResidentSet } from "./layout.js";

/** Values per sum of squares in the divergence check (see {@link runaway}). */
const RUNAWAY_CHUNK = 1 << 22;

/**
 * One training step on examples `start … start + count − 1` of `set` with the given signed β
 * (state in wasm: particles updated by the free phase, parameters by the update). Returns the
 * misclassified count and the summed free energy (finite: the parameters were checked after the
 * previous update, see {@link runaway}).
 */
export function trainBatch(
  wasm: WasmInstance,
  config: EqPropConfig,
  m: NetworkLayout,
  set: ResidentSet,
  start: number,
  count: number,
  betaSigned: number,
): { errors: number; energy: number } {
  const { layers, epsilon, freeIterations, clampedIterations, learningRates, variant } = config;
  const e = wasm.exports,
    S = m.S,
    L = layers.length;
  const n0 = layers[0],
    nOut = layers[L - 1];
  const x = set.images + 4 * start * n0,
    targets = set.targets + 4 * start * nOut,
    free = set.particles + 4 * start * S;
  e.eqprop_drive(m.net, x, m.drive, count);
  e.eqprop_relax(m.net, m.drive, free, targets, count, freeIterations, 0, epsilon);
  const { errors, energy } = score(wasm, config, m, set, start, count);
  if (variant === "plain") {
    wasm.u8.copyWithin(m.clamped, free, free + 4 * count * S);
    e.eqprop_relax(m.net, m.drive, m.clamped, targets, count, clampedIterations, betaSigned, epsilon);
    for (let l = 0; l < L - 1; l++) {
      const coeff = learningRates[l] / (betaSigned * count);
      const lo = 4 * m.offsets[l],
        hi = 4 * m.offsets[l + 1];
      if (l === 0) {
        e.eqprop_outer_update(m.w[0], n0, layers[1], x, x, n0, m.clamped + hi, free + hi, S, count, coeff, m.acc);
      } else {
        e.eqprop_outer_update(
          m.wt[l],
          layers[l + 1],
          layers[l],
          m.clamped + hi,
          free + hi,
          S,
          m.clamped + lo,
          free + lo,
          S,
          count,
          coeff,
          m.acc,
        );
        e.eqprop_transpose(m.w[l], m.wt[l], layers[l + 1], layers[l]);
      }
      e.eqprop_outer_update(
        m.b[l + 1],
        1,
        layers[l + 1],
        m.ones,
        m.ones,
        1,
        m.clamped + hi,
        free + hi,
        S,
        count,
        coeff,
        m.acc,
      );
    }
  } else {
    memoryUpdate(wasm, config, m, x, free, targets, count, betaSigned);
  }
  return { errors, energy };
}

/** The memory variant's update (Falk et al. Appendix B; see assembly/eqprop.ts eqprop_memory_update). */
function memoryUpdate(
  wasm: WasmInstance,
  config: EqPropConfig,
  m: NetworkLayout,
  x: number,
  free: number,
  targets: number,
  count: number,
  betaSigned: number,
): void {
  const { layers, epsilon, clampedIterations, learningRates, memory } = config;
  const band = m.band!;
  const e = wasm.exports,
    S = m.S,
    L = layers.length;
  const setBytes = 4 * count * S;
  for (let k = 0; k < band.points; k++) {
    const at = m.points + k * setBytes;
    wasm.u8.copyWithin(at, free, free + setBytes);
    e.eqprop_relax(m.net, m.drive, at, targets, count, clampedIterations, betaSigned * m.rampBetas[k], epsilon);
  }
  const pointFloats = count * S;
  const work = m.work;
  const update = (
    target: number,
    rows: number,
    cols: number,
    a: number,
    aK: number,
    aB: number,
    c: number,
    theta: number,
    coeff: number,
  ) =>
    e.eqprop_memory_update(
      target,
      rows,
      cols,
      a,
      aK,
      aB,
      c,
      pointFloats,
      S,
      count,
      band.points,
      band.rowPtr,
      band.colIdx,
      band.vals,
      band.rowSum,
      band.trapezoid,
      memory.gridPoints,
      theta,
      coeff,
      band.lNorm,
      band.rNorm,
      work,
    );
  // The band holds −1/B for the configured batch size; a short last batch rescales by B/count.
  const short = config.batchSize / count;
  for (let l = 0; l < L - 1; l++) {
    const coeff = (learningRates[l] * memory.updateFactor) / betaSigned;
    const lo = 4 * m.offsets[l],
      hi = 4 * m.offsets[l + 1];
    const thetaW = memory.weightThresholds[l] / short,
      thetaB = memory.biasThresholds[l] / short;
    if (l === 0) update(m.w[0], layers[0], layers[1], x, 0, layers[0], m.points + hi, thetaW, coeff * short);
    else update(m.w[l], layers[l], layers[l + 1], m.points + lo, pointFloats, S, m.points + hi, thetaW, coeff * short);
    update(m.b[l + 1], 1, layers[l + 1], m.ones, 0, 1, m.points + hi, thetaB, coeff * short);
    syncTranspose(wasm, config, m, l);
  }
}

/** Misclassified examples and summed energy of the free states of set[start … start + count). */
export function score(
  wasm: WasmInstance,
  config: EqPropConfig,
  m: NetworkLayout,
  set: ResidentSet,
  start: number,
  count: number,
): { errors: number; energy: number } {
  const { layers } = config;
  const S = m.S,
    nOut = layers[layers.length - 1],
    outAt = m.offsets[layers.length - 1];
  wasm.exports.eqprop_energy(
    m.net,
    set.images + 4 * start * layers[0],
    m.drive,
    set.particles + 4 * start * S,
    count,
    m.energy,
  );
  const f32 = wasm.f32,
    f64 = wasm.f64;
  let errors = 0,
    energy = 0;
  for (let b = 0; b < count; b++) {
    if (argmax(f32, ((set.particles + 4 * (start + b) * S) >> 2) + outAt, nOut) !== set.labels[start + b]) errors++;
    energy += f64[(m.energy >> 3) + b];
  }
  return { errors, energy };
}

/**
 * Null when every weight and bias is finite and within maxParameter, else which one is not; run
 * after every update. The fast test is wasm's f32 sum of squares (dot_f32) per chunk of at most
 * 2²² values: a finite sum ≤ max²/2 proves every |θ| ≤ max, since a sum of n non-negative f32 terms
 * in eight partial sums is low by at most (n/8 + 3)·2⁻²⁴ < 4 % relative. Only a chunk that fails
 * it is scanned value by value (in training that never happens before a divergence).
 */
export function runaway(wasm: WasmInstance, config: EqPropConfig, m: NetworkLayout): string | null {
  const { layers, maxParameter } = config;
  const e = wasm.exports,
    bound = 0.5 * maxParameter * maxParameter;
  const spans: [string, number, number][] = [
    ...m.w.map((at, l): [string, number, number] => [`weights[${l}]`, at, layers[l] * layers[l + 1]]),
    ...m.b.slice(1).map((at, l): [string, number, number] => [`biases[${l}]`, at, layers[l + 1]]),
  ];
  for (const [name, at, n] of spans) {
    for (let from = 0; from < n; from += RUNAWAY_CHUNK) {
      const count = Math.min(RUNAWAY_CHUNK, n - from),
        address = at + 4 * from;
      const squares = e.dot_f32(address, address, count);
      if (Number.isFinite(squares) && squares <= bound) continue;
      const f32 = wasm.f32,
        base = address >> 2;
      for (let i = 0; i < count; i++) {
        const x = f32[base + i];
        if (!(Math.abs(x) <= maxParameter)) {
          return Number.isFinite(x)
            ? `|${name}[${from + i}]| = ${Math.abs(x)} exceeds maxParameter (${maxParameter})`
            : `${name}[${from + i}] is ${x}`;
        }
      }
    }
  }
  return null;
}

/** The number of coupling weights the relaxation multiplies by twice per step (every W^ℓ, ℓ ≥ 1). */
export function couplings(config: EqPropConfig): number {
  const { layers } = config;
  return layers.slice(1, -1).reduce((s, n, l) => s + n * layers[l + 2], 0);
}
