/**
 * Plain-TS reference for one Euler–Maruyama step of the stochastic perceptron (spec §1), written the
 * obvious way: explicit dot products, explicit force, and the step's heat in two conventions (the
 * library's, and the literal midpoint rule it replaced, for the Δt → 0 comparison). Slow; used only
 * by tests. It imports nothing from the code it checks.
 */

/** The four learning rules of spec §1. */
export type LearningRule = "hebbian" | "perceptron" | "adatron" | "alphatron";

export interface RefParams {
  rule: LearningRule;
  alpha: number;
  k: number;
  nu: number;
  D: number;
  dt: number;
}

/** Decodes the wasm input layout: bit j of byte i·G + g is ξ_{8g+j, i} > 0. Returns B rows of ±1. */
export function unpackInputs(bytes: Uint8Array, n: number, batch: number): Int8Array[] {
  const groups = Math.ceil(batch / 8);
  return Array.from({ length: batch }, (_, b) => {
    const row = new Int8Array(n);
    for (let i = 0; i < n; i++) row[i] = (bytes[i * groups + (b >> 3)] >> (b & 7)) & 1 ? 1 : -1;
    return row;
  });
}

const sign = (x: number) => (x >= 0 ? 1 : -1);

/** 𝓕(A, σ) of spec §1 with Θ(0) = 0. */
export function refLearningFactor(rule: LearningRule, alpha: number, A: number, sigma: number): number {
  const theta = (x: number) => (x > 0 ? 1 : 0);
  switch (rule) {
    case "hebbian":
      return 1;
    case "perceptron":
      return theta(-sigma * A);
    case "adatron":
      return Math.abs(A) * theta(-sigma * A);
    case "alphatron":
      return theta(-sigma * A) + Math.abs(A) ** alpha * theta(sigma * A);
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Deterministic force F(w) = −k w + (ν/B) Σ_b σ_b 𝓕(A_b, σ_b) ξ_b for given inputs. */
export function refForce(w: Float64Array, teacher: Float64Array, xi: Int8Array[], p: RefParams): Float64Array {
  const n = w.length,
    B = xi.length;
  const force = new Float64Array(n);
  for (let i = 0; i < n; i++) force[i] = -p.k * w[i];
  for (const row of xi) {
    const sigma = sign(dot(teacher, row));
    const c = (p.nu / B) * sigma * refLearningFactor(p.rule, p.alpha, dot(w, row) / Math.sqrt(n), sigma);
    for (let i = 0; i < n; i++) force[i] += c * row[i];
  }
  return force;
}

/**
 * Φ(x), the standard normal distribution function, to ~1e-14: the Taylor series of erf for |x/√2| < 3
 * (terms ≤ 10³, so ~3 digits lost to cancellation), else erfc's continued fraction (Lentz, 200 terms).
 */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  let tail: number; // erfc(z)
  if (z < 3) {
    let term = z,
      sum = z;
    for (let k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
      term *= (-z * z) / k;
      sum += term / (2 * k + 1);
    }
    tail = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(z) = e^{−z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))).
    let f = z,
      c = z,
      d = 0;
    for (let k = 1; k < 200; k++) {
      const a = k / 2;
      d = 1 / (z + a * d);
      c = z + a / c;
      f *= c * d;
    }
    tail = Math.exp(-z * z) / (Math.sqrt(Math.PI) * f);
  }
  return x >= 0 ? 1 - tail / 2 : tail / 2;
}

/**
 * ⟨𝓕′(σ_T A)⟩ over Gaussian inputs at correlation rho = T̂·ŵ and Q = |w|²/n, computed a different way
 * from the library (which integrates over the polar angle): Hebbian 0; Perceptron −p_A(0) =
 * −1/√(2πQ); AdaTron −P(σ_T A < 0) = −θ/π; α-tron −1/√(2πQ) + α Q^{(α−1)/2} E[|x|^{α−1} 1{ux > 0}],
 * with E[|x|^{α−1} 1{ux>0}] = 2 ∫_0^∞ x^{α−1} φ(x) Φ(ρx/√(1−ρ²)) dx, substituted x = y^{1/α}
 * (x^{α−1}dx = dy/α) and summed by Simpson's rule on 20 000 intervals up to x = 12 (smooth in y
 * when 1/α is an integer, as in the tests' α = 0.5; the tail beyond x = 12 is below 1e-30).
 */
export function refMeanSlope(rule: LearningRule, alpha: number, rho: number, Q: number): number {
  const theta = Math.acos(Math.max(-1, Math.min(1, rho)));
  if (rule === "hebbian") return 0;
  if (rule === "adatron") return -theta / Math.PI;
  const delta = -1 / Math.sqrt(2 * Math.PI * Q);
  if (rule === "perceptron") return delta;
  const s = Math.sqrt(Math.max(0, 1 - rho * rho));
  // At |ρ| = 1, u = ±x and Φ(ρx/s) is the step 1{ρ > 0} for x > 0.
  const cdf = (x: number) => (s > 0 ? normalCdf((rho * x) / s) : rho > 0 ? 1 : 0);
  const yMax = 12 ** alpha,
    points = 20_000,
    h = yMax / points;
  let sum = 0;
  for (let i = 0; i <= points; i++) {
    const x = (i * h) ** (1 / alpha);
    const g = (Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)) * cdf(x);
    sum += (i === 0 || i === points ? 1 : i % 2 === 1 ? 4 : 2) * g;
  }
  const moment = (2 / alpha) * ((sum * h) / 3);
  return delta + alpha * Q ** ((alpha - 1) / 2) * moment;
}

