/**
 * The server's delivery loop: it takes what is due in the outbox, sends it through the
 * configured channels (webhook always; e-mail and SMS when configured), records each attempt,
 * and escalates warnings not acknowledged in time. It runs when woken (a warning was just
 * published, an order issued or escalated) and otherwise every `pollMs`, so retries and
 * escalations happen on time and a message left in the outbox by a crash is sent after the
 * restart. The outbox carries warnings (rendered from their CAP alert) and notices of orders
 * (rendered from the order; see src/notify/order-messages.ts).
 *
 * One loop per database: the outbox's due messages are not claimed, so two servers on one
 * PostgreSQL database could both send a message (receivers drop the copy by its idempotency
 * key; see docs/deployment.md).
 */
import { randomBytes } from 'node:crypto'
import type { Clock } from '../core/clock.ts'
import type { Rng } from '../core/rng.ts'
import { emailChannel, type EmailChannel } from '../channels/email.ts'
import { hmacSigner } from '../channels/hmac-signer.ts'
import { smsGatewayChannel } from '../channels/sms-gateway.ts'
import { webhookChannel } from '../channels/webhook.ts'
import { ackToken } from '../notify/ack.ts'
import { createDeliveryWorker, type DeliveryWorker } from '../notify/delivery-worker.ts'
import type { ChannelPort, ContentRenderer, RenderedContent, Signer } from '../notify/ports.ts'
import { postOfRecipient } from '../notify/order-messages.ts'
import { orderTextsFor, type OrderTextContext } from './order-texts.ts'
import type { ChannelKind, OrderNotice, OutboxMessage, Subscription } from '../notify/types.ts'
import type { Order, RecipientState } from '../command/orders.ts'
import type { OrderId, PostId } from '../command/types.ts'
import type { Store } from '../store/index.ts'
import { readCap } from '../warn/cap/read.ts'
import type { AlertId } from '../warn/types.ts'
import type { ServerConfig } from './config.ts'

