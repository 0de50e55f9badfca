/**
 * A typed model of a CAP 1.2 alert (OASIS CAP-v1.2-os, section 3). Element order, enumerations
 * and cardinalities follow the official schema `data/cap/CAP-v1.2.xsd`; coordinates are WGS 84
 * decimal degrees held as named fields so latitude and longitude cannot be swapped.
 */

/** `alert/status` values (CAP 1.2 §3.2.1). */
export const CAP_STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const
export type CapStatus = (typeof CAP_STATUSES)[number]

/** `alert/msgType` values. */
export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const
export type CapMsgType = (typeof CAP_MSG_TYPES)[number]

/** `alert/scope` values. */
export const CAP_SCOPES = ['Public', 'Restricted', 'Private'] as const
export type CapScope = (typeof CAP_SCOPES)[number]

/** `info/category` values. */
export const CAP_CATEGORIES = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const
export type CapCategory = (typeof CAP_CATEGORIES)[number]

/** `info/responseType` values. */
export const CAP_RESPONSE_TYPES = [
  'Shelter',
  'Evacuate',
  'Prepare',
  'Execute',
  'Avoid',
  'Monitor',
  'Assess',
  'AllClear',
  'None',
] as const
export type CapResponseType = (typeof CAP_RESPONSE_TYPES)[number]

/** `info/urgency` values. */
export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const
export type CapUrgency = (typeof CAP_URGENCIES)[number]

/** `info/severity` values. */
export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const
export type CapSeverity = (typeof CAP_SEVERITIES)[number]

/** `info/certainty` values. */
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const
export type CapCertainty = (typeof CAP_CERTAINTIES)[number]

/** The CAP 1.2 XML namespace. */
export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2'

/**
 * An instant as CAP writes it: the UTC instant (ms since 1970-01-01T00:00:00Z, whole seconds)
 * and the local offset it is shown in (minutes east of UTC; 0 is written `-00:00`).
 */
export interface CapTime {
  readonly epochMs: number
  readonly offsetMinutes: number
}

/** A WGS 84 position in decimal degrees (latitude first in CAP text, named here). */
export interface LatLon {
  readonly lat: number
  readonly lon: number
}

/** A polygon ring: the positions in order; a published ring is closed (first == last). */
export interface CapPolygon {
  readonly points: readonly LatLon[]
}

/** A circle: centre and radius in kilometres. */
export interface CapCircle {
  readonly center: LatLon
  readonly radiusKm: number
}

/** A `valueName`/`value` pair (eventCode, parameter, geocode). */
export interface CapValue {
  readonly valueName: string
  readonly value: string
}

/** An `info/area`: several polygons and circles form a union; altitude and ceiling in feet. */
export interface CapArea {
  readonly areaDesc: string
  readonly polygons: readonly CapPolygon[]
  readonly circles: readonly CapCircle[]
  readonly geocodes: readonly CapValue[]
  readonly altitudeFt?: number
  readonly ceilingFt?: number
}

/** An `info/resource`: a file that goes with the alert (size in bytes, digest SHA-1 hex). */
export interface CapResource {
  readonly resourceDesc: string
  readonly mimeType: string
  readonly size?: number
  readonly uri?: string
  readonly derefUri?: string
  readonly digest?: string
}

/** One `info` block: one language (and/or audience) of the alert. */
export interface CapInfo {
  /** RFC 3066 tag; the schema's default `en-US` when the element is absent or empty. */
  readonly language: string
  readonly categories: readonly CapCategory[]
  readonly event: string
  readonly responseTypes: readonly CapResponseType[]
  readonly urgency: CapUrgency
  readonly severity: CapSeverity
  readonly certainty: CapCertainty
  readonly audience?: string
  readonly eventCodes: readonly CapValue[]
  readonly effective?: CapTime
  readonly onset?: CapTime
  readonly expires?: CapTime
  readonly senderName?: string
  readonly headline?: string
  readonly description?: string
  readonly instruction?: string
  readonly web?: string
  readonly contact?: string
  readonly parameters: readonly CapValue[]
  readonly resources: readonly CapResource[]
  readonly areas: readonly CapArea[]
}

/** A reference to an earlier message: its `sender,identifier,sent` triple. */
export interface CapReference {
  readonly sender: string
  readonly identifier: string
  readonly sent: CapTime
}

/** A CAP 1.2 `alert`. Space-delimited lists (addresses, incidents) are held as arrays. */
export interface CapAlert {
  readonly identifier: string
  readonly sender: string
  readonly sent: CapTime
  readonly status: CapStatus
  readonly msgType: CapMsgType
  readonly source?: string
  readonly scope: CapScope
  readonly restriction?: string
  readonly addresses: readonly string[]
  readonly codes: readonly string[]
  readonly note?: string
  readonly references: readonly CapReference[]
  readonly incidents: readonly string[]
  readonly infos: readonly CapInfo[]
}

/** Whether `value` is one of `values` (narrows it). */
export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value)
}

/**
 * A closed polygon ring from positions: appends the first position when the last differs.
 * @throws Error when fewer than 3 distinct positions are given (a ring needs 4 pairs in CAP).
 */
export function closedRing(points: readonly LatLon[]): CapPolygon {
  const first = points[0]
  const last = points[points.length - 1]
  if (first === undefined || last === undefined || points.length < 3) {
    throw new Error('a polygon needs at least 3 positions')
  }
  const closed = first.lat === last.lat && first.lon === last.lon
  return { points: closed ? [...points] : [...points, first] }
}
