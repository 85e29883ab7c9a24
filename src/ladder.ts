/**
 * The ladder Markov chain of shared/spec/MODELS.md §3 (Appendix F; Lan et al., "The energy–speed–
 * accuracy trade-off in sensory adaptation", Nat. Phys. 8, 422 (2012)) and continuous-time Markov
 * chains in general: rate matrices, steady states, probability currents, Schnakenberg entropy
 * production (Eq. 13/59), exact time integration in wasm, and the step-response memory kernel that
 * feeds the contrastive-learning module (src/contrastive.ts).
 *
 * Conventions: a chain of n states obeys the master equation dp/dt = M p with M[i, j] = rate j → i
 * (i ≠ j) and M[j, j] = −Σ_{i≠j} M[i, j] (columns sum to zero). Matrices are n × n, row-major
 * (M[i·n + j]) in a Float64Array, or an array of n rows. Rates and time share one (arbitrary) unit;
 * entropy is in nats per time unit (k_B = 1).
 *
 * The ladder: 2 × M states, nodes 0 … M−1 on the top rail (position m), node m + M below node m.
 * Horizontal rates: top rail m → m−1 at 1 and m → m+1 at e·γ; bottom rail m → m+1 at 1 and
 * m → m−1 at e·γ (e = Euler's number, as in the authors' code `np.exp(1) * gamma`). γ = 1 is
 * detailed balance; γ < 1 drives a cycle. Rung energy ΔE(m, s) = 2(1 − m) + ln[(1 + s/K_I)/(1 + s/K_A)];
 * vertical rates with factor F: ΔE < 0: bottom → top F e^{−ΔE}, top → bottom F; otherwise bottom → top
 * F, top → bottom F e^{ΔE}.
 */
import { WasmInstance, formatBytes } from "./core/instance.js";
import { LADDER_RECORD, MAX_MEMORY_BYTES } from "./core/abi.js";
import type { Backend } from "./core/loader.js";
import * as check from "./core/validate.js";
import { kernelMoments, type SampledKernel } from "./contrastive.js";

/** A rate matrix: n × n row-major (M[i·n + j] = rate j → i) in a Float64Array or a flat array, or n rows of n numbers. */
export type RateMatrix = Float64Array | readonly number[] | readonly (readonly number[])[];

/**
 * Columns of a rate matrix must sum to zero within this relative tolerance: |Σ_i M[i, j]| ≤
 * 1e-10 · max(1, Σ_{i≠j} M[i, j]). A diagonal computed as −Σ of ≤ 10⁴ off-diagonal terms is off by
 * at most ~10⁴ · 2⁻⁵³ ≈ 1e-12 relative, so 1e-10 accepts every correctly built matrix and rejects
 * any real mistake (a missing or extra rate changes the sum by that rate).
 */
const COLUMN_SUM_RTOL = 1e-10;

/**
 * Validates a rate matrix and returns it as a row-major copy. Off-diagonal entries must be finite and
 * ≥ 0, diagonals finite, and columns sum to zero within COLUMN_SUM_RTOL (1e-10 relative).
 * @throws TypeError for a wrong shape or type, RangeError for a bad entry, naming `name`.
 */
export function checkRateMatrix(name: string, value: unknown): { n: number; matrix: Float64Array } {
  let n: number, m: Float64Array;
  if (value instanceof Float64Array) {
    n = Math.round(Math.sqrt(value.length));
    if (n * n !== value.length) throw new TypeError(`${name} must have n² entries (row-major), got ${value.length}`);
    m = Float64Array.from(value);
  } else if (Array.isArray(value) && value.length > 0 && typeof value[0] === "number") {
    n = Math.round(Math.sqrt(value.length)); // a flat row-major array, as a Float64Array
    if (n * n !== value.length) throw new TypeError(`${name} must have n² entries (row-major), got ${value.length}`);
    value.forEach((x: unknown, e) => {
      if (typeof x !== "number") throw new TypeError(`${name}[${Math.floor(e / n)}][${e % n}] must be a number, got ${typeof x}`);
    });
    m = Float64Array.from(value as number[]);
  } else if (Array.isArray(value)) {
    n = value.length;
    m = new Float64Array(n * n);
    value.forEach((row: unknown, i) => {
      if (!Array.isArray(row) || row.length !== n) throw new TypeError(`${name}[${i}] must be an array of ${n} numbers`);
      for (let j = 0; j < n; j++) {
        if (typeof row[j] !== "number") throw new TypeError(`${name}[${i}][${j}] must be a number, got ${typeof row[j]}`);
        m[i * n + j] = row[j];
      }
    });
  } else {
    throw new TypeError(`${name} must be a Float64Array (n × n, row-major) or an array of rows`);
  }
  if (n < 2) throw new RangeError(`${name} must have at least 2 states, got ${n}`);
  for (let j = 0; j < n; j++) {
    let sum = 0, out = 0;
    for (let i = 0; i < n; i++) {
      const x = m[i * n + j];
      if (!Number.isFinite(x)) throw new RangeError(`${name}[${i}][${j}] must be finite, got ${x}`);
      if (i !== j && !(x >= 0)) throw new RangeError(`${name}[${i}][${j}] (rate ${j} → ${i}) must be ≥ 0, got ${x}`);
      sum += x;
      if (i !== j) out += x;
    }
    if (!(Math.abs(sum) <= COLUMN_SUM_RTOL * Math.max(1, out))) {
      throw new RangeError(`${name}: column ${j} must sum to zero (M[j][j] = −Σ_{i≠j} M[i][j]), got ${sum}`);
    }
  }
  return { n, matrix: m };
}

