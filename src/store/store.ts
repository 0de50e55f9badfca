/**
 * The store: every repository of the monitoring, forecast, warning, delivery, command and
 * logistics ports over one database, SQLite (a file, the embedded default) or PostgreSQL (a
 * `postgres://` URL), with the same repository code on both. Opening it applies pending
 * migrations.
 *
 * ```ts
 * const store = await openStore(resolveDatabaseUrl(process.env))
 * await store.transaction(async (tx) => {
 *   await tx.series.upsert([series])
 *   await tx.observations.write(batch, clock.now())
 * })
 * await store.close()
 * ```
 */
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  networkStateRepository,
  type NetworkStateRepository,
} from './repositories/network-state.ts'
import type { Kysely } from 'kysely'
import type {
  CommandAuditRepository,
  IncidentRepository,
  OrderRepository,
  PostRepository,
  SitrepRepository,
} from '../command/ports.ts'
import type {
  ForcingForecastRepository,
  ForecastRepository,
  ModelConfigRepository,
  ModelStateRepository,
} from '../forecast/ports.ts'
import type {
  DepotRepository,
  DispatchRepository,
  LedgerRepository,
  RequestRepository,
  ShelterRepository,
} from '../logistics/ports.ts'
import type {
  AcknowledgmentRepository,
  AlertLookup,
  DeliveryLogRepository,
  OutboxRepository,
} from '../notify/ports.ts'
import type {
  BasinRepository,
  ObservationRepository,
  SeriesRepository,
  StationRepository,
  ThresholdRepository,
} from '../observe/ports.ts'
import type {
  AuditRepository,
  CapAlertRepository,
  WarningRepository,
  ZoneEvaluationRepository,
} from '../warn/ports.ts'
import { POSTGRES, SQLITE, type StoreDialect } from './dialect.ts'
import { migrateToLatest } from './migrations.ts'
import { openPostgres } from './postgres.ts'
import { auditRepository } from './repositories/audit-log.ts'
import { basinRepository } from './repositories/basins.ts'
import { alertLookup, capAlertRepository } from './repositories/cap-alerts.ts'
import { catalogueRepository, type CatalogueRepository } from './repositories/catalogue.ts'
import { commandAuditRepository } from './repositories/command-audit.ts'
import type { RepositoryContext } from './repositories/context.ts'
import { acknowledgmentRepository, deliveryLogRepository } from './repositories/delivery-log.ts'
import { depotRepository } from './repositories/depots.ts'
import { dispatchRepository } from './repositories/dispatches.ts'
import { forcingForecastRepository } from './repositories/forcing-forecasts.ts'
import { forecastRepository } from './repositories/forecasts.ts'
import { incidentRepository } from './repositories/incidents.ts'
import { ledgerRepository } from './repositories/ledger.ts'
import {
  logisticsSettingsRepository,
  type LogisticsSettingsRepository,
} from './repositories/logistics-settings.ts'
import { modelConfigRepository } from './repositories/model-configs.ts'
import { hindcastSkillRepository } from './repositories/skill.ts'
import type { HindcastSkillRepository } from '../forecast/hindcast/skill.ts'
import { modelStateRepository } from './repositories/model-states.ts'
import type { ObservationFastPath } from './repositories/observation-plan.ts'
import { observationRepository } from './repositories/observations.ts'
import { orderRepository } from './repositories/orders.ts'
import { outboxRepository } from './repositories/outbox.ts'
import { postRepository } from './repositories/posts.ts'
import { requestRepository } from './repositories/requests.ts'
import { seriesRepository } from './repositories/series.ts'
import { stationRepository } from './repositories/stations.ts'
import { settingsRepository, type SettingsRepository } from './repositories/settings.ts'
import { shelterRepository } from './repositories/shelters.ts'
import { sitrepRepository } from './repositories/sitreps.ts'
import { subscriptionRepository, type SubscriptionStore } from './repositories/subscriptions.ts'
import { zoneEvaluationRepository } from './repositories/zone-evaluations.ts'
import { thresholdRepository } from './repositories/thresholds.ts'
import { warningRepository } from './repositories/warning-events.ts'
import type { StoreSchema } from './schema.ts'
import { openSqlite, SqliteObservationWriter } from './sqlite.ts'

