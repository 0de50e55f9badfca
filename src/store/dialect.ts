/**
 * What repositories need to know about the database under them, as capability flags. A
 * repository asks "can I lock rows?" or "which type holds JSON?", never "is this PostgreSQL?",
 * so a third database is one more value of {@link StoreDialect}, not an edit in every file.
 */

/** The capabilities of one database, read by migrations and repositories. */
export interface StoreDialect {
  /** For messages and logs only: never branch on it. */
  readonly name: string
  /** How an insert becomes an update on a key clash (both databases: `INSERT … ON CONFLICT`). */
  readonly upsert: 'on conflict'
  /** Whether `INSERT/UPDATE … RETURNING` works. */
  readonly returning: boolean
  /** The column type JSON documents are stored in. */
  readonly jsonType: 'text' | 'jsonb'
  /** Whether the driver hands JSON columns back already parsed (pg does for jsonb). */
  readonly jsonParsedByDriver: boolean
  /** The column type byte strings are stored in; the driver reads and writes `Buffer`s. */
  readonly blobType: 'blob' | 'bytea'
  /**
   * Whether `SELECT … FOR NO KEY UPDATE` locks rows. Where it does, concurrent transactions
   * run side by side and a writer serialises with others by locking the rows it depends on;
   * where it does not (SQLite), every write transaction holds the database's single write lock
   * from its first statement (`BEGIN IMMEDIATE`), so there is nothing to lock.
   */
  readonly rowLocks: boolean
  /**
   * Whether a table can be stored clustered on its primary key (SQLite `WITHOUT ROWID`), which
   * halves the work of key lookups on tables read and written only by key.
   */
  readonly clusteredTables: boolean
  /** The most bound parameters one statement may carry. */
  readonly maxParameters: number
  /**
   * How an append-only table gets an ascending integer key on insert: SQLite's `integer
   * primary key` (an alias of the rowid) or PostgreSQL's `generated always as identity`.
   */
  readonly identity: 'rowid' | 'generated'
  /**
   * Whether tables live in named schemas (PostgreSQL): the migration tables are then looked
   * for in the connection's current schema only, not in any schema of the database.
   */
  readonly namedSchemas: boolean
}

/** SQLite 3.35 or later through better-sqlite3. */
export const SQLITE: StoreDialect = {
  name: 'sqlite',
  namedSchemas: false,
  upsert: 'on conflict',
  returning: true,
  jsonType: 'text',
  jsonParsedByDriver: false,
  blobType: 'blob',
  rowLocks: false,
  clusteredTables: true,
  // SQLITE_MAX_VARIABLE_NUMBER of every SQLite since 3.32.
  maxParameters: 32_766,
  identity: 'rowid',
}

/** PostgreSQL 12 or later through pg. */
export const POSTGRES: StoreDialect = {
  name: 'postgres',
  namedSchemas: true,
  upsert: 'on conflict',
  returning: true,
  jsonType: 'jsonb',
  jsonParsedByDriver: true,
  blobType: 'bytea',
  rowLocks: true,
  clusteredTables: false,
  // The wire protocol counts parameters in an unsigned 16-bit field.
  maxParameters: 65_535,
  identity: 'generated',
}

/**
 * Rows per multi-row statement for a table of `columns` columns: as many as the parameter
 * limit allows, capped so that one statement stays a few hundred kilobytes of SQL.
 */
export function rowsPerStatement(dialect: StoreDialect, columns: number): number {
  return Math.max(1, Math.min(1000, Math.floor(dialect.maxParameters / columns)))
}
