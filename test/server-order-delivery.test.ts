/**
 * Orders through the delivery channels: an order reaches the webhooks of the posts it
 * addresses (subscriptions of `post:<id>`) when it is issued; past the acknowledgment deadline
 * the silent post is reminded and its superior told, each exactly once however often the
 * escalation pass runs; acknowledgment timeouts of warnings leave order messages alone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  expectedWebhookSignature,
  httpPeerPool,
  type HttpPeer,
  type Received,
} from '../src/channels/testing/peers.ts'
import type { Post } from '../src/command/types.ts'
import {
  SERVER_TARGETS,
  TOKENS,
  auth,
  testServer,
  type TestServer,
  TEST_WARNINGS,
} from './support/server.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const HQ = 'hq'
const PROV = 'hq.prov'
const C1 = 'hq.prov.c1'
const C2 = 'hq.prov.c2'

const POSTS = [
  { id: HQ, name: 'Headquarters', level: 'national', parents: [], areas: [] },
  { id: PROV, name: 'Province', level: 'province', parents: [HQ], areas: [] },
  { id: C1, name: 'County 1', level: 'county', parents: [PROV], areas: ['seine'] },
  { id: C2, name: 'County 2', level: 'county', parents: [PROV], areas: ['aube'] },
] as unknown as Post[]

const SECRETS = {
  c1: 'secret-of-county-one',
  c2: 'secret-of-county-two',
  c2b: 'secret-of-county-two-b',
  prov: 'secret-of-the-province',
  room: 'secret-of-the-duty-room',
} as const

interface OrderDoc {
  idempotencyKey: string
  alertId: string
  recipient: string
  language: string
  subject: string
  text: string
  alert: {
    kind: string
    notice: string
    deadlineMissed: string | null
    orderId: string
    title: string
    actions: string[]
    post: string
    status: string
    version: number
    record: string
    respond: { method: string; url: string }
  }
}

describe.each(SERVER_TARGETS)('orders through the delivery channels on $name', (target) => {
  let s: TestServer
  const peers = httpPeerPool()
  beforeEach(async () => {
    s = await testServer({ target, warnings: TEST_WARNINGS, delivery: { ackTimeoutMinutes: 5 } })
  })
  afterEach(async () => {
    await s.close()
    await peers.closeAll()
  })

  const peer = (): Promise<HttpPeer> => peers.peer()
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) =>
    s.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) })
  const subscribe = async (
    id: string,
    recipient: string,
    hooks: [HttpPeer, string][],
    language = 'en',
  ) => {
    const r = await req('PUT', `/api/v1/subscriptions/${id}`, TOKENS.admin, {
      recipient,
      contacts: hooks.map(([p, secret]) => ({
        channel: 'webhook',
        address: p.url,
        language,
        format: 'cap',
        secret,
      })),
      // Warnings only: orders reach a post whatever its areas, level and languages.
      areas: ['seine'],
      minLevel: 3,
      languages: ['ko'],
    })
    expect(r.statusCode, r.body).toBe(200)
  }
  const docOf = (r: Received, secret: string): OrderDoc => {
    expect(r.headers['x-freshet-signature']).toBe(expectedWebhookSignature(secret, r.body))
    expect(r.headers['content-type']).toMatch(/^application\/json/)
    const doc = JSON.parse(r.body) as OrderDoc
    expect(r.idempotencyKey).toBe(doc.idempotencyKey)
    return doc
  }

  it('tells the addressed posts at issue, then reminds the silent one and tells its superior, once', async () => {
    let r = await req('PUT', '/api/v1/command/posts', TOKENS.admin, { posts: POSTS })
    expect(r.statusCode, r.body).toBe(200)
    r = await req('PUT', '/api/v1/command/assignments', TOKENS.admin, {
      add: [
        { user: 'dora', post: HQ, role: 'commander' },
        { user: 'fred', post: C1, role: 'duty-officer' },
        { user: 'dan', post: C2, role: 'duty-officer' },
      ],
    })
    expect(r.statusCode, r.body).toBe(200)

    const c1 = await peer()
    const c2 = await peer()
    const c2b = await peer()
    const prov = await peer()
    const room = await peer()
    await subscribe('county-1', `post:${C1}`, [[c1, SECRETS.c1]])
    await subscribe('county-2', `post:${C2}`, [
      [c2, SECRETS.c2],
      [c2b, SECRETS.c2b],
    ])
    // The province reads Korean: its notice is written in Korean.
    await subscribe('province', `post:${PROV}`, [[prov, SECRETS.prov]], 'ko')
    await subscribe('room', 'duty-room', [[room, SECRETS.room]])

    const issuedAt = s.now
    r = await req('POST', '/api/v1/command/orders', TOKENS.dutyOfficer, {
      id: 'hq.o1',
      issuerPost: HQ,
      title: 'Raise the levee at the bridge',
      actions: ['bring sandbags', 'close the road'],
      recipients: { kind: 'selected', posts: [C1, C2] },
      ackDeadline: new Date(issuedAt + HOUR).toISOString(),
      completionDeadline: new Date(issuedAt + 24 * HOUR).toISOString(),
    })
    expect(r.statusCode, r.body).toBe(201)
    // Written with the order, one row per post with a subscription.
    const rows = await s.store.outbox.forOrder('hq.o1')
    expect(rows.map((m) => [m.recipient, m.notice?.kind, m.format]).sort()).toEqual([
      [`post:${C1}`, 'issued', 'plain'],
      [`post:${C2}`, 'issued', 'plain'],
    ])
    expect(await s.store.outbox.forAlert('hq.o1', 1)).toEqual([])

    // Issuing woke the delivery loop.
    await s.delivery.idle()
    expect(c1.received).toHaveLength(1)
    expect(c2.received).toHaveLength(1)
    for (const p of [c2b, prov, room]) expect(p.received).toEqual([])
    const respondUrl = `http://freshet.test/api/v1/command/orders/hq.o1/posts/${C1}/responses`
    const first = docOf(c1.received[0]!, SECRETS.c1)
    expect(c1.received[0]!.headers['x-freshet-signature']).not.toBe(
      expectedWebhookSignature(SECRETS.c2, c1.received[0]!.body),
    )
    expect(first).toMatchObject({
      alertId: 'hq.o1',
      recipient: `post:${C1}`,
      language: 'en',
      subject: 'Order hq.o1: Raise the levee at the bridge',
      alert: {
        kind: 'order',
        notice: 'issued',
        deadlineMissed: null,
        orderId: 'hq.o1',
        actions: ['bring sandbags', 'close the road'],
        post: C1,
        status: 'issued',
        version: 0,
        respond: { method: 'POST', url: respondUrl },
      },
    })
    expect(rows.map((m) => m.idempotencyKey)).toContain(first.idempotencyKey)
    expect(first.text).toContain('1. bring sandbags\n2. close the road')
    expect(first.text).toContain(`Acknowledge by: ${new Date(issuedAt + HOUR).toISOString()}`)
    expect(first.text).toContain(`Status of ${C1}: issued`)
    expect(first.text).toContain(`POST ${respondUrl}`)
    expect(docOf(c2.received[0]!, SECRETS.c2).alert).toMatchObject({ post: C2, notice: 'issued' })

    // The call the message gives answers the order.
    const answered = await req('POST', new URL(respondUrl).pathname, TOKENS.forecaster, {
      kind: 'received',
      version: first.alert.version,
    })
    expect(answered.statusCode, answered.body).toBe(200)

    // Past the acknowledgment deadline (and the warnings' acknowledgment timeout): the pass
    // runs twice, the second finds nothing.
    s.now += 2 * HOUR
    const pass = await s.command.escalateNow()
    expect(pass.escalated.map((e) => [e.post, e.kind])).toEqual([[C2, 'escalated']])
    expect((await s.command.escalateNow()).escalated).toEqual([])
    await s.delivery.idle()
    expect(await s.delivery.worker.escalateDue()).toEqual([])
    expect(await s.delivery.worker.deliverDue()).toEqual([])

    expect(c1.received).toHaveLength(1)
    expect(c2.received).toHaveLength(2)
    expect(prov.received).toHaveLength(1)
    // Not the next contact of the post's subscription, not someone else's.
    for (const p of [c2b, room]) expect(p.received).toEqual([])

    const reminder = docOf(c2.received[1]!, SECRETS.c2)
    expect(reminder.idempotencyKey).not.toBe(c2.received[0]!.idempotencyKey)
    expect(reminder.subject).toMatch(/^Reminder, acknowledgment overdue: order hq\.o1/)
    expect(reminder.alert).toMatchObject({
      notice: 'reminder',
      deadlineMissed: 'ack',
      post: C2,
      status: 'issued',
    })
    expect(reminder.text).toContain(
      `POST http://freshet.test/api/v1/command/orders/hq.o1/posts/${C2}/responses`,
    )

    const notice = docOf(prov.received[0]!, SECRETS.prov)
    expect(notice).toMatchObject({
      alertId: 'hq.o1',
      recipient: `post:${PROV}`,
      alert: { notice: 'escalation', deadlineMissed: 'ack', post: C2, status: 'issued' },
    })
    expect(notice.language).toBe('ko')
    expect(notice.subject).toBe(
      `상급 보고: ${C2}이(가) 지시 hq.o1의 접수 확인 기한을 넘김: Raise the levee at the bridge`,
    )
    expect(notice.text).toContain(`${PROV}: 하급 기관 ${C2}이(가) 접수 확인 기한 내에 응답하지`)
    expect(notice.text).toContain('조치 사항:\n1. bring sandbags\n2. close the road')
    expect(notice.text).toContain(`GET http://freshet.test/api/v1/command/orders/hq.o1/posts/${C2}`)

    const all = await s.store.outbox.forOrder('hq.o1')
    expect(all).toHaveLength(4)
    expect(all.every((m) => m.status === 'delivered' && m.escalatedAt === null)).toBe(true)
    expect(new Set(all.map((m) => m.idempotencyKey)).size).toBe(4)

    // An order message is answered through the command API, not acknowledged.
    const ack = await req(
      'POST',
      `/api/v1/deliveries/${encodeURIComponent(all[0]!.id)}/ack`,
      TOKENS.admin,
    )
    expect(ack.statusCode).toBe(404)
    expect(await s.store.acknowledgments.forAlert('hq.o1', 1)).toEqual([])
  })
})
