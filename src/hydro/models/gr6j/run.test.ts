import { describe, expect, it } from 'vitest'
import { describeParity } from '../../../../test/support/model-parity.ts'
import { gr6j } from './run.ts'
import { EXP, PROD, ROUT } from './state.ts'

describeParity(gr6j, 'reference-fortran/gr6j_L0123001_gain', 20)
describeParity(gr6j, 'reference-fortran/gr6j_L0123001_loss', 20)

describe('GR6J parameter domain', () => {
  const valid = [250, 0.5, 90, 2.2, 0.2, 5]
  it.each([
    ['X6 = 0', 5, 0, 'X6'],
    ['X6 < 0', 5, -1, 'X6'],
    ['X6 not finite', 5, Infinity, 'X6'],
    ['X5 not finite', 4, NaN, 'X5'],
    ['X4 beyond the 20-day hydrograph', 3, 21, 'X4'],
  ])('rejects %s', (_, index, value, name) => {
    const params = Float64Array.from(valid)
    params[index] = value
    expect(gr6j.checkParams(params).map((i) => i.path.at(-1))).toEqual([name])
  })

  it('accepts a valid vector and starts with an empty exponential store', () => {
    const params = Float64Array.from(valid)
    expect(gr6j.checkParams(params)).toEqual([])
    const st = gr6j.initialState(params, {
      productionStoreFraction: 0.3,
      routingStoreFraction: 0.5,
    })
    expect([st[PROD], st[ROUT], st[EXP]]).toEqual([75, 45, 0])
  })
})
