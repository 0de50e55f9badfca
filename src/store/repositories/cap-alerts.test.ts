import { expect, it } from 'vitest'
import { describeStores } from '../testing/databases.ts'
import { HOUR, ms, T0 } from '../testing/fixtures.ts'
import { alertId, capAlert, warningId, zoneId } from '../testing/warning-fixtures.ts'

describeStores('CapAlertRepository', (store) => {
  it('round-trips an alert with its XML as published, and replaces one put again', async () => {
    const a = capAlert('Z1', 1, 1)
    await store().capAlerts.put(a)
    expect(await store().capAlerts.find(a.alertId)).toEqual(a)
    expect(await store().capAlerts.find(alertId('Z1', 1, 9))).toBeUndefined()
    const b = { ...a, status: 'Exercise' as const, languages: [], xml: '<alert/>' }
    await store().capAlerts.put(b)
    expect(await store().capAlerts.find(a.alertId)).toEqual(b)
  })

  it('lists the current version of each warning, newest first, without expired and cancelled ones', async () => {
    const now = ms(T0 + 10 * HOUR)
    const alerts = [
      // Z1: version 1 replaced by version 2 → only version 2.
      capAlert('Z1', 1, 1),
      capAlert('Z1', 1, 2, { sent: ms(T0 + 5 * HOUR) }),
      // Z2: issued, then cancelled → none.
      capAlert('Z2', 1, 1),
      capAlert('Z2', 1, 2, { msgType: 'Cancel', expires: ms(T0 + 3 * HOUR) }),
      // Z3: expired at `now` exactly → none; its next warning is active.
      capAlert('Z3', 1, 1, { expires: now }),
      capAlert('Z3', 2, 1, { sent: ms(T0 + 9 * HOUR) }),
      // Z4: the current version expired, an older one would not have → none.
      capAlert('Z4', 1, 1, { expires: ms(T0 + 100 * HOUR) }),
      capAlert('Z4', 1, 2, { expires: ms(T0 + 2 * HOUR) }),
    ]
    for (const a of alerts) await store().capAlerts.put(a)
    expect((await store().capAlerts.active(now)).map((a) => a.alertId)).toEqual([
      'FR.Z3.2.1',
      'FR.Z1.1.2',
    ])
    expect(await store().capAlerts.active(ms(T0 + 1000 * HOUR))).toEqual([])
  })

  it('lists every alert of a zone, newest first', async () => {
    for (const a of [capAlert('Z1', 1, 1), capAlert('Z1', 1, 2), capAlert('Z2', 1, 1)])
      await store().capAlerts.put(a)
    expect((await store().capAlerts.byZone(zoneId('Z1'))).map((a) => a.alertId)).toEqual([
      'FR.Z1.1.2',
      'FR.Z1.1.1',
    ])
    expect(await store().capAlerts.byZone(zoneId('none'))).toEqual([])
  })

  it('refuses a second alert for the same warning version', async () => {
    await store().capAlerts.put(capAlert('Z1', 1, 1))
    await expect(
      store().capAlerts.put({ ...capAlert('Z1', 1, 1), alertId: alertId('Z1', 1, 7) }),
    ).rejects.toThrow()
  })

  it('answers delivery’s lookup by warning id and version', async () => {
    await store().capAlerts.put(capAlert('Z1', 1, 1, { levelRank: 2 }))
    expect(await store().alerts.find(warningId('Z1'), 1)).toEqual({
      id: 'FR.Z1.1',
      version: 1,
      zoneIds: ['Z1'],
      level: 2,
      languages: ['cs', 'en'],
    })
    expect(await store().alerts.find(warningId('Z1'), 2)).toBeUndefined()
  })
})
