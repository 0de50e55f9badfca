import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seededRng } from '../core/rng.ts'
import type { AllocationInput, AllocationItem, AllocationPlan } from './allocation.ts'
import { checkPlan, greedyAllocation, planAllocation } from './allocation.ts'
import { denseSimplexSolver } from './dense-simplex.ts'
import type { LpSolver } from './ports.ts'
import type { AreaId, DepotId, ItemId } from './types.ts'

const solver = denseSimplexSolver()
const W = 'water' as ItemId
const T = 'tent' as ItemId
const d = (
  id: string,
  stock: Record<string, number>,
  extra: { outflowCapacityM3?: number } = {},
) => ({
  id: id as DepotId,
  lat: 50,
  lon: 14,
  stock: new Map(Object.entries(stock) as [ItemId, number][]),
  ...extra,
})
const a = (id: string, need: Record<string, number>) => ({
  id: id as AreaId,
  lat: 50,
  lon: 14,
  need: new Map(Object.entries(need) as [ItemId, number][]),
})
/** Costs from a table `depot→area`, in place of distances. */
const table =
  (costs: Record<string, number>): NonNullable<AllocationInput['transportCost']> =>
  (depot, area) =>
    costs[`${depot.id}→${area.id}`] ?? 1e3
const item = (id: ItemId, penaltyPerUnit?: number, volumePerUnitM3?: number): AllocationItem => ({
  id,
  costPerUnitKm: 1,
  ...(penaltyPerUnit === undefined ? {} : { penaltyPerUnit }),
  ...(volumePerUnitM3 === undefined ? {} : { volumePerUnitM3 }),
})
async function solve(input: AllocationInput, s: LpSolver = solver): Promise<AllocationPlan> {
  const r = await planAllocation(input, s)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.value
}
const flow = (p: AllocationPlan, from: string, to: string, it: ItemId = W): number =>
  p.flows.find((f) => f.depotId === from && f.areaId === to && f.itemId === it)?.quantity ?? 0
const unmet = (p: AllocationPlan, area: string, it: ItemId = W): number =>
  p.lines.find((l) => l.areaId === area && l.itemId === it)?.unmet ?? 0

// Two depots, two areas, scarce stock; solved by hand in the comment of the first test.
const HAND: AllocationInput = {
  depots: [d('D1', { water: 10 }), d('D2', { water: 4 })],
  areas: [a('X', { water: 8 }), a('Y', { water: 8 })],
  items: [item(W, 10)],
  reach: { kind: 'all' },
  transportCost: table({ 'D1→X': 1, 'D1→Y': 3, 'D2→X': 2, 'D2→Y': 1 }),
}

