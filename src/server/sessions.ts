/**
 * Sign-in for people: user accounts with scrypt password hashes (configured, never passwords in
 * clear) and session tokens the server signs. A session token is
 * `fs1.<base64url payload>.<base64url HMAC-SHA256>`; the payload names the user, a random id
 * and the expiry. The key is kept in the database's settings, so sessions outlive a restart; a
 * user removed from the configuration loses every session at the next restart. Signing out
 * revokes the session until it would have expired (the revocations are kept in memory).
 *
 * Repeated failures are slowed down: after {@link MAX_FAILURES} wrong passwords for one user
 * name, that name is refused for {@link LOCK_MS} whatever the password.
 */
import {
  createHmac,
  randomBytes,
  scrypt as scryptCb,
  timingSafeEqual,
  type BinaryLike,
  type ScryptOptions,
} from 'node:crypto'
import type { Clock } from '../core/clock.ts'
import type { Authenticator, Principal, Role } from './auth.ts'

/** A person who signs in with a password. */
export interface UserAccount {
  readonly user: string
  readonly role: Role
  /** Basin ids the role covers, or `['*']`. */
  readonly areas: readonly string[]
  /** `scrypt$N$r$p$<salt base64>$<hash base64>` (see {@link hashPassword}). */
  readonly passwordHash: string
}

/** Wrong passwords in a row for one user name before it is locked. */
export const MAX_FAILURES = 5
/** How long a user name stays locked after too many failures (ms). */
export const LOCK_MS = 60_000

const PREFIX = 'fs1'
const KEY_LENGTH = 32

const scrypt = (password: BinaryLike, salt: BinaryLike, opts: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scryptCb(password, salt, KEY_LENGTH, opts, (e, key) => (e ? reject(e) : resolve(key))),
  )

/**
 * The hash of a password to put in the configuration: scrypt with N = 2^15, r = 8, p = 1 and a
 * random 16-byte salt.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const N = 2 ** 15
  const hash = await scrypt(password, salt, { N, r: 8, p: 1, maxmem: 64 * 1024 * 1024 })
  return `scrypt$${N}$8$1$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** Whether `passwordHash` has the form {@link hashPassword} writes (checked at configuration). */
export function isPasswordHash(passwordHash: string): boolean {
  return parseHash(passwordHash) !== undefined
}

interface ParsedHash {
  readonly N: number
  readonly r: number
  readonly p: number
  readonly salt: Buffer
  readonly hash: Buffer
}

function parseHash(s: string): ParsedHash | undefined {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(s)
  if (m === null) return undefined
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const hash = Buffer.from(m[5]!, 'base64')
  if (N < 2 ** 10 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16)
    return undefined
  if (hash.length !== KEY_LENGTH) return undefined
  return { N, r, p, salt: Buffer.from(m[4]!, 'base64'), hash }
}

async function verifyPassword(password: string, parsed: ParsedHash): Promise<boolean> {
  const { N, r, p } = parsed
  const got = await scrypt(password, parsed.salt, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 })
  return timingSafeEqual(got, parsed.hash)
}

/** The outcome of a sign-in. */
export type SignIn =
  | {
      readonly ok: true
      readonly token: string
      readonly principal: Principal
      /** ms since epoch. */
      readonly expires: number
    }
  | { readonly ok: false; readonly reason: 'invalid' | 'locked'; readonly retryAfterMs: number }

/** Signs people in and recognises their session tokens. */
export interface SessionService extends Authenticator {
  /** Checks the password; on success a new session token valid for the configured time. */
  signIn(user: string, password: string): Promise<SignIn>
  /** Revokes the session of `token` (nothing happens for a token that is not a session). */
  signOut(token: string): void
  /** Whether `token` has the form of a session token (it may still be invalid). */
  isSessionToken(token: string): boolean
}

interface Payload {
  readonly u: string
  readonly sid: string
  /** Expiry, ms since epoch. */
  readonly exp: number
}

