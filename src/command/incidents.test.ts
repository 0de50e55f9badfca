import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import { formatIssue } from '../core/result.ts'
import type { Incident, IncidentEvent, WarningNotice } from './incidents.ts'
import {
  applyIncidentEvent,
  changeIncident,
  incidentsForWarning,
  openIncident,
  replayIncident,
  responseLevelForWarningRank,
} from './incidents.ts'
import { HQ, generateHierarchy, officer } from './test-fixtures.ts'
import type { IncidentId } from './types.ts'

const g = generateHierarchy({ countyCount: 62 })
const h = g.hierarchy
const county = g.counties[5]!
const SYSTEM = 'system:rules' as UserId
const at = (m: number) => (1_750_000_000_000 + m * 60_000) as EpochMs
const warning = (levelRank: number, levelName = 'severe'): WarningNotice => ({
  warningId: 'freshet.upper-river.1',
  zoneId: `zone.${county}`,
  levelRank,
  levelName,
})
const replayAll = (events: readonly IncidentEvent[]): Incident[] => {
  const byId = new Map<string, IncidentEvent[]>()
  for (const e of events) byId.set(e.incidentId, [...(byId.get(e.incidentId) ?? []), e])
  return [...byId.values()].map(replayIncident)
}

describe('response levels', () => {
  it.each([
    [-1, 'IV'],
    [0, 'IV'],
    [1, 'III'],
    [2, 'II'],
    [3, 'I'],
    [7, 'I'],
  ])('warning rank %d → level %s', (rank, level) => {
    expect(responseLevelForWarningRank(rank)).toBe(level)
  })
})

describe('incidentsForWarning', () => {
  const opts = { minRank: 1, by: SYSTEM, at: at(0) }

  it('opens nothing below the configured rank', () => {
    expect(incidentsForWarning(h, warning(0, 'advisory'), opts, [])).toEqual([])
  })

  it('opens one incident at every post whose jurisdiction holds the zone', () => {
    const events = incidentsForWarning(h, warning(2), opts, [])
    const expectedPosts = [HQ, g.basinOf.get(county)!, g.provinceOf.get(county)!, county]
    expect(events.map((e) => (e.kind === 'opened' ? e.post : null)).sort()).toEqual(
      expectedPosts.sort(),
    )
    for (const e of events)
      expect(e).toMatchObject({
        kind: 'opened',
        level: 'II',
        by: SYSTEM,
        title: `severe in zone.${county}`,
        source: { kind: 'warning', warningId: 'freshet.upper-river.1' },
      })
    expect(new Set(events.map((e) => e.incidentId)).size).toBe(4)
  })

  it('never opens a duplicate, raises open incidents, leaves closed ones and never lowers', () => {
    const opened = replayAll(incidentsForWarning(h, warning(1, 'warning'), opts, []))
    expect(incidentsForWarning(h, warning(1, 'warning'), opts, opened)).toEqual([])
    expect(incidentsForWarning(h, warning(1, 'warning'), opts, opened)).toEqual([])
    const closed = opened.map((i) =>
      i.post === county
        ? applyIncidentEvent(i, {
            kind: 'closed',
            incidentId: i.id,
            at: at(5),
            by: SYSTEM,
            reason: 'water down',
          })
        : i,
    )
    const raised = incidentsForWarning(h, warning(3, 'emergency'), { ...opts, at: at(10) }, closed)
    expect(raised.map((e) => e.kind)).toEqual(['level-changed', 'level-changed', 'level-changed'])
    expect(raised.map((e) => e.incidentId)).not.toContain(`freshet.upper-river.1:${county}`)
    expect(raised[0]).toMatchObject({
      from: 'III',
      to: 'I',
      reason: 'warning freshet.upper-river.1 is now emergency',
    })
    const lowered = incidentsForWarning(
      h,
      warning(1, 'warning'),
      opts,
      replayAll([...incidentsForWarning(h, warning(3), opts, [])]),
    )
    expect(lowered).toEqual([])
    // another warning in the same zone opens its own incidents
    const other = incidentsForWarning(
      h,
      { ...warning(2), warningId: 'freshet.upper-river.2' },
      opts,
      opened,
    )
    expect(other.length).toBe(4)
  })

  it('opens nothing for a zone no post covers', () => {
    expect(incidentsForWarning(h, { ...warning(3), zoneId: 'zone.elsewhere' }, opts, [])).toEqual(
      [],
    )
  })
})

