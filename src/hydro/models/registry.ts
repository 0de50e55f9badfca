/**
 * The models Freshet runs, by the names used in model-run files, and how each is built from
 * its options (interception store, snow layers and hypsometry).
 */
import { InputError } from '../../core/errors.ts'
import type { Issue, Result } from '../../core/result.ts'
import { fail, ok } from '../../core/result.ts'
import { createCemaNeigeModel } from './cemaneige/coupled.ts'
import { gr4h } from './gr4h/run.ts'
import { gr4j } from './gr4j/run.ts'
import { createGr5h, gr5h } from './gr5h/run.ts'
import { gr5j } from './gr5j/run.ts'
import { gr6j } from './gr6j/run.ts'
import type { ModelDefinition } from './types.ts'

/** Models without snow, by name. */
const PLAIN: Readonly<Record<'GR4J' | 'GR5J' | 'GR6J' | 'GR4H' | 'GR5H', ModelDefinition>> = {
  GR4J: gr4j,
  GR5J: gr5j,
  GR6J: gr6j,
  GR4H: gr4h,
  GR5H: gr5h,
}

/** Daily models that CemaNeige can feed, by the name of the coupled model. */
const SNOW: Readonly<Record<'CemaNeigeGR4J' | 'CemaNeigeGR5J' | 'CemaNeigeGR6J', ModelDefinition>> =
  {
    CemaNeigeGR4J: gr4j,
    CemaNeigeGR5J: gr5j,
    CemaNeigeGR6J: gr6j,
  }

export const MODEL_NAMES = [...Object.keys(PLAIN), ...Object.keys(SNOW)] as readonly string[]

/** Options of a model beyond its parameters. */
export interface ModelOptions {
  /** GR5H only: capacity of the interception store (mm); absent means no interception store. */
  readonly interception?: { readonly imaxMm: number }
  /** CemaNeige models only. */
  readonly snow?: {
    /** Number of elevation layers (1–100). */
    readonly layers: number
    /** Whether to use the linear hysteresis (parameters CNX3, CNX4). */
    readonly hysteresis: boolean
    /** Mean annual solid precipitation (mm/year); computed from the forcing when absent. */
    readonly meanAnnualSolidPrecipMm?: number
  }
  /** CemaNeige models only: 101 elevations (m a.s.l.): minimum, percentiles 1–99, maximum. */
  readonly hypsometry?: Float64Array
}

/** Whether `name` is a model Freshet knows. */
export const isModelName = (name: string): boolean => MODEL_NAMES.includes(name)

/**
 * Builds the model called `name` with `options`, or says why it cannot: an unknown name, or
 * options that do not fit the model (interception on a model other than GR5H, a snow model
 * without hypsometry, snow options on a model without snow).
 */
export function createModel(name: string, options: ModelOptions = {}): Result<ModelDefinition> {
  const issues: Issue[] = []
  if (!isModelName(name)) {
    return fail([
      {
        path: ['model'],
        message: `unknown model "${name}"; known models: ${MODEL_NAMES.join(', ')}`,
      },
    ])
  }
  if (options.interception !== undefined && name !== 'GR5H') {
    issues.push({
      path: ['interception'],
      message: `only GR5H has an interception store, not ${name}`,
    })
  }
  const gr = SNOW[name as keyof typeof SNOW]
  if (gr === undefined) {
    if (options.snow !== undefined)
      issues.push({ path: ['snow'], message: `${name} has no snow module; use CemaNeige${name}` })
    if (issues.length > 0) return fail(issues)
    if (name === 'GR5H' && options.interception !== undefined) {
      return guarded(() => createGr5h({ imaxMm: options.interception!.imaxMm }), 'interception')
    }
    return ok(PLAIN[name as keyof typeof PLAIN])
  }
  if (options.hypsometry === undefined) {
    issues.push({
      path: ['basin', 'hypso_m'],
      message: `${name} needs the basin's hypsometric curve (101 elevations in m)`,
    })
  }
  if (issues.length > 0) return fail(issues)
  const snow = options.snow ?? { layers: 5, hysteresis: false }
  return guarded(
    () =>
      createCemaNeigeModel(gr, {
        layers: snow.layers,
        hysteresis: snow.hysteresis,
        hypsometry: options.hypsometry!,
        ...(snow.meanAnnualSolidPrecipMm !== undefined
          ? { meanAnnualSolidPrecipMm: snow.meanAnnualSolidPrecipMm }
          : {}),
      }),
    'snow',
  )
}

function guarded(build: () => ModelDefinition, field: string): Result<ModelDefinition> {
  try {
    return ok(build())
  } catch (e) {
    if (e instanceof InputError) return fail([{ path: [field], message: e.message }])
    throw e
  }
}
