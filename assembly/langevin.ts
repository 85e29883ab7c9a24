// Overdamped Langevin ensembles with a protocol, and their stochastic energetics (issue #12).
//
//   dx = [−∂ₓV(x, λ(t)) + f(t)] dt + √(2D) dW        (mobility 1, so k_BT = D)
//
// for n independent coordinates, each with its own xoshiro256++ stream. The potential is one of two
// families (src/langevin/potentials.ts defines them and fills the parameter table):
//   KIND_POLYNOMIAL  V = c0 + c1 x + c2 x² + c3 x³ + c4 x⁴  (harmonic trap, double well), f = 0;
//   KIND_RING        V = ½ A (1 − cos 2πx/L), with the force f along the ring (x kept unwrapped).
// The protocol reaches wasm as a table of 5 parameters per time t_k = (steps + k)·dt, k = 0 … count,
// written by TS before each `langevin_step` (rows: c0…c4, or A, f, 0, 0, 0).
//
// Stochastic energetics per step k → k+1 (Sekimoto 1998; Seifert, Rep. Prog. Phys. 75, 126001 (2012),
// Eqs. 5–8), with q_k the parameters at t_k and f̄ = ½(f_k + f_{k+1}):
//   work  W_k = V(x_k; q_{k+1}) − V(x_k; q_k) + f̄ (x_{k+1} − x_k)      (= Σ_m Δc_m x_k^m + f̄ Δx)
//   heat  Q_k = V(x_k; q_{k+1}) − V(x_{k+1}; q_{k+1}) + f̄ (x_{k+1} − x_k)  (into the bath)
// so ΔV_k = V(x_{k+1}; q_{k+1}) − V(x_k; q_k) = W_k − Q_k. The heat is the Stratonovich integral
// ∫(−∂ₓV + f)∘dx: for a gradient force that integral is the potential difference along the step.
// The loops add W_k every step and settle the heat once per call as Σ_k Q_k = Σ_k W_k − [V(x_end;
// q_end) − V(x_start; q_start)] (the per-step ΔV_k telescope), which saves two polynomial
// evaluations per step; tests check it against the per-step sum of src/ref/langevin.ts.
//
// Schemes: Euler–Maruyama (strong order 1 for additive noise, weak order 1) and the stochastic Heun
// predictor–corrector (weak order 2 for smooth V and additive noise):
//   x̃ = x + F(x; q_k) dt + √(2D dt) ξ,   x' = x + ½[F(x; q_k) + F(x̃; q_{k+1})] dt + √(2D dt) ξ.
//
// Gaussian variates: the 256-layer ziggurat of assembly/rng.ts (its tables and slow path), with the
// fast path inlined here and the horizontal coordinate u ∈ [−1, 1) taken from the top 52 bits as
// the double 2 + bits·2⁻⁵² minus 3, a bit operation SIMD can do (the i64 → f64 conversion it cannot).
// The SIMD build steps two coordinates at once (two xoshiro streams in the lanes of i64x2 vectors,
// the physics in f64x2); the scalar build steps one. Both round every operation the same way and
// draw each coordinate's variates from its own stream in the same order, so they give the same
// bits, and a coordinate's trajectory does not depend on which other coordinates share its vector.
//
// A coordinate that leaves |x| ≤ bound (the explicit scheme's stability radius for the polynomial,
// chosen by TS; non-finite values too) is frozen at its last value and flagged: the step is not
// taken, nothing non-finite is stored, and TS reports the run as diverged.

import { alloc } from "./memory";
import { rng_stream_seed, rng_seed, rng_next_uniform, zigSlow, zigTable } from "./rng";

export const KIND_POLYNOMIAL: i32 = 0;
export const KIND_RING: i32 = 1;
export const SCHEME_EULER: i32 = 0;
export const SCHEME_HEUN: i32 = 1;
/**
 * Bytes per table row (16 f64, filled by TS): the parameters c0 … c4 at 0–4; the force's coefficients
 * times dt, (−c1, −2c2, −3c3, −4c4)·dt, at 5–8; the step's parameter changes Δc_m = c_m(t_{k+1}) −
 * c_m(t_k) at 9–13 (0 in the last row). The ring uses A, f at 0–1 and ΔA at 9.
 */
const ROW: usize = 16 * 8;
const TWO_PI: f64 = 6.283185307179586;

