/**
 * Loads the airGR reference runs kept in `data/catchments/reference/` for parity tests.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseSeriesCsv, type SeriesTable } from '../../src/observe/forcing-csv.ts'

export const DATA_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'data',
  'catchments',
)

/** Reads a CSV under data/catchments (for example `inputs/L0123001.csv`) as a table. */
export function readTable(rel: string): SeriesTable {
  const r = parseSeriesCsv(readFileSync(join(DATA_DIR, rel), 'utf8'), rel)
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '))
  return r.value
}

/** Reads a reference CSV under data/catchments whose second column is the text `period`. */
export function readPeriodCsv(rel: string): SeriesTable {
  const text = readFileSync(join(DATA_DIR, rel), 'utf8')
    .split('\n')
    .map((l) => l.split(',').toSpliced(1, 1).join(','))
    .join('\n')
  const r = parseSeriesCsv(text, rel)
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '))
  return r.value
}

export interface ReferenceRun {
  readonly meta: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly table: SeriesTable
  /** Index (0-based) into the input series of the first warm-up row and the first run row. */
  readonly warmupStart: number
  readonly runStart: number
  readonly runEnd: number
  /** Row range of the run period inside the reference table. */
  readonly runRows: readonly [number, number]
}

/**
 * Reads reference run `id` — a name in `reference/` (for example `gr4j_L0123001_example`) or a
 * path under data/catchments without extension (`reference-fortran/gr5j_L0123001`).
 */
export function readReference(id: string): ReferenceRun {
  const base = id.includes('/') ? id : `reference/${id}`
  const meta = JSON.parse(readFileSync(join(DATA_DIR, `${base}.json`), 'utf8'))
  const table = readPeriodCsv(`${base}.csv`)
  const warmupStart = meta.warmup.start_row_1based - 1
  const runStart = meta.run.start_row_1based - 1
  const runEnd = meta.run.end_row_1based
  return {
    meta,
    table,
    warmupStart,
    runStart,
    runEnd,
    runRows: [runStart - warmupStart, runEnd - warmupStart],
  }
}

/**
 * Largest violation of |a − b| ≤ max(rel·|b|, abs) over two series, as a ratio to the allowed
 * difference (≤ 1 passes), with the index where it happens.
 */
export function worstMismatch(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rel: number,
  abs: number,
): { ratio: number; at: number } {
  let worst = 0
  let at = -1
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (Number.isNaN(y) && Number.isNaN(x)) continue
    const allowed = Math.max(rel * Math.abs(y), abs)
    const ratio = Math.abs(x - y) / allowed
    if (!(ratio <= worst)) {
      worst = Number.isNaN(ratio) ? Infinity : ratio
      at = i
    }
  }
  return { ratio: worst, at }
}

/** A demo basin as the simulation tests use it: its demo model's parameters and its data. */
export interface DemoBasin {
  /** X1–X4 … as in the demo's model-run file. */
  readonly params: Record<string, number>
  /** Catchment area (km²) from the CAMELS-FR basin file. */
  readonly areaKm2: number
  /** The daily forcing and discharge of the CAMELS-FR series. */
  readonly table: SeriesTable
}

/**
 * Reads a demo basin: the parameters of `runFile` (data/demo), the area of `<code>_basin.json`
 * and the series of `inputs/<code>.csv` (data/catchments).
 */
export function readDemoBasin(code: string, runFile: string): DemoBasin {
  const run = JSON.parse(readFileSync(join(DATA_DIR, '..', 'demo', runFile), 'utf8')) as {
    params: Record<string, number>
  }
  const info = JSON.parse(readFileSync(join(DATA_DIR, 'inputs', `${code}_basin.json`), 'utf8')) as {
    area_km2: number
  }
  return { params: run.params, areaKm2: info.area_km2, table: readTable(`inputs/${code}.csv`) }
}
