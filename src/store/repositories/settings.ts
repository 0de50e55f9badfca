/**
 * Server settings that must outlive a restart, by key: written once, then read (for instance
 * the secret that signs acknowledgment links, so that links sent before a restart still work).
 */
import type { RepositoryContext } from './context.ts'

/** Settings by key. */
export interface SettingsRepository {
  /** @returns undefined when the key was never set */
  find(key: string): Promise<string | undefined>
  /**
   * Sets `key` to `value` unless it is set already (two servers starting together agree on one).
   * @returns the value stored under `key` afterwards
   */
  setIfAbsent(key: string, value: string): Promise<string>
}

/** The settings repository of a store (or of one of its transactions). */
export function settingsRepository(ctx: RepositoryContext): SettingsRepository {
  const find = async (key: string): Promise<string | undefined> =>
    (await ctx.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())
      ?.value
  return {
    find,
    async setIfAbsent(key, value) {
      await ctx.db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute()
      const stored = await find(key)
      if (stored === undefined) throw new Error(`setting ${key} was not stored`)
      return stored
    },
  }
}
