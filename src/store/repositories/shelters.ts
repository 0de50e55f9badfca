/**
 * Shelters, each saved with optimistic concurrency on its `version`, and each area's evacuation
 * as an event stream (event-streams.ts).
 */
import { formatIssue } from '../../core/result.ts'
import { ConflictError, type ShelterRepository } from '../../logistics/ports.ts'
import {
  applyEvacuationEvent,
  type Evacuation,
  type EvacuationEvent,
  notStarted,
  type Shelter,
} from '../../logistics/shelters.ts'
import type { AreaId, ShelterId } from '../../logistics/types.ts'
import { located } from '../codec.ts'
import type { SheltersTable } from '../schema.ts'
import { atomically, type RepositoryContext } from './context.ts'
import { appendToStream, readStream } from './event-streams.ts'

const shelterOf = (r: SheltersTable): Shelter => ({
  id: r.id as ShelterId,
  name: r.name,
  areaId: r.area_id as AreaId,
  capacity: r.capacity,
  occupancy: r.occupancy,
  ...located(r),
  version: r.version,
})

/** The shelter repository of a store (or of one of its transactions). */
export function shelterRepository(ctx: RepositoryContext): ShelterRepository {
  return {
    async list() {
      return (await ctx.db.selectFrom('shelters').selectAll().orderBy('id').execute()).map(
        shelterOf,
      )
    },

    async find(id) {
      const r = await ctx.db
        .selectFrom('shelters')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return r === undefined ? undefined : shelterOf(r)
    },

    async save(shelter, expectedVersion) {
      if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0)
        throw new Error(`expectedVersion must be a non-negative integer, not ${expectedVersion}`)
      const isNew = expectedVersion === 0 && shelter.version === 0
      if (!isNew && shelter.version !== expectedVersion + 1)
        throw new Error(
          `shelter ${shelter.id} at version ${shelter.version} saved over version ` +
            `${expectedVersion}: a change takes the version read to the next one`,
        )
      const row = {
        name: shelter.name,
        area_id: shelter.areaId,
        capacity: shelter.capacity,
        occupancy: shelter.occupancy,
        lat: shelter.location?.lat ?? null,
        lon: shelter.location?.lon ?? null,
        version: shelter.version,
      }
      await atomically(ctx.db, async (trx) => {
        let done: boolean
        if (isNew) {
          const created = await trx
            .insertInto('shelters')
            .values({ id: shelter.id, ...row })
            .onConflict((oc) => oc.column('id').doNothing())
            .returning('id')
            .execute()
          done = created.length > 0
        } else {
          const updated = await trx
            .updateTable('shelters')
            .set(row)
            .where('id', '=', shelter.id)
            .where('version', '=', expectedVersion)
            .executeTakeFirst()
          done = updated.numUpdatedRows > 0n
        }
        if (done) return
        const stored = await trx
          .selectFrom('shelters')
          .select('version')
          .where('id', '=', shelter.id)
          .executeTakeFirst()
        if (stored === undefined) throw new Error(`shelter ${shelter.id}: no such shelter`)
        throw new ConflictError(`shelter ${shelter.id}`, expectedVersion, stored.version)
      })
    },

    async appendEvacuation(areaId, expectedVersion, events) {
      await appendToStream<EvacuationEvent, Evacuation>(ctx, {
        table: 'evacuation_events',
        id: areaId,
        expectedVersion,
        events,
        conflict: (expected, actual) =>
          new ConflictError(`evacuation of ${areaId}`, expected, actual),
        replay: (all) => {
          let ev = notStarted(areaId)
          for (const [i, e] of all.entries()) {
            const r = applyEvacuationEvent(ev, e)
            if (!r.ok)
              throw new Error(
                `evacuation of ${areaId}, event ${i + 1}: ${r.issues.map(formatIssue).join('; ')}`,
              )
            ev = r.value
          }
          return ev
        },
      })
    },

    async evacuationEvents(areaId) {
      return (await readStream(ctx, 'evacuation_events', areaId)) as EvacuationEvent[]
    },
  }
}
