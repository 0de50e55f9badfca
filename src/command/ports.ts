/**
 * What the command layer needs from storage. Implemented by src/store (one contract suite, run
 * on SQLite and on PostgreSQL); the domain (orders.ts, incidents.ts, sitreps.ts,
 * audit-chain.ts) stays pure.
 *
 * Concurrency is optimistic: a writer reads a record with its `version`, decides, and appends
 * with the version it read as `expectedVersion`. When another writer got there first, the
 * append fails with a {@link ConflictError} and writes nothing; the writer reads again and
 * decides again (its answer may now be refused, e.g. a second `received`). Each recipient of an
 * order is its own record, so answers of different posts never conflict with each other.
 */
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import type { AuditInput, ChainEntry } from './audit-chain.ts'
import type { Incident, IncidentEvent } from './incidents.ts'
import type { Order, OrderEvent, OrderState, RecipientEvent, RecipientState } from './orders.ts'
import type { Sitrep } from './sitreps.ts'
import type {
  Assignment,
  IncidentId,
  OrderId,
  Post,
  PostId,
  RosterEntry,
  SitrepId,
} from './types.ts'

/**
 * Another writer changed the record after the caller read it. Nothing of the failed write was
 * stored.
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError'
  /** What was written to, e.g. `order cn.hq.7, recipient cn.p01.c003`. */
  readonly record: string
  readonly expectedVersion: number
  readonly actualVersion: number

  constructor(record: string, expectedVersion: number, actualVersion: number) {
    super(
      `${record}: expected version ${expectedVersion}, another writer has taken it to ` +
        `${actualVersion}; read it again and retry`,
    )
    this.record = record
    this.expectedVersion = expectedVersion
    this.actualVersion = actualVersion
  }
}

/** The posts, who holds which role where, and the duty rosters. */
export interface PostRepository {
  /**
   * Replaces the whole hierarchy with `posts` (checked by the caller with `buildHierarchy`), in
   * one transaction, each post with its location (WGS84 degrees) or none.
   */
  replaceAll(posts: readonly Post[]): Promise<void>
  /** Every post, in the order stored. */
  list(): Promise<readonly Post[]>
  /** Every assignment of a user (none: an empty list). */
  assignmentsOf(user: UserId): Promise<readonly Assignment[]>
  /** Every assignment at a post. */
  assignmentsAt(post: PostId): Promise<readonly Assignment[]>
  /** Adds an assignment; adding one that exists changes nothing. */
  assign(assignment: Assignment): Promise<void>
  /** Removes an assignment; removing one that does not exist changes nothing. */
  unassign(assignment: Assignment): Promise<void>
  /** Roster shifts at a post overlapping `[from, to)` (epoch ms), by `from`. */
  roster(post: PostId, from: EpochMs, to: EpochMs): Promise<readonly RosterEntry[]>
  /** Adds roster shifts, all or none. */
  addShifts(shifts: readonly RosterEntry[]): Promise<void>
}

/**
 * Orders and the record of each recipient. An order's `issued` event creates the order and one
 * record per recipient at version 0; each answer or escalation is appended to its recipient's
 * record, which takes it to the next version.
 */
