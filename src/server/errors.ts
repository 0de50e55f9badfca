/**
 * The one error of the HTTP edge: a status, a code from a closed list, a message for people and,
 * where it helps, details (every problem with its path). One handler renders it.
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { formatIssue, type Issue } from '../core/result.ts'

export const API_ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'unavailable',
  'internal',
] as const
export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number
  readonly code: ApiErrorCode
  readonly details: readonly Issue[]
  constructor(status: number, code: ApiErrorCode, message: string, details: readonly Issue[] = []) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
  }
}

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; details?: { path: string; message: string }[] }
}

const body = (code: ApiErrorCode, message: string, details: readonly Issue[] = []): ErrorBody => ({
  error: {
    code,
    message,
    ...(details.length > 0
      ? {
          details: details.map((d) => ({
            path: formatIssue({ path: d.path, message: '' }).replace(/: $/, ''),
            message: d.message,
          })),
        }
      : {}),
  },
})

/** Installs the handler that renders ApiError, validation errors and the rest. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError)
      return reply.status(err.status).send(body(err.code, err.message, err.details))
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details: Issue[] = err.validation.map((v) => ({
        path: [
          err.validationContext ?? 'body',
          ...String(v.instancePath)
            .split('/')
            .filter((s) => s !== ''),
        ],
        message: v.message ?? 'invalid',
      }))
      return reply
        .status(400)
        .send(body('validation_failed', `invalid ${err.validationContext ?? 'request'}`, details))
    }
    const status = (err as FastifyError).statusCode ?? 500
    if (status === 413) return reply.status(413).send(body('payload_too_large', err.message))
    if (status === 415) return reply.status(415).send(body('unsupported_media_type', err.message))
    if (status >= 400 && status < 500)
      return reply.status(status).send(body('bad_request', err.message))
    request.log.error({ err }, 'unhandled error')
    return reply.status(500).send(body('internal', 'internal error; see the server log'))
  })
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(body('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  )
}
