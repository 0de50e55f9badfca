/**
 * Parameter transformations of the GR models and CemaNeige, as airGR defines them
 * (`TransfoParam_*`, Coron et al. 2017, airGR 1.7.6): each parameter is mapped from its real
 * space (its physical unit) to a transformed space where airGR's default search range is
 * [−9.99, 9.99] for every parameter and where a step of a given size changes the model about
 * as much whichever parameter it is applied to. Calibration (Michel 1991) searches in the
 * transformed space.
 *
 * Transforms are keyed by model family and parameter name: the family follows from a model's
 * parameter names and time step (four, five or six `X` parameters at a daily or hourly step,
 * plus CemaNeige's `CNX1`, `CNX2` and, with hysteresis, `CNX3`, `CNX4`). The key has to include
 * the family, not only the time step: X5 means a different thing in GR5J and GR6J, and X1, X2,
 * X4 are scaled differently in GR4H and GR5H. GR5H with or without its interception store
 * uses the same transforms (only its default starting grid changes).
 *
 * The formulas are written in the same order of operations as airGR so that transformed
 * values agree with airGR's to the last bit where the elementary functions do.
 */
import { InputError } from '../../core/errors.ts'
import type { ModelDefinition, TimeStep } from '../models/types.ts'

/** A one-to-one map between a parameter's real value and its transformed value. */
export interface ParamTransform {
  /** The transformed value (−) of real value `x` (in the parameter's unit). */
  readonly toTransformed: (x: number) => number
  /** The real value (in the parameter's unit) of transformed value `t` (−). */
  readonly toReal: (t: number) => number
}

/** The GR rainfall-runoff structures whose parameters airGR transforms, and CemaNeige. */
export type ModelFamily = 'GR4J' | 'GR5J' | 'GR6J' | 'GR4H' | 'GR5H' | 'CemaNeige'

/** Half-width of airGR's default search range in transformed space (−). */
export const DEFAULT_TRANSFORMED_BOUND = 9.99

const logExp: ParamTransform = { toTransformed: Math.log, toReal: Math.exp }
const asinhSinh: ParamTransform = { toTransformed: Math.asinh, toReal: Math.sinh }

/** Daily UH time base X4 (day): 0.5 … 20 days over [−9.99, 9.99]. */
const x4Daily: ParamTransform = {
  toTransformed: (x) => 9.99 + (19.98 * (x - 20)) / 19.5,
  toReal: (t) => 20 + (19.5 * (t - 9.99)) / 19.98,
}

const TABLE: Readonly<Record<ModelFamily, Readonly<Record<string, ParamTransform>>>> = {
  GR4J: { X1: logExp, X2: asinhSinh, X3: logExp, X4: x4Daily },
  GR5J: {
    X1: logExp,
    X2: asinhSinh,
    X3: logExp,
    X4: x4Daily,
    // X5 (−), the exchange threshold as a fraction of X3: 0 … 1.
    X5: { toTransformed: (x) => x * 19.98 - 9.99, toReal: (t) => (t + 9.99) / 19.98 },
  },
  GR6J: {
    X1: logExp,
    X2: asinhSinh,
    X3: logExp,
    X4: x4Daily,
    // X5 (−), the exchange threshold: −2 … 2.
    X5: { toTransformed: (x) => x * 5, toReal: (t) => t / 5 },
    // X6 (mm), the exponential store's coefficient.
    X6: logExp,
  },
  GR4H: {
    X1: logExp,
    // X2 (mm/h): sinh of a third, so that the hourly exchange stays small.
    X2: { toTransformed: (x) => 3 * Math.asinh(x), toReal: (t) => Math.sinh(t / 3) },
    X3: logExp,
    // X4 (h): 0.5 … 480 hours.
    X4: {
      toTransformed: (x) => ((x - 480) * 19.98) / (480 - 0.5) + 9.99,
      toReal: (t) => 480 + ((480 - 0.5) * (t - 9.99)) / 19.98,
    },
  },
  GR5H: {
    X1: logExp,
    X2: asinhSinh,
    X3: logExp,
    // X4 (h): over [−10, 10] this spans 0.01 … 960 hours; the default range (±9.99) is narrower.
    X4: {
      toTransformed: (x) => ((x - 480) * 20) / (480 - 0.01) + 10,
      toReal: (t) => 480 + ((480 - 0.01) * (t - 10)) / 20,
    },
    // X5 (−), the exchange threshold as a fraction of X3.
    X5: { toTransformed: (x) => x * 20 - 10, toReal: (t) => (t + 10) / 20 },
  },
  CemaNeige: {
    // CNX1 (−), the weight of the snow pack's thermal state: 0 … 1.
    CNX1: { toTransformed: (x) => x * 19.98 - 9.99, toReal: (t) => (t + 9.99) / 19.98 },
    // CNX2 (mm/°C/day), the degree-day melt factor.
    CNX2: { toTransformed: (x) => Math.log(x * 200), toReal: (t) => Math.exp(t) / 200 },
    // CNX3 (mm), the snow accumulation threshold of the hysteresis (Riboust et al. 2019).
    CNX3: { toTransformed: (x) => (x - 50) / 5, toReal: (t) => t * 5 + 50 },
    // CNX4 (−), the fraction of CNX3 that sets the melt threshold of the hysteresis.
    CNX4: { toTransformed: (x) => (x - 0.5) * 19.98, toReal: (t) => t / 19.98 + 0.5 },
  },
}

