/**
 * Dashboard readiness: how long the dashboard takes, in headless Chromium, from navigation start
 * to interactive with a network of STATIONS stations (default 1,000) and their forecasts — side
 * by side with the same page on a network of 10 stations and with the raw time of the one
 * request that carries every station's state, all measured in the same run.
 *
 * Setup: for each network, a temporary SQLite file holding, per station, a basin (draining in a
 * tree: basin i into basin ⌊(i − 1) / 3⌋), a daily discharge series with 30 days of
 * observations ending yesterday, thresholds Q2/Q5/Q10/Q20, and one complete ensemble forecast
 * run issued an hour ago (20 members × 10 daily steps, quantiles and exceedance probabilities);
 * values drawn from a seeded generator so a share of stations is above each threshold. The real
 * server (`freshet serve --no-demo`, a child process) serves it with the built dashboard
 * (web/dist; built first when missing).
 *
 * Measured, REPEATS times each (default 5), every time in a fresh browser context (empty
 * cache):
 * - stations request: `GET /api/v1/dashboard/stations`, from Node, full body read;
 * - ready: navigation start → `<html data-ready="true">`, which the app sets once the map has
 *   drawn the stations and the interface answers input (the time is taken in the page by a
 *   MutationObserver, on the page's own clock, so polling adds nothing);
 * - station panel: a click on a station in the list → its panel's `data-ready="true"` (the
 *   hydrograph drawn), when the app exposes it;
 * - on the way to ready: DOMContentLoaded, and the arrival of the stations' response in the
 *   page (Resource Timing), to tell the server's share from the page's.
 * Also: the JavaScript in web/dist/assets, minified and gzip-compressed.
 *
 * Ends with `dashboard_ready_ms=<median ready, STATIONS stations>` and `dashboard_js_kb=<total
 * minified JavaScript, kB>`. If the page never becomes ready within READY_TIMEOUT_MS (default
 * 30,000), it stops with a message saying so and exit status 1.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { Browser, Page } from 'playwright-core'
import type { EpochMs } from '../src/core/brand.ts'
import type { BasinId, ForecastRunId, SeriesId, StationId, ThresholdId } from '../src/core/ids.ts'
import { seededRng } from '../src/core/rng.ts'
import type { BasinForecast } from '../src/forecast/ports.ts'
import type { Observation } from '../src/observe/types.ts'
import { openStore } from '../src/store/index.ts'
import {
  browserAvailable,
  CHROMIUM_PATH,
  launchBrowser,
  openPage,
  screenshot,
  startDemoServer,
  waitForTrue,
} from '../test/support/browser.ts'
import { ROOT } from '../test/support/cli.ts'

const STATIONS = Number(process.env.STATIONS ?? 1000)
const REFERENCE = 10
const REPEATS = Math.max(1, Number(process.env.REPEATS ?? 5))
const READY_TIMEOUT_MS = Number(process.env.READY_TIMEOUT_MS ?? 30_000)
const DAY = 86_400_000
const HOUR = 3_600_000
const LEAD = 10
const MEMBERS = 20
const WEB_DIST = join(ROOT, 'web', 'dist')

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const fmt = (xs: readonly number[]): string =>
  `median ${median(xs).toFixed(0).padStart(6)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}, n ${xs.length})`

/** Writes a network of `n` stations (see the header) into a new SQLite file; returns its path. */
export async function buildNetwork(n: number, dir: string): Promise<string> {
  const file = join(dir, `network-${n}.db`)
  const store = await openStore(file)
  const rng = seededRng(2016 + n)
  const now = Date.now()
  const today = Math.floor(now / DAY) * DAY
  const side = Math.ceil(Math.sqrt(n))
  const ids = Array.from({ length: n }, (_, i) => `b${String(i).padStart(4, '0')}`)
  await store.basins.upsert(
    ids.map((id, i) => ({
      id: id as BasinId,
      name: `Basin ${i}`,
      areaKm2: 100 + 900 * rng.next(),
      outline: null,
      hypsometry: null,
      downstream: null,
    })),
  )
  // Links for the map's schematic rivers: each basin drains into its parent in a ternary tree.
  await store.basins.upsert(
    ids.slice(1).map((id, k) => ({
      id: id as BasinId,
      name: `Basin ${k + 1}`,
      areaKm2: 500,
      outline: null,
      hypsometry: null,
      downstream: {
        basinId: ids[Math.floor(k / 3)]! as BasinId,
        reach: { kind: 'lag-route' as const, lagHours: 12, kHours: 6 },
      },
    })),
  )
  await store.stations.upsert(
    ids.map((id, i) => ({
      id: `${id}-gauge` as StationId,
      name: `Gauge ${i}`,
      river: `River ${i % 37}`,
      // A grid over northern France, jittered.
      lat: 43.5 + (6 * Math.floor(i / side)) / side + 0.05 * rng.next(),
      lon: -1 + (8 * (i % side)) / side + 0.05 * rng.next(),
      basinId: id as BasinId,
      catchmentAreaKm2: 500,
      datumM: null,
    })),
  )
  await store.series.upsert(
    ids.map((id) => ({
      id: `${id}:discharge` as SeriesId,
      variable: 'discharge' as const,
      unit: 'm3/s' as const,
      kind: 'observed' as const,
      stationId: `${id}-gauge` as StationId,
      basinId: null,
      stepMs: DAY,
    })),
  )
  const levels = [
    ['Q2', 2, 100],
    ['Q5', 5, 150],
    ['Q10', 10, 200],
    ['Q20', 20, 250],
  ] as const
  await store.thresholds.upsert(
    ids.flatMap((id) =>
      levels.map(([name, years, value]) => ({
        id: `${id}:discharge:${name}` as ThresholdId,
        seriesId: `${id}:discharge` as SeriesId,
        name,
        returnPeriodYears: years,
        value,
        source: 'fitted' as const,
        ciLow: null,
        ciHigh: null,
        setBy: null,
        reason: 'synthetic',
        setAt: now as EpochMs,
      })),
    ),
  )
  const peak = ids.map(() => 40 + 240 * rng.next() ** 2)
  const observations: Observation[] = []
  ids.forEach((id, i) => {
    for (let d = 30; d >= 1; d--)
      observations.push({
        seriesId: `${id}:discharge` as SeriesId,
        t: (today - d * DAY) as EpochMs,
        value: peak[i]! * (0.3 + 0.7 * Math.exp(-((d - 1) ** 2) / 40)),
        quality: 0,
      })
  })
  for (let k = 0; k < observations.length; k += 20_000)
    await store.observations.write(observations.slice(k, k + 20_000), now as EpochMs)
  const runId = `bench-${n}` as ForecastRunId
  const issueTime = (now - HOUR) as EpochMs
  await store.forecasts.createRun({
    id: runId,
    issueTime,
    forcingSource: 'synthetic: bench',
    members: MEMBERS,
    leadSteps: LEAD,
    stepMs: DAY,
    createdAt: issueTime,
    status: 'running',
    note: '',
  })
  const forecasts: BasinForecast[] = ids.map((id, i) => {
    const members = Array.from({ length: MEMBERS }, () => {
      const scale = 0.6 + 0.8 * rng.next()
      return Float64Array.from({ length: LEAD }, (_, s) => peak[i]! * scale * Math.exp(-s / 8))
    })
    const quantiles = [0.05, 0.25, 0.5, 0.75, 0.95].map((q) =>
      Float64Array.from({ length: LEAD }, (_, s) => {
        const sorted = members.map((m) => m[s]!).sort((a, b) => a - b)
        return sorted[Math.min(MEMBERS - 1, Math.floor(q * MEMBERS))]!
      }),
    )
    return {
      runId,
      basinId: id as BasinId,
      members,
      quantiles,
      exceedance: levels.map(([name, , value]) => ({
        thresholdId: `${id}:discharge:${name}` as ThresholdId,
        value,
        probability: Float64Array.from(
          { length: LEAD },
          (_, s) => members.filter((m) => m[s]! >= value).length / MEMBERS,
        ),
      })),
    }
  })
  for (let k = 0; k < forecasts.length; k += 200)
    await store.forecasts.putBasinForecasts(forecasts.slice(k, k + 200))
  await store.forecasts.finishRun(runId, 'complete', '')
  await store.close()
  return file
}

