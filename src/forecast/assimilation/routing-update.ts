/**
 * The GR-style update of the routing store, as the operational forecasting version of the GR
 * models (GRP; Tangara 2005, thèse, Cemagref/ENGREF; Berthet 2010, thèse, AgroParisTech, ch. 5)
 * does it: after a step, the routing store level is moved so that the flow of that step, had
 * the store held that water, equals the observed flow.
 *
 * In every GR model the routing store, filled to a level R′ during a step, releases
 * QR = R′·(1 − (1 + (R′/X3)⁴)^−¼) and keeps R = R′·(1 + (R′/X3)⁴)^−¼. Both are increasing in R′,
 * so from the level R at the end of the step the level R′ is recovered in closed form
 * (R′/X3 = v/(1 − v⁴)^¼ with v = R/X3), and the step's flow splits into QR and the rest
 * (direct branch after exchange, GR6J's exponential store), which is held as simulated. The
 * updated store is filled to the R′ whose release is Qobs − rest, found by a safeguarded Newton
 * iteration, and keeps what that filling keeps. The rest of the step's flow and its exchange
 * are held at their simulated values, as in GRP; where the exchange does not depend on the
 * store (X2 = 0), re-running the step from the matching start level gives the observed flow to
 * rounding, which the tests check against the model itself.
 *
 * Units: store levels and flows in mm per model time step (a flow Q in m³/s over a basin of
 * A km² and a step of Δt s is Q·Δt/(1000·A) mm; see src/hydro/routing/units.ts).
 */
import { InputError } from '../../core/errors.ts'
import type { ModelDefinition } from '../../hydro/models/types.ts'
import { grStoreLayout, storeCapacity } from './gr-layout.ts'

/** What the routing-store update did. */
export interface RoutingUpdate {
  /** The updated state (a copy; the input is left unchanged). */
  readonly state: Float64Array
  /**
   * Whether the update reproduces the observed flow. False when the observation is below what
   * the rest of the model released in the step (the store is then emptied), or when the
   * observation or simulation is missing (the state is returned unchanged).
   */
  readonly exact: boolean
  /** Routing store level (mm) before and after the update. */
  readonly routBefore: number
  readonly routAfter: number
}

/** R′/X3 from R/X3 = v: the filling whose release leaves v (inverse of u(1 + u⁴)^−¼). */
function fillingFromLevel(v: number): number {
  const v4 = v * v * v * v
  if (!(v4 < 1)) return Infinity
  return v / Math.sqrt(Math.sqrt(1 - v4))
}

/** Release of a routing store filled to u = R′/X3, over X3: u − u(1 + u⁴)^−¼. */
function releaseOf(u: number): number {
  const u4 = u * u * u * u
  return u - u / Math.sqrt(Math.sqrt(1 + u4))
}

/** u ≥ 0 whose release {@link releaseOf} is w ≥ 0 (safeguarded Newton, to rounding). */
function fillingForRelease(w: number): number {
  if (w <= 0) return 0
  // releaseOf(u) ≥ u − 1, and it grows like u⁵/4 near 0: the root lies in [0, w + 1].
  let lo = 0
  let hi = w + 1
  let u = w < 1 ? Math.min(hi, Math.pow(4 * w, 0.2)) : w + 1 / Math.sqrt(Math.sqrt(1 + w ** 4))
  for (let k = 0; k < 200; k++) {
    const u4 = u * u * u * u
    const s = 1 / Math.sqrt(Math.sqrt(1 + u4))
    const f = u - u * s - w
    if (f === 0) return u
    if (f > 0) hi = u
    else lo = u
    // d/du [u − u(1 + u⁴)^−¼] = 1 − (1 + u⁴)^−5/4
    const d = 1 - s * s * s * s * s
    let next = d > 0 ? u - f / d : NaN
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi)
    if (next === u || hi - lo <= 4 * Number.EPSILON * hi) return next
    u = next
  }
  return u
}

/**
 * Updates the routing store so that the last step's flow equals the observed one (GRP-style).
 *
 * @param model a GR model (its state has `Prod` and `Rout`, its parameters X1 and X3)
 * @param params the model's parameters (each in its unit)
 * @param state the state at the end of the last step (valid at the start of the next one)
 * @param lastSimulated the flow the model simulated over that step (mm/step)
 * @param lastObserved the flow observed over that step (mm/step); NaN leaves the state as is
 * @returns the updated state (a copy) and whether it reproduces the observation exactly
 * @throws InputError when the model is not a GR model or the state has the wrong length
 */
export function updateRoutingStore(
  model: ModelDefinition,
  params: Float64Array,
  state: Float64Array,
  lastSimulated: number,
  lastObserved: number,
): RoutingUpdate {
  const layout = grStoreLayout(model)
  if (state.length !== model.stateSize)
    throw new InputError(
      `${model.name}: a state has ${model.stateSize} values, got ${state.length}`,
    )
  const out = Float64Array.from(state)
  const routBefore = state[layout.rout]!
  if (!Number.isFinite(lastObserved) || !Number.isFinite(lastSimulated) || lastObserved < 0)
    return { state: out, exact: false, routBefore, routAfter: routBefore }
  const x3 = storeCapacity(params, layout.x3)
  const v = Math.max(0, routBefore) / x3
  const uOld = fillingFromLevel(v)
  const releaseOld = Number.isFinite(uOld) ? x3 * (uOld - v) : 0
  const rest = Math.max(0, lastSimulated - releaseOld)
  const target = lastObserved - rest
  if (!(target > 0)) {
    out[layout.rout] = 0
    return { state: out, exact: target === 0, routBefore, routAfter: 0 }
  }
  const u = fillingForRelease(target / x3)
  const u4 = u * u * u * u
  const routAfter = (x3 * u) / Math.sqrt(Math.sqrt(1 + u4))
  out[layout.rout] = routAfter
  return { state: out, exact: true, routBefore, routAfter }
}

/**
 * The flow (mm/step) that the last step would have released had its routing store kept `rout`
 * (mm) at the end of the step, the rest of the step's flow held as simulated: the forward map
 * that {@link updateRoutingStore} inverts, for checks and for diagnostics.
 *
 * @param x3 routing store capacity (mm)
 * @param routSimulated the simulated level at the end of the step (mm)
 * @param lastSimulated the simulated flow of the step (mm/step)
 * @param rout the level whose flow is wanted (mm, < X3)
 */
export function flowForRoutingLevel(
  x3: number,
  routSimulated: number,
  lastSimulated: number,
  rout: number,
): number {
  const vOld = Math.max(0, routSimulated) / x3
  const uOld = fillingFromLevel(vOld)
  const rest = Math.max(0, lastSimulated - x3 * (uOld - vOld))
  const v = Math.max(0, rout) / x3
  const u = fillingFromLevel(v)
  return rest + x3 * releaseOf(u)
}
