import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hash128Hex } from './hash.ts'

describe('hash128Hex', () => {
  it('gives 32 hex digits, the same for the same text', () => {
    expect(hash128Hex('')).toMatch(/^[0-9a-f]{32}$/)
    expect(hash128Hex('freshet')).toBe(hash128Hex('freshet'))
    expect(hash128Hex('freshet')).not.toBe(hash128Hex('Freshet'))
  })

  it('has no collision among 200,000 similar keys', () => {
    const seen = new Set<string>()
    for (let v = 0; v < 200; v++)
      for (let r = 0; r < 1000; r++)
        seen.add(hash128Hex(`freshet.loing.1/v${v}/post:county-${r}/webhook/https://x.example/h`))
    expect(seen.size).toBe(200_000)
  })

  it('changes about half of its bits when one character changes', () => {
    const bits = (h: string): string =>
      [...h].map((x) => parseInt(x, 16).toString(2).padStart(4, '0')).join('')
    let total = 0
    let n = 0
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.nat(), (s, k) => {
        const i = k % s.length
        const t = s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.slice(i + 1)
        const x = bits(hash128Hex(s))
        const y = bits(hash128Hex(t))
        let diff = 0
        for (let j = 0; j < 128; j++) if (x[j] !== y[j]) diff++
        total += diff
        n++
      }),
      { seed: 42, numRuns: 500 },
    )
    expect(total / n).toBeGreaterThan(54)
    expect(total / n).toBeLessThan(74)
  })
})
