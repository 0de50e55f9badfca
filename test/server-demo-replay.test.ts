/**
 * The demo's time control on the real server (`freshet serve` on the demo region, started
 * paused): the replay holds its clock, steps one simulated day at a time with the day's
 * forecast stored, plays and pauses, changes speed, announces each change as a `replay` event,
 * and only duty officers and admins may move it. Outside the demo the control is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, DEMO_TOKENS, startDemoServer, type DemoServer } from './support/browser.ts'
import { testServer } from './support/server.ts'

const DAY = 86_400_000

interface Status {
  state: 'playing' | 'paused' | 'finished'
  simTime: string
  start: string
  end: string
  speed: number
}

describe('the demo replay under control', () => {
  let server: DemoServer
  beforeAll(async () => {
    server = await startDemoServer({ paused: true, hoursPerSecond: 24 })
  }, 180_000)
  afterAll(async () => {
    await server?.close()
  })

  const status = async (): Promise<Status> => {
    const r = await fetch(`${server.url}/api/v1/demo/replay`)
    expect(r.status).toBe(200)
    return (await r.json()) as Status
  }
  const control = (body: object, token?: string): Promise<Response> =>
    fetch(`${server.url}/api/v1/demo/replay`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token !== undefined ? bearer(token) : {}),
      },
      body: JSON.stringify(body),
    })

  it('holds, steps a day at a time, plays, pauses and changes speed, announcing each change', async () => {
    // Started paused after the first day: the clock stands at the replay's start.
    const first = await status()
    expect(first).toMatchObject({
      state: 'paused',
      start: '2016-05-20T00:00:00.000Z',
      end: '2016-06-25T00:00:00.000Z',
      speed: 24,
    })
    await new Promise((r) => setTimeout(r, 1500))
    expect((await status()).simTime).toBe(first.simTime)
    const runs = async (): Promise<{ issueTime: string }[]> =>
      (await (await fetch(`${server.url}/api/v1/forecasts?limit=100`)).json()) as {
        issueTime: string
      }[]
    const before = await runs()
    expect(before.map((r) => r.issueTime)).toEqual(['2016-05-20T00:00:00.000Z'])

    // Who may move it.
    expect((await control({ action: 'step' })).status).toBe(401)
    expect((await control({ action: 'step' }, DEMO_TOKENS.loingForecaster)).status).toBe(403)
    expect((await control({ action: 'jump' }, DEMO_TOKENS.admin)).status).toBe(400)
    expect((await control({ action: 'speed', speed: 0 }, DEMO_TOKENS.admin)).status).toBe(400)

    // The replay events, read as the dashboard reads them.
    const abort = new AbortController()
    const stream = await fetch(`${server.url}/api/v1/events`, { signal: abort.signal })
    const seen: { kind: string; simTime?: string; state?: string; speed?: number }[] = []
    const reading = (async () => {
      const reader = stream.body!.getReader()
      const decoder = new TextDecoder()
      let buf = ''
      try {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) return
          buf += decoder.decode(value, { stream: true })
          let cut: number
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const data = /^data: (.*)$/m.exec(buf.slice(0, cut))?.[1]
            buf = buf.slice(cut + 2)
            if (data !== undefined) seen.push(JSON.parse(data) as (typeof seen)[number])
          }
        }
      } catch {
        // aborted
      }
    })()

    // A step runs the next day now and answers once it is stored; the state stays paused.
    const stepped = await control({ action: 'step' }, DEMO_TOKENS.aubeDuty)
    expect(stepped.status).toBe(200)
    const after = (await stepped.json()) as Status
    expect(after.state).toBe('paused')
    expect(Date.parse(after.simTime)).toBe(Date.parse(first.simTime) + DAY)
    expect((await runs()).map((r) => r.issueTime)[0]).toBe('2016-05-21T00:00:00.000Z')

    const speed = await control({ action: 'speed', speed: 240 }, DEMO_TOKENS.seineDuty)
    expect(((await speed.json()) as Status).speed).toBe(240)
    // Playing at 240 h/s: a simulated day every 0.1 s.
    expect(
      ((await (await control({ action: 'play' }, DEMO_TOKENS.admin)).json()) as Status).state,
    ).toBe('playing')
    await new Promise((r) => setTimeout(r, 1500))
    const paused = (await (await control({ action: 'pause' }, DEMO_TOKENS.admin)).json()) as Status
    expect(paused.state).toBe('paused')
    expect(Date.parse(paused.simTime)).toBeGreaterThan(Date.parse(after.simTime) + DAY)
    await new Promise((r) => setTimeout(r, 500))
    const held = await status()
    // The day being computed when it paused may still land; then the clock holds.
    await new Promise((r) => setTimeout(r, 700))
    expect((await status()).simTime).toBe(held.simTime)

    const replays = seen.filter((e) => e.kind === 'replay')
    expect(replays[0]).toEqual({
      kind: 'replay',
      simTime: after.simTime,
      state: 'paused',
      speed: 24,
    })
    expect(replays.map((e) => e.state)).toContain('playing')
    expect(replays.at(-1)).toMatchObject({ state: 'paused', speed: 240 })
    expect(seen.some((e) => e.kind === 'forecast')).toBe(true)
    abort.abort()
    await reading
  }, 120_000)
})

describe('outside the demo', () => {
  it('has no time control (404)', async () => {
    const s = await testServer()
    try {
      const r = await s.app.inject({ method: 'GET', url: '/api/v1/demo/replay' })
      expect(r.statusCode).toBe(404)
      expect(r.json()).toMatchObject({ error: { code: 'not_found' } })
    } finally {
      await s.close()
    }
  })
})
