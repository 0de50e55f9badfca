/**
 * The server's logistics service: depots and their stock as a ledger, targets from the exposed
 * population, allocation of stock to areas solved with HiGHS, dispatches, shelters, evacuation
 * and requests from posts.
 *
 * Every write runs in one transaction that first appends its event to the hash-chained audit log
 * (`store.commandAudit`, kinds `logistics.<what>.<event>`) and then writes the records: the
 * audit append takes the chain's lock (PostgreSQL) or the write lock (SQLite), so the reads that
 * follow see every earlier write and the record and its audit entry commit or roll back together.
 *
 * Versions: a client names the version it read (a stock line, a depot, a shelter, a dispatch, a
 * request, an area's evacuation, the norms); when another writer moved it on the write is
 * refused with {@link StaleVersionError} (HTTP 409, the current record in the body) and nothing
 * is written. A refused change (stock below zero, a depot or shelter over capacity, a step its
 * state does not allow) is an ApiError 422 listing every problem with its path.
 */
import { randomBytes } from 'node:crypto'
import type { EpochMs } from '../core/brand.ts'
import type { Clock } from '../core/clock.ts'
import type { LatLon } from '../core/geo.ts'
import type { UserId } from '../core/ids.ts'
import { formatIssue, type Issue } from '../core/result.ts'
import type { AuditInput, JsonValue } from '../command/audit-chain.ts'
import { createHighsSolver, type HighsSolver } from '../compute/highs-solver.ts'
import {
  DEFAULT_REACH,
  planAllocation,
  type AllocationDepot,
  type AllocationPlan,
} from '../logistics/allocation.ts'
import {
  applyDispatchEvent,
  issueMovements,
  ordersFromPlan,
  replayDispatch,
  type DispatchEvent,
  type DispatchOrder,
} from '../logistics/dispatch.ts'
import {
  applyMovement,
  expectedVersions,
  legsOf,
  stockKey,
  type LedgerState,
  type Movement,
} from '../logistics/ledger.ts'
import type { Reach } from '../logistics/network.ts'
import { ConflictError } from '../logistics/ports.ts'
import {
  applyRequestEvent,
  replayRequest,
  type RequestEvent,
  type SupplyRequest,
} from '../logistics/requests.ts'
import {
  applyEvacuationEvent,
  checkIn,
  checkOut,
  evacuationStatus,
  notStarted,
  shelterIssues,
  type Evacuation,
  type EvacuationEvent,
  type EvacuationStatus,
  type Shelter,
} from '../logistics/shelters.ts'
import { DEFAULT_NORMS, targetsFor, type Norms, type Target } from '../logistics/targets.ts'
import {
  DEFAULT_CATALOGUE,
  type AreaId,
  type Depot,
  type DepotId,
  type DispatchId,
  type Item,
  type ItemId,
  type RequestId,
  type ShelterId,
} from '../logistics/types.ts'
import type { Repositories, Store } from '../store/index.ts'
import { initialWarningState, replay } from '../warn/lifecycle.ts'
import type { WarningZone } from '../warn/types.ts'
import { ApiError } from './errors.ts'
import type { EventHub, ServerEvent } from './events.ts'

export interface LogisticsServiceDeps {
  readonly store: Store
  readonly clock: Clock
  readonly events: EventHub
  readonly log: (msg: string) => void
}

/** Who acts, and which areas (depot areas, warning zones, any area id) they may act in. */
export interface Actor {
  readonly user: UserId
  covers(areaId: string): boolean
}

/** A write refused because the record moved on since the client read it (HTTP 409). */
export class StaleVersionError extends ApiError {
  /** The record as it is now. */
  readonly current: JsonValue
  constructor(message: string, current: JsonValue, details: readonly Issue[] = []) {
    super(409, 'conflict', message, details)
    this.current = current
  }
}

// --- documents kept in the settings table ---------------------------------------------------

const KEY = {
  norms: 'logistics.norms',
  allocation: 'logistics.allocation-settings',
  exposure: 'logistics.exposure:',
  depotArea: 'logistics.depot-area:',
  plan: 'logistics.plan:',
} as const

/** The exposed population of an area and where relief for it is delivered. */
export interface Exposure {
  readonly areaId: AreaId
  readonly name: string
  /** WGS84 degrees. */
  readonly lat: number
  /** WGS84 degrees. */
  readonly lon: number
  /** Persons exposed. */
  readonly population: number
}

/** How the expected affected population follows from the active warnings. */
export interface AllocationSettings {
  /** The lowest warning level whose zones are allocated to. */
  readonly minLevel: string
  /** Share of a zone's exposed population expected to be affected, per level (0–1). */
  readonly affectedShare: Readonly<Record<string, number>>
  /**
   * Transport cost of one unit over one km, per item (cost units); items not listed cost
   * their packed volume (m³ per unit), so a plan minimises m³·km.
   */
  readonly costPerUnitKm: Readonly<Record<string, number>>
}

/**
 * Planning assumptions, to be replaced by each service's own figures: the share of the
 * exposed people expected to need relief at each default warning level.
 */
export const DEFAULT_ALLOCATION_SETTINGS: AllocationSettings = {
  minLevel: 'warning',
  affectedShare: { advisory: 0.05, warning: 0.2, severe: 0.5, emergency: 0.8 },
  costPerUnitKm: {},
}

/** An area an allocation is made for, and why its population is what it is. */
export interface PlanArea extends Exposure {
  /** Expected affected persons. */
  readonly population: number
  readonly source: 'given' | 'warning'
  /** The active warning's level when the source is a warning. */
  readonly level: string | null
}

/** A stored allocation plan. */
export interface StoredPlan {
  readonly id: string
  readonly createdAt: EpochMs
  readonly createdBy: UserId
  readonly reach: Reach
  readonly areas: readonly PlanArea[]
  readonly plan: AllocationPlan
  readonly solver: {
    readonly name: 'HiGHS'
    readonly version: string
    readonly status: 'optimal'
    /** Wall time of the solves (ms). */
    readonly timeMs: number
  }
  /** Dispatch ids made from the plan (empty until dispatched). */
  readonly dispatchIds: readonly DispatchId[]
}

