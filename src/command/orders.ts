/**
 * Orders down the chain of command and answers back up, as an event-sourced state machine.
 *
 * A post issues an order to posts below it — its direct subordinates, all posts below it, or a
 * selection of them — resolved to a fixed list of recipients when it is issued. An issued order
 * never changes; a correction is a new order that references the one it corrects (which is then
 * `superseded`: no more escalations for it, though its answers stay visible).
 *
 * Each recipient answers on its own record:
 *
 * ```
 * issued ──► received ──► accepted ──► completed(report)
 *    │           │            │
 *    └───────────┴──► unable(reason) ◄┘        (accepting implies receipt)
 * ```
 *
 * `completed` and `unable` are final. A recipient still `issued` after the acknowledgment
 * deadline, or not `completed` (nor `unable`) after the completion deadline, is escalated once
 * per deadline ({@link dueEscalations}): its direct superiors are told and the layer above
 * notifies the post again through the delivery channels. A late answer is recorded as any other.
 *
 * Each recipient record carries a `version` (the number of events applied to it) for
 * optimistic concurrency: the store appends an event only when the record is still at the
 * version the writer read (ports.ts).
 */
import type { EpochMs } from '../core/brand.ts'
import { assertNever } from '../core/errors.ts'
import type { UserId } from '../core/ids.ts'
import { isId } from '../core/ids.ts'
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import type { Hierarchy } from './hierarchy.ts'
import { children, descendants } from './hierarchy.ts'
import { orderAuthorityIssues } from './permissions.ts'
import type { OrderId, PostId, PostLevel, Principal } from './types.ts'
import { POST_LEVELS } from './types.ts'

/** Who an order goes to, as the issuer asks for it. */
export type RecipientScope =
  | { readonly kind: 'direct' }
  | { readonly kind: 'all-below' }
  | { readonly kind: 'selected'; readonly posts: readonly PostId[] }

/** An issued order. Immutable. */
export interface Order {
  readonly id: OrderId
  readonly issuerPost: PostId
  readonly issuedBy: UserId
  /** Epoch ms. */
  readonly issuedAt: EpochMs
  readonly title: string
  /** Required actions, in the order given. */
  readonly actions: readonly string[]
  readonly scope: RecipientScope['kind']
  /** Resolved when issued; every one below the issuer. */
  readonly recipients: readonly PostId[]
  /** Epoch ms: each recipient acknowledges by then. */
  readonly ackDeadline: EpochMs
  /** Epoch ms: each recipient reports completion by then. */
  readonly completionDeadline: EpochMs
  /** The order this one corrects, or null. */
  readonly references: OrderId | null
}

/** What an issuer asks for; {@link issueOrder} checks it and resolves the recipients. */
export interface OrderRequest {
  readonly id: OrderId
  readonly issuerPost: PostId
  readonly title: string
  readonly actions: readonly string[]
  readonly recipients: RecipientScope
  /** Epoch ms, after the issue time. */
  readonly ackDeadline: EpochMs
  /** Epoch ms, not before `ackDeadline`. */
  readonly completionDeadline: EpochMs
}

/** A recipient's state. */
export const RECIPIENT_STATUSES = ['issued', 'received', 'accepted', 'unable', 'completed'] as const
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number]

/** An answer of a recipient. */
export type Response =
  | { readonly kind: 'received' }
  | { readonly kind: 'accepted' }
  | { readonly kind: 'unable'; readonly reason: string }
  | { readonly kind: 'completed'; readonly report: string }

/** Which deadline a recipient missed. */
export type DeadlineKind = 'ack' | 'completion'

/** Everything that happens to an order; each becomes an audit entry. */
export type OrderEvent =
  | {
      readonly kind: 'issued'
      readonly orderId: OrderId
      readonly at: EpochMs
      readonly by: UserId
      readonly order: Order
    }
  | {
      readonly kind: 'received' | 'accepted'
      readonly orderId: OrderId
      readonly post: PostId
      readonly at: EpochMs
      readonly by: UserId
    }
  | {
      readonly kind: 'unable'
      readonly orderId: OrderId
      readonly post: PostId
      readonly at: EpochMs
      readonly by: UserId
      readonly reason: string
    }
  | {
      readonly kind: 'completed'
      readonly orderId: OrderId
      readonly post: PostId
      readonly at: EpochMs
      readonly by: UserId
      readonly report: string
    }
  | {
      /** The post missed `deadline`: tell `superiorsNotified`, notify the post again. */
      readonly kind: 'escalated'
      readonly orderId: OrderId
      readonly post: PostId
      readonly at: EpochMs
      readonly by: UserId
      readonly deadline: DeadlineKind
      readonly superiorsNotified: readonly PostId[]
    }
  | {
      readonly kind: 'superseded'
      readonly orderId: OrderId
      readonly at: EpochMs
      readonly by: UserId
      /** The order that corrects this one. */
      readonly correction: OrderId
    }

