/** Saved model states, one per basin and time, as little-endian doubles. */
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId } from '../../core/ids.ts'
import type { ModelStateRepository } from '../../forecast/ports.ts'
import { packRows, unpackRows } from '../codec.ts'
import { type RepositoryContext, upsertRows } from './context.ts'

/** The model-state repository of a store (or of one of its transactions). */
export function modelStateRepository(ctx: RepositoryContext): ModelStateRepository {
  return {
    async put(s) {
      await upsertRows(
        ctx.db,
        ctx.dialect,
        'model_states',
        ['basin_id', 't'],
        [
          {
            basin_id: s.basinId,
            t: s.t,
            model: s.model,
            state: packRows([s.state], s.state.length, 'state'),
          },
        ],
      )
    },
    async latest(basinId, atOrBefore) {
      const r = await ctx.db
        .selectFrom('model_states')
        .selectAll()
        .where('basin_id', '=', basinId)
        .where('t', '<=', atOrBefore)
        .orderBy('t', 'desc')
        .limit(1)
        .executeTakeFirst()
      if (r === undefined) return undefined
      const n = Math.floor(r.state.byteLength / 8)
      return {
        basinId: r.basin_id as BasinId,
        model: r.model,
        t: r.t as EpochMs,
        state: unpackRows(r.state, 1, n, `state of basin ${r.basin_id}`)[0]!,
      }
    },
  }
}