/** A depot with its area, stock lines and versions. */
export interface DepotView extends Depot {
  readonly areaId: AreaId
  /** Movements that touched the depot's stock. */
  readonly stockVersion: number
  /** Packed volume in store (m³). */
  readonly usedM3: number
  readonly stock: { itemId: ItemId; quantity: number; version: number }[]
}

/** The expected versions of a movement's stock lines, as the client read them. */
export type ClientVersions =
  | { readonly kind: 'one'; readonly version: number }
  | { readonly kind: 'transfer'; readonly from: number; readonly to: number }

/** What may be moved: a movement without id, time and author, which the service adds. */
export type MovementInput = Movement extends infer M
  ? M extends Movement
    ? Omit<M, 'id' | 'at' | 'by'>
    : never
  : never

/** A dispatch event as the API takes it (the service adds the order id, time and author). */
export type DispatchStep =
  | { readonly kind: 'loaded' }
  | { readonly kind: 'in-transit' }
  | {
      readonly kind: 'delivered'
      readonly lines: readonly { itemId: ItemId; quantity: number }[]
    }
  | {
      readonly kind: 'acknowledged'
      readonly received: readonly { itemId: ItemId; quantity: number }[]
      readonly note: string
    }
  | { readonly kind: 'cancelled'; readonly reason: string }

/** An area's evacuation step as the API takes it. */
export type EvacuationStep =
  | { readonly status: 'ordered'; readonly toEvacuate: number }
  | { readonly status: 'in-progress'; readonly evacuated: number }
  | { readonly status: 'completed' }
  | { readonly status: 'stood-down'; readonly reason: string }

/** A request step as the API takes it. */
export type RequestStep =
  | {
      readonly kind: 'decided'
      readonly approved: readonly { itemId: ItemId; quantity: number }[]
      readonly note: string
    }
  | { readonly kind: 'refused'; readonly reason: string }
  | {
      readonly kind: 'fulfilled'
      readonly sent: readonly { itemId: ItemId; quantity: number }[]
      readonly dispatchIds: readonly DispatchId[]
    }

/** What an allocation is asked for. */
export interface ProposeInput {
  /** Areas with expected affected persons; when absent, from the active warnings. */
  readonly areas?: readonly {
    areaId: AreaId
    population: number
    lat?: number | undefined
    lon?: number | undefined
  }[]
  /** With `areas` absent: the lowest level allocated to (default from the settings). */
  readonly minLevel?: string | undefined
  readonly items?: readonly ItemId[] | undefined
  readonly reach?: Reach | undefined
  readonly equity?: boolean | undefined
  /** Called after each item (or block of items) is solved: blocks done, blocks, its label. */
  readonly onSolved?: ((done: number, total: number, label: string) => void) | undefined
}

export interface LogisticsService {
  /** Seeds the default catalogue when it is empty and warms the solver up in the background. */
  start(): Promise<void>
  /** Waits for a warm-up under way. */
  stop(): Promise<void>
  /** The LP solver (loaded on first use when `start` was not called). */
  solver(): Promise<HighsSolver>

  catalogue(): Promise<Item[]>
  putCatalogue(actor: Actor, items: readonly Item[]): Promise<Item[]>

  depots(): Promise<DepotView[]>
  /** @throws ApiError 404 */
  depot(id: DepotId): Promise<DepotView>
  /** Creates (`expectedVersion` undefined) or replaces a depot at the version read. */
  putDepot(
    actor: Actor,
    depot: Omit<Depot, 'version'> & { areaId: AreaId },
    expectedVersion: number | undefined,
  ): Promise<DepotView>
  /** Appends a movement checked against the versions of its stock lines the client read. */
  move(
    actor: Actor,
    input: MovementInput,
    versions: ClientVersions,
  ): Promise<{ movement: Movement; depots: DepotView[] }>
  /** A depot's movements, oldest first, `limit` after the first `after`. */
  ledger(
    id: DepotId,
    after: number,
    limit: number,
  ): Promise<{ movements: Movement[]; total: number }>

  exposure(): Promise<Exposure[]>
  putExposure(actor: Actor, areas: readonly Exposure[]): Promise<Exposure[]>
  /** The norms and their version (0: the defaults, never written). */
  norms(): Promise<{ norms: Norms; version: number }>
  putNorms(actor: Actor, norms: Norms, expectedVersion: number): Promise<number>
  allocationSettings(): Promise<{ settings: AllocationSettings; version: number }>
  putAllocationSettings(
    actor: Actor,
    settings: AllocationSettings,
    expectedVersion: number,
  ): Promise<number>
  /** Targets of the exposed areas (all, or one). */
  targets(areaId?: AreaId): Promise<{ exposure: Exposure[]; targets: Target[] }>
  /** Units available per area and item: stock at depots of the area plus units issued to it. */
  available(): Promise<Map<AreaId, Map<ItemId, number>>>

  /**
   * Proposes and stores an allocation plan.
   * @param warnings the warning zones and the level names, lowest first
   */
  propose(
    actor: Actor,
    input: ProposeInput,
    warnings: { readonly zones: readonly WarningZone[]; readonly levels: readonly string[] },
  ): Promise<StoredPlan>
  /** @throws ApiError 404 */
  plan(id: string): Promise<StoredPlan>
  /**
   * The stored plans, newest first (by creation time, then id), at most `limit` of them.
   * Reads every plan document (plans are settings documents without an index of their own).
   */
  plans(limit: number): Promise<StoredPlan[]>
  dispatchPlan(actor: Actor, planId: string): Promise<DispatchOrder[]>
  /** The dispatch orders under way (`all`: every one, whatever its state), by id. */
  dispatches(all?: boolean): Promise<DispatchOrder[]>
  /** @throws ApiError 404 */
  dispatch(id: DispatchId): Promise<DispatchOrder>
  dispatchStep(
    actor: Actor,
    id: DispatchId,
    step: DispatchStep,
    expectedVersion: number | undefined,
  ): Promise<{ order: DispatchOrder; movements: Movement[] }>

