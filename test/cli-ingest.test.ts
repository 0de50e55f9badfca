import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { BasinId, SeriesId } from '../src/core/ids.ts'
import { openStore } from '../src/store/index.ts'
import { freshet, tempDir, tempFiles } from './support/cli.ts'

async function database(): Promise<string> {
  const db = join(tempDir(), 'ingest.db')
  const store = await openStore(db)
  await store.basins.upsert([
    {
      id: 'b' as BasinId,
      name: 'b',
      areaKm2: 10,
      outline: null,
      hypsometry: null,
      downstream: null,
    },
  ])
  await store.series.upsert([
    {
      id: 'b:discharge' as SeriesId,
      variable: 'discharge',
      unit: 'm3/s',
      kind: 'observed',
      stationId: null,
      basinId: 'b' as BasinId,
      stepMs: 3_600_000,
    },
  ])
  await store.close()
  return db
}

const run = (db: string, args: string[]) => freshet(args, undefined, { FRESHET_DB: db })

describe('freshet ingest', () => {
  it('loads a CSV once however often it is run, and reports bad rows with their line and status 2', async () => {
    const db = await database()
    const good =
      'series,t,value,unit\nb:discharge,2016-06-01T00:00:00Z,4.5,m3/s\nb:discharge,2016-06-01T01:00:00Z,4.7,m3/s\n'
    const dir = tempFiles({
      'good.csv': good,
      'bad.csv':
        good + 'b:discharge,2016-06-01T02:00:00Z,abc,m3/s\nb:level,2016-06-01T03:00:00Z,1,m\n',
    })
    const first = run(db, ['ingest', join(dir, 'good.csv')])
    expect(first.status).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ inserted: 2, rejected: 0 })
    expect(JSON.parse(run(db, ['ingest', join(dir, 'good.csv')]).stdout)).toMatchObject({
      inserted: 0,
      unchanged: 2,
    })
    const bad = run(db, ['ingest', join(dir, 'bad.csv')])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/bad\.csv:4: rejected: .*abc/)
    expect(bad.stderr).toMatch(/bad\.csv:5: rejected: .*unknown series/)
    const atomic = run(db, ['ingest', join(dir, 'bad.csv'), '--atomic'])
    expect(atomic.status).toBe(2)
    expect(atomic.stderr.trim().split('\n')).toHaveLength(1)
    const store = await openStore(db)
    expect(await store.observations.count('b:discharge' as SeriesId)).toBe(2)
    expect(
      (
        await store.observations.read(
          'b:discharge' as SeriesId,
          0 as EpochMs,
          Date.UTC(2100, 0) as EpochMs,
        )
      ).map((o) => o.value),
    ).toEqual([4.5, 4.7])
    await store.close()
  })

  it('says so when the file cannot be read or is not CSV', async () => {
    const db = await database()
    const missing = run(db, ['ingest', '/nonexistent/x.csv'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/cannot read \/nonexistent\/x\.csv: ENOENT/)
    const dir = tempFiles({ 'x.csv': 'hello world\n1,2\n' })
    const notCsv = run(db, ['ingest', join(dir, 'x.csv')])
    expect(notCsv.status).toBe(2)
    expect(notCsv.stderr.trim().split('\n')).toHaveLength(1)
  })
})
