/**
 * What reading a batch of observations gives, whatever its format (JSON or CSV): the rows that
 * are fit to store, and every other row with the reasons it was refused. The row checks shared
 * by the formats live here: known series, the series' unit, a finite value, a time with an
 * offset, and time order within a series.
 *
 * Nothing is converted: a value in l/s for a series kept in m³/s is refused naming the unit
 * expected, never multiplied. Equal times within a series are left for quality control to
 * flag as duplicates (the last one wins); only a time earlier than one already read for the
 * same series is refused.
 */
import type { EpochMs } from '../core/brand.ts'
import type { SeriesId } from '../core/ids.ts'
import type { Issue } from '../core/result.ts'
import { formatInstant, parseInstant, typeOf } from './instant.ts'
import type { Observation, Series } from './types.ts'
import { QC, VARIABLE_UNITS } from './types.ts'

/** The series a batch may write to, by id (the store's series as the caller loaded them). */
export type SeriesLookup = ReadonlyMap<SeriesId, Series>

/** A row of a batch that was not accepted, and why. */
export interface RejectedRow {
  /**
   * 0-based row of the batch: the index in the JSON `observations` array, or the data row of a
   * CSV (blank lines not counted). A row of a wide CSV holds one observation per series
   * column: each refused one is reported with the same index and its `series`.
   */
  readonly index: number
  /** 1-based line of the CSV text (the header is line 1); absent for JSON. */
  readonly line?: number
  /** The series id as written, when the row names one. */
  readonly series?: string
  /** Every problem of the row in one sentence ('; ' between them). */
  readonly reason: string
  /** The same problems one by one, each with its path (`observations[3].value`, `batch.csv:5.t`). */
  readonly problems: readonly Issue[]
}

/** The outcome of reading a batch that could be read at all. */
export interface ObservationBatch {
  /** Accepted rows in batch order, quality 0 (QC flags them afterwards). */
  readonly valid: Observation[]
  /** The batch row ({@link RejectedRow.index}) of each valid observation, in the same order. */
  readonly validIndex: number[]
  /** Refused rows in batch order; never silently dropped. */
  readonly rejected: RejectedRow[]
}

/** Limits on a batch. */
export interface BatchOptions {
  /**
   * Most observations a batch may hold (rows of JSON or a long CSV, value cells of a wide CSV).
   * A larger batch is refused whole before its rows are read. Default {@link DEFAULT_MAX_ROWS}.
   */
  readonly maxRows?: number
}

/** Default row limit of a batch: ten years of hourly values of one series (87,600) fit. */
export const DEFAULT_MAX_ROWS = 100_000

/** How the caller stores a batch with refused rows. */
export type StorageMode = 'atomic' | 'partial'

/** What to store of a batch, and what not. */
export interface StorageSelection {
  readonly mode: StorageMode
  /** The observations to write (empty in atomic mode when any row was refused). */
  readonly toStore: readonly Observation[]
  /** Valid observations held back because the batch is atomic and some row was refused. */
  readonly withheld: number
  readonly rejected: readonly RejectedRow[]
}

/**
 * Chooses what to store of a read batch: `atomic` stores all rows or none (none as soon as one
 * row is refused), `partial` stores the valid rows and reports the others.
 */
export function selectForStorage(batch: ObservationBatch, mode: StorageMode): StorageSelection {
  const allOrNone = mode === 'atomic' && batch.rejected.length > 0
  return {
    mode,
    toStore: allOrNone ? [] : batch.valid,
    withheld: allOrNone ? batch.valid.length : 0,
    rejected: batch.rejected,
  }
}

/** One row as a reader extracted it, before the shared checks (for the readers of this folder). */
export interface RawRow {
  readonly index: number
  readonly line?: number
  /** Path prefix of the row in messages, e.g. `['observations', 3]` or `['batch.csv:5']`. */
  readonly path: readonly (string | number)[]
  readonly series: unknown
  readonly t: unknown
  /** Where the time is, relative to the row (a field name). */
  readonly tField: string
  readonly value: unknown
  readonly valueField: string
  /** The unit as written, or {@link IMPLIED_UNIT} where the format has none (wide CSV without `[unit]`). */
  readonly unit: unknown
  /** Whether `value` is text to be read as a number (CSV) rather than a JSON number. */
  readonly valueIsText: boolean
  /** Problems the reader already found (fields of the wrong JSON type, wrong field count). */
  readonly shapeProblems: readonly Issue[]
}

/** The marker for rows whose unit is the series' own by construction. */
export const IMPLIED_UNIT = Symbol('implied unit')

/** Spellings taken as the stored unit itself (not conversions). */
const UNIT_SPELLINGS: Readonly<Record<string, string>> = {
  'm³/s': 'm3/s',
  'm3 s-1': 'm3/s',
  '°C': 'degC',
  '℃': 'degC',
}

/** The unit a written unit means, with the few accepted alternative spellings resolved. */
export function canonicalUnit(written: string): string {
  const u = written.trim()
  return UNIT_SPELLINGS[u] ?? u
}

const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const NAN_WORDS = /^[+-]?(nan|na|n\/a|null|none)$/i
const INF_WORDS = /^[+-]?(inf|infinity|∞)$/i

