import { existsSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { InputError } from '../../core/errors.ts'
import { HINDCAST_UPDATES, runHindcast } from '../../forecast/hindcast/hindcast.ts'
import { returnLevelThresholds } from '../../forecast/hindcast/references.ts'
import { hindcastSkill } from '../../forecast/hindcast/skill.ts'
import { firstForcingGap, hindcastStart } from '../../forecast/hindcast/warm-start.ts'
import { replayWarnings, warningThresholds } from '../../forecast/hindcast/warnings.ts'
import type { WarningThreshold } from '../../forecast/hindcast/warnings.ts'
import type { HindcastUpdate } from '../../forecast/hindcast/hindcast.ts'
import { calibrate } from '../../hydro/calibrate/calibrate.ts'
import { parseStepDate } from '../../observe/forcing-csv.ts'
import { openStore, type Store } from '../../store/index.ts'
import type { EpochMs } from '../../core/brand.ts'
import { ID_PATTERN, type BasinId } from '../../core/ids.ts'
import type { Basin } from '../../observe/types.ts'
import { guard } from '../errors.ts'
import {
  hindcastCsv,
  hindcastHtml,
  hindcastSummary,
  hindcastWarningsCsv,
} from '../hindcast-report.ts'
import type { HindcastContext, HindcastWarnings } from '../hindcast-report.ts'
import { loadModelRun, paramVector, type ModelRun } from '../model-run-file.ts'
import { progressBar } from '../progress.ts'

interface HindcastOptions {
  from?: string
  to?: string
  every: string
  members: string
  horizon: string
  update: string
  seed: string
  csv?: string
  warningsCsv?: string
  report?: string
  calibrate?: boolean
  thresholds: string
  db?: string
  basin?: string
}

const THRESHOLD_KINDS = ['quantiles', 'return-levels'] as const

function whole(name: string, value: string, min: number, max: number): number {
  const v = Number(value)
  if (!(Number.isInteger(v) && v >= min && v <= max))
    throw new InputError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`)
  return v
}

/** Index of the step starting at `date` in the run's forcing. */
function stepOf(run: ModelRun, date: string, option: string): number {
  const t = parseStepDate(date)
  if (Number.isNaN(t)) throw new InputError(`--${option}: not a date: "${date}"`)
  const times = run.table.times
  const n = times.length
  const i = Math.round((t - times[0]!) / run.table.stepMs)
  if (!(i >= 0 && i < n) || times[i] !== t)
    throw new InputError(
      `--${option} ${date} lies outside the forcing data (${run.table.dates[0]}..${run.table.dates[n - 1]})`,
    )
  return i
}

/**
 * The warning thresholds of the basin (return levels of the calibration period, in m³/s when
 * the area is known), or why there are none.
 */
function fitWarningThresholds(
  run: ModelRun,
  observed: Float64Array,
): { thresholds: WarningThreshold[]; note: string; unit: string; factor: number } | string {
  const [rs, re] = run.run
  const area = run.areaKm2
  const factor = area !== undefined ? (area * 1000) / 86_400 : 1
  const unit = area !== undefined ? 'm³/s' : 'mm/day'
  try {
    const fit = warningThresholds(observed, run.table.times, run.table.stepMs, rs, re, factor, unit)
    return { ...fit, unit, factor }
  } catch (e) {
    if (e instanceof InputError) return e.message
    throw e
  }
}

/** Relative difference beyond which a run file's area and the stored basin's disagree. */
const AREA_TOLERANCE = 0.01

/**
 * Opens the database of `--db` and finds the basin of `--basin` in it, checked against the run
 * file's area, before the hindcast runs.
 */
async function openSkillTarget(
  url: string,
  id: string,
  run: ModelRun,
): Promise<{ store: Store; basin: Basin }> {
  if (!ID_PATTERN.test(id))
    throw new InputError(`--basin: not an id (1–64 letters, digits, . _ - :): "${id}"`)
  // Storing into a database must not create one that holds no basin.
  if (!/^postgres(ql)?:\/\//.test(url) && !existsSync(url))
    throw new InputError(`--db: no database at ${url}`)
  let store: Store
  try {
    store = await openStore(url)
  } catch (e) {
    throw new InputError(`--db ${url}: cannot open the database: ${(e as Error).message}`)
  }
  try {
    const basin = await store.basins.find(id as BasinId)
    if (basin === undefined) throw new InputError(`--basin: no basin ${id} in the database ${url}`)
    const area = run.areaKm2
    if (area !== undefined && Math.abs(area - basin.areaKm2) > AREA_TOLERANCE * basin.areaKm2)
      throw new InputError(
        `--basin ${id}: its area in the database (${basin.areaKm2} km²) is not the run file's (${area} km²); is it the same basin?`,
      )
    return { store, basin }
  } catch (e) {
    await store.close()
    throw e
  }
}

