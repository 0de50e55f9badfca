/**
 * Michel's calibration method (Michel 1991, "Hydrologie appliquée aux petits bassins ruraux",
 * Cemagref), as airGR's `Calibration_Michel` runs it (Coron et al. 2017), in two steps:
 *
 * 1. **Grid screening.** Every combination of the starting values (three per free parameter
 *    by default) is run; the best becomes the start. Combinations are taken with the first
 *    parameter varying fastest, and ties keep the earlier one, so the start is airGR's.
 * 2. **Steepest-descent local search** in transformed space. Each iteration tries one step of
 *    size `pace` down and up along every free parameter (clipped to the search range; a step
 *    that would leave a bound already reached, or that returns to the previous point, is not
 *    tried) and moves to the best improvement. The pace doubles after more than 2·n
 *    improvements in a row and halves after an iteration without one; the search stops when
 *    it falls below 0.01 (or after 100·n iterations). After the first 4·n iterations, each
 *    iteration also tries a step along an exponentially smoothed average of the recent
 *    moves (weight 0.7^(1/n) on the past), which follows valleys that are not aligned with
 *    the axes.
 *
 * Improvements must be strict and a candidate whose loss is NaN never improves, as in airGR.
 */
import { InputError } from '../../core/errors.ts'
import type { SearchProblem } from './objective.ts'
import { lossOfTransformed, realOf } from './objective.ts'

/** Pace (step in transformed space, −) of the first local-search iteration. */
export const MICHEL_START_PACE = 0.64
/** The local search stops once the pace falls below this (−). */
export const MICHEL_MIN_PACE = 0.01

/** One row of a Michel history: the best point after the screening or after an iteration. */
export interface MichelStep {
  /** Real parameters (each in its unit). */
  readonly real: Float64Array
  /** Transformed parameters (−). */
  readonly t: Float64Array
  /** Loss (criterion × multiplier). */
  readonly loss: number
}

export interface MichelResult {
  /** Best point reached (the last history row). */
  readonly best: MichelStep
  /** Row 0: the best grid point; row k: the best point after local-search iteration k. */
  readonly history: MichelStep[]
  /** Model runs asked for (as airGR counts them; a cache may have answered some). */
  readonly evaluations: number
  /** Pace of the last local-search iteration (−): the spacing of the last stencil tried. */
  readonly lastPace: number
}

/** The distinct values of `xs`, in first-seen order. */
function unique(xs: readonly number[]): number[] {
  const out: number[] = []
  for (const x of xs) if (!out.includes(x)) out.push(x)
  return out
}

/**
 * Runs Michel's calibration on `problem` from starting grid `grid` (real values per parameter,
 * each in its unit; fixed parameters ignore theirs).
 *
 * @param onStep called with each history row as it is made
 * @throws InputError when no grid point gives a finite loss
 */
export function michelSearch(
  problem: SearchProblem,
  grid: readonly (readonly number[])[],
  onStep?: (step: MichelStep) => void,
): MichelResult {
  const { n, free, lowerT: lo, upperT: hi, transforms } = problem
  const nFree = free.filter(Boolean).length
  let evaluations = 0
  const history: MichelStep[] = []
  const record = (real: Float64Array, t: Float64Array, loss: number): void => {
    const step = { real: Float64Array.from(real), t: Float64Array.from(t), loss }
    history.push(step)
    onStep?.(step)
  }

  // 1. Grid screening.
  const columns = grid.map((values, i) => (free[i] ? unique(values) : [problem.fixedReal[i]!]))
  let count = 1
  for (const c of columns) count *= c.length
  const odometer = new Int32Array(n)
  const cand = new Float64Array(n)
  const startReal = new Float64Array(n)
  let bestLoss = 1e100
  let found = false
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < n; i++) cand[i] = columns[i]![odometer[i]!]!
    const loss = problem.lossOfReal(cand)
    evaluations++
    if (loss < bestLoss) {
      bestLoss = loss
      startReal.set(cand)
      found = true
    }
    for (let i = 0; i < n; i++) {
      if (++odometer[i]! < columns[i]!.length) break
      odometer[i] = 0
    }
  }
  if (!found) throw new InputError('no point of the starting grid gives a finite criterion')
  const startT = new Float64Array(n)
  for (let i = 0; i < n; i++) startT[i] = transforms[i]!.toTransformed(startReal[i]!)
  record(startReal, startT, bestLoss)

  // 2. Steepest-descent local search in transformed space.
  let pace = MICHEL_START_PACE
  const paceDiag = new Float64Array(n)
  const smoothing = 0.7 ** (1 / n)
  let streak = 0
  let current: Float64Array = Float64Array.from(startT)
  let previous: Float64Array = Float64Array.from(startT)
  const candidates: Float64Array[] = []
  const real = new Float64Array(n)
  let lastPace = pace
  for (let iter = 1; iter <= 100 * n; iter++) {
    if (pace < MICHEL_MIN_PACE) break
    lastPace = pace
    candidates.length = 0
    for (let i = 0; i < n; i++) {
      if (!free[i]) continue
      for (const sign of [-1, 1]) {
        if (sign < 0 && current[i] === lo[i]) continue
        if (sign > 0 && current[i] === hi[i]) continue
        const c = Float64Array.from(current)
        let v = current[i]! + sign * pace
        if (v < lo[i]!) v = lo[i]!
        if (v > hi[i]!) v = hi[i]!
        c[i] = v
        if (sameValues(c, previous)) continue
        candidates.push(c)
      }
    }
    let chosen = -1
    for (let k = 0; k < candidates.length; k++) {
      const loss = lossOfTransformed(problem, candidates[k]!, real)
      evaluations++
      if (loss < bestLoss) {
        bestLoss = loss
        chosen = k
      }
    }
    if (chosen >= 0) {
      previous = current
      current = candidates[chosen]!
      if (++streak > 2 * n) {
        pace *= 2
        streak = 0
      }
      for (let i = 0; i < n; i++) {
        if (free[i])
          paceDiag[i] = smoothing * paceDiag[i]! + (1 - smoothing) * (current[i]! - previous[i]!)
      }
    } else {
      pace /= 2
      streak = 0
    }
    if (iter > 4 * n && nFree > 0) {
      const c = new Float64Array(n)
      for (let i = 0; i < n; i++) {
        let v = current[i]! + paceDiag[i]!
        if (free[i]) {
          if (v < lo[i]!) v = lo[i]!
          if (v > hi[i]!) v = hi[i]!
        }
        c[i] = v
      }
      const loss = lossOfTransformed(problem, c, real)
      evaluations++
      if (loss < bestLoss) {
        bestLoss = loss
        previous = current
        current = c
      }
    }
    record(realOf(problem, current, real), current, bestLoss)
  }
  return { best: history[history.length - 1]!, history, evaluations, lastPace }
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
