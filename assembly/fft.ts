// FFT path for long kernels: an in-place radix-2 complex FFT (f64) and the circular convolution of
// assembly/contrastive.ts computed with it by overlap-save (Oppenheim & Schafer, Discrete-Time Signal
// Processing, 3rd ed., §8.7.3).
//
// A complex number is 16 bytes (re, im); the SIMD build holds one in an f64x2. The scalar build
// evaluates the same products and sums in the same order (wasm never fuses a multiply-add), so both
// builds return the same bits. A complex product b·w is always (br·wr + bi·(−wi), bi·wr + br·wi).
//
// Twiddle table (fft_twiddles_f64): for each stage half = 1, 2, 4, … n/2, at entry (half − 1), the
// factors w_k = e^{−2πik/(2·half)}, k < half, each stored as 32 bytes (wr, wr, −wi, wi) so that the
// SIMD product is b·(wr, wr) + swap(b)·(−wi, wi) with two plain loads: n − 1 entries, 32(n − 1) bytes.

/** Fills the table described above for n = 2^logn (32·(n − 1) bytes at tw). */
export function fft_twiddles_f64(tw: usize, logn: i32): void {
  const n = 1 << logn, half = n >> 1;
  if (half == 0) return;
  const top = tw + (<usize>(half - 1) << 5);
  for (let k = 0; k < half; k++) {
    const theta = (-2 * Math.PI * <f64>k) / <f64>n;
    const wr = Math.cos(theta), wi = Math.sin(theta), p = top + (<usize>k << 5);
    store<f64>(p, wr); store<f64>(p, wr, 8); store<f64>(p, -wi, 16); store<f64>(p, wi, 24);
  }
  // Smaller stages: e^{−2πik/(2h)} = e^{−2πi(k·half/h)/n}, entries of the top stage.
  for (let h = half >> 1; h >= 1; h >>= 1) {
    const stage = tw + (<usize>(h - 1) << 5), stride = half / h;
    for (let k = 0; k < h; k++) memory.copy(stage + (<usize>k << 5), top + (<usize>(k * stride) << 5), 32);
  }
}

/** Swaps z[i] and z[rev(i)]: the bit-reversal permutation of n complex values. */
function bit_reverse(z: usize, n: i32): void {
  for (let i = 0, j = 0; i < n; i++) {
    if (i < j) {
      const p = z + (<usize>i << 4), q = z + (<usize>j << 4);
      const pr = load<u64>(p), pi = load<u64>(p, 8);
      store<u64>(p, load<u64>(q)); store<u64>(p, load<u64>(q, 8), 8);
      store<u64>(q, pr); store<u64>(q, pi, 8);
    }
    let bit = n >> 1; // j ← rev(i + 1): add 1 to j from its top bit down
    while (bit > 0 && (j & bit) != 0) { j ^= bit; bit >>= 1; }
    j |= bit;
  }
}

/** First/last radix-2 stage (half = 1, w = 1): (a, b) ← (a + b, a − b) on adjacent pairs. */
function stage_pairs(z: usize, n: i32): void {
  for (let i = 0; i + 2 <= n; i += 2) {
    const p = z + (<usize>i << 4);
    if (ASC_FEATURE_SIMD) {
      const a = v128.load(p), b = v128.load(p, 16);
      v128.store(p, f64x2.add(a, b));
      v128.store(p, f64x2.sub(a, b), 16);
    } else {
      const ar = load<f64>(p), ai = load<f64>(p, 8), br = load<f64>(p, 16), bi = load<f64>(p, 24);
      store<f64>(p, ar + br); store<f64>(p, ai + bi, 8);
      store<f64>(p, ar - br, 16); store<f64>(p, ai - bi, 24);
    }
  }
}

/**
 * b·w for the complex b and the twiddle entry at `w`, stored (wr, wr, −wi, wi): one f64x2 is
 * (re, im), so b·w = b·(wr, wr) + swap(b)·(−wi, wi). The scalar twins below compute the same sums.
 */