/**
 * Installed before any page script (page code, as text: this program has no DOM types): records
 * on the page's clock when `<html data-ready>` turns true and when the panel of the station
 * clicked (`__panelWanted`) is ready.
 */
export const READY_PROBE = `
  (() => {
    new MutationObserver(() => {
      const html = document.documentElement
      if (window.__readyAt === undefined && html !== null && html.dataset.ready === 'true')
        window.__readyAt = performance.now()
      if (window.__panelWanted !== undefined && window.__panelReadyAt === undefined &&
          document.querySelector('[data-testid="station-panel"][data-ready="true"][data-station="' +
            window.__panelWanted + '"]') !== null)
        window.__panelReadyAt = performance.now()
    }).observe(document, { attributes: true, subtree: true, childList: true })
  })()
`

interface PageTimes {
  readonly readyMs: number
  /** Navigation start → end of DOMContentLoaded, and → the stations' response in the page (ms). */
  readonly domMs: number
  readonly stationsMs: number
  readonly panelMs: number | undefined
  readonly problems: readonly string[]
}

/** One load of the dashboard in a fresh context: ready time and, if possible, a station click. */
export async function loadOnce(
  browser: Browser,
  url: string,
  stationId: string,
): Promise<PageTimes> {
  const { page, problems } = await openPage(browser, url)
  try {
    await page.addInitScript({ content: READY_PROBE })
    const messages: string[] = []
    page.on('console', (m) => messages.push(`${m.type()}: ${m.text().slice(0, 300)}`))
    await page.goto('/', { waitUntil: 'commit' })
    try {
      await waitForTrue(page, 'window.__readyAt !== undefined', READY_TIMEOUT_MS)
    } catch {
      const shot = await screenshot(page, 'dashboard-ready-timeout')
      const state = await page.evaluate<string>(
        `JSON.stringify({ map: window.freshet !== undefined, loaded: window.freshet?.map.loaded(), style: window.freshet?.map.isStyleLoaded(), listed: document.querySelectorAll('[data-testid^="station-item-"]').length })`,
      )
      const html = await page.evaluate<string>(
        "document.body === null ? '' : document.body.outerHTML.slice(0, 600)",
      )
      throw new Error(
        `the dashboard never set <html data-ready="true"> within ${READY_TIMEOUT_MS} ms at ${url}.\n` +
          `The app sets it once the map has drawn the stations; until it does, this benchmark cannot measure.\n` +
          `Console: ${messages.join(' | ')}\nPage problems: ${problems.problems().join(' | ') || 'none'}\nMap: ${state}\nScreenshot: ${shot}\nPage body: ${html}`,
      )
    }
    const readyMs = await page.evaluate<number>('window.__readyAt')
    const [domMs, stationsMs] = await page.evaluate<[number, number]>(`[
      performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN,
      performance.getEntriesByType('resource')
        .find((e) => e.name.includes('/api/v1/dashboard/stations'))?.responseEnd ?? NaN,
    ]`)
    const panelMs = await clickStation(page, stationId)
    problems.stop()
    return { readyMs, domMs, stationsMs, panelMs, problems: problems.problems() }
  } finally {
    problems.stop()
    await page.context().close()
  }
}

