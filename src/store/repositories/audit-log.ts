/** The audit trail of the warning lifecycle, append-only, numbered in the order appended. */
import type { EpochMs } from '../../core/brand.ts'
import type { UserId } from '../../core/ids.ts'
import type { AuditEntry } from '../../warn/approval.ts'
import type { AuditRepository } from '../../warn/ports.ts'
import type { WarningId } from '../../warn/types.ts'
import { fromJson, toJson } from '../codec.ts'
import { rowsPerStatement } from '../dialect.ts'
import { atomically, type RepositoryContext } from './context.ts'

/** The audit repository of a store (or of one of its transactions). */
export function auditRepository(ctx: RepositoryContext): AuditRepository {
  const { dialect } = ctx
  return {
    async append(entries) {
      const rows = entries.map((e, i) => ({
        at: e.at,
        actor: e.actor,
        action: e.action,
        warning_id: e.warningId,
        details: toJson(e.details, `audit entry ${i}`),
      }))
      if (rows.length === 0) return
      const per = rowsPerStatement(dialect, 5)
      await atomically(ctx.db, async (trx) => {
        // One statement inserts its rows in the order given, so ids ascend in that order.
        for (let i = 0; i < rows.length; i += per)
          await trx
            .insertInto('audit_log')
            .values(rows.slice(i, i + per))
            .execute()
      })
    },

    async list(filter = {}) {
      let q = ctx.db.selectFrom('audit_log').selectAll()
      if (filter.warningId !== undefined) q = q.where('warning_id', '=', filter.warningId)
      if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor)
      if (filter.from !== undefined) q = q.where('at', '>=', filter.from)
      if (filter.to !== undefined) q = q.where('at', '<', filter.to)
      q = q.orderBy('at').orderBy('id')
      if (filter.limit !== undefined) q = q.limit(filter.limit)
      const rows = await q.execute()
      return rows.map((r) => ({
        id: r.id,
        at: r.at as EpochMs,
        actor: r.actor as UserId,
        action: r.action as AuditEntry['action'],
        warningId: r.warning_id as WarningId | null,
        details: fromJson(dialect, r.details) as AuditEntry['details'],
      }))
    },
  }
}
