/**
 * Goldt & Seifert's information bound (PRL 118, 010601 (2017), Eq. (9); New J. Phys. 19, 113001 (2017)):
 * a perceptron that learns P labelled inputs from an equilibrium start obeys
 *
 *     Σ_μ I(σ_T^μ; σ^μ) ≤ Σ_n [ΔS(w_n) + ΔQ_n]                                        (nats)
 *
 * with σ_T^μ the true label of training input ξ^μ, σ^μ = sign(w·ξ^μ) the student's, ΔS(w_n) the change
 * of the Shannon entropy of weight n's marginal and ΔQ_n/T the heat it dissipated (k_B = 1). The chain:
 * the second law for w given the labels, ΔS(w | σ_T) + Q/T ≥ 0, so ΔS(w) + Q/T ≥ I(w; σ_T); the
 * predictions are functions of w (data processing); independent labels make the information add up
 * over patterns; an equilibrium start factorises, so ΔS(w) ≤ Σ_n ΔS(w_n). With random labels every step
 * is exact; with teacher labels sign(T·ξ^μ) the labels of two patterns are correlated through
 * ξ^μ·ξ^ν/n = O(n^{−1/2}), so the sum over patterns is then a check, not a theorem.
 *
 * Everything is estimated over an ensemble of M trajectories that share the inputs ξ^μ and differ in
 * their labels (random mode) or teachers (teacher mode), their initial weights and their noise.
 * `runInformationBound` runs synchronously, `runInformationBoundAsync` yields to the event loop.
 */
import { checkRunCallbacks, driveAsync, driveSync } from "../core/drive.js";
import { progress, resultHeader, type ResultHeader, type RunProgress, type RunStatus } from "../core/model.js";
import * as check from "../core/validate.js";
import { MAX_COUNT } from "../core/validate.js";
import {
  PERCEPTRON_OPTION_KEYS,
  Perceptron,
  resolvePerceptronConfig,
  type PerceptronConfig,
  type PerceptronOptions,
} from "./model.js";

/** What `onProgress` receives: steps done of the run's total, and the simulated time t = done·Δt. */
export interface InformationBoundProgress extends RunProgress {
  /** Time t = steps·Δt reached. */
  t: number;
}

/**
 * Options of {@link runInformationBound}: the {@link Perceptron}'s options plus the run's. Defaults that
 * differ from the Perceptron's are marked; the rest (rule "hebbian", k = 1, D = 1, ν = 3√n, B = 30,
 * inputs "sampled", sampling "replacement") are the Perceptron's.
 */
export interface InformationBoundOptions extends PerceptronOptions {
  /** Number of weights. Default 200 (Perceptron: 10 000). */
  n?: number;
  /** Number P of training inputs (patterns), ≥ 1. Default 100 (Perceptron: 0). */
  trainSize?: number;
  /** "random" (default here; i.i.d. ±1 labels per trajectory) or "teacher" (sign(T·ξ^μ), per-trajectory T). */
  labels?: "teacher" | "random";
  /** Ensemble size M, ≥ 8: the trajectories the estimators average over. Default 400 (Perceptron: 1). */
  trajectories?: number;
  /** Euler–Maruyama time step. Default 0.01 (Perceptron: 10⁻³): the bound needs M ≈ 400 trajectories. */
  dt?: number;
  /** Steps to run. Default: tEnd/dt. */
  steps?: number;
  /** End time (alternative to steps). Default 5 (five relaxation times 1/k at k = 1). */
  tEnd?: number;
  /** Record every this many steps. Default: steps/50, at least 1. */
  recordEvery?: number;
  /** The m of the m-spacing entropy estimator, 1 ≤ m < M. Default round(√M) (20 at M = 400). */
  spacing?: number;
  /** Called after each recorded chunk. */
  onProgress?: (progress: InformationBoundProgress) => void;
  /** Stops the run early; the result then has status "aborted" and holds what was recorded. */
  signal?: AbortSignal;
}

/** The options after defaults, as recorded in results: the Perceptron's config plus the run's plan. */
export interface InformationBoundConfig extends PerceptronConfig {
  /** Steps the run was asked for. */
  steps: number;
  /** Steps between records. */
  recordEvery: number;
  /** m of the m-spacing entropy estimator. */
  spacing: number;
}

