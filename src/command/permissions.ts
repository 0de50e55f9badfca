/**
 * Who may do what where. Permissions follow the post: a person holding a role at a post may act
 * on that post and on every post below it, as {@link PERMISSIONS} allows their role. Some
 * actions are only for the post itself (acknowledging an order addressed to it), and plain
 * reading is open to anyone assigned anywhere.
 *
 * Restricted data of a post (casualty lists, names, internal notes) is readable only from the
 * post itself and the posts above it, never by a sibling: a county officer cannot read another
 * county's restricted data, because neither county is above the other.
 */
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import type { Issue, Result } from '../core/result.ts'
import { fail, ok } from '../core/result.ts'
import type { Hierarchy } from './hierarchy.ts'
import { ancestors, descendants, getPostOrThrow } from './hierarchy.ts'
import type { Assignment, PostId, Principal, Role, RosterEntry } from './types.ts'

/** What a person may do at a post. */
export const ACTIONS = [
  'read',
  'read-restricted',
  'issue-order',
  'acknowledge-order',
  'report-completion',
  'open-incident',
  'manage-incident',
  'file-sitrep',
  'manage-roster',
  'request-supplies',
  'dispatch-supplies',
  'manage-stock',
] as const
export type Action = (typeof ACTIONS)[number]

/**
 * Where an assignment must be for an action on post P:
 * - `post-or-above`: at P or at any post above P;
 * - `post-itself`: at P only (answering for the post is the post's own business);
 * - `anywhere`: any assignment at all.
 */
export type Scope = 'post-or-above' | 'post-itself' | 'anywhere'

/** The roles that may take each action, and where their assignment must be. */
export const PERMISSIONS: Readonly<
  Record<Action, { readonly roles: readonly Role[]; readonly scope: Scope }>
> = {
  read: {
    roles: ['commander', 'duty-officer', 'forecaster', 'logistics-officer', 'observer'],
    scope: 'anywhere',
  },
  'read-restricted': {
    roles: ['commander', 'duty-officer', 'forecaster', 'logistics-officer'],
    scope: 'post-or-above',
  },
  'issue-order': { roles: ['commander', 'duty-officer'], scope: 'post-or-above' },
  'acknowledge-order': { roles: ['commander', 'duty-officer'], scope: 'post-itself' },
  'report-completion': { roles: ['commander', 'duty-officer'], scope: 'post-itself' },
  'open-incident': { roles: ['commander', 'duty-officer'], scope: 'post-or-above' },
  'manage-incident': { roles: ['commander', 'duty-officer'], scope: 'post-or-above' },
  'file-sitrep': { roles: ['commander', 'duty-officer'], scope: 'post-itself' },
  'manage-roster': { roles: ['commander'], scope: 'post-or-above' },
  'request-supplies': { roles: ['commander', 'logistics-officer'], scope: 'post-itself' },
  'dispatch-supplies': { roles: ['commander', 'logistics-officer'], scope: 'post-or-above' },
  'manage-stock': { roles: ['logistics-officer'], scope: 'post-or-above' },
}

/**
 * The assignment that lets `principal` take `action` on `post`, or the reason it may not (one
 * issue at `path`, default `['post']`).
 * @throws Error for an unknown post (a programmer error)
 */
export function authorize(
  h: Hierarchy,
  principal: Principal,
  action: Action,
  post: PostId,
  path: readonly (string | number)[] = ['post'],
): Result<Assignment> {
  getPostOrThrow(h, post)
  const rule = PERMISSIONS[action]
  const holding = principal.assignments.filter((a) => rule.roles.includes(a.role))
  let granted: Assignment | undefined
  if (rule.scope === 'anywhere') granted = holding[0]
  else {
    granted = holding.find((a) => a.post === post)
    if (granted === undefined && rule.scope === 'post-or-above') {
      const above = new Set(ancestors(h, post))
      granted = holding.find((a) => above.has(a.post))
    }
  }
  if (granted !== undefined) return ok(granted)
  const where =
    rule.scope === 'anywhere'
      ? ''
      : rule.scope === 'post-itself'
        ? ` at ${post}`
        : ` at ${post} or a post above it`
  const holds =
    principal.assignments.length === 0
      ? 'holds no assignment'
      : `holds ${principal.assignments.map((a) => `${a.role} at ${a.post}`).join(', ')}`
  return fail([
    {
      path,
      message: `${principal.id} may not ${action} on ${post}: needs ${rule.roles.join(' or ')}${where}; ${holds}`,
    },
  ])
}

/** Whether `principal` may take `action` on `post` (see {@link authorize}). */
export function may(h: Hierarchy, principal: Principal, action: Action, post: PostId): boolean {
  return authorize(h, principal, action, post).ok
}

/** Whether `principal` may read the restricted data of `post`: from the post or above it only. */
export function mayReadRestricted(h: Hierarchy, principal: Principal, post: PostId): boolean {
  return may(h, principal, 'read-restricted', post)
}

/**
 * The recipients `principal` may not order from `issuerPost`: every one of them when the
 * principal may not issue orders at that post, otherwise those not below it (itself included:
 * a post does not order itself). Empty when the order may go out.
 * @throws Error for an unknown issuer post
 */
export function mayIssueOrderTo(
  h: Hierarchy,
  principal: Principal,
  issuerPost: PostId,
  recipients: readonly PostId[],
): PostId[] {
  if (!may(h, principal, 'issue-order', issuerPost)) return [...recipients]
  const below = new Set(descendants(h, issuerPost))
  return recipients.filter((r) => !below.has(r))
}

/**
 * The issues of an order from `issuerPost` to `recipients` by `principal`: that they may not
 * issue orders there (path `issuerPost`), and each recipient not below it (path `recipients[i]`).
 * @throws Error for an unknown issuer post
 */
export function orderAuthorityIssues(
  h: Hierarchy,
  principal: Principal,
  issuerPost: PostId,
  recipients: readonly PostId[],
): Issue[] {
  const auth = authorize(h, principal, 'issue-order', issuerPost, ['issuerPost'])
  if (!auth.ok) return [...auth.issues]
  const below = new Set(descendants(h, issuerPost))
  const issues: Issue[] = []
  recipients.forEach((r, i) => {
    if (!below.has(r))
      issues.push({
        path: ['recipients', i],
        message: h.posts.has(r)
          ? `${r} is not below ${issuerPost}: a post orders only its subordinates`
          : `unknown post ${r}`,
      })
  })
  return issues
}

/** Users on duty at `post` at `at` (epoch ms): roster shifts with `from ≤ at < to`, each user once. */
export function onDuty(roster: readonly RosterEntry[], post: PostId, at: EpochMs): UserId[] {
  const out = new Set<UserId>()
  for (const r of roster) if (r.post === post && r.from <= at && at < r.to) out.add(r.user)
  return [...out]
}

/** Whether `user` is on duty at `post` at `at` (epoch ms). */
export function isOnDuty(
  roster: readonly RosterEntry[],
  user: UserId,
  post: PostId,
  at: EpochMs,
): boolean {
  return roster.some((r) => r.user === user && r.post === post && r.from <= at && at < r.to)
}
