/**
 * End-to-end browser helpers: Debian's Chromium driven by playwright-core, a page that
 * collects every console error, page error and failed request, a switch that cuts the page off
 * from everything but the Freshet server, screenshots kept as test artifacts, and the real
 * server started as a child process on the demo region with tokens the test knows.
 *
 * Browser tests use `describe.skipIf(!browserAvailable())(…)` and call {@link noteIfSkipped}
 * once at the top of the file, so a run without Chromium says so in one visible line.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page, type Request } from 'playwright-core'
import { tokenDigest } from '../../src/server/auth.ts'
import { ROOT } from './cli.ts'

/** The Chromium binary: `FRESHET_CHROMIUM`, else Debian's. */
export const CHROMIUM_PATH = process.env.FRESHET_CHROMIUM ?? '/usr/bin/chromium'

/** Where {@link screenshot} writes (gitignored). */
export const ARTIFACTS_DIR = join(ROOT, 'test-artifacts', 'browser')

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Whether the Chromium binary exists (browser tests are skipped otherwise). */
export function browserAvailable(): boolean {
  return existsSync(CHROMIUM_PATH)
}

/**
 * Prints one line saying the browser tests of `suite` are skipped and why, when Chromium is
 * missing; prints nothing otherwise. Call it once at the top of a browser test file.
 */
export function noteIfSkipped(suite: string): void {
  if (!browserAvailable())
    console.warn(
      `[skipped] ${suite}: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium or set FRESHET_CHROMIUM)`,
    )
}

/**
 * Launches headless Chromium. Every launch gets a fresh, empty profile in a temporary folder
 * (playwright creates it and removes it on `close()`), so no cache or storage leaks between
 * runs.
 * @throws Error when Chromium is missing or does not start
 */
export async function launchBrowser(): Promise<Browser> {
  if (!browserAvailable())
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's chromium or set FRESHET_CHROMIUM`,
    )
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

/** What went wrong in a page: the test asserts that {@link ProblemCollector.problems} is empty. */
export interface ProblemCollector {
  /** `console.error` messages (including the browser's own "Failed to load resource"). */
  readonly consoleErrors: string[]
  /** Uncaught exceptions and unhandled rejections. */
  readonly pageErrors: string[]
  /** Requests that failed at the network level or were answered with status ≥ 500. */
  readonly failedRequests: string[]
  /** Requests {@link blockExternal} stopped (not counted as problems: they prove offline use). */
  readonly blocked: string[]
  /** Every problem so far, one line each, in the order of the lists above. */
  problems(): string[]
  /** Stops collecting (call before closing the page: requests aborted by the close are not problems). */
  stop(): void
}

/** The URLs {@link blockExternal} stopped, per page (shared with the page's collector). */
const blockedLists = new WeakMap<Page, string[]>()

/** A page of a fresh browser context, and its {@link ProblemCollector}. */
export interface OpenedPage {
  readonly page: Page
  readonly problems: ProblemCollector
}

/**
 * Opens a page in a fresh context with `baseUrl` as its base (so `page.goto('/')` works) and
 * starts collecting its problems. Does not navigate.
 * @param options.viewport size in CSS pixels (default 1280 × 800)
 */
export async function openPage(
  browser: Browser,
  baseUrl: string,
  options: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    ...(options.locale !== undefined ? { locale: options.locale } : {}),
  })
  const page = await context.newPage()
  const consoleErrors: string[] = []
  const pageErrors: string[] = []
  const failedRequests: string[] = []
  const blocked: string[] = blockedLists.get(page) ?? []
  blockedLists.set(page, blocked)
  let active = true
  page.on('console', (m) => {
    if (active && m.type() === 'error') {
      const at = m.location()
      // A blocked request's "Failed to load resource" is reported in `blocked`, not twice.
      if (blocked.includes(at.url)) return
      consoleErrors.push(`${m.text()}${at.url !== '' ? ` (${at.url}:${at.lineNumber})` : ''}`)
    }
  })
  page.on('pageerror', (e) => {
    if (active) pageErrors.push(e.stack ?? e.message)
  })
  page.on('requestfailed', (r: Request) => {
    if (!active || blocked.includes(r.url())) return
    failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText ?? 'failed'}`)
  })
  page.on('response', (r) => {
    if (active && r.status() >= 500)
      failedRequests.push(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`)
  })
  const problems: ProblemCollector = {
    consoleErrors,
    pageErrors,
    failedRequests,
    blocked,
    problems: () => [
      ...consoleErrors.map((m) => `console: ${m}`),
      ...pageErrors.map((m) => `page error: ${m}`),
      ...failedRequests.map((m) => `request: ${m}`),
    ],
    stop: () => {
      active = false
    },
  }
  return { page, problems }
}

