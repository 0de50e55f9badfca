/**
 * Incidents: one flood event as one post handles it, with its response level, status and log,
 * as an event-sourced record.
 *
 * Response levels follow the four-level emergency response of many national systems: level IV
 * is the lowest, level I the highest. A warning of rank r (src/warn `rankOf`: 0 = the lowest
 * level) maps to {@link responseLevelForWarningRank}:
 *
 * | warning rank (default levels) | response level |
 * | --- | --- |
 * | 0 (advisory)  | IV |
 * | 1 (warning)   | III |
 * | 2 (severe)    | II |
 * | 3 (emergency) and above | I |
 *
 * Incidents are opened by hand, or automatically ({@link incidentsForWarning}) at every post
 * whose jurisdiction includes the zone of a warning at or above a configured rank: the posts
 * that list the zone and every post above them. The id of an automatic incident is
 * `<warningId>:<postId>`, so that two workers deciding at once open it only once (the store
 * refuses the second stream). A later, higher version of the same warning raises the level of
 * its open incidents; nothing lowers a level automatically, and a closed incident stays closed.
 */
import type { EpochMs } from '../core/brand.ts'
import { assertNever } from '../core/errors.ts'
import type { UserId } from '../core/ids.ts'
import { isId } from '../core/ids.ts'
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import type { Hierarchy } from './hierarchy.ts'
import { postsCovering } from './hierarchy.ts'
import { authorize } from './permissions.ts'
import type { AreaId, IncidentId, PostId, Principal } from './types.ts'

/** Response levels, lowest first. */
export const RESPONSE_LEVELS = ['IV', 'III', 'II', 'I'] as const
export type ResponseLevel = (typeof RESPONSE_LEVELS)[number]

/** Incident statuses; `closed` is final. */
export const INCIDENT_STATUSES = ['open', 'monitoring', 'closed'] as const
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number]

/** The response level for a warning of rank `rank` (0 = lowest): IV, III, II, then I from 3 up. */
export function responseLevelForWarningRank(rank: number): ResponseLevel {
  return RESPONSE_LEVELS[Math.max(0, Math.min(RESPONSE_LEVELS.length - 1, Math.floor(rank)))]!
}

/** 0 for IV … 3 for I. */
export function responseRank(level: ResponseLevel): number {
  return RESPONSE_LEVELS.indexOf(level)
}

/** Why an incident was opened. */
export type IncidentSource =
  | {
      readonly kind: 'warning'
      /** src/warn `WarningId`. */
      readonly warningId: string
      /** The warning zone (an area of the post's jurisdiction). */
      readonly zoneId: AreaId
    }
  | { readonly kind: 'manual' }

/** Everything that happens to an incident; each becomes a line of its log and an audit entry. */
export type IncidentEvent =
  | {
      readonly kind: 'opened'
      readonly incidentId: IncidentId
      readonly at: EpochMs
      readonly by: UserId
      readonly post: PostId
      readonly title: string
      readonly level: ResponseLevel
      readonly source: IncidentSource
    }
  | {
      readonly kind: 'level-changed'
      readonly incidentId: IncidentId
      readonly at: EpochMs
      readonly by: UserId
      readonly from: ResponseLevel
      readonly to: ResponseLevel
      readonly reason: string
    }
  | {
      readonly kind: 'status-changed'
      readonly incidentId: IncidentId
      readonly at: EpochMs
      readonly by: UserId
      readonly from: 'open' | 'monitoring'
      readonly to: 'open' | 'monitoring'
    }
  | {
      readonly kind: 'note'
      readonly incidentId: IncidentId
      readonly at: EpochMs
      readonly by: UserId
      readonly text: string
    }
  | {
      readonly kind: 'closed'
      readonly incidentId: IncidentId
      readonly at: EpochMs
      readonly by: UserId
      readonly reason: string
    }

/** An incident rebuilt from its events. */
export interface Incident {
  readonly id: IncidentId
  readonly post: PostId
  readonly title: string
  readonly level: ResponseLevel
  readonly status: IncidentStatus
  readonly source: IncidentSource
  readonly openedAt: EpochMs
  readonly closedAt: EpochMs | null
  /** Every event, oldest first. */
  readonly log: readonly IncidentEvent[]
  /** Number of events (the store appends at this version). */
  readonly version: number
}

