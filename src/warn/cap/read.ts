/**
 * Reads CAP 1.2 XML from outside into a {@link CapAlert}. The text first passes
 * {@link screenXml} (size limit; DOCTYPE, DTD, entities and XInclude refused), then
 * fast-xml-parser reads it with entity processing off; only the five predefined entities and
 * character references are decoded here. Nothing is ever fetched. Every problem is reported with
 * its path (`info[1].area[0].polygon[0]`, indices from 0).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import type { Issue, Result } from '../../core/result.ts'
import { fail, ok } from '../../core/result.ts'
import type {
  CapAlert,
  CapArea,
  CapCircle,
  CapInfo,
  CapPolygon,
  CapReference,
  CapResource,
  CapTime,
  CapValue,
  LatLon,
} from './model.ts'
import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_MSG_TYPES,
  CAP_NS,
  CAP_RESPONSE_TYPES,
  CAP_SCOPES,
  CAP_SEVERITIES,
  CAP_STATUSES,
  CAP_URGENCIES,
  isOneOf,
} from './model.ts'
import { parseCapTime } from './time.ts'
import type { XmlIntakeOptions } from './xml-input.ts'
import { screenXml } from './xml-input.ts'

type Path = readonly (string | number)[]
type Node = Record<string, unknown>

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/**
 * Decodes the predefined entities and character references of XML text.
 * @returns the text, or `undefined` when it holds any other entity reference.
 */
export function decodeXmlText(raw: string): string | undefined {
  let bad = false
  const out = raw.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) {
      bad = true
      return whole
    }
    const pre = PREDEFINED[name]
    if (pre !== undefined) return pre
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name)
    const code = m === null ? NaN : m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2])
    if (!Number.isInteger(code) || code > 0x10ffff) {
      bad = true
      return whole
    }
    return String.fromCodePoint(code)
  })
  return bad ? undefined : out
}

/** Parses CAP/Atom-style XML into plain objects: every element an array, attributes `@_x`. */
export function parseXmlTree(text: string): Result<Node> {
  const valid = XMLValidator.validate(text)
  if (valid !== true) {
    const e = valid.err
    return fail([{ path: ['document'], message: `not well-formed XML (line ${e.line}): ${e.msg}` }])
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: '#cdata',
    trimValues: true,
    isArray: (_name, _jpath, _leaf, isAttribute) => !isAttribute,
  })
  return ok(parser.parse(text) as Node)
}

const localName = (key: string): string => key.slice(key.indexOf(':') + 1)
const prefixOf = (key: string): string => (key.includes(':') ? key.slice(0, key.indexOf(':')) : '')

class Reader {
  readonly issues: Issue[] = []
  private readonly prefix: string
  constructor(prefix: string) {
    this.prefix = prefix
  }

  issue(path: Path, message: string): void {
    this.issues.push({ path, message })
  }

