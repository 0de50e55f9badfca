import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import type { ExpectedVersions, LedgerContext, LedgerState, Movement } from './ledger.ts'
import {
  applyMovement,
  balances,
  emptyLedger,
  expectedVersions,
  legsOf,
  stockKey,
  stockOf,
  totalsByItem,
} from './ledger.ts'
import { ConflictError } from './ports.ts'
import type { LedgerRepository } from './ports.ts'
import type { AreaId, Depot, DepotId, Item, ItemId, MovementId } from './types.ts'

const A = 'depot-a' as DepotId
const B = 'depot-b' as DepotId
const JACKET = 'life-jacket' as ItemId
const PUMP = 'water-pump' as ItemId
const by = 'storekeeper' as UserId
const at = 1_000 as EpochMs
const depot = (id: DepotId, capacityM3: number): Depot => ({
  id,
  name: id,
  lat: 50,
  lon: 14,
  capacityM3,
  version: 0,
})
const item = (id: ItemId, volumePerUnitM3: number): Item => ({
  id,
  name: id,
  unit: 'each',
  volumePerUnitM3,
  category: 'rescue',
})
const ctx: LedgerContext = {
  depots: new Map([
    [A, depot(A, 100)],
    [B, depot(B, 2)],
  ]),
  items: new Map([
    [JACKET, item(JACKET, 0.02)],
    [PUMP, item(PUMP, 0.5)],
  ]),
}
let seq = 0
const id = (): MovementId => `m-${++seq}` as MovementId
const receipt = (depotId: DepotId, itemId: ItemId, quantity: number): Movement => ({
  kind: 'receipt',
  id: id(),
  depotId,
  itemId,
  quantity,
  source: 'supplier',
  at,
  by,
})
const issue = (depotId: DepotId, itemId: ItemId, quantity: number): Movement => ({
  kind: 'issue',
  id: id(),
  depotId,
  itemId,
  quantity,
  areaId: 'area-1' as AreaId,
  dispatchId: null,
  at,
  by,
})
const transfer = (
  fromDepotId: DepotId,
  toDepotId: DepotId,
  itemId: ItemId,
  quantity: number,
): Movement => ({
  kind: 'transfer',
  id: id(),
  fromDepotId,
  toDepotId,
  itemId,
  quantity,
  at,
  by,
})
const adjust = (depotId: DepotId, itemId: ItemId, delta: number): Movement => ({
  kind: 'adjustment',
  id: id(),
  depotId,
  itemId,
  delta,
  reason: 'count',
  note: 'stocktake',
  at,
  by,
})
const must = (r: ReturnType<typeof balances>): LedgerState => {
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.value
}

