/**
 * The writes of `freshet command …`: issuing and answering orders, opening, listing and closing
 * incidents. Each goes through the server's command service as the same request through the
 * API does, so it is checked, stored and audited the same way.
 *
 * The service decides who may act where from the command principal's assignments. Whoever runs
 * the CLI has the database in hand and may change anything in it (src/cli/services.ts), so the
 * CLI's principal holds the commander's role at every post. Only the user is recorded: in the
 * audit chain, as the order's issuer, as who answered.
 */
import type { Command } from 'commander'
import { InputError } from '../../core/errors.ts'
import type { UserId } from '../../core/ids.ts'
import { formatIssue, type Issue } from '../../core/result.ts'
import type { Hierarchy } from '../../command/hierarchy.ts'
import {
  INCIDENT_STATUSES,
  RESPONSE_LEVELS,
  type Incident,
  type IncidentStatus,
  type ResponseLevel,
} from '../../command/incidents.ts'
import type { Response } from '../../command/orders.ts'
import type { IncidentId, PostId, Principal } from '../../command/types.ts'
import type { OrderInput } from '../../server/command-service.ts'
import { ApiError } from '../../server/errors.ts'
import { incidentView, orderBody, orderView, recipientView } from '../../server/routes/command.ts'
import { guard } from '../errors.ts'
import { readJsonFile, withServices, type StoreOptions } from '../services.ts'
import { table } from '../table.ts'

const HOUR_MS = 3_600_000
/** Hours to acknowledge an order when `--ack-within` is not given (as the dashboard's form). */
const DEFAULT_ACK_HOURS = 6
/** Hours to complete it when `--complete-within` is not given (at least the ack hours). */
const DEFAULT_COMPLETE_HOURS = 24

/** The latest time a date holds (epoch ms); half of it, added to now, is still a date. */
const LATEST_MS = 8.64e15

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString())

/**
 * The principal the CLI acts as: `user` holding the commander's role at every post of `h`, so
 * the service's checks of who may act where pass, while its checks of what may be done (a post
 * below the issuer, an answer that follows) still apply.
 */
export function cliPrincipal(h: Hierarchy, user: UserId): Principal {
  return { id: user, assignments: h.order.map((post) => ({ user, post, role: 'commander' })) }
}

/** Splits a comma-separated option into its non-empty, trimmed parts. */
const list = (v: string): string[] =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')

/** Collects a repeatable option's values in order. */
const collect = (v: string, previous: readonly string[] | undefined): string[] => [
  ...(previous ?? []),
  v,
]

/**
 * A number of hours from an option: positive, finite, and a deadline a date can hold.
 * @throws InputError naming the option and the value
 */
function hoursOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const h = Number(value)
  if (value.trim() === '' || !Number.isFinite(h) || h <= 0 || !(h * HOUR_MS < LATEST_MS / 2))
    throw new InputError(`${name} must be a positive number of hours, not ${JSON.stringify(value)}`)
  return h
}

/**
 * A service's refusal with each problem's path said as the option it came from (`rename`
 * returns the option for an issue, or undefined to keep the path); other errors unchanged.
 */
function inOptionTerms(e: unknown, rename: (i: Issue) => string | undefined): unknown {
  if (!(e instanceof ApiError) || e.details.length === 0) return e
  const issues = e.details.map((i) => {
    const option = rename(i)
    return option === undefined ? i : { path: [option], message: i.message }
  })
  return new ApiError(e.status, e.code, issues.map(formatIssue).join('; '), issues)
}

interface IssueOptions extends StoreOptions {
  readonly file?: string
  readonly id?: string
  readonly from?: string
  readonly to?: string
  readonly scope?: string
  readonly title?: string
  readonly action?: readonly string[]
  readonly ackWithin?: string
  readonly completeWithin?: string
  readonly json?: boolean
}

