/**
 * Calibration of a rainfall-runoff model against observed flow: airGR's `Calibration_Michel`
 * (Michel 1991; Coron et al. 2017, Environ. Model. Softw. 94, 166–171), run as airGR runs it,
 * then by default a refinement that polishes its result and searches around it (see
 * `refine.ts`: a quadratic model, then DDS of Tolson & Shoemaker 2007). The refinement only
 * ever keeps improvements, so the criterion reached is never worse than Michel's, that is than
 * airGR's.
 *
 * Pure: no clock, no I/O; randomness comes from a seeded generator, so the same inputs and
 * seed give the same result to the bit.
 */
import { InputError } from '../../core/errors.ts'
import { seededRng } from '../../core/rng.ts'
import type { CriterionName, FlowTransform } from '../criteria/efficiency.ts'
import { CRITERION_NAMES } from '../criteria/efficiency.ts'
import type { RunPeriod } from '../models/run-model.ts'
import type { Forcing, InitialLevels, ModelDefinition } from '../models/types.ts'
import { michelSearch } from './michel.ts'
import type { SearchProblem } from './objective.ts'
import { bindModelObjective, realOf } from './objective.ts'
import { polishIterationRuns, refine } from './refine.ts'
import { defaultSearchRanges, defaultStartGrid, transformsFor } from './transforms.ts'

/** `michel`: airGR's method alone; `michel+refine`: followed by the refinement (default). */
export type CalibrationMethod = 'michel' | 'michel+refine'

export interface CalibrationOptions {
  /** Criterion to optimise: NSE, KGE, KGE2 (maximised) or RMSE (minimised). */
  readonly criterion: CriterionName
  /** Flow transformation applied before the criterion (default none). */
  readonly transform?: FlowTransform
  /** Added to both flows before the transformation (mm per time step). */
  readonly epsilon?: number
  /** Seed of the refinement's random search (default 1); same seed, same result. */
  readonly seed?: number
  readonly method?: CalibrationMethod
  /**
   * Called after each model run with the runs done, the runs planned and the best criterion so
   * far (NaN until one is finite). `done` grows by one with each run (the last call may repeat
   * it) and `best` never worsens. `total` is an estimate, never below `done`, since neither the
   * descent's length nor the polish's is known ahead; the last call has `done === total`.
   */
  readonly onProgress?: (done: number, total: number, best: number) => void
  /** Parameters to hold, by name, at a real value (in the parameter's unit). */
  readonly fixed?: Readonly<Record<string, number>>
  /** Initial store levels of every run (default airGR's 0.3 / 0.5). */
  readonly levels?: InitialLevels
  /** Search range `[low, high]` of each parameter in real space (each in its unit); default airGR's. */
  readonly searchRanges?: readonly (readonly [number, number])[]
  /** Starting values of the grid screening per parameter (real, each in its unit); default airGR's. */
  readonly startGrid?: readonly (readonly number[])[]
  /**
   * GR5H only: take airGR's starting grid for the model with its interception store. Default:
   * whether the model has one (a numeric `imaxMm`, as `createGr5h` gives it).
   */
  readonly interception?: boolean
  /**
   * Most model runs the refinement's polish may make (default: enough for ten iterations, 150
   * with four free parameters). It usually ends well before: on GR4J after one iteration,
   * about ten runs, most of its first stencil being Michel's last one.
   */
  readonly polishEvaluations?: number
  /**
   * Model runs of the refinement's DDS search (default 3 per free parameter). Raise it for a
   * wider search of other optima; on the GR4J basins tried, even 2000 found none better.
   */
  readonly searchEvaluations?: number
}

/** Which step of the calibration a history row comes from. */
export type CalibrationPhase = 'grid' | 'descent' | 'refine'

export interface CalibrationStep {
  /** Real parameters (each in its unit, the model's order). */
  readonly params: Float64Array
  /** Criterion value (its own unit). */
  readonly value: number
  readonly phase: CalibrationPhase
}

