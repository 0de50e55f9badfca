import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { EpochMs } from '../../core/brand.ts'
import { readCap } from '../../warn/cap/read.ts'
import {
  CAP_MEDIA_TYPE,
  alertsForArea,
  buildAtomFeed,
  type FeedAlert,
} from '../../warn/feed/build.ts'
import type { AlertId, WarningZoneId } from '../../warn/types.ts'
import type { CapAlertRecord } from '../../warn/ports.ts'
import type { AppDeps } from '../deps.ts'
import { ApiError } from '../errors.ts'
import { idSchema } from './schemas.ts'

/** Headline and area description of published documents, by identifier and text. */
const texts = new Map<string, { xml: string; headline: string; areaDesc: string }>()
const TEXTS_KEPT = 5000

/** The headline and area description of a stored alert, read once from its CAP document. */
function textsOf(a: CapAlertRecord): { headline: string; areaDesc: string } {
  const kept = texts.get(a.alertId)
  if (kept !== undefined && kept.xml === a.xml) return kept
  const doc = readCap(a.xml)
  const info = doc.ok ? doc.value.infos[0] : undefined
  const t = {
    xml: a.xml,
    headline: info?.headline ?? info?.event ?? a.alertId,
    areaDesc: info?.areas.map((x) => x.areaDesc).join('; ') ?? '',
  }
  if (texts.size >= TEXTS_KEPT) texts.delete(texts.keys().next().value!)
  texts.set(a.alertId, t)
  return t
}

/** The feed entry of a stored alert: headline and area description read from its CAP document. */
function feedEntry(a: CapAlertRecord, baseUrl: string): FeedAlert {
  const { headline, areaDesc } = textsOf(a)
  return {
    id: `${baseUrl}/cap/alerts/${encodeURIComponent(a.alertId)}.xml`,
    sentMs: a.sent,
    expiresMs: a.expires,
    headline,
    areaDesc,
    capUrl: `${baseUrl}/cap/alerts/${encodeURIComponent(a.alertId)}.xml`,
    areas: [a.zoneId],
  }
}

/**
 * The public face of the warnings: `/cap/feed.atom` (active alerts, newest first, each linked
 * as `application/cap+xml`), `/cap/areas/{zone}/feed.atom` per warning zone, and every CAP
 * document ever published at a stable URL `/cap/alerts/{id}.xml`. No token needed.
 */
export function registerCap(app: FastifyInstance, deps: AppDeps): void {
  const base = (host: string | undefined): string =>
    deps.publicUrl ?? `http://${host ?? 'localhost'}`
  const feed = async (host: string | undefined, zone: string | undefined): Promise<string> => {
    const now = deps.clock.now() as EpochMs
    const url = base(host)
    // A zone's feed reads only the zone's documents.
    const entries = (await deps.capAlerts.active(now))
      .filter((a) => zone === undefined || a.zoneId === zone)
      .map((a) => feedEntry(a, url))
    const self =
      zone === undefined
        ? `${url}/cap/feed.atom`
        : `${url}/cap/areas/${encodeURIComponent(zone)}/feed.atom`
    return buildAtomFeed(
      {
        id: self,
        title: zone === undefined ? 'Freshet flood warnings' : `Freshet flood warnings: ${zone}`,
        selfUrl: self,
        authorName: 'Freshet',
      },
      zone === undefined ? entries : alertsForArea(entries, zone),
      now,
    )
  }
  app.get(
    '/cap/feed.atom',
    { schema: { tags: ['warnings'], summary: 'Atom feed of the active CAP alerts, newest first' } },
    async (req, reply) =>
      reply
        .type('application/atom+xml; charset=utf-8')
        .send(await feed(req.headers.host, undefined)),
  )
  app.get(
    '/cap/areas/:zone/feed.atom',
    {
      schema: {
        tags: ['warnings'],
        summary: "Atom feed of one warning zone's active alerts",
        params: z.object({ zone: idSchema }),
      },
    },
    async (req, reply) =>
      reply
        .type('application/atom+xml; charset=utf-8')
        .send(await feed(req.headers.host, (req.params as { zone: WarningZoneId }).zone)),
  )
  app.get(
    '/cap/alerts/:file',
    {
      schema: {
        tags: ['warnings'],
        summary: 'A published CAP 1.2 document (`{identifier}.xml`), as published',
        params: z.object({ file: z.string().regex(/^[^/]+\.xml$/) }),
      },
    },
    async (req, reply) => {
      const id = (req.params as { file: string }).file.replace(/\.xml$/, '') as AlertId
      const alert = await deps.capAlerts.find(id)
      if (alert === undefined) throw new ApiError(404, 'not_found', `no CAP alert ${id}`)
      return reply.type(`${CAP_MEDIA_TYPE}; charset=utf-8`).send(alert.xml)
    },
  )
}
