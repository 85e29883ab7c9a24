/**
 * The steady state of a continuous-time Markov chain (GTH state reduction), its probability currents
 * and its Schnakenberg entropy production (shared/spec/MODELS.md §3, Eq. 13/59).
 */
import { MAX_WORK, checkProbabilities, checkRateMatrix, normalise, type RateMatrix } from "./rates.js";

/**
 * The steady state p of dp/dt = M p by the GTH algorithm (Grassmann, Taksar & Heyman, Oper. Res. 33,
 * 1107 (1985)): states are eliminated one by one (state reduction), each elimination re-routing the
 * flows through the removed state, p is rebuilt from the last state back, then normalised. It uses
 * only additions, multiplications and divisions of non-negative numbers (no subtraction, so no
 * cancellation), which gives every p_i to a small relative error however widely the rates spread
 * (10⁻³⁰⁰ beside 10³⁰⁰, or the ladder's F·e^{2(M−1)} beside 1); a solve of M p = 0 by Gaussian
 * elimination loses the small rates against the large ones there. When the state to eliminate has
 * no flow to the states left, another one that has is eliminated instead (a chain with transient
 * states and one closed class still has its unique p, zero on the transient states).
 * @throws RangeError (naming `rates`) for a bad matrix, or when the chain has no unique steady state
 * (two or more closed classes).
 * @example
 * ```ts
 * import { steadyState } from "thermolearn";
 * console.log(steadyState([[-1, 2], [1, -2]])); // [2/3, 1/3]
 * ```
 */
export function steadyState(rates: RateMatrix): Float64Array {
  const { n, matrix } = checkRateMatrix("rates", rates);
  return solveSteadyState(matrix, n);
}

/** {@link steadyState} of a checked matrix M (n states). */
export function solveSteadyState(M: Float64Array, n: number): Float64Array {
  // The eliminations cost ≤ n³/3 multiply-adds: within MAX_WORK up to 14 885 states.
  if (n ** 3 / 3 > MAX_WORK)
    throw new RangeError(
      `rates: the steady state of ${n} states needs ${(n ** 3 / 3).toExponential(2)} multiply-adds, ` +
        `more than the limit 2⁴⁰ ≈ 1.1e12`,
    );
  // A[i·n + j] = rate i → j (the transpose of M), off the diagonal only.
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) A[i * n + j] = M[j * n + i];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const outflow = new Float64Array(n); // S_k: the eliminated state's total rate to the states left
  const flowOut = (state: number, left: number) => {
    let sum = 0;
    for (let r = 0; r < left; r++) sum += A[state * n + order[r]];
    return sum;
  };
  for (let k = n - 1; k > 0; k--) {
    let S = flowOut(order[k], k);
    if (!(S > 0)) {
      // No way out of this state to the others: eliminate one that has one instead.
      let r = k - 1;
      while (r >= 0 && !(flowOut(order[r], k + 1) > 0)) r--; // A[i][i] = 0, so this is i's flow to the others
      if (r < 0)
        throw new RangeError(
          "rates: the chain has no unique steady state (it has two or more closed classes of states)",
        );
      [order[k], order[r]] = [order[r], order[k]];
      S = flowOut(order[k], k);
    }
    outflow[k] = S;
    const st = order[k];
    // Re-route i → st → j as i → j: A[i][j] += A[i][st]·A[st][j]/S (each row's total out is preserved).
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
  // Back-substitution: p_st = Σ_{i before st} p_i A[i][st] / S, kept ≤ 1 by rescaling the prefix.
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
      const f = outflow[k] / inflow; // > 0, or 0 when the prefix is below 10⁻³⁰⁸ of p_st
      for (let r = 0; r < k; r++) p[order[r]] *= f;
      p[st] = 1;
    } else {
      p[st] = x;
    }
  }
  return normalise(p);
}

