/**
 * The thermodynamic efficiency of learning η = I/(ΔS(w_n) + Q_n/D) against the scaled learning rate ν̃
 * and the stiffness k: Goldt & Seifert's poster figure ("thermodynamic efficiency of learning η vs
 * learning rate ν and potential stiffness k for online learning by a Perceptron using different
 * learning algorithms"; PRL 118, 010601 (2017); New J. Phys. 19, 113001 (2017)), from the
 * order-parameter theory of ode.ts (theory11.md §4), in two regimes side by side:
 *
 * - "averaged": time-scale separation (the weights feel the input-averaged force; no fluctuation heat),
 *   Goldt & Seifert's setting. η is taken from equilibrium (R = 0, Q = D/k) to the steady state,
 *   t → ∞: the ODEs run to T = settle/k (default 30/k), doubled until |η(T) − η(T/2)| ≤ 10⁻¹⁰.
 * - "online": the mini-batch Euler–Maruyama scheme of the simulator at given n, B, Δt (Wennberg), whose
 *   input-fluctuation (excess) heat E_x = (ν̃²/B)(n⟨𝓕²⟩ − m²) grows like E_x·t for ever. η(t) rises,
 *   peaks and decays like 1/t, so the value reported is the maximum over t, with the time t it is
 *   reached (ode.ts {@link maxEfficiency}).
 *
 * The surface is two families of lines: η against ν̃ for several k, and η against k for several ν̃.
 * Simulation points (ensembles of the wasm simulator, with a standard error between independent
 * sub-ensembles) are {@link efficiencySimulation} and {@link combineEfficiencySimulations};
 * src/node/efficiency-figure.ts puts both on all cores and draws the figure.
 * Everything is per weight; heat and entropy in nats (k_B T = 1). Browser-safe (no Node import).
 */
import { DivergedError, type RunProgress, type RunStatus, progress } from "../core/model.js";
import * as check from "../core/validate.js";
import { VERSION } from "../version.js";
import type { LearningRule } from "./model.js";
import { maxEfficiency, perceptronTheory, type InputNoiseOptions } from "./ode.js";
import { runPerceptron } from "./run.js";

/** The two regimes of the surface: time-scale separated ("averaged") or with input noise ("online"). */
export type EfficiencyRegime = "averaged" | "online";
/** Both regimes, in the order results list them: ["averaged", "online"]. */
export const EFFICIENCY_REGIMES: readonly EfficiencyRegime[] = ["averaged", "online"];
/** Which parameter a line runs over: ν̃ (at fixed k) or k (at fixed ν̃). */
export type EfficiencySweep = "nuTilde" | "k";

const RULE_NAMES: readonly LearningRule[] = ["hebbian", "perceptron", "adatron", "alphatron"];

/** Default rules of the surface: the three of the poster (the α-tron is optional). */
export const EFFICIENCY_DEFAULT_RULES: readonly LearningRule[] = ["hebbian", "perceptron", "adatron"];

/** Options of the online regime: the simulator's n, mini-batch B and Euler–Maruyama step Δt. */
export interface OnlineRegimeOptions {
  /** Weights n (integer ≥ 1). Default 10⁴ (the blog's). */
  n?: number;
  /** Inputs per step B (integer ≥ 1). Default 30 (the blog's). */
  batch?: number;
  /** Euler–Maruyama step Δt > 0, k·Δt < 2 for every k of the grid. Default 10⁻³ (the blog's). */
  dt?: number;
}

/** One family of lines: `values` along the x axis, one line per entry of `curves`. */
export interface SweepOptions {
  /** The swept parameter's values (x axis; ν̃ in [10⁻², 10³], k in [10⁻³, 10³]); default: `points` log-spaced. */
  values?: number[];
  /** The other parameter's value on each line (same ranges). */
  curves?: number[];
}

/** Options of {@link efficiencySurface}. */
export interface EfficiencySurfaceOptions {
  /** Learning rules. Default ["hebbian", "perceptron", "adatron"]. */
  rules?: LearningRule[];
  /** The α-tron's exponent α > 0 (rule "alphatron" only). Default 0.5. */
  alpha?: number;
  /** Temperature D > 0. Default 1. */
  D?: number;
  /** Regimes. Default ["averaged", "online"]. */
  regimes?: EfficiencyRegime[];
  /** Points per line of the default sweeps (log-spaced), an integer in [2, 1000]. Default 25. */
  points?: number;
  /** η against ν̃: values default `points` log-spaced over [0.25, 10], curves (k) default [0.5, 1, 2]. */
  nuTildeSweep?: SweepOptions;
  /** η against k: values default `points` log-spaced over [0.1, 10], curves (ν̃) default [1, 3, 5]. */
  kSweep?: SweepOptions;
  /** The online regime's n, B, Δt (defaults: the blog's 10⁴, 30, 10⁻³). */
  online?: OnlineRegimeOptions;
  /** Averaged regime: the ODEs start at T = settle/k (doubled until η has settled); in [1, 1000]. Default 30. */
  settle?: number;
  /** Called after each point of the surface. */
  onProgress?: (p: RunProgress) => void;
  /** Stops before the next point; the result then has status "aborted" and the points done so far. */
  signal?: AbortSignal;
}

