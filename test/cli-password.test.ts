import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSessionService } from '../src/server/sessions.ts'
import { ROOT } from './support/cli.ts'
import type { EpochMs } from '../src/core/brand.ts'

const hash = (input: string) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'freshet.js'), 'password-hash'], {
    input,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  })

describe('freshet password-hash', () => {
  it('prints a hash the server signs the user in with, and nothing of the password', async () => {
    const r = hash('a long passphrase\n')
    expect(r.status, r.stderr).toBe(0)
    const printed = r.stdout.trim()
    expect(printed).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(r.stdout + r.stderr).not.toContain('passphrase')
    const clock = { now: () => Date.UTC(2026, 0, 1) as EpochMs }
    const s = createSessionService(
      [{ user: 'u', role: 'observer', areas: ['*'], passwordHash: printed }],
      Buffer.alloc(32, 7),
      clock,
      60_000,
    )
    expect((await s.signIn('u', 'a long passphrase')).ok).toBe(true)
    expect((await s.signIn('u', 'a long passphrase ')).ok).toBe(false)
  })

  it('refuses a short password with exit code 2', () => {
    const r = hash('short\n')
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('at least 10 characters (read 5')
  })
})
