import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import type { RequestEvent } from './requests.ts'
import { applyRequestEvent, replayRequest } from './requests.ts'
import type { AreaId, DispatchId, ItemId, PostId, RequestId } from './types.ts'

const id = 'req-1' as RequestId
const W = 'drinking-water' as ItemId
const T = 'family-tent' as ItemId
const ev = (x: Record<string, unknown>): RequestEvent =>
  ({ requestId: id, at: 5 as EpochMs, by: 'officer' as UserId, ...x }) as RequestEvent
const submitted = ev({
  kind: 'submitted',
  postId: 'county-7' as PostId,
  areaId: 'X' as AreaId,
  neededBy: 100 as EpochMs,
  lines: [
    { itemId: W, quantity: 3000 },
    { itemId: T, quantity: 40 },
  ],
})

describe('requests', () => {
  it('is approved in full, partially, or refused, then fulfilled', () => {
    const full = replayRequest([
      submitted,
      ev({
        kind: 'decided',
        approved: [
          { itemId: W, quantity: 3000 },
          { itemId: T, quantity: 40 },
        ],
        note: '',
      }),
    ])
    expect(full.ok && full.value.status).toBe('approved')
    const part = replayRequest([
      submitted,
      ev({
        kind: 'decided',
        approved: [
          { itemId: W, quantity: 3000 },
          { itemId: T, quantity: 10 },
        ],
        note: 'tents short',
      }),
      ev({
        kind: 'fulfilled',
        sent: [
          { itemId: W, quantity: 3000 },
          { itemId: T, quantity: 10 },
        ],
        dispatchIds: ['p-1' as DispatchId],
      }),
    ])
    expect(part.ok && [part.value.status, part.value.version, part.value.dispatchIds]).toEqual([
      'fulfilled',
      3,
      ['p-1'],
    ])
    const refused = replayRequest([submitted, ev({ kind: 'refused', reason: 'no stock in reach' })])
    expect(refused.ok && refused.value.status).toBe('refused')
  })

  it('refuses approving more than requested, a missing decision, and sending more than approved', () => {
    const s = replayRequest([submitted])
    if (!s.ok) throw new Error('submitted')
    const r = applyRequestEvent(
      s.value,
      ev({ kind: 'decided', approved: [{ itemId: W, quantity: 3001 }], note: '' }),
    )
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.issues.map((i) => i.message)).toEqual([
        '3001 approved, 3000 requested',
        `no decision on ${T}`,
      ])
    const approved = replayRequest([
      submitted,
      ev({
        kind: 'decided',
        approved: [
          { itemId: W, quantity: 100 },
          { itemId: T, quantity: 0 },
        ],
        note: '',
      }),
    ])
    if (!approved.ok) throw new Error('approved')
    expect(approved.value.status).toBe('partially-approved')
    expect(
      applyRequestEvent(
        approved.value,
        ev({ kind: 'fulfilled', sent: [{ itemId: W, quantity: 101 }], dispatchIds: [] }),
      ).ok,
    ).toBe(false)
    expect(applyRequestEvent(approved.value, ev({ kind: 'refused', reason: 'late' })).ok).toBe(
      false,
    )
    expect(applyRequestEvent(undefined, ev({ kind: 'refused', reason: 'x' })).ok).toBe(false)
    expect(
      applyRequestEvent(
        s.value,
        ev({
          kind: 'decided',
          approved: [
            { itemId: W, quantity: 0 },
            { itemId: T, quantity: 0 },
          ],
          note: '',
        }),
      ).ok,
    ).toBe(false)
  })
})
