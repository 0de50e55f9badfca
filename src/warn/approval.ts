/**
 * Drafting by people, approval, declining, and the audit trail.
 *
 * - {@link draftWarning}: a principal holding a drafter role for the zone drafts a change to a
 *   level (or a cancel) with a justification; it replaces any pending draft.
 * - {@link approve}: a principal holding an approver role for the zone approves the pending
 *   draft of the version it saw; with the two-person rule for the draft's levels, the drafter
 *   cannot approve their own draft. The draft is issued at once (issued / updated / cancelled).
 * - {@link decline}: an approver discards the pending draft with a reason.
 *
 * Each returns an {@link Attempt}: the events (or the reasons it was refused) and the audit
 * entries of the step, refusals included. Roles and the auto-issue rule are in policy.ts.
 */
import type { EpochMs } from '../core/brand.ts'
import { assertNever } from '../core/errors.ts'
import type { UserId } from '../core/ids.ts'
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import { describeReason } from './evaluate.ts'
import type { WarningEvent, ZoneWarningState } from './lifecycle.ts'
import { discarded, draftOf, issuePending, proposalFor, rankOf } from './lifecycle.ts'
import type { IssuePolicy } from './policy.ts'
import { twoPersonRequired } from './policy.ts'
import type { Basis, Principal, WarningId, WarningRules, WarningZoneId } from './types.ts'

/** One line of the audit trail. */
export interface AuditEntry {
  readonly at: EpochMs
  readonly actor: UserId
  /** An event kind, or `<step>-refused`. */
  readonly action: WarningEvent['kind'] | 'draft-refused' | 'approval-refused' | 'decline-refused'
  /** Null when a refused step concerned no warning. */
  readonly warningId: WarningId | null
  readonly details: Readonly<Record<string, string | number | boolean | null>>
}

/** The outcome of a step by a person: its events or why it was refused, and its audit entries. */
export interface Attempt {
  readonly result: Result<readonly WarningEvent[]>
  readonly audit: readonly AuditEntry[]
}

/** The audit entry of an event. */
export function auditEntry(e: WarningEvent): AuditEntry {
  const base = { at: e.at, actor: e.by, action: e.kind, warningId: e.warningId }
  switch (e.kind) {
    case 'drafted': {
      const d = e.draft
      return {
        ...base,
        details: {
          version: d.version,
          change: d.change,
          level: d.level,
          previousLevel: d.previousLevel,
          basis: d.basis,
          expires: d.expires,
          source: d.source,
          note: d.note,
          why: d.reasons.map(describeReason).join('\n'),
        },
      }
    }
    case 'draft-discarded':
      return { ...base, details: { version: e.version, reason: e.reason } }
    case 'approved':
      return { ...base, details: { version: e.version, automatic: e.automatic } }
    case 'issued':
    case 'updated':
    case 'cancelled': {
      const a = e.alert
      return {
        ...base,
        details: {
          alertId: a.alertId,
          version: a.version,
          msgType: a.msgType,
          change: a.change,
          level: a.level,
          expires: a.expires,
          references: a.references.map((r) => r.alertId).join(' '),
          draftedBy: a.draftedBy,
          why: a.reasons.map(describeReason).join('\n'),
        },
      }
    }
    case 'expired':
      return { ...base, details: { alertId: e.alertId } }
    default:
      return assertNever(e)
  }
}

/** Whether the principal holds one of `roles` and covers the zone. */
export function mayActIn(p: Principal, roles: readonly string[], zoneId: WarningZoneId): boolean {
  return p.roles.some((r) => roles.includes(r)) && p.areas.some((a) => a === '*' || a === zoneId)
}

/** What a person drafts: a level (null cancels the active warning) until `expires`. */
export interface DraftRequest {
  readonly level: string | null
  readonly basis: Basis
  readonly expires: EpochMs
  /** Why (required). */
  readonly note: string
}

/**
 * A person's draft (see the file comment). Refused with reasons when the drafter lacks a
 * drafter role for the zone, the level is unknown, the note is empty, `expires` is not after
 * `now`, or the request changes nothing.
 */
