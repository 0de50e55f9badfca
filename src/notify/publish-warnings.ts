/**
 * Publishing a zone's warnings: one cycle of the rules for one zone, from signals to CAP 1.2
 * alerts and outbox rows, over the ports of src/warn and src/notify (pure orchestration, no I/O
 * of its own). The caller opens one transaction and passes its repositories, so the events, the
 * alerts, the audit trail and the outbox are written together or not at all.
 *
 * ```ts
 * await store.transaction((tx) => publishZone(tx, { rules, policy, zone, signals, now, ... }))
 * ```
 *
 * Steps: read the zone's events and replay them; evaluate the zone (`evaluateZone`); decide
 * (`decide`, which auto-issues what the policy allows and otherwise leaves the draft pending);
 * append the events with the number read as `expectedSeq` (on a {@link ConflictError}: read
 * again and decide again, once); then, for every version issued, write its CAP document (one
 * `info` per language, identical non-text fields), refuse it when the publish profile finds an
 * error, store it, append the audit entries of every event, and enqueue one outbox message per
 * matching subscription.
 *
 * The evaluation state (persistence and hysteresis counters) is not part of the event stream:
 * it is read from `zoneEvaluations` and written back in the same transaction, so a restart
 * carries on counting where it stopped.
 */
import type { EpochMs } from '../core/brand.ts'
import type { Result } from '../core/result.ts'
import { auditEntry, type Attempt } from '../warn/approval.ts'
import { checkCapProfile } from '../warn/cap/profile.ts'
import type { CapAlert, CapInfo, CapResponseType, CapTime } from '../warn/cap/model.ts'
import { writeCap } from '../warn/cap/write.ts'
import type { Reason, ZoneEvaluation } from '../warn/evaluate.ts'
import { evaluateZone, initialZoneEvaluationState } from '../warn/evaluate.ts'
import type { IssuedVersion, MsgType, WarningEvent, ZoneWarningState } from '../warn/lifecycle.ts'
import { decide, initialWarningState, rankOf, replay } from '../warn/lifecycle.ts'
import type { IssuePolicy } from '../warn/policy.ts'
import type {
  AuditRepository,
  CapAlertRecord,
  CapAlertRepository,
  ZoneEvaluationRepository,
} from '../warn/ports.ts'
import { ConflictError } from '../warn/ports.ts'
import type { WarningRepository } from '../warn/ports.ts'
import type { Signals, WarningRules, WarningZone } from '../warn/types.ts'
import { fanOut } from './fan-out.ts'
import type { OutboxRepository, SubscriptionRepository } from './ports.ts'
import type { AlertSummary, OutboxMessage } from './types.ts'

/** The repositories {@link publishZone} works on, all from the caller's one transaction. */
export interface PublishPorts {
  readonly warnings: WarningRepository
  readonly capAlerts: CapAlertRepository
  readonly audit: AuditRepository
  readonly outbox: OutboxRepository
  readonly subscriptions: SubscriptionRepository
  readonly zoneEvaluations: ZoneEvaluationRepository
}

/** What the texts of one alert are written from. */
export interface AlertTextContext {
  readonly msgType: MsgType
  /** Level name (`advisory`, …); for a Cancel, the level cancelled. */
  readonly level: string
  /** The level's meaning from the rules. */
  readonly meaning: string
  readonly zoneName: string
  /** The threshold the strongest reason rests on, or null (hysteresis, cancel). */
  readonly thresholdName: string | null
  /** In the series' unit (m³/s), or null. */
  readonly thresholdValue: number | null
  /** Forecast probability (0–1), or null for an observed exceedance or none. */
  readonly probability: number | null
  readonly basis: 'observed' | 'forecast'
  /** Onset and expiry as CAP writes them (with the offset), onset null when unknown. */
  readonly onset: string | null
  readonly expires: string
}

