/**
 * Minimum stock targets per area from the exposed population and per-person norms, and the
 * shortfall of what is available against them.
 *
 * Norms follow the Sphere Handbook (Sphere Association, 2018, 4th edition) where it sets one;
 * the others are Freshet planning assumptions, labelled as such, to be replaced by each
 * service's own figures. Every norm is configurable.
 */
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import { assertNever } from '../core/errors.ts'
import type { AreaId, ItemId } from './types.ts'

/**
 * How a norm scales:
 * - `per-person-per-day`: amount × persons × days of cover;
 * - `per-person`: amount × persons;
 * - `per-household`: amount × households (persons ÷ household size, rounded up);
 * - `per-1000-persons`: amount × persons ÷ 1000.
 */
export type NormBasis = 'per-person-per-day' | 'per-person' | 'per-household' | 'per-1000-persons'

/** One norm: how many units of an item an area needs. */
export interface Norm {
  readonly itemId: ItemId
  readonly basis: NormBasis
  /** Units of the item per basis (see {@link NormBasis}). */
  readonly amount: number
  /** Where the figure comes from. */
  readonly source: string
}

/** The norms and the figures they are applied with. */
export interface Norms {
  readonly norms: readonly Norm[]
  /** Days of cover for per-day norms (days). */
  readonly daysOfCover: number
  /** Persons per household. */
  readonly householdSize: number
}

const norm = (itemId: string, basis: NormBasis, amount: number, source: string): Norm => ({
  itemId: itemId as ItemId,
  basis,
  amount,
  source,
})

const PLANNING = 'Freshet planning assumption'

/**
 * Default norms for the default catalogue, three days of cover, households of five.
 *
 * | item | norm | source |
 * | --- | --- | --- |
 * | drinking-water | 15 L per person per day | Sphere 2018, WASH water supply standard 2.1 (drinking, cooking, personal hygiene) |
 * | food-ration | 1 person-day (≈ 2,100 kcal) per person per day | Sphere 2018, food security standard 6.1 |
 * | family-tent | 1 per household of 5 (≥ 3.5 m² covered space per person) | Sphere 2018, shelter and settlement standard 3 |
 * | tarpaulin | 2 per household | Sphere 2018, shelter standard 4 / IFRC shelter kit |
 * | blanket | 1 per person | Sphere 2018, shelter standard 4 (thermal comfort) |
 * | hygiene-kit | 1 per household | Sphere 2018, WASH hygiene promotion standard 1.2 |
 * | medical-kit | 10 first-aid kits per 1,000 persons | planning assumption |
 * | life-jacket | 50 per 1,000 persons | planning assumption |
 * | rescue-boat | 1 per 1,000 persons | planning assumption |
 * | water-pump | 2 per 1,000 persons | planning assumption |
 * | sandbag | 5,000 per 1,000 persons | planning assumption |
 */
export const DEFAULT_NORMS: Norms = {
  daysOfCover: 3,
  householdSize: 5,
  norms: [
    norm(
      'drinking-water',
      'per-person-per-day',
      15,
      'Sphere 2018, WASH water supply standard 2.1: 15 L/person/day',
    ),
    norm(
      'food-ration',
      'per-person-per-day',
      1,
      'Sphere 2018, food security standard 6.1: 2,100 kcal/person/day',
    ),
    norm(
      'family-tent',
      'per-household',
      1,
      'Sphere 2018, shelter standard 3: ≥ 3.5 m² covered space/person',
    ),
    norm(
      'tarpaulin',
      'per-household',
      2,
      'Sphere 2018, shelter standard 4; IFRC shelter kit: 2 tarpaulins/household',
    ),
    norm(
      'blanket',
      'per-person',
      1,
      'Sphere 2018, shelter standard 4: thermal comfort, 1 blanket/person',
    ),
    norm(
      'hygiene-kit',
      'per-household',
      1,
      'Sphere 2018, WASH hygiene promotion standard 1.2: hygiene items/household',
    ),
    norm('medical-kit', 'per-1000-persons', 10, PLANNING),
    norm('life-jacket', 'per-1000-persons', 50, PLANNING),
    norm('rescue-boat', 'per-1000-persons', 1, PLANNING),
    norm('water-pump', 'per-1000-persons', 2, PLANNING),
    norm('sandbag', 'per-1000-persons', 5000, PLANNING),
  ],
}

/** Persons exposed in one area. */
export interface AreaPopulation {
  readonly areaId: AreaId
  /** Persons, ≥ 0. */
  readonly population: number
}

/** The minimum stock of one item for one area (units, whole). */
export interface Target {
  readonly areaId: AreaId
  readonly itemId: ItemId
  readonly quantity: number
}

/**
 * Units of one item a population needs under a norm, rounded up to whole units.
 *
 * @param population persons (≥ 0)
 */
