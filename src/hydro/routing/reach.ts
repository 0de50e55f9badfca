/**
 * The routing method of one reach of a river network, parameterised in hours so that it does
 * not depend on the model's time step, and the functions that route a series through it.
 *
 * - `none`: the reach passes flow straight through (a confluence point, a short link).
 * - `muskingum`: Muskingum routing (see `muskingum.ts`), K in hours, X in [0, 0.5].
 * - `lag-route`: a lag of L hours then a linear reservoir of K hours (see `lag-route.ts`); K = 0
 *   gives a pure lag.
 *
 * States are `Float64Array`s whose layouts the two kernel files document, with flows in the
 * unit routed (m³/s in a network) and storages in flow units × steps.
 */
import { assertNever } from '../../core/errors.ts'
import type { Issue } from '../../core/result.ts'
import {
  lagRouteStateSize,
  lagRouteSteadyState,
  lagRouteStorage,
  routeLagRoute,
} from './lag-route.ts'
import {
  MUSKINGUM_STATE_SIZE,
  checkMuskingum,
  muskingumSteadyState,
  muskingumStorage,
  routeMuskingum,
} from './muskingum.ts'
import { SECONDS_PER_HOUR } from './units.ts'

/** How a reach carries flow from a node's outlet to the node downstream. */
export type ReachRouting =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'muskingum'
      /** Storage constant K: the travel time of the reach (h, ≥ 0). */
      readonly kHours: number
      /** Weighting factor X (dimensionless, in [0, 0.5]; 0 behaves as a reservoir). */
      readonly x: number
    }
  | {
      readonly kind: 'lag-route'
      /** Pure translation time L (h, ≥ 0). */
      readonly lagHours: number
      /** Linear reservoir constant K (h, ≥ 0; 0 for a pure lag). */
      readonly kHours: number
    }

/** Converts hours into steps of `stepSeconds` seconds. */
function hoursToSteps(hours: number, stepSeconds: number): number {
  return (hours * SECONDS_PER_HOUR) / stepSeconds
}

/**
 * Every way `reach` cannot be routed at a step of `stepSeconds`.
 *
 * @param reach the routing method
 * @param stepSeconds the time step (s, > 0; a bad step is reported by the caller)
 * @param path where the reach sits, prefixed to each issue's path
 * @returns issues (empty when the reach can be routed)
 */
export function checkReach(
  reach: ReachRouting,
  stepSeconds: number,
  path: readonly (string | number)[] = [],
): Issue[] {
  switch (reach.kind) {
    case 'none':
      return []
    case 'muskingum': {
      const kOk = Number.isFinite(reach.kHours) && reach.kHours >= 0
      const xOk = reach.x >= 0 && reach.x <= 0.5
      const issues: Issue[] = []
      if (!kOk)
        issues.push({
          path: [...path, 'kHours'],
          message: `must be a finite number ≥ 0, got ${reach.kHours}`,
        })
      if (!xOk)
        issues.push({ path: [...path, 'x'], message: `must lie in [0, 0.5], got ${reach.x}` })
      if (!kOk || !xOk) return issues
      // What is left depends on the step: say it in the caller's units.
      const at = `K = ${reach.kHours} h at a step of ${stepSeconds} s: `
      return checkMuskingum(hoursToSteps(reach.kHours, stepSeconds), reach.x).map((i) => ({
        path: [...path, i.path[0] === 'k' ? 'kHours' : 'x'],
        message: at + i.message,
      }))
    }
    case 'lag-route': {
      const issues: Issue[] = []
      if (!Number.isFinite(reach.lagHours) || reach.lagHours < 0)
        issues.push({
          path: [...path, 'lagHours'],
          message: `must be a finite number ≥ 0, got ${reach.lagHours}`,
        })
      if (!Number.isFinite(reach.kHours) || reach.kHours < 0)
        issues.push({
          path: [...path, 'kHours'],
          message: `must be a finite number ≥ 0, got ${reach.kHours}`,
        })
      return issues
    }
    default:
      return assertNever(reach)
  }
}

/** Length of the state of `reach` at a step of `stepSeconds` seconds. */
export function reachStateSize(reach: ReachRouting, stepSeconds: number): number {
  switch (reach.kind) {
    case 'none':
      return 0
    case 'muskingum':
      return MUSKINGUM_STATE_SIZE
    case 'lag-route':
      return lagRouteStateSize(hoursToSteps(reach.lagHours, stepSeconds))
    default:
      return assertNever(reach)
  }
}

/**
 * The state of `reach` in equilibrium with a constant `flow` (0 gives an empty reach): routing
 * that constant flow returns it unchanged from the first step.
 *
 * @param flow the steady flow (flow units, ≥ 0)
 * @returns a new state, {@link reachStateSize} long
 */
export function reachSteadyState(
  reach: ReachRouting,
  stepSeconds: number,
  flow: number,
): Float64Array {
  const out = new Float64Array(reachStateSize(reach, stepSeconds))
  switch (reach.kind) {
    case 'none':
      return out
    case 'muskingum':
      return muskingumSteadyState(flow, out)
    case 'lag-route':
      return lagRouteSteadyState(hoursToSteps(reach.kHours, stepSeconds), flow, out)
    default:
      return assertNever(reach)
  }
}

/**
 * Routes `inflow` through `reach`. Trusts its arguments: call {@link checkReach} first.
 *
 * @param reach the routing method
 * @param stepSeconds the time step (s)
 * @param inflow mean inflow of each step (flow units, ≥ 0)
 * @param state {@link reachStateSize} values, updated in place to the end of the run
 * @param outflow caller-allocated, as long as `inflow`, written with each step's mean outflow;
 *   must not be `inflow` itself
 */
export function routeReach(
  reach: ReachRouting,
  stepSeconds: number,
  inflow: Float64Array,
  state: Float64Array,
  outflow: Float64Array,
): void {
  switch (reach.kind) {
    case 'none':
      outflow.set(inflow)
      return
    case 'muskingum':
      routeMuskingum(hoursToSteps(reach.kHours, stepSeconds), reach.x, inflow, state, outflow)
      return
    case 'lag-route':
      routeLagRoute(
        hoursToSteps(reach.lagHours, stepSeconds),
        hoursToSteps(reach.kHours, stepSeconds),
        inflow,
        state,
        outflow,
      )
      return
    default:
      assertNever(reach)
  }
}

/**
 * The volume that `state` holds in `reach`: what closes the budget
 * Σ inflow·Δt = Σ outflow·Δt + Δstorage.
 *
 * @returns the stored volume (flow units × s: m³ when flows are in m³/s)
 */
export function reachStorage(
  reach: ReachRouting,
  stepSeconds: number,
  state: Float64Array,
): number {
  switch (reach.kind) {
    case 'none':
      return 0
    case 'muskingum':
      return muskingumStorage(hoursToSteps(reach.kHours, stepSeconds), reach.x, state) * stepSeconds
    case 'lag-route':
      return lagRouteStorage(hoursToSteps(reach.lagHours, stepSeconds), state) * stepSeconds
    default:
      return assertNever(reach)
  }
}
