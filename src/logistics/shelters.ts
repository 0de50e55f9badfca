/**
 * Evacuation shelters (capacity and occupancy, in persons) and the evacuation of each area.
 *
 * A shelter is edited concurrently (check-ins at the door, check-outs, corrections), hence its
 * `version`: every accepted change returns the shelter with version + 1, and the repository
 * stores it only if the stored version is still the one read (ports.ts).
 *
 * An area's evacuation is a stream of events: `ordered` (how many people to move), `reported`
 * (how many have left so far), `completed`, or `stood-down` (the order withdrawn):
 *
 *     not-started → ordered → in-progress → completed
 *                      └──────────┴──→ stood-down
 */
import type { EpochMs } from '../core/brand.ts'
import { assertNever } from '../core/errors.ts'
import { latLonIssues, type LatLon } from '../core/geo.ts'
import type { UserId } from '../core/ids.ts'
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import type { AreaId, ShelterId } from './types.ts'

/** A shelter. */
export interface Shelter {
  readonly id: ShelterId
  readonly name: string
  readonly areaId: AreaId
  /** Persons it can take. */
  readonly capacity: number
  /** Persons in it now, 0 … capacity. */
  readonly occupancy: number
  /** Where the shelter is (WGS84 degrees), for the map; absent when not known. */
  readonly location?: LatLon
  /** Accepted changes. */
  readonly version: number
}

/**
 * The problems of a shelter's own fields as someone sets them: capacity a whole number of
 * persons ≥ `minCapacity` (the persons already in it), and a location, when given, with a
 * latitude in [−90, 90] and a longitude in [−180, 180] degrees, both finite.
 *
 * @param s the shelter's id, capacity (persons) and location (degrees)
 * @param minCapacity persons the capacity may not go below (0 for a new shelter)
 * @returns every problem with its path (`capacity`, `location.lat`, `location.lon`), each
 *   message naming the shelter
 */
export function shelterIssues(
  s: Pick<Shelter, 'id' | 'capacity' | 'location'>,
  minCapacity = 0,
): Issue[] {
  const issues: Issue[] = []
  if (!(Number.isInteger(s.capacity) && s.capacity >= minCapacity))
    issues.push({
      path: ['capacity'],
      message:
        minCapacity === 0
          ? `must be a whole number ≥ 0, got ${s.capacity}`
          : `must be a whole number ≥ the ${minCapacity} persons in it, got ${s.capacity}`,
    })
  if (s.location !== undefined)
    issues.push(...latLonIssues(s.location, ['location'], `shelter ${s.id}`))
  return issues
}

const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0

/**
 * Checks `persons` in, refusing a count that is not a positive integer or that would exceed
 * the shelter's capacity.
 * @returns the shelter with the new occupancy and version + 1, or the issue
 */
export function checkIn(shelter: Shelter, persons: number): Result<Shelter> {
  if (!isCount(persons) || persons === 0)
    return fail([{ path: ['persons'], message: `must be a whole number > 0, got ${persons}` }])
  if (shelter.occupancy + persons > shelter.capacity)
    return fail([
      {
        path: ['persons'],
        message:
          `shelter ${shelter.id} holds ${shelter.occupancy} of ${shelter.capacity}: ` +
          `room for ${shelter.capacity - shelter.occupancy}, not ${persons}`,
      },
    ])
  return ok({ ...shelter, occupancy: shelter.occupancy + persons, version: shelter.version + 1 })
}

/**
 * Checks `persons` out, refusing more than are in the shelter.
 * @returns the shelter with the new occupancy and version + 1, or the issue
 */
export function checkOut(shelter: Shelter, persons: number): Result<Shelter> {
  if (!isCount(persons) || persons === 0)
    return fail([{ path: ['persons'], message: `must be a whole number > 0, got ${persons}` }])
  if (persons > shelter.occupancy)
    return fail([
      {
        path: ['persons'],
        message: `shelter ${shelter.id} holds ${shelter.occupancy}: cannot check out ${persons}`,
      },
    ])
  return ok({ ...shelter, occupancy: shelter.occupancy - persons, version: shelter.version + 1 })
}

/** The state of an area's evacuation. */
export type EvacuationState = 'not-started' | 'ordered' | 'in-progress' | 'completed' | 'stood-down'

interface EvacuationBase {
  readonly areaId: AreaId
  readonly at: EpochMs
  readonly by: UserId
}

/** What happens to an area's evacuation. */
export type EvacuationEvent =
  | (EvacuationBase & { readonly kind: 'ordered'; readonly toEvacuate: number })
  | (EvacuationBase & { readonly kind: 'reported'; readonly evacuated: number })
  | (EvacuationBase & { readonly kind: 'completed' })
  | (EvacuationBase & { readonly kind: 'stood-down'; readonly reason: string })

