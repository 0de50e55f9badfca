/**
 * The chain of command as a directed acyclic graph of posts, checked once and indexed so that
 * questions about it (who is below, who is above, whose jurisdiction covers an area) cost time
 * in proportion to the answer, not to the number of posts.
 *
 * Every superior of a post is of a strictly higher level (national → basin → province →
 * county), so the graph cannot have a cycle once that rule holds; a cycle is still reported on
 * its own, to say exactly which posts form it.
 */
import { latLonIssues } from '../core/geo.ts'
import { isId } from '../core/ids.ts'
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import type { AreaId, Post, PostId, PostLevel } from './types.ts'
import { POST_LEVELS, levelRank } from './types.ts'

/** A checked hierarchy with its adjacency precomputed. Build it with {@link buildHierarchy}. */
export interface Hierarchy {
  readonly posts: ReadonlyMap<PostId, Post>
  /** Every post, superiors before subordinates (by level, then in the order given). */
  readonly order: readonly PostId[]
  /** Direct subordinates of each post, in the order given. */
  readonly childrenOf: ReadonlyMap<PostId, readonly PostId[]>
  /** Posts that list each area among their own `areas`. */
  readonly postsWithArea: ReadonlyMap<AreaId, readonly PostId[]>
}

/**
 * Checks posts and indexes them. Collects every problem, each with its path
 * (`posts[i].id`, `posts[i].parents[j]`, `posts[i].location.lat`, …): a malformed or duplicate
 * id, an empty name, an unknown level, a location off the globe (latitude outside [−90, 90] or
 * longitude outside [−180, 180] degrees, not finite, or one without the other), an unknown or
 * repeated parent, a parent not of a higher level, a cycle.
 *
 * Roots may be at any level (a deployment may start at a province); nothing requires a county
 * to have a parent.
 */
export function buildHierarchy(posts: readonly Post[]): Result<Hierarchy> {
  const issues: Issue[] = []
  const byId = new Map<PostId, Post>()
  const indexOf = new Map<PostId, number>()
  posts.forEach((p, i) => {
    if (!isId(p.id))
      issues.push({
        path: ['posts', i, 'id'],
        message: `not a well-formed id: ${JSON.stringify(p.id)}`,
      })
    else if (byId.has(p.id))
      issues.push({
        path: ['posts', i, 'id'],
        message: `duplicate post id ${p.id} (first at posts[${indexOf.get(p.id)}])`,
      })
    else {
      byId.set(p.id, p)
      indexOf.set(p.id, i)
    }
    if (p.name.trim() === '')
      issues.push({ path: ['posts', i, 'name'], message: 'must not be empty' })
    if (!POST_LEVELS.includes(p.level))
      issues.push({
        path: ['posts', i, 'level'],
        message: `unknown level ${JSON.stringify(p.level)}; one of ${POST_LEVELS.join(', ')}`,
      })
    if (p.location !== undefined)
      issues.push(...latLonIssues(p.location, ['posts', i, 'location'], `post ${p.id}`))
  })
  posts.forEach((p, i) => {
    const seen = new Set<PostId>()
    p.parents.forEach((parentId, j) => {
      const path = ['posts', i, 'parents', j]
      if (seen.has(parentId)) {
        issues.push({ path, message: `parent ${parentId} listed twice` })
        return
      }
      seen.add(parentId)
      const parent = byId.get(parentId)
      if (parent === undefined) {
        issues.push({ path, message: `unknown parent post ${parentId}` })
        return
      }
      if (POST_LEVELS.includes(p.level) && POST_LEVELS.includes(parent.level))
        if (levelRank(parent.level) >= levelRank(p.level))
          issues.push({
            path,
            message: `parent ${parentId} is a ${parent.level} post, not above ${p.id} (${p.level})`,
          })
    })
  })
  for (const cycle of findCycles(posts, byId))
    issues.push({
      path: ['posts', indexOf.get(cycle[0]!)!, 'parents'],
      message: `cycle of superiors: ${[...cycle, cycle[0]].join(' → ')}`,
    })
  if (issues.length > 0) return fail(issues)

  const order = [...byId.keys()].sort(
    (a, b) =>
      levelRank(byId.get(a)!.level) - levelRank(byId.get(b)!.level) ||
      indexOf.get(a)! - indexOf.get(b)!,
  )
  const childrenOf = new Map<PostId, PostId[]>()
  const postsWithArea = new Map<AreaId, PostId[]>()
  for (const id of byId.keys()) childrenOf.set(id, [])
  for (const p of byId.values()) {
    for (const parent of p.parents) childrenOf.get(parent)!.push(p.id)
    for (const a of new Set(p.areas)) {
      const list = postsWithArea.get(a)
      if (list === undefined) postsWithArea.set(a, [p.id])
      else list.push(p.id)
    }
  }
  return ok({ posts: byId, order, childrenOf, postsWithArea })
}

