/**
 * Gathering one basin's inputs for a forecast cycle through the ports: its model and
 * parameters, the saved state to start from, the observed forcing from that state up to the
 * issue time, the ensemble forcing forecast from the issue time on, and the thresholds of its
 * discharge series. Everything is checked here, so the model runs trust what they get; a
 * problem throws a {@link BasinInputError} whose message says what is wrong.
 *
 * Time conventions: an observation at t is the value of the step [t, t + Δt); a state saved
 * at t is the state at the end of the step starting at t, so the cycle issued at T starts from
 * the state saved at T − Δt.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId, SeriesId } from '../../core/ids.ts'
import { formatIssue } from '../../core/result.ts'
import type { ModelOptions } from '../../hydro/models/registry.ts'
import { createModel } from '../../hydro/models/registry.ts'
import type { ModelDefinition } from '../../hydro/models/types.ts'
import { DEFAULT_INITIAL_LEVELS, STEPS_PER_DAY } from '../../hydro/models/types.ts'
import { checkReach } from '../../hydro/routing/reach.ts'
import type { ObservationRepository } from '../../observe/ports.ts'
import type { Basin, Series, StoredObservation, Threshold, Variable } from '../../observe/types.ts'
import { QC } from '../../observe/types.ts'
import type { ForcingForecast, ModelConfig } from '../ports.ts'
import type { ForecastCycleDeps } from './types.ts'

/** Why one basin cannot be forecast. */
export class BasinInputError extends Error {
  override readonly name = 'BasinInputError'
}

/** Observations flagged with these bits are treated as missing when forcing a model. */
export const UNUSABLE_FLAGS = QC.outOfRange | QC.future

const MS_PER_DAY = 86_400_000

/** The number of members, lead steps and step every basin of a run must share. */
export interface RunShape {
  /** Ensemble members. */
  readonly members: number
  /** Forecast steps from the issue time on. */
  readonly leadSteps: number
  /** Length of a step (ms). */
  readonly stepMs: number
}

/** One basin's checked inputs. */
export interface BasinInputs {
  readonly basin: Basin
  readonly config: ModelConfig
  readonly model: ModelDefinition
  readonly options: ModelOptions
  /** Parameters in the model's vector order and units. */
  readonly params: Float64Array
  /** The model's step (ms). */
  readonly stepMs: number
  /** State at the start of the observed window (a copy); the model's initial state on a cold start. */
  readonly startState: Float64Array
  /** Whether no usable saved state was found. */
  readonly coldStart: boolean
  /** Observed forcing over [from, issue time), `steps` long (mm per step, °C). */
  readonly observed: {
    readonly from: EpochMs
    readonly steps: number
    readonly precip: Float64Array
    readonly pet: Float64Array
    readonly temp: Float64Array | null
    readonly times: Float64Array | null
  }
  /** The ensemble forcing from the issue time on, as views of the forcing forecast. */
  readonly forecast: {
    readonly source: string
    readonly precip: readonly Float64Array[]
    readonly pet: readonly Float64Array[]
    readonly temp: readonly Float64Array[] | null
    readonly times: Float64Array | null
  }
  /** The observed discharge series, if the basin has one. */
  readonly dischargeSeriesId: SeriesId | null
  /** Thresholds of the basin's discharge series (m³/s), finite values, in the order listed. */
  readonly thresholds: readonly Threshold[]
}

/** The length of the model's time step (ms): 86,400,000 for daily models, 3,600,000 hourly. */
export function modelStepMs(model: ModelDefinition): number {
  return MS_PER_DAY / STEPS_PER_DAY[model.timeStep]
}

const iso = (t: number): string => new Date(t).toISOString()

/**
 * Model options from a configuration's `options` (as in a model-run file) and the basin.
 *
 * @throws BasinInputError on an unknown key or a value of the wrong shape, and for a snow
 *   model without a mean annual solid precipitation: a forecast window is far too short to
 *   estimate it from the forcing, as a model run does
 */
