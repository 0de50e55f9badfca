/**
 * The map's own layers as GeoJSON, built from the API's answers: stations coloured by state,
 * basin outlines and outlets, river links, depots, shelters, command posts and the flows of an
 * allocation plan. Positions are WGS84 degrees, `[lon, lat]` in GeoJSON.
 */
import type { FeatureCollection, Geometry } from 'geojson'
import type { AllocationPlan, DashboardStation } from '../../api/types.ts'
import { levelColour } from '../../ui/levels.tsx'
import { POST_LEVELS, postIcon } from './map-icons.ts'

/** `GET /api/v1/dashboard/map`, as far as the dashboard reads it. */
export interface MapData {
  readonly basins?: readonly {
    readonly id: string
    readonly name: string
    readonly outletLat: number | null
    readonly outletLon: number | null
    readonly downstreamId: string | null
    readonly geometry: Geometry | null
  }[]
  readonly rivers: FeatureCollection
  /** Null without a token. */
  readonly depots: readonly MapPlace[] | null
  /** The shelters that have a location; null without a token. */
  readonly shelters: readonly MapShelter[] | null
  /** The posts of the reader's chain that have a location, superiors first; null without a token. */
  readonly posts: readonly MapPost[] | null
}

/** A shelter on the map: capacity and occupancy in persons. */
export interface MapShelter extends MapPlace {
  readonly areaId: string
  readonly capacity: number
  readonly occupancy: number
}

/** A command post on the map. */
export interface MapPost extends MapPlace {
  /** `national`, `basin`, `province` or `county`. */
  readonly level: string
}

/** A depot or shelter on the map. */
export interface MapPlace {
  readonly id: string
  readonly name: string
  readonly lat: number | null
  readonly lon: number | null
}

type Collection = FeatureCollection<Geometry, Record<string, unknown>>

const collection = (features: Collection['features']): Collection => ({
  type: 'FeatureCollection',
  features,
})

/** Stations as points: `fill` from the observed rank, `ring` from the forecast rank. */
export function stationFeatures(stations: readonly DashboardStation[]): Collection {
  return collection(
    stations.map((s) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
      properties: {
        kind: 'station',
        id: s.id,
        name: s.name,
        fill: s.observed === null ? '#ffffff' : levelColour(s.observed.rank).fill,
        ring: s.forecast === null ? '#555555' : levelColour(s.forecast.rank).fill,
        ringWidth: s.forecast !== null && s.forecast.rank > 0 ? 4 : 2,
        rank: Math.max(s.observed?.rank ?? 0, s.forecast?.rank ?? 0),
      },
    })),
  )
}

/** Basin outlines (polygons) and outlets (points). */
export function basinFeatures(data: MapData | undefined): {
  outlines: Collection
  outlets: Collection
} {
  const basins = data?.basins ?? []
  return {
    outlines: collection(
      basins.flatMap((b) =>
        b.geometry === null
          ? []
          : [
              {
                type: 'Feature' as const,
                geometry: b.geometry,
                properties: { kind: 'basin', id: b.id, name: b.name },
              },
            ],
      ),
    ),
    outlets: collection(
      basins.flatMap((b) =>
        b.outletLat === null || b.outletLon === null
          ? []
          : [
              {
                type: 'Feature' as const,
                geometry: { type: 'Point' as const, coordinates: [b.outletLon, b.outletLat] },
                properties: { kind: 'basin', id: b.id, name: b.name },
              },
            ],
      ),
    ),
  }
}

/** River links: the server's schematic lines from each outlet to the one downstream. */
export function riverFeatures(data: MapData | undefined): Collection {
  return (data?.rivers as Collection | undefined) ?? collection([])
}

/** Points of depots or shelters (those without a position are left out). */
export function placeFeatures(kind: 'depot' | 'shelter', places: readonly MapPlace[]): Collection {
  return collection(
    places.flatMap((p) =>
      p.lat === null || p.lon === null
        ? []
        : [
            {
              type: 'Feature' as const,
              geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] },
              properties: { kind, id: p.id, name: p.name },
            },
          ],
    ),
  )
}

/**
 * Points of command posts, each with the image of its level (a square, larger for a higher
 * level: map-icons.ts) and a sort key that draws higher levels first, under the smaller
 * squares of the posts below them (so a county next to its province stays in sight), at their positions
 * (WGS84 degrees). Posts without a position are left out.
 */
export function postFeatures(posts: readonly MapPost[]): Collection {
  return collection(
    posts.flatMap((p) => {
      if (p.lat === null || p.lon === null) return []
      const rank = (POST_LEVELS as readonly string[]).indexOf(p.level)
      return [
        {
          type: 'Feature' as const,
          geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] },
          properties: {
            kind: 'post',
            id: p.id,
            name: p.name,
            level: p.level,
            icon: postIcon(p.level),
            sort: rank < 0 ? POST_LEVELS.length - 1 : rank,
          },
        },
      ]
    }),
  )
}

/** One line per depot → area of the plan, its width growing with the number of units sent. */
export function flowFeatures(
  plan: AllocationPlan | null | undefined,
  depots: readonly MapPlace[],
): Collection {
  if (plan === null || plan === undefined) return collection([])
  const depotAt = new Map(depots.map((d) => [d.id, d]))
  const areaAt = new Map(plan.areas.map((a) => [a.areaId, a]))
  const units = new Map<string, number>()
  for (const f of plan.flows) {
    if (f.quantity <= 0) continue
    const key = `${f.depotId}\u0000${f.areaId}`
    units.set(key, (units.get(key) ?? 0) + f.quantity)
  }
  const max = Math.max(1, ...units.values())
  return collection(
    [...units.entries()].flatMap(([key, q]) => {
      const [depotId, areaId] = key.split('\u0000') as [string, string]
      const d = depotAt.get(depotId)
      const a = areaAt.get(areaId)
      if (d === undefined || a === undefined || d.lat === null || d.lon === null) return []
      return [
        {
          type: 'Feature' as const,
          geometry: {
            type: 'LineString' as const,
            coordinates: [
              [d.lon, d.lat],
              [a.lon, a.lat],
            ],
          },
          properties: {
            kind: 'flow',
            id: `${depotId}→${areaId}`,
            width: 1.5 + 5 * Math.sqrt(q / max),
          },
        },
      ]
    }),
  )
}
