/**
 * A {@link ModelRunner} on worker threads (piscina): a call's jobs are cut into a few tasks of
 * about equal cost per thread and packed (pack.ts); each task's input and output arrays are
 * transferred to a worker and back, so nothing is copied between threads, nothing is allocated
 * per member, and every buffer has one owner at a time. Input buffers come back empty-handed
 * and are kept for the next tasks; output buffers become the caller's results.
 *
 * (Shared memory is not used on purpose: a SharedArrayBuffer lives until every thread that
 * saw it has collected it, and worker threads whose heaps stay small hardly ever collect, so
 * one output buffer per call would pile up.)
 *
 * The workers load the TypeScript handler through `model-worker.js` (see there), so the pool
 * works under Vitest, under `tsx` and under plain Node alike.
 */
import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import type { ModelJob, ModelJobResult, ModelRunner } from '../forecast/ports.ts'
import type { TaskReply } from './model-worker.ts'
import type { PackedTask } from './pack.ts'
import { layoutCall, packTask, splitTasks, taskSize, unpackTask } from './pack.ts'
import type { RunnerStats } from './runner-stats.ts'
import { newStats } from './runner-stats.ts'

/** How to build a {@link createWorkerRunner} pool. */
export interface WorkerRunnerOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly threads?: number
  /** Tasks a call is cut into per thread, for load balancing (default 4). */
  readonly tasksPerThread?: number
}

/** The worker-thread runner: a {@link ModelRunner} with counters and a pool to close. */
export interface WorkerModelRunner extends ModelRunner {
  /** Number of worker threads. */
  readonly threads: number
  /** Counters since the runner was made. */
  stats(): RunnerStats
  /** Starts every worker and loads its code, so that the first call is not slowed by it. */
  warmUp(): Promise<void>
  /** Stops the workers; calls after this reject. */
  close(): Promise<void>
}

const BYTES = Float64Array.BYTES_PER_ELEMENT

/**
 * Makes a pool of worker threads running models.
 *
 * @throws Error when `threads` or `tasksPerThread` is not a whole number ≥ 1
 */
export function createWorkerRunner(options: WorkerRunnerOptions = {}): WorkerModelRunner {
  const threads = options.threads ?? availableParallelism()
  const perThread = options.tasksPerThread ?? 4
  if (!(Number.isInteger(threads) && threads >= 1))
    throw new Error(`threads must be a whole number ≥ 1, got ${threads}`)
  if (!(Number.isInteger(perThread) && perThread >= 1))
    throw new Error(`tasksPerThread must be a whole number ≥ 1, got ${perThread}`)
  const pool = new Piscina<PackedTask, TaskReply>({
    filename: new URL('./model-worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Infinity,
    // All of a call's tasks are posted to the workers at once, so they keep running while the
    // main thread is busy (the cycle routes one batch while the next one runs); with one task
    // per worker the rest would wait in the pool's queue for the main thread to hand them out.
    concurrentTasksPerWorker: perThread,
  })
  const stats = newStats()
  // Input buffers come back from the workers and are kept for later tasks: at most two per
  // task of a call, the largest kept when there are more.
  const free: ArrayBuffer[] = []
  const maxFree = threads * perThread * 2

  function takeInput(values: number): Float64Array<ArrayBuffer> {
    let best = -1
    for (let i = 0; i < free.length; i++) {
      const b = free[i]!
      if (b.byteLength >= values * BYTES && (best < 0 || b.byteLength < free[best]!.byteLength))
        best = i
    }
    // A little room, so that the next batch, slightly larger, still fits.
    const buffer =
      best >= 0 ? free.splice(best, 1)[0]! : new ArrayBuffer(Math.ceil(values * 1.25) * BYTES)
    return new Float64Array(buffer, 0, values)
  }

  function giveBack(buffer: ArrayBuffer): void {
    if (free.length < maxFree) free.push(buffer)
    else {
      let smallest = 0
      for (let i = 1; i < free.length; i++)
        if (free[i]!.byteLength < free[smallest]!.byteLength) smallest = i
      if (free[smallest]!.byteLength < buffer.byteLength) free[smallest] = buffer
    }
  }

  async function runEnsembles(jobs: readonly ModelJob[]): Promise<ModelJobResult[]> {
    const layout = layoutCall(jobs)
    stats.calls++
    if (jobs.length === 0) return []
    const ranges = splitTasks(jobs, threads * perThread)
    const replies: Promise<TaskReply>[] = []
    for (const [from, to] of ranges) {
      const size = taskSize(jobs, layout, from, to)
      const input = takeInput(size.input)
      const output = new Float64Array(size.output)
      const task = packTask(jobs, layout, from, to, input, output)
      replies.push(pool.run(task, { transferList: [input.buffer, output.buffer] }))
    }
    const done = await Promise.all(replies)
    const results: ModelJobResult[] = []
    done.forEach((reply, k) => {
      const [from, to] = ranges[k]!
      giveBack(reply.input.buffer as ArrayBuffer)
      unpackTask(jobs, layout, from, to, reply.output, results)
      stats.tasks++
      stats.modelMs += reply.report.modelMs
      stats.peakRssBytes = Math.max(stats.peakRssBytes, reply.report.rssBytes)
      stats.peakWorkerHeapBytes = Math.max(stats.peakWorkerHeapBytes, reply.report.heapBytes)
    })
    for (const job of jobs) stats.memberRuns += job.precip.length
    stats.peakRssBytes = Math.max(stats.peakRssBytes, process.memoryUsage.rss())
    return results
  }

  async function warmUp(): Promise<void> {
    const empty: PackedTask = {
      jobs: [],
      input: new Float64Array(0),
      planeSize: 0,
      precipPlane: 0,
      petPlane: 0,
      tempPlane: -1,
      timesPlane: -1,
      output: new Float64Array(0),
    }
    // One empty task per thread, all queued at once: each thread loads its code.
    await Promise.all(Array.from({ length: threads }, () => pool.run(empty)))
  }

  return {
    threads,
    runEnsembles,
    stats: () => ({ ...stats }),
    warmUp,
    close: () => pool.destroy(),
  }
}