export function modelOptions(config: ModelConfig, basin: Basin): ModelOptions {
  const problems: string[] = []
  const out: { -readonly [K in keyof ModelOptions]: ModelOptions[K] } = {}
  for (const [key, value] of Object.entries(config.options)) {
    if (key === 'interception') {
      const v = value as { imaxMm?: unknown } | null
      if (typeof v === 'object' && v !== null && typeof v.imaxMm === 'number')
        out.interception = { imaxMm: v.imaxMm }
      else problems.push('options.interception must be { imaxMm: number }')
    } else if (key === 'snow') {
      const v = value as Record<string, unknown> | null
      const layers = v?.['layers'] ?? 5
      const hysteresis = v?.['hysteresis'] ?? false
      const solid = v?.['meanAnnualSolidPrecipMm']
      if (
        typeof v !== 'object' ||
        v === null ||
        typeof layers !== 'number' ||
        typeof hysteresis !== 'boolean' ||
        (solid !== undefined && typeof solid !== 'number')
      ) {
        problems.push(
          'options.snow must be { layers?: number, hysteresis?: boolean, meanAnnualSolidPrecipMm?: number }',
        )
      } else {
        out.snow = {
          layers,
          hysteresis,
          ...(solid !== undefined ? { meanAnnualSolidPrecipMm: solid } : {}),
        }
      }
    } else problems.push(`unknown option "${key}"`)
  }
  if (config.model.startsWith('CemaNeige')) {
    if (out.snow?.meanAnnualSolidPrecipMm === undefined)
      problems.push(
        'a snow model needs options.snow.meanAnnualSolidPrecipMm (mm/year) in a forecast cycle',
      )
    if (basin.hypsometry !== null) out.hypsometry = Float64Array.from(basin.hypsometry)
  }
  if (problems.length > 0) throw new BasinInputError(problems.join('; '))
  return out
}

/** The model's parameter vector from a configuration's parameters by name. */
function paramVector(model: ModelDefinition, config: ModelConfig): Float64Array {
  const problems: string[] = []
  const v = new Float64Array(model.paramNames.length)
  model.paramNames.forEach((name, i) => {
    const x = config.params[name]
    if (x === undefined) problems.push(`parameter ${name} is missing`)
    else v[i] = x
  })
  for (const name of Object.keys(config.params))
    if (!model.paramNames.includes(name)) problems.push(`${model.name} has no parameter ${name}`)
  if (problems.length === 0) {
    const issues = model.checkParams(v)
    for (const issue of issues) problems.push(formatIssue(issue))
  }
  if (problems.length > 0) throw new BasinInputError(problems.join('; '))
  return v
}

/** A basin's model as configured: built, with its parameters checked. */
export interface CheckedModel {
  readonly model: ModelDefinition
  readonly options: ModelOptions
  /** Parameters in the model's vector order and units. */
  readonly params: Float64Array
  /** The model's step (ms). */
  readonly stepMs: number
}

/**
 * Builds the model of a configuration for `basin` and checks its parameters.
 *
 * @param config the basin's model configuration (parameters by name, in the model's units)
 * @param basin the basin (its hypsometry feeds a snow model)
 * @returns the model, its options, its parameter vector and its step (ms)
 * @throws BasinInputError on an unknown model, unusable options, or a parameter that is
 *   missing, unknown or outside the model's domain
 */
export function checkedModel(config: ModelConfig, basin: Basin): CheckedModel {
  const options = modelOptions(config, basin)
  const built = createModel(config.model, options)
  if (!built.ok) throw new BasinInputError(built.issues.map(formatIssue).join('; '))
  const model = built.value
  return { model, options, params: paramVector(model, config), stepMs: modelStepMs(model) }
}

/** The one observed series of `variable` of a basin, or undefined; several is an error. */
function observedSeries(
  all: readonly Series[],
  variable: Variable,
  stepMs: number,
): Series | undefined {
  const found = all.filter(
    (s) => s.variable === variable && s.kind === 'observed' && s.stepMs === stepMs,
  )
  if (found.length > 1)
    throw new BasinInputError(
      `${found.length} observed ${variable} series at a step of ${stepMs} ms (${found.map((s) => s.id).join(', ')}); keep one`,
    )
  return found[0]
}

