import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyseFloodFrequency } from '../src/hydro/frequency/analysis.ts'
import { annualMaxima } from '../src/hydro/frequency/annual-maxima.ts'
import { returnPeriod } from '../src/hydro/frequency/distributions.ts'
import { FREQUENCY_METHODS } from '../src/hydro/frequency/fit.ts'
import { parseSeriesCsv } from '../src/observe/forcing-csv.ts'
import { DATA_DIR } from './support/airgr-reference.ts'
import { freshet, tempFiles } from './support/cli.ts'

const inputs = join(DATA_DIR, 'inputs')
const SEINE = join(inputs, 'H010002001.csv') // La Seine à Plaines-Saint-Lange, 686 km²
const AUBE = join(inputs, 'H120101001.csv') // L'Aube à Bar-sur-Aube, 1298 km²
const LOING = join(inputs, 'F439000101.csv') // Le Loing à Épisy, 3917 km²

interface Report {
  years: {
    used: { year: number; max: number; at: string; coverage: number }[]
    skipped: { year: number; coverage: number }[]
  }
  method: string
  distribution: { kind: string; location: number; scale: number; shape?: number }
  largest: { year: number; value: number; at: string; returnPeriodYears: number }
  bootstrap: { resamples: number; level: number; seed: number; failed: number } | null
  returnLevels: {
    name: string
    returnPeriodYears: number
    value: number
    ciLow: number | null
    ciHigh: number | null
  }[]
}

function report(args: readonly string[]): Report {
  const r = freshet(['thresholds', ...args, '--json'])
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  return JSON.parse(r.stdout) as Report
}

/** Annual maxima by the year prefix of the date strings: an independent route. */
function maximaByDatePrefix(file: string, column: string): Map<number, number> {
  const lines = readFileSync(file, 'utf8').trim().split('\n')
  const header = lines[0]!.split(',')
  const c = header.indexOf(column)
  const out = new Map<number, number>()
  for (const line of lines.slice(1)) {
    const f = line.split(',')
    if (f[c] === '') continue
    const y = Number(f[0]!.slice(0, 4))
    out.set(y, Math.max(out.get(y) ?? -Infinity, Number(f[c])))
  }
  return out
}

