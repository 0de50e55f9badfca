/**
 * The warnings a hindcast would have issued, and how they verify against what was observed.
 *
 * Replay: at every issue of the hindcast, the share of members reaching each return-level
 * threshold at each lead becomes a {@link ForecastSignal} of the basin, and the observed daily
 * flow of the day before the issue an {@link ObservedSignal} of its gauge (stamped at the end of
 * that day, i.e. at the issue). One zone covers the basin and its gauge; it is evaluated with
 * the warning rules (src/warn, {@link DEFAULT_RULES} unless others are given) and the rules'
 * drafts are decided by {@link decide}. The hindcast assumes that every draft is approved at
 * once by the system account ({@link HINDCAST_POLICY} auto-issues every change at every level),
 * so that the level in force on a day is the level of the active warning after that day's
 * cycle, and holds until the next cycle.
 *
 * Daily cycles instead of the hourly ones the rules are written for: the ages of forecasts and
 * observations accepted are raised to at least one cycle interval, and the expiry margin by one
 * cycle interval, so that a warning resting on one day's observation does not lapse before the
 * next cycle has seen the next day's ({@link hindcastRules}). The levels, their triggers and the
 * hysteresis are those of the rules.
 *
 * Verification per level L (src/hydro/criteria/events.ts): the days with a warning at L or
 * above form the forecast events, the days whose observed daily mean flow reaches L's threshold
 * the observed events; a warning event matches an observed event when they overlap once the
 * warning is widened by the tolerance (default 1 day) on each side. Hits, misses and false
 * alarms are counted by event, and POD, FAR and CSI drawn from them. The lead time of a hit is
 * the number of days from the first day of the earliest warning event matching it to its first
 * observed day; a lead ≤ 0 is a warning issued on or after the onset (counted, left out of the
 * median lead time).
 */
import type { EpochMs } from '../../core/brand.ts'
import { InputError } from '../../core/errors.ts'
import type { BasinId, ForecastRunId, SeriesId } from '../../core/ids.ts'
import { formatIssue } from '../../core/result.ts'
import { contingencyScores, verifyExceedanceEvents } from '../../hydro/criteria/events.ts'
import { analyseFloodFrequency } from '../../hydro/frequency/analysis.ts'
import { annualMaxima } from '../../hydro/frequency/annual-maxima.ts'
import { DEFAULT_RULES } from '../../warn/defaults.ts'
import { evaluateZone, initialZoneEvaluationState } from '../../warn/evaluate.ts'
import { decide, initialWarningState, rankOf, replay } from '../../warn/lifecycle.ts'
import type { IssuePolicy } from '../../warn/policy.ts'
import { CHANGES, DEFAULT_POLICY } from '../../warn/policy.ts'
import type {
  ForecastSignal,
  ObservedSignal,
  WarningRules,
  WarningZone,
  WarningZoneId,
} from '../../warn/types.ts'

/** Return periods of the default warning thresholds Q2, Q5, Q20, Q50 (years). */
export const WARNING_RETURN_PERIODS: readonly number[] = [2, 5, 20, 50]

/** Days on each side by which a warning may miss an observed event and still match it. */
export const DEFAULT_WARNING_TOLERANCE = 1

/** A threshold the warning rules name, in the unit of the replay (e.g. m³/s). */
export interface WarningThreshold {
  /** As the rules' triggers name it (`Q2`, …). */
  readonly name: string
  readonly value: number
  readonly returnPeriodYears: number | null
}

/**
 * Return levels of the annual maxima of the observed flows of the reference period, in the
 * unit of `observed × toUnit`, named `Q<T>`: a Gumbel distribution fitted by L-moments (Hosking
 * 1990; src/hydro/frequency/) to the maxima of the calendar years at least 80 % observed.
 *
 * @param observed observed flows (mm/step, NaN where missing), indexed like `times`
 * @param times start of each step (ms since the epoch, UTC)
 * @param stepMs the step (ms)
 * @param start first step of the reference period
 * @param end one past its last step
 * @param toUnit factor from mm/step to the unit wanted (e.g. A·1000/86 400 for m³/s), > 0
 * @param unit the name of that unit, for the note
 * @param periods return periods (years), default {@link WARNING_RETURN_PERIODS}
 * @returns the thresholds and a note on how they were made
 * @throws InputError when the period has too few complete years (10) or admits no fit
 */
