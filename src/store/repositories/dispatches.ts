/**
 * Dispatch orders as event streams (event-streams.ts), with a row per order holding its state,
 * written with each append, for the list of open orders.
 */
import { formatIssue } from '../../core/result.ts'
import { type DispatchEvent, type DispatchOrder, replayDispatch } from '../../logistics/dispatch.ts'
import { ConflictError, type DispatchRepository } from '../../logistics/ports.ts'
import { fromJson } from '../codec.ts'
import type { RepositoryContext } from './context.ts'
import { appendToStream, readStream } from './event-streams.ts'

const CLOSED = ['acknowledged', 'cancelled'] as const

/**
 * Replays a dispatch order's stream.
 * @throws Error naming the first event that does not follow
 */
function replayed(id: string, events: readonly DispatchEvent[]): DispatchOrder {
  const r = replayDispatch(events)
  if (!r.ok) throw new Error(`dispatch ${id}: ${r.issues.map(formatIssue).join('; ')}`)
  return r.value
}

/** The dispatch repository of a store (or of one of its transactions). */
export function dispatchRepository(ctx: RepositoryContext): DispatchRepository {
  const { dialect } = ctx
  /** Every order (or only those not yet acknowledged nor cancelled), replayed, by id. */
  async function list(openOnly: boolean): Promise<DispatchOrder[]> {
    let q = ctx.db
      .selectFrom('dispatches as d')
      .innerJoin('dispatch_events as e', 'e.dispatch_id', 'd.id')
      .select(['d.id', 'e.event'])
    if (openOnly) q = q.where('d.state', 'not in', CLOSED)
    const rows = await q.orderBy('d.id').orderBy('e.seq').execute()
    const byId = new Map<string, DispatchEvent[]>()
    for (const r of rows) {
      let events = byId.get(r.id)
      if (events === undefined) byId.set(r.id, (events = []))
      events.push(fromJson(dialect, r.event) as DispatchEvent)
    }
    return [...byId].map(([id, events]) => replayed(id, events))
  }

  return {
    async append(id, expectedVersion, events) {
      await appendToStream<DispatchEvent, DispatchOrder>(ctx, {
        table: 'dispatch_events',
        id,
        expectedVersion,
        events,
        conflict: (expected, actual) => new ConflictError(`dispatch ${id}`, expected, actual),
        replay: (all) => replayed(id, all),
        async summarise(db, o) {
          const row = {
            state: o.state,
            version: o.version,
            from_depot_id: o.fromDepotId,
            to_area_id: o.toAreaId,
            updated_at: o.updatedAt,
          }
          await db
            .insertInto('dispatches')
            .values({ id: o.id, ...row })
            .onConflict((oc) => oc.column('id').doUpdateSet(row))
            .execute()
        },
      })
    },

    async events(id) {
      return (await readStream(ctx, 'dispatch_events', id)) as DispatchEvent[]
    },

    open: () => list(true),
    all: () => list(false),
  }
}
