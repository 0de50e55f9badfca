/**
 * The demo region that `npm start` serves: three real gauged basins of the upper Seine
 * (data/demo/upper-seine.json), loaded with their history, calibrated and given flood
 * thresholds on first start, then a replay of the flood of May–June 2016 on an accelerated
 * clock: every simulated day the day's observations arrive, an ensemble weather forecast is
 * issued and a forecast cycle runs, so forecasts rise and cross thresholds within a minute.
 *
 * No archive of weather forecasts comes with the data: the replay's members are drawn from
 * the observed future forcing by a stated, seeded error model (src/forecast/hindcast/
 * synthetic-forcing.ts), and every forecast says so in its source.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type { EpochMs } from '../core/brand.ts'
import { seededRng } from '../core/rng.ts'
import type { BasinId, SeriesId, StationId, ThresholdId, UserId } from '../core/ids.ts'
import {
  DEFAULT_FORCING_ERRORS,
  describeForcingErrors,
  issueSeed,
  syntheticMembers,
} from '../forecast/hindcast/synthetic-forcing.ts'
import { calibrate } from '../hydro/calibrate/calibrate.ts'
import { analyseFloodFrequency } from '../hydro/frequency/analysis.ts'
import { annualMaxima } from '../hydro/frequency/annual-maxima.ts'
import { createModel } from '../hydro/models/registry.ts'
import { parseSeriesCsv, parseStepDate, type SeriesTable } from '../observe/forcing-csv.ts'
import type { Observation, Series, Variable } from '../observe/types.ts'
import { VARIABLE_UNITS } from '../observe/types.ts'
import type { Store } from '../store/index.ts'
import { ALERT_TEXTS } from './alert-texts.ts'
import type { WarningSetup } from './warnings.ts'
import { DEFAULT_LEVELS, DEFAULT_RULES } from '../warn/defaults.ts'
import { CHANGES, DEFAULT_POLICY } from '../warn/policy.ts'
import type { WarningZone, WarningZoneId } from '../warn/types.ts'
import type { ForecastRunId } from '../core/ids.ts'
import type { ForecastTrigger } from './forecast-trigger.ts'

const DAY_MS = 86_400_000

export const DEMO_REGION_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'data',
  'demo',
  'upper-seine.json',
)

const period = z.object({ start: z.string(), end: z.string() })
const regionSchema = z.object({
  name: z.string(),
  basins: z.array(
    z.object({
      id: z.string(),
      station: z.string(),
      name: z.string(),
      river: z.string(),
      forcing: z.string(),
      basin: z.string(),
    }),
  ),
  model: z.string(),
  calibration: period.extend({
    warmupStart: z.string(),
    criterion: z.enum(['KGE', 'NSE', 'KGE2']),
  }),
  thresholds: z.object({
    through: z.string(),
    returnPeriods: z.array(z.number()),
    method: z.enum(['gev-lmom', 'gumbel-lmom', 'gumbel-ml']),
  }),
  replay: period.extend({
    members: z.number().int().min(2),
    horizonDays: z.number().int().min(1),
    seed: z.number().int(),
  }),
  warnings: z.object({
    note: z.string(),
    /** Threshold name each default level's triggers use, by level name. */
    levels: z.record(z.string(), z.string()),
    maxObservationAgeHours: z.number().positive(),
    expiryMarginHours: z.number().positive(),
    autoIssue: z.boolean(),
    /** Smallest move of a warning's expiry issued as an extension (h). */
    minExtensionHours: z.number().positive().default(3),
    boxDegrees: z.number().positive().max(1),
    utcOffsetMinutes: z.number().int(),
    sender: z.object({ id: z.string().regex(/^[^\s,&<]+$/), name: z.string() }),
    languages: z.array(z.string()).min(1),
  }),
})
type Region = z.infer<typeof regionSchema>

const basinFileSchema = z.object({
  area_km2: z.number(),
  lat: z.number(),
  lon: z.number(),
  hypso_m: z.array(z.number()).length(101),
})

/** One basin of the region with its whole record in memory. */
interface DemoBasin {
  readonly id: BasinId
  readonly station: StationId
  readonly areaKm2: number
  readonly table: SeriesTable
  /** Observed discharge (m³/s). */
  readonly discharge: Float64Array
  readonly series: Readonly<Record<'precipitation' | 'pet' | 'temperature' | 'discharge', SeriesId>>
}

export interface DemoRegion {
  readonly name: string
  readonly region: Region
  readonly basins: readonly DemoBasin[]
}

