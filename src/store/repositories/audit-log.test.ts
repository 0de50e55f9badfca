import { expect, it } from 'vitest'
import { describeStores } from '../testing/databases.ts'
import { ms, T0 } from '../testing/fixtures.ts'
import { audit, userId, warningId } from '../testing/warning-fixtures.ts'

describeStores('AuditRepository', (store) => {
  it('round-trips entries in the order appended, ids ascending', async () => {
    const entries = [
      audit(1),
      audit(1, { action: 'approval-refused', warningId: null, details: {} }),
      audit(2),
    ]
    await store().audit.append(entries)
    await store().audit.append([])
    const back = await store().audit.list()
    expect(back.map(({ id: _, ...e }) => e)).toEqual(entries)
    expect(back[0]!.id).toBeLessThan(back[1]!.id)
    expect(back[1]!.id).toBeLessThan(back[2]!.id)
  })

  it('filters by warning, actor and time, and limits', async () => {
    await store().audit.append([
      audit(1),
      audit(2, { actor: userId('approver'), action: 'approved' }),
      audit(3, { warningId: warningId('Z2') }),
      audit(4),
    ])
    const l = store().audit
    expect((await l.list({ warningId: warningId('Z1') })).map((e) => e.at)).toEqual([
      T0 + 1000,
      T0 + 2000,
      T0 + 4000,
    ])
    expect((await l.list({ actor: userId('approver') })).map((e) => e.action)).toEqual(['approved'])
    const window = await l.list({ from: ms(T0 + 2000), to: ms(T0 + 4000) })
    expect(window.map((e) => e.at)).toEqual([T0 + 2000, T0 + 3000])
    expect(await l.list({ limit: 2 })).toHaveLength(2)
  })

  it('appends all or none', async () => {
    await expect(
      store().audit.append([audit(1), audit(2, { details: { x: Number.NaN } })]),
    ).rejects.toThrow(/cannot be stored as JSON/)
    expect(await store().audit.list()).toEqual([])
  })
})