describe('applyMovement', () => {
  it('refuses an issue that would take stock below zero, naming what is held', () => {
    const s = must(balances([receipt(A, JACKET, 5)], ctx))
    const r = applyMovement(s, issue(A, JACKET, 6), ctx)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.issues).toHaveLength(1)
      expect(r.issues[0]!.path).toEqual(['quantity'])
      expect(r.issues[0]!.message).toContain('holds 5')
    }
    expect(stockOf(s, A, JACKET)).toBe(5)
  })

  it('refuses a receipt beyond the depot capacity by volume, and accepts one that fits exactly', () => {
    // B holds 2 m³: 4 pumps of 0.5 m³ fit, a fifth does not.
    const s = must(balances([receipt(B, PUMP, 4)], ctx))
    expect(s.volumeM3.get(B)).toBeCloseTo(2, 12)
    const r = applyMovement(s, receipt(B, JACKET, 1), ctx)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]!.message).toMatch(/over its capacity of 2 m³/)
  })

  it('moves both legs of a transfer and counts a version on each line and depot', () => {
    const s0 = must(balances([receipt(A, PUMP, 3)], ctx))
    const r = applyMovement(s0, transfer(A, B, PUMP, 2), ctx)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(stockOf(r.value, A, PUMP)).toBe(1)
    expect(stockOf(r.value, B, PUMP)).toBe(2)
    expect(r.value.lines.get(stockKey(A, PUMP))!.version).toBe(2)
    expect(r.value.lines.get(stockKey(B, PUMP))!.version).toBe(1)
    expect(r.value.depotVersions.get(A)).toBe(2)
    expect(r.value.depotVersions.get(B)).toBe(1)
    expect(r.value.volumeM3.get(A)).toBeCloseTo(0.5, 12)
    expect(stockOf(s0, B, PUMP)).toBe(0) // the input state is not changed
  })

  it('refuses a transfer that overfills the receiving depot, leaving the sender alone', () => {
    const s0 = must(balances([receipt(A, PUMP, 10)], ctx))
    const r = applyMovement(s0, transfer(A, B, PUMP, 5), ctx)
    expect(r.ok).toBe(false)
  })

  it('collects every problem of a malformed movement', () => {
    const bad: Movement = { ...transfer(A, A, 'nothing' as ItemId, -1) }
    const r = applyMovement(emptyLedger(), bad, ctx)
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.issues.map((i) => i.path[0]).sort()).toEqual(['itemId', 'quantity', 'toDepotId'])
  })

  it('applies signed adjustments and refuses a zero one', () => {
    const s = must(balances([receipt(A, JACKET, 10), adjust(A, JACKET, -3)], ctx))
    expect(stockOf(s, A, JACKET)).toBe(7)
    expect(applyMovement(s, adjust(A, JACKET, 0), ctx).ok).toBe(false)
    expect(applyMovement(s, adjust(A, JACKET, -8), ctx).ok).toBe(false)
  })
})

describe('balances', () => {
  it('reports every refused movement with its index and goes on', () => {
    const r = balances([issue(A, JACKET, 1), receipt(A, JACKET, 2), issue(A, JACKET, 3)], ctx)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues.map((i) => i.path[0])).toEqual([0, 2])
  })

  it('equals the sum of accepted movements per line, never negative (property)', () => {
    const move = fc.record({
      kind: fc.constantFrom('receipt', 'issue', 'transfer', 'adjustment'),
      d: fc.constantFrom(A, B),
      item: fc.constantFrom(JACKET, PUMP),
      q: fc.integer({ min: 1, max: 6 }),
      sign: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.array(move, { maxLength: 40 }), (spec) => {
        const ms: Movement[] = spec.map((m) => {
          const other = m.d === A ? B : A
          switch (m.kind) {
            case 'receipt':
              return receipt(m.d, m.item, m.q)
            case 'issue':
              return issue(m.d, m.item, m.q)
            case 'transfer':
              return transfer(m.d, other, m.item, m.q)
            default:
              return adjust(m.d, m.item, m.sign ? m.q : -m.q)
          }
        })
        // Apply one at a time, keeping the accepted ones; then replay those in one pass.
        let s = emptyLedger()
        const accepted: Movement[] = []
        const sum = new Map<string, number>()
        for (const m of ms) {
          const r = applyMovement(s, m, ctx)
          if (!r.ok) continue
          s = r.value
          accepted.push(m)
          const legs =
            m.kind === 'transfer'
              ? [
                  [m.fromDepotId, -m.quantity],
                  [m.toDepotId, m.quantity],
                ]
              : [
                  [
                    m.depotId,
                    m.kind === 'adjustment'
                      ? m.delta
                      : m.kind === 'issue'
                        ? -m.quantity
                        : m.quantity,
                  ],
                ]
          for (const [d, q] of legs as [DepotId, number][])
            sum.set(stockKey(d, m.itemId), (sum.get(stockKey(d, m.itemId)) ?? 0) + q)
        }
        const replay = must(balances(accepted, ctx))
        for (const [k, line] of replay.lines) {
          expect(line.quantity).toBe(sum.get(k) ?? 0)
          expect(line.quantity).toBeGreaterThanOrEqual(0)
          expect(s.lines.get(k)!.quantity).toBe(line.quantity)
        }
        for (const d of [A, B]) {
          const vol = stockOf(replay, d, JACKET) * 0.02 + stockOf(replay, d, PUMP) * 0.5
          expect(replay.volumeM3.get(d) ?? 0).toBeCloseTo(vol, 9)
          expect(vol).toBeLessThanOrEqual(ctx.depots.get(d)!.capacityM3 + 1e-9)
        }
        const totals = totalsByItem(replay)
        expect((totals.get(JACKET) ?? 0) + (totals.get(PUMP) ?? 0)).toBe(
          [...sum.values()].reduce((a, b) => a + b, 0),
        )
      }),
      { seed: 7, numRuns: 200 },
    )
  })
})