const GR_FAMILIES: Readonly<Record<TimeStep, Readonly<Record<number, ModelFamily>>>> = {
  daily: { 4: 'GR4J', 5: 'GR5J', 6: 'GR6J' },
  hourly: { 4: 'GR4H', 5: 'GR5H' },
}

/** Whether `name` is a CemaNeige parameter (`CNX1` … `CNX4`). */
const isSnowParam = (name: string): boolean => /^CNX[1-4]$/.test(name)

/**
 * The family of each parameter of a model, in vector order: the GR family fixed by the number
 * of `X` parameters and the time step, and `CemaNeige` for `CNX` parameters.
 *
 * @throws InputError when a parameter name is unknown or the GR structure has no transforms
 */
export function parameterFamilies(
  paramNames: readonly string[],
  timeStep: TimeStep,
): ModelFamily[] {
  const nGr = paramNames.filter((n) => !isSnowParam(n)).length
  const gr = nGr === 0 ? undefined : GR_FAMILIES[timeStep][nGr]
  if (nGr > 0 && gr === undefined)
    throw new InputError(`no parameter transforms for a ${timeStep} model with ${nGr} X parameters`)
  return paramNames.map((name) => {
    const family: ModelFamily = isSnowParam(name) ? 'CemaNeige' : gr!
    if (TABLE[family][name] === undefined)
      throw new InputError(`no ${family} transform for parameter "${name}"`)
    return family
  })
}

/**
 * The transform of parameter `name` in model family `family`.
 * @throws InputError when the family has no such parameter
 */
export function paramTransform(family: ModelFamily, name: string): ParamTransform {
  const t = TABLE[family][name]
  if (t === undefined) throw new InputError(`no ${family} transform for parameter "${name}"`)
  return t
}

/**
 * The transforms of every parameter of `model`, in its parameter order (from its `paramNames`
 * and `timeStep`).
 * @throws InputError when a parameter has no transform
 */
export function transformsFor(
  model: Pick<ModelDefinition, 'paramNames' | 'timeStep'>,
): ParamTransform[] {
  const families = parameterFamilies(model.paramNames, model.timeStep)
  return model.paramNames.map((name, i) => paramTransform(families[i]!, name))
}

/**
 * Writes the transformed values of real parameters `real` (each in its unit) into `out`.
 * @returns `out`
 */
export function toTransformed(
  transforms: readonly ParamTransform[],
  real: ArrayLike<number>,
  out: Float64Array = new Float64Array(transforms.length),
): Float64Array {
  for (let i = 0; i < transforms.length; i++) out[i] = transforms[i]!.toTransformed(real[i]!)
  return out
}