/** An area's evacuation, replayed. */
export interface Evacuation {
  readonly areaId: AreaId
  readonly state: EvacuationState
  /** Persons to move (0 before an order). */
  readonly toEvacuate: number
  /** Persons reported moved so far. */
  readonly evacuated: number
  readonly version: number
  readonly updatedAt: EpochMs | null
}

/** An area before any evacuation event. */
export const notStarted = (areaId: AreaId): Evacuation => ({
  areaId,
  state: 'not-started',
  toEvacuate: 0,
  evacuated: 0,
  version: 0,
  updatedAt: null,
})

/**
 * Applies one evacuation event, refusing transitions the state does not allow and counts that
 * are not whole numbers or that go down (reports are cumulative).
 */
export function applyEvacuationEvent(ev: Evacuation, e: EvacuationEvent): Result<Evacuation> {
  if (e.areaId !== ev.areaId)
    return fail([
      { path: ['areaId'], message: `event of area ${e.areaId} applied to area ${ev.areaId}` },
    ])
  const closed = ev.state === 'completed' || ev.state === 'stood-down'
  if (closed)
    return fail([{ path: ['kind'], message: `the evacuation of ${ev.areaId} is ${ev.state}` }])
  const next = { ...ev, version: ev.version + 1, updatedAt: e.at }
  switch (e.kind) {
    case 'ordered':
      if (!isCount(e.toEvacuate) || e.toEvacuate === 0)
        return fail([
          { path: ['toEvacuate'], message: `must be a whole number > 0, got ${e.toEvacuate}` },
        ])
      if (e.toEvacuate < ev.evacuated)
        return fail([{ path: ['toEvacuate'], message: `${ev.evacuated} are already evacuated` }])
      return ok({
        ...next,
        state: ev.state === 'not-started' ? 'ordered' : ev.state,
        toEvacuate: e.toEvacuate,
      })
    case 'reported':
      if (ev.state === 'not-started')
        return fail([{ path: ['kind'], message: `no evacuation of ${ev.areaId} has been ordered` }])
      if (!isCount(e.evacuated))
        return fail([
          { path: ['evacuated'], message: `must be a whole number ≥ 0, got ${e.evacuated}` },
        ])
      if (e.evacuated < ev.evacuated)
        return fail([
          {
            path: ['evacuated'],
            message: `reports are cumulative: ${e.evacuated} is below ${ev.evacuated} reported`,
          },
        ])
      return ok({ ...next, state: 'in-progress', evacuated: e.evacuated })
    case 'completed':
      if (ev.state === 'not-started')
        return fail([{ path: ['kind'], message: `no evacuation of ${ev.areaId} has been ordered` }])
      return ok({ ...next, state: 'completed' })
    case 'stood-down':
      if (ev.state === 'not-started')
        return fail([{ path: ['kind'], message: `no evacuation of ${ev.areaId} has been ordered` }])
      if (e.reason.trim() === '')
        return fail([{ path: ['reason'], message: 'standing down needs a reason' }])
      return ok({ ...next, state: 'stood-down' })
    default:
      return assertNever(e)
  }
}

/** An area's evacuation with the people now in its shelters. */
export interface EvacuationStatus extends Evacuation {
  /** Persons in the area's shelters. */
  readonly inShelters: number
  /** Places left in the area's shelters. */
  readonly shelterPlacesFree: number
}

/**
 * The evacuation status of each area: its replayed events plus its shelters' occupancy.
 *
 * @param events per area, in order
 * @returns one status per area that has events or shelters, or the first refused event of
 *   each area whose events do not replay (path `[areaId, index, …]`)
 */
export function evacuationStatus(
  events: ReadonlyMap<AreaId, readonly EvacuationEvent[]>,
  shelters: readonly Shelter[],
): Result<EvacuationStatus[]> {
  const areas = new Set<AreaId>([...events.keys(), ...shelters.map((s) => s.areaId)])
  const out: EvacuationStatus[] = []
  const issues: { path: (string | number)[]; message: string }[] = []
  for (const areaId of areas) {
    let ev = notStarted(areaId)
    const list = events.get(areaId) ?? []
    for (let i = 0; i < list.length; i++) {
      const r = applyEvacuationEvent(ev, list[i]!)
      if (!r.ok) {
        for (const x of r.issues) issues.push({ path: [areaId, i, ...x.path], message: x.message })
        break
      }
      ev = r.value
    }
    let inShelters = 0
    let free = 0
    for (const s of shelters)
      if (s.areaId === areaId) {
        inShelters += s.occupancy
        free += s.capacity - s.occupancy
      }
    out.push({ ...ev, inShelters, shelterPlacesFree: free })
  }
  return issues.length > 0 ? fail(issues) : ok(out)
}
