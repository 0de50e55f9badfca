/**
 * Reader of forcing files: CSV with a header row, a `date` column (`YYYY-MM-DD` for daily
 * steps, `YYYY-MM-DDTHH:MM:SSZ` for hourly ones, UTC) and numeric columns. Empty fields are
 * missing values (NaN); anything else that is not a number is an error naming its line and
 * column. Other columns are kept too, so callers pick what they need.
 */
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'

/** A parsed table of time series: one row per time step, columns by header name. */
export interface SeriesTable {
  /** The date strings as written. */
  readonly dates: readonly string[]
  /** Start of each step, in ms since the epoch (UTC). */
  readonly times: Float64Array
  /** Numeric columns by header name; missing values are NaN. */
  readonly columns: ReadonlyMap<string, Float64Array>
  /** Step length in ms, from the first two rows (NaN with fewer than two rows). */
  readonly stepMs: number
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const HOUR_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/

/**
 * Parses a date of a forcing file into ms since the epoch, or NaN when it is not a valid
 * `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC) date.
 */
export function parseStepDate(s: string): number {
  const m = DAY_RE.exec(s) ?? HOUR_RE.exec(s)
  if (m === null) return NaN
  const [y, mo, d, h, mi, se] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const t = Date.UTC(y, mo - 1, d, h, mi, se)
  const back = new Date(t)
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return NaN
  if (h > 23 || mi > 59 || se > 59) return NaN
  return t
}

/**
 * Parses forcing CSV text.
 *
 * @param text the file's content
 * @param source a name for the file in messages (its path)
 * @param required columns that must be present besides `date`
 * @returns the table, or every problem found (missing columns, bad dates, non-numeric values,
 *   dates out of order or unevenly spaced), each with its line and column
 */
export function parseSeriesCsv(
  text: string,
  source: string,
  required: readonly string[] = [],
): Result<SeriesTable> {
  const lines = text.split(/\r?\n/)
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  if (lines.length === 0) return fail([{ path: [source], message: 'the file is empty' }])
  const header = (lines[0] ?? '')
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => h.trim())
  const issues: Issue[] = []
  const dateCol = header.indexOf('date')
  if (dateCol < 0) issues.push({ path: [source], message: 'missing column "date" in the header' })
  for (const r of required) {
    if (!header.includes(r))
      issues.push({ path: [source], message: `missing column "${r}" in the header` })
  }
  if (issues.length > 0) return fail(issues)
  const n = lines.length - 1
  const dates: string[] = new Array<string>(n)
  const times = new Float64Array(n)
  const cols: Float64Array[] = header.map(() => new Float64Array(n))
  const MAX_ISSUES = 20
  for (let i = 0; i < n; i++) {
    const lineNo = i + 2
    const fields = (lines[i + 1] ?? '').split(',')
    if (fields.length < header.length) {
      issues.push({
        path: [`${source}:${lineNo}`],
        message: `expected ${header.length} fields, found ${fields.length}`,
      })
      if (issues.length >= MAX_ISSUES) break
      continue
    }
    const ds = (fields[dateCol] ?? '').trim()
    const t = parseStepDate(ds)
    if (Number.isNaN(t))
      issues.push({ path: [`${source}:${lineNo}`, 'date'], message: `not a date: "${ds}"` })
    dates[i] = ds
    times[i] = t
    for (let c = 0; c < header.length; c++) {
      if (c === dateCol) continue
      const f = (fields[c] ?? '').trim()
      if (f === '' || f === 'NA') {
        cols[c]![i] = NaN
        continue
      }
      const v = Number(f)
      if (Number.isNaN(v)) {
        issues.push({ path: [`${source}:${lineNo}`, header[c]!], message: `not a number: "${f}"` })
      }
      cols[c]![i] = v
    }
    if (issues.length >= MAX_ISSUES) break
  }
  if (issues.length > 0) return fail(issues)
  const stepMs = n >= 2 ? times[1]! - times[0]! : NaN
  if (n >= 2 && !(stepMs > 0))
    return fail([{ path: [`${source}:3`, 'date'], message: 'dates must increase' }])
  for (let i = 2; i < n; i++) {
    if (times[i]! - times[i - 1]! !== stepMs) {
      return fail([
        {
          path: [`${source}:${i + 2}`, 'date'],
          message: `uneven time step: ${dates[i - 1]} to ${dates[i]}`,
        },
      ])
    }
  }
  const columns = new Map<string, Float64Array>()
  header.forEach((h, c) => {
    if (c !== dateCol) columns.set(h, cols[c]!)
  })
  return ok({ dates, times, columns, stepMs })
}