/**
 * Waits until the JavaScript `expression` is true in `page`, evaluating it every `pollMs`
 * (default 100 ms) from the test. Use it, or `page.waitForFunction` with a function, rather than
 * `page.waitForFunction` with a string: that one evaluates the string with `eval` inside the
 * page, which the dashboard's Content-Security-Policy (no 'unsafe-eval') refuses.
 * `page.evaluate` (strings too) and locators are not affected.
 * @param timeoutMs longest wait (ms)
 * @throws Error naming the expression after `timeoutMs`
 */
export async function waitForTrue(
  page: Page,
  expression: string,
  timeoutMs = 30_000,
  pollMs = 100,
): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await page.evaluate<boolean>(`Boolean(${expression})`))) {
    if (Date.now() > end) throw new Error(`still false after ${timeoutMs} ms: ${expression}`)
    await new Promise((r) => setTimeout(r, pollMs))
  }
}

/**
 * Aborts every request of `page` that does not go to `allowedOrigin` (e.g.
 * `http://127.0.0.1:8123`), recording its URL in the page's `problems.blocked` (or in the list
 * returned), so a test proves the dashboard works with the network cut off except for the
 * Freshet server. `data:` and `blob:` URLs are local and pass.
 * @returns the list of blocked URLs (the same array as `problems.blocked` of {@link openPage})
 */
export async function blockExternal(page: Page, allowedOrigin: string): Promise<string[]> {
  const origin = new URL(allowedOrigin).origin
  const blocked = blockedLists.get(page) ?? []
  blockedLists.set(page, blocked)
  await page.context().route('**/*', async (route) => {
    const url = route.request().url()
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
      await route.continue()
      return
    }
    blocked.push(url)
    await route.abort('blockedbyclient')
  })
  return blocked
}

/**
 * {@link openPage} with the network cut off but for `baseUrl`'s origin ({@link blockExternal}):
 * the page every dashboard test works in.
 */
export async function openOfflinePage(
  browser: Browser,
  baseUrl: string,
  options: Parameters<typeof openPage>[2] = {},
): Promise<OpenedPage> {
  const opened = await openPage(browser, baseUrl, options)
  await blockExternal(opened.page, baseUrl)
  return opened
}

/**
 * Signs in through the header's form with an access token (switching the form from user name
 * and password to token), signing out first whoever is signed in; resolves once the header
 * names the user (`user`, when given).
 */
export async function signInWithToken(page: Page, token: string, user?: string): Promise<void> {
  const out = page.getByTestId('signout')
  if (await out.isVisible()) await out.click()
  const field = page.getByTestId('signin-token')
  if (!(await field.isVisible())) await page.getByTestId('signin-mode').click()
  await field.fill(token)
  await page.getByTestId('signin-submit').click()
  await page
    .locator(
      user === undefined ? '[data-testid=whoami]' : `[data-testid=whoami][data-user="${user}"]`,
    )
    .waitFor()
}

/** Signs in through the header's form with a user name and password (nobody signed in yet). */
export async function signInWithPassword(
  page: Page,
  user: string,
  password: string,
): Promise<void> {
  await page.getByTestId('signin-user').fill(user)
  await page.getByTestId('signin-password').fill(password)
  await page.getByTestId('signin-submit').click()
  await page.locator(`[data-testid=whoami][data-user="${user}"]`).waitFor()
}

