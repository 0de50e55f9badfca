/**
 * An Atom 1.0 index feed (RFC 4287) of active CAP alerts, as OASIS "CAP Feeds" practice and
 * profile-checks section G describe: one entry per alert, newest first, each linking to its CAP
 * document with `rel="alternate"` and `type="application/cap+xml"`. Expired alerts are left out.
 */
import { create } from 'xmlbuilder2'
import { escapeAmpersands as esc } from '../cap/write.ts'

/** The Atom namespace. */
export const ATOM_NS = 'http://www.w3.org/2005/Atom'

/** The media type of a CAP document. */
export const CAP_MEDIA_TYPE = 'application/cap+xml'

/** One active alert as the feed shows it. Times in ms since 1970-01-01T00:00:00Z. */
export interface FeedAlert {
  /** A stable, unique entry id (e.g. `urn:oid:…` or the CAP identifier as a URI). */
  readonly id: string
  readonly sentMs: number
  /** When the alert stops being active; an alert without it never expires from the feed. */
  readonly expiresMs?: number
  readonly headline: string
  readonly areaDesc: string
  /** Stable absolute URL of the CAP document. */
  readonly capUrl: string
  /** Area keys (e.g. warning-area ids) for per-area feeds. */
  readonly areas?: readonly string[]
}

/** What identifies the feed itself. */
export interface FeedMeta {
  /** Permanent feed id (an absolute IRI). */
  readonly id: string
  readonly title: string
  /** The URL this feed is served at (the `self` link). */
  readonly selfUrl: string
  readonly authorName?: string
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The alerts active at `nowMs` (not expired), newest first (ties by id for a stable order). */
export function activeAlerts(alerts: readonly FeedAlert[], nowMs: number): FeedAlert[] {
  return alerts
    .filter((a) => a.expiresMs === undefined || a.expiresMs > nowMs)
    .sort((a, b) => b.sentMs - a.sentMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** The alerts concerning area `key` (for a per-area feed). */
export const alertsForArea = (alerts: readonly FeedAlert[], key: string): FeedAlert[] =>
  alerts.filter((a) => a.areas?.includes(key) === true)

/**
 * The Atom feed XML of the alerts active at `nowMs` (ms since epoch). `updated` is the newest
 * entry's sent time, or `nowMs` when no alert is active.
 * @throws Error when a time is not finite.
 */
export function buildAtomFeed(meta: FeedMeta, alerts: readonly FeedAlert[], nowMs: number): string {
  const active = activeAlerts(alerts, nowMs)
  const doc = create({ version: '1.0', encoding: 'UTF-8' })
  const feed = doc.ele(ATOM_NS, 'feed')
  feed.ele(ATOM_NS, 'id').txt(esc(meta.id))
  feed.ele(ATOM_NS, 'title').txt(esc(meta.title))
  feed.ele(ATOM_NS, 'updated').txt(esc(iso(active[0]?.sentMs ?? nowMs)))
  feed
    .ele(ATOM_NS, 'link')
    .att('rel', 'self')
    .att('type', 'application/atom+xml')
    .att('href', esc(meta.selfUrl))
  feed
    .ele(ATOM_NS, 'author')
    .ele(ATOM_NS, 'name')
    .txt(esc(meta.authorName ?? meta.title))
  for (const a of active) {
    const e = feed.ele(ATOM_NS, 'entry')
    e.ele(ATOM_NS, 'id').txt(esc(a.id))
    e.ele(ATOM_NS, 'title').txt(esc(a.headline))
    e.ele(ATOM_NS, 'updated').txt(esc(iso(a.sentMs)))
    e.ele(ATOM_NS, 'published').txt(esc(iso(a.sentMs)))
    e.ele(ATOM_NS, 'summary').txt(esc(a.areaDesc))
    e.ele(ATOM_NS, 'link')
      .att('rel', 'alternate')
      .att('type', CAP_MEDIA_TYPE)
      .att('href', esc(a.capUrl))
  }
  return doc.end({ prettyPrint: true }) + '\n'
}
