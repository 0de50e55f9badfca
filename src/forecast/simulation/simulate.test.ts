/**
 * The simulation against direct runs of GR4J (runModel) on three real CAMELS-FR basins of the
 * demo region, with the parameters of data/demo: the Loing at Épisy alone, and as the outlet
 * of a made-up chain (the Aube at Bar-sur-Aube into the Seine at Plaines-Saint-Lange into the
 * Loing; the rivers do not join so) that checks the routing and the sums.
 */
import { describe, expect, it } from 'vitest'
import { type DemoBasin, readDemoBasin } from '../../../test/support/airgr-reference.ts'
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId, SeriesId } from '../../core/ids.ts'
import { gr4j } from '../../hydro/models/gr4j/run.ts'
import { runModel } from '../../hydro/models/run-model.ts'
import type { ReachRouting } from '../../hydro/routing/reach.ts'
import { reachSteadyState, routeReach } from '../../hydro/routing/reach.ts'
import { mmPerStepToM3sSeries, SECONDS_PER_DAY } from '../../hydro/routing/units.ts'
import type { Basin, Observation } from '../../observe/types.ts'
import {
  MemoryBasinRepository,
  MemoryModelConfigRepository,
  MemoryObservationRepository,
  MemorySeriesRepository,
  sequentialModelRunner,
} from '../cycle/memory-ports.ts'
import type { SimulationDeps } from './simulate.ts'
import { MAX_SIMULATION_BASIN_STEPS, simulateBasin } from './simulate.ts'

const DAY = 86_400_000
const day = (date: string): EpochMs => Date.parse(`${date}T00:00:00Z`) as EpochMs

/** The demo's three basins: CAMELS-FR code, demo model-run file. */
const BASINS = {
  loing: { code: 'F439000101', file: 'loing-f439000101-gr4j.json' },
  seine: { code: 'H010002001', file: 'seine-h010002001-gr4j.json' },
  aube: { code: 'H120101001', file: 'aube-h120101001-gr4j.json' },
} as const
type Name = keyof typeof BASINS

interface Fixture extends DemoBasin {
  readonly name: Name
}

const fixtures = new Map<Name, Fixture>(
  (Object.keys(BASINS) as Name[]).map((name) => {
    const { code, file } = BASINS[name]
    return [name, { name, ...readDemoBasin(code, file) }]
  }),
)

const fx = (name: Name): Fixture => fixtures.get(name)!
const paramsOf = (f: Fixture): Float64Array =>
  Float64Array.of(f.params['X1']!, f.params['X2']!, f.params['X3']!, f.params['X4']!)
const seriesId = (name: Name, v: 'precip' | 'pet'): SeriesId => `${name}:${v}` as SeriesId

/** In-memory ports holding `names` with their observed forcing and GR4J; `links` join them. */
async function region(
  names: readonly Name[],
  links: Partial<Record<Name, { to: Name; reach: ReachRouting }>> = {},
): Promise<SimulationDeps & { configs: MemoryModelConfigRepository }> {
  const basins = new MemoryBasinRepository()
  const series = new MemorySeriesRepository()
  const observations = new MemoryObservationRepository()
  const configs = new MemoryModelConfigRepository()
  await basins.upsert(
    names.map((name): Basin => ({
      id: name as BasinId,
      name,
      areaKm2: fx(name).areaKm2,
      outline: null,
      hypsometry: null,
      downstream:
        links[name] === undefined
          ? null
          : { basinId: links[name].to as BasinId, reach: links[name].reach },
    })),
  )
  for (const name of names) {
    const f = fx(name)
    const batch: Observation[] = []
    for (const [v, variable, column] of [
      ['precip', 'precipitation', 'precip_mm'],
      ['pet', 'pet', 'pet_mm'],
    ] as const) {
      await series.upsert([
        {
          id: seriesId(name, v),
          variable,
          unit: 'mm',
          kind: 'observed',
          stationId: null,
          basinId: name as BasinId,
          stepMs: DAY,
        },
      ])
      const values = f.table.columns.get(column)!
      for (let i = 0; i < values.length; i++)
        batch.push({
          seriesId: seriesId(name, v),
          t: f.table.times[i]! as EpochMs,
          value: values[i]!,
          quality: 0,
        })
    }
    await observations.write(batch, 0 as EpochMs)
    await configs.put({
      basinId: name as BasinId,
      model: 'GR4J',
      params: f.params,
      options: {},
      calibration: null,
      updatedAt: 0 as EpochMs,
    })
  }
  return { basins, series, observations, configs, runner: sequentialModelRunner }
}