/** The options that describe the order itself (not with `--file`). */
const ORDER_FLAGS = [
  ['id', '--id'],
  ['from', '--from'],
  ['to', '--to'],
  ['scope', '--scope'],
  ['title', '--title'],
  ['ackWithin', '--ack-within'],
  ['completeWithin', '--complete-within'],
] as const

/**
 * Reads an order file: the body `POST /api/v1/command/orders` takes.
 * @throws InputError naming the file and every problem with its path
 */
function readOrderFile(file: string): OrderInput {
  const { value } = readJsonFile(file)
  const r = orderBody.safeParse(value)
  if (!r.success)
    throw new InputError(
      `${file}: invalid order, nothing issued: ${r.error.issues
        .map((z) =>
          formatIssue({
            path: z.path.map((k) => (typeof k === 'symbol' ? String(k) : k)),
            message: z.message,
          }),
        )
        .join('; ')}`,
    )
  const b = r.data
  return {
    ...(b.id === undefined ? {} : { id: b.id }),
    issuerPost: b.issuerPost,
    title: b.title,
    actions: b.actions,
    recipients: b.recipients,
    ackDeadline: Date.parse(b.ackDeadline),
    completionDeadline: Date.parse(b.completionDeadline),
  }
}

/**
 * The order the options describe, its deadlines counted from `now` (epoch ms).
 * @throws InputError for a missing or malformed option
 */
function orderFromOptions(opts: IssueOptions, now: number): OrderInput {
  if (opts.from === undefined) throw new InputError('--from POST is required (or --file)')
  if (opts.title === undefined) throw new InputError('--title TEXT is required (or --file)')
  if (opts.action === undefined)
    throw new InputError('--action TEXT is required, once per action (or --file)')
  if (opts.to === undefined && opts.scope === undefined)
    throw new InputError('--to POST[,POST…] or --scope direct|all-below is required (or --file)')
  if (opts.to !== undefined && opts.scope !== undefined)
    throw new InputError('--to and --scope name the recipients twice: give one')
  let recipients: OrderInput['recipients']
  if (opts.to !== undefined) {
    const posts = list(opts.to)
    if (posts.length === 0) throw new InputError('--to must name at least one post')
    recipients = { kind: 'selected', posts }
  } else if (opts.scope === 'direct' || opts.scope === 'all-below')
    recipients = { kind: opts.scope }
  else throw new InputError(`--scope must be direct or all-below, not ${opts.scope}`)
  const ack = hoursOption('--ack-within', opts.ackWithin, DEFAULT_ACK_HOURS)
  const complete = hoursOption(
    '--complete-within',
    opts.completeWithin,
    Math.max(DEFAULT_COMPLETE_HOURS, ack),
  )
  if (complete < ack)
    throw new InputError(
      `--complete-within (${complete} h) must not be shorter than --ack-within (${ack} h)`,
    )
  return {
    ...(opts.id === undefined ? {} : { id: opts.id }),
    issuerPost: opts.from,
    title: opts.title,
    actions: opts.action,
    recipients,
    ackDeadline: now + ack * HOUR_MS,
    completionDeadline: now + complete * HOUR_MS,
  }
}

/** The option an order's issue path came from (undefined: keep the path). */
function orderOption(i: Issue, recipients: string): string | undefined {
  const [head, index] = i.path
  switch (head) {
    case 'id':
      return '--id'
    case 'issuerPost':
      return '--from'
    case 'recipients':
      return recipients
    case 'title':
      return '--title'
    case 'actions':
      return typeof index === 'number' ? `--action #${index + 1}` : '--action'
    case 'ackDeadline':
      return '--ack-within'
    case 'completionDeadline':
      return '--complete-within'
    default:
      return undefined
  }
}

const RESPONSE_KINDS = ['received', 'accepted', 'unable', 'completed'] as const

interface AnswerOptions extends StoreOptions {
  readonly kind?: string
  readonly reason?: string
  readonly report?: string
  readonly json?: boolean
}

