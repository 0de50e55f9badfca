import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../deps.ts'

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.enum(['ok', 'unreachable']),
  time: z.string().describe('server clock (ISO 8601, UTC)'),
})

const aboutSchema = z.object({
  name: z.literal('Freshet'),
  version: z.string(),
  demo: z
    .boolean()
    .describe('whether the server runs the demo (its replay at `/api/v1/demo/replay`)'),
  signIn: z.boolean().describe('whether people sign in with a password (`POST /api/v1/session`)'),
})

/** The version in package.json, read once. */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

/** `GET /health`: whether the server and its database answer; `GET /api/v1/about`: what it offers. */
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
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/about',
    {
      schema: {
        tags: ['system'],
        summary: 'The server: version, demo mode, password sign-in',
        response: { 200: aboutSchema },
      },
    },
    async () => ({
      name: 'Freshet' as const,
      version: VERSION,
      demo: deps.demoReplay !== undefined,
      signIn: deps.sessions !== undefined,
    }),
  )
}
