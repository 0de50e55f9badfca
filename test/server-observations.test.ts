import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { SeriesId } from '../src/core/ids.ts'
import { SERVER_TARGETS, TOKENS, auth, testServer, type TestServer } from './support/server.ts'

describe.each(SERVER_TARGETS)('on $name', (target) => {
  let s: TestServer
  beforeEach(async () => {
    s = await testServer({ bodyLimit: 64 * 1024, target })
  })
  afterEach(async () => {
    await s.close()
  })

  const hour = (h: number): string => new Date(Date.UTC(2016, 5, 1, h)).toISOString()
  const batch = (rows: { series?: string; h: number; value: unknown; unit?: string }[]) => ({
    observations: rows.map((r) => ({
      series: r.series ?? 'seine:discharge',
      t: hour(r.h),
      value: r.value,
      unit: r.unit ?? 'm3/s',
    })),
  })
  const post = (body: unknown, token: string = TOKENS.forecaster, query = '') =>
    s.app.inject({
      method: 'POST',
      url: `/api/v1/observations${query}`,
      headers: auth(token),
      payload: body as object,
    })

  const stored = (id: string) =>
    s.store.observations.read(id as SeriesId, 0 as EpochMs, Date.UTC(2100, 0) as EpochMs)

  describe('POST /api/v1/observations', () => {
    it('stores a JSON batch once, however often it is sent', async () => {
      const body = batch([0, 1, 2].map((h) => ({ h, value: 10 + h })))
      const first = await post(body)
      expect(first.statusCode).toBe(200)
      expect(first.json()).toMatchObject({
        stored: true,
        inserted: 3,
        revised: 0,
        unchanged: 0,
        rejected: [],
      })
      const second = await post(body)
      expect(second.json()).toMatchObject({ inserted: 0, revised: 0, unchanged: 3 })
      expect(await stored('seine:discharge')).toHaveLength(3)
    })

    it('keeps the history of a revised value', async () => {
      await post(batch([{ h: 0, value: 10 }]))
      const r = await post(batch([{ h: 0, value: 12 }]))
      expect(r.json()).toMatchObject({ revised: 1 })
      const history = await s.store.observations.history(
        'seine:discharge' as SeriesId,
        Date.UTC(2016, 5, 1) as EpochMs,
      )
      expect(history.map((o) => o.value)).toEqual([10, 12])
    })

    it('reports each bad row with its index and reason and stores the good ones', async () => {
      const r = await post(
        batch([
          { h: 0, value: 10 },
          { h: 1, value: 'NaN' },
          { series: 'nowhere:discharge', h: 1, value: 3 },
          { h: 2, value: 5, unit: 'l/s' },
          { h: 3, value: 7 },
        ]),
      )
      expect(r.statusCode).toBe(200)
      const body = r.json()
      expect(body.inserted).toBe(2)
      expect(body.rejected.map((x: { index: number }) => x.index)).toEqual([1, 2, 3])
      expect(body.rejected[1].reason).toMatch(/unknown series/)
      expect(body.rejected[2].reason).toMatch(/m3\/s/)
    })

    it('stores nothing from an atomic batch with a bad row', async () => {
      const r = await post(
        batch([
          { h: 0, value: 10 },
          { h: 1, value: Number.POSITIVE_INFINITY.toString() },
        ]),
        TOKENS.forecaster,
        '?atomic=true',
      )
      expect(r.statusCode).toBe(422)
      expect(r.json()).toMatchObject({ stored: false, withheld: 1 })
      expect(await stored('seine:discharge')).toHaveLength(0)
    })

    it('rejects times out of order within a series', async () => {
      const r = await post(
        batch([
          { h: 3, value: 1 },
          { h: 1, value: 2 },
        ]),
      )
      expect(r.json().rejected[0].reason).toMatch(/order|earlier/)
    })

    it('flags, and still stores, values that fail quality control', async () => {
      const r = await post(batch([{ h: 0, value: -5 }]))
      expect(r.json().flagged[0]).toMatchObject({ check: 'outOfRange' })
      const [o] = await stored('seine:discharge')
      expect(o!.quality & 1).toBe(1)
    })

    it('takes CSV', async () => {
      const csv = `series,t,value,unit\nseine:discharge,${hour(0)},4.5,m3/s\naube:discharge,${hour(0)},6,m3/s\n`
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/v1/observations',
        headers: { ...auth(TOKENS.forecaster), 'content-type': 'text/csv' },
        payload: csv,
      })
      expect(r.statusCode).toBe(200)
      expect(r.json().inserted).toBe(2)
    })

    it('answers malformed JSON, a body over the limit and a wrong shape with 4xx naming the problem', async () => {
      const bad = await s.app.inject({
        method: 'POST',
        url: '/api/v1/observations',
        headers: { ...auth(TOKENS.forecaster), 'content-type': 'application/json' },
        payload: '{"observations": [',
      })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().error.message).toMatch(/JSON/i)
      const big = await post(batch(Array.from({ length: 2000 }, (_, h) => ({ h, value: 1 }))))
      expect(big.statusCode).toBe(413)
      expect(big.json().error.code).toBe('payload_too_large')
      const shape = await post({ rows: [] })
      expect(shape.statusCode).toBe(400)
      expect(shape.json().error.message).toMatch(/observations/)
      expect(await stored('seine:discharge')).toHaveLength(0)
    })

    it('checks who may write, and where', async () => {
      expect((await post(batch([{ h: 0, value: 1 }]), 'wrong')).statusCode).toBe(401)
      expect((await post(batch([{ h: 0, value: 1 }]), TOKENS.observer)).statusCode).toBe(403)
      expect((await post(batch([{ h: 0, value: 1 }]), TOKENS.seineOnly)).statusCode).toBe(200)
      const other = await post(
        batch([{ series: 'aube:discharge', h: 0, value: 1 }]),
        TOKENS.seineOnly,
      )
      expect(other.statusCode).toBe(403)
      expect(await stored('aube:discharge')).toHaveLength(0)
    })
  })

  describe('reading the network and observations', () => {
    it('lists stations, basins and series, and reads a range of observations', async () => {
      await post(batch([0, 1, 2, 3].map((h) => ({ h, value: h }))))
      expect((await s.app.inject('/api/v1/stations')).json()).toHaveLength(2)
      expect((await s.app.inject('/api/v1/basins/seine')).json().name).toBe('seine')
      expect((await s.app.inject('/api/v1/basins/nowhere')).statusCode).toBe(404)
      expect((await s.app.inject('/api/v1/series?station=aube-gauge')).json()).toHaveLength(1)
      const r = await s.app.inject(
        `/api/v1/series/seine:discharge/observations?from=${hour(1)}&to=${hour(3)}`,
      )
      expect(r.json().observations.map((o: { value: number }) => o.value)).toEqual([1, 2])
      const bad = await s.app.inject(
        `/api/v1/series/seine:discharge/observations?from=yesterday&to=${hour(3)}`,
      )
      expect(bad.statusCode).toBe(400)
    })

    it('describes itself in OpenAPI and answers /health', async () => {
      const spec = (await s.app.inject('/openapi.json')).json()
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining(['/api/v1/observations', '/api/v1/stations', '/health']),
      )
      expect((await s.app.inject('/health')).json().status).toBe('ok')
      expect((await s.app.inject('/docs/')).statusCode).toBe(200)
    })
  })
})
