import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { InputError } from '../../core/errors.ts'
import { shortfalls } from '../../logistics/targets.ts'
import type { DispatchOrder } from '../../logistics/dispatch.ts'
import type { AreaId, DepotId, ItemId } from '../../logistics/types.ts'
import { dispatchView, planView } from '../../server/routes/logistics.ts'
import { guard } from '../errors.ts'
import { progressBar } from '../progress.ts'
import { withServices, type StoreOptions } from '../services.ts'
import { table } from '../table.ts'

const withStore = (c: Command): Command =>
  c
    .option('--db <url>', 'database: a SQLite file or a postgres:// URL (default FRESHET_DB)')
    .option('--as <user>', 'who acts, for the audit chain (default FRESHET_USER, else cli:<login>)')

/** Rounds for display: whole numbers as they are, others to 2 decimals. */
const num = (x: number): number => (Number.isInteger(x) ? x : Math.round(x * 100) / 100)

const iso = (ms: number): string => new Date(ms).toISOString()

/** Item lines as `blanket 400, drinking-water 20` (quantities in item units). */
const lineText = (lines: readonly { itemId: string; quantity: number }[] | null): string =>
  lines === null || lines.length === 0
    ? '-'
    : lines.map((l) => `${l.itemId} ${num(l.quantity)}`).join(', ')

/** One row per dispatch order: where from and to, its state, lines, delivered, version. */
const dispatchTable = (orders: readonly DispatchOrder[]): string =>
  table(
    ['id', 'from', 'to', 'state', 'lines', 'delivered', 'version', 'updated'],
    orders.map((o) => [
      o.id,
      o.fromDepotId,
      o.toAreaId,
      o.state,
      lineText(o.lines),
      lineText(o.delivered),
      o.version,
      iso(o.updatedAt),
    ]),
  )

/** Plans kept when `plans` is given no `--limit`. */
const DEFAULT_PLANS = 20

interface AllocateOptions extends StoreOptions {
  readonly equity?: boolean
  readonly out?: string
  readonly minLevel?: string
  readonly items?: string
}

/**
 * `freshet logistics …`: stock, shortfalls, allocation and dispatch in the database.
 * - `stock [--depot D]` prints each depot's stock lines (quantity, unit, version) and use;
 * - `shortfalls` prints targets against what each area has, worst coverage first;
 * - `allocate [--equity] [--min-level L] [--items a,b] [--out plan.json]` proposes an
 *   allocation to the zones under warning through the server's logistics service (HiGHS),
 *   stores it and audits it as `logistics.plan.proposed`, shows progress per item on a
 *   terminal, prints a summary and writes the plan as the API serves it to `--out`;
 * - `plans [--limit N]` lists the stored plans, newest first;
 * - `dispatch <plan>` makes the dispatch orders of a stored plan, audited as
 *   `logistics.plan.dispatched` (refused when it was dispatched already);
 * - `dispatches [--all]` lists the dispatch orders under way (or every one) and their state.
 * A refused input exits 2 with one line saying what and where.
 */