/**
 * A recorded run: `version`, `config`, `backend`, `status` ("completed", "diverged" (see divergedAt) or
 * "aborted"), `elapsedMs`, then Float64Array columns over the recorded times. Sums over patterns or
 * weights are totals (not per weight), in nats; heats are divided by the temperature D (k_B = 1), so they
 * are entropies of the medium (for D = 1, the default, the heat itself).
 *
 * Heat convention: {@link Perceptron.heat}. With a training set the library's heat takes the learning
 * force at w_t and omits the Stratonovich term D∫∇·f dt. That is exact for Hebbian (∇·f = 0). For the
 * Perceptron and AdaTron rules ∇·f = (ν√n/B)Σ_b 𝓕′(s_b) ≤ 0 (𝓕′ = −δ(s), resp. −Θ(−s)), so the recorded
 * heat exceeds the Stratonovich heat by D∫|∇·f|dt ≥ 0: `heatSum` and `bound` are then upper estimates of
 * the true right-hand side, and the inequality checked is weaker than the theorem by that amount (it
 * cannot fail because of it; it can pass with a margin the true heat would not give). The α-tron's
 * ∇·f has both signs. For batch learning `heatSumEnergy` gives the exact heat from the energies instead
 * (measured, Perceptron rule, n = 200, P = 100, ν̃ = 3, t = 5: `heatSum` 2827 nats against `heatSumEnergy`
 * 228 at Δt = 0.01, 2776 against 231 at Δt = 10⁻³: the step's heat grows ≈ 500 nats per unit time in a
 * steady state whose true heat is stationary).
 */
export interface InformationBoundResult extends ResultHeader<InformationBoundConfig> {
  /** The run's integer seed (`config.seed`). */
  seed: number;
  /** The seed of each trajectory's stream, streamSeed(seed, firstTrajectory + j). */
  trajectorySeeds: number[];
  /** Time t = steps·Δt at which a trajectory diverged (the run stopped there), or null. */
  divergedAt: number | null;
  /** Steps run. */
  steps: number;
  /** Time t = steps·Δt of each record (the first is t = 0). */
  t: Float64Array;
  /** Σ_μ I(σ_T^μ; σ^μ), nats: the Miller–Madow-corrected plug-in estimate ({@link tableInformation}). */
  informationSum: Float64Array;
  /** Σ_μ of the raw plug-in estimates, nats (biased up by about P/(2M)). */
  informationSumPlugIn: Float64Array;
  /**
   * Jackknife (delete-one-trajectory) standard error of `informationSum`, nats. It includes the
   * correlations between patterns (every pattern's table uses the same trajectories); the jackknife
   * variance is conservative in expectation (Efron & Stein, Ann. Stat. 9, 586 (1981)).
   */
  informationSumStdErr: Float64Array;
  /** Σ_n ΔS(w_n), nats, from the Gaussian estimate ({@link Perceptron.entropyChange} × n). */
  entropySum: Float64Array;
  /** Σ_n ΔS(w_n), nats, from the m-spacing estimator ({@link spacingEntropy}); null if samples tied. */
  entropySumSpacing: Float64Array | null;
  /** Σ_n ΔQ_n/D: the total heat, averaged over trajectories, over the temperature, nats. */
  heatSum: Float64Array;
  /**
   * The part of `heatSum` due to input fluctuations (Wennberg's excess; {@link Perceptron.excessHeat}),
   * averaged over trajectories, over D, nats. 0 for batch learning (inputs "averaged"); null for B = 1.
   */
  excessHeatSum: Float64Array | null;
  /**
   * Batch learning only (inputs "averaged" with the training set; else null): the exact Stratonovich heat
   * of the gradient flow, −Δ⟨U + V⟩/D, nats. Every rule's batch force is f = −∇U with
   * U(w) = −(ν√n/P) Σ_μ g(s_μ), g′ = 𝓕, s_μ = σ_T^μ w·ξ^μ/√n (g(s) = s; min(s, 0); −½s²Θ(−s);
   * min(s, 0) + s^{α+1}Θ(s)/(α + 1)), so the first law with a time-independent potential gives the heat
   * from the energies alone, kink crossings included. The library's batch heat is computed the same
   * way in wasm, step by step, so the two agree to rounding: this column is an independent check. Null
   * also when n²P > 2³¹ (reading the inputs back costs n²P).
   */
  heatSumEnergy: Float64Array | null;
  /** entropySum + heatSumEnergy (batch learning), nats; null with heatSumEnergy. */
  boundEnergy: Float64Array | null;
  /** entropySum + heatSum, nats: the right-hand side with the Gaussian ΔS. */
  bound: Float64Array;
  /** entropySumSpacing + heatSum, nats; null with entropySumSpacing. */
  boundSpacing: Float64Array | null;
  /** informationSum/bound where bound > 0, else 0 (Goldt & Seifert's efficiency of the training set; ≤ 1). */
  ratio: Float64Array;
  /** I(σ_T^μ; σ^μ) per pattern at the last record, Miller–Madow-corrected, nats (length P). */
  patternInformation: Float64Array;
  /** The plug-in estimates per pattern at the last record, nats (length P). */
  patternInformationPlugIn: Float64Array;
  /**
   * Whether informationSum ≤ bound + 3·informationSumStdErr at every recorded time (3 standard errors:
   * at t = 0 the true information and the bound are both 0, and the estimate scatters around 0).
   */
  holds: boolean;
  /** The same with boundSpacing; null with it. */
  holdsSpacing: boolean | null;
  /** The same with boundEnergy; null with it. */
  holdsEnergy: boolean | null;
}

