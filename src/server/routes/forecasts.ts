import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId, ForecastRunId } from '../../core/ids.ts'
import { formatIssue } from '../../core/result.ts'
import { FORECAST_QUANTILES, type ForecastRun } from '../../forecast/ports.ts'
import {
  parseForcingForecastCsv,
  parseForcingForecastJson,
  type ParsedForcingForecast,
} from '../../observe/forcing-forecast.ts'
import type { PetSite } from '../../observe/pet-oudin.ts'
import { authorize } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { idSchema, iso } from './schemas.ts'

const runSchema = z.object({
  id: z.string(),
  issueTime: z.string(),
  forcingSource: z
    .string()
    .describe('where the weather forecast came from; synthetic members say so'),
  members: z.number().int(),
  leadSteps: z.number().int(),
  stepHours: z.number(),
  status: z.enum(['running', 'complete', 'failed']),
  note: z.string(),
})

const basinForecastSchema = z.object({
  run: runSchema,
  basin: z.string(),
  unit: z.literal('m3/s'),
  leadTimes: z.array(z.string()).describe('end of each lead step (ISO 8601)'),
  quantiles: z
    .record(z.string(), z.array(z.number()))
    .describe('q5, q25, q50, q75, q95 per lead step, m³/s'),
  exceedance: z.array(
    z.object({ threshold: z.string(), value: z.number(), probability: z.array(z.number()) }),
  ),
  members: z.array(z.array(z.number())).optional().describe('every member, with ?members=true'),
})

const score = z.number().nullable()

const skillSchema = z
  .object({
    basin: z.string(),
    computedAt: z.string().describe('when the hindcast was computed (ISO 8601)'),
    firstIssue: z.string().describe('start of the day of the first forecast issued (ISO 8601)'),
    lastIssue: z.string().describe('start of the day of the last forecast issued (ISO 8601)'),
    issues: z.number().int().describe('forecasts issued'),
    everySteps: z.number().int().describe('steps between issues'),
    update: z
      .enum(['none', 'routing', 'correction', 'enkf'])
      .describe('state update of the forecasts scored'),
    model: z.string(),
    members: z.number().int(),
    horizonSteps: z.number().int(),
    stepHours: z.number(),
    seed: z.number().int(),
    forcingNote: z.string().describe('how the members were made; synthetic members say so'),
    unit: z.literal('m3/s').describe('unit of every flow: thresholds, CRPS, spread, RMSE'),
    thresholds: z
      .array(z.object({ name: z.string(), value: z.number().describe('m³/s') }))
      .describe('flow thresholds of the contingency scores'),
    thresholdNote: z.string(),
    leads: z.array(
      z.object({
        lead: z.number().int().describe('lead time in steps; lead 1 is the day of issue'),
        n: z.number().int().describe('forecasts scored at this lead'),
        crps: score.describe('mean CRPS of the ensemble, m³/s'),
        crpsPersistence: score.describe('mean CRPS of persistence, m³/s'),
        crpsClimatology: score.describe('mean CRPS of the day-of-year climatology, m³/s'),
        crpssPersistence: score.describe('1 − CRPS/CRPS of persistence; > 0 beats it'),
        crpssClimatology: score.describe('1 − CRPS/CRPS of climatology; > 0 beats it'),
        spread: score.describe('ensemble spread, √(mean member variance), m³/s'),
        rmseMean: score.describe('RMSE of the ensemble mean, m³/s'),
        thresholds: z
          .array(
            z.object({
              name: z.string(),
              hits: z.number().int(),
              misses: z.number().int(),
              falseAlarms: z.number().int(),
              correctNegatives: z.number().int(),
              pod: score,
              far: score,
              csi: score,
              bias: score,
              pofd: score,
            }),
          )
          .describe('the ensemble median against each threshold; null: undefined score'),
      }),
    ),
  })
  .describe("a basin's latest hindcast summary")

