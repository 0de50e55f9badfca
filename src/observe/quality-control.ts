/**
 * Automatic quality control of observations. It flags values and never drops or changes them:
 * every observation that goes in comes out, in the same order, with the same value, and with
 * the QC bits of types.ts set or cleared by the checks below.
 *
 * Checks (each configurable per variable, and per series where a station needs its own):
 *
 * - `outOfRange`: the value is outside the physical range of its variable (or not finite);
 * - `rateOfChange`: the value changed too fast since the previous value of its series;
 * - `flatLine`: the value belongs to a run of at least n identical consecutive values;
 * - `future`: an observed value's time is later than `now` plus a tolerance;
 * - `duplicateInBatch`: another observation of the batch has the same series and time and
 *   comes later in the batch; the last one wins and the others are flagged.
 *
 * Rate of change and flat lines look across batches: the caller passes the series' recent
 * stored values as context. A stored value at a time the batch also has is ignored (the batch
 * value replaces it), so checking a batch against a store that already holds it gives the same
 * flags as checking it against a store without it.
 *
 * The checks are the plausible-value (range), step (rate) and persistence (flat line) tests of
 * Zahumenský (2004), Guidelines on Quality Control Procedures for Data from Automatic Weather
 * Stations, WMO, as the WMO Guide to Hydrological Practices (WMO-No. 168, vol. I) applies them
 * to hydrological series.
 */
import type { EpochMs } from '../core/brand.ts'
import type { SeriesId } from '../core/ids.ts'
import { formatInstant } from './instant.ts'
import type { SeriesLookup } from './observation-batch.ts'
import type { Observation, QcFlags, StoredObservation, Variable } from './types.ts'
import { QC, VARIABLE_UNITS } from './types.ts'

/** Physical range of a variable, in its unit (VARIABLE_UNITS); both bounds inclusive. */
export interface RangeCheck {
  readonly min: number
  readonly max: number
}

/**
 * Largest believable change per hour since the previous value of the series. With both limits
 * set, a change is flagged only when it exceeds both (so that a small river doubling from a
 * trickle is not flagged by the relative limit, nor a large one by the absolute limit); with one
 * set, when it exceeds that one.
 */
export interface RateCheck {
  /** Largest absolute change, in the variable's unit per hour; null: not checked. */
  readonly maxAbsPerHour: number | null
  /** Largest change as a fraction of the previous value's magnitude per hour (1 = 100 %/h); null: not checked. */
  readonly maxRelPerHour: number | null
}

/** A run of at least `n` consecutive identical values is a flat line (stuck sensor). */
export interface FlatLineCheck {
  /** Run length from which values are flagged (≥ 2). */
  readonly n: number
  /** Values whose runs are normal (e.g. 0 for precipitation, or for intermittent rivers). */
  readonly except: readonly number[]
}

/** The checks of one variable; null switches a check off. */
export interface VariableQc {
  readonly range: RangeCheck | null
  readonly rate: RateCheck | null
  readonly flatLine: FlatLineCheck | null
}

/** Configuration of {@link qualityControl}. */
export interface QcConfig {
  readonly variables: Readonly<Record<Variable, VariableQc>>
  /** Checks of particular series that replace their variable's (each check given replaces that one). */
  readonly series: ReadonlyMap<SeriesId, Partial<VariableQc>>
  /** How far past `now` an observed time may be before it is flagged `future` (ms). */
  readonly futureToleranceMs: number
  /**
   * Shortest interval the rate of change is computed over (ms): two values 5 minutes apart
   * count as an hour apart, so that sensor noise over short steps is not magnified into an
   * hourly rate. A change larger than the hourly limit within the interval is still flagged.
   */
  readonly rateMinIntervalMs: number
}

/**
 * Default checks, meant to catch gross errors (wrong unit, stuck or failed sensors, wrong
 * clocks) without flagging real floods; tune them per series where the station is known:
 *
 * | variable | range | rate of change | flat line |
 * | --- | --- | --- | --- |
 * | discharge (m3/s) | 0 – 100 000 | over 100 m3/s/h and 200 %/h | 24 identical values, except 0 |
 * | water_level (m, above gauge zero) | −10 – 50 | over 2 m/h | 24 identical values |
 * | precipitation (mm per step) | 0 – 500 | — | 24 identical values, except 0 |
 * | temperature (°C) | −60 – 60 | over 10 °C/h | 24 identical values |
 * | pet (mm per step) | 0 – 20 | — | — |
 *
 * Future tolerance 5 minutes; rates over at least 1 hour. The discharge maximum is above the
 * recorded peaks of every river but the Amazon: set a station's own maximum through `series`.
 */
