// Contrastive learning through non-equilibrium memory (shared/spec/MODELS.md §3; Falk, Strupp,
// Scellier & Murugan, Nat. Commun. 16 (2025)): the memory u = K ∗ s of a periodic synaptic signal,
// the threshold g_θ and the weight update over one period (Eqs. 3, 6, 7).
//
// Circular convolution. With an alignment shift (0: causal; ⌊L/2⌋: SciPy convolve1d(mode='wrap'))
//   c[i] = scale · Σ_{j<L} K[j] s[(i − j + shift) mod N],   i = 0 … N−1.
// The signal is first laid out periodically extended, ext[m] = s[(m − (L−1) + shift) mod N] for
// m = 0 … N+L−2, so that c[i] = scale · Σ_j K[j] ext[i + L − 1 − j]: consecutive outputs read
// consecutive samples, which is what the SIMD loop needs.

/** ext[m] = s[(m − (L−1) + shift) mod N] for m < N + L − 1 (L ≤ N, 0 ≤ shift < N). */
export function extend_periodic(ext: usize, s: usize, n: i32, taps: i32, shift: i32): void {
  let src = (shift - (taps - 1)) % n;
  if (src < 0) src += n;
  for (let m = 0; m < n + taps - 1; m++) {
    store<f64>(ext + (<usize>m << 3), load<f64>(s + (<usize>src << 3)));
    src = src + 1 == n ? 0 : src + 1;
  }
}

/**
 * out[i] = scale · Σ_{j<L} K[j] ext[i + L − 1 − j] for i < N (direct form, O(NL)). SIMD: outputs i,
 * i+1 as one f64x2 with two accumulators (even and odd taps); the scalar twin keeps the same four
 * partial sums, so both builds return the same bits.
 */
export function conv_direct(out: usize, ext: usize, n: i32, kernel: usize, taps: i32, scale: f64): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      let even = f64x2.splat(0), odd = f64x2.splat(0);
      const base = ext + (<usize>(i + taps - 1) << 3);
      let j = 0;
      for (; j + 2 <= taps; j += 2) {
        const a = base - (<usize>j << 3);
        even = f64x2.add(even, f64x2.mul(f64x2.splat(load<f64>(kernel + (<usize>j << 3))), v128.load(a)));
        odd = f64x2.add(odd, f64x2.mul(f64x2.splat(load<f64>(kernel + (<usize>j << 3), 8)), v128.load(a - 8)));
      }
      if (j < taps) even = f64x2.add(even, f64x2.mul(f64x2.splat(load<f64>(kernel + (<usize>j << 3))), v128.load(base - (<usize>j << 3))));
      const sum = f64x2.mul(f64x2.splat(scale), f64x2.add(even, odd));
      v128.store(out + (<usize>i << 3), sum);
    }
  } else {
    for (; i + 2 <= n; i += 2) {
      let e0: f64 = 0, e1: f64 = 0, o0: f64 = 0, o1: f64 = 0;
      const base = ext + (<usize>(i + taps - 1) << 3);
      let j = 0;
      for (; j + 2 <= taps; j += 2) {
        const a = base - (<usize>j << 3);
        const k0 = load<f64>(kernel + (<usize>j << 3)), k1 = load<f64>(kernel + (<usize>j << 3), 8);
        e0 += k0 * load<f64>(a); e1 += k0 * load<f64>(a, 8);
        o0 += k1 * load<f64>(a - 8); o1 += k1 * load<f64>(a);
      }
      if (j < taps) {
        const k0 = load<f64>(kernel + (<usize>j << 3)), a = base - (<usize>j << 3);
        e0 += k0 * load<f64>(a); e1 += k0 * load<f64>(a, 8);
      }
      store<f64>(out + (<usize>i << 3), scale * (e0 + o0));
      store<f64>(out + (<usize>i << 3), scale * (e1 + o1), 8);
    }
  }
  for (; i < n; i++) {
    let even: f64 = 0, odd: f64 = 0;
    const base = ext + (<usize>(i + taps - 1) << 3);
    let j = 0;
    for (; j + 2 <= taps; j += 2) {
      even += load<f64>(kernel + (<usize>j << 3)) * load<f64>(base - (<usize>j << 3));
      odd += load<f64>(kernel + (<usize>j << 3), 8) * load<f64>(base - (<usize>(j + 1) << 3));
    }
    if (j < taps) even += load<f64>(kernel + (<usize>j << 3)) * load<f64>(base - (<usize>j << 3));
    store<f64>(out + (<usize>i << 3), scale * (even + odd));
  }
}

/**
 * Δw = trapezoid of g_θ(c) with step dt over the N samples (endpoint excluded, as the authors'
 * code), for c_i = offset + amplitude·r_i: dt·(Σ_i g(c_i) − (g(c_0) + g(c_{N−1}))/2) with
 * g_θ(x) = x if |x| ≥ θ else 0 (Eqs. 6–7). The affine form lets one convolution r = dt·K ∗ φ of the
 * unit protocol serve every amplitude (s = s̄ + Aφ, so K ∗ s = s̄ΣK + A·K ∗ φ).
 */
export function threshold_trapezoid(r: usize, n: i32, offset: f64, amplitude: f64, theta: f64, dt: f64): f64 {
  // Σ_i g(c_i) with even/odd partial sums: SIMD lanes, or their scalar twin (same bits).
  let i = 0;
  let sum: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const vo = f64x2.splat(offset), va = f64x2.splat(amplitude), vt = f64x2.splat(theta), zero = f64x2.splat(0);
    let acc = f64x2.splat(0);
    for (; i + 2 <= n; i += 2) {
      const x = f64x2.add(vo, f64x2.mul(va, v128.load(r + (<usize>i << 3))));
      acc = f64x2.add(acc, v128.bitselect(x, zero, f64x2.ge(f64x2.abs(x), vt)));
    }
    sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  } else {
    let even: f64 = 0, odd: f64 = 0;
    for (; i + 2 <= n; i += 2) {
      const x0 = offset + amplitude * load<f64>(r + (<usize>i << 3));
      const x1 = offset + amplitude * load<f64>(r + (<usize>i << 3), 8);
      even += Math.abs(x0) >= theta ? x0 : 0;
      odd += Math.abs(x1) >= theta ? x1 : 0;
    }
    sum = even + odd;
  }
  for (; i < n; i++) {
    const x = offset + amplitude * load<f64>(r + (<usize>i << 3));
    if (Math.abs(x) >= theta) sum += x;
  }
  const first = offset + amplitude * load<f64>(r), last = offset + amplitude * load<f64>(r + (<usize>(n - 1) << 3));
  const ends = (Math.abs(first) >= theta ? first : 0) + (Math.abs(last) >= theta ? last : 0);
  return dt * (sum - 0.5 * ends);
}
