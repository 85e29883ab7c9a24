/**
 * The exact side of the Langevin model: the 1-D Fokker–Planck equation
 *   ∂ₜp = −∂ₓ j,   j = (−∂ₓV + f) p − D ∂ₓp            (mobility 1, k_BT = D)
 * for the built-in potentials and their protocols (./potentials.ts, ./protocols.ts), discretised by
 * Scharfetter–Gummel (Scharfetter & Gummel, IEEE Trans. Electron Devices 16, 64 (1969)): a birth–death
 * Markov chain on n cells of width h with rates, across the edge from cell i to cell i+1,
 *   k₊ = (D/h²) B(ΔU/D),   k₋ = (D/h²) B(−ΔU/D),   B(z) = z/(eᶻ − 1),   ΔU = V_{i+1} − V_i − f h,
 * so k₊/k₋ = e^{−ΔU/D}: detailed balance with the Boltzmann weights of the grid holds exactly at f = 0,
 * and the grid's Boltzmann distribution is its exact stationary state (/work/notes/theory12.md). The
 * polynomial potentials live on an interval with reflecting ends (no flux leaves it); the ring is a
 * periodic chain of n cells on [0, L), with the non-conservative force in ΔU.
 *
 * Time stepping: BDF2 (the second-order backward differentiation formula, L-stable) on the chain's
 * tridiagonal generator M(t) (periodic: cyclic tridiagonal),
 *   3p_{k+1} − 4p_k + p_{k−1} = 2 dt M(t_{k+1}) p_{k+1},
 * started by one backward-Euler step, p_1 − p_0 = dt M(t_1) p_1. Both conserve probability. The
 * matrix αI − βM is an M-matrix, so its inverse is non-negative: backward Euler keeps p ≥ 0 for any
 * dt, and BDF2 does whenever its right side 4p_k − p_{k−1} is ≥ 0; where it is not (a far tail
 * emptying within a step) that side is clipped to 0 and rescaled to its total (reported as
 * `clipped`; 0 in smooth runs, 3·10⁻⁸ after a sudden stiffness step 1 → 4 at dt = 10⁻²). The solves are O(n): a
 * Thomas elimination whose pivots are formed without subtraction (the GTH idea: each pivot is a sum
 * of positive terms), and for the ring two extra solves for the corner couplings, combined by a
 * 2 × 2 system whose determinant is also written as a sum of positive terms.
 *
 * Observables follow the trajectory definitions of theory12.md step by step: with F_e the
 * probability carried across edge e during the step (p_{k+1} − p_k = −div F exactly, by the same
 * recursion as the stepper),
 *   work  W_k = Σ_i p_{k,i} [V_i(t_{k+1}) − V_i(t_k)] + f̄_k h Σ_e F_e,
 *   heat  Q_k = −Σ_e F_e ΔU_e(t_{k+1})  (ΔU with f̄_k = ½(f_k + f_{k+1}); heat into the bath),
 * so ⟨W⟩ − ⟨Q⟩ = ⟨V⟩(t) − ⟨V⟩(0) holds to rounding (summation by parts).
 */
import { checkRunCallbacks, driveAsync, driveSync } from "../core/drive.js";
import { progress, resultHeader, type ResultHeader, type RunProgress, type RunStatus } from "../core/model.js";
import * as check from "../core/validate.js";
import { MAX_COUNT } from "../core/validate.js";
import {
  PARAMETERS,
  energyOf,
  potentialAt,
  potentialDomain,
  resolvePotential,
  type Potential,
  type PotentialOptions,
} from "./potentials.js";

/** Default number of cells. */
export const DEFAULT_CELLS = 512;
/** Fewest cells a grid may have. */
export const MIN_CELLS = 16;
/** Most cells a grid may have (2²⁰). */
export const MAX_CELLS = 2 ** 20;
/**
 * Largest |ΔU|/D allowed between neighbouring cells anywhere on the grid (checked at the protocol's
 * knots before a run, and reported as `maxCellDrop` after it). Scharfetter–Gummel stays stable and
 * positive for any drop; this bound keeps it accurate (the error is O((ΔU/D)²) per edge).
 */
export const MAX_CELL_DROP = 2;
/** Most cell-steps (cells × steps) one solve may take: 2³⁴ ≈ 1.7·10¹⁰ (minutes of CPU). */
export const MAX_CELL_STEPS = 2 ** 34;

/** Options of {@link solveFokkerPlanck}. */
export interface FokkerPlanckOptions {
  /** The potential and its protocols (as for the Langevin ensemble). */
  potential: PotentialOptions;
  /** Diffusion coefficient D > 0 (length²/time), = k_BT (mobility 1). Default 1. */
  D?: number;
  /** Number of grid cells, in [16, 2²⁰]. Default 512. */
  cells?: number;
  /**
   * The interval [lo, hi] the grid covers (reflecting ends). Default: {@link potentialDomain} over
   * the protocol's times (Boltzmann weight below e^{−40} outside at every time). Not allowed on
   * the ring, whose grid is always [0, L).
   */
  range?: readonly [number, number];
  /** Time step (time units), > 0. Default 10⁻³. */
  dt?: number;
  /** Number of steps; the run covers [0, steps·dt]. Default 1000. */
  steps?: number;
  /**
   * The density at t = 0: "equilibrium" (the Boltzmann weights e^{−V(x_i, λ(0))/D} of the cell
   * centres; on the ring the force is left out), or a Float64Array of `cells` non-negative values
   * on the cell centres (per unit length; normalised so that Σ p h = 1). Default "equilibrium".
   */
  initial?: "equilibrium" | Float64Array;
  /**
   * Number of record intervals: rows at steps round(j·steps/records), j = 0 … records (duplicates
   * dropped), so records + 1 rows including t = 0 and the last step. Default 100.
   */
  records?: number;
  /** Times (within [0, steps·dt]) at which to return the density, each rounded to the nearest step. */
  snapshots?: ArrayLike<number>;
  /** Called after each chunk of steps. */
  onProgress?: (progress: FokkerPlanckProgress) => void;
  /** Stops the run early; the result then has status "aborted" and holds what was recorded. */
  signal?: AbortSignal;
}

