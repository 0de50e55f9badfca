/**
 * Delivery over HTTP: subscriptions kept by admins, a published warning delivered to a real
 * webhook receiver on loopback (signed, in the subscriber's language, with an acknowledgment
 * link), the delivery record, acknowledgment by link and by API, resend, and escalation to the
 * next contact when no acknowledgment comes in time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  expectedWebhookSignature,
  httpPeerPool,
  type HttpPeer,
} from '../src/channels/testing/peers.ts'
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

const MINUTE = 60_000
const SECRET = 'a-webhook-secret-of-some-length'
const OTHER_SECRET = 'another-secret-for-the-deputy'

interface ErrorView {
  error: { code: string; message: string; details?: { path: string; message: string }[] }
}

interface MessageView {
  id: string
  idempotencyKey: string
  recipient: string
  contactIndex: number
  address: string
  language: string
  status: string
  attempts: number
  resends: number
  escalatedAt: string | null
  acknowledged: { at: string; via: string } | null
  log: { attempt: number; resend: number; outcome: string; providerId: string | null }[]
}

describe.each(SERVER_TARGETS)('delivery over HTTP on $name', (target) => {
  let s: TestServer
  const peers = httpPeerPool()
  beforeEach(async () => {
    s = await testServer({ target, warnings: TEST_WARNINGS, delivery: { ackTimeoutMinutes: 5 } })
    await addTestThresholds(s.store)
  })
  afterEach(async () => {
    await s.close()
    await peers.closeAll()
  })

  const peer = (): Promise<HttpPeer> => peers.peer()
  const put = (id: string, body: object, token: string = TOKENS.admin) =>
    s.app.inject({
      method: 'PUT',
      url: `/api/v1/subscriptions/${id}`,
      headers: auth(token),
      payload: body,
    })
  const list = async () => {
    const r = await s.app.inject({ url: '/api/v1/subscriptions', headers: auth(TOKENS.admin) })
    expect(r.statusCode).toBe(200)
    return r
  }
  const webhook = (address: string, secret?: string) => ({
    channel: 'webhook',
    address,
    language: 'ko',
    format: 'plain',
    ...(secret === undefined ? {} : { secret }),
  })
  const deliveries = async (version = 1, token: string = TOKENS.dutyOfficer) => {
    const r = await s.app.inject({
      url: `/api/v1/deliveries?warningId=freshet.seine.1&version=${version}`,
      headers: auth(token),
    })
    expect(r.statusCode).toBe(200)
    return r.json<MessageView[]>()
  }
  const messageUrl = (id: string, action: 'resend' | 'ack'): string =>
    `/api/v1/deliveries/${encodeURIComponent(id)}/${action}`

  const base = {
    recipient: 'duty-room',
    areas: ['seine'],
    minLevel: 1,
    languages: ['ko', 'en'],
  }

  it('keeps subscriptions for admins: a webhook secret is written, never read back, kept when left out; malformed ones refused', async () => {
    const hook = webhook('https://hooks.example.org/freshet')
    expect((await put('ops', { ...base, contacts: [hook] }, TOKENS.forecaster)).statusCode).toBe(
      403,
    )
    const forecasterList = await s.app.inject({
      url: '/api/v1/subscriptions',
      headers: auth(TOKENS.forecaster),
    })
    expect(forecasterList.statusCode).toBe(403)
    expect((await s.app.inject({ url: '/api/v1/subscriptions' })).statusCode).toBe(401)

    const missing = await put('ops', { ...base, contacts: [hook] })
    expect(missing.statusCode).toBe(422)
    expect(missing.json<ErrorView>().error.details).toEqual([
      { path: 'contacts[0].secret', message: 'a webhook needs a secret' },
    ])
    expect(await s.store.subscriptions.list()).toEqual([])

    const created = await put('ops', {
      ...base,
      contacts: [webhook('https://hooks.example.org/freshet', SECRET)],
    })
    expect(created.statusCode).toBe(200)
    expect(created.json()).toEqual({
      id: 'ops',
      ...base,
      contacts: [
        {
          channel: 'webhook',
          address: 'https://hooks.example.org/freshet',
          language: 'ko',
          format: 'plain',
          secretSet: true,
        },
      ],
    })
    expect(created.body).not.toContain(SECRET)
    const listed = await list()
    expect(listed.body).not.toContain(SECRET)
    expect(listed.json()).toEqual([created.json()])

    // Changed without the secret: the stored one stays.
    const changed = await put('ops', { ...base, minLevel: 2, contacts: [hook] })
    expect(changed.statusCode).toBe(200)
    expect(changed.json()).toMatchObject({ minLevel: 2, contacts: [{ secretSet: true }] })
    expect((await s.store.subscriptions.find('ops'))?.contacts[0]?.secret).toBe(SECRET)
    // A new address is a new webhook: it needs its own secret.
    const moved = await put('ops', {
      ...base,
      contacts: [webhook('https://hooks.example.org/other')],
    })
    expect(moved.statusCode).toBe(422)

    expect(
      (
        await s.app.inject({
          method: 'DELETE',
          url: '/api/v1/subscriptions/ops',
          headers: auth(TOKENS.forecaster),
        })
      ).statusCode,
    ).toBe(403)
    const del = await s.app.inject({
      method: 'DELETE',
      url: '/api/v1/subscriptions/ops',
      headers: auth(TOKENS.admin),
    })
    expect(del.statusCode).toBe(204)
    expect((await list()).json()).toEqual([])
    const again = await s.app.inject({
      method: 'DELETE',
      url: '/api/v1/subscriptions/ops',
      headers: auth(TOKENS.admin),
    })
    expect(again.statusCode).toBe(404)

    // Malformed contacts and unknown zones are refused, naming the field.
    const refused = async (body: object): Promise<{ status: number; paths: string[] }> => {
      const r = await put('bad', body)
      const e = r.json<ErrorView>().error
      expect(e.code).toBe('validation_failed')
      return { status: r.statusCode, paths: (e.details ?? []).map((d) => d.path) }
    }
    const contact = (channel: string, address: string) => ({ channel, address, language: 'en' })
    expect(await refused({ ...base, contacts: [contact('email', 'duty at example.org')] })).toEqual(
      { status: 400, paths: ['body.contacts.0.address'] },
    )
    expect(await refused({ ...base, contacts: [contact('sms', '010-1234-5678')] })).toEqual({
      status: 400,
      paths: ['body.contacts.0.address'],
    })
    expect(
      await refused({
        ...base,
        contacts: [contact('email', 'duty@example.org'), webhook('ftp://example.org/x', SECRET)],
      }),
    ).toEqual({ status: 400, paths: ['body.contacts.1.address'] })
    expect(
      await refused({
        ...base,
        contacts: [{ ...contact('sms', '+821012345678'), secret: SECRET }],
      }),
    ).toEqual({ status: 400, paths: ['body.contacts.0.secret'] })
    expect(await refused({ ...base, contacts: [] })).toEqual({
      status: 400,
      paths: ['body.contacts'],
    })
    expect(
      await refused({
        ...base,
        areas: ['seine', 'loire'],
        contacts: [contact('email', 'a@b.org')],
      }),
    ).toEqual({ status: 422, paths: ['areas'] })
    expect(await s.store.subscriptions.list()).toEqual([])

    // The same contacts, well formed, are taken.
    const ok = await put('good', {
      ...base,
      areas: '*',
      contacts: [contact('email', 'duty@example.org'), contact('sms', '+821012345678')],
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({
      areas: '*',
      contacts: [{ secretSet: false }, { secretSet: false }],
    })
  })

  /** A webhook subscription to seine, an observed emergency there, and its one delivery. */
  const deliverOne = async (): Promise<{ hook: HttpPeer; id: string; link: string }> => {
    const hook = await peer()
    const sub = await put('ops', {
      recipient: 'duty-room',
      contacts: [webhook(hook.url, SECRET)],
      areas: ['seine'],
      minLevel: 0,
      languages: [],
    })
    expect(sub.statusCode).toBe(200)
    await observe(s, 'seine', 300, 1)
    const sent = await s.delivery.worker.deliverDue()
    expect(sent.map((m) => m.status)).toEqual(['delivered'])
    const doc = JSON.parse(hook.received[0]!.body) as { alert: { acknowledge: string } }
    return { hook, id: sent[0]!.id, link: doc.alert.acknowledge }
  }
  const acknowledgments = () => s.store.acknowledgments.forAlert('freshet.seine.1', 1)

  it('delivers a warning to a webhook once, signed, in Korean, with an acknowledgment link', async () => {
    const hook = await peer()
    const other = await peer()
    const sub = await put('ops', {
      recipient: 'duty-room',
      contacts: [webhook(hook.url, SECRET)],
      areas: ['seine'],
      minLevel: 0,
      languages: [],
    })
    expect(sub.statusCode).toBe(200)
    // Not for seine, or not at this level: nothing goes there.
    const aubeOnly = await put('aube-room', {
      recipient: 'aube-room',
      contacts: [webhook(other.url, OTHER_SECRET)],
      areas: ['aube'],
      minLevel: 0,
      languages: [],
    })
    expect(aubeOnly.statusCode).toBe(200)

    await observe(s, 'seine', 300, 1)
    expect(hook.received).toHaveLength(0)
    const sent = await s.delivery.worker.deliverDue()
    expect(sent.map((m) => m.status)).toEqual(['delivered'])
    expect(await s.delivery.worker.deliverDue()).toEqual([])
    expect(other.received).toHaveLength(0)

    expect(hook.received).toHaveLength(1)
    const got = hook.received[0]!
    expect(got.headers['x-freshet-signature']).toBe(expectedWebhookSignature(SECRET, got.body))
    expect(got.headers['x-freshet-signature']).not.toBe(
      expectedWebhookSignature(OTHER_SECRET, got.body),
    )
    expect(got.headers['content-type']).toMatch(/^application\/json/)
    expect(got.headers['x-freshet-timestamp']).toBe(String(s.now))
    expect(got.idempotencyKey).toBe(sent[0]!.idempotencyKey)
    expect(got.idempotencyKey).toContain('freshet.seine.1/v1/duty-room/webhook/')
    const doc = JSON.parse(got.body) as {
      language: string
      recipient: string
      subject: string
      text: string
      alert: { identifier: string; language: string; acknowledge: string; severity: string }
    }
    expect(doc).toMatchObject({ language: 'ko', recipient: 'duty-room' })
    expect(doc.subject).toBe('홍수 비상: seine valley')
    expect(doc.text).toContain('관측 유량이 Q50 (250 m³/s)을 넘습니다')
    expect(doc.alert).toMatchObject({
      identifier: 'freshet.seine.1.1',
      language: 'ko',
      severity: 'Extreme',
    })
    const link = doc.alert.acknowledge
    expect(link).toBe(s.delivery.ackLink(sent[0]!.id))
    expect(link.startsWith('http://freshet.test/ack/')).toBe(true)
    expect(doc.text).toContain(`Acknowledge: ${link}`)

    const [m] = await deliveries()
    expect(m).toMatchObject({
      id: sent[0]!.id,
      recipient: 'duty-room',
      contactIndex: 0,
      address: hook.url,
      language: 'ko',
      status: 'delivered',
      attempts: 1,
      resends: 0,
      escalatedAt: null,
      acknowledged: null,
      log: [{ attempt: 1, resend: 0, outcome: 'delivered', providerId: '1' }],
    })
    // Duty officers of the zone only.
    for (const token of [TOKENS.aubeDuty, TOKENS.forecaster]) {
      const r = await s.app.inject({
        url: '/api/v1/deliveries?warningId=freshet.seine.1&version=1',
        headers: auth(token),
      })
      expect(r.statusCode).toBe(403)
    }
    const none = await s.app.inject({
      url: '/api/v1/deliveries?warningId=freshet.seine.1&version=2',
      headers: auth(TOKENS.dutyOfficer),
    })
    expect(none.statusCode).toBe(404)

    // Forged or mangled acknowledgment tokens, and messages that do not exist.
    for (const token of ['nothing', `${'0'.repeat(64)}.msg-forged`, 'a.b']) {
      expect((await s.app.inject({ url: `/ack/${token}` })).statusCode).toBe(404)
      const r = await s.app.inject({ method: 'POST', url: `/ack/${token}` })
      expect(r.statusCode).toBe(404)
      expect(r.body).toContain('not valid')
    }
    for (const action of ['resend', 'ack'] as const) {
      const r = await s.app.inject({
        method: 'POST',
        url: messageUrl('msg-nothing', action),
        headers: auth(TOKENS.dutyOfficer),
      })
      expect(r.statusCode).toBe(404)
      // Without a token, whether a message exists is not given away.
      const anonymous = await s.app.inject({
        method: 'POST',
        url: messageUrl('msg-nothing', action),
      })
      expect(anonymous.statusCode).toBe(401)
    }
    const anonymousList = await s.app.inject({
      url: '/api/v1/deliveries?warningId=freshet.seine.9&version=1',
    })
    expect(anonymousList.statusCode).toBe(401)
    expect(await acknowledgments()).toEqual([])
    expect(hook.received).toHaveLength(1)
  })

  // Fails until the acknowledgment link reaches its route (a message id holds `/` and `%`,
  // and goes unencoded into the link's path).
  it('acknowledges by the link: its page records nothing, its POST does', async () => {
    const { id, link } = await deliverOne()
    const path = new URL(link).pathname
    const page = await s.app.inject({ url: path })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    expect(page.body).toContain('<form method="post">')
    expect(page.body).toContain('freshet.seine.1.1')
    expect(await acknowledgments()).toEqual([])
    expect((await deliveries())[0]!.acknowledged).toBeNull()

    const tampered = path.replace(/\/ack\/(.)/, (_, c: string) => `/ack/${c === 'a' ? 'b' : 'a'}`)
    expect(tampered).not.toBe(path)
    expect((await s.app.inject({ url: tampered })).statusCode).toBe(404)
    expect((await s.app.inject({ method: 'POST', url: tampered })).statusCode).toBe(404)
    expect(await acknowledgments()).toEqual([])

    s.now += MINUTE
    const acked = await s.app.inject({
      method: 'POST',
      url: path,
      headers: { accept: 'application/json' },
    })
    expect(acked.statusCode).toBe(200)
    expect(acked.json()).toEqual({
      messageId: id,
      warningId: 'freshet.seine.1',
      version: 1,
      recipient: 'duty-room',
      at: new Date(s.now).toISOString(),
      via: 'link',
    })
    expect((await deliveries())[0]!.acknowledged).toEqual({
      at: new Date(s.now).toISOString(),
      via: 'link',
    })
    const html = await s.app.inject({ method: 'POST', url: path })
    expect(html.body).toContain('is acknowledged')
  })

  // Fails until a message can be named in a path: its id holds `/` and `%` and is longer
  // than the 64 characters the routes take.
  it('resends with the same idempotency key, and takes acknowledgments by API', async () => {
    const { hook, id } = await deliverOne()
    const resent = await s.app.inject({
      method: 'POST',
      url: messageUrl(id, 'resend'),
      headers: auth(TOKENS.dutyOfficer),
    })
    expect(resent.statusCode).toBe(202)
    expect(resent.json()).toEqual({ id, resends: 1, status: 'pending' })
    await s.delivery.idle()
    await s.delivery.worker.deliverDue()
    expect(hook.received).toHaveLength(2)
    expect(hook.received[1]!.idempotencyKey).toBe(hook.received[0]!.idempotencyKey)
    expect(hook.received[1]!.headers['x-freshet-signature']).toBe(
      expectedWebhookSignature(SECRET, hook.received[1]!.body),
    )
    expect((await deliveries())[0]).toMatchObject({
      status: 'delivered',
      resends: 1,
      log: [
        { attempt: 1, resend: 0, outcome: 'delivered' },
        { attempt: 1, resend: 1, outcome: 'delivered' },
      ],
    })
    const outside = await s.app.inject({
      method: 'POST',
      url: messageUrl(id, 'resend'),
      headers: auth(TOKENS.aubeDuty),
    })
    expect(outside.statusCode).toBe(403)

    // A duty officer acknowledges on the recipient's behalf; an observer who is not the
    // recipient may not.
    const byObserver = await s.app.inject({
      method: 'POST',
      url: messageUrl(id, 'ack'),
      headers: auth(TOKENS.observer),
    })
    expect(byObserver.statusCode).toBe(403)
    expect(byObserver.json<ErrorView>().error.message).toMatch(/olga is not the recipient/)
    expect(await acknowledgments()).toEqual([])
    const byDuty = await s.app.inject({
      method: 'POST',
      url: messageUrl(id, 'ack'),
      headers: auth(TOKENS.dutyOfficer),
    })
    expect(byDuty.statusCode).toBe(200)
    expect(byDuty.json()).toMatchObject({ messageId: id, recipient: 'duty-room', via: 'api' })
    expect((await deliveries())[0]!.acknowledged?.via).toBe('api')
  })

  it('escalates to the next contact what is not acknowledged in time, and only that', async () => {
    const [first, second] = [await peer(), await peer()]
    const r = await put('ops', {
      recipient: 'duty-room',
      contacts: [
        webhook(first.url, SECRET),
        { ...webhook(second.url, OTHER_SECRET), language: 'en' },
      ],
      areas: '*',
      minLevel: 0,
      languages: [],
    })
    expect(r.statusCode).toBe(200)
    const messagesOf = async (zone: 'seine' | 'aube') => {
      const q = await s.app.inject({
        url: `/api/v1/deliveries?warningId=freshet.${zone}.1&version=1`,
        headers: auth(TOKENS.dutyOfficer),
      })
      expect(q.statusCode).toBe(200)
      return q.json<MessageView[]>()
    }
    // An emergency in each zone, both delivered to the first contact at t0.
    await observe(s, 'seine', 300, 1)
    await observe(s, 'aube', 280, 1)
    expect(await s.delivery.worker.deliverDue()).toHaveLength(2)
    expect(first.received).toHaveLength(2)
    const t0 = s.now
    expect(await s.delivery.worker.escalateDue()).toEqual([])

    // Aube's is acknowledged in time; seine's is not.
    s.now = t0 + 4 * MINUTE
    const [aube] = await messagesOf('aube')
    const acked = await s.app.inject({
      method: 'POST',
      url: `/api/v1/deliveries/${aube!.id}/ack`,
      headers: auth(TOKENS.dutyOfficer),
    })
    expect(acked.statusCode).toBe(200)
    s.now = t0 + 5 * MINUTE - 1000
    expect(await s.delivery.worker.escalateDue()).toEqual([])
    expect(await s.delivery.worker.deliverDue()).toEqual([])
    expect(second.received).toHaveLength(0)

    s.now = t0 + 5 * MINUTE
    const escalated = await s.delivery.worker.escalateDue()
    expect(escalated.map((m) => [m.alertId, m.contactIndex, m.address, m.language])).toEqual([
      ['freshet.seine.1', 1, second.url, 'en'],
    ])
    await s.delivery.worker.deliverDue()
    expect(second.received).toHaveLength(1)
    const got = second.received[0]!
    expect(got.headers['x-freshet-signature']).toBe(
      expectedWebhookSignature(OTHER_SECRET, got.body),
    )
    expect(got.idempotencyKey).not.toBe(first.received[0]!.idempotencyKey)
    expect(JSON.parse(got.body)).toMatchObject({
      alertId: 'freshet.seine.1',
      language: 'en',
      subject: 'Flood emergency: seine valley',
    })
    expect(first.received).toHaveLength(2)

    expect(
      (await messagesOf('seine')).map((m) => [m.contactIndex, m.status, m.escalatedAt]),
    ).toEqual([
      [0, 'delivered', new Date(t0 + 5 * MINUTE).toISOString()],
      [1, 'delivered', null],
    ])
    expect(
      (await messagesOf('aube')).map((m) => [m.contactIndex, m.escalatedAt, m.acknowledged?.via]),
    ).toEqual([[0, null, 'api']])
    // Once is enough, and the last contact has no one after it.
    s.now = t0 + 60 * MINUTE
    expect(await s.delivery.worker.escalateDue()).toEqual([])
    expect(await s.delivery.worker.deliverDue()).toEqual([])
    expect(second.received).toHaveLength(1)
  })
})
