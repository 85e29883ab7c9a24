/**
 * Hopfield capacity theory (shared/spec/MODELS.md §2): the signal-to-noise prediction Φ(−√(N/K)) of
 * the unstable-bit fraction, its finite-N form, the exact finite-N expectation for Hebbian storage
 * (a binomial tail), and the largest K recalled perfectly by each storage rule. Plain TS, no wasm.
 */
import * as check from "../core/validate.js";
import { erfc } from "../math/special.js";
import { STORAGE_RULES, type StorageRule } from "./config.js";

/** n (neurons) and k (patterns) of the analytic helpers: integers in [1, 2⁵³). */
function checkCounts(n: unknown, k: unknown): [number, number] {
  return [check.integer("n", n, 1), check.integer("k", k, 1)];
}

/**
 * Φ(−√(N/K)) = ½ erfc(√(N/(2K))): the signal-to-noise probability that a stored bit is unstable (spec §2).
 * @throws TypeError/RangeError naming n or k unless they are integers in [1, 2⁵³).
 * @example
 * ```ts
 * import { predictedUnstableFraction } from "thermolearn";
 * console.log(predictedUnstableFraction(1000, 138)); // Φ(−√(1000/138)) ≈ 0.0036
 * ```
 */
export function predictedUnstableFraction(n: number, k: number): number {
  [n, k] = checkCounts(n, k);
  return 0.5 * erfc(Math.sqrt(n / (2 * k)));
}

/**
 * Φ(−√((N−1)/(K−1))): the same signal-to-noise argument with the finite-N signal N − 1 (w_ii = 0) and
 * crosstalk variance (K − 1)(N − 1). Within 0.1 % of {@link exactUnstableFraction} for N = 1000,
 * K ≥ 50, where Φ(−√(N/K)) is 1–6 % high.
 * @throws TypeError/RangeError naming n or k unless they are integers in [1, 2⁵³).
 * @example
 * ```ts
 * import { predictedUnstableFractionFiniteN } from "thermolearn";
 * console.log(predictedUnstableFractionFiniteN(1000, 138)); // ≈ 0.00346
 * ```
 */
export function predictedUnstableFractionFiniteN(n: number, k: number): number {
  [n, k] = checkCounts(n, k);
  if (k === 1) return 0;
  return 0.5 * erfc(Math.sqrt((n - 1) / (2 * (k - 1))));
}

/** Stirling's series remainder ln Γ(x + 1) − (x + ½) ln x + x − ½ ln 2π for x ≥ 16 (error < 1e-16; Loader 2000). */
function stirlingError(x: number): number {
  const y = 1 / (x * x);
  return (1 / 12 - y * (1 / 360 - y * (1 / 1260 - y * (1 / 1680 - y / 1188)))) / x;
}

/**
 * g(r) = (1 − r) ln(1 − r) + (1 + r) ln(1 + r) = Σ_{j≥1} r^{2j}/(j(2j − 1)), for 0 ≤ r < 1: by the
 * series below ½ (no cancellation: terms fall by r² ≤ ¼), by log1p above.
 */
function symmetricDeviance(r: number): number {
  if (r >= 0.5) return (1 - r) * Math.log1p(-r) + (1 + r) * Math.log1p(r);
  const r2 = r * r;
  let sum = 0,
    power = r2;
  for (let j = 1; j < 60; j++) {
    const next = sum + power / (j * (2 * j - 1));
    if (next === sum) break;
    sum = next;
    power *= r2;
  }
  return sum;
}

/**
 * ln P(S = μ − d) for S ~ Binomial(m, ½), μ = m/2, d ≥ 0 real (S = μ − d ≥ 0), accurate for any m
 * (Loader 2000, "Fast and accurate computation of binomial probabilities": no difference of large
 * ln Γ values). For S ≥ 16: ln P = δ(m) − δ(S) − δ(m − S) − μ·g(d/μ) + ½ ln(2/(πm(1 − (d/μ)²))) with
 * δ = {@link stirlingError} and g = {@link symmetricDeviance}. For S < 16 (S then an integer):
 * ln C(m, S) − m ln 2 as a product of S ratios.
 */
