/** Series (one variable at one station or basin), by id. */
import type { BasinId, SeriesId, StationId } from '../../core/ids.ts'
import type { SeriesRepository } from '../../observe/ports.ts'
import type { Series, SeriesKind, Unit, Variable } from '../../observe/types.ts'
import type { SeriesTable } from '../schema.ts'
import { atomically, type RepositoryContext, upsertRows } from './context.ts'

const toRow = (s: Series): SeriesTable => ({
  id: s.id,
  variable: s.variable,
  unit: s.unit,
  kind: s.kind,
  station_id: s.stationId,
  basin_id: s.basinId,
  step_ms: s.stepMs,
})

const fromRow = (r: SeriesTable): Series => ({
  id: r.id as SeriesId,
  variable: r.variable as Variable,
  unit: r.unit as Unit,
  kind: r.kind as SeriesKind,
  stationId: r.station_id as StationId | null,
  basinId: r.basin_id as BasinId | null,
  stepMs: r.step_ms,
})

/** The series repository of a store (or of one of its transactions). */
export function seriesRepository(ctx: RepositoryContext): SeriesRepository {
  return {
    upsert: (series) =>
      atomically(ctx.db, (trx) =>
        upsertRows(trx, ctx.dialect, 'series', ['id'], series.map(toRow)),
      ),
    async find(id) {
      const r = await ctx.db
        .selectFrom('series')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return r === undefined ? undefined : fromRow(r)
    },
    async list(filter = {}) {
      const rows = await ctx.db
        .selectFrom('series')
        .selectAll()
        .$if(filter.stationId !== undefined, (q) => q.where('station_id', '=', filter.stationId!))
        .$if(filter.basinId !== undefined, (q) => q.where('basin_id', '=', filter.basinId!))
        .orderBy('id')
        .execute()
      return rows.map(fromRow)
    },
  }
}
