import { expect, it } from 'vitest'
import { ConflictError } from '../../command/ports.ts'
import { latestReports } from '../../command/sitreps.ts'
import type { SitrepId } from '../../command/types.ts'
import { hoursAfter, post, SMALL, sitrep } from '../testing/command-fixtures.ts'
import { describeStores } from '../testing/databases.ts'

describeStores('SitrepRepository', (store) => {
  it('stores a report once and finds it', async () => {
    const r = sitrep('s1', 'cn.p01.c001', 6)
    await store().sitreps.add(r)
    expect(await store().sitreps.find(r.id)).toEqual(r)
    expect(await store().sitreps.find('none' as SitrepId)).toBeUndefined()
    const again = await store()
      .sitreps.add({ ...r, figures: { ...r.figures, dead: 3 } })
      .catch((e: unknown) => e)
    expect(again).toBeInstanceOf(ConflictError)
    expect(again).toMatchObject({ record: 'sitrep s1', expectedVersion: 0, actualVersion: 1 })
    expect((await store().sitreps.find(r.id))!.figures.dead).toBe(0)
  })

  it('gives each post’s latest report at a time as latestReports() does, ties to the greater id', async () => {
    const reports = [
      sitrep('a1', 'cn.p01.c001', 6, 1),
      sitrep('a2', 'cn.p01.c001', 12, 2),
      sitrep('a3', 'cn.p01.c001', 18, 3),
      sitrep('b9', 'cn.p01.c002', 12, 4),
      sitrep('b10', 'cn.p01.c002', 12, 5), // same time: 'b9' > 'b10' as strings
      sitrep('c1', 'cn.p01', 20, 6),
    ]
    for (const r of reports) await store().sitreps.add(r)
    for (const hours of [0, 6, 12, 15, 18, 24]) {
      const expected = [
        ...latestReports(SMALL.hierarchy, reports, hoursAfter(hours)).values(),
      ].sort((x, y) => (x.post < y.post ? -1 : 1))
      expect(await store().sitreps.latestPerPost(hoursAfter(hours))).toEqual(expected)
    }
    expect((await store().sitreps.latestPerPost(hoursAfter(12))).map((r) => r.id)).toEqual([
      'a2',
      'b9',
    ])
    expect((await store().sitreps.byPost(post('cn.p01.c001'))).map((r) => r.id)).toEqual([
      'a3',
      'a2',
      'a1',
    ])
    expect((await store().sitreps.byPost(post('cn.p01.c001'), 2)).map((r) => r.id)).toEqual([
      'a3',
      'a2',
    ])
    expect(await store().sitreps.byPost(post('cn.hq'))).toEqual([])
  })
})