  /** The CAP child elements of `node` (prefix removed); foreign-namespace elements skipped. */
  kids(node: Node, path: Path, allowed: readonly string[]): Map<string, unknown[]> {
    const out = new Map<string, unknown[]>()
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('@_')) continue
      if (key === '#text') {
        this.issue(path, 'unexpected text content')
        continue
      }
      if (key === '#cdata') {
        this.issue(path, 'unexpected CDATA content')
        continue
      }
      const list = Array.isArray(value) ? value : [value]
      const foreign = prefixOf(key) !== this.prefix || list.every(isForeign)
      if (foreign) continue
      const name = localName(key)
      if (!allowed.includes(name)) {
        this.issue([...path, name], 'unexpected element')
        continue
      }
      out.set(name, list)
    }
    return out
  }

  text(value: unknown, path: Path): string | undefined {
    if (typeof value === 'string') return this.decode(value, path)
    if (value === null || typeof value !== 'object') return ''
    let s = ''
    for (const [k, v] of Object.entries(value as Node)) {
      if (k.startsWith('@_')) continue
      const parts = Array.isArray(v) ? v : [v]
      if (k === '#text') s += parts.map((p) => this.decode(String(p), path) ?? '').join('')
      else if (k === '#cdata') s += parts.map((p) => cdataText(p)).join('')
      else {
        this.issue(path, 'expected text, found elements')
        return undefined
      }
    }
    return s
  }

  decode(raw: string, path: Path): string | undefined {
    const t = decodeXmlText(raw)
    if (t === undefined) this.issue(path, 'undeclared entity reference')
    return t
  }

  one(
    kids: Map<string, unknown[]>,
    name: string,
    path: Path,
    required: boolean,
  ): string | undefined {
    const list = kids.get(name) ?? []
    if (list.length === 0) {
      if (required) this.issue([...path, name], 'required element missing')
      return undefined
    }
    if (list.length > 1) this.issue([...path, name], `appears ${list.length} times (at most once)`)
    return this.text(list[0], [...path, name])
  }

  /** An optional text element; empty text is read as absent. */
  opt(kids: Map<string, unknown[]>, name: string, path: Path): string | undefined {
    const t = this.one(kids, name, path, false)
    return t === '' ? undefined : t
  }

  many(kids: Map<string, unknown[]>, name: string, path: Path): string[] {
    const out: string[] = []
    ;(kids.get(name) ?? []).forEach((v, i) => {
      const t = this.text(v, [...path, name, i])
      if (t !== undefined) out.push(t)
    })
    return out
  }

  oneOf<T extends string>(
    kids: Map<string, unknown[]>,
    name: string,
    path: Path,
    values: readonly T[],
  ): T | undefined {
    const t = this.one(kids, name, path, true)
    if (t === undefined) return undefined
    if (isOneOf(values, t)) return t
    this.issue([...path, name], `"${t}" is not one of ${values.join(', ')}`)
    return undefined
  }

  manyOf<T extends string>(
    kids: Map<string, unknown[]>,
    name: string,
    path: Path,
    values: readonly T[],
  ): T[] {
    const out: T[] = []
    this.many(kids, name, path).forEach((t, i) => {
      if (isOneOf(values, t)) out.push(t)
      else this.issue([...path, name, i], `"${t}" is not one of ${values.join(', ')}`)
    })
    return out
  }

  time(
    kids: Map<string, unknown[]>,
    name: string,
    path: Path,
    required: boolean,
  ): CapTime | undefined {
    const t = required ? this.one(kids, name, path, true) : this.opt(kids, name, path)
    if (t === undefined) return undefined
    const v = parseCapTime(t)
    if (v === undefined) {
      this.issue([...path, name], `"${t}" is not a CAP date-time (YYYY-MM-DDThh:mm:ss±hh:mm)`)
    }
    return v
  }

  elements(kids: Map<string, unknown[]>, name: string): Node[] {
    return (kids.get(name) ?? []).map((v) =>
      v !== null && typeof v === 'object' ? (v as Node) : {},
    )
  }

  valuePairs(kids: Map<string, unknown[]>, name: string, path: Path): CapValue[] {
    return this.elements(kids, name).map((node, i) => {
      const p = [...path, name, i]
      const k = this.kids(node, p, ['valueName', 'value'])
      return {
        valueName: this.one(k, 'valueName', p, true) ?? '',
        value: this.one(k, 'value', p, true) ?? '',
      }
    })
  }
}

function isForeign(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false
  const ns = (v as Node)['@_xmlns']
  return typeof ns === 'string' && ns !== CAP_NS
}

function cdataText(p: unknown): string {
  if (typeof p === 'string') return p
  if (p !== null && typeof p === 'object' && '#text' in p) return String((p as Node)['#text'])
  return ''
}

/**
 * Splits a CAP space-delimited list; values in double quotes may contain spaces.
 * @returns the values, or `undefined` when a quote is not closed.
 */
export function splitCapList(text: string): string[] | undefined {
  const out: string[] = []
  const re = /"([^"]*)"|([^\s"]+)|(")/g
  for (const m of text.matchAll(re)) {
    if (m[3] !== undefined) return undefined
    out.push(m[1] ?? m[2] ?? '')
  }
  return out
}

const NUM = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)'
const PAIR = new RegExp(`^(${NUM}),(${NUM})$`)
const CIRCLE = new RegExp(`^(${NUM}),(${NUM})\\s+(${NUM})$`)

function parsePair(s: string): LatLon | undefined {
  const m = PAIR.exec(s)
  return m === null ? undefined : { lat: Number(m[1]), lon: Number(m[2]) }
}

/** Reads CAP polygon text (`lat,lon lat,lon …`); `undefined` when a pair is malformed. */
export function parsePolygonText(text: string): CapPolygon | undefined {
  const pairs = text
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '')
  const points: LatLon[] = []
  for (const s of pairs) {
    const p = parsePair(s)
    if (p === undefined) return undefined
    points.push(p)
  }
  return { points }
}

