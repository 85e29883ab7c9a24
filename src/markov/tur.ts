/**
 * Current fluctuations of continuous-time Markov chains and the thermodynamic uncertainty relation
 * (TUR; Barato & Seifert, PRL 114, 158101 (2015)); derivations in notes/theory12.md, "TUR".
 *
 * A current J_t grows by d_ij (the increment, `increments[i·n + j]`) on each jump j → i. Its scaled
 * cumulant generating function (SCGF) λ(χ) = lim ln⟨e^{χ J_t}⟩ / t is the largest real eigenvalue of
 * the tilted generator M_χ[i, j] = M[i, j] e^{χ d_ij} (i ≠ j; the diagonal is M's), and
 *
 *   ⟨J⟩ = λ′(0) = 1ᵀ M₁ p,   Var rate = λ″(0) = 1ᵀ M₂ p + 2 · 1ᵀ M₁ v,   M v = −(M₁ − λ′(0)) p, 1ᵀv = 0,
 *
 * with M₁[i, j] = M[i, j] d_ij, M₂[i, j] = M[i, j] d_ij² (off the diagonal), p the steady state and
 * v = −M^# (M₁ p) (M^# the group inverse): first- and second-order perturbation theory of the Perron
 * eigenvalue, whose left eigenvector at χ = 0 is 1ᵀ. The one linear solve uses the GTH state reduction
 * (as the steady state does, src/markov/steady.ts), so widely spread rates keep their accuracy.
 * The TUR: 2⟨J⟩² / (Var · σ) ≤ 1 for every current (antisymmetric increments, d_ji = −d_ij), σ the
 * entropy production rate (nats per time unit).
 * Conventions as in rates.ts: M[i·n + j] = rate j → i, columns sum to zero, time in the rates' unit.
 */
import * as check from "../core/validate.js";
import { buildLadder, resolveLadder, type LadderParams } from "./ladder.js";
import { MAX_WORK, checkRateMatrix, normalise, type RateMatrix } from "./rates.js";
import { entropyRate, logRatio } from "./steady.js";

/**
 * Increments of a current: n × n, `d[i·n + j]` = what the current gains on a jump j → i, in the same
 * layouts as a {@link RateMatrix} (Float64Array or flat array row-major, or n rows). Entries on pairs
 * with no rate are ignored; the diagonal must be 0 (there is no jump i → i).
 */
export type Increments = RateMatrix;

/** Checks increments (n × n, finite, zero diagonal) and returns a row-major copy. */
function checkIncrements(name: string, value: unknown, n: number): Float64Array {
  let d: Float64Array;
  if (value instanceof Float64Array || (Array.isArray(value) && (value.length === 0 || typeof value[0] !== "object"))) {
    d = check.vector(name, value, n * n);
  } else if (Array.isArray(value)) {
    if (value.length !== n) throw new RangeError(`${name} must have ${n} rows (one per state), got ${value.length}`);
    d = new Float64Array(n * n);
    value.forEach((row: unknown, i) => {
      d.set(check.vector(`${name}[${i}]`, row, n), i * n);
    });
  } else {
    throw new TypeError(`${name} must be a Float64Array (n × n, row-major) or an array of rows`);
  }
  for (let i = 0; i < n; i++) {
    if (d[i * n + i] !== 0) throw new RangeError(`${name}[${i}][${i}] must be 0 (there is no jump ${i} → ${i})`);
  }
  return d;
}

/** The GTH state reduction of a checked generator, kept for linear solves (see {@link reduce}). */
interface Reduction {
  n: number;
  /** A[i·n + j] = rate i → j of the reduced chains (the transpose of M), frozen once i or j is eliminated. */
  A: Float64Array;
  /** order[k]: the state eliminated at step k (k = n−1 … 1); order[0] is the one left. */
  order: Int32Array;
  /** outflow[k]: the total rate out of order[k] to the states left when it was eliminated (> 0). */
  outflow: Float64Array;
  /** The steady state. */
  p: Float64Array;
}

/**
 * GTH state reduction (Grassmann, Taksar & Heyman, Oper. Res. 33, 1107 (1985)), the same eliminations
 * as src/markov/steady.ts (additions of non-negative numbers only), keeping the reduced rates so that
 * {@link solveCentred} can solve M x = b with them afterwards.
 * @throws RangeError (naming `rates`) when the chain has no unique steady state.
 */
