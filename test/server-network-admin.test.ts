import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BasinId } from '../src/core/ids.ts'
import { SERVER_TARGETS, TOKENS, auth, testServer, type TestServer } from './support/server.ts'

describe.each(SERVER_TARGETS)('editing the network on $name', (target) => {
  let s: TestServer
  beforeEach(async () => {
    s = await testServer({ target })
  })
  afterEach(async () => {
    await s.close()
  })

  const put = (url: string, payload: object, token: string = TOKENS.admin) =>
    s.app.inject({ method: 'PUT', url, headers: auth(token), payload })
  const basin = (id: string, downstream: string | null = null) => ({
    id,
    name: id,
    areaKm2: 120,
    outline: null,
    hypsometry: null,
    downstream:
      downstream === null
        ? null
        : { basinId: downstream, reach: { kind: 'muskingum', kHours: 12, x: 0.2 } },
  })

  it('adds a basin below another, a station and a series, and then takes observations for it', async () => {
    expect((await put('/api/v1/basins/yonne', basin('yonne'))).statusCode).toBe(200)
    expect((await put('/api/v1/basins/cure', basin('cure', 'yonne'))).statusCode).toBe(200)
    const station = {
      id: 'cure-gauge',
      name: 'Cure gauge',
      river: 'Cure',
      lat: 47.5,
      lon: 3.8,
      basinId: 'cure',
      catchmentAreaKm2: 120,
      datumM: 140.2,
    }
    expect((await put('/api/v1/stations/cure-gauge', station)).statusCode).toBe(200)
    const series = {
      id: 'cure:level',
      variable: 'water_level',
      unit: 'm',
      kind: 'observed',
      stationId: 'cure-gauge',
      basinId: null,
      stepMs: 900_000,
    }
    expect((await put('/api/v1/series/cure:level', series)).statusCode).toBe(200)
    const obs = await s.app.inject({
      method: 'POST',
      url: '/api/v1/observations',
      headers: auth(TOKENS.forecaster),
      payload: {
        observations: [{ series: 'cure:level', t: '2016-06-01T00:00:00Z', value: 1.2, unit: 'm' }],
      },
    })
    expect(obs.json().inserted).toBe(1)
    expect((await s.store.basins.find('cure' as BasinId))?.downstream?.basinId).toBe('yonne')
  })

  it('refuses a loop, a missing reference, a wrong unit and a mismatched id, storing nothing', async () => {
    await put('/api/v1/basins/a', basin('a'))
    await put('/api/v1/basins/b', basin('b', 'a'))
    const loop = await put('/api/v1/basins/a', basin('a', 'b'))
    expect(loop.statusCode).toBe(400)
    expect(loop.json().error.message).toMatch(/loop/)
    expect((await s.store.basins.find('a' as BasinId))?.downstream).toBeNull()
    expect((await put('/api/v1/basins/c', basin('c', 'nowhere'))).json().error.message).toMatch(
      /no basin nowhere/,
    )
    const wrongUnit = await put('/api/v1/series/a:q', {
      id: 'a:q',
      variable: 'discharge',
      unit: 'l/s',
      kind: 'observed',
      stationId: null,
      basinId: 'a',
      stepMs: null,
    })
    expect(wrongUnit.json().error.message).toMatch(/discharge is kept in m3\/s, not l\/s/)
    expect((await put('/api/v1/basins/x', basin('y'))).json().error.message).toMatch(
      /differs from the path/,
    )
    expect((await s.app.inject('/api/v1/series?basin=a')).json()).toHaveLength(0)
  })

  it('lets only admins edit the network, within their areas', async () => {
    expect((await put('/api/v1/basins/z', basin('z'), TOKENS.forecaster)).statusCode).toBe(403)
    expect((await put('/api/v1/basins/z', basin('z'), 'nonsense')).statusCode).toBe(401)
    expect(await s.store.basins.find('z' as BasinId)).toBeUndefined()
  })

  it("sets a basin's model, checking its parameters against the model's domain", async () => {
    const bad = await put(
      '/api/v1/basins/seine/model',
      { model: 'GR4J', params: { X1: -3, X2: 0, X3: 90, X4: 2 } },
      TOKENS.forecaster,
    )
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.message).toMatch(/X1/)
    const missing = await put(
      '/api/v1/basins/seine/model',
      { model: 'GR5J', params: { X1: 300, X2: 0, X3: 90, X4: 2 } },
      TOKENS.forecaster,
    )
    expect(missing.json().error.message).toMatch(/missing X5/)
    const snowless = await put(
      '/api/v1/basins/seine/model',
      { model: 'CemaNeigeGR4J', params: {} },
      TOKENS.forecaster,
    )
    expect(snowless.json().error.message).toMatch(/hypsometric curve/)
    expect(await s.store.modelConfigs.find('seine' as BasinId)).toBeUndefined()
    const none = await s.app.inject({ method: 'GET', url: '/api/v1/basins/seine/model' })
    expect(none.statusCode).toBe(404)
    expect(none.json().error.message).toBe('basin seine has no model yet')
    expect(
      (await s.app.inject({ method: 'GET', url: '/api/v1/basins/nowhere/model' })).json().error
        .message,
    ).toBe('no basin nowhere')
    const ok = await put(
      '/api/v1/basins/seine/model',
      { model: 'GR4J', params: { X1: 300, X2: 0.5, X3: 90, X4: 2 } },
      TOKENS.forecaster,
    )
    expect(ok.statusCode).toBe(200)
    expect((await s.store.modelConfigs.find('seine' as BasinId))?.params).toEqual({
      X1: 300,
      X2: 0.5,
      X3: 90,
      X4: 2,
    })
    // Anyone reads it back, with no calibration (set by hand).
    const read = await s.app.inject({ method: 'GET', url: '/api/v1/basins/seine/model' })
    expect(read.statusCode).toBe(200)
    expect(read.json()).toMatchObject({
      basinId: 'seine',
      model: 'GR4J',
      params: { X1: 300, X2: 0.5, X3: 90, X4: 2 },
      calibration: null,
    })
    expect(Date.parse(read.json().updatedAt)).toBe(s.now)
    const elsewhere = await put(
      '/api/v1/basins/aube/model',
      { model: 'GR4J', params: { X1: 300, X2: 0.5, X3: 90, X4: 2 } },
      TOKENS.seineOnly,
    )
    expect(elsewhere.statusCode).toBe(403)
  })
})
