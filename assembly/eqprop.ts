// Equilibrium propagation (Scellier & Bengio 2017) on a layered energy-based network, plain and with
// the non-equilibrium memory update of Falk et al. (shared/spec/MODELS.md §4; seed 002 Appendix B).
//
// Everything is f32. The TS side (src/eqprop/network.ts) owns the layout and writes a descriptor of i32
// words at `net`:
//   [0] L (layers)   [1] S (state floats per example, Σ_{ℓ≥1} n_ℓ)
//   then five arrays of L words: sizes n_ℓ, state offsets of layer ℓ inside an example's state
//   (ℓ ≥ 1), W^ℓ (n_ℓ × n_{ℓ+1}, row-major), its transpose Wt^ℓ (ℓ ≥ 1 only), biases b^ℓ (ℓ ≥ 1);
//   then the address of an S-float scratch.
// An example's state is the S floats u¹ … u^{L−1} back to back (u⁰ is the clamped input x). States
// always lie in [0, 1], so ρ(u) = clip(u, 0, 1) = u on them.

import { dot_f32 } from "./simd";

// ---- descriptor ----------------------------------------------------------------------------------

@inline function layers(net: usize): i32 { return load<i32>(net); }
@inline function stateStride(net: usize): i32 { return load<i32>(net, 4); }
@inline function word(net: usize, array: i32, l: i32): i32 {
  return load<i32>(net + 8 + ((<usize>(array * layers(net) + l)) << 2));
}
@inline function size(net: usize, l: i32): i32 { return word(net, 0, l); }
@inline function offset(net: usize, l: i32): i32 { return word(net, 1, l); }
@inline function weights(net: usize, l: i32): usize { return <usize>word(net, 2, l); }
@inline function weightsT(net: usize, l: i32): usize { return <usize>word(net, 3, l); }
@inline function bias(net: usize, l: i32): usize { return <usize>word(net, 4, l); }
@inline function scratch(net: usize): usize { return <usize>load<i32>(net + 8 + ((<usize>(5 * layers(net))) << 2)); }

// ---- vector helpers (dot_f32 is in simd.ts with the other shared reductions) -----------------------