/** What `onProgress` receives: steps done of the total, and the time reached. */
export interface FokkerPlanckProgress extends RunProgress {
  /** Time reached, steps·dt. */
  t: number;
}

/** The resolved options of a Fokker–Planck solve. */
export interface FokkerPlanckConfig {
  /** The checked potential and its protocols. */
  potential: Potential;
  /** {@inheritDoc FokkerPlanckOptions.D} */
  D: number;
  /** {@inheritDoc FokkerPlanckOptions.cells} */
  cells: number;
  /** The grid's interval [lo, hi] (ring: [0, L]). */
  range: [number, number];
  /** Cell width h = (hi − lo)/cells (length). */
  h: number;
  /** {@inheritDoc FokkerPlanckOptions.dt} */
  dt: number;
  /** {@inheritDoc FokkerPlanckOptions.steps} */
  steps: number;
  /** "equilibrium", or the initial probabilities per cell (Σ = 1; a copy). */
  initial: "equilibrium" | Float64Array;
  /** Records taken (t = 0 included). */
  records: number;
  /** The snapshot times as given. */
  snapshots: Float64Array;
}

/**
 * A Fokker–Planck solve: `version`, `config`, `backend` ("scalar": plain TypeScript, no wasm),
 * `status` ("completed", "aborted" by the signal, or "diverged" if a potential value became
 * non-finite) and `elapsedMs`, then one row per record in Float64Array columns of equal length.
 */
export interface FokkerPlanckResult extends ResultHeader<FokkerPlanckConfig> {
  /** Steps run. */
  steps: number;
  /** Time of each record, t = k·dt. */
  t: Float64Array;
  /** Mean cumulative work ⟨W⟩(t) (energy units; divide by D for k_BT), theory12.md definitions. */
  meanWork: Float64Array;
  /** Mean cumulative heat into the bath ⟨Q⟩(t) (energy units). */
  meanHeat: Float64Array;
  /** Mean potential energy ⟨V⟩(t) = Σ p_i V_i(t) (energy units); ⟨W⟩ − ⟨Q⟩ = ⟨V⟩(t) − ⟨V⟩(0). */
  meanEnergy: Float64Array;
  /** Shannon entropy S(t) = −Σ p_i ln(p_i/h) (nats; the differential entropy of the density). */
  entropy: Float64Array;
  /**
   * Total entropy production rate σ(t) = Σ_e J_e ln(k₊p_i/(k₋p_{i+1})) (Schnakenberg, nats per unit
   * time; → ∫ j²/(Dp) dx as h → 0), under the rates at t. ≥ 0; +∞ only where a cell with p = 0
   * borders one with p > 0 (possible only at t = 0 with a given initial density).
   */
  entropyProduction: Float64Array;
  /** Instantaneous heat rate Σ_e J_e (−ΔU_e) into the bath (energy per unit time) at t. */
  heatRate: Float64Array;
  /** Mean velocity h Σ_e J_e (length per unit time) at t; on the ring v = J·L. */
  current: Float64Array;
  /**
   * Mean displacement ⟨x(t) − x(0)⟩ (length), accumulated from the fluxes; on the ring this is the
   * unwrapped displacement, comparable with the Langevin ensemble's unwrapped positions.
   */
  meanDisplacement: Float64Array;
  /** Total probability Σ p_i (1 to rounding: the scheme conserves it). */
  probability: Float64Array;
  /** Cell centres (length), n of them. */
  x: Float64Array;
  /** The ring's circumference L (densityAt wraps x into [0, L)); 0 for the polynomial potentials. */
  period: number;
  /** Density p_i/h at t = 0 (per unit length). */
  initialDensity: Float64Array;
  /** Density p_i/h at the last step run (per unit length). */
  density: Float64Array;
  /** The times of the snapshots actually taken (each requested time rounded to a step), in request order. */
  snapshotTimes: Float64Array;
  /** The densities (per unit length) at `snapshotTimes`. */
  densities: Float64Array[];
  /**
   * Probability clipped from BDF2's right side to keep p ≥ 0, summed over the steps (0 in smooth
   * runs; 3·10⁻⁸ after a sudden stiffness step 1 → 4 at dt = 10⁻²: the far tails' share). The first law on
   * the grid holds to rounding plus about clipped × max|V|.
   */
  clipped: number;
  /** Largest |ΔU|/D between neighbouring cells met during the run. */
  maxCellDrop: number;
}

const KEYS = [
  "potential",
  "D",
  "cells",
  "range",
  "dt",
  "steps",
  "initial",
  "records",
  "snapshots",
  "onProgress",
  "signal",
] as const;

/** The times at which a grid is checked: 0, T, the knots inside (0, T) and 3 points between each pair. */
function protocolTimes(p: Potential, T: number): number[] {
  const knots = new Set<number>([0, T]);
  let functions = false;
  for (const pr of Object.values(p.protocols)) {
    if (!pr.knots) functions = true;
    else for (const t of pr.knots.t) if (t > 0 && t < T) knots.add(t);
  }
  if (functions) for (let i = 1; i < 64; i++) knots.add((T * i) / 64);
  const sorted = [...knots].sort((a, b) => a - b);
  const times: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    times.push(sorted[i]);
    if (i + 1 < sorted.length)
      for (let j = 1; j < 4; j++) times.push(sorted[i] + ((sorted[i + 1] - sorted[i]) * j) / 4);
  }
  // Keep the check cheap for protocols with very many knots.
  if (times.length <= 4096) return times;
  const step = times.length / 4096;
  const out: number[] = [];
  for (let i = 0; i < 4096; i++) out.push(times[Math.floor(i * step)]);
  out.push(T);
  return out;
}

/** The cell grid of a potential: centres, width, whether periodic. */
interface Grid {
  n: number;
  h: number;
  periodic: boolean;
  x: Float64Array;
  /** Edges: n − 1 on an interval, n on the ring (edge n − 1 joins cell n − 1 to cell 0). */
  edges: number;
}

function makeGrid(n: number, lo: number, hi: number, periodic: boolean): Grid {
  const h = (hi - lo) / n;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = lo + (i + 0.5) * h;
  return { n, h, periodic, x, edges: periodic ? n : n - 1 };
}

