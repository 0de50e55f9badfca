/**
 * Warnings over HTTP: each zone's active warning and pending draft, its history and audit
 * trail; drafting by forecasters, approval and declining by duty officers — each only in the
 * zones their token covers, with the two-person rule of the policy. Every step, refusals
 * included, is in the audit trail.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { EpochMs } from '../../core/brand.ts'
import { formatIssue, type Issue } from '../../core/result.ts'
import { describeReason } from '../../warn/evaluate.ts'
import { approve, decline, draftWarning, mayActIn } from '../../warn/approval.ts'
import type { Draft, WarningEvent, ZoneWarningState } from '../../warn/lifecycle.ts'
import { initialWarningState, replay } from '../../warn/lifecycle.ts'
import type { UserId } from '../../core/ids.ts'
import type { StoredAuditEntry } from '../../warn/ports.ts'
import type { WarningZone } from '../../warn/types.ts'
import { authorize, principalOf, type Principal, type Role } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { coversArea, warnPrincipal } from '../warnings.ts'
import { idSchema, iso } from './schemas.ts'

const reasonsOut = z
  .array(z.string())
  .describe('why, one line per reason (run, threshold, probability, lead)')

const draftOut = z.object({
  warningId: z.string(),
  version: z.number().int(),
  change: z.string(),
  level: z.string(),
  previousLevel: z.string().nullable(),
  basis: z.enum(['observed', 'forecast']),
  expires: z.string(),
  source: z.enum(['rules', 'forecaster']),
  draftedBy: z.string(),
  draftedAt: z.string(),
  note: z.string(),
  twoPersonRequired: z.boolean(),
  reasons: reasonsOut,
})

const zoneOut = z.object({
  zoneId: z.string(),
  name: z.string(),
  active: z
    .object({
      warningId: z.string(),
      level: z.string(),
      basis: z.enum(['observed', 'forecast']),
      expires: z.string(),
      version: z.number().int(),
      alertId: z.string(),
      msgType: z.string(),
      reasons: reasonsOut,
    })
    .nullable(),
  pending: draftOut.nullable(),
})

const eventOut = z.object({
  kind: z.string(),
  at: z.string(),
  by: z.string(),
  warningId: z.string(),
  summary: z.string(),
})

const stepOut = z.object({
  events: z.array(eventOut),
  published: z.array(z.object({ alertId: z.string(), msgType: z.string(), url: z.string() })),
  zone: zoneOut,
})

function draftView(d: Draft, deps: AppDeps): z.infer<typeof draftOut> {
  const { policy } = deps.warnings.setup
  const at = (name: string): boolean => policy.twoPersonRule[name] ?? policy.twoPersonDefault
  return {
    warningId: d.warningId,
    version: d.version,
    change: d.change,
    level: d.level,
    previousLevel: d.previousLevel,
    basis: d.basis,
    expires: iso(d.expires)!,
    source: d.source,
    draftedBy: d.draftedBy,
    draftedAt: iso(d.draftedAt)!,
    note: d.note,
    twoPersonRequired: at(d.level) || (d.previousLevel !== null && at(d.previousLevel)),
    reasons: d.reasons.map(describeReason),
  }
}

function zoneView(zone: WarningZone, s: ZoneWarningState, deps: AppDeps): z.infer<typeof zoneOut> {
  const current = s.active?.versions.at(-1)
  return {
    zoneId: zone.id,
    name: zone.name,
    active:
      s.active === null || current === undefined
        ? null
        : {
            warningId: s.active.warningId,
            level: s.active.level,
            basis: s.active.basis,
            expires: iso(s.active.expires)!,
            version: current.version,
            alertId: current.alertId,
            msgType: current.msgType,
            reasons: current.reasons.map(describeReason),
          },
    pending: s.pending === null ? null : draftView(s.pending, deps),
  }
}

function eventView(e: WarningEvent): z.infer<typeof eventOut> {
  let summary: string
  switch (e.kind) {
    case 'drafted':
      summary = `draft v${e.draft.version}: ${e.draft.change} to ${e.draft.level} (${e.draft.source})`
      break
    case 'draft-discarded':
      summary = `draft v${e.version} discarded: ${e.reason}`
      break
    case 'approved':
      summary = `v${e.version} approved${e.automatic ? ' automatically' : ''}`
      break
    case 'issued':
    case 'updated':
    case 'cancelled':
      summary = `${e.alert.msgType} ${e.alert.alertId}: ${e.alert.level}`
      break
    case 'expired':
      summary = `${e.alertId} expired`
      break
  }
  return { kind: e.kind, at: iso(e.at)!, by: e.by, warningId: e.warningId, summary }
}

/** The zone of the path, or 404. */
function zoneOf(deps: AppDeps, id: string): WarningZone {
  const z = deps.warnings.findZone(id)
  if (z === undefined) throw new ApiError(404, 'not_found', `no warning zone ${id}`)
  return z
}

