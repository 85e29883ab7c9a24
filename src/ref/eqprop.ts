/**
 * Plain-TS reference of equilibrium propagation (src/eqprop/: network.ts, operator.ts), in f64 and written the obvious
 * way: one example at a time, dense loops, the memory update by explicit interpolation, circular
 * convolution, threshold and trapezoid (shared/spec/MODELS.md §4; seed 002 Appendix B). Slow; for tests.
 */

/** Parameters in the canonical layout: weights[ℓ] is n_ℓ × n_{ℓ+1} row-major, biases[ℓ − 1] is b^ℓ. */
export interface RefParams {
  layers: number[];
  weights: Float64Array[];
  biases: Float64Array[];
}

/** A state: u¹ … u^{L−1} back to back. */
function split(layers: number[], state: ArrayLike<number>): Float64Array[] {
  const out: Float64Array[] = [];
  let at = 0;
  for (let l = 1; l < layers.length; l++) {
    out.push(Float64Array.from({ length: layers[l] }, (_, i) => state[at + i]));
    at += layers[l];
  }
  return out;
}

function join(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const clip = (x: number) => Math.min(Math.max(x, 0), 1);

/**
 * `iterations` synchronous steps u^ℓ ← clip(u^ℓ − ε ∂(E + βC)/∂u^ℓ, 0, 1) with ∂ρ/∂u = 1 on [0, 1]
 * and C = Σ_k (u_k − d_k)² (no ½, as the authors).
 */
export function refRelax(
  p: RefParams,
  x: ArrayLike<number>,
  state: ArrayLike<number>,
  target: ArrayLike<number> | null,
  beta: number,
  epsilon: number,
  iterations: number,
): Float64Array {
  const { layers, weights, biases } = p;
  const L = layers.length;
  let u = [Float64Array.from(x, clip), ...split(layers, state)];
  for (let it = 0; it < iterations; it++) {
    const next = [u[0]];
    for (let l = 1; l < L; l++) {
      const n = layers[l];
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let drive = biases[l - 1][i];
        for (let j = 0; j < layers[l - 1]; j++) drive += u[l - 1][j] * weights[l - 1][j * n + i];
        if (l < L - 1) for (let k = 0; k < layers[l + 1]; k++) drive += weights[l][i * layers[l + 1] + k] * u[l + 1][k];
        let grad = u[l][i] - drive;
        if (l === L - 1 && target) grad += 2 * beta * (u[l][i] - target[i]);
        v[i] = clip(u[l][i] - epsilon * grad);
      }
      next.push(v);
    }
    u = next;
  }
  return join(u.slice(1));
}

/** E = ½Σ_ℓ|ρ(u^ℓ)|² − Σ_{ℓ≥1} b^ℓ·ρ(u^ℓ) − Σ_ℓ ρ(u^ℓ)ᵀW^ℓρ(u^{ℓ+1}), input included in the first term. */
export function refEnergy(p: RefParams, x: ArrayLike<number>, state: ArrayLike<number>): number {
  const { layers, weights, biases } = p;
  const u = [Float64Array.from(x, clip), ...split(layers, state).map((a) => a.map(clip))];
  let e = 0;
  for (let l = 0; l < layers.length; l++) {
    for (let i = 0; i < layers[l]; i++) e += 0.5 * u[l][i] * u[l][i] - (l > 0 ? biases[l - 1][i] * u[l][i] : 0);
    if (l < layers.length - 1) {
      for (let i = 0; i < layers[l]; i++)
        for (let j = 0; j < layers[l + 1]; j++) e -= u[l][i] * weights[l][i * layers[l + 1] + j] * u[l + 1][j];
    }
  }
  return e;
}

/** C = Σ_k (u_k − d_k)² of the output layer. */
export function refCost(layers: number[], state: ArrayLike<number>, target: ArrayLike<number>): number {
  const out = split(layers, state)[layers.length - 2];
  return out.reduce((s, y, k) => s + (y - target[k]) ** 2, 0);
}

/** Batch means of the synaptic currents ∂E/∂θ: per weight layer −⟨ρ^ℓ_i ρ^{ℓ+1}_j⟩, per bias −⟨ρ^ℓ_j⟩. */
export function refCurrents(
  layers: number[],
  xs: ArrayLike<number>[],
  states: ArrayLike<number>[],
): { weights: Float64Array[]; biases: Float64Array[] } {
  const B = xs.length;
  const weights = layers.slice(0, -1).map((n, l) => new Float64Array(n * layers[l + 1]));
  const biases = layers.slice(1).map((n) => new Float64Array(n));
  for (let b = 0; b < B; b++) {
    const u = [Float64Array.from(xs[b], clip), ...split(layers, states[b])];
    for (let l = 0; l < layers.length - 1; l++) {
      for (let i = 0; i < layers[l]; i++)
        for (let j = 0; j < layers[l + 1]; j++) weights[l][i * layers[l + 1] + j] -= (u[l][i] * u[l + 1][j]) / B;
      for (let j = 0; j < layers[l + 1]; j++) biases[l][j] -= u[l + 1][j] / B;
    }
  }
  return { weights, biases };
}

