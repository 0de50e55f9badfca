/**
 * The outbox across a crash: the server is killed (SIGKILL) after it decided to issue an alert
 * and while it sends the webhook, before the receiver answers — the decision and the outbox row
 * are committed, the attempt's result is not. Restarted on the same database, the server sends
 * the message again with the same idempotency key and a valid signature, records it as
 * delivered, and does not decide the same alert a second time.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { BasinId, SeriesId, StationId, ThresholdId } from '../src/core/ids.ts'
import type { Threshold } from '../src/observe/types.ts'
import { tokenDigest } from '../src/server/auth.ts'
import { openStore } from '../src/store/index.ts'
import type { WarningZoneId } from '../src/warn/types.ts'
import { ROOT, tempDir, tempFiles } from './support/cli.ts'

const TOKEN = 'outbox-crash-admin-token'
const SECRET = 'outbox-crash-webhook-secret'
const ZONE = 'riverside'
const SERIES = 'riverside-gauge:discharge'
const THRESHOLDS = { Q2: 100, Q5: 150, Q10: 200, Q20: 250 } as const

interface Running {
  readonly child: ChildProcess
  readonly ready: Promise<void>
  readonly exited: Promise<number | null>
}

function start(dbFile: string, configFile: string, port: number): Running {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'freshet.js'), 'serve', '--no-demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      FRESHET_DB: dbFile,
      FRESHET_CONFIG: configFile,
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const ready = new Promise<void>((resolve, reject) => {
    let err = ''
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
      if (err.includes('serving')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)))
  })
  return { child, ready, exited }
}

interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** Resolves when `check` holds, polling every 20 ms; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const running: ChildProcess[] = []
afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill()
})

describe('a server killed between the decision and the delivery', () => {
  it('delivers the message after a restart, once decided and with the same key', async () => {
    const dir = tempDir()
    const db = join(dir, 'outbox.db')
    const seed = await openStore(db)
    await seed.basins.upsert([
      {
        id: ZONE as BasinId,
        name: 'Riverside',
        areaKm2: 120,
        outline: null,
        hypsometry: null,
        downstream: null,
      },
    ])
    await seed.stations.upsert([
      {
        id: 'riverside-gauge' as StationId,
        name: 'Riverside gauge',
        river: 'Riverside',
        lat: 37.5,
        lon: 127,
        basinId: ZONE as BasinId,
        catchmentAreaKm2: 120,
        datumM: null,
      },
    ])
    await seed.series.upsert([
      {
        id: SERIES as SeriesId,
        variable: 'discharge',
        unit: 'm3/s',
        kind: 'observed',
        stationId: 'riverside-gauge' as StationId,
        basinId: null,
        stepMs: null,
      },
    ])
    await seed.thresholds.upsert(
      Object.entries(THRESHOLDS).map(([name, value]): Threshold => ({
        id: `${SERIES}:${name}` as ThresholdId,
        seriesId: SERIES as SeriesId,
        name,
        returnPeriodYears: Number(name.slice(1)),
        value,
        source: 'manual',
        ciLow: null,
        ciHigh: null,
        setBy: null,
        reason: 'test',
        setAt: Date.now() as EpochMs,
      })),
    )
    await seed.close()

    const cfg = join(
      tempFiles({
        'c.json': {
          tokens: [{ sha256: tokenDigest(TOKEN), user: 'ada', role: 'admin', areas: ['*'] }],
          warnings: {
            sender: { id: 'test.freshet.example', name: 'Freshet test' },
            languages: ['en', 'ko'],
            levels: { advisory: 'Q2', warning: 'Q5', severe: 'Q10', emergency: 'Q20' },
            zones: [
              {
                id: ZONE,
                name: 'Riverside',
                basinIds: [ZONE],
                seriesIds: [SERIES],
                polygons: [
                  [
                    [37.4, 126.9],
                    [37.6, 126.9],
                    [37.6, 127.1],
                    [37.4, 127.1],
                    [37.4, 126.9],
                  ],
                ],
              },
            ],
          },
          delivery: {
            pollMs: 200,
            retry: { maxAttempts: 6, baseDelaySeconds: 0.2, maxDelaySeconds: 1 },
            webhookTimeoutMs: 5_000,
          },
        },
      }),
      'c.json',
    )

    // The receiver: the first request kills the server before it is answered; later ones get 200.
    const received: Received[] = []
    let victim: ChildProcess | undefined
    const held: ServerResponse[] = []
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
        if (received.length === 1) {
          victim?.kill('SIGKILL')
          held.push(res)
          return
        }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ id: `receipt-${received.length}` }))
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/freshet`

    try {
      const port = 20_000 + Math.floor(Math.random() * 1000)
      const base = `http://127.0.0.1:${port}`
      const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

      const first = start(db, cfg, port)
      running.push(first.child)
      victim = first.child
      await first.ready
      const sub = await fetch(`${base}/api/v1/subscriptions/duty`, {
        method: 'PUT',
        headers: auth,
        body: JSON.stringify({
          recipient: 'duty-desk',
          contacts: [{ channel: 'webhook', address: hook, language: 'en', secret: SECRET }],
          areas: [ZONE],
          minLevel: 0,
        }),
      })
      expect(sub.status).toBe(200)
      const observed = await fetch(`${base}/api/v1/observations`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          observations: [{ series: SERIES, t: new Date().toISOString(), value: 400, unit: 'm3/s' }],
        }),
      })
      expect(observed.status).toBe(200)
      expect(await observed.json()).toMatchObject({ inserted: 1 })

      // The evaluation publishes the alert, the loop sends it, the receiver kills the server.
      await first.exited
      expect(first.child.signalCode).toBe('SIGKILL')
      expect(received).toHaveLength(1)
      for (const res of held.splice(0)) res.destroy()

      const afterKill = await openStore(db)
      const alerts = await afterKill.capAlerts.byZone(ZONE as WarningZoneId)
      expect(alerts).toHaveLength(1)
      const [alert] = alerts
      expect(alert).toMatchObject({ msgType: 'Alert', levelRank: 3 })
      const pending = await afterKill.outbox.forAlert(alert!.warningId, alert!.version)
      expect(pending).toHaveLength(1)
      expect(pending[0]).toMatchObject({ status: 'pending', attempts: 0, address: hook })
      expect(await afterKill.deliveryLog.forMessage(pending[0]!.id)).toEqual([])
      await afterKill.close()

      // Restarted on the same database, the server sends the message left in the outbox.
      const second = start(db, cfg, port)
      running.push(second.child)
      victim = undefined
      await second.ready
      await until(() => received.length >= 2, 10_000, 'the message after the restart')
      const [killed, again] = received as [Received, Received]
      expect(again.headers['idempotency-key']).toBe(pending[0]!.idempotencyKey)
      expect(again.headers['idempotency-key']).toBe(killed.headers['idempotency-key'])
      const signature = `sha256=${createHmac('sha256', SECRET).update(again.body).digest('hex')}`
      expect(again.headers['x-freshet-signature']).toBe(signature)
      const doc = JSON.parse(again.body) as {
        idempotencyKey: string
        alertId: string
        alert: { identifier: string; zoneId: string }
      }
      expect(doc.alertId).toBe(alert!.warningId)
      expect(doc.alert).toMatchObject({ identifier: alert!.alertId, zoneId: ZONE })
      expect(again.body).toBe(killed.body)

      // A graceful stop lets the loop record the attempt it has in flight.
      second.child.kill('SIGTERM')
      expect(await second.exited).toBe(0)
      expect(received).toHaveLength(2)

      const after = await openStore(db)
      try {
        const alertsAfter = await after.capAlerts.byZone(ZONE as WarningZoneId)
        expect(alertsAfter.map((a) => a.alertId)).toEqual([alert!.alertId])
        const messages = await after.outbox.forAlert(alert!.warningId, alert!.version)
        expect(messages).toHaveLength(1)
        expect(messages[0]).toMatchObject({
          id: pending[0]!.id,
          status: 'delivered',
          attempts: 1,
          lastError: null,
        })
        expect(messages[0]!.deliveredAt).not.toBeNull()
        const log = await after.deliveryLog.forMessage(pending[0]!.id)
        expect(log).toHaveLength(1)
        expect(log[0]).toMatchObject({
          idempotencyKey: pending[0]!.idempotencyKey,
          outcome: 'delivered',
          attempt: 1,
          providerId: 'receipt-2',
        })
      } finally {
        await after.close()
      }
    } finally {
      receiver.closeAllConnections()
      await new Promise<void>((resolve) => receiver.close(() => resolve()))
    }
  }, 30_000)
})
