/**
 * The packed form of a batch of model jobs, shared by the in-process and the worker-thread
 * runners so that both execute exactly the same code on exactly the same numbers.
 *
 * A call to `runEnsembles` is checked once ({@link layoutCall}): every job against its model.
 * The jobs are then cut into tasks of contiguous jobs ({@link splitTasks}); each task copies
 * its inputs into one input array ({@link packTask}),
 *
 *   [ params and start state of each job | precip plane | pet plane | temp plane | times plane ]
 *
 * and has one output array, where each job in turn gets the flows of its members (mm per
 * step), then their end states if asked.
 *
 * Every plane has one row of `steps` values per member, at the same index in each plane, so a
 * job's members are consecutive stretches of the planes that the model's `simulate` runs
 * between `start` and `end` with no copying and no allocation per member. A shared PET,
 * temperature or time series is written once per member. The temp and times planes exist
 * only when some job of the task has them.
 *
 * The worker-thread runner transfers both arrays to a worker and back (no copy, and one owner
 * at a time, so each is freed as soon as nobody holds it); the in-process runner uses them in
 * place.
 */
import { InputError } from '../core/errors.ts'
import { formatIssue } from '../core/result.ts'
import type { ModelJob, ModelJobResult } from '../forecast/ports.ts'
import type { ModelOptions } from '../hydro/models/registry.ts'
import { createModel } from '../hydro/models/registry.ts'

/** Where one job's numbers sit in its task's input and output (indices, not bytes). */
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
  /** Index of member 0's flow in the task's output; member m's starts `m·steps` further. */
  readonly flows: number
  /** Index of member 0's end state in the task's output (member m's `m·stateSize` further), or −1. */
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
  /** The task's output: each job's flows, then its end states if asked. */
  readonly output: Float64Array
}

/** The checked shape of one job. */
interface JobShape {
  readonly paramCount: number
  readonly stateSize: number
  readonly members: number
}

/** The checked shapes of a call's jobs, in job order. */
export interface CallLayout {
  readonly shapes: readonly JobShape[]
}

/** Lengths of a task's input and output arrays (values, not bytes). */
export interface TaskSize {
  readonly input: number
  readonly output: number
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
 * Checks every job against its model.
 *
 * @throws InputError naming the job: an unknown model or options, a parameter vector or state
 *   of the wrong length, no members, a series shorter than `steps`, a PET or temperature
 *   count that is neither 1 nor the member count, a missing temperature for a model that needs it
 */
export function layoutCall(jobs: readonly ModelJob[]): CallLayout {
  const shapes: JobShape[] = []
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
    shapes.push({ paramCount: model.paramNames.length, stateSize: model.stateSize, members })
  }
  return { shapes }
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
 * Sizes of the task made of jobs [from, to): its input holds parameters and start states, then
 * two to four planes of every member-step; its output every member's flow and asked-for state.
 */
export function taskSize(
  jobs: readonly ModelJob[],
  layout: CallLayout,
  from: number,
  to: number,
): TaskSize {
  let head = 0
  let plane = 0
  let output = 0
  let temp = false
  let times = false
  for (let j = from; j < to; j++) {
    const s = layout.shapes[j]!
    const job = jobs[j]!
    head += s.paramCount + s.stateSize
    plane += s.members * job.steps
    output += s.members * (job.steps + (job.endStates ? s.stateSize : 0))
    if (job.temp !== null) temp = true
    if (job.times !== null) times = true
  }
  return { input: head + plane * (2 + (temp ? 1 : 0) + (times ? 1 : 0)), output }
}

/**
 * Copies the inputs of jobs [from, to) into `input` and describes the task.
 *
 * @param input at least {@link TaskSize.input} long (any longer part is left alone)
 * @param output at least {@link TaskSize.output} long, where the task will write its results
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
  let out = 0
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
      flows: out,
      endStates: job.endStates ? out + s.members * steps : -1,
    })
    at += s.paramCount + s.stateSize
    row += s.members * steps
    out += s.members * (steps + (job.endStates ? s.stateSize : 0))
  }
  return { jobs: packed, input, planeSize, precipPlane, petPlane, tempPlane, timesPlane, output }
}

/** Copies the first `n` values of `src` to `dst` from `at` (a view only when `src` is longer). */
function copyRow(src: Float64Array, n: number, dst: Float64Array, at: number): void {
  dst.set(src.length === n ? src : src.subarray(0, n), at)
}

/**
 * The results of jobs [from, to) from their task's output, as views into it: one small view
 * object per member, no copy of the numbers.
 *
 * @param results appended with one result per job, in job order
 */
export function unpackTask(
  jobs: readonly ModelJob[],
  layout: CallLayout,
  from: number,
  to: number,
  output: Float64Array,
  results: ModelJobResult[],
): void {
  let at = 0
  for (let j = from; j < to; j++) {
    const s = layout.shapes[j]!
    const job = jobs[j]!
    const steps = job.steps
    const flows: Float64Array[] = []
    for (let m = 0; m < s.members; m++, at += steps) flows.push(output.subarray(at, at + steps))
    let states: Float64Array[] | null = null
    if (job.endStates) {
      states = []
      for (let m = 0; m < s.members; m++, at += s.stateSize)
        states.push(output.subarray(at, at + s.stateSize))
    }
    results.push({ flows, states })
  }
}
