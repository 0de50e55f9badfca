/**
 * The schema, as migrations written in code (so that a bundled or installed program carries
 * them, with no directory to find at run time). Kysely's Migrator applies the pending ones on
 * open, in name order, each in a transaction on both databases, and records them in
 * `schema_migration`; the view `schema_version` shows how far a database is.
 *
 * A migration, once released, is never edited: a change to the schema is a new migration.
 */
import {
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
 * capability flags: `dialect.jsonType`, `dialect.blobType`, and `WITHOUT ROWID` where
 * `dialect.clusteredTables`.
 */
export function migrations(dialect: StoreDialect): Record<string, Migration> {
  const json = sql.raw(dialect.jsonType)
  const blob = sql.raw(dialect.blobType)
  // Key-only tables written and read by key (observations and their history) are stored
  // clustered on the key where the database can: one B-tree instead of a table plus an index.
  const clustered = dialect.clusteredTables ? sql`without rowid` : sql``

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
  const migrator = new Migrator({
    // The Migrator works on tables the typed schema does not know (its own, and future ones).
    db: db as unknown as AnyDb,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
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
