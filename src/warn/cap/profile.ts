/**
 * Checks beyond the schema (data/cap/profile-checks.md). On receipt: section A (E-level items
 * are errors, W-level items warnings). For what we publish ourselves, also the section B
 * (Google Public Alerts) errors and the section E rule that the non-text fields (effective,
 * expires, severity, urgency, certainty, categories, eventCodes) agree across languages.
 * Syntax that the reader already refuses (date-times, reference triples, pairs) is not repeated.
 */
import type { Issue } from '../../core/result.ts'
import type { CapAlert, CapArea, CapInfo, CapTime, CapValue } from './model.ts'

/** `receive`: section A. `publish`: section A, B errors and E consistency across languages. */
export type CapProfileMode = 'receive' | 'publish'

/** Findings of {@link checkCapProfile}: errors block (reject or refuse to publish). */
export interface CapProfileReport {
  readonly errors: readonly Issue[]
  readonly warnings: readonly Issue[]
}

type Path = readonly (string | number)[]

const TOKEN = /^[^\s,&<]+$/
const LANGUAGE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/
const SHA1 = /^[0-9a-fA-F]{40}$/
const MIME = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;.*)?$/

/** Whether `s` is an absolute URI (scheme and something after it). */
export function isAbsoluteUri(s: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(s)) return false
  try {
    new URL(s)
    return true
  } catch {
    return false
  }
}

const sameTime = (a: CapTime | undefined, b: CapTime | undefined): boolean =>
  a?.epochMs === b?.epochMs
const setKey = (xs: readonly string[]): string => [...new Set(xs)].sort().join('\u0000')
const valuesKey = (xs: readonly CapValue[]): string =>
  setKey(xs.map((v) => `${v.valueName}\u0001${v.value}`))

class Findings {
  readonly errors: Issue[] = []
  readonly warnings: Issue[] = []
  error(path: Path, message: string): void {
    this.errors.push({ path, message })
  }
  warn(path: Path, message: string): void {
    this.warnings.push({ path, message })
  }
}

function checkArea(f: Findings, area: CapArea, path: Path, mode: CapProfileMode): void {
  area.polygons.forEach((poly, i) => {
    const p = [...path, 'polygon', i]
    const pts = poly.points
    if (pts.length < 4) f.error(p, `fewer than 4 pairs (${pts.length})`)
    const first = pts[0]
    const last = pts[pts.length - 1]
    if (
      first !== undefined &&
      last !== undefined &&
      (first.lat !== last.lat || first.lon !== last.lon)
    ) {
      f.error(p, 'ring not closed (first pair differs from last)')
    }
    pts.forEach((pt, j) => {
      if (Math.abs(pt.lat) > 90 || Math.abs(pt.lon) > 180) {
        f.error(p, `pair ${j} out of range: ${pt.lat},${pt.lon}`)
      }
    })
  })
  area.circles.forEach((c, i) => {
    const p = [...path, 'circle', i]
    if (Math.abs(c.center.lat) > 90 || Math.abs(c.center.lon) > 180) {
      f.error(p, `centre out of range: ${c.center.lat},${c.center.lon}`)
    }
    if (c.radiusKm < 0) f.error(p, `negative radius ${c.radiusKm} km`)
    else if (c.radiusKm === 0 && mode === 'publish') f.warn(p, 'zero radius')
  })
  if (area.ceilingFt !== undefined && area.altitudeFt === undefined) {
    f.error([...path, 'ceiling'], 'ceiling without altitude')
  }
  if (
    area.ceilingFt !== undefined &&
    area.altitudeFt !== undefined &&
    area.altitudeFt > area.ceilingFt
  ) {
    f.error([...path, 'altitude'], 'altitude above ceiling')
  }
  area.geocodes.forEach((g, i) => {
    if (g.valueName.trim() === '' || g.value.trim() === '') {
      f.warn([...path, 'geocode', i], 'empty geocode name or value')
    }
  })
  if (mode === 'publish') {
    if (area.polygons.length + area.circles.length + area.geocodes.length === 0) {
      f.error(path, 'area has no polygon, circle or geocode')
    } else if (area.polygons.length + area.circles.length === 0) {
      f.warn(path, 'geocodes only: prefer a polygon or circle')
    }
  }
}

