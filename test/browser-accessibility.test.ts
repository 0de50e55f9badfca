/**
 * The dashboard's accessibility, in Debian's Chromium against the real server on the demo region
 * (replay paused at its first day), cut off from every origin but the server. axe-core checks
 * every view against the WCAG 2.0 and 2.1 A and AA rules, in English and in Korean: the public
 * map, a station's panel with its hydrograph, the public warnings, the headquarters' map with
 * its posts, depots and shelters, the warnings with a draft to approve or decline, the command
 * view with an order issued and its tree, and the logistics view with its forms. A keyboard walk
 * from the top of the page reaches the tabs, the layer switches and the station list, and Enter
 * on a station opens its panel. A violation, or a check axe could not decide, fails the test
 * with its rule, impact, elements and summary.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AxeResults, NodeResult, Result, RunOptions } from 'axe-core'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearer,
  browserAvailable,
  demoPassword,
  DEMO_TOKENS,
  DEMO_USERS,
  launchBrowser,
  noteIfSkipped,
  signInWithPassword,
  signInWithToken,
  startDemoServer,
  waitForTrue,
  type DemoServer,
  type OpenedPage,
  openOfflinePage,
} from './support/browser.ts'

noteIfSkipped('browser-accessibility')

const ZONE = 'loing-episy'
const STATION = 'F439000101'
const LOGISTICS = 'demo.seine-logistics'
const HOUR_MS = 3_600_000

/**
 * axe-core's browser build, evaluated in each page through the DevTools protocol: the page's
 * Content-Security-Policy refuses inline and injected scripts, and it does not apply to that
 * evaluation, so the test needs no weaker policy than the one the server sends.
 */
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

/** The rules run: every WCAG 2.0 and 2.1 success criterion of levels A and AA that axe tests. */
const AXE_OPTIONS: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
}

/**
 * Why axe may leave a colour contrast undecided that a person need not look at again: it could
 * not see the colours behind the text (an image, a gradient, another element over it, or the
 * text scrolled out of its box or out of the window). Every other undecided check fails the
 * test like a violation: axe saw something it cannot judge (text with the colour of its
 * background, a name that may not match the visible label), and a person must.
 */
const UNMEASURABLE_CONTRAST = new Set([
  'bgImage',
  'bgGradient',
  'imgNode',
  'bgOverlap',
  'elmPartiallyObscured',
  'elmPartiallyObscuring',
  'outsideViewport',
])

/** The check of `node` that left it undecided, or why it failed. */
const messageKey = (node: NodeResult): unknown =>
  (node.any[0]?.data as { messageKey?: unknown } | null | undefined)?.messageKey

/** One line per element in violation or left undecided: rule, impact, the element and what is wrong. */
function report(results: AxeResults): string[] {
  const undecided = results.incomplete
    .map((r) => ({
      ...r,
      nodes: r.nodes.filter(
        (n) => r.id !== 'color-contrast' || !UNMEASURABLE_CONTRAST.has(messageKey(n) as string),
      ),
    }))
    .filter((r) => r.nodes.length > 0)
  const lines = (kind: string, rules: readonly Result[]): string[] =>
    rules.flatMap((r) =>
      r.nodes.map(
        (n) =>
          `${kind} ${r.id} (${r.impact ?? n.impact ?? 'no impact'}): ${r.help}\n` +
          `    at ${n.target.join(' ')}\n` +
          `    ${(n.failureSummary ?? n.any[0]?.message ?? '').trim().replace(/\n\s*/g, '\n    ')}`,
      ),
    )
  return [...lines('violation', results.violations), ...lines('undecided', undecided)]
}

/** Runs axe on the whole of `page` (injecting it first when needed) and expects nothing to report. */
async function expectAccessible(page: Page, view: string): Promise<void> {
  if (!(await page.evaluate<boolean>(`typeof window.axe === 'object'`)))
    await page.evaluate(AXE_SOURCE)
  expect(await page.evaluate<boolean>(`typeof window.axe?.run === 'function'`)).toBe(true)
  const results = await page.evaluate<AxeResults, RunOptions>(
    (options) =>
      (
        globalThis as unknown as {
          axe: { run(c: unknown, o: RunOptions): Promise<AxeResults> }
        }
      ).axe.run((globalThis as unknown as { document: unknown }).document, options),
    AXE_OPTIONS,
  )
  // A run that checked nothing would pass: make sure it saw the page.
  expect(results.passes.length, `axe passed nothing in ${view}`).toBeGreaterThan(10)
  expect(report(results), `axe findings in ${view}`).toEqual([])
}

