import { describe, expect, it } from 'vitest'
import type { ReachRouting } from './reach.ts'
import { checkReach, reachStateSize, reachSteadyState, reachStorage, routeReach } from './reach.ts'
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from './units.ts'

const reaches: readonly ReachRouting[] = [
  { kind: 'none' },
  { kind: 'muskingum', kHours: 30, x: 0.2 },
  { kind: 'muskingum', kHours: 6, x: 0.1 }, // needs 3 sub-steps at a daily step
  { kind: 'lag-route', lagHours: 18, kHours: 12 },
  { kind: 'lag-route', lagHours: 48, kHours: 0 },
]

describe('checkReach', () => {
  it('accepts sensible reaches at a daily step, and those without 2KX > 1 h at an hourly one', () => {
    for (const r of reaches) expect(checkReach(r, SECONDS_PER_DAY)).toEqual([])
    for (const r of [reaches[0]!, reaches[3]!, reaches[4]!])
      expect(checkReach(r, SECONDS_PER_HOUR)).toEqual([])
    expect(checkReach({ kind: 'muskingum', kHours: 30, x: 0 }, SECONDS_PER_HOUR)).toEqual([])
    // 2KX = 12 h: an hourly step is too short for this X (see the rejections below).
    expect(checkReach(reaches[1]!, SECONDS_PER_HOUR)).toHaveLength(1)
  })

  it.each([
    [{ kind: 'muskingum', kHours: -1, x: 0.2 }, SECONDS_PER_DAY, 'kHours', 'finite number ≥ 0'],
    [{ kind: 'muskingum', kHours: 10, x: 0.7 }, SECONDS_PER_DAY, 'x', '[0, 0.5]'],
    // 2KX = 10 h > 1 h: the hourly step is too short for X = 0.5.
    [{ kind: 'muskingum', kHours: 10, x: 0.5 }, SECONDS_PER_HOUR, 'x', 'shorter than 2KX'],
    [{ kind: 'muskingum', kHours: 0.001, x: 0 }, SECONDS_PER_DAY, 'kHours', 'sub-steps'],
    [{ kind: 'lag-route', lagHours: NaN, kHours: 1 }, SECONDS_PER_DAY, 'lagHours', 'finite'],
    [{ kind: 'lag-route', lagHours: 1, kHours: -2 }, SECONDS_PER_DAY, 'kHours', '≥ 0'],
  ] as const)('rejects %o at a step of %d s (%s)', (reach, dt, key, text) => {
    const issues = checkReach(reach, dt, ['reach'])
    expect(issues).toHaveLength(1)
    expect(issues[0]!.path).toEqual(['reach', key])
    expect(issues[0]!.message).toContain(text)
  })

  it('reports a bad K and a bad X together', () => {
    const issues = checkReach({ kind: 'muskingum', kHours: Infinity, x: -1 }, SECONDS_PER_DAY)
    expect(issues.map((i) => i.path)).toEqual([['kHours'], ['x']])
  })

  it('states the sub-step condition in hours and seconds', () => {
    const [issue] = checkReach({ kind: 'muskingum', kHours: 10, x: 0.5 }, SECONDS_PER_HOUR)
    expect(issue!.message).toMatch(/^K = 10 h at a step of 3600 s: /)
  })
})

describe('reach states', () => {
  it('have the documented sizes', () => {
    expect(reaches.map((r) => reachStateSize(r, SECONDS_PER_DAY))).toEqual([0, 2, 2, 2, 4])
    expect(reachStateSize(reaches[4]!, SECONDS_PER_HOUR)).toBe(50)
  })

  it('hold a steady flow steady, with the storage of a full reach in m³', () => {
    for (const r of reaches) {
      const state = reachSteadyState(r, SECONDS_PER_DAY, 20)
      const out = new Float64Array(15)
      routeReach(r, SECONDS_PER_DAY, new Float64Array(15).fill(20), state, out)
      for (const q of out) expect(q).toBeCloseTo(20, 12)
    }
    // A pure lag of 48 h at 20 m³/s holds 48 h of flow: 20 · 48 · 3600 m³.
    const lag = reaches[4]!
    expect(reachStorage(lag, SECONDS_PER_DAY, reachSteadyState(lag, SECONDS_PER_DAY, 20))).toBe(
      20 * 48 * 3600,
    )
    // A steady linear reservoir holds K·Q: 20 · 12 · 3600 m³, plus 18 h of lag.
    const lr = reaches[3]!
    expect(
      reachStorage(lr, SECONDS_PER_DAY, reachSteadyState(lr, SECONDS_PER_DAY, 20)),
    ).toBeCloseTo(20 * (12 + 18) * 3600, 6)
    expect(reachStorage(reaches[0]!, SECONDS_PER_DAY, new Float64Array(0))).toBe(0)
  })

  it('route the same wave alike at a daily step and at an hourly step aggregated', () => {
    // Hourly and daily routing of a slow wave agree on daily means to within 10 % of the peak.
    const r: ReachRouting = { kind: 'lag-route', lagHours: 12, kHours: 24 }
    const hours = 24 * 20
    const hourly = Float64Array.from(
      { length: hours },
      (_, h) => 10 + 90 * Math.exp(-(((h / 24 - 5) / 1.5) ** 2)),
    )
    const daily = new Float64Array(20)
    for (let h = 0; h < hours; h++) daily[Math.floor(h / 24)]! += hourly[h]! / 24
    const outH = new Float64Array(hours)
    routeReach(r, SECONDS_PER_HOUR, hourly, reachSteadyState(r, SECONDS_PER_HOUR, 10), outH)
    const outD = new Float64Array(20)
    routeReach(r, SECONDS_PER_DAY, daily, reachSteadyState(r, SECONDS_PER_DAY, 10), outD)
    for (let d = 0; d < 20; d++) {
      let m = 0
      for (let h = 0; h < 24; h++) m += outH[24 * d + h]! / 24
      expect(Math.abs(outD[d]! - m)).toBeLessThan(0.1 * 100)
    }
  })
})