  shelters(): Promise<Shelter[]>
  /**
   * Creates a shelter (without `expectedVersion`) or replaces its name, area, capacity (persons)
   * and location (WGS84 degrees; left out, the shelter has none) at the version read, keeping
   * its occupancy. 422 naming the shelter and each bad field (a capacity below the persons in
   * it, a location off the globe), 409 on a stale version, 404 replacing one that is not there.
   */
  putShelter(
    actor: Actor,
    shelter: {
      id: ShelterId
      name: string
      areaId: AreaId
      capacity: number
      location?: LatLon
    },
    expectedVersion: number | undefined,
  ): Promise<Shelter>
  occupy(
    actor: Actor,
    id: ShelterId,
    change: 'check-in' | 'check-out',
    persons: number,
    expectedVersion: number,
  ): Promise<Shelter>
  evacuation(): Promise<EvacuationStatus[]>
  evacuate(
    actor: Actor,
    areaId: AreaId,
    step: EvacuationStep,
    expectedVersion: number,
  ): Promise<Evacuation>

  submitRequest(
    actor: Actor,
    r: {
      postId: SupplyRequest['postId']
      areaId: AreaId
      lines: SupplyRequest['lines']
      neededBy: EpochMs
    },
  ): Promise<SupplyRequest>
  requests(): Promise<SupplyRequest[]>
  /** @throws ApiError 404 */
  request(id: RequestId): Promise<SupplyRequest>
  requestStep(
    actor: Actor,
    id: RequestId,
    step: RequestStep,
    expectedVersion: number,
  ): Promise<SupplyRequest>
}

// --- helpers --------------------------------------------------------------------------------

/** A JSON copy of a value (branded strings and interfaces become plain JSON). */
const json = (x: unknown): JsonValue => JSON.parse(JSON.stringify(x)) as JsonValue

const refused = (what: string, issues: readonly Issue[]): ApiError =>
  new ApiError(422, 'validation_failed', `${what}: ${issues.map(formatIssue).join('; ')}`, issues)

const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `no ${what}`)

const forbidden = (actor: Actor, area: string): ApiError =>
  new ApiError(403, 'forbidden', `${actor.user} has no rights in area ${area}`)

function requireAreas(actor: Actor, areas: Iterable<string>): void {
  for (const a of areas) if (!actor.covers(a)) throw forbidden(actor, a)
}