/** The principal, with at least `role`, covering `zone`; else 401/403. */
function principalFor(
  req: FastifyRequest,
  deps: AppDeps,
  role: Role,
  zone: WarningZone,
): Principal {
  const p = authorize(req, deps.grants, role)
  if (!coversArea(p, zone.id, deps.warnings.setup.zones))
    throw new ApiError(403, 'forbidden', `${p.user} has no rights in zone ${zone.id}`)
  return p
}

/**
 * As {@link principalFor}, for a step that changes warnings: a refusal for the role or the
 * area is recorded in the audit trail before it is answered.
 */
async function actorFor(
  req: FastifyRequest,
  deps: AppDeps,
  role: Role,
  zone: WarningZone,
  action: 'draft-refused' | 'approval-refused' | 'decline-refused',
): Promise<Principal> {
  try {
    return principalFor(req, deps, role, zone)
  } catch (e) {
    const who = principalOf(req, deps.grants)
    if (e instanceof ApiError && e.status === 403 && who !== undefined)
      await deps.audit.append([
        {
          at: deps.clock.now(),
          actor: who.user as UserId,
          action,
          warningId: null,
          details: { zone: zone.id, why: e.message },
        },
      ])
    throw e
  }
}

/** Whether an audit entry concerns the zone: one of its warnings, or a step refused there. */
function inZone(e: StoredAuditEntry, sender: string, zone: WarningZone): boolean {
  if (e.details['zone'] === zone.id) return true
  if (e.warningId === null) return false
  const prefix = `${sender}.${zone.id}.`
  return e.warningId.startsWith(prefix) && /^\d+$/.test(e.warningId.slice(prefix.length))
}

async function stateOf(deps: AppDeps, zone: WarningZone): Promise<ZoneWarningState> {
  return replay(initialWarningState(zone.id), await deps.warningEvents.events(zone.id))
}

/** A refused step's HTTP error: 403 when the person may not act there, else 409 or 422. */
function refusal(issues: readonly Issue[]): ApiError {
  const message = issues.map(formatIssue).join('; ')
  const who = issues.some((i) => i.path[0] === 'drafter' || i.path[0] === 'approver')
  if (who) return new ApiError(403, 'forbidden', message, issues)
  const stale = issues.some((i) => i.path[0] === 'version')
  return stale
    ? new ApiError(409, 'conflict', message, issues)
    : new ApiError(422, 'validation_failed', message, issues)
}

