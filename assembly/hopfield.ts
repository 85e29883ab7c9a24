// Hopfield associative memory (shared/spec/MODELS.md §2; Hopfield 1982; Storkey 1997; Personnaz,
// Guyon & Dreyfus 1985; Amit, Gutfreund & Sompolinsky 1985).
//
// N neurons x_i ∈ {±1}, K stored patterns ξ^μ, weights w_ij, thresholds (bias) b_i:
//   local field  h_i = Σ_j w_ij x_j + b_i,      update  x_i ← sign(h_i)  with sign(0) = +1,
//   energy       E = −½ xᵀWx − bᵀx,             overlap m_μ = ξ^μ·x / N.
//
// Exactness. Hebbian weights are kept as integers c_ij = Σ_μ ξ_i^μ ξ_j^μ (c_ii = 0) with w = c/N, so
// every field is scale·(an exact integer) + b_i with scale = 1/N. The dense path sums c_ij x_j in f32
// (exact while |sums| < 2²⁴, i.e. N·K < 2²⁴); the fast path sums Σ_μ ξ_i^μ M_μ − K x_i in i64 with
// M_μ = ξ^μ·x = N − 2·popcount(ξ^μ XOR x): |sum| ≤ K·N ≤ 2⁴⁰, exact in i64 and in f64 (an i32 sum
// overflowed once K(N − 1) > 2³¹ − 1, e.g. N = K = 46400). Both then compute scale·sum + b_i in the
// same f64 order, so the two paths take identical decisions, including the sign(0) ties.
//
// Layouts (all in this instance's memory):
//   xs      n f32 ±1          the state, for the dense matvec
//   xbits   words u64         the state bit-packed, bit i of word i>>6 set ⇔ x_i = +1
//   pbits   K × words u64     patterns bit-packed (padding bits zero)
//   cols    n × cwords u64    patterns transposed: bit μ of neuron i's column ⇔ ξ_i^μ = +1;
//                             byte g of a column holds patterns 8g…8g+7 (the subset-sum table index)
//   w       n × n f32         dense weights, row-major (Hebbian: the integers c_ij)

import { alloc } from "./memory";
import { matvec_sym_sign_f32 } from "./linalg";
import { rng_next_u64, rng_next_uniform, rng_seed, RNG_STATE_BYTES } from "./rng";

export const PATH_FAST: i32 = 0;
export const PATH_DENSE: i32 = 1;

export const STATUS_FIXED_POINT: i32 = 1;
export const STATUS_CYCLE: i32 = 2;
export const STATUS_MAX_SWEEPS: i32 = 3;
/**
 * The run functions return (status << STATUS_SHIFT) | sweeps: the status in the high byte, the sweeps
 * in the low 24 bits (src/core/abi.ts HOPFIELD_STATUS_SHIFT; maxSweeps ≤ 2²⁴ − 1 is checked in TS).
 */
const STATUS_SHIFT: i32 = 24;

@unmanaged class Hopfield {
  n: i32;
  k: i32;
  words: i32; // ⌈n/64⌉
  cwords: i32; // ⌈K/64⌉ (at least 1)
  path: i32;
  scale: f64; // w = scale·(stored weights): 1/N for Hebbian, 1 otherwise
  xs: usize;
  xbits: usize;
  prev: usize; // sync: the state one step back (words u64)
  prev2: usize; // sync: two steps back
  pbits: usize;
  cols: usize;
  w: usize; // 0 unless the dense path is allocated
  bias: usize; // n f64
  field: usize; // n f64, h_i (physical units) from the last full evaluation
  acc: usize; // n f32: dense accumulators Σ_j w_ij x_j (kept up to date in async runs)
  overlaps: usize; // K i32: M_μ = ξ^μ·x (kept up to date in async runs)
  table: usize; // groups × 256 i32 subset-sum tables
  order: usize; // n u32: the async update order
  rng: usize;
  // A run in progress (the run functions return after a budget of work and resume from here):
  runSteps: i32; // sweeps or synchronous steps completed
  runPos: i32; // async: updates done in the current sweep (0: its order is not drawn yet)
  runFlips: i32; // async: flips in the current sweep
}

@inline function self(p: usize): Hopfield {
  return changetype<Hopfield>(p);
}

/**
 * Allocates a network of n neurons for K patterns; `dense` also allocates the n × n weights. Returns
 * its address, or 0 if memory ran out. Patterns, bias and weights are written through the address
 * getters, then `hopfield_store_*` fills the weights.
 */
