/**
 * Plain-TS references for src/langevin/ (slow, obvious, used by tests only; they import no model
 * code but potentials.ts/protocols.ts): closed forms of the overdamped Langevin model with
 * mobility 1 (k_BT = D) and the tilted ring's drift by quadrature.
 */

/**
 * The stationary mean velocity on the tilted ring V(x) = ½A(1 − cos 2πx/L) with force f (Stratonovich's
 * formula; Reimann, Phys. Rep. 361, 57 (2002), Eq. 2.55, with γ = 1, k_BT = D):
 *   v = L D (1 − e^{−fL/D}) / ∫₀^L dx ∫₀^L dy e^{[V(x) − V(x − y) − f y]/D}.
 * The x integral (periodic, smooth) by the trapezoid rule on `points` nodes (spectrally accurate),
 * the y integral by composite Simpson on `points` panels (error O(points⁻⁴)).
 */
export function refRingVelocity(
  { amplitude, force, period = 1, D = 1 }: { amplitude: number; force: number; period?: number; D?: number },
  points = 1024,
): number {
  const L = period;
  const V = (x: number) => 0.5 * amplitude * (1 - Math.cos((2 * Math.PI * x) / L));
  const hx = L / points;
  const hy = L / points;
  let outer = 0;
  for (let i = 0; i < points; i++) {
    const x = i * hx;
    let inner = 0;
    for (let j = 0; j <= points; j++) {
      const y = j * hy;
      const w = j === 0 || j === points ? 1 : j % 2 === 1 ? 4 : 2;
      inner += w * Math.exp((V(x) - V(x - y) - force * y) / D);
    }
    outer += (inner * hy) / 3;
  }
  outer *= hx;
  return (L * D * -Math.expm1((-force * L) / D)) / outer;
}

/**
 * Variance of x at time t after the trap's stiffness steps from κ₀ to κ₁ at t = 0 (from equilibrium
 * at κ₀): dσ²/dt = −2κ₁σ² + 2D, so σ²(t) = D/κ₁ + (D/κ₀ − D/κ₁) e^{−2κ₁t}.
 */
export function refStiffnessStepVariance(k0: number, k1: number, D: number, t: number): number {
  return D / k1 + (D / k0 - D / k1) * Math.exp(-2 * k1 * t);
}

/**
 * A harmonic trap of stiffness κ dragged at speed v from c = 0 (equilibrium at t = 0): the mean
 * position m(t) = v t − (v/κ)(1 − e^{−κt}) (lag → v/κ), and the mean work
 * ⟨W⟩(t) = ∫ κ v (c − m) dt = v² [t − (1 − e^{−κt})/κ] (rate → v², mobility 1).
 */
export function refDraggedTrap(kappa: number, v: number, t: number): { mean: number; work: number } {
  const relax = -Math.expm1(-kappa * t);
  return { mean: v * t - (v / kappa) * relax, work: v * v * (t - relax / kappa) };
}
