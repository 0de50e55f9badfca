import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import {
  createSessionService,
  hashPassword,
  isPasswordHash,
  LOCK_MS,
  MAX_FAILURES,
  type UserAccount,
} from './sessions.ts'

const HOUR = 3_600_000

describe('sessions', async () => {
  const hash = await hashPassword('correct horse')
  const users: UserAccount[] = [
    { user: 'dora', role: 'duty-officer', areas: ['seine'], passwordHash: hash },
    { user: 'olga', role: 'observer', areas: ['*'], passwordHash: await hashPassword('olga pw') },
  ]
  const clock = { t: Date.UTC(2026, 0, 1), now: () => clock.t as EpochMs }
  const key = randomBytes(32)
  const service = () => createSessionService(users, key, clock, 12 * HOUR)

  it('hashes with a fresh salt and recognises its own format only', async () => {
    expect(isPasswordHash(hash)).toBe(true)
    expect(await hashPassword('correct horse')).not.toBe(hash)
    for (const bad of ['', 'correct horse', hash.replace('scrypt$', 'bcrypt$'), `${hash}x!`])
      expect(isPasswordHash(bad)).toBe(false)
    // A cost that is not a power of two, or a hash of the wrong length.
    expect(isPasswordHash(hash.replace('$32768$', '$30000$'))).toBe(false)
    expect(isPasswordHash(hash.replace(/\$[^$]+$/, '$AAAA'))).toBe(false)
  })

  it('signs in with the right password only, and the token stands for the user until it expires', async () => {
    const s = service()
    expect(await s.signIn('dora', 'wrong')).toMatchObject({ ok: false, reason: 'invalid' })
    expect(await s.signIn('nobody', 'correct horse')).toMatchObject({ ok: false })
    const ok = await s.signIn('dora', 'correct horse')
    if (!ok.ok) throw new Error('sign-in refused')
    expect(ok.expires).toBe(clock.t + 12 * HOUR)
    expect(s.principal(ok.token)).toEqual({ user: 'dora', role: 'duty-officer', areas: ['seine'] })
    // Another service with the same key (the server restarted) accepts it; another key does not.
    expect(createSessionService(users, key, clock, HOUR).principal(ok.token)?.user).toBe('dora')
    expect(
      createSessionService(users, randomBytes(32), clock, HOUR).principal(ok.token),
    ).toBeUndefined()
    // A user removed from the configuration loses the session.
    expect(createSessionService(users.slice(1), key, clock, HOUR).principal(ok.token)).toBe(
      undefined,
    )
    clock.t += 12 * HOUR
    expect(s.principal(ok.token)).toBeUndefined()
    clock.t -= 12 * HOUR
  })

  it('refuses a token whose payload or signature was changed', async () => {
    const s = service()
    const ok = await s.signIn('olga', 'olga pw')
    if (!ok.ok) throw new Error('sign-in refused')
    const [prefix, body, mac] = ok.token.split('.') as [string, string, string]
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as object
    const forged = Buffer.from(JSON.stringify({ ...payload, u: 'dora' })).toString('base64url')
    expect(s.principal(`${prefix}.${forged}.${mac}`)).toBeUndefined()
    expect(s.principal(`${prefix}.${body}.${mac.slice(0, -2)}AA`)).toBeUndefined()
    expect(s.principal(`${prefix}.${body}`)).toBeUndefined()
    expect(s.principal('not-a-session')).toBeUndefined()
    expect(s.principal(ok.token)?.user).toBe('olga')
  })

  it('revokes a session at sign-out and no other', async () => {
    const s = service()
    const a = await s.signIn('dora', 'correct horse')
    const b = await s.signIn('dora', 'correct horse')
    if (!a.ok || !b.ok) throw new Error('sign-in refused')
    s.signOut(a.token)
    expect(s.principal(a.token)).toBeUndefined()
    expect(s.principal(b.token)?.user).toBe('dora')
  })

  it(`locks a user name for a while after ${MAX_FAILURES} wrong passwords`, async () => {
    const s = service()
    for (let i = 1; i < MAX_FAILURES; i++)
      expect(await s.signIn('dora', `guess ${i}`)).toMatchObject({ ok: false, reason: 'invalid' })
    expect(await s.signIn('dora', 'last guess')).toMatchObject({
      ok: false,
      reason: 'locked',
      retryAfterMs: LOCK_MS,
    })
    // Even the right password waits; another user does not.
    expect(await s.signIn('dora', 'correct horse')).toMatchObject({ ok: false, reason: 'locked' })
    expect((await s.signIn('olga', 'olga pw')).ok).toBe(true)
    clock.t += LOCK_MS
    expect((await s.signIn('dora', 'correct horse')).ok).toBe(true)
  })

  it('refuses a configured hash it cannot read, naming the user', () => {
    expect(() =>
      createSessionService([{ ...users[0]!, passwordHash: 'plain' }], key, clock, HOUR),
    ).toThrow(/user dora: passwordHash is not a scrypt hash/)
    expect(() => createSessionService(users, randomBytes(16), clock, HOUR)).toThrow(/32 bytes/)
  })
})