describe('freshet thresholds on three gauged basins, 1999–2018, in m³/s', () => {
  const basins = [
    ['Seine at Plaines-Saint-Lange', SEINE],
    ['Aube at Bar-sur-Aube', AUBE],
    ['Loing at Épisy', LOING],
  ] as const

  it.each(basins)('%s: 20 years, sensible and rising return levels', (_name, file) => {
    const r = report([file, '--column', 'q_ls', '--unit-scale', '0.001'])
    expect(r.years.used.map((y) => y.year)).toEqual(Array.from({ length: 20 }, (_, i) => 1999 + i))
    expect(r.years.skipped).toEqual([])
    const byPrefix = maximaByDatePrefix(file, 'q_ls')
    for (const y of r.years.used) expect(y.max).toBeCloseTo(byPrefix.get(y.year)! / 1000, 9)
    const maxima = r.years.used.map((y) => y.max).sort((a, b) => a - b)
    expect(r.returnLevels.map((l) => l.name)).toEqual([
      'Q1.5',
      'Q2',
      'Q5',
      'Q10',
      'Q20',
      'Q50',
      'Q100',
    ])
    const q = (t: number) => r.returnLevels.find((l) => l.returnPeriodYears === t)!
    // The median annual flood lies between the sample's quartiles, Q100 above the median flood.
    expect(q(2).value).toBeGreaterThan(maxima[4]!)
    expect(q(2).value).toBeLessThan(maxima[15]!)
    expect(q(100).value).toBeGreaterThan(maxima[10]!)
    for (let i = 0; i < r.returnLevels.length; i++) {
      const l = r.returnLevels[i]!
      expect(l.ciLow!).toBeLessThanOrEqual(l.value)
      expect(l.ciHigh!).toBeGreaterThanOrEqual(l.value)
      if (i > 0) expect(l.value).toBeGreaterThan(r.returnLevels[i - 1]!.value)
    }
    expect(r.bootstrap).toMatchObject({ resamples: 1000, level: 0.9, seed: 1, failed: 0 })
  })

  it("makes the Loing's 2016 flood, 447 m³/s at Épisy on 2016-06-02, a rare event", () => {
    for (const method of FREQUENCY_METHODS) {
      const r = report([LOING, '--unit-scale', '0.001', '--method', method, '--resamples', '0'])
      expect(r.largest).toMatchObject({ year: 2016, value: 447, at: '2016-06-02' })
      expect(r.largest.returnPeriodYears, method).toBeGreaterThan(50)
      expect(r.returnLevels.find((l) => l.returnPeriodYears === 20)!.value).toBeLessThan(447)
    }
  })

  it('agrees with the library called directly, and scales with the unit of the column', () => {
    const parsed = parseSeriesCsv(readFileSync(AUBE, 'utf8'), AUBE)
    if (!parsed.ok) throw new Error('unreadable')
    const t = parsed.value
    const qls = t.columns.get('q_ls')!.map((v) => v / 1000)
    const years = annualMaxima(t.times, qls, t.stepMs)
    const a = analyseFloodFrequency(years.values, { method: 'gumbel-lmom', periods: [10] })
    if (!a.ok) throw new Error('no fit')
    const cli = report([
      AUBE,
      '--unit-scale',
      '0.001',
      '--method',
      'gumbel-lmom',
      '--periods',
      '10',
    ])
    expect(cli.returnLevels[0]!.value).toBeCloseTo(a.value.returnLevels[0]!.value, 9)
    // q_mm is q_ls over the area (per day): L-moment fits carry the factor through, up to the
    // rounding of q_mm to 0.001 mm in the file.
    const mm = report([AUBE, '--column', 'q_mm', '--method', 'gumbel-lmom', '--periods', '10'])
    const area = 1297.80004882812e6 // m², from H120101001_basin.json
    const asMmPerDay = (m3s: number) => (m3s * 86_400 * 1000) / area
    expect(mm.returnLevels[0]!.value / asMmPerDay(cli.returnLevels[0]!.value)).toBeCloseTo(1, 3)
    expect(returnPeriod(a.value.distribution, a.value.returnLevels[0]!.value)).toBeCloseTo(10, 9)
  })

  it('cuts hydrological years from September, skipping the partial first and last', () => {
    const r = report([
      LOING,
      '--unit-scale',
      '0.001',
      '--hydro-year-start',
      '9',
      '--resamples',
      '0',
    ])
    expect(r.years.used.map((y) => y.year)).toEqual(Array.from({ length: 19 }, (_, i) => 1999 + i))
    expect(r.years.skipped.map((y) => y.year)).toEqual([1998, 2018])
    expect(r.years.used.find((y) => y.year === 2015)).toMatchObject({ max: 447, at: '2016-06-02' })
  })

  it('prints a table, the same for the same seed and other intervals for another', () => {
    const args = ['thresholds', SEINE, '--unit-scale', '0.001', '--resamples', '200']
    const a = freshet([...args, '--seed', '5'])
    expect(a.status).toBe(0)
    expect(a.stderr).toBe('')
    expect(a.stdout).toMatch(/years used: 20 \(1999–2018\)/)
    expect(a.stdout).toMatch(/method: gev-lmom, GEV by L-moments/)
    expect(a.stdout).toMatch(/shape k -?\d/)
    expect(a.stdout).toMatch(/90 %, percentile, parametric bootstrap, 200 resamples, seed 5/)
    expect(a.stdout).toMatch(/^T \(years\)\s+level\s+90 % CI low\s+90 % CI high$/m)
    for (const t of ['1.5', '2', '5', '10', '20', '50', '100'])
      expect(a.stdout).toMatch(new RegExp(`^\\s+${t.replace('.', '\\.')}\\s+\\d+\\.\\d\\s+`, 'm'))
    expect(freshet([...args, '--seed', '5']).stdout).toBe(a.stdout)
    expect(freshet([...args, '--seed', '6']).stdout).not.toBe(a.stdout)
  })

  it('gives no interval with --resamples 0, and takes other periods and a 50 % level', () => {
    const r = report([AUBE, '--unit-scale', '0.001', '--periods', '3,1000', '--resamples', '0'])
    expect(r.bootstrap).toBeNull()
    expect(r.returnLevels.map((l) => [l.name, l.ciLow, l.ciHigh])).toEqual([
      ['Q3', null, null],
      ['Q1000', null, null],
    ])
    const c = report([
      AUBE,
      '--unit-scale',
      '0.001',
      '--ci',
      '0.5',
      '--resampling',
      'nonparametric',
    ])
    expect(c.bootstrap).toMatchObject({ level: 0.5, resampling: 'nonparametric' })
  })
})

