/**
 * Crash safety: the server is killed (SIGKILL) in the middle of taking in one million
 * observations; restarted on the same database, it is sent every batch again, and every
 * observation is then stored exactly once, with no revision.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { BasinId, SeriesId } from '../src/core/ids.ts'
import { openStore } from '../src/store/index.ts'
import { tokenDigest } from '../src/server/auth.ts'
import { ROOT, tempDir, tempFiles } from './support/cli.ts'

const SERIES = 100
const PER_SERIES = 10_000
const BATCH_SERIES = 1 // one series of 10,000 values per batch: 100 batches
const TOKEN = 'crash-test-token'
const T0 = Date.UTC(2000, 0, 1)

function start(
  dbFile: string,
  configFile: string,
  port: number,
): { child: ChildProcess; ready: Promise<void>; exited: Promise<void> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'freshet.js'), 'serve', '--no-demo'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), FRESHET_DB: dbFile, FRESHET_CONFIG: configFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const ready = new Promise<void>((resolve, reject) => {
    let err = ''
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
      if (err.includes('serving')) resolve()
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)))
  })
  return { child, ready, exited }
}

function batch(k: number): string {
  const rows: string[] = []
  for (let s = k * BATCH_SERIES; s < (k + 1) * BATCH_SERIES; s++) {
    for (let i = 0; i < PER_SERIES; i++) {
      rows.push(
        `{"series":"s${s}","t":${T0 + i * 3_600_000},"value":${(Math.sin(i / 50) + 2) * (s + 1)},"unit":"m3/s"}`,
      )
    }
  }
  return `{"observations":[${rows.join(',')}]}`
}

describe('a server killed while taking in observations', () => {
  it('stores every observation exactly once after a restart and a resend', async () => {
    const dir = tempDir()
    const db = join(dir, 'crash.db')
    // The series exist before the server starts.
    const store = await openStore(db)
    await store.basins.upsert([
      {
        id: 'crash' as BasinId,
        name: 'crash test',
        areaKm2: 100,
        outline: null,
        hypsometry: null,
        downstream: null,
      },
    ])
    await store.series.upsert(
      Array.from({ length: SERIES }, (_, s) => ({
        id: `s${s}` as SeriesId,
        variable: 'discharge' as const,
        unit: 'm3/s' as const,
        kind: 'observed' as const,
        stationId: null,
        basinId: 'crash' as BasinId,
        stepMs: 3_600_000,
      })),
    )
    await store.close()
    const cfg = join(
      tempFiles({
        'c.json': {
          tokens: [{ sha256: tokenDigest(TOKEN), user: 'loader', role: 'forecaster' }],
          bodyLimit: 20_000_000,
        },
      }),
      'c.json',
    )
    const port = 19_000 + Math.floor(Math.random() * 1000)
    const send = (k: number): Promise<Response> =>
      fetch(`http://127.0.0.1:${port}/api/v1/observations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: batch(k),
      })
    const batches = SERIES / BATCH_SERIES

    const first = start(db, cfg, port)
    await first.ready
    let acknowledged = 0
    const killAt = 40
    for (let k = 0; k < batches; k++) {
      if (k === killAt) {
        // Kill while the next batch is on its way.
        const inFlight = send(k).catch(() => undefined)
        await new Promise((r) => setTimeout(r, 30))
        first.child.kill('SIGKILL')
        await inFlight
        break
      }
      const r = await send(k)
      expect(r.status).toBe(200)
      acknowledged++
    }
    expect(acknowledged).toBe(killAt)
    await first.exited

    const second = start(db, cfg, port)
    await second.ready
    for (let k = 0; k < batches; k++) {
      const r = await send(k)
      expect(r.status).toBe(200)
      const body = (await r.json()) as { inserted: number; revised: number; unchanged: number }
      expect(body.revised).toBe(0)
      if (k < killAt) expect(body.unchanged).toBe(PER_SERIES * BATCH_SERIES)
    }
    second.child.kill('SIGTERM')
    await second.exited

    const check = await openStore(db)
    let total = 0
    for (let s = 0; s < SERIES; s++) {
      const id = `s${s}` as SeriesId
      const n = await check.observations.count(id)
      expect(n).toBe(PER_SERIES)
      total += n
    }
    expect(total).toBe(1_000_000)
    const history = await check.observations.history(
      's7' as SeriesId,
      (T0 + 5 * 3_600_000) as EpochMs,
    )
    expect(history.map((o) => o.revision)).toEqual([1])
    await check.close()
  }, 300_000)
})
