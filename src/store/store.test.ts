import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { SQLITE } from './dialect.ts'
import { RejectedBatchError } from './errors.ts'
import { migrateToLatest, migrations } from './migrations.ts'
import { openSqlite } from './sqlite.ts'
import { openStore, resolveDatabaseUrl } from './store.ts'
import { ConflictError } from '../warn/ports.ts'
import { describeStores, dropSchema, PG_URL, randomSchemaName } from './testing/databases.ts'
import {
  basin,
  hourly,
  ms,
  seedSite,
  series,
  seriesId,
  station,
  stationId,
  T0,
  threshold,
} from './testing/fixtures.ts'
import { applyMovement, expectedVersions } from '../logistics/ledger.ts'
import {
  A,
  B,
  depot,
  issue,
  ITEMS,
  JACKET,
  PUMP,
  receipt,
  transfer,
} from './testing/logistics-fixtures.ts'
import {
  alertId,
  audit,
  capAlert,
  issueEvents,
  outboxMessage,
  zoneId,
} from './testing/warning-fixtures.ts'

describeStores('Store', (store) => {
  it('is migrated on open and says its schema version', async () => {
    expect(store().schemaVersion).toBe(8)
  })

  it('commits a transaction’s writes to several repositories together', async () => {
    const n = await store().transaction(async (tx) => {
      await seedSite(tx)
      const r = await tx.observations.write(hourly('Q1', 5), ms(1))
      await tx.thresholds.upsert([threshold('T1')])
      return r.inserted
    })
    expect(n).toBe(5)
    expect(await store().observations.count(seriesId('Q1'))).toBe(5)
    expect(await store().thresholds.list(seriesId('Q1'))).toHaveLength(1)
  })

  it('rolls a transaction back when its function throws', async () => {
    await expect(
      store().transaction(async (tx) => {
        await seedSite(tx)
        await tx.observations.write(hourly('Q1', 5), ms(1))
        throw new Error('later step failed')
      }),
    ).rejects.toThrow('later step failed')
    expect(await store().stations.list()).toEqual([])
    expect(await store().series.list()).toEqual([])
    expect(await store().observations.count(seriesId('Q1'))).toBe(0)
  })

  it('commits a warning decision whole: events, CAP alert, audit entries and outbox', async () => {
    const Z1 = zoneId('Z1')
    await store().transaction(async (tx) => {
      await tx.warnings.appendEvents(Z1, 0, issueEvents('Z1'))
      await tx.capAlerts.put(capAlert('Z1', 1, 1))
      await tx.audit.append([audit(1), audit(2)])
      await tx.outbox.add([outboxMessage('m1'), outboxMessage('m2')])
    })
    expect(await store().warnings.lastSeq(Z1)).toBe(3)
    expect(await store().capAlerts.find(alertId('Z1', 1, 1))).toBeDefined()
    expect(await store().audit.list()).toHaveLength(2)
    expect(await store().outbox.due(T0, 10)).toHaveLength(2)
  })

  it('leaves nothing of a warning decision whose transaction throws', async () => {
    const Z1 = zoneId('Z1')
    await expect(
      store().transaction(async (tx) => {
        await tx.warnings.appendEvents(Z1, 0, issueEvents('Z1'))
        await tx.capAlerts.put(capAlert('Z1', 1, 1))
        await tx.audit.append([audit(1)])
        await tx.outbox.add([outboxMessage('m1')])
        await tx.deliveryLog.append({
          messageId: 'm1',
          idempotencyKey: 'key-m1',
          alertId: 'FR.Z1.1',
          alertVersion: 1,
          recipient: 'post:county-7',
          channel: 'webhook',
          address: 'https://example.org/hook',
          attempt: 1,
          resend: 0,
          at: T0,
          outcome: 'delivered',
          providerId: null,
          reason: null,
        })
        throw new Error('publishing failed')
      }),
    ).rejects.toThrow('publishing failed')
    expect(await store().warnings.events(Z1)).toEqual([])
    expect(await store().warnings.zonesWithOpenWarnings()).toEqual([])
    expect(await store().capAlerts.find(alertId('Z1', 1, 1))).toBeUndefined()
    expect(await store().audit.list()).toEqual([])
    expect(await store().outbox.find('m1')).toBeUndefined()
    expect(await store().deliveryLog.forMessage('m1')).toEqual([])
    // The same decision goes through afterwards, with the same seq and idempotency key.
    await store().transaction(async (tx) => {
      await tx.warnings.appendEvents(Z1, 0, issueEvents('Z1'))
      expect(await tx.outbox.add([outboxMessage('m1')])).toHaveLength(1)
    })
  })

  it('lets a use case catch a conflict inside its transaction and keep its other writes', async () => {
    const Z1 = zoneId('Z1')
    await store().warnings.appendEvents(Z1, 0, issueEvents('Z1'))
    await store().transaction(async (tx) => {
      await tx.audit.append([audit(1)])
      await expect(tx.warnings.appendEvents(Z1, 0, issueEvents('Z1'))).rejects.toThrow(
        ConflictError,
      )
    })
    expect(await store().warnings.lastSeq(Z1)).toBe(3)
    expect(await store().audit.list()).toHaveLength(1)
  })

  it('rolls a transaction back when a reference checked at commit is missing', async () => {
    await expect(
      store().transaction(async (tx) => {
        await tx.stations.upsert([station('S1', { basinId: basin('never').id })])
      }),
    ).rejects.toThrow()
    expect(await store().stations.find(stationId('S1'))).toBeUndefined()
  })

  it('undoes only the failed call when the caller catches its error inside a transaction', async () => {
    await store().transaction(async (tx) => {
      await seedSite(tx)
      // A statement the database refuses (unknown series: foreign key) …
      await expect(
        tx.thresholds.upsert([threshold('ok'), threshold('bad', { seriesId: seriesId('nope') })]),
      ).rejects.toThrow()
      // … and a batch the store refuses before writing.
      await expect(tx.observations.write(hourly('nope', 2), ms(1))).rejects.toThrow(
        RejectedBatchError,
      )
      await tx.observations.write(hourly('Q1', 3), ms(1))
    })
    expect(await store().thresholds.list(seriesId('Q1'))).toEqual([])
    expect(await store().observations.count(seriesId('Q1'))).toBe(3)
  })

  it('runs independent transactions side by side without mixing them', async () => {
    await seedSite(store())
    await store().series.upsert([series('Q2')])
    const results = await Promise.allSettled([
      store().transaction(async (tx) => {
        await tx.observations.write(hourly('Q1', 20), ms(1))
        throw new Error('first fails')
      }),
      store().transaction(async (tx) => {
        await tx.observations.write(hourly('Q2', 20), ms(1))
      }),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled'])
    expect(await store().observations.count(seriesId('Q1'))).toBe(0)
    expect(await store().observations.count(seriesId('Q2'))).toBe(20)
  })
})

type SqliteDb = ReturnType<typeof openSqlite>['db']

/** The tables of a SQLite database. */
const tableNames = async (db: SqliteDb): Promise<string[]> =>
  (
    await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
  ).rows.map((r) => r.name)

/** The columns of a table of a SQLite database. */
const columnNames = async (db: SqliteDb, table: string): Promise<string[]> =>
  (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)).rows.map(
    (r) => r.name,
  )

describe('openStore on SQLite', () => {
  const dirs: string[] = []
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'freshet-open-'))
    dirs.push(d)
    return d
  }
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('creates the file and its folder, in WAL mode, with the schema_version view', async () => {
    const path = join(tempDir(), 'nested', 'deeper', 'f.db')
    const store = await openStore(path)
    await store.close()
    const raw = new Database(path, { readonly: true })
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    const v = raw.prepare('select version, name from schema_version').get()
    expect(v).toEqual({ version: 8, name: '0008_movement_depots' })
    raw.close()
    expect(store.dialect).toMatchObject({ name: 'sqlite', rowLocks: false, blobType: 'blob' })
  })

  it('keeps data across reopening and applies no migration twice', async () => {
    const path = join(tempDir(), 'f.db')
    const a = await openStore(path)
    await seedSite(a)
    await a.observations.write(hourly('Q1', 3), ms(1))
    await a.close()
    const b = await openStore(path)
    expect(b.schemaVersion).toBe(8)
    expect(await b.observations.count(seriesId('Q1'))).toBe(3)
    await b.close()
  })

  it('takes 0004_command_and_logistics down and up again', async () => {
    const { db } = openSqlite(join(tempDir(), 'f.db'))
    try {
      await migrateToLatest(db, SQLITE)
      const added = [
        'posts',
        'orders',
        'order_recipients',
        'command_audit',
        'stock_lines',
        'requests',
      ]
      expect(await tableNames(db)).toEqual(expect.arrayContaining(added))
      const m = migrations(SQLITE)['0004_command_and_logistics']!
      await m.down!(db as never)
      const left = await tableNames(db)
      for (const t of added) expect(left).not.toContain(t)
      expect(left).toContain('settings')
      await m.up(db as never)
      expect(await tableNames(db)).toEqual(expect.arrayContaining(added))
    } finally {
      await db.destroy()
    }
  })

  it('takes 0005_outbox_orders down and up again: rows before it carry warnings', async () => {
    const path = join(tempDir(), 'f.db')
    const store = await openStore(path)
    await store.outbox.add([
      outboxMessage('w1'),
      outboxMessage('o1', {
        subject: 'order',
        notice: { kind: 'issued', post: 'county-7', deadline: null },
        format: 'plain',
      }),
    ])
    await store.close()
    const { db } = openSqlite(path)
    try {
      const m = migrations(SQLITE)['0005_outbox_orders']!
      await m.down!(db as never)
      expect(await columnNames(db, 'outbox')).not.toContain('subject')
      await m.up(db as never)
      expect(await columnNames(db, 'outbox')).toEqual(
        expect.arrayContaining(['subject', 'notice_kind', 'notice_post', 'notice_deadline']),
      )
      const rows = await sql<{
        id: string
        subject: string
        notice_kind: string | null
      }>`select id, subject, notice_kind from outbox order by id`.execute(db)
      expect(rows.rows).toEqual([{ id: 'w1', subject: 'warning', notice_kind: null }])
      await expect(
        sql`update outbox set subject = 'memo' where id = 'w1'`.execute(db),
      ).rejects.toThrow(/CHECK/)
    } finally {
      await db.destroy()
    }
  })

  it('takes 0006_hindcast_skill down and up again', async () => {
    const { db } = openSqlite(join(tempDir(), 'f.db'))
    try {
      await migrateToLatest(db, SQLITE)
      expect(await tableNames(db)).toContain('hindcast_skill')
      const m = migrations(SQLITE)['0006_hindcast_skill']!
      await m.down!(db as never)
      expect(await tableNames(db)).not.toContain('hindcast_skill')
      expect(await tableNames(db)).toContain('basins')
      await m.up(db as never)
      expect(await tableNames(db)).toContain('hindcast_skill')
    } finally {
      await db.destroy()
    }
  })

  it('takes 0007_post_and_shelter_locations down and up again: rows before it have no location', async () => {
    const path = join(tempDir(), 'f.db')
    const store = await openStore(path)
    await store.posts.replaceAll([
      { id: 'hq' as never, name: 'HQ', level: 'national', parents: [], areas: [] },
    ])
    await store.close()
    const { db } = openSqlite(path)
    try {
      const m = migrations(SQLITE)['0007_post_and_shelter_locations']!
      await m.down!(db as never)
      for (const t of ['posts', 'shelters']) expect(await columnNames(db, t)).not.toContain('lat')
      await m.up(db as never)
      for (const t of ['posts', 'shelters'])
        expect(await columnNames(db, t)).toEqual(expect.arrayContaining(['lat', 'lon']))
      const rows = await sql<{ id: string; lat: number | null; lon: number | null }>`
        select id, lat, lon from posts`.execute(db)
      expect(rows.rows).toEqual([{ id: 'hq', lat: null, lon: null }])
      // Both or neither, each within its range.
      for (const [lat, lon] of [
        [48, null],
        [null, 2],
        [90.5, 2],
        [48, -180.5],
      ])
        await expect(
          sql`update posts set lat = ${lat}, lon = ${lon} where id = 'hq'`.execute(db),
        ).rejects.toThrow(/CHECK/)
      await sql`update posts set lat = ${-90}, lon = ${180} where id = 'hq'`.execute(db)
      await expect(
        sql`insert into shelters (id, name, area_id, capacity, occupancy, version, lat, lon)
          values ('s', 'S', 'a', 10, 0, 0, ${null}, ${4.1})`.execute(db),
      ).rejects.toThrow(/CHECK/)
    } finally {
      await db.destroy()
    }
  })

  it('takes 0008_movement_depots down and up again, filling it from the movements stored', async () => {
    const path = join(tempDir(), 'f.db')
    const store = await openStore(path)
    await store.catalogue.upsert(ITEMS)
    await store.depots.save(depot(A, 100), 0)
    await store.depots.save(depot(B, 2), 0)
    const ctx = {
      depots: new Map((await store.depots.list()).map((d) => [d.id, d])),
      items: new Map((await store.catalogue.list()).map((i) => [i.id, i])),
    }
    const moves = [
      receipt('m1', A, JACKET, 500),
      receipt('m2', B, PUMP, 1),
      transfer('m3', A, B, JACKET, 10),
      issue('m4', A, JACKET, 120),
    ]
    for (const m of moves) {
      const state = await store.ledger.state()
      expect(applyMovement(state, m, ctx).ok).toBe(true)
      await store.ledger.append(m, expectedVersions(state, m))
    }
    const pages = async (s: typeof store) =>
      Promise.all(
        [A, B].map(async (d) => {
          const p = await s.ledger.depotMovements(d, 0, 10)
          return { ids: p.movements.map((m) => m.id), total: p.total }
        }),
      )
    const before = await pages(store)
    expect(before).toEqual([
      { ids: ['m1', 'm3', 'm4'], total: 3 },
      { ids: ['m2', 'm3'], total: 2 },
    ])
    await store.close()
    const { db } = openSqlite(path)
    try {
      const m = migrations(SQLITE)['0008_movement_depots']!
      await m.down!(db as never)
      expect(await tableNames(db)).not.toContain('movement_depots')
      await m.up(db as never)
      const rows = await sql<{ depot_id: string; n: number }>`
        select depot_id, count(*) as n from movement_depots group by depot_id order by depot_id`.execute(
        db,
      )
      expect(rows.rows).toEqual([
        { depot_id: A, n: 3 },
        { depot_id: B, n: 2 },
      ])
    } finally {
      await db.destroy()
    }
    const again = await openStore(path)
    expect(await pages(again)).toEqual(before)
    await again.close()
  })

  it('refuses a schema option, which only PostgreSQL has', async () => {
    await expect(openStore(join(tempDir(), 'f.db'), { schema: 'x' })).rejects.toThrow(/PostgreSQL/)
  })

  it('opens a private in-memory database', async () => {
    const store = await openStore(':memory:')
    await seedSite(store)
    expect(await store.series.list()).toHaveLength(1)
    await store.close()
  })
})

