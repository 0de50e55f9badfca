/**
 * The {@link LpSolver} port of src/logistics/ports.ts on HiGHS (Huangfu & Hall 2018), compiled
 * to WebAssembly by the `highs` package. The WebAssembly module is loaded once per process and
 * shared; each solve creates a native model, runs it, copies the solution out and disposes it
 * (an undisposed model would leak WebAssembly memory), so calls never share solver state.
 *
 * Two ways in, measured on the allocation model (bench/allocation.ts):
 * - `arrays` (default): the column-wise matrix and bounds are passed as typed arrays, and a
 *   start basis, when the model has one, is installed before the run;
 * - `lp-text`: the model is written as CPLEX LP text (src/logistics/lp-format.ts) and parsed by
 *   HiGHS; slower (writing and parsing text) and without a start basis, kept as the portable
 *   form that any LP solver reads and that can be saved for a bug report.
 *
 * HiGHS's solve is synchronous: it blocks the calling thread for its duration.
 */
import * as highsPackage from 'highs'
import type { Highs, Model, ModelData } from 'highs'
import { toCplexLp } from '../logistics/lp-format.ts'
import type { LpBasis, LpModel, LpSolution, LpSolver, LpStatus } from '../logistics/ports.ts'

/** HiGHS option values by option name (see the HiGHS documentation), e.g. `{ presolve: 'off' }`. */
export type HighsOptionValues = Readonly<Record<string, string | number | boolean>>

/** How to build a {@link createHighsSolver}. */
export interface HighsSolverOptions {
  /** How the model is handed over (default `arrays`). */
  readonly input?: 'arrays' | 'lp-text'
  /**
   * HiGHS options for every solve, over the defaults `{ presolve: 'off',
   * simplex_dual_edge_weight_strategy: 1 }` (no presolve, Devex pricing: both faster on the
   * allocation model, where presolve removes little and Devex takes a third fewer iterations
   * than the default dual steepest edge). Output is always off.
   */
  readonly options?: HighsOptionValues
  /**
   * Solve a built-in transportation problem before returning (default false; about half a
   * second). V8 compiles
   * WebAssembly lazily and optimises hot functions only after they have run a while, so the first
   * large solve of a process takes several times longer than the next; a server creating its
   * solver at start-up pays this there instead of on the first request.
   */
  readonly warmUp?: boolean
}

/** An {@link LpSolver} on HiGHS, with the version of HiGHS it runs. */
export interface HighsSolver extends LpSolver {
  /** HiGHS version, e.g. `1.15.3`. */
  readonly version: string
}

let loading: Promise<Highs> | undefined

type Loader = () => Promise<Highs>

/**
 * The package's loader. Its types are CommonJS (the loader at `module.exports.default`) while
 * Node runs its ES build (the loader as the default export), so look in both places.
 */
function loaderOf(ns: unknown): Loader {
  const d = (ns as { default?: unknown }).default
  if (typeof d === 'function') return d as Loader
  const dd = (d as { default?: unknown } | undefined)?.default
  if (typeof dd === 'function') return dd as Loader
  throw new Error('the highs package exports no loader function')
}

/** Loads the HiGHS WebAssembly module once per process. */
export function loadHighsOnce(): Promise<Highs> {
  loading ??= loaderOf(highsPackage)()
  return loading
}

/**
 * Creates a solver on the shared HiGHS module (loading it on first use).
 * @throws Error when the WebAssembly module cannot be loaded
 */
export async function createHighsSolver(options: HighsSolverOptions = {}): Promise<HighsSolver> {
  const highs = await loadHighsOnce()
  const input = options.input ?? 'arrays'
  const highsOptions: HighsOptionValues = {
    presolve: 'off',
    simplex_dual_edge_weight_strategy: 1,
    ...options.options,
    output_flag: false,
  }
  if (options.warmUp === true) {
    const s = solveArrays(highs, warmUpModel(), highsOptions)
    if (s.status !== 'optimal') throw new Error(`HiGHS warm-up solve ended ${s.status}`)
  }
  return {
    version: highs.version.string,
    solve: (model) =>
      Promise.resolve(
        input === 'arrays'
          ? solveArrays(highs, model, highsOptions)
          : solveText(highs, model, highsOptions),
      ),
  }
}

/**
 * A transportation problem of 100 sources × 2,000 sinks (each sink reached by the 8 nearest
 * sources on a line, scarce supply, unmet demand penalised): the shape and size of a national
 * allocation of one item. Smaller warm-ups were measured to leave most of the first-solve delay.
 */
