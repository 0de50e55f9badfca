import { expect, it } from 'vitest'
import type { ModelConfig } from '../../forecast/ports.ts'
import { describeStores } from '../testing/databases.ts'
import { basin, basinId, ms, T0 } from '../testing/fixtures.ts'

const B1 = basinId('B1')
const config: ModelConfig = {
  basinId: B1,
  model: 'CemaNeigeGR4J',
  params: { X1: 257.238, X2: 1.012, X3: 88.235, X4: 2.208, CNX1: 0.962, CNX2: 2.249 },
  options: { layers: 5, hysteresis: false, interception: { kind: 'none' }, tags: ['a', 'b'] },
  calibration: { criterion: 'KGE', value: 0.9127, evaluations: 412, from: ms(T0 - 1e11), to: T0 },
  updatedAt: T0,
}

describeStores('ModelConfigRepository', (store) => {
  it('round-trips a configuration, with and without a calibration record', async () => {
    await store().basins.upsert([basin('B1'), basin('B2')])
    await store().modelConfigs.put(config)
    const handSet = {
      ...config,
      basinId: basinId('B2'),
      model: 'GR4J',
      options: {},
      calibration: null,
    }
    await store().modelConfigs.put(handSet)
    expect(await store().modelConfigs.find(B1)).toEqual(config)
    expect(await store().modelConfigs.find(basinId('B2'))).toEqual(handSet)
    expect(await store().modelConfigs.find(basinId('B3'))).toBeUndefined()
    expect(await store().modelConfigs.models()).toEqual(
      new Map([
        [B1, 'CemaNeigeGR4J'],
        [basinId('B2'), 'GR4J'],
      ]),
    )
  })

  it('replaces a basin’s configuration when put again', async () => {
    await store().basins.upsert([basin('B1')])
    await store().modelConfigs.put(config)
    const next = {
      ...config,
      params: { X1: 300, X2: -0.5, X3: 50, X4: 1.1 },
      updatedAt: ms(T0 + 1),
    }
    await store().modelConfigs.put(next)
    expect(await store().modelConfigs.find(B1)).toEqual(next)
  })

  it('refuses a configuration of an unknown basin, or with a parameter JSON cannot hold', async () => {
    await expect(store().modelConfigs.put(config)).rejects.toThrow()
    await store().basins.upsert([basin('B1')])
    await expect(
      store().modelConfigs.put({ ...config, params: { X1: Number.POSITIVE_INFINITY } }),
    ).rejects.toThrow(/cannot be stored as JSON/)
    expect(await store().modelConfigs.find(B1)).toBeUndefined()
    expect((await store().modelConfigs.models()).size).toBe(0)
  })
})
