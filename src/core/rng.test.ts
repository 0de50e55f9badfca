import { describe, expect, it } from 'vitest'
import { seededRng } from './rng.ts'

describe('seededRng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = seededRng(42)
    const b = seededRng(42)
    const c = seededRng(43)
    const sa = Array.from({ length: 5 }, () => a.next())
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa)
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa)
  })

  it('draws uniforms in [0,1) with the right mean and normals with unit variance', () => {
    const r = seededRng(7)
    let s = 0
    let min = 1
    let max = 0
    for (let i = 0; i < 100_000; i++) {
      const u = r.next()
      s += u
      min = Math.min(min, u)
      max = Math.max(max, u)
    }
    expect(min).toBeGreaterThanOrEqual(0)
    expect(max).toBeLessThan(1)
    expect(Math.abs(s / 100_000 - 0.5)).toBeLessThan(0.005)
    let m = 0
    let m2 = 0
    for (let i = 0; i < 100_000; i++) {
      const z = r.normal()
      m += z
      m2 += z * z
    }
    expect(Math.abs(m / 100_000)).toBeLessThan(0.02)
    expect(Math.abs(m2 / 100_000 - 1)).toBeLessThan(0.02)
  })
})
