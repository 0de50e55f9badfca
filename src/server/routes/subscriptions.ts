/**
 * Subscriptions over HTTP (admins): who receives which warnings — zones, lowest level,
 * languages — through which contacts, in escalation order. A webhook contact carries the
 * secret its bodies are signed with; it is written, never read back (`secretSet` tells whether
 * one is stored), and kept when a change to the subscription leaves it out.
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Contact, Subscription } from '../../notify/types.ts'
import { CHANNELS } from '../../notify/types.ts'
import { authorize } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { idSchema } from './schemas.ts'

const contactIn = z
  .object({
    channel: z.enum(CHANNELS),
    address: z.string().min(1),
    language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 tag such as en or ko'),
    format: z.enum(['plain', 'cap']).default('plain'),
    secret: z.string().min(16, 'at least 16 characters').optional(),
  })
  .superRefine((c, ctx) => {
    const bad = (message: string): void => {
      ctx.addIssue({ code: 'custom', path: ['address'], message })
    }
    switch (c.channel) {
      case 'webhook': {
        let ok = false
        try {
          const u = new URL(c.address)
          ok = u.protocol === 'https:' || u.protocol === 'http:'
        } catch {
          ok = false
        }
        if (!ok) bad('a webhook address is an http(s) URL')
        break
      }
      case 'email':
        if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(c.address)) bad('not an e-mail address')
        break
      case 'sms':
        if (!/^\+[1-9]\d{6,14}$/.test(c.address)) bad('a phone number in E.164 form (+82…)')
        break
    }
    if (c.secret !== undefined && c.channel !== 'webhook')
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'only webhooks take a secret' })
  })

const subscriptionIn = z.object({
  recipient: z.string().min(1).max(200),
  contacts: z.array(contactIn).min(1, 'at least one contact'),
  areas: z.union([z.literal('*'), z.array(idSchema).min(1)]),
  minLevel: z
    .number()
    .int()
    .min(0)
    .describe('lowest level delivered, as a rank (0 = the lowest level)'),
  languages: z.array(z.string()).default([]),
})

const subscriptionOut = z.object({
  id: z.string(),
  recipient: z.string(),
  contacts: z.array(
    z.object({
      channel: z.enum(CHANNELS),
      address: z.string(),
      language: z.string(),
      format: z.enum(['plain', 'cap']),
      secretSet: z.boolean(),
    }),
  ),
  areas: z.union([z.literal('*'), z.array(z.string())]),
  minLevel: z.number().int(),
  languages: z.array(z.string()),
})

const view = (s: Subscription): z.infer<typeof subscriptionOut> => ({
  id: s.id,
  recipient: s.recipient,
  contacts: s.contacts.map((c) => ({
    channel: c.channel,
    address: c.address,
    language: c.language,
    format: c.format ?? 'plain',
    secretSet: c.secret !== undefined,
  })),
  areas: s.areas === '*' ? '*' : [...s.areas],
  minLevel: s.minLevel,
  languages: [...s.languages],
})

export function registerSubscriptions(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const sec = [{ bearer: [] }]

  r.get(
    '/api/v1/subscriptions',
    {
      schema: {
        tags: ['delivery'],
        summary: 'Every subscription (admins); secrets are never shown',
        security: sec,
        response: { 200: z.array(subscriptionOut) },
      },
    },
    async (req) => {
      authorize(req, deps.grants, 'admin')
      return (await deps.subscriptions.list()).map(view)
    },
  )

  r.put(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags: ['delivery'],
        summary: 'Create or replace a subscription (admins)',
        description:
          'Warnings for one of `areas` (zone ids, or "*") at `minLevel` or above go to the first contact; the next contacts are escalated to, in order, when no acknowledgment comes in time. A webhook needs a secret (16+ characters); leaving it out keeps the stored one of the same address.',
        security: sec,
        params: z.object({ id: idSchema }),
        body: subscriptionIn,
        response: { 200: subscriptionOut },
      },
    },
    async (req) => {
      authorize(req, deps.grants, 'admin')
      const id = req.params.id
      const previous = await deps.subscriptions.find(id)
      const unknown =
        req.body.areas === '*'
          ? []
          : req.body.areas.filter((a) => deps.warnings.findZone(a) === undefined)
      if (unknown.length > 0)
        throw new ApiError(
          422,
          'validation_failed',
          `areas: no warning zone ${unknown.join(', ')}`,
          unknown.map((a) => ({ path: ['areas'], message: `no warning zone ${a}` })),
        )
      const contacts: Contact[] = req.body.contacts.map((c, i) => {
        const kept =
          c.secret ??
          previous?.contacts.find((p) => p.channel === 'webhook' && p.address === c.address)?.secret
        if (c.channel === 'webhook' && kept === undefined)
          throw new ApiError(
            422,
            'validation_failed',
            `contacts.${i}.secret: a webhook needs a secret`,
            [{ path: ['contacts', i, 'secret'], message: 'a webhook needs a secret' }],
          )
        return {
          channel: c.channel,
          address: c.address,
          language: c.language,
          format: c.format,
          ...(c.channel === 'webhook' && kept !== undefined ? { secret: kept } : {}),
        }
      })
      const s: Subscription = {
        id,
        recipient: req.body.recipient,
        contacts,
        areas: req.body.areas,
        minLevel: req.body.minLevel,
        languages: req.body.languages,
      }
      await deps.subscriptions.upsert([s])
      await deps.delivery.subscriptionsChanged()
      return view(s)
    },
  )

  r.delete(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags: ['delivery'],
        summary: 'Remove a subscription (admins); messages already in the outbox are still sent',
        security: sec,
        params: z.object({ id: idSchema }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      authorize(req, deps.grants, 'admin')
      if (!(await deps.subscriptions.remove(req.params.id)))
        throw new ApiError(404, 'not_found', `no subscription ${req.params.id}`)
      await deps.delivery.subscriptionsChanged()
      return reply.status(204).send(null)
    },
  )
}
