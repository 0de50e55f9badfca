/**
 * Running a model over a model-run file's periods: the warm-up (which may end well before the
 * run starts, as airGR allows), then the run period from the warm-up's end state.
 */
import { allCriteria } from '../hydro/criteria/efficiency.ts'
import { runModel, type ModelRun as Simulation } from '../hydro/models/run-model.ts'
import type { ModelRun } from './model-run-file.ts'

/** Runs `run`'s model with `params` over its run period, returning every series when `all`. */
export function simulate(run: ModelRun, params: Float64Array, all: boolean): Simulation {
  const [ws, we] = run.warmup
  const [rs, re] = run.run
  if (we === rs || ws === we) {
    return runModel(
      run.model,
      params,
      run.forcing,
      { warmupStart: ws, start: rs, end: re },
      { levels: run.levels, allOutputs: all },
    )
  }
  const warm = runModel(
    run.model,
    params,
    run.forcing,
    { start: ws, end: we },
    { levels: run.levels },
  )
  return runModel(
    run.model,
    params,
    run.forcing,
    { start: rs, end: re },
    { state: warm.state, allOutputs: all },
  )
}

/** The criteria of a simulation against the run's observations, as `freshet run --out` prints them. */
export function runCriteria(
  run: ModelRun,
  qsim: Float64Array,
): { NSE: number; KGE: number; KGE2: number; RMSE: number; n: number } {
  return allCriteria(qsim, run.observed)
}
