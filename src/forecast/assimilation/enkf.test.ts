import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../core/errors.ts'
import { seededRng } from '../../core/rng.ts'
import { gr4j } from '../../hydro/models/gr4j/run.ts'
import { runModel } from '../../hydro/models/run-model.ts'
import type { Forcing } from '../../hydro/models/types.ts'
import { enkfAnalysis, initEnsemble, propagateEnsemble } from './enkf.ts'
import { updateState } from './update-state.ts'

const PROD = 0
const ROUT = 1
const PARAMS = Float64Array.of(260, 1, 90, 2.2)

/** Rain every few days with dry spells, and a seasonal PET (mm/day). */
function forcing(n: number, seed: number): Forcing {
  const rng = seededRng(seed)
  const precip = new Float64Array(n)
  const pet = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    precip[i] = rng.next() < 0.35 ? -8 * Math.log(1 - rng.next()) : 0
    pet[i] = 2 + 1.5 * Math.sin((2 * Math.PI * (i - 80)) / 365)
  }
  return { precip, pet }
}

describe('EnKF on Prod and Rout: a twin experiment', () => {
  // The truth runs from its own state; the model starts from a wrong one (dry production store,
  // full routing store) and sees the truth's flow through 5 % observation errors.
  const n = 240
  const f = forcing(n + 400, 1)
  const truthStart = runModel(gr4j, PARAMS, f, { start: 0, end: 400 }).state
  const wrong = Float64Array.from(truthStart)
  wrong[PROD] = 0.15 * PARAMS[0]!
  wrong[ROUT] = 0.95 * PARAMS[2]!
  const truth = runModel(gr4j, PARAMS, f, { start: 400, end: 400 + n }, { state: truthStart })
  const obsRng = seededRng(2)
  const observed = truth.qsim.map((q) => q * (1 + 0.05 * obsRng.normal()))
  const openLoop = runModel(gr4j, PARAMS, f, { start: 400, end: 400 + n }, { state: wrong })

  function filter(seed: number) {
    const rng = seededRng(seed)
    const states = initEnsemble(gr4j, PARAMS, wrong, 40, rng)
    const flows = new Float64Array(40)
    const prior = new Float64Array(n)
    const prod = new Float64Array(n)
    for (let t = 0; t < n; t++) {
      propagateEnsemble(gr4j, PARAMS, f, 400 + t, states, flows, rng)
      prior[t] = flows.reduce((a, b) => a + b, 0) / 40
      enkfAnalysis(gr4j, PARAMS, states, flows, observed[t]!, rng)
      prod[t] = states.reduce((a, s) => a + s[PROD]!, 0) / 40
    }
    return { prior, prod, states }
  }
  const rmse = (a: Float64Array, b: Float64Array, from: number): number => {
    let s = 0
    for (let i = from; i < a.length; i++) s += (a[i]! - b[i]!) ** 2
    return Math.sqrt(s / (a.length - from))
  }

  it('forecasts the next step better than the open loop', () => {
    const { prior } = filter(3)
    const enkf = rmse(prior, truth.qsim, 10)
    const open = rmse(openLoop.qsim, truth.qsim, 10)
    expect(enkf).toBeLessThan(0.6 * open)
  })

  it('brings the production store closer to the truth', () => {
    const { prod } = filter(3)
    const openProd = runModel(gr4j, PARAMS, f, { start: 400, end: 400 + 60 }, { state: wrong })
      .state[PROD]!
    const truthProd = runModel(
      gr4j,
      PARAMS,
      f,
      { start: 400, end: 400 + 60 },
      { state: truthStart },
    ).state[PROD]!
    expect(Math.abs(prod[59]! - truthProd)).toBeLessThan(Math.abs(openProd - truthProd))
  })

  it('is reproducible: the same seed gives the same ensemble', () => {
    const a = filter(5).states
    const b = filter(5).states
    const c = filter(6).states
    expect(a.map((s) => Array.from(s))).toEqual(b.map((s) => Array.from(s)))
    expect(a[0]![ROUT]).not.toBe(c[0]![ROUT])
  })
})

describe('enkfAnalysis', () => {
  const states = (): Float64Array[] =>
    Array.from({ length: 10 }, (_, i) => {
      const s = new Float64Array(gr4j.stateSize)
      s[PROD] = 100 + 5 * i
      s[ROUT] = 30 + 2 * i
      return s
    })
  const sims = Float64Array.from({ length: 10 }, (_, i) => 1 + 0.1 * i)

  it('raises the stores when the observation is above every member, keeping them in range', () => {
    const st = states()
    const before = st.map((s) => s[ROUT]!)
    const a = enkfAnalysis(gr4j, PARAMS, st, sims, 3, seededRng(1))
    expect(a.gainRout).toBeGreaterThan(0)
    expect(a.gainProd).toBeGreaterThan(0)
    st.forEach((s, i) => {
      expect(s[ROUT]!).toBeGreaterThan(before[i]!)
      expect(s[PROD]!).toBeLessThanOrEqual(PARAMS[0]!)
    })
  })

  it('leaves the states unchanged without an observation', () => {
    const st = states()
    enkfAnalysis(gr4j, PARAMS, st, sims, NaN, seededRng(1))
    expect(st.map((s) => Array.from(s))).toEqual(states().map((s) => Array.from(s)))
  })

  it('never makes a store negative nor Prod above X1 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 3, maxLength: 12 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer(),
        (flows, obs, seed) => {
          const st = flows.map((q, i) => {
            const s = new Float64Array(gr4j.stateSize)
            s[PROD] = (i * 37) % 260
            s[ROUT] = q * 3
            return s
          })
          enkfAnalysis(gr4j, PARAMS, st, Float64Array.from(flows), obs, seededRng(seed))
          return st.every((s) => s[PROD]! >= 0 && s[PROD]! <= 260 && s[ROUT]! >= 0)
        },
      ),
      { seed: 7, numRuns: 200 },
    )
  })

  it('refuses an ensemble of one', () => {
    expect(() =>
      enkfAnalysis(gr4j, PARAMS, [new Float64Array(64)], Float64Array.of(1), 1, seededRng(1)),
    ).toThrow(InputError)
    expect(() => initEnsemble(gr4j, PARAMS, new Float64Array(64), 1, seededRng(1))).toThrow(
      InputError,
    )
  })
})

describe('updateState', () => {
  it('returns new arrays and leaves its inputs alone', () => {
    const st = new Float64Array(gr4j.stateSize)
    st[ROUT] = 40
    const r = updateState({
      method: 'routing',
      model: gr4j,
      params: PARAMS,
      state: st,
      lastSimulated: 1,
      lastObserved: 2,
    })
    expect(r.method === 'routing' && r.exact).toBe(true)
    expect(st[ROUT]).toBe(40)
    const ens = [Float64Array.from(st), Float64Array.from(st)]
    ens[1]![ROUT] = 50
    const e = updateState({
      method: 'enkf',
      model: gr4j,
      params: PARAMS,
      states: ens,
      lastSimulated: Float64Array.of(1, 1.5),
      lastObserved: 2,
      rng: seededRng(1),
    })
    expect(e.method === 'enkf' && e.states.length).toBe(2)
    expect(ens[1]![ROUT]).toBe(50)
    if (e.method === 'enkf') expect(e.states[0]).not.toBe(ens[0])
  })
})
