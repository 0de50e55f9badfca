/**
 * Incidents as event streams (event-streams.ts), with a row per incident holding what the
 * queries select on (post, warning, status, opening time), written with each append.
 */
import { type Incident, type IncidentEvent, replayIncident } from '../../command/incidents.ts'
import { ConflictError, type IncidentRepository } from '../../command/ports.ts'
import type { PostId } from '../../command/types.ts'
import { fromJson } from '../codec.ts'
import type { RepositoryContext } from './context.ts'
import { appendToStream, readStream } from './event-streams.ts'

/** The incident repository of a store (or of one of its transactions). */
export function incidentRepository(ctx: RepositoryContext): IncidentRepository {
  const { dialect } = ctx

  /** The incidents of `ids`' rows, replayed, in the order of `ids`. */
  async function replayed(ids: readonly string[]): Promise<Incident[]> {
    if (ids.length === 0) return []
    const events = new Map<string, IncidentEvent[]>()
    const per = Math.max(1, dialect.maxParameters - 1)
    for (let i = 0; i < ids.length; i += per) {
      const rows = await ctx.db
        .selectFrom('incident_events')
        .select(['incident_id', 'event'])
        .where('incident_id', 'in', ids.slice(i, i + per))
        .orderBy('incident_id')
        .orderBy('seq')
        .execute()
      for (const r of rows) {
        let list = events.get(r.incident_id)
        if (list === undefined) events.set(r.incident_id, (list = []))
        list.push(fromJson(dialect, r.event) as IncidentEvent)
      }
    }
    return ids.map((id) => replayIncident(events.get(id) ?? []))
  }

  /** The incidents not closed (`open`) or closed at `posts` (all when omitted), newest first. */
  async function byStatus(
    which: 'open' | 'closed',
    posts: readonly PostId[] | undefined,
  ): Promise<Incident[]> {
    if (posts !== undefined && posts.length === 0) return []
    const ids: { id: string; opened_at: number }[] = []
    const select = () =>
      ctx.db
        .selectFrom('incidents')
        .select(['id', 'opened_at'])
        .where('status', which === 'open' ? '<>' : '=', 'closed')
    if (posts === undefined) ids.push(...(await select().execute()))
    else {
      const per = Math.max(1, dialect.maxParameters - 2)
      for (let i = 0; i < posts.length; i += per)
        ids.push(
          ...(await select()
            .where('post_id', 'in', posts.slice(i, i + per))
            .execute()),
        )
    }
    // Newest first; at the same time, by id (in JS: the same order on every database).
    ids.sort((a, b) =>
      a.opened_at !== b.opened_at ? b.opened_at - a.opened_at : a.id < b.id ? -1 : 1,
    )
    return replayed(ids.map((r) => r.id))
  }

  return {
    append(incidentId, expectedVersion, events) {
      return appendToStream<IncidentEvent, Incident>(ctx, {
        table: 'incident_events',
        id: incidentId,
        expectedVersion,
        events,
        conflict: (expected, actual) =>
          new ConflictError(`incident ${incidentId}`, expected, actual),
        replay: (all) => {
          for (const e of all)
            if (e.incidentId !== incidentId)
              throw new Error(`event of incident ${e.incidentId} appended to ${incidentId}`)
          return replayIncident(all)
        },
        async summarise(db, s) {
          await db
            .insertInto('incidents')
            .values({
              id: s.id,
              post_id: s.post,
              warning_id: s.source.kind === 'warning' ? s.source.warningId : null,
              status: s.status,
              opened_at: s.openedAt,
              version: s.version,
            })
            .onConflict((oc) =>
              oc.column('id').doUpdateSet({ status: s.status, version: s.version }),
            )
            .execute()
        },
      })
    },

    async find(incidentId) {
      const events = (await readStream(ctx, 'incident_events', incidentId)) as IncidentEvent[]
      return events.length === 0 ? undefined : replayIncident(events)
    },

    async byWarning(warningId) {
      const rows = await ctx.db
        .selectFrom('incidents')
        .select('id')
        .where('warning_id', '=', warningId)
        .orderBy('opened_at')
        .orderBy('id')
        .execute()
      return replayed(rows.map((r) => r.id))
    },

    open: (posts) => byStatus('open', posts),
    closed: (posts) => byStatus('closed', posts),
  }
}
