/**
 * The special functions the flood-frequency fits need: Γ(1 + k) and (1 − Γ(1 + k))/k for the
 * GEV shape k, accurate to a few ulps including as k → 0, where the GEV meets the Gumbel
 * distribution and a naive 1 − Γ(1 + k) loses every digit.
 *
 * Near zero (|k| ≤ 1/4) ln Γ(1 + k) is summed from its Taylor series
 * ln Γ(1 + k) = −γk + Σ_{n≥2} (−1)ⁿ ζ(n) kⁿ / n (Abramowitz & Stegun 1964, ch. 6), the ζ(n)
 * computed once by direct summation with an Euler–Maclaurin tail. Elsewhere Γ comes from the
 * Lanczos (1964) approximation with g = 7 and nine coefficients, accurate to about 1e-15.
 */

/**
 * Below this |k| the GEV formulas take their k = 0 (Gumbel) limit: the terms they drop are
 * O(k), under 1e-90 of the result, while k·y could fall among the subnormal numbers, where
 * (e^{ky} − 1)/k would lose every digit.
 */
export const NEGLIGIBLE_SHAPE = 1e-100

/** Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329

const SERIES_TERMS = 30
/** ZETA[n] = ζ(n) for 2 ≤ n ≤ SERIES_TERMS. */
const ZETA = zetaTable(SERIES_TERMS)

function zetaTable(nMax: number): Float64Array {
  const out = new Float64Array(nMax + 1)
  const J = 64
  for (let n = 2; n <= nMax; n++) {
    // Tail Σ_{j≥J} j^−n by Euler–Maclaurin, then the head added from its smallest term up.
    let s =
      J ** (1 - n) / (n - 1) +
      J ** -n / 2 +
      (n * J ** (-n - 1)) / 12 -
      (n * (n + 1) * (n + 2) * J ** (-n - 3)) / 720 +
      (n * (n + 1) * (n + 2) * (n + 3) * (n + 4) * J ** (-n - 5)) / 30240
    for (let j = J - 1; j >= 1; j--) s += j ** -n
    out[n] = s
  }
  return out
}

const LANCZOS_G = 7
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
] as const

/**
 * ln Γ(x) for x > 0 (Lanczos 1964, g = 7), relative accuracy about 1e-15 away from the roots
 * x = 1 and x = 2 (use {@link lnGamma1p} there).
 */
export function lnGamma(x: number): number {
  if (x < 0.5) return lnGamma(x + 1) - Math.log(x)
  const z = x - 1
  let a = LANCZOS[0]
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i)
  const t = z + LANCZOS_G + 0.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

/** ln Γ(1 + k) for k > −1, with full relative accuracy as k → 0. */
export function lnGamma1p(k: number): number {
  if (Math.abs(k) > 0.25) return lnGamma(1 + k)
  let s = 0
  let p = -k
  for (let n = 2; n <= SERIES_TERMS; n++) {
    p *= -k
    s += (ZETA[n]! * p) / n
  }
  return -EULER_GAMMA * k + s
}

/** Γ(1 + k) for k > −1. */
export const gamma1p = (k: number): number => Math.exp(lnGamma1p(k))

/** (1 − Γ(1 + k)) / k for k > −1; its limit γ (Euler's constant) at k = 0. */
export function oneMinusGamma1pOverK(k: number): number {
  if (Math.abs(k) < NEGLIGIBLE_SHAPE) return EULER_GAMMA
  return -Math.expm1(lnGamma1p(k)) / k
}
