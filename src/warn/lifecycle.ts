/**
 * The warning lifecycle of one zone as an event-sourced state machine.
 *
 * A zone has at most one active warning (one flood event) and at most one pending draft. Rules
 * ({@link decide}) and forecasters (approval.ts) draft versions; an approver (or the auto-issue
 * policy) turns a draft into an issued version:
 *
 * - no warning, a level warranted → draft `new` (CAP `Alert`);
 * - a higher / lower level → draft `upgrade` / `downgrade` (CAP `Update`);
 * - the same level, `expires` later by at least `minExtensionMs` → draft `extension` (`Update`);
 * - no level warranted (after hysteresis, see evaluate.ts) → draft `cancel` (CAP `Cancel`); a
 *   level kept only by hysteresis never starts a new warning;
 * - `expires` passed → `expired` at once (nothing is sent: CAP consumers drop it themselves).
 *
 * Evaluating the same situation again produces no event: a pending draft that already proposes
 * the same change is kept, and an active warning at the warranted level is left alone.
 *
 * Ids: warning `<senderId>.<zoneId>.<seq>` (seq counts the zone's warnings from 1); alert (one
 * issued version, the CAP `identifier`) `<senderId>.<zoneId>.<seq>.<version>`, version counting
 * from 1 within the warning. Each Update or Cancel references the version it replaces (which
 * itself referenced its predecessor), as CAP `references` of `sender,identifier,sent`.
 */
import type { EpochMs } from '../core/brand.ts'
import { assertNever } from '../core/errors.ts'
import type { UserId } from '../core/ids.ts'
import type { Reason, ZoneEvaluation } from './evaluate.ts'
import type { Change, IssuePolicy } from './policy.ts'
import { autoIssues } from './policy.ts'
import type {
  AlertId,
  Basis,
  CapCertainty,
  CapSeverity,
  CapUrgency,
  WarningId,
  WarningRules,
  WarningZoneId,
} from './types.ts'

/** CAP message type of a change. */
export type MsgType = 'Alert' | 'Update' | 'Cancel'

/** The CAP qualifiers a version is published with. */
export interface CapInfo {
  readonly severity: CapSeverity
  readonly urgency: CapUrgency
  readonly certainty: CapCertainty
}

/** Who drafted a version: the rules, or a person. */
export type DraftSource = 'rules' | 'forecaster'

/** A version waiting for approval. */
export interface Draft {
  readonly warningId: WarningId
  readonly zoneId: WarningZoneId
  /** The version it will have once issued. */
  readonly version: number
  readonly msgType: MsgType
  readonly change: Change
  /** The level after the change (for a cancel: the level cancelled). */
  readonly level: string
  /** The level of the active warning, or null for a new one. */
  readonly previousLevel: string | null
  readonly basis: Basis
  readonly cap: CapInfo
  readonly onset: EpochMs | null
  readonly expires: EpochMs
  readonly reasons: readonly Reason[]
  /** A person's justification (forecaster drafts), or a summary. */
  readonly note: string
  readonly source: DraftSource
  readonly draftedBy: UserId
  readonly draftedAt: EpochMs
}

/** A CAP reference to an earlier alert. */
export interface AlertRef {
  readonly alertId: AlertId
  readonly sent: EpochMs
}

/** One issued version of a warning. */
export interface IssuedVersion {
  readonly alertId: AlertId
  readonly warningId: WarningId
  readonly zoneId: WarningZoneId
  readonly version: number
  readonly msgType: MsgType
  readonly change: Change
  readonly level: string
  readonly basis: Basis
  readonly cap: CapInfo
  readonly onset: EpochMs | null
  readonly expires: EpochMs
  readonly sent: EpochMs
  /** The version this one replaces (empty for version 1). */
  readonly references: readonly AlertRef[]
  readonly reasons: readonly Reason[]
  readonly note: string
  readonly draftedBy: UserId
  readonly approvedBy: UserId
}

