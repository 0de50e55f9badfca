import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decline } from './approval.ts'
import { DEFAULT_RULES } from './defaults.ts'
import type { IssuedVersion } from './lifecycle.ts'
import { decide } from './lifecycle.ts'
import { DEFAULT_POLICY } from './policy.ts'
import { DUTY, Driver, at, forecastUpTo, observed, signals } from './test-fixtures.ts'
import type { ThresholdName } from './test-fixtures.ts'

/** One step of a random history: a new run, the same run again, or an observation; then what the duty officer does. */
const stepArb = fc.record({
  gapHours: fc.integer({ min: 0, max: 30 }),
  repeat: fc.boolean(),
  top: fc.constantFrom<ThresholdName | null>(null, 'Q2', 'Q5', 'Q20', 'Q50'),
  p: fc.constantFrom(0.2, 0.35, 0.5, 0.9),
  observedValue: fc.option(fc.integer({ min: 50, max: 300 }), { freq: 3 }),
  officer: fc.constantFrom('approve', 'decline', 'wait'),
})

describe('the warning lifecycle under random signal sequences', () => {
  it('keeps one warning per zone, strictly increasing versions and complete references', () => {
    const seen = { issued: 0, updated: 0, cancelled: 0, expired: 0 }
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), (steps) => {
        const d = new Driver(DEFAULT_RULES, DEFAULT_POLICY, false)
        let hour = 0
        let run = 0
        let last = signals([])
        for (const st of steps) {
          hour += st.gapHours
          const s = st.repeat
            ? last
            : signals(
                forecastUpTo(`r${++run}`, at(hour), st.top, st.p),
                st.observedValue === null ? [] : observed(at(hour), st.observedValue),
              )
          last = s
          d.cycle(s, at(hour))
          // the same evaluation again decides nothing
          expect(decide(DEFAULT_RULES, DEFAULT_POLICY, d.warnState, d.last!, at(hour))).toEqual([])
          const pending = d.warnState.pending
          if (pending !== null && st.officer !== 'wait') {
            const a =
              st.officer === 'approve'
                ? d.approveWith(DUTY, at(hour))
                : decline(
                    DEFAULT_POLICY,
                    d.warnState,
                    pending.version,
                    DUTY,
                    'not convinced',
                    at(hour),
                  )
            if (a.result.ok) d.take(a.result.value)
          }
        }
        // replaying the stream rebuilds the state
        expect(d.replayed()).toEqual(d.warnState)
        // at most one open warning at any time; ids unique; versions 1, 2, 3 …; each references its predecessor
        const open = new Set<string>()
        const lastOf = new Map<string, IssuedVersion>()
        const ids = new Set<string>()
        for (const e of d.events) {
          if (e.kind in seen) seen[e.kind as keyof typeof seen]++
          if (e.kind === 'expired') {
            open.delete(e.warningId)
            continue
          }
          if (e.kind !== 'issued' && e.kind !== 'updated' && e.kind !== 'cancelled') continue
          const a = e.alert
          expect(ids.has(a.alertId)).toBe(false)
          ids.add(a.alertId)
          const prev = lastOf.get(a.warningId)
          if (e.kind === 'issued') {
            expect(prev).toBeUndefined()
            expect(a.version).toBe(1)
            expect(a.references).toEqual([])
            open.add(a.warningId)
          } else {
            expect(open.has(a.warningId)).toBe(true)
            expect(a.version).toBe(prev!.version + 1)
            expect(a.references.map((r) => r.alertId)).toEqual([prev!.alertId])
            if (e.kind === 'cancelled') open.delete(a.warningId)
          }
          expect(open.size).toBeLessThanOrEqual(1)
          lastOf.set(a.warningId, a)
        }
      }),
      { seed: 20240914, numRuns: 300 },
    )
    // the histories reach every part of the lifecycle (the property is not vacuous)
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(5)
  })
})
