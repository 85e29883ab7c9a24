// Stochastic perceptron learning: a student w ∈ Rⁿ learns a teacher T's labels under the overdamped
// Langevin equation, integrated by Euler–Maruyama with mini-batches (shared/spec/MODELS.md §1; Goldt &
// Seifert, PRL 118, 010601 (2017); Wennberg, "Learning is hard work" (2019)):
//
//   w ← w + Δt (−k w + (ν/B) Σ_b σ_b 𝓕(A_b, σ_b) ξ_b) + √(2DΔt) z,   z ~ N(0, I)
//   A_b = w·ξ_b/√n,   σ_b = sign(T·ξ_b),   ξ_b ∈ {±1}ⁿ.
//
// Conventions: sign(0) = +1, so labels and predictions are always ±1; Θ(0) = 0.
//
// Layout of the inputs. Input bits are i.i.d., so we store them per weight: byte g of weight i
// (address bytes + i·G + g, G = ⌈B/8⌉) holds bit j = ξ_{8g+j, i} > 0 for batch members 8g..8g+7.
// Then
//   * the 2B dot products w·ξ_b and T·ξ_b come from byte histograms: hist_g[v] = Σ_{i: byte_gi = v}
//     (w_i, T_i), whose marginals over each bit give Σ_{ξ_bi = +1}; a dot is 2·that − the total;
//   * the force Σ_b c_b ξ_bi is Σ_g table_g[byte_gi] with table_g[v] = Σ_j c_{8g+j}(2·bit_j(v) − 1).
// Work per weight falls from ≈ 3B multiply-adds to ≈ 2⌈B/8⌉ table operations, plus one Gaussian.
//
// Heat: the work done on the medium by the force the integrator applies, per step
//   q_t = Σ_i (−k w_mid,i + f_i) Δw_i,   w_mid = (w_t + w_{t+Δt})/2,   f_i = Σ_b c_b(A_b(w_t)) ξ_bi,
// i.e. the Stratonovich midpoint for the smooth restoring force −kw (whose part telescopes to
// −(k/2)Δ|w|², the first law for V = k|w|²/2 exactly) and the learning force as the Euler–Maruyama
// step applies it: evaluated at w_t with the step's inputs and held constant over the step. So per
// step ΔV = W_learn − q with W_learn = f·Δw the work the learning force did. Evaluating 𝓕 at
// A(w_mid) instead (spec §1's literal midpoint) includes the step's own update in the force and is
// biased for rules whose 𝓕 jumps at A = 0 (Perceptron, AdaTron, α-tron): ≈ 430 instead of ≈ 900
// per weight per unit time at the blog's parameters, converging only as Δt → 0 (issue #9).
// For fresh random inputs each step adds D Δt ∇·f̄(w_t), ∇·f̄ = ν√n⟨𝓕′⟩ in closed form: the mean of the
// thermal noise's Stratonovich midpoint term, which a force taken at w_t misses (issue #11). The
// excess (input-fluctuation) heat of a step is estimated from its own batch (excessTerm).
//
// inputs "averaged" (INPUTS_AVERAGED) replaces the batch by the input-averaged force of the
// thermodynamic limit, f̄ = ν(a T̂ + b ŵ) with a, b functions of ρ = T̂·ŵ and Q = |w|²/n, and takes
// its heat at the exact midpoint (averaged_update); INPUTS_BATCH sweeps a whole training set each step.

import { alloc } from "./memory";
import { rng_fill_u64, rng_fill_normal, rng_next_u64, rng_seed, RNG_STATE_BYTES } from "./rng";
import { dot_f64 } from "./simd";

export const RULE_HEBBIAN: i32 = 0;
export const RULE_PERCEPTRON: i32 = 1;
export const RULE_ADATRON: i32 = 2;
export const RULE_ALPHATRON: i32 = 3;

export const STATUS_RUNNING: i32 = 0;
export const STATUS_DIVERGED: i32 = 1;

export const SAMPLING_ONLINE: i32 = 0; // fresh random inputs every step
export const SAMPLING_REPLACEMENT: i32 = 1; // B examples of a fixed training set, with replacement
export const SAMPLING_SWEEP: i32 = 2; // the training set in order, cyclically

export const INPUTS_SAMPLED: i32 = 0; // the force of the step's B inputs (online learning)
export const INPUTS_AVERAGED: i32 = 1; // the input-averaged force of the thermodynamic limit
export const INPUTS_BATCH: i32 = 2; // the whole training set every step (batch learning): no input noise

/** One trajectory's state; every array lives in this instance's linear memory. */
@unmanaged class Perceptron {
  n: i32;
  batch: i32;
  groups: i32;
  rule: i32;
  sampling: i32;
  trainSize: i32;
  cursor: i32;
  status: i32;
  alpha: f64;
  k: f64;
  nu: f64;
  dt: f64;
  invSqrtN: f64;
  noiseScale: f64; // √(2DΔt)
  maxNormSq: f64; // |w|² above this (or non-finite) is divergence
  heat: f64; // cumulative q, Neumaier-compensated: the sum ...
  heatCompensation: f64; // ... and its running compensation (saved and restored as they are)
  work: f64; // cumulative work of the learning force, compensated like the heat
  workCompensation: f64;
  excess: f64; // cumulative excess heat (input-fluctuation part), compensated like the heat
  excessCompensation: f64;
  forceVariance: f64; // Σ over steps of the batch's unbiased estimate of ⟨𝓕²⟩ − ⟨𝓕⟩² (B ≥ 2)
  normSq: f64; // |w|² after the last step
  wT: f64; // w·T after the last step
  TT: f64; // |T|² (recomputed at the start of every call)
  D: f64;
  inputs: i32; // INPUTS_*
  factorSum: f64; // Σ_b 𝓕_b over the step's batch
  factorSqSum: f64; // Σ_b 𝓕_b²
  alphaMoment: f64; // α-tron: (1/π) 2^((1+α)/2) Γ((3+α)/2), set by perceptron_configure
  alphaSlope: f64; // α-tron: α (1/π) 2^((α−1)/2) Γ((α+1)/2)
  batchPotential: f64; // batch learning: U(w_t) of the whole set, from the step's dots
  batchRestoring: f64; // ... and the restoring part of the step's heat, settled at the next fold
  batchPending: i32; // 1 while a batch step waits for U(w_{t+1})
  w: usize; // n f64
  teacher: usize; // n f64
  bytes: usize; // n·G input bytes of the current step (padded to 8)
  bytesNext: usize; // the next step's inputs, drawn during this step (scratch between calls)
  noise: usize; // n f64, the last step's z
  force: usize; // n f64, the last step's learning force f_i
  hist: usize; // G × 256 (w, T) f64 pairs
  table: usize; // G × 256 f64 force tables
  dots: usize; // 8G f64: w·ξ_b
  tdots: usize; // 8G f64: T·ξ_b
  coef: usize; // 8G f64: c_b = (ν/B) σ_b 𝓕_b (zero past B)
  trainSet: usize; // trainSize × n u8 in {0, 1}, row-major
  labels: usize; // trainSize i8 in {−1, +1} given labels (random-label mode), or 0: labels sign(T·ξ)
  members: usize; // 8G i32: the training-set row of each batch member of the current step
  membersNext: usize; // ... and of the next step's inputs
  rng: usize; // xoshiro256++ state
}

