/**
 * Depots, the item catalogue and the areas relief is planned for.
 *
 * Quantities are counted in each item's own {@link ItemUnit} (a boat, a litre, a ration for one
 * person for one day); volumes are in cubic metres (m³); positions are WGS84 degrees. Posts
 * (src/command) are referred to by a plain {@link PostId} brand declared here, since sibling
 * domains do not import each other.
 */
import type { Brand } from '../core/brand.ts'
import type { Issue } from '../core/result.ts'

/** A depot (warehouse) holding stock, e.g. `depot-north`. */
export type DepotId = Brand<string, 'DepotId'>
/** An item of the catalogue, e.g. `life-jacket`. */
export type ItemId = Brand<string, 'ItemId'>
/** An area relief is planned for (a municipality, a district), e.g. `CZ0311`. */
export type AreaId = Brand<string, 'AreaId'>
/** One movement of the stock ledger. */
export type MovementId = Brand<string, 'MovementId'>
/** One dispatch order (one load from one depot to one area). */
export type DispatchId = Brand<string, 'DispatchId'>
/** An evacuation shelter. */
export type ShelterId = Brand<string, 'ShelterId'>
/** A request for items from a command post. */
export type RequestId = Brand<string, 'RequestId'>
/** A command post (its id as src/command issues it). */
export type PostId = Brand<string, 'PostId'>

/** The unit an item is counted in. `person-day`: what one person needs for one day. */
export type ItemUnit = 'each' | 'kg' | 'L' | 'person-day' | 'kit' | 'pack'

/** What an item is for. */
export type ItemCategory =
  'rescue' | 'flood-defence' | 'shelter' | 'water' | 'food' | 'health' | 'hygiene' | 'non-food'

/** A kind of stock item. */
export interface Item {
  readonly id: ItemId
  readonly name: string
  readonly unit: ItemUnit
  /** Packed volume of one unit in store and in transport (m³). */
  readonly volumePerUnitM3: number
  readonly category: ItemCategory
}

/** A depot. Edited concurrently, hence its `version`. */
export interface Depot {
  readonly id: DepotId
  readonly name: string
  /** Latitude, WGS84 degrees. */
  readonly lat: number
  /** Longitude, WGS84 degrees. */
  readonly lon: number
  /** Storage capacity (m³ of packed items). */
  readonly capacityM3: number
  /** Number of edits of this record (0 when created). */
  readonly version: number
}

/** An area with the people relief is planned for. */
export interface Area {
  readonly id: AreaId
  readonly name: string
  /** Latitude of the area's distribution point, WGS84 degrees. */
  readonly lat: number
  /** Longitude of the area's distribution point, WGS84 degrees. */
  readonly lon: number
  /** People exposed (or expected to be affected), persons. */
  readonly population: number
}

const item = (
  id: string,
  name: string,
  unit: ItemUnit,
  volumePerUnitM3: number,
  category: ItemCategory,
): Item => ({ id: id as ItemId, name, unit, volumePerUnitM3, category })

/**
 * The default catalogue. Volumes are approximate packed volumes used for planning (storage
 * capacity and loads), not specifications: an inflatable rescue boat with its outboard motor
 * crated, a portable 3-inch trash pump, empty sandbags in bales, a family tent for five, bottled
 * water by the litre, a ration of about 2,100 kcal for one person for one day, a household
 * hygiene kit, a first-aid kit, a blanket.
 */
export const DEFAULT_CATALOGUE: readonly Item[] = [
  item('rescue-boat', 'Rescue boat (inflatable, with motor)', 'each', 1.2, 'rescue'),
  item('life-jacket', 'Life jacket', 'each', 0.02, 'rescue'),
  item('water-pump', 'Portable water pump', 'each', 0.15, 'flood-defence'),
  item('sandbag', 'Sandbag (empty)', 'each', 0.001, 'flood-defence'),
  item('family-tent', 'Family tent (5 persons)', 'each', 0.12, 'shelter'),
  item('tarpaulin', 'Tarpaulin 4 × 6 m', 'each', 0.01, 'shelter'),
  item('drinking-water', 'Drinking water', 'L', 0.0011, 'water'),
  item('food-ration', 'Food ration (one person-day)', 'person-day', 0.002, 'food'),
  item('hygiene-kit', 'Hygiene kit (one household)', 'kit', 0.02, 'hygiene'),
  item('medical-kit', 'First-aid kit', 'kit', 0.01, 'health'),
  item('blanket', 'Blanket', 'each', 0.01, 'non-food'),
]

/** Units of one item: a line of a dispatch, a request, an approval or a receipt. */
export interface ItemLine {
  readonly itemId: ItemId
  /** In the item's unit. */
  readonly quantity: number
}

/**
 * Checks the lines of an event: each item once, each quantity finite and positive (or zero
 * when `allowZero`, for what was approved, sent or counted on arrival).
 *
 * @param key the event field the lines are in, first element of every issue's path
 */
export function checkItemLines(
  lines: readonly ItemLine[],
  key: string,
  allowZero: boolean,
): Issue[] {
  const issues: Issue[] = []
  const seen = new Set<ItemId>()
  lines.forEach((l, i) => {
    if (seen.has(l.itemId))
      issues.push({ path: [key, i, 'itemId'], message: `${l.itemId} listed twice` })
    seen.add(l.itemId)
    if (!(Number.isFinite(l.quantity) && (allowZero ? l.quantity >= 0 : l.quantity > 0)))
      issues.push({
        path: [key, i, 'quantity'],
        message: `must be a finite number ${allowZero ? '≥' : '>'} 0, got ${l.quantity}`,
      })
  })
  return issues
}
