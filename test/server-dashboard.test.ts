/**
 * The dashboard's server side over HTTP: the built app at `/` (caching, deep links, the
 * Content-Security-Policy, 503 before a build), who the token's user is, every station's state
 * against its thresholds, the warning zones as GeoJSON, the map overlays, and the event stream
 * filtered by what its reader may see (read by a real HTTP client). On SQLite, and on
 * PostgreSQL when FRESHET_PG_URL is set.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { BasinId, ForecastRunId, SeriesId, StationId, ThresholdId } from '../src/core/ids.ts'
import type { ServerEvent } from '../src/server/events.ts'
import { DASHBOARD_CSP } from '../src/server/routes/web.ts'
import { qcFlagNames, rankOf } from '../src/server/routes/dashboard.ts'
import { logisticsEventOf } from '../src/server/logistics-service.ts'
import type { Threshold } from '../src/observe/types.ts'
import type { WarningZoneId } from '../src/warn/types.ts'
import { tempDir } from './support/cli.ts'
import {
  addTestThresholds,
  auth,
  observe,
  SERVER_TARGETS,
  TEST_WARNINGS,
  testServer,
  TOKENS,
  type TestServer,
} from './support/server.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A folder shaped like web/dist: index.html, a hashed bundle, the map worker, the basemap. */
function fakeDist(): string {
  const dir = tempDir()
  mkdirSync(join(dir, 'assets'))
  mkdirSync(join(dir, 'basemap'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Freshet</title><div id="root">')
  writeFileSync(join(dir, 'assets', 'index-Ab3dE_9z.js'), 'console.log("app")')
  writeFileSync(join(dir, 'assets', 'map-worker.js'), 'self.onmessage = () => {}')
  writeFileSync(join(dir, 'basemap', 'countries-50m.json'), '{"type":"Topology"}')
  return dir
}

describe('the built dashboard at /', () => {
  let s: TestServer
  let dist: string
  beforeEach(async () => {
    dist = fakeDist()
    s = await testServer({ webRoot: dist })
  })
  afterEach(async () => {
    await s.close()
  })
  const get = (url: string) => s.app.inject({ method: 'GET', url })

  it('serves index.html at / and at deep links, never cached, with a strict CSP', async () => {
    for (const url of ['/', '/warnings', '/stations/seine-gauge?tab=forecast', '/index.html']) {
      const r = await get(url)
      expect(r.statusCode, url).toBe(200)
      expect(r.headers['content-type']).toMatch(/^text\/html/)
      expect(r.body).toContain('<div id="root">')
      expect(r.headers['cache-control']).toBe('no-cache')
      expect(r.headers['content-security-policy']).toBe(DASHBOARD_CSP)
    }
    const csp = DASHBOARD_CSP.split('; ')
    for (const d of [
      "default-src 'self'",
      "img-src 'self' data: blob:",
      "worker-src 'self' blob:",
      "style-src 'self' 'unsafe-inline'",
      "connect-src 'self'",
    ])
      expect(csp).toContain(d)
  })

  it('caches hashed assets for a year and revalidates the rest', async () => {
    const hashed = await get('/assets/index-Ab3dE_9z.js')
    expect(hashed.statusCode).toBe(200)
    expect(hashed.body).toBe('console.log("app")')
    expect(hashed.headers['content-type']).toMatch(/javascript/)
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    // The map worker keeps a fixed name: a long cache would keep an old one after a rebuild.
    const worker = await get('/assets/map-worker.js')
    expect(worker.statusCode).toBe(200)
    expect(worker.headers['cache-control']).toBe('no-cache')
    const basemap = await get('/basemap/countries-50m.json')
    expect(basemap.statusCode).toBe(200)
    expect(basemap.json()).toEqual({ type: 'Topology' })
    // A missing file is a 404, not the app.
    for (const url of ['/assets/index-00000000.js', '/nothing.png'])
      expect((await get(url)).statusCode, url).toBe(404)
    // Nothing outside the folder is served.
    for (const url of [
      '/assets/../../../../etc/passwd',
      '/assets/%2e%2e/%2e%2e/%2e%2e/etc/hosts',
    ]) {
      const r = await get(url)
      expect(r.body, url).not.toMatch(/root:|localhost/)
    }
  })

  it('leaves the API, CAP, health, OpenAPI and docs alone', async () => {
    expect((await get('/health')).json()).toMatchObject({ status: 'ok' })
    expect((await get('/openapi.json')).json()).toHaveProperty('openapi')
    expect((await get('/cap/feed.atom')).headers['content-type']).toMatch(/atom/)
    expect((await get('/docs/')).statusCode).toBe(200)
    for (const url of ['/api/v1/nothing', '/api', '/cap/nothing', '/ack']) {
      const r = await get(url)
      expect(r.statusCode, url).toBe(404)
      expect(r.json(), url).toMatchObject({ error: { code: 'not_found' } })
    }
    const stations = await get('/api/v1/stations')
    expect(stations.statusCode).toBe(200)
    expect(stations.headers['content-security-policy']).toBeUndefined()
  })

  it('describes the dashboard endpoints in /openapi.json, and not the pages', async () => {
    const doc = (await get('/openapi.json')).json<{
      paths: Record<string, Record<string, unknown>>
    }>()
    for (const [path, method] of [
      ['/api/v1/me', 'get'],
      ['/api/v1/dashboard/stations', 'get'],
      ['/api/v1/dashboard/zones', 'get'],
      ['/api/v1/dashboard/map', 'get'],
      ['/api/v1/demo/replay', 'get'],
      ['/api/v1/demo/replay', 'post'],
      ['/api/v1/events', 'get'],
    ] as const)
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined()
    expect(doc.paths['/']).toBeUndefined()
    expect(doc.paths['/*']).toBeUndefined()
  })

  it('answers 503 with the command to build it while web/dist is missing', async () => {
    const bare = await testServer({ webRoot: join(tempDir(), 'dist') })
    try {
      for (const url of ['/', '/warnings']) {
        const r = await bare.app.inject({ method: 'GET', url })
        expect(r.statusCode).toBe(503)
        expect(r.headers['content-type']).toMatch(/^text\/plain/)
        expect(r.body).toContain('npm run build:web')
      }
      expect((await bare.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
    } finally {
      await bare.close()
    }
  })
})

describe('station ranks, QC flag names and logistics events', () => {
  const th = (name: string, value: number): Threshold => ({
    id: name as ThresholdId,
    seriesId: 'q' as SeriesId,
    name,
    returnPeriodYears: null,
    value,
    source: 'manual',
    ciLow: null,
    ciHigh: null,
    setBy: null,
    reason: '',
    setAt: 0 as EpochMs,
  })
  const ladder = [th('Q2', 100), th('Q5', 150), th('Q10', 200)]

  it.each([
    [Number.NEGATIVE_INFINITY, 0, null],
    [99.999, 0, null],
    [100, 1, 'Q2'],
    [149.9, 1, 'Q2'],
    [150, 2, 'Q5'],
    [1e9, 3, 'Q10'],
    [Number.NaN, 0, null],
  ])('ranks %s as %i (%s)', (value, rank, exceeded) => {
    expect(rankOf(value, ladder)).toEqual({ rank, exceeded })
  })

  it('ranks against no thresholds as normal', () => {
    expect(rankOf(1e9, [])).toEqual({ rank: 0, exceeded: null })
  })

  it.each([
    [0, null],
    [1, 'outOfRange'],
    [6, 'rateOfChange,flatLine'],
    [32, 'manual'],
    [128, 'unknown(128)'],
  ])('names QC bits %i as %s', (bits, names) => {
    expect(qcFlagNames(bits)).toBe(names)
  })

  it.each([
    ['logistics.depot.created', 'd1', { what: 'stock', id: 'd1' }],
    ['logistics.movement.receipt', 'm1', { what: 'stock', id: 'm1' }],
    ['logistics.plan.proposed', 'p1', { what: 'plan', id: 'p1' }],
    ['logistics.plan.dispatched', 'p1', { what: 'plan', id: 'p1' }],
    ['logistics.dispatch.delivered', 'x1', { what: 'dispatch', id: 'x1' }],
    ['logistics.shelter.check-in', 's1', { what: 'shelter', id: 's1' }],
    ['logistics.evacuation.ordered', 'a1', { what: 'shelter', id: 'a1' }],
    ['logistics.norms.updated', 'norms', undefined],
    ['logistics.request.submitted', 'r1', undefined],
  ])('announces %s as %j', (kind, subject, event) => {
    expect(logisticsEventOf(kind, subject)).toEqual(
      event === undefined ? undefined : { kind: 'logistics', ...event },
    )
  })
})

interface StationsBody {
  levels: { name: string; rank: number }[]
  stations: {
    id: string
    name: string
    lat: number
    lon: number
    basinId: string | null
    river: string | null
    seriesId: string | null
    thresholds: { name: string; value: number; unit: string }[]
    observed: {
      time: string
      value: number
      unit: string
      exceeded: string | null
      rank: number
      flag: string | null
    } | null
    forecast: {
      runId: string
      issueTime: string
      maxMedian: number
      exceeded: string | null
      rank: number
      probability: number
    } | null
  }[]
}

/** Stores a complete forecast run for `seine` and `aube` with the given medians (m³/s). */
async function storeForecast(
  s: TestServer,
  id: string,
  issueTime: number,
  medians: Record<'seine' | 'aube', number[]>,
  q2Probability: Record<'seine' | 'aube', number[]>,
): Promise<void> {
  const runId = id as ForecastRunId
  await s.store.forecasts.createRun({
    id: runId,
    issueTime: issueTime as EpochMs,
    forcingSource: 'test',
    members: 1,
    leadSteps: 3,
    stepMs: HOUR,
    createdAt: issueTime as EpochMs,
    status: 'running',
    note: '',
  })
  await s.store.forecasts.putBasinForecasts(
    (['seine', 'aube'] as const).map((b) => {
      const m = Float64Array.from(medians[b])
      return {
        runId,
        basinId: b as BasinId,
        members: [m],
        quantiles: [0.5, 0.8, 1, 1.2, 1.5].map((f) => m.map((x) => x * f)),
        exceedance: [
          {
            thresholdId: `${b}:discharge:Q2` as ThresholdId,
            value: 100,
            probability: Float64Array.from(q2Probability[b]),
          },
          {
            thresholdId: `${b}:discharge:Q5` as ThresholdId,
            value: 150,
            probability: Float64Array.from(q2Probability[b].map((p) => p / 2)),
          },
        ],
      }
    }),
  )
  await s.store.forecasts.finishRun(runId, 'complete', '')
}

describe.each(SERVER_TARGETS.map((t) => [t.name, t] as const))(
  'dashboard reads (%s)',
  (_, target) => {
    let s: TestServer
    beforeEach(async () => {
      s = await testServer({ target, warnings: TEST_WARNINGS })
    })
    afterEach(async () => {
      await s.close()
    })
    const get = (url: string, token?: string) =>
      s.app.inject({ method: 'GET', url, ...(token !== undefined ? { headers: auth(token) } : {}) })

    it('GET /api/v1/me: the user, role, areas and command posts; 401 without a valid token', async () => {
      expect((await get('/api/v1/me')).statusCode).toBe(401)
      expect((await get('/api/v1/me', 'not-a-token')).statusCode).toBe(401)
      expect((await get('/api/v1/me', TOKENS.aubeDuty)).json()).toEqual({
        user: 'ali',
        role: 'duty-officer',
        areas: ['aube'],
        zones: ['aube'],
        posts: [],
      })
      const put = await s.app.inject({
        method: 'PUT',
        url: '/api/v1/command/posts',
        headers: auth(TOKENS.admin),
        payload: {
          posts: [
            { id: 'hq', name: 'HQ', level: 'national', parents: [], areas: [] },
            { id: 'p.aube', name: 'Aube', level: 'province', parents: ['hq'], areas: ['aube'] },
          ],
        },
      })
      expect(put.statusCode, put.body).toBe(200)
      const assigned = await s.app.inject({
        method: 'PUT',
        url: '/api/v1/command/assignments',
        headers: auth(TOKENS.admin),
        payload: {
          add: [
            { user: 'ali', post: 'p.aube', role: 'duty-officer' },
            { user: 'ali', post: 'hq', role: 'observer' },
          ],
        },
      })
      expect(assigned.statusCode, assigned.body).toBe(200)
      const me = (await get('/api/v1/me', TOKENS.aubeDuty)).json<{ posts: unknown[] }>()
      expect(me.posts).toEqual(
        expect.arrayContaining([
          { post: 'p.aube', role: 'duty-officer' },
          { post: 'hq', role: 'observer' },
        ]),
      )
      expect(me.posts).toHaveLength(2)
      expect((await get('/api/v1/me', TOKENS.admin)).json()).toMatchObject({
        user: 'ada',
        role: 'admin',
        areas: ['*'],
        zones: ['*'],
        posts: [],
      })
    })

    it('GET /api/v1/me: the zones a grant covers through their basins, not only by their ids', async () => {
      const [seine, aube] = TEST_WARNINGS.zones
      const other = await testServer({
        target,
        warnings: {
          ...TEST_WARNINGS,
          // A zone named otherwise than its basins: the Aube's grant covers it through the basin.
          zones: [seine!, { ...aube!, id: 'upper-aube' as WarningZoneId }],
        },
      })
      try {
        const me = await other.app.inject({ url: '/api/v1/me', headers: auth(TOKENS.aubeDuty) })
        expect(me.json()).toMatchObject({ areas: ['aube'], zones: ['upper-aube'] })
        const seineOnly = await other.app.inject({
          url: '/api/v1/me',
          headers: auth(TOKENS.seineOnly),
        })
        expect(seineOnly.json<{ zones: string[] }>().zones).toEqual(['seine'])
      } finally {
        await other.close()
      }
    })

    it('GET /api/v1/dashboard/stations: each station against its thresholds, observed and forecast', async () => {
      // Before anything is known: stations with their series, no thresholds, no values.
      const empty = (await get('/api/v1/dashboard/stations')).json<StationsBody>()
      expect(empty.levels).toEqual([{ name: 'normal', rank: 0 }])
      expect(empty.stations.map((x) => [x.id, x.seriesId, x.observed, x.forecast])).toEqual([
        ['aube-gauge', 'aube:discharge', null, null],
        ['seine-gauge', 'seine:discharge', null, null],
      ])

      await addTestThresholds(s.store)
      // A gauge with no series at all.
      await s.store.stations.upsert([
        {
          id: 'dry-gauge' as StationId,
          name: 'dry gauge',
          river: '',
          lat: 47,
          lon: 3,
          basinId: null,
          catchmentAreaKm2: null,
          datumM: null,
        },
      ])
      // seine: 120 m³/s now (Q2 reached), a higher value earlier; aube: 99.9 (normal), flagged.
      await observe(s, 'seine', 300, 5)
      await observe(s, 'seine', 120)
      await s.store.observations.write(
        [{ seriesId: 'aube:discharge' as SeriesId, t: s.now as EpochMs, value: 99.9, quality: 5 }],
        s.now as EpochMs,
      )
      // A value in the future of the server clock is not the current one.
      await s.store.observations.write(
        [
          {
            seriesId: 'aube:discharge' as SeriesId,
            t: (s.now + HOUR) as EpochMs,
            value: 500,
            quality: 0,
          },
        ],
        s.now as EpochMs,
      )
      // An older run and the latest one; a newer run issued after the clock is not used.
      await storeForecast(
        s,
        'old',
        s.now - 2 * HOUR,
        { seine: [999, 999, 999], aube: [999, 999, 999] },
        { seine: [1, 1, 1], aube: [1, 1, 1] },
      )
      await storeForecast(
        s,
        'latest',
        s.now - HOUR,
        { seine: [140, 210, 160], aube: [50, 60, 70] },
        { seine: [0.6, 0.95, 0.7], aube: [0, 0.1, 0.05] },
      )
      await storeForecast(
        s,
        'future',
        s.now + HOUR,
        { seine: [1, 1, 1], aube: [1, 1, 1] },
        { seine: [0, 0, 0], aube: [0, 0, 0] },
      )

      const body = (await get('/api/v1/dashboard/stations')).json<StationsBody>()
      expect(body.levels).toEqual([
        { name: 'normal', rank: 0 },
        { name: 'Q2', rank: 1 },
        { name: 'Q5', rank: 2 },
        { name: 'Q20', rank: 3 },
        { name: 'Q50', rank: 4 },
      ])
      const [aube, dry, seine] = body.stations
      expect(seine).toEqual({
        id: 'seine-gauge',
        name: 'seine gauge',
        lat: 48,
        lon: 4.5,
        basinId: 'seine',
        river: 'seine',
        seriesId: 'seine:discharge',
        thresholds: [
          { name: 'Q2', value: 100, unit: 'm3/s' },
          { name: 'Q5', value: 150, unit: 'm3/s' },
          { name: 'Q20', value: 200, unit: 'm3/s' },
          { name: 'Q50', value: 250, unit: 'm3/s' },
        ],
        observed: {
          time: new Date(s.now).toISOString(),
          value: 120,
          unit: 'm3/s',
          exceeded: 'Q2',
          rank: 1,
          flag: null,
        },
        forecast: {
          runId: 'latest',
          issueTime: new Date(s.now - HOUR).toISOString(),
          maxMedian: 210,
          exceeded: 'Q20',
          rank: 3,
          probability: 0.95,
        },
        model: null,
        skillAt: null,
      })
      expect(aube!.observed).toMatchObject({
        value: 99.9,
        exceeded: null,
        rank: 0,
        flag: 'outOfRange,flatLine',
      })
      expect(aube!.forecast).toMatchObject({
        runId: 'latest',
        maxMedian: 70,
        rank: 0,
        probability: 0.1,
      })
      expect(dry).toEqual({
        id: 'dry-gauge',
        name: 'dry gauge',
        lat: 47,
        lon: 3,
        basinId: null,
        river: null,
        seriesId: null,
        thresholds: [],
        observed: null,
        forecast: null,
        model: null,
        skillAt: null,
      })
      // Once the basin's skill is computed, its station says when.
      const computedAt = (s.now - DAY) as EpochMs
      await s.store.hindcastSkill.put({
        basinId: 'seine' as BasinId,
        computedAt,
        firstIssue: (s.now - 400 * DAY) as EpochMs,
        lastIssue: (s.now - 40 * DAY) as EpochMs,
        issues: 73,
        everySteps: 5,
        update: 'enkf',
        model: 'GR4J',
        members: 20,
        horizonSteps: 1,
        stepMs: DAY,
        seed: 1,
        forcingNote: 'synthetic',
        thresholds: [],
        thresholdNote: '',
        flowUnit: 'm3/s',
        leads: [],
      })
      const again = (await get('/api/v1/dashboard/stations')).json<{
        stations: { id: string; skillAt: string | null }[]
      }>()
      expect(again.stations.map((x) => [x.id, x.skillAt])).toEqual([
        ['aube-gauge', null],
        ['dry-gauge', null],
        ['seine-gauge', new Date(computedAt).toISOString()],
      ])
    })

    it('GET /api/v1/dashboard/zones: GeoJSON zones with the active level, public', async () => {
      await addTestThresholds(s.store)
      const before = (await get('/api/v1/dashboard/zones')).json<{
        type: string
        features: {
          id: string
          geometry: { type: string; coordinates: number[][][][] }
          properties: Record<string, unknown>
        }[]
      }>()
      expect(before.type).toBe('FeatureCollection')
      expect(before.features.map((f) => f.properties)).toEqual([
        { id: 'seine', name: 'seine valley', level: null, rank: 0, alertId: null, expires: null },
        { id: 'aube', name: 'aube valley', level: null, rank: 0, alertId: null, expires: null },
      ])
      // [lon, lat] and closed rings: the seine box is 48.3 ± 0.1 N, 4.1 ± 0.1 E.
      const ring = before.features[0]!.geometry.coordinates[0]![0]!
      expect(before.features[0]!.geometry.type).toBe('MultiPolygon')
      expect(ring[0]![0]).toBeCloseTo(4.0)
      expect(ring[0]![1]).toBeCloseTo(48.2)
      expect(ring.at(-1)).toEqual(ring[0])
      expect(Math.min(...ring.map((p) => p[0]!))).toBeCloseTo(4.0)
      expect(Math.max(...ring.map((p) => p[1]!))).toBeCloseTo(48.4)

      // An observed emergency (above Q50) is issued at once by the default policy.
      await observe(s, 'seine', 300)
      const after = (await get('/api/v1/dashboard/zones')).json<typeof before>()
      const seine = after.features[0]!.properties
      expect(seine).toMatchObject({ id: 'seine', level: 'emergency', rank: 4 })
      expect(seine['alertId']).toMatch(/\.seine\.1\.1$/)
      expect(Date.parse(seine['expires'] as string)).toBeGreaterThan(s.now)
      expect(after.features[1]!.properties['level']).toBeNull()
      // The same alert is in the public CAP feed.
      const feed = await get('/cap/feed.atom')
      expect(feed.body).toContain(seine['alertId'] as string)
      // Past its expiry a warning is no longer shown as active.
      s.now = Date.parse(seine['expires'] as string) + 1
      const later = (await get('/api/v1/dashboard/zones')).json<typeof before>()
      expect(later.features[0]!.properties).toMatchObject({ level: null, rank: 0, alertId: null })
    })

    it('GET /api/v1/dashboard/map: basins, schematic rivers; depots and shelters only with a token', async () => {
      await s.store.basins.upsert([
        {
          id: 'seine' as BasinId,
          name: 'seine',
          areaKm2: 700,
          outline: {
            type: 'Polygon',
            coordinates: [
              [
                [4, 47.9],
                [4.2, 47.9],
                [4.2, 48.1],
                [4, 47.9],
              ],
            ],
          },
          hypsometry: null,
          downstream: { basinId: 'aube' as BasinId, reach: { kind: 'none' } },
        },
      ])
      await s.store.stations.upsert([
        {
          id: 'aube-gauge' as StationId,
          name: 'aube gauge',
          river: 'aube',
          lat: 48.2,
          lon: 4.6,
          basinId: 'aube' as BasinId,
          catchmentAreaKm2: 700,
          datumM: null,
        },
      ])
      const depot = await s.app.inject({
        method: 'PUT',
        url: '/api/v1/logistics/depots/d1',
        headers: auth(TOKENS.dutyOfficer),
        payload: { name: 'Troyes depot', lat: 48.3, lon: 4.07, capacityM3: 900, areaId: 'aube' },
      })
      expect(depot.statusCode, depot.body).toBe(200)

      const anonymous = (await get('/api/v1/dashboard/map')).json<Record<string, unknown>>()
      expect(anonymous['depots']).toBeNull()
      expect(anonymous['shelters']).toBeNull()
      expect(anonymous['basins']).toEqual([
        {
          id: 'aube',
          name: 'aube',
          outletLat: 48.2,
          outletLon: 4.6,
          downstreamId: null,
          geometry: null,
        },
        {
          id: 'seine',
          name: 'seine',
          outletLat: 48,
          outletLon: 4.5,
          downstreamId: 'aube',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [4, 47.9],
                [4.2, 47.9],
                [4.2, 48.1],
                [4, 47.9],
              ],
            ],
          },
        },
      ])
      expect(anonymous['rivers']).toEqual({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            id: 'seine>aube',
            geometry: {
              type: 'LineString',
              coordinates: [
                [4.5, 48],
                [4.6, 48.2],
              ],
            },
            properties: {
              from: 'seine',
              to: 'aube',
              schematic: true,
              label: 'seine → aube (schematic)',
            },
          },
        ],
      })
      const observer = (await get('/api/v1/dashboard/map', TOKENS.observer)).json<
        Record<string, unknown>
      >()
      expect(observer['depots']).toEqual([
        { id: 'd1', name: 'Troyes depot', lat: 48.3, lon: 4.07, capacity: 900 },
      ])
      expect(observer['shelters']).toEqual([])
      expect(observer['basins']).toEqual(anonymous['basins'])
      // A wrong token is refused rather than served the public part.
      expect((await get('/api/v1/dashboard/map', 'forged')).statusCode).toBe(401)
    })
  },
)

