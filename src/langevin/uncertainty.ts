/**
 * The thermodynamic uncertainty relation (Barato & Seifert, PRL 114, 158101 (2015)) for the tilted
 * ring, the standard Langevin non-equilibrium steady state: a particle in V(x) = ½A(1 − cos 2πx/L)
 * driven by a constant force f. Its current is the displacement per unit time; in the steady state
 *
 *     2⟨J⟩² / (Var_J · σ) ≤ 1,   ⟨J⟩ = v,  Var_J = lim Var(Δx_t)/t = 2 D_eff,  σ = f v / k_BT,
 *
 * so the ratio is v·D/(D_eff·f) (k_BT = D). Exactly (by quadrature) from the closed forms of
 * Stratonovich (v) and Reimann et al., PRL 87, 010602 (2001) (D_eff); from ensembles of the wasm
 * Langevin model with their statistical errors. Free diffusion (A = 0) saturates the bound.
 */
import * as check from "../core/validate.js";
import { mean } from "../math/stats.js";
import { LangevinEnsemble } from "./ensemble.js";
import type { Backend } from "../core/loader.js";

/** The ring: barrier A ≥ 0, force f, circumference L > 0, diffusion constant D > 0 (k_BT = D). */
export interface RingParameters {
  /** Barrier height A of ½A(1 − cos 2πx/L) (energy). Default 4. */
  amplitude?: number;
  /** Driving force f (energy / length). Default 1. */
  force?: number;
  /** Circumference L. Default 1. */
  period?: number;
  /** Diffusion constant D = k_BT. Default 1. */
  D?: number;
}

/** The steady state's current statistics and the TUR ratio. */
export interface RingUncertainty {
  /** Mean velocity v = ⟨J⟩ (length / time). */
  velocity: number;
  /** Effective diffusion constant D_eff = Var_J / 2 (length² / time). */
  diffusion: number;
  /** Entropy production rate σ = f·v/D (k_B per unit time). */
  entropyProduction: number;
  /** 2⟨J⟩²/(Var_J·σ) = v·D/(D_eff·f), ≤ 1; 0 when f = 0 (no current, no dissipation). */
  ratio: number;
}

const RING_KEYS = ["amplitude", "force", "period", "D"] as const;

function resolveRing(what: string, options: RingParameters | undefined, extra: readonly string[] = []) {
  const o = check.options(what, options, [...RING_KEYS, ...extra]);
  return {
    o,
    amplitude: check.nonNegative("amplitude", o.amplitude ?? 4),
    force: check.finite("force", o.force ?? 1),
    period: check.positive("period", o.period ?? 1),
    D: check.positive("D", o.D ?? 1),
  };
}

/**
 * Points of the quadrature over one period: at least 400, and 20 per decay length D/|f| of e^{−fy/D}
 * and per width √(D/A)·L/2π of the potential's wells (Simpson, errors ~ h⁴), at most 2¹⁶.
 */
function quadraturePoints(A: number, f: number, L: number, D: number): number {
  const n = Math.max(400, 20 * ((Math.abs(f) * L) / D), 20 * 2 * Math.PI * Math.sqrt(A / D));
  return Math.min(2 ** 16, 2 * Math.ceil(n / 2));
}
/** Largest A/D the exact quadrature takes: beyond, e^{A/D} terms lose the integrals' precision. */
const MAX_BARRIER_RATIO = 200;

/**
 * The ring's steady-state velocity, effective diffusion and TUR ratio, exactly, by Simpson quadrature
 * of I±(x) = (1/D)∫₀^L dy exp{±[V(x) − V(x ∓ y)]/D − f y/D}:
 * v = L(1 − e^{−fL/D}) / ∫₀^L I₊ dx and D_eff = D·⟨I₊² I₋⟩/⟨I₊⟩³ (⟨·⟩ the mean over one period).
 * @throws RangeError naming a bad parameter (A/D above 200 is refused: the exponentials overflow).
 * @example
 * ```ts
 * import { ringTheory } from "thermolearn";
 * console.log(ringTheory({ amplitude: 0, force: 2 })); // { velocity: 2, diffusion: 1, ratio: 1, … }: the TUR's bound
 * ```
 */
export function ringTheory(options?: RingParameters): RingUncertainty {
  const { amplitude: A, force: f, period: L, D } = resolveRing("ringTheory", options);
  if (A / D > MAX_BARRIER_RATIO) throw new RangeError(`amplitude: A/D = ${A / D} is above ${MAX_BARRIER_RATIO}`);
  const k = (2 * Math.PI) / L;
  const V = (x: number) => 0.5 * A * (1 - Math.cos(k * x));
  const n = quadraturePoints(A, f, L, D);
  const h = L / n;
  const simpson = (g: (y: number) => number): number => {
    let s = g(0) + g(L);
    for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * g(i * h);
    return (s * h) / 3;
  };
  // The x-integrands are periodic: the trapezoid rule on n points is spectrally accurate there.
  let sumPlus = 0,
    sumPlus2Minus = 0;
  const outer = 400;
  for (let i = 0; i < outer; i++) {
    const x = (i * L) / outer;
    const plus = simpson((y) => Math.exp((V(x) - V(x - y) - f * y) / D)) / D;
    const minus = simpson((y) => Math.exp((V(x + y) - V(x) - f * y) / D)) / D;
    sumPlus += plus;
    sumPlus2Minus += plus * plus * minus;
  }
  const meanPlus = sumPlus / outer,
    meanPlus2Minus = sumPlus2Minus / outer;
  // −expm1(−fL/D) = 1 − e^{−fL/D}, accurate for small f.
  const velocity = (L * -Math.expm1((-f * L) / D)) / (meanPlus * L);
  const diffusion = (D * meanPlus2Minus) / meanPlus ** 3;
  return summarise(velocity, diffusion, f, D);
}