function reduce(M: Float64Array, n: number): Reduction {
  if (n ** 3 / 3 > MAX_WORK)
    throw new RangeError(`rates: ${n} states need ${(n ** 3 / 3).toExponential(2)} multiply-adds, more than 2⁴⁰`);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) A[i * n + j] = M[j * n + i];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const outflow = new Float64Array(n);
  const flowOut = (state: number, left: number) => {
    let sum = 0;
    for (let r = 0; r < left; r++) sum += A[state * n + order[r]];
    return sum;
  };
  for (let k = n - 1; k > 0; k--) {
    let S = flowOut(order[k], k);
    if (!(S > 0)) {
      let r = k - 1;
      while (r >= 0 && !(flowOut(order[r], k + 1) > 0)) r--;
      if (r < 0)
        throw new RangeError(
          "rates: the chain has no unique steady state (it has two or more closed classes of states)",
        );
      [order[k], order[r]] = [order[r], order[k]];
      S = flowOut(order[k], k);
    }
    outflow[k] = S;
    const st = order[k];
    for (let r = 0; r < k; r++) {
      const i = order[r],
        via = A[i * n + st];
      if (via === 0) continue;
      for (let c = 0; c < k; c++) {
        const j = order[c];
        if (j !== i) A[i * n + j] += via * (A[st * n + j] / S);
      }
    }
  }
  const p = new Float64Array(n);
  p[order[0]] = 1;
  for (let k = 1; k < n; k++) {
    const st = order[k];
    let inflow = 0;
    for (let r = 0; r < k; r++) inflow += p[order[r]] * A[order[r] * n + st];
    if (!Number.isFinite(inflow))
      throw new RangeError("rates: too large for the steady state (flows overflow a double)");
    const x = inflow / outflow[k];
    if (x > 1) {
      const f = outflow[k] / inflow;
      for (let r = 0; r < k; r++) p[order[r]] *= f;
      p[st] = 1;
    } else {
      p[st] = x;
    }
  }
  return { n, A, order, outflow, p: normalise(p) };
}

/**
 * The solution x of M x = b with 1ᵀx = 0 (x = M^# b, the group inverse), for b with 1ᵀb = 0, by the
 * reduction's eliminations: b is folded forward as the states go (b_i += rate(st → i)·b_st/S), the
 * last state's x is set to 0, x is rebuilt backwards (x_st = (Σ_j rate(j → st) x_j − b_st)/S), then
 * shifted by a multiple of p to 1ᵀx = 0.
 */
function solveCentred(red: Reduction, rhs: Float64Array): Float64Array {
  const { n, A, order, outflow, p } = red;
  const b = Float64Array.from(rhs);
  const folded = new Float64Array(n); // b_st as it was when st was eliminated
  for (let k = n - 1; k > 0; k--) {
    const st = order[k],
      S = outflow[k];
    folded[k] = b[st];
    const share = b[st] / S;
    if (share !== 0) for (let r = 0; r < k; r++) b[order[r]] += A[st * n + order[r]] * share;
  }
  const x = new Float64Array(n);
  for (let k = 1; k < n; k++) {
    const st = order[k];
    let inflow = 0;
    for (let r = 0; r < k; r++) inflow += A[order[r] * n + st] * x[order[r]];
    x[st] = (inflow - folded[k]) / outflow[k];
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  for (let i = 0; i < n; i++) x[i] -= sum * p[i];
  return x;
}

/** The result of {@link currentStatistics}. */
export interface CurrentStatistics {
  /** ⟨J⟩ = λ′(0): the mean current, increments per unit time. */
  mean: number;
  /** λ″(0) = lim Var(J_t)/t: the variance rate, increments² per unit time (≥ 0). */
  variance: number;
  /** Σ_{i≠j} M_ij p_j d_ij²: the variance rate the jumps would give if they were independent (Poisson). */
  traffic: number;
  /** The steady state p (n entries, Σ = 1). */
  steadyState: Float64Array;
}

/** {@link currentStatistics} for a checked generator (its reduction) and checked increments. */
function statistics(M: Float64Array, red: Reduction, d: Float64Array): CurrentStatistics {
  const { n, p } = red;
  let mean = 0,
    traffic = 0;
  const u = new Float64Array(n); // (M₁ p)_i
  const a = new Float64Array(n); // (1ᵀ M₁)_j: the expected rate of gain out of state j
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const rate = M[i * n + j];
      if (rate === 0) continue;
      const inc = d[i * n + j],
        flux = rate * p[j] * inc;
      u[i] += flux;
      a[j] += rate * inc;
      traffic += flux * inc;
    }
  }
  // ⟨J⟩ = Σ_{i≠j} d_ij M_ij p_j, pair by pair: an antisymmetric pair (d_ji = −d_ij) as d_ij·(net flux),
  // the fluxes subtracted first, so that near equilibrium ⟨J⟩ keeps the net fluxes' accuracy.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const forward = M[i * n + j] * p[j],
        backward = M[j * n + i] * p[i];
      const dij = d[i * n + j],
        dji = d[j * n + i];
      mean += dji === -dij ? dij * (forward - backward) : dij * forward + dji * backward;
    }
  }
  const rhs = new Float64Array(n); // −(M₁ − λ′) p
  for (let i = 0; i < n; i++) rhs[i] = mean * p[i] - u[i];
  const v = solveCentred(red, rhs);
  let cross = 0;
  for (let j = 0; j < n; j++) cross += a[j] * v[j];
  const variance = traffic + 2 * cross;
  // λ″(0) ≥ 0 exactly; a state function's increment (d_ij = φ_i − φ_j) has 0, computed as ± rounding.
  return { mean, variance: Math.max(0, variance), traffic, steadyState: p };
}

