import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import { approve, auditEntry, decline, draftWarning } from './approval.ts'
import { DEFAULT_RULES } from './defaults.ts'
import type { ZoneWarningState } from './lifecycle.ts'
import { initialWarningState, replay } from './lifecycle.ts'
import type { IssuePolicy } from './policy.ts'
import { DEFAULT_POLICY } from './policy.ts'
import {
  DUTY,
  Driver,
  FORECASTER,
  ZONE,
  at,
  forecastUpTo,
  observed,
  principal,
  signals,
} from './test-fixtures.ts'

const BOTH = principal('both', ['forecaster', 'duty-officer'])

function drafted(policy: IssuePolicy, level = 'warning', by = BOTH): ZoneWarningState {
  const a = draftWarning(
    DEFAULT_RULES,
    policy,
    initialWarningState(ZONE.id),
    { level, basis: 'forecast', expires: at(48), note: 'rain radar: intense cell upstream' },
    by,
    at(0),
  )
  if (!a.result.ok) throw new Error('draft refused')
  return replay(initialWarningState(ZONE.id), a.result.value)
}

const approveAt = (policy: IssuePolicy, s: ZoneWarningState, who = DUTY, now: EpochMs = at(1)) =>
  approve(policy, s, s.pending?.version ?? 1, who, now)

