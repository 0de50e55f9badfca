import { expect, it } from 'vitest'
import type { DeliveryLogEntry } from '../../notify/types.ts'
import { describeStores } from '../testing/databases.ts'
import { ms, T0 } from '../testing/fixtures.ts'
import { ack, subscription, warningId } from '../testing/warning-fixtures.ts'

const entry = (messageId: string, attempt: number, over: Partial<DeliveryLogEntry> = {}) => {
  const e: DeliveryLogEntry = {
    messageId,
    idempotencyKey: `key-${messageId}`,
    alertId: warningId('Z1'),
    alertVersion: 1,
    recipient: 'post:county-7',
    channel: 'email',
    address: 'duty@example.org',
    attempt,
    resend: 0,
    at: ms(T0 + attempt),
    outcome: 'retry-scheduled',
    providerId: null,
    reason: 'SMTP 451',
    ...over,
  }
  return e
}

describeStores('DeliveryLogRepository', (store) => {
  it('keeps entries per recipient and per message, in the order appended', async () => {
    const entries = [
      entry('m1', 1),
      entry('m2', 1, { recipient: 'post:other' }),
      entry('m1', 2, { outcome: 'delivered', providerId: 'p-1', reason: null }),
      entry('m1', 1, { resend: 1, at: ms(T0) }),
    ]
    for (const e of entries) await store().deliveryLog.append(e)
    expect(await store().deliveryLog.forMessage('m1')).toEqual([entries[0], entries[2], entries[3]])
    expect(await store().deliveryLog.forRecipient('post:other')).toEqual([entries[1]])
    expect(await store().deliveryLog.forRecipient('nobody')).toEqual([])
  })
})

describeStores('AcknowledgmentRepository', (store) => {
  it('records acknowledgments per warning version, repeats included', async () => {
    const acks = [ack('m1'), ack('m2', 2), ack('m1', 1, { via: 'api', at: ms(T0 + 9) })]
    for (const a of acks) await store().acknowledgments.record(a)
    expect(await store().acknowledgments.forAlert(warningId('Z1'), 1)).toEqual([acks[0], acks[2]])
    expect(await store().acknowledgments.forAlert(warningId('Z1'), 2)).toEqual([acks[1]])
    expect(await store().acknowledgments.forAlert(warningId('Z9'), 1)).toEqual([])
  })
})

describeStores('SubscriptionRepository', (store) => {
  it('round-trips subscriptions, replaces and removes them', async () => {
    const all = subscription('S2', { areas: '*', languages: [] })
    await store().subscriptions.upsert([subscription('S1'), all])
    expect(await store().subscriptions.list()).toEqual([subscription('S1'), all])
    expect(await store().subscriptions.find('S2')).toEqual(all)
    expect(await store().subscriptions.find('S3')).toBeUndefined()
    const fewer = subscription('S1', { contacts: [subscription('S1').contacts[1]!], minLevel: 3 })
    await store().subscriptions.upsert([fewer])
    expect(await store().subscriptions.find('S1')).toEqual(fewer)
    expect(await store().subscriptions.remove('S1')).toBe(true)
    expect(await store().subscriptions.remove('S1')).toBe(false)
    expect(await store().subscriptions.list()).toEqual([all])
  })
})
