/**
 * Writes a {@link CapAlert} as CAP 1.2 XML with xmlbuilder2, every element in the order of the
 * schema's `xs:sequence`, times as `YYYY-MM-DDThh:mm:ss±hh:mm` (UTC as `-00:00`) and polygon
 * rings closed. Lists (addresses, incidents) are space-delimited, values with spaces quoted.
 */
import { create } from 'xmlbuilder2'
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js'
import type {
  CapAlert,
  CapArea,
  CapCircle,
  CapInfo,
  CapPolygon,
  CapValue,
  LatLon,
} from './model.ts'
import { CAP_NS } from './model.ts'
import { formatCapTime } from './time.ts'

/** Writes a decimal number without exponent (CAP coordinates are plain decimals). */
export function formatDecimal(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`)
  const s = String(x)
  if (!/e/i.test(s)) return s
  return x.toFixed(12).replace(/\.?0+$/, '')
}

const pair = (p: LatLon): string => `${formatDecimal(p.lat)},${formatDecimal(p.lon)}`

/** A polygon as CAP text: `lat,lon` pairs separated by spaces, the ring closed. */
export function polygonText(polygon: CapPolygon): string {
  const pts = [...polygon.points]
  const first = pts[0]
  const last = pts[pts.length - 1]
  if (
    first !== undefined &&
    last !== undefined &&
    (first.lat !== last.lat || first.lon !== last.lon)
  ) {
    pts.push(first)
  }
  return pts.map(pair).join(' ')
}

/** A circle as CAP text: `lat,lon radius` (km). */
export const circleText = (c: CapCircle): string => `${pair(c.center)} ${formatDecimal(c.radiusKm)}`

/**
 * A space-delimited CAP list; values containing whitespace are put in double quotes.
 * @throws Error when a value is empty or contains a double quote (CAP lists cannot hold them).
 */
export function listText(values: readonly string[]): string {
  return values
    .map((v) => {
      if (v === '' || v.includes('"'))
        throw new Error(`cannot write list value ${JSON.stringify(v)}`)
      return /\s/.test(v) ? `"${v}"` : v
    })
    .join(' ')
}

/**
 * Escapes `&` before xmlbuilder2 sees the text: it leaves anything shaped like an entity
 * reference (`&x;`) unescaped, which would turn text into markup.
 */
export const escapeAmpersands = (s: string): string => s.replace(/&/g, '&amp;')

function text(parent: XMLBuilder, name: string, value: string | undefined): void {
  if (value !== undefined) parent.ele(CAP_NS, name).txt(escapeAmpersands(value))
}

function values(parent: XMLBuilder, name: string, list: readonly CapValue[]): void {
  for (const v of list) {
    const e = parent.ele(CAP_NS, name)
    text(e, 'valueName', v.valueName)
    text(e, 'value', v.value)
  }
}

function writeArea(parent: XMLBuilder, area: CapArea): void {
  const a = parent.ele(CAP_NS, 'area')
  text(a, 'areaDesc', area.areaDesc)
  for (const p of area.polygons) text(a, 'polygon', polygonText(p))
  for (const c of area.circles) text(a, 'circle', circleText(c))
  values(a, 'geocode', area.geocodes)
  if (area.altitudeFt !== undefined) text(a, 'altitude', formatDecimal(area.altitudeFt))
  if (area.ceilingFt !== undefined) text(a, 'ceiling', formatDecimal(area.ceilingFt))
}

function writeInfo(parent: XMLBuilder, info: CapInfo): void {
  const i = parent.ele(CAP_NS, 'info')
  text(i, 'language', info.language)
  for (const c of info.categories) text(i, 'category', c)
  text(i, 'event', info.event)
  for (const r of info.responseTypes) text(i, 'responseType', r)
  text(i, 'urgency', info.urgency)
  text(i, 'severity', info.severity)
  text(i, 'certainty', info.certainty)
  text(i, 'audience', info.audience)
  values(i, 'eventCode', info.eventCodes)
  if (info.effective !== undefined) text(i, 'effective', formatCapTime(info.effective))
  if (info.onset !== undefined) text(i, 'onset', formatCapTime(info.onset))
  if (info.expires !== undefined) text(i, 'expires', formatCapTime(info.expires))
  text(i, 'senderName', info.senderName)
  text(i, 'headline', info.headline)
  text(i, 'description', info.description)
  text(i, 'instruction', info.instruction)
  text(i, 'web', info.web)
  text(i, 'contact', info.contact)
  values(i, 'parameter', info.parameters)
  for (const r of info.resources) {
    const e = i.ele(CAP_NS, 'resource')
    text(e, 'resourceDesc', r.resourceDesc)
    text(e, 'mimeType', r.mimeType)
    if (r.size !== undefined) text(e, 'size', String(r.size))
    text(e, 'uri', r.uri)
    text(e, 'derefUri', r.derefUri)
    text(e, 'digest', r.digest)
  }
  for (const a of info.areas) writeArea(i, a)
}

/**
 * The CAP 1.2 XML document of `alert` (UTF-8, with XML declaration, indented).
 * Does not check the profile: run `checkCapProfile(alert, 'publish')` before publishing.
 * @throws Error when a time is not a whole second or a number is not finite.
 */
export function writeCap(alert: CapAlert): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' })
  const root = doc.ele(CAP_NS, 'alert')
  text(root, 'identifier', alert.identifier)
  text(root, 'sender', alert.sender)
  text(root, 'sent', formatCapTime(alert.sent))
  text(root, 'status', alert.status)
  text(root, 'msgType', alert.msgType)
  text(root, 'source', alert.source)
  text(root, 'scope', alert.scope)
  text(root, 'restriction', alert.restriction)
  if (alert.addresses.length > 0) text(root, 'addresses', listText(alert.addresses))
  for (const c of alert.codes) text(root, 'code', c)
  text(root, 'note', alert.note)
  if (alert.references.length > 0) {
    const refs = alert.references.map((r) => `${r.sender},${r.identifier},${formatCapTime(r.sent)}`)
    text(root, 'references', refs.join(' '))
  }
  if (alert.incidents.length > 0) text(root, 'incidents', listText(alert.incidents))
  for (const info of alert.infos) writeInfo(root, info)
  return doc.end({ prettyPrint: true }) + '\n'
}
