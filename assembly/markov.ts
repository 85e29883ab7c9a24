// Continuous-time Markov chains dp/dt = M p, used for the ladder network of shared/spec/MODELS.md §3
// (Appendix F; Lan et al., Nat. Phys. 8, 422 (2012)), but valid for any rate matrix:
// M[i, j] = rate j → i (i ≠ j), M[j, j] = −Σ_{i≠j} M[i, j], stored row-major (M + 8(i·n + j)).
//
// The chain is integrated exactly on a grid of step dt: the propagator P = exp(M dt) is computed once
// per rate matrix (`markov_propagator`, which also keeps Pᵀ for the column-major mat-vec of
// assembly/linalg.ts), then
// every step is one mat-vec p ← P p inside wasm (`markov_step`). Piecewise-constant rates (a signal
// s(t) that jumps) are handled by writing the new M and recomputing P between calls.
//
// Exactness in the sense of the grid: p(t_k) = exp(M t_k) p(0) up to rounding (~1e-15 per step),
// with no stiffness limit on dt (the vertical rates F e^{|ΔE|} reach 10⁴ and more).

import { alloc } from "./memory";
import { matvec_colmajor_f64 } from "./linalg";

/** One chain's state; every array lives in this instance's linear memory. */
@unmanaged class Chain {
  n: i32;
  steps: f64; // steps taken since creation
  rates: usize; // n × n f64, M row-major, written by the caller
  prop: usize; // n × n f64, P = exp(M dt) row-major
  prob: usize; // n f64, p(t)
  next: usize; // n f64, scratch for P p
  work: usize; // n × n f64, scratch for the propagator
  term: usize; // n × n f64, scratch for the propagator
  term2: usize; // n × n f64, scratch for the propagator
  propT: usize; // n × n f64, Pᵀ (column j of P at propT + 8·j·n), what the mat-vec reads
}

@inline function self(p: usize): Chain {
  return changetype<Chain>(p);
}

/** Allocates a chain of n states (all arrays zero). Returns its address, or 0 if memory ran out. */
export function markov_create(n: i32): usize {
  const p = alloc(offsetof<Chain>());
  if (p == 0) return 0;
  const s = self(p);
  const mat = <usize>n * <usize>n << 3;
  s.n = n;
  s.rates = alloc(mat);
  s.prop = alloc(mat);
  s.work = alloc(mat);
  s.term = alloc(mat);
  s.term2 = alloc(mat);
  s.propT = alloc(mat);
  s.prob = alloc(<usize>n << 3);
  s.next = alloc(<usize>n << 3);
  if (
    s.rates == 0 || s.prop == 0 || s.work == 0 || s.term == 0
    || s.term2 == 0 || s.propT == 0 || s.prob == 0 || s.next == 0
  ) return 0;
  return p;
}

export function markov_rates(p: usize): usize { return self(p).rates; }
export function markov_propagator_matrix(p: usize): usize { return self(p).prop; }
export function markov_prob(p: usize): usize { return self(p).prob; }
export function markov_steps(p: usize): f64 { return self(p).steps; }
/** Sets the step counter (a restored checkpoint's). */
export function markov_set_steps(p: usize, steps: f64): void { self(p).steps = steps; }

/** out = a·b for n × n row-major f64 matrices (out must not alias a or b). Plain loops, both builds. */
function matmul(out: usize, a: usize, b: usize, n: i32): void {
  memory.fill(out, 0, <usize>n * <usize>n << 3);
  for (let i = 0; i < n; i++) {
    const outRow = out + (<usize>i * n << 3);
    for (let k = 0; k < n; k++) {
      const aik = load<f64>(a + ((<usize>i * n + k) << 3));
      if (aik == 0) continue;
      const bRow = b + (<usize>k * n << 3);
      for (let j = 0; j < n; j++) {
        const o = outRow + (<usize>j << 3);
        store<f64>(o, load<f64>(o) + aik * load<f64>(bRow + (<usize>j << 3)));
      }
    }
  }
}

