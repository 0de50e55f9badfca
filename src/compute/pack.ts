/**
 * The packed form of a batch of model jobs, shared by the in-process and the worker-thread
 * runners so that both execute exactly the same code on exactly the same numbers.
 *
 * A call to `runEnsembles` is laid out once ({@link layoutCall}): every job is checked against
 * its model, and given a place in one output array, first the flows of every member (mm per
 * step), then the end states asked for. The jobs are then cut into tasks of contiguous jobs
 * ({@link splitTasks}); each task copies its inputs into one input array ({@link packTask}):
 *
 *   [ params and start state of each job | precip plane | pet plane | temp plane | times plane ]
 *
 * Every plane has one row of `steps` values per member, at the same index in each plane, so a
 * job's members are consecutive stretches of the planes that the model's `simulate` runs
 * between `start` and `end` with no copying and no allocation per member. A shared PET,
 * temperature or time series is written once per member. The temp and times planes exist
 * only when some job of the task has them.
 *
 * Input and output may live in SharedArrayBuffers (worker threads read and write them in
 * place) or in ordinary ArrayBuffers (the in-process runner).
 */
import { InputError } from '../core/errors.ts'
import { formatIssue } from '../core/result.ts'
import type { ModelJob, ModelJobResult } from '../forecast/ports.ts'
import type { ModelOptions } from '../hydro/models/registry.ts'
import { createModel } from '../hydro/models/registry.ts'

/** Where one job's numbers sit in a task's input and in the call's output (indices, not bytes). */
export interface PackedJob {
  /** Model name of src/hydro/models/registry.ts. */
  readonly model: string
  readonly options: ModelOptions
  /** Index of the first parameter in the task's input. */
  readonly params: number
  readonly paramCount: number
  /** Index of the start state in the task's input. */
  readonly state: number
  readonly stateSize: number
  readonly members: number
  readonly steps: number
  /** Index of member 0's first step within each plane; member m starts `m·steps` further. */
  readonly row: number
  readonly hasTemp: boolean
  readonly hasTimes: boolean
  /** Index of member 0's flow in the output; member m's starts `m·steps` further. */
  readonly flows: number
  /** Index of member 0's end state in the output (member m's `m·stateSize` further), or −1. */
  readonly endStates: number
}

/** One unit of work for one thread: contiguous jobs of a call, with their inputs packed. */
export interface PackedTask {
  readonly jobs: readonly PackedJob[]
  /** Parameters and start states, then the planes (see the file comment). */
  readonly input: Float64Array
  /** Values per plane: the total member-steps of the task. */
  readonly planeSize: number
  /** Index of each plane in `input`; −1 for the temp and times planes when absent. */
  readonly precipPlane: number
  readonly petPlane: number
  readonly tempPlane: number
  readonly timesPlane: number
  /** The call's output (flows, then end states), shared by all its tasks. */
  readonly output: Float64Array
}

/** The checked shape of one job and its place in the call's output. */
interface JobShape {
  readonly paramCount: number
  readonly stateSize: number
  readonly members: number
  readonly flows: number
  readonly endStates: number
}

/** How a call's jobs are laid out: shapes and output places, and the output's length. */
export interface CallLayout {
  readonly shapes: readonly JobShape[]
  /** Length of the output array (values). */
  readonly outputLength: number
}

function checkSeries(
  series: readonly Float64Array[],
  members: number,
  steps: number,
  what: string,
  at: string,
): void {
  if (series.length !== 1 && series.length !== members)
    throw new InputError(`${at}: ${what} has ${series.length} series, expected 1 or ${members}`)
  for (let m = 0; m < series.length; m++) {
    if (series[m]!.length < steps)
      throw new InputError(`${at}: ${what}[${m}] has ${series[m]!.length} steps, expected ${steps}`)
  }
}

/**
 * Checks every job against its model and lays out the call's output.
 *
 * @throws InputError naming the job: an unknown model or options, a parameter vector or state
 *   of the wrong length, no members, a series shorter than `steps`, a PET or temperature
 *   count that is neither 1 nor the member count, a missing temperature for a model that needs it
 */
export function layoutCall(jobs: readonly ModelJob[]): CallLayout {
  const shapes: JobShape[] = []
  let flowLength = 0
  for (let j = 0; j < jobs.length; j++) {
    const job = jobs[j]!
    const at = `job ${j} (${job.model})`
    const built = createModel(job.model, job.options)
    if (!built.ok) throw new InputError(`${at}: ${built.issues.map(formatIssue).join('; ')}`)
    const model = built.value
    const members = job.precip.length
    if (!(Number.isInteger(job.steps) && job.steps >= 1))
      throw new InputError(`${at}: steps must be a whole number ≥ 1, got ${job.steps}`)
    if (members < 1) throw new InputError(`${at}: no members`)
    if (job.params.length !== model.paramNames.length)
      throw new InputError(
        `${at}: expected ${model.paramNames.length} parameters, got ${job.params.length}`,
      )
    if (job.state.length !== model.stateSize)
      throw new InputError(`${at}: a state has ${model.stateSize} values, got ${job.state.length}`)
    for (let m = 0; m < members; m++) {
      if (job.precip[m]!.length < job.steps)
        throw new InputError(
          `${at}: precip[${m}] has ${job.precip[m]!.length} steps, expected ${job.steps}`,
        )
    }
    checkSeries(job.pet, members, job.steps, 'pet', at)
    if (job.temp !== null) checkSeries(job.temp, members, job.steps, 'temp', at)
    else if (model.needsTemperature) throw new InputError(`${at}: the model needs temperature`)
    if (job.times !== null && job.times.length < job.steps)
      throw new InputError(`${at}: times has ${job.times.length} steps, expected ${job.steps}`)
    shapes.push({
      paramCount: model.paramNames.length,
      stateSize: model.stateSize,
      members,
      flows: flowLength,
      endStates: job.endStates ? 0 : -1,
    })
    flowLength += members * job.steps
  }
  let length = flowLength
  for (let j = 0; j < shapes.length; j++) {
    const s = shapes[j]!
    if (s.endStates < 0) continue
    shapes[j] = { ...s, endStates: length }
    length += s.members * s.stateSize
  }
  return { shapes, outputLength: length }
}