/**
 * The answer the options describe.
 * @throws InputError for an unknown kind, a missing reason or report, or one that does not belong
 */
function responseFromOptions(opts: AnswerOptions): Response {
  const kind = opts.kind
  if (kind === undefined) throw new InputError(`--kind is required: ${RESPONSE_KINDS.join(', ')}`)
  if (opts.reason !== undefined && kind !== 'unable')
    throw new InputError(`--reason goes with --kind unable, not ${kind}`)
  if (opts.report !== undefined && kind !== 'completed')
    throw new InputError(`--report goes with --kind completed, not ${kind}`)
  switch (kind) {
    case 'received':
    case 'accepted':
      return { kind }
    case 'unable':
      if (opts.reason === undefined) throw new InputError('--kind unable needs --reason TEXT')
      return { kind, reason: opts.reason }
    case 'completed':
      if (opts.report === undefined) throw new InputError('--kind completed needs --report TEXT')
      return { kind, report: opts.report }
    default:
      throw new InputError(`--kind must be one of ${RESPONSE_KINDS.join(', ')}, not ${kind}`)
  }
}

/** `id, post, level, status, opened, closed, source, title` of each incident. */
const incidentTable = (incidents: readonly Incident[]): string =>
  table(
    ['id', 'post', 'level', 'status', 'opened', 'closed', 'source', 'title'],
    incidents.map((i) => [
      i.id,
      i.post,
      i.level,
      i.status,
      iso(i.openedAt),
      iso(i.closedAt),
      i.source.kind === 'warning' ? `warning ${i.source.warningId}` : 'manual',
      i.title,
    ]),
  )

/**
 * `freshet command orders issue|answer`: an order issued from a post (from options or the
 * API's body in a file) and a recipient's answer at the version just read.
 * @param withStore adds the database and `--as` options to a command
 */