/** An event on one recipient's record. */
export type RecipientEvent = Extract<OrderEvent, { readonly post: PostId }>

/** One recipient's record. */
export interface RecipientState {
  readonly post: PostId
  readonly status: RecipientStatus
  /** Events applied to this record (0 when just issued); the store checks it on append. */
  readonly version: number
  /** Epoch ms of the first answer (any of received, accepted, unable), or null. */
  readonly answeredAt: EpochMs | null
  readonly acceptedAt: EpochMs | null
  readonly completedAt: EpochMs | null
  readonly unableReason: string | null
  readonly report: string | null
  /** Epoch ms of the escalation for each deadline, or null when not escalated. */
  readonly escalated: { readonly ack: EpochMs | null; readonly completion: EpochMs | null }
}

/** An order with the state of every recipient. */
export interface OrderState {
  readonly order: Order
  readonly recipients: ReadonlyMap<PostId, RecipientState>
  /** The correcting order, or null. */
  readonly supersededBy: OrderId | null
}

/** An issued order with the events to append (for a correction, to two order streams). */
export interface IssuedOrder {
  readonly order: Order
  readonly events: readonly OrderEvent[]
}

/**
 * Issues an order at `at` (epoch ms). Refused, with every problem and its path, when the id is
 * malformed, the issuer post is unknown, the title or an action is empty, the acknowledgment
 * deadline is not after `at` or the completion deadline is before it, no post is addressed,
 * the principal may not issue orders at the issuer post, or a selected post is not below it.
 */
export function issueOrder(
  h: Hierarchy,
  principal: Principal,
  request: OrderRequest,
  at: EpochMs,
): Result<IssuedOrder> {
  return issue(h, principal, request, at, null)
}

/**
 * Issues a correction of `previous`: a new order from the same post that references it; the
 * events supersede `previous`. Refused as {@link issueOrder}, and when the issuer post differs,
 * the id is that of `previous`, or `previous` was already corrected (correct the correction).
 */
export function correctOrder(
  h: Hierarchy,
  principal: Principal,
  previous: OrderState,
  request: OrderRequest,
  at: EpochMs,
): Result<IssuedOrder> {
  const prev = previous.order
  const issues: Issue[] = []
  if (previous.supersededBy !== null)
    issues.push({
      path: ['references'],
      message: `order ${prev.id} was already corrected by ${previous.supersededBy}; correct that one`,
    })
  if (request.issuerPost !== prev.issuerPost)
    issues.push({
      path: ['issuerPost'],
      message: `a correction comes from the issuer of ${prev.id}, ${prev.issuerPost}`,
    })
  if (request.id === prev.id)
    issues.push({ path: ['id'], message: `a correction needs a new id, not ${prev.id}` })
  const r = issue(h, principal, request, at, prev.id)
  if (!r.ok) return fail([...issues, ...r.issues])
  if (issues.length > 0) return fail(issues)
  const superseded: OrderEvent = {
    kind: 'superseded',
    orderId: prev.id,
    at,
    by: principal.id,
    correction: request.id,
  }
  return ok({ order: r.value.order, events: [...r.value.events, superseded] })
}

