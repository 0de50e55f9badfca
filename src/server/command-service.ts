/**
 * The server's command service: posts and who holds which role where, incidents opened from
 * warnings, orders down the chain with acknowledgment and escalation of the silent, situation
 * reports rolling up, every event appended to the hash-chained audit log.
 *
 * Every write stores the domain event and its audit entries in one transaction, so the audit
 * chain holds exactly what was stored. Records that several people answer (an order's
 * recipients, incidents) are written with the version the writer read; a writer that lost the
 * race gets a {@link ApiError} 409 and reads again.
 *
 * Orders also go out through the delivery channels: issuing an order, and escalating a post
 * silent past a deadline, write the messages for the subscriptions of the posts concerned
 * (`post:<id>`; src/notify/order-messages.ts) to the outbox in the same transaction, then wake
 * the delivery loop.
 *
 * The hierarchy is read from the store once and kept until it is replaced through this service:
 * one server per database (as for the delivery loop).
 */
import { createHash, randomUUID } from 'node:crypto'
import type { EpochMs } from '../core/brand.ts'
import type { Clock } from '../core/clock.ts'
import type { UserId } from '../core/ids.ts'
import { formatIssue, type Issue } from '../core/result.ts'
import type { AuditInput } from '../command/audit-chain.ts'
import { canonicalJson } from '../command/audit-chain.ts'
import { incidentAuditInput, orderAuditInput, sitrepAuditInput } from '../command/audit-inputs.ts'
import type { Hierarchy } from '../command/hierarchy.ts'
import { ancestors, buildHierarchy, descendants, levelCounts } from '../command/hierarchy.ts'
import {
  changeIncident,
  type Incident,
  type IncidentChange,
  type IncidentEvent,
  type IncidentRequest,
  incidentsForWarning,
  openIncident,
} from '../command/incidents.ts'
import {
  applyResponse,
  correctOrder,
  dueEscalations,
  issueOrder,
  type IssuedOrder,
  type Order,
  type OrderRequest,
  type RecipientEvent,
  type RecipientState,
  type Response,
} from '../command/orders.ts'
import { authorize, mayIssueOrderTo } from '../command/permissions.ts'
import { ConflictError } from '../command/ports.ts'
import { type Sitrep, validateSitrep } from '../command/sitreps.ts'
import type {
  Assignment,
  IncidentId,
  OrderId,
  Post,
  PostId,
  Principal,
  RosterEntry,
} from '../command/types.ts'
import {
  escalationMessages,
  issuedOrderMessages,
  subscriptionsByPost,
} from '../notify/order-messages.ts'
import type { Repositories, Store } from '../store/index.ts'
import { DEFAULT_LEVELS } from '../warn/defaults.ts'
import type { CapAlertRecord } from '../warn/ports.ts'
import { ApiError } from './errors.ts'
import type { EventHub } from './events.ts'

/** The account automatic steps (incidents from warnings, escalations) are recorded under. */
export const COMMAND_SYSTEM = 'system:command' as UserId

export interface CommandServiceDeps {
  readonly store: Store
  /** The time orders and deadlines are kept in (the replay's time in demo mode). */
  readonly clock: Clock
  readonly events: EventHub
  readonly log: (msg: string) => void
  /** How often the escalation worker looks for silent posts (ms); default 30 s. */
  readonly escalationIntervalMs?: number
  /** The lowest warning rank that opens incidents (0 = lowest level); default 1 (`warning`). */
  readonly incidentMinRank?: number
  /** Warning level names by rank, for incident titles; default the default levels. */
  readonly levelNames?: readonly string[]
  /**
   * Called after order messages were added to the outbox (an order issued to posts with
   * subscriptions, or escalated): runs the delivery loop now. Without it they wait for its
   * next poll.
   */
  readonly wake?: () => void
}

/** What one pass of the escalation worker did. */
export interface EscalationPass {
  /** Orders looked at. */
  readonly orders: number
  /** Escalation events stored. */
  readonly escalated: readonly RecipientEvent[]
  /** Escalations not stored because a post answered at the same time (retried next pass). */
  readonly conflicts: number
}

/** An order issued (or corrected) by a person. */
export interface OrderInput {
  readonly id?: string
  readonly issuerPost: string
  readonly title: string
  readonly actions: readonly string[]
  readonly recipients:
    | { readonly kind: 'direct' }
    | { readonly kind: 'all-below' }
    | { readonly kind: 'selected'; readonly posts: readonly string[] }
  /** Epoch ms. */
  readonly ackDeadline: number
  /** Epoch ms. */
  readonly completionDeadline: number
}

