import { expect, it } from 'vitest'
import type { BasinForecast } from '../../forecast/ports.ts'
import { describeStores } from '../testing/databases.ts'
import {
  basin,
  basinId,
  HOUR,
  hourly,
  ms,
  run,
  runId,
  series,
  seriesId,
  station,
  stationId,
  T0,
  threshold,
  thresholdId,
} from '../testing/fixtures.ts'

const rows = (n: number, f: (row: number, step: number) => number): Float64Array[] =>
  Array.from({ length: n }, (_, r) => Float64Array.from({ length: 4 }, (_, s) => f(r, s)))

const forecastOf = (run: string, basin: string, scale: number): BasinForecast => ({
  runId: runId(run),
  basinId: basinId(basin),
  members: rows(3, (m, s) => scale * (m + s)),
  // q5, q25, q50, q75, q95: the median row is 100 × scale + step.
  quantiles: rows(5, (q, s) => scale * (q * 50 + s)),
  exceedance: [
    {
      thresholdId: thresholdId(`${basin}:Q2`),
      value: 50,
      probability: Float64Array.from([0, 0.25, 0.5, 0.75]),
    },
  ],
})

describeStores('NetworkStateRepository', (store) => {
  it('reads the latest observation of every series of a variable, before a time', async () => {
    const s = store()
    await s.basins.upsert([basin('B1')])
    await s.stations.upsert([station('S1'), station('S2')])
    await s.series.upsert([
      series('Q1'),
      series('Q2', { stationId: stationId('S2') }),
      series('Q3', { stationId: stationId('S2') }),
      series('P1', { variable: 'precipitation', unit: 'mm' }),
    ])
    await s.observations.write(
      [
        ...hourly('Q1', 10),
        ...hourly('Q2', 3, (i) => 100 + i),
        ...hourly('P1', 20),
        { ...hourly('Q2', 1, () => 7, T0 + 5 * HOUR)[0]!, quality: 4 },
      ],
      T0,
    )
    const all = await s.networkState.latestObservations('discharge', ms(T0 + 100 * HOUR))
    expect(all).toEqual([
      { seriesId: seriesId('Q1'), t: T0 + 9 * HOUR, value: 10 + 9 / 8, quality: 0 },
      { seriesId: seriesId('Q2'), t: T0 + 5 * HOUR, value: 7, quality: 4 },
    ])
    // Strictly before: the value at `before` is not yet known.
    const earlier = await s.networkState.latestObservations('discharge', ms(T0 + 2 * HOUR))
    expect(earlier.map((o) => [o.seriesId, (o.t - T0) / HOUR])).toEqual([
      ['Q1', 1],
      ['Q2', 1],
    ])
    expect(await s.networkState.latestObservations('discharge', T0)).toEqual([])
    expect(await s.networkState.latestObservations('stage', ms(T0 + HOUR))).toEqual([])
  })

  it('lists every threshold by series and ascending value', async () => {
    const s = store()
    await s.stations.upsert([station('S1')])
    await s.series.upsert([series('Q1'), series('Q0')])
    await s.thresholds.upsert([
      threshold('a', { value: 30 }),
      threshold('b', { value: 10, name: 'Q2' }),
      threshold('c', { seriesId: seriesId('Q0'), value: 99 }),
    ])
    const all = await s.networkState.allThresholds()
    expect(all.map((t) => [t.seriesId, t.id, t.value])).toEqual([
      ['Q0', 'c', 99],
      ['Q1', 'b', 10],
      ['Q1', 'a', 30],
    ])
    expect(all[1]).toEqual(threshold('b', { value: 10, name: 'Q2' }))
  })

  it("takes each basin's forecast from the newest complete run holding it", async () => {
    const s = store()
    await s.basins.upsert([basin('B1'), basin('B2'), basin('B3')])
    // r1: B1, B2 (complete); r2: B1 only (complete, newer); r3: B1, B2 (failed, newest);
    // r4: complete but issued after the time asked for.
    const runs = [
      run('r1', { issueTime: T0, status: 'complete' }),
      run('r2', { issueTime: ms(T0 + HOUR), status: 'complete' }),
      run('r3', { issueTime: ms(T0 + 2 * HOUR), status: 'failed' }),
      run('r4', { issueTime: ms(T0 + 9 * HOUR), status: 'complete' }),
    ]
    for (const r of runs) await s.forecasts.createRun(r)
    await s.forecasts.putBasinForecasts([forecastOf('r1', 'B1', 1), forecastOf('r1', 'B2', 2)])
    await s.forecasts.putBasinForecasts([forecastOf('r2', 'B1', 3)])
    await s.forecasts.putBasinForecasts([forecastOf('r3', 'B1', 4), forecastOf('r3', 'B2', 4)])
    await s.forecasts.putBasinForecasts([forecastOf('r4', 'B1', 5)])
    const got = await s.networkState.latestBasinForecasts(ms(T0 + 5 * HOUR))
    expect(got.map((f) => [f.basinId, f.runId, f.issueTime - T0])).toEqual([
      ['B1', 'r2', HOUR],
      ['B2', 'r1', 0],
    ])
    expect([...got[0]!.median]).toEqual([300, 303, 306, 309])
    expect([...got[1]!.median]).toEqual([200, 202, 204, 206])
    expect(got[0]!.stepMs).toBe(HOUR)
    expect(got[1]!.exceedance).toEqual([
      {
        thresholdId: 'B2:Q2',
        value: 50,
        probability: Float64Array.from([0, 0.25, 0.5, 0.75]),
      },
    ])
    expect(await s.networkState.latestBasinForecasts(ms(T0 - 1))).toEqual([])
  })
})
