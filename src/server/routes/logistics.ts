/**
 * Preparedness over HTTP: the item catalogue, depots and their stock ledger, exposure, norms,
 * targets and shortfalls, allocation plans solved with HiGHS, dispatch orders, shelters,
 * evacuation and requests from posts.
 *
 * Who may do what: reading needs a token (observer and up). Changing anything in an area needs
 * a duty officer (or admin) whose grant areas cover it: a depot's area for its record and its
 * stock (both depots of a transfer), the areas of an allocation or a dispatch (its depot's area
 * or its destination), a shelter's or an evacuation's area, the area a request is for. A grant
 * covers an area when it lists `*`, the area's id, or a basin of the warning zone of that id.
 * The catalogue, the norms and the allocation settings are the admin's.
 *
 * Conflicts: 409 with the record as it is now in `current`; refusals: 422 with every problem
 * and its path in `error.details`.
 */
import { coversArea } from '../warnings.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { EpochMs } from '../../core/brand.ts'
import type { UserId } from '../../core/ids.ts'
import type { Movement } from '../../logistics/ledger.ts'
import type { DispatchOrder } from '../../logistics/dispatch.ts'
import type { SupplyRequest } from '../../logistics/requests.ts'
import type { Shelter } from '../../logistics/shelters.ts'
import { shortfalls } from '../../logistics/targets.ts'
import type {
  AreaId,
  DepotId,
  DispatchId,
  Item,
  ItemId,
  PostId,
  RequestId,
  ShelterId,
} from '../../logistics/types.ts'
import { authorize, type Role } from '../auth.ts'
import type { AppDeps } from '../deps.ts'
import {
  type Actor,
  type MovementInput,
  StaleVersionError,
  type StoredPlan,
} from '../logistics-service.ts'
import { idSchema, isoTime, iso, locationOut, locationSchema, locationView } from './schemas.ts'

const TAGS = ['logistics']

// --- wire formats -----------------------------------------------------------------------------

const itemSchema = z.object({
  id: idSchema,
  name: z.string().min(1),
  unit: z.enum(['each', 'kg', 'L', 'person-day', 'kit', 'pack']),
  volumePerUnitM3: z.number().nonnegative().describe('packed volume of one unit, m³'),
  category: z.enum([
    'rescue',
    'flood-defence',
    'shelter',
    'water',
    'food',
    'health',
    'hygiene',
    'non-food',
  ]),
})

const depotOut = z.object({
  id: z.string(),
  name: z.string(),
  lat: z.number(),
  lon: z.number(),
  capacityM3: z.number().describe('storage capacity, m³'),
  areaId: z.string(),
  version: z.number().int().describe('edits of the depot record'),
  stockVersion: z.number().int().describe('movements that touched its stock'),
  usedM3: z.number().describe('packed volume in store, m³'),
  stock: z.array(
    z.object({
      itemId: z.string(),
      quantity: z.number().describe("units, in the item's unit"),
      version: z.number().int().describe('movements that touched this line'),
    }),
  ),
})

const version = z.number().int().min(0)
const quantity = z.number().describe("units, in the item's unit")

const movementIn = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('receipt'),
    depotId: idSchema,
    itemId: idSchema,
    quantity,
    source: z.string().describe('supplier, donation reference'),
    expectedVersion: version.describe('version of the stock line read (0 when it has none)'),
  }),
  z.object({
    kind: z.literal('issue'),
    depotId: idSchema,
    itemId: idSchema,
    quantity,
    areaId: idSchema,
    expectedVersion: version,
  }),
  z.object({
    kind: z.literal('transfer'),
    fromDepotId: idSchema,
    toDepotId: idSchema,
    itemId: idSchema,
    quantity,
    expectedVersions: z.object({ from: version, to: version }),
  }),
  z.object({
    kind: z.literal('adjustment'),
    depotId: idSchema,
    itemId: idSchema,
    delta: z.number().describe('signed change, units'),
    reason: z.enum(['count', 'damage', 'expiry', 'loss', 'found']),
    note: z.string(),
    expectedVersion: version,
  }),
])

const movementOut = z.object({
  id: z.string(),
  kind: z.enum(['receipt', 'issue', 'transfer', 'adjustment']),
  itemId: z.string(),
  at: isoTime,
  by: z.string(),
  depotId: z.string().optional(),
  fromDepotId: z.string().optional(),
  toDepotId: z.string().optional(),
  quantity: z.number().optional(),
  delta: z.number().optional(),
  source: z.string().optional(),
  areaId: z.string().optional(),
  dispatchId: z.string().nullable().optional(),
  reason: z.string().optional(),
  note: z.string().optional(),
})