/** The texts of one language; each returns one paragraph. */
export interface AlertTexts {
  readonly event: (c: AlertTextContext) => string
  readonly headline: (c: AlertTextContext) => string
  readonly description: (c: AlertTextContext) => string
  readonly instruction: (c: AlertTextContext) => string
}

/** How a service publishes: its rules, policy, sender, languages and texts. */
export interface PublishSetup {
  readonly rules: WarningRules
  readonly policy: IssuePolicy
  /** CAP `sender` (a token: no spaces, commas, `<` or `&`) and `senderName`. */
  readonly sender: { readonly id: string; readonly name: string }
  /** BCP 47 tags, one `info` each, in this order (e.g. `['en', 'ko']`). */
  readonly languages: readonly string[]
  /** Texts by language; every language of `languages` needs its own. */
  readonly texts: Readonly<Record<string, AlertTexts>>
  /** CAP `web`: an absolute URL with more information. */
  readonly web: string
  /** Minutes east of UTC that CAP times are shown in (0 is written `-00:00`). */
  readonly utcOffsetMinutes: number
  /** CAP `contact`, if any. */
  readonly contact?: string
}

/** Everything but the ports. */
export interface PublishZoneInput extends PublishSetup {
  readonly zone: WarningZone
  readonly signals: Signals
  /** Cycle time (epoch ms); CAP times are written to the whole second below it. */
  readonly now: EpochMs
}

/** What one call did. */
export interface PublishZoneResult {
  readonly evaluation: ZoneEvaluation
  /** Events appended (empty when nothing changed). */
  readonly events: readonly WarningEvent[]
  /** CAP alerts stored, in the order issued. */
  readonly published: readonly CapAlertRecord[]
  /** Outbox messages added. */
  readonly messages: readonly OutboxMessage[]
}

const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000

/** The strongest reason of a level: observed first, then the most probable forecast. */
function mainReason(reasons: readonly Reason[]): Reason | undefined {
  const observed = reasons.find((r) => r.kind === 'observed')
  if (observed !== undefined) return observed
  let best: Reason | undefined
  for (const r of reasons)
    if (r.kind === 'forecast' && (best?.kind !== 'forecast' || r.probability > best.probability))
      best = r
  return best ?? reasons[0]
}

function responseTypes(v: IssuedVersion, rank: number): CapResponseType[] {
  if (v.msgType === 'Cancel') return ['AllClear']
  return rank <= 0 ? ['Monitor'] : ['Prepare']
}

/**
 * The CAP 1.2 alert of an issued version (see the file comment).
 * @throws Error when a language of `input.languages` has no texts (a programmer error)
 */
