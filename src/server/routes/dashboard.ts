/**
 * What the dashboard reads in one request each: who the token's user is, the state of every
 * station (latest observation and latest forecast against its thresholds), the warning zones
 * with their active level, and the map's overlays (basins, schematic river links, depots,
 * shelters, command posts).
 *
 * Who may read what: the station states, the zones and the network are public (active warnings
 * are public through CAP anyway); depots and shelters are logistics data, readable with a token
 * (observer and up) as in the logistics routes, and absent (`null`) without one; command posts
 * likewise, each reader seeing the posts of their own chain (as the command routes show them).
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { POST_LEVELS } from '../../command/types.ts'
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId } from '../../core/ids.ts'
import type { LatestBasinForecast, LatestObservation } from '../../store/index.ts'
import { QC, type Series, type Station, type Threshold } from '../../observe/types.ts'
import { initialWarningState, replay } from '../../warn/lifecycle.ts'
import { authorize, principalOf, type Principal as ApiPrincipal } from '../auth.ts'
import { visiblePosts } from '../command-service.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { zonesCovered } from '../warnings.ts'
import { effectiveThresholds } from './thresholds.ts'
import { iso, isoTime } from './schemas.ts'

const TAGS = ['dashboard']

// --- wire formats -----------------------------------------------------------------------------

const meOut = z.object({
  user: z.string(),
  role: z.enum(['observer', 'forecaster', 'duty-officer', 'admin']),
  areas: z.array(z.string()).describe('basin or zone ids the token covers, or ["*"]'),
  zones: z
    .array(z.string())
    .describe(
      'the warning zones those areas cover (a zone is covered by its id or by any of its basins), or ["*"]',
    ),
  posts: z
    .array(z.object({ post: z.string(), role: z.string() }))
    .describe("the user's command assignments"),
})

const levelOut = z.object({ name: z.string(), rank: z.number().int() })

const stationStateOut = z.object({
  id: z.string(),
  name: z.string(),
  lat: z.number(),
  lon: z.number(),
  basinId: z.string().nullable(),
  river: z.string().nullable(),
  seriesId: z.string().nullable().describe('the discharge series shown for the station'),
  thresholds: z
    .array(z.object({ name: z.string(), value: z.number(), unit: z.string() }))
    .describe('in force, lowest first'),
  observed: z
    .object({
      time: isoTime,
      value: z.number(),
      unit: z.string(),
      exceeded: z.string().nullable().describe('the highest threshold reached'),
      rank: z.number().int().describe('0 normal, k: the k-th threshold (lowest first) reached'),
      flag: z.string().nullable().describe('QC flags set on the value, comma-separated'),
    })
    .nullable(),
  forecast: z
    .object({
      runId: z.string(),
      issueTime: isoTime,
      maxMedian: z.number().describe('largest ensemble median over the horizon, m³/s'),
      exceeded: z.string().nullable().describe('the highest threshold the median reaches'),
      rank: z.number().int(),
      probability: z
        .number()
        .describe('highest probability (0–1) of exceeding the lowest threshold over the horizon'),
    })
    .nullable(),
  model: z.string().nullable().describe("the basin's model (`/api/v1/basins/{id}/model`), or null"),
  skillAt: isoTime
    .nullable()
    .describe("when the basin's latest hindcast skill was computed (`/api/v1/basins/{id}/skill`)"),
})

const stationsOut = z.object({
  levels: z
    .array(levelOut)
    .describe('rank 0 `normal`, then the threshold names by rank (the most common name at each)'),
  stations: z.array(stationStateOut),
})

const polygon = z.array(z.array(z.tuple([z.number(), z.number()])))

const zonesOut = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.string(),
      geometry: z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygon) }),
      properties: z.object({
        id: z.string(),
        name: z.string(),
        level: z.string().nullable().describe('the active warning level, or null'),
        rank: z.number().int().describe('0 none, k: the k-th level (lowest first)'),
        alertId: z.string().nullable().describe('the CAP identifier of the current alert'),
        expires: isoTime.nullable(),
      }),
    }),
  ),
})

const mapOut = z.object({
  basins: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      outletLat: z.number().nullable().describe('the basin’s gauge, WGS84 degrees'),
      outletLon: z.number().nullable(),
      downstreamId: z.string().nullable(),
      geometry: z.unknown().nullable().describe('GeoJSON Polygon or MultiPolygon, if known'),
    }),
  ),
  rivers: z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        id: z.string(),
        geometry: z.object({
          type: z.literal('LineString'),
          coordinates: z.array(z.tuple([z.number(), z.number()])),
        }),
        properties: z.object({
          from: z.string(),
          to: z.string(),
          schematic: z.literal(true),
          label: z.string(),
        }),
      }),
    ),
  }),
  depots: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        lat: z.number(),
        lon: z.number(),
        capacity: z.number().describe('m³'),
      }),
    )
    .nullable()
    .describe('null without a token'),
  shelters: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        areaId: z.string(),
        lat: z.number().describe('WGS84 degrees'),
        lon: z.number().describe('WGS84 degrees'),
        capacity: z.number().int().describe('persons'),
        occupancy: z.number().int().describe('persons'),
      }),
    )
    .nullable()
    .describe('the shelters that have a location; null without a token'),
  posts: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        level: z.enum(POST_LEVELS),
        lat: z.number().describe('WGS84 degrees'),
        lon: z.number().describe('WGS84 degrees'),
      }),
    )
    .nullable()
    .describe(
      'the command posts the reader may see that have a location, superiors first; null without a token',
    ),
})

// --- station states ---------------------------------------------------------------------------

/** Names of the QC bits set in `quality`, comma-separated; null when none is. */
export function qcFlagNames(quality: number): string | null {
  if (quality === 0) return null
  const names = Object.entries(QC)
    .filter(([, bit]) => bit !== 0 && (quality & bit) !== 0)
    .map(([name]) => name)
  return names.length === 0 ? `unknown(${quality})` : names.join(',')
}