const movementView = (m: Movement): z.infer<typeof movementOut> => ({ ...m, at: iso(m.at) })

const exposureSchema = z.object({
  areaId: idSchema,
  name: z.string().min(1),
  lat: z.number().min(-90).max(90).describe('distribution point, WGS84 degrees'),
  lon: z.number().min(-180).max(180).describe('distribution point, WGS84 degrees'),
  population: z.number().nonnegative().describe('persons exposed'),
})

const normsSchema = z.object({
  daysOfCover: z.number().describe('days of cover of per-day norms'),
  householdSize: z.number().describe('persons per household'),
  norms: z.array(
    z.object({
      itemId: idSchema,
      basis: z.enum(['per-person-per-day', 'per-person', 'per-household', 'per-1000-persons']),
      amount: z.number().describe('units of the item per basis'),
      source: z.string(),
    }),
  ),
})

const settingsSchema = z.object({
  minLevel: z.string().describe('lowest warning level allocated to from the warnings'),
  affectedShare: z
    .record(z.string(), z.number())
    .describe("share (0–1) of a zone's exposed population expected to be affected, per level"),
  costPerUnitKm: z
    .record(z.string(), z.number())
    .describe('transport cost per unit and km by item; default the packed volume (m³)'),
})

const reachSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('nearest'), k: z.number().int().min(1) }),
  z.object({ kind: z.literal('within'), maxKm: z.number().positive() }),
])

const planOut = z.object({
  id: z.string(),
  createdAt: isoTime,
  createdBy: z.string(),
  status: z.literal('optimal'),
  equity: z.boolean(),
  reach: reachSchema,
  areas: z.array(
    exposureSchema.extend({
      population: z.number().describe('expected affected persons'),
      source: z.enum(['given', 'warning']),
      level: z.string().nullable(),
    }),
  ),
  flows: z.array(
    z.object({
      depotId: z.string(),
      areaId: z.string(),
      itemId: z.string(),
      quantity: z.number(),
      costPerUnit: z.number(),
    }),
  ),
  lines: z.array(
    z.object({
      areaId: z.string(),
      itemId: z.string(),
      need: z.number(),
      delivered: z.number(),
      unmet: z.number(),
      unmetFraction: z.number(),
    }),
  ),
  items: z.array(
    z.object({
      itemId: z.string(),
      stock: z.number(),
      need: z.number(),
      delivered: z.number(),
      unmet: z.number(),
      maxUnmetFraction: z.number(),
      transportCost: z.number(),
      penaltyPerUnit: z.number(),
      penaltyCost: z.number(),
    }),
  ),
  unmet: z.number().describe('units of need left unmet, all items'),
  transportCost: z.number(),
  penaltyCost: z.number(),
  objective: z.number().describe('transport cost + penalty cost'),
  solver: z.object({
    name: z.string(),
    version: z.string(),
    status: z.string(),
    timeMs: z.number(),
    stats: z.object({
      arcs: z.number(),
      blocks: z.number(),
      columns: z.number(),
      rows: z.number(),
      nonzeros: z.number(),
      solves: z.number(),
      iterations: z.number(),
    }),
  }),
  dispatchIds: z.array(z.string()),
})

const lineSchema = z.object({ itemId: idSchema, quantity: z.number() })

const dispatchOut = z.object({
  id: z.string(),
  fromDepotId: z.string(),
  toAreaId: z.string(),
  lines: z.array(lineSchema),
  state: z.enum(['planned', 'loaded', 'in-transit', 'delivered', 'acknowledged', 'cancelled']),
  delivered: z.array(lineSchema).nullable(),
  deliveredAt: isoTime.nullable(),
  received: z.array(lineSchema).nullable(),
  discrepancies: z.array(
    z.object({ itemId: z.string(), delivered: z.number(), received: z.number() }),
  ),
  acknowledgedBy: z.string().nullable(),
  version: z.number().int(),
  updatedAt: isoTime,
})

/** A dispatch order as the API serves it: times in ISO 8601, quantities in item units. */
export const dispatchView = (o: DispatchOrder): z.infer<typeof dispatchOut> => ({
  ...o,
  lines: [...o.lines],
  delivered: o.delivered === null ? null : [...o.delivered],
  received: o.received === null ? null : [...o.received],
  discrepancies: [...o.discrepancies],
  deliveredAt: o.deliveredAt === null ? null : iso(o.deliveredAt),
  updatedAt: iso(o.updatedAt),
})

