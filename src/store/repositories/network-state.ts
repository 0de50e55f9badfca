/**
 * The state of the whole network in a few queries, whatever its size: the latest observation of
 * every series of a variable, every threshold, and each basin's newest forecast (its median and
 * exceedance probabilities, without the members). What a map of every station needs at once;
 * each method is one or a few statements, never one per station.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId, ForecastRunId, SeriesId, ThresholdId } from '../../core/ids.ts'
import { FORECAST_QUANTILES } from '../../forecast/ports.ts'
import type { Threshold } from '../../observe/types.ts'
import { fromJson, unpackRows } from '../codec.ts'
import type { RepositoryContext } from './context.ts'
import { thresholdFromRow } from './thresholds.ts'

/** The latest value of one series. */
export interface LatestObservation {
  readonly seriesId: SeriesId
  /** Epoch ms. */
  readonly t: EpochMs
  /** In the series' unit. */
  readonly value: number
  /** QC flag bits (see `QC` in src/observe/types.ts). */
  readonly quality: number
}

/** A basin's forecast from the newest complete run that holds one. */
export interface LatestBasinForecast {
  readonly basinId: BasinId
  readonly runId: ForecastRunId
  /** Epoch ms. */
  readonly issueTime: EpochMs
  /** Length of a lead step, ms. */
  readonly stepMs: number
  /** The ensemble median at each lead step, m³/s. */
  readonly median: Float64Array
  /** Probability (0–1) of exceeding each threshold at each lead step. */
  readonly exceedance: readonly {
    readonly thresholdId: ThresholdId
    readonly value: number
    readonly probability: Float64Array
  }[]
}

/** How many of the newest complete runs are searched for each basin's latest forecast. */
export const FORECAST_LOOKBACK_RUNS = 50

export interface NetworkStateRepository {
  /**
   * The latest observation strictly before `before` (epoch ms) of every series of `variable`
   * (e.g. `discharge`), in one statement; series without one are absent.
   */
  latestObservations(variable: string, before: EpochMs): Promise<LatestObservation[]>
  /** Every threshold, ordered by series, then value (ascending), then id. */
  allThresholds(): Promise<Threshold[]>
  /**
   * Each basin's forecast from the newest complete run issued at or before `atOrBefore` (epoch
   * ms) that holds one, among the {@link FORECAST_LOOKBACK_RUNS} newest such runs. One
   * statement for the runs, one for the keys, one per distinct run chosen (usually one).
   */
  latestBasinForecasts(atOrBefore: EpochMs): Promise<LatestBasinForecast[]>
}

const MEDIAN_ROW = FORECAST_QUANTILES.indexOf(50)

/** The network-state repository of a store (or of one of its transactions). */
export function networkStateRepository(ctx: RepositoryContext): NetworkStateRepository {
  return {
    async latestObservations(variable, before) {
      // A correlated subquery per series seeks the (series_id, t) key backwards: one index
      // probe per series, the same plan on SQLite and PostgreSQL.
      const rows = await ctx.db
        .selectFrom('series as s')
        .innerJoin('observations as o', 'o.series_id', 's.id')
        .select(['o.series_id', 'o.t', 'o.value', 'o.quality'])
        .where('s.variable', '=', variable)
        .where((eb) =>
          eb(
            'o.t',
            '=',
            eb
              .selectFrom('observations as x')
              .select('x.t')
              .whereRef('x.series_id', '=', 's.id')
              .where('x.t', '<', before)
              .orderBy('x.t', 'desc')
              .limit(1),
          ),
        )
        .orderBy('o.series_id')
        .execute()
      return rows.map((r) => ({
        seriesId: r.series_id as SeriesId,
        t: Number(r.t) as EpochMs,
        value: r.value,
        quality: r.quality,
      }))
    },

    async allThresholds() {
      const rows = await ctx.db
        .selectFrom('thresholds')
        .selectAll()
        .orderBy('series_id')
        .orderBy('value')
        .orderBy('id')
        .execute()
      return rows.map(thresholdFromRow)
    },

    async latestBasinForecasts(atOrBefore) {
      const runs = await ctx.db
        .selectFrom('forecast_runs')
        .select(['id', 'issue_time', 'step_ms'])
        .where('status', '=', 'complete')
        .where('issue_time', '<=', atOrBefore)
        .orderBy('issue_time', 'desc')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(FORECAST_LOOKBACK_RUNS)
        .execute()
      if (runs.length === 0) return []
      const order = new Map(runs.map((r, i) => [r.id, i]))
      const keys = await ctx.db
        .selectFrom('basin_forecasts')
        .select(['run_id', 'basin_id'])
        .where(
          'run_id',
          'in',
          runs.map((r) => r.id),
        )
        .execute()
      // For each basin, the newest run (lowest index in `runs`) holding it.
      const chosen = new Map<string, string>()
      for (const k of keys) {
        const had = chosen.get(k.basin_id)
        if (had === undefined || order.get(k.run_id)! < order.get(had)!)
          chosen.set(k.basin_id, k.run_id)
      }
      const byRun = new Map<string, string[]>()
      for (const [basin, run] of chosen) {
        const list = byRun.get(run)
        if (list === undefined) byRun.set(run, [basin])
        else list.push(basin)
      }
      const out: LatestBasinForecast[] = []
      for (const run of runs) {
        const basins = byRun.get(run.id)
        if (basins === undefined) continue
        // Bound the size of an IN list (PostgreSQL and SQLite both accept thousands).
        for (let k = 0; k < basins.length; k += 5000) {
          const rows = await ctx.db
            .selectFrom('basin_forecasts')
            .select([
              'basin_id',
              'lead_steps',
              'quantile_count',
              'quantiles',
              'thresholds',
              'exceedance',
            ])
            .where('run_id', '=', run.id)
            .where('basin_id', 'in', basins.slice(k, k + 5000))
            .execute()
          for (const r of rows) {
            const what = `forecast of basin ${r.basin_id} in run ${run.id}`
            const L = r.lead_steps
            const thresholds = fromJson(ctx.dialect, r.thresholds) as {
              thresholdId: string
              value: number
            }[]
            const quantiles = unpackRows(r.quantiles, r.quantile_count, L, `${what}: quantiles`)
            const probabilities = unpackRows(
              r.exceedance,
              thresholds.length,
              L,
              `${what}: exceedance`,
            )
            out.push({
              basinId: r.basin_id as BasinId,
              runId: run.id as ForecastRunId,
              issueTime: Number(run.issue_time) as EpochMs,
              stepMs: Number(run.step_ms),
              median: quantiles[MEDIAN_ROW] ?? new Float64Array(L).fill(Number.NaN),
              exceedance: thresholds.map((t, i) => ({
                thresholdId: t.thresholdId as ThresholdId,
                value: t.value,
                probability: probabilities[i]!,
              })),
            })
          }
        }
      }
      return out.sort((a, b) => (a.basinId < b.basinId ? -1 : a.basinId > b.basinId ? 1 : 0))
    },
  }
}