describe.skipIf(!browserAvailable())('the dashboard’s accessibility', () => {
  let server: DemoServer
  let browser: Browser
  let password: string
  let orderId: string
  const opened: OpenedPage[] = []

  /** A page of a fresh context in `locale`, offline but for the server. */
  const open = async (locale: string): Promise<Page> => {
    const p = await openOfflinePage(browser, server.url, { locale })
    opened.push(p)
    return p.page
  }

  /** POST `body` to `path` of the API with `token`. */
  const post = (path: string, token: string, body: unknown): Promise<Response> =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  beforeAll(async () => {
    server = await startDemoServer({ paused: true })
    password = demoPassword(server)
    browser = await launchBrowser()
    // The demo's depots and shelters arrive just after it serves.
    const end = Date.now() + 30_000
    for (;;) {
      const res = await fetch(`${server.url}/api/v1/logistics/shelters`, {
        headers: bearer(DEMO_TOKENS.seineDuty),
      })
      if (res.status === 200 && ((await res.json()) as unknown[]).length > 0) break
      if (Date.now() > end) throw new Error('the demo’s shelters never arrived')
      await new Promise((r) => setTimeout(r, 200))
    }
    const health = (await (await fetch(`${server.url}/health`)).json()) as { time: string }
    const now = Date.parse(health.time)
    // A draft on the Loing, so that the duty officer is offered approve and decline.
    const drafted = await post(`/api/v1/warnings/${ZONE}/drafts`, DEMO_TOKENS.loingForecaster, {
      level: 'warning',
      basis: 'forecast',
      expires: new Date(now + 48 * HOUR_MS).toISOString(),
      note: 'Rising at Épisy: median above the 5-year flood in two days.',
    })
    expect(drafted.status).toBe(201)
    // An order from the basin headquarters, so that the command view shows its tree.
    const ordered = await post('/api/v1/command/orders', DEMO_TOKENS.seineDuty, {
      issuerPost: 'fr.basin.seine',
      title: 'Close the riverside car parks',
      actions: ['Close the car parks along the Seine', 'Report the closures'],
      recipients: { kind: 'selected', posts: ['fr.aube', 'fr.aube.troyes'] },
      ackDeadline: new Date(now + 6 * HOUR_MS).toISOString(),
      completionDeadline: new Date(now + 24 * HOUR_MS).toISOString(),
    })
    expect(ordered.status).toBe(201)
    orderId = ((await ordered.json()) as { id: string }).id
  }, 180_000)

  afterAll(async () => {
    for (const p of opened) p.problems.stop()
    await browser?.close()
    await server?.close()
  })

  for (const [lang, locale] of [
    ['en', 'en-GB'],
    ['ko', 'ko-KR'],
  ] as const) {
    describe(`in ${lang === 'en' ? 'English' : 'Korean'}`, () => {
      let page: Page

      it('the public map, a station’s panel with its hydrograph and the public warnings', async () => {
        page = await open(locale)
        await page.goto('/')
        await waitForTrue(page, `document.documentElement.dataset.ready === 'true'`)
        expect(await page.evaluate<string>('document.documentElement.lang')).toBe(lang)
        await page.getByTestId(`station-item-${STATION}`).waitFor()
        await expectAccessible(page, `${lang}: public map`)

        await page.getByTestId(`station-item-${STATION}`).click()
        const panel = page.getByTestId('station-panel')
        await expect.poll(() => panel.getAttribute('data-ready'), { timeout: 20_000 }).toBe('true')
        await page.getByTestId('model-summary').waitFor()
        await expectAccessible(page, `${lang}: station panel`)
        await panel.getByRole('button').first().click()
        await panel.waitFor({ state: 'detached' })

        await page.getByTestId('tab-warnings').click()
        await page.getByTestId(`warning-zone-${ZONE}`).waitFor()
        await expectAccessible(page, `${lang}: public warnings`)
        await page.getByTestId('tab-map').click()
      })

      it('the headquarters’ map, warnings and command', async () => {
        await signInWithToken(page, DEMO_TOKENS.seineDuty, DEMO_USERS.seineDuty.user)
        for (const layer of ['posts', 'depots', 'shelters'])
          await page.getByTestId(`layer-${layer}`).waitFor()
        await expectAccessible(page, `${lang}: headquarters’ map`)

        await page.getByTestId('tab-warnings').click()
        await page.getByTestId(`approve-${ZONE}`).waitFor()
        await page.getByTestId(`decline-${ZONE}`).waitFor()
        await expectAccessible(page, `${lang}: warnings`)

        await page.getByTestId('tab-command').click()
        await page.getByTestId(`order-item-${orderId}`).click()
        await expect
          .poll(() => page.getByTestId('order-tree').getAttribute('data-order'))
          .toBe(orderId)
        await page.getByTestId('order-submit').waitFor()
        await expectAccessible(page, `${lang}: command`)
      })

      it('the logistics view with its forms', async () => {
        await page.getByTestId('signout').click()
        await page.getByTestId('signin-submit').waitFor()
        // The form comes back as it was left: with the token field.
        if (!(await page.getByTestId('signin-user').isVisible()))
          await page.getByTestId('signin-mode').click()
        await signInWithPassword(page, LOGISTICS, password)
        await page.getByTestId('tab-logistics').click()
        await page.getByTestId('movement-form').waitFor()
        await page.getByTestId('propose-form').waitFor()
        await page.getByTestId('shelter-check-in-shelter-nemours').waitFor()
        await expectAccessible(page, `${lang}: logistics`)
      })
    })
  }

  it('reaches the tabs, the layer switches and the station list with Tab; Enter opens a station', async () => {
    const page = await open('en-GB')
    await page.goto('/')
    await waitForTrue(page, `document.documentElement.dataset.ready === 'true'`)
    await page.getByTestId(`station-item-${STATION}`).waitFor()
    const switches = await page.evaluate<string[]>(
      `[...document.querySelectorAll('[data-testid^=layer-]')].map((e) => e.dataset.testid)`,
    )
    expect(switches.length).toBeGreaterThanOrEqual(4)
    /** What has the focus: its test id, else its tag. */
    const focused = (): Promise<string> =>
      page.evaluate<string>(
        `document.activeElement?.dataset?.testid ?? document.activeElement?.tagName ?? ''`,
      )
    expect(await focused()).toBe('BODY')
    // Tab from the top of the page until a station of the list has the focus.
    const reached: string[] = []
    for (let k = 0; k < 60 && !reached.at(-1)?.startsWith('station-item-'); k++) {
      await page.keyboard.press('Tab')
      reached.push(await focused())
    }
    const path = reached.join(' → ')
    const at = (id: string): number => reached.indexOf(id)
    expect(at('tab-map'), path).toBeGreaterThanOrEqual(0)
    expect(at('tab-logistics'), path).toBeGreaterThan(at('tab-map'))
    for (const s of switches) expect(at(s), path).toBeGreaterThan(at('tab-logistics'))
    expect(at('station-search'), path).toBeGreaterThan(at(switches.at(-1)!))
    const station = reached.at(-1)!
    expect(station, path).toMatch(/^station-item-/)

    expect(await page.getByTestId('station-panel').count()).toBe(0)
    await page.keyboard.press('Enter')
    const panel = page.getByTestId('station-panel')
    await panel.waitFor()
    expect(await panel.getAttribute('data-station')).toBe(station.replace('station-item-', ''))
    // The station stays focused, marked as the one shown.
    expect(await focused()).toBe(station)
    expect(await page.getByTestId(station).getAttribute('aria-pressed')).toBe('true')
  })

  it('met no console or page error, and no request failed but the event streams the page closed', () => {
    for (const p of opened) {
      p.problems.stop()
      const serverSaid = `the server said:\n${server.stderr().slice(-3000)}`
      expect(p.problems.consoleErrors, serverSaid).toEqual([])
      expect(p.problems.pageErrors).toEqual([])
      // Signing in or out closes the page's event stream and opens another.
      expect(
        p.problems.failedRequests.filter((r) => !r.includes('/api/v1/events: net::ERR_ABORTED')),
        serverSaid,
      ).toEqual([])
      expect(p.problems.blocked).toEqual([])
    }
  })
})
