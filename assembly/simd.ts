// Reductions shared by the models, each with a SIMD body and its scalar twin.
//
// `ASC_FEATURE_SIMD` is a compile-time constant: the SIMD build (`--enable simd`) compiles the v128
// branch, the scalar build compiles the other. Both branches add in the same order (four partial
// sums, lanes i ≡ 0,1,2,3 mod 4, combined as (s0 + s2) + (s1 + s3), then the tail in order), so the
// two builds return the same bits and tests can compare them exactly.

/**
 * Dot product Σ_{i<n} a[i]·b[i] of two f64 arrays at byte addresses `a` and `b`.
 * Four partial sums (two f64x2 accumulators) hide the add latency.
 */
export function dot_f64(a: usize, b: usize, n: i32): f64 {
  let i = 0;
  let sum: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc01 = f64x2.splat(0);
    let acc23 = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const off = (<usize>i) << 3;
      acc01 = f64x2.add(acc01, f64x2.mul(v128.load(a + off), v128.load(b + off)));
      acc23 = f64x2.add(acc23, f64x2.mul(v128.load(a + off, 16), v128.load(b + off, 16)));
    }
    const acc = f64x2.add(acc01, acc23);
    sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  } else {
    let s0: f64 = 0,
      s1: f64 = 0,
      s2: f64 = 0,
      s3: f64 = 0;
    for (; i + 4 <= n; i += 4) {
      const off = (<usize>i) << 3;
      s0 += load<f64>(a + off) * load<f64>(b + off);
      s1 += load<f64>(a + off, 8) * load<f64>(b + off, 8);
      s2 += load<f64>(a + off, 16) * load<f64>(b + off, 16);
      s3 += load<f64>(a + off, 24) * load<f64>(b + off, 24);
    }
    sum = s0 + s2 + (s1 + s3);
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 3;
    sum += load<f64>(a + off) * load<f64>(b + off);
  }
  return sum;
}

/**
 * Σ_i a_i b_i over n f32 values. SIMD: two f32x4 accumulators over blocks of eight; the scalar twin
 * keeps the same eight partial sums and combines them in the same order (same bits).
 */
export function dot_f32(a: usize, b: usize, n: i32): f32 {
  let i = 0;
  let sum: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f32x4.splat(0),
      acc1 = f32x4.splat(0);
    for (; i + 8 <= n; i += 8) {
      const o = (<usize>i) << 2;
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    }
    const lanes = f32x4.add(acc0, acc1);
    sum =
      f32x4.extract_lane(lanes, 0) +
      f32x4.extract_lane(lanes, 1) +
      (f32x4.extract_lane(lanes, 2) + f32x4.extract_lane(lanes, 3));
  } else {
    let p0: f32 = 0,
      p1: f32 = 0,
      p2: f32 = 0,
      p3: f32 = 0,
      p4: f32 = 0,
      p5: f32 = 0,
      p6: f32 = 0,
      p7: f32 = 0;
    for (; i + 8 <= n; i += 8) {
      const pa = a + ((<usize>i) << 2),
        pb = b + ((<usize>i) << 2);
      p0 += load<f32>(pa) * load<f32>(pb);
      p1 += load<f32>(pa, 4) * load<f32>(pb, 4);
      p2 += load<f32>(pa, 8) * load<f32>(pb, 8);
      p3 += load<f32>(pa, 12) * load<f32>(pb, 12);
      p4 += load<f32>(pa, 16) * load<f32>(pb, 16);
      p5 += load<f32>(pa, 20) * load<f32>(pb, 20);
      p6 += load<f32>(pa, 24) * load<f32>(pb, 24);
      p7 += load<f32>(pa, 28) * load<f32>(pb, 28);
    }
    sum = p0 + p4 + (p1 + p5) + (p2 + p6 + (p3 + p7));
  }
  for (; i < n; i++) sum += load<f32>(a + ((<usize>i) << 2)) * load<f32>(b + ((<usize>i) << 2));
  return sum;
}

/** 1 when this module was compiled with SIMD, 0 for the scalar build. */
export function simd_enabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
