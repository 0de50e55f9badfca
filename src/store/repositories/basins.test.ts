import { expect, it } from 'vitest'
import type { Basin } from '../../observe/types.ts'
import { describeStores } from '../testing/databases.ts'
import { basin, basinId, HYPSOMETRY } from '../testing/fixtures.ts'

describeStores('BasinRepository', (store) => {
  it('round-trips the outline, the hypsometry (bit for bit) and each kind of reach', async () => {
    const network: Basin[] = [
      basin('OUT', { outline: null, hypsometry: null }),
      basin('MID', {
        downstream: { basinId: basinId('OUT'), reach: { kind: 'muskingum', kHours: 12.5, x: 0.2 } },
        outline: {
          type: 'MultiPolygon',
          coordinates: [
            [
              [
                [0, 0],
                [1e-9, 0.1],
                [0.3, 0],
                [0, 0],
              ],
            ],
          ],
        },
      }),
      basin('UP1', {
        downstream: {
          basinId: basinId('MID'),
          reach: { kind: 'lag-route', lagHours: 6, kHours: 1.5 },
        },
      }),
      basin('UP2', { downstream: { basinId: basinId('MID'), reach: { kind: 'none' } } }),
    ]
    await store().basins.upsert(network)
    for (const b of network) expect(await store().basins.find(b.id)).toEqual(b)
    const stored = await store().basins.find(basinId('UP1'))
    expect(Object.is(stored!.hypsometry![1], HYPSOMETRY[1])).toBe(true)
    expect((await store().basins.list()).map((b) => b.id)).toEqual(['MID', 'OUT', 'UP1', 'UP2'])
    expect(await store().basins.find(basinId('nope'))).toBeUndefined()
  })

  it('loads a network in any order within a transaction (downstream checked at commit)', async () => {
    await store().transaction(async (tx) => {
      await tx.basins.upsert([
        basin('UP', { downstream: { basinId: basinId('OUT'), reach: { kind: 'none' } } }),
      ])
      await tx.basins.upsert([basin('OUT')])
    })
    expect((await store().basins.list()).map((b) => b.id)).toEqual(['OUT', 'UP'])
  })

  it('rejects a basin whose downstream basin never arrives, storing none of the call', async () => {
    await expect(
      store().basins.upsert([
        basin('A'),
        basin('UP', { downstream: { basinId: basinId('nowhere'), reach: { kind: 'none' } } }),
      ]),
    ).rejects.toThrow()
    expect(await store().basins.list()).toEqual([])
  })

  it('replaces a basin upserted again, down to removing its downstream link', async () => {
    await store().basins.upsert([
      basin('OUT'),
      basin('UP', { downstream: { basinId: basinId('OUT'), reach: { kind: 'none' } } }),
    ])
    await store().basins.upsert([basin('UP', { areaKm2: 1, downstream: null, outline: null })])
    expect(await store().basins.find(basinId('UP'))).toEqual(
      basin('UP', { areaKm2: 1, downstream: null, outline: null }),
    )
  })

  it('refuses numbers JSON cannot hold instead of storing null', async () => {
    await expect(store().basins.upsert([basin('B', { hypsometry: [1, NaN, 3] })])).rejects.toThrow(
      /cannot be stored as JSON/,
    )
  })
})
