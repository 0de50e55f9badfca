import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSeriesCsv } from '../src/observe/forcing-csv.ts'
import { DATA_DIR, readReference, worstMismatch } from './support/airgr-reference.ts'
import { freshet, tempDir, tempFiles } from './support/cli.ts'

const inputs = join(DATA_DIR, 'inputs')

function gr4jSpec(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'GR4J',
    forcing: join(inputs, 'L0123001.csv'),
    basin: join(inputs, 'L0123001_basin.json'),
    params: { X1: 257.238, X2: 1.012, X3: 88.235, X4: 2.208 },
    warmup: { start: '1989-01-01', end: '1989-12-31' },
    run: { start: '1990-01-01', end: '1999-12-31' },
    ...extra,
  }
}

describe('freshet run', () => {
  it('reproduces the airGR reference run with every internal series, and prints its criteria', () => {
    const dir = tempFiles({ 'spec.json': gr4jSpec() })
    const out = join(dir, 'out.csv')
    const r = freshet(['run', join(dir, 'spec.json'), '--out', out, '--all'])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const ref = readReference('gr4j_L0123001_example')
    const crit = JSON.parse(r.stdout)
    for (const k of ['NSE', 'KGE', 'KGE2', 'RMSE'] as const) {
      expect(Math.abs(crit[k] - ref.meta.criteria_run_period[k])).toBeLessThanOrEqual(
        1e-10 * Math.abs(ref.meta.criteria_run_period[k]),
      )
    }
    expect(crit.n).toBe(3595)
    const parsed = parseSeriesCsv(readFileSync(out, 'utf8'), 'out.csv')
    if (!parsed.ok) throw new Error('unreadable output')
    const table = parsed.value
    expect(table.dates[0]).toBe('1990-01-01')
    expect(table.dates.length).toBe(3652)
    for (const name of ref.meta.csv_columns.slice(2, -1) as string[]) {
      const got = table.columns.get(name)
      expect(got, name).toBeDefined()
      const m = worstMismatch(
        got!,
        ref.table.columns.get(name)!.subarray(...ref.runRows),
        1e-10,
        1e-12,
      )
      expect(m.ratio, name).toBeLessThanOrEqual(1)
    }
  })

  it('writes date,Qsim to standard output without --out', () => {
    const dir = tempFiles({
      'spec.json': gr4jSpec({ warmup: undefined, run: { start: '1990-01-01', end: '1990-01-03' } }),
    })
    const r = freshet(['run', join(dir, 'spec.json')])
    expect(r.status).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toBe('date,Qsim')
    expect(lines.length).toBe(4)
    expect(lines[1]).toMatch(/^1990-01-01,\d+\.\d+$/)
  })

  it('resolves paths relative to the model-run file', () => {
    const r = freshet(['run', 'data/demo/blue-river-gr4j.json'], tempDir())
    expect(r.status).toBe(2) // relative to the cwd, the demo file does not exist there
    const ok = freshet(['run', join(DATA_DIR, '..', 'demo', 'blue-river-gr4j.json')], tempDir())
    expect(ok.status).toBe(0)
    expect(ok.stdout.split('\n').length).toBe(3654)
  })
})

describe('freshet run and calibrate on bad input: one line on standard error, status 2', () => {
  const csvHead = 'date,precip_mm,pet_mm,q_mm\n'
  const cases: [string, Record<string, string | object>, RegExp][] = [
    ['unknown model', { 's.json': gr4jSpec({ model: 'GR9Z' }) }, /unknown model "GR9Z"/],
    [
      'missing column',
      {
        's.json': gr4jSpec({
          forcing: 'f.csv',
          warmup: undefined,
          run: { start: '2000-01-01', end: '2000-01-02' },
        }),
        'f.csv': 'date,precip_mm,q_mm\n2000-01-01,1,1\n2000-01-02,1,1\n',
      },
      /missing column "pet_mm"/,
    ],
    [
      'run period outside the data',
      { 's.json': gr4jSpec({ run: { start: '1990-01-01', end: '2030-12-31' } }) },
      /lies outside the forcing data \(1984-01-01\.\.2012-12-31\)/,
    ],
    [
      'non-numeric value',
      {
        's.json': gr4jSpec({
          forcing: 'f.csv',
          warmup: undefined,
          run: { start: '2000-01-01', end: '2000-01-02' },
        }),
        'f.csv': csvHead + '2000-01-01,1,abc,1\n2000-01-02,1,1,1\n',
      },
      /f\.csv:2\.pet_mm: not a number: "abc"/,
    ],
    [
      'parameter outside its domain',
      { 's.json': gr4jSpec({ params: { X1: -5, X2: 1, X3: 88, X4: 2 } }) },
      /X1: production store capacity must be > 0 mm/,
    ],
    [
      'missing parameter',
      { 's.json': gr4jSpec({ params: { X1: 250, X2: 1, X3: 88 } }) },
      /params\.X4: missing/,
    ],
    [
      'unknown parameter',
      { 's.json': gr4jSpec({ params: { X1: 250, X2: 1, X3: 88, X4: 2, X9: 1 } }) },
      /params\.X9: not a parameter of GR4J/,
    ],
    [
      'parameter given as text',
      { 's.json': gr4jSpec({ params: { X1: '250', X2: 1, X3: 88, X4: 2 } }) },
      /params\.X1/,
    ],
    ['malformed JSON', { 's.json': '{"model": "GR4J",' }, /not valid JSON/],
    [
      'missing forcing file',
      { 's.json': gr4jSpec({ forcing: 'nowhere.csv' }) },
      /cannot read the forcing file .*nowhere\.csv: ENOENT/,
    ],
  ]

  it.each(cases)('%s', (_name, files, message) => {
    const dir = tempFiles(files)
    const r = freshet(['run', join(dir, 's.json')])
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('rejects an unknown criterion for calibration', () => {
    const dir = tempFiles({ 's.json': gr4jSpec() })
    const r = freshet(['calibrate', join(dir, 's.json'), '--criterion', 'R2'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--criterion must be KGE, NSE or KGE2/)
  })

  it('lists its commands', () => {
    const r = freshet(['--help'])
    expect(r.status).toBe(0)
    for (const c of ['run', 'calibrate', 'demo'])
      expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'))
  })
})

describe('freshet calibrate', () => {
  it("reaches at least airGR's KGE on the shipped calibration and writes parameters that run", () => {
    const dir = tempFiles({ 's.json': gr4jSpec({ params: undefined }) })
    const out = join(dir, 'params.json')
    const r = freshet([
      'calibrate',
      join(dir, 's.json'),
      '--criterion',
      'KGE',
      '--out',
      out,
      '--seed',
      '7',
    ])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const res = JSON.parse(r.stdout)
    expect(res.criterion).toBe('KGE')
    expect(res.value).toBeGreaterThanOrEqual(0.8561214049435202)
    expect(res.evaluations).toBeGreaterThan(81)
    expect(Object.keys(res.params)).toEqual(['X1', 'X2', 'X3', 'X4'])
    const params = JSON.parse(readFileSync(out, 'utf8'))
    expect(params).toEqual(res.params)
    // The written parameters, run again, give the criterion the calibration reported.
    const dir2 = tempFiles({ 's.json': gr4jSpec({ params }) })
    const run = freshet(['run', join(dir2, 's.json'), '--out', join(dir2, 'q.csv')])
    expect(run.status).toBe(0)
    expect(Math.abs(JSON.parse(run.stdout).KGE - res.value)).toBeLessThanOrEqual(1e-12)
  })
})
