import { describe, expect, it } from 'vitest'
import { seededRng } from '../../core/rng.ts'
import { InputError } from '../../core/errors.ts'
import { michelSearch } from './michel.ts'
import type { SearchProblem } from './objective.ts'
import type { ParamTransform } from './transforms.ts'
import { refine } from './refine.ts'

const identity: ParamTransform = { toTransformed: (x) => x, toReal: (t) => t }

/** A toy problem in the identity transform: loss(x) given, bounds ±10, runs counted. */
function toy(n: number, loss: (x: Float64Array) => number, free?: boolean[]) {
  let runs = 0
  const problem: SearchProblem = {
    n,
    transforms: Array(n).fill(identity),
    free: free ?? Array(n).fill(true),
    fixedReal: new Float64Array(n).fill(NaN).map((v, i) => (free?.[i] === false ? 0.5 : v)),
    lowerT: new Float64Array(n).fill(-10),
    upperT: new Float64Array(n).fill(10),
    lossOfReal: (x) => {
      runs++
      return loss(x)
    },
  }
  return { problem, runs: () => runs }
}

/** A narrow valley along x0 = x1, minimum 0 at (3, 3, …). */
const valley = (x: Float64Array): number => {
  let s = 100 * (x[0]! - x[1]!) ** 2 + (x[0]! + x[1]! - 6) ** 2
  for (let i = 2; i < x.length; i++) s += (x[i]! - 3) ** 2
  return s
}

describe("Michel's search", () => {
  it('starts from the best grid point, the first one on ties, first parameter fastest', () => {
    const seen: number[][] = []
    const { problem } = toy(2, (x) => {
      seen.push(Array.from(x))
      return x[0] === 2 || x[1] === 20 ? 0 : 1
    })
    const r = michelSearch(problem, [
      [1, 2, 3],
      [10, 20, 30],
    ])
    expect(seen.slice(0, 4)).toEqual([
      [1, 10],
      [2, 10],
      [3, 10],
      [1, 20],
    ])
    expect(Array.from(r.history[0]!.real)).toEqual([2, 10])
  })

  it('walks down to the minimum within its final pace, inside the bounds', () => {
    const { problem } = toy(3, valley)
    const r = michelSearch(problem, [
      [-5, 0, 5],
      [-5, 0, 5],
      [-5, 0, 5],
    ])
    expect(r.best.loss).toBeLessThan(1e-2)
    for (const v of r.best.t) expect(Math.abs(v - 3)).toBeLessThan(0.1)
    for (let k = 1; k < r.history.length; k++)
      expect(r.history[k]!.loss).toBeLessThanOrEqual(r.history[k - 1]!.loss)
    expect(r.lastPace).toBeGreaterThanOrEqual(0.01)
    expect(r.lastPace).toBeLessThan(0.02)
  })

  it('holds fixed parameters and never runs NaN points as improvements', () => {
    const { problem } = toy(2, (x) => (x[0]! > 4 ? NaN : (x[0]! - 4) ** 2 + x[1]!), [true, false])
    const r = michelSearch(problem, [[0, 1, 2], [7]])
    expect(r.best.real[1]).toBe(0.5)
    expect(r.best.real[0]).toBeLessThanOrEqual(4)
    expect(Number.isFinite(r.best.loss)).toBe(true)
  })

  it('fails when no grid point gives a finite loss', () => {
    const { problem } = toy(1, () => NaN)
    expect(() => michelSearch(problem, [[1, 2, 3]])).toThrow(InputError)
  })
})

describe('the refinement', () => {
  it('goes down a valley that runs across the axes, within its budget', () => {
    const { problem, runs } = toy(4, valley)
    const t0 = Float64Array.of(2.5, 2.6, 3.2, 2.9)
    const before = runs()
    const r = refine(problem, t0, valley(t0), {
      polishRuns: 108,
      searchRuns: 12,
      step: 0.01,
      minStep: 0.01,
      rng: seededRng(1),
      runs,
    })
    expect(runs() - before).toBeLessThanOrEqual(120)
    expect(r.loss).toBeLessThan(1e-6)
    expect(r.loss).toBe(valley(r.t))
  })

  it('never worsens, stays in bounds, and repeats itself with the same seed', () => {
    const bumpy = (x: Float64Array): number =>
      Math.abs(x[0]! - 9.9) + Math.abs(x[1]! + 9.9) + 0.1 * Math.sin(40 * x[0]!)
    const go = (seed: number) => {
      const { problem, runs } = toy(2, bumpy)
      const t0 = Float64Array.of(0, 0)
      return refine(problem, t0, bumpy(t0), {
        polishRuns: 40,
        searchRuns: 40,
        step: 0.02,
        minStep: 0.02,
        rng: seededRng(seed),
        runs,
      })
    }
    const a = go(3)
    const b = go(3)
    expect(a.loss).toBeLessThanOrEqual(bumpy(Float64Array.of(0, 0)))
    expect(Array.from(a.t)).toEqual(Array.from(b.t))
    expect(a.loss).toBe(b.loss)
    for (const v of a.t) expect(Math.abs(v)).toBeLessThanOrEqual(10)
  })
})
