import { describe, expect, it } from 'vitest'
import { formatIssue } from '../core/result.ts'
import type { Hierarchy } from './hierarchy.ts'
import {
  ancestors,
  buildHierarchy,
  children,
  depthOf,
  descendants,
  isAtOrBelow,
  jurisdictionOf,
  levelCounts,
  postsCovering,
  roots,
  superiors,
} from './hierarchy.ts'
import { HQ, generateHierarchy } from './test-fixtures.ts'
import type { Post, PostId, PostLevel } from './types.ts'

const post = (
  id: string,
  level: PostLevel,
  parents: string[] = [],
  areas: string[] = [],
): Post => ({
  id: id as PostId,
  name: id,
  level,
  parents: parents as PostId[],
  areas,
})
const P = (s: string) => s as PostId

/** A diamond: a county under a province and a basin, both under the HQ. */
function diamond(): Hierarchy {
  const r = buildHierarchy([
    post('hq', 'national', [], ['national-zone']),
    post('b1', 'basin', ['hq']),
    post('p1', 'province', ['hq'], ['p1-zone']),
    post('p2', 'province', ['hq']),
    post('c1', 'county', ['p1', 'b1'], ['z1', 'shared']),
    post('c2', 'county', ['p1'], ['z2', 'shared']),
    post('c3', 'county', ['p2', 'b1'], ['z3']),
  ])
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('; '))
  return r.value
}

describe('buildHierarchy', () => {
  it.each([
    {
      name: 'duplicate id',
      posts: [post('hq', 'national'), post('hq', 'national')],
      expected: ['posts[1].id: duplicate post id hq (first at posts[0])'],
    },
    {
      name: 'malformed id',
      posts: [post('h q', 'national')],
      expected: ['posts[0].id: not a well-formed id: "h q"'],
    },
    {
      name: 'unknown parent',
      posts: [post('hq', 'national'), post('c1', 'county', ['p9'])],
      expected: ['posts[1].parents[0]: unknown parent post p9'],
    },
    {
      name: 'parent of a lower level',
      posts: [post('c1', 'county'), post('p1', 'province', ['c1'])],
      expected: ['posts[1].parents[0]: parent c1 is a county post, not above p1 (province)'],
    },
    {
      name: 'parent of the same level',
      posts: [post('p1', 'province'), post('p2', 'province', ['p1'])],
      expected: ['posts[1].parents[0]: parent p1 is a province post, not above p2 (province)'],
    },
    {
      name: 'parent listed twice',
      posts: [post('hq', 'national'), post('p1', 'province', ['hq', 'hq'])],
      expected: ['posts[1].parents[1]: parent hq listed twice'],
    },
    {
      name: 'empty name and unknown level',
      posts: [{ ...post('x', 'county'), name: ' ', level: 'district' as PostLevel }],
      expected: [
        'posts[0].name: must not be empty',
        'posts[0].level: unknown level "district"; one of national, basin, province, county',
      ],
    },
    {
      name: 'cycle (which also breaks the level rule)',
      posts: [post('a', 'basin', ['b']), post('b', 'basin', ['a'])],
      expected: [
        'posts[0].parents[0]: parent b is a basin post, not above a (basin)',
        'posts[1].parents[0]: parent a is a basin post, not above b (basin)',
        'posts[0].parents: cycle of superiors: a → b → a',
      ],
    },
  ])('refuses $name with the path of each problem', ({ posts, expected }) => {
    const r = buildHierarchy(posts)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues.map(formatIssue)).toEqual(expected)
  })

  it('collects every problem of a bad list, not only the first', () => {
    const r = buildHierarchy([
      post('hq', 'national'),
      post('hq', 'national'),
      post('c1', 'county', ['nowhere']),
      post('c2', 'county', ['c1']),
    ])
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.issues.map((i) => i.path.join('.'))).toEqual([
        'posts.1.id',
        'posts.2.parents.0',
        'posts.3.parents.0',
      ])
  })

  it('keeps a valid location and refuses one off the globe, naming the post and the field', () => {
    const at = (p: Post, location: unknown): Post => ({ ...p, location }) as Post
    const ok = buildHierarchy([
      at(post('hq', 'national'), { lat: 48.8566, lon: 2.3522 }),
      post('p1', 'province', ['hq']),
    ])
    expect(ok.ok).toBe(true)
    if (ok.ok) {
      expect(ok.value.posts.get(P('hq'))!.location).toEqual({ lat: 48.8566, lon: 2.3522 })
      expect(ok.value.posts.get(P('p1'))!.location).toBeUndefined()
    }
    const r = buildHierarchy([
      at(post('hq', 'national'), { lat: 91, lon: 2 }),
      at(post('p1', 'province', ['hq']), { lat: 48, lon: -200 }),
      at(post('p2', 'province', ['hq']), { lat: 48 }),
      at(post('c1', 'county', ['p1']), { lat: Number.NaN, lon: 2 }),
    ])
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.issues.map(formatIssue)).toEqual([
        'posts[0].location.lat: post hq: must be a latitude in [-90, 90] degrees, got 91',
        'posts[1].location.lon: post p1: must be a longitude in [-180, 180] degrees, got -200',
        'posts[2].location.lon: post p2: a location needs both lat and lon; lon is missing',
        'posts[3].location.lat: post c1: must be a latitude in [-90, 90] degrees, got NaN',
      ])
  })

  it('accepts an empty list and roots at any level', () => {
    const r = buildHierarchy([post('p1', 'province'), post('c1', 'county', ['p1'])])
    expect(r.ok).toBe(true)
    if (r.ok) expect(roots(r.value)).toEqual(['p1'])
    expect(buildHierarchy([]).ok).toBe(true)
  })
})

