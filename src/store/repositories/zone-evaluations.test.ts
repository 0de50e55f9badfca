import { expect, it } from 'vitest'
import { initialZoneEvaluationState, type ZoneEvaluationState } from '../../warn/evaluate.ts'
import { describeStores } from '../testing/databases.ts'
import { ms } from '../testing/fixtures.ts'
import { zoneId } from '../testing/warning-fixtures.ts'

describeStores('ZoneEvaluationRepository and settings', (store) => {
  it('keeps the latest state of each zone', async () => {
    const z1 = zoneId('Z1')
    expect(await store().zoneEvaluations.find(z1)).toBeUndefined()
    const s1: ZoneEvaluationState = {
      ...initialZoneEvaluationState(z1),
      level: 'warning',
      streaks: { 'warning#0': 2, 'advisory#1': 0 },
      belowCycles: 1,
      lastCycleKey: 'run:r1 obs:S1@5',
      lastForecastKey: 'run:r1',
    }
    await store().zoneEvaluations.put(s1, ms(1))
    expect(await store().zoneEvaluations.find(z1)).toEqual(s1)
    const s2 = { ...s1, level: null, belowCycles: 0 }
    await store().zoneEvaluations.put(s2, ms(2))
    expect(await store().zoneEvaluations.find(z1)).toEqual(s2)
    expect(await store().zoneEvaluations.find(zoneId('Z2'))).toBeUndefined()
  })

  it('writes the state with the rest of a transaction, or not at all', async () => {
    const z = zoneId('Z1')
    await expect(
      store().transaction(async (tx) => {
        await tx.zoneEvaluations.put(initialZoneEvaluationState(z), ms(1))
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await store().zoneEvaluations.find(z)).toBeUndefined()
  })

  it('sets a setting once: the first value stays', async () => {
    expect(await store().settings.find('ack-secret')).toBeUndefined()
    expect(await store().settings.setIfAbsent('ack-secret', 'a')).toBe('a')
    expect(await store().settings.setIfAbsent('ack-secret', 'b')).toBe('a')
    expect(await store().settings.find('ack-secret')).toBe('a')
  })
})