function issue(
  h: Hierarchy,
  principal: Principal,
  request: OrderRequest,
  at: EpochMs,
  references: OrderId | null,
): Result<IssuedOrder> {
  const issues: Issue[] = []
  if (!isId(request.id))
    issues.push({ path: ['id'], message: `not a well-formed id: ${JSON.stringify(request.id)}` })
  if (request.title.trim() === '') issues.push({ path: ['title'], message: 'must not be empty' })
  if (request.actions.length === 0)
    issues.push({ path: ['actions'], message: 'at least one required action' })
  request.actions.forEach((a, i) => {
    if (a.trim() === '') issues.push({ path: ['actions', i], message: 'must not be empty' })
  })
  if (!(request.ackDeadline > at))
    issues.push({ path: ['ackDeadline'], message: 'must be after the issue time' })
  if (!(request.completionDeadline >= request.ackDeadline))
    issues.push({
      path: ['completionDeadline'],
      message: 'must not be before the acknowledgment deadline',
    })
  if (!h.posts.has(request.issuerPost)) {
    issues.push({ path: ['issuerPost'], message: `unknown post ${request.issuerPost}` })
    return fail(issues)
  }
  const scope = request.recipients
  let recipients: PostId[]
  switch (scope.kind) {
    case 'direct':
      recipients = [...children(h, request.issuerPost)]
      break
    case 'all-below':
      recipients = descendants(h, request.issuerPost)
      break
    case 'selected':
      recipients = scope.posts.filter((p, i) => scope.posts.indexOf(p) === i)
      break
    default:
      return assertNever(scope)
  }
  if (recipients.length === 0)
    issues.push({ path: ['recipients'], message: `no post below ${request.issuerPost} addressed` })
  // For a selection, paths index the list as given (so duplicates keep their own index).
  const checked = scope.kind === 'selected' ? scope.posts : recipients
  issues.push(...orderAuthorityIssues(h, principal, request.issuerPost, checked))
  if (issues.length > 0) return fail(issues)
  const order: Order = {
    id: request.id,
    issuerPost: request.issuerPost,
    issuedBy: principal.id,
    issuedAt: at,
    title: request.title,
    actions: [...request.actions],
    scope: scope.kind,
    recipients,
    ackDeadline: request.ackDeadline,
    completionDeadline: request.completionDeadline,
    references,
  }
  return ok({ order, events: [{ kind: 'issued', orderId: order.id, at, by: principal.id, order }] })
}

/** The record of a recipient that has not answered. */
export function initialRecipient(post: PostId): RecipientState {
  return {
    post,
    status: 'issued',
    version: 0,
    answeredAt: null,
    acceptedAt: null,
    completedAt: null,
    unableReason: null,
    report: null,
    escalated: { ack: null, completion: null },
  }
}

/** The state of a just-issued order. */
export function initialOrderState(order: Order): OrderState {
  const recipients = new Map<PostId, RecipientState>()
  for (const p of order.recipients) recipients.set(p, initialRecipient(p))
  return { order, recipients, supersededBy: null }
}

/** Why a recipient in status `r` cannot give `kind`, or null when it can. */
function refusal(r: RecipientState, kind: Response['kind']): string | null {
  const s = r.status
  if (s === 'completed') return `${r.post} already reported completion`
  if (s === 'unable') return `${r.post} already answered unable (${JSON.stringify(r.unableReason)})`
  switch (kind) {
    case 'received':
      return s === 'issued' ? null : `${r.post} already acknowledged (${s})`
    case 'accepted':
      return s === 'accepted' ? `${r.post} already accepted` : null
    case 'unable':
      return null
    case 'completed':
      return s === 'accepted' ? null : `completion before acceptance: ${r.post} has not accepted`
    default:
      return assertNever(kind)
  }
}

/**
 * Applies one event to a recipient's record.
 * @throws Error when the event does not fit the record (a corrupt stream: a programmer error)
 */
export function applyRecipientEvent(r: RecipientState, e: RecipientEvent): RecipientState {
  if (e.post !== r.post) throw new Error(`event for ${e.post} applied to the record of ${r.post}`)
  const version = r.version + 1
  if (e.kind === 'escalated')
    return { ...r, version, escalated: { ...r.escalated, [e.deadline]: e.at } }
  const why = refusal(r, e.kind)
  if (why !== null) throw new Error(`order ${e.orderId}: ${e.kind} does not apply: ${why}`)
  const answeredAt = r.answeredAt ?? e.at
  switch (e.kind) {
    case 'received':
      return { ...r, version, status: 'received', answeredAt }
    case 'accepted':
      return { ...r, version, status: 'accepted', answeredAt, acceptedAt: e.at }
    case 'unable':
      return { ...r, version, status: 'unable', answeredAt, unableReason: e.reason }
    case 'completed':
      return { ...r, version, status: 'completed', completedAt: e.at, report: e.report }
    default:
      return assertNever(e)
  }
}

/**
 * Applies one event to an order (copying the recipients' map: replay a stream with
 * {@link replayOrder}).
 * @throws Error when the event does not fit (a second `issued`, another order, a post that is
 *   not a recipient)
 */
