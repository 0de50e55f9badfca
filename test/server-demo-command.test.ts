/**
 * The demo's command and preparedness loaded on first start (data/demo/command.json): the
 * hierarchy, the assignments, depots with opening stock received through the ledger and the
 * exposure, each step in the audit chain; a second start on the same database adds nothing.
 * The demo's order for a zone's warning at the configured level goes from the basin HQ to the
 * posts below it covering the zone, once per warning, and the county accepts it at once.
 * (The whole replay, with incidents and an allocation, runs in server-warnings-demo.test.ts.)
 */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { Clock } from '../src/core/clock.ts'
import { verifyChain } from '../src/command/audit-chain.ts'
import { createCommandService, type CommandService } from '../src/server/command-service.ts'
import {
  createDemoCommand,
  demoOrderId,
  loadDemoCommand,
  readDemoCommand,
} from '../src/server/demo-command.ts'
import { demoWarnings, readDemoRegion } from '../src/server/demo.ts'
import { EventHub } from '../src/server/events.ts'
import { createLogisticsService, type LogisticsService } from '../src/server/logistics-service.ts'
import { openStore, type Store } from '../src/store/index.ts'
import { tempDir } from './support/cli.ts'

const file = readDemoCommand()
const region = readDemoRegion()
const setup = demoWarnings(region, '')
const warnings = { zones: setup.zones, levels: setup.rules.levels.map((l) => l.name) }

let store: Store
let command: CommandService
let logistics: LogisticsService
let lines: string[]
const clock: Clock = { now: () => Date.UTC(2016, 4, 26) as EpochMs }

/** The services of one server start over `db`, started as main.ts starts them. */
async function start(db: string): Promise<void> {
  store = await openStore(db)
  const events = new EventHub()
  const log = (msg: string): void => void lines.push(msg)
  command = createCommandService({ store, clock, events, log })
  logistics = createLogisticsService({ store, clock, events, log })
  await logistics.start()
}

async function stop(): Promise<void> {
  await logistics.stop()
  await command.stop()
  await store.close()
}

async function auditCount(): Promise<number> {
  return (await store.commandAudit.last())?.seq ?? 0
}

beforeEach(() => {
  lines = []
})

afterEach(async () => {
  await stop().catch(() => {})
})

describe('the demo command file', () => {
  it('labels itself illustrative and covers each warning zone with the county of its gauge', () => {
    expect(file.note).toMatch(/^Illustrative/)
    for (const zone of setup.zones) {
      const counties = file.posts.filter((p) => p.level === 'county' && p.areas.includes(zone.id))
      expect(counties.length, zone.id).toBe(1)
      expect(counties[0]!.parents).toContain('fr.basin.seine')
    }
    expect(file.exposure.map((e) => e.areaId).sort()).toEqual(
      setup.zones.map((z) => z.id as string).sort(),
    )
    expect(file.depots.length).toBeGreaterThanOrEqual(5)
    expect(file.depots.length).toBeLessThanOrEqual(8)
  })

  it('places every post and every shelter in the demo region, each shelter near its zone', () => {
    // Paris to Langres, Orléans to Chaumont: the upper Seine and its neighbours.
    const inRegion = (p: { lat: number; lon: number }): boolean =>
      p.lat > 47.5 && p.lat < 49.1 && p.lon > 1.5 && p.lon < 5.6
    for (const p of file.posts) {
      expect(p.location, p.id).toBeDefined()
      expect(inRegion(p.location!), p.id).toBe(true)
    }
    // No two posts at the same point: each can be clicked when zoomed in.
    expect(new Set(file.posts.map((p) => `${p.location!.lat},${p.location!.lon}`)).size).toBe(
      file.posts.length,
    )
    expect(file.shelters.length).toBeGreaterThanOrEqual(3)
    const zones = new Map(file.exposure.map((e) => [e.areaId, e]))
    for (const s of file.shelters) {
      const zone = zones.get(s.areaId)
      expect(zone, s.id).toBeDefined()
      expect(s.location, s.id).toBeDefined()
      // Within about 20 km of the zone's distribution point (1° of latitude ≈ 111 km).
      const dLat = s.location!.lat - zone!.lat
      const dLon = (s.location!.lon - zone!.lon) * Math.cos((zone!.lat * Math.PI) / 180)
      expect(Math.hypot(dLat, dLon) * 111, s.id).toBeLessThan(20)
    }
    for (const zone of setup.zones)
      expect(
        file.shelters.some((s) => s.areaId === zone.id),
        zone.id,
      ).toBe(true)
  })
})

