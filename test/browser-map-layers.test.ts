/**
 * Command posts and shelters on the dashboard's map, in Debian's Chromium against the real
 * server on the demo region (replay paused), cut off from every origin but the server: signed
 * in as the Seine basin headquarters, the map draws every demo post and shelter; each layer
 * switch takes its layer off the map and back; clicking a post or a shelter opens its panel;
 * and a county duty officer sees only the posts of their own chain. What is drawn is read from
 * maplibre itself (`window.freshet.map`: rendered features and layer visibility).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tokenDigest } from '../src/server/auth.ts'
import { readDemoCommand } from '../src/server/demo-command.ts'
import {
  bearer,
  browserAvailable,
  DEMO_TOKENS,
  DEMO_USERS,
  launchBrowser,
  noteIfSkipped,
  screenshot,
  startDemoServer,
  waitForTrue,
  type DemoServer,
  type ProblemCollector,
  signInWithToken,
  openOfflinePage,
} from './support/browser.ts'
import { ROOT } from './support/cli.ts'

noteIfSkipped('browser-map-layers')

/** The dashboard build served: FRESHET_WEB_ROOT when set, else web/dist. */
const WEB_ROOT = process.env.FRESHET_WEB_ROOT ?? join(ROOT, 'web', 'dist')

/** A duty officer of the arrondissement of Troyes: a county post, under the Aube and the basin HQ. */
const COUNTY = {
  user: 'demo.troyes-duty',
  role: 'duty-officer',
  areas: ['seine-plaines'],
  token: 'demo-troyes-duty-token',
} as const

const demo = readDemoCommand()

/** The posts of the county's chain: itself and every post above it, superiors first. */
const COUNTY_CHAIN = ['fr.national', 'fr.basin.seine', 'fr.aube', 'fr.aube.troyes']

/** `[[west, south], [east, north]]` of every demo post and shelter (degrees). */
function extent(): [[number, number], [number, number]] {
  const points = [...demo.posts, ...demo.shelters].map((x) => x.location!)
  const lons = points.map((p) => p.lon)
  const lats = points.map((p) => p.lat)
  return [
    [Math.min(...lons), Math.min(...lats)],
    [Math.max(...lons), Math.max(...lats)],
  ]
}

/** Fits the map to every demo post and shelter: it opens on the gauges, they reach further. */
async function showRegion(page: Page): Promise<void> {
  await page.evaluate(
    `window.freshet.map.fitBounds(${JSON.stringify(extent())}, { padding: 30, duration: 0 })`,
  )
}

/** Ids of the features maplibre has drawn on `layer` (an empty list when it is hidden). */
async function drawn(page: Page, layer: string): Promise<string[]> {
  return page.evaluate(
    `window.freshet.map.queryRenderedFeatures({ layers: [${JSON.stringify(layer)}] })
       .map((f) => f.properties.id)`,
  )
}

/** The number of distinct features drawn on `layer`, as a page expression. */
const drawnCount = (layer: string): string =>
  `new Set(window.freshet.map.queryRenderedFeatures({ layers: ['${layer}'] })` +
  `.map((f) => f.properties.id)).size`

/**
 * Centres the map on a point (WGS84 degrees) at zoom 11, where the demo's neighbouring symbols
 * lie apart, and clicks it.
 */
async function clickAt(page: Page, lon: number, lat: number): Promise<void> {
  await page.evaluate(`window.freshet.map.jumpTo({ center: [${lon}, ${lat}], zoom: 11 })`)
  await waitForTrue(page, `window.freshet.map.loaded()`)
  const box = (await page.getByTestId('map').boundingBox())!
  const p = await page.evaluate<{ x: number; y: number }>(
    `window.freshet.map.project([${lon}, ${lat}])`,
  )
  await page.mouse.click(box.x + p.x, box.y + p.y)
}