export function applyOrderEvent(s: OrderState, e: OrderEvent): OrderState {
  const recipients = new Map(s.recipients)
  const next = step(s, recipients, e)
  return { ...next, recipients }
}

function step(s: OrderState, recipients: Map<PostId, RecipientState>, e: OrderEvent): OrderState {
  if (e.orderId !== s.order.id) throw new Error(`event of ${e.orderId} applied to ${s.order.id}`)
  switch (e.kind) {
    case 'issued':
      throw new Error(`order ${e.orderId} issued twice`)
    case 'superseded':
      return { ...s, supersededBy: e.correction }
    case 'received':
    case 'accepted':
    case 'unable':
    case 'completed':
    case 'escalated': {
      const r = recipients.get(e.post)
      if (r === undefined) throw new Error(`order ${e.orderId}: ${e.post} is not a recipient`)
      recipients.set(e.post, applyRecipientEvent(r, e))
      return s
    }
    default:
      return assertNever(e)
  }
}

/**
 * Rebuilds an order from its stream (the first event is `issued`). O(events + recipients).
 * @throws Error on an empty or inconsistent stream
 */
export function replayOrder(events: readonly OrderEvent[]): OrderState {
  const first = events[0]
  if (first?.kind !== 'issued') throw new Error('an order stream starts with its issued event')
  const initial = initialOrderState(first.order)
  const recipients = new Map(initial.recipients)
  let s: OrderState = initial
  for (let i = 1; i < events.length; i++) s = step(s, recipients, events[i]!)
  return { ...s, recipients }
}

/** An answer accepted: the event to append and the recipient's record after it. */
export interface AcceptedResponse {
  readonly event: RecipientEvent
  /** Its `version` is the one read plus one; append with the one read as expected. */
  readonly recipient: RecipientState
}

/**
 * A recipient's answer at `at` (epoch ms) by `by`. Whether `by` may answer for the post is
 * checked before, with `authorize(h, principal, 'acknowledge-order' | 'report-completion',
 * post)`. Refused, with reasons, when the post is not a recipient, `at` is before the order was
 * issued, an `unable` has no reason or a completion no report, or the answer does not follow
 * from the recipient's state (already completed; already answered; completion before
 * acceptance; anything after `unable`).
 */
export function applyResponse(
  s: OrderState,
  post: PostId,
  response: Response,
  at: EpochMs,
  by: UserId,
): Result<AcceptedResponse> {
  const order = s.order
  const r = s.recipients.get(post)
  const issues: Issue[] = []
  if (r === undefined)
    issues.push({ path: ['post'], message: `${post} is not a recipient of order ${order.id}` })
  if (at < order.issuedAt)
    issues.push({ path: ['at'], message: `before order ${order.id} was issued` })
  if (response.kind === 'unable' && response.reason.trim() === '')
    issues.push({ path: ['reason'], message: 'a post unable to act says why' })
  if (response.kind === 'completed' && response.report.trim() === '')
    issues.push({ path: ['report'], message: 'a completion carries a report' })
  if (r !== undefined) {
    const why = refusal(r, response.kind)
    if (why !== null) issues.push({ path: ['response'], message: why })
  }
  if (r === undefined || issues.length > 0) return fail(issues)
  const base = { orderId: order.id, post, at, by }
  let event: RecipientEvent
  switch (response.kind) {
    case 'received':
    case 'accepted':
      event = { ...base, kind: response.kind }
      break
    case 'unable':
      event = { ...base, kind: 'unable', reason: response.reason }
      break
    case 'completed':
      event = { ...base, kind: 'completed', report: response.report }
      break
    default:
      return assertNever(response)
  }
  return ok({ event, recipient: applyRecipientEvent(r, event) })
}

/**
 * The escalations due at `now` (epoch ms), by the system account `by`: for each recipient still
 * `issued` after the acknowledgment deadline, and each not `completed` nor `unable` after the
 * completion deadline (strictly after: the deadline itself is still in time), unless already
 * escalated for that deadline. A recipient past both deadlines gets both. None for a superseded
 * order. Idempotent: once the events are applied, a second call at the same or a later time
 * returns nothing for the same deadlines.
 *
 * The superiors told are the post's direct superiors in `h` (the hierarchy now), the issuer
 * included: for a direct subordinate the issuer is the superior, and silence must reach
 * someone. A post no longer in `h` escalates to the issuer.
 */
