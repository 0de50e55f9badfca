/**
 * SQLite across processes: a writer killed at a random moment loses no batch it reported as
 * committed and leaves no part of a batch; writers in several processes lose no revision.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { openSqlite } from './sqlite.ts'
import { openStore } from './store.ts'
import { HOUR, ms, seedSite, seriesId, T0 } from './testing/fixtures.ts'

const WRITER = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'writer-process.ts')
const Q1 = seriesId('Q1')

function startWriter(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

function output(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`writer exited with ${code}: ${err}`)),
    )
  })
}

describe('SQLite across processes', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  async function seededFile(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'freshet-durability-'))
    dirs.push(dir)
    const path = join(dir, 'store.db')
    const store = await openStore(path)
    await seedSite(store)
    await store.close()
    return path
  }

  it('sets WAL, foreign keys, a busy timeout and synchronous NORMAL (or FULL) on each connection', async () => {
    const path = await seededFile()
    for (const [option, level] of [
      [undefined, 1],
      ['full', 2],
    ] as const) {
      const { db, raw } = openSqlite(path, option === undefined ? {} : { synchronous: option })
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(raw.pragma('synchronous', { simple: true })).toBe(level)
      expect(raw.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(raw.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(5000)
      await db.destroy()
    }
  })

  it('loses no committed batch, and keeps no half batch, when the writer is killed', async () => {
    const path = await seededFile()
    const child = startWriter(['crash', path])
    let committed = -1
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject)
      child.stderr!.on('data', (d: Buffer) => reject(new Error(d.toString())))
      child.stdout!.on('data', (d: Buffer) => {
        for (const m of d.toString().matchAll(/committed (\d+)/g)) committed = Number(m[1])
        // Somewhere in the middle of a later batch, most likely inside its transaction.
        if (committed >= 15) setTimeout(() => resolve(), Math.random() * 20)
      })
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.on('exit', r))

    const store = await openStore(path)
    const n = await store.observations.count(Q1)
    expect(n % 1000).toBe(0)
    expect(n / 1000).toBeGreaterThanOrEqual(committed + 1)
    // Every batch is there whole, with the values it was written with.
    const all = await store.observations.read(Q1, T0, ms(T0 + n * HOUR))
    expect(all).toHaveLength(n)
    for (let k = 0; k < n / 1000; k++) expect(all[k * 1000 + 999]!.value).toBe(k + 999 / 1000)
    await store.close()
  })

  it('loses no revision when several processes write the same values', async () => {
    const path = await seededFile()
    const writers = 3
    const rounds = 5
    const n = 300
    // Every writer is waited for, even when one fails, before the folder is removed.
    const settled = await Promise.allSettled(
      Array.from({ length: writers }, (_, w) =>
        output(startWriter(['contend', path, String(w), String(rounds), String(n)])),
      ),
    )
    const outs = settled.map((r) => {
      if (r.status === 'rejected') throw r.reason
      return r.value
    })
    const sums = outs.map(
      (o) => JSON.parse(o) as Record<'inserted' | 'revised' | 'unchanged', number>,
    )
    const total = (k: 'inserted' | 'revised' | 'unchanged'): number =>
      sums.reduce((s, x) => s + x[k], 0)
    expect(total('inserted')).toBe(n)
    expect(total('inserted') + total('revised') + total('unchanged')).toBe(writers * rounds * n)
    const store = await openStore(path)
    let revisions = 0
    for (const o of await store.observations.read(Q1, T0, ms(T0 + n * HOUR))) {
      const h = await store.observations.history(Q1, o.t)
      expect(h.map((x) => x.revision)).toEqual(h.map((_, i) => i + 1))
      revisions += h.length - 1
    }
    expect(revisions).toBe(total('revised'))
    await store.close()
  })
})
