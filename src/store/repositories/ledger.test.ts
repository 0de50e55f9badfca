import { expect, it } from 'vitest'
import {
  applyMovement,
  balances,
  expectedVersions,
  type LedgerContext,
  stockOf,
} from '../../logistics/ledger.ts'
import { ConflictError } from '../../logistics/ports.ts'
import type { Store } from '../store.ts'
import { describeStores } from '../testing/databases.ts'
import {
  A,
  B,
  depot,
  issue,
  ITEMS,
  JACKET,
  PUMP,
  receipt,
  transfer,
} from '../testing/logistics-fixtures.ts'

async function seed(s: Store): Promise<LedgerContext> {
  await s.catalogue.upsert(ITEMS)
  await s.depots.save(depot(A, 100), 0)
  await s.depots.save(depot(B, 2), 0)
  return {
    depots: new Map((await s.depots.list()).map((d) => [d.id, d])),
    items: new Map((await s.catalogue.list()).map((i) => [i.id, i])),
  }
}

describeStores('LedgerRepository', (store) => {
  it("pages a depot's movements in the order appended, both ends of a transfer included", async () => {
    const ctx = await seed(store())
    const moves = [
      receipt('m1', A, JACKET, 500),
      receipt('m2', B, PUMP, 1),
      transfer('m3', A, B, JACKET, 10),
      issue('m4', A, JACKET, 120),
      transfer('m5', B, A, JACKET, 5),
    ]
    for (const m of moves) {
      const state = await store().ledger.state()
      expect(applyMovement(state, m, ctx).ok).toBe(true)
      await store().ledger.append(m, expectedVersions(state, m))
    }
    const ids = async (d: typeof A, after: number, limit: number) => {
      const page = await store().ledger.depotMovements(d, after, limit)
      return { ids: page.movements.map((m) => m.id), total: page.total }
    }
    expect(await ids(A, 0, 10)).toEqual({ ids: ['m1', 'm3', 'm4', 'm5'], total: 4 })
    expect(await ids(A, 1, 2)).toEqual({ ids: ['m3', 'm4'], total: 4 })
    expect(await ids(A, 4, 2)).toEqual({ ids: [], total: 4 })
    expect(await ids(B, 0, 2)).toEqual({ ids: ['m2', 'm3'], total: 3 })
    expect(await ids(B, 2, 2)).toEqual({ ids: ['m5'], total: 3 })
    expect((await store().ledger.depotMovements(B, 0, 1)).movements).toEqual([moves[1]])
    expect(await ids('nowhere' as typeof A, 0, 5)).toEqual({ ids: [], total: 0 })
    await expect(store().ledger.depotMovements(A, -1, 5)).rejects.toThrow(/after/)
    await expect(store().ledger.depotMovements(A, 0, 0)).rejects.toThrow(/limit/)
  })

  it('keeps the stock as the sum of the movements, with the versions balances() gives', async () => {
    const ctx = await seed(store())
    const moves = [
      receipt('m1', A, JACKET, 500),
      receipt('m2', A, PUMP, 10),
      issue('m3', A, JACKET, 120),
      transfer('m4', A, B, PUMP, 3),
    ]
    for (const m of moves) {
      const state = await store().ledger.state()
      const r = applyMovement(state, m, ctx)
      expect(r.ok).toBe(true)
      await store().ledger.append(m, expectedVersions(state, m))
    }
    expect(await store().ledger.movements()).toEqual(moves)
    const s = await store().ledger.state()
    const replayed = balances(moves, ctx)
    if (!replayed.ok) throw new Error('the movements do not replay')
    expect(s.lines).toEqual(replayed.value.lines)
    expect(s.depotVersions).toEqual(replayed.value.depotVersions)
    for (const [d, v] of replayed.value.volumeM3) expect(s.volumeM3.get(d)).toBeCloseTo(v, 9)
    expect(stockOf(s, A, JACKET)).toBe(380)
    expect(stockOf(s, B, PUMP)).toBe(3)
    expect(s.depotVersions.get(A)).toBe(4)
  })

  it('refuses a movement at a stale line or depot version, and a repeated id, storing nothing', async () => {
    await seed(store())
    const empty = await store().ledger.state()
    await store().ledger.append(
      receipt('m1', A, JACKET, 50),
      expectedVersions(empty, receipt('m1', A, JACKET, 50)),
    )
    // Read before m1: the line is at 1 now, not 0.
    const stale = await store()
      .ledger.append(
        receipt('m2', A, JACKET, 5),
        expectedVersions(empty, receipt('m2', A, JACKET, 5)),
      )
      .catch((e: unknown) => e)
    expect(stale).toBeInstanceOf(ConflictError)
    expect(stale).toMatchObject({
      subject: 'stock depot-a/life-jacket',
      expectedVersion: 0,
      actualVersion: 1,
    })
    // A receipt of another item into the same depot conflicts on the depot's version (shared volume).
    const otherItem = await store()
      .ledger.append(receipt('m3', A, PUMP, 1), expectedVersions(empty, receipt('m3', A, PUMP, 1)))
      .catch((e: unknown) => e)
    expect(otherItem).toMatchObject({
      subject: 'depot depot-a',
      expectedVersion: 0,
      actualVersion: 1,
    })
    const now = await store().ledger.state()
    await expect(
      store().ledger.append(
        receipt('m1', A, JACKET, 1),
        expectedVersions(now, receipt('m1', A, JACKET, 1)),
      ),
    ).rejects.toThrow(/m1 is already stored/)
    expect((await store().ledger.movements()).map((m) => m.id)).toEqual(['m1'])
    expect(await store().ledger.state()).toEqual(now)
  })

  it('loses no update when 50 writers move one stock line at once, each retrying on conflict', async () => {
    const ctx = await seed(store())
    const start = await store().ledger.state()
    await store().ledger.append(
      receipt('m0', A, JACKET, 1000),
      expectedVersions(start, receipt('m0', A, JACKET, 1000)),
    )
    let conflicts = 0
    const writer = async (w: number): Promise<void> => {
      const m = w % 2 === 0 ? issue(`w${w}`, A, JACKET, 7) : receipt(`w${w}`, A, JACKET, 3)
      for (;;) {
        const state = await store().ledger.state()
        const r = applyMovement(state, m, ctx)
        if (!r.ok) throw new Error(JSON.stringify(r.issues))
        try {
          await store().ledger.append(m, expectedVersions(state, m))
          return
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e
          conflicts++
        }
      }
    }
    await Promise.all(Array.from({ length: 50 }, (_, w) => writer(w)))
    expect(conflicts).toBeGreaterThan(0)
    const s = await store().ledger.state()
    expect(stockOf(s, A, JACKET)).toBe(1000 - 25 * 7 + 25 * 3)
    expect(s.lines.get(`${A}\u0000${JACKET}`)!.version).toBe(51)
    expect(s.depotVersions.get(A)).toBe(51)
    const moves = await store().ledger.movements()
    expect(moves).toHaveLength(51)
    const replayed = balances(moves, ctx)
    expect(replayed.ok && replayed.value.lines).toEqual(s.lines)
  })

  it('needs an expected version for every line the movement touches', async () => {
    await seed(store())
    const m = transfer('t1', A, B, PUMP, 1)
    await expect(store().ledger.append(m, { lines: [], depots: [] })).rejects.toThrow(
      /no expected version/,
    )
    expect(await store().ledger.movements()).toEqual([])
  })
})
