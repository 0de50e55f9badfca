/**
 * The browser harness itself, on a small stand-in for the built dashboard served by the real
 * app: Chromium starts, a page loads from the server with its Content-Security-Policy, the
 * problem collector stays empty on a clean page and catches console errors, uncaught errors
 * and what the policy refuses, `blockExternal` stops and records requests to anywhere else,
 * screenshots land in test-artifacts/browser, and `waitForTrue` works under the policy (where
 * `page.waitForFunction` with a string, which needs `eval`, does not).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  blockExternal,
  browserAvailable,
  launchBrowser,
  noteIfSkipped,
  openPage,
  screenshot,
  waitForTrue,
} from './support/browser.ts'
import { tempDir } from './support/cli.ts'
import { testServer, type TestServer } from './support/server.ts'

noteIfSkipped('browser harness')

/** A dist folder whose app reads the stations, starts a blob worker, then marks itself ready. */
function standInDist(): string {
  const dir = tempDir()
  mkdirSync(join(dir, 'assets'))
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><link rel="icon" href="data:,"><title>stand-in</title>
     <script type="module" src="/assets/app-Zz12Yy34.js"></script></head>
     <body><p id="out">loading</p></body></html>`,
  )
  writeFileSync(
    join(dir, 'assets', 'app-Zz12Yy34.js'),
    `const r = await fetch('/api/v1/dashboard/stations')
     const body = await r.json()
     const src = URL.createObjectURL(new Blob(['postMessage(6 * 7)'], { type: 'text/javascript' }))
     const answer = await new Promise((resolve) => { const w = new Worker(src); w.onmessage = (e) => resolve(e.data) })
     document.getElementById('out').textContent = body.stations.length + ' stations, worker ' + answer
     const mode = new URLSearchParams(location.search).get('mode')
     if (mode === 'external') { const img = new Image(); img.src = 'https://tiles.example.org/0/0/0.png'; document.body.append(img) }
     if (mode === 'fetch-out') fetch('https://cdn.example.org/font.woff2').catch(() => {})
     if (mode === 'broken') setTimeout(() => { throw new Error('boom from the app') })
     if (mode === 'console') console.error('something went wrong')
     document.documentElement.dataset.ready = 'true'`,
  )
  return dir
}

describe.skipIf(!browserAvailable())('the browser harness', () => {
  let s: TestServer
  let base: string
  let browser: Browser
  beforeAll(async () => {
    s = await testServer({ webRoot: standInDist() })
    base = await s.app.listen({ port: 0, host: '127.0.0.1' })
    browser = await launchBrowser()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await s?.close()
  })

  const load = async (mode: string) => {
    const { page, problems } = await openPage(browser, base)
    const blocked = await blockExternal(page, base)
    await page.goto(`/?mode=${mode}`)
    await waitForTrue(page, "document.documentElement.dataset.ready === 'true'", 20_000)
    await page.waitForTimeout(300)
    return { page, problems, blocked }
  }

  it('loads a clean page with nothing to report, and keeps its screenshot', async () => {
    const { page, problems, blocked } = await load('clean')
    expect(await page.textContent('#out')).toBe('2 stations, worker 42')
    const file = await screenshot(page, 'harness clean')
    expect(file).toBe(join(process.cwd(), 'test-artifacts', 'browser', 'harness-clean.png'))
    expect(existsSync(file)).toBe(true)
    problems.stop()
    await page.context().close()
    expect(problems.problems()).toEqual([])
    expect(blocked).toEqual([])
  })

  it('reports what the Content-Security-Policy refuses', async () => {
    const { page, problems } = await load('external')
    problems.stop()
    await page.context().close()
    expect(problems.consoleErrors.join('\n')).toMatch(/Content Security Policy|img-src/)
  })

  it('blocks and records requests to anywhere but the server', async () => {
    // connect-src 'self' refuses it first; the route would block it if the policy did not.
    const { page, problems, blocked } = await load('fetch-out')
    // A navigation elsewhere is not under the page's policy: the route stops it.
    const nav = await page.goto('https://example.org/').catch((e: Error) => e)
    expect(nav).toBeInstanceOf(Error)
    problems.stop()
    await page.context().close()
    expect(blocked).toContain('https://example.org/')
    expect(problems.failedRequests.some((r) => r.includes('example.org'))).toBe(false)
    expect(problems.consoleErrors.join('\n')).toMatch(/cdn\.example\.org/)
  })

  it('waits under the policy, where page.waitForFunction with a string cannot', async () => {
    const { page, problems } = await load('clean')
    await waitForTrue(page, "document.getElementById('out').textContent.includes('worker')", 5000)
    // False at first, so that the predicate is evaluated again inside the page.
    await page.evaluate('setTimeout(() => { window.later = true }, 300)')
    const refused = await page
      .waitForFunction('window.later === true', undefined, { timeout: 5000 })
      .then(() => 'evaluated')
      .catch((e: Error) => e.message)
    expect(refused).toMatch(/unsafe-eval|Content Security Policy/)
    problems.stop()
    await page.context().close()
  })

  it('collects uncaught errors and console errors', async () => {
    const broken = await load('broken')
    broken.problems.stop()
    await broken.page.context().close()
    expect(broken.problems.pageErrors.join('\n')).toMatch(/boom from the app/)
    const noisy = await load('console')
    noisy.problems.stop()
    await noisy.page.context().close()
    expect(noisy.problems.problems()).toEqual([
      expect.stringMatching(/^console: something went wrong \(http:.*app-Zz12Yy34\.js:\d+\)$/),
    ])
  })
})