export function warningThresholds(
  observed: Float64Array,
  times: Float64Array,
  stepMs: number,
  start: number,
  end: number,
  toUnit: number,
  unit: string,
  periods: readonly number[] = WARNING_RETURN_PERIODS,
): { thresholds: WarningThreshold[]; note: string } {
  if (!(toUnit > 0 && Number.isFinite(toUnit)))
    throw new InputError(`the unit factor must be a positive number, got ${toUnit}`)
  const q = observed.subarray(start, end).map((v) => v * toUnit)
  const am = annualMaxima(times.subarray(start, end), q, stepMs)
  const fit = analyseFloodFrequency(am.values, { method: 'gumbel-lmom', periods })
  if (!fit.ok)
    throw new InputError(
      `warning thresholds: ${fit.issues.map(formatIssue).join('; ')} (${am.values.length} complete years in the reference period)`,
    )
  const thresholds = fit.value.returnLevels.map((r) => ({
    name: `Q${r.returnPeriodYears}`,
    value: r.value,
    returnPeriodYears: r.returnPeriodYears,
  }))
  return {
    thresholds,
    note:
      `warning thresholds ${thresholds.map((t) => t.name).join(', ')}: ` +
      `${periods.join('-, ')}-year return levels of the annual maxima of the observed daily flows ` +
      `of the reference (calibration) period in ${unit} (${am.values.length} calendar years ≥ 80 % observed), ` +
      `Gumbel fitted by L-moments`,
  }
}

/** Every change at every level on any basis is issued at once by the system account. */
export const HINDCAST_POLICY: IssuePolicy = {
  ...DEFAULT_POLICY,
  autoIssue: [{ levels: '*', basis: 'any', changes: CHANGES }],
}

/** What {@link HINDCAST_POLICY} means, to be said wherever the replay is shown. */
export const HINDCAST_POLICY_NOTE =
  'the hindcast assumes every draft of the rules is approved at once by the system account (auto-issue of every change at every level)'

/**
 * The rules for cycles `cycleMs` apart: ages of forecasts and observations accepted raised to
 * at least `cycleMs`, the expiry margin lengthened by `cycleMs`; levels and hysteresis kept.
 */
export function hindcastRules(base: WarningRules, cycleMs: number): WarningRules {
  return {
    ...base,
    maxForecastAgeMs: Math.max(base.maxForecastAgeMs, cycleMs),
    maxObservationAgeMs: Math.max(base.maxObservationAgeMs, cycleMs),
    expiryMarginMs: base.expiryMarginMs + cycleMs,
  }
}

/** Everything {@link replayWarnings} needs. */
export interface WarningReplaySetup {
  /** Step of lead 1 of each forecast (the issue), increasing. */
  readonly issues: Int32Array
  readonly horizon: number
  /** Start of each step of the record (ms since the epoch, UTC). */
  readonly times: Float64Array
  readonly stepMs: number
  /** Observed flow over the record, in the thresholds' unit; NaN missing. */
  readonly observed: Float64Array
  readonly thresholds: readonly WarningThreshold[]
  /**
   * Probability (0–1) of reaching threshold k at lead j of issue i, at `(i·horizon + j)·K + k`
   * with K thresholds (as {@link HindcastVariant.exceedance}).
   */
  readonly exceedance: Float64Array
  /** Default {@link DEFAULT_RULES}; adapted to the cycle interval by {@link hindcastRules}. */
  readonly rules?: WarningRules
  /** Default {@link DEFAULT_WARNING_TOLERANCE}. */
  readonly toleranceSteps?: number
  /** Name of the basin in the signals and the zone (default `basin`). */
  readonly basinId?: string
}

