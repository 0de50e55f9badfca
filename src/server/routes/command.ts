/**
 * Command over HTTP: posts, assignments, duty rosters, incidents, orders, situation reports and
 * the audit log.
 *
 * Every request needs a bearer token. Server admins manage the hierarchy, assignments and
 * rosters and read the audit log; everything else is decided from the assignments the token's
 * user holds at posts (src/command/permissions.ts): a role at a post acts on that post and the
 * posts below it; answering an order and filing a report are the post's own business; the
 * restricted data of a post (its reports, the state of orders at it) is readable from the post
 * and the posts above it only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { EpochMs } from '../../core/brand.ts'
import type { UserId } from '../../core/ids.ts'
import { formatIssue } from '../../core/result.ts'
import { ChainVerifier, type ChainEntry } from '../../command/audit-chain.ts'
import type { Hierarchy } from '../../command/hierarchy.ts'
import { ancestors, children, jurisdictionOf, levelCounts } from '../../command/hierarchy.ts'
import {
  INCIDENT_STATUSES,
  RESPONSE_LEVELS,
  type Incident,
  type IncidentEvent,
} from '../../command/incidents.ts'
import {
  RECIPIENT_STATUSES,
  orderSummary,
  type Order,
  type RecipientState,
  type StatusCounts,
} from '../../command/orders.ts'
import { authorize as mayDo, mayReadRestricted, onDuty } from '../../command/permissions.ts'
import { FIGURES, rollUp, type Sitrep } from '../../command/sitreps.ts'
import {
  POST_LEVELS,
  ROLES as COMMAND_ROLES,
  type Post,
  type PostId,
  type Principal as CommandPrincipal,
} from '../../command/types.ts'
import { authorize, type Principal } from '../auth.ts'
import { visiblePosts } from '../command-service.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { idSchema, isoTime, iso, locationOut, locationView, postSchema, toPost } from './schemas.ts'

const PREFIX = '/api/v1/command'
const TAGS = ['command']
const SECURITY = [{ bearer: [] }]

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms))
const time = z.iso.datetime({ offset: true }).describe('ISO 8601 time with an offset')
const epoch = (s: string): EpochMs => Date.parse(s) as EpochMs

const postOut = z.object({
  id: z.string(),
  name: z.string(),
  level: z.enum(POST_LEVELS),
  parents: z.array(z.string()),
  areas: z.array(z.string()),
  location: locationOut.describe('where the post is (WGS84 degrees), or null'),
})

const levelsOut = z.object({
  national: z.number().int(),
  basin: z.number().int(),
  province: z.number().int(),
  county: z.number().int(),
})

const assignmentSchema = z.object({
  user: z.string().min(1),
  post: idSchema,
  role: z.enum(COMMAND_ROLES),
})

const recipientsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct') }).describe('the direct subordinates'),
  z.object({ kind: z.literal('all-below') }).describe('every post below the issuer'),
  z.object({ kind: z.literal('selected'), posts: z.array(idSchema).min(1) }),
])

/** An order as `POST /api/v1/command/orders` takes it (and `freshet command orders issue --file`). */
export const orderBody = z.object({
  id: idSchema.optional().describe('chosen by the client (a retry with the same id gets 409)'),
  issuerPost: idSchema,
  title: z.string(),
  actions: z.array(z.string()).describe('required actions, in order'),
  recipients: recipientsSchema,
  ackDeadline: time.describe('each recipient acknowledges by then'),
  completionDeadline: time.describe('each recipient reports completion by then'),
})

const orderOut = z.object({
  id: z.string(),
  issuerPost: z.string(),
  issuedBy: z.string(),
  issuedAt: isoTime,
  title: z.string(),
  actions: z.array(z.string()),
  scope: z.enum(['direct', 'all-below', 'selected']),
  recipients: z.array(z.string()),
  ackDeadline: isoTime,
  completionDeadline: isoTime,
  references: z.string().nullable().describe('the order this one corrects'),
})

const recipientOut = z.object({
  post: z.string(),
  status: z.enum(RECIPIENT_STATUSES),
  version: z.number().int().describe('send it with the next answer'),
  answeredAt: isoTime.nullable(),
  acceptedAt: isoTime.nullable(),
  completedAt: isoTime.nullable(),
  unableReason: z.string().nullable(),
  report: z.string().nullable(),
  escalated: z.object({ ack: isoTime.nullable(), completion: isoTime.nullable() }),
})