/** The options of {@link efficiencySurface} after defaults, as recorded in its result. */
export interface EfficiencySurfaceConfig {
  /** {@inheritDoc EfficiencySurfaceOptions.rules} */
  rules: LearningRule[];
  /** {@inheritDoc EfficiencySurfaceOptions.alpha} */
  alpha: number;
  /** {@inheritDoc EfficiencySurfaceOptions.D} */
  D: number;
  /** {@inheritDoc EfficiencySurfaceOptions.regimes} */
  regimes: EfficiencyRegime[];
  /** η against ν̃: the ν̃ values (x axis) and one line per k in `curves`. */
  nuTildeSweep: {
    /** The ν̃ values (x axis). */
    values: number[];
    /** The k of each line. */
    curves: number[];
  };
  /** η against k: the k values (x axis) and one line per ν̃ in `curves`. */
  kSweep: {
    /** The k values (x axis). */
    values: number[];
    /** The ν̃ of each line. */
    curves: number[];
  };
  /** {@inheritDoc EfficiencySurfaceOptions.online} */
  online: InputNoiseOptions;
  /** {@inheritDoc EfficiencySurfaceOptions.settle} */
  settle: number;
  /** How η is defined in each regime (words, for the JSON). */
  definitions: Record<EfficiencyRegime, string>;
}

/** One point of the surface: everything {@link efficiencyAt} needs (a plain object: workers take it). */
export interface EfficiencyPoint {
  /** Learning rule. */
  rule: LearningRule;
  /** The α-tron's exponent α (used by rule "alphatron" only). */
  alpha: number;
  /** Temperature D > 0. */
  D: number;
  /** "averaged" (time-scale separation) or "online" (with input noise). */
  regime: EfficiencyRegime;
  /** The line family this point belongs to ("nuTilde": η against ν̃; "k": η against k). */
  sweep: EfficiencySweep;
  /** Scaled learning rate ν̃ = ν/√n. */
  nuTilde: number;
  /** Stiffness k of the restoring force. */
  k: number;
  /** The online regime's n, B, Δt (used by regime "online" only; validated in both, as the surface's). */
  online: InputNoiseOptions;
  /** Averaged regime: relaxation times 1/k the ODEs run before the tail test. */
  settle: number;
}

/** How a point ended: "completed"; "diverges" (online: the peak was found, then Q grows without bound). */
export type EfficiencyPointStatus = "completed" | "diverges";

/** The theory's value at one point of the surface, per weight, nats. */
export interface EfficiencyValue {
  /** η: averaged, the t → ∞ value; online, the maximum over t. */
  efficiency: number;
  /** The time of the value: averaged, the settled T; online, the time of the maximum. */
  t: number;
  /** ε at t. */
  epsilon: number;
  /** I = ln 2 − S(ε) at t, nats. */
  information: number;
  /** ΔS(w_n) = ½ ln(Q(t)/Q(0)), nats. */
  entropyChange: number;
  /** Heat Q_n since t = 0, nats. */
  heat: number;
  /** Its excess (input-fluctuation) part, nats (0 averaged). */
  excessHeat: number;
  /** Averaged: |η(T) − η(T/2)|, the evidence that T is the t → ∞ limit; online: 0. */
  tailChange: number;
  /** "completed", or "diverges" (online: the peak was found, then Q grows without bound). */
  status: EfficiencyPointStatus;
}

/** The surface as columns, one entry per point (rule-major, then regime, sweep, curve, value). */
export interface EfficiencyLines {
  /** Learning rule of each point. */
  rule: LearningRule[];
  /** Regime of each point. */
  regime: EfficiencyRegime[];
  /** Line family of each point ("nuTilde" or "k"). */
  sweep: EfficiencySweep[];
  /** How each point ended ("completed" or "diverges"). */
  status: EfficiencyPointStatus[];
  /** ν̃ of each point. */
  nuTilde: Float64Array;
  /** k of each point. */
  k: Float64Array;
  /** η of each point (see {@link EfficiencyValue.efficiency}). */
  efficiency: Float64Array;
  /** Time of each value (see {@link EfficiencyValue.t}). */
  t: Float64Array;
  /** Generalisation error ε at t. */
  epsilon: Float64Array;
  /** I = ln 2 − S(ε) at t, nats per weight. */
  information: Float64Array;
  /** ΔS(w_n) at t, nats per weight. */
  entropyChange: Float64Array;
  /** Heat Q_n since t = 0, nats per weight. */
  heat: Float64Array;
  /** Its excess (input-fluctuation) part, nats per weight (0 in the averaged regime). */
  excessHeat: Float64Array;
  /** Averaged: |η(T) − η(T/2)|; online: 0. */
  tailChange: Float64Array;
}

/** The largest η of one rule in one regime over the whole grid (both sweeps), and where it lies. */
export interface EfficiencyMaximum {
  /** Learning rule. */
  rule: LearningRule;
  /** Regime. */
  regime: EfficiencyRegime;
  /** The largest η over the grid. */
  efficiency: number;
  /** ν̃ where it lies. */
  nuTilde: number;
  /** k where it lies. */
  k: number;
  /** Time of that value (averaged: the settled T; online: the time of the maximum over t). */
  t: number;
  /** The sweep whose grid point it is. */
  sweep: EfficiencySweep;
  /**
   * True when the maximum sits at an end of its sweep's range (the smallest or largest ν̃ or k): η
   * still grows beyond the grid, and the grid's maximum is a lower bound of the supremum.
   */
  atEdge: boolean;
}

/** The result of {@link efficiencySurface}. */
export interface EfficiencySurfaceResult {
  /** The thermolearn version that produced the result. */
  version: string;
  /** The resolved options (every default filled in). */
  config: EfficiencySurfaceConfig;
  /** "completed", or "aborted" (by the signal: the lines hold the points done so far). */
  status: Exclude<RunStatus, "diverged">;
  /** Wall-clock time of the computation, milliseconds. */
  elapsedMs: number;
  /** The surface's points as columns. */
  lines: EfficiencyLines;
  /** Per rule and regime (rules in order, averaged first). */
  maxima: EfficiencyMaximum[];
}

