/**
 * The server's logistics service: depots and their stock as a ledger, targets from the exposed
 * population, allocation of stock to areas solved with HiGHS, dispatches and shelters.
 */
import type { Clock } from '../core/clock.ts'
import type { Store } from '../store/index.ts'
import type { EventHub } from './events.ts'

export interface LogisticsServiceDeps {
  readonly store: Store
  readonly clock: Clock
  readonly events: EventHub
  readonly log: (msg: string) => void
}

export interface LogisticsService {
  start(): Promise<void>
  stop(): Promise<void>
}

/** Builds the service (not started). */
export function createLogisticsService(deps: LogisticsServiceDeps): LogisticsService {
  void deps
  return {
    async start() {},
    async stop() {},
  }
}
