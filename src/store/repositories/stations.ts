/** Gauging stations, by id. */
import type { BasinId, StationId } from '../../core/ids.ts'
import type { StationRepository } from '../../observe/ports.ts'
import type { Station } from '../../observe/types.ts'
import type { StationsTable } from '../schema.ts'
import { atomically, type RepositoryContext, upsertRows } from './context.ts'

const toRow = (s: Station): StationsTable => ({
  id: s.id,
  name: s.name,
  river: s.river,
  lat: s.lat,
  lon: s.lon,
  basin_id: s.basinId,
  catchment_area_km2: s.catchmentAreaKm2,
  datum_m: s.datumM,
})

const fromRow = (r: StationsTable): Station => ({
  id: r.id as StationId,
  name: r.name,
  river: r.river,
  lat: r.lat,
  lon: r.lon,
  basinId: r.basin_id as BasinId | null,
  catchmentAreaKm2: r.catchment_area_km2,
  datumM: r.datum_m,
})

/** The station repository of a store (or of one of its transactions). */
export function stationRepository(ctx: RepositoryContext): StationRepository {
  return {
    upsert: (stations) =>
      atomically(ctx.db, (trx) =>
        upsertRows(trx, ctx.dialect, 'stations', ['id'], stations.map(toRow)),
      ),
    async find(id) {
      const r = await ctx.db
        .selectFrom('stations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return r === undefined ? undefined : fromRow(r)
    },
    async list() {
      return (await ctx.db.selectFrom('stations').selectAll().orderBy('id').execute()).map(fromRow)
    },
  }
}
