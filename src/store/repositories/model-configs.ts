/** Each basin's model configuration: model name, parameters, options, calibration record. */
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId } from '../../core/ids.ts'
import type { ModelConfig, ModelConfigRepository } from '../../forecast/ports.ts'
import { fromJson, toJson } from '../codec.ts'
import { type RepositoryContext, upsertRows } from './context.ts'

/** The model-configuration repository of a store (or of one of its transactions). */
export function modelConfigRepository(ctx: RepositoryContext): ModelConfigRepository {
  return {
    async put(config) {
      const what = `model config of basin ${config.basinId}`
      await upsertRows(
        ctx.db,
        ctx.dialect,
        'model_configs',
        ['basin_id'],
        [
          {
            basin_id: config.basinId,
            model: config.model,
            params: toJson(config.params, what),
            options: toJson(config.options, what),
            calibration: config.calibration === null ? null : toJson(config.calibration, what),
            updated_at: config.updatedAt,
          },
        ],
      )
    },
    async models() {
      const rows = await ctx.db.selectFrom('model_configs').select(['basin_id', 'model']).execute()
      return new Map(rows.map((r) => [r.basin_id as BasinId, r.model]))
    },
    async find(basinId) {
      const r = await ctx.db
        .selectFrom('model_configs')
        .selectAll()
        .where('basin_id', '=', basinId)
        .executeTakeFirst()
      if (r === undefined) return undefined
      return {
        basinId: r.basin_id as BasinId,
        model: r.model,
        params: fromJson(ctx.dialect, r.params) as Record<string, number>,
        options: fromJson(ctx.dialect, r.options) as Record<string, unknown>,
        calibration: fromJson(ctx.dialect, r.calibration) as ModelConfig['calibration'],
        updatedAt: r.updated_at as EpochMs,
      }
    },
  }
}
