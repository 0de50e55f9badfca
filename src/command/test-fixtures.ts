/**
 * Fixtures shared by the command tests: a generated four-level hierarchy like a national flood
 * command (one headquarters, river-basin headquarters, provinces, counties that answer to both
 * a province and a basin) and principals holding roles in it.
 */
import type { UserId } from '../core/ids.ts'
import { seededRng } from '../core/rng.ts'
import type { Hierarchy } from './hierarchy.ts'
import { buildHierarchy } from './hierarchy.ts'
import type { Post, PostId, Principal, Role } from './types.ts'

export const HQ = 'cn.hq' as PostId

/** A generated hierarchy with what the generator knows, to check answers against. */
export interface GeneratedHierarchy {
  readonly posts: readonly Post[]
  readonly hierarchy: Hierarchy
  readonly basins: readonly PostId[]
  readonly provinces: readonly PostId[]
  readonly counties: readonly PostId[]
  /** The province and the basin of each county. */
  readonly provinceOf: ReadonlyMap<PostId, PostId>
  readonly basinOf: ReadonlyMap<PostId, PostId>
}

/**
 * 1 national HQ, `basinCount` basin HQs and `provinceCount` provinces under it, and
 * `countyCount` counties, each under a province (in turn) and a basin (drawn with `seed`).
 * Each county covers the area `zone.<county id>`.
 */
export function generateHierarchy(
  options: {
    readonly basinCount?: number
    readonly provinceCount?: number
    readonly countyCount?: number
    readonly seed?: number
  } = {},
): GeneratedHierarchy {
  const { basinCount = 8, provinceCount = 31, countyCount = 3160, seed = 1 } = options
  const rng = seededRng(seed)
  const posts: Post[] = [{ id: HQ, name: 'National HQ', level: 'national', parents: [], areas: [] }]
  const basins: PostId[] = []
  const provinces: PostId[] = []
  const counties: PostId[] = []
  const provinceOf = new Map<PostId, PostId>()
  const basinOf = new Map<PostId, PostId>()
  for (let b = 1; b <= basinCount; b++) {
    const id = `cn.basin.b${b}` as PostId
    basins.push(id)
    posts.push({ id, name: `Basin ${b} HQ`, level: 'basin', parents: [HQ], areas: [] })
  }
  for (let p = 1; p <= provinceCount; p++) {
    const id = `cn.p${String(p).padStart(2, '0')}` as PostId
    provinces.push(id)
    posts.push({ id, name: `Province ${p}`, level: 'province', parents: [HQ], areas: [] })
  }
  for (let c = 0; c < countyCount; c++) {
    const province = provinces[c % provinceCount]!
    const basin = basins[Math.floor(rng.next() * basinCount)]!
    const id =
      `${province}.c${String(Math.floor(c / provinceCount) + 1).padStart(3, '0')}` as PostId
    counties.push(id)
    provinceOf.set(id, province)
    basinOf.set(id, basin)
    posts.push({
      id,
      name: `County ${id}`,
      level: 'county',
      parents: [province, basin],
      areas: [`zone.${id}`],
    })
  }
  const r = buildHierarchy(posts)
  if (!r.ok) throw new Error(`generated hierarchy invalid: ${JSON.stringify(r.issues)}`)
  return { posts, hierarchy: r.value, basins, provinces, counties, provinceOf, basinOf }
}

/** A person holding one role at one post. */
export function officer(name: string, role: Role, post: PostId): Principal {
  const id = name as UserId
  return { id, assignments: [{ user: id, post, role }] }
}
