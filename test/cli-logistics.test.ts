/**
 * `freshet logistics …` on a temporary SQLite database set up through the API: stock per
 * depot from the ledger, shortfalls against the targets, and an allocation to the zone under
 * warning proposed through the server's logistics service (HiGHS), stored, audited and written
 * as the API serves it; the stored plans listed, one dispatched (once only) and the dispatch
 * orders listed with their state; bad options refused with status 2, nothing stored but the
 * refusal in the audit chain.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { verifyChain } from '../src/command/audit-chain.ts'
import { DEFAULT_CATALOGUE, type DispatchId } from '../src/logistics/types.ts'
import { planView } from '../src/server/routes/logistics.ts'
import { createLogisticsService } from '../src/server/logistics-service.ts'
import { EventHub } from '../src/server/events.ts'
import { openStore, type Store } from '../src/store/index.ts'
import type { StoreTarget } from '../src/store/testing/databases.ts'
import { freshet, tempDir, withStore, auditOf } from './support/cli.ts'
import {
  TEST_WARNINGS,
  TOKENS,
  addTestThresholds,
  auth,
  observe,
  testServer,
} from './support/server.ts'

/** Each run of the CLI starts a process that loads the sources: a test runs several. */
const CLI_TIMEOUT_MS = 240_000

const P = '/api/v1/logistics'

/** A store target that keeps its SQLite file at `file` after the server closes. */
const fileTarget = (file: string): StoreTarget => ({
  name: 'file',
  enabled: true,
  async open() {
    const store = await openStore(file)
    return { store, dispose: () => store.close() }
  },
})

let db: string
let config: string

/** The server's logistics service over `store`, at the present time. */
const serviceOf = (store: Store) =>
  createLogisticsService({
    store,
    clock: { now: () => Date.now() as never },
    events: new EventHub(),
    log: () => {},
  })

/** Runs `freshet logistics args…` on the database, as `ops`, with the test zones configured. */
const logistics = (...args: string[]) =>
  freshet(['logistics', ...args, '--db', db], undefined, {
    FRESHET_USER: 'ops',
    FRESHET_CONFIG: config,
  })

beforeAll(async () => {
  const dir = tempDir()
  db = join(dir, 'freshet.db')
  // The server's zones (seine, aube) as a configuration the CLI reads.
  config = join(dir, 'config.json')
  writeFileSync(
    config,
    JSON.stringify({
      demo: false,
      warnings: {
        sender: { id: 'freshet-test', name: 'Freshet test' },
        levels: { advisory: 'Q2', warning: 'Q5', severe: 'Q20', emergency: 'Q50' },
        zones: TEST_WARNINGS.zones.map((z) => ({
          id: z.id,
          name: z.name,
          basinIds: z.basinIds,
          seriesIds: z.seriesIds,
          polygons: z.polygons,
        })),
      },
    }),
  )
  // Through the API, at the present time (a warning must be unexpired when the CLI runs):
  // two depots with blankets and water, exposure of both zones, an observed emergency in seine.
  const s = await testServer({ target: fileTarget(db), warnings: TEST_WARNINGS })
  try {
    s.now = Date.now()
    await addTestThresholds(s.store)
    const ok = async (method: 'PUT' | 'POST', url: string, payload: object): Promise<void> => {
      const token =
        url.endsWith('/catalogue') || url.endsWith('/norms') ? TOKENS.admin : TOKENS.dutyOfficer
      const r = await s.app.inject({ method, url, headers: auth(token), payload })
      expect(r.statusCode, r.body).toBeLessThan(300)
    }
    await ok('PUT', `${P}/catalogue`, { items: DEFAULT_CATALOGUE })
    await ok('PUT', `${P}/norms`, {
      daysOfCover: 1,
      householdSize: 5,
      norms: [{ itemId: 'blanket', basis: 'per-person', amount: 1, source: 'test' }],
      expectedVersion: 0,
    })
    for (const [id, lon, area] of [
      ['north', 0, 'seine'],
      ['south', 1, 'aube'],
    ] as const)
      await ok('PUT', `${P}/depots/${id}`, {
        name: `${id} depot`,
        lat: 0,
        lon,
        capacityM3: 100,
        areaId: area,
      })
    for (const [depotId, itemId, quantity] of [
      ['north', 'blanket', 600],
      ['south', 'blanket', 200],
      ['south', 'drinking-water', 250],
    ] as const)
      await ok('POST', `${P}/movements`, {
        kind: 'receipt',
        depotId,
        itemId,
        quantity,
        source: 'purchase',
        expectedVersion: 0,
      })
    await ok('PUT', `${P}/exposure`, {
      areas: [
        { areaId: 'seine', name: 'Seine valley', lat: 0, lon: 0.1, population: 1000 },
        { areaId: 'aube', name: 'Aube valley', lat: 0, lon: 0.9, population: 500 },
      ],
    })
    await observe(s, 'seine', 312.5, 1)
    await s.command.idle()
  } finally {
    await s.close()
  }
}, CLI_TIMEOUT_MS)