const day = (s: string): number => {
  const t = parseStepDate(s)
  if (Number.isNaN(t)) throw new Error(`demo region: not a date: ${s}`)
  return t
}

/** Reads the region file and the basins' series (throws on anything malformed: it is ours). */
export function readDemoRegion(file = DEMO_REGION_FILE): DemoRegion {
  const region = regionSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
  const dir = dirname(resolve(file))
  const basins = region.basins.map((b) => {
    const parsed = parseSeriesCsv(readFileSync(resolve(dir, b.forcing), 'utf8'), b.forcing, [
      'precip_mm',
      'pet_mm',
      'temp_c',
      'q_ls',
    ])
    if (!parsed.ok)
      throw new Error(`demo region: ${parsed.issues.map((i) => i.message).join('; ')}`)
    const info = basinFileSchema.parse(JSON.parse(readFileSync(resolve(dir, b.basin), 'utf8')))
    const qls = parsed.value.columns.get('q_ls')!
    const id = b.id as BasinId
    return {
      id,
      station: b.station as StationId,
      areaKm2: info.area_km2,
      table: parsed.value,
      discharge: qls.map((v) => v / 1000),
      series: {
        precipitation: `${id}:precipitation` as SeriesId,
        pet: `${id}:pet` as SeriesId,
        temperature: `${id}:temperature` as SeriesId,
        discharge: `${b.station}:discharge` as SeriesId,
      },
      info,
      meta: b,
    }
  })
  return { name: region.name, region, basins }
}

const COLUMN: Readonly<Record<'precipitation' | 'pet' | 'temperature', string>> = {
  precipitation: 'precip_mm',
  pet: 'pet_mm',
  temperature: 'temp_c',
}

/** Observations of every series of `b` for steps [from, to). */
function observationsOf(b: DemoBasin, from: number, to: number): Observation[] {
  const out: Observation[] = []
  for (let i = from; i < to; i++) {
    const t = b.table.times[i]! as EpochMs
    for (const v of ['precipitation', 'pet', 'temperature'] as const) {
      const x = b.table.columns.get(COLUMN[v])![i]!
      if (Number.isFinite(x)) out.push({ seriesId: b.series[v], t, value: x, quality: 0 })
    }
    const q = b.discharge[i]!
    if (Number.isFinite(q)) out.push({ seriesId: b.series.discharge, t, value: q, quality: 0 })
  }
  return out
}

const indexOf = (b: DemoBasin, date: string): number =>
  Math.round((day(date) - b.table.times[0]!) / DAY_MS)

/**
 * Loads the region into `store` unless it is there: the network, the history up to the
 * replay's start, GR4J calibrated on each basin, and thresholds fitted to annual maxima.
 * Safe to call on every start; what exists is kept.
 */