// ---------------------------------------------------------------------------------------------
// The ladder's rates
// ---------------------------------------------------------------------------------------------

/** Parameters of the ladder (spec §3, Appendix F). */
export interface LadderParams {
  /** Positions per rail, M ≥ 2 (2M states). Default 5. */
  rungs?: number;
  /** Non-equilibrium factor γ ≥ 0 on the "uphill" horizontal rates e·γ. 1 = detailed balance. Default 1. */
  gamma?: number;
  /** Vertical rate factor F > 0. Default 25. */
  F?: number;
  /** Signal s ≥ 0 (ligand, µM). Default 0. */
  s?: number;
  /** Inhibitor dissociation constant K_I > 0 (µM). Default 18.2. */
  KI?: number;
  /** Activator dissociation constant K_A > 0 (µM). Default 3000. */
  KA?: number;
}

interface LadderConfig { rungs: number; gamma: number; F: number; s: number; KI: number; KA: number }

const PARAM_KEYS = ["rungs", "gamma", "F", "s", "KI", "KA"] as const;

/** ln of the largest double, 709.78: a rate e^x with x above it overflows to ∞. */
const LN_MAX = Math.log(Number.MAX_VALUE);

/**
 * Validates the ladder's parameters; `keys` are the options `what` accepts (unknown keys, null and
 * non-object options throw). Also refuses parameters whose rates a double cannot hold (see
 * {@link checkRepresentable}), naming them.
 */
function resolveLadder(what: string, options: LadderParams | undefined, keys: readonly string[] = PARAM_KEYS): LadderConfig {
  const o = check.options(what, options, keys);
  const c = {
    rungs: check.integer("rungs", o.rungs ?? 5, 2, 1024),
    gamma: check.nonNegative("gamma", o.gamma ?? 1),
    F: check.positive("F", o.F ?? 25),
    s: check.nonNegative("s", o.s ?? 0),
    KI: check.positive("KI", o.KI ?? 18.2),
    KA: check.positive("KA", o.KA ?? 3000),
  };
  checkRepresentable(c);
  return c;
}

/**
 * ln(1 + s/K) for s ≥ 0, K > 0, finite for every such pair: log1p(s/K) while s/K is a finite
 * double, else ln s − ln K + log1p(K/s) (s/K > 1.8·10³⁰⁸ there, so K/s is tiny and exact enough).
 */
function logOnePlusRatio(s: number, K: number): number {
  const r = s / K;
  return Number.isFinite(r) ? Math.log1p(r) : Math.log(s) - Math.log(K) + Math.log1p(K / s);
}

/**
 * The signal's part of the rung energy, L(s) = ln[(1 + s/K_I)/(1 + s/K_A)], as a difference of two
 * {@link logOnePlusRatio} terms: finite for all s ≥ 0, K_I, K_A > 0 (each term is ≥ 0 and at most
 * ln(MAX_VALUE/MIN_VALUE) ≈ 1454), where the quotient form overflows (s = 10³⁰⁸ with K_I < 1) or
 * cancels to ∞/∞.
 */
function signalEnergy(s: number, KI: number, KA: number): number {
  return logOnePlusRatio(s, KI) - logOnePlusRatio(s, KA);
}

/**
 * Rung energy ΔE(m, s) = 2(1 − m) + ln[(1 + s/K_I)/(1 + s/K_A)] (spec §3, Appendix F), the log
 * computed without overflow ({@link signalEnergy}).
 * @throws TypeError/RangeError naming m (finite, |m| ≤ 2⁵³), s (≥ 0), KI or KA (> 0).
 */
