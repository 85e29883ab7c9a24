/**
 * The paper's figures as experiments (Falk et al., spec §3), each a list of independent points.
 * Point i draws its random parameters from stream i of the seed (and Fig. 6B's groups from streams
 * 2³¹ + g), so a figure is bit-identical whatever the number of workers (src/node/figure-pool.ts) or the
 * order they finish in. Fig. 8 is deterministic: point i is the i-th ratio of a log-spaced sweep.
 */
import { appendixG3Offset, curveMetrics, weightUpdate, weightUpdateCurve } from "../contrastive/index.js";
import { ecoliKernel, type SampledKernel } from "../kernels/index.js";
import { ladderDissipation, ladderKernel } from "../markov/index.js";
import { Rng } from "../rng.js";
import * as check from "../core/validate.js";

export type FigureName = "4c" | "5c" | "6b" | "8";
export const FIGURES: readonly FigureName[] = ["4c", "5c", "6b", "8"];

/** What one point of a figure needs: everything else follows from (figure, index, points, seed, dt). */
export interface FigureTask {
  /** Which figure. */
  figure: FigureName;
  /** The point's index in the figure (0 … points − 1). */
  index: number;
  /** Points in the figure (Fig. 8 spaces its sweep by it). */
  points: number;
  /** Integer seed in [0, 2⁵³) of the figure; point i draws from stream i. */
  seed: number;
  /** Time step of the kernel and protocol grid. */
  dt: number;
}

/** A_max and the amplitude grid of Appendix E: A ∈ linspace(0, 0.75·A_max, 400), A_max = 100. */
const A_MAX = 100;
const AMPLITUDES = Array.from({ length: 400 }, (_, i) => (0.75 * A_MAX * i) / 399);
/** Fig. 6B's protocol (Appendix F): A ∈ linspace(0, A_max, 100) with A_max = 50, τ_f = 3, τ_s = 15, s̄ = 10. */
const LADDER = { aMax: 50, tauFast: 3, tauSlow: 15, mean: 10 } as const;
const LADDER_AMPLITUDES = Array.from({ length: 100 }, (_, i) => (LADDER.aMax * i) / 99);

const kernels = new Map<string, SampledKernel>();
function cachedEcoli(area: number, dt: number): SampledKernel {
  const key = `${area}:${dt}`;
  let k = kernels.get(key);
  if (!k) kernels.set(key, (k = ecoliKernel({ area, dt })));
  return k;
}

/** Uniform draws on the two ranges of Figs. 4C/5C: τ_f ∈ [0.1, 4.9), τ_s ∈ [0.2, 49.8). */
function drawTimes(seed: number, index: number): { tauFast: number; tauSlow: number } {
  const rng = new Rng({ seed, stream: index });
  try {
    const [u, v] = rng.uniform(2);
    return { tauFast: 0.1 + 4.8 * u, tauSlow: 0.2 + 49.6 * v };
  } finally {
    rng.dispose();
  }
}

/**
 * One point of a figure.
 * - 4c: I = 0, s̄ = 0, θ = A_max/τ_s: ln(τ_s/τ_f) and ln(dynamic range) (Eq. 9 predicts the identity).
 * - 5c: I = 0.05, s̄ = 25, θ by Eq. 45 = |−A_max/τ_s + I(s̄ + A_max/2)|: offset against the protocol
 *   length τ_f + τ_s. The kernel's area turns the mean signal into a baseline u ≈ I·s̄ that passes
 *   the (small) threshold for the whole period once τ_s ≳ 27, so the offset grows like
 *   I·s̄·(τ_f + τ_s)/A_max there (column `baselineOffset`); Eq. 10's I·τ_f·s̄ is its fast-phase part.
 * - 6b: one random ladder kernel (`ladderPoint`); 8: one ratio τ_f/τ_K of the sweep (`timescalePoint`,
 *   `FIG8`): columns ratio, tauFast, theta, dw, dwOverA.
 * @example
 * ```ts
 * import { figurePoint, figureTasks } from "thermolearn/node";
 * const tasks = figureTasks({ figure: "8", points: 31 });
 * console.log(figurePoint(tasks[30]).dwOverA); // ≈ 0.975 at τ_f = 100 τ_K
 * ```
 */