@inline function self(p: usize): Perceptron {
  return changetype<Perceptron>(p);
}

/**
 * Allocates one trajectory for n weights and batch B and seeds its generator. Returns its address,
 * or 0 if memory ran out. Weights and teacher start at zero: fill them with `perceptron_fill_gaussian`
 * or through `perceptron_weights`/`perceptron_teacher`. A training set (sampling ≠ online) is attached
 * with `perceptron_set_train_set`, so trajectories can share one copy.
 */
export function perceptron_create(
  n: i32, batch: i32, rule: i32, alpha: f64, k: f64, nu: f64, D: f64, dt: f64,
  maxRms: f64, sampling: i32, seedHi: u32, seedLo: u32,
): usize {
  const p = alloc(offsetof<Perceptron>());
  if (p == 0) return 0;
  const s = self(p);
  const groups = (batch + 7) >> 3;
  s.n = n;
  s.batch = batch;
  s.groups = groups;
  s.rule = rule;
  s.sampling = sampling;
  s.alpha = alpha;
  s.k = k;
  s.nu = nu;
  s.dt = dt;
  s.invSqrtN = 1.0 / Math.sqrt(<f64>n);
  s.noiseScale = Math.sqrt(2.0 * D * dt);
  s.maxNormSq = maxRms * maxRms * <f64>n;
  const vec = <usize>n << 3;
  const members = <usize>groups << 6; // 8G f64
  s.w = alloc(vec);
  s.teacher = alloc(vec);
  s.noise = alloc(vec);
  s.force = alloc(vec);
  s.bytes = alloc((<usize>n * groups + 7) & ~<usize>7);
  s.bytesNext = alloc((<usize>n * groups + 7) & ~<usize>7);
  s.hist = alloc(<usize>groups << 12);
  s.table = alloc(<usize>groups << 11);
  s.dots = alloc(members);
  s.tdots = alloc(members);
  s.coef = alloc(members);
  s.rng = alloc(RNG_STATE_BYTES);
  s.members = alloc(<usize>groups << 5);
  s.membersNext = alloc(<usize>groups << 5);
  s.D = D;
  if (s.w == 0 || s.teacher == 0 || s.noise == 0 || s.force == 0 || s.bytesNext == 0 || s.bytes == 0 || s.hist == 0 ||
    s.table == 0 || s.dots == 0 || s.tdots == 0 || s.coef == 0 || s.rng == 0 || s.members == 0 ||
    s.membersNext == 0) return 0;
  rng_seed(s.rng, seedHi, seedLo);
  return p;
}

