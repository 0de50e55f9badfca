/**
 * What the warning layer needs from storage: each zone's stream of lifecycle events (appended
 * with optimistic concurrency), the CAP alerts published, and the audit trail. Implemented by
 * src/store; the lifecycle itself (lifecycle.ts, approval.ts) stays pure.
 *
 * A use case reads a zone's events, replays them (`replay`), decides, and appends the new
 * events with the number of events it read as `expectedSeq`. When another writer appended in
 * between, the append fails with a {@link ConflictError} and writes nothing: the use case reads
 * again and decides again.
 */
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import type { AuditEntry } from './approval.ts'
import type { ZoneEvaluationState } from './evaluate.ts'
import type { CapStatus } from './cap/model.ts'
import type { MsgType, WarningEvent } from './lifecycle.ts'
import type { AlertId, WarningId, WarningZoneId } from './types.ts'

/**
 * Another writer appended to the zone's event stream after the caller read it. Nothing of the
 * failed append was written.
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError'
  readonly zoneId: WarningZoneId
  /** The seq the caller expected to be the zone's last. */
  readonly expectedSeq: number
  /** The zone's last seq when the conflict was found. */
  readonly actualSeq: number

  constructor(zoneId: WarningZoneId, expectedSeq: number, actualSeq: number) {
    super(
      `warning events of zone ${zoneId}: expected the stream at seq ${expectedSeq}, ` +
        `another writer has taken it to ${actualSeq}; read the events again and retry`,
    )
    this.zoneId = zoneId
    this.expectedSeq = expectedSeq
    this.actualSeq = actualSeq
  }
}

/**
 * Each zone's warning events, append-only. A zone's events are numbered 1, 2, 3 … in the order
 * appended (its seq), with no gaps, so the seq of the last event read is the number of events
 * read.
 */
export interface WarningRepository {
  /**
   * Appends `events` to the zone's stream as seq `expectedSeq + 1`, `expectedSeq + 2`, …, all
   * or none. An empty list writes nothing but still checks `expectedSeq`.
   *
   * @param expectedSeq the seq of the zone's last event as the caller read it (0: no events)
   * @returns the seq of the last event now stored
   * @throws ConflictError when the zone's last seq is not `expectedSeq`, or another writer
   *   appends the same seqs concurrently; nothing is written
   * @throws Error when `expectedSeq` is not a non-negative integer (a programmer error)
   */
  appendEvents(
    zoneId: WarningZoneId,
    expectedSeq: number,
    events: readonly WarningEvent[],
  ): Promise<number>
  /**
   * The zone's events with seq above `afterSeq` (default 0: all), in order; the first one
   * returned has seq `afterSeq + 1`.
   */
  events(zoneId: WarningZoneId, afterSeq?: number): Promise<readonly WarningEvent[]>
  /** The seq of the zone's last event, 0 when it has none. */
  lastSeq(zoneId: WarningZoneId): Promise<number>
  /**
   * Zones whose replayed state has an active warning or a pending draft, in id order: the zones
   * a cycle must look at even when no signal mentions them (to expire or cancel).
   */
  zonesWithOpenWarnings(): Promise<readonly WarningZoneId[]>
}

/** One published CAP alert (one issued version of a warning) and what delivery needs of it. */
export interface CapAlertRecord {
  /** The CAP `identifier`. */
  readonly alertId: AlertId
  readonly warningId: WarningId
  readonly zoneId: WarningZoneId
  /** Counts from 1 within the warning. */
  readonly version: number
  readonly msgType: MsgType
  readonly status: CapStatus
  /** CAP `sent` (epoch ms). */
  readonly sent: EpochMs
  /** CAP `expires` (epoch ms); for a Cancel, when it was cancelled. */
  readonly expires: EpochMs
  /** The level as a rank (0 = lowest, see `rankOf`); for a Cancel, the level cancelled. */
  readonly levelRank: number
  /** Languages the alert has an `info` block in (BCP 47), in the document's order. */
  readonly languages: readonly string[]
  /** The CAP 1.2 XML document, as published. */
  readonly xml: string
  /** When it was stored (epoch ms). */
  readonly createdAt: EpochMs
}

/** The CAP alerts published. */
export interface CapAlertRepository {
  /** Stores an alert, replacing the one of the same `alertId`. */
  put(alert: CapAlertRecord): Promise<void>
  /** @returns undefined when there is no alert of that id */
  find(alertId: AlertId): Promise<CapAlertRecord | undefined>
  /**
   * The current version of each warning, unless it is a Cancel or expired (`expires <= now`),
   * newest `sent` first: what an Atom feed of active alerts lists.
   *
   * @param now epoch ms
   */
  active(now: EpochMs): Promise<readonly CapAlertRecord[]>
  /** Every alert of a zone, every version, newest `sent` first. */
  byZone(zoneId: WarningZoneId): Promise<readonly CapAlertRecord[]>
}

/** An audit entry as stored: with its id, ascending in the order appended. */
export interface StoredAuditEntry extends AuditEntry {
  readonly id: number
}

/** Which audit entries to list; every field narrows, none given lists all. */
export interface AuditFilter {
  readonly warningId?: WarningId
  readonly actor?: UserId
  /** Entries at or after (epoch ms). */
  readonly from?: EpochMs
  /** Entries before (epoch ms). */
  readonly to?: EpochMs
  /** At most this many, the oldest first. */
  readonly limit?: number
}

/** The audit trail of the warning lifecycle, append-only. */
export interface AuditRepository {
  /** Appends entries in order, all or none. */
  append(entries: readonly AuditEntry[]): Promise<void>
  /** Entries matching `filter`, by time, then in the order appended. */
  list(filter?: AuditFilter): Promise<readonly StoredAuditEntry[]>
}

/**
 * What the rules remember of each zone between cycles (persistence and hysteresis counters),
 * kept so that a restart does not reset them. Written in the transaction that publishes the
 * zone's events.
 */
export interface ZoneEvaluationRepository {
  /** @returns undefined when the zone was never evaluated */
  find(zoneId: WarningZoneId): Promise<ZoneEvaluationState | undefined>
  /** Stores a zone's state, replacing the previous one. */
  put(state: ZoneEvaluationState, updatedAt: EpochMs): Promise<void>
}