/**
 * GR4J run directly with runModel from a cold start on `warmupStart` (its warm-up up to
 * `from`), over [from, to), converted to m³/s at the basin's outlet.
 */
function direct(name: Name, warmupStart: string, from: string, to: string): Float64Array {
  const f = fx(name)
  const at = (date: string): number => f.table.dates.indexOf(date)
  const run = runModel(
    gr4j,
    paramsOf(f),
    { precip: f.table.columns.get('precip_mm')!, pet: f.table.columns.get('pet_mm')! },
    { warmupStart: at(warmupStart), start: at(from), end: at(to) },
  )
  return mmPerStepToM3sSeries(run.qsim, f.areaKm2, SECONDS_PER_DAY, run.qsim)
}

/** `inflow` routed down `reach` from the steady state of its first value. */
function routed(reach: ReachRouting, inflow: Float64Array): Float64Array {
  const out = new Float64Array(inflow.length)
  routeReach(
    reach,
    SECONDS_PER_DAY,
    inflow,
    reachSteadyState(reach, SECONDS_PER_DAY, inflow[0]!),
    out,
  )
  return out
}

/** Counts the reads of observations. */
class CountingObservations extends MemoryObservationRepository {
  reads = 0
  override async read(...a: Parameters<MemoryObservationRepository['read']>) {
    this.reads++
    return super.read(...a)
  }
}

const add = (a: Float64Array, b: Float64Array): Float64Array => a.map((x, i) => x + b[i]!)

