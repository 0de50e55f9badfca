/**
 * The vocabulary of command: posts at four levels, the roles people hold at a post, duty
 * rosters, and the ids of incidents, orders and situation reports.
 *
 * A post answers to one or more posts of a higher level (its superiors, `parents`): a county
 * post typically answers to its province and to the river-basin headquarters of its river, so
 * the chain of command is a directed acyclic graph, not a tree.
 */
import type { Brand, EpochMs } from '../core/brand.ts'
import type { LatLon } from '../core/geo.ts'
import type { UserId } from '../core/ids.ts'

/** A command post, e.g. `cn.hubei.wuhan`. */
export type PostId = Brand<string, 'PostId'>
/** An order issued by a post (the caller chooses it, e.g. `<post>.<seq>`). */
export type OrderId = Brand<string, 'OrderId'>
/** An incident at one post. */
export type IncidentId = Brand<string, 'IncidentId'>
/** A situation report filed by one post. */
export type SitrepId = Brand<string, 'SitrepId'>

/**
 * An area of jurisdiction: a warning zone id (src/warn `WarningZoneId`) or any other area code
 * the deployment uses (NUTS, administrative codes). Plain strings, so that the layer above can
 * pass warning zone ids without a cast.
 */
export type AreaId = string

/** Post levels, highest first: a post's superiors are always of a level listed before its own. */
export const POST_LEVELS = ['national', 'basin', 'province', 'county'] as const
export type PostLevel = (typeof POST_LEVELS)[number]

/** 0 for `national` … 3 for `county`: a superior's rank is strictly smaller than its subordinate's. */
export function levelRank(level: PostLevel): number {
  return POST_LEVELS.indexOf(level)
}

/** One command post. */
export interface Post {
  readonly id: PostId
  readonly name: string
  readonly level: PostLevel
  /** Direct superiors, each of a higher level; empty for a root (the national headquarters). */
  readonly parents: readonly PostId[]
  /** Areas the post itself covers; its jurisdiction adds those of every post below it. */
  readonly areas: readonly AreaId[]
  /** Where the post sits (WGS84 degrees), for the map; absent when not known. */
  readonly location?: LatLon
}

/** Roles a person holds at a post. */
export const ROLES = [
  'commander',
  'duty-officer',
  'forecaster',
  'logistics-officer',
  'observer',
] as const
export type Role = (typeof ROLES)[number]

/** A person holds `role` at `post` (and through it, over every post below; see permissions.ts). */
export interface Assignment {
  readonly user: UserId
  readonly post: PostId
  readonly role: Role
}

/** A person with every assignment they hold. */
export interface Principal {
  readonly id: UserId
  readonly assignments: readonly Assignment[]
}

/** One shift of a duty roster: `user` is on duty at `post` from `from` (inclusive) to `to` (exclusive). */
export interface RosterEntry {
  readonly post: PostId
  readonly user: UserId
  /** Epoch ms, inclusive. */
  readonly from: EpochMs
  /** Epoch ms, exclusive. */
  readonly to: EpochMs
}
