/**
 * Special functions used by the analytic helpers (the Hopfield capacity theory, the random-number
 * tests): the complementary error function and ln |Γ|. One copy each (issue #10; moved from hopfield.ts).
 */

/**
 * Complementary error function, |relative error| < 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit);
 * erfc(±∞) = 0, 2. @throws TypeError for a non-number, RangeError for NaN.
 * @example erfc(0) // 1
 */
export function erfc(x: number): number {
  if (typeof x !== "number") throw new TypeError(`erfc: x must be a number, got ${typeof x}`);
  if (Number.isNaN(x)) throw new RangeError("erfc: x must not be NaN");
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  // Horner form of the fit's degree-9 polynomial in t, evaluated in the original order (bit for bit).
  const poly =
    1.00002368 +
    t *
      (0.37409196 +
        t *
          (0.09678418 +
            t *
              (-0.18628806 +
                t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))));
  const r = t * Math.exp(-z * z - 1.26551223 + t * poly);
  return x >= 0 ? r : 2 - r;
}

/** Lanczos coefficients for g = 7, 9 terms (see {@link logGamma}), built once. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** Largest argument of {@link logGamma}: ln Γ(x) ≈ x ln x overflows f64 near 2.5·10³⁰⁵. */
const LOG_GAMMA_MAX = 1e305;

/** The Euler–Mascheroni constant γ. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * ln |Γ(x)| (Lanczos, g = 7, 9 terms; about 15 significant digits, absolute error ~1e-15 near the
 * zeros at x = 1 and 2). x < ½ by the reflection Γ(x)Γ(1 − x) = π/sin(πx).
 * @throws TypeError for a non-number; RangeError for NaN, ±∞, x > 1e305 (the result would overflow)
 * and the poles x = 0, −1, −2, …
 * @example logGamma(10) // ln 9! = 12.8018…
 */
export function logGamma(x: number): number {
  if (typeof x !== "number") throw new TypeError(`logGamma: x must be a number, got ${typeof x}`);
  if (!Number.isFinite(x) || x > LOG_GAMMA_MAX) {
    throw new RangeError(`logGamma: x must be finite and ≤ ${LOG_GAMMA_MAX}, got ${x}`);
  }
  if (x <= 0 && Number.isInteger(x)) throw new RangeError(`logGamma: x = ${x} is a pole of Γ (0, −1, −2, …)`);
  // Near 0 (either side) Γ(x) = 1/x − γ + O(x), so ln|Γ(x)| = −ln|x| − γx + O(x²); the reflection
  // formula would underflow sin(πx) there.
  if (Math.abs(x) < 1e-8) return -Math.log(Math.abs(x)) - EULER_GAMMA * x;
  return lnGamma(x);
}

/** ln |Γ(x)| by Lanczos' series, with the reflection formula below ½ (unchecked: see {@link logGamma}). */
function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
