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
import {
  anyOf,
  tokenAuthenticator,
  tokenDigest,
  type Authenticator,
  type TokenGrant,
} from './auth.ts'
import {
  createSessionService,
  hashPassword,
  type SessionService,
  type UserAccount,
} from './sessions.ts'
import type { ServerConfig } from './config.ts'
import { createInProcessRunner } from '../compute/in-process-runner.ts'
import { createWorkerRunner } from '../compute/worker-runner.ts'
import { loadDemoRegion, readDemoRegion, startDemoReplay, type DemoReplay } from './demo.ts'
import { configuredWarnings } from './warning-setup.ts'
import {
  createDemoCommand,
  loadDemoCommand,
  readDemoCommand,
  type DemoCommandFile,
} from './demo-command.ts'
import { startDemoSkill, type DemoSkill } from './demo-skill.ts'
import { EventHub } from './events.ts'
import { createForecastTrigger, cycleDeps } from './forecast-trigger.ts'
import { routingStateUpdate } from '../forecast/cycle/routing-state-update.ts'
import type { Rng } from '../core/rng.ts'
import { createCommandService } from './command-service.ts'
import { createDeliveryService } from './delivery.ts'
import { createLogisticsService } from './logistics-service.ts'
import { createWarningService, warnOnForecasts, type WarningSetup } from './warnings.ts'

export interface RunningServer {
  readonly url: string
  readonly store: Store
  close(): Promise<void>
}

const systemClock: Clock = { now: () => Date.now() as EpochMs }
/** Jitter of delivery retries: unpredictable on purpose, so receivers are not hit in step. */
const systemRng: Rng = { next: () => Math.random() }

/** The setting under which the key that signs session tokens is kept. */
export const SESSION_KEY_SETTING = 'session-signing-key'

/**
 * Sign-in for the configured users; in demo mode without configured users, for the demo's
 * people with one password made for this run (logged once). Undefined when nobody signs in.
 */
