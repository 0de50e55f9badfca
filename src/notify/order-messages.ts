/**
 * Orders through the delivery channels: a command post is reached through the subscriptions
 * whose recipient is `post:<post id>`. When an order is issued, each post it addresses gets a
 * message on the first contact of each of its subscriptions; when a post misses a deadline, it
 * gets a reminder and each superior told gets a notice, the same way.
 *
 * A subscription's areas, minimum level and languages choose warnings only: they do not apply
 * to orders. An order message is always in the `plain` format (an order has no CAP document)
 * and in the contact's language. Acknowledgment timeouts do not walk the contact list for an
 * order: the order's own deadlines escalate (see escalation.ts).
 */
import type { EpochMs } from '../core/brand.ts'
import { messageIdOf } from './fan-out.ts'
import type { Contact, OrderDeadline, OrderNotice, OutboxMessage, Subscription } from './types.ts'

/** The prefix of a subscription's recipient that names a command post. */
export const POST_RECIPIENT_PREFIX = 'post:'

/** The recipient a command post's subscriptions name: `post:<post id>`. */
export function postRecipient(post: string): string {
  return `${POST_RECIPIENT_PREFIX}${post}`
}

/** The command post a recipient names, or undefined when it names none. */
export function postOfRecipient(recipient: string): string | undefined {
  return recipient.startsWith(POST_RECIPIENT_PREFIX) &&
    recipient.length > POST_RECIPIENT_PREFIX.length
    ? recipient.slice(POST_RECIPIENT_PREFIX.length)
    : undefined
}

/** The subscriptions of command posts, by post id, in the order given. */
export function subscriptionsByPost(
  subscriptions: readonly Subscription[],
): ReadonlyMap<string, readonly Subscription[]> {
  const out = new Map<string, Subscription[]>()
  for (const s of subscriptions) {
    const post = postOfRecipient(s.recipient)
    if (post === undefined || s.contacts.length === 0) continue
    const list = out.get(post)
    if (list === undefined) out.set(post, [s])
    else list.push(s)
  }
  return out
}

/** `issued`, or the notice kind and the deadline (`reminder-ack`, `escalation-completion`). */
function noticeTag(notice: OrderNotice): string {
  return notice.deadline === null ? notice.kind : `${notice.kind}-${notice.deadline}`
}

/**
 * The idempotency key of an order notice sent to a recipient's contact: the same inputs always
 * give the same key, so a retried issue or escalation adds nothing twice. Percent-encoded parts
 * joined by `/` (as for warnings), starting with `order`.
 */
export function orderIdempotencyKey(
  orderId: string,
  notice: OrderNotice,
  recipient: string,
  contact: Pick<Contact, 'channel' | 'address'>,
): string {
  return [
    'order',
    orderId,
    noticeTag(notice),
    notice.post,
    recipient,
    contact.channel,
    contact.address,
  ]
    .map(encodeURIComponent)
    .join('/')
}

/**
 * The outbox rows that tell `to` (a post) of an order: one per subscription of the post, to its
 * first contact, duplicates (the same contact through two subscriptions) dropped by key.
 *
 * @param now ms since epoch; every row is due at once
 */
export function orderMessages(
  orderId: string,
  notice: OrderNotice,
  to: string,
  subscriptions: ReadonlyMap<string, readonly Subscription[]>,
  now: EpochMs,
): OutboxMessage[] {
  const out: OutboxMessage[] = []
  const seen = new Set<string>()
  for (const sub of subscriptions.get(to) ?? []) {
    const contact = sub.contacts[0]
    if (contact === undefined) continue
    const key = orderIdempotencyKey(orderId, notice, sub.recipient, contact)
    if (seen.has(key)) continue
    seen.add(key)
    out.push({
      id: messageIdOf(key),
      idempotencyKey: key,
      subject: 'order',
      notice,
      alertId: orderId,
      alertVersion: 1,
      subscriptionId: sub.id,
      recipient: sub.recipient,
      contactIndex: 0,
      channel: contact.channel,
      address: contact.address,
      language: contact.language,
      format: 'plain',
      attempts: 0,
      resends: 0,
      nextAttemptAt: now,
      status: 'pending',
      createdAt: now,
      deliveredAt: null,
      escalatedAt: null,
      lastError: null,
    })
  }
  return out
}

/** The rows telling each post an order addresses that it was issued to it. */
export function issuedOrderMessages(
  orderId: string,
  posts: readonly string[],
  subscriptions: ReadonlyMap<string, readonly Subscription[]>,
  now: EpochMs,
): OutboxMessage[] {
  return posts.flatMap((post) =>
    orderMessages(orderId, { kind: 'issued', post, deadline: null }, post, subscriptions, now),
  )
}

/**
 * The rows of one escalation: a reminder to the silent post, and a notice to each superior
 * told (each about the silent post).
 */
export function escalationMessages(
  escalation: {
    readonly orderId: string
    readonly post: string
    readonly deadline: OrderDeadline
    readonly superiorsNotified: readonly string[]
  },
  subscriptions: ReadonlyMap<string, readonly Subscription[]>,
  now: EpochMs,
): OutboxMessage[] {
  const { orderId, post, deadline } = escalation
  return [
    ...orderMessages(orderId, { kind: 'reminder', post, deadline }, post, subscriptions, now),
    ...escalation.superiorsNotified.flatMap((superior) =>
      orderMessages(orderId, { kind: 'escalation', post, deadline }, superior, subscriptions, now),
    ),
  ]
}