export function draftWarning(
  rules: WarningRules,
  policy: IssuePolicy,
  state: ZoneWarningState,
  request: DraftRequest,
  drafter: Principal,
  now: EpochMs,
): Attempt {
  const issues: Issue[] = []
  if (!mayActIn(drafter, policy.drafterRoles, state.zoneId))
    issues.push({
      path: ['drafter'],
      message: `${drafter.id} may not draft in zone ${state.zoneId}`,
    })
  if (request.level !== null && rankOf(rules, request.level) < 0)
    issues.push({ path: ['level'], message: `unknown level ${JSON.stringify(request.level)}` })
  if (request.note.trim() === '')
    issues.push({ path: ['note'], message: 'a justification is required' })
  if (request.level !== null && request.expires <= now)
    issues.push({ path: ['expires'], message: 'must be after now' })
  if (issues.length === 0) {
    const p = proposalFor(
      rules,
      policy,
      state.active,
      { ...request, onset: null, reasons: [] },
      now,
    )
    if (p === null)
      issues.push({ path: ['level'], message: 'changes nothing in the active warning' })
    else {
      const events: WarningEvent[] = []
      if (state.pending !== null)
        events.push(
          discarded(state.pending, drafter.id, now, `superseded by ${drafter.id}'s draft`),
        )
      const draft = draftOf(
        rules,
        policy,
        { ...state, pending: null },
        p,
        'forecaster',
        drafter.id,
        now,
      )
      events.push({ kind: 'drafted', warningId: draft.warningId, at: now, by: drafter.id, draft })
      return accepted(events)
    }
  }
  return refused(
    'draft-refused',
    state.zoneId,
    drafter,
    state.pending?.warningId ?? state.active?.warningId ?? null,
    issues,
    now,
  )
}

/**
 * Approves and issues the pending draft `version` (see the file comment). Refused with reasons
 * when no draft or another version is pending, the approver lacks an approver role for the zone,
 * the two-person rule applies and the approver drafted it, or the draft's `expires` has passed.
 */
export function approve(
  policy: IssuePolicy,
  state: ZoneWarningState,
  version: number,
  approver: Principal,
  now: EpochMs,
): Attempt {
  const d = state.pending
  const issues: Issue[] = []
  if (d === null) issues.push({ path: ['version'], message: 'no draft is pending' })
  else if (d.version !== version)
    issues.push({
      path: ['version'],
      message: `draft version ${d.version} is pending, not ${version}`,
    })
  if (!mayActIn(approver, policy.approverRoles, state.zoneId))
    issues.push({
      path: ['approver'],
      message: `${approver.id} may not approve in zone ${state.zoneId}`,
    })
  if (d !== null) {
    if (d.draftedBy === approver.id && twoPersonRequired(policy, d.level, d.previousLevel))
      issues.push({
        path: ['approver'],
        message: `two-person rule: ${approver.id} drafted this ${d.level} warning`,
      })
    if (d.change !== 'cancel' && d.expires <= now)
      issues.push({ path: ['expires'], message: 'the draft expired before approval' })
  }
  if (d === null || issues.length > 0)
    return refused('approval-refused', state.zoneId, approver, d?.warningId ?? null, issues, now)
  return accepted(issuePending(state, approver.id, false, now))
}

/** An approver discards the pending draft `version` with a reason. */
export function decline(
  policy: IssuePolicy,
  state: ZoneWarningState,
  version: number,
  approver: Principal,
  reason: string,
  now: EpochMs,
): Attempt {
  const d = state.pending
  const issues: Issue[] = []
  if (d === null || d.version !== version)
    issues.push({ path: ['version'], message: `draft version ${version} is not pending` })
  if (!mayActIn(approver, policy.approverRoles, state.zoneId))
    issues.push({
      path: ['approver'],
      message: `${approver.id} may not decline in zone ${state.zoneId}`,
    })
  if (reason.trim() === '') issues.push({ path: ['reason'], message: 'a reason is required' })
  if (d === null || issues.length > 0)
    return refused('decline-refused', state.zoneId, approver, d?.warningId ?? null, issues, now)
  return accepted([discarded(d, approver.id, now, reason)])
}

function accepted(events: readonly WarningEvent[]): Attempt {
  return { result: ok(events), audit: events.map(auditEntry) }
}

function refused(
  action: 'draft-refused' | 'approval-refused' | 'decline-refused',
  zoneId: WarningZoneId,
  actor: Principal,
  warningId: WarningId | null,
  issues: readonly Issue[],
  at: EpochMs,
): Attempt {
  return {
    result: fail(issues),
    audit: [
      {
        at,
        actor: actor.id,
        action,
        warningId,
        details: { zone: zoneId, why: issues.map((i) => i.message).join('; ') },
      },
    ],
  }
}
