/**
 * `npm start` as a newcomer runs it: the server on a fresh SQLite file with the demo region.
 * Within a minute it has stored forecasts, and a threshold exceedance is visible through the
 * API. The demo clock runs faster here than its default so the test stays short.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT, tempDir } from './support/cli.ts'

const PORT = 18_000 + Math.floor(Math.random() * 1000)
const base = `http://127.0.0.1:${PORT}`
let child: ChildProcess | undefined
let stderr = ''

afterAll(() => {
  child?.kill('SIGTERM')
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function getJson(path: string): Promise<{ status: number; body: any }> {
  const r = await fetch(base + path)
  return { status: r.status, body: await r.json() }
}

describe('npm start', () => {
  it('serves the API and /docs, and within a minute forecasts that cross a threshold', async () => {
    const started = Date.now()
    child = spawn(process.execPath, [join(ROOT, 'bin', 'freshet.js'), 'serve'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(PORT),
        FRESHET_DB: join(tempDir(), 'demo.db'),
        FRESHET_DEMO_SPEED: '96',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    let exceeded: { basin: string; threshold: string; probability: number } | undefined
    while (Date.now() - started < 60_000 && exceeded === undefined) {
      await new Promise((r) => setTimeout(r, 1000))
      if (!stderr.includes('serving')) continue
      for (const basin of ['seine-plaines', 'aube-bar', 'loing-episy']) {
        const f = await getJson(`/api/v1/basins/${basin}/forecast`)
        if (f.status !== 200) continue
        for (const e of f.body.exceedance as { threshold: string; probability: number[] }[]) {
          const p = Math.max(...e.probability)
          if (p >= 0.5) exceeded = { basin, threshold: e.threshold, probability: p }
        }
      }
    }
    expect(exceeded, `no exceedance within a minute; server said:\n${stderr}`).toBeDefined()
    expect(stderr).toMatch(/admin token is [0-9a-f]{48}/)
    expect(stderr).toMatch(/calibrated on 2000-01-01\.\.2009-12-31/)
    expect((await getJson('/health')).body.status).toBe('ok')
    expect((await fetch(`${base}/docs/`)).status).toBe(200)
    const runs = (await getJson('/api/v1/forecasts')).body as { forcingSource: string }[]
    expect(runs.length).toBeGreaterThan(0)
    expect(runs[0]!.forcingSource).toMatch(/^synthetic/)
    const thresholds = (await getJson('/api/v1/series/F439000101:discharge/thresholds')).body as {
      source: string
      reason: string
    }[]
    expect(thresholds.length).toBe(4)
    expect(thresholds[0]!.reason).toMatch(/annual maxima/)
  }, 90_000)
})