export interface OrderRepository {
  /**
   * Stores an issued order with its recipients' records (version 0), all or none.
   * @throws ConflictError when an order of that id exists (expected version 0, actual 1)
   */
  create(issued: Extract<OrderEvent, { kind: 'issued' }>): Promise<void>
  /**
   * Appends one event to a recipient's record when the record is at `expectedVersion`.
   * @returns the record's new version (`expectedVersion + 1`)
   * @throws ConflictError when the record is at another version (nothing is written)
   * @throws Error when the order or the recipient does not exist
   */
  appendRecipientEvent(
    orderId: OrderId,
    post: PostId,
    expectedVersion: number,
    event: RecipientEvent,
  ): Promise<number>
  /** Marks the order superseded by a correction (an event on the order, not on a recipient). */
  supersede(event: Extract<OrderEvent, { kind: 'superseded' }>): Promise<void>
  /** The order with every recipient's record, or undefined when there is none of that id. */
  find(orderId: OrderId): Promise<OrderState | undefined>
  /** A recipient's record, or undefined when the order or the recipient does not exist. */
  findRecipient(orderId: OrderId, post: PostId): Promise<RecipientState | undefined>
  /** Every event of an order in the order appended (for audit and replay). */
  events(orderId: OrderId): Promise<readonly OrderEvent[]>
  /**
   * Orders not superseded with a recipient neither completed nor unable whose deadline (of
   * acknowledgment or of completion) has passed at `now` (epoch ms) without an escalation: the
   * orders the escalation worker looks at.
   */
  withDueEscalations(now: EpochMs): Promise<readonly OrderId[]>
  /** Orders issued by a post, newest first. */
  issuedBy(post: PostId, limit?: number): Promise<readonly Order[]>
  /** Orders addressed to a post, newest first. */
  addressedTo(post: PostId, limit?: number): Promise<readonly Order[]>
}

/** Incidents as event streams, one per incident. */
export interface IncidentRepository {
  /**
   * Appends events to an incident's stream when it holds `expectedVersion` events (0: a new
   * incident, whose first event is `opened`), all or none.
   * @returns the number of events now stored
   * @throws ConflictError when the stream holds another number of events (for an automatic
   *   incident: another worker opened it first)
   */
  append(
    incidentId: IncidentId,
    expectedVersion: number,
    events: readonly IncidentEvent[],
  ): Promise<number>
  /** The incident, or undefined when there is none of that id. */
  find(incidentId: IncidentId): Promise<Incident | undefined>
  /** Incidents opened for a warning (src/warn `WarningId`), at any post. */
  byWarning(warningId: string): Promise<readonly Incident[]>
  /** Incidents not closed at the given posts (all posts when omitted), newest first. */
  open(posts?: readonly PostId[]): Promise<readonly Incident[]>
  /** Closed incidents at the given posts (all posts when omitted), newest first. */
  closed(posts?: readonly PostId[]): Promise<readonly Incident[]>
}

/** Situation reports, never edited: a newer report replaces an older one in the roll-up. */
export interface SitrepRepository {
  /**
   * Stores a checked report (`validateSitrep`).
   * @throws ConflictError when a report of that id exists (expected version 0, actual 1)
   */
  add(report: Sitrep): Promise<void>
  /** @returns undefined when there is no report of that id */
  find(id: SitrepId): Promise<Sitrep | undefined>
  /** The latest report of each post at or before `at` (epoch ms), as `rollUp` counts them. */
  latestPerPost(at: EpochMs): Promise<readonly Sitrep[]>
  /** Reports of a post, newest first. */
  byPost(post: PostId, limit?: number): Promise<readonly Sitrep[]>
}

/**
 * The hash-chained audit log of command and logistics events (audit-chain.ts). Appends are
 * serialised: each batch is chained onto the last stored entry inside the transaction that
 * stores it, so the chain has no fork and no gap.
 */
export interface CommandAuditRepository {
  /**
   * Chains `inputs` onto the last entry (`chainEntry`) and stores them, all or none, in the
   * same transaction as the caller's other writes when the store offers one.
   * @returns the entries stored, with their seq and hashes
   */
  append(inputs: readonly AuditInput[]): Promise<readonly ChainEntry[]>
  /** The last entry, or undefined for an empty log. */
  last(): Promise<ChainEntry | undefined>
  /**
   * Up to `limit` entries with seq above `afterSeq`, ascending by seq: pages to verify with a
   * `ChainVerifier` (`afterSeq` 0 starts at the first entry).
   */
  page(afterSeq: number, limit: number): Promise<readonly ChainEntry[]>
}
