/**
 * Reader of JSON observation batches:
 *
 * ```json
 * { "observations": [
 *   { "series": "H010002001:discharge", "t": "2016-06-01T00:00:00Z", "value": 123.4, "unit": "m3/s" }
 * ] }
 * ```
 *
 * `t` is ISO 8601 with `Z` or an offset, or integer epoch milliseconds; `value` a JSON number;
 * `unit` the unit the series' variable is kept in (see VARIABLE_UNITS). Other keys are ignored.
 */
import { z } from 'zod'
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import { typeOf } from './instant.ts'
import type { BatchOptions, ObservationBatch, RawRow, SeriesLookup } from './observation-batch.ts'
import { DEFAULT_MAX_ROWS, checkRows } from './observation-batch.ts'

const Envelope = z.object(
  {
    observations: z.array(z.unknown(), {
      error: (iss) =>
        iss.input === undefined
          ? 'missing the array "observations"'
          : `"observations" must be an array, not ${typeOf(iss.input)}`,
    }),
  },
  {
    error: (iss) => `a batch must be an object { "observations": [...] }, not ${typeOf(iss.input)}`,
  },
)

const Row = z.object(
  {
    series: z.string({
      error: (iss) =>
        iss.input === undefined
          ? 'series is missing'
          : `series must be a string, not ${typeOf(iss.input)}`,
    }),
    // Times, values and units are read by the shared checks, which give the exact reason.
    t: z.unknown().optional(),
    value: z.unknown().optional(),
    unit: z.unknown().optional(),
  },
  { error: (iss) => `row must be an object, not ${typeOf(iss.input)}` },
)

function zodIssues(error: z.ZodError, prefix: readonly (string | number)[]): Issue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path.map((k) => (typeof k === 'symbol' ? String(k) : k))],
    message: i.message,
  }))
}

/**
 * Reads a JSON observation batch already parsed from text (e.g. an HTTP body).
 *
 * @param body the parsed JSON
 * @param lookup the series the batch may write to
 * @param options row limit ({@link DEFAULT_MAX_ROWS} by default)
 * @returns the valid and refused rows; or a failure, with paths, when the batch as a whole
 *   cannot be read (not an object, no `observations` array, more rows than the limit)
 */
export function parseObservationJson(
  body: unknown,
  lookup: SeriesLookup,
  options: BatchOptions = {},
): Result<ObservationBatch> {
  const env = Envelope.safeParse(body)
  if (!env.success) return fail(zodIssues(env.error, []))
  const list = env.data.observations
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS
  if (list.length > maxRows)
    return fail([
      {
        path: ['observations'],
        message: `the batch has ${list.length} rows, over the limit of ${maxRows}`,
      },
    ])
  return ok(checkRows(rawRows(list), lookup))
}

/**
 * Reads a JSON observation batch from text.
 *
 * @param text the JSON document
 * @returns as {@link parseObservationJson}, or a failure saying where the text is not JSON
 */
export function parseObservationJsonText(
  text: string,
  lookup: SeriesLookup,
  options: BatchOptions = {},
): Result<ObservationBatch> {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (e) {
    return fail([{ path: [], message: `not JSON: ${(e as Error).message}` }])
  }
  return parseObservationJson(body, lookup, options)
}

function* rawRows(list: readonly unknown[]): Generator<RawRow> {
  for (let index = 0; index < list.length; index++) {
    const path = ['observations', index] as const
    const item = list[index]
    const r = Row.safeParse(item)
    const rec: Record<string, unknown> = isRecord(item) ? item : {}
    yield {
      index,
      path,
      series: rec['series'],
      t: rec['t'],
      tField: 't',
      value: rec['value'],
      valueField: 'value',
      unit: rec['unit'],
      valueIsText: false,
      shapeProblems: r.success ? [] : zodIssues(r.error, path),
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