export function figurePoint(task: FigureTask): Record<string, number> {
  checkTask(task);
  if (task.figure === "6b") return ladderPoint(task);
  if (task.figure === "8") return timescalePoint(task);
  const { tauFast, tauSlow } = drawTimes(task.seed, task.index);
  const fig4 = task.figure === "4c";
  const area = fig4 ? 0 : 0.05,
    mean = fig4 ? 0 : 25;
  // Eq. 45; with I = 0 it is exactly 4C's A_max/τ_s.
  const theta = Math.abs(-A_MAX / tauSlow + area * (mean + A_MAX / 2));
  const kernel = cachedEcoli(area, task.dt);
  const dw = weightUpdateCurve({ kernel, dt: task.dt, tauFast, tauSlow, mean, theta, amplitudes: AMPLITUDES });
  const { dynamicRange, offset } = curveMetrics(AMPLITUDES, dw, A_MAX);
  return fig4
    ? {
        tauFast,
        tauSlow,
        lnRatio: Math.log(tauSlow / tauFast),
        dynamicRange,
        lnDynamicRange: Math.log(dynamicRange),
        offset,
      }
    : {
        tauFast,
        tauSlow,
        protocolLength: tauFast + tauSlow,
        offset,
        baselineOffset: (area * mean * (tauFast + tauSlow)) / A_MAX,
        dynamicRange,
      };
}

/** Streams of the Fig. 6B groups, apart from the per-kernel streams 0 … points − 1. */
const GROUP_STREAM_BASE = 2 ** 31;

/**
 * Fig. 6B, one random ladder kernel (spec §3, Appendix F). Kernels come in groups of 50 sharing a
 * step size s ~ U(5, 250) and F ~ U(1, 100); in each group 10 have γ ~ U(0, 1) and 40 have
 * γ = U(0, 1)·10^{−x}, x ~ U(0, 24). The kernel is the response to the step 0 → s (unit time, 10⁴
 * samples); the dissipation σ is the chain's steady state at s = 0. Curve: A ∈ linspace(0, A_max, 100),
 * A_max = 50, τ_f = 3, τ_s = 15, s̄ = 10, θ by Eq. 45 with the kernel's own area I; A_min = the first A
 * whose normalised response Δw/A_max exceeds 0.05; the offset is the intercept of the least-squares
 * line through the points with A_min ≤ A ≤ A_max. Columns: gamma, F, s, dissipation, area, aMin,
 * offset, lnOffsetOverMean (ln|offset/s̄|), dynamicRange (A_max/A_min).
 * Values that do not exist for a kernel are NaN here (null in the CLI's JSON, left out of its plots),
 * never stand-ins: `aMin` when no A passes 0.05; `offset` and `lnOffsetOverMean` when fewer than 2
 * amplitudes lie in [A_min, A_max] (none passes, or only A_max), `lnOffsetOverMean` also for an
 * offset of exactly 0; `dynamicRange` when no A passes or A_min = 0 (even A = 0 passes: the offset
 * alone does). σ is +∞ (null in the JSON) when some transition has no reverse (e.g. γ = 0;
 * {@link ladderDissipation}).
 */
function ladderPoint(task: FigureTask): Record<string, number> {
  const group = Math.floor(task.index / 50),
    member = task.index % 50;
  const groupRng = new Rng({ seed: task.seed, stream: GROUP_STREAM_BASE + group });
  const own = new Rng({ seed: task.seed, stream: task.index });
  let s: number, F: number, gamma: number;
  try {
    const [us, uF] = groupRng.uniform(2);
    s = 5 + 245 * us;
    F = 1 + 99 * uF;
    const [ug, ux] = own.uniform(2);
    gamma = member < 10 ? ug : ug * 10 ** (-24 * ux);
  } finally {
    groupRng.dispose();
    own.dispose();
  }
  const { kernel, moments } = ladderKernel({ gamma, F, s1: s });
  const dissipation = ladderDissipation({ gamma, F, s: 0 });
  const { aMax, tauFast, tauSlow, mean } = LADDER,
    amplitudes = LADDER_AMPLITUDES;
  const theta = Math.abs(-aMax / tauSlow + moments.area * (mean + aMax / 2));
  const dw = weightUpdateCurve({ kernel, dt: kernel.dt, tauFast, tauSlow, mean, theta, amplitudes });
  const g3 = appendixG3Offset(amplitudes, dw, aMax);
  const aMin = g3.first >= 0 ? amplitudes[g3.first] : Number.NaN;
  const offset = g3.offset ?? Number.NaN;
  return {
    gamma,
    F,
    s,
    dissipation,
    area: moments.area,
    aMin,
    offset,
    lnOffsetOverMean: offset !== 0 ? Math.log(Math.abs(offset / mean)) : Number.NaN,
    dynamicRange: aMin > 0 ? aMax / aMin : Number.NaN,
  };
}

