import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { BasinId, ForecastRunId, SeriesId, ThresholdId } from '../src/core/ids.ts'
import { readTable } from './support/airgr-reference.ts'
import { SERVER_TARGETS, TOKENS, auth, testServer, type TestServer } from './support/server.ts'

describe.each(SERVER_TARGETS)('on $name', (target) => {
  let s: TestServer
  beforeEach(async () => {
    s = await testServer({ target })
  })
  afterEach(async () => {
    await s.close()
  })

  describe('thresholds', () => {
    it('lets a hand-set threshold override a fitted one and records who set it and why', async () => {
      const series = 'seine:discharge' as SeriesId
      await s.store.thresholds.upsert([
        {
          id: 'seine:Q10:fitted' as ThresholdId,
          seriesId: series,
          name: 'Q10',
          returnPeriodYears: 10,
          value: 86,
          source: 'fitted',
          ciLow: 67,
          ciHigh: 103,
          setBy: null,
          reason: 'GEV by L-moments, 1999–2018',
          setAt: 0 as EpochMs,
        },
        {
          id: 'seine:Q2:fitted' as ThresholdId,
          seriesId: series,
          name: 'Q2',
          returnPeriodYears: 2,
          value: 52,
          source: 'fitted',
          ciLow: 46,
          ciHigh: 59,
          setBy: null,
          reason: 'GEV by L-moments, 1999–2018',
          setAt: 0 as EpochMs,
        },
      ])
      const put = await s.app.inject({
        method: 'PUT',
        url: '/api/v1/series/seine:discharge/thresholds/Q10',
        headers: auth(TOKENS.forecaster),
        payload: { value: 80, reason: 'levee works at Bar-sur-Seine lower the damaging flow' },
      })
      expect(put.statusCode).toBe(200)
      const list = (await s.app.inject('/api/v1/series/seine:discharge/thresholds')).json()
      expect(
        list.map((t: { name: string; value: number; source: string }) => [
          t.name,
          t.value,
          t.source,
        ]),
      ).toEqual([
        ['Q2', 52, 'fitted'],
        ['Q10', 80, 'manual'],
      ])
      expect(list[1].setBy).toBe('fred')
      expect(
        (await s.app.inject('/api/v1/series/seine:discharge/thresholds?all=true')).json(),
      ).toHaveLength(3)
    })

    it("refuses a threshold without a reason, from an observer, or outside the sender's area", async () => {
      const url = '/api/v1/series/aube:discharge/thresholds/alert'
      expect(
        (
          await s.app.inject({
            method: 'PUT',
            url,
            headers: auth(TOKENS.forecaster),
            payload: { value: 5 },
          })
        ).statusCode,
      ).toBe(400)
      expect(
        (
          await s.app.inject({
            method: 'PUT',
            url,
            headers: auth(TOKENS.observer),
            payload: { value: 5, reason: 'test' },
          })
        ).statusCode,
      ).toBe(403)
      expect(
        (
          await s.app.inject({
            method: 'PUT',
            url,
            headers: auth(TOKENS.seineOnly),
            payload: { value: 5, reason: 'test' },
          })
        ).statusCode,
      ).toBe(403)
      expect(await s.store.thresholds.list('aube:discharge' as SeriesId)).toHaveLength(0)
    })
  })

  describe('forecasts', () => {
    it('serves a run, its basin forecast with quantiles and exceedance, and the latest one', async () => {
      const run = {
        id: 'run-1' as ForecastRunId,
        issueTime: Date.UTC(2016, 4, 30) as EpochMs,
        forcingSource: 'synthetic: test',
        members: 2,
        leadSteps: 3,
        stepMs: 86_400_000,
        createdAt: 0 as EpochMs,
        status: 'running' as const,
        note: '',
      }
      await s.store.forecasts.createRun(run)
      await s.store.forecasts.putBasinForecasts([
        {
          runId: run.id,
          basinId: 'seine' as BasinId,
          members: [Float64Array.of(10, 20, 30), Float64Array.of(12, 22, 60)],
          quantiles: [5, 25, 50, 75, 95].map(() => Float64Array.of(11, 21, 45)),
          exceedance: [
            {
              thresholdId: 'seine:Q2' as ThresholdId,
              value: 50,
              probability: Float64Array.of(0, 0, 0.5),
            },
          ],
        },
      ])
      expect((await s.app.inject('/api/v1/basins/seine/forecast')).statusCode).toBe(404) // still running
      await s.store.forecasts.finishRun(run.id, 'complete', '')
      const latest = (await s.app.inject('/api/v1/basins/seine/forecast')).json()
      expect(latest.run.forcingSource).toBe('synthetic: test')
      expect(latest.quantiles.q50).toEqual([11, 21, 45])
      expect(latest.exceedance[0]).toEqual({
        threshold: 'seine:Q2',
        value: 50,
        probability: [0, 0, 0.5],
      })
      expect(latest.leadTimes[0]).toBe('2016-05-31T00:00:00.000Z')
      const withMembers = (
        await s.app.inject('/api/v1/forecasts/run-1/basins/seine?members=true')
      ).json()
      expect(withMembers.members[1]).toEqual([12, 22, 60])
      expect((await s.app.inject('/api/v1/forecasts/run-1/basins/aube')).statusCode).toBe(404)
      expect((await s.app.inject('/api/v1/forecasts')).json()[0].status).toBe('complete')
    })

    it('runs a forecast cycle when a weather forecast arrives and announces it', async () => {
      const day = 86_400_000
      const t0 = Date.UTC(2015, 0, 1)
      const data = readTable('inputs/H010002001.csv')
      const first = data.times.indexOf(t0)
      const n = 400
      await s.store.series.upsert(
        (['precipitation', 'pet'] as const).map((v) => ({
          id: `seine:${v}` as SeriesId,
          variable: v,
          unit: 'mm' as const,
          kind: 'observed' as const,
          stationId: null,
          basinId: 'seine' as BasinId,
          stepMs: day,
        })),
      )
      for (const [v, col] of [
        ['precipitation', 'precip_mm'],
        ['pet', 'pet_mm'],
      ] as const) {
        const values = data.columns.get(col)!
        await s.store.observations.write(
          Array.from({ length: n }, (_, i) => ({
            seriesId: `seine:${v}` as SeriesId,
            t: (t0 + i * day) as EpochMs,
            value: values[first + i]!,
            quality: 0,
          })),
          0 as EpochMs,
        )
      }
      await s.store.modelConfigs.put({
        basinId: 'seine' as BasinId,
        model: 'GR4J',
        params: { X1: 300, X2: 0.5, X3: 80, X4: 2 },
        options: {},
        calibration: null,
        updatedAt: 0 as EpochMs,
      })
      const heard: string[] = []
      s.events.subscribe((e) => heard.push(e.kind))
      const issue = new Date(t0 + n * day).toISOString()
      const body = {
        basin: 'seine',
        issueTime: issue,
        stepHours: 24,
        source: 'test-ens',
        members: [
          { precip: [1, 20, 30], pet: [1, 1, 1] },
          { precip: [0, 10, 40], pet: [1, 1, 1] },
        ],
      }
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/v1/forcing-forecasts',
        headers: auth(TOKENS.forecaster),
        payload: body,
      })
      expect(r.json().forecastRequested).toBe(true)
      await s.forecastTrigger.idle()
      const f = await s.app.inject('/api/v1/basins/seine/forecast?members=true')
      expect(f.statusCode).toBe(200)
      expect(f.json().run.issueTime).toBe(issue)
      expect(f.json().run.forcingSource).toBe('test-ens')
      expect(f.json().members).toHaveLength(2)
      expect(f.json().quantiles.q50).toHaveLength(3)
      expect(heard).toContain('forecast')
    })

    it('takes an ensemble weather forecast, computing PET where it is missing', async () => {
      const body = {
        basin: 'seine',
        issueTime: '2016-05-30T00:00:00Z',
        stepHours: 24,
        source: 'test-ens',
        members: [
          { precip: [1, 20, 30], temp: [12, 13, 14] },
          { precip: [0, 10, 40], temp: [11, 12, 13] },
        ],
      }
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/v1/forcing-forecasts',
        headers: auth(TOKENS.forecaster),
        payload: body,
      })
      expect(r.statusCode).toBe(200)
      expect(r.json().stored[0]).toMatchObject({
        basin: 'seine',
        members: 2,
        leadSteps: 3,
        pet: 'oudin',
      })
      const f = await s.store.forcingForecasts.latest(
        'seine' as BasinId,
        Date.UTC(2016, 5, 1) as EpochMs,
      )
      expect(f?.pet?.[0]?.[0]).toBeGreaterThan(0)
      const unknown = await s.app.inject({
        method: 'POST',
        url: '/api/v1/forcing-forecasts',
        headers: auth(TOKENS.forecaster),
        payload: { ...body, basin: 'nile' },
      })
      expect(unknown.statusCode).toBe(400)
      expect(unknown.json().error.message).toMatch(/nile/)
    })
  })
})
