/**
 * What `freshet command …` and `freshet logistics …` work on: the database (FRESHET_DB, or
 * `--db`) and the server's own command and logistics services over it, so that a write from
 * the command line is checked, stored and appended to the audit chain exactly as through the
 * API. Whoever runs the CLI has the database in hand, so acts as the server's admin would; the
 * audit chain records them as `--as` (default FRESHET_USER, else `cli:<login name>`).
 */
import { existsSync, readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import type { EpochMs } from '../core/brand.ts'
import type { Clock } from '../core/clock.ts'
import { InputError } from '../core/errors.ts'
import type { UserId } from '../core/ids.ts'
import { formatIssue } from '../core/result.ts'
import { createCommandService, type CommandService } from '../server/command-service.ts'
import { loadConfig } from '../server/config.ts'
import { ApiError } from '../server/errors.ts'
import { EventHub } from '../server/events.ts'
import {
  createLogisticsService,
  type Actor,
  type LogisticsService,
} from '../server/logistics-service.ts'
import { configuredWarnings } from '../server/warning-setup.ts'
import type { WarningZone } from '../warn/types.ts'
import { openStore, resolveDatabaseUrl, type Store } from '../store/index.ts'

/** The options every command and logistics command takes. */
export interface StoreOptions {
  /** A SQLite file or a postgres:// URL (default FRESHET_DB). */
  readonly db?: string
  /** The user the audit chain records (default FRESHET_USER, else `cli:<login name>`). */
  readonly as?: string
}

/** The services of one CLI run. */
export interface Services {
  readonly store: Store
  readonly command: CommandService
  readonly logistics: LogisticsService
  /** Who acts (see the file comment). */
  readonly user: UserId
  /** {@link user} over every area. */
  readonly actor: Actor
  /** Warning zones and level names (lowest first) of the configuration (FRESHET_CONFIG). */
  warnings(): { readonly zones: readonly WarningZone[]; readonly levels: readonly string[] }
}

const systemClock: Clock = { now: () => Date.now() as EpochMs }

/** The user a CLI run acts as (see the file comment). */
export function cliUser(opts: StoreOptions, env: NodeJS.ProcessEnv = process.env): UserId {
  const given = opts.as ?? env.FRESHET_USER
  if (given !== undefined) {
    if (given.trim() === '') throw new InputError('--as must name a user')
    return given as UserId
  }
  return `cli:${userInfo().username}` as UserId
}

/**
 * Opens the database and the services over it, runs `fn`, and closes everything. Failures the
 * services report to API clients (403, 404, 409, 422) become an {@link InputError} with every
 * problem and its path: one line on standard error and exit status 2.
 * @param create whether a missing SQLite file may be created (only for writes that set a
 *   database up); reading never creates one
 * @throws InputError for a missing database, a bad option, or a refused step
 */
export async function withServices<T>(
  opts: StoreOptions,
  create: boolean,
  fn: (s: Services) => Promise<T>,
): Promise<T> {
  const user = cliUser(opts)
  const url = opts.db ?? resolveDatabaseUrl(process.env)
  if (!create && !/^postgres(ql)?:\/\//.test(url) && !existsSync(url))
    throw new InputError(`no database at ${url}`)
  const store = await openStore(url)
  const events = new EventHub()
  const log = (msg: string): void => {
    process.stderr.write(`freshet: ${msg}\n`)
  }
  const command = createCommandService({ store, clock: systemClock, events, log })
  const logistics = createLogisticsService({ store, clock: systemClock, events, log })
  let warnings: ReturnType<Services['warnings']> | undefined
  try {
    return await fn({
      store,
      command,
      logistics,
      user,
      actor: { user, covers: () => true },
      warnings() {
        if (warnings === undefined) {
          const setup = configuredWarnings(loadConfig(process.env))
          warnings = { zones: setup.zones, levels: setup.rules.levels.map((l) => l.name) }
        }
        return warnings
      },
    })
  } catch (e) {
    if (e instanceof ApiError) throw refusal(e)
    throw e
  } finally {
    await command.stop()
    await logistics.stop()
    await store.close()
  }
}

/** A service's refusal as the CLI says it. */
function refusal(e: ApiError): InputError {
  const what =
    e.status === 404
      ? 'not found'
      : e.status === 409
        ? 'conflict'
        : e.status === 403
          ? 'refused'
          : 'invalid'
  const details = e.details.map(formatIssue).join('; ')
  // Most services put every problem in the message already; do not say them twice.
  const message =
    details === '' || e.message.includes(details) ? e.message : `${e.message}: ${details}`
  return new InputError(`${what}: ${message}`)
}

/**
 * Reads a JSON file. A syntax error names the line and column.
 * @throws InputError when the file cannot be read or is not JSON
 */
export function readJsonFile(file: string): { value: unknown; text: string } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`)
  }
  try {
    return { value: JSON.parse(text) as unknown, text }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const at = /at position (\d+)/.exec(message)
    if (at === null) throw new InputError(`${file}: not JSON: ${message}`)
    const { line, column } = lineColumn(text, Number(at[1]))
    throw new InputError(
      `${file}:${line}:${column}: not JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
    )
  }
}

/** Line and column (1-based) of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++
      start = i + 1
    }
  return { line, column: offset - start + 1 }
}

/**
 * The line (1-based) where each element of the array under the top-level key `key` begins in
 * the JSON `text`: a scan that follows strings and nesting, so `posts[12]` can be reported as
 * a line of the file. Empty when there is no such array.
 */
export function elementLines(text: string, key: string): number[] {
  const lines: number[] = []
  let depth = 0
  let line = 1
  let inArray = false
  let expectElement = false
  let lastKey: string | null = null
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '\n') {
      line++
      continue
    }
    if (c === '"') {
      const start = i
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++
      if (depth === 1) lastKey = JSON.parse(text.slice(start, i + 1)) as string
      if (inArray && expectElement && depth === 2) {
        lines.push(line)
        expectElement = false
      }
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r') continue
    if (inArray && depth === 2 && expectElement && c !== ']' && c !== ',') {
      lines.push(line)
      expectElement = false
    }
    if (c === '{' || c === '[') {
      depth++
      if (depth === 2 && c === '[' && lastKey === key) {
        inArray = true
        expectElement = true
      }
    } else if (c === '}' || c === ']') {
      if (depth === 2 && inArray) return lines
      depth--
    } else if (c === ',' && inArray && depth === 2) expectElement = true
    else if (c === ':' && depth === 1) continue
  }
  return lines
}