export function capAlertOf(input: PublishSetup, zone: WarningZone, v: IssuedVersion): CapAlert {
  const { rules } = input
  const time = (ms: number): CapTime => ({
    epochMs: wholeSecond(ms),
    offsetMinutes: input.utcOffsetMinutes,
  })
  const sent = time(v.sent)
  const expires = time(Math.max(v.expires, v.sent))
  const onset = v.onset === null || v.msgType === 'Cancel' ? undefined : time(v.onset)
  const level = rules.levels.find((l) => l.name === v.level)
  const rank = rankOf(rules, v.level)
  const reason = mainReason(v.reasons)
  const fmt = (t: CapTime): string => {
    const shifted = new Date(t.epochMs + t.offsetMinutes * 60_000).toISOString().slice(0, 16)
    const off = Math.abs(t.offsetMinutes)
    const sign = t.offsetMinutes >= 0 ? '+' : '-'
    return `${shifted.replace('T', ' ')} UTC${sign}${String(Math.floor(off / 60)).padStart(2, '0')}:${String(off % 60).padStart(2, '0')}`
  }
  const ctx: AlertTextContext = {
    msgType: v.msgType,
    level: v.level,
    meaning: level?.meaning ?? '',
    zoneName: zone.name,
    thresholdName:
      reason !== undefined && reason.kind !== 'hysteresis' ? reason.thresholdName : null,
    thresholdValue:
      reason !== undefined && reason.kind !== 'hysteresis' ? reason.thresholdValue : null,
    probability: reason?.kind === 'forecast' ? reason.probability : null,
    basis: v.basis,
    onset: onset === undefined ? null : fmt(onset),
    expires: fmt(expires),
  }
  const area = {
    areaDesc: zone.name,
    polygons: zone.polygons.map((ring) => ({ points: ring.map(([lat, lon]) => ({ lat, lon })) })),
    circles: [],
    geocodes: zone.geocodes.map((g) => ({ valueName: g.valueName, value: g.value })),
  }
  const infos: CapInfo[] = input.languages.map((language) => {
    const t = input.texts[language]
    if (t === undefined) throw new Error(`no alert texts for language ${language}`)
    return {
      language,
      categories: ['Met'],
      event: t.event(ctx),
      responseTypes: responseTypes(v, rank),
      urgency: v.cap.urgency,
      severity: v.cap.severity,
      certainty: v.cap.certainty,
      eventCodes: [{ valueName: 'freshet:level', value: v.level }],
      effective: sent,
      ...(onset === undefined ? {} : { onset }),
      expires,
      senderName: input.sender.name,
      headline: t.headline(ctx),
      description: t.description(ctx),
      instruction: t.instruction(ctx),
      web: input.web,
      ...(input.contact === undefined ? {} : { contact: input.contact }),
      parameters: [],
      resources: [],
      areas: [area],
    }
  })
  return {
    identifier: v.alertId,
    sender: input.sender.id,
    sent,
    status: 'Actual',
    msgType: v.msgType,
    scope: 'Public',
    addresses: [],
    codes: [],
    references: v.references.map((r) => ({
      sender: input.sender.id,
      identifier: r.alertId,
      sent: time(r.sent),
    })),
    incidents: [v.warningId],
    infos,
  }
}

const issuedVersion = (e: WarningEvent): IssuedVersion | undefined =>
  e.kind === 'issued' || e.kind === 'updated' || e.kind === 'cancelled' ? e.alert : undefined

/**
 * Runs one cycle of the rules for one zone and publishes what it issues (see the file comment),
 * all through `tx`, the repositories of the caller's one transaction.
 *
 * @throws ConflictError when another writer appended to the zone twice in a row
 * @throws Error when an issued alert fails the CAP publish profile (the caller's transaction
 *   should then roll back: nothing is half-published)
 */
export async function publishZone(
  tx: PublishPorts,
  input: PublishZoneInput,
): Promise<PublishZoneResult> {
  const now = wholeSecond(input.now) as EpochMs
  const state0 =
    (await tx.zoneEvaluations.find(input.zone.id)) ?? initialZoneEvaluationState(input.zone.id)
  const attempt = async (): Promise<{ evaluation: ZoneEvaluation; events: WarningEvent[] }> => {
    const stored = await tx.warnings.events(input.zone.id)
    const state = replay(initialWarningState(input.zone.id), stored)
    // Signals are taken up to the exact time (an observation of this very second counts);
    // events and CAP times are kept to the whole second.
    const evaluation = evaluateZone(input.rules, input.zone, state0, input.signals, input.now)
    const events = decide(input.rules, input.policy, state, evaluation, now)
    if (events.length > 0) await tx.warnings.appendEvents(input.zone.id, stored.length, events)
    return { evaluation, events }
  }
  let outcome: { evaluation: ZoneEvaluation; events: WarningEvent[] }
  try {
    outcome = await attempt()
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e
    outcome = await attempt()
  }
  const { evaluation, events } = outcome
  await tx.zoneEvaluations.put(evaluation.state, now)
  const { published, messages } = await publishEvents(tx, input, input.zone, events, now)
  return { evaluation, events, published, messages }
}