export interface CommandService {
  /** Called after warnings were published (opens the incidents they call for). */
  warningsPublished(alerts: readonly CapAlertRecord[]): Promise<void>
  /** Resolves when no incidents from warnings are being opened. */
  idle(): Promise<void>
  /** One pass of the escalation worker, now. */
  escalateNow(): Promise<EscalationPass>
  /** The hierarchy as stored (empty when no posts were ever stored). */
  hierarchy(): Promise<Hierarchy>
  /** The command principal of a user: every assignment they hold. */
  principal(user: string): Promise<Principal>
  /** Replaces the hierarchy (422 with every problem and its path). */
  replacePosts(posts: readonly Post[], by: string): Promise<Hierarchy>
  /** Adds and removes assignments (422 for an unknown post). */
  changeAssignments(
    add: readonly Assignment[],
    remove: readonly Assignment[],
    by: string,
  ): Promise<void>
  /** Adds roster shifts at a post (403 unless admin or allowed to manage its roster). */
  addShifts(shifts: readonly RosterEntry[], by: string, isAdmin: boolean): Promise<void>
  /** Issues an order (403 listing the recipients not covered, 422, 409 for a taken id). */
  issueOrder(p: Principal, input: OrderInput): Promise<IssuedOrder>
  /** Issues a correction of an order: a new order referencing it. */
  correctOrder(p: Principal, previous: string, input: OrderInput): Promise<IssuedOrder>
  /** A recipient's answer at the version the client read (409 when it moved on). */
  respond(
    p: Principal,
    orderId: string,
    post: string,
    response: Response,
    version: number,
  ): Promise<RecipientState>
  /** The immutable order (404 when unknown). */
  order(orderId: string): Promise<Order>
  /** Opens an incident by hand. */
  openIncident(
    p: Principal,
    request: Omit<IncidentRequest, 'id'> & { id?: string },
  ): Promise<Incident>
  /** Changes an incident at the version read (the current one when omitted). */
  changeIncident(
    p: Principal,
    incidentId: string,
    change: IncidentChange,
    version?: number,
  ): Promise<Incident>
  /** Files a situation report (422 with every problem and its path). */
  fileSitrep(
    p: Principal,
    report: Omit<Sitrep, 'id' | 'at' | 'filedBy'> & { id?: string },
  ): Promise<Sitrep>
  start(): Promise<void>
  stop(): Promise<void>
}

const refused = (status: 403 | 422, issues: readonly Issue[]): ApiError =>
  new ApiError(
    status,
    status === 403 ? 'forbidden' : 'validation_failed',
    issues.map(formatIssue).join('; '),
    issues,
  )

const conflict = (e: ConflictError): ApiError =>
  new ApiError(409, 'conflict', e.message, [
    { path: ['version'], message: `now at version ${e.actualVersion}` },
  ])

