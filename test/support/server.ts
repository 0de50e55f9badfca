/** An app on a fresh SQLite file, with one token per role, for in-process HTTP tests. */
import type { FastifyInstance } from 'fastify'
import type { EpochMs } from '../../src/core/brand.ts'
import type { BasinId, SeriesId, StationId, ThresholdId } from '../../src/core/ids.ts'
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
import { seededRng } from '../../src/core/rng.ts'
import { configSchema, type ServerConfig } from '../../src/server/config.ts'
import { createCommandService, type CommandService } from '../../src/server/command-service.ts'
import { createDeliveryService, type DeliveryService } from '../../src/server/delivery.ts'
import {
  createLogisticsService,
  type LogisticsService,
} from '../../src/server/logistics-service.ts'
import { ALERT_TEXTS } from '../../src/server/alert-texts.ts'
import { DEFAULT_LEVELS, DEFAULT_RULES } from '../../src/warn/defaults.ts'
import { DEFAULT_POLICY } from '../../src/warn/policy.ts'
import type { WarningZoneId } from '../../src/warn/types.ts'
import {
  createWarningService,
  noWarnings,
  warnOnForecasts,
  type ForecastWarnings,
  type WarningService,
  type WarningSetup,
} from '../../src/server/warnings.ts'
import type { Store } from '../../src/store/index.ts'
import { STORE_TARGETS, type StoreTarget } from '../../src/store/testing/databases.ts'

export const TOKENS = {
  admin: 'admin-token',
  forecaster: 'forecaster-token',
  observer: 'observer-token',
  seineOnly: 'seine-token',
  dutyOfficer: 'duty-token',
  dutyOfficer2: 'second-duty-token',
  aubeOnly: 'aube-token',
  aubeDuty: 'aube-duty-token',
} as const

const grants: TokenGrant[] = [
  { sha256: tokenDigest(TOKENS.admin), user: 'ada', role: 'admin', areas: ['*'] },
  { sha256: tokenDigest(TOKENS.forecaster), user: 'fred', role: 'forecaster', areas: ['*'] },
  { sha256: tokenDigest(TOKENS.observer), user: 'olga', role: 'observer', areas: ['*'] },
  { sha256: tokenDigest(TOKENS.seineOnly), user: 'sam', role: 'forecaster', areas: ['seine'] },
  { sha256: tokenDigest(TOKENS.dutyOfficer), user: 'dora', role: 'duty-officer', areas: ['*'] },
  { sha256: tokenDigest(TOKENS.dutyOfficer2), user: 'dan', role: 'duty-officer', areas: ['*'] },
  { sha256: tokenDigest(TOKENS.aubeOnly), user: 'abe', role: 'forecaster', areas: ['aube'] },
  { sha256: tokenDigest(TOKENS.aubeDuty), user: 'ali', role: 'duty-officer', areas: ['aube'] },
]

export const auth = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
})

export interface TestServer {
  readonly app: FastifyInstance
  readonly store: Store
  readonly events: EventHub
  readonly forecastTrigger: ForecastTrigger
  readonly warnings: WarningService
  /** Zones evaluated after each forecast cycle, as on a running server (src/server/main.ts). */
  readonly forecastWarnings: ForecastWarnings
  /**
   * Not started: tests run `delivery.worker` passes themselves, or call `start()`. The command
   * service wakes it (one pass) when it adds order messages to the outbox.
   */
  readonly delivery: DeliveryService
  readonly command: CommandService
  readonly logistics: LogisticsService
  /** The clock the app sees (ms); tests may move it. */
  now: number
  close(): Promise<void>
}