const runOut = (r: ForecastRun): z.infer<typeof runSchema> => ({
  id: r.id,
  issueTime: iso(r.issueTime),
  forcingSource: r.forcingSource,
  members: r.members,
  leadSteps: r.leadSteps,
  stepHours: r.stepMs / 3_600_000,
  status: r.status,
  note: r.note,
})

/** Forecast runs and basin forecasts (read), and weather forecasts in (forecasters). */
export function registerForecasts(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.get(
    '/api/v1/forecasts',
    {
      schema: {
        tags: ['forecasts'],
        summary: 'Latest forecast runs, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(20) }),
        response: { 200: z.array(runSchema) },
      },
    },
    async (req) => (await deps.forecasts.listRuns(req.query.limit)).map(runOut),
  )

  const basinForecast = async (
    run: ForecastRun,
    basinId: string,
    withMembers: boolean,
  ): Promise<z.infer<typeof basinForecastSchema>> => {
    const f = await deps.forecasts.findBasinForecast(run.id, basinId as BasinId)
    if (f === undefined)
      throw new ApiError(404, 'not_found', `run ${run.id} has no forecast for basin ${basinId}`)
    const quantiles: Record<string, number[]> = {}
    FORECAST_QUANTILES.forEach((q, k) => (quantiles[`q${q}`] = Array.from(f.quantiles[k] ?? [])))
    return {
      run: runOut(run),
      basin: basinId,
      unit: 'm3/s',
      leadTimes: Array.from({ length: run.leadSteps }, (_, k) =>
        iso(run.issueTime + (k + 1) * run.stepMs),
      ),
      quantiles,
      exceedance: f.exceedance.map((e) => ({
        threshold: e.thresholdId,
        value: e.value,
        probability: Array.from(e.probability),
      })),
      ...(withMembers ? { members: f.members.map((m) => Array.from(m)) } : {}),
    }
  }

  r.get(
    '/api/v1/forecasts/:run/basins/:basin',
    {
      schema: {
        tags: ['forecasts'],
        summary: "One basin's forecast in one run: quantiles, exceedance probabilities, members",
        params: z.object({ run: idSchema, basin: idSchema }),
        querystring: z.object({ members: z.enum(['true', 'false']).default('false') }),
        response: { 200: basinForecastSchema },
      },
    },
    async (req) => {
      const run = await deps.forecasts.findRun(req.params.run as ForecastRunId)
      if (run === undefined)
        throw new ApiError(404, 'not_found', `no forecast run ${req.params.run}`)
      return basinForecast(run, req.params.basin, req.query.members === 'true')
    },
  )

  r.get(
    '/api/v1/basins/:id/forecast',
    {
      schema: {
        tags: ['forecasts'],
        summary: "A basin's latest complete forecast",
        params: z.object({ id: idSchema }),
        querystring: z.object({ members: z.enum(['true', 'false']).default('false') }),
        response: { 200: basinForecastSchema },
      },
    },
    async (req) => {
      const runs = await deps.forecasts.listRuns(50)
      const run = runs.find((x) => x.status === 'complete')
      if (run === undefined) throw new ApiError(404, 'not_found', 'no complete forecast yet')
      return basinForecast(run, req.params.id, req.query.members === 'true')
    },
  )

  r.get(
    '/api/v1/basins/:id/skill',
    {
      schema: {
        tags: ['forecasts'],
        summary:
          "The skill of a basin's forecasts per lead time, from its latest hindcast (flows in m³/s)",
        params: z.object({ id: idSchema }),
        response: { 200: skillSchema },
      },
    },
    async (req) => {
      const s = await deps.store.hindcastSkill.latest(req.params.id as BasinId)
      if (s === undefined) {
        const known = (await deps.basins.find(req.params.id as BasinId)) !== undefined
        throw new ApiError(
          404,
          'not_found',
          known
            ? `no hindcast skill for basin ${req.params.id} yet: none has been computed (freshet hindcast --db --basin, or the demo after loading)`
            : `no basin ${req.params.id}`,
        )
      }
      return {
        basin: s.basinId,
        computedAt: iso(s.computedAt),
        firstIssue: iso(s.firstIssue),
        lastIssue: iso(s.lastIssue),
        issues: s.issues,
        everySteps: s.everySteps,
        update: s.update,
        model: s.model,
        members: s.members,
        horizonSteps: s.horizonSteps,
        stepHours: s.stepMs / 3_600_000,
        seed: s.seed,
        forcingNote: s.forcingNote,
        unit: s.flowUnit,
        thresholds: s.thresholds.map((t) => ({ ...t })),
        thresholdNote: s.thresholdNote,
        leads: s.leads.map((l) => ({ ...l, thresholds: l.thresholds.map((t) => ({ ...t })) })),
      }
    },
  )

  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/forcing-forecasts',
    {
      schema: {
        tags: ['forecasts'],
        summary:
          'Send an ensemble weather forecast (JSON, or CSV basin,issue_time,member,lead,precip_mm,temp_c[,pet_mm])',
        security: [{ bearer: [] }],
        querystring: z.object({ source: z.string().min(1).default('upload') }),
        body: z.unknown(),
        response: {
          200: z.object({
            forecastRequested: z.boolean().describe('whether a forecast cycle was started from it'),
            stored: z.array(
              z.object({
                basin: z.string(),
                issueTime: z.string(),
                members: z.number().int(),
                leadSteps: z.number().int(),
                pet: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request: FastifyRequest<{ Querystring: { source: string } }>) => {
      const principal = authorize(request, deps.grants, 'forecaster')
      const sites = new Map<BasinId, PetSite>()
      for (const s of await deps.stations.list()) {
        if (s.basinId !== null && !sites.has(s.basinId))
          sites.set(s.basinId, { latDeg: s.lat, lonDeg: s.lon })
      }
      const contentType = String(request.headers['content-type'] ?? '')
      let forecasts: ParsedForcingForecast[]
      if (contentType.startsWith('text/')) {
        const parsed = parseForcingForecastCsv(String(request.body), {
          source: request.query.source,
          file: 'body',
          sites,
        })
        if (!parsed.ok)
          throw new ApiError(
            400,
            'validation_failed',
            parsed.issues.map(formatIssue).join('; '),
            parsed.issues,
          )
        forecasts = parsed.value
      } else {
        const parsed = parseForcingForecastJson(request.body, { sites })
        if (!parsed.ok)
          throw new ApiError(
            400,
            'validation_failed',
            parsed.issues.map(formatIssue).join('; '),
            parsed.issues,
          )
        forecasts = [parsed.value]
      }
      for (const f of forecasts) {
        if ((await deps.basins.find(f.basinId)) === undefined)
          throw new ApiError(400, 'validation_failed', `unknown basin ${f.basinId}`)
        if (!principal.areas.includes('*') && !principal.areas.includes(f.basinId)) {
          throw new ApiError(
            403,
            'forbidden',
            `${principal.user} may not send forecasts for ${f.basinId}`,
          )
        }
      }
      await deps.transaction(async (tx) => {
        for (const f of forecasts) await tx.forcingForecasts.put(f)
      })
      // New forcing: forecast from it (in the background; the run is announced on /api/v1/events).
      const latest = Math.max(...forecasts.map((f) => f.issueTime)) as EpochMs
      void deps.forecastTrigger?.request(
        latest,
        forecasts.map((f) => f.basinId),
      )
      return {
        forecastRequested: deps.forecastTrigger !== undefined,
        stored: forecasts.map((f) => ({
          basin: f.basinId,
          issueTime: iso(f.issueTime),
          members: f.precip.length,
          leadSteps: f.precip[0]?.length ?? 0,
          pet: f.petOrigin,
        })),
      }
    },
  )
}