const SURFACE_KEYS = [
  "rules",
  "alpha",
  "D",
  "regimes",
  "points",
  "nuTildeSweep",
  "kSweep",
  "online",
  "settle",
  "onProgress",
  "signal",
] as const;

/**
 * The smallest equilibrium weight variance D/k a simulation point accepts (as information.ts): ΔS(w_n)
 * is ½ ln(Var_t/Var_0) of per-weight variances across as few as M = 2 trajectories, whose Var_0 falls
 * below 10⁻²⁴ · D/k with probability ~10⁻¹², so Var_0 and the ratio stay normal, finite doubles.
 */
const MIN_EQUILIBRIUM_VARIANCE = 1e-200;
/** The simulator's largest mini-batch B (model.ts). */
const MAX_BATCH = 4096;

/** The most values a sweep takes (and the most lines). */
const MAX_SWEEP = 1000;
/** Averaged regime: η has settled once it changes by at most this between T/2 and T. */
const SETTLED = 1e-10;
/** Averaged regime: how often T may be doubled. */
const MAX_DOUBLINGS = 8;
/** Averaged regime: the largest settle (relaxation times 1/k before the tail test). */
const MAX_SETTLE = 1000;
/** The ODEs' limit on RK4 steps per call (ode.ts): T is not doubled beyond it. */
const MAX_THEORY_STEPS = 1e8;
/** Online regime: the maximum counts as found once it lies before this fraction of the scanned time. */
const INTERIOR = 0.8;
/** Online regime: how often the scanned time may be doubled (from 3/k). */
const MAX_EXTENSIONS = 12;
/** Online regime: at least this many RK4 steps before the maximum (a fast peak is scanned again finer). */
const PEAK_STEPS = 2000;

/** `count` values log-spaced over [lo, hi] (both ends included). */
function logSpace(lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => lo * (hi / lo) ** (i / (count - 1)));
}

/**
 * The ranges of ν̃ and k a surface takes. Below ν̃ = 10⁻², I = ln 2 − S(ε) ~ ν̃² loses its digits to
 * cancellation (at ν̃ = 10⁻⁶ the Hebbian η is off by 10⁻³ and the averaged η never settles to 10⁻¹⁰);
 * k outside [10⁻³, 10³] makes the ODEs' T = settle/k or their step 10⁻²/k unreasonable.
 */
const RANGES = { nuTilde: [1e-2, 1e3], k: [1e-3, 1e3] } as const;