const dispatchStepIn = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('loaded'), expectedVersion: version.optional() }),
  z.object({ kind: z.literal('in-transit'), expectedVersion: version.optional() }),
  z.object({
    kind: z.literal('delivered'),
    lines: z.array(lineSchema).describe('units handed over per item'),
    expectedVersion: version.optional(),
  }),
  z.object({
    kind: z.literal('acknowledged'),
    received: z.array(lineSchema).describe('units the receiver counted per item'),
    note: z.string().default('').describe('required when counts differ from the delivery'),
    expectedVersion: version.optional(),
  }),
  z.object({
    kind: z.literal('cancelled'),
    reason: z.string(),
    expectedVersion: version.optional(),
  }),
])

const shelterOut = z.object({
  id: z.string(),
  name: z.string(),
  areaId: z.string(),
  capacity: z.number().int().describe('persons'),
  occupancy: z.number().int().describe('persons'),
  location: locationOut.describe('where the shelter is (WGS84 degrees), or null'),
  version: z.number().int(),
})

const shelterView = (s: Shelter): z.infer<typeof shelterOut> => ({
  id: s.id,
  name: s.name,
  areaId: s.areaId,
  capacity: s.capacity,
  occupancy: s.occupancy,
  location: locationView(s),
  version: s.version,
})

const evacuationOut = z.object({
  areaId: z.string(),
  state: z.enum(['not-started', 'ordered', 'in-progress', 'completed', 'stood-down']),
  toEvacuate: z.number(),
  evacuated: z.number(),
  version: z.number().int(),
  updatedAt: isoTime.nullable(),
  inShelters: z.number().optional(),
  shelterPlacesFree: z.number().optional(),
})

const evacuationIn = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ordered'),
    toEvacuate: z.number().describe('persons to move'),
    expectedVersion: version,
  }),
  z.object({
    status: z.literal('in-progress'),
    evacuated: z.number().describe('persons moved so far (cumulative)'),
    expectedVersion: version,
  }),
  z.object({ status: z.literal('completed'), expectedVersion: version }),
  z.object({ status: z.literal('stood-down'), reason: z.string(), expectedVersion: version }),
])

const requestOut = z.object({
  id: z.string(),
  postId: z.string(),
  areaId: z.string(),
  lines: z.array(lineSchema),
  neededBy: isoTime,
  status: z.enum(['submitted', 'approved', 'partially-approved', 'refused', 'fulfilled']),
  approved: z.array(lineSchema).nullable(),
  sent: z.array(lineSchema).nullable(),
  dispatchIds: z.array(z.string()),
  version: z.number().int(),
  submittedAt: isoTime,
})

const requestView = (r: SupplyRequest): z.infer<typeof requestOut> => ({
  ...r,
  lines: [...r.lines],
  approved: r.approved === null ? null : [...r.approved],
  sent: r.sent === null ? null : [...r.sent],
  dispatchIds: [...r.dispatchIds],
  neededBy: iso(r.neededBy),
  submittedAt: iso(r.submittedAt),
})

const requestStepIn = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('decided'),
    approved: z.array(lineSchema).describe('units approved per requested item (0 refuses a line)'),
    note: z.string().default(''),
    expectedVersion: version,
  }),
  z.object({ kind: z.literal('refused'), reason: z.string(), expectedVersion: version }),
  z.object({
    kind: z.literal('fulfilled'),
    sent: z.array(lineSchema),
    dispatchIds: z.array(idSchema).default([]),
    expectedVersion: version,
  }),
])

const errorOut = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
})
const conflictOut = errorOut.extend({
  current: z.unknown().describe('the record as it is now (its current version)'),
})
/** The error responses of a write, for the description. */
const writeErrors = { 409: conflictOut, 422: errorOut }

/**
 * A stored allocation plan as the API serves it (`GET /api/v1/logistics/allocations/{id}`) and
 * `freshet logistics allocate --out` writes it: times in ISO 8601, quantities in item units.
 */
export function planView(s: StoredPlan): z.infer<typeof planOut> {
  return {
    id: s.id,
    createdAt: iso(s.createdAt),
    createdBy: s.createdBy,
    status: s.plan.status,
    equity: s.plan.equity,
    reach: s.reach,
    areas: s.areas.map((a) => ({ ...a })),
    flows: s.plan.flows.map((f) => ({ ...f })),
    lines: s.plan.lines.map((l) => ({ ...l })),
    items: s.plan.items.map((i) => ({ ...i })),
    unmet: s.plan.items.reduce((t, i) => t + i.unmet, 0),
    transportCost: s.plan.transportCost,
    penaltyCost: s.plan.penaltyCost,
    objective: s.plan.objective,
    solver: { ...s.solver, stats: { ...s.plan.stats } },
    dispatchIds: [...s.dispatchIds],
  }
}

