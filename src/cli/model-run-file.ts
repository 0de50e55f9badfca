/**
 * Reading a model-run file (docs/run-spec.md): the JSON that names a model, its forcing and
 * basin files, parameters and periods. Everything is checked before anything runs, and every
 * problem is reported with the file and field it concerns.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import { InputError } from '../core/errors.ts'
import { formatIssue, type Issue } from '../core/result.ts'
import { createModel, type ModelOptions } from '../hydro/models/registry.ts'
import type { Forcing, InitialLevels, ModelDefinition } from '../hydro/models/types.ts'
import { DEFAULT_INITIAL_LEVELS, STEPS_PER_DAY } from '../hydro/models/types.ts'
import { parseSeriesCsv, parseStepDate, type SeriesTable } from '../observe/forcing-csv.ts'

const dateRange = z.object({ start: z.string(), end: z.string() })

const modelRunSchema = z.object({
  model: z.string(),
  forcing: z.string(),
  basin: z.string().optional(),
  params: z.record(z.string(), z.number()).optional(),
  snow: z
    .object({
      layers: z.number().int().min(1).max(100).default(5),
      hysteresis: z.boolean().default(false),
      meanAnnualSolidPrecipMm: z.number().positive().optional(),
    })
    .optional(),
  interception: z.object({ imaxMm: z.number().nonnegative() }).optional(),
  warmup: dateRange.optional(),
  run: dateRange,
  initialState: z
    .object({
      productionStoreFraction: z.number().min(0).max(1).default(0.3),
      routingStoreFraction: z.number().min(0).max(1).default(0.5),
    })
    .optional(),
})

export type ModelRunSpec = z.infer<typeof modelRunSchema>

const basinSchema = z.object({
  code: z.string().optional(),
  name: z.string().optional(),
  area_km2: z.number().positive(),
  hypso_m: z.array(z.number()).length(101).optional(),
})

/** A model-run file read and checked, ready to run. */
export interface ModelRun {
  readonly spec: ModelRunSpec
  readonly model: ModelDefinition
  readonly forcing: Forcing
  readonly table: SeriesTable
  readonly areaKm2: number | undefined
  /** The basin's code or, failing that, its file name, for messages. */
  readonly basinLabel: string
  /** Index ranges into the forcing: [start, end) of the warm-up (may be empty) and of the run. */
  readonly warmup: readonly [number, number]
  readonly run: readonly [number, number]
  readonly levels: InitialLevels
  /** Observed flow over the run period (mm per step), NaN where missing or absent. */
  readonly observed: Float64Array
  readonly hasObserved: boolean
}

function fail(file: string, issues: readonly Issue[]): never {
  throw new InputError(`${file}: ${issues.map(formatIssue).join('; ')}`)
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new InputError(
      `cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    )
  }
}

function readJson(path: string, what: string): unknown {
  const text = readText(path, what)
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`)
  }
}

function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }))
}

/** Finds the index range [start, end) of the inclusive date range in the forcing's dates. */
function periodIndices(
  table: SeriesTable,
  range: { start: string; end: string },
  field: string,
  file: string,
): [number, number] {
  const t0 = parseStepDate(range.start)
  const t1 = parseStepDate(range.end)
  if (Number.isNaN(t0))
    fail(file, [{ path: [field, 'start'], message: `not a date: "${range.start}"` }])
  if (Number.isNaN(t1))
    fail(file, [{ path: [field, 'end'], message: `not a date: "${range.end}"` }])
  if (t1 < t0)
    fail(file, [
      { path: [field], message: `ends (${range.end}) before it starts (${range.start})` },
    ])
  const n = table.times.length
  const first = table.dates[0] ?? '?'
  const last = table.dates[n - 1] ?? '?'
  if (n === 0 || t0 < table.times[0]! || t1 > table.times[n - 1]!) {
    fail(file, [
      {
        path: [field],
        message: `${range.start}..${range.end} lies outside the forcing data (${first}..${last})`,
      },
    ])
  }
  const step = n >= 2 ? table.stepMs : 1
  const a = Math.round((t0 - table.times[0]!) / step)
  const b = Math.round((t1 - table.times[0]!) / step)
  if (table.times[a] !== t0 || table.times[b] !== t1) {
    fail(file, [
      {
        path: [field],
        message: `${range.start}..${range.end} does not fall on the forcing's time steps`,
      },
    ])
  }
  return [a, b + 1]
}

/**
 * Reads, checks and prepares the model-run file at `path`.
 * @throws InputError naming the file and field of the first problems found
 */
