/**
 * Sign-in: `POST /api/v1/session` with a user name and password returns a session token to send
 * as `Authorization: Bearer …`; `DELETE /api/v1/session` signs out.
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { bearerOf } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'

const sessionSchema = z.object({
  token: z.string().describe('send as `Authorization: Bearer <token>`'),
  user: z.string(),
  role: z.string(),
  areas: z.array(z.string()),
  expires: z.string().describe('ISO 8601 UTC'),
})

/** Registers the sign-in routes (absent when no user account is configured: 404). */
export function registerSession(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.post(
    '/api/v1/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a user name and password: a session token',
        body: z.object({
          user: z.string().min(1).max(200),
          password: z.string().min(1).max(1000),
        }),
        response: { 200: sessionSchema },
      },
    },
    async (request, reply) => {
      const sessions = deps.sessions
      if (sessions === undefined)
        throw new ApiError(404, 'not_found', 'no user accounts are configured on this server')
      const { user, password } = request.body
      const outcome = await sessions.signIn(user, password)
      if (!outcome.ok) {
        if (outcome.reason === 'locked') {
          void reply.header('retry-after', String(Math.ceil(outcome.retryAfterMs / 1000)))
          throw new ApiError(
            429,
            'too_many_requests',
            `too many failed sign-ins for ${user}; try again in ${Math.ceil(outcome.retryAfterMs / 1000)} s`,
          )
        }
        throw new ApiError(401, 'unauthorized', 'unknown user or wrong password')
      }
      return reply.send({
        token: outcome.token,
        user: outcome.principal.user,
        role: outcome.principal.role,
        areas: [...outcome.principal.areas],
        expires: new Date(outcome.expires).toISOString(),
      })
    },
  )

  r.delete(
    '/api/v1/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: the session token is refused from now on',
        security: [{ bearer: [] }],
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const token = bearerOf(request)
      if (token === undefined || deps.sessions?.isSessionToken(token) !== true)
        throw new ApiError(400, 'bad_request', 'send the session token to sign out')
      deps.sessions.signOut(token)
      return reply.status(204).send(null)
    },
  )
}
