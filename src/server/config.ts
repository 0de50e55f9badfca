/**
 * Server configuration: environment variables, optionally on top of one JSON file named by
 * `FRESHET_CONFIG`. Every value is checked at start-up; a bad one stops the server with a
 * message that names it. See docs/configuration.md.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { InputError } from '../core/errors.ts'
import { formatIssue } from '../core/result.ts'
import { ROLES } from './auth.ts'
import { isPasswordHash } from './sessions.ts'

const grantSchema = z.object({
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (SHA-256 of the token)'),
  user: z.string().min(1),
  role: z.enum(ROLES),
  areas: z.array(z.string()).default(['*']),
})

const userSchema = z.object({
  user: z.string().min(1),
  role: z.enum(ROLES),
  areas: z.array(z.string()).default(['*']),
  passwordHash: z
    .string()
    .refine(isPasswordHash, 'must be a scrypt hash as `freshet password-hash` prints it'),
})

const latLon = z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)])

const zoneSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
  name: z.string().min(1),
  basinIds: z.array(z.string()).default([]),
  seriesIds: z.array(z.string()).default([]),
  polygons: z
    .array(
      z
        .array(latLon)
        .min(4, 'a ring needs at least 4 points')
        .refine(
          (r) => r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1],
          'a ring must end on its first point',
        ),
    )
    .min(1, 'a zone needs at least one polygon'),
  geocodes: z
    .array(z.object({ valueName: z.string().min(1), value: z.string().min(1) }))
    .default([]),
})

/** Warnings outside the demo: zones, the threshold behind each level, sender and languages. */
const warningsSchema = z.object({
  /** CAP `sender` and `senderName`. */
  sender: z.object({
    id: z.string().regex(/^[^\s,<&]+$/, 'no spaces, commas, < or &'),
    name: z.string().min(1),
  }),
  /** One CAP `info` per language, in this order; texts exist for en and ko. */
  languages: z
    .array(z.enum(['en', 'ko']))
    .min(1)
    .default(['en']),
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(0),
  /** CAP `web`; the server's feed when absent. */
  web: z.url().optional(),
  /** The threshold name behind each default level (advisory, warning, severe, emergency). */
  levels: z.object({
    advisory: z.string().min(1),
    warning: z.string().min(1),
    severe: z.string().min(1),
    emergency: z.string().min(1),
  }),
  /** Whether two people are needed to issue a level by default (drafter ≠ approver). */
  twoPersonDefault: z.boolean().default(true),
  /** Issue every rule draft at once, without approval (otherwise only observed emergencies). */
  autoIssueAll: z.boolean().default(false),
  zones: z.array(zoneSchema).min(1),
})

/** The delivery loop and its channels; secrets are named environment variables, never values. */
const deliverySchema = z
  .object({
    /** How often the loop looks at the outbox when nothing wakes it (ms). */
    pollMs: z.number().int().min(50).default(1000),
    /** Attempts in flight at once. */
    concurrency: z.number().int().min(1).max(64).default(8),
    /** Minutes after delivery before an unacknowledged warning goes to the next contact. */
    ackTimeoutMinutes: z.number().positive().default(30),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).default(6),
        baseDelaySeconds: z.number().min(0).default(30),
        maxDelaySeconds: z.number().min(0).default(900),
      })
      .prefault({}),
    webhookTimeoutMs: z.number().int().positive().default(10_000),
    email: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535),
        security: z.enum(['tls', 'starttls', 'none']),
        from: z.string().min(3),
        user: z.string().optional(),
        /** The environment variable holding the SMTP password. */
        passwordEnv: z.string().optional(),
        messageIdDomain: z.string().optional(),
      })
      .optional(),
    sms: z
      .object({
        url: z.url(),
        authHeader: z.string().default('authorization'),
        /** The environment variable holding the header's value (e.g. `Bearer …`). */
        authValueEnv: z.string().optional(),
        sender: z.string().optional(),
        maxSegments: z.number().int().min(1).max(10).default(3),
      })
      .optional(),
  })
  .prefault({})

/** Command: the escalation worker and incidents opened from warnings (only in the config file). */
const commandSchema = z
  .object({
    /** How often the escalation worker looks for posts silent past a deadline (seconds). */
    escalationIntervalSeconds: z.number().positive().default(30),
    /** The lowest warning level (a rank: 0 = advisory, 1 = warning, …) that opens incidents. */
    incidentMinLevelRank: z.number().int().min(0).default(1),
  })
  .prefault({})

