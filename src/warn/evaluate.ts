/**
 * Evaluation of one zone in one cycle: which level the forecasts and observations warrant, with
 * every reason (run, threshold, probability, lead), after persistence and hysteresis.
 *
 * Method:
 * 1. keep the signals of the zone's basins and gauges that are fresh (`maxForecastAgeMs`,
 *    `maxObservationAgeMs`, none from the future), and of each basin and threshold only the
 *    newest run;
 * 2. the cycle is identified by its signals (run ids, observation times): evaluating the same
 *    signals again is not a new cycle, so persistence and hysteresis counters do not advance and
 *    the result is the same. Persistence counts forecast cycles only (a new run): a new
 *    observation between two runs is evaluated at once but does not advance a forecast
 *    trigger's streak. Hysteresis counts forecast cycles too, or, in a zone with no fresh
 *    forecast, new observations;
 * 3. a forecast trigger is met when some lead step overlapping its window has a probability at
 *    or above its minimum; it fires once met in `persistenceCycles` consecutive cycles; an
 *    observed trigger fires when a gauge is at or above its threshold;
 * 4. the raw level is the highest level with a firing trigger; a lower raw level than the
 *    current one replaces it only when the current level's triggers no longer hold at the
 *    relaxed probability and `downgradeAfterCycles` consecutive cycles have been below it.
 */
import type { EpochMs } from '../core/brand.ts'
import { assertNever } from '../core/errors.ts'
import type { BasinId, ForecastRunId, SeriesId } from '../core/ids.ts'
import type {
  Basis,
  ForecastSignal,
  Signals,
  WarningRules,
  WarningZone,
  WarningZoneId,
} from './types.ts'

const HOUR = 3_600_000

/** What {@link evaluateZone} remembers of a zone between cycles. */
export interface ZoneEvaluationState {
  readonly zoneId: WarningZoneId
  /** The level warranted after the last cycle (by name), or null. */
  readonly level: string | null
  /** Consecutive cycles each forecast trigger has been met, by trigger key `<level>#<index>`. */
  readonly streaks: Readonly<Record<string, number>>
  /** Consecutive cycles below `level` (neither warranted nor held). */
  readonly belowCycles: number
  /** The key of the last cycle counted (see the file comment), or null before the first. */
  readonly lastCycleKey: string | null
  /** The forecast part of that key (the run ids), or null before the first cycle. */
  readonly lastForecastKey: string | null
}

/** The state of a zone never evaluated. */
export function initialZoneEvaluationState(zoneId: WarningZoneId): ZoneEvaluationState {
  return {
    zoneId,
    level: null,
    streaks: {},
    belowCycles: 0,
    lastCycleKey: null,
    lastForecastKey: null,
  }
}

/** Why a level is warranted (or kept). */
export type Reason =
  | {
      readonly kind: 'observed'
      readonly level: string
      readonly seriesId: SeriesId
      readonly t: EpochMs
      readonly value: number
      readonly thresholdName: string
      readonly thresholdValue: number
    }
  | {
      readonly kind: 'forecast'
      readonly level: string
      readonly runId: ForecastRunId
      readonly issueTime: EpochMs
      readonly basinId: BasinId
      readonly thresholdName: string
      readonly thresholdValue: number
      readonly returnPeriodYears: number | null
      /** The highest probability over the window's lead steps (0–1). */
      readonly probability: number
      /** The probability the trigger asked for (relaxed by the hysteresis margin when `held`). */
      readonly minProbability: number
      /** Lead step of the highest probability, hours after issue: `[start, end]`. */
      readonly leadHours: readonly [number, number]
      readonly window: readonly [number, number]
      /** Consecutive cycles met, and the number the trigger asks for. */
      readonly persistence: { readonly seen: number; readonly required: number }
      /** True when the trigger only holds at the relaxed (hysteresis) probability. */
      readonly held: boolean
    }
  | {
      /** The level is kept although nothing warrants it, waiting for more cycles below it. */
      readonly kind: 'hysteresis'
      readonly level: string
      readonly belowCycles: number
      readonly required: number
    }

/** The outcome of {@link evaluateZone}. */
export interface ZoneEvaluation {
  readonly zoneId: WarningZoneId
  readonly at: EpochMs
  readonly cycleKey: string
  /** Whether this evaluation counted as a new cycle. */
  readonly newCycle: boolean
  /** The level warranted after persistence and hysteresis, or null. */
  readonly level: string | null
  /** The highest level whose triggers fire now, before hysteresis. */
  readonly rawLevel: string | null
  readonly basis: Basis | null
  /** Reasons for `level` (empty when null). */
  readonly reasons: readonly Reason[]
  /** Earliest exceedance the level rests on, or null. */
  readonly onset: EpochMs | null
  /** When a warning at `level` should expire: last exceedance + `expiryMarginMs`; null with no level. */
  readonly expires: EpochMs | null
  /** The state to pass to the next evaluation. */
  readonly state: ZoneEvaluationState
}

