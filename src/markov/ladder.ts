/**
 * The ladder Markov chain of shared/spec/MODELS.md §3 (Appendix F; Lan et al., "The energy–speed–
 * accuracy trade-off in sensory adaptation", Nat. Phys. 8, 422 (2012)): its rates, its steady-state
 * dissipation, the ladder as a signal-driven {@link MarkovChain}, and the step-response memory kernel
 * that feeds the contrastive-learning rule (src/contrastive/).
 *
 * The ladder: 2 × M states, nodes 0 … M−1 on the top rail (position m), node m + M below node m.
 * Horizontal rates: top rail m → m−1 at 1 and m → m+1 at e·γ; bottom rail m → m+1 at 1 and
 * m → m−1 at e·γ (e = Euler's number, as in the authors' code `np.exp(1) * gamma`). γ = 1 is
 * detailed balance; γ < 1 drives a cycle. Rung energy ΔE(m, s) = 2(1 − m) + ln[(1 + s/K_I)/(1 + s/K_A)];
 * vertical rates with factor F: ΔE < 0: bottom → top F e^{−ΔE}, top → bottom F; otherwise bottom → top
 * F, top → bottom F e^{ΔE}.
 */
import type { Backend } from "../core/loader.js";
import * as check from "../core/validate.js";
import { kernelMoments, type SampledKernel } from "../kernels/index.js";
import {
  MarkovChain,
  resolveMarkovChainConfig,
  type MarkovChainCheckpoint,
  type MarkovChainConfig,
  type MarkovChainOptions,
} from "./chain.js";
import { MAX_WORK, type RateMatrix } from "./rates.js";
import { entropyProduction } from "./steady.js";

/** Parameters of the ladder (spec §3, Appendix F). */
export interface LadderParams {
  /** Positions per rail, M ≥ 2 (2M states). Default 5. */
  rungs?: number;
  /** Non-equilibrium factor γ ≥ 0 on the "uphill" horizontal rates e·γ. 1 = detailed balance. Default 1. */
  gamma?: number;
  /** Vertical rate factor F > 0. Default 25. */
  F?: number;
  /** Signal s ≥ 0 (ligand, µM). Default 0. */
  s?: number;
  /** Inhibitor dissociation constant K_I > 0 (µM). Default 18.2. */
  KI?: number;
  /** Activator dissociation constant K_A > 0 (µM). Default 3000. */
  KA?: number;
}

/** The ladder's resolved parameters (every default filled in). */
export interface LadderConfig {
  /** {@inheritDoc LadderParams.rungs} */
  rungs: number;
  /** {@inheritDoc LadderParams.gamma} */
  gamma: number;
  /** {@inheritDoc LadderParams.F} */
  F: number;
  /** {@inheritDoc LadderParams.s} */
  s: number;
  /** {@inheritDoc LadderParams.KI} */
  KI: number;
  /** {@inheritDoc LadderParams.KA} */
  KA: number;
}

/**
 * The default dissociation constants (µM) of the receptor's inhibited and active states, K_I = 18.2
 * and K_A = 3000 (Lan et al. 2012, as in the authors' code).
 */
const DISSOCIATION = { KI: 18.2, KA: 3000 } as const;

const PARAM_KEYS = ["rungs", "gamma", "F", "s", "KI", "KA"] as const;

/** ln of the largest double, 709.78: a rate e^x with x above it overflows to ∞. */
const LN_MAX = Math.log(Number.MAX_VALUE);

/**
 * Validates the ladder's parameters; `keys` are the options `what` accepts (unknown keys, null and
 * non-object options throw). Also refuses parameters whose rates a double cannot hold (see
 * {@link checkRepresentable}), naming them.
 */