/**
 * Probability currents J[i·n + j] = M_ij p_j − M_ji p_i (net flow j → i, antisymmetric), for a given
 * p or, by default, the steady state.
 * @example
 * ```ts
 * import { probabilityCurrents } from "thermolearn";
 * const J = probabilityCurrents([[-3, 1, 2], [2, -3, 1], [1, 2, -3]]); // a driven 3-state ring
 * console.log(J[3]); // 1/3 = (2 − 1)/3: the net steady current 0 → 1 (entry 1·3 + 0, as in the rates)
 * ```
 */
export function probabilityCurrents(rates: RateMatrix, p?: ArrayLike<number>): Float64Array {
  const { n, matrix: M } = checkRateMatrix("rates", rates);
  const q = p === undefined ? solveSteadyState(M, n) : checkProbabilities("p", p, n);
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (i !== j) J[i * n + j] = M[i * n + j] * q[j] - M[j * n + i] * q[i];
  return J;
}

/**
 * Schnakenberg entropy production (spec §3, Eq. 13/59), nats per time unit:
 *
 *   σ = Σ_{i<j} (M_ij p_j − M_ji p_i) ln[(M_ij p_j)/(M_ji p_i)]
 *
 * over connected pairs (M_ij > 0 or M_ji > 0), for a given p or, by default, the steady state.
 * Each term is ≥ 0; a pair with a rate one way only (e.g. γ = 0) makes σ = +∞. A pair whose rates
 * are both > 0 but one of whose fluxes is 0 because p underflowed (p_j < 5·10⁻³²⁴, as on a long
 * ladder's far rungs) is left out: its term is below (rate·5·10⁻³²⁴)·|ln ratio|, beyond a double's
 * reach beside the others.
 * @example
 * ```ts
 * import { entropyProduction, ladderRates } from "thermolearn";
 * console.log(entropyProduction(ladderRates({ gamma: 1 }))); // ≈ 0 (detailed balance)
 * console.log(entropyProduction(ladderRates({ gamma: 0.1 }))); // ≈ 1.76 nats per unit time
 * ```
 */
export function entropyProduction(rates: RateMatrix, p?: ArrayLike<number>): number {
  const { n, matrix: M } = checkRateMatrix("rates", rates);
  const q = p === undefined ? solveSteadyState(M, n) : checkProbabilities("p", p, n);
  return entropyRate(M, n, q);
}

/**
 * ln(ab/(cd)) for a, b, c, d > 0 finite: the log of the quotient (error ε, however close to 1) when
 * products and quotient are normal doubles, else ln a + ln b − ln c − ln d (e.g. a rate e·γ of
 * 10⁻³²³, whose reciprocal overflows, or a steady-state probability of 10⁻³⁰⁰).
 */
export function logRatio(a: number, b: number, c: number, d: number): number {
  const r = (a * b) / (c * d);
  return r > 2.3e-308 && r < 4.4e307 && a * b > 2.3e-308 && c * d > 2.3e-308
    ? Math.log(r)
    : Math.log(a) + Math.log(b) - Math.log(c) - Math.log(d);
}

/**
 * {@link entropyProduction} of a checked matrix M (n states) at a checked distribution p: Schnakenberg's
 * σ = Σ_{i<j} (f − b) ln(f/b), f = M_ij p_j, b = M_ji p_i, nats per unit time, with the log by
 * {@link logRatio}, so a pair whose flux b underflows while f does not (a subnormal rate, e.g. e·γ at
 * γ = 10⁻³²³) keeps its term f·ln(f/b). Pairs with p_i or p_j = 0 (transient, or underflowed: then both
 * fluxes are below rate·5·10⁻³²⁴) contribute 0; a one-way pair gives +∞.
 */
export function entropyRate(M: Float64Array, n: number, p: ArrayLike<number>): number {
  let sigma = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = M[i * n + j],
        c = M[j * n + i];
      if (a === 0 && c === 0) continue;
      if (p[i] === 0 || p[j] === 0) {
        if ((a === 0 && p[i] > 0) || (c === 0 && p[j] > 0)) return Infinity;
        continue;
      }
      if (a === 0 || c === 0) return Infinity; // a one-way transition
      const f = a * p[j],
        b = c * p[i];
      if (f !== b) sigma += (f - b) * logRatio(a, p[j], c, p[i]);
    }
  }
  return sigma;
}
