/**
 * CAP date-times: `YYYY-MM-DDThh:mm:ss±hh:mm`, no `Z`, no fractions (CAP 1.2 §3.3.2 and the
 * schema's pattern). UTC is written `-00:00` as the specification asks (profile-checks A2).
 */
import type { CapTime } from './model.ts'

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/**
 * Writes `t` as a CAP date-time in its offset.
 * @throws Error when the instant is not a whole second or the offset is not within ±14 h.
 */
export function formatCapTime(t: CapTime): string {
  if (!Number.isInteger(t.epochMs / 1000)) throw new Error('CAP times are whole seconds')
  if (!Number.isInteger(t.offsetMinutes) || Math.abs(t.offsetMinutes) > 14 * 60) {
    throw new Error(`offset out of range: ${t.offsetMinutes} min`)
  }
  const d = new Date(t.epochMs + t.offsetMinutes * 60_000)
  const y = d.getUTCFullYear()
  if (y < 0 || y > 9999) throw new Error(`year out of range: ${y}`)
  const sign = t.offsetMinutes > 0 ? '+' : '-'
  const off = Math.abs(t.offsetMinutes)
  return (
    `${pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`
  )
}

/** Reads a CAP date-time; `undefined` when the text is not one (Z, fractions, comma, bad date). */
export function parseCapTime(text: string): CapTime | undefined {
  const m = PATTERN.exec(text)
  if (m === null) return undefined
  const n = (i: number): number => Number(m[i])
  const [y, mo, d, h, mi, s, oh, om] = [n(1), n(2), n(3), n(4), n(5), n(6), n(8), n(9)]
  if (h > 23 || mi > 59 || s > 59 || oh > 14 || om > 59) return undefined
  const dt = new Date(0)
  dt.setUTCFullYear(y, mo - 1, d)
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) {
    return undefined
  }
  dt.setUTCHours(h, mi, s, 0)
  const offsetMinutes = oh * 60 + om
  const signed = m[7] === '-' ? -offsetMinutes : offsetMinutes
  return { epochMs: dt.getTime() - signed * 60_000, offsetMinutes: signed === 0 ? 0 : signed }
}