export function resolveLadder(
  what: string,
  options: LadderParams | undefined,
  keys: readonly string[] = PARAM_KEYS,
): LadderConfig {
  const o = check.options(what, options, keys);
  const c = {
    rungs: check.integer("rungs", o.rungs ?? 5, 2, 1024),
    gamma: check.nonNegative("gamma", o.gamma ?? 1),
    F: check.positive("F", o.F ?? 25),
    s: check.nonNegative("s", o.s ?? 0),
    KI: check.positive("KI", o.KI ?? DISSOCIATION.KI),
    KA: check.positive("KA", o.KA ?? DISSOCIATION.KA),
  };
  checkRepresentable(c);
  return c;
}

/**
 * ln(1 + s/K) for s ≥ 0, K > 0, finite for every such pair: log1p(s/K) while s/K is a finite
 * double, else ln s − ln K + log1p(K/s) (s/K > 1.8·10³⁰⁸ there, so K/s is tiny and exact enough).
 */
function logOnePlusRatio(s: number, K: number): number {
  const r = s / K;
  return Number.isFinite(r) ? Math.log1p(r) : Math.log(s) - Math.log(K) + Math.log1p(K / s);
}

/**
 * The signal's part of the rung energy, L(s) = ln[(1 + s/K_I)/(1 + s/K_A)], as a difference of two
 * {@link logOnePlusRatio} terms: finite for all s ≥ 0, K_I, K_A > 0 (each term is ≥ 0 and at most
 * ln(MAX_VALUE/MIN_VALUE) ≈ 1454), where the quotient form overflows (s = 10³⁰⁸ with K_I < 1) or
 * cancels to ∞/∞.
 */
function signalEnergy(s: number, KI: number, KA: number): number {
  return logOnePlusRatio(s, KI) - logOnePlusRatio(s, KA);
}

/**
 * Rung energy ΔE(m, s) = 2(1 − m) + ln[(1 + s/K_I)/(1 + s/K_A)] (spec §3, Appendix F), the log
 * computed without overflow (`signalEnergy`).
 * @throws TypeError/RangeError naming m (finite, |m| ≤ 2⁵³), s (≥ 0), KI or KA (> 0).
 * @example
 * ```ts
 * import { ladderEnergy } from "thermolearn";
 * console.log(ladderEnergy(2, 200)); // ≈ 0.419 k_BT: the energy of methylation level m = 2 at s = 200 µM
 * ```
 */