function checkInfo(
  f: Findings,
  alert: CapAlert,
  info: CapInfo,
  path: Path,
  mode: CapProfileMode,
): void {
  if (!LANGUAGE.test(info.language)) {
    f.error([...path, 'language'], `"${info.language}" is not an RFC 3066 language tag`)
  }
  if (info.web !== undefined && !isAbsoluteUri(info.web)) {
    f.error([...path, 'web'], `"${info.web}" is not an absolute URI`)
  }
  info.resources.forEach((r, i) => {
    const p = [...path, 'resource', i]
    if (!MIME.test(r.mimeType)) f.error([...p, 'mimeType'], `"${r.mimeType}" is not type/subtype`)
    if (r.uri !== undefined && !isAbsoluteUri(r.uri) && r.derefUri === undefined) {
      f.error([...p, 'uri'], 'relative uri without derefUri')
    }
    if (r.derefUri !== undefined && !BASE64.test(r.derefUri)) {
      f.error([...p, 'derefUri'], 'not base64')
    }
    if (r.digest !== undefined && !SHA1.test(r.digest)) {
      f.error([...p, 'digest'], 'not a SHA-1 digest (40 hexadecimal digits)')
    }
  })
  info.areas.forEach((a, i) => checkArea(f, a, [...path, 'area', i], mode))
  if (mode !== 'publish') return
  const need = (name: string, v: unknown): void => {
    if (v === undefined || v === '') f.error([...path, name], 'required for publication')
  }
  need('description', info.description)
  need('web', info.web)
  need('expires', info.expires)
  if (info.categories.length === 0) f.error([...path, 'category'], 'at least one category')
  if (info.areas.length === 0) f.error([...path, 'area'], 'at least one area')
  const start = info.effective ?? alert.sent
  if (info.expires !== undefined && start.epochMs > info.expires.epochMs) {
    f.error([...path, 'expires'], 'expires before effective (or sent)')
  }
  for (const name of ['effective', 'onset', 'expires'] as const) {
    const t = info[name]
    if (t !== undefined && t.epochMs < alert.sent.epochMs) f.warn([...path, name], 'before sent')
  }
  if (info.senderName === undefined) f.warn([...path, 'senderName'], 'recommended')
  if (info.responseTypes.length === 0) f.warn([...path, 'responseType'], 'recommended')
  if (info.instruction === undefined) f.warn([...path, 'instruction'], 'recommended')
  if (info.contact === undefined) f.warn([...path, 'contact'], 'recommended')
  if (info.headline !== undefined && info.headline.length >= 140) {
    f.warn([...path, 'headline'], '140 characters or more')
  }
  const texts = [info.headline, info.description, info.instruction].filter((t) => t !== undefined)
  if (new Set(texts).size < texts.length) {
    f.warn(path, 'headline, description and instruction should differ')
  }
  for (const name of ['urgency', 'severity', 'certainty'] as const) {
    if (info[name] === 'Unknown') f.warn([...path, name], 'avoid Unknown')
  }
}

/**
 * Checks `alert` against the profile of {@link CapProfileMode}.
 * @returns every error and warning with its path (`info[1].area[0].polygon[0]`, from 0).
 */
export function checkCapProfile(alert: CapAlert, mode: CapProfileMode): CapProfileReport {
  const f = new Findings()
  // A1
  if (!TOKEN.test(alert.identifier)) {
    f.error(['identifier'], 'empty or contains whitespace, comma, "<" or "&"')
  }
  if (!TOKEN.test(alert.sender)) {
    f.error(['sender'], 'empty or contains whitespace, comma, "<" or "&"')
  }
  // A3, A4
  alert.references.forEach((r, i) => {
    if (!TOKEN.test(r.sender) || !TOKEN.test(r.identifier)) {
      f.error(
        ['references', i],
        'sender and identifier may not contain whitespace, comma, "<" or "&"',
      )
    }
  })
  if (alert.msgType !== 'Alert' && alert.references.length === 0) {
    f.error(['references'], `required for msgType ${alert.msgType}`)
  }
  // A5
  if (alert.scope === 'Private' && alert.addresses.length === 0) {
    f.error(['addresses'], 'required with scope Private')
  }
  if (alert.restriction !== undefined && alert.scope !== 'Restricted') {
    f.error(['restriction'], 'only with scope Restricted')
  }
  if (alert.scope === 'Restricted' && alert.restriction === undefined) {
    f.warn(['restriction'], 'recommended with scope Restricted')
  }
  // A14
  if (alert.status !== 'Actual') {
    f.warn(['status'], `${alert.status} message: never to reach the public as real`)
  }
  if ((alert.status === 'Exercise' || alert.msgType === 'Error') && alert.note === undefined) {
    f.warn(
      ['note'],
      `${alert.status === 'Exercise' ? 'Exercise' : 'Error'} should be explained in note`,
    )
  }
  // A12
  const seen = new Set<string>()
  alert.infos.forEach((info, i) => {
    const key = `${info.language}\u0000${info.audience ?? ''}`
    if (seen.has(key)) f.warn(['info', i], `second info for language ${info.language}`)
    seen.add(key)
    checkInfo(f, alert, info, ['info', i], mode)
  })
  if (mode === 'publish') checkPublishedAlert(f, alert)
  return { errors: f.errors, warnings: f.warnings }
}

function checkPublishedAlert(f: Findings, alert: CapAlert): void {
  if (alert.infos.length === 0) f.error(['info'], 'at least one info for publication')
  const first = alert.infos[0]
  if (first === undefined) return
  alert.infos.forEach((info, i) => {
    if (i === 0) return
    const p = ['info', i]
    if (!sameTime(info.effective, first.effective))
      f.error([...p, 'effective'], 'differs from info[0]')
    if (!sameTime(info.expires, first.expires)) f.error([...p, 'expires'], 'differs from info[0]')
    if (info.severity !== first.severity) f.error([...p, 'severity'], 'differs from info[0]')
    if (info.urgency !== first.urgency) f.error([...p, 'urgency'], 'differs from info[0]')
    if (info.certainty !== first.certainty) f.error([...p, 'certainty'], 'differs from info[0]')
    if (setKey(info.categories) !== setKey(first.categories)) {
      f.error([...p, 'category'], 'category set differs from info[0]')
    }
    if (valuesKey(info.eventCodes) !== valuesKey(first.eventCodes)) {
      f.error([...p, 'eventCode'], 'eventCode set differs from info[0]')
    }
  })
  if (alert.status !== 'Actual') f.error(['status'], 'only Actual alerts are published')
}
