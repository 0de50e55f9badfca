/**
 * Each warning zone's lifecycle events, append-only, numbered 1, 2, … per zone. The key
 * (zone_id, seq) is the optimistic-concurrency check: an append reads the zone's last seq,
 * refuses when it is not the one the caller read, and inserts the next seqs with `on conflict
 * do nothing` — so a writer that read the same stream concurrently (PostgreSQL; SQLite
 * serialises write transactions) finds its seqs taken, and its whole append is rolled back.
 */
import { assertNever } from '../../core/errors.ts'
import type { WarningEvent } from '../../warn/lifecycle.ts'
import { ConflictError, type WarningRepository } from '../../warn/ports.ts'
import type { WarningZoneId } from '../../warn/types.ts'
import { fromJson, toJson } from '../codec.ts'
import { rowsPerStatement } from '../dialect.ts'
import type { WarningEventsTable } from '../schema.ts'
import { atomically, type RepositoryContext } from './context.ts'

/** Whether the zone has an active warning and a pending draft: what `applyEvent` does to them. */
interface Open {
  readonly active: boolean
  readonly pending: boolean
}

function openAfter(o: Open, e: WarningEvent): Open {
  switch (e.kind) {
    case 'drafted':
      return { ...o, pending: true }
    case 'draft-discarded':
      return { ...o, pending: false }
    case 'approved':
      return o
    case 'issued':
    case 'updated':
      return { active: true, pending: false }
    case 'cancelled':
    case 'expired':
      return { active: false, pending: false }
    default:
      return assertNever(e)
  }
}

/** The warning-event repository of a store (or of one of its transactions). */
export function warningRepository(ctx: RepositoryContext): WarningRepository {
  const { dialect } = ctx

  async function head(
    db: RepositoryContext['db'],
    zoneId: WarningZoneId,
  ): Promise<Pick<WarningEventsTable, 'seq' | 'active' | 'pending'> | undefined> {
    return db
      .selectFrom('warning_events')
      .select(['seq', 'active', 'pending'])
      .where('zone_id', '=', zoneId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst()
  }

  return {
    async appendEvents(zoneId, expectedSeq, events) {
      if (!Number.isSafeInteger(expectedSeq) || expectedSeq < 0)
        throw new Error(`expectedSeq must be a non-negative integer, not ${expectedSeq}`)
      const docs = events.map((e, i) =>
        toJson(e, `warning event ${expectedSeq + i + 1} of zone ${zoneId}`),
      )
      return atomically(ctx.db, async (trx) => {
        const last = await head(trx, zoneId)
        const actual = last?.seq ?? 0
        if (actual !== expectedSeq) throw new ConflictError(zoneId, expectedSeq, actual)
        let open: Open = { active: last?.active === 1, pending: last?.pending === 1 }
        const rows = events.map((e, i) => {
          open = openAfter(open, e)
          return {
            zone_id: zoneId,
            seq: expectedSeq + i + 1,
            at: e.at,
            kind: e.kind,
            warning_id: e.warningId,
            event: docs[i]!,
            active: open.active ? 1 : 0,
            pending: open.pending ? 1 : 0,
          }
        })
        const per = rowsPerStatement(dialect, 8)
        for (let i = 0; i < rows.length; i += per) {
          const inserted = await trx
            .insertInto('warning_events')
            .values(rows.slice(i, i + per))
            .onConflict((oc) => oc.columns(['zone_id', 'seq']).doNothing())
            .returning('seq')
            .execute()
          // A concurrent writer took some of these seqs between our read and our insert (its
          // insert won the key): the atomically() around this rolls back what we inserted.
          if (inserted.length < Math.min(per, rows.length - i))
            throw new ConflictError(zoneId, expectedSeq, (await head(trx, zoneId))?.seq ?? 0)
        }
        return expectedSeq + events.length
      })
    },

    async events(zoneId, afterSeq = 0) {
      const rows = await ctx.db
        .selectFrom('warning_events')
        .select('event')
        .where('zone_id', '=', zoneId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .execute()
      return rows.map((r) => fromJson(dialect, r.event) as WarningEvent)
    },

    async lastSeq(zoneId) {
      return (await head(ctx.db, zoneId))?.seq ?? 0
    },

    async zonesWithOpenWarnings() {
      const rows = await ctx.db
        .selectFrom('warning_events as w')
        .select('w.zone_id')
        .where((eb) => eb.or([eb('w.active', '=', 1), eb('w.pending', '=', 1)]))
        .where('w.seq', '=', (eb) =>
          eb
            .selectFrom('warning_events as x')
            .select((x) => x.fn.max('x.seq').as('m'))
            .whereRef('x.zone_id', '=', 'w.zone_id'),
        )
        .orderBy('w.zone_id')
        .execute()
      return rows.map((r) => r.zone_id as WarningZoneId)
    },
  }
}