/**
 * Mean ⟨J⟩ and variance rate lim Var(J_t)/t of the current that gains `increments[i·n + j]` on each
 * jump j → i, in the steady state, exactly: the first two derivatives at χ = 0 of the SCGF (the
 * tilted generator's largest eigenvalue) by perturbation theory, with the steady state and one solve
 * with the group inverse of M (GTH state reduction; no numerical differentiation).
 * @param rates the generator, M[i·n + j] = rate j → i (see {@link RateMatrix}).
 * @param increments d[i·n + j], the current's gain on a jump j → i (see {@link Increments}).
 * @throws TypeError/RangeError naming `rates` or `increments`.
 * @example
 * ```ts
 * import { currentStatistics, edgeCurrent } from "thermolearn";
 * // a uniform 3-state ring, k₊ = 2 clockwise, k₋ = 1 back: the current through edge 0 → 1
 * const M = [[-3, 1, 2], [2, -3, 1], [1, 2, -3]];
 * const { mean, variance } = currentStatistics(M, edgeCurrent(3, 0, 1));
 * console.log(mean, variance); // 1/3 = (k₊ − k₋)/3, 1/3 = (k₊ + k₋)/9
 * ```
 */
export function currentStatistics(rates: RateMatrix, increments: Increments): CurrentStatistics {
  const { n, matrix } = checkRateMatrix("rates", rates);
  const d = checkIncrements("increments", increments, n);
  return statistics(matrix, reduce(matrix, n), d);
}

/** The tilted generator M_χ (off-diagonal M_ij e^{χ d_ij}) of checked M and d; throws naming chi on overflow. */
function tilt(M: Float64Array, n: number, d: Float64Array, chi: number): Float64Array {
  const T = Float64Array.from(M);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j || M[i * n + j] === 0) continue;
      const x = M[i * n + j] * Math.exp(chi * d[i * n + j]);
      if (!Number.isFinite(x))
        throw new RangeError(`chi: the tilted rate M[${i}][${j}]·e^{χ·d} overflows at χ = ${chi}; use a smaller |chi|`);
      T[i * n + j] = x;
    }
  }
  return T;
}

/**
 * The tilted generator M_χ[i, j] = M[i, j] e^{χ d_ij} (i ≠ j), diagonal unchanged (row-major, n × n).
 * @throws TypeError/RangeError naming `rates`, `increments` or `chi` (finite; no rate may overflow).
 * @example
 * ```ts
 * import { edgeCurrent, tiltedGenerator } from "thermolearn";
 * const M = [[-3, 1, 2], [2, -3, 1], [1, 2, -3]];
 * // entry (1, 0) of M times e^{0.5} (≈ 3.297), entry (0, 1) times e^{−0.5} (≈ 0.607)
 * console.log(tiltedGenerator(M, edgeCurrent(3, 0, 1), 0.5));
 * ```
 */
export function tiltedGenerator(rates: RateMatrix, increments: Increments, chi: number): Float64Array {
  const { n, matrix } = checkRateMatrix("rates", rates);
  const d = checkIncrements("increments", increments, n);
  return tilt(matrix, n, d, check.finite("chi", chi));
}

