/**
 * Verification of threshold exceedances: the 2×2 contingency table of a forecast against
 * observations and the scores drawn from it (Jolliffe & Stephenson 2012, Forecast Verification,
 * 2nd ed., ch. 3; WWRP/WGNE Joint Working Group on Forecast Verification Research,
 * "Forecast verification: issues, methods and FAQ"), counted step by step or event by event.
 *
 * A value exceeds the threshold when it is ≥ the threshold (reaching a warning level counts).
 * A value that is NaN or not finite is missing.
 *
 * Per step, a step where the observation or the forecast is missing is skipped; every other step
 * is a hit (both exceed), a miss (only the observation), a false alarm (only the forecast) or a
 * correct negative (neither).
 *
 * Per event, an event is a maximal run of consecutive steps that exceed the threshold; a missing
 * value is not an exceedance, so it ends a run. A forecast event [fs, fe) matches an observed
 * event [os, oe) (end exclusive) when the two overlap once the forecast event is widened by the
 * tolerance w steps on each side: fs − w < oe and os < fe + w. Then
 *
 * - hits: observed events that at least one forecast event matches;
 * - misses: observed events that no forecast event matches;
 * - false alarms: forecast events that match no observed event;
 * - correct negatives: not defined for events (NaN), nor is POFD.
 *
 * An unmatched event is *unverifiable*, and left out of the counts, when every value of the
 * other series inside its widened window [start − w, end + w) is missing: a forecast event over
 * a gap in the observations is neither a false alarm nor a hit.
 */
import { InputError } from '../../core/errors.ts'

/** The four counts of a 2×2 contingency table. */
export interface Contingency {
  /** Observed and forecast. */
  readonly hits: number
  /** Observed, not forecast. */
  readonly misses: number
  /** Forecast, not observed. */
  readonly falseAlarms: number
  /** Neither observed nor forecast (NaN for events, where it has no meaning). */
  readonly correctNegatives: number
}

/**
 * Scores of a contingency table (all dimensionless). A zero denominator gives NaN, and each NaN
 * has one meaning, given below; the frequency bias alone can be +Infinity.
 */
export interface ContingencyScores {
  /** Probability of detection H/(H + M), best 1. NaN: nothing was observed to detect. */
  readonly pod: number
  /** False alarm ratio F/(H + F), best 0. NaN: nothing was forecast, so no alarm was false. */
  readonly far: number
  /** Critical success index (threat score) H/(H + M + F), best 1. NaN: nothing observed nor forecast. */
  readonly csi: number
  /**
   * Frequency bias (H + F)/(H + M), best 1. NaN: nothing observed nor forecast; +Infinity:
   * exceedances forecast but none observed.
   */
  readonly bias: number
  /**
   * Probability of false detection F/(F + CN), best 0. NaN: no step without an observed
   * exceedance, and always for events.
   */
  readonly pofd: number
}

/** A run of steps [start, end) (indices into the series, end exclusive). */
export interface StepRange {
  readonly start: number
  readonly end: number
}

/** How an event fared against the other series. */
export type EventStatus = 'matched' | 'unmatched' | 'unverifiable'

export interface MatchedEvent extends StepRange {
  readonly status: EventStatus
}

/** The events of both series, how each fared, and the table they make. */
export interface EventVerification {
  readonly observed: readonly MatchedEvent[]
  readonly forecast: readonly MatchedEvent[]
  /** Hits, misses and false alarms as counted per event; correct negatives NaN. */
  readonly table: Contingency
}

function checkPair(forecast: Float64Array, obs: Float64Array, threshold: number): void {
  if (forecast.length !== obs.length)
    throw new InputError(
      `forecast and observations differ in length (${forecast.length} and ${obs.length} steps)`,
    )
  if (!Number.isFinite(threshold))
    throw new InputError(`the threshold must be a finite number, got ${threshold}`)
}

/**
 * Counts the contingency table of the exceedance of `threshold`, step by step.
 *
 * @param forecast forecast or simulated values (any unit)
 * @param obs observed values, in the same unit; missing values are NaN
 * @param threshold the exceedance threshold, in the same unit (a value ≥ it exceeds)
 * @throws InputError when the series differ in length or the threshold is not finite
 */
export function exceedanceContingency(
  forecast: Float64Array,
  obs: Float64Array,
  threshold: number,
): Contingency {
  checkPair(forecast, obs, threshold)
  let hits = 0
  let misses = 0
  let falseAlarms = 0
  let correctNegatives = 0
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i]!
    const f = forecast[i]!
    if (!Number.isFinite(o) || !Number.isFinite(f)) continue
    if (o >= threshold) {
      if (f >= threshold) hits++
      else misses++
    } else if (f >= threshold) falseAlarms++
    else correctNegatives++
  }
  return { hits, misses, falseAlarms, correctNegatives }
}

