/**
 * Executes a {@link PackedTask}: the body of a worker thread, and what the in-process runner
 * calls directly. Each member starts from a copy of its job's start state in a scratch array
 * kept between tasks, the model writes its flow into a scratch array that is then copied into
 * the output, so no array is allocated per member or per step.
 */
import type { ModelDefinition } from '../hydro/models/types.ts'
import type { Forcing } from '../hydro/models/types.ts'
import { createModel } from '../hydro/models/registry.ts'
import type { PackedJob, PackedTask } from './pack.ts'

/** Plain models (no options) by name, built once per thread. */
const plainModels = new Map<string, ModelDefinition>()
/** State scratch arrays by length, and the flow scratch, kept between tasks. */
const stateScratch = new Map<number, Float64Array>()
let flowScratch = new Float64Array(0)

function modelOf(job: PackedJob): ModelDefinition {
  const plain = Object.keys(job.options).length === 0
  if (plain) {
    const hit = plainModels.get(job.model)
    if (hit !== undefined) return hit
  }
  const built = createModel(job.model, job.options)
  // layoutCall checked every job before packing, so this is a programmer error.
  if (!built.ok) throw new Error(`cannot build ${job.model}: ${built.issues[0]?.message}`)
  if (plain) plainModels.set(job.model, built.value)
  return built.value
}

function scratchState(size: number): Float64Array {
  let s = stateScratch.get(size)
  if (s === undefined) {
    s = new Float64Array(size)
    stateScratch.set(size, s)
  }
  return s
}

/**
 * Runs every member of every job of `task`, writing flows (mm per step) and the end states
 * asked for into `task.output` at the places the task names.
 *
 * @throws Error only on a programmer error (a task not made by `packTask`)
 */
export function runPackedTask(task: PackedTask): void {
  const input = task.input
  const output = task.output
  for (const job of task.jobs) {
    const model = modelOf(job)
    const steps = job.steps
    const len = job.members * steps
    // One set of views per job: the job's rows of each plane, so that a model that derives
    // series from its whole forcing (CemaNeige's layers) sees this job's members only.
    const forcing: Forcing = {
      precip: input.subarray(task.precipPlane + job.row, task.precipPlane + job.row + len),
      pet: input.subarray(task.petPlane + job.row, task.petPlane + job.row + len),
      ...(job.hasTemp
        ? { temp: input.subarray(task.tempPlane + job.row, task.tempPlane + job.row + len) }
        : {}),
      ...(job.hasTimes
        ? { times: input.subarray(task.timesPlane + job.row, task.timesPlane + job.row + len) }
        : {}),
    }
    const params = input.subarray(job.params, job.params + job.paramCount)
    const start = input.subarray(job.state, job.state + job.stateSize)
    const state = scratchState(job.stateSize)
    if (flowScratch.length < steps) flowScratch = new Float64Array(steps)
    const q = flowScratch
    for (let m = 0; m < job.members; m++) {
      state.set(start)
      const first = m * steps
      model.simulate(params, forcing, state, first, first + steps, q, null)
      const at = job.flows + first
      for (let i = 0; i < steps; i++) output[at + i] = q[i]!
      if (job.endStates >= 0) output.set(state, job.endStates + m * job.stateSize)
    }
  }
}
