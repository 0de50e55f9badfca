import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { EpochMs } from '../../core/brand.ts'
import type { SeriesId, ThresholdId, UserId } from '../../core/ids.ts'
import type { Threshold } from '../../observe/types.ts'
import { authorize } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { idSchema, thresholdSchema } from './schemas.ts'

const out = (t: Threshold): z.infer<typeof thresholdSchema> => ({
  ...t,
  setAt: new Date(t.setAt).toISOString(),
})

/**
 * The thresholds in force on a series: for each name, the latest one set by hand if any,
 * otherwise the fitted one. Hand-set thresholds override fitted ones and record who and why.
 */
export function effectiveThresholds(all: readonly Threshold[]): Threshold[] {
  const byName = new Map<string, Threshold>()
  for (const t of all) {
    const cur = byName.get(t.name)
    const better =
      cur === undefined ||
      (t.source === 'manual' && cur.source === 'fitted') ||
      (t.source === cur.source && t.setAt > cur.setAt)
    if (better) byName.set(t.name, t)
  }
  return [...byName.values()].sort((a, b) => a.value - b.value)
}

export function registerThresholds(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.get(
    '/api/v1/series/:id/thresholds',
    {
      schema: {
        tags: ['thresholds'],
        summary:
          'Thresholds in force on a series (hand-set override fitted), lowest first; ?all=true for every one',
        params: z.object({ id: idSchema }),
        querystring: z.object({ all: z.enum(['true', 'false']).default('false') }),
        response: { 200: z.array(thresholdSchema) },
      },
    },
    async (req) => {
      const id = req.params.id as SeriesId
      if ((await deps.series.find(id)) === undefined)
        throw new ApiError(404, 'not_found', `no series ${id}`)
      const all = await deps.thresholds.list(id)
      return (req.query.all === 'true' ? all : effectiveThresholds(all)).map(out)
    },
  )
  r.put(
    '/api/v1/series/:id/thresholds/:name',
    {
      schema: {
        tags: ['thresholds'],
        summary: 'Set a threshold by hand (overrides a fitted one of the same name)',
        security: [{ bearer: [] }],
        params: z.object({ id: idSchema, name: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/) }),
        body: z.object({
          value: z
            .number()
            .refine(Number.isFinite, 'must be finite')
            .describe("in the series' unit"),
          reason: z.string().min(3).describe('why it is set: shown with it wherever it is used'),
          returnPeriodYears: z.number().positive().nullable().default(null),
        }),
        response: { 200: thresholdSchema },
      },
    },
    async (req) => {
      const id = req.params.id as SeriesId
      const series = await deps.series.find(id)
      if (series === undefined) throw new ApiError(404, 'not_found', `no series ${id}`)
      const area =
        series.basinId ??
        (series.stationId !== null
          ? (await deps.stations.find(series.stationId))?.basinId
          : undefined) ??
        undefined
      const principal = authorize(req, deps.grants, 'forecaster', area ?? '(no basin)')
      const t: Threshold = {
        id: `${id}:${req.params.name}:manual` as ThresholdId,
        seriesId: id,
        name: req.params.name,
        returnPeriodYears: req.body.returnPeriodYears,
        value: req.body.value,
        source: 'manual',
        ciLow: null,
        ciHigh: null,
        setBy: principal.user as UserId,
        reason: req.body.reason,
        setAt: deps.clock.now() as EpochMs,
      }
      await deps.thresholds.upsert([t])
      return out(t)
    },
  )
}
