import type { Clock } from '../core/clock.ts'
import type {
  ForcingForecastRepository,
  ForecastRepository,
  ModelConfigRepository,
  ModelRunner,
} from '../forecast/ports.ts'
import type {
  BasinRepository,
  ObservationRepository,
  SeriesRepository,
  StationRepository,
  ThresholdRepository,
} from '../observe/ports.ts'
import type { Store } from '../store/index.ts'
import type {
  AcknowledgmentRepository,
  DeliveryLogRepository,
  OutboxRepository,
} from '../notify/ports.ts'
import type { SubscriptionStore } from '../store/index.ts'
import type { AuditRepository, CapAlertRepository, WarningRepository } from '../warn/ports.ts'
import type { CommandService } from './command-service.ts'
import type { DeliveryService } from './delivery.ts'
import type { LogisticsService } from './logistics-service.ts'
import type { WarningService } from './warnings.ts'
import type { Credentials } from './auth.ts'
import type { SessionService } from './sessions.ts'
import type { EventHub } from './events.ts'
import type { ForecastTrigger } from './forecast-trigger.ts'
import type { DemoReplay } from './demo.ts'

/** What the routes need; `main.ts` builds it from the configured adapters. */
export interface AppDeps {
  readonly stations: StationRepository
  readonly basins: BasinRepository
  readonly series: SeriesRepository
  readonly observations: ObservationRepository
  readonly thresholds: ThresholdRepository
  readonly forecasts: ForecastRepository
  readonly forcingForecasts: ForcingForecastRepository
  readonly modelConfigs: ModelConfigRepository
  readonly capAlerts: CapAlertRepository
  readonly warningEvents: WarningRepository
  readonly audit: AuditRepository
  readonly subscriptions: SubscriptionStore
  readonly outbox: OutboxRepository
  readonly deliveryLog: DeliveryLogRepository
  readonly acknowledgments: AcknowledgmentRepository
  /** Warning zones, evaluation and people's steps. */
  readonly warnings: WarningService
  /** The delivery loop, acknowledgment links and tokens. */
  readonly delivery: DeliveryService
  /** Posts, incidents, orders, situation reports. */
  readonly command: CommandService
  /** Depots, stock, targets, allocation, dispatch, shelters. */
  readonly logistics: LogisticsService
  /** Every repository of the store, for the command and logistics routes. */
  readonly store: Store
  /** Absolute URL the server is reached at (links in the feed); the request's host when absent. */
  readonly publicUrl?: string
  /** Runs several writes in one transaction (see Store.transaction). */
  readonly transaction: Store['transaction']
  readonly clock: Clock
  readonly events: EventHub
  /** Who tokens stand for: API tokens and, when users are configured, sessions. */
  readonly grants: Credentials
  /** Sign-in with a password; absent when no user account is configured. */
  readonly sessions?: SessionService
  /** Runs a forecast cycle when new weather forecasts arrive; none in a read-only setup. */
  readonly forecastTrigger?: ForecastTrigger
  /** Runs the models of a basin's simulation (the forecast cycle's runner: worker threads when configured). */
  readonly modelRunner: ModelRunner
  /** Answers the health check's database probe. */
  readonly ping: () => Promise<void>
  /**
   * In demo mode, the replay (undefined while the demo region loads); absent otherwise, and the
   * demo's time control answers 404.
   */
  readonly demoReplay?: () => DemoReplay | undefined
  /** The built dashboard served at `/` (default web/dist of the installation). */
  readonly webRoot?: string
}

/** The parts of {@link AppDeps} that an open store provides. */
export type StoreDeps = Pick<
  AppDeps,
  | 'stations'
  | 'basins'
  | 'series'
  | 'observations'
  | 'thresholds'
  | 'forecasts'
  | 'forcingForecasts'
  | 'modelConfigs'
  | 'capAlerts'
  | 'warningEvents'
  | 'audit'
  | 'subscriptions'
  | 'outbox'
  | 'deliveryLog'
  | 'acknowledgments'
  | 'transaction'
>

/** The repositories of `store` as the routes need them. */
export function storeDeps(store: Store): StoreDeps {
  return {
    stations: store.stations,
    basins: store.basins,
    series: store.series,
    observations: store.observations,
    thresholds: store.thresholds,
    forecasts: store.forecasts,
    forcingForecasts: store.forcingForecasts,
    modelConfigs: store.modelConfigs,
    capAlerts: store.capAlerts,
    warningEvents: store.warnings,
    audit: store.audit,
    subscriptions: store.subscriptions,
    outbox: store.outbox,
    deliveryLog: store.deliveryLog,
    acknowledgments: store.acknowledgments,
    transaction: (fn) => store.transaction(fn),
  }
}