/** Fills the teacher (which = 0) or the weights (which = 1) with scale·N(0, 1) from this trajectory's stream. */
export function perceptron_fill_gaussian(p: usize, which: i32, scale: f64): void {
  const s = self(p);
  const out = which == 0 ? s.teacher : s.w;
  rng_fill_normal(s.rng, out, s.n);
  for (let i = 0; i < s.n; i++) {
    const a = out + (<usize>i << 3);
    store<f64>(a, scale * load<f64>(a));
  }
  s.normSq = dot_f64(s.w, s.w, s.n);
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/** ORs row `row` (n bytes in {0,1}) into bit `member & 7` of byte group `member >> 3`. */
function gatherRow(bytes: usize, groups: i32, row: usize, n: i32, member: i32): void {
  const bit = <u32>(member & 7);
  let dst = bytes + <usize>(member >> 3);
  for (let i = 0; i < n; i++) {
    store<u8>(dst, load<u8>(dst) | (<u32>load<u8>(row + <usize>i) << bit));
    dst += <usize>groups;
  }
}

/**
 * Draws one step's B inputs into `dst`: random bits, or B rows of the training set (their row
 * indices go to `rows`, for given labels).
 */
function drawInputs(s: Perceptron, dst: usize, rows: usize): void {
  const bytesLen = <usize>s.n * s.groups;
  if (s.sampling == SAMPLING_ONLINE) {
    rng_fill_u64(s.rng, dst, <i32>((bytesLen + 7) >> 3));
    return;
  }
  memory.fill(dst, 0, bytesLen);
  for (let b = 0; b < s.batch; b++) {
    let row: i32;
    if (s.sampling == SAMPLING_SWEEP) {
      row = s.cursor;
      s.cursor = row + 1 == s.trainSize ? 0 : row + 1;
    } else {
      // Lemire's multiply-shift: bias ≤ trainSize/2³², negligible for any set that fits in memory.
      row = <i32>(((rng_next_u64(s.rng) >> 32) * <u64>s.trainSize) >> 32);
    }
    gatherRow(dst, s.groups, s.trainSet + <usize>row * s.n, s.n, b);
    store<i32>(rows + (<usize>b << 2), row);
  }
}

// ---------------------------------------------------------------------------------------------
// Dot products through byte histograms
// ---------------------------------------------------------------------------------------------

// Byte g of weight i sits at src + g with src = bytes + i·G. Groups are read four at a time as one
// (unaligned) u32 and unrolled, then one at a time: V8 does not unroll loops itself.

@inline function pairBin(hist: usize, g: i32, byte: u32): usize {
  return hist + ((<usize>g << 12) | (<usize>byte << 4));
}

/** Adds the pair (w_i, T_i) to bin byte_gi of every group g (SIMD: the pair is one f64x2). */
@inline function scatterPairSimd(hist: usize, src: usize, groups: i32, pair: v128): void {
  let g = 0;
  for (; g + 4 <= groups; g += 4) {
    const word = load<u32>(src + <usize>g);
    addPairSimd(pairBin(hist, g, word & 255), pair);
    addPairSimd(pairBin(hist, g + 1, (word >> 8) & 255), pair);
    addPairSimd(pairBin(hist, g + 2, (word >> 16) & 255), pair);
    addPairSimd(pairBin(hist, g + 3, word >> 24), pair);
  }
  for (; g < groups; g++) addPairSimd(pairBin(hist, g, load<u8>(src + <usize>g)), pair);
}

@inline function addPairSimd(a: usize, pair: v128): void {
  v128.store(a, f64x2.add(v128.load(a), pair));
}

/** The scalar twin of `scatterPairSimd`. */
@inline function scatterPairScalar(hist: usize, src: usize, groups: i32, wi: f64, ti: f64): void {
  let g = 0;
  for (; g + 4 <= groups; g += 4) {
    const word = load<u32>(src + <usize>g);
    addPairScalar(pairBin(hist, g, word & 255), wi, ti);
    addPairScalar(pairBin(hist, g + 1, (word >> 8) & 255), wi, ti);
    addPairScalar(pairBin(hist, g + 2, (word >> 16) & 255), wi, ti);
    addPairScalar(pairBin(hist, g + 3, word >> 24), wi, ti);
  }
  for (; g < groups; g++) addPairScalar(pairBin(hist, g, load<u8>(src + <usize>g)), wi, ti);
}

@inline function addPairScalar(a: usize, wi: f64, ti: f64): void {
  store<f64>(a, load<f64>(a) + wi);
  store<f64>(a, load<f64>(a, 8) + ti, 8);
}

/**
 * hist_g[v] = Σ_{i: byte_gi = v} (w_i, T_i) for every group g: G scatter-adds of a (w, T) pair per
 * weight. Used for a call's first step (later steps fill the histogram inside `em_update`) and by
 * perceptron_count_errors.
 */
function histogram_pairs(hist: usize, bytes: usize, w: usize, t: usize, n: i32, groups: i32): void {
  memory.fill(hist, 0, <usize>groups << 12);
  let src = bytes;
  for (let i = 0; i < n; i++) {
    const wi = load<f64>(w + (<usize>i << 3));
    const ti = load<f64>(t + (<usize>i << 3));
    if (ASC_FEATURE_SIMD) scatterPairSimd(hist, src, groups, f64x2.replace_lane(f64x2.splat(wi), 1, ti));
    else scatterPairScalar(hist, src, groups, wi, ti);
    src += <usize>groups;
  }
}

/**
 * Turns one group's 256-bin pair histogram (at `h`, destroyed) into the 8 dot products of that group:
 * P_j = Σ_{v: bit j of v set} h[v] by folding the upper half onto the lower half, bit 7 first (510
 * pair additions instead of 8 × 128); then dot_j = 2 P_j − Σ_v h[v]. Writes w·ξ to outW[j], T·ξ to outT[j].
 */
function fold_pairs(h: usize, outW: usize, outT: usize): void {
  for (let j = 7, len = 256; j >= 0; j--) {
    const half = len >> 1;
    if (ASC_FEATURE_SIMD) {
      let acc = f64x2.splat(0);
      for (let x = 0; x < half; x++) {
        const lo = h + (<usize>x << 4);
        const hi = v128.load(lo + (<usize>half << 4));
        acc = f64x2.add(acc, hi);
        v128.store(lo, f64x2.add(v128.load(lo), hi));
      }
      store<f64>(outW + (<usize>j << 3), f64x2.extract_lane(acc, 0));
      store<f64>(outT + (<usize>j << 3), f64x2.extract_lane(acc, 1));
    } else {
      let accW: f64 = 0, accT: f64 = 0;
      for (let x = 0; x < half; x++) {
        const lo = h + (<usize>x << 4);
        const hiW = load<f64>(lo + (<usize>half << 4));
        const hiT = load<f64>(lo + (<usize>half << 4), 8);
        accW += hiW;
        accT += hiT;
        store<f64>(lo, load<f64>(lo) + hiW);
        store<f64>(lo, load<f64>(lo, 8) + hiT, 8);
      }
      store<f64>(outW + (<usize>j << 3), accW);
      store<f64>(outT + (<usize>j << 3), accT);
    }
    len = half;
  }
  const totalW = load<f64>(h);
  const totalT = load<f64>(h, 8);
  for (let j = 0; j < 8; j++) {
    const aw = outW + (<usize>j << 3);
    const at = outT + (<usize>j << 3);
    store<f64>(aw, 2 * load<f64>(aw) - totalW);
    store<f64>(at, 2 * load<f64>(at) - totalT);
  }
}

// ---------------------------------------------------------------------------------------------
// Learning rule and force tables
// ---------------------------------------------------------------------------------------------

/** The rule's factor 𝓕(A, σ) (spec §1 table), with Θ(0) = 0. */
@inline function learningFactor(rule: i32, alpha: f64, A: f64, sigma: f64): f64 {
  const sa = sigma * A;
  if (rule == RULE_HEBBIAN) return 1;
  if (rule == RULE_PERCEPTRON) return sa < 0 ? 1 : 0;
  if (rule == RULE_ADATRON) return sa < 0 ? Math.abs(A) : 0;
  return sa < 0 ? 1 : sa > 0 ? Math.pow(Math.abs(A), alpha) : 0; // α-tron
}

/** sign with sign(0) = +1. */
@inline function label(x: f64): f64 {
  return x >= 0 ? 1 : -1;
}

/**
 * c_b = (ν/B) σ_b 𝓕(A_b, σ_b) for b < B from the dots in s.dots/s.tdots; zero for padding members.
 * σ_b is the teacher's label sign(T·ξ_b), or the given label of the member's training row. Also
 * sums 𝓕_b and 𝓕_b² over the batch (for the excess heat and the force variance).
 */
function learningCoefficients(s: Perceptron): void {
  const scale = s.nu / <f64>s.batch;
  let sum: f64 = 0, sumSq: f64 = 0;
  for (let b = 0; b < s.groups << 3; b++) {
    const off = <usize>b << 3;
    let c: f64 = 0;
    if (b < s.batch) {
      const sigma = s.labels != 0
        ? <f64>load<i8>(s.labels + <usize>load<i32>(s.members + (<usize>b << 2)))
        : label(load<f64>(s.tdots + off));
      const factor = learningFactor(s.rule, s.alpha, load<f64>(s.dots + off) * s.invSqrtN, sigma);
      sum += factor;
      sumSq += factor * factor;
      c = scale * sigma * factor;
    }
    store<f64>(s.coef + off, c);
  }
  s.factorSum = sum;
  s.factorSqSum = sumSq;
}

/** table_g[v] = Σ_j c_{8g+j}(2·bit_j(v) − 1), built by adding 2c for the lowest set bit of v. */
function buildTables(table: usize, coef: usize, groups: i32): void {
  for (let g = 0; g < groups; g++) {
    const t = table + (<usize>g << 11);
    const c = coef + (<usize>g << 6);
    let base: f64 = 0;
    for (let j = 0; j < 8; j++) base -= load<f64>(c + (<usize>j << 3));
    store<f64>(t, base);
    for (let v = 1; v < 256; v++) {
      const low = <usize>ctz(v);
      store<f64>(t + (<usize>v << 3), load<f64>(t + (<usize>(v & (v - 1)) << 3)) + 2 * load<f64>(c + (low << 3)));
    }
  }
}

@inline function tableEntry(table: usize, g: i32, byte: u32): f64 {
  return load<f64>(table + ((<usize>g << 11) | (<usize>byte << 3)));
}

/** Σ of the four table entries picked by the four bytes of `word` (groups g … g+3), as (a + b) + (c + d). */
@inline function quadForce(table: usize, g: i32, word: u32): f64 {
  const a = tableEntry(table, g, word & 255);
  const b = tableEntry(table, g + 1, (word >> 8) & 255);
  const c = tableEntry(table, g + 2, (word >> 16) & 255);
  const d = tableEntry(table, g + 3, word >> 24);
  return (a + b) + (c + d);
}

/** f_i = Σ_g table_g[byte_gi]: quads of groups pairwise, then the quads and leftover groups in order. */
@inline function forceAt(table: usize, src: usize, groups: i32): f64 {
  let f: f64 = 0;
  let g = 0;
  for (; g + 4 <= groups; g += 4) f += quadForce(table, g, load<u32>(src + <usize>g));
  for (; g < groups; g++) f += tableEntry(table, g, load<u8>(src + <usize>g));
  return f;
}

/**
 * force[i] = f_i for every weight: the table lookups, kept apart from the arithmetic so both loops
 * stay simple. B in 25…32 (four groups; the blog's B = 30) gets a loop without inner loops; it adds
 * exactly what `forceAt` adds (0 + quad), so results do not depend on the path.
 */
function computeForces(force: usize, table: usize, bytes: usize, n: i32, groups: i32): void {
  if (groups == 4) {
    for (let i = 0; i < n; i++) {
      store<f64>(force + (<usize>i << 3), 0 + quadForce(table, 0, load<u32>(bytes + (<usize>i << 2))));
    }
    return;
  }
  let src = bytes;
  for (let i = 0; i < n; i++) {
    store<f64>(force + (<usize>i << 3), forceAt(table, src, groups));
    src += <usize>groups;
  }
}

// ---------------------------------------------------------------------------------------------
// The Euler–Maruyama update
// ---------------------------------------------------------------------------------------------

// Per-step sums that em_update and averaged_update return beside the heat (module globals: one
// step runs at a time).
let stepWork: f64 = 0; // Σ_i f_i Δw_i, the work of the learning force (Itô: f at w_t)
let stepForceSq: f64 = 0; // Σ_i f_i², |f|² of the step's learning force
let stepWT: f64 = 0; // Σ_i T_i w′_i, w′·T after the step
let stepWW: f64 = 0; // Σ_i w_i w′_i (averaged_update only)

/**
 * w_i ← w_i + Δt (f_i − k w_i) + √(2DΔt) z_i for all i, and returns the step's heat
 * Σ_i (f_i − k w_mid,i)·Δw_i (see the header). Stores |w′|² in s.normSq, and Σ f_i Δw_i, Σ f_i²,
 * Σ T_i w′_i in stepWork, stepForceSq, stepWT. With `fuse`, the loop also builds the next step's
 * (w′, T) histogram over s.bytesNext while w′ is in registers, saving a pass. The SIMD body does
 * weights i, i+1 as one f64x2; the scalar twin keeps even and odd partial sums and scatters in the
 * same order, so both return the same bits.
 */
function em_update(p: usize, fuse: bool): f64 {
  const s = self(p);
  const n = s.n, groups = s.groups;
  const w = s.w, noise = s.noise, force = s.force;
  const dt = s.dt, k = s.k, sd = s.noiseScale;
  const teacher = s.teacher, hist = s.hist;
  computeForces(force, s.table, s.bytes, n, groups);
  if (fuse) memory.fill(hist, 0, <usize>groups << 12);
  let i = 0;
  let next = s.bytesNext;
  let heat: f64 = 0, normSq: f64 = 0, work: f64 = 0, forceSq: f64 = 0, wT: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const vdt = f64x2.splat(dt), vk = f64x2.splat(k), vsd = f64x2.splat(sd), vhalf = f64x2.splat(0.5);
    let accHeat = f64x2.splat(0), accNorm = f64x2.splat(0), accWork = f64x2.splat(0);
    let accForce = f64x2.splat(0), accWT = f64x2.splat(0);
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      const f = v128.load(force + off);
      const wOld = v128.load(w + off);
      const wNew = f64x2.add(
        f64x2.add(wOld, f64x2.mul(vdt, f64x2.sub(f, f64x2.mul(vk, wOld)))),
        f64x2.mul(vsd, v128.load(noise + off)),
      );
      v128.store(w + off, wNew);
      const delta = f64x2.sub(wNew, wOld);
      const mid = f64x2.mul(vhalf, f64x2.add(wOld, wNew));
      const t = v128.load(teacher + off);
      accHeat = f64x2.add(accHeat, f64x2.mul(f64x2.sub(f, f64x2.mul(vk, mid)), delta));
      accNorm = f64x2.add(accNorm, f64x2.mul(wNew, wNew));
      accWork = f64x2.add(accWork, f64x2.mul(f, delta));
      accForce = f64x2.add(accForce, f64x2.mul(f, f));
      accWT = f64x2.add(accWT, f64x2.mul(t, wNew));
      if (fuse) {
        scatterPairSimd(hist, next, groups, v128.shuffle<f64>(wNew, t, 0, 2));
        scatterPairSimd(hist, next + <usize>groups, groups, v128.shuffle<f64>(wNew, t, 1, 3));
      }
      next += <usize>(groups << 1);
    }
    heat = f64x2.extract_lane(accHeat, 0) + f64x2.extract_lane(accHeat, 1);
    normSq = f64x2.extract_lane(accNorm, 0) + f64x2.extract_lane(accNorm, 1);
    work = f64x2.extract_lane(accWork, 0) + f64x2.extract_lane(accWork, 1);
    forceSq = f64x2.extract_lane(accForce, 0) + f64x2.extract_lane(accForce, 1);
    wT = f64x2.extract_lane(accWT, 0) + f64x2.extract_lane(accWT, 1);
  } else {
    // Partial sums per lane: [0] even weights, [1] odd weights, as the two SIMD lanes.
    let heat0: f64 = 0, heat1: f64 = 0, norm0: f64 = 0, norm1: f64 = 0, work0: f64 = 0, work1: f64 = 0;
    let force0: f64 = 0, force1: f64 = 0, wT0: f64 = 0, wT1: f64 = 0;
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      for (let lane = 0; lane < 2; lane++) {
        const a = w + off + (<usize>lane << 3);
        const f = load<f64>(force + off + (<usize>lane << 3));
        const wOld = load<f64>(a);
        const wNew = (wOld + dt * (f - k * wOld)) + sd * load<f64>(noise + off + (<usize>lane << 3));
        store<f64>(a, wNew);
        const delta = wNew - wOld;
        const mid = 0.5 * (wOld + wNew);
        const t = load<f64>(teacher + off + (<usize>lane << 3));
        const h = (f - k * mid) * delta;
        if (lane == 0) {
          heat0 += h; norm0 += wNew * wNew; work0 += f * delta; force0 += f * f; wT0 += t * wNew;
        } else {
          heat1 += h; norm1 += wNew * wNew; work1 += f * delta; force1 += f * f; wT1 += t * wNew;
        }
        if (fuse) scatterPairScalar(hist, next, groups, wNew, t);
        next += <usize>groups;
      }
    }
    heat = heat0 + heat1;
    normSq = norm0 + norm1;
    work = work0 + work1;
    forceSq = force0 + force1;
    wT = wT0 + wT1;
  }
  for (; i < n; i++) {
    const a = w + (<usize>i << 3);
    const f = load<f64>(force + (<usize>i << 3));
    const wOld = load<f64>(a);
    const wNew = (wOld + dt * (f - k * wOld)) + sd * load<f64>(noise + (<usize>i << 3));
    store<f64>(a, wNew);
    const delta = wNew - wOld;
    const mid = 0.5 * (wOld + wNew);
    const t = load<f64>(teacher + (<usize>i << 3));
    heat += (f - k * mid) * delta;
    normSq += wNew * wNew;
    work += f * delta;
    forceSq += f * f;
    wT += t * wNew;
    if (fuse) scatterPairScalar(hist, next, groups, wNew, t);
    next += <usize>groups;
  }
  s.normSq = normSq;
  stepWork = work;
  stepForceSq = forceSq;
  stepWT = wT;
  return heat;
}

