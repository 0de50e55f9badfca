import { describe, expect, it } from 'vitest'
import type { Norms } from './targets.ts'
import { DEFAULT_NORMS, shortfalls, targetsFor, totalTargets } from './targets.ts'
import type { AreaId, ItemId } from './types.ts'
import { DEFAULT_CATALOGUE } from './types.ts'

const X = 'area-x' as AreaId
const Y = 'area-y' as AreaId
const byItem = (r: ReturnType<typeof targetsFor>, area: AreaId): Record<string, number> => {
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return Object.fromEntries(
    r.value.filter((t) => t.areaId === area).map((t) => [t.itemId, t.quantity]),
  )
}

describe('targetsFor', () => {
  it('applies the default norms to 1,000 people for 3 days (figures by hand)', () => {
    const t = byItem(targetsFor([{ areaId: X, population: 1000 }]), X)
    expect(t).toEqual({
      'drinking-water': 45_000, // 15 L × 1,000 × 3 days
      'food-ration': 3_000, // 1 person-day × 1,000 × 3
      'family-tent': 200, // 1,000 ÷ 5 households
      tarpaulin: 400,
      blanket: 1_000,
      'hygiene-kit': 200,
      'medical-kit': 10,
      'life-jacket': 50,
      'rescue-boat': 1,
      'water-pump': 2,
      sandbag: 5_000,
    })
  })

  it('rounds households and per-1000 norms up, and gives zero for nobody', () => {
    const r = targetsFor([
      { areaId: X, population: 7 },
      { areaId: Y, population: 0 },
    ])
    const x = byItem(r, X)
    expect(x['family-tent']).toBe(2) // ceil(7 / 5)
    expect(x['rescue-boat']).toBe(1) // ceil(7 / 1000)
    expect(x['drinking-water']).toBe(315)
    expect(Object.values(byItem(r, Y)).every((q) => q === 0)).toBe(true)
  })

  it('takes configured norms and days of cover', () => {
    const norms: Norms = {
      daysOfCover: 7,
      householdSize: 4,
      norms: [
        {
          itemId: 'drinking-water' as ItemId,
          basis: 'per-person-per-day',
          amount: 20,
          source: 'cold season',
        },
        { itemId: 'family-tent' as ItemId, basis: 'per-household', amount: 1, source: 'local' },
      ],
    }
    expect(byItem(targetsFor([{ areaId: X, population: 10 }], norms), X)).toEqual({
      'drinking-water': 1_400,
      'family-tent': 3,
    })
  })

  it('has a norm with a stated source for every default catalogue item', () => {
    for (const it of DEFAULT_CATALOGUE) {
      const n = DEFAULT_NORMS.norms.find((x) => x.itemId === it.id)
      expect(n, it.id).toBeDefined()
      expect(n!.source.length).toBeGreaterThan(10)
    }
  })

  it('collects every problem with its path', () => {
    const r = targetsFor(
      [
        { areaId: X, population: -1 },
        { areaId: X, population: Number.NaN },
      ],
      { ...DEFAULT_NORMS, daysOfCover: -2 },
    )
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.issues.map((i) => i.path.join('.'))).toEqual([
        'norms.daysOfCover',
        'areas.0.population',
        'areas.1.areaId',
        'areas.1.population',
      ])
  })
})

describe('shortfalls', () => {
  it('reports deficit and coverage, lines short of target first, least covered first', () => {
    const r = targetsFor([
      { areaId: X, population: 1000 },
      { areaId: Y, population: 500 },
    ])
    if (!r.ok) throw new Error('targets')
    const water = 'drinking-water' as ItemId
    const boat = 'rescue-boat' as ItemId
    const available = new Map([
      [X, new Map([[water, 9_000]])],
      [
        Y,
        new Map([
          [water, 30_000],
          [boat, 1],
        ]),
      ],
    ])
    const lines = shortfalls(
      r.value.filter((t) => t.itemId === water || t.itemId === boat),
      available,
    )
    expect(lines.map((l) => [l.areaId, l.itemId, l.deficit, Math.round(l.coveragePct)])).toEqual([
      [X, boat, 1, 0],
      [X, water, 36_000, 20], // 9,000 of 45,000
      [Y, water, 0, 100], // 30,000 ≥ 22,500
      [Y, boat, 0, 100],
    ])
    expect(totalTargets(r.value).get(water)).toBe(67_500)
  })
})