export function unitsFor(
  n: Norm,
  population: number,
  norms: Pick<Norms, 'daysOfCover' | 'householdSize'>,
): number {
  switch (n.basis) {
    case 'per-person-per-day':
      return ceil(n.amount * population * norms.daysOfCover)
    case 'per-person':
      return ceil(n.amount * population)
    case 'per-household':
      return ceil(n.amount * Math.ceil(population / norms.householdSize))
    case 'per-1000-persons':
      return ceil((n.amount * population) / 1000)
    default:
      return assertNever(n.basis)
  }
}

/** Rounds up, ignoring floating-point noise just above an integer (e.g. 45.000000000000004). */
const ceil = (x: number): number => Math.ceil(x - 1e-9 * Math.max(1, Math.abs(x)))

/** Every problem with a set of norms and populations. */
function checkInputs(areas: readonly AreaPopulation[], norms: Norms): Issue[] {
  const issues: Issue[] = []
  if (!Number.isFinite(norms.daysOfCover) || norms.daysOfCover < 0)
    issues.push({
      path: ['norms', 'daysOfCover'],
      message: `must be a finite number ≥ 0, got ${norms.daysOfCover}`,
    })
  if (!Number.isFinite(norms.householdSize) || norms.householdSize <= 0)
    issues.push({
      path: ['norms', 'householdSize'],
      message: `must be a finite number > 0, got ${norms.householdSize}`,
    })
  const seen = new Set<ItemId>()
  norms.norms.forEach((n, i) => {
    if (seen.has(n.itemId))
      issues.push({
        path: ['norms', 'norms', i, 'itemId'],
        message: `a second norm for ${n.itemId}`,
      })
    seen.add(n.itemId)
    if (!Number.isFinite(n.amount) || n.amount < 0)
      issues.push({
        path: ['norms', 'norms', i, 'amount'],
        message: `must be a finite number ≥ 0, got ${n.amount}`,
      })
  })
  const areaIds = new Set<AreaId>()
  areas.forEach((a, i) => {
    if (areaIds.has(a.areaId))
      issues.push({ path: ['areas', i, 'areaId'], message: `a second entry for ${a.areaId}` })
    areaIds.add(a.areaId)
    if (!Number.isFinite(a.population) || a.population < 0)
      issues.push({
        path: ['areas', i, 'population'],
        message: `must be a finite number ≥ 0, got ${a.population}`,
      })
  })
  return issues
}

/**
 * Minimum stock per area × item: each norm applied to each area's exposed population.
 *
 * @returns one target per area and norm (zero targets included), in area order then norm order
 */
export function targetsFor(
  areas: readonly AreaPopulation[],
  norms: Norms = DEFAULT_NORMS,
): Result<Target[]> {
  const issues = checkInputs(areas, norms)
  if (issues.length > 0) return fail(issues)
  const out: Target[] = []
  for (const a of areas)
    for (const n of norms.norms)
      out.push({ areaId: a.areaId, itemId: n.itemId, quantity: unitsFor(n, a.population, norms) })
  return ok(out)
}

/** One line of a shortfall report. */
export interface ShortfallLine {
  readonly areaId: AreaId
  readonly itemId: ItemId
  /** Units the norms call for. */
  readonly target: number
  /** Units available to the area. */
  readonly available: number
  /** `max(0, target − available)`, units. */
  readonly deficit: number
  /** `min(100, 100 × available ÷ target)`; 100 when the target is 0 (%). */
  readonly coveragePct: number
}

/**
 * Compares targets with what is available to each area (stock in reach, already delivered,
 * however the caller counts it).
 *
 * @param available units per area, then per item; missing entries count as 0
 * @returns one line per target, those with a deficit first (largest deficit share first), then
 *   the covered ones, in target order within each group
 */
export function shortfalls(
  targets: readonly Target[],
  available: ReadonlyMap<AreaId, ReadonlyMap<ItemId, number>>,
): ShortfallLine[] {
  const lines = targets.map((t): ShortfallLine => {
    const have = Math.max(0, available.get(t.areaId)?.get(t.itemId) ?? 0)
    return {
      areaId: t.areaId,
      itemId: t.itemId,
      target: t.quantity,
      available: have,
      deficit: Math.max(0, t.quantity - have),
      coveragePct: t.quantity === 0 ? 100 : Math.min(100, (100 * have) / t.quantity),
    }
  })
  const order = lines.map((_, i) => i)
  order.sort((i, j) => {
    const a = lines[i]!
    const b = lines[j]!
    const ga = a.deficit > 0 ? 0 : 1
    const gb = b.deficit > 0 ? 0 : 1
    if (ga !== gb) return ga - gb
    if (ga === 0 && a.coveragePct !== b.coveragePct) return a.coveragePct - b.coveragePct
    return i - j
  })
  return order.map((i) => lines[i]!)
}

/** Sums targets over areas: units per item. */
export function totalTargets(targets: readonly Target[]): Map<ItemId, number> {
  const out = new Map<ItemId, number>()
  for (const t of targets) out.set(t.itemId, (out.get(t.itemId) ?? 0) + t.quantity)
  return out
}
