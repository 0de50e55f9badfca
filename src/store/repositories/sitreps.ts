/** Situation reports, never edited: stored whole, found by id, by post and as of a time. */
import { ConflictError, type SitrepRepository } from '../../command/ports.ts'
import type { Sitrep } from '../../command/sitreps.ts'
import type { PostId } from '../../command/types.ts'
import { fromJson, toJson } from '../codec.ts'
import { atomically, type RepositoryContext } from './context.ts'

/** The situation-report repository of a store (or of one of its transactions). */
export function sitrepRepository(ctx: RepositoryContext): SitrepRepository {
  const { dialect } = ctx
  const sitrepOf = (doc: unknown): Sitrep => fromJson(dialect, doc) as Sitrep

  return {
    async add(report) {
      const doc = toJson(report, `sitrep ${report.id}`)
      await atomically(ctx.db, async (trx) => {
        const added = await trx
          .insertInto('sitreps')
          .values({ id: report.id, post_id: report.post, at: report.at, report: doc })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .execute()
        if (added.length === 0) throw new ConflictError(`sitrep ${report.id}`, 0, 1)
      })
    },

    async find(id) {
      const r = await ctx.db
        .selectFrom('sitreps')
        .select('report')
        .where('id', '=', id)
        .executeTakeFirst()
      return r === undefined ? undefined : sitrepOf(r.report)
    },

    async latestPerPost(at) {
      // Every post's reports at its latest time at or before `at`; of several at that time
      // the greatest id wins, compared in JS as latestReports() does (SQL text order follows
      // the database's collation).
      const rows = await ctx.db
        .selectFrom('sitreps as s')
        .select(['s.post_id', 's.id', 's.report'])
        .where('s.at', '=', (eb) =>
          eb
            .selectFrom('sitreps as x')
            .select((x) => x.fn.max('x.at').as('m'))
            .whereRef('x.post_id', '=', 's.post_id')
            .where('x.at', '<=', at),
        )
        .execute()
      const latest = new Map<string, { id: string; report: unknown }>()
      for (const r of rows) {
        const cur = latest.get(r.post_id)
        if (cur === undefined || r.id > cur.id) latest.set(r.post_id, r)
      }
      return [...latest.keys()]
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map((post) => sitrepOf(latest.get(post)!.report))
    },

    async byPost(post: PostId, limit?: number) {
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0))
        throw new Error(`limit must be a non-negative integer, not ${limit}`)
      let q = ctx.db
        .selectFrom('sitreps')
        .select('report')
        .where('post_id', '=', post)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
      if (limit !== undefined) q = q.limit(limit)
      return (await q.execute()).map((r) => sitrepOf(r.report))
    },
  }
}
