import { describe, expect, it } from 'vitest'
import type { WarningZoneId } from './types.ts'
import { DEFAULT_RULES } from './defaults.ts'
import { describeReason, evaluateZone, initialZoneEvaluationState } from './evaluate.ts'
import type { ZoneEvaluationState } from './evaluate.ts'
import type { WarningRules } from './types.ts'
import { ZONE, at, forecast, forecastUpTo, observed, signals } from './test-fixtures.ts'

const fresh = (): ZoneEvaluationState => initialZoneEvaluationState(ZONE.id)

describe('evaluateZone', () => {
  it.each([
    // [what, forecasts, observations, expected level]
    ['nothing', [], [], null],
    ['Q2 at 80 %', [forecast('r', at(0), 'Q2', 0.8)], [], 'advisory'],
    ['Q2 at 40 % (below 50 %)', [forecast('r', at(0), 'Q2', 0.4)], [], null],
    ['Q2 at exactly 50 %', [forecast('r', at(0), 'Q2', 0.5)], [], 'advisory'],
    [
      'Q5 at 60 % on days 3–5 (EFAS window)',
      [forecast('r', at(0), 'Q5', 0.6, 72, 120)],
      [],
      'warning',
    ],
    ['Q5 at 60 % within a day', [forecast('r', at(0), 'Q5', 0.6, 0, 24)], [], 'warning'],
    ['Q50 at 90 % on day 4 (outside 0–48 h)', [forecast('r', at(0), 'Q50', 0.9, 72, 96)], [], null],
    ['Q50 at 90 % within 48 h', [forecast('r', at(0), 'Q50', 0.9, 24, 48)], [], 'emergency'],
    ['observed above Q20', [], observed(at(0), 210), 'severe'],
    ['observed just below Q2', [], observed(at(0), 99.9), null],
    ['observation 7 h old', [], observed(at(-7), 300), null],
    ['run 25 h old', [forecast('r', at(-25), 'Q2', 0.9)], [], null],
    ['run of the future', [forecast('r', at(1), 'Q2', 0.9)], [], null],
    ['another basin', [{ ...forecast('r', at(0), 'Q2', 0.9), basinId: 'B9' }], [], null],
  ] as const)('%s → %s', (_what, fcs, obs, level) => {
    const e = evaluateZone(DEFAULT_RULES, ZONE, fresh(), signals(fcs as never, obs), at(0))
    expect(e.level).toBe(level)
  })

  it('records which run, threshold, probability and lead', () => {
    const e = evaluateZone(
      DEFAULT_RULES,
      ZONE,
      fresh(),
      signals([forecast('run-42', at(0), 'Q5', 0.62, 72, 96)]),
      at(0),
    )
    expect(e.reasons).toHaveLength(1)
    expect(e.reasons[0]).toMatchObject({
      kind: 'forecast',
      level: 'warning',
      runId: 'run-42',
      thresholdName: 'Q5',
      thresholdValue: 150,
      returnPeriodYears: 5,
      probability: 0.62,
      minProbability: 0.5,
      leadHours: [72, 78],
      window: [48, 168],
    })
    expect(describeReason(e.reasons[0]!)).toContain('run run-42')
    expect(e.onset).toBe(at(72))
    expect(e.expires).toBe(at(96 + 12))
    expect(e.basis).toBe('forecast')
  })

  it('takes only the newest run of a basin and threshold', () => {
    const e = evaluateZone(
      DEFAULT_RULES,
      ZONE,
      fresh(),
      signals([forecast('old', at(-6), 'Q5', 0.9), forecast('new', at(0), 'Q5', 0.1)]),
      at(0),
    )
    expect(e.level).toBeNull()
  })

  it('needs k consecutive cycles for a trigger with persistence k', () => {
    const [advisory, warning, ...rest] = DEFAULT_RULES.levels
    const rules: WarningRules = {
      ...DEFAULT_RULES,
      levels: [
        advisory!,
        {
          ...warning!,
          triggers: [
            {
              kind: 'forecast',
              thresholdName: 'Q5',
              minProbability: 0.5,
              leadHours: [0, 168],
              persistenceCycles: 3,
            },
          ],
        },
        ...rest,
      ],
    }
    let s = fresh()
    const levels: (string | null)[] = []
    // [hour, run, top threshold]; a repeated run does not count as a cycle; a gap resets
    const cycles = [
      [0, 'a', 'Q5'],
      [1, 'a', 'Q5'],
      [6, 'b', 'Q5'],
      [12, 'c', 'Q2'],
      [18, 'd', 'Q5'],
      [24, 'e', 'Q5'],
      [30, 'f', 'Q5'],
    ] as const
    for (const [hour, run, top] of cycles) {
      const e = evaluateZone(rules, ZONE, s, signals(forecastUpTo(run, at(hour), top)), at(hour))
      s = e.state
      levels.push(e.level)
    }
    expect(levels).toEqual([
      'advisory',
      'advisory',
      'advisory',
      'advisory',
      'advisory',
      'advisory',
      'warning',
    ])
  })

  it('counts forecast runs, not observations, towards persistence', () => {
    const [advisory, warning, ...rest] = DEFAULT_RULES.levels
    const persistent = {
      kind: 'forecast' as const,
      thresholdName: 'Q5',
      minProbability: 0.5,
      leadHours: [0, 168] as const,
      persistenceCycles: 2,
    }
    const rules: WarningRules = {
      ...DEFAULT_RULES,
      levels: [advisory!, { ...warning!, triggers: [persistent] }, ...rest],
    }
    let s = fresh()
    const step = (run: string, runHour: number, obsHour: number): string | null => {
      const e = evaluateZone(
        rules,
        ZONE,
        s,
        signals(forecastUpTo(run, at(runHour), 'Q5'), observed(at(obsHour), 50)),
        at(obsHour),
      )
      s = e.state
      return e.level
    }
    // one run, then three new observations before the next run: still one cycle of the run
    expect(step('a', 0, 0)).toBe('advisory')
    expect(step('a', 0, 1)).toBe('advisory')
    expect(step('a', 0, 2)).toBe('advisory')
    expect(step('a', 0, 3)).toBe('advisory')
    expect(s.streaks['warning#0']).toBe(1)
    // the second run makes two consecutive cycles
    expect(step('b', 4, 4)).toBe('warning')
  })

  it('counts new observations towards hysteresis in a zone without forecasts', () => {
    const rules: WarningRules = {
      ...DEFAULT_RULES,
      hysteresis: { ...DEFAULT_RULES.hysteresis, downgradeAfterCycles: 2 },
    }
    let s = fresh()
    const obs = (hour: number, value: number): string | null => {
      const e = evaluateZone(rules, ZONE, s, signals([], observed(at(hour), value)), at(hour))
      s = e.state
      return e.level
    }
    expect(obs(0, 210)).toBe('severe')
    expect(obs(1, 50)).toBe('severe') // first observation below: held
    expect(obs(1, 50)).toBe('severe') // the same observation again is not a new cycle
    expect(obs(2, 50)).toBeNull() // second: dropped
  })

  it('keeps a level while the probability stays within the hysteresis margin', () => {
    let s = fresh()
    const run = (id: string, hour: number, p: number): string | null => {
      const e = evaluateZone(
        DEFAULT_RULES,
        ZONE,
        s,
        signals([forecast(id, at(hour), 'Q5', p)]),
        at(hour),
      )
      s = e.state
      return e.level
    }
    expect(run('a', 0, 0.6)).toBe('warning')
    for (let i = 1; i <= 5; i++) expect(run(`h${i}`, 6 * i, 0.35)).toBe('warning') // ≥ 0.3: held
    expect(run('x', 36, 0.25)).toBe('warning') // first cycle below
    expect(run('y', 42, 0.25)).toBeNull() // second: dropped
  })

  it('repeats itself on the same signals', () => {
    const sig = signals(forecastUpTo('r', at(0), 'Q20'), observed(at(0), 120))
    const e1 = evaluateZone(DEFAULT_RULES, ZONE, fresh(), sig, at(0))
    const e2 = evaluateZone(DEFAULT_RULES, ZONE, e1.state, sig, at(0))
    expect(e2.newCycle).toBe(false)
    expect({ ...e2, newCycle: true }).toEqual(e1)
  })

  it('refuses the state of another zone', () => {
    const other = initialZoneEvaluationState('elsewhere' as WarningZoneId)
    expect(() => evaluateZone(DEFAULT_RULES, ZONE, other, signals([]), at(0))).toThrow(/zone/)
  })

  it('counts a step as in the window when it overlaps it', () => {
    // 6-hour steps: the step 42–48 h does not overlap 48–168 h, the step 48–54 h does
    const only = (from: number): number => {
      const f = forecast('r', at(0), 'Q5', 0.9, from, from + 6)
      const rules: WarningRules = {
        ...DEFAULT_RULES,
        levels: [
          { ...DEFAULT_RULES.levels[1]!, triggers: [DEFAULT_RULES.levels[1]!.triggers[1]!] },
        ],
      }
      return evaluateZone(rules, ZONE, fresh(), signals([f]), at(0)).reasons.length
    }
    expect(only(42)).toBe(0)
    expect(only(48)).toBe(1)
  })
})
