import { expect, it } from 'vitest'
import type { EpochMs } from '../../core/brand.ts'
import { generateHierarchy } from '../../command/test-fixtures.ts'
import {
  applyResponse,
  dueEscalations,
  initialOrderState,
  type OrderEvent,
  type RecipientEvent,
  type RecipientState,
  replayOrder,
  type Response,
} from '../../command/orders.ts'
import { ConflictError } from '../../command/ports.ts'
import type { PostId } from '../../command/types.ts'
import { seededRng } from '../../core/rng.ts'
import { HQ, hoursAfter, issued, orderId, post, SMALL, user } from '../testing/command-fixtures.ts'
import { describeStores } from '../testing/databases.ts'

const P01 = post('cn.p01')
const C1 = post('cn.p01.c001')
const C2 = post('cn.p01.c002')

const answer = (
  e: Extract<OrderEvent, { kind: 'issued' }>,
  to: PostId,
  kind: 'received' | 'accepted',
  hours = 0.5,
): RecipientEvent => ({
  kind,
  orderId: e.orderId,
  post: to,
  at: hoursAfter(hours),
  by: user(`duty.${to}`),
})

const NEXT: Partial<Record<RecipientState['status'], Response>> = {
  issued: { kind: 'received' },
  received: { kind: 'accepted' },
  accepted: { kind: 'completed', report: 'dikes reinforced' },
}

