/**
 * Basins of the river network, by id. The outline, hypsometry and reach are JSON documents;
 * the downstream basin is a reference checked at commit, so a network loads in any order.
 */
import type { BasinId } from '../../core/ids.ts'
import type { BasinRepository } from '../../observe/ports.ts'
import type { Basin, ReachRoutingSpec } from '../../observe/types.ts'
import { fromJson, toJson } from '../codec.ts'
import type { StoreDialect } from '../dialect.ts'
import { atomically, type RepositoryContext, upsertRows } from './context.ts'

interface BasinRow {
  id: string
  name: string
  area_km2: number
  outline: unknown
  hypsometry: unknown
  downstream_id: string | null
  reach: unknown
}

const toRow = (b: Basin) => ({
  id: b.id,
  name: b.name,
  area_km2: b.areaKm2,
  outline:
    b.outline === null || b.outline === undefined
      ? null
      : toJson(b.outline, `basin ${b.id} outline`),
  hypsometry: b.hypsometry === null ? null : toJson(b.hypsometry, `basin ${b.id} hypsometry`),
  downstream_id: b.downstream?.basinId ?? null,
  reach: b.downstream === null ? null : toJson(b.downstream.reach, `basin ${b.id} reach`),
})

function fromRow(dialect: StoreDialect, r: BasinRow): Basin {
  return {
    id: r.id as BasinId,
    name: r.name,
    areaKm2: r.area_km2,
    outline: fromJson(dialect, r.outline),
    hypsometry: fromJson(dialect, r.hypsometry) as number[] | null,
    downstream:
      r.downstream_id === null
        ? null
        : {
            basinId: r.downstream_id as BasinId,
            reach: fromJson(dialect, r.reach) as ReachRoutingSpec,
          },
  }
}

/** The basin repository of a store (or of one of its transactions). */
export function basinRepository(ctx: RepositoryContext): BasinRepository {
  return {
    upsert: (basins) =>
      atomically(ctx.db, (trx) =>
        upsertRows(trx, ctx.dialect, 'basins', ['id'], basins.map(toRow)),
      ),
    async find(id) {
      const r = await ctx.db
        .selectFrom('basins')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return r === undefined ? undefined : fromRow(ctx.dialect, r)
    },
    async list() {
      const rows = await ctx.db.selectFrom('basins').selectAll().orderBy('id').execute()
      return rows.map((r) => fromRow(ctx.dialect, r))
    },
  }
}