export function registerWarnings(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()

  const runStep = async (
    req: FastifyRequest,
    zone: WarningZone,
    fn: Parameters<AppDeps['warnings']['step']>[1],
  ): Promise<z.infer<typeof stepOut>> => {
    const r = await deps.warnings.step(zone, fn)
    if (!r.result.ok) throw refusal(r.result.issues)
    const host = deps.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`
    return {
      events: r.result.value.map(eventView),
      published: r.published.map((a) => ({
        alertId: a.alertId,
        msgType: a.msgType,
        url: `${host}/cap/alerts/${encodeURIComponent(a.alertId)}.xml`,
      })),
      zone: zoneView(zone, await stateOf(deps, zone), deps),
    }
  }

  r.get(
    '/api/v1/warnings',
    {
      schema: {
        tags: ['warnings'],
        summary: 'Every zone you cover: its active warning and pending draft',
        security: [{ bearer: [] }],
        response: { 200: z.array(zoneOut) },
      },
    },
    async (req) => {
      const p = warnPrincipal(authorize(req, deps.grants, 'observer'), deps.warnings.setup.zones)
      const out: z.infer<typeof zoneOut>[] = []
      for (const zone of deps.warnings.setup.zones)
        if (mayActIn(p, ['observer'], zone.id))
          out.push(zoneView(zone, await stateOf(deps, zone), deps))
      return out
    },
  )

  r.get(
    '/api/v1/warnings/:zoneId',
    {
      schema: {
        tags: ['warnings'],
        summary: 'One zone: its state and every warning event, oldest first',
        security: [{ bearer: [] }],
        params: z.object({ zoneId: idSchema }),
        response: { 200: zoneOut.extend({ events: z.array(eventOut) }) },
      },
    },
    async (req) => {
      const zone = zoneOf(deps, req.params.zoneId)
      principalFor(req, deps, 'observer', zone)
      const events = await deps.warningEvents.events(zone.id)
      const state = replay(initialWarningState(zone.id), events)
      return { ...zoneView(zone, state, deps), events: events.map(eventView) }
    },
  )

  r.get(
    '/api/v1/warnings/:zoneId/audit',
    {
      schema: {
        tags: ['warnings'],
        summary: "The audit trail of the zone's warnings: every step, who, when and why",
        security: [{ bearer: [] }],
        params: z.object({ zoneId: idSchema }),
        response: {
          200: z.array(
            z.object({
              id: z.number().int(),
              at: z.string(),
              actor: z.string(),
              action: z.string(),
              warningId: z.string().nullable(),
              details: z.record(
                z.string(),
                z.union([z.string(), z.number(), z.boolean(), z.null()]),
              ),
            }),
          ),
        },
      },
    },
    async (req) => {
      const zone = zoneOf(deps, req.params.zoneId)
      principalFor(req, deps, 'forecaster', zone)
      const sender = deps.warnings.setup.policy.senderId
      const entries = await deps.audit.list()
      return entries.filter((e) => inZone(e, sender, zone)).map((e) => ({ ...e, at: iso(e.at)! }))
    },
  )

  const draftBody = z.object({
    level: z
      .string()
      .nullable()
      .describe('the level to issue, or null to cancel the active warning'),
    basis: z.enum(['observed', 'forecast']).default('forecast'),
    expires: z.iso.datetime({ offset: true }).describe('when the warning ends (with an offset)'),
    note: z.string().describe('why (required)'),
  })

  r.post(
    '/api/v1/warnings/:zoneId/drafts',
    {
      schema: {
        tags: ['warnings'],
        summary: 'Draft a warning (or its cancellation) in a zone; it replaces a pending draft',
        description:
          'Forecasters, duty officers and admins whose areas cover the zone. The draft waits for approval by a duty officer (another person when the two-person rule applies to its level).',
        security: [{ bearer: [] }],
        params: z.object({ zoneId: idSchema }),
        body: draftBody,
        response: { 201: stepOut },
      },
    },
    async (req, reply) => {
      const zone = zoneOf(deps, req.params.zoneId)
      const p = await actorFor(req, deps, 'forecaster', zone, 'draft-refused')
      const who = warnPrincipal(p, deps.warnings.setup.zones)
      const { rules, policy } = deps.warnings.setup
      const request = {
        level: req.body.level,
        basis: req.body.basis,
        expires: Date.parse(req.body.expires) as EpochMs,
        note: req.body.note,
      }
      const out = await runStep(req, zone, (state, now) =>
        draftWarning(rules, policy, state, request, who, now),
      )
      return reply.status(201).send(out)
    },
  )

  r.post(
    '/api/v1/warnings/:zoneId/drafts/:version/approve',
    {
      schema: {
        tags: ['warnings'],
        summary:
          'Approve the pending draft of that version: it is issued at once (CAP, feed, delivery)',
        description:
          'Duty officers and admins whose areas cover the zone; not the drafter when the two-person rule applies. 409 when another draft version is pending.',
        security: [{ bearer: [] }],
        params: z.object({ zoneId: idSchema, version: z.coerce.number().int().min(1) }),
        response: { 200: stepOut },
      },
    },
    async (req) => {
      const zone = zoneOf(deps, req.params.zoneId)
      const p = await actorFor(req, deps, 'duty-officer', zone, 'approval-refused')
      const who = warnPrincipal(p, deps.warnings.setup.zones)
      const { policy } = deps.warnings.setup
      return runStep(req, zone, (state, now) =>
        approve(policy, state, req.params.version, who, now),
      )
    },
  )

  r.post(
    '/api/v1/warnings/:zoneId/drafts/:version/decline',
    {
      schema: {
        tags: ['warnings'],
        summary: 'Decline the pending draft of that version, with a reason',
        security: [{ bearer: [] }],
        params: z.object({ zoneId: idSchema, version: z.coerce.number().int().min(1) }),
        body: z.object({ reason: z.string() }),
        response: { 200: stepOut },
      },
    },
    async (req) => {
      const zone = zoneOf(deps, req.params.zoneId)
      const p = await actorFor(req, deps, 'duty-officer', zone, 'decline-refused')
      const who = warnPrincipal(p, deps.warnings.setup.zones)
      const { policy } = deps.warnings.setup
      return runStep(req, zone, (state, now) =>
        decline(policy, state, req.params.version, who, req.body.reason, now),
      )
    },
  )
}
