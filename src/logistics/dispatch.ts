/**
 * Dispatch orders: one load from one depot to one area, made from an allocation plan, tracked
 * as events:
 *
 *     planned → loaded → in-transit → delivered → acknowledged
 *        └──────┴─────→ cancelled   (not once the load has left)
 *
 * The delivered quantities leave the ledger as `issue` movements ({@link issueMovements}); the
 * receiver's acknowledgment records what was counted on arrival and the discrepancies.
 */
import type { EpochMs } from '../core/brand.ts'
import { assertNever } from '../core/errors.ts'
import type { UserId } from '../core/ids.ts'
import type { Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import type { Movement } from './ledger.ts'
import { checkItemLines } from './types.ts'
import type { AreaId, DepotId, DispatchId, ItemId, ItemLine, MovementId } from './types.ts'

/** Units of one item on an order. */
export type DispatchLine = ItemLine

/** The state of an order. */
export type DispatchState =
  'planned' | 'loaded' | 'in-transit' | 'delivered' | 'acknowledged' | 'cancelled'

interface EventBase {
  readonly dispatchId: DispatchId
  readonly at: EpochMs
  readonly by: UserId
}

/** What happens to an order. */
export type DispatchEvent =
  | (EventBase & {
      readonly kind: 'planned'
      readonly fromDepotId: DepotId
      readonly toAreaId: AreaId
      readonly lines: readonly DispatchLine[]
    })
  | (EventBase & { readonly kind: 'loaded' })
  | (EventBase & { readonly kind: 'departed' })
  | (EventBase & {
      readonly kind: 'delivered'
      /** Units handed over per item (at most those planned). */
      readonly lines: readonly DispatchLine[]
    })
  | (EventBase & {
      readonly kind: 'acknowledged'
      /** Units the receiver counted per item. */
      readonly received: readonly DispatchLine[]
      readonly note: string
    })
  | (EventBase & { readonly kind: 'cancelled'; readonly reason: string })

/** A difference between what was delivered and what the receiver counted. */
export interface Discrepancy {
  readonly itemId: ItemId
  readonly delivered: number
  readonly received: number
}

/** An order, replayed from its events. */
export interface DispatchOrder {
  readonly id: DispatchId
  readonly fromDepotId: DepotId
  readonly toAreaId: AreaId
  readonly lines: readonly DispatchLine[]
  readonly state: DispatchState
  readonly delivered: readonly DispatchLine[] | null
  readonly deliveredAt: EpochMs | null
  readonly received: readonly DispatchLine[] | null
  readonly discrepancies: readonly Discrepancy[]
  readonly acknowledgedBy: UserId | null
  /** Events applied. */
  readonly version: number
  readonly updatedAt: EpochMs
}

/** Which events may follow which state. */
const NEXT: Readonly<Record<DispatchState, readonly DispatchEvent['kind'][]>> = {
  planned: ['loaded', 'cancelled'],
  loaded: ['departed', 'cancelled'],
  'in-transit': ['delivered'],
  delivered: ['acknowledged'],
  acknowledged: [],
  cancelled: [],
}

/**
 * Applies one event to an order (`undefined` before its `planned` event), refusing every
 * transition its state does not allow and every malformed quantity.
 *
 * @returns the new order, or the issues (paths relative to the event)
 */
export function applyDispatchEvent(
  order: DispatchOrder | undefined,
  e: DispatchEvent,
): Result<DispatchOrder> {
  if (order === undefined) {
    if (e.kind !== 'planned')
      return fail([
        {
          path: ['kind'],
          message: `order ${e.dispatchId} does not exist; only 'planned' can start it`,
        },
      ])
    const issues = checkItemLines(e.lines, 'lines', false)
    if (e.lines.length === 0)
      issues.push({ path: ['lines'], message: 'an order needs at least one line' })
    if (issues.length > 0) return fail(issues)
    return ok({
      id: e.dispatchId,
      fromDepotId: e.fromDepotId,
      toAreaId: e.toAreaId,
      lines: e.lines,
      state: 'planned',
      delivered: null,
      deliveredAt: null,
      received: null,
      discrepancies: [],
      acknowledgedBy: null,
      version: 1,
      updatedAt: e.at,
    })
  }
  if (e.dispatchId !== order.id)
    return fail([
      { path: ['dispatchId'], message: `event of ${e.dispatchId} applied to order ${order.id}` },
    ])
  if (!NEXT[order.state].includes(e.kind))
    return fail([
      {
        path: ['kind'],
        message:
          `order ${order.id} is ${order.state}: '${e.kind}' is not allowed` +
          (NEXT[order.state].length > 0
            ? ` (allowed: ${NEXT[order.state].join(', ')})`
            : ' (it is closed)'),
      },
    ])
  const base = { ...order, version: order.version + 1, updatedAt: e.at }
  switch (e.kind) {
    case 'planned':
      return fail([{ path: ['kind'], message: `order ${order.id} is already planned` }])
    case 'loaded':
      return ok({ ...base, state: 'loaded' })
    case 'departed':
      return ok({ ...base, state: 'in-transit' })
    case 'cancelled':
      if (e.reason.trim() === '')
        return fail([{ path: ['reason'], message: 'a cancellation needs a reason' }])
      return ok({ ...base, state: 'cancelled' })
    case 'delivered': {
      const issues = checkItemLines(e.lines, 'lines', true)
      const planned = new Map(order.lines.map((l) => [l.itemId, l.quantity]))
      e.lines.forEach((l, i) => {
        const p = planned.get(l.itemId)
        if (p === undefined)
          issues.push({ path: ['lines', i, 'itemId'], message: `${l.itemId} is not on the order` })
        else if (l.quantity > p)
          issues.push({
            path: ['lines', i, 'quantity'],
            message: `${l.quantity} delivered, only ${p} loaded`,
          })
      })
      if (issues.length > 0) return fail(issues)
      return ok({ ...base, state: 'delivered', delivered: e.lines, deliveredAt: e.at })
    }
    case 'acknowledged': {
      const issues = checkItemLines(e.received, 'received', true)
      const delivered = new Map((order.delivered ?? []).map((l) => [l.itemId, l.quantity]))
      e.received.forEach((l, i) => {
        if (!delivered.has(l.itemId))
          issues.push({
            path: ['received', i, 'itemId'],
            message: `${l.itemId} was not delivered on this order`,
          })
      })
      if (issues.length > 0) return fail(issues)
      const counted = new Map(e.received.map((l) => [l.itemId, l.quantity]))
      const discrepancies: Discrepancy[] = []
      for (const [itemId, q] of delivered) {
        const r = counted.get(itemId) ?? 0
        if (r !== q) discrepancies.push({ itemId, delivered: q, received: r })
      }
      if (discrepancies.length > 0 && e.note.trim() === '')
        return fail([
          {
            path: ['note'],
            message: `counted quantities differ from those delivered: a note is required`,
          },
        ])
      return ok({
        ...base,
        state: 'acknowledged',
        received: e.received,
        discrepancies,
        acknowledgedBy: e.by,
      })
    }
    default:
      return assertNever(e)
  }
}

/**
 * Replays an order's events, stopping at the first refused one (path `[index, …]`).
 * @returns the order, or the issues of the first event refused
 */
export function replayDispatch(events: readonly DispatchEvent[]): Result<DispatchOrder> {
  let order: DispatchOrder | undefined
  for (let i = 0; i < events.length; i++) {
    const r = applyDispatchEvent(order, events[i]!)
    if (!r.ok) return fail(r.issues.map((x) => ({ path: [i, ...x.path], message: x.message })))
    order = r.value
  }
  if (order === undefined) return fail([{ path: [], message: 'no events' }])
  return ok(order)
}

/** A flow of an allocation plan (allocation.ts `Flow`), as much of it as orders need. */
export interface PlannedFlow {
  readonly depotId: DepotId
  readonly areaId: AreaId
  readonly itemId: ItemId
  readonly quantity: number
}

/** How plan quantities become order quantities. */
export interface OrdersFromPlanOptions {
  /** Ids are `<prefix>-<n>`, n from 1. */
  readonly idPrefix: string
  readonly at: EpochMs
  readonly by: UserId
}

/**
 * One `planned` event per depot → area pair of the plan, with one line per item. Quantities are
 * rounded down to whole units (never more than planned, so the depot's stock is respected);
 * lines and orders that round to nothing are left out.
 */
export function ordersFromPlan(
  plan: { readonly flows: readonly PlannedFlow[] },
  options: OrdersFromPlanOptions,
): DispatchEvent[] {
  const byPair = new Map<string, { from: DepotId; to: AreaId; lines: DispatchLine[] }>()
  for (const f of plan.flows) {
    const q = Math.floor(f.quantity + 1e-9)
    if (q <= 0) continue
    const key = `${f.depotId}\u0000${f.areaId}`
    let g = byPair.get(key)
    if (g === undefined) {
      g = { from: f.depotId, to: f.areaId, lines: [] }
      byPair.set(key, g)
    }
    const same = g.lines.findIndex((l) => l.itemId === f.itemId)
    if (same >= 0) g.lines[same] = { itemId: f.itemId, quantity: g.lines[same]!.quantity + q }
    else g.lines.push({ itemId: f.itemId, quantity: q })
  }
  let n = 0
  return [...byPair.values()].map((g) => ({
    kind: 'planned',
    dispatchId: `${options.idPrefix}-${++n}` as DispatchId,
    at: options.at,
    by: options.by,
    fromDepotId: g.from,
    toAreaId: g.to,
    lines: g.lines,
  }))
}

/**
 * The ledger movements of a delivered (or acknowledged) order: one `issue` per item delivered
 * in a quantity > 0, ids `<order id>:<item id>` so that a re-sent delivery is recognised.
 *
 * @returns the movements, or an issue when the order has not been delivered
 */
export function issueMovements(order: DispatchOrder, by: UserId): Result<Movement[]> {
  if (order.delivered === null)
    return fail([
      { path: ['state'], message: `order ${order.id} is ${order.state}: nothing delivered yet` },
    ])
  return ok(
    order.delivered
      .filter((l) => l.quantity > 0)
      .map((l) => ({
        kind: 'issue',
        id: `${order.id}:${l.itemId}` as MovementId,
        itemId: l.itemId,
        at: order.deliveredAt ?? order.updatedAt,
        by,
        depotId: order.fromDepotId,
        quantity: l.quantity,
        areaId: order.toAreaId,
        dispatchId: order.id,
      })),
  )
}
