import { expect, it } from 'vitest'
import { describeStores } from '../testing/databases.ts'
import { basin, basinId, ms, series, seriesId, station, stationId } from '../testing/fixtures.ts'

describeStores('SeriesRepository', (store) => {
  it('round-trips series at stations and at basins, and filters by either', async () => {
    await store().basins.upsert([basin('B1'), basin('B2')])
    await store().stations.upsert([station('S1'), station('S2')])
    const all = [
      series('Q1'),
      series('H1', { variable: 'water_level', unit: 'm', stepMs: null }),
      series('Q2', { stationId: stationId('S2') }),
      series('P1', {
        variable: 'precipitation',
        unit: 'mm',
        kind: 'forecast',
        stationId: null,
        basinId: basinId('B1'),
        stepMs: 86_400_000,
      }),
    ]
    await store().series.upsert(all)
    for (const s of all) expect(await store().series.find(s.id)).toEqual(s)
    expect(await store().series.find(seriesId('nope'))).toBeUndefined()
    expect((await store().series.list()).map((s) => s.id)).toEqual(['H1', 'P1', 'Q1', 'Q2'])
    expect((await store().series.list({ stationId: stationId('S1') })).map((s) => s.id)).toEqual([
      'H1',
      'Q1',
    ])
    expect((await store().series.list({ basinId: basinId('B1') })).map((s) => s.id)).toEqual(['P1'])
    expect(await store().series.list({ basinId: basinId('B2') })).toEqual([])
  })

  it('replaces a series upserted again, keeping its observations', async () => {
    await store().stations.upsert([station('S1')])
    await store().series.upsert([series('Q1')])
    await store().observations.write(
      [{ seriesId: seriesId('Q1'), t: ms(0), value: 1, quality: 0 }],
      ms(1),
    )
    await store().series.upsert([series('Q1', { stepMs: 900_000 })])
    expect((await store().series.find(seriesId('Q1')))?.stepMs).toBe(900_000)
    expect(await store().observations.count(seriesId('Q1'))).toBe(1)
  })

  it('stores all or none: a series on both a station and a basin rejects the call', async () => {
    await store().basins.upsert([basin('B1')])
    await store().stations.upsert([station('S1')])
    await expect(
      store().series.upsert([series('Q1'), series('Q2', { basinId: basinId('B1') })]),
    ).rejects.toThrow()
    expect(await store().series.list()).toEqual([])
  })
})
