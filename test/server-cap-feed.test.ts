import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import { checkAtomFeed } from '../src/warn/feed/check.ts'
import type { AlertId, WarningId, WarningZoneId } from '../src/warn/types.ts'
import { ROOT } from './support/cli.ts'
import { SERVER_TARGETS, testServer, type TestServer } from './support/server.ts'

const example = readFileSync(
  join(ROOT, 'data', 'cap', 'examples', 'valid', 'uk-ea-severe-flood-warning-wainfleet-2020.xml'),
  'utf8',
)
const HOUR = 3_600_000

describe.each(SERVER_TARGETS)('CAP feed and documents on $name', (target) => {
  let s: TestServer
  beforeEach(async () => {
    s = await testServer({ target })
  })
  afterEach(async () => {
    await s.close()
  })

  const record = (alertId: string, zone: string, sent: number, expires: number) => ({
    alertId: alertId as AlertId,
    warningId: `w.${zone}` as WarningId,
    zoneId: zone as WarningZoneId,
    version: 1,
    msgType: 'Alert' as const,
    status: 'Actual' as const,
    sent: sent as EpochMs,
    expires: expires as EpochMs,
    levelRank: 2,
    languages: ['en-GB'],
    xml: example,
    createdAt: sent as EpochMs,
  })

  it('lists active alerts newest first, each linked as application/cap+xml, and serves each document as published', async () => {
    const now = s.now
    await s.store.capAlerts.put(record('fr.seine.1.1', 'seine', now - 3 * HOUR, now + 12 * HOUR))
    await s.store.capAlerts.put(record('fr.aube.1.1', 'aube', now - HOUR, now + 12 * HOUR))
    await s.store.capAlerts.put(record('fr.aube.0.1', 'aube-old', now - 48 * HOUR, now - HOUR))
    const feed = await s.app.inject('/cap/feed.atom')
    expect(feed.statusCode).toBe(200)
    expect(feed.headers['content-type']).toMatch(/application\/atom\+xml/)
    expect(checkAtomFeed(feed.body).ok).toBe(true)
    const links = [
      ...feed.body.matchAll(/<link[^>]*type="application\/cap\+xml"[^>]*href="([^"]+)"/g),
    ].map((m) => m[1])
    expect(links).toEqual([
      'http://localhost:80/cap/alerts/fr.aube.1.1.xml',
      'http://localhost:80/cap/alerts/fr.seine.1.1.xml',
    ])
    expect(feed.body).toContain('Wainfleet')
    const area = await s.app.inject('/cap/areas/seine/feed.atom')
    expect([...area.body.matchAll(/<entry>/g)]).toHaveLength(1)
    const doc = await s.app.inject('/cap/alerts/fr.seine.1.1.xml')
    expect(doc.headers['content-type']).toMatch(/application\/cap\+xml/)
    expect(doc.body).toBe(example)
    expect((await s.app.inject('/cap/alerts/nothing.xml')).statusCode).toBe(404)
  })

  it('serves an empty but valid feed when nothing is active', async () => {
    const feed = await s.app.inject('/cap/feed.atom')
    expect(checkAtomFeed(feed.body).ok).toBe(true)
    expect(feed.body).not.toContain('<entry>')
  })
})
