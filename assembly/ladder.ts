// Continuous-time Markov chains dp/dt = M p, used for the ladder network of shared/spec/MODELS.md §3
// (Appendix F; Lan et al., Nat. Phys. 8, 422 (2012)), but valid for any rate matrix:
// M[i, j] = rate j → i (i ≠ j), M[j, j] = −Σ_{i≠j} M[i, j], stored row-major (M + 8(i·n + j)).
//
// The chain is integrated exactly on a grid of step dt: the propagator P = exp(M dt) is computed once
// per rate matrix (`ladder_propagator`), then every step is one mat-vec p ← P p inside wasm
// (`ladder_step`). Piecewise-constant rates (a signal s(t) that jumps) are handled by writing the
// new M and recomputing P between calls.
//
// Exactness in the sense of the grid: p(t_k) = exp(M t_k) p(0) up to rounding (~1e-15 per step),
// with no stiffness limit on dt (the vertical rates F e^{|ΔE|} reach 10⁴ and more).

import { alloc } from "./memory";

/** One chain's state; every array lives in this instance's linear memory. */
@unmanaged class Ladder {
  n: i32;
  steps: f64; // steps taken since creation (or the last ladder_set_clock)
  rates: usize; // n × n f64, M row-major, written by the caller
  prop: usize; // n × n f64, P = exp(M dt) row-major
  prob: usize; // n f64, p(t)
  next: usize; // n f64, scratch for P p
  work: usize; // n × n f64, scratch for the propagator
  term: usize; // n × n f64, scratch for the propagator
  term2: usize; // n × n f64, scratch for the propagator
}

@inline function self(p: usize): Ladder {
  return changetype<Ladder>(p);
}

/** Allocates a chain of n states (all arrays zero). Returns its address, or 0 if memory ran out. */
export function ladder_create(n: i32): usize {
  const p = alloc(offsetof<Ladder>());
  if (p == 0) return 0;
  const s = self(p);
  const mat = <usize>n * <usize>n << 3;
  s.n = n;
  s.rates = alloc(mat);
  s.prop = alloc(mat);
  s.work = alloc(mat);
  s.term = alloc(mat);
  s.term2 = alloc(mat);
  s.prob = alloc(<usize>n << 3);
  s.next = alloc(<usize>n << 3);
  if (s.rates == 0 || s.prop == 0 || s.work == 0 || s.term == 0 || s.term2 == 0 || s.prob == 0 || s.next == 0) return 0;
  return p;
}

export function ladder_rates(p: usize): usize { return self(p).rates; }
export function ladder_propagator_matrix(p: usize): usize { return self(p).prop; }
export function ladder_prob(p: usize): usize { return self(p).prob; }
export function ladder_steps(p: usize): f64 { return self(p).steps; }
export function ladder_set_steps(p: usize, steps: f64): void { self(p).steps = steps; }

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
 * Every term is non-negative, so P ≥ 0 entrywise with no cancellation, and its columns sum to 1 up
 * to rounding. The series stops once the Poisson weight (λτ)^k/k! drops below 1e-20 (the tail is
 * then < 2e-20 for λτ ≤ ½). Needs M[i, j] ≥ 0 off the diagonal and dt > 0 (checked in TS). Plain
 * scalar loops, so both builds give the same bits. Returns q, the number of squarings.
 */
export function ladder_propagator(p: usize, dt: f64): i32 {
  const s = self(p);
  const n = s.n;
  const nn = <usize>n * <usize>n;
  const M = s.rates, P = s.prop, B = s.work;
  let T = s.term, U = s.term2;
  let lambda: f64 = 0;
  for (let j = 0; j < n; j++) lambda = max(lambda, -load<f64>(M + ((<usize>j * n + j) << 3)));
  memory.fill(P, 0, nn << 3);
  for (let i = 0; i < n; i++) store<f64>(P + ((<usize>i * n + i) << 3), 1);
  if (!(lambda > 0)) return 0; // M = 0: P = I
  let x = lambda * dt;
  let q = 0;
  while (x > 0.5) { x *= 0.5; q++; }
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
  // Squaring: exp(M τ 2^{r+1}) = exp(M τ 2^r)².
  for (let r = 0; r < q; r++) {
    matmul(T, P, P, n);
    memory.copy(P, T, nn << 3);
  }
  return q;
}

/**
 * out[i] = Σ_j A[i, j] x[j] for an n × n row-major f64 matrix A (out must not alias x).
 * SIMD: each row as f64x2 pairs (lane 0 sums the even j, lane 1 the odd j), lanes added, then the
 * odd tail. The scalar twin keeps the same two partial sums and combines them alike, so both builds
 * return the same bits.
 */
export function ladder_matvec(out: usize, A: usize, x: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const row = A + (<usize>i * n << 3);
    let j = 0;
    let sum: f64 = 0;
    if (ASC_FEATURE_SIMD) {
      let acc = f64x2.splat(0);
      for (; j + 2 <= n; j += 2) {
        const off = <usize>j << 3;
        acc = f64x2.add(acc, f64x2.mul(v128.load(row + off), v128.load(x + off)));
      }
      sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    } else {
      let even: f64 = 0, odd: f64 = 0;
      for (; j + 2 <= n; j += 2) {
        const off = <usize>j << 3;
        even += load<f64>(row + off) * load<f64>(x + off);
        odd += load<f64>(row + off, 8) * load<f64>(x + off, 8);
      }
      sum = even + odd;
    }
    for (; j < n; j++) sum += load<f64>(row + (<usize>j << 3)) * load<f64>(x + (<usize>j << 3));
    store<f64>(out + (<usize>i << 3), sum);
  }
}

/** Recording modes of `ladder_step`. */
export const RECORD_NONE: i32 = 0;
export const RECORD_OBSERVABLE: i32 = 1; // out[k] = Σ_i w[i] p_i after step k
export const RECORD_STATES: i32 = 2; // out[k·n + i] = p_i after step k

/**
 * Advances p by `count` steps p ← P p (P from `ladder_propagator`), all inside wasm. After each
 * mat-vec, entries below 0 (round-off only: P ≥ 0 by construction) are set to 0 and p is divided by
 * its sum, so p stays a probability vector with Σp = 1 to ~1e-16 however long the run. Records per
 * `mode` (RECORD_*): nothing, the observable w·p (n f64 at `w`, one f64 per step into `out`), or the
 * whole vector (n f64 per step into `out`).
 */
export function ladder_step(p: usize, count: i32, mode: i32, w: usize, out: usize): void {
  const s = self(p);
  const n = s.n;
  for (let k = 0; k < count; k++) {
    ladder_matvec(s.next, s.prop, s.prob, n);
    let sum: f64 = 0;
    for (let i = 0; i < n; i++) {
      const a = s.next + (<usize>i << 3);
      const v = max<f64>(0, load<f64>(a));
      store<f64>(a, v);
      sum += v;
    }
    let obs: f64 = 0;
    for (let i = 0; i < n; i++) {
      const a = s.next + (<usize>i << 3);
      const v = load<f64>(a) / sum;
      store<f64>(a, v);
      if (mode == RECORD_OBSERVABLE) obs += load<f64>(w + (<usize>i << 3)) * v;
    }
    if (mode == RECORD_OBSERVABLE) store<f64>(out + (<usize>k << 3), obs);
    else if (mode == RECORD_STATES) memory.copy(out + (<usize>k * n << 3), s.next, <usize>n << 3);
    const swap = s.prob;
    s.prob = s.next;
    s.next = swap;
  }
  s.steps += <f64>count;
}