/** Standard errors of ΣI allowed above the bound before {@link InformationBoundResult.holds} is false. */
const HOLDS_Z = 3;

/** The fewest trajectories: the tables and the spacing estimator need a few samples (m < M). */
const MIN_TRAJECTORIES = 8;

/**
 * The smallest equilibrium weight variance D/k accepted (the Perceptron bounds it from above through
 * maxWeightRms). ΔS(w_n) takes ½ ln(Var_t/Var_0) of each
 * weight's variance across the trajectories, so Var_0, its fluctuation below D/k and the ratio must stay
 * normal, finite doubles: at M = 8 a sample variance falls below 10⁻¹² · D/k with probability < 10⁻³⁶,
 * and the learned part of Var_t (order ν̃²/k², independent of D) over 10⁻²⁰⁰ stays far below 10³⁰⁸.
 */
const MIN_EQUILIBRIUM_VARIANCE = 1e-200;

/** The longest run accepted, in steps (as runPerceptron). */
const MAX_STEPS = 2 ** 40;

const RUN_KEYS = [
  ...PERCEPTRON_OPTION_KEYS,
  "steps",
  "tEnd",
  "recordEvery",
  "spacing",
  "onProgress",
  "signal",
] as const;

/** This entry point's defaults for the Perceptron options, where they differ from the Perceptron's. */
function withDefaults(options: InformationBoundOptions): PerceptronOptions {
  const { steps: _s, tEnd: _t, recordEvery: _r, spacing: _m, onProgress: _o, signal: _g, ...model } = options;
  return { n: 200, trainSize: 100, labels: "random", trajectories: 400, dt: 0.01, ...model };
}

/**
 * Validates the options of {@link runInformationBound} once and fills in defaults, without running.
 * @throws TypeError/RangeError naming the option: besides the Perceptron's checks, trainSize ≥ 1,
 *   trajectories ≥ 8, D > 0 (the entropy of the medium is Q/D), D/k ≥ 10⁻²⁰⁰ (the equilibrium variance
 *   the ensemble's ΔS(w_n) is measured against), init "equilibrium" (ΔS needs the spread of
 *   an equilibrium start), a per-trajectory teacher for labels "teacher" (a shared one fixes every label,
 *   so I = 0), 1 ≤ spacing < trajectories.
 * @example
 * ```ts
 * import { resolveInformationBoundConfig } from "thermolearn";
 * const c = resolveInformationBoundConfig({ n: 200, trainSize: 100, trajectories: 64 });
 * console.log(c.sampling, c.spacing); // "replacement", 8 (round(√64))
 * ```
 */
export function resolveInformationBoundConfig(options?: InformationBoundOptions): InformationBoundConfig {
  options = check.options("runInformationBound", options, RUN_KEYS);
  const model = withDefaults(options);
  const c = resolvePerceptronConfig(model);
  if (c.trainSize < 1) throw new RangeError("trainSize must be ≥ 1: the bound is about the labels of a training set");
  if (c.trajectories < MIN_TRAJECTORIES) {
    throw new RangeError(`trajectories must be ≥ ${MIN_TRAJECTORIES} (the estimators average over the ensemble)`);
  }
  if (!(c.D > 0)) throw new RangeError("D must be > 0: the heat enters the bound as the medium's entropy Q/D");
  const spread = c.D / c.k;
  if (!(spread >= MIN_EQUILIBRIUM_VARIANCE)) {
    throw new RangeError(
      `D/k: the equilibrium weight variance D/k = ${spread} (D = ${c.D}, k = ${c.k}) must be ≥ ` +
        `${MIN_EQUILIBRIUM_VARIANCE} to estimate ΔS(w_n) from the ensemble`,
    );
  }
  if (c.init !== "equilibrium") {
    throw new RangeError(
      'init must be "equilibrium": ΔS(w_n) needs the spread of weights across trajectories at t = 0',
    );
  }
  if (c.labels === "teacher" && c.teacher !== "per-trajectory") {
    throw new RangeError(
      'teacher must be "per-trajectory" with labels "teacher": one teacher fixes every label (I = 0)',
    );
  }
  if (options.steps !== undefined && options.tEnd !== undefined) throw new TypeError("give steps or tEnd, not both");
  const steps =
    options.steps !== undefined
      ? check.integer("steps", options.steps, 0, MAX_STEPS)
      : Math.round(check.positive("tEnd", options.tEnd ?? 5) / c.dt);
  if (!(steps <= MAX_STEPS)) throw new RangeError(`tEnd/dt must be ≤ 2⁴⁰ steps, got ${steps}`);
  const recordEvery = check.integer(
    "recordEvery",
    options.recordEvery ?? Math.max(1, Math.round(steps / 50)),
    1,
    MAX_COUNT,
  );
  const spacing = check.integer(
    "spacing",
    options.spacing ?? Math.round(Math.sqrt(c.trajectories)),
    1,
    c.trajectories - 1,
  );
  checkRunCallbacks(options);
  return { ...c, steps, recordEvery, spacing };
}

