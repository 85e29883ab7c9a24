/**
 * An ensemble of overdamped Langevin particles in a potential with a protocol, stepped in wasm
 * (assembly/langevin.ts), with the work, heat and energy of every trajectory built in.
 *
 *     dx = [−∂ₓV(x, λ(t)) + f(t)] dt + √(2D) dW      (mobility 1, so k_BT = D)
 *
 * The potentials and their protocols are ./potentials.ts; the energetics (per step, the first law
 * ΔV = W − Q to rounding) are described in assembly/langevin.ts and docs/stochastic-thermodynamics.md.
 */
import { LANGEVIN_KIND, LANGEVIN_SCHEME } from "../core/abi.js";
import type { Backend } from "../core/loader.js";
import { WasmModel, checkMemoryBudget } from "../core/model.js";
import * as check from "../core/validate.js";
import { MAX_U32 } from "../core/validate.js";
import {
  PARAMETERS,
  type Potential,
  type PotentialOptions,
  curvatureOf,
  energyOf,
  potentialAt,
  potentialDomain,
  resolvePotential,
} from "./potentials.js";

/** Integration schemes: Euler–Maruyama, or the stochastic Heun predictor–corrector. */
export type LangevinScheme = "euler" | "heun";

/** Options of {@link LangevinEnsemble}. */
export interface LangevinOptions {
  /** The potential and its protocols (see ./potentials.ts). Default a fixed harmonic trap, κ = 1. */
  potential?: PotentialOptions;
  /** Diffusion constant D > 0, which is also k_BT (mobility 1). Default 1. */
  D?: number;
  /** Time step dt > 0. Default 1e-3. */
  dt?: number;
  /** Trajectories (particles), 1 … 2²⁴. Default 1000. */
  particles?: number;
  /** Independent coordinates per trajectory, each in the same potential; W and Q are summed over them. Default 1. */
  dimensions?: number;
  /**
   * "euler" (Euler–Maruyama: weak order 1) or "heun" (stochastic Heun: weak order 2 for a smooth
   * potential; twice the force evaluations). Default "euler".
   */
  scheme?: LangevinScheme;
  /**
   * Starting points: "equilibrium" (the Boltzmann density e^{−V(x, λ(0))/D}, sampled exactly from a
   * 2¹⁴-cell table; for the ring one period), or particles·dimensions positions. Default "equilibrium".
   */
  initial?: "equilibrium" | Float64Array | number[];
  /** Seed; coordinate c of trajectory j uses stream (firstTrajectory + j)·dimensions + c. Default 0. */
  seed?: number;
  /** Index of the first trajectory (for splitting one ensemble over workers). Default 0. */
  firstTrajectory?: number;
  /** Force the "simd" or "scalar" build (they give identical bits). */
  backend?: Backend;
}

/** The resolved options of a {@link LangevinEnsemble}. */
export interface LangevinConfig {
  /** The potential's options as given (functions kept), with `kind`. */
  potential: PotentialOptions;
  /** {@inheritDoc LangevinOptions.D} */
  D: number;
  /** {@inheritDoc LangevinOptions.dt} */
  dt: number;
  /** {@inheritDoc LangevinOptions.particles} */
  particles: number;
  /** {@inheritDoc LangevinOptions.dimensions} */
  dimensions: number;
  /** {@inheritDoc LangevinOptions.scheme} */
  scheme: LangevinScheme;
  /** "equilibrium", or "given" when positions were passed. */
  initial: "equilibrium" | "given";
  /** {@inheritDoc LangevinOptions.seed} */
  seed: number;
  /** {@inheritDoc LangevinOptions.firstTrajectory} */
  firstTrajectory: number;
  /** The build asked for ("simd" or "scalar"), or undefined for the default choice. */
  backend: Backend | undefined;
}

const KEYS = [
  "potential",
  "D",
  "dt",
  "particles",
  "dimensions",
  "scheme",
  "initial",
  "seed",
  "firstTrajectory",
  "backend",
] as const;

/** Most trajectories of one ensemble, and most coordinates per trajectory. */
export const MAX_PARTICLES = 2 ** 24;
export const MAX_DIMENSIONS = 64;
/** Steps per wasm call (the parameter table holds CHUNK + 1 rows). */
const CHUNK = 1024;
/**
 * f64 per row of the wasm parameter table (assembly/langevin.ts ROW): the 5 parameters, the drift's
 * coefficients (−c1, −2c2, −3c3, −4c4)·dt, the step's changes Δc_0 … Δc_4 (0 in the chunk's last
 * row), 2 unused.
 */