interface Firing {
  readonly reasons: Reason[]
  readonly first: number
  readonly last: number
}

/**
 * Evaluates one zone (see the file comment for the method). Pure: the same arguments give the
 * same result, and evaluating the returned state with the same signals again changes nothing.
 *
 * @param rules levels (lowest first), hysteresis, freshness and expiry settings
 * @param zone the zone; its `basinIds` and `seriesIds` select the signals
 * @param state the state returned by the previous evaluation of this zone
 * @param signals forecasts and observations (any zones; others are ignored)
 * @param now evaluation time (ms since the epoch)
 * @throws Error when `state` belongs to another zone (a programmer error)
 */
export function evaluateZone(
  rules: WarningRules,
  zone: WarningZone,
  state: ZoneEvaluationState,
  signals: Signals,
  now: EpochMs,
): ZoneEvaluation {
  if (state.zoneId !== zone.id)
    throw new Error(`state of zone ${state.zoneId} passed for zone ${zone.id}`)
  const forecasts = newestRuns(
    signals.forecasts.filter(
      (f) =>
        zone.basinIds.includes(f.basinId) &&
        f.issueTime <= now &&
        now - f.issueTime <= rules.maxForecastAgeMs,
    ),
  )
  const observations = signals.observations.filter(
    (o) =>
      zone.seriesIds.includes(o.seriesId) && o.t <= now && now - o.t <= rules.maxObservationAgeMs,
  )
  const forecastKey = [...new Set(forecasts.map((f) => `run:${f.runId}`))].sort().join(' ')
  const cycleKey = [
    forecastKey,
    ...[...new Set(observations.map((o) => `obs:${o.seriesId}@${o.t}`))].sort(),
  ]
    .filter((k) => k !== '')
    .join(' ')
  const newCycle = cycleKey !== state.lastCycleKey
  const newForecastCycle = newCycle && forecastKey !== state.lastForecastKey
  const countsBelow = forecasts.length > 0 ? newForecastCycle : newCycle

  const streaks: Record<string, number> = {}
  const fired: (Firing | null)[] = []
  const held: (Firing | null)[] = []
  const margin = rules.hysteresis.probabilityMargin
  rules.levels.forEach((level, li) => {
    let fire: Firing | null = null
    let hold: Firing | null = null
    level.triggers.forEach((trigger, ti) => {
      switch (trigger.kind) {
        case 'observed': {
          for (const o of observations) {
            if (o.thresholdName !== trigger.thresholdName || !(o.value >= o.thresholdValue))
              continue
            const reason: Reason = {
              kind: 'observed',
              level: level.name,
              seriesId: o.seriesId,
              t: o.t,
              value: o.value,
              thresholdName: o.thresholdName,
              thresholdValue: o.thresholdValue,
            }
            fire = add(fire, reason, o.t, o.t)
            hold = add(hold, reason, o.t, o.t)
          }
          return
        }
        case 'forecast': {
          const key = `${level.name}#${ti}`
          const prev = state.streaks[key] ?? 0
          const matching = forecasts.filter((f) => f.thresholdName === trigger.thresholdName)
          const met = matching.some((f) => windowMax(f, trigger.leadHours, trigger.minProbability))
          const seen = newForecastCycle ? (met ? prev + 1 : 0) : prev
          streaks[key] = seen
          for (const f of matching) {
            const full = windowMax(f, trigger.leadHours, trigger.minProbability)
            const relaxed = windowMax(f, trigger.leadHours, trigger.minProbability - margin)
            const persistence = { seen, required: trigger.persistenceCycles }
            if (full !== null && seen >= trigger.persistenceCycles) {
              const r = forecastReason(level.name, f, full, trigger, persistence, false, margin)
              fire = add(fire, r, full.first, full.last)
            }
            if (relaxed !== null) {
              const r = forecastReason(
                level.name,
                f,
                relaxed,
                trigger,
                persistence,
                full === null || seen < trigger.persistenceCycles,
                margin,
              )
              hold = add(hold, r, relaxed.first, relaxed.last)
            }
          }
          return
        }
        default:
          return assertNever(trigger)
      }
    })
    fired[li] = fire
    held[li] = hold
  })

  let raw = -1
  for (let i = rules.levels.length - 1; i >= 0; i--)
    if (fired[i]) {
      raw = i
      break
    }
  const current = state.level === null ? -1 : rules.levels.findIndex((l) => l.name === state.level)
  const required = rules.hysteresis.downgradeAfterCycles
  let level = raw
  let belowCycles = 0
  let firing: Firing | null = raw >= 0 ? (fired[raw] ?? null) : null
  if (raw < current) {
    const hold = held[current] ?? null
    if (hold !== null) {
      level = current
      firing = hold
    } else {
      belowCycles = countsBelow ? state.belowCycles + 1 : state.belowCycles
      if (belowCycles < required) {
        level = current
        const name = rules.levels[current]!.name
        const note: Reason = { kind: 'hysteresis', level: name, belowCycles, required }
        firing = { reasons: [note], first: now, last: now }
      } else belowCycles = 0
    }
  }

  const levelName = level >= 0 ? rules.levels[level]!.name : null
  const reasons = levelName === null || firing === null ? [] : firing.reasons
  const basis: Basis | null =
    levelName === null ? null : reasons.some((r) => r.kind === 'observed') ? 'observed' : 'forecast'
  return {
    zoneId: zone.id,
    at: now,
    cycleKey,
    newCycle,
    level: levelName,
    rawLevel: raw >= 0 ? rules.levels[raw]!.name : null,
    basis,
    reasons,
    onset: levelName === null || firing === null ? null : (firing.first as EpochMs),
    expires:
      levelName === null || firing === null
        ? null
        : ((Math.max(firing.last, now) + rules.expiryMarginMs) as EpochMs),
    state: {
      zoneId: zone.id,
      level: levelName,
      streaks,
      belowCycles,
      lastCycleKey: cycleKey,
      lastForecastKey: forecastKey,
    },
  }
}