/** V at the cell centres for parameters q. */
function fillEnergies(p: Potential, q: Float64Array, g: Grid, V: Float64Array): void {
  for (let i = 0; i < g.n; i++) V[i] = energyOf(p, q, g.x[i]);
}

/** The driving force f in parameters q (the ring's; 0 otherwise). */
function forceIn(p: Potential, q: Float64Array): number {
  return p.periodic ? q[1] : 0;
}

/** B(z) = z/(eᶻ − 1) (the Bernoulli function), B(0) = 1; exact to rounding for every z. */
function bernoulli(z: number): number {
  return z === 0 ? 1 : z / Math.expm1(z);
}

/** Largest |ΔU|/D over the grid's edges for V and force f. */
function maxDrop(g: Grid, V: Float64Array, f: number, D: number): number {
  let m = 0;
  for (let e = 0; e < g.edges; e++) {
    const j = e + 1 === g.n ? 0 : e + 1;
    const z = Math.abs(V[j] - V[e] - f * g.h) / D;
    if (!(z <= m)) m = z; // NaN propagates
  }
  return m;
}

/**
 * Validates a Fokker–Planck solve's options once (unknown keys refused), fills in the defaults,
 * places the grid, and checks that it is fine enough for the potential at the protocol's times.
 * @throws TypeError/RangeError naming the option: `potential.*`, `D` (> 0), `cells` (an integer in
 * [16, 2²⁰], and fine enough: max |ΔU|/D ≤ 2 between neighbours), `range`, `dt`, `steps`,
 * `initial`, `records`, `snapshots`, `onProgress`, `signal`.
 * @example
 * ```ts
 * import { resolveFokkerPlanckConfig } from "thermolearn";
 * const c = resolveFokkerPlanckConfig({ potential: { kind: "harmonic" }, dt: 1e-3, steps: 1000 });
 * console.log(c.cells, c.range, c.h); // 512 cells over [−√80, √80] (e^{−V/D} ≥ e^{−40}), h ≈ 0.035
 * ```
 */
export function resolveFokkerPlanckConfig(
  options: FokkerPlanckOptions,
  what = "solveFokkerPlanck",
): FokkerPlanckConfig {
  const o = check.options(what, options, KEYS);
  if (o.potential === undefined) throw new TypeError(`${what}: potential is required, e.g. { kind: "harmonic" }`);
  const potential = resolvePotential(o.potential, "potential");
  const D = check.positive("D", o.D ?? 1);
  const cells = check.integer("cells", o.cells ?? DEFAULT_CELLS, MIN_CELLS, MAX_CELLS);
  const dt = check.positive("dt", o.dt ?? 1e-3);
  const steps = check.integer("steps", o.steps ?? 1000, 0, MAX_COUNT);
  if (cells * steps > MAX_CELL_STEPS) {
    throw new RangeError(`steps: ${cells} cells × ${steps} steps exceed the limit 2³⁴ ≈ 1.7e10 cell-steps`);
  }
  const T = steps * dt;
  if (!Number.isFinite(T)) throw new RangeError(`dt: steps·dt = ${T} is not finite`);
  const records = check.integer("records", o.records ?? 100, 1, MAX_COUNT);
  checkRunCallbacks(o);
  const times = protocolTimes(potential, T);
  const range = resolveRange(potential, o.range, D, times);
  const h = (range[1] - range[0]) / cells;
  if (!(h > 0) || range[0] + h === range[0])
    throw new RangeError(`cells: ${cells} cells are too narrow for range ${range}`);
  checkCoarseness(potential, makeGrid(cells, range[0], range[1], potential.periodic), D, times);
  const initial = resolveInitial(o.initial, cells);
  const snapshots = resolveSnapshots(o.snapshots, T);
  return { potential, D, cells, range, h, dt, steps, initial, records, snapshots };
}

function resolveRange(p: Potential, range: unknown, D: number, times: number[]): [number, number] {
  if (range === undefined) {
    if (p.periodic) return [0, p.period];
    const [lo, hi] = potentialDomain(p, D, times);
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) {
      throw new RangeError(`potential: its domain [${lo}, ${hi}] is not a finite interval; give range`);
    }
    return [lo, hi];
  }
  if (p.periodic) throw new TypeError("range: the ring's grid is always [0, L); leave range out");
  if (!(Array.isArray(range) || range instanceof Float64Array) || range.length !== 2) {
    throw new TypeError("range must be a pair [lo, hi]");
  }
  const lo = check.finite("range[0]", range[0]);
  const hi = check.finite("range[1]", range[1]);
  if (!(hi > lo)) throw new RangeError(`range must have lo < hi, got [${lo}, ${hi}]`);
  return [lo, hi];
}

function checkCoarseness(p: Potential, g: Grid, D: number, times: number[]): void {
  const q = new Float64Array(PARAMETERS);
  const V = new Float64Array(g.n);
  let worst = 0,
    at = 0;
  for (const t of times) {
    potentialAt(p, t, q);
    fillEnergies(p, q, g, V);
    const m = maxDrop(g, V, forceIn(p, q), D);
    if (!(m <= worst)) {
      worst = m;
      at = t;
    }
  }
  if (!Number.isFinite(worst)) throw new RangeError(`potential: not finite on the grid at t = ${at}`);
  if (worst > MAX_CELL_DROP) {
    const need = Math.ceil((g.n * worst) / MAX_CELL_DROP);
    throw new RangeError(
      `cells: the grid is too coarse for the potential: |ΔU|/D between neighbouring cells reaches ` +
        `${worst.toPrecision(3)} at t = ${at} (at most ${MAX_CELL_DROP}); use cells ≥ ${need} (or a narrower range)`,
    );
  }
}