describe('freshet logistics', { timeout: CLI_TIMEOUT_MS }, () => {
  it('prints the stock of every depot, or of one, from the ledger', () => {
    const all = logistics('stock')
    expect(all.stderr).toBe('')
    expect(all.status).toBe(0)
    expect(all.stdout).toMatch(
      /^north \(north depot\), area seine: 6 of 100 m³ used, 1 movements\n/,
    )
    expect(all.stdout).toMatch(/\nblanket\s+600\s+each\s+1\n/)
    expect(all.stdout).toMatch(
      /\nsouth \(south depot\), area aube: [\d.]+ of 100 m³ used, 2 movements\n/,
    )
    expect(all.stdout).toMatch(/\ndrinking-water\s+250\s+L\s+1\n/)
    const one = logistics('stock', '--depot', 'south')
    expect(one.status).toBe(0)
    expect(one.stdout).not.toMatch(/north/)
    const none = logistics('stock', '--depot', 'west')
    expect(none.status).toBe(2)
    expect(none.stderr).toBe('freshet: not found: no depot west\n')
  })

  it('prints shortfalls, worst coverage first', () => {
    const r = logistics('shortfalls')
    expect(r.status).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^area\s+item\s+target\s+available\s+deficit\s+coverage %$/)
    // One blanket per person: the aube has 200 of 500, the seine 600 of 1,000.
    expect(lines.slice(1, 3).map((l) => l.split(/\s+/))).toEqual([
      ['aube', 'blanket', '500', '200', '300', '40'],
      ['seine', 'blanket', '1000', '600', '400', '60'],
    ])
    expect(lines.at(-1)).toBe('2 of 2 lines short in 2 areas')
  })

  it('proposes an allocation to the zone under warning through the service, audited, and writes the plan', async () => {
    const before = (await auditOf(db)).length
    const dir = tempDir()
    const out = join(dir, 'plan.json')
    const r = logistics('allocate', '--out', out)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    // Only the seine is under warning (emergency): 80 % of its 1,000 exposed, one blanket each.
    expect(r.stdout).toMatch(
      /^plan plan-[0-9a-f]+: 1 areas, 1 items, \d+ flows; solved by HiGHS \S+ in/,
    )
    expect(r.stdout).toMatch(/\nseine\s+Seine valley\s+800\s+warning\s+emergency\n/)
    expect(r.stdout).toMatch(/\nblanket\s+800\s+800\s+800\s+0\s+0\n/)
    expect(r.stdout).toMatch(/unmet 0 units\nplan written to .*plan\.json\n$/)
    const written = JSON.parse(readFileSync(out, 'utf8')) as { id: string; equity: boolean }
    expect(written.equity).toBe(false)

    // Stored and audited as the API's proposal is, by ops.
    const audit = await auditOf(db)
    expect(audit).toHaveLength(before + 1)
    expect(audit.at(-1)).toMatchObject({
      actor: 'ops',
      kind: 'logistics.plan.proposed',
      subject: written.id,
    })
    expect(verifyChain(audit)).toMatchObject({ ok: true, count: audit.length })
    await withStore(db, async (store) => {
      expect(planView(await serviceOf(store).plan(written.id))).toEqual(written)
    })

    const fair = logistics('allocate', '--equity')
    expect(fair.status).toBe(0)
    expect(fair.stdout).toMatch(/^plan plan-[0-9a-f]+ \(equity\): 1 areas/)
    // With the advisory level and above nothing more is under warning; the aube has none.
    const lower = logistics('allocate', '--min-level', 'advisory', '--items', 'blanket')
    expect(lower.status).toBe(0)
    expect(lower.stdout).not.toMatch(/\naube\s/)
  })

  it('refuses bad options with every problem named, storing nothing but the refusal', async () => {
    const before = (await auditOf(db)).length
    const level = logistics('allocate', '--min-level', 'flood')
    expect(level.status).toBe(2)
    expect(level.stderr).toBe(
      'freshet: invalid: allocation input: minLevel: unknown level flood (advisory, warning, severe, emergency)\n',
    )
    const items = logistics('allocate', '--items', 'blanket,unicorn')
    expect(items.status).toBe(2)
    expect(items.stderr).toBe(
      'freshet: invalid: allocation input: items[1]: unknown item unicorn\n',
    )
    const empty = logistics('allocate', '--items', ',')
    expect(empty.status).toBe(2)
    expect(empty.stderr).toMatch(/--items must name at least one item/)
    // No plan is stored; the two refusals of the service are audited as the API's are.
    const after = await auditOf(db)
    expect(after).toHaveLength(before + 2)
    expect(
      after.slice(before).map((e) => [e.actor, e.kind, e.subject, JSON.parse(e.payloadJson)]),
    ).toEqual([
      [
        'ops',
        'logistics.refused',
        'allocation',
        {
          action: 'propose',
          status: 422,
          why: ['minLevel: unknown level flood (advisory, warning, severe, emergency)'],
        },
      ],
      [
        'ops',
        'logistics.refused',
        'allocation',
        { action: 'propose', status: 422, why: ['items[1]: unknown item unicorn'] },
      ],
    ])
    expect(verifyChain(after)).toMatchObject({ ok: true, count: after.length })
    const missing = freshet(['logistics', 'stock', '--db', join(tempDir(), 'none.db')])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/no database at .*none\.db/)
  })

  it('lists the stored plans, dispatches one once, and lists the dispatch orders', async () => {
    const stored = await withStore(db, (store) => serviceOf(store).plans(100))
    expect(stored.length).toBeGreaterThanOrEqual(3)
    const plans = logistics('plans', '--limit', '2')
    expect(plans.stderr).toBe('')
    expect(plans.status).toBe(0)
    const rows = plans.stdout.trimEnd().split('\n')
    expect(rows[0]).toMatch(
      /^id\s+created\s+by\s+equity\s+areas\s+items\s+flows\s+unmet\s+dispatched$/,
    )
    // Newest first (by creation time, then id); none dispatched yet.
    const newestFirst = [...stored].sort(
      (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    )
    expect(rows.slice(1, -1).map((l) => l.split(/\s+/)[0])).toEqual(
      newestFirst.slice(0, 2).map((p) => p.id),
    )
    expect(rows[1]).toMatch(/\s+ops\s+no\s+1\s+1\s+\d+\s+0\s+-$/)
    expect(rows.at(-1)).toBe('2 plans')

    const plan = stored[0]!
    const before = (await auditOf(db)).length
    const r = logistics('dispatch', plan.id)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const out = r.stdout.trimEnd().split('\n')
    const flows = plan.plan.flows
    expect(flows.length).toBeGreaterThan(0)
    expect(out[0]).toBe(`plan ${plan.id} dispatched: ${flows.length} dispatch orders`)
    expect(out[1]).toMatch(/^id\s+from\s+to\s+state\s+lines\s+delivered\s+version\s+updated$/)
    // One planned order per depot → area, its whole units of blankets.
    for (const f of flows)
      expect(out.slice(2).join('\n')).toMatch(
        new RegExp(
          `\\s${f.depotId}\\s+${f.areaId}\\s+planned\\s+blanket ${Math.floor(f.quantity)}\\s+-\\s+1\\s`,
        ),
      )
    const ids = await withStore(db, async (store) => {
      const s = serviceOf(store)
      const dispatched = await s.plan(plan.id)
      expect(dispatched.dispatchIds).toHaveLength(flows.length)
      const open = await s.dispatches()
      expect(open.map((o) => o.id).sort()).toEqual([...dispatched.dispatchIds].sort())
      // Cancel one, as the API would: the list under way no longer shows it, --all does.
      await s.dispatchStep(
        { user: 'ops' as never, covers: () => true },
        dispatched.dispatchIds[0]!,
        { kind: 'cancelled', reason: 'road closed' },
        1,
      )
      return dispatched.dispatchIds
    })
    const audit = await auditOf(db)
    expect(audit.slice(before).map((e) => [e.actor, e.kind, e.subject])).toEqual([
      ['ops', 'logistics.plan.dispatched', plan.id],
      ...ids.map((id) => ['ops', 'logistics.dispatch.planned', id]),
      ['ops', 'logistics.dispatch.cancelled', ids[0]],
    ])
    expect(verifyChain(audit)).toMatchObject({ ok: true, count: audit.length })

    const open = logistics('dispatches')
    expect(open.status).toBe(0)
    expect(open.stdout).not.toMatch(new RegExp(`^${ids[0]}\\s`, 'm'))
    expect(open.stdout).toMatch(new RegExp(`\\n${flows.length - 1} dispatch orders under way\\n$`))
    const all = JSON.parse(logistics('dispatches', '--all', '--json').stdout) as {
      id: DispatchId
      state: string
    }[]
    expect(all.map((o) => [o.id, o.state]).sort()).toEqual(
      ids.map((id, i) => [id, i === 0 ? 'cancelled' : 'planned']).sort(),
    )
  })

  it('refuses a plan dispatched twice, an unknown plan and a bad limit with status 2', async () => {
    const [plan] = await withStore(db, (store) => serviceOf(store).plans(1))
    const before = (await auditOf(db)).length
    const twice = logistics('dispatch', plan!.id)
    expect(twice.status).toBe(2)
    expect(twice.stdout).toBe('')
    expect(twice.stderr).toBe(`freshet: conflict: plan ${plan!.id} was dispatched already\n`)
    const unknown = logistics('dispatch', 'plan-nope')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toBe('freshet: not found: no allocation plan plan-nope\n')
    const limit = logistics('plans', '--limit', '0')
    expect(limit.status).toBe(2)
    expect(limit.stderr).toBe('freshet: --limit must be a whole number ≥ 1, not 0\n')
    // No dispatch order made; the conflict is audited as the API's is.
    const after = await auditOf(db)
    expect(after.slice(before).map((e) => [e.actor, e.kind, e.subject])).toEqual([
      ['ops', 'logistics.refused', plan!.id],
    ])
    expect(JSON.parse(after.at(-1)!.payloadJson)).toMatchObject({
      action: 'dispatchPlan',
      status: 409,
    })
    await withStore(db, async (store) => {
      expect((await serviceOf(store).plan(plan!.id)).dispatchIds).toHaveLength(
        plan!.dispatchIds.length,
      )
    })
  })
})