/** Everything that happens to a zone's warnings; each becomes an audit entry. */
export type WarningEvent =
  | {
      readonly kind: 'drafted'
      readonly warningId: WarningId
      readonly at: EpochMs
      readonly by: UserId
      readonly draft: Draft
    }
  | {
      readonly kind: 'draft-discarded'
      readonly warningId: WarningId
      readonly at: EpochMs
      readonly by: UserId
      readonly version: number
      readonly reason: string
    }
  | {
      readonly kind: 'approved'
      readonly warningId: WarningId
      readonly at: EpochMs
      readonly by: UserId
      readonly version: number
      /** True when the auto-issue policy approved it. */
      readonly automatic: boolean
    }
  | {
      readonly kind: 'issued'
      readonly warningId: WarningId
      readonly at: EpochMs
      readonly by: UserId
      readonly alert: IssuedVersion
    }
  | {
      readonly kind: 'updated'
      readonly warningId: WarningId
      readonly at: EpochMs
      readonly by: UserId
      readonly change: 'upgrade' | 'downgrade' | 'extension'
      readonly alert: IssuedVersion
    }
  | {
      readonly kind: 'cancelled'
      readonly warningId: WarningId
      readonly at: EpochMs
      readonly by: UserId
      readonly alert: IssuedVersion
    }
  | {
      readonly kind: 'expired'
      readonly warningId: WarningId
      readonly at: EpochMs
      readonly by: UserId
      /** The last version issued, which expired. */
      readonly alertId: AlertId
    }

/** The active warning of a zone. */
export interface ActiveWarning {
  readonly warningId: WarningId
  readonly level: string
  readonly basis: Basis
  readonly expires: EpochMs
  /** Every issued version, oldest first; the last is current. */
  readonly versions: readonly IssuedVersion[]
}

/** A zone's warnings, rebuilt from its events by {@link applyEvent}. */
export interface ZoneWarningState {
  readonly zoneId: WarningZoneId
  /** Sequence number of the zone's latest warning (0 before the first). */
  readonly seq: number
  readonly active: ActiveWarning | null
  readonly pending: Draft | null
}

/** A zone with no warnings yet. */
export function initialWarningState(zoneId: WarningZoneId): ZoneWarningState {
  return { zoneId, seq: 0, active: null, pending: null }
}

/** `<senderId>.<zoneId>.<seq>` */
export function warningIdOf(senderId: string, zoneId: WarningZoneId, seq: number): WarningId {
  return `${senderId}.${zoneId}.${seq}` as WarningId
}

/** `<warningId>.<version>` */
export function alertIdOf(warningId: WarningId, version: number): AlertId {
  return `${warningId}.${version}` as AlertId
}

/**
 * Applies one event.
 * @throws Error when the event does not fit the state (a corrupt stream: a programmer error)
 */
export function applyEvent(s: ZoneWarningState, e: WarningEvent): ZoneWarningState {
  switch (e.kind) {
    case 'drafted':
      return { ...s, pending: e.draft }
    case 'draft-discarded':
      return { ...s, pending: null }
    case 'approved':
      if (s.pending?.version !== e.version)
        throw new Error(`approved a draft not pending: ${e.version}`)
      return s
    case 'issued': {
      const a = e.alert
      const seq = Number(a.warningId.slice(a.warningId.lastIndexOf('.') + 1))
      return {
        ...s,
        seq,
        pending: null,
        active: {
          warningId: a.warningId,
          level: a.level,
          basis: a.basis,
          expires: a.expires,
          versions: [a],
        },
      }
    }
    case 'updated': {
      if (s.active === null) throw new Error(`update of no active warning: ${e.alert.alertId}`)
      const a = e.alert
      return {
        ...s,
        pending: null,
        active: {
          ...s.active,
          level: a.level,
          basis: a.basis,
          expires: a.expires,
          versions: [...s.active.versions, a],
        },
      }
    }
    case 'cancelled':
    case 'expired':
      return { ...s, pending: null, active: null }
    default:
      return assertNever(e)
  }
}

/** Applies events in order. */
export function replay(s: ZoneWarningState, events: readonly WarningEvent[]): ZoneWarningState {
  return events.reduce(applyEvent, s)
}