export function ladderEnergy(m: number, s: number, KI: number = DISSOCIATION.KI, KA: number = DISSOCIATION.KA): number {
  const rung = check.finite("m", m);
  if (!(Math.abs(rung) <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`m must be in [−2⁵³, 2⁵³], got ${rung}`);
  return 2 * (1 - rung) + signalEnergy(check.nonNegative("s", s), check.positive("KI", KI), check.positive("KA", KA));
}

/**
 * F·e^x (x ≥ 0) without a spurious overflow: the plain product while e^x is finite (the same bits as
 * the spec's formula), else exp(ln F + x), which is finite whenever the result is (e.g. F = 10⁻³⁰⁰,
 * x = 800). The caller has checked ln F + x ≤ ln(MAX_VALUE).
 */
function scaledExp(F: number, x: number): number {
  const e = Math.exp(x);
  return Number.isFinite(e) ? F * e : Math.exp(Math.log(F) + x);
}

/**
 * Refuses parameters whose rates overflow a double, naming them: the uphill rate e·γ, the vertical
 * rate F·e^{|ΔE(m, s)|} (largest at m = 0 or m = M − 1, since ΔE is linear in m), and each state's
 * total outflow (the diagonal). Rates too small to matter cannot occur: every rate is 1, e·γ, F or
 * more.
 */
export function checkRepresentable(c: LadderConfig): void {
  if (!Number.isFinite(Math.E * c.gamma))
    throw new RangeError(`gamma: the rate e·γ overflows for γ = ${c.gamma} (at most ${Number.MAX_VALUE / Math.E})`);
  const L = signalEnergy(c.s, c.KI, c.KA),
    lnF = Math.log(c.F);
  const first = Math.abs(2 + L),
    last = Math.abs(2 * (2 - c.rungs) + L);
  const energy = `ln[(1 + s/K_I)/(1 + s/K_A)] = ${L}`;
  if (lnF + first > LN_MAX) {
    throw new RangeError(
      `F, s, KI, KA: the vertical rate F·e^{|ΔE(0, s)|} = e^${(lnF + first).toFixed(1)} at rung 0 ` +
        `is beyond the largest double (e^${LN_MAX.toFixed(1)}); lower F or |${energy}|`,
    );
  }
  if (lnF + last > LN_MAX) {
    // Largest M with ln F + 2(M − 2) − L ≤ LN_MAX: the top rung's |ΔE| grows with M.
    const most = Math.floor(2 + (L + LN_MAX - lnF) / 2);
    if (most >= 2) {
      throw new RangeError(
        `rungs: the vertical rate F·e^{|ΔE|} at rung m = ${c.rungs - 1} is ` +
          `e^${(lnF + last).toFixed(1)}, beyond the largest double (e^${LN_MAX.toFixed(1)}); with F ` +
          `= ${c.F} and s = ${c.s}, rungs must be ≤ ${most}`,
      );
    }
    throw new RangeError(
      `F, s, KI, KA: the vertical rate F·e^{|ΔE|} at rung m = ${c.rungs - 1} is ` +
        `e^${(lnF + last).toFixed(1)}, beyond the largest double (e^${LN_MAX.toFixed(1)}); lower F or |${energy}|`,
    );
  }
}

/** The ladder's rate matrix (row-major, M[i·n + j] = rate j → i) for checked parameters. */
export function buildLadder(c: LadderConfig): Float64Array {
  const M = c.rungs,
    n = 2 * M;
  const R = new Float64Array(n * n);
  const set = (from: number, to: number, rate: number) => {
    R[to * n + from] = rate;
  };
  const uphill = Math.E * c.gamma,
    L = signalEnergy(c.s, c.KI, c.KA);
  for (let m = 0; m < M; m++) {
    if (m > 0) {
      set(m, m - 1, 1);
      set(M + m, M + m - 1, uphill);
    } // leftward: top 1, bottom e·γ
    if (m < M - 1) {
      set(m, m + 1, uphill);
      set(M + m, M + m + 1, 1);
    } // rightward: top e·γ, bottom 1
    const dE = 2 * (1 - m) + L;
    const up = dE < 0 ? scaledExp(c.F, -dE) : c.F; // bottom → top
    const down = dE < 0 ? c.F : scaledExp(c.F, dE); // top → bottom
    set(M + m, m, up);
    set(m, M + m, down);
  }
  for (let j = 0; j < n; j++) {
    let out = 0;
    for (let i = 0; i < n; i++) if (i !== j) out += R[i * n + j];
    // Each rate is finite (checkRepresentable); their sum (≤ 3 of them) may still not be.
    if (!Number.isFinite(out))
      throw new RangeError(
        `F, gamma: the total rate out of state ${j} overflows (its rates sum past ${Number.MAX_VALUE})`,
      );
    R[j * n + j] = -out;
  }
  return R;
}

/**
 * The ladder's rate matrix M (2M × 2M, row-major, M[i·n + j] = rate j → i) at signal s.
 * @throws TypeError/RangeError naming a bad parameter.
 * @example
 * ```ts
 * import { ladderRates } from "thermolearn";
 * const M = ladderRates({ gamma: 0.1, s: 200 });
 * console.log(M.length); // 100: 10 × 10 row-major (2·rungs states), columns summing to 0
 * ```
 */
export function ladderRates(params?: LadderParams): Float64Array {
  return buildLadder(resolveLadder("ladderRates", params));
}

/**
 * Steady-state entropy production of the ladder at signal s (default 0): σ(γ), 0 at γ = 1.
 * @throws TypeError/RangeError naming a bad parameter (as {@link ladderRates}).
 * @example
 * ```ts
 * import { ladderDissipation } from "thermolearn";
 * console.log(ladderDissipation({ gamma: 1 })); // ≈ 0 (detailed balance)
 * console.log(ladderDissipation({ gamma: 0.1 })); // ≈ 1.76 nats per unit time
 * ```
 */
export function ladderDissipation(params?: LadderParams): number {
  return entropyProduction(buildLadder(resolveLadder("ladderDissipation", params)));
}

/** Options of {@link LadderChain}: the ladder's parameters (s is the initial signal) and the grid. */
export interface LadderChainOptions extends LadderParams {
  /** Time step of the grid, > 0 (as {@link MarkovChainOptions.dt}). */
  dt: number;
  /** "steady" (the steady state at the initial s, default) or a probability vector of 2M entries. */
  initial?: "steady" | Float64Array | number[];
  /** Force the "simd" or "scalar" build (they give identical bits). */
  backend?: Backend;
}

/** The options {@link LadderChain} takes. */
const LADDER_CHAIN_KEYS = [...PARAM_KEYS, "dt", "initial", "backend"] as const;

/** The resolved options of a {@link LadderChain}: the ladder's parameters and its chain's config. */
export interface LadderChainConfig extends LadderConfig {
  /** The chain: rates at the initial s, dt, p(0), backend. */
  chain: MarkovChainConfig;
}

/** The ladder's parameters and the {@link MarkovChain} options they give, the ladder's checked first. */
function ladderChainOptions(options: LadderChainOptions): { ladder: LadderConfig; options: MarkovChainOptions } {
  const o = check.options("LadderChain", options, LADDER_CHAIN_KEYS);
  const ladder = resolveLadder("LadderChain", o, LADDER_CHAIN_KEYS);
  return {
    ladder,
    options: {
      rates: buildLadder(ladder),
      dt: o.dt,
      ...(o.initial === undefined ? {} : { initial: o.initial }),
      ...(o.backend === undefined ? {} : { backend: o.backend }),
    },
  };
}

/**
 * Validates {@link LadderChainOptions} once (unknown keys refused): the ladder's parameters (as
 * {@link ladderRates}), then the chain's dt, initial distribution and backend (as
 * {@link resolveMarkovChainConfig}).
 * @throws TypeError/RangeError naming a bad option.
 * @example
 * ```ts
 * import { resolveLadderChainConfig } from "thermolearn";
 * const c = resolveLadderChainConfig({ gamma: 0.1, dt: 1e-3 });
 * console.log(c.rungs, c.KI, c.chain.n); // 5, 18.2, 10
 * ```
 */
export function resolveLadderChainConfig(options: LadderChainOptions): LadderChainConfig {
  const { ladder, options: chain } = ladderChainOptions(options);
  return { ...ladder, chain: resolveMarkovChainConfig(chain) };
}

/**
 * The ladder as a {@link MarkovChain} driven by a signal s(t), piecewise constant on the dt grid:
 * `setSignal(s)` (or `follow`) rebuilds the rates and recomputes the propagator whenever s changes.
 * @example
 * ```ts
 * import { LadderChain } from "thermolearn";
 * const ladder = new LadderChain({ gamma: 0.1, dt: 5e-4 }); // steady state at s = 0
 * try {
 *   const y = ladder.follow(new Float64Array(10_000).fill(200)); // top occupancy after a step to s = 200
 *   console.log(y[0], y.at(-1)); // ≈ 0.513 just after the step, ≈ 0.470 at t = 5
 * } finally {
 *   ladder.dispose();
 * }
 * ```
 */
export class LadderChain extends MarkovChain {
  /** The ladder's parameters (the signal, which changes, is {@link LadderChain.signal}). */
  readonly params: Readonly<Omit<LadderConfig, "s">>;
  #signal: number;
  readonly #top: Float64Array;

  /** @throws TypeError/RangeError naming a bad option. */
  constructor(options: LadderChainOptions) {
    const { ladder: c, options: chain } = ladderChainOptions(options);
    super(chain);
    this.params = { rungs: c.rungs, gamma: c.gamma, F: c.F, KI: c.KI, KA: c.KA };
    this.#signal = c.s;
    this.#top = Float64Array.from({ length: 2 * c.rungs }, (_, i) => (i < c.rungs ? 1 : 0));
  }

  /** {@link MarkovChain.checkpoint} plus the signal in force (null when unknown, after `setRates`). */
  override checkpoint(): MarkovChainCheckpoint {
    return { ...super.checkpoint(), signal: Number.isNaN(this.#signal) ? null : this.#signal };
  }

  /**
   * Restores a {@link LadderChain.checkpoint} (as {@link MarkovChain.restore}, plus its `signal`, a
   * number ≥ 0 or null), so that `setSignal` and `follow` continue as the saved chain did.
   * @throws TypeError/RangeError naming the bad field.
   */
  override restore(state: MarkovChainCheckpoint): void {
    if (typeof state !== "object" || state === null)
      throw new TypeError("checkpoint must be an object from checkpoint()");
    const saved: unknown = state.signal;
    if (saved === undefined) {
      throw new TypeError("checkpoint.signal is missing: restore a LadderChain from a LadderChain's checkpoint()");
    }
    const signal = saved === null ? Number.NaN : check.nonNegative("checkpoint.signal", saved);
    super.restore(state);
    this.#signal = signal;
  }

  /** The current signal s; NaN after {@link setRates}, whose rates need not be the ladder's at any s. */
  get signal(): number {
    return this.#signal;
  }

  /** Sets s (≥ 0) from now on; the propagator is recomputed only when s changes. @throws RangeError naming `s`. */
  setSignal(s: number): void {
    check.nonNegative("s", s);
    if (s === this.#signal) return;
    super.setRates(this.#ratesAt(s));
    this.#signal = s;
  }

  /** The ladder's rates at signal s, refused (naming the parameters) when a double cannot hold them. */
  #ratesAt(s: number): Float64Array {
    const c = { ...this.params, s };
    checkRepresentable(c);
    return buildLadder(c);
  }

  /**
   * Switches to arbitrary rates (same n), as {@link MarkovChain.setRates}. The signal is then unknown:
   * `signal` reads NaN, and the next `setSignal` (or `follow`) rebuilds the ladder's rates whatever s.
   * @throws TypeError/RangeError naming `rates`.
   */
  override setRates(rates: RateMatrix): void {
    super.setRates(rates);
    this.#signal = Number.NaN;
  }

  /** Top-rail occupancy Σ_{m<M} p_m now. */
  topOccupancy(): number {
    const p = this.probabilities();
    let y = 0;
    for (let i = 0; i < this.params.rungs; i++) y += p[i];
    return y;
  }

  /**
   * Runs `count` steps under the current signal and returns the top-rail occupancy after each
   * (into `out` when given, as {@link MarkovChain.observe}).
   */
  observeTop(count: number, out?: Float64Array): Float64Array {
    return this.observe(count, this.#top, out);
  }

  /**
   * Follows a piecewise-constant signal: step k (k = 0 … length−1) runs under s = signal[k], and the
   * top-rail occupancy after it is returned (y(t_{k+1}), same length). Runs of equal s go to wasm as
   * one call.
   * @throws RangeError naming `signal` for a negative or non-finite value.
   */
  follow(signal: ArrayLike<number>): Float64Array {
    if (!(Array.isArray(signal) || (ArrayBuffer.isView(signal) && !(signal instanceof DataView)))) {
      throw new TypeError("signal must be an array or a typed array of numbers");
    }
    // Validate every value and count the runs of equal s first, so the whole call's work is known.
    let runs = 0,
      lo = Infinity,
      hi = -Infinity,
      previous = this.#signal;
    for (let k = 0; k < signal.length; k++) {
      const s = signal[k];
      if (!(typeof s === "number" && s >= 0 && Number.isFinite(s)))
        throw new RangeError(`signal[${k}] must be finite and ≥ 0, got ${s}`);
      if (s !== previous) runs++;
      previous = s;
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    if (runs > 0) {
      // λ(s) is largest at an end of [lo, hi]: each |ΔE(m, s)| is convex in the monotone ln-ratio.
      const perRun = Math.max(this.propagatorWork(this.#ratesAt(lo)), this.propagatorWork(this.#ratesAt(hi)));
      const work = runs * perRun + signal.length * this.n ** 2;
      if (work > MAX_WORK) {
        throw new RangeError(
          `signal: ${signal.length} steps in ${runs} runs of equal s need ${work.toExponential(2)} ` +
            `multiply-adds (a propagator per run, ${perRun.toExponential(2)} each), more than the ` +
            `limit 2⁴⁰ ≈ 1.1e12: split the signal into shorter calls`,
        );
      }
    }
    const y = new Float64Array(signal.length);
    for (let k = 0; k < signal.length; ) {
      const s = signal[k];
      let end = k + 1;
      while (end < signal.length && signal[end] === s) end++;
      this.setSignal(s);
      this.observeTop(end - k, y.subarray(k, end));
      k = end;
    }
    return y;
  }
}

// The step-response kernel

/** Options of {@link ladderKernel}: the ladder's parameters (without s) and the step protocol. */
export interface LadderKernelOptions extends Omit<LadderParams, "s"> {
  /** Signal before the step (the chain starts in its steady state there). Default 0. */
  s0?: number;
  /** Signal after the step. Default 200 (Figure 6B: 5 … 250). */
  s1?: number;
  /** Integration time T after the step. Default 5. */
  duration?: number;
  /** Time step. Default 5·10⁻⁴ (N = T/dt = 10⁴ kernel samples). */
  dt?: number;
  /** Force the "simd" or "scalar" build (they give identical bits). */
  backend?: Backend;
}

/** The result of {@link ladderKernel}. */
export interface LadderKernel {
  /**
   * −(dy/dt)/|M₁| (K_k below): N samples on the unit time axis τ_k = k/N (dt = 1/N = 10⁻⁴ by default); first moment ±1.
   */
  kernel: SampledKernel;
  /**
   * Area and first moment of `kernel` (trapezoid rule, {@link kernelMoments}): first moment
   * −sign(M₁) = ±1, −1 for dissipative (adapting) chains, +1 near equilibrium.
   */
  moments: {
    /** Area ∫K dτ. */
    area: number;
    /** First moment ∫τK dτ (±1). */
    firstMoment: number;
  };
  /** Area and first moment M₁ of the raw dy/dt (K_k below) on the unit axis, before normalisation. */
  rawMoments: {
    /** Area of the raw dy/dt. */
    area: number;
    /** First moment M₁ of the raw dy/dt. */
    firstMoment: number;
  };
  /** Top-rail occupancy y(t_k), t_k = k·dt, k = 0 … N (y_0 = the steady state at s0). */
  response: Float64Array;
}

/** Kernel samples at most (three arrays of them are held: 400 MB at the limit). */
const MAX_KERNEL_SAMPLES = 2 ** 24;

/**
 * The ladder's memory kernel from its step response (spec §3, Appendix F): the steady state at s0,
 * a step to s1 at t = 0, exact integration over T with step dt (N = round(T/dt) steps), the top-rail
 * occupancy y(t_k), and
 *
 *   K_k = (y_k − y_{k−1}) / dt,  k = 0 … N−1,  with y_{−1} = y_0  (so K_0 = 0),
 *
 * the mean of dy/dt over the step (t_{k−1}, t_k] (the central difference at its midpoint), with the
 * chain in its s0 steady state before the step. K_k·dt is the response gained in that step, so the
 * kernel's sums telescope: dt·Σ_{j≤k} K_j = y_k − y_0 exactly (the kernel's discrete step response is
 * the chain's), and its area, by the trapezoid rule of {@link kernelMoments} as by the plain sum of a
 * convolution, is (y(T) − y(0))/T up to the last step's ½K_{N−1}·dt: the same at every dt. The top
 * rail's fast rise (vertical rates up to F·e^{|ΔE|} ≈ 10⁴, faster than the default dt) lands in K_1,
 * where both rules weigh it fully; a rule with K_0 ≠ 0 (half-weighted by the trapezoid) loses or
 * gains part of it, dt-dependently.
 * The time axis is rescaled to unit length (τ_k = k/N) and the kernel is −K/|M₁| (M₁ = the first
 * moment of K), so its first moment is ±1: −1 for dissipative chains, whose top occupancy dips and
 * adapts back (M₁ > 0), and +1 near equilibrium, where it relaxes monotonically (M₁ < 0), as the
 * spec states and the authors' code does (`-1 * kernel * abs(1/moment)`). The orientation is that
 * of −dy/dt, the bottom rail's response.
 * @throws TypeError/RangeError naming a bad option (dt when N exceeds 2²⁴ samples or 2⁴⁰
 * multiply-adds); RangeError when the raw first moment is 0.
 * @example
 * ```ts
 * import { ladderKernel } from "thermolearn";
 * const { kernel, moments } = ladderKernel({ gamma: 1e-3, dt: 5e-3 });
 * console.log(kernel.values.length, moments.firstMoment); // 1000 samples, −1 (a dissipative, adapting chain)
 * ```
 */
export function ladderKernel(options?: LadderKernelOptions): LadderKernel {
  const keys = ["rungs", "gamma", "F", "KI", "KA", "s0", "s1", "duration", "dt", "backend"];
  const o = check.options("ladderKernel", options, keys);
  const c = resolveLadder("ladderKernel", o, keys);
  const backend = check.backend(o.backend);
  const s0 = check.nonNegative("s0", o.s0 ?? 0);
  const s1 = check.nonNegative("s1", o.s1 ?? 200);
  const duration = check.positive("duration", o.duration ?? 5);
  const dt = check.positive("dt", o.dt ?? 5e-4);
  if (s1 === s0) throw new RangeError(`s1 must differ from s0 (the kernel is the response to a step), got ${s1}`);
  const N = Math.round(duration / dt);
  if (!(N >= 2))
    throw new RangeError(`dt must be ≤ duration/2 (at least 2 steps), got dt = ${dt} for duration ${duration}`);
  if (!(N <= MAX_KERNEL_SAMPLES))
    throw new RangeError(
      `dt: duration/dt = ${duration / dt} steps, more than 2²⁴ = ${MAX_KERNEL_SAMPLES} kernel ` +
        `samples; use a larger dt or a shorter duration`,
    );
  const n = 2 * c.rungs;
  if (N * n * n > MAX_WORK)
    throw new RangeError(
      `dt: ${N} steps of ${n} states need ${(N * n * n).toExponential(2)} multiply-adds, more than ` +
        `the limit 2⁴⁰ ≈ 1.1e12; use a larger dt or fewer rungs`,
    );
  checkRepresentable({ ...c, s: s0 });
  checkRepresentable({ ...c, s: s1 });
  const chain = new LadderChain({ ...c, s: s0, dt, ...(backend === undefined ? {} : { backend }) });
  try {
    const response = new Float64Array(N + 1);
    response[0] = chain.topOccupancy();
    chain.setSignal(s1);
    chain.observeTop(N, response.subarray(1));
    const raw = new Float64Array(N); // raw[0] = 0: y_{−1} = y_0
    for (let k = 1; k < N; k++) raw[k] = (response[k] - response[k - 1]) / dt;
    const rawMoments = kernelMoments({ values: raw, dt: 1 / N });
    if (!(rawMoments.firstMoment !== 0 && Number.isFinite(rawMoments.firstMoment))) {
      throw new RangeError(
        `the kernel's raw first moment is ${rawMoments.firstMoment}: it cannot be normalised (s0 ` +
          `and s1 too close, or F, gamma, KI, KA give a response below double precision)`,
      );
    }
    const scale = -1 / Math.abs(rawMoments.firstMoment);
    const kernel: SampledKernel = { values: raw.map((v) => v * scale), dt: 1 / N };
    return { kernel, moments: kernelMoments(kernel), rawMoments, response };
  } finally {
    chain.dispose();
  }
}
