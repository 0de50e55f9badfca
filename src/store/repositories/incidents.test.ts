import { expect, it } from 'vitest'
import type { IncidentEvent } from '../../command/incidents.ts'
import { ConflictError } from '../../command/ports.ts'
import type { IncidentId } from '../../command/types.ts'
import { hoursAfter, opened, post, user } from '../testing/command-fixtures.ts'
import { describeStores } from '../testing/databases.ts'

const id = (s: string) => s as IncidentId
const note = (incident: string, text: string, hours = 1): IncidentEvent => ({
  kind: 'note',
  incidentId: id(incident),
  at: hoursAfter(hours),
  by: user('duty'),
  text,
})
const closed = (incident: string, hours = 2): IncidentEvent => ({
  kind: 'closed',
  incidentId: id(incident),
  at: hoursAfter(hours),
  by: user('duty'),
  reason: 'water receded',
})

describeStores('IncidentRepository', (store) => {
  it('appends to an incident’s stream at the version read and replays it', async () => {
    const i = store().incidents
    expect(await i.append(id('inc-1'), 0, [opened('inc-1', 'cn.p01')])).toBe(1)
    expect(
      await i.append(id('inc-1'), 1, [
        note('inc-1', 'dike breach at km 12'),
        note('inc-1', 'pumps on site'),
      ]),
    ).toBe(3)
    const inc = await i.find(id('inc-1'))
    expect(inc).toMatchObject({
      id: 'inc-1',
      post: 'cn.p01',
      status: 'open',
      version: 3,
      level: 'III',
    })
    expect(inc!.log.map((e) => e.kind)).toEqual(['opened', 'note', 'note'])
    expect(await i.find(id('none'))).toBeUndefined()
    const stale = await i.append(id('inc-1'), 1, [note('inc-1', 'late')]).catch((e: unknown) => e)
    expect(stale).toBeInstanceOf(ConflictError)
    expect(stale).toMatchObject({ record: 'incident inc-1', expectedVersion: 1, actualVersion: 3 })
    expect((await i.find(id('inc-1')))!.version).toBe(3)
  })

  it('opens an automatic incident once when two workers open it at once', async () => {
    const ev = opened('warn.7:cn.p01', 'cn.p01', 0, 'warn.7')
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => store().incidents.append(id('warn.7:cn.p01'), 0, [ev])),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError)
    expect((await store().incidents.find(id('warn.7:cn.p01')))!.log).toHaveLength(1)
  })

  it('refuses events that do not follow the stream, writing none of them', async () => {
    const i = store().incidents
    await expect(i.append(id('inc-1'), 0, [note('inc-1', 'no opened first')])).rejects.toThrow(
      /before opened/,
    )
    await i.append(id('inc-1'), 0, [opened('inc-1', 'cn.p01')])
    await expect(
      i.append(id('inc-1'), 1, [closed('inc-1'), note('inc-1', 'after close', 3)]),
    ).rejects.toThrow(/after closed/)
    await expect(i.append(id('inc-1'), 1, [note('inc-2', 'other')])).rejects.toThrow(
      /appended to inc-1/,
    )
    expect((await i.find(id('inc-1')))!.version).toBe(1)
    await expect(i.append(id('inc-1'), -1, [])).rejects.toThrow(/non-negative/)
  })

  it('finds incidents by warning and the open ones, newest first, at the posts asked', async () => {
    const i = store().incidents
    await i.append(id('w1:cn.p01'), 0, [opened('w1:cn.p01', 'cn.p01', 1, 'w1')])
    await i.append(id('w1:cn.hq'), 0, [opened('w1:cn.hq', 'cn.hq', 1, 'w1')])
    await i.append(id('w2:cn.p02'), 0, [opened('w2:cn.p02', 'cn.p02', 3, 'w2')])
    await i.append(id('manual-1'), 0, [opened('manual-1', 'cn.p01', 2)])
    await i.append(id('w1:cn.hq'), 1, [closed('w1:cn.hq', 4)])
    expect((await i.byWarning('w1')).map((x) => x.id)).toEqual(['w1:cn.hq', 'w1:cn.p01'])
    expect((await i.byWarning('w1')).map((x) => x.status)).toEqual(['closed', 'open'])
    expect(await i.byWarning('w9')).toEqual([])
    expect((await i.open()).map((x) => x.id)).toEqual(['w2:cn.p02', 'manual-1', 'w1:cn.p01'])
    expect((await i.open([post('cn.p01'), post('cn.hq')])).map((x) => x.id)).toEqual([
      'manual-1',
      'w1:cn.p01',
    ])
    expect(await i.open([])).toEqual([])
    await i.append(id('manual-1'), 1, [closed('manual-1', 5)])
    expect((await i.closed()).map((x) => x.id)).toEqual(['manual-1', 'w1:cn.hq'])
    expect((await i.closed([post('cn.hq')])).map((x) => x.id)).toEqual(['w1:cn.hq'])
    expect(await i.closed([])).toEqual([])
    expect((await i.open()).map((x) => x.id)).toEqual(['w2:cn.p02', 'w1:cn.p01'])
  })
})
