/**
 * The demo from forecasts to published warnings: `freshet serve` on a fresh SQLite file with the
 * demo region, replayed fast. Within a minute the Atom feed lists a CAP alert whose document
 * validates against the official CAP 1.2 schema; by the end of the replay a warning has been
 * updated or cancelled, and every alert published validates against the schema and passes the
 * profile checks.
 *
 * The same run checks the demo's command and preparedness through the API with the printed
 * admin token: the hierarchy, the depots with their opening stock as a ledger, and by the end of
 * the replay incidents opened from the warnings, an order issued and an allocation proposed.
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

  it('has a hierarchy, depots and stock; the flood opens incidents, issues an order, proposes an allocation', async () => {
    // Runs after the replay above has finished, on the same server.
    expect(stderr).toContain('replay finished')
    const token = /admin token is ([0-9a-f]{48})/.exec(stderr)?.[1]
    expect(token, stderr).toBeDefined()
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const get = async (path: string): Promise<{ status: number; body: any }> => {
      const r = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } })
      return { status: r.status, body: await r.json() }
    }

    const posts = await get('/api/v1/command/posts')
    expect(posts.status).toBe(200)
    expect(posts.body.levels).toEqual({ national: 1, basin: 1, province: 5, county: 12 })
    const fontainebleau = (await get('/api/v1/command/posts/fr.seine-et-marne.fontainebleau')).body
    expect(fontainebleau.areas).toContain('loing-episy')
    expect(fontainebleau.ancestors).toEqual(
      expect.arrayContaining(['fr.seine-et-marne', 'fr.basin.seine', 'fr.national']),
    )
    expect((await get('/api/v1/command/me')).body.assignments).toContainEqual({
      user: 'admin',
      post: 'fr.national',
      role: 'commander',
    })

    const depots = (await get('/api/v1/logistics/depots')).body as {
      id: string
      stock: { itemId: string; quantity: number }[]
    }[]
    expect(depots.length).toBe(7)
    for (const d of depots) expect(d.stock.length, d.id).toBeGreaterThan(0)
    const ledger = (await get('/api/v1/logistics/depots/depot-melun/movements')).body as {
      movements: { kind: string }[]
    }
    expect(ledger.movements.length).toBeGreaterThan(0)
    expect(ledger.movements.every((m) => m.kind === 'receipt')).toBe(true)
    const exposure = (await get('/api/v1/logistics/exposure')).body as { areaId: string }[]
    expect(exposure.map((e) => e.areaId).sort()).toEqual([
      'aube-bar',
      'loing-episy',
      'seine-plaines',
    ])

    const incidents = (await get('/api/v1/command/incidents')).body as {
      post: string
      source: { kind: string; zoneId?: string }
    }[]
    expect(
      incidents.some((i) => i.source.kind === 'warning' && i.source.zoneId === 'loing-episy'),
      stderr,
    ).toBe(true)
    expect(incidents.map((i) => i.post)).toContain('fr.seine-et-marne.fontainebleau')

    const orderId = /order (\S+) issued to \d+ posts/.exec(stderr)?.[1]
    expect(orderId, stderr).toBeDefined()
    const order = await get(`/api/v1/command/orders/${orderId}?posts=true`)
    expect(order.status).toBe(200)
    expect(order.body.order.issuerPost).toBe('fr.basin.seine')
    expect(order.body.order.recipients).toContain('fr.seine-et-marne.fontainebleau')
    const states = new Map(
      (order.body.posts as { post: string; status: string }[]).map((x) => [x.post, x.status]),
    )
    expect(states.get('fr.seine-et-marne.fontainebleau')).toBe('accepted')
    const escalations = (await get(`/api/v1/command/orders/${orderId}/escalations`)).body as {
      post: string
      deadline: string
    }[]
    expect(escalations).toContainEqual(
      expect.objectContaining({ post: 'fr.seine-et-marne', deadline: 'ack' }),
    )

    const planId = /allocation (plan-\S+) proposed/.exec(stderr)?.[1]
    expect(planId, stderr).toBeDefined()
    const plan = await get(`/api/v1/logistics/allocations/${planId}`)
    expect(plan.status).toBe(200)
    expect(plan.body.areas).toContainEqual(
      expect.objectContaining({ areaId: 'loing-episy', source: 'warning' }),
    )
    expect(plan.body.flows.length).toBeGreaterThan(0)
  })
})
