import { expect, it } from 'vitest'
import { describeStores } from '../testing/databases.ts'
import { seedSite, series, seriesId, threshold, user } from '../testing/fixtures.ts'

describeStores('ThresholdRepository', (store) => {
  it('round-trips fitted and hand-set thresholds and lists those of a series by value', async () => {
    await seedSite(store())
    await store().series.upsert([series('Q2')])
    const q10 = threshold('Q1-Q10')
    const q2 = threshold('Q1-Q2', { name: 'Q2', returnPeriodYears: 2, value: 41.5 })
    const alert = threshold('Q1-alert', {
      name: 'alert',
      returnPeriodYears: null,
      value: 60,
      source: 'manual',
      ciLow: null,
      ciHigh: null,
      setBy: user('duty-officer'),
      reason: 'levee toe at Plaines',
    })
    const other = threshold('Q2-Q10', { seriesId: seriesId('Q2') })
    await store().thresholds.upsert([q10, q2, alert, other])
    expect(await store().thresholds.list(seriesId('Q1'))).toEqual([q2, alert, q10])
    expect(await store().thresholds.list(seriesId('Q2'))).toEqual([other])
    expect(await store().thresholds.list(seriesId('none'))).toEqual([])
  })

  it('replaces a threshold upserted again', async () => {
    await seedSite(store())
    await store().thresholds.upsert([threshold('T')])
    await store().thresholds.upsert([threshold('T', { value: 90, reason: 'refit' })])
    expect(await store().thresholds.list(seriesId('Q1'))).toEqual([
      threshold('T', { value: 90, reason: 'refit' }),
    ])
  })

  it('stores all or none: a threshold on an unknown series rejects the call', async () => {
    await seedSite(store())
    await expect(
      store().thresholds.upsert([threshold('A'), threshold('B', { seriesId: seriesId('nope') })]),
    ).rejects.toThrow()
    expect(await store().thresholds.list(seriesId('Q1'))).toEqual([])
  })
})
