/**
 * The input-averaged learning force of the stochastic perceptron in the thermodynamic limit
 * (shared/spec/MODELS.md §1; issue #11's derivation notes, theory11.md, §1; Engel & Van den Broeck,
 * *Statistical Mechanics of Learning*, Cambridge 2001, ch. 9, whose order-parameter averages these are).
 *
 * For n → ∞ the overlaps u = T̂·ξ and x = ŵ·ξ of a uniform ±1 input with the unit teacher and student
 * directions are standard normal with correlation ρ = T̂·ŵ = cos θ (central limit theorem), σ_T =
 * sign(u) and A = √Q x (Q = |w|²/n). Every rule of spec §1 depends on (A, σ_T) only through
 * s = σ_T A: 𝓕(s) = 1 (Hebbian), Θ(−s) (Perceptron), −sΘ(−s) (AdaTron), Θ(−s) + s^αΘ(s) (α-tron).
 * With h = sign(u)𝓕(s) the averaged force f̄ = ν⟨σ_T ξ 𝓕⟩ lies in span(T̂, ŵ):
 *
 *     c_u = ⟨u h⟩ = T̂·f̄/ν,   c_x = ⟨x h⟩ = ŵ·f̄/ν,   f̄ = ν (a T̂ + b ŵ),
 *     a = (c_u − ρc_x)/(1 − ρ²),   b = (c_x − ρc_u)/(1 − ρ²),   |⟨σ_T ξ 𝓕⟩|² = a² + b² + 2abρ.
 *
 * Every a and b below is written without the division by 1 − ρ² (it cancels in closed form), so
 * ρ = ±1 needs no special case: there a and b are the limits ρ → ±1, the only continuous choice
 * (at ρ = ±1 only a ± b is determined by f̄).
 *
 * Gaussian orthant integrals (θ = arccos ρ; polar coordinates x = r cos φ, u = r cos(φ − θ)):
 *     E[|u| 1{ux<0}] = E[|x| 1{ux<0}] = (1 − ρ)/√(2π),   P(ux < 0) = θ/π,
 *     E[x² 1{ux<0}] = (θ − ρ sin θ)/π,                   E[|u||x| 1{ux<0}] = (sin θ − θρ)/π,
 * and for the α-tron, with g homogeneous of degree m and even, the wedge {x>0, u>0} = {t ∈ (0, π−θ)}
 * with x = r sin t, u = r sin(t + θ) and the radial moment ∫r^{m+1}e^{−r²/2}dr = 2^{m/2}Γ(m/2 + 1):
 *     E[g 1{ux>0}] = K_m ∫_0^{π−θ} g(sin t, sin(t + θ)) dt,   K_m = 2^{m/2} Γ(m/2 + 1)/π.
 * Expanding sin(t + θ) = sin t cos θ + cos t sin θ reduces all α-tron integrals to
 * J_q(θ) = ∫_0^{π−θ} sin^q t dt (see {@link sinPowerIntegral}).
 */
import * as check from "../core/validate.js";
import { logGamma } from "../math/special.js";
import type { LearningRule } from "./model.js";

