/**
 * The schema, as migrations written in code (so that a bundled or installed program carries
 * them, with no directory to find at run time). Kysely's Migrator applies the pending ones on
 * open, in name order, each in a transaction on both databases, and records them in
 * `schema_migration`; the view `schema_version` shows how far a database is.
 *
 * A migration, once released, is never edited: a change to the schema is a new migration.
 */
import {
  type CreateTableBuilder,
  type ForeignKeyConstraintBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
} from 'kysely'
import type { StoreDialect } from './dialect.ts'
import type { StoreSchema } from './schema.ts'

/** The table where the Migrator records the migrations applied. */
export const MIGRATION_TABLE = 'schema_migration'

// Migrations build DDL, which Kysely types on an untyped database.
type AnyDb = Kysely<unknown>

// References that loaders may fill in any order within a transaction are checked at commit.
const deferred = (fk: ForeignKeyConstraintBuilder): ForeignKeyConstraintBuilder =>
  fk.deferrable().initiallyDeferred()

/**
 * The migrations, by name. Column types that differ between databases come from the dialect's
 * capability flags: `dialect.jsonType`, `dialect.blobType`, `WITHOUT ROWID` where
 * `dialect.clusteredTables`, and the numbered `id` of append-only tables per `dialect.identity`.
 */