export function hopfield_create(n: i32, k: i32, dense: i32, seedHi: u32, seedLo: u32): usize {
  const p = alloc(offsetof<Hopfield>());
  if (p == 0) return 0;
  const s = self(p);
  s.n = n;
  s.k = k;
  s.words = (n + 63) >> 6;
  s.cwords = max(1, (k + 63) >> 6);
  s.path = dense ? PATH_DENSE : PATH_FAST;
  s.scale = 1;
  const bitBytes = <usize>s.words << 3;
  s.xs = alloc(<usize>n << 2);
  s.xbits = alloc(bitBytes);
  s.prev = alloc(bitBytes);
  s.prev2 = alloc(bitBytes);
  s.pbits = alloc(<usize>max(k, 1) * bitBytes);
  s.cols = alloc(<usize>n * (<usize>s.cwords << 3));
  s.w = dense ? alloc(<usize>n * <usize>n << 2) : 0;
  s.bias = alloc(<usize>n << 3);
  s.field = alloc(<usize>n << 3);
  s.acc = alloc(<usize>n << 2);
  s.overlaps = alloc(<usize>max(k, 1) << 2);
  s.table = alloc(<usize>(s.cwords << 3) << 10);
  s.order = alloc(<usize>n << 2);
  s.rng = alloc(RNG_STATE_BYTES);
  if (s.xs == 0 || s.xbits == 0 || s.prev == 0 || s.prev2 == 0 || s.pbits == 0 || s.cols == 0 ||
    (dense && s.w == 0) || s.bias == 0 || s.field == 0 || s.acc == 0 || s.overlaps == 0 ||
    s.table == 0 || s.order == 0 || s.rng == 0) return 0;
  rng_seed(s.rng, seedHi, seedLo);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Bits
// ---------------------------------------------------------------------------------------------

@inline function bitOf(words: usize, i: i32): i32 {
  return <i32>((load<u64>(words + (<usize>(i >> 6) << 3)) >> <u64>(i & 63)) & 1);
}

/** K·x_i: the diagonal term Σ_μ ξ_i^μ ξ_i^μ x_i that the fast path's Σ_μ ξ_i^μ M_μ includes and W_ii = 0 removes. */
@inline function diagonalTerm(xbits: usize, i: i32, k: i32): i32 {
  return bitOf(xbits, i) ? k : -k;
}

@inline function setBit(words: usize, i: i32, on: bool): void {
  const a = words + (<usize>(i >> 6) << 3);
  const m = <u64>1 << <u64>(i & 63);
  store<u64>(a, on ? load<u64>(a) | m : load<u64>(a) & ~m);
}

/** ξ^a·ξ^b for two bit-packed ±1 vectors of length n (padding bits zero): n − 2·popcount(a XOR b). */
@inline function packedDot(a: usize, b: usize, words: i32, n: i32): i32 {
  let differ: i32 = 0;
  for (let w = 0; w < words; w++) {
    const off = <usize>w << 3;
    differ += <i32>popcnt(load<u64>(a + off) ^ load<u64>(b + off));
  }
  return n - 2 * differ;
}

/** Sets the state from its bit-packed form (xbits), refreshing the f32 copy. */
export function hopfield_unpack_state(p: usize): void {
  const s = self(p);
  for (let i = 0; i < s.n; i++) store<f32>(s.xs + (<usize>i << 2), bitOf(s.xbits, i) ? 1 : -1);
}

/** 64 u64 words: one 64 × 64 bit block being transposed. */
const block = memory.data(512, 8);

/**
 * Transposes the 64 × 64 bit matrix in `block` in place (bit c of word r ↔ bit r of word c), by
 * swapping off-diagonal j × j sub-blocks for j = 32, 16, …, 1 (Hacker's Delight §7-3, written for
 * LSB-first bits): rows r and r + j exchange row r's upper j columns of each 2j group with row r + j's
 * lower ones, m masking the lower halves.
 */
function transposeBlock(): void {
  let m: u64 = 0x00000000FFFFFFFF;
  for (let j = 32; j != 0; j >>= 1) {
    for (let r = 0; r < 64; r = (r + j + 1) & ~j) {
      const a = block + (<usize>r << 3), b = block + (<usize>(r + j) << 3);
      const t = ((load<u64>(a) >> <u64>j) ^ load<u64>(b)) & m;
      store<u64>(b, load<u64>(b) ^ t);
      store<u64>(a, load<u64>(a) ^ (t << <u64>j));
    }
    m ^= m << <u64>(j >> 1);
  }
}

/**
 * Clears the padding bits of the patterns (pbits) and builds their transposed columns, 64 × 64 bit
 * blocks at a time: block (a, w) holds word w of patterns 64a…64a+63 (zero past K) and becomes word a
 * of neurons 64w…64w+63. Call after writing pbits.
 */
export function hopfield_index_patterns(p: usize): void {
  const s = self(p);
  const rowBytes = <usize>s.words << 3, cbytes = <usize>s.cwords << 3;
  const extra = (s.words << 6) - s.n;
  if (extra > 0) {
    for (let mu = 0; mu < s.k; mu++) {
      const last = s.pbits + <usize>mu * rowBytes + rowBytes - 8;
      store<u64>(last, load<u64>(last) & ((<u64>-1) >> <u64>extra));
    }
  }
  for (let a = 0; a < s.cwords; a++) {
    for (let w = 0; w < s.words; w++) {
      for (let r = 0; r < 64; r++) {
        const mu = (a << 6) + r;
        store<u64>(block + (<usize>r << 3), mu < s.k ? load<u64>(s.pbits + <usize>mu * rowBytes + (<usize>w << 3)) : 0);
      }
      transposeBlock();
      const last = min(64, s.n - (w << 6));
      for (let c = 0; c < last; c++) {
        store<u64>(s.cols + <usize>((w << 6) + c) * cbytes + (<usize>a << 3), load<u64>(block + (<usize>c << 3)));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Storage rules (spec §2)
// ---------------------------------------------------------------------------------------------

/**
 * Hebbian storage as integers: c_ij = Σ_μ ξ_i^μ ξ_j^μ = K − 2·popcount(col_i XOR col_j), c_ii = 0,
 * and scale = 1/N (w_ij = c_ij/N). Fills the dense weights when they exist; the fast path needs
 * only the columns.
 */
export function hopfield_store_hebbian(p: usize): void {
  const s = self(p);
  s.scale = 1.0 / <f64>s.n;
  if (s.w == 0) return;
  const n = s.n, cbytes = <usize>s.cwords << 3;
  for (let i = 0; i < n; i++) {
    const ci = s.cols + <usize>i * cbytes;
    const row = s.w + (<usize>i * n << 2);
    store<f32>(row + (<usize>i << 2), 0);
    for (let j = i + 1; j < n; j++) {
      const c = <f32>packedDot(ci, s.cols + <usize>j * cbytes, s.cwords, s.k);
      store<f32>(row + (<usize>j << 2), c);
      store<f32>(s.w + ((<usize>j * n + i) << 2), c);
    }
  }
}

/** ±1 value of pattern μ at neuron i. */
@inline function patternValue(s: Hopfield, mu: i32, i: i32): f64 {
  return bitOf(s.pbits + <usize>mu * (<usize>s.words << 3), i) ? 1.0 : -1.0;
}

/**
 * Storkey (1997) storage, incremental from w = 0 (spec §2): for each pattern ε,
 *   h_i = Σ_k w_ik ε_k, h_ij = h_i − w_ii ε_i − w_ij ε_j  (= Σ_{k≠i,j} w_ik ε_k),
 *   w_ij ← w_ij + (ε_i ε_j − ε_i h_ji − h_ij ε_j)/N  for i ≠ j,  w_ii = 0.
 * Fields are accumulated in f64; weights stored in f32. Uses `field` and `scratch` (N f64). O(N²)
 * per pattern. Adds patterns from…to−1 (from = 0 starts from w = 0), so the K patterns may be stored
 * over several calls with the same result.
 */
export function hopfield_store_storkey(p: usize, scratch: usize, from: i32, to: i32): void {
  const s = self(p);
  const n = s.n, w = s.w, h = s.field, e = scratch;
  const invN = 1.0 / <f64>n;
  s.scale = 1;
  if (from == 0) memory.fill(w, 0, <usize>n * <usize>n << 2);
  for (let mu = from; mu < to; mu++) {
    for (let j = 0; j < n; j++) store<f64>(e + (<usize>j << 3), patternValue(s, mu, j));
    for (let i = 0; i < n; i++) {
      const row = w + (<usize>i * n << 2);
      let sum: f64 = 0;
      for (let j = 0; j < n; j++) sum += <f64>load<f32>(row + (<usize>j << 2)) * load<f64>(e + (<usize>j << 3));
      store<f64>(h + (<usize>i << 3), sum);
    }
    for (let i = 0; i < n; i++) {
      const ei = load<f64>(e + (<usize>i << 3));
      const hi = load<f64>(h + (<usize>i << 3));
      const row = w + (<usize>i * n << 2);
      for (let j = i + 1; j < n; j++) {
        const ej = load<f64>(e + (<usize>j << 3));
        const wij = <f64>load<f32>(row + (<usize>j << 2));
        const hij = hi - wij * ej; // w_ii = 0
        const hji = load<f64>(h + (<usize>j << 3)) - wij * ei;
        const updated = <f32>(wij + (ei * ej - ei * hji - hij * ej) * invN);
        store<f32>(row + (<usize>j << 2), updated);
        store<f32>(w + ((<usize>j * n + i) << 2), updated);
      }
    }
  }
}

/**
 * Pseudo-inverse (projection) storage, Personnaz et al. (1985): W = Ξ (ΞᵀΞ)⁻¹ Ξᵀ with Ξ the N × K
 * matrix of patterns as columns. The Gram matrix G = ΞᵀΞ is exact (popcounts); G = LLᵀ (Cholesky,
 * f64); Y = Ξ L⁻ᵀ row by row (forward substitution); W = YYᵀ. Every pattern is then a fixed point.
 * `work` must hold K² + N·K f64 and be kept between calls: a call with from = 0 factorises (L and Y,
 * O(K²N)), and each call writes rows from…to−1 of W (with their mirror images; O(N·K) per row).
 * Returns 0, or 1 when G is not positive definite (patterns linearly dependent).
 */
export function hopfield_store_pseudoinverse(p: usize, work: usize, from: i32, to: i32): i32 {
  const s = self(p);
  const n = s.n, k = s.k, w = s.w;
  const L = work, Y = work + (<usize>k * k << 3);
  if (from == 0 && pseudoinverseFactor(s, L, Y) != 0) return 1;
  for (let i = from; i < to; i++) {
    const yi = Y + (<usize>i * k << 3);
    for (let j = 0; j <= i; j++) {
      const yj = Y + (<usize>j * k << 3);
      let v: f64 = 0;
      for (let a = 0; a < k; a++) v += load<f64>(yi + (<usize>a << 3)) * load<f64>(yj + (<usize>a << 3));
      store<f32>(w + ((<usize>i * n + j) << 2), <f32>v);
      store<f32>(w + ((<usize>j * n + i) << 2), <f32>v);
    }
  }
  return 0;
}

/** The factorisation of hopfield_store_pseudoinverse: G = LLᵀ and Y = Ξ L⁻ᵀ. Returns 1 when G is singular. */
function pseudoinverseFactor(s: Hopfield, L: usize, Y: usize): i32 {
  const n = s.n, k = s.k;
  const words = s.words, rowBytes = <usize>words << 3;
  s.scale = 1;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      const g = <f64>packedDot(s.pbits + <usize>a * rowBytes, s.pbits + <usize>b * rowBytes, words, n);
      store<f64>(L + ((<usize>a * k + b) << 3), g);
    }
  }
  // In-place Cholesky of the lower triangle.
  for (let j = 0; j < k; j++) {
    let d = load<f64>(L + ((<usize>j * k + j) << 3));
    for (let m = 0; m < j; m++) { const v = load<f64>(L + ((<usize>j * k + m) << 3)); d -= v * v; }
    if (!(d > 1e-9 * <f64>n)) return 1;
    d = Math.sqrt(d);
    store<f64>(L + ((<usize>j * k + j) << 3), d);
    for (let i = j + 1; i < k; i++) {
      let v = load<f64>(L + ((<usize>i * k + j) << 3));
      for (let m = 0; m < j; m++) {
        v -= load<f64>(L + ((<usize>i * k + m) << 3)) * load<f64>(L + ((<usize>j * k + m) << 3));
      }
      store<f64>(L + ((<usize>i * k + j) << 3), v / d);
    }
  }
  // y_i = L⁻¹ ξ_i where ξ_i is neuron i's row of Ξ (its values across patterns).
  for (let i = 0; i < n; i++) {
    const y = Y + (<usize>i * k << 3);
    for (let a = 0; a < k; a++) {
      let v = patternValue(s, a, i);
      for (let m = 0; m < a; m++) v -= load<f64>(L + ((<usize>a * k + m) << 3)) * load<f64>(y + (<usize>m << 3));
      store<f64>(y + (<usize>a << 3), v / load<f64>(L + ((<usize>a * k + a) << 3)));
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------

// The dense field h = W x is assembly/linalg.ts `matvec_sym_sign_f32`.

/** M_μ = ξ^μ·x for every pattern (popcounts of XOR over the packed words). */
function computeOverlaps(s: Hopfield): void {
  const rowBytes = <usize>s.words << 3;
  for (let mu = 0; mu < s.k; mu++) {
    store<i32>(s.overlaps + (<usize>mu << 2), packedDot(s.pbits + <usize>mu * rowBytes, s.xbits, s.words, s.n));
  }
}

/**
 * Subset-sum tables over groups of 8 patterns: table_g[v] = Σ_j M_{8g+j}(2·bit_j(v) − 1) (i32,
 * exact), with M = 0 past K. Then Σ_μ ξ_i^μ M_μ = Σ_g table_g[byte g of column i]. Built by doubling:
 * entries v + 2^j = entries v + 2M_{8g+j} for v < 2^j (four at a time with i32x4 once 2^j ≥ 4).
 */
function buildOverlapTables(s: Hopfield): void {
  const groups = (s.k + 7) >> 3;
  const k = s.k, overlaps = s.overlaps, table = s.table;
  for (let g = 0; g < groups; g++) {
    const t = table + (<usize>g << 10);
    let base: i32 = 0;
    for (let j = 0; j < 8; j++) {
      const mu = (g << 3) + j;
      if (mu < k) base -= load<i32>(overlaps + (<usize>mu << 2));
    }
    store<i32>(t, base);
    for (let j = 0; j < 8; j++) {
      const mu = (g << 3) + j;
      const d: i32 = mu < k ? 2 * load<i32>(overlaps + (<usize>mu << 2)) : 0;
      const half = 1 << j;
      const upper = t + (<usize>half << 2);
      let v = 0;
      if (ASC_FEATURE_SIMD) {
        const vd = i32x4.splat(d);
        for (; v + 4 <= half; v += 4) {
          v128.store(upper + (<usize>v << 2), i32x4.add(v128.load(t + (<usize>v << 2)), vd));
        }
      }
      for (; v < half; v++) store<i32>(upper + (<usize>v << 2), load<i32>(t + (<usize>v << 2)) + d);
    }
  }
}

@inline function tableAt(table: usize, g: i32, byte: u32): i32 {
  return load<i32>(table + ((<usize>g << 10) | (<usize>byte << 2)));
}

/**
 * Σ_μ ξ_i^μ M_μ for the column `col` of neuron i from the tables (fast path, exact integer): one
 * lookup per group of 8 patterns, four groups per u32 read of the column. A table entry is at most
 * 8N ≤ 2²³ in size, so four of them add exactly in i32; the total (up to K·N ≤ 2⁴⁰) goes in i64.
 */
@inline function tableSum(table: usize, col: usize, groupsUsed: i32): i64 {
  let sum: i64 = 0;
  let g = 0;
  for (; g + 4 <= groupsUsed; g += 4) {
    const word = load<u32>(col + <usize>g);
    sum += <i64>(
      tableAt(table, g, word & 255) + tableAt(table, g + 1, (word >> 8) & 255)
      + tableAt(table, g + 2, (word >> 16) & 255) + tableAt(table, g + 3, word >> 24)
    );
  }
  for (; g < groupsUsed; g++) sum += <i64>tableAt(table, g, load<u8>(col + <usize>g));
  return sum;
}

/** Fills `field` with h_i = scale·(Σ_j c_ij x_j) + b_i for every i, by the configured path. */
export function hopfield_fields(p: usize): void {
  const s = self(p);
  const n = s.n;
  if (s.path == PATH_DENSE) {
    matvec_sym_sign_f32(s.w, s.xs, s.acc, n);
    const acc = s.acc, bias = s.bias, field = s.field, scale = s.scale;
    for (let i = 0; i < n; i++) {
      store<f64>(
        field + (<usize>i << 3),
        scale * <f64>load<f32>(acc + (<usize>i << 2)) + load<f64>(bias + (<usize>i << 3)),
      );
    }
    return;
  }
  computeOverlaps(s);
  buildOverlapTables(s);
  // Struct fields in locals: stores to `field` could alias them, so V8 would reload them per neuron.
  const groupsUsed = (s.k + 7) >> 3;
  const table = s.table, cols = s.cols, xbits = s.xbits, bias = s.bias, field = s.field, scale = s.scale, k = s.k;
  const cbytes = <usize>s.cwords << 3;
  for (let i = 0; i < n; i++) {
    const integer = tableSum(table, cols + <usize>i * cbytes, groupsUsed) - <i64>diagonalTerm(xbits, i, k);
    store<f64>(field + (<usize>i << 3), scale * <f64>integer + load<f64>(bias + (<usize>i << 3)));
  }
}

// ---------------------------------------------------------------------------------------------
// Dynamics
// ---------------------------------------------------------------------------------------------

@inline function equalWords(a: usize, b: usize, words: i32): bool {
  for (let w = 0; w < words; w++) if (load<u64>(a + (<usize>w << 3)) != load<u64>(b + (<usize>w << 3))) return false;
  return true;
}

/**
 * Synchronous dynamics x ← sign(h(x)) (sign(0) = +1), up to `maxSteps` steps in all, at most `budget`
 * of them in this call. Stops at a fixed point (STATUS_FIXED_POINT) or a 2-cycle x(t+1) = x(t−1) ≠ x(t)
 * (STATUS_CYCLE); else STATUS_MAX_SWEEPS after step maxSteps. Writes the energy E(x(t)) of the state
 * after step t to energies[t], t = 0 … steps (if energies ≠ 0; room for maxSteps + 1 values). Step
 * t + 1 evaluates the fields of x(t) anyway, so E(x(t)) is taken from those sums (the same bits as
 * hopfield_energy); only the last state of a cycle or of the step limit needs its own evaluation.
 * `resume` = 0 starts a run; 1 continues the one in progress (its step count and the two previous
 * states for the cycle test are kept in the struct), so a run split over calls takes the same steps
 * as one call. Returns status·2²⁴ + steps when the run has ended, or 0 when the budget ran out first.
 */
export function hopfield_run_sync(p: usize, maxSteps: i32, energies: usize, budget: i32, resume: i32): i32 {
  const s = self(p);
  const n = s.n, words = s.words, bytes = <usize>words << 3;
  if (!resume) {
    memory.copy(s.prev, s.xbits, bytes);
    s.runSteps = 0;
  }
  for (let b = 0; b < budget; b++) {
    const t = s.runSteps + 1;
    hopfield_fields(p); // the fields of x(t−1)
    const before = energies != 0 ? energyFromSums(s, s.acc) : 0; // E(x(t−1))
    if (energies != 0) store<f64>(energies + (<usize>(t - 1) << 3), before);
    // New state word by word: bit b of word w is sign(h_{64w+b}) ≥ 0; changes counted by popcount.
    let changed = 0;
    const field = s.field, xs = s.xs, xbits = s.xbits;
    for (let w = 0; w < words; w++) {
      const first = w << 6;
      const last = min(n, first + 64);
      let word: u64 = 0;
      for (let i = first; i < last; i++) {
        const up = load<f64>(field + (<usize>i << 3)) >= 0;
        word |= <u64>up << <u64>(i - first);
        store<f32>(xs + (<usize>i << 2), up ? 1 : -1);
      }
      const a = xbits + (<usize>w << 3);
      changed += <i32>popcnt(word ^ load<u64>(a));
      store<u64>(a, word);
    }
    s.runSteps = t;
    if (changed == 0) { // x(t) = x(t−1)
      if (energies != 0) store<f64>(energies + (<usize>t << 3), before);
      return (STATUS_FIXED_POINT << STATUS_SHIFT) | t;
    }
    if (t > 1 && equalWords(s.xbits, s.prev2, words)) { // x(t) = x(t−2): prev2 holds x(t−2) from t = 2 on
      if (energies != 0) store<f64>(energies + (<usize>t << 3), hopfield_energy(p));
      return (STATUS_CYCLE << STATUS_SHIFT) | t;
    }
    memory.copy(s.prev2, s.prev, bytes);
    memory.copy(s.prev, s.xbits, bytes);
    if (t == maxSteps) {
      if (energies != 0) store<f64>(energies + (<usize>maxSteps << 3), hopfield_energy(p));
      return (STATUS_MAX_SWEEPS << STATUS_SHIFT) | maxSteps;
    }
  }
  return 0;
}

/** A uniformly random permutation of 0…n−1 (Fisher–Yates, Lemire's multiply-shift for the index). */
function shuffleOrder(s: Hopfield): void {
  const order = s.order;
  for (let i = 0; i < s.n; i++) store<u32>(order + (<usize>i << 2), i);
  for (let i = s.n - 1; i > 0; i--) {
    const j = <i32>(((rng_next_u64(s.rng) >> 32) * <u64>(i + 1)) >> 32);
    const a = order + (<usize>i << 2), b = order + (<usize>j << 2);
    const t = load<u32>(a);
    store<u32>(a, load<u32>(b));
    store<u32>(b, t);
  }
}

/** Exact integer field of neuron i on the fast path from the running overlaps (O(K); i64, see tableSum). */
function fastFieldIntDirect(s: Hopfield, i: i32): i64 {
  const col = s.cols + <usize>i * (<usize>s.cwords << 3);
  let sum: i64 = 0;
  for (let mu = 0; mu < s.k; mu++) {
    const m = <i64>load<i32>(s.overlaps + (<usize>mu << 2));
    sum += bitOf(col, mu) ? m : -m;
  }
  return sum - <i64>diagonalTerm(s.xbits, i, s.k);
}

/** Flips neuron i to `up`, updating the running sums (dense accumulators or overlaps). */
function flip(s: Hopfield, i: i32, up: bool): void {
  const sign: f32 = up ? 1 : -1;
  setBit(s.xbits, i, up);
  store<f32>(s.xs + (<usize>i << 2), sign);
  if (s.path == PATH_DENSE) {
    // acc += 2 x_i′ W[:, i]; W is symmetric for every built-in rule, so use row i.
    const row = s.w + (<usize>i * s.n << 2);
    for (let j = 0; j < s.n; j++) {
      const a = s.acc + (<usize>j << 2);
      store<f32>(a, load<f32>(a) + 2 * sign * load<f32>(row + (<usize>j << 2)));
    }
  } else {
    const col = s.cols + <usize>i * (<usize>s.cwords << 3);
    const twice: i32 = up ? 2 : -2;
    for (let mu = 0; mu < s.k; mu++) {
      const a = s.overlaps + (<usize>mu << 2);
      const xi = bitOf(col, mu) ? 1 : -1;
      store<i32>(a, load<i32>(a) + twice * xi);
    }
  }
}

/**
 * Asynchronous sweeps in a fresh random order each sweep (one sweep = N updates), up to `maxSweeps`
 * sweeps in all and at most `budget` single-neuron updates in this call.
 * temperature ≤ 0: x_i ← sign(h_i); stops after a sweep without flips (STATUS_FIXED_POINT).
 * temperature T > 0: Glauber dynamics, x_i = +1 with probability 1/(1 + e^{−2h_i/T}); runs all sweeps.
 * Fields are kept current incrementally: O(N) (dense) or O(K) (fast) work per flip. Writes the energy
 * of the starting state to energies[0] and after sweep t to energies[t] if energies ≠ 0 (room for
 * maxSweeps + 1 values). `resume` = 0 starts a run; 1 continues the one in progress from the struct
 * (sweep, position in the sweep's order, flips so far, and the running sums, which nothing else may
 * touch in between), so a run split over calls makes the same draws and decisions as one call.
 * Returns status·2²⁴ + sweeps when the run has ended, or 0 when the budget ran out first.
 */
export function hopfield_run_async(
  p: usize, maxSweeps: i32, temperature: f64, energies: usize, budget: i32, resume: i32,
): i32 {
  const s = self(p);
  const n = s.n;
  const dense = s.path == PATH_DENSE;
  if (!resume) {
    if (dense) matvec_sym_sign_f32(s.w, s.xs, s.acc, n);
    else computeOverlaps(s);
    if (energies != 0) store<f64>(energies, energyFromSums(s, s.acc)); // the same bits as hopfield_energy
    s.runSteps = 0;
    s.runPos = 0;
    s.runFlips = 0;
  }
  // Fast path: a field costs O(K) from the running overlaps, or ⌈K/8⌉ lookups once the subset-sum
  // tables are rebuilt (256·⌈K/8⌉ work, invalidated by every flip). Rebuild after `rebuildAfter`
  // updates without a flip, when the tables pay for themselves. Both give the same exact integers,
  // so starting each call with no tables changes no decision.
  const groupsUsed = (s.k + 7) >> 3;
  const cbytes = <usize>s.cwords << 3;
  const rebuildAfter = max(1, (groupsUsed << 8) / max(1, s.k));
  let tablesValid = false;
  let sinceFlip = 0;
  let pos = s.runPos, flips = s.runFlips, sweeps = s.runSteps;
  for (let u = 0; u < budget; u++) {
    if (pos == 0) shuffleOrder(s);
    const i = <i32>load<u32>(s.order + (<usize>pos << 2));
    let integer: f64;
    if (dense) {
      integer = <f64>load<f32>(s.acc + (<usize>i << 2));
    } else {
      if (!tablesValid && sinceFlip >= rebuildAfter) {
        buildOverlapTables(s);
        tablesValid = true;
      }
      integer = tablesValid
        ? <f64>(tableSum(s.table, s.cols + <usize>i * cbytes, groupsUsed) - <i64>diagonalTerm(s.xbits, i, s.k))
        : <f64>fastFieldIntDirect(s, i);
    }
    const h = s.scale * integer + load<f64>(s.bias + (<usize>i << 3));
    let up: bool;
    if (temperature > 0) up = rng_next_uniform(s.rng) * (1 + Math.exp(-2 * h / temperature)) < 1;
    else up = h >= 0;
    if (up != (bitOf(s.xbits, i) != 0)) {
      flip(s, i, up);
      flips++;
      tablesValid = false;
      sinceFlip = 0;
    } else {
      sinceFlip++;
    }
    if (++pos < n) continue;
    // End of a sweep. Dense: a fresh matvec for the energy (the running f32 sums drift from it for
    // real-valued weights); fast: the running overlaps are exact integers, the same bits as fresh ones.
    sweeps++;
    pos = 0;
    if (energies != 0) store<f64>(energies + (<usize>sweeps << 3), dense ? hopfield_energy(p) : energyFromSums(s, 0));
    const fixed = flips == 0 && temperature <= 0;
    flips = 0;
    if (fixed || sweeps == maxSweeps) {
      s.runSteps = sweeps;
      s.runPos = 0;
      s.runFlips = 0;
      return ((fixed ? STATUS_FIXED_POINT : STATUS_MAX_SWEEPS) << STATUS_SHIFT) | sweeps;
    }
  }
  s.runSteps = sweeps;
  s.runPos = pos;
  s.runFlips = flips;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Observables
// ---------------------------------------------------------------------------------------------

/**
 * E = −½ xᵀWx − bᵀx from sums already evaluated for the current state x: dense, `sums` holds
 * Σ_j w_ij x_j (n f32) and xᵀWx = Σ_i x_i·sums_i (f64, in i order); fast, the overlaps M_μ are current
 * and xᵀCx = Σ_μ M_μ² − K·N exactly (zero diagonal). Then E = −½·scale·xᵀWx − Σ b_i x_i.
 */
function energyFromSums(s: Hopfield, sums: usize): f64 {
  const n = s.n;
  let quad: f64 = 0;
  if (s.path == PATH_DENSE) {
    for (let i = 0; i < n; i++) quad += <f64>load<f32>(s.xs + (<usize>i << 2)) * <f64>load<f32>(sums + (<usize>i << 2));
  } else {
    let sumSq: i64 = 0;
    for (let mu = 0; mu < s.k; mu++) { const m = <i64>load<i32>(s.overlaps + (<usize>mu << 2)); sumSq += m * m; }
    quad = <f64>(sumSq - <i64>s.k * <i64>n);
  }
  let bx: f64 = 0;
  for (let i = 0; i < n; i++) bx += load<f64>(s.bias + (<usize>i << 3)) * <f64>load<f32>(s.xs + (<usize>i << 2));
  return -0.5 * s.scale * quad - bx;
}

/**
 * E = −½ xᵀWx − bᵀx of the current state (see energyFromSums). Dense: from a fresh matvec into the
 * first half of `field` (scratch; the async runs' running `acc` is left alone); fast: fresh overlaps.
 */
export function hopfield_energy(p: usize): f64 {
  const s = self(p);
  if (s.path == PATH_DENSE) matvec_sym_sign_f32(s.w, s.xs, s.field, s.n);
  else computeOverlaps(s);
  return energyFromSums(s, s.field);
}

/** Writes M_μ = ξ^μ·x (i32) for every pattern to `out`. */
export function hopfield_overlaps(p: usize, out: usize): void {
  const s = self(p);
  computeOverlaps(s);
  memory.copy(out, s.overlaps, <usize>s.k << 2);
}

/**
 * Number of stored bits (μ, i), μ in [from, to), that are unstable: sign(h_i(ξ^μ)) ≠ ξ_i^μ with
 * sign(0) = +1. An f64 (exact): the count reaches K·N, past i32. Leaves the state at pattern to − 1.
 */
export function hopfield_count_unstable(p: usize, from: i32, to: i32): f64 {
  const s = self(p);
  const rowBytes = <usize>s.words << 3;
  let unstable: i64 = 0;
  for (let mu = from; mu < to; mu++) {
    memory.copy(s.xbits, s.pbits + <usize>mu * rowBytes, rowBytes);
    hopfield_unpack_state(p);
    hopfield_fields(p);
    for (let i = 0; i < s.n; i++) {
      const up = load<f64>(s.field + (<usize>i << 3)) >= 0;
      if (up != (bitOf(s.xbits, i) != 0)) unstable++;
    }
  }
  return <f64>unstable;
}

/** Flips each bit of the current state with probability `fraction` (seeded stream). Returns flips. */
export function hopfield_flip_random(p: usize, fraction: f64): i32 {
  const s = self(p);
  let flips = 0;
  for (let i = 0; i < s.n; i++) {
    if (rng_next_uniform(s.rng) < fraction) {
      setBit(s.xbits, i, bitOf(s.xbits, i) == 0);
      flips++;
    }
  }
  hopfield_unpack_state(p);
  return flips;
}

/**
 * Fills the patterns with random ±1 bits, each +1 with probability `pPlus`, from this network's stream
 * (one u64 per 64 bits at ½, one uniform per bit otherwise; none at 0 or 1, whose patterns are constant).
 */
export function hopfield_random_patterns(p: usize, pPlus: f64): void {
  const s = self(p);
  const rowBytes = <usize>s.words << 3;
  memory.fill(s.pbits, 0, <usize>s.k * rowBytes);
  for (let mu = 0; mu < s.k; mu++) {
    const row = s.pbits + <usize>mu * rowBytes;
    if (pPlus == 1) { // every draw u ∈ [0, 1) would give +1: no draws
      for (let w = 0; w < s.words; w++) store<u64>(row + (<usize>w << 3), <u64>-1);
      const extra = (s.words << 6) - s.n;
      if (extra > 0) {
        const last = row + (<usize>(s.words - 1) << 3);
        store<u64>(last, load<u64>(last) & ((<u64>-1) >> <u64>extra));
      }
    } else if (pPlus == 0) { // every draw would give −1: the zero fill above
    } else if (pPlus == 0.5) {
      for (let w = 0; w < s.words; w++) store<u64>(row + (<usize>w << 3), rng_next_u64(s.rng));
      const extra = (s.words << 6) - s.n; // clear padding
      if (extra > 0) {
        const last = row + (<usize>(s.words - 1) << 3);
        store<u64>(last, load<u64>(last) & ((<u64>-1) >> <u64>extra));
      }
    } else {
      for (let i = 0; i < s.n; i++) if (rng_next_uniform(s.rng) < pPlus) setBit(row, i, true);
    }
  }
}

export function hopfield_state_bits(p: usize): usize { return self(p).xbits; }
export function hopfield_pattern_bits(p: usize): usize { return self(p).pbits; }
export function hopfield_weights(p: usize): usize { return self(p).w; }
export function hopfield_bias(p: usize): usize { return self(p).bias; }
export function hopfield_field(p: usize): usize { return self(p).field; }
export function hopfield_rng(p: usize): usize { return self(p).rng; }
export function hopfield_scale(p: usize): f64 { return self(p).scale; }
