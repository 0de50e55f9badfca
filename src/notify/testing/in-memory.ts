/**
 * In-memory implementations of the delivery ports, for tests only (the store provides the
 * real ones).
 */
import type { EpochMs } from '../../core/brand.ts'
import type {
  AcknowledgmentRepository,
  AlertLookup,
  DeliveryLogRepository,
  OutboxRepository,
  SubscriptionRepository,
} from '../ports.ts'
import type {
  Acknowledgment,
  AlertSummary,
  DeliveryLogEntry,
  OutboxMessage,
  Subscription,
} from '../types.ts'

/**
 * An outbox in a Map, unique by id and by idempotency key; `acks` (when given) are the
 * acknowledgments that take a message out of the escalation candidates.
 */
export class InMemoryOutbox implements OutboxRepository {
  readonly rows = new Map<string, OutboxMessage>()
  private readonly acks: { readonly acks: readonly Acknowledgment[] } | undefined
  constructor(acks?: { readonly acks: readonly Acknowledgment[] }) {
    this.acks = acks
  }

  async add(messages: readonly OutboxMessage[]): Promise<readonly OutboxMessage[]> {
    const keys = new Set([...this.rows.values()].map((m) => m.idempotencyKey))
    const added: OutboxMessage[] = []
    for (const m of messages) {
      if (keys.has(m.idempotencyKey) || this.rows.has(m.id)) continue
      keys.add(m.idempotencyKey)
      this.rows.set(m.id, m)
      added.push(m)
    }
    return added
  }

  async due(now: EpochMs, limit: number): Promise<readonly OutboxMessage[]> {
    return [...this.rows.values()]
      .filter((m) => m.status === 'pending' && m.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
      .slice(0, limit)
  }

  async awaitingAcknowledgment(): Promise<readonly OutboxMessage[]> {
    const acked = (m: OutboxMessage): boolean =>
      this.acks?.acks.some(
        (a) =>
          a.recipient === m.recipient &&
          a.alertId === m.alertId &&
          a.alertVersion === m.alertVersion,
      ) ?? false
    return [...this.rows.values()].filter(
      (m) =>
        m.subject === 'warning' && m.status !== 'pending' && m.escalatedAt === null && !acked(m),
    )
  }

  async find(id: string): Promise<OutboxMessage | undefined> {
    return this.rows.get(id)
  }

  async forAlert(alertId: string, alertVersion: number): Promise<readonly OutboxMessage[]> {
    return [...this.rows.values()].filter(
      (m) => m.subject === 'warning' && m.alertId === alertId && m.alertVersion === alertVersion,
    )
  }

  async forOrder(orderId: string): Promise<readonly OutboxMessage[]> {
    return [...this.rows.values()].filter((m) => m.subject === 'order' && m.alertId === orderId)
  }

  async update(message: OutboxMessage): Promise<void> {
    if (!this.rows.has(message.id)) throw new Error(`no outbox row ${message.id}`)
    this.rows.set(message.id, message)
  }

  /** The earliest `nextAttemptAt` of a pending row, or undefined when none is pending. */
  nextDue(): EpochMs | undefined {
    let t: EpochMs | undefined
    for (const m of this.rows.values()) {
      if (m.status === 'pending' && (t === undefined || m.nextAttemptAt < t)) t = m.nextAttemptAt
    }
    return t
  }
}

export class InMemoryDeliveryLog implements DeliveryLogRepository {
  readonly entries: DeliveryLogEntry[] = []
  async append(entry: DeliveryLogEntry): Promise<void> {
    this.entries.push(entry)
  }
  async forRecipient(recipient: string): Promise<readonly DeliveryLogEntry[]> {
    return this.entries.filter((e) => e.recipient === recipient)
  }
  async forMessage(messageId: string): Promise<readonly DeliveryLogEntry[]> {
    return this.entries.filter((e) => e.messageId === messageId)
  }
}

export class InMemoryAcknowledgments implements AcknowledgmentRepository {
  readonly acks: Acknowledgment[] = []
  async record(ack: Acknowledgment): Promise<void> {
    this.acks.push(ack)
  }
  async forAlert(alertId: string, alertVersion: number): Promise<readonly Acknowledgment[]> {
    return this.acks.filter((a) => a.alertId === alertId && a.alertVersion === alertVersion)
  }
}

export class InMemorySubscriptions implements SubscriptionRepository {
  readonly subs: Subscription[]
  constructor(subs: Subscription[] = []) {
    this.subs = subs
  }
  async list(): Promise<readonly Subscription[]> {
    return this.subs
  }
  async find(id: string): Promise<Subscription | undefined> {
    return this.subs.find((s) => s.id === id)
  }
}

export class InMemoryAlerts implements AlertLookup {
  readonly alerts: AlertSummary[]
  constructor(alerts: AlertSummary[] = []) {
    this.alerts = alerts
  }
  async find(alertId: string, alertVersion: number): Promise<AlertSummary | undefined> {
    return this.alerts.find((a) => a.id === alertId && a.version === alertVersion)
  }
}

/** A clock that moves only when told to (ms since epoch). */
export class ManualClock {
  private t: number
  constructor(t: number) {
    this.t = t
  }
  now(): EpochMs {
    return this.t as EpochMs
  }
  set(t: number): void {
    this.t = t
  }
  advance(ms: number): void {
    this.t += ms
  }
}