/** One ensemble's state, in this instance's linear memory. */
@unmanaged class Ensemble {
  n: i32; // coordinates
  kind: i32;
  rows: i32; // table capacity in rows
  frozen: i32; // coordinates frozen so far
  x: usize; // n f64 positions
  x0: usize; // n f64 positions at t = 0
  work: usize; // n f64 cumulative work
  heat: usize; // n f64 cumulative heat
  flags: usize; // n u8, 1 = frozen (left the bound)
  rng: usize; // ⌈n/2⌉ × 64 bytes: word k of coordinate i at rng + 64(i >> 1) + 16k + 8(i & 1)
  table: usize; // rows × 5 f64
  scratch: usize; // 32 bytes: one stream in the plain layout, for the ziggurat's slow path
}

@inline function self(p: usize): Ensemble {
  return changetype<Ensemble>(p);
}

/** Address of word 0 of coordinate i's stream (its words are 16 bytes apart). */
@inline function streamOf(s: Ensemble, i: i32): usize {
  return s.rng + ((<usize>i >> 1) << 6) + ((<usize>i & 1) << 3);
}

/**
 * Allocates an ensemble of n coordinates whose parameter table holds `rows` rows; coordinate i is
 * seeded with stream `first + i` of the seed (hi·2³² + lo), see `rng_stream_seed`. Returns its
 * address, or 0 if memory ran out.
 */
export function langevin_create(n: i32, kind: i32, rows: i32, seedHi: u32, seedLo: u32, first: u32): usize {
  const p = alloc(offsetof<Ensemble>());
  if (p == 0) return 0;
  const s = self(p);
  const bytes = <usize>n << 3;
  s.n = n;
  s.kind = kind;
  s.rows = rows;
  s.x = alloc(bytes);
  s.x0 = alloc(bytes);
  s.work = alloc(bytes);
  s.heat = alloc(bytes);
  s.flags = alloc(<usize>n);
  s.rng = alloc(((<usize>n + 1) >> 1) << 6);
  s.table = alloc(<usize>rows * ROW);
  s.scratch = alloc(32);
  if (s.x == 0 || s.x0 == 0 || s.work == 0 || s.heat == 0) return 0;
  if (s.flags == 0 || s.rng == 0 || s.table == 0 || s.scratch == 0) return 0;
  for (let i = 0; i < n; i++) {
    const seed = <u64>rng_stream_seed(seedHi, seedLo, first + <u32>i);
    rng_seed(s.scratch, <u32>(seed >> 32), <u32>seed);
    const w = streamOf(s, i);
    for (let k: usize = 0; k < 4; k++) store<u64>(w + (k << 4), load<u64>(s.scratch + (k << 3)));
  }
  return p;
}

export function langevin_positions(p: usize): usize { return self(p).x; }
export function langevin_initial(p: usize): usize { return self(p).x0; }
export function langevin_work(p: usize): usize { return self(p).work; }
export function langevin_heat(p: usize): usize { return self(p).heat; }
export function langevin_flags(p: usize): usize { return self(p).flags; }
export function langevin_rng(p: usize): usize { return self(p).rng; }
export function langevin_table(p: usize): usize { return self(p).table; }
export function langevin_frozen(p: usize): i32 { return self(p).frozen; }
/** Bytes of the stream block (for checkpoints). */
export function langevin_rng_bytes(p: usize): usize { return ((<usize>self(p).n + 1) >> 1) << 6; }
/** Sets the frozen count after a restore (TS rewrites the flags themselves). */
export function langevin_set_frozen(p: usize, frozen: i32): void { self(p).frozen = frozen; }

/**
 * Draws every coordinate's starting point from a tabulated distribution: `m` cells between the
 * nodes xs[0 … m] with cumulative probabilities cdf[0 … m] (cdf[0] = 0, cdf[m] = 1, non-decreasing),
 * the density uniform within a cell. One uniform from each coordinate's stream, inverted by binary
 * search; x0 is set to the same value.
 */