// ---------------------------------------------------------------------------------------------
// The input-averaged force of the thermodynamic limit (src/perceptron/averaged.ts is the reference;
// derivation in docs/perceptron-theory.md). With u = T̂·ξ, x = ŵ·ξ standard normal, correlation
// ρ = cos θ, and Q = |w|²/n: f̄ = ν⟨σ_T ξ 𝓕⟩ = ν (a T̂ + b ŵ), and ∇·f̄ = ν√n ⟨𝓕′(σ_T A)⟩.
// ---------------------------------------------------------------------------------------------

const INV_SQRT_2PI: f64 = 0.3989422804014327; // 1/√(2π)
const SQRT_2_OVER_PI: f64 = 0.7978845608028654; // √(2/π)
const GL_POINTS: i32 = 48;
let glTable: usize = 0; // GL_POINTS nodes on (0, 1), then their weights

/** Gauss–Legendre nodes and weights on (0, 1), computed once by Newton's method on P_N. */
function gaussLegendre(): usize {
  if (glTable != 0) return glTable;
  const table = alloc(<usize>GL_POINTS << 4);
  for (let i = 0; i < GL_POINTS; i++) {
    let x = Math.cos((Math.PI * (<f64>i + 0.75)) / (<f64>GL_POINTS + 0.5));
    let derivative: f64 = 1;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0: f64 = 1, p1 = x;
      for (let j = 2; j <= GL_POINTS; j++) {
        const p2 = ((2 * <f64>j - 1) * x * p1 - (<f64>j - 1) * p0) / <f64>j;
        p0 = p1;
        p1 = p2;
      }
      derivative = (<f64>GL_POINTS * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    store<f64>(table + (<usize>i << 3), 0.5 * (x + 1));
    store<f64>(table + (<usize>(GL_POINTS + i) << 3), 1 / ((1 - x * x) * derivative * derivative));
  }
  glTable = table;
  return table;
}

/**
 * ∫_0^c sin^p t · h(t) dt for 0 < c ≤ π/2 and p > −1, with h = 1 (kind 0), sin(t + θ) (kind 1) or
 * sin(t − θ) (kind 2). The substitution t = c v^m with m(p + 1) ≥ 4 turns the endpoint power t^p
 * into v^{m(p+1)−1} dv, smooth enough that 48-point Gauss–Legendre is exact to ~1e-13.
 */
function sinPowerIntegral(p: f64, c: f64, kind: i32, theta: f64): f64 {
  if (!(c > 0)) return 0;
  const gl = gaussLegendre();
  const m = Math.max(1, Math.ceil(4 / (p + 1)));
  const power = m * (p + 1) - 1;
  let sum: f64 = 0;
  for (let i = 0; i < GL_POINTS; i++) {
    const v = load<f64>(gl + (<usize>i << 3));
    const weight = load<f64>(gl + (<usize>(GL_POINTS + i) << 3));
    const t = c * Math.pow(v, m);
    const ratio = t > 0 ? Math.sin(t) / t : 1;
    const h = kind == 0 ? 1 : kind == 1 ? Math.sin(t + theta) : Math.sin(t - theta);
    sum += weight * Math.pow(v, power) * Math.pow(ratio, p) * h;
  }
  return Math.pow(c, p + 1) * m * sum;
}

/**
 * ∫_0^{π−θ} sin^p t · h(t) dt, h = 1 or (withU) sin(t + θ): the angular part of a Gaussian moment over
 * the wedge {x > 0, u > 0} (x = sin t, u = sin(t + θ)). Split at π/2, the far part reflected
 * (t → π − t), so each Gauss–Legendre rule has its singular endpoint at 0.
 */
function wedgeIntegral(p: f64, theta: f64, withU: bool): f64 {
  const L = Math.PI - theta;
  const near: i32 = withU ? 1 : 0, far: i32 = withU ? 2 : 0;
  if (L <= 0.5 * Math.PI) return sinPowerIntegral(p, L, near, theta);
  // ∫_{π/2}^{L} sin^p t h(t) dt = ∫_θ^{π/2} sin^p s h(π − s) ds, and h(π − s) = sin(s − θ) for withU.
  return sinPowerIntegral(p, 0.5 * Math.PI, near, theta) + sinPowerIntegral(p, 0.5 * Math.PI, far, theta) -
    sinPowerIntegral(p, theta, far, theta);
}

let averagedA: f64 = 0; // results of averagedCoefficients
let averagedB: f64 = 0;

/**
 * (a, b) with f̄ = ν (a T̂ + b ŵ) at correlation rho and Q = |w|²/n, into averagedA/averagedB:
 * Hebbian (√(2/π), 0); Perceptron (1, −1)/√(2π); AdaTron √Q (sin θ, −θ)/π; α-tron from the moments
 * c_u = T̂·f̄/ν, c_x = ŵ·f̄/ν by a = (c_u − ρc_x)/(1 − ρ²), b = (c_x − ρc_u)/(1 − ρ²); where
 * 1 − ρ² < 1e-14 (ŵ = ±T̂ to rounding) a = c_u, b = 0. Near there the quotient loses digits:
 * about 1e-16/(1 − ρ²) relative.
 */
function averagedCoefficients(s: Perceptron, rho: f64, Q: f64): void {
  const r = Math.max(-1, Math.min(1, rho));
  const theta = Math.acos(r);
  if (s.rule == RULE_HEBBIAN) {
    averagedA = SQRT_2_OVER_PI;
    averagedB = 0;
  } else if (s.rule == RULE_PERCEPTRON) {
    averagedA = INV_SQRT_2PI;
    averagedB = -INV_SQRT_2PI;
  } else if (s.rule == RULE_ADATRON) {
    averagedA = (Math.sqrt(Q) * Math.sqrt(Math.max(0, 1 - r * r))) / Math.PI;
    averagedB = (-Math.sqrt(Q) * theta) / Math.PI;
  } else {
    const scale = Math.pow(Q, 0.5 * s.alpha) * s.alphaMoment;
    const cu = (1 - r) * INV_SQRT_2PI + scale * wedgeIntegral(s.alpha, theta, true);
    const cx = -(1 - r) * INV_SQRT_2PI + scale * wedgeIntegral(1 + s.alpha, theta, false);
    const sinSq = 1 - r * r;
    if (sinSq < 1e-14) {
      // ŵ = ±T̂: only the force along T̂ is defined, ν c_u.
      averagedA = cu;
      averagedB = 0;
    } else {
      averagedA = (cu - r * cx) / sinSq;
      averagedB = (cx - r * cu) / sinSq;
    }
  }
}

/**
 * ⟨𝓕′(σ_T A)⟩ at correlation rho and Q (d/ds, s = σ_T A): Hebbian 0; Perceptron −1/√(2πQ) (the
 * density of A at 0); AdaTron −θ/π; α-tron −1/√(2πQ) + α Q^{(α−1)/2} E[|x|^{α−1} 1{ux > 0}].
 */
function averagedSlope(s: Perceptron, rho: f64, Q: f64): f64 {
  if (s.rule == RULE_HEBBIAN) return 0;
  const theta = Math.acos(Math.max(-1, Math.min(1, rho)));
  if (s.rule == RULE_ADATRON) return -theta / Math.PI;
  const delta = -INV_SQRT_2PI / Math.sqrt(Q);
  if (s.rule == RULE_PERCEPTRON) return delta;
  return delta + Math.pow(Q, 0.5 * (s.alpha - 1)) * s.alphaSlope * wedgeIntegral(s.alpha - 1, theta, false);
}

/** ρ = w·T/(|w||T|) from the tracked sums (0 when w or T is zero). */
@inline function correlation(wT: f64, ww: f64, TT: f64): f64 {
  return ww > 0 && TT > 0 ? wT / (Math.sqrt(ww) * Math.sqrt(TT)) : 0;
}

/**
 * The Stratonovich correction D Δt ∇·f̄ (w_t) of one step whose learning force was taken at w_t:
 * the mean of the thermal-noise midpoint term, ∇·f̄ = ν√n ⟨𝓕′⟩ (docs/perceptron-theory.md §3). Zero
 * at w = 0, where the averaged force has no direction.
 */
function divergenceTerm(s: Perceptron): f64 {
  if (s.rule == RULE_HEBBIAN || !(s.normSq > 0)) return 0;
  const Q = s.normSq / <f64>s.n;
  return s.D * s.dt * s.nu * Math.sqrt(<f64>s.n) * averagedSlope(s, correlation(s.wT, s.normSq, s.TT), Q);
}

/**
 * One Euler–Maruyama step with the input-averaged force f̄(w_t) = cT·T + cW·w, cT = νa/|T|,
 * cW = νb/|w|, and its Stratonovich heat: the restoring part −k w_mid·Δw elementwise, the learning
 * part f̄(w_mid)·Δw from the sums (w_mid·T, |w_mid|, T·Δw, w_mid·Δw are scalars of w·T, w′·T,
 * |w|², |w′|², w·w′). Returns the heat; stepWork gets the learning work. SIMD and scalar twins
 * accumulate in the same lanes and order.
 */
function averaged_update(s: Perceptron): f64 {
  const n = s.n, w = s.w, teacher = s.teacher, noise = s.noise;
  const dt = s.dt, k = s.k, sd = s.noiseScale;
  const normT = Math.sqrt(s.TT), norm = Math.sqrt(s.normSq);
  averagedCoefficients(s, correlation(s.wT, s.normSq, s.TT), s.normSq / <f64>n);
  const cT = normT > 0 ? (s.nu * averagedA) / normT : 0;
  const cW = norm > 0 ? (s.nu * averagedB) / norm : 0;
  let i = 0;
  let restoring: f64 = 0, normSq: f64 = 0, wT: f64 = 0, ww: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const vdt = f64x2.splat(dt), vk = f64x2.splat(k), vsd = f64x2.splat(sd), vhalf = f64x2.splat(0.5);
    const vcT = f64x2.splat(cT), vcW = f64x2.splat(cW);
    let accRestoring = f64x2.splat(0), accNorm = f64x2.splat(0), accWT = f64x2.splat(0), accWW = f64x2.splat(0);
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      const t = v128.load(teacher + off);
      const wOld = v128.load(w + off);
      const f = f64x2.add(f64x2.mul(vcT, t), f64x2.mul(vcW, wOld));
      const wNew = f64x2.add(
        f64x2.add(wOld, f64x2.mul(vdt, f64x2.sub(f, f64x2.mul(vk, wOld)))),
        f64x2.mul(vsd, v128.load(noise + off)),
      );
      v128.store(w + off, wNew);
      const mid = f64x2.mul(vhalf, f64x2.add(wOld, wNew));
      accRestoring = f64x2.sub(accRestoring, f64x2.mul(f64x2.mul(vk, mid), f64x2.sub(wNew, wOld)));
      accNorm = f64x2.add(accNorm, f64x2.mul(wNew, wNew));
      accWT = f64x2.add(accWT, f64x2.mul(t, wNew));
      accWW = f64x2.add(accWW, f64x2.mul(wOld, wNew));
    }
    restoring = f64x2.extract_lane(accRestoring, 0) + f64x2.extract_lane(accRestoring, 1);
    normSq = f64x2.extract_lane(accNorm, 0) + f64x2.extract_lane(accNorm, 1);
    wT = f64x2.extract_lane(accWT, 0) + f64x2.extract_lane(accWT, 1);
    ww = f64x2.extract_lane(accWW, 0) + f64x2.extract_lane(accWW, 1);
  } else {
    let restoring0: f64 = 0, restoring1: f64 = 0, norm0: f64 = 0, norm1: f64 = 0;
    let wT0: f64 = 0, wT1: f64 = 0, ww0: f64 = 0, ww1: f64 = 0;
    for (; i + 2 <= n; i += 2) {
      for (let lane = 0; lane < 2; lane++) {
        const off = <usize>(i + lane) << 3;
        const t = load<f64>(teacher + off);
        const wOld = load<f64>(w + off);
        const f = cT * t + cW * wOld;
        const wNew = (wOld + dt * (f - k * wOld)) + sd * load<f64>(noise + off);
        store<f64>(w + off, wNew);
        const r = 0 - (k * (0.5 * (wOld + wNew))) * (wNew - wOld);
        if (lane == 0) {
          restoring0 += r; norm0 += wNew * wNew; wT0 += t * wNew; ww0 += wOld * wNew;
        } else {
          restoring1 += r; norm1 += wNew * wNew; wT1 += t * wNew; ww1 += wOld * wNew;
        }
      }
    }
    restoring = restoring0 + restoring1;
    normSq = norm0 + norm1;
    wT = wT0 + wT1;
    ww = ww0 + ww1;
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    const t = load<f64>(teacher + off);
    const wOld = load<f64>(w + off);
    const f = cT * t + cW * wOld;
    const wNew = (wOld + dt * (f - k * wOld)) + sd * load<f64>(noise + off);
    store<f64>(w + off, wNew);
    restoring -= (k * (0.5 * (wOld + wNew))) * (wNew - wOld);
    normSq += wNew * wNew;
    wT += t * wNew;
    ww += wOld * wNew;
  }
  // The learning force at the midpoint, from scalars: w_mid·T = (w·T + w′·T)/2,
  // |w_mid|² = (|w|² + 2 w·w′ + |w′|²)/4, T̂·Δw = (w′·T − w·T)/|T|, ŵ_mid·Δw = (|w′|² − |w|²)/(2|w_mid|).
  const midWT = 0.5 * (s.wT + wT);
  const midSq = 0.25 * (s.normSq + 2 * ww + normSq);
  averagedCoefficients(s, correlation(midWT, midSq, s.TT), midSq / <f64>n);
  const alongT = normT > 0 ? (wT - s.wT) / normT : 0;
  const alongW = midSq > 0 ? (normSq - s.normSq) / (2 * Math.sqrt(midSq)) : 0;
  const work = s.nu * (averagedA * alongT + averagedB * alongW);
  stepWork = work;
  stepWT = wT;
  s.normSq = normSq;
  return restoring + work;
}