/** The CAP qualifiers of `level` on `basis`. @throws Error for an unknown level */
export function capInfoOf(rules: WarningRules, level: string, basis: Basis): CapInfo {
  const l = rules.levels.find((x) => x.name === level)
  if (l === undefined) throw new Error(`unknown level ${JSON.stringify(level)}`)
  const q = basis === 'observed' ? l.observed : l.forecast
  return { severity: l.severity, urgency: q.urgency, certainty: q.certainty }
}

/** Rank of a level (0 = lowest), −1 for none or unknown. */
export function rankOf(rules: WarningRules, level: string | null): number {
  return level === null ? -1 : rules.levels.findIndex((l) => l.name === level)
}

/** What a draft would propose, without ids and authorship. */
export interface Proposal {
  readonly change: Change
  readonly level: string
  readonly basis: Basis
  readonly onset: EpochMs | null
  readonly expires: EpochMs
  readonly reasons: readonly Reason[]
  readonly note: string
}

/** The change from the active warning to `level` until `expires` (null: nothing to change). */
export function proposalFor(
  rules: WarningRules,
  policy: IssuePolicy,
  active: ActiveWarning | null,
  target: {
    readonly level: string | null
    readonly basis: Basis
    readonly onset: EpochMs | null
    readonly expires: EpochMs
    readonly reasons: readonly Reason[]
    readonly note: string
  },
  now: EpochMs,
): Proposal | null {
  const { level, ...rest } = target
  if (active === null) return level === null ? null : { ...rest, change: 'new', level }
  if (level === null) return { ...rest, change: 'cancel', level: active.level, expires: now }
  const to = rankOf(rules, level)
  const from = rankOf(rules, active.level)
  if (to > from) return { ...rest, change: 'upgrade', level }
  if (to < from) return { ...rest, change: 'downgrade', level }
  const later = target.expires - active.expires
  const closing = active.expires - now < policy.minExtensionMs
  if (later >= policy.minExtensionMs || (later > 0 && closing))
    return { ...rest, change: 'extension', level }
  return null
}

const MSG_TYPE: Readonly<Record<Change, MsgType>> = {
  new: 'Alert',
  upgrade: 'Update',
  downgrade: 'Update',
  extension: 'Update',
  cancel: 'Cancel',
}

/** Turns a proposal into a draft of the zone's next version. */
export function draftOf(
  rules: WarningRules,
  policy: IssuePolicy,
  s: ZoneWarningState,
  p: Proposal,
  source: DraftSource,
  by: UserId,
  now: EpochMs,
): Draft {
  const warningId = s.active?.warningId ?? warningIdOf(policy.senderId, s.zoneId, s.seq + 1)
  const last = s.active?.versions[s.active.versions.length - 1]
  return {
    warningId,
    zoneId: s.zoneId,
    version: (last?.version ?? 0) + 1,
    msgType: MSG_TYPE[p.change],
    change: p.change,
    level: p.level,
    previousLevel: s.active?.level ?? null,
    basis: p.basis,
    cap: capInfoOf(rules, p.level, p.basis),
    onset: p.onset,
    expires: p.expires,
    reasons: p.reasons,
    note: p.note,
    source,
    draftedBy: by,
    draftedAt: now,
  }
}

/**
 * The events that approve the pending draft and issue it as the next version. The caller checks
 * that the approver may (approval.ts); the auto-issue policy calls it with the system account.
 * @throws Error when nothing is pending (a programmer error)
 */