/** A minimal in-memory ledger honouring the LedgerRepository contract of ports.ts. */
function memoryLedger(context: LedgerContext): LedgerRepository {
  const stored: Movement[] = []
  let state = emptyLedger()
  return {
    async append(m: Movement, expected: ExpectedVersions): Promise<void> {
      await Promise.resolve() // a store answers asynchronously: writers interleave here
      for (const l of expected.lines) {
        const actual = state.lines.get(stockKey(l.depotId, l.itemId))?.version ?? 0
        if (actual !== l.version)
          throw new ConflictError(`stock ${l.depotId}/${l.itemId}`, l.version, actual)
      }
      for (const d of expected.depots) {
        const actual = state.depotVersions.get(d.depotId) ?? 0
        if (actual !== d.version) throw new ConflictError(`depot ${d.depotId}`, d.version, actual)
      }
      if (stored.some((x) => x.id === m.id)) throw new Error(`movement ${m.id} is already stored`)
      const r = applyMovement(state, m, context)
      if (!r.ok) throw new Error(r.issues[0]!.message)
      stored.push(m)
      state = r.value
    },
    movements: () => Promise.resolve([...stored]),
    depotMovements(depotId, after, limit) {
      const all = stored.filter((m) => legsOf(m).some((l) => l.depotId === depotId))
      return Promise.resolve({ movements: all.slice(after, after + limit), total: all.length })
    },
    state: () => Promise.resolve(state),
  }
}

describe('optimistic versions', () => {
  it('50 concurrent writers on one stock line lose no update', async () => {
    const repo = memoryLedger(ctx)
    let conflicts = 0
    const writer = async (w: number): Promise<void> => {
      for (;;) {
        const s = await repo.state()
        const m = receipt(A, JACKET, w + 1)
        if (!applyMovement(s, m, ctx).ok) throw new Error('refused')
        try {
          await repo.append(m, expectedVersions(s, m))
          return
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e
          conflicts++
        }
      }
    }
    await Promise.all(Array.from({ length: 50 }, (_, w) => writer(w)))
    const s = await repo.state()
    expect(stockOf(s, A, JACKET)).toBe((50 * 51) / 2)
    expect(s.lines.get(stockKey(A, JACKET))!.version).toBe(50)
    expect((await repo.movements()).length).toBe(50)
    expect(conflicts).toBeGreaterThan(0) // the writers did collide, and retried
  })

  it('two receipts into the same free volume conflict through the depot version', async () => {
    const repo = memoryLedger(ctx)
    const s = await repo.state()
    const pumps = receipt(B, PUMP, 3) // 1.5 m³ of 2
    const jackets = receipt(B, JACKET, 40) // 0.8 m³: together over capacity
    await repo.append(pumps, expectedVersions(s, pumps))
    await expect(repo.append(jackets, expectedVersions(s, jackets))).rejects.toBeInstanceOf(
      ConflictError,
    )
    const again = await repo.state()
    expect(applyMovement(again, jackets, ctx).ok).toBe(false)
  })
})