export const DEFAULT_QC_CONFIG: QcConfig = {
  variables: {
    discharge: {
      range: { min: 0, max: 100_000 },
      rate: { maxAbsPerHour: 100, maxRelPerHour: 2 },
      flatLine: { n: 24, except: [0] },
    },
    water_level: {
      range: { min: -10, max: 50 },
      rate: { maxAbsPerHour: 2, maxRelPerHour: null },
      flatLine: { n: 24, except: [] },
    },
    precipitation: {
      range: { min: 0, max: 500 },
      rate: null,
      flatLine: { n: 24, except: [0] },
    },
    temperature: {
      range: { min: -60, max: 60 },
      rate: { maxAbsPerHour: 10, maxRelPerHour: null },
      flatLine: { n: 24, except: [] },
    },
    pet: { range: { min: 0, max: 20 }, rate: null, flatLine: null },
  },
  series: new Map(),
  futureToleranceMs: 5 * 60_000,
  rateMinIntervalMs: 3_600_000,
}

/** Changes to {@link DEFAULT_QC_CONFIG}: per variable, each check given replaces the default. */
export interface QcConfigChanges {
  readonly variables?: Partial<Readonly<Record<Variable, Partial<VariableQc>>>>
  readonly series?: ReadonlyMap<SeriesId, Partial<VariableQc>>
  readonly futureToleranceMs?: number
  readonly rateMinIntervalMs?: number
}

/**
 * Builds a QC configuration from the defaults and changes, and checks it.
 *
 * @throws Error when a range has min > max, a limit is not positive, a flat-line n is not an
 *   integer ≥ 2, or a duration is negative (programmer errors)
 */
export function makeQcConfig(changes: QcConfigChanges = {}): QcConfig {
  const base = DEFAULT_QC_CONFIG
  const variables = {} as Record<Variable, VariableQc>
  for (const v of Object.keys(VARIABLE_UNITS) as Variable[])
    variables[v] = { ...base.variables[v], ...changes.variables?.[v] }
  const config: QcConfig = {
    variables,
    series: changes.series ?? base.series,
    futureToleranceMs: changes.futureToleranceMs ?? base.futureToleranceMs,
    rateMinIntervalMs: changes.rateMinIntervalMs ?? base.rateMinIntervalMs,
  }
  for (const v of Object.keys(variables) as Variable[]) checkVariableQc(variables[v], v)
  for (const [id, q] of config.series) checkVariableQc(q, `series ${id}`)
  if (!(config.futureToleranceMs >= 0)) throw new Error('futureToleranceMs must be ≥ 0')
  if (!(config.rateMinIntervalMs > 0)) throw new Error('rateMinIntervalMs must be > 0')
  return config
}

function checkVariableQc(q: Partial<VariableQc>, what: string): void {
  if (q.range != null && !(q.range.min <= q.range.max))
    throw new Error(`QC range of ${what}: min must be ≤ max`)
  if (q.rate != null) {
    const { maxAbsPerHour: a, maxRelPerHour: r } = q.rate
    if ((a !== null && !(a > 0)) || (r !== null && !(r > 0)))
      throw new Error(`QC rate limits of ${what} must be > 0`)
  }
  if (q.flatLine != null && !(Number.isInteger(q.flatLine.n) && q.flatLine.n >= 2))
    throw new Error(`QC flat-line n of ${what} must be an integer ≥ 2`)
}

/** What QC needs besides the batch: the series (for variable and kind) and recent values. */
export interface QcContext {
  readonly series: SeriesLookup
  /**
   * Recent stored values per series, in any order. For rate of change pass at least the latest
   * value before the batch; for flat lines the latest n − 1.
   */
  readonly recent?: ReadonlyMap<SeriesId, readonly StoredObservation[]>
}

/** The QC bits this module sets; others (`manual`) are kept as they come. */
export type QcCheck = 'outOfRange' | 'rateOfChange' | 'flatLine' | 'future' | 'duplicateInBatch'

/** Bits set by automatic QC; QC recomputes these and keeps every other bit. */
export const AUTOMATIC_QC_BITS =
  QC.outOfRange | QC.rateOfChange | QC.flatLine | QC.future | QC.duplicateInBatch

