/**
 * Where the two stores that state updating touches live in a GR model's vectors: the production
 * store `Prod` and the routing store `Rout` in the state (src/hydro/models/gr4j/state.ts), and
 * their capacities X1 and X3 in the parameters. Found by name, so that every GR model (GR4J,
 * GR5J, GR6J, GR4H, GR5H) and the CemaNeige-coupled ones, whose state starts with the GR block,
 * share one code path.
 */
import { InputError } from '../../core/errors.ts'
import type { ModelDefinition } from '../../hydro/models/types.ts'

/** Smallest store capacity the GR models run with (mm), as in airGR (see gr4j/params.ts). */
const MIN_STORE_MM = 0.01

/** Indices of the production and routing stores and of their capacities. */
export interface GrStoreLayout {
  /** Index of `Prod` (production store level, mm) in the state vector. */
  readonly prod: number
  /** Index of `Rout` (routing store level, mm) in the state vector. */
  readonly rout: number
  /** Index of X1 (production store capacity, mm) in the parameter vector. */
  readonly x1: number
  /** Index of X3 (routing store capacity, mm) in the parameter vector. */
  readonly x3: number
}

/**
 * The store layout of `model`.
 * @throws InputError when the model has no `Prod`/`Rout` state or no X1/X3 parameter (it is not
 *   a GR model)
 */
export function grStoreLayout(model: ModelDefinition): GrStoreLayout {
  const layout = {
    prod: model.stateNames.indexOf('Prod'),
    rout: model.stateNames.indexOf('Rout'),
    x1: model.paramNames.indexOf('X1'),
    x3: model.paramNames.indexOf('X3'),
  }
  if (layout.prod < 0 || layout.rout < 0 || layout.x1 < 0 || layout.x3 < 0)
    throw new InputError(
      `${model.name}: state updating needs a GR model (states Prod and Rout, parameters X1 and X3)`,
    )
  return layout
}

/** Capacity X1 or X3 (mm) as the model runs with it: at least 0.01 mm, as in airGR. */
export const storeCapacity = (params: Float64Array, index: number): number =>
  Math.max(params[index] ?? NaN, MIN_STORE_MM)