function resolveInitial(value: unknown, cells: number): "equilibrium" | Float64Array {
  if (value === undefined || value === "equilibrium") return "equilibrium";
  if (typeof value === "string") throw new TypeError(`initial must be "equilibrium" or a Float64Array, got "${value}"`);
  const a = check.finiteArray("initial", value);
  if (a.length !== cells) throw new RangeError(`initial must have one value per cell (${cells}), got ${a.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] >= 0)) throw new RangeError(`initial[${i}] must be ≥ 0, got ${a[i]}`);
    sum += a[i];
  }
  if (!(sum > 0) || !Number.isFinite(sum))
    throw new RangeError(`initial must have a positive finite total, got ${sum}`);
  const out = new Float64Array(cells);
  for (let i = 0; i < cells; i++) out[i] = a[i] / sum;
  return out;
}

function resolveSnapshots(value: unknown, T: number): Float64Array {
  if (value === undefined) return new Float64Array(0);
  if (!(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))) {
    throw new TypeError("snapshots must be an array of times");
  }
  const list = value as ArrayLike<unknown>;
  if (list.length > 1e5) throw new RangeError(`snapshots: at most 100000 times, got ${list.length}`);
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const t = check.finite(`snapshots[${i}]`, list[i]);
    if (!(t >= 0 && t <= T * (1 + 1e-12))) throw new RangeError(`snapshots[${i}] must be in [0, ${T}], got ${t}`);
    out[i] = t;
  }
  return out;
}

/** Neumaier-compensated running sum. */
class Sum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    this.c += Math.abs(this.s) >= Math.abs(x) ? this.s - t + x : x - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
}

/**
 * The chain's rates and the O(n) solver of (αI − βM) x = r, M the generator (dp/dt = Mp).
 * Internal; shared by the time stepper and the steady state.
 */
class Chain {
  readonly kp: Float64Array;
  readonly km: Float64Array;
  /** V_{i+1} − V_i per edge (without the force). */
  readonly dV: Float64Array;
  // Factorization of αI − βM (see solve()).
  private readonly den: Float64Array;
  private readonly ya: Float64Array; // ring: T⁻¹(c1 e_0)
  private readonly yb: Float64Array; // ring: T⁻¹(c0 e_{n−1})
  private factorAlpha = Number.NaN;
  private factorBeta = Number.NaN;
  private factorFresh = false;
  private ringA = 0; // ring constants of the factorization
  private ringB = 0;
  private ringSa = 0;
  private ringSb = 0;

  constructor(readonly g: Grid) {
    this.kp = new Float64Array(g.edges);
    this.km = new Float64Array(g.edges);
    this.dV = new Float64Array(g.edges);
    this.den = new Float64Array(g.n);
    this.ya = new Float64Array(g.periodic ? g.n : 0);
    this.yb = new Float64Array(g.periodic ? g.n : 0);
  }

  /** Sets the rates from V and f; returns max |ΔU|/D. */
  setRates(V: Float64Array, f: number, D: number): number {
    const { n, h, edges } = this.g;
    const c = D / (h * h);
    let m = 0;
    for (let e = 0; e < edges; e++) {
      const j = e + 1 === n ? 0 : e + 1;
      const dv = V[j] - V[e];
      this.dV[e] = dv;
      const z = (dv - f * h) / D;
      // B(−z) = B(z) + z: one exponential per edge, the larger rate as a sum of positive terms.
      if (z > 0) {
        const b = bernoulli(z);
        this.kp[e] = c * b;
        this.km[e] = c * (b + z);
      } else {
        const b = bernoulli(-z);
        this.km[e] = c * b;
        this.kp[e] = c * (b - z);
      }
      const a = Math.abs(z);
      if (!(a <= m)) m = a;
    }
    this.factorFresh = false;
    return m;
  }

  /** Edge currents J_e = k₊p_i − k₋p_{i+1} (probability per unit time). */
  currents(p: Float64Array, J: Float64Array): void {
    const { n, edges } = this.g;
    for (let e = 0; e < edges; e++) J[e] = this.kp[e] * p[e] - this.km[e] * p[e + 1 === n ? 0 : e + 1];
  }

  /**
   * Factorizes αI − βM. The tridiagonal part T (all out-rates on its diagonal, only the interior
   * couplings off it) is eliminated with pivots den_i = s_i + βk₊_i, s_i = extra_i + βk₋_{i−1}
   * s_{i−1}/den_{i−1} (extra_i = α plus the ring's wrap-around out-rate): sums of positive terms.
   */
  private factor(alpha: number, beta: number): void {
    const { n, periodic } = this.g;
    const { kp, km, den } = this;
    let sPrev = 0,
      dPrev = 1;
    for (let i = 0; i < n; i++) {
      let extra = alpha;
      if (periodic && i === 0) extra += beta * km[n - 1];
      if (periodic && i === n - 1) extra += beta * kp[n - 1];
      const right = i < n - 1 ? beta * kp[i] : 0;
      const left = i > 0 ? beta * km[i - 1] : 0;
      const s = extra + (i > 0 ? (left * sPrev) / dPrev : 0);
      den[i] = s + right;
      sPrev = s;
      dPrev = den[i];
    }
    this.factorAlpha = alpha;
    this.factorBeta = beta;
    this.factorFresh = true;
    if (periodic) {
      // Corner couplings: A = T − U, U[0][n−1] = c1 = βk₊_{n−1}, U[n−1][0] = c0 = βk₋_{n−1}.
      const c1 = beta * kp[n - 1],
        c0 = beta * km[n - 1];
      this.ya.fill(0);
      this.ya[0] = c1;
      this.substitute(this.ya, this.ya, beta);
      this.yb.fill(0);
      this.yb[n - 1] = c0;
      this.substitute(this.yb, this.yb, beta);
      let sa = 0,
        sb = 0;
      for (let i = 0; i < n; i++) {
        sa += this.ya[i];
        sb += this.yb[i];
      }
      this.ringSa = sa;
      this.ringSb = sb;
      this.ringA = c1;
      this.ringB = c0;
    }
  }

  /** x = T⁻¹ r (in place allowed): forward and back substitution, non-negative terms only. */
  private substitute(r: Float64Array, x: Float64Array, beta: number): void {
    const { n } = this.g;
    const { kp, km, den } = this;
    let y = r[0] / den[0];
    x[0] = y;
    for (let i = 1; i < n; i++) {
      y = (r[i] + beta * kp[i - 1] * y) / den[i];
      x[i] = y;
    }
    for (let i = n - 2; i >= 0; i--) x[i] += ((beta * km[i]) / den[i]) * x[i + 1];
  }

  /** Solves (αI − βM) x = r for r ≥ 0 (x ≥ 0 then); x and r distinct arrays. */
  solve(alpha: number, beta: number, r: Float64Array, x: Float64Array): void {
    if (!this.factorFresh || alpha !== this.factorAlpha || beta !== this.factorBeta) this.factor(alpha, beta);
    this.substitute(r, x, beta);
    if (!this.g.periodic) return;
    // x_full = y + x_{n−1}·a + x_0·b, with a = T⁻¹(c1 e_0), b = T⁻¹(c0 e_{n−1}); the 2 × 2 system
    // for (x_0, x_{n−1}) uses 1ᵀT = α1ᵀ + c0 e_0ᵀ + c1 e_{n−1}ᵀ to write 1 − b_0, 1 − a_{n−1} and the
    // determinant as sums of positive terms.
    const n = this.g.n;
    const a = this.ya,
      b = this.yb;
    const c1 = this.ringA,
      c0 = this.ringB,
      Sa = this.ringSa,
      Sb = this.ringSb;
    const y0 = x[0],
      yl = x[n - 1];
    let P: number, Q: number, det: number;
    if (c0 > 0 && c1 > 0) {
      P = (alpha * Sb + c1 * b[n - 1]) / c0;
      Q = (alpha * Sa + c0 * a[0]) / c1;
      det = (alpha * (alpha * Sa * Sb + Sb * c0 * a[0] + Sa * c1 * b[n - 1])) / (c0 * c1);
    } else {
      P = 1 - b[0];
      Q = 1 - a[n - 1];
      det = P * Q - a[0] * b[n - 1];
    }
    const x0 = (y0 * Q + a[0] * yl) / det;
    const xl = (P * yl + b[n - 1] * y0) / det;
    for (let i = 0; i < n; i++) x[i] += xl * a[i] + x0 * b[i];
  }
}

/** Probabilities ∝ e^{−(V_i − min V)/D}. */
function boltzmann(V: Float64Array, D: number, out: Float64Array): void {
  let vmin = Infinity;
  for (let i = 0; i < V.length; i++) vmin = Math.min(vmin, V[i]);
  let sum = 0;
  for (let i = 0; i < V.length; i++) sum += out[i] = Math.exp(-(V[i] - vmin) / D);
  for (let i = 0; i < V.length; i++) out[i] /= sum;
}

/** The instantaneous observables of p under the chain's current rates. */
function observe(
  chain: Chain,
  p: Float64Array,
  V: Float64Array,
  f: number,
  J: Float64Array,
): { energy: number; entropy: number; sigma: number; heatRate: number; current: number; total: number } {
  const { n, h, edges } = chain.g;
  let energy = 0,
    entropy = 0,
    total = 0;
  for (let i = 0; i < n; i++) {
    energy += p[i] * V[i];
    total += p[i];
    if (p[i] > 0) entropy -= p[i] * Math.log(p[i] / h);
  }
  chain.currents(p, J);
  let sigma = 0,
    heatRate = 0,
    flow = 0;
  for (let e = 0; e < edges; e++) {
    const a = chain.kp[e] * p[e],
      b = chain.km[e] * p[e + 1 === n ? 0 : e + 1];
    if (a !== b) sigma += a > 0 && b > 0 ? (a - b) * Math.log(a / b) : Infinity;
    heatRate -= J[e] * (chain.dV[e] - f * h);
    flow += J[e];
  }
  return { energy, entropy, sigma, heatRate, current: h * flow, total };
}

/** The time stepper's state: p_k, p_{k−1}, the last step's fluxes, V and parameters at t_k. */
class Stepper {
  readonly chain: Chain;
  q = new Float64Array(PARAMETERS);
  private qNew = new Float64Array(PARAMETERS);
  V: Float64Array;
  private Vnew: Float64Array;
  p: Float64Array;
  private pPrev: Float64Array;
  private pNew: Float64Array;
  private readonly r: Float64Array;
  readonly J: Float64Array;
  private F: Float64Array;
  private Fprev: Float64Array;
  /** f at t_k. */
  f: number;
  /** Steps taken. */
  k = 0;
  private history = false;
  readonly work = new Sum();
  readonly heat = new Sum();
  readonly displacement = new Sum();
  clipped = 0;
  drop: number;

  constructor(
    readonly pot: Potential,
    readonly g: Grid,
    readonly D: number,
    readonly dt: number,
    initial: "equilibrium" | Float64Array,
  ) {
    const n = g.n;
    this.chain = new Chain(g);
    this.V = new Float64Array(n);
    this.Vnew = new Float64Array(n);
    this.p = new Float64Array(n);
    this.pPrev = new Float64Array(n);
    this.pNew = new Float64Array(n);
    this.r = new Float64Array(n);
    this.J = new Float64Array(g.edges);
    this.F = new Float64Array(g.edges);
    this.Fprev = new Float64Array(g.edges);
    potentialAt(pot, 0, this.q);
    fillEnergies(pot, this.q, g, this.V);
    this.f = forceIn(pot, this.q);
    this.drop = this.chain.setRates(this.V, this.f, D);
    if (initial === "equilibrium") boltzmann(this.V, D, this.p);
    else this.p.set(initial);
  }

  /** One step t_k → t_{k+1}; false (nothing changed) if the potential became non-finite. */
  step(): boolean {
    const { pot, g, D, dt, chain } = this;
    const n = g.n,
      h = g.h,
      edges = g.edges;
    const qNew = this.qNew,
      q = this.q;
    potentialAt(pot, (this.k + 1) * dt, qNew);
    let same = true;
    for (let m = 0; m < PARAMETERS; m++) if (qNew[m] !== q[m]) same = false;
    const fNew = forceIn(pot, qNew);
    const p = this.p,
      pPrev = this.pPrev,
      pNew = this.pNew,
      V = this.V,
      Vnew = this.Vnew,
      r = this.r,
      J = this.J,
      F = this.F,
      Fprev = this.Fprev;
    let w = 0;
    if (!same) {
      fillEnergies(pot, qNew, g, Vnew);
      const d = chain.setRates(Vnew, fNew, D);
      if (!(d <= this.drop)) this.drop = d;
      for (let i = 0; i < n; i++) w += p[i] * (Vnew[i] - V[i]);
      if (!Number.isFinite(d) || !Number.isFinite(w)) return false;
    } else Vnew.set(V);
    if (this.history) {
      // BDF2; where its right side 4p_k − p_{k−1} is negative (a fast-emptying tail) it is clipped
      // to 0 and the whole side rescaled to keep its total, so that p_{k+1} ≥ 0 and Σp is kept.
      let total = 0,
        kept = 0;
      for (let i = 0; i < n; i++) {
        const v = 4 * p[i] - pPrev[i];
        total += v;
        if (v > 0) {
          r[i] = v;
          kept += v;
        } else r[i] = 0;
      }
      if (kept !== total) {
        this.clipped += (kept - total) / 3;
        const scale = total / kept;
        for (let i = 0; i < n; i++) r[i] *= scale;
      }
      chain.solve(3, 2 * dt, r, pNew);
      chain.currents(pNew, J);
      const c = (2 * dt) / 3;
      for (let e = 0; e < edges; e++) F[e] = Fprev[e] / 3 + c * J[e];
    } else {
      // The start-up step: backward Euler.
      chain.solve(1, dt, p, pNew);
      chain.currents(pNew, J);
      for (let e = 0; e < edges; e++) F[e] = dt * J[e];
    }
    const fbar = 0.5 * (this.f + fNew);
    const dV = chain.dV;
    let heat = 0,
      flow = 0;
    for (let e = 0; e < edges; e++) {
      heat -= F[e] * (dV[e] - fbar * h);
      flow += F[e];
    }
    this.work.add(w + fbar * h * flow);
    this.heat.add(heat);
    this.displacement.add(h * flow);
    // Rotate: p_{k−1} ← p_k ← p_{k+1}.
    this.pPrev = p;
    this.p = pNew;
    this.pNew = pPrev;
    this.Fprev = F;
    this.F = Fprev;
    this.V = Vnew;
    this.Vnew = V;
    this.q = qNew;
    this.qNew = q;
    this.f = fNew;
    this.history = true;
    this.k++;
    return true;
  }

  /** The density p/h (a copy). */
  density(): Float64Array {
    const h = this.g.h;
    return this.p.map((v) => v / h);
  }
}

function* solveLoop(config: FokkerPlanckConfig, o: FokkerPlanckOptions): Generator<void, FokkerPlanckResult> {
  const start = performance.now();
  const { potential: pot, D, cells: n, dt, steps } = config;
  const g = makeGrid(n, config.range[0], config.range[1], pot.periodic);
  const st = new Stepper(pot, g, D, dt, config.initial);
  const initialDensity = st.density();

  // Record steps and snapshot steps.
  const recordSteps: number[] = [];
  for (let j = 0; j <= config.records; j++) {
    const k = Math.round((j * steps) / config.records);
    if (recordSteps.length === 0 || k !== recordSteps[recordSteps.length - 1]) recordSteps.push(k);
  }
  const snapSteps = Array.from(config.snapshots, (t) => Math.min(steps, Math.round(t / dt)));
  const snapOrder = snapSteps.map((_, i) => i).sort((a, b) => snapSteps[a] - snapSteps[b]);
  const densities: Float64Array[] = new Array(snapSteps.length);
  let nextSnap = 0;

  const cols = {
    t: [] as number[],
    meanWork: [] as number[],
    meanHeat: [] as number[],
    meanEnergy: [] as number[],
    entropy: [] as number[],
    entropyProduction: [] as number[],
    heatRate: [] as number[],
    current: [] as number[],
    meanDisplacement: [] as number[],
    probability: [] as number[],
  };
  const record = () => {
    const ob = observe(st.chain, st.p, st.V, st.f, st.J);
    cols.t.push(st.k * dt);
    cols.meanWork.push(st.work.value);
    cols.meanHeat.push(st.heat.value);
    cols.meanEnergy.push(ob.energy);
    cols.entropy.push(ob.entropy);
    cols.entropyProduction.push(ob.sigma);
    cols.heatRate.push(ob.heatRate);
    cols.current.push(ob.current);
    cols.meanDisplacement.push(st.displacement.value);
    cols.probability.push(ob.total);
  };
  let nextRecord = 0;
  const takeAt = (k: number) => {
    while (nextSnap < snapOrder.length && snapSteps[snapOrder[nextSnap]] === k) {
      densities[snapOrder[nextSnap++]] = st.density();
    }
    if (nextRecord < recordSteps.length && recordSteps[nextRecord] === k) {
      nextRecord++;
      record();
    }
  };
  takeAt(0);

  let status: RunStatus = "completed";
  const chunk = Math.max(1, Math.floor(2 ** 18 / n));
  while (st.k < steps) {
    if (o.signal?.aborted) {
      status = "aborted";
      break;
    }
    const end = Math.min(steps, st.k + chunk);
    while (st.k < end) {
      if (!st.step()) {
        status = "diverged";
        break;
      }
      takeAt(st.k);
    }
    if (status !== "completed") break;
    o.onProgress?.({ ...progress(st.k, steps), t: st.k * dt });
    yield;
  }
  const k = st.k;
  // Snapshots past an early stop are taken at the last step reached; so is a last record.
  for (; nextSnap < snapOrder.length; nextSnap++) densities[snapOrder[nextSnap]] = st.density();
  if (status === "aborted" && cols.t[cols.t.length - 1] !== k * dt) record();
  const col = (a: number[]) => Float64Array.from(a);
  return {
    ...resultHeader(config, "scalar", status, performance.now() - start),
    steps: k,
    t: col(cols.t),
    meanWork: col(cols.meanWork),
    meanHeat: col(cols.meanHeat),
    meanEnergy: col(cols.meanEnergy),
    entropy: col(cols.entropy),
    entropyProduction: col(cols.entropyProduction),
    heatRate: col(cols.heatRate),
    current: col(cols.current),
    meanDisplacement: col(cols.meanDisplacement),
    probability: col(cols.probability),
    x: g.x,
    period: pot.periodic ? pot.period : 0,
    initialDensity,
    density: st.density(),
    snapshotTimes: Float64Array.from(snapSteps, (s) => Math.min(s, k) * dt),
    densities,
    clipped: st.clipped,
    maxCellDrop: st.drop,
  };
}

/**
 * Solves the Fokker–Planck equation of a potential and its protocol on a Scharfetter–Gummel grid
 * (BDF2 in time, second order in h and dt; see the module comment), from the equilibrium of λ(0)
 * or a given density, and records ⟨W⟩, ⟨Q⟩, ⟨V⟩, the Shannon entropy, the entropy production rate,
 * the heat rate, the mean velocity and displacement, and the densities at the end and at snapshots.
 * Synchronous; {@link solveFokkerPlanckAsync} yields to the event loop.
 * Cost: O(cells) per step (one exponential per edge when the protocol changes the potential).
 * @throws TypeError/RangeError naming a bad option (see {@link resolveFokkerPlanckConfig}).
 * @example
 * ```ts
 * import { solveFokkerPlanck } from "thermolearn";
 * const centre = { t: [0, 1], value: [0, 1] }; // drag the trap to x = 1 in t = 1
 * const r = solveFokkerPlanck({ potential: { kind: "harmonic", centre }, dt: 1e-3, steps: 1000 });
 * console.log(r.meanWork.at(-1), r.meanHeat.at(-1)); // ≈ 0.368 (= v²(τ − 1 + e^{−τ}) = 1/e for κ = D = v = 1), ≈ 0.168
 * ```
 */
export function solveFokkerPlanck(options: FokkerPlanckOptions): FokkerPlanckResult {
  const config = resolveFokkerPlanckConfig(options);
  return driveSync(solveLoop(config, options));
}

/**
 * {@link solveFokkerPlanck}, yielding to the event loop about every 30 ms.
 * @throws TypeError/RangeError naming a bad option, as {@link solveFokkerPlanck} (the promise rejects).
 * @example
 * ```ts
 * import { solveFokkerPlanckAsync } from "thermolearn";
 * const r = await solveFokkerPlanckAsync({ potential: { kind: "harmonic" }, steps: 100 });
 * console.log(r.status); // "completed"
 * ```
 */
export async function solveFokkerPlanckAsync(options: FokkerPlanckOptions): Promise<FokkerPlanckResult> {
  const config = resolveFokkerPlanckConfig(options, "solveFokkerPlanckAsync");
  return driveAsync(solveLoop(config, options));
}

/** Options of {@link fokkerPlanckSteadyState}. */
export interface FokkerPlanckSteadyOptions {
  /** The potential; its protocols are frozen at time `t`. */
  potential: PotentialOptions;
  /** Diffusion coefficient D > 0, = k_BT. Default 1. */
  D?: number;
  /** Number of cells, in [16, 2²⁰]. Default 512. */
  cells?: number;
  /** The interval (polynomial potentials only). Default {@link potentialDomain} at `t`. */
  range?: readonly [number, number];
  /** The time at which the protocols are evaluated. Default 0. */
  t?: number;
}

/** The stationary state of the grid's chain for a frozen potential. */
export interface FokkerPlanckSteadyState {
  /** Cell centres (length). */
  x: Float64Array;
  /** Cell width (length). */
  h: number;
  /** The ring's circumference, 0 otherwise (for {@link densityAt}). */
  period: number;
  /** Stationary density p_i/h (per unit length). */
  density: Float64Array;
  /** Probability current J through every edge (probability per unit time; 0 off the ring). */
  probabilityCurrent: number;
  /** Mean velocity v = h Σ_e J_e (length per unit time); on the ring v = J·L. */
  current: number;
  /** Entropy production rate σ (nats per unit time): Schnakenberg; = f·v/D on the ring. */
  entropyProduction: number;
  /** Heat rate into the bath (energy per unit time): J Σ_e(−ΔU_e) = f·v on the ring. */
  heatRate: number;
  /** ⟨V⟩ (energy units). */
  meanEnergy: number;
  /** Shannon entropy −Σ p ln(p/h) (nats). */
  entropy: number;
}

const STEADY_KEYS = ["potential", "D", "cells", "range", "t"] as const;

/**
 * The exact stationary state of the Scharfetter–Gummel chain for the potential frozen at time t.
 * Polynomial potentials: the grid's Boltzmann weights e^{−V_i/D} (stationary exactly, by detailed
 * balance), J = 0, σ = 0. The ring: the periodic birth–death chain's stationary state in closed form,
 * p_i = J G_i with G_i = e^{ΔU_i/D}(1/k₋_i + G_{i+1}) summed once around the ring and closed by
 * periodicity (G_0 = a_0/(1 − e^{−fL/D})): positive terms only, so no cancellation at small f or high
 * barriers. O(cells).
 * @throws TypeError/RangeError naming a bad option; RangeError naming `potential` if e^{ΔU/D} products
 * overflow (barriers of hundreds of k_BT).
 * @example
 * ```ts
 * import { fokkerPlanckSteadyState } from "thermolearn";
 * console.log(fokkerPlanckSteadyState({ potential: { kind: "ring", amplitude: 4, force: 2 } }).current); // ≈ 0.421
 * ```
 */
export function fokkerPlanckSteadyState(options: FokkerPlanckSteadyOptions): FokkerPlanckSteadyState {
  const o = check.options("fokkerPlanckSteadyState", options, STEADY_KEYS);
  if (o.potential === undefined) throw new TypeError("fokkerPlanckSteadyState: potential is required");
  const pot = resolvePotential(o.potential, "potential");
  const D = check.positive("D", o.D ?? 1);
  const n = check.integer("cells", o.cells ?? DEFAULT_CELLS, MIN_CELLS, MAX_CELLS);
  const t = check.finite("t", o.t ?? 0);
  const range = resolveRange(pot, o.range, D, [t]);
  const g = makeGrid(n, range[0], range[1], pot.periodic);
  checkCoarseness(pot, g, D, [t]);
  const q = new Float64Array(PARAMETERS);
  potentialAt(pot, t, q);
  const V = new Float64Array(n);
  fillEnergies(pot, q, g, V);
  const f = forceIn(pot, q);
  const chain = new Chain(g);
  chain.setRates(V, f, D);
  const p = new Float64Array(n);
  if (!pot.periodic || f === 0) boltzmann(V, D, p);
  else ringSteady(chain, f, D, p);
  const J = new Float64Array(g.edges);
  const ob = observe(chain, p, V, f, J);
  let jMean = 0;
  for (let e = 0; e < g.edges; e++) jMean += J[e];
  jMean = pot.periodic ? jMean / g.edges : 0;
  return {
    x: g.x,
    h: g.h,
    period: pot.periodic ? pot.period : 0,
    density: p.map((v) => v / g.h),
    probabilityCurrent: jMean,
    current: ob.current,
    entropyProduction: ob.sigma,
    heatRate: ob.heatRate,
    meanEnergy: ob.energy,
    entropy: ob.entropy,
  };
}

/** The ring's stationary probabilities (f ≠ 0) into p. */
function ringSteady(chain: Chain, f: number, D: number, p: Float64Array): void {
  const n = chain.g.n,
    h = chain.g.h;
  // Work on the chain oriented along the drift (f > 0); for f < 0 mirror it: cell i ↔ n − 1 − i,
  // edge e ↔ n − 2 − e (mod n), k₊ ↔ k₋, ΔU ↔ −ΔU.
  const kp = new Float64Array(n),
    km = new Float64Array(n),
    dU = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    const src = f > 0 ? e : (((n - 2 - e) % n) + n) % n;
    const du = chain.dV[src] - f * h;
    kp[e] = f > 0 ? chain.kp[src] : chain.km[src];
    km[e] = f > 0 ? chain.km[src] : chain.kp[src];
    dU[e] = f > 0 ? du : -du;
  }
  // Σ ΔU = −|f|L exactly (the ΔV telescope to 0 around the ring).
  const sumU = -Math.abs(f) * h * n;
  // a-pass: G_i for G_n = 0, then close with G_0 = a_0/(1 − R), R = e^{ΣΔU/D} = e^{−|f|L/D}.
  const G = new Float64Array(n + 1);
  G[n] = 0;
  for (let i = n - 1; i >= 0; i--) G[i] = Math.exp(dU[i] / D) * (1 / km[i] + G[i + 1]);
  G[n] = G[0] / -Math.expm1(sumU / D);
  for (let i = n - 1; i >= 1; i--) G[i] = Math.exp(dU[i] / D) * (1 / km[i] + G[i + 1]);
  G[0] = G[n];
  let total = 0;
  for (let i = 0; i < n; i++) total += G[i];
  if (!Number.isFinite(total) || !(total > 0)) {
    throw new RangeError("potential: the ring's barrier is too high for the steady-state formula (overflow)");
  }
  for (let i = 0; i < n; i++) p[f > 0 ? i : n - 1 - i] = G[i] / total;
}

/** A density on a grid of cell centres, as in {@link FokkerPlanckResult} or {@link FokkerPlanckSteadyState}. */
export interface GridDensity {
  /** Equally spaced cell centres (length). */
  x: Float64Array;
  /** Density at the centres (per unit length). */
  density: Float64Array;
  /** The ring's circumference (x is wrapped into [0, L)); 0 or absent for an interval. */
  period?: number;
}

function locate(src: GridDensity, x: number): [number, number, number] {
  const n = src.x.length;
  const x0 = src.x[0];
  const h = n > 1 ? src.x[1] - x0 : 1;
  const L = src.period ?? 0;
  if (L > 0) {
    let u = (x - (x0 - 0.5 * h)) % L;
    if (u < 0) u += L;
    const s = u / h - 0.5;
    const i = Math.floor(s);
    const w = s - i;
    return [(i + n) % n, (i + 1) % n, w];
  }
  const s = (x - x0) / h;
  if (!(s > 0)) return [0, 0, 0];
  if (s >= n - 1) return [n - 1, n - 1, 0];
  const i = Math.floor(s);
  return [i, i + 1, s - i];
}

/**
 * The density at x (per unit length), linearly interpolated between cell centres; on the ring x is
 * wrapped into [0, L) and the interpolation wraps too; on an interval the outermost cell's value is
 * returned beyond the outermost centres (never 0 unless that cell's density is 0).
 * @example
 * ```ts
 * import { densityAt, solveFokkerPlanck } from "thermolearn";
 * const r = solveFokkerPlanck({ potential: { kind: "harmonic" }, steps: 100 });
 * console.log(densityAt(r, 0)); // ≈ 1/√(2π) ≈ 0.399: the equilibrium density at D = κ = 1
 * ```
 */
export function densityAt(source: GridDensity, x: number): number {
  check.finite("x", x);
  const [i, j, w] = locate(source, x);
  return (1 - w) * source.density[i] + w * source.density[j];
}

/**
 * ln p(x) with ln p linearly interpolated between cell centres (exact for exponential tails, second
 * order for smooth densities): the system entropy −ln p(x_t, t) of a trajectory, for the integral
 * fluctuation theorem. Wraps on the ring as {@link densityAt}; −∞ where the density is 0.
 * @throws TypeError/RangeError for a bad source or a non-finite x (as {@link densityAt}).
 * @example
 * ```ts
 * import { logDensityAt, solveFokkerPlanck } from "thermolearn";
 * const r = solveFokkerPlanck({ potential: { kind: "harmonic" }, steps: 100 });
 * console.log(logDensityAt(r, 1)); // ≈ −½ − ½ ln 2π ≈ −1.419
 * ```
 */
export function logDensityAt(source: GridDensity, x: number): number {
  check.finite("x", x);
  const [i, j, w] = locate(source, x);
  const a = Math.log(source.density[i]),
    b = Math.log(source.density[j]);
  if (w === 0) return a;
  if (a === -Infinity || b === -Infinity) return w === 1 ? b : -Infinity;
  return (1 - w) * a + w * b;
}
