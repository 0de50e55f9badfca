/**
 * Depots, each saved with optimistic concurrency on its `version` (the edits of the record; the
 * ledger's count of movements per depot is a column of its own, see ledger.ts).
 */
import { ConflictError, type DepotRepository } from '../../logistics/ports.ts'
import type { Depot, DepotId } from '../../logistics/types.ts'
import type { DepotsTable } from '../schema.ts'
import { atomically, type RepositoryContext } from './context.ts'

const depotOf = (r: Omit<DepotsTable, 'stock_version'>): Depot => ({
  id: r.id as DepotId,
  name: r.name,
  lat: r.lat,
  lon: r.lon,
  capacityM3: r.capacity_m3,
  version: r.version,
})

const COLUMNS = ['id', 'name', 'lat', 'lon', 'capacity_m3', 'version'] as const

/** The depot repository of a store (or of one of its transactions). */
export function depotRepository(ctx: RepositoryContext): DepotRepository {
  return {
    async list() {
      const rows = await ctx.db.selectFrom('depots').select(COLUMNS).orderBy('id').execute()
      return rows.map(depotOf)
    },

    async find(id) {
      const r = await ctx.db
        .selectFrom('depots')
        .select(COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst()
      return r === undefined ? undefined : depotOf(r)
    },

    async save(depot, expectedVersion) {
      if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0)
        throw new Error(`expectedVersion must be a non-negative integer, not ${expectedVersion}`)
      if (!(Number.isFinite(depot.capacityM3) && depot.capacityM3 >= 0))
        throw new Error(`depot ${depot.id}: capacity must be a finite number ≥ 0 m³`)
      const fields = {
        name: depot.name,
        lat: depot.lat,
        lon: depot.lon,
        capacity_m3: depot.capacityM3,
      }
      return atomically(ctx.db, async (trx) => {
        // A replacement: only of the version read (PostgreSQL re-checks it after waiting on a
        // concurrent writer's row lock).
        const replaced = await trx
          .updateTable('depots')
          .set({ ...fields, version: expectedVersion + 1 })
          .where('id', '=', depot.id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst()
        if (replaced.numUpdatedRows > 0n) return { ...depot, version: expectedVersion + 1 }
        if (expectedVersion === 0) {
          const created = await trx
            .insertInto('depots')
            .values({ id: depot.id, ...fields, version: 0 })
            .onConflict((oc) => oc.column('id').doNothing())
            .returning('id')
            .execute()
          if (created.length > 0) return { ...depot, version: 0 }
        }
        const stored = await trx
          .selectFrom('depots')
          .select('version')
          .where('id', '=', depot.id)
          .executeTakeFirst()
        throw new ConflictError(`depot ${depot.id}`, expectedVersion, stored?.version ?? 0)
      })
    },
  }
}
