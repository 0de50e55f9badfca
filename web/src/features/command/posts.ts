/** The command hierarchy as the dashboard needs it: who is below whom. */
import type { Post } from '../../api/types.ts'

/** Every post below `id` (children, their children, …), superiors first as in `posts`. */
export function postsBelow(posts: readonly Post[], id: string): Post[] {
  const below = new Set<string>()
  let frontier = [id]
  while (frontier.length > 0) {
    const next: string[] = []
    for (const p of posts)
      if (!below.has(p.id) && p.parents.some((parent) => frontier.includes(parent))) {
        below.add(p.id)
        next.push(p.id)
      }
    frontier = next
  }
  return posts.filter((p) => below.has(p.id))
}

/** Command roles that may issue orders and act on incidents. */
export const ACTING_ROLES = ['commander', 'duty-officer'] as const
