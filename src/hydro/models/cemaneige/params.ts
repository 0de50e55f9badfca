/**
 * CemaNeige parameters, in vector order (they follow the hydrological model's parameters in a
 * coupled model such as CemaNeigeGR4J):
 *
 * | index | name | meaning | unit |
 * | 0 | CNX1 | weighting coefficient of the snow pack's thermal state (Valéry et al. 2014) | − |
 * | 1 | CNX2 | degree-day melt factor (Valéry et al. 2014) | mm/°C/day |
 * | 2 | CNX3 | accumulation threshold, linear hysteresis only (Riboust et al. 2019) | mm |
 * | 3 | CNX4 | share of the mean annual snowfall that defines the melt threshold, hysteresis only | − |
 *
 * Valéry, Andréassian & Perrin (2014), J. Hydrol. 517, 1166–1175 and 1176–1187; Riboust, Thirel,
 * Le Moine & Ribstein (2019), J. Hydrol. Hydromech. 67(1), 70–81.
 */
import type { Issue } from '../../../core/result.ts'

/** Parameters of the original CemaNeige (Valéry et al. 2014), in vector order. */
export const CEMANEIGE_PARAM_NAMES = ['CNX1', 'CNX2'] as const
/** Units of {@link CEMANEIGE_PARAM_NAMES}. */
export const CEMANEIGE_PARAM_UNITS = ['-', 'mm/°C/day'] as const
/** Parameters of CemaNeige with the linear hysteresis (Riboust et al. 2019), in vector order. */
export const CEMANEIGE_HYST_PARAM_NAMES = ['CNX1', 'CNX2', 'CNX3', 'CNX4'] as const
/** Units of {@link CEMANEIGE_HYST_PARAM_NAMES}. */
export const CEMANEIGE_HYST_PARAM_UNITS = ['-', 'mm/°C/day', 'mm', '-'] as const

/** Parameter names of CemaNeige, with or without the linear hysteresis. */
export function snowParamNames(hysteresis: boolean): readonly string[] {
  return hysteresis ? CEMANEIGE_HYST_PARAM_NAMES : CEMANEIGE_PARAM_NAMES
}

/** Parameter units of CemaNeige, in the order of {@link snowParamNames}. */
export function snowParamUnits(hysteresis: boolean): readonly string[] {
  return hysteresis ? CEMANEIGE_HYST_PARAM_UNITS : CEMANEIGE_PARAM_UNITS
}

/**
 * Domain of the CemaNeige parameters found at `params[offset …]`: 0 ≤ CNX1 ≤ 1 (a weight),
 * CNX2 ≥ 0 (mm/°C/day), and with the hysteresis CNX3 > 0 (mm, it divides) and CNX4 > 0 (−, the
 * melt threshold must be positive). The caller has checked that the values are finite.
 *
 * @returns every violation, with the parameter's name as path
 */
export function checkSnowParams(
  params: Float64Array,
  offset: number,
  hysteresis: boolean,
): Issue[] {
  const issues: Issue[] = []
  const cnx1 = params[offset] ?? NaN
  const cnx2 = params[offset + 1] ?? NaN
  if (!(cnx1 >= 0 && cnx1 <= 1))
    issues.push({
      path: ['params', 'CNX1'],
      message: `thermal-state weighting coefficient must be in [0, 1], got ${cnx1}`,
    })
  if (!(cnx2 >= 0))
    issues.push({
      path: ['params', 'CNX2'],
      message: `degree-day melt factor must be ≥ 0 mm/°C/day, got ${cnx2}`,
    })
  if (hysteresis) {
    const cnx3 = params[offset + 2] ?? NaN
    const cnx4 = params[offset + 3] ?? NaN
    if (!(cnx3 > 0))
      issues.push({
        path: ['params', 'CNX3'],
        message: `accumulation threshold must be > 0 mm, got ${cnx3}`,
      })
    if (!(cnx4 > 0))
      issues.push({
        path: ['params', 'CNX4'],
        message: `melt-threshold share of the annual snowfall must be > 0, got ${cnx4}`,
      })
  }
  return issues
}