const countsOut = z.object({
  total: z.number().int(),
  issued: z.number().int(),
  received: z.number().int(),
  accepted: z.number().int(),
  unable: z.number().int(),
  completed: z.number().int(),
  escalatedAck: z.number().int(),
  escalatedCompletion: z.number().int(),
})

const responseBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('received'), version: z.number().int().min(0) }),
  z.object({ kind: z.literal('accepted'), version: z.number().int().min(0) }),
  z.object({ kind: z.literal('unable'), version: z.number().int().min(0), reason: z.string() }),
  z.object({ kind: z.literal('completed'), version: z.number().int().min(0), report: z.string() }),
])

const incidentEventOut = z.object({
  kind: z.string(),
  at: isoTime,
  by: z.string(),
  summary: z.string(),
})

const incidentOut = z.object({
  id: z.string(),
  post: z.string(),
  title: z.string(),
  level: z.enum(RESPONSE_LEVELS).describe('IV (lowest) … I (highest)'),
  status: z.enum(INCIDENT_STATUSES),
  source: z.object({
    kind: z.enum(['warning', 'manual']),
    warningId: z.string().optional(),
    zoneId: z.string().optional(),
  }),
  openedAt: isoTime,
  closedAt: isoTime.nullable(),
  version: z.number().int(),
  log: z.array(incidentEventOut),
})

const changeBody = z.object({
  change: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('level'), to: z.enum(RESPONSE_LEVELS), reason: z.string() }),
    z.object({ kind: z.literal('status'), to: z.enum(['open', 'monitoring']) }),
    z.object({ kind: z.literal('note'), text: z.string() }),
    z.object({ kind: z.literal('close'), reason: z.string() }),
  ]),
  version: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('the version read; 409 when the incident changed since'),
})

const figuresSchema = z.object(
  Object.fromEntries(FIGURES.map((f) => [f, z.number()])) as Record<
    (typeof FIGURES)[number],
    z.ZodNumber
  >,
)

const needSchema = z.object({ item: z.string(), quantity: z.number(), unit: z.string() })

const sitrepBody = z.object({
  id: idSchema.optional(),
  post: idSchema,
  period: z.object({ from: time, to: time }),
  figures: figuresSchema,
  needs: z.array(needSchema).default([]),
})

const sitrepOut = z.object({
  id: z.string(),
  post: z.string(),
  at: isoTime,
  period: z.object({ from: isoTime, to: isoTime }),
  figures: figuresSchema,
  needs: z.array(needSchema),
  filedBy: z.string(),
})

const sourceOut = z.object({ sitrep: z.string(), post: z.string(), value: z.number() })
const aggregatedOut = z.object({ total: z.number(), sources: z.array(sourceOut) })

const entryOut = z.object({
  seq: z.number().int(),
  at: isoTime,
  actor: z.string(),
  kind: z.string(),
  subject: z.string(),
  payload: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
})

/** An order as the API serves it: times in ISO 8601. */
export function orderView(o: Order): z.infer<typeof orderOut> {
  return {
    ...o,
    issuedAt: iso(o.issuedAt),
    ackDeadline: iso(o.ackDeadline),
    completionDeadline: iso(o.completionDeadline),
    recipients: [...o.recipients],
    actions: [...o.actions],
  }
}

/** A recipient's record as the API serves it: times in ISO 8601. */
export function recipientView(r: RecipientState): z.infer<typeof recipientOut> {
  return {
    post: r.post,
    status: r.status,
    version: r.version,
    answeredAt: isoOrNull(r.answeredAt),
    acceptedAt: isoOrNull(r.acceptedAt),
    completedAt: isoOrNull(r.completedAt),
    unableReason: r.unableReason,
    report: r.report,
    escalated: {
      ack: isoOrNull(r.escalated.ack),
      completion: isoOrNull(r.escalated.completion),
    },
  }
}