/** n·ln(n·N/(a·b)), the contribution of one cell with count n and margins a, b (0 for an empty cell). */
function cellTerm(count: number, a: number, b: number, total: number): number {
  return count > 0 ? count * Math.log((count * total) / (a * b)) : 0;
}

/** The plug-in mutual information of a 2×2 table of counts, nats (0 for an empty table). */
function plugIn(n00: number, n01: number, n10: number, n11: number): number {
  const N = n00 + n01 + n10 + n11;
  if (N === 0) return 0;
  const r0 = n00 + n01,
    r1 = n10 + n11,
    c0 = n00 + n10,
    c1 = n01 + n11;
  const sum = cellTerm(n00, r0, c0, N) + cellTerm(n01, r0, c1, N) + cellTerm(n10, r1, c0, N) + cellTerm(n11, r1, c1, N);
  // Rounding can leave −1e−17 for an independent table; the plug-in MI is ≥ 0 exactly.
  return Math.max(0, sum / N);
}

/** The Miller–Madow bias of the plug-in MI: (K̂xy − K̂x − K̂y + 1)/(2N) with K̂ the occupied cells. */
function millerMadowBias(n00: number, n01: number, n10: number, n11: number): number {
  const N = n00 + n01 + n10 + n11;
  if (N === 0) return 0;
  const occupied = (x: number) => (x > 0 ? 1 : 0);
  const kxy = occupied(n00) + occupied(n01) + occupied(n10) + occupied(n11);
  const kx = occupied(n00 + n01) + occupied(n10 + n11);
  const ky = occupied(n00 + n10) + occupied(n01 + n11);
  return (kxy - kx - ky + 1) / (2 * N);
}

/**
 * Mutual information between two binary variables from a 2×2 table of counts (n_xy: x = true label,
 * y = prediction, 0 for −1 and 1 for +1), in nats.
 *
 * - `plugIn`: Î = Σ_xy p̂_xy ln(p̂_xy/(p̂_x p̂_y)) with p̂ = counts/N. Biased up: for a table whose four cells
 *   all have positive probability, E[Î] = I + 1/(2N) + O(N⁻²) (Miller 1955; the (K − 1)/(2N) bias of
 *   each plug-in entropy, with K = 2, 2 and 4 cells). At I = 0 exactly, 2N·Î is the G statistic, χ²
 *   with 1 degree of freedom: mean 1/(2N), standard deviation 1/(√2·N).
 * - `corrected`: Î − (K̂xy − K̂x − K̂y + 1)/(2N), K̂ the occupied cells (Miller–Madow): Î − 1/(2N) when all
 *   four cells are occupied, no correction when a label is constant (then Î = 0). Residual bias
 *   O(N⁻²); it is not clamped at 0, because clamping would bias a sum over many patterns upwards (each
 *   independent pattern would add E[max(Î − 1/(2N), 0)] > 0).
 * - Variance for I > 0 (delta method): Var Î ≈ (E[L²] − I²)/N with L = ln(p_xy/(p_x p_y)).
 *
 * For a sum over P patterns the bias of the plug-in sum is P/(2N) and the corrected sum's noise at
 * I = 0 is √(P/2)/N: at N = 400 trajectories and P = 100, 0.125 and 0.018 nats.
 * @throws TypeError/RangeError unless every count is an integer ≥ 0.
 * @example
 * ```ts
 * import { tableInformation } from "thermolearn";
 * console.log(tableInformation(180, 20, 20, 180)); // plugIn ≈ 0.368 = ln 2 − S(0.1), corrected ≈ 0.367
 * ```
 */
export function tableInformation(
  n00: number,
  n01: number,
  n10: number,
  n11: number,
): {
  /** The plug-in estimate Î of the mutual information, nats. */
  plugIn: number;
  /** Î − (K̂xy − K̂x − K̂y + 1)/(2N) (Miller–Madow), nats; not clamped at 0. */
  corrected: number;
} {
  const counts = [n00, n01, n10, n11].map((x, i) => check.integer(`n${i >> 1}${i & 1}`, x, 0));
  const [a, b, c, d] = counts;
  const raw = plugIn(a, b, c, d);
  return { plugIn: raw, corrected: raw - millerMadowBias(a, b, c, d) };
}

