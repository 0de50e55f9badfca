import { describe, expect, it } from 'vitest'
import { toCplexLp } from './lp-format.ts'
import type { LpModel } from './ports.ts'

const model = (n: number): LpModel => {
  // min Σ (j+1)·x_j  s.t.  1 ≤ Σ x_j ≤ 5 (a ranged row), x_0 − x_1 = 0, x_j ∈ [0, 2] (x_1 free).
  const starts = new Int32Array(n + 1)
  const indices: number[] = []
  const values: number[] = []
  for (let j = 0; j < n; j++) {
    starts[j] = indices.length
    indices.push(0)
    values.push(1)
    if (j < 2) {
      indices.push(1)
      values.push(j === 0 ? 1 : -1)
    }
  }
  starts[n] = indices.length
  const colLower = new Float64Array(n)
  const colUpper = new Float64Array(n).fill(2)
  colLower[1] = -Infinity
  colUpper[1] = Infinity
  return {
    numCols: n,
    numRows: 2,
    colCost: Float64Array.from({ length: n }, (_, j) => j + 1),
    colLower,
    colUpper,
    rowLower: Float64Array.from([1, 0]),
    rowUpper: Float64Array.from([5, 0]),
    starts,
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  }
}

describe('toCplexLp', () => {
  it('writes objective, a ranged row as two rows, an equality, bounds and a free column', () => {
    expect(toCplexLp(model(3))).toBe(
      [
        '\\ written by Freshet logistics',
        'Minimize',
        ' obj: x0 + 2 x1 + 3 x2',
        'Subject To',
        ' r0_lo: x0 + x1 + x2 >= 1',
        ' r0_hi: x0 + x1 + x2 <= 5',
        ' r1: x0 - x1 = 0',
        'Bounds',
        ' 0 <= x0 <= 2',
        ' x1 free',
        ' 0 <= x2 <= 2',
        'End',
        '',
      ].join('\n'),
    )
  })

  it('wraps long rows under 255 characters and keeps every term', () => {
    const text = toCplexLp(model(500))
    const lines = text.split('\n')
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(255)
    const lo = text.slice(text.indexOf('r0_lo:'), text.indexOf('>= 1'))
    expect(lo.match(/x\d+/g)).toHaveLength(500)
  })

  it('refuses NaN', () => {
    const m = model(2)
    m.colCost[0] = Number.NaN
    expect(() => toCplexLp(m)).toThrow(/column 0: cost is NaN/)
  })
})