function summaryOf(e: IncidentEvent): string {
  switch (e.kind) {
    case 'opened':
      return `opened at ${e.post}, level ${e.level}: ${e.title}`
    case 'level-changed':
      return `level ${e.from} → ${e.to}: ${e.reason}`
    case 'status-changed':
      return `${e.from} → ${e.to}`
    case 'note':
      return e.text
    case 'closed':
      return `closed: ${e.reason}`
  }
}

/** An incident as the API serves it: times in ISO 8601, each event of its log summarised. */
export function incidentView(i: Incident): z.infer<typeof incidentOut> {
  return {
    id: i.id,
    post: i.post,
    title: i.title,
    level: i.level,
    status: i.status,
    source:
      i.source.kind === 'warning'
        ? { kind: 'warning', warningId: i.source.warningId, zoneId: i.source.zoneId }
        : { kind: 'manual' },
    openedAt: iso(i.openedAt),
    closedAt: isoOrNull(i.closedAt),
    version: i.version,
    log: i.log.map((e) => ({ kind: e.kind, at: iso(e.at), by: e.by, summary: summaryOf(e) })),
  }
}

function sitrepView(s: Sitrep): z.infer<typeof sitrepOut> {
  return {
    ...s,
    at: iso(s.at),
    period: { from: iso(s.period.from), to: iso(s.period.to) },
    figures: { ...s.figures },
    needs: s.needs.map((n) => ({ ...n })),
  }
}

const countsView = (c: StatusCounts): z.infer<typeof countsOut> => ({ ...c })