/** Adds x to the compensated sum at `sum` (its compensation at sum + 8), Neumaier's algorithm. */
@inline function addCompensated(sum: usize, x: f64): void {
  const total = load<f64>(sum);
  const t = total + x;
  const error = Math.abs(total) >= Math.abs(x) ? (total - t) + x : (x - t) + total;
  store<f64>(sum + 8, load<f64>(sum + 8) + error);
  store<f64>(sum, t);
}

@inline function heatSum(p: usize): usize { return p + offsetof<Perceptron>("heat"); }
@inline function workSum(p: usize): usize { return p + offsetof<Perceptron>("work"); }
@inline function excessSum(p: usize): usize { return p + offsetof<Perceptron>("excess"); }

/**
 * Excess (input-fluctuation) heat of one sampled step, Δt·tr Cov(f | w_t) estimated from the batch
 * itself: with v_b = σ_b 𝓕_b ξ_b (|v_b|² = n 𝓕_b²) and f = (ν/B) Σ v_b, the unbiased estimate is
 * (ν²/B)(Σ|v_b|² − B|f|²/ν²)/(B − 1) = ν² n Σ𝓕_b²/(B(B − 1)) − |f|²/(B − 1). Its mean is the
 * corrected fluctuation term of spec §1, ν²(n⟨𝓕²⟩ − |⟨σ_T ξ 𝓕⟩|²)/B per unit time. 0 for B = 1.
 */