export function langevin_sample_table(p: usize, xs: usize, cdf: usize, m: i32): void {
  const s = self(p);
  for (let i = 0; i < s.n; i++) {
    const w = streamOf(s, i);
    toScratch(s, w);
    const u = rng_next_uniform(s.scratch);
    fromScratch(s, w);
    let lo = 0, hi = m;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (load<f64>(cdf + (<usize>mid << 3)) <= u) lo = mid;
      else hi = mid;
    }
    const c0 = load<f64>(cdf + (<usize>lo << 3)), c1 = load<f64>(cdf + (<usize>hi << 3));
    const x0 = load<f64>(xs + (<usize>lo << 3)), x1 = load<f64>(xs + (<usize>hi << 3));
    const x = c1 > c0 ? x0 + ((u - c0) / (c1 - c0)) * (x1 - x0) : x0;
    store<f64>(s.x + (<usize>i << 3), x);
    store<f64>(s.x0 + (<usize>i << 3), x);
  }
}

@inline function toScratch(s: Ensemble, w: usize): void {
  for (let k: usize = 0; k < 4; k++) store<u64>(s.scratch + (k << 3), load<u64>(w + (k << 4)));
}

@inline function fromScratch(s: Ensemble, w: usize): void {
  for (let k: usize = 0; k < 4; k++) store<u64>(w + (k << 4), load<u64>(s.scratch + (k << 3)));
}

// ---------------------------------------------------------------------------------------------
// The potential, one coordinate. Horner's rule in the same order as src/langevin/potentials.ts.
// ---------------------------------------------------------------------------------------------

@inline function polyEnergy(q: usize, x: f64): f64 {
  return (((load<f64>(q, 32) * x + load<f64>(q, 24)) * x + load<f64>(q, 16)) * x + load<f64>(q, 8)) * x + load<f64>(q);
}

/**
 * The drift over one step, −∂ₓV·dt, by Estrin's scheme from the row's scaled coefficients a_m:
 * (a4 x + a3)·x² + (a2 x + a1). Its dependency chain (four multiplications and additions deep) is
 * what bounds a single trajectory's step rate, so it is kept short.
 */
@inline function polyDrift(q: usize, x: f64): f64 {
  return (load<f64>(q, 64) * x + load<f64>(q, 56)) * (x * x) + (load<f64>(q, 48) * x + load<f64>(q, 40));
}

@inline function ringEnergy(q: usize, x: f64, k: f64): f64 {
  return 0.5 * load<f64>(q) * (1 - Math.cos(k * x));
}

@inline function ringForce(q: usize, x: f64, k: f64): f64 {
  return -0.5 * load<f64>(q) * k * Math.sin(k * x) + load<f64>(q, 8);
}

@inline function energyAt(kind: i32, q: usize, x: f64, k: f64): f64 {
  return kind == KIND_RING ? ringEnergy(q, x, k) : polyEnergy(q, x);
}

/** The drift (−∂ₓV + f)·dt over one step. */
@inline function driftAt(kind: i32, q: usize, x: f64, k: f64, dt: f64): f64 {
  return kind == KIND_RING ? ringForce(q, x, k) * dt : polyDrift(q, x);
}

/** The work of the protocol at fixed x over one step: V(x; q_{k+1}) − V(x; q_k) from the row's Δ entries. */
@inline function protocolWork(kind: i32, q: usize, x: f64, k: f64): f64 {
  if (kind == KIND_RING) return 0.5 * load<f64>(q, 72) * (1 - Math.cos(k * x));
  const v = ((load<f64>(q, 104) * x + load<f64>(q, 96)) * x + load<f64>(q, 88)) * x + load<f64>(q, 80);
  return v * x + load<f64>(q, 72);
}

/**
 * Steps coordinate i through table rows from … count (count − from steps), one variate per step from
 * its own stream, and settles its heat by the first law over the call: Q += ΔW − [V(x_end; q_end) −
 * V(x_start; q_start)], which is the sum of the per-step heats Q_k = W_k − ΔV_k. Stops and freezes the
 * coordinate when |x'| > bound or x' is not finite.
 *
 * `carried` continues a call that {@link stepPair} began (V at its start and the work then are
 * `start` and `workStart`); `drawn` is then the variate of step `from`, already taken from the stream.
 */
