// Dense linear algebra shared by the models, each SIMD loop with its scalar twin (same bits in both
// builds). Names follow one grammar: op, layout, dtype (`matvec_colmajor_f64`, `matvec_sym_sign_f32`), as
// `dot_f64`/`dot_f32` in simd.ts.

// The arithmetic of `matvec_colmajor_f64`, the same in both builds (the SIMD lanes and the scalar
// twin add the same terms in the same order). Every sum starts from −0, the exact identity of
// addition (−0 + y = y for every y, where +0 would turn a −0 term into +0):
//   q'_i = e_i + o_i,  e_i = Σ_{j even} x_j·A[i, j],  o_i = Σ_{j odd} x_j·A[i, j],  in increasing j.

/**
 * out[i] = Σ_j A[i, j] x[j] for an n × n matrix A stored column-major (column j at At + 8·j·n, i.e.
 * At is the row-major Aᵀ); out must not alias x. Column form out = Σ_j x_j·A[:, j], each out[i] as
 * the even-j and odd-j partial sums above (two chains of n/2 instead of one of n, for latency).
 * SIMD: rows in blocks of 6, then 4, then 2 (pairs of rows as f64x2, x_j splatted), then the odd
 * last row; the scalar twin sums every out[i] in exactly that order, so both builds give the same bits.
 */
@inline export function matvec_colmajor_f64(out: usize, At: usize, x: usize, n: i32): void {
  const stride = <usize>n << 3; // bytes from A[i, j] to A[i, j + 1]
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Blocks of 3 row pairs (6 accumulators: few enough that V8 keeps them, the 6 loads and the 2
    // splats of one iteration in the 16 xmm registers), then of 2, then single pairs.
    for (; i + 6 <= n; i += 6) {
      const z = f64x2.splat(-0.0);
      let e0 = z, o0 = z, e1 = z, o1 = z, e2 = z, o2 = z;
      let c = At + (<usize>i << 3);
      let j = 0;
      for (; j + 2 <= n; j += 2) {
        const xe = v128.load64_splat(x + (<usize>j << 3)), xo = v128.load64_splat(x + (<usize>j << 3), 8),
          d = c + stride;
        e0 = f64x2.add(e0, f64x2.mul(xe, v128.load(c, 0))); o0 = f64x2.add(o0, f64x2.mul(xo, v128.load(d, 0)));
        e1 = f64x2.add(e1, f64x2.mul(xe, v128.load(c, 16))); o1 = f64x2.add(o1, f64x2.mul(xo, v128.load(d, 16)));
        e2 = f64x2.add(e2, f64x2.mul(xe, v128.load(c, 32))); o2 = f64x2.add(o2, f64x2.mul(xo, v128.load(d, 32)));
        c = d + stride;
      }
      if (j < n) {
        const xe = v128.load64_splat(x + (<usize>j << 3));
        e0 = f64x2.add(e0, f64x2.mul(xe, v128.load(c, 0)));
        e1 = f64x2.add(e1, f64x2.mul(xe, v128.load(c, 16)));
        e2 = f64x2.add(e2, f64x2.mul(xe, v128.load(c, 32)));
      }
      const y = out + (<usize>i << 3);
      v128.store(y, f64x2.add(e0, o0), 0);
      v128.store(y, f64x2.add(e1, o1), 16);
      v128.store(y, f64x2.add(e2, o2), 32);
    }
    for (; i + 4 <= n; i += 4) {
      const z = f64x2.splat(-0.0);
      let e0 = z, o0 = z, e1 = z, o1 = z;
      let c = At + (<usize>i << 3);
      let j = 0;
      for (; j + 2 <= n; j += 2) {
        const xe = v128.load64_splat(x + (<usize>j << 3)), xo = v128.load64_splat(x + (<usize>j << 3), 8),
          d = c + stride;
        e0 = f64x2.add(e0, f64x2.mul(xe, v128.load(c, 0))); o0 = f64x2.add(o0, f64x2.mul(xo, v128.load(d, 0)));
        e1 = f64x2.add(e1, f64x2.mul(xe, v128.load(c, 16))); o1 = f64x2.add(o1, f64x2.mul(xo, v128.load(d, 16)));
        c = d + stride;
      }
      if (j < n) {
        const xe = v128.load64_splat(x + (<usize>j << 3));
        e0 = f64x2.add(e0, f64x2.mul(xe, v128.load(c, 0)));
        e1 = f64x2.add(e1, f64x2.mul(xe, v128.load(c, 16)));
      }
      const y = out + (<usize>i << 3);
      v128.store(y, f64x2.add(e0, o0), 0);
      v128.store(y, f64x2.add(e1, o1), 16);
    }
    for (; i + 2 <= n; i += 2) {
      let e0 = f64x2.splat(-0.0), o0 = e0;
      let c = At + (<usize>i << 3);
      let j = 0;
      for (; j + 2 <= n; j += 2) {
        const xe = v128.load64_splat(x + (<usize>j << 3)), xo = v128.load64_splat(x + (<usize>j << 3), 8),
          d = c + stride;
        e0 = f64x2.add(e0, f64x2.mul(xe, v128.load(c, 0))); o0 = f64x2.add(o0, f64x2.mul(xo, v128.load(d, 0)));
        c = d + stride;
      }
      if (j < n) {
        const xe = v128.load64_splat(x + (<usize>j << 3));
        e0 = f64x2.add(e0, f64x2.mul(xe, v128.load(c, 0)));
      }
      const y = out + (<usize>i << 3);
      v128.store(y, f64x2.add(e0, o0), 0);
    }
  }
  for (; i < n; i++) {
    let e: f64 = -0.0, od: f64 = -0.0;
    let c = At + (<usize>i << 3);
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      e += load<f64>(x + (<usize>j << 3)) * load<f64>(c);
      od += load<f64>(x + (<usize>j << 3), 8) * load<f64>(c + stride);
      c += stride << 1;
    }
    if (j < n) e += load<f64>(x + (<usize>j << 3)) * load<f64>(c);
    store<f64>(out + (<usize>i << 3), e + od);
  }
}


