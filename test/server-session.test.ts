/**
 * Sign-in over HTTP on a running server: the session token works like an API token with the
 * user's role and areas, a wrong password is refused the same way as an unknown user, repeated
 * failures lock the name, signing out revokes the token, and the configuration refuses a bad hash.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InputError } from '../src/core/errors.ts'
import { loadConfig } from '../src/server/config.ts'
import { startServer, type RunningServer } from '../src/server/main.ts'
import { MAX_FAILURES, hashPassword } from '../src/server/sessions.ts'

const dir = mkdtempSync(join(tmpdir(), 'freshet-session-'))
const configFile = join(dir, 'freshet.json')
const env = (extra: Record<string, string> = {}) => ({
  FRESHET_CONFIG: configFile,
  FRESHET_DB: join(dir, 'freshet.db'),
  FRESHET_DEMO: 'false',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  ...extra,
})

describe('sign-in on a running server', () => {
  let server: RunningServer
  const call = (method: string, path: string, token?: string, body?: object) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
  const signIn = (user: string, password: string) =>
    call('POST', '/api/v1/session', undefined, { user, password })

  beforeAll(async () => {
    writeFileSync(
      configFile,
      JSON.stringify({
        users: [
          {
            user: 'olga',
            role: 'observer',
            areas: ['*'],
            passwordHash: await hashPassword('olga-password'),
          },
          {
            user: 'dora',
            role: 'duty-officer',
            areas: ['*'],
            passwordHash: await hashPassword('dora-password'),
          },
        ],
      }),
    )
    server = await startServer(loadConfig(env()), {}, () => {})
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('gives a session token that carries the role of the user, until sign-out', async () => {
    const r = await signIn('dora', 'dora-password')
    expect(r.status).toBe(200)
    const s = (await r.json()) as { token: string; user: string; role: string; expires: string }
    expect(s).toMatchObject({ user: 'dora', role: 'duty-officer' })
    expect(Date.parse(s.expires) - Date.now()).toBeGreaterThan(11 * 3_600_000)
    // Admin-only: refused by role, not by authentication.
    expect((await call('GET', '/api/v1/subscriptions', s.token)).status).toBe(403)
    expect((await call('GET', '/api/v1/warnings', s.token)).status).toBe(200)
    expect((await call('GET', '/api/v1/warnings')).status).toBe(401)

    const o = (await (await signIn('olga', 'olga-password')).json()) as { token: string }
    // An observer reads what an observer may, and nothing more.
    expect((await call('GET', '/api/v1/warnings', o.token)).status).toBe(200)
    expect((await call('GET', '/api/v1/subscriptions', o.token)).status).toBe(403)

    expect((await call('DELETE', '/api/v1/session', s.token)).status).toBe(204)
    const after = await call('GET', '/api/v1/warnings', s.token)
    expect(after.status).toBe(401)
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    // Olga's session is not affected.
    expect((await call('GET', '/api/v1/warnings', o.token)).status).toBe(200)
  })

  it('answers a wrong password and an unknown user alike, and locks a name after repeated failures', async () => {
    const wrong = await signIn('olga', 'not-her-password')
    const unknown = await signIn('nobody', 'olga-password')
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(await wrong.json()).toEqual(await unknown.json())
    for (let i = 2; i < MAX_FAILURES; i++)
      expect((await signIn('olga', `guess-${i}`)).status).toBe(401)
    const locked = await signIn('olga', 'last-guess')
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await signIn('olga', 'olga-password')).status).toBe(429)
    expect((await signIn('dora', 'dora-password')).status).toBe(200)
  })

  it('says what is wrong with a sign-in body', async () => {
    const r = await call('POST', '/api/v1/session', undefined, { user: 'dora' })
    expect(r.status).toBe(400)
    expect(JSON.stringify(await r.json())).toContain('password')
    expect((await call('DELETE', '/api/v1/session')).status).toBe(400)
  })

  it('refuses a configuration whose password hash it cannot read, naming the user entry', () => {
    const bad = join(dir, 'bad.json')
    writeFileSync(
      bad,
      JSON.stringify({
        users: [{ user: 'eve', role: 'admin', passwordHash: 'hunter2' }],
      }),
    )
    expect(() => loadConfig(env({ FRESHET_CONFIG: bad }))).toThrow(InputError)
    expect(() => loadConfig(env({ FRESHET_CONFIG: bad }))).toThrow(/users\[0\]\.passwordHash/)
  })
})

describe('a server without user accounts', () => {
  it('has no sign-in', async () => {
    const d = mkdtempSync(join(tmpdir(), 'freshet-nosession-'))
    const file = join(d, 'freshet.json')
    writeFileSync(file, '{}')
    const server = await startServer(
      loadConfig({ ...env(), FRESHET_CONFIG: file, FRESHET_DB: join(d, 'f.db') }),
      {},
      () => {},
    )
    try {
      const r = await fetch(`${server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'a', password: 'b' }),
      })
      expect(r.status).toBe(404)
    } finally {
      await server.close()
      rmSync(d, { recursive: true, force: true })
    }
  })
})