/** Writes usable observations onto a grid of `steps` steps from `from`, NaN where none. */
function toGrid(
  observations: readonly StoredObservation[],
  from: number,
  stepMs: number,
  steps: number,
): Float64Array {
  const out = new Float64Array(steps).fill(NaN)
  for (const o of observations) {
    const k = (o.t - from) / stepMs
    if (!Number.isInteger(k) || k < 0 || k >= steps) continue
    if ((o.quality & UNUSABLE_FLAGS) !== 0 || !Number.isFinite(o.value)) continue
    out[k] = o.value
  }
  return out
}

async function readGrid(
  observations: ObservationRepository,
  series: Series,
  from: number,
  stepMs: number,
  steps: number,
): Promise<Float64Array> {
  const obs = await observations.read(
    series.id,
    from as EpochMs,
    (from + steps * stepMs) as EpochMs,
  )
  return toGrid(obs, from, stepMs, steps)
}

/** Throws naming the first step of `grid` from `first` that is missing or out of its domain. */
function requireComplete(
  grid: Float64Array,
  first: number,
  from: number,
  stepMs: number,
  what: string,
  nonNegative: boolean,
): void {
  for (let k = first; k < grid.length; k++) {
    const v = grid[k]!
    if (v !== v || (nonNegative && v < 0))
      throw new BasinInputError(
        `observed ${what} ${v !== v ? 'missing' : `negative (${v})`} at ${iso(from + k * stepMs)}`,
      )
  }
}

/** The observed series a model's forcing is read from. */
export interface ForcingSeries {
  readonly precip: Series
  readonly pet: Series
  /** Air temperature, for a model that needs it; else null. */
  readonly temp: Series | null
}

/**
 * The observed forcing series of a basin for `model`: its precipitation and PET series (mm per
 * step) and, for a snow model, its temperature series (°C), each at the model's step.
 *
 * @param all every series of the basin
 * @param stepMs the model's step (ms)
 * @throws BasinInputError when a variable has no observed series at that step, or several
 */
export function forcingSeriesOf(
  all: readonly Series[],
  model: ModelDefinition,
  stepMs: number,
): ForcingSeries {
  const precip = observedSeries(all, 'precipitation', stepMs)
  const pet = observedSeries(all, 'pet', stepMs)
  const temp = model.needsTemperature ? observedSeries(all, 'temperature', stepMs) : undefined
  if (precip === undefined) throw new BasinInputError('no observed precipitation series')
  if (pet === undefined) throw new BasinInputError('no observed pet series')
  if (model.needsTemperature && temp === undefined)
    throw new BasinInputError(`${model.name} needs an observed temperature series`)
  return { precip, pet, temp: temp ?? null }
}

/** Observed forcing on a model's time grid: `steps` steps from `from`, NaN where not usable. */
export interface ObservedForcing {
  readonly series: ForcingSeries
  /** Start of the first step (ms since the epoch). */
  readonly from: EpochMs
  /** The model's step (ms). */
  readonly stepMs: number
  readonly steps: number
  /** Precipitation (mm per step). */
  readonly precip: Float64Array
  /** Potential evapotranspiration (mm per step). */
  readonly pet: Float64Array
  /** Air temperature (°C), when the model needs it; else null. */
  readonly temp: Float64Array | null
}

/**
 * Reads the observed forcing over the steps [from, from + steps·Δt) onto the model's grid; a
 * step without a usable observation (none, not finite, or flagged {@link UNUSABLE_FLAGS}) is NaN.
 *
 * @param from start of the first step (ms since the epoch, UTC)
 * @param stepMs the model's step (ms)
 * @param steps number of steps (≥ 0)
 */