/** y_i += a·x_i over n f32 values (elementwise, so both builds give the same bits). */
function axpy(y: usize, x: usize, a: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(a);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

// ---- relaxation ------------------------------------------------------------------------------------

/**
 * The input layer's constant contribution for `count` examples: drive_b = b¹ + W⁰ᵀ x_b (n₁ values
 * each), adding only the rows of W⁰ whose pixel is non-zero (MNIST is mostly zeros). x is
 * count × n₀ and drive count × n₁, both dense.
 */
export function eqprop_drive(net: usize, x: usize, drive: usize, count: i32): void {
  const n0 = size(net, 0), n1 = size(net, 1);
  const w0 = weights(net, 0), b1 = bias(net, 1);
  for (let b = 0; b < count; b++) {
    const xb = x + (<usize>(b * n0) << 2), db = drive + (<usize>(b * n1) << 2);
    memory.copy(db, b1, <usize>n1 << 2);
    for (let p = 0; p < n0; p++) {
      const xp = load<f32>(xb + (<usize>p << 2));
      if (xp != 0) axpy(db, w0 + (<usize>(p * n1) << 2), xp, n1);
    }
  }
}

/**
 * `iterations` synchronous relaxation steps of `count` examples (Scellier & Bengio 2017, Eq. 41;
 * MODELS.md §4): every layer ℓ ≥ 1 moves from the old state of all layers,
 *   u^ℓ ← clip(u^ℓ + ε(−u^ℓ + b^ℓ + W^{ℓ−1}ᵀu^{ℓ−1} + W^ℓ u^{ℓ+1} − [ℓ = L−1]·2β(u^ℓ − d)), 0, 1),
 * with the input term of layer 1 (and b¹) taken from `drive`. The clip's derivative is counted as 1
 * on the closed interval [0, 1], so units sitting at a bound can leave it. States are `count`
 * consecutive S-float blocks at `states`; targets are count × n_{L−1} (one-hot).
 */
export function eqprop_relax(
  net: usize, drive: usize, states: usize, targets: usize, count: i32, iterations: i32, beta: f32, epsilon: f32,
): void {
  const L = layers(net), S = stateStride(net), n1 = size(net, 1), nOut = size(net, L - 1);
  for (let b = 0; b < count; b++) {
    const u = states + (<usize>(b * S) << 2);
    const d = targets + (<usize>(b * nOut) << 2);
    const db = drive + (<usize>(b * n1) << 2);
    for (let it = 0; it < iterations; it++) relaxOnce(net, u, db, d, beta, epsilon);
  }
}

/** One synchronous step of one example (see eqprop_relax). */
function relaxOnce(net: usize, u: usize, drive: usize, d: usize, beta: f32, epsilon: f32): void {
  const L = layers(net), pre = scratch(net);
  // Net inputs of every layer from the old state.
  for (let l = 1; l < L; l++) {
    const n = size(net, l);
    const p = pre + (<usize>offset(net, l) << 2);
    if (l == 1) {
      memory.copy(p, drive, <usize>n << 2);
    } else {
      const below = size(net, l - 1), wt = weightsT(net, l - 1),
        ub = u + (<usize>offset(net, l - 1) << 2), bl = bias(net, l);
      for (let k = 0; k < n; k++) {
        store<f32>(
          p + (<usize>k << 2),
          load<f32>(bl + (<usize>k << 2)) + dot_f32(wt + (<usize>(k * below) << 2), ub, below),
        );
      }
    }
    if (l < L - 1) {
      const above = size(net, l + 1), wt = weightsT(net, l), ua = u + (<usize>offset(net, l + 1) << 2);
      for (let k = 0; k < above; k++) {
        const a = load<f32>(ua + (<usize>k << 2));
        if (a != 0) axpy(p, wt + (<usize>(k * n) << 2), a, n);
      }
    }
  }
  // Move every layer, clipping to [0, 1].
  for (let l = 1; l < L; l++) {
    const n = size(net, l), o = <usize>offset(net, l) << 2;
    const output = l == L - 1;
    for (let i = 0; i < n; i++) {
      const at = o + (<usize>i << 2);
      const ui = load<f32>(u + at);
      let g = load<f32>(pre + at) - ui;
      if (output) g -= 2 * beta * (ui - load<f32>(d + (<usize>i << 2)));
      store<f32>(u + at, min<f32>(max<f32>(ui + epsilon * g, 0), 1));
    }
  }
}

/**
 * The energy E = ½Σ_ℓ|u^ℓ|² − Σ_{ℓ≥1} b^ℓ·u^ℓ − Σ_ℓ u^ℓᵀW^ℓu^{ℓ+1} of `count` examples
 * (MODELS.md §4, as the authors' code: the clamped input's ½|x|² included; it has no bias), in f64.
 * The input term xᵀW⁰u¹ is (drive − b¹)·u¹. Not a hot loop: plain scalar code.
 */
export function eqprop_energy(net: usize, x: usize, drive: usize, states: usize, count: i32, out: usize): void {
  const L = layers(net), S = stateStride(net), n0 = size(net, 0), n1 = size(net, 1);
  for (let b = 0; b < count; b++) {
    const u = states + (<usize>(b * S) << 2), db = drive + (<usize>(b * n1) << 2), xb = x + (<usize>(b * n0) << 2);
    let e: f64 = 0;
    for (let p = 0; p < n0; p++) {
      const xp = <f64>load<f32>(xb + (<usize>p << 2));
      e += 0.5 * xp * xp;
    }
    for (let l = 1; l < L; l++) {
      const n = size(net, l), ul = u + (<usize>offset(net, l) << 2), bl = bias(net, l);
      for (let i = 0; i < n; i++) {
        const x = <f64>load<f32>(ul + (<usize>i << 2));
        e += 0.5 * x * x - <f64>load<f32>(bl + (<usize>i << 2)) * x;
        if (l == 1) e -= (<f64>load<f32>(db + (<usize>i << 2)) - <f64>load<f32>(bl + (<usize>i << 2))) * x;
      }
      if (l < L - 1) {
        const above = size(net, l + 1), wt = weightsT(net, l), ua = u + (<usize>offset(net, l + 1) << 2);
        for (let k = 0; k < above; k++) {
          let row: f64 = 0;
          const r = wt + (<usize>(k * n) << 2);
          for (let i = 0; i < n; i++) row += <f64>load<f32>(r + (<usize>i << 2)) * <f64>load<f32>(ul + (<usize>i << 2));
          e -= row * <f64>load<f32>(ua + (<usize>k << 2));
        }
      }
    }
    store<f64>(out + (<usize>b << 3), e);
  }
}

// ---- plain EP update ----------------------------------------------------------------------------------

/**
 * M[r, :] += coeff · Σ_{b<count} (A1[b][r]·C1[b][:] − A0[b][r]·C0[b][:]) for an rows × cols matrix
 * (the Hebbian difference of Scellier & Bengio's update, Eq. 43). A rows are aStride floats apart
 * and C rows cStride floats apart. When A1 and A0 are the same buffer (the clamped input layer) the
 * sum is Σ_b A[b][r]·(C1[b] − C0[b]) over the examples with A[b][r] ≠ 0. Each row's sum is gathered
 * in `acc` (cols floats) before it is added, so M is rounded once per update.
 */
export function eqprop_outer_update(
  m: usize, rows: i32, cols: i32, a1: usize, a0: usize, aStride: i32, c1: usize, c0: usize, cStride: i32,
  count: i32, coeff: f32, acc: usize,
): void {
  const same = a1 == a0;
  for (let r = 0; r < rows; r++) {
    memory.fill(acc, 0, <usize>cols << 2);
    let any = false;
    for (let b = 0; b < count; b++) {
      const x1 = load<f32>(a1 + (<usize>(b * aStride + r) << 2));
      const x0 = load<f32>(a0 + (<usize>(b * aStride + r) << 2));
      const row1 = c1 + (<usize>(b * cStride) << 2), row0 = c0 + (<usize>(b * cStride) << 2);
      if (same) {
        if (x1 == 0) continue;
        axpy(acc, row1, x1, cols);
        axpy(acc, row0, -x1, cols);
      } else {
        if (x1 != 0) axpy(acc, row1, x1, cols);
        if (x0 != 0) axpy(acc, row0, -x0, cols);
      }
      any = true;
    }
    if (any) axpy(m + (<usize>(r * cols) << 2), acc, coeff, cols);
  }
}

/** dst[c, r] = src[r, c] for an rows × cols f32 matrix. */
export function eqprop_transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(src + (<usize>(r * cols + c) << 2)));
    }
  }
}