describe('queries on a diamond', () => {
  const h = diamond()

  it('walks down and up, each post once', () => {
    expect(children(h, P('hq'))).toEqual(['b1', 'p1', 'p2'])
    expect(descendants(h, P('hq')).sort()).toEqual(['b1', 'c1', 'c2', 'c3', 'p1', 'p2'])
    expect(descendants(h, P('b1'))).toEqual(['c1', 'c3'])
    expect(descendants(h, P('c1'))).toEqual([])
    expect(superiors(h, P('c1'))).toEqual(['p1', 'b1'])
    expect(ancestors(h, P('c1'))).toEqual(['p1', 'b1', 'hq'])
    expect(ancestors(h, P('hq'))).toEqual([])
  })

  it('orders superiors before subordinates', () => {
    const rank = new Map(h.order.map((p, i) => [p, i]))
    for (const p of h.posts.values())
      for (const parent of p.parents) expect(rank.get(parent)!).toBeLessThan(rank.get(p.id)!)
  })

  it('tells who is at or below whom', () => {
    expect(isAtOrBelow(h, P('c1'), P('b1'))).toBe(true)
    expect(isAtOrBelow(h, P('c2'), P('b1'))).toBe(false)
    expect(isAtOrBelow(h, P('p1'), P('p1'))).toBe(true)
    expect(isAtOrBelow(h, P('hq'), P('c1'))).toBe(false)
  })

  it('computes jurisdictions and the posts covering an area', () => {
    expect(jurisdictionOf(h, P('p1'))).toEqual(['p1-zone', 'z1', 'shared', 'z2'])
    expect(jurisdictionOf(h, P('c3'))).toEqual(['z3'])
    expect(jurisdictionOf(h, P('hq')).sort()).toEqual(
      ['national-zone', 'p1-zone', 'shared', 'z1', 'z2', 'z3'].sort(),
    )
    expect(postsCovering(h, 'z1')).toEqual(['hq', 'b1', 'p1', 'c1'])
    expect(postsCovering(h, 'shared')).toEqual(['hq', 'b1', 'p1', 'c1', 'c2'])
    expect(postsCovering(h, 'nowhere')).toEqual([])
  })

  it('throws on an unknown post, naming it', () => {
    expect(() => descendants(h, P('zz'))).toThrow('unknown post "zz"')
    expect(() => jurisdictionOf(h, P('zz'))).toThrow('unknown post "zz"')
  })
})

describe('a generated four-level hierarchy of 3,200 posts', () => {
  const g = generateHierarchy()
  const h = g.hierarchy

  it('has the levels, links and depths generated', () => {
    expect(levelCounts(h)).toEqual({ national: 1, basin: 8, province: 31, county: 3160 })
    expect(h.posts.size).toBe(3200)
    expect(roots(h)).toEqual([HQ])
    const below = descendants(h, HQ)
    expect(below.length).toBe(3199)
    expect(new Set(below).size).toBe(3199)
    const c = g.counties[1234]!
    expect(ancestors(h, c).sort()).toEqual([g.provinceOf.get(c)!, g.basinOf.get(c)!, HQ].sort())
    expect(depthOf(h, c)).toBe(2)
    expect(depthOf(h, HQ)).toBe(0)
  })

  it('finds below each basin exactly the counties drawn for it', () => {
    for (const b of g.basins) {
      const expected = g.counties.filter((c) => g.basinOf.get(c) === b)
      expect(descendants(h, b).sort()).toEqual(expected.sort())
    }
  })

  it('gives each province the areas of its counties', () => {
    const p = g.provinces[7]!
    const expected = g.counties.filter((c) => g.provinceOf.get(c) === p).map((c) => `zone.${c}`)
    expect(jurisdictionOf(h, p).sort()).toEqual(expected.sort())
    expect(jurisdictionOf(h, HQ).length).toBe(3160)
  })
})
