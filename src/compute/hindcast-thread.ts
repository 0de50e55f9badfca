/**
 * Hindcasts on a thread of their own, so that a long one does not hold up the event loop of the
 * server that asks for it: each job's arrays are copied to a worker thread
 * (hindcast-worker.ts), which runs the same engine (src/forecast/hindcast/hindcast.ts) and
 * sends the result back — the numbers of `runHindcast` on the calling thread, bit for bit.
 * Jobs run one after the other; the thread is started once and kept until closed, since
 * loading its code costs more than a modest hindcast.
 */
import { Worker } from 'node:worker_threads'
import type { HindcastResult, HindcastSetup } from '../forecast/hindcast/hindcast.ts'
import type { ModelOptions } from '../hydro/models/registry.ts'

/** A hindcast setup as data: the model by name and options instead of its definition. */
export type HindcastJob = Omit<HindcastSetup, 'model' | 'onProgress'> & {
  /** A model name of src/hydro/models/registry.ts. */
  readonly modelName: string
  readonly modelOptions?: ModelOptions
}

/** What the thread is sent: a job and its number. */
export interface HindcastRequest {
  readonly id: number
  readonly job: HindcastJob
}

/** What the thread posts about job `id`. */
export type HindcastMessage =
  | {
      readonly kind: 'progress'
      readonly id: number
      readonly done: number
      readonly total: number
    }
  | {
      readonly kind: 'done'
      readonly id: number
      readonly result: HindcastResult
      /** Time the engine took on the thread (ms). */
      readonly engineMs: number
    }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string }

/** A worker thread running hindcasts. */
export interface HindcastThread {
  /**
   * Runs `job` after those sent before it.
   *
   * @param onProgress called on this thread after each issue, with the issues done and the total
   * @returns the result, and the time the engine took on the thread (ms); rejects with the engine's error (e.g. an InputError's message), or when
   *   the thread is closed or fails first
   */
  run(
    job: HindcastJob,
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ readonly result: HindcastResult; readonly engineMs: number }>
  /** Stops the thread at once (jobs under way or waiting reject); resolves once it has exited. */
  close(): Promise<void>
}

interface Pending {
  readonly resolve: (r: { readonly result: HindcastResult; readonly engineMs: number }) => void
  readonly reject: (e: Error) => void
  readonly onProgress: ((done: number, total: number) => void) | undefined
}

/** Starts a hindcast thread. */
export function createHindcastThread(): HindcastThread {
  const worker = new Worker(new URL('./hindcast-worker.js', import.meta.url))
  const pending = new Map<number, Pending>()
  let nextId = 0
  let ended: Error | undefined
  const failAll = (e: Error): void => {
    ended ??= e
    for (const p of pending.values()) p.reject(e)
    pending.clear()
  }
  worker.on('message', (m: HindcastMessage) => {
    const p = pending.get(m.id)
    if (p === undefined) return
    switch (m.kind) {
      case 'progress':
        p.onProgress?.(m.done, m.total)
        break
      case 'done':
        pending.delete(m.id)
        p.resolve({ result: m.result, engineMs: m.engineMs })
        break
      case 'failed':
        pending.delete(m.id)
        p.reject(new Error(`hindcast: ${m.message}`))
        break
    }
  })
  worker.on('error', (e) => failAll(e))
  worker.on('exit', (code) =>
    failAll(new Error(`hindcast: the thread stopped (exit code ${code})`)),
  )
  return {
    run(job, onProgress) {
      if (ended !== undefined) return Promise.reject(ended)
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, onProgress })
        worker.postMessage({ id, job } satisfies HindcastRequest)
      })
    },
    async close() {
      await worker.terminate()
      failAll(new Error('hindcast: the thread was closed'))
    },
  }
}
