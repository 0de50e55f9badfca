/**
 * The server's warning service: it keeps every zone's warnings up to date as observations and
 * forecasts arrive, and carries people's drafts, approvals and refusals.
 *
 * - New observations of a zone's gauges mark the zone for evaluation; one evaluation runs per
 *   zone at a time, and observations that arrive meanwhile cause one more (never a backlog).
 *   The HTTP request that brought them does not wait: the alert reaches the feed and the
 *   outbox a few milliseconds later.
 * - A completed forecast cycle refreshes the forecast signals and evaluates every zone.
 * - Every minute, zones with an open warning are evaluated again so that a warning past its
 *   expiry is recorded as expired.
 * - On start every zone is evaluated once, which catches up on observations stored while the
 *   server was down (the evaluation state itself is kept in the database).
 *
 * Each zone is published in its own transaction (events, CAP alerts, audit, outbox and the
 * evaluation state together; see src/notify/publish-warnings.ts). A zone that fails is logged
 * and retried at its next trigger.
 */
import type { EpochMs } from '../core/brand.ts'
import type { Clock } from '../core/clock.ts'
import type { BasinId, ForecastRunId, SeriesId, UserId } from '../core/ids.ts'
import {
  personStep,
  publishZone,
  type PersonStepResult,
  type PublishSetup,
} from '../notify/publish-warnings.ts'
import type { Store } from '../store/index.ts'
import type { Attempt } from '../warn/approval.ts'
import type { ZoneWarningState } from '../warn/lifecycle.ts'
import type { CapAlertRecord } from '../warn/ports.ts'
import type {
  ForecastSignal,
  ObservedSignal,
  Principal as WarnPrincipal,
  WarningZone,
  WarningZoneId,
} from '../warn/types.ts'
import { DEFAULT_LEVELS, DEFAULT_RULES } from '../warn/defaults.ts'
import { CHANGES, DEFAULT_POLICY } from '../warn/policy.ts'
import { ALERT_TEXTS } from './alert-texts.ts'
import { ROLES, type Principal } from './auth.ts'
import type { ServerConfig } from './config.ts'
import type { EventHub } from './events.ts'

/** A publishing setup and the zones it covers. */
export interface WarningSetup extends PublishSetup {
  readonly zones: readonly WarningZone[]
}

export interface WarningServiceDeps {
  readonly store: Store
  /** The time warnings are evaluated at (the replay's time in demo mode). */
  readonly clock: Clock
  readonly events: EventHub
  /** Called after a transaction published alerts (e.g. to wake the delivery loop). */
  readonly onPublished: (alerts: readonly CapAlertRecord[]) => void
  readonly log: (msg: string) => void
}

export interface WarningService {
  readonly setup: WarningSetup
  /** @returns undefined when no zone has that id */
  findZone(id: string): WarningZone | undefined
  /** Zones that gauges of these series belong to are evaluated (in the background). */
  observed(seriesIds: Iterable<SeriesId>): void
  /** A forecast run completed: its signals replace the previous ones and every zone is evaluated. */
  forecastIssued(runId: ForecastRunId): Promise<void>
  /** Evaluates every zone (in the background); resolves when done. */
  evaluateAll(): Promise<void>
  /** A person's step on one zone (see personStep), in one transaction. */
  step(
    zone: WarningZone,
    step: (state: ZoneWarningState, now: EpochMs) => Attempt,
  ): Promise<PersonStepResult>
  /** Resolves when no evaluation is queued or running. */
  idle(): Promise<void>
  /** Starts the minute sweep and evaluates every zone once. */
  start(): Promise<void>
  stop(): Promise<void>
}

/**
 * Whether a server principal's areas cover `area`: all with `*`; else an area listed by its id,
 * or a warning zone one of whose basins is listed.
 */
export function coversArea(p: Principal, area: string, zones: readonly WarningZone[]): boolean {
  return (
    p.areas.includes('*') ||
    p.areas.includes(area) ||
    zones.some((z) => z.id === area && z.basinIds.some((b) => p.areas.includes(b)))
  )
}

/** The zones a server principal covers (see {@link coversArea}): `['*']` for all. */
export function zonesCovered(p: Principal, zones: readonly WarningZone[]): WarningZoneId[] | ['*'] {
  if (p.areas.includes('*')) return ['*']
  return zones.filter((z) => coversArea(p, z.id, zones)).map((z) => z.id)
}

/**
 * The warning layer's view of a server principal: every role up to its own (an admin is also a
 * duty officer, a forecaster and an observer) and the zones it covers.
 */