describe('simulateBasin on CAMELS-FR basins', () => {
  it("is the model's own run from a cold start a year before the window, in m³/s", async () => {
    const deps = await region(['loing'])
    const r = await simulateBasin(deps, {
      basinId: 'loing' as BasinId,
      from: day('2016-05-01'),
      to: day('2016-07-01'),
    })
    if (!r.ok) throw new Error(r.message)
    const s = r.value
    expect(s).toMatchObject({ basinId: 'loing', model: 'GR4J', stepMs: DAY, upstream: [] })
    expect(s.warmupStart).toBe(day('2016-05-01') - 365 * DAY)
    expect(s.from).toBe(day('2016-05-01'))
    expect(s.to).toBe(day('2016-07-01'))
    const expected = direct('loing', '2015-05-02', '2016-05-01', '2016-07-01')
    expect(s.flow).toHaveLength(61)
    expect(Array.from(s.flow)).toEqual(Array.from(expected))
    // The 2016 flood: the Loing peaked at 447 m³/s at Épisy on 3 June; the model sees a flood too.
    expect(Math.max(...s.flow)).toBeGreaterThan(150)
  })

  it('depends on the warm-up: a cold start at the window misses the stored water', async () => {
    const deps = await region(['loing'])
    const request = { basinId: 'loing' as BasinId, from: day('2016-05-01'), to: day('2016-05-11') }
    const cold = await simulateBasin(deps, { ...request, warmupSteps: 0 })
    const warm = await simulateBasin(deps, request)
    if (!cold.ok || !warm.ok) throw new Error('no simulation')
    expect(cold.value.warmupStart).toBe(day('2016-05-01'))
    expect(Array.from(cold.value.flow)).toEqual(
      Array.from(direct('loing', '2016-05-01', '2016-05-01', '2016-05-11')),
    )
    expect(cold.value.flow[0]).not.toBeCloseTo(warm.value.flow[0]!, 1)
  })

  it('starts where the forcing starts when the warm-up would begin before it', async () => {
    const deps = await region(['loing'])
    const r = await simulateBasin(deps, {
      basinId: 'loing' as BasinId,
      from: day('1999-06-01'),
      to: day('1999-07-01'),
    })
    if (!r.ok) throw new Error(r.message)
    expect(r.value.warmupStart).toBe(day('1999-01-01'))
    expect(Array.from(r.value.flow)).toEqual(
      Array.from(direct('loing', '1999-01-01', '1999-06-01', '1999-07-01')),
    )
  })

  it('ends where the observed forcing ends', async () => {
    const deps = await region(['loing'])
    const r = await simulateBasin(deps, {
      basinId: 'loing' as BasinId,
      from: day('2018-12-01'),
      to: day('2019-02-01'),
    })
    if (!r.ok) throw new Error(r.message)
    expect(r.value.to).toBe(day('2019-01-01'))
    expect(r.value.flow).toHaveLength(31)
    const f = fx('loing')
    const run = runModel(
      gr4j,
      paramsOf(f),
      { precip: f.table.columns.get('precip_mm')!, pet: f.table.columns.get('pet_mm')! },
      {
        warmupStart: f.table.dates.indexOf('2017-12-01'),
        start: f.table.dates.indexOf('2018-12-01'),
        end: f.table.dates.length,
      },
    )
    const expected = mmPerStepToM3sSeries(run.qsim, f.areaKm2, SECONDS_PER_DAY, run.qsim)
    expect(Array.from(r.value.flow)).toEqual(Array.from(expected))
  })

  it('adds the flows of the basins upstream, routed down their reaches in network order', async () => {
    const aubeToSeine: ReachRouting = { kind: 'lag-route', lagHours: 12, kHours: 24 }
    const seineToLoing: ReachRouting = { kind: 'muskingum', kHours: 36, x: 0.2 }
    const deps = await region(['loing', 'seine', 'aube'], {
      aube: { to: 'seine', reach: aubeToSeine },
      seine: { to: 'loing', reach: seineToLoing },
    })
    const from = day('2016-05-01')
    const to = day('2016-07-01')
    const r = await simulateBasin(deps, { basinId: 'loing' as BasinId, from, to })
    if (!r.ok) throw new Error(r.message)
    expect(r.value.upstream).toEqual(['aube', 'seine'])
    expect(r.value.warmupStart).toBe(from - 365 * DAY)

    // By hand: every basin from the same cold start, routed from the warm-up's first step on.
    const run = (name: Name): Float64Array => direct(name, '2015-05-02', '2015-05-02', '2016-07-01')
    const aube = run('aube')
    const seine = add(run('seine'), routed(aubeToSeine, aube))
    const loing = add(run('loing'), routed(seineToLoing, seine))
    const inWindow = loing.subarray(365)
    expect(r.value.flow).toHaveLength(61)
    expect(Array.from(r.value.flow)).toEqual(Array.from(inWindow))
    // The upstream share is real: the Loing alone is well below.
    const alone = direct('loing', '2015-05-02', '2016-05-01', '2016-07-01')
    expect(r.value.flow[10]! - alone[10]!).toBeGreaterThan(5)

    // Without a warm-up the reaches' start shows: each starts in the steady state of its first inflow.
    const cold = await simulateBasin(deps, {
      basinId: 'loing' as BasinId,
      from,
      to: (from + 10 * DAY) as EpochMs,
      warmupSteps: 0,
    })
    if (!cold.ok) throw new Error(cold.message)
    const first = (name: Name): Float64Array =>
      direct(name, '2016-05-01', '2016-05-01', '2016-05-11')
    const seineCold = add(first('seine'), routed(aubeToSeine, first('aube')))
    const loingCold = add(first('loing'), routed(seineToLoing, seineCold))
    expect(Array.from(cold.value.flow)).toEqual(Array.from(loingCold))

    // The Seine's own simulation is its part of the chain, before the reach to the Loing.
    const s = await simulateBasin(deps, { basinId: 'seine' as BasinId, from, to })
    if (!s.ok) throw new Error(s.message)
    expect(s.value.upstream).toEqual(['aube'])
    expect(Array.from(s.value.flow)).toEqual(Array.from(seine.subarray(365)))
  })

  it('names the series and the time of a gap in the forcing, upstream too', async () => {
    const deps = await region(['loing', 'seine'], {
      seine: { to: 'loing', reach: { kind: 'none' } },
    })
    await deps.observations.write(
      [{ seriesId: seriesId('seine', 'pet'), t: day('2016-02-10'), value: NaN, quality: 0 }],
      1 as EpochMs,
    )
    const r = await simulateBasin(deps, {
      basinId: 'loing' as BasinId,
      from: day('2016-05-01'),
      to: day('2016-06-01'),
    })
    expect(r).toEqual({
      ok: false,
      kind: 'forcing',
      message:
        'basin seine (upstream of loing): observed pet (series seine:pet) missing at 2016-02-10T00:00:00.000Z',
    })
  })

  it('says when no forcing covers the window, and where it ends', async () => {
    const deps = await region(['loing'])
    const r = await simulateBasin(deps, {
      basinId: 'loing' as BasinId,
      from: day('2019-03-01'),
      to: day('2019-04-01'),
    })
    expect(r).toEqual({
      ok: false,
      kind: 'forcing',
      message:
        'no observed forcing of basin loing from 2019-03-01T00:00:00.000Z (it ends at 2019-01-01T00:00:00.000Z): observed precipitation (series loing:precip) missing at 2019-03-01T00:00:00.000Z',
    })
    const none = await simulateBasin(
      { ...deps, series: new MemorySeriesRepository() },
      { basinId: 'loing' as BasinId, from: day('2016-03-01'), to: day('2016-04-01') },
    )
    expect(none).toEqual({
      ok: false,
      kind: 'forcing',
      message: 'basin loing: no observed precipitation series',
    })
  })

  it('refuses an unknown basin, a basin or upstream basin without a model, and bad windows', async () => {
    const deps = await region(['loing', 'seine'], {
      seine: { to: 'loing', reach: { kind: 'none' } },
    })
    const from = day('2016-05-01')
    const to = day('2016-06-01')
    const ask = (basinId: string, f = from, t = to) =>
      simulateBasin(deps, { basinId: basinId as BasinId, from: f, to: t })
    expect(await ask('rhine')).toEqual({
      ok: false,
      kind: 'unknown-basin',
      message: 'no basin rhine',
    })
    deps.configs.byBasin.delete('seine' as BasinId)
    expect(await ask('loing')).toEqual({
      ok: false,
      kind: 'model',
      message:
        "basin seine (upstream of loing) has no model configured, and its flow is part of loing's",
    })
    expect(await ask('seine')).toEqual({
      ok: false,
      kind: 'model',
      message: 'basin seine has no model configured',
    })
    const reversed = await ask('loing', to, from)
    expect(reversed).toMatchObject({ ok: false, kind: 'invalid-request' })
    expect(!reversed.ok && reversed.message).toContain('must be after from')
    const long = await ask('loing', day('2012-01-01'), day('2015-01-03'))
    expect(long).toMatchObject({ ok: false, kind: 'invalid-request' })
    expect(!long.ok && long.message).toContain('at most 1096 days (3 years)')
  })

  it('refuses a model outside its domain, naming the parameter', async () => {
    const deps = await region(['loing'])
    await deps.configs.put({
      ...(await deps.configs.find('loing' as BasinId))!,
      params: { X1: -5, X2: 0, X3: 50, X4: 2 },
    })
    const r = await simulateBasin(deps, {
      basinId: 'loing' as BasinId,
      from: day('2016-05-01'),
      to: day('2016-06-01'),
    })
    expect(r).toMatchObject({ ok: false, kind: 'model' })
    expect(!r.ok && r.message).toMatch(/^the GR4J model of basin loing cannot run: .*X1/)
  })

  it('bounds the work before reading any observation or upstream model', async () => {
    // A chain of daily basins long enough to pass the limit over the longest window.
    const n = Math.ceil(MAX_SIMULATION_BASIN_STEPS / (365 + 1096)) + 1
    const basins = new MemoryBasinRepository()
    const configs = new MemoryModelConfigRepository()
    const ids = Array.from({ length: n }, (_, k) => `b${k}` as BasinId)
    await basins.upsert(
      ids.map((id, k) => ({
        id,
        name: id,
        areaKm2: 10,
        outline: null,
        hypsometry: null,
        downstream: k + 1 < n ? { basinId: ids[k + 1]!, reach: { kind: 'none' as const } } : null,
      })),
    )
    // Only the outlet has a model: the size is known from it, before the others are looked up.
    await configs.put({
      basinId: ids[n - 1]!,
      model: 'GR4J',
      params: { X1: 300, X2: 0, X3: 80, X4: 2 },
      options: {},
      calibration: null,
      updatedAt: 0 as EpochMs,
    })
    const observations = new CountingObservations()
    const deps: SimulationDeps = {
      basins,
      configs,
      series: new MemorySeriesRepository(),
      observations,
      runner: sequentialModelRunner,
    }
    const r = await simulateBasin(deps, {
      basinId: ids[n - 1]!,
      from: day('2014-01-01'),
      to: day('2017-01-01'),
    })
    expect(r).toMatchObject({ ok: false, kind: 'too-large' })
    expect(!r.ok && r.message).toContain(`${n} basins × 1461 steps`)
    expect(observations.reads).toBe(0)
  })
})