function stepOne(
  s: Ensemble, i: i32, from: i32, count: i32, dt: f64, noise: f64, scheme: i32, bound: f64, k: f64, constant: bool,
  carried: bool, start: f64, workStart: f64, drawn: f64,
): void {
  const off = <usize>i << 3;
  if (load<u8>(s.flags + <usize>i) != 0) return;
  const w = streamOf(s, i);
  const zig = zigTable();
  const kind = s.kind;
  let s0 = load<u64>(w), s1 = load<u64>(w, 16), s2 = load<u64>(w, 32), s3 = load<u64>(w, 48);
  let x = load<f64>(s.x + off), work = load<f64>(s.work + off);
  let q = s.table + <usize>from * ROW;
  const v0 = carried ? start : energyAt(kind, q, x, k);
  const w0 = carried ? workStart : work;
  for (let step = from; step < count; step++) {
    let xi = drawn;
    if (!carried || step > from) {
      // One standard normal: xoshiro256++ and the ziggurat's fast path (slow path in rng.ts).
      const r = rotl(s0 + s3, 23) + s0;
      const t = s1 << 17;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45);
      const layer = <i32>(r & 255);
      const u = reinterpret<f64>((r >> 12) | 0x4000000000000000) - 3.0;
      xi = u * load<f64>(zig + (<usize>layer << 3));
      if (!(Math.abs(xi) < load<f64>(zig + (<usize>layer << 3), 8))) {
        store<u64>(w, s0); store<u64>(w, s1, 16); store<u64>(w, s2, 32); store<u64>(w, s3, 48);
        toScratch(s, w);
        xi = zigSlow(s.scratch, layer, u);
        fromScratch(s, w);
        s0 = load<u64>(w); s1 = load<u64>(w, 16); s2 = load<u64>(w, 32); s3 = load<u64>(w, 48);
      }
    }
    const next = q + ROW;
    const drift = driftAt(kind, q, x, k, dt);
    const kicked = x + noise * xi;
    let xn = kicked + drift;
    if (scheme == SCHEME_HEUN) xn = kicked + 0.5 * (drift + driftAt(kind, next, xn, k, dt));
    if (!(Math.abs(xn) <= bound)) {
      store<u8>(s.flags + <usize>i, 1);
      s.frozen++;
      break;
    }
    if (!constant) work += protocolWork(kind, q, x, k);
    if (kind == KIND_RING) work += 0.5 * (load<f64>(q, 8) + load<f64>(next, 8)) * (xn - x);
    x = xn;
    q = next;
  }
  store<u64>(w, s0); store<u64>(w, s1, 16); store<u64>(w, s2, 32); store<u64>(w, s3, 48);
  store<f64>(s.x + off, x);
  store<f64>(s.work + off, work);
  store<f64>(s.heat + off, load<f64>(s.heat + off) + ((work - w0) - (energyAt(kind, q, x, k) - v0)));
}

@inline function rotl(x: u64, k: u64): u64 {
  return (x << k) | (x >> (64 - k));
}

@inline function rotl2(v: v128, k: i32): v128 {
  return v128.or(i64x2.shl(v, k), i64x2.shr_u(v, 64 - k));
}

/**
 * The SIMD twin of {@link stepOne} for the polynomial potentials: coordinates 2·pair and 2·pair + 1
 * in the two lanes, every operation the scalar loop does, lane by lane, the state in registers over
 * the whole call. A lane whose draw needs the ziggurat's slow path takes it alone (its stream through
 * the scratch block). When a lane would leave the bound, both lanes finish the call in
 * {@link stepOne} from that step, with the variates already drawn and the call's start values carried
 * over (the same bits as the scalar build). Measured here (2 cores, noisy): one pair with its state in
 * registers beat 16 pairs stepped side by side through memory (3.8 against 4.5 ns a coordinate-step).
 * {@link stepQuad} runs two of these side by side, all in registers.
 */
