/**
 * How values that SQL has no column type for are kept: arrays of doubles as byte strings of
 * IEEE 754 binary64 little-endian numbers (bit for bit, NaN payloads and −0 included),
 * documents as JSON, and an optional position as two nullable columns `lat` and `lon`.
 */
import { endianness } from 'node:os'
import { latLonOf, type LatLon } from '../core/geo.ts'
import type { StoreDialect } from './dialect.ts'

const BIG_ENDIAN_HOST = endianness() === 'BE'

/**
 * Packs equally long rows of doubles into one byte string, row after row, each number as 8
 * bytes little-endian.
 *
 * @param rows the rows (e.g. ensemble members), each `cols` long
 * @param cols the length every row must have (e.g. lead steps)
 * @param what names the rows in error messages (e.g. `precip`)
 * @throws Error when a row has another length (a programmer error: the caller's shape is wrong)
 */
export function packRows(rows: readonly Float64Array[], cols: number, what: string): Buffer {
  const out = Buffer.allocUnsafe(rows.length * cols * 8)
  let offset = 0
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    if (r.length !== cols)
      throw new Error(`${what}[${i}] has ${r.length} values where ${cols} were expected`)
    // Copying bytes rather than numbers keeps NaN payloads that a number round trip may not.
    out.set(new Uint8Array(r.buffer, r.byteOffset, r.byteLength), offset)
    offset += r.byteLength
  }
  if (BIG_ENDIAN_HOST) out.swap64()
  return out
}

/**
 * Unpacks a byte string of {@link packRows} into `count` rows of `cols` doubles each, in fresh
 * arrays (the byte string may be reused by the driver).
 *
 * @param what names the rows in error messages
 *
 * @throws Error when the byte string does not hold exactly `count × cols` doubles (a corrupt row)
 */
export function unpackRows(
  bytes: Uint8Array,
  count: number,
  cols: number,
  what: string,
): Float64Array[] {
  if (bytes.byteLength !== count * cols * 8)
    throw new Error(
      `${what}: ${bytes.byteLength} bytes stored where ${count}×${cols} doubles were expected`,
    )
  // One aligned copy (a driver's Buffer may sit at any offset of a shared pool), then views.
  const all = new Float64Array(count * cols)
  const raw = new Uint8Array(all.buffer)
  raw.set(bytes)
  if (BIG_ENDIAN_HOST) Buffer.from(all.buffer).swap64()
  const rows: Float64Array[] = new Array<Float64Array>(count)
  for (let i = 0; i < count; i++) rows[i] = all.slice(i * cols, (i + 1) * cols)
  return rows
}

/**
 * Serialises a document to JSON text.
 *
 * @param what names the document in error messages
 *
 * @throws Error when it holds a number JSON cannot represent (NaN, ±Infinity), which
 *   `JSON.stringify` would silently turn into `null`
 */
export function toJson(value: unknown, what: string): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v))
      throw new Error(`${what}: ${v} cannot be stored as JSON`)
    return v
  })
}

/** Reads back a JSON column: parsed by the driver, or text to parse, or SQL NULL. */
export function fromJson(dialect: StoreDialect, stored: unknown): unknown {
  if (stored === null || stored === undefined) return null
  return dialect.jsonParsedByDriver ? stored : JSON.parse(stored as string)
}

/**
 * `{ location }` from a row's `lat` and `lon` columns (WGS84 degrees), or `{}` when both are
 * null, to spread into a record whose `location` is optional.
 * @throws Error when only one of them is set (the schema's check keeps both or neither)
 */
export function located(row: { lat: number | null; lon: number | null }): { location?: LatLon } {
  const location = latLonOf(row.lat, row.lon)
  return location === undefined ? {} : { location }
}
