/**
 * Delivery over HTTP: the messages of a warning version with every attempt and
 * acknowledgment (duty officers of the zone); a manual resend; acknowledgment by API (the
 * recipient, or a duty officer on their behalf) and by link (`/ack/{token}`, from the message
 * itself: a page that asks for one click, so that a mail scanner opening links acknowledges
 * nothing).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { formatIssue } from '../../core/result.ts'
import type { OutboxMessage } from '../../notify/types.ts'
import { CHANNELS } from '../../notify/types.ts'
import { readAckToken } from '../../notify/ack.ts'
import type { AlertId } from '../../warn/types.ts'
import { authorize, ROLES, type Principal } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { coversArea } from '../warnings.ts'
import { idSchema, iso } from './schemas.ts'

const messageOut = z.object({
  id: z.string(),
  idempotencyKey: z.string(),
  warningId: z.string(),
  version: z.number().int(),
  subscriptionId: z.string(),
  recipient: z.string(),
  contactIndex: z.number().int(),
  channel: z.enum(CHANNELS),
  address: z.string(),
  language: z.string(),
  format: z.enum(['plain', 'cap']),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  resends: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  acknowledged: z.object({ at: z.string(), via: z.enum(['link', 'api']) }).nullable(),
  log: z.array(
    z.object({
      attempt: z.number().int(),
      resend: z.number().int(),
      at: z.string(),
      outcome: z.string(),
      providerId: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
})

const ackOut = z.object({
  messageId: z.string(),
  warningId: z.string(),
  version: z.number().int(),
  recipient: z.string(),
  at: z.string(),
  via: z.enum(['link', 'api']),
})

/** The message of the path and the zone of its warning, or 404. */
async function messageOf(deps: AppDeps, id: string): Promise<{ m: OutboxMessage; zone: string }> {
  const m = await deps.outbox.find(id)
  if (m === undefined) throw new ApiError(404, 'not_found', `no message ${id}`)
  const alert = await deps.capAlerts.find(`${m.alertId}.${m.alertVersion}` as AlertId)
  return { m, zone: alert?.zoneId ?? '' }
}

