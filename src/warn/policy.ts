/**
 * Who may draft and approve warnings, when two people are needed, and what is issued without
 * waiting for approval.
 *
 * Defaults ({@link DEFAULT_POLICY}): roles `forecaster`, `duty-officer` and `admin` may draft;
 * `duty-officer` and `admin` may approve, each only in the zones of their `areas` (or all with
 * `'*'`); the two-person rule (drafter ≠ approver) holds at every level; a new warning or an
 * upgrade to `emergency` resting on an observed exceedance is issued at once by the system
 * account `system:rules`. An extension must move `expires` by at least 3 h to be issued.
 */
import type { UserId } from '../core/ids.ts'
import type { Basis } from './types.ts'

/** How a version changes the warning. */
export const CHANGES = ['new', 'upgrade', 'downgrade', 'extension', 'cancel'] as const
export type Change = (typeof CHANGES)[number]

/** Drafts matching a rule are issued without approval. */
export interface AutoIssueRule {
  /** Level names, or `'*'` for every level. */
  readonly levels: readonly string[] | '*'
  readonly basis: Basis | 'any'
  readonly changes: readonly Change[]
}

/** See the file comment. */
export interface IssuePolicy {
  /** First part of every warning and alert id (letters, digits, `.`, `_`, `-`). */
  readonly senderId: string
  /** The account rules draft and auto-issue as. */
  readonly systemActor: UserId
  readonly drafterRoles: readonly string[]
  readonly approverRoles: readonly string[]
  /** Two-person rule by level name; levels not listed use `twoPersonDefault`. */
  readonly twoPersonRule: Readonly<Record<string, boolean>>
  readonly twoPersonDefault: boolean
  readonly autoIssue: readonly AutoIssueRule[]
  /** Smallest move of `expires` that is issued as an extension (ms). */
  readonly minExtensionMs: number
}

/** The default policy (see the file comment). */
export const DEFAULT_POLICY: IssuePolicy = {
  senderId: 'freshet',
  systemActor: 'system:rules' as UserId,
  drafterRoles: ['forecaster', 'duty-officer', 'admin'],
  approverRoles: ['duty-officer', 'admin'],
  twoPersonRule: {},
  twoPersonDefault: true,
  autoIssue: [{ levels: ['emergency'], basis: 'observed', changes: ['new', 'upgrade'] }],
  minExtensionMs: 3 * 3_600_000,
}

/** Whether a draft of `change` to `level` on `basis` is issued without approval. */
export function autoIssues(
  policy: IssuePolicy,
  change: Change,
  level: string,
  basis: Basis,
): boolean {
  return policy.autoIssue.some(
    (r) =>
      (r.levels === '*' || r.levels.includes(level)) &&
      (r.basis === 'any' || r.basis === basis) &&
      r.changes.includes(change),
  )
}

/** Whether approving a change between these levels needs a second person. */
export function twoPersonRequired(
  policy: IssuePolicy,
  level: string,
  previousLevel: string | null,
): boolean {
  const at = (name: string): boolean => policy.twoPersonRule[name] ?? policy.twoPersonDefault
  return at(level) || (previousLevel !== null && at(previousLevel))
}