/** Builds the service (not started). */
export function createCommandService(deps: CommandServiceDeps): CommandService {
  const { store, clock, events } = deps
  const minRank = deps.incidentMinRank ?? 1
  const levelNames = deps.levelNames ?? DEFAULT_LEVELS.map((l) => l.name)
  const intervalMs = deps.escalationIntervalMs ?? 30_000

  let loaded: Promise<Hierarchy> | null = null
  const hierarchy = (): Promise<Hierarchy> => {
    loaded ??= store.posts.list().then((posts) => {
      const r = buildHierarchy(posts)
      if (!r.ok)
        throw new Error(`stored posts do not form a hierarchy: ${formatIssue(r.issues[0]!)}`)
      return r.value
    })
    loaded.catch(() => (loaded = null))
    return loaded
  }

  // Orders never change once issued: each is read from the store once.
  const orders = new Map<OrderId, Order>()
  const order = async (orderId: string): Promise<Order> => {
    const id = orderId as OrderId
    const cached = orders.get(id)
    if (cached !== undefined) return cached
    const s = await store.orders.find(id)
    if (s === undefined) throw new ApiError(404, 'not_found', `no order ${orderId}`)
    if (orders.size >= 1000) orders.clear()
    orders.set(id, s.order)
    return s.order
  }

  const postOrThrow = (h: Hierarchy, post: string): PostId => {
    if (!h.posts.has(post as PostId)) throw new ApiError(404, 'not_found', `no post ${post}`)
    return post as PostId
  }

  /** Writes `fn`'s domain changes and `audit` in one transaction. */
  const write = <T>(
    fn: (tx: Repositories) => Promise<T>,
    audit: (value: T) => readonly AuditInput[],
  ): Promise<T> =>
    store.transaction(async (tx) => {
      const value = await fn(tx)
      await tx.commandAudit.append(audit(value))
      return value
    })

  /** Records a refused step in the audit chain, then throws its error. */
  const refuse = async (
    p: Principal,
    action: string,
    subject: string,
    issues: readonly Issue[],
  ): Promise<never> => {
    await store.commandAudit.append([
      {
        at: clock.now(),
        actor: p.id,
        kind: 'command.refused',
        subject,
        payload: { action, why: issues.map(formatIssue) },
      },
    ])
    throw refused(403, issues)
  }

  const principal = async (user: string): Promise<Principal> => ({
    id: user as UserId,
    assignments: await store.posts.assignmentsOf(user as UserId),
  })

  const newId = (prefix: string): string => `${prefix}-${randomUUID()}`

  const toRequest = (input: OrderInput): OrderRequest => ({
    id: (input.id ?? newId('o')) as OrderId,
    issuerPost: input.issuerPost as PostId,
    title: input.title,
    actions: input.actions,
    recipients:
      input.recipients.kind === 'selected'
        ? { kind: 'selected', posts: input.recipients.posts as PostId[] }
        : input.recipients,
    ackDeadline: input.ackDeadline as EpochMs,
    completionDeadline: input.completionDeadline as EpochMs,
  })

  /** 403 when the principal may not order from the issuer post or a selected post is not below it. */
  const checkAuthority = async (h: Hierarchy, p: Principal, request: OrderRequest) => {
    if (!h.posts.has(request.issuerPost))
      throw refused(422, [{ path: ['issuerPost'], message: `unknown post ${request.issuerPost}` }])
    const auth = authorize(h, p, 'issue-order', request.issuerPost, ['issuerPost'])
    if (!auth.ok) await refuse(p, 'issue-order', request.id, auth.issues)
    if (request.recipients.kind !== 'selected') return
    const selected = request.recipients.posts
    const known = selected.filter((post) => h.posts.has(post))
    const notCovered = new Set(mayIssueOrderTo(h, p, request.issuerPost, known))
    if (notCovered.size > 0)
      await refuse(
        p,
        'issue-order',
        request.id,
        selected.flatMap((post, i) =>
          notCovered.has(post)
            ? [
                {
                  path: ['recipients', 'posts', i],
                  message: `${post} is not below ${request.issuerPost}: ${p.id} may not order it from there`,
                },
              ]
            : [],
        ),
      )
  }

  /** Runs the delivery loop when order messages were added to the outbox. */
  const enqueued = (n: number): void => {
    if (n > 0) deps.wake?.()
  }

  const storeIssued = async (issued: IssuedOrder): Promise<IssuedOrder> => {
    let messages = 0
    try {
      messages = await write(
        async (tx) => {
          let added = 0
          for (const e of issued.events)
            if (e.kind === 'issued') {
              await tx.orders.create(e)
              // Each addressed post with subscriptions is told, in the order's transaction.
              const subs = subscriptionsByPost(await tx.subscriptions.list())
              const rows = issuedOrderMessages(e.orderId, e.order.recipients, subs, e.at)
              added += (await tx.outbox.add(rows)).length
            } else if (e.kind === 'superseded') await tx.orders.supersede(e)
          return added
        },
        () => issued.events.map(orderAuditInput),
      )
    } catch (e) {
      if (e instanceof ConflictError) throw new ApiError(409, 'conflict', e.message)
      throw e
    }
    enqueued(messages)
    orders.set(issued.order.id, issued.order)
    for (const e of issued.events)
      events.publish({
        kind: 'order',
        orderId: e.orderId,
        event: e.kind,
        post: null,
        version: null,
      })
    return issued
  }

  // Incidents from warnings, one batch of alerts after the other.
  let incidentChain: Promise<void> = Promise.resolve()

  const incidentsFor = async (alert: CapAlertRecord): Promise<void> => {
    if (alert.msgType === 'Cancel' || alert.levelRank < minRank) return
    const h = await hierarchy()
    const notice = {
      warningId: alert.warningId,
      zoneId: alert.zoneId,
      levelRank: alert.levelRank,
      levelName: levelNames[alert.levelRank] ?? `level ${alert.levelRank}`,
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await store.incidents.byWarning(alert.warningId)
      const found = new Map(existing.map((i) => [i.id, i]))
      const todo = incidentsForWarning(
        h,
        notice,
        { minRank, by: COMMAND_SYSTEM, at: clock.now() },
        existing,
      )
      if (todo.length === 0) return
      const byIncident = new Map<IncidentId, IncidentEvent[]>()
      for (const e of todo) {
        const list = byIncident.get(e.incidentId)
        if (list === undefined) byIncident.set(e.incidentId, [e])
        else list.push(e)
      }
      try {
        await write(
          async (tx) => {
            for (const [id, list] of byIncident)
              await tx.incidents.append(id, found.get(id)?.version ?? 0, list)
          },
          () => todo.map(incidentAuditInput),
        )
      } catch (e) {
        // Another server or pass opened some of them first: read again and decide again.
        if (e instanceof ConflictError) continue
        throw e
      }
      for (const e of todo) publishIncident(e, found.get(e.incidentId)?.post)
      return
    }
    deps.log(`incidents for ${alert.warningId}: still conflicting after 5 attempts`)
  }

  const publishIncident = (e: IncidentEvent, post: PostId | undefined): void =>
    events.publish({
      kind: 'incident',
      incidentId: e.incidentId,
      event: e.kind,
      post: e.kind === 'opened' ? e.post : (post ?? null),
    })

  // The escalation worker.
  let timer: NodeJS.Timeout | undefined
  let escalating: Promise<EscalationPass> | null = null

  const escalationPass = async (): Promise<EscalationPass> => {
    const now = clock.now()
    const ids = await store.orders.withDueEscalations(now)
    if (ids.length === 0) return { orders: 0, escalated: [], conflicts: 0 }
    const h = await hierarchy()
    const subs = subscriptionsByPost(await store.subscriptions.list())
    const stored: RecipientEvent[] = []
    let conflicts = 0
    let messages = 0
    for (const id of ids) {
      const s = await store.orders.find(id)
      if (s === undefined) continue
      const due = dueEscalations(h, s, now, COMMAND_SYSTEM)
      // A recipient past both deadlines gets two events: the second at the next version.
      const versions = new Map<PostId, number>()
      for (let i = 0; i < due.length; i += 500) {
        const batch = due.slice(i, i + 500)
        const done = await write(
          async (tx) => {
            const ok: RecipientEvent[] = []
            for (const e of batch) {
              const v = versions.get(e.post) ?? s.recipients.get(e.post)!.version
              try {
                await tx.orders.appendRecipientEvent(id, e.post, v, e)
                versions.set(e.post, v + 1)
                ok.push(e)
              } catch (err) {
                // The post answered meanwhile; its savepoint was rolled back, the rest stands.
                if (!(err instanceof ConflictError)) throw err
                conflicts++
              }
            }
            // The silent post is reminded and its superiors told, with the escalation: keys
            // stable per order × post × deadline, so a pass run again adds nothing twice.
            const rows = ok.flatMap((e) =>
              e.kind === 'escalated' ? escalationMessages(e, subs, e.at) : [],
            )
            return { ok, added: (await tx.outbox.add(rows)).length }
          },
          ({ ok }) => ok.map(orderAuditInput),
        )
        stored.push(...done.ok)
        messages += done.added
      }
    }
    for (const e of stored)
      if (e.kind === 'escalated')
        events.publish({
          kind: 'order-escalated',
          orderId: e.orderId,
          post: e.post,
          deadline: e.deadline,
          superiorsNotified: [...e.superiorsNotified],
        })
    enqueued(messages)
    if (stored.length > 0)
      deps.log(
        `escalated ${stored.length} silent recipients of ${ids.length} orders (${messages} messages)`,
      )
    return { orders: ids.length, escalated: stored, conflicts }
  }

  const escalateNow = async (): Promise<EscalationPass> => {
    while (escalating !== null) await escalating.catch(() => {})
    const run = escalationPass()
    escalating = run
    try {
      return await run
    } finally {
      escalating = null
    }
  }

  return {
    warningsPublished(alerts) {
      const run = incidentChain.then(async () => {
        for (const a of alerts)
          await incidentsFor(a).catch((e: unknown) =>
            deps.log(`incidents for ${a.warningId}: ${String(e)}`),
          )
      })
      incidentChain = run
      return run
    },

    async idle() {
      let seen: Promise<void>
      do {
        seen = incidentChain
        await seen
      } while (seen !== incidentChain)
    },

    escalateNow,
    hierarchy,

    principal,

    async replacePosts(posts, by) {
      const r = buildHierarchy(posts)
      if (!r.ok) throw refused(422, r.issues)
      const h = r.value
      const digest = createHash('sha256').update(canonicalJson(posts)).digest('hex')
      await write(
        (tx) => tx.posts.replaceAll(posts),
        () => [
          {
            at: clock.now(),
            actor: by as UserId,
            kind: 'posts.replaced',
            subject: 'hierarchy',
            payload: { count: posts.length, levels: levelCounts(h), sha256: digest },
          },
        ],
      )
      loaded = Promise.resolve(h)
      return h
    },

    async changeAssignments(add, remove, by) {
      const h = await hierarchy()
      const issues: Issue[] = []
      for (const [list, name] of [
        [add, 'add'],
        [remove, 'remove'],
      ] as const)
        list.forEach((a, i) => {
          if (!h.posts.has(a.post))
            issues.push({ path: [name, i, 'post'], message: `unknown post ${a.post}` })
        })
      if (issues.length > 0) throw refused(422, issues)
      const at = clock.now()
      const entry = (kind: string, a: Assignment): AuditInput => ({
        at,
        actor: by as UserId,
        kind,
        subject: a.post,
        payload: { user: a.user, role: a.role },
      })
      await write(
        async (tx) => {
          for (const a of remove) await tx.posts.unassign(a)
          for (const a of add) await tx.posts.assign(a)
        },
        () => [
          ...remove.map((a) => entry('assignment.removed', a)),
          ...add.map((a) => entry('assignment.added', a)),
        ],
      )
    },

    async addShifts(shifts, by, isAdmin) {
      const h = await hierarchy()
      const p = await principal(by)
      const issues: Issue[] = []
      shifts.forEach((s, i) => {
        if (!h.posts.has(s.post))
          issues.push({ path: ['shifts', i, 'post'], message: `unknown post ${s.post}` })
        if (!(s.from < s.to))
          issues.push({ path: ['shifts', i, 'to'], message: 'must be after from' })
      })
      if (issues.length > 0) throw refused(422, issues)
      if (!isAdmin)
        for (const [i, s] of shifts.entries()) {
          const auth = authorize(h, p, 'manage-roster', s.post, ['shifts', i, 'post'])
          if (!auth.ok) await refuse(p, 'manage-roster', s.post, auth.issues)
        }
      const at = clock.now()
      await write(
        (tx) => tx.posts.addShifts(shifts),
        () =>
          shifts.map((s) => ({
            at,
            actor: by as UserId,
            kind: 'roster.shift-added',
            subject: s.post,
            payload: { user: s.user, from: s.from, to: s.to },
          })),
      )
    },

    async issueOrder(p, input) {
      const h = await hierarchy()
      const request = toRequest(input)
      await checkAuthority(h, p, request)
      const r = issueOrder(h, p, request, clock.now())
      if (!r.ok) throw refused(422, r.issues)
      return storeIssued(r.value)
    },

    async correctOrder(p, previousId, input) {
      const h = await hierarchy()
      const previous = await store.orders.find(previousId as OrderId)
      if (previous === undefined) throw new ApiError(404, 'not_found', `no order ${previousId}`)
      const request = toRequest(input)
      await checkAuthority(h, p, request)
      const r = correctOrder(h, p, previous, request, clock.now())
      if (!r.ok) {
        const done = r.issues.some((i) => i.path[0] === 'references')
        if (done)
          throw new ApiError(409, 'conflict', r.issues.map(formatIssue).join('; '), r.issues)
        throw refused(422, r.issues)
      }
      return storeIssued(r.value)
    },

    async respond(p, orderId, postId, response, version) {
      const h = await hierarchy()
      const post = postOrThrow(h, postId)
      const o = await order(orderId)
      const action = response.kind === 'completed' ? 'report-completion' : 'acknowledge-order'
      const auth = authorize(h, p, action, post)
      if (!auth.ok) await refuse(p, action, o.id, auth.issues)
      const rec = await store.orders.findRecipient(o.id, post)
      if (rec === undefined)
        throw new ApiError(404, 'not_found', `${post} is not a recipient of order ${o.id}`)
      if (rec.version !== version)
        throw conflict(new ConflictError(`order ${o.id}, recipient ${post}`, version, rec.version))
      const state = { order: o, recipients: new Map([[post, rec]]), supersededBy: null }
      const r = applyResponse(state, post, response, clock.now(), p.id)
      if (!r.ok) throw refused(422, r.issues)
      try {
        await write(
          (tx) => tx.orders.appendRecipientEvent(o.id, post, version, r.value.event),
          () => [orderAuditInput(r.value.event)],
        )
      } catch (e) {
        if (e instanceof ConflictError) throw conflict(e)
        throw e
      }
      events.publish({
        kind: 'order',
        orderId: o.id,
        event: r.value.event.kind,
        post,
        version: r.value.recipient.version,
      })
      return r.value.recipient
    },

    order,

    async openIncident(p, input) {
      const h = await hierarchy()
      const request: IncidentRequest = {
        ...input,
        id: (input.id ?? newId('i')) as IncidentId,
      }
      if (h.posts.has(request.post)) {
        const auth = authorize(h, p, 'open-incident', request.post)
        if (!auth.ok) await refuse(p, 'open-incident', request.id, auth.issues)
      }
      const r = openIncident(h, p, request, clock.now())
      if (!r.ok) throw refused(422, r.issues)
      const opened = r.value
      try {
        await write(
          (tx) => tx.incidents.append(request.id, 0, opened),
          () => opened.map(incidentAuditInput),
        )
      } catch (e) {
        if (e instanceof ConflictError)
          throw new ApiError(409, 'conflict', `an incident ${request.id} exists`)
        throw e
      }
      for (const e of opened) publishIncident(e, request.post)
      return (await store.incidents.find(request.id))!
    },

    async changeIncident(p, incidentId, change, version) {
      const h = await hierarchy()
      const incident = await store.incidents.find(incidentId as IncidentId)
      if (incident === undefined) throw new ApiError(404, 'not_found', `no incident ${incidentId}`)
      const expected = version ?? incident.version
      if (expected !== incident.version)
        throw conflict(new ConflictError(`incident ${incidentId}`, expected, incident.version))
      if (!h.posts.has(incident.post))
        throw new ApiError(409, 'conflict', `the post of incident ${incidentId} no longer exists`)
      const auth = authorize(h, p, 'manage-incident', incident.post)
      if (!auth.ok) await refuse(p, 'manage-incident', incidentId, auth.issues)
      const r = changeIncident(h, p, incident, change, clock.now())
      if (!r.ok) throw refused(422, r.issues)
      const changes = r.value
      try {
        await write(
          (tx) => tx.incidents.append(incident.id, expected, changes),
          () => changes.map(incidentAuditInput),
        )
      } catch (e) {
        if (e instanceof ConflictError) throw conflict(e)
        throw e
      }
      for (const e of changes) publishIncident(e, incident.post)
      return (await store.incidents.find(incident.id))!
    },

    async fileSitrep(p, input) {
      const h = await hierarchy()
      const report: Sitrep = {
        ...input,
        id: (input.id ?? newId('s')) as Sitrep['id'],
        at: clock.now(),
        filedBy: p.id,
      }
      if (h.posts.has(report.post)) {
        const auth = authorize(h, p, 'file-sitrep', report.post)
        if (!auth.ok) await refuse(p, 'file-sitrep', report.id, auth.issues)
      }
      const r = validateSitrep(h, report)
      if (!r.ok) throw refused(422, r.issues)
      try {
        await write(
          (tx) => tx.sitreps.add(report),
          () => [sitrepAuditInput(report, report.at, p.id)],
        )
      } catch (e) {
        if (e instanceof ConflictError)
          throw new ApiError(409, 'conflict', `a report ${report.id} exists`)
        throw e
      }
      return report
    },

    async start() {
      timer = setInterval(() => {
        escalateNow().catch((e: unknown) => deps.log(`order escalation: ${String(e)}`))
      }, intervalMs)
      timer.unref()
    },

    async stop() {
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
      await escalating?.catch(() => {})
      await incidentChain.catch(() => {})
    },
  }
}

/** Posts a principal's assignments reach: each post, everything below it and above it. */
export function visiblePosts(h: Hierarchy, p: Principal): Set<PostId> {
  const out = new Set<PostId>()
  for (const a of p.assignments) {
    if (!h.posts.has(a.post) || out.has(a.post)) continue
    out.add(a.post)
    for (const d of descendants(h, a.post)) out.add(d)
    for (const u of ancestors(h, a.post)) out.add(u)
  }
  return out
}