/** Σ_{i=lo}^{hi} 1/i = ψ(hi + 1) − ψ(lo) for integers 1 ≤ lo ≤ hi (digamma differences). */
function harmonicRange(lo: number, hi: number): number {
  let sum = 0;
  for (let i = hi; i >= lo; i--) sum += 1 / i; // smallest terms first
  return sum;
}

/** The m-spacing estimate of sorted samples (ascending), with its correction ψ(M+1) − ψ(m) precomputed. */
function sortedSpacingEntropy(sorted: Float64Array, m: number, correction: number): number {
  const M = sorted.length;
  let sum = 0;
  for (let i = 0; i + m < M; i++) sum += Math.log(sorted[i + m] - sorted[i]);
  // A tied m-spacing gives ln 0 = −∞: the estimate is −∞ (an atom), never NaN.
  return sum / (M - m) + correction;
}

/**
 * Differential entropy (nats) of the distribution behind `samples`, by the m-spacing estimator of
 * Vasicek (J. R. Stat. Soc. B 38, 54 (1976)) in van Es's one-sided, bias-corrected form (Scand. J. Stat.
 * 19, 61 (1992)):
 *
 *     Ĥ = (1/(M − m)) Σ_{i=1}^{M−m} ln(X_(i+m) − X_(i)) + ψ(M + 1) − ψ(m),
 *
 * X_(i) the order statistics. The correction makes Ĥ exactly unbiased for any uniform distribution
 * (U_(i+m) − U_(i) ~ Beta(m, M − m + 1), E ln = ψ(m) − ψ(M + 1)); for a smooth density the remaining bias
 * comes from the density's variation within a spacing and from the tails (measured for a Gaussian at
 * M = 400, m = 20: about −0.01 nats). Ĥ(aX + b) = Ĥ(X) + ln|a| exactly, so the difference of two
 * estimates on samples of the same shape and size has no bias at all: {@link runInformationBound} takes
 * ΔS(w_n) = Ĥ(w_n(t)) − Ĥ(w_n(0)) with the same M and m. Standard deviation about √(Var ln p(X)/M)
 * (0.035 nats for a Gaussian at M = 400).
 * @param m the spacing, 1 ≤ m < M; default round(√M).
 * @returns −Infinity when an m-spacing is 0 (tied samples).
 * @throws TypeError/RangeError for fewer than 2 samples, non-finite samples or a bad m.
 * @example
 * ```ts
 * import { Rng, spacingEntropy } from "thermolearn";
 * const rng = new Rng({ seed: 1 });
 * const samples = rng.normal(4000);
 * rng.dispose();
 * console.log(spacingEntropy(samples)); // ≈ 1.35 nats (the exact entropy of N(0, 1) is ½ ln(2πe) = 1.419)
 * ```
 */
export function spacingEntropy(samples: Float64Array | number[], m?: number): number {
  const x = check.vector("samples", samples, samples?.length ?? 0);
  if (x.length < 2) throw new RangeError(`samples must have at least 2 values, got ${x.length}`);
  // `m === undefined`, not `m ?? …`: null is a bad m, not "use the default".
  const spacing = m === undefined ? Math.round(Math.sqrt(x.length)) : check.integer("m", m, 1, x.length - 1);
  x.sort();
  return sortedSpacingEntropy(x, spacing, harmonicRange(spacing, x.length));
}

/** Most n²P for reading the training inputs back through a probe ({@link trainingInputs}). */
const MAX_PROBE_WORK = 2 ** 31;

/**
 * The training inputs ξ^μ_i (±1, row μ at μ·n) of a run, read back through the public API: a one-trajectory
 * probe with the same seed, n and P draws the same rows (they come from the seed's shared stream), and
 * with w = e_i its predictions are sign(ξ^μ_i) = ξ^μ_i. Costs n calls of P·n work.
 */
function trainingInputs(c: InformationBoundConfig): Int8Array {
  const { n, trainSize: P } = c;
  const probe = new Perceptron({ n, trainSize: P, seed: c.seed, init: "zero" });
  try {
    const xi = new Int8Array(P * n);
    const w = probe.weightsView(0);
    for (let i = 0; i < n; i++) {
      w.fill(0);
      w[i] = 1;
      const column = probe.trainingPredictions(0);
      for (let mu = 0; mu < P; mu++) xi[mu * n + i] = column[mu];
    }
    return xi;
  } finally {
    probe.dispose();
  }
}

/** g with g′ = 𝓕 for each rule (as functions of s = σ_T A), the learning potential's per-pattern term. */
function potentialTerm(rule: PerceptronConfig["rule"], alpha: number): (s: number) => number {
  if (rule === "hebbian") return (s) => s;
  if (rule === "perceptron") return (s) => Math.min(s, 0);
  if (rule === "adatron") return (s) => (s < 0 ? -0.5 * s * s : 0);
  return (s) => (s < 0 ? s : s ** (alpha + 1) / (alpha + 1));
}