// ---- memory-variant update (Falk et al., Appendix B) -------------------------------------------------

/**
 * The non-equilibrium memory update of one parameter block (MODELS.md §4, Eq. 7 with the MNIST
 * kernel): for every parameter (r, q) of an rows × cols block,
 *   S_k = Σ_b A[k][b][r]·C[k][b][q]            (k < P distinct ramp points; the batch sum of ρρ)
 *   u_m = rowSum_m·S_0 + Σ_j L[m, j]·(S_{k_j} − S_0)   (m < G: the interpolated, circularly
 *         convolved current; L and rowSum already hold −1/B, the convolution scale and the fold
 *         of the repeated ramp points, as a CSR band: rowPtr, colIdx ∈ [1, P), vals)
 *   v   = Σ_m w_m g_θ(u_m),  g_θ(x) = x if |x| ≥ θ else 0   (w: trapezoid weights)
 *   M[r, q] −= coeff·v
 * A's points are aK floats apart (0: the same A at every point, e.g. the clamped input) and its
 * examples aB floats apart; C likewise with cK, cB. Only the examples with A[k][b][r] ≠ 0 are
 * visited (one list per point, or one shared list when A is fixed), and rows where A is zero at
 * every point are skipped (their currents vanish). A parameter is skipped when the bound
 *   |u_m| ≤ lNorm·max_k|S_k − S_0| + rNorm·|S_0|
 * (lNorm = max_m Σ_j|L[m, j]|, rNorm = max_m|rowSum_m|), with a 10⁻³ safety factor, is below θ:
 * then every g_θ(u_m) is 0 and so is the update, bit for bit. `work` holds 64·P + 8·P·count + 4·P
 * bytes.
 * SIMD: sixteen columns as four f32x4 (then four, then one at a time); the scalar twin runs the same
 * per-column arithmetic (same bits).
 */
