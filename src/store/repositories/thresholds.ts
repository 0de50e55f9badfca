/** Thresholds on series, fitted or set by hand, by id. */
import type { EpochMs } from '../../core/brand.ts'
import type { SeriesId, ThresholdId, UserId } from '../../core/ids.ts'
import type { ThresholdRepository } from '../../observe/ports.ts'
import type { Threshold, ThresholdSource } from '../../observe/types.ts'
import type { ThresholdsTable } from '../schema.ts'
import { atomically, type RepositoryContext, upsertRows } from './context.ts'

const toRow = (t: Threshold): ThresholdsTable => ({
  id: t.id,
  series_id: t.seriesId,
  name: t.name,
  return_period_years: t.returnPeriodYears,
  value: t.value,
  source: t.source,
  ci_low: t.ciLow,
  ci_high: t.ciHigh,
  set_by: t.setBy,
  reason: t.reason,
  set_at: t.setAt,
})

/** A threshold from its row (also read by the network-state repository). */
export const thresholdFromRow = (r: ThresholdsTable): Threshold => ({
  id: r.id as ThresholdId,
  seriesId: r.series_id as SeriesId,
  name: r.name,
  returnPeriodYears: r.return_period_years,
  value: r.value,
  source: r.source as ThresholdSource,
  ciLow: r.ci_low,
  ciHigh: r.ci_high,
  setBy: r.set_by as UserId | null,
  reason: r.reason,
  setAt: Number(r.set_at) as EpochMs,
})

/** The threshold repository of a store (or of one of its transactions). */
export function thresholdRepository(ctx: RepositoryContext): ThresholdRepository {
  return {
    upsert: (thresholds) =>
      atomically(ctx.db, (trx) =>
        upsertRows(trx, ctx.dialect, 'thresholds', ['id'], thresholds.map(toRow)),
      ),
    async list(seriesId) {
      const rows = await ctx.db
        .selectFrom('thresholds')
        .selectAll()
        .where('series_id', '=', seriesId)
        .orderBy('value')
        .orderBy('id')
        .execute()
      return rows.map(thresholdFromRow)
    },
  }
}
