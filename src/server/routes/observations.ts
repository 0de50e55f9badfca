import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { EpochMs } from '../../core/brand.ts'
import type { SeriesId } from '../../core/ids.ts'
import { formatIssue } from '../../core/result.ts'
import { ingestObservations } from '../../observe/ingest.ts'
import { parseObservationCsv } from '../../observe/observation-csv.ts'
import { parseObservationJson } from '../../observe/observation-json.ts'
import { DEFAULT_QC_CONFIG } from '../../observe/quality-control.ts'
import type { Series } from '../../observe/types.ts'
import type { AppDeps } from '../deps.ts'
import { authorize } from '../auth.ts'
import { ApiError } from '../errors.ts'

const rejectedSchema = z.object({
  index: z.number().int().describe('0-based row of the batch'),
  line: z.number().int().optional().describe('1-based line of a CSV body'),
  series: z.string().optional(),
  reason: z.string(),
})

const outcomeSchema = z.object({
  stored: z.boolean(),
  inserted: z.number().int(),
  revised: z.number().int(),
  unchanged: z.number().int(),
  withheld: z.number().int().describe('valid rows not stored because the batch was atomic'),
  rejected: z.array(rejectedSchema),
  flagged: z.array(
    z.object({ series: z.string(), t: z.string(), check: z.string(), reason: z.string() }),
  ),
})

/** The basin a series belongs to (directly or through its station), for the area check. */
async function areaOf(deps: AppDeps, s: Series): Promise<string | undefined> {
  if (s.basinId !== null) return s.basinId
  if (s.stationId !== null) return (await deps.stations.find(s.stationId))?.basinId ?? undefined
  return undefined
}

/**
 * `POST /api/v1/observations`: a batch as JSON (`{"observations":[{series,t,value,unit}]}`) or
 * CSV (`text/csv`: `series,t,value,unit`, or wide `t,<series>…`). Quality control flags values
 * and stores them with their flags; `atomic=true` stores nothing unless every row is valid.
 * The same batch sent twice changes nothing.
 */
export function registerObservations(app: FastifyInstance, deps: AppDeps): void {
  app.addContentTypeParser(
    ['text/csv', 'text/plain'],
    { parseAs: 'string' },
    (_req: FastifyRequest, body: string | Buffer, done) => done(null, body),
  )
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/observations',
    {
      schema: {
        tags: ['observations'],
        summary: 'Send a batch of observations (JSON or CSV)',
        security: [{ bearer: [] }],
        querystring: z.object({ atomic: z.enum(['true', 'false']).default('false') }),
        body: z.unknown(),
        response: { 200: outcomeSchema, 422: outcomeSchema },
      },
    },
    async (request, reply) => {
      const principal = authorize(request, deps.grants, 'forecaster')
      const all = await deps.series.list()
      const lookup = new Map<SeriesId, Series>(all.map((s) => [s.id, s]))
      const contentType = String(request.headers['content-type'] ?? '')
      const parsed = contentType.startsWith('text/')
        ? parseObservationCsv(String(request.body), lookup, { source: 'body' })
        : parseObservationJson(request.body, lookup)
      if (!parsed.ok)
        throw new ApiError(
          400,
          'validation_failed',
          parsed.issues.map(formatIssue).join('; '),
          parsed.issues,
        )
      const batch = parsed.value
      // Every series written to must lie in the sender's areas.
      const seen = new Set<SeriesId>()
      for (const o of batch.valid) {
        if (seen.has(o.seriesId)) continue
        seen.add(o.seriesId)
        const area = await areaOf(deps, lookup.get(o.seriesId)!)
        if (
          !principal.areas.includes('*') &&
          (area === undefined || !principal.areas.includes(area))
        ) {
          throw new ApiError(
            403,
            'forbidden',
            `${principal.user} may not write series ${o.seriesId}`,
          )
        }
      }
      const mode = request.query.atomic === 'true' ? 'atomic' : 'partial'
      const outcome = await ingestObservations(
        deps.observations,
        lookup,
        batch,
        mode,
        DEFAULT_QC_CONFIG,
        deps.clock.now() as EpochMs,
      )
      // The zones of the gauges written are evaluated at once, after this batch is stored.
      if (outcome.stored && outcome.inserted + outcome.revised > 0) deps.warnings.observed(seen)
      if (outcome.stored)
        deps.events.publish({
          kind: 'observations',
          inserted: outcome.inserted,
          revised: outcome.revised,
        })
      const body = {
        stored: outcome.stored,
        inserted: outcome.inserted,
        revised: outcome.revised,
        unchanged: outcome.unchanged,
        withheld: outcome.withheld,
        rejected: outcome.rejected.map((r) => ({
          index: r.index,
          ...(r.line !== undefined ? { line: r.line } : {}),
          ...(r.series !== undefined ? { series: r.series } : {}),
          reason: r.reason,
        })),
        flagged: outcome.flagged.map((f) => ({
          series: f.seriesId,
          t: new Date(f.t).toISOString(),
          check: f.check,
          reason: f.reason,
        })),
      }
      return reply.status(mode === 'atomic' && outcome.rejected.length > 0 ? 422 : 200).send(body)
    },
  )
}
