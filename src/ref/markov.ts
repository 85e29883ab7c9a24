/**
 * Plain-TS references for src/markov/ (slow, obvious, used by tests only; they import no model code):
 *   - the ladder's rates from an explicit edge list (spec §3, Appendix F);
 *   - the steady state by Kirchhoff's matrix-tree theorem, p_j ∝ det(−M with row j and column j
 *     removed): no linear solve of M p = 0 at all;
 *   - the propagator and trajectories by classical fourth-order Runge–Kutta with small substeps.
 * Matrices are n × n row-major, M[i·n + j] = rate j → i.
 */

/** The 2M × 2M ladder generator, built edge by edge. */
export function refLadderRates(rungs: number, gamma: number, F: number, s: number, KI = 18.2, KA = 3000): Float64Array {
  const n = 2 * rungs;
  const edges: [from: number, to: number, rate: number][] = [];
  for (let m = 0; m + 1 < rungs; m++) {
    edges.push([m + 1, m, 1]); // top rail leftward
    edges.push([m, m + 1, Math.exp(1) * gamma]); // top rail rightward
    edges.push([rungs + m, rungs + m + 1, 1]); // bottom rail rightward
    edges.push([rungs + m + 1, rungs + m, Math.exp(1) * gamma]); // bottom rail leftward
  }
  for (let m = 0; m < rungs; m++) {
    const dE = 2 * (1 - m) + Math.log((1 + s / KI) / (1 + s / KA));
    edges.push([rungs + m, m, dE < 0 ? F * Math.exp(-dE) : F]); // bottom → top
    edges.push([m, rungs + m, dE < 0 ? F : F * Math.exp(dE)]); // top → bottom
  }
  const M = new Float64Array(n * n);
  for (const [from, to, rate] of edges) {
    M[to * n + from] += rate;
    M[from * n + from] -= rate;
  }
  return M;
}

/** Determinant by LU with partial pivoting. */
function det(a: Float64Array, n: number): number {
  const A = Float64Array.from(a);
  let d = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[p * n + c])) p = r;
    if (A[p * n + c] === 0) return 0;
    if (p !== c) {
      for (let k = 0; k < n; k++) [A[c * n + k], A[p * n + k]] = [A[p * n + k], A[c * n + k]];
      d = -d;
    }
    d *= A[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] / A[c * n + c];
      for (let k = c; k < n; k++) A[r * n + k] -= f * A[c * n + k];
    }
  }
  return d;
}

/** Steady state by the matrix-tree theorem: p_j ∝ det of −M without row j and column j. */
export function refSteadyState(M: Float64Array, n: number): Float64Array {
  const p = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const minor = new Float64Array((n - 1) * (n - 1));
    let e = 0;
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (r !== j && c !== j) minor[e++] = -M[r * n + c];
    p[j] = det(minor, n - 1);
  }
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / sum);
}

function rk4(M: Float64Array, n: number, p: Float64Array, h: number): Float64Array {
  const f = (x: Float64Array) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i] += M[i * n + j] * x[j];
    return y;
  };
  const axpy = (x: Float64Array, a: number, y: Float64Array) => x.map((v, i) => v + a * y[i]);
  const k1 = f(p),
    k2 = f(axpy(p, h / 2, k1)),
    k3 = f(axpy(p, h / 2, k2)),
    k4 = f(axpy(p, h, k3));
  return p.map((v, i) => v + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
}

/** p after `steps` steps of dt, each made of `substeps` RK4 substeps. Returns every step's p (steps × n). */
export function refTrajectory(
  M: Float64Array,
  n: number,
  p0: Float64Array,
  dt: number,
  steps: number,
  substeps: number,
): Float64Array {
  const out = new Float64Array(steps * n);
  let p: Float64Array = Float64Array.from(p0);
  for (let k = 0; k < steps; k++) {
    for (let r = 0; r < substeps; r++) p = rk4(M, n, p, dt / substeps);
    out.set(p, k * n);
  }
  return out;
}

/** exp(M dt) column by column with RK4 (`substeps` substeps). */
export function refPropagator(M: Float64Array, n: number, dt: number, substeps: number): Float64Array {
  const P = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const col = refTrajectory(M, n, e, dt, 1, substeps);
    for (let i = 0; i < n; i++) P[i * n + j] = col[i];
  }
  return P;
}

