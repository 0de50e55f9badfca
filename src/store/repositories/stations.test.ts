import { expect, it } from 'vitest'
import { describeStores } from '../testing/databases.ts'
import { basin, basinId, station, stationId } from '../testing/fixtures.ts'

describeStores('StationRepository', (store) => {
  it('round-trips a station with every field, and with the optional ones null', async () => {
    await store().basins.upsert([basin('B1')])
    const full = station('S1', { basinId: basinId('B1') })
    const bare = station('S2', {
      basinId: null,
      catchmentAreaKm2: null,
      datumM: null,
      name: 'Épisy — l’Loing',
    })
    await store().stations.upsert([full, bare])
    expect(await store().stations.find(stationId('S1'))).toEqual(full)
    expect(await store().stations.find(stationId('S2'))).toEqual(bare)
    expect(await store().stations.find(stationId('nope'))).toBeUndefined()
  })

  it('lists stations by id and replaces a station upserted again', async () => {
    await store().stations.upsert([station('S2'), station('S1'), station('S3')])
    await store().stations.upsert([station('S2', { name: 'renamed', lat: -12.5 })])
    const list = await store().stations.list()
    expect(list.map((s) => s.id)).toEqual(['S1', 'S2', 'S3'])
    expect(list[1]).toEqual(station('S2', { name: 'renamed', lat: -12.5 }))
  })

  it('keeps the last of two stations with the same id in one call', async () => {
    await store().stations.upsert([
      station('S1', { name: 'first' }),
      station('S1', { name: 'last' }),
    ])
    expect((await store().stations.list()).map((s) => s.name)).toEqual(['last'])
  })

  it('stores all or none: a station on an unknown basin rejects the whole call', async () => {
    await expect(
      store().stations.upsert([station('S1'), station('S2', { basinId: basinId('missing') })]),
    ).rejects.toThrow()
    expect(await store().stations.list()).toEqual([])
  })

  it('does nothing with an empty list', async () => {
    await store().stations.upsert([])
    expect(await store().stations.list()).toEqual([])
  })
})