/**
 * Cuts jobs into at most `count` runs of contiguous jobs of about equal cost (member-steps).
 *
 * @returns [from, to) index pairs, in order, none empty
 */
export function splitTasks(jobs: readonly ModelJob[], count: number): [number, number][] {
  let total = 0
  for (const job of jobs) total += job.precip.length * job.steps
  const ranges: [number, number][] = []
  let from = 0
  let done = 0
  for (let k = 1; k <= count && from < jobs.length; k++) {
    const target = (total * k) / count
    let to = from
    while (to < jobs.length && (to === from || done < target)) {
      const job = jobs[to]!
      done += job.precip.length * job.steps
      to++
    }
    if (k === count) {
      for (; to < jobs.length; to++) done += jobs[to]!.precip.length * jobs[to]!.steps
    }
    ranges.push([from, to])
    from = to
  }
  return ranges
}

/**
 * Length of the input of the task made of jobs [from, to): parameters and start states, then
 * two to four planes of every member-step (values, not bytes).
 */
export function taskInputLength(
  jobs: readonly ModelJob[],
  layout: CallLayout,
  from: number,
  to: number,
): number {
  let head = 0
  let plane = 0
  let temp = false
  let times = false
  for (let j = from; j < to; j++) {
    const s = layout.shapes[j]!
    head += s.paramCount + s.stateSize
    plane += s.members * jobs[j]!.steps
    if (jobs[j]!.temp !== null) temp = true
    if (jobs[j]!.times !== null) times = true
  }
  return head + plane * (2 + (temp ? 1 : 0) + (times ? 1 : 0))
}

/**
 * Copies the inputs of jobs [from, to) into `input` (at least {@link taskInputLength} long; any
 * longer part is left alone) and describes the task.
 *
 * @param output the call's output, {@link CallLayout.outputLength} long
 */
export function packTask(
  jobs: readonly ModelJob[],
  layout: CallLayout,
  from: number,
  to: number,
  input: Float64Array,
  output: Float64Array,
): PackedTask {
  let head = 0
  let planeSize = 0
  let anyTemp = false
  let anyTimes = false
  for (let j = from; j < to; j++) {
    const s = layout.shapes[j]!
    head += s.paramCount + s.stateSize
    planeSize += s.members * jobs[j]!.steps
    if (jobs[j]!.temp !== null) anyTemp = true
    if (jobs[j]!.times !== null) anyTimes = true
  }
  const precipPlane = head
  const petPlane = precipPlane + planeSize
  let next = petPlane + planeSize
  const tempPlane = anyTemp ? next : -1
  if (anyTemp) next += planeSize
  const timesPlane = anyTimes ? next : -1
  const packed: PackedJob[] = []
  let at = 0
  let row = 0
  for (let j = from; j < to; j++) {
    const job = jobs[j]!
    const s = layout.shapes[j]!
    const steps = job.steps
    input.set(job.params, at)
    input.set(job.state, at + s.paramCount)
    for (let m = 0; m < s.members; m++) {
      const r = row + m * steps
      copyRow(job.precip[m]!, steps, input, precipPlane + r)
      copyRow(job.pet[job.pet.length === 1 ? 0 : m]!, steps, input, petPlane + r)
      if (job.temp !== null)
        copyRow(job.temp[job.temp.length === 1 ? 0 : m]!, steps, input, tempPlane + r)
      if (job.times !== null) copyRow(job.times, steps, input, timesPlane + r)
    }
    packed.push({
      model: job.model,
      options: job.options,
      params: at,
      paramCount: s.paramCount,
      state: at + s.paramCount,
      stateSize: s.stateSize,
      members: s.members,
      steps,
      row,
      hasTemp: job.temp !== null,
      hasTimes: job.times !== null,
      flows: s.flows,
      endStates: s.endStates,
    })
    at += s.paramCount + s.stateSize
    row += s.members * steps
  }
  return { jobs: packed, input, planeSize, precipPlane, petPlane, tempPlane, timesPlane, output }
}

/** Copies the first `n` values of `src` to `dst` from `at` (a view only when `src` is longer). */
function copyRow(src: Float64Array, n: number, dst: Float64Array, at: number): void {
  dst.set(src.length === n ? src : src.subarray(0, n), at)
}

/**
 * The results of a call, as views into its output: one allocation per member for the view,
 * none for the numbers.
 */
export function unpackResults(
  jobs: readonly ModelJob[],
  layout: CallLayout,
  output: Float64Array,
): ModelJobResult[] {
  const results: ModelJobResult[] = []
  for (let j = 0; j < jobs.length; j++) {
    const s = layout.shapes[j]!
    const steps = jobs[j]!.steps
    const flows: Float64Array[] = []
    for (let m = 0; m < s.members; m++) {
      const at = s.flows + m * steps
      flows.push(output.subarray(at, at + steps))
    }
    let states: Float64Array[] | null = null
    if (s.endStates >= 0) {
      states = []
      for (let m = 0; m < s.members; m++) {
        const at = s.endStates + m * s.stateSize
        states.push(output.subarray(at, at + s.stateSize))
      }
    }
    results.push({ flows, states })
  }
  return results
}