function stepPair(
  s: Ensemble, pair: i32, count: i32, dt: f64, noise: f64, scheme: i32, bound: f64, constant: bool,
): void {
  const zig = zigTable();
  const vnoise = f64x2.splat(noise), half = f64x2.splat(0.5), vbound = f64x2.splat(bound);
  const exponent = i64x2.splat(0x4000000000000000), three = f64x2.splat(3.0);
  const w = s.rng + (<usize>pair << 6);
  const off = <usize>pair << 4;
  let s0 = v128.load(w), s1 = v128.load(w, 16), s2 = v128.load(w, 32), s3 = v128.load(w, 48);
  let x = v128.load(s.x + off), work = v128.load(s.work + off);
  const v0 = polyEnergy2(s.table, x), w0 = work;
  let q = s.table;
  let a1 = v128.load64_splat(q, 40), a2 = v128.load64_splat(q, 48), a3 = v128.load64_splat(q, 56);
  let a4 = v128.load64_splat(q, 64);
  for (let step = 0; step < count; step++) {
    const r = i64x2.add(rotl2(i64x2.add(s0, s3), 23), s0);
    const t = i64x2.shl(s1, 17);
    s2 = v128.xor(s2, s0); s3 = v128.xor(s3, s1); s1 = v128.xor(s1, s2); s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t); s3 = rotl2(s3, 45);
    const u = f64x2.sub(v128.or(i64x2.shr_u(r, 12), exponent), three);
    const l0 = (<usize>(<i32>i64x2.extract_lane(r, 0) & 255)) << 3;
    const l1 = (<usize>(<i32>i64x2.extract_lane(r, 1) & 255)) << 3;
    const z0 = v128.load(zig + l0), z1 = v128.load(zig + l1);
    let xi = f64x2.mul(u, i64x2.shuffle(z0, z1, 0, 2));
    const slow = f64x2.ge(f64x2.abs(xi), i64x2.shuffle(z0, z1, 1, 3));
    if (v128.any_true(slow)) {
      v128.store(w, s0); v128.store(w, s1, 16); v128.store(w, s2, 32); v128.store(w, s3, 48);
      if (i64x2.extract_lane(slow, 0) != 0) {
        toScratch(s, w);
        xi = f64x2.replace_lane(xi, 0, zigSlow(s.scratch, <i32>(l0 >> 3), f64x2.extract_lane(u, 0)));
        fromScratch(s, w);
      }
      if (i64x2.extract_lane(slow, 1) != 0) {
        toScratch(s, w + 8);
        xi = f64x2.replace_lane(xi, 1, zigSlow(s.scratch, <i32>(l1 >> 3), f64x2.extract_lane(u, 1)));
        fromScratch(s, w + 8);
      }
      s0 = v128.load(w); s1 = v128.load(w, 16); s2 = v128.load(w, 32); s3 = v128.load(w, 48);
    }
    const next = q + ROW;
    const drift = estrinDrift2(a1, a2, a3, a4, x);
    const kicked = f64x2.add(x, f64x2.mul(vnoise, xi));
    let xn = f64x2.add(kicked, drift);
    const g1 = v128.load64_splat(next, 40), g2 = v128.load64_splat(next, 48), g3 = v128.load64_splat(next, 56);
    const g4 = v128.load64_splat(next, 64);
    if (scheme == SCHEME_HEUN) {
      xn = f64x2.add(kicked, f64x2.mul(half, f64x2.add(drift, estrinDrift2(g1, g2, g3, g4, xn))));
    }
    if (v128.any_true(v128.not(f64x2.le(f64x2.abs(xn), vbound)))) {
      v128.store(w, s0); v128.store(w, s1, 16); v128.store(w, s2, 32); v128.store(w, s3, 48);
      v128.store(s.x + off, x);
      v128.store(s.work + off, work);
      const i = pair << 1;
      stepOne(s, i, step, count, dt, noise, scheme, bound, 0, constant, true,
        f64x2.extract_lane(v0, 0), f64x2.extract_lane(w0, 0), f64x2.extract_lane(xi, 0));
      stepOne(s, i + 1, step, count, dt, noise, scheme, bound, 0, constant, true,
        f64x2.extract_lane(v0, 1), f64x2.extract_lane(w0, 1), f64x2.extract_lane(xi, 1));
      return;
    }
    if (!constant) work = f64x2.add(work, polyWork2(q, x));
    x = xn;
    q = next;
    a1 = g1; a2 = g2; a3 = g3; a4 = g4;
  }
  v128.store(w, s0); v128.store(w, s1, 16); v128.store(w, s2, 32); v128.store(w, s3, 48);
  v128.store(s.x + off, x);
  v128.store(s.work + off, work);
  const settled = f64x2.sub(f64x2.sub(work, w0), f64x2.sub(polyEnergy2(q, x), v0));
  v128.store(s.heat + off, f64x2.add(v128.load(s.heat + off), settled));
}


