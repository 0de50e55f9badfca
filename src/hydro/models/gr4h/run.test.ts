import { describe, expect, it } from 'vitest'
import { describeParity } from '../../../../test/support/model-parity.ts'
import { gr4h } from './run.ts'
import { uh2Offset } from './state.ts'

const NH = 480

describeParity(gr4h, 'reference-fortran/gr4h_L0123001_hourly', 480)

describe('GR4H parameter domain', () => {
  it('accepts X4 up to the 480-hour hydrograph and rejects it beyond', () => {
    expect(gr4h.checkParams(Float64Array.of(200, -0.05, 100, 480))).toEqual([])
    const issues = gr4h.checkParams(Float64Array.of(200, -0.05, 100, 480.5))
    expect(issues.map((i) => i.path.at(-1))).toEqual(['X4'])
  })

  it('rejects empty stores and non-finite values', () => {
    const issues = gr4h.checkParams(Float64Array.of(0, -0.05, -3, 12))
    expect(issues.map((i) => i.path.at(-1))).toEqual(['X1', 'X3'])
    expect(gr4h.checkParams(Float64Array.of(200, NaN, 100, 12))).toHaveLength(1)
  })

  it('has the hourly state layout', () => {
    expect(gr4h.stateSize).toBe(4 + 3 * NH)
    expect(gr4h.stateNames[uh2Offset(NH)]).toBe('UH2[0]')
  })
})