/**
 * Fig. 8's parameters, as the authors' `plot_F8` (atstrupp/ContrastiveMemory-SynapseAnalysis,
 * Plots.py) sets them: the E. coli kernel with I = 0 (b = 20, on [0, 1)), whose decay time
 * τ_K = 1/b = 0.05 is the unit of the x axis (the authors' "t1·20"); a sawtooth of amplitude A = 20
 * around s̄ = 0 with τ_s = 20; θ = (A/τ_s + A/τ_f)/2, the middle of the window A/τ_s < θ < A/τ_f in
 * which the derivative kernel gives Δw = A. The sweep: τ_f/τ_K log-spaced over [0.1, 100] (the
 * authors: τ_f ∈ linspace(0.01, 8, 79), i.e. 0.2 … 160).
 */
const FIG8 = {
  area: 0,
  b: 20,
  tauKernel: 1 / 20,
  amplitude: 20,
  mean: 0,
  tauSlow: 20,
  ratioMin: 0.1,
  ratioMax: 100,
} as const;

/**
 * Fig. 8, one point: Δw/A at τ_f = r·τ_K, r = ratioMin·(ratioMax/ratioMin)^{i/(points−1)}. The kernel
 * takes the derivative (I = 0, first moment −1), so u ≈ A/τ_f in the fast phase and −A/τ_s in the
 * slow one and Δw → A once τ_f ≫ τ_K; for τ_f ≲ τ_K the kernel smears the fast ramp and Δw/A falls.
 */
function timescalePoint(task: FigureTask): Record<string, number> {
  const { amplitude: A, tauSlow, tauKernel, ratioMin, ratioMax } = FIG8;
  const ratio = task.points === 1 ? ratioMin : ratioMin * (ratioMax / ratioMin) ** (task.index / (task.points - 1));
  const tauFast = ratio * tauKernel;
  const theta = (A / tauSlow + A / tauFast) / 2;
  const kernel = cachedEcoli(FIG8.area, task.dt);
  const dw = weightUpdate({ kernel, dt: task.dt, tauFast, tauSlow, amplitude: A, mean: FIG8.mean, theta });
  return { ratio, tauFast, theta, dw, dwOverA: dw / A };
}

/**
 * The fixed parameters of a figure, for its JSON (`config`): what each point draws or sweeps, the
 * protocol, the threshold rule and the amplitude grid.
 * @throws TypeError/RangeError naming `figure` unless it is one of {@link FIGURES}.
 * @example
 * ```ts
 * import { figureConfig } from "thermolearn/node";
 * console.log(figureConfig("8")); // the fixed settings of Fig. 8, as recorded in its JSON
 * ```
 */
export function figureConfig(figure: FigureName): Record<string, unknown> {
  if (figure === "8") {
    return {
      kernel: "E. coli, I = 0, b = 20, on [0, 1)",
      tauKernel: FIG8.tauKernel,
      amplitude: FIG8.amplitude,
      mean: FIG8.mean,
      tauSlow: FIG8.tauSlow,
      ratio: `τ_f/τ_K log-spaced over [${FIG8.ratioMin}, ${FIG8.ratioMax}]`,
      theta: "(A/τ_s + A/τ_f)/2",
      alignment: "scipy",
    };
  }
  if (figure === "6b") {
    return {
      kernel: "ladder step response 0 → s, unit time, 10⁴ samples, K_k = (y_k − y_{k−1})/dt (K_0 = 0)",
      groups:
        "50 kernels share s ~ U(5, 250), F ~ U(1, 100); " +
        "10 with γ ~ U(0, 1), 40 with γ = U(0, 1)·10^−x, x ~ U(0, 24)",
      ...LADDER,
      amplitudes: "linspace(0, 50, 100)",
      theta: "Eq. 45: |−A_max/τ_s + I(s̄ + A_max/2)|",
      aMin: "first A with Δw/A_max > 0.05",
      alignment: "scipy",
    };
  }
  const common = {
    tauFast: "U(0.1, 4.9)",
    tauSlow: "U(0.2, 49.8)",
    aMax: A_MAX,
    amplitudes: "linspace(0, 75, 400)",
    alignment: "scipy",
  };
  return figure === "4c"
    ? { kernel: "E. coli, I = 0", mean: 0, theta: "A_max/τ_s", ...common }
    : { kernel: "E. coli, I = 0.05", mean: 25, theta: "Eq. 45: |−A_max/τ_s + I(s̄ + A_max/2)|", ...common };
}

