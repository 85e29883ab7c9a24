/**
 * Integral feedback as dynamics (Falk, Strupp, Scellier & Murugan, Nat. Commun. 16 (2025), Eqs. 14–15;
 * shared/spec/MODELS.md §3): the two-variable controller
 *
 *   ẋ = s(t) − y − λx,   ẏ = k_I (x − x₀),
 *
 * simulated in time under the sawtooth (Eq. 5), and the Hebbian weight update it drives,
 * dw/dt = g_θ(u) with u = k_I (x − x₀) (Eqs. 4 and 7 with the controlled variable as the memory),
 * set against the convolution of the same sawtooth with {@link feedbackKernel}.
 *
 * Why this ODE is the kernel's: with ξ = x − x₀ and η = y + λx₀ the system is ξ̇ = s − η − λξ,
 * η̇ = k_I ξ, so in Laplace variables ξ = H(p)·s with H(p) = p/(p² + λp + k_I) (the transfer function
 * feedbackKernel documents), and u = k_I ξ responds to s through the kernel K = k_I·h, h the impulse
 * response of H: an impulse s = δ(t) sets ξ(0⁺) = 1, η(0⁺) = 0, after which the system relaxes freely
 * ({@link feedbackImpulseResponse}). H(0) = 0: the kernel has zero area, a constant s gives u → 0.
 *
 * Integrators (fixed step dt; the input is the sawtooth sampled as `sawtooth` samples it, t_n = n·dt,
 * linear between samples, periodic with N = round((τ_f + τ_s)/dt) samples, the very samples the
 * convolution sees):
 * - "rk4" (default): classical Runge–Kutta, global order 4 (the input is linear within each step, so
 *   the order holds through the sawtooth's corners); stable while the spectral radius of its one-step
 *   map is < 1 (checked: roughly dt·max|root| < 2.78 for real roots).
 * - "exponential": the exact flow of the linear system over each step for an input linear within
 *   the step (a 4 × 4 matrix exponential of the system augmented with s and ṡ, once per dt):
 *   exact up to rounding.
 * The periodic steady state is found exactly for the chosen integrator (its one-period map is affine,
 * z ↦ Φz + c, so the periodic start is (I − Φ)⁻¹c), not by running transients out.
 *
 * Δw from the dynamics is the trapezoid rule over the N samples of g_θ(u_n), the rule
 * {@link weightUpdate} uses. Its convolution counterpart is `weightUpdate` with the causal alignment
 * and the kernel feedbackKernel({ λ, k_I, dt }) (folded onto one period when longer): the discrete
 * sum u_conv[i] = dt·Σ_j K[j] s[i − j] is the rectangle rule for ∫₀^∞ K(τ) s(t_i − τ) dτ, which
 * exceeds the integral by (dt/2)·K(0)·s(t_i) + O(dt²), K(0) = k_I. So the dynamics and the
 * convolution agree to first order in dt (halving dt halves the gap), and the dynamics agree with
 * the trapezoid-corrected sum u_conv − (dt/2)K[0]s to second order (the exact integrator) or to the
 * integrator's order 4 plus that O(dt²).
 */
import * as check from "../core/validate.js";
import { MAX_SAMPLES, formatCount, overLimit } from "../kernels/limits.js";
import type { SampledKernel } from "../kernels/sampled.js";
import { feedbackKernel } from "../kernels/shapes.js";
import { sawtooth, sawtoothResponse, weightUpdate } from "./update.js";

/** The integrators of {@link integralFeedback}. */
export type FeedbackMethod = "rk4" | "exponential";

/** Options of {@link integralFeedback}. */
export interface IntegralFeedbackOptions {
  /** Damping λ > 0 of x. Default 40 (feedbackKernel's default: roots −10, −30). */
  lambda?: number;
  /** Integral gain k_I > 0. Default 300. */
  kI?: number;
  /** Set point x₀. Default 0. */
  x0?: number;
  /** Time step. Default 10⁻⁴ (feedbackKernel's default). */
  dt?: number;
  /** Sawtooth (Eq. 5): fast and slow ramps, amplitude, mean. Defaults τ_f = 1, τ_s = 9, A = 20, s̄ = 0. */
  tauFast?: number;
  /** Slow ramp τ_s > 0. Default 9. */
  tauSlow?: number;
  /** Sawtooth amplitude A. Default 20. */
  amplitude?: number;
  /** Mean signal s̄. Default 0. */
  mean?: number;
  /** Threshold θ ≥ 0 of g_θ. Default (|A|/τ_s + |A|/τ_f)/2, the middle of the window A/τ_s < θ < A/τ_f. */
  theta?: number;
  /** Integrator. Default "rk4". */
  method?: FeedbackMethod;
}

