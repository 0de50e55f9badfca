/**
 * The dashboard end to end, in Debian's Chromium against the real server on the demo region
 * (replay paused at its first day), cut off from every origin but the server: the map draws
 * with the stations; clicking a station shows its hydrograph with ensemble bands, thresholds
 * and the model's simulation; a forecaster drafts a warning, a duty officer approves it and it
 * is in the feed; an order is issued and a post's answer reaches the page live. Screenshots of
 * each step go to test-artifacts/browser/. No console error, no page error, no request leaves
 * for elsewhere.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearer,
  browserAvailable,
  DEMO_TOKENS,
  launchBrowser,
  noteIfSkipped,
  waitForTrue,
  screenshot,
  startDemoServer,
  type DemoServer,
  type ProblemCollector,
  signInWithToken,
  openOfflinePage,
} from './support/browser.ts'
import { ROOT } from './support/cli.ts'

noteIfSkipped('browser-dashboard')

interface StationState {
  readonly id: string
  readonly lat: number
  readonly lon: number
}

/** The few browser APIs the test uses in the page (it is compiled without the DOM library). */
interface PageCanvas {
  width: number
  height: number
  getContext(kind: '2d'): {
    drawImage(image: PageCanvas, x: number, y: number): void
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray }
  } | null
}
interface PageGlobals {
  readonly document: {
    readonly documentElement: { readonly dataset: Record<string, string>; readonly lang: string }
    querySelector(selector: string): PageCanvas | null
    createElement(tag: 'canvas'): PageCanvas
  }
  readonly freshet?: {
    readonly map: { project(p: readonly [number, number]): { x: number; y: number } }
  }
  marker?: number
}

/** Distinct colours among pixels sampled across the map's canvas (a blank canvas has one); runs in the page. */
function mapColours(): number {
  const { document } = globalThis as unknown as PageGlobals
  const canvas = document.querySelector('[data-testid=map] canvas')
  if (canvas === null) return 0
  const copy = document.createElement('canvas')
  copy.width = canvas.width
  copy.height = canvas.height
  const g = copy.getContext('2d')!
  g.drawImage(canvas, 0, 0)
  const data = g.getImageData(0, 0, copy.width, copy.height).data
  const seen = new Set<string>()
  for (let y = 0; y < copy.height; y += 7)
    for (let x = 0; x < copy.width; x += 7) {
      const k = (y * copy.width + x) * 4
      seen.add(`${data[k]},${data[k + 1]},${data[k + 2]}`)
    }
  return seen.size
}

