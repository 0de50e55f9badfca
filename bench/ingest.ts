/**
 * Observation ingest speed, side by side with a reference measured in the same run.
 *
 * The observed flows (q_ls, converted to m³/s) of the five catchments of data/catchments/inputs,
 * repeated over as many series ids as it takes to reach N observations (default 1,000,000;
 * `INGEST_N` to change), are written in batches of 5,000 into a fresh SQLite file:
 *
 * 1. reference: raw better-sqlite3, one prepared INSERT per row, one transaction per batch,
 *    into the same table with the same settings — no existence check, no revision logic;
 * 2. Freshet's ObservationRepository.write, first write (every value new);
 * 3. the same batches again (every value unchanged: the idempotent path);
 * 4. the same batches with every value changed (every value revised, the old one to history);
 * 5. the first write through the portable multi-row Kysely writer (what PostgreSQL runs);
 * 6. with FRESHET_PG_URL set, the first write and the re-send into PostgreSQL (fresh schema).
 *
 * Ends with `ingest_obs_per_s=…`, the SQLite first-write figure of Freshet.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { EpochMs } from '../src/core/brand.ts'
import type { SeriesId, StationId } from '../src/core/ids.ts'
import { parseSeriesCsv } from '../src/observe/forcing-csv.ts'
import type { Observation, Series, Station } from '../src/observe/types.ts'
import { openStore, type OpenStoreOptions, type Store } from '../src/store/store.ts'

const here = dirname(fileURLToPath(import.meta.url))
const inputs = join(here, '..', 'data', 'catchments', 'inputs')
const CATCHMENTS = ['F439000101', 'H010002001', 'H120101001', 'L0123001', 'L0123002']
const N = Number(process.env['INGEST_N'] ?? 1_000_000)
const BATCH = 5_000

// --- the data --------------------------------------------------------------------------------
interface Flow {
  readonly code: string
  readonly times: Float64Array
  /** m³/s, missing days left out. */
  readonly q: Float64Array
}
const flows: Flow[] = CATCHMENTS.map((code) => {
  const path = join(inputs, `${code}.csv`)
  const r = parseSeriesCsv(readFileSync(path, 'utf8'), path, ['q_ls'])
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '))
  const qls = r.value.columns.get('q_ls')!
  const times: number[] = []
  const q: number[] = []
  for (let i = 0; i < qls.length; i++) {
    if (Number.isNaN(qls[i]!)) continue
    times.push(r.value.times[i]!)
    q.push(qls[i]! / 1000)
  }
  return { code, times: Float64Array.from(times), q: Float64Array.from(q) }
})

const stations: Station[] = CATCHMENTS.map((code) => ({
  id: code as StationId,
  name: code,
  river: '',
  lat: 0,
  lon: 0,
  basinId: null,
  catchmentAreaKm2: null,
  datumM: null,
}))
const series: Series[] = []
const observations: Observation[] = []
for (let copy = 0; observations.length < N; copy++) {
  for (const f of flows) {
    const id = `${f.code}.q.${copy}` as SeriesId
    series.push({
      id,
      variable: 'discharge',
      unit: 'm3/s',
      kind: 'observed',
      stationId: f.code as StationId,
      basinId: null,
      stepMs: 86_400_000,
    })
    for (let i = 0; i < f.q.length && observations.length < N; i++)
      observations.push({ seriesId: id, t: f.times[i]! as EpochMs, value: f.q[i]!, quality: 0 })
    if (observations.length >= N) break
  }
}
const batches: Observation[][] = []
for (let i = 0; i < observations.length; i += BATCH) batches.push(observations.slice(i, i + BATCH))
const revisedBatches = batches.map((b) => b.map((o) => ({ ...o, value: o.value * 1.01 })))

// --- the runs --------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'freshet-ingest-'))
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US')