export async function loadDemoRegion(
  store: Store,
  demo: DemoRegion,
  log: (msg: string) => void,
): Promise<void> {
  const { region } = demo
  const now = Date.now() as EpochMs
  const extra = demo.basins as unknown as {
    info: z.infer<typeof basinFileSchema>
    meta: Region['basins'][number]
  }[]
  if ((await store.basins.list()).length === 0) log(`loading the demo region: ${demo.name}`)
  await store.transaction(async (tx) => {
    await tx.basins.upsert(
      demo.basins.map((b, k) => ({
        id: b.id,
        name: extra[k]!.meta.name,
        areaKm2: b.areaKm2,
        outline: null,
        hypsometry: extra[k]!.info.hypso_m,
        downstream: null,
      })),
    )
    await tx.stations.upsert(
      demo.basins.map((b, k) => ({
        id: b.station,
        name: extra[k]!.meta.name,
        river: extra[k]!.meta.river,
        lat: extra[k]!.info.lat,
        lon: extra[k]!.info.lon,
        basinId: b.id,
        catchmentAreaKm2: b.areaKm2,
        datumM: null,
      })),
    )
    const series: Series[] = []
    for (const b of demo.basins) {
      for (const v of [
        'precipitation',
        'pet',
        'temperature',
        'discharge',
      ] as const satisfies readonly Variable[]) {
        series.push({
          id: b.series[v],
          variable: v,
          unit: VARIABLE_UNITS[v],
          kind: 'observed',
          stationId: null,
          basinId: b.id,
          stepMs: DAY_MS,
        })
      }
    }
    await tx.series.upsert(series)
  })
  for (const b of demo.basins) {
    const upTo = indexOf(b, region.replay.start)
    if ((await store.observations.count(b.series.discharge)) < upTo / 2) {
      const obs = observationsOf(b, 0, upTo)
      for (let k = 0; k < obs.length; k += 20_000)
        await store.observations.write(obs.slice(k, k + 20_000), now)
      log(
        `${b.id}: ${obs.length} observations loaded (${b.table.dates[0]} to ${b.table.dates[upTo - 1]})`,
      )
    }
    if ((await store.modelConfigs.find(b.id)) === undefined) {
      const model = createModel(region.model)
      if (!model.ok) throw new Error(`demo region: ${region.model}`)
      const c = region.calibration
      const [ws, s, e] = [indexOf(b, c.warmupStart), indexOf(b, c.start), indexOf(b, c.end) + 1]
      const forcing = {
        precip: b.table.columns.get('precip_mm')!,
        pet: b.table.columns.get('pet_mm')!,
      }
      const qmm = b.table.columns.get('q_mm')!.slice(s, e)
      const t0 = performance.now()
      const cal = calibrate(model.value, forcing, { warmupStart: ws, start: s, end: e }, qmm, {
        criterion: c.criterion,
        seed: 1,
      })
      const params: Record<string, number> = {}
      model.value.paramNames.forEach((n, i) => (params[n] = cal.params[i]!))
      await store.modelConfigs.put({
        basinId: b.id,
        model: region.model,
        params,
        options: {},
        calibration: {
          criterion: c.criterion,
          value: cal.value,
          evaluations: cal.evaluations,
          from: day(c.start) as EpochMs,
          to: day(c.end) as EpochMs,
        },
        updatedAt: now,
      })
      log(
        `${b.id}: ${region.model} calibrated on ${c.start}..${c.end}, ${c.criterion} ${cal.value.toFixed(3)} (${cal.evaluations} runs, ${((performance.now() - t0) / 1000).toFixed(2)} s)`,
      )
    }
    if ((await store.thresholds.list(b.series.discharge)).length === 0) {
      const th = region.thresholds
      const end = indexOf(b, th.through) + 1
      const maxima = annualMaxima(
        b.table.times.subarray(0, end),
        b.discharge.subarray(0, end),
        DAY_MS,
      )
      const fit = analyseFloodFrequency(maxima.values, {
        method: th.method,
        periods: th.returnPeriods,
        bootstrap: { resamples: 200, level: 0.9, seed: 1 },
      })
      if (!fit.ok)
        throw new Error(`demo region: ${b.id}: ${fit.issues.map((i) => i.message).join('; ')}`)
      const years = `${maxima.used[0]?.year}–${maxima.used[maxima.used.length - 1]?.year}`
      await store.thresholds.upsert(
        fit.value.returnLevels.map((l) => ({
          id: `${b.series.discharge}:Q${l.returnPeriodYears}:fitted` as ThresholdId,
          seriesId: b.series.discharge,
          name: `Q${l.returnPeriodYears}`,
          returnPeriodYears: l.returnPeriodYears,
          value: l.value,
          source: 'fitted' as const,
          ciLow: l.ciLow,
          ciHigh: l.ciHigh,
          setBy: null as UserId | null,
          reason: `${th.method} fit of ${maxima.values.length} annual maxima (${years}), 90 % parametric bootstrap interval`,
          setAt: now,
        })),
      )
      log(
        `${b.id}: thresholds ${fit.value.returnLevels.map((l) => `Q${l.returnPeriodYears}=${l.value.toFixed(0)}`).join(' ')} m³/s`,
      )
    }
  }
}

/** Where the replay is: running days on its clock, held, or past its last day. */
export type ReplayState = 'playing' | 'paused' | 'finished'

/** The replay's position and pace, as `GET /api/v1/demo/replay` shows it. */
export interface ReplayStatus {
  readonly state: ReplayState
  /** Simulated time (ms since the epoch). */
  readonly simTime: EpochMs
  /** First and last simulated day of the replay (ms, each the start of its day). */
  readonly start: EpochMs
  readonly end: EpochMs
  /** Simulated hours per real second. */
  readonly speed: number
}

