/**
 * Who may do what. Every request that changes something presents a bearer token: an API token,
 * configured as a SHA-256 digest (never in clear) with a user, a role and the areas (basin ids,
 * or `*`) the role covers; or the session token of a person signed in with a password
 * (src/server/sessions.ts). Reading public data needs no token.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { ApiError } from './errors.ts'

/** Roles, from least to most: each includes what the ones before it may do. */
export const ROLES = ['observer', 'forecaster', 'duty-officer', 'admin'] as const
export type Role = (typeof ROLES)[number]

export interface TokenGrant {
  /** Hex SHA-256 of the token. */
  readonly sha256: string
  readonly user: string
  readonly role: Role
  /** Basin ids the grant covers, or `['*']` for all. */
  readonly areas: readonly string[]
}

export interface Principal {
  readonly user: string
  readonly role: Role
  readonly areas: readonly string[]
}

/** Hex SHA-256 of a token, as it is configured. */
export const tokenDigest = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex')

/** Who a bearer token stands for. */
export interface Authenticator {
  /** The principal of `token`, or undefined when it is unknown, expired or revoked. */
  principal(token: string): Principal | undefined
}

/** Configured API tokens, or an authenticator (API tokens and sessions). */
export type Credentials = readonly TokenGrant[] | Authenticator

/** Recognises the configured API tokens (by the SHA-256 of the token presented). */
export function tokenAuthenticator(grants: readonly TokenGrant[]): Authenticator {
  return {
    principal(token) {
      const digest = Buffer.from(tokenDigest(token), 'hex')
      for (const g of grants) {
        const d = Buffer.from(g.sha256, 'hex')
        if (d.length === digest.length && timingSafeEqual(d, digest))
          return { user: g.user, role: g.role, areas: g.areas }
      }
      return undefined
    },
  }
}

/** The first of `authenticators` that recognises a token. */
export function anyOf(...authenticators: readonly Authenticator[]): Authenticator {
  return {
    principal(token) {
      for (const a of authenticators) {
        const p = a.principal(token)
        if (p !== undefined) return p
      }
      return undefined
    },
  }
}

/** The request's bearer token, or undefined. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization
  if (h === undefined || !h.startsWith('Bearer ')) return undefined
  const t = h.slice(7).trim()
  return t === '' ? undefined : t
}

/** The principal of the request's bearer token, or undefined when there is none or it is unknown. */
export function principalOf(
  request: FastifyRequest,
  credentials: Credentials,
): Principal | undefined {
  const token = bearerOf(request)
  if (token === undefined) return undefined
  const auth = Array.isArray(credentials)
    ? tokenAuthenticator(credentials as readonly TokenGrant[])
    : (credentials as Authenticator)
  return auth.principal(token)
}

/**
 * Checks that the request's principal has at least `role` and, when `area` is given, covers it.
 * @throws ApiError 401 without a valid token, 403 when the role or area does not cover the action
 */
export function authorize(
  request: FastifyRequest,
  grants: Credentials,
  role: Role,
  area?: string,
): Principal {
  const p = principalOf(request, grants)
  if (p === undefined)
    throw new ApiError(401, 'unauthorized', 'a valid bearer token is required for this action')
  if (ROLES.indexOf(p.role) < ROLES.indexOf(role)) {
    throw new ApiError(403, 'forbidden', `${p.user} is ${p.role}; this action needs ${role}`)
  }
  if (area !== undefined && !p.areas.includes('*') && !p.areas.includes(area)) {
    throw new ApiError(403, 'forbidden', `${p.user} has no rights on ${area}`)
  }
  return p
}