// --- the event stream ---------------------------------------------------------------------------

interface Stream {
  readonly events: ServerEvent[]
  close(): void
}

/** Reads `url` as Server-Sent Events with fetch (as the dashboard does), collecting every event. */
async function openStream(url: string, token?: string): Promise<Stream> {
  const abort = new AbortController()
  const r = await fetch(url, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: abort.signal,
  })
  expect(r.status).toBe(200)
  expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const events: ServerEvent[] = []
  const reader = r.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        buffer += decoder.decode(value, { stream: true })
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          const type = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (type === undefined || data === undefined) continue
          const e = JSON.parse(data) as ServerEvent
          expect(e.kind).toBe(type)
          events.push(e)
        }
      }
    } catch {
      // aborted
    }
  })()
  return { events, close: () => abort.abort() }
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe.each(SERVER_TARGETS.map((t) => [t.name, t] as const))(
  'GET /api/v1/events by reader (%s)',
  (_, target) => {
    let s: TestServer
    let base: string
    const streams: Stream[] = []
    beforeEach(async () => {
      s = await testServer({ target, warnings: TEST_WARNINGS })
      base = await s.app.listen({ port: 0, host: '127.0.0.1' })
    })
    afterEach(async () => {
      for (const x of streams.splice(0)) x.close()
      await s.close()
    })

    it('sends public events to everyone and command and logistics events only to those who may read them', async () => {
      const req = (method: 'PUT' | 'POST', url: string, token: string, payload: object) =>
        s.app.inject({ method, url, headers: auth(token), payload })
      // HQ over two provinces; the Seine province has a county. dora commands HQ, ali is duty
      // officer in the Aube province, dan in the Seine county.
      expect(
        (
          await req('PUT', '/api/v1/command/posts', TOKENS.admin, {
            posts: [
              { id: 'hq', name: 'HQ', level: 'national', parents: [], areas: [] },
              { id: 'p.seine', name: 'Seine', level: 'province', parents: ['hq'], areas: [] },
              { id: 'p.aube', name: 'Aube', level: 'province', parents: ['hq'], areas: ['aube'] },
              {
                id: 'c.seine',
                name: 'Seine county',
                level: 'county',
                parents: ['p.seine'],
                areas: ['seine'],
              },
            ],
          })
        ).statusCode,
      ).toBe(200)
      expect(
        (
          await req('PUT', '/api/v1/command/assignments', TOKENS.admin, {
            add: [
              { user: 'dora', post: 'hq', role: 'commander' },
              { user: 'ali', post: 'p.aube', role: 'duty-officer' },
              { user: 'dan', post: 'c.seine', role: 'duty-officer' },
            ],
          })
        ).statusCode,
      ).toBe(200)

      const url = `${base}/api/v1/events`
      const listeners = s.events.size
      const bad = await fetch(url, { headers: { authorization: 'Bearer forged' } })
      expect(bad.status).toBe(401)
      const anonymous = await openStream(url)
      const admin = await openStream(url, TOKENS.admin)
      const ali = await openStream(url, TOKENS.aubeDuty)
      const dan = await openStream(url, TOKENS.dutyOfficer2)
      const olga = await openStream(url, TOKENS.observer)
      streams.push(anonymous, admin, ali, dan, olga)
      await until(() => s.events.size === listeners + 5, 'five subscribers')

      // Public: a forecast and the replay.
      s.events.publish({
        kind: 'forecast',
        runId: 'r1',
        issueTime: '2016-06-03T00:00:00Z',
        basins: 2,
      })
      s.events.publish({
        kind: 'replay',
        simTime: '2016-06-03T00:00:00Z',
        state: 'paused',
        speed: 24,
      })
      // An order from HQ to the Seine province and county (dora, through the API).
      const issued = await req('POST', '/api/v1/command/orders', TOKENS.dutyOfficer, {
        id: 'o1',
        issuerPost: 'hq',
        title: 'Prepare',
        actions: ['check the levees'],
        recipients: { kind: 'selected', posts: ['p.seine', 'c.seine'] },
        ackDeadline: new Date(s.now + HOUR).toISOString(),
        completionDeadline: new Date(s.now + 24 * HOUR).toISOString(),
      })
      expect(issued.statusCode, issued.body).toBe(201)
      // dan accepts at the county.
      const state = await s.app.inject({
        method: 'GET',
        url: '/api/v1/command/orders/o1/posts/c.seine',
        headers: auth(TOKENS.dutyOfficer2),
      })
      expect(state.statusCode, state.body).toBe(200)
      const ack = await req(
        'POST',
        '/api/v1/command/orders/o1/posts/c.seine/responses',
        TOKENS.dutyOfficer2,
        {
          kind: 'accepted',
          version: state.json<{ version: number }>().version,
        },
      )
      expect(ack.statusCode, ack.body).toBe(200)
      // An escalation at the Aube province (ali's post), and a depot created through the API.
      s.events.publish({
        kind: 'order-escalated',
        orderId: 'o1',
        post: 'p.aube',
        deadline: 'ack',
        superiorsNotified: ['hq'],
      })
      // ali opens an incident at his province.
      const incident = await req('POST', '/api/v1/command/incidents', TOKENS.aubeDuty, {
        id: 'i1',
        post: 'p.aube',
        title: 'Aube rising',
        level: 'III',
      })
      expect(incident.statusCode, incident.body).toBe(201)
      const depot = await req('PUT', '/api/v1/logistics/depots/d1', TOKENS.dutyOfficer, {
        name: 'Depot',
        lat: 48,
        lon: 4,
        capacityM3: 10,
        areaId: 'aube',
      })
      expect(depot.statusCode, depot.body).toBe(200)
      // A last public event: once every stream has it, every earlier decision is made.
      s.events.publish({ kind: 'observations', inserted: 1, revised: 0 })
      for (const x of [anonymous, admin, ali, dan, olga])
        await until(() => x.events.some((e) => e.kind === 'observations'), 'the last event')

      const summary = (x: Stream): string[] =>
        x.events.map((e) =>
          e.kind === 'order'
            ? `order ${e.event}${e.post === null ? '' : ` at ${e.post}`}`
            : e.kind === 'order-escalated'
              ? `escalated at ${e.post}`
              : e.kind === 'logistics'
                ? `logistics ${e.what} ${e.id}`
                : e.kind === 'incident'
                  ? `incident ${e.event} at ${e.post}`
                  : e.kind,
        )
      expect(summary(anonymous)).toEqual(['forecast', 'replay', 'observations'])
      expect(summary(admin)).toEqual([
        'forecast',
        'replay',
        'order issued',
        'order accepted at c.seine',
        'escalated at p.aube',
        'incident opened at p.aube',
        'logistics stock d1',
        'observations',
      ])
      // ali (Aube province): not in the order's chain; his own post's escalation and incident;
      // logistics.
      expect(summary(ali)).toEqual([
        'forecast',
        'replay',
        'escalated at p.aube',
        'incident opened at p.aube',
        'logistics stock d1',
        'observations',
      ])
      // dan (Seine county): a recipient, and his own answer; not the Aube escalation or incident.
      expect(summary(dan)).toEqual([
        'forecast',
        'replay',
        'order issued',
        'order accepted at c.seine',
        'logistics stock d1',
        'observations',
      ])
      // olga holds no post: logistics (readable with any token) only.
      expect(summary(olga)).toEqual(['forecast', 'replay', 'logistics stock d1', 'observations'])
    })
  },
)