/** Clicks station `id` in the station list; the time until its panel is ready, if it shows. */
async function clickStation(page: Page, id: string): Promise<number | undefined> {
  const item = page.locator(`[data-testid="station-item-${id}"]`)
  if ((await item.count()) === 0) {
    const search = page.locator('[data-testid="station-search"]')
    if ((await search.count()) === 0) return undefined
    await search.fill(id)
    await item
      .first()
      .waitFor({ timeout: 5000 })
      .catch(() => {})
    if ((await item.count()) === 0) return undefined
  }
  const selector = JSON.stringify(`[data-testid="station-item-${id}"]`)
  const clickedAt = await page.evaluate<number>(`(() => {
    delete window.__panelReadyAt
    window.__panelWanted = ${JSON.stringify(id)}
    const el = document.querySelector(${selector})
    const t = performance.now()
    el.click()
    return t
  })()`)
  const panel = JSON.stringify(
    `[data-testid="station-panel"][data-station="${id}"][data-ready="true"]`,
  )
  try {
    await waitForTrue(page, `document.querySelector(${panel}) !== null`, 15_000)
  } catch {
    return undefined
  }
  const readyAt = await page.evaluate<number | undefined>('window.__panelReadyAt')
  return readyAt === undefined ? undefined : readyAt - clickedAt
}

