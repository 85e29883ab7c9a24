/**
 * Fluctuation theorems as estimators with their statistical errors (issue #12 §3): Jarzynski's
 * equality, Crooks' relation with a weighted fit and Bennett's acceptance ratio, the integral and the
 * detailed fluctuation theorems for the total entropy production. Pure statistics on Float64Array
 * samples (the per-trajectory `work()`/`heat()` of a LangevinEnsemble, or anything else); no wasm.
 *
 * Units (the issue's conventions; Seifert, RPP 75, 126001 (2012) §2): work W, heat Q and free
 * energies ΔF are in the units of the potential V; kT = D is in the same units, so βW = W/kT is in
 * k_BT. Entropies are in nats (units of k_B).
 */
import * as check from "../core/validate.js";
import { binnedHistogram, checkRange, dataRange, finiteSamples } from "../math/histogram.js";

/** ln of the largest double: e^x overflows above this. */
const LN_MAX = Math.log(Number.MAX_VALUE);
/** Fewer effective samples than this flag an exponential average as dominated by rare events. */
export const RARE_EVENT_SAMPLES = 10;

/** An exponential average ⟨e^{x}⟩ of samples x, computed in log space. */
interface ExpAverage {
  /** ln⟨e^{x}⟩ = m + ln(Σ e^{x_i − m}/n), m = max x (log-sum-exp shift). */
  logMean: number;
  /** ln of the standard error √(Σ(e^{x_i} − mean)²/(n − 1)/n); −Infinity when all x are equal. */
  logError: number;
  /** Kish's effective sample size (Σ e^{x_i})²/Σ e^{2x_i}, in [1, n]. */
  effectiveSamples: number;
  /**
   * n·e^{−Var x} (sample variance): the Kish size a Gaussian x of this variance would give with its
   * tails fully sampled. Unlike `effectiveSamples` it is not fooled by tails the sample never reached.
   */
  gaussianEffectiveSamples: number;
}

/**
 * Whether an exponential average is dominated by rare events: fewer than {@link RARE_EVENT_SAMPLES}
 * effective samples by either measure, or n < e^{dissipation} (Jarzynski, PRE 73, 046105 (2006)).
 */
function rareEvents(avg: ExpAverage, n: number, dissipation: number): boolean {
  return (
    avg.effectiveSamples < RARE_EVENT_SAMPLES ||
    avg.gaussianEffectiveSamples < RARE_EVENT_SAMPLES ||
    Math.log(n) < dissipation
  );
}

/** ⟨e^{x}⟩ and its standard error with the log-sum-exp shift: no overflow for any finite x. */
function expAverage(x: Float64Array): ExpAverage {
  const n = x.length;
  let m = x[0];
  for (let i = 1; i < n; i++) if (x[i] > m) m = x[i];
  // Two passes over a_i = e^{x_i − m} ∈ (0, 1]: the mean, then the centred sum of squares (no cancellation).
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[i] - m);
  const abar = s / n;
  let ss = 0,
    s2 = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.exp(x[i] - m);
    ss += (a - abar) * (a - abar);
    s2 += a * a;
  }
  const sd = Math.sqrt(ss / (n - 1));
  let meanX = 0;
  for (let i = 0; i < n; i++) meanX += x[i] / n;
  let varX = 0;
  for (let i = 0; i < n; i++) varX += (x[i] - meanX) ** 2 / (n - 1);
  return {
    gaussianEffectiveSamples: n * Math.exp(-varX),
    logMean: m + Math.log(abar),
    logError: sd > 0 ? m + Math.log(sd / Math.sqrt(n)) : Number.NEGATIVE_INFINITY,
    effectiveSamples: (s * s) / s2,
  };
}

/** e^{v} for a value the caller reports; RangeError naming `name` if it overflows. */
function expReported(name: string, v: number, hint: string): number {
  if (v > LN_MAX) throw new RangeError(`${name}: e^${v} overflows a double; ${hint}`);
  return Math.exp(v);
}

/** (a − b)/error, clamped to ±Number.MAX_VALUE; undefined when the error is 0. */
function zScore(a: number, b: number, error: number): number | undefined {
  if (!(error > 0)) return undefined;
  const z = (a - b) / error;
  return Number.isFinite(z) ? z : Math.sign(z) * Number.MAX_VALUE;
}

/** A χ² clamped to the largest double (it is +Infinity only for data wildly off the fit). */
function clampChi(x: number): number {
  return Math.min(x, Number.MAX_VALUE);
}

/**
 * Throws a RangeError naming `name` if any number of a result (fields, nested objects, typed arrays)
 * is NaN or ±Infinity: only inputs near the double range get here, and no NaN is ever returned.
 */
function assertFinite<T extends object>(name: string, result: T): T {
  const walk = (v: unknown, path: string): void => {
    if (typeof v === "number") {
      if (!Number.isFinite(v))
        throw new RangeError(`${name}: ${path} overflows a double (got ${v}); rescale the input`);
    } else if (v instanceof Float64Array) {
      for (let i = 0; i < v.length; i++) walk(v[i], `${path}[${i}]`);
    } else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    }
  };
  walk(result, "");
  return result;
}