export function ladderEnergy(m: number, s: number, KI = 18.2, KA = 3000): number {
  const rung = check.finite("m", m);
  if (!(Math.abs(rung) <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`m must be in [−2⁵³, 2⁵³], got ${rung}`);
  return 2 * (1 - rung) + signalEnergy(check.nonNegative("s", s), check.positive("KI", KI), check.positive("KA", KA));
}

/**
 * F·e^x (x ≥ 0) without a spurious overflow: the plain product while e^x is finite (the same bits as
 * the spec's formula), else exp(ln F + x), which is finite whenever the result is (e.g. F = 10⁻³⁰⁰,
 * x = 800). The caller has checked ln F + x ≤ ln(MAX_VALUE).
 */
function scaledExp(F: number, x: number): number {
  const e = Math.exp(x);
  return Number.isFinite(e) ? F * e : Math.exp(Math.log(F) + x);
}

/**
 * Refuses parameters whose rates overflow a double, naming them: the uphill rate e·γ, the vertical
 * rate F·e^{|ΔE(m, s)|} (largest at m = 0 or m = M − 1, since ΔE is linear in m), and each state's
 * total outflow (the diagonal). Rates too small to matter cannot occur: every rate is 1, e·γ, F or
 * more.
 */
function checkRepresentable(c: LadderConfig): void {
  if (!Number.isFinite(Math.E * c.gamma)) throw new RangeError(`gamma: the rate e·γ overflows for γ = ${c.gamma} (at most ${Number.MAX_VALUE / Math.E})`);
  const L = signalEnergy(c.s, c.KI, c.KA), lnF = Math.log(c.F);
  const first = Math.abs(2 + L), last = Math.abs(2 * (2 - c.rungs) + L);
  const energy = `ln[(1 + s/K_I)/(1 + s/K_A)] = ${L}`;
  if (lnF + first > LN_MAX) {
    throw new RangeError(`F, s, KI, KA: the vertical rate F·e^{|ΔE(0, s)|} = e^${(lnF + first).toFixed(1)} at rung 0 is beyond the largest double (e^${LN_MAX.toFixed(1)}); lower F or |${energy}|`);
  }
  if (lnF + last > LN_MAX) {
    // Largest M with ln F + 2(M − 2) − L ≤ LN_MAX: the top rung's |ΔE| grows with M.
    const most = Math.floor(2 + (L + LN_MAX - lnF) / 2);
    if (most >= 2) {
      throw new RangeError(`rungs: the vertical rate F·e^{|ΔE|} at rung m = ${c.rungs - 1} is e^${(lnF + last).toFixed(1)}, beyond the largest double (e^${LN_MAX.toFixed(1)}); with F = ${c.F} and s = ${c.s}, rungs must be ≤ ${most}`);
    }
    throw new RangeError(`F, s, KI, KA: the vertical rate F·e^{|ΔE|} at rung m = ${c.rungs - 1} is e^${(lnF + last).toFixed(1)}, beyond the largest double (e^${LN_MAX.toFixed(1)}); lower F or |${energy}|`);
  }
}

/** The ladder's rate matrix (row-major, M[i·n + j] = rate j → i) for checked parameters. */
function buildLadder(c: LadderConfig): Float64Array {
  const M = c.rungs, n = 2 * M;
  const R = new Float64Array(n * n);
  const set = (from: number, to: number, rate: number) => { R[to * n + from] = rate; };
  const uphill = Math.E * c.gamma, L = signalEnergy(c.s, c.KI, c.KA);
  for (let m = 0; m < M; m++) {
    if (m > 0) { set(m, m - 1, 1); set(M + m, M + m - 1, uphill); } // leftward: top 1, bottom e·γ
    if (m < M - 1) { set(m, m + 1, uphill); set(M + m, M + m + 1, 1); } // rightward: top e·γ, bottom 1
    const dE = 2 * (1 - m) + L;
    const up = dE < 0 ? scaledExp(c.F, -dE) : c.F; // bottom → top
    const down = dE < 0 ? c.F : scaledExp(c.F, dE); // top → bottom
    set(M + m, m, up);
    set(m, M + m, down);
  }
  for (let j = 0; j < n; j++) {
    let out = 0;
    for (let i = 0; i < n; i++) if (i !== j) out += R[i * n + j];
    // Each rate is finite (checkRepresentable); their sum (≤ 3 of them) may still not be.
    if (!Number.isFinite(out)) throw new RangeError(`F, gamma: the total rate out of state ${j} overflows (its rates sum past ${Number.MAX_VALUE})`);
    R[j * n + j] = -out;
  }
  return R;
}

/**
 * The ladder's rate matrix M (2M × 2M, row-major, M[i·n + j] = rate j → i) at signal s.
 * @throws TypeError/RangeError naming a bad parameter.
 * @example
 * const M = ladderRates({ gamma: 0.1, s: 200 }); // 10 × 10
 */
export function ladderRates(params?: LadderParams): Float64Array {
  return buildLadder(resolveLadder("ladderRates", params));
}

// ---------------------------------------------------------------------------------------------
// Steady state, currents, entropy production
// ---------------------------------------------------------------------------------------------

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
 */
export function steadyState(rates: RateMatrix): Float64Array {
  const { n, matrix } = checkRateMatrix("rates", rates);
  return solveSteadyState(matrix, n);
}

function solveSteadyState(M: Float64Array, n: number): Float64Array {
  // The eliminations cost ≤ n³/3 multiply-adds: within MAX_WORK up to 14 880 states.
  if (n ** 3 / 3 > MAX_WORK) throw new RangeError(`rates: the steady state of ${n} states needs ${(n ** 3 / 3).toExponential(2)} multiply-adds, more than the limit 2⁴⁰ ≈ 1.1e12`);
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
      if (r < 0) throw new RangeError("rates: the chain has no unique steady state (it has two or more closed classes of states)");
      [order[k], order[r]] = [order[r], order[k]];
      S = flowOut(order[k], k);
    }
    outflow[k] = S;
    const st = order[k];
    // Re-route i → st → j as i → j: A[i][j] += A[i][st]·A[st][j]/S (each row's total out is preserved).
    for (let r = 0; r < k; r++) {
      const i = order[r], via = A[i * n + st];
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
    if (!Number.isFinite(inflow)) throw new RangeError("rates: too large for the steady state (flows overflow a double)");
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

function normalise(p: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < p.length; i++) { p[i] = Math.max(0, p[i]); sum += p[i]; }
  for (let i = 0; i < p.length; i++) p[i] /= sum;
  return p;
}

function checkProbabilities(name: string, value: unknown, n: number): Float64Array {
  const p = check.vector(name, value, n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!(p[i] >= 0)) throw new RangeError(`${name}[${i}] must be ≥ 0, got ${p[i]}`);
    sum += p[i];
  }
  // Σp = 1 to 1e-9: caller-built vectors carry round-off far below that; a real mistake is far above.
  if (!(Math.abs(sum - 1) <= 1e-9)) throw new RangeError(`${name} must sum to 1, got ${sum}`);
  return normalise(p);
}