describe('loading the demo command', () => {
  it('stores posts, users, depots, stock and exposure once, with audit entries', async () => {
    const db = join(tempDir(), 'demo.db')
    await start(db)
    await loadDemoCommand({ command, logistics, log: (m) => lines.push(m) }, file)
    const h = await command.hierarchy()
    expect(h.posts.size).toBe(file.posts.length)
    expect(await command.principal('admin')).toMatchObject({
      assignments: [{ user: 'admin', post: 'fr.national', role: 'commander' }],
    })
    const depots = await logistics.depots()
    expect(depots.length).toBe(file.depots.length)
    const melun = depots.find((d) => d.id === 'depot-melun')!
    const expected = file.depots.find((d) => d.id === 'depot-melun')!.stock
    expect(Object.fromEntries(melun.stock.map((l) => [l.itemId, l.quantity]))).toEqual(expected)
    expect(melun.stock.every((l) => l.version === 1)).toBe(true)
    const receipts = file.depots.reduce((n, d) => n + Object.keys(d.stock).length, 0)
    expect((await store.ledger.movements()).length).toBe(receipts)
    expect((await logistics.exposure()).length).toBe(file.exposure.length)
    const shelters = await logistics.shelters()
    expect(shelters.map((s) => [s.id, s.capacity, s.occupancy, s.location])).toEqual(
      file.shelters
        .map((s) => [s.id, s.capacity, 0, s.location])
        .sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    )
    expect(h.posts.get('fr.aube.troyes' as never)!.location).toEqual(
      file.posts.find((p) => p.id === 'fr.aube.troyes')!.location,
    )
    const audited = await auditCount()
    // posts, assignments, depots, receipts, exposure, shelters
    expect(audited).toBe(
      1 + file.assignments.length + file.depots.length + receipts + 1 + file.shelters.length,
    )
    expect(lines.some((l) => l.includes('19 posts stored'))).toBe(true)
    await stop()

    // A restart on the same database.
    lines = []
    await start(db)
    await loadDemoCommand({ command, logistics, log: (m) => lines.push(m) }, file)
    expect((await command.hierarchy()).posts.size).toBe(file.posts.length)
    expect((await logistics.depots()).length).toBe(file.depots.length)
    expect((await store.ledger.movements()).length).toBe(receipts)
    expect(await auditCount()).toBe(audited)
    expect(lines.filter((l) => l.startsWith('demo'))).toEqual([])
    const chain = verifyChain(await store.commandAudit.page(0, 10_000))
    expect(chain.ok).toBe(true)
  })

  it('gives the file’s locations to posts stored without one, once', async () => {
    const db = join(tempDir(), 'demo.db')
    await start(db)
    const bare = file.posts.map(({ location: _, ...p }) => p)
    await loadDemoCommand(
      { command, logistics, log: (m) => lines.push(m) },
      {
        ...file,
        posts: bare,
      },
    )
    expect([...(await command.hierarchy()).posts.values()].some((p) => 'location' in p)).toBe(false)
    const before = await auditCount()
    lines = []
    await loadDemoCommand({ command, logistics, log: (m) => lines.push(m) }, file)
    const h = await command.hierarchy()
    for (const p of file.posts)
      expect(h.posts.get(p.id as never)!.location, p.id).toEqual(p.location)
    expect(await auditCount()).toBe(before + 1)
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^demo command: locations given to ${file.posts.length} posts`),
      ),
    )
    lines = []
    await loadDemoCommand({ command, logistics, log: (m) => lines.push(m) }, file)
    expect(await auditCount()).toBe(before + 1)
    expect(lines.filter((l) => l.startsWith('demo'))).toEqual([])
  })

  it('refuses a file with a shelter off the globe before storing anything, naming it', async () => {
    await start(join(tempDir(), 'demo.db'))
    const bad = {
      ...file,
      shelters: file.shelters.map((s, i) =>
        i === 1 ? { ...s, location: { lat: 148.2, lon: s.location!.lon } } : s,
      ),
    }
    await expect(
      loadDemoCommand({ command, logistics, log: (m) => lines.push(m) }, bad),
    ).rejects.toThrow(
      `demo command: invalid shelters: shelters[1].location.lat: shelter ${file.shelters[1]!.id}: must be a latitude in [-90, 90] degrees, got 148.2`,
    )
    expect((await command.hierarchy()).posts.size).toBe(0)
    expect(await logistics.shelters()).toEqual([])
    expect(await auditCount()).toBe(0)
  })

  it('orders the posts below the basin HQ covering a zone once per warning; the county accepts', async () => {
    await start(join(tempDir(), 'demo.db'))
    await loadDemoCommand({ command, logistics, log: (m) => lines.push(m) }, file)
    const demo = createDemoCommand(
      { command, logistics, store, clock, warnings, log: (m) => lines.push(m) },
      file,
    )
    // Below the configured level: nothing.
    await demo.react([{ zoneId: 'loing-episy', warningId: 'w.loing.1', level: 'warning' }])
    await expect(command.order(demoOrderId('w.loing.1'))).rejects.toThrow(/no order/)

    // At the level: the order, then an allocation from the stored warnings (none here).
    const severe = [{ zoneId: 'loing-episy', warningId: 'w.loing.1', level: 'severe' }]
    await expect(demo.react(severe)).rejects.toThrow(/no zone has an active warning/)
    const o = await command.order(demoOrderId('w.loing.1'))
    expect(o.issuerPost).toBe('fr.basin.seine')
    expect(o.issuedBy).toBe('demo.seine-duty')
    expect([...o.recipients].sort()).toEqual([
      'fr.seine-et-marne',
      'fr.seine-et-marne.fontainebleau',
    ])
    expect(o.ackDeadline - o.issuedAt).toBe(file.replay.order.ackHours * 3_600_000)
    const county = await store.orders.findRecipient(
      o.id,
      'fr.seine-et-marne.fontainebleau' as never,
    )
    expect(county?.status).toBe('accepted')
    const province = await store.orders.findRecipient(o.id, 'fr.seine-et-marne' as never)
    expect(province?.status).toBe('issued')
    expect(lines).toContainEqual(
      expect.stringMatching(/^order demo\.w\.loing\.1 issued to 2 posts/),
    )

    // Again (the next simulated day): no second order.
    lines = []
    await expect(demo.react(severe)).rejects.toThrow(/no zone has an active warning/)
    expect(lines.filter((l) => l.startsWith('order'))).toEqual([])
  })
})
