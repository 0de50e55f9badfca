/**
 * A {@link StateUpdate} for the forecast cycle: the GRP-style update of the routing store
 * (src/forecast/assimilation/routing-update.ts), so that the last observed step's simulated
 * flow equals the observed discharge before the ensemble runs from the state.
 *
 * It acts only on headwater basins (no basin upstream), where the discharge observed at the
 * outlet is the basin's own flow; elsewhere, and when the last step before the issue time has
 * no observation, the state is left as simulated.
 */
import { updateState } from '../assimilation/update-state.ts'
import { m3sToMmPerStep } from '../../hydro/routing/units.ts'
import type { StateUpdate } from './types.ts'

export const routingStateUpdate: StateUpdate = (input) => {
  const obs = input.latestDischarge
  const n = input.simulated.length
  if (obs === undefined || n === 0 || input.totalAreaKm2 !== input.areaKm2) return input.state
  if (obs.t !== input.issueTime - input.stepMs || !Number.isFinite(obs.value)) return input.state
  const observedMm = m3sToMmPerStep(obs.value, input.areaKm2, input.stepMs / 1000)
  const r = updateState({
    method: 'routing',
    model: input.model,
    params: input.params,
    state: input.state,
    lastSimulated: input.simulated[n - 1]!,
    lastObserved: observedMm,
  })
  return r.method === 'routing' ? r.state : input.state
}