const b64url = (b: Buffer): string => b.toString('base64url')

/**
 * The session service for `users`, signing with `key` (≥ 32 random bytes).
 * @param ttlMs how long a session lasts (ms)
 */
export function createSessionService(
  users: readonly UserAccount[],
  key: Buffer,
  clock: Clock,
  ttlMs: number,
): SessionService {
  if (key.length < 32) throw new Error('sessions: the signing key must have at least 32 bytes')
  const accounts = new Map<string, { account: UserAccount; hash: ParsedHash }>()
  for (const a of users) {
    const hash = parseHash(a.passwordHash)
    if (hash === undefined)
      throw new Error(`sessions: user ${a.user}: passwordHash is not a scrypt hash`)
    accounts.set(a.user, { account: a, hash })
  }
  // Unknown users are checked against a hash too, so the answer takes as long.
  const decoy: ParsedHash = {
    N: 2 ** 15,
    r: 8,
    p: 1,
    salt: randomBytes(16),
    hash: randomBytes(KEY_LENGTH),
  }
  const failures = new Map<string, { count: number; lockedUntil: number }>()
  /** Revoked session ids → their expiry (dropped once past it). */
  const revoked = new Map<string, number>()
  const sign = (body: string): Buffer => createHmac('sha256', key).update(body, 'utf8').digest()

  const read = (token: string): Payload | undefined => {
    const parts = token.split('.')
    if (parts.length !== 3 || parts[0] !== PREFIX) return undefined
    const body = `${parts[0]}.${parts[1]}`
    const mac = Buffer.from(parts[2]!, 'base64url')
    const want = sign(body)
    if (mac.length !== want.length || !timingSafeEqual(mac, want)) return undefined
    let p: unknown
    try {
      p = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
    } catch {
      return undefined
    }
    if (typeof p !== 'object' || p === null) return undefined
    const { u, sid, exp } = p as Record<string, unknown>
    if (typeof u !== 'string' || typeof sid !== 'string' || typeof exp !== 'number')
      return undefined
    return { u, sid, exp }
  }

  return {
    async signIn(user, password) {
      const now = clock.now()
      const f = failures.get(user)
      if (f !== undefined && f.lockedUntil > now)
        return { ok: false, reason: 'locked', retryAfterMs: f.lockedUntil - now }
      const entry = accounts.get(user)
      const good = await verifyPassword(password, entry?.hash ?? decoy)
      if (entry === undefined || !good) {
        const count = (f?.count ?? 0) + 1
        const lockedUntil = count >= MAX_FAILURES ? now + LOCK_MS : 0
        failures.set(user, { count: count >= MAX_FAILURES ? 0 : count, lockedUntil })
        return {
          ok: false,
          reason: lockedUntil > 0 ? 'locked' : 'invalid',
          retryAfterMs: lockedUntil > 0 ? LOCK_MS : 0,
        }
      }
      failures.delete(user)
      const exp = now + ttlMs
      const payload: Payload = { u: user, sid: b64url(randomBytes(12)), exp }
      const body = `${PREFIX}.${b64url(Buffer.from(JSON.stringify(payload), 'utf8'))}`
      const { account } = entry
      return {
        ok: true,
        token: `${body}.${b64url(sign(body))}`,
        principal: { user: account.user, role: account.role, areas: account.areas },
        expires: exp,
      }
    },

    principal(token) {
      const p = read(token)
      if (p === undefined) return undefined
      const now = clock.now()
      if (p.exp <= now || revoked.has(p.sid)) return undefined
      const a = accounts.get(p.u)?.account
      return a === undefined ? undefined : { user: a.user, role: a.role, areas: a.areas }
    },

    signOut(token) {
      const p = read(token)
      if (p === undefined) return
      const now = clock.now()
      for (const [sid, exp] of revoked) if (exp <= now) revoked.delete(sid)
      revoked.set(p.sid, p.exp)
    },

    isSessionToken: (token) => token.startsWith(`${PREFIX}.`),
  }
}
