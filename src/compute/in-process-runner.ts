/**
 * A {@link ModelRunner} that runs every job on the calling thread: for tests, small networks
 * and as the single-thread reference of the benchmark. It packs and executes jobs exactly as
 * the worker threads do (pack.ts, run-packed.ts), so both give the same numbers to the bit.
 */
import type { ModelJob, ModelJobResult, ModelRunner } from '../forecast/ports.ts'
import { layoutCall, packTask, taskSize, unpackTask } from './pack.ts'
import { runPackedTask } from './run-packed.ts'
import type { RunnerStats } from './runner-stats.ts'
import { newStats } from './runner-stats.ts'

/** The in-process runner, with its counters. */
export interface InProcessModelRunner extends ModelRunner {
  /** Counters since the runner was made. */
  stats(): RunnerStats
}

/**
 * Makes a runner that executes on the calling thread. Each call allocates one input and one
 * output array for all its jobs; the flows it returns are views into the output.
 */
export function createInProcessRunner(): InProcessModelRunner {
  const stats = newStats()
  return {
    async runEnsembles(jobs: readonly ModelJob[]): Promise<ModelJobResult[]> {
      const layout = layoutCall(jobs)
      stats.calls++
      if (jobs.length === 0) return []
      const size = taskSize(jobs, layout, 0, jobs.length)
      const output = new Float64Array(size.output)
      const input = new Float64Array(size.input)
      const task = packTask(jobs, layout, 0, jobs.length, input, output)
      const t0 = performance.now()
      runPackedTask(task)
      stats.modelMs += performance.now() - t0
      stats.tasks++
      for (const job of jobs) stats.memberRuns += job.precip.length
      stats.peakRssBytes = Math.max(stats.peakRssBytes, process.memoryUsage.rss())
      const results: ModelJobResult[] = []
      unpackTask(jobs, layout, 0, jobs.length, output, results)
      return results
    },
    stats: () => ({ ...stats }),
  }
}