const ROW = 16;
/** Cells of the equilibrium sampler's table. */
const SAMPLER_CELLS = 2 ** 14;
/** Wasm bytes per coordinate: x, x0, work, heat (f64), a flag byte, 32 bytes of stream. */
const BYTES_PER_COORDINATE = 4 * 8 + 1 + 32;

/**
 * Validates {@link LangevinOptions} once (unknown keys refused) and fills in the defaults.
 * @throws TypeError/RangeError naming the bad option.
 * @example
 * ```ts
 * import { resolveLangevinConfig } from "thermolearn";
 * const c = resolveLangevinConfig({ particles: 100 });
 * console.log(c.D, c.dt, c.scheme, c.potential.kind); // 1, 0.001, "euler", "harmonic"
 * ```
 */
export function resolveLangevinConfig(options?: LangevinOptions): LangevinConfig {
  const o = check.options("LangevinEnsemble", options, KEYS);
  const potentialOptions = (o.potential ?? { kind: "harmonic" }) as PotentialOptions;
  resolvePotential(potentialOptions);
  const D = check.positive("D", o.D ?? 1);
  const dt = check.positive("dt", o.dt ?? 1e-3);
  const particles = check.integer("particles", o.particles ?? 1000, 1, MAX_PARTICLES);
  const dimensions = check.integer("dimensions", o.dimensions ?? 1, 1, MAX_DIMENSIONS);
  const scheme = check.oneOf("scheme", o.scheme ?? "euler", ["euler", "heun"] as const);
  const seed = check.seed("seed", o.seed ?? 0);
  const firstTrajectory = check.integer("firstTrajectory", o.firstTrajectory ?? 0, 0, MAX_U32);
  if ((firstTrajectory + particles) * dimensions - 1 > MAX_U32) {
    throw new RangeError(
      `firstTrajectory: (firstTrajectory + particles)·dimensions must be ≤ 2³², got ` +
        `${(firstTrajectory + particles) * dimensions}`,
    );
  }
  let initial: "equilibrium" | "given" = "equilibrium";
  if (o.initial !== undefined && o.initial !== "equilibrium") {
    if (typeof o.initial === "string") check.oneOf("initial", o.initial, ["equilibrium"] as const);
    check.vector("initial", o.initial, particles * dimensions);
    initial = "given";
  }
  checkMemoryBudget(particles * dimensions * BYTES_PER_COORDINATE + CHUNK * 64, "particles", "this ensemble");
  return {
    potential: potentialOptions,
    D,
    dt,
    particles,
    dimensions,
    scheme,
    initial,
    seed,
    firstTrajectory,
    backend: check.backend(o.backend),
  };
}

/** The format and version of a {@link LangevinCheckpoint}. */
const CHECKPOINT_FORMAT = "thermolearn.langevin";
const CHECKPOINT_VERSION = 1;

/** A {@link LangevinEnsemble}'s whole state; {@link LangevinEnsemble.restore} replays bit for bit. */
export interface LangevinCheckpoint {
  /** Always "thermolearn.langevin". */
  format: typeof CHECKPOINT_FORMAT;
  /** The layout's version. */
  version: typeof CHECKPOINT_VERSION;
  /** Coordinates (particles·dimensions) and steps taken. */
  coordinates: number;
  /** Steps taken when it was saved. */
  steps: number;
  /** Current coordinates (particles·dimensions). */
  positions: Float64Array;
  /** Coordinates at t = 0 (for the energy change). */
  initial: Float64Array;
  /** Work W since t = 0 per coordinate (energy units). */
  work: Float64Array;
  /** Heat Q released into the bath since t = 0 per coordinate (energy units). */
  heat: Float64Array;
  /** 1 for a coordinate frozen after leaving the scheme's stable region. */
  flags: Uint8Array;
  /** The coordinates' generator states (the wasm layout). */
  rng: Uint8Array;
}

/**
 * An ensemble of independent overdamped Langevin trajectories in wasm memory. `step(count)` loops
 * inside wasm (1024 steps per call, the protocol tabulated for each call); `work()`, `heat()` and
 * `energyChange()` give each trajectory's totals since t = 0, with ΔV = W − Q.
 * @example
 * ```ts
 * import { LangevinEnsemble } from "thermolearn";
 * const centre = { t: [0, 1], value: [0, 2] }; // drag the trap from x = 0 to x = 2 in t = 1
 * const trap = new LangevinEnsemble({ potential: { kind: "harmonic", centre }, seed: 1 });
 * try {
 *   trap.step(1000); // dt = 10⁻³
 *   const meanWork = trap.work().reduce((a, b) => a + b) / trap.config.particles;
 *   console.log(meanWork); // ≈ 1.54 ± 0.06 (theory for κ = 1, v = 2: v²(τ − 1 + e^{−τ}) = 4/e ≈ 1.47; ΔF = 0)
 * } finally {
 *   trap.dispose();
 * }
 * ```
 */
