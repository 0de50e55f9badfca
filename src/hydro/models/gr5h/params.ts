/**
 * GR5H parameters (Ficchì 2017; Ficchì, Perrin & Andréassian 2019), in vector order:
 *
 * | index | name | meaning | unit |
 * | 0 | X1 | production store capacity | mm |
 * | 1 | X2 | inter-catchment exchange coefficient | mm/h |
 * | 2 | X3 | routing store capacity (one hour ahead) | mm |
 * | 3 | X4 | half time base of the unit hydrograph (it spreads over 2·X4) | h |
 * | 4 | X5 | exchange threshold, as a fraction of X3 | − |
 *
 * The interception store's capacity Imax (mm) is not a parameter but a fixed option of the
 * model (see `createGr5h`). As airGR does, the run raises X1 and X3 to at least 0.01 mm and X4
 * to at least 0.5 h.
 */
import type { Issue } from '../../../core/result.ts'
import { checkGrParams } from '../gr4j/params.ts'
import { NH_HOURLY } from '../unit-hydrograph.ts'

/** GR5H parameter names, in vector order. */
export const GR5H_PARAM_NAMES = ['X1', 'X2', 'X3', 'X4', 'X5'] as const
/** Units of the parameters, in vector order (`-`: dimensionless). */
export const GR5H_PARAM_UNITS = ['mm', 'mm/h', 'mm', 'h', '-'] as const

/**
 * Every way `params` lies outside GR5H's domain: five finite numbers with X1 > 0 and X3 > 0
 * (mm) and 0 < X4 ≤ 480 h (the unit hydrograph holds 2·480 hourly ordinates, as in airGR); X2
 * (mm/h) and X5 (dimensionless) may take any finite value.
 */
export function checkGr5hParams(params: Float64Array): Issue[] {
  return checkGrParams(GR5H_PARAM_NAMES, params, NH_HOURLY)
}
