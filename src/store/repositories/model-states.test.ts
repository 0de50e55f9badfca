import { expect, it } from 'vitest'
import { describeStores } from '../testing/databases.ts'
import { awkwardDoubles, basin, basinId, bytesOf, HOUR, ms, T0 } from '../testing/fixtures.ts'

const B1 = basinId('B1')

describeStores('ModelStateRepository', (store) => {
  it('returns the latest state saved at or before a time, bit for bit', async () => {
    await store().basins.upsert([basin('B1'), basin('B2')])
    const states = [0, 24, 48].map((h, k) => ({
      basinId: B1,
      model: 'GR4J',
      t: ms(T0 + h * HOUR),
      state: awkwardDoubles(40, k + 1),
    }))
    for (const s of states) await store().modelStates.put(s)
    const at24 = await store().modelStates.latest(B1, ms(T0 + 24 * HOUR))
    expect(at24?.t).toBe(T0 + 24 * HOUR)
    expect(bytesOf(at24!.state)).toEqual(bytesOf(states[1]!.state))
    expect((await store().modelStates.latest(B1, ms(T0 + 47 * HOUR)))?.t).toBe(T0 + 24 * HOUR)
    expect((await store().modelStates.latest(B1, ms(T0 + 1e12)))?.t).toBe(T0 + 48 * HOUR)
    expect(await store().modelStates.latest(B1, ms(T0 - 1))).toBeUndefined()
    expect(await store().modelStates.latest(basinId('B2'), ms(T0 + 1e12))).toBeUndefined()
  })

  it('replaces the state saved at the same time, and keeps an empty state empty', async () => {
    await store().basins.upsert([basin('B1')])
    await store().modelStates.put({
      basinId: B1,
      model: 'GR4J',
      t: T0,
      state: Float64Array.of(1, 2),
    })
    await store().modelStates.put({ basinId: B1, model: 'GR5J', t: T0, state: new Float64Array(0) })
    const s = await store().modelStates.latest(B1, T0)
    expect(s).toEqual({ basinId: B1, model: 'GR5J', t: T0, state: new Float64Array(0) })
  })
})
