/**
 * Shared fixtures of the warn tests: one zone, forecast and observation builders, principals,
 * and a driver that runs evaluate → decide → approve cycle after cycle.
 */
import type { EpochMs } from '../core/brand.ts'
import type { BasinId, ForecastRunId, SeriesId, UserId } from '../core/ids.ts'
import { approve } from './approval.ts'
import type { Attempt, AuditEntry } from './approval.ts'
import { DEFAULT_RULES } from './defaults.ts'
import type { ZoneEvaluation, ZoneEvaluationState } from './evaluate.ts'
import { evaluateZone, initialZoneEvaluationState } from './evaluate.ts'
import type { WarningEvent, ZoneWarningState } from './lifecycle.ts'
import { applyEvent, decide, initialWarningState, replay } from './lifecycle.ts'
import type { IssuePolicy } from './policy.ts'
import { DEFAULT_POLICY } from './policy.ts'
import type {
  ForecastSignal,
  ObservedSignal,
  Principal,
  Signals,
  WarningRules,
  WarningZone,
  WarningZoneId,
} from './types.ts'

export const HOUR = 3_600_000
export const T0 = Date.UTC(2024, 8, 14, 0) as EpochMs
export const at = (hours: number): EpochMs => (T0 + hours * HOUR) as EpochMs

export const ZONE: WarningZone = {
  id: 'upper-river' as WarningZoneId,
  name: 'Upper river',
  basinIds: ['B1' as BasinId],
  seriesIds: ['S1' as SeriesId],
  polygons: [
    [
      [49.0, 14.0],
      [49.0, 14.5],
      [49.5, 14.5],
      [49.0, 14.0],
    ],
  ],
  geocodes: [{ valueName: 'NUTS3', value: 'CZ031' }],
}

export const THRESHOLDS = { Q2: 100, Q5: 150, Q20: 200, Q50: 250 } as const
export type ThresholdName = keyof typeof THRESHOLDS
const RP: Readonly<Record<ThresholdName, number>> = { Q2: 2, Q5: 5, Q20: 20, Q50: 50 }

/**
 * A forecast of B1 from run `runId` issued at `issueTime` with 6-hour steps over 168 h:
 * probability `p` of exceeding `name` on the steps within `[from, to)` hours, 0 elsewhere.
 */
export function forecast(
  runId: string,
  issueTime: EpochMs,
  name: ThresholdName,
  p: number,
  from = 24,
  to = 72,
): ForecastSignal {
  const probability: number[] = []
  for (let k = 0; k < 28; k++) probability.push(k * 6 >= from && k * 6 < to ? p : 0)
  return {
    runId: runId as ForecastRunId,
    issueTime,
    basinId: 'B1' as BasinId,
    thresholdName: name,
    thresholdValue: THRESHOLDS[name],
    returnPeriodYears: RP[name],
    probability,
    stepMs: 6 * HOUR,
  }
}

/** The same probabilities of every threshold name up to the given one (a consistent ensemble). */
export function forecastUpTo(
  runId: string,
  issueTime: EpochMs,
  top: ThresholdName | null,
  p = 0.8,
): ForecastSignal[] {
  const names: ThresholdName[] = ['Q2', 'Q5', 'Q20', 'Q50']
  const upTo = top === null ? -1 : names.indexOf(top)
  return names.map((n, i) => forecast(runId, issueTime, n, i <= upTo ? p : 0))
}

/** Observations of S1 at `t` with every threshold. */
export function observed(t: EpochMs, value: number): ObservedSignal[] {
  return (Object.keys(THRESHOLDS) as ThresholdName[]).map((n) => ({
    seriesId: 'S1' as SeriesId,
    t,
    value,
    thresholdName: n,
    thresholdValue: THRESHOLDS[n],
  }))
}

export const signals = (
  forecasts: readonly ForecastSignal[],
  observations: readonly ObservedSignal[] = [],
): Signals => ({ forecasts, observations })

export const principal = (id: string, roles: string[], areas: string[] = ['*']): Principal => ({
  id: id as UserId,
  roles,
  areas: areas as WarningZoneId[],
})
export const DUTY = principal('duty', ['duty-officer'])
export const FORECASTER = principal('fc', ['forecaster'])

/** Runs cycles on one zone, approving every draft with the duty officer. */
export class Driver {
  evalState: ZoneEvaluationState = initialZoneEvaluationState(ZONE.id)
  warnState: ZoneWarningState = initialWarningState(ZONE.id)
  readonly events: WarningEvent[] = []
  readonly audit: AuditEntry[] = []
  last: ZoneEvaluation | null = null

  readonly rules: WarningRules
  readonly policy: IssuePolicy
  readonly autoApprove: boolean

  constructor(
    rules: WarningRules = DEFAULT_RULES,
    policy: IssuePolicy = DEFAULT_POLICY,
    autoApprove = true,
  ) {
    this.rules = rules
    this.policy = policy
    this.autoApprove = autoApprove
  }

  /** One cycle; returns the events it produced. */
  cycle(s: Signals, now: EpochMs): WarningEvent[] {
    const ev = evaluateZone(this.rules, ZONE, this.evalState, s, now)
    this.last = ev
    this.evalState = ev.state
    const out = decide(this.rules, this.policy, this.warnState, ev, now)
    this.take(out)
    if (this.autoApprove && this.warnState.pending !== null) {
      const a = this.approveWith(DUTY, now)
      if (!a.result.ok) throw new Error(JSON.stringify(a.result.issues))
      this.take(a.result.value)
      out.push(...a.result.value)
    }
    return out
  }

  /** Approves the pending draft (there must be one). */
  approveWith(who: Principal, now: EpochMs): Attempt {
    return approve(this.policy, this.warnState, this.warnState.pending?.version ?? 0, who, now)
  }

  take(events: readonly WarningEvent[]): void {
    for (const e of events) this.warnState = applyEvent(this.warnState, e)
    this.events.push(...events)
  }

  /** The events that publish something (issued, updated, cancelled). */
  alerts(): WarningEvent[] {
    return this.events.filter(
      (e) => e.kind === 'issued' || e.kind === 'updated' || e.kind === 'cancelled',
    )
  }

  replayed(): ZoneWarningState {
    return replay(initialWarningState(ZONE.id), this.events)
  }
}