/** Each cycle once, as the posts along it (following `parents`). */
function findCycles(posts: readonly Post[], byId: ReadonlyMap<PostId, Post>): PostId[][] {
  const state = new Map<PostId, 'open' | 'done'>()
  const cycles: PostId[][] = []
  const stack: PostId[] = []
  const visit = (id: PostId): void => {
    state.set(id, 'open')
    stack.push(id)
    for (const parent of byId.get(id)!.parents) {
      if (!byId.has(parent)) continue
      const s = state.get(parent)
      if (s === 'open') cycles.push(stack.slice(stack.indexOf(parent)))
      else if (s === undefined) visit(parent)
    }
    stack.pop()
    state.set(id, 'done')
  }
  for (const p of posts) if (byId.get(p.id) === p && !state.has(p.id)) visit(p.id)
  return cycles
}

/** @returns undefined when there is no such post */
export function findPost(h: Hierarchy, id: PostId): Post | undefined {
  return h.posts.get(id)
}

/** @throws Error when there is no such post (a programmer error: check ids at the edge) */
export function getPostOrThrow(h: Hierarchy, id: PostId): Post {
  const p = h.posts.get(id)
  if (p === undefined) throw new Error(`unknown post ${JSON.stringify(id)}`)
  return p
}

/** Direct superiors of a post. @throws Error for an unknown post */
export function superiors(h: Hierarchy, id: PostId): readonly PostId[] {
  return getPostOrThrow(h, id).parents
}

/** Direct subordinates of a post. @throws Error for an unknown post */
export function children(h: Hierarchy, id: PostId): readonly PostId[] {
  const c = h.childrenOf.get(id)
  if (c === undefined) throw new Error(`unknown post ${JSON.stringify(id)}`)
  return c
}

/**
 * Every post below `id` (not itself), each once even when reached through several superiors,
 * nearest first (breadth-first). O(posts below + their links).
 * @throws Error for an unknown post
 */
export function descendants(h: Hierarchy, id: PostId): PostId[] {
  return walk(id, (x) => children(h, x))
}

/**
 * Every post above `id` (not itself), each once, nearest first.
 * @throws Error for an unknown post
 */
export function ancestors(h: Hierarchy, id: PostId): PostId[] {
  return walk(id, (x) => superiors(h, x))
}

function walk(start: PostId, next: (id: PostId) => readonly PostId[]): PostId[] {
  const seen = new Set<PostId>([start])
  const out: PostId[] = []
  for (let i = -1; i < out.length; i++) {
    const from = i < 0 ? start : out[i]!
    for (const n of next(from))
      if (!seen.has(n)) {
        seen.add(n)
        out.push(n)
      }
  }
  return out
}

/**
 * Whether `post` is `above` itself or a post somewhere below it.
 * @throws Error for an unknown post
 */
export function isAtOrBelow(h: Hierarchy, post: PostId, above: PostId): boolean {
  getPostOrThrow(h, above)
  return post === above || ancestors(h, post).includes(above)
}

/**
 * Areas of the post and of every post below it, each once (its own first, then nearest posts
 * first).
 * @throws Error for an unknown post
 */
export function jurisdictionOf(h: Hierarchy, id: PostId): AreaId[] {
  const out = new Set<AreaId>(getPostOrThrow(h, id).areas)
  for (const d of descendants(h, id)) for (const a of h.posts.get(d)!.areas) out.add(a)
  return [...out]
}

/**
 * Posts whose jurisdiction includes `area`: those that list it and every post above them, each
 * once, in hierarchy order (superiors first). Empty for an area no post covers.
 */
export function postsCovering(h: Hierarchy, area: AreaId): PostId[] {
  const found = new Set<PostId>()
  for (const p of h.postsWithArea.get(area) ?? []) {
    found.add(p)
    for (const a of ancestors(h, p)) found.add(a)
  }
  return h.order.filter((p) => found.has(p))
}

/** Posts without superiors, in hierarchy order. */
export function roots(h: Hierarchy): PostId[] {
  return h.order.filter((p) => h.posts.get(p)!.parents.length === 0)
}

/**
 * Links on the longest chain of superiors from the post up to a root (0 for a root).
 * @throws Error for an unknown post
 */
export function depthOf(h: Hierarchy, id: PostId): number {
  let depth = 0
  let frontier: readonly PostId[] = superiors(h, id)
  while (frontier.length > 0) {
    depth++
    const next = new Set<PostId>()
    for (const p of frontier) for (const s of superiors(h, p)) next.add(s)
    frontier = [...next]
  }
  return depth
}

/** Number of posts at each level. */
export function levelCounts(h: Hierarchy): Record<PostLevel, number> {
  const counts: Record<PostLevel, number> = { national: 0, basin: 0, province: 0, county: 0 }
  for (const p of h.posts.values()) counts[p.level]++
  return counts
}