/** The result of {@link integralFeedback}: one period of the periodic steady state, N samples. */
export interface IntegralFeedback {
  /** t_n = n·dt, n = 0 … N−1. */
  t: Float64Array;
  /** The sawtooth samples s(t_n). */
  s: Float64Array;
  /** The controlled variable x(t_n). */
  x: Float64Array;
  /** The controller y(t_n). */
  y: Float64Array;
  /** The memory u = k_I (x − x₀) from the dynamics. */
  u: Float64Array;
  /** The memory from the convolution, dt·(K ∗ s) causal and circular (K = feedbackKernel). */
  uConvolution: Float64Array;
  /** Δw = trapezoid of g_θ(u) over the period (Eq. 7), from the dynamics. */
  deltaW: number;
  /** Δw from the convolution: weightUpdate with the causal alignment. */
  deltaWConvolution: number;
  /** The threshold used. */
  theta: number;
  /** The integrator and its global order (Infinity for the exact one: rounding only). */
  method: FeedbackMethod;
  /** The integrator's global order (4 for "rk4"; Infinity for "exponential": rounding only). */
  order: number;
}

/** Options of {@link feedbackImpulseResponse}. */
export interface FeedbackImpulseOptions {
  /** Damping λ > 0 of x. Default 40. */
  lambda?: number;
  /** Integral gain k_I > 0. Default 300. */
  kI?: number;
  /** Time step. Default 10⁻⁴. */
  dt?: number;
  /** Length: L = round(tMax/dt) samples. Default 1 (feedbackKernel's default tMax is 30/slowest rate: 3). */
  tMax?: number;
  /** Integrator: "rk4" (default) or "exponential" (the exact matrix exponential). */
  method?: FeedbackMethod;
}

/** A 2-vector state (ξ, η) and the system's matrix A = [[−λ, −1], [k_I, 0]]. */
interface System {
  lambda: number;
  kI: number;
}

/** One RK4 step of ξ̇ = s − η − λξ, η̇ = k_I ξ with s linear over the step (s0 at the start, s1 at the end). */
function rk4Step(sys: System, z: Float64Array, h: number, s0: number, s1: number): void {
  const { lambda, kI } = sys;
  const sm = (s0 + s1) / 2;
  const x = z[0],
    y = z[1];
  const k1x = s0 - y - lambda * x,
    k1y = kI * x;
  const x2 = x + (h / 2) * k1x,
    y2 = y + (h / 2) * k1y;
  const k2x = sm - y2 - lambda * x2,
    k2y = kI * x2;
  const x3 = x + (h / 2) * k2x,
    y3 = y + (h / 2) * k2y;
  const k3x = sm - y3 - lambda * x3,
    k3y = kI * x3;
  const x4 = x + h * k3x,
    y4 = y + h * k3y;
  const k4x = s1 - y4 - lambda * x4,
    k4y = kI * x4;
  z[0] = x + (h / 6) * (k1x + 2 * k2x + 2 * k3x + k4x);
  z[1] = y + (h / 6) * (k1y + 2 * k2y + 2 * k3y + k4y);
}