export function eqprop_memory_update(
  m: usize, rows: i32, cols: i32,
  a: usize, aK: i32, aB: i32, c: usize, cK: i32, cB: i32, count: i32, points: i32,
  rowPtr: usize, colIdx: usize, vals: usize, rowSum: usize, trapezoid: usize, grid: i32,
  theta: f32, coeff: f32, lNorm: f32, rNorm: f32, work: usize,
): void {
  // Per point k, the examples with A[k][b][r] ≠ 0 as (b, A) pairs; one shared list when A is fixed.
  const lists = work + (<usize>points << 6);
  const listBytes = <usize>count << 3, listStride: usize = aK == 0 ? 0 : listBytes;
  const counts = lists + <usize>points * listBytes;
  for (let r = 0; r < rows; r++) {
    let any = false;
    for (let k = 0; k < (aK == 0 ? 1 : points); k++) {
      const list = lists + <usize>k * listBytes, ak = a + (<usize>(k * aK + r) << 2);
      let active = 0;
      for (let b = 0; b < count; b++) {
        const x = load<f32>(ak + (<usize>(b * aB) << 2));
        if (x == 0) continue;
        store<i32>(list + (<usize>active << 3), b * cB);
        store<f32>(list + (<usize>active << 3), x, 4);
        active++;
      }
      store<i32>(counts + (<usize>k << 2), active);
      any = any || active > 0;
    }
    if (!any) continue; // A is zero at every point: all currents vanish, so does the update
    const row = m + (<usize>(r * cols) << 2);
    let q = 0;
    if (ASC_FEATURE_SIMD) {
      for (; q + 16 <= cols; q += 16) {
        batchSums16(work, c + (<usize>q << 2), cK, points, lists, listStride, counts, aK == 0);
        thresholdIntegrate16(
          row + (<usize>q << 2), work, points, rowPtr, colIdx, vals, rowSum, trapezoid, grid, theta, coeff,
          lNorm, rNorm,
        );
      }
      for (; q + 4 <= cols; q += 4) {
        batchSums4(work, c + (<usize>q << 2), cK, points, lists, listStride, counts, aK == 0);
        thresholdIntegrate4(
          row + (<usize>q << 2), work, points, rowPtr, colIdx, vals, rowSum, trapezoid, grid, theta, coeff,
          lNorm, rNorm,
        );
      }
    }
    for (; q < cols; q++) {
      batchSums(work, c + (<usize>q << 2), cK, points, lists, listStride, counts, aK == 0);
      thresholdIntegrate(
        row + (<usize>q << 2), work, points, rowPtr, colIdx, vals, rowSum, trapezoid, grid, theta, coeff, lNorm, rNorm,
      );
    }
  }
}

/**
 * Batch sums of four neighbouring columns (c points at column q of point 0, example 0):
 * S_k = Σ_{(b, x) in list k} x·C[k][b], stored as work[0] = S_0 and work[k] = S_k − S_0 (f32x4 each).
 */
