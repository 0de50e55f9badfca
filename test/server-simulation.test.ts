/**
 * GET /api/v1/basins/{id}/simulation over HTTP, on SQLite and PostgreSQL: two real CAMELS-FR
 * basins of the demo (the Aube at Bar-sur-Aube and the Loing at Épisy, GR4J with the demo's
 * parameters, observed forcing of 2015–2016), the Aube made to drain into the Loing to check
 * that upstream flow is routed in, and every refusal.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { BasinId, SeriesId } from '../src/core/ids.ts'
import { gr4j } from '../src/hydro/models/gr4j/run.ts'
import { runModel } from '../src/hydro/models/run-model.ts'
import { mmPerStepToM3sSeries, SECONDS_PER_DAY } from '../src/hydro/routing/units.ts'
import type { Observation } from '../src/observe/types.ts'
import type { Store } from '../src/store/index.ts'
import { type DemoBasin, readDemoBasin } from './support/airgr-reference.ts'
import { SERVER_TARGETS, testServer, type TestServer } from './support/server.ts'
import { MAX_CONCURRENT_SIMULATIONS } from '../src/server/routes/simulation.ts'

const DAY = 86_400_000
const day = (date: string): number => Date.parse(`${date}T00:00:00Z`)

const BASINS = {
  'aube-bar': { code: 'H120101001', file: 'aube-h120101001-gr4j.json' },
  'loing-episy': { code: 'F439000101', file: 'loing-f439000101-gr4j.json' },
} as const
type Name = keyof typeof BASINS

const data = Object.fromEntries(
  (Object.keys(BASINS) as Name[]).map((name) => [
    name,
    readDemoBasin(BASINS[name].code, BASINS[name].file),
  ]),
) as Record<Name, DemoBasin>

/** Stored forcing runs from here to the end of 2016. */
const FIRST = '2015-01-01'
const LAST = '2016-12-31'

/** The two basins (the Aube into the Loing), their daily forcing of 2015–2016 and GR4J. */
async function seedRegion(store: Store): Promise<void> {
  await store.basins.upsert([
    {
      id: 'loing-episy' as BasinId,
      name: 'Loing at Épisy',
      areaKm2: data['loing-episy'].areaKm2,
      outline: null,
      hypsometry: null,
      downstream: null,
    },
    {
      id: 'aube-bar' as BasinId,
      name: 'Aube at Bar-sur-Aube',
      areaKm2: data['aube-bar'].areaKm2,
      outline: null,
      hypsometry: null,
      downstream: {
        basinId: 'loing-episy' as BasinId,
        reach: { kind: 'lag-route', lagHours: 12, kHours: 24 },
      },
    },
  ])
  for (const name of Object.keys(BASINS) as Name[]) {
    const { table, params } = data[name]
    const [i0, i1] = [table.dates.indexOf(FIRST), table.dates.indexOf(LAST) + 1]
    const batch: Observation[] = []
    for (const [v, variable, column] of [
      ['precip', 'precipitation', 'precip_mm'],
      ['pet', 'pet', 'pet_mm'],
    ] as const) {
      const id = `${name}:${v}` as SeriesId
      await store.series.upsert([
        {
          id,
          variable,
          unit: 'mm',
          kind: 'observed',
          stationId: null,
          basinId: name as BasinId,
          stepMs: DAY,
        },
      ])
      const values = table.columns.get(column)!
      for (let i = i0; i < i1; i++)
        batch.push({ seriesId: id, t: table.times[i]! as EpochMs, value: values[i]!, quality: 0 })
    }
    await store.observations.write(batch, 0 as EpochMs)
    await store.modelConfigs.put({
      basinId: name as BasinId,
      model: 'GR4J',
      params,
      options: {},
      calibration: null,
      updatedAt: 0 as EpochMs,
    })
  }
}

/** GR4J run directly on `name`: cold on `warmupStart`, reported over [from, to), in m³/s. */
function direct(name: Name, warmupStart: string, from: string, to: string): number[] {
  const { table, params, areaKm2 } = data[name]
  const at = (date: string): number => table.dates.indexOf(date)
  const run = runModel(
    gr4j,
    Float64Array.of(params['X1']!, params['X2']!, params['X3']!, params['X4']!),
    { precip: table.columns.get('precip_mm')!, pet: table.columns.get('pet_mm')! },
    { warmupStart: at(warmupStart), start: at(from), end: at(to) },
  )
  return Array.from(mmPerStepToM3sSeries(run.qsim, areaKm2, SECONDS_PER_DAY, run.qsim))
}

interface SimulationBody {
  basinId: string
  model: string
  stepMs: number
  warmupStart: string
  from: string
  to: string
  upstream: string[]
  unit: string
  times: string[]
  values: number[]
}