/**
 * Bisection steps at most: enough to close any bracket of doubles down to adjacent doubles (the
 * exponent range is 2¹¹ binades, each bisection step halves the gap).
 */
const MAX_BISECTIONS = 2200;

/**
 * Whether λ > ρ, the Perron root of the Metzler matrix B = M_χ: λI − B is then a nonsingular
 * M-matrix, so Gaussian elimination without pivoting meets only positive pivots. The elimination is
 * done GTH-style on W = off-diagonal of B (≥ 0, updated by additions only) and the column excesses
 * s_j = Σ_i (λI − B)_ij = λ − c_j (c_j = Σ_{i≠j} M_ij (e^{χ d_ij} − 1), by expm1), each pivot being
 * s_k + Σ_{i left} W_ik: at χ = 0 and λ > 0 nothing is ever subtracted, and near the root only the
 * small excesses are, so the sign is right down to rounding at the scale of c, not of the rates.
 */
function aboveRoot(W0: Float64Array, c: Float64Array, n: number, lambda: number): boolean {
  const W = Float64Array.from(W0);
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) s[j] = lambda - c[j];
  for (let k = n - 1; k >= 0; k--) {
    let pivot = s[k];
    for (let i = 0; i < k; i++) pivot += W[i * n + k];
    if (!(pivot > 0)) return false;
    // Eliminate state k: W_ij += W_ik W_kj / pivot, s_j += W_kj s_k / pivot (i, j < k).
    for (let j = 0; j < k; j++) {
      const wkj = W[k * n + j];
      if (wkj === 0) continue;
      const f = wkj / pivot;
      s[j] += f * s[k];
      for (let i = 0; i < k; i++) if (i !== j) W[i * n + j] += W[i * n + k] * f;
    }
  }
  return true;
}

/**
 * The SCGF λ(χ) = lim ln⟨e^{χ J_t}⟩ / t of the current with `increments`, per unit time: the largest
 * real eigenvalue (Perron root) of the tilted generator M_χ. Bisection between the smallest and
 * largest column sums of M_χ (which bracket the Perron root of a Metzler matrix), each step deciding
 * λ > root by the sign of the pivots of λI − M_χ (see `aboveRoot`); the result is the bracket's
 * midpoint once it spans adjacent doubles. Its absolute error is the last pivot's rounding, a few ulp
 * of the largest tilted rate (0 at χ = 0, where the pivots involve no subtraction).
 * λ(0) = 0; λ′(0) and λ″(0) are {@link currentStatistics}'s mean and variance.
 * @throws TypeError/RangeError naming `rates`, `increments` or `chi`.
 * @example
 * ```ts
 * import { entropyIncrements, scaledCumulantGenerating } from "thermolearn";
 * const M = [[-3, 1, 2], [2, -3, 1], [1, 2, -3]];
 * console.log(scaledCumulantGenerating(M, entropyIncrements(M), -1)); // 0: the fluctuation theorem λ(χ) = λ(−1 − χ)
 * ```
 */
export function scaledCumulantGenerating(rates: RateMatrix, increments: Increments, chi: number): number {
  const { n, matrix: M } = checkRateMatrix("rates", rates);
  const d = checkIncrements("increments", increments, n);
  const x = check.finite("chi", chi);
  if ((MAX_BISECTIONS * n ** 3) / 3 > MAX_WORK)
    throw new RangeError(`rates: the SCGF of ${n} states needs more than 2⁴⁰ multiply-adds`);
  const B = tilt(M, n, d, x);
  const W = new Float64Array(n * n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j || M[i * n + j] === 0) continue;
      W[i * n + j] = B[i * n + j];
      c[j] += M[i * n + j] * Math.expm1(x * d[i * n + j]);
    }
  }
  let lo = Infinity,
    hi = -Infinity;
  for (let j = 0; j < n; j++) {
    lo = Math.min(lo, c[j]);
    hi = Math.max(hi, c[j]);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi))
    throw new RangeError(`chi: the tilted column sums overflow at χ = ${x}; use a smaller |chi|`);
  for (let step = 0; step < MAX_BISECTIONS && lo < hi; step++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (aboveRoot(W, c, n, mid)) hi = mid;
    else lo = mid;
  }
  return lo + (hi - lo) / 2;
}