/**
 * Writes the real values (each in its parameter's unit) of transformed parameters `t` into
 * `out`.
 * @returns `out`
 */
export function toReal(
  transforms: readonly ParamTransform[],
  t: ArrayLike<number>,
  out: Float64Array = new Float64Array(transforms.length),
): Float64Array {
  for (let i = 0; i < transforms.length; i++) out[i] = transforms[i]!.toReal(t[i]!)
  return out
}

/**
 * airGR's default search ranges in real space (each in its parameter's unit): the images of
 * ±{@link DEFAULT_TRANSFORMED_BOUND}, as `[low, high]` per parameter.
 */
export function defaultSearchRanges(transforms: readonly ParamTransform[]): [number, number][] {
  return transforms.map((tr) => {
    const a = tr.toReal(-DEFAULT_TRANSFORMED_BOUND)
    const b = tr.toReal(DEFAULT_TRANSFORMED_BOUND)
    return a <= b ? [a, b] : [b, a]
  })
}

/**
 * airGR's default starting values in transformed space (`CreateCalibOptions`): three per
 * parameter, for the grid screening of Michel's calibration. GR5H has two sets, with and
 * without its interception store.
 */
const START_T: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>> = {
  GR4J: {
    X1: [5.13, 5.51, 6.07],
    X2: [-1.6, -0.61, -0.02],
    X3: [3.03, 3.74, 4.42],
    X4: [-9.05, -8.51, -8.06],
  },
  GR5J: {
    X1: [5.17, 5.55, 6.1],
    X2: [-1.13, -0.46, -0.11],
    X3: [3.08, 3.75, 4.43],
    X4: [-9.37, -9.09, -8.6],
    X5: [-7.45, -4.69, -0.66],
  },
  GR6J: {
    X1: [3.6, 3.9, 4.5],
    X2: [-1.0, -0.5, 0.5],
    X3: [3.3, 4.1, 5.0],
    X4: [-9.1, -8.7, -8.1],
    X5: [-0.9, 0.1, 1.1],
    X6: [3.0, 4.0, 5.0],
  },
  GR4H: {
    X1: [5.12, 5.58, 6.01],
    X2: [-1.18, -0.85, -0.5],
    X3: [4.34, 4.74, 5.14],
    X4: [-9.69, -9.47, -8.87],
  },
  GR5H: {
    X1: [3.28, 3.62, 4.01],
    X2: [-0.39, -0.19, -0.04],
    X3: [4.14, 4.8, 5.43],
    X4: [-9.54, -9.0, -7.53],
    X5: [-7.49, -6.31, -5.33],
  },
  GR5HInterception: {
    X1: [3.46, 3.74, 4.29],
    X2: [-1.25, -0.41, 0.16],
    X3: [4.04, 4.78, 5.39],
    X4: [-9.53, -8.94, -7.39],
    X5: [-9.34, -3.33, 3.33],
  },
  CemaNeige: {
    CNX1: [-9.96, -9.14, 4.1],
    CNX2: [6.63, 6.9, 7.21],
    CNX3: [-7, 0, 7],
    CNX4: [-7, 0, 7],
  },
}

/**
 * airGR's default starting grid of Michel's calibration for `model`, in real space: three
 * values per parameter (each in its unit), in parameter order. The grid screened is every
 * combination of them.
 *
 * @param options.interception GR5H only: take the grid airGR uses with the interception store
 * @throws InputError when a parameter has no transform
 */
export function defaultStartGrid(
  model: Pick<ModelDefinition, 'paramNames' | 'timeStep'>,
  options: { readonly interception?: boolean } = {},
): number[][] {
  const families = parameterFamilies(model.paramNames, model.timeStep)
  return model.paramNames.map((name, i) => {
    const family = families[i]!
    const key = family === 'GR5H' && options.interception === true ? 'GR5HInterception' : family
    const values = START_T[key]![name]!
    const tr = paramTransform(family, name)
    return values.map(tr.toReal)
  })
}
