import { describe, expect, it } from 'vitest'
import { InputError } from '../../core/errors.ts'
import { seededRng } from '../../core/rng.ts'
import { gr4j } from '../../hydro/models/gr4j/run.ts'
import { runModel } from '../../hydro/models/run-model.ts'
import { DEFAULT_RULES } from '../../warn/defaults.ts'
import { runHindcast } from './hindcast.ts'
import type { WarningThreshold } from './warnings.ts'
import {
  hindcastRules,
  replayWarnings,
  verifyWarningLevels,
  warningThresholds,
} from './warnings.ts'

const DAY = 86_400_000

describe('verifyWarningLevels', () => {
  // Day:        0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19
  const levels = Int8Array.of(-1, 0, 0, 0, 0, -1, -1, -1, 0, -1, 1, 1, 1, 0, -1, -1, -1, -1, -1, 0)
  const obs = Float64Array.of(1, 1, 1, 12, 15, 1, 1, 1, 1, 1, 1, 1, 25, 1, 1, 1, 22, 1, 11, 1)
  const thr = [
    { level: 'advisory', thresholdName: 'Q2', value: 10 },
    { level: 'warning', thresholdName: 'Q5', value: 20 },
  ]

  it('counts hits, misses, false alarms and lead times by event', () => {
    const [a, w] = verifyWarningLevels(levels, obs, thr, 1)
    // Advisory or above: warnings [1,5) [8,9) [10,14) [19,20); observed ≥ 10: [3,5) [12,13)
    // [16,17) [18,19). [3,5) ← [1,5) lead 2; [12,13) ← [10,14) lead 2; [18,19) ← [19,20) a
    // day late (lead −1); [16,17) missed; [8,9) a false alarm.
    expect(a).toMatchObject({ hits: 3, misses: 1, falseAlarms: 1, observedEvents: 4 })
    expect(a!.leads).toEqual([2, 2, -1])
    expect(a!.ahead).toBe(2)
    expect(a!.late).toBe(1)
    expect(a!.medianLead).toBe(2)
    expect(a!.podAhead).toBeCloseTo(0.5)
    expect(a!.pod).toBeCloseTo(0.75)
    expect(a!.far).toBeCloseTo(0.25)
    expect(a!.csi).toBeCloseTo(0.6)
    // Warning: warnings [10,13); observed ≥ 20: [12,13) (lead 2) and [16,17) (missed).
    expect(w).toMatchObject({ hits: 1, misses: 1, falseAlarms: 0, leads: [2], medianLead: 2 })
    expect(w!.pod).toBeCloseTo(0.5)
    expect(w!.far).toBe(0)
    expect(w!.csi).toBeCloseTo(0.5)
  })

  it('asks for an overlap with no tolerance', () => {
    const [a] = verifyWarningLevels(levels, obs, thr, 0)
    expect(a).toMatchObject({ hits: 2, misses: 2, falseAlarms: 2, leads: [2, 2] })
  })

  it('gives NaN scores and lead when nothing is observed nor warned', () => {
    const [a] = verifyWarningLevels(new Int8Array(5).fill(-1), new Float64Array(5), thr, 1)
    expect(a).toMatchObject({ hits: 0, misses: 0, falseAlarms: 0 })
    expect(a!.pod).toBeNaN()
    expect(a!.far).toBeNaN()
    expect(a!.medianLead).toBeNaN()
  })

  it('refuses series of different lengths', () => {
    expect(() => verifyWarningLevels(levels, new Float64Array(3), thr)).toThrow(InputError)
  })
})

const THRESHOLDS: WarningThreshold[] = [
  { name: 'Q2', value: 10, returnPeriodYears: 2 },
  { name: 'Q5', value: 20, returnPeriodYears: 5 },
  { name: 'Q20', value: 30, returnPeriodYears: 20 },
  { name: 'Q50', value: 40, returnPeriodYears: 50 },
]

