/**
 * `freshet serve` (and `npm start`): opens the database, builds the app, starts the demo when
 * asked, and listens. The only place where the server's adapters are constructed.
 */
import { randomBytes } from 'node:crypto'
import type { EpochMs } from '../core/brand.ts'
import type { Clock } from '../core/clock.ts'
import { openStore, resolveDatabaseUrl, type Store } from '../store/index.ts'
import { buildApp } from './app.ts'
import { storeDeps } from './deps.ts'
import { tokenDigest, type TokenGrant } from './auth.ts'
import type { ServerConfig } from './config.ts'
import { createInProcessRunner } from '../compute/in-process-runner.ts'
import { createWorkerRunner } from '../compute/worker-runner.ts'
import {
  demoWarnings,
  loadDemoRegion,
  readDemoRegion,
  startDemoReplay,
  type DemoReplay,
} from './demo.ts'
import { EventHub } from './events.ts'
import { createForecastTrigger, cycleDeps } from './forecast-trigger.ts'
import { routingStateUpdate } from '../forecast/cycle/routing-state-update.ts'

export interface RunningServer {
  readonly url: string
  readonly store: Store
  close(): Promise<void>
}

const systemClock: Clock = { now: () => Date.now() as EpochMs }

/**
 * Starts the server with `config`; resolves once it listens.
 * @param onToken receives the admin token created when no token is configured
 * @param log receives one line per step of the demo's loading and replay
 */
export async function startServer(
  config: ServerConfig,
  env: NodeJS.ProcessEnv,
  onToken: (token: string) => void,
  log: (msg: string) => void = () => {},
): Promise<RunningServer> {
  const store = await openStore(config.database ?? resolveDatabaseUrl(env))
  let grants: readonly TokenGrant[] = config.tokens
  if (grants.length === 0) {
    const token = randomBytes(24).toString('hex')
    grants = [{ sha256: tokenDigest(token), user: 'admin', role: 'admin', areas: ['*'] }]
    onToken(token)
  }
  const events = new EventHub()
  // In demo mode the app's clock is the replay's simulated time (see DemoReplay.now), so the
  // CAP feed lists the alerts of the replayed flood as active.
  let replay: DemoReplay | undefined
  const appClock: Clock = config.demo
    ? { now: () => replay?.now() ?? systemClock.now() }
    : systemClock
  // Small networks run their models in this thread; large ones on a pool of worker threads.
  const pool = config.workers > 0 ? createWorkerRunner({ threads: config.workers }) : undefined
  const runner = pool ?? createInProcessRunner()
  const forecastTrigger = createForecastTrigger(
    cycleDeps(store, runner, systemClock, routingStateUpdate),
    events,
    log,
  )
  const app = await buildApp(
    {
      ...storeDeps(store),
      clock: appClock,
      events,
      grants,
      forecastTrigger,
      ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl.replace(/\/$/, '') } : {}),
      ping: async () => {
        await store.series.list({ stationId: '__health__' as never })
      },
    },
    { bodyLimit: config.bodyLimit, logLevel: config.logLevel },
  )
  const url = await app.listen({ port: config.port, host: config.host })
  if (config.demo) {
    const demo = readDemoRegion()
    await loadDemoRegion(store, demo, log)
    const web = `${(config.publicUrl ?? url).replace(/\/$/, '')}/cap/feed.atom`
    replay = startDemoReplay(
      store,
      demo,
      forecastTrigger,
      config.demoHoursPerSecond,
      log,
      demoWarnings(demo, web),
    )
    replay.finished.catch((e: unknown) =>
      log(`demo replay stopped: ${e instanceof Error ? e.message : String(e)}`),
    )
  }
  return {
    url,
    store,
    async close() {
      replay?.stop()
      await replay?.finished.catch(() => {})
      await forecastTrigger.idle()
      await pool?.close()
      await app.close()
      await store.close()
    },
  }
}