function reference(): number {
  const db = new Database(join(dir, 'reference.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`create table observations (series_id text not null, t bigint not null,
    value double precision not null, quality integer not null, revision integer not null,
    received_at bigint not null, primary key (series_id, t)) without rowid`)
  const insert = db.prepare('insert into observations values (?, ?, ?, ?, 1, ?)')
  const writeBatch = db.transaction((b: Observation[], at: number) => {
    for (const o of b) insert.run(o.seriesId, o.t, o.value, o.quality, at)
  })
  const t0 = performance.now()
  for (let i = 0; i < batches.length; i++) writeBatch(batches[i]!, i)
  const s = (performance.now() - t0) / 1000
  db.close()
  return observations.length / s
}

async function timeBatches(store: Store, bs: readonly Observation[][], at: number) {
  let inserted = 0
  let revised = 0
  let unchanged = 0
  const t0 = performance.now()
  for (let i = 0; i < bs.length; i++) {
    const r = await store.observations.write(bs[i]!, (at + i) as EpochMs)
    inserted += r.inserted
    revised += r.revised
    unchanged += r.unchanged
  }
  const s = (performance.now() - t0) / 1000
  return { perS: observations.length / s, inserted, revised, unchanged }
}

async function freshStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const store = await openStore(url, options)
  await store.stations.upsert(stations)
  await store.series.upsert(series)
  return store
}

const line = (label: string, perS: number, ref: number, counts: string): void =>
  console.log(
    `${label.padEnd(44)} ${fmt(perS).padStart(10)} obs/s  ${((100 * perS) / ref).toFixed(0).padStart(4)} % of reference  ${counts}`,
  )
const counts = (r: { inserted: number; revised: number; unchanged: number }): string =>
  `(inserted ${r.inserted}, revised ${r.revised}, unchanged ${r.unchanged})`

console.log(
  `ingest: ${fmt(observations.length)} observations (q of ${CATCHMENTS.length} catchments in m³/s, ` +
    `${series.length} series), batches of ${fmt(BATCH)}, SQLite ${dir}`,
)
const ref = reference()
console.log(
  `${'sqlite reference: raw prepared INSERT'.padEnd(44)} ${fmt(ref).padStart(10)} obs/s   100 % of reference`,
)

const store = await freshStore(join(dir, 'freshet.db'))
const first = await timeBatches(store, batches, 1_000_000)
line('sqlite freshet: first write', first.perS, ref, counts(first))
const again = await timeBatches(store, batches, 2_000_000)
line('sqlite freshet: same batches again', again.perS, ref, counts(again))
const revised = await timeBatches(store, revisedBatches, 3_000_000)
line('sqlite freshet: every value revised', revised.perS, ref, counts(revised))
await store.close()

const portableStore = await freshStore(join(dir, 'portable.db'), { observationFastPath: false })
const portable = await timeBatches(portableStore, batches, 1_000_000)
line('sqlite freshet, portable writer: first write', portable.perS, ref, counts(portable))
await portableStore.close()

let pgFirst: number | undefined
const pgUrl = process.env['FRESHET_PG_URL']
if (pgUrl !== undefined && pgUrl !== '') {
  const schema = `freshet_bench_${process.pid}_${Date.now()}`
  const pgStore = await freshStore(pgUrl, { schema })
  try {
    const f = await timeBatches(pgStore, batches, 1_000_000)
    line('postgres freshet: first write', f.perS, ref, counts(f))
    const a = await timeBatches(pgStore, batches, 2_000_000)
    line('postgres freshet: same batches again', a.perS, ref, counts(a))
    pgFirst = f.perS
  } finally {
    await pgStore.close()
    const c = new pg.Client({ connectionString: pgUrl })
    await c.connect()
    await c.query(`drop schema ${schema} cascade`)
    await c.end()
  }
} else {
  console.log('postgres: skipped (set FRESHET_PG_URL to measure it)')
}
rmSync(dir, { recursive: true, force: true })

console.log(`ingest_reference_obs_per_s=${Math.round(ref)}`)
console.log(`ingest_resend_obs_per_s=${Math.round(again.perS)}`)
console.log(`ingest_revise_obs_per_s=${Math.round(revised.perS)}`)
if (pgFirst !== undefined) console.log(`ingest_pg_obs_per_s=${Math.round(pgFirst)}`)
console.log(`ingest_obs_per_s=${Math.round(first.perS)}`)
