/**
 * GR4J parameters (Perrin et al. 2003), in vector order:
 *
 * | index | name | meaning | unit |
 * | 0 | X1 | production store capacity | mm |
 * | 1 | X2 | inter-catchment exchange coefficient | mm/day |
 * | 2 | X3 | routing store capacity (one day ahead) | mm |
 * | 3 | X4 | time base of unit hydrograph UH1 | day |
 *
 * As airGR does, the run raises X1 and X3 to at least 0.01 mm and X4 to at least 0.5 day.
 */
import type { Issue } from '../../../core/result.ts'
import { finiteParams } from '../types.ts'

export const GR4J_PARAM_NAMES = ['X1', 'X2', 'X3', 'X4'] as const
export const GR4J_PARAM_UNITS = ['mm', 'mm/day', 'mm', 'day'] as const

/** Smallest store capacity the models run with (mm), as in airGR. */
export const MIN_STORE_MM = 0.01
/** Smallest unit-hydrograph time base the models run with (time steps), as in airGR. */
export const MIN_UH_BASE = 0.5

/**
 * Domain of the GR4J family's shared parameters: X1 > 0 and X3 > 0 (mm), 0 < X4 ≤ `maxX4`
 * (time steps; UH1 has `maxX4` ordinates), X2 finite.
 */
export function checkGrParams(
  names: readonly string[],
  params: Float64Array,
  maxX4: number,
): Issue[] {
  const issues = finiteParams(names, params)
  if (issues.length > 0) return issues
  const x1 = params[0] ?? NaN
  const x3 = params[2] ?? NaN
  const x4 = params[3] ?? NaN
  if (!(x1 > 0))
    issues.push({
      path: ['params', 'X1'],
      message: `production store capacity must be > 0 mm, got ${x1}`,
    })
  if (!(x3 > 0))
    issues.push({
      path: ['params', 'X3'],
      message: `routing store capacity must be > 0 mm, got ${x3}`,
    })
  if (!(x4 > 0 && x4 <= maxX4))
    issues.push({
      path: ['params', 'X4'],
      message: `unit-hydrograph time base must be in (0, ${maxX4}] steps, got ${x4}`,
    })
  return issues
}