export const configSchema = z.object({
  /** TCP port (PORT). */
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface to listen on (HOST). */
  host: z.string().default('127.0.0.1'),
  /** Absolute URL the server is reached at, for links in feeds (FRESHET_PUBLIC_URL); the request's host when absent. */
  publicUrl: z.url().optional(),
  /** SQLite file path or postgres:// URL (FRESHET_DB); default var/freshet.db. */
  database: z.string().optional(),
  /** Whether to load and run the demo region (FRESHET_DEMO, default true). */
  demo: z.boolean().default(true),
  /** Demo clock: simulated hours per real second (FRESHET_DEMO_SPEED). */
  demoHoursPerSecond: z.coerce.number().positive().default(24),
  /** Start the demo replay paused at its first day (FRESHET_DEMO_PAUSED); it is then played or stepped through `POST /api/v1/demo/replay`. */
  demoPaused: z.boolean().default(false),
  /** Folder of the built dashboard served at `/` (FRESHET_WEB_ROOT); default web/dist of the installation. */
  webRoot: z.string().optional(),
  /** Worker threads for the forecast cycle's models (FRESHET_WORKERS); 0 runs them in the server's thread. */
  workers: z.coerce.number().int().min(0).max(256).default(0),
  /** Largest request body (FRESHET_BODY_LIMIT, bytes). */
  bodyLimit: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** Log level (LOG_LEVEL). */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  /** API tokens (only in the config file: digests, never tokens). */
  tokens: z.array(grantSchema).default([]),
  /** People who sign in with a password (only in the config file: scrypt hashes). */
  users: z.array(userSchema).default([]),
  /** How long a session lasts after sign-in (hours). */
  sessionHours: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  /** Warning zones and rules outside the demo (only in the config file). */
  warnings: warningsSchema.optional(),
  /** The delivery loop and its channels (only in the config file). */
  delivery: deliverySchema,
  /** Command: escalation and incidents from warnings (only in the config file). */
  command: commandSchema,
})

export type ServerConfig = z.infer<typeof configSchema>

/**
 * Reads the configuration from `env` and the file it names.
 * @throws InputError naming the variable or field that is wrong
 */
export function loadConfig(env: NodeJS.ProcessEnv): ServerConfig {
  let file: Record<string, unknown> = {}
  if (env.FRESHET_CONFIG !== undefined && env.FRESHET_CONFIG !== '') {
    let text: string
    try {
      text = readFileSync(env.FRESHET_CONFIG, 'utf8')
    } catch (e) {
      throw new InputError(
        `FRESHET_CONFIG: cannot read ${env.FRESHET_CONFIG}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      )
    }
    try {
      file = JSON.parse(text) as Record<string, unknown>
    } catch (e) {
      throw new InputError(`${env.FRESHET_CONFIG}: not valid JSON (${(e as Error).message})`)
    }
  }
  const fromEnv: Record<string, unknown> = {}
  const map: [string, string][] = [
    ['PORT', 'port'],
    ['HOST', 'host'],
    ['FRESHET_DB', 'database'],
    ['FRESHET_DEMO_SPEED', 'demoHoursPerSecond'],
    ['FRESHET_BODY_LIMIT', 'bodyLimit'],
    ['FRESHET_WORKERS', 'workers'],
    ['FRESHET_PUBLIC_URL', 'publicUrl'],
    ['FRESHET_WEB_ROOT', 'webRoot'],
    ['LOG_LEVEL', 'logLevel'],
  ]
  for (const [k, f] of map) if (env[k] !== undefined && env[k] !== '') fromEnv[f] = env[k]
  if (env.FRESHET_DEMO !== undefined && env.FRESHET_DEMO !== '') {
    if (!['0', '1', 'true', 'false'].includes(env.FRESHET_DEMO))
      throw new InputError(`FRESHET_DEMO must be true or false, got "${env.FRESHET_DEMO}"`)
    fromEnv.demo = env.FRESHET_DEMO === '1' || env.FRESHET_DEMO === 'true'
  }
  if (env.FRESHET_DEMO_PAUSED !== undefined && env.FRESHET_DEMO_PAUSED !== '') {
    if (!['0', '1', 'true', 'false'].includes(env.FRESHET_DEMO_PAUSED))
      throw new InputError(
        `FRESHET_DEMO_PAUSED must be true or false, got "${env.FRESHET_DEMO_PAUSED}"`,
      )
    fromEnv.demoPaused = env.FRESHET_DEMO_PAUSED === '1' || env.FRESHET_DEMO_PAUSED === 'true'
  }
  const parsed = configSchema.safeParse({ ...file, ...fromEnv })
  if (!parsed.success) {
    throw new InputError(
      `configuration: ${parsed.error.issues.map((i) => formatIssue({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), message: i.message })).join('; ')}`,
    )
  }
  return parsed.data
}
