/**
 * The task handler of the worker threads (loaded through model-worker.js): runs one packed
 * task in its input and output arrays, then hands both back to the main thread by transfer.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina'
import type { PackedTask } from './pack.ts'
import { runPackedTask } from './run-packed.ts'

/** What a worker reports for one task. */
export interface TaskReport {
  /** Time inside the models (ms). */
  readonly modelMs: number
  /** Resident set size of the whole process when the task ended (bytes). */
  readonly rssBytes: number
  /** The worker's own JavaScript heap in use when the task ended (bytes). */
  readonly heapBytes: number
}

/** A finished task: the report, and the task's arrays given back (the output now written). */
export interface TaskReply {
  readonly report: TaskReport
  readonly input: Float64Array
  readonly output: Float64Array
}

/**
 * Runs `task`, writing its flows and end states into `task.output`.
 *
 * @returns the reply, marked so that its two arrays are transferred, not copied
 */
export default function runTask(task: PackedTask): TaskReply {
  const t0 = performance.now()
  runPackedTask(task)
  const modelMs = performance.now() - t0
  const memory = process.memoryUsage()
  const reply: TaskReply = {
    report: { modelMs, rssBytes: memory.rss, heapBytes: memory.heapUsed },
    input: task.input,
    output: task.output,
  }
  return move({
    [transferableSymbol]: [task.input.buffer, task.output.buffer],
    [valueSymbol]: reply,
  }) as unknown as TaskReply
}
