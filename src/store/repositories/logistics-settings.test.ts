import { expect, it } from 'vitest'
import { ConflictError } from '../../logistics/ports.ts'
import { describeStores } from '../testing/databases.ts'

describeStores('LogisticsSettingsRepository', (store) => {
  it('writes documents at the version read and refuses stale writers', async () => {
    const repo = () => store().logisticsSettings
    expect(await repo().find('logistics.norms')).toBeUndefined()
    expect(await repo().put('logistics.norms', { days: 3 }, -1)).toBe(0)
    await expect(repo().put('logistics.norms', { days: 4 }, -1)).rejects.toThrow(ConflictError)
    expect(await repo().put('logistics.norms', { days: 5 }, 0)).toBe(1)
    const stale = await repo()
      .put('logistics.norms', { days: 6 }, 0)
      .catch((e: unknown) => e)
    expect(stale).toMatchObject({ expectedVersion: 0, actualVersion: 1 })
    expect(await repo().find('logistics.norms')).toEqual({
      key: 'logistics.norms',
      version: 1,
      doc: { days: 5 },
    })
    // Without an expected version the document is overwritten whatever its version.
    expect(await repo().put('logistics.norms', { days: 7 })).toBe(2)
  })

  it('lists by exact prefix, by key', async () => {
    await store().logisticsSettings.put('logistics.exposure:b', { n: 2 })
    await store().logisticsSettings.put('logistics.exposure:a_1', { n: 1 })
    await store().logisticsSettings.put('logistics.exposureXa', { n: 3 })
    await store().settings.setIfAbsent('logistics.exposure:', 'not a document')
    const listed = async (prefix: string) =>
      (await store().logisticsSettings.list<{ n: number }>(prefix)).map((d) => [d.key, d.doc.n])
    expect(await listed('logistics.exposure:a')).toEqual([['logistics.exposure:a_1', 1]])
    await expect(listed('logistics.exposure:')).rejects.toThrow(/not a versioned/)
  })

  it('lets one of 10 concurrent writers of a version win', async () => {
    await store().logisticsSettings.put('logistics.plan:p', { w: -1 }, -1)
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, w) =>
        store().logisticsSettings.put('logistics.plan:p', { w }, 0),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError)
  })
})