/** The principal with at least `role`, covering `zone`; else 401/403. */
function coveringZone(
  req: FastifyRequest,
  deps: AppDeps,
  role: 'duty-officer',
  zone: string,
): Principal {
  const p = authorize(req, deps.grants, role)
  if (!coversArea(p, zone, deps.warnings.setup.zones))
    throw new ApiError(403, 'forbidden', `${p.user} has no rights in zone ${zone}`)
  return p
}

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>${title}</title></head><body style="font-family:sans-serif;max-width:36em;margin:2em auto">` +
  `<h1>${title}</h1>${body}</body></html>`

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function registerDeliveries(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const sec = [{ bearer: [] }]

  r.get(
    '/api/v1/deliveries',
    {
      schema: {
        tags: ['delivery'],
        summary:
          'Messages of one warning version: status, every attempt and the acknowledgment (duty officers of the zone)',
        security: sec,
        querystring: z.object({
          warningId: z.string().min(1),
          version: z.coerce.number().int().min(1),
        }),
        response: { 200: z.array(messageOut) },
      },
    },
    async (req) => {
      const { warningId, version } = req.query
      authorize(req, deps.grants, 'duty-officer')
      const alert = await deps.capAlerts.find(`${warningId}.${version}` as AlertId)
      if (alert === undefined)
        throw new ApiError(404, 'not_found', `no published warning ${warningId} version ${version}`)
      coveringZone(req, deps, 'duty-officer', alert.zoneId)
      const [messages, acks] = await Promise.all([
        deps.outbox.forAlert(warningId, version),
        deps.acknowledgments.forAlert(warningId, version),
      ])
      const out: z.infer<typeof messageOut>[] = []
      for (const m of messages) {
        const ack = acks.find((a) => a.recipient === m.recipient)
        out.push({
          id: m.id,
          idempotencyKey: m.idempotencyKey,
          warningId: m.alertId,
          version: m.alertVersion,
          subscriptionId: m.subscriptionId,
          recipient: m.recipient,
          contactIndex: m.contactIndex,
          channel: m.channel,
          address: m.address,
          language: m.language,
          format: m.format,
          status: m.status,
          attempts: m.attempts,
          resends: m.resends,
          nextAttemptAt: m.status === 'pending' ? iso(m.nextAttemptAt) : null,
          deliveredAt: iso(m.deliveredAt),
          escalatedAt: iso(m.escalatedAt),
          lastError: m.lastError,
          acknowledged: ack === undefined ? null : { at: iso(ack.at)!, via: ack.via },
          log: (await deps.deliveryLog.forMessage(m.id)).map((l) => ({
            attempt: l.attempt,
            resend: l.resend,
            at: iso(l.at)!,
            outcome: l.outcome,
            providerId: l.providerId,
            reason: l.reason,
          })),
        })
      }
      return out
    },
  )

  r.post(
    '/api/v1/deliveries/:id/resend',
    {
      schema: {
        tags: ['delivery'],
        summary: 'Send a message again, with the same idempotency key (duty officers of the zone)',
        security: sec,
        params: z.object({ id: idSchema }),
        response: {
          202: z.object({ id: z.string(), resends: z.number().int(), status: z.string() }),
        },
      },
    },
    async (req, reply) => {
      authorize(req, deps.grants, 'duty-officer')
      const { zone } = await messageOf(deps, req.params.id)
      coveringZone(req, deps, 'duty-officer', zone)
      const r = await deps.delivery.worker.resend(req.params.id)
      if (!r.ok) throw new ApiError(409, 'conflict', r.issues.map(formatIssue).join('; '), r.issues)
      deps.delivery.wake()
      return reply
        .status(202)
        .send({ id: r.value.id, resends: r.value.resends, status: r.value.status })
    },
  )

  r.post(
    '/api/v1/deliveries/:id/ack',
    {
      schema: {
        tags: ['delivery'],
        summary:
          'Acknowledge a warning received in this message (its recipient, or a duty officer)',
        security: sec,
        params: z.object({ id: idSchema }),
        response: { 200: ackOut },
      },
    },
    async (req) => {
      const p = authorize(req, deps.grants, 'observer')
      const { m, zone } = await messageOf(deps, req.params.id)
      if (p.user !== m.recipient && ROLES.indexOf(p.role) < ROLES.indexOf('duty-officer'))
        throw new ApiError(403, 'forbidden', `${p.user} is not the recipient of ${m.id}`)
      if (p.user !== m.recipient) coveringZone(req, deps, 'duty-officer', zone)
      const a = await deps.delivery.worker.acknowledge(m.id)
      if (!a.ok) throw new ApiError(404, 'not_found', a.issues.map(formatIssue).join('; '))
      return {
        ...a.value,
        warningId: a.value.alertId,
        version: a.value.alertVersion,
        at: iso(a.value.at)!,
      }
    },
  )

  // The acknowledgment page's form posts an empty urlencoded body.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_req, body, done) => done(null, body),
  )
  const tokenParams = z.object({ token: z.string().min(3).max(300) })
  const invalid = (reply: FastifyReply): FastifyReply =>
    reply
      .status(404)
      .type('text/html; charset=utf-8')
      .send(
        page(
          'Link not valid',
          '<p>This acknowledgment link is not valid. Check that it was copied whole.</p>',
        ),
      )

  r.get(
    '/ack/:token',
    {
      schema: {
        tags: ['delivery'],
        summary:
          'The page of an acknowledgment link: shows the warning and a button to acknowledge it',
        params: tokenParams,
      },
    },
    async (req, reply) => {
      const id = readAckToken(req.params.token, deps.delivery.signer)
      const m = id === undefined ? undefined : await deps.outbox.find(id)
      if (m === undefined) return invalid(reply)
      const alert = await deps.capAlerts.find(`${m.alertId}.${m.alertVersion}` as AlertId)
      const what = escapeHtml(
        alert === undefined ? m.alertId : `${alert.alertId} (${alert.msgType})`,
      )
      return reply
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Acknowledge warning',
            `<p>Warning ${what} sent to ${escapeHtml(m.recipient)}.</p>` +
              `<form method="post"><button type="submit">I have received this warning</button></form>`,
          ),
        )
    },
  )

  r.post(
    '/ack/:token',
    {
      schema: {
        tags: ['delivery'],
        summary: 'Acknowledge by link (the form of the page above, or a client that POSTs it)',
        params: tokenParams,
      },
    },
    async (req, reply) => {
      const a = await deps.delivery.worker.acknowledgeByToken(req.params.token)
      if (!a.ok) return invalid(reply)
      if ((req.headers.accept ?? '').includes('application/json'))
        return reply.send({
          messageId: a.value.messageId,
          warningId: a.value.alertId,
          version: a.value.alertVersion,
          recipient: a.value.recipient,
          at: iso(a.value.at),
          via: a.value.via,
        })
      return reply
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Acknowledged',
            `<p>Thank you: warning ${escapeHtml(a.value.alertId)} version ${a.value.alertVersion} is acknowledged.</p>`,
          ),
        )
    },
  )
}