/** The ziggurat's slow path for the lanes of `slow` (their streams in memory at w), returning the variates. */
function fixSlow(s: Ensemble, w: usize, slow: v128, r: v128, u: v128, xi: v128): v128 {
  if (i64x2.extract_lane(slow, 0) != 0) {
    toScratch(s, w);
    xi = f64x2.replace_lane(xi, 0, zigSlow(s.scratch, <i32>i64x2.extract_lane(r, 0) & 255, f64x2.extract_lane(u, 0)));
    fromScratch(s, w);
  }
  if (i64x2.extract_lane(slow, 1) != 0) {
    toScratch(s, w + 8);
    xi = f64x2.replace_lane(xi, 1, zigSlow(s.scratch, <i32>i64x2.extract_lane(r, 1) & 255, f64x2.extract_lane(u, 1)));
    fromScratch(s, w + 8);
  }
  return xi;
}

/**
 * {@link stepPair} for two pairs at once (coordinates 2·pair … 2·pair + 3), their states in registers
 * side by side so that one pair's dependency chain fills the other's latency; the same operations per
 * lane, so the same bits. Measured here (10⁴ coordinates, double well): Heun 5.6 → 4.4 ns a
 * coordinate-step, whose two drift evaluations make one pair latency-bound; Euler–Maruyama unchanged
 * at 3.7 ns, which is bound by instruction throughput (the ziggurat's two table lookups per pair
 * ≈ 1.1 ns of it, the xoshiro256++ update and the drift the rest).
 */
