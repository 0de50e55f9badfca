/**
 * Each warning zone's evaluation state (persistence and hysteresis counters), one row per zone,
 * replaced after every cycle; the document is the `ZoneEvaluationState` as JSON.
 */
import type { ZoneEvaluationState } from '../../warn/evaluate.ts'
import type { ZoneEvaluationRepository } from '../../warn/ports.ts'
import { fromJson, toJson } from '../codec.ts'
import { type RepositoryContext, upsertRows } from './context.ts'

/** The zone-evaluation repository of a store (or of one of its transactions). */
export function zoneEvaluationRepository(ctx: RepositoryContext): ZoneEvaluationRepository {
  return {
    async find(zoneId) {
      const r = await ctx.db
        .selectFrom('zone_evaluations')
        .select('state')
        .where('zone_id', '=', zoneId)
        .executeTakeFirst()
      return r === undefined ? undefined : (fromJson(ctx.dialect, r.state) as ZoneEvaluationState)
    },
    put: (state, updatedAt) =>
      upsertRows(
        ctx.db,
        ctx.dialect,
        'zone_evaluations',
        ['zone_id'],
        [
          {
            zone_id: state.zoneId,
            state: toJson(state, `evaluation state of zone ${state.zoneId}`),
            updated_at: updatedAt,
          },
        ],
      ),
  }
}
