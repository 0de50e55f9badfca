import { expect, it } from 'vitest'
import { DEFAULT_CATALOGUE } from '../../logistics/types.ts'
import { ConflictError } from '../../logistics/ports.ts'
import { describeStores } from '../testing/databases.ts'
import { A, B, depot, depotId, itemId, JACKET } from '../testing/logistics-fixtures.ts'

describeStores('DepotRepository and the catalogue', (store) => {
  it('creates a depot at version 0 and replaces it at the version read', async () => {
    expect(await store().depots.save(depot(A, 100), 0)).toEqual(depot(A, 100))
    await store().depots.save(depot(B, 5), 0)
    const v1 = await store().depots.save({ ...depot(A, 100), capacityM3: 120 }, 0)
    expect(v1).toMatchObject({ capacityM3: 120, version: 1 })
    expect(await store().depots.find(A)).toEqual(v1)
    const stale = await store()
      .depots.save({ ...depot(A, 100), name: 'stale' }, 0)
      .catch((e: unknown) => e)
    expect(stale).toBeInstanceOf(ConflictError)
    expect(stale).toMatchObject({ subject: 'depot depot-a', expectedVersion: 0, actualVersion: 1 })
    await expect(store().depots.save(depot(A, 1), 5)).rejects.toThrow(ConflictError)
    // A depot that does not exist is at version 0.
    await expect(store().depots.save(depot(depotId('depot-c'), 1), 2)).rejects.toThrow(
      /depot depot-c: expected version 2, another writer has taken it to 0/,
    )
    expect((await store().depots.list()).map((d) => [d.id, d.version])).toEqual([
      [A, 1],
      [B, 0],
    ])
    expect(await store().depots.find(depotId('none'))).toBeUndefined()
  })

  it('lets one of 20 concurrent editors of a depot win per version', async () => {
    await store().depots.save(depot(A, 100), 0)
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, w) =>
        store().depots.save({ ...depot(A, 100), name: `w${w}` }, 0),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError)
    expect((await store().depots.find(A))!.version).toBe(1)
  })

  it('keeps the item catalogue, replacing items by id', async () => {
    await store().catalogue.upsert(DEFAULT_CATALOGUE)
    expect(await store().catalogue.list()).toEqual(
      [...DEFAULT_CATALOGUE].sort((a, b) => (a.id < b.id ? -1 : 1)),
    )
    const jacket = (await store().catalogue.find(JACKET))!
    await store().catalogue.upsert([{ ...jacket, volumePerUnitM3: 0.025 }])
    expect(await store().catalogue.find(JACKET)).toEqual({ ...jacket, volumePerUnitM3: 0.025 })
    expect(await store().catalogue.find(itemId('none'))).toBeUndefined()
    await expect(
      store().catalogue.upsert([{ ...jacket, volumePerUnitM3: Number.NaN }]),
    ).rejects.toThrow(/volume/)
  })
})
