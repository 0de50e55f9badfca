/**
 * The demo from forecasts to published warnings: `freshet serve` on a fresh SQLite file with the
 * demo region, replayed fast. Within a minute the Atom feed lists a CAP alert whose document
 * validates against the official CAP 1.2 schema; by the end of the replay a warning has been
 * updated or cancelled, and every alert published validates against the schema and passes the
 * profile checks.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../src/store/index.ts'
import { checkCapProfile, createCapXsdValidator, readCap } from '../src/warn/cap/index.ts'
import type { WarningZoneId } from '../src/warn/types.ts'
import { ROOT, tempDir } from './support/cli.ts'

const PORT = 19_000 + Math.floor(Math.random() * 1000)
const base = `http://127.0.0.1:${PORT}`
const xsd = createCapXsdValidator(readFileSync(join(ROOT, 'data', 'cap', 'CAP-v1.2.xsd'), 'utf8'))
let child: ChildProcess | undefined
let stderr = ''

afterAll(() => {
  child?.kill('SIGTERM')
})

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('npm start: warnings of the demo', () => {
  it('publishes CAP alerts in the feed within a minute, and updates or cancels them', async () => {
    const started = Date.now()
    const db = join(tempDir(), 'demo.db')
    child = spawn(process.execPath, [join(ROOT, 'bin', 'freshet.js'), 'serve'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(PORT),
        FRESHET_DB: db,
        FRESHET_DEMO_SPEED: '240',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    let capUrl: string | undefined
    while (Date.now() - started < 60_000 && capUrl === undefined) {
      await sleep(1000)
      if (!stderr.includes('serving')) continue
      const feed = await (await fetch(`${base}/cap/feed.atom`)).text()
      capUrl = /href="([^"]+\/cap\/alerts\/[^"]+\.xml)"/.exec(feed)?.[1]
    }
    expect(capUrl, `no alert in the feed within a minute; server said:\n${stderr}`).toBeDefined()
    const path = new URL(capUrl!).pathname
    const r = await fetch(base + path)
    expect(r.status).toBe(200)
    const xml = await r.text()
    expect(xsd.validate(xml)).toEqual([])
    const doc = readCap(xml)
    expect(doc.ok).toBe(true)
    if (doc.ok) {
      expect(doc.value.infos.map((i) => i.language)).toEqual(['en', 'ko'])
      expect(doc.value.infos[0]!.areas[0]!.areaDesc).toMatch(/approximate area around the gauge/)
    }

    while (Date.now() - started < 170_000 && !stderr.includes('replay finished')) await sleep(1000)
    expect(stderr, stderr).toContain('replay finished')
    const changed = /CAP (?:Update|Cancel) (\S+) published/.exec(stderr)
    expect(changed, `no Update or Cancel; server said:\n${stderr}`).not.toBeNull()
    const later = await fetch(`${base}/cap/alerts/${encodeURIComponent(changed![1]!)}.xml`)
    expect(later.status).toBe(200)
    const laterXml = await later.text()
    expect(xsd.validate(laterXml)).toEqual([])
    expect(laterXml).toMatch(/<msgType>(Update|Cancel)<\/msgType>/)
    expect(laterXml).toMatch(/<references>/)

    // Every alert the replay published, not only those sampled above: schema and profile.
    const region = JSON.parse(
      readFileSync(join(ROOT, 'data', 'demo', 'upper-seine.json'), 'utf8'),
    ) as { basins: { id: string }[] }
    const store = await openStore(db)
    try {
      let count = 0
      for (const b of region.basins)
        for (const a of await store.capAlerts.byZone(b.id as WarningZoneId)) {
          count++
          expect(xsd.validate(a.xml), a.alertId).toEqual([])
          const read = readCap(a.xml)
          expect(read.ok, a.alertId).toBe(true)
          if (read.ok) expect(checkCapProfile(read.value, 'publish').errors, a.alertId).toEqual([])
        }
      expect(count).toBeGreaterThan(2)
    } finally {
      await store.close()
    }
  }, 180_000)
})
