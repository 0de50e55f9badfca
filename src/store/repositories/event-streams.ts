/**
 * Append-only event streams keyed by (stream, seq), seq 1, 2, … per stream: incidents, dispatch
 * orders, supply requests and area evacuations. An append reads the stream, refuses when it
 * does not hold the number of events the caller read, replays it with the new events (so an
 * event that does not follow is refused before anything is written), and inserts the next seqs
 * with `on conflict do nothing` — a writer that read the same stream concurrently (PostgreSQL;
 * SQLite serialises write transactions) finds its seqs taken and its whole append is rolled
 * back, as in warning-events.ts.
 */
import { type Kysely, sql } from 'kysely'
import { fromJson, toJson } from '../codec.ts'
import { rowsPerStatement } from '../dialect.ts'
import type { StoreSchema } from '../schema.ts'
import { atomically, type RepositoryContext } from './context.ts'

/** The stream tables and the column that names each one's stream. */
const STREAM_KEY = {
  incident_events: 'incident_id',
  dispatch_events: 'dispatch_id',
  evacuation_events: 'area_id',
  request_events: 'request_id',
} as const

export type StreamTable = keyof typeof STREAM_KEY

/** The events of one stream, oldest first (empty when there is none). */
export async function readStream(
  ctx: RepositoryContext,
  table: StreamTable,
  id: string,
): Promise<unknown[]> {
  return readWith(ctx.db, ctx, table, id)
}

async function readWith(
  db: Kysely<StoreSchema>,
  ctx: RepositoryContext,
  table: StreamTable,
  id: string,
): Promise<unknown[]> {
  const { rows } = await sql<{ event: unknown }>`select event from ${sql.table(table)}
    where ${sql.ref(STREAM_KEY[table])} = ${id} order by seq`.execute(db)
  return rows.map((r) => fromJson(ctx.dialect, r.event))
}

/** What an append needs to know of its stream. */
export interface StreamAppend<E extends { readonly at: number; readonly kind: string }, S> {
  readonly table: StreamTable
  readonly id: string
  readonly expectedVersion: number
  readonly events: readonly E[]
  /** The error for a stream found at `actual` events instead of `expected`. */
  conflict(expected: number, actual: number): Error
  /**
   * The state of the whole stream (the stored events then the new ones).
   * @throws Error when the events do not replay (the caller appended an event that does not follow)
   */
  replay(events: readonly E[]): S
  /** Writes what the queries need of the stream's new state, in the same transaction. */
  summarise?(db: Kysely<StoreSchema>, state: S): Promise<void>
}

/**
 * Appends events to a stream when it holds `expectedVersion` events, all or none.
 * @returns the number of events now stored
 * @throws the spec's conflict error when the stream holds another number of events
 * @throws Error when `expectedVersion` is not a non-negative integer, an event is not JSON, or
 *   the events do not follow the stored ones
 */
export async function appendToStream<E extends { readonly at: number; readonly kind: string }, S>(
  ctx: RepositoryContext,
  spec: StreamAppend<E, S>,
): Promise<number> {
  const { table, id, expectedVersion, events } = spec
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0)
    throw new Error(`expectedVersion must be a non-negative integer, not ${expectedVersion}`)
  const key = STREAM_KEY[table]
  const rows = events.map((e, i) => ({
    [key]: id,
    seq: expectedVersion + i + 1,
    at: e.at,
    kind: e.kind,
    event: toJson(e, `event ${expectedVersion + i + 1} of ${id}`),
  }))
  return atomically(ctx.db, async (trx) => {
    const stored = (await readWith(trx, ctx, table, id)) as E[]
    if (stored.length !== expectedVersion) throw spec.conflict(expectedVersion, stored.length)
    if (events.length === 0) return expectedVersion
    const state = spec.replay([...stored, ...events])
    const per = rowsPerStatement(ctx.dialect, 5)
    for (let i = 0; i < rows.length; i += per) {
      // The four tables have the same columns but for the stream's name, which the rows carry.
      const inserted = await trx
        .insertInto(table as 'incident_events')
        .values(rows.slice(i, i + per) as never)
        .onConflict((oc) => oc.columns([key, 'seq'] as never).doNothing())
        .returning('seq')
        .execute()
      // A concurrent writer took some of these seqs between our read and our insert.
      if (inserted.length < Math.min(per, rows.length - i))
        throw spec.conflict(expectedVersion, (await readWith(trx, ctx, table, id)).length)
    }
    await spec.summarise?.(trx, state)
    return expectedVersion + events.length
  })
}