/**
 * Increments of the net current through one edge: +1 on each jump from → to, −1 on each jump
 * to → from (n × n row-major, d[to·n + from] = 1, d[from·n + to] = −1).
 * @throws TypeError/RangeError naming `n`, `from` or `to` (integers, 0 ≤ from ≠ to < n).
 * @example
 * ```ts
 * import { edgeCurrent } from "thermolearn";
 * console.log(edgeCurrent(3, 0, 1)); // [0, −1, 0, 1, 0, 0, 0, 0, 0]: +1 at (1, 0) for a jump 0 → 1, −1 for 1 → 0
 * ```
 */
export function edgeCurrent(n: number, from: number, to: number): Float64Array {
  const size = check.integer("n", n, 2, 2 ** 13);
  const a = check.integer("from", from, 0, size - 1);
  const b = check.integer("to", to, 0, size - 1);
  if (a === b) throw new RangeError(`to must differ from from (there is no jump ${a} → ${a}), got ${b}`);
  const d = new Float64Array(size * size);
  d[b * size + a] = 1;
  d[a * size + b] = -1;
  return d;
}

/** Entropy increments ln(M_ij/M_ji) of a checked matrix; throws naming `rates` for a one-way pair. */
function entropyIncrementsOf(M: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const forward = M[i * n + j],
        backward = M[j * n + i];
      if (forward === 0 && backward === 0) continue;
      if (forward === 0 || backward === 0)
        throw new RangeError(
          `rates: the jump ${forward === 0 ? i : j} → ${forward === 0 ? j : i} has a rate but its ` +
            `reverse has none, so its entropy increment is infinite`,
        );
      d[i * n + j] = logRatio(forward, 1, backward, 1);
      d[j * n + i] = -d[i * n + j]; // exactly antisymmetric, so each pair's terms cancel exactly
    }
  }
  return d;
}

/**
 * Increments of the medium entropy current, d_ij = ln(M[i, j]/M[j, i]) nats on each jump j → i (0 on
 * unconnected pairs): its steady-state mean is the entropy production rate σ (the system entropy's
 * part, ln p_j − ln p_i, is a state function's increment and averages to 0).
 * @throws RangeError naming `rates` when a jump has a rate and its reverse has none (σ = ∞).
 * @example
 * ```ts
 * import { entropyIncrements } from "thermolearn";
 * const d = entropyIncrements([[-3, 1, 2], [2, -3, 1], [1, 2, -3]]);
 * console.log(d[3]); // ln(2/1) = ln 2: the medium's entropy gained by a jump 0 → 1 (entry 1·3 + 0)
 * ```
 */
export function entropyIncrements(rates: RateMatrix): Float64Array {
  const { n, matrix } = checkRateMatrix("rates", rates);
  return entropyIncrementsOf(matrix, n);
}

/** The result of {@link uncertaintyRelation}. */
export interface UncertaintyRelation {
  /** ⟨J⟩, increments per unit time. */
  mean: number;
  /** Var rate lim Var(J_t)/t, increments² per unit time. */
  variance: number;
  /** σ, the Schnakenberg entropy production rate, nats per unit time (+∞ with a one-way jump). */
  entropyProduction: number;
  /**
   * 2⟨J⟩²/(Var · σ) ≤ 1 (Barato & Seifert 2015), dimensionless and invariant under J → cJ. 0 (with a
   * `note`) where it is 0/0 or 0·∞: at or within rounding of detailed balance (σ ≤ 10⁻¹⁰ × the jump
   * rate, see {@link EQUILIBRIUM_RTOL}), σ = ∞, or a current of zero variance. Its relative rounding
   * error is about 10ε·√(jump rate/σ) ≤ 2·10⁻¹⁰ wherever it is reported.
   */
  ratio: number;
  /** Why `ratio` is set to 0, when it is. */
  note?: string;
}

/**
 * σ ≤ 10⁻¹⁰ · (total jump rate Σ M_ij p_j) counts as detailed balance for the ratio. The steady state
 * is known to ε = 2⁻⁵³ relative, so every net flux f − b, every mean current and (through the
 * increments ln(f/b)) the entropy current's variance carry a relative rounding error ~10ε/δ, where
 * δ ~ √(σ/jump rate) is the relative drive (measured on 5-state rings driven by δ on one edge:
 * ratio errors 7·10⁻¹⁰, 10⁻⁸, 10⁻⁶ at δ = 10⁻⁶, 10⁻⁸, 10⁻⁹). Above the threshold δ > 10⁻⁵ and the
 * ratio's error is below ~2·10⁻¹⁰; below it the ratio 0/0 is not resolved by doubles.
 */
export const EQUILIBRIUM_RTOL = 1e-10;