/** One flag raised, and why. */
export interface QcFinding {
  /** Index of the observation in the array given to {@link qualityControl}. */
  readonly index: number
  readonly seriesId: SeriesId
  readonly t: EpochMs
  readonly check: QcCheck
  /** The bit of {@link QC} set. */
  readonly flag: QcFlags
  readonly reason: string
}

/** The observations with their flags, and the flags raised with their reasons. */
export interface QcResult {
  /** Every observation given, in the same order, values unchanged, quality recomputed. */
  readonly observations: Observation[]
  /** Flags raised, ordered by observation index then by check. */
  readonly findings: QcFinding[]
}

interface Point {
  readonly t: number
  readonly value: number
  /** Index into the batch, or −1 for a context value. */
  readonly index: number
  readonly inRange: boolean
}

/**
 * Flags a batch of observations.
 *
 * @param observations the batch (any order; as read by the batch readers they are in time order
 *   per series)
 * @param context the series of every observation, and recent stored values
 * @param config checks and limits ({@link DEFAULT_QC_CONFIG} or {@link makeQcConfig})
 * @param now the current time (ms since the epoch), from the Clock port
 * @returns every observation with its automatic QC bits recomputed, and the findings
 * @throws Error when an observation's series is not in `context.series` (a programmer error:
 *   batches are read against the same lookup)
 */
export function qualityControl(
  observations: readonly Observation[],
  context: QcContext,
  config: QcConfig,
  now: EpochMs,
): QcResult {
  const n = observations.length
  const flags = new Array<number>(n).fill(0)
  const reasons: Map<QcCheck, string>[] = Array.from({ length: n }, () => new Map())
  const raise = (i: number, check: QcCheck, reason: string): void => {
    flags[i]! |= QC[check]
    reasons[i]!.set(check, reason)
  }

  // Which observation wins each (series, time): the last one of the batch.
  const winner = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const o = observations[i]!
    winner.set(key(o.seriesId, o.t), i)
  }

  const bySeries = new Map<SeriesId, number[]>()
  for (let i = 0; i < n; i++) {
    const o = observations[i]!
    const series = context.series.get(o.seriesId)
    if (series === undefined) throw new Error(`QC: unknown series ${o.seriesId} at index ${i}`)
    const checks = checksOf(config, o.seriesId, series.variable)
    const unit = VARIABLE_UNITS[series.variable]
    const w = winner.get(key(o.seriesId, o.t))!
    if (w !== i) raise(i, 'duplicateInBatch', `same series and time as index ${w}, which wins`)
    const r = rangeProblem(o.value, checks.range, series.variable, unit)
    if (r !== null) raise(i, 'outOfRange', r)
    if (series.kind === 'observed' && o.t > now + config.futureToleranceMs)
      raise(
        i,
        'future',
        `time ${formatInstant(o.t)} is ${duration(o.t - now)} after now (${formatInstant(now)}), tolerance ${duration(config.futureToleranceMs)}`,
      )
    let list = bySeries.get(o.seriesId)
    if (list === undefined) bySeries.set(o.seriesId, (list = []))
    list.push(i)
  }

  for (const [id, indices] of bySeries) {
    const series = context.series.get(id)!
    const checks = checksOf(config, id, series.variable)
    if (checks.rate === null && checks.flatLine === null) continue
    const unit = VARIABLE_UNITS[series.variable]
    const batchTimes = new Set<number>()
    for (const i of indices) batchTimes.add(observations[i]!.t)
    const points: Point[] = []
    for (const s of context.recent?.get(id) ?? []) {
      if (batchTimes.has(s.t)) continue
      points.push({ t: s.t, value: s.value, index: -1, inRange: inRange(s.value, checks.range) })
    }
    for (const i of indices) {
      if (flags[i]! & QC.duplicateInBatch) continue
      const o = observations[i]!
      points.push({ t: o.t, value: o.value, index: i, inRange: (flags[i]! & QC.outOfRange) === 0 })
    }
    points.sort((a, b) => a.t - b.t)
    if (checks.rate !== null)
      rateOfChange(points, checks.rate, config.rateMinIntervalMs, unit, raise)
    if (checks.flatLine !== null) flatLine(points, checks.flatLine, unit, raise)
  }

  const out: Observation[] = new Array<Observation>(n)
  const findings: QcFinding[] = []
  for (let i = 0; i < n; i++) {
    const o = observations[i]!
    const quality = (o.quality & ~AUTOMATIC_QC_BITS) | flags[i]!
    out[i] = quality === o.quality ? o : { ...o, quality }
    for (const check of CHECK_ORDER) {
      const reason = reasons[i]!.get(check)
      if (reason !== undefined)
        findings.push({ index: i, seriesId: o.seriesId, t: o.t, check, flag: QC[check], reason })
    }
  }
  return { observations: out, findings }
}

