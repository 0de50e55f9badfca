/** An app on a fresh SQLite file, with one token per role, for in-process HTTP tests. */
import type { FastifyInstance } from 'fastify'
import type { EpochMs } from '../../src/core/brand.ts'
import type { BasinId, SeriesId, StationId } from '../../src/core/ids.ts'
import { buildApp } from '../../src/server/app.ts'
import { storeDeps } from '../../src/server/deps.ts'
import { tokenDigest, type TokenGrant } from '../../src/server/auth.ts'
import { EventHub } from '../../src/server/events.ts'
import {
  createForecastTrigger,
  cycleDeps,
  type ForecastTrigger,
} from '../../src/server/forecast-trigger.ts'
import { createInProcessRunner } from '../../src/compute/in-process-runner.ts'
import type { Store } from '../../src/store/index.ts'
import { STORE_TARGETS, type StoreTarget } from '../../src/store/testing/databases.ts'

export const TOKENS = {
  admin: 'admin-token',
  forecaster: 'forecaster-token',
  observer: 'observer-token',
  seineOnly: 'seine-token',
} as const

const grants: TokenGrant[] = [
  { sha256: tokenDigest(TOKENS.admin), user: 'ada', role: 'admin', areas: ['*'] },
  { sha256: tokenDigest(TOKENS.forecaster), user: 'fred', role: 'forecaster', areas: ['*'] },
  { sha256: tokenDigest(TOKENS.observer), user: 'olga', role: 'observer', areas: ['*'] },
  { sha256: tokenDigest(TOKENS.seineOnly), user: 'sam', role: 'forecaster', areas: ['seine'] },
]

export const auth = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
})

export interface TestServer {
  readonly app: FastifyInstance
  readonly store: Store
  readonly events: EventHub
  readonly forecastTrigger: ForecastTrigger
  /** The clock the app sees (ms); tests may move it. */
  now: number
  close(): Promise<void>
}

/** Builds the app over a new SQLite file holding two basins (seine, aube), a station each and their discharge series. */
export async function testServer(
  options: { bodyLimit?: number; target?: StoreTarget } = {},
): Promise<TestServer> {
  const opened = await (options.target ?? STORE_TARGETS[0]!).open()
  const store = opened.store
  const events = new EventHub()
  const clock = { t: Date.UTC(2016, 5, 3) }
  await store.basins.upsert(
    (['seine', 'aube'] as const).map((id) => ({
      id: id as BasinId,
      name: id,
      areaKm2: 700,
      outline: null,
      hypsometry: null,
      downstream: null,
    })),
  )
  await store.stations.upsert(
    (['seine', 'aube'] as const).map((id) => ({
      id: `${id}-gauge` as StationId,
      name: `${id} gauge`,
      river: id,
      lat: 48,
      lon: 4.5,
      basinId: id as BasinId,
      catchmentAreaKm2: 700,
      datumM: null,
    })),
  )
  await store.series.upsert(
    (['seine', 'aube'] as const).map((id) => ({
      id: `${id}:discharge` as SeriesId,
      variable: 'discharge' as const,
      unit: 'm3/s' as const,
      kind: 'observed' as const,
      stationId: `${id}-gauge` as StationId,
      basinId: null,
      stepMs: 3_600_000,
    })),
  )
  const forecastTrigger = createForecastTrigger(
    cycleDeps(store, createInProcessRunner(), { now: () => clock.t as EpochMs }),
    events,
    () => {},
  )
  const app = await buildApp(
    {
      ...storeDeps(store),
      clock: { now: () => clock.t as EpochMs },
      events,
      grants,
      forecastTrigger,
      ping: async () => {},
    },
    { bodyLimit: options.bodyLimit ?? 1024 * 1024, logLevel: 'silent' },
  )
  return {
    app,
    store,
    events,
    forecastTrigger,
    get now() {
      return clock.t
    },
    set now(t: number) {
      clock.t = t
    },
    async close() {
      await forecastTrigger.idle()
      await app.close()
      await opened.dispose()
    },
  }
}

/** The databases the server's HTTP tests run on: SQLite, and PostgreSQL when FRESHET_PG_URL is set. */
export const SERVER_TARGETS: readonly StoreTarget[] = STORE_TARGETS.filter(
  (t) => t.enabled && !t.name.includes('portable'),
)
