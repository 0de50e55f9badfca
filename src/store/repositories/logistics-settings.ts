/**
 * Versioned logistics documents kept in the `settings` table under keys of their own
 * (`logistics.<kind>:<id>`): the per-person norms, the allocation settings, each area's exposed
 * population, the area of each depot and the allocation plans. Each value is stored as the JSON
 * text `{"version": n, "doc": …}`; a write names the version it read and is refused with a
 * ConflictError when another writer moved it on (the update is conditional on the very text
 * read, so two writers that read the same version cannot both succeed).
 *
 * No table of its own: these are small documents read and written whole, and the settings
 * table already offers a key and a text value on every database.
 */
import { ConflictError } from '../../logistics/ports.ts'
import { atomically, type RepositoryContext } from './context.ts'

/** A stored document with its version (0 for the first write; each write adds one). */
export interface Versioned<T> {
  readonly key: string
  readonly version: number
  readonly doc: T
}

/** Logistics documents by key. */
export interface LogisticsSettingsRepository {
  /** @returns the document, or undefined when the key was never written */
  find<T>(key: string): Promise<Versioned<T> | undefined>
  /** Every document whose key starts with `prefix`, by key. */
  list<T>(prefix: string): Promise<Versioned<T>[]>
  /**
   * Writes `doc` under `key`: a new key when `expectedVersion` is undefined or -1 (stored at
   * version 0), else over the stored version `expectedVersion` (stored at `expectedVersion + 1`).
   * With `expectedVersion` undefined an existing key is overwritten whatever its version.
   *
   * @returns the version stored
   * @throws ConflictError when the stored version is not the one expected (or the key exists
   *   when -1 is given); nothing is written
   */
  put<T>(key: string, doc: T, expectedVersion?: number): Promise<number>
}

interface Stored {
  readonly version: number
  readonly doc: unknown
}

function parse(key: string, text: string): Stored {
  let v: Partial<Stored> | null
  try {
    v = JSON.parse(text) as Partial<Stored> | null
  } catch {
    v = null
  }
  if (v === null || typeof v !== 'object' || typeof v.version !== 'number' || !('doc' in v))
    throw new Error(`setting ${key} is not a versioned logistics document`)
  return { version: v.version, doc: v.doc }
}

/** A LIKE pattern matching at least every key that starts with `prefix` (wildcards widen it). */
const likePrefix = (prefix: string): string => prefix.replace(/[\\%_]/g, '_') + '%'

/** The repository of a store (or of one of its transactions). */
export function logisticsSettingsRepository(ctx: RepositoryContext): LogisticsSettingsRepository {
  return {
    async find<T>(key: string) {
      const r = await ctx.db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirst()
      if (r === undefined) return undefined
      const s = parse(key, r.value)
      return { key, version: s.version, doc: s.doc as T }
    },

    async list<T>(prefix: string) {
      const rows = await ctx.db
        .selectFrom('settings')
        .select(['key', 'value'])
        .where('key', 'like', likePrefix(prefix))
        .orderBy('key')
        .execute()
      // LIKE narrows the rows; the exact test is here (escaping differs between databases).
      return rows
        .filter((r) => r.key.startsWith(prefix))
        .map((r) => {
          const s = parse(r.key, r.value)
          return { key: r.key, version: s.version, doc: s.doc as T }
        })
    },

    async put<T>(key: string, doc: T, expectedVersion?: number) {
      if (
        expectedVersion !== undefined &&
        (!Number.isSafeInteger(expectedVersion) || expectedVersion < -1)
      )
        throw new Error(`expectedVersion must be an integer ≥ -1, not ${expectedVersion}`)
      return atomically(ctx.db, async (trx) => {
        const old = await trx
          .selectFrom('settings')
          .select('value')
          .where('key', '=', key)
          .executeTakeFirst()
        const current = old === undefined ? undefined : parse(key, old.value)
        const actual = current?.version ?? -1
        if (expectedVersion !== undefined && expectedVersion !== actual)
          throw new ConflictError(`setting ${key}`, expectedVersion, actual)
        const version = actual + 1
        const value = JSON.stringify({ version, doc })
        if (old === undefined) {
          const created = await trx
            .insertInto('settings')
            .values({ key, value })
            .onConflict((oc) => oc.column('key').doNothing())
            .returning('key')
            .execute()
          if (created.length > 0) return version
        } else {
          const updated = await trx
            .updateTable('settings')
            .set({ value })
            .where('key', '=', key)
            .where('value', '=', old.value)
            .executeTakeFirst()
          if (updated.numUpdatedRows > 0n) return version
        }
        const now = await trx
          .selectFrom('settings')
          .select('value')
          .where('key', '=', key)
          .executeTakeFirst()
        throw new ConflictError(
          `setting ${key}`,
          actual,
          now === undefined ? -1 : parse(key, now.value).version,
        )
      })
    },
  }
}