const CHECK_ORDER: readonly QcCheck[] = [
  'duplicateInBatch',
  'outOfRange',
  'rateOfChange',
  'flatLine',
  'future',
]

/** The checks that apply to a series: its own where configured, else its variable's. */
export function checksOf(config: QcConfig, id: SeriesId, variable: Variable): VariableQc {
  const own = config.series.get(id)
  const base = config.variables[variable]
  return own === undefined ? base : { ...base, ...own }
}

function key(id: SeriesId, t: number): string {
  return `${id}\u0000${t}`
}

function inRange(v: number, range: RangeCheck | null): boolean {
  if (!Number.isFinite(v)) return false
  return range === null || (v >= range.min && v <= range.max)
}

function rangeProblem(
  v: number,
  range: RangeCheck | null,
  variable: Variable,
  unit: string,
): string | null {
  if (!Number.isFinite(v)) return `${variable} value ${v} is not finite`
  if (range === null) return null
  if (v < range.min)
    return `${variable} ${fmt(v)} ${unit} is below the minimum ${fmt(range.min)} ${unit}`
  if (v > range.max)
    return `${variable} ${fmt(v)} ${unit} is above the maximum ${fmt(range.max)} ${unit}`
  return null
}

function rateOfChange(
  points: readonly Point[],
  limits: RateCheck,
  minIntervalMs: number,
  unit: string,
  raise: (i: number, check: QcCheck, reason: string) => void,
): void {
  if (limits.maxAbsPerHour === null && limits.maxRelPerHour === null) return
  let prev: Point | undefined
  for (const p of points) {
    if (!p.inRange) continue
    if (prev !== undefined && p.index >= 0) {
      const change = p.value - prev.value
      const hours = Math.max(p.t - prev.t, minIntervalMs) / 3_600_000
      const absRate = Math.abs(change) / hours
      const relRate =
        prev.value === 0 ? (change === 0 ? 0 : Infinity) : absRate / Math.abs(prev.value)
      const overAbs = limits.maxAbsPerHour === null || absRate > limits.maxAbsPerHour
      const overRel = limits.maxRelPerHour === null || relRate > limits.maxRelPerHour
      if (overAbs && overRel) {
        const parts: string[] = []
        if (limits.maxAbsPerHour !== null) parts.push(`${fmt(limits.maxAbsPerHour)} ${unit}/h`)
        if (limits.maxRelPerHour !== null) parts.push(`${fmt(limits.maxRelPerHour * 100)} %/h`)
        const rel = Number.isFinite(relRate) ? `, ${fmt(relRate * 100)} %/h` : ''
        raise(
          p.index,
          'rateOfChange',
          `changed by ${change > 0 ? '+' : ''}${fmt(change)} ${unit} since ${fmt(prev.value)} at ${formatInstant(prev.t)} (${fmt(absRate)} ${unit}/h${rel}): over ${parts.join(' and ')}`,
        )
      }
    }
    prev = p
  }
}

function flatLine(
  points: readonly Point[],
  check: FlatLineCheck,
  unit: string,
  raise: (i: number, check: QcCheck, reason: string) => void,
): void {
  let start = 0
  for (let k = 1; k <= points.length; k++) {
    if (k < points.length && points[k]!.value === points[start]!.value) continue
    const len = k - start
    const first = points[start]!
    if (len >= check.n && !check.except.includes(first.value)) {
      const last = points[k - 1]!
      const reason = `${len} consecutive values equal to ${fmt(first.value)} ${unit} from ${formatInstant(first.t)} to ${formatInstant(last.t)}: a flat line from ${check.n}`
      for (let j = start; j < k; j++)
        if (points[j]!.index >= 0) raise(points[j]!.index, 'flatLine', reason)
    }
    start = k
  }
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(6)))
}

function duration(ms: number): string {
  const min = Math.round(ms / 60_000)
  if (min < 60) return `${min} min`
  const h = Math.floor(min / 60)
  const m = min % 60
  if (h < 48) return m === 0 ? `${h} h` : `${h} h ${m} min`
  return `${fmt(ms / 86_400_000)} days`
}
