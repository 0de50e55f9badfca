/**
 * The demo region's forecast skill: once the region is loaded and its basins calibrated, a
 * modest hindcast of each basin over the years before the replay (by default two years, one
 * forecast every 5 days, 20 synthetic members, 10 days ahead, updated by the EnKF as
 * `freshet hindcast` does by default), run on a worker thread so that the replay and the API
 * carry on, each basin's summary stored when done (`GET /api/v1/basins/{id}/skill`).
 *
 * The forecasts are verified against the observations before the replay's start only, so the
 * replayed flood is never part of the scores. A basin whose summary was computed with the same
 * settings after its model was last calibrated is kept as it is.
 */
import type { EpochMs } from '../core/brand.ts'
import type { BasinId } from '../core/ids.ts'
import type { ModelConfig } from '../forecast/ports.ts'
import type { HindcastUpdate } from '../forecast/hindcast/hindcast.ts'
import { hindcastSkill } from '../forecast/hindcast/skill.ts'
import { firstForcingGap, hindcastStart } from '../forecast/hindcast/warm-start.ts'
import { createModel, type ModelOptions } from '../hydro/models/registry.ts'
import { parseStepDate } from '../observe/forcing-csv.ts'
import type { Store } from '../store/index.ts'
import {
  createHindcastThread,
  type HindcastJob,
  type HindcastThread,
} from '../compute/hindcast-thread.ts'
import type { DemoRegion } from './demo.ts'

const DAY_MS = 86_400_000

/** What the demo's hindcasts run: the defaults of {@link startDemoSkill}. */
export interface DemoSkillOptions {
  /** Years of issues before the replay's start (default 2). */
  readonly years?: number
  /** Days between issues (default 5). */
  readonly everyDays?: number
  /** Ensemble members (default 20). */
  readonly members?: number
  /** Forecast horizon, days (default 10). */
  readonly horizonDays?: number
  /** State update (default `enkf`, the command line's default). */
  readonly update?: HindcastUpdate
  /** Seed of the members and the filter (default: the replay's seed). */
  readonly seed?: number
}

/** The demo's hindcasts running in the background. */
export interface DemoSkill {
  /** Resolves when every basin is done, stored or skipped (never rejects: failures are logged). */
  readonly finished: Promise<void>
  /** Stops the hindcast under way and stores nothing more; resolves once stopped. */
  stop(): Promise<void>
}

function dayIndex(times: Float64Array, date: string): number {
  const t = parseStepDate(date)
  const i = Math.round((t - times[0]!) / DAY_MS)
  if (Number.isNaN(t) || times[i] !== t)
    throw new Error(`demo skill: ${date} is not a day of the record`)
  return i
}

/** The same day `years` years earlier (29 February → 28 February). */
function yearsBefore(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const back = new Date(Date.UTC(y - years, m - 1, Math.min(d, m === 2 ? 28 : d)))
  return back.toISOString().slice(0, 10)
}

/** The settings of the demo's hindcasts, every one given. */
export interface DemoSkillSettings {
  readonly years: number
  readonly every: number
  readonly members: number
  readonly horizon: number
  readonly update: HindcastUpdate
  readonly seed: number
}

/**
 * The hindcast of one basin of the demo region with its stored model: issues from `years`
 * before the replay's start, every `every` days, the last one's horizon ending the day before
 * the replay starts; the calibration period as the reference (climatology, thresholds) and its
 * warm-up as the warm-up.
 *
 * @returns the job for {@link HindcastThread.run} (flows in mm/day), and the record's times
 *   and dates with the first and last issue steps
 * @throws Error when the model cannot be built, the issues do not fit the record after the
 *   calibration's start, or the forcing has a gap inside the hindcast
 */
export function demoHindcastJob(
  demo: DemoRegion,
  basinId: BasinId,
  config: ModelConfig,
  settings: DemoSkillSettings,
): {
  readonly job: HindcastJob
  readonly times: Float64Array
  readonly dates: readonly string[]
  readonly firstIssue: number
  readonly lastIssue: number
} {
  const { region } = demo
  const b = demo.basins.find((x) => x.id === basinId)
  if (b === undefined) throw new Error(`demo skill: no basin ${basinId} in the region`)
  const { years, every, members, horizon, update, seed } = settings
  const made = createModel(config.model, config.options as ModelOptions)
  if (!made.ok) throw new Error(`model ${config.model}: ${made.issues.map((i) => i.message)}`)
  const model = made.value
  const params = Float64Array.from(model.paramNames, (n) => {
    const v = config.params[n]
    if (v === undefined) throw new Error(`model ${config.model}: no parameter ${n}`)
    return v
  })
  const times = b.table.times
  const column = (name: string): Float64Array => {
    const v = b.table.columns.get(name)
    if (v === undefined) throw new Error(`no column ${name} in the record`)
    return v
  }
  const forcing = {
    precip: column('precip_mm'),
    pet: column('pet_mm'),
    ...(model.needsTemperature ? { temp: column('temp_c') } : {}),
    times,
  }
  const c = region.calibration
  const warmup = [dayIndex(times, c.warmupStart), dayIndex(times, c.start)] as const
  const reference = { start: warmup[1], end: dayIndex(times, c.end) + 1 }
  const replayStart = dayIndex(times, region.replay.start)
  const firstIssue = dayIndex(times, yearsBefore(region.replay.start, years))
  // The last forecast's horizon ends the day before the replay starts.
  const lastIssue = replayStart - horizon
  if (!(reference.start < firstIssue && firstIssue <= lastIssue))
    throw new Error(
      `issues ${b.table.dates[firstIssue]}..${b.table.dates[lastIssue]} do not fit after the calibration start ${c.start}`,
    )
  const gap = firstForcingGap(model, forcing, reference.start, lastIssue + horizon)
  if (gap !== undefined)
    throw new Error(`missing ${gap.column} on ${b.table.dates[gap.step]}, inside the hindcast`)
  const { stateStep, initialState } = hindcastStart(
    { model, params, forcing, warmup, runStart: reference.start },
    firstIssue,
  )
  return {
    job: {
      modelName: config.model,
      modelOptions: config.options as ModelOptions,
      params,
      forcing,
      observed: column('q_mm'),
      initialState,
      stateStep,
      reference,
      firstIssue,
      lastIssue,
      every,
      members,
      horizon,
      updates: [update],
      seed,
    },
    times,
    dates: b.table.dates,
    firstIssue,
    lastIssue,
  }
}

