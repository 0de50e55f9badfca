/**
 * Lag-and-route: a pure translation by L steps followed by a linear reservoir of constant K.
 *
 * The lag follows the approach of airGR's `RunModel_Lag` (the "SD" semi-distributed model,
 * de Lavenne et al. 2019, "A regularization approach to improve the sequential calibration of a
 * semidistributed hydrological model", Water Resour. Res. 55, 8821–8839): a lag L that is not a
 * whole number of steps splits each step's inflow between the two neighbouring whole lags,
 *
 *   O_t = (1 − f)·I_{t−n} + f·I_{t−n−1},   n = ⌊L⌋,   f = L − n,
 *
 * so that volume is kept and a whole L is an exact shift.
 *
 * The linear reservoir dS/dt = I − S/K is solved exactly for an inflow held constant over each
 * step (series are step means): with a = e^{−1/K} and K in steps,
 *
 *   S_{t+1} = a·S_t + K·(1 − a)·I_t,   Ō_t = (1 − a)·S_t + (1 − K·(1 − a))·I_t,
 *
 * both sums of non-negative terms, and Ō_t = I_t + S_t − S_{t+1}. K = 0 passes flow through.
 *
 * Kernels here count time in steps: L and K in steps, storages in flow units × steps.
 *
 * State of {@link routeLagRoute}, {@link lagRouteStateSize} values:
 *
 * | index | content | unit |
 * | 0 | linear reservoir storage S | flow units × steps |
 * | 1 + j, j = 0…⌊L⌋ | inflow of the step j + 1 steps before the next one | flow units |
 */

/** Index of the reservoir storage in a lag-and-route state. */
export const LR_STORE = 0
/** Index of the first lag-buffer entry (the latest inflow) in a lag-and-route state. */
export const LR_LAG = 1

/** Length of the state of a pure lag of `lagSteps` steps: ⌊L⌋ + 1 past inflows. */
export function lagStateSize(lagSteps: number): number {
  return Math.floor(lagSteps) + 1
}

/** Length of the state of a lag of `lagSteps` followed by a linear reservoir. */
export function lagRouteStateSize(lagSteps: number): number {
  return LR_LAG + lagStateSize(lagSteps)
}

/**
 * Delays `inflow` by `lagSteps` steps.
 *
 * @param lagSteps the lag L (steps, finite, ≥ 0)
 * @param inflow mean inflow of each step (flow units)
 * @param buffer the past inflows, latest first (`buffer[j]` is the inflow j + 1 steps before
 *   the first step), {@link lagStateSize} long; updated in place to the end of the run
 * @param outflow caller-allocated, as long as `inflow`, written with the delayed flow; must not be
 *   `inflow` itself
 */
export function routeLag(
  lagSteps: number,
  inflow: Float64Array,
  buffer: Float64Array,
  outflow: Float64Array,
): void {
  const n = Math.floor(lagSteps)
  const f = lagSteps - n
  const g = 1 - f
  const len = inflow.length
  for (let t = 0; t < len; t++) {
    const a = t >= n ? inflow[t - n]! : buffer[n - t - 1]!
    const b = t >= n + 1 ? inflow[t - n - 1]! : buffer[n - t]!
    outflow[t] = g * a + f * b
  }
  // Filled from the top down, so buffer[j − len] is read before it is overwritten.
  for (let j = n; j >= 0; j--) {
    const k = len - 1 - j
    buffer[j] = k >= 0 ? inflow[k]! : buffer[j - len]!
  }
}

/**
 * The volume a lag still holds: every past inflow not yet released, Σ_{j<n} buffer[j] +
 * f·buffer[n] (flow units × steps).
 */
export function lagStorage(lagSteps: number, buffer: Float64Array): number {
  const n = Math.floor(lagSteps)
  let s = (lagSteps - n) * buffer[n]!
  for (let j = 0; j < n; j++) s += buffer[j]!
  return s
}

/**
 * Routes `inflow` through a linear reservoir of constant `kSteps`, solved exactly over each step.
 *
 * @param kSteps reservoir constant K (steps, finite, ≥ 0; 0 passes flow through)
 * @param inflow mean inflow of each step (flow units, ≥ 0)
 * @param store the storage before the first step (flow units × steps, ≥ 0); the function
 *   returns the storage at the end
 * @param outflow caller-allocated, as long as `inflow`, written with each step's mean outflow; may
 *   be `inflow` itself
 * @returns the storage at the end of the run (flow units × steps)
 */
export function routeLinearReservoir(
  kSteps: number,
  inflow: Float64Array,
  store: number,
  outflow: Float64Array,
): number {
  // K = 0: exp(−∞) = 0 and expm1(−∞) = −1, so a = 0, b = 1, K·b = 0: straight through.
  const a = Math.exp(-1 / kSteps)
  const b = -Math.expm1(-1 / kSteps)
  const kb = kSteps === 0 ? 0 : kSteps * b
  const c = Math.max(0, 1 - kb)
  let s = store
  for (let t = 0; t < inflow.length; t++) {
    const inf = inflow[t]!
    outflow[t] = b * s + c * inf
    s = a * s + kb * inf
  }
  return s
}

/**
 * Delays `inflow` by `lagSteps`, then routes it through a linear reservoir of `kSteps`.
 *
 * @param lagSteps the lag L (steps, finite, ≥ 0)
 * @param kSteps reservoir constant K (steps, finite, ≥ 0)
 * @param inflow mean inflow of each step (flow units, ≥ 0)
 * @param state {@link lagRouteStateSize} values laid out as in the file's header; updated in place
 * @param outflow caller-allocated, as long as `inflow`; must not be `inflow` itself
 */
export function routeLagRoute(
  lagSteps: number,
  kSteps: number,
  inflow: Float64Array,
  state: Float64Array,
  outflow: Float64Array,
): void {
  routeLag(lagSteps, inflow, state.subarray(LR_LAG), outflow)
  state[LR_STORE] = routeLinearReservoir(kSteps, outflow, state[LR_STORE]!, outflow)
}

/** The volume held by a lag-and-route state: lag buffer plus reservoir (flow units × steps). */
export function lagRouteStorage(lagSteps: number, state: Float64Array): number {
  return state[LR_STORE]! + lagStorage(lagSteps, state.subarray(LR_LAG))
}

/**
 * A lag-and-route state in equilibrium with a constant flow: the lag buffer full of `flow` and
 * the reservoir at S = K·flow, so that routing a constant `flow` returns it from the first step.
 *
 * @param out caller-allocated, {@link lagRouteStateSize} long
 * @returns `out`
 */
export function lagRouteSteadyState(kSteps: number, flow: number, out: Float64Array): Float64Array {
  out.fill(flow)
  out[LR_STORE] = kSteps * flow
  return out
}