function excessTerm(s: Perceptron): f64 {
  const B = <f64>s.batch;
  if (s.batch < 2 || s.inputs == INPUTS_BATCH) return 0;
  // A sample variance, ≥ 0; the difference of sums can round just below 0 when all v_b are equal.
  return Math.max(0, s.dt * ((s.nu * s.nu * <f64>s.n * s.factorSqSum) / (B * (B - 1)) - stepForceSq / (B - 1)));
}

/**
 * The batch's unbiased estimate of ⟨𝓕²⟩ − ⟨𝓕⟩² (0 for B = 1), floored at 0: with equal factors the
 * difference of sums can round to −1e-17 (a sample variance is ≥ 0).
 */
function forceVarianceTerm(s: Perceptron): f64 {
  const B = <f64>s.batch;
  if (s.batch < 2) return 0;
  return Math.max(0, (s.factorSqSum - (s.factorSum * s.factorSum) / B) / (B - 1));
}

/**
 * g(s) = ∫_0^s 𝓕 of the rule (s = σ_T A): Hebbian s; Perceptron min(s, 0); AdaTron −s²/2 for s < 0;
 * α-tron min(s, 0) + s^{α+1}/(α+1) for s > 0. σξ𝓕(σA) = √n ∇_w g(σA).
 */
