/**
 * What a model runner reports about the work it did, for benchmarks and logs.
 */

/** Counters of a runner since it was made (all cumulative). */
export interface RunnerStats {
  /** Calls of `runEnsembles`. */
  readonly calls: number
  /** Tasks executed (one per call in process; several per call on worker threads). */
  readonly tasks: number
  /** Member runs (jobs × members). */
  readonly memberRuns: number
  /** Time spent inside the models, summed over threads (ms). */
  readonly modelMs: number
  /**
   * Largest resident set size of the process seen by the threads at the end of a task (bytes);
   * worker threads share the process, so this is the whole process's memory at that moment.
   */
  readonly peakRssBytes: number
  /** Largest JavaScript heap in use of any one worker thread at the end of a task (bytes; 0 in process). */
  readonly peakWorkerHeapBytes: number
}

/** A mutable {@link RunnerStats} that runners add to. */
export interface StatsCounter {
  calls: number
  tasks: number
  memberRuns: number
  modelMs: number
  peakRssBytes: number
  peakWorkerHeapBytes: number
}

/** A counter at zero. */
export function newStats(): StatsCounter {
  return { calls: 0, tasks: 0, memberRuns: 0, modelMs: 0, peakRssBytes: 0, peakWorkerHeapBytes: 0 }
}
