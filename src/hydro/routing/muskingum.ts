/**
 * Muskingum routing of a river reach (McCarthy 1938; Cunge 1969, "On the subject of a flood
 * propagation computation method (Muskingum method)", J. Hydraul. Res. 7(2), 205–230; Chow,
 * Maidment & Mays 1988, Applied Hydrology §8.4).
 *
 * The reach stores S = K·(X·I + (1 − X)·O). Writing continuity over a step of length δ with the
 * trapezoidal rule, S₂ − S₁ = δ/2·(I₁ + I₂) − δ/2·(O₁ + O₂), and solving for O₂ gives
 *
 *   O₂ = C0·I₂ + C1·I₁ + C2·O₁,   D = 2K(1 − X) + δ,
 *   C0 = (δ − 2KX)/D,   C1 = (δ + 2KX)/D,   C2 = (2K(1 − X) − δ)/D,   C0 + C1 + C2 = 1.
 *
 * All three coefficients are ≥ 0, so outflows are never negative, exactly when
 * 2KX ≤ δ ≤ 2K(1 − X). When the model step Δt is longer than 2K(1 − X) the step is cut into n
 * equal sub-steps δ = Δt/n, with n the smallest whole number that brings δ under 2K(1 − X);
 * parameters for which no whole n puts δ inside the interval (Δt < 2KX, or X so close to 0.5
 * that the interval holds no Δt/n) are rejected by {@link checkMuskingum}.
 *
 * Series are step means (a model's flow in mm per step, converted to m³/s, is one). Inside a
 * step the inflow is held at that step's value for every sub-step, and the step's outflow is the
 * mean of its sub-step outflows. With this convention the budget closes exactly:
 *
 *   Σ I·Δt = Σ O·Δt + W_end − W_start,   W = K·(X·I + (1 − X)·O) + δ/2·(I − O),
 *
 * where (I, O) are the last sub-step's inflow and outflow kept in the state. W is the volume
 * still in the reach (≥ 0 whenever the sub-step satisfies the condition above).
 *
 * Kernels here count time in steps (Δt = 1): K is in steps, storage in flow units × steps.
 * Flows may be in any unit (m³/s in a river network).
 */
import type { Issue } from '../../core/result.ts'

/** Entries of a Muskingum state: the last sub-step's inflow and outflow (flow units). */
export const MUSKINGUM_STATE_SIZE = 2
/** Index of the last sub-step's inflow in the state. */
export const MK_INFLOW = 0
/** Index of the last sub-step's outflow in the state. */
export const MK_OUTFLOW = 1
/** Most sub-steps per step that {@link checkMuskingum} accepts. */
export const MAX_MUSKINGUM_SUBSTEPS = 1000

/** Relative slack on the stability bounds, so that K·X exactly on a bound is not lost to rounding. */
const BOUND_SLACK = 1e-12

/**
 * Number of sub-steps that routing with `kSteps` and `x` takes per step: the smallest whole
 * n ≥ 1 with 1/n ≤ 2K(1 − X) (1 when K = 0). Does not check that 1/n ≥ 2KX: see
 * {@link checkMuskingum}.
 *
 * @param kSteps storage constant K (steps, ≥ 0)
 * @param x weighting factor X (dimensionless, in [0, 0.5])
 */
export function muskingumSubsteps(kSteps: number, x: number): number {
  if (kSteps === 0) return 1
  const n = Math.ceil((1 / (2 * kSteps * (1 - x))) * (1 - BOUND_SLACK))
  return n > 1 ? n : 1
}

/**
 * Every way `kSteps` and `x` are unfit for routing at a step of 1: K must be finite and ≥ 0, X
 * in [0, 0.5], and some whole number n ≤ {@link MAX_MUSKINGUM_SUBSTEPS} of sub-steps must give
 * 2KX ≤ 1/n ≤ 2K(1 − X).
 *
 * @param kSteps storage constant K (steps)
 * @param x weighting factor X (dimensionless)
 * @returns issues with paths `['k']` and `['x']` (empty when routing is possible)
 */