describe('replayWarnings', () => {
  const n = 30
  const times = Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * DAY)
  const issues = Int32Array.from({ length: 20 }, (_, i) => i + 1)
  const horizon = 8
  // The forecast issued on day 5 gives 90 % of reaching Q2 at lead 3 (day 7); day 7 reaches it.
  const exceedance = new Float64Array(issues.length * horizon * 4)
  exceedance[(4 * horizon + 2) * 4 + 0] = 0.9
  const observed = new Float64Array(n).fill(1)
  observed[7] = 15

  it('issues, keeps by hysteresis and cancels warnings as the default rules say', () => {
    const r = replayWarnings({
      issues,
      horizon,
      times,
      stepMs: DAY,
      observed,
      thresholds: THRESHOLDS,
      exceedance,
    })
    expect(r.start).toBe(1)
    expect(r.end).toBe(21)
    expect(r.levelNames).toEqual(['advisory', 'warning', 'severe', 'emergency'])
    // Day 5: advisory on the forecast; day 6 kept (1 cycle below); day 7 cancelled; day 8:
    // advisory on the observation of day 7; day 9 kept; day 10 cancelled.
    const advisoryDays = [...r.levels].flatMap((l, i) => (l === 0 ? [i + 1] : []))
    expect(advisoryDays).toEqual([5, 6, 8, 9])
    expect(Math.max(...r.levels)).toBe(0)
    expect(r.warnings).toBe(2)
    const [a, w] = r.verification
    expect(a).toMatchObject({ hits: 1, misses: 0, falseAlarms: 0, leads: [2], medianLead: 2 })
    expect(w).toMatchObject({ hits: 0, misses: 0, falseAlarms: 0 })
  })

  it('raises the ages and the expiry margin to the daily cycle', () => {
    const r = hindcastRules(DEFAULT_RULES, DAY)
    expect(r.maxObservationAgeMs).toBe(DAY)
    expect(r.maxForecastAgeMs).toBe(DAY)
    expect(r.expiryMarginMs).toBe(DEFAULT_RULES.expiryMarginMs + DAY)
    expect(r.levels).toBe(DEFAULT_RULES.levels)
  })

  it('refuses probabilities that do not fit, and levels without a threshold', () => {
    const base = { issues, horizon, times, stepMs: DAY, observed, thresholds: THRESHOLDS }
    expect(() => replayWarnings({ ...base, exceedance: new Float64Array(3) })).toThrow(InputError)
    expect(() =>
      replayWarnings({
        ...base,
        thresholds: THRESHOLDS.slice(0, 3),
        exceedance: new Float64Array(issues.length * horizon * 3),
      }),
    ).toThrow(/no threshold Q50/)
  })
})

describe('warningThresholds', () => {
  it('fits increasing return levels Q2 … Q50 to the annual maxima, in the unit asked', () => {
    const years = 12
    const n = years * 365 + 3
    const times = Float64Array.from({ length: n }, (_, i) => Date.UTC(2001, 0, 1) + i * DAY)
    const rng = seededRng(4)
    const q = Float64Array.from({ length: n }, () => -Math.log(1 - rng.next()))
    const mm = warningThresholds(q, times, DAY, 0, n, 1, 'mm/day')
    const m3 = warningThresholds(q, times, DAY, 0, n, 2, 'm³/s')
    expect(mm.thresholds.map((t) => t.name)).toEqual(['Q2', 'Q5', 'Q20', 'Q50'])
    const v = mm.thresholds.map((t) => t.value)
    expect([...v].sort((a, b) => a - b)).toEqual(v)
    m3.thresholds.forEach((t, i) => expect(t.value).toBeCloseTo(2 * v[i]!, 9))
    expect(mm.note).toMatch(/Gumbel fitted by L-moments/)
    expect(() => warningThresholds(q, times, DAY, 0, 3 * 365, 1, 'mm/day')).toThrow(InputError)
  })
})

describe('a hindcast replayed as warnings', () => {
  function setup(seed: number): ReturnType<typeof replayWarnings> {
    const n = 3 * 365
    const rng = seededRng(11)
    const precip = new Float64Array(n)
    const pet = new Float64Array(n)
    const times = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const season = Math.sin((2 * Math.PI * (i - 100)) / 365)
      precip[i] = rng.next() < 0.3 + 0.1 * season ? -9 * Math.log(1 - rng.next()) : 0
      pet[i] = Math.max(0, 2 + 1.8 * season)
      times[i] = Date.UTC(2001, 0, 1) + i * DAY
    }
    const forcing = { precip, pet, times }
    const params = Float64Array.of(250, 0, 90, 2.2)
    const observed = runModel(gr4j, Float64Array.of(300, 0.5, 70, 1.8), forcing, {
      start: 0,
      end: n,
    }).qsim
    // Thresholds low enough to be reached in a short record.
    const thresholds: WarningThreshold[] = [2, 5, 20, 50].map((t, k) => ({
      name: `Q${t}`,
      value: [2, 3, 4.5, 6][k]!,
      returnPeriodYears: t,
    }))
    const stateStep = 365
    const initialState = runModel(gr4j, params, forcing, { start: 0, end: stateStep }).state
    const h = runHindcast({
      model: gr4j,
      params,
      forcing,
      observed,
      initialState,
      stateStep,
      reference: { start: 0, end: 365 },
      firstIssue: 365,
      lastIssue: n - 11,
      every: 1,
      members: 9,
      horizon: 10,
      updates: ['none'],
      seed,
      exceedanceThresholds: thresholds.map((t) => t.value),
    })
    return replayWarnings({
      issues: h.issues,
      horizon: h.horizon,
      times,
      stepMs: DAY,
      observed,
      thresholds,
      exceedance: h.variants[0]!.exceedance,
    })
  }

  it('gives the same warnings and scores for the same seed', () => {
    const a = setup(7)
    const b = setup(7)
    expect(b.levels).toEqual(a.levels)
    expect(b.verification).toEqual(a.verification)
    expect(a.warnings).toBeGreaterThan(0)
    expect(a.verification[0]!.observedEvents).toBeGreaterThan(0)
  })
})