/** −x/kT for every sample, each checked finite (RangeError naming `name` otherwise). */
function scaled(name: string, xs: Float64Array, kT: number, sign = -1): Float64Array {
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    out[i] = (sign * xs[i]) / kT;
    if (!Number.isFinite(out[i])) throw new RangeError(`${name}[${i}]/kT overflows a double (kT = ${kT})`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Jarzynski

/** Options of {@link jarzynski}. */
export interface JarzynskiOptions {
  /** Thermal energy k_BT (= D for the overdamped Langevin of LangevinEnsemble), in units of V; > 0. Default 1. */
  kT?: number;
  /** The exact free-energy difference, in units of V, when known: adds `expected` and `z`. */
  deltaF?: number;
}

/** Jarzynski's equality ⟨e^{−W/kT}⟩ = e^{−ΔF/kT}, each side with its error. */
export interface JarzynskiResult {
  /** ⟨e^{−W/kT}⟩, the sample mean (dimensionless). */
  mean: number;
  /** Standard error of `mean`: sample std of e^{−W/kT} over √n. 0 when all works are equal. */
  error: number;
  /** ln⟨e^{−W/kT}⟩ (= −ΔF/kT estimated), always finite. */
  logMean: number;
  /** The Jarzynski estimate ΔF̂ = −kT ln⟨e^{−W/kT}⟩, in units of V. */
  freeEnergy: number;
  /** Its standard error by the delta method, kT · error/mean, in units of V. */
  freeEnergyError: number;
  /**
   * The leading bias of ΔF̂, (kT/2)(error/mean)² = freeEnergyError²/(2kT), in units of V: ΔF̂ is biased
   * UP by about this much (Jensen; Gore, Ritort & Bustamante, PNAS 100, 12564 (2003)), valid
   * only when the sample is not dominated by rare events.
   */
  bias: number;
  /** The sample mean work ⟨W⟩, in units of V. */
  meanWork: number;
  /** ⟨W⟩ − ΔF̂ ≥ 0: the mean dissipated work, in units of V. */
  dissipatedWork: number;
  /**
   * Kish's effective sample size (Σ e^{−W_i/kT})²/Σ e^{−2W_i/kT}, in [1, n]: how many samples carry
   * the exponential average. For Gaussian work of variance s², about n·e^{−s²/kT²}.
   */
  effectiveSamples: number;
  /**
   * n·e^{−Var(W)/kT²}: the Kish size for Gaussian work of the sample's variance, with its low-work tail
   * fully sampled. A finite sample of a wide distribution never reaches that tail, so `effectiveSamples`
   * can look healthy (10–20 of 1000 draws of N(μ, 16kT²)) while this one (≈ 10⁻⁴) shows the problem.
   */
  gaussianEffectiveSamples: number;
  /**
   * true when the average is (or, given the work's variance, would be) carried by a few rare low-work
   * trajectories: fewer than {@link RARE_EVENT_SAMPLES} by `effectiveSamples` or by
   * `gaussianEffectiveSamples`, or n < e^{⟨W⟩_dis/kT} (Jarzynski, PRE 73, 046105 (2006): about
   * e^{W_dis/kT} trajectories are needed to see the ones that dominate). Then ΔF̂ is biased up by
   * more than `bias`, and `error` is unreliable (too small). A heuristic: for strongly non-Gaussian
   * work the variance criterion may flag a sample that is in fact adequate.
   */
  dominatedByRareEvents: boolean;
  /** e^{−ΔF/kT} for the given deltaF (undefined without it). */
  expected?: number;
  /** (mean − expected)/error: ~ N(0, 1) when the equality holds and n is large. Undefined if error = 0. */
  z?: number;
  /** Number of work samples. */
  samples: number;
}

const JARZYNSKI_KEYS = ["kT", "deltaF"] as const;

/**
 * Jarzynski's equality ⟨e^{−βW}⟩ = e^{−βΔF} (PRL 78, 2690 (1997)), β = 1/kT, from work samples of a
 * protocol started in equilibrium. The exponential average is computed with a log-sum-exp shift, so
 * works of any size give a finite ΔF̂; its error is the sample standard error, propagated to ΔF̂ by
 * the delta method.
 *
 * Known bias: −kT ln of a sample mean is biased up, by ≈ (kT/2N)·Var(e^{−βW})/⟨e^{−βW}⟩² for large N
 * (reported as `bias`), and far more when the work distribution is wide compared with kT: the average
 * is then set by rare trajectories with W < ΔF that a finite sample misses (Gore, Ritort & Bustamante
 * 2003; for Gaussian work of variance s², e^{s²/kT²} samples are needed). Check
 * `dominatedByRareEvents`, or use {@link bennett} with reverse samples, which converges far faster.
 * @param work Float64Array (or number array) of per-trajectory work, units of V; at least 2 samples.
 * @throws TypeError/RangeError naming the option: work not an array, shorter than 2 or holding NaN /
 *   ±Infinity; kT not > 0; deltaF not finite; W/kT or the average e^{−W/kT} overflowing a double
 *   (subtract a constant from the work: ΔF shifts by the same constant).
 * @example
 * ```ts
 * import { jarzynski, runLangevin } from "thermolearn";
 * const stiffness = { t: [0, 0.5], value: [1, 4] }; // κ = 1 → 4: ΔF = ½ ln 4
 * const r = runLangevin({ potential: { kind: "harmonic", stiffness }, steps: 500, particles: 4000, seed: 1 });
 * const j = jarzynski(r.work, { deltaF: 0.5 * Math.log(4) });
 * console.log(j.freeEnergy, j.z); // ≈ 0.684, z ≈ 1.0
 * ```
 */
export function jarzynski(work: Float64Array | readonly number[], options?: JarzynskiOptions): JarzynskiResult {
  const o = check.options("jarzynski", options, JARZYNSKI_KEYS);
  const kT = check.positive("kT", o.kT ?? 1);
  const deltaF = o.deltaF === undefined ? undefined : check.finite("deltaF", o.deltaF);
  const w = finiteSamples("work", work, 2);
  const avg = expAverage(scaled("work", w, kT));
  const hint = "subtract a constant from the work (ΔF shifts by the same constant)";
  const mean = expReported("work: ⟨e^{−W/kT}⟩", avg.logMean, hint);
  const error = expReported("work: the error of ⟨e^{−W/kT}⟩", avg.logError, hint);
  const relative = Math.exp(avg.logError - avg.logMean);
  const freeEnergy = -kT * avg.logMean;
  const freeEnergyError = kT * relative;
  let meanWork = 0;
  for (let i = 0; i < w.length; i++) meanWork += w[i] / w.length;
  const dissipatedWork = Math.max(0, meanWork - freeEnergy);
  const result: JarzynskiResult = {
    mean,
    error,
    logMean: avg.logMean,
    freeEnergy,
    freeEnergyError,
    bias: 0.5 * kT * relative * relative,
    meanWork,
    dissipatedWork,
    effectiveSamples: avg.effectiveSamples,
    gaussianEffectiveSamples: avg.gaussianEffectiveSamples,
    dominatedByRareEvents: rareEvents(avg, w.length, dissipatedWork / kT),
    samples: w.length,
  };
  if (deltaF !== undefined) {
    const expected = expReported("deltaF: e^{−ΔF/kT}", -deltaF / kT, "deltaF/kT must be > −709");
    result.expected = expected;
    const z = zScore(mean, expected, error);
    if (z !== undefined) result.z = z;
  }
  return assertFinite("work", result);
}

// ---------------------------------------------------------------------------------------------------
// Bennett acceptance ratio

/** Options of {@link bennett}. */
export interface BennettOptions {
  /** Thermal energy k_BT in units of V; > 0. Default 1. */
  kT?: number;
  /** The exact ΔF in units of V, when known: adds `z`. */
  deltaF?: number;
}

/** Bennett's acceptance-ratio estimate of ΔF from forward and reverse work. */
export interface BennettResult {
  /** ΔF̂ in units of V: the root of Bennett's self-consistent equation. */
  freeEnergy: number;
  /** Its asymptotic standard error in units of V (Bennett 1976; pymbar's "BAR" uncertainty). */
  freeEnergyError: number;
  /** (freeEnergy − deltaF)/freeEnergyError when deltaF is given (undefined if the error is 0). */
  z?: number;
  /** Newton/bisection iterations used. */
  iterations: number;
  /** Forward and reverse sample counts. */
  forwardSamples: number;
  /** Reverse sample count n_R. */
  reverseSamples: number;
}

const BENNETT_KEYS = ["kT", "deltaF"] as const;

/** The Fermi function 1/(1 + e^x), without overflow. */
function fermi(x: number): number {
  if (x > 0) {
    const e = Math.exp(-x);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(x));
}

/**
 * Bennett's acceptance ratio (J. Comput. Phys. 22, 245 (1976); for non-equilibrium work: Shirts, Bair,
 * Hooker & Pande, PRL 91, 140601 (2003)): the ΔF solving
 *   Σ_i f(M + β(W_F,i − ΔF)) = Σ_j f(−M + β(W_R,j + ΔF)),  f(x) = 1/(1 + eˣ), M = ln(n_F/n_R),
 * the maximum-likelihood estimate given Crooks' relation. The left side minus the right is strictly
 * increasing in ΔF, so the root is bracketed and found by Newton steps safeguarded by bisection, to
 * machine precision. Error: Var(βΔF̂) = (⟨f_F²⟩/⟨f_F⟩² − 1)/n_F + (⟨f_R²⟩/⟨f_R⟩² − 1)/n_R at the root.
 * @param forward work of the forward protocol, units of V (≥ 2 samples).
 * @param reverse work of the time-reversed protocol λ(τ − t) started in equilibrium at λ(τ) (≥ 2).
 * @param kTOrOptions kT (a number, default 1) or {@link BennettOptions}.
 * @throws TypeError/RangeError naming the option: forward/reverse not arrays of ≥ 2 finite numbers,
 *   kT not > 0, deltaF not finite, W/kT overflowing.
 * @example
 * ```ts
 * import { bennett, runLangevin } from "thermolearn";
 * // stiffen a trap κ = 1 → 4 (forward) and relax it 4 → 1 (reverse): ΔF = ½ ln 4 ≈ 0.693 k_BT
 * const run = (from: number, to: number, seed: number) =>
 *   runLangevin({
 *     potential: { kind: "harmonic", stiffness: { t: [0, 0.5], value: [from, to] } },
 *     steps: 500,
 *     particles: 4000,
 *     seed,
 *   });
 * const b = bennett(run(1, 4, 1).work, run(4, 1, 2).work);
 * console.log(b.freeEnergy, b.freeEnergyError); // ≈ 0.69 ± 0.01
 * ```
 */
export function bennett(
  forward: Float64Array | readonly number[],
  reverse: Float64Array | readonly number[],
  kTOrOptions?: number | BennettOptions,
): BennettResult {
  const o =
    typeof kTOrOptions === "number"
      ? { kT: kTOrOptions }
      : check.options<BennettOptions>("bennett", kTOrOptions, BENNETT_KEYS);
  const kT = check.positive("kT", o.kT ?? 1);
  const deltaF = o.deltaF === undefined ? undefined : check.finite("deltaF", o.deltaF);
  const xf = scaled("forward", finiteSamples("forward", forward, 2), kT, 1);
  const xr = scaled("reverse", finiteSamples("reverse", reverse, 2), kT, 1);
  const result = solveBennett(xf, xr);
  const out: BennettResult = {
    freeEnergy: kT * result.f,
    freeEnergyError: kT * result.error,
    iterations: result.iterations,
    forwardSamples: xf.length,
    reverseSamples: xr.length,
  };
  if (deltaF !== undefined) {
    const z = zScore(out.freeEnergy, deltaF, out.freeEnergyError);
    if (z !== undefined) out.z = z;
  }
  return assertFinite("forward/reverse", out);
}

/** Bennett's equation in reduced units (x = βW, f = βΔF): root, its error, iterations. */
function solveBennett(xf: Float64Array, xr: Float64Array): { f: number; error: number; iterations: number } {
  const nf = xf.length,
    nr = xr.length;
  const M = Math.log(nf / nr);
  // g(f) = Σ f(M + x_F − f) − Σ f(−M + x_R + f), increasing in f; g' = Σ f(1−f) over both sums.
  const g = (f: number): [number, number] => {
    let value = 0,
      slope = 0;
    for (let i = 0; i < nf; i++) {
      const p = fermi(M + xf[i] - f);
      value += p;
      slope += p * (1 - p);
    }
    for (let j = 0; j < nr; j++) {
      const p = fermi(-M + xr[j] + f);
      value -= p;
      slope += p * (1 - p);
    }
    return [value, slope];
  };
  // Bracket: at f = max(x_F) + |M| + 40 every forward term is ≈ 1 and every reverse term below e^{-40}
  // once f also exceeds −min(x_R) + |M| + 40, so g > 0; symmetrically g < 0 at the other end.
  let lo = Number.POSITIVE_INFINITY,
    hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < nf; i++) {
    lo = Math.min(lo, xf[i]);
    hi = Math.max(hi, xf[i]);
  }
  for (let j = 0; j < nr; j++) {
    lo = Math.min(lo, -xr[j]);
    hi = Math.max(hi, -xr[j]);
  }
  lo -= Math.abs(M) + 40;
  hi += Math.abs(M) + 40;
  let f = 0.5 * lo + 0.5 * hi;
  let iterations = 0;
  // Newton converges in a few steps from overlapping data; bisection alone ends in < 2200 halvings of
  // any double interval, so the cap is never the stopping rule.
  for (; iterations < 2200; iterations++) {
    const [value, slope] = g(f);
    if (value === 0) break;
    if (value > 0) hi = f;
    else lo = f;
    let next = slope > 0 ? f - value / slope : Number.NaN;
    if (!(next > lo && next < hi)) next = 0.5 * lo + 0.5 * hi;
    const tol = 4 * Number.EPSILON * Math.max(1, Math.abs(f));
    if (Math.abs(next - f) <= tol || hi - lo <= tol) {
      f = next;
      iterations++;
      break;
    }
    f = next;
  }
  // Error at the root.
  let sf = 0,
    sf2 = 0,
    sr = 0,
    sr2 = 0;
  for (let i = 0; i < nf; i++) {
    const p = fermi(M + xf[i] - f);
    sf += p;
    sf2 += p * p;
  }
  for (let j = 0; j < nr; j++) {
    const p = fermi(-M + xr[j] + f);
    sr += p;
    sr2 += p * p;
  }
  const variance = Math.max(0, (nf * sf2) / (sf * sf) - 1) / nf + Math.max(0, (nr * sr2) / (sr * sr) - 1) / nr;
  return { f, error: Number.isFinite(variance) ? Math.sqrt(variance) : Number.MAX_VALUE, iterations };
}

// ---------------------------------------------------------------------------------------------------
// Crooks

/** Options of {@link crooks}. */
export interface CrooksOptions {
  /** Thermal energy k_BT in units of V; > 0. Default 1. */
  kT?: number;
  /** Number of equal-width bins on `range`, an integer in [1, 2²⁴]. Default 40. */
  bins?: number;
  /**
   * [lo, hi] of the work axis w, units of V. Default: where both histograms can have counts, the
   * overlap [max(min W_F, min −W_R), min(max W_F, max −W_R)] (the union when they do not overlap).
   */
  range?: readonly [number, number] | Float64Array;
  /** The exact ΔF in units of V, when known: adds `expected` and the z-scores. */
  deltaF?: number;
  /**
   * How the line and the fixed-slope ΔF are fitted to the paired counts: "binomial" (default), the
   * maximum-likelihood binned logistic regression (unbiased for small counts); "leastSquares",
   * weighted least squares on logRatio with weights 1/logRatioError² (biased by ≈ 1/2n in bins with
   * few counts n: a slope off by ~1σ with the default range's sparse tail bins at 2000 samples).
   */
  method?: "binomial" | "leastSquares";
}

/**
 * A straight-line fit y = slope·w + intercept of a log-ratio, by binomial maximum likelihood or
 * weighted least squares (see {@link CrooksOptions.method}).
 */
export interface LineFit {
  /** Slope, in 1/(units of V); Crooks expects 1/kT. */
  slope: number;
  /** Standard error of the slope. */
  slopeError: number;
  /** Intercept (dimensionless); Crooks expects −ΔF/kT. */
  intercept: number;
  /** Standard error of the intercept. */
  interceptError: number;
  /** Covariance of slope and intercept. */
  covariance: number;
  /**
   * Goodness of fit, ≈ dof when the line fits: Pearson's Σ(n_F,i − N_i q_i)²/(N_i q_i(1 − q_i)) for the
   * binomial fit, Σ((y − fit)/σ)² for least squares.
   */
  chiSquare: number;
  /**
   * Degrees of freedom: bins in the fit − 2 (binomial: every bin with a count in either histogram;
   * least squares: the bins with counts in both).
   */
  dof: number;
}

/** Crooks' relation ln P_F(w) − ln P_R(−w) = (w − ΔF)/kT, bin by bin. */
export interface CrooksResult {
  /** Bin centres w (units of V) of the bins with counts in both histograms. */
  w: Float64Array;
  /** ln P_F(w) − ln P_R(−w) per bin (dimensionless) = ln(n_F,i/n_R,i) + ln(N_R/N_F). */
  logRatio: Float64Array;
  /** Its error √(1/n_F,i + 1/n_R,i) (Poisson counts, delta method). */
  logRatioError: Float64Array;
  /** (w − ΔF)/kT per bin, when deltaF is given. */
  expected?: Float64Array;
  /** Forward counts n_F,i and reverse counts n_R,i (of −W_R) in the bins used. */
  forwardCounts: Float64Array;
  /** Reverse counts n_R,i (of −W_R) per bin. */
  reverseCounts: Float64Array;
  /** Bin width, units of V. The ratio of bin averages differs from the ratio at w by O(width²/kT²). */
  width: number;
  /** The weighted line fit of logRatio against w (undefined with fewer than 2 bins used). */
  fit?: LineFit;
  /**
   * ΔF with the slope held at 1/kT, units of V, with its error and χ² (dof = bins in the fit − 1), by the same
   * `method` (least squares: the weighted mean of w − kT·logRatio). Undefined with no bins used.
   */
  fixedSlope?: {
    /** ΔF, units of V. */
    deltaF: number;
    /** Its standard error, units of V. */
    deltaFError: number;
    /** Goodness of fit (≈ dof when it fits). */
    chiSquare: number;
    /** Degrees of freedom: bins in the fit − 1. */
    dof: number;
  };
  /** z-scores against the exact values, when deltaF is given: (slope − 1/kT)/σ, (intercept + ΔF/kT)/σ. */
  slopeZ?: number;
  /** (intercept + ΔF/kT)/σ, when deltaF is given. */
  interceptZ?: number;
  /** Bennett's acceptance-ratio estimate of ΔF from the same samples ({@link bennett}). */
  bennett: BennettResult;
  /** Forward samples N_F. */
  forwardSamples: number;
  /** Reverse samples N_R. */
  reverseSamples: number;
}

const CROOKS_KEYS = ["kT", "bins", "range", "deltaF", "method"] as const;
const CROOKS_METHODS = ["binomial", "leastSquares"] as const;

/**
 * The binomial ML line through paired counts (see {@link logistic}), started from the least-squares
 * fit `ls` and returned in the same form; `ls` itself when Newton's method fails.
 */
function binomialLine(
  w: Float64Array,
  a: Float64Array,
  b: Float64Array,
  offset: number,
  ls: LineFit,
  h: number,
): LineFit {
  const k = w.length;
  let wbar = 0;
  for (let i = 0; i < k; i++) wbar += w[i] / k;
  const u = w.map((x) => (x - wbar) / h);
  const r = logistic([new Float64Array(k).fill(1), u], a, b, new Float64Array(k).fill(offset), [
    ls.intercept + ls.slope * wbar,
    ls.slope * h,
  ]);
  if (!r.converged) return ls;
  const slope = r.beta[1] / h;
  const slopeVar = r.cov[1][1] / (h * h);
  return {
    slope,
    slopeError: Math.sqrt(slopeVar),
    intercept: r.beta[0] - slope * wbar,
    interceptError: Math.sqrt(Math.max(0, r.cov[0][0] + wbar * wbar * slopeVar - (2 * wbar * r.cov[0][1]) / h)),
    covariance: r.cov[0][1] / h - wbar * slopeVar,
    chiSquare: r.chiSquare,
    dof: k - 2,
  };
}

/** ln(1 + eˣ) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** A binned logistic regression's estimates, their covariance and the Pearson χ². */
interface LogisticFit {
  beta: number[];
  /** Inverse Fisher information, p × p. */
  cov: number[][];
  chiSquare: number;
  /** false when Newton's method could not improve on `start` (the start is returned). */
  converged: boolean;
}

/**
 * Binned logistic regression, the maximum-likelihood fit of counts in paired bins: conditional on a
 * bin's total N_i = a_i + b_i, a_i ~ Binomial(N_i, σ(η_i)) with η_i = offset_i + Σ_j β_j X_j,i and
 * σ(η) = 1/(1 + e^{−η}). For Crooks' relation the log-odds of a forward sample in bin i are
 * ln(λ_F,i/λ_R,i) = logRatio_i + ln(N_F/N_R) exactly, so this fits the line without the small-count
 * bias of least squares on ln(a_i/b_i) (E ln a ≈ ln λ − 1/2λ). It is Bennett's likelihood
 * (Shirts et al. 2003) restricted to binned data. Newton's method on the concave log-likelihood with
 * step halving, from `start`; p ≤ 2 parameters.
 */
function logistic(
  cols: Float64Array[],
  a: Float64Array,
  b: Float64Array,
  offset: Float64Array,
  start: number[],
): LogisticFit {
  const k = a.length,
    p = cols.length;
  const beta = start.slice();
  const eta = (bt: number[], i: number) => {
    let e = offset[i];
    for (let j = 0; j < p; j++) e += bt[j] * cols[j][i];
    return e;
  };
  const logLik = (bt: number[]) => {
    let ll = 0;
    for (let i = 0; i < k; i++) {
      const e = eta(bt, i);
      ll += a[i] * e - (a[i] + b[i]) * softplus(e);
    }
    return ll;
  };
  // Fisher information and score at beta.
  const moments = (bt: number[]) => {
    const H = [
      [0, 0],
      [0, 0],
    ];
    const g = [0, 0];
    for (let i = 0; i < k; i++) {
      const q = fermi(-eta(bt, i)); // σ(η)
      const n = a[i] + b[i];
      const wt = n * q * (1 - q);
      const r = a[i] - n * q;
      for (let j = 0; j < p; j++) {
        g[j] += cols[j][i] * r;
        for (let l = 0; l < p; l++) H[j][l] += cols[j][i] * cols[l][i] * wt;
      }
    }
    return { H, g };
  };
  const invert = (H: number[][]): number[][] | undefined => {
    if (p === 1) return H[0][0] > 0 ? [[1 / H[0][0]]] : undefined;
    const det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
    if (!(det > 0) || !Number.isFinite(det)) return undefined;
    return [
      [H[1][1] / det, -H[0][1] / det],
      [-H[1][0] / det, H[0][0] / det],
    ];
  };
  let ll = logLik(beta);
  let converged = Number.isFinite(ll);
  for (let iter = 0; converged && iter < 100; iter++) {
    const { H, g } = moments(beta);
    const inv = invert(H);
    if (!inv) {
      converged = false;
      break;
    }
    const step = [0, 0];
    for (let j = 0; j < p; j++) for (let l = 0; l < p; l++) step[j] += inv[j][l] * g[l];
    let scale = 1,
      trial = beta.slice(),
      llTrial = Number.NEGATIVE_INFINITY;
    for (let half = 0; half < 60; half++, scale /= 2) {
      trial = beta.map((x, j) => x + scale * step[j]);
      llTrial = logLik(trial);
      if (llTrial >= ll - 1e-12 * Math.abs(ll)) break;
    }
    if (!(llTrial >= ll - 1e-12 * Math.abs(ll))) break;
    const small = step.every((d, j) => Math.abs(scale * d) <= 1e-12 * (1 + Math.abs(beta[j])));
    for (let j = 0; j < p; j++) beta[j] = trial[j];
    ll = llTrial;
    if (small) break;
  }
  const { H } = moments(beta);
  const cov = invert(H);
  if (!converged || !cov) return { beta: start.slice(), cov: [], chiSquare: 0, converged: false };
  let chiSquare = 0;
  for (let i = 0; i < k; i++) {
    const q = fermi(-eta(beta, i));
    const n = a[i] + b[i];
    chiSquare += (a[i] - n * q) ** 2 / (n * q * (1 - q));
  }
  return { beta, cov, chiSquare: clampChi(chiSquare), converged: true };
}

/**
 * Weighted least squares of y on x with weights 1/σ², x centred on its weighted mean and measured in
 * units of `scale` (the bin width) so that no sum overflows.
 */
function lineFit(xs: Float64Array, y: Float64Array, sigma: Float64Array, scale: number): LineFit {
  const x = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) x[i] = xs[i] / scale;
  let S = 0,
    Sx = 0;
  for (let i = 0; i < x.length; i++) {
    const wt = 1 / (sigma[i] * sigma[i]);
    S += wt;
    Sx += wt * x[i];
  }
  const xbar = Sx / S;
  let Suu = 0,
    Suy = 0,
    Sy = 0;
  for (let i = 0; i < x.length; i++) {
    const wt = 1 / (sigma[i] * sigma[i]);
    const u = x[i] - xbar;
    Suu += wt * u * u;
    Suy += wt * u * y[i];
    Sy += wt * y[i];
  }
  const b = Suy / Suu; // slope per bin width
  const yAtMean = Sy / S;
  const intercept = yAtMean - b * xbar;
  let chiSquare = 0;
  for (let i = 0; i < x.length; i++) chiSquare += ((y[i] - yAtMean - b * (x[i] - xbar)) / sigma[i]) ** 2;
  return {
    slope: b / scale,
    slopeError: 1 / Math.sqrt(Suu) / scale,
    intercept,
    interceptError: Math.sqrt(1 / S + (xbar * xbar) / Suu),
    covariance: -xbar / Suu / scale,
    chiSquare: clampChi(chiSquare),
    dof: x.length - 2,
  };
}

