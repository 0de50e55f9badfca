import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import { seededRng } from '../core/rng.ts'
import type { OrderRepository } from './ports.ts'
import { ConflictError } from './ports.ts'
import type { OrderState, RecipientEvent, RecipientState, Response } from './orders.ts'
import { applyRecipientEvent, applyResponse, initialOrderState, issueOrder } from './orders.ts'
import { generateHierarchy, officer } from './test-fixtures.ts'
import type { OrderId, PostId } from './types.ts'

/** Recipient records with the version check the store performs, in memory. */
class RecipientRecords implements Pick<OrderRepository, 'appendRecipientEvent' | 'findRecipient'> {
  readonly records = new Map<PostId, RecipientState>()
  readonly log = new Map<PostId, RecipientEvent[]>()
  conflicts = 0

  constructor(state: OrderState) {
    for (const [post, r] of state.recipients) {
      this.records.set(post, r)
      this.log.set(post, [])
    }
  }

  async findRecipient(_orderId: OrderId, post: PostId): Promise<RecipientState | undefined> {
    return this.records.get(post)
  }

  async appendRecipientEvent(
    orderId: OrderId,
    post: PostId,
    expectedVersion: number,
    event: RecipientEvent,
  ): Promise<number> {
    const r = this.records.get(post)!
    if (r.version !== expectedVersion) {
      this.conflicts++
      throw new ConflictError(`order ${orderId}, recipient ${post}`, expectedVersion, r.version)
    }
    const next = applyRecipientEvent(r, event)
    this.records.set(post, next)
    this.log.get(post)!.push(event)
    return next.version
  }
}

const NEXT: Partial<Record<RecipientState['status'], Response>> = {
  issued: { kind: 'received' },
  received: { kind: 'accepted' },
  accepted: { kind: 'completed', report: 'dike reinforced' },
}

describe('50 concurrent writers on one order', () => {
  it('lose no update: every answer is stored once, in order, and versions count them', async () => {
    const g = generateHierarchy({ countyCount: 310 })
    const province = g.provinces[0]!
    const issued = issueOrder(
      g.hierarchy,
      officer('cmd', 'commander', province),
      {
        id: 'cn.p01.order.1' as OrderId,
        issuerPost: province,
        title: 'Reinforce the dikes',
        actions: ['reinforce'],
        recipients: { kind: 'all-below' },
        ackDeadline: 3_600_000 as EpochMs,
        completionDeadline: 7_200_000 as EpochMs,
      },
      0 as EpochMs,
    )
    if (!issued.ok) throw new Error('not issued')
    const state = initialOrderState(issued.value.order)
    const posts = state.order.recipients
    expect(posts.length).toBe(10)
    const store = new RecipientRecords(state)
    const rng = seededRng(50)
    const yieldSome = async (): Promise<void> => {
      for (let k = Math.floor(rng.next() * 4); k > 0; k--)
        await new Promise<void>((resolve) => setImmediate(resolve))
    }
    let stored = 0
    let refusedAfterRead = 0

    // Five writers per post (duty officers on several terminals, each pushing the post on).
    const writer = async (w: number): Promise<void> => {
      const post = posts[w % posts.length]!
      for (;;) {
        const r = (await store.findRecipient(state.order.id, post))!
        const response = NEXT[r.status]
        if (response === undefined) return
        await yieldSome()
        // decide on the record as read; the store refuses it if another writer moved first
        const view: OrderState = { ...state, recipients: new Map([[post, r]]) }
        const decided = applyResponse(view, post, response, 1_000 as EpochMs, `w${w}` as UserId)
        if (!decided.ok) {
          refusedAfterRead++
          continue
        }
        try {
          await store.appendRecipientEvent(state.order.id, post, r.version, decided.value.event)
          stored++
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e
          expect(e.message).toMatch(
            /expected version \d+, another writer has taken it to \d+; read it again and retry/,
          )
        }
      }
    }
    await Promise.all(Array.from({ length: 50 }, (_, w) => writer(w)))

    expect(store.conflicts).toBeGreaterThan(0)
    expect(refusedAfterRead).toBe(0)
    expect(stored).toBe(posts.length * 3)
    for (const post of posts) {
      const r = store.records.get(post)!
      expect(r.status).toBe('completed')
      expect(r.version).toBe(3)
      expect(store.log.get(post)!.map((e) => e.kind)).toEqual(['received', 'accepted', 'completed'])
    }
  })
})