export function checkMuskingum(kSteps: number, x: number): Issue[] {
  const issues: Issue[] = []
  if (!(Number.isFinite(kSteps) && kSteps >= 0))
    issues.push({ path: ['k'], message: `K must be a finite number ≥ 0, got ${kSteps}` })
  if (!(x >= 0 && x <= 0.5))
    issues.push({ path: ['x'], message: `X must lie in [0, 0.5], got ${x}` })
  if (issues.length > 0 || kSteps === 0) return issues
  const lower = 2 * kSteps * x
  const upper = 2 * kSteps * (1 - x)
  if (lower > 1 + BOUND_SLACK) {
    issues.push({
      path: ['x'],
      message:
        `the step is shorter than 2KX = ${lower} steps (K = ${kSteps} steps, X = ${x}): ` +
        'C0 < 0 and outflows could turn negative; lower X or K',
    })
    return issues
  }
  const n = muskingumSubsteps(kSteps, x)
  if (n > MAX_MUSKINGUM_SUBSTEPS) {
    issues.push({
      path: ['k'],
      message:
        `K = ${kSteps} steps needs ${n} sub-steps (at most ${MAX_MUSKINGUM_SUBSTEPS}): ` +
        'use K = 0 for a reach that passes flow straight through',
    })
  } else if (n * lower > 1 + BOUND_SLACK) {
    issues.push({
      path: ['x'],
      message:
        `no whole number of sub-steps puts 1/n in [2KX, 2K(1 − X)] = [${lower}, ${upper}] ` +
        `steps (K = ${kSteps} steps, X = ${x}): lower X`,
    })
  }
  return issues
}

/**
 * Routes `inflow` through the reach, step by step, sub-stepping as {@link muskingumSubsteps}
 * says. Trusts its arguments: call {@link checkMuskingum} first.
 *
 * @param kSteps storage constant K (steps)
 * @param x weighting factor X (dimensionless)
 * @param inflow mean inflow of each step (flow units, ≥ 0)
 * @param state the last sub-step's inflow and outflow before the first step; updated in place to
 *   the end of the run, so that the next run continues warm
 * @param outflow caller-allocated, as long as `inflow`, written with each step's mean outflow
 *   (flow units); may be `inflow` itself
 */
export function routeMuskingum(
  kSteps: number,
  x: number,
  inflow: Float64Array,
  state: Float64Array,
  outflow: Float64Array,
): void {
  const n = muskingumSubsteps(kSteps, x)
  let c0 = 1
  let c1 = 0
  let c2 = 0
  if (kSteps > 0) {
    const d = 1 / n
    const lower = 2 * kSteps * x
    const upper = 2 * kSteps * (1 - x)
    const den = upper + d
    // On a bound the coefficient is 0 exactly; rounding could make it −1e-17.
    c0 = Math.max(0, (d - lower) / den)
    c1 = (d + lower) / den
    c2 = Math.max(0, (upper - d) / den)
  }
  let iPrev = state[MK_INFLOW]!
  let o = state[MK_OUTFLOW]!
  for (let t = 0; t < inflow.length; t++) {
    const inf = inflow[t]!
    o = c0 * inf + c1 * iPrev + c2 * o
    let sum = o
    const steady = c0 * inf + c1 * inf
    for (let j = 1; j < n; j++) {
      o = steady + c2 * o
      sum += o
    }
    iPrev = inf
    outflow[t] = n === 1 ? o : sum / n
  }
  state[MK_INFLOW] = iPrev
  state[MK_OUTFLOW] = o
}

/**
 * The volume held in the reach in `state`, W = K·(X·I + (1 − X)·O) + δ/2·(I − O) with δ the
 * sub-step: the quantity that closes the budget Σ inflow = Σ outflow + ΔW (see the file's
 * header). 0 when K = 0.
 *
 * @param kSteps storage constant K (steps)
 * @param x weighting factor X (dimensionless)
 * @param state a Muskingum state (flow units)
 * @returns the stored volume (flow units × steps)
 */
export function muskingumStorage(kSteps: number, x: number, state: Float64Array): number {
  if (kSteps === 0) return 0
  const d = 1 / muskingumSubsteps(kSteps, x)
  // Grouped by flow, both weights are ≥ 0 (the second up to the slack on the bound).
  const wIn = kSteps * x + 0.5 * d
  const wOut = Math.max(0, kSteps * (1 - x) - 0.5 * d)
  return wIn * state[MK_INFLOW]! + wOut * state[MK_OUTFLOW]!
}

/**
 * A state in equilibrium with a constant flow: inflow = outflow = `flow`, so that routing a
 * constant `flow` returns it unchanged from the first step.
 *
 * @param flow the steady flow (flow units, ≥ 0)
 * @param out caller-allocated, {@link MUSKINGUM_STATE_SIZE} long
 * @returns `out`
 */
export function muskingumSteadyState(flow: number, out: Float64Array): Float64Array {
  out[MK_INFLOW] = flow
  out[MK_OUTFLOW] = flow
  return out
}
