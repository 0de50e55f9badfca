/**
 * Logistics over HTTP: stock movements with optimistic versions (and 50 concurrent writers
 * that lose nothing), targets from exposure × norms, an allocation whose optimum is known by
 * hand (and its equity variant), dispatch through delivery and acknowledgment into the ledger,
 * shelters, evacuation, requests, who may do what, and the audit chain growing with each event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyChain } from '../src/command/audit-chain.ts'
import { greatCircleKm } from '../src/logistics/network.ts'
import { DEFAULT_CATALOGUE } from '../src/logistics/types.ts'
import {
  SERVER_TARGETS,
  TEST_WARNINGS,
  TOKENS,
  addTestThresholds,
  auth,
  observe,
  testServer,
  type TestServer,
} from './support/server.ts'

const P = '/api/v1/logistics'

interface ErrorView {
  error: { code: string; message: string; details?: { path: string; message: string }[] }
  current?: { quantity: number; version: number } & Record<string, unknown>
}
interface DepotView {
  id: string
  areaId: string
  version: number
  stockVersion: number
  usedM3: number
  stock: { itemId: string; quantity: number; version: number }[]
}
interface MovementView {
  id: string
  kind: string
  itemId: string
  quantity?: number
  delta?: number
  depotId?: string
  fromDepotId?: string
  toDepotId?: string
  dispatchId?: string | null
}
interface PlanView {
  id: string
  equity: boolean
  flows: {
    depotId: string
    areaId: string
    itemId: string
    quantity: number
    costPerUnit: number
  }[]
  lines: { areaId: string; itemId: string; need: number; delivered: number; unmet: number }[]
  items: { itemId: string; maxUnmetFraction: number; unmet: number }[]
  areas: { areaId: string; population: number; source: string; level: string | null }[]
  unmet: number
  transportCost: number
  solver: { name: string; status: string; timeMs: number }
}
interface DispatchView {
  id: string
  fromDepotId: string
  toAreaId: string
  lines: { itemId: string; quantity: number }[]
  state: string
  version: number
  discrepancies: { itemId: string; delivered: number; received: number }[]
  acknowledgedBy: string | null
}

/** A crate of one cubic metre, to fill depots. */
const CRATE = {
  id: 'crate',
  name: 'Crate',
  unit: 'each',
  volumePerUnitM3: 1,
  category: 'non-food',
}

