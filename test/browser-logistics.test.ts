/**
 * The logistics officer acts from the dashboard, in Debian's Chromium against the real server on
 * the demo region (replay paused at its first day), cut off from every origin but the server.
 * A warning is put on the Loing through the API (drafted by its forecaster, approved by the
 * Seine duty officer); the demo's logistics officer signs in with the demo password, records a
 * receipt at a depot and sees the stock change; proposes an allocation with equity first and
 * dispatches it after confirming; takes one shipment through loaded and departed to delivered,
 * cancels another, and checks persons in at a shelter. Each step is checked against the API. A
 * second page that has lost its live stream records a movement on a stock line changed behind
 * its back: the server's refusal (409) is shown and the line read again; it then checks in more
 * persons than a shelter has places and is shown the server's refusal. An observer sees the
 * same view without forms or buttons. Screenshots go to test-artifacts/browser/logistics-*.png.
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
  signInWithPassword,
  demoPassword,
  openOfflinePage,
} from './support/browser.ts'

noteIfSkipped('browser-logistics')

const OFFICER = 'demo.seine-logistics'
const ZONE = 'loing-episy'
const DEPOT = 'depot-melun'
const ITEM = 'blanket'
const SHELTER_IN = 'shelter-nemours'

interface StockLine {
  readonly itemId: string
  readonly quantity: number
  readonly version: number
}
interface Depot {
  readonly id: string
  readonly stock: readonly StockLine[]
}
interface Plan {
  readonly id: string
  readonly equity: boolean
  readonly areas: readonly { readonly areaId: string }[]
  readonly flows: readonly { depotId: string; areaId: string; quantity: number }[]
  readonly dispatchIds: readonly string[]
}
interface Dispatch {
  readonly id: string
  readonly fromDepotId: string
  readonly state: string
  readonly lines: readonly { readonly itemId: string; readonly quantity: number }[]
}
interface Shelter {
  readonly id: string
  readonly capacity: number
  readonly occupancy: number
  readonly version: number
}

/** A count as the dashboard writes it in English (en-GB grouping). */
const figure = (n: number): string => n.toLocaleString('en-GB', { maximumFractionDigits: 3 })