/** exp(B) of a 4 × 4 row-major matrix by scaling and squaring with a degree-18 Taylor series. */
function expm4(B: Float64Array): Float64Array {
  let norm = 0;
  for (let i = 0; i < 4; i++) {
    let row = 0;
    for (let j = 0; j < 4; j++) row += Math.abs(B[i * 4 + j]);
    norm = Math.max(norm, row);
  }
  let q = 0;
  while (norm / 2 ** q > 0.5) q++;
  const scale = 2 ** -q;
  const X = B.map((v) => v * scale);
  const mul = (P: Float64Array, Q: Float64Array) => {
    const R = new Float64Array(16);
    for (let i = 0; i < 4; i++)
      for (let k = 0; k < 4; k++) {
        const p = P[i * 4 + k];
        if (p !== 0) for (let j = 0; j < 4; j++) R[i * 4 + j] += p * Q[k * 4 + j];
      }
    return R;
  };
  // Σ X^k/k!, k ≤ 18: for ‖X‖ ≤ ½ the remainder is below 0.5¹⁹/19! ≈ 10⁻²³.
  let E = new Float64Array(16),
    term = new Float64Array(16);
  for (let i = 0; i < 4; i++) E[i * 5] = term[i * 5] = 1;
  for (let k = 1; k <= 18; k++) {
    term = mul(term, X).map((v) => v / k);
    for (let e = 0; e < 16; e++) E[e] += term[e];
  }
  for (let i = 0; i < q; i++) E = mul(E, E);
  return E;
}

/**
 * The exact one-step map for an input linear over the step: the flow of [ξ, η, s, ṡ]′ =
 * [[−λ, −1, 1, 0], [k_I, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]]·[ξ, η, s, ṡ] over h. Returns the
 * 2 × 4 block [Φ | s-column | ṡ-column] (rows ξ, η).
 */
function exactStepMatrix(sys: System, h: number): Float64Array {
  const B = new Float64Array(16);
  B[0] = -sys.lambda * h;
  B[1] = -h;
  B[2] = h;
  B[4] = sys.kI * h;
  B[11] = h;
  return expm4(B).subarray(0, 8).slice();
}

/** One step of the chosen integrator, in place: s0, s1 the input at the step's ends. */
type Stepper = (z: Float64Array, s0: number, s1: number) => void;

function stepper(sys: System, h: number, method: FeedbackMethod): Stepper {
  if (method === "rk4") return (z, s0, s1) => rk4Step(sys, z, h, s0, s1);
  const E = exactStepMatrix(sys, h);
  return (z, s0, s1) => {
    const slope = (s1 - s0) / h;
    const x = E[0] * z[0] + E[1] * z[1] + E[2] * s0 + E[3] * slope;
    const y = E[4] * z[0] + E[5] * z[1] + E[6] * s0 + E[7] * slope;
    z[0] = x;
    z[1] = y;
  };
}

/** The roots of p² + λp + k_I: real parts and |root|, the largest |root| and the slowest decay rate. */
function roots(sys: System): { fastest: number; slowest: number } {
  const { lambda, kI } = sys;
  const disc = lambda * lambda - 4 * kI;
  if (disc >= 0) {
    const r2 = (-lambda - Math.sqrt(disc)) / 2,
      r1 = kI / r2;
    return { fastest: -r2, slowest: -r1 };
  }
  return { fastest: Math.sqrt(kI), slowest: lambda / 2 };
}

/**
 * Refuses a step the integrator cannot take stably: RK4's one-step matrix R = Σ_{k≤4} (hA)^k/k!
 * must have spectral radius < 1 (the exact flow always decays: λ, k_I > 0).
 */
function checkStable(sys: System, h: number, method: FeedbackMethod): void {
  if (method !== "rk4") return;
  // R on the basis vectors, by stepping the homogeneous system.
  const a = Float64Array.of(1, 0),
    b = Float64Array.of(0, 1);
  rk4Step(sys, a, h, 0, 0);
  rk4Step(sys, b, h, 0, 0);
  const tr = a[0] + b[1],
    det = a[0] * b[1] - b[0] * a[1];
  const d = tr * tr - 4 * det;
  const radius = d >= 0 ? Math.max(Math.abs(tr + Math.sqrt(d)), Math.abs(tr - Math.sqrt(d))) / 2 : Math.sqrt(det);
  if (!(radius < 1)) {
    const { fastest } = roots(sys);
    throw new RangeError(
      `dt (${h}) is too large for "rk4": its one-step map has spectral radius ${radius.toPrecision(4)} ≥ 1 ` +
        `(the fastest root has |r| = ${fastest.toPrecision(4)}; take dt·|r| below about 2.5, or method "exponential")`,
    );
  }
}