function batchSums4(
  work: usize, c: usize, cK: i32, points: i32, lists: usize, listStride: usize, counts: usize, fixed: bool,
): void {
  let s0 = f32x4.splat(0);
  for (let k = 0; k < points; k++) {
    const list = lists + <usize>k * listStride, active = load<i32>(counts + (fixed ? 0 : <usize>k << 2));
    const ck = c + (<usize>(k * cK) << 2);
    let s = f32x4.splat(0);
    for (let i = 0; i < active; i++) {
      const at = list + (<usize>i << 3);
      s = f32x4.add(s, f32x4.mul(f32x4.splat(load<f32>(at, 4)), v128.load(ck + (<usize>load<i32>(at) << 2))));
    }
    if (k == 0) s0 = s;
    v128.store(work + (<usize>k << 4), k == 0 ? s : f32x4.sub(s, s0));
  }
}

/** Scalar twin of batchSums4 for one column (the same per-lane arithmetic, work entries 16 bytes apart). */
function batchSums(
  work: usize, c: usize, cK: i32, points: i32, lists: usize, listStride: usize, counts: usize, fixed: bool,
): void {
  let s0: f32 = 0;
  for (let k = 0; k < points; k++) {
    const list = lists + <usize>k * listStride, active = load<i32>(counts + (fixed ? 0 : <usize>k << 2));
    const ck = c + (<usize>(k * cK) << 2);
    let s: f32 = 0;
    for (let i = 0; i < active; i++) {
      const at = list + (<usize>i << 3);
      s += load<f32>(at, 4) * load<f32>(ck + (<usize>load<i32>(at) << 2));
    }
    if (k == 0) s0 = s;
    store<f32>(work + (<usize>k << 4), k == 0 ? s : s - s0);
  }
}

/**
 * From work (S_0, then D_k = S_k − S_0) of four parameters: skip when the bound says every
 * |u_m| < θ, else u_m on the grid, g_θ, the trapezoid sum v, and target −= coeff·v.
 */
function thresholdIntegrate4(
  target: usize, work: usize, points: i32, rowPtr: usize, colIdx: usize, vals: usize, rowSum: usize, trapezoid: usize,
  grid: i32, theta: f32, coeff: f32, lNorm: f32, rNorm: f32,
): void {
  const s0 = v128.load(work);
  let dMax = f32x4.splat(0);
  for (let k = 1; k < points; k++) dMax = f32x4.max(dMax, f32x4.abs(v128.load(work + (<usize>k << 4))));
  const bound = f32x4.mul(
    f32x4.add(f32x4.mul(dMax, f32x4.splat(lNorm)), f32x4.mul(f32x4.abs(s0), f32x4.splat(rNorm))),
    f32x4.splat(<f32>1.001),
  );
  if (!v128.any_true(f32x4.ge(bound, f32x4.splat(theta)))) return;
  const vt = f32x4.splat(theta), zero = f32x4.splat(0);
  let v = f32x4.splat(0);
  for (let mm = 0; mm < grid; mm++) {
    let u = f32x4.mul(f32x4.splat(load<f32>(rowSum + (<usize>mm << 2))), s0);
    const end = load<i32>(rowPtr + (<usize>(mm + 1) << 2));
    for (let j = load<i32>(rowPtr + (<usize>mm << 2)); j < end; j++) {
      const dk = v128.load(work + (<usize>load<i32>(colIdx + (<usize>j << 2)) << 4));
      u = f32x4.add(u, f32x4.mul(f32x4.splat(load<f32>(vals + (<usize>j << 2))), dk));
    }
    const g = v128.bitselect(u, zero, f32x4.ge(f32x4.abs(u), vt));
    v = f32x4.add(v, f32x4.mul(f32x4.splat(load<f32>(trapezoid + (<usize>mm << 2))), g));
  }
  v128.store(target, f32x4.sub(v128.load(target), f32x4.mul(f32x4.splat(coeff), v)));
}

