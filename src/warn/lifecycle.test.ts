import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES } from './defaults.ts'
import type { IssuedVersion, WarningEvent } from './lifecycle.ts'
import { decide } from './lifecycle.ts'
import { Driver, at, forecast, forecastUpTo, observed, signals } from './test-fixtures.ts'
import type { ThresholdName } from './test-fixtures.ts'

const alertOf = (e: WarningEvent): IssuedVersion | null =>
  e.kind === 'issued' || e.kind === 'updated' || e.kind === 'cancelled' ? e.alert : null

describe('the warning lifecycle', () => {
  it('follows a rising then falling flood: new, upgrades, hysteresis, downgrade, cancel', () => {
    const d = new Driver()
    // [hour, run id (a repeated id repeats the run), highest threshold forecast, expected alert]
    const table: [number, string, ThresholdName | null, string | null][] = [
      [0, 'r0', null, null],
      [6, 'r1', 'Q2', 'Alert new advisory v1'],
      [12, 'r2', 'Q5', 'Update upgrade warning v2'],
      [18, 'r3', 'Q20', 'Update upgrade severe v3'],
      [24, 'r3', 'Q20', null], // the same run again: nothing new
      [30, 'r5', 'Q5', null], // one cycle below severe: kept by hysteresis
      [36, 'r6', 'Q5', 'Update downgrade warning v4'],
      [42, 'r7', null, null],
      [48, 'r8', null, 'Cancel cancel warning v5'],
    ]
    const issueTimes = new Map<string, number>()
    for (const [hour, run, top, expected] of table) {
      if (!issueTimes.has(run)) issueTimes.set(run, hour)
      const s = signals(forecastUpTo(run, at(issueTimes.get(run)!), top))
      const alerts = d
        .cycle(s, at(hour))
        .map(alertOf)
        .filter((a) => a !== null)
      const got = alerts.map((a) => `${a.msgType} ${a.change} ${a.level} v${a.version}`)
      expect(got, `hour ${hour}`).toEqual(expected === null ? [] : [expected])
    }
    const alerts = d.alerts().map(alertOf)
    expect(alerts.map((a) => a!.alertId)).toEqual(
      [1, 2, 3, 4, 5].map((v) => `freshet.upper-river.1.${v}`),
    )
    for (let i = 1; i < alerts.length; i++)
      expect(alerts[i]!.references.map((r) => r.alertId)).toEqual([alerts[i - 1]!.alertId])
    expect(d.warnState.active).toBeNull()
    expect(d.replayed()).toEqual(d.warnState)
    // the next flood is a new warning with the next sequence number
    const next = d.cycle(signals(forecastUpTo('r9', at(54), 'Q2')), at(54))
    expect(next.map(alertOf).find((a) => a !== null)?.alertId).toBe('freshet.upper-river.2.1')
  })

  it('is idempotent: the same evaluation twice produces nothing the second time', () => {
    const d = new Driver(DEFAULT_RULES, undefined, false)
    const s = signals(forecastUpTo('r1', at(0), 'Q5'))
    expect(d.cycle(s, at(0)).map((e) => e.kind)).toEqual(['drafted'])
    expect(d.cycle(s, at(1))).toEqual([])
    const again = decide(DEFAULT_RULES, d.policy, d.warnState, d.last!, at(1))
    expect(again).toEqual([])
  })

  it('issues an observed exceedance of the highest level at once (auto-issue)', () => {
    const d = new Driver(DEFAULT_RULES, undefined, false)
    const out = d.cycle(signals([], observed(at(0), 260)), at(1))
    expect(out.map((e) => e.kind)).toEqual(['drafted', 'approved', 'issued'])
    const a = alertOf(out[2]!)!
    expect(a).toMatchObject({ level: 'emergency', basis: 'observed', approvedBy: 'system:rules' })
    expect(a.cap).toEqual({ severity: 'Extreme', urgency: 'Immediate', certainty: 'Observed' })
  })

  it('leaves a lower observed exceedance waiting for approval', () => {
    const d = new Driver(DEFAULT_RULES, undefined, false)
    const out = d.cycle(signals([], observed(at(0), 160)), at(1))
    expect(out.map((e) => e.kind)).toEqual(['drafted'])
    expect(d.warnState.pending).toMatchObject({ level: 'warning', basis: 'observed' })
  })

  it('extends a warning whose flood lasts longer, and expires one nobody renewed', () => {
    const d = new Driver()
    d.cycle(signals([forecast('r1', at(0), 'Q2', 0.8, 24, 72)]), at(0))
    expect(d.warnState.active?.expires).toBe(at(72 + 12))
    const ext = d.cycle(signals([forecast('r2', at(6), 'Q2', 0.8, 24, 120)]), at(6))
    expect(ext.map(alertOf).find((a) => a !== null)).toMatchObject({
      change: 'extension',
      level: 'advisory',
      version: 2,
      expires: at(6 + 120 + 12),
    })
    const exp = d.cycle(signals([]), at(6 + 120 + 12))
    expect(exp.map((e) => e.kind)).toEqual(['expired'])
    expect(d.warnState.active).toBeNull()
    // hysteresis keeps the evaluation's level a cycle longer, but that starts no new warning
    expect(d.last?.level).toBe('advisory')
    expect(d.cycle(signals([]), at(6 + 120 + 18))).toEqual([])
  })

  it('replaces a pending rules draft when the level changes, and discards it when unwarranted', () => {
    const d = new Driver(DEFAULT_RULES, undefined, false)
    d.cycle(signals(forecastUpTo('r1', at(0), 'Q2')), at(0))
    const up = d.cycle(signals(forecastUpTo('r2', at(6), 'Q5')), at(6))
    expect(up.map((e) => e.kind)).toEqual(['draft-discarded', 'drafted'])
    expect(d.warnState.pending).toMatchObject({ change: 'new', level: 'warning', version: 1 })
    const gone = d.cycle(signals([]), at(12))
    expect(gone.map((e) => e.kind)).toEqual(['draft-discarded'])
    expect(d.alerts()).toEqual([])
  })
})