/** Checks λ, k_I, dt and the method, shared by both entry points. */
function checkSystem(o: { lambda?: unknown; kI?: unknown; dt?: unknown; method?: unknown }): {
  sys: System;
  dt: number;
  method: FeedbackMethod;
} {
  const sys = { lambda: check.positive("lambda", o.lambda ?? 40), kI: check.positive("kI", o.kI ?? 300) };
  const dt = check.positive("dt", o.dt ?? 1e-4);
  const method = check.oneOf("method", o.method ?? "rk4", ["rk4", "exponential"] as const);
  checkStable(sys, dt, method);
  return { sys, dt, method };
}

/**
 * The controller's impulse response: an impulse s = δ(t) gives ξ(0⁺) = 1, η(0⁺) = 0, then free
 * relaxation, sampled at t_k = k·dt, k = 0 … L−1 (L = round(tMax/dt), at most 2^25). `kernel` = k_I·ξ
 * is feedbackKernel's K (same normalisation, first moment −1), to the integrator's error: O(dt⁴)
 * for "rk4", rounding for "exponential".
 * @throws TypeError/RangeError naming a bad option (dt for an unstable RK4 step or too many samples).
 * @example
 * ```ts
 * import { feedbackImpulseResponse } from "thermolearn";
 * const { t, kernel } = feedbackImpulseResponse({ dt: 1e-3 }); // ≈ feedbackKernel({ dt: 1e-3, tMax: 1 })
 * console.log(t.length, kernel.values[0]); // 1000 samples, K(0) = k_I = 300
 * ```
 */
export function feedbackImpulseResponse(options?: FeedbackImpulseOptions): {
  /** Sample times t_k = k·dt. */
  t: Float64Array;
  /** ξ(t_k), the controlled variable's response. */
  x: Float64Array;
  /** η(t_k), the controller's response. */
  y: Float64Array;
  /** K = k_I·ξ as a sampled kernel on the same grid. */
  kernel: SampledKernel;
} {
  const o = check.options("feedbackImpulseResponse", options, ["lambda", "kI", "dt", "tMax", "method"]);
  const { sys, dt, method } = checkSystem(o);
  const tMax = check.positive("tMax", o.tMax ?? 1);
  const count = tMax / dt;
  if (!(count <= MAX_SAMPLES)) throw overLimit(`tMax/dt = ${formatCount(count)} samples`, MAX_SAMPLES);
  const L = Math.round(count);
  if (L < 1) throw new RangeError(`tMax (${tMax}) must be at least dt/2 (${dt / 2})`);
  const step = stepper(sys, dt, method);
  const t = new Float64Array(L),
    x = new Float64Array(L),
    y = new Float64Array(L),
    values = new Float64Array(L);
  const z = Float64Array.of(1, 0);
  for (let k = 0; k < L; k++) {
    t[k] = k * dt;
    x[k] = z[0];
    y[k] = z[1];
    values[k] = sys.kI * z[0];
    step(z, 0, 0);
  }
  return { t, x, y, kernel: { values, dt } };
}

/** Runs one period from z (in place) over the periodic samples s, calling `visit(n, z)` before step n. */
function runPeriod(step: Stepper, z: Float64Array, s: Float64Array, visit?: (n: number, z: Float64Array) => void) {
  const N = s.length;
  for (let n = 0; n < N; n++) {
    visit?.(n, z);
    step(z, s[n], s[(n + 1) % N]);
  }
}

/**
 * Kernel samples folded onto one period of N samples: K_fold[j] = Σ_m K[j + mN] (the circular
 * convolution's kernel).
 */
function fold(kernel: SampledKernel, N: number): SampledKernel {
  if (kernel.values.length <= N) return kernel;
  const values = new Float64Array(N);
  kernel.values.forEach((v, j) => {
    values[j % N] += v;
  });
  return { values, dt: kernel.dt };
}

const FEEDBACK_KEYS = [
  "lambda",
  "kI",
  "x0",
  "dt",
  "tauFast",
  "tauSlow",
  "amplitude",
  "mean",
  "theta",
  "method",
] as const;