/** Scalar twin of thresholdIntegrate4 for one parameter (work entries are 16 bytes apart). */
function thresholdIntegrate(
  target: usize, work: usize, points: i32, rowPtr: usize, colIdx: usize, vals: usize, rowSum: usize, trapezoid: usize,
  grid: i32, theta: f32, coeff: f32, lNorm: f32, rNorm: f32,
): void {
  const s0 = load<f32>(work);
  let dMax: f32 = 0;
  for (let k = 1; k < points; k++) dMax = max<f32>(dMax, abs<f32>(load<f32>(work + (<usize>k << 4))));
  const bound = (dMax * lNorm + abs<f32>(s0) * rNorm) * <f32>1.001;
  if (!(bound >= theta)) return;
  let v: f32 = 0;
  for (let mm = 0; mm < grid; mm++) {
    let u = load<f32>(rowSum + (<usize>mm << 2)) * s0;
    const end = load<i32>(rowPtr + (<usize>(mm + 1) << 2));
    for (let j = load<i32>(rowPtr + (<usize>mm << 2)); j < end; j++) {
      u += load<f32>(vals + (<usize>j << 2)) * load<f32>(work + (<usize>load<i32>(colIdx + (<usize>j << 2)) << 4));
    }
    const g: f32 = abs<f32>(u) >= theta ? u : 0;
    v += load<f32>(trapezoid + (<usize>mm << 2)) * g;
  }
  store<f32>(target, load<f32>(target) - coeff * v);
}

/** batchSums4 for sixteen columns q … q+15: work[k] holds four f32x4 (64 bytes). */
function batchSums16(
  work: usize, c: usize, cK: i32, points: i32, lists: usize, listStride: usize, counts: usize, fixed: bool,
): void {
  let z0 = f32x4.splat(0), z1 = z0, z2 = z0, z3 = z0;
  for (let k = 0; k < points; k++) {
    const list = lists + <usize>k * listStride, active = load<i32>(counts + (fixed ? 0 : <usize>k << 2));
    const ck = c + (<usize>(k * cK) << 2);
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (let i = 0; i < active; i++) {
      const entry = list + (<usize>i << 3);
      const at = ck + (<usize>load<i32>(entry) << 2), x = f32x4.splat(load<f32>(entry, 4));
      s0 = f32x4.add(s0, f32x4.mul(x, v128.load(at)));
      s1 = f32x4.add(s1, f32x4.mul(x, v128.load(at, 16)));
      s2 = f32x4.add(s2, f32x4.mul(x, v128.load(at, 32)));
      s3 = f32x4.add(s3, f32x4.mul(x, v128.load(at, 48)));
    }
    storeDifferences16(work + (<usize>k << 6), k, s0, s1, s2, s3, z0, z1, z2, z3);
    if (k == 0) { z0 = s0; z1 = s1; z2 = s2; z3 = s3; }
  }
}

/** work ← S_0 (k = 0) or S_k − S_0 (k > 0), four vectors. */
@inline function storeDifferences16(
  at: usize, k: i32, s0: v128, s1: v128, s2: v128, s3: v128, z0: v128, z1: v128, z2: v128, z3: v128,
): void {
  const first = k == 0;
  v128.store(at, first ? s0 : f32x4.sub(s0, z0));
  v128.store(at, first ? s1 : f32x4.sub(s1, z1), 16);
  v128.store(at, first ? s2 : f32x4.sub(s2, z2), 32);
  v128.store(at, first ? s3 : f32x4.sub(s3, z3), 48);
}