@inline function twiddleSimd(b: v128, w: usize): v128 {
  return f64x2.add(f64x2.mul(b, v128.load(w)), f64x2.mul(v128.shuffle<f64>(b, b, 1, 0), v128.load(w, 16)));
}

@inline function twiddleRe(br: f64, bi: f64, w: usize): f64 {
  return br * load<f64>(w) + bi * load<f64>(w, 16);
}

@inline function twiddleIm(br: f64, bi: f64, w: usize): f64 {
  return bi * load<f64>(w) + br * load<f64>(w, 24);
}

/**
 * Decimation in time without the permutation: input in bit-reversed order, output the DFT in natural
 * order. Stages half = 1, 2, … n/2 of butterflies (a, b) ← (a + w·b, a − w·b).
 */
function dit(z: usize, n: i32, tw: usize): void {
  stage_pairs(z, n);
  for (let half = 2; half < n; half <<= 1) {
    const span = <usize>half << 4, stage = tw + (<usize>(half - 1) << 5);
    for (let start = 0; start < n; start += half << 1) {
      const block = z + (<usize>start << 4);
      for (let k = 0; k < half; k++) {
        const p = block + (<usize>k << 4), q = p + span, w = stage + (<usize>k << 5);
        if (ASC_FEATURE_SIMD) {
          const a = v128.load(p), t = twiddleSimd(v128.load(q), w);
          v128.store(p, f64x2.add(a, t));
          v128.store(q, f64x2.sub(a, t));
        } else {
          const br = load<f64>(q), bi = load<f64>(q, 8), ar = load<f64>(p), ai = load<f64>(p, 8);
          const tr = twiddleRe(br, bi, w), ti = twiddleIm(br, bi, w);
          store<f64>(p, ar + tr); store<f64>(p, ai + ti, 8);
          store<f64>(q, ar - tr); store<f64>(q, ai - ti, 8);
        }
      }
    }
  }
}

/**
 * Decimation in frequency without the permutation: input in natural order, output the DFT in
 * bit-reversed order. Stages half = n/2, … 2, 1 of butterflies (a, b) ← (a + b, (a − b)·w).
 */
function dif(z: usize, n: i32, tw: usize): void {
  for (let half = n >> 1; half >= 2; half >>= 1) {
    const span = <usize>half << 4, stage = tw + (<usize>(half - 1) << 5);
    for (let start = 0; start < n; start += half << 1) {
      const block = z + (<usize>start << 4);
      for (let k = 0; k < half; k++) {
        const p = block + (<usize>k << 4), q = p + span, w = stage + (<usize>k << 5);
        if (ASC_FEATURE_SIMD) {
          const a = v128.load(p), b = v128.load(q), d = f64x2.sub(a, b);
          v128.store(p, f64x2.add(a, b));
          v128.store(q, twiddleSimd(d, w));
        } else {
          const ar = load<f64>(p), ai = load<f64>(p, 8), br = load<f64>(q), bi = load<f64>(q, 8);
          const dr = ar - br, di = ai - bi;
          store<f64>(p, ar + br); store<f64>(p, ai + bi, 8);
          store<f64>(q, twiddleRe(dr, di, w)); store<f64>(q, twiddleIm(dr, di, w), 8);
        }
      }
    }
  }
  stage_pairs(z, n);
}

/**
 * In place, the unnormalised forward DFT of n = 2^logn complex values at z,
 *   Z[k] = Σ_{m<n} z[m] e^{−2πikm/n},
 * by the iterative radix-2 Cooley–Tukey algorithm (Cooley & Tukey, Math. Comp. 19 (1965) 297):
 * bit reversal, then log2 n stages of decimation-in-time butterflies. tw: fft_twiddles_f64(tw, logn).
 * The inverse is conj(fft_f64(conj(Z)))/n.
 */
export function fft_f64(z: usize, logn: i32, tw: usize): void {
  const n = 1 << logn;
  bit_reverse(z, n);
  dit(z, n, tw);
}

