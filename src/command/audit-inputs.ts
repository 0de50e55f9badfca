/**
 * Command events in the words of the audit log (audit-chain.ts): kind `order.<event>`,
 * `incident.<event>` or `sitrep.filed`, the order, incident or report as subject, and the
 * event's content as payload. Logistics events are mapped by src/logistics in the same way.
 */
import type { EpochMs } from '../core/brand.ts'
import { assertNever } from '../core/errors.ts'
import type { UserId } from '../core/ids.ts'
import type { AuditInput, JsonValue } from './audit-chain.ts'
import type { IncidentEvent } from './incidents.ts'
import type { Order, OrderEvent } from './orders.ts'
import type { Sitrep } from './sitreps.ts'

function orderJson(o: Order): JsonValue {
  return {
    id: o.id,
    issuerPost: o.issuerPost,
    issuedBy: o.issuedBy,
    issuedAt: o.issuedAt,
    title: o.title,
    actions: o.actions,
    scope: o.scope,
    recipients: o.recipients,
    ackDeadline: o.ackDeadline,
    completionDeadline: o.completionDeadline,
    references: o.references,
  }
}

/** The audit input of an order event. */
export function orderAuditInput(e: OrderEvent): AuditInput {
  const base = { at: e.at, actor: e.by, kind: `order.${e.kind}`, subject: e.orderId }
  switch (e.kind) {
    case 'issued':
      return { ...base, payload: { order: orderJson(e.order) } }
    case 'received':
    case 'accepted':
      return { ...base, payload: { post: e.post } }
    case 'unable':
      return { ...base, payload: { post: e.post, reason: e.reason } }
    case 'completed':
      return { ...base, payload: { post: e.post, report: e.report } }
    case 'escalated':
      return {
        ...base,
        payload: { post: e.post, deadline: e.deadline, superiorsNotified: e.superiorsNotified },
      }
    case 'superseded':
      return { ...base, payload: { correction: e.correction } }
    default:
      return assertNever(e)
  }
}

/** The audit input of an incident event. */
export function incidentAuditInput(e: IncidentEvent): AuditInput {
  const base = { at: e.at, actor: e.by, kind: `incident.${e.kind}`, subject: e.incidentId }
  switch (e.kind) {
    case 'opened':
      return {
        ...base,
        payload: {
          post: e.post,
          title: e.title,
          level: e.level,
          source:
            e.source.kind === 'warning'
              ? { kind: 'warning', warningId: e.source.warningId, zoneId: e.source.zoneId }
              : { kind: 'manual' },
        },
      }
    case 'level-changed':
      return { ...base, payload: { from: e.from, to: e.to, reason: e.reason } }
    case 'status-changed':
      return { ...base, payload: { from: e.from, to: e.to } }
    case 'note':
      return { ...base, payload: { text: e.text } }
    case 'closed':
      return { ...base, payload: { reason: e.reason } }
    default:
      return assertNever(e)
  }
}

/** The audit input of a filed situation report (`at`: when it was stored, epoch ms). */
export function sitrepAuditInput(s: Sitrep, at: EpochMs, by: UserId): AuditInput {
  return {
    at,
    actor: by,
    kind: 'sitrep.filed',
    subject: s.id,
    payload: {
      post: s.post,
      at: s.at,
      period: { from: s.period.from, to: s.period.to },
      figures: { ...s.figures },
      needs: s.needs.map((n) => ({ item: n.item, quantity: n.quantity, unit: n.unit })),
    },
  }
}
