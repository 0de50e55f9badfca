/**
 * A post answers its orders from the dashboard, in Debian's Chromium against the real server on
 * the demo region (replay paused at its first day), cut off from every origin but the server.
 * The Seine river-basin headquarters issues an order through the API to the Aube département
 * and the arrondissement of Troyes (a county post); Troyes' duty officer signs in with the demo
 * password, finds the order under "Orders to my post" and acknowledges it from the keyboard; the
 * API then reports Troyes as having accepted, and a second page signed in as the headquarters
 * sees Troyes' state change in the order tree without reloading. A third Troyes page that has
 * lost its live stream answers a record that moved on since: the server's refusal (409) is shown
 * in the form and the banner, and the record is read again. Screenshots go to
 * test-artifacts/browser/.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearer,
  browserAvailable,
  DEMO_TOKENS,
  launchBrowser,
  noteIfSkipped,
  screenshot,
  startDemoServer,
  type DemoServer,
  type OpenedPage,
  signInWithToken,
  signInWithPassword,
  demoPassword,
  openOfflinePage,
} from './support/browser.ts'

noteIfSkipped('browser-order-answer')

const HOUR_MS = 3_600_000
const COUNTY = 'fr.aube.troyes'
const COUNTY_USER = 'demo.troyes-duty'

interface RecipientRecord {
  readonly status: string
  readonly version: number
  readonly report: string | null
}

/** Marks the page so that a reload (which forgets the mark) is seen; runs in the page. */
function mark(): number {
  return ((globalThis as unknown as { marker?: number }).marker = 42)
}
/** The mark set by {@link mark}, or undefined after a reload; runs in the page. */
function marker(): number | undefined {
  return (globalThis as unknown as { marker?: number }).marker
}