/**
 * P = exp(M dt) for the rate matrix in `rates`, by uniformisation (Jensen's method) with scaling and
 * squaring:
 *
 *   λ = max_j (−M_jj),  B = I + M/λ (column-stochastic, every entry ≥ 0),
 *   exp(M τ) = e^{−λτ} Σ_k (λτ)^k/k! B^k,  τ = dt/2^q with λτ ≤ 1/2,  then P = exp(M τ)^{2^q}.
 *
 * q is found by halving τ itself (not λ·dt, which overflows to ∞ for λ·dt > 1.8·10³⁰⁸): the loop
 * ends because λ·τ → 0, after at most ~2100 halvings (dt ≤ 1.8·10³⁰⁸ down to 5·10⁻³²⁴).
 * Every term is non-negative, so P ≥ 0 entrywise with no cancellation. Each column is rescaled to
 * sum to 1 after the series and after every squaring: a squaring maps a column-sum error δ to ≈ 2δ,
 * so without it the sums drift like (1 + ε)^{2^q} and overflow into NaN after ~1000 squarings
 * (dt ≈ 10¹⁴ with the default ladder). A column-stochastic error E (1ᵀE = 0) stops growing once P
 * has mixed: (Π + v1ᵀ)² = Π + v1ᵀ for Π = π1ᵀ. Pᵀ is stored for the mat-vec.
 * The series stops once the Poisson weight (λτ)^k/k! drops below 1e-20 (the tail is then < 2e-20
 * for λτ ≤ ½). Needs M[i, j] ≥ 0 off the diagonal and dt > 0 (checked in TS, which also bounds the
 * work: n³ per squaring). Plain scalar loops, so both builds give the same bits. Returns q, the
 * number of squarings.
 */
export function markov_propagator(p: usize, dt: f64): i32 {
  const s = self(p);
  const n = s.n;
  const nn = <usize>n * <usize>n;
  const M = s.rates, P = s.prop, B = s.work;
  let T = s.term, U = s.term2;
  let lambda: f64 = 0;
  for (let j = 0; j < n; j++) lambda = max(lambda, -load<f64>(M + ((<usize>j * n + j) << 3)));
  memory.fill(P, 0, nn << 3);
  for (let i = 0; i < n; i++) store<f64>(P + ((<usize>i * n + i) << 3), 1);
  if (!(lambda > 0)) { // M = 0: P = I
    transpose(s.propT, P, n);
    return 0;
  }
  let tau = dt;
  let q = 0;
  while (lambda * tau > 0.5) { tau *= 0.5; q++; }
  const x = lambda * tau;
  // B = I + M/λ (the diagonal 1 + M_ii/λ ≥ 0 since |M_ii| ≤ λ; the max guards the rounding).
  for (let e: usize = 0; e < nn; e++) store<f64>(B + (e << 3), load<f64>(M + (e << 3)) / lambda);
  for (let i = 0; i < n; i++) {
    const d = B + ((<usize>i * n + i) << 3);
    store<f64>(d, max<f64>(0, 1 + load<f64>(d)));
  }
  // Σ_k w_k B^k with w_k = x^k/k!: T holds B^k, P accumulates w_k T (the k = 0 term is I).
  memory.copy(T, P, nn << 3);
  let weight: f64 = 1;
  for (let k = 1; k <= 60; k++) {
    weight *= x / <f64>k;
    if (weight < 1e-20) break;
    matmul(U, T, B, n);
    const swap = T; T = U; U = swap;
    for (let e: usize = 0; e < nn; e++) {
      const a = P + (e << 3);
      store<f64>(a, load<f64>(a) + weight * load<f64>(T + (e << 3)));
    }
  }
  const scale = Math.exp(-x);
  for (let e: usize = 0; e < nn; e++) store<f64>(P + (e << 3), scale * load<f64>(P + (e << 3)));
  normaliseColumns(P, n);
  // Squaring: exp(M τ 2^{r+1}) = exp(M τ 2^r)², each result rescaled to column sums 1.
  for (let r = 0; r < q; r++) {
    matmul(T, P, P, n);
    memory.copy(P, T, nn << 3);
    normaliseColumns(P, n);
  }
  transpose(s.propT, P, n);
  return q;
}

/**
 * Rescales each column of the n × n row-major matrix P to sum to 1 (probability conservation: the
 * correction is of the order of P's own rounding), so a step changes Σp by a few ulps at most.
 */
function normaliseColumns(P: usize, n: i32): void {
  for (let j = 0; j < n; j++) {
    let sum: f64 = 0;
    for (let i = 0; i < n; i++) sum += load<f64>(P + ((<usize>i * n + j) << 3));
    const r = 1 / sum;
    for (let i = 0; i < n; i++) {
      const e = P + ((<usize>i * n + j) << 3);
      store<f64>(e, load<f64>(e) * r);
    }
  }
}

/** out = aᵀ for an n × n f64 matrix (out must not alias a). */
function transpose(out: usize, a: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) store<f64>(out + ((<usize>j * n + i) << 3), load<f64>(a + ((<usize>i * n + j) << 3)));
  }
}