describe.skipIf(!browserAvailable())('command posts and shelters on the map', () => {
  let server: DemoServer
  let browser: Browser
  let page: Page
  let problems: ProblemCollector

  beforeAll(async () => {
    if (!existsSync(join(WEB_ROOT, 'index.html')))
      throw new Error(`${WEB_ROOT} holds no dashboard build: run \`npm run build:web\` first`)
    server = await startDemoServer({
      paused: true,
      webRoot: WEB_ROOT,
      config: {
        tokens: [...Object.values(DEMO_USERS), COUNTY].map((u) => ({
          sha256: tokenDigest(u.token),
          user: u.user,
          role: u.role,
          areas: u.areas,
        })),
      },
    })
    // The demo's posts and shelters are loaded just after the server starts serving.
    const end = Date.now() + 60_000
    for (;;) {
      const r = await fetch(`${server.url}/api/v1/dashboard/map`, {
        headers: bearer(DEMO_TOKENS.seineDuty),
      })
      const map = (await r.json()) as { posts: unknown[] | null; shelters: unknown[] | null }
      if (map.posts?.length === demo.posts.length && map.shelters?.length === demo.shelters.length)
        break
      if (Date.now() > end) throw new Error(`the demo's posts and shelters never arrived`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    browser = await launchBrowser()
    ;({ page, problems } = await openOfflinePage(browser, server.url))
  }, 180_000)

  afterAll(async () => {
    problems?.stop()
    await browser?.close()
    await server?.close()
  })

  it('draws every post and shelter for the basin headquarters, as squares and houses', async () => {
    await page.goto('/')
    await waitForTrue(page, `document.documentElement.dataset.ready === 'true'`)
    // Nobody signed in: neither layer has anything, nor a switch.
    expect(await drawn(page, 'posts')).toEqual([])
    expect(await page.getByTestId('layer-posts').count()).toBe(0)

    await signInWithToken(page, DEMO_TOKENS.seineDuty, DEMO_USERS.seineDuty.user)
    await showRegion(page)
    await waitForTrue(page, `${drawnCount('posts')} === ${demo.posts.length}`)
    await waitForTrue(page, `${drawnCount('shelters')} === ${demo.shelters.length}`)
    expect(new Set(await drawn(page, 'posts'))).toEqual(new Set(demo.posts.map((p) => p.id)))
    expect(new Set(await drawn(page, 'shelters'))).toEqual(new Set(demo.shelters.map((s) => s.id)))
    // Shapes, not colour alone: both layers are icon symbols, a square per level and a house.
    const icons = await page.evaluate<{ posts: string; shelters: string; images: boolean[] }>(
      `({
        posts: window.freshet.map.getLayer('posts').type,
        shelters: window.freshet.map.getLayer('shelters').type,
        images: ['post-national', 'post-basin', 'post-province', 'post-county', 'shelter']
          .map((id) => window.freshet.map.hasImage(id)),
      })`,
    )
    expect(icons).toEqual({
      posts: 'symbol',
      shelters: 'symbol',
      images: [true, true, true, true, true],
    })
    const levels = await page.evaluate<Record<string, string>>(
      `Object.fromEntries(window.freshet.map.queryRenderedFeatures({ layers: ['posts'] })
         .map((f) => [f.properties.id, f.properties.icon]))`,
    )
    expect(levels['fr.national']).toBe('post-national')
    expect(levels['fr.aube.troyes']).toBe('post-county')
    expect(await page.getByTestId('layer-posts').locator('..').textContent()).toContain(
      'Command posts',
    )
    await screenshot(page, 'map-layers-headquarters')
  })

  it('takes each layer off the map with its switch and puts it back', async () => {
    for (const [layer, count] of [
      ['posts', demo.posts.length],
      ['shelters', demo.shelters.length],
    ] as const) {
      const box = page.getByTestId(`layer-${layer}`)
      expect(await box.isChecked()).toBe(true)
      await box.uncheck()
      await waitForTrue(
        page,
        `window.freshet.map.getLayoutProperty('${layer}', 'visibility') === 'none'`,
      )
      await waitForTrue(page, `${drawnCount(layer)} === 0`)
      // The other layer is still drawn.
      const other = layer === 'posts' ? 'shelters' : 'posts'
      expect((await drawn(page, other)).length).toBeGreaterThan(0)
      await box.check()
      await waitForTrue(page, `${drawnCount(layer)} === ${count}`)
    }
  })

  it('opens a panel with the level of a clicked post and the places of a clicked shelter', async () => {
    const sens = demo.posts.find((p) => p.id === 'fr.yonne.sens')!
    await clickAt(page, sens.location!.lon, sens.location!.lat)
    const postPanel = page.getByTestId('post-panel')
    await postPanel.waitFor()
    expect(await postPanel.locator('h2').textContent()).toBe(sens.name)
    expect(await page.getByTestId('post-level').textContent()).toBe('Post: county')
    await postPanel.getByRole('button').click()

    const nemours = demo.shelters.find((s) => s.id === 'shelter-nemours')!
    await clickAt(page, nemours.location!.lon, nemours.location!.lat)
    const shelterPanel = page.getByTestId('shelter-panel')
    await shelterPanel.waitFor()
    expect(await shelterPanel.locator('h2').textContent()).toBe(nemours.name)
    expect(await page.getByTestId('shelter-places').textContent()).toBe(
      `Occupancy: 0 of ${nemours.capacity} persons`,
    )
    await screenshot(page, 'map-layers-shelter-panel')
    await shelterPanel.getByRole('button').click()
  })

  it('lists the posts, depots and shelters for the keyboard, each opening its panel', async () => {
    for (const [kind, count] of [
      ['post', demo.posts.length],
      ['shelter', demo.shelters.length],
    ] as const) {
      const list = page.getByTestId(`place-list-${kind}`)
      await list.locator('summary').focus()
      await page.keyboard.press('Enter')
      expect(await list.getByRole('button').count()).toBe(count)
    }
    const sens = demo.posts.find((p) => p.id === 'fr.yonne.sens')!
    const item = page.getByTestId('place-item-post-fr.yonne.sens')
    await item.focus()
    await page.keyboard.press('Enter')
    const postPanel = page.getByTestId('post-panel')
    await postPanel.waitFor()
    expect(await postPanel.locator('h2').textContent()).toBe(sens.name)
    expect(await item.getAttribute('aria-pressed')).toBe('true')
    await postPanel.getByRole('button').click()
    const nemours = page.getByTestId('place-item-shelter-shelter-nemours')
    await nemours.focus()
    await page.keyboard.press('Enter')
    await page.getByTestId('shelter-panel').waitFor()
    await page.getByTestId('shelter-panel').getByRole('button').click()
  })

  it('shows a county duty officer only the posts of their chain', async () => {
    await signInWithToken(page, COUNTY.token, COUNTY.user)
    await showRegion(page)
    await waitForTrue(page, `${drawnCount('posts')} === ${COUNTY_CHAIN.length}`)
    expect(new Set(await drawn(page, 'posts'))).toEqual(new Set(COUNTY_CHAIN))
    expect(COUNTY_CHAIN.length).toBeLessThan(demo.posts.length)
    // Shelters are logistics data every signed-in reader sees.
    expect(new Set(await drawn(page, 'shelters')).size).toBe(demo.shelters.length)
    await screenshot(page, 'map-layers-county')
  })

  it('met no console or page error, and no request failed but the event streams the page closed', () => {
    problems.stop()
    expect(problems.consoleErrors).toEqual([])
    expect(problems.pageErrors).toEqual([])
    // Signing in or out closes the page's event stream and opens another.
    expect(
      problems.failedRequests.filter((r) => !r.includes('/api/v1/events: net::ERR_ABORTED')),
    ).toEqual([])
    expect(problems.blocked).toEqual([])
  })
})
