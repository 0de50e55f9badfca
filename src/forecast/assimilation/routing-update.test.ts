import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../core/errors.ts'
import { gr4j } from '../../hydro/models/gr4j/run.ts'
import { gr6j } from '../../hydro/models/gr6j/run.ts'
import { runModel } from '../../hydro/models/run-model.ts'
import type { Forcing, ModelDefinition } from '../../hydro/models/types.ts'
import { flowForRoutingLevel, updateRoutingStore } from './routing-update.ts'

/** A wet-and-dry synthetic forcing (mm/day), the same every run. */
function forcing(n: number): Forcing {
  const precip = new Float64Array(n)
  const pet = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    precip[i] = i % 9 < 3 ? 12 + 6 * Math.sin(i) : i % 9 === 5 ? 2 : 0
    pet[i] = 1.5 + Math.sin((2 * Math.PI * i) / 365)
  }
  return { precip, pet }
}

const ROUT = 1
const Q9 = gr4j.outputNames.indexOf('Q9')

/** The state before step `k` and that step's flow, Q9 and end state. */
function lastStep(
  model: ModelDefinition,
  params: Float64Array,
  f: Forcing,
  k: number,
): { before: Float64Array; q: number; q9: number; after: Float64Array } {
  const warm = runModel(model, params, f, { start: 0, end: k })
  const step = runModel(
    model,
    params,
    f,
    { start: k, end: k + 1 },
    { state: warm.state, allOutputs: true },
  )
  return {
    before: warm.state,
    q: step.qsim[0]!,
    q9: step.series.get('Q9')![0]!,
    after: step.state,
  }
}

/** Re-runs step k from `before` with Rout set to `rout`: its flow and end state. */
function rerun(
  model: ModelDefinition,
  params: Float64Array,
  f: Forcing,
  k: number,
  before: Float64Array,
  rout: number,
): { q: number; after: Float64Array } {
  const st = Float64Array.from(before)
  st[ROUT] = rout
  const r = runModel(model, params, f, { start: k, end: k + 1 }, { state: st })
  return { q: r.qsim[0]!, after: r.state }
}

describe('updateRoutingStore', () => {
  const f = forcing(400)
  // X2 = 0: no exchange, so re-running the step from a start level reproduces the update exactly.
  const noExchange = Float64Array.of(300, 0, 80, 2.1)

  it.each([1.4, 0.8, 3])(
    'gives a routing level from which the last step yields the observed flow (× %f), to rounding',
    (ratio) => {
      const k = 200
      const last = lastStep(gr4j, noExchange, f, k)
      const observed = ratio * last.q
      const up = updateRoutingStore(gr4j, noExchange, last.after, last.q, observed)
      expect(up.exact).toBe(true)
      // The start level whose step ends at the updated level, found by bisection on the model
      // itself (the end level grows with the start level).
      let lo = 0
      let hi = 10 * 80
      for (let it = 0; it < 200; it++) {
        const mid = 0.5 * (lo + hi)
        if (rerun(gr4j, noExchange, f, k, last.before, mid).after[ROUT]! < up.routAfter) lo = mid
        else hi = mid
      }
      const again = rerun(gr4j, noExchange, f, k, last.before, 0.5 * (lo + hi))
      expect(Math.abs(again.q - observed)).toBeLessThanOrEqual(1e-9 * observed)
      // Nothing but Rout changes.
      for (let i = 0; i < gr4j.stateSize; i++)
        if (i !== ROUT) expect(up.state[i]).toBe(last.after[i])
      expect(Q9).toBeGreaterThan(0)
    },
  )

  it('leaves the state unchanged when the observation equals the simulation', () => {
    const params = Float64Array.of(350, -1.2, 90, 1.7)
    const last = lastStep(gr4j, params, f, 150)
    const up = updateRoutingStore(gr4j, params, last.after, last.q, last.q)
    expect(up.exact).toBe(true)
    expect(Math.abs(up.routAfter - last.after[ROUT]!)).toBeLessThanOrEqual(1e-12 * 90)
  })

  it('inverts the forward map for any observation above the rest of the flow (property)', () => {
    const params = Float64Array.of(350, -1.2, 90, 1.7)
    const last = lastStep(gr4j, params, f, 120)
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 20, noNaN: true }), (ratio) => {
        const observed = ratio * last.q
        const up = updateRoutingStore(gr4j, params, last.after, last.q, observed)
        if (!up.exact) return true
        const back = flowForRoutingLevel(90, last.after[ROUT]!, last.q, up.routAfter)
        return Math.abs(back - observed) <= 1e-10 * observed
      }),
      { seed: 42, numRuns: 200 },
    )
  })

  it('empties the store, inexactly, when the observation is below the rest of the flow', () => {
    const last = lastStep(gr4j, noExchange, f, 202)
    const up = updateRoutingStore(gr4j, noExchange, last.after, last.q, 0)
    expect(up.routAfter).toBe(0)
    expect(up.exact).toBe(false)
  })

  it('leaves the state as is when the observation is missing', () => {
    const last = lastStep(gr4j, noExchange, f, 202)
    const up = updateRoutingStore(gr4j, noExchange, last.after, last.q, NaN)
    expect(up.exact).toBe(false)
    expect(Array.from(up.state)).toEqual(Array.from(last.after))
    expect(up.state).not.toBe(last.after)
  })

  it('works on GR6J, whose flow also has an exponential branch', () => {
    const params = Float64Array.of(250, 0.5, 90, 2.2, 0.2, 5)
    const last = lastStep(gr6j, params, f, 220)
    const up = updateRoutingStore(gr6j, params, last.after, last.q, 1.5 * last.q)
    expect(up.exact).toBe(true)
    const back = flowForRoutingLevel(90, last.after[ROUT]!, last.q, up.routAfter)
    expect(Math.abs(back - 1.5 * last.q)).toBeLessThanOrEqual(1e-10 * last.q)
  })

  it('refuses a model without a routing store and a state of the wrong length', () => {
    const notGr = { ...gr4j, stateNames: gr4j.stateNames.map((n) => n.replace('Rout', 'R')) }
    expect(() => updateRoutingStore(notGr, noExchange, new Float64Array(64), 1, 1)).toThrow(
      InputError,
    )
    expect(() => updateRoutingStore(gr4j, noExchange, new Float64Array(3), 1, 1)).toThrow(
      InputError,
    )
  })
})
