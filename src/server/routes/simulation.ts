/**
 * A basin's simulation over a window: its model driven by the observed forcing from a cold
 * start, in m³/s at its outlet with the basins upstream routed in (src/forecast/simulation).
 * Read-only for everyone, as the basin's forecast is.
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId } from '../../core/ids.ts'
import { assertNever } from '../../core/errors.ts'
import {
  MAX_SIMULATION_WINDOW_DAYS,
  simulateBasin,
  type SimulationFailureKind,
} from '../../forecast/simulation/simulate.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { idSchema, iso, isoTime } from './schemas.ts'

/** An ISO 8601 time with its offset (`Z` or `±hh:mm`), as the observation routes take it. */
const timeIn = (field: string) =>
  z
    .string()
    .refine((s) => /(Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
      message: `${field}: not an ISO 8601 time with an offset (e.g. 2016-05-01T00:00:00Z)`,
    })
    .describe('ISO 8601 time with an offset (e.g. 2016-05-01T00:00:00Z)')

const errorOut = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
})

const simulationOut = z.object({
  basinId: z.string(),
  model: z.string().describe('the model of the basin (`GR4J`, `CemaNeigeGR4J`, …)'),
  stepMs: z.number().int().describe("the model's step, ms"),
  warmupStart: isoTime.describe(
    'where every model started cold: a year of steps before `from`, or where the forcing starts',
  ),
  from: isoTime.describe(
    'start of the first step: the `from` asked, taken back to the start of its step',
  ),
  to: isoTime.describe(
    'end of the last step (exclusive): the end of the step holding the window’s end, or earlier where the observed forcing ends',
  ),
  upstream: z
    .array(z.string())
    .describe('basins upstream whose simulated flow is routed in, in network order'),
  unit: z.literal('m3/s'),
  times: z.array(isoTime).describe('start of each step'),
  values: z.array(z.number()).describe('mean outlet flow of each step, m³/s'),
})

/** The status and code of each failure of a simulation. */
function statusOf(
  kind: SimulationFailureKind,
): [number, 'validation_failed' | 'not_found' | 'conflict'] {
  switch (kind) {
    case 'invalid-request':
      return [400, 'validation_failed']
    case 'unknown-basin':
      return [404, 'not_found']
    case 'model':
    case 'forcing':
      return [409, 'conflict']
    case 'too-large':
      return [422, 'validation_failed']
    default:
      return assertNever(kind)
  }
}

/**
 * Simulations run at once by one server; a request beyond them is refused (503) rather than
 * queued, so that public reads never hold up the forecast cycle's workers for long.
 */
export const MAX_CONCURRENT_SIMULATIONS = 2

/** `GET /api/v1/basins/:id/simulation`. */
export function registerSimulation(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const runner = deps.modelRunner
  let running = 0

  r.get(
    '/api/v1/basins/:id/simulation',
    {
      schema: {
        tags: ['forecasts'],
        summary:
          "A basin's simulation over [from, to): its model on the observed forcing, m³/s at its outlet",
        description: `The basin's configured model and parameters, run from a cold start a year of steps before \`from\` (or where the observed forcing starts, if later) over the observed precipitation and PET (temperature for snow models), converted to m³/s over the basin's area, with the simulated flow of every basin upstream routed down its reach and added. Steps fall on the model's step grid, counted from 1970-01-01T00:00Z (midnight UTC for daily models): \`from\` is taken back to the start of its step. The simulation ends at \`to\` or where the observed forcing ends. 400 for a malformed, reversed or too long window (at most ${MAX_SIMULATION_WINDOW_DAYS} days, 3 years); 404 for an unknown basin; 409 when the basin or one upstream has no model configured (or one that cannot run), or when observed forcing is missing, naming the series and the time; 422 when the basins upstream make the run too large; 503 when ${MAX_CONCURRENT_SIMULATIONS} simulations are already running (try again: Retry-After).`,
        params: z.object({ id: idSchema }),
        querystring: z.object({ from: timeIn('from'), to: timeIn('to') }),
        response: {
          200: simulationOut,
          400: errorOut,
          404: errorOut,
          409: errorOut,
          422: errorOut,
          503: errorOut,
        },
      },
    },
    async (req, reply) => {
      if (running >= MAX_CONCURRENT_SIMULATIONS) {
        void reply.header('retry-after', '1')
        throw new ApiError(
          503,
          'unavailable',
          `${MAX_CONCURRENT_SIMULATIONS} simulations are running already; try again in a moment`,
        )
      }
      running++
      let result: Awaited<ReturnType<typeof simulateBasin>>
      try {
        result = await simulateBasin(
          {
            basins: deps.basins,
            series: deps.series,
            observations: deps.observations,
            configs: deps.modelConfigs,
            runner,
          },
          {
            basinId: req.params.id as BasinId,
            from: Date.parse(req.query.from) as EpochMs,
            to: Date.parse(req.query.to) as EpochMs,
          },
        )
      } finally {
        running--
      }
      if (!result.ok) {
        const [status, code] = statusOf(result.kind)
        throw new ApiError(status, code, result.message)
      }
      const s = result.value
      return {
        basinId: s.basinId,
        model: s.model,
        stepMs: s.stepMs,
        warmupStart: iso(s.warmupStart),
        from: iso(s.from),
        to: iso(s.to),
        upstream: [...s.upstream],
        unit: 'm3/s' as const,
        times: Array.from(s.flow, (_, k) => iso(s.from + k * s.stepMs)),
        values: Array.from(s.flow),
      }
    },
  )
}
