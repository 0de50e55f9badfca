/**
 * Reader of CSV observation batches, in one of two forms told apart by the header:
 *
 * - long, one observation per line: `series,t,value,unit` (columns in any order);
 * - wide, one time per line and one column per series: `t,<series1>,<series2>,…`. A header
 *   cell may state the unit as `<series>[<unit>]` (checked like the long form's `unit`);
 *   without it, values are taken to be in the series' own unit. An empty cell means the
 *   series has no value at that time: it is skipped, not refused.
 *
 * Fields are separated by commas; a field may be wrapped in double quotes (`""` inside is a
 * quote) but may not contain a comma, which identifiers never do. Blank lines are skipped.
 * Times are ISO 8601 with `Z` or an offset, or integer epoch milliseconds; values are decimal
 * numbers (empty, `NaN`, `NA`, `Inf` and words are refused in the long form).
 */
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import type { BatchOptions, ObservationBatch, RawRow, SeriesLookup } from './observation-batch.ts'
import { DEFAULT_MAX_ROWS, IMPLIED_UNIT, checkRows } from './observation-batch.ts'

/** Options of the CSV reader. */
export interface CsvBatchOptions extends BatchOptions {
  /** A name for the text in messages (a file name); default `csv`. */
  readonly source?: string
}

const LONG_COLUMNS = ['series', 't', 'value', 'unit'] as const
const WIDE_HEADER_RE = /^([^[\]\s]+)\s*(?:\[\s*([^\]]+?)\s*\])?$/

/** Splits a CSV line into fields, unwrapping double-quoted fields. */
export function splitCsvLine(line: string): string[] {
  return line.split(',').map((f) => {
    const s = f.trim()
    return s.length >= 2 && s.startsWith('"') && s.endsWith('"')
      ? s.slice(1, -1).replaceAll('""', '"').trim()
      : s
  })
}

/**
 * Reads a CSV observation batch.
 *
 * @param text the CSV text (UTF-8, optional BOM, LF or CRLF line ends)
 * @param lookup the series the batch may write to
 * @param options source name for messages and row limit (observations: lines of the long form,
 *   lines × series columns of the wide form)
 * @returns the valid and refused rows, each refused one with its index, line and reasons; or a
 *   failure when the text as a whole cannot be read (empty, a header of neither form,
 *   duplicate or unknown columns, over the row limit)
 */
export function parseObservationCsv(
  text: string,
  lookup: SeriesLookup,
  options: CsvBatchOptions = {},
): Result<ObservationBatch> {
  const source = options.source ?? 'csv'
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const headerText = lines[0] ?? ''
  if (headerText.trim() === '') return fail([{ path: [`${source}:1`], message: 'no header line' }])
  const header = splitCsvLine(headerText)
  const data: { line: number; text: string }[] = []
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i] ?? ''
    if (l.trim() !== '') data.push({ line: i + 1, text: l })
  }
  if (header.includes('series')) return readLong(header, data, lookup, source, maxRows)
  if (header[0] === 't') return readWide(header, data, lookup, source, maxRows)
  return fail([
    {
      path: [`${source}:1`],
      message: 'the header must be series,t,value,unit (long form) or t,<series>,… (wide form)',
    },
  ])
}

function readLong(
  header: readonly string[],
  data: readonly { line: number; text: string }[],
  lookup: SeriesLookup,
  source: string,
  maxRows: number,
): Result<ObservationBatch> {
  const issues: Issue[] = []
  const at = [`${source}:1`]
  const seen = new Set<string>()
  for (const h of header) {
    if (!(LONG_COLUMNS as readonly string[]).includes(h))
      issues.push({ path: at, message: `unknown column "${h}": expected series,t,value,unit` })
    else if (seen.has(h)) issues.push({ path: at, message: `column "${h}" appears twice` })
    seen.add(h)
  }
  for (const c of LONG_COLUMNS)
    if (!seen.has(c)) issues.push({ path: at, message: `missing column "${c}"` })
  if (issues.length > 0) return fail(issues)
  if (data.length > maxRows) return fail([overLimit(source, `${data.length} rows`, maxRows)])
  const col = (name: string): number => header.indexOf(name)
  const [cs, ct, cv, cu] = [col('series'), col('t'), col('value'), col('unit')]
  function* rows(): Generator<RawRow> {
    for (let index = 0; index < data.length; index++) {
      const { line, text } = data[index]!
      const f = splitCsvLine(text)
      const path = [`${source}:${line}`]
      const shapeProblems: Issue[] =
        f.length === header.length
          ? []
          : [{ path, message: `expected ${header.length} fields, found ${f.length}` }]
      yield {
        index,
        line,
        path,
        series: f[cs],
        t: f[ct],
        tField: 't',
        value: f[cv],
        valueField: 'value',
        unit: f[cu],
        valueIsText: true,
        shapeProblems,
      }
    }
  }
  return ok(checkRows(rows(), lookup))
}

function readWide(
  header: readonly string[],
  data: readonly { line: number; text: string }[],
  lookup: SeriesLookup,
  source: string,
  maxRows: number,
): Result<ObservationBatch> {
  const issues: Issue[] = []
  const at = [`${source}:1`]
  const columns: { name: string; series: string; unit: string | typeof IMPLIED_UNIT }[] = []
  const seen = new Set<string>()
  for (let c = 1; c < header.length; c++) {
    const h = header[c]!
    const m = WIDE_HEADER_RE.exec(h)
    if (m === null) {
      issues.push({
        path: at,
        message: `column ${c + 1} "${h}" is not <series> or <series>[<unit>]`,
      })
      continue
    }
    const series = m[1]!
    if (seen.has(series)) issues.push({ path: at, message: `series "${series}" appears twice` })
    seen.add(series)
    columns.push({ name: h, series, unit: m[2] ?? IMPLIED_UNIT })
  }
  if (header.length < 2) issues.push({ path: at, message: 'no series column after "t"' })
  if (issues.length > 0) return fail(issues)
  const cells = data.length * columns.length
  if (cells > maxRows)
    return fail([
      overLimit(
        source,
        `${cells} values (${data.length} lines × ${columns.length} series)`,
        maxRows,
      ),
    ])
  function* rows(): Generator<RawRow> {
    for (let index = 0; index < data.length; index++) {
      const { line, text } = data[index]!
      const f = splitCsvLine(text)
      const path = [`${source}:${line}`]
      if (f.length !== header.length) {
        yield {
          index,
          line,
          path,
          series: undefined,
          t: undefined,
          tField: 't',
          value: undefined,
          valueField: '',
          unit: IMPLIED_UNIT,
          valueIsText: true,
          shapeProblems: [{ path, message: `expected ${header.length} fields, found ${f.length}` }],
        }
        continue
      }
      for (let c = 0; c < columns.length; c++) {
        const cell = f[c + 1]!
        if (cell === '') continue
        const col = columns[c]!
        yield {
          index,
          line,
          path,
          series: col.series,
          t: f[0],
          tField: 't',
          value: cell,
          valueField: col.name,
          unit: col.unit,
          valueIsText: true,
          shapeProblems: [],
        }
      }
    }
  }
  return ok(checkRows(rows(), lookup))
}

function overLimit(source: string, size: string, maxRows: number): Issue {
  return { path: [source], message: `the batch has ${size}, over the limit of ${maxRows}` }
}
