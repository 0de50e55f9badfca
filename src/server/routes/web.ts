/**
 * The dashboard: the single-page app built into web/dist (`npm run build:web`), served at `/`.
 *
 * - `index.html` (at `/` and at every deep link such as `/warnings`) is never cached, so a new
 *   build is picked up on the next load; it carries a strict Content-Security-Policy.
 * - Files whose name carries a content hash (`assets/index-<hash>.js`) are cached for a year,
 *   immutable; other files (the map worker at a fixed name, the basemap) are revalidated.
 * - The API, CAP, acknowledgment, health, OpenAPI and docs paths never fall back to the app:
 *   an unknown one answers the API's JSON 404.
 * - While web/dist has no index.html, the dashboard's pages answer 503 saying how to build it.
 */
import { existsSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

/** The built dashboard of this installation: web/dist at the repository root. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url))

/**
 * The dashboard's Content-Security-Policy: everything from this server only; inline styles
 * (maplibre and uPlot set element styles), images from data: and blob: URLs, and workers from
 * blob: URLs (maplibre may start its worker from one).
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "script-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

/** Paths that belong to the server itself and never fall back to the app. */
const SERVER_PATHS = /^\/(api|cap|ack|docs)(\/|$)|^\/(health|openapi\.json)$/

/** A file name with a content hash from the build (`name-<8+ chars>.ext`). */
const HASHED = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/

const NOT_BUILT =
  'The Freshet dashboard is not built. Run `npm run build:web` (it writes web/dist), then reload.\n' +
  'The API is served as usual: /api/v1/…, /cap/feed.atom, /docs.\n'

/**
 * Serves the dashboard from `root` (default {@link DEFAULT_WEB_ROOT}) at `/`: `index.html`
 * for `/` and deep links, files under it by path. Registered last, after every API route.
 */
export async function registerWeb(app: FastifyInstance, root = DEFAULT_WEB_ROOT): Promise<void> {
  await app.register(fastifyStatic, { root, serve: false })
  const index = join(root, 'index.html')

  const sendIndex = (reply: FastifyReply): FastifyReply => {
    reply.header('content-security-policy', DASHBOARD_CSP)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    if (!existsSync(index))
      return reply
        .status(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send(NOT_BUILT)
    reply.header('cache-control', 'no-cache')
    return reply.sendFile('index.html', { cacheControl: false })
  }

  app.get('/', { schema: { hide: true } }, (_req, reply) => sendIndex(reply))

  app.get('/*', { schema: { hide: true } }, (req, reply) => {
    let path: string
    try {
      path = decodeURIComponent(req.url.split('?')[0]!)
    } catch {
      return reply.callNotFound()
    }
    if (SERVER_PATHS.test(path)) return reply.callNotFound()
    const rel = normalize(path).replace(/^\/+/, '')
    if (rel === 'index.html') return sendIndex(reply)
    if (extname(rel) === '') return sendIndex(reply)
    // A file: served if it exists (@fastify/static refuses paths outside the root), else 404.
    if (!existsSync(join(root, rel))) return reply.callNotFound()
    reply.header('x-content-type-options', 'nosniff')
    if (rel.startsWith('assets/') && HASHED.test(rel)) {
      reply.header('cache-control', 'public, max-age=31536000, immutable')
      return reply.sendFile(rel, { cacheControl: false })
    }
    reply.header('cache-control', 'no-cache')
    return reply.sendFile(rel, { cacheControl: false })
  })
}
