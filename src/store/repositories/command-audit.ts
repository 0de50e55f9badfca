/**
 * The hash-chained command audit log (src/command/audit-chain.ts). An append chains its
 * entries onto the last stored one inside the transaction that stores them, and appends are
 * serialised so that the chain has no fork and no gap: where the database has row locks the
 * appender first locks the one row of `command_audit_lock` (held to the end of the caller's
 * transaction); SQLite serialises write transactions anyway. Seq is the primary key, so even a
 * writer that bypassed the lock could not store a second entry at a seq.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { UserId } from '../../core/ids.ts'
import { type ChainEntry, chainEntry } from '../../command/audit-chain.ts'
import type { CommandAuditRepository } from '../../command/ports.ts'
import { rowsPerStatement } from '../dialect.ts'
import type { CommandAuditTable, StoreSchema } from '../schema.ts'
import { atomically, type RepositoryContext } from './context.ts'
import type { Kysely } from 'kysely'

const entryOf = (r: CommandAuditTable): ChainEntry => ({
  seq: r.seq,
  at: r.at as EpochMs,
  actor: r.actor as UserId,
  kind: r.kind,
  subject: r.subject,
  payloadJson: r.payload,
  prevHash: r.prev_hash,
  hash: r.hash,
})

const rowOf = (e: ChainEntry): CommandAuditTable => ({
  seq: e.seq,
  at: e.at,
  actor: e.actor,
  kind: e.kind,
  subject: e.subject,
  payload: e.payloadJson,
  prev_hash: e.prevHash,
  hash: e.hash,
})

const ENTRY_COLUMNS = [
  'seq',
  'at',
  'actor',
  'kind',
  'subject',
  'payload as payloadJson',
  'prev_hash as prevHash',
  'hash',
] as const

async function lastOf(db: Kysely<StoreSchema>): Promise<ChainEntry | undefined> {
  const r = await db
    .selectFrom('command_audit')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  return r === undefined ? undefined : entryOf(r)
}

/** The command audit repository of a store (or of one of its transactions). */
export function commandAuditRepository(ctx: RepositoryContext): CommandAuditRepository {
  const { dialect } = ctx
  return {
    async append(inputs) {
      if (inputs.length === 0) return []
      return atomically(ctx.db, async (trx) => {
        if (dialect.rowLocks)
          await trx
            .selectFrom('command_audit_lock')
            .select('id')
            .where('id', '=', 1)
            .forUpdate()
            .execute()
        let prev: ChainEntry | null = (await lastOf(trx)) ?? null
        const entries = inputs.map((input) => (prev = chainEntry(prev, input)))
        const rows = entries.map(rowOf)
        const per = rowsPerStatement(dialect, 8)
        for (let i = 0; i < rows.length; i += per)
          await trx
            .insertInto('command_audit')
            .values(rows.slice(i, i + per))
            .execute()
        return entries
      })
    },

    last: () => lastOf(ctx.db),

    async page(afterSeq, limit) {
      if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
        throw new Error(`afterSeq must be a non-negative integer, not ${afterSeq}`)
      if (!Number.isSafeInteger(limit) || limit < 1)
        throw new Error(`limit must be a positive integer, not ${limit}`)
      // Columns named as the entry's fields: the rows are the entries, with no copy per row
      // (a verifier reads millions of them).
      const rows = await ctx.db
        .selectFrom('command_audit')
        .select(ENTRY_COLUMNS)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute()
      return rows as ChainEntry[]
    },
  }
}