function stepQuad(
  s: Ensemble, pair: i32, count: i32, dt: f64, noise: f64, scheme: i32, bound: f64, constant: bool,
): void {
  const zig = zigTable();
  const vnoise = f64x2.splat(noise), half = f64x2.splat(0.5), vbound = f64x2.splat(bound);
  const exponent = i64x2.splat(0x4000000000000000), three = f64x2.splat(3.0);
  const wa = s.rng + (<usize>pair << 6), wb = wa + 64;
  const off = <usize>pair << 4;
  let a0 = v128.load(wa), a1s = v128.load(wa, 16), a2s = v128.load(wa, 32), a3s = v128.load(wa, 48);
  let b0 = v128.load(wb), b1s = v128.load(wb, 16), b2s = v128.load(wb, 32), b3s = v128.load(wb, 48);
  let xa = v128.load(s.x + off), xb = v128.load(s.x + off, 16);
  let worka = v128.load(s.work + off), workb = v128.load(s.work + off, 16);
  const v0a = polyEnergy2(s.table, xa), v0b = polyEnergy2(s.table, xb), w0a = worka, w0b = workb;
  let q = s.table;
  let c1 = v128.load64_splat(q, 40), c2 = v128.load64_splat(q, 48), c3 = v128.load64_splat(q, 56);
  let c4 = v128.load64_splat(q, 64);
  for (let step = 0; step < count; step++) {
    const ra = i64x2.add(rotl2(i64x2.add(a0, a3s), 23), a0);
    const rb = i64x2.add(rotl2(i64x2.add(b0, b3s), 23), b0);
    const ta = i64x2.shl(a1s, 17), tb = i64x2.shl(b1s, 17);
    a2s = v128.xor(a2s, a0); a3s = v128.xor(a3s, a1s); a1s = v128.xor(a1s, a2s); a0 = v128.xor(a0, a3s);
    a2s = v128.xor(a2s, ta); a3s = rotl2(a3s, 45);
    b2s = v128.xor(b2s, b0); b3s = v128.xor(b3s, b1s); b1s = v128.xor(b1s, b2s); b0 = v128.xor(b0, b3s);
    b2s = v128.xor(b2s, tb); b3s = rotl2(b3s, 45);
    const ua = f64x2.sub(v128.or(i64x2.shr_u(ra, 12), exponent), three);
    const ub = f64x2.sub(v128.or(i64x2.shr_u(rb, 12), exponent), three);
    const za0 = v128.load(zig + ((<usize>(<i32>i64x2.extract_lane(ra, 0) & 255)) << 3));
    const za1 = v128.load(zig + ((<usize>(<i32>i64x2.extract_lane(ra, 1) & 255)) << 3));
    const zb0 = v128.load(zig + ((<usize>(<i32>i64x2.extract_lane(rb, 0) & 255)) << 3));
    const zb1 = v128.load(zig + ((<usize>(<i32>i64x2.extract_lane(rb, 1) & 255)) << 3));
    let xia = f64x2.mul(ua, i64x2.shuffle(za0, za1, 0, 2));
    let xib = f64x2.mul(ub, i64x2.shuffle(zb0, zb1, 0, 2));
    const slowa = f64x2.ge(f64x2.abs(xia), i64x2.shuffle(za0, za1, 1, 3));
    const slowb = f64x2.ge(f64x2.abs(xib), i64x2.shuffle(zb0, zb1, 1, 3));
    if (v128.any_true(v128.or(slowa, slowb))) {
      if (v128.any_true(slowa)) {
        v128.store(wa, a0); v128.store(wa, a1s, 16); v128.store(wa, a2s, 32); v128.store(wa, a3s, 48);
        xia = fixSlow(s, wa, slowa, ra, ua, xia);
        a0 = v128.load(wa); a1s = v128.load(wa, 16); a2s = v128.load(wa, 32); a3s = v128.load(wa, 48);
      }
      if (v128.any_true(slowb)) {
        v128.store(wb, b0); v128.store(wb, b1s, 16); v128.store(wb, b2s, 32); v128.store(wb, b3s, 48);
        xib = fixSlow(s, wb, slowb, rb, ub, xib);
        b0 = v128.load(wb); b1s = v128.load(wb, 16); b2s = v128.load(wb, 32); b3s = v128.load(wb, 48);
      }
    }
    const next = q + ROW;
    const da = estrinDrift2(c1, c2, c3, c4, xa), db = estrinDrift2(c1, c2, c3, c4, xb);
    const ka = f64x2.add(xa, f64x2.mul(vnoise, xia)), kb = f64x2.add(xb, f64x2.mul(vnoise, xib));
    let xna = f64x2.add(ka, da), xnb = f64x2.add(kb, db);
    const g1 = v128.load64_splat(next, 40), g2 = v128.load64_splat(next, 48), g3 = v128.load64_splat(next, 56);
    const g4 = v128.load64_splat(next, 64);
    if (scheme == SCHEME_HEUN) {
      xna = f64x2.add(ka, f64x2.mul(half, f64x2.add(da, estrinDrift2(g1, g2, g3, g4, xna))));
      xnb = f64x2.add(kb, f64x2.mul(half, f64x2.add(db, estrinDrift2(g1, g2, g3, g4, xnb))));
    }
    const inside = v128.and(f64x2.le(f64x2.abs(xna), vbound), f64x2.le(f64x2.abs(xnb), vbound));
    if (!i64x2.all_true(inside)) {
      v128.store(wa, a0); v128.store(wa, a1s, 16); v128.store(wa, a2s, 32); v128.store(wa, a3s, 48);
      v128.store(wb, b0); v128.store(wb, b1s, 16); v128.store(wb, b2s, 32); v128.store(wb, b3s, 48);
      v128.store(s.x + off, xa); v128.store(s.x + off, xb, 16);
      v128.store(s.work + off, worka); v128.store(s.work + off, workb, 16);
      const i = pair << 1;
      stepOne(s, i, step, count, dt, noise, scheme, bound, 0, constant, true,
        f64x2.extract_lane(v0a, 0), f64x2.extract_lane(w0a, 0), f64x2.extract_lane(xia, 0));
      stepOne(s, i + 1, step, count, dt, noise, scheme, bound, 0, constant, true,
        f64x2.extract_lane(v0a, 1), f64x2.extract_lane(w0a, 1), f64x2.extract_lane(xia, 1));
      stepOne(s, i + 2, step, count, dt, noise, scheme, bound, 0, constant, true,
        f64x2.extract_lane(v0b, 0), f64x2.extract_lane(w0b, 0), f64x2.extract_lane(xib, 0));
      stepOne(s, i + 3, step, count, dt, noise, scheme, bound, 0, constant, true,
        f64x2.extract_lane(v0b, 1), f64x2.extract_lane(w0b, 1), f64x2.extract_lane(xib, 1));
      return;
    }
    if (!constant) {
      worka = f64x2.add(worka, polyWork2(q, xa));
      workb = f64x2.add(workb, polyWork2(q, xb));
    }
    xa = xna; xb = xnb;
    q = next;
    c1 = g1; c2 = g2; c3 = g3; c4 = g4;
  }
  v128.store(wa, a0); v128.store(wa, a1s, 16); v128.store(wa, a2s, 32); v128.store(wa, a3s, 48);
  v128.store(wb, b0); v128.store(wb, b1s, 16); v128.store(wb, b2s, 32); v128.store(wb, b3s, 48);
  v128.store(s.x + off, xa); v128.store(s.x + off, xb, 16);
  v128.store(s.work + off, worka); v128.store(s.work + off, workb, 16);
  const sa = f64x2.sub(f64x2.sub(worka, w0a), f64x2.sub(polyEnergy2(q, xa), v0a));
  const sb = f64x2.sub(f64x2.sub(workb, w0b), f64x2.sub(polyEnergy2(q, xb), v0b));
  v128.store(s.heat + off, f64x2.add(v128.load(s.heat + off), sa));
  v128.store(s.heat + off, f64x2.add(v128.load(s.heat + off, 16), sb), 16);
}