function parameterList(name: string, value: unknown, [lo, hi]: readonly [number, number]): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of numbers`);
  if (value.length === 0 || value.length > MAX_SWEEP) {
    throw new RangeError(`${name} must have 1 to ${MAX_SWEEP} entries, got ${value.length}`);
  }
  return value.map((x, i) => {
    const v = check.finite(`${name}[${i}]`, x);
    if (!(v >= lo && v <= hi)) throw new RangeError(`${name}[${i}] must be in [${lo}, ${hi}], got ${v}`);
    return v;
  });
}

function resolveSweep(
  name: string,
  value: SweepOptions | undefined,
  defaults: { lo: number; hi: number; curves: number[] },
  points: number,
  ranges: { values: readonly [number, number]; curves: readonly [number, number] },
): { values: number[]; curves: number[] } {
  const o = check.options(name, value, ["values", "curves"]);
  return {
    values:
      o.values === undefined
        ? logSpace(defaults.lo, defaults.hi, points)
        : parameterList(`${name}.values`, o.values, ranges.values),
    curves: o.curves === undefined ? defaults.curves : parameterList(`${name}.curves`, o.curves, ranges.curves),
  };
}

function uniqueList<T extends string>(name: string, value: unknown, allowed: readonly T[]): T[] {
  if (!Array.isArray(value) || value.length === 0) throw new TypeError(`${name} must be a non-empty array`);
  const list = value.map((x, i) => check.oneOf(`${name}[${i}]`, x, allowed));
  if (new Set(list).size !== list.length) throw new RangeError(`${name} lists an entry twice`);
  return list;
}

/**
 * settle in [1, 1000] relaxation times: below 1, T = settle/k is too early for the tail test (near
 * t = 0, η(T) and η(T/2) are both ≈ 0 and would pass it); above 1000, the transient e^{−settle} is
 * long gone and T/h = 100·settle/min(1, k) would pass the ODEs' 10⁸-step limit at k = 10⁻³.
 */
function checkSettle(value: unknown): number {
  const settle = check.finite("settle", value);
  if (!(settle >= 1 && settle <= MAX_SETTLE))
    throw new RangeError(`settle must be in [1, ${MAX_SETTLE}], got ${settle}`);
  return settle;
}

/** The online regime's n, B, Δt, validated (names "online.n" …) with the blog's defaults 10⁴, 30, 10⁻³. */
function resolveOnline(value: OnlineRegimeOptions | undefined): InputNoiseOptions {
  const on = check.options("online", value, ["n", "batch", "dt"]);
  return {
    n: check.integer("online.n", on.n ?? 10_000, 1, 2 ** 24),
    batch: check.integer("online.batch", on.batch ?? 30, 1, 4096),
    dt: check.positive("online.dt", on.dt ?? 1e-3),
  };
}

/**
 * Validates the options of {@link efficiencySurface} once and fills in the defaults.
 * @throws TypeError/RangeError naming the option (e.g. "kSweep.values[2]", "online.dt").
 * @example
 * ```ts
 * import { resolveEfficiencySurfaceConfig } from "thermolearn";
 * const c = resolveEfficiencySurfaceConfig({ points: 3 });
 * console.log(c.rules, c.nuTildeSweep.values); // ["hebbian", "perceptron", "adatron"], 3 values over [0.25, 10]
 * ```
 */
export function resolveEfficiencySurfaceConfig(options?: EfficiencySurfaceOptions): EfficiencySurfaceConfig {
  const o = check.options("efficiencySurface", options, SURFACE_KEYS);
  const rules = uniqueList("rules", o.rules ?? [...EFFICIENCY_DEFAULT_RULES], RULE_NAMES);
  const alpha = check.positive("alpha", o.alpha ?? 0.5);
  const D = check.positive("D", o.D ?? 1);
  const regimes = uniqueList("regimes", o.regimes ?? [...EFFICIENCY_REGIMES], EFFICIENCY_REGIMES);
  const points = check.integer("points", o.points ?? 25, 2, MAX_SWEEP);
  const nuTildeSweep = resolveSweep("nuTildeSweep", o.nuTildeSweep, { lo: 0.25, hi: 10, curves: [0.5, 1, 2] }, points, {
    values: RANGES.nuTilde,
    curves: RANGES.k,
  });
  const kSweep = resolveSweep("kSweep", o.kSweep, { lo: 0.1, hi: 10, curves: [1, 3, 5] }, points, {
    values: RANGES.k,
    curves: RANGES.nuTilde,
  });
  const online = resolveOnline(o.online);
  if (regimes.includes("online")) {
    const kMax = Math.max(...nuTildeSweep.curves, ...kSweep.values);
    if (!(kMax * online.dt < 2)) {
      throw new RangeError(`online.dt must satisfy k·dt < 2 for every k of the grid, got ${kMax}·${online.dt}`);
    }
  }
  const settle = checkSettle(o.settle ?? 30);
  check.optionalFunction("onProgress", o.onProgress);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    throw new TypeError("signal must be an AbortSignal");
  return {
    rules,
    alpha,
    D,
    regimes,
    nuTildeSweep,
    kSweep,
    online,
    settle,
    definitions: {
      averaged:
        "time-scale separation (input-averaged force, no fluctuation heat), from equilibrium (R = 0, Q = D/k) " +
        `to the steady state: η(T) with T = ${settle}/k doubled until |η(T) − η(T/2)| ≤ ${SETTLED}`,
      online:
        `mini-batch Euler–Maruyama (n = ${online.n}, B = ${online.batch}, Δt = ${online.dt}), fluctuation heat ` +
        "included, from equilibrium: η(t) peaks and then decays like 1/t as the excess heat grows; the maximum " +
        "over t, and the time t of it",
    },
  };
}

/**
 * The points of the surface in order: per rule, per regime, first the ν̃ sweep (per k, per ν̃), then the
 * k sweep (per ν̃, per k).
 */
export function efficiencyPoints(config: EfficiencySurfaceConfig): EfficiencyPoint[] {
  const out: EfficiencyPoint[] = [];
  const { alpha, D, online, settle } = config;
  for (const rule of config.rules) {
    for (const regime of config.regimes) {
      for (const k of config.nuTildeSweep.curves) {
        for (const nuTilde of config.nuTildeSweep.values) {
          out.push({ rule, alpha, D, regime, sweep: "nuTilde", nuTilde, k, online, settle });
        }
      }
      for (const nuTilde of config.kSweep.curves) {
        for (const k of config.kSweep.values) {
          out.push({ rule, alpha, D, regime, sweep: "k", nuTilde, k, online, settle });
        }
      }
    }
  }
  return out;
}

const POINT_KEYS = ["rule", "alpha", "D", "regime", "sweep", "nuTilde", "k", "online", "settle"] as const;

/**
 * Validates a point as {@link resolveEfficiencySurfaceConfig} validates the surface (the same names and
 * limits: online.batch ≤ 4096, k·online.dt < 2 in the online regime), and returns it with `online`
 * resolved (its fields default as the surface's; it is checked in the averaged regime too, which
 * ignores it).
 */
function checkPoint(what: string, point: EfficiencyPoint): EfficiencyPoint {
  const p = check.options(what, point, POINT_KEYS);
  check.oneOf("rule", p.rule, RULE_NAMES);
  check.positive("alpha", p.alpha);
  check.positive("D", p.D);
  check.oneOf("regime", p.regime, EFFICIENCY_REGIMES);
  check.oneOf("sweep", p.sweep, ["nuTilde", "k"] as const);
  for (const name of ["nuTilde", "k"] as const) {
    const [lo, hi] = RANGES[name];
    const v = check.finite(name, p[name]);
    if (!(v >= lo && v <= hi)) throw new RangeError(`${name} must be in [${lo}, ${hi}], got ${v}`);
  }
  const online = resolveOnline(p.online);
  if (p.regime === "online" && !(p.k * online.dt < 2)) {
    throw new RangeError(`online.dt must satisfy k·dt < 2, got ${p.k}·${online.dt}`);
  }
  checkSettle(p.settle);
  return { ...p, online };
}

/** The RK4 step of the surface: 10⁻²/max(1, k) averaged (RK4 error ~10⁻¹⁰ there), 10⁻³/max(1, k) online. */
function theoryStep(regime: EfficiencyRegime, k: number): number {
  return (regime === "averaged" ? 1e-2 : 1e-3) / Math.max(1, k);
}

/** The averaged regime's t → ∞ value: T = settle/k, doubled until η changes by ≤ 10⁻¹⁰ from T/2 to T. */
function averagedValue(p: EfficiencyPoint): EfficiencyValue {
  const h = theoryStep("averaged", p.k);
  let tEnd = p.settle / p.k;
  for (let attempt = 0; ; attempt++) {
    const steps = Math.ceil(tEnd / h);
    const th = perceptronTheory({
      rule: p.rule,
      alpha: p.alpha,
      nuTilde: p.nuTilde,
      k: p.k,
      D: p.D,
      tEnd,
      h,
      recordEvery: Math.max(1, Math.ceil(steps / 2)),
    });
    const last = th.t.length - 1;
    const tailChange = Math.abs(th.efficiency[last] - th.efficiency[1]);
    if (tailChange <= SETTLED || attempt === MAX_DOUBLINGS || (2 * tEnd) / h > MAX_THEORY_STEPS) {
      if (tailChange > SETTLED) {
        throw new RangeError(
          `settle, k: η has not settled by T = ${tEnd} = ${tEnd * p.k}/k (change ${tailChange} > ${SETTLED}; ` +
            `rule ${p.rule}, nuTilde ${p.nuTilde})`,
        );
      }
      return {
        efficiency: th.efficiency[last],
        t: th.t[last],
        epsilon: th.epsilon[last],
        information: th.information[last],
        entropyChange: th.entropyChange[last],
        heat: th.heat[last],
        excessHeat: 0,
        tailChange,
        status: "completed",
      };
    }
    tEnd *= 2;
  }
}

/**
 * The online regime's maximum over t: scans [0, T] from T = 3/k, doubling T until the maximum lies
 * before 0.8·T; when Q blows up first (the online AdaTron at large ν̃²Δt n/B, whose excess grows with
 * Q), the scan stops just before the blow-up and a maximum found there is kept (status "diverges").
 */
function onlineValue(p: EfficiencyPoint): EfficiencyValue {
  const h = theoryStep("online", p.k);
  const model = { rule: p.rule, alpha: p.alpha, nuTilde: p.nuTilde, k: p.k, D: p.D, h, inputNoise: p.online };
  let tEnd = 3 / p.k;
  let divergesAt: number | null = null;
  let best: { efficiency: number; t: number } | null = null;
  for (let attempt = 0; attempt <= MAX_EXTENSIONS && best === null; attempt++) {
    let m: { efficiency: number; t: number };
    try {
      m = maxEfficiency({ ...model, tEnd });
    } catch (error) {
      if (!(error instanceof DivergedError) || divergesAt !== null) throw error;
      divergesAt = Number(error.detail.time);
      tEnd = 0.98 * divergesAt;
      continue;
    }
    if (m.t < INTERIOR * tEnd) best = m;
    else if (divergesAt !== null) {
      throw new DivergedError(
        `efficiencyAt: diverged: Q grows without bound from t ≈ ${divergesAt} before η(t) peaks ` +
          `(rule ${p.rule}, online)`,
        { time: divergesAt },
      );
    } else tEnd *= 2;
  }
  if (best === null) throw new Error(`efficiencyAt: η(t) has not peaked by t = ${tEnd} (rule ${p.rule}, online)`);
  if (best.t < PEAK_STEPS * h) {
    // A fast peak (large ν̃): scan again with PEAK_STEPS steps before it, on [0, 2.5 t*] ∩ [0, T] (safe:
    // the first scan reached T without Q blowing up).
    const fine = maxEfficiency({ ...model, h: best.t / PEAK_STEPS, tEnd: Math.min(tEnd, 2.5 * best.t) });
    if (fine.t < INTERIOR * Math.min(tEnd, 2.5 * best.t)) best = fine;
  }
  const th = perceptronTheory({ ...model, h: Math.min(h, best.t / PEAK_STEPS), tEnd: best.t, recordEvery: 2 ** 30 });
  const last = th.t.length - 1;
  return {
    efficiency: best.efficiency,
    t: best.t,
    epsilon: th.epsilon[last],
    information: th.information[last],
    entropyChange: th.entropyChange[last],
    heat: th.heat[last],
    excessHeat: th.excessHeat[last],
    tailChange: 0,
    status: divergesAt === null ? "completed" : "diverges",
  };
}

/**
 * The theory's efficiency at one point of the surface (see the module comment for the two regimes),
 * with ε, I, ΔS(w_n) and the heat at the time of the value, per weight, nats. Averaged: RK4 with
 * h = 10⁻²/max(1, k) (against h/10: |Δη| < 10⁻⁹), t → ∞ to |η(T) − η(T/2)| ≤ 10⁻¹⁰. Online: RK4 with
 * h = 10⁻³/max(1, k) and at least 2000 steps before the maximum, which is refined by a parabola
 * (ode.ts {@link maxEfficiency}).
 * @throws TypeError/RangeError naming a bad field (online.n/.batch/.dt, alpha, D, settle … as
 * {@link resolveEfficiencySurfaceConfig}); RangeError naming settle and k when, averaged, η has not
 * settled within 8 doublings of T; DivergedError ("diverged") when, online, Q grows without bound before
 * η(t) peaks.
 * @example
 * ```ts
 * import { efficiencyAt } from "thermolearn";
 * const v = efficiencyAt({
 *   rule: "hebbian",
 *   alpha: 0.5,
 *   D: 1,
 *   regime: "averaged",
 *   sweep: "nuTilde",
 *   nuTilde: 3,
 *   k: 1,
 *   online: { n: 1e4, batch: 30, dt: 1e-3 },
 *   settle: 30,
 * });
 * console.log(v.efficiency, v.status); // 0.0823727 (= hebbianTransient's η), "completed"
 * ```
 */
export function efficiencyAt(point: EfficiencyPoint): EfficiencyValue {
  const p = checkPoint("efficiencyAt", point);
  return p.regime === "averaged" ? averagedValue(p) : onlineValue(p);
}

/** The maximum of each rule and regime over the rows of `lines` (see {@link EfficiencyMaximum}). */
function maximaOf(config: EfficiencySurfaceConfig, lines: EfficiencyLines): EfficiencyMaximum[] {
  const out: EfficiencyMaximum[] = [];
  const ends = {
    nuTilde: [Math.min(...config.nuTildeSweep.values), Math.max(...config.nuTildeSweep.values)],
    k: [Math.min(...config.kSweep.values), Math.max(...config.kSweep.values)],
  };
  for (const rule of config.rules) {
    for (const regime of config.regimes) {
      let best = -1;
      for (let i = 0; i < lines.rule.length; i++) {
        if (lines.rule[i] !== rule || lines.regime[i] !== regime) continue;
        if (best < 0 || lines.efficiency[i] > lines.efficiency[best]) best = i;
      }
      if (best < 0) continue;
      const sweep = lines.sweep[best];
      const x = sweep === "nuTilde" ? lines.nuTilde[best] : lines.k[best];
      out.push({
        rule,
        regime,
        efficiency: lines.efficiency[best],
        nuTilde: lines.nuTilde[best],
        k: lines.k[best],
        t: lines.t[best],
        sweep,
        atEdge: x === ends[sweep][0] || x === ends[sweep][1],
      });
    }
  }
  return out;
}

/**
 * Packs the values of the first `values.length` points into the columnar result (for callers that
 * compute the points elsewhere, e.g. on worker threads: src/node/efficiency-figure.ts).
 */
export function efficiencySurfaceResult(
  config: EfficiencySurfaceConfig,
  points: EfficiencyPoint[],
  values: EfficiencyValue[],
  status: "completed" | "aborted",
  elapsedMs: number,
): EfficiencySurfaceResult {
  const count = values.length;
  const column = (f: (v: EfficiencyValue, p: EfficiencyPoint) => number) =>
    Float64Array.from(values, (v, i) => f(v, points[i]));
  const lines: EfficiencyLines = {
    rule: points.slice(0, count).map((p) => p.rule),
    regime: points.slice(0, count).map((p) => p.regime),
    sweep: points.slice(0, count).map((p) => p.sweep),
    status: values.map((v) => v.status),
    nuTilde: column((_, p) => p.nuTilde),
    k: column((_, p) => p.k),
    efficiency: column((v) => v.efficiency),
    t: column((v) => v.t),
    epsilon: column((v) => v.epsilon),
    information: column((v) => v.information),
    entropyChange: column((v) => v.entropyChange),
    heat: column((v) => v.heat),
    excessHeat: column((v) => v.excessHeat),
    tailChange: column((v) => v.tailChange),
  };
  return { version: VERSION, config, status, elapsedMs, lines, maxima: maximaOf(config, lines) };
}

/**
 * The efficiency surface of the theory (lines only; no simulation): η against ν̃ for several k and
 * against k for several ν̃, per rule, in the averaged regime (t → ∞) and the online regime (maximum
 * over t), with the maximum of each rule and regime over the grid and where it lies. Synchronous: the
 * default grid's 900 points take 3–10 s in one thread (measured; V8's optimisation of the ODEs varies).
 * @throws TypeError/RangeError naming a bad option; DivergedError as {@link efficiencyAt}.
 * @example
 * ```ts
 * import { efficiencySurface } from "thermolearn";
 * const s = efficiencySurface({ rules: ["hebbian"], regimes: ["averaged"], points: 3 });
 * console.log(s.lines.efficiency.length, s.maxima[0].efficiency); // 18, 0.2012 (ν̃ = 0.25, k = 2: the grid's edge)
 * ```
 */
export function efficiencySurface(options?: EfficiencySurfaceOptions): EfficiencySurfaceResult {
  const config = resolveEfficiencySurfaceConfig(options);
  const points = efficiencyPoints(config);
  const started = performance.now();
  const values: EfficiencyValue[] = [];
  let status: "completed" | "aborted" = "completed";
  for (const point of points) {
    if (options?.signal?.aborted) {
      status = "aborted";
      break;
    }
    values.push(efficiencyAt(point));
    options?.onProgress?.(progress(values.length, points.length));
  }
  return efficiencySurfaceResult(config, points, values, status, performance.now() - started);
}

// ---------------------------------------------------------------------------------------------
// Simulation points

/** One sub-ensemble of one simulation point: a plain object (workers take it). */
export interface EfficiencySimulationTask {
  /** Learning rule. */
  rule: LearningRule;
  /** The α-tron's exponent α (rule "alphatron" only). */
  alpha: number;
  /** Temperature D > 0. */
  D: number;
  /** "averaged" (input-averaged force) or "online" (sampled mini-batches). */
  regime: EfficiencyRegime;
  /** Scaled learning rate ν̃ = ν/√n. */
  nuTilde: number;
  /** Stiffness k. */
  k: number;
  /** Weights n. */
  n: number;
  /** Inputs per step B, an integer in [1, 4096] (validated in both regimes; only "online" uses it). */
  batch: number;
  /** Euler–Maruyama step. */
  dt: number;
  /** Steps to run (the point's time is steps·dt). */
  steps: number;
  /** Trajectories of this sub-ensemble (≥ 2: ΔS(w_n) needs an ensemble). */
  trajectories: number;
  /** Stream of its first trajectory: sub-ensembles use disjoint streams, so they are independent. */
  firstTrajectory: number;
  /** Integer seed in [0, 2⁵³) of the whole point (sub-ensembles differ by `firstTrajectory`). */
  seed: number;
}

/** What one sub-ensemble measures at its end time t, per weight, nats (ensemble means). */
export interface EfficiencySimulationValue {
  /** End time t = steps·dt. */
  t: number;
  /** The run's temperature D (the heat enters η as Q_n/D). */
  D: number;
  /** η = I/(ΔS(w_n) + Q_n/D) of the sub-ensemble (run.ts). */
  efficiency: number;
  /** Generalisation error ε at t. */
  epsilon: number;
  /** I = ln 2 − S(ε) at t, nats per weight. */
  information: number;
  /** ΔS(w_n) from t = 0 to t, nats per weight. */
  entropyChange: number;
  /** Heat Q_n since t = 0, nats per weight. */
  heat: number;
}

const SIMULATION_KEYS = [
  "rule",
  "alpha",
  "D",
  "regime",
  "nuTilde",
  "k",
  "n",
  "batch",
  "dt",
  "steps",
  "trajectories",
  "firstTrajectory",
  "seed",
] as const;

/**
 * Runs one sub-ensemble of a simulation point with the wasm simulator ({@link runPerceptron}) from
 * equilibrium: regime "averaged" with `inputs: "averaged"` (the thermodynamic-limit averaged force,
 * Stratonovich heat), "online" with fresh mini-batches of B inputs (the default `inputs: "sampled"`).
 * ΔS(w_n) is the ensemble estimate of run.ts (per-weight variances across the trajectories).
 * @throws TypeError/RangeError naming a bad field (the simulator's own checks included; also D/k < 10⁻²⁰⁰,
 * too small a spread for the ensemble's ΔS(w_n)); DivergedError ("… diverged at step …") if the run diverges.
 * @example
 * ```ts
 * import { efficiencySimulation } from "thermolearn";
 * const v = efficiencySimulation({
 *   rule: "hebbian",
 *   alpha: 0.5,
 *   D: 1,
 *   regime: "averaged",
 *   nuTilde: 3,
 *   k: 1,
 *   n: 200,
 *   batch: 1,
 *   dt: 1e-3,
 *   steps: 2000,
 *   trajectories: 8,
 *   firstTrajectory: 0,
 *   seed: 0,
 * });
 * console.log(v.t, v.efficiency); // t = 2, η ≈ 0.078 (8 trajectories; the theory's t → ∞ value is 0.0824)
 * ```
 */
export function efficiencySimulation(task: EfficiencySimulationTask): EfficiencySimulationValue {
  const o = check.options("efficiencySimulation", task, SIMULATION_KEYS);
  const regime = check.oneOf("regime", o.regime, EFFICIENCY_REGIMES);
  // D and k before the simulator: D = 0 would run and give no ΔS(w_n) (an equilibrium start without spread).
  const D = check.positive("D", o.D);
  const k = check.positive("k", o.k);
  if (!(D / k >= MIN_EQUILIBRIUM_VARIANCE)) {
    throw new RangeError(
      `D/k: the equilibrium weight variance D/k = ${D / k} (D = ${D}, k = ${k}) must be ≥ ` +
        `${MIN_EQUILIBRIUM_VARIANCE} to estimate ΔS(w_n) from the ensemble`,
    );
  }
  // Validated in both regimes (the averaged force ignores it), with the simulator's limit.
  check.integer("batch", o.batch, 1, MAX_BATCH);
  check.integer("trajectories", o.trajectories, 2, 100_000);
  const steps = check.integer("steps", o.steps, 1, 2 ** 40);
  const r = runPerceptron({
    rule: o.rule,
    alpha: o.alpha,
    D: o.D,
    nuTilde: o.nuTilde,
    k: o.k,
    n: o.n,
    dt: o.dt,
    ...(regime === "averaged" ? { inputs: "averaged" as const } : { batch: o.batch }),
    steps,
    recordEvery: steps,
    trajectories: o.trajectories,
    firstTrajectory: o.firstTrajectory,
    seed: o.seed,
  });
  if (r.status === "diverged" || r.efficiency === null || r.entropyChange === null) {
    // With D/k validated, a run without ΔS(w_n) is one whose weights left the finite range.
    const time = r.divergedAt ?? r.steps * r.config.dt;
    throw new DivergedError(
      `efficiencySimulation: the run diverged at t = ${time} (step ${r.steps} of ${steps}; ` +
        `rule ${o.rule}, nuTilde ${o.nuTilde}, k ${k}, dt ${o.dt})`,
      { time, step: r.steps },
    );
  }
  const last = r.t.length - 1;
  return {
    t: r.t[last],
    D: r.config.D,
    efficiency: r.efficiency[last],
    epsilon: r.epsilon[last],
    information: r.information[last],
    entropyChange: r.entropyChange[last],
    heat: r.heat[last],
  };
}

/** A simulation point from its sub-ensembles: η with its standard error, and the pooled means. */
export interface EfficiencySimulationSummary {
  t: number;
  /** η = Ī/(ΔS̄ + Q̄_n/D) from the means over all sub-ensembles (the ratio of the pooled ensemble). */
  efficiency: number;
  /** Its standard error: the jackknife over sub-ensembles (leave one out). */
  standardError: number;
  /** Means over the sub-ensembles of ε, I, ΔS(w_n), Q_n. */
  epsilon: number;
  information: number;
  entropyChange: number;
  heat: number;
  groups: number;
}

/**
 * Combines independent sub-ensembles of one point (≥ 2) into η = Ī/(ΔS̄ + Q̄_n/D) and its jackknife
 * standard error: with η₋g the same ratio without sub-ensemble g, SE² = (G − 1)/G · Σ_g (η₋g − η̄₋)².
 * A ratio of means, not a mean of ratios: a sub-ensemble's ΔS(w_n) estimate is noisy (it needs the
 * whole ensemble, so trajectories cannot be resampled one by one), and where ΔS + Q_n/D is small a mean
 * of per-group ratios would be biased and heavy-tailed. When only I varies between sub-ensembles the
 * jackknife SE is exactly the sample standard deviation of I over √G, divided by ΔS + Q_n/D. The heat
 * enters over the temperature D (the medium's entropy), as in run.ts and ode.ts.
 * @throws TypeError/RangeError naming the bad entry and field ("values[2].heat …"): `values` must be an
 * array of ≥ 2 objects with finite numbers t ≥ 0 (one time), D > 0 (one temperature), ε ∈ [0, 1],
 * information, entropyChange, heat and efficiency; a sum that overflows is refused too.
 */
export function combineEfficiencySimulations(values: EfficiencySimulationValue[]): EfficiencySimulationSummary {
  if (!Array.isArray(values)) {
    throw new TypeError("values must be an array of sub-ensemble values (efficiencySimulation's results)");
  }
  const g = values.length;
  if (g < 2) throw new RangeError(`values must hold ≥ 2 sub-ensembles, got ${g}`);
  const rows = Array.from(values, (v, i) => checkSimulationValue(`values[${i}]`, v));
  const { t, D } = rows[0];
  rows.forEach((v, i) => {
    if (v.D !== D) throw new RangeError(`values[${i}].D = ${v.D}: the sub-ensembles must share one temperature D`);
    if (v.t !== t) throw new RangeError(`values[${i}].t = ${v.t}: the sub-ensembles must share one time t`);
  });
  const sum = (name: "information" | "entropyChange" | "heat" | "epsilon", f = (x: number) => x) => {
    const total = rows.reduce((s, v) => s + f(v[name]), 0);
    if (!Number.isFinite(total)) throw new RangeError(`values[…].${name}: the sum over sub-ensembles overflows`);
    return total;
  };
  const total = { I: sum("information"), S: sum("entropyChange"), Q: sum("heat", (q) => q / D) };
  const epsilon = sum("epsilon");
  // η = 0 where the cost ΔS + Q_n/D is not positive or the ratio overflows (a denormal cost).
  const ratio = (I: number, S: number, Q: number) => {
    const eta = I / (S + Q);
    return S + Q > 0 && Number.isFinite(eta) ? eta : 0;
  };
  const leaveOut = rows.map((v) => ratio(total.I - v.information, total.S - v.entropyChange, total.Q - v.heat / D));
  // The spread about the mean, scaled by the largest |η₋g| so that no square overflows.
  const scale = leaveOut.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  let standardError = 0;
  if (scale > 0) {
    const scaled = leaveOut.map((x) => x / scale);
    const mean = scaled.reduce((s, x) => s + x, 0) / g;
    const spread = scaled.reduce((s, x) => s + (x - mean) ** 2, 0);
    standardError = scale * Math.sqrt(((g - 1) / g) * spread);
  }
  if (!Number.isFinite(standardError)) {
    throw new RangeError(
      "values[…]: the jackknife standard error of η overflows (check information, entropyChange and heat)",
    );
  }
  return {
    t,
    efficiency: ratio(total.I, total.S, total.Q),
    standardError,
    epsilon: epsilon / g,
    information: total.I / g,
    entropyChange: total.S / g,
    heat: (D * total.Q) / g,
    groups: g,
  };
}

/** One sub-ensemble's value, checked field by field (`name` is e.g. "values[2]"); extra fields are ignored. */
function checkSimulationValue(name: string, value: unknown): EfficiencySimulationValue {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object (an efficiencySimulation result), got ${describeValue(value)}`);
  }
  const v = value as Record<string, unknown>;
  return {
    t: check.nonNegative(`${name}.t`, v.t),
    D: check.positive(`${name}.D`, v.D),
    efficiency: check.finite(`${name}.efficiency`, v.efficiency),
    epsilon: check.probability(`${name}.epsilon`, v.epsilon),
    information: check.finite(`${name}.information`, v.information),
    entropyChange: check.finite(`${name}.entropyChange`, v.entropyChange),
    heat: check.finite(`${name}.heat`, v.heat),
  };
}

function describeValue(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/**
 * The theory's η(t) = I/(ΔS(w_n) + Q_n/D) at time t from equilibrium, in the point's regime, for
 * comparison with a simulation point run to t (RK4 as {@link efficiencyAt}, and ≥ 2000 steps to t).
 * @throws TypeError/RangeError naming a bad field or t (> 0); DivergedError if Q blows up before t.
 * @example efficiencyTheoryAt(point, 10) // averaged Hebbian at ν̃ = 3, k = 1: 0.082371 (t → ∞: 0.082373)
 */
export function efficiencyTheoryAt(point: EfficiencyPoint, t: number): number {
  const p = checkPoint("efficiencyTheoryAt", point);
  check.positive("t", t);
  const th = perceptronTheory({
    rule: p.rule,
    alpha: p.alpha,
    nuTilde: p.nuTilde,
    k: p.k,
    D: p.D,
    tEnd: t,
    h: Math.min(theoryStep(p.regime, p.k), t / PEAK_STEPS),
    recordEvery: 2 ** 30,
    ...(p.regime === "online" ? { inputNoise: p.online } : {}),
  });
  return th.efficiency[th.efficiency.length - 1];
}