describe.each(SERVER_TARGETS)('logistics over HTTP on $name', (target) => {
  let s: TestServer
  beforeEach(async () => {
    s = await testServer({ target })
  })
  afterEach(async () => {
    await s.close()
  })

  const send = (method: 'GET' | 'PUT' | 'POST', url: string, token?: string, payload?: object) =>
    s.app.inject({
      method,
      url,
      headers: token === undefined ? {} : auth(token),
      ...(payload === undefined ? {} : { payload }),
    })
  const ok = async <T>(
    method: 'GET' | 'PUT' | 'POST',
    url: string,
    token: string,
    payload?: object,
  ): Promise<T> => {
    const r = await send(method, url, token, payload)
    expect(r.statusCode, r.body).toBeLessThan(300)
    return r.json<T>()
  }
  const setUp = async (): Promise<void> => {
    await ok('PUT', `${P}/catalogue`, TOKENS.admin, { items: [...DEFAULT_CATALOGUE, CRATE] })
    await ok('PUT', `${P}/depots/north`, TOKENS.dutyOfficer, {
      name: 'North depot',
      lat: 0,
      lon: 0,
      capacityM3: 100,
      areaId: 'seine',
    })
    await ok('PUT', `${P}/depots/south`, TOKENS.dutyOfficer, {
      name: 'South depot',
      lat: 0,
      lon: 1,
      capacityM3: 100,
      areaId: 'aube',
    })
  }
  const depot = (id: string) => ok<DepotView>('GET', `${P}/depots/${id}`, TOKENS.observer)
  const line = async (depotId: string, itemId: string) =>
    (await depot(depotId)).stock.find((l) => l.itemId === itemId) ?? { quantity: 0, version: 0 }
  const receipt = (depotId: string, itemId: string, quantity: number, expectedVersion: number) =>
    send('POST', `${P}/movements`, TOKENS.dutyOfficer, {
      kind: 'receipt',
      depotId,
      itemId,
      quantity,
      source: 'purchase',
      expectedVersion,
    })
  const auditCount = async (): Promise<number> => (await s.store.commandAudit.last())?.seq ?? 0

  it('moves stock at the versions read: 409 with the current line, 422 with paths', async () => {
    await setUp()
    const first = await receipt('north', 'blanket', 500, 0)
    expect(first.statusCode).toBe(201)
    const moved = first.json<{ movement: MovementView; depots: DepotView[] }>()
    expect(moved.movement).toMatchObject({ kind: 'receipt', quantity: 500, depotId: 'north' })
    expect(moved.depots[0]!.stock).toEqual([{ itemId: 'blanket', quantity: 500, version: 1 }])

    // A second writer that read the empty line is refused and told where the line is now.
    const stale = await receipt('north', 'blanket', 10, 0)
    expect(stale.statusCode).toBe(409)
    const conflict = stale.json<ErrorView>()
    expect(conflict.error.code).toBe('conflict')
    expect(conflict.current).toMatchObject({ quantity: 500, version: 1 })
    expect(conflict.error.details?.[0]?.path).toBe('expectedVersion')

    // Below zero and over capacity: refused with the path of the quantity.
    const tooMuch = await send('POST', `${P}/movements`, TOKENS.dutyOfficer, {
      kind: 'issue',
      depotId: 'north',
      itemId: 'blanket',
      quantity: 501,
      areaId: 'seine',
      expectedVersion: 1,
    })
    expect(tooMuch.statusCode).toBe(422)
    expect(tooMuch.json<ErrorView>().error.details).toEqual([
      { path: 'quantity', message: expect.stringMatching(/holds 500 each of blanket/) },
    ])
    // 500 blankets take 5 m³; 96 crates would make 101 m³ in a depot of 100 m³.
    const full = await receipt('north', 'crate', 96, 0)
    expect(full.statusCode).toBe(422)
    expect(full.json<ErrorView>().error.details).toEqual([
      { path: 'quantity', message: expect.stringMatching(/over its capacity of 100 m³/) },
    ])
    const negative = await receipt('north', 'crate', -3, 0)
    expect(negative.statusCode).toBe(422)
    expect(negative.json<ErrorView>().error.details?.[0]?.path).toBe('quantity')
    expect((await receipt('north', 'crate', 95, 0)).statusCode).toBe(201)
    // Shrinking the depot below what it holds is refused too.
    const shrink = await send('PUT', `${P}/depots/north`, TOKENS.dutyOfficer, {
      name: 'North depot',
      lat: 0,
      lon: 0,
      capacityM3: 50,
      areaId: 'seine',
      expectedVersion: 0,
    })
    expect(shrink.statusCode).toBe(422)
    expect(shrink.json<ErrorView>().error.details?.[0]?.path).toBe('capacityM3')

    // A transfer names both lines' versions; the receiving one is stale here.
    const transfer = (to: number) =>
      send('POST', `${P}/movements`, TOKENS.dutyOfficer, {
        kind: 'transfer',
        fromDepotId: 'north',
        toDepotId: 'south',
        itemId: 'blanket',
        quantity: 200,
        expectedVersions: { from: 1, to },
      })
    const staleTo = await transfer(3)
    expect(staleTo.statusCode).toBe(409)
    expect(staleTo.json<ErrorView>().error.details?.[0]?.path).toBe('expectedVersions.to')
    expect((await transfer(0)).statusCode).toBe(201)
    const adjust = await send('POST', `${P}/movements`, TOKENS.dutyOfficer, {
      kind: 'adjustment',
      depotId: 'south',
      itemId: 'blanket',
      delta: -5,
      reason: 'damage',
      note: 'wet',
      expectedVersion: 1,
    })
    expect(adjust.statusCode).toBe(201)
    expect(await line('north', 'blanket')).toEqual({ itemId: 'blanket', quantity: 300, version: 2 })
    expect(await line('south', 'blanket')).toEqual({ itemId: 'blanket', quantity: 195, version: 2 })

    // The ledger of a depot, paged.
    type Page = { movements: MovementView[]; total: number; next: number | null }
    const p1 = await ok<Page>('GET', `${P}/depots/north/movements?limit=2`, TOKENS.observer)
    expect(p1.total).toBe(3)
    expect(p1.movements.map((m) => m.kind)).toEqual(['receipt', 'receipt'])
    expect(p1.next).toBe(2)
    const p2 = await ok<Page>('GET', `${P}/depots/north/movements?after=2`, TOKENS.observer)
    expect(p2.movements.map((m) => m.kind)).toEqual(['transfer'])
    expect(p2.next).toBeNull()
  })

  it('loses no update among 50 concurrent writers on one stock line', async () => {
    await setUp()
    let conflicts = 0
    const writer = async (w: number): Promise<void> => {
      let version = (await line('north', 'blanket')).version
      for (;;) {
        const r = await receipt('north', 'blanket', w + 1, version)
        if (r.statusCode === 201) return
        expect(r.statusCode, r.body).toBe(409)
        conflicts++
        version = r.json<ErrorView>().current!.version
      }
    }
    const before = await auditCount()
    await Promise.all(Array.from({ length: 50 }, (_, w) => writer(w)))
    const expected = (50 * 51) / 2
    expect(conflicts).toBeGreaterThan(0)
    expect(await line('north', 'blanket')).toEqual({
      itemId: 'blanket',
      quantity: expected,
      version: 50,
    })
    const ledger = await ok<{ movements: MovementView[]; total: number }>(
      'GET',
      `${P}/depots/north/movements?limit=1000`,
      TOKENS.observer,
    )
    expect(ledger.total).toBe(50)
    expect(ledger.movements.reduce((t, m) => t + m.quantity!, 0)).toBe(expected)
    expect(new Set(ledger.movements.map((m) => m.quantity)).size).toBe(50)
    // One audit entry per stored movement, and one per write refused for a stale version.
    expect((await auditCount()) - before).toBe(50 + conflicts)
    const entries = await s.store.commandAudit.page(before, 100_000)
    expect(entries.filter((e) => e.kind === 'logistics.movement.receipt')).toHaveLength(50)
    const refusals = entries.filter((e) => e.kind === 'logistics.refused')
    expect(refusals).toHaveLength(conflicts)
    for (const e of refusals) {
      expect(e.subject).toBe('north')
      expect(JSON.parse(e.payloadJson)).toMatchObject({ action: 'move', status: 409 })
    }
  })

  it('computes targets from exposure × norms and reports shortfalls', async () => {
    await setUp()
    await ok('PUT', `${P}/exposure`, TOKENS.dutyOfficer, {
      areas: [{ areaId: 'seine', name: 'Seine valley', lat: 48.3, lon: 4.1, population: 1234 }],
    })
    const [t] = await ok<{ areaId: string; targets: { itemId: string; quantity: number }[] }[]>(
      'GET',
      `${P}/targets?areaId=seine`,
      TOKENS.observer,
    )
    // By hand, default norms (3 days of cover, households of 5 → ⌈1234/5⌉ = 247 households).
    expect(Object.fromEntries(t!.targets.map((x) => [x.itemId, x.quantity]))).toEqual({
      'drinking-water': 15 * 1234 * 3, // 55,530 L
      'food-ration': 1234 * 3,
      'family-tent': 247,
      tarpaulin: 2 * 247,
      blanket: 1234,
      'hygiene-kit': 247,
      'medical-kit': 13, // ⌈12.34⌉
      'life-jacket': 62, // ⌈61.7⌉
      'rescue-boat': 2, // ⌈1.234⌉
      'water-pump': 3, // ⌈2.468⌉
      sandbag: 6170,
    })
    // The north depot is in the seine area: its 1,000 blankets count there.
    await receipt('north', 'blanket', 1000, 0)
    const lines = await ok<{ itemId: string; available: number; deficit: number }[]>(
      'GET',
      `${P}/shortfalls?areaId=seine`,
      TOKENS.observer,
    )
    expect(lines.find((l) => l.itemId === 'blanket')).toMatchObject({
      available: 1000,
      deficit: 234,
    })
    expect(lines.at(-1)).toMatchObject({ itemId: 'blanket' })

    // Norms are the admin's, at the version read.
    const norms = { daysOfCover: 1, householdSize: 4, norms: [] }
    expect(
      (await send('PUT', `${P}/norms`, TOKENS.dutyOfficer, { ...norms, expectedVersion: 0 }))
        .statusCode,
    ).toBe(403)
    expect(await ok('PUT', `${P}/norms`, TOKENS.admin, { ...norms, expectedVersion: 0 })).toEqual({
      version: 1,
    })
    expect(
      (await send('PUT', `${P}/norms`, TOKENS.admin, { ...norms, expectedVersion: 0 })).statusCode,
    ).toBe(409)
    const bad = await send('PUT', `${P}/norms`, TOKENS.admin, {
      ...norms,
      norms: [{ itemId: 'nothing', basis: 'per-person', amount: -1, source: 'x' }],
      expectedVersion: 1,
    })
    expect(bad.statusCode).toBe(422)
    expect(
      bad
        .json<ErrorView>()
        .error.details!.map((d) => d.path)
        .sort(),
    ).toEqual(['norms.norms[0].amount', 'norms.norms[0].itemId'])
  })

  /** Norms of one blanket per person, 60 blankets in each depot. */
  const blanketInstance = async (): Promise<void> => {
    await setUp()
    await ok('PUT', `${P}/norms`, TOKENS.admin, {
      daysOfCover: 1,
      householdSize: 5,
      norms: [{ itemId: 'blanket', basis: 'per-person', amount: 1, source: 'test' }],
      expectedVersion: 0,
    })
    expect((await receipt('north', 'blanket', 60, 0)).statusCode).toBe(201)
    expect((await receipt('south', 'blanket', 60, 0)).statusCode).toBe(201)
  }
  const propose = (equity: boolean) =>
    ok<PlanView>('POST', `${P}/allocations`, TOKENS.dutyOfficer, {
      areas: [
        { areaId: 'a1', population: 100, lat: 0, lon: 0.1 },
        { areaId: 'a2', population: 50, lat: 0, lon: 0.9 },
      ],
      reach: { kind: 'all' },
      equity,
    })

  it('proposes the least-cost allocation known by hand, and a fairer one with equity', async () => {
    await blanketInstance()
    const plan = await propose(false)
    // 120 blankets for a need of 150: every one is sent, each depot serving its near area;
    // south has 10 left after a2's 50, which go the long way to a1.
    expect(plan.solver).toMatchObject({ name: 'HiGHS', status: 'optimal' })
    const flows = plan.flows.map((f) => [f.depotId, f.areaId, f.quantity])
    expect(flows.sort()).toEqual([
      ['north', 'a1', 60],
      ['south', 'a1', 10],
      ['south', 'a2', 50],
    ])
    const near = greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 0.1 })
    const far = greatCircleKm({ lat: 0, lon: 1 }, { lat: 0, lon: 0.1 })
    // Transport cost per unit and km is the blanket's packed volume, 0.01 m³.
    expect(plan.transportCost).toBeCloseTo(0.01 * (110 * near + 10 * far), 6)
    expect(plan.unmet).toBe(30)
    expect(plan.lines.find((l) => l.areaId === 'a1')).toMatchObject({ delivered: 70, unmet: 30 })
    // The plan respects each depot's stock.
    for (const d of ['north', 'south'])
      expect(
        plan.flows.filter((f) => f.depotId === d).reduce((t, f) => t + f.quantity, 0),
      ).toBeLessThanOrEqual(60)

    const fair = await propose(true)
    // Without equity a1 lacks 30 % and a2 nothing; with it both lack 20 % (30 of 150).
    expect(plan.items[0]!.maxUnmetFraction).toBeCloseTo(0.3, 9)
    expect(fair.items[0]!.maxUnmetFraction).toBeCloseTo(0.2, 6)
    expect(fair.unmet).toBeCloseTo(30, 6)
    expect(fair.lines.find((l) => l.areaId === 'a2')!.delivered).toBeCloseTo(40, 3)

    const stored = await ok<PlanView>('GET', `${P}/allocations/${plan.id}`, TOKENS.observer)
    expect(stored.flows).toEqual(plan.flows)
  })

  it('lists the stored plans newest first, to readers only, with a bounded limit', async () => {
    await blanketInstance()
    const older = await propose(false)
    s.now += 60_000
    const newer = await propose(true)
    const list = async (query: string, token: string = TOKENS.observer) =>
      (await ok<{ plans: PlanView[] }>('GET', `${P}/allocations${query}`, token)).plans
    expect((await list('?limit=1')).map((p) => p.id)).toEqual([newer.id])
    const both = await list('')
    expect(both.map((p) => p.id)).toEqual([newer.id, older.id])
    expect(both[1]!.flows).toEqual(older.flows)
    expect((await send('GET', `${P}/allocations`)).statusCode).toBe(401)
    for (const bad of ['?limit=0', '?limit=201', '?limit=two'])
      expect((await send('GET', `${P}/allocations${bad}`, TOKENS.observer)).statusCode, bad).toBe(
        400,
      )
  })

  it('dispatches a plan through delivery and acknowledgment into the ledger', async () => {
    await blanketInstance()
    const plan = await propose(false)
    const orders = await ok<DispatchView[]>(
      'POST',
      `${P}/allocations/${plan.id}/dispatch`,
      TOKENS.dutyOfficer,
    )
    expect(orders).toHaveLength(3)
    expect(orders.every((o) => o.state === 'planned' && o.version === 1)).toBe(true)
    const again = await send('POST', `${P}/allocations/${plan.id}/dispatch`, TOKENS.dutyOfficer)
    expect(again.statusCode).toBe(409)

    const order = orders.find((o) => o.fromDepotId === 'south' && o.toAreaId === 'a2')!
    expect(order.lines).toEqual([{ itemId: 'blanket', quantity: 50 }])
    const step = (body: object) =>
      send('POST', `${P}/dispatches/${order.id}/events`, TOKENS.dutyOfficer, body)
    const loaded = await send('POST', `${P}/dispatches/${order.id}/events`, TOKENS.aubeDuty, {
      kind: 'loaded',
      expectedVersion: 1,
    })
    expect(loaded.statusCode, loaded.body).toBe(200)
    expect((await step({ kind: 'loaded', expectedVersion: 1 })).statusCode).toBe(409)
    expect((await step({ kind: 'in-transit' })).statusCode).toBe(200)
    // Cancelling once on the road is refused.
    expect((await step({ kind: 'cancelled', reason: 'rain' })).statusCode).toBe(422)
    expect((await line('south', 'blanket')).quantity).toBe(60)

    const delivered = await step({
      kind: 'delivered',
      lines: [{ itemId: 'blanket', quantity: 50 }],
    })
    expect(delivered.statusCode, delivered.body).toBe(200)
    const out = delivered.json<{ dispatch: DispatchView; movements: MovementView[] }>()
    expect(out.dispatch.state).toBe('delivered')
    expect(out.movements).toEqual([
      expect.objectContaining({
        kind: 'issue',
        depotId: 'south',
        itemId: 'blanket',
        quantity: 50,
        dispatchId: order.id,
      }),
    ])
    expect(await line('south', 'blanket')).toMatchObject({ quantity: 10, version: 2 })

    // The depot's side (Ali covers the aube, where the south depot is, not area a2) moved the
    // load on; what arrived is counted by the receiving area alone.
    const fromDepot = await send('POST', `${P}/dispatches/${order.id}/events`, TOKENS.aubeDuty, {
      kind: 'acknowledged',
      received: [{ itemId: 'blanket', quantity: 50 }],
    })
    expect(fromDepot.statusCode).toBe(403)
    expect(fromDepot.json<ErrorView>().error.message).toMatch(/ali has no rights in area a2/)

    // Counted on arrival: two short, so a note is required.
    const noNote = await step({
      kind: 'acknowledged',
      received: [{ itemId: 'blanket', quantity: 48 }],
    })
    expect(noNote.statusCode).toBe(422)
    expect(noNote.json<ErrorView>().error.details?.[0]?.path).toBe('note')
    const ack = await step({
      kind: 'acknowledged',
      received: [{ itemId: 'blanket', quantity: 48 }],
      note: 'two soaked',
    })
    expect(ack.statusCode).toBe(200)
    const done = await ok<DispatchView>('GET', `${P}/dispatches/${order.id}`, TOKENS.observer)
    expect(done).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'dora',
      discrepancies: [{ itemId: 'blanket', delivered: 50, received: 48 }],
    })
    const open = await ok<DispatchView[]>('GET', `${P}/dispatches`, TOKENS.observer)
    expect(open.map((o) => o.id).sort()).toEqual(
      orders
        .map((o) => o.id)
        .filter((id) => id !== order.id)
        .sort(),
    )
    const ledger = await ok<{ movements: MovementView[] }>(
      'GET',
      `${P}/depots/south/movements`,
      TOKENS.observer,
    )
    expect(ledger.movements.map((m) => [m.kind, m.quantity, m.dispatchId ?? null])).toEqual([
      ['receipt', 60, null],
      ['issue', 50, order.id],
    ])
  })

  it('keeps shelters within capacity at the versions read, and tracks evacuation', async () => {
    const put = (body: object) =>
      send('PUT', `${P}/shelters/gym`, TOKENS.dutyOfficer, {
        name: 'School gym',
        areaId: 'seine',
        ...body,
      })
    expect((await put({ capacity: 10 })).json()).toMatchObject({ occupancy: 0, version: 0 })
    expect((await put({ capacity: 10 })).statusCode).toBe(409)
    const occupy = (change: string, persons: number, expectedVersion: number) =>
      send('POST', `${P}/shelters/gym/${change}`, TOKENS.dutyOfficer, { persons, expectedVersion })
    expect((await occupy('check-in', 8, 0)).json()).toMatchObject({ occupancy: 8, version: 1 })
    const over = await occupy('check-in', 3, 1)
    expect(over.statusCode).toBe(422)
    expect(over.json<ErrorView>().error.details).toEqual([
      { path: 'persons', message: expect.stringMatching(/room for 2, not 3/) },
    ])
    const stale = await occupy('check-in', 1, 0)
    expect(stale.statusCode).toBe(409)
    expect(stale.json<ErrorView>().current).toMatchObject({ occupancy: 8, version: 1 })
    expect((await occupy('check-out', 9, 1)).statusCode).toBe(422)
    expect((await put({ capacity: 7, expectedVersion: 1 })).statusCode).toBe(422)
    expect((await put({ capacity: 12, expectedVersion: 1 })).json()).toMatchObject({
      capacity: 12,
      occupancy: 8,
      version: 2,
    })

    const evacuate = (body: object) =>
      send('PUT', `${P}/evacuation/seine`, TOKENS.dutyOfficer, body)
    expect(
      (await evacuate({ status: 'in-progress', evacuated: 3, expectedVersion: 0 })).statusCode,
    ).toBe(422)
    expect(
      (await evacuate({ status: 'ordered', toEvacuate: 40, expectedVersion: 0 })).statusCode,
    ).toBe(200)
    expect(
      (await evacuate({ status: 'in-progress', evacuated: 3, expectedVersion: 0 })).statusCode,
    ).toBe(409)
    expect(
      (await evacuate({ status: 'in-progress', evacuated: 8, expectedVersion: 1 })).statusCode,
    ).toBe(200)
    const status = await ok<Record<string, unknown>[]>('GET', `${P}/evacuation`, TOKENS.observer)
    expect(status).toEqual([
      expect.objectContaining({
        areaId: 'seine',
        state: 'in-progress',
        toEvacuate: 40,
        evacuated: 8,
        inShelters: 8,
        shelterPlacesFree: 4,
        version: 2,
      }),
    ])
  })

  it('takes requests from posts and their decisions', async () => {
    await setUp()
    const submitted = await send('POST', `${P}/requests`, TOKENS.dutyOfficer, {
      postId: 'county-troyes',
      areaId: 'aube',
      lines: [
        { itemId: 'blanket', quantity: 100 },
        { itemId: 'family-tent', quantity: 10 },
      ],
      neededBy: '2016-06-04T12:00:00Z',
    })
    expect(submitted.statusCode).toBe(201)
    const req = submitted.json<{ id: string; status: string; version: number }>()
    expect(req).toMatchObject({ status: 'submitted', version: 1 })
    const decide = (expectedVersion: number) =>
      send('POST', `${P}/requests/${req.id}/events`, TOKENS.aubeDuty, {
        kind: 'decided',
        approved: [
          { itemId: 'blanket', quantity: 100 },
          { itemId: 'family-tent', quantity: 4 },
        ],
        note: 'six tents left',
        expectedVersion,
      })
    expect((await decide(1)).json()).toMatchObject({ status: 'partially-approved', version: 2 })
    expect((await decide(1)).statusCode).toBe(409)
    const list = await ok<{ id: string }[]>('GET', `${P}/requests`, TOKENS.observer)
    expect(list.map((r) => r.id)).toEqual([req.id])
    const unknown = await send('POST', `${P}/requests`, TOKENS.dutyOfficer, {
      postId: 'p',
      areaId: 'aube',
      lines: [{ itemId: 'unicorn', quantity: 1 }],
      neededBy: '2016-06-04T12:00:00Z',
    })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json<ErrorView>().error.details?.[0]?.path).toBe('lines[0].itemId')
  })

  it('lets only duty officers covering the area move stock', async () => {
    await setUp()
    expect((await send('GET', `${P}/depots`)).statusCode).toBe(401)
    expect((await send('GET', `${P}/depots`, TOKENS.observer)).statusCode).toBe(200)
    const move = (token: string, depotId: string) =>
      send('POST', `${P}/movements`, token, {
        kind: 'receipt',
        depotId,
        itemId: 'blanket',
        quantity: 5,
        source: 'donation',
        expectedVersion: 0,
      })
    expect((await move(TOKENS.observer, 'north')).statusCode).toBe(403)
    expect((await move(TOKENS.forecaster, 'north')).statusCode).toBe(403)
    // Ali's grant covers the aube only: not the north depot (seine), yes the south one.
    const elsewhere = await move(TOKENS.aubeDuty, 'north')
    expect(elsewhere.statusCode).toBe(403)
    expect(elsewhere.json<ErrorView>().error.message).toMatch(/ali has no rights in area seine/)
    expect((await move(TOKENS.aubeDuty, 'south')).statusCode).toBe(201)
    expect((await line('north', 'blanket')).quantity).toBe(0)
    // Nor may Ali create a depot in the seine area, nor change the catalogue.
    const d = await send('PUT', `${P}/depots/west`, TOKENS.aubeDuty, {
      name: 'West',
      lat: 0,
      lon: 0,
      capacityM3: 1,
      areaId: 'seine',
    })
    expect(d.statusCode).toBe(403)
    expect(
      (await send('PUT', `${P}/catalogue`, TOKENS.dutyOfficer, { items: [CRATE] })).statusCode,
    ).toBe(403)
  })

  it('appends every logistics event to the audit chain', async () => {
    const counts: number[] = [await auditCount()]
    const step = async (fn: () => Promise<unknown>): Promise<void> => {
      await fn()
      counts.push(await auditCount())
    }
    await step(() => ok('PUT', `${P}/catalogue`, TOKENS.admin, { items: [CRATE] }))
    await step(() =>
      ok('PUT', `${P}/depots/north`, TOKENS.dutyOfficer, {
        name: 'North',
        lat: 0,
        lon: 0,
        capacityM3: 10,
        areaId: 'seine',
      }),
    )
    await step(() => receipt('north', 'crate', 2, 0))
    await step(() =>
      ok('PUT', `${P}/shelters/gym`, TOKENS.dutyOfficer, {
        name: 'Gym',
        areaId: 'seine',
        capacity: 5,
      }),
    )
    await step(() =>
      ok('PUT', `${P}/exposure`, TOKENS.dutyOfficer, {
        areas: [{ areaId: 'seine', name: 'Seine', lat: 0, lon: 0, population: 10 }],
      }),
    )
    // Refused writes store nothing but their refusal: a stale version (409), a step the
    // ledger does not allow (422: over the depot's capacity), an area not covered (403).
    await step(() => receipt('north', 'crate', 2, 0))
    await step(() => receipt('north', 'crate', 1e6, 1))
    await step(() =>
      send('PUT', `${P}/depots/north`, TOKENS.aubeDuty, {
        name: 'North',
        lat: 0,
        lon: 0,
        capacityM3: 10,
        areaId: 'seine',
        expectedVersion: 0,
      }),
    )
    expect(counts).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    expect((await line('north', 'crate')).quantity).toBe(2)
    const entries = await s.store.commandAudit.page(0, 100)
    expect(entries.map((e) => e.kind)).toEqual([
      'logistics.catalogue.updated',
      'logistics.depot.created',
      'logistics.movement.receipt',
      'logistics.shelter.created',
      'logistics.exposure.updated',
      'logistics.refused',
      'logistics.refused',
      'logistics.refused',
    ])
    expect(entries.map((e) => e.actor)).toEqual([
      'ada',
      'dora',
      'dora',
      'dora',
      'dora',
      'dora',
      'dora',
      'ali',
    ])
    const refusals = entries.slice(5).map((e) => ({
      subject: e.subject,
      ...(JSON.parse(e.payloadJson) as { action: string; status: number; why: string[] }),
    }))
    expect(refusals.map((r) => [r.subject, r.action, r.status])).toEqual([
      ['north', 'move', 409],
      ['north', 'move', 422],
      ['north', 'putDepot', 403],
    ])
    expect(refusals[0]!.why).toEqual(['expectedVersion: stock north/crate is at version 1, not 0'])
    expect(refusals[1]!.why.join(' ')).toMatch(/capacity/)
    expect(refusals[2]!.why).toEqual(['ali has no rights in area seine'])
    expect(verifyChain(entries)).toMatchObject({ ok: true, count: 8 })
  })

  it('allocates to zones under active warnings, their exposure × the affected share', async () => {
    await s.close()
    s = await testServer({ target, warnings: TEST_WARNINGS })
    await addTestThresholds(s.store)
    await blanketInstance()
    await ok('PUT', `${P}/exposure`, TOKENS.dutyOfficer, {
      areas: [
        { areaId: 'seine', name: 'Seine valley', lat: 0, lon: 0.1, population: 1000 },
        { areaId: 'aube', name: 'Aube valley', lat: 0, lon: 0.9, population: 1000 },
      ],
    })
    // No active warning: nothing to allocate to.
    const none = await send('POST', `${P}/allocations`, TOKENS.dutyOfficer, {})
    expect(none.statusCode).toBe(422)
    expect(none.json<ErrorView>().error.details).toEqual([
      { path: 'minLevel', message: 'no zone has an active warning at or above warning' },
    ])
    await observe(s, 'seine', 312.5, 1) // emergency in the seine zone
    // An advisory in the aube zone (drafted by the rules, approved by a duty officer): below
    // the default minimum level (warning).
    await observe(s, 'aube', 120, 1)
    const aube = await ok<{ pending: { version: number; level: string } }>(
      'GET',
      '/api/v1/warnings/aube',
      TOKENS.observer,
    )
    expect(aube.pending.level).toBe('advisory')
    await ok(
      'POST',
      `/api/v1/warnings/aube/drafts/${aube.pending.version}/approve`,
      TOKENS.dutyOfficer,
    )
    const plan = await ok<PlanView>('POST', `${P}/allocations`, TOKENS.dutyOfficer, {})
    // The default affected share at emergency is 0.8: 800 of the 1,000 exposed.
    expect(plan.areas).toEqual([
      expect.objectContaining({
        areaId: 'seine',
        population: 800,
        source: 'warning',
        level: 'emergency',
      }),
    ])
    expect(plan.lines).toEqual([
      expect.objectContaining({ areaId: 'seine', need: 800, delivered: 120, unmet: 680 }),
    ])
    const lower = await ok<PlanView>('POST', `${P}/allocations`, TOKENS.dutyOfficer, {
      minLevel: 'advisory',
    })
    expect(lower.areas.map((a) => [a.areaId, a.population])).toEqual([
      ['seine', 800],
      ['aube', 50],
    ])
  })

  it('describes every logistics route in the OpenAPI document', async () => {
    const doc = await send('GET', '/openapi.json')
    expect(doc.statusCode).toBe(200)
    const paths = Object.keys(doc.json<{ paths: Record<string, unknown> }>().paths).filter((p) =>
      p.startsWith(P),
    )
    expect(paths).toEqual(
      expect.arrayContaining([
        `${P}/movements`,
        `${P}/depots/{depotId}/movements`,
        `${P}/allocations`,
        `${P}/dispatches/{dispatchId}/events`,
        `${P}/shelters/{shelterId}/check-in`,
        `${P}/evacuation/{areaId}`,
        `${P}/requests/{requestId}/events`,
      ]),
    )
    expect(paths).toHaveLength(25)
  })

  it('seeds the default catalogue on start and warms the solver up', async () => {
    await s.logistics.start()
    const items = await ok<{ id: string }[]>('GET', `${P}/catalogue`, TOKENS.observer)
    expect(items.map((i) => i.id).sort()).toEqual(DEFAULT_CATALOGUE.map((i) => i.id).sort())
    const solver = await s.logistics.solver()
    expect(solver.version).toMatch(/^\d+\.\d+\.\d+$/)
  })
})
