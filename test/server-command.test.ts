/**
 * Command over HTTP, end to end: a four-level hierarchy of 3,201 posts, incidents opened by a
 * forecast warning, an order from headquarters to 3,200 posts answered by 90 % of them, the
 * silent rest escalated to their superiors; 50 concurrent writers on orders; who may order and
 * read what; and the audit chain behind all of it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChainEntry } from '../src/command/audit-chain.ts'
import { verifyChain } from '../src/command/audit-chain.ts'
import { ancestors } from '../src/command/hierarchy.ts'
import { HQ, generateHierarchy, type GeneratedHierarchy } from '../src/command/test-fixtures.ts'
import type { Post, PostId } from '../src/command/types.ts'
import { seededRng } from '../src/core/rng.ts'
import type { ServerEvent } from '../src/server/events.ts'
import {
  SERVER_TARGETS,
  TEST_WARNINGS,
  TOKENS,
  addTestThresholds,
  auth,
  forecastRain,
  prepareForecasts,
  testServer,
  type TestServer,
} from './support/server.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** Users of the test tokens, by token. */
const USERS = {
  [TOKENS.dutyOfficer]: 'dora',
  [TOKENS.dutyOfficer2]: 'dan',
  [TOKENS.forecaster]: 'fred',
  [TOKENS.observer]: 'olga',
  [TOKENS.seineOnly]: 'sam',
  [TOKENS.aubeOnly]: 'abe',
  [TOKENS.aubeDuty]: 'ali',
} as const
const RESPONDERS = [
  TOKENS.forecaster,
  TOKENS.observer,
  TOKENS.seineOnly,
  TOKENS.aubeOnly,
  TOKENS.aubeDuty,
  TOKENS.dutyOfficer2,
] as const

interface Recipient {
  post: string
  status: string
  version: number
  escalated: { ack: string | null; completion: string | null }
}
interface OrderView {
  order: { id: string; recipients: string[]; issuerPost: string }
  total: Record<string, number>
  byLevel: Record<string, Record<string, number>>
  posts?: Recipient[]
}
interface IncidentView {
  id: string
  post: string
  level: string
  status: string
  version: number
  source: { kind: string; warningId?: string; zoneId?: string }
  log: { kind: string; by: string }[]
}
interface ErrorView {
  error: { code: string; message: string; details?: { path: string; message: string }[] }
}
interface AuditPage {
  entries: { seq: number; kind: string; subject: string; actor: string; payload: unknown }[]
  next: number | null
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (x: T) => Promise<void>) {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: limit }, worker))
}

/** Every audit entry, read through the store page by page. */
async function* auditPages(s: TestServer): AsyncGenerator<readonly ChainEntry[]> {
  for (let after = 0; ;) {
    const page = await s.store.commandAudit.page(after, 500)
    if (page.length === 0) return
    yield page
    after = page.at(-1)!.seq
  }
}