/**
 * Probability currents J[i·n + j] = M_ij p_j − M_ji p_i (net flow j → i, antisymmetric), for a given
 * p or, by default, the steady state.
 */
export function probabilityCurrents(rates: RateMatrix, p?: ArrayLike<number>): Float64Array {
  const { n, matrix: M } = checkRateMatrix("rates", rates);
  const q = p === undefined ? solveSteadyState(M, n) : checkProbabilities("p", p, n);
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) J[i * n + j] = M[i * n + j] * q[j] - M[j * n + i] * q[i];
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
 * entropyProduction(ladderRates({ gamma: 1 }));   // 0 (detailed balance)
 * entropyProduction(ladderRates({ gamma: 0.1 })); // > 0
 */
export function entropyProduction(rates: RateMatrix, p?: ArrayLike<number>): number {
  const { n, matrix: M } = checkRateMatrix("rates", rates);
  const q = p === undefined ? solveSteadyState(M, n) : checkProbabilities("p", p, n);
  let sigma = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const forward = M[i * n + j] * q[j], backward = M[j * n + i] * q[i];
      if (forward === backward) continue; // includes unconnected pairs (0, 0)
      if (forward === 0 || backward === 0) {
        if (M[i * n + j] === 0 || M[j * n + i] === 0) return Infinity; // a one-way transition
        continue; // an underflowed probability, see above
      }
      sigma += (forward - backward) * Math.log(forward / backward);
    }
  }
  return sigma;
}

/** Steady-state entropy production of the ladder at signal s (default 0): σ(γ), 0 at γ = 1. */
export function ladderDissipation(params?: LadderParams): number {
  return entropyProduction(buildLadder(resolveLadder("ladderDissipation", params)));
}

// ---------------------------------------------------------------------------------------------
// Time integration in wasm
// ---------------------------------------------------------------------------------------------

/**
 * Values recorded per wasm call at most (8 MiB of output buffer). The buffer is allocated on the
 * first recording call, sized to it, and re-allocated larger (up to this) only when a later call
 * records more; a call that fits in one buffer returns one slice of wasm memory (no zero-fill, one
 * copy).
 */
const MAX_CHUNK_VALUES = 2 ** 20;

/**
 * Multiply-adds one call may cost at most, 2⁴⁰ ≈ 1.1·10¹² (≈ 20 min of wasm here, at ≈ 0.9·10⁹ a
 * second in the propagator's matrix products): propagators
 * (n³ per matrix product) and steps (n² each) are counted before anything runs, so no call can run
 * for hours or hang.
 */
const MAX_WORK = 2 ** 40;

/**
 * The propagator's cost and feasibility for rates M (n states) over dt, checked before the wasm
 * computes it (assembly/ladder.ts `ladder_propagator`, whose q-loop and series this repeats):
 * q squarings with λ·dt/2^q ≤ ½, and K series terms until (λτ)^K/K! < 10⁻²⁰. Returns the
 * multiply-adds, n³·(q + K).
 * @throws RangeError naming `dt` when they exceed {@link MAX_WORK}, or when a positive rate r is so
 * far below λ = max_j |M_jj| (r·τ < 2⁻¹⁰³⁵, τ = dt/2^q, so r/λ ≲ 10⁻³¹¹) that its probability in one
 * uniformisation step is a subnormal double with less than 2⁻⁴⁰ relative precision (or 0), while
 * its transitions over dt matter (r·dt > 2⁻⁵⁰): e.g. two clusters mixing at 10³⁰⁰ linked at 10⁻³⁰,
 * whose link B = M/λ rounds to 0, so exp(M·dt) would never cross it.
 */
function propagatorWork(M: Float64Array, n: number, dt: number): number {
  let lambda = 0;
  for (let j = 0; j < n; j++) lambda = Math.max(lambda, -M[j * n + j]);
  if (!(lambda > 0)) return 0;
  let tau = dt, q = 0;
  while (lambda * tau > 0.5) { tau *= 0.5; q++; }
  const x = lambda * tau;
  let terms = 0;
  for (let k = 1, weight = 1; k <= 60; k++) { weight *= x / k; if (weight < 1e-20) break; terms++; }
  const work = n ** 3 * (q + terms);
  if (work > MAX_WORK) {
    throw new RangeError(`dt: exp(M·dt) for ${n} states with λ·dt = ${lambda * dt} needs ${q + terms} products of ${n} × ${n} matrices (${q} squarings), ${work.toExponential(2)} multiply-adds, more than the limit 2⁴⁰ ≈ 1.1e12: use a smaller dt or fewer states`);
  }
  for (let e = 0; e < n * n; e++) {
    const r = M[e];
    if (e % (n + 1) !== 0 && r > 0 && r * tau < 2 ** -1035 && r * dt > 2 ** -50) {
      throw new RangeError(`dt: the rate ${r} (${e % n} → ${Math.floor(e / n)}) is so far below the fastest (λ = ${lambda}) that its probability in one uniformisation step is subnormal, so exp(M·dt) cannot carry its transitions over dt = ${dt}; use a smaller dt`);
    }
  }
  return work;
}

