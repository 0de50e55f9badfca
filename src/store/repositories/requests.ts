/**
 * Supply requests as event streams (event-streams.ts), with a row per request holding its
 * status, written with each append, for the list of open requests.
 */
import { formatIssue } from '../../core/result.ts'
import { ConflictError, type RequestRepository } from '../../logistics/ports.ts'
import { type RequestEvent, replayRequest, type SupplyRequest } from '../../logistics/requests.ts'
import { fromJson } from '../codec.ts'
import type { RepositoryContext } from './context.ts'
import { appendToStream, readStream } from './event-streams.ts'

const CLOSED = ['fulfilled', 'refused'] as const

/**
 * Replays a request's stream.
 * @throws Error naming the first event that does not follow
 */
function replayed(id: string, events: readonly RequestEvent[]): SupplyRequest {
  const r = replayRequest(events)
  if (!r.ok) throw new Error(`request ${id}: ${r.issues.map(formatIssue).join('; ')}`)
  return r.value
}

/** The request repository of a store (or of one of its transactions). */
export function requestRepository(ctx: RepositoryContext): RequestRepository {
  const { dialect } = ctx
  return {
    async append(id, expectedVersion, events) {
      await appendToStream<RequestEvent, SupplyRequest>(ctx, {
        table: 'request_events',
        id,
        expectedVersion,
        events,
        conflict: (expected, actual) => new ConflictError(`request ${id}`, expected, actual),
        replay: (all) => replayed(id, all),
        async summarise(db, r) {
          await db
            .insertInto('requests')
            .values({
              id: r.id,
              status: r.status,
              version: r.version,
              post_id: r.postId,
              area_id: r.areaId,
              submitted_at: r.submittedAt,
            })
            .onConflict((oc) =>
              oc.column('id').doUpdateSet({ status: r.status, version: r.version }),
            )
            .execute()
        },
      })
    },

    async events(id) {
      return (await readStream(ctx, 'request_events', id)) as RequestEvent[]
    },

    async open() {
      const rows = await ctx.db
        .selectFrom('requests as r')
        .innerJoin('request_events as e', 'e.request_id', 'r.id')
        .select(['r.id', 'e.event'])
        .where('r.status', 'not in', CLOSED)
        .orderBy('r.submitted_at')
        .orderBy('r.id')
        .orderBy('e.seq')
        .execute()
      const byId = new Map<string, RequestEvent[]>()
      for (const r of rows) {
        let list = byId.get(r.id)
        if (list === undefined) byId.set(r.id, (list = []))
        list.push(fromJson(dialect, r.event) as RequestEvent)
      }
      return [...byId].map(([id, events]) => replayed(id, events))
    },
  }
}
