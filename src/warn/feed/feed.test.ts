import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatIssue } from '../../core/result.ts'
import type { FeedAlert } from './build.ts'
import { alertsForArea, buildAtomFeed } from './build.ts'
import { checkAtomFeed } from './check.ts'

const example = (name: string): Buffer =>
  readFileSync(new URL(`../../../data/cap/examples/feeds/${name}`, import.meta.url))

const H = 3_600_000
const NOW = Date.UTC(2024, 5, 19, 12)
const meta = {
  id: 'https://freshet.example/feeds/all',
  title: 'Freshet flood warnings',
  selfUrl: 'https://freshet.example/feeds/all.atom',
}
const alerts: FeedAlert[] = [
  {
    id: 'urn:freshet:a1',
    sentMs: NOW - 3 * H,
    expiresMs: NOW + H,
    headline: 'Old & wet',
    areaDesc: 'Upper',
    capUrl: 'https://freshet.example/cap/a1.xml',
    areas: ['up'],
  },
  {
    id: 'urn:freshet:a2',
    sentMs: NOW - H,
    expiresMs: NOW + 5 * H,
    headline: 'Newest',
    areaDesc: 'Lower',
    capUrl: 'https://freshet.example/cap/a2.xml?x=1&y=2',
    areas: ['low'],
  },
  {
    id: 'urn:freshet:a3',
    sentMs: NOW - 9 * H,
    expiresMs: NOW - 1,
    headline: 'Expired',
    areaDesc: 'Lower',
    capUrl: 'https://freshet.example/cap/a3.xml',
    areas: ['low'],
  },
]

describe('buildAtomFeed', () => {
  const xml = buildAtomFeed(meta, alerts, NOW)
  it('lists active alerts newest first, each linked to its CAP document', () => {
    expect([...xml.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1])).toEqual([
      'Freshet flood warnings',
      'Newest',
      'Old &amp; wet',
    ])
    expect(xml).toContain(
      '<link rel="alternate" type="application/cap+xml" href="https://freshet.example/cap/a2.xml?x=1&amp;y=2"/>',
    )
    expect(xml).toContain(
      '<link rel="self" type="application/atom+xml" href="https://freshet.example/feeds/all.atom"/>',
    )
    expect(xml).toContain('<updated>2024-06-19T11:00:00Z</updated>')
    expect(xml).not.toContain('Expired')
  })
  it('passes the feed checker', () => {
    expect(checkAtomFeed(xml)).toEqual({ ok: true, value: { entries: 2 } })
  })
  it('makes per-area feeds by filtering', () => {
    const low = buildAtomFeed(meta, alertsForArea(alerts, 'low'), NOW)
    expect(checkAtomFeed(low)).toEqual({ ok: true, value: { entries: 1 } })
  })
  it('is a valid empty feed when nothing is active', () => {
    const empty = buildAtomFeed(meta, alerts, NOW + 10 * H)
    expect(checkAtomFeed(empty)).toEqual({ ok: true, value: { entries: 0 } })
  })
})

describe('checkAtomFeed on the examples', () => {
  it('accepts the USGS index feed', () => {
    expect(checkAtomFeed(example('usgs-earthquake-index.atom'))).toEqual({
      ok: true,
      value: { entries: 1 },
    })
  })
  it('flags the entry without a CAP link', () => {
    const r = checkAtomFeed(example('entry-missing-cap-link.atom'))
    expect(!r.ok && r.issues.map(formatIssue)).toEqual([
      'feed.entry[0]: ATOM_ENTRY_MISSING_CAP_LINK: neither embeds a CAP alert nor links to one',
    ])
  })
  it('refuses a DOCTYPE', () => {
    expect(
      checkAtomFeed('<!DOCTYPE feed [<!ENTITY x "y">]><feed xmlns="http://www.w3.org/2005/Atom"/>')
        .ok,
    ).toBe(false)
  })
})
