import type { Command } from 'commander'
import type { EpochMs } from '../../core/brand.ts'
import { InputError } from '../../core/errors.ts'
import type { Issue } from '../../core/result.ts'
import { formatIssue } from '../../core/result.ts'
import { buildHierarchy, levelCounts } from '../../command/hierarchy.ts'
import { orderSummary, type StatusCounts } from '../../command/orders.ts'
import { FIGURES, rollUp } from '../../command/sitreps.ts'
import { POST_LEVELS, type OrderId, type Post, type PostId } from '../../command/types.ts'
import { postSchema, toPost } from '../../server/routes/schemas.ts'
import { guard } from '../errors.ts'
import { registerIncidents, registerOrderWrites } from './command-writes.ts'
import { elementLines, readJsonFile, withServices, type StoreOptions } from '../services.ts'
import { table } from '../table.ts'

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString())

const withStore = (c: Command): Command =>
  c
    .option('--db <url>', 'database: a SQLite file or a postgres:// URL (default FRESHET_DB)')
    .option('--as <user>', 'who acts, for the audit chain (default FRESHET_USER, else cli:<login>)')

/**
 * Reads a hierarchy file (an object whose `posts` are posts as `PUT /api/v1/command/posts`
 * takes them, each with an optional `location` in WGS84 degrees; other keys, as in
 * data/demo/command.json, are ignored) and checks each post's shape, then the hierarchy they
 * form and the locations (latitude in [−90, 90], longitude in [−180, 180]). Every problem is
 * named with the line its post starts on and its path.
 * @throws InputError listing every problem
 */
function readPostsFile(file: string): Post[] {
  const { value, text } = readJsonFile(file)
  const lines = elementLines(text, 'posts')
  const where = (path: readonly PropertyKey[]): string => {
    const i = path[0] === 'posts' && typeof path[1] === 'number' ? lines[path[1]] : undefined
    return i === undefined ? file : `${file}:${i}`
  }
  const say = (issues: readonly Issue[], what: string): InputError =>
    new InputError(
      `invalid ${what}, nothing stored: ${issues.map((i) => `${where(i.path)}: ${formatIssue(i)}`).join('; ')}`,
    )
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray((value as { posts?: unknown }).posts)
  )
    throw new InputError(`${file}: expected an object with an array "posts"`)
  const raw = (value as { posts: unknown[] }).posts
  const issues: Issue[] = []
  const posts: Post[] = []
  raw.forEach((p, i) => {
    const r = postSchema.safeParse(p)
    if (r.success) posts.push(toPost(r.data))
    else
      for (const z of r.error.issues)
        issues.push({
          path: ['posts', i, ...z.path.map((k) => (typeof k === 'symbol' ? String(k) : k))],
          message: z.message,
        })
  })
  if (issues.length > 0) throw say(issues, 'posts')
  // The hierarchy is checked again where it is stored; checked here, a refused file never
  // creates a database.
  const h = buildHierarchy(posts)
  if (!h.ok) throw say(h.issues, 'hierarchy')
  return posts
}

/** Post levels with their counts, e.g. `national 1, basin 1, province 5, county 12`. */
const levelLine = (counts: Readonly<Record<string, number>>): string =>
  POST_LEVELS.map((l) => `${l} ${counts[l] ?? 0}`).join(', ')

const COUNT_COLUMNS = [
  'total',
  'issued',
  'received',
  'accepted',
  'unable',
  'completed',
  'escalatedAck',
  'escalatedCompletion',
] as const satisfies readonly (keyof StatusCounts)[]

/**
 * `freshet command …`: the chain of command in the database.
 * - `posts import <file.json>` replaces the hierarchy, checked as a whole (nothing is stored
 *   unless every post is right), audited as `posts.replaced`;
 * - `posts list` prints every post, superiors first, with the count per level;
 * - `orders show <id>` prints an order, its counts overall and per level, and its state at
 *   every post;
 * - `orders issue` issues an order from options or a file with the API's body, and
 *   `orders answer <order> <post>` records a recipient's answer (command-writes.ts);
 * - `incidents list|open|close` lists, opens and closes incidents (command-writes.ts);
 * - `sitrep <post>` prints the situation rolled up at a post from the latest reports.
 * A bad file or option, an unknown order or post, a refused step exits 2 with one line saying
 * what and where.
 */
