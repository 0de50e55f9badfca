/**
 * GR6J parameters (Pushpalatha et al. 2011), in vector order:
 *
 * | index | name | meaning | unit |
 * | 0 | X1 | production store capacity | mm |
 * | 1 | X2 | inter-catchment exchange coefficient | mm/day |
 * | 2 | X3 | routing store capacity (one day ahead) | mm |
 * | 3 | X4 | time base of unit hydrograph UH1 (UH2 spreads over 2·X4) | day |
 * | 4 | X5 | exchange threshold, as a fraction of X3 | − |
 * | 5 | X6 | emptying coefficient of the exponential store | mm |
 *
 * As airGR does, the run raises X1, X3 and X6 to at least 0.01 mm and X4 to at least 0.5 day.
 */
import type { Issue } from '../../../core/result.ts'
import { NH_DAILY } from '../gr4j/run.ts'
import { checkGrParams } from '../gr4j/params.ts'

/** GR6J parameter names, in vector order. */
export const GR6J_PARAM_NAMES = ['X1', 'X2', 'X3', 'X4', 'X5', 'X6'] as const
/** Units of the parameters, in vector order (`-`: dimensionless). */
export const GR6J_PARAM_UNITS = ['mm', 'mm/day', 'mm', 'day', '-', 'mm'] as const

/**
 * Every way `params` lies outside GR6J's domain: six finite numbers with X1 > 0, X3 > 0 and
 * X6 > 0 (mm) and 0 < X4 ≤ 20 days; X2 (mm/day) and X5 (dimensionless) may take any finite
 * value.
 */
export function checkGr6jParams(params: Float64Array): Issue[] {
  const issues = checkGrParams(GR6J_PARAM_NAMES, params, NH_DAILY)
  if (params.length !== GR6J_PARAM_NAMES.length) return issues
  const x6 = params[5] ?? NaN
  if (Number.isFinite(x6) && !(x6 > 0))
    issues.push({
      path: ['params', 'X6'],
      message: `exponential store coefficient must be > 0 mm, got ${x6}`,
    })
  return issues
}