/**
 * Crooks' fluctuation relation P_F(W)/P_R(−W) = e^{(W − ΔF)/kT} (PRE 60, 2721 (1999)) from forward
 * work W_F and reverse work W_R (the protocol λ(τ − t) started in equilibrium at λ(τ)). Both are
 * histogrammed on the same bins of w (the reverse as −W_R); in bins with counts in both, the log-ratio
 * of densities and its Poisson error are reported, with a weighted line fit (slope 1/kT, intercept
 * −ΔF/kT expected), the ΔF at fixed slope, and Bennett's estimate of ΔF.
 *
 * The bin-averaged densities make the per-bin log-ratio differ from (w − ΔF)/kT by
 * O(width²·β·(ln P)′/12); keep width ≪ kT and the work spread.
 * @throws TypeError/RangeError naming the option: forward/reverse not arrays of ≥ 2 finite numbers,
 *   kT not > 0, bins not an integer in [1, 2²⁴], range not [lo, hi] with lo < hi, deltaF not finite.
 * @example
 * ```ts
 * import { crooks, runLangevin } from "thermolearn";
 * const run = (from: number, to: number, seed: number) =>
 *   runLangevin({
 *     potential: { kind: "harmonic", stiffness: { t: [0, 0.5], value: [from, to] } },
 *     steps: 500,
 *     particles: 4000,
 *     seed,
 *   });
 * const c = crooks(run(1, 4, 1).work, run(4, 1, 2).work, { bins: 20, deltaF: 0.5 * Math.log(4) });
 * console.log(c.fit?.slope, c.slopeZ); // ≈ 0.95 (1/kT = 1 expected), z ≈ −1.2
 * ```
 */