/** The total size of the JavaScript in web/dist/assets (bytes), minified and gzip-compressed. */
function jsSize(): { files: number; minified: number; gzip: number } {
  const dir = join(WEB_DIST, 'assets')
  let minified = 0
  let gzip = 0
  let files = 0
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.js') && !f.endsWith('.mjs')) continue
    const bytes = readFileSync(join(dir, f))
    files++
    minified += bytes.length
    gzip += gzipSync(bytes, { level: 9 }).length
  }
  return { files, minified, gzip }
}

async function main(): Promise<void> {
  if (!browserAvailable()) {
    console.error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's chromium or set FRESHET_CHROMIUM`,
    )
    process.exit(1)
  }
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    console.log('web/dist is missing: npm run build:web')
    execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'inherit' })
  }
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-dashboard-'))
  const browser = await launchBrowser()
  const results = new Map<
    number,
    {
      request: number[]
      ready: number[]
      panel: number[]
      dom: number[]
      stationsIn: number[]
      bytes: number
    }
  >()
  try {
    for (const n of [REFERENCE, STATIONS]) {
      const t0 = performance.now()
      const db = await buildNetwork(n, dir)
      console.log(
        `network of ${n} stations written in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      )
      const server = await startDemoServer({ demo: false, database: db, startTimeoutMs: 60_000 })
      try {
        const request: number[] = []
        let bytes = 0
        // One warm-up request, then the measured ones.
        await (await fetch(`${server.url}/api/v1/dashboard/stations`)).arrayBuffer()
        for (let k = 0; k < REPEATS; k++) {
          const s = performance.now()
          const body = await (await fetch(`${server.url}/api/v1/dashboard/stations`)).arrayBuffer()
          request.push(performance.now() - s)
          bytes = body.byteLength
        }
        const ready: number[] = []
        const panel: number[] = []
        const dom: number[] = []
        const stationsIn: number[] = []
        const problems = new Set<string>()
        // One warm-up load (the server's first reads, Chromium's first start of a renderer).
        await loadOnce(browser, server.url, 'b0000-gauge')
        for (let k = 0; k < REPEATS; k++) {
          const t = await loadOnce(browser, server.url, `b${String(n - 1).padStart(4, '0')}-gauge`)
          ready.push(t.readyMs)
          if (Number.isFinite(t.domMs)) dom.push(t.domMs)
          if (Number.isFinite(t.stationsMs)) stationsIn.push(t.stationsMs)
          if (t.panelMs !== undefined) panel.push(t.panelMs)
          for (const p of t.problems) problems.add(p)
        }
        for (const p of problems) console.log(`  page problem: ${p}`)
        results.set(n, { request, ready, panel, dom, stationsIn, bytes })
      } finally {
        await server.close()
      }
    }
  } finally {
    await browser.close()
    rmSync(dir, { recursive: true, force: true })
  }

  const ref = results.get(REFERENCE)!
  const big = results.get(STATIONS)!
  console.log('')
  console.log(`Chromium ${CHROMIUM_PATH}, ${REPEATS} loads each in a fresh context (empty cache)`)
  const row = (label: string, a: number[], b: number[]): void => {
    console.log(
      `${label.padEnd(34)} ${String(REFERENCE).padStart(5)} stations: ${a.length > 0 ? fmt(a) : 'not measured'}`,
    )
    console.log(
      `${''.padEnd(34)} ${String(STATIONS).padStart(5)} stations: ${b.length > 0 ? fmt(b) : 'not measured'}`,
    )
  }
  row('GET /api/v1/dashboard/stations', ref.request, big.request)
  console.log(
    `${''.padEnd(34)} body ${(ref.bytes / 1024).toFixed(1)} kB and ${(big.bytes / 1024).toFixed(1)} kB`,
  )
  row('navigation start → DOMContentLoaded', ref.dom, big.dom)
  row('navigation start → stations received', ref.stationsIn, big.stationsIn)
  row('navigation start → data-ready', ref.ready, big.ready)
  row('click station → panel data-ready', ref.panel, big.panel)
  if (big.panel.length === 0)
    console.log('  (the station panel was not measured: no station list item or panel data-ready)')
  const js = jsSize()
  console.log(
    `JavaScript in web/dist/assets: ${js.files} files, ${(js.minified / 1024).toFixed(1)} kB minified, ${(js.gzip / 1024).toFixed(1)} kB gzip (budget 1,536 kB minified)`,
  )
  console.log(`dashboard_ready_ms=${median(big.ready).toFixed(0)}`)
  console.log(`dashboard_js_kb=${(js.minified / 1024).toFixed(0)}`)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(1)
  })