describe('incidents by hand', () => {
  const cmd = officer('cmd', 'commander', g.provinceOf.get(county)!)
  const request = {
    id: 'inc.1' as IncidentId,
    post: county,
    title: 'Dike seepage',
    level: 'III' as const,
  }

  it('opens, changes, notes and closes, and replays to the same record', () => {
    const events: IncidentEvent[] = []
    const take = (r: ReturnType<typeof openIncident>) => {
      if (!r.ok) throw new Error(r.issues.map(formatIssue).join('; '))
      events.push(...r.value)
      return replayIncident(events)
    }
    let i = take(openIncident(h, cmd, request, at(0)))
    expect(i).toMatchObject({
      status: 'open',
      level: 'III',
      version: 1,
      source: { kind: 'manual' },
    })
    i = take(
      changeIncident(h, cmd, i, { kind: 'level', to: 'II', reason: 'seepage spreading' }, at(1)),
    )
    i = take(changeIncident(h, cmd, i, { kind: 'status', to: 'monitoring' }, at(2)))
    i = take(changeIncident(h, cmd, i, { kind: 'note', text: 'pumps on site' }, at(3)))
    i = take(changeIncident(h, cmd, i, { kind: 'close', reason: 'water receding' }, at(4)))
    expect(i).toMatchObject({ status: 'closed', level: 'II', closedAt: at(4), version: 5 })
    expect(i.log.map((e) => e.kind)).toEqual([
      'opened',
      'level-changed',
      'status-changed',
      'note',
      'closed',
    ])
  })

  it.each([
    [
      { kind: 'level', to: 'III', reason: '' },
      ['to: already at level III', 'reason: must not be empty'],
    ],
    [{ kind: 'status', to: 'open' }, ['to: already open']],
    [{ kind: 'note', text: ' ' }, ['text: must not be empty']],
  ] as const)('refuses %j', (change, expected) => {
    const opened = openIncident(h, cmd, request, at(0))
    if (!opened.ok) throw new Error('not opened')
    const r = changeIncident(h, cmd, replayIncident(opened.value), change, at(1))
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual(expected)
  })

  it('refuses changes to a closed incident and people without the role', () => {
    const opened = openIncident(h, cmd, request, at(0))
    if (!opened.ok) throw new Error('not opened')
    const i = replayIncident(opened.value)
    const closed = applyIncidentEvent(i, {
      kind: 'closed',
      incidentId: i.id,
      at: at(1),
      by: cmd.id,
      reason: 'done',
    })
    const r = changeIncident(h, cmd, closed, { kind: 'note', text: 'late' }, at(2))
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual(['incident: incident inc.1 is closed'])
    const obs = openIncident(h, officer('o', 'observer', county), request, at(0))
    expect(obs.ok ? [] : obs.issues.map(formatIssue)).toEqual([
      `post: o may not open-incident on ${county}: needs commander or duty-officer at ${county} or a post above it; holds observer at ${county}`,
    ])
    const other = openIncident(h, officer('d', 'duty-officer', g.counties[6]!), request, at(0))
    expect(other.ok).toBe(false)
    expect(() =>
      applyIncidentEvent(closed, {
        kind: 'note',
        incidentId: i.id,
        at: at(3),
        by: cmd.id,
        text: 'x',
      }),
    ).toThrow('incident inc.1: note after closed')
  })
})
