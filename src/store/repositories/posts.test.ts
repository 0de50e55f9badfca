import { expect, it } from 'vitest'
import { buildHierarchy } from '../../command/hierarchy.ts'
import { HQ, hoursAfter, post, SMALL, user } from '../testing/command-fixtures.ts'
import { describeStores } from '../testing/databases.ts'

describeStores('PostRepository', (store) => {
  it('replaces the whole hierarchy and lists it in the order given', async () => {
    await store().posts.replaceAll(SMALL.posts.slice(0, 5))
    await store().posts.replaceAll(SMALL.posts)
    const back = await store().posts.list()
    expect(back).toEqual(SMALL.posts)
    expect(buildHierarchy(back).ok).toBe(true)
    await store().posts.replaceAll([SMALL.posts[0]!])
    expect(await store().posts.list()).toEqual([SMALL.posts[0]])
  })

  it('keeps each post’s location (degrees, to the bit) or its lack of one', async () => {
    const placed = SMALL.posts.map((p, i) =>
      i % 3 === 0 ? { ...p, location: { lat: -89.999999 + i * 0.5, lon: 179.123456789 - i } } : p,
    )
    await store().posts.replaceAll(placed)
    const back = await store().posts.list()
    expect(back).toEqual(placed)
    expect(back.filter((p) => p.location !== undefined)).toHaveLength(Math.ceil(placed.length / 3))
    expect('location' in back[1]!).toBe(false)
    // Replaced without locations, the posts have none again.
    await store().posts.replaceAll(SMALL.posts)
    expect((await store().posts.list()).some((p) => 'location' in p)).toBe(false)
  })

  it('replaces all or none', async () => {
    await store().posts.replaceAll(SMALL.posts)
    await expect(store().posts.replaceAll([SMALL.posts[0]!, SMALL.posts[0]!])).rejects.toThrow()
    expect(await store().posts.list()).toHaveLength(SMALL.posts.length)
  })

  it('adds and removes assignments, each once', async () => {
    const a = { user: user('li'), post: HQ, role: 'commander' } as const
    const b = { user: user('li'), post: post('cn.p01'), role: 'duty-officer' } as const
    const c = { user: user('wang'), post: HQ, role: 'observer' } as const
    for (const x of [a, b, c, a]) await store().posts.assign(x)
    expect(await store().posts.assignmentsOf(user('li'))).toEqual([a, b])
    expect(await store().posts.assignmentsAt(HQ)).toEqual([a, c])
    await store().posts.unassign(a)
    await store().posts.unassign(a)
    expect(await store().posts.assignmentsOf(user('li'))).toEqual([b])
    expect(await store().posts.assignmentsOf(user('nobody'))).toEqual([])
  })

  it('finds the roster shifts overlapping a window, by start', async () => {
    const shift = (u: string, from: number, to: number, at = HQ) => ({
      post: at,
      user: user(u),
      from: hoursAfter(from),
      to: hoursAfter(to),
    })
    await store().posts.addShifts([
      shift('c', 16, 24),
      shift('a', 0, 8),
      shift('b', 8, 16),
      shift('x', 0, 24, post('cn.p01')),
    ])
    const names = async (from: number, to: number) =>
      (await store().posts.roster(HQ, hoursAfter(from), hoursAfter(to))).map((s) => s.user)
    expect(await names(0, 24)).toEqual(['a', 'b', 'c'])
    expect(await names(8, 16)).toEqual(['b']) // ends are exclusive
    expect(await names(7, 9)).toEqual(['a', 'b'])
    expect(await names(24, 30)).toEqual([])
    expect(await store().posts.roster(HQ, hoursAfter(1), hoursAfter(2))).toEqual([shift('a', 0, 8)])
    await expect(store().posts.addShifts([shift('d', 30, 40), shift('e', 50, 50)])).rejects.toThrow(
      /shift 1/,
    )
    expect(await names(30, 60)).toEqual([])
  })
})