describe('planAllocation', () => {
  it('finds the hand-solved optimum', async () => {
    // All 14 units go out (penalty 10 > any cost). With y = 10 − x and v = 4 − u the transport
    // cost x + 3y + 2u + v is 34 − 2x + u: x = 8, u = 0, so y = 2, v = 4; cost 18, 2 unmet at Y.
    const p = await solve(HAND)
    expect([
      flow(p, 'D1', 'X'),
      flow(p, 'D1', 'Y'),
      flow(p, 'D2', 'X'),
      flow(p, 'D2', 'Y'),
    ]).toEqual([8, 2, 0, 4])
    expect(p.transportCost).toBe(18)
    expect([unmet(p, 'X'), unmet(p, 'Y')]).toEqual([0, 2])
    expect(p.objective).toBe(38)
    expect(checkPlan(HAND, p)).toEqual([])
  })

  it('leaves need unmet only when stock is short', async () => {
    const ample = await solve({ ...HAND, depots: [d('D1', { water: 10 }), d('D2', { water: 10 })] })
    expect(ample.items[0]!.unmet).toBe(0)
    expect(ample.transportCost).toBe(16) // D1→X 8 at 1, D2→Y 8 at 1
    const none = await solve({ ...HAND, depots: [d('D1', {}), d('D2', {})] })
    expect(none.flows).toEqual([])
    expect(none.items[0]!.unmet).toBe(16)
    expect(none.objective).toBe(160)
  })

  it('refuses a penalty that does not exceed the largest transport cost, and other bad input', async () => {
    const r = await planAllocation(
      {
        ...HAND,
        depots: [d('D1', { water: -1 }), d('D1', { water: 4 })],
        items: [item(W, 3)],
        reach: { kind: 'nearest', k: 0 },
      },
      solver,
    )
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.issues.map((i) => i.path.join('.'))).toEqual([
        'depots.1.id',
        'depots.0.stock.water',
        'reach.k',
      ])
    const p = await planAllocation({ ...HAND, items: [item(W, 3)] }, solver)
    expect(p.ok).toBe(false)
    if (!p.ok)
      expect(p.issues[0]!.message).toMatch(/exceed the largest transport cost of the item \(3\)/)
  })

  it('refuses a solve that does not end optimal', async () => {
    const limited: LpSolver = {
      solve: () =>
        Promise.resolve({
          status: 'time-limit',
          objective: NaN,
          colValue: new Float64Array(0),
          iterations: 9,
        }),
    }
    const r = await planAllocation(HAND, limited)
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.issues).toEqual([
        { path: ['solver', W], message: expect.stringMatching(/time-limit, not optimal/) },
      ])
  })

  it('matches brute force over every integral plan on tiny instances (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 2 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 6, maxLength: 6 }),
        async (stock, need, cost) => {
          const costs: Record<string, number> = {}
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 2; j++) costs[`D${i}→A${j}`] = cost[i * 2 + j]!
          const input: AllocationInput = {
            depots: stock.map((s, i) => d(`D${i}`, { water: s })),
            areas: need.map((n, j) => a(`A${j}`, { water: n })),
            items: [item(W, 6)],
            reach: { kind: 'all' },
            transportCost: table(costs),
          }
          const p = await solve(input)
          // Brute force: every integral flow x[i][j] in 0..4.
          let best = Infinity
          const x = new Array<number>(6).fill(0)
          const rec = (k: number): void => {
            if (k === 6) {
              let obj = 0
              for (let i = 0; i < 3; i++) if (x[i * 2]! + x[i * 2 + 1]! > stock[i]!) return
              for (let j = 0; j < 2; j++) {
                const got = x[j]! + x[2 + j]! + x[4 + j]!
                if (got > need[j]!) return
                obj += 6 * (need[j]! - got)
              }
              for (let q = 0; q < 6; q++) obj += x[q]! * cost[q]!
              best = Math.min(best, obj)
              return
            }
            for (let v = 0; v <= 4; v++) {
              x[k] = v
              rec(k + 1)
            }
          }
          rec(0)
          expect(p.objective).toBeCloseTo(best, 9)
          expect(checkPlan(input, p)).toEqual([])
        },
      ),
      { seed: 11, numRuns: 60 },
    )
  })

  it('lies between a pooled-stock lower bound and the greedy plan, and respects stock', async () => {
    const rng = seededRng(5)
    const input: AllocationInput = {
      depots: Array.from({ length: 6 }, (_, i) => ({
        id: `D${i}` as DepotId,
        lat: 49 + rng.next() * 2,
        lon: 14 + rng.next() * 3,
        stock: new Map([
          [W, Math.floor(rng.next() * 80)],
          [T, Math.floor(rng.next() * 30)],
        ]),
      })),
      areas: Array.from({ length: 20 }, (_, j) => ({
        id: `A${j}` as AreaId,
        lat: 49 + rng.next() * 2,
        lon: 14 + rng.next() * 3,
        need: new Map([
          [W, Math.floor(rng.next() * 40)],
          [T, Math.floor(rng.next() * 12)],
        ]),
      })),
      items: [
        { id: W, costPerUnitKm: 0.01 },
        { id: T, costPerUnitKm: 0.2 },
      ],
      reach: { kind: 'nearest', k: 3 },
    }
    const p = await solve(input)
    expect(checkPlan(input, p)).toEqual([])
    for (const f of p.flows) expect(Number.isInteger(f.quantity)).toBe(true) // total unimodularity
    const g = greedyAllocation(input)
    if (!g.ok) throw new Error('greedy')
    expect(p.objective).toBeLessThanOrEqual(g.value.objective + 1e-9)
    // Lower bound: pool every depot's stock and serve each area at its cheapest arc in reach.
    let lower = 0
    for (const s of p.items) {
      const costPerKm = input.items.find((i) => i.id === s.itemId)!.costPerUnitKm
      const cheapest = input.areas.map((ar) => {
        const km = input.depots
          .map((dp) => {
            const r = Math.PI / 180
            const h =
              Math.sin(((ar.lat - dp.lat) * r) / 2) ** 2 +
              Math.cos(ar.lat * r) *
                Math.cos(dp.lat * r) *
                Math.sin(((ar.lon - dp.lon) * r) / 2) ** 2
            return 2 * 6371.0088 * Math.asin(Math.sqrt(h))
          })
          .sort((x, y) => x - y)[0]!
        return { need: ar.need.get(s.itemId)!, c: km * costPerKm }
      })
      cheapest.sort((x, y) => x.c - y.c)
      let left = s.stock
      for (const c of cheapest) {
        const q = Math.min(left, c.need)
        left -= q
        lower += q * c.c + (c.need - q) * s.penaltyPerUnit
      }
      expect(s.delivered).toBeLessThanOrEqual(s.stock)
    }
    expect(p.objective).toBeGreaterThanOrEqual(lower - 1e-6)
  })

  it('solves items coupled by a depot outflow capacity in one LP, loading the dearer need first', async () => {
    const input: AllocationInput = {
      depots: [d('D1', { water: 10, tent: 10 }, { outflowCapacityM3: 12 })],
      areas: [a('X', { water: 10, tent: 10 })],
      items: [item(W, 50, 1), item(T, 100, 1)],
      reach: { kind: 'all' },
      transportCost: () => 1,
    }
    const p = await solve(input)
    expect(p.stats.blocks).toBe(1)
    expect(flow(p, 'D1', 'X', T)).toBe(10)
    expect(flow(p, 'D1', 'X', W)).toBe(2)
    expect(checkPlan(input, p)).toEqual([])
    expect(
      checkPlan(
        { ...input, depots: [d('D1', { water: 10, tent: 10 }, { outflowCapacityM3: 11 })] },
        p,
      ),
    ).toHaveLength(1)
  })
})

