/**
 * Which depots can serve which areas (the arcs of the allocation model), with their distances.
 *
 * Real relief is moved from depots within reach: a district is supplied from the few depots
 * around it, not from the far end of the country, and restricting the arcs keeps the linear
 * programme small (2,000 areas × 100 depots is 200,000 arcs per item; the 8 nearest, 16,000).
 */
import type { Issue } from '../core/result.ts'

/** Mean Earth radius (km), IUGG. */
const EARTH_RADIUS_KM = 6371.0088

/**
 * Which depots serve an area:
 * - `all`: every depot;
 * - `nearest`: the `k` nearest depots by great-circle distance (ties: the lower depot index);
 * - `within`: every depot within `maxKm` (an area with none gets no supply and stays unmet).
 */
export type Reach =
  | { readonly kind: 'all' }
  | { readonly kind: 'nearest'; readonly k: number }
  | { readonly kind: 'within'; readonly maxKm: number }

/** The arcs, grouped by area (area 0's arcs first), each group by increasing distance. */
export interface Network {
  readonly numDepots: number
  readonly numAreas: number
  /** Depot index of each arc. */
  readonly arcDepot: Int32Array
  /** Area index of each arc. */
  readonly arcArea: Int32Array
  /** Great-circle distance of each arc (km). */
  readonly arcKm: Float64Array
  /** Arcs of area a: `areaStart[a] … areaStart[a+1] − 1`. */
  readonly areaStart: Int32Array
}

/** A position in WGS84 degrees. */
export interface Position {
  readonly lat: number
  readonly lon: number
}

/**
 * Great-circle distance by the haversine formula on a sphere of the mean Earth radius.
 * @returns kilometres
 */
export function greatCircleKm(a: Position, b: Position): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const s =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(s)))
}

/** Problems with a reach setting (path `['reach', …]`). */
export function checkReach(reach: Reach): Issue[] {
  switch (reach.kind) {
    case 'all':
      return []
    case 'nearest':
      return Number.isInteger(reach.k) && reach.k >= 1
        ? []
        : [{ path: ['reach', 'k'], message: `must be an integer ≥ 1, got ${reach.k}` }]
    case 'within':
      return Number.isFinite(reach.maxKm) && reach.maxKm > 0
        ? []
        : [{ path: ['reach', 'maxKm'], message: `must be a finite number > 0, got ${reach.maxKm}` }]
  }
}

/**
 * The arcs from depots to areas under `reach`.
 * @param depots positions, WGS84 degrees
 * @param areas positions, WGS84 degrees
 */
export function buildNetwork(
  depots: readonly Position[],
  areas: readonly Position[],
  reach: Reach,
): Network {
  const D = depots.length
  const A = areas.length
  const perArea = reach.kind === 'nearest' ? Math.min(reach.k, D) : D
  const depot: number[] = []
  const area: number[] = []
  const km: number[] = []
  const areaStart = new Int32Array(A + 1)
  const dist = new Float64Array(D)
  const order = new Int32Array(D)
  for (let a = 0; a < A; a++) {
    areaStart[a] = depot.length
    for (let d = 0; d < D; d++) {
      dist[d] = greatCircleKm(depots[d]!, areas[a]!)
      order[d] = d
    }
    // Selection of the `perArea` nearest by insertion into the sorted prefix of `order`.
    let n = 0
    for (let d = 0; d < D; d++) {
      if (reach.kind === 'within' && dist[d]! > reach.maxKm) continue
      if (n === perArea && dist[d]! >= dist[order[n - 1]!]!) continue
      let p = n < perArea ? n++ : n - 1
      while (p > 0 && dist[order[p - 1]!]! > dist[d]!) {
        order[p] = order[p - 1]!
        p--
      }
      order[p] = d
    }
    for (let i = 0; i < n; i++) {
      depot.push(order[i]!)
      area.push(a)
      km.push(dist[order[i]!]!)
    }
  }
  areaStart[A] = depot.length
  return {
    numDepots: D,
    numAreas: A,
    arcDepot: Int32Array.from(depot),
    arcArea: Int32Array.from(area),
    arcKm: Float64Array.from(km),
    areaStart,
  }
}
