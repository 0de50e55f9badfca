/**
 * Requests for items from command posts, as events:
 *
 *     submitted → approved | partially-approved → fulfilled
 *          └────→ refused
 *
 * An approval states the quantity approved per line (all of it: `approved`; less on some line:
 * `partially-approved`); fulfilment records what was sent, and may not exceed what was approved.
 */
import type { EpochMs } from '../core/brand.ts'
import { assertNever } from '../core/errors.ts'
import type { UserId } from '../core/ids.ts'
import type { Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import { checkItemLines } from './types.ts'
import type { AreaId, DispatchId, ItemLine, PostId, RequestId } from './types.ts'

/** Units of one item on a request. */
export type RequestLine = ItemLine

/** The state of a request. */
export type RequestStatus =
  'submitted' | 'approved' | 'partially-approved' | 'refused' | 'fulfilled'

interface RequestEventBase {
  readonly requestId: RequestId
  readonly at: EpochMs
  readonly by: UserId
}

/** What happens to a request. */
export type RequestEvent =
  | (RequestEventBase & {
      readonly kind: 'submitted'
      readonly postId: PostId
      readonly areaId: AreaId
      readonly lines: readonly RequestLine[]
      readonly neededBy: EpochMs
    })
  | (RequestEventBase & {
      readonly kind: 'decided'
      /** Units approved per item (0 refuses a line); every requested item must be listed. */
      readonly approved: readonly RequestLine[]
      readonly note: string
    })
  | (RequestEventBase & { readonly kind: 'refused'; readonly reason: string })
  | (RequestEventBase & {
      readonly kind: 'fulfilled'
      readonly sent: readonly RequestLine[]
      readonly dispatchIds: readonly DispatchId[]
    })

/** A request, replayed. */
export interface SupplyRequest {
  readonly id: RequestId
  readonly postId: PostId
  readonly areaId: AreaId
  readonly lines: readonly RequestLine[]
  readonly neededBy: EpochMs
  readonly status: RequestStatus
  readonly approved: readonly RequestLine[] | null
  readonly sent: readonly RequestLine[] | null
  readonly dispatchIds: readonly DispatchId[]
  readonly version: number
  readonly submittedAt: EpochMs
}

/**
 * Applies one event to a request (`undefined` before it is submitted), refusing transitions
 * its status does not allow and quantities beyond those requested or approved.
 */
export function applyRequestEvent(
  req: SupplyRequest | undefined,
  e: RequestEvent,
): Result<SupplyRequest> {
  if (req === undefined) {
    if (e.kind !== 'submitted')
      return fail([
        {
          path: ['kind'],
          message: `request ${e.requestId} does not exist; it must be submitted first`,
        },
      ])
    const issues = checkItemLines(e.lines, 'lines', false)
    if (e.lines.length === 0)
      issues.push({ path: ['lines'], message: 'a request needs at least one line' })
    if (issues.length > 0) return fail(issues)
    return ok({
      id: e.requestId,
      postId: e.postId,
      areaId: e.areaId,
      lines: e.lines,
      neededBy: e.neededBy,
      status: 'submitted',
      approved: null,
      sent: null,
      dispatchIds: [],
      version: 1,
      submittedAt: e.at,
    })
  }
  if (e.requestId !== req.id)
    return fail([
      { path: ['requestId'], message: `event of ${e.requestId} applied to request ${req.id}` },
    ])
  const next = { ...req, version: req.version + 1 }
  const wrong = (): Result<SupplyRequest> =>
    fail([
      { path: ['kind'], message: `request ${req.id} is ${req.status}: '${e.kind}' is not allowed` },
    ])
  switch (e.kind) {
    case 'submitted':
      return wrong()
    case 'refused':
      if (req.status !== 'submitted') return wrong()
      if (e.reason.trim() === '')
        return fail([{ path: ['reason'], message: 'a refusal needs a reason' }])
      return ok({ ...next, status: 'refused' })
    case 'decided': {
      if (req.status !== 'submitted') return wrong()
      const issues = checkItemLines(e.approved, 'approved', true)
      const requested = new Map(req.lines.map((l) => [l.itemId, l.quantity]))
      const listed = new Set(e.approved.map((l) => l.itemId))
      e.approved.forEach((l, i) => {
        const q = requested.get(l.itemId)
        if (q === undefined)
          issues.push({ path: ['approved', i, 'itemId'], message: `${l.itemId} was not requested` })
        else if (l.quantity > q)
          issues.push({
            path: ['approved', i, 'quantity'],
            message: `${l.quantity} approved, ${q} requested`,
          })
      })
      for (const l of req.lines)
        if (!listed.has(l.itemId))
          issues.push({ path: ['approved'], message: `no decision on ${l.itemId}` })
      if (issues.length > 0) return fail(issues)
      const total = e.approved.reduce((s, l) => s + l.quantity, 0)
      if (total === 0)
        return fail([
          { path: ['approved'], message: 'nothing approved: refuse the request instead' },
        ])
      const full = e.approved.every((l) => l.quantity === requested.get(l.itemId))
      return ok({ ...next, status: full ? 'approved' : 'partially-approved', approved: e.approved })
    }
    case 'fulfilled': {
      if (req.status !== 'approved' && req.status !== 'partially-approved') return wrong()
      const issues = checkItemLines(e.sent, 'sent', true)
      const approved = new Map((req.approved ?? []).map((l) => [l.itemId, l.quantity]))
      e.sent.forEach((l, i) => {
        const q = approved.get(l.itemId)
        if (q === undefined)
          issues.push({ path: ['sent', i, 'itemId'], message: `${l.itemId} was not approved` })
        else if (l.quantity > q)
          issues.push({
            path: ['sent', i, 'quantity'],
            message: `${l.quantity} sent, ${q} approved`,
          })
      })
      if (issues.length > 0) return fail(issues)
      return ok({ ...next, status: 'fulfilled', sent: e.sent, dispatchIds: e.dispatchIds })
    }
    default:
      return assertNever(e)
  }
}

/** Replays a request's events, stopping at the first refused one (path `[index, …]`). */
export function replayRequest(events: readonly RequestEvent[]): Result<SupplyRequest> {
  let req: SupplyRequest | undefined
  for (let i = 0; i < events.length; i++) {
    const r = applyRequestEvent(req, events[i]!)
    if (!r.ok) return fail(r.issues.map((x) => ({ path: [i, ...x.path], message: x.message })))
    req = r.value
  }
  if (req === undefined) return fail([{ path: [], message: 'no events' }])
  return ok(req)
}
