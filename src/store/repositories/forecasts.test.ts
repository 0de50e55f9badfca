import { expect, it } from 'vitest'
import type { BasinForecast } from '../../forecast/ports.ts'
import { FORECAST_QUANTILES } from '../../forecast/ports.ts'
import { describeStores } from '../testing/databases.ts'
import {
  awkwardDoubles,
  basin,
  basinId,
  bytesOf,
  HOUR,
  ms,
  run,
  runId,
  T0,
  thresholdId,
} from '../testing/fixtures.ts'

const R1 = runId('R1')

function forecast(basin: string, lead: number, seed: number): BasinForecast {
  return {
    runId: R1,
    basinId: basinId(basin),
    members: Array.from({ length: 3 }, (_, i) => awkwardDoubles(lead, seed + i)),
    quantiles: FORECAST_QUANTILES.map((_, i) => awkwardDoubles(lead, seed + 10 + i)),
    exceedance: [
      { thresholdId: thresholdId('Q2'), value: 41.5, probability: awkwardDoubles(lead, seed + 20) },
      {
        thresholdId: thresholdId('Q10'),
        value: 87.25,
        probability: awkwardDoubles(lead, seed + 21),
      },
    ],
  }
}

const asBytes = (f: BasinForecast) => ({
  ...f,
  members: f.members.map(bytesOf),
  quantiles: f.quantiles.map(bytesOf),
  exceedance: f.exceedance.map((e) => ({ ...e, probability: bytesOf(e.probability) })),
})

describeStores('ForecastRepository', (store) => {
  it('creates, finishes and finds runs', async () => {
    await store().forecasts.createRun(run('R1'))
    expect(await store().forecasts.findRun(R1)).toEqual(run('R1'))
    await store().forecasts.finishRun(R1, 'failed', 'forcing missing for B2')
    expect(await store().forecasts.findRun(R1)).toEqual(
      run('R1', { status: 'failed', note: 'forcing missing for B2' }),
    )
    expect(await store().forecasts.findRun(runId('nope'))).toBeUndefined()
    await expect(store().forecasts.finishRun(runId('nope'), 'complete', '')).rejects.toThrow(
      /no forecast run nope/,
    )
    await expect(store().forecasts.createRun(run('R1'))).rejects.toThrow()
  })

  it('lists the newest complete runs first, up to the limit', async () => {
    const hours = [0, 6, 12, 18, 24]
    for (const h of hours)
      await store().forecasts.createRun(run(`R${h}`, { issueTime: ms(T0 + h * HOUR) }))
    for (const h of [0, 6, 18]) await store().forecasts.finishRun(runId(`R${h}`), 'complete', '')
    await store().forecasts.finishRun(runId('R24'), 'failed', 'boom')
    expect((await store().forecasts.listRuns(10)).map((r) => r.id)).toEqual(['R18', 'R6', 'R0'])
    expect((await store().forecasts.listRuns(2)).map((r) => r.id)).toEqual(['R18', 'R6'])
  })

  it('round-trips basin forecasts bit for bit', async () => {
    await store().basins.upsert([basin('B1'), basin('B2')])
    await store().forecasts.createRun(run('R1'))
    const f1 = forecast('B1', 72, 1)
    const f2 = { ...forecast('B2', 72, 100), exceedance: [] }
    await store().forecasts.putBasinForecasts([f1, f2])
    const back1 = await store().forecasts.findBasinForecast(R1, basinId('B1'))
    const back2 = await store().forecasts.findBasinForecast(R1, basinId('B2'))
    expect(asBytes(back1!)).toEqual(asBytes(f1))
    expect(asBytes(back2!)).toEqual(asBytes(f2))
    expect(await store().forecasts.findBasinForecast(R1, basinId('B3'))).toBeUndefined()
    expect(await store().forecasts.findBasinForecast(runId('R9'), basinId('B1'))).toBeUndefined()
  })

  it('stores a run’s basin forecasts all or none, and replaces one stored again', async () => {
    await store().basins.upsert([basin('B1')])
    await store().forecasts.createRun(run('R1'))
    await expect(
      store().forecasts.putBasinForecasts([forecast('B1', 4, 1), forecast('unknown', 4, 2)]),
    ).rejects.toThrow()
    expect(await store().forecasts.findBasinForecast(R1, basinId('B1'))).toBeUndefined()
    await store().forecasts.putBasinForecasts([forecast('B1', 4, 1)])
    await store().forecasts.putBasinForecasts([forecast('B1', 6, 7)])
    const back = await store().forecasts.findBasinForecast(R1, basinId('B1'))
    expect(asBytes(back!)).toEqual(asBytes(forecast('B1', 6, 7)))
  })

  it('refuses a forecast whose rows have unequal lengths', async () => {
    await store().basins.upsert([basin('B1')])
    await store().forecasts.createRun(run('R1'))
    const bad = { ...forecast('B1', 4, 1), quantiles: [new Float64Array(3)] }
    await expect(store().forecasts.putBasinForecasts([bad])).rejects.toThrow(/quantiles\[0\]/)
  })
})