function summarise(velocity: number, diffusion: number, f: number, D: number): RingUncertainty {
  const entropyProduction = (f * velocity) / D;
  const ratio = entropyProduction > 0 && diffusion > 0 ? (velocity * velocity) / (diffusion * entropyProduction) : 0;
  return { velocity, diffusion, entropyProduction, ratio };
}

/** Options of {@link ringUncertaintyEnsemble}. */
export interface RingEnsembleOptions extends RingParameters {
  /** Trajectories. Default 10⁴. */
  particles?: number;
  /** Time to relax into the steady state before measuring. Default 2·L²/D. */
  warmup?: number;
  /** Time over which the displacement is measured. Default 20·L²/D. */
  time?: number;
  /** Time step. Default 10⁻³·L²/D. */
  dt?: number;
  /** Integer seed in [0, 2⁵³) of the ensemble's streams. Default 0. */
  seed?: number;
  /** Force the "simd" or "scalar" build (same bits). */
  backend?: Backend;
}

/** {@link RingUncertainty} from an ensemble, each field with its standard error. */
export interface RingEnsembleUncertainty extends RingUncertainty {
  /** Standard error of the drift velocity v. */
  velocityError: number;
  /** Standard error of the effective diffusion constant D_eff. */
  diffusionError: number;
  /** Standard error of the entropy production rate σ, propagated to first order. */
  entropyProductionError: number;
  /** Standard error of the uncertainty ratio, propagated to first order. */
  ratioError: number;
  /** Trajectories and measuring time used. */
  particles: number;
  /** Measuring time t (time units). */
  time: number;
}

/**
 * The ring's current statistics from an ensemble of the wasm Langevin model: after `warmup`, the
 * displacements Δx over `time` give v = ⟨Δx⟩/t and D_eff = Var(Δx)/(2t) (biased by O(1/t) from the
 * transient correlations, and by Euler's O(dt)); their standard errors are √(Var/N)/t and
 * Var·√(2/(N − 1))/(2t) (Gaussian fourth moment), propagated to σ and the ratio to first order.
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * ```ts
 * import { ringUncertaintyEnsemble } from "thermolearn";
 * const r = ringUncertaintyEnsemble({ amplitude: 0, force: 2, particles: 1000, time: 2, dt: 1e-3 });
 * console.log(r.velocity, r.velocityError, r.ratio); // ≈ 2.07 ± 0.03, ratio ≈ 1.1 (1 for free drift, biased by t = 2)
 * ```
 */
export function ringUncertaintyEnsemble(options?: RingEnsembleOptions): RingEnsembleUncertainty {
  const r = resolveRing("ringUncertaintyEnsemble", options, ["particles", "warmup", "time", "dt", "seed", "backend"]);
  const o = r.o as RingEnsembleOptions;
  const scale = (r.period * r.period) / r.D;
  const particles = check.integer("particles", o.particles ?? 10_000, 2, 2 ** 24);
  const dt = check.positive("dt", o.dt ?? 1e-3 * scale);
  const warmup = check.nonNegative("warmup", o.warmup ?? 2 * scale);
  const time = check.positive("time", o.time ?? 20 * scale);
  const ensemble = new LangevinEnsemble({
    potential: { kind: "ring", amplitude: r.amplitude, force: r.force, period: r.period },
    D: r.D,
    dt,
    particles,
    seed: o.seed ?? 0,
    backend: o.backend,
  });
  try {
    ensemble.step(Math.round(warmup / dt));
    const start = ensemble.positions();
    const steps = Math.max(1, Math.round(time / dt));
    ensemble.step(steps);
    const end = ensemble.positions();
    const t = steps * dt;
    const dx = end.map((x, i) => x - start[i]);
    const m = mean(dx);
    let v2 = 0;
    for (let i = 0; i < dx.length; i++) v2 += (dx[i] - m) ** 2;
    v2 /= dx.length - 1;
    const velocity = m / t,
      diffusion = v2 / (2 * t);
    const velocityError = Math.sqrt(v2 / particles) / t;
    const diffusionError = diffusion * Math.sqrt(2 / (particles - 1));
    const s = summarise(velocity, diffusion, r.force, r.D);
    const entropyProductionError = Math.abs(r.force / r.D) * velocityError;
    // ratio = v·D/(D_eff·f): relative errors add in quadrature (2× none: v enters once here).
    const ratioError = s.ratio * Math.hypot(velocityError / Math.abs(velocity || 1), diffusionError / diffusion);
    return { ...s, velocityError, diffusionError, entropyProductionError, ratioError, particles, time: t };
  } finally {
    ensemble.dispose();
  }
}
