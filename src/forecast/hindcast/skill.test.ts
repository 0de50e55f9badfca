import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId } from '../../core/ids.ts'
import type { HindcastResult } from './hindcast.ts'
import type { LeadScore } from './lead-scores.ts'
import { hindcastSkill } from './skill.ts'

const DAY = 86_400_000
// 172.8 km² × 1000 m³ per mm·km² / 86 400 s: 2 m³/s per mm/day.
const AREA = 172.8
const times = Float64Array.from({ length: 40 }, (_, i) => Date.UTC(2010, 0, 1) + i * DAY)

const score = (lead: number, over: Partial<LeadScore> = {}): LeadScore => ({
  lead,
  n: 5,
  crps: 0.25 * lead,
  crpsPersistence: 0.5,
  crpsClimatology: 1,
  crpssPersistence: 1 - 0.5 * lead,
  crpssClimatology: 1 - 0.25 * lead,
  spread: 0.1,
  rmseMean: 0.3,
  thresholds: [
    {
      name: 'Q90',
      hits: 0,
      misses: 0,
      falseAlarms: 2,
      correctNegatives: 3,
      pod: NaN,
      far: 1,
      csi: 0,
      bias: Infinity,
      pofd: 0.4,
    },
  ],
  ...over,
})

const result = (): HindcastResult => ({
  issues: Int32Array.of(10, 13, 16, 19, 22),
  horizon: 2,
  members: 9,
  quantileLevels: [5, 25, 50, 75, 95],
  variants: [
    {
      update: 'enkf',
      scores: [score(1), score(2)],
      quantiles: new Float64Array(0),
      exceedance: new Float64Array(0),
    },
    {
      update: 'none',
      scores: [score(1, { crps: 7 }), score(2, { n: 0, crps: NaN })],
      quantiles: new Float64Array(0),
      exceedance: new Float64Array(0),
    },
  ],
  thresholds: [{ name: 'Q90', value: 1.5 }],
  thresholdNote: 'Q90 of the reference period',
  persistence: new Float64Array(5),
  forcingNote: 'synthetic members',
  seed: 4,
})

const context = {
  basinId: 'b' as BasinId,
  computedAt: 123 as EpochMs,
  model: 'GR4J',
  times,
  stepMs: DAY,
  everySteps: 3,
  areaKm2: AREA,
}

describe('hindcastSkill', () => {
  it('summarises the reported variant, flows in m³/s, undefined scores as null', () => {
    const s = hindcastSkill(result(), context)
    expect(s).toEqual({
      basinId: 'b',
      computedAt: 123,
      firstIssue: Date.UTC(2010, 0, 11),
      lastIssue: Date.UTC(2010, 0, 23),
      issues: 5,
      everySteps: 3,
      update: 'enkf',
      model: 'GR4J',
      members: 9,
      horizonSteps: 2,
      stepMs: DAY,
      seed: 4,
      forcingNote: 'synthetic members',
      thresholds: [{ name: 'Q90', value: 3 }],
      thresholdNote: 'Q90 of the reference period',
      flowUnit: 'm3/s',
      leads: [1, 2].map((lead) => ({
        lead,
        n: 5,
        crps: 0.5 * lead,
        crpsPersistence: 1,
        crpsClimatology: 2,
        crpssPersistence: 1 - 0.5 * lead,
        crpssClimatology: 1 - 0.25 * lead,
        spread: expect.closeTo(0.2, 14),
        rmseMean: expect.closeTo(0.6, 14),
        thresholds: [
          {
            name: 'Q90',
            hits: 0,
            misses: 0,
            falseAlarms: 2,
            correctNegatives: 3,
            pod: null,
            far: 1,
            csi: 0,
            bias: null,
            pofd: 0.4,
          },
        ],
      })),
    })
  })

  it('summarises another variant when asked, a lead without forecasts as null scores', () => {
    const s = hindcastSkill(result(), context, 'none')
    expect(s.update).toBe('none')
    expect(s.leads[0]!.crps).toBe(14)
    expect(s.leads[1]).toMatchObject({ n: 0, crps: null })
  })

  it('refuses a variant the hindcast did not run, and a zero area', () => {
    expect(() => hindcastSkill(result(), context, 'routing')).toThrow(/no variant "routing"/)
    expect(() => hindcastSkill(result(), { ...context, areaKm2: 0 })).toThrow(/must be > 0/)
  })
})
