/**
 * Checks an Atom feed of CAP alerts (profile-checks section G, after google/cap-library's
 * feed validator): feed id, title and updated; every entry an id (unique), title and updated,
 * and either an embedded CAP alert or a link to one. Codes name the problem for machines.
 */
import type { Issue, Result } from '../../core/result.ts'
import { fail, ok } from '../../core/result.ts'
import { parseXmlTree, screenXml } from '../cap/index.ts'
import { ATOM_NS } from './build.ts'

/** Problem codes of {@link checkAtomFeed}. */
export const FEED_CODES = [
  'ATOM_NOT_A_FEED',
  'ATOM_FEED_MISSING_ID',
  'ATOM_FEED_MISSING_TITLE',
  'ATOM_FEED_MISSING_UPDATED',
  'ATOM_ENTRY_MISSING_ID',
  'ATOM_ENTRY_DUPLICATE_ID',
  'ATOM_ENTRY_MISSING_TITLE',
  'ATOM_ENTRY_MISSING_UPDATED',
  'ATOM_ENTRY_MISSING_CAP_LINK',
] as const
export type FeedCode = (typeof FEED_CODES)[number]

const CAP_TYPES = ['application/cap+xml', 'application/common-alerting-protocol+xml']

type Node = Record<string, unknown>

const asNodes = (v: unknown): Node[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) =>
    x !== null && typeof x === 'object' ? (x as Node) : { '#text': x },
  )

function textOf(v: unknown): string {
  const n = asNodes(v)[0]
  if (n === undefined) return ''
  const t = n['#text'] ?? n['#cdata']
  return Array.isArray(t) ? t.map(String).join('') : t === undefined ? '' : String(t)
}

/** A CAP link: typed as CAP, or (fallback) untyped / other XML when no typed link exists. */
function hasCapLink(entry: Node): boolean {
  const links = asNodes(entry['link'])
  const typed = links.some((l) => CAP_TYPES.includes(String(l['@_type'] ?? '').toLowerCase()))
  if (typed) return true
  return links.some((l) => {
    const type = l['@_type']
    const rel = String(l['@_rel'] ?? 'alternate')
    const href = l['@_href']
    if (typeof href !== 'string' || href === '') return false
    if (rel !== 'alternate' && rel !== 'related') return false
    return type === undefined ? /\.(xml|cap)$/i.test(href) : /[+/]xml$/i.test(String(type))
  })
}

function embedsCap(entry: Node): boolean {
  return asNodes(entry['content']).some((c) =>
    Object.keys(c).some((k) => k === 'alert' || k.endsWith(':alert')),
  )
}

/**
 * Checks an Atom feed document (text or bytes; DOCTYPE and entities refused as for CAP).
 * @returns the number of entries, or every problem as `CODE` message with path
 * `feed.entry[i]` (indices from 0).
 */
export function checkAtomFeed(input: string | Uint8Array): Result<{ entries: number }> {
  const screened = screenXml(input)
  if (!screened.ok) return screened
  const tree = parseXmlTree(screened.value)
  if (!tree.ok) return tree
  const feedKey = Object.keys(tree.value).find((k) => k === 'feed' || k.endsWith(':feed'))
  const feed = feedKey === undefined ? undefined : asNodes(tree.value[feedKey])[0]
  const issue = (path: (string | number)[], code: FeedCode, message: string): Issue => ({
    path,
    message: `${code}: ${message}`,
  })
  if (feed === undefined || (feed['@_xmlns'] !== ATOM_NS && feedKey === 'feed')) {
    return fail([issue(['document'], 'ATOM_NOT_A_FEED', 'not an Atom feed')])
  }
  const issues: Issue[] = []
  if (textOf(feed['id']) === '')
    issues.push(issue(['feed', 'id'], 'ATOM_FEED_MISSING_ID', 'missing'))
  if (feed['title'] === undefined) {
    issues.push(issue(['feed', 'title'], 'ATOM_FEED_MISSING_TITLE', 'missing'))
  }
  if (textOf(feed['updated']) === '') {
    issues.push(issue(['feed', 'updated'], 'ATOM_FEED_MISSING_UPDATED', 'missing'))
  }
  const ids = new Set<string>()
  const entries = asNodes(feed['entry'])
  entries.forEach((e, i) => {
    const p = ['feed', 'entry', i]
    const id = textOf(e['id'])
    if (id === '') issues.push(issue([...p, 'id'], 'ATOM_ENTRY_MISSING_ID', 'missing'))
    else if (ids.has(id)) issues.push(issue([...p, 'id'], 'ATOM_ENTRY_DUPLICATE_ID', id))
    ids.add(id)
    if (e['title'] === undefined)
      issues.push(issue([...p, 'title'], 'ATOM_ENTRY_MISSING_TITLE', 'missing'))
    if (textOf(e['updated']) === '') {
      issues.push(issue([...p, 'updated'], 'ATOM_ENTRY_MISSING_UPDATED', 'missing'))
    }
    if (!hasCapLink(e) && !embedsCap(e)) {
      issues.push(
        issue(p, 'ATOM_ENTRY_MISSING_CAP_LINK', 'neither embeds a CAP alert nor links to one'),
      )
    }
  })
  return issues.length > 0 ? fail(issues) : ok({ entries: entries.length })
}
