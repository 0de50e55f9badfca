/**
 * The hindcast worker thread (started through hindcast-worker.js by hindcast-thread.ts): for
 * each job it receives, builds the model named in it, runs the hindcast, and posts progress
 * after each issue, then the result or the error's message.
 */
import { parentPort } from 'node:worker_threads'
import { runHindcast } from '../forecast/hindcast/hindcast.ts'
import { createModel } from '../hydro/models/registry.ts'
import type { HindcastMessage, HindcastRequest } from './hindcast-thread.ts'

const port = parentPort!
const post = (m: HindcastMessage): void => port.postMessage(m)

port.on('message', ({ id, job }: HindcastRequest) => {
  try {
    const t0 = performance.now()
    const { modelName, modelOptions, ...setup } = job
    const model = createModel(modelName, modelOptions)
    if (!model.ok) throw new Error(`${modelName}: ${model.issues.map((i) => i.message).join('; ')}`)
    const result = runHindcast({
      ...setup,
      model: model.value,
      onProgress: (done, total) => post({ kind: 'progress', id, done, total }),
    })
    post({ kind: 'done', id, result, engineMs: performance.now() - t0 })
  } catch (e) {
    post({ kind: 'failed', id, message: e instanceof Error ? e.message : String(e) })
  }
})
