/**
 * Posts, orders, incidents, reports and audit inputs for the store's command contract tests,
 * made with the domain's own functions. For tests only.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { UserId } from '../../core/ids.ts'
import type { AuditInput } from '../../command/audit-chain.ts'
import type { IncidentEvent } from '../../command/incidents.ts'
import { issueOrder, type Order, type OrderEvent } from '../../command/orders.ts'
import type { Sitrep } from '../../command/sitreps.ts'
import {
  generateHierarchy,
  type GeneratedHierarchy,
  HQ,
  officer,
} from '../../command/test-fixtures.ts'
import type { IncidentId, OrderId, PostId, SitrepId } from '../../command/types.ts'
import { HOUR, T0 } from './fixtures.ts'

export { HQ }

/** Epoch ms `hours` after T0. */
export const hoursAfter = (hours: number): EpochMs => (T0 + hours * HOUR) as EpochMs

export const user = (s: string): UserId => s as UserId
export const post = (s: string): PostId => s as PostId
export const orderId = (s: string): OrderId => s as OrderId

/** A small hierarchy: HQ, 8 basins, 31 provinces, 62 counties (two per province). */
export const SMALL: GeneratedHierarchy = generateHierarchy({ countyCount: 62 })

/**
 * The `issued` event of an order from `issuer` (default HQ) to every post below it in `g`,
 * issued at T0, acknowledgment due 1 h later and completion 24 h later.
 */
export function issued(
  id: string,
  g: GeneratedHierarchy = SMALL,
  issuer: PostId = HQ,
  over: { readonly at?: EpochMs; readonly recipients?: readonly PostId[] } = {},
): Extract<OrderEvent, { kind: 'issued' }> {
  const at = over.at ?? hoursAfter(0)
  const r = issueOrder(
    g.hierarchy,
    officer('cmd', 'commander', issuer),
    {
      id: orderId(id),
      issuerPost: issuer,
      title: `Order ${id}`,
      actions: ['reinforce the dikes', 'report the water level every hour'],
      recipients:
        over.recipients === undefined
          ? { kind: 'all-below' }
          : { kind: 'selected', posts: over.recipients },
      ackDeadline: (at + HOUR) as EpochMs,
      completionDeadline: (at + 24 * HOUR) as EpochMs,
    },
    at,
  )
  if (!r.ok) throw new Error(`order ${id} not issued: ${JSON.stringify(r.issues)}`)
  const e = r.value.events[0]!
  if (e.kind !== 'issued') throw new Error('the first event of an order is issued')
  return e
}

/** The order of an `issued` event. */
export const orderOf = (e: Extract<OrderEvent, { kind: 'issued' }>): Order => e.order

/** An incident opened at `post` (at `hours` after T0), for warning `warningId` or by hand. */
export function opened(
  id: string,
  at: string,
  hours = 0,
  warningId: string | null = null,
): IncidentEvent {
  return {
    kind: 'opened',
    incidentId: id as IncidentId,
    at: hoursAfter(hours),
    by: user('duty'),
    post: post(at),
    title: `Flooding at ${at}`,
    level: 'III',
    source:
      warningId === null
        ? { kind: 'manual' }
        : { kind: 'warning', warningId, zoneId: `zone.${at}` },
  }
}

/** A situation report of `at` filed `hours` after T0, with `evacuated` people evacuated. */
export function sitrep(id: string, at: string, hours: number, evacuated = 10): Sitrep {
  return {
    id: id as SitrepId,
    post: post(at),
    at: hoursAfter(hours),
    period: { from: hoursAfter(hours - 6), to: hoursAfter(hours) },
    figures: {
      affectedPopulation: 1000,
      evacuated,
      dead: 0,
      injured: 1,
      missing: 0,
      damagedHouses: 12,
    },
    needs: [{ item: 'sandbags', quantity: 5000, unit: 'bag' }],
    filedBy: user('reporter'),
  }
}

/** An audit input for entry `i` (payload with nested values, one non-ASCII string). */
export function auditInput(i: number, actor = 'duty'): AuditInput {
  return {
    at: hoursAfter(i / 60),
    actor: user(actor),
    kind: i % 2 === 0 ? 'order.received' : 'order.accepted',
    subject: `cn.hq.order.${i % 7}`,
    payload: { post: `cn.p01.c${String(i % 100).padStart(3, '0')}`, n: i, note: 'dike “east” ok' },
  }
}
