import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId, StationId } from '../../core/ids.ts'
import { formatIssue } from '../../core/result.ts'
import { createModel, type ModelOptions } from '../../hydro/models/registry.ts'
import type { Basin, Series, Station } from '../../observe/types.ts'
import { VARIABLE_UNITS } from '../../observe/types.ts'
import { authorize } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { basinSchema, idSchema, seriesSchema, stationSchema } from './schemas.ts'

const idParams = z.object({ id: idSchema })

function sameId(pathId: string, bodyId: string): void {
  if (pathId !== bodyId)
    throw new ApiError(
      400,
      'validation_failed',
      `the body's id "${bodyId}" differs from the path's "${pathId}"`,
    )
}

const modelConfigSchema = z.object({
  model: z
    .string()
    .describe('GR4J, GR5J, GR6J, GR4H, GR5H, CemaNeigeGR4J, CemaNeigeGR5J or CemaNeigeGR6J'),
  params: z.record(z.string(), z.number()).describe("parameters by name, in the model's units"),
  options: z
    .object({
      interception: z.object({ imaxMm: z.number().nonnegative() }).optional(),
      snow: z
        .object({
          layers: z.number().int().min(1).max(100),
          hysteresis: z.boolean(),
          meanAnnualSolidPrecipMm: z.number().positive(),
        })
        .optional(),
    })
    .default({}),
})

/**
 * Editing the river network (admin): stations, basins, series and each basin's model. Each
 * write is checked whole (references, units, parameters) before anything is stored.
 */
export function registerNetworkAdmin(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.put(
    '/api/v1/basins/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'Create or replace a basin (admin)',
        security: [{ bearer: [] }],
        params: idParams,
        body: basinSchema,
        response: { 200: basinSchema },
      },
    },
    async (req) => {
      authorize(req, deps.grants, 'admin', req.params.id)
      sameId(req.params.id, req.body.id)
      const b = req.body
      if (b.downstream !== null) {
        if (b.downstream.basinId === b.id)
          throw new ApiError(400, 'validation_failed', 'a basin cannot drain into itself')
        if ((await deps.basins.find(b.downstream.basinId as BasinId)) === undefined) {
          throw new ApiError(
            400,
            'validation_failed',
            `downstream.basinId: no basin ${b.downstream.basinId}`,
          )
        }
        // Following the links down from the new downstream basin must never come back here.
        const seen = new Set<string>([b.id])
        let next: string | undefined = b.downstream.basinId
        while (next !== undefined) {
          if (seen.has(next))
            throw new ApiError(
              400,
              'validation_failed',
              `downstream: linking ${b.id} to ${b.downstream.basinId} would make a loop in the river network`,
            )
          seen.add(next)
          next = (await deps.basins.find(next as BasinId))?.downstream?.basinId
        }
      }
      await deps.basins.upsert([b as unknown as Basin])
      return b
    },
  )

  r.put(
    '/api/v1/stations/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'Create or replace a station (admin)',
        security: [{ bearer: [] }],
        params: idParams,
        body: stationSchema,
        response: { 200: stationSchema },
      },
    },
    async (req) => {
      authorize(req, deps.grants, 'admin', req.body.basinId ?? undefined)
      sameId(req.params.id, req.body.id)
      if (
        req.body.basinId !== null &&
        (await deps.basins.find(req.body.basinId as BasinId)) === undefined
      ) {
        throw new ApiError(400, 'validation_failed', `basinId: no basin ${req.body.basinId}`)
      }
      await deps.stations.upsert([req.body as Station])
      return req.body
    },
  )

  r.put(
    '/api/v1/series/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'Create or replace a series (admin)',
        security: [{ bearer: [] }],
        params: idParams,
        body: seriesSchema,
        response: { 200: seriesSchema },
      },
    },
    async (req) => {
      const s = req.body
      sameId(req.params.id, s.id)
      if ((s.stationId === null) === (s.basinId === null)) {
        throw new ApiError(
          400,
          'validation_failed',
          'a series belongs to exactly one of a station (stationId) or a basin (basinId)',
        )
      }
      const unit = VARIABLE_UNITS[s.variable]
      if (s.unit !== unit)
        throw new ApiError(
          400,
          'validation_failed',
          `unit: ${s.variable} is kept in ${unit}, not ${s.unit}`,
        )
      let area: string | undefined = s.basinId ?? undefined
      if (s.stationId !== null) {
        const st = await deps.stations.find(s.stationId as StationId)
        if (st === undefined)
          throw new ApiError(400, 'validation_failed', `stationId: no station ${s.stationId}`)
        area = st.basinId ?? undefined
      } else if ((await deps.basins.find(s.basinId as BasinId)) === undefined) {
        throw new ApiError(400, 'validation_failed', `basinId: no basin ${s.basinId}`)
      }
      authorize(req, deps.grants, 'admin', area)
      await deps.series.upsert([s as Series])
      return s
    },
  )

  r.put(
    '/api/v1/basins/:id/model',
    {
      schema: {
        tags: ['network'],
        summary:
          "Set a basin's model and parameters (forecaster); checked against the model's domain",
        security: [{ bearer: [] }],
        params: idParams,
        body: modelConfigSchema,
        response: { 200: modelConfigSchema.extend({ basinId: z.string(), updatedAt: z.string() }) },
      },
    },
    async (req) => {
      authorize(req, deps.grants, 'forecaster', req.params.id)
      const basin = await deps.basins.find(req.params.id as BasinId)
      if (basin === undefined) throw new ApiError(404, 'not_found', `no basin ${req.params.id}`)
      const { model: name, params, options } = req.body
      const modelOptions: ModelOptions = {
        ...(options.interception !== undefined ? { interception: options.interception } : {}),
        ...(options.snow !== undefined ? { snow: options.snow } : {}),
        ...(basin.hypsometry !== null ? { hypsometry: Float64Array.from(basin.hypsometry) } : {}),
      }
      const built = createModel(name, modelOptions)
      if (!built.ok)
        throw new ApiError(
          400,
          'validation_failed',
          built.issues.map(formatIssue).join('; '),
          built.issues,
        )
      const model = built.value
      const unknown = Object.keys(params).filter((k) => !model.paramNames.includes(k))
      const missing = model.paramNames.filter((k) => params[k] === undefined)
      if (unknown.length > 0 || missing.length > 0) {
        throw new ApiError(
          400,
          'validation_failed',
          `params: ${model.name} takes ${model.paramNames.join(', ')}${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''}${unknown.length > 0 ? `; unknown ${unknown.join(', ')}` : ''}`,
        )
      }
      const vector = Float64Array.from(model.paramNames, (k) => params[k]!)
      const problems = model.checkParams(vector)
      if (problems.length > 0)
        throw new ApiError(400, 'validation_failed', problems.map(formatIssue).join('; '), problems)
      const updatedAt = deps.clock.now() as EpochMs
      await deps.modelConfigs.put({
        basinId: basin.id,
        model: model.name,
        params,
        options,
        calibration: null,
        updatedAt,
      })
      return {
        basinId: basin.id,
        model: model.name,
        params,
        options,
        updatedAt: new Date(updatedAt).toISOString(),
      }
    },
  )
}
