/**
 * Forecast runs and what they forecast for each basin: members, quantiles and exceedance
 * probabilities, each a blob of rows × lead steps little-endian doubles.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId, ForecastRunId, ThresholdId } from '../../core/ids.ts'
import type {
  BasinForecast,
  ForecastRepository,
  ForecastRun,
  ForecastRunStatus,
} from '../../forecast/ports.ts'
import { fromJson, packRows, toJson, unpackRows } from '../codec.ts'
import type { ForecastRunsTable } from '../schema.ts'
import { atomically, type RepositoryContext, upsertRows } from './context.ts'

const runFromRow = (r: ForecastRunsTable): ForecastRun => ({
  id: r.id as ForecastRunId,
  issueTime: r.issue_time as EpochMs,
  forcingSource: r.forcing_source,
  members: r.members,
  leadSteps: r.lead_steps,
  stepMs: r.step_ms,
  createdAt: r.created_at as EpochMs,
  status: r.status as ForecastRunStatus,
  note: r.note,
})

function basinForecastToRow(f: BasinForecast) {
  const lead =
    f.members[0]?.length ?? f.quantiles[0]?.length ?? f.exceedance[0]?.probability.length ?? 0
  const what = `forecast of basin ${f.basinId} in run ${f.runId}`
  return {
    run_id: f.runId,
    basin_id: f.basinId,
    lead_steps: lead,
    member_count: f.members.length,
    members: packRows(f.members, lead, `${what}: members`),
    quantile_count: f.quantiles.length,
    quantiles: packRows(f.quantiles, lead, `${what}: quantiles`),
    thresholds: toJson(
      f.exceedance.map((e) => ({ thresholdId: e.thresholdId, value: e.value })),
      what,
    ),
    exceedance: packRows(
      f.exceedance.map((e) => e.probability),
      lead,
      `${what}: exceedance`,
    ),
  }
}

/** The forecast repository of a store (or of one of its transactions). */
export function forecastRepository(ctx: RepositoryContext): ForecastRepository {
  return {
    async createRun(run) {
      await ctx.db
        .insertInto('forecast_runs')
        .values({
          id: run.id,
          issue_time: run.issueTime,
          forcing_source: run.forcingSource,
          members: run.members,
          lead_steps: run.leadSteps,
          step_ms: run.stepMs,
          created_at: run.createdAt,
          status: run.status,
          note: run.note,
        })
        .execute()
    },

    putBasinForecasts: (forecasts) =>
      atomically(ctx.db, (trx) =>
        upsertRows(
          trx,
          ctx.dialect,
          'basin_forecasts',
          ['run_id', 'basin_id'],
          forecasts.map(basinForecastToRow),
        ),
      ),

    async finishRun(id, status, note) {
      const r = await ctx.db
        .updateTable('forecast_runs')
        .set({ status, note })
        .where('id', '=', id)
        .executeTakeFirst()
      if (r.numUpdatedRows === 0n) throw new Error(`no forecast run ${id}`)
    },

    async findRun(id) {
      const r = await ctx.db
        .selectFrom('forecast_runs')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return r === undefined ? undefined : runFromRow(r)
    },

    async listRuns(limit) {
      const rows = await ctx.db
        .selectFrom('forecast_runs')
        .selectAll()
        .where('status', '=', 'complete')
        .orderBy('issue_time', 'desc')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute()
      return rows.map(runFromRow)
    },

    async findBasinForecast(runId, basinId) {
      const r = await ctx.db
        .selectFrom('basin_forecasts')
        .selectAll()
        .where('run_id', '=', runId)
        .where('basin_id', '=', basinId)
        .executeTakeFirst()
      if (r === undefined) return undefined
      const what = `forecast of basin ${basinId} in run ${runId}`
      const L = r.lead_steps
      const thresholds = fromJson(ctx.dialect, r.thresholds) as {
        thresholdId: string
        value: number
      }[]
      const probabilities = unpackRows(r.exceedance, thresholds.length, L, `${what}: exceedance`)
      return {
        runId: r.run_id as ForecastRunId,
        basinId: r.basin_id as BasinId,
        members: unpackRows(r.members, r.member_count, L, `${what}: members`),
        quantiles: unpackRows(r.quantiles, r.quantile_count, L, `${what}: quantiles`),
        exceedance: thresholds.map((t, i) => ({
          thresholdId: t.thresholdId as ThresholdId,
          value: t.value,
          probability: probabilities[i]!,
        })),
      }
    },
  }
}
