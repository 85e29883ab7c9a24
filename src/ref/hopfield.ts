/**
 * Plain-TS reference for Hopfield networks (spec §2): weights by the three storage rules written
 * from their definitions, fields and energy by explicit sums. O(N²K) and slow; used only by tests.
 */
export function refHebbian(patterns: Int8Array[]): Float64Array {
  const n = patterns[0].length;
  const w = new Float64Array(n * n);
  for (const xi of patterns) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) w[i * n + j] += (xi[i] * xi[j]) / n;
  }
  return w;
}

/** Storkey (1997): w_ij += (ε_i ε_j − ε_i h_ji − h_ij ε_j)/N with h_ij = Σ_{k≠i,j} w_ik ε_k. */
export function refStorkey(patterns: Int8Array[]): Float64Array {
  const n = patterns[0].length;
  let w = new Float64Array(n * n);
  for (const e of patterns) {
    const local = (i: number, j: number) => {
      let h = 0;
      for (let k = 0; k < n; k++) if (k !== i && k !== j) h += w[i * n + k] * e[k];
      return h;
    };
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        next[i * n + j] = w[i * n + j] + (e[i] * e[j] - e[i] * local(j, i) - local(i, j) * e[j]) / n;
      }
    }
    w = next;
  }
  return w;
}

/** Personnaz et al. (1985): W = Ξ (ΞᵀΞ)⁻¹ Ξᵀ, with the inverse by Gauss–Jordan elimination. */
export function refPseudoinverse(patterns: Int8Array[]): Float64Array {
  const n = patterns[0].length,
    k = patterns.length;
  const a = Array.from({ length: k }, (_, r) => {
    const row = new Float64Array(2 * k);
    for (let c = 0; c < k; c++) {
      let g = 0;
      for (let i = 0; i < n; i++) g += patterns[r][i] * patterns[c][i];
      row[c] = g;
    }
    row[k + r] = 1;
    return row;
  });
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 2 * k; j++) a[c][j] /= d;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j < 2 * k; j++) a[r][j] -= f * a[c][j];
    }
  }
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) v += patterns[p][i] * a[p][k + q] * patterns[q][j];
      w[i * n + j] = v;
    }
  }
  return w;
}

/** h_i = Σ_j w_ij x_j + b_i. */
export function refFields(w: ArrayLike<number>, x: Int8Array, bias: ArrayLike<number>): Float64Array {
  const n = x.length;
  return Float64Array.from({ length: n }, (_, i) => {
    let h = bias[i];
    for (let j = 0; j < n; j++) h += w[i * n + j] * x[j];
    return h;
  });
}

/** E = −½ xᵀWx − bᵀx. */
export function refEnergy(w: ArrayLike<number>, x: Int8Array, bias: ArrayLike<number>): number {
  const h = refFields(w, x, new Float64Array(x.length));
  let e = 0;
  for (let i = 0; i < x.length; i++) e += -0.5 * x[i] * h[i] - bias[i] * x[i];
  return e;
}