/** Mean of an array. */
function average(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  return sum / x.length;
}

/** Accumulates records over time, then packs them into the columnar result. */
class Recorder {
  readonly t: number[] = [];
  readonly info: number[] = [];
  readonly infoPlugIn: number[] = [];
  readonly infoStdErr: number[] = [];
  readonly entropy: number[] = [];
  readonly spacing: number[] = [];
  readonly heat: number[] = [];
  readonly excess: number[] = [];
  readonly energyHeat: number[] = [];
  patterns = new Float64Array(0);
  patternsPlugIn = new Float64Array(0);
  /** Per (trajectory j, pattern μ) at j·P + μ: 2 if the label is +1, else 0. */
  readonly #labels: Uint8Array;
  /** Per weight, the spacing estimate at t = 0 (null once a tie made the column unusable). */
  #entropy0: Float64Array | null = null;
  readonly #correction: number;
  readonly #hasExcess: boolean;
  /** Batch learning: the training inputs (row μ at μ·n) and each trajectory's U + V at t = 0. */
  readonly #inputs: Int8Array | null = null;
  #energy0: Float64Array | null = null;

  constructor(
    readonly sim: Perceptron,
    readonly config: InformationBoundConfig,
  ) {
    const { trajectories: M, trainSize: P, spacing } = config;
    this.#labels = new Uint8Array(M * P);
    for (let j = 0; j < M; j++) {
      const labels = sim.trainingLabels(j);
      for (let mu = 0; mu < P; mu++) this.#labels[j * P + mu] = labels[mu] > 0 ? 2 : 0;
    }
    this.#correction = harmonicRange(spacing, M);
    this.#hasExcess = config.batch >= 2 || config.inputs === "averaged";
    if (config.sampling === "batch" && config.n * config.n * P <= MAX_PROBE_WORK) {
      this.#inputs = trainingInputs(config);
      this.#checkInputs();
    }
  }