/** z[k] ← conj(z[k]·h[k]) for n complex values (the product written as everywhere in this file). */
function mul_conj(z: usize, h: usize, n: i32): void {
  for (let k = 0; k < n; k++) {
    const p = z + (<usize>k << 4), q = h + (<usize>k << 4);
    if (ASC_FEATURE_SIMD) {
      const a = v128.load(p), hv = v128.load(q);
      const hr = v128.shuffle<f64>(hv, hv, 0, 0), hi = f64x2.mul(v128.shuffle<f64>(hv, hv, 1, 1), f64x2(-1, 1));
      const t = f64x2.add(f64x2.mul(a, hr), f64x2.mul(v128.shuffle<f64>(a, a, 1, 0), hi));
      v128.store(p, f64x2.mul(t, f64x2(1, -1)));
    } else {
      const hr = load<f64>(q), hi = load<f64>(q, 8), ar = load<f64>(p), ai = load<f64>(p, 8);
      store<f64>(p, ar * hr + ai * -hi); store<f64>(p, -(ai * hr + ar * hi), 8);
    }
  }
}

/**
 * The same result as conv_direct_f64, out[i] = scale · Σ_{j<L} K[j] ext[i + L − 1 − j] for i < N (ext of
 * length N + L − 1 from extend_periodic_f64), by overlap-save with FFT blocks of B = 2^logb ≥ L points:
 * the B-point circular convolution of K with x[m] = ext[s + m] equals the linear one at m ≥ L − 1, so
 * a block gives the B − L + 1 outputs i = s … s + B − L. Real-input trick: two consecutive blocks go
 * in one complex FFT (block a as re, block b as im); K is real, so IFFT(H · FFT(a + ib)) = K⊛a + i·K⊛b.
 * Forward transforms are decimation in frequency (output bit-reversed), the inverse is decimation in
 * time fed bit-reversed input, as conj(DFT(conj(·))): no permutation pass at all. O(N log B).
 * tw: fft_twiddles_f64(tw, logb); work: 32·B bytes (the kernel's spectrum H, then the block pair).
 */
export function conv_fft_f64(
  out: usize, ext: usize, n: i32, kernel: usize, taps: i32, scale: f64, logb: i32, tw: usize, work: usize,
): void {
  const b = 1 << logb, step = b - taps + 1, extLength = n + taps - 1;
  const h = work, z = work + (<usize>b << 4);
  // H = DFT of the zero-padded kernel (bit-reversed order).
  memory.fill(h, 0, <usize>b << 4);
  for (let j = 0; j < taps; j++) store<f64>(h + (<usize>j << 4), load<f64>(kernel + (<usize>j << 3)));
  dif(h, b, tw);
  const factor = scale / <f64>b; // the inverse's 1/B and the caller's scale
  for (let s = 0; s < n; s += step << 1) {
    // z[m] = (ext[s + m], ext[s + step + m]), zero past the end of ext.
    for (let m = 0; m < b; m++) {
      const ia = s + m, ib = s + step + m;
      store<f64>(z + (<usize>m << 4), ia < extLength ? load<f64>(ext + (<usize>ia << 3)) : 0);
      store<f64>(z + (<usize>m << 4), ib < extLength ? load<f64>(ext + (<usize>ib << 3)) : 0, 8);
    }
    dif(z, b, tw);
    mul_conj(z, h, b);
    dit(z, b, tw); // = conj(B·(K⊛a + i·K⊛b)): re is block a, −im block b
    const lastA = min(step, n - s), lastB = min(step, n - s - step);
    const valid = z + (<usize>(taps - 1) << 4);
    for (let m = 0; m < lastA; m++) {
      store<f64>(out + (<usize>(s + m) << 3), factor * load<f64>(valid + (<usize>m << 4)));
    }
    for (let m = 0; m < lastB; m++) {
      store<f64>(out + (<usize>(s + step + m) << 3), -factor * load<f64>(valid + (<usize>m << 4), 8));
    }
  }
}
