import type { FastifyInstance } from 'fastify'
import type { Hierarchy } from '../../command/hierarchy.ts'
import type { Incident } from '../../command/incidents.ts'
import type { Order } from '../../command/orders.ts'
import { mayReadRestricted } from '../../command/permissions.ts'
import type { PostId, Principal as CommandPrincipal } from '../../command/types.ts'
import { principalOf, type Principal } from '../auth.ts'
import { visiblePosts } from '../command-service.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { PUBLIC_EVENT_KINDS, type ServerEvent } from '../events.ts'

/** Largest number of events queued for one slow client before it is disconnected. */
const MAX_QUEUED = 1000

const PUBLIC = new Set<string>(PUBLIC_EVENT_KINDS)

/**
 * Whether the holder of `user` may receive `e`, by the rules of the command and logistics
 * routes: public kinds go to everyone; logistics changes to every token holder (reading
 * logistics needs a token); an incident to the posts in its chain (the posts where the user
 * holds a role, below and above them, as `GET /api/v1/command/incidents`); an order, when
 * issued, from its issuer post or one of its recipients and the posts above them; a
 * recipient's answer or escalation only from that post and above (restricted data); admins
 * receive everything.
 */
export async function mayReceive(
  deps: Pick<AppDeps, 'command' | 'store'>,
  user: Principal | undefined,
  e: ServerEvent,
): Promise<boolean> {
  if (PUBLIC.has(e.kind)) return true
  if (user === undefined) return false
  if (user.role === 'admin') return true
  const chain = async (): Promise<{ h: Hierarchy; p: CommandPrincipal }> => {
    const [h, p] = await Promise.all([deps.command.hierarchy(), deps.command.principal(user.user)])
    return { h, p }
  }
  switch (e.kind) {
    case 'forecast':
    case 'observations':
    case 'warning':
    case 'replay':
    case 'skill':
      return true
    case 'logistics':
      return true
    case 'incident': {
      const { h, p } = await chain()
      let post = e.post
      if (post === null) {
        const i = await deps.store.incidents.find(e.incidentId as Incident['id'])
        if (i === undefined) return false
        post = i.post
      }
      return visiblePosts(h, p).has(post as PostId)
    }
    case 'order': {
      const { h, p } = await chain()
      if (e.post !== null)
        return h.posts.has(e.post as PostId) && mayReadRestricted(h, p, e.post as PostId)
      let o: Order
      try {
        o = await deps.command.order(e.orderId)
      } catch {
        return false
      }
      return [o.issuerPost, ...o.recipients].some(
        (x) => h.posts.has(x) && mayReadRestricted(h, p, x),
      )
    }
    case 'order-escalated': {
      const { h, p } = await chain()
      return h.posts.has(e.post as PostId) && mayReadRestricted(h, p, e.post as PostId)
    }
    default:
      return assertNever(e)
  }
}

const assertNever = (x: never): never => {
  throw new Error(`unexpected event ${JSON.stringify(x)}`)
}

/**
 * `GET /api/v1/events`: Server-Sent Events. Each event has a type (its `kind`) and a JSON body;
 * a comment line every 15 s keeps proxies from closing the stream. Without a token the stream
 * carries forecasts, observations, warnings and the demo replay; with `Authorization: Bearer`
 * it also carries the incidents, orders, escalations and logistics changes the token may read
 * (see {@link mayReceive}). A browser reads it with `fetch()` to send the header.
 */
export function registerEvents(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/api/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Server-Sent Events: forecasts, observations, warnings, replay; more with a token',
        description:
          'Event types: `forecast`, `observations`, `warning`, `replay` (public); `incident`, `order`, `order-escalated` (token holders whose posts they concern, admins) and `logistics` (token holders). An unknown token is refused (401) rather than served the public stream.',
        security: [{}, { bearer: [] }],
      },
    },
    (request, reply) => {
      const user = principalOf(request, deps.grants)
      if (user === undefined && request.headers.authorization !== undefined)
        throw new ApiError(401, 'unauthorized', 'the bearer token is not valid')
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
      let closed = false
      const write = (e: ServerEvent): void => {
        if (closed) return
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
      // Events that need a look-up are decided in order, one after the other.
      let chain: Promise<void> = Promise.resolve()
      const send = (e: ServerEvent): void => {
        if (PUBLIC.has(e.kind) && chain === settled) {
          write(e)
          return
        }
        // The token is looked at again for each restricted event: a session signed out or
        // expired since the stream opened ends it (the client reconnects and learns why).
        const now = PUBLIC.has(e.kind) ? user : principalOf(request, deps.grants)
        if (user !== undefined && now === undefined) {
          closed = true
          res.end()
          return
        }
        const next = chain
          .then(() => mayReceive(deps, now, e))
          .then(
            (ok) => {
              if (ok) write(e)
            },
            () => {},
          )
        chain = next
        void next.then(() => {
          if (chain === next) chain = settled
        })
      }
      const settled = chain
      const unsubscribe = deps.events.subscribe(send)
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
      const cleanup = (): void => {
        closed = true
        clearInterval(keepAlive)
        unsubscribe()
      }
      request.raw.on('close', cleanup)
      res.on('close', cleanup)
    },
  )
}
