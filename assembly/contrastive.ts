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
export function extend_periodic_f64(ext: usize, s: usize, n: i32, taps: i32, shift: i32): void {
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
export function conv_direct_f64(out: usize, ext: usize, n: i32, kernel: usize, taps: i32, scale: f64): void {
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
      if (j < taps) {
        even = f64x2.add(
          even, f64x2.mul(f64x2.splat(load<f64>(kernel + (<usize>j << 3))), v128.load(base - (<usize>j << 3))),
        );
      }
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
export function contrastive_threshold_trapezoid(
  r: usize, n: i32, offset: f64, amplitude: f64, theta: f64, dt: f64,
): f64 {
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

// ---------------------------------------------------------------------------------------------
// Δw for many amplitudes at once, by crossings
// ---------------------------------------------------------------------------------------------

/** The four monotone tests of `firstFalse`: x ≤ c, x < c, x ≥ c, x > c. */
const LE = 0, LT = 1, GE = 2, GT = 3;

@inline function holds(x: f64, c: f64, test: i32): bool {
  return test == LE ? x <= c : test == LT ? x < c : test == GE ? x >= c : x > c;
}

/**
 * The first k in [0, m] at which T(k) = test(offset + A_k·r, c) is false (m if none), for amplitudes
 * A_0 ≤ … ≤ A_{m−1} at `amps` and a test that is true then false as k grows. Galloping search from
 * `guess` (consecutive samples have nearby answers), then bisection; the answer is fixed by T alone,
 * whatever the guess.
 */
@inline function firstFalse(amps: usize, m: i32, offset: f64, r: f64, c: f64, test: i32, guess: i32): i32 {
  let lo: i32, hi: i32;
  if (guess < m && holds(offset + load<f64>(amps + (<usize>guess << 3)) * r, c, test)) {
    lo = guess + 1; // answer ≥ lo
    hi = m;
    let step = 1;
    while (true) {
      const probe = lo + step - 1;
      if (probe >= m) break;
      if (!holds(offset + load<f64>(amps + (<usize>probe << 3)) * r, c, test)) { hi = probe; break; }
      lo = probe + 1;
      step <<= 1;
    }
  } else {
    hi = guess; // answer ≤ hi
    lo = 0;
    let step = 1;
    while (true) {
      const probe = hi - step;
      if (probe < 0) break;
      if (holds(offset + load<f64>(amps + (<usize>probe << 3)) * r, c, test)) { lo = probe + 1; break; }
      hi = probe;
      step <<= 1;
    }
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holds(offset + load<f64>(amps + (<usize>mid << 3)) * r, c, test)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * out[k] = Δw(A_k) for m amplitudes A_0 ≤ … ≤ A_{m−1} (sorted, at `amps`): the same trapezoid of
 * g_θ(c_i), c_i = offset + A_k·r_i, as `contrastive_threshold_trapezoid`, for every amplitude in one pass over the
 * N samples instead of m passes.
 *
 * Why it is exact: fl(offset + fl(A·r)) is monotone in A (IEEE rounding is monotone), so with the
 * amplitudes sorted the samples' tests |c_i| ≥ θ split k into a prefix where c_i lies beyond one side
 * of the threshold and a suffix where it lies beyond the other (disjoint for θ > 0):
 *   r ≥ 0: prefix {c ≤ −θ} ends at p = first k with ¬(c ≤ −θ), suffix {c ≥ θ} starts at q = first k with ¬(c < θ);
 *   r < 0: prefix {c ≥ θ} ends at p = first k with ¬(c ≥ θ), suffix {c ≤ −θ} starts at q = first k with ¬(c > −θ).
 * p and q are found by evaluating the very expression `contrastive_threshold_trapezoid` tests, so every sample
 * passes for exactly the amplitudes it passes there. With trapezoid weights w_i (½ at both ends),
 *   Δw(A_k) = dt·(offset·W_k + A_k·R_k),  W_k = Σ_{passing i} w_i,  R_k = Σ_{passing i} w_i r_i,
 * where W_k, R_k come from per-k histograms of (p, w, w·r) and (q, w, w·r) and running sums over k
 * (the prefix part from the top down, the suffix part from the bottom up, so no sum subtracts).
 * The result equals the per-amplitude sums up to rounding (the order of summation differs); θ = 0
 * passes every sample. Cost O(N·(1 + log distance between neighbours' crossings) + m). Scalar code,
 * the same in both builds. `work` holds 4(m + 1) f64.
 */
export function contrastive_threshold_curve(
  out: usize, r: usize, n: i32, offset: f64, amps: usize, m: i32, theta: f64, dt: f64, work: usize,
): void {
  const m1 = <usize>(m + 1);
  const prefixW = work, prefixR = work + (m1 << 3), suffixW = work + (m1 << 4), suffixR = work + m1 * 24;
  memory.fill(work, 0, m1 << 5);
  let p = 0, q = m;
  for (let i = 0; i < n; i++) {
    const ri = load<f64>(r + (<usize>i << 3));
    const w: f64 = n == 1 ? 0 : i == 0 || i == n - 1 ? 0.5 : 1;
    if (theta == 0) {
      p = m; // every sample passes at every amplitude: a prefix covering all k
      q = m;
    } else if (ri >= 0) {
      p = firstFalse(amps, m, offset, ri, -theta, LE, p);
      q = firstFalse(amps, m, offset, ri, theta, LT, q);
    } else {
      p = firstFalse(amps, m, offset, ri, theta, GE, p);
      q = firstFalse(amps, m, offset, ri, -theta, GT, q);
    }
    const pa = <usize>p << 3, qa = <usize>q << 3;
    store<f64>(prefixW + pa, load<f64>(prefixW + pa) + w);
    store<f64>(prefixR + pa, load<f64>(prefixR + pa) + w * ri);
    store<f64>(suffixW + qa, load<f64>(suffixW + qa) + w);
    store<f64>(suffixR + qa, load<f64>(suffixR + qa) + w * ri);
  }
  // Prefix part: the samples with p > k pass at k (running sums from the top down, each stored
  // back into the slot k + 1 it has just consumed); suffix part: q ≤ k (running sums upwards).
  let wDown: f64 = 0, rDown: f64 = 0;
  for (let k = m - 1; k >= 0; k--) {
    const a = <usize>(k + 1) << 3;
    wDown += load<f64>(prefixW + a);
    rDown += load<f64>(prefixR + a);
    store<f64>(prefixW + a, wDown);
    store<f64>(prefixR + a, rDown);
  }
  let wUp: f64 = 0, rUp: f64 = 0;
  for (let k = 0; k < m; k++) {
    const a = <usize>k << 3;
    wUp += load<f64>(suffixW + a);
    rUp += load<f64>(suffixR + a);
    const W = load<f64>(prefixW + a + 8) + wUp, R = load<f64>(prefixR + a + 8) + rUp;
    store<f64>(out + a, dt * (offset * W + load<f64>(amps + a) * R));
  }
}

// ---------------------------------------------------------------------------------------------
// The response to a sampled sawtooth, without a convolution
// ---------------------------------------------------------------------------------------------

/**
 * out[i] = scale · Σ_{j<L} K[j] φ[(i − j + shift) mod N], i < N, for a periodic signal that is affine
 * on two phases: φ[m] = f0 + f1·m for m < nf, φ[m] = s0 + s1·m for nf ≤ m < N (the sampled sawtooth
 * of Eq. 5, and so the same sum as `conv_direct_f64` on its samples), in O(N + L) instead of O(N·L).
 *
 * Going down from m = i + shift, the window m = i + shift − j, j = 0 … L−1 (L ≤ N) crosses at most
 * two phase starts (m ≡ 0 and m ≡ nf mod N), so it splits into at most three runs of consecutive j
 * on which φ is affine: φ = a0 + a1·(pm + j₀ − j) for a run starting at j₀ at period index pm. On a
 * run [j₀, j₁]
 *   Σ K[j] φ = (a0 + a1·(pm + j₀))·(P0[j₁+1] − P0[j₀]) − a1·(P1[j₁+1] − P1[j₀])
 * with the prefix sums P0[j] = Σ_{j′<j} K[j′] and P1[j] = Σ_{j′<j} j′·K[j′] (L + 1 values each at
 * p0, p1, computed by the caller). 0 ≤ shift < N. Scalar code, the same bits in both builds.
 */
export function contrastive_sawtooth_response(
  out: usize, p0: usize, p1: usize, taps: i32, n: i32, nf: i32, shift: i32,
  f0: f64, f1: f64, s0: f64, s1: f64, scale: f64,
): void {
  const total0 = load<f64>(p0 + (<usize>taps << 3)), total1 = load<f64>(p1 + (<usize>taps << 3));
  for (let i = 0; i < n; i++) {
    let top = i + shift; // the period index of m at j, unwrapped: −N < top < 2N
    if (top >= n) top -= n;
    // One run (the common case): the whole window inside the phase of `top`.
    const fast = top < nf;
    const start = fast ? 0 : nf;
    if (top - start + 1 >= taps) {
      const a0 = fast ? f0 : s0, a1 = fast ? f1 : s1;
      store<f64>(out + (<usize>i << 3), scale * ((a0 + a1 * <f64>top) * total0 - a1 * total1));
      continue;
    }
    let acc: f64 = 0;
    let j = 0;
    while (j < taps) {
      if (top < 0) top += n;
      const inFast = top < nf;
      const first = inFast ? 0 : nf;
      const last = min(taps - 1, j + top - first); // the run ends at the phase start (or the kernel's end)
      const a0 = inFast ? f0 : s0, a1 = inFast ? f1 : s1;
      const lo = <usize>j << 3, hi = <usize>(last + 1) << 3;
      acc += (a0 + a1 * <f64>(top + j)) * (load<f64>(p0 + hi) - load<f64>(p0 + lo))
        - a1 * (load<f64>(p1 + hi) - load<f64>(p1 + lo));
      top -= last - j + 1;
      j = last + 1;
    }
    store<f64>(out + (<usize>i << 3), scale * acc);
  }
}
