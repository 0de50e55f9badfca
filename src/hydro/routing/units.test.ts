import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DATA_DIR, readTable } from '../../../test/support/airgr-reference.ts'
import {
  SECONDS_PER_DAY,
  SECONDS_PER_HOUR,
  m3sToMmPerStep,
  m3sToMmPerStepSeries,
  mmPerStepToM3s,
  mmPerStepToM3sSeries,
} from './units.ts'

describe('mm per step ↔ m³/s', () => {
  it.each([
    // depth (mm/step), area (km²), step (s), flow (m³/s)
    [1, 1, SECONDS_PER_DAY, 1000 / 86_400],
    [1, 1, SECONDS_PER_HOUR, 1000 / 3600],
    [3.6, 1, SECONDS_PER_HOUR, 1], // 3.6 mm/h over 1 km² = 3600 m³ per hour
    [8.64, 100, SECONDS_PER_DAY, 10], // 8.64 mm/day over 100 km² = 864 000 m³ per day
    [0, 686, SECONDS_PER_DAY, 0],
  ])('%d mm over %d km² in %d s is %d m³/s', (mm, area, dt, q) => {
    expect(mmPerStepToM3s(mm, area, dt)).toBeCloseTo(q, 14)
    expect(m3sToMmPerStep(q, area, dt)).toBeCloseTo(mm, 13)
  })

  it('round-trips to within rounding (fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-9, max: 1e3, noNaN: true }),
        fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        fc.constantFrom(60, SECONDS_PER_HOUR, 3 * SECONDS_PER_HOUR, SECONDS_PER_DAY),
        (mm, area, dt) => {
          const back = m3sToMmPerStep(mmPerStepToM3s(mm, area, dt), area, dt)
          expect(Math.abs(back - mm)).toBeLessThanOrEqual(4e-16 * mm)
        },
      ),
      { seed: 20_250_101, numRuns: 500 },
    )
  })

  it('gives the same bits in scalar and series form, in place too, and keeps NaN', () => {
    const mm = Float64Array.of(0, 0.1, 1.055, 12.34, NaN)
    const q = mmPerStepToM3sSeries(mm, 686, SECONDS_PER_DAY, new Float64Array(5))
    for (let i = 0; i < 4; i++) expect(q[i]).toBe(mmPerStepToM3s(mm[i]!, 686, SECONDS_PER_DAY))
    expect(q[4]).toBeNaN()
    const back = m3sToMmPerStepSeries(q, 686, SECONDS_PER_DAY, new Float64Array(5))
    for (let i = 0; i < 4; i++) expect(back[i]).toBe(m3sToMmPerStep(q[i]!, 686, SECONDS_PER_DAY))
    const inPlace = Float64Array.from(mm)
    mmPerStepToM3sSeries(inPlace, 686, SECONDS_PER_DAY, inPlace)
    expect(Array.from(inPlace)).toEqual(Array.from(q))
  })

  // CAMELS-FR gives each flow twice: q_ls (l/s) and q_mm (mm/day, rounded to 3 decimals).
  it.each(['H010002001', 'H120101001', 'F439000101'])(
    'agrees with the l/s and mm/day columns of %s to the rounding of q_mm',
    (code) => {
      const basin = JSON.parse(
        readFileSync(join(DATA_DIR, 'inputs', `${code}_basin.json`), 'utf8'),
      ) as { area_km2: number }
      const table = readTable(`inputs/${code}.csv`)
      const qls = table.columns.get('q_ls')!
      const qmm = table.columns.get('q_mm')!
      const halfUnit = mmPerStepToM3s(0.0005, basin.area_km2, SECONDS_PER_DAY)
      let checked = 0
      for (let i = 0; i < qls.length; i++) {
        if (Number.isNaN(qls[i]!) || Number.isNaN(qmm[i]!)) continue
        const q = mmPerStepToM3s(qmm[i]!, basin.area_km2, SECONDS_PER_DAY)
        expect(Math.abs(q - qls[i]! / 1000), `row ${i}`).toBeLessThanOrEqual(halfUnit * 1.000001)
        checked++
      }
      expect(checked).toBeGreaterThan(7000)
    },
  )
})