function logBinomialHalf(m: number, d: number): number {
  const mu = m / 2,
    S = mu - d;
  if (S < 16) {
    let log = -m * Math.LN2;
    for (let i = 0; i < S; i++) log += Math.log((m - i) / (i + 1));
    return log;
  }
  const r = d / mu;
  const gauss = 0.5 * (Math.log(2 / (Math.PI * m)) - Math.log1p(-r * r));
  return stirlingError(m) - stirlingError(S) - stirlingError(m - S) - mu * symmetricDeviance(r) + gauss;
}

/** Above this many terms, the binomial tail is summed as an integral (Euler–Maclaurin) instead of term by term. */
const DIRECT_TERMS = 100_000;
/** 16-point Gauss–Legendre nodes and weights on [−1, 1], positive half (numpy.polynomial.legendre.leggauss(16)). */
const GL_X = [
  0.09501250983763744, 0.2816035507792589, 0.45801677765722737, 0.6178762444026438, 0.755404408355003,
  0.8656312023878318, 0.9445750230732326, 0.9894009349916499,
];
const GL_W = [
  0.18945061045506864, 0.18260341504492364, 0.16915651939500265, 0.1495959888165767, 0.12462897125553407,
  0.0951585116824926, 0.062253523938647456, 0.027152459411754176,
];

/**
 * Σ_{t≥0} P(S = μ − d₀ − t), S ~ Binomial(m, ½) (terms with S < 0 are zero): the lower tail below
 * the mean at distance d₀ ≥ ½. Term by term while few terms matter (stopping when the rest, bounded
 * by a geometric series of the current ratio P(S − 1)/P(S), is below 1e-17 of the sum); otherwise
 * (log-slope λ < 5·10⁻⁴ and σ = √m/2 > 10⁴) by Euler–Maclaurin, Σ = ∫ + f(J)/2 + f′(J)/12 with the
 * integral by 16-point Gauss–Legendre panels: the neglected terms are O(λ³f(J)) ≲ 1e-13 of the sum.
 */
function binomialHalfTail(m: number, d0: number): number {
  const mu = m / 2,
    J = mu - d0; // J: the largest S in the tail
  if (J < 0) return 0;
  const sigma = Math.sqrt(m) / 2;
  const slope = Math.log1p((2 * d0 - 1) / (mu - d0 + 1)); // ln P(J)/P(J − 1)
  // Terms that matter: until P has fallen by e⁻⁵⁰ (by the slope alone, or the Gaussian fall within 10σ).
  const terms = Math.min(J + 1, 50 / slope, 10 * sigma + 1);
  if (terms <= DIRECT_TERMS) {
    let sum = 0;
    for (let t = 0; t <= J && t < 2 * DIRECT_TERMS; t++) {
      const S = J - t;
      const term = Math.exp(logBinomialHalf(m, d0 + t));
      sum += term;
      const q = S / (m - S + 1); // P(S − 1)/P(S), falling as S falls: the rest is ≤ term·q/(1 − q)
      if (q < 1 && term * q < 1e-17 * sum * (1 - q)) break;
    }
    return sum;
  }
  const logF = (s: number) => logBinomialHalf(m, d0 + s);
  const top = logF(0);
  let integral = 0;
  for (let s = 0, panels = 0; s < J - 16 && panels < 10_000; panels++) {
    const localSlope = slope + s / (sigma * sigma);
    const width = Math.min(0.5 / (localSlope + 1 / sigma), J - 16 - s);
    let panel = 0;
    for (let i = 0; i < 8; i++) {
      const dx = 0.5 * width * GL_X[i];
      panel += GL_W[i] * (Math.exp(logF(s + 0.5 * width - dx) - top) + Math.exp(logF(s + 0.5 * width + dx) - top));
    }
    integral += 0.5 * width * panel;
    s += width;
    if (logF(s) - top < -45) break;
  }
  // f′(J)/f(J) = ψ(m − J + 1) − ψ(J + 1) ≈ ln((m − J + ½)/(J + ½))
  const fJ = 1,
    dfJ = Math.log1p((2 * d0) / (mu - d0 + 0.5));
  return Math.exp(top) * (integral + fJ / 2 + dfJ / 12);
}