/**
 * Records events already appended to a zone's stream: their audit entries, and for every
 * version they issue, its CAP document (refused when the publish profile finds an error),
 * stored, and one outbox message per matching subscription. Call it in the transaction that
 * appended the events.
 *
 * @param now epoch ms, a whole second
 * @throws Error when an issued alert fails the CAP publish profile (roll the transaction back)
 */
export async function publishEvents(
  tx: PublishPorts,
  setup: PublishSetup,
  zone: WarningZone,
  events: readonly WarningEvent[],
  now: EpochMs,
): Promise<{ published: CapAlertRecord[]; messages: OutboxMessage[] }> {
  if (events.length > 0) await tx.audit.append(events.map(auditEntry))
  const published: CapAlertRecord[] = []
  const messages: OutboxMessage[] = []
  const issued = events.map(issuedVersion).filter((v) => v !== undefined)
  const subscriptions = issued.length > 0 ? await tx.subscriptions.list() : []
  for (const v of issued) {
    const alert = capAlertOf(setup, zone, v)
    const report = checkCapProfile(alert, 'publish')
    if (report.errors.length > 0)
      throw new Error(
        `CAP alert ${v.alertId} fails the publish profile: ` +
          report.errors.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      )
    const levelRank = rankOf(setup.rules, v.level)
    const record: CapAlertRecord = {
      alertId: v.alertId,
      warningId: v.warningId,
      zoneId: v.zoneId,
      version: v.version,
      msgType: v.msgType,
      status: alert.status,
      sent: alert.sent.epochMs as EpochMs,
      expires: (alert.infos[0]?.expires?.epochMs ?? alert.sent.epochMs) as EpochMs,
      levelRank,
      languages: [...setup.languages],
      xml: writeCap(alert),
      createdAt: now,
    }
    await tx.capAlerts.put(record)
    published.push(record)
    const summary: AlertSummary = {
      id: v.warningId,
      version: v.version,
      zoneIds: [v.zoneId],
      level: levelRank,
      languages: [...setup.languages],
    }
    messages.push(...(await tx.outbox.add(fanOut(summary, subscriptions, now))))
  }
  return { published, messages }
}

/** What a person's step did: refused with its issues, or its events and what they published. */
export interface PersonStepResult {
  readonly result: Result<readonly WarningEvent[]>
  readonly published: readonly CapAlertRecord[]
  readonly messages: readonly OutboxMessage[]
}

/**
 * A person's step on a zone's warnings (draft, approve, decline: see src/warn/approval.ts),
 * in the caller's transaction: read and replay the zone's events, run `step` on the state,
 * append its events (on a {@link ConflictError}, read and run again, once), record its audit
 * entries — a refusal's too — and publish what it issues.
 *
 * @param now epoch ms; CAP times are written to the whole second below it
 * @throws ConflictError when other writers appended to the zone twice in a row
 */
export async function personStep(
  tx: PublishPorts,
  setup: PublishSetup,
  zone: WarningZone,
  step: (state: ZoneWarningState, now: EpochMs) => Attempt,
  nowMs: EpochMs,
): Promise<PersonStepResult> {
  const now = wholeSecond(nowMs) as EpochMs
  const run = async (): Promise<Attempt> => {
    const stored = await tx.warnings.events(zone.id)
    const attempt = step(replay(initialWarningState(zone.id), stored), now)
    if (attempt.result.ok && attempt.result.value.length > 0)
      await tx.warnings.appendEvents(zone.id, stored.length, attempt.result.value)
    return attempt
  }
  let attempt: Attempt
  try {
    attempt = await run()
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e
    attempt = await run()
  }
  if (!attempt.result.ok) {
    await tx.audit.append(attempt.audit)
    return { result: attempt.result, published: [], messages: [] }
  }
  const { published, messages } = await publishEvents(tx, setup, zone, attempt.result.value, now)
  return { result: attempt.result, published, messages }
}