// Brute force for src/markov/tur.ts: Gillespie trajectories of a current.

/** xoshiro128** (Blackman & Vigna), seeded by SplitMix32 from a 32-bit seed; uniform doubles in (0, 1). */
function refUniforms(seed: number): () => number {
  let x = seed >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = [splitmix(), splitmix(), splitmix(), splitmix()];
  const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
  const next = () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3] >>> 0, 11);
    return result;
  };
  // 53 random bits, shifted by half an ulp so that 0 never comes out.
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6) + 0.5) / 9007199254740992;
}

/** Options of {@link refGillespieCurrent}. */
export interface RefGillespieOptions {
  seed: number;
  /** Number of batches B (≥ 2). */
  batches: number;
  /** Duration T of each batch, time units. */
  duration: number;
  /** Time run before the first batch, to forget the start. */
  burnIn: number;
  /** The starting state. Default 0. */
  start?: number;
}

/** The result of {@link refGillespieCurrent}: estimates with their standard errors. */
export interface RefGillespieEstimate {
  /** Σ_b J_b / (B T). */
  mean: number;
  /** s_J / (√B · T): its standard error. */
  meanError: number;
  /** s_J² / T, the sample variance of the batch currents per unit time. */
  variance: number;
  /** The standard error of `variance`, √[(m₄ − s⁴(B − 3)/(B − 1))/B] / T (m₄ the batches' 4th central moment). */
  varianceError: number;
}

/**
 * Brute-force mean and variance rate of currents with increments d (gain d[i·n + j] on a jump
 * j → i; one estimate per entry of `increments`, all from the same trajectory) for the generator M:
 * one long Gillespie trajectory (exponential waiting times, the next state by its rate), `burnIn`
 * time units discarded, then B contiguous batches of duration T, each giving its current J_b.
 * Batches of one trajectory overlap in correlation only near their ends, so the variance estimate
 * is biased by O(τ/T) relative (τ the relaxation time).
 */
export function refGillespieCurrent(
  M: Float64Array,
  n: number,
  increments: readonly Float64Array[],
  options: RefGillespieOptions,
): RefGillespieEstimate[] {
  const { seed, batches, duration, burnIn, start = 0 } = options;
  const uniform = refUniforms(seed);
  const targets: number[][] = [],
    cumulative: number[][] = [],
    outRate: number[] = [];
  for (let j = 0; j < n; j++) {
    const to: number[] = [],
      cum: number[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (i === j || M[i * n + j] <= 0) continue;
      total += M[i * n + j];
      to.push(i);
      cum.push(total);
    }
    targets.push(to);
    cumulative.push(cum.map((c) => c / total));
    outRate.push(total);
  }
  const currents = increments.map(() => new Float64Array(batches));
  let state = start,
    t = 0,
    batch = -1, // −1: the burn-in
    end = burnIn;
  for (;;) {
    const next = t - Math.log(uniform()) / outRate[state];
    while (next > end) {
      batch++;
      if (batch === batches) break;
      end = burnIn + (batch + 1) * duration;
    }
    if (batch === batches) break;
    t = next;
    const u = uniform(),
      cum = cumulative[state];
    let k = 0;
    while (k < cum.length - 1 && u > cum[k]) k++;
    const to = targets[state][k];
    if (batch >= 0) for (let c = 0; c < increments.length; c++) currents[c][batch] += increments[c][to * n + state];
    state = to;
  }
  return currents.map((J) => batchEstimate(J, duration));
}

/** Mean and variance rate, with standard errors, from batch currents J_b over batches of duration T. */
function batchEstimate(J: Float64Array, duration: number): RefGillespieEstimate {
  const batches = J.length;
  let mean = 0;
  for (const x of J) mean += x;
  mean /= batches;
  let m2 = 0,
    m4 = 0;
  for (const x of J) {
    m2 += (x - mean) ** 2;
    m4 += (x - mean) ** 4;
  }
  const s2 = m2 / (batches - 1);
  m4 /= batches;
  const varOfS2 = Math.max(0, (m4 - (s2 * s2 * (batches - 3)) / (batches - 1)) / batches);
  return {
    mean: mean / duration,
    meanError: Math.sqrt(s2 / batches) / duration,
    variance: s2 / duration,
    varianceError: Math.sqrt(varOfS2) / duration,
  };
}
