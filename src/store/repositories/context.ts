/**
 * What every repository is built on: a Kysely handle (the store's root or a transaction), the
 * dialect's capability flags, and the helpers that make "all or none" and "insert or replace"
 * read the same in every repository.
 */
import { type Kysely, sql } from 'kysely'
import { rowsPerStatement, type StoreDialect } from '../dialect.ts'
import type { StoreSchema } from '../schema.ts'
import type { ObservationFastPath } from './observation-plan.ts'

/** The handle and capabilities a repository works with. */
export interface RepositoryContext {
  /** The store's root handle, or the transaction the repository is bound to. */
  readonly db: Kysely<StoreSchema>
  readonly dialect: StoreDialect
  /**
   * A faster writer of observation batches where the driver offers one (SQLite's synchronous
   * prepared statements). It is called only inside a transaction, on the connection that holds
   * it, so it sees and joins that transaction.
   */
  readonly observationFastPath: ObservationFastPath | undefined
}

let savepoints = 0

/**
 * Runs `fn` all or none: in a new transaction on the root handle, or inside a savepoint when
 * `db` is already a transaction (so a failed call leaves the caller's transaction as it was,
 * even if the caller catches the error and goes on).
 *
 * @returns what `fn` returns, after commit (or release of the savepoint)
 * @throws what `fn` throws, after rolling back
 */
export async function atomically<T>(
  db: Kysely<StoreSchema>,
  fn: (trx: Kysely<StoreSchema>) => Promise<T>,
): Promise<T> {
  if (!db.isTransaction) return db.transaction().execute(fn)
  const name = sql.id(`freshet_sp_${++savepoints}`)
  await sql`savepoint ${name}`.execute(db)
  let result: T
  try {
    result = await fn(db)
  } catch (e) {
    try {
      await sql`rollback to savepoint ${name}`.execute(db)
      await sql`release savepoint ${name}`.execute(db)
    } catch {
      // The transaction itself is gone (the database rolled it back); the caller learns of it
      // from the first error, which is the one worth reporting.
    }
    throw e
  }
  await sql`release savepoint ${name}`.execute(db)
  return result
}

/** Tables whose rows are inserted or replaced by key. */
export type UpsertTable =
  | 'stations'
  | 'basins'
  | 'series'
  | 'thresholds'
  | 'model_configs'
  | 'model_states'
  | 'forcing_forecasts'
  | 'basin_forecasts'
  | 'cap_alerts'
  | 'subscriptions'
  | 'zone_evaluations'

/**
 * Inserts rows, replacing the row of the same key where there is one (every non-key column is
 * overwritten), in multi-row statements. Rows sharing a key keep the last one: the order a
 * caller gave, and what one statement may not do twice in PostgreSQL.
 *
 * Call inside {@link atomically} when there may be more rows than one statement carries.
 *
 * @param key the primary-key columns of `table`
 * @param rows rows of `table`, every one with the same columns
 */
export async function upsertRows(
  db: Kysely<StoreSchema>,
  dialect: StoreDialect,
  table: UpsertTable,
  key: readonly string[],
  rows: readonly object[],
): Promise<void> {
  const first = rows[0]
  if (first === undefined) return
  const byKey = new Map<string, object>()
  for (const r of rows)
    byKey.set(JSON.stringify(key.map((k) => (r as Record<string, unknown>)[k])), r)
  const unique = [...byKey.values()]
  const columns = Object.keys(first)
  const update = Object.fromEntries(
    columns.filter((c) => !key.includes(c)).map((c) => [c, sql.ref(`excluded.${c}`)]),
  )
  const per = rowsPerStatement(dialect, columns.length)
  for (let i = 0; i < unique.length; i += per) {
    // The table is a union of names, so Kysely cannot type the values: the row mappers of each
    // repository give the columns their types.
    await db
      .insertInto(table)
      .values(unique.slice(i, i + per) as never)
      .onConflict((oc) => oc.columns(key as never).doUpdateSet(update as never))
      .execute()
  }
}
