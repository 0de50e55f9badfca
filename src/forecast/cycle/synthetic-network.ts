/**
 * A small synthetic river network in in-memory ports, for tests and examples of the forecast
 * cycle: five hourly GR4H basins joined by every kind of reach,
 *
 *   up-a ─lag-route─┐
 *                   mid-c ──none──┐
 *   up-b ─muskingum─┘             out-e
 *   up-d ───────lag-route─────────┘
 *
 * with observed precipitation and PET (seeded random storms, a diurnal PET), discharge series
 * with thresholds, a cold state saved at `start − 1 h`, and one ensemble forcing forecast
 * issued every day from `start`. The basins are listed out of network order on purpose.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId, SeriesId, ThresholdId } from '../../core/ids.ts'
import { seededRng } from '../../core/rng.ts'
import { gr4h } from '../../hydro/models/gr4h/run.ts'
import { DEFAULT_INITIAL_LEVELS } from '../../hydro/models/types.ts'
import type { Basin, Observation, ReachRoutingSpec, Series } from '../../observe/types.ts'
import {
  MemoryBasinRepository,
  MemoryForcingForecastRepository,
  MemoryForecastRepository,
  MemoryModelConfigRepository,
  MemoryModelStateRepository,
  MemoryObservationRepository,
  MemorySeriesRepository,
  MemoryThresholdRepository,
  fixedClock,
} from './memory-ports.ts'
import type { ForecastCycleDeps } from './types.ts'
import type { ModelRunner } from '../ports.ts'

/** One hour (ms). */
export const HOUR_MS = 3_600_000

/** How to build the network. */
export interface SyntheticOptions {
  readonly seed?: number
  /** Ensemble members (default 5). */
  readonly members?: number
  /** Lead steps of each forcing forecast (h, default 48). */
  readonly leadSteps?: number
  /** Days of observations and daily forecasts after `start` (default 3). */
  readonly days?: number
  /** Days of observations before `start` (default 10). */
  readonly daysBefore?: number
}

/** The network, its ports (all but the runner) and what the tests compare against. */
export interface SyntheticNetwork {
  /** The first issue time (ms): the saved states are valid from it. */
  readonly start: EpochMs
  readonly ids: {
    readonly a: BasinId
    readonly b: BasinId
    readonly c: BasinId
    readonly d: BasinId
    readonly e: BasinId
  }
  readonly basins: MemoryBasinRepository
  readonly series: MemorySeriesRepository
  readonly observations: MemoryObservationRepository
  readonly thresholds: MemoryThresholdRepository
  readonly configs: MemoryModelConfigRepository
  readonly states: MemoryModelStateRepository
  readonly forcing: MemoryForcingForecastRepository
  readonly forecasts: MemoryForecastRepository
  readonly clock: ReturnType<typeof fixedClock>
  /** GR4H parameters (X1 mm, X2 mm/h, X3 mm, X4 h) by basin. */
  readonly params: ReadonlyMap<BasinId, Float64Array>
  /** Observed series of a basin: `precip:<id>`, `pet:<id>`, `q:<id>`. */
  readonly seriesId: (variable: 'precip' | 'pet' | 'q', basin: BasinId) => SeriesId
  /** The ports with `runner`, ready for `runForecastCycle`. */
  deps(runner: ModelRunner): ForecastCycleDeps
}

const id = (s: string): BasinId => s as BasinId