export function crooks(
  forward: Float64Array | readonly number[],
  reverse: Float64Array | readonly number[],
  options?: CrooksOptions,
): CrooksResult {
  const o = check.options("crooks", options, CROOKS_KEYS);
  const kT = check.positive("kT", o.kT ?? 1);
  const bins = check.integer("bins", o.bins ?? 40, 1, 2 ** 24);
  const deltaF = o.deltaF === undefined ? undefined : check.finite("deltaF", o.deltaF);
  const method = o.method === undefined ? "binomial" : check.oneOf("method", o.method, CROOKS_METHODS);
  const wf = finiteSamples("forward", forward, 2);
  const wr = finiteSamples("reverse", reverse, 2);
  const minusR = new Float64Array(wr.length);
  for (let j = 0; j < wr.length; j++) minusR[j] = -wr[j];
  let lo: number, hi: number;
  if (o.range !== undefined) [lo, hi] = checkRange("range", o.range);
  else {
    const [fl, fh] = dataRange("forward", wf);
    const [rl, rh] = dataRange("reverse", minusR);
    const overlapLo = Math.max(fl, rl),
      overlapHi = Math.min(fh, rh);
    [lo, hi] = overlapLo < overlapHi ? [overlapLo, overlapHi] : [Math.min(fl, rl), Math.max(fh, rh)];
    if (!Number.isFinite(hi - lo)) throw new RangeError(`forward/reverse: the work axis overflows; give range`);
  }
  const name = o.range === undefined ? "forward/reverse work range" : "range";
  const hf = binnedHistogram(wf, lo, hi, bins, name);
  const hr = binnedHistogram(minusR, lo, hi, bins, name);
  const used: number[] = [];
  for (let i = 0; i < bins; i++) if (hf.counts[i] > 0 && hr.counts[i] > 0) used.push(i);
  const k = used.length;
  const w = new Float64Array(k),
    logRatio = new Float64Array(k),
    logRatioError = new Float64Array(k),
    forwardCounts = new Float64Array(k),
    reverseCounts = new Float64Array(k);
  const norm = Math.log(wr.length / wf.length);
  for (let a = 0; a < k; a++) {
    const i = used[a];
    w[a] = hf.centres[i];
    forwardCounts[a] = hf.counts[i];
    reverseCounts[a] = hr.counts[i];
    logRatio[a] = Math.log(hf.counts[i] / hr.counts[i]) + norm;
    logRatioError[a] = Math.sqrt(1 / hf.counts[i] + 1 / hr.counts[i]);
  }
  const result: CrooksResult = {
    w,
    logRatio,
    logRatioError,
    forwardCounts,
    reverseCounts,
    width: hf.width,
    bennett: bennett(wf, wr, deltaF === undefined ? { kT } : { kT, deltaF }),
    forwardSamples: wf.length,
    reverseSamples: wr.length,
  };
  // The binomial fits also take the one-sided bins (a zero count is information: leaving those bins
  // out, i.e. conditioning on both counts > 0, biases the slope down). With ≥ 2 two-sided bins the
  // likelihood has a finite maximum (no separation).
  const any: number[] = [];
  for (let i = 0; i < bins; i++) if (hf.counts[i] + hr.counts[i] > 0) any.push(i);
  const allW = Float64Array.from(any, (i) => hf.centres[i]),
    allF = Float64Array.from(any, (i) => hf.counts[i]),
    allR = Float64Array.from(any, (i) => hr.counts[i]);
  // The counts are Poisson-like per bin, but the totals N_F, N_R are fixed by design: the uniform shift
  // of every log-odds that a fluctuating total would cause is absent, so the variance of an intercept
  // (not of a slope) is smaller by 1/N_F + 1/N_R (the same correction as in Shirts et al. 2003, Eq. 10).
  const totals = 1 / wf.length + 1 / wr.length;
  const lessTotals = (variance: number) => (variance > totals ? variance - totals : variance);
  if (k >= 2) {
    const ls = lineFit(w, logRatio, logRatioError, hf.width);
    const fit = method === "binomial" ? binomialLine(allW, allF, allR, -norm, ls, hf.width) : ls;
    fit.interceptError = Math.sqrt(lessTotals(fit.interceptError ** 2));
    result.fit = fit;
  }
  if (k >= 1) {
    // Per bin ΔF_i = w_i − kT·logRatio_i ± kT·σ_i; weights 1/σ_i² (kT factored out against underflow).
    let S = 0,
      Sd = 0;
    for (let a = 0; a < k; a++) {
      const wt = 1 / logRatioError[a] ** 2;
      S += wt;
      Sd += wt * (w[a] - kT * logRatio[a]);
    }
    const est = Sd / S;
    let chiSquare = 0;
    for (let a = 0; a < k; a++) chiSquare += ((w[a] - est) / kT - logRatio[a]) ** 2 / logRatioError[a] ** 2;
    result.fixedSlope = {
      deltaF: est,
      deltaFError: kT * Math.sqrt(lessTotals(1 / S)),
      chiSquare: clampChi(chiSquare),
      dof: k - 1,
    };
    if (method === "binomial") {
      // Log-odds of a forward sample: −ΔF/kT + w/kT + ln(N_F/N_R); fit the one constant.
      const offset = allW.map((x) => x / kT - norm);
      const r = logistic([new Float64Array(allW.length).fill(1)], allF, allR, offset, [-est / kT]);
      if (r.converged) {
        result.fixedSlope = {
          deltaF: -kT * r.beta[0],
          deltaFError: kT * Math.sqrt(lessTotals(r.cov[0][0])),
          chiSquare: r.chiSquare,
          dof: allW.length - 1,
        };
      }
    }
  }
  if (deltaF !== undefined) {
    const expected = new Float64Array(k);
    for (let a = 0; a < k; a++) expected[a] = (w[a] - deltaF) / kT;
    result.expected = expected;
    if (result.fit) {
      const sz = zScore(result.fit.slope, 1 / kT, result.fit.slopeError);
      const iz = zScore(result.fit.intercept, -deltaF / kT, result.fit.interceptError);
      if (sz !== undefined) result.slopeZ = sz;
      if (iz !== undefined) result.interceptZ = iz;
    }
  }
  return assertFinite("forward/reverse", result);
}

