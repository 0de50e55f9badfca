import { expect, it } from 'vitest'
import type { HindcastSkill, LeadSkill } from '../../forecast/hindcast/skill.ts'
import { describeStores } from '../testing/databases.ts'
import { basin, basinId, ms, T0 } from '../testing/fixtures.ts'

const DAY = 86_400_000

const lead = (l: number): LeadSkill => ({
  lead: l,
  n: 146 - l,
  crps: 1.5 + l / 3,
  crpsPersistence: 0.1 + 0.2 * l,
  crpsClimatology: 12.345678901234567,
  crpssPersistence: -0.8312 + l * 1e-300,
  crpssClimatology: 1 / 3,
  spread: l === 1 ? 0 : Math.PI * l,
  rmseMean: 2 ** -30,
  thresholds: [
    {
      name: 'Q90',
      hits: 10,
      misses: 2,
      falseAlarms: 3,
      correctNegatives: 120,
      pod: 10 / 12,
      far: 3 / 13,
      csi: 10 / 15,
      bias: 13 / 12,
      pofd: 3 / 123,
    },
    // Nothing observed above Q99: POD, CSI and bias are undefined.
    {
      name: 'Q99',
      hits: 0,
      misses: 0,
      falseAlarms: 1,
      correctNegatives: 134,
      pod: null,
      far: 1,
      csi: 0,
      bias: null,
      pofd: 1 / 135,
    },
  ],
})

const skill = (over: Partial<HindcastSkill> = {}): HindcastSkill => ({
  basinId: basinId('B1'),
  computedAt: T0,
  firstIssue: ms(T0 - 730 * DAY),
  lastIssue: ms(T0 - 10 * DAY),
  issues: 144,
  everySteps: 5,
  update: 'enkf',
  model: 'GR4J',
  members: 20,
  horizonSteps: 3,
  stepMs: DAY,
  seed: 2016,
  forcingNote: 'synthetic members: observed forcing with seeded multiplicative errors',
  thresholds: [
    { name: 'Q90', value: 41.25 },
    { name: 'Q99', value: 0.1 + 0.2 },
  ],
  thresholdNote: 'flows exceeded 10 % and 1 % of the time, 2000–2009',
  flowUnit: 'm3/s',
  leads: [lead(1), lead(2), lead(3)],
  ...over,
})

describeStores('HindcastSkillRepository', (store) => {
  it('round-trips a summary, undefined scores as null and doubles bit for bit', async () => {
    await store().basins.upsert([basin('B1'), basin('B2')])
    expect(await store().hindcastSkill.latest(basinId('B1'))).toBeUndefined()
    const s = skill()
    await store().hindcastSkill.put(s)
    const back = await store().hindcastSkill.latest(basinId('B1'))
    expect(back).toEqual(s)
    expect(Object.is(back!.leads[1]!.crpsPersistence, 0.1 + 0.2 * 2)).toBe(true)
    expect(back!.leads[0]!.thresholds[1]!.pod).toBeNull()
    expect(await store().hindcastSkill.latest(basinId('B2'))).toBeUndefined()
  })

  it('gives each basin its newest summary, the last stored among equal times', async () => {
    await store().basins.upsert([basin('B1'), basin('B2')])
    const older = skill({ computedAt: ms(T0 - DAY), update: 'none' })
    const first = skill({ update: 'routing' })
    const second = skill({ update: 'correction' })
    const other = skill({ basinId: basinId('B2'), computedAt: ms(T0 - 5 * DAY), members: 51 })
    await store().hindcastSkill.put(first)
    await store().hindcastSkill.put(second)
    // Stored after, computed before: not the latest.
    await store().hindcastSkill.put(older)
    await store().hindcastSkill.put(other)
    expect(await store().hindcastSkill.latest(basinId('B1'))).toEqual(second)
    expect(await store().hindcastSkill.latest(basinId('B2'))).toEqual(other)
    expect(await store().hindcastSkill.latestTimes()).toEqual(
      new Map([
        [basinId('B1'), first.computedAt],
        [basinId('B2'), other.computedAt],
      ]),
    )
  })

  it('refuses a summary of an unknown basin, or with a number JSON cannot hold', async () => {
    await expect(store().hindcastSkill.put(skill())).rejects.toThrow()
    await store().basins.upsert([basin('B1')])
    const bad = skill({ leads: [{ ...lead(1), crps: Number.NaN }] })
    await expect(store().hindcastSkill.put(bad)).rejects.toThrow(/cannot be stored as JSON/)
    await expect(store().hindcastSkill.put(skill({ issues: 0 }))).rejects.toThrow()
    expect(await store().hindcastSkill.latest(basinId('B1'))).toBeUndefined()
    expect((await store().hindcastSkill.latestTimes()).size).toBe(0)
  })
})