describe.skipIf(!browserAvailable())('the dashboard in a browser', () => {
  let server: DemoServer
  let browser: Browser
  let page: Page
  let problems: ProblemCollector

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'web', 'dist', 'index.html')))
      throw new Error('web/dist is not built: run `npm run build:web` first')
    server = await startDemoServer({ paused: true })
    browser = await launchBrowser()
    ;({ page, problems } = await openOfflinePage(browser, server.url))
  }, 180_000)

  afterAll(async () => {
    problems?.stop()
    await browser?.close()
    await server?.close()
  })

  it('draws the map with the stations, offline', async () => {
    await page.goto('/')
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.documentElement.dataset['ready'] === 'true',
      null,
      {
        timeout: 30_000,
      },
    )
    expect(await page.getByTestId('map').locator('canvas').count()).toBe(1)
    expect(await page.evaluate(mapColours)).toBeGreaterThan(3)
    const stations = (await (await fetch(`${server.url}/api/v1/dashboard/stations`)).json()) as {
      stations: StationState[]
    }
    expect(stations.stations.length).toBeGreaterThan(0)
    for (const s of stations.stations)
      await expect.poll(() => page.getByTestId(`station-item-${s.id}`).count()).toBe(1)
    await screenshot(page, '01-map')
  })

  it('shows the hydrograph with its bands, thresholds and simulation when a station is clicked on the map', async () => {
    const stations = (await (await fetch(`${server.url}/api/v1/dashboard/stations`)).json()) as {
      stations: StationState[]
    }
    const loing = stations.stations.find((s) => s.id === 'F439000101') ?? stations.stations[0]!
    const point = await page.evaluate(
      ([lon, lat]) => {
        const p = (globalThis as unknown as PageGlobals).freshet!.map.project([lon, lat])
        return { x: p.x, y: p.y }
      },
      [loing.lon, loing.lat] as const,
    )
    const box = (await page.getByTestId('map').boundingBox())!
    await page.mouse.click(box.x + point.x, box.y + point.y)
    const panel = page.getByTestId('station-panel')
    await expect.poll(() => panel.getAttribute('data-station')).toBe(loing.id)
    await expect.poll(() => panel.getAttribute('data-ready'), { timeout: 20_000 }).toBe('true')
    expect(Number(await panel.getAttribute('data-bands'))).toBe(2)
    expect(Number(await panel.getAttribute('data-thresholds'))).toBeGreaterThanOrEqual(1)
    // The demo's basins have a model: its simulation over the observed forcing is drawn too.
    await expect.poll(() => panel.getAttribute('data-simulation'), { timeout: 20_000 }).toBe('true')
    expect(await page.getByTestId('legend-simulation').count()).toBe(1)
    expect(await page.getByTestId('hydrograph').locator('canvas').count()).toBeGreaterThan(0)
    await screenshot(page, '02-hydrograph')
  })

  it('lets a forecaster draft a warning and a second person approve it into the feed', async () => {
    const zone = 'loing-episy'
    await signInWithToken(page, DEMO_TOKENS.loingForecaster)
    await page.getByTestId('tab-warnings').click()
    const card = page.getByTestId(`warning-zone-${zone}`)
    await card.getByRole('button').first().click()
    await page.getByTestId('draft-level').selectOption('warning')
    await page
      .getByTestId('draft-note')
      .fill('Rising fast at Épisy; ensemble median above Q5 in 3 days.')
    await page.getByTestId('draft-submit').click()
    await card.getByText('warning').first().waitFor()
    // The drafter is not offered the approval.
    expect(await page.getByTestId(`approve-${zone}`).count()).toBe(0)
    await screenshot(page, '03-drafted')

    await signInWithToken(page, DEMO_TOKENS.seineDuty)
    await page.getByTestId('tab-warnings').click()
    await page.getByTestId(`approve-${zone}`).click()
    await page.getByTestId(`approve-${zone}`).waitFor({ state: 'detached' })
    await page.getByTestId('cap-preview').waitFor()
    const warnings = (await (
      await fetch(`${server.url}/api/v1/warnings/${zone}`, {
        headers: bearer(DEMO_TOKENS.seineDuty),
      })
    ).json()) as { active: { alertId: string; level: string } | null }
    expect(warnings.active?.level).toBe('warning')
    const feed = await (await fetch(`${server.url}/cap/feed.atom`)).text()
    expect(feed).toContain(encodeURIComponent(warnings.active!.alertId))
    await screenshot(page, '04-approved')
  })

  it('issues an order and shows a post’s answer live, without reloading', async () => {
    await signInWithToken(page, DEMO_TOKENS.admin)
    await page.getByTestId('tab-command').click()
    await page.getByTestId('order-title').fill('Check flood barriers')
    await page.getByTestId('order-actions').fill('Inspect barriers\nReport by radio')
    await page.getByTestId('order-recipients').selectOption(['fr.aube'])
    await page.getByTestId('order-submit').click()
    const tree = page.getByTestId('order-tree')
    await tree.waitFor()
    const orderId = (await tree.getAttribute('data-order'))!
    const aube = page.getByTestId('post-state-fr.aube')
    await expect.poll(() => aube.getAttribute('data-state')).toBe('issued')
    await screenshot(page, '05-order-issued')

    const marker = await page.evaluate(() => ((globalThis as unknown as PageGlobals).marker = 42))
    const record = (await (
      await fetch(`${server.url}/api/v1/command/orders/${orderId}/posts/fr.aube`, {
        headers: bearer(DEMO_TOKENS.aubeDuty),
      })
    ).json()) as { version: number }
    const answer = await fetch(
      `${server.url}/api/v1/command/orders/${orderId}/posts/fr.aube/responses`,
      {
        method: 'POST',
        headers: { ...bearer(DEMO_TOKENS.aubeDuty), 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'accepted', version: record.version }),
      },
    )
    expect(answer.status).toBe(200)
    await expect.poll(() => aube.getAttribute('data-state'), { timeout: 15_000 }).toBe('accepted')
    // The same page: no reload happened.
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).marker)).toBe(marker)
    await screenshot(page, '06-order-answered')
  })

  it('switches the interface to Korean and keeps the choice', async () => {
    await page.getByTestId('lang-select').selectOption('ko')
    await expect.poll(() => page.getByTestId('tab-command').textContent()).toBe('지휘')
    expect(
      await page.evaluate(
        () => (globalThis as unknown as PageGlobals).document.documentElement.lang,
      ),
    ).toBe('ko')
    await screenshot(page, '07-korean')
    await page.getByTestId('lang-select').selectOption('en')
  })

  it('says in the panel, not in the error banner, when a basin cannot be simulated, and tries again', async () => {
    // A page of its own: the refused request is the point here, not a problem of the run.
    const other = await openOfflinePage(browser, server.url)
    try {
      const refusal = 'no observed forcing of basin loing-episy from 2016-04-28T00:00:00.000Z'
      await other.page.route('**/simulation?*', (route) =>
        route.fulfill({
          status: 409,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'conflict', message: refusal } }),
        }),
      )
      await other.page.goto('/')
      await waitForTrue(other.page, `document.documentElement.dataset.ready === 'true'`)
      await other.page.getByTestId('station-item-F439000101').click()
      const panel = other.page.getByTestId('station-panel')
      await expect.poll(() => panel.getAttribute('data-ready'), { timeout: 20_000 }).toBe('true')
      const note = other.page.getByTestId('simulation-error')
      await note.waitFor()
      expect(await note.textContent()).toContain(refusal)
      expect(await panel.getAttribute('data-simulation')).toBe('false')
      expect(await other.page.getByTestId('error-banner').count()).toBe(0)
      // The server can simulate after all: "Try again" draws it.
      await other.page.unroute('**/simulation?*')
      await note.getByRole('button').click()
      await expect
        .poll(() => panel.getAttribute('data-simulation'), { timeout: 20_000 })
        .toBe('true')
      expect(await other.page.getByTestId('simulation-error').count()).toBe(0)
    } finally {
      other.problems.stop()
      await other.page.context().close()
    }
  })

  it('produced no console error and reached nothing but the server', () => {
    problems.stop()
    expect(problems.consoleErrors).toEqual([])
    expect(problems.pageErrors).toEqual([])
    // The event stream is closed by the page itself each time the session changes.
    const failed = problems.failedRequests.filter(
      (r) => !/^GET \S+\/api\/v1\/events: net::ERR_ABORTED$/.test(r),
    )
    expect(failed).toEqual([])
    expect(problems.blocked).toEqual([])
  })
})