function add(f: Firing | null, reason: Reason, first: number, last: number): Firing {
  if (f === null) return { reasons: [reason], first, last }
  f.reasons.push(reason)
  return { reasons: f.reasons, first: Math.min(f.first, first), last: Math.max(f.last, last) }
}

interface WindowHit {
  readonly probability: number
  readonly step: number
  /** Start of the first and end of the last step at or above the probability (ms since epoch). */
  readonly first: number
  readonly last: number
}

/** The highest probability over the steps overlapping the window, if at or above `min`. */
function windowMax(
  f: ForecastSignal,
  window: readonly [number, number],
  min: number,
): WindowHit | null {
  const from = window[0] * HOUR
  const to = window[1] * HOUR
  let best = -1
  let step = -1
  let first = Infinity
  let last = -Infinity
  for (let k = 0; k < f.probability.length; k++) {
    const start = k * f.stepMs
    const end = start + f.stepMs
    if (!(start < to && end > from)) continue
    const p = f.probability[k]!
    if (p > best) {
      best = p
      step = k
    }
    if (p >= min) {
      first = Math.min(first, f.issueTime + start)
      last = Math.max(last, f.issueTime + end)
    }
  }
  return step >= 0 && best >= min ? { probability: best, step, first, last } : null
}

function forecastReason(
  level: string,
  f: ForecastSignal,
  hit: WindowHit,
  trigger: { readonly minProbability: number; readonly leadHours: readonly [number, number] },
  persistence: { readonly seen: number; readonly required: number },
  held: boolean,
  margin: number,
): Reason {
  return {
    kind: 'forecast',
    level,
    runId: f.runId,
    issueTime: f.issueTime,
    basinId: f.basinId,
    thresholdName: f.thresholdName,
    thresholdValue: f.thresholdValue,
    returnPeriodYears: f.returnPeriodYears,
    probability: hit.probability,
    minProbability: held ? trigger.minProbability - margin : trigger.minProbability,
    leadHours: [(hit.step * f.stepMs) / HOUR, ((hit.step + 1) * f.stepMs) / HOUR],
    window: trigger.leadHours,
    persistence,
    held,
  }
}

/** Of several runs for the same basin and threshold, only the newest counts. */
function newestRuns(forecasts: readonly ForecastSignal[]): ForecastSignal[] {
  const newest = new Map<string, ForecastSignal>()
  for (const f of forecasts) {
    const key = `${f.basinId}\u0000${f.thresholdName}`
    const seen = newest.get(key)
    if (seen === undefined || f.issueTime > seen.issueTime) newest.set(key, f)
  }
  return [...newest.values()]
}

/** One line per reason, for audit entries and forecasters: which run, threshold, probability, lead. */
export function describeReason(r: Reason): string {
  switch (r.kind) {
    case 'observed':
      return `${r.level}: ${r.seriesId} observed ${r.value} ≥ ${r.thresholdName} (${r.thresholdValue}) at ${new Date(r.t).toISOString()}`
    case 'forecast':
      return (
        `${r.level}: run ${r.runId} (issued ${new Date(r.issueTime).toISOString()}), basin ${r.basinId}: ` +
        `P(> ${r.thresholdName} = ${r.thresholdValue}) = ${r.probability.toFixed(2)} ≥ ${r.minProbability.toFixed(2)}` +
        `${r.held ? ' (held by hysteresis)' : ''} at lead ${r.leadHours[0]}–${r.leadHours[1]} h ` +
        `(window ${r.window[0]}–${r.window[1]} h), ${r.persistence.seen}/${r.persistence.required} cycles`
      )
    case 'hysteresis':
      return `${r.level}: kept by hysteresis, ${r.belowCycles} of ${r.required} cycles below`
    default:
      return assertNever(r)
  }
}
