import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.ts'
import type { ServerEvent } from '../events.ts'

/** Largest number of events queued for one slow client before it is disconnected. */
const MAX_QUEUED = 1000

/**
 * `GET /api/v1/events`: Server-Sent Events. Each event has a type (`forecast`,
 * `observations`) and a JSON body; a comment line every 15 s keeps proxies from closing the
 * stream.
 */
export function registerEvents(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/v1/events',
    { schema: { tags: ['events'], summary: 'Server-Sent Events: new forecasts and observations' } },
    (request, reply) => {
      reply.hijack()
      const res = reply.raw
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      res.write(': connected\n\n')
      let queued = 0
      const send = (e: ServerEvent): void => {
        if (queued > MAX_QUEUED) {
          res.end()
          return
        }
        const ok = res.write(`event: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`)
        if (!ok) {
          queued++
          res.once('drain', () => (queued = 0))
        }
      }
      const unsubscribe = deps.events.subscribe(send)
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
      request.raw.on('close', () => {
        clearInterval(keepAlive)
        unsubscribe()
      })
    },
  )
}
