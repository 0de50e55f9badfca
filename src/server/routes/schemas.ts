/**
 * Wire formats of the API, as zod schemas: requests are validated with them and the OpenAPI
 * description is generated from them. Times are ISO 8601 strings in UTC on the wire.
 */
import { z } from 'zod'
import { POST_LEVELS, type Post, type PostId } from '../../command/types.ts'
import type { LatLon } from '../../core/geo.ts'
import { ID_PATTERN } from '../../core/ids.ts'
import { VARIABLE_UNITS } from '../../observe/types.ts'

export const idSchema = z.string().regex(ID_PATTERN, 'an id of 1–64 letters, digits, . _ - :')
export const isoTime = z.string().describe('ISO 8601 time, UTC (e.g. 2016-06-01T00:00:00Z)')

export const stationSchema = z.object({
  id: idSchema,
  name: z.string().min(1),
  river: z.string(),
  lat: z.number().min(-90).max(90).describe('WGS84 degrees'),
  lon: z.number().min(-180).max(180).describe('WGS84 degrees'),
  basinId: idSchema.nullable(),
  catchmentAreaKm2: z.number().positive().nullable().describe('km²'),
  datumM: z.number().nullable().describe('gauge zero, m a.s.l.'),
})

const reachSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('muskingum'),
    kHours: z.number().nonnegative(),
    x: z.number().min(0).max(0.5),
  }),
  z.object({
    kind: z.literal('lag-route'),
    lagHours: z.number().nonnegative(),
    kHours: z.number().nonnegative(),
  }),
])

export const basinSchema = z.object({
  id: idSchema,
  name: z.string().min(1),
  areaKm2: z.number().positive().describe('local area, km²'),
  outline: z.unknown().describe('GeoJSON Polygon or MultiPolygon (WGS84), or null'),
  hypsometry: z.array(z.number()).length(101).nullable().describe('101 elevations, m a.s.l.'),
  downstream: z.object({ basinId: idSchema, reach: reachSchema }).nullable(),
})

const variables = Object.keys(VARIABLE_UNITS) as [
  keyof typeof VARIABLE_UNITS,
  ...(keyof typeof VARIABLE_UNITS)[],
]

export const seriesSchema = z.object({
  id: idSchema,
  variable: z.enum(variables),
  unit: z
    .string()
    .describe(
      'must be the unit of the variable: discharge m3/s, water_level m, precipitation mm, temperature degC, pet mm',
    ),
  kind: z.enum(['observed', 'forecast']),
  stationId: idSchema.nullable(),
  basinId: idSchema.nullable(),
  stepMs: z.number().int().positive().nullable().describe('nominal step, ms'),
})

export const observationOutSchema = z.object({
  t: isoTime,
  value: z.number(),
  quality: z
    .number()
    .int()
    .describe(
      'QC flag bits: 1 out of range, 2 rate of change, 4 flat line, 8 future, 16 duplicate in batch, 32 manual',
    ),
  revision: z.number().int(),
})

export const thresholdSchema = z.object({
  id: idSchema,
  seriesId: idSchema,
  name: z.string(),
  returnPeriodYears: z.number().positive().nullable(),
  value: z.number(),
  source: z.enum(['fitted', 'manual']),
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
  setBy: z.string().nullable(),
  reason: z.string(),
  setAt: isoTime,
})

/** An epoch-ms time as ISO 8601 in UTC, as every response writes it (null stays null). */
export function iso(ms: number): string
export function iso(ms: number | null): string | null
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

/**
 * Where a post or a shelter is: WGS84 decimal degrees, both coordinates or no location at all.
 * The ranges are checked where the record is (src/core/geo.ts `latLonIssues`), so a refusal
 * names the record as well as the field.
 */
export const locationSchema = z
  .object({
    lat: z.number().describe('latitude, WGS84 degrees, −90 … 90'),
    lon: z.number().describe('longitude, WGS84 degrees, −180 … 180'),
  })
  .describe('WGS84 decimal degrees; both or neither')

/** A location as the API answers it: the point, or null when the record has none. */
export const locationOut = locationSchema.nullable()

/**
 * The location of a record on the wire: `{ lat, lon }` or null (a `location` left out of a
 * record).
 * @param x the record's optional location, degrees
 */
export function locationView(x: {
  readonly location?: LatLon
}): { lat: number; lon: number } | null {
  return x.location === undefined ? null : { lat: x.location.lat, lon: x.location.lon }
}

/**
 * A command post as `PUT /api/v1/command/posts` and `freshet command posts import` take it
 * (the `posts` of data/demo/command.json).
 */
export const postSchema = z.object({
  id: idSchema,
  name: z.string(),
  level: z.enum(POST_LEVELS),
  parents: z.array(idSchema).default([]).describe('direct superiors, each of a higher level'),
  areas: z
    .array(z.string().min(1))
    .default([])
    .describe('areas the post itself covers (warning zone ids or other area codes)'),
  location: locationSchema
    .nullable()
    .optional()
    .describe('where the post is, for the map (WGS84 degrees); null or absent: not on the map'),
})

/** The post a checked {@link postSchema} value describes. */
export function toPost(x: z.infer<typeof postSchema>): Post {
  return {
    id: x.id as PostId,
    name: x.name,
    level: x.level,
    parents: x.parents as PostId[],
    areas: x.areas,
    ...(x.location === null || x.location === undefined ? {} : { location: x.location }),
  }
}
