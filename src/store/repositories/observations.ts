/**
 * Observations: one current value per (series, time), a revision number, and the history of
 * every value replaced. A batch is validated whole, then written in one transaction: all of it
 * or, when anything is wrong, none of it with every problem reported.
 *
 * Concurrent writers of the same series are serialised so that no revision is lost: where the
 * database locks rows, by locking the series' rows (in id order, so two writers cannot wait on
 * each other); in SQLite, by the database's single write lock taken at `BEGIN IMMEDIATE`.
 */
import type { Kysely } from 'kysely'
import type { EpochMs } from '../../core/brand.ts'
import type { SeriesId } from '../../core/ids.ts'
import type { ObservationRepository, WriteSummary } from '../../observe/ports.ts'
import type { Observation, StoredObservation } from '../../observe/types.ts'
import { rowsPerStatement, type StoreDialect } from '../dialect.ts'
import { RejectedBatchError } from '../errors.ts'
import type { StoreSchema } from '../schema.ts'
import { atomically, type RepositoryContext } from './context.ts'
import { type CurrentValue, planWrite, validateBatch } from './observation-plan.ts'

interface StoredRow {
  series_id: string
  t: number
  value: number
  quality: number
  revision: number
  received_at: number
}

const toStored = (r: StoredRow): StoredObservation => ({
  seriesId: r.series_id as SeriesId,
  t: r.t as EpochMs,
  value: r.value,
  quality: r.quality,
  revision: r.revision,
  receivedAt: r.received_at as EpochMs,
})

/** The observation repository of a store (or of one of its transactions). */
export function observationRepository(ctx: RepositoryContext): ObservationRepository {
  const { dialect } = ctx
  return {
    async write(batch: readonly Observation[], receivedAt: EpochMs): Promise<WriteSummary> {
      if (!Number.isSafeInteger(receivedAt))
        throw new Error(`receivedAt ${receivedAt} is not a whole number of ms`)
      const issues = validateBatch(batch)
      if (issues.length > 0) throw new RejectedBatchError(issues)
      if (batch.length === 0) return { inserted: 0, revised: 0, unchanged: 0 }
      return atomically(ctx.db, async (trx) => {
        await lockSeries(trx, dialect, batch)
        const fast = ctx.observationFastPath
        if (fast !== undefined) return fast.write(batch, receivedAt)
        return writePortable(trx, dialect, batch, receivedAt)
      })
    },

    async read(seriesId: SeriesId, from: EpochMs, to: EpochMs): Promise<StoredObservation[]> {
      const rows = await ctx.db
        .selectFrom('observations')
        .selectAll()
        .where('series_id', '=', seriesId)
        .where('t', '>=', from)
        .where('t', '<', to)
        .orderBy('t')
        .execute()
      return rows.map(toStored)
    },

    async history(seriesId: SeriesId, t: EpochMs): Promise<StoredObservation[]> {
      const old = await ctx.db
        .selectFrom('observation_revisions')
        .select(['series_id', 't', 'value', 'quality', 'revision', 'received_at'])
        .where('series_id', '=', seriesId)
        .where('t', '=', t)
        .orderBy('revision')
        .execute()
      const current = await ctx.db
        .selectFrom('observations')
        .selectAll()
        .where('series_id', '=', seriesId)
        .where('t', '=', t)
        .executeTakeFirst()
      const all = old.map(toStored)
      if (current !== undefined) all.push(toStored(current))
      return all
    },

    async latest(seriesId: SeriesId, before: EpochMs): Promise<StoredObservation | undefined> {
      const r = await ctx.db
        .selectFrom('observations')
        .selectAll()
        .where('series_id', '=', seriesId)
        .where('t', '<', before)
        .orderBy('t', 'desc')
        .limit(1)
        .executeTakeFirst()
      return r === undefined ? undefined : toStored(r)
    },

    async count(seriesId: SeriesId): Promise<number> {
      const r = await ctx.db
        .selectFrom('observations')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('series_id', '=', seriesId)
        .executeTakeFirstOrThrow()
      return Number(r.n)
    },
  }
}