/** thresholdIntegrate4 for sixteen parameters (work[k] holds four f32x4); the same per-lane arithmetic. */
function thresholdIntegrate16(
  target: usize, work: usize, points: i32, rowPtr: usize, colIdx: usize, vals: usize, rowSum: usize, trapezoid: usize,
  grid: i32, theta: f32, coeff: f32, lNorm: f32, rNorm: f32,
): void {
  const z0 = v128.load(work), z1 = v128.load(work, 16), z2 = v128.load(work, 32), z3 = v128.load(work, 48);
  let d0 = f32x4.splat(0), d1 = d0, d2 = d0, d3 = d0;
  for (let k = 1; k < points; k++) {
    const at = work + (<usize>k << 6);
    d0 = f32x4.max(d0, f32x4.abs(v128.load(at)));
    d1 = f32x4.max(d1, f32x4.abs(v128.load(at, 16)));
    d2 = f32x4.max(d2, f32x4.abs(v128.load(at, 32)));
    d3 = f32x4.max(d3, f32x4.abs(v128.load(at, 48)));
  }
  const vl = f32x4.splat(lNorm), vr = f32x4.splat(rNorm), safety = f32x4.splat(<f32>1.001), vt = f32x4.splat(theta);
  const need = v128.or(
    v128.or(f32x4.ge(f32x4.mul(f32x4.add(f32x4.mul(d0, vl), f32x4.mul(f32x4.abs(z0), vr)), safety), vt),
      f32x4.ge(f32x4.mul(f32x4.add(f32x4.mul(d1, vl), f32x4.mul(f32x4.abs(z1), vr)), safety), vt)),
    v128.or(f32x4.ge(f32x4.mul(f32x4.add(f32x4.mul(d2, vl), f32x4.mul(f32x4.abs(z2), vr)), safety), vt),
      f32x4.ge(f32x4.mul(f32x4.add(f32x4.mul(d3, vl), f32x4.mul(f32x4.abs(z3), vr)), safety), vt)));
  if (!v128.any_true(need)) return;
  const zero = f32x4.splat(0);
  let v0 = f32x4.splat(0), v1 = v0, v2 = v0, v3 = v0;
  for (let mm = 0; mm < grid; mm++) {
    const rs = f32x4.splat(load<f32>(rowSum + (<usize>mm << 2)));
    let u0 = f32x4.mul(rs, z0), u1 = f32x4.mul(rs, z1), u2 = f32x4.mul(rs, z2), u3 = f32x4.mul(rs, z3);
    const end = load<i32>(rowPtr + (<usize>(mm + 1) << 2));
    for (let j = load<i32>(rowPtr + (<usize>mm << 2)); j < end; j++) {
      const at = work + (<usize>load<i32>(colIdx + (<usize>j << 2)) << 6);
      const w = f32x4.splat(load<f32>(vals + (<usize>j << 2)));
      u0 = f32x4.add(u0, f32x4.mul(w, v128.load(at)));
      u1 = f32x4.add(u1, f32x4.mul(w, v128.load(at, 16)));
      u2 = f32x4.add(u2, f32x4.mul(w, v128.load(at, 32)));
      u3 = f32x4.add(u3, f32x4.mul(w, v128.load(at, 48)));
    }
    const tw = f32x4.splat(load<f32>(trapezoid + (<usize>mm << 2)));
    v0 = f32x4.add(v0, f32x4.mul(tw, v128.bitselect(u0, zero, f32x4.ge(f32x4.abs(u0), vt))));
    v1 = f32x4.add(v1, f32x4.mul(tw, v128.bitselect(u1, zero, f32x4.ge(f32x4.abs(u1), vt))));
    v2 = f32x4.add(v2, f32x4.mul(tw, v128.bitselect(u2, zero, f32x4.ge(f32x4.abs(u2), vt))));
    v3 = f32x4.add(v3, f32x4.mul(tw, v128.bitselect(u3, zero, f32x4.ge(f32x4.abs(u3), vt))));
  }
  const vc = f32x4.splat(coeff);
  v128.store(target, f32x4.sub(v128.load(target), f32x4.mul(vc, v0)));
  v128.store(target, f32x4.sub(v128.load(target, 16), f32x4.mul(vc, v1)), 16);
  v128.store(target, f32x4.sub(v128.load(target, 32), f32x4.mul(vc, v2)), 32);
  v128.store(target, f32x4.sub(v128.load(target, 48), f32x4.mul(vc, v3)), 48);
}
