/**
 * Situation reports and their roll-up through the hierarchy.
 *
 * Each post files reports of what it sees itself: people affected, evacuated, dead, injured,
 * missing, houses damaged, and what it needs. A report is never edited; a newer one replaces
 * it (the latest by `at` counts; at the same `at`, the greater id).
 *
 * The aggregate of a post at time t is the sum, over the distinct posts in {the post} ∪ {every
 * post below it}, of each one's own latest report at or before t. A county under both a
 * province and a river-basin headquarters is therefore counted once at the national level,
 * not twice. An upper post's own report must hold only what it observes itself, never a copy
 * of its subordinates' figures (the roll-up adds those). Each aggregated figure lists the
 * reports it is made of, with their values, so that every number can be traced to its sources.
 */
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import { isId } from '../core/ids.ts'
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import type { Hierarchy } from './hierarchy.ts'
import { descendants } from './hierarchy.ts'
import type { PostId, SitrepId } from './types.ts'

/** The figures of a report, all counts (non-negative integers). */
export const FIGURES = [
  'affectedPopulation',
  'evacuated',
  'dead',
  'injured',
  'missing',
  'damagedHouses',
] as const
export type Figure = (typeof FIGURES)[number]
export type Figures = Readonly<Record<Figure, number>>

/** Something a post needs, e.g. `{ item: 'sandbags', quantity: 5000, unit: 'bag' }`. */
export interface Need {
  readonly item: string
  /** > 0, in `unit`. */
  readonly quantity: number
  readonly unit: string
}

/** One situation report. */
export interface Sitrep {
  readonly id: SitrepId
  readonly post: PostId
  /** When it was filed (epoch ms). */
  readonly at: EpochMs
  /** The period it reports on (epoch ms, `from ≤ to ≤ at`). */
  readonly period: { readonly from: EpochMs; readonly to: EpochMs }
  readonly figures: Figures
  readonly needs: readonly Need[]
  readonly filedBy: UserId
}

/**
 * Checks a report. Collects every problem with its path: a malformed id, an unknown post, a
 * period that ends before it starts or after the report was filed, a figure that is not a
 * non-negative integer, a need with an empty item or unit or a quantity not > 0.
 */
export function validateSitrep(h: Hierarchy, s: Sitrep): Result<Sitrep> {
  const issues: Issue[] = []
  if (!isId(s.id))
    issues.push({ path: ['id'], message: `not a well-formed id: ${JSON.stringify(s.id)}` })
  if (!h.posts.has(s.post)) issues.push({ path: ['post'], message: `unknown post ${s.post}` })
  if (!Number.isFinite(s.at)) issues.push({ path: ['at'], message: 'must be a time (epoch ms)' })
  if (!(s.period.from <= s.period.to))
    issues.push({ path: ['period', 'to'], message: 'must not be before period.from' })
  if (s.period.to > s.at)
    issues.push({ path: ['period', 'to'], message: 'must not be after the report was filed' })
  for (const f of FIGURES) {
    const v = s.figures[f]
    if (!Number.isSafeInteger(v) || v < 0)
      issues.push({ path: ['figures', f], message: `must be a non-negative integer, not ${v}` })
  }
  s.needs.forEach((n, i) => {
    if (n.item.trim() === '')
      issues.push({ path: ['needs', i, 'item'], message: 'must not be empty' })
    if (n.unit.trim() === '')
      issues.push({ path: ['needs', i, 'unit'], message: 'must not be empty' })
    if (!(Number.isFinite(n.quantity) && n.quantity > 0))
      issues.push({ path: ['needs', i, 'quantity'], message: `must be > 0, not ${n.quantity}` })
  })
  return issues.length > 0 ? fail(issues) : ok(s)
}

/** One report's share of an aggregated figure or need. */
export interface Contribution {
  readonly sitrep: SitrepId
  readonly post: PostId
  readonly value: number
}

/** A summed figure with the reports it is made of (those with a non-zero value). */
export interface AggregatedFigure {
  readonly total: number
  readonly sources: readonly Contribution[]
}

/** A summed need (per item and unit) with its sources. */
export interface AggregatedNeed {
  readonly item: string
  readonly unit: string
  readonly quantity: number
  readonly sources: readonly Contribution[]
}

/** A post's aggregate at a time. */
export interface Aggregate {
  readonly post: PostId
  readonly figures: Readonly<Record<Figure, AggregatedFigure>>
  /** By item then unit. */
  readonly needs: readonly AggregatedNeed[]
  /** Every report counted (one per reporting post), by post in hierarchy order. */
  readonly reports: readonly SitrepId[]
  /** Posts in the subtree with no report at or before the time, in hierarchy order. */
  readonly silent: readonly PostId[]
}

/**
 * The latest report of each post at or before `at` (epoch ms); at the same time, the greater
 * id. Reports of posts not in `h` are ignored.
 */
export function latestReports(
  h: Hierarchy,
  reports: readonly Sitrep[],
  at: EpochMs,
): Map<PostId, Sitrep> {
  const latest = new Map<PostId, Sitrep>()
  for (const r of reports) {
    if (r.at > at || !h.posts.has(r.post)) continue
    const cur = latest.get(r.post)
    if (cur === undefined || r.at > cur.at || (r.at === cur.at && r.id > cur.id))
      latest.set(r.post, r)
  }
  return latest
}

/**
 * The aggregate of every post at `at` (epoch ms), as defined in the file comment. Reports are
 * expected valid ({@link validateSitrep}). O(Σ posts below each post + reports).
 */
export function rollUp(
  h: Hierarchy,
  reports: readonly Sitrep[],
  at: EpochMs,
): Map<PostId, Aggregate> {
  const latest = latestReports(h, reports, at)
  const rank = new Map(h.order.map((p, i) => [p, i]))
  const out = new Map<PostId, Aggregate>()
  for (const post of h.order) {
    const members = [post, ...descendants(h, post)].sort((a, b) => rank.get(a)! - rank.get(b)!)
    out.set(post, aggregate(post, members, latest))
  }
  return out
}

function aggregate(
  post: PostId,
  members: readonly PostId[],
  latest: ReadonlyMap<PostId, Sitrep>,
): Aggregate {
  const figures = {} as Record<Figure, { total: number; sources: Contribution[] }>
  for (const f of FIGURES) figures[f] = { total: 0, sources: [] }
  const needs = new Map<
    string,
    { item: string; unit: string; quantity: number; sources: Contribution[] }
  >()
  const counted: SitrepId[] = []
  const silent: PostId[] = []
  for (const m of members) {
    const r = latest.get(m)
    if (r === undefined) {
      silent.push(m)
      continue
    }
    counted.push(r.id)
    for (const f of FIGURES) {
      const v = r.figures[f]
      if (v === 0) continue
      figures[f].total += v
      figures[f].sources.push({ sitrep: r.id, post: m, value: v })
    }
    for (const n of r.needs) {
      const key = JSON.stringify([n.item, n.unit])
      let agg = needs.get(key)
      if (agg === undefined) {
        agg = { item: n.item, unit: n.unit, quantity: 0, sources: [] }
        needs.set(key, agg)
      }
      agg.quantity += n.quantity
      agg.sources.push({ sitrep: r.id, post: m, value: n.quantity })
    }
  }
  const sortedNeeds = [...needs.values()].sort((a, b) =>
    a.item === b.item ? (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0) : a.item < b.item ? -1 : 1,
  )
  return { post, figures, needs: sortedNeeds, reports: counted, silent }
}