describe.skipIf(!browserAvailable())('the logistics officer acts from the dashboard', () => {
  let server: DemoServer
  let browser: Browser
  let password: string
  let officer: OpenedPage
  let reader: OpenedPage
  let planId: string
  const opened: OpenedPage[] = []

  /** A page of a fresh context, offline but for the server. */
  const open = async (): Promise<OpenedPage> => {
    const p = await openOfflinePage(browser, server.url)
    opened.push(p)
    return p
  }

  /** GET `path` of the API as the Seine duty officer. */
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, { headers: bearer(DEMO_TOKENS.seineDuty) })
    expect(res.status, path).toBe(200)
    return (await res.json()) as T
  }
  /** POST `body` to `path` of the API with `token`. */
  const post = (path: string, token: string, body: unknown): Promise<Response> =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  /** The stock line of `itemId` at `depotId`, as the API reports it. */
  const lineOf = async (depotId: string, itemId: string): Promise<StockLine> => {
    const d = await api<Depot>(`/api/v1/logistics/depots/${depotId}`)
    return d.stock.find((s) => s.itemId === itemId) ?? { itemId, quantity: 0, version: 0 }
  }

  beforeAll(async () => {
    server = await startDemoServer({ paused: true })
    password = demoPassword(server)
    browser = await launchBrowser()
    // The demo's depots (with their opening stock) and shelters arrive just after it serves.
    const end = Date.now() + 30_000
    for (;;) {
      const [depots, shelters] = await Promise.all([
        api<Depot[]>('/api/v1/logistics/depots'),
        api<Shelter[]>('/api/v1/logistics/shelters'),
      ])
      if (depots.some((d) => d.id === DEPOT && d.stock.length > 0) && shelters.length > 0) break
      if (Date.now() > end) throw new Error('the demo’s depots and shelters never arrived')
      await new Promise((r) => setTimeout(r, 200))
    }
    // A warning on the Loing, so that an allocation has a zone to go to.
    const health = (await (await fetch(`${server.url}/health`)).json()) as { time: string }
    const drafted = await post(`/api/v1/warnings/${ZONE}/drafts`, DEMO_TOKENS.loingForecaster, {
      level: 'warning',
      basis: 'forecast',
      expires: new Date(Date.parse(health.time) + 48 * 3_600_000).toISOString(),
      note: 'Rising at Épisy: median above the 5-year flood in two days.',
    })
    expect(drafted.status).toBe(201)
    const version = ((await drafted.json()) as { zone: { pending: { version: number } } }).zone
      .pending.version
    const approved = await post(
      `/api/v1/warnings/${ZONE}/drafts/${version}/approve`,
      DEMO_TOKENS.seineDuty,
      {},
    )
    expect(approved.status).toBe(200)
  }, 180_000)

  afterAll(async () => {
    for (const p of opened) p.problems.stop()
    await browser?.close()
    await server?.close()
  })

  it('records a receipt at a depot and shows the stock change', async () => {
    officer = await open()
    const { page } = officer
    await page.goto('/#logistics')
    await signInWithPassword(page, OFFICER, password)
    const before = await lineOf(DEPOT, ITEM)
    const cell = page.getByTestId(`stock-${DEPOT}-${ITEM}`)
    await expect.poll(() => cell.textContent()).toBe(figure(before.quantity))

    const form = page.getByTestId('movement-form')
    await page.getByTestId('movement-kind').selectOption('receipt')
    await page.getByTestId('movement-depot').selectOption(DEPOT)
    await page.getByTestId('movement-item').selectOption(ITEM)
    expect(await page.getByTestId('movement-unit').textContent()).toBe('each')
    expect(await page.getByTestId('movement-line').getAttribute('data-version')).toBe(
      String(before.version),
    )
    await page.getByTestId('movement-quantity').fill('150')
    await page.getByTestId('movement-note').fill('Red Cross donation RC-2016-31')
    await screenshot(page, 'logistics-01-receipt-form')
    await form.getByRole('button', { name: 'Record receipt' }).click()
    await expect
      .poll(() => form.getByRole('status').textContent())
      .toMatch(/^Receipt recorded: 150 each of .+ at Melun/)
    await expect.poll(() => cell.textContent()).toBe(figure(before.quantity + 150))
    const after = await lineOf(DEPOT, ITEM)
    expect(after.quantity).toBe(before.quantity + 150)
    expect(after.version).toBe(before.version + 1)
    expect(await page.getByTestId('movement-line').getAttribute('data-version')).toBe(
      String(after.version),
    )
    await screenshot(page, 'logistics-02-receipt-recorded')
  })

  it('proposes an allocation with equity first and dispatches it after confirming', async () => {
    const { page } = officer
    await page.getByTestId('propose-equity').check()
    await page.getByTestId('propose-submit').click()
    const summary = page.getByTestId('plan-summary')
    await expect
      .poll(() => page.getByTestId('propose-outcome').textContent())
      .toMatch(/^Plan \S+ proposed/)
    planId = /^Plan (\S+) proposed/.exec(
      (await page.getByTestId('propose-outcome').textContent())!,
    )![1]!
    await expect.poll(() => summary.getAttribute('data-plan')).toBe(planId)
    const plan = await api<Plan>(`/api/v1/logistics/allocations/${planId}`)
    expect(plan.equity).toBe(true)
    expect(plan.areas.map((a) => a.areaId)).toContain(ZONE)
    expect(plan.dispatchIds).toEqual([])

    // The button says what the dispatch makes, as the server makes it.
    const whole = plan.flows.filter((f) => Math.floor(f.quantity + 1e-9) > 0)
    const shipments = new Set(whole.map((f) => `${f.depotId}>${f.areaId}`)).size
    const depots = new Set(whole.map((f) => f.depotId)).size
    expect(shipments).toBeGreaterThan(0)
    const button = page.getByTestId('dispatch-plan')
    expect(await button.textContent()).toBe(`Dispatch ${shipments} shipments from ${depots} depots`)
    await button.press('Enter')
    const confirm = page.getByTestId('dispatch-confirm')
    // From the keyboard: the question has the focus.
    await expect
      .poll(() =>
        page.evaluate<string | null>(`document.activeElement?.getAttribute('data-testid') ?? null`),
      )
      .toBe('dispatch-confirm')
    expect(await confirm.textContent()).toContain(`${shipments} dispatch orders`)
    // Nothing is dispatched before the confirmation.
    expect((await api<Plan>(`/api/v1/logistics/allocations/${planId}`)).dispatchIds).toEqual([])
    await screenshot(page, 'logistics-03-dispatch-confirm')
    await confirm.getByRole('button', { name: 'Yes, dispatch' }).click()
    await expect
      .poll(() => page.getByTestId('dispatch-plan-outcome').textContent())
      .toBe(`${shipments} dispatch orders made.`)
    await page.getByTestId('plan-dispatched').waitFor()
    const dispatched = await api<Plan>(`/api/v1/logistics/allocations/${planId}`)
    expect(dispatched.dispatchIds).toHaveLength(shipments)
    const open = await api<Dispatch[]>('/api/v1/logistics/dispatches')
    for (const id of dispatched.dispatchIds)
      expect(open.find((d) => d.id === id)?.state).toBe('planned')
    await expect
      .poll(() => page.getByTestId(`dispatch-state-${dispatched.dispatchIds[0]!}`).count())
      .toBe(1)
    await screenshot(page, 'logistics-04-dispatched')
  })

  it('takes one shipment through loaded and departed to delivered, issuing its stock', async () => {
    const { page } = officer
    const plan = await api<Plan>(`/api/v1/logistics/allocations/${planId}`)
    const id = plan.dispatchIds[0]!
    const order = await api<Dispatch>(`/api/v1/logistics/dispatches/${id}`)
    const line = order.lines[0]!
    const before = await lineOf(order.fromDepotId, line.itemId)
    const state = page.getByTestId(`dispatch-state-${id}`)
    for (const [step, now] of [
      ['loaded', 'loaded'],
      ['in-transit', 'in-transit'],
      ['delivered', 'delivered'],
    ] as const) {
      await page.getByTestId(`dispatch-${step}-${id}`).click()
      await expect.poll(() => state.getAttribute('data-state')).toBe(now)
      expect((await api<Dispatch>(`/api/v1/logistics/dispatches/${id}`)).state).toBe(now)
    }
    expect(await state.textContent()).toBe('delivered')
    // Delivered: the load left the depot's stock; the next step is the receiver's.
    expect((await lineOf(order.fromDepotId, line.itemId)).quantity).toBe(
      before.quantity - line.quantity,
    )
    await expect
      .poll(() => page.getByTestId(`stock-${order.fromDepotId}-${line.itemId}`).textContent())
      .toBe(figure(before.quantity - line.quantity))
    expect(await page.getByTestId(`dispatch-acknowledged-${id}`).textContent()).toBe('Received')
    await screenshot(page, 'logistics-05-delivered')
  })

  it('cancels another shipment with a reason before it leaves', async () => {
    const { page } = officer
    const plan = await api<Plan>(`/api/v1/logistics/allocations/${planId}`)
    expect(plan.dispatchIds.length).toBeGreaterThan(1)
    const id = plan.dispatchIds[1]!
    const row = page.getByTestId('dispatch-table').getByRole('row', { name: new RegExp(id) })
    await row.getByRole('button', { name: 'Cancel…' }).click()
    const confirm = page.getByTestId(`dispatch-cancelled-${id}`)
    expect(await confirm.isDisabled()).toBe(true)
    await page.getByTestId(`dispatch-cancel-reason-${id}`).fill('Road to Nemours flooded')
    await confirm.click()
    // Cancelled orders leave the list of open dispatches.
    await expect.poll(() => page.getByTestId(`dispatch-state-${id}`).count()).toBe(0)
    expect((await api<Dispatch>(`/api/v1/logistics/dispatches/${id}`)).state).toBe('cancelled')
  })

  it('checks persons in at a shelter', async () => {
    const { page } = officer
    const before = (await api<Shelter[]>('/api/v1/logistics/shelters')).find(
      (s) => s.id === SHELTER_IN,
    )!
    await page.getByTestId(`shelter-persons-${SHELTER_IN}`).fill('12')
    await page.getByTestId(`shelter-check-in-${SHELTER_IN}`).click()
    await expect
      .poll(() => page.getByTestId(`shelter-outcome-${SHELTER_IN}`).textContent())
      .toBe(
        `12 checked in: ${figure(before.occupancy + 12)} of ${figure(before.capacity)} places taken.`,
      )
    await expect
      .poll(() => page.getByTestId(`shelter-occupancy-${SHELTER_IN}`).textContent())
      .toBe(figure(before.occupancy + 12))
    const after = (await api<Shelter[]>('/api/v1/logistics/shelters')).find(
      (s) => s.id === SHELTER_IN,
    )!
    expect(after.occupancy).toBe(before.occupancy + 12)
    await screenshot(page, 'logistics-06-checked-in')
  })

  it('shows the refusal of a movement on a line that moved on, and reads the line again', async () => {
    // A page whose event stream carries nothing: it does not hear of the receipt below.
    const deaf = await open()
    const { page } = deaf
    await page.route('**/api/v1/events', (route) =>
      route.fulfill({ status: 200, contentType: 'text/event-stream', body: '' }),
    )
    await page.goto('/#logistics')
    await signInWithPassword(page, OFFICER, password)
    await page.getByTestId('movement-kind').selectOption('issue')
    await page.getByTestId('movement-depot').selectOption(DEPOT)
    await page.getByTestId('movement-item').selectOption(ITEM)
    const read = await lineOf(DEPOT, ITEM)
    const line = page.getByTestId('movement-line')
    await expect.poll(() => line.getAttribute('data-version')).toBe(String(read.version))

    // Behind the page's back: another receipt on the same line.
    const moved = await post('/api/v1/logistics/movements', DEMO_TOKENS.seineDuty, {
      kind: 'receipt',
      depotId: DEPOT,
      itemId: ITEM,
      quantity: 40,
      source: 'late delivery',
      expectedVersion: read.version,
    })
    expect(moved.status).toBe(201)
    const now = await lineOf(DEPOT, ITEM)
    // The page still shows what it read.
    expect(await line.getAttribute('data-version')).toBe(String(read.version))

    await page.getByTestId('movement-quantity').fill('30')
    await page.getByTestId('movement-submit').click()
    const refusal = page.getByTestId('movement-outcome')
    await expect.poll(() => refusal.getAttribute('role')).toBe('alert')
    expect(await refusal.textContent()).toBe(
      `expectedVersion: stock ${DEPOT}/${ITEM} is at version ${now.version}, not ${read.version} (HTTP 409)`,
    )
    expect(await page.getByTestId('error-banner').textContent()).toContain(
      'Record a stock movement failed',
    )
    // Read again: the line as it is now, and nothing issued.
    await expect.poll(() => line.getAttribute('data-version')).toBe(String(now.version))
    expect(await line.textContent()).toContain(`${figure(now.quantity)} each`)
    expect(await page.getByTestId(`stock-${DEPOT}-${ITEM}`).textContent()).toBe(
      figure(now.quantity),
    )
    expect(await lineOf(DEPOT, ITEM)).toEqual(now)
    await screenshot(page, 'logistics-07-stale-refused')
  })

  it('shows the refusal of a check-in beyond a shelter’s places', async () => {
    const deaf = opened[opened.length - 1]!
    const { page } = deaf
    const shelter = (await api<Shelter[]>('/api/v1/logistics/shelters')).find(
      (s) => s.id === SHELTER_IN,
    )!
    const room = shelter.capacity - shelter.occupancy
    await page.getByTestId(`shelter-persons-${SHELTER_IN}`).fill(String(room + 1))
    await page.getByTestId(`shelter-check-in-${SHELTER_IN}`).click()
    const refusal = page.getByTestId(`shelter-outcome-${SHELTER_IN}`)
    await expect.poll(() => refusal.getAttribute('role')).toBe('alert')
    expect(await refusal.textContent()).toContain(`room for ${room}, not ${room + 1}`)
    expect(await refusal.textContent()).toMatch(/\(HTTP 422\)$/)
    const after = (await api<Shelter[]>('/api/v1/logistics/shelters')).find(
      (s) => s.id === SHELTER_IN,
    )!
    expect(after).toEqual(shelter)
    await screenshot(page, 'logistics-08-shelter-full')
    deaf.problems.stop()
    // The two refused requests are the only problems the browser logs.
    expect(deaf.problems.problems()).toEqual([
      expect.stringMatching(/^console: Failed to load resource: .* 409 /),
      expect.stringMatching(/^console: Failed to load resource: .* 422 /),
    ])
  })

  it('offers an observer the same view without the forms and buttons, and the latest plan', async () => {
    reader = await open()
    const { page } = reader
    await page.goto('/#logistics')
    await signInWithPassword(page, 'demo.observer', password)
    await page.getByTestId(`stock-${DEPOT}-${ITEM}`).waitFor()
    await page.getByTestId('shelter-table').waitFor()
    await page.getByTestId('dispatch-table').waitFor()
    expect(await page.getByText('Your role and areas let you read the stock here').count()).toBe(1)
    expect(await page.getByTestId('movement-form').count()).toBe(0)
    expect(await page.getByTestId('propose-form').count()).toBe(0)
    expect(await page.getByTestId('dispatch-table').getByRole('button').count()).toBe(0)
    expect(await page.getByTestId('shelter-table').getByRole('button').count()).toBe(0)
    // A page opened after the plan was proposed reads it as the latest, with no event to say so.
    await expect.poll(() => page.getByTestId('plan-summary').getAttribute('data-plan')).toBe(planId)
    expect(await page.getByTestId('dispatch-plan').count()).toBe(0)
  })

  it('says a list could not be read rather than showing it empty', async () => {
    const broken = await openOfflinePage(browser, server.url)
    try {
      await broken.page.route('**/api/v1/logistics/shelters', (route) =>
        route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'internal', message: 'database unreachable' } }),
        }),
      )
      await broken.page.goto('/#logistics')
      await signInWithPassword(broken.page, 'demo.observer', password)
      const section = broken.page.locator('section[aria-labelledby="shelters-h"]')
      await expect
        .poll(() => section.getByRole('status').textContent())
        .toBe('Could not be read: database unreachable (HTTP 500)')
      expect(await broken.page.getByTestId('shelter-table').count()).toBe(0)
    } finally {
      broken.problems.stop()
      await broken.page.context().close()
    }
  })

  it('produced no console error and reached nothing but the server', () => {
    for (const p of [officer, reader]) {
      p.problems.stop()
      expect(p.problems.consoleErrors).toEqual([])
      expect(p.problems.pageErrors).toEqual([])
      // The event stream is closed by the page itself each time the session changes.
      const failed = p.problems.failedRequests.filter(
        (r) => !/^GET \S+\/api\/v1\/events: net::ERR_ABORTED$/.test(r),
      )
      expect(failed).toEqual([])
    }
    for (const p of opened) expect(p.problems.blocked).toEqual([])
  })
})