/** The sign bit of an f32: x_j = ±1 enters the dense kernels as s_j = bits(x_j) & SIGN_BIT. */
const SIGN_BIT: u32 = 0x80000000;

/** w·x for x = ±1 given by its sign bit s: w with its sign bit flipped when x = −1 (exact). */
@inline function signed(w: f32, s: u32): f32 {
  return reinterpret<f32>(reinterpret<u32>(w) ^ s);
}

/**
 * out_i = Σ_j w_ij x_j for all i, for a symmetric W (f32, row-major) and a state x ∈ {±1}ᴺ (f32; only
 * the sign bits of x are read, so products are sign flips: exact). Only the upper triangle is read:
 * row i contributes its dot Σ_{j>i} w_ij x_j to out_i and x_i·w_ij to every out_j, j > i. Half the
 * matrix is read (N = 1000: 2 MB, about the L2 size) and each element is used twice.
 *
 * Rows go in panels of four, i…i+3 (the last N mod 4 rows form a smaller panel). For a panel:
 *  1. columns j ≥ i+4 in chunks of four (SIMD: one f32x4 per row and chunk; the scalar build does
 *     the same per lane):
 *       row dots, one accumulator per row and lane:  a_r[l] += w_{i+r,j} · x_j      (j ≡ l mod 4)
 *       column updates:  out_j += x_i·v_j,   v_j = (w_{i,j} + σ₁ w_{i+1,j}) + σ₂ (w_{i+2,j} + σ₃ w_{i+3,j})
 *     with σ₁ = x_i x_{i+1}, σ₂ = x_i x_{i+2}, σ₃ = x_{i+2} x_{i+3}: every sign is an add or a subtract,
 *     chosen once per panel (16 specialised SIMD loops, `sweep`), so the four-row update costs four
 *     adds/subtracts per chunk and no multiplications;
 *  2. the rest of the row: d_r = (a_r[0] + a_r[2]) + (a_r[1] + a_r[3]), then the columns past the
 *     last whole chunk one at a time (d_r += w x_j; out_j by the same v_j);
 *  3. the 4 × 4 diagonal block: out_{i+r} += d_r + Σ_{c=0…3} w_{i+min(r,c), i+max(r,c)} x_{i+c}, in c order.
 * Both builds perform these operations in this order, so they return the same bits; for integer
 * weights (Hebbian, |sums| < 2²⁴) every order gives the exact sum.
 */
