import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../deps.ts'

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.enum(['ok', 'unreachable']),
  time: z.string().describe('server clock (ISO 8601, UTC)'),
})

/** `GET /health`: whether the server and its database answer. */
export function registerHealth(app: FastifyInstance, deps: AppDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      let database: 'ok' | 'unreachable' = 'ok'
      try {
        await deps.ping()
      } catch {
        database = 'unreachable'
      }
      const body = {
        status: database === 'ok' ? ('ok' as const) : ('degraded' as const),
        database,
        time: new Date(deps.clock.now()).toISOString(),
      }
      return reply.status(database === 'ok' ? 200 : 503).send(body)
    },
  )
}
