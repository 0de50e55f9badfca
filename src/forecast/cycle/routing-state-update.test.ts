import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId, SeriesId } from '../../core/ids.ts'
import { gr4j } from '../../hydro/models/gr4j/run.ts'
import { runModel } from '../../hydro/models/run-model.ts'
import { m3sToMmPerStep } from '../../hydro/routing/units.ts'
import { readTable } from '../../../test/support/airgr-reference.ts'
import { flowForRoutingLevel } from '../assimilation/routing-update.ts'
import { routingStateUpdate } from './routing-state-update.ts'
import type { StateUpdateInput } from './types.ts'

const DAY = 86_400_000
const input = readTable('inputs/L0123001.csv')
const forcing = { precip: input.columns.get('precip_mm')!, pet: input.columns.get('pet_mm')! }
const params = Float64Array.of(257.238, 1.012, 88.235, 2.208)
const run = runModel(gr4j, params, forcing, { start: 0, end: 400 })
const issueTime = (Date.UTC(2000, 0, 1) + 400 * DAY) as EpochMs
const lastSim = run.qsim[399]!

function inputWith(
  observedM3s: number | undefined,
  changes: Partial<StateUpdateInput> = {},
): StateUpdateInput {
  return {
    basinId: 'b' as BasinId,
    model: gr4j,
    params,
    state: Float64Array.from(run.state),
    stepMs: DAY,
    issueTime,
    areaKm2: 360,
    totalAreaKm2: 360,
    simulated: run.qsim,
    simulatedFrom: (issueTime - 400 * DAY) as EpochMs,
    dischargeSeriesId: 'b:q' as SeriesId,
    latestDischarge:
      observedM3s === undefined
        ? undefined
        : {
            seriesId: 'b:q' as SeriesId,
            t: (issueTime - DAY) as EpochMs,
            value: observedM3s,
            quality: 0,
            revision: 1,
            receivedAt: issueTime,
          },
    ...changes,
  }
}

describe('routingStateUpdate in the forecast cycle', () => {
  const observedMm = lastSim * 1.5
  const observedM3s = (observedMm * 360 * 1000) / 86_400

  it('moves only the routing store, so that the last step would have released the observed flow', () => {
    const updated = routingStateUpdate(inputWith(observedM3s)) as Float64Array
    expect(updated[1]).toBeGreaterThan(run.state[1]!)
    for (let i = 0; i < updated.length; i++) if (i !== 1) expect(updated[i]).toBe(run.state[i])
    const released = flowForRoutingLevel(params[2]!, run.state[1]!, lastSim, updated[1]!)
    expect(released).toBeCloseTo(m3sToMmPerStep(observedM3s, 360, 86_400), 9)
  })

  it('leaves the state alone without an observation of the last step, or below other basins', () => {
    expect(routingStateUpdate(inputWith(undefined))).toEqual(run.state)
    const stale = inputWith(observedM3s)
    const older = {
      ...stale,
      latestDischarge: { ...stale.latestDischarge!, t: (issueTime - 3 * DAY) as EpochMs },
    }
    expect(routingStateUpdate(older)).toEqual(run.state)
    expect(routingStateUpdate(inputWith(observedM3s, { totalAreaKm2: 900 }))).toEqual(run.state)
  })
})