export function migrations(dialect: StoreDialect): Record<string, Migration> {
  const json = sql.raw(dialect.jsonType)
  const blob = sql.raw(dialect.blobType)
  // Key-only tables written and read by key (observations and their history) are stored
  // clustered on the key where the database can: one B-tree instead of a table plus an index.
  const clustered = dialect.clusteredTables ? sql`without rowid` : sql``
  // An `id` column numbered on insert, ascending in the order rows were appended.
  const identity = (t: CreateTableBuilder<string, never>): CreateTableBuilder<string, never> =>
    dialect.identity === 'rowid'
      ? t.addColumn('id', 'integer', (c) => c.primaryKey())
      : t.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())

  return {
    '0001_initial': {
      async up(db: AnyDb): Promise<void> {
        await db.schema
          .createTable('basins')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('area_km2', 'double precision', (c) => c.notNull())
          .addColumn('outline', json)
          .addColumn('hypsometry', json)
          // Deferred to commit, so a network can be loaded in any order within a transaction.
          .addColumn('downstream_id', 'text')
          .addColumn('reach', json)
          .addForeignKeyConstraint(
            'basins_downstream',
            ['downstream_id'],
            'basins',
            ['id'],
            deferred,
          )
          .addCheckConstraint(
            'basins_reach_with_downstream',
            sql`(downstream_id is null) = (reach is null)`,
          )
          .execute()

        await db.schema
          .createTable('stations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('river', 'text', (c) => c.notNull())
          .addColumn('lat', 'double precision', (c) => c.notNull())
          .addColumn('lon', 'double precision', (c) => c.notNull())
          .addColumn('basin_id', 'text')
          .addColumn('catchment_area_km2', 'double precision')
          .addColumn('datum_m', 'double precision')
          .addForeignKeyConstraint('stations_basin', ['basin_id'], 'basins', ['id'], deferred)
          .execute()

        await db.schema
          .createTable('series')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('variable', 'text', (c) => c.notNull())
          .addColumn('unit', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('station_id', 'text')
          .addColumn('basin_id', 'text')
          .addColumn('step_ms', 'bigint')
          .addForeignKeyConstraint('series_station', ['station_id'], 'stations', ['id'], deferred)
          .addForeignKeyConstraint('series_basin', ['basin_id'], 'basins', ['id'], deferred)
          .addCheckConstraint('series_kind', sql`kind in ('observed', 'forecast')`)
          .addCheckConstraint('series_one_site', sql`(station_id is null) <> (basin_id is null)`)
          .execute()
        await db.schema.createIndex('series_station').on('series').column('station_id').execute()
        await db.schema.createIndex('series_basin').on('series').column('basin_id').execute()

        await db.schema
          .createTable('observations')
          .addColumn('series_id', 'text', (c) => c.notNull().references('series.id'))
          .addColumn('t', 'bigint', (c) => c.notNull())
          .addColumn('value', 'double precision', (c) => c.notNull())
          .addColumn('quality', 'integer', (c) => c.notNull())
          .addColumn('revision', 'integer', (c) => c.notNull())
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('observations_pk', ['series_id', 't'])
          .modifyEnd(clustered)
          .execute()

        await db.schema
          .createTable('observation_revisions')
          .addColumn('series_id', 'text', (c) => c.notNull().references('series.id'))
          .addColumn('t', 'bigint', (c) => c.notNull())
          .addColumn('revision', 'integer', (c) => c.notNull())
          .addColumn('value', 'double precision', (c) => c.notNull())
          .addColumn('quality', 'integer', (c) => c.notNull())
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addColumn('replaced_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('observation_revisions_pk', ['series_id', 't', 'revision'])
          .modifyEnd(clustered)
          .execute()

        await db.schema
          .createTable('thresholds')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('series_id', 'text', (c) => c.notNull().references('series.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('return_period_years', 'double precision')
          .addColumn('value', 'double precision', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('ci_low', 'double precision')
          .addColumn('ci_high', 'double precision')
          .addColumn('set_by', 'text')
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('set_at', 'bigint', (c) => c.notNull())
          .addCheckConstraint('thresholds_source', sql`source in ('fitted', 'manual')`)
          .execute()
        await db.schema
          .createIndex('thresholds_series')
          .on('thresholds')
          .column('series_id')
          .execute()

        await db.schema
          .createTable('model_configs')
          .addColumn('basin_id', 'text', (c) => c.primaryKey().references('basins.id'))
          .addColumn('model', 'text', (c) => c.notNull())
          .addColumn('params', json, (c) => c.notNull())
          .addColumn('options', json, (c) => c.notNull())
          .addColumn('calibration', json)
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('model_states')
          .addColumn('basin_id', 'text', (c) => c.notNull().references('basins.id'))
          .addColumn('t', 'bigint', (c) => c.notNull())
          .addColumn('model', 'text', (c) => c.notNull())
          .addColumn('state', blob, (c) => c.notNull())
          .addPrimaryKeyConstraint('model_states_pk', ['basin_id', 't'])
          .execute()

        await db.schema
          .createTable('forcing_forecasts')
          .addColumn('basin_id', 'text', (c) => c.notNull().references('basins.id'))
          .addColumn('issue_time', 'bigint', (c) => c.notNull())
          .addColumn('step_ms', 'bigint', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('lead_steps', 'integer', (c) => c.notNull())
          .addColumn('precip_members', 'integer', (c) => c.notNull())
          .addColumn('precip', blob, (c) => c.notNull())
          .addColumn('pet_members', 'integer')
          .addColumn('pet', blob)
          .addColumn('temp_members', 'integer')
          .addColumn('temp', blob)
          .addPrimaryKeyConstraint('forcing_forecasts_pk', ['basin_id', 'issue_time'])
          .execute()

        await db.schema
          .createTable('forecast_runs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('issue_time', 'bigint', (c) => c.notNull())
          .addColumn('forcing_source', 'text', (c) => c.notNull())
          .addColumn('members', 'integer', (c) => c.notNull())
          .addColumn('lead_steps', 'integer', (c) => c.notNull())
          .addColumn('step_ms', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('note', 'text', (c) => c.notNull())
          .addCheckConstraint(
            'forecast_runs_status',
            sql`status in ('running', 'complete', 'failed')`,
          )
          .execute()
        await db.schema
          .createIndex('forecast_runs_status_issue')
          .on('forecast_runs')
          .columns(['status', 'issue_time'])
          .execute()

        await db.schema
          .createTable('basin_forecasts')
          .addColumn('run_id', 'text', (c) =>
            c.notNull().references('forecast_runs.id').onDelete('cascade'),
          )
          .addColumn('basin_id', 'text', (c) => c.notNull().references('basins.id'))
          .addColumn('lead_steps', 'integer', (c) => c.notNull())
          .addColumn('member_count', 'integer', (c) => c.notNull())
          .addColumn('members', blob, (c) => c.notNull())
          .addColumn('quantile_count', 'integer', (c) => c.notNull())
          .addColumn('quantiles', blob, (c) => c.notNull())
          .addColumn('thresholds', json, (c) => c.notNull())
          .addColumn('exceedance', blob, (c) => c.notNull())
          .addPrimaryKeyConstraint('basin_forecasts_pk', ['run_id', 'basin_id'])
          .execute()

        // What an operator reads to know the schema's level: `select * from schema_version`.
        await db.schema
          .createView('schema_version')
          .as(sql`select count(*) as version, max(name) as name from ${sql.table(MIGRATION_TABLE)}`)
          .execute()
      },

      async down(db: AnyDb): Promise<void> {
        await db.schema.dropView('schema_version').execute()
        for (const t of [
          'basin_forecasts',
          'forecast_runs',
          'forcing_forecasts',
          'model_states',
          'model_configs',
          'thresholds',
          'observation_revisions',
          'observations',
          'series',
          'stations',
          'basins',
        ])
          await db.schema.dropTable(t).execute()
      },
    },

    '0002_warnings_and_delivery': {
      async up(db: AnyDb): Promise<void> {
        // Append-only; the key is the optimistic-concurrency check: two writers that read the
        // same stream cannot both append its next seq.
        await db.schema
          .createTable('warning_events')
          .addColumn('zone_id', 'text', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('warning_id', 'text', (c) => c.notNull())
          .addColumn('event', json, (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull())
          .addColumn('pending', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('warning_events_pk', ['zone_id', 'seq'])
          .addCheckConstraint('warning_events_seq', sql`seq >= 1`)
          .addCheckConstraint('warning_events_flags', sql`active in (0, 1) and pending in (0, 1)`)
          .modifyEnd(clustered)
          .execute()
        await db.schema
          .createIndex('warning_events_warning')
          .on('warning_events')
          .column('warning_id')
          .execute()

        await db.schema
          .createTable('cap_alerts')
          .addColumn('alert_id', 'text', (c) => c.primaryKey())
          .addColumn('warning_id', 'text', (c) => c.notNull())
          .addColumn('zone_id', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('msg_type', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('sent', 'bigint', (c) => c.notNull())
          .addColumn('expires', 'bigint', (c) => c.notNull())
          .addColumn('level_rank', 'integer', (c) => c.notNull())
          .addColumn('languages', json, (c) => c.notNull())
          .addColumn('xml', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('cap_alerts_warning_version', ['warning_id', 'version'])
          .addCheckConstraint('cap_alerts_msg_type', sql`msg_type in ('Alert', 'Update', 'Cancel')`)
          .execute()
        await db.schema
          .createIndex('cap_alerts_zone_sent')
          .on('cap_alerts')
          .columns(['zone_id', 'sent'])
          .execute()

        await db.schema
          .createTable('audit_log')
          .$call(identity)
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('warning_id', 'text')
          .addColumn('details', json, (c) => c.notNull())
          .execute()
        await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute()
        await db.schema
          .createIndex('audit_log_warning')
          .on('audit_log')
          .columns(['warning_id', 'at'])
          .execute()

        await db.schema
          .createTable('subscriptions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('contacts', json, (c) => c.notNull())
          .addColumn('areas', json, (c) => c.notNull())
          .addColumn('min_level', 'integer', (c) => c.notNull())
          .addColumn('languages', json, (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('outbox')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
          .addColumn('alert_id', 'text', (c) => c.notNull())
          .addColumn('alert_version', 'integer', (c) => c.notNull())
          .addColumn('subscription_id', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('contact_index', 'integer', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('language', 'text', (c) => c.notNull())
          .addColumn('format', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('resends', 'integer', (c) => c.notNull())
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('delivered_at', 'bigint')
          .addColumn('escalated_at', 'bigint')
          .addColumn('last_error', 'text')
          .addCheckConstraint('outbox_status', sql`status in ('pending', 'delivered', 'failed')`)
          .addCheckConstraint('outbox_format', sql`format in ('plain', 'cap')`)
          .execute()
        // What delivery workers poll: the pending rows by due time.
        await db.schema
          .createIndex('outbox_status_due')
          .on('outbox')
          .columns(['status', 'next_attempt_at'])
          .execute()

        await db.schema
          .createTable('delivery_log')
          .$call(identity)
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          .addColumn('alert_id', 'text', (c) => c.notNull())
          .addColumn('alert_version', 'integer', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('attempt', 'integer', (c) => c.notNull())
          .addColumn('resend', 'integer', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('provider_id', 'text')
          .addColumn('reason', 'text')
          .execute()
        await db.schema
          .createIndex('delivery_log_recipient')
          .on('delivery_log')
          .columns(['recipient', 'id'])
          .execute()
        await db.schema
          .createIndex('delivery_log_message')
          .on('delivery_log')
          .columns(['message_id', 'id'])
          .execute()

        await db.schema
          .createTable('acknowledgments')
          .$call(identity)
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('alert_id', 'text', (c) => c.notNull())
          .addColumn('alert_version', 'integer', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('via', 'text', (c) => c.notNull())
          .addCheckConstraint('acknowledgments_via', sql`via in ('link', 'api')`)
          .execute()
        await db.schema
          .createIndex('acknowledgments_alert')
          .on('acknowledgments')
          .columns(['alert_id', 'alert_version'])
          .execute()
      },

      async down(db: AnyDb): Promise<void> {
        for (const t of [
          'acknowledgments',
          'delivery_log',
          'outbox',
          'subscriptions',
          'audit_log',
          'cap_alerts',
          'warning_events',
        ])
          await db.schema.dropTable(t).execute()
      },
    },

    '0003_zone_evaluations_and_settings': {
      async up(db: AnyDb): Promise<void> {
        await db.schema
          .createTable('zone_evaluations')
          .addColumn('zone_id', 'text', (c) => c.primaryKey())
          .addColumn('state', json, (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute()
      },

      async down(db: AnyDb): Promise<void> {
        await db.schema.dropTable('settings').execute()
        await db.schema.dropTable('zone_evaluations').execute()
      },
    },

    '0004_command_and_logistics': {
      async up(db: AnyDb): Promise<void> {
        // Append-only streams keyed by (stream, seq), seq 1, 2, … per stream: the key is what
        // makes two writers unable to append the same seq (as warning_events).
        const stream = async (table: string, key: string): Promise<void> => {
          await db.schema
            .createTable(table)
            .addColumn(key, 'text', (c) => c.notNull())
            .addColumn('seq', 'integer', (c) => c.notNull())
            .addColumn('at', 'bigint', (c) => c.notNull())
            .addColumn('kind', 'text', (c) => c.notNull())
            .addColumn('event', json, (c) => c.notNull())
            .addPrimaryKeyConstraint(`${table}_pk`, [key, 'seq'])
            .modifyEnd(clustered)
            .execute()
        }

        // --- command ----------------------------------------------------------------------
        await db.schema
          .createTable('posts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('parents', json, (c) => c.notNull())
          .addColumn('areas', json, (c) => c.notNull())
          .addCheckConstraint(
            'posts_level',
            sql`level in ('national', 'basin', 'province', 'county')`,
          )
          .execute()

        await db.schema
          .createTable('assignments')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('post_id', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('assignments_pk', ['user_id', 'post_id', 'role'])
          .modifyEnd(clustered)
          .execute()
        await db.schema
          .createIndex('assignments_post')
          .on('assignments')
          .columns(['post_id', 'user_id'])
          .execute()

        await db.schema
          .createTable('roster_shifts')
          .$call(identity)
          .addColumn('post_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('starts_at', 'bigint', (c) => c.notNull())
          .addColumn('ends_at', 'bigint', (c) => c.notNull())
          .addCheckConstraint('roster_shifts_period', sql`starts_at < ends_at`)
          .execute()
        await db.schema
          .createIndex('roster_shifts_post')
          .on('roster_shifts')
          .columns(['post_id', 'starts_at'])
          .execute()

        await db.schema
          .createTable('orders')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('issuer_post', 'text', (c) => c.notNull())
          .addColumn('issued_at', 'bigint', (c) => c.notNull())
          .addColumn('ack_deadline', 'bigint', (c) => c.notNull())
          .addColumn('completion_deadline', 'bigint', (c) => c.notNull())
          // The `Order` document (immutable once issued).
          .addColumn('order_doc', json, (c) => c.notNull())
          .addColumn('superseded_by', 'text')
          .execute()
        await db.schema
          .createIndex('orders_issuer')
          .on('orders')
          .columns(['issuer_post', 'issued_at'])
          .execute()

        // One record per recipient, edited with optimistic concurrency on `version`.
        await db.schema
          .createTable('order_recipients')
          .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
          .addColumn('post_id', 'text', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('answered_at', 'bigint')
          .addColumn('accepted_at', 'bigint')
          .addColumn('completed_at', 'bigint')
          .addColumn('unable_reason', 'text')
          .addColumn('report', 'text')
          .addColumn('escalated_ack', 'bigint')
          .addColumn('escalated_completion', 'bigint')
          .addPrimaryKeyConstraint('order_recipients_pk', ['order_id', 'post_id'])
          .addCheckConstraint(
            'order_recipients_status',
            sql`status in ('issued', 'received', 'accepted', 'unable', 'completed')`,
          )
          .modifyEnd(clustered)
          .execute()
        await db.schema
          .createIndex('order_recipients_post')
          .on('order_recipients')
          .columns(['post_id', 'order_id'])
          .execute()

        // Every event of every order, in the order appended. A recipient's event carries the
        // version it took the record to, unique per recipient: no answer is stored twice.
        await db.schema
          .createTable('order_events')
          .$call(identity)
          .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
          .addColumn('post_id', 'text')
          .addColumn('version', 'integer')
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('event', json, (c) => c.notNull())
          .addUniqueConstraint('order_events_recipient_version', ['order_id', 'post_id', 'version'])
          .execute()
        await db.schema
          .createIndex('order_events_order')
          .on('order_events')
          .columns(['order_id', 'id'])
          .execute()

        await db.schema
          .createTable('incidents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('post_id', 'text', (c) => c.notNull())
          .addColumn('warning_id', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('opened_at', 'bigint', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addCheckConstraint('incidents_status', sql`status in ('open', 'monitoring', 'closed')`)
          .execute()
        await db.schema
          .createIndex('incidents_warning')
          .on('incidents')
          .column('warning_id')
          .execute()
        await db.schema
          .createIndex('incidents_status')
          .on('incidents')
          .columns(['status', 'opened_at'])
          .execute()
        await stream('incident_events', 'incident_id')

        await db.schema
          .createTable('sitreps')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('post_id', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('report', json, (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('sitreps_post')
          .on('sitreps')
          .columns(['post_id', 'at'])
          .execute()

        // The hash chain: seq 1, 2, … is the key (SQLite: the rowid itself, so pages are read
        // straight off the table's B-tree); the payload is the canonical JSON text as hashed,
        // so it is kept as text, never as a JSON type that would re-serialise it.
        await db.schema
          .createTable('command_audit')
          .addColumn('seq', dialect.identity === 'rowid' ? 'integer' : 'bigint', (c) =>
            c.primaryKey(),
          )
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute()
        // One row that appenders lock (where the database has row locks) before reading the
        // last entry, so that concurrent appends are chained one after the other.
        await db.schema
          .createTable('command_audit_lock')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addCheckConstraint('command_audit_lock_one_row', sql`id = 1`)
          .execute()
        await sql`insert into command_audit_lock (id) values (1)`.execute(db)

        // --- logistics --------------------------------------------------------------------
        await db.schema
          .createTable('items')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('unit', 'text', (c) => c.notNull())
          .addColumn('volume_per_unit_m3', 'double precision', (c) => c.notNull())
          .addColumn('category', 'text', (c) => c.notNull())
          .execute()

        // `version` counts edits of the record; `stock_version` counts the ledger movements
        // that touched the depot's stock (LedgerState.depotVersions).
        await db.schema
          .createTable('depots')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('lat', 'double precision', (c) => c.notNull())
          .addColumn('lon', 'double precision', (c) => c.notNull())
          .addColumn('capacity_m3', 'double precision', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('stock_version', 'integer', (c) => c.notNull().defaultTo(0))
          .execute()

        // The sum of the movements per depot × item, kept with the movements in one transaction.
        await db.schema
          .createTable('stock_lines')
          .addColumn('depot_id', 'text', (c) => c.notNull().references('depots.id'))
          .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
          .addColumn('quantity', 'double precision', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('stock_lines_pk', ['depot_id', 'item_id'])
          .addCheckConstraint('stock_lines_not_negative', sql`quantity >= 0`)
          .modifyEnd(clustered)
          .execute()

        await db.schema
          .createTable('movements')
          .$call(identity)
          .addColumn('movement_id', 'text', (c) => c.notNull().unique())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('item_id', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('movement', json, (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('dispatches')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('from_depot_id', 'text', (c) => c.notNull())
          .addColumn('to_area_id', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('dispatches_state').on('dispatches').column('state').execute()
        await stream('dispatch_events', 'dispatch_id')

        await db.schema
          .createTable('shelters')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('area_id', 'text', (c) => c.notNull())
          .addColumn('capacity', 'integer', (c) => c.notNull())
          .addColumn('occupancy', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addCheckConstraint('shelters_occupancy', sql`occupancy >= 0 and occupancy <= capacity`)
          .execute()
        await stream('evacuation_events', 'area_id')

        await db.schema
          .createTable('requests')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('post_id', 'text', (c) => c.notNull())
          .addColumn('area_id', 'text', (c) => c.notNull())
          .addColumn('submitted_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('requests_status').on('requests').column('status').execute()
        await stream('request_events', 'request_id')
      },

      async down(db: AnyDb): Promise<void> {
        for (const t of [
          'request_events',
          'requests',
          'evacuation_events',
          'shelters',
          'dispatch_events',
          'dispatches',
          'movements',
          'stock_lines',
          'depots',
          'items',
          'command_audit_lock',
          'command_audit',
          'sitreps',
          'incident_events',
          'incidents',
          'order_events',
          'order_recipients',
          'orders',
          'roster_shifts',
          'assignments',
          'posts',
        ])
          await db.schema.dropTable(t).execute()
      },
    },

    // What an outbox row carries: a warning version (every row before this migration), or a
    // notice of an order to a command post (issued, a reminder, an escalation to a superior).
    '0005_outbox_orders': {
      async up(db: AnyDb): Promise<void> {
        // One column per statement: SQLite adds one at a time.
        await db.schema
          .alterTable('outbox')
          .addColumn('subject', 'text', (c) =>
            c
              .notNull()
              .defaultTo('warning')
              .check(sql`subject in ('warning', 'order')`),
          )
          .execute()
        await db.schema
          .alterTable('outbox')
          .addColumn('notice_kind', 'text', (c) =>
            c.check(sql`notice_kind in ('issued', 'reminder', 'escalation')`),
          )
          .execute()
        await db.schema.alterTable('outbox').addColumn('notice_post', 'text').execute()
        await db.schema
          .alterTable('outbox')
          .addColumn('notice_deadline', 'text', (c) =>
            c.check(sql`notice_deadline in ('ack', 'completion')`),
          )
          .execute()
        // The messages of one order, as `forOrder` reads them.
        await db.schema
          .createIndex('outbox_subject_alert')
          .on('outbox')
          .columns(['subject', 'alert_id'])
          .execute()
      },

      async down(db: AnyDb): Promise<void> {
        await db.schema.dropIndex('outbox_subject_alert').execute()
        // The rows of orders could not be told from warnings without the column.
        await sql`delete from outbox where subject = 'order'`.execute(db)
        for (const c of ['notice_deadline', 'notice_post', 'notice_kind', 'subject'])
          await db.schema.alterTable('outbox').dropColumn(c).execute()
      },
    },

    // Summaries of hindcasts (src/forecast/hindcast/skill.ts), appended as they are computed:
    // what was run in columns, the scores per lead time as one JSON document (flows in m³/s).
    '0006_hindcast_skill': {
      async up(db: AnyDb): Promise<void> {
        await db.schema
          .createTable('hindcast_skill')
          .$call(identity)
          .addColumn('basin_id', 'text', (c) => c.notNull().references('basins.id'))
          .addColumn('computed_at', 'bigint', (c) => c.notNull())
          .addColumn('first_issue', 'bigint', (c) => c.notNull())
          .addColumn('last_issue', 'bigint', (c) => c.notNull())
          .addColumn('issues', 'integer', (c) => c.notNull().check(sql`issues >= 1`))
          .addColumn('every_steps', 'integer', (c) => c.notNull().check(sql`every_steps >= 1`))
          .addColumn('update_method', 'text', (c) =>
            c.notNull().check(sql`update_method in ('none', 'routing', 'correction', 'enkf')`),
          )
          .addColumn('model', 'text', (c) => c.notNull())
          .addColumn('members', 'integer', (c) => c.notNull().check(sql`members >= 2`))
          .addColumn('horizon_steps', 'integer', (c) => c.notNull().check(sql`horizon_steps >= 1`))
          .addColumn('step_ms', 'bigint', (c) => c.notNull().check(sql`step_ms > 0`))
          .addColumn('seed', 'bigint', (c) => c.notNull())
          .addColumn('forcing_note', 'text', (c) => c.notNull())
          // [{ name, value }], value in m³/s.
          .addColumn('thresholds', json, (c) => c.notNull())
          .addColumn('threshold_note', 'text', (c) => c.notNull())
          .addColumn('flow_unit', 'text', (c) => c.notNull().check(sql`flow_unit = 'm3/s'`))
          // [{ lead, n, crps, …, thresholds: [{ name, hits, …, pod, far, csi, bias, pofd }] }].
          .addColumn('leads', json, (c) => c.notNull())
          .addCheckConstraint('hindcast_skill_issue_order', sql`first_issue <= last_issue`)
          .execute()
        // A basin's latest summary, as `latest` reads it.
        await db.schema
          .createIndex('hindcast_skill_basin')
          .on('hindcast_skill')
          .columns(['basin_id', 'computed_at', 'id'])
          .execute()
      },

      async down(db: AnyDb): Promise<void> {
        await db.schema.dropTable('hindcast_skill').execute()
      },
    },

    // Where command posts and shelters are, for the map: WGS84 degrees, both or neither (rows
    // before this migration have neither). The pairing is checked on `lon`, added second.
    '0007_post_and_shelter_locations': {
      async up(db: AnyDb): Promise<void> {
        for (const table of ['posts', 'shelters']) {
          // One column per statement: SQLite adds one at a time.
          await db.schema
            .alterTable(table)
            .addColumn('lat', 'double precision', (c) => c.check(sql`lat between -90 and 90`))
            .execute()
          await db.schema
            .alterTable(table)
            .addColumn('lon', 'double precision', (c) =>
              c.check(sql`lon between -180 and 180 and (lat is null) = (lon is null)`),
            )
            .execute()
        }
      },

      async down(db: AnyDb): Promise<void> {
        for (const table of ['shelters', 'posts'])
          for (const c of ['lon', 'lat']) await db.schema.alterTable(table).dropColumn(c).execute()
      },
    },

    // The depots each ledger movement touched, keyed by depot and then by the movement's row,
    // so a depot's page of the ledger is an index range instead of a scan of every movement's
    // document. Filled from the movements already stored (a transfer names two depots).
    '0008_movement_depots': {
      async up(db: AnyDb): Promise<void> {
        await db.schema
          .createTable('movement_depots')
          .addColumn('depot_id', 'text', (c) => c.notNull())
          .addColumn('movement_row', 'bigint', (c) => c.notNull().references('movements.id'))
          .addPrimaryKeyConstraint('movement_depots_pk', ['depot_id', 'movement_row'])
          .modifyEnd(clustered)
          .execute()
        // `->>` reads a top-level key of the document as text on both databases.
        await sql`
          insert into movement_depots (depot_id, movement_row)
          select movement ->> 'depotId', id from movements where movement ->> 'depotId' is not null
          union
          select movement ->> 'fromDepotId', id from movements
            where movement ->> 'fromDepotId' is not null
          union
          select movement ->> 'toDepotId', id from movements
            where movement ->> 'toDepotId' is not null`.execute(db)
      },

      async down(db: AnyDb): Promise<void> {
        await db.schema.dropTable('movement_depots').execute()
      },
    },
  }
}

/**
 * Applies every pending migration.
 *
 * @returns the number of migrations applied to the database so far (its schema version)
 * @throws the first migration's error, after its transaction was rolled back
 */
export async function migrateToLatest(
  db: Kysely<StoreSchema>,
  dialect: StoreDialect,
): Promise<number> {
  const all = migrations(dialect)
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(all) }
  // Without a schema the Migrator would take another schema's migration table for this one's.
  const schema = dialect.namedSchemas
    ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
    : undefined
  const migrator = new Migrator({
    // The Migrator works on tables the typed schema does not know (its own, and future ones).
    db: db as unknown as AnyDb,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'a migration'
    throw new Error(`could not apply ${failed}: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    })
  }
  return Object.keys(all).length
}