describe.each(SERVER_TARGETS)('GET /api/v1/basins/{id}/simulation on $name', (target) => {
  let s: TestServer
  beforeEach(async () => {
    s = await testServer({ target })
    await seedRegion(s.store)
  })
  afterEach(async () => {
    await s.close()
  })

  const get = (basin: string, from: string, to: string) =>
    s.app.inject(
      `/api/v1/basins/${basin}/simulation?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    )
  const message = (r: { json: () => unknown }): string =>
    (r.json() as { error: { message: string } }).error.message

  it('serves the model run on the observed forcing, to anyone, as the model itself gives it', async () => {
    const r = await get('aube-bar', '2016-05-01T00:00:00Z', '2016-06-01T00:00:00Z')
    expect(r.statusCode).toBe(200)
    const body = r.json<SimulationBody>()
    expect(body).toMatchObject({
      basinId: 'aube-bar',
      model: 'GR4J',
      stepMs: DAY,
      warmupStart: '2015-05-02T00:00:00.000Z',
      from: '2016-05-01T00:00:00.000Z',
      to: '2016-06-01T00:00:00.000Z',
      upstream: [],
      unit: 'm3/s',
    })
    expect(body.times).toHaveLength(31)
    expect(body.times[0]).toBe('2016-05-01T00:00:00.000Z')
    expect(body.times[30]).toBe('2016-05-31T00:00:00.000Z')
    expect(body.values).toEqual(direct('aube-bar', '2015-05-02', '2016-05-01', '2016-06-01'))
  })

  it('takes a window off the step grid back to the start of its step', async () => {
    const on = await get('aube-bar', '2016-05-01T00:00:00Z', '2016-06-01T00:00:00Z')
    // 06:00 UTC, and midnight in Paris (22:00 UTC the day before): the days holding them.
    const late = await get('aube-bar', '2016-05-01T06:00:00Z', '2016-06-01T00:00:00Z')
    expect(late.statusCode, late.body).toBe(200)
    expect(late.json<SimulationBody>()).toEqual(on.json<SimulationBody>())
    const paris = await get('aube-bar', '2016-05-02T00:00:00+02:00', '2016-06-01T00:00:00Z')
    expect(paris.statusCode, paris.body).toBe(200)
    expect(paris.json<SimulationBody>().from).toBe('2016-05-01T00:00:00.000Z')
    expect(paris.json<SimulationBody>().values).toEqual(on.json<SimulationBody>().values)
  })

  it('refuses a simulation beyond the concurrent ones, saying when to come back', async () => {
    const many = await Promise.all(
      Array.from({ length: MAX_CONCURRENT_SIMULATIONS + 2 }, () =>
        get('loing-episy', '2015-06-01T00:00:00Z', '2016-12-01T00:00:00Z'),
      ),
    )
    const busy = many.filter((r) => r.statusCode === 503)
    expect(many.filter((r) => r.statusCode === 200).length).toBeGreaterThanOrEqual(
      MAX_CONCURRENT_SIMULATIONS,
    )
    expect(busy.length).toBeGreaterThanOrEqual(1)
    expect(busy[0]!.headers['retry-after']).toBe('1')
    expect(message(busy[0]!)).toMatch(/simulations are running already; try again/)
    // Once they are done, the next one runs.
    expect((await get('aube-bar', '2016-05-01T00:00:00Z', '2016-06-01T00:00:00Z')).statusCode).toBe(
      200,
    )
  })

  it('routes the upstream basin in, starts where the forcing starts and ends where it ends', async () => {
    const r = await get('loing-episy', '2015-06-01T00:00:00Z', '2017-02-01T00:00:00Z')
    expect(r.statusCode).toBe(200)
    const body = r.json<SimulationBody>()
    expect(body.upstream).toEqual(['aube-bar'])
    // A year before the window lies before the stored forcing: the warm-up starts with it.
    expect(body.warmupStart).toBe(`${FIRST}T00:00:00.000Z`)
    expect(body.to).toBe('2017-01-01T00:00:00.000Z')
    expect(body.times).toHaveLength((day('2017-01-01') - day('2015-06-01')) / DAY)
    const alone = direct('loing-episy', FIRST, '2015-06-01', '2017-01-01')
    // The Aube's flow arrives on top of the Loing's own.
    for (let k = 0; k < alone.length; k++) expect(body.values[k]! - alone[k]!).toBeGreaterThan(0)
  })

  it('answers 404 for an unknown basin and 409 naming what is missing', async () => {
    const from = '2016-05-01T00:00:00Z'
    const to = '2016-06-01T00:00:00Z'
    const unknown = await get('rhine', from, to)
    expect(unknown.statusCode).toBe(404)
    expect(message(unknown)).toBe('no basin rhine')

    // testServer's own basins: seine without a model, aube with one but without forcing.
    const noModel = await get('seine', from, to)
    expect(noModel.statusCode).toBe(409)
    expect(noModel.json()).toEqual({
      error: { code: 'conflict', message: 'basin seine has no model configured' },
    })
    await s.store.modelConfigs.put({
      basinId: 'aube' as BasinId,
      model: 'GR4J',
      params: { X1: 300, X2: 0, X3: 80, X4: 2 },
      options: {},
      calibration: null,
      updatedAt: 0 as EpochMs,
    })
    const noSeries = await get('aube', from, to)
    expect(noSeries.statusCode).toBe(409)
    expect(message(noSeries)).toBe('basin aube: no observed precipitation series')

    const beyond = await get('loing-episy', '2017-03-01T00:00:00Z', '2017-04-01T00:00:00Z')
    expect(beyond.statusCode).toBe(409)
    expect(message(beyond)).toBe(
      'no observed forcing of basin loing-episy from 2017-03-01T00:00:00.000Z (it ends at 2017-01-01T00:00:00.000Z): observed precipitation (series loing-episy:precip) missing at 2017-03-01T00:00:00.000Z',
    )

    await s.store.observations.write(
      [
        {
          seriesId: 'aube-bar:pet' as SeriesId,
          t: day('2016-03-03') as EpochMs,
          value: -1,
          quality: 0,
        },
      ],
      1 as EpochMs,
    )
    const gap = await get('loing-episy', from, to)
    expect(gap.statusCode).toBe(409)
    expect(message(gap)).toBe(
      'basin aube-bar (upstream of loing-episy): observed pet (series aube-bar:pet) negative (-1) at 2016-03-03T00:00:00.000Z',
    )

    await s.store.modelConfigs.put({
      basinId: 'aube-bar' as BasinId,
      model: 'GR4J',
      params: { X1: 300, X2: 0, X3: 80 },
      options: {},
      calibration: null,
      updatedAt: 0 as EpochMs,
    })
    const badModel = await get('loing-episy', from, to)
    expect(badModel.statusCode).toBe(409)
    expect(message(badModel)).toBe(
      'the GR4J model of basin aube-bar (upstream of loing-episy) cannot run: parameter X4 is missing',
    )
  })

  it('answers 400 for a malformed, reversed or too long window', async () => {
    const bad = await get('loing-episy', 'yesterday', '2016-06-01T00:00:00Z')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.details[0]).toMatchObject({ path: 'querystring.from' })
    const noOffset = await get('loing-episy', '2016-05-01T00:00:00', '2016-06-01T00:00:00Z')
    expect(noOffset.statusCode).toBe(400)
    const missing = await s.app.inject(
      '/api/v1/basins/loing-episy/simulation?from=2016-05-01T00:00:00Z',
    )
    expect(missing.statusCode).toBe(400)
    const reversed = await get('loing-episy', '2016-06-01T00:00:00Z', '2016-05-01T00:00:00Z')
    expect(reversed.statusCode).toBe(400)
    expect(message(reversed)).toBe(
      'to (2016-05-01T00:00:00.000Z) must be after from (2016-06-01T00:00:00.000Z)',
    )
    const empty = await get('loing-episy', '2016-06-01T00:00:00Z', '2016-06-01T00:00:00Z')
    expect(empty.statusCode).toBe(400)
    const long = await get('loing-episy', '2012-01-01T00:00:00Z', '2016-01-01T00:00:00Z')
    expect(long.statusCode).toBe(400)
    expect(message(long)).toContain('spans 1461 days; at most 1096 days (3 years)')
  })

  it('answers 422 when the basins upstream make the run too large', async () => {
    // 700 small basins in a chain above the Loing: 702 basins × (365 + 1096) steps.
    const ids = Array.from({ length: 700 }, (_, k) => `trib-${k}` as BasinId)
    await s.store.basins.upsert(
      ids.map((id, k) => ({
        id,
        name: id,
        areaKm2: 1,
        outline: null,
        hypsometry: null,
        downstream: {
          basinId: (k + 1 < ids.length ? ids[k + 1]! : 'loing-episy') as BasinId,
          reach: { kind: 'none' as const },
        },
      })),
    )
    const r = await get('loing-episy', '2014-01-01T00:00:00Z', '2017-01-01T00:00:00Z')
    expect(r.statusCode).toBe(422)
    expect(message(r)).toBe(
      'simulating loing-episy runs 702 basins × 1461 steps (365 of warm-up), more than the 1000000 basin-steps allowed per request: ask for a shorter window',
    )
  })

  it('is described in the OpenAPI document with its refusals', async () => {
    const doc = (await s.app.inject('/openapi.json')).json()
    const op = doc.paths['/api/v1/basins/{id}/simulation'].get
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '404', '409', '422', '503'])
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['from', 'id', 'to'])
  })
})
