import { describe, expect, it } from 'vitest'
import { InputError } from '../../core/errors.ts'
import { seededRng } from '../../core/rng.ts'
import { gr4j } from '../../hydro/models/gr4j/run.ts'
import { runModel } from '../../hydro/models/run-model.ts'
import type { Forcing } from '../../hydro/models/types.ts'
import type { HindcastSetup } from './hindcast.ts'
import { runHindcast } from './hindcast.ts'

/** Four years of synthetic daily weather from 2001-01-01, and "observed" flows from a model
 * that differs from the one forecasting (other parameters, 5 % noise). */
function basin(): { forcing: Forcing; observed: Float64Array } {
  const n = 4 * 365
  const rng = seededRng(11)
  const precip = new Float64Array(n)
  const pet = new Float64Array(n)
  const times = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const season = Math.sin((2 * Math.PI * (i - 100)) / 365)
    precip[i] = rng.next() < 0.3 + 0.1 * season ? -7 * Math.log(1 - rng.next()) : 0
    pet[i] = Math.max(0, 2 + 1.8 * season)
    times[i] = Date.UTC(2001, 0, 1) + i * 86_400_000
  }
  const forcing = { precip, pet, times }
  const truth = runModel(gr4j, Float64Array.of(300, 0.5, 70, 1.8), forcing, { start: 0, end: n })
  const observed = truth.qsim.map((q) => q * (1 + 0.05 * rng.normal()))
  observed[801] = NaN
  return { forcing, observed }
}

const PARAMS = Float64Array.of(250, 0, 90, 2.2)

function setup(over: Partial<HindcastSetup> = {}): HindcastSetup {
  const { forcing, observed } = basin()
  const stateStep = 2 * 365 - 200
  const state = runModel(gr4j, PARAMS, forcing, { start: 0, end: stateStep }).state
  return {
    model: gr4j,
    params: PARAMS,
    forcing,
    observed,
    initialState: state,
    stateStep,
    reference: { start: 0, end: 2 * 365 },
    firstIssue: 2 * 365,
    lastIssue: 2 * 365 + 300,
    every: 3,
    members: 15,
    horizon: 5,
    updates: ['routing', 'enkf', 'correction', 'none'],
    seed: 3,
    ...over,
  }
}

describe('runHindcast', () => {
  const s = setup()
  const a = runHindcast(s)

  it('issues every N steps and scores each lead over the same pairs', () => {
    expect(a.issues.length).toBe(101)
    expect(a.issues[1]! - a.issues[0]!).toBe(3)
    expect(a.variants.map((v) => v.update)).toEqual(['routing', 'enkf', 'correction', 'none'])
    for (const v of a.variants) {
      expect(v.scores.length).toBe(5)
      for (let j = 0; j < 5; j++) expect(v.scores[j]!.n).toBe(a.variants[0]!.scores[j]!.n)
    }
    expect(a.variants[0]!.scores[0]!.n).toBeGreaterThan(95)
    expect(a.thresholds.map((t) => t.name)).toEqual(['Q90', 'Q95', 'Q99'])
    expect(a.forcingNote).toMatch(/^synthetic members/)
  })

  it('is reproducible with the same seed, and depends on it', () => {
    const b = runHindcast(s)
    expect(b.variants.map((v) => v.scores)).toEqual(a.variants.map((v) => v.scores))
    expect(Array.from(b.variants[1]!.quantiles)).toEqual(Array.from(a.variants[1]!.quantiles))
    const c = runHindcast({ ...s, seed: 4 })
    expect(c.variants[3]!.scores[4]!.crps).not.toBe(a.variants[3]!.scores[4]!.crps)
  })

  it('every update improves the day-1 CRPS over the open loop', () => {
    const none = a.variants[3]!.scores[0]!.crps
    for (const v of a.variants.slice(0, 3)) expect(v.scores[0]!.crps).toBeLessThan(none)
  })

  it('stores ordered quantiles per issue and lead', () => {
    const q = a.variants[1]!.quantiles
    const nq = a.quantileLevels.length
    expect(q.length).toBe(a.issues.length * a.horizon * nq)
    for (let i = 0; i < q.length; i += nq)
      for (let l = 1; l < nq; l++) expect(q[i + l]!).toBeGreaterThanOrEqual(q[i + l - 1]!)
  })

  it('reports progress once per issue', () => {
    const calls: number[] = []
    runHindcast({ ...s, updates: ['none'], onProgress: (d, t) => calls.push(d / t) })
    expect(calls.length).toBe(101)
    expect(calls[calls.length - 1]).toBe(1)
  })

  it('persistence is the latest observation before the issue', () => {
    const i = a.issues.indexOf(802)
    expect(i).toBeGreaterThan(0)
    expect(a.persistence[i]).toBe(s.observed[800]) // step 801 is missing
  })

  it.each([
    [{ members: 1 }],
    [{ horizon: 0 }],
    [{ every: 0 }],
    [{ lastIssue: 4 * 365 - 2 }],
    [{ stateStep: 2 * 365 + 1 }],
    [{ initialState: new Float64Array(3) }],
    [{ reference: { start: 0, end: 20 } }],
    [{ updates: [] }],
  ] as const)('refuses a setup that does not fit: %o', (over) => {
    expect(() => runHindcast({ ...s, ...(over as Partial<HindcastSetup>) })).toThrow(InputError)
  })
})
