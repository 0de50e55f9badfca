/**
 * Published CAP alerts, one row per issued version, with the XML as published; and the lookup
 * delivery uses to find a warning version's zone, level and languages.
 */
import type { Selectable } from 'kysely'
import type { EpochMs } from '../../core/brand.ts'
import type { AlertLookup } from '../../notify/ports.ts'
import type { CapStatus } from '../../warn/cap/model.ts'
import type { MsgType } from '../../warn/lifecycle.ts'
import type { CapAlertRecord, CapAlertRepository } from '../../warn/ports.ts'
import type { AlertId, WarningId, WarningZoneId } from '../../warn/types.ts'
import { fromJson, toJson } from '../codec.ts'
import type { StoreDialect } from '../dialect.ts'
import type { CapAlertsTable } from '../schema.ts'
import { type RepositoryContext, upsertRows } from './context.ts'

function fromRow(dialect: StoreDialect, r: Selectable<CapAlertsTable>): CapAlertRecord {
  return {
    alertId: r.alert_id as AlertId,
    warningId: r.warning_id as WarningId,
    zoneId: r.zone_id as WarningZoneId,
    version: r.version,
    msgType: r.msg_type as MsgType,
    status: r.status as CapStatus,
    sent: r.sent as EpochMs,
    expires: r.expires as EpochMs,
    levelRank: r.level_rank,
    languages: fromJson(dialect, r.languages) as string[],
    xml: r.xml,
    createdAt: r.created_at as EpochMs,
  }
}

/** The CAP-alert repository of a store (or of one of its transactions). */
export function capAlertRepository(ctx: RepositoryContext): CapAlertRepository {
  const { dialect } = ctx
  return {
    async put(a) {
      await upsertRows(
        ctx.db,
        dialect,
        'cap_alerts',
        ['alert_id'],
        [
          {
            alert_id: a.alertId,
            warning_id: a.warningId,
            zone_id: a.zoneId,
            version: a.version,
            msg_type: a.msgType,
            status: a.status,
            sent: a.sent,
            expires: a.expires,
            level_rank: a.levelRank,
            languages: toJson(a.languages, `languages of alert ${a.alertId}`),
            xml: a.xml,
            created_at: a.createdAt,
          },
        ],
      )
    },

    async find(alertId) {
      const r = await ctx.db
        .selectFrom('cap_alerts')
        .selectAll()
        .where('alert_id', '=', alertId)
        .executeTakeFirst()
      return r === undefined ? undefined : fromRow(dialect, r)
    },

    async active(now) {
      const rows = await ctx.db
        .selectFrom('cap_alerts as a')
        .selectAll('a')
        .where('a.msg_type', '<>', 'Cancel')
        .where('a.expires', '>', now)
        // Only the current version of each warning: a later one (an Update, or a Cancel that
        // ends the warning) replaces it.
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('cap_alerts as b')
                .select('b.alert_id')
                .whereRef('b.warning_id', '=', 'a.warning_id')
                .whereRef('b.version', '>', 'a.version'),
            ),
          ),
        )
        .orderBy('a.sent', 'desc')
        .orderBy('a.alert_id', 'desc')
        .execute()
      return rows.map((r) => fromRow(dialect, r))
    },

    async byZone(zoneId) {
      const rows = await ctx.db
        .selectFrom('cap_alerts')
        .selectAll()
        .where('zone_id', '=', zoneId)
        .orderBy('sent', 'desc')
        .orderBy('version', 'desc')
        .orderBy('alert_id', 'desc')
        .execute()
      return rows.map((r) => fromRow(dialect, r))
    },
  }
}

/**
 * Delivery's view of the published alerts: `find(id, version)` takes the warning id (stable
 * across versions, as `AlertSummary.id` is) and the version, and answers with the alert's zone,
 * level rank and languages.
 */
export function alertLookup(ctx: RepositoryContext): AlertLookup {
  return {
    async find(alertId, alertVersion) {
      const r = await ctx.db
        .selectFrom('cap_alerts')
        .select(['warning_id', 'version', 'zone_id', 'level_rank', 'languages'])
        .where('warning_id', '=', alertId)
        .where('version', '=', alertVersion)
        .executeTakeFirst()
      if (r === undefined) return undefined
      return {
        id: r.warning_id,
        version: r.version,
        zoneIds: [r.zone_id],
        level: r.level_rank,
        languages: fromJson(ctx.dialect, r.languages) as string[],
      }
    },
  }
}
