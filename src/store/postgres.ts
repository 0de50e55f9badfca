/**
 * PostgreSQL through a pg connection pool, behind Kysely. The same repositories run on it as
 * on SQLite; what differs is in the capability flags of {@link POSTGRES}.
 */
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { StoreSchema } from './schema.ts'

/** Options of the PostgreSQL connection pool. */
export interface PostgresOptions {
  /**
   * A schema to create if missing and to work in (it leads every connection's search_path),
   * e.g. one per test run; by default the server's search_path decides.
   */
  readonly schema?: string
  /** Connections in the pool (default 10). */
  readonly poolSize?: number
}

const INT8_OID = 20

/**
 * int8 (bigint, and count(*)) comes back from pg as text, since it may exceed 2^53. Every
 * bigint of Freshet is an epoch-ms time, a step or a count, all far below that, so they are
 * read as numbers — and a value that would not fit is an error rather than a rounded number.
 */
function parseInt8(text: string): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${text} does not fit a number exactly`)
  return n
}

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8
    return pg.types.getTypeParser(oid, format)
  },
} as pg.CustomTypesConfig

/** A schema name that needs no quoting anywhere (it also goes into a connection option). */
const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * Opens a pool on a PostgreSQL server and checks that it answers.
 *
 * @param url `postgres://user[:password]@host[:port]/database`
 * @throws Error when the server cannot be reached or refuses the connection, or when the
 *   schema name is not lower-case letters, digits and `_`
 */
export async function openPostgres(
  url: string,
  options: PostgresOptions = {},
): Promise<Kysely<StoreSchema>> {
  const schema = options.schema
  if (schema !== undefined && !SCHEMA_RE.test(schema))
    throw new Error(`schema name ${JSON.stringify(schema)} is not [a-z_][a-z0-9_]*`)
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: typeParsers,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  })
  // An idle connection that the server drops emits 'error' on the pool, which would end the
  // process if nobody listened; the pool discards it and the next query opens another.
  pool.on('error', () => {})
  const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) })
  try {
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db)
    else await sql`select 1`.execute(db)
  } catch (e) {
    await db.destroy()
    throw e
  }
  return db
}