// ---------------------------------------------------------------------------------------------------
// Entropy production

/** The integral fluctuation theorem ⟨e^{−ΔS_tot}⟩ = 1, with its error. */
export interface IntegralFluctuationResult {
  /** ⟨e^{−ΔS_tot}⟩ (dimensionless; ΔS in nats). */
  mean: number;
  /** Standard error of `mean` (sample std / √n); 0 when all samples are equal. */
  error: number;
  /** (mean − 1)/error; ~ N(0, 1) when the theorem holds. Undefined when error = 0. */
  z?: number;
  /** ln⟨e^{−ΔS_tot}⟩, always finite (0 expected). */
  logMean: number;
  /** The sample mean ⟨ΔS_tot⟩ in nats (≥ 0 expected, by Jensen). */
  meanEntropy: number;
  /** Kish's effective sample size of the exponential average (see {@link JarzynskiResult}). */
  effectiveSamples: number;
  /** n·e^{−Var ΔS} (see {@link JarzynskiResult}). */
  gaussianEffectiveSamples: number;
  /** As in {@link JarzynskiResult}, with ⟨ΔS_tot⟩ in place of ⟨W⟩_dis/kT. */
  dominatedByRareEvents: boolean;
  /** Samples used. */
  samples: number;
}

/**
 * The integral fluctuation theorem ⟨e^{−ΔS_tot}⟩ = 1 (Seifert, PRL 95, 040602 (2005)) from samples of
 * the total entropy production (nats), e.g. {@link totalEntropyProduction}. Same estimator (log-sum-exp,
 * standard error) and the same bias caveats as {@link jarzynski}.
 * @param totalEntropy Float64Array (or number array) of ΔS_tot per trajectory, in nats; ≥ 2 samples.
 * @throws TypeError/RangeError naming `totalEntropy`: not an array, fewer than 2 samples, NaN/±Infinity,
 *   or ⟨e^{−ΔS}⟩ overflowing a double.
 * @example
 * ```ts
 * import { Rng, integralFluctuation } from "thermolearn";
 * const rng = new Rng({ seed: 1 });
 * const s = rng.normal(20_000).map((z) => 1 + Math.sqrt(2) * z); // ΔS ~ N(1, 2): ⟨e^{−ΔS}⟩ = 1
 * rng.dispose();
 * const r = integralFluctuation(s);
 * console.log(r.mean, r.error, r.z); // ≈ 1.02 ± 0.02, z ≈ 0.9
 * ```
 */
