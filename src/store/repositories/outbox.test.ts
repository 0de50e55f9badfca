import { expect, it } from 'vitest'
import { describeStores } from '../testing/databases.ts'
import { HOUR, ms, T0 } from '../testing/fixtures.ts'
import { outboxMessage } from '../testing/warning-fixtures.ts'

describeStores('OutboxRepository', (store) => {
  it('round-trips messages and replaces one by id', async () => {
    const m = outboxMessage('m1')
    expect(await store().outbox.add([m])).toEqual([m])
    expect(await store().outbox.find('m1')).toEqual(m)
    expect(await store().outbox.find('nope')).toBeUndefined()
    const done = {
      ...m,
      status: 'delivered' as const,
      attempts: 2,
      deliveredAt: ms(T0 + 5),
      lastError: 'HTTP 503',
    }
    await store().outbox.update(done)
    expect(await store().outbox.find('m1')).toEqual(done)
    await expect(store().outbox.update(outboxMessage('nope'))).rejects.toThrow(/no outbox row nope/)
  })

  it('lists the messages of one warning version in the order created', async () => {
    await store().outbox.add([
      outboxMessage('b', { createdAt: ms(T0 + 2) }),
      outboxMessage('a', { createdAt: ms(T0 + 1) }),
      outboxMessage('v2', { alertVersion: 2 }),
      outboxMessage('other', { alertId: 'FR.Z9.1' }),
    ])
    const ids = (await store().outbox.forAlert('FR.Z1.1', 1)).map((m) => m.id)
    expect(ids).toEqual(['a', 'b'])
    expect(await store().outbox.forAlert('FR.Z1.1', 3)).toEqual([])
  })

  it('skips a message whose idempotency key or id is already there, in storage or in the call', async () => {
    await store().outbox.add([outboxMessage('m1')])
    const added = await store().outbox.add([
      outboxMessage('m2', { idempotencyKey: 'key-m1' }),
      outboxMessage('m1', { idempotencyKey: 'other' }),
      outboxMessage('m3'),
      outboxMessage('m4', { idempotencyKey: 'key-m3' }),
      outboxMessage('m3', { idempotencyKey: 'key-m5' }),
    ])
    expect(added.map((m) => m.id)).toEqual(['m3'])
    expect(await store().outbox.find('m2')).toBeUndefined()
    expect((await store().outbox.find('m1'))?.idempotencyKey).toBe('key-m1')
    // Two writers adding the same keys at once: each key lands once.
    const batch = ['a', 'b', 'c'].map((id) => outboxMessage(id))
    const [x, y] = await Promise.all([store().outbox.add(batch), store().outbox.add(batch)])
    expect([...x, ...y].map((m) => m.id).sort()).toEqual(['a', 'b', 'c'])
  })

  it('selects the pending messages due, oldest due first, up to the limit', async () => {
    await store().outbox.add([
      outboxMessage('later', { nextAttemptAt: ms(T0 + 2 * HOUR) }),
      outboxMessage('due2', { nextAttemptAt: ms(T0 + HOUR) }),
      outboxMessage('due1', { nextAttemptAt: T0 }),
      outboxMessage('delivered', { status: 'delivered', nextAttemptAt: T0 }),
      outboxMessage('failed', { status: 'failed', nextAttemptAt: T0 }),
      outboxMessage('due3', { nextAttemptAt: ms(T0 + HOUR) }),
    ])
    const ids = async (now: number, limit = 10) =>
      (await store().outbox.due(ms(now), limit)).map((m) => m.id)
    expect(await ids(T0 + HOUR)).toEqual(['due1', 'due2', 'due3'])
    expect(await ids(T0 + HOUR, 2)).toEqual(['due1', 'due2'])
    expect(await ids(T0 - 1)).toEqual([])
    expect(await ids(T0 + 2 * HOUR)).toEqual(['due1', 'due2', 'due3', 'later'])
  })

  it('lists delivered and failed messages not yet escalated', async () => {
    await store().outbox.add([
      outboxMessage('pending'),
      outboxMessage('delivered', { status: 'delivered', deliveredAt: T0 }),
      outboxMessage('failed', {
        status: 'failed',
        lastError: 'HTTP 410',
        recipient: 'another-recipient',
      }),
      outboxMessage('escalated', { status: 'failed', escalatedAt: ms(T0 + HOUR) }),
    ])
    const ids = async () => (await store().outbox.awaitingAcknowledgment()).map((m) => m.id)
    expect(await ids()).toEqual(['delivered', 'failed'])
    // An acknowledgment by the recipient settles it; one by someone else or of another version
    // does not.
    const delivered = (await store().outbox.find('delivered'))!
    const ack = {
      messageId: delivered.id,
      alertId: delivered.alertId,
      alertVersion: delivered.alertVersion,
      recipient: delivered.recipient,
      at: ms(T0 + HOUR),
      via: 'api' as const,
    }
    await store().acknowledgments.record({ ...ack, recipient: 'someone-else' })
    await store().acknowledgments.record({ ...ack, alertVersion: delivered.alertVersion + 1 })
    expect(await ids()).toEqual(['delivered', 'failed'])
    await store().acknowledgments.record(ack)
    expect(await ids()).toEqual(['failed'])
  })

  it('keeps what an order message is about, apart from the messages of warnings', async () => {
    const order = (id: string, over = {}) =>
      outboxMessage(id, {
        subject: 'order',
        notice: { kind: 'escalation', post: 'county-3', deadline: 'ack' },
        alertId: 'FR.Z1.1',
        format: 'plain',
        ...over,
      })
    const issued = order('o-issued', {
      notice: { kind: 'issued', post: 'county-3', deadline: null },
      createdAt: ms(T0 - 1),
      status: 'delivered',
      deliveredAt: T0,
    })
    const failed = order('o-failed', { status: 'failed', lastError: 'HTTP 410' })
    const warning = outboxMessage('w', { status: 'delivered', deliveredAt: T0 })
    await store().outbox.add([issued, failed, warning])
    expect(await store().outbox.find('o-issued')).toEqual(issued)
    expect(await store().outbox.find('o-failed')).toEqual(failed)
    expect(await store().outbox.find('w')).toMatchObject({ subject: 'warning', notice: null })
    // The order shares the warning's id here on purpose: each list keeps to its own subject.
    expect((await store().outbox.forOrder('FR.Z1.1')).map((m) => m.id)).toEqual([
      'o-issued',
      'o-failed',
    ])
    expect((await store().outbox.forAlert('FR.Z1.1', 1)).map((m) => m.id)).toEqual(['w'])
    expect((await store().outbox.awaitingAcknowledgment()).map((m) => m.id)).toEqual(['w'])
    expect(await store().outbox.forOrder('nope')).toEqual([])
    // Due like any message.
    expect((await store().outbox.due(T0, 10)).map((m) => m.id)).toEqual([])
    await store().outbox.update({ ...failed, status: 'pending', nextAttemptAt: T0 })
    expect((await store().outbox.due(T0, 10)).map((m) => m.subject)).toEqual(['order'])
  })
})