/**
 * Reads a value: a finite JSON number, or for CSV a decimal number as text (no hex, no
 * thousands separators, no words).
 *
 * @param raw the value as given
 * @param isText whether the value is CSV text (else it must be a JSON number)
 * @param what the value's name in messages
 * @returns the number, or the reason it is not one (missing, NaN, infinite, non-numeric)
 */
export function readValue(raw: unknown, isText: boolean, what = 'value'): number | string {
  if (raw === undefined || raw === null) return `${what} is missing`
  if (typeof raw === 'number') {
    if (Number.isNaN(raw)) return `${what} is NaN`
    if (!Number.isFinite(raw)) return `${what} is not finite: ${raw}`
    return raw
  }
  if (typeof raw !== 'string') return `${what} must be a number, not ${typeOf(raw)}`
  if (!isText) return `${what} must be a JSON number, not a string: ${JSON.stringify(raw)}`
  const s = raw.trim()
  if (s === '') return `${what} is missing`
  if (NAN_WORDS.test(s)) return `${what} is not a number: ${s}`
  if (INF_WORDS.test(s)) return `${what} is not finite: ${s}`
  if (!DECIMAL_RE.test(s)) return `${what} is not a number: ${JSON.stringify(s)}`
  const v = Number(s)
  if (!Number.isFinite(v)) return `${what} is not finite: ${s} overflows`
  return v
}

/**
 * Runs the checks shared by every batch format over rows in batch order.
 *
 * @returns valid observations (quality 0) and refused rows, each in batch order
 */
export function checkRows(rows: Iterable<RawRow>, lookup: SeriesLookup): ObservationBatch {
  const valid: Observation[] = []
  const validIndex: number[] = []
  const rejected: RejectedRow[] = []
  /** Latest accepted time per series, with the row it came from. */
  const last = new Map<SeriesId, { t: number; index: number; line: number | undefined }>()
  for (const row of rows) {
    const problems: Issue[] = [...row.shapeProblems]
    const at = (field: string): (string | number)[] => [...row.path, field]
    const seriesText = typeof row.series === 'string' ? row.series.trim() : undefined
    let series: Series | undefined
    if (!fieldHasProblem(row.shapeProblems, row.path, 'series')) {
      if (seriesText === undefined || seriesText === '')
        problems.push({ path: at('series'), message: 'series is missing' })
      else {
        series = lookup.get(seriesText as SeriesId)
        if (series === undefined)
          problems.push({ path: at('series'), message: `unknown series "${seriesText}"` })
      }
    }
    if (
      series !== undefined &&
      row.unit !== IMPLIED_UNIT &&
      !fieldHasProblem(row.shapeProblems, row.path, 'unit')
    ) {
      const expected = VARIABLE_UNITS[series.variable]
      if (row.unit === undefined || row.unit === null || row.unit === '')
        problems.push({
          path: at('unit'),
          message: `unit is missing: ${series.variable} is kept in ${expected}`,
        })
      else if (typeof row.unit !== 'string')
        problems.push({
          path: at('unit'),
          message: `unit must be a string, not ${typeOf(row.unit)}`,
        })
      else if (canonicalUnit(row.unit) !== expected)
        problems.push({
          path: at('unit'),
          message: `wrong unit "${row.unit.trim()}" for ${series.variable}: expected ${expected} (no conversion is made)`,
        })
    }
    let value = NaN
    if (!fieldHasProblem(row.shapeProblems, row.path, row.valueField)) {
      const v = readValue(row.value, row.valueIsText)
      if (typeof v === 'string') problems.push({ path: at(row.valueField), message: v })
      else value = v
    }
    let t = NaN
    if (!fieldHasProblem(row.shapeProblems, row.path, row.tField)) {
      const p = parseInstant(row.t)
      if (p.ok) t = p.t
      else problems.push({ path: at(row.tField), message: p.reason })
    }
    if (problems.length === 0 && series !== undefined) {
      const prev = last.get(series.id)
      if (prev !== undefined && t < prev.t) {
        const where = prev.line === undefined ? `row ${prev.index}` : `line ${prev.line}`
        problems.push({
          path: at(row.tField),
          message: `time ${formatInstant(t)} is out of order: earlier than ${formatInstant(prev.t)} at ${where} of series ${series.id}`,
        })
      }
    }
    if (problems.length > 0) {
      rejected.push({
        index: row.index,
        ...(row.line === undefined ? {} : { line: row.line }),
        ...(seriesText === undefined || seriesText === '' ? {} : { series: seriesText }),
        reason: problems.map((p) => p.message).join('; '),
        problems,
      })
      continue
    }
    // Every check passed, so the series is known and t and value are set.
    const id = (series as Series).id
    last.set(id, { t, index: row.index, line: row.line })
    valid.push({ seriesId: id, t: t as EpochMs, value, quality: QC.ok })
    validIndex.push(row.index)
  }
  return { valid, validIndex, rejected }
}

/** Whether the reader already found a problem with `field`, or with the row as a whole. */
function fieldHasProblem(
  problems: readonly Issue[],
  rowPath: readonly (string | number)[],
  field: string,
): boolean {
  for (const p of problems) {
    if (p.path.length === rowPath.length) return true
    if (p.path[rowPath.length] === field) return true
  }
  return false
}