const newId = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`

/** Writes a server-side decision again when a concurrent writer got there first. */
async function retryOnConflict<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn()
    } catch (e) {
      if (!(e instanceof ConflictError) || i >= attempts) throw e
    }
  }
}

function depotView(d: Depot, areaId: AreaId, state: LedgerState): DepotView {
  const stock: { itemId: ItemId; quantity: number; version: number }[] = []
  for (const l of state.lines.values())
    if (l.depotId === d.id)
      stock.push({ itemId: l.itemId, quantity: l.quantity, version: l.version })
  stock.sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0))
  return {
    ...d,
    areaId,
    stockVersion: state.depotVersions.get(d.id) ?? 0,
    usedM3: state.volumeM3.get(d.id) ?? 0,
    stock,
  }
}

async function depotAreas(tx: Repositories): Promise<Map<DepotId, AreaId>> {
  const docs = await tx.logisticsSettings.list<AreaId>(KEY.depotArea)
  return new Map(docs.map((d) => [d.key.slice(KEY.depotArea.length) as DepotId, d.doc]))
}

async function depotAreaOrThrow(tx: Repositories, id: DepotId): Promise<AreaId> {
  const a = await tx.logisticsSettings.find<AreaId>(KEY.depotArea + id)
  if (a === undefined) throw notFound(`depot ${id}`)
  return a.doc
}

async function ledgerContext(tx: Repositories): Promise<{
  depots: Map<DepotId, Depot>
  items: Map<ItemId, Item>
}> {
  const [depots, items] = await Promise.all([tx.depots.list(), tx.catalogue.list()])
  return {
    depots: new Map(depots.map((d) => [d.id, d])),
    items: new Map(items.map((i) => [i.id, i])),
  }
}

/** The stock line the client named, as it is now. */
function lineNow(state: LedgerState, depotId: DepotId, itemId: ItemId): JsonValue {
  const l = state.lines.get(stockKey(depotId, itemId))
  return { depotId, itemId, quantity: l?.quantity ?? 0, version: l?.version ?? 0 }
}

/** The API's dispatch step as the domain's event. */
function dispatchEventOf(
  id: DispatchId,
  step: DispatchStep,
  at: EpochMs,
  by: UserId,
): DispatchEvent {
  const base = { dispatchId: id, at, by }
  switch (step.kind) {
    case 'loaded':
      return { ...base, kind: 'loaded' }
    case 'in-transit':
      return { ...base, kind: 'departed' }
    case 'delivered':
      return { ...base, kind: 'delivered', lines: step.lines }
    case 'acknowledged':
      return { ...base, kind: 'acknowledged', received: step.received, note: step.note }
    case 'cancelled':
      return { ...base, kind: 'cancelled', reason: step.reason }
  }
}

function evacuationEventOf(
  areaId: AreaId,
  step: EvacuationStep,
  at: EpochMs,
  by: UserId,
): EvacuationEvent {
  const base = { areaId, at, by }
  switch (step.status) {
    case 'ordered':
      return { ...base, kind: 'ordered', toEvacuate: step.toEvacuate }
    case 'in-progress':
      return { ...base, kind: 'reported', evacuated: step.evacuated }
    case 'completed':
      return { ...base, kind: 'completed' }
    case 'stood-down':
      return { ...base, kind: 'stood-down', reason: step.reason }
  }
}

function replayEvacuation(areaId: AreaId, events: readonly EvacuationEvent[]): Evacuation {
  let ev = notStarted(areaId)
  for (const e of events) {
    const r = applyEvacuationEvent(ev, e)
    if (!r.ok) throw new Error(`evacuation of ${areaId}: ${r.issues.map(formatIssue).join('; ')}`)
    ev = r.value
  }
  return ev
}

function orderOf(id: string, events: readonly DispatchEvent[]): DispatchOrder {
  const r = replayDispatch(events)
  if (!r.ok) throw new Error(`dispatch ${id}: ${r.issues.map(formatIssue).join('; ')}`)
  return r.value
}

function requestOf(id: string, events: readonly RequestEvent[]): SupplyRequest {
  const r = replayRequest(events)
  if (!r.ok) throw new Error(`request ${id}: ${r.issues.map(formatIssue).join('; ')}`)
  return r.value
}

/**
 * The event announcing a committed logistics change, from its audit kind (`logistics.<what>.…`)
 * and subject: stock for depots and movements, plan, dispatch, shelter for shelters and
 * evacuations; none for settings, the catalogue and requests.
 */
export function logisticsEventOf(kind: string, subject: string): ServerEvent | undefined {
  const what = kind.split('.')[1]
  switch (what) {
    case 'depot':
    case 'movement':
      return { kind: 'logistics', what: 'stock', id: subject }
    case 'plan':
      return { kind: 'logistics', what: 'plan', id: subject }
    case 'dispatch':
      return { kind: 'logistics', what: 'dispatch', id: subject }
    case 'shelter':
    case 'evacuation':
      return { kind: 'logistics', what: 'shelter', id: subject }
    default:
      return undefined
  }
}

// --- the service ------------------------------------------------------------------------------

/** Builds the service (not started). */
export function createLogisticsService(deps: LogisticsServiceDeps): LogisticsService {
  const { store, clock } = deps
  let solving: Promise<HighsSolver> | undefined
  const now = (): EpochMs => clock.now()
  const solverOnce = (): Promise<HighsSolver> => (solving ??= createHighsSolver())

  /**
   * Runs `fn` in a transaction whose first write is the audit entry `input`; once committed,
   * announces the change on the event hub (see {@link logisticsEventOf}).
   */
  const audited = async <T>(
    input: AuditInput,
    fn: (tx: Repositories) => Promise<T>,
  ): Promise<T> => {
    const result = await store.transaction(async (tx) => {
      await tx.commandAudit.append([input])
      return fn(tx)
    })
    const e = logisticsEventOf(input.kind, input.subject)
    if (e !== undefined) deps.events.publish(e)
    return result
  }

  const entry = (actor: Actor, kind: string, subject: string, payload: unknown): AuditInput => ({
    at: now(),
    actor: actor.user,
    kind: `logistics.${kind}`,
    subject,
    payload: json(payload),
  })

  const viewsOf = async (tx: Repositories, ids?: ReadonlySet<DepotId>): Promise<DepotView[]> => {
    const [list, areas, state] = await Promise.all([
      tx.depots.list(),
      depotAreas(tx),
      tx.ledger.state(),
    ])
    return list
      .filter((d) => ids === undefined || ids.has(d.id))
      .map((d) => depotView(d, areas.get(d.id) ?? ('' as AreaId), state))
  }

  const readNorms = async (tx: Repositories): Promise<{ norms: Norms; version: number }> => {
    const d = await tx.logisticsSettings.find<Norms>(KEY.norms)
    return d === undefined
      ? { norms: DEFAULT_NORMS, version: 0 }
      : { norms: d.doc, version: d.version + 1 }
  }

  const readSettings = async (
    tx: Repositories,
  ): Promise<{ settings: AllocationSettings; version: number }> => {
    const d = await tx.logisticsSettings.find<AllocationSettings>(KEY.allocation)
    return d === undefined
      ? { settings: DEFAULT_ALLOCATION_SETTINGS, version: 0 }
      : { settings: d.doc, version: d.version + 1 }
  }

  const readExposure = async (tx: Repositories): Promise<Exposure[]> =>
    (await tx.logisticsSettings.list<Exposure>(KEY.exposure)).map((d) => d.doc)

  const readPlan = async (tx: Repositories, id: string) => {
    const d = await tx.logisticsSettings.find<StoredPlan>(KEY.plan + id)
    if (d === undefined) throw notFound(`allocation plan ${id}`)
    return d
  }

  /** Appends `m` against the ledger as it is now, refusing stock below zero or over capacity. */
  const appendMovement = async (tx: Repositories, m: Movement): Promise<void> => {
    const [state, ctx] = await Promise.all([tx.ledger.state(), ledgerContext(tx)])
    const r = applyMovement(state, m, ctx)
    if (!r.ok) throw refused(`movement ${m.id} refused`, r.issues)
    await tx.ledger.append(m, expectedVersions(state, m))
  }

  const service: LogisticsService = {
    async start() {
      if ((await store.catalogue.list()).length === 0) {
        await store.catalogue.upsert(DEFAULT_CATALOGUE)
        deps.log(`logistics: default catalogue of ${DEFAULT_CATALOGUE.length} items stored`)
      }
      // Loading HiGHS and its first large solve take about half a second of this thread: done
      // after start-up returns, so listening is not delayed; an allocation asked for meanwhile
      // waits for it.
      solving = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        createHighsSolver({ warmUp: true }),
      )
      solving.then(
        (s) => deps.log(`logistics: HiGHS ${s.version} ready`),
        (e: unknown) => {
          deps.log(`logistics: HiGHS failed to load: ${String(e)}`)
          solving = undefined
        },
      )
    },

    async stop() {
      await solving?.catch(() => {})
    },

    solver: solverOnce,

    catalogue: () => store.catalogue.list(),

    async putCatalogue(actor, items) {
      return audited(entry(actor, 'catalogue.updated', 'catalogue', { items }), async (tx) => {
        await tx.catalogue.upsert(items)
        return tx.catalogue.list()
      })
    },

    depots: () => viewsOf(store),

    async depot(id) {
      const [v] = await viewsOf(store, new Set([id]))
      if (v === undefined) throw notFound(`depot ${id}`)
      return v
    },

    async putDepot(actor, d, expectedVersion) {
      requireAreas(actor, [d.areaId])
      const subject = `depot ${d.id}`
      return audited(
        entry(actor, expectedVersion === undefined ? 'depot.created' : 'depot.replaced', d.id, {
          depot: d,
          expectedVersion: expectedVersion ?? null,
        }),
        async (tx) => {
          const old = await tx.depots.find(d.id)
          if (old !== undefined) {
            const oldArea = await depotAreaOrThrow(tx, d.id)
            requireAreas(actor, [oldArea])
            if (expectedVersion !== old.version)
              throw new StaleVersionError(
                expectedVersion === undefined
                  ? `${subject} exists (version ${old.version}); replace it at the version read`
                  : `${subject} is at version ${old.version}, not ${expectedVersion}`,
                json({ ...old, areaId: oldArea }),
                [{ path: ['expectedVersion'], message: `current version ${old.version}` }],
              )
            const used = (await tx.ledger.state()).volumeM3.get(d.id) ?? 0
            if (d.capacityM3 < used)
              throw refused(subject, [
                {
                  path: ['capacityM3'],
                  message: `${d.capacityM3} m³ is below the ${used} m³ in store`,
                },
              ])
          } else if (expectedVersion !== undefined)
            throw notFound(`depot ${d.id} to replace (create it without expectedVersion)`)
          const { areaId, ...fields } = d
          const saved = await tx.depots.save({ ...fields, version: 0 }, old?.version ?? 0)
          await tx.logisticsSettings.put(KEY.depotArea + d.id, areaId)
          return depotView(saved, areaId, await tx.ledger.state())
        },
      )
    },

    async move(actor, input, versions) {
      const at = now()
      const m = { ...input, id: newId('mv'), at, by: actor.user } as Movement
      const depotIds = legsOf(m).map((l) => l.depotId)
      return retryOnConflict(() =>
        audited(entry(actor, `movement.${m.kind}`, m.id, m), async (tx) => {
          const areas = await depotAreas(tx)
          const known = depotIds.filter((id) => areas.has(id))
          requireAreas(
            actor,
            known.map((id) => areas.get(id)!),
          )
          const [state, ctx] = await Promise.all([tx.ledger.state(), ledgerContext(tx)])
          // The client's versions first: a stale read is a conflict whatever else is wrong.
          const legs = legsOf(m)
          const expected =
            versions.kind === 'one' ? [versions.version] : [versions.from, versions.to]
          const stale: Issue[] = []
          const current: JsonValue[] = []
          legs.forEach((leg, i) => {
            const v = state.lines.get(stockKey(leg.depotId, leg.itemId))?.version ?? 0
            current.push(lineNow(state, leg.depotId, leg.itemId))
            if (v !== expected[i])
              stale.push({
                path:
                  versions.kind === 'one'
                    ? ['expectedVersion']
                    : ['expectedVersions', i === 0 ? 'from' : 'to'],
                message: `stock ${leg.depotId}/${leg.itemId} is at version ${v}, not ${expected[i]}`,
              })
          })
          if (stale.length > 0)
            throw new StaleVersionError(
              stale.map(formatIssue).join('; '),
              versions.kind === 'one' ? current[0]! : current,
              stale,
            )
          const r = applyMovement(state, m, ctx)
          if (!r.ok) throw refused(`${m.kind} refused`, r.issues)
          // The line versions are the client's; the depot versions (shared free volume) are
          // those just read. A ConflictError here means a writer outside this service moved
          // them on: the whole transaction is tried again.
          await tx.ledger.append(m, expectedVersions(state, m))
          const after = r.value
          const list = await tx.depots.list()
          return {
            movement: m,
            depots: list
              .filter((d) => depotIds.includes(d.id))
              .map((d) => depotView(d, areas.get(d.id) ?? ('' as AreaId), after)),
          }
        }),
      )
    },

    async ledger(id, after, limit) {
      await depotAreaOrThrow(store, id)
      return store.ledger.depotMovements(id, after, limit)
    },

    exposure: () => readExposure(store),

    async putExposure(actor, areas) {
      requireAreas(
        actor,
        areas.map((a) => a.areaId),
      )
      return audited(entry(actor, 'exposure.updated', 'exposure', { areas }), async (tx) => {
        for (const a of areas) await tx.logisticsSettings.put(KEY.exposure + a.areaId, a)
        return readExposure(tx)
      })
    },

    norms: () => readNorms(store),

    async putNorms(actor, norms, expectedVersion) {
      return audited(
        entry(actor, 'norms.updated', 'norms', { norms, expectedVersion }),
        async (tx) => {
          const cur = await readNorms(tx)
          if (cur.version !== expectedVersion)
            throw new StaleVersionError(
              `the norms are at version ${cur.version}, not ${expectedVersion}`,
              json({ ...cur.norms, version: cur.version }),
              [{ path: ['expectedVersion'], message: `current version ${cur.version}` }],
            )
          const checked = targetsFor([], norms)
          const issues: Issue[] = checked.ok ? [] : [...checked.issues]
          const items = new Set((await tx.catalogue.list()).map((i) => i.id))
          norms.norms.forEach((n, i) => {
            if (!items.has(n.itemId))
              issues.push({
                path: ['norms', 'norms', i, 'itemId'],
                message: `unknown item ${n.itemId}`,
              })
          })
          if (issues.length > 0) throw refused('norms refused', issues)
          await tx.logisticsSettings.put(KEY.norms, norms, expectedVersion - 1)
          return expectedVersion + 1
        },
      )
    },

    allocationSettings: () => readSettings(store),

    async putAllocationSettings(actor, settings, expectedVersion) {
      return audited(
        entry(actor, 'allocation-settings.updated', 'allocation-settings', {
          settings,
          expectedVersion,
        }),
        async (tx) => {
          const cur = await readSettings(tx)
          if (cur.version !== expectedVersion)
            throw new StaleVersionError(
              `the allocation settings are at version ${cur.version}, not ${expectedVersion}`,
              json({ ...cur.settings, version: cur.version }),
              [{ path: ['expectedVersion'], message: `current version ${cur.version}` }],
            )
          const issues: Issue[] = []
          for (const [level, s] of Object.entries(settings.affectedShare))
            if (!(Number.isFinite(s) && s >= 0 && s <= 1))
              issues.push({
                path: ['affectedShare', level],
                message: `must be in [0, 1], got ${s}`,
              })
          for (const [item, c] of Object.entries(settings.costPerUnitKm))
            if (!(Number.isFinite(c) && c >= 0))
              issues.push({ path: ['costPerUnitKm', item], message: `must be ≥ 0, got ${c}` })
          if (issues.length > 0) throw refused('allocation settings refused', issues)
          await tx.logisticsSettings.put(KEY.allocation, settings, expectedVersion - 1)
          return expectedVersion + 1
        },
      )
    },

    async targets(areaId) {
      const [exposure, { norms }] = await Promise.all([readExposure(store), readNorms(store)])
      const areas = areaId === undefined ? exposure : exposure.filter((e) => e.areaId === areaId)
      if (areaId !== undefined && areas.length === 0) throw notFound(`exposure of area ${areaId}`)
      const t = targetsFor(
        areas.map((a) => ({ areaId: a.areaId, population: a.population })),
        norms,
      )
      if (!t.ok) throw refused('targets', t.issues)
      return { exposure: areas, targets: t.value }
    },

    async available() {
      const [areas, state, movements] = await Promise.all([
        depotAreas(store),
        store.ledger.state(),
        store.ledger.movements(),
      ])
      const out = new Map<AreaId, Map<ItemId, number>>()
      const add = (a: AreaId, i: ItemId, q: number): void => {
        let m = out.get(a)
        if (m === undefined) out.set(a, (m = new Map()))
        m.set(i, (m.get(i) ?? 0) + q)
      }
      for (const l of state.lines.values()) {
        const a = areas.get(l.depotId)
        if (a !== undefined) add(a, l.itemId, l.quantity)
      }
      for (const m of movements) if (m.kind === 'issue') add(m.areaId, m.itemId, m.quantity)
      return out
    },

    async propose(actor, input, { zones, levels }) {
      const [exposure, { norms }, { settings }, catalogue, depots, areasOfDepots, state] =
        await Promise.all([
          readExposure(store),
          readNorms(store),
          readSettings(store),
          store.catalogue.list(),
          store.depots.list(),
          depotAreas(store),
          store.ledger.state(),
        ])
      const byArea = new Map(exposure.map((e) => [e.areaId as string, e]))
      const issues: Issue[] = []
      const areas: PlanArea[] = []
      if (input.areas !== undefined) {
        input.areas.forEach((a, i) => {
          const e = byArea.get(a.areaId)
          const lat = a.lat ?? e?.lat
          const lon = a.lon ?? e?.lon
          if (lat === undefined || lon === undefined) {
            issues.push({
              path: ['areas', i],
              message: `area ${a.areaId} has no exposure record: give its lat and lon`,
            })
            return
          }
          areas.push({
            areaId: a.areaId,
            name: e?.name ?? a.areaId,
            lat,
            lon,
            population: a.population,
            source: 'given',
            level: null,
          })
        })
      } else {
        // From the warnings: each zone with an active, unexpired warning at or above the level,
        // its exposed population times the share affected at the warning's level.
        const minLevel = input.minLevel ?? settings.minLevel
        const minRank = levels.indexOf(minLevel)
        if (minRank < 0)
          issues.push({
            path: ['minLevel'],
            message: `unknown level ${minLevel} (${levels.join(', ')})`,
          })
        for (const zone of zones) {
          const s = replay(initialWarningState(zone.id), await store.warnings.events(zone.id))
          if (s.active === null || s.active.expires <= now()) continue
          if (levels.indexOf(s.active.level) < minRank) continue
          const e = byArea.get(zone.id)
          if (e === undefined) {
            issues.push({
              path: ['exposure', zone.id],
              message: `zone ${zone.id} has an active ${s.active.level} warning but no exposure record`,
            })
            continue
          }
          const share = settings.affectedShare[s.active.level] ?? 0
          areas.push({
            ...e,
            population: Math.round(e.population * share),
            source: 'warning',
            level: s.active.level,
          })
        }
      }
      if (issues.length === 0 && areas.length === 0)
        issues.push({
          path: input.areas === undefined ? ['minLevel'] : ['areas'],
          message:
            input.areas === undefined
              ? `no zone has an active warning at or above ${input.minLevel ?? settings.minLevel}`
              : 'no area to allocate to',
        })
      if (issues.length > 0) throw refused('allocation input', issues)
      requireAreas(
        actor,
        areas.map((a) => a.areaId),
      )
      const itemIds =
        input.items ??
        norms.norms.map((n) => n.itemId).filter((id) => catalogue.some((c) => c.id === id))
      const catalogueById = new Map(catalogue.map((c) => [c.id, c]))
      itemIds.forEach((id, i) => {
        if (!catalogueById.has(id))
          issues.push({ path: ['items', i], message: `unknown item ${id}` })
      })
      if (issues.length > 0) throw refused('allocation input', issues)
      const targets = targetsFor(
        areas.map((a) => ({ areaId: a.areaId, population: a.population })),
        { ...norms, norms: norms.norms.filter((n) => itemIds.includes(n.itemId)) },
      )
      if (!targets.ok) throw refused('allocation input', targets.issues)
      const need = new Map<AreaId, Map<ItemId, number>>()
      for (const t of targets.value) {
        let m = need.get(t.areaId)
        if (m === undefined) need.set(t.areaId, (m = new Map()))
        m.set(t.itemId, t.quantity)
      }
      const allocDepots: AllocationDepot[] = depots
        .filter((d) => areasOfDepots.has(d.id))
        .map((d) => {
          const stock = new Map<ItemId, number>()
          for (const id of itemIds) {
            const q = state.lines.get(stockKey(d.id, id))?.quantity ?? 0
            if (q > 0) stock.set(id, q)
          }
          return { id: d.id, lat: d.lat, lon: d.lon, stock }
        })
      const reach = input.reach ?? DEFAULT_REACH
      const solver = await solverOnce()
      const t0 = performance.now()
      const r = await planAllocation(
        {
          depots: allocDepots,
          areas: areas.map((a) => ({
            id: a.areaId,
            lat: a.lat,
            lon: a.lon,
            need: need.get(a.areaId) ?? new Map(),
          })),
          items: itemIds.map((id) => ({
            id,
            costPerUnitKm: settings.costPerUnitKm[id] ?? catalogueById.get(id)!.volumePerUnitM3,
            volumePerUnitM3: catalogueById.get(id)!.volumePerUnitM3,
          })),
          reach,
          equity: input.equity === true,
        },
        solver,
        input.onSolved === undefined ? {} : { onSolved: input.onSolved },
      )
      const timeMs = performance.now() - t0
      if (!r.ok) throw refused('no allocation', r.issues)
      const stored: StoredPlan = {
        id: newId('plan'),
        createdAt: now(),
        createdBy: actor.user,
        reach,
        areas,
        plan: r.value,
        solver: { name: 'HiGHS', version: solver.version, status: 'optimal', timeMs },
        dispatchIds: [],
      }
      await audited(
        entry(actor, 'plan.proposed', stored.id, {
          areas,
          reach,
          equity: r.value.equity,
          flows: r.value.flows.map((f) => ({ ...f })),
          objective: r.value.objective,
        }),
        (tx) => tx.logisticsSettings.put(KEY.plan + stored.id, stored, -1),
      )
      return stored
    },

    async plan(id) {
      return (await readPlan(store, id)).doc
    },

    async plans(limit) {
      const all = (await store.logisticsSettings.list<StoredPlan>(KEY.plan)).map((d) => d.doc)
      all.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      return all.slice(0, limit)
    },

    async dispatchPlan(actor, planId) {
      const at = now()
      const first = (await readPlan(store, planId)).doc
      const events = ordersFromPlan(first.plan, { idPrefix: planId, at, by: actor.user })
      return audited(
        entry(actor, 'plan.dispatched', planId, {
          dispatches: events.map((e) => json(e)),
        }),
        async (tx) => {
          const d = await readPlan(tx, planId)
          if (d.doc.dispatchIds.length > 0)
            throw new StaleVersionError(
              `plan ${planId} was dispatched already`,
              json({ dispatchIds: d.doc.dispatchIds }),
            )
          const areas = await depotAreas(tx)
          const touched = new Set<string>()
          for (const e of events)
            if (e.kind === 'planned') {
              touched.add(e.toAreaId)
              const a = areas.get(e.fromDepotId)
              if (a !== undefined) touched.add(a)
            }
          requireAreas(actor, touched)
          const orders: DispatchOrder[] = []
          for (const e of events) {
            await tx.dispatches.append(e.dispatchId, 0, [e])
            orders.push(orderOf(e.dispatchId, [e]))
          }
          await tx.commandAudit.append(
            events.map((e) => entry(actor, 'dispatch.planned', e.dispatchId, e)),
          )
          await tx.logisticsSettings.put(
            KEY.plan + planId,
            { ...d.doc, dispatchIds: orders.map((o) => o.id) },
            d.version,
          )
          return orders
        },
      )
    },

    dispatches: (all = false) => (all ? store.dispatches.all() : store.dispatches.open()),

    async dispatch(id) {
      const events = await store.dispatches.events(id)
      if (events.length === 0) throw notFound(`dispatch ${id}`)
      return orderOf(id, events)
    },

    async dispatchStep(actor, id, step, expectedVersion) {
      const e = dispatchEventOf(id, step, now(), actor.user)
      return retryOnConflict(() =>
        audited(entry(actor, `dispatch.${step.kind}`, id, e), async (tx) => {
          const events = await tx.dispatches.events(id)
          if (events.length === 0) throw notFound(`dispatch ${id}`)
          const order = orderOf(id, events)
          const depotArea = (await depotAreas(tx)).get(order.fromDepotId)
          // Either end may move a dispatch on, but only the receiving area counts what arrived.
          const byDepot =
            e.kind !== 'acknowledged' && depotArea !== undefined && actor.covers(depotArea)
          if (!actor.covers(order.toAreaId) && !byDepot) throw forbidden(actor, order.toAreaId)
          if (expectedVersion !== undefined && expectedVersion !== order.version)
            throw new StaleVersionError(
              `dispatch ${id} is at version ${order.version}, not ${expectedVersion}`,
              json(order),
              [{ path: ['expectedVersion'], message: `current version ${order.version}` }],
            )
          const r = applyDispatchEvent(order, e)
          if (!r.ok) throw refused(`dispatch ${id}: ${step.kind} refused`, r.issues)
          await tx.dispatches.append(id, events.length, [e])
          const movements: Movement[] = []
          if (e.kind === 'delivered') {
            // What was handed over leaves the depot's stock in the same transaction.
            const issued = issueMovements(r.value, actor.user)
            if (!issued.ok) throw refused(`dispatch ${id}`, issued.issues)
            for (const m of issued.value) {
              await appendMovement(tx, m)
              movements.push(m)
            }
            if (movements.length > 0)
              await tx.commandAudit.append(
                movements.map((m) => entry(actor, 'movement.issue', m.id, m)),
              )
          }
          return { order: r.value, movements }
        }),
      )
    },

    shelters: () => store.shelters.list(),

    async putShelter(actor, s, expectedVersion) {
      requireAreas(actor, [s.areaId])
      return audited(
        entry(actor, expectedVersion === undefined ? 'shelter.created' : 'shelter.replaced', s.id, {
          shelter: s,
          expectedVersion: expectedVersion ?? null,
        }),
        async (tx) => {
          const old = await tx.shelters.find(s.id)
          // The fields set, and nothing of the stored record beyond them: a replacement
          // without a location takes the shelter off the map.
          const fields = {
            id: s.id,
            name: s.name,
            areaId: s.areaId,
            capacity: s.capacity,
            ...(s.location === undefined ? {} : { location: s.location }),
          }
          if (old === undefined) {
            if (expectedVersion !== undefined)
              throw notFound(`shelter ${s.id} to replace (create it without expectedVersion)`)
            const issues = shelterIssues(fields)
            if (issues.length > 0) throw refused(`shelter ${s.id}`, issues)
            const created: Shelter = { ...fields, occupancy: 0, version: 0 }
            await tx.shelters.save(created, 0)
            return created
          }
          requireAreas(actor, [old.areaId])
          if (expectedVersion !== old.version)
            throw new StaleVersionError(
              `shelter ${s.id} is at version ${old.version}` +
                (expectedVersion === undefined ? '' : `, not ${expectedVersion}`),
              json(old),
              [{ path: ['expectedVersion'], message: `current version ${old.version}` }],
            )
          const issues = shelterIssues(fields, old.occupancy)
          if (issues.length > 0) throw refused(`shelter ${s.id}`, issues)
          const next: Shelter = { ...fields, occupancy: old.occupancy, version: old.version + 1 }
          await tx.shelters.save(next, old.version)
          return next
        },
      )
    },

    async occupy(actor, id, change, persons, expectedVersion) {
      return audited(
        entry(actor, `shelter.${change}`, id, { persons, expectedVersion }),
        async (tx) => {
          const s = await tx.shelters.find(id)
          if (s === undefined) throw notFound(`shelter ${id}`)
          requireAreas(actor, [s.areaId])
          if (s.version !== expectedVersion)
            throw new StaleVersionError(
              `shelter ${id} is at version ${s.version}, not ${expectedVersion}`,
              json(s),
              [{ path: ['expectedVersion'], message: `current version ${s.version}` }],
            )
          const r = change === 'check-in' ? checkIn(s, persons) : checkOut(s, persons)
          if (!r.ok) throw refused(`${change} at shelter ${id} refused`, r.issues)
          await tx.shelters.save(r.value, s.version)
          return r.value
        },
      )
    },

    async evacuation() {
      const [shelters, exposure] = await Promise.all([store.shelters.list(), readExposure(store)])
      const areaIds = new Set<AreaId>([
        ...exposure.map((e) => e.areaId),
        ...shelters.map((s) => s.areaId),
      ])
      const events = new Map<AreaId, EvacuationEvent[]>()
      for (const a of areaIds) events.set(a, await store.shelters.evacuationEvents(a))
      const r = evacuationStatus(events, shelters)
      if (!r.ok) throw new Error(r.issues.map(formatIssue).join('; '))
      return r.value.sort((a, b) => (a.areaId < b.areaId ? -1 : a.areaId > b.areaId ? 1 : 0))
    },

    async evacuate(actor, areaId, step, expectedVersion) {
      requireAreas(actor, [areaId])
      const e = evacuationEventOf(areaId, step, now(), actor.user)
      return audited(entry(actor, `evacuation.${e.kind}`, areaId, e), async (tx) => {
        const events = await tx.shelters.evacuationEvents(areaId)
        const ev = replayEvacuation(areaId, events)
        if (ev.version !== expectedVersion)
          throw new StaleVersionError(
            `the evacuation of ${areaId} is at version ${ev.version}, not ${expectedVersion}`,
            json(ev),
            [{ path: ['expectedVersion'], message: `current version ${ev.version}` }],
          )
        const r = applyEvacuationEvent(ev, e)
        if (!r.ok) throw refused(`evacuation of ${areaId}`, r.issues)
        await tx.shelters.appendEvacuation(areaId, events.length, [e])
        return r.value
      })
    },

    async submitRequest(actor, req) {
      requireAreas(actor, [req.areaId])
      const e: RequestEvent = {
        kind: 'submitted',
        requestId: newId('req') as RequestId,
        at: now(),
        by: actor.user,
        ...req,
      }
      return audited(entry(actor, 'request.submitted', e.requestId, e), async (tx) => {
        const r = applyRequestEvent(undefined, e)
        if (!r.ok) throw refused('request refused', r.issues)
        const items = new Set((await tx.catalogue.list()).map((i) => i.id))
        const unknown: Issue[] = []
        req.lines.forEach((l, i) => {
          if (!items.has(l.itemId))
            unknown.push({ path: ['lines', i, 'itemId'], message: `unknown item ${l.itemId}` })
        })
        if (unknown.length > 0) throw refused('request refused', unknown)
        await tx.requests.append(e.requestId, 0, [e])
        return r.value
      })
    },

    requests: () => store.requests.open(),

    async request(id) {
      const events = await store.requests.events(id)
      if (events.length === 0) throw notFound(`request ${id}`)
      return requestOf(id, events)
    },

    async requestStep(actor, id, step, expectedVersion) {
      const base = { requestId: id, at: now(), by: actor.user }
      const e: RequestEvent =
        step.kind === 'decided'
          ? { ...base, kind: 'decided', approved: step.approved, note: step.note }
          : step.kind === 'refused'
            ? { ...base, kind: 'refused', reason: step.reason }
            : { ...base, kind: 'fulfilled', sent: step.sent, dispatchIds: step.dispatchIds }
      return audited(entry(actor, `request.${step.kind}`, id, e), async (tx) => {
        const events = await tx.requests.events(id)
        if (events.length === 0) throw notFound(`request ${id}`)
        const req = requestOf(id, events)
        requireAreas(actor, [req.areaId])
        if (req.version !== expectedVersion)
          throw new StaleVersionError(
            `request ${id} is at version ${req.version}, not ${expectedVersion}`,
            json(req),
            [{ path: ['expectedVersion'], message: `current version ${req.version}` }],
          )
        const r = applyRequestEvent(req, e)
        if (!r.ok) throw refused(`request ${id}: ${step.kind} refused`, r.issues)
        await tx.requests.append(id, events.length, [e])
        return r.value
      })
    },
  }

  // A refused write (403, 409, 422) is appended to the audit chain as `logistics.refused`,
  // after its own transaction rolled back, then thrown as it was.
  for (const [action, subjectOf] of Object.entries(REFUSAL_SUBJECT)) {
    const name = action as keyof typeof REFUSAL_SUBJECT
    const write = service[name] as (actor: Actor, ...rest: never[]) => Promise<unknown>
    const wrapped = async (actor: Actor, ...rest: never[]): Promise<unknown> => {
      try {
        return await write(actor, ...rest)
      } catch (e) {
        if (e instanceof ApiError && (e.status === 403 || e.status === 409 || e.status === 422))
          await store.commandAudit.append([
            entry(actor, 'refused', (subjectOf as (x: never) => string)(rest[0]!), {
              action: name,
              status: e.status,
              why: e.details.length > 0 ? e.details.map(formatIssue) : [e.message],
            }),
          ])
        throw e
      }
    }
    Object.assign(service, { [name]: wrapped })
  }
  return service
}

/** The writes of the service whose refusals are audited, and the subject of each (its first argument after the actor). */
const REFUSAL_SUBJECT = {
  putCatalogue: () => 'catalogue',
  putDepot: (d: { id: string }) => d.id,
  move: (m: MovementInput) => ('depotId' in m ? m.depotId : `${m.fromDepotId}→${m.toDepotId}`),
  putExposure: () => 'exposure',
  putNorms: () => 'norms',
  putAllocationSettings: () => 'allocation-settings',
  propose: () => 'allocation',
  dispatchPlan: (planId: string) => planId,
  dispatchStep: (id: string) => id,
  putShelter: (x: { id: string }) => x.id,
  occupy: (id: string) => id,
  evacuate: (areaId: string) => areaId,
  submitRequest: (r: { postId: string }) => r.postId,
  requestStep: (id: string) => id,
} as const satisfies Partial<Record<keyof LogisticsService, (x: never) => string>>
