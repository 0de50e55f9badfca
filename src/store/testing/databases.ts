/**
 * Runs a contract suite against every database the store supports: SQLite in a temporary
 * file (with the prepared-statement observation writer, and again with the portable one that
 * PostgreSQL uses), and PostgreSQL when FRESHET_PG_URL is set — each test in a fresh store
 * (a new file, or a new schema with a random name, dropped afterwards).
 *
 * For tests only.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterEach, beforeEach, describe } from 'vitest'
import { openStore, type Store } from '../store.ts'

/** The PostgreSQL server to test against, if any (e.g. postgres://postgres@127.0.0.1:5432/test). */
export const PG_URL: string | undefined =
  process.env['FRESHET_PG_URL'] === '' ? undefined : process.env['FRESHET_PG_URL']

/** A fresh store and how to get rid of it. */
export interface OpenedStore {
  readonly store: Store
  dispose(): Promise<void>
}

/** A database a contract suite runs against. */
export interface StoreTarget {
  readonly name: string
  /** False when the database is not available here (the suite is then skipped, visibly). */
  readonly enabled: boolean
  /** Opens a fresh, empty, migrated store. */
  open(): Promise<OpenedStore>
}

function sqliteTarget(name: string, observationFastPath: boolean): StoreTarget {
  return {
    name,
    enabled: true,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'freshet-store-'))
      const store = await openStore(join(dir, 'test.db'), { observationFastPath })
      return {
        store,
        async dispose() {
          await store.close()
          rmSync(dir, { recursive: true, force: true })
        },
      }
    },
  }
}

/** A schema name no other test run will pick. */
export const randomSchemaName = (): string => `freshet_test_${randomBytes(6).toString('hex')}`

/**
 * The advisory lock test schemas are created, migrated and dropped under. Migrating looks at
 * every table of the database (the migrator's introspection), which fails with "schema … does
 * not exist" when another test process drops its schema at that moment; holding this lock
 * around both keeps test processes from stepping on each other.
 */
const SCHEMA_LOCK = 727_274_001

/** Runs `fn` holding {@link SCHEMA_LOCK} (on a connection of its own). */
async function underSchemaLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('select pg_advisory_lock($1)', [SCHEMA_LOCK])
    return await fn()
  } finally {
    await client.end()
  }
}

/** Drops a test schema with everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  await underSchemaLock(url, async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(`drop schema if exists ${schema} cascade`)
    } finally {
      await client.end()
    }
  })
}

/** Opens a store in a new schema of its own, under {@link SCHEMA_LOCK}. */
export function openTestSchema(url: string, schema: string): Promise<Store> {
  return underSchemaLock(url, () => openStore(url, { schema }))
}

const postgresTarget: StoreTarget = {
  name: 'postgres',
  enabled: PG_URL !== undefined,
  async open() {
    const url = PG_URL!
    const schema = randomSchemaName()
    let store: Store
    try {
      store = await openTestSchema(url, schema)
    } catch (e) {
      // A half-migrated schema would be left behind for every later run to trip over.
      await dropSchema(url, schema)
      throw e
    }
    return {
      store,
      async dispose() {
        await store.close()
        await dropSchema(url, schema)
      },
    }
  },
}

/** Every database, in the order suites run on them. */
export const STORE_TARGETS: readonly StoreTarget[] = [
  sqliteTarget('sqlite', true),
  sqliteTarget('sqlite, portable observation writer', false),
  postgresTarget,
]

let noticeShown = false

/**
 * Declares `body` once per database of {@link STORE_TARGETS}, each test with a fresh store
 * returned by `store()`. Without FRESHET_PG_URL the PostgreSQL suite is skipped and a line
 * says so.
 */
export function describeStores(
  title: string,
  body: (store: () => Store, target: StoreTarget) => void,
): void {
  if (PG_URL === undefined && !noticeShown) {
    noticeShown = true
    console.warn(
      'FRESHET_PG_URL is not set: the PostgreSQL half of the store contract tests is skipped ' +
        '(e.g. FRESHET_PG_URL=postgres://postgres@127.0.0.1:5432/test)',
    )
  }
  for (const target of STORE_TARGETS) {
    describe.skipIf(!target.enabled)(`${title} [${target.name}]`, () => {
      let opened: OpenedStore | undefined
      beforeEach(async () => {
        opened = await target.open()
      })
      afterEach(async () => {
        await opened?.dispose()
        opened = undefined
      })
      body(() => {
        if (opened === undefined) throw new Error('no store: use store() inside a test')
        return opened.store
      }, target)
    })
  }
}