// The step's arithmetic, the same in both builds (the SIMD lanes and the scalar twin add the same
// terms in the same order). Every sum starts from −0, the exact identity of addition (−0 + y = y for
// every y, where +0 would turn a −0 term into +0).
//   mat-vec  assembly/linalg.ts `matvec_colmajor_f64` (even-j plus odd-j partial sums);
//   sums     Σ_i v_i = E + O,   E = Σ_{i even} v_i,  O = Σ_{i odd} v_i,  in increasing i
//            (the two lanes of an f64x2 accumulator over consecutive pairs).

/** Σ_i a_i·b_i (b = 0: Σ_i a_i) as even-i plus odd-i partial sums (see the top of this section). */
@inline function vdot(a: usize, b: usize, n: i32): f64 {
  let even: f64 = -0.0, odd: f64 = -0.0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f64x2.splat(-0.0);
    if (b == 0) for (; i + 2 <= n; i += 2) acc = f64x2.add(acc, v128.load(a + (<usize>i << 3)));
    else for (; i + 2 <= n; i += 2) {
      acc = f64x2.add(acc, f64x2.mul(v128.load(a + (<usize>i << 3)), v128.load(b + (<usize>i << 3))));
    }
    even = f64x2.extract_lane(acc, 0);
    odd = f64x2.extract_lane(acc, 1);
  } else {
    if (b == 0) {
      for (; i + 2 <= n; i += 2) { even += load<f64>(a + (<usize>i << 3)); odd += load<f64>(a + (<usize>i << 3), 8); }
    } else for (; i + 2 <= n; i += 2) {
      even += load<f64>(a + (<usize>i << 3)) * load<f64>(b + (<usize>i << 3));
      odd += load<f64>(a + (<usize>i << 3), 8) * load<f64>(b + (<usize>i << 3), 8);
    }
  }
  if (i < n) {
    even += b == 0 ? load<f64>(a + (<usize>i << 3)) : load<f64>(a + (<usize>i << 3)) * load<f64>(b + (<usize>i << 3));
  }
  return even + odd;
}

/** out_i = v_i · r (out may alias v); SIMD over pairs, same bits as the scalar loop. */
@inline function vscale(out: usize, v: usize, n: i32, r: f64): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vr = f64x2.splat(r);
    for (; i + 2 <= n; i += 2) v128.store(out + (<usize>i << 3), f64x2.mul(v128.load(v + (<usize>i << 3)), vr));
  }
  for (; i < n; i++) store<f64>(out + (<usize>i << 3), load<f64>(v + (<usize>i << 3)) * r);
}

/** Recording modes of `markov_step`. */
export const RECORD_NONE: i32 = 0;
export const RECORD_OBSERVABLE: i32 = 1; // out[k] = Σ_i w[i] p_i after step k
export const RECORD_STATES: i32 = 2; // out[k·n + i] = p_i after step k

/** The carried vector is divided by its sum every RENORM steps (and at the end of each call). */
const RENORM = 16;

/**
 * Advances p by `count` steps p ← P p (P from `markov_propagator`), all inside wasm, and records per
 * `mode` (RECORD_*): nothing, the observable w·p (n f64 at `w`, one f64 per step into `out`), or the
 * whole vector (n f64 per step into `out`; the mat-vec writes straight into its row, and the next
 * step reads it from there).
 *
 * Normalisation. P's columns sum to 1 to a few ulps (`markov_propagator` rescales them), so one step
 * changes Σp by ~n·ε at most; p is divided by its sum every RENORM steps and at the end of the call,
 * so every recorded p has |Σp − 1| ≲ RENORM·n·ε ≈ 2e-14 for n = 10 (the stored p ≈ 1e-16), however
 * long the run (observed ≤ 5e-15 over 2·10⁵ steps). The division stays off the step-to-step
 * dependency chain (only the mat-vec is on it). No entry can go negative: P ≥ 0 entrywise by
 * construction and p ≥ 0, so every product and sum is ≥ 0 exactly.
 */
export function markov_step(p: usize, count: i32, mode: i32, w: usize, out: usize): void {
  const s = self(p);
  const n = s.n;
  const PT = s.propT, a = s.prob, b = s.next;
  let cur = a;
  for (let k = 0; k < count; k++) {
    const dst = mode == RECORD_STATES ? out + (<usize>k * n << 3) : cur == a ? b : a;
    matvec_colmajor_f64(dst, PT, cur, n);
    if ((k + 1) % RENORM == 0) vscale(dst, dst, n, 1 / vdot(dst, 0, n));
    if (mode == RECORD_OBSERVABLE) store<f64>(out + (<usize>k << 3), vdot(w, dst, n));
    cur = dst;
  }
  vscale(a, cur, n, 1 / vdot(cur, 0, n));
  s.steps += <f64>count;
}
