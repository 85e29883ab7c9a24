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
      const off = <usize>i << 3;
      acc01 = f64x2.add(acc01, f64x2.mul(v128.load(a + off), v128.load(b + off)));
      acc23 = f64x2.add(acc23, f64x2.mul(v128.load(a + off, 16), v128.load(b + off, 16)));
    }
    const acc = f64x2.add(acc01, acc23);
    sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  } else {
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 3;
      s0 += load<f64>(a + off) * load<f64>(b + off);
      s1 += load<f64>(a + off, 8) * load<f64>(b + off, 8);
      s2 += load<f64>(a + off, 16) * load<f64>(b + off, 16);
      s3 += load<f64>(a + off, 24) * load<f64>(b + off, 24);
    }
    sum = (s0 + s2) + (s1 + s3);
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    sum += load<f64>(a + off) * load<f64>(b + off);
  }
  return sum;
}

/** 1 when this module was compiled with SIMD, 0 for the scalar build. */
export function simd_enabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