/**
 * Starts the demo's hindcasts, one basin after the other, in the background: the returned
 * handle's `finished` settles when they are done. Logs the start, every quarter of the
 * issues, and the time each basin took (s, wall clock, and the hindcast's own on its thread;
 * the first basin's includes starting the thread).
 *
 * @param store the store the demo region was loaded into (calibrated models needed)
 * @param log one line per step
 * @param onStored called with the basin id after each summary is stored
 */
export function startDemoSkill(
  store: Store,
  demo: DemoRegion,
  log: (msg: string) => void,
  options: DemoSkillOptions = {},
  onStored: (basinId: string) => void = () => {},
): DemoSkill {
  const { region } = demo
  const years = options.years ?? 2
  const every = options.everyDays ?? 5
  const members = options.members ?? 20
  const horizon = options.horizonDays ?? 10
  const update = options.update ?? 'enkf'
  const seed = options.seed ?? region.replay.seed
  let stopped = false
  // Started with the first basin that needs a hindcast, closed when all are done.
  let thread: HindcastThread | undefined

  async function basinSkill(b: DemoRegion['basins'][number]): Promise<void> {
    const config = await store.modelConfigs.find(b.id)
    if (config === undefined) {
      log(`${b.id}: no model configuration, no skill computed`)
      return
    }
    const kept = await store.hindcastSkill.latest(b.id)
    if (
      kept !== undefined &&
      kept.computedAt >= config.updatedAt &&
      kept.update === update &&
      kept.members === members &&
      kept.horizonSteps === horizon &&
      kept.everySteps === every &&
      kept.seed === seed &&
      kept.firstIssue === parseStepDate(yearsBefore(region.replay.start, years))
    ) {
      log(`${b.id}: skill kept (computed ${new Date(kept.computedAt).toISOString()})`)
      return
    }
    const { job, times, firstIssue, lastIssue, dates } = demoHindcastJob(demo, b.id, config, {
      years,
      every,
      members,
      horizon,
      update,
      seed,
    })
    if (stopped) return
    const total = Math.floor((lastIssue - firstIssue) / every) + 1
    log(
      `${b.id}: computing forecast skill, ${total} hindcast forecasts ${dates[firstIssue]}..${dates[firstIssue + (total - 1) * every]} (${members} members, ${horizon} days, ${update})`,
    )
    const t0 = performance.now()
    let quarter = 0
    thread ??= createHindcastThread()
    const { result, engineMs } = await thread.run(job, (done, n) => {
      const q = Math.floor((4 * done) / n)
      if (q > quarter && q < 4) {
        quarter = q
        log(`${b.id}: skill ${done}/${n} forecasts`)
      }
    })
    const seconds = (performance.now() - t0) / 1000
    if (stopped) return
    const skill = hindcastSkill(result, {
      basinId: b.id,
      computedAt: Date.now() as EpochMs,
      model: config.model,
      times,
      stepMs: DAY_MS,
      everySteps: every,
      areaKm2: b.areaKm2,
    })
    await store.hindcastSkill.put(skill)
    onStored(b.id)
    const day1 = skill.leads[0]
    log(
      `${b.id}: skill stored in ${seconds.toFixed(2)} s (the hindcast ${(engineMs / 1000).toFixed(2)} s of it): day-1 CRPS ${day1?.crps?.toFixed(2) ?? 'n/a'} m³/s, CRPSS vs climatology ${day1?.crpssClimatology?.toFixed(2) ?? 'n/a'}`,
    )
  }

  const finished = (async () => {
    try {
      for (const b of demo.basins) {
        if (stopped) return
        try {
          await basinSkill(b)
        } catch (e) {
          if (!stopped)
            log(`${b.id}: no skill computed: ${e instanceof Error ? e.message : String(e)}`)
        }
      }
    } finally {
      await thread?.close()
    }
  })()

  return {
    finished,
    async stop() {
      stopped = true
      await thread?.close()
      await finished
    },
  }
}
