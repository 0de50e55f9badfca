/**
 * GR5J parameters (Le Moine 2008; Pushpalatha et al. 2011), in vector order:
 *
 * | index | name | meaning | unit |
 * | 0 | X1 | production store capacity | mm |
 * | 1 | X2 | inter-catchment exchange coefficient | mm/day |
 * | 2 | X3 | routing store capacity (one day ahead) | mm |
 * | 3 | X4 | half time base of the unit hydrograph (it spreads over 2·X4) | day |
 * | 4 | X5 | exchange threshold, as a fraction of X3 | − |
 *
 * As airGR does, the run raises X1 and X3 to at least 0.01 mm and X4 to at least 0.5 day.
 */
import type { Issue } from '../../../core/result.ts'
import { NH_DAILY } from '../gr4j/run.ts'
import { checkGrParams } from '../gr4j/params.ts'

/** GR5J parameter names, in vector order. */
export const GR5J_PARAM_NAMES = ['X1', 'X2', 'X3', 'X4', 'X5'] as const
/** Units of the parameters, in vector order (`-`: dimensionless). */
export const GR5J_PARAM_UNITS = ['mm', 'mm/day', 'mm', 'day', '-'] as const

/**
 * Every way `params` lies outside GR5J's domain: five finite numbers with X1 > 0 and X3 > 0
 * (mm) and 0 < X4 ≤ 20 days (the unit hydrograph holds 2·20 daily ordinates); X2 (mm/day) and
 * X5 (dimensionless) may take any finite value.
 */
export function checkGr5jParams(params: Float64Array): Issue[] {
  return checkGrParams(GR5J_PARAM_NAMES, params, NH_DAILY)
}