export function registerOrderWrites(orders: Command, withStore: (c: Command) => Command): void {
  withStore(
    orders
      .command('issue')
      .description('issue an order from a post to posts below it, as the API does')
      .option('--file <order.json>', 'the order as POST /api/v1/command/orders takes it')
      .option('--id <id>', 'the order id (default: a new one)')
      .option('--from <post>', 'the issuing post')
      .option('--to <posts>', 'comma-separated posts below it')
      .option('--scope <scope>', 'instead of --to: direct (subordinates) or all-below')
      .option('--title <text>', 'what the order is about')
      .option('--action <text>', 'a required action, in order (repeat for each)', collect)
      .option('--ack-within <hours>', `hours to acknowledge (default ${DEFAULT_ACK_HOURS})`)
      .option(
        '--complete-within <hours>',
        `hours to report completion (default ${DEFAULT_COMPLETE_HOURS}, or --ack-within if longer)`,
      )
      .option('--json', 'print the order as the API returns it')
      .addHelpText(
        'after',
        `
Prints the order's id, the number of posts addressed and its deadlines. For example:
  freshet command orders issue --from fr.basin.seine --to fr.aube,fr.yonne \\
    --title 'Prepare evacuation' --action 'open the shelters' --action 'warn the communes' \\
    --ack-within 2 --complete-within 12
Deadlines count from now. A refused order (an unknown post, one not below --from, an empty
title or action) exits 2 naming the option; nothing is issued.`,
      ),
  ).action((opts: IssueOptions) =>
    guard(async () => {
      let input: OrderInput
      if (opts.file !== undefined) {
        const clash = ORDER_FLAGS.find(([k]) => opts[k] !== undefined)?.[1]
        if (clash !== undefined || opts.action !== undefined)
          throw new InputError(`--file holds the whole order: not with ${clash ?? '--action'}`)
        input = readOrderFile(opts.file)
      } else input = orderFromOptions(opts, Date.now())
      const recipients = opts.scope !== undefined ? '--scope' : '--to'
      await withServices(opts, false, async (s) => {
        const h = await s.command.hierarchy()
        let issued
        try {
          issued = await s.command.issueOrder(cliPrincipal(h, s.user), input)
        } catch (e) {
          // The store's words for a taken id speak of versions; say what it means.
          if (e instanceof ApiError && e.status === 409 && input.id !== undefined)
            throw new InputError(`conflict: an order ${input.id} exists`)
          throw opts.file === undefined ? inOptionTerms(e, (i) => orderOption(i, recipients)) : e
        }
        const o = issued.order
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify(orderView(o), null, 2)}\n`)
          return
        }
        process.stdout.write(
          `order ${o.id} issued from ${o.issuerPost} to ${o.recipients.length} post${o.recipients.length === 1 ? '' : 's'} (${o.scope}); acknowledge by ${iso(o.ackDeadline)}, complete by ${iso(o.completionDeadline)}\n`,
        )
      })
    }),
  )

  withStore(
    orders
      .command('answer')
      .description("a recipient post's answer to an order, at the version just read")
      .argument('<order>', 'the order id')
      .argument('<post>', 'the answering post')
      .option('--kind <kind>', `the answer: ${RESPONSE_KINDS.join(', ')}`)
      .option('--reason <text>', 'why the post is unable (with --kind unable)')
      .option('--report <text>', 'the completion report (with --kind completed)')
      .option('--json', "print the post's record as the API returns it"),
  ).action((orderId: string, postId: string, opts: AnswerOptions) =>
    guard(async () => {
      const response = responseFromOptions(opts)
      await withServices(opts, false, async (s) => {
        const h = await s.command.hierarchy()
        const o = await s.command.order(orderId)
        if (!h.posts.has(postId as PostId)) throw new InputError(`no post ${postId}`)
        const read = await s.store.orders.findRecipient(o.id, postId as PostId)
        if (read === undefined)
          throw new InputError(`${postId} is not a recipient of order ${o.id}`)
        let rec
        try {
          rec = await s.command.respond(
            cliPrincipal(h, s.user),
            o.id,
            postId,
            response,
            read.version,
          )
        } catch (e) {
          if (!(e instanceof ApiError) || (e.status !== 422 && e.status !== 409)) throw e
          const why = e.details.length === 0 ? [e.message] : e.details.map((i) => i.message)
          throw new InputError(
            `order ${o.id} at ${postId} is ${read.status} (version ${read.version}): ${response.kind} refused: ${why.join('; ')}`,
          )
        }
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify(recipientView(rec), null, 2)}\n`)
          return
        }
        process.stdout.write(`order ${o.id} at ${postId}: ${rec.status} (version ${rec.version})\n`)
      })
    }),
  )
}

interface ListOptions extends StoreOptions {
  readonly post?: string
  readonly status?: string
  readonly json?: boolean
}

interface OpenOptions extends StoreOptions {
  readonly id?: string
  readonly post?: string
  readonly title?: string
  readonly level?: string
  readonly json?: boolean
}

/**
 * `freshet command incidents list|open|close`: incidents at posts, opened by hand or from
 * warnings, and closed with a reason.
 * @param withStore adds the database and `--as` options to a command
 */
