/**
 * The stock ledger: stock is never an overwritten number but the sum of movements.
 *
 * - `receipt`: items come into a depot (a purchase, a donation, a return);
 * - `issue`: items leave a depot for an area (usually a dispatch order's delivery);
 * - `transfer`: items move from one depot to another, one movement with both legs;
 * - `adjustment`: a signed correction with its reason (a stock count, damage, expiry, loss).
 *
 * A movement is refused when it would take a stock line below zero or fill a depot beyond its
 * storage capacity (by packed volume, from the catalogue).
 *
 * Versions: each depot × item stock line counts the movements that touched it, and each depot
 * counts the movements that touched any of its lines. A writer appends a movement with the
 * versions it read ({@link expectedVersions}); the repository refuses the append when any of
 * them moved on (see `LedgerRepository` in ports.ts), so two writers never both spend the same
 * stock nor both fill the same free volume.
 */
import type { EpochMs } from '../core/brand.ts'
import { assertNever } from '../core/errors.ts'
import type { UserId } from '../core/ids.ts'
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import type { AreaId, Depot, DepotId, DispatchId, Item, ItemId, MovementId } from './types.ts'

/** Why an adjustment was made. */
export type AdjustmentReason = 'count' | 'damage' | 'expiry' | 'loss' | 'found'

interface MovementBase {
  readonly id: MovementId
  readonly itemId: ItemId
  readonly at: EpochMs
  readonly by: UserId
}

/** One movement of stock. Quantities are in the item's unit. */
export type Movement =
  | (MovementBase & {
      readonly kind: 'receipt'
      readonly depotId: DepotId
      /** Units received, > 0. */
      readonly quantity: number
      /** Where the items came from (a supplier, a donation reference). */
      readonly source: string
    })
  | (MovementBase & {
      readonly kind: 'issue'
      readonly depotId: DepotId
      /** Units issued, > 0. */
      readonly quantity: number
      readonly areaId: AreaId
      readonly dispatchId: DispatchId | null
    })
  | (MovementBase & {
      readonly kind: 'transfer'
      readonly fromDepotId: DepotId
      readonly toDepotId: DepotId
      /** Units moved, > 0. */
      readonly quantity: number
    })
  | (MovementBase & {
      readonly kind: 'adjustment'
      readonly depotId: DepotId
      /** Signed change in units, ≠ 0. */
      readonly delta: number
      readonly reason: AdjustmentReason
      readonly note: string
    })

/** The stock of one item at one depot. */
export interface StockLine {
  readonly depotId: DepotId
  readonly itemId: ItemId
  /** Units in stock, ≥ 0. */
  readonly quantity: number
  /** Movements that touched this line. */
  readonly version: number
}

/** Stock per depot × item, with versions. */
export interface LedgerState {
  /** Lines keyed by {@link stockKey}. */
  readonly lines: ReadonlyMap<string, StockLine>
  /** Movements that touched each depot. */
  readonly depotVersions: ReadonlyMap<DepotId, number>
  /** Packed volume in store per depot (m³). */
  readonly volumeM3: ReadonlyMap<DepotId, number>
}

/** What a movement is checked against: the depots and the catalogue. */
export interface LedgerContext {
  readonly depots: ReadonlyMap<DepotId, Depot>
  readonly items: ReadonlyMap<ItemId, Item>
}

/** The versions a writer read, which must be unchanged for its movement to be appended. */
export interface ExpectedVersions {
  readonly lines: readonly {
    readonly depotId: DepotId
    readonly itemId: ItemId
    readonly version: number
  }[]
  /** Depots that receive stock (receipt, transfer in, positive adjustment): capacity is shared. */
  readonly depots: readonly { readonly depotId: DepotId; readonly version: number }[]
}

/** Relative slack on the capacity check, for volumes summed in floating point. */
const VOLUME_TOLERANCE = 1e-9

/** The key of a depot × item line in {@link LedgerState.lines}. */
export const stockKey = (depotId: DepotId, itemId: ItemId): string => `${depotId}\u0000${itemId}`

/** An empty ledger. */
export const emptyLedger = (): LedgerState => ({
  lines: new Map(),
  depotVersions: new Map(),
  volumeM3: new Map(),
})

/** Units of `itemId` at `depotId` (0 when the line does not exist). */
export function stockOf(state: LedgerState, depotId: DepotId, itemId: ItemId): number {
  return state.lines.get(stockKey(depotId, itemId))?.quantity ?? 0
}

/** The stock lines a movement changes, with the signed change of each (units). */
export function legsOf(
  m: Movement,
): readonly { readonly depotId: DepotId; readonly itemId: ItemId; readonly delta: number }[] {
  switch (m.kind) {
    case 'receipt':
      return [{ depotId: m.depotId, itemId: m.itemId, delta: m.quantity }]
    case 'issue':
      return [{ depotId: m.depotId, itemId: m.itemId, delta: -m.quantity }]
    case 'transfer':
      return [
        { depotId: m.fromDepotId, itemId: m.itemId, delta: -m.quantity },
        { depotId: m.toDepotId, itemId: m.itemId, delta: m.quantity },
      ]
    case 'adjustment':
      return [{ depotId: m.depotId, itemId: m.itemId, delta: m.delta }]
    default:
      return assertNever(m)
  }
}

/**
 * The versions `m` must be appended with, as read from `state`: every line it touches, and every
 * depot it adds volume to.
 */
export function expectedVersions(state: LedgerState, m: Movement): ExpectedVersions {
  const legs = legsOf(m)
  return {
    lines: legs.map((l) => ({
      depotId: l.depotId,
      itemId: l.itemId,
      version: state.lines.get(stockKey(l.depotId, l.itemId))?.version ?? 0,
    })),
    depots: legs
      .filter((l) => l.delta > 0)
      .map((l) => ({ depotId: l.depotId, version: state.depotVersions.get(l.depotId) ?? 0 })),
  }
}