export interface DemoReplay {
  /** Resolves when the replay has ended (or was stopped). */
  readonly finished: Promise<void>
  /**
   * The replay's simulated time (ms): the current simulated day's start plus the simulated
   * time played since that day ran (real time × speed, none while paused), never past the next
   * day; the real time before the first day runs. The server's clock in demo mode, so the CAP
   * feed lists the replay's alerts.
   */
  now(): EpochMs
  status(): ReplayStatus
  /** Holds the simulated clock; the day being computed, if any, completes. */
  pause(): void
  /** Runs the clock again from where it was held. */
  play(): void
  /**
   * Runs the next simulated day at once (playing or paused; the state stays as it is) and
   * resolves with the status once that day's cycle and its consequences are stored.
   * @throws Error when the replay has finished or was stopped
   */
  step(): Promise<ReplayStatus>
  /**
   * Sets the pace (simulated hours per real second); the part of the day already played is kept.
   * @throws RangeError unless 0 < hoursPerSecond ≤ 100 000
   */
  setSpeed(hoursPerSecond: number): void
  stop(): void
}

/** Largest replay speed (simulated hours per real second) {@link DemoReplay.setSpeed} accepts. */
export const MAX_REPLAY_SPEED = 100_000

/**
 * Replays the region's flood: one simulated day every `24 / hoursPerSecond` real seconds.
 * Each day the previous day's observations are stored, synthetic ensemble forecasts are issued
 * for every basin, and a forecast cycle runs through `trigger` (which announces it).
 *
 * @param hoursPerSecond simulated hours per real second
 * @param options.paused run the first day, then hold the clock until `play()` or `step()`
 * @param options.onChange told of every change of state, speed or simulated day
 */