describe.each(SERVER_TARGETS)('command over HTTP on $name', (target) => {
  let s: TestServer
  beforeEach(async () => {
    s = await testServer({ target, warnings: TEST_WARNINGS })
    await addTestThresholds(s.store)
  })
  afterEach(async () => {
    await s.close()
  })

  const req = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) =>
    s.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) })
  const iso = (ms: number): string => new Date(ms).toISOString()

  const putPosts = async (posts: readonly Post[]) => {
    const r = await req('PUT', '/api/v1/command/posts', TOKENS.admin, { posts })
    expect(r.statusCode, r.body).toBe(200)
    return r.json<{ count: number; levels: Record<string, number> }>()
  }
  const assign = async (add: { user: string; post: string; role: string }[]) => {
    const r = await req('PUT', '/api/v1/command/assignments', TOKENS.admin, { add })
    expect(r.statusCode, r.body).toBe(200)
  }
  const issue = (token: string, body: object) =>
    req('POST', '/api/v1/command/orders', token, {
      issuerPost: HQ,
      title: 'Prepare for the flood crest',
      actions: ['staff the post around the clock', 'check the levees'],
      ackDeadline: iso(s.now + HOUR),
      completionDeadline: iso(s.now + 24 * HOUR),
      ...body,
    })
  const respond = (token: string, orderId: string, post: string, body: object) =>
    req('POST', `/api/v1/command/orders/${orderId}/posts/${post}/responses`, token, body)
  const auditAll = async () => {
    const out: AuditPage['entries'] = []
    for (let after = 0; ;) {
      const r = await req('GET', `/api/v1/command/audit?after=${after}&limit=1000`, TOKENS.admin)
      expect(r.statusCode).toBe(200)
      const page = r.json<AuditPage>()
      out.push(...page.entries)
      if (page.next === null) return out
      after = page.next
    }
  }

  it('runs the scenario: a forecast warning opens incidents, HQ orders 3,200 posts, 90 % answer, the silent are escalated', async () => {
    // A four-level hierarchy: 1 HQ, 8 basins, 31 provinces, 3,161 counties under a province
    // and a basin. Some counties cover the warning zones.
    const g: GeneratedHierarchy = generateHierarchy({ countyCount: 3161, seed: 11 })
    const seineCounties = g.counties.filter((_, i) => i % 97 === 5)
    const aubeCounties = g.counties.filter((_, i) => i % 89 === 7)
    const posts: Post[] = g.posts.map((p) => ({
      ...p,
      areas: [
        ...p.areas,
        ...(seineCounties.includes(p.id) ? ['seine'] : []),
        ...(aubeCounties.includes(p.id) ? ['aube'] : []),
      ],
    }))
    expect(await putPosts(posts)).toEqual({
      count: 3201,
      levels: { national: 1, basin: 8, province: 31, county: 3161 },
    })
    const listed = await req('GET', '/api/v1/command/posts', TOKENS.observer)
    expect(listed.json<{ posts: Post[] }>().posts).toHaveLength(3201)

    // The chain of command: dora commands HQ; six duty officers answer for the posts below.
    const below = posts.filter((p) => p.id !== HQ).map((p) => p.id)
    const responderOf = new Map<string, (typeof RESPONDERS)[number]>(
      below.map((p, i) => [p, RESPONDERS[i % RESPONDERS.length]!]),
    )
    await assign([
      { user: 'dora', post: HQ, role: 'commander' },
      ...below.map((post) => ({
        user: USERS[responderOf.get(post)!],
        post,
        role: 'duty-officer',
      })),
    ])

    // A forecast emergency in seine: the basin is set up through the API (forcing series, an
    // outlet discharge series with Q2–Q50, GR4J), then an ensemble weather forecast arrives
    // whose wet members put the outlet above Q50 within 48 h in 3 of 4 members. The forecast
    // cycle it starts drafts an emergency on the forecast rule; it waits for a duty officer
    // (two-person rule), and nothing has happened yet in command.
    await prepareForecasts(s, 'seine')
    const run = await forecastRain(s, 'seine', [
      [220, 60, 0],
      [200, 50, 0],
      [190, 45, 0],
      [5, 0, 0],
    ])
    expect(run).toMatchObject({ status: 'complete' })
    const forecast = (await req('GET', '/api/v1/basins/seine/forecast', TOKENS.observer)).json<{
      exceedance: { threshold: string; probability: number[] }[]
    }>()
    const q50 = forecast.exceedance.find((e) => e.threshold === 'seine:outlet:Q50:manual')!
    expect(Math.max(...q50.probability.slice(0, 2))).toBeGreaterThanOrEqual(0.75)
    interface ZoneView {
      active: { warningId: string; level: string; basis: string; reasons: string[] } | null
      pending: { version: number; level: string; basis: string; reasons: string[] } | null
    }
    const drafted = (await req('GET', '/api/v1/warnings/seine', TOKENS.observer)).json<ZoneView>()
    expect(drafted.active).toBeNull()
    expect(drafted.pending).toMatchObject({ level: 'emergency', basis: 'forecast' })
    expect((await req('GET', '/api/v1/command/incidents', TOKENS.admin)).json()).toEqual([])
    // Approved, it is issued and opens an incident (level I) at every post whose jurisdiction
    // covers seine: those counties, their provinces and basins, and HQ.
    const approved = await req(
      'POST',
      `/api/v1/warnings/seine/drafts/${drafted.pending!.version}/approve`,
      TOKENS.dutyOfficer,
    )
    expect(approved.statusCode, approved.body).toBe(200)
    await s.command.idle()
    const expected = new Set<string>([HQ])
    for (const c of seineCounties) {
      expected.add(c)
      expected.add(g.provinceOf.get(c)!)
      expected.add(g.basinOf.get(c)!)
    }
    const incidents = (await req('GET', '/api/v1/command/incidents', TOKENS.admin)).json<
      IncidentView[]
    >()
    expect(new Set(incidents.map((i) => i.post))).toEqual(expected)
    expect(incidents).toHaveLength(expected.size)
    const zone = (await req('GET', '/api/v1/warnings/seine', TOKENS.observer)).json<ZoneView>()
    // The warning rests on the forecast rule alone: this run's P(> Q50) within 0–48 h.
    expect(zone.active).toMatchObject({ level: 'emergency', basis: 'forecast' })
    expect(zone.active!.reasons).toHaveLength(1)
    const reason = zone.active!.reasons[0]!
    expect(reason.startsWith(`emergency: run ${run.id} (issued `), reason).toBe(true)
    expect(reason).toContain('basin seine: P(> Q50 = 250) = 0.75 ≥ 0.50')
    expect(reason).toContain('(window 0–48 h)')
    expect(zone.active!.reasons.join(' ')).not.toMatch(/observed/)
    expect(await s.store.observations.count('seine:discharge' as never)).toBe(0)
    for (const i of incidents) {
      expect(i).toMatchObject({ level: 'I', status: 'open', version: 1 })
      expect(i.source).toEqual({
        kind: 'warning',
        warningId: zone.active!.warningId,
        zoneId: 'seine',
      })
      expect(i.log.map((e) => [e.kind, e.by])).toEqual([['opened', 'system:command']])
    }
    // Publishing the same alert again opens nothing twice.
    const alerts = await s.store.capAlerts.byZone('seine' as never)
    await s.command.warningsPublished(alerts)
    expect(
      (await req('GET', '/api/v1/command/incidents', TOKENS.admin)).json<IncidentView[]>(),
    ).toHaveLength(expected.size)
    // A seine county officer sees the incidents of its own chain, not all of them.
    const county = seineCounties[0]!
    const mine = (await req('GET', '/api/v1/command/incidents', responderOf.get(county)!)).json<
      IncidentView[]
    >()
    expect(mine.map((i) => i.post)).toContain(county)

    // HQ orders every post below it.
    const issued = await issue(TOKENS.dutyOfficer, {
      id: 'hq.2016.1',
      recipients: { kind: 'all-below' },
    })
    expect(issued.statusCode, issued.body).toBe(201)
    const order = issued.json<{ id: string; recipients: string[] }>()
    expect(order.recipients).toHaveLength(3200)
    expect(new Set(order.recipients)).toEqual(new Set(below))

    // 90 % answer (received, accepted or unable), 20 requests in flight; 10 % stay silent.
    const rng = seededRng(2016)
    const shuffled: string[] = [...below]
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1))
      ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
    }
    const silent = new Set(shuffled.slice(0, 320))
    const answering = shuffled.slice(320)
    const answerOf = new Map(
      answering.map((p, i) => [p, i % 10 < 6 ? 'received' : i % 10 < 9 ? 'accepted' : 'unable']),
    )
    const started = performance.now()
    const failures: string[] = []
    await pool(answering, 20, async (post) => {
      const kind = answerOf.get(post)!
      const r = await respond(responderOf.get(post)!, order.id, post, {
        kind,
        version: 0,
        ...(kind === 'unable' ? { reason: 'road to the levee flooded' } : {}),
      })
      if (r.statusCode !== 200) failures.push(`${post}: ${r.statusCode} ${r.body}`)
    })
    const seconds = (performance.now() - started) / 1000
    console.log(
      `[${target.name}] 2,880 answers in ${seconds.toFixed(1)} s (${(2880 / seconds).toFixed(0)}/s)`,
    )
    expect(failures).toEqual([])

    // Nothing is due before the deadline.
    expect((await s.command.escalateNow()).escalated).toEqual([])

    // Past the acknowledgment deadline the worker escalates exactly the silent posts, and
    // tells each one's superiors (its province and basin; HQ for those).
    const told: Extract<ServerEvent, { kind: 'order-escalated' }>[] = []
    const unsubscribe = s.events.subscribe((e) => {
      if (e.kind === 'order-escalated') told.push(e)
    })
    s.now += HOUR + MINUTE
    const pass = await s.command.escalateNow()
    unsubscribe()
    expect(pass.conflicts).toBe(0)
    expect(new Set(pass.escalated.map((e) => e.post))).toEqual(silent)
    expect(pass.escalated).toHaveLength(320)
    const parentsOf = new Map(posts.map((p) => [p.id as string, [...p.parents]]))
    expect(told).toHaveLength(320)
    for (const e of told) {
      expect(e).toMatchObject({ orderId: order.id, deadline: 'ack' })
      expect(e.superiorsNotified).toEqual(parentsOf.get(e.post))
    }
    // A second pass finds nothing new.
    expect((await s.command.escalateNow()).escalated).toEqual([])

    // A province is told of exactly its silent counties.
    const province = g.provinces[4]!
    const toProvince = await req(
      'GET',
      `/api/v1/command/orders/${order.id}/escalations?superior=${province}`,
      responderOf.get(province)!,
    )
    expect(toProvince.statusCode).toBe(200)
    expect(
      new Set(toProvince.json<{ post: string; deadline: string }[]>().map((e) => e.post)),
    ).toEqual(new Set([...silent].filter((p) => parentsOf.get(p)!.includes(province))))

    // The audit chain holds each escalation with the superiors told.
    const escalations = (await auditAll()).filter((e) => e.kind === 'order.escalated')
    expect(escalations).toHaveLength(320)
    expect(new Set(escalations.map((e) => (e.payload as { post: string }).post))).toEqual(silent)

    // The issuer's view: every post's state is what it answered, or issued and escalated.
    const view = await req(
      'GET',
      `/api/v1/command/orders/${order.id}?posts=true`,
      TOKENS.dutyOfficer,
    )
    expect(view.statusCode).toBe(200)
    const v = view.json<OrderView>()
    expect(v.posts).toHaveLength(3200)
    for (const r of v.posts!) {
      const answer = answerOf.get(r.post)
      expect(r.status, r.post).toBe(answer ?? 'issued')
      expect(r.version, r.post).toBe(1)
      expect(r.escalated.ack !== null, r.post).toBe(silent.has(r.post))
      expect(r.escalated.completion).toBeNull()
    }
    const count = (k: string) => [...answerOf.values()].filter((a) => a === k).length
    expect(v.total).toEqual({
      total: 3200,
      issued: 320,
      received: count('received'),
      accepted: count('accepted'),
      unable: count('unable'),
      completed: 0,
      escalatedAck: 320,
      escalatedCompletion: 0,
    })
    const levelTotal = (l: string) => v.byLevel[l]!.total
    expect([levelTotal('national'), levelTotal('basin'), levelTotal('province')]).toEqual([
      0, 8, 31,
    ])
    expect(levelTotal('county')).toBe(3161)
    // The issuer's view is the issuer's: a county cannot read it.
    const countyView = await req(
      'GET',
      `/api/v1/command/orders/${order.id}`,
      responderOf.get(county)!,
    )
    expect(countyView.statusCode).toBe(403)
    // A late answer is recorded; the escalation stays on the record.
    const late = [...silent][0]!
    const lateAnswer = await respond(responderOf.get(late)!, order.id, late, {
      kind: 'accepted',
      version: 1,
    })
    expect(lateAnswer.statusCode, lateAnswer.body).toBe(200)
    expect(lateAnswer.json<Recipient>()).toMatchObject({ status: 'accepted', version: 2 })
    expect(lateAnswer.json<Recipient>().escalated.ack).not.toBeNull()

    expect(await verifyChain(auditPages(s))).toMatchObject({ ok: true })
  }, 180_000)

  it('describes the command routes in the OpenAPI document', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>
    }>()
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/command/'))
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/command/posts',
        '/api/v1/command/orders',
        '/api/v1/command/orders/{orderId}',
        '/api/v1/command/orders/{orderId}/posts/{postId}/responses',
        '/api/v1/command/orders/{orderId}/corrections',
        '/api/v1/command/incidents',
        '/api/v1/command/sitreps',
        '/api/v1/command/posts/{postId}/rollup',
        '/api/v1/command/audit',
      ]),
    )
    expect(Object.keys(doc.paths['/api/v1/command/posts']!).sort()).toEqual(['get', 'put'])
  })

  describe('with a small hierarchy', () => {
    // 1 HQ, 2 basins, 3 provinces, 30 counties (10 per province).
    const g = generateHierarchy({ basinCount: 2, provinceCount: 3, countyCount: 30, seed: 3 })
    const [p1, p2] = g.provinces as [PostId, PostId, PostId]
    const countiesOf = (p: PostId) => g.counties.filter((c) => g.provinceOf.get(c) === p)
    const countyA = countiesOf(p1)[0]!
    const countyB = countiesOf(p2)[0]!

    beforeEach(async () => {
      await putPosts(g.posts)
      await assign([
        { user: 'dora', post: HQ, role: 'commander' },
        { user: 'abe', post: p1, role: 'commander' },
        { user: 'dan', post: countyA, role: 'duty-officer' },
        { user: 'ali', post: countyB, role: 'duty-officer' },
        ...countiesOf(p1).map((post) => ({ user: 'olga', post, role: 'duty-officer' })),
      ])
    })

    it('loses no update with 50 concurrent writers on an order (409s retried)', async () => {
      const issued = await issue(TOKENS.aubeOnly, {
        id: 'p01.1',
        issuerPost: p1,
        recipients: { kind: 'direct' },
      })
      expect(issued.statusCode, issued.body).toBe(201)
      const counties = countiesOf(p1)
      expect(issued.json<{ recipients: string[] }>().recipients).toEqual(counties)

      // Five writers per county, each advancing the record one step from what it reads:
      // issued → received → accepted → completed. Three of them succeed per county.
      const next: Record<string, object | null> = {
        issued: { kind: 'received' },
        received: { kind: 'accepted' },
        accepted: { kind: 'completed', report: 'levees checked, post staffed' },
        completed: null,
      }
      let conflicts = 0
      const wins: { post: string; kind: string; version: number }[] = []
      const writer = async (post: string): Promise<void> => {
        for (let attempt = 0; attempt < 50; attempt++) {
          const read = await req(
            'GET',
            `/api/v1/command/orders/p01.1/posts/${post}`,
            TOKENS.observer,
          )
          expect(read.statusCode).toBe(200)
          const rec = read.json<Recipient>()
          const step = next[rec.status]
          if (step === null) return
          const r = await respond(TOKENS.observer, 'p01.1', post, {
            ...step!,
            version: rec.version,
          })
          if (r.statusCode === 409) {
            conflicts++
            continue
          }
          expect(r.statusCode, r.body).toBe(200)
          const after = r.json<Recipient>()
          wins.push({ post, kind: after.status, version: after.version })
          return
        }
        throw new Error(`${post}: no progress after 50 attempts`)
      }
      const writers = counties.flatMap((c) => Array.from({ length: 5 }, () => writer(c)))
      expect(writers).toHaveLength(50)
      await Promise.all(writers)

      expect(conflicts).toBeGreaterThan(0)
      expect(wins).toHaveLength(30)
      for (const c of counties) {
        const mine = wins.filter((w) => w.post === c).sort((a, b) => a.version - b.version)
        expect(mine.map((w) => [w.kind, w.version])).toEqual([
          ['received', 1],
          ['accepted', 2],
          ['completed', 3],
        ])
        const stored = await s.store.orders.events('p01.1' as never)
        expect(stored.filter((e) => 'post' in e && e.post === c).map((e) => e.kind)).toEqual([
          'received',
          'accepted',
          'completed',
        ])
      }
      const view = (
        await req('GET', '/api/v1/command/orders/p01.1', TOKENS.aubeOnly)
      ).json<OrderView>()
      expect(view.total).toMatchObject({ total: 10, completed: 10 })
      const audit = await auditAll()
      for (const k of ['order.received', 'order.accepted', 'order.completed'])
        expect(audit.filter((e) => e.kind === k)).toHaveLength(10)
      expect(await verifyChain(auditPages(s))).toMatchObject({ ok: true })
    })

    it('keeps orders and restricted data within the chain of command', async () => {
      // A county officer cannot order another county, from its own post or from that one.
      const sideways = await issue(TOKENS.dutyOfficer2, {
        issuerPost: countyA,
        recipients: { kind: 'selected', posts: [countyB] },
      })
      expect(sideways.statusCode).toBe(403)
      expect(sideways.json<ErrorView>().error.details).toEqual([
        { path: 'recipients.posts[0]', message: expect.stringContaining(countyB) as string },
      ])
      const asOther = await issue(TOKENS.dutyOfficer2, {
        issuerPost: countyB,
        recipients: { kind: 'direct' },
      })
      expect(asOther.statusCode).toBe(403)
      expect(asOther.json<ErrorView>().error.message).toMatch(/dan may not issue-order/)

      // A province commander orders its counties, not another province's.
      const mixed = await issue(TOKENS.aubeOnly, {
        issuerPost: p1,
        recipients: { kind: 'selected', posts: [countyA, countyB] },
      })
      expect(mixed.statusCode).toBe(403)
      expect(mixed.json<ErrorView>().error.details!.map((d) => d.path)).toEqual([
        'recipients.posts[1]',
      ])
      expect(
        (await issue(TOKENS.aubeOnly, { issuerPost: p2, recipients: { kind: 'direct' } }))
          .statusCode,
      ).toBe(403)
      const own = await issue(TOKENS.aubeOnly, {
        id: 'p01.own',
        issuerPost: p1,
        recipients: { kind: 'selected', posts: [countyA] },
      })
      expect(own.statusCode, own.body).toBe(201)
      // Nor does a county answer for another.
      const hq = await issue(TOKENS.dutyOfficer, {
        id: 'hq.all',
        recipients: { kind: 'all-below' },
      })
      expect(hq.statusCode).toBe(201)
      expect(
        (await respond(TOKENS.dutyOfficer2, 'hq.all', countyB, { kind: 'received', version: 0 }))
          .statusCode,
      ).toBe(403)
      expect(
        (await respond(TOKENS.aubeDuty, 'hq.all', countyB, { kind: 'received', version: 0 }))
          .statusCode,
      ).toBe(200)
      // A county reads its own record, not another county's.
      expect(
        (await req('GET', `/api/v1/command/orders/hq.all/posts/${countyB}`, TOKENS.dutyOfficer2))
          .statusCode,
      ).toBe(403)

      // Situation reports: each county files its own; another county may not read them.
      const file = (token: string, post: string, id: string, dead: number) =>
        req('POST', '/api/v1/command/sitreps', token, {
          id,
          post,
          period: { from: iso(s.now - 6 * HOUR), to: iso(s.now) },
          figures: {
            affectedPopulation: 1200,
            evacuated: 300,
            dead,
            injured: 4,
            missing: 0,
            damagedHouses: 25,
          },
          needs: [{ item: 'sandbags', quantity: 5000, unit: 'bag' }],
        })
      expect((await file(TOKENS.aubeDuty, countyB, 'b.1', 1)).statusCode).toBe(201)
      expect((await file(TOKENS.dutyOfficer2, countyA, 'a.1', 0)).statusCode).toBe(201)
      expect((await file(TOKENS.dutyOfficer2, countyB, 'b.forged', 0)).statusCode).toBe(403)
      const bad = await file(TOKENS.dutyOfficer2, countyA, 'a.2', -1)
      expect(bad.statusCode).toBe(422)
      expect(bad.json<ErrorView>().error.details).toEqual([
        { path: 'figures.dead', message: 'must be a non-negative integer, not -1' },
      ])

      for (const url of [`/posts/${countyB}/sitreps`, `/posts/${countyB}/rollup`]) {
        expect((await req('GET', `/api/v1/command${url}`, TOKENS.dutyOfficer2)).statusCode).toBe(
          403,
        )
        // Nor may the commander of another province.
        expect((await req('GET', `/api/v1/command${url}`, TOKENS.aubeOnly)).statusCode).toBe(403)
        expect((await req('GET', `/api/v1/command${url}`, TOKENS.aubeDuty)).statusCode).toBe(200)
        expect((await req('GET', `/api/v1/command${url}`, TOKENS.dutyOfficer)).statusCode).toBe(200)
      }
      // HQ's roll-up counts both counties, each figure traced to its reports.
      const rollup = await req('GET', `/api/v1/command/posts/${HQ}/rollup`, TOKENS.dutyOfficer)
      const agg = rollup.json<{
        figures: Record<string, { total: number; sources: { sitrep: string; post: string }[] }>
        needs: { item: string; quantity: number; sources: { sitrep: string }[] }[]
        reports: string[]
        silent: string[]
      }>()
      expect(agg.figures['affectedPopulation']!.total).toBe(2400)
      expect(agg.figures['dead']).toEqual({
        total: 1,
        sources: [{ sitrep: 'b.1', post: countyB, value: 1 }],
      })
      expect(agg.needs).toEqual([
        {
          item: 'sandbags',
          unit: 'bag',
          quantity: 10000,
          sources: [
            { sitrep: 'a.1', post: countyA, value: 5000 },
            { sitrep: 'b.1', post: countyB, value: 5000 },
          ],
        },
      ])
      expect(agg.silent).toHaveLength(g.posts.length - 2)

      // Refusals are in the audit chain too.
      const refusals = (await auditAll()).filter((e) => e.kind === 'command.refused')
      expect(refusals.map((e) => e.actor).sort()).toEqual([
        'abe',
        'abe',
        'dan',
        'dan',
        'dan',
        'dan',
      ])
    })

    it('appends every command event to the hash chain, in the transaction that stores it', async () => {
      const before = (await auditAll()).length
      // The hierarchy and the assignments of beforeEach are in the chain.
      expect(before).toBe(1 + 4 + countiesOf(p1).length)

      const opened = await req('POST', '/api/v1/command/incidents', TOKENS.aubeOnly, {
        id: 'p01.levee',
        post: countyA,
        title: 'Levee seepage',
        level: 'III',
      })
      expect(opened.statusCode, opened.body).toBe(201)
      expect(opened.json<IncidentView>()).toMatchObject({ version: 1, level: 'III' })
      const change = (version: number, text: string) =>
        req('POST', '/api/v1/command/incidents/p01.levee/changes', TOKENS.dutyOfficer2, {
          change: { kind: 'note', text },
          version,
        })
      expect((await change(1, 'sandbagging started')).statusCode).toBe(200)
      const stale = await change(1, 'written on a stale read')
      expect(stale.statusCode).toBe(409)
      const raised = await req(
        'POST',
        '/api/v1/command/incidents/p01.levee/changes',
        TOKENS.dutyOfficer,
        {
          change: { kind: 'level', to: 'II', reason: 'seepage spreading' },
        },
      )
      expect(raised.statusCode).toBe(200)
      expect(raised.json<IncidentView>()).toMatchObject({ level: 'II', version: 3 })
      // Another province's county officer may not manage it.
      const foreign = await req(
        'POST',
        '/api/v1/command/incidents/p01.levee/changes',
        TOKENS.aubeDuty,
        {
          change: { kind: 'note', text: 'not mine' },
        },
      )
      expect(foreign.statusCode).toBe(403)

      const o = await issue(TOKENS.dutyOfficer, { id: 'hq.c1', recipients: { kind: 'direct' } })
      expect(o.statusCode).toBe(201)
      const fix = await req(
        'POST',
        '/api/v1/command/orders/hq.c1/corrections',
        TOKENS.dutyOfficer,
        {
          id: 'hq.c2',
          issuerPost: HQ,
          title: 'Prepare for the flood crest (corrected deadline)',
          actions: ['staff the post around the clock'],
          recipients: { kind: 'direct' },
          ackDeadline: iso(s.now + 2 * HOUR),
          completionDeadline: iso(s.now + 24 * HOUR),
        },
      )
      expect(fix.statusCode, fix.body).toBe(201)
      expect(fix.json<{ references: string }>().references).toBe('hq.c1')
      const again = await req(
        'POST',
        '/api/v1/command/orders/hq.c1/corrections',
        TOKENS.dutyOfficer,
        {
          id: 'hq.c3',
          issuerPost: HQ,
          title: 'again',
          actions: ['x'],
          recipients: { kind: 'direct' },
          ackDeadline: iso(s.now + 2 * HOUR),
          completionDeadline: iso(s.now + 24 * HOUR),
        },
      )
      expect(again.statusCode).toBe(409)
      const old = (await req('GET', '/api/v1/command/orders/hq.c1', TOKENS.dutyOfficer)).json<{
        supersededBy: string | null
      }>()
      expect(old.supersededBy).toBe('hq.c2')
      // A superseded order is not escalated; its correction is.
      s.now += 3 * HOUR
      const pass = await s.command.escalateNow()
      expect(new Set(pass.escalated.map((e) => e.orderId))).toEqual(new Set(['hq.c2']))

      const entries = await auditAll()
      expect(entries.slice(before).map((e) => e.kind)).toEqual([
        'incident.opened',
        'incident.note',
        'incident.level-changed',
        'command.refused',
        'order.issued',
        'order.issued',
        'order.superseded',
        ...pass.escalated.map(() => 'order.escalated'),
      ])
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1))
      const verified = await req('GET', '/api/v1/command/audit/verify', TOKENS.admin)
      expect(verified.json()).toMatchObject({ ok: true, count: entries.length })
      expect(await verifyChain(auditPages(s))).toMatchObject({ ok: true, count: entries.length })
      expect((await req('GET', '/api/v1/command/audit', TOKENS.dutyOfficer)).statusCode).toBe(403)
    })

    it('refuses a hierarchy with every problem and its path, and only from an admin', async () => {
      const r = await req('PUT', '/api/v1/command/posts', TOKENS.admin, {
        posts: [
          { id: 'x.hq', name: 'HQ', level: 'national' },
          { id: 'x.p', name: 'P', level: 'province', parents: ['x.c'] },
          { id: 'x.c', name: 'C', level: 'county', parents: ['x.p', 'x.gone'] },
        ],
      })
      expect(r.statusCode).toBe(422)
      expect(r.json<ErrorView>().error.details!.map((d) => d.path)).toEqual([
        'posts[1].parents[0]',
        'posts[2].parents[1]',
        'posts[1].parents',
      ])
      expect(
        (await req('PUT', '/api/v1/command/posts', TOKENS.dutyOfficer, { posts: [] })).statusCode,
      ).toBe(403)
      // The stored hierarchy is unchanged.
      const listed = (await req('GET', '/api/v1/command/posts', TOKENS.observer)).json<{
        posts: Post[]
      }>()
      expect(listed.posts).toHaveLength(g.posts.length)
      expect(ancestors(await s.command.hierarchy(), countyA)).toEqual([
        p1,
        g.basinOf.get(countyA)!,
        HQ,
      ])
    })
  })
})