function writeOut(path: string, text: string): void {
  try {
    writeFileSync(path, text)
  } catch (e) {
    throw new InputError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`)
  }
}

/**
 * `freshet hindcast SPEC.json [--from DATE] [--to DATE] [--every N] [--members 51]
 * [--horizon 10] [--update none|routing|correction|enkf] [--seed N] [--csv FILE]
 * [--warnings-csv FILE] [--report FILE.html] [--calibrate] [--thresholds
 * quantiles|return-levels] [--db URL --basin ID]`: replays daily forecast cycles over a
 * historical period, scores them per lead time, and replays the warning rules over them
 * (src/forecast/hindcast/). With `--db` and `--basin`, the scores of the reported variant are
 * stored as the basin's skill (src/forecast/hindcast/skill.ts; flows in m³/s over the area of
 * the basin in the database), which `GET /api/v1/basins/{id}/skill` serves.
 */
export function registerHindcast(program: Command): void {
  program
    .command('hindcast')
    .description(
      'replay daily forecasts over a past period with synthetic ensemble forcing and score them',
    )
    .argument('<spec>', 'model-run file (JSON); its run period is the calibration period')
    .option('--from <date>', 'first issue day (default: the day after the run period)')
    .option('--to <date>', 'last issue day (default: the last one whose horizon has forcing)')
    .option('--every <n>', 'days between issues', '1')
    .option('--members <n>', 'ensemble members', '51')
    .option('--horizon <n>', 'forecast horizon (days)', '10')
    .option('--update <method>', `state update: ${HINDCAST_UPDATES.join(', ')}`, 'enkf')
    .option('--seed <n>', 'seed of the synthetic members and the filter', '1')
    .option('--csv <file>', 'write the scores per lead time as CSV')
    .option(
      '--warnings-csv <file>',
      'write the verification of the replayed warnings (POD, FAR, CSI, lead per level) as CSV',
    )
    .option('--report <file>', 'write a self-contained HTML report')
    .option('--calibrate', 'calibrate (KGE) over the run period even when the file has params')
    .option(
      '--thresholds <kind>',
      'quantiles (Q90, Q95, Q99) or return-levels (T2, T5, T10) of the run period',
      'quantiles',
    )
    .option('--db <url>', 'store the skill in this database (a SQLite file or a postgres:// URL)')
    .option('--basin <id>', 'the basin in --db whose skill this hindcast measures')
    .action((specPath: string, opts: HindcastOptions) =>
      guard(async () => {
        const every = whole('every', opts.every, 1, 366)
        const members = whole('members', opts.members, 2, 1000)
        const horizon = whole('horizon', opts.horizon, 1, 60)
        const seed = Number(opts.seed)
        if (!Number.isInteger(seed))
          throw new InputError(`--seed must be an integer, got "${opts.seed}"`)
        if (!(HINDCAST_UPDATES as readonly string[]).includes(opts.update))
          throw new InputError(
            `--update must be one of ${HINDCAST_UPDATES.join(', ')}, got "${opts.update}"`,
          )
        const update = opts.update as HindcastUpdate
        if (!(THRESHOLD_KINDS as readonly string[]).includes(opts.thresholds))
          throw new InputError(
            `--thresholds must be one of ${THRESHOLD_KINDS.join(', ')}, got "${opts.thresholds}"`,
          )
        if ((opts.db === undefined) !== (opts.basin === undefined))
          throw new InputError('--db and --basin go together: the database and the basin in it')
        const run = loadModelRun(specPath)
        const model = run.model
        if (model.timeStep !== 'daily')
          throw new InputError(`${model.name}: hindcasts run daily models only`)
        if (model.needsTemperature && run.spec.snow?.meanAnnualSolidPrecipMm === undefined)
          throw new InputError(
            `${specPath}: a hindcast of ${model.name} needs snow.meanAnnualSolidPrecipMm (the forecasts run on ${horizon} days of forcing, too few to compute it)`,
          )
        const observed = run.table.columns.get('q_mm')
        if (observed === undefined)
          throw new InputError(`${run.spec.forcing}: missing column "q_mm" (observed flow)`)
        const n = run.table.times.length
        const [rs, re] = run.run
        const lastPossible = n - horizon
        if (opts.from === undefined && re > lastPossible)
          throw new InputError(
            `${specPath}: no forcing data after the run period (${run.spec.run.end}) for a ${horizon}-day hindcast; give --from`,
          )
        const first = opts.from !== undefined ? stepOf(run, opts.from, 'from') : re
        const last = opts.to !== undefined ? stepOf(run, opts.to, 'to') : lastPossible
        if (first <= rs)
          throw new InputError(
            `--from must come after the start of the run period (${run.spec.run.start}), so that the model is warm`,
          )
        if (last < first)
          throw new InputError(
            opts.to !== undefined
              ? `--to (${run.table.dates[last]}) comes before --from (${run.table.dates[first]})`
              : `--from ${run.table.dates[first]}: a ${horizon}-day forecast issued then runs past the forcing data (last ${run.table.dates[n - 1]})`,
          )
        if (last > lastPossible)
          throw new InputError(
            `--to: a ${horizon}-day forecast issued on ${run.table.dates[last]} runs past the forcing data (last ${run.table.dates[n - 1]})`,
          )
        const gap = firstForcingGap(model, run.forcing, rs, last + horizon)
        if (gap !== undefined)
          throw new InputError(
            `${run.spec.forcing}: missing ${gap.column} on ${run.table.dates[gap.step]}, inside the hindcast`,
          )

        const target =
          opts.db !== undefined && opts.basin !== undefined
            ? await openSkillTarget(opts.db, opts.basin, run)
            : undefined
        try {
          await runAndReport(
            specPath,
            opts,
            run,
            { every, members, horizon, seed, update, first, last },
            target,
          )
        } finally {
          await target?.store.close()
        }
      }),
    )
}

/** The hindcast's settings once checked: steps and counts. */
interface Checked {
  readonly every: number
  readonly members: number
  readonly horizon: number
  readonly seed: number
  readonly update: HindcastUpdate
  /** First and last issue steps. */
  readonly first: number
  readonly last: number
}

async function runAndReport(
  specPath: string,
  opts: HindcastOptions,
  run: ModelRun,
  checked: Checked,
  target: { store: Store; basin: Basin } | undefined,
): Promise<void> {
  const { every, members, horizon, seed, update, first, last } = checked
  const model = run.model
  const observed = run.table.columns.get('q_mm')!
  const [rs, re] = run.run
  const t0 = performance.now()
  let params: Float64Array
  let calibration: HindcastContext['calibration'] = null
  if (run.spec.params !== undefined && opts.calibrate !== true) {
    params = paramVector(run, specPath, run.spec.params)
  } else {
    const bar = progressBar(`calibrating ${model.name}`)
    const cal = calibrate(
      model,
      run.forcing,
      { warmupStart: run.warmup[0], start: rs, end: re },
      run.observed,
      {
        criterion: 'KGE',
        seed,
        levels: run.levels,
        onProgress: (d, t, best) => bar.update(d, t, `KGE ${best.toFixed(4)}`),
      },
    )
    bar.stop()
    params = cal.params
    calibration = { criterion: 'KGE', value: cal.value }
  }
  const levels =
    opts.thresholds === 'return-levels'
      ? returnLevelThresholds(observed, run.table.times, run.table.stepMs, rs, re)
      : null
  const { stateStep, initialState } = hindcastStart(
    {
      model,
      params,
      forcing: run.forcing,
      warmup: run.warmup,
      runStart: rs,
      levels: run.levels,
    },
    first,
  )
  const updates: HindcastUpdate[] = update === 'none' ? ['none'] : [update, 'none']
  const warnFit = fitWarningThresholds(run, observed)
  if (typeof warnFit === 'string' && opts.warningsCsv !== undefined)
    throw new InputError(`--warnings-csv: no warnings can be replayed: ${warnFit}`)
  const bar = progressBar('hindcast')
  const result = runHindcast({
    model,
    params,
    forcing: run.forcing,
    observed,
    initialState,
    stateStep,
    reference: { start: rs, end: re },
    firstIssue: first,
    lastIssue: last,
    every,
    members,
    horizon,
    updates,
    seed,
    ...(levels !== null ? { thresholds: levels.thresholds, thresholdNote: levels.note } : {}),
    ...(typeof warnFit !== 'string'
      ? { exceedanceThresholds: warnFit.thresholds.map((t) => t.value / warnFit.factor) }
      : {}),
    onProgress: (done, total) =>
      bar.update(done, total, run.table.dates[first + (done - 1) * every] ?? ''),
  })
  bar.stop()
  let warnings: HindcastWarnings
  if (typeof warnFit === 'string') {
    warnings = { skipped: warnFit }
  } else {
    const flow = observed.map((q) => q * warnFit.factor)
    warnings = {
      thresholds: warnFit.thresholds,
      note: warnFit.note,
      unit: warnFit.unit,
      observed: flow,
      replays: result.variants.map((v) => ({
        update: v.update,
        replay: replayWarnings({
          issues: result.issues,
          horizon,
          times: run.table.times,
          stepMs: run.table.stepMs,
          observed: flow,
          thresholds: warnFit.thresholds,
          exceedance: v.exceedance,
          basinId: run.basinLabel.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 48),
        }),
      })),
    }
  }
  const seconds = (performance.now() - t0) / 1000
  const context: HindcastContext = {
    specPath,
    run,
    params,
    calibration,
    observed,
    seconds,
    warnings,
  }
  process.stdout.write(hindcastSummary(result, context))
  if (opts.csv !== undefined) writeOut(opts.csv, hindcastCsv(result))
  if (opts.warningsCsv !== undefined && !('skipped' in warnings))
    writeOut(opts.warningsCsv, hindcastWarningsCsv(result, warnings))
  if (opts.report !== undefined) writeOut(opts.report, hindcastHtml(result, context))
  if (target !== undefined) {
    const skill = hindcastSkill(result, {
      basinId: target.basin.id,
      computedAt: Date.now() as EpochMs,
      model: model.name,
      times: run.table.times,
      stepMs: run.table.stepMs,
      everySteps: every,
      areaKm2: target.basin.areaKm2,
    })
    await target.store.hindcastSkill.put(skill)
    process.stdout.write(
      `skill of ${skill.update} stored for basin ${skill.basinId} (${skill.issues} forecasts, flows in m³/s over ${target.basin.areaKm2} km²)\n`,
    )
  }
}