/** How warnings at one level or above verified against the observed exceedances of its threshold. */
export interface LevelVerification {
  readonly level: string
  readonly thresholdName: string
  readonly thresholdValue: number
  /** Observed events (hits + misses, the unverifiable ones left out). */
  readonly observedEvents: number
  readonly hits: number
  readonly misses: number
  readonly falseAlarms: number
  /** H/(H + M); NaN with no observed event. */
  readonly pod: number
  /** F/(H + F); NaN with no warning. */
  readonly far: number
  /** H/(H + M + F); NaN with neither. */
  readonly csi: number
  /** Lead of each hit (steps; ≤ 0: warned on or after the onset), in time order. */
  readonly leads: readonly number[]
  /** Hits warned ahead (lead > 0), and on or after the onset. */
  readonly ahead: number
  readonly late: number
  /**
   * Share of the observed events warned ahead, ahead/(H + M); NaN with no observed event. With
   * observed triggers and a tolerance ≥ 1 step, a warning follows every exceedance within a
   * step, so that POD counts late warnings as hits: this one does not.
   */
  readonly podAhead: number
  /** Median lead of the hits warned ahead (steps); NaN when none was. */
  readonly medianLead: number
}

/** What {@link replayWarnings} found. */
export interface WarningReplay {
  /** The steps replayed and verified, [start, end). */
  readonly start: number
  readonly end: number
  /** Rank of the level in force on each step of [start, end) (0 = lowest level; −1 none). */
  readonly levels: Int8Array
  /** The level names, lowest first. */
  readonly levelNames: readonly string[]
  /** Warnings issued (new ones), and messages sent (new, updates, cancellations). */
  readonly warnings: number
  readonly messages: number
  readonly verification: readonly LevelVerification[]
  readonly toleranceSteps: number
  readonly rules: WarningRules
}

/** The median of finite values (NaN for none). */
function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) return NaN
  const h = v.length >> 1
  return v.length % 2 === 1 ? v[h]! : (v[h - 1]! + v[h]!) / 2
}

/** The threshold name a level is verified against: that of its first trigger. */
function levelThresholdName(rules: WarningRules, level: number): string {
  const t = rules.levels[level]!.triggers[0]
  if (t === undefined) throw new InputError(`level ${rules.levels[level]!.name} has no trigger`)
  return t.thresholdName
}

/**
 * Verifies daily warning levels against observed flows, level by level (see the file comment).
 *
 * @param levels rank of the level in force per step (−1 none)
 * @param observed observed flow per step, like `levels`; NaN missing
 * @param thresholds per level, lowest first: its name, threshold name and value (unit of `observed`)
 * @param toleranceSteps whole number ≥ 0
 * @throws InputError when the lengths differ or the tolerance is not a whole number ≥ 0
 */
export function verifyWarningLevels(
  levels: Int8Array,
  observed: Float64Array,
  thresholds: readonly {
    readonly level: string
    readonly thresholdName: string
    readonly value: number
  }[],
  toleranceSteps = DEFAULT_WARNING_TOLERANCE,
): LevelVerification[] {
  if (levels.length !== observed.length)
    throw new InputError(
      `levels and observations differ in length (${levels.length} and ${observed.length} steps)`,
    )
  const w = toleranceSteps
  return thresholds.map((t, r) => {
    const warned = new Float64Array(levels.length)
    for (let i = 0; i < levels.length; i++) warned[i] = levels[i]! >= r ? 1 : 0
    const obs = observed.map((q) => (Number.isFinite(q) ? (q >= t.value ? 1 : 0) : NaN))
    const v = verifyExceedanceEvents(warned, obs, 1, w)
    const leads: number[] = []
    for (const o of v.observed) {
      if (o.status !== 'matched') continue
      const f = v.forecast.find((e) => e.start - w < o.end && o.start < e.end + w)
      if (f !== undefined) leads.push(o.start - f.start)
    }
    const ahead = leads.filter((l) => l > 0)
    const s = contingencyScores(v.table)
    return {
      level: t.level,
      thresholdName: t.thresholdName,
      thresholdValue: t.value,
      observedEvents: v.table.hits + v.table.misses,
      hits: v.table.hits,
      misses: v.table.misses,
      falseAlarms: v.table.falseAlarms,
      pod: s.pod,
      far: s.far,
      csi: s.csi,
      leads,
      ahead: ahead.length,
      late: leads.length - ahead.length,
      podAhead:
        v.table.hits + v.table.misses > 0 ? ahead.length / (v.table.hits + v.table.misses) : NaN,
      medianLead: median(ahead),
    }
  })
}

