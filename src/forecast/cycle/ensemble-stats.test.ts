import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { summarizeEnsemble, summaryScratch } from './ensemble-stats.ts'

/** Summarises members given as rows of numbers, one lead step per column. */
function summarize(rows: number[][], levels: number[], thresholds: number[]) {
  const steps = rows[0]?.length ?? 0
  const members = rows.map((r) => Float64Array.from(r))
  const q = levels.map(() => new Float64Array(steps))
  const p = thresholds.map(() => new Float64Array(steps))
  summarizeEnsemble(members, steps, levels, q, thresholds, p, summaryScratch(rows.length))
  return { q: q.map((a) => [...a]), p: p.map((a) => [...a]) }
}

describe('summarizeEnsemble', () => {
  it('computes type-7 quantiles as R does', () => {
    // R: quantile(1:10, c(.05, .25, .5, .75, .95), type = 7) → 1.45 3.25 5.5 7.75 9.55
    const rows = [7, 3, 10, 1, 5, 2, 9, 4, 8, 6].map((v) => [v])
    const { q } = summarize(rows, [5, 25, 50, 75, 95], [])
    const expected = [1.45, 3.25, 5.5, 7.75, 9.55]
    q.forEach((v, i) => expect(v[0]).toBeCloseTo(expected[i]!, 12))
    // R: quantile(c(0.2, 4, 4, 13), c(0, .5, 1)) → 0.2 4 13
    expect(summarize([[4], [0.2], [13], [4]], [0, 50, 100], []).q).toEqual([[0.2], [4], [13]])
  })

  it('handles one member and lead steps independently', () => {
    expect(summarize([[3, 1]], [5, 95], [2]).q).toEqual([
      [3, 1],
      [3, 1],
    ])
    expect(summarize([[3, 1]], [5], [2]).p).toEqual([[1, 0]])
  })

  it('counts members strictly above a threshold', () => {
    const rows = [[1], [2], [2], [3]]
    expect(summarize(rows, [], [0, 1, 2, 2.5, 3, 4]).p.map((a) => a[0])).toEqual([
      1, 0.75, 0.25, 0.25, 0, 0,
    ])
  })

  it('keeps quantiles monotone and inside the members, probabilities in [0, 1] and not increasing', () => {
    const value = fc.double({ min: 0, max: 1e6, noNaN: true })
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 60 }),
        fc.array(value, { minLength: 1, maxLength: 5 }),
        (rows, raw) => {
          const thresholds = [...raw].sort((a, b) => a - b)
          const { q, p } = summarize(rows, [0, 5, 25, 50, 75, 95, 100], thresholds)
          for (let t = 0; t < 6; t++) {
            const col = rows.map((r) => r[t]!)
            expect(q[0]![t]).toBe(Math.min(...col))
            expect(q[6]![t]).toBe(Math.max(...col))
            // The median as a fresh sort gives it.
            const sorted = [...col].sort((a, b) => a - b)
            const h = (sorted.length - 1) / 2
            const k = Math.floor(h)
            const median = sorted[k]! + (h - k) * ((sorted[k + 1] ?? sorted[k]!) - sorted[k]!)
            expect(q[3]![t]).toBe(median)
            for (let l = 1; l < q.length; l++)
              expect(q[l]![t]).toBeGreaterThanOrEqual(q[l - 1]![t]!)
            for (let j = 0; j < p.length; j++) {
              expect(p[j]![t]).toBeGreaterThanOrEqual(0)
              expect(p[j]![t]).toBeLessThanOrEqual(1)
              if (j > 0) expect(p[j]![t]).toBeLessThanOrEqual(p[j - 1]![t]!)
            }
          }
        },
      ),
      { seed: 20_250_613, numRuns: 300 },
    )
  })
})