describe.skipIf(PG_URL === undefined)('openStore on PostgreSQL', () => {
  it('works in its own schema, with jsonb, bytea and row locks', async () => {
    const schema = randomSchemaName()
    const store = await openStore(PG_URL!, { schema, poolSize: 2 })
    try {
      expect(store.dialect).toMatchObject({ name: 'postgres', rowLocks: true, jsonType: 'jsonb' })
      expect(store.schemaVersion).toBe(8)
      const again = await openStore(PG_URL!, { schema })
      expect(again.schemaVersion).toBe(8)
      await again.close()
    } finally {
      await store.close()
      await dropSchema(PG_URL!, schema)
    }
  })

  it('refuses a schema name that would need quoting', async () => {
    await expect(openStore(PG_URL!, { schema: 'Bad-Name' })).rejects.toThrow(/schema name/)
  })
})

describe('resolveDatabaseUrl', () => {
  it('takes FRESHET_DB when set, else var/freshet.db under the project root', () => {
    expect(resolveDatabaseUrl({ FRESHET_DB: 'postgres://h/db' })).toBe('postgres://h/db')
    const d = mkdtempSync(join(tmpdir(), 'freshet-url-'))
    const p = join(d, 'sub', 'x.db')
    expect(resolveDatabaseUrl({ FRESHET_DB: p })).toBe(p)
    rmSync(d, { recursive: true, force: true })
    expect(resolveDatabaseUrl({})).toMatch(/[/\\]var[/\\]freshet\.db$/)
    expect(resolveDatabaseUrl({ FRESHET_DB: '' })).toMatch(/[/\\]var[/\\]freshet\.db$/)
  })
})