/** Reads CAP circle text (`lat,lon radius`, km); `undefined` when malformed. */
export function parseCircleText(text: string): CapCircle | undefined {
  const m = CIRCLE.exec(text.trim())
  if (m === null) return undefined
  return { center: { lat: Number(m[1]), lon: Number(m[2]) }, radiusKm: Number(m[3]) }
}

function readNumber(
  r: Reader,
  k: Map<string, unknown[]>,
  name: string,
  path: Path,
): number | undefined {
  const t = r.opt(k, name, path)
  if (t === undefined) return undefined
  if (!new RegExp(`^${NUM}$`).test(t.trim())) {
    r.issue([...path, name], `"${t}" is not a number`)
    return undefined
  }
  return Number(t)
}

function readArea(r: Reader, node: Node, path: Path): CapArea {
  const k = r.kids(node, path, ['areaDesc', 'polygon', 'circle', 'geocode', 'altitude', 'ceiling'])
  const polygons: CapPolygon[] = []
  r.many(k, 'polygon', path).forEach((t, i) => {
    const p = parsePolygonText(t)
    if (p === undefined) r.issue([...path, 'polygon', i], 'not a list of "lat,lon" pairs')
    else polygons.push(p)
  })
  const circles: CapCircle[] = []
  r.many(k, 'circle', path).forEach((t, i) => {
    const c = parseCircleText(t)
    if (c === undefined) r.issue([...path, 'circle', i], 'not "lat,lon radius"')
    else circles.push(c)
  })
  const altitudeFt = readNumber(r, k, 'altitude', path)
  const ceilingFt = readNumber(r, k, 'ceiling', path)
  return {
    areaDesc: r.one(k, 'areaDesc', path, true) ?? '',
    polygons,
    circles,
    geocodes: r.valuePairs(k, 'geocode', path),
    ...(altitudeFt === undefined ? {} : { altitudeFt }),
    ...(ceilingFt === undefined ? {} : { ceilingFt }),
  }
}

function readResource(r: Reader, node: Node, path: Path): CapResource {
  const k = r.kids(node, path, ['resourceDesc', 'mimeType', 'size', 'uri', 'derefUri', 'digest'])
  const sizeText = r.opt(k, 'size', path)
  let size: number | undefined
  if (sizeText !== undefined) {
    if (/^\d+$/.test(sizeText)) size = Number(sizeText)
    else r.issue([...path, 'size'], `"${sizeText}" is not a whole number of bytes`)
  }
  return dropUndefined({
    resourceDesc: r.one(k, 'resourceDesc', path, true) ?? '',
    mimeType: r.one(k, 'mimeType', path, true) ?? '',
    size,
    uri: r.opt(k, 'uri', path),
    derefUri: r.opt(k, 'derefUri', path),
    digest: r.opt(k, 'digest', path),
  })
}

const INFO_KIDS = [
  'language',
  'category',
  'event',
  'responseType',
  'urgency',
  'severity',
  'certainty',
  'audience',
  'eventCode',
  'effective',
  'onset',
  'expires',
  'senderName',
  'headline',
  'description',
  'instruction',
  'web',
  'contact',
  'parameter',
  'resource',
  'area',
]

function readInfo(r: Reader, node: Node, path: Path): CapInfo {
  const k = r.kids(node, path, INFO_KIDS)
  const language = r.opt(k, 'language', path) ?? 'en-US'
  return dropUndefined({
    language,
    categories: r.manyOf(k, 'category', path, CAP_CATEGORIES),
    event: r.one(k, 'event', path, true) ?? '',
    responseTypes: r.manyOf(k, 'responseType', path, CAP_RESPONSE_TYPES),
    urgency: r.oneOf(k, 'urgency', path, CAP_URGENCIES) ?? 'Unknown',
    severity: r.oneOf(k, 'severity', path, CAP_SEVERITIES) ?? 'Unknown',
    certainty: r.oneOf(k, 'certainty', path, CAP_CERTAINTIES) ?? 'Unknown',
    audience: r.opt(k, 'audience', path),
    eventCodes: r.valuePairs(k, 'eventCode', path),
    effective: r.time(k, 'effective', path, false),
    onset: r.time(k, 'onset', path, false),
    expires: r.time(k, 'expires', path, false),
    senderName: r.opt(k, 'senderName', path),
    headline: r.opt(k, 'headline', path),
    description: r.opt(k, 'description', path),
    instruction: r.opt(k, 'instruction', path),
    web: r.opt(k, 'web', path),
    contact: r.opt(k, 'contact', path),
    parameters: r.valuePairs(k, 'parameter', path),
    resources: r
      .elements(k, 'resource')
      .map((n, i) => readResource(r, n, [...path, 'resource', i])),
    areas: r.elements(k, 'area').map((n, i) => readArea(r, n, [...path, 'area', i])),
  })
}

