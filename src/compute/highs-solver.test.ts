import { describe, expect, it } from 'vitest'
import { seededRng } from '../core/rng.ts'
import type { AllocationInput } from '../logistics/allocation.ts'
import { checkPlan, planAllocation } from '../logistics/allocation.ts'
import { denseSimplexSolver } from '../logistics/dense-simplex.ts'
import type { LpModel, LpSolver } from '../logistics/ports.ts'
import type { AreaId, DepotId, ItemId } from '../logistics/types.ts'
import { createHighsSolver } from './highs-solver.ts'

/** From CSC columns given as {row: value} maps. */
function lp(
  cost: number[],
  cols: Record<number, number>[],
  rowLower: number[],
  rowUpper: number[],
  colUpper?: number[],
): LpModel {
  const starts = [0]
  const indices: number[] = []
  const values: number[] = []
  for (const c of cols) {
    for (const [r, v] of Object.entries(c)) {
      indices.push(Number(r))
      values.push(v)
    }
    starts.push(indices.length)
  }
  return {
    numCols: cost.length,
    numRows: rowLower.length,
    colCost: Float64Array.from(cost),
    colLower: new Float64Array(cost.length),
    colUpper: Float64Array.from(colUpper ?? cost.map(() => Infinity)),
    rowLower: Float64Array.from(rowLower),
    rowUpper: Float64Array.from(rowUpper),
    starts: Int32Array.from(starts),
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  }
}

// max 3x + 2y  s.t.  x + y ≤ 4,  x + 3y ≤ 6,  0 ≤ x ≤ 3. By hand: the vertices are (0,0), (3,0),
// (3,1) (where all three constraints meet) and (0,2), worth 0, 9, 11 and 4: optimum x = 3, y = 1.
const KNOWN = lp(
  [-3, -2],
  [
    { 0: 1, 1: 1 },
    { 0: 1, 1: 3 },
  ],
  [-Infinity, -Infinity],
  [4, 6],
  [3, Infinity],
)

describe('HiGHS solver', () => {
  for (const input of ['arrays', 'lp-text'] as const) {
    it(`solves a small LP to its hand-computed optimum (${input})`, async () => {
      const s = await createHighsSolver({ input })
      const r = await s.solve(KNOWN)
      expect(r.status).toBe('optimal')
      expect(r.objective).toBeCloseTo(-11, 9)
      expect([...r.colValue]).toEqual([expect.closeTo(3, 9), expect.closeTo(1, 9)])
    })
  }

  it('reports an infeasible model as such', async () => {
    const s = await createHighsSolver()
    const r = await s.solve(lp([1], [{ 0: 1 }], [2], [Infinity], [1]))
    expect(r.status).toBe('infeasible')
    expect(s.version).toMatch(/^1\.\d+\.\d+$/)
  })

  it('gives back a basis that restarts the same model with no iteration', async () => {
    const s = await createHighsSolver()
    const first = await s.solve(KNOWN)
    expect(first.basis).toBeDefined()
    const again = await s.solve({ ...KNOWN, startBasis: first.basis! })
    expect(again.status).toBe('optimal')
    expect(again.iterations).toBe(0)
    expect(again.objective).toBeCloseTo(-11, 9)
  })

  it('warms up on a built-in model', async () => {
    const s = await createHighsSolver({ warmUp: true })
    expect((await s.solve(KNOWN)).objective).toBeCloseTo(-11, 9)
  })
})

function instance(seed: number, depots: number, areas: number): AllocationInput {
  const rng = seededRng(seed)
  const items = ['water', 'tent', 'boat'] as ItemId[]
  return {
    depots: Array.from({ length: depots }, (_, i) => ({
      id: `D${i}` as DepotId,
      lat: 48 + rng.next() * 3,
      lon: 13 + rng.next() * 4,
      stock: new Map(items.map((it) => [it, Math.floor(rng.next() * 60)])),
    })),
    areas: Array.from({ length: areas }, (_, j) => ({
      id: `A${j}` as AreaId,
      lat: 48 + rng.next() * 3,
      lon: 13 + rng.next() * 4,
      need: new Map(items.map((it) => [it, Math.floor(rng.next() * 25)])),
    })),
    items: items.map((id, i) => ({ id, costPerUnitKm: 0.01 * (i + 1) })),
    reach: { kind: 'nearest', k: 3 },
  }
}

describe('planAllocation on HiGHS', () => {
  it('agrees with the dense reference simplex, plain and equity, warm and cold, arrays and LP text', async () => {
    const highs = await createHighsSolver()
    const text = await createHighsSolver({ input: 'lp-text' })
    const dense = denseSimplexSolver()
    for (const seed of [1, 2, 3]) {
      const input = instance(seed, 5, 14)
      for (const equity of [false, true]) {
        const inp = { ...input, equity }
        const plans = []
        for (const [s, warmStart] of [
          [dense, true],
          [highs, true],
          [highs, false],
          [text, true],
        ] as [LpSolver, boolean][]) {
          const r = await planAllocation(inp, s, { warmStart })
          if (!r.ok) throw new Error(JSON.stringify(r.issues))
          expect(checkPlan(inp, r.value)).toEqual([])
          plans.push(r.value)
        }
        const ref = plans[0]!
        for (const p of plans.slice(1)) {
          expect(p.objective).toBeCloseTo(ref.objective, 4)
          p.items.forEach((s, i) => {
            expect(s.delivered).toBeCloseTo(ref.items[i]!.delivered, 4)
            expect(s.maxUnmetFraction).toBeCloseTo(ref.items[i]!.maxUnmetFraction, 5)
          })
        }
      }
    }
  })

  it('respects stock and need on a larger instance, and equity lowers the largest shortfall', async () => {
    const highs = await createHighsSolver()
    const input = instance(9, 20, 300)
    const plain = await planAllocation(input, highs)
    const fair = await planAllocation({ ...input, equity: true }, highs)
    if (!plain.ok || !fair.ok) throw new Error('plan')
    expect(checkPlan(input, plain.value)).toEqual([])
    expect(checkPlan(input, fair.value)).toEqual([])
    plain.value.items.forEach((s, i) => {
      const f = fair.value.items[i]!
      expect(f.maxUnmetFraction).toBeLessThanOrEqual(s.maxUnmetFraction + 1e-9)
      expect(f.delivered).toBeCloseTo(s.delivered, 3)
    })
    expect(
      fair.value.items.some(
        (f, i) => f.maxUnmetFraction < plain.value.items[i]!.maxUnmetFraction - 0.01,
      ),
    ).toBe(true)
  })
})