export function integralFluctuation(totalEntropy: Float64Array | readonly number[]): IntegralFluctuationResult {
  const s = finiteSamples("totalEntropy", totalEntropy, 2);
  const avg = expAverage(scaled("totalEntropy", s, 1));
  const hint = "ΔS_tot this negative is not an entropy production";
  const mean = expReported("totalEntropy: ⟨e^{−ΔS}⟩", avg.logMean, hint);
  const error = expReported("totalEntropy: the error of ⟨e^{−ΔS}⟩", avg.logError, hint);
  let meanEntropy = 0;
  for (let i = 0; i < s.length; i++) meanEntropy += s[i] / s.length;
  const out: IntegralFluctuationResult = {
    mean,
    error,
    logMean: avg.logMean,
    meanEntropy,
    effectiveSamples: avg.effectiveSamples,
    gaussianEffectiveSamples: avg.gaussianEffectiveSamples,
    dominatedByRareEvents: rareEvents(avg, s.length, meanEntropy),
    samples: s.length,
  };
  const z = zScore(mean, 1, error);
  if (z !== undefined) out.z = z;
  return assertFinite("totalEntropy", out);
}

/**
 * Total entropy production per trajectory, ΔS_tot = Q/kT + ln p(x₀, 0) − ln p(x_τ, τ), in nats
 * (theory12.md: medium entropy Q/kT with Q the heat INTO the bath, plus the change of the system's
 * stochastic entropy −ln p). Elementwise on equal-length arrays.
 * @param heat Q per trajectory, units of V.
 * @param kT k_BT in units of V (> 0).
 * @param lnP0 ln p(x₀, 0) per trajectory: the log density (in ln(1/length)) at the start.
 * @param lnP1 ln p(x_τ, τ) per trajectory at the end (e.g. from the Fokker–Planck density).
 * @throws TypeError/RangeError naming the argument: not arrays of finite numbers, lengths differing,
 *   kT not > 0, a result overflowing.
 * @example
 * ```ts
 * import { Rng, totalEntropyProduction } from "thermolearn";
 * // equilibrium in a fixed trap V = x²/2 at D = 1: ln p(x) = −x²/2 − ½ ln 2π, and the heat is −ΔV
 * const rng = new Rng({ seed: 1 });
 * const x0 = rng.normal(5),
 *   x1 = rng.normal(5);
 * rng.dispose();
 * const lnp = (x: number) => -x * x / 2 - 0.5 * Math.log(2 * Math.PI);
 * const heat = x0.map((x, i) => x * x / 2 - x1[i] * x1[i] / 2);
 * console.log(totalEntropyProduction(heat, 1, x0.map(lnp), x1.map(lnp))); // 0 for every sample (to rounding)
 * ```
 */