describe('approval', () => {
  it.each([
    // [case, policy, drafter, approver, level, expected ok]
    ['another duty officer approves', DEFAULT_POLICY, BOTH, DUTY, 'warning', true],
    ['the drafter approves, two-person rule on', DEFAULT_POLICY, BOTH, BOTH, 'warning', false],
    [
      'the drafter approves, two-person rule off for advisories',
      { ...DEFAULT_POLICY, twoPersonRule: { advisory: false } },
      BOTH,
      BOTH,
      'advisory',
      true,
    ],
    [
      'the same, but for a warning',
      { ...DEFAULT_POLICY, twoPersonRule: { advisory: false } },
      BOTH,
      BOTH,
      'warning',
      false,
    ],
    ['a forecaster approves', DEFAULT_POLICY, BOTH, FORECASTER, 'warning', false],
    [
      'a duty officer of another zone approves',
      DEFAULT_POLICY,
      BOTH,
      principal('d2', ['duty-officer'], ['lower-river']),
      'warning',
      false,
    ],
    [
      'a duty officer of this zone approves',
      DEFAULT_POLICY,
      BOTH,
      principal('d3', ['duty-officer'], ['upper-river']),
      'warning',
      true,
    ],
    [
      'renamed roles',
      { ...DEFAULT_POLICY, approverRoles: ['hydrologist-on-call'] },
      BOTH,
      principal('h', ['hydrologist-on-call']),
      'warning',
      true,
    ],
  ] as const)('%s', (_case, policy, drafter, approver, level, expected) => {
    const s = drafted(policy, level, drafter)
    const a = approveAt(policy, s, approver)
    expect(a.result.ok).toBe(expected)
    expect(a.audit.length).toBeGreaterThan(0)
    if (a.result.ok) {
      expect(a.result.value.map((e) => e.kind)).toEqual(['approved', 'issued'])
      expect(a.audit.map((e) => e.action)).toEqual(['approved', 'issued'])
    } else expect(a.audit.map((e) => e.action)).toEqual(['approval-refused'])
  })

  it('refuses drafts from principals without a drafter role, a known level, a note or a future expiry', () => {
    const viewer = principal('v', ['viewer'])
    const s = initialWarningState(ZONE.id)
    const a = draftWarning(
      DEFAULT_RULES,
      DEFAULT_POLICY,
      s,
      { level: 'flood!', basis: 'forecast', expires: at(0), note: ' ' },
      viewer,
      at(0),
    )
    expect(a.result.ok).toBe(false)
    if (!a.result.ok)
      expect(a.result.issues.map((i) => i.path[0])).toEqual(['drafter', 'level', 'note', 'expires'])
    expect(a.audit).toMatchObject([{ action: 'draft-refused', actor: 'v' }])
  })

  it('refuses to approve a draft that changed or expired', () => {
    const s = drafted(DEFAULT_POLICY)
    expect(approve(DEFAULT_POLICY, s, 2, DUTY, at(1)).result.ok).toBe(false)
    expect(approveAt(DEFAULT_POLICY, s, DUTY, at(48)).result.ok).toBe(false)
  })

  it('lets an approver decline a draft, with a reason', () => {
    const s = drafted(DEFAULT_POLICY)
    expect(decline(DEFAULT_POLICY, s, 1, DUTY, '', at(1)).result.ok).toBe(false)
    const a = decline(DEFAULT_POLICY, s, 1, DUTY, 'gauge reading is a sensor fault', at(1))
    expect(a.result.ok).toBe(true)
    if (a.result.ok) expect(replay(s, a.result.value).pending).toBeNull()
  })

  it('lets a forecaster upgrade and cancel a rules warning, approved by someone else', () => {
    const d = new Driver()
    d.cycle(signals(forecastUpTo('r1', at(0), 'Q2')), at(0))
    const up = draftWarning(
      DEFAULT_RULES,
      DEFAULT_POLICY,
      d.warnState,
      { level: 'severe', basis: 'forecast', expires: at(60), note: 'dam release announced' },
      FORECASTER,
      at(1),
    )
    expect(up.result.ok).toBe(true)
    if (up.result.ok) d.take(up.result.value)
    expect(d.warnState.pending).toMatchObject({
      change: 'upgrade',
      version: 2,
      source: 'forecaster',
      draftedBy: 'fc',
    })
    const ok = approveAt(DEFAULT_POLICY, d.warnState, DUTY, at(2))
    if (ok.result.ok) d.take(ok.result.value)
    expect(d.warnState.active).toMatchObject({ level: 'severe' })
    const same = draftWarning(
      DEFAULT_RULES,
      DEFAULT_POLICY,
      d.warnState,
      { level: 'severe', basis: 'forecast', expires: at(60), note: 'again' },
      FORECASTER,
      at(3),
    )
    expect(same.result.ok).toBe(false)
    const cancel = draftWarning(
      DEFAULT_RULES,
      DEFAULT_POLICY,
      d.warnState,
      { level: null, basis: 'forecast', expires: at(3), note: 'release called off' },
      FORECASTER,
      at(3),
    )
    expect(cancel.result.ok).toBe(true)
    if (cancel.result.ok) d.take(cancel.result.value)
    expect(d.warnState.pending).toMatchObject({ msgType: 'Cancel', level: 'severe' })
  })

  it('auto-issues what the policy says, and only that', () => {
    const manual = new Driver(DEFAULT_RULES, DEFAULT_POLICY, false)
    expect(
      manual.cycle(signals(forecastUpTo('r', at(0), 'Q50')), at(0)).map((e) => e.kind),
    ).toEqual(['drafted'])
    const everything: IssuePolicy = {
      ...DEFAULT_POLICY,
      autoIssue: [
        {
          levels: '*',
          basis: 'any',
          changes: ['new', 'upgrade', 'downgrade', 'extension', 'cancel'],
        },
      ],
    }
    const auto = new Driver(DEFAULT_RULES, everything, false)
    expect(auto.cycle(signals(forecastUpTo('r', at(0), 'Q2')), at(0)).map((e) => e.kind)).toEqual([
      'drafted',
      'approved',
      'issued',
    ])
    const none: IssuePolicy = { ...DEFAULT_POLICY, autoIssue: [] }
    const off = new Driver(DEFAULT_RULES, none, false)
    expect(off.cycle(signals([], observed(at(0), 300)), at(0)).map((e) => e.kind)).toEqual([
      'drafted',
    ])
  })

  it('gives every event an audit entry that says why', () => {
    const d = new Driver()
    d.cycle(signals(forecastUpTo('run-7', at(0), 'Q5', 0.7)), at(0))
    const entries = d.events.map(auditEntry)
    expect(entries.map((e) => e.action)).toEqual(['drafted', 'approved', 'issued'])
    expect(entries.map((e) => e.actor)).toEqual(['system:rules', 'duty', 'duty'])
    expect(entries[2]!.details['why']).toMatch(/run run-7 .*P\(> Q5 = 150\) = 0\.70 ≥ 0\.50/)
    expect(entries[2]!.details['alertId']).toBe('freshet.upper-river.1.1')
  })
})