/** The scores of a contingency table; see {@link ContingencyScores} for the meaning of NaN. */
export function contingencyScores(table: Contingency): ContingencyScores {
  const { hits: h, misses: m, falseAlarms: f, correctNegatives: cn } = table
  const observed = h + m
  return {
    pod: observed > 0 ? h / observed : NaN,
    far: h + f > 0 ? f / (h + f) : NaN,
    csi: observed + f > 0 ? h / (observed + f) : NaN,
    bias: observed > 0 ? (h + f) / observed : f > 0 ? Infinity : NaN,
    pofd: f + cn > 0 ? f / (f + cn) : NaN,
  }
}

/**
 * The runs of consecutive steps where `series` is ≥ `threshold`; missing values end a run.
 *
 * @param series values in any unit (NaN for missing)
 * @param threshold in the same unit
 * @returns the runs in time order, each [start, end) with end exclusive
 * @throws InputError when the threshold is not finite
 */
export function findExceedanceEvents(series: Float64Array, threshold: number): StepRange[] {
  if (!Number.isFinite(threshold))
    throw new InputError(`the threshold must be a finite number, got ${threshold}`)
  const events: StepRange[] = []
  let start = -1
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!
    const exceeds = Number.isFinite(v) && v >= threshold
    if (exceeds && start < 0) start = i
    else if (!exceeds && start >= 0) {
      events.push({ start, end: i })
      start = -1
    }
  }
  if (start >= 0) events.push({ start, end: series.length })
  return events
}

/** prefix[i] = number of present (finite) values among series[0 … i − 1]. */
function presentPrefix(series: Float64Array): Int32Array {
  const prefix = new Int32Array(series.length + 1)
  for (let i = 0; i < series.length; i++)
    prefix[i + 1] = prefix[i]! + (Number.isFinite(series[i]!) ? 1 : 0)
  return prefix
}

function anyPresent(prefix: Int32Array, start: number, end: number): boolean {
  const n = prefix.length - 1
  const a = Math.max(0, start)
  const b = Math.min(n, end)
  return a < b && prefix[b]! - prefix[a]! > 0
}

/**
 * Matches the exceedance events of a forecast with those observed and counts the event table
 * (definitions in the file's header).
 *
 * @param forecast forecast or simulated values (any unit)
 * @param obs observed values, in the same unit; missing values are NaN
 * @param threshold the exceedance threshold, in the same unit
 * @param toleranceSteps how far apart (steps, a whole number ≥ 0) a forecast event may lie from
 *   an observed one and still match it; 0 asks for an overlap
 * @throws InputError when the series differ in length, the threshold is not finite or the
 *   tolerance is not a whole number ≥ 0
 */
export function verifyExceedanceEvents(
  forecast: Float64Array,
  obs: Float64Array,
  threshold: number,
  toleranceSteps = 0,
): EventVerification {
  checkPair(forecast, obs, threshold)
  if (!(Number.isInteger(toleranceSteps) && toleranceSteps >= 0))
    throw new InputError(`the tolerance must be a whole number of steps ≥ 0, got ${toleranceSteps}`)
  const w = toleranceSteps
  const obsEvents = findExceedanceEvents(obs, threshold)
  const fcEvents = findExceedanceEvents(forecast, threshold)
  const obsMatched = new Uint8Array(obsEvents.length)
  const fcMatched = new Uint8Array(fcEvents.length)
  // Both lists are in time order and disjoint, so one sweep finds every matching pair.
  let lo = 0
  for (let k = 0; k < fcEvents.length; k++) {
    const f = fcEvents[k]!
    while (lo < obsEvents.length && obsEvents[lo]!.end <= f.start - w) lo++
    for (let j = lo; j < obsEvents.length && obsEvents[j]!.start < f.end + w; j++) {
      obsMatched[j] = 1
      fcMatched[k] = 1
    }
  }
  const obsPresent = presentPrefix(obs)
  const fcPresent = presentPrefix(forecast)
  const status = (matched: number, e: StepRange, other: Int32Array): EventStatus =>
    matched === 1
      ? 'matched'
      : anyPresent(other, e.start - w, e.end + w)
        ? 'unmatched'
        : 'unverifiable'
  const observed = obsEvents.map((e, j) => ({ ...e, status: status(obsMatched[j]!, e, fcPresent) }))
  const forecastOut = fcEvents.map((e, k) => ({
    ...e,
    status: status(fcMatched[k]!, e, obsPresent),
  }))
  let hits = 0
  let misses = 0
  let falseAlarms = 0
  for (const e of observed) {
    if (e.status === 'matched') hits++
    else if (e.status === 'unmatched') misses++
  }
  for (const e of forecastOut) if (e.status === 'unmatched') falseAlarms++
  return {
    observed,
    forecast: forecastOut,
    table: { hits, misses, falseAlarms, correctNegatives: NaN },
  }
}
