/**
 * Points on the Earth, for records that may carry a position (command posts, shelters). A
 * position is WGS84 latitude and longitude in decimal degrees, named as depots name theirs.
 */
import type { Issue } from './result.ts'

/** A point: latitude and longitude, WGS84 decimal degrees. */
export interface LatLon {
  /** Latitude, degrees north, −90 … 90. */
  readonly lat: number
  /** Longitude, degrees east, −180 … 180. */
  readonly lon: number
}

/**
 * The problems of a position: `lat` must be a finite number in [−90, 90] and `lon` one in
 * [−180, 180], both given (a position with only one of them is refused for the other).
 *
 * @param p the position, degrees (checked whatever its static type, since it may come from JSON)
 * @param path where the position is, prefixed to each issue's path (`[...path, 'lat']`)
 * @param what the record the position belongs to, named in each message (e.g. `post fr.aube`)
 * @returns every problem, empty when the position is valid
 */
export function latLonIssues(p: LatLon, path: readonly (string | number)[], what: string): Issue[] {
  const issues: Issue[] = []
  const check = (key: 'lat' | 'lon', name: string, limit: number): void => {
    const v: unknown = (p as unknown as Record<string, unknown>)[key]
    if (v === undefined || v === null)
      issues.push({
        path: [...path, key],
        message: `${what}: a location needs both lat and lon; ${key} is missing`,
      })
    else if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > limit)
      issues.push({
        path: [...path, key],
        message: `${what}: must be a ${name} in [-${limit}, ${limit}] degrees, got ${String(v)}`,
      })
  }
  check('lat', 'latitude', 90)
  check('lon', 'longitude', 180)
  return issues
}

/**
 * A position from two nullable columns or fields (degrees): both set gives the point, both
 * null gives undefined.
 * @throws Error when only one of them is set (the store keeps both or neither)
 */
export function latLonOf(lat: number | null, lon: number | null): LatLon | undefined {
  if (lat === null && lon === null) return undefined
  if (lat === null || lon === null)
    throw new Error(`a position needs both lat and lon, got lat ${lat}, lon ${lon}`)
  return { lat, lon }
}