export class LangevinEnsemble extends WasmModel {
  /** The resolved options (every default filled in). */
  readonly config: LangevinConfig;
  /** The checked potential. */
  readonly potential: Potential;
  readonly #p: number;
  readonly #n: number;
  readonly #table = new Float64Array((CHUNK + 1) * ROW);
  readonly #row = new Float64Array(PARAMETERS);
  #steps = 0;

  /** @throws TypeError/RangeError naming a bad option; RangeError naming dt when it is too coarse for the potential. */
  constructor(options?: LangevinOptions) {
    const c = resolveLangevinConfig(options);
    const potential = resolvePotential(c.potential);
    const given = c.initial === "given" ? check.vector("initial", options?.initial, c.particles * c.dimensions) : null;
    checkTimeStep(potential, c.D, c.dt, 0);
    super("LangevinEnsemble", c.backend);
    this.config = c;
    this.potential = potential;
    this.#n = c.particles * c.dimensions;
    const e = this.wasm.exports;
    const [hi, lo] = check.seedWords(c.seed);
    const kind = potential.periodic ? LANGEVIN_KIND.ring : LANGEVIN_KIND.polynomial;
    this.#p = e.langevin_create(this.#n, kind, CHUNK + 1, hi, lo, c.firstTrajectory * c.dimensions);
    if (this.#p === 0) throw new RangeError("particles: wasm memory could not grow");
    if (given) {
      this.wasm.f64.set(given, e.langevin_positions(this.#p) >> 3);
      this.wasm.f64.set(given, e.langevin_initial(this.#p) >> 3);
    } else this.#sampleEquilibrium();
  }

  /** Draws the starting points from e^{−V(x, λ(0))/D} through a cumulative table in wasm. */
  #sampleEquilibrium(): void {
    const p = this.potential;
    const [lo, hi] = potentialDomain(p, this.config.D, [0]);
    const m = SAMPLER_CELLS;
    const q = this.#row;
    potentialAt(p, 0, q);
    const h = (hi - lo) / m;
    const energies = new Float64Array(m);
    let vmin = Infinity;
    for (let i = 0; i < m; i++) {
      energies[i] = energyOf(p, q, lo + (i + 0.5) * h);
      vmin = Math.min(vmin, energies[i]);
    }
    const xs = new Float64Array(m + 1);
    const cdf = new Float64Array(m + 1);
    for (let i = 0; i < m; i++) cdf[i + 1] = cdf[i] + Math.exp(-(energies[i] - vmin) / this.config.D);
    for (let i = 0; i <= m; i++) {
      xs[i] = lo + i * h;
      cdf[i] /= cdf[m];
    }
    const xsAt = this.wasm.alloc(8 * (m + 1), "the equilibrium table");
    const cdfAt = this.wasm.alloc(8 * (m + 1), "the equilibrium table");
    this.wasm.f64.set(xs, xsAt >> 3);
    this.wasm.f64.set(cdf, cdfAt >> 3);
    this.wasm.exports.langevin_sample_table(this.#p, xsAt, cdfAt, m);
  }

  /** Steps taken since t = 0. */
  get steps(): number {
    return this.#steps;
  }

  /** The time t = steps·dt. */
  get time(): number {
    return this.#steps * this.config.dt;
  }

  /** Coordinates frozen because they left the scheme's stable region (0 for a healthy run). */
  get diverged(): number {
    return this.wasm.exports.langevin_frozen(this.#p);
  }

  /** "running", or "diverged" once a coordinate left the stable region (the others go on). */
  get status(): "running" | "diverged" {
    return this.diverged > 0 ? "diverged" : "running";
  }

  /**
   * Advances every trajectory by `count` steps. The protocol is evaluated at t_k = k·dt.
   * @returns the steps taken (count).
   * @throws RangeError naming count; RangeError naming dt when the potential becomes too stiff for it.
   */
  step(count = 1): number {
    check.integer("count", count, 0, check.MAX_COUNT);
    const e = this.wasm.exports;
    const c = this.config;
    const noise = Math.sqrt(2 * c.D * c.dt);
    const scheme = LANGEVIN_SCHEME[c.scheme];
    for (let done = 0; done < count; ) {
      const chunk = Math.min(CHUNK, count - done);
      const bound = this.#fillTable(chunk);
      this.wasm.f64.set(this.#table.subarray(0, (chunk + 1) * ROW), e.langevin_table(this.#p) >> 3);
      const constant = this.potential.constant ? 1 : 0;
      e.langevin_step(this.#p, chunk, c.dt, noise, scheme, bound, this.potential.period, constant);
      this.#steps += chunk;
      done += chunk;
    }
    return count;
  }

  /**
   * Writes the parameters at the chunk's times into the table and returns the coordinates' bound.
   * For the quartic, |x| = √(1/(2·c4·dt)) is where one Euler step of the x⁴ term alone, x − 4c4x³dt,
   * lands beyond −x: outside it |x| grows every step, so a coordinate there has diverged (it can only
   * get there from a given starting point: the equilibrium region lies far inside, see checkTimeStep).
   */
  #fillTable(chunk: number): number {
    const p = this.potential;
    const dt = this.config.dt;
    let bound = p.periodic ? 1e15 * p.period : 1e100;
    for (let k = 0; k <= chunk; k++) {
      const t = (this.#steps + k) * dt;
      const row = k * ROW;
      potentialAt(p, t, this.#table, row);
      const c2 = this.#table[row + 2],
        c3 = this.#table[row + 3],
        c4 = this.#table[row + 4];
      this.#table[row + 5] = -this.#table[row + 1] * dt;
      this.#table[row + 6] = -2 * c2 * dt;
      this.#table[row + 7] = -3 * c3 * dt;
      this.#table[row + 8] = -4 * c4 * dt;
      if (k > 0) {
        for (let m = 0; m < PARAMETERS; m++)
          this.#table[row - ROW + 9 + m] = this.#table[row + m] - this.#table[row - ROW + m];
      }
      if (c4 > 0) bound = Math.min(bound, Math.sqrt(1 / (2 * c4 * dt)));
    }
    for (let m = 0; m < PARAMETERS; m++) this.#table[chunk * ROW + 9 + m] = 0;
    if (!p.constant) {
      checkTimeStep(p, this.config.D, dt, this.#steps * dt);
      checkTimeStep(p, this.config.D, dt, (this.#steps + chunk) * dt);
    }
    return bound;
  }

  /** Each coordinate's position now (particles·dimensions, trajectory-major; the ring unwrapped). A copy. */
  positions(): Float64Array {
    return this.wasm.f64Copy(this.wasm.exports.langevin_positions(this.#p), this.#n);
  }

  /** Each coordinate's position at t = 0. A copy. */
  initialPositions(): Float64Array {
    return this.wasm.f64Copy(this.wasm.exports.langevin_initial(this.#p), this.#n);
  }

  /** Each trajectory's work W since t = 0 (energy units; divide by D for k_BT). */
  work(): Float64Array {
    return this.#perTrajectory(this.wasm.f64Copy(this.wasm.exports.langevin_work(this.#p), this.#n));
  }

  /** Each trajectory's heat Q released into the bath since t = 0 (energy units). */
  heat(): Float64Array {
    return this.#perTrajectory(this.wasm.f64Copy(this.wasm.exports.langevin_heat(this.#p), this.#n));
  }

  /** Each trajectory's ΔV = V(x_t, λ(t)) − V(x_0, λ(0)), computed from the end points (= W − Q to rounding). */
  energyChange(): Float64Array {
    const p = this.potential;
    const now = new Float64Array(PARAMETERS),
      start = new Float64Array(PARAMETERS);
    potentialAt(p, this.time, now);
    potentialAt(p, 0, start);
    const x = this.positions(),
      x0 = this.initialPositions();
    const dv = new Float64Array(this.#n);
    for (let i = 0; i < this.#n; i++) dv[i] = energyOf(p, now, x[i]) - energyOf(p, start, x0[i]);
    return this.#perTrajectory(dv);
  }

  /** Sums coordinate values over each trajectory's dimensions. */
  #perTrajectory(values: Float64Array): Float64Array {
    const d = this.config.dimensions;
    if (d === 1) return values;
    const out = new Float64Array(this.config.particles);
    for (let j = 0; j < out.length; j++) {
      let sum = 0;
      for (let c = 0; c < d; c++) sum += values[j * d + c];
      out[j] = sum;
    }
    return out;
  }

  /** The whole state, for {@link LangevinEnsemble.restore}. */
  checkpoint(): LangevinCheckpoint {
    const e = this.wasm.exports;
    const rng = e.langevin_rng(this.#p);
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      coordinates: this.#n,
      steps: this.#steps,
      positions: this.positions(),
      initial: this.initialPositions(),
      work: this.wasm.f64Copy(e.langevin_work(this.#p), this.#n),
      heat: this.wasm.f64Copy(e.langevin_heat(this.#p), this.#n),
      flags: this.wasm.u8.slice(e.langevin_flags(this.#p), e.langevin_flags(this.#p) + this.#n),
      rng: this.wasm.u8.slice(rng, rng + e.langevin_rng_bytes(this.#p)),
    };
  }

  /**
   * Restores a {@link LangevinEnsemble.checkpoint} of an ensemble with the same configuration.
   * @throws TypeError/RangeError naming the bad field.
   */
  restore(state: LangevinCheckpoint): void {
    const e = this.wasm.exports;
    if (typeof state !== "object" || state === null) throw new TypeError("checkpoint must be an object");
    if (state.format !== CHECKPOINT_FORMAT || state.version !== CHECKPOINT_VERSION) {
      throw new TypeError(`checkpoint: format ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION} expected`);
    }
    if (state.coordinates !== this.#n) {
      throw new RangeError(`checkpoint.coordinates: ${state.coordinates} ≠ this ensemble's ${this.#n}`);
    }
    const steps = check.integer("checkpoint.steps", state.steps, 0);
    for (const [name, array, length] of [
      ["positions", state.positions, this.#n],
      ["initial", state.initial, this.#n],
      ["work", state.work, this.#n],
      ["heat", state.heat, this.#n],
      ["flags", state.flags, this.#n],
      ["rng", state.rng, e.langevin_rng_bytes(this.#p)],
    ] as const) {
      if (array.length !== length) throw new RangeError(`checkpoint.${name} must have length ${length}`);
    }
    if (!(state.flags instanceof Uint8Array) || !(state.rng instanceof Uint8Array)) {
      throw new TypeError("checkpoint.flags and checkpoint.rng must be Uint8Arrays");
    }
    const f64 = this.wasm.f64;
    f64.set(check.finiteArray("checkpoint.positions", state.positions), e.langevin_positions(this.#p) >> 3);
    f64.set(check.finiteArray("checkpoint.initial", state.initial), e.langevin_initial(this.#p) >> 3);
    f64.set(check.finiteArray("checkpoint.work", state.work), e.langevin_work(this.#p) >> 3);
    f64.set(check.finiteArray("checkpoint.heat", state.heat), e.langevin_heat(this.#p) >> 3);
    const u8 = this.wasm.u8;
    u8.set(state.flags, e.langevin_flags(this.#p));
    u8.set(state.rng, e.langevin_rng(this.#p));
    e.langevin_set_frozen(
      this.#p,
      state.flags.reduce((a, b) => a + (b ? 1 : 0), 0),
    );
    this.#steps = steps;
  }
}

/**
 * Refuses a time step too coarse for the potential at time t: dt·max ∂ₓ²V ≥ 1 over the region that
 * holds the equilibrium density (for the harmonic trap dt·κ ≥ 1; for the ring dt·½A(2π/L)²). Beyond
 * dt·V″ = 2 Euler–Maruyama is unstable; at 1 it overshoots the minimum every step.
 * @throws RangeError naming dt.
 * @example
 * ```ts
 * import { checkTimeStep, resolvePotential } from "thermolearn";
 * const well = resolvePotential({ kind: "doubleWell", barrier: 10 });
 * checkTimeStep(well, 1, 2e-3, 0); // fine
 * try {
 *   checkTimeStep(well, 1, 0.1, 0);
 * } catch (error) {
 *   console.log((error as Error).message); // names dt: too coarse for the well's stiffness
 * }
 * ```
 */
export function checkTimeStep(p: Potential, kT: number, dt: number, t: number): void {
  const q = new Float64Array(PARAMETERS);
  potentialAt(p, t, q);
  let stiffest: number;
  if (p.periodic) stiffest = Math.abs(curvatureOf(p, q, 0));
  else {
    const [lo, hi] = potentialDomain(p, kT, [t]);
    stiffest = Math.max(curvatureOf(p, q, lo), curvatureOf(p, q, hi), curvatureOf(p, q, 0.5 * (lo + hi)));
  }
  if (!(dt * stiffest < 1)) {
    throw new RangeError(
      `dt = ${dt} is too coarse for the potential at t = ${t}: dt·∂ₓ²V reaches ${(dt * stiffest).toPrecision(3)} ` +
        "(must stay below 1); use a smaller dt",
    );
  }
}