describe('equity', () => {
  it('spreads a shortfall that least cost leaves on one area, delivering as much', async () => {
    // One depot of 10; X (cost 1) and Y (cost 2) each need 10. Least cost gives X everything,
    // leaving Y at 100 % unmet; equity gives 5 each (largest unmet fraction 50 %), at cost 15.
    const input: AllocationInput = {
      depots: [d('D', { water: 10 })],
      areas: [a('X', { water: 10 }), a('Y', { water: 10 })],
      items: [item(W)],
      reach: { kind: 'all' },
      transportCost: table({ 'D→X': 1, 'D→Y': 2 }),
    }
    const plain = await solve(input)
    const fair = await solve({ ...input, equity: true })
    expect(plain.items[0]!.maxUnmetFraction).toBe(1)
    expect(fair.items[0]!.maxUnmetFraction).toBeCloseTo(0.5, 6)
    expect(fair.items[0]!.delivered).toBeCloseTo(plain.items[0]!.delivered, 6)
    expect(fair.transportCost).toBeCloseTo(15, 5)
    expect(plain.transportCost).toBe(10)
    expect(fair.stats.solves).toBe(2)
    expect(checkPlan(input, fair)).toEqual([])
  })

  it('keeps the total delivered when reach is restricted (hand-solved: a = 7.5)', async () => {
    // D1 (10) reaches X and Y, D2 (5) only Y; X and Y need 10. Least cost: D1→X 10, D2→Y 5:
    // Y 50 % short. Equity: X gets a from D1, Y gets 10 − a + 5; (10 − a)/10 = (a − 5)/10 at
    // a = 7.5, both 25 % short; 15 delivered either way.
    const input: AllocationInput = {
      depots: [d('D1', { water: 10 }), d('D2', { water: 5 })],
      areas: [a('X', { water: 10 }), a('Y', { water: 10 })],
      items: [item(W, 100)],
      reach: { kind: 'all' },
      transportCost: table({ 'D1→X': 1, 'D1→Y': 5, 'D2→Y': 1, 'D2→X': 99 }),
    }
    const plain = await solve(input)
    const fair = await solve({ ...input, equity: true })
    expect(plain.items[0]!.maxUnmetFraction).toBe(0.5)
    expect(fair.items[0]!.maxUnmetFraction).toBeCloseTo(0.25, 6)
    expect(flow(fair, 'D1', 'X')).toBeCloseTo(7.5, 5) // z is bounded by z* + 1e-7 in stage 2
    expect(fair.items[0]!.delivered).toBeCloseTo(15, 6)
    expect(plain.items[0]!.delivered).toBe(15)
  })
})