/**
 * The rank of `value` against `thresholds` (lowest first): the number of thresholds it reaches
 * (≥), and the name of the highest one reached.
 */
export function rankOf(
  value: number,
  thresholds: readonly Threshold[],
): { rank: number; exceeded: string | null } {
  let rank = 0
  while (rank < thresholds.length && value >= thresholds[rank]!.value) rank++
  return { rank, exceeded: rank === 0 ? null : thresholds[rank - 1]!.name }
}

/**
 * The discharge series shown for each station: one of the station's own, else one of its
 * basin's (observed series first, then by id).
 */
function dischargeSeriesOf(
  stations: readonly Station[],
  series: readonly Series[],
): Map<string, Series> {
  const discharge = series
    .filter((s) => s.variable === 'discharge')
    .sort((a, b) =>
      a.kind !== b.kind ? (a.kind === 'observed' ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    )
  const byStation = new Map<string, Series>()
  const byBasin = new Map<string, Series>()
  for (const s of discharge) {
    if (s.stationId !== null && !byStation.has(s.stationId)) byStation.set(s.stationId, s)
    if (s.basinId !== null && !byBasin.has(s.basinId)) byBasin.set(s.basinId, s)
  }
  const out = new Map<string, Series>()
  for (const st of stations) {
    const s = byStation.get(st.id) ?? (st.basinId !== null ? byBasin.get(st.basinId) : undefined)
    if (s !== undefined) out.set(st.id, s)
  }
  return out
}

const maxOf = (a: Float64Array): number => {
  let m = Number.NEGATIVE_INFINITY
  for (let i = 0; i < a.length; i++) if (a[i]! > m) m = a[i]!
  return m
}

/**
 * Every station's state at `now` (epoch ms) from the store in a constant number of statements
 * (stations, series, thresholds, latest observations, latest forecasts), whatever the number of
 * stations.
 */
export async function stationStates(
  deps: Pick<AppDeps, 'store'>,
  now: EpochMs,
): Promise<z.infer<typeof stationsOut>> {
  const { store } = deps
  const [stations, series, thresholds, observations, forecasts, skillTimes, models] =
    await Promise.all([
      store.stations.list(),
      store.series.list(),
      store.networkState.allThresholds(),
      store.networkState.latestObservations('discharge', (now + 1) as EpochMs),
      store.networkState.latestBasinForecasts(now),
      store.hindcastSkill.latestTimes(),
      store.modelConfigs.models(),
    ])
  const shown = dischargeSeriesOf(stations, series)
  const bySeries = new Map<string, Threshold[]>()
  for (const t of thresholds) {
    const list = bySeries.get(t.seriesId)
    if (list === undefined) bySeries.set(t.seriesId, [t])
    else list.push(t)
  }
  const inForce = new Map<string, Threshold[]>()
  for (const [id, list] of bySeries) inForce.set(id, effectiveThresholds(list))
  const latest = new Map<string, LatestObservation>(observations.map((o) => [o.seriesId, o]))
  const forecastOf = new Map<string, LatestBasinForecast>(forecasts.map((f) => [f.basinId, f]))
  // The most common threshold name at each rank names the level.
  const namesAt: Map<string, number>[] = []

  const out = stations
    .slice()
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((st): z.infer<typeof stationStateOut> => {
      const s = shown.get(st.id)
      const th = s === undefined ? [] : (inForce.get(s.id) ?? [])
      th.forEach((t, k) => {
        const m = (namesAt[k] ??= new Map())
        m.set(t.name, (m.get(t.name) ?? 0) + 1)
      })
      const o = s === undefined ? undefined : latest.get(s.id)
      const f = st.basinId === null ? undefined : forecastOf.get(st.basinId)
      let forecast: z.infer<typeof stationStateOut>['forecast'] = null
      if (f !== undefined && f.median.length > 0) {
        const maxMedian = maxOf(f.median)
        const r = rankOf(maxMedian, th)
        const lowestId = th[0]?.id
        const lowest =
          f.exceedance.find((e) => e.thresholdId === lowestId) ??
          f.exceedance.reduce<(typeof f.exceedance)[number] | undefined>(
            (a, e) => (a === undefined || e.value < a.value ? e : a),
            undefined,
          )
        forecast = {
          runId: f.runId,
          issueTime: iso(f.issueTime),
          maxMedian,
          exceeded: r.exceeded,
          rank: r.rank,
          probability: lowest === undefined ? 0 : Math.max(0, maxOf(lowest.probability)),
        }
      }
      return {
        id: st.id,
        name: st.name,
        lat: st.lat,
        lon: st.lon,
        basinId: st.basinId,
        river: st.river === '' ? null : st.river,
        seriesId: s?.id ?? null,
        thresholds: th.map((t) => ({ name: t.name, value: t.value, unit: s!.unit })),
        observed:
          o === undefined
            ? null
            : {
                time: iso(o.t),
                value: o.value,
                unit: s!.unit,
                ...rankOf(o.value, th),
                flag: qcFlagNames(o.quality),
              },
        forecast,
        model: st.basinId === null ? null : (models.get(st.basinId) ?? null),
        skillAt: (() => {
          const at = st.basinId === null ? undefined : skillTimes.get(st.basinId)
          return at === undefined ? null : iso(at)
        })(),
      }
    })
  const levels = [{ name: 'normal', rank: 0 }]
  namesAt.forEach((m, k) => {
    const [name] = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!
    levels.push({ name, rank: k + 1 })
  })
  return { levels, stations: out }
}

// --- command posts on the map -----------------------------------------------------------------

/**
 * The command posts `user` may see that have a location, superiors first, as the map draws
 * them (positions in WGS84 degrees). An admin sees every post; anyone else the posts of their
 * chain as the command routes show incidents (`visiblePosts`: each post where they hold a
 * role, every post below it and above it), none without a command assignment.
 */
export async function mapPosts(
  deps: Pick<AppDeps, 'command'>,
  user: ApiPrincipal,
): Promise<NonNullable<z.infer<typeof mapOut>['posts']>> {
  const [h, p] = await Promise.all([deps.command.hierarchy(), deps.command.principal(user.user)])
  const seen = user.role === 'admin' ? undefined : visiblePosts(h, p)
  const out: NonNullable<z.infer<typeof mapOut>['posts']> = []
  for (const id of h.order) {
    const post = h.posts.get(id)!
    if (post.location === undefined || (seen !== undefined && !seen.has(id))) continue
    out.push({
      id,
      name: post.name,
      level: post.level,
      lat: post.location.lat,
      lon: post.location.lon,
    })
  }
  return out
}

// --- routes -----------------------------------------------------------------------------------

/** `GET /api/v1/me` and the dashboard's read models under `/api/v1/dashboard`. */
export function registerDashboard(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.get(
    '/api/v1/me',
    {
      schema: {
        tags: TAGS,
        summary: "The token's user: role, areas and command posts",
        security: [{ bearer: [] }],
        response: { 200: meOut },
      },
    },
    async (req) => {
      const p = authorize(req, deps.grants, 'observer')
      const c = await deps.command.principal(p.user)
      return {
        user: p.user,
        role: p.role,
        areas: [...p.areas],
        zones: zonesCovered(p, deps.warnings.setup.zones),
        posts: c.assignments.map((a) => ({ post: a.post, role: a.role })),
      }
    },
  )

  r.get(
    '/api/v1/dashboard/stations',
    {
      schema: {
        tags: TAGS,
        summary: 'Every station with its latest observation and forecast against its thresholds',
        description:
          'Public. Ranks: 0 normal, k the k-th threshold (lowest first) reached. `observed` is the latest discharge value at or before the server time; `forecast` comes from the newest complete run holding the station’s basin: the highest threshold its median reaches over the horizon, and the highest probability of exceeding the lowest threshold.',
        response: { 200: stationsOut },
      },
    },
    async () => stationStates(deps, deps.clock.now()),
  )

  r.get(
    '/api/v1/dashboard/zones',
    {
      schema: {
        tags: TAGS,
        summary: 'The warning zones as GeoJSON, each with its active warning level',
        description:
          'Public (active warnings are public through CAP). Coordinates [longitude, latitude], WGS84. A warning past its expiry counts as none.',
        response: { 200: zonesOut },
      },
    },
    async () => {
      const { zones, rules } = deps.warnings.setup
      const names = rules.levels.map((l) => l.name)
      const now = deps.clock.now()
      // Only zones with an open warning or draft are read (one statement finds them).
      const open = new Set<string>(await deps.warningEvents.zonesWithOpenWarnings())
      const features = []
      for (const zone of zones) {
        const s = open.has(zone.id)
          ? replay(initialWarningState(zone.id), await deps.warningEvents.events(zone.id))
          : initialWarningState(zone.id)
        const live = s.active !== null && s.active.expires > now ? s.active : null
        const current = live?.versions.at(-1)
        features.push({
          type: 'Feature' as const,
          id: zone.id,
          geometry: {
            type: 'MultiPolygon' as const,
            coordinates: zone.polygons.map((ring) => [
              ring.map(([lat, lon]): [number, number] => [lon, lat]),
            ]),
          },
          properties: {
            id: zone.id,
            name: zone.name,
            level: live?.level ?? null,
            rank: live === null ? 0 : names.indexOf(live.level) + 1,
            alertId: current?.alertId ?? null,
            expires: live === null ? null : iso(live.expires),
          },
        })
      }
      return { type: 'FeatureCollection' as const, features }
    },
  )

  r.get(
    '/api/v1/dashboard/map',
    {
      schema: {
        tags: TAGS,
        summary: 'The map overlays: basins, schematic river links, depots, shelters and posts',
        description:
          'Basins with their outlet (the gauge on the basin) and outline; a straight line from each basin’s outlet to its downstream basin’s outlet (schematic, not the river’s course). Depots, shelters and command posts need a token (observer and up) and are null without one; an unknown token is refused. Shelters and posts are listed only when they have a location. Posts are those of the reader’s chain, as the command routes show incidents (each post where they hold a role, every post below it and above it), every post for an admin: this keeps each reader’s map to their chain and hides nothing, the whole hierarchy being readable by any token at GET /api/v1/command/posts.',
        security: [{}, { bearer: [] }],
        response: { 200: mapOut },
      },
    },
    async (req) => {
      const user = principalOf(req, deps.grants)
      if (user === undefined && req.headers.authorization !== undefined)
        throw new ApiError(401, 'unauthorized', 'the bearer token is not valid')
      const [basins, stations] = await Promise.all([deps.basins.list(), deps.stations.list()])
      const outlet = new Map<string, Station>()
      for (const st of [...stations].sort((a, b) => (a.id < b.id ? -1 : 1)))
        if (st.basinId !== null && !outlet.has(st.basinId)) outlet.set(st.basinId, st)
      const byId = new Map(basins.map((b) => [b.id as string, b]))
      const rivers = []
      for (const b of basins) {
        const d = b.downstream?.basinId
        if (d === undefined) continue
        const from = outlet.get(b.id)
        const to = outlet.get(d)
        if (from === undefined || to === undefined) continue
        rivers.push({
          type: 'Feature' as const,
          id: `${b.id}>${d}`,
          geometry: {
            type: 'LineString' as const,
            coordinates: [
              [from.lon, from.lat] as [number, number],
              [to.lon, to.lat] as [number, number],
            ],
          },
          properties: {
            from: b.id as string,
            to: d as string,
            schematic: true as const,
            label: `${b.name} → ${byId.get(d)?.name ?? d} (schematic)`,
          },
        })
      }
      const [depots, shelters, posts] =
        user === undefined
          ? [null, null, null]
          : await Promise.all([
              deps.logistics.depots(),
              deps.logistics.shelters(),
              mapPosts(deps, user),
            ])
      return {
        basins: basins.map((b) => ({
          id: b.id,
          name: b.name,
          outletLat: outlet.get(b.id)?.lat ?? null,
          outletLon: outlet.get(b.id)?.lon ?? null,
          downstreamId: (b.downstream?.basinId as BasinId | undefined) ?? null,
          geometry: b.outline ?? null,
        })),
        rivers: { type: 'FeatureCollection' as const, features: rivers },
        depots:
          depots?.map((d) => ({
            id: d.id,
            name: d.name,
            lat: d.lat,
            lon: d.lon,
            capacity: d.capacityM3,
          })) ?? null,
        shelters:
          shelters?.flatMap((s) =>
            s.location === undefined
              ? []
              : [
                  {
                    id: s.id,
                    name: s.name,
                    areaId: s.areaId,
                    lat: s.location.lat,
                    lon: s.location.lon,
                    capacity: s.capacity,
                    occupancy: s.occupancy,
                  },
                ],
          ) ?? null,
        posts,
      }
    },
  )
}