/**
 * Saves a full-page PNG of `page` as `test-artifacts/browser/<name>.png`.
 * @returns the file's path
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  const file = join(ARTIFACTS_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

// --- the real server ---------------------------------------------------------------------------

/** Users and tokens of {@link startDemoServer}, as the server's configuration grants them. */
export const DEMO_USERS = {
  /** Server admin, all areas; commander at the national HQ in the demo's command structure. */
  admin: { user: 'admin', role: 'admin', areas: ['*'], token: 'demo-admin-token' },
  /** Duty officer at the Seine river-basin HQ, all areas. */
  seineDuty: {
    user: 'demo.seine-duty',
    role: 'duty-officer',
    areas: ['*'],
    token: 'demo-seine-duty-token',
  },
  /** Forecaster of the Loing basin only (no command post). */
  loingForecaster: {
    user: 'demo.loing-forecaster',
    role: 'forecaster',
    areas: ['loing-episy'],
    token: 'demo-loing-forecaster-token',
  },
  /** Duty officer of the Aube département: the Aube basin (zone `aube-bar`) only. */
  aubeDuty: {
    user: 'demo.aube-duty',
    role: 'duty-officer',
    areas: ['aube-bar'],
    token: 'demo-aube-duty-token',
  },
} as const

/** The bearer token of each {@link DEMO_USERS} entry. */
export const DEMO_TOKENS = {
  admin: DEMO_USERS.admin.token,
  seineDuty: DEMO_USERS.seineDuty.token,
  loingForecaster: DEMO_USERS.loingForecaster.token,
  aubeDuty: DEMO_USERS.aubeDuty.token,
} as const

/** `{ authorization: 'Bearer <token>' }`. */
export const bearer = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
})

export interface DemoServerOptions {
  /** Load and replay the demo region (default true); false serves `database` as it is. */
  readonly demo?: boolean
  /** Simulated hours per real second of the replay (default 24: a day a second). */
  readonly hoursPerSecond?: number
  /** Start with the replay paused at its first day: the test steps it (`POST /api/v1/demo/replay`). */
  readonly paused?: boolean
  /** SQLite file to serve (default: a new one in a temporary folder). */
  readonly database?: string
  /** The built dashboard to serve at `/` (default: web/dist). */
  readonly webRoot?: string
  /** More configuration (merged over the tokens), as in docs/configuration.md. */
  readonly config?: Record<string, unknown>
  /** More environment variables. */
  readonly env?: Record<string, string>
  /** Longest wait for the server to say it serves (ms, default 120 000: the demo calibrates first). */
  readonly startTimeoutMs?: number
}

export interface DemoServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly database: string
  readonly child: ChildProcess
  /** Everything the server wrote on standard error so far. */
  stderr(): string
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its temporary folder. */
  close(): Promise<void>
}

/**
 * Starts `freshet serve` as a child process on a free port of 127.0.0.1, with a configuration
 * granting {@link DEMO_USERS}, a fresh SQLite database (unless given), the demo region and its
 * replay at the given speed (or paused). Resolves once the server says it serves.
 * @throws Error with the server's output when it exits or does not serve within the timeout
 */
export async function startDemoServer(opts: DemoServerOptions = {}): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-browser-'))
  const database = opts.database ?? join(dir, 'freshet.db')
  const configFile = join(dir, 'config.json')
  writeFileSync(
    configFile,
    JSON.stringify({
      tokens: Object.values(DEMO_USERS).map((u) => ({
        sha256: tokenDigest(u.token),
        user: u.user,
        role: u.role,
        areas: u.areas,
      })),
      ...opts.config,
    }),
  )
  const args = [join(ROOT, 'bin', 'freshet.js'), 'serve']
  if (opts.demo === false) args.push('--no-demo')
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      FRESHET_DB: database,
      FRESHET_CONFIG: configFile,
      FRESHET_DEMO_SPEED: String(opts.hoursPerSecond ?? 24),
      FRESHET_DEMO_PAUSED: opts.paused === true ? 'true' : 'false',
      LOG_LEVEL: 'warn',
      ...(opts.webRoot !== undefined ? { FRESHET_WEB_ROOT: opts.webRoot } : {}),
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(`the server did not start within ${opts.startTimeoutMs ?? 120_000} ms:\n${err}`),
      )
    }, opts.startTimeoutMs ?? 120_000)
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
      const m = /serving (http:\/\/[^\s]+)/.exec(err)
      if (m !== null) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (${code ?? signal}) before serving:\n${err}`))
    })
  })
  return {
    url,
    database,
    child,
    stderr: () => err,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(killer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * The demo users' password for the run, as the server printed it on start
 * (`password for this run: …`).
 * @throws Error with the server's output when it printed none
 */
export function demoPassword(server: DemoServer): string {
  const said = /password for this run: (\S+)/.exec(server.stderr())
  if (said === null) throw new Error(`the demo printed no password:\n${server.stderr()}`)
  return said[1]!
}