  /** The inputs read back must reproduce trajectory 0's predictions (guards the probe's assumption). */
  #checkInputs(): void {
    const { n, trainSize: P } = this.config;
    const w = this.sim.weightsView(0),
      predictions = this.sim.trainingPredictions(0),
      xi = this.#inputs!;
    for (let mu = 0; mu < P; mu++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += xi[mu * n + i] * w[i];
      // Rounding can only flip a prediction whose field is ~1e-15 |w|√n from 0; none is that close here.
      if ((dot >= 0 ? 1 : -1) !== predictions[mu] && Math.abs(dot) > 1e-9 * Math.sqrt(n)) {
        throw new Error("the training inputs read back do not reproduce the predictions");
      }
    }
  }

  /** U + V of every trajectory (total, nats × D): U = −(ν√n/P) Σ_μ g(s_μ), V = k|w|²/2. */
  #energies(): Float64Array {
    const { n, trainSize: P, trajectories: M, nu, k, rule, alpha } = this.config;
    const xi = this.#inputs!,
      g = potentialTerm(rule, alpha),
      root = Math.sqrt(n);
    const out = new Float64Array(M);
    for (let j = 0; j < M; j++) {
      const w = this.sim.weightsView(j);
      let U = 0,
        ww = 0;
      for (let i = 0; i < n; i++) ww += w[i] * w[i];
      for (let mu = 0; mu < P; mu++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += xi[mu * n + i] * w[i];
        U += g(((this.#labels[j * P + mu] - 1) * dot) / root); // label byte 0/2 → σ = −1/+1
      }
      out[j] = (-nu * root * U) / P + (k * ww) / 2;
    }
    return out;
  }

  /** Records every column at the simulation's present time. */
  record(): void {
    const { sim, config } = this;
    this.t.push(sim.time);
    this.#recordInformation();
    const dS = sim.entropyChange();
    // Unreachable with the validated options (D > 0, an equilibrium start, M ≥ 8, not diverged).
    if (dS === null) throw new Error("the Gaussian entropy change is undefined (zero or non-finite variances)");
    this.entropy.push(config.n * dS);
    this.#recordSpacing();
    const M = config.trajectories;
    let heat = 0,
      excess = 0;
    for (let j = 0; j < M; j++) {
      heat += sim.heat(j);
      if (this.#hasExcess) excess += sim.excessHeat(j);
    }
    this.heat.push(heat / M / config.D);
    this.excess.push(excess / M / config.D);
    if (this.#inputs) {
      const energies = this.#energies();
      if (!this.#energy0) this.#energy0 = energies;
      let drop = 0;
      for (let j = 0; j < M; j++) drop += this.#energy0[j] - energies[j];
      this.energyHeat.push(drop / M / config.D);
    }
  }

  /** The 2×2 tables of every pattern over the ensemble, their MI estimates and the jackknife error of the sum. */
  #recordInformation(): void {
    const { trajectories: M, trainSize: P } = this.config;
    // cell = 2·[label > 0] + [prediction > 0], per (j, μ).
    const cells = new Uint8Array(M * P);
    for (let j = 0; j < M; j++) {
      const predictions = this.sim.trainingPredictions(j);
      for (let mu = 0; mu < P; mu++) cells[j * P + mu] = this.#labels[j * P + mu] + (predictions[mu] > 0 ? 1 : 0);
    }
    const counts = new Int32Array(4 * P);
    for (let i = 0; i < M * P; i++) counts[4 * (i % P) + cells[i]]++;
    const patterns = new Float64Array(P),
      patternsPlugIn = new Float64Array(P);
    // Delete-one values: leave[4μ + c] = plug-in MI of pattern μ's table without one sample in cell c.
    const leave = new Float64Array(4 * P);
    let sum = 0,
      sumPlugIn = 0;
    for (let mu = 0; mu < P; mu++) {
      const c = counts.subarray(4 * mu, 4 * mu + 4);
      const raw = plugIn(c[0], c[1], c[2], c[3]);
      patternsPlugIn[mu] = raw;
      patterns[mu] = raw - millerMadowBias(c[0], c[1], c[2], c[3]);
      sumPlugIn += raw;
      sum += patterns[mu];
      for (let cell = 0; cell < 4; cell++) {
        if (c[cell] === 0) continue;
        c[cell]--;
        leave[4 * mu + cell] = plugIn(c[0], c[1], c[2], c[3]);
        c[cell]++;
      }
    }
    // Jackknife: S_(−j) = Σ_μ leave[μ, cell(j, μ)]; Var = (M − 1)/M Σ_j (S_(−j) − S̄)².
    const without = new Float64Array(M);
    for (let j = 0; j < M; j++) {
      let s = 0;
      for (let mu = 0; mu < P; mu++) s += leave[4 * mu + cells[j * P + mu]];
      without[j] = s;
    }
    const mean = average(without);
    let ss = 0;
    for (let j = 0; j < M; j++) ss += (without[j] - mean) ** 2;
    this.info.push(sum);
    this.infoPlugIn.push(sumPlugIn);
    this.infoStdErr.push(Math.sqrt(((M - 1) / M) * ss));
    this.patterns = patterns;
    this.patternsPlugIn = patternsPlugIn;
  }

  /** Σ_n [Ĥ(w_n(t)) − Ĥ(w_n(0))] with the m-spacing estimator over the M trajectories. */
  #recordSpacing(): void {
    const { n, trajectories: M, spacing } = this.config;
    const first = this.#entropy0 === null && this.t.length === 1;
    if (!first && this.#entropy0 === null) return;
    const columns = new Float64Array(n * M);
    for (let j = 0; j < M; j++) {
      const w = this.sim.weightsView(j);
      for (let i = 0; i < n; i++) columns[i * M + j] = w[i];
    }
    const h = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const column = columns.subarray(i * M, (i + 1) * M).sort();
      h[i] = sortedSpacingEntropy(column, spacing, this.#correction);
      if (!Number.isFinite(h[i])) {
        this.#entropy0 = null; // tied weights: no usable column
        this.spacing.length = 0;
        return;
      }
    }
    if (first) this.#entropy0 = h;
    const h0 = this.#entropy0!;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += h[i] - h0[i];
    this.spacing.push(sum);
  }

  result(status: RunStatus, elapsedMs: number): InformationBoundResult {
    const { sim, config } = this;
    const informationSum = Float64Array.from(this.info);
    const informationSumStdErr = Float64Array.from(this.infoStdErr);
    const entropySum = Float64Array.from(this.entropy);
    const heatSum = Float64Array.from(this.heat);
    const hasSpacing = this.#entropy0 !== null && this.spacing.length === this.t.length;
    const entropySumSpacing = hasSpacing ? Float64Array.from(this.spacing) : null;
    const bound = entropySum.map((s, i) => s + heatSum[i]);
    const boundSpacing = entropySumSpacing ? entropySumSpacing.map((s, i) => s + heatSum[i]) : null;
    const heatSumEnergy = this.#inputs ? Float64Array.from(this.energyHeat) : null;
    const boundEnergy = heatSumEnergy ? entropySum.map((s, i) => s + heatSumEnergy[i]) : null;
    const ratio = bound.map((b, i) => (b > 0 ? informationSum[i] / b : 0));
    const holdsFor = (rhs: Float64Array) =>
      informationSum.every((info, i) => info <= rhs[i] + HOLDS_Z * informationSumStdErr[i]);
    return {
      ...resultHeader(config, sim.backend, status, elapsedMs),
      seed: config.seed,
      trajectorySeeds: [...sim.trajectorySeeds],
      divergedAt: sim.divergedAt,
      steps: sim.steps,
      t: Float64Array.from(this.t),
      informationSum,
      informationSumPlugIn: Float64Array.from(this.infoPlugIn),
      informationSumStdErr,
      entropySum,
      entropySumSpacing,
      heatSum,
      excessHeatSum: this.#hasExcess ? Float64Array.from(this.excess) : null,
      heatSumEnergy,
      boundEnergy,
      bound,
      boundSpacing,
      ratio,
      patternInformation: this.patterns,
      patternInformationPlugIn: this.patternsPlugIn,
      holds: holdsFor(bound),
      holdsSpacing: boundSpacing ? holdsFor(boundSpacing) : null,
      holdsEnergy: boundEnergy ? holdsFor(boundEnergy) : null,
    };
  }
}

/** The run as a generator that yields after each recorded chunk, so sync and async drivers share it. */
function* runLoop(what: string, options: InformationBoundOptions | undefined): Generator<void, InformationBoundResult> {
  options = check.options(what, options, RUN_KEYS);
  const config = resolveInformationBoundConfig(options);
  const sim = new Perceptron(withDefaults(options));
  try {
    const started = performance.now();
    const recorder = new Recorder(sim, config);
    recorder.record();
    let status: RunStatus = "completed";
    while (sim.steps < config.steps) {
      if (options.signal?.aborted) {
        status = "aborted";
        break;
      }
      sim.step(Math.min(config.recordEvery, config.steps - sim.steps));
      if (sim.status === "diverged") {
        status = "diverged";
        break;
      }
      recorder.record();
      options.onProgress?.({ ...progress(sim.steps, config.steps), t: sim.time });
      yield;
    }
    return recorder.result(status, performance.now() - started);
  } finally {
    sim.dispose();
  }
}

/**
 * Runs an ensemble of M perceptrons on a shared training set of P inputs and records, over time, both
 * sides of Goldt & Seifert's bound Σ_μ I(σ_T^μ; σ^μ) ≤ Σ_n [ΔS(w_n) + ΔQ_n] (totals in nats; see the
 * module comment and {@link InformationBoundResult}).
 *
 * Estimators: the information of each pattern from its 2×2 table of (true label, prediction) over the
 * M trajectories ({@link tableInformation}, Miller–Madow-corrected; raw sums kept too; jackknife error).
 * ΔS(w_n) two ways: Gaussian, ½ ln(Var_t/Var_0) of each weight across trajectories (spec §1; the
 * library's {@link Perceptron.entropyChange}), and nonparametric, the m-spacing estimator
 * ({@link spacingEntropy}) at t and at t = 0. `bound` uses the Gaussian one: it is the estimate of spec
 * §1 and of Goldt & Seifert's theory, its noise is smaller, and it can only err upwards (the start is
 * exactly Gaussian, and at fixed variance the Gaussian has the largest entropy, so ΔS_Gauss ≥ ΔS). The
 * spacing estimate has no such bias, so `boundSpacing` is the sharper test of the inequality; the two
 * differ by the non-Gaussianity of the marginals (small here: each weight sums P labelled inputs).
 * Heat: total heat over D, averaged over trajectories ({@link Perceptron.heat}); online learning
 * (inputs "sampled") includes the input-fluctuation (excess) heat, batch learning (inputs "averaged"
 * with the training set) has none.
 * @throws TypeError/RangeError naming a bad option ({@link resolveInformationBoundConfig}).
 * @example
 * ```ts
 * import { runInformationBound } from "thermolearn";
 * const r = runInformationBound({ n: 100, trainSize: 50, trajectories: 64, tEnd: 1, seed: 1 });
 * console.log(r.informationSum.at(-1), r.bound.at(-1)); // ≈ 20 ≤ ≈ 3800 nats
 * ```
 */
export function runInformationBound(options?: InformationBoundOptions): InformationBoundResult {
  return driveSync(runLoop("runInformationBound", options));
}

/**
 * {@link runInformationBound}, yielding to the event loop about every 30 ms so progress bars stay live.
 * @throws TypeError/RangeError naming a bad option, as {@link runInformationBound} (the promise rejects).
 * @example
 * ```ts
 * import { runInformationBoundAsync } from "thermolearn";
 * const r = await runInformationBoundAsync({ n: 100, trainSize: 50, trajectories: 64, tEnd: 1, seed: 1 });
 * console.log(r.status, r.informationSum.at(-1)! <= r.bound.at(-1)!); // "completed", true
 * ```
 */
export async function runInformationBoundAsync(options?: InformationBoundOptions): Promise<InformationBoundResult> {
  return driveAsync(runLoop("runInformationBoundAsync", options));
}
