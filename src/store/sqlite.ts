/**
 * The embedded database: one SQLite file through better-sqlite3, behind Kysely.
 *
 * Durability. The file is in WAL mode: a commit appends the transaction to the write-ahead
 * log and returns once the log has been handed to the operating system. A process that is
 * killed at any moment therefore loses nothing it committed — the log is replayed by the next
 * connection — and never leaves half a transaction: a batch is in the database whole or not
 * at all. With `synchronous = NORMAL` (the default here) the log is not flushed to the disk at
 * each commit, so an operating-system crash or a power cut can lose the last commits (never
 * corrupt the file); `synchronous = FULL` flushes at every commit and survives those too, at
 * the price of one fsync per transaction. `sqlite-durability.test.ts` kills a writer mid-run.
 *
 * Concurrency. better-sqlite3 is one synchronous connection; Kysely lends it to one
 * transaction at a time. Every transaction starts with `BEGIN IMMEDIATE`, taking the write
 * lock first, so that a transaction that reads then writes cannot deadlock against another
 * process's; other processes wait for the lock up to the busy timeout. Open one store per file
 * in a process: better-sqlite3 waits for a lock synchronously, so a second connection in the
 * same process would block the very event loop the lock holder needs to finish.
 */
import Database from 'better-sqlite3'
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely'
import type { Observation } from '../observe/types.ts'
import type { WriteSummary } from '../observe/ports.ts'
import type { ObservationFastPath } from './repositories/observation-plan.ts'
import { planWrite } from './repositories/observation-plan.ts'
import type { StoreSchema } from './schema.ts'

/** How long a writer waits for another process's write lock before failing (ms). */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000

/** Options of the SQLite connection. */
export interface SqliteOptions {
  /**
   * `normal` (default): a killed process loses no committed transaction; a power cut may lose
   * the last ones. `full`: nothing committed is lost either way; one fsync per commit.
   */
  readonly synchronous?: 'normal' | 'full'
}

class ImmediateSqliteDriver extends SqliteDriver {
  // A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
  // another connection wrote in between; one that takes the write lock first just waits.
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  // SQLite runs DDL inside transactions; saying so makes the Migrator apply each migration
  // in one, so a migration interrupted halfway leaves no half-built schema.
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

class FreshetSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig
  constructor(config: SqliteDialectConfig) {
    super(config)
    this.#config = config
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config)
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter()
  }
}

/** An open SQLite database: the Kysely handle and the raw connection under it. */
export interface SqliteHandle {
  readonly db: Kysely<StoreSchema>
  readonly raw: Database.Database
}

/**
 * Opens (creating if missing) a SQLite database file and sets it up for Freshet: WAL journal,
 * foreign keys enforced, a busy timeout, the chosen synchronous level.
 *
 * @param path a file path, or `:memory:`
 * @throws Error when the file cannot be opened or is not a database
 */
export function openSqlite(path: string, options: SqliteOptions = {}): SqliteHandle {
  const raw = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS })
  try {
    raw.pragma('journal_mode = WAL')
    raw.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    raw.pragma('foreign_keys = ON')
    raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`)
  } catch (e) {
    raw.close()
    throw e
  }
  const db = new Kysely<StoreSchema>({ dialect: new FreshetSqliteDialect({ database: raw }) })
  return { db, raw }
}

/**
 * Observation batches through better-sqlite3's prepared statements, one row at a time: in
 * SQLite a prepared statement step costs about a microsecond, well below what building and
 * parsing a multi-row statement costs per row. Same plan as the portable writer.
 *
 * Only to be called while the connection is inside a transaction that this caller holds.
 */
export class SqliteObservationWriter implements ObservationFastPath {
  readonly #select: Database.Statement<[string, number], [number, number, number, number]>
  readonly #upsert: Database.Statement<[string, number, number, number, number, number]>
  readonly #history: Database.Statement<[string, number, number, number, number, number, number]>

  /** Prepares the statements; the schema must be migrated. */
  constructor(raw: Database.Database) {
    this.#select = raw
      .prepare<[string, number], [number, number, number, number]>(
        'select value, quality, revision, received_at from observations where series_id = ? and t = ?',
      )
      .raw(true)
    this.#upsert = raw.prepare(
      `insert into observations (series_id, t, value, quality, revision, received_at)
       values (?, ?, ?, ?, ?, ?)
       on conflict (series_id, t) do update set value = excluded.value,
         quality = excluded.quality, revision = excluded.revision,
         received_at = excluded.received_at`,
    )
    this.#history = raw.prepare(
      `insert into observation_revisions
         (series_id, t, revision, value, quality, received_at, replaced_at)
       values (?, ?, ?, ?, ?, ?, ?)`,
    )
  }

  write(batch: readonly Observation[], receivedAt: number): WriteSummary {
    const select = this.#select
    const plan = planWrite(batch, receivedAt, (s, t) => {
      const r = select.get(s, t)
      return r === undefined
        ? undefined
        : { value: r[0], quality: r[1], revision: r[2], receivedAt: r[3] }
    })
    for (const h of plan.replaced)
      this.#history.run(h.seriesId, h.t, h.revision, h.value, h.quality, h.receivedAt, receivedAt)
    for (const u of plan.upserts)
      this.#upsert.run(u.seriesId, u.t, u.value, u.quality, u.revision, receivedAt)
    return plan.summary
  }
}