export function registerCommand(program: Command): void {
  const command = program
    .command('command')
    .description(
      'command posts, orders, incidents and situation reports in the database (FRESHET_DB)',
    )
  const posts = command.command('posts').description('the hierarchy of command posts')

  withStore(
    posts
      .command('import')
      .description(
        'replace the hierarchy with the posts of a JSON file (as data/demo/command.json)',
      )
      .argument(
        '<file.json>',
        'an object whose "posts" are {id, name, level, parents, areas, location?: {lat, lon}}',
      ),
  ).action((file: string, opts: StoreOptions) =>
    guard(async () => {
      const posts = readPostsFile(file)
      await withServices(opts, true, async (s) => {
        const h = await s.command.replacePosts(posts, s.user)
        process.stdout.write(`${h.posts.size} posts stored (${levelLine(levelCounts(h))})\n`)
      })
    }),
  )

  withStore(
    posts
      .command('list')
      .description('every post, superiors first, with the count per level')
      .option('--json', 'print the posts as JSON (the import format)'),
  ).action((opts: StoreOptions & { json?: boolean }) =>
    guard(() =>
      withServices(opts, false, async (s) => {
        const h = await s.command.hierarchy()
        const list = h.order.map((id) => h.posts.get(id)!)
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify({ posts: list }, null, 2)}\n`)
          return
        }
        process.stdout.write(
          table(
            ['id', 'level', 'name', 'parents', 'areas'],
            list.map((p) => [p.id, p.level, p.name, p.parents.join(' '), p.areas.join(' ')]),
          ),
        )
        process.stdout.write(`${h.posts.size} posts: ${levelLine(levelCounts(h))}\n`)
      }),
    ),
  )

  const orders = command.command('orders').description('orders down the chain of command')
  registerOrderWrites(orders, withStore)
  withStore(
    orders
      .command('show')
      .description("an order's state at every post, with counts overall and per level")
      .argument('<id>', 'the order id')
      .option('--status <status>', 'list only the posts in this state (e.g. issued)'),
  ).action((id: string, opts: StoreOptions & { status?: string }) =>
    guard(() =>
      withServices(opts, false, async (s) => {
        const state = await s.store.orders.find(id as OrderId)
        if (state === undefined) throw new InputError(`no order ${id}`)
        const h = await s.command.hierarchy()
        const o = state.order
        const summary = orderSummary(h, state)
        const out: string[] = [
          `order ${o.id}: ${o.title}`,
          `issued by ${o.issuedBy} at ${o.issuerPost}, ${iso(o.issuedAt)}; scope ${o.scope}${o.references === null ? '' : `; corrects ${o.references}`}${state.supersededBy === null ? '' : `; superseded by ${state.supersededBy}`}`,
          `acknowledge by ${iso(o.ackDeadline)}, complete by ${iso(o.completionDeadline)}`,
          ...o.actions.map((a, i) => `  ${i + 1}. ${a}`),
          '',
        ]
        process.stdout.write(`${out.join('\n')}\n`)
        process.stdout.write(
          table(
            ['level', ...COUNT_COLUMNS],
            [
              ...POST_LEVELS.map((l) => [l, ...COUNT_COLUMNS.map((c) => summary.byLevel[l][c])]),
              ['all', ...COUNT_COLUMNS.map((c) => summary.total[c])],
            ],
          ),
        )
        process.stdout.write('\n')
        const rows = [...state.recipients.values()]
          .filter((r) => opts.status === undefined || r.status === opts.status)
          .map((r) => [
            r.post,
            h.posts.get(r.post)?.level ?? '?',
            r.status,
            r.version,
            iso(r.answeredAt),
            iso(r.completedAt),
            iso(r.escalated.ack),
            iso(r.escalated.completion),
            r.unableReason ?? r.report ?? '',
          ])
        process.stdout.write(
          table(
            [
              'post',
              'level',
              'status',
              'version',
              'answered',
              'completed',
              'escalated ack',
              'escalated completion',
              'reason or report',
            ],
            rows,
          ),
        )
      }),
    ),
  )

  registerIncidents(command, withStore)

  withStore(
    command
      .command('sitrep')
      .description('the situation rolled up at a post: each figure with the reports it sums')
      .argument('<post>', 'the post id')
      .option('--at <time>', 'as it was at this ISO 8601 time (default now)'),
  ).action((postId: string, opts: StoreOptions & { at?: string }) =>
    guard(() =>
      withServices(opts, false, async (s) => {
        const at = opts.at === undefined ? Date.now() : Date.parse(opts.at)
        if (!Number.isFinite(at))
          throw new InputError(`--at must be an ISO 8601 time, not ${opts.at}`)
        const h = await s.command.hierarchy()
        const post = postId as PostId
        if (!h.posts.has(post)) throw new InputError(`no post ${postId}`)
        const agg = rollUp(
          h,
          await s.store.sitreps.latestPerPost(at as EpochMs),
          at as EpochMs,
        ).get(post)!
        const src = (list: readonly { sitrep: string; post: string; value: number }[]): string =>
          list.map((c) => `${c.post} ${c.value} (${c.sitrep})`).join(', ')
        process.stdout.write(
          `situation at ${post} (${h.posts.get(post)!.name}), ${iso(at)}: ${agg.reports.length} reports\n`,
        )
        process.stdout.write(
          table(
            ['figure', 'total', 'from'],
            FIGURES.map((f) => [f, agg.figures[f].total, src(agg.figures[f].sources)]),
          ),
        )
        if (agg.needs.length > 0) {
          process.stdout.write('\n')
          process.stdout.write(
            table(
              ['need', 'quantity', 'unit', 'from'],
              agg.needs.map((n) => [n.item, n.quantity, n.unit, src(n.sources)]),
            ),
          )
        }
        const shown = agg.silent.slice(0, 20).join(', ')
        const more = agg.silent.length > 20 ? `, … ${agg.silent.length - 20} more` : ''
        process.stdout.write(
          `silent: ${agg.silent.length === 0 ? 'none' : `${agg.silent.length} posts (${shown}${more})`}\n`,
        )
      }),
    ),
  )
}
