/**
 * Where command posts and shelters are, over HTTP: a location (WGS84 degrees) taken with the
 * posts and with a shelter, refused whole with the record and the field named when it is off
 * the globe or half given, answered back by the command and logistics routes, and drawn on the
 * dashboard's map — shelters with a location, and the posts of each reader's chain (an admin
 * and a headquarters all of them, a county officer their own chain, someone without a post
 * none, the public nothing). On SQLite, and on PostgreSQL when FRESHET_PG_URL is set.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SERVER_TARGETS, TOKENS, auth, testServer, type TestServer } from './support/server.ts'

interface ErrorView {
  error: { code: string; message: string; details?: { path: string; message: string }[] }
}
interface MapView {
  shelters: { id: string; lat: number; lon: number; capacity: number; occupancy: number }[] | null
  posts: { id: string; name: string; level: string; lat: number; lon: number }[] | null
}
interface ShelterView {
  id: string
  capacity: number
  occupancy: number
  location: { lat: number; lon: number } | null
  version: number
}

const at = (lat: number, lon: number) => ({ lat, lon })

/** HQ and a basin over two provinces, each with counties; c2 has no location. */
const POSTS = [
  { id: 'x.hq', name: 'HQ', level: 'national', location: at(48.8566, 2.3522) },
  { id: 'x.basin', name: 'Basin HQ', level: 'basin', parents: ['x.hq'], location: at(48.84, 2.37) },
  {
    id: 'x.p1',
    name: 'Province 1',
    level: 'province',
    parents: ['x.hq', 'x.basin'],
    location: at(48.3, 4.08),
  },
  {
    id: 'x.p2',
    name: 'Province 2',
    level: 'province',
    parents: ['x.hq', 'x.basin'],
    location: at(48.54, 2.66),
  },
  { id: 'x.c1', name: 'County 1', level: 'county', parents: ['x.p1'], location: at(48.23, 4.7) },
  { id: 'x.c2', name: 'County 2', level: 'county', parents: ['x.p2'], location: null },
  { id: 'x.c3', name: 'County 3', level: 'county', parents: ['x.p2'], location: at(48.41, 2.7) },
]