/** Builds the app over a new SQLite file holding two basins (seine, aube), a station each and their discharge series. */
export async function testServer(
  options: {
    bodyLimit?: number
    target?: StoreTarget
    /** Warning zones and rules (none by default). */
    warnings?: WarningSetup
    /** Delivery settings over the defaults (the `delivery` section of the configuration). */
    delivery?: Partial<ServerConfig['delivery']>
    /** The built dashboard served at `/` (default web/dist). */
    webRoot?: string
  } = {},
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
  const runner = createInProcessRunner()
  const forecastTrigger = createForecastTrigger(
    cycleDeps(store, runner, { now: () => clock.t as EpochMs }),
    events,
    () => {},
  )
  const appClock = { now: () => clock.t as EpochMs }
  const delivery = await createDeliveryService({
    store,
    config: { ...configSchema.parse({}).delivery, ...options.delivery },
    baseUrl: () => 'http://freshet.test',
    clock: appClock,
    rng: seededRng(7),
    env: {},
    log: () => {},
  })
  const command = createCommandService({
    store,
    clock: appClock,
    events,
    log: () => {},
    wake: () => delivery.wake(),
  })
  const logistics = createLogisticsService({ store, clock: appClock, events, log: () => {} })
  const warnings = createWarningService(
    {
      store,
      clock: appClock,
      events,
      onPublished: (alerts) => {
        void command.warningsPublished(alerts)
      },
      log: () => {},
    },
    options.warnings ?? noWarnings('http://freshet.test/cap/feed.atom'),
  )
  const forecastWarnings = warnOnForecasts(events, warnings, () => {})
  const app = await buildApp(
    {
      ...storeDeps(store),
      clock: appClock,
      events,
      grants,
      forecastTrigger,
      modelRunner: runner,
      warnings,
      delivery,
      command,
      logistics,
      store,
      ping: async () => {},
      ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
    },
    { bodyLimit: options.bodyLimit ?? 1024 * 1024, logLevel: 'silent' },
  )
  return {
    app,
    store,
    events,
    forecastTrigger,
    warnings,
    forecastWarnings,
    delivery,
    command,
    logistics,
    get now() {
      return clock.t
    },
    set now(t: number) {
      clock.t = t
    },
    async close() {
      forecastWarnings.stop()
      await forecastTrigger.idle()
      await forecastWarnings.idle()
      await warnings.stop()
      await delivery.stop()
      await command.stop()
      await logistics.stop()
      await app.close()
      await opened.dispose()
    },
  }
}

/** The databases the server's HTTP tests run on: SQLite, and PostgreSQL when FRESHET_PG_URL is set. */
export const SERVER_TARGETS: readonly StoreTarget[] = STORE_TARGETS.filter(
  (t) => t.enabled && !t.name.includes('portable'),
)

/** The discharge thresholds of both test series (m³/s) that {@link TEST_WARNINGS} warns on. */
export const TEST_THRESHOLDS = { Q2: 100, Q5: 150, Q20: 200, Q50: 250 } as const

/** The threshold behind each default level in {@link TEST_WARNINGS}. */
const LEVEL_THRESHOLD: Readonly<Record<string, keyof typeof TEST_THRESHOLDS>> = {
  advisory: 'Q2',
  warning: 'Q5',
  severe: 'Q20',
  emergency: 'Q50',
}

/**
 * Warning zones `seine` and `aube` (one gauge each) with the default levels, rules and policy,
 * texts in English and Korean. Pass it as `testServer({ warnings })` and call
 * {@link addTestThresholds} before posting observations.
 */
export const TEST_WARNINGS: WarningSetup = {
  zones: (
    [
      ['seine', 48.3, 4.1],
      ['aube', 48.2, 4.5],
    ] as const
  ).map(([id, lat, lon]) => ({
    id: id as WarningZoneId,
    name: `${id} valley`,
    basinIds: [id as BasinId],
    seriesIds: [`${id}:discharge` as SeriesId],
    polygons: [
      [
        [lat - 0.1, lon - 0.1],
        [lat - 0.1, lon + 0.1],
        [lat + 0.1, lon + 0.1],
        [lat + 0.1, lon - 0.1],
        [lat - 0.1, lon - 0.1],
      ],
    ],
    geocodes: [],
  })),
  rules: {
    ...DEFAULT_RULES,
    levels: DEFAULT_LEVELS.map((l) => ({
      ...l,
      triggers: l.triggers.map((t) => ({ ...t, thresholdName: LEVEL_THRESHOLD[l.name]! })),
    })),
  },
  policy: DEFAULT_POLICY,
  sender: { id: 'freshet-test', name: 'Freshet test' },
  languages: ['en', 'ko'],
  texts: ALERT_TEXTS,
  web: 'http://freshet.test/cap/feed.atom',
  utcOffsetMinutes: 0,
}

/** Stores {@link TEST_THRESHOLDS} on both discharge series. */
export async function addTestThresholds(store: Store): Promise<void> {
  await store.thresholds.upsert(
    (['seine', 'aube'] as const).flatMap((zone) =>
      Object.entries(TEST_THRESHOLDS).map(([name, value]) => ({
        id: `${zone}:discharge:${name}` as ThresholdId,
        seriesId: `${zone}:discharge` as SeriesId,
        name,
        returnPeriodYears: Number(name.slice(1)),
        value,
        source: 'manual' as const,
        ciLow: null,
        ciHigh: null,
        setBy: null,
        reason: 'test thresholds',
        setAt: 0 as EpochMs,
      })),
    ),
  )
}