export function totalEntropyProduction(
  heat: Float64Array | readonly number[],
  kT: number,
  lnP0: Float64Array | readonly number[],
  lnP1: Float64Array | readonly number[],
): Float64Array {
  const q = finiteSamples("heat", heat);
  const t = check.positive("kT", kT);
  const p0 = finiteSamples("lnP0", lnP0);
  const p1 = finiteSamples("lnP1", lnP1);
  if (p0.length !== q.length) throw new RangeError(`lnP0 must have length ${q.length} (heat), got ${p0.length}`);
  if (p1.length !== q.length) throw new RangeError(`lnP1 must have length ${q.length} (heat), got ${p1.length}`);
  const out = new Float64Array(q.length);
  for (let i = 0; i < q.length; i++) {
    out[i] = q[i] / t + p0[i] - p1[i];
    if (!Number.isFinite(out[i])) throw new RangeError(`heat[${i}]/kT + lnP0[${i}] − lnP1[${i}] overflows a double`);
  }
  return out;
}

/** Options of {@link detailedFluctuation}. */
export interface DetailedFluctuationOptions {
  /** Bins on [0, max] of |ΔS|, an integer in [1, 2²⁴]. Default 40. */
  bins?: number;
  /** Upper end of the |ΔS| axis, nats, > 0. Default: max |ΔS| of the samples. */
  max?: number;
  /**
   * How the slope is fitted: "binomial" (default; the ML fit of n₊ given n₊ + n₋ in every bin with a
   * count, log-odds slope·s) or "leastSquares" (weighted, through the origin, on the two-sided bins).
   * See {@link CrooksOptions.method}.
   */
  method?: "binomial" | "leastSquares";
}