export function startDemoReplay(
  store: Store,
  demo: DemoRegion,
  trigger: ForecastTrigger,
  hoursPerSecond: number,
  log: (msg: string) => void,
  afterCycle?: (runId: ForecastRunId) => Promise<void>,
  options: { paused?: boolean; onChange?: (s: ReplayStatus) => void } = {},
): DemoReplay {
  const { replay } = demo.region
  const errors = DEFAULT_FORCING_ERRORS
  const source = `synthetic: ${describeForcingErrors(errors, replay.seed)}`
  const start = day(replay.start) as EpochMs
  const end = day(replay.end) as EpochMs
  let speed = hoursPerSecond
  let state: ReplayState = options.paused === true ? 'paused' : 'playing'
  let stopped = false
  /** The start of the last simulated day run (ms), undefined before the first. */
  let simDay: number | undefined
  /** Simulated ms of the current day played before the running segment. */
  let played = 0
  /** Real time the running segment began (ms), while playing. */
  let segmentBegan = Date.now()
  /** Steps asked for, each with the callbacks of its promise. */
  const steps: { resolve: (s: ReplayStatus) => void; reject: (e: Error) => void }[] = []
  let timer: NodeJS.Timeout | undefined
  let wake: () => void = () => {}
  const sleep = (ms: number): Promise<void> =>
    new Promise((r) => {
      wake = () => {
        if (timer !== undefined) clearTimeout(timer)
        r()
      }
      timer = setTimeout(r, ms)
    })
  const progress = (): number =>
    Math.min(
      DAY_MS,
      played + (state === 'playing' ? (Date.now() - segmentBegan) * speed * 3_600 : 0),
    )
  const now = (): EpochMs => {
    if (simDay === undefined) return Date.now() as EpochMs
    return (simDay + (state === 'finished' ? DAY_MS : progress())) as EpochMs
  }
  const status = (): ReplayStatus => ({
    state,
    simTime: simDay === undefined ? start : now(),
    start,
    end,
    speed,
  })
  const changed = (): void => options.onChange?.(status())

  const runDay = async (t: number): Promise<void> => {
    const issueTime = t as EpochMs
    for (const b of demo.basins) {
      const i = Math.round((t - b.table.times[0]!) / DAY_MS)
      await store.observations.write(observationsOf(b, i - 1, i), Date.now() as EpochMs)
      const members = syntheticMembers(
        b.table.columns.get('precip_mm')!,
        b.table.columns.get('pet_mm')!,
        b.table.columns.get('temp_c')!,
        i,
        replay.horizonDays,
        replay.members,
        errors,
        seededRng(issueSeed(replay.seed, i)),
      )
      await store.forcingForecasts.put({
        basinId: b.id,
        issueTime,
        stepMs: DAY_MS,
        source,
        precip: members.precip,
        pet: members.pet,
        temp: members.temp,
      })
    }
    const result = await trigger.request(
      issueTime,
      demo.basins.map((b) => b.id),
    )
    if (afterCycle !== undefined && result !== undefined) await afterCycle(result.runId)
  }

  const finished = (async () => {
    log(`replaying ${replay.start}..${replay.end}, ${speed} simulated hours per second`)
    let t: number = start
    // The first day runs whatever the state, so a paused replay has something to show.
    let first = true
    while (!stopped && t <= end) {
      let waiter: (typeof steps)[number] | undefined
      if (!first) {
        if (steps.length > 0) waiter = steps.shift()
        else if (state === 'playing' && progress() < DAY_MS) {
          await sleep((DAY_MS - progress()) / (speed * 3_600))
          continue
        } else if (state !== 'playing') {
          await sleep(3_600_000)
          continue
        }
      }
      first = false
      // The day's real time counts from the start of its work, so a day lasts 24 / speed
      // seconds in all (or as long as its work takes, if longer).
      const began = Date.now()
      await runDay(t)
      simDay = t
      played = 0
      segmentBegan = began
      t += DAY_MS
      changed()
      waiter?.resolve(status())
    }
    if (!stopped) {
      // The last day is played out (or stepped past) before the replay counts as finished.
      while (!stopped && steps.length === 0 && !(state === 'playing' && progress() >= DAY_MS)) {
        await sleep(state === 'playing' ? (DAY_MS - progress()) / (speed * 3_600) : 3_600_000)
      }
      state = 'finished'
      log('replay finished')
      changed()
    }
    for (const s of steps.splice(0)) s.resolve(status())
  })()
  finished.catch((e: unknown) => {
    for (const s of steps.splice(0)) s.reject(e instanceof Error ? e : new Error(String(e)))
  })
  return {
    finished,
    now,
    status,
    pause() {
      if (state !== 'playing') return
      played = progress()
      state = 'paused'
      wake()
      changed()
    },
    play() {
      if (state !== 'paused') return
      segmentBegan = Date.now()
      state = 'playing'
      wake()
      changed()
    },
    step() {
      if (stopped || state === 'finished')
        return Promise.reject(new Error('the replay has finished'))
      return new Promise<ReplayStatus>((resolve, reject) => {
        steps.push({ resolve, reject })
        wake()
      })
    },
    setSpeed(h) {
      if (!(h > 0 && h <= MAX_REPLAY_SPEED))
        throw new RangeError(`speed must be in (0, ${MAX_REPLAY_SPEED}] simulated hours per second`)
      played = progress()
      segmentBegan = Date.now()
      speed = h
      wake()
      changed()
    },
    stop() {
      stopped = true
      wake()
    },
  }
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000
/**
 * The demo's warning setup from the region file: one zone per basin, a box of the gauge's
 * coordinates ± `boxDegrees` labelled approximate; the default levels with their triggers
 * mapped to the region's threshold names; an auto-issuing policy when the file asks for it.
 *
 * @param web absolute URL put in every alert's `web`
 */
export function demoWarnings(demo: DemoRegion, web: string): WarningSetup {
  const w = demo.region.warnings
  const extra = demo.basins as unknown as {
    info: z.infer<typeof basinFileSchema>
    meta: Region['basins'][number]
  }[]
  const zones = demo.basins.map((b, k): WarningZone => {
    const { lat, lon } = extra[k]!.info
    const d = w.boxDegrees
    const [s, n, west, east] = [round4(lat - d), round4(lat + d), round4(lon - d), round4(lon + d)]
    return {
      id: b.id as string as WarningZoneId,
      name: `${extra[k]!.meta.name} (approximate area around the gauge at ${lat.toFixed(3)}° N, ${lon.toFixed(3)}° E)`,
      basinIds: [b.id],
      seriesIds: [b.series.discharge],
      polygons: [
        [
          [s, west],
          [s, east],
          [n, east],
          [n, west],
          [s, west],
        ],
      ],
      geocodes: [],
    }
  })
  const levels = DEFAULT_LEVELS.map((l) => {
    const name = w.levels[l.name]
    if (name === undefined) throw new Error(`demo region: no threshold for level ${l.name}`)
    return { ...l, triggers: l.triggers.map((t) => ({ ...t, thresholdName: name })) }
  })
  return {
    zones,
    rules: {
      ...DEFAULT_RULES,
      levels,
      maxObservationAgeMs: w.maxObservationAgeHours * 3_600_000,
      expiryMarginMs: w.expiryMarginHours * 3_600_000,
    },
    policy: {
      ...DEFAULT_POLICY,
      minExtensionMs: w.minExtensionHours * 3_600_000,
      ...(w.autoIssue
        ? { autoIssue: [{ levels: '*' as const, basis: 'any' as const, changes: [...CHANGES] }] }
        : {}),
    },
    sender: w.sender,
    languages: w.languages,
    texts: ALERT_TEXTS,
    web,
    utcOffsetMinutes: w.utcOffsetMinutes,
  }
}