// --- routes -------------------------------------------------------------------------------------

export function registerLogistics(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const L = deps.logistics
  const P = '/api/v1/logistics'

  const actorOf = (req: FastifyRequest, role: Role = 'duty-officer'): Actor => {
    const p = authorize(req, deps.grants, role)
    return {
      user: p.user as UserId,
      covers: (area) => coversArea(p, area, deps.warnings.setup.zones),
    }
  }
  const reader = (req: FastifyRequest): void => {
    authorize(req, deps.grants, 'observer')
  }

  /** Runs a write, answering a stale version with 409 and the current record. */
  const write = async <T>(
    reply: FastifyReply,
    status: number,
    fn: () => Promise<T>,
  ): Promise<FastifyReply> => {
    try {
      return reply.status(status).send(await fn())
    } catch (e) {
      if (!(e instanceof StaleVersionError)) throw e
      return reply.status(409).send({
        error: {
          code: e.code,
          message: e.message,
          ...(e.details.length > 0
            ? {
                details: e.details.map((d) => ({
                  path: d.path.join('.'),
                  message: d.message,
                })),
              }
            : {}),
        },
        current: e.current,
      })
    }
  }

  // --- catalogue

  r.get(
    `${P}/catalogue`,
    {
      schema: {
        tags: TAGS,
        summary: 'The item catalogue: units and packed volumes',
        security: [{ bearer: [] }],
        response: { 200: z.array(itemSchema) },
      },
    },
    async (req) => {
      reader(req)
      return L.catalogue()
    },
  )

  r.put(
    `${P}/catalogue`,
    {
      schema: {
        tags: TAGS,
        summary: 'Add items or replace those of the same id (admin)',
        security: [{ bearer: [] }],
        body: z.object({ items: z.array(itemSchema).min(1) }),
        response: { 200: z.array(itemSchema) },
      },
    },
    async (req) => L.putCatalogue(actorOf(req, 'admin'), req.body.items as Item[]),
  )

  // --- depots and stock

  r.get(
    `${P}/depots`,
    {
      schema: {
        tags: TAGS,
        summary: 'Every depot with its stock lines and their versions',
        security: [{ bearer: [] }],
        response: { 200: z.array(depotOut) },
      },
    },
    async (req) => {
      reader(req)
      return L.depots()
    },
  )

  r.get(
    `${P}/depots/:depotId`,
    {
      schema: {
        tags: TAGS,
        summary: 'One depot with its stock lines and their versions',
        security: [{ bearer: [] }],
        params: z.object({ depotId: idSchema }),
        response: { 200: depotOut },
      },
    },
    async (req) => {
      reader(req)
      return L.depot(req.params.depotId as DepotId)
    },
  )

  r.put(
    `${P}/depots/:depotId`,
    {
      schema: {
        tags: TAGS,
        summary: 'Create a depot, or replace it at the version read',
        description:
          'Without expectedVersion the depot is created (409 when it exists); with it, replaced if still at that version (409 otherwise). A capacity below the volume in store is refused (422).',
        security: [{ bearer: [] }],
        params: z.object({ depotId: idSchema }),
        body: z.object({
          name: z.string().min(1),
          lat: z.number().min(-90).max(90),
          lon: z.number().min(-180).max(180),
          capacityM3: z.number().nonnegative().describe('m³'),
          areaId: idSchema.describe('the area the depot is in (who may act on it)'),
          expectedVersion: version.optional(),
        }),
        response: { 200: depotOut, ...writeErrors },
      },
    },
    async (req, reply) => {
      const { expectedVersion, areaId, ...fields } = req.body
      return write(reply, 200, () =>
        L.putDepot(
          actorOf(req),
          { ...fields, id: req.params.depotId as DepotId, areaId: areaId as AreaId },
          expectedVersion,
        ),
      )
    },
  )

  r.post(
    `${P}/movements`,
    {
      schema: {
        tags: TAGS,
        summary: 'Record a receipt, issue, transfer or adjustment of stock',
        description:
          'Names the version of each stock line touched as read (GET depots). 409 when a line moved on, with the line as it is now in `current`; 422 when stock would go below zero or a depot over its capacity.',
        security: [{ bearer: [] }],
        body: movementIn,
        response: {
          201: z.object({ movement: movementOut, depots: z.array(depotOut) }),
          ...writeErrors,
        },
      },
    },
    async (req, reply) => {
      const b = req.body
      let input: MovementInput
      let versions: Parameters<typeof L.move>[2]
      switch (b.kind) {
        case 'receipt':
          input = {
            kind: 'receipt',
            depotId: b.depotId as DepotId,
            itemId: b.itemId as ItemId,
            quantity: b.quantity,
            source: b.source,
          }
          versions = { kind: 'one', version: b.expectedVersion }
          break
        case 'issue':
          input = {
            kind: 'issue',
            depotId: b.depotId as DepotId,
            itemId: b.itemId as ItemId,
            quantity: b.quantity,
            areaId: b.areaId as AreaId,
            dispatchId: null,
          }
          versions = { kind: 'one', version: b.expectedVersion }
          break
        case 'transfer':
          input = {
            kind: 'transfer',
            fromDepotId: b.fromDepotId as DepotId,
            toDepotId: b.toDepotId as DepotId,
            itemId: b.itemId as ItemId,
            quantity: b.quantity,
          }
          versions = { kind: 'transfer', ...b.expectedVersions }
          break
        case 'adjustment':
          input = {
            kind: 'adjustment',
            depotId: b.depotId as DepotId,
            itemId: b.itemId as ItemId,
            delta: b.delta,
            reason: b.reason,
            note: b.note,
          }
          versions = { kind: 'one', version: b.expectedVersion }
          break
      }
      return write(reply, 201, async () => {
        const out = await L.move(actorOf(req), input, versions)
        return { movement: movementView(out.movement), depots: out.depots }
      })
    },
  )

  r.get(
    `${P}/depots/:depotId/movements`,
    {
      schema: {
        tags: TAGS,
        summary: "The depot's ledger: every movement that touched its stock, oldest first",
        security: [{ bearer: [] }],
        params: z.object({ depotId: idSchema }),
        querystring: z.object({
          after: z.coerce.number().int().min(0).default(0).describe('movements to skip'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({
            movements: z.array(movementOut),
            total: z.number().int(),
            next: z.number().int().nullable().describe('`after` of the next page, or null'),
          }),
        },
      },
    },
    async (req) => {
      reader(req)
      const { after, limit } = req.query
      const page = await L.ledger(req.params.depotId as DepotId, after, limit)
      const end = after + page.movements.length
      return {
        movements: page.movements.map(movementView),
        total: page.total,
        next: end < page.total ? end : null,
      }
    },
  )

  // --- exposure, norms, targets

  r.get(
    `${P}/exposure`,
    {
      schema: {
        tags: TAGS,
        summary: 'The exposed population of each area',
        security: [{ bearer: [] }],
        response: { 200: z.array(exposureSchema) },
      },
    },
    async (req) => {
      reader(req)
      return L.exposure()
    },
  )

  r.put(
    `${P}/exposure`,
    {
      schema: {
        tags: TAGS,
        summary: 'Set the exposed population of areas (warning zone ids or any area id)',
        security: [{ bearer: [] }],
        body: z.object({ areas: z.array(exposureSchema).min(1) }),
        response: { 200: z.array(exposureSchema) },
      },
    },
    async (req) =>
      L.putExposure(
        actorOf(req),
        req.body.areas.map((a) => ({ ...a, areaId: a.areaId as AreaId })),
      ),
  )

  r.get(
    `${P}/norms`,
    {
      schema: {
        tags: TAGS,
        summary: 'The per-person norms targets are computed with (version 0: the defaults)',
        security: [{ bearer: [] }],
        response: { 200: normsSchema.extend({ version: z.number().int() }) },
      },
    },
    async (req) => {
      reader(req)
      const { norms, version } = await L.norms()
      return { ...norms, norms: [...norms.norms], version }
    },
  )

  r.put(
    `${P}/norms`,
    {
      schema: {
        tags: TAGS,
        summary: 'Replace the norms at the version read (admin)',
        security: [{ bearer: [] }],
        body: normsSchema.extend({ expectedVersion: version }),
        response: { 200: z.object({ version: z.number().int() }), ...writeErrors },
      },
    },
    async (req, reply) => {
      const { expectedVersion, ...norms } = req.body
      return write(reply, 200, async () => ({
        version: await L.putNorms(
          actorOf(req, 'admin'),
          { ...norms, norms: norms.norms.map((n) => ({ ...n, itemId: n.itemId as ItemId })) },
          expectedVersion,
        ),
      }))
    },
  )

  r.get(
    `${P}/allocation-settings`,
    {
      schema: {
        tags: TAGS,
        summary: 'How allocations follow from the warnings (version 0: the defaults)',
        security: [{ bearer: [] }],
        response: { 200: settingsSchema.extend({ version: z.number().int() }) },
      },
    },
    async (req) => {
      reader(req)
      const { settings, version } = await L.allocationSettings()
      return { ...settings, version }
    },
  )

  r.put(
    `${P}/allocation-settings`,
    {
      schema: {
        tags: TAGS,
        summary: 'Replace the allocation settings at the version read (admin)',
        security: [{ bearer: [] }],
        body: settingsSchema.extend({ expectedVersion: version }),
        response: { 200: z.object({ version: z.number().int() }), ...writeErrors },
      },
    },
    async (req, reply) => {
      const { expectedVersion, ...settings } = req.body
      return write(reply, 200, async () => ({
        version: await L.putAllocationSettings(actorOf(req, 'admin'), settings, expectedVersion),
      }))
    },
  )

  const targetOut = z.object({
    areaId: z.string(),
    population: z.number(),
    targets: z.array(z.object({ itemId: z.string(), quantity: z.number() })),
  })

  r.get(
    `${P}/targets`,
    {
      schema: {
        tags: TAGS,
        summary: 'Minimum stock per area: exposed population × norms',
        security: [{ bearer: [] }],
        querystring: z.object({ areaId: idSchema.optional() }),
        response: { 200: z.array(targetOut) },
      },
    },
    async (req) => {
      reader(req)
      const { exposure, targets } = await L.targets(req.query.areaId as AreaId | undefined)
      return exposure.map((e) => ({
        areaId: e.areaId,
        population: e.population,
        targets: targets
          .filter((t) => t.areaId === e.areaId)
          .map((t) => ({ itemId: t.itemId, quantity: t.quantity })),
      }))
    },
  )

  r.get(
    `${P}/shortfalls`,
    {
      schema: {
        tags: TAGS,
        summary: 'Targets against what each area has: worst coverage first',
        description:
          'Available to an area: the stock of the depots in it plus the units issued to it. Lines with a deficit come first, lowest coverage first.',
        security: [{ bearer: [] }],
        querystring: z.object({ areaId: idSchema.optional() }),
        response: {
          200: z.array(
            z.object({
              areaId: z.string(),
              itemId: z.string(),
              target: z.number(),
              available: z.number(),
              deficit: z.number(),
              coveragePct: z.number(),
            }),
          ),
        },
      },
    },
    async (req) => {
      reader(req)
      const [{ targets }, available] = await Promise.all([
        L.targets(req.query.areaId as AreaId | undefined),
        L.available(),
      ])
      return shortfalls(targets, available)
    },
  )

  // --- allocation and dispatch

  r.post(
    `${P}/allocations`,
    {
      schema: {
        tags: TAGS,
        summary: 'Propose an optimal allocation of depot stock to areas (solved with HiGHS)',
        description:
          'Need per area = expected affected persons × norms. The areas are given, or else taken from the active warnings: every zone with an unexpired warning at or above `minLevel` (default from the allocation settings), its exposed population × the affected share of its level. Least transport cost with a penalty for unmet need; `equity` first minimises the largest unmet fraction. The plan is stored under its id.',
        security: [{ bearer: [] }],
        body: z.object({
          areas: z
            .array(
              z.object({
                areaId: idSchema,
                population: z.number().describe('expected affected persons'),
                lat: z.number().min(-90).max(90).optional(),
                lon: z.number().min(-180).max(180).optional(),
              }),
            )
            .optional()
            .describe('default: from the active warnings'),
          minLevel: z.string().optional(),
          items: z.array(idSchema).optional().describe('default: every item with a norm'),
          reach: reachSchema.optional().describe('default: the 8 nearest depots'),
          equity: z.boolean().default(false),
        }),
        response: { 201: planOut, 422: errorOut },
      },
    },
    async (req, reply) => {
      const b = req.body
      const plan = await L.propose(
        actorOf(req),
        {
          ...(b.areas === undefined
            ? {}
            : { areas: b.areas.map((a) => ({ ...a, areaId: a.areaId as AreaId })) }),
          minLevel: b.minLevel,
          items: b.items as ItemId[] | undefined,
          reach: b.reach,
          equity: b.equity,
        },
        {
          zones: deps.warnings.setup.zones,
          levels: deps.warnings.setup.rules.levels.map((l) => l.name),
        },
      )
      return reply.status(201).send(planView(plan))
    },
  )

  r.get(
    `${P}/allocations`,
    {
      schema: {
        tags: TAGS,
        summary: 'The stored allocation plans, newest first',
        description:
          'Newest first by creation time; `limit` (default 20, at most 200) plans. The dashboard reads the latest plan with `limit=1`.',
        security: [{ bearer: [] }],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
        response: { 200: z.object({ plans: z.array(planOut) }) },
      },
    },
    async (req) => {
      reader(req)
      return { plans: (await L.plans(req.query.limit)).map(planView) }
    },
  )

  r.get(
    `${P}/allocations/:planId`,
    {
      schema: {
        tags: TAGS,
        summary: 'A stored allocation plan',
        security: [{ bearer: [] }],
        params: z.object({ planId: idSchema }),
        response: { 200: planOut },
      },
    },
    async (req) => {
      reader(req)
      return planView(await L.plan(req.params.planId))
    },
  )

  r.post(
    `${P}/allocations/:planId/dispatch`,
    {
      schema: {
        tags: TAGS,
        summary: 'Make dispatch orders from a plan: one per depot → area, whole units',
        description: '409 when the plan was dispatched already.',
        security: [{ bearer: [] }],
        params: z.object({ planId: idSchema }),
        response: { 201: z.array(dispatchOut), 409: conflictOut },
      },
    },
    async (req, reply) =>
      write(reply, 201, async () =>
        (await L.dispatchPlan(actorOf(req), req.params.planId)).map(dispatchView),
      ),
  )

  r.get(
    `${P}/dispatches`,
    {
      schema: {
        tags: TAGS,
        summary: 'Dispatch orders not yet acknowledged nor cancelled',
        security: [{ bearer: [] }],
        response: { 200: z.array(dispatchOut) },
      },
    },
    async (req) => {
      reader(req)
      return (await L.dispatches()).map(dispatchView)
    },
  )

  r.get(
    `${P}/dispatches/:dispatchId`,
    {
      schema: {
        tags: TAGS,
        summary: 'One dispatch order and where it is',
        security: [{ bearer: [] }],
        params: z.object({ dispatchId: idSchema }),
        response: { 200: dispatchOut },
      },
    },
    async (req) => {
      reader(req)
      return dispatchView(await L.dispatch(req.params.dispatchId as DispatchId))
    },
  )

  r.post(
    `${P}/dispatches/:dispatchId/events`,
    {
      schema: {
        tags: TAGS,
        summary: 'Track an order: loaded, in-transit, delivered, acknowledged or cancelled',
        description:
          "`delivered` issues the delivered units from the depot's stock in the same transaction (422 when the stock is no longer there); `acknowledged` records what the receiver counted and the discrepancies. Cancelling is possible until the load has left.",
        security: [{ bearer: [] }],
        params: z.object({ dispatchId: idSchema }),
        body: dispatchStepIn,
        response: {
          200: z.object({ dispatch: dispatchOut, movements: z.array(movementOut) }),
          ...writeErrors,
        },
      },
    },
    async (req, reply) => {
      const { expectedVersion, ...step } = req.body
      return write(reply, 200, async () => {
        const out = await L.dispatchStep(
          actorOf(req),
          req.params.dispatchId as DispatchId,
          step as Parameters<typeof L.dispatchStep>[2],
          expectedVersion,
        )
        return { dispatch: dispatchView(out.order), movements: out.movements.map(movementView) }
      })
    },
  )

  // --- shelters and evacuation

  r.get(
    `${P}/shelters`,
    {
      schema: {
        tags: TAGS,
        summary: 'Every shelter with its capacity and occupancy',
        security: [{ bearer: [] }],
        response: { 200: z.array(shelterOut) },
      },
    },
    async (req) => {
      reader(req)
      return (await L.shelters()).map(shelterView)
    },
  )

  r.put(
    `${P}/shelters/:shelterId`,
    {
      schema: {
        tags: TAGS,
        summary: 'Create a shelter, or replace it at the version read (occupancy is kept)',
        description:
          'A replacement sets every field: a shelter replaced without `location` has none (and leaves the map). 422 naming the shelter and the field for a capacity below the persons in it or a location outside [−90, 90] / [−180, 180] degrees.',
        security: [{ bearer: [] }],
        params: z.object({ shelterId: idSchema }),
        body: z.object({
          name: z.string().min(1),
          areaId: idSchema,
          capacity: z.number().int().min(0).describe('persons'),
          location: locationSchema
            .nullable()
            .optional()
            .describe('where the shelter is, for the map (WGS84 degrees); null or absent: none'),
          expectedVersion: version.optional(),
        }),
        response: { 200: shelterOut, ...writeErrors },
      },
    },
    async (req, reply) => {
      const { expectedVersion, areaId, location, name, capacity } = req.body
      return write(reply, 200, async () =>
        shelterView(
          await L.putShelter(
            actorOf(req),
            {
              id: req.params.shelterId as ShelterId,
              name,
              areaId: areaId as AreaId,
              capacity,
              ...(location === null || location === undefined ? {} : { location }),
            },
            expectedVersion,
          ),
        ),
      )
    },
  )

  for (const change of ['check-in', 'check-out'] as const)
    r.post(
      `${P}/shelters/:shelterId/${change}`,
      {
        schema: {
          tags: TAGS,
          summary:
            change === 'check-in'
              ? 'Check persons in (422 beyond capacity)'
              : 'Check persons out (422 beyond occupancy)',
          security: [{ bearer: [] }],
          params: z.object({ shelterId: idSchema }),
          body: z.object({ persons: z.number(), expectedVersion: version }),
          response: { 200: shelterOut, ...writeErrors },
        },
      },
      async (req, reply) =>
        write(reply, 200, async () =>
          shelterView(
            await L.occupy(
              actorOf(req),
              req.params.shelterId as ShelterId,
              change,
              req.body.persons,
              req.body.expectedVersion,
            ),
          ),
        ),
    )

  const evacuationView = (
    e: Awaited<ReturnType<typeof L.evacuation>>[number] | Awaited<ReturnType<typeof L.evacuate>>,
  ): z.infer<typeof evacuationOut> => ({
    ...e,
    updatedAt: e.updatedAt === null ? null : iso(e.updatedAt),
  })

  r.get(
    `${P}/evacuation`,
    {
      schema: {
        tags: TAGS,
        summary: 'The evacuation status of each area, with the people in its shelters',
        security: [{ bearer: [] }],
        response: { 200: z.array(evacuationOut) },
      },
    },
    async (req) => {
      reader(req)
      return (await L.evacuation()).map(evacuationView)
    },
  )

  r.put(
    `${P}/evacuation/:areaId`,
    {
      schema: {
        tags: TAGS,
        summary: "Set an area's evacuation status at the version read",
        description:
          'ordered (persons to move) → in-progress (persons moved so far) → completed; stood-down with a reason.',
        security: [{ bearer: [] }],
        params: z.object({ areaId: idSchema }),
        body: evacuationIn,
        response: { 200: evacuationOut, ...writeErrors },
      },
    },
    async (req, reply) => {
      const { expectedVersion, ...step } = req.body
      return write(reply, 200, async () =>
        evacuationView(
          await L.evacuate(
            actorOf(req),
            req.params.areaId as AreaId,
            step as Parameters<typeof L.evacuate>[2],
            expectedVersion,
          ),
        ),
      )
    },
  )

  // --- requests from posts

  r.post(
    `${P}/requests`,
    {
      schema: {
        tags: TAGS,
        summary: 'A request for items from a command post',
        security: [{ bearer: [] }],
        body: z.object({
          postId: idSchema,
          areaId: idSchema,
          lines: z.array(lineSchema).min(1),
          neededBy: z.iso.datetime({ offset: true }),
        }),
        response: { 201: requestOut, 422: errorOut },
      },
    },
    async (req, reply) => {
      const b = req.body
      const out = await L.submitRequest(actorOf(req), {
        postId: b.postId as PostId,
        areaId: b.areaId as AreaId,
        lines: b.lines.map((l) => ({ itemId: l.itemId as ItemId, quantity: l.quantity })),
        neededBy: Date.parse(b.neededBy) as EpochMs,
      })
      return reply.status(201).send(requestView(out))
    },
  )

  r.get(
    `${P}/requests`,
    {
      schema: {
        tags: TAGS,
        summary: 'Requests not yet fulfilled nor refused',
        security: [{ bearer: [] }],
        response: { 200: z.array(requestOut) },
      },
    },
    async (req) => {
      reader(req)
      return (await L.requests()).map(requestView)
    },
  )

  r.get(
    `${P}/requests/:requestId`,
    {
      schema: {
        tags: TAGS,
        summary: 'One request and its status',
        security: [{ bearer: [] }],
        params: z.object({ requestId: idSchema }),
        response: { 200: requestOut },
      },
    },
    async (req) => {
      reader(req)
      return requestView(await L.request(req.params.requestId as RequestId))
    },
  )

  r.post(
    `${P}/requests/:requestId/events`,
    {
      schema: {
        tags: TAGS,
        summary: 'Decide on a request (approve per line, refuse) or record its fulfilment',
        security: [{ bearer: [] }],
        params: z.object({ requestId: idSchema }),
        body: requestStepIn,
        response: { 200: requestOut, ...writeErrors },
      },
    },
    async (req, reply) => {
      const { expectedVersion, ...step } = req.body
      return write(reply, 200, async () =>
        requestView(
          await L.requestStep(
            actorOf(req),
            req.params.requestId as RequestId,
            step as Parameters<typeof L.requestStep>[2],
            expectedVersion,
          ),
        ),
      )
    },
  )
}
