import { expect, it } from 'vitest'
import type { ForcingForecast } from '../../forecast/ports.ts'
import { describeStores } from '../testing/databases.ts'
import { awkwardDoubles, basin, basinId, bytesOf, HOUR, ms, T0 } from '../testing/fixtures.ts'

const B1 = basinId('B1')
const members = (m: number, lead: number, seed: number): Float64Array[] =>
  Array.from({ length: m }, (_, i) => awkwardDoubles(lead, seed * 100 + i + 1))

function expectSameForecast(a: ForcingForecast | undefined, b: ForcingForecast): void {
  expect(a).toBeDefined()
  const { precip, pet, temp, ...rest } = a!
  const { precip: p2, pet: e2, temp: t2, ...rest2 } = b
  expect(rest).toEqual(rest2)
  expect(precip.map(bytesOf)).toEqual(p2.map(bytesOf))
  expect(pet?.map(bytesOf) ?? null).toEqual(e2?.map(bytesOf) ?? null)
  expect(temp?.map(bytesOf) ?? null).toEqual(t2?.map(bytesOf) ?? null)
}

describeStores('ForcingForecastRepository', (store) => {
  it('round-trips an ensemble bit for bit, with PET and temperature present or absent', async () => {
    await store().basins.upsert([basin('B1')])
    const full: ForcingForecast = {
      basinId: B1,
      issueTime: T0,
      stepMs: HOUR,
      source: 'ecmwf-ens',
      precip: members(51, 240, 1),
      pet: members(1, 240, 2),
      temp: members(51, 240, 3),
    }
    await store().forcingForecasts.put(full)
    expectSameForecast(await store().forcingForecasts.latest(B1, T0), full)
    const bare = {
      ...full,
      issueTime: ms(T0 + 6 * HOUR),
      source: 'synthetic: test',
      pet: null,
      temp: null,
    }
    await store().forcingForecasts.put(bare)
    expectSameForecast(await store().forcingForecasts.latest(B1, ms(T0 + 7 * HOUR)), bare)
  })

  it('returns the latest issued at or before a time', async () => {
    await store().basins.upsert([basin('B1'), basin('B2')])
    for (const h of [0, 12, 24])
      await store().forcingForecasts.put({
        basinId: B1,
        issueTime: ms(T0 + h * HOUR),
        stepMs: HOUR,
        source: `run ${h}`,
        precip: members(2, 3, h),
        pet: null,
        temp: null,
      })
    expect((await store().forcingForecasts.latest(B1, ms(T0 + 23 * HOUR)))?.source).toBe('run 12')
    expect((await store().forcingForecasts.latest(B1, ms(T0 + 24 * HOUR)))?.source).toBe('run 24')
    expect(await store().forcingForecasts.latest(B1, ms(T0 - 1))).toBeUndefined()
    expect(await store().forcingForecasts.latest(basinId('B2'), ms(T0 + 1e9))).toBeUndefined()
  })

  it('refuses members of unequal length', async () => {
    await store().basins.upsert([basin('B1')])
    await expect(
      store().forcingForecasts.put({
        basinId: B1,
        issueTime: T0,
        stepMs: HOUR,
        source: 'x',
        precip: [new Float64Array(4), new Float64Array(3)],
        pet: null,
        temp: null,
      }),
    ).rejects.toThrow(/precip\[1\] has 3 values where 4 were expected/)
  })
})