export function dueEscalations(
  h: Hierarchy,
  s: OrderState,
  now: EpochMs,
  by: UserId,
): RecipientEvent[] {
  const order = s.order
  if (s.supersededBy !== null) return []
  const out: RecipientEvent[] = []
  for (const post of order.recipients) {
    const r = s.recipients.get(post)!
    const due: DeadlineKind[] = []
    if (r.status === 'issued' && now > order.ackDeadline && r.escalated.ack === null)
      due.push('ack')
    if (
      r.status !== 'completed' &&
      r.status !== 'unable' &&
      now > order.completionDeadline &&
      r.escalated.completion === null
    )
      due.push('completion')
    if (due.length === 0) continue
    const superiorsNotified = h.posts.get(post)?.parents ?? [order.issuerPost]
    for (const deadline of due)
      out.push({
        kind: 'escalated',
        orderId: order.id,
        post,
        at: now,
        by,
        deadline,
        superiorsNotified: [...superiorsNotified],
      })
  }
  return out
}

/** Recipients by status, and how many were escalated for each deadline. */
export interface StatusCounts {
  total: number
  issued: number
  received: number
  accepted: number
  unable: number
  completed: number
  escalatedAck: number
  escalatedCompletion: number
}

/** One post of the issuer's view. */
export interface SummaryNode {
  readonly post: PostId
  readonly level: PostLevel
  /** The post's own status, or null when it is not a recipient. */
  readonly status: RecipientStatus | null
  /** Over the distinct recipients among the post and every post below it. */
  readonly subtree: StatusCounts
  /** Direct subordinates that have a recipient at or below them. */
  readonly children: readonly PostId[]
}

/** The issuer's view of an order. */
export interface OrderSummary {
  readonly orderId: OrderId
  /** The issuer post: the root of {@link OrderSummary.nodes}. */
  readonly root: PostId
  readonly total: StatusCounts
  readonly byLevel: Readonly<Record<PostLevel, StatusCounts>>
  /**
   * The issuer and each post below it with a recipient at or below it, superiors first. A post
   * under two superiors is one node listed among the children of both, and counted once in
   * every subtree above it.
   */
  readonly nodes: ReadonlyMap<PostId, SummaryNode>
}

function zeroCounts(): StatusCounts {
  return {
    total: 0,
    issued: 0,
    received: 0,
    accepted: 0,
    unable: 0,
    completed: 0,
    escalatedAck: 0,
    escalatedCompletion: 0,
  }
}

function count(c: StatusCounts, r: RecipientState): void {
  c.total++
  c[r.status]++
  if (r.escalated.ack !== null) c.escalatedAck++
  if (r.escalated.completion !== null) c.escalatedCompletion++
}

/**
 * The state of an order at every post, for its issuer: totals, counts per level, and a tree
 * (following `h` as it is now) with counts over each subtree. Recipients no longer below the
 * issuer in `h` count in the totals and per level only.
 */
export function orderSummary(h: Hierarchy, s: OrderState): OrderSummary {
  const total = zeroCounts()
  const byLevel = Object.fromEntries(POST_LEVELS.map((l) => [l, zeroCounts()])) as Record<
    PostLevel,
    StatusCounts
  >
  for (const r of s.recipients.values()) {
    count(total, r)
    const p = h.posts.get(r.post)
    if (p !== undefined) count(byLevel[p.level], r)
  }
  const root = s.order.issuerPost
  const nodes = new Map<PostId, SummaryNode>()
  if (h.posts.has(root)) {
    const below = [root, ...descendants(h, root)]
    const subtree = new Map<PostId, StatusCounts>()
    for (const post of below) {
      const c = zeroCounts()
      for (const d of [post, ...descendants(h, post)]) {
        const r = s.recipients.get(d)
        if (r !== undefined) count(c, r)
      }
      subtree.set(post, c)
    }
    const kept = new Set(below.filter((p) => p === root || subtree.get(p)!.total > 0))
    for (const post of h.order) {
      if (!kept.has(post)) continue
      nodes.set(post, {
        post,
        level: h.posts.get(post)!.level,
        status: s.recipients.get(post)?.status ?? null,
        subtree: subtree.get(post)!,
        children: children(h, post).filter((c) => kept.has(c)),
      })
    }
  }
  return { orderId: s.order.id, root, total, byLevel, nodes }
}
