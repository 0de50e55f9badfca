import { expect, it } from 'vitest'
import { type DispatchEvent, replayDispatch } from '../../logistics/dispatch.ts'
import { ConflictError } from '../../logistics/ports.ts'
import { describeStores } from '../testing/databases.ts'
import { A, areaId, at, by, dispatchId, JACKET, PUMP } from '../testing/logistics-fixtures.ts'

const planned = (id: string): DispatchEvent => ({
  kind: 'planned',
  dispatchId: dispatchId(id),
  at: at(0),
  by,
  fromDepotId: A,
  toAreaId: areaId('CZ0311'),
  lines: [
    { itemId: JACKET, quantity: 200 },
    { itemId: PUMP, quantity: 4 },
  ],
})
const step = (id: string, kind: 'loaded' | 'departed', hours: number): DispatchEvent => ({
  kind,
  dispatchId: dispatchId(id),
  at: at(hours),
  by,
})

describeStores('DispatchRepository', (store) => {
  it('appends an order’s events at the version read and lists the open orders replayed', async () => {
    const d = store().dispatches
    await d.append(dispatchId('d1'), 0, [planned('d1')])
    await d.append(dispatchId('d1'), 1, [step('d1', 'loaded', 1), step('d1', 'departed', 2)])
    await d.append(dispatchId('d2'), 0, [planned('d2')])
    await d.append(dispatchId('d2'), 1, [
      { kind: 'cancelled', dispatchId: dispatchId('d2'), at: at(1), by, reason: 'road closed' },
    ])
    await d.append(dispatchId('d3'), 0, [planned('d3')])
    const events = await d.events(dispatchId('d1'))
    expect(events.map((e) => e.kind)).toEqual(['planned', 'loaded', 'departed'])
    expect(await d.events(dispatchId('none'))).toEqual([])
    const open = await d.open()
    expect(open.map((o) => [o.id, o.state, o.version])).toEqual([
      ['d1', 'in-transit', 3],
      ['d3', 'planned', 1],
    ])
    const replayed = replayDispatch(events)
    expect(replayed.ok && replayed.value).toEqual(open[0])
    expect((await d.all()).map((o) => [o.id, o.state])).toEqual([
      ['d1', 'in-transit'],
      ['d2', 'cancelled'],
      ['d3', 'planned'],
    ])
  })

  it('refuses a stale append and an event the order’s state does not allow, storing nothing', async () => {
    const d = store().dispatches
    await d.append(dispatchId('d1'), 0, [planned('d1')])
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => d.append(dispatchId('d1'), 1, [step('d1', 'loaded', 1)])),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError)
    const stale = await d
      .append(dispatchId('d1'), 1, [step('d1', 'departed', 2)])
      .catch((e: unknown) => e)
    expect(stale).toMatchObject({ subject: 'dispatch d1', expectedVersion: 1, actualVersion: 2 })
    await expect(
      d.append(dispatchId('d1'), 2, [
        { kind: 'delivered', dispatchId: dispatchId('d1'), at: at(3), by, lines: [] },
      ]),
    ).rejects.toThrow(/dispatch d1: .*'delivered' is not allowed/)
    expect((await d.events(dispatchId('d1'))).map((e) => e.kind)).toEqual(['planned', 'loaded'])
    expect((await d.open()).map((o) => o.state)).toEqual(['loaded'])
  })
})