export interface DeliveryService {
  readonly worker: DeliveryWorker
  /** Signs and reads acknowledgment tokens. */
  readonly signer: Signer
  /** The acknowledgment link of a message. */
  ackLink(messageId: string): string
  /** Runs the loop now (after a warning was published, or an order issued or escalated). */
  wake(): void
  /** Reloads the subscriptions the webhook channel takes its secrets from. */
  subscriptionsChanged(): Promise<void>
  /** Resolves when the loop has no pass running. */
  idle(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

export interface DeliveryServiceDeps {
  readonly store: Store
  readonly config: ServerConfig['delivery']
  /** Absolute URL of the server, for acknowledgment links. */
  readonly baseUrl: () => string
  /** Wall-clock time: retries, deadlines and the delivery log. */
  readonly clock: Clock
  readonly rng: Rng
  /** Reads secrets named in the configuration (environment variables). */
  readonly env: NodeJS.ProcessEnv
  readonly log: (msg: string) => void
}

/** The setting under which the acknowledgment-link secret is kept. */
export const ACK_SECRET_SETTING = 'ack-link-secret'

function secretFromEnv(env: NodeJS.ProcessEnv, name: string | undefined): string | undefined {
  if (name === undefined) return undefined
  const v = env[name]
  if (v === undefined || v === '')
    throw new Error(
      `delivery: the environment variable ${name} named in the configuration is not set`,
    )
  return v
}

/**
 * The content of an order message: the order (title, actions, deadlines), the state of the post
 * it is about, and what is asked, with the API call that answers it, in the contact's language
 * (src/server/order-texts.ts). No CAP; no acknowledgment link (an order is answered through the
 * command API).
 */
function orderContent(
  order: Order,
  m: OutboxMessage,
  notice: OrderNotice,
  rec: RecipientState,
  baseUrl: string,
): RenderedContent {
  const iso = (t: number): string => new Date(t).toISOString()
  const post = notice.post
  const orderUrl = `${baseUrl}/api/v1/command/orders/${encodeURIComponent(order.id)}`
  const recordUrl = `${orderUrl}/posts/${encodeURIComponent(post)}`
  const respondUrl = `${recordUrl}/responses`
  const superior = postOfRecipient(m.recipient) ?? m.recipient
  const texts = orderTextsFor(m.language)
  const c: OrderTextContext = {
    orderId: order.id,
    title: order.title,
    issuerPost: order.issuerPost,
    issuedAt: iso(order.issuedAt),
    ackDeadline: iso(order.ackDeadline),
    completionDeadline: iso(order.completionDeadline),
    references: order.references,
    post,
    status: rec.status,
    recordUrl,
    respondUrl,
  }
  let subject: string
  let asked: readonly string[]
  switch (notice.kind) {
    case 'issued':
    case 'reminder':
      subject =
        notice.deadline === null
          ? texts.subjectIssued(c)
          : texts.subjectReminder(c, notice.deadline)
      asked = [
        notice.deadline === null ? texts.askIssued(c) : texts.askReminder(c, notice.deadline),
        ...texts.howToAnswer(c, rec.version),
      ]
      break
    case 'escalation':
      subject = texts.subjectEscalation(c, notice.deadline)
      asked = texts.escalation(
        c,
        notice.deadline,
        superior,
        `${orderUrl}/escalations?superior=${encodeURIComponent(superior)}`,
      )
      break
  }
  const lines = [subject, '', ...texts.body(c, order.actions), '', ...asked]
  return {
    subject,
    text: lines.join('\n'),
    json: {
      kind: 'order',
      notice: notice.kind,
      deadlineMissed: notice.deadline,
      orderId: order.id,
      title: order.title,
      actions: [...order.actions],
      issuerPost: order.issuerPost,
      issuedBy: order.issuedBy,
      issuedAt: iso(order.issuedAt),
      ackDeadline: iso(order.ackDeadline),
      completionDeadline: iso(order.completionDeadline),
      references: order.references,
      post,
      status: rec.status,
      version: rec.version,
      escalated: {
        ack: rec.escalated.ack === null ? null : iso(rec.escalated.ack),
        completion: rec.escalated.completion === null ? null : iso(rec.escalated.completion),
      },
      record: recordUrl,
      respond: { method: 'POST', url: respondUrl },
    },
    capXml: null,
  }
}

/**
 * The content of a message: the CAP alert of its warning version, in its language; or, for an
 * order, the order as the post it is about stands with it (read at each attempt).
 */
function renderer(
  store: Store,
  ackLink: (id: string) => string,
  baseUrl: () => string,
): ContentRenderer {
  // Orders never change once issued: each is read from the store once.
  const orders = new Map<string, Order>()
  const orderOf = async (id: OrderId): Promise<Order | undefined> => {
    const cached = orders.get(id)
    if (cached !== undefined) return cached
    const s = await store.orders.find(id)
    if (s === undefined) return undefined
    if (orders.size >= 1000) orders.clear()
    orders.set(id, s.order)
    return s.order
  }
  return {
    async render(m: OutboxMessage): Promise<RenderedContent | undefined> {
      if (m.subject === 'order') {
        if (m.notice === null) return undefined
        const order = await orderOf(m.alertId as OrderId)
        if (order === undefined) return undefined
        const rec = await store.orders.findRecipient(order.id, m.notice.post as PostId)
        if (rec === undefined) return undefined
        return orderContent(order, m, m.notice, rec, baseUrl())
      }
      const record = await store.capAlerts.find(`${m.alertId}.${m.alertVersion}` as AlertId)
      if (record === undefined) return undefined
      const read = readCap(record.xml)
      if (!read.ok) return undefined
      const alert = read.value
      const info = alert.infos.find((i) => i.language === m.language) ?? alert.infos[0]
      if (info === undefined) return undefined
      const link = ackLink(m.id)
      const headline = info.headline ?? info.event
      const lines = [headline, '', info.description ?? '', '', info.instruction ?? '']
      if (info.web !== undefined) lines.push('', info.web)
      lines.push('', `Acknowledge: ${link}`)
      return {
        subject: headline,
        text: lines.join('\n').replace(/\n{3,}/g, '\n\n'),
        json: {
          identifier: alert.identifier,
          sender: alert.sender,
          sent: new Date(alert.sent.epochMs).toISOString(),
          msgType: alert.msgType,
          references: alert.references.map((r) => r.identifier),
          zoneId: record.zoneId,
          levelRank: record.levelRank,
          language: info.language,
          event: info.event,
          severity: info.severity,
          urgency: info.urgency,
          certainty: info.certainty,
          expires: info.expires === undefined ? null : new Date(info.expires.epochMs).toISOString(),
          headline,
          description: info.description ?? null,
          instruction: info.instruction ?? null,
          acknowledge: link,
        },
        capXml: record.xml,
      }
    },
  }
}

/** Builds the delivery loop over the store and the configured channels (not started). */
export async function createDeliveryService(deps: DeliveryServiceDeps): Promise<DeliveryService> {
  const { store, config } = deps
  const secret = await store.settings.setIfAbsent(
    ACK_SECRET_SETTING,
    randomBytes(32).toString('hex'),
  )
  const signer = hmacSigner(secret)
  const ackLink = (id: string): string => `${deps.baseUrl()}/ack/${ackToken(id, signer)}`
  let subscriptions = new Map<string, Subscription>()
  const subscriptionsChanged = async (): Promise<void> => {
    subscriptions = new Map((await store.subscriptions.list()).map((s) => [s.id, s]))
  }
  const channels: Partial<Record<ChannelKind, ChannelPort>> = {
    webhook: webhookChannel({
      clock: deps.clock,
      timeoutMs: config.webhookTimeoutMs,
      secretFor: (m) => subscriptions.get(m.subscriptionId)?.contacts[m.contactIndex]?.secret,
    }),
  }
  let email: EmailChannel | undefined
  if (config.email !== undefined) {
    const e = config.email
    const pass = secretFromEnv(deps.env, e.passwordEnv)
    email = emailChannel({
      host: e.host,
      port: e.port,
      security: e.security,
      from: e.from,
      ...(e.user !== undefined && pass !== undefined ? { auth: { user: e.user, pass } } : {}),
      ...(e.messageIdDomain !== undefined ? { messageIdDomain: e.messageIdDomain } : {}),
    })
    channels.email = email
  }
  if (config.sms !== undefined) {
    const s = config.sms
    const value = secretFromEnv(deps.env, s.authValueEnv)
    channels.sms = smsGatewayChannel({
      url: s.url,
      ...(value !== undefined ? { auth: { name: s.authHeader, value } } : {}),
      ...(s.sender !== undefined ? { sender: s.sender } : {}),
      maxSegments: s.maxSegments,
    })
  }
  const worker = createDeliveryWorker({
    clock: deps.clock,
    rng: deps.rng,
    outbox: store.outbox,
    log: store.deliveryLog,
    acks: store.acknowledgments,
    subscriptions: store.subscriptions,
    alerts: store.alerts,
    renderer: renderer(store, ackLink, deps.baseUrl),
    channels,
    signer,
    retry: {
      maxAttempts: config.retry.maxAttempts,
      baseDelayMs: config.retry.baseDelaySeconds * 1000,
      maxDelayMs: config.retry.maxDelaySeconds * 1000,
    },
    escalation: { ackTimeoutMs: config.ackTimeoutMinutes * 60_000 },
  })

  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | null = null
  let again = false
  let stopped = false

  // Escalation looks at every unacknowledged message: at most every few seconds (deadlines are
  // minutes), not on every wake-up after a warning.
  const escalateEveryMs = Math.max(config.pollMs, 5000)
  let lastEscalation = -Infinity
  const pass = async (): Promise<void> => {
    await subscriptionsChanged()
    // Deliver until nothing is due, then escalate when it is time (which may add due messages).
    for (let rounds = 0; rounds < 50 && !stopped; rounds++) {
      const sent = await worker.deliverDue(100, config.concurrency)
      let escalated: readonly unknown[] = []
      if (Date.now() - lastEscalation >= escalateEveryMs) {
        lastEscalation = Date.now()
        escalated = await worker.escalateDue()
      }
      if (sent.length === 0 && escalated.length === 0) break
    }
  }
  const run = (): void => {
    if (stopped) return
    if (running !== null) {
      again = true
      return
    }
    running = (async () => {
      do {
        again = false
        try {
          await pass()
        } catch (e) {
          deps.log(`delivery pass failed: ${e instanceof Error ? e.message : String(e)}`)
        }
      } while (again && !stopped)
    })().finally(() => {
      running = null
      // A wake after the loop's last look and before this line.
      if (again && !stopped) run()
    })
  }
  const idle = async (): Promise<void> => {
    while (running !== null) await running
  }

  return {
    worker,
    signer,
    ackLink,
    wake: run,
    subscriptionsChanged,
    idle,
    async start() {
      await subscriptionsChanged()
      run()
      timer = setInterval(run, config.pollMs)
      timer.unref()
    },
    async stop() {
      stopped = true
      if (timer !== undefined) clearInterval(timer)
      await idle()
      email?.close()
    },
  }
}
