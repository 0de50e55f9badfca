/** Command posts, who holds which role where, and the duty rosters. */
import type { EpochMs } from '../../core/brand.ts'
import type { UserId } from '../../core/ids.ts'
import type { PostRepository } from '../../command/ports.ts'
import type { AreaId, Assignment, Post, PostId, PostLevel, Role } from '../../command/types.ts'
import { fromJson, located, toJson } from '../codec.ts'
import { rowsPerStatement } from '../dialect.ts'
import type { Selectable } from 'kysely'
import type { AssignmentsTable, PostsTable } from '../schema.ts'
import { atomically, type RepositoryContext } from './context.ts'

const assignmentOf = (r: AssignmentsTable): Assignment => ({
  user: r.user_id as UserId,
  post: r.post_id as PostId,
  role: r.role as Role,
})

/** The post repository of a store (or of one of its transactions). */
export function postRepository(ctx: RepositoryContext): PostRepository {
  const { dialect } = ctx
  const postOf = (r: Selectable<PostsTable>): Post => ({
    id: r.id as PostId,
    name: r.name,
    level: r.level as PostLevel,
    parents: fromJson(dialect, r.parents) as PostId[],
    areas: fromJson(dialect, r.areas) as AreaId[],
    ...located(r),
  })

  return {
    async replaceAll(posts) {
      const rows = posts.map((p, i) => ({
        id: p.id,
        position: i,
        name: p.name,
        level: p.level,
        parents: toJson(p.parents, `post ${p.id} parents`),
        areas: toJson(p.areas, `post ${p.id} areas`),
        lat: p.location?.lat ?? null,
        lon: p.location?.lon ?? null,
      }))
      const per = rowsPerStatement(dialect, 8)
      await atomically(ctx.db, async (trx) => {
        await trx.deleteFrom('posts').execute()
        for (let i = 0; i < rows.length; i += per)
          await trx
            .insertInto('posts')
            .values(rows.slice(i, i + per))
            .execute()
      })
    },

    async list() {
      const rows = await ctx.db.selectFrom('posts').selectAll().orderBy('position').execute()
      return rows.map(postOf)
    },

    async assignmentsOf(user) {
      const rows = await ctx.db
        .selectFrom('assignments')
        .selectAll()
        .where('user_id', '=', user)
        .orderBy('post_id')
        .orderBy('role')
        .execute()
      return rows.map(assignmentOf)
    },

    async assignmentsAt(post) {
      const rows = await ctx.db
        .selectFrom('assignments')
        .selectAll()
        .where('post_id', '=', post)
        .orderBy('user_id')
        .orderBy('role')
        .execute()
      return rows.map(assignmentOf)
    },

    async assign(a) {
      await ctx.db
        .insertInto('assignments')
        .values({ user_id: a.user, post_id: a.post, role: a.role })
        .onConflict((oc) => oc.columns(['user_id', 'post_id', 'role']).doNothing())
        .execute()
    },

    async unassign(a) {
      await ctx.db
        .deleteFrom('assignments')
        .where('user_id', '=', a.user)
        .where('post_id', '=', a.post)
        .where('role', '=', a.role)
        .execute()
    },

    async roster(post, from, to) {
      const rows = await ctx.db
        .selectFrom('roster_shifts')
        .selectAll()
        .where('post_id', '=', post)
        .where('starts_at', '<', to)
        .where('ends_at', '>', from)
        .orderBy('starts_at')
        .orderBy('id')
        .execute()
      return rows.map((r) => ({
        post: r.post_id as PostId,
        user: r.user_id as UserId,
        from: r.starts_at as EpochMs,
        to: r.ends_at as EpochMs,
      }))
    },

    async addShifts(shifts) {
      for (const [i, s] of shifts.entries())
        if (!(Number.isFinite(s.from) && Number.isFinite(s.to) && s.from < s.to))
          throw new Error(`shift ${i} of ${s.user} at ${s.post}: from must be before to`)
      const rows = shifts.map((s) => ({
        post_id: s.post,
        user_id: s.user,
        starts_at: s.from,
        ends_at: s.to,
      }))
      const per = rowsPerStatement(dialect, 4)
      await atomically(ctx.db, async (trx) => {
        for (let i = 0; i < rows.length; i += per)
          await trx
            .insertInto('roster_shifts')
            .values(rows.slice(i, i + per))
            .execute()
      })
    },
  }
}
