import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import type { DispatchEvent, DispatchOrder } from './dispatch.ts'
import { applyDispatchEvent, issueMovements, ordersFromPlan, replayDispatch } from './dispatch.ts'
import type { Flow } from './allocation.ts'
import type { AreaId, DepotId, DispatchId, ItemId } from './types.ts'

const at = (t: number): EpochMs => t as EpochMs
const by = 'driver' as UserId
const W = 'drinking-water' as ItemId
const B = 'blanket' as ItemId
const id = 'plan-1' as DispatchId
const planned: DispatchEvent = {
  kind: 'planned',
  dispatchId: id,
  at: at(1),
  by,
  fromDepotId: 'D1' as DepotId,
  toAreaId: 'X' as AreaId,
  lines: [
    { itemId: W, quantity: 500 },
    { itemId: B, quantity: 40 },
  ],
}
const ev = (e: Record<string, unknown>): DispatchEvent =>
  ({ dispatchId: id, at: at(2), by, ...e }) as DispatchEvent
const run = (events: DispatchEvent[]): DispatchOrder => {
  const r = replayDispatch(events)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.value
}

describe('dispatch lifecycle', () => {
  const delivered = ev({
    kind: 'delivered',
    lines: [
      { itemId: W, quantity: 500 },
      { itemId: B, quantity: 38 },
    ],
  })
  const full = [planned, ev({ kind: 'loaded' }), ev({ kind: 'departed' }), delivered]

  it('goes planned → loaded → in-transit → delivered → acknowledged, recording discrepancies', () => {
    const o = run([
      ...full,
      ev({
        kind: 'acknowledged',
        by: 'post-x' as UserId,
        received: [
          { itemId: W, quantity: 500 },
          { itemId: B, quantity: 36 },
        ],
        note: '2 blankets wet',
      }),
    ])
    expect(o.state).toBe('acknowledged')
    expect(o.version).toBe(5)
    expect(o.acknowledgedBy).toBe('post-x')
    expect(o.discrepancies).toEqual([{ itemId: B, delivered: 38, received: 36 }])
  })

  it('refuses skipped steps, cancelling after departure, and events after closing', () => {
    const loaded = run([planned, ev({ kind: 'loaded' })])
    const skip = applyDispatchEvent(loaded, delivered)
    expect(skip.ok).toBe(false)
    if (!skip.ok)
      expect(skip.issues[0]!.message).toBe(
        `order ${id} is loaded: 'delivered' is not allowed (allowed: departed, cancelled)`,
      )
    const moving = run([planned, ev({ kind: 'loaded' }), ev({ kind: 'departed' })])
    expect(applyDispatchEvent(moving, ev({ kind: 'cancelled', reason: 'road closed' })).ok).toBe(
      false,
    )
    const cancelled = run([planned, ev({ kind: 'cancelled', reason: 'road closed' })])
    const after = applyDispatchEvent(cancelled, ev({ kind: 'loaded' }))
    expect(after.ok).toBe(false)
    if (!after.ok)
      expect(after.issues[0]!.message).toMatch(
        /is cancelled: 'loaded' is not allowed \(it is closed\)/,
      )
    expect(applyDispatchEvent(undefined, ev({ kind: 'loaded' })).ok).toBe(false)
    const r = replayDispatch([planned, planned])
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]!.path[0]).toBe(1)
  })

  it('refuses delivering more than loaded or an item not on the order, and an unexplained discrepancy', () => {
    const moving = run(full.slice(0, 3))
    const r = applyDispatchEvent(
      moving,
      ev({
        kind: 'delivered',
        lines: [
          { itemId: W, quantity: 501 },
          { itemId: 'tent' as ItemId, quantity: 1 },
        ],
      }),
    )
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.issues.map((i) => i.path.join('.'))).toEqual(['lines.0.quantity', 'lines.1.itemId'])
    const done = run(full)
    const ack = applyDispatchEvent(
      done,
      ev({ kind: 'acknowledged', received: [{ itemId: W, quantity: 499 }], note: ' ' }),
    )
    expect(ack.ok).toBe(false)
  })

  it('turns delivered quantities into issue movements from the depot to the area', () => {
    const r = issueMovements(run(full), by)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(
      r.value.map((m) =>
        m.kind === 'issue' ? [m.id, m.depotId, m.areaId, m.itemId, m.quantity, m.dispatchId] : null,
      ),
    ).toEqual([
      [`${id}:${W}`, 'D1', 'X', W, 500, id],
      [`${id}:${B}`, 'D1', 'X', B, 38, id],
    ])
    expect(issueMovements(run(full.slice(0, 3)), by).ok).toBe(false)
  })
})

describe('ordersFromPlan', () => {
  it('groups flows per depot → area, rounding down and dropping what rounds to nothing', () => {
    const f = (depotId: string, areaId: string, itemId: ItemId, quantity: number): Flow => ({
      depotId: depotId as DepotId,
      areaId: areaId as AreaId,
      itemId,
      quantity,
      costPerUnit: 1,
    })
    const events = ordersFromPlan(
      {
        flows: [
          f('D1', 'X', W, 120.7),
          f('D1', 'X', B, 3),
          f('D2', 'X', W, 0.4),
          f('D1', 'Y', B, 2),
        ],
      },
      { idPrefix: 'p7', at: at(5), by },
    )
    expect(
      events.map((e) =>
        e.kind === 'planned' ? [e.dispatchId, e.fromDepotId, e.toAreaId, e.lines] : null,
      ),
    ).toEqual([
      [
        'p7-1',
        'D1',
        'X',
        [
          { itemId: W, quantity: 120 },
          { itemId: B, quantity: 3 },
        ],
      ],
      ['p7-2', 'D1', 'Y', [{ itemId: B, quantity: 2 }]],
    ])
    for (const e of events) expect(replayDispatch([e]).ok).toBe(true)
  })
})
