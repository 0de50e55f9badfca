/**
 * Depots, items, movements and events for the store's logistics contract tests. For tests only.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { UserId } from '../../core/ids.ts'
import type { Movement } from '../../logistics/ledger.ts'
import type {
  AreaId,
  Depot,
  DepotId,
  DispatchId,
  Item,
  ItemId,
  MovementId,
  PostId,
  RequestId,
  ShelterId,
} from '../../logistics/types.ts'
import { HOUR, T0 } from './fixtures.ts'

export const depotId = (s: string): DepotId => s as DepotId
export const itemId = (s: string): ItemId => s as ItemId
export const areaId = (s: string): AreaId => s as AreaId
export const dispatchId = (s: string): DispatchId => s as DispatchId
export const requestId = (s: string): RequestId => s as RequestId
export const shelterId = (s: string): ShelterId => s as ShelterId
export const postId = (s: string): PostId => s as PostId
export const by = 'storekeeper' as UserId

/** Epoch ms `hours` after T0. */
export const at = (hours = 0): EpochMs => (T0 + hours * HOUR) as EpochMs

export const A = depotId('depot-a')
export const B = depotId('depot-b')
export const JACKET = itemId('life-jacket')
export const PUMP = itemId('water-pump')

/** A depot at version 0. */
export const depot = (id: DepotId, capacityM3: number): Depot => ({
  id,
  name: `Depot ${id}`,
  lat: 49.75,
  lon: 13.38,
  capacityM3,
  version: 0,
})

/** Two items: a life jacket (0.02 m³) and a pump (0.5 m³). */
export const ITEMS: readonly Item[] = [
  { id: JACKET, name: 'Life jacket', unit: 'each', volumePerUnitM3: 0.02, category: 'rescue' },
  { id: PUMP, name: 'Water pump', unit: 'each', volumePerUnitM3: 0.5, category: 'flood-defence' },
]

export const receipt = (
  id: string,
  depotId: DepotId,
  itemId: ItemId,
  quantity: number,
): Movement => ({
  kind: 'receipt',
  id: id as MovementId,
  depotId,
  itemId,
  quantity,
  source: 'supplier',
  at: at(),
  by,
})

export const issue = (
  id: string,
  depotId: DepotId,
  itemId: ItemId,
  quantity: number,
): Movement => ({
  kind: 'issue',
  id: id as MovementId,
  depotId,
  itemId,
  quantity,
  areaId: areaId('CZ0311'),
  dispatchId: null,
  at: at(1),
  by,
})

export const transfer = (
  id: string,
  from: DepotId,
  to: DepotId,
  itemId: ItemId,
  quantity: number,
): Movement => ({
  kind: 'transfer',
  id: id as MovementId,
  fromDepotId: from,
  toDepotId: to,
  itemId,
  quantity,
  at: at(2),
  by,
})