/**
 * A variance rate ≤ 10⁻¹² × `traffic` (the independent-jump variance Σ M_ij p_j d_ij²) counts as 0:
 * the current is a state function's increment (d_ij = φ_i − φ_j), whose exact variance rate is 0 and
 * whose computed one is the cancellation of traffic against the correlation term (~10⁻¹⁶·traffic
 * per solve, times the reduction's growth).
 */
export const ZERO_VARIANCE_RTOL = 1e-12;

/** The TUR figures for a checked generator: the increments, or "entropy" for the entropy current. */
function relation(M: Float64Array, n: number, increments: Float64Array | "entropy"): UncertaintyRelation {
  const red = reduce(M, n);
  const p = red.p;
  let d: Float64Array;
  if (increments === "entropy") {
    d = entropyIncrementsOf(M, n);
    // The total entropy increments ln(M_ij p_j / (M_ji p_i)) = d_ij + φ_i − φ_j (φ = −ln p) give the
    // same SCGF (a similarity transform by diag(e^{χφ})), hence the same mean and variance rate, and
    // vanish at detailed balance, so near it the sums do not cancel O(1) terms down to O(σ).
    if (p.every((x) => x > 0)) {
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          if (M[i * n + j] === 0) continue;
          d[i * n + j] = logRatio(M[i * n + j], p[j], M[j * n + i], p[i]);
          d[j * n + i] = -d[i * n + j];
        }
      }
    }
  } else {
    d = increments;
  }
  // The ratio is invariant under J → cJ: compute it with the increments scaled by a power of two
  // (exact) to a largest |d_ij| in [1, 2), so that ⟨J⟩² and Var·σ neither underflow nor overflow.
  let largest = 0;
  for (let e = 0; e < d.length; e++) if (M[e] !== 0 && e % (n + 1) !== 0) largest = Math.max(largest, Math.abs(d[e]));
  const scale = largest > 0 ? 2 ** Math.floor(Math.log2(largest)) : 1;
  const scaled = scale === 1 ? d : d.map((x) => x / scale);
  const { mean: m, variance: v, traffic } = statistics(M, red, scaled);
  const mean = m * scale,
    variance = v * scale * scale;
  const sigma = entropyRate(M, n, p);
  let jumps = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) jumps += M[i * n + j] * p[j];
  const base = { mean, variance, entropyProduction: sigma };
  if (sigma === Infinity)
    return { ...base, ratio: 0, note: "σ = ∞ (a jump without its reverse): the bound 2⟨J⟩²/(Var·σ) is 0" };
  if (!(sigma > EQUILIBRIUM_RTOL * jumps))
    return {
      ...base,
      ratio: 0,
      note:
        `detailed balance, or within rounding of it (σ = ${sigma.toExponential(2)} ≤ 10⁻¹⁰ × the jump rate): ` +
        "every mean current is ~0 and the ratio 0/0 is not resolved in double precision, so it is reported as 0",
    };
  if (!(v > ZERO_VARIANCE_RTOL * traffic))
    return {
      ...base,
      ratio: 0,
      note: "the current has zero variance rate (a state function's increment, or no increments), so its mean is 0",
    };
  return { ...base, ratio: (2 * ((m * m) / v)) / sigma };
}

/**
 * The thermodynamic uncertainty relation for one current: its mean and variance rate (as
 * {@link currentStatistics}), the entropy production σ (Schnakenberg, nats per unit time) and the
 * ratio 2⟨J⟩²/(Var · σ), which is ≤ 1 for every current (Barato & Seifert, PRL 114, 158101 (2015)).
 * `increments` = "entropy" takes the entropy current ({@link entropyIncrements}); its ratio is
 * 2σ/Var_σ, → 1 near equilibrium.
 * @throws TypeError/RangeError naming `rates` or `increments`.
 * @example
 * ```ts
 * import { ladderRates, uncertaintyRelation } from "thermolearn";
 * console.log(uncertaintyRelation(ladderRates({ gamma: 0.1 }), "entropy").ratio); // ≈ 0.585 ≤ 1
 * ```
 */
export function uncertaintyRelation(rates: RateMatrix, increments: Increments | "entropy"): UncertaintyRelation {
  const { n, matrix } = checkRateMatrix("rates", rates);
  const d = increments === "entropy" ? "entropy" : checkCurrent("increments", increments, n, matrix);
  return relation(matrix, n, d);
}

