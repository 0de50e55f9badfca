/**
 * The stock ledger: movements append-only (`movements`, in the order appended) and, in the same
 * transaction, their sum per depot × item (`stock_lines`) and the count of movements per depot
 * (`depots.stock_version`), so that reading the stock never replays the whole ledger.
 *
 * Optimistic concurrency: each stock line a movement touches is updated only `where version =
 * <the version read>` (a line read as version 0 does not exist yet and is inserted with `on
 * conflict do nothing`), and each depot it adds stock to likewise on its stock version. Of two
 * writers that read the same version, one moves it on and the other finds nothing to update
 * (PostgreSQL: after waiting on the first one's row lock; SQLite serialises write transactions):
 * it gets a ConflictError and nothing of its movement is stored. Lines are updated before the
 * movement is inserted, so movements of one line are numbered in the order they committed.
 */
import {
  legsOf,
  type LedgerState,
  type Movement,
  type StockLine,
  stockKey,
} from '../../logistics/ledger.ts'
import { ConflictError, type LedgerRepository } from '../../logistics/ports.ts'
import type { DepotId, ItemId } from '../../logistics/types.ts'
import { fromJson, toJson } from '../codec.ts'
import { atomically, type RepositoryContext } from './context.ts'

/** The ledger repository of a store (or of one of its transactions). */
export function ledgerRepository(ctx: RepositoryContext): LedgerRepository {
  const { dialect } = ctx
  return {
    async append(m, expected) {
      const doc = toJson(m, `movement ${m.id}`)
      const legs = legsOf(m)
      const lineVersion = new Map<string, number>()
      for (const l of expected.lines) lineVersion.set(stockKey(l.depotId, l.itemId), l.version)
      const depotVersion = new Map<DepotId, number>()
      for (const d of expected.depots) depotVersion.set(d.depotId, d.version)
      for (const leg of legs)
        if (!lineVersion.has(stockKey(leg.depotId, leg.itemId)))
          throw new Error(
            `movement ${m.id}: no expected version of stock ${leg.depotId}/${leg.itemId} ` +
              `(build them with expectedVersions)`,
          )

      await atomically(ctx.db, async (trx) => {
        const dup = await trx
          .selectFrom('movements')
          .select('id')
          .where('movement_id', '=', m.id)
          .executeTakeFirst()
        if (dup !== undefined) throw new Error(`movement ${m.id} is already stored`)

        for (const leg of legs) {
          const version = lineVersion.get(stockKey(leg.depotId, leg.itemId))!
          const subject = `stock ${leg.depotId}/${leg.itemId}`
          let done: boolean
          if (version === 0) {
            const inserted = await trx
              .insertInto('stock_lines')
              .values({
                depot_id: leg.depotId,
                item_id: leg.itemId,
                quantity: leg.delta,
                version: 1,
              })
              .onConflict((oc) => oc.columns(['depot_id', 'item_id']).doNothing())
              .returning('version')
              .execute()
            done = inserted.length > 0
          } else {
            const updated = await trx
              .updateTable('stock_lines')
              .set((eb) => ({ quantity: eb('quantity', '+', leg.delta), version: version + 1 }))
              .where('depot_id', '=', leg.depotId)
              .where('item_id', '=', leg.itemId)
              .where('version', '=', version)
              .executeTakeFirst()
            done = updated.numUpdatedRows > 0n
          }
          if (!done) {
            const line = await trx
              .selectFrom('stock_lines')
              .select('version')
              .where('depot_id', '=', leg.depotId)
              .where('item_id', '=', leg.itemId)
              .executeTakeFirst()
            throw new ConflictError(subject, version, line?.version ?? 0)
          }
        }

        for (const depotId of new Set(legs.map((l) => l.depotId))) {
          const version = depotVersion.get(depotId)
          let q = trx
            .updateTable('depots')
            .set((eb) => ({ stock_version: eb('stock_version', '+', 1) }))
            .where('id', '=', depotId)
          if (version !== undefined) q = q.where('stock_version', '=', version)
          const updated = await q.executeTakeFirst()
          if (updated.numUpdatedRows > 0n) continue
          const depot = await trx
            .selectFrom('depots')
            .select('stock_version')
            .where('id', '=', depotId)
            .executeTakeFirst()
          if (depot === undefined) throw new Error(`movement ${m.id}: unknown depot ${depotId}`)
          throw new ConflictError(`depot ${depotId}`, version ?? 0, depot.stock_version)
        }

        const stored = await trx
          .insertInto('movements')
          .values({ movement_id: m.id, kind: m.kind, item_id: m.itemId, at: m.at, movement: doc })
          .onConflict((oc) => oc.column('movement_id').doNothing())
          .returning('id')
          .execute()
        if (stored.length === 0) throw new Error(`movement ${m.id} is already stored`)
        const row = Number(stored[0]!.id)
        await trx
          .insertInto('movement_depots')
          .values(
            [...new Set(legs.map((l) => l.depotId))].map((d) => ({
              depot_id: d,
              movement_row: row,
            })),
          )
          .execute()
      })
    },

    async movements() {
      const rows = await ctx.db.selectFrom('movements').select('movement').orderBy('id').execute()
      return rows.map((r) => fromJson(dialect, r.movement) as Movement)
    },

    async depotMovements(depotId, after, limit) {
      if (!Number.isSafeInteger(after) || after < 0)
        throw new Error(`after must be a non-negative integer, not ${after}`)
      if (!Number.isSafeInteger(limit) || limit < 1)
        throw new Error(`limit must be a positive integer, not ${limit}`)
      // By key: the depot's rows of movement_depots, in the order the movements were appended.
      const [rows, count] = await Promise.all([
        ctx.db
          .selectFrom('movement_depots as d')
          .innerJoin('movements as m', 'm.id', 'd.movement_row')
          .select('m.movement')
          .where('d.depot_id', '=', depotId)
          .orderBy('d.movement_row')
          .limit(limit)
          .offset(after)
          .execute(),
        ctx.db
          .selectFrom('movement_depots')
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
          .where('depot_id', '=', depotId)
          .executeTakeFirstOrThrow(),
      ])
      return {
        movements: rows.map((r) => fromJson(dialect, r.movement) as Movement),
        total: Number(count.n),
      }
    },

    async state() {
      // One statement, so one snapshot on every database. Every depot a movement touched has
      // a line (lines are never deleted), so the join lists each one's stock version.
      const rows = await ctx.db
        .selectFrom('stock_lines as l')
        .innerJoin('items as i', 'i.id', 'l.item_id')
        .innerJoin('depots as d', 'd.id', 'l.depot_id')
        .select([
          'l.depot_id',
          'l.item_id',
          'l.quantity',
          'l.version',
          'i.volume_per_unit_m3',
          'd.stock_version',
        ])
        .orderBy('l.depot_id')
        .orderBy('l.item_id')
        .execute()
      const lines = new Map<string, StockLine>()
      const depotVersions = new Map<DepotId, number>()
      const volumeM3 = new Map<DepotId, number>()
      for (const r of rows) {
        const depotId = r.depot_id as DepotId
        const itemId = r.item_id as ItemId
        lines.set(stockKey(depotId, itemId), {
          depotId,
          itemId,
          quantity: r.quantity,
          version: r.version,
        })
        depotVersions.set(depotId, r.stock_version)
        volumeM3.set(depotId, (volumeM3.get(depotId) ?? 0) + r.quantity * r.volume_per_unit_m3)
      }
      const state: LedgerState = { lines, depotVersions, volumeM3 }
      return state
    },
  }
}