/** Every problem with a movement taken on its own (shape, known depots and items). */
function checkShape(m: Movement, ctx: LedgerContext): Issue[] {
  const issues: Issue[] = []
  const positive = (q: number, key: string): void => {
    if (!Number.isFinite(q) || q <= 0)
      issues.push({ path: [key], message: `must be a finite number > 0, got ${q}` })
  }
  const depot = (id: DepotId, key: string): void => {
    if (!ctx.depots.has(id)) issues.push({ path: [key], message: `unknown depot ${id}` })
  }
  if (!ctx.items.has(m.itemId))
    issues.push({ path: ['itemId'], message: `unknown item ${m.itemId}` })
  switch (m.kind) {
    case 'receipt':
    case 'issue':
      depot(m.depotId, 'depotId')
      positive(m.quantity, 'quantity')
      break
    case 'transfer':
      depot(m.fromDepotId, 'fromDepotId')
      depot(m.toDepotId, 'toDepotId')
      positive(m.quantity, 'quantity')
      if (m.fromDepotId === m.toDepotId)
        issues.push({
          path: ['toDepotId'],
          message: `a transfer must go to another depot than ${m.fromDepotId}`,
        })
      break
    case 'adjustment':
      depot(m.depotId, 'depotId')
      if (!Number.isFinite(m.delta) || m.delta === 0)
        issues.push({
          path: ['delta'],
          message: `must be a finite non-zero number, got ${m.delta}`,
        })
      break
    default:
      return assertNever(m)
  }
  return issues
}

/**
 * Applies one movement, refusing it with every problem found: unknown depot or item, a
 * non-positive quantity, stock going below zero, or a depot filled beyond its capacity (m³).
 * Issue paths are relative to the movement.
 *
 * @returns the new state (`state` is not changed), or the issues
 */
export function applyMovement(
  state: LedgerState,
  m: Movement,
  ctx: LedgerContext,
): Result<LedgerState> {
  const lines = new Map(state.lines)
  const depotVersions = new Map(state.depotVersions)
  const volumeM3 = new Map(state.volumeM3)
  const issues = applyInPlace({ lines, depotVersions, volumeM3 }, m, ctx)
  return issues.length > 0 ? fail(issues) : ok({ lines, depotVersions, volumeM3 })
}

interface MutableLedger {
  readonly lines: Map<string, StockLine>
  readonly depotVersions: Map<DepotId, number>
  readonly volumeM3: Map<DepotId, number>
}

function applyInPlace(s: MutableLedger, m: Movement, ctx: LedgerContext): Issue[] {
  const issues = checkShape(m, ctx)
  if (issues.length > 0) return issues
  const legs = legsOf(m)
  const item = ctx.items.get(m.itemId)!
  const quantityKey = m.kind === 'adjustment' ? 'delta' : 'quantity'
  for (const leg of legs) {
    const have = s.lines.get(stockKey(leg.depotId, leg.itemId))?.quantity ?? 0
    if (have + leg.delta < 0)
      issues.push({
        path: [quantityKey],
        message:
          `depot ${leg.depotId} holds ${have} ${item.unit} of ${item.id}; ` +
          `taking ${-leg.delta} would leave ${have + leg.delta}`,
      })
    if (leg.delta > 0) {
      const depot = ctx.depots.get(leg.depotId)!
      const used = s.volumeM3.get(leg.depotId) ?? 0
      const after = used + leg.delta * item.volumePerUnitM3
      if (after > depot.capacityM3 * (1 + VOLUME_TOLERANCE))
        issues.push({
          path: [quantityKey],
          message:
            `depot ${leg.depotId} would hold ${round3(after)} m³, over its capacity of ` +
            `${depot.capacityM3} m³ (${round3(used)} m³ in store)`,
        })
    }
  }
  if (issues.length > 0) return issues
  const touched = new Set<DepotId>()
  for (const leg of legs) {
    const key = stockKey(leg.depotId, leg.itemId)
    const line = s.lines.get(key)
    s.lines.set(key, {
      depotId: leg.depotId,
      itemId: leg.itemId,
      quantity: (line?.quantity ?? 0) + leg.delta,
      version: (line?.version ?? 0) + 1,
    })
    s.volumeM3.set(
      leg.depotId,
      Math.max(0, (s.volumeM3.get(leg.depotId) ?? 0) + leg.delta * item.volumePerUnitM3),
    )
    touched.add(leg.depotId)
  }
  for (const d of touched) s.depotVersions.set(d, (s.depotVersions.get(d) ?? 0) + 1)
  return []
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000

/**
 * Replays movements in order into stock per depot × item. Every refused movement is reported
 * (path `[index, …]`) and left out, and replay goes on, so one pass lists every problem.
 *
 * @returns the state when every movement applies, or the issues of those that do not
 */
export function balances(movements: readonly Movement[], ctx: LedgerContext): Result<LedgerState> {
  const s: MutableLedger = { lines: new Map(), depotVersions: new Map(), volumeM3: new Map() }
  const issues: Issue[] = []
  for (let i = 0; i < movements.length; i++) {
    for (const issue of applyInPlace(s, movements[i]!, ctx))
      issues.push({ path: [i, ...issue.path], message: issue.message })
  }
  return issues.length > 0 ? fail(issues) : ok(s)
}

/** Units of each item in stock over all depots. */
export function totalsByItem(state: LedgerState): Map<ItemId, number> {
  const totals = new Map<ItemId, number>()
  for (const line of state.lines.values())
    totals.set(line.itemId, (totals.get(line.itemId) ?? 0) + line.quantity)
  return totals
}
