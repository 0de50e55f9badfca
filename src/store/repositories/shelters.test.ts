import { expect, it } from 'vitest'
import { ConflictError } from '../../logistics/ports.ts'
import { checkIn, type EvacuationEvent, type Shelter } from '../../logistics/shelters.ts'
import { describeStores } from '../testing/databases.ts'
import { areaId, at, by, shelterId } from '../testing/logistics-fixtures.ts'

const AREA = areaId('CZ0311')
const school = (over: Partial<Shelter> = {}): Shelter => ({
  id: shelterId('s-school'),
  name: 'Primary school',
  areaId: AREA,
  capacity: 300,
  occupancy: 0,
  version: 0,
  ...over,
})

describeStores('ShelterRepository', (store) => {
  it('creates a shelter at version 0 and stores each change at the version read', async () => {
    await store().shelters.save(school(), 0)
    await store().shelters.save(school({ id: shelterId('s-hall'), capacity: 80 }), 0)
    await expect(store().shelters.save(school(), 0)).rejects.toThrow(ConflictError)
    const s = (await store().shelters.find(shelterId('s-school')))!
    const after = checkIn(s, 40)
    if (!after.ok) throw new Error('check-in refused')
    await store().shelters.save(after.value, s.version)
    expect(await store().shelters.find(shelterId('s-school'))).toEqual({
      ...school(),
      occupancy: 40,
      version: 1,
    })
    expect((await store().shelters.list()).map((x) => x.id)).toEqual(['s-hall', 's-school'])
    expect(await store().shelters.find(shelterId('none'))).toBeUndefined()
    await expect(store().shelters.save(school({ version: 5 }), 1)).rejects.toThrow(
      /takes the version read/,
    )
  })

  it('keeps a shelter’s location through changes, and drops it when saved without one', async () => {
    const at = { lat: 48.267123456789, lon: 2.697 }
    await store().shelters.save(school({ location: at }), 0)
    await store().shelters.save(school({ id: shelterId('s-hall') }), 0)
    const s = (await store().shelters.find(shelterId('s-school')))!
    expect(s.location).toEqual(at)
    expect('location' in (await store().shelters.find(shelterId('s-hall')))!).toBe(false)
    const after = checkIn(s, 12)
    if (!after.ok) throw new Error('check-in refused')
    await store().shelters.save(after.value, s.version)
    expect(await store().shelters.list()).toEqual([
      school({ id: shelterId('s-hall') }),
      school({ location: at, occupancy: 12, version: 1 }),
    ])
    await store().shelters.save(school({ occupancy: 12, version: 2 }), 1)
    expect(await store().shelters.find(shelterId('s-school'))).toEqual(
      school({ occupancy: 12, version: 2 }),
    )
  })

  it('counts every check-in when 30 doors check people in at once, each retrying on conflict', async () => {
    await store().shelters.save(school(), 0)
    let conflicts = 0
    const door = async (): Promise<void> => {
      for (;;) {
        const s = (await store().shelters.find(shelterId('s-school')))!
        const next = checkIn(s, 3)
        if (!next.ok) throw new Error(JSON.stringify(next.issues))
        try {
          await store().shelters.save(next.value, s.version)
          return
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e
          conflicts++
        }
      }
    }
    await Promise.all(Array.from({ length: 30 }, door))
    expect(conflicts).toBeGreaterThan(0)
    expect(await store().shelters.find(shelterId('s-school'))).toMatchObject({
      occupancy: 90,
      version: 30,
    })
  })

  it('appends an area’s evacuation events at the version read, refusing those that do not follow', async () => {
    const ordered: EvacuationEvent = {
      kind: 'ordered',
      areaId: AREA,
      at: at(0),
      by,
      toEvacuate: 1200,
    }
    const reported: EvacuationEvent = {
      kind: 'reported',
      areaId: AREA,
      at: at(1),
      by,
      evacuated: 400,
    }
    await store().shelters.appendEvacuation(AREA, 0, [ordered])
    await store().shelters.appendEvacuation(AREA, 1, [reported])
    const stale = await store()
      .shelters.appendEvacuation(AREA, 1, [reported])
      .catch((e: unknown) => e)
    expect(stale).toMatchObject({
      subject: 'evacuation of CZ0311',
      expectedVersion: 1,
      actualVersion: 2,
    })
    await expect(
      store().shelters.appendEvacuation(AREA, 2, [{ ...reported, evacuated: 100 }]),
    ).rejects.toThrow(/reports are cumulative/)
    expect(await store().shelters.evacuationEvents(AREA)).toEqual([ordered, reported])
    expect(await store().shelters.evacuationEvents(areaId('none'))).toEqual([])
  })
})
