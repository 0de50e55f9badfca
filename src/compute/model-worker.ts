/**
 * The task handler of the worker threads (loaded through model-worker.js): runs one packed
 * task in place in its shared buffers and reports how long the models took.
 */
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

/** Runs `task`; its flows and end states are written into `task.output`. */
export default function runTask(task: PackedTask): TaskReport {
  const t0 = performance.now()
  runPackedTask(task)
  const modelMs = performance.now() - t0
  const memory = process.memoryUsage()
  return { modelMs, rssBytes: memory.rss, heapBytes: memory.heapUsed }
}