export async function readObservedForcing(
  observations: ObservationRepository,
  series: ForcingSeries,
  from: EpochMs,
  stepMs: number,
  steps: number,
): Promise<ObservedForcing> {
  return {
    series,
    from,
    stepMs,
    steps,
    precip: await readGrid(observations, series.precip, from, stepMs, steps),
    pet: await readGrid(observations, series.pet, from, stepMs, steps),
    temp:
      series.temp === null ? null : await readGrid(observations, series.temp, from, stepMs, steps),
  }
}

/** Whether every variable of `f` is observed at step `k`. */
function observedAt(f: ObservedForcing, k: number): boolean {
  const p = f.precip[k]!
  const e = f.pet[k]!
  const t = f.temp === null ? 0 : f.temp[k]!
  return p === p && e === e && t === t
}

/**
 * The first step at which every variable is observed.
 *
 * @returns a step index, or `f.steps` when there is none
 */
export function firstObservedStep(f: ObservedForcing): number {
  let k = 0
  while (k < f.steps && !observedAt(f, k)) k++
  return k
}

/**
 * One past the last step at which every variable is observed: where the observed forcing ends.
 *
 * @returns a step index, 0 when no step is observed
 */
export function endOfObserved(f: ObservedForcing): number {
  let k = f.steps
  while (k > 0 && !observedAt(f, k - 1)) k--
  return k
}

/**
 * Steps [start, end) of `f`, as views.
 *
 * @param start first step kept (index, ≥ 0)
 * @param end one past the last step kept (index, ≤ `f.steps`)
 */
export function sliceForcing(f: ObservedForcing, start: number, end: number): ObservedForcing {
  return {
    series: f.series,
    from: (f.from + start * f.stepMs) as EpochMs,
    stepMs: f.stepMs,
    steps: end - start,
    precip: f.precip.subarray(start, end),
    pet: f.pet.subarray(start, end),
    temp: f.temp?.subarray(start, end) ?? null,
  }
}

/**
 * Checks that every step of `f` is observed, precipitation and PET not negative.
 *
 * @param withSeries whether messages name the series as well as the variable
 * @throws BasinInputError naming the variable (and series) and the time of the first step
 *   missing or out of its domain, precipitation first, then PET, then temperature
 */
export function requireCompleteForcing(f: ObservedForcing, withSeries = false): void {
  const name = (what: string, s: Series): string => (withSeries ? `${what} (series ${s.id})` : what)
  requireComplete(f.precip, 0, f.from, f.stepMs, name('precipitation', f.series.precip), true)
  requireComplete(f.pet, 0, f.from, f.stepMs, name('pet', f.series.pet), true)
  if (f.temp !== null && f.series.temp !== null)
    requireComplete(f.temp, 0, f.from, f.stepMs, name('temperature', f.series.temp), false)
}

/**
 * The start of each step of `f` (ms since the epoch), for a model that depends on the season
 * (the snow models); null for one that does not.
 */
export function forcingTimes(model: ModelDefinition, f: ObservedForcing): Float64Array | null {
  if (!model.needsTemperature) return null
  const times = new Float64Array(f.steps)
  for (let k = 0; k < f.steps; k++) times[k] = f.from + k * f.stepMs
  return times
}

/**
 * Checks one ensemble variable and returns its members as views from `offset`, `lead` long.
 * A variable may hold one series, shared by every member, or one per member.
 */
function forecastMembers(
  series: readonly Float64Array[],
  members: number,
  length: number,
  offset: number,
  what: string,
  nonNegative: boolean,
): Float64Array[] {
  if (series.length !== 1 && series.length !== members)
    throw new BasinInputError(
      `the forcing forecast has ${series.length} ${what} series for ${members} members`,
    )
  const out: Float64Array[] = []
  for (let m = 0; m < series.length; m++) {
    const s = series[m]!
    if (s.length !== length)
      throw new BasinInputError(
        `forecast ${what} member ${m} has ${s.length} steps, member 0 of precipitation ${length}`,
      )
    for (let j = offset; j < length; j++) {
      const v = s[j]!
      if (!(v === v && v > -Infinity && v < Infinity) || (nonNegative && v < 0))
        throw new BasinInputError(
          `forecast ${what} member ${m} is ${v} at lead step ${j - offset} (must be finite${nonNegative ? ', ≥ 0' : ''})`,
        )
    }
    out.push(s.subarray(offset))
  }
  return out
}

