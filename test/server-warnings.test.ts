/**
 * Warnings over HTTP: observed exceedances issued by the rules, drafts approved or declined by
 * people under the two-person rule, who may do what where, and evaluation state that outlives
 * the service.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { SeriesId } from '../src/core/ids.ts'
import { createWarningService, type WarningService } from '../src/server/warnings.ts'
import { createCapXsdValidator, validateCapDocument } from '../src/warn/cap/index.ts'
import { checkAtomFeed } from '../src/warn/feed/check.ts'
import type { WarningZoneId } from '../src/warn/types.ts'
import { ROOT } from './support/cli.ts'
import {
  SERVER_TARGETS,
  TEST_WARNINGS,
  TOKENS,
  addTestThresholds,
  auth,
  observe,
  testServer,
  type TestServer,
} from './support/server.ts'

const HOUR = 3_600_000
const xsd = createCapXsdValidator(readFileSync(join(ROOT, 'data', 'cap', 'CAP-v1.2.xsd'), 'utf8'))
afterAll(() => xsd.dispose())

interface ZoneView {
  zoneId: string
  active: {
    warningId: string
    level: string
    basis: string
    version: number
    alertId: string
    msgType: string
    reasons: string[]
  } | null
  pending: {
    warningId: string
    version: number
    change: string
    level: string
    source: string
    draftedBy: string
    note: string
    twoPersonRequired: boolean
    reasons: string[]
  } | null
}

interface AuditView {
  actor: string
  action: string
  warningId: string | null
  details: Record<string, string | number | boolean | null>
}

interface ErrorView {
  error: { code: string; message: string; details?: { path: string; message: string }[] }
}

describe.each(SERVER_TARGETS)('warnings over HTTP on $name', (target) => {
  let s: TestServer
  beforeEach(async () => {
    s = await testServer({ target, warnings: TEST_WARNINGS })
    await addTestThresholds(s.store)
  })
  afterEach(async () => {
    await s.close()
  })

  const get = (url: string, token?: string) =>
    s.app.inject({ method: 'GET', url, headers: token === undefined ? {} : auth(token) })
  const post = (url: string, token: string | undefined, payload?: object) =>
    s.app.inject({
      method: 'POST',
      url,
      headers: token === undefined ? {} : auth(token),
      ...(payload === undefined ? {} : { payload }),
    })
  const zones = async (token: string = TOKENS.observer): Promise<ZoneView[]> => {
    const r = await get('/api/v1/warnings', token)
    expect(r.statusCode).toBe(200)
    return r.json<ZoneView[]>()
  }
  const zone = async (id: string): Promise<ZoneView> => {
    const z = (await zones()).find((x) => x.zoneId === id)
    expect(z).toBeDefined()
    return z!
  }
  const audit = async (id = 'seine'): Promise<AuditView[]> => {
    const r = await get(`/api/v1/warnings/${id}/audit`, TOKENS.forecaster)
    expect(r.statusCode).toBe(200)
    return r.json<AuditView[]>()
  }
  /** The CAP document links of the main feed. */
  const feedLinks = async (): Promise<string[]> => {
    const feed = await get('/cap/feed.atom')
    expect(feed.statusCode).toBe(200)
    expect(checkAtomFeed(feed.body).ok).toBe(true)
    return [...feed.body.matchAll(/<link[^>]*type="application\/cap\+xml"[^>]*href="([^"]+)"/g)]
      .map((m) => m[1]!)
      .map((href) => new URL(href).pathname)
  }
  const iso = (ms: number): string => new Date(ms).toISOString()
  const draft = (
    token: string,
    body: { level: string | null; expires?: string; note?: string; basis?: string },
    zoneId = 'seine',
  ) =>
    post(`/api/v1/warnings/${zoneId}/drafts`, token, {
      basis: 'forecast',
      expires: iso(s.now + 12 * HOUR).replace('Z', '+00:00'),
      note: 'ensemble agrees on a rise above Q5 by tomorrow',
      ...body,
    })

  it('issues an observed emergency at once: listed with its reason, in the feed as valid CAP, audited', async () => {
    await observe(s, 'seine', 312.5, 1)
    await observe(s, 'aube', 99, 1)

    const seine = await zone('seine')
    expect(seine.active).toMatchObject({
      warningId: 'freshet.seine.1',
      level: 'emergency',
      basis: 'observed',
      version: 1,
      alertId: 'freshet.seine.1.1',
      msgType: 'Alert',
    })
    expect(seine.active!.reasons).toEqual([
      `emergency: seine:discharge observed 312.5 ≥ Q50 (250) at ${iso(s.now - HOUR)}`,
    ])
    expect(seine.pending).toBeNull()
    // Below every threshold in aube: nothing there.
    expect(await zone('aube')).toMatchObject({ active: null, pending: null })

    expect(await feedLinks()).toEqual(['/cap/alerts/freshet.seine.1.1.xml'])
    const doc = await get('/cap/alerts/freshet.seine.1.1.xml')
    expect(doc.statusCode).toBe(200)
    expect(doc.headers['content-type']).toMatch(/application\/cap\+xml/)
    const v = validateCapDocument(doc.body, xsd, { mode: 'publish' })
    expect(v.errors).toEqual([])
    expect(v.valid).toBe(true)
    expect(v.alert!.sender).toBe('freshet-test')
    expect(v.alert!.msgType).toBe('Alert')
    expect(v.alert!.infos.map((i) => [i.language, i.severity, i.certainty])).toEqual([
      ['en', 'Extreme', 'Observed'],
      ['ko', 'Extreme', 'Observed'],
    ])
    expect(v.alert!.infos[0]!.description).toContain('Q50 (250 m³/s)')
    expect(v.alert!.infos[0]!.areas[0]!.polygons[0]!.points).toHaveLength(5)

    const trail = await audit()
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['drafted', 'system:rules'],
      ['approved', 'system:rules'],
      ['issued', 'system:rules'],
    ])
    expect(trail[1]!.details).toMatchObject({ version: 1, automatic: true })
    for (const e of [trail[0]!, trail[2]!])
      expect(e.details.why).toMatch(/seine:discharge observed 312\.5 ≥ Q50 \(250\)/)
    expect(trail[2]!.details).toMatchObject({ alertId: 'freshet.seine.1.1', level: 'emergency' })
    expect(await audit('aube')).toEqual([])
  })

  it('takes a draft through approval: pending, refused to its drafter, approved by another, then declined', async () => {
    const d = await draft(TOKENS.dutyOfficer, { level: 'warning' })
    expect(d.statusCode).toBe(201)
    expect(d.json()).toMatchObject({
      events: [{ kind: 'drafted', by: 'dora' }],
      published: [],
      zone: {
        active: null,
        pending: {
          warningId: 'freshet.seine.1',
          version: 1,
          change: 'new',
          level: 'warning',
          source: 'forecaster',
          draftedBy: 'dora',
          twoPersonRequired: true,
        },
      },
    })
    expect((await zone('seine')).pending?.note).toBe(
      'ensemble agrees on a rise above Q5 by tomorrow',
    )
    expect(await feedLinks()).toEqual([])

    const self = await post('/api/v1/warnings/seine/drafts/1/approve', TOKENS.dutyOfficer)
    expect(self.statusCode).toBe(403)
    expect(self.json<ErrorView>().error.message).toMatch(/two-person rule/)
    expect((await zone('seine')).pending?.version).toBe(1)
    expect(await feedLinks()).toEqual([])
    const refused = (await audit()).find((e) => e.action === 'approval-refused')
    expect(refused).toMatchObject({ actor: 'dora', warningId: 'freshet.seine.1' })
    expect(refused!.details.why).toMatch(/two-person rule: dora drafted this warning warning/)

    const ok = await post('/api/v1/warnings/seine/drafts/1/approve', TOKENS.dutyOfficer2)
    expect(ok.statusCode).toBe(200)
    const body = ok.json<{
      events: { kind: string; by: string }[]
      published: { alertId: string; msgType: string; url: string }[]
      zone: ZoneView
    }>()
    expect(body.events.map((e) => [e.kind, e.by])).toEqual([
      ['approved', 'dan'],
      ['issued', 'dan'],
    ])
    expect(body.published).toEqual([
      {
        alertId: 'freshet.seine.1.1',
        msgType: 'Alert',
        url: 'http://localhost:80/cap/alerts/freshet.seine.1.1.xml',
      },
    ])
    expect(body.zone.active).toMatchObject({ level: 'warning', basis: 'forecast', version: 1 })
    expect(body.zone.pending).toBeNull()
    expect(await feedLinks()).toEqual(['/cap/alerts/freshet.seine.1.1.xml'])
    const doc = await get('/cap/alerts/freshet.seine.1.1.xml')
    expect(validateCapDocument(doc.body, xsd, { mode: 'publish' }).errors).toEqual([])

    const again = await post('/api/v1/warnings/seine/drafts/1/approve', TOKENS.dutyOfficer2)
    expect(again.statusCode).toBe(409)
    expect(again.json<ErrorView>().error.message).toMatch(/no draft is pending/)

    // An upgrade drafted by a forecaster, declined by a duty officer with a reason.
    const up = await draft(TOKENS.forecaster, { level: 'severe', note: 'Q20 likely by noon' })
    expect(up.statusCode).toBe(201)
    expect(up.json<{ zone: ZoneView }>().zone.pending).toMatchObject({
      version: 2,
      change: 'upgrade',
      level: 'severe',
    })
    const stale = await post('/api/v1/warnings/seine/drafts/1/decline', TOKENS.dutyOfficer, {
      reason: 'wrong version',
    })
    expect(stale.statusCode).toBe(409)
    const declined = await post('/api/v1/warnings/seine/drafts/2/decline', TOKENS.dutyOfficer, {
      reason: 'gauge readings do not support it',
    })
    expect(declined.statusCode).toBe(200)
    expect(declined.json<{ events: unknown[]; published: unknown[] }>()).toMatchObject({
      events: [{ kind: 'draft-discarded', by: 'dora' }],
      published: [],
    })
    const after = await zone('seine')
    expect(after.pending).toBeNull()
    expect(after.active).toMatchObject({ level: 'warning', version: 1 })
    expect(await feedLinks()).toEqual(['/cap/alerts/freshet.seine.1.1.xml'])
    const discarded = (await audit()).filter((e) => e.action === 'draft-discarded')
    expect(discarded).toEqual([
      expect.objectContaining({
        actor: 'dora',
        details: { version: 2, reason: 'gauge readings do not support it' },
      }),
    ])
    const events = await get('/api/v1/warnings/seine', TOKENS.observer)
    expect(events.json<{ events: { kind: string }[] }>().events.map((e) => e.kind)).toEqual([
      'drafted',
      'approved',
      'issued',
      'drafted',
      'draft-discarded',
    ])
  })

  it('refuses whoever may not act, and malformed drafts, publishing nothing', async () => {
    // A pending draft in each zone that the refused steps below must leave alone.
    expect((await draft(TOKENS.forecaster, { level: 'advisory' })).statusCode).toBe(201)
    expect((await draft(TOKENS.aubeOnly, { level: 'advisory' }, 'aube')).statusCode).toBe(201)
    const eventsBefore = {
      seine: await s.store.warnings.events('seine' as WarningZoneId),
      aube: await s.store.warnings.events('aube' as WarningZoneId),
    }
    expect(eventsBefore.seine).toHaveLength(1)

    // No token.
    expect((await get('/api/v1/warnings')).statusCode).toBe(401)
    expect((await get('/api/v1/warnings/seine')).statusCode).toBe(401)
    expect((await draft('not-a-token', { level: 'warning' })).statusCode).toBe(401)
    expect((await post('/api/v1/warnings/seine/drafts/1/approve', undefined)).statusCode).toBe(401)

    // Roles.
    const byObserver = await draft(TOKENS.observer, { level: 'warning' })
    expect(byObserver.statusCode).toBe(403)
    expect(byObserver.json<ErrorView>().error.message).toMatch(/olga is observer/)
    expect((await get('/api/v1/warnings/seine/audit', TOKENS.observer)).statusCode).toBe(403)
    const forecasterApproves = await post(
      '/api/v1/warnings/seine/drafts/1/approve',
      TOKENS.forecaster,
    )
    expect(forecasterApproves.statusCode).toBe(403)

    // Areas.
    const outside = await draft(TOKENS.aubeOnly, { level: 'warning' })
    expect(outside.statusCode).toBe(403)
    expect(outside.json<ErrorView>().error.message).toMatch(/abe has no rights in zone seine/)
    expect((await get('/api/v1/warnings/seine', TOKENS.aubeOnly)).statusCode).toBe(403)
    expect((await get('/api/v1/warnings/seine/audit', TOKENS.aubeOnly)).statusCode).toBe(403)
    expect((await get('/api/v1/warnings/aube', TOKENS.aubeOnly)).statusCode).toBe(200)
    expect((await zones(TOKENS.aubeOnly)).map((z) => z.zoneId)).toEqual(['aube'])
    expect((await zones(TOKENS.seineOnly)).map((z) => z.zoneId)).toEqual(['seine'])
    expect((await zones(TOKENS.observer)).map((z) => z.zoneId)).toEqual(['seine', 'aube'])
    const aubeDuty = await post('/api/v1/warnings/seine/drafts/1/approve', TOKENS.aubeDuty)
    expect(aubeDuty.statusCode).toBe(403)
    expect(aubeDuty.json<ErrorView>().error.message).toMatch(/ali has no rights in zone seine/)
    const aubeDecline = await post('/api/v1/warnings/seine/drafts/1/decline', TOKENS.aubeDuty, {
      reason: 'not mine',
    })
    expect(aubeDecline.statusCode).toBe(403)

    // Malformed drafts: 422 naming the field.
    const problems = async (body: Parameters<typeof draft>[1]): Promise<string[]> => {
      const r = await draft(TOKENS.forecaster, body)
      expect(r.statusCode).toBe(422)
      const e = r.json<ErrorView>().error
      expect(e.code).toBe('validation_failed')
      return e.details!.map((x) => x.path)
    }
    expect(await problems({ level: 'apocalypse' })).toEqual(['level'])
    expect(await problems({ level: 'warning', note: '   ' })).toEqual(['note'])
    expect(await problems({ level: 'warning', expires: iso(s.now - HOUR) })).toEqual(['expires'])
    expect(await problems({ level: 'apocalypse', note: '' })).toEqual(['level', 'note'])
    // Not a time with an offset: refused by the request schema.
    const shape = await draft(TOKENS.forecaster, { level: 'warning', expires: 'tomorrow' })
    expect(shape.statusCode).toBe(400)
    expect(shape.json<ErrorView>().error.details!.map((x) => x.path)).toEqual(['body.expires'])

    // Unknown zone.
    expect((await draft(TOKENS.forecaster, { level: 'warning' }, 'loire')).statusCode).toBe(404)
    expect((await get('/api/v1/warnings/loire', TOKENS.observer)).statusCode).toBe(404)
    expect((await post('/api/v1/warnings/loire/drafts/1/approve', TOKENS.admin)).statusCode).toBe(
      404,
    )

    // Nothing changed or was published; every refusal in the zone is audited, those for the
    // role or the area too.
    expect(await s.store.warnings.events('seine' as WarningZoneId)).toEqual(eventsBefore.seine)
    expect(await s.store.warnings.events('aube' as WarningZoneId)).toEqual(eventsBefore.aube)
    expect(await feedLinks()).toEqual([])
    expect(await s.store.outbox.forAlert('freshet.seine.1', 1)).toEqual([])
    const refusals = (await audit()).filter(
      (e) => e.action === 'draft-refused' && e.actor === 'fred',
    )
    expect(refusals.map((e) => e.details.why)).toEqual([
      'unknown level "apocalypse"',
      'a justification is required',
      'must be after now',
      'unknown level "apocalypse"; a justification is required',
    ])
    const trail = await audit()
    const refusedBy = (actor: string, action: string): AuditView[] =>
      trail.filter((e) => e.actor === actor && e.action === action)
    expect(refusedBy('olga', 'draft-refused')).toHaveLength(1)
    expect(refusedBy('abe', 'draft-refused')[0]?.details.why).toMatch(/no rights in zone seine/)
    expect(refusedBy('ali', 'approval-refused')).toHaveLength(1)
    expect(refusedBy('ali', 'decline-refused')).toHaveLength(1)
    expect(refusedBy('fred', 'approval-refused')).toHaveLength(1)
    // aube's trail holds none of seine's refusals.
    expect((await audit('aube')).filter((e) => e.action.endsWith('-refused'))).toEqual([])
  })

  it('keeps the evaluation state in the database: hysteresis counts on across restarts', async () => {
    const zoneId = 'seine' as WarningZoneId
    const seriesId = 'seine:discharge' as SeriesId
    await observe(s, 'seine', 300, 3)
    expect((await zone('seine')).active?.level).toBe('emergency')
    const t3 = s.now - 3 * HOUR
    expect(await s.store.zoneEvaluations.find(zoneId)).toEqual({
      zoneId,
      level: 'emergency',
      streaks: expect.any(Object) as object,
      belowCycles: 0,
      lastCycleKey: `obs:seine:discharge@${t3}`,
      lastForecastKey: '',
    })

    // A service started afresh over the same database, as after a restart.
    const services: WarningService[] = []
    const restart = async (): Promise<WarningService> => {
      const w = createWarningService(
        {
          store: s.store,
          clock: { now: () => s.now as EpochMs },
          events: s.events,
          onPublished: () => {},
          log: () => {},
        },
        TEST_WARNINGS,
      )
      services.push(w)
      await w.start()
      return w
    }
    const below = async (w: WarningService, hoursAgo: number): Promise<void> => {
      await s.store.observations.write(
        [{ seriesId, t: (s.now - hoursAgo * HOUR) as EpochMs, value: 40, quality: 0 }],
        s.now as EpochMs,
      )
      w.observed([seriesId])
      await w.idle()
    }
    try {
      // Its start-up evaluation sees the same observation: not a new cycle, nothing changes.
      const first = await restart()
      expect((await s.store.zoneEvaluations.find(zoneId))?.belowCycles).toBe(0)
      expect(await s.store.warnings.events(zoneId)).toHaveLength(3)

      // One cycle below: kept by hysteresis (a fresh state would have dropped it at once).
      await below(first, 2)
      expect(await s.store.zoneEvaluations.find(zoneId)).toMatchObject({
        level: 'emergency',
        belowCycles: 1,
        lastCycleKey: `obs:seine:discharge@${s.now - 2 * HOUR}`,
      })
      const held = await zone('seine')
      expect(held.active?.level).toBe('emergency')
      expect(held.pending).toBeNull()
      await first.stop()

      // After another restart the second cycle below drops the level: the rules draft a cancel.
      const second = await restart()
      expect((await s.store.zoneEvaluations.find(zoneId))?.belowCycles).toBe(1)
      expect((await zone('seine')).pending).toBeNull()
      await below(second, 1)
      expect(await s.store.zoneEvaluations.find(zoneId)).toMatchObject({
        level: null,
        belowCycles: 0,
      })
      const dropped = await zone('seine')
      expect(dropped.active?.level).toBe('emergency')
      expect(dropped.pending).toMatchObject({
        change: 'cancel',
        level: 'emergency',
        source: 'rules',
        draftedBy: 'system:rules',
      })
      // A cancel is not auto-issued: the alert stays in the feed until a duty officer approves.
      expect(await feedLinks()).toEqual(['/cap/alerts/freshet.seine.1.1.xml'])
    } finally {
      for (const w of services) await w.stop()
    }
  })
})