function warmUpModel(): LpModel {
  const S = 100
  const T = 2000
  const k = 8
  const arcs = T * k
  const numCols = arcs + T
  const numRows = S + T
  const colCost = new Float64Array(numCols)
  const colUpper = new Float64Array(numCols).fill(Infinity)
  const starts = new Int32Array(numCols + 1)
  const indices = new Int32Array(2 * arcs + T)
  const values = new Float64Array(2 * arcs + T).fill(1)
  const rowLower = new Float64Array(numRows)
  const rowUpper = new Float64Array(numRows)
  let p = 0
  for (let t = 0; t < T; t++) {
    const at = (t * S) / T
    const first = Math.max(0, Math.min(S - k, Math.round(at) - k / 2))
    for (let i = 0; i < k; i++) {
      const j = t * k + i
      colCost[j] = 1 + Math.abs(first + i - at) + ((t * 7 + i * 3) % 5) / 10
      starts[j] = p
      indices[p++] = first + i
      indices[p++] = S + t
    }
  }
  for (let t = 0; t < T; t++) {
    colCost[arcs + t] = 1000
    starts[arcs + t] = p
    indices[p++] = S + t
    rowLower[S + t] = rowUpper[S + t] = 10 + ((t * 37) % 90)
  }
  starts[numCols] = p
  for (let s = 0; s < S; s++) {
    rowLower[s] = -Infinity
    rowUpper[s] = 700 + ((s * 53) % 400)
  }
  return {
    numCols,
    numRows,
    colCost,
    colLower: new Float64Array(numCols),
    colUpper,
    rowLower,
    rowUpper,
    starts,
    indices,
    values,
  }
}

function toModelData(model: LpModel): ModelData {
  return {
    numCols: model.numCols,
    numRows: model.numRows,
    colCost: model.colCost,
    colLower: model.colLower,
    colUpper: model.colUpper,
    rowLower: model.rowLower,
    rowUpper: model.rowUpper,
    matrix: {
      format: 'csc',
      numRows: model.numRows,
      numCols: model.numCols,
      starts: model.starts,
      indices: model.indices,
      values: model.values,
    },
  }
}

function solveArrays(highs: Highs, model: LpModel, options: HighsOptionValues): LpSolution {
  const m = highs.createModel(toModelData(model))
  try {
    m.options.set(options)
    if (model.startBasis !== undefined) m.setBasis(model.startBasis)
    m.run()
    return readSolution(highs, m, (x) => x, true)
  } finally {
    m.dispose()
  }
}

function solveText(highs: Highs, model: LpModel, options: HighsOptionValues): LpSolution {
  const m = highs.createModel({ format: 'lp', data: toCplexLp(model) })
  try {
    m.options.set(options)
    m.run()
    // The reader numbers columns in order of appearance; map them back by name (`x<index>`).
    return readSolution(
      highs,
      m,
      (x) => {
        const out = new Float64Array(model.numCols)
        for (let j = 0; j < x.length; j++) out[Number(m.getColName(j).slice(1))] = x[j]!
        return out
      },
      false,
    )
  } finally {
    m.dispose()
  }
}

function readSolution(
  highs: Highs,
  m: Model,
  order: (x: Float64Array) => Float64Array,
  withBasis: boolean,
): LpSolution {
  const status = statusOf(highs, m.getModelStatus())
  const iterations =
    Number(m.info.get('simplex_iteration_count')) + Number(m.info.get('ipm_iteration_count'))
  if (status !== 'optimal')
    return { status, objective: NaN, colValue: new Float64Array(0), iterations }
  let basis: LpBasis | undefined
  if (withBasis && Number(m.info.get('basis_validity')) === highs.constants.basisValidity.valid) {
    const b = m.getBasis()
    basis = { colStatus: b.colStatus, rowStatus: b.rowStatus }
  }
  return {
    status,
    objective: m.getObjectiveValue(),
    colValue: order(m.getSolution().colValue),
    iterations,
    ...(basis === undefined ? {} : { basis }),
  }
}

function statusOf(highs: Highs, code: number): LpStatus {
  const s = highs.constants.modelStatus
  switch (code) {
    case s.optimal:
    case s.empty:
      return 'optimal'
    case s.infeasible:
      return 'infeasible'
    case s.unbounded:
      return 'unbounded'
    case s.unboundedOrInfeasible:
      return 'infeasible-or-unbounded'
    case s.timeLimit:
      return 'time-limit'
    case s.iterationLimit:
      return 'iteration-limit'
    case s.loadError:
    case s.modelError:
    case s.presolveError:
    case s.solveError:
    case s.postsolveError:
      return 'error'
    default:
      return 'unknown'
  }
}