export interface CalibrationResult {
  /** Calibrated parameters (real, each in its unit, the model's order). */
  readonly params: Float64Array
  /** Criterion reached (its own unit; for NSE, KGE, KGE2 higher is better, RMSE lower). */
  readonly value: number
  /** Model runs made. */
  readonly evaluations: number
  /**
   * Best point after each step, as airGR's `HistParamR`/`HistCrit`: row 0 the best grid point,
   * then one row per descent iteration; then one row per improvement of the refinement.
   */
  readonly history: CalibrationStep[]
  /** What Michel's method alone reached (airGR's `ParamFinalR`, `CritFinal`, `NIter`, `NRuns`). */
  readonly michel: {
    readonly params: Float64Array
    readonly value: number
    readonly iterations: number
    readonly evaluations: number
  }
}

/** Polish iterations the default refinement budget can pay for (the polish usually ends sooner). */
const POLISH_ITERATIONS_CAP = 10
/** Runs per free parameter that the default refinement keeps for DDS. */
const SEARCH_RUNS_PER_PARAMETER = 3
/** Descent iterations assumed for the progress estimate until the descent ends. */
const DESCENT_ITERATIONS_ESTIMATE = 25

/**
 * Calibrates `model` on `forcing` over `period` against observed flow `obs`.
 *
 * @param obs observed flow (mm per time step) aligned with the run period: `period.end −
 *   period.start` values, NaN where missing
 * @throws InputError when the period, observations, options or the model's parameters do not
 *   fit (unknown criterion or parameter, no transform for a parameter, every parameter fixed,
 *   a search range or grid of the wrong shape, no finite criterion on the starting grid)
 */
export function calibrate(
  model: ModelDefinition,
  forcing: Forcing,
  period: RunPeriod,
  obs: Float64Array,
  options: CalibrationOptions,
): CalibrationResult {
  if (!CRITERION_NAMES.includes(options.criterion))
    throw new InputError(`unknown criterion "${String(options.criterion)}"`)
  const method = options.method ?? 'michel+refine'
  if (method !== 'michel' && method !== 'michel+refine')
    throw new InputError(`unknown calibration method "${String(method)}"`)
  const seed = options.seed ?? 1
  if (!Number.isInteger(seed)) throw new InputError(`seed must be an integer, got ${seed}`)
  const names = model.paramNames
  const n = names.length
  const transforms = transformsFor(model)
  const { free, fixedReal } = fixedParameters(names, options.fixed ?? {})
  const nFree = free.filter(Boolean).length
  if (nFree === 0) throw new InputError('every parameter is fixed: nothing to calibrate')
  const ranges = options.searchRanges ?? defaultSearchRanges(transforms)
  checkShape('searchRanges', ranges, n, 2)
  const lowerT = new Float64Array(n)
  const upperT = new Float64Array(n)
  ranges.forEach(([a, b], i) => {
    const ta = transforms[i]!.toTransformed(a)
    const tb = transforms[i]!.toTransformed(b)
    if (!(a < b) || !Number.isFinite(ta) || !Number.isFinite(tb))
      throw new InputError(
        `searchRanges: ${names[i]} needs low < high inside its domain, got [${a}, ${b}]`,
      )
    lowerT[i] = Math.min(ta, tb)
    upperT[i] = Math.max(ta, tb)
  })
  const interception =
    options.interception ?? typeof (model as { imaxMm?: unknown }).imaxMm === 'number'
  const grid = options.startGrid ?? defaultStartGrid(model, { interception })
  checkShape('startGrid', grid, n, -1)

  const objective = bindModelObjective(model, forcing, period, obs, options.criterion, {
    ...(options.transform !== undefined ? { transform: options.transform } : {}),
    ...(options.epsilon !== undefined ? { epsilon: options.epsilon } : {}),
    ...(options.levels !== undefined ? { levels: options.levels } : {}),
  })
  const mult = objective.multiplier
  const polishRuns = wholeNumber(
    'polishEvaluations',
    options.polishEvaluations ?? POLISH_ITERATIONS_CAP * polishIterationRuns(nFree),
  )
  const searchRuns = wholeNumber(
    'searchEvaluations',
    options.searchEvaluations ?? SEARCH_RUNS_PER_PARAMETER * nFree,
  )
  const refining = method !== 'michel' && polishRuns + searchRuns > 0
  // Runs the refinement is expected to make, for progress: one polish iteration and the search.
  const refineEstimate = refining
    ? Math.min(polishRuns, polishIterationRuns(nFree)) + searchRuns
    : 0

  // Every model run goes through here: a cache (points already run are answered without a
  // run, as the refinement's first stencil mostly is), the run count, and progress.
  let gridSize = 1
  grid.forEach((values, i) => (gridSize *= free[i] ? new Set(values).size : 1))
  let runs = 0
  let michelRuns = 0
  let lastTotal = 0
  let bestLoss = Infinity
  let descentDone = false
  let descentRuns = DESCENT_ITERATIONS_ESTIMATE * (2 * nFree + 1)
  const cache = new Map<string, number>()
  const problem: SearchProblem = {
    n,
    transforms,
    free,
    fixedReal,
    lowerT,
    upperT,
    lossOfReal(real: Float64Array): number {
      const key = real.join(',')
      const hit = cache.get(key)
      if (hit !== undefined) return hit
      const loss = mult * objective.criterion(real)
      cache.set(key, loss)
      runs++
      if (loss < bestLoss) bestLoss = loss
      if (options.onProgress !== undefined) {
        if (!descentDone) descentRuns = Math.max(descentRuns, runs - gridSize + 2 * nFree + 1)
        const total = (descentDone ? michelRuns : gridSize + descentRuns) + refineEstimate
        lastTotal = Math.max(total, descentDone && refining ? runs + 1 : runs)
        options.onProgress(runs, lastTotal, bestLoss === Infinity ? NaN : mult * bestLoss)
      }
      return loss
    },
  }

  const history: CalibrationStep[] = []
  let iterations = 0
  const m = michelSearch(problem, grid, (step) => {
    history.push({
      params: step.real,
      value: mult * step.loss,
      phase: iterations++ === 0 ? 'grid' : 'descent',
    })
  })
  michelRuns = runs
  descentDone = true
  const michel = {
    params: m.best.real,
    value: mult * m.best.loss,
    iterations: m.history.length,
    evaluations: runs,
  }
  const finish = (params: Float64Array, loss: number): CalibrationResult => {
    // The last report has done === total, whatever the estimate said before.
    if (options.onProgress !== undefined && lastTotal !== runs)
      options.onProgress(runs, runs, mult * loss)
    return { params, value: mult * loss, evaluations: runs, history, michel }
  }
  if (!refining) return finish(m.best.real, m.best.loss)

  const rng = seededRng(seed)
  const best = refine(problem, m.best.t, m.best.loss, {
    polishRuns,
    searchRuns,
    step: m.lastPace,
    minStep: m.lastPace / 4,
    rng,
    runs: () => runs,
    onImprove: (t, loss) =>
      history.push({
        params: realOf(problem, t, new Float64Array(n)),
        value: mult * loss,
        phase: 'refine',
      }),
  })
  return finish(realOf(problem, best.t, new Float64Array(n)), best.loss)
}