export function matvec_sym_sign_f32(w: usize, xs: usize, out: usize, n: i32): void {
  memory.fill(out, 0, <usize>n << 2);
  const stride = <usize>n << 2;
  const lanes = changetype<usize>(panelLanes);
  const dots = changetype<usize>(panelDots);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const r0 = w + <usize>i * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
    const xp = xs + (<usize>i << 2);
    const s0 = load<u32>(xp) & SIGN_BIT, s1 = load<u32>(xp, 4) & SIGN_BIT;
    const s2 = load<u32>(xp, 8) & SIGN_BIT, s3 = load<u32>(xp, 12) & SIGN_BIT;
    // bit 0: σ₁ = −1, bit 1: σ₂ = −1, bit 2: σ₃ = −1, bit 3: x_i = −1.
    const signs = <i32>(s0 != s1) | (<i32>(s0 != s2) << 1) | (<i32>(s2 != s3) << 2) | (<i32>(s0 != 0) << 3);
    const j0 = i + 4;
    const jEnd = j0 + ((n - j0) & ~3); // whole chunks end here
    if (ASC_FEATURE_SIMD) sweepSimd(signs, r0, stride, xs, out, j0, jEnd);
    else sweepScalar(signs, r0, stride, xs, out, j0, jEnd);
    let d0 = laneSum(lanes), d1 = laneSum(lanes + 16), d2 = laneSum(lanes + 32), d3 = laneSum(lanes + 48);
    for (let j = jEnd; j < n; j++) {
      const q = <usize>j << 2;
      const sj = load<u32>(xs + q) & SIGN_BIT;
      const w0 = load<f32>(r0 + q), w1 = load<f32>(r1 + q), w2 = load<f32>(r2 + q), w3 = load<f32>(r3 + q);
      d0 += signed(w0, sj);
      d1 += signed(w1, sj);
      d2 += signed(w2, sj);
      d3 += signed(w3, sj);
      store<f32>(out + q, panelColumn(signs, w0, w1, w2, w3, load<f32>(out + q)));
    }
    store<f32>(dots, d0);
    store<f32>(dots, d1, 4);
    store<f32>(dots, d2, 8);
    store<f32>(dots, d3, 12);
    diagonalBlock(w, xs, out, n, i, 4, dots);
  }
  memory.fill(dots, 0, 16);
  diagonalBlock(w, xs, out, n, i, n - i, dots);
}

/** Row-dot lane accumulators of the current panel: 4 rows × 4 lanes f32 (row r at byte 16r). */
const panelLanes = memory.data(64, 16);
/** The panel's row dots d_r before the diagonal block (4 f32). */
const panelDots = memory.data(16, 16);

/** (a[0] + a[2]) + (a[1] + a[3]) of four f32 lane accumulators at `a`. */
@inline function laneSum(a: usize): f32 {
  return (load<f32>(a) + load<f32>(a, 8)) + (load<f32>(a, 4) + load<f32>(a, 12));
}

/** out_j + x_i·v_j of one column for a panel with the given `signs` (see matvec_sym_sign_f32), per lane. */
@inline function panelColumn(signs: i32, w0: f32, w1: f32, w2: f32, w3: f32, o: f32): f32 {
  const u01 = signs & 1 ? w0 - w1 : w0 + w1;
  const u23 = signs & 4 ? w2 - w3 : w2 + w3;
  const v = signs & 2 ? u01 - u23 : u01 + u23;
  return signs & 8 ? o - v : o + v;
}

/**
 * Step 3 of matvec_sym_sign_f32 for rows i…i+R−1: out_{i+r} += d_r + Σ_c w_{i+min(r,c), i+max(r,c)} x_{i+c}
 * (upper triangle only, diagonal included), with d_r read from `dots`. Shared by both builds.
 */
function diagonalBlock(w: usize, xs: usize, out: usize, n: i32, i: i32, rows: i32, dots: usize): void {
  for (let r = 0; r < rows; r++) {
    let h = load<f32>(dots + (<usize>r << 2));
    for (let c = 0; c < rows; c++) {
      const a = i + min(r, c), b = i + max(r, c);
      h += signed(load<f32>(w + ((<usize>a * n + b) << 2)), load<u32>(xs + (<usize>(i + c) << 2)) & SIGN_BIT);
    }
    const o = out + (<usize>(i + r) << 2);
    store<f32>(o, load<f32>(o) + h);
  }
}

/** Step 1 in the scalar build: the SIMD sweep's operations lane by lane, signs tested per column. */
function sweepScalar(signs: i32, r0: usize, stride: usize, xs: usize, out: usize, j0: i32, jEnd: i32): void {
  const lanes = changetype<usize>(panelLanes);
  memory.fill(lanes, 0, 64);
  const r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
  for (let j = j0; j < jEnd; j += 4) {
    for (let l = 0; l < 4; l++) {
      const q = <usize>(j + l) << 2, a = lanes + (<usize>l << 2);
      const sj = load<u32>(xs + q) & SIGN_BIT;
      const w0 = load<f32>(r0 + q), w1 = load<f32>(r1 + q), w2 = load<f32>(r2 + q), w3 = load<f32>(r3 + q);
      store<f32>(a, load<f32>(a) + signed(w0, sj));
      store<f32>(a, load<f32>(a, 16) + signed(w1, sj), 16);
      store<f32>(a, load<f32>(a, 32) + signed(w2, sj), 32);
      store<f32>(a, load<f32>(a, 48) + signed(w3, sj), 48);
      store<f32>(out + q, panelColumn(signs, w0, w1, w2, w3, load<f32>(out + q)));
    }
  }
}