export function loadModelRun(path: string): ModelRun {
  const raw = readJson(path, 'model-run file')
  const parsed = modelRunSchema.safeParse(raw)
  if (!parsed.success) fail(path, zodIssues(parsed.error))
  const spec = parsed.data
  const dir = dirname(resolve(path))

  let areaKm2: number | undefined
  let basinLabel = spec.basin ?? spec.forcing
  let hypsometry: Float64Array | undefined
  if (spec.basin !== undefined) {
    const basinPath = resolve(dir, spec.basin)
    const b = basinSchema.safeParse(readJson(basinPath, 'basin file'))
    if (!b.success) fail(basinPath, zodIssues(b.error))
    areaKm2 = b.data.area_km2
    basinLabel = b.data.code ?? spec.basin
    if (b.data.hypso_m !== undefined) hypsometry = Float64Array.from(b.data.hypso_m)
  }

  const modelOptions: ModelOptions = {
    ...(spec.interception !== undefined ? { interception: spec.interception } : {}),
    ...(spec.model.startsWith('CemaNeige')
      ? {
          snow: {
            layers: spec.snow?.layers ?? 5,
            hysteresis: spec.snow?.hysteresis ?? false,
            ...(spec.snow?.meanAnnualSolidPrecipMm !== undefined
              ? { meanAnnualSolidPrecipMm: spec.snow.meanAnnualSolidPrecipMm }
              : {}),
          },
          ...(hypsometry !== undefined ? { hypsometry } : {}),
        }
      : spec.snow !== undefined
        ? { snow: { layers: spec.snow.layers, hysteresis: spec.snow.hysteresis } }
        : {}),
  }
  const built = createModel(spec.model, modelOptions)
  if (!built.ok) fail(path, built.issues)
  const model = built.value

  const forcingPath = resolve(dir, spec.forcing)
  const required = ['precip_mm', 'pet_mm', ...(model.needsTemperature ? ['temp_c'] : [])]
  const parsedTable = parseSeriesCsv(readText(forcingPath, 'forcing file'), forcingPath, required)
  if (!parsedTable.ok) throw new InputError(parsedTable.issues.map(formatIssue).join('; '))
  const table = parsedTable.value
  const expectedStep = 86_400_000 / STEPS_PER_DAY[model.timeStep]
  if (table.times.length >= 2 && table.stepMs !== expectedStep) {
    fail(path, [
      {
        path: ['forcing'],
        message: `${model.name} is ${model.timeStep === 'hourly' ? 'an hourly' : 'a daily'} model but ${spec.forcing} has a time step of ${table.stepMs / 3_600_000} h`,
      },
    ])
  }

  const run = periodIndices(table, spec.run, 'run', path)
  let warmup: [number, number] = [run[0], run[0]]
  if (spec.warmup !== undefined) {
    warmup = periodIndices(table, spec.warmup, 'warmup', path)
    if (warmup[1] > run[0])
      fail(path, [
        { path: ['warmup'], message: 'the warm-up must end before the run period starts' },
      ])
  }

  const columns = ['precip_mm', 'pet_mm', ...(model.needsTemperature ? ['temp_c'] : [])]
  for (const c of columns) {
    const v = table.columns.get(c)!
    for (const [a, b] of [warmup, run]) {
      for (let i = a; i < b; i++) {
        if (!Number.isFinite(v[i])) {
          fail(forcingPath, [
            {
              path: [c],
              message: `missing value on ${table.dates[i]}, inside the ${i < run[0] ? 'warm-up' : 'run'} period`,
            },
          ])
        }
      }
    }
  }
  const forcing: Forcing = {
    precip: table.columns.get('precip_mm')!,
    pet: table.columns.get('pet_mm')!,
    ...(model.needsTemperature ? { temp: table.columns.get('temp_c')! } : {}),
    times: table.times,
  }

  const qObs = table.columns.get('q_mm')
  const observed =
    qObs !== undefined ? qObs.slice(run[0], run[1]) : new Float64Array(run[1] - run[0]).fill(NaN)

  const levels: InitialLevels = spec.initialState ?? DEFAULT_INITIAL_LEVELS
  return {
    spec,
    model,
    forcing,
    table,
    areaKm2,
    basinLabel,
    warmup,
    run,
    levels,
    observed,
    hasObserved: qObs !== undefined,
  }
}

/**
 * The parameter vector of `run` from its `params` object, in the model's order.
 * @throws InputError for a missing or unknown parameter, or one outside the model's domain
 */
export function paramVector(
  run: ModelRun,
  path: string,
  params: Readonly<Record<string, number>> | undefined,
): Float64Array {
  const names = run.model.paramNames
  if (params === undefined)
    fail(path, [
      { path: ['params'], message: `missing; ${run.model.name} needs ${names.join(', ')}` },
    ])
  const issues: Issue[] = []
  for (const k of Object.keys(params)) {
    if (!names.includes(k))
      issues.push({
        path: ['params', k],
        message: `not a parameter of ${run.model.name} (${names.join(', ')})`,
      })
  }
  const v = new Float64Array(names.length)
  names.forEach((n, i) => {
    const x = params[n]
    if (x === undefined) issues.push({ path: ['params', n], message: 'missing' })
    else v[i] = x
  })
  if (issues.length === 0) issues.push(...run.model.checkParams(v))
  if (issues.length > 0) fail(path, issues)
  return v
}
