/** Plain-TS reference for circular convolution (spec §3): the definition, term by term. */
export function refConvolveWrap(
  signal: ArrayLike<number>,
  kernel: ArrayLike<number>,
  shift: number,
  scale = 1,
): Float64Array {
  const n = signal.length;
  return Float64Array.from({ length: n }, (_, i) => {
    let c = 0;
    for (let j = 0; j < kernel.length; j++) c += kernel[j] * signal[(((i - j + shift) % n) + n) % n];
    return scale * c;
  });
}

/** Plain-TS reference for the sampled sawtooth of Eq. 5: s(n·dt), n < round((τ_f + τ_s)/dt). */
export function refSawtooth(
  tauFast: number,
  tauSlow: number,
  amplitude: number,
  mean: number,
  dt: number,
): Float64Array {
  return Float64Array.from({ length: Math.round((tauFast + tauSlow) / dt) }, (_, i) => {
    const t = i * dt;
    return t < tauFast
      ? mean - amplitude / 2 + (amplitude * t) / tauFast
      : mean + amplitude / 2 - (amplitude * (t - tauFast)) / tauSlow;
  });
}

/**
 * Plain-TS reference for Δw over one period (Eq. 7) as the authors compute it: c = dt·(K ∗ s)
 * circularly with the given alignment shift, zero |c| < θ, trapezoid rule with step dt over the N
 * samples. Term by term, O(N·L).
 */
export function refWeightUpdate(
  kernel: ArrayLike<number>,
  dt: number,
  protocol: { tauFast: number; tauSlow: number; amplitude: number; mean: number; theta: number },
  shift: number,
): number {
  const s = refSawtooth(protocol.tauFast, protocol.tauSlow, protocol.amplitude, protocol.mean, dt);
  return refThresholdedTrapezoid(refConvolveWrap(s, kernel, shift, dt), protocol.theta, dt);
}

/** Trapezoid rule with step dt over the samples of g_θ(c) (Eq. 6: c where |c| ≥ θ, else 0), endpoint excluded. */
export function refThresholdedTrapezoid(c: ArrayLike<number>, theta: number, dt: number): number {
  const g = (v: number) => (Math.abs(v) >= theta ? v : 0);
  let sum = 0;
  for (let i = 1; i < c.length; i++) sum += (dt * (g(c[i - 1]) + g(c[i]))) / 2;
  return sum;
}