@inline function ruleIntegral(rule: i32, alpha: f64, x: f64): f64 {
  if (rule == RULE_HEBBIAN) return x;
  if (rule == RULE_PERCEPTRON) return Math.min(x, 0);
  if (rule == RULE_ADATRON) return x < 0 ? -0.5 * x * x : 0;
  return x < 0 ? x : Math.pow(x, alpha + 1) / (alpha + 1);
}

/**
 * The learning potential of batch learning at the weights whose dots are in s.dots/s.tdots:
 * U = −(ν√n/B) Σ_b g(σ_b A_b), so that the set's force is −∇U (docs/perceptron-theory.md §2).
 */
function batchPotential(s: Perceptron): f64 {
  let sum: f64 = 0;
  for (let b = 0; b < s.batch; b++) {
    const off = <usize>b << 3;
    const sigma = s.labels != 0
      ? <f64>load<i8>(s.labels + <usize>load<i32>(s.members + (<usize>b << 2)))
      : label(load<f64>(s.tdots + off));
    sum += ruleIntegral(s.rule, s.alpha, sigma * load<f64>(s.dots + off) * s.invSqrtN);
  }
  return -(s.nu * Math.sqrt(<f64>s.n) / <f64>s.batch) * sum;
}

/**
 * Batch learning's heat, one step late: the step's learning work is the exact drop of the set's
 * potential, U(w_t) − U(w_{t+1}) (the Stratonovich work of a gradient force along any path), known once
 * the next fold has the dots at w_{t+1}; the restoring part was computed by the update.
 */
function settleBatchStep(s: Perceptron, p: usize, potential: f64): void {
  if (s.batchPending == 0) return;
  const work = s.batchPotential - potential;
  addCompensated(heatSum(p), s.batchRestoring + work);
  addCompensated(workSum(p), work);
  s.batchPending = 0;
}

/** Divergence: |w|² past the bound or not finite (NaN fails the comparison), or a sum that overflowed. */
function checkDiverged(s: Perceptron): void {
  if (!(s.normSq <= s.maxNormSq) || !isFinite(s.heat) || !isFinite(s.work) || !isFinite(s.excess)) {
    s.status = STATUS_DIVERGED;
  }
}

/** Folds every group's histogram in s.hist into this step's dots s.dots/s.tdots. */
function foldGroups(s: Perceptron): void {
  for (let g = 0; g < s.groups; g++) {
    fold_pairs(s.hist + (<usize>g << 12), s.dots + (<usize>g << 6), s.tdots + (<usize>g << 6));
  }
}

/**
 * One Euler–Maruyama step: dots from the histogram, coefficients, tables, noise, update, heat.
 * On entry s.hist holds the (w, T) histogram over this step's inputs s.bytes. Unless this is the
 * call's last step, the next step's inputs are drawn now and the update builds their histogram.
 * The generator is used in the same order either way (inputs t, noise t, inputs t + 1, …), so
 * results do not depend on how steps are split into calls. The heat and work get the divergence
 * term for fresh random inputs (sampling online), where ⟨𝓕′⟩ has its closed form.
 */
function stepOnce(p: usize, last: bool): void {
  const s = self(p);
  foldGroups(s);
  learningCoefficients(s);
  const batch = s.inputs == INPUTS_BATCH;
  if (batch) {
    const potential = batchPotential(s);
    settleBatchStep(s, p, potential);
    s.batchPotential = potential;
  }
  buildTables(s.table, s.coef, s.groups);
  rng_fill_normal(s.rng, s.noise, s.n);
  if (!last) drawInputs(s, s.bytesNext, s.membersNext);
  const divergence = s.sampling == SAMPLING_ONLINE ? divergenceTerm(s) : 0;
  const heat = em_update(p, !last);
  s.wT = stepWT;
  if (batch) {
    s.batchRestoring = heat - stepWork;
    s.batchPending = 1;
  } else {
    addCompensated(heatSum(p), heat + divergence);
    addCompensated(workSum(p), stepWork + divergence);
  }
  addCompensated(excessSum(p), excessTerm(s));
  s.forceVariance += forceVarianceTerm(s);
  checkDiverged(s);
  if (!last) {
    const current = s.bytes;
    s.bytes = s.bytesNext;
    s.bytesNext = current;
    const rows = s.members;
    s.members = s.membersNext;
    s.membersNext = rows;
  }
}

/** One step of the input-averaged dynamics (thermodynamic limit): noise, update, Stratonovich heat. */
function stepAveraged(p: usize): void {
  const s = self(p);
  rng_fill_normal(s.rng, s.noise, s.n);
  const heat = averaged_update(s);
  s.wT = stepWT;
  addCompensated(heatSum(p), heat);
  addCompensated(workSum(p), stepWork);
  checkDiverged(s);
}

/**
 * Advances the trajectory by up to `count` Euler–Maruyama steps, all inside wasm. Stops early when
 * |w|² turns non-finite or exceeds maxRms²·n (status becomes STATUS_DIVERGED). Returns the number of
 * steps taken. Each call starts from the weights in memory, so they may be edited between calls.
 */
export function perceptron_step(p: usize, count: i32): i32 {
  const s = self(p);
  if (count <= 0 || s.status != STATUS_RUNNING) return 0;
  s.normSq = dot_f64(s.w, s.w, s.n);
  s.wT = dot_f64(s.w, s.teacher, s.n);
  s.TT = dot_f64(s.teacher, s.teacher, s.n);
  if (s.inputs == INPUTS_AVERAGED) {
    for (let t = 0; t < count; t++) {
      stepAveraged(p);
      if (s.status != STATUS_RUNNING) return t + 1;
    }
    return count;
  }
  drawInputs(s, s.bytes, s.members);
  histogram_pairs(s.hist, s.bytes, s.w, s.teacher, s.n, s.groups);
  let taken = count;
  for (let t = 0; t < count; t++) {
    stepOnce(p, t == count - 1);
    if (s.status != STATUS_RUNNING) {
      taken = t + 1;
      break;
    }
  }
  if (s.batchPending != 0) settleBatchAtEnd(p);
  return taken;
}

