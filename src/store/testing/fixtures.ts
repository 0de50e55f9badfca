/**
 * Entities for the store's contract tests: small, complete (every optional field set one way
 * or the other), and easy to vary. For tests only.
 */
import type { EpochMs } from '../../core/brand.ts'
import type {
  BasinId,
  ForecastRunId,
  SeriesId,
  StationId,
  ThresholdId,
  UserId,
} from '../../core/ids.ts'
import type { ForecastRun } from '../../forecast/ports.ts'
import type { Basin, Observation, Series, Station, Threshold } from '../../observe/types.ts'
import type { Repositories } from '../store.ts'

/** Brands a number of ms since the epoch. */
export const ms = (n: number): EpochMs => n as EpochMs
/** One hour in ms. */
export const HOUR = 3_600_000
/** 2024-01-01T00:00:00Z. */
export const T0 = ms(Date.UTC(2024, 0, 1))

/** Brands test identifiers (fixtures only: production ids go through `asId`). */
export const basinId = (s: string): BasinId => s as BasinId
export const stationId = (s: string): StationId => s as StationId
export const seriesId = (s: string): SeriesId => s as SeriesId
export const thresholdId = (s: string): ThresholdId => s as ThresholdId
export const runId = (s: string): ForecastRunId => s as ForecastRunId

/** 101 elevations, minimum to maximum (m a.s.l.). */
export const HYPSOMETRY: readonly number[] = Array.from(
  { length: 101 },
  (_, i) => 286 + i * 12.3456789,
)

/** A basin with every field set; `over` replaces fields. */
export function basin(id: string, over: Partial<Basin> = {}): Basin {
  return {
    id: basinId(id),
    name: `Basin ${id}`,
    areaKm2: 123.456,
    outline: {
      type: 'Polygon',
      coordinates: [
        [
          [4.1, 47.9],
          [4.6, 47.9],
          [4.6, 48.2],
          [4.1, 47.9],
        ],
      ],
    },
    hypsometry: HYPSOMETRY,
    downstream: null,
    ...over,
  }
}

/** A station with every field set; `over` replaces fields. */
export function station(id: string, over: Partial<Station> = {}): Station {
  return {
    id: stationId(id),
    name: `Station ${id}`,
    river: 'Seine',
    lat: 47.99599,
    lon: 4.48061,
    basinId: null,
    catchmentAreaKm2: 704.3,
    datumM: 287.15,
    ...over,
  }
}

/** Hourly discharge (m³/s) at station S1; `over` replaces fields. */
export function series(id: string, over: Partial<Series> = {}): Series {
  return {
    id: seriesId(id),
    variable: 'discharge',
    unit: 'm3/s',
    kind: 'observed',
    stationId: stationId('S1'),
    basinId: null,
    stepMs: HOUR,
    ...over,
  }
}

/** A fitted Q10 threshold of Q1 (m³/s); `over` replaces fields. */
export function threshold(id: string, over: Partial<Threshold> = {}): Threshold {
  return {
    id: thresholdId(id),
    seriesId: seriesId('Q1'),
    name: 'Q10',
    returnPeriodYears: 10,
    value: 87.25,
    source: 'fitted',
    ciLow: 70.5,
    ciHigh: 101.125,
    setBy: null,
    reason: 'GEV, L-moments',
    setAt: T0,
    ...over,
  }
}

/** A running forecast run of 3 members × 4 hourly steps; `over` replaces fields. */
export function run(id: string, over: Partial<ForecastRun> = {}): ForecastRun {
  return {
    id: runId(id),
    issueTime: T0,
    forcingSource: 'synthetic: test',
    members: 3,
    leadSteps: 4,
    stepMs: HOUR,
    createdAt: ms(T0 + 60_000),
    status: 'running',
    note: '',
    ...over,
  }
}

/** Hourly observations of `seriesId` from `start`, value `f(i)`. */
export function hourly(
  id: string,
  n: number,
  f: (i: number) => number = (i) => 10 + i / 8,
  start: number = T0,
): Observation[] {
  return Array.from({ length: n }, (_, i) => ({
    seriesId: seriesId(id),
    t: ms(start + i * HOUR),
    value: f(i),
    quality: 0,
  }))
}

/** Basin B1 with station S1 on it and the hourly discharge series Q1 of S1. */
export async function seedSite(store: Repositories): Promise<void> {
  await store.basins.upsert([basin('B1')])
  await store.stations.upsert([station('S1', { basinId: basinId('B1') })])
  await store.series.upsert([series('Q1')])
}

/** Brands a user id. */
export const user = (s: string): UserId => s as UserId

/** The bytes of an array of doubles, to compare bit for bit. */
export const bytesOf = (a: Float64Array): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice()

/** Doubles with every kind of value: signed zeros, subnormals, extremes, infinities, NaNs with payloads. */
export function awkwardDoubles(n: number, seed: number): Float64Array {
  const out = new Float64Array(n)
  const bits = new Uint32Array(out.buffer)
  let x = seed >>> 0 || 1
  for (let i = 0; i < bits.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    bits[i] = x >>> 0
  }
  const special = [
    0,
    -0,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    Number.MAX_VALUE,
    -Infinity,
    Infinity,
    NaN,
    0.1,
  ]
  for (let i = 0; i < Math.min(n, special.length); i++) out[i] = special[i]!
  // A NaN with a payload, written as bits (a number assignment could make it canonical).
  if (n > special.length) {
    bits[2 * special.length] = 0x0000_0001
    bits[2 * special.length + 1] = 0x7ff4_0000
  }
  return out
}