/** The detailed fluctuation theorem ln P(ΔS)/P(−ΔS) = ΔS, bin by bin on ΔS > 0. */
export interface DetailedFluctuationResult {
  /** Bin centres s > 0 (nats) of the bins with counts at both +s and −s. */
  s: Float64Array;
  /** ln(n₊/n₋): ln P(s) − ln P(−s), expected = s. */
  logRatio: Float64Array;
  /** √(1/n₊ + 1/n₋) (Poisson). */
  logRatioError: Float64Array;
  /** Counts of samples in the bin at +s and at −s. */
  positiveCounts: Float64Array;
  /** Counts of samples in the bin at −s. */
  negativeCounts: Float64Array;
  /** Bin width, nats. */
  width: number;
  /**
   * The fit through the origin logRatio = slope·s (slope 1 expected; `method`), with its error, χ²
   * (dof = bins in the fit − 1) and z = (slope − 1)/slopeError. Undefined with no two-sided bin.
   */
  fit?: {
    /** Fitted slope (1 expected). */
    slope: number;
    /** Its standard error. */
    slopeError: number;
    /** Goodness of fit (≈ dof when it fits). */
    chiSquare: number;
    /** Degrees of freedom: bins in the fit − 1. */
    dof: number;
    /** (slope − 1)/slopeError. */
    z: number;
  };
  /** Samples used. */
  samples: number;
}

const DETAILED_KEYS = ["bins", "max", "method"] as const;

/**
 * The detailed fluctuation theorem P(ΔS)/P(−ΔS) = e^{ΔS} (Seifert, RPP 75, 126001 (2012) §3.3:
 * exact for the total entropy production in a non-equilibrium steady state, at any trajectory length).
 * Samples with ΔS > 0 are histogrammed at ΔS and those with ΔS < 0 at −ΔS on the same bins of [0, max]
 * (exactly mirrored bins; ΔS = 0 counts in neither), so each bin's two counts share one width.
 * @param entropy ΔS per trajectory, nats; ≥ 2 samples.
 * @param options the number of bins, or {@link DetailedFluctuationOptions}.
 * @throws TypeError/RangeError naming the option: entropy not an array of ≥ 2 finite numbers, bins
 *   not an integer in [1, 2²⁴], max not > 0 (or all samples 0 without max).
 * @example
 * ```ts
 * import { Rng, detailedFluctuation } from "thermolearn";
 * // ΔS ~ N(μ, 2μ) obeys P(ΔS)/P(−ΔS) = e^{ΔS} exactly
 * const rng = new Rng({ seed: 1 });
 * const s = rng.normal(20_000).map((z) => 1 + Math.sqrt(2) * z);
 * rng.dispose();
 * console.log(detailedFluctuation(s, { bins: 20 }).fit?.slope); // ≈ 0.99
 * ```
 */
export function detailedFluctuation(
  entropy: Float64Array | readonly number[],
  options?: number | DetailedFluctuationOptions,
): DetailedFluctuationResult {
  const o =
    typeof options === "number"
      ? { bins: options }
      : check.options<DetailedFluctuationOptions>("detailedFluctuation", options, DETAILED_KEYS);
  const method = o.method === undefined ? "binomial" : check.oneOf("method", o.method, CROOKS_METHODS);
  const bins = check.integer("bins", o.bins ?? 40, 1, 2 ** 24);
  const s = finiteSamples("entropy", entropy, 2);
  let max: number;
  if (o.max !== undefined) max = check.positive("max", o.max);
  else {
    max = 0;
    for (let i = 0; i < s.length; i++) max = Math.max(max, Math.abs(s[i]));
    if (!(max > 0)) throw new RangeError("entropy: every sample is 0; give max");
  }
  const pos: number[] = [],
    neg: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] > 0) pos.push(s[i]);
    else if (s[i] < 0) neg.push(-s[i]);
  }
  const name = o.max === undefined ? "entropy (its largest |ΔS|)" : "max";
  const hp = binnedHistogram(Float64Array.from(pos), 0, max, bins, name);
  const hn = binnedHistogram(Float64Array.from(neg), 0, max, bins, name);
  const used: number[] = [];
  for (let i = 0; i < bins; i++) if (hp.counts[i] > 0 && hn.counts[i] > 0) used.push(i);
  const k = used.length;
  const centres = new Float64Array(k),
    logRatio = new Float64Array(k),
    logRatioError = new Float64Array(k),
    positiveCounts = new Float64Array(k),
    negativeCounts = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    const i = used[a];
    centres[a] = hp.centres[i];
    positiveCounts[a] = hp.counts[i];
    negativeCounts[a] = hn.counts[i];
    logRatio[a] = Math.log(hp.counts[i] / hn.counts[i]);
    logRatioError[a] = Math.sqrt(1 / hp.counts[i] + 1 / hn.counts[i]);
  }
  const out: DetailedFluctuationResult = {
    s: centres,
    logRatio,
    logRatioError,
    positiveCounts,
    negativeCounts,
    width: hp.width,
    samples: s.length,
  };
  if (k >= 1) {
    let Sxx = 0,
      Sxy = 0;
    for (let a = 0; a < k; a++) {
      const wt = 1 / logRatioError[a] ** 2;
      Sxx += wt * centres[a] * centres[a];
      Sxy += wt * centres[a] * logRatio[a];
    }
    let slope = Sxy / Sxx;
    let slopeError = 1 / Math.sqrt(Sxx);
    let chiSquare = 0;
    for (let a = 0; a < k; a++) chiSquare += ((logRatio[a] - slope * centres[a]) / logRatioError[a]) ** 2;
    let dof = k - 1;
    if (method === "binomial") {
      // Every bin with a count; the odds of +s against −s are P(s)/P(−s) = e^{slope·s}, no offset.
      const any: number[] = [];
      for (let i = 0; i < bins; i++) if (hp.counts[i] + hn.counts[i] > 0) any.push(i);
      const r = logistic(
        [Float64Array.from(any, (i) => hp.centres[i])],
        Float64Array.from(any, (i) => hp.counts[i]),
        Float64Array.from(any, (i) => hn.counts[i]),
        new Float64Array(any.length),
        [slope],
      );
      if (r.converged) {
        slope = r.beta[0];
        slopeError = Math.sqrt(r.cov[0][0]);
        chiSquare = r.chiSquare;
        dof = any.length - 1;
      }
    }
    out.fit = { slope, slopeError, chiSquare: clampChi(chiSquare), dof, z: zScore(slope, 1, slopeError) ?? 0 };
  }
  return assertFinite("entropy", out);
}
