/**
 * One entry point for updating a model state from the latest observed flow, for the forecast
 * cycle: the GR-style routing-store update (one state in, one out) or an EnKF analysis (an
 * ensemble in, an ensemble out). Both are pure; neither changes its inputs.
 *
 * Units: states in mm (store levels, as in the model's `state.ts`); flows in mm per model time
 * step. A flow in m³/s over a basin of A km² with a step of Δt s is Q·Δt/(1000·A) mm per step
 * (`m3sToMmPerStep` of src/hydro/routing/units.ts).
 */
import type { ModelDefinition } from '../../hydro/models/types.ts'
import type { EnkfAnalysis, EnkfOptions, GaussianRng } from './enkf.ts'
import { enkfAnalysis } from './enkf.ts'
import { updateRoutingStore } from './routing-update.ts'

/** The state-updating methods. */
export type StateUpdateMethod = 'routing' | 'enkf'

/** What to update, by method. */
export type StateUpdateRequest =
  | {
      readonly method: 'routing'
      readonly model: ModelDefinition
      readonly params: Float64Array
      /** State at the end of the last step (mm per store). */
      readonly state: Float64Array
      /** Simulated flow of the last step (mm/step). */
      readonly lastSimulated: number
      /** Observed flow of the last step (mm/step); NaN: no update. */
      readonly lastObserved: number
    }
  | {
      readonly method: 'enkf'
      readonly model: ModelDefinition
      readonly params: Float64Array
      /** The members' states at the end of the last step (mm per store); at least 2. */
      readonly states: readonly Float64Array[]
      /** Each member's simulated flow of the last step (mm/step). */
      readonly lastSimulated: Float64Array
      /** Observed flow of the last step (mm/step); NaN: no update. */
      readonly lastObserved: number
      /** Draws the observation perturbations; seed it for reproducible runs. */
      readonly rng: GaussianRng
      /** Observation error and the rest of the filter's error model (defaults in enkf.ts). */
      readonly options?: Partial<EnkfOptions>
    }

/** The updated state or states. */
export type StateUpdate =
  | { readonly method: 'routing'; readonly state: Float64Array; readonly exact: boolean }
  | {
      readonly method: 'enkf'
      readonly states: Float64Array[]
      readonly analysis: EnkfAnalysis
    }

/**
 * Updates a state (routing) or an ensemble of states (EnKF) from the last observed flow.
 *
 * - `routing`: the routing store is set so that the last step's flow equals the observation
 *   (routing-update.ts); `exact` says whether it could be.
 * - `enkf`: one analysis of Prod and Rout with perturbed observations (enkf.ts). To carry a
 *   filter through time, call `propagateEnsemble` then this at every observed step; start it
 *   with `initEnsemble`.
 *
 * @returns new arrays; the inputs are left unchanged
 * @throws InputError when the model is not a GR model or a state has the wrong length
 */
export function updateState(request: StateUpdateRequest): StateUpdate {
  switch (request.method) {
    case 'routing': {
      const r = updateRoutingStore(
        request.model,
        request.params,
        request.state,
        request.lastSimulated,
        request.lastObserved,
      )
      return { method: 'routing', state: r.state, exact: r.exact }
    }
    case 'enkf': {
      const states = request.states.map((s) => Float64Array.from(s))
      const analysis = enkfAnalysis(
        request.model,
        request.params,
        states,
        request.lastSimulated,
        request.lastObserved,
        request.rng,
        request.options,
      )
      return { method: 'enkf', states, analysis }
    }
  }
}
