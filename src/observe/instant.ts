/**
 * Times as observations and forecasts carry them: ISO 8601 with an explicit UTC offset, or
 * milliseconds since the epoch. A time without an offset is refused rather than guessed: a
 * gauge logging local time would otherwise shift every value by an hour or two.
 */
import type { EpochMs } from '../core/brand.ts'

/** The outcome of reading one time: the instant, or why it cannot be read. */
export type InstantParse =
  { readonly ok: true; readonly t: EpochMs } | { readonly ok: false; readonly reason: string }

/** Earliest accepted instant, 1800-01-01T00:00:00Z (ms): older gauge records are not expected. */
export const MIN_INSTANT_MS = Date.UTC(1800, 0, 1)
/** First refused instant, 2200-01-01T00:00:00Z (ms). */
export const MAX_INSTANT_MS = Date.UTC(2200, 0, 1)

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/
const DATE_ONLY_RE = /^\d{4}-\d{2}-\d{2}$/
const EPOCH_RE = /^-?\d+$/

/**
 * Reads a time written as ISO 8601 with `Z` or an offset (`2016-06-01T00:00:00Z`,
 * `2016-06-01T02:00+02:00`, `…+0200`, `…+02`; seconds and a fraction optional, a space allowed
 * instead of `T`; fractions below the millisecond are truncated) or as integer milliseconds
 * since 1970-01-01T00:00:00Z (a JSON number or a string of digits).
 *
 * @param input the time as given (string or number; anything else is refused)
 * @returns the instant in ms since the epoch (UTC), or the reason it was refused: missing,
 *   no offset, not a calendar date or time of day, not an integer, outside 1800–2199
 */
export function parseInstant(input: unknown): InstantParse {
  if (input === undefined || input === null) return bad('time is missing')
  if (typeof input === 'number') return fromEpoch(input, String(input))
  if (typeof input !== 'string')
    return bad(`time must be a string or a number, not ${typeOf(input)}`)
  const s = input.trim()
  if (s === '') return bad('time is missing')
  if (EPOCH_RE.test(s)) return fromEpoch(Number(s), s)
  if (DATE_ONLY_RE.test(s))
    return bad(`time "${s}" is a date without a time of day and UTC offset (e.g. ${s}T00:00:00Z)`)
  const m = ISO_RE.exec(s)
  if (m === null)
    return bad(`time "${s}" is neither ISO 8601 with an offset nor epoch milliseconds`)
  if (m[8] === undefined) return bad(`time "${s}" has no UTC offset: add Z or ±hh:mm`)
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  const h = Number(m[4])
  const mi = Number(m[5])
  const se = Number(m[6] ?? 0)
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'))
  if (h > 23 || mi > 59 || se > 59) return bad(`time "${s}" has no such time of day`)
  const local = Date.UTC(y, mo - 1, d, h, mi, se, ms)
  const back = new Date(local)
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return bad(`time "${s}" has no such calendar date`)
  let offsetMin = 0
  const off = m[8]
  if (off !== 'Z' && off !== 'z') {
    const sign = off.startsWith('-') ? -1 : 1
    const digits = off.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0
    if (oh > 23 || om > 59) return bad(`time "${s}" has an impossible UTC offset ${off}`)
    offsetMin = sign * (oh * 60 + om)
  }
  return inRange(local - offsetMin * 60_000, s)
}

function fromEpoch(n: number, written: string): InstantParse {
  if (!Number.isFinite(n)) return bad(`time ${written} is not a finite number of milliseconds`)
  if (!Number.isInteger(n)) return bad(`time ${written} is not a whole number of milliseconds`)
  return inRange(n, written)
}

function inRange(t: number, written: string): InstantParse {
  if (t < MIN_INSTANT_MS || t >= MAX_INSTANT_MS)
    return bad(`time ${written} is outside the years 1800–2199`)
  return { ok: true, t: t as EpochMs }
}

function bad(reason: string): InstantParse {
  return { ok: false, reason }
}

/** A short name of a JSON value's type for messages (`null`, `array`, `object`, `boolean`, …). */
export function typeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return 'an object'
  return `a ${typeof v}`
}

/** Formats an instant as ISO 8601 in UTC without milliseconds when they are zero. */
export function formatInstant(t: number): string {
  const s = new Date(t).toISOString()
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s
}