export function issuePending(
  s: ZoneWarningState,
  by: UserId,
  automatic: boolean,
  now: EpochMs,
): WarningEvent[] {
  const d = s.pending
  if (d === null) throw new Error(`no pending draft in zone ${s.zoneId}`)
  const last = s.active?.versions[s.active.versions.length - 1]
  const alert: IssuedVersion = {
    alertId: alertIdOf(d.warningId, d.version),
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
    sent: now,
    references: last === undefined ? [] : [{ alertId: last.alertId, sent: last.sent }],
    reasons: d.reasons,
    note: d.note,
    draftedBy: d.draftedBy,
    approvedBy: by,
  }
  const approved: WarningEvent = {
    kind: 'approved',
    warningId: d.warningId,
    at: now,
    by,
    version: d.version,
    automatic,
  }
  const base = { warningId: d.warningId, at: now, by, alert }
  switch (d.change) {
    case 'new':
      return [approved, { kind: 'issued', ...base }]
    case 'upgrade':
    case 'downgrade':
    case 'extension':
      return [approved, { kind: 'updated', change: d.change, ...base }]
    case 'cancel':
      return [approved, { kind: 'cancelled', ...base }]
    default:
      return assertNever(d.change)
  }
}

function sameProposal(d: Draft, p: Proposal, policy: IssuePolicy, now: EpochMs): boolean {
  return (
    d.change === p.change &&
    d.level === p.level &&
    d.basis === p.basis &&
    (d.change === 'cancel' || (d.expires > now && p.expires - d.expires < policy.minExtensionMs))
  )
}

/**
 * What the rules do with a new evaluation of the zone (see the file comment): expire a lapsed
 * warning, draft the change the evaluation calls for (replacing a different pending draft;
 * discarding a rules draft no longer called for), and issue it at once when the auto-issue
 * policy says so. Pure; the returned events are to be applied in order.
 *
 * @param evaluation the zone's evaluation at `now` (evaluate.ts)
 * @throws Error when the evaluation is of another zone (a programmer error)
 */
export function decide(
  rules: WarningRules,
  policy: IssuePolicy,
  state: ZoneWarningState,
  evaluation: ZoneEvaluation,
  now: EpochMs,
): WarningEvent[] {
  if (evaluation.zoneId !== state.zoneId)
    throw new Error(`evaluation of zone ${evaluation.zoneId} passed for zone ${state.zoneId}`)
  const system = policy.systemActor
  const events: WarningEvent[] = []
  let s = state
  const emit = (e: WarningEvent): void => {
    events.push(e)
    s = applyEvent(s, e)
  }
  if (s.active !== null && now >= s.active.expires) {
    const last = s.active.versions[s.active.versions.length - 1]!
    if (s.pending !== null)
      emit(discarded(s.pending, system, now, 'the warning expired before it was approved'))
    emit({
      kind: 'expired',
      warningId: s.active.warningId,
      at: now,
      by: system,
      alertId: last.alertId,
    })
  }
  // Hysteresis keeps a level for a warning that exists; it never starts a new one.
  const level = s.active === null && evaluation.rawLevel === null ? null : evaluation.level
  const proposal = proposalFor(
    rules,
    policy,
    s.active,
    {
      level,
      basis: evaluation.basis ?? s.active?.basis ?? 'forecast',
      onset: evaluation.onset,
      expires: evaluation.expires ?? now,
      reasons: evaluation.reasons,
      note: `rules, cycle ${evaluation.cycleKey === '' ? '(no signals)' : evaluation.cycleKey}`,
    },
    now,
  )
  if (proposal === null) {
    if (s.pending !== null && s.pending.source === 'rules')
      emit(discarded(s.pending, system, now, 'no longer warranted by the rules'))
    return events
  }
  if (s.pending !== null) {
    if (sameProposal(s.pending, proposal, policy, now)) return events
    emit(discarded(s.pending, system, now, `superseded by a ${proposal.change} draft`))
  }
  const draft = draftOf(rules, policy, s, proposal, 'rules', system, now)
  emit({ kind: 'drafted', warningId: draft.warningId, at: now, by: system, draft })
  if (autoIssues(policy, draft.change, draft.level, draft.basis))
    for (const e of issuePending(s, system, true, now)) emit(e)
  return events
}

/** The event discarding a pending draft. */
export function discarded(d: Draft, by: UserId, at: EpochMs, reason: string): WarningEvent {
  return { kind: 'draft-discarded', warningId: d.warningId, at, by, version: d.version, reason }
}