/** `v` when it is a whole number ≥ 0. @throws InputError otherwise */
function wholeNumber(what: string, v: number): number {
  if (!(Number.isInteger(v) && v >= 0))
    throw new InputError(`${what} must be a whole number ≥ 0, got ${v}`)
  return v
}

/** Which parameters are free, and the real values of the fixed ones (NaN for free ones). */
function fixedParameters(
  names: readonly string[],
  fixed: Readonly<Record<string, number>>,
): { free: boolean[]; fixedReal: Float64Array } {
  for (const [name, v] of Object.entries(fixed)) {
    if (!names.includes(name))
      throw new InputError(`fixed: no parameter "${name}" (has ${names.join(', ')})`)
    if (!Number.isFinite(v))
      throw new InputError(`fixed: ${name} must be a finite number, got ${v}`)
  }
  const fixedReal = new Float64Array(names.length).fill(NaN)
  const free = names.map((name, i) => {
    const v = fixed[name]
    if (v === undefined) return true
    fixedReal[i] = v
    return false
  })
  return { free, fixedReal }
}

/** Checks one row per parameter, each of `width` finite numbers (any width ≥ 1 when −1). */
function checkShape(
  what: string,
  rows: readonly (readonly number[])[],
  n: number,
  width: number,
): void {
  if (rows.length !== n)
    throw new InputError(`${what}: expected ${n} rows (one per parameter), got ${rows.length}`)
  rows.forEach((row, i) => {
    if ((width > 0 && row.length !== width) || row.length === 0 || !row.every(Number.isFinite))
      throw new InputError(
        `${what}: row ${i} must hold ${width > 0 ? width : 'some'} finite numbers`,
      )
  })
}