/**
 * One object per storage port of src/observe/ports.ts, src/forecast/ports.ts,
 * src/warn/ports.ts, src/notify/ports.ts, src/command/ports.ts and src/logistics/ports.ts.
 */
export interface Repositories {
  readonly stations: StationRepository
  readonly basins: BasinRepository
  readonly series: SeriesRepository
  readonly observations: ObservationRepository
  readonly thresholds: ThresholdRepository
  readonly modelConfigs: ModelConfigRepository
  readonly modelStates: ModelStateRepository
  readonly forcingForecasts: ForcingForecastRepository
  readonly forecasts: ForecastRepository
  /** Summaries of hindcasts per basin (their skill per lead time), appended. */
  readonly hindcastSkill: HindcastSkillRepository
  /** Each zone's warning events, appended with optimistic concurrency. */
  readonly warnings: WarningRepository
  /** Published CAP alerts. */
  readonly capAlerts: CapAlertRepository
  /** The warning lifecycle's audit trail. */
  readonly audit: AuditRepository
  /** Delivery's outbox, to be written in the transaction of the decision it carries. */
  readonly outbox: OutboxRepository
  readonly deliveryLog: DeliveryLogRepository
  readonly acknowledgments: AcknowledgmentRepository
  readonly subscriptions: SubscriptionStore
  /** Delivery's view of the published alerts (by warning id and version). */
  readonly alerts: AlertLookup
  /** Each warning zone's persistence and hysteresis counters. */
  readonly zoneEvaluations: ZoneEvaluationRepository
  /** Server settings that outlive restarts. */
  readonly settings: SettingsRepository
  /** Command posts, assignments and duty rosters. */
  readonly posts: PostRepository
  /** Orders, with one record per recipient, answered with optimistic concurrency. */
  readonly orders: OrderRepository
  /** Incidents as event streams. */
  readonly incidents: IncidentRepository
  /** Situation reports. */
  readonly sitreps: SitrepRepository
  /** The hash-chained audit log of command and logistics events. */
  readonly commandAudit: CommandAuditRepository
  /** The item catalogue (units and packed volumes). */
  readonly catalogue: CatalogueRepository
  /** Depots, saved with optimistic concurrency. */
  readonly depots: DepotRepository
  /** The stock ledger, appended with optimistic concurrency per stock line and per depot. */
  readonly ledger: LedgerRepository
  /** Dispatch orders as event streams. */
  readonly dispatches: DispatchRepository
  /** Shelters and each area's evacuation. */
  readonly shelters: ShelterRepository
  /** Supply requests from command posts as event streams. */
  readonly requests: RequestRepository
  /** Versioned logistics documents (norms, exposure, depot areas, plans) in the settings table. */
  readonly logisticsSettings: LogisticsSettingsRepository
  /** The whole network's latest observations, thresholds and forecasts in a few statements. */
  readonly networkState: NetworkStateRepository
}

/** An open database with its repositories. */
export interface Store extends Repositories {
  /** What the database can do (see {@link StoreDialect}). */
  readonly dialect: StoreDialect
  /** Number of migrations applied, as the `schema_version` view shows it. */
  readonly schemaVersion: number
  /**
   * Runs `fn` in one transaction (PostgreSQL: READ COMMITTED; SQLite: serialised, holding the
   * write lock): committed when it resolves, rolled back when it throws. Use only `tx`'s
   * repositories inside: on SQLite the store's own ones wait for the transaction to end, so
   * calling them from inside would never finish.
   *
   * @returns what `fn` returns
   * @throws what `fn` throws (after rollback), or the database's error at commit
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>
  /** Closes the database (SQLite checkpoints its log into the file). */
  close(): Promise<void>
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /**
   * SQLite: `normal` (default) loses no committed transaction when the process is killed;
   * `full` also none on a power cut, at one fsync per commit. See sqlite.ts.
   */
  readonly synchronous?: 'normal' | 'full'
  /**
   * SQLite: write observation batches through prepared statements (default) or, with false,
   * through the portable multi-row statements PostgreSQL uses (tests compare both).
   */
  readonly observationFastPath?: boolean
  /** PostgreSQL: a schema to create if missing and to work in (e.g. one per test run). */
  readonly schema?: string
  /** PostgreSQL: connections in the pool (default 10). */
  readonly poolSize?: number
}

const PG_URL_RE = /^postgres(ql)?:\/\//