/** Scellier & Bengio's update: θ ← θ − (α_ℓ/β)(∂E/∂θ|clamped − ∂E/∂θ|free), batch means. */
export function refPlainUpdate(
  p: RefParams,
  xs: ArrayLike<number>[],
  free: ArrayLike<number>[],
  clamped: ArrayLike<number>[],
  beta: number,
  rates: number[],
): RefParams {
  const c0 = refCurrents(p.layers, xs, free),
    c1 = refCurrents(p.layers, xs, clamped);
  return {
    layers: p.layers,
    weights: p.weights.map((w, l) => w.map((v, i) => v - (rates[l] / beta) * (c1.weights[l][i] - c0.weights[l][i]))),
    biases: p.biases.map((b, l) => b.map((v, i) => v - (rates[l] / beta) * (c1.biases[l][i] - c0.biases[l][i]))),
  };
}

/** Options of the memory update, all explicit (the reference has no defaults). */
export interface RefMemoryOptions {
  tauFast: number;
  tauSlow: number;
  rampSteps: number;
  gridPoints: number;
  kernel: number[];
  convolutionScale: number;
  alignment: "scipy" | "causal";
  weightThresholds: number[];
  biasThresholds: number[];
  trapezoidStep: number;
  updateFactor: number;
}

/**
 * Δθ of one parameter from its currents s_k at the 2R + 1 ramp points: linear interpolation onto
 * t_m = m·T/G, c_m = scale·Σ_j K[j] s[(m − j + shift) mod G], g_θ, trapezoid with step h.
 */
function refMemoryIntegral(series: ArrayLike<number>, o: RefMemoryOptions, theta: number): number {
  const R = o.rampSteps,
    T = o.tauFast + o.tauSlow,
    G = o.gridPoints;
  const times = Array.from({ length: 2 * R + 1 }, (_, k) =>
    k <= R ? (o.tauFast * k) / R : o.tauFast + (o.tauSlow * (k - R)) / R,
  );
  const s = new Float64Array(G);
  for (let m = 0; m < G; m++) {
    const t = (m * T) / G;
    let k = 0;
    while (k < times.length - 2 && t > times[k + 1]) k++;
    const f = (t - times[k]) / (times[k + 1] - times[k]);
    s[m] = (1 - f) * series[k] + f * series[k + 1];
  }
  const shift = o.alignment === "scipy" ? Math.floor(o.kernel.length / 2) : 0;
  let sum = 0,
    first = 0,
    last = 0;
  for (let m = 0; m < G; m++) {
    let c = 0;
    for (let j = 0; j < o.kernel.length; j++) c += o.kernel[j] * s[(((m - j + shift) % G) + G) % G];
    c *= o.convolutionScale;
    const g = Math.abs(c) >= theta ? c : 0;
    sum += g;
    if (m === 0) first = g;
    if (m === G - 1) last = g;
  }
  return o.trapezoidStep * (sum - 0.5 * (first + last));
}

/**
 * The memory update (Falk et al. Appendix B): `points[k][b]` is example b's state after the clamped
 * relaxation at β_k = β·k/R, k = 0 … R; the down ramp reuses them (s_{2R−k} = s_k).
 * θ ← θ − α_ℓ·factor·(∫g_θ)/β.
 */
export function refMemoryUpdate(
  p: RefParams,
  xs: ArrayLike<number>[],
  points: ArrayLike<number>[][],
  beta: number,
  rates: number[],
  o: RefMemoryOptions,
): RefParams {
  const R = o.rampSteps;
  const currents = points.map((states) => refCurrents(p.layers, xs, states));
  const series = (pick: (c: { weights: Float64Array[]; biases: Float64Array[] }) => number) =>
    Array.from({ length: 2 * R + 1 }, (_, k) => pick(currents[k <= R ? k : 2 * R - k]));
  return {
    layers: p.layers,
    weights: p.weights.map((w, l) =>
      w.map(
        (v, i) =>
          v -
          (rates[l] *
            o.updateFactor *
            refMemoryIntegral(
              series((c) => c.weights[l][i]),
              o,
              o.weightThresholds[l],
            )) /
            beta,
      ),
    ),
    biases: p.biases.map((b, l) =>
      b.map(
        (v, i) =>
          v -
          (rates[l] *
            o.updateFactor *
            refMemoryIntegral(
              series((c) => c.biases[l][i]),
              o,
              o.biasThresholds[l],
            )) /
            beta,
      ),
    ),
  };
}