/**
 * The exact finite-N probability that a stored bit is unstable under Hebbian storage (w_ii = 0) with
 * sign(0) = +1. For pattern μ at neuron i, N·h_i ξ_i^μ = (N − 1) + X where the crosstalk X is a sum of
 * M = (K − 1)(N − 1) independent uniform ±1 terms (the products ξ_i^μ ξ_i^ν ξ_j^ν ξ_j^μ, ν ≠ μ, j ≠ i).
 * The bit is unstable when X < −(N − 1), and in half the ties X = −(N − 1) (ξ_i = −1 loses the tie;
 * so N = 1, whose fields are all 0, gives ½). Tends to Φ(−√(N/K)) for large N; at N = 1000 it is
 * 1–6 % lower for K/N in 0.1…0.2. Any n, k in [1, 2⁵³): bounded work (≤ 10⁵ terms, or an
 * Euler–Maclaurin integral of ≤ ~2000 points), relative error ≲ 1e-11 (checked against scipy).
 * @throws TypeError/RangeError naming n or k unless they are integers in [1, 2⁵³).
 * @example
 * ```ts
 * import { exactUnstableFraction, predictedUnstableFraction } from "thermolearn";
 * console.log(exactUnstableFraction(1000, 100), predictedUnstableFraction(1000, 100)); // ≈ 0.000745, 0.000783
 * ```
 */
export function exactUnstableFraction(n: number, k: number): number {
  [n, k] = checkCounts(n, k);
  // X = 2S − M with S ~ Binomial(M, ½): unstable ⇔ S < edge = (M − N + 1)/2, tie ⇔ S = edge. 2·edge =
  // (K − 2)(N − 1) is an integer, even (edge an integer) iff K is even or N odd. The largest S below
  // edge lies at distance d₀ = (N − 1)/2 + 1 (edge an integer) or + ½ from the mean M/2.
  const m = (k - 1) * (n - 1);
  const edgeInteger = k % 2 === 0 || n % 2 === 1;
  const half = (n - 1) / 2;
  const tie = edgeInteger && m / 2 - half >= 0 ? 0.5 * Math.exp(logBinomialHalf(m, half)) : 0;
  return binomialHalfTail(m, half + (edgeInteger ? 1 : 0.5)) + tie;
}

/**
 * The asymptotic capacity for perfect recall stated in the spec (MODELS.md, Hopfield): N/(2 ln N)
 * (Hebbian), N/√(2 ln N) (Storkey), N (pseudo-inverse). For Hebbian storage N/(2 ln N) is the load up
 * to which the N bits of one given pattern are all stable (N·Φ(−√(N/K)) → 0; McEliece et al. 1987);
 * asking all K patterns to be stable at once (N·K·Φ(−√(N/K)) → 0) lowers it to N/(4 ln N). The
 * capacity sweep's `perfectRecallFraction` asks the latter, and at N ≤ 10⁴ it falls between the two:
 * {@link predictedPerfectRecallFiniteN} predicts it at finite N.
 * @example
 * ```ts
 * import { predictedPerfectRecall } from "thermolearn";
 * console.log(predictedPerfectRecall(1000, "hebbian")); // N/(2 ln N) ≈ 72.4
 * ```
 */
export function predictedPerfectRecall(n: number, rule: StorageRule): number {
  n = check.integer("n", n, 2);
  rule = check.oneOf("rule", rule, STORAGE_RULES);
  if (rule === "hebbian") return n / (2 * Math.log(n));
  if (rule === "storkey") return n / Math.sqrt(2 * Math.log(n));
  return n;
}

/**
 * The probability that all N·K stored bits are stable (every pattern a fixed point) under Hebbian
 * storage, treating the bits as independent: (1 − p)^{N·K} with p = {@link exactUnstableFraction}(n, k).
 * The bits are weakly correlated (they share patterns), yet at N = 500 – 2000 this matches the measured
 * `perfectRecallFraction` within its sampling error (test/hopfield.test.ts); at N = 200 it runs low
 * (0.09 against 0.20 at K = 20, 40 trials), since unstable bits cluster in fewer networks.
 * @throws TypeError/RangeError as exactUnstableFraction.
 * @example
 * ```ts
 * import { predictedPerfectRecallFiniteN } from "thermolearn";
 * console.log(predictedPerfectRecallFiniteN(500, 20)); // ≈ 0.9985: the chance that all 20 patterns are fixed points
 * ```
 */
export function predictedPerfectRecallFiniteN(n: number, k: number): number {
  const p = exactUnstableFraction(n, k);
  return Math.exp(n * k * Math.log1p(-p)); // log1p keeps p ≪ 1/(N·K) accurate
}