/**
 * Settles the call's last batch step: the dots of the set at the final weights (one more histogram and
 * fold over the same rows) give U(w_end). s.bytes and s.members still hold the set in sweep order.
 */
function settleBatchAtEnd(p: usize): void {
  const s = self(p);
  histogram_pairs(s.hist, s.bytes, s.w, s.teacher, s.n, s.groups);
  foldGroups(s);
  settleBatchStep(s, p, batchPotential(s));
  if (!isFinite(s.heat) || !isFinite(s.work)) s.status = STATUS_DIVERGED;
}

// ---------------------------------------------------------------------------------------------
// Observables
// ---------------------------------------------------------------------------------------------

/** Writes (w·T, w·w, T·T) to out[0..2]. */
export function perceptron_order_params(p: usize, out: usize): void {
  const s = self(p);
  store<f64>(out, dot_f64(s.w, s.teacher, s.n));
  store<f64>(out, dot_f64(s.w, s.w, s.n), 8);
  store<f64>(out, dot_f64(s.teacher, s.teacher, s.n), 16);
}

/**
 * w·ξ and T·ξ of rows first … first + 7 (at most size − first of them) into s.dots/s.tdots, through
 * the byte histogram in the trajectory's scratch buffers (free between calls). Returns the row count.
 */
function dotsOfRows(s: Perceptron, rows: usize, first: i32, size: i32): i32 {
  const m = min(8, size - first);
  memory.fill(s.bytesNext, 0, <usize>s.n);
  for (let j = 0; j < m; j++) gatherRow(s.bytesNext, 1, rows + <usize>(first + j) * s.n, s.n, j);
  histogram_pairs(s.hist, s.bytesNext, s.w, s.teacher, s.n, 1);
  fold_pairs(s.hist, s.dots, s.tdots);
  return m;
}

/**
 * Number of the `size` rows of `rows` (n bytes each, in {0,1} for ξ = −1/+1) that the student labels
 * differently from the teacher, sign(0) = +1 for both. Eight rows at a time go through the same
 * byte-histogram dot products as the dynamics (in the trajectory's scratch buffers, free between calls).
 */
export function perceptron_count_errors(p: usize, rows: usize, size: i32): i32 {
  const s = self(p);
  let errors = 0;
  for (let first = 0; first < size; first += 8) {
    const m = dotsOfRows(s, rows, first, size);
    for (let j = 0; j < m; j++) {
      if (label(load<f64>(s.dots + (<usize>j << 3))) != label(load<f64>(s.tdots + (<usize>j << 3)))) errors++;
    }
  }
  return errors;
}

export function perceptron_weights(p: usize): usize { return self(p).w; }
export function perceptron_teacher(p: usize): usize { return self(p).teacher; }
export function perceptron_inputs(p: usize): usize { return self(p).bytes; }
export function perceptron_noise(p: usize): usize { return self(p).noise; }

/** Attaches a training set: `size` rows of n bytes in {0, 1} (ξ = −1/+1) at `rows`, row-major. */
export function perceptron_set_train_set(p: usize, rows: usize, size: i32): void {
  const s = self(p);
  s.trainSet = rows;
  s.trainSize = size;
  s.cursor = 0;
}
export function perceptron_rng(p: usize): usize { return self(p).rng; }
export function perceptron_heat(p: usize): f64 { const s = self(p); return s.heat + s.heatCompensation; }
export function perceptron_work(p: usize): f64 { const s = self(p); return s.work + s.workCompensation; }
export function perceptron_excess(p: usize): f64 { const s = self(p); return s.excess + s.excessCompensation; }
/** Writes the heat's compensated sum and its compensation to out[0], out[1] (for a bit-exact checkpoint). */
export function perceptron_heat_parts(p: usize, out: usize): void {
  const s = self(p);
  store<f64>(out, s.heat);
  store<f64>(out, s.heatCompensation, 8);
}
export function perceptron_status(p: usize): i32 { return self(p).status; }
export function perceptron_cursor(p: usize): i32 { return self(p).cursor; }

/**
 * Restores the clock part of a checkpoint (the heat's sum and compensation, sweep cursor, status);
 * the step count is kept in TS.
 */
export function perceptron_set_clock(p: usize, heat: f64, heatCompensation: f64, cursor: i32, status: i32): void {
  const s = self(p);
  s.heat = heat;
  s.heatCompensation = heatCompensation;
  s.cursor = cursor;
  s.status = status;
  s.normSq = dot_f64(s.w, s.w, s.n);
}

/**
 * Sets the force mode (INPUTS_*) and the α-tron's Gamma-function constants (computed in TS:
 * alphaMoment = (1/π) 2^((1+α)/2) Γ((3+α)/2), alphaSlope = α (1/π) 2^((α−1)/2) Γ((α+1)/2)).
 */
export function perceptron_configure(p: usize, inputs: i32, alphaMoment: f64, alphaSlope: f64): void {
  const s = self(p);
  s.inputs = inputs;
  s.alphaMoment = alphaMoment;
  s.alphaSlope = alphaSlope;
}

/** Attaches given labels (random-label mode): trainSize i8 in {−1, +1} at `labels`, one per training row. */
export function perceptron_set_labels(p: usize, labels: usize): void {
  self(p).labels = labels;
}

/**
 * Writes the averaged-force coefficients of this trajectory's rule at (rho, Q) to out[0..2]:
 * a, b (f̄ = ν(a T̂ + b ŵ)) and ⟨𝓕′⟩. For tests against src/perceptron/averaged.ts.
 */
export function perceptron_averaged_force(p: usize, rho: f64, Q: f64, out: usize): void {
  const s = self(p);
  averagedCoefficients(s, rho, Q);
  store<f64>(out, averagedA);
  store<f64>(out, averagedB, 8);
  store<f64>(out, averagedSlope(s, rho, Q), 16);
}

/** Writes the other cumulative sums to out[0..4]: work, excess (each with its compensation), Σ force variance. */
export function perceptron_sums(p: usize, out: usize): void {
  const s = self(p);
  store<f64>(out, s.work);
  store<f64>(out, s.workCompensation, 8);
  store<f64>(out, s.excess, 16);
  store<f64>(out, s.excessCompensation, 24);
  store<f64>(out, s.forceVariance, 32);
}

/** Restores the sums written by perceptron_sums. */
export function perceptron_set_sums(
  p: usize, work: f64, workCompensation: f64, excess: f64, excessCompensation: f64, forceVariance: f64,
): void {
  const s = self(p);
  s.work = work;
  s.workCompensation = workCompensation;
  s.excess = excess;
  s.excessCompensation = excessCompensation;
  s.forceVariance = forceVariance;
}

/**
 * Writes the student's labels sign(w·ξ) (sign(0) = +1) of `size` rows (n bytes in {0, 1} each) to
 * out[0..size) as i8 ±1, eight rows at a time through the byte-histogram dot products.
 */
export function perceptron_predict(p: usize, rows: usize, size: i32, out: usize): void {
  const s = self(p);
  for (let first = 0; first < size; first += 8) {
    const m = dotsOfRows(s, rows, first, size);
    for (let j = 0; j < m; j++) store<i8>(out + <usize>(first + j), <i8>label(load<f64>(s.dots + (<usize>j << 3))));
  }
}