/**
 * Increments of a current in the TUR's sense: checked as {@link checkIncrements}, and antisymmetric
 * (d_ji = −d_ij, to 10⁻¹² relative) on every pair with a rate. A one-way count (d_ij ≠ 0, d_ji = 0)
 * is time-symmetric in part (half the net current plus half the traffic), and the bound does not
 * hold for it: its mean stays finite as σ → 0.
 */
function checkCurrent(name: string, value: unknown, n: number, M: Float64Array): Float64Array {
  const d = checkIncrements(name, value, n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (M[i * n + j] === 0 && M[j * n + i] === 0) continue;
      const x = d[i * n + j],
        y = d[j * n + i];
      if (!(Math.abs(x + y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y))))
        throw new RangeError(
          `${name} must be antisymmetric (a current: ${name}[${j}][${i}] = −${name}[${i}][${j}]), got ` +
            `${x} and ${y} for the jumps ${j} → ${i} and ${i} → ${j}; the TUR does not hold otherwise`,
        );
    }
  }
  return d;
}

// The ladder (src/markov/ladder.ts, spec §3)

/** The ladder's currents {@link ladderUncertainty} knows by name. */
export const LADDER_CURRENTS = ["entropy", "horizontal", "rung"] as const;

/** A named ladder current, or increments (2M × 2M) of one's own. */
export type LadderCurrent = (typeof LADDER_CURRENTS)[number] | Increments;

/**
 * Increments of the ladder's named currents (2M × 2M, row-major; nodes 0 … M−1 the top rail, m + M
 * below m):
 * - "horizontal": +1 on each rail jump in the direction the drive γ < 1 favours (top rail m → m−1,
 *   bottom rail m → m+1), −1 on the reverse jumps, 0 on the rungs: the displacement around the
 *   ladder's cycles. Since ln(M_ij/M_ji) is a state function's increment at γ = 1 and changes by
 *   −ln γ on exactly these jumps, the entropy current is −ln γ × this one plus a state function's
 *   increment: σ = −ln γ·⟨H⟩, Var_σ = ln²γ·Var_H, and the two have the same TUR ratio;
 * - "rung": +1 on a jump top → bottom at rung `rung`, −1 back (an edge current).
 * ("entropy" is {@link entropyIncrements} of the rates.)
 * @throws TypeError/RangeError naming `rungs`, `current` or `rung`.
 * @example
 * ```ts
 * import { ladderCurrentIncrements } from "thermolearn";
 * console.log(ladderCurrentIncrements(5, "horizontal").length); // 100: a 10 × 10 increment matrix
 * ```
 */
export function ladderCurrentIncrements(rungs: number, current: "horizontal" | "rung", rung = 0): Float64Array {
  const M = check.integer("rungs", rungs, 2, 1024);
  const kind = check.oneOf("current", current, ["horizontal", "rung"] as const);
  const n = 2 * M;
  if (kind === "rung") {
    const r = check.integer("rung", rung, 0, M - 1);
    return edgeCurrent(n, r, M + r);
  }
  const d = new Float64Array(n * n);
  const jump = (from: number, to: number) => {
    d[to * n + from] = 1;
    d[from * n + to] = -1;
  };
  for (let m = 1; m < M; m++) {
    jump(m, m - 1); // top rail leftward
    jump(M + m - 1, M + m); // bottom rail rightward
  }
  return d;
}

/** Options of {@link ladderUncertainty}: the ladder (as {@link ladderRates}) and the current. */
export interface LadderUncertaintyOptions extends LadderParams {
  /** "entropy" (default), "horizontal", "rung", or increments (2M × 2M) of one's own. */
  current?: LadderCurrent;
  /** The rung of the "rung" current, 0 … M−1. Default 0. */
  rung?: number;
}

const LADDER_KEYS = ["rungs", "gamma", "F", "s", "KI", "KA", "current", "rung"] as const;

/** The ladder's rates and the current's increments for checked options. */
function ladderProblem(
  what: string,
  options: LadderUncertaintyOptions | undefined,
  keys: readonly string[],
): { M: Float64Array; n: number; d: Float64Array | "entropy" } {
  const o = check.options(what, options, keys);
  const c = resolveLadder(what, o, keys);
  const n = 2 * c.rungs;
  const current = o.current ?? "entropy";
  let d: Float64Array | "entropy" = "entropy";
  if (typeof current === "string") {
    const kind = check.oneOf("current", current, LADDER_CURRENTS);
    if (o.rung !== undefined && kind !== "rung") throw new TypeError(`rung applies only to current "rung"`);
    d = kind === "entropy" ? "entropy" : ladderCurrentIncrements(c.rungs, kind, o.rung ?? 0);
  } else {
    if (o.rung !== undefined) throw new TypeError(`rung applies only to current "rung"`);
  }
  const M = buildLadder(c);
  if (typeof current !== "string") d = checkCurrent("current", current, n, M);
  if (d === "entropy" && c.gamma === 0)
    throw new RangeError("gamma: at γ = 0 the uphill jumps have no reverse, so the entropy current is infinite");
  return { M, n, d };
}

