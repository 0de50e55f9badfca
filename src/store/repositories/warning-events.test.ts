import { expect, it } from 'vitest'
import type { WarningEvent } from '../../warn/lifecycle.ts'
import { initialWarningState, replay } from '../../warn/lifecycle.ts'
import { ConflictError } from '../../warn/ports.ts'
import { describeStores } from '../testing/databases.ts'
import { HOUR, ms, T0 } from '../testing/fixtures.ts'
import { draftAndDiscard, issueEvents, userId, zoneId } from '../testing/warning-fixtures.ts'

const Z1 = zoneId('Z1')

describeStores('WarningRepository', (store) => {
  it('round-trips a zone’s events in order, and numbers them 1, 2, …', async () => {
    const events = issueEvents('Z1')
    expect(await store().warnings.appendEvents(Z1, 0, events)).toBe(3)
    expect(await store().warnings.events(Z1)).toEqual(events)
    expect(await store().warnings.lastSeq(Z1)).toBe(3)
    expect(await store().warnings.events(Z1, 2)).toEqual(events.slice(2))
    expect(await store().warnings.events(zoneId('other'))).toEqual([])
    expect(await store().warnings.lastSeq(zoneId('other'))).toBe(0)
    // What a use case does with them: replay to the zone's state.
    const s = replay(initialWarningState(Z1), await store().warnings.events(Z1))
    expect(s.active?.versions[0]?.alertId).toBe('FR.Z1.1.1')
  })

  it('refuses an append with a stale expectedSeq and writes nothing of it', async () => {
    await store().warnings.appendEvents(Z1, 0, draftAndDiscard('Z1', 'first'))
    for (const stale of [0, 1, 3]) {
      const err = await store()
        .warnings.appendEvents(Z1, stale, issueEvents('Z1'))
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ConflictError)
      expect(err).toMatchObject({ zoneId: Z1, expectedSeq: stale, actualSeq: 2 })
      expect((err as Error).message).toMatch(/zone Z1: expected the stream at seq \d, .* to 2/)
    }
    expect(await store().warnings.lastSeq(Z1)).toBe(2)
    // An empty append checks too.
    await expect(store().warnings.appendEvents(Z1, 1, [])).rejects.toThrow(ConflictError)
    expect(await store().warnings.appendEvents(Z1, 2, [])).toBe(2)
    await expect(store().warnings.appendEvents(Z1, -1, [])).rejects.toThrow(/non-negative/)
  })

  it('loses no event and never repeats a seq when 20 writers append at once', async () => {
    const writers = 20
    const writer = async (w: number): Promise<void> => {
      for (;;) {
        const seen = await store().warnings.events(Z1)
        try {
          await store().warnings.appendEvents(Z1, seen.length, draftAndDiscard('Z1', `w${w}`))
          return
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e
        }
      }
    }
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)))
    const events = await store().warnings.events(Z1)
    expect(events).toHaveLength(2 * writers)
    expect(await store().warnings.lastSeq(Z1)).toBe(2 * writers)
    // Each writer's pair is there once, whole and in order.
    const tags = events.map((e) => (e.kind === 'draft-discarded' ? e.reason : e.kind))
    for (let i = 0; i < events.length; i += 2) expect(tags[i]).toBe('drafted')
    expect(new Set(tags.filter((t) => t !== 'drafted')).size).toBe(writers)
  })

  it('makes the second of two overlapping transactions fail when both append the same seq', async () => {
    let appended!: () => void
    const firstAppended = new Promise<void>((r) => (appended = r))
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const first = store().transaction(async (tx) => {
      await tx.warnings.appendEvents(Z1, 0, draftAndDiscard('Z1', 'first'))
      appended()
      await gate
    })
    await firstAppended
    // On PostgreSQL it reads seq 0 and then waits on the key the first one holds; on SQLite
    // it waits for the write lock and then reads seq 2.
    const second = store()
      .warnings.appendEvents(Z1, 0, draftAndDiscard('Z1', 'second'))
      .catch((e: unknown) => e)
    await new Promise((r) => setTimeout(r, 100))
    release()
    await first
    expect(await second).toBeInstanceOf(ConflictError)
    const events = await store().warnings.events(Z1)
    expect(events.map((e) => (e.kind === 'draft-discarded' ? e.reason : e.kind))).toEqual([
      'drafted',
      'first',
    ])
  })

  it('lists the zones with an active warning or a pending draft', async () => {
    const w = store().warnings
    await w.appendEvents(zoneId('A-issued'), 0, issueEvents('A-issued'))
    await w.appendEvents(zoneId('B-discarded'), 0, draftAndDiscard('B-discarded', 'x'))
    await w.appendEvents(zoneId('C-pending'), 0, draftAndDiscard('C-pending', 'x').slice(0, 1))
    const d = issueEvents('D-cancelled')
    await w.appendEvents(zoneId('D-cancelled'), 0, d)
    // Appended in a second call: the flags carry over from the stored head.
    const issued = d[2] as Extract<WarningEvent, { kind: 'issued' }>
    await w.appendEvents(zoneId('D-cancelled'), 3, [
      {
        kind: 'cancelled',
        warningId: issued.warningId,
        at: ms(T0 + HOUR),
        by: userId('approver'),
        alert: { ...issued.alert, version: 2, msgType: 'Cancel', change: 'cancel' },
      },
    ])
    await w.appendEvents(zoneId('E-reopened'), 0, issueEvents('E-reopened'))
    await w.appendEvents(zoneId('E-reopened'), 3, [
      {
        kind: 'expired',
        warningId: issued.warningId,
        at: ms(T0 + 50 * HOUR),
        by: userId('system'),
        alertId: issued.alert.alertId,
      },
      ...draftAndDiscard('E-reopened', 'y').slice(0, 1),
    ])
    expect(await w.zonesWithOpenWarnings()).toEqual(['A-issued', 'C-pending', 'E-reopened'])
  })

  it('refuses an event JSON cannot hold, writing none of the call', async () => {
    const [drafted] = issueEvents('Z1') as [Extract<WarningEvent, { kind: 'drafted' }>]
    const bad: WarningEvent = { ...drafted, draft: { ...drafted.draft, expires: ms(NaN) } }
    await expect(store().warnings.appendEvents(Z1, 0, [...issueEvents('Z1'), bad])).rejects.toThrow(
      /cannot be stored as JSON/,
    )
    expect(await store().warnings.lastSeq(Z1)).toBe(0)
  })
})