/**
 * Checks that every series of the batch exists and, where the database locks rows, locks them
 * until the transaction ends, so that what the plan reads stays true until it is written.
 *
 * @throws RejectedBatchError naming every row of an unknown series
 */
async function lockSeries(
  trx: Kysely<StoreSchema>,
  dialect: StoreDialect,
  batch: readonly Observation[],
): Promise<void> {
  const ids = [...new Set(batch.map((o) => o.seriesId as string))].sort()
  const found = new Set<string>()
  const per = rowsPerStatement(dialect, 1)
  for (let i = 0; i < ids.length; i += per) {
    const rows = await trx
      .selectFrom('series')
      .select('id')
      .where('id', 'in', ids.slice(i, i + per))
      .orderBy('id')
      .$if(dialect.rowLocks, (q) => q.forNoKeyUpdate())
      .execute()
    for (const r of rows) found.add(r.id)
  }
  if (found.size === ids.length) return
  const issues = []
  for (let i = 0; i < batch.length; i++) {
    const s = batch[i]!.seriesId
    if (!found.has(s)) issues.push({ path: [i, 'seriesId'], message: `unknown series ${s}` })
  }
  throw new RejectedBatchError(issues)
}

/** Writes a batch with multi-row statements that every database of {@link StoreDialect} runs. */
async function writePortable(
  trx: Kysely<StoreSchema>,
  dialect: StoreDialect,
  batch: readonly Observation[],
  receivedAt: number,
): Promise<WriteSummary> {
  const current = await readCurrent(trx, dialect, batch)
  const plan = planWrite(batch, receivedAt, (s, t) => current.get(s)?.get(t))

  const perHistory = rowsPerStatement(dialect, 7)
  for (let i = 0; i < plan.replaced.length; i += perHistory) {
    await trx
      .insertInto('observation_revisions')
      .values(
        plan.replaced.slice(i, i + perHistory).map((r) => ({
          series_id: r.seriesId,
          t: r.t,
          revision: r.revision,
          value: r.value,
          quality: r.quality,
          received_at: r.receivedAt,
          replaced_at: receivedAt,
        })),
      )
      .execute()
  }

  const perValue = rowsPerStatement(dialect, 6)
  for (let i = 0; i < plan.upserts.length; i += perValue) {
    await trx
      .insertInto('observations')
      .values(
        plan.upserts.slice(i, i + perValue).map((u) => ({
          series_id: u.seriesId,
          t: u.t,
          value: u.value,
          quality: u.quality,
          revision: u.revision,
          received_at: receivedAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['series_id', 't']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          quality: eb.ref('excluded.quality'),
          revision: eb.ref('excluded.revision'),
          received_at: eb.ref('excluded.received_at'),
        })),
      )
      .execute()
  }
  return plan.summary
}

/** The stored values at the batch's (series, time) pairs, by series then time. */
async function readCurrent(
  trx: Kysely<StoreSchema>,
  dialect: StoreDialect,
  batch: readonly Observation[],
): Promise<Map<string, Map<number, CurrentValue>>> {
  const times = new Map<string, Set<number>>()
  for (const o of batch) {
    let s = times.get(o.seriesId)
    if (s === undefined) times.set(o.seriesId, (s = new Set()))
    s.add(o.t)
  }
  const out = new Map<string, Map<number, CurrentValue>>()
  const per = rowsPerStatement(dialect, 1) - 1
  for (const [seriesId, set] of times) {
    const ts = [...set]
    const m = new Map<number, CurrentValue>()
    out.set(seriesId, m)
    for (let i = 0; i < ts.length; i += per) {
      const rows = await trx
        .selectFrom('observations')
        .select(['t', 'value', 'quality', 'revision', 'received_at'])
        .where('series_id', '=', seriesId)
        .where('t', 'in', ts.slice(i, i + per))
        .execute()
      for (const r of rows)
        m.set(r.t, {
          value: r.value,
          quality: r.quality,
          revision: r.revision,
          receivedAt: r.received_at,
        })
    }
  }
  return out
}