/**
 * Applies one event (`null`: no incident yet).
 * @throws Error when the event does not fit (a corrupt stream: a programmer error)
 */
export function applyIncidentEvent(s: Incident | null, e: IncidentEvent): Incident {
  if (e.kind === 'opened') {
    if (s !== null) throw new Error(`incident ${e.incidentId} opened twice`)
    return {
      id: e.incidentId,
      post: e.post,
      title: e.title,
      level: e.level,
      status: 'open',
      source: e.source,
      openedAt: e.at,
      closedAt: null,
      log: [e],
      version: 1,
    }
  }
  if (s === null) throw new Error(`incident ${e.incidentId}: ${e.kind} before opened`)
  if (s.id !== e.incidentId) throw new Error(`event of ${e.incidentId} applied to ${s.id}`)
  if (s.status === 'closed') throw new Error(`incident ${s.id}: ${e.kind} after closed`)
  const base = { ...s, log: [...s.log, e], version: s.version + 1 }
  switch (e.kind) {
    case 'level-changed':
      return { ...base, level: e.to }
    case 'status-changed':
      return { ...base, status: e.to }
    case 'note':
      return base
    case 'closed':
      return { ...base, status: 'closed', closedAt: e.at }
    default:
      return assertNever(e)
  }
}

/**
 * Rebuilds an incident from its events.
 * @throws Error on an empty or inconsistent stream
 */
export function replayIncident(events: readonly IncidentEvent[]): Incident {
  let s: Incident | null = null
  for (const e of events) s = applyIncidentEvent(s, e)
  if (s === null) throw new Error('an incident stream starts with its opened event')
  return s
}

/** What a person opens by hand. */
export interface IncidentRequest {
  readonly id: IncidentId
  readonly post: PostId
  readonly title: string
  readonly level: ResponseLevel
}

/**
 * Opens an incident by hand at `at` (epoch ms). Refused when the id is malformed, the title
 * empty, the level unknown, the post unknown, or the principal may not open incidents there.
 */
export function openIncident(
  h: Hierarchy,
  principal: Principal,
  request: IncidentRequest,
  at: EpochMs,
): Result<IncidentEvent[]> {
  const issues: Issue[] = []
  if (!isId(request.id))
    issues.push({ path: ['id'], message: `not a well-formed id: ${JSON.stringify(request.id)}` })
  if (request.title.trim() === '') issues.push({ path: ['title'], message: 'must not be empty' })
  if (!RESPONSE_LEVELS.includes(request.level))
    issues.push({
      path: ['level'],
      message: `unknown response level ${JSON.stringify(request.level)}`,
    })
  if (!h.posts.has(request.post))
    issues.push({ path: ['post'], message: `unknown post ${request.post}` })
  else {
    const auth = authorize(h, principal, 'open-incident', request.post)
    if (!auth.ok) issues.push(...auth.issues)
  }
  if (issues.length > 0) return fail(issues)
  return ok([
    {
      kind: 'opened',
      incidentId: request.id,
      at,
      by: principal.id,
      post: request.post,
      title: request.title,
      level: request.level,
      source: { kind: 'manual' },
    },
  ])
}

/** A change a person makes to an incident. */
export type IncidentChange =
  | { readonly kind: 'level'; readonly to: ResponseLevel; readonly reason: string }
  | { readonly kind: 'status'; readonly to: 'open' | 'monitoring' }
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'close'; readonly reason: string }

/**
 * A person's change to an incident at `at` (epoch ms). Refused when the principal may not
 * manage incidents at its post, the incident is closed, the level or status is the current
 * one, a level is unknown, or a reason or note is empty.
 * @throws Error when the incident's post is not in `h`
 */
