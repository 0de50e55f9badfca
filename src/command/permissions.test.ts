import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import { formatIssue } from '../core/result.ts'
import {
  ACTIONS,
  PERMISSIONS,
  authorize,
  isOnDuty,
  may,
  mayIssueOrderTo,
  mayReadRestricted,
  onDuty,
  orderAuthorityIssues,
} from './permissions.ts'
import { HQ, generateHierarchy, officer } from './test-fixtures.ts'
import type { PostId, Principal, RosterEntry } from './types.ts'
import { ROLES } from './types.ts'

const g = generateHierarchy({ countyCount: 310 })
const h = g.hierarchy
const [p1, p2] = g.provinces as [PostId, PostId]
const countiesOf = (p: PostId) => g.counties.filter((c) => g.provinceOf.get(c) === p)
const [c1a, c1b] = countiesOf(p1) as [PostId, PostId]
const [c2a] = countiesOf(p2) as [PostId]

describe('orders across the hierarchy', () => {
  it('a county officer cannot order another county', () => {
    const duty = officer('duty.c1a', 'duty-officer', c1a)
    // a county has no post below it: another county is never its subordinate
    expect(mayIssueOrderTo(h, duty, c1a, [c1b])).toEqual([c1b])
    // nor may it issue orders in the name of the other county
    expect(mayIssueOrderTo(h, duty, c1b, [c1b])).toEqual([c1b])
    const issues = orderAuthorityIssues(h, duty, c1b, [c1b]).map(formatIssue)
    expect(issues).toEqual([
      `issuerPost: duty.c1a may not issue-order on ${c1b}: needs commander or duty-officer at ${c1b} or a post above it; holds duty-officer at ${c1a}`,
    ])
  })

  it("a province commander orders its counties but not another province's", () => {
    const cmd = officer('cmd.p1', 'commander', p1)
    expect(mayIssueOrderTo(h, cmd, p1, countiesOf(p1))).toEqual([])
    expect(mayIssueOrderTo(h, cmd, p1, [c1a, c2a, p2])).toEqual([c2a, p2])
    expect(orderAuthorityIssues(h, cmd, p1, [c1a, c2a]).map(formatIssue)).toEqual([
      `recipients[1]: ${c2a} is not below ${p1}: a post orders only its subordinates`,
    ])
    // acting from the other province's post is refused outright
    expect(mayIssueOrderTo(h, cmd, p2, [c2a])).toEqual([c2a])
  })

  it('the national commander orders every post below, never itself', () => {
    const cmd = officer('cmd.hq', 'commander', HQ)
    expect(mayIssueOrderTo(h, cmd, HQ, [...g.provinces, ...g.counties, ...g.basins])).toEqual([])
    expect(mayIssueOrderTo(h, cmd, HQ, [HQ])).toEqual([HQ])
    // authority reaches down: the HQ commander may issue in a province's name
    expect(mayIssueOrderTo(h, cmd, p1, [c1a])).toEqual([])
  })

  it('an observer or a forecaster issues no order, even at their own post', () => {
    for (const role of ['observer', 'forecaster', 'logistics-officer'] as const)
      expect(mayIssueOrderTo(h, officer('x', role, p1), p1, [c1a])).toEqual([c1a])
  })
})

describe('restricted data', () => {
  it('a county officer cannot read another county, but the superiors of a county can', () => {
    const duty = officer('duty.c1a', 'duty-officer', c1a)
    expect(mayReadRestricted(h, duty, c1a)).toBe(true)
    expect(mayReadRestricted(h, duty, c1b)).toBe(false)
    expect(mayReadRestricted(h, duty, p1)).toBe(false)
    expect(mayReadRestricted(h, officer('f', 'forecaster', p1), c1a)).toBe(true)
    expect(mayReadRestricted(h, officer('b', 'duty-officer', g.basinOf.get(c1a)!), c1a)).toBe(true)
    expect(mayReadRestricted(h, officer('o', 'observer', p1), c1a)).toBe(false)
    expect(may(h, duty, 'read', c2a)).toBe(true)
  })

  it('says why, with what the person holds', () => {
    const r = authorize(h, officer('duty.c1a', 'duty-officer', c1a), 'read-restricted', c1b)
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.issues[0]!.message).toBe(
        `duty.c1a may not read-restricted on ${c1b}: needs commander or duty-officer or forecaster or logistics-officer at ${c1b} or a post above it; holds duty-officer at ${c1a}`,
      )
    const none: Principal = { id: 'nobody' as UserId, assignments: [] }
    const n = authorize(h, none, 'read', c1a)
    expect(n.ok).toBe(false)
    if (!n.ok) expect(n.issues[0]!.message).toContain('holds no assignment')
  })
})

describe('actions for the post itself', () => {
  it('only the post answers its orders and files its reports', () => {
    const provinceCmd = officer('cmd.p1', 'commander', p1)
    expect(may(h, provinceCmd, 'acknowledge-order', c1a)).toBe(false)
    expect(may(h, provinceCmd, 'file-sitrep', c1a)).toBe(false)
    expect(may(h, provinceCmd, 'acknowledge-order', p1)).toBe(true)
    expect(may(h, officer('d', 'duty-officer', c1a), 'report-completion', c1a)).toBe(true)
  })

  it('grants each action to a role only as the table says', () => {
    for (const action of ACTIONS)
      for (const role of ROLES)
        expect(may(h, officer('u', role, c1a), action, c1a)).toBe(
          PERMISSIONS[action].roles.includes(role),
        )
  })
})

describe('duty rosters', () => {
  const t = (hours: number) => (hours * 3_600_000) as EpochMs
  const u = (s: string) => s as UserId
  const roster: RosterEntry[] = [
    { post: c1a, user: u('ann'), from: t(0), to: t(8) },
    { post: c1a, user: u('bob'), from: t(8), to: t(16) },
    { post: c1a, user: u('cyd'), from: t(6), to: t(10) },
    { post: c1b, user: u('dan'), from: t(0), to: t(24) },
  ]
  it.each([
    [0, ['ann']],
    [7, ['ann', 'cyd']],
    [8, ['bob', 'cyd']],
    [16, []],
  ])('at hour %d has %j on duty (shift ends are exclusive)', (hour, users) => {
    expect(onDuty(roster, c1a, t(hour))).toEqual(users)
  })
  it('checks one user', () => {
    expect(isOnDuty(roster, u('dan'), c1b, t(23))).toBe(true)
    expect(isOnDuty(roster, u('dan'), c1a, t(23))).toBe(false)
  })
})