/**
 * Posts one discharge observation `hoursAgo` before the app clock (as a forecaster) and waits
 * for the warning evaluation it causes.
 */
export async function observe(
  s: TestServer,
  zone: 'seine' | 'aube',
  value: number,
  hoursAgo = 0,
): Promise<void> {
  const r = await s.app.inject({
    method: 'POST',
    url: '/api/v1/observations',
    headers: auth(TOKENS.forecaster),
    payload: {
      observations: [
        {
          series: `${zone}:discharge`,
          t: new Date(s.now - hoursAgo * 3_600_000).toISOString(),
          value,
          unit: 'm3/s',
        },
      ],
    },
  })
  if (r.statusCode !== 200 || r.json<{ inserted: number }>().inserted !== 1)
    throw new Error(`observation not stored: ${r.statusCode} ${r.body}`)
  await s.warnings.idle()
}

const DAY = 86_400_000

/**
 * Makes basin `zone` forecastable through the API, as an admin and a forecaster would: its
 * observed precipitation and PET (daily series on the basin, `days` days before the clock of
 * 2 mm and 3 mm a day), a daily outlet discharge series `<zone>:outlet` carrying
 * {@link TEST_THRESHOLDS} (the forecast cycle compares the basin's discharge series with
 * them), and a GR4J model. Throws on any refused request.
 */
export async function prepareForecasts(
  s: TestServer,
  zone: 'seine' | 'aube',
  days = 60,
): Promise<void> {
  const send = async (
    method: 'PUT' | 'POST',
    url: string,
    token: string,
    payload: object,
  ): Promise<void> => {
    const r = await s.app.inject({ method, url, headers: auth(token), payload })
    if (r.statusCode !== 200) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`)
  }
  const variables = [
    ['precipitation', 'mm', 2],
    ['pet', 'mm', 3],
    ['discharge', 'm3/s', null],
  ] as const
  for (const [variable, unit] of variables) {
    const id = variable === 'discharge' ? `${zone}:outlet` : `${zone}:${variable}`
    await send('PUT', `/api/v1/series/${id}`, TOKENS.admin, {
      id,
      variable,
      unit,
      kind: 'observed',
      stationId: null,
      basinId: zone,
      stepMs: DAY,
    })
  }
  const start = s.now - days * DAY
  await send('POST', '/api/v1/observations', TOKENS.forecaster, {
    observations: variables.flatMap(([variable, unit, value]) =>
      value === null
        ? []
        : Array.from({ length: days }, (_, i) => ({
            series: `${zone}:${variable}`,
            t: new Date(start + i * DAY).toISOString(),
            value,
            unit,
          })),
    ),
  })
  for (const [name, value] of Object.entries(TEST_THRESHOLDS))
    await send('PUT', `/api/v1/series/${zone}:outlet/thresholds/${name}`, TOKENS.forecaster, {
      value,
      reason: 'test thresholds of the outlet',
      returnPeriodYears: Number(name.slice(1)),
    })
  await send('PUT', `/api/v1/basins/${zone}/model`, TOKENS.forecaster, {
    model: 'GR4J',
    params: { X1: 150, X2: 0, X3: 60, X4: 1.1 },
  })
}

/**
 * Sends an ensemble weather forecast for basin `zone` issued at the clock's time (one array
 * of daily precipitation per member, mm) as a forecaster, waits for the forecast cycle it
 * starts and for the evaluation of every zone after it, and returns the cycle's run.
 */
export async function forecastRain(
  s: TestServer,
  zone: 'seine' | 'aube',
  members: readonly (readonly number[])[],
): Promise<{ id: string; status: string; note: string }> {
  const r = await s.app.inject({
    method: 'POST',
    url: '/api/v1/forcing-forecasts',
    headers: auth(TOKENS.forecaster),
    payload: {
      basin: zone,
      issueTime: new Date(s.now).toISOString(),
      stepHours: 24,
      source: 'test ensemble',
      members: members.map((precip) => ({ precip, pet: precip.map(() => 3) })),
    },
  })
  if (r.statusCode !== 200 || r.json<{ forecastRequested: boolean }>().forecastRequested !== true)
    throw new Error(`forecast not taken: ${r.statusCode} ${r.body}`)
  await s.forecastTrigger.idle()
  await s.forecastWarnings.idle()
  await s.warnings.idle()
  const runs = await s.app.inject({ method: 'GET', url: '/api/v1/forecasts?limit=1' })
  const [run] = runs.json<{ id: string; status: string; note: string }[]>()
  if (run === undefined) throw new Error('no forecast run')
  return run
}
