/**
 * GR4H parameters (Mathevet 2005; Le Moine 2008), in vector order:
 *
 * | index | name | meaning | unit |
 * | 0 | X1 | production store capacity | mm |
 * | 1 | X2 | inter-catchment exchange coefficient | mm/h |
 * | 2 | X3 | routing store capacity (one hour ahead) | mm |
 * | 3 | X4 | time base of unit hydrograph UH1 (UH2 spreads over 2·X4) | h |
 *
 * As airGR does, the run raises X1 and X3 to at least 0.01 mm and X4 to at least 0.5 h.
 */
import type { Issue } from '../../../core/result.ts'
import { checkGrParams } from '../gr4j/params.ts'
import { NH_HOURLY } from '../unit-hydrograph.ts'

/** GR4H parameter names, in vector order. */
export const GR4H_PARAM_NAMES = ['X1', 'X2', 'X3', 'X4'] as const
/** Units of the parameters, in vector order (`-`: dimensionless). */
export const GR4H_PARAM_UNITS = ['mm', 'mm/h', 'mm', 'h'] as const

/**
 * Every way `params` lies outside GR4H's domain: four finite numbers with X1 > 0 and X3 > 0
 * (mm) and 0 < X4 ≤ 480 h (UH1 holds 480 hourly ordinates, as in airGR); X2 (mm/h) may take
 * any finite value.
 */
export function checkGr4hParams(params: Float64Array): Issue[] {
  return checkGrParams(GR4H_PARAM_NAMES, params, NH_HOURLY)
}