describeStores('OrderRepository', (store) => {
  it('stores an issued order with a record per recipient at version 0, in order', async () => {
    const e = issued('cn.p01.order.1', SMALL, P01)
    await store().orders.create(e)
    const s = await store().orders.find(e.orderId)
    expect(s).toEqual(initialOrderState(e.order))
    expect([...s!.recipients.keys()]).toEqual(e.order.recipients)
    expect(await store().orders.findRecipient(e.orderId, C1)).toMatchObject({
      status: 'issued',
      version: 0,
    })
    expect(await store().orders.findRecipient(e.orderId, post('cn.p02.c001'))).toBeUndefined()
    expect(await store().orders.find(orderId('nope'))).toBeUndefined()
    expect(await store().orders.events(e.orderId)).toEqual([e])
    // A second order of the same id is refused whole.
    const again = await store()
      .orders.create(issued('cn.p01.order.1', SMALL, HQ))
      .catch((x: unknown) => x)
    expect(again).toBeInstanceOf(ConflictError)
    expect(again).toMatchObject({
      record: 'order cn.p01.order.1',
      expectedVersion: 0,
      actualVersion: 1,
    })
    expect((await store().orders.find(e.orderId))!.order.issuerPost).toBe(P01)
  })

  it('appends answers at the version read and refuses a stale one, writing nothing of it', async () => {
    const e = issued('cn.p01.order.1', SMALL, P01)
    await store().orders.create(e)
    expect(
      await store().orders.appendRecipientEvent(e.orderId, C1, 0, answer(e, C1, 'received')),
    ).toBe(1)
    const stale = await store()
      .orders.appendRecipientEvent(e.orderId, C1, 0, answer(e, C1, 'accepted'))
      .catch((x: unknown) => x)
    expect(stale).toBeInstanceOf(ConflictError)
    expect(stale).toMatchObject({
      record: 'order cn.p01.order.1, recipient cn.p01.c001',
      expectedVersion: 0,
      actualVersion: 1,
    })
    expect(
      await store().orders.appendRecipientEvent(e.orderId, C1, 1, answer(e, C1, 'accepted')),
    ).toBe(2)
    // Another recipient's record has its own version.
    expect(
      await store().orders.appendRecipientEvent(e.orderId, C2, 0, answer(e, C2, 'accepted')),
    ).toBe(1)
    const s = await store().orders.find(e.orderId)
    expect(s!.recipients.get(C1)).toMatchObject({
      status: 'accepted',
      version: 2,
      answeredAt: hoursAfter(0.5),
    })
    expect(s!.recipients.get(C2)).toMatchObject({
      status: 'accepted',
      version: 1,
      acceptedAt: hoursAfter(0.5),
    })
    const events = await store().orders.events(e.orderId)
    expect(events.map((x) => x.kind)).toEqual(['issued', 'received', 'accepted', 'accepted'])
    expect(replayOrder(events)).toEqual(s)
  })

  it('refuses events for a missing order or recipient, for another record, or that do not follow', async () => {
    const e = issued('cn.p01.order.1', SMALL, P01)
    await store().orders.create(e)
    const missing = answer(e, post('cn.p02.c001'), 'received')
    await expect(
      store().orders.appendRecipientEvent(e.orderId, missing.post, 0, missing),
    ).rejects.toThrow(/no such order or recipient/)
    await expect(
      store().orders.appendRecipientEvent(e.orderId, C2, 0, answer(e, C1, 'received')),
    ).rejects.toThrow(/appended to order cn.p01.order.1, recipient cn.p01.c002/)
    await store().orders.appendRecipientEvent(e.orderId, C1, 0, answer(e, C1, 'received'))
    await expect(
      store().orders.appendRecipientEvent(e.orderId, C1, 1, answer(e, C1, 'received')),
    ).rejects.toThrow(/already acknowledged/)
    expect(await store().orders.findRecipient(e.orderId, C1)).toMatchObject({
      version: 1,
      status: 'received',
    })
    expect(await store().orders.events(e.orderId)).toHaveLength(2)
  })

  it('loses no answer and stores none twice when 50 writers answer one order at once', async () => {
    const e = issued('cn.p01.order.1', SMALL, P01)
    await store().orders.create(e)
    const posts = e.order.recipients
    expect(posts).toHaveLength(2)
    const order = initialOrderState(e.order)
    const rng = seededRng(7)
    let conflicts = 0
    let stored = 0
    const writer = async (w: number): Promise<void> => {
      const to = posts[w % posts.length]!
      for (;;) {
        const r = (await store().orders.findRecipient(e.orderId, to))!
        const response = NEXT[r.status]
        if (response === undefined) return
        for (let k = Math.floor(rng.next() * 3); k > 0; k--)
          await new Promise((ok) => setImmediate(ok))
        const view = { ...order, recipients: new Map([[to, r]]) }
        const decided = applyResponse(view, to, response, hoursAfter(1), user(`w${w}`))
        if (!decided.ok) throw new Error(JSON.stringify(decided.issues))
        try {
          await store().orders.appendRecipientEvent(e.orderId, to, r.version, decided.value.event)
          stored++
        } catch (x) {
          if (!(x instanceof ConflictError)) throw x
          conflicts++
        }
      }
    }
    await Promise.all(Array.from({ length: 50 }, (_, w) => writer(w)))
    expect(conflicts).toBeGreaterThan(0)
    expect(stored).toBe(3 * posts.length)
    const events = await store().orders.events(e.orderId)
    for (const p of posts) {
      const mine = events.filter((x) => 'post' in x && x.post === p).map((x) => x.kind)
      expect(mine).toEqual(['received', 'accepted', 'completed'])
      expect(await store().orders.findRecipient(e.orderId, p)).toMatchObject({
        status: 'completed',
        version: 3,
      })
    }
    expect(replayOrder(events)).toEqual(await store().orders.find(e.orderId))
  })

  it('makes the second of two writers re-answering the same recipient fail, whichever wins', async () => {
    const e = issued('cn.p01.order.1', SMALL, P01)
    await store().orders.create(e)
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, w) =>
        store().orders.appendRecipientEvent(e.orderId, C1, 0, {
          ...answer(e, C1, 'received'),
          by: user(`w${w}`),
        }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError)
    expect(
      (await store().orders.events(e.orderId)).filter((x) => x.kind === 'received'),
    ).toHaveLength(1)
    expect(await store().orders.findRecipient(e.orderId, C1)).toMatchObject({
      version: 1,
      status: 'received',
    })
  })

  it('creates an order to 3,200 posts in one transaction, every record at version 0', async () => {
    const g = generateHierarchy()
    const e = issued('cn.hq.order.big', g, HQ)
    expect(e.order.recipients).toHaveLength(3199)
    await store().transaction((tx) => tx.orders.create(e))
    const s = await store().orders.find(e.orderId)
    expect([...s!.recipients.keys()]).toEqual(e.order.recipients)
    expect([...s!.recipients.values()].every((r) => r.version === 0 && r.status === 'issued')).toBe(
      true,
    )
    expect(await store().orders.addressedTo(g.counties[3199 - 40]!)).toEqual([e.order])
  }, 20_000)

  it('lists the orders with escalations due as dueEscalations() finds them', async () => {
    const a = issued('cn.p01.order.a', SMALL, P01)
    const b = issued('cn.p01.order.b', SMALL, P01, { at: hoursAfter(10) })
    const c = issued('cn.p01.order.c', SMALL, P01)
    for (const e of [a, b, c]) await store().orders.create(e)
    // a: both posts acknowledge in time; c: superseded.
    await store().orders.appendRecipientEvent(a.orderId, C1, 0, answer(a, C1, 'received'))
    await store().orders.appendRecipientEvent(a.orderId, C2, 0, answer(a, C2, 'received'))
    await store().orders.supersede({
      kind: 'superseded',
      orderId: c.orderId,
      at: hoursAfter(0.2),
      by: user('cmd'),
      correction: orderId('cn.p01.order.a'),
    })
    const due = async (at: EpochMs) => {
      const listed = await store().orders.withDueEscalations(at)
      const expected = []
      for (const e of [a, b, c]) {
        const s = replayOrder(await store().orders.events(e.orderId))
        if (dueEscalations(SMALL.hierarchy, s, at, user('system')).length > 0)
          expected.push(e.orderId)
      }
      expect(listed).toEqual(expected)
      return listed
    }
    expect(await due(hoursAfter(1))).toEqual([]) // the deadline itself is in time
    expect(await due(hoursAfter(2))).toEqual([])
    expect(await due(hoursAfter(11.5))).toEqual(['cn.p01.order.b'])
    expect(await due(hoursAfter(25))).toEqual(['cn.p01.order.a', 'cn.p01.order.b'])
    // Escalated for both deadlines: b is no longer listed.
    const bState = (await store().orders.find(b.orderId))!
    for (const x of dueEscalations(SMALL.hierarchy, bState, hoursAfter(40), user('system'))) {
      const r = (await store().orders.findRecipient(b.orderId, x.post))!
      await store().orders.appendRecipientEvent(b.orderId, x.post, r.version, x)
    }
    expect(await due(hoursAfter(40))).toEqual(['cn.p01.order.a'])
    // A second correction of c is refused.
    await expect(
      store().orders.supersede({
        kind: 'superseded',
        orderId: c.orderId,
        at: hoursAfter(1),
        by: user('cmd'),
        correction: orderId('x'),
      }),
    ).rejects.toThrow(ConflictError)
    expect((await store().orders.find(c.orderId))!.supersededBy).toBe('cn.p01.order.a')
    expect((await store().orders.events(c.orderId)).map((x) => x.kind)).toEqual([
      'issued',
      'superseded',
    ])
    await expect(
      store().orders.supersede({
        kind: 'superseded',
        orderId: orderId('nope'),
        at: hoursAfter(1),
        by: user('cmd'),
        correction: orderId('x'),
      }),
    ).rejects.toThrow(/no such order/)
  })

  it('lists orders issued by and addressed to a post, newest first', async () => {
    const a = issued('cn.p01.order.a', SMALL, P01, { at: hoursAfter(1) })
    const b = issued('cn.p01.order.b', SMALL, P01, { at: hoursAfter(3), recipients: [C2] })
    const c = issued('cn.hq.order.c', SMALL, HQ, { at: hoursAfter(2) })
    for (const e of [a, b, c]) await store().orders.create(e)
    expect((await store().orders.issuedBy(P01)).map((o) => o.id)).toEqual([
      'cn.p01.order.b',
      'cn.p01.order.a',
    ])
    expect((await store().orders.issuedBy(P01, 1)).map((o) => o.id)).toEqual(['cn.p01.order.b'])
    expect((await store().orders.addressedTo(C2)).map((o) => o.id)).toEqual([
      'cn.p01.order.b',
      'cn.hq.order.c',
      'cn.p01.order.a',
    ])
    expect((await store().orders.addressedTo(C1)).map((o) => o.id)).toEqual([
      'cn.hq.order.c',
      'cn.p01.order.a',
    ])
    expect(await store().orders.addressedTo(P01, 5)).toEqual([c.order])
    expect(await store().orders.issuedBy(C1)).toEqual([])
  })
})
