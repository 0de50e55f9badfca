/** A source of uniform random numbers in [0, 1). Domain code uses this port, never `Math.random()`. */
export interface Rng {
  next(): number
}

/**
 * A seeded pseudo-random generator (xoshiro128**, Blackman & Vigna 2018) seeded through
 * splitmix32. The same seed gives the same sequence on every platform.
 *
 * @param seed any integer; it is reduced to 32 bits.
 */
export function seededRng(seed: number): Rng & { normal(): number } {
  let x = seed >>> 0
  const split = (): number => {
    x = (x + 0x9e3779b9) >>> 0
    let z = x
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = split()
  let b = split()
  let c = split()
  let d = split()
  if ((a | b | c | d) === 0) a = 1
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0
    const t = (b << 9) >>> 0
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = rotl(d, 11)
    return r / 4294967296
  }
  let spare = NaN
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const s = spare
      spare = NaN
      return s
    }
    // Marsaglia polar method.
    for (;;) {
      const u = 2 * next() - 1
      const v = 2 * next() - 1
      const s = u * u + v * v
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s)
        spare = v * f
        return u * f
      }
    }
  }
  return { next, normal }
}

function rotl(v: number, k: number): number {
  return ((v << k) | (v >>> (32 - k))) >>> 0
}
