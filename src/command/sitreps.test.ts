import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import { formatIssue } from '../core/result.ts'
import { seededRng } from '../core/rng.ts'
import type { Figure, Sitrep } from './sitreps.ts'
import { FIGURES, rollUp, validateSitrep } from './sitreps.ts'
import { HQ, generateHierarchy } from './test-fixtures.ts'
import type { PostId, SitrepId } from './types.ts'

const g = generateHierarchy()
const h = g.hierarchy
const at = (hours: number) => (1_751_000_000_000 + hours * 3_600_000) as EpochMs
const zero = {
  affectedPopulation: 0,
  evacuated: 0,
  dead: 0,
  injured: 0,
  missing: 0,
  damagedHouses: 0,
}

function report(
  id: string,
  post: PostId,
  hours: number,
  figures: Partial<Record<Figure, number>>,
  needs: Sitrep['needs'] = [],
): Sitrep {
  return {
    id: id as SitrepId,
    post,
    at: at(hours),
    period: { from: at(hours - 6), to: at(hours) },
    figures: { ...zero, ...figures },
    needs,
    filedBy: 'duty' as UserId,
  }
}

describe('validateSitrep', () => {
  it('accepts a good report', () => {
    expect(validateSitrep(h, report('s1', g.counties[0]!, 1, { dead: 1 })).ok).toBe(true)
  })

  it('collects every problem with its path', () => {
    const bad: Sitrep = {
      ...report('s 1', 'nowhere' as PostId, 1, { evacuated: -3, dead: 1.5, missing: Number.NaN }),
      period: { from: at(2), to: at(1.5) },
      needs: [{ item: '', quantity: 0, unit: ' ' }],
    }
    const r = validateSitrep(h, bad)
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([
      'id: not a well-formed id: "s 1"',
      'post: unknown post nowhere',
      'period.to: must not be before period.from',
      'period.to: must not be after the report was filed',
      'figures.evacuated: must be a non-negative integer, not -3',
      'figures.dead: must be a non-negative integer, not 1.5',
      'figures.missing: must be a non-negative integer, not NaN',
      'needs[0].item: must not be empty',
      'needs[0].unit: must not be empty',
      'needs[0].quantity: must be > 0, not 0',
    ])
  })
})

describe('rollUp over 3,160 counties under two superiors each', () => {
  const rng = seededRng(7)
  const int = (n: number) => Math.floor(rng.next() * n)
  const reports: Sitrep[] = []
  // The report each county files last before hour 12, kept by the test to sum independently.
  const counted = new Map<PostId, Sitrep>()
  g.counties.forEach((c, i) => {
    if (i % 10 === 9) return // a tenth never report
    const first = report(`s.${i}.a`, c, 3, { affectedPopulation: int(5000), dead: int(3) })
    const second = report(
      `s.${i}.b`,
      c,
      9,
      {
        affectedPopulation: int(5000),
        evacuated: int(2000),
        dead: int(3),
        injured: int(10),
        missing: int(2),
        damagedHouses: int(300),
      },
      i % 4 === 0 ? [{ item: 'sandbags', quantity: 100 + int(900), unit: 'bag' }] : [],
    )
    const late = report(`s.${i}.c`, c, 15, { affectedPopulation: 999_999 })
    reports.push(late, first, second)
    counted.set(c, second)
  })
  // a province reports what it sees itself (its own command post area)
  const ownProvince = report('s.p1', g.provinces[0]!, 10, { evacuated: 120 })
  reports.push(ownProvince)
  counted.set(g.provinces[0]!, ownProvince)
  const agg = rollUp(h, reports, at(12))

  const sum = (posts: readonly PostId[], f: Figure) =>
    posts.reduce((s, p) => s + (counted.get(p)?.figures[f] ?? 0), 0)

  it('counts every county once at the national level (no double counting through two superiors)', () => {
    for (const f of FIGURES) expect(agg.get(HQ)!.figures[f].total).toBe(sum([...counted.keys()], f))
    expect(agg.get(HQ)!.reports.length).toBe(counted.size)
    expect(new Set(agg.get(HQ)!.reports).size).toBe(counted.size)
    expect(agg.get(HQ)!.silent.length).toBe(3200 - counted.size)
  })

  it('sums each basin and province over exactly its own counties (and its own report)', () => {
    for (const b of g.basins) {
      const mine = g.counties.filter((c) => g.basinOf.get(c) === b)
      for (const f of FIGURES) expect(agg.get(b)!.figures[f].total).toBe(sum(mine, f))
    }
    for (const p of g.provinces) {
      const mine = [p, ...g.counties.filter((c) => g.provinceOf.get(c) === p)]
      for (const f of FIGURES) expect(agg.get(p)!.figures[f].total).toBe(sum(mine, f))
    }
  })

  it('uses the latest report at or before the time, never a later one', () => {
    const c = g.counties[0]!
    expect(agg.get(c)!.reports).toEqual(['s.0.b'])
    expect(rollUp(h, reports, at(5)).get(c)!.reports).toEqual(['s.0.a'])
    expect(rollUp(h, reports, at(16)).get(c)!.figures.affectedPopulation.total).toBe(999_999)
    expect(rollUp(h, reports, at(0)).get(HQ)!.reports).toEqual([])
  })

  it('traces every figure to its sources, each a report of a post in the subtree', () => {
    const p = g.provinces[0]!
    const members = new Set([p, ...g.counties.filter((c) => g.provinceOf.get(c) === p)])
    for (const f of FIGURES) {
      const fig = agg.get(p)!.figures[f]
      expect(fig.sources.reduce((s, x) => s + x.value, 0)).toBe(fig.total)
      for (const s of fig.sources) {
        expect(members.has(s.post)).toBe(true)
        expect(counted.get(s.post)!.id).toBe(s.sitrep)
        expect(s.value).toBeGreaterThan(0)
      }
    }
    expect(agg.get(p)!.figures.evacuated.sources[0]).toEqual({
      sitrep: 's.p1',
      post: p,
      value: 120,
    })
  })

  it('adds needs by item and unit, with their sources', () => {
    const needs = agg.get(HQ)!.needs
    const expected = [...counted.values()].flatMap((s) => s.needs)
    expect(needs).toHaveLength(1)
    expect(needs[0]).toMatchObject({ item: 'sandbags', unit: 'bag' })
    expect(needs[0]!.quantity).toBe(expected.reduce((s, n) => s + n.quantity, 0))
    expect(needs[0]!.sources.length).toBe(expected.length)
  })
})