export function warnPrincipal(p: Principal, zones: readonly WarningZone[]): WarnPrincipal {
  return {
    id: p.user as UserId,
    roles: ROLES.slice(0, ROLES.indexOf(p.role) + 1),
    areas: zonesCovered(p, zones),
  }
}

const SWEEP_MS = 60_000

/** Builds the service (not started). */
export function createWarningService(
  deps: WarningServiceDeps,
  setup: WarningSetup,
): WarningService {
  const { store } = deps
  const byId = new Map(setup.zones.map((z) => [z.id as string, z]))
  const bySeries = new Map<string, WarningZone[]>()
  for (const z of setup.zones)
    for (const s of z.seriesIds) bySeries.set(s, [...(bySeries.get(s) ?? []), z])
  let forecasts = new Map<BasinId, ForecastSignal[]>()
  const dirty = new Set<WarningZoneId>()
  let draining: Promise<void> | null = null
  let sweep: NodeJS.Timeout | undefined
  let stopped = false

  const loadForecast = async (runId: ForecastRunId): Promise<void> => {
    const run = await store.forecasts.findRun(runId)
    if (run === undefined) return
    const next = new Map<BasinId, ForecastSignal[]>()
    const basins = new Set(setup.zones.flatMap((z) => z.basinIds))
    for (const basinId of basins) {
      const f = await store.forecasts.findBasinForecast(runId, basinId)
      if (f === undefined) {
        const previous = forecasts.get(basinId)
        if (previous !== undefined) next.set(basinId, previous)
        continue
      }
      // The thresholds a forecast is compared with belong to the zones' gauges (or the
      // basin's own series).
      const seriesIds = new Set<SeriesId>(
        setup.zones.filter((z) => z.basinIds.includes(basinId)).flatMap((z) => z.seriesIds),
      )
      for (const s of await store.series.list({ basinId })) seriesIds.add(s.id)
      const byThreshold = new Map<string, { name: string; rp: number | null }>()
      for (const id of seriesIds)
        for (const t of await store.thresholds.list(id))
          byThreshold.set(t.id, { name: t.name, rp: t.returnPeriodYears })
      const signals: ForecastSignal[] = []
      for (const e of f.exceedance) {
        const th = byThreshold.get(e.thresholdId)
        if (th === undefined) continue
        signals.push({
          runId,
          issueTime: run.issueTime,
          basinId,
          thresholdName: th.name,
          thresholdValue: e.value,
          returnPeriodYears: th.rp,
          probability: [...e.probability],
          stepMs: run.stepMs,
        })
      }
      next.set(basinId, signals)
    }
    forecasts = next
  }

  const observedSignals = async (zone: WarningZone, now: EpochMs): Promise<ObservedSignal[]> => {
    const out: ObservedSignal[] = []
    for (const seriesId of zone.seriesIds) {
      const last = await store.observations.latest(seriesId, (now + 1) as EpochMs)
      if (last === undefined) continue
      for (const th of await store.thresholds.list(seriesId))
        out.push({
          seriesId,
          t: last.t,
          value: last.value,
          thresholdName: th.name,
          thresholdValue: th.value,
        })
    }
    return out
  }

  const announce = (published: readonly CapAlertRecord[]): void => {
    if (published.length === 0) return
    for (const a of published)
      deps.events.publish({
        kind: 'warning',
        zoneId: a.zoneId,
        alertId: a.alertId,
        msgType: a.msgType,
        levelRank: a.levelRank,
      })
    deps.onPublished(published)
  }

  const evaluate = async (zone: WarningZone): Promise<void> => {
    const now = deps.clock.now()
    try {
      const observations = await observedSignals(zone, now)
      const r = await store.transaction((tx) =>
        publishZone(tx, {
          ...setup,
          zone,
          signals: {
            forecasts: zone.basinIds.flatMap((b) => forecasts.get(b) ?? []),
            observations,
          },
          now,
        }),
      )
      for (const a of r.published) deps.log(`${zone.id}: CAP ${a.msgType} ${a.alertId} published`)
      announce(r.published)
    } catch (e) {
      deps.log(`${zone.id}: warnings not evaluated: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  const drain = (): Promise<void> => {
    if (draining !== null) return draining
    draining = (async () => {
      while (dirty.size > 0 && !stopped) {
        const batch = [...dirty]
        dirty.clear()
        for (const id of batch) {
          const z = byId.get(id)
          if (z !== undefined) await evaluate(z)
        }
      }
    })().finally(() => {
      draining = null
      // Zones marked after the loop's last look and before this line.
      if (dirty.size > 0 && !stopped) void drain()
    })
    return draining
  }

  const mark = (zones: Iterable<WarningZone>): Promise<void> => {
    for (const z of zones) dirty.add(z.id)
    // A drain in progress picks the new zones up before it ends.
    return draining ?? drain()
  }

  const idle = async (): Promise<void> => {
    while (draining !== null) await draining
  }

  return {
    setup,
    findZone: (id) => byId.get(id),
    observed(seriesIds) {
      const zones = new Set<WarningZone>()
      for (const s of seriesIds) for (const z of bySeries.get(s) ?? []) zones.add(z)
      if (zones.size > 0) void mark(zones)
    },
    async forecastIssued(runId) {
      await loadForecast(runId)
      await mark(setup.zones)
      await idle()
    },
    async evaluateAll() {
      await mark(setup.zones)
      await idle()
    },
    async step(zone, fn) {
      const r = await store.transaction((tx) => personStep(tx, setup, zone, fn, deps.clock.now()))
      announce(r.published)
      return r
    },
    idle,
    async start() {
      const [latest] = await store.forecasts.listRuns(1)
      if (latest !== undefined && latest.status === 'complete') await loadForecast(latest.id)
      await mark(setup.zones)
      await idle()
      sweep = setInterval(() => {
        void store.warnings
          .zonesWithOpenWarnings()
          .then((ids) => mark(ids.flatMap((id) => byId.get(id) ?? [])))
          .catch((e: unknown) => deps.log(`warning sweep failed: ${String(e)}`))
      }, SWEEP_MS)
      sweep.unref()
    },
    async stop() {
      stopped = true
      if (sweep !== undefined) clearInterval(sweep)
      await idle()
    },
  }
}

/**
 * The warning setup of a configuration's `warnings` section: its zones, the default levels
 * with the configured threshold behind each, the default policy (two-person rule as
 * configured; observed emergencies issued at once, or every rule draft with `autoIssueAll`).
 *
 * @param web CAP `web` when the section gives none (the server's feed)
 */
export function warningSetupFromConfig(
  w: NonNullable<ServerConfig['warnings']>,
  web: string,
): WarningSetup {
  const levels = DEFAULT_LEVELS.map((l) => {
    const name = w.levels[l.name as keyof typeof w.levels]
    return { ...l, triggers: l.triggers.map((t) => ({ ...t, thresholdName: name })) }
  })
  return {
    zones: w.zones.map((z) => ({
      id: z.id as WarningZoneId,
      name: z.name,
      basinIds: z.basinIds as BasinId[],
      seriesIds: z.seriesIds as SeriesId[],
      polygons: z.polygons,
      geocodes: z.geocodes,
    })),
    rules: { ...DEFAULT_RULES, levels },
    policy: {
      ...DEFAULT_POLICY,
      twoPersonDefault: w.twoPersonDefault,
      ...(w.autoIssueAll
        ? { autoIssue: [{ levels: '*' as const, basis: 'any' as const, changes: [...CHANGES] }] }
        : {}),
    },
    sender: w.sender,
    languages: w.languages,
    texts: ALERT_TEXTS,
    web: w.web ?? web,
    utcOffsetMinutes: w.utcOffsetMinutes,
  }
}

/** A setup with no zones (no warnings configured): nothing is evaluated or published. */
export function noWarnings(web: string): WarningSetup {
  return {
    zones: [],
    rules: DEFAULT_RULES,
    policy: DEFAULT_POLICY,
    sender: { id: 'freshet', name: 'Freshet' },
    languages: ['en'],
    texts: ALERT_TEXTS,
    web,
    utcOffsetMinutes: 0,
  }
}

/** A subscription of the warning service to completed forecast cycles. */
export interface ForecastWarnings {
  /** Resolves when every evaluation started by a forecast so far has finished. */
  idle(): Promise<void>
  /** Stops listening (evaluations already started still finish). */
  stop(): void
}

/**
 * Evaluates every zone after each forecast cycle announced on `events` (a `forecast` event),
 * one cycle after the other: how a forecast becomes a warning on a running server. A failed
 * evaluation is logged and never stops the next.
 */
export function warnOnForecasts(
  events: EventHub,
  warnings: Pick<WarningService, 'forecastIssued'>,
  log: (msg: string) => void,
): ForecastWarnings {
  let chain: Promise<void> = Promise.resolve()
  const unsubscribe = events.subscribe((e) => {
    if (e.kind !== 'forecast') return
    chain = chain.then(() =>
      warnings
        .forecastIssued(e.runId as ForecastRunId)
        .catch((err: unknown) => log(`warnings after forecast ${e.runId}: ${String(err)}`)),
    )
  })
  return {
    async idle() {
      let seen: Promise<void>
      do {
        seen = chain
        await seen
      } while (seen !== chain)
    },
    stop: unsubscribe,
  }
}
