/**
 * The built-in potentials V(x, λ(t)) of the overdamped Langevin model (assembly/langevin.ts) and its
 * exact side (./fokker-planck.ts), in one place so both evaluate the same numbers.
 *
 * - harmonic trap:  V = ½ κ(t) (x − c(t))²                       (dragged trap, stiffness change)
 * - double well:    V = E x⁴ − 2 √(E·B(t)) x² − a(t) x           (Landauer erasure: barrier B, tilt a)
 *   At a = 0 the wells sit at ±(B/E)^¼ and the barrier between them is B high; at B = 0 only the
 *   quartic confinement E x⁴ is left (Dillenschneider & Lutz, PRL 102, 210601 (2009), with the
 *   barrier height itself as the protocol).
 * - ring:           V = ½ A(t) (1 − cos 2πx/L), plus a constant-in-space force f(t) on a circle of
 *   circumference L: the standard non-equilibrium steady state (Seifert, Rep. Prog. Phys. 75, 126001
 *   (2012), §3.3). The force is not the gradient of any periodic potential, so it does work ∫ f dx.
 *
 * The harmonic trap and the double well are quartic polynomials in x whose coefficients follow the
 * protocol; the wasm kernel steps that polynomial form, so {@link polynomialCoefficients} is the one
 * definition both sides use. Energies are in the units of D (k_BT = D: mobility 1, so the stationary
 * density of a time-independent V is ∝ e^{−V/D}).
 */
import * as check from "../core/validate.js";
import { type Protocol, type ResolvedProtocol, resolveProtocol } from "./protocols.js";

/** The harmonic trap V = ½ κ(t) (x − c(t))². */
export interface HarmonicOptions {
  /** Selects the harmonic trap. */
  kind: "harmonic";
  /** Stiffness κ(t) > 0 (energy / length²). Default 1. */
  stiffness?: Protocol;
  /** Centre c(t) (length). Default 0. */
  centre?: Protocol;
}

/** The double well V = E x⁴ − 2 √(E·B(t)) x² − a(t) x. */
export interface DoubleWellOptions {
  /** Selects the double well. */
  kind: "doubleWell";
  /** Barrier height B(t) ≥ 0 at zero tilt (energy). Default `quartic` (wells at ±1). */
  barrier?: Protocol;
  /** Tilt a(t) (energy / length): a > 0 favours the right well. Default 0. */
  tilt?: Protocol;
  /** The quartic coefficient E > 0 (energy / length⁴), fixed. Default 8. */
  quartic?: number;
}

/** The tilted ring V = ½ A(t) (1 − cos 2πx/L) with the driving force f(t). */
export interface RingOptions {
  /** Selects the tilted ring. */
  kind: "ring";
  /** Barrier height A(t) ≥ 0 of the periodic potential (energy). Default 4. */
  amplitude?: Protocol;
  /** Driving force f(t) along the ring (energy / length). Default 0. */
  force?: Protocol;
  /** Circumference L > 0 (length), fixed. Default 1. */
  period?: number;
}

/** A built-in potential and its protocols. */
export type PotentialOptions = HarmonicOptions | DoubleWellOptions | RingOptions;

/** The kinds of built-in potentials. */
export const POTENTIAL_KINDS = ["harmonic", "doubleWell", "ring"] as const;
/** The name of a built-in potential: "harmonic", "doubleWell" or "ring". */
export type PotentialKind = (typeof POTENTIAL_KINDS)[number];

/** A checked potential: its kind, its fixed constants and its protocols, each evaluable at t. */
export interface Potential {
  /** "harmonic", "doubleWell" or "ring". */
  kind: PotentialKind;
  /** Whether x lives on a circle of circumference `period` (the ring). */
  periodic: boolean;
  /** The ring's circumference L; 0 for the polynomial potentials. */
  period: number;
  /** The double well's quartic coefficient E; 0 otherwise. */
  quartic: number;
  /** The protocols by name (stiffness and centre; barrier and tilt; amplitude and force). */
  protocols: Readonly<Record<string, ResolvedProtocol>>;
  /** Whether every protocol is constant (a time-independent potential). */
  constant: boolean;
}

