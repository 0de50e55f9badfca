import { expect, it } from 'vitest'
import { ConflictError } from '../../logistics/ports.ts'
import type { RequestEvent } from '../../logistics/requests.ts'
import { describeStores } from '../testing/databases.ts'
import { areaId, at, by, JACKET, postId, PUMP, requestId } from '../testing/logistics-fixtures.ts'

const submitted = (id: string, hours = 0): RequestEvent => ({
  kind: 'submitted',
  requestId: requestId(id),
  at: at(hours),
  by,
  postId: postId('cn.p01.c001'),
  areaId: areaId('CZ0311'),
  lines: [
    { itemId: JACKET, quantity: 100 },
    { itemId: PUMP, quantity: 2 },
  ],
  neededBy: at(hours + 12),
})

describeStores('RequestRepository', (store) => {
  it('appends a request’s events and lists the open ones replayed, oldest first', async () => {
    const r = store().requests
    await r.append(requestId('r1'), 0, [submitted('r1', 2)])
    await r.append(requestId('r2'), 0, [submitted('r2', 1)])
    await r.append(requestId('r3'), 0, [submitted('r3', 0)])
    await r.append(requestId('r1'), 1, [
      {
        kind: 'decided',
        requestId: requestId('r1'),
        at: at(3),
        by,
        approved: [
          { itemId: JACKET, quantity: 50 },
          { itemId: PUMP, quantity: 2 },
        ],
        note: 'half the jackets now',
      },
    ])
    await r.append(requestId('r3'), 1, [
      { kind: 'refused', requestId: requestId('r3'), at: at(1), by, reason: 'no stock' },
    ])
    const open = await r.open()
    expect(open.map((x) => [x.id, x.status, x.version])).toEqual([
      ['r2', 'submitted', 1],
      ['r1', 'partially-approved', 2],
    ])
    expect((await r.events(requestId('r1'))).map((e) => e.kind)).toEqual(['submitted', 'decided'])
    expect(await r.events(requestId('none'))).toEqual([])
  })

  it('refuses a stale append and a request that does not start with its submission', async () => {
    const r = store().requests
    await r.append(requestId('r1'), 0, [submitted('r1')])
    const stale = await r.append(requestId('r1'), 0, [submitted('r1')]).catch((e: unknown) => e)
    expect(stale).toBeInstanceOf(ConflictError)
    expect(stale).toMatchObject({ subject: 'request r1', expectedVersion: 0, actualVersion: 1 })
    await expect(
      r.append(requestId('r2'), 0, [
        { kind: 'refused', requestId: requestId('r2'), at: at(1), by, reason: 'x' },
      ]),
    ).rejects.toThrow(/request r2: .*must be submitted first/)
    expect(await r.events(requestId('r2'))).toEqual([])
    expect((await r.open()).map((x) => x.id)).toEqual(['r1'])
  })
})