describe.each(SERVER_TARGETS.map((t) => [t.name, t] as const))(
  'locations of posts and shelters (%s)',
  (_, target) => {
    let s: TestServer
    beforeEach(async () => {
      s = await testServer({ target })
    })
    afterEach(async () => {
      await s.close()
    })
    const req = (method: 'GET' | 'PUT' | 'POST', url: string, token?: string, payload?: object) =>
      s.app.inject({
        method,
        url,
        ...(token !== undefined ? { headers: auth(token) } : {}),
        ...(payload !== undefined ? { payload } : {}),
      })
    const mapOf = async (token?: string) => {
      const r = await req('GET', '/api/v1/dashboard/map', token)
      expect(r.statusCode, r.body).toBe(200)
      return r.json<MapView>()
    }

    it('stores the posts with their locations and answers them back; null for none', async () => {
      const put = await req('PUT', '/api/v1/command/posts', TOKENS.admin, { posts: POSTS })
      expect(put.statusCode, put.body).toBe(200)
      const listed = (await req('GET', '/api/v1/command/posts', TOKENS.observer)).json<{
        posts: { id: string; location: { lat: number; lon: number } | null }[]
      }>()
      expect(Object.fromEntries(listed.posts.map((p) => [p.id, p.location]))).toEqual(
        Object.fromEntries(POSTS.map((p) => [p.id, p.location])),
      )
      const one = await req('GET', '/api/v1/command/posts/x.c3', TOKENS.observer)
      expect(one.json<{ location: unknown }>().location).toEqual(at(48.41, 2.7))
      const none = await req('GET', '/api/v1/command/posts/x.c2', TOKENS.observer)
      expect(none.json<{ location: unknown }>().location).toBeNull()
    })

    it('refuses posts with a location off the globe or half given, naming post and field, storing nothing', async () => {
      expect(
        (await req('PUT', '/api/v1/command/posts', TOKENS.admin, { posts: POSTS })).statusCode,
      ).toBe(200)
      const bad = POSTS.map((p) =>
        p.id === 'x.p2'
          ? { ...p, location: at(95, 2.66) }
          : p.id === 'x.c3'
            ? { ...p, location: at(48.41, -180.01) }
            : p,
      )
      const r = await req('PUT', '/api/v1/command/posts', TOKENS.admin, { posts: bad })
      expect(r.statusCode).toBe(422)
      expect(r.json<ErrorView>().error.details).toEqual([
        {
          path: 'posts[3].location.lat',
          message: 'post x.p2: must be a latitude in [-90, 90] degrees, got 95',
        },
        {
          path: 'posts[6].location.lon',
          message: 'post x.c3: must be a longitude in [-180, 180] degrees, got -180.01',
        },
      ])
      const half = POSTS.map((p) => (p.id === 'x.c1' ? { ...p, location: { lat: 48.23 } } : p))
      const h = await req('PUT', '/api/v1/command/posts', TOKENS.admin, { posts: half })
      expect(h.statusCode).toBe(400)
      expect(h.json<ErrorView>().error.details!.map((d) => d.path)).toEqual([
        'body.posts.4.location.lon',
      ])
      // The stored hierarchy is the first one, locations and all.
      const listed = (await req('GET', '/api/v1/command/posts', TOKENS.observer)).json<{
        posts: { id: string; location: unknown }[]
      }>()
      expect(listed.posts.find((p) => p.id === 'x.p2')!.location).toEqual(at(48.54, 2.66))
      expect(listed.posts.find((p) => p.id === 'x.c1')!.location).toEqual(at(48.23, 4.7))
    })

    it('keeps a shelter’s location through check-ins, drops it on a replacement without one, refuses a bad one', async () => {
      const create = await req('PUT', '/api/v1/logistics/shelters/s-gym', TOKENS.dutyOfficer, {
        name: 'School gym',
        areaId: 'aube',
        capacity: 120,
        location: at(48.2335, 4.7061),
      })
      expect(create.statusCode, create.body).toBe(200)
      expect(create.json<ShelterView>()).toMatchObject({
        location: at(48.2335, 4.7061),
        version: 0,
      })
      const checkIn = await req(
        'POST',
        '/api/v1/logistics/shelters/s-gym/check-in',
        TOKENS.dutyOfficer,
        {
          persons: 30,
          expectedVersion: 0,
        },
      )
      expect(checkIn.json<ShelterView>()).toMatchObject({
        occupancy: 30,
        location: at(48.2335, 4.7061),
        version: 1,
      })

      for (const [location, path, message] of [
        [
          at(-90.5, 4.7),
          'location.lat',
          'shelter s-gym: must be a latitude in [-90, 90] degrees, got -90.5',
        ],
        [
          at(48.2, 181),
          'location.lon',
          'shelter s-gym: must be a longitude in [-180, 180] degrees, got 181',
        ],
      ] as const) {
        const r = await req('PUT', '/api/v1/logistics/shelters/s-gym', TOKENS.dutyOfficer, {
          name: 'School gym',
          areaId: 'aube',
          capacity: 120,
          location,
          expectedVersion: 1,
        })
        expect(r.statusCode, r.body).toBe(422)
        expect(r.json<ErrorView>().error.details).toEqual([{ path, message }])
      }
      const half = await req('PUT', '/api/v1/logistics/shelters/s-new', TOKENS.dutyOfficer, {
        name: 'Hall',
        areaId: 'aube',
        capacity: 50,
        location: { lon: 4.7 },
      })
      expect(half.statusCode).toBe(400)
      expect(half.json<ErrorView>().error.details!.map((d) => d.path)).toEqual([
        'body.location.lat',
      ])
      const listed = (await req('GET', '/api/v1/logistics/shelters', TOKENS.observer)).json<
        ShelterView[]
      >()
      expect(listed.map((x) => [x.id, x.location, x.version])).toEqual([
        ['s-gym', at(48.2335, 4.7061), 1],
      ])

      const replaced = await req('PUT', '/api/v1/logistics/shelters/s-gym', TOKENS.dutyOfficer, {
        name: 'School gym',
        areaId: 'aube',
        capacity: 150,
        expectedVersion: 1,
      })
      expect(replaced.json<ShelterView>()).toMatchObject({
        capacity: 150,
        occupancy: 30,
        location: null,
        version: 2,
      })
    })

    it('draws the shelters that have a location, with capacity and occupancy, only with a token', async () => {
      for (const [id, location] of [
        ['s-gym', at(48.2335, 4.7061)],
        ['s-hall', null],
      ] as const) {
        const r = await req('PUT', `/api/v1/logistics/shelters/${id}`, TOKENS.dutyOfficer, {
          name: id,
          areaId: 'aube',
          capacity: 80,
          location,
        })
        expect(r.statusCode, r.body).toBe(200)
      }
      await req('POST', '/api/v1/logistics/shelters/s-gym/check-in', TOKENS.dutyOfficer, {
        persons: 12,
        expectedVersion: 0,
      })
      expect((await mapOf()).shelters).toBeNull()
      expect((await mapOf(TOKENS.observer)).shelters).toEqual([
        {
          id: 's-gym',
          name: 's-gym',
          areaId: 'aube',
          lat: 48.2335,
          lon: 4.7061,
          capacity: 80,
          occupancy: 12,
        },
      ])
    })

    it('draws the posts of each reader’s chain that have a location, superiors first', async () => {
      expect(
        (await req('PUT', '/api/v1/command/posts', TOKENS.admin, { posts: POSTS })).statusCode,
      ).toBe(200)
      const assign = await req('PUT', '/api/v1/command/assignments', TOKENS.admin, {
        add: [
          { user: 'dan', post: 'x.hq', role: 'commander' },
          { user: 'dora', post: 'x.c1', role: 'duty-officer' },
          { user: 'ali', post: 'x.p2', role: 'duty-officer' },
        ],
      })
      expect(assign.statusCode, assign.body).toBe(200)
      const ids = async (token?: string) => (await mapOf(token)).posts?.map((p) => p.id) ?? null

      const all = ['x.hq', 'x.basin', 'x.p1', 'x.p2', 'x.c1', 'x.c3']
      expect(await ids(TOKENS.admin)).toEqual(all)
      // Headquarters: every post below it (x.c2 has no location).
      expect(await ids(TOKENS.dutyOfficer2)).toEqual(all)
      // A county officer: the county and the posts above it, no sibling's.
      expect(await ids(TOKENS.dutyOfficer)).toEqual(['x.hq', 'x.basin', 'x.p1', 'x.c1'])
      // A province officer: the province, its counties and the posts above it.
      expect(await ids(TOKENS.aubeDuty)).toEqual(['x.hq', 'x.basin', 'x.p2', 'x.c3'])
      // A token without a command post sees none; the public gets nothing.
      expect(await ids(TOKENS.observer)).toEqual([])
      expect(await ids()).toBeNull()

      const county = (await mapOf(TOKENS.dutyOfficer)).posts!
      expect(county.find((p) => p.id === 'x.c1')).toEqual({
        id: 'x.c1',
        name: 'County 1',
        level: 'county',
        lat: 48.23,
        lon: 4.7,
      })
    })
  },
)