/** Steps from `from` to `to`, which must be a whole number of steps apart. */
function stepsBetween(from: number, to: number, stepMs: number, what: string): number {
  const k = (to - from) / stepMs
  if (!Number.isInteger(k))
    throw new BasinInputError(`${what} is not on the model's ${stepMs} ms time grid`)
  return k
}

/**
 * The shape of a run issued at `issueTime` from a forcing forecast: its member count, the
 * lead steps left after the issue time, and its step.
 */
export function runShapeOf(forecast: ForcingForecast, issueTime: number): RunShape {
  const offset = Math.max(0, Math.round((issueTime - forecast.issueTime) / forecast.stepMs))
  const length = forecast.precip[0]?.length ?? 0
  return {
    members: forecast.precip.length,
    leadSteps: Math.max(0, length - offset),
    stepMs: forecast.stepMs,
  }
}

/**
 * Reads and checks everything the cycle needs for `basin`.
 *
 * @param shape the run's members, lead steps and step, which the basin's forcing must match
 * @param coldStartSteps steps of observed forcing to run over when there is no usable state
 * @param forcing the basin's forcing forecast if already read, else it is read here
 * @throws BasinInputError on any missing or unusable input, saying which
 */
export async function gatherBasin(
  deps: ForecastCycleDeps,
  basin: Basin,
  issueTime: EpochMs,
  shape: RunShape,
  coldStartSteps: number | undefined,
  forcing: ForcingForecast | undefined,
): Promise<BasinInputs> {
  const id: BasinId = basin.id
  const config = await deps.configs.find(id)
  if (config === undefined) throw new BasinInputError('no model configuration')
  const { model, options, params, stepMs } = checkedModel(config, basin)
  if (stepMs !== shape.stepMs)
    throw new BasinInputError(
      `${model.name} runs at a step of ${stepMs} ms, the run's forcing at ${shape.stepMs} ms`,
    )
  if (basin.downstream !== null) {
    const issues = checkReach(basin.downstream.reach, stepMs / 1000, ['downstream', 'reach'])
    if (issues.length > 0) throw new BasinInputError(issues.map(formatIssue).join('; '))
  }

  // Series of the basin, by variable.
  const all = await deps.series.list({ basinId: id })
  const forcingSeries = forcingSeriesOf(all, model, stepMs)
  const dischargeAll = all.filter((s) => s.variable === 'discharge')
  const dischargeObserved = dischargeAll.filter((s) => s.kind === 'observed')

  // Where the model starts: the state saved at the end of the step before the issue time.
  const saved = await deps.states.latest(id, (issueTime - stepMs) as EpochMs)
  const usable =
    saved !== undefined && saved.model === config.model && saved.state.length === model.stateSize
  let from: number
  let startState: Float64Array
  if (usable) {
    from = saved.t + stepMs
    stepsBetween(from, issueTime, stepMs, `the state saved at ${iso(saved.t)}`)
    startState = Float64Array.from(saved.state)
    for (let i = 0; i < startState.length; i++) {
      if (!Number.isFinite(startState[i]!))
        throw new BasinInputError(`the state saved at ${iso(saved.t)} holds ${startState[i]}`)
    }
  } else {
    const n = coldStartSteps ?? 365 * STEPS_PER_DAY[model.timeStep]
    from = issueTime - n * stepMs
    startState = model.initialState(params, DEFAULT_INITIAL_LEVELS)
  }

  // Observed forcing over [from, issueTime).
  let observed = await readObservedForcing(
    deps.observations,
    forcingSeries,
    from as EpochMs,
    stepMs,
    (issueTime - from) / stepMs,
  )
  if (!usable) {
    // A cold start begins at the first step where every variable is observed.
    const first = firstObservedStep(observed)
    if (first === observed.steps)
      throw new BasinInputError(
        `no saved state, and no step from ${iso(from)} to the issue time with all of its forcing observed`,
      )
    observed = sliceForcing(observed, first, observed.steps)
  }
  requireCompleteForcing(observed)
  const { precip, pet, temp } = observed
  from = observed.from
  const steps = observed.steps
  const times = forcingTimes(model, observed)

  // The forcing forecast from the issue time on.
  const ff = forcing ?? (await deps.forcing.latest(id, issueTime))
  if (ff === undefined) throw new BasinInputError(`no forcing forecast issued by ${iso(issueTime)}`)
  if (ff.stepMs !== stepMs)
    throw new BasinInputError(`the forcing forecast has a step of ${ff.stepMs} ms, not ${stepMs}`)
  const offset = stepsBetween(ff.issueTime, issueTime, stepMs, 'the forcing forecast')
  if (offset < 0)
    throw new BasinInputError(`the forcing forecast is issued after ${iso(issueTime)}`)
  const members = ff.precip.length
  const length = ff.precip[0]?.length ?? 0
  if (members !== shape.members || length - offset !== shape.leadSteps)
    throw new BasinInputError(
      `the forcing forecast has ${members} members × ${length - offset} lead steps, the run ${shape.members} × ${shape.leadSteps}`,
    )
  if (shape.leadSteps < 1) throw new BasinInputError('the forcing forecast ends by the issue time')
  const fPrecip = forecastMembers(ff.precip, members, length, offset, 'precipitation', true)
  let fPet: Float64Array[]
  if (ff.pet !== null) fPet = forecastMembers(ff.pet, members, length, offset, 'pet', true)
  else fPet = [await persistedPet(deps.observations, forcingSeries.pet, issueTime, stepMs, shape)]
  let fTemp: Float64Array[] | null = null
  let fTimes: Float64Array | null = null
  if (model.needsTemperature) {
    if (ff.temp === null)
      throw new BasinInputError(`${model.name} needs a temperature forecast; the forcing has none`)
    fTemp = forecastMembers(ff.temp, members, length, offset, 'temperature', false)
    fTimes = new Float64Array(shape.leadSteps)
    for (let j = 0; j < shape.leadSteps; j++) fTimes[j] = issueTime + j * stepMs
  }

  // Thresholds of every discharge series of the basin.
  const thresholds: Threshold[] = []
  const seen = new Set<string>()
  for (const s of dischargeAll) {
    for (const th of await deps.thresholds.list(s.id)) {
      if (seen.has(th.id)) continue
      if (!Number.isFinite(th.value))
        throw new BasinInputError(`threshold ${th.id} has the value ${th.value}`)
      seen.add(th.id)
      thresholds.push(th)
    }
  }

  return {
    basin,
    config,
    model,
    options,
    params,
    stepMs,
    startState,
    coldStart: !usable,
    observed: { from: from as EpochMs, steps, precip, pet, temp, times },
    forecast: { source: ff.source, precip: fPrecip, pet: fPet, temp: fTemp, times: fTimes },
    dischargeSeriesId: dischargeObserved[0]?.id ?? null,
    thresholds,
  }
}

/**
 * PET for a forcing forecast without one: the last observed day repeated (the diurnal cycle at
 * hourly steps, the last value at daily steps). PET varies slowly from day to day, so this is
 * the usual stand-in over a forecast horizon of days.
 */
async function persistedPet(
  observations: ObservationRepository,
  series: Series,
  issueTime: number,
  stepMs: number,
  shape: RunShape,
): Promise<Float64Array> {
  const perDay = Math.max(1, Math.round(MS_PER_DAY / stepMs))
  const from = issueTime - perDay * stepMs
  const day = await readGrid(observations, series, from, stepMs, perDay)
  requireComplete(day, 0, from, stepMs, 'pet (for the forecast, which has none)', true)
  const out = new Float64Array(shape.leadSteps)
  for (let j = 0; j < shape.leadSteps; j++) out[j] = day[j % perDay]!
  return out
}