/**
 * The TUR for a current of the 2 × M ladder (src/markov/ladder.ts, spec §3): {@link uncertaintyRelation}
 * of `current` at the ladder's steady state. At γ = 1 (detailed balance) σ = 0, every mean is 0 and
 * the ratio is reported as 0 with a note; at γ = 0, σ = ∞ (ratio 0; the entropy current is refused).
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * ```ts
 * import { ladderUncertainty } from "thermolearn";
 * console.log(ladderUncertainty({ gamma: 0.1, current: "horizontal" }).ratio); // ≈ 0.585 ≤ 1 (the TUR)
 * ```
 */
export function ladderUncertainty(options?: LadderUncertaintyOptions): UncertaintyRelation {
  const { M, n, d } = ladderProblem("ladderUncertainty", options, LADDER_KEYS);
  return relation(M, n, d);
}

/** Options of {@link ladderUncertaintySweep}: {@link LadderUncertaintyOptions} with γ swept. */
export interface LadderUncertaintySweepOptions extends Omit<LadderUncertaintyOptions, "gamma"> {
  /** The values of γ (≥ 0), in any order; at most 10⁵. */
  gammas: ArrayLike<number>;
}

/** Columns of {@link ladderUncertaintySweep}, one entry per γ. */
export interface LadderUncertaintySweep {
  /** The γ of each entry, in the order given. */
  gamma: Float64Array;
  /** ⟨J⟩, increments per unit time. */
  mean: Float64Array;
  /** Var rate, increments² per unit time. */
  variance: Float64Array;
  /** σ, nats per unit time. */
  entropyProduction: Float64Array;
  /** 2⟨J⟩²/(Var·σ) (0 where {@link UncertaintyRelation.ratio} is). */
  ratio: Float64Array;
}

/**
 * {@link ladderUncertainty} across γ, as columns.
 * @throws TypeError/RangeError naming a bad option (`gammas[k]` for a bad γ).
 * @example
 * ```ts
 * import { ladderUncertaintySweep } from "thermolearn";
 * const { gamma, ratio } = ladderUncertaintySweep({ gammas: [0.01, 0.1, 0.5, 2], current: "horizontal" });
 * console.log(gamma, ratio); // ratios ≈ [0.415, 0.585, 0.752, 0.665], each ≤ 1
 * ```
 */
export function ladderUncertaintySweep(options: LadderUncertaintySweepOptions): LadderUncertaintySweep {
  const keys = ["rungs", "F", "s", "KI", "KA", "current", "rung", "gammas"];
  const o = check.options("ladderUncertaintySweep", options, keys);
  if (o.gammas === undefined) throw new TypeError("gammas is required (an array of γ ≥ 0)");
  if (!(Array.isArray(o.gammas) || ArrayBuffer.isView(o.gammas)))
    throw new TypeError("gammas must be an array or a typed array of numbers");
  const gammas = Float64Array.from(o.gammas as ArrayLike<number>);
  if (gammas.length === 0 || gammas.length > 1e5)
    throw new RangeError(`gammas must have 1 … 10⁵ entries, got ${gammas.length}`);
  const { gammas: _, ...rest } = o;
  const cols = {
    gamma: gammas,
    mean: new Float64Array(gammas.length),
    variance: new Float64Array(gammas.length),
    entropyProduction: new Float64Array(gammas.length),
    ratio: new Float64Array(gammas.length),
  };
  const given = o.gammas as ArrayLike<number>;
  for (let k = 0; k < gammas.length; k++) {
    const r = ladderUncertainty({ ...rest, gamma: check.nonNegative(`gammas[${k}]`, given[k]) });
    cols.mean[k] = r.mean;
    cols.variance[k] = r.variance;
    cols.entropyProduction[k] = r.entropyProduction;
    cols.ratio[k] = r.ratio;
  }
  return cols;
}