/**
 * Replays the warning rules over a hindcast's forecasts and verifies the levels in force (see
 * the file comment). Pure: the same setup gives the same result.
 *
 * @throws InputError when a level's threshold is not among `thresholds`, or the exceedance
 *   array does not fit the issues, horizon and thresholds
 */
export function replayWarnings(setup: WarningReplaySetup): WarningReplay {
  const { issues, horizon, times, stepMs, observed, thresholds, exceedance } = setup
  const nIssues = issues.length
  const nx = thresholds.length
  if (nIssues === 0) throw new InputError('no forecast to replay warnings over')
  if (exceedance.length !== nIssues * horizon * nx)
    throw new InputError(
      `exceedance has ${exceedance.length} values, expected ${nIssues * horizon * nx} (issues × horizon × thresholds)`,
    )
  const every = nIssues > 1 ? issues[1]! - issues[0]! : 1
  const rules = hindcastRules(setup.rules ?? DEFAULT_RULES, every * stepMs)
  const toleranceSteps = setup.toleranceSteps ?? DEFAULT_WARNING_TOLERANCE
  const levelThresholds = rules.levels.map((l, r) => {
    const name = levelThresholdName(rules, r)
    const t = thresholds.find((x) => x.name === name)
    if (t === undefined)
      throw new InputError(
        `level ${l.name}: no threshold ${name} (known: ${thresholds.map((x) => x.name).join(', ')})`,
      )
    return { level: l.name, thresholdName: name, value: t.value }
  })
  const basinId = (setup.basinId ?? 'basin') as BasinId
  const seriesId = `${basinId}:gauge` as SeriesId
  const zone: WarningZone = {
    id: `${basinId}-zone` as WarningZoneId,
    name: `basin ${basinId}`,
    basinIds: [basinId],
    seriesIds: [seriesId],
    polygons: [],
    geocodes: [],
  }
  const start = issues[0]!
  const end = Math.min(times.length, issues[nIssues - 1]! + every)
  const levels = new Int8Array(end - start).fill(-1)
  let evalState = initialZoneEvaluationState(zone.id)
  let warnState = initialWarningState(zone.id)
  let warnings = 0
  let messages = 0
  for (let i = 0; i < nIssues; i++) {
    const t0 = issues[i]!
    const now = times[t0]! as EpochMs
    const forecasts: ForecastSignal[] = thresholds.map((t, k) => {
      const probability: number[] = []
      for (let j = 0; j < horizon; j++) probability.push(exceedance[(i * horizon + j) * nx + k]!)
      return {
        runId: `hindcast-${t0}` as ForecastRunId,
        issueTime: now,
        basinId,
        thresholdName: t.name,
        thresholdValue: t.value,
        returnPeriodYears: t.returnPeriodYears,
        probability,
        stepMs,
      }
    })
    const q = t0 > 0 ? observed[t0 - 1]! : NaN
    const observations: ObservedSignal[] = Number.isFinite(q)
      ? thresholds.map((t) => ({
          seriesId,
          t: now,
          value: q,
          thresholdName: t.name,
          thresholdValue: t.value,
        }))
      : []
    const ev = evaluateZone(rules, zone, evalState, { forecasts, observations }, now)
    evalState = ev.state
    const events = decide(rules, HINDCAST_POLICY, warnState, ev, now)
    for (const e of events) {
      if (e.kind === 'issued') warnings++
      if (e.kind === 'issued' || e.kind === 'updated' || e.kind === 'cancelled') messages++
    }
    warnState = replay(warnState, events)
    const rank = rankOf(rules, warnState.active?.level ?? null)
    const to = Math.min(end, i + 1 < nIssues ? issues[i + 1]! : end)
    levels.fill(rank, t0 - start, to - start)
  }
  const verification = verifyWarningLevels(
    levels,
    observed.slice(start, end),
    levelThresholds,
    toleranceSteps,
  )
  return {
    start,
    end,
    levels,
    levelNames: rules.levels.map((l) => l.name),
    warnings,
    messages,
    verification,
    toleranceSteps,
    rules,
  }
}