/**
 * The integral-feedback controller driven by the sawtooth, in its periodic steady state (exact for
 * the integrator: the periodic start solves z = Φz + c), and the weight update it makes, beside the
 * same update by convolution with feedbackKernel (see the module comment for the ODE, the
 * integrators and why the two agree to O(dt)).
 * @throws TypeError/RangeError naming a bad option (dt for an unstable RK4 step or a period of more
 * than 2^25 samples, tauFast/tauSlow/amplitude/mean as {@link sawtooth}).
 * @example
 * ```ts
 * import { integralFeedback } from "thermolearn";
 * const r = integralFeedback({ amplitude: 20, dt: 1e-3 });
 * console.log(r.deltaW, r.deltaWConvolution); // ≈ 17.9, ≈ 18.2: equal to O(dt) (smaller dt: closer)
 * ```
 */
export function integralFeedback(options?: IntegralFeedbackOptions): IntegralFeedback {
  const o = check.options("integralFeedback", options, FEEDBACK_KEYS);
  const { sys, dt, method } = checkSystem(o);
  const x0 = check.finite("x0", o.x0 ?? 0);
  const tauFast = check.positive("tauFast", o.tauFast ?? 1);
  const tauSlow = check.positive("tauSlow", o.tauSlow ?? 9);
  const amplitude = check.finite("amplitude", o.amplitude ?? 20);
  const mean = check.finite("mean", o.mean ?? 0);
  const theta =
    o.theta === undefined
      ? (Math.abs(amplitude) / tauSlow + Math.abs(amplitude) / tauFast) / 2
      : check.nonNegative("theta", o.theta);
  const s = sawtooth({ tauFast, tauSlow, amplitude, mean, dt });
  const N = s.length;
  const step = stepper(sys, dt, method);
  // The one-period map z ↦ Φz + c: c from z = 0 under s, Φ's columns from the unit states without input.
  const zero = new Float64Array(N);
  const c = new Float64Array(2),
    e1 = Float64Array.of(1, 0),
    e2 = Float64Array.of(0, 1);
  runPeriod(step, c, s);
  runPeriod(step, e1, zero);
  runPeriod(step, e2, zero);
  // (I − Φ) z = c, Φ = [e1 e2] (columns).
  const a = 1 - e1[0],
    b = -e2[0],
    cc = -e1[1],
    d = 1 - e2[1];
  const det = a * d - b * cc;
  if (!(Math.abs(det) > 0 && Number.isFinite(det)))
    throw new RangeError(`lambda (${sys.lambda}) and kI (${sys.kI}): the one-period map has no unique fixed point`);
  const z = Float64Array.of((d * c[0] - b * c[1]) / det, (a * c[1] - cc * c[0]) / det);
  const t = new Float64Array(N),
    x = new Float64Array(N),
    y = new Float64Array(N),
    u = new Float64Array(N);
  runPeriod(step, z, s, (n, zn) => {
    t[n] = n * dt;
    x[n] = zn[0] + x0;
    y[n] = zn[1] - sys.lambda * x0;
    u[n] = sys.kI * zn[0];
  });
  for (let n = 0; n < N; n++) {
    if (!Number.isFinite(u[n]))
      throw new RangeError(`amplitude (${amplitude}) and mean (${mean}) give a non-finite response at t = ${t[n]}`);
  }
  // Δw: the trapezoid rule over the N samples, as weightUpdate (weights ½ at both ends).
  const g = (v: number) => (Math.abs(v) >= theta ? v : 0);
  let sum = 0;
  for (let n = 0; n < N; n++) sum += g(u[n]);
  const deltaW = dt * (sum - 0.5 * (g(u[0]) + g(u[N - 1])));
  const kernel = fold(feedbackKernel({ lambda: sys.lambda, kI: sys.kI, dt }), N);
  const protocol = { kernel, tauFast, tauSlow, alignment: "causal" as const };
  const deltaWConvolution = weightUpdate({ ...protocol, amplitude, mean, theta });
  // u_conv = s̄·dt·ΣK + A·r, r = dt·K ∗ φ (linearity, as weightUpdate computes it).
  const r = sawtoothResponse(protocol);
  let kernelSum = 0;
  for (const v of kernel.values) kernelSum += v;
  const uConvolution = r.map((ri) => mean * dt * kernelSum + amplitude * ri);
  return {
    t,
    s,
    x,
    y,
    u,
    uConvolution,
    deltaW,
    deltaWConvolution,
    theta,
    method,
    order: method === "rk4" ? 4 : Number.POSITIVE_INFINITY,
  };
}