export function changeIncident(
  h: Hierarchy,
  principal: Principal,
  incident: Incident,
  change: IncidentChange,
  at: EpochMs,
): Result<IncidentEvent[]> {
  const issues: Issue[] = []
  const auth = authorize(h, principal, 'manage-incident', incident.post, ['principal'])
  if (!auth.ok) issues.push(...auth.issues)
  if (incident.status === 'closed')
    issues.push({ path: ['incident'], message: `incident ${incident.id} is closed` })
  const base = { incidentId: incident.id, at, by: principal.id }
  let event: IncidentEvent
  switch (change.kind) {
    case 'level':
      if (!RESPONSE_LEVELS.includes(change.to))
        issues.push({
          path: ['to'],
          message: `unknown response level ${JSON.stringify(change.to)}`,
        })
      else if (change.to === incident.level)
        issues.push({ path: ['to'], message: `already at level ${change.to}` })
      if (change.reason.trim() === '')
        issues.push({ path: ['reason'], message: 'must not be empty' })
      event = {
        ...base,
        kind: 'level-changed',
        from: incident.level,
        to: change.to,
        reason: change.reason,
      }
      break
    case 'status':
      if (incident.status === change.to)
        issues.push({ path: ['to'], message: `already ${change.to}` })
      event = {
        ...base,
        kind: 'status-changed',
        from: incident.status === 'monitoring' ? 'monitoring' : 'open',
        to: change.to,
      }
      break
    case 'note':
      if (change.text.trim() === '') issues.push({ path: ['text'], message: 'must not be empty' })
      event = { ...base, kind: 'note', text: change.text }
      break
    case 'close':
      if (change.reason.trim() === '')
        issues.push({ path: ['reason'], message: 'must not be empty' })
      event = { ...base, kind: 'closed', reason: change.reason }
      break
    default:
      return assertNever(change)
  }
  return issues.length > 0 ? fail(issues) : ok([event])
}

/** A warning as the command layer sees it (filled by L3 from src/warn). */
export interface WarningNotice {
  /** src/warn `WarningId`. */
  readonly warningId: string
  readonly zoneId: AreaId
  /** src/warn `rankOf` of its current level (0 = lowest). */
  readonly levelRank: number
  /** The level's name, for the incident's title. */
  readonly levelName: string
}

/**
 * The events that open (or raise) incidents for a warning at `at` (epoch ms), by the system
 * account `by`, when its rank is at least `minRank`: one incident per post whose jurisdiction
 * includes the zone, at {@link responseLevelForWarningRank}. `existing` are the incidents
 * already opened for warnings (any posts, any warnings): a post that has one for this warning
 * gets nothing new, except a `level-changed` when the warning now maps to a higher level and
 * the incident is not closed. Ids are `<warningId>:<postId>`. Posts in hierarchy order.
 */
export function incidentsForWarning(
  h: Hierarchy,
  warning: WarningNotice,
  options: { readonly minRank: number; readonly by: UserId; readonly at: EpochMs },
  existing: readonly Incident[],
): IncidentEvent[] {
  if (warning.levelRank < options.minRank) return []
  const level = responseLevelForWarningRank(warning.levelRank)
  const mine = new Map<PostId, Incident>()
  for (const i of existing)
    if (i.source.kind === 'warning' && i.source.warningId === warning.warningId) mine.set(i.post, i)
  const out: IncidentEvent[] = []
  for (const post of postsCovering(h, warning.zoneId)) {
    const found = mine.get(post)
    if (found === undefined)
      out.push({
        kind: 'opened',
        incidentId: incidentIdFor(warning.warningId, post),
        at: options.at,
        by: options.by,
        post,
        title: `${warning.levelName} in ${warning.zoneId}`,
        level,
        source: { kind: 'warning', warningId: warning.warningId, zoneId: warning.zoneId },
      })
    else if (found.status !== 'closed' && responseRank(level) > responseRank(found.level))
      out.push({
        kind: 'level-changed',
        incidentId: found.id,
        at: options.at,
        by: options.by,
        from: found.level,
        to: level,
        reason: `warning ${warning.warningId} is now ${warning.levelName}`,
      })
  }
  return out
}

/** The id of the incident a warning opens at a post: `<warningId>:<postId>`. */
export function incidentIdFor(warningId: string, post: PostId): IncidentId {
  return `${warningId}:${post}` as IncidentId
}