/** Options of {@link MarkovChain}. */
export interface MarkovChainOptions {
  /** The rate matrix M (see {@link RateMatrix}). */
  rates: RateMatrix;
  /** Time step of the grid, > 0. */
  dt: number;
  /** Initial distribution: "steady" (the steady state of `rates`, default) or a probability vector. */
  initial?: "steady" | Float64Array | number[];
  /** Force the "simd" or "scalar" build (they give identical bits). */
  backend?: Backend;
}

/**
 * A continuous-time Markov chain integrated exactly on the grid t_k = k·dt: P = exp(M dt) is computed
 * once per rate matrix in wasm (uniformisation with scaling and squaring, so P ≥ 0 and its columns
 * sum to 1 for any dt, λ·dt = ∞ included; its cost is checked first, see `propagatorWork`), then
 * each step is p ← P p inside wasm: a column-major SIMD mat-vec whose vector is
 * divided by its sum every 16th step and at the end of each call, so every recorded p has
 * |Σp − 1| ≲ 16·n·ε over any number of steps; P ≥ 0 and p ≥ 0 keep every entry ≥ 0 exactly
 * (assembly/ladder.ts `ladder_step`).
 * `setRates` switches to new rates (piecewise-constant driving). The chain's state is allocated in
 * the constructor; the output buffer of `observe`/`trajectory` on the first such call (at most 8 MiB,
 * longer runs are recorded in chunks).
 * @example
 * using chain = new MarkovChain({ rates: ladderRates({ gamma: 0.1 }), dt: 1e-3 });
 * chain.setRates(ladderRates({ gamma: 0.1, s: 200 }));
 * const top = chain.observe(1000, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
 */
export class MarkovChain {
  readonly n: number;
  readonly dt: number;
  readonly backend: Backend;
  readonly #wasm: WasmInstance;
  readonly #state: number;
  readonly #weights: number;
  #out = 0;
  #outValues = 0;

  /** @throws TypeError/RangeError naming a bad option (rates, dt, initial, backend). */
  constructor(options: MarkovChainOptions) {
    const o = check.options("MarkovChain", options, ["rates", "dt", "initial", "backend"]);
    const backend = check.backend(o.backend);
    const { n, matrix } = checkRateMatrix("rates", o.rates);
    this.dt = check.positive("dt", o.dt);
    const initial = o.initial ?? "steady";
    const p0 = typeof initial === "string"
      ? (check.oneOf("initial", initial, ["steady"] as const), solveSteadyState(matrix, n))
      : checkProbabilities("initial", initial, n);
    const bytes = 8 * (6 * n * n + 3 * n + n) + 1024;
    if (bytes > MAX_MEMORY_BYTES) throw new RangeError(`rates: ${n} states need ${formatBytes(bytes)} of wasm memory, more than the ${formatBytes(MAX_MEMORY_BYTES)} limit`);
    propagatorWork(matrix, n, this.dt); // throws before any wasm memory is taken
    this.n = n;
    this.#wasm = new WasmInstance("MarkovChain", backend);
    this.backend = this.#wasm.backend;
    try {
      this.#state = this.#wasm.exports.ladder_create(n);
      if (this.#state === 0) throw new RangeError("rates: wasm memory could not grow");
      this.#weights = this.#wasm.alloc(8 * n, "weights");
      this.#loadRates(matrix);
      this.#wasm.f64.set(p0, this.#wasm.exports.ladder_prob(this.#state) >> 3);
    } catch (error) {
      this.#wasm.dispose();
      throw error;
    }
  }

  /** Writes M and computes P = exp(M dt) in wasm; the caller has run {@link propagatorWork}. */
  #loadRates(matrix: Float64Array): void {
    const e = this.#wasm.exports;
    this.#wasm.f64.set(matrix, e.ladder_rates(this.#state) >> 3);
    e.ladder_propagator(this.#state, this.dt);
  }

  /** The multiply-adds of one propagator for `matrix` at this dt (throws as {@link propagatorWork}). */
  protected propagatorWork(matrix: Float64Array): number {
    return propagatorWork(matrix, this.n, this.dt);
  }

  /** Checks `count` steps of this chain: an integer in [0, 2³¹ − 1] costing ≤ 2⁴⁰ multiply-adds (n² a step). */
  #checkCount(count: unknown, max = 2 ** 31 - 1): number {
    const most = Math.min(max, Math.floor(MAX_WORK / this.n ** 2));
    return check.integer("count", count, 0, most);
  }