export function registerLogistics(program: Command): void {
  const logistics = program
    .command('logistics')
    .description('depots, stock, shortfalls, allocation and dispatch in the database (FRESHET_DB)')

  withStore(
    logistics
      .command('stock')
      .description("each depot's stock lines, from the ledger")
      .option('--depot <id>', 'only this depot'),
  ).action((opts: StoreOptions & { depot?: string }) =>
    guard(() =>
      withServices(opts, false, async (s) => {
        const [depots, catalogue] = await Promise.all([
          opts.depot === undefined
            ? s.logistics.depots()
            : s.logistics.depot(opts.depot as DepotId).then((d) => [d]),
          s.logistics.catalogue(),
        ])
        const unit = new Map(catalogue.map((i) => [i.id as string, i.unit]))
        const out: string[] = []
        for (const d of depots) {
          out.push(
            `${d.id} (${d.name}), area ${d.areaId}: ${num(d.usedM3)} of ${d.capacityM3} m³ used, ${d.stockVersion} movements`,
          )
          out.push(
            d.stock.length === 0
              ? '  no stock\n'
              : table(
                  ['item', 'quantity', 'unit', 'version'],
                  d.stock.map((l) => [
                    l.itemId,
                    num(l.quantity),
                    unit.get(l.itemId) ?? '?',
                    l.version,
                  ]),
                ),
          )
        }
        if (depots.length === 0) out.push('no depots\n')
        process.stdout.write(out.join('\n').replace(/\n*$/, '\n'))
      }),
    ),
  )

  withStore(
    logistics
      .command('shortfalls')
      .description('minimum stock targets against what each area has, worst coverage first')
      .option('--area <id>', 'only this area'),
  ).action((opts: StoreOptions & { area?: string }) =>
    guard(() =>
      withServices(opts, false, async (s) => {
        const [{ targets }, available] = await Promise.all([
          s.logistics.targets(opts.area as AreaId | undefined),
          s.logistics.available(),
        ])
        const lines = shortfalls(targets, available)
        const short = lines.filter((l) => l.deficit > 0)
        if (lines.length > 0)
          process.stdout.write(
            table(
              ['area', 'item', 'target', 'available', 'deficit', 'coverage %'],
              lines.map((l) => [
                l.areaId,
                l.itemId,
                num(l.target),
                num(l.available),
                num(l.deficit),
                num(l.coveragePct),
              ]),
            ),
          )
        process.stdout.write(
          `${short.length} of ${lines.length} lines short in ${new Set(short.map((l) => l.areaId)).size} areas\n`,
        )
      }),
    ),
  )

  withStore(
    logistics
      .command('allocate')
      .description('propose and store an allocation of stock to the zones under warning (HiGHS)')
      .option('--equity', 'first minimise the largest unmet share of any area')
      .option('--min-level <level>', 'lowest warning level allocated to (default: the settings)')
      .option('--items <ids>', 'comma-separated items (default: every item with a norm)')
      .option('--out <plan.json>', 'write the plan, as the API serves it'),
  ).action((opts: AllocateOptions) =>
    guard(() =>
      withServices(opts, false, async (s) => {
        const items =
          opts.items === undefined
            ? undefined
            : opts.items
                .split(',')
                .map((x) => x.trim())
                .filter((x) => x !== '')
        if (items !== undefined && items.length === 0)
          throw new InputError('--items must name at least one item')
        const bar = progressBar('allocate')
        let plan
        try {
          plan = await s.logistics.propose(
            s.actor,
            {
              minLevel: opts.minLevel,
              items: items as ItemId[] | undefined,
              equity: opts.equity === true,
              onSolved: (done, total, label) => bar.update(done, total, label),
            },
            s.warnings(),
          )
        } finally {
          bar.stop()
        }
        const p = plan.plan
        const unmet = p.items.reduce((t, i) => t + i.unmet, 0)
        const out = [
          `plan ${plan.id}${p.equity ? ' (equity)' : ''}: ${plan.areas.length} areas, ${p.items.length} items, ${p.flows.length} flows; solved by HiGHS ${plan.solver.version} in ${(plan.solver.timeMs / 1000).toFixed(2)} s`,
          table(
            ['area', 'name', 'persons', 'source', 'level'],
            plan.areas.map((a) => [a.areaId, a.name, a.population, a.source, a.level ?? '-']),
          ),
          table(
            ['item', 'stock', 'need', 'delivered', 'unmet', 'worst unmet %'],
            p.items.map((i) => [
              i.itemId,
              num(i.stock),
              num(i.need),
              num(i.delivered),
              num(i.unmet),
              num(100 * i.maxUnmetFraction),
            ]),
          ),
          `transport cost ${num(p.transportCost)}, penalty ${num(p.penaltyCost)}, objective ${num(p.objective)}; unmet ${num(unmet)} units`,
        ]
        process.stdout.write(`${out.join('\n')}\n`)
        if (opts.out !== undefined) {
          writeFileSync(opts.out, `${JSON.stringify(planView(plan), null, 2)}\n`)
          process.stdout.write(`plan written to ${opts.out}\n`)
        }
      }),
    ),
  )

  withStore(
    logistics
      .command('plans')
      .description('the stored allocation plans, newest first')
      .option('--limit <n>', `at most this many plans (default ${DEFAULT_PLANS})`)
      .option('--json', 'print the plans as the API serves them'),
  ).action((opts: StoreOptions & { limit?: string; json?: boolean }) =>
    guard(() =>
      withServices(opts, false, async (s) => {
        const limit = opts.limit === undefined ? DEFAULT_PLANS : Number(opts.limit)
        if (!Number.isInteger(limit) || limit < 1 || opts.limit?.trim() === '')
          throw new InputError(`--limit must be a whole number ≥ 1, not ${opts.limit}`)
        const plans = await s.logistics.plans(limit)
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify({ plans: plans.map(planView) }, null, 2)}\n`)
          return
        }
        if (plans.length > 0)
          process.stdout.write(
            table(
              ['id', 'created', 'by', 'equity', 'areas', 'items', 'flows', 'unmet', 'dispatched'],
              plans.map((p) => [
                p.id,
                iso(p.createdAt),
                p.createdBy,
                p.plan.equity ? 'yes' : 'no',
                p.areas.length,
                p.plan.items.length,
                p.plan.flows.length,
                num(p.plan.items.reduce((t, i) => t + i.unmet, 0)),
                p.dispatchIds.length === 0 ? '-' : `${p.dispatchIds.length} orders`,
              ]),
            ),
          )
        process.stdout.write(`${plans.length} plans\n`)
      }),
    ),
  )

  withStore(
    logistics
      .command('dispatch')
      .description('make the dispatch orders of a stored plan: one per depot → area, whole units')
      .argument('<plan>', 'the plan id (see `freshet logistics plans`)')
      .option('--json', 'print the dispatch orders as the API returns them'),
  ).action((planId: string, opts: StoreOptions & { json?: boolean }) =>
    guard(() =>
      withServices(opts, false, async (s) => {
        const orders = await s.logistics.dispatchPlan(s.actor, planId)
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify(orders.map(dispatchView), null, 2)}\n`)
          return
        }
        process.stdout.write(`plan ${planId} dispatched: ${orders.length} dispatch orders\n`)
        if (orders.length > 0) process.stdout.write(dispatchTable(orders))
      }),
    ),
  )

  withStore(
    logistics
      .command('dispatches')
      .description('dispatch orders not yet acknowledged nor cancelled, and their state')
      .option('--all', 'every dispatch order, whatever its state')
      .option('--json', 'print the dispatch orders as the API serves them'),
  ).action((opts: StoreOptions & { all?: boolean; json?: boolean }) =>
    guard(() =>
      withServices(opts, false, async (s) => {
        const orders = await s.logistics.dispatches(opts.all === true)
        if (opts.json === true) {
          process.stdout.write(`${JSON.stringify(orders.map(dispatchView), null, 2)}\n`)
          return
        }
        if (orders.length > 0) process.stdout.write(dispatchTable(orders))
        process.stdout.write(
          `${orders.length} dispatch orders${opts.all === true ? '' : ' under way'}\n`,
        )
      }),
    ),
  )
}