export function registerIncidents(command: Command, withStore: (c: Command) => Command): void {
  const incidents = command.command('incidents').description('incidents at command posts')

  withStore(
    incidents
      .command('list')
      .description('incidents not closed (or in one status), newest first')
      .option('--post <post>', 'only the incidents of this post')
      .option('--status <status>', `only those in this status: ${INCIDENT_STATUSES.join(', ')}`)
      .option('--json', 'print the incidents as the API serves them'),
  ).action((opts: ListOptions) =>
    guard(() =>
      withServices(opts, false, async (s) => {
        const status = opts.status as IncidentStatus | undefined
        if (status !== undefined && !INCIDENT_STATUSES.includes(status))
          throw new InputError(
            `--status must be one of ${INCIDENT_STATUSES.join(', ')}, not ${opts.status}`,
          )
        const h = await s.command.hierarchy()
        const post = opts.post as PostId | undefined
        if (post !== undefined && !h.posts.has(post)) throw new InputError(`no post ${post}`)
        const at = post === undefined ? undefined : [post]
        const found =
          status === 'closed'
            ? await s.store.incidents.closed(at)
            : (await s.store.incidents.open(at)).filter(
                (i) => status === undefined || i.status === status,
              )
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify(found.map(incidentView), null, 2)}\n`)
          return
        }
        if (found.length > 0) process.stdout.write(incidentTable(found))
        process.stdout.write(
          `${found.length} incidents ${status ?? 'not closed'}${post === undefined ? '' : ` at ${post}`}\n`,
        )
      }),
    ),
  )

  withStore(
    incidents
      .command('open')
      .description('open an incident at a post by hand, as the API does')
      .option('--post <post>', 'the post that handles it')
      .option('--title <text>', 'what happens')
      .option('--level <level>', `response level, lowest first: ${RESPONSE_LEVELS.join(', ')}`)
      .option('--id <id>', 'the incident id (default: a new one)')
      .option('--json', 'print the incident as the API returns it'),
  ).action((opts: OpenOptions) =>
    guard(async () => {
      for (const [value, flag] of [
        [opts.post, '--post POST'],
        [opts.title, '--title TEXT'],
        [opts.level, `--level ${RESPONSE_LEVELS.join('|')}`],
      ] as const)
        if (value === undefined) throw new InputError(`${flag} is required`)
      const level = opts.level as ResponseLevel
      if (!RESPONSE_LEVELS.includes(level))
        throw new InputError(`--level must be one of ${RESPONSE_LEVELS.join(', ')}, not ${level}`)
      await withServices(opts, false, async (s) => {
        const h = await s.command.hierarchy()
        let i: Incident
        try {
          i = await s.command.openIncident(cliPrincipal(h, s.user), {
            ...(opts.id === undefined ? {} : { id: opts.id }),
            post: opts.post as PostId,
            title: opts.title!,
            level,
          })
        } catch (e) {
          throw inOptionTerms(e, (x) =>
            typeof x.path[0] === 'string' && ['id', 'post', 'title', 'level'].includes(x.path[0])
              ? `--${x.path[0]}`
              : undefined,
          )
        }
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify(incidentView(i), null, 2)}\n`)
          return
        }
        process.stdout.write(`incident ${i.id} opened at ${i.post}, level ${i.level}: ${i.title}\n`)
      })
    }),
  )

  withStore(
    incidents
      .command('close')
      .description('close an incident with a reason, at the version just read')
      .argument('<id>', 'the incident id')
      .option('--reason <text>', 'why it is closed'),
  ).action((id: string, opts: StoreOptions & { reason?: string }) =>
    guard(async () => {
      if (opts.reason === undefined) throw new InputError('--reason TEXT is required')
      const reason = opts.reason
      await withServices(opts, false, async (s) => {
        const h = await s.command.hierarchy()
        const read = await s.store.incidents.find(id as IncidentId)
        if (read === undefined) throw new InputError(`no incident ${id}`)
        let i: Incident
        try {
          i = await s.command.changeIncident(
            cliPrincipal(h, s.user),
            id,
            { kind: 'close', reason },
            read.version,
          )
        } catch (e) {
          if (!(e instanceof ApiError) || (e.status !== 422 && e.status !== 409)) throw e
          const why = e.details.length === 0 ? [e.message] : e.details.map((x) => x.message)
          throw new InputError(
            `incident ${id} at ${read.post} is ${read.status} (version ${read.version}): close refused: ${why.join('; ')}`,
          )
        }
        process.stdout.write(`incident ${i.id} at ${i.post} closed at ${iso(i.closedAt)}\n`)
      })
    }),
  )
}
