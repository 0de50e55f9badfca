/**
 * The item catalogue: what each item is counted in and how much room one unit takes. The
 * ledger needs it to tell a depot's packed volume; src/logistics keeps the default catalogue
 * (`DEFAULT_CATALOGUE`) but declares no port for it, so the store offers this one.
 */
import type { Item, ItemCategory, ItemId, ItemUnit } from '../../logistics/types.ts'
import type { ItemsTable } from '../schema.ts'
import { atomically, type RepositoryContext } from './context.ts'
import { rowsPerStatement } from '../dialect.ts'

/** The item catalogue. */
export interface CatalogueRepository {
  /** Adds items, or replaces those of the same id, all or none. */
  upsert(items: readonly Item[]): Promise<void>
  /** Every item, by id. */
  list(): Promise<Item[]>
  /** @returns the item, or undefined when there is none with this id */
  find(id: ItemId): Promise<Item | undefined>
}

const itemOf = (r: ItemsTable): Item => ({
  id: r.id as ItemId,
  name: r.name,
  unit: r.unit as ItemUnit,
  volumePerUnitM3: r.volume_per_unit_m3,
  category: r.category as ItemCategory,
})

/** The catalogue repository of a store (or of one of its transactions). */
export function catalogueRepository(ctx: RepositoryContext): CatalogueRepository {
  return {
    async upsert(items) {
      for (const it of items)
        if (!(Number.isFinite(it.volumePerUnitM3) && it.volumePerUnitM3 >= 0))
          throw new Error(`item ${it.id}: volume per unit must be a finite number ≥ 0 m³`)
      const byId = new Map(items.map((it) => [it.id, it]))
      const rows = [...byId.values()].map((it) => ({
        id: it.id,
        name: it.name,
        unit: it.unit,
        volume_per_unit_m3: it.volumePerUnitM3,
        category: it.category,
      }))
      const per = rowsPerStatement(ctx.dialect, 5)
      await atomically(ctx.db, async (trx) => {
        for (let i = 0; i < rows.length; i += per)
          await trx
            .insertInto('items')
            .values(rows.slice(i, i + per))
            .onConflict((oc) =>
              oc.column('id').doUpdateSet((eb) => ({
                name: eb.ref('excluded.name'),
                unit: eb.ref('excluded.unit'),
                volume_per_unit_m3: eb.ref('excluded.volume_per_unit_m3'),
                category: eb.ref('excluded.category'),
              })),
            )
            .execute()
      })
    },

    async list() {
      return (await ctx.db.selectFrom('items').selectAll().orderBy('id').execute()).map(itemOf)
    },

    async find(id) {
      const r = await ctx.db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst()
      return r === undefined ? undefined : itemOf(r)
    },
  }
}