const DEFAULTS = {
  harmonic: { stiffness: 1, centre: 0 },
  doubleWell: { barrier: 8, tilt: 0 },
  ring: { amplitude: 4, force: 0 },
} as const;

/** Default quartic coefficient E of the double well and default circumference L of the ring. */
export const DEFAULT_QUARTIC = 8;
export const DEFAULT_PERIOD = 1;

/** Options each kind takes. */
const KEYS: Record<PotentialKind, readonly string[]> = {
  harmonic: ["kind", "stiffness", "centre"],
  doubleWell: ["kind", "barrier", "tilt", "quartic"],
  ring: ["kind", "amplitude", "force", "period"],
};

/**
 * Checks a potential's options once (unknown keys refused, every protocol checked) and fills in the
 * defaults. `name` prefixes the option names in errors ("potential.stiffness").
 * @throws TypeError/RangeError naming the option.
 * @example
 * ```ts
 * import { resolvePotential } from "thermolearn";
 * const p = resolvePotential({ kind: "harmonic", centre: { t: [0, 1], value: [0, 2] } });
 * console.log(p.kind, p.constant, p.protocols.centre.at(0.5)); // "harmonic", false, 1
 * ```
 */
export function resolvePotential(options: unknown, name = "potential"): Potential {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${name} must be an object such as { kind: "harmonic" }`);
  }
  const o = options as Record<string, unknown>;
  const kind = check.oneOf(`${name}.kind`, o.kind, POTENTIAL_KINDS);
  check.knownKeys(name, o, KEYS[kind]);
  for (const key of Object.keys(o)) {
    if (o[key] === null) throw new TypeError(`${name}.${key} is null; leave it out for its default`);
  }
  const protocols: Record<string, ResolvedProtocol> = {};
  let quartic = 0,
    period = 0;
  if (kind === "doubleWell") quartic = check.positive(`${name}.quartic`, o.quartic ?? DEFAULT_QUARTIC);
  if (kind === "ring") period = check.positive(`${name}.period`, o.period ?? DEFAULT_PERIOD);
  const defaults: Record<string, number> = { ...DEFAULTS[kind] };
  if (kind === "doubleWell" && o.barrier === undefined) defaults.barrier = quartic;
  for (const key of Object.keys(defaults)) {
    protocols[key] = resolveProtocol(`${name}.${key}`, o[key] ?? defaults[key]);
  }
  // Parameters that must keep a sign: checked at the knots here, at every evaluation for functions
  // (see potentialAt).
  for (const [key, min] of SIGNED[kind]) {
    const knots = protocols[key].knots;
    if (!knots) continue;
    for (let i = 0; i < knots.value.length; i++) checkSign(`${name}.${key}`, knots.value[i], min, knots.t[i]);
  }
  const constant = Object.values(protocols).every((p) => p.constant);
  return { kind, periodic: kind === "ring", period, quartic, protocols, constant };
}

/** Parameters that must be > 0 ("positive") or ≥ 0 ("nonNegative"). */
const SIGNED: Record<PotentialKind, [string, "positive" | "nonNegative"][]> = {
  harmonic: [["stiffness", "positive"]],
  doubleWell: [["barrier", "nonNegative"]],
  ring: [["amplitude", "nonNegative"]],
};

function checkSign(name: string, value: number, min: "positive" | "nonNegative", t: number): void {
  if (min === "positive" ? !(value > 0) : !(value >= 0)) {
    throw new RangeError(`${name} must be ${min === "positive" ? "> 0" : "≥ 0"}, got ${value} at t = ${t}`);
  }
}

/**
 * The parameter values at time t, in the order the wasm kernel reads them: for the polynomial
 * kinds the coefficients (c0, c1, c2, c3, c4) of V = Σ c_m x^m; for the ring (A, f, 0, 0, 0).
 * Written to out[offset … offset + 4].
 * @throws RangeError naming the protocol when a function protocol gives a bad value at t.
 * @example
 * ```ts
 * import { potentialAt, resolvePotential } from "thermolearn";
 * const p = resolvePotential({ kind: "harmonic", stiffness: { t: [0, 1], value: [1, 3] } });
 * const q = new Float64Array(8);
 * potentialAt(p, 0.5, q); // the polynomial's coefficients at t = 0.5 (κ = 2)
 * console.log(q); // [0, 0, 1, 0, …]: V = ½κx² = x²
 * ```
 */
export function potentialAt(p: Potential, t: number, out: Float64Array, offset = 0): void {
  const pr = p.protocols;
  if (p.kind === "harmonic") {
    const k = pr.stiffness.at(t),
      c = pr.centre.at(t);
    if (!pr.stiffness.knots) checkSign("potential.stiffness", k, "positive", t);
    out[offset] = 0.5 * k * c * c;
    out[offset + 1] = -k * c;
    out[offset + 2] = 0.5 * k;
    out[offset + 3] = 0;
    out[offset + 4] = 0;
  } else if (p.kind === "doubleWell") {
    const b = pr.barrier.at(t),
      a = pr.tilt.at(t);
    if (!pr.barrier.knots) checkSign("potential.barrier", b, "nonNegative", t);
    out[offset] = 0;
    out[offset + 1] = -a;
    out[offset + 2] = -2 * Math.sqrt(p.quartic * b);
    out[offset + 3] = 0;
    out[offset + 4] = p.quartic;
  } else {
    const a = pr.amplitude.at(t);
    if (!pr.amplitude.knots) checkSign("potential.amplitude", a, "nonNegative", t);
    out[offset] = a;
    out[offset + 1] = pr.force.at(t);
    out[offset + 2] = 0;
    out[offset + 3] = 0;
    out[offset + 4] = 0;
  }
}

/** Values per time in {@link potentialAt}'s output. */
export const PARAMETERS = 5;

/**
 * V(x) for parameters `q` (from {@link potentialAt}) at offset: Horner's rule for the polynomial
 * kinds (the same order of operations as assembly/langevin.ts, so both give the same bits), the
 * cosine for the ring. The ring's force is not part of V.
 * @example
 * ```ts
 * import { energyOf, potentialAt, resolvePotential } from "thermolearn";
 * const p = resolvePotential({ kind: "harmonic" });
 * const q = new Float64Array(8);
 * potentialAt(p, 0, q);
 * console.log(energyOf(p, q, 2)); // 2 = ½·1·2²
 * ```
 */
export function energyOf(p: Potential, q: Float64Array, x: number, offset = 0): number {
  if (p.kind === "ring") return 0.5 * q[offset] * (1 - Math.cos((2 * Math.PI * x) / p.period));
  return (((q[offset + 4] * x + q[offset + 3]) * x + q[offset + 2]) * x + q[offset + 1]) * x + q[offset];
}

/**
 * The total force −∂ₓV + f for parameters `q` at offset (f only on the ring).
 * @example
 * ```ts
 * import { forceOf, potentialAt, resolvePotential } from "thermolearn";
 * const p = resolvePotential({ kind: "harmonic", stiffness: 2 });
 * const q = new Float64Array(8);
 * potentialAt(p, 0, q);
 * console.log(forceOf(p, q, 1)); // −2 = −κx
 * ```
 */
export function forceOf(p: Potential, q: Float64Array, x: number, offset = 0): number {
  if (p.kind === "ring") {
    const k = (2 * Math.PI) / p.period;
    return -0.5 * q[offset] * k * Math.sin(k * x) + q[offset + 1];
  }
  return -(((4 * q[offset + 4] * x + 3 * q[offset + 3]) * x + 2 * q[offset + 2]) * x + q[offset + 1]);
}

/**
 * ∂ₓ²V for parameters `q` at offset (the local stiffness).
 * @example
 * ```ts
 * import { curvatureOf, potentialAt, resolvePotential } from "thermolearn";
 * const p = resolvePotential({ kind: "harmonic", stiffness: 3 });
 * const q = new Float64Array(8);
 * potentialAt(p, 0, q);
 * console.log(curvatureOf(p, q, 0.5)); // 3 = κ
 * ```
 */
export function curvatureOf(p: Potential, q: Float64Array, x: number, offset = 0): number {
  if (p.kind === "ring") {
    const k = (2 * Math.PI) / p.period;
    return 0.5 * q[offset] * k * k * Math.cos(k * x);
  }
  return (12 * q[offset + 4] * x + 6 * q[offset + 3]) * x + 2 * q[offset + 2];
}

/**
 * V(x, t) (allocates; for tests and plain use, not loops).
 * @example
 * ```ts
 * import { energy, resolvePotential } from "thermolearn";
 * const p = resolvePotential({ kind: "harmonic", centre: { t: [0, 1], value: [0, 2] } });
 * console.log(energy(p, 1, 0.5)); // 0: at t = 0.5 the trap's centre is at x = 1
 * ```
 */
export function energy(p: Potential, x: number, t: number): number {
  const q = new Float64Array(PARAMETERS);
  potentialAt(p, t, q);
  return energyOf(p, q, x);
}

/**
 * −∂ₓV(x, t) + f(t) (allocates; for tests and plain use, not loops).
 * @example
 * ```ts
 * import { force, resolvePotential } from "thermolearn";
 * const p = resolvePotential({ kind: "ring", amplitude: 0, force: 2 });
 * console.log(force(p, 0.3, 0)); // 2: the constant drive alone
 * ```
 */
export function force(p: Potential, x: number, t: number): number {
  const q = new Float64Array(PARAMETERS);
  potentialAt(p, t, q);
  return forceOf(p, q, x);
}

/**
 * The interval of x that holds all but a negligible part (Boltzmann weight below e^{−margin}) of the
 * equilibrium density e^{−V(x, t)/kT} at each of the given times: for the ring one period [0, L);
 * for the polynomials the outermost points where V − min V reaches margin·kT, found on a coarse scan
 * and refined by bisection. Used for the Fokker–Planck grid, the equilibrium sampler's table and
 * the time-step check.
 * @throws RangeError naming `kT` when it is not > 0.
 * @example
 * ```ts
 * import { potentialDomain, resolvePotential } from "thermolearn";
 * const p = resolvePotential({ kind: "harmonic" });
 * console.log(potentialDomain(p, 1, [0])); // ≈ [−9, 9]: where e^{−V/kT} ≥ e^{−40}
 * ```
 */
export function potentialDomain(p: Potential, kT: number, times: ArrayLike<number>, margin = 40): [number, number] {
  check.positive("kT", kT);
  if (p.periodic) return [0, p.period];
  let lo = Infinity,
    hi = -Infinity;
  const q = new Float64Array(PARAMETERS);
  for (let i = 0; i < times.length; i++) {
    potentialAt(p, times[i], q);
    const [a, b] = polynomialInterval(p, q, kT * margin);
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  }
  return [lo, hi];
}

/** The outermost x where V(x) − min V = rise, for a confining polynomial (c4 > 0 or c2 > 0). */
function polynomialInterval(p: Potential, q: Float64Array, rise: number): [number, number] {
  // Where the minimum lies: the harmonic centre, or a scan of the double well over its wells.
  let scale: number;
  let centre = 0;
  if (q[4] > 0) scale = Math.max(1, (Math.abs(q[2]) / q[4]) ** 0.5, (Math.abs(q[1]) / q[4]) ** (1 / 3));
  else {
    centre = -q[1] / (2 * q[2]);
    scale = Math.sqrt(1 / q[2]);
  }
  let vmin = Infinity;
  for (let i = -400; i <= 400; i++) vmin = Math.min(vmin, energyOf(p, q, centre + (scale * 2 * i) / 400));
  const target = vmin + rise;
  const edge = (sign: number): number => {
    let inner = centre,
      outer = centre + sign * scale;
    while (energyOf(p, q, outer) < target) {
      inner = outer;
      outer = centre + 2 * (outer - centre);
    }
    for (let k = 0; k < 100; k++) {
      const mid = 0.5 * (inner + outer);
      if (energyOf(p, q, mid) < target) inner = mid;
      else outer = mid;
    }
    return outer;
  };
  return [edge(-1), edge(1)];
}