// Compile-time add/subtract choice for the specialised SIMD sweeps: `Plus` and `Minus` only tag the
// generic instances (the types themselves are never used as values).
type Plus = u8;
type Minus = u16;

@inline function addOrSub<Op>(a: v128, b: v128): v128 {
  if (sizeof<Op>() == sizeof<Minus>()) return f32x4.sub(a, b);
  return f32x4.add(a, b);
}

/** out + x_i·v for four columns: `panelColumn` on f32x4 with the signs fixed at compile time. */
@inline function panelChunk<S1, S2, S3, Xi>(w0: v128, w1: v128, w2: v128, w3: v128, o: v128): v128 {
  return addOrSub<Xi>(o, addOrSub<S2>(addOrSub<S1>(w0, w1), addOrSub<S3>(w2, w3)));
}

/**
 * Step 1 with SIMD for one sign pattern: columns j0…jEnd−1 (jEnd − j0 a multiple of 4), one chunk
 * of four per iteration. The row-dot accumulators end in `panelLanes`.
 */
function sweep<S1, S2, S3, Xi>(r0: usize, stride: usize, xs: usize, out: usize, j0: i32, jEnd: i32): void {
  const r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
  const sign = i32x4.splat(SIGN_BIT);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  for (let j = j0; j < jEnd; j += 4) {
    const q = <usize>j << 2;
    const o = out + q;
    const sx = v128.and(v128.load(xs + q), sign);
    const w0 = v128.load(r0 + q), w1 = v128.load(r1 + q), w2 = v128.load(r2 + q), w3 = v128.load(r3 + q);
    a0 = f32x4.add(a0, v128.xor(w0, sx));
    a1 = f32x4.add(a1, v128.xor(w1, sx));
    a2 = f32x4.add(a2, v128.xor(w2, sx));
    a3 = f32x4.add(a3, v128.xor(w3, sx));
    v128.store(o, panelChunk<S1, S2, S3, Xi>(w0, w1, w2, w3, v128.load(o)));
  }
  const lanes = changetype<usize>(panelLanes);
  v128.store(lanes, a0);
  v128.store(lanes, a1, 16);
  v128.store(lanes, a2, 32);
  v128.store(lanes, a3, 48);
}

/** Dispatches step 1 to the SIMD sweep specialised for the panel's sign pattern. */
function sweepSimd(signs: i32, r0: usize, stride: usize, xs: usize, out: usize, j0: i32, jEnd: i32): void {
  switch (signs) {
    case 0: sweep<Plus, Plus, Plus, Plus>(r0, stride, xs, out, j0, jEnd); break;
    case 1: sweep<Minus, Plus, Plus, Plus>(r0, stride, xs, out, j0, jEnd); break;
    case 2: sweep<Plus, Minus, Plus, Plus>(r0, stride, xs, out, j0, jEnd); break;
    case 3: sweep<Minus, Minus, Plus, Plus>(r0, stride, xs, out, j0, jEnd); break;
    case 4: sweep<Plus, Plus, Minus, Plus>(r0, stride, xs, out, j0, jEnd); break;
    case 5: sweep<Minus, Plus, Minus, Plus>(r0, stride, xs, out, j0, jEnd); break;
    case 6: sweep<Plus, Minus, Minus, Plus>(r0, stride, xs, out, j0, jEnd); break;
    case 7: sweep<Minus, Minus, Minus, Plus>(r0, stride, xs, out, j0, jEnd); break;
    case 8: sweep<Plus, Plus, Plus, Minus>(r0, stride, xs, out, j0, jEnd); break;
    case 9: sweep<Minus, Plus, Plus, Minus>(r0, stride, xs, out, j0, jEnd); break;
    case 10: sweep<Plus, Minus, Plus, Minus>(r0, stride, xs, out, j0, jEnd); break;
    case 11: sweep<Minus, Minus, Plus, Minus>(r0, stride, xs, out, j0, jEnd); break;
    case 12: sweep<Plus, Plus, Minus, Minus>(r0, stride, xs, out, j0, jEnd); break;
    case 13: sweep<Minus, Plus, Minus, Minus>(r0, stride, xs, out, j0, jEnd); break;
    case 14: sweep<Plus, Minus, Minus, Minus>(r0, stride, xs, out, j0, jEnd); break;
    default: sweep<Minus, Minus, Minus, Minus>(r0, stride, xs, out, j0, jEnd); break;
  }
}
