import { describe, expect, it } from 'vitest'
import { describeParity } from '../../../../test/support/model-parity.ts'
import { gr5j } from './run.ts'

describeParity(gr5j, 'reference-fortran/gr5j_L0123001', 20)

describe('GR5J parameter domain', () => {
  it.each([
    ['X1 ≤ 0', [0, -0.5, 90, 2.2, 0.3], 'X1'],
    ['X3 ≤ 0', [250, -0.5, -1, 2.2, 0.3], 'X3'],
    ['X4 beyond the 20-day hydrograph', [250, -0.5, 90, 20.5, 0.3], 'X4'],
    ['X5 not finite', [250, -0.5, 90, 2.2, NaN], 'X5'],
  ])('rejects %s', (_, values, name) => {
    const issues = gr5j.checkParams(Float64Array.from(values))
    expect(issues.map((i) => i.path.at(-1))).toEqual([name])
  })

  it('rejects a vector of the wrong length and accepts a valid one', () => {
    expect(gr5j.checkParams(Float64Array.of(250, -0.5, 90, 2.2))).toHaveLength(1)
    expect(gr5j.checkParams(Float64Array.of(250, -0.5, 90, 20, -3))).toEqual([])
  })
})
