/**
 * Fan-out: which subscriptions a warning version goes to, and the outbox rows that carry it.
 */
import { hash128Hex } from '../core/hash.ts'
import type { EpochMs } from '../core/brand.ts'
import type { AlertSummary, Contact, OutboxMessage, Subscription } from './types.ts'

/**
 * The idempotency key of a warning version sent to a recipient's contact: the same inputs
 * always give the same key, so every retry and every manual resend carries it. Parts are
 * percent-encoded and joined by `/`, so the key is printable ASCII and fits an HTTP header.
 */
export function idempotencyKey(
  alertId: string,
  alertVersion: number,
  recipient: string,
  contact: Pick<Contact, 'channel' | 'address'>,
): string {
  return [alertId, `v${alertVersion}`, recipient, contact.channel, contact.address]
    .map(encodeURIComponent)
    .join('/')
}

/** Whether a subscription wants this warning version (area, level and language). */
export function subscriptionMatches(alert: AlertSummary, sub: Subscription): boolean {
  if (alert.level < sub.minLevel) return false
  if (sub.areas !== '*' && !sub.areas.some((a) => a === '*' || alert.zoneIds.includes(a))) {
    return false
  }
  return sub.languages.length === 0 || sub.languages.some((l) => alert.languages.includes(l))
}

/**
 * The language to render for a contact: the contact's own if the warning has it, else the
 * subscription's first that the warning has, else the warning's first.
 */
export function chooseLanguage(alert: AlertSummary, sub: Subscription, contact: Contact): string {
  if (alert.languages.includes(contact.language)) return contact.language
  const l = sub.languages.find((x) => alert.languages.includes(x))
  return l ?? alert.languages[0] ?? contact.language
}

/**
 * A fresh pending outbox row for one contact of a subscription, due at once.
 * @param now ms since epoch
 * @throws Error when the subscription has no contact at `contactIndex` (a programmer error)
 */
export function messageFor(
  alert: AlertSummary,
  sub: Subscription,
  contactIndex: number,
  now: EpochMs,
): OutboxMessage {
  const contact = sub.contacts[contactIndex]
  if (contact === undefined) {
    throw new Error(`subscription ${sub.id} has no contact #${contactIndex}`)
  }
  const key = idempotencyKey(alert.id, alert.version, sub.recipient, contact)
  return {
    // Short and URL-safe (it travels in acknowledgment links and paths), derived from the key.
    id: messageIdOf(key),
    idempotencyKey: key,
    subject: 'warning',
    notice: null,
    alertId: alert.id,
    alertVersion: alert.version,
    subscriptionId: sub.id,
    recipient: sub.recipient,
    contactIndex,
    channel: contact.channel,
    address: contact.address,
    language: chooseLanguage(alert, sub, contact),
    format: contact.format ?? 'plain',
    attempts: 0,
    resends: 0,
    nextAttemptAt: now,
    status: 'pending',
    createdAt: now,
    deliveredAt: null,
    escalatedAt: null,
    lastError: null,
  }
}

/**
 * The outbox rows for a published warning version: one per matching subscription, to its
 * first contact, with duplicates (the same recipient reached the same way through two
 * subscriptions) dropped by idempotency key, first subscription winning.
 *
 * @param now ms since epoch; every row is due at once
 */
export function fanOut(
  alert: AlertSummary,
  subscriptions: readonly Subscription[],
  now: EpochMs,
): OutboxMessage[] {
  const out: OutboxMessage[] = []
  const seen = new Set<string>()
  for (const sub of subscriptions) {
    if (sub.contacts.length === 0 || !subscriptionMatches(alert, sub)) continue
    const m = messageFor(alert, sub, 0, now)
    if (seen.has(m.idempotencyKey)) continue
    seen.add(m.idempotencyKey)
    out.push(m)
  }
  return out
}

/** The outbox id of the message with idempotency key `key`: `m-` and 32 hex digits. */
export function messageIdOf(key: string): string {
  return `m-${hash128Hex(key)}`
}
