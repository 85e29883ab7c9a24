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
 * One step: w′ = w + Δt F(w) + √(2DΔt) z, and its heat in two conventions:
 * - `heat`, the library's: the work of the force the step applied, −k w_mid·Δw + L(w)·Δw, with
 *   w_mid = (w + w′)/2 and L(w) = F(w) + k w the learning force at the step's start;
 * - `midpointHeat`, spec §1's literal rule: F(w_mid)·Δw with 𝓕 re-evaluated at A(w_mid), the
 *   same inputs. The two agree for Hebbian learning (𝓕 = 1) and converge as Δt → 0.
 */
export function refStep(
  w: Float64Array,
  teacher: Float64Array,
  xi: Int8Array[],
  noise: Float64Array,
  p: RefParams,
): { w: Float64Array; heat: number; midpointHeat: number } {
  const force = refForce(w, teacher, xi, p);
  const sd = Math.sqrt(2 * p.D * p.dt);
  const next = w.map((wi, i) => wi + p.dt * force[i] + sd * noise[i]);
  const mid = w.map((wi, i) => 0.5 * (wi + next[i]));
  const forceMid = refForce(mid, teacher, xi, p);
  let heat = 0,
    midpointHeat = 0;
  for (let i = 0; i < w.length; i++) {
    const delta = next[i] - w[i];
    const learning = force[i] + p.k * w[i];
    heat += (learning - p.k * mid[i]) * delta;
    midpointHeat += forceMid[i] * delta;
  }
  return { w: next, heat, midpointHeat };
}
