/** The storage layer (L4): what the server and the CLI import to open a database. */
export { openStore, resolveDatabaseUrl } from './store.ts'
export type { OpenStoreOptions, Repositories, Store } from './store.ts'
export type { StoreDialect } from './dialect.ts'
export { POSTGRES, SQLITE } from './dialect.ts'
export { RejectedBatchError } from './errors.ts'
export type { SubscriptionStore } from './repositories/subscriptions.ts'
export type { CatalogueRepository } from './repositories/catalogue.ts'
export type { LogisticsSettingsRepository, Versioned } from './repositories/logistics-settings.ts'
export type {
  LatestBasinForecast,
  LatestObservation,
  NetworkStateRepository,
} from './repositories/network-state.ts'