async function sessionsFor(
  config: ServerConfig,
  store: Store,
  demoFile: DemoCommandFile | undefined,
  log: (msg: string) => void,
): Promise<SessionService | undefined> {
  let users: readonly UserAccount[] = config.users
  if (users.length === 0 && demoFile !== undefined) {
    const password = randomBytes(9).toString('base64url')
    const passwordHash = await hashPassword(password)
    users = demoFile.users.map((u) => ({ ...u, passwordHash }))
    log(
      `demo sign-in: users ${users.map((u) => u.user).join(', ')}; password for this run: ${password}`,
    )
  }
  if (users.length === 0) return undefined
  const key = await store.settings.setIfAbsent(SESSION_KEY_SETTING, randomBytes(32).toString('hex'))
  return createSessionService(
    users,
    Buffer.from(key, 'hex'),
    systemClock,
    config.sessionHours * 3_600_000,
  )
}

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
  const demoFile = config.demo ? readDemoCommand() : undefined
  const sessions = await sessionsFor(config, store, demoFile, log)
  const credentials: Authenticator =
    sessions === undefined
      ? tokenAuthenticator(grants)
      : anyOf(tokenAuthenticator(grants), sessions)
  const events = new EventHub()
  // In demo mode the app's clock is the replay's simulated time (see DemoReplay.now), so the
  // CAP feed lists the alerts of the replayed flood as active.
  let replay: DemoReplay | undefined
  let demoSkill: DemoSkill | undefined
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
  // Links in alerts and acknowledgment links use the public URL, else the address listened on.
  let listening = `http://${config.host}:${config.port}`
  const baseUrl = (): string => (config.publicUrl ?? listening).replace(/\/$/, '')
  const demo = config.demo ? readDemoRegion() : undefined
  const feed = (): string => `${baseUrl()}/cap/feed.atom`
  const configured = configuredWarnings(config, demo)
  // CAP `web` is the server's feed unless configured: known once the server listens.
  const setup: WarningSetup =
    config.warnings?.web !== undefined && demo === undefined
      ? configured
      : {
          ...configured,
          get web() {
            return feed()
          },
        }
  const delivery = await createDeliveryService({
    store,
    config: config.delivery,
    baseUrl,
    clock: systemClock,
    rng: systemRng,
    env,
    log,
  })
  const command = createCommandService({
    store,
    clock: appClock,
    events,
    log,
    escalationIntervalMs: config.command.escalationIntervalSeconds * 1000,
    incidentMinRank: config.command.incidentMinLevelRank,
    levelNames: setup.rules.levels.map((l) => l.name),
    wake: () => delivery.wake(),
  })
  const logistics = createLogisticsService({ store, clock: appClock, events, log })
  const warnings = createWarningService(
    {
      store,
      clock: appClock,
      events,
      onPublished: (alerts) => {
        delivery.wake()
        command
          .warningsPublished(alerts)
          .catch((e: unknown) => log(`incidents from warnings: ${String(e)}`))
      },
      log,
    },
    setup,
  )
  // Outside the demo, every completed forecast cycle re-evaluates the zones.
  const forecastWarnings = demo ? undefined : warnOnForecasts(events, warnings, log)
  const app = await buildApp(
    {
      ...storeDeps(store),
      clock: appClock,
      events,
      grants: credentials,
      ...(sessions !== undefined ? { sessions } : {}),
      forecastTrigger,
      modelRunner: runner,
      warnings,
      delivery,
      command,
      logistics,
      store,
      ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl.replace(/\/$/, '') } : {}),
      ping: async () => {
        await store.series.list({ stationId: '__health__' as never })
      },
      ...(config.demo ? { demoReplay: () => replay } : {}),
      ...(config.webRoot !== undefined ? { webRoot: config.webRoot } : {}),
    },
    { bodyLimit: config.bodyLimit, logLevel: config.logLevel },
  )
  const url = await app.listen({ port: config.port, host: config.host })
  listening = url
  await delivery.start()
  await command.start()
  await logistics.start()
  if (demo !== undefined) {
    await loadDemoRegion(store, demo, log)
    // The demo's posts, users, depots, stock and exposure; orders and allocations in the replay.
    await loadDemoCommand({ command, logistics, log }, demoFile!)
    const demoCommand = createDemoCommand(
      {
        command,
        logistics,
        store,
        clock: appClock,
        warnings: { zones: setup.zones, levels: setup.rules.levels.map((l) => l.name) },
        log,
      },
      demoFile!,
    )
    await warnings.start()
    replay = startDemoReplay(
      store,
      demo,
      forecastTrigger,
      config.demoHoursPerSecond,
      log,
      async (runId) => {
        await warnings.forecastIssued(runId)
        await demoCommand.afterCycle()
      },
      {
        paused: config.demoPaused,
        onChange: (s) =>
          events.publish({
            kind: 'replay',
            simTime: new Date(s.simTime).toISOString(),
            state: s.state,
            speed: s.speed,
          }),
      },
    )
    replay.finished.catch((e: unknown) =>
      log(`demo replay stopped: ${e instanceof Error ? e.message : String(e)}`),
    )
    // Each basin's forecast skill, hindcast on a worker thread while the replay runs.
    demoSkill = startDemoSkill(store, demo, log, {}, (basinId) =>
      events.publish({ kind: 'skill', basinId }),
    )
  } else await warnings.start()
  return {
    url,
    store,
    async close() {
      replay?.stop()
      await replay?.finished.catch(() => {})
      await demoSkill?.stop()
      forecastWarnings?.stop()
      await forecastTrigger.idle()
      await forecastWarnings?.idle()
      await warnings.stop()
      await delivery.stop()
      await command.stop()
      await logistics.stop()
      await pool?.close()
      await app.close()
      await store.close()
    },
  }
}
