import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import type { EvacuationEvent, Shelter } from './shelters.ts'
import {
  applyEvacuationEvent,
  checkIn,
  checkOut,
  evacuationStatus,
  notStarted,
  shelterIssues,
} from './shelters.ts'
import { formatIssue } from '../core/result.ts'
import type { AreaId, ShelterId } from './types.ts'

const X = 'X' as AreaId
const gym: Shelter = {
  id: 'gym' as ShelterId,
  name: 'School gym',
  areaId: X,
  capacity: 120,
  occupancy: 100,
  version: 3,
}
const by = 'mayor' as UserId
const e = (x: Record<string, unknown>): EvacuationEvent =>
  ({ areaId: X, at: 10 as EpochMs, by, ...x }) as EvacuationEvent

describe('shelters', () => {
  it('checks people in up to capacity and refuses one more', () => {
    const r = checkIn(gym, 20)
    expect(r.ok && [r.value.occupancy, r.value.version]).toEqual([120, 4])
    const over = checkIn(gym, 21)
    expect(over.ok).toBe(false)
    if (!over.ok)
      expect(over.issues[0]!.message).toBe('shelter gym holds 100 of 120: room for 20, not 21')
  })

  it('refuses checking out more than are in, and counts that are not whole', () => {
    expect(checkOut(gym, 101).ok).toBe(false)
    expect(checkIn(gym, 1.5).ok).toBe(false)
    expect(checkIn(gym, 0).ok).toBe(false)
    const r = checkOut(gym, 100)
    expect(r.ok && r.value.occupancy).toBe(0)
  })
})

describe('shelterIssues', () => {
  it('accepts a shelter without a location and one with a valid location, carrying it through check-in', () => {
    expect(shelterIssues(gym)).toEqual([])
    const placed = { ...gym, location: { lat: 48.372, lon: 2.816 } }
    expect(shelterIssues(placed, 100)).toEqual([])
    const r = checkIn(placed, 5)
    expect(r.ok && r.value.location).toEqual({ lat: 48.372, lon: 2.816 })
  })

  it('names the shelter and the field of every problem', () => {
    expect(
      shelterIssues({ id: gym.id, capacity: 90, location: { lat: -95, lon: 400 } }, 100).map(
        formatIssue,
      ),
    ).toEqual([
      'capacity: must be a whole number ≥ the 100 persons in it, got 90',
      'location.lat: shelter gym: must be a latitude in [-90, 90] degrees, got -95',
      'location.lon: shelter gym: must be a longitude in [-180, 180] degrees, got 400',
    ])
    expect(shelterIssues({ id: gym.id, capacity: 1.5 }).map(formatIssue)).toEqual([
      'capacity: must be a whole number ≥ 0, got 1.5',
    ])
  })
})

describe('evacuation', () => {
  it('goes not-started → ordered → in-progress → completed with counts and shelter occupancy', () => {
    const events = [
      e({ kind: 'ordered', toEvacuate: 400 }),
      e({ kind: 'reported', evacuated: 150 }),
      e({ kind: 'reported', evacuated: 390 }),
    ]
    const r = evacuationStatus(new Map([[X, events]]), [
      gym,
      { ...gym, id: 'hall' as ShelterId, capacity: 300, occupancy: 250 },
    ])
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value).toEqual([
      {
        areaId: X,
        state: 'in-progress',
        toEvacuate: 400,
        evacuated: 390,
        version: 3,
        updatedAt: 10,
        inShelters: 350,
        shelterPlacesFree: 70,
      },
    ])
    const done = applyEvacuationEvent({ ...r.value[0]! }, e({ kind: 'completed' }))
    expect(done.ok && done.value.state).toBe('completed')
  })

  it('refuses reports before an order, counts going down, and events after completion', () => {
    expect(applyEvacuationEvent(notStarted(X), e({ kind: 'reported', evacuated: 5 })).ok).toBe(
      false,
    )
    const r = evacuationStatus(
      new Map([
        [
          X,
          [
            e({ kind: 'ordered', toEvacuate: 10 }),
            e({ kind: 'reported', evacuated: 8 }),
            e({ kind: 'reported', evacuated: 7 }),
          ],
        ],
      ]),
      [],
    )
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]!.path).toEqual([X, 2, 'evacuated'])
    const closed = { ...notStarted(X), state: 'completed' as const }
    expect(applyEvacuationEvent(closed, e({ kind: 'ordered', toEvacuate: 3 })).ok).toBe(false)
    expect(
      applyEvacuationEvent(
        { ...notStarted(X), state: 'ordered' },
        e({ kind: 'stood-down', reason: '' }),
      ).ok,
    ).toBe(false)
  })
})