/** The averaged force and the averages of the learning factor 𝓕 at one (ρ, Q); see {@link averagedForce}. */
export interface AveragedForce {
  /** c_u = ⟨σ_T (T̂·ξ) 𝓕⟩ = T̂·f̄/ν (dimensionless; the teacher-direction component of f̄/ν). */
  cu: number;
  /** c_x = ⟨σ_T (ŵ·ξ) 𝓕⟩ = ŵ·f̄/ν (the student-direction component of f̄/ν). */
  cx: number;
  /** a in f̄ = ν(a T̂ + b ŵ). */
  a: number;
  /** b in f̄ = ν(a T̂ + b ŵ). */
  b: number;
  /** m² = |⟨σ_T ξ 𝓕⟩|² = a² + b² + 2abρ = |f̄|²/ν². */
  forceSquare: number;
  /** ⟨𝓕⟩. */
  factorMean: number;
  /** ⟨𝓕²⟩. */
  factorSquare: number;
  /** ⟨𝓕'⟩, the derivative in s = σ_T A taken in the sense of distributions (Θ' = δ). */
  factorSlope: number;
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

// ---------------------------------------------------------------------------------------------------
// Gauss–Legendre quadrature on (0, 1)

/** Nodes and weights of an m-point Gauss–Legendre rule on (0, 1); the weights sum to 1. */
export interface GaussLegendreRule {
  nodes: Float64Array;
  weights: Float64Array;
}

const RULES = new Map<number, GaussLegendreRule>();

/**
 * The `points`-point Gauss–Legendre rule on (0, 1), computed once per size and cached: each root of the
 * Legendre polynomial P_m by Newton's method from the estimate cos(π(i + ¾)/(m + ½)), P_m by its
 * three-term recurrence, weights 1/((1 − z²) P_m'(z)²) (half the usual ones, for an interval of
 * length 1). Exact for polynomials of degree ≤ 2m − 1.
 * @throws TypeError/RangeError unless points is an integer in [1, 4096].
 */
export function gaussLegendre(points: number): GaussLegendreRule {
  check.integer("points", points, 1, 4096);
  const cached = RULES.get(points);
  if (cached) return cached;
  const m = points;
  const nodes = new Float64Array(m),
    weights = new Float64Array(m);
  // P_m(z) and P_m'(z) by the recurrence (j P_j = (2j − 1) z P_{j−1} − (j − 1) P_{j−2}).
  const legendre = (z: number): [number, number] => {
    let p1 = 1,
      p2 = 0;
    for (let j = 1; j <= m; j++) {
      const p3 = p2;
      p2 = p1;
      p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
    }
    return [p1, (m * (z * p1 - p2)) / (z * z - 1)];
  };
  for (let i = 0; i < m; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      const [p, dp] = legendre(z);
      const step = p / dp;
      z -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    const dp = legendre(z)[1];
    nodes[i] = (1 - z) / 2;
    weights[i] = 1 / ((1 - z * z) * dp * dp);
  }
  const rule = { nodes, weights };
  RULES.set(points, rule);
  return rule;
}

/** The rule every α-tron average uses (64 points: agrees with 256 points to ~1e-15, tested). */
export const QUADRATURE_POINTS = 64;

/**
 * ∫_0^L sin^q t dt for L ∈ [0, π/2], q > −1 (unchecked), by
 *     ∫_0^L sin^q t dt = L^{q+1}/(q+1) + ∫_0^L t^q [(sin t/t)^q − 1] dt,
 * the second integral with t = L v⁴ and Gauss–Legendre in v. The endpoint power t^q is integrated
 * exactly; what remains behaves like v^{4q+11} at v = 0 (so Gauss–Legendre converges like m^{−2(4q+12)},
 * at least m^{−16}) and is analytic up to v = (π/L)^{1/4} ≥ 2^{1/4} (the zero of sin t at t = π), so
 * 64 points reach rounding for every q > −1 and every L. The plain substitution t = L v^{1/(q+1)} of
 * theory11.md §1 leaves a v^{2/(q+1)} term: 64 points are then only good to ~1e-7 at q = 2–3.
 */
function partialSinPower(q: number, L: number, rule: GaussLegendreRule): number {
  if (L === 0) return 0;
  const { nodes, weights } = rule;
  let sum = 0;
  for (let i = 0; i < nodes.length; i++) {
    const v = nodes[i];
    const v2 = v * v;
    const t = L * v2 * v2;
    // (sin t/t)^q − 1 = expm1(q ln(sin t/t)); below t = 1e-150 the ratio is 1 to rounding (and t⁴
    // could underflow), so the term is 0 there.
    const bracket = t < 1e-150 ? 0 : Math.expm1(q * Math.log(Math.sin(t) / t));
    sum += weights[i] * v ** (4 * q + 3) * bracket;
  }
  const scale = L ** (q + 1);
  return scale / (q + 1) + 4 * scale * sum;
}

/** W_q = ∫_0^{π/2} sin^q t dt = (√π/2) Γ((q+1)/2)/Γ(q/2 + 1) (Wallis' integral), q > −1. */
function halfWallis(q: number): number {
  return 0.5 * Math.sqrt(Math.PI) * Math.exp(logGamma((q + 1) / 2) - logGamma(q / 2 + 1));
}

/**
 * J_q(θ) = ∫_0^{π−θ} sin^q t dt, the angular integral of the α-tron's Gaussian wedge averages
 * (theory11.md §1). By sin(π − t) = sin t, J_q(θ) = 2W_q − ∫_0^θ sin^q t dt for θ ≤ π/2 (W_q Wallis'
 * integral, closed form via {@link logGamma}) and ∫_0^{π−θ} sin^q t dt otherwise, so the quadrature
 * only ever sees an interval [0, L ≤ π/2] with its one endpoint singularity at 0 (see the comment on
 * the quadrature in the source). J_q(0) = 2W_q, J_q(π) = 0, J_0 = π − θ, J_1 = 1 + cos θ.
 * @param q exponent, > −1 and finite.
 * @param theta angle in [0, π].
 * @param points Gauss–Legendre points (default {@link QUADRATURE_POINTS}).
 * @throws TypeError/RangeError naming q, theta or points.
 * @example sinPowerIntegral(0.5, Math.PI / 4)
 */
export function sinPowerIntegral(q: number, theta: number, points: number = QUADRATURE_POINTS): number {
  check.finite("q", q);
  if (!(q > -1)) throw new RangeError(`q must be > −1, got ${q}`);
  check.finite("theta", theta);
  if (!(theta >= 0 && theta <= Math.PI)) throw new RangeError(`theta must be in [0, π], got ${theta}`);
  return sinPower(q, theta, gaussLegendre(points));
}

/** J_q(θ), unchecked (see {@link sinPowerIntegral}). */
function sinPower(q: number, theta: number, rule: GaussLegendreRule): number {
  if (theta <= Math.PI / 2) return 2 * halfWallis(q) - partialSinPower(q, theta, rule);
  return partialSinPower(q, Math.PI - theta, rule);
}

// ---------------------------------------------------------------------------------------------------
// The four rules

/** A rule's averages as a function of (ρ, Q), constants (the α-tron's Γ factors) computed once. */
export type AveragedForceFunction = (rho: number, Q: number) => AveragedForce;

/** θ = arccos ρ and sin θ = √((1 − ρ)(1 + ρ)) (accurate near ρ = ±1). */
function angle(rho: number): [number, number] {
  return [Math.acos(rho), Math.sqrt((1 - rho) * (1 + rho))];
}

/** |⟨σ_T ξ 𝓕⟩|² = |aT̂ + bŵ|². */
function square(a: number, b: number, rho: number): number {
  return a * a + b * b + 2 * a * b * rho;
}

/**
 * Hebbian, 𝓕 = 1: h = sign u, c_u = E|u| = √(2/π), c_x = E[x sign u] = ρ√(2/π) (regression of x on u),
 * so a = √(2/π), b = 0; ⟨𝓕⟩ = ⟨𝓕²⟩ = 1, ⟨𝓕'⟩ = 0.
 */
function hebbian(rho: number): AveragedForce {
  const a = SQRT_2_OVER_PI;
  return {
    cu: a,
    cx: rho * a,
    a,
    b: 0,
    forceSquare: a * a,
    factorMean: 1,
    factorSquare: 1,
    factorSlope: 0,
  };
}

/**
 * Perceptron, 𝓕 = Θ(−s): h = sign(u) 1{ux<0}, c_u = E[|u| 1{ux<0}] = (1 − ρ)/√(2π),
 * c_x = −E[|x| 1{ux<0}] = −(1 − ρ)/√(2π); so a = −b = 1/√(2π) (the 1 − ρ² cancels), m² = (1 − ρ)/π.
 * ⟨𝓕⟩ = ⟨𝓕²⟩ = P(ux<0) = θ/π; 𝓕' = −δ(s) and s has density 1/√(2πQ) at 0, so ⟨𝓕'⟩ = −1/√(2πQ).
 */
function perceptron(rho: number, Q: number): AveragedForce {
  const [theta] = angle(rho);
  const c = (1 - rho) / SQRT_2PI;
  const a = 1 / SQRT_2PI;
  return {
    cu: c,
    cx: -c,
    a,
    b: -a,
    forceSquare: square(a, -a, rho),
    factorMean: theta / Math.PI,
    factorSquare: theta / Math.PI,
    factorSlope: -1 / Math.sqrt(2 * Math.PI * Q),
  };
}

/**
 * AdaTron, 𝓕 = −sΘ(−s) = √Q|x| 1{ux<0}: c_u = √Q E[|u||x| 1{ux<0}] = √Q(sin θ − θρ)/π,
 * c_x = −√Q E[x² 1{ux<0}] = −√Q(θ − ρ sin θ)/π; so a = √Q sin θ/π, b = −√Q θ/π.
 * ⟨𝓕⟩ = √Q(1 − ρ)/√(2π), ⟨𝓕²⟩ = Q(θ − ρ sin θ)/π, ⟨𝓕'⟩ = −P(s<0) = −θ/π.
 */
function adatron(rho: number, Q: number): AveragedForce {
  const [theta, sin] = angle(rho);
  const sq = Math.sqrt(Q);
  const a = (sq * sin) / Math.PI,
    b = (-sq * theta) / Math.PI;
  return {
    cu: (sq * (sin - theta * rho)) / Math.PI,
    cx: (-sq * (theta - rho * sin)) / Math.PI,
    a,
    b,
    forceSquare: square(a, b, rho),
    factorMean: (sq * (1 - rho)) / SQRT_2PI,
    factorSquare: (Q * (theta - rho * sin)) / Math.PI,
    factorSlope: -theta / Math.PI,
  };
}

/** K_m = 2^{m/2} Γ(m/2 + 1)/π, the radial moment over π (m > −2). */
function radial(m: number): number {
  return Math.exp((m / 2) * Math.LN2 + logGamma(m / 2 + 1)) / Math.PI;
}

/**
 * J_{α}, J_{2α}, J_{α+1}, J_{α−1} at one θ in one pass over the nodes (the α-tron's four angular
 * integrals; same method as {@link sinPowerIntegral}, which it matches to rounding, tested). With
 * s = sin t/t, e = s^α − 1 = expm1(α ln s) and v^{4α} computed once per node, the four brackets are
 * e, e(2 + e), e + (s − 1) + e(s − 1), (e − (s − 1))/s and the four powers v^{4q+3} products of v^{4α}
 * and v. The brackets' absolute rounding error (~10⁻¹⁶) costs at most ~10⁻¹⁶ L^{q+1}/(q+1) absolute.
 * `wallis` holds 2W_q for the four q, `out` receives [J_α, J_{2α}, J_{α+1}, J_{α−1}].
 */
function alphatronIntegrals(
  alpha: number,
  theta: number,
  rule: GaussLegendreRule,
  wallis: Float64Array,
  out: Float64Array,
): void {
  const mirrored = theta <= Math.PI / 2;
  const L = mirrored ? theta : Math.PI - theta;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  if (L > 0) {
    const { nodes, weights } = rule;
    for (let i = 0; i < nodes.length; i++) {
      const v = nodes[i];
      const v2 = v * v;
      const t = L * v2 * v2;
      if (t < 1e-150) continue; // every bracket is 0 to rounding (see partialSinPower)
      const s = Math.sin(t) / t;
      const sm = s - 1;
      const e = Math.expm1(alpha * Math.log(s));
      const va = v ** (4 * alpha);
      const P = weights[i] * va; // w_i v^{4α}
      const P3 = P * v2 * v; // w_i v^{4α+3}
      s0 += P3 * e;
      s1 += P3 * va * (e * (2 + e));
      s2 += P3 * v2 * v2 * (e + sm + e * sm);
      s3 += (P / v) * ((e - sm) / s);
    }
  }
  const sums = [s0, s1, s2, s3];
  const qs = [alpha, 2 * alpha, alpha + 1, alpha - 1];
  for (let j = 0; j < 4; j++) {
    const q = qs[j];
    const scale = L ** (q + 1);
    const partial = L > 0 ? scale / (q + 1) + 4 * scale * sums[j] : 0;
    out[j] = mirrored ? wallis[j] - partial : partial;
  }
}

/**
 * α-tron, 𝓕 = Θ(−s) + s^αΘ(s): the Perceptron part plus, on the wedge ux > 0 where s = √Q|x|,
 *     c_u += Q^{α/2} M_u,  M_u = E[|u||x|^α 1{ux>0}] = K_{1+α}(cos θ J_{1+α} + sin^{α+2}θ/(α+1)),
 *     c_x += Q^{α/2} M_x,  M_x = E[|x|^{1+α} 1{ux>0}] = K_{1+α} J_{1+α},
 * (M_u from sin(t+θ) = sin t cos θ + cos t sin θ and ∫_0^{π−θ} sin^α t cos t dt = sin^{α+1}θ/(α+1)),
 * hence, the 1 − ρ² = sin²θ cancelling,
 *     a = 1/√(2π) + Q^{α/2} K_{1+α} sin^α θ/(α+1),
 *     b = −1/√(2π) + Q^{α/2} K_{1+α}(J_{1+α} − cos θ sin^α θ/(α+1)).
 * ⟨𝓕⟩ = θ/π + Q^{α/2} K_α J_α,  ⟨𝓕²⟩ = θ/π + Q^α K_{2α} J_{2α},
 * ⟨𝓕'⟩ = −1/√(2πQ) + α Q^{(α−1)/2} K_{α−1} J_{α−1} (𝓕 jumps from 1 to 0 at s = 0; s^α is continuous).
 * Every term is finite at θ = 0 and π, so no clamping is needed.
 */
function alphatron(alpha: number, points: number): AveragedForceFunction {
  const rule = gaussLegendre(points);
  const k1 = radial(1 + alpha),
    k0 = radial(alpha),
    k2 = radial(2 * alpha),
    km = radial(alpha - 1);
  const wallis = Float64Array.from([alpha, 2 * alpha, alpha + 1, alpha - 1], (q) => 2 * halfWallis(q));
  const j = new Float64Array(4);
  return (rho, Q) => {
    const [theta, sin] = angle(rho);
    alphatronIntegrals(alpha, theta, rule, wallis, j);
    const [j0, j2, j1, jm] = j;
    const qa = Q ** (alpha / 2);
    const sinA = sin ** alpha / (alpha + 1);
    const mu = k1 * (rho * j1 + sinA * sin * sin),
      mx = k1 * j1;
    const c = (1 - rho) / SQRT_2PI;
    const a = 1 / SQRT_2PI + qa * k1 * sinA,
      b = -1 / SQRT_2PI + qa * k1 * (j1 - rho * sinA);
    return {
      cu: c + qa * mu,
      cx: -c + qa * mx,
      a,
      b,
      forceSquare: square(a, b, rho),
      factorMean: theta / Math.PI + qa * k0 * j0,
      factorSquare: theta / Math.PI + qa * qa * k2 * j2,
      factorSlope: -1 / Math.sqrt(2 * Math.PI * Q) + alpha * Q ** ((alpha - 1) / 2) * km * jm,
    };
  };
}

/**
 * The averages of a rule as a function of (ρ, Q), unchecked, for callers that evaluate many points
 * (the order-parameter ODEs): the α-tron's constants and quadrature nodes are set up once.
 * @param points Gauss–Legendre points of the α-tron's angular integrals (default 64).
 */
export function averagedForceFunction(
  rule: LearningRule,
  alpha = 0.5,
  points: number = QUADRATURE_POINTS,
): AveragedForceFunction {
  switch (rule) {
    case "hebbian":
      return hebbian;
    case "perceptron":
      return perceptron;
    case "adatron":
      return adatron;
    case "alphatron":
      return alphatron(alpha, points);
  }
}

const RULE_NAMES: readonly LearningRule[] = ["hebbian", "perceptron", "adatron", "alphatron"];

/**
 * The input-averaged learning force f̄ = ν⟨σ_T ξ 𝓕(A, σ_T)⟩_ξ of spec §1 in the thermodynamic limit,
 * as its components c_u = T̂·f̄/ν, c_x = ŵ·f̄/ν and coefficients f̄ = ν(aT̂ + bŵ), with |f̄|²/ν² and the
 * averages ⟨𝓕⟩, ⟨𝓕²⟩, ⟨𝓕'⟩ (all dimensionless, exact Gaussian integrals; derivations in the
 * source, from theory11.md §1 and Engel & Van den Broeck (2001) ch. 9).
 *
 * Closed forms for Hebbian, Perceptron and AdaTron; the α-tron's wedge integrals by 64-point
 * Gauss–Legendre after an exact subtraction of the endpoint power (about 15 digits). ρ = ±1 is exact:
 * a and b are then their limits (see the module comment).
 * @param rule learning rule.
 * @param rho ρ = T·w/(|T||w|) = cos θ, in [−1, 1].
 * @param Q Q = |w|²/n, > 0 and finite.
 * @param alpha the α-tron's exponent (ignored by the other rules), in [10⁻⁶, 16]. Default 0.5.
 * @throws TypeError/RangeError naming rule, rho, Q or alpha.
 * @example
 * ```ts
 * import { averagedForce } from "thermolearn";
 * const f = averagedForce("perceptron", 0.8, 2);
 * console.log(f.cu, f.cx, f.a, f.b); // 0.0798, −0.0798, 0.3989, −0.3989
 * ```
 */
export function averagedForce(rule: LearningRule, rho: number, Q: number, alpha = 0.5): AveragedForce {
  check.oneOf("rule", rule, RULE_NAMES);
  check.finite("rho", rho);
  if (!(rho >= -1 && rho <= 1)) throw new RangeError(`rho must be in [−1, 1], got ${rho}`);
  check.positive("Q", Q);
  checkAlpha(alpha);
  const force = averagedForceFunction(rule, alpha)(rho, Q);
  // Q^α (⟨𝓕²⟩ of the α-tron) overflows for Q far beyond what a finite run reaches.
  if (!Object.values(force).every(Number.isFinite)) {
    throw new RangeError(`Q: the α-tron's moments overflow at Q = ${Q} with alpha = ${alpha}`);
  }
  return force;
}

/**
 * The α-tron's exponent: in [10⁻⁶, 16]. Below, the quadrature's Γ(α/2) nears its pole; above, Q^α
 * overflows for the Q a run reaches (≤ 10¹²). α ≥ 1 is accepted and diverges at the default ν̃, k.
 * @throws TypeError/RangeError naming alpha.
 */
export function checkAlpha(alpha: unknown): number {
  const a = check.finite("alpha", alpha);
  if (!(a >= 1e-6 && a <= 16)) throw new RangeError(`alpha must be in [1e-6, 16], got ${a}`);
  return a;
}