/**
 * Opens the database at `url` and migrates it to the latest schema.
 *
 * @param url a `postgres://` or `postgresql://` URL, or else the path of a SQLite file
 *   (created with its folder if missing; `:memory:` for a private in-memory database)
 * @throws Error when the database cannot be opened or reached, or a migration fails
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (PG_URL_RE.test(url)) {
    const db = await openPostgres(url, {
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    })
    return afterOpen(db, POSTGRES, undefined, () => db.destroy())
  }
  if (options.schema !== undefined) throw new Error('schemas are a PostgreSQL option')
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true })
  const { db, raw } = openSqlite(url, {
    ...(options.synchronous === undefined ? {} : { synchronous: options.synchronous }),
  })
  const fastPath =
    options.observationFastPath === false ? undefined : () => new SqliteObservationWriter(raw)
  return afterOpen(db, SQLITE, fastPath, () => db.destroy())
}

/**
 * Migrates a freshly opened database and builds the store on it.
 *
 * @param fastPath builds the observation writer that replaces the portable one, if any; called
 *   after migrating, since it may prepare statements on the tables
 * @param close releases the connection or pool (also called when migrating fails)
 */
async function afterOpen(
  db: Kysely<StoreSchema>,
  dialect: StoreDialect,
  fastPath: (() => ObservationFastPath) | undefined,
  close: () => Promise<void>,
): Promise<Store> {
  let schemaVersion: number
  let observationFastPath: ObservationFastPath | undefined
  try {
    await migrateToLatest(db, dialect)
    const v = await db.selectFrom('schema_version').select('version').executeTakeFirstOrThrow()
    schemaVersion = Number(v.version)
    observationFastPath = fastPath?.()
  } catch (e) {
    await close()
    throw e
  }
  const root: RepositoryContext = { db, dialect, observationFastPath }
  return {
    ...repositories(root),
    dialect,
    schemaVersion,
    transaction: (fn) => db.transaction().execute((trx) => fn(repositories({ ...root, db: trx }))),
    close,
  }
}

function repositories(ctx: RepositoryContext): Repositories {
  return {
    stations: stationRepository(ctx),
    basins: basinRepository(ctx),
    series: seriesRepository(ctx),
    observations: observationRepository(ctx),
    thresholds: thresholdRepository(ctx),
    modelConfigs: modelConfigRepository(ctx),
    modelStates: modelStateRepository(ctx),
    forcingForecasts: forcingForecastRepository(ctx),
    forecasts: forecastRepository(ctx),
    hindcastSkill: hindcastSkillRepository(ctx),
    warnings: warningRepository(ctx),
    capAlerts: capAlertRepository(ctx),
    audit: auditRepository(ctx),
    outbox: outboxRepository(ctx),
    deliveryLog: deliveryLogRepository(ctx),
    acknowledgments: acknowledgmentRepository(ctx),
    subscriptions: subscriptionRepository(ctx),
    alerts: alertLookup(ctx),
    zoneEvaluations: zoneEvaluationRepository(ctx),
    settings: settingsRepository(ctx),
    posts: postRepository(ctx),
    orders: orderRepository(ctx),
    incidents: incidentRepository(ctx),
    sitreps: sitrepRepository(ctx),
    commandAudit: commandAuditRepository(ctx),
    catalogue: catalogueRepository(ctx),
    depots: depotRepository(ctx),
    ledger: ledgerRepository(ctx),
    dispatches: dispatchRepository(ctx),
    shelters: shelterRepository(ctx),
    requests: requestRepository(ctx),
    logisticsSettings: logisticsSettingsRepository(ctx),
    networkState: networkStateRepository(ctx),
  }
}

/** The project's root folder (two levels above this file). */
const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Where the database is: the `FRESHET_DB` environment variable when set (a file path or a
 * `postgres://` URL), else `var/freshet.db` under the project root. A SQLite file's folder is
 * created if missing.
 *
 * @param env the environment, e.g. `process.env`
 * @returns a URL or file path for {@link openStore}
 */
export function resolveDatabaseUrl(env: Readonly<Record<string, string | undefined>>): string {
  const given = env['FRESHET_DB']
  const url =
    given !== undefined && given.trim() !== '' ? given : join(PROJECT_ROOT, 'var', 'freshet.db')
  if (!PG_URL_RE.test(url) && url !== ':memory:') mkdirSync(dirname(url), { recursive: true })
  return url
}