describe.skipIf(!browserAvailable())('answering an order from the dashboard', () => {
  let server: DemoServer
  let browser: Browser
  let password: string
  let orderId: string
  let county: OpenedPage
  let hq: OpenedPage
  const opened: OpenedPage[] = []

  /** A page of a fresh context, offline but for the server, on the dashboard. */
  const open = async (): Promise<OpenedPage> => {
    const p = await openOfflinePage(browser, server.url)
    opened.push(p)
    return p
  }

  /** The record of `post` for the order, as the API reports it to `token`. */
  const recordOf = async (token: string, post = COUNTY): Promise<RecipientRecord> => {
    const res = await fetch(`${server.url}/api/v1/command/orders/${orderId}/posts/${post}`, {
      headers: bearer(token),
    })
    expect(res.status).toBe(200)
    return (await res.json()) as RecipientRecord
  }

  beforeAll(async () => {
    server = await startDemoServer({ paused: true })
    password = demoPassword(server)
    browser = await launchBrowser()
    const health = (await (await fetch(`${server.url}/health`)).json()) as { time: string }
    const now = Date.parse(health.time)
    const res = await fetch(`${server.url}/api/v1/command/orders`, {
      method: 'POST',
      headers: { ...bearer(DEMO_TOKENS.seineDuty), 'content-type': 'application/json' },
      body: JSON.stringify({
        issuerPost: 'fr.basin.seine',
        title: 'Close the riverside car parks',
        actions: ['Close the car parks along the Seine', 'Report the closures'],
        recipients: { kind: 'selected', posts: ['fr.aube', COUNTY] },
        ackDeadline: new Date(now + 6 * HOUR_MS).toISOString(),
        completionDeadline: new Date(now + 24 * HOUR_MS).toISOString(),
      }),
    })
    expect(res.status).toBe(201)
    orderId = ((await res.json()) as { id: string }).id
  }, 180_000)

  afterAll(async () => {
    for (const p of opened) p.problems.stop()
    await browser?.close()
    await server?.close()
  })

  it('shows the headquarters the order with the county post silent', async () => {
    hq = await open()
    await hq.page.goto('/')
    await signInWithToken(hq.page, DEMO_TOKENS.seineDuty)
    await hq.page.getByTestId('tab-command').click()
    await hq.page.getByTestId(`order-item-${orderId}`).click()
    const tree = hq.page.getByTestId('order-tree')
    await expect.poll(() => tree.getAttribute('data-order')).toBe(orderId)
    await expect
      .poll(() => hq.page.getByTestId(`post-state-${COUNTY}`).getAttribute('data-state'))
      .toBe('issued')
    expect(await hq.page.evaluate(mark)).toBe(42)
  })

  it('lists the order under "Orders to my post" for the county post’s duty officer', async () => {
    county = await open()
    await county.page.goto('/')
    await signInWithPassword(county.page, COUNTY_USER, password)
    await county.page.getByTestId('tab-command').click()
    const mine = county.page.getByTestId('my-orders')
    await expect
      .poll(() => mine.getByRole('heading', { name: 'Orders to my post' }).count())
      .toBe(1)
    const item = county.page.getByTestId(`my-order-${orderId}`)
    await expect.poll(() => item.getAttribute('data-state')).toBe('issued')
    expect(await item.getByRole('heading', { name: 'Close the riverside car parks' }).count()).toBe(
      1,
    )
    expect(await item.textContent()).toContain('Close the car parks along the Seine')
    expect(await item.textContent()).toContain('Acknowledge by')
    expect(await county.page.getByTestId(`my-order-state-${orderId}`).textContent()).toBe('silent')
    // Every answer the record may still take, as a labelled button.
    for (const name of ['Confirm receipt', 'Acknowledge', 'Unable'])
      expect(await item.getByRole('button', { name, exact: true }).count()).toBe(1)
    expect(await item.getByRole('button', { name: 'Report done' }).count()).toBe(0)
    // Unable needs its reason first.
    expect(await item.getByRole('button', { name: 'Unable', exact: true }).isDisabled()).toBe(true)
    await screenshot(county.page, 'order-answer-01-listed')
  })

  it('acknowledges the order from the keyboard, and the API reports it', async () => {
    const item = county.page.getByTestId(`my-order-${orderId}`)
    await item.getByRole('button', { name: 'Acknowledge', exact: true }).press('Enter')
    await expect.poll(() => item.getAttribute('data-state'), { timeout: 15_000 }).toBe('accepted')
    expect(await item.getByRole('status').textContent()).toBe('Answer recorded: acknowledged.')
    expect((await recordOf(DEMO_TOKENS.seineDuty)).status).toBe('accepted')
    // The other recipient was not touched.
    expect((await recordOf(DEMO_TOKENS.seineDuty, 'fr.aube')).status).toBe('issued')
    // What the record may take now: done (with a report) or unable.
    await expect.poll(() => item.getByRole('button', { name: 'Report done' }).count()).toBe(1)
    expect(await item.getByRole('button', { name: 'Acknowledge', exact: true }).count()).toBe(0)
    await screenshot(county.page, 'order-answer-02-acknowledged')
  })

  it('shows the headquarters the county post’s answer live, without reloading', async () => {
    await expect
      .poll(() => hq.page.getByTestId(`post-state-${COUNTY}`).getAttribute('data-state'), {
        timeout: 15_000,
      })
      .toBe('accepted')
    expect(await hq.page.getByTestId('post-state-fr.aube').getAttribute('data-state')).toBe(
      'issued',
    )
    expect(await hq.page.evaluate(marker)).toBe(42)
    await screenshot(hq.page, 'order-answer-03-headquarters')
  })

  it('shows the refusal of an answer to a record that moved on, and reads it again', async () => {
    // A page whose event stream carries nothing: it does not hear of the answer below.
    const stale = await open()
    await stale.page.route('**/api/v1/events', (route) =>
      route.fulfill({ status: 200, contentType: 'text/event-stream', body: '' }),
    )
    await stale.page.goto('/')
    await signInWithPassword(stale.page, COUNTY_USER, password)
    await stale.page.getByTestId('tab-command').click()
    const item = stale.page.getByTestId(`my-order-${orderId}`)
    await expect.poll(() => item.getAttribute('data-state')).toBe('accepted')

    const session = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: COUNTY_USER, password }),
    })
    expect(session.status).toBe(200)
    const token = ((await session.json()) as { token: string }).token
    const before = await recordOf(token)
    const done = await fetch(
      `${server.url}/api/v1/command/orders/${orderId}/posts/${COUNTY}/responses`,
      {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: 'completed',
          version: before.version,
          report: 'All four car parks closed.',
        }),
      },
    )
    expect(done.status).toBe(200)

    await stale.page.getByTestId(`answer-note-${orderId}`).fill('Two car parks closed so far.')
    await item.getByRole('button', { name: 'Report done' }).click()
    const refusal = item.getByRole('alert')
    await refusal.waitFor()
    expect(await refusal.textContent()).toMatch(/\(HTTP 409\)$/)
    expect(await stale.page.getByTestId('error-banner').textContent()).toContain(
      `Answer to order ${orderId} failed`,
    )
    // Read again: the report made elsewhere, and nothing more to answer.
    await expect.poll(() => item.getAttribute('data-state')).toBe('completed')
    expect(await item.textContent()).toContain('Report: All four car parks closed.')
    expect(await item.getByRole('button').count()).toBe(0)
    expect((await recordOf(token)).report).toBe('All four car parks closed.')
    await screenshot(stale.page, 'order-answer-04-refused')
    stale.problems.stop()
    // The refused request is the one problem the browser logs.
    expect(stale.problems.problems()).toEqual([
      expect.stringMatching(/^console: Failed to load resource: .* 409 /),
    ])
  })

  it('produced no console error and reached nothing but the server', () => {
    for (const p of [county, hq]) {
      p.problems.stop()
      expect(p.problems.consoleErrors).toEqual([])
      expect(p.problems.pageErrors).toEqual([])
      // The event stream is closed by the page itself each time the session changes.
      const failed = p.problems.failedRequests.filter(
        (r) => !/^GET \S+\/api\/v1\/events: net::ERR_ABORTED$/.test(r),
      )
      expect(failed).toEqual([])
      expect(p.problems.blocked).toEqual([])
    }
  })
})