export function registerCommand(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const service = deps.command

  /** The token's principal (401 without one) and its command principal. */
  const who = async (
    req: FastifyRequest,
  ): Promise<{ user: Principal; p: CommandPrincipal; h: Hierarchy }> => {
    const user = authorize(req, deps.grants, 'observer')
    const [p, h] = await Promise.all([service.principal(user.user), service.hierarchy()])
    return { user, p, h }
  }

  const postOf = (h: Hierarchy, id: string): PostId => {
    if (!h.posts.has(id as PostId)) throw new ApiError(404, 'not_found', `no post ${id}`)
    return id as PostId
  }

  /** 403 unless the principal may read the restricted data of one of `posts`. */
  const restricted = (
    h: Hierarchy,
    user: Principal,
    p: CommandPrincipal,
    posts: readonly PostId[],
    what: string,
  ): void => {
    if (user.role === 'admin' || posts.some((post) => mayReadRestricted(h, p, post))) return
    const why = mayDo(h, p, 'read-restricted', posts[0]!)
    throw new ApiError(
      403,
      'forbidden',
      `${p.id} may not read ${what}: ${why.ok ? '' : why.issues.map(formatIssue).join('; ')}`,
    )
  }

  // Posts, assignments, rosters.

  r.put(
    `${PREFIX}/posts`,
    {
      schema: {
        tags: TAGS,
        summary: 'Replace the hierarchy of command posts (admin)',
        description:
          'Every post with its superiors (`parents`, each of a higher level: national → basin → province → county), its areas and optionally its `location` (`{lat, lon}`, WGS84 degrees, both or neither). Checked as a whole: 422 with every problem and its path (duplicate or malformed id, unknown or repeated parent, a parent not above, a cycle, a latitude outside [−90, 90] or a longitude outside [−180, 180]); nothing is stored unless every post is right.',
        security: SECURITY,
        body: z.object({ posts: z.array(postSchema) }),
        response: { 200: z.object({ count: z.number().int(), levels: levelsOut }) },
      },
    },
    async (req) => {
      const user = authorize(req, deps.grants, 'admin')
      const posts: Post[] = req.body.posts.map(toPost)
      const h = await service.replacePosts(posts, user.user)
      return { count: h.posts.size, levels: levelCounts(h) }
    },
  )

  r.get(
    `${PREFIX}/posts`,
    {
      schema: {
        tags: TAGS,
        summary: 'Every post, superiors first, with the count per level',
        security: SECURITY,
        response: { 200: z.object({ posts: z.array(postOut), levels: levelsOut }) },
      },
    },
    async (req) => {
      const { h } = await who(req)
      return {
        posts: h.order.map((id) => {
          const p = h.posts.get(id)!
          return { ...p, parents: [...p.parents], areas: [...p.areas], location: locationView(p) }
        }),
        levels: levelCounts(h),
      }
    },
  )

  r.get(
    `${PREFIX}/posts/:postId`,
    {
      schema: {
        tags: TAGS,
        summary: 'One post: superiors, subordinates, jurisdiction, assignments, who is on duty now',
        security: SECURITY,
        params: z.object({ postId: idSchema }),
        response: {
          200: postOut.extend({
            children: z.array(z.string()),
            ancestors: z.array(z.string()),
            jurisdiction: z.array(z.string()),
            assignments: z.array(assignmentSchema),
            onDuty: z.array(z.string()),
          }),
        },
      },
    },
    async (req) => {
      const { h } = await who(req)
      const id = postOf(h, req.params.postId)
      const post = h.posts.get(id)!
      const now = deps.clock.now()
      const [assignments, roster] = await Promise.all([
        deps.store.posts.assignmentsAt(id),
        deps.store.posts.roster(id, now, (now + 1) as EpochMs),
      ])
      return {
        ...post,
        parents: [...post.parents],
        areas: [...post.areas],
        location: locationView(post),
        children: [...children(h, id)],
        ancestors: ancestors(h, id),
        jurisdiction: jurisdictionOf(h, id),
        assignments: [...assignments],
        onDuty: onDuty(roster, id, now),
      }
    },
  )

  r.put(
    `${PREFIX}/assignments`,
    {
      schema: {
        tags: TAGS,
        summary: 'Add and remove roles of people at posts (admin)',
        description:
          'Removals first, then additions, in one transaction; adding one that exists or removing one that does not changes nothing. 422 for an unknown post.',
        security: SECURITY,
        body: z.object({
          add: z.array(assignmentSchema).default([]),
          remove: z.array(assignmentSchema).default([]),
        }),
        response: { 200: z.object({ added: z.number().int(), removed: z.number().int() }) },
      },
    },
    async (req) => {
      const user = authorize(req, deps.grants, 'admin')
      const cast = (a: z.infer<typeof assignmentSchema>) => ({
        user: a.user as UserId,
        post: a.post as PostId,
        role: a.role,
      })
      await service.changeAssignments(req.body.add.map(cast), req.body.remove.map(cast), user.user)
      return { added: req.body.add.length, removed: req.body.remove.length }
    },
  )

  r.get(
    `${PREFIX}/me`,
    {
      schema: {
        tags: TAGS,
        summary: 'The roles the token’s user holds at posts',
        security: SECURITY,
        response: {
          200: z.object({ user: z.string(), assignments: z.array(assignmentSchema) }),
        },
      },
    },
    async (req) => {
      const { p } = await who(req)
      return { user: p.id, assignments: [...p.assignments] }
    },
  )

  const shiftOut = z.object({ user: z.string(), from: isoTime, to: isoTime })

  r.post(
    `${PREFIX}/posts/:postId/roster`,
    {
      schema: {
        tags: TAGS,
        summary: 'Add duty-roster shifts at a post (admin, or a commander at or above it)',
        security: SECURITY,
        params: z.object({ postId: idSchema }),
        body: z.object({
          shifts: z.array(z.object({ user: z.string().min(1), from: time, to: time })).min(1),
        }),
        response: { 201: z.object({ added: z.number().int() }) },
      },
    },
    async (req, reply) => {
      const user = authorize(req, deps.grants, 'observer')
      const h = await service.hierarchy()
      const post = postOf(h, req.params.postId)
      const shifts = req.body.shifts.map((s) => ({
        post,
        user: s.user as UserId,
        from: epoch(s.from),
        to: epoch(s.to),
      }))
      await service.addShifts(shifts, user.user, user.role === 'admin')
      return reply.status(201).send({ added: shifts.length })
    },
  )

  r.get(
    `${PREFIX}/posts/:postId/roster`,
    {
      schema: {
        tags: TAGS,
        summary:
          'Roster shifts at a post overlapping [from, to) (default the next 24 h) and who is on duty now',
        security: SECURITY,
        params: z.object({ postId: idSchema }),
        querystring: z.object({ from: time.optional(), to: time.optional() }),
        response: { 200: z.object({ shifts: z.array(shiftOut), onDuty: z.array(z.string()) }) },
      },
    },
    async (req) => {
      const { h } = await who(req)
      const post = postOf(h, req.params.postId)
      const now = deps.clock.now()
      const from = req.query.from === undefined ? now : epoch(req.query.from)
      const to = req.query.to === undefined ? ((from + 86_400_000) as EpochMs) : epoch(req.query.to)
      const shifts = await deps.store.posts.roster(
        post,
        Math.min(from, now) as EpochMs,
        Math.max(to, now + 1) as EpochMs,
      )
      return {
        shifts: shifts
          .filter((s) => s.from < to && s.to > from)
          .map((s) => ({ user: s.user, from: iso(s.from), to: iso(s.to) })),
        onDuty: onDuty(shifts, post, now),
      }
    },
  )

  // Incidents.

  r.get(
    `${PREFIX}/incidents`,
    {
      schema: {
        tags: TAGS,
        summary: 'Incidents not closed that you may see, newest first',
        description:
          'At the posts where you hold a role, below them and above them (admins: all); `post` narrows to one post.',
        security: SECURITY,
        querystring: z.object({ post: idSchema.optional() }),
        response: { 200: z.array(incidentOut) },
      },
    },
    async (req) => {
      const { user, p, h } = await who(req)
      let posts: PostId[] = user.role === 'admin' ? [...h.posts.keys()] : [...visiblePosts(h, p)]
      if (req.query.post !== undefined) posts = posts.filter((x) => x === req.query.post)
      const open = await deps.store.incidents.open(posts)
      return open.map(incidentView)
    },
  )

  r.get(
    `${PREFIX}/incidents/:incidentId`,
    {
      schema: {
        tags: TAGS,
        summary: 'One incident with its log',
        security: SECURITY,
        params: z.object({ incidentId: idSchema }),
        response: { 200: incidentOut },
      },
    },
    async (req) => {
      const { user, p, h } = await who(req)
      const i = await deps.store.incidents.find(req.params.incidentId as Incident['id'])
      if (i === undefined)
        throw new ApiError(404, 'not_found', `no incident ${req.params.incidentId}`)
      if (user.role !== 'admin' && !visiblePosts(h, p).has(i.post))
        throw new ApiError(403, 'forbidden', `${p.id} holds no role in the chain of ${i.post}`)
      return incidentView(i)
    },
  )

  r.post(
    `${PREFIX}/incidents`,
    {
      schema: {
        tags: TAGS,
        summary: 'Open an incident by hand (commander or duty officer at or above the post)',
        security: SECURITY,
        body: z.object({
          id: idSchema.optional(),
          post: idSchema,
          title: z.string(),
          level: z.enum(RESPONSE_LEVELS),
        }),
        response: { 201: incidentOut },
      },
    },
    async (req, reply) => {
      const { p } = await who(req)
      const { id, post, title, level } = req.body
      const i = await service.openIncident(p, {
        ...(id === undefined ? {} : { id }),
        post: post as PostId,
        title,
        level,
      })
      return reply.status(201).send(incidentView(i))
    },
  )

  r.post(
    `${PREFIX}/incidents/:incidentId/changes`,
    {
      schema: {
        tags: TAGS,
        summary: 'Change an incident: its level, its status, a note, or close it',
        security: SECURITY,
        params: z.object({ incidentId: idSchema }),
        body: changeBody,
        response: { 200: incidentOut },
      },
    },
    async (req) => {
      const { p } = await who(req)
      const i = await service.changeIncident(
        p,
        req.params.incidentId,
        req.body.change,
        req.body.version,
      )
      return incidentView(i)
    },
  )

  // Orders.

  const toInput = (b: z.infer<typeof orderBody>) => ({
    ...(b.id === undefined ? {} : { id: b.id }),
    issuerPost: b.issuerPost,
    title: b.title,
    actions: b.actions,
    recipients: b.recipients,
    ackDeadline: epoch(b.ackDeadline),
    completionDeadline: epoch(b.completionDeadline),
  })

  r.post(
    `${PREFIX}/orders`,
    {
      schema: {
        tags: TAGS,
        summary: 'Issue an order from a post to posts below it',
        description:
          'Commanders and duty officers at the issuer post or above it. 403 when you may not order from the issuer post, listing each selected recipient not below it; 422 with every problem of the order; 409 when an order of that id exists. An issued order never changes.',
        security: SECURITY,
        body: orderBody,
        response: { 201: orderOut },
      },
    },
    async (req, reply) => {
      const { p } = await who(req)
      const issued = await service.issueOrder(p, toInput(req.body))
      return reply.status(201).send(orderView(issued.order))
    },
  )

  r.post(
    `${PREFIX}/orders/:orderId/corrections`,
    {
      schema: {
        tags: TAGS,
        summary: 'Correct an order: a new order from the same post that references it',
        description:
          'The corrected order is superseded (no more escalations; its answers stay visible). 409 when it was already corrected.',
        security: SECURITY,
        params: z.object({ orderId: idSchema }),
        body: orderBody,
        response: { 201: orderOut },
      },
    },
    async (req, reply) => {
      const { p } = await who(req)
      const issued = await service.correctOrder(p, req.params.orderId, toInput(req.body))
      return reply.status(201).send(orderView(issued.order))
    },
  )

  r.get(
    `${PREFIX}/orders/:orderId`,
    {
      schema: {
        tags: TAGS,
        summary: "The issuer's view: the state of the order at every post",
        description:
          'From the issuer post or above. Counts over all recipients and per level; `nodes=true` adds the tree below the issuer with counts per subtree; `posts=true` adds each recipient record (filter with `status`).',
        security: SECURITY,
        params: z.object({ orderId: idSchema }),
        querystring: z.object({
          nodes: z.stringbool().default(false),
          posts: z.stringbool().default(false),
          status: z.enum(RECIPIENT_STATUSES).optional(),
        }),
        response: {
          200: z.object({
            order: orderOut,
            supersededBy: z.string().nullable(),
            total: countsOut,
            byLevel: z.object({
              national: countsOut,
              basin: countsOut,
              province: countsOut,
              county: countsOut,
            }),
            nodes: z
              .array(
                z.object({
                  post: z.string(),
                  level: z.enum(POST_LEVELS),
                  status: z.enum(RECIPIENT_STATUSES).nullable(),
                  subtree: countsOut,
                  children: z.array(z.string()),
                }),
              )
              .optional(),
            posts: z.array(recipientOut).optional(),
          }),
        },
      },
    },
    async (req) => {
      const { user, p, h } = await who(req)
      const o = await service.order(req.params.orderId)
      restricted(h, user, p, [o.issuerPost], `the state of order ${o.id}`)
      const s = (await deps.store.orders.find(o.id))!
      const summary = orderSummary(h, s)
      const { status } = req.query
      return {
        order: orderView(o),
        supersededBy: s.supersededBy,
        total: countsView(summary.total),
        byLevel: {
          national: countsView(summary.byLevel.national),
          basin: countsView(summary.byLevel.basin),
          province: countsView(summary.byLevel.province),
          county: countsView(summary.byLevel.county),
        },
        ...(req.query.nodes
          ? {
              nodes: [...summary.nodes.values()].map((n) => ({
                ...n,
                subtree: countsView(n.subtree),
                children: [...n.children],
              })),
            }
          : {}),
        ...(req.query.posts
          ? {
              posts: [...s.recipients.values()]
                .filter((x) => status === undefined || x.status === status)
                .map(recipientView),
            }
          : {}),
      }
    },
  )

  r.get(
    `${PREFIX}/orders/:orderId/escalations`,
    {
      schema: {
        tags: TAGS,
        summary:
          'Every escalation of an order: the silent post, the deadline it missed, the superiors told',
        security: SECURITY,
        params: z.object({ orderId: idSchema }),
        querystring: z.object({
          superior: idSchema.optional().describe('only escalations told to this post'),
        }),
        response: {
          200: z.array(
            z.object({
              post: z.string(),
              deadline: z.enum(['ack', 'completion']),
              at: isoTime,
              superiorsNotified: z.array(z.string()),
            }),
          ),
        },
      },
    },
    async (req) => {
      const { user, p, h } = await who(req)
      const o = await service.order(req.params.orderId)
      const sup = req.query.superior
      const readable: PostId[] = [o.issuerPost, ...(sup === undefined ? [] : [sup as PostId])]
      restricted(
        h,
        user,
        p,
        readable.filter((x) => h.posts.has(x)),
        `the escalations of ${o.id}`,
      )
      const all = await deps.store.orders.events(o.id)
      return all.flatMap((e) =>
        e.kind === 'escalated' && (sup === undefined || e.superiorsNotified.includes(sup as PostId))
          ? [
              {
                post: e.post,
                deadline: e.deadline,
                at: iso(e.at),
                superiorsNotified: [...e.superiorsNotified],
              },
            ]
          : [],
      )
    },
  )

  r.get(
    `${PREFIX}/orders/:orderId/posts/:postId`,
    {
      schema: {
        tags: TAGS,
        summary: "A recipient's record (read its version before answering)",
        security: SECURITY,
        params: z.object({ orderId: idSchema, postId: idSchema }),
        response: { 200: recipientOut },
      },
    },
    async (req) => {
      const { user, p, h } = await who(req)
      const o = await service.order(req.params.orderId)
      const post = postOf(h, req.params.postId)
      restricted(h, user, p, [post, o.issuerPost], `the record of ${post}`)
      const rec = await deps.store.orders.findRecipient(o.id, post)
      if (rec === undefined)
        throw new ApiError(404, 'not_found', `${post} is not a recipient of order ${o.id}`)
      return recipientView(rec)
    },
  )

  r.post(
    `${PREFIX}/orders/:orderId/posts/:postId/responses`,
    {
      schema: {
        tags: TAGS,
        summary:
          "A recipient's answer: received, accepted, unable (with a reason) or completed (with a report)",
        description:
          'By a commander or duty officer at the post itself, with the version of the record read. 409 when the record moved on since (read it again and decide again); 422 when the answer does not follow (already acknowledged, completion before acceptance, anything after unable).',
        security: SECURITY,
        params: z.object({ orderId: idSchema, postId: idSchema }),
        body: responseBody,
        response: { 200: recipientOut },
      },
    },
    async (req) => {
      const { p } = await who(req)
      const { version, ...response } = req.body
      const rec = await service.respond(p, req.params.orderId, req.params.postId, response, version)
      return recipientView(rec)
    },
  )

  r.get(
    `${PREFIX}/posts/:postId/orders`,
    {
      schema: {
        tags: TAGS,
        summary: 'Orders issued by a post, or addressed to it, newest first',
        security: SECURITY,
        params: z.object({ postId: idSchema }),
        querystring: z.object({
          direction: z.enum(['issued', 'addressed']).default('addressed'),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.array(orderOut) },
      },
    },
    async (req) => {
      const { user, p, h } = await who(req)
      const post = postOf(h, req.params.postId)
      restricted(h, user, p, [post], `the orders of ${post}`)
      const list =
        req.query.direction === 'issued'
          ? await deps.store.orders.issuedBy(post, req.query.limit)
          : await deps.store.orders.addressedTo(post, req.query.limit)
      return list.map(orderView)
    },
  )

  // Situation reports.

  r.post(
    `${PREFIX}/sitreps`,
    {
      schema: {
        tags: TAGS,
        summary: 'File a situation report of a post (by a commander or duty officer there)',
        description:
          'Figures are counts of what the post itself observes (the roll-up adds those of the posts below). 422 with every problem and its path.',
        security: SECURITY,
        body: sitrepBody,
        response: { 201: sitrepOut },
      },
    },
    async (req, reply) => {
      const { p } = await who(req)
      const b = req.body
      const s = await service.fileSitrep(p, {
        ...(b.id === undefined ? {} : { id: b.id }),
        post: b.post as PostId,
        period: { from: epoch(b.period.from), to: epoch(b.period.to) },
        figures: b.figures,
        needs: b.needs,
      })
      return reply.status(201).send(sitrepView(s))
    },
  )

  r.get(
    `${PREFIX}/posts/:postId/sitreps`,
    {
      schema: {
        tags: TAGS,
        summary: "A post's own reports, newest first (restricted: the post and the posts above it)",
        security: SECURITY,
        params: z.object({ postId: idSchema }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.array(sitrepOut) },
      },
    },
    async (req) => {
      const { user, p, h } = await who(req)
      const post = postOf(h, req.params.postId)
      restricted(h, user, p, [post], `the reports of ${post}`)
      return (await deps.store.sitreps.byPost(post, req.query.limit)).map(sitrepView)
    },
  )

  r.get(
    `${PREFIX}/posts/:postId/rollup`,
    {
      schema: {
        tags: TAGS,
        summary: 'The situation at a post and below it, each figure with its source reports',
        description:
          'Sums the latest report (at or before `at`, default now) of each distinct post at or below it, so a post under two superiors counts once. Restricted: the post and the posts above it.',
        security: SECURITY,
        params: z.object({ postId: idSchema }),
        querystring: z.object({ at: time.optional() }),
        response: {
          200: z.object({
            post: z.string(),
            at: isoTime,
            figures: z.object(
              Object.fromEntries(FIGURES.map((f) => [f, aggregatedOut])) as Record<
                (typeof FIGURES)[number],
                typeof aggregatedOut
              >,
            ),
            needs: z.array(
              z.object({
                item: z.string(),
                unit: z.string(),
                quantity: z.number(),
                sources: z.array(sourceOut),
              }),
            ),
            reports: z.array(z.string()),
            silent: z.array(z.string()).describe('posts in the subtree with no report yet'),
          }),
        },
      },
    },
    async (req) => {
      const { user, p, h } = await who(req)
      const post = postOf(h, req.params.postId)
      restricted(h, user, p, [post], `the situation of ${post}`)
      const at = req.query.at === undefined ? deps.clock.now() : epoch(req.query.at)
      const agg = rollUp(h, await deps.store.sitreps.latestPerPost(at), at).get(post)!
      const figures = Object.fromEntries(
        FIGURES.map((f) => [
          f,
          {
            total: agg.figures[f].total,
            sources: agg.figures[f].sources.map((c) => ({ ...c }) as z.infer<typeof sourceOut>),
          },
        ]),
      ) as unknown as Record<(typeof FIGURES)[number], z.infer<typeof aggregatedOut>>
      return {
        post,
        at: iso(at),
        figures,
        needs: agg.needs.map((n) => ({ ...n, sources: n.sources.map((c) => ({ ...c })) })),
        reports: [...agg.reports],
        silent: [...agg.silent],
      }
    },
  )

  // The audit log.

  r.get(
    `${PREFIX}/audit`,
    {
      schema: {
        tags: TAGS,
        summary: 'The hash-chained command audit log, a page at a time (admin)',
        security: SECURITY,
        querystring: z.object({
          after: z.coerce.number().int().min(0).default(0).describe('the last seq already read'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({ entries: z.array(entryOut), next: z.number().int().nullable() }),
        },
      },
    },
    async (req) => {
      authorize(req, deps.grants, 'admin')
      const page = await deps.store.commandAudit.page(req.query.after, req.query.limit)
      return {
        entries: page.map((e: ChainEntry) => ({
          seq: e.seq,
          at: iso(e.at),
          actor: e.actor,
          kind: e.kind,
          subject: e.subject,
          payload: JSON.parse(e.payloadJson) as unknown,
          prevHash: e.prevHash,
          hash: e.hash,
        })),
        next: page.length === req.query.limit ? page.at(-1)!.seq : null,
      }
    },
  )

  r.get(
    `${PREFIX}/audit/verify`,
    {
      schema: {
        tags: TAGS,
        summary: 'Verify the whole audit chain (admin): the first broken entry, or ok',
        security: SECURITY,
        response: {
          200: z.object({
            ok: z.boolean(),
            count: z.number().int(),
            lastSeq: z.number().int().optional(),
            lastHash: z.string().optional(),
            firstBroken: z.number().int().optional(),
            message: z.string().optional(),
          }),
        },
      },
    },
    async (req) => {
      authorize(req, deps.grants, 'admin')
      const v = new ChainVerifier()
      for (let after = 0; ;) {
        const page = await deps.store.commandAudit.page(after, 1000)
        if (page.length === 0 || !v.push(page)) break
        after = page.at(-1)!.seq
      }
      const result = v.result()
      return result.ok
        ? result
        : {
            ok: false,
            count: result.count,
            firstBroken: result.firstBroken,
            message: result.message,
          }
    },
  )
}