/**
 * One step: w′ = w + Δt F(w) + √(2DΔt) z, and its heat in two conventions:
 * - `heat`, the library's: the work of the force the step applied, −k w_mid·Δw + L(w)·Δw, with
 *   w_mid = (w + w′)/2 and L(w) = F(w) + k w the learning force at the step's start;
 * - `midpointHeat`, spec §1's literal rule: F(w_mid)·Δw with 𝓕 re-evaluated at A(w_mid), the
 *   same inputs. The two agree for Hebbian learning (𝓕 = 1) and converge as Δt → 0.
 * `heat` includes, like the library's for fresh inputs, the Stratonovich term D Δt ν√n ⟨𝓕′⟩(w) (see
 * {@link refMeanSlope}); `divergence` is that term alone. `work` is L(w)·Δw + divergence.
 */
export function refStep(
  w: Float64Array,
  teacher: Float64Array,
  xi: Int8Array[],
  noise: Float64Array,
  p: RefParams,
): { w: Float64Array; heat: number; midpointHeat: number; work: number; divergence: number } {
  const force = refForce(w, teacher, xi, p);
  const sd = Math.sqrt(2 * p.D * p.dt);
  const next = w.map((wi, i) => wi + p.dt * force[i] + sd * noise[i]);
  const mid = w.map((wi, i) => 0.5 * (wi + next[i]));
  const forceMid = refForce(mid, teacher, xi, p);
  let heat = 0,
    midpointHeat = 0,
    work = 0;
  for (let i = 0; i < w.length; i++) {
    const delta = next[i] - w[i];
    const learning = force[i] + p.k * w[i];
    heat += (learning - p.k * mid[i]) * delta;
    work += learning * delta;
    midpointHeat += forceMid[i] * delta;
  }
  const n = w.length,
    ww = dot(w, w),
    rho = dot(w, teacher) / Math.sqrt(ww * dot(teacher, teacher));
  const divergence = ww > 0 ? p.D * p.dt * p.nu * Math.sqrt(n) * refMeanSlope(p.rule, p.alpha, rho, ww / n) : 0;
  return { w: next, heat: heat + divergence, midpointHeat, work: work + divergence, divergence };
}

/**
 * (a, b) of the averaged force f̄ = ν(a T̂ + b ŵ) for the three rules with elementary closed forms
 * (docs/perceptron-theory.md §1): Hebbian (√(2/π), 0), Perceptron (1, −1)/√(2π), AdaTron √Q(sin θ, −θ)/π.
 */
export function refAveragedCoefficients(rule: LearningRule, rho: number, Q: number): { a: number; b: number } {
  const theta = Math.acos(Math.max(-1, Math.min(1, rho)));
  if (rule === "hebbian") return { a: Math.sqrt(2 / Math.PI), b: 0 };
  if (rule === "perceptron") return { a: 1 / Math.sqrt(2 * Math.PI), b: -1 / Math.sqrt(2 * Math.PI) };
  if (rule === "adatron")
    return { a: (Math.sqrt(Q) * Math.sin(theta)) / Math.PI, b: (-Math.sqrt(Q) * theta) / Math.PI };
  throw new RangeError(`refAveragedCoefficients: no elementary closed form for ${rule}`);
}

/** f̄(w) = ν(a T̂ + b ŵ) as a vector, (a, b) from `coefficients` at ρ = T̂·ŵ, Q = |w|²/n. */
function refAveragedForce(
  w: Float64Array,
  teacher: Float64Array,
  nu: number,
  coefficients: (rho: number, Q: number) => { a: number; b: number },
): Float64Array {
  const n = w.length,
    normW = Math.sqrt(dot(w, w)),
    normT = Math.sqrt(dot(teacher, teacher));
  const { a, b } = coefficients(dot(w, teacher) / (normW * normT), (normW * normW) / n);
  return w.map((wi, i) => nu * ((a * teacher[i]) / normT + (b * wi) / normW));
}

/**
 * One Euler–Maruyama step of the input-averaged dynamics, w′ = w + Δt(f̄(w) − k w) + √(2DΔt) z, and its
 * Stratonovich heat Σ_i (−k w_mid,i + f̄_i(w_mid)) Δw_i with the midpoint as an explicit vector (the
 * library gets f̄(w_mid) from scalar sums). `work` is the learning part f̄(w_mid)·Δw.
 */
export function refAveragedStep(
  w: Float64Array,
  teacher: Float64Array,
  noise: Float64Array,
  p: RefParams,
  coefficients: (rho: number, Q: number) => { a: number; b: number },
): { w: Float64Array; heat: number; work: number } {
  const force = refAveragedForce(w, teacher, p.nu, coefficients);
  const sd = Math.sqrt(2 * p.D * p.dt);
  const next = w.map((wi, i) => wi + p.dt * (force[i] - p.k * wi) + sd * noise[i]);
  const mid = w.map((wi, i) => 0.5 * (wi + next[i]));
  const forceMid = refAveragedForce(mid, teacher, p.nu, coefficients);
  let heat = 0,
    work = 0;
  for (let i = 0; i < w.length; i++) {
    const delta = next[i] - w[i];
    heat += (forceMid[i] - p.k * mid[i]) * delta;
    work += forceMid[i] * delta;
  }
  return { w: next, heat, work };
}
