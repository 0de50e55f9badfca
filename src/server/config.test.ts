import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/support/cli.ts'
import { InputError } from '../core/errors.ts'
import { loadConfig } from './config.ts'

describe('server configuration', () => {
  it('has defaults, takes environment variables, and lets them win over the file', () => {
    const d = loadConfig({})
    expect(d).toMatchObject({ port: 8080, host: '127.0.0.1', demo: true, workers: 0, tokens: [] })
    const file = join(tempDir(), 'c.json')
    writeFileSync(file, JSON.stringify({ port: 9000, workers: 2, demo: false }))
    const c = loadConfig({ FRESHET_CONFIG: file, PORT: '9100', FRESHET_DB: 'postgres://x@h/db' })
    expect(c).toMatchObject({ port: 9100, workers: 2, demo: false, database: 'postgres://x@h/db' })
    expect(loadConfig({ FRESHET_DEMO: 'false' }).demo).toBe(false)
  })

  it('names the setting that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(InputError)
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/port/)
    expect(() => loadConfig({ FRESHET_DEMO: 'maybe' })).toThrow(
      /FRESHET_DEMO must be true or false/,
    )
    expect(() => loadConfig({ FRESHET_CONFIG: '/nonexistent.json' })).toThrow(
      /cannot read \/nonexistent\.json: ENOENT/,
    )
    const bad = join(tempDir(), 'bad.json')
    writeFileSync(bad, JSON.stringify({ tokens: [{ sha256: 'abc', user: 'x', role: 'admin' }] }))
    expect(() => loadConfig({ FRESHET_CONFIG: bad })).toThrow(
      /tokens\[0\]\.sha256: must be 64 lowercase hex digits/,
    )
  })
})