/** Finest time step of Figs. 4C, 5C and 8: the kernel on [0, 1) then has 10⁵ samples, a protocol up to 5.5·10⁶. */
const MIN_DT = 1e-5;

/** Fig. 6B's grid: its ladder kernels have 10⁴ samples on unit time. */
const LADDER_DT = 1e-4;

/** The figure's time step, checked: 6b has its own grid; 4c/5c need 10⁻⁵ ≤ dt ≤ 0.01, 8 dt ≤ 0.001. */
function checkDt(figure: FigureName, dt: unknown): number {
  if (figure === "6b") {
    if (dt !== undefined) {
      throw new RangeError("dt does not apply to figure 6b (its ladder kernels have their own grid, 10⁻⁴)");
    }
    return LADDER_DT;
  }
  const x = check.positive("dt", dt ?? (figure === "8" ? 1e-4 : 1e-3));
  if (x > 0.01) throw new RangeError(`dt must be ≤ 0.01 to resolve the kernel (width ≈ 0.1), got ${x}`);
  if (figure === "8" && x > 1e-3) {
    throw new RangeError(`dt must be ≤ 0.001 for figure 8 (its shortest fast phase is τ_f = 0.005), got ${x}`);
  }
  if (x < MIN_DT) {
    throw new RangeError(`dt must be ≥ 1e-5 (the kernel on [0, 1) would have more than 10⁵ samples), got ${x}`);
  }
  return x;
}

/** Points of a figure by default: 6b's 5000 random kernels, 8's 31 ratios (ten per decade), else 1000. */
const DEFAULT_POINTS: Record<FigureName, number> = { "4c": 1000, "5c": 1000, "6b": 5000, "8": 31 };

/** The largest number of points a figure takes. */
const MAX_POINTS = 1e6;

/**
 * Checks one task as {@link figureTasks} makes them (a worker receives tasks from outside):
 * @throws TypeError/RangeError naming the bad field.
 */
function checkTask(task: FigureTask): void {
  const t = check.options("figurePoint", task, ["figure", "index", "points", "seed", "dt"]);
  const figure = check.oneOf("figure", t.figure, FIGURES);
  const points = check.integer("points", t.points, 1, MAX_POINTS);
  check.integer("index", t.index, 0, points - 1);
  check.seed("seed", t.seed);
  if (figure === "6b") {
    if (t.dt !== LADDER_DT) {
      throw new RangeError(`dt of a figure 6b task must be ${LADDER_DT} (its ladder kernels' grid), got ${t.dt}`);
    }
  } else {
    checkDt(figure, check.positive("dt", t.dt));
  }
}

/**
 * Checks a figure's options; returns the tasks. Defaults: points 1000 (6b: 5000; 8: 31, ten per
 * decade), seed 0, dt 10⁻³ (8: 10⁻⁴, so the shortest fast phase τ_f = 0.005 spans 50 samples), at
 * least 10⁻⁵. 6b's ladder kernels have their own grid (10⁴ samples on unit time), so 6b takes no dt;
 * its tasks carry that grid's 10⁻⁴.
 * @throws TypeError/RangeError naming a bad option, `dt` included when given for 6b.
 * @example
 * ```ts
 * import { figureTasks } from "thermolearn/node";
 * const tasks = figureTasks({ figure: "4c", points: 10, seed: 1 });
 * console.log(tasks.length, tasks[0]); // 10 tasks: { figure: "4c", index: 0, points: 10, seed: 1, dt: … }
 * ```
 */
export function figureTasks(options: { figure: string; points?: number; seed?: number; dt?: number }): FigureTask[] {
  const o = check.options("figureTasks", options, ["figure", "points", "seed", "dt"]);
  const figure = check.oneOf("figure", o.figure, FIGURES);
  const points = check.integer("points", o.points ?? DEFAULT_POINTS[figure], 1, MAX_POINTS);
  const seed = check.seed("seed", o.seed ?? 0);
  const dt = checkDt(figure, o.dt);
  return Array.from({ length: points }, (_, index) => ({ figure, index, points, seed, dt }));
}