/** {@link polyDrift} on two lanes, from the row's splatted scaled coefficients a1 … a4. */
@inline function estrinDrift2(a1: v128, a2: v128, a3: v128, a4: v128, x: v128): v128 {
  return f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(a4, x), a3), f64x2.mul(x, x)), f64x2.add(f64x2.mul(a2, x), a1));
}

/** {@link protocolWork} of the polynomial on two lanes. */
@inline function polyWork2(q: usize, x: v128): v128 {
  let v = f64x2.add(f64x2.mul(v128.load64_splat(q, 104), x), v128.load64_splat(q, 96));
  v = f64x2.add(f64x2.mul(v, x), v128.load64_splat(q, 88));
  v = f64x2.add(f64x2.mul(v, x), v128.load64_splat(q, 80));
  return f64x2.add(f64x2.mul(v, x), v128.load64_splat(q, 72));
}



@inline function polyEnergy2(q: usize, x: v128): v128 {
  let v = f64x2.add(f64x2.mul(f64x2.splat(load<f64>(q, 32)), x), f64x2.splat(load<f64>(q, 24)));
  v = f64x2.add(f64x2.mul(v, x), f64x2.splat(load<f64>(q, 16)));
  v = f64x2.add(f64x2.mul(v, x), f64x2.splat(load<f64>(q, 8)));
  return f64x2.add(f64x2.mul(v, x), f64x2.splat(load<f64>(q)));
}


/**
 * Advances every coordinate by `count` steps of size dt (count + 1 ≤ rows table rows written by TS,
 * row k the parameters at the k-th time of this call), with noise amplitude √(2D dt) = `noise`.
 * `period` is the ring's circumference (unused for polynomials); `constant` = 1 says every row is
 * the same (then the work of the potential is exactly 0 and is not computed). Returns the number of coordinates
 * frozen so far (0 while none left the bound).
 */
export function langevin_step(
  p: usize, count: i32, dt: f64, noise: f64, scheme: i32, bound: f64, period: f64, constant: i32,
): i32 {
  const s = self(p);
  if (count <= 0) return s.frozen;
  const k = s.kind == KIND_RING ? TWO_PI / period : 0;
  let i = 0;
  if (ASC_FEATURE_SIMD && s.kind == KIND_POLYNOMIAL) {
    // Pairs with no frozen coordinate go through stepPair, the rest through stepOne.
    const pairs = s.n >> 1;
    let pair = 0;
    for (; pair + 1 < pairs; pair += 2) {
      if (load<u32>(s.flags + (<usize>pair << 1)) == 0) {
        stepQuad(s, pair, count, dt, noise, scheme, bound, constant != 0);
        continue;
      }
      for (let p = pair; p < pair + 2; p++) {
        if (load<u16>(s.flags + (<usize>p << 1)) == 0) stepPair(s, p, count, dt, noise, scheme, bound, constant != 0);
        else {
          stepOne(s, p << 1, 0, count, dt, noise, scheme, bound, k, constant != 0, false, 0, 0, 0);
          stepOne(s, (p << 1) + 1, 0, count, dt, noise, scheme, bound, k, constant != 0, false, 0, 0, 0);
        }
      }
    }
    for (; pair < pairs; pair++) {
      const healthy = load<u16>(s.flags + (<usize>pair << 1)) == 0;
      if (healthy) stepPair(s, pair, count, dt, noise, scheme, bound, constant != 0);
      else {
        stepOne(s, pair << 1, 0, count, dt, noise, scheme, bound, k, constant != 0, false, 0, 0, 0);
        stepOne(s, (pair << 1) + 1, 0, count, dt, noise, scheme, bound, k, constant != 0, false, 0, 0, 0);
      }
    }
    i = pairs << 1;
  }
  for (; i < s.n; i++) stepOne(s, i, 0, count, dt, noise, scheme, bound, k, constant != 0, false, 0, 0, 0);
  return s.frozen;
}
