/**
 * GR4J speed and calibration time, side by side with references measured in the same run.
 *
 * 1. ns per time step of Freshet's GR4J over the whole L0123001 series (10,593 days), against
 *    a plain C implementation of the same equations (bench/yardstick/gr4j.c, `cc -O2`), with
 *    a checksum proving that both computed the same flows.
 * 2. Wall time of one calibration (KGE, then NSE) on 1990–1999 and on the full series, with the
 *    criterion reached, beside airGR's published figures on this machine class.
 *
 * Ends with one `name=value` line per headline figure.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { calibrate } from '../src/hydro/calibrate/calibrate.ts'
import { gr4j } from '../src/hydro/models/gr4j/run.ts'
import { DEFAULT_INITIAL_LEVELS } from '../src/hydro/models/types.ts'
import { readTable } from '../test/support/airgr-reference.ts'

const here = dirname(fileURLToPath(import.meta.url))
const forcingPath = join(here, '..', 'data', 'catchments', 'inputs', 'L0123001.csv')
const table = readTable('inputs/L0123001.csv')
const forcing = { precip: table.columns.get('precip_mm')!, pet: table.columns.get('pet_mm')! }
const qmm = table.columns.get('q_mm')!
const n = forcing.precip.length
const params = Float64Array.of(257.238, 1.012, 88.235, 2.208)
const REPEATS = 300

// --- 1. ns per step -------------------------------------------------------------------------
function tsNsPerStep(): { ns: number; qsum: number } {
  const q = new Float64Array(n)
  let best = Infinity
  let qsum = 0
  for (let batch = 0; batch < 5; batch++) {
    const t0 = process.hrtime.bigint()
    for (let k = 0; k < REPEATS; k++) {
      const st = gr4j.initialState(params, DEFAULT_INITIAL_LEVELS)
      gr4j.simulate(params, forcing, st, 0, n, q, null)
    }
    const ns = Number(process.hrtime.bigint() - t0) / (REPEATS * n)
    best = Math.min(best, ns)
  }
  for (let i = 0; i < n; i++) qsum += q[i]!
  return { ns: best, qsum }
}

function yardstick(): { ns: number; qsum: number } | undefined {
  const outDir = join(here, 'out')
  mkdirSync(outDir, { recursive: true })
  const exe = join(outDir, 'gr4j-yardstick')
  try {
    execFileSync('cc', ['-O2', '-o', exe, join(here, 'yardstick', 'gr4j.c'), '-lm'])
  } catch (e) {
    console.log(`yardstick: cannot compile with cc -O2 (${(e as Error).message.split('\n')[0]})`)
    return undefined
  }
  const out = execFileSync(exe, [forcingPath, String(REPEATS), ...Array.from(params, String)], {
    encoding: 'utf8',
  })
  const get = (k: string): number =>
    Number(/^(\w+)=(.*)$/m.exec(out.split('\n').find((l) => l.startsWith(k + '=')) ?? '')?.[2])
  return { ns: get('ns_per_step'), qsum: get('qsum') }
}

const ts = tsNsPerStep()
const c = yardstick()
console.log(`GR4J over ${n} daily steps (L0123001), best of 5 batches of ${REPEATS} runs`)
console.log(
  `  Freshet (TypeScript, V8)   ${ts.ns.toFixed(1).padStart(7)} ns/step   Σ Qsim = ${ts.qsum}`,
)
if (c !== undefined) {
  console.log(
    `  C yardstick (cc -O2)       ${c.ns.toFixed(1).padStart(7)} ns/step   Σ Qsim = ${c.qsum}`,
  )
  console.log(
    `  ratio Freshet / C          ${(ts.ns / c.ns).toFixed(2).padStart(7)}         same flows: ${Math.abs(ts.qsum - c.qsum) <= 1e-9 * Math.abs(c.qsum) ? 'yes' : 'NO'}`,
  )
}
console.log(`  airGR Fortran core (published for this machine class): ≈ 60 ns/step`)

// --- 2. calibration time ----------------------------------------------------------------------
function dayIndex(date: string): number {
  const i = table.dates.indexOf(date)
  if (i < 0) throw new Error(`no ${date} in the forcing`)
  return i
}

interface CalTiming {
  cold: number
  warm: number
  value: number
  evaluations: number
}

function timeCalibration(
  crit: 'KGE' | 'NSE',
  warmStart: string,
  start: string,
  end: string,
): CalTiming {
  const ws = dayIndex(warmStart)
  const s = dayIndex(start)
  const e = dayIndex(end) + 1
  const obs = qmm.slice(s, e)
  const once = (): { t: number; value: number; evaluations: number } => {
    const t0 = performance.now()
    const r = calibrate(gr4j, forcing, { warmupStart: ws, start: s, end: e }, obs, {
      criterion: crit,
      seed: 1,
    })
    return { t: (performance.now() - t0) / 1000, value: r.value, evaluations: r.evaluations }
  }
  const first = once()
  const times: number[] = []
  for (let k = 0; k < 5; k++) times.push(once().t)
  times.sort((a, b) => a - b)
  return { cold: first.t, warm: times[2]!, value: first.value, evaluations: first.evaluations }
}

const airgr = { KGE: 0.8561214049435202, NSE: 0.7988220697162622 }
console.log('')
console.log(
  'Calibration of GR4J on L0123001 (warm-up: the year before), wall time of one calibration',
)
const short = timeCalibration('KGE', '1989-01-01', '1990-01-01', '1999-12-31')
const shortNse = timeCalibration('NSE', '1989-01-01', '1990-01-01', '1999-12-31')
const full = timeCalibration('KGE', '1984-01-01', '1985-01-01', '2012-12-31')
const row = (name: string, t: CalTiming, ref: string): void =>
  console.log(
    `  ${name.padEnd(26)} ${t.warm.toFixed(3)} s (first call ${t.cold.toFixed(3)} s), ${t.evaluations} runs, criterion ${t.value.toFixed(7)}   ${ref}`,
  )
row('1990–1999, KGE', short, `airGR: 0.165 s, KGE ${airgr.KGE.toFixed(7)}`)
row('1990–1999, NSE', shortNse, `airGR: NSE ${airgr.NSE.toFixed(7)}`)
row('1985–2012, KGE', full, 'airGR: 0.38 s')

console.log('')
console.log(`gr4j_ns_per_step=${ts.ns.toFixed(2)}`)
console.log(`yardstick_ns_per_step=${c !== undefined ? c.ns.toFixed(2) : 'NaN'}`)
console.log(`calibration_1990_1999_s=${short.warm.toFixed(4)}`)
console.log(`calibration_full_s=${full.warm.toFixed(4)}`)
