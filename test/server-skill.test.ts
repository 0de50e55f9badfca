import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { BasinId } from '../src/core/ids.ts'
import { runHindcast, type HindcastResult } from '../src/forecast/hindcast/hindcast.ts'
import { hindcastSkill } from '../src/forecast/hindcast/skill.ts'
import type { ModelConfig } from '../src/forecast/ports.ts'
import { createModel } from '../src/hydro/models/registry.ts'
import { readDemoRegion } from '../src/server/demo.ts'
import { demoHindcastJob } from '../src/server/demo-skill.ts'
import { SERVER_TARGETS, testServer, type TestServer } from './support/server.ts'

const AREA_KM2 = 700 // both basins of testServer
const DAY_MS = 86_400_000

/** A short hindcast of the Loing's record (data/demo), scored in mm/day by the engine. */
function loingHindcast(): { result: HindcastResult; times: Float64Array } {
  const config: ModelConfig = {
    basinId: 'loing-episy' as BasinId,
    model: 'GR4J',
    // data/demo/loing-f439000101-gr4j.json
    params: { X1: 565.543, X2: -0.775, X3: 45.097, X4: 3.347 },
    options: {},
    calibration: null,
    updatedAt: 0 as EpochMs,
  }
  const { job, times } = demoHindcastJob(readDemoRegion(), config.basinId, config, {
    years: 1,
    every: 7,
    members: 8,
    horizon: 4,
    update: 'enkf',
    seed: 3,
  })
  const { modelName, modelOptions, ...setup } = job
  const model = createModel(modelName, modelOptions)
  if (!model.ok) throw new Error(modelName)
  return { result: runHindcast({ ...setup, model: model.value }), times }
}

describe.each(SERVER_TARGETS)('GET /api/v1/basins/{id}/skill on $name', (target) => {
  let s: TestServer
  beforeEach(async () => {
    s = await testServer({ target })
  })
  afterEach(async () => {
    await s.close()
  })

  it('serves the latest summary, flows converted from mm/day to m³/s over the basin', async () => {
    const { result, times } = loingHindcast()
    const context = {
      basinId: 'seine' as BasinId,
      model: 'GR4J',
      times,
      stepMs: DAY_MS,
      everySteps: 7,
      areaKm2: AREA_KM2,
    }
    const older = hindcastSkill(result, { ...context, computedAt: Date.UTC(2026, 0, 1) as EpochMs })
    const newer = hindcastSkill(result, { ...context, computedAt: Date.UTC(2026, 0, 2) as EpochMs })
    await s.store.hindcastSkill.put(newer)
    await s.store.hindcastSkill.put({ ...older, members: 99 })

    // Public, like the other basin reads.
    const res = await s.app.inject('/api/v1/basins/seine/skill')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({
      basin: 'seine',
      computedAt: '2026-01-02T00:00:00.000Z',
      firstIssue: '2015-05-20T00:00:00.000Z',
      lastIssue: new Date(times[result.issues[result.issues.length - 1]!]!).toISOString(),
      issues: result.issues.length,
      everySteps: 7,
      update: 'enkf',
      model: 'GR4J',
      members: 8,
      horizonSteps: 4,
      stepHours: 24,
      seed: 3,
      unit: 'm3/s',
      forcingNote: result.forcingNote,
      thresholdNote: result.thresholdNote,
    })
    // Every 7 days from a year before the replay (2016-05-20), the last forecast's 4-day horizon
    // ending before it starts.
    const last = Date.parse(body.lastIssue)
    expect(last).toBe(Date.UTC(2015, 4, 20) + 7 * (result.issues.length - 1) * DAY_MS)
    expect(last + 4 * DAY_MS).toBeLessThanOrEqual(Date.UTC(2016, 4, 20))
    expect(last + 7 * DAY_MS + 4 * DAY_MS).toBeGreaterThan(Date.UTC(2016, 4, 20))

    const factor = (AREA_KM2 * 1000) / 86_400
    const scores = result.variants[0]!.scores
    expect(body.thresholds.map((t: { name: string }) => t.name)).toEqual(['Q90', 'Q95', 'Q99'])
    body.thresholds.forEach((t: { value: number }, k: number) =>
      expect(t.value).toBeCloseTo(result.thresholds[k]!.value * factor, 10),
    )
    expect(body.leads).toHaveLength(4)
    body.leads.forEach((l: Record<string, unknown>, j: number) => {
      const e = scores[j]!
      expect(l['lead']).toBe(j + 1)
      expect(l['n']).toBe(e.n)
      expect(e.n).toBeGreaterThan(40)
      for (const k of ['crps', 'crpsPersistence', 'crpsClimatology', 'spread', 'rmseMean'] as const)
        expect(l[k]).toBeCloseTo(e[k] * factor, 10)
      expect(l['crpssPersistence']).toBe(e.crpssPersistence)
      expect(l['crpssClimatology']).toBe(e.crpssClimatology)
      const thr = l['thresholds'] as Record<string, unknown>[]
      thr.forEach((t, k) => {
        const et = e.thresholds[k]!
        expect(t['name']).toBe(et.name)
        expect([t['hits'], t['misses'], t['falseAlarms'], t['correctNegatives']]).toEqual([
          et.hits,
          et.misses,
          et.falseAlarms,
          et.correctNegatives,
        ])
        for (const c of ['pod', 'far', 'csi', 'bias', 'pofd'] as const)
          expect(t[c]).toBe(Number.isFinite(et[c]) ? et[c] : null)
      })
    })
  })

  it('answers 404 with the reason: no summary yet, or no such basin', async () => {
    const none = await s.app.inject('/api/v1/basins/aube/skill')
    expect(none.statusCode).toBe(404)
    expect(none.json()).toMatchObject({ error: { code: 'not_found' } })
    expect(none.json().error.message).toMatch(/no hindcast skill for basin aube yet/)
    const unknown = await s.app.inject('/api/v1/basins/nile/skill')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error.message).toBe('no basin nile')
  })

  it('is described in /openapi.json', async () => {
    const doc = (await s.app.inject('/openapi.json')).json()
    const op = doc.paths['/api/v1/basins/{id}/skill']?.get
    expect(op).toBeDefined()
    expect(op.security ?? []).toEqual([])
    const schema = op.responses['200'].content['application/json'].schema
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['basin', 'computedAt', 'firstIssue', 'lastIssue', 'unit', 'leads']),
    )
  })
})
