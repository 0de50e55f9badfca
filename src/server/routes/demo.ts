/**
 * The demo's time control: where the replay of the demo flood is, and play, pause, step one
 * simulated day or change its speed. Only in demo mode (404 otherwise). Reading is public;
 * controlling needs a duty officer or an admin (it moves the clock every user sees).
 */
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { authorize } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import { MAX_REPLAY_SPEED, type DemoReplay, type ReplayStatus } from '../demo.ts'
import { ApiError } from '../errors.ts'
import { iso, isoTime } from './schemas.ts'

const TAGS = ['demo']
const PATH = '/api/v1/demo/replay'

const statusOut = z.object({
  state: z.enum(['playing', 'paused', 'finished']),
  simTime: isoTime.describe('the simulated time, the server clock in demo mode'),
  start: isoTime.describe('first simulated day'),
  end: isoTime.describe('last simulated day'),
  speed: z.number().describe('simulated hours per real second'),
})

const actionIn = z.discriminatedUnion('action', [
  z.object({ action: z.literal('pause') }),
  z.object({ action: z.literal('play') }),
  z.object({ action: z.literal('step') }),
  z.object({
    action: z.literal('speed'),
    speed: z
      .number()
      .positive()
      .max(MAX_REPLAY_SPEED)
      .describe('simulated hours per real second (24: a day a second)'),
  }),
])

/** The wire form of a replay status. */
export const replayView = (s: ReplayStatus): z.infer<typeof statusOut> => ({
  state: s.state,
  simTime: iso(s.simTime),
  start: iso(s.start),
  end: iso(s.end),
  speed: s.speed,
})

/** `GET` and `POST /api/v1/demo/replay` (registered in demo mode only: 404 otherwise). */
export function registerDemo(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const current = (): DemoReplay => {
    const replay = deps.demoReplay?.()
    if (deps.demoReplay === undefined)
      throw new ApiError(404, 'not_found', 'the server is not running the demo')
    if (replay === undefined)
      throw new ApiError(503, 'unavailable', 'the demo region is still loading; try again shortly')
    return replay
  }

  r.get(
    PATH,
    {
      schema: {
        tags: TAGS,
        summary: 'The demo replay: state, simulated time, period and speed',
        description: 'Demo mode only (404 otherwise).',
        response: { 200: statusOut },
      },
    },
    async () => replayView(current().status()),
  )

  r.post(
    PATH,
    {
      schema: {
        tags: TAGS,
        summary: 'Pause, play, step one simulated day, or set the speed of the demo replay',
        description:
          'Duty officers and admins. `step` runs the next simulated day at once and answers when its forecast cycle, warnings and orders are stored; the state stays as it was. A `replay` event announces every change. 409 once the replay has finished.',
        security: [{ bearer: [] }],
        body: actionIn,
        response: { 200: statusOut },
      },
    },
    async (req) => {
      authorize(req, deps.grants, 'duty-officer')
      const replay = current()
      const body = req.body
      if (replay.status().state === 'finished' && body.action !== 'speed')
        throw new ApiError(409, 'conflict', 'the replay has finished')
      switch (body.action) {
        case 'pause':
          replay.pause()
          break
        case 'play':
          replay.play()
          break
        case 'step':
          try {
            return replayView(await replay.step())
          } catch (e) {
            throw new ApiError(409, 'conflict', e instanceof Error ? e.message : String(e))
          }
        case 'speed':
          replay.setSpeed(body.speed)
          break
      }
      return replayView(replay.status())
    },
  )
}
