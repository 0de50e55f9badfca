/**
 * Delivery subscriptions, by id; contacts, areas and languages are JSON documents. Delivery
 * only reads them (`SubscriptionRepository`); the store also writes them.
 */
import type { SubscriptionRepository } from '../../notify/ports.ts'
import type { Subscription } from '../../notify/types.ts'
import { fromJson, toJson } from '../codec.ts'
import type { StoreDialect } from '../dialect.ts'
import type { SubscriptionsTable } from '../schema.ts'
import type { Insertable, Selectable } from 'kysely'
import { atomically, type RepositoryContext, upsertRows } from './context.ts'

/** Subscriptions as delivery reads them, and as an administrator writes them. */
export interface SubscriptionStore extends SubscriptionRepository {
  /** Inserts subscriptions or replaces those of the same id, all or none. */
  upsert(subscriptions: readonly Subscription[]): Promise<void>
  /** @returns whether there was a subscription of that id */
  remove(id: string): Promise<boolean>
}

const toRow = (s: Subscription): Insertable<SubscriptionsTable> => {
  const what = `subscription ${s.id}`
  return {
    id: s.id,
    recipient: s.recipient,
    contacts: toJson(s.contacts, what),
    areas: toJson(s.areas, what),
    min_level: s.minLevel,
    languages: toJson(s.languages, what),
  }
}

const fromRow = (dialect: StoreDialect, r: Selectable<SubscriptionsTable>): Subscription => ({
  id: r.id,
  recipient: r.recipient,
  contacts: fromJson(dialect, r.contacts) as Subscription['contacts'],
  areas: fromJson(dialect, r.areas) as Subscription['areas'],
  minLevel: r.min_level,
  languages: fromJson(dialect, r.languages) as Subscription['languages'],
})

/** The subscription repository of a store (or of one of its transactions). */
export function subscriptionRepository(ctx: RepositoryContext): SubscriptionStore {
  return {
    upsert: (subscriptions) =>
      atomically(ctx.db, (trx) =>
        upsertRows(trx, ctx.dialect, 'subscriptions', ['id'], subscriptions.map(toRow)),
      ),
    async remove(id) {
      const r = await ctx.db.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst()
      return r.numDeletedRows > 0n
    },
    async list() {
      const rows = await ctx.db.selectFrom('subscriptions').selectAll().orderBy('id').execute()
      return rows.map((r) => fromRow(ctx.dialect, r))
    },
    async find(id) {
      const r = await ctx.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return r === undefined ? undefined : fromRow(ctx.dialect, r)
    },
  }
}