/** Builds the network (deterministic for a seed). */
export async function syntheticNetwork(options: SyntheticOptions = {}): Promise<SyntheticNetwork> {
  const rng = seededRng(options.seed ?? 1)
  const members = options.members ?? 5
  const leadSteps = options.leadSteps ?? 48
  const days = options.days ?? 3
  const daysBefore = options.daysBefore ?? 10
  const start = Date.UTC(2024, 0, 10) as EpochMs
  const ids = { a: id('up-a'), b: id('up-b'), c: id('mid-c'), d: id('up-d'), e: id('out-e') }
  const reach = (r: ReachRoutingSpec, to: BasinId) => ({ basinId: to, reach: r })
  const basin = (b: BasinId, areaKm2: number, downstream: Basin['downstream']): Basin => ({
    id: b,
    name: b,
    areaKm2,
    outline: null,
    hypsometry: null,
    downstream,
  })
  const list: Basin[] = [
    basin(ids.e, 150, null),
    basin(ids.c, 80, reach({ kind: 'none' }, ids.e)),
    basin(ids.a, 120, reach({ kind: 'lag-route', lagHours: 2, kHours: 3 }, ids.c)),
    basin(ids.d, 60, reach({ kind: 'lag-route', lagHours: 0, kHours: 1.5 }, ids.e)),
    basin(ids.b, 95, reach({ kind: 'muskingum', kHours: 2, x: 0.2 }, ids.c)),
  ]
  const basins = new MemoryBasinRepository()
  await basins.upsert(list)

  const seriesId = (variable: 'precip' | 'pet' | 'q', b: BasinId) => `${variable}:${b}` as SeriesId
  const series = new MemorySeriesRepository()
  const thresholds = new MemoryThresholdRepository()
  const observations = new MemoryObservationRepository()
  const configs = new MemoryModelConfigRepository()
  const states = new MemoryModelStateRepository()
  const forcing = new MemoryForcingForecastRepository()
  const params = new Map<BasinId, Float64Array>()
  const obsFrom = start - daysBefore * 24 * HOUR_MS
  const obsSteps = (daysBefore + days) * 24
  const seriesOf = (sid: SeriesId, variable: Series['variable'], b: BasinId): Series => ({
    id: sid,
    variable,
    unit: variable === 'discharge' ? 'm3/s' : 'mm',
    kind: 'observed',
    stationId: null,
    basinId: b,
    stepMs: HOUR_MS,
  })

  for (const [k, b] of list.entries()) {
    await series.upsert([
      seriesOf(seriesId('precip', b.id), 'precipitation', b.id),
      seriesOf(seriesId('pet', b.id), 'pet', b.id),
      seriesOf(seriesId('q', b.id), 'discharge', b.id),
    ])
    const total = b.areaKm2 * (k + 1)
    await thresholds.upsert([
      threshold(`low:${b.id}`, seriesId('q', b.id), 'low', 1e-9),
      threshold(`q2:${b.id}`, seriesId('q', b.id), 'Q2', total * 0.02),
      threshold(`huge:${b.id}`, seriesId('q', b.id), 'huge', 1e9),
    ])
    const p = Float64Array.of(
      200 + 400 * rng.next(),
      -0.5 + 0.6 * rng.next(),
      40 + 150 * rng.next(),
      2 + 20 * rng.next(),
    )
    params.set(b.id, p)
    await configs.put({
      basinId: b.id,
      model: 'GR4H',
      params: { X1: p[0]!, X2: p[1]!, X3: p[2]!, X4: p[3]! },
      options: {},
      calibration: null,
      updatedAt: start,
    })
    await states.put({
      basinId: b.id,
      model: 'GR4H',
      t: (start - HOUR_MS) as EpochMs,
      state: gr4h.initialState(p, DEFAULT_INITIAL_LEVELS),
    })
    const batch: Observation[] = []
    for (let i = 0; i < obsSteps; i++) {
      const t = (obsFrom + i * HOUR_MS) as EpochMs
      batch.push({ seriesId: seriesId('precip', b.id), t, value: rain(rng), quality: 0 })
      batch.push({ seriesId: seriesId('pet', b.id), t, value: diurnalPet(t), quality: 0 })
      batch.push({ seriesId: seriesId('q', b.id), t, value: 0.01 * total, quality: 0 })
    }
    await observations.write(batch, start)
    for (let day = 0; day <= days; day++) {
      const issue = start + day * 24 * HOUR_MS
      const precip: Float64Array[] = []
      const pet: Float64Array[] = []
      for (let m = 0; m < members; m++) {
        const pm = new Float64Array(leadSteps)
        const em = new Float64Array(leadSteps)
        for (let j = 0; j < leadSteps; j++) {
          pm[j] = rain(rng) * (0.5 + rng.next())
          em[j] = diurnalPet(issue + j * HOUR_MS)
        }
        precip.push(pm)
        pet.push(em)
      }
      await forcing.put({
        basinId: b.id,
        issueTime: issue as EpochMs,
        stepMs: HOUR_MS,
        source: 'synthetic: seeded storms',
        precip,
        pet,
        temp: null,
      })
    }
  }
  const forecasts = new MemoryForecastRepository()
  const clock = fixedClock(start + 10 * 60_000)
  return {
    start,
    ids,
    basins,
    series,
    observations,
    thresholds,
    configs,
    states,
    forcing,
    forecasts,
    clock,
    params,
    seriesId,
    deps: (runner) => ({
      basins,
      series,
      observations,
      thresholds,
      configs,
      states,
      forcing,
      forecasts,
      runner,
      clock,
    }),
  }
}

/** Hourly rain (mm): dry most hours, showers drawn from an exponential of mean 2 mm. */
function rain(rng: { next(): number }): number {
  return rng.next() < 0.15 ? -2 * Math.log(1 - rng.next()) : 0
}

/** Hourly PET (mm): a half sine over 6–18 h UTC peaking at 0.25 mm/h, 0 at night. */
function diurnalPet(t: number): number {
  const hour = (t / HOUR_MS) % 24
  return hour >= 6 && hour < 18 ? 0.25 * Math.sin(((hour - 6 + 0.5) / 12) * Math.PI) : 0
}

function threshold(tid: string, sid: SeriesId, name: string, value: number) {
  return {
    id: tid as ThresholdId,
    seriesId: sid,
    name,
    returnPeriodYears: null,
    value,
    source: 'manual' as const,
    ciLow: null,
    ciHigh: null,
    setBy: null,
    reason: 'synthetic',
    setAt: 0 as EpochMs,
  }
}
