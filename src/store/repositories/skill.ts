/**
 * Hindcast summaries per basin (`HindcastSkill`), appended as they are computed: what was run in
 * columns, the thresholds and the scores per lead time as JSON documents (flows in m³/s, null
 * where a score is undefined).
 */
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId } from '../../core/ids.ts'
import type { HindcastSkill, HindcastSkillRepository } from '../../forecast/hindcast/skill.ts'
import { fromJson, toJson } from '../codec.ts'
import type { RepositoryContext } from './context.ts'

/** The hindcast-skill repository of a store (or of one of its transactions). */
export function hindcastSkillRepository(ctx: RepositoryContext): HindcastSkillRepository {
  return {
    async put(s) {
      const what = `hindcast skill of basin ${s.basinId}`
      await ctx.db
        .insertInto('hindcast_skill')
        .values({
          basin_id: s.basinId,
          computed_at: s.computedAt,
          first_issue: s.firstIssue,
          last_issue: s.lastIssue,
          issues: s.issues,
          every_steps: s.everySteps,
          update_method: s.update,
          model: s.model,
          members: s.members,
          horizon_steps: s.horizonSteps,
          step_ms: s.stepMs,
          seed: s.seed,
          forcing_note: s.forcingNote,
          thresholds: toJson(s.thresholds, what),
          threshold_note: s.thresholdNote,
          flow_unit: s.flowUnit,
          leads: toJson(s.leads, what),
        })
        .execute()
    },

    async latestTimes() {
      const rows = await ctx.db
        .selectFrom('hindcast_skill')
        .select(['basin_id', (eb) => eb.fn.max('computed_at').as('at')])
        .groupBy('basin_id')
        .execute()
      return new Map(rows.map((r) => [r.basin_id as BasinId, Number(r.at) as EpochMs]))
    },

    async latest(basinId) {
      const r = await ctx.db
        .selectFrom('hindcast_skill')
        .selectAll()
        .where('basin_id', '=', basinId)
        .orderBy('computed_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst()
      if (r === undefined) return undefined
      return {
        basinId: r.basin_id as BasinId,
        computedAt: r.computed_at as EpochMs,
        firstIssue: r.first_issue as EpochMs,
        lastIssue: r.last_issue as EpochMs,
        issues: r.issues,
        everySteps: r.every_steps,
        update: r.update_method as HindcastSkill['update'],
        model: r.model,
        members: r.members,
        horizonSteps: r.horizon_steps,
        stepMs: r.step_ms,
        seed: r.seed,
        forcingNote: r.forcing_note,
        thresholds: fromJson(ctx.dialect, r.thresholds) as HindcastSkill['thresholds'],
        thresholdNote: r.threshold_note,
        flowUnit: 'm3/s',
        leads: fromJson(ctx.dialect, r.leads) as HindcastSkill['leads'],
      }
    },
  }
}
