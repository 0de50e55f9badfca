/**
 * Warning events, CAP alerts, audit entries and delivery rows for the store's contract tests.
 * For tests only.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { UserId } from '../../core/ids.ts'
import type { Acknowledgment, OutboxMessage, Subscription } from '../../notify/types.ts'
import type { AuditEntry } from '../../warn/approval.ts'
import type { Draft, IssuedVersion, WarningEvent } from '../../warn/lifecycle.ts'
import type { CapAlertRecord } from '../../warn/ports.ts'
import type { AlertId, WarningId, WarningZoneId } from '../../warn/types.ts'
import { HOUR, ms, seriesId, T0 } from './fixtures.ts'

/** Brands test identifiers (fixtures only). */
export const zoneId = (s: string): WarningZoneId => s as WarningZoneId
export const warningId = (zone: string, seq = 1): WarningId => `FR.${zone}.${seq}` as WarningId
export const alertId = (zone: string, seq: number, version: number): AlertId =>
  `FR.${zone}.${seq}.${version}` as AlertId
export const userId = (s: string): UserId => s as UserId

const CAP = { severity: 'Moderate', urgency: 'Expected', certainty: 'Likely' } as const

/** A draft of version `version` of the zone's warning `seq`, with every field set. */
export function draft(zone: string, version = 1, over: Partial<Draft> = {}): Draft {
  return {
    warningId: warningId(zone),
    zoneId: zoneId(zone),
    version,
    msgType: version === 1 ? 'Alert' : 'Update',
    change: version === 1 ? 'new' : 'upgrade',
    level: 'warning',
    previousLevel: version === 1 ? null : 'advisory',
    basis: 'forecast',
    cap: CAP,
    onset: ms(T0 + 6 * HOUR),
    expires: ms(T0 + 48 * HOUR),
    reasons: [
      {
        kind: 'observed',
        level: 'warning',
        seriesId: seriesId('Q1'),
        t: T0,
        value: 412.5,
        thresholdName: 'Q5',
        thresholdValue: 398.25,
      },
    ],
    note: 'rules, cycle 2024-01-01T00',
    source: 'rules',
    draftedBy: userId('system'),
    draftedAt: T0,
    ...over,
  }
}

/** The version a draft becomes when issued at `sent`. */
export function issuedOf(d: Draft, sent: EpochMs, references: IssuedVersion['references'] = []) {
  const v: IssuedVersion = {
    alertId: `${d.warningId}.${d.version}` as AlertId,
    warningId: d.warningId,
    zoneId: d.zoneId,
    version: d.version,
    msgType: d.msgType,
    change: d.change,
    level: d.level,
    basis: d.basis,
    cap: d.cap,
    onset: d.onset,
    expires: d.expires,
    sent,
    references,
    reasons: d.reasons,
    note: d.note,
    draftedBy: d.draftedBy,
    approvedBy: userId('approver'),
  }
  return v
}

/** Drafting, approving and issuing version 1 of the zone's first warning. */
export function issueEvents(zone: string, at: EpochMs = T0): WarningEvent[] {
  const d = draft(zone, 1, { draftedAt: at })
  const by = userId('approver')
  return [
    { kind: 'drafted', warningId: d.warningId, at, by: d.draftedBy, draft: d },
    { kind: 'approved', warningId: d.warningId, at, by, version: 1, automatic: false },
    { kind: 'issued', warningId: d.warningId, at, by, alert: issuedOf(d, at) },
  ]
}

/** A draft and its discarding, told apart by `tag` (in the reason). */
export function draftAndDiscard(zone: string, tag: string, at: EpochMs = T0): WarningEvent[] {
  const d = draft(zone, 1, { draftedAt: at, note: tag })
  return [
    { kind: 'drafted', warningId: d.warningId, at, by: d.draftedBy, draft: d },
    {
      kind: 'draft-discarded',
      warningId: d.warningId,
      at,
      by: d.draftedBy,
      version: 1,
      reason: tag,
    },
  ]
}

/** A published alert: version `version` of the zone's warning `seq`. */
export function capAlert(
  zone: string,
  seq: number,
  version: number,
  over: Partial<CapAlertRecord> = {},
): CapAlertRecord {
  const id = alertId(zone, seq, version)
  return {
    alertId: id,
    warningId: warningId(zone, seq),
    zoneId: zoneId(zone),
    version,
    msgType: version === 1 ? 'Alert' : 'Update',
    status: 'Actual',
    sent: ms(T0 + version * HOUR),
    expires: ms(T0 + 48 * HOUR),
    levelRank: 1,
    languages: ['cs', 'en'],
    xml: `<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>${id}</identifier><note>„Povodeň“ &amp; ñ</note></alert>`,
    createdAt: ms(T0 + version * HOUR + 1),
    ...over,
  }
}

/** An audit entry of `action` by `actor`. */
export function audit(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: ms(T0 + i * 1000),
    actor: userId('forecaster'),
    action: 'drafted',
    warningId: warningId('Z1'),
    details: { version: i, level: 'warning', onset: null, automatic: false, note: 'ř “x”' },
    ...over,
  }
}

/** A pending outbox message with every field set. */
export function outboxMessage(id: string, over: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id,
    idempotencyKey: `key-${id}`,
    subject: 'warning',
    notice: null,
    alertId: warningId('Z1'),
    alertVersion: 1,
    subscriptionId: 'S1',
    recipient: 'post:county-7',
    contactIndex: 0,
    channel: 'webhook',
    address: 'https://example.org/hook',
    language: 'en',
    format: 'cap',
    attempts: 0,
    resends: 0,
    nextAttemptAt: T0,
    status: 'pending',
    createdAt: T0,
    deliveredAt: null,
    escalatedAt: null,
    lastError: null,
    ...over,
  }
}

/** A subscription with two contacts in escalation order. */
export function subscription(id: string, over: Partial<Subscription> = {}): Subscription {
  return {
    id,
    recipient: `post:${id}`,
    contacts: [
      { channel: 'webhook', address: 'https://example.org/hook', language: 'en', format: 'cap' },
      { channel: 'sms', address: '+420123456789', language: 'cs' },
    ],
    areas: ['Z1', 'Z2'],
    minLevel: 1,
    languages: ['cs', 'en'],
    ...over,
  }
}

/** An acknowledgment of version `version` of warning Z1. */
export function ack(messageId: string, version = 1, over: Partial<Acknowledgment> = {}) {
  const a: Acknowledgment = {
    messageId,
    alertId: warningId('Z1'),
    alertVersion: version,
    recipient: 'post:county-7',
    at: ms(T0 + HOUR),
    via: 'link',
    ...over,
  }
  return a
}
