/**
 * Real peers on loopback for channel tests: an HTTP receiver (a webhook endpoint or an SMS
 * gateway) and an SMTP server (the smtp-server package). Each records what it accepts, keeps
 * one delivery per idempotency key, and can be told to refuse the next calls. For tests only.
 */
import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** How a peer refuses: transiently (HTTP 503, SMTP 451) or for good (HTTP 400, SMTP 550). */
export type Refusal = 'transient' | 'permanent'

/** What a peer accepted. */
export interface Received {
  readonly idempotencyKey: string
  /** The HTTP body, or the raw RFC 5322 message. */
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

export interface RecordingPeer {
  /** Every call that was accepted, duplicates included, in order. */
  readonly received: Received[]
  /** Calls refused so far. */
  readonly refused: number
  /** Distinct idempotency keys accepted. */
  distinctKeys(): Set<string>
  /** Refuses the next `n` calls. */
  refuseNext(n: number, how: Refusal): void
  close(): Promise<void>
}

export interface HttpPeer extends RecordingPeer {
  readonly url: string
}

export interface SmtpPeer extends RecordingPeer {
  readonly port: number
}

class Script {
  private n = 0
  private how: Refusal = 'transient'
  refused = 0
  refuseNext(n: number, how: Refusal): void {
    this.n = n
    this.how = how
  }
  /** The refusal for this call, if any (and counts it). */
  take(): Refusal | undefined {
    if (this.n <= 0) return undefined
    this.n--
    this.refused++
    return this.how
  }
}

function flat(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = String(v)
  return out
}

/**
 * An HTTP receiver on 127.0.0.1 at a random port. It answers 200 `{"id": "<n>"}` to a POST,
 * or the scripted refusal; the idempotency key is read from the `Idempotency-Key` header.
 * @param delayMs waits this long before answering (to test timeouts), in ms
 */
export async function startHttpPeer(delayMs = 0): Promise<HttpPeer> {
  const script = new Script()
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const answer = (): void => {
        const refusal = script.take()
        if (refusal !== undefined) {
          res.writeHead(refusal === 'transient' ? 503 : 400).end('refused by script')
          return
        }
        const headers = flat(req.headers)
        received.push({
          idempotencyKey: headers['idempotency-key'] ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
          headers,
        })
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ id: String(received.length) }))
      }
      if (delayMs > 0) setTimeout(answer, delayMs)
      else answer()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    get refused() {
      return script.refused
    },
    distinctKeys: () => new Set(received.map((r) => r.idempotencyKey)),
    refuseNext: (n, how) => script.refuseNext(n, how),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * HTTP receivers started on demand and closed together (after each test).
 */
export interface HttpPeerPool {
  /** Starts one more receiver (see {@link startHttpPeer}). */
  peer(delayMs?: number): Promise<HttpPeer>
  /** Closes every receiver started so far and forgets them. */
  closeAll(): Promise<void>
}

/** A new, empty {@link HttpPeerPool}. */
export function httpPeerPool(): HttpPeerPool {
  const open: HttpPeer[] = []
  return {
    async peer(delayMs = 0) {
      const p = await startHttpPeer(delayMs)
      open.push(p)
      return p
    },
    async closeAll() {
      for (const p of open.splice(0)) await p.close()
    },
  }
}

/**
 * The `X-Freshet-Signature` a webhook body must carry, computed here on its own (not with the
 * channel's code): `sha256=` and the hex HMAC-SHA256 of the body's UTF-8 bytes under `secret`.
 */
export const expectedWebhookSignature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`

/** Reads an unfolded header of a raw message (case-insensitive), or ''. */
export function headerOf(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? ''
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ')
  const re = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im')
  return re.exec(unfolded)?.[1]?.trim() ?? ''
}

/**
 * An SMTP server on 127.0.0.1 at a random port, without TLS or authentication. It refuses a
 * scripted recipient with 451 or 550 and records each accepted message raw.
 */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const script = new Script()
  const received: Received[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      const refusal = script.take()
      if (refusal === undefined) return callback()
      const err = new Error(refusal === 'transient' ? 'try again later' : 'no such mailbox')
      Object.assign(err, { responseCode: refusal === 'transient' ? 451 : 550 })
      callback(err)
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        received.push({
          idempotencyKey: headerOf(raw, 'X-Freshet-Idempotency-Key'),
          body: raw,
          headers: {
            'message-id': headerOf(raw, 'Message-ID'),
            subject: headerOf(raw, 'Subject'),
            to: headerOf(raw, 'To'),
          },
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    port,
    received,
    get refused() {
      return script.refused
    },
    distinctKeys: () => new Set(received.map((r) => r.idempotencyKey)),
    refuseNext: (n, how) => script.refuseNext(n, how),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}