describe('freshet thresholds on bad input: one line on standard error, status 2', () => {
  const fewYears =
    'date,q\n' +
    Array.from({ length: 3 * 365 }, (_, i) => {
      const d = new Date(Date.UTC(2001, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)
      return `${d},${(i * 7919) % 101}`
    }).join('\n') +
    '\n'
  const constant =
    'date,q\n' +
    Array.from({ length: 12 * 365 + 3 }, (_, i) => {
      const d = new Date(Date.UTC(2001, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)
      return `${d},4`
    }).join('\n') +
    '\n'
  const cases: [string, string[], RegExp][] = [
    ['missing column', [LOING, '--column', 'q_m3s'], /missing column "q_m3s" \(columns: .*q_ls/],
    [
      'unknown method',
      [LOING, '--method', 'gev-ml'],
      /--method must be one of gev-lmom, gumbel-lmom, gumbel-ml, got "gev-ml"/,
    ],
    [
      'too few years',
      ['@few.csv', '--column', 'q'],
      /need at least 10 annual maxima, got 3 \(column q: 3 years with ≥ 80 %/,
    ],
    ['constant series', ['@constant.csv', '--column', 'q'], /all equal \(4\)/],
    ['bad period', [LOING, '--periods', '2,x,10'], /--periods must be return periods in years > 1/],
    ['period of one year', [LOING, '--periods', '1,10'], /--periods must be/],
    ['empty periods', [LOING, '--periods', ''], /--periods must be/],
    ['bad level', [LOING, '--ci', '90'], /--ci must be in \(0, 1\), e.g\. 0\.9, got "90"/],
    ['too few resamples', [LOING, '--resamples', '5'], /--resamples must be an integer ≥ 10/],
    ['non-integer seed', [LOING, '--seed', 'abc'], /--seed must be an integer, got "abc"/],
    [
      'bad month',
      [LOING, '--hydro-year-start', '0'],
      /--hydro-year-start must be a month from 1 to 12/,
    ],
    ['bad scale', [LOING, '--unit-scale', '0'], /--unit-scale must be a number > 0/],
    [
      'bad coverage',
      [LOING, '--min-coverage', '2'],
      /--min-coverage must be a fraction in \(0, 1\]/,
    ],
    [
      'bad resampling',
      [LOING, '--resampling', 'jackknife'],
      /--resampling must be parametric or nonparametric/,
    ],
    [
      'more years than there are',
      [LOING, '--min-years', '25'],
      /need at least 25 annual maxima, got 20/,
    ],
    ['missing file', ['nowhere.csv'], /cannot read nowhere\.csv: ENOENT/],
    ['non-numeric value', ['@bad.csv', '--column', 'q'], /bad\.csv:3\.q: not a number: "high"/],
  ]

  it.each(cases)('%s', (_name, args, message) => {
    const dir = tempFiles({
      'few.csv': fewYears,
      'constant.csv': constant,
      'bad.csv': 'date,q\n2001-01-01,1\n2001-01-02,high\n',
    })
    const r = freshet([
      'thresholds',
      ...args.map((a) => (a.startsWith('@') ? join(dir, a.slice(1)) : a)),
    ])
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(r.status).toBe(2)
  })

  it('is listed among the commands', () => {
    const r = freshet(['--help'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^\s+thresholds\b/m)
  })
})