const TRIPLE = /^([^\s,&<]+),([^\s,&<]+),(\S+)$/

function readReferences(r: Reader, text: string | undefined): CapReference[] {
  if (text === undefined) return []
  const out: CapReference[] = []
  text
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '')
    .forEach((s, i) => {
      const m = TRIPLE.exec(s)
      const sent = m?.[3] === undefined ? undefined : parseCapTime(m[3])
      if (m === null || sent === undefined) {
        r.issue(['references', i], `"${s}" is not a sender,identifier,sent triple`)
      } else {
        out.push({ sender: m[1] ?? '', identifier: m[2] ?? '', sent })
      }
    })
  return out
}

function readList(r: Reader, text: string | undefined, name: string): string[] {
  if (text === undefined) return []
  const list = splitCapList(text)
  if (list === undefined) r.issue([name], 'unbalanced double quote')
  return list ?? []
}

const ALERT_KIDS = [
  'identifier',
  'sender',
  'sent',
  'status',
  'msgType',
  'source',
  'scope',
  'restriction',
  'addresses',
  'code',
  'note',
  'references',
  'incidents',
  'info',
]

/** Options of {@link readCap}. */
export type ReadCapOptions = XmlIntakeOptions

/**
 * Reads a CAP 1.2 document (text, or bytes decoded by their declared encoding).
 * Structure is read leniently enough to report every problem at once; element order is the
 * schema's business ({@link CapXsdValidator}), formats beyond it are {@link checkCapProfile}'s.
 * @returns the alert, or every problem found with its path.
 */
export function readCap(
  input: string | Uint8Array,
  options: ReadCapOptions = {},
): Result<CapAlert> {
  const screened = screenXml(input, options)
  if (!screened.ok) return screened
  const tree = parseXmlTree(screened.value)
  if (!tree.ok) return tree
  const rootKeys = Object.keys(tree.value).filter((k) => !k.startsWith('#') && !k.startsWith('@_'))
  const rootKey = rootKeys[0]
  if (rootKeys.length !== 1 || rootKey === undefined || localName(rootKey) !== 'alert') {
    return fail([{ path: ['document'], message: 'the root element is not <alert>' }])
  }
  const rootList = tree.value[rootKey] as unknown[]
  const node = (rootList[0] ?? {}) as Node
  const prefix = prefixOf(rootKey)
  const ns = node[prefix === '' ? '@_xmlns' : `@_xmlns:${prefix}`]
  if (ns !== CAP_NS) {
    return fail([
      { path: ['alert'], message: `not a CAP 1.2 alert: namespace ${String(ns ?? '(none)')}` },
    ])
  }
  const r = new Reader(prefix)
  const k = r.kids(node, [], ALERT_KIDS)
  const alert: CapAlert = dropUndefined({
    identifier: r.one(k, 'identifier', [], true) ?? '',
    sender: r.one(k, 'sender', [], true) ?? '',
    sent: r.time(k, 'sent', [], true) ?? { epochMs: 0, offsetMinutes: 0 },
    status: r.oneOf(k, 'status', [], CAP_STATUSES) ?? 'Actual',
    msgType: r.oneOf(k, 'msgType', [], CAP_MSG_TYPES) ?? 'Alert',
    source: r.opt(k, 'source', []),
    scope: r.oneOf(k, 'scope', [], CAP_SCOPES) ?? 'Public',
    restriction: r.opt(k, 'restriction', []),
    addresses: readList(r, r.opt(k, 'addresses', []), 'addresses'),
    codes: r.many(k, 'code', []),
    note: r.opt(k, 'note', []),
    references: readReferences(r, r.opt(k, 'references', [])),
    incidents: readList(r, r.opt(k, 'incidents', []), 'incidents'),
    infos: r.elements(k, 'info').map((n, i) => readInfo(r, n, ['info', i])),
  })
  return r.issues.length > 0 ? fail(r.issues) : ok(alert)
}

/** Removes keys whose value is `undefined` (the model's optional fields are absent, not undefined). */
function dropUndefined<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out as T
}
