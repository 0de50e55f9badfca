/**
 * Ensemble weather forecasts per basin, one per issue time: each variable's members packed
 * into one blob of members × lead steps little-endian doubles.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId } from '../../core/ids.ts'
import type { ForcingForecastRepository } from '../../forecast/ports.ts'
import { packRows, unpackRows } from '../codec.ts'
import { type RepositoryContext, upsertRows } from './context.ts'

/** The forcing-forecast repository of a store (or of one of its transactions). */
export function forcingForecastRepository(ctx: RepositoryContext): ForcingForecastRepository {
  return {
    async put(f) {
      const lead = f.precip[0]?.length ?? f.pet?.[0]?.length ?? f.temp?.[0]?.length ?? 0
      await upsertRows(
        ctx.db,
        ctx.dialect,
        'forcing_forecasts',
        ['basin_id', 'issue_time'],
        [
          {
            basin_id: f.basinId,
            issue_time: f.issueTime,
            step_ms: f.stepMs,
            source: f.source,
            lead_steps: lead,
            precip_members: f.precip.length,
            precip: packRows(f.precip, lead, 'precip'),
            pet_members: f.pet?.length ?? null,
            pet: f.pet === null ? null : packRows(f.pet, lead, 'pet'),
            temp_members: f.temp?.length ?? null,
            temp: f.temp === null ? null : packRows(f.temp, lead, 'temp'),
          },
        ],
      )
    },
    async latest(basinId, atOrBefore) {
      const r = await ctx.db
        .selectFrom('forcing_forecasts')
        .selectAll()
        .where('basin_id', '=', basinId)
        .where('issue_time', '<=', atOrBefore)
        .orderBy('issue_time', 'desc')
        .limit(1)
        .executeTakeFirst()
      if (r === undefined) return undefined
      const what = `forcing of basin ${r.basin_id} issued at ${r.issue_time}`
      const L = r.lead_steps
      return {
        basinId: r.basin_id as BasinId,
        issueTime: r.issue_time as EpochMs,
        stepMs: r.step_ms,
        source: r.source,
        precip: unpackRows(r.precip, r.precip_members, L, `${what}: precip`),
        pet: r.pet === null ? null : unpackRows(r.pet, r.pet_members ?? 0, L, `${what}: pet`),
        temp: r.temp === null ? null : unpackRows(r.temp, r.temp_members ?? 0, L, `${what}: temp`),
      }
    },
  }
}
