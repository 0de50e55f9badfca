import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId, SeriesId, StationId } from '../../core/ids.ts'
import type { Basin } from '../../observe/types.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import {
  basinSchema,
  idSchema,
  isoTime,
  observationOutSchema,
  seriesSchema,
  stationSchema,
  iso,
} from './schemas.ts'

/** A basin as sent: plain arrays. */
const basinOut = (b: Basin): z.infer<typeof basinSchema> => ({
  ...b,
  hypsometry: b.hypsometry === null ? null : [...b.hypsometry],
  downstream:
    b.downstream === null
      ? null
      : { basinId: b.downstream.basinId, reach: { ...b.downstream.reach } },
})

function parseTime(s: string, field: string): EpochMs {
  const t = Date.parse(s)
  if (Number.isNaN(t) || !/(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    throw new ApiError(
      400,
      'validation_failed',
      `${field}: not an ISO 8601 time with an offset: "${s}"`,
    )
  }
  return t as EpochMs
}

/** Stations, basins (the river network) and series, read-only for everyone. */
export function registerNetwork(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const idParams = z.object({ id: idSchema })

  r.get(
    '/api/v1/stations',
    {
      schema: {
        tags: ['network'],
        summary: 'All stations',
        response: { 200: z.array(stationSchema) },
      },
    },
    () => deps.stations.list(),
  )
  r.get(
    '/api/v1/stations/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'One station',
        params: idParams,
        response: { 200: stationSchema },
      },
    },
    async (req) => {
      const s = await deps.stations.find(req.params.id as StationId)
      if (s === undefined) throw new ApiError(404, 'not_found', `no station ${req.params.id}`)
      return s
    },
  )
  r.get(
    '/api/v1/basins',
    {
      schema: {
        tags: ['network'],
        summary: 'All basins, with their downstream links',
        response: { 200: z.array(basinSchema) },
      },
    },
    async () => (await deps.basins.list()).map(basinOut),
  )
  r.get(
    '/api/v1/basins/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'One basin',
        params: idParams,
        response: { 200: basinSchema },
      },
    },
    async (req) => {
      const b = await deps.basins.find(req.params.id as BasinId)
      if (b === undefined) throw new ApiError(404, 'not_found', `no basin ${req.params.id}`)
      return basinOut(b)
    },
  )
  r.get(
    '/api/v1/basins/:id/model',
    {
      schema: {
        tags: ['network'],
        summary: "A basin's model: parameters, options and how they were calibrated",
        params: idParams,
        response: {
          200: z.object({
            basinId: z.string(),
            model: z.string(),
            params: z.record(z.string(), z.number()).describe("by name, in the model's units"),
            options: z.record(z.string(), z.unknown()),
            calibration: z
              .object({
                criterion: z.string().describe('e.g. KGE, NSE'),
                value: z.number().describe('the criterion reached over the period'),
                evaluations: z.number().int().describe('model runs of the search'),
                from: isoTime,
                to: isoTime.describe('end of the calibration period (exclusive)'),
              })
              .nullable()
              .describe('null when the parameters were set by hand'),
            updatedAt: isoTime,
          }),
        },
      },
    },
    async (req) => {
      const id = req.params.id as BasinId
      if ((await deps.basins.find(id)) === undefined)
        throw new ApiError(404, 'not_found', `no basin ${req.params.id}`)
      const m = await deps.modelConfigs.find(id)
      if (m === undefined)
        throw new ApiError(404, 'not_found', `basin ${req.params.id} has no model yet`)
      const c = m.calibration
      return {
        basinId: m.basinId,
        model: m.model,
        params: { ...m.params },
        options: { ...m.options },
        calibration:
          c === null
            ? null
            : {
                criterion: c.criterion,
                value: c.value,
                evaluations: c.evaluations,
                from: iso(c.from),
                to: iso(c.to),
              },
        updatedAt: iso(m.updatedAt),
      }
    },
  )
  r.get(
    '/api/v1/series',
    {
      schema: {
        tags: ['network'],
        summary: 'Series, optionally of one station or basin',
        querystring: z.object({ station: idSchema.optional(), basin: idSchema.optional() }),
        response: { 200: z.array(seriesSchema) },
      },
    },
    (req) =>
      deps.series.list({
        ...(req.query.station !== undefined ? { stationId: req.query.station as StationId } : {}),
        ...(req.query.basin !== undefined ? { basinId: req.query.basin as BasinId } : {}),
      }),
  )
  r.get(
    '/api/v1/series/:id/observations',
    {
      schema: {
        tags: ['observations'],
        summary: 'Current values of a series in [from, to)',
        params: idParams,
        querystring: z.object({ from: isoTime, to: isoTime }),
        response: {
          200: z.object({ series: idSchema, observations: z.array(observationOutSchema) }),
        },
      },
    },
    async (req) => {
      const id = req.params.id as SeriesId
      if ((await deps.series.find(id)) === undefined)
        throw new ApiError(404, 'not_found', `no series ${id}`)
      const from = parseTime(req.query.from, 'from')
      const to = parseTime(req.query.to, 'to')
      if (!(to > from)) throw new ApiError(400, 'validation_failed', 'to must be after from')
      const rows = await deps.observations.read(id, from, to)
      return {
        series: id,
        observations: rows.map((o) => ({
          t: iso(o.t),
          value: o.value,
          quality: o.quality,
          revision: o.revision,
        })),
      }
    },
  )
}