  /** Steps taken. */
  get steps(): number { return this.#wasm.exports.ladder_steps(this.#state); }
  /** Time t = steps·dt. */
  get time(): number { return this.steps * this.dt; }

  /**
   * Switches to new rates from now on (same n) and recomputes the propagator: piecewise-constant
   * driving, e.g. a step in the signal s.
   * @throws TypeError/RangeError naming `rates`.
   */
  setRates(rates: RateMatrix): void {
    const { n, matrix } = checkRateMatrix("rates", rates);
    if (n !== this.n) throw new RangeError(`rates must have ${this.n} states, got ${n}`);
    propagatorWork(matrix, n, this.dt);
    this.#loadRates(matrix);
  }

  /** A copy of the propagator P = exp(M dt) (row-major, P[i·n + j] = Prob(j → i in dt)). */
  propagator(): Float64Array {
    return this.#wasm.f64Copy(this.#wasm.exports.ladder_propagator_matrix(this.#state), this.n * this.n);
  }

  /** A copy of p(t). */
  probabilities(): Float64Array {
    return this.#wasm.f64Copy(this.#wasm.exports.ladder_prob(this.#state), this.n);
  }

  /** Replaces p(t) (non-negative, Σ = 1 within 1e-9, then renormalised). @throws RangeError naming `p`. */
  setProbabilities(p: Float64Array | number[]): void {
    const q = checkProbabilities("p", p, this.n);
    this.#wasm.f64.set(q, this.#wasm.exports.ladder_prob(this.#state) >> 3);
  }

  /**
   * Advances `count` steps (the loop runs in wasm).
   * @throws RangeError for a bad count: an integer in [0, 2³¹ − 1] and ≤ 2⁴⁰/n² (n² multiply-adds a step).
   */
  step(count = 1): void {
    this.#checkCount(count);
    this.#wasm.exports.ladder_step(this.#state, count, LADDER_RECORD.none, 0, 0);
  }

  /**
   * Advances `count` steps and returns w·p after each (length count), e.g. w = top-rail indicator for
   * the ladder's top occupancy. With `out` (a Float64Array of length ≥ count), writes there and
   * returns it instead of allocating.
   * @throws RangeError for a bad count (as {@link step}), weights or out.
   */
  observe(count: number, weights: Float64Array | number[], out?: Float64Array): Float64Array {
    this.#checkCount(count);
    this.#wasm.f64.set(check.vector("weights", weights, this.n), this.#weights >> 3);
    return this.#record(count, LADDER_RECORD.observable, 1, out);
  }

  /**
   * Advances `count` steps and returns p after each, row k = step k + 1 (count × n, row-major). With
   * `out` (a Float64Array of length ≥ count·n), writes there and returns it instead of allocating: a
   * reused `out` spares the allocation, which for a large result costs as much as the steps (fresh
   * pages from the OS).
   * @throws RangeError for a bad count (as {@link step}, and ≤ 2²⁷/n) or out.
   */
  trajectory(count: number, out?: Float64Array): Float64Array {
    this.#checkCount(count, Math.floor(2 ** 27 / this.n));
    return this.#record(count, LADDER_RECORD.states, this.n, out);
  }

  #record(count: number, mode: number, width: number, out?: Float64Array): Float64Array {
    if (out !== undefined && !(out instanceof Float64Array && out.length >= count * width)) {
      throw new RangeError(`out must be a Float64Array of length ≥ ${count * width}`);
    }
    const e = this.#wasm.exports;
    const chunk = Math.max(1, Math.floor(MAX_CHUNK_VALUES / width));
    const values = Math.min(count, chunk) * width;
    if (values > this.#outValues) {
      // Grow geometrically (the bump allocator cannot free the old buffer), capped at one chunk.
      this.#outValues = Math.min(chunk * width, Math.max(values, 2 * this.#outValues));
      this.#out = this.#wasm.alloc(8 * this.#outValues, "output buffer");
    }
    if (count <= chunk && out === undefined) {
      e.ladder_step(this.#state, count, mode, this.#weights, this.#out);
      return this.#wasm.f64Copy(this.#out, count * width);
    }
    const result = out ?? new Float64Array(count * width);
    for (let done = 0; done < count; done += chunk) {
      const k = Math.min(chunk, count - done);
      e.ladder_step(this.#state, k, mode, this.#weights, this.#out);
      result.set(this.#wasm.f64View(this.#out, k * width), done * width);
    }
    return result;
  }

  /** Frees the wasm instance. Idempotent; later calls throw DisposedError. */
  dispose(): void { this.#wasm.dispose(); }
  [Symbol.dispose](): void { this.dispose(); }
}

/** Options of {@link LadderChain}: the ladder's parameters (s is the initial signal) and the grid. */
export interface LadderChainOptions extends LadderParams {
  dt: number;
  /** "steady" (the steady state at the initial s, default) or a probability vector of 2M entries. */
  initial?: "steady" | Float64Array | number[];
  backend?: Backend;
}

/**
 * The ladder as a {@link MarkovChain} driven by a signal s(t), piecewise constant on the dt grid:
 * `setSignal(s)` (or `follow`) rebuilds the rates and recomputes the propagator whenever s changes.
 * @example
 * using ladder = new LadderChain({ gamma: 0.1, dt: 5e-4 }); // steady state at s = 0
 * const y = ladder.follow(new Float64Array(10_000).fill(200)); // top occupancy after a step to s = 200
 */
export class LadderChain extends MarkovChain {
  readonly params: Readonly<Omit<LadderConfig, "s">>;
  #signal: number;
  readonly #top: Float64Array;

  /** @throws TypeError/RangeError naming a bad option. */
  constructor(options: LadderChainOptions) {
    const o = check.options("LadderChain", options, [...PARAM_KEYS, "dt", "initial", "backend"]);
    const c = resolveLadder("LadderChain", o, [...PARAM_KEYS, "dt", "initial", "backend"]);
    super({ rates: buildLadder(c), dt: o.dt, ...(o.initial === undefined ? {} : { initial: o.initial }), ...(o.backend === undefined ? {} : { backend: o.backend }) });
    this.params = { rungs: c.rungs, gamma: c.gamma, F: c.F, KI: c.KI, KA: c.KA };
    this.#signal = c.s;
    this.#top = Float64Array.from({ length: 2 * c.rungs }, (_, i) => (i < c.rungs ? 1 : 0));
  }

  /** The current signal s; NaN after {@link setRates}, whose rates need not be the ladder's at any s. */
  get signal(): number { return this.#signal; }

  /** Sets s (≥ 0) from now on; the propagator is recomputed only when s changes. @throws RangeError naming `s`. */
  setSignal(s: number): void {
    check.nonNegative("s", s);
    if (s === this.#signal) return;
    super.setRates(this.#ratesAt(s));
    this.#signal = s;
  }

  /** The ladder's rates at signal s, refused (naming the parameters) when a double cannot hold them. */
  #ratesAt(s: number): Float64Array {
    const c = { ...this.params, s };
    checkRepresentable(c);
    return buildLadder(c);
  }

  /**
   * Switches to arbitrary rates (same n), as {@link MarkovChain.setRates}. The signal is then unknown:
   * `signal` reads NaN, and the next `setSignal` (or `follow`) rebuilds the ladder's rates whatever s.
   * @throws TypeError/RangeError naming `rates`.
   */
  override setRates(rates: RateMatrix): void {
    super.setRates(rates);
    this.#signal = Number.NaN;
  }

  /** Top-rail occupancy Σ_{m<M} p_m now. */
  topOccupancy(): number {
    const p = this.probabilities();
    let y = 0;
    for (let i = 0; i < this.params.rungs; i++) y += p[i];
    return y;
  }

  /**
   * Runs `count` steps under the current signal and returns the top-rail occupancy after each
   * (into `out` when given, as {@link MarkovChain.observe}).
   */
  observeTop(count: number, out?: Float64Array): Float64Array {
    return this.observe(count, this.#top, out);
  }

  /**
   * Follows a piecewise-constant signal: step k (k = 0 … length−1) runs under s = signal[k], and the
   * top-rail occupancy after it is returned (y(t_{k+1}), same length). Runs of equal s go to wasm as
   * one call.
   * @throws RangeError naming `signal` for a negative or non-finite value.
   */
  follow(signal: ArrayLike<number>): Float64Array {
    if (!(Array.isArray(signal) || (ArrayBuffer.isView(signal) && !(signal instanceof DataView)))) {
      throw new TypeError("signal must be an array or a typed array of numbers");
    }
    // Validate every value and count the runs of equal s first, so the whole call's work is known.
    let runs = 0, lo = Infinity, hi = -Infinity, previous = this.#signal;
    for (let k = 0; k < signal.length; k++) {
      const s = signal[k];
      if (!(typeof s === "number" && s >= 0 && Number.isFinite(s))) throw new RangeError(`signal[${k}] must be finite and ≥ 0, got ${s}`);
      if (s !== previous) runs++;
      previous = s;
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    if (runs > 0) {
      // λ(s) is largest at an end of [lo, hi]: each |ΔE(m, s)| is convex in the monotone ln-ratio.
      const perRun = Math.max(this.propagatorWork(this.#ratesAt(lo)), this.propagatorWork(this.#ratesAt(hi)));
      const work = runs * perRun + signal.length * this.n ** 2;
      if (work > MAX_WORK) {
        throw new RangeError(`signal: ${signal.length} steps in ${runs} runs of equal s need ${work.toExponential(2)} multiply-adds (a propagator per run, ${perRun.toExponential(2)} each), more than the limit 2⁴⁰ ≈ 1.1e12: split the signal into shorter calls`);
      }
    }
    const y = new Float64Array(signal.length);
    for (let k = 0; k < signal.length;) {
      const s = signal[k];
      let end = k + 1;
      while (end < signal.length && signal[end] === s) end++;
      this.setSignal(s);
      this.observeTop(end - k, y.subarray(k, end));
      k = end;
    }
    return y;
  }
}

// ---------------------------------------------------------------------------------------------
// The step-response kernel
// ---------------------------------------------------------------------------------------------

/** Options of {@link ladderKernel}: the ladder's parameters (without s) and the step protocol. */
export interface LadderKernelOptions extends Omit<LadderParams, "s"> {
  /** Signal before the step (the chain starts in its steady state there). Default 0. */
  s0?: number;
  /** Signal after the step. Default 200 (Figure 6B: 5 … 250). */
  s1?: number;
  /** Integration time T after the step. Default 5. */
  duration?: number;
  /** Time step. Default 5·10⁻⁴ (N = T/dt = 10⁴ kernel samples). */
  dt?: number;
  backend?: Backend;
}

/** The result of {@link ladderKernel}. */
export interface LadderKernel {
  /** −(dy/dt)/|M₁| (K_k below): N samples on the unit time axis τ_k = k/N (dt = 1/N = 10⁻⁴ by default); first moment ±1. */
  kernel: SampledKernel;
  /**
   * Area and first moment of `kernel` (trapezoid rule, {@link kernelMoments}): first moment
   * −sign(M₁) = ±1, −1 for dissipative (adapting) chains, +1 near equilibrium.
   */
  moments: { area: number; firstMoment: number };
  /** Area and first moment M₁ of the raw dy/dt (K_k below) on the unit axis, before normalisation. */
  rawMoments: { area: number; firstMoment: number };
  /** Top-rail occupancy y(t_k), t_k = k·dt, k = 0 … N (y_0 = the steady state at s0). */
  response: Float64Array;
}

/** Kernel samples at most (three arrays of them are held: 400 MB at the limit). */
const MAX_KERNEL_SAMPLES = 2 ** 24;

/**
 * The ladder's memory kernel from its step response (spec §3, Appendix F): the steady state at s0,
 * a step to s1 at t = 0, exact integration over T with step dt (N = round(T/dt) steps), the top-rail
 * occupancy y(t_k), and
 *
 *   K_k = (y_k − y_{k−1}) / dt,  k = 0 … N−1,  with y_{−1} = y_0  (so K_0 = 0),
 *
 * the mean of dy/dt over the step (t_{k−1}, t_k] (the central difference at its midpoint), with the
 * chain in its s0 steady state before the step. K_k·dt is the response gained in that step, so the
 * kernel's sums telescope: dt·Σ_{j≤k} K_j = y_k − y_0 exactly (the kernel's discrete step response is
 * the chain's), and its area, by the trapezoid rule of {@link kernelMoments} as by the plain sum of a
 * convolution, is (y(T) − y(0))/T up to the last step's ½K_{N−1}·dt: the same at every dt. The top
 * rail's fast rise (vertical rates up to F·e^{|ΔE|} ≈ 10⁴, faster than the default dt) lands in K_1,
 * where both rules weigh it fully; a rule with K_0 ≠ 0 (half-weighted by the trapezoid) loses or
 * gains part of it, dt-dependently.
 * The time axis is rescaled to unit length (τ_k = k/N) and the kernel is −K/|M₁| (M₁ = the first
 * moment of K), so its first moment is ±1: −1 for dissipative chains, whose top occupancy dips and
 * adapts back (M₁ > 0), and +1 near equilibrium, where it relaxes monotonically (M₁ < 0), as the
 * spec states and the authors' code does (`-1 * kernel * abs(1/moment)`). The orientation is that
 * of −dy/dt, the bottom rail's response.
 * @throws TypeError/RangeError naming a bad option (dt when N exceeds 2²⁴ samples or 2⁴⁰
 * multiply-adds); RangeError when the raw first moment is 0.
 * @example
 * const { kernel, moments } = ladderKernel({ gamma: 1e-3 }); // moments.firstMoment ≈ −1
 */
export function ladderKernel(options?: LadderKernelOptions): LadderKernel {
  const keys = ["rungs", "gamma", "F", "KI", "KA", "s0", "s1", "duration", "dt", "backend"];
  const o = check.options("ladderKernel", options, keys);
  const c = resolveLadder("ladderKernel", o, keys);
  const backend = check.backend(o.backend);
  const s0 = check.nonNegative("s0", o.s0 ?? 0);
  const s1 = check.nonNegative("s1", o.s1 ?? 200);
  const duration = check.positive("duration", o.duration ?? 5);
  const dt = check.positive("dt", o.dt ?? 5e-4);
  if (s1 === s0) throw new RangeError(`s1 must differ from s0 (the kernel is the response to a step), got ${s1}`);
  const N = Math.round(duration / dt);
  if (!(N >= 2)) throw new RangeError(`dt must be ≤ duration/2 (at least 2 steps), got dt = ${dt} for duration ${duration}`);
  if (!(N <= MAX_KERNEL_SAMPLES)) throw new RangeError(`dt: duration/dt = ${duration / dt} steps, more than 2²⁴ = ${MAX_KERNEL_SAMPLES} kernel samples; use a larger dt or a shorter duration`);
  const n = 2 * c.rungs;
  if (N * n * n > MAX_WORK) throw new RangeError(`dt: ${N} steps of ${n} states need ${(N * n * n).toExponential(2)} multiply-adds, more than the limit 2⁴⁰ ≈ 1.1e12; use a larger dt or fewer rungs`);
  checkRepresentable({ ...c, s: s0 });
  checkRepresentable({ ...c, s: s1 });
  const chain = new LadderChain({ ...c, s: s0, dt, ...(backend === undefined ? {} : { backend }) });
  try {
    const response = new Float64Array(N + 1);
    response[0] = chain.topOccupancy();
    chain.setSignal(s1);
    chain.observeTop(N, response.subarray(1));
    const raw = new Float64Array(N); // raw[0] = 0: y_{−1} = y_0
    for (let k = 1; k < N; k++) raw[k] = (response[k] - response[k - 1]) / dt;
    const rawMoments = kernelMoments({ values: raw, dt: 1 / N });
    if (!(rawMoments.firstMoment !== 0 && Number.isFinite(rawMoments.firstMoment))) {
      throw new RangeError(`the kernel's raw first moment is ${rawMoments.firstMoment}: it cannot be normalised (s0 and s1 too close, or F, gamma, KI, KA give a response below double precision)`);
    }
    const scale = -1 / Math.abs(rawMoments.firstMoment);
    const kernel: SampledKernel = { values: raw.map((v) => v * scale), dt: 1 / N };
    return { kernel, moments: kernelMoments(kernel), rawMoments, response };
  } finally {
    chain.dispose();
  }
}
