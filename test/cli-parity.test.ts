/**
 * Every reference run — airGR's own (data/catchments/reference) and those of airGR's Fortran
 * core (data/catchments/reference-fortran) — reproduced through `freshet run --all` from a
 * model-run file, as a user would: every series airGR reports, per-layer snow series included,
 * to 1e-10 relative (1e-12 absolute near zero).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSeriesCsv, type SeriesTable } from '../src/observe/forcing-csv.ts'
import { DATA_DIR, readPeriodCsv, worstMismatch } from './support/airgr-reference.ts'
import { freshet, tempFiles } from './support/cli.ts'

const REL = 1e-10
const ABS = 1e-12

interface RefCase {
  readonly id: string
  readonly sub: string
  readonly meta: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
}

const cases: RefCase[] = []
for (const sub of ['reference', 'reference-fortran']) {
  const dir = join(DATA_DIR, sub)
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    cases.push({
      id: `${sub}/${f.replace(/\.json$/, '')}`,
      sub,
      meta: JSON.parse(readFileSync(join(dir, f), 'utf8')),
    })
  }
}

function specOf(c: RefCase): Record<string, unknown> {
  const m = c.meta
  const catchment = m.catchment as string
  const spec: Record<string, unknown> = {
    model: m.model,
    forcing: join(DATA_DIR, m.input_csv),
    basin: join(DATA_DIR, 'inputs', `${catchment}_basin.json`),
    params: m.calibration?.param_final ?? m.param,
    warmup: { start: m.warmup.start_date, end: m.warmup.end_date },
    run: { start: m.run.start_date, end: m.run.end_date },
  }
  if (m.Imax !== undefined && m.Imax !== null) spec.interception = { imaxMm: m.Imax }
  if (String(m.model).startsWith('CemaNeige')) {
    spec.snow = { layers: m.cemaneige_setup.NLayers, hysteresis: 'CNX3' in m.param }
  }
  return spec
}

describe.each(cases)('freshet run --all reproduces $id', (c) => {
  it('on every series the reference reports', () => {
    const dir = tempFiles({ 'spec.json': specOf(c) })
    const out = join(dir, 'out.csv')
    const r = freshet(['run', join(dir, 'spec.json'), '--all', '--out', out])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const parsed = parseSeriesCsv(readFileSync(out, 'utf8'), 'out.csv')
    if (!parsed.ok) throw new Error('unreadable output')
    const got = parsed.value
    const rows = c.meta.run.n as number
    expect(got.dates.length).toBe(rows)
    expect(got.dates[0]).toBe(c.meta.run.start_date)
    const warm = c.meta.warmup.n as number
    const refs: SeriesTable[] = [readPeriodCsv(`${c.sub}/${c.meta.csv as string}`)]
    if (c.meta.layers_csv !== undefined)
      refs.push(readPeriodCsv(`${c.sub}/${c.meta.layers_csv as string}`))
    let compared = 0
    for (const ref of refs) {
      for (const [name, values] of ref.columns) {
        if (name === 'Qobs' || /_in_/.test(name)) continue
        const mine = got.columns.get(name)
        expect(mine, `${name} missing from freshet's output`).toBeDefined()
        const expected = values.subarray(warm, warm + rows)
        const m = worstMismatch(mine!, expected, REL, ABS)
        expect(
          m.ratio,
          `${name} at ${got.dates[m.at]}: ${mine![m.at]} vs ${expected[m.at]}`,
        ).toBeLessThanOrEqual(1)
        compared++
      }
    }
    expect(compared).toBeGreaterThanOrEqual(15)
    // The criteria printed are airGR's where the reference gives them.
    const crit = JSON.parse(r.stdout)
    const ref = c.meta.criteria_run_period
    if (ref !== undefined) {
      for (const k of ['NSE', 'KGE', 'KGE2', 'RMSE'] as const) {
        expect(Math.abs(crit[k] - ref[k]), k).toBeLessThanOrEqual(REL * Math.abs(ref[k]))
      }
    }
  })
})

it('has reference runs to check', () => {
  expect(cases.length).toBeGreaterThanOrEqual(10)
  expect(existsSync(join(DATA_DIR, 'reference-fortran'))).toBe(true)
})
