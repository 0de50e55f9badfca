import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { InputError } from '../../core/errors.ts'
import { formatIssue, type Issue } from '../../core/result.ts'
import type { FrequencyAnalysis } from '../../hydro/frequency/analysis.ts'
import {
  DEFAULT_MIN_YEARS,
  STANDARD_RETURN_PERIODS,
  analyseFloodFrequency,
} from '../../hydro/frequency/analysis.ts'
import type { AnnualMaxima } from '../../hydro/frequency/annual-maxima.ts'
import { DEFAULT_MIN_COVERAGE, annualMaxima } from '../../hydro/frequency/annual-maxima.ts'
import { returnPeriod } from '../../hydro/frequency/distributions.ts'
import { FREQUENCY_METHODS, isFrequencyMethod } from '../../hydro/frequency/fit.ts'
import { gringortenReturnPeriods } from '../../hydro/frequency/goodness-of-fit.ts'
import { parseSeriesCsv } from '../../observe/forcing-csv.ts'
import { guard } from '../errors.ts'

interface ThresholdsOptions {
  column: string
  unitScale: string
  method: string
  periods: string
  ci: string
  resamples: string
  resampling: string
  seed: string
  hydroYearStart: string
  minCoverage: string
  minYears: string
  json?: boolean
}

const METHOD_TITLES = {
  'gev-lmom': 'GEV by L-moments (Hosking 1990; Hosking & Wallis 1997)',
  'gumbel-lmom': 'Gumbel by L-moments (Hosking 1990)',
  'gumbel-ml': 'Gumbel by maximum likelihood',
} as const

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

/** A number option: finite, trimmed, and passing `valid`, or an InputError naming it. */
function numberOption(
  name: string,
  raw: string,
  valid: (x: number) => boolean,
  expected: string,
): number {
  const x = raw.trim() === '' ? NaN : Number(raw)
  if (!Number.isFinite(x) || !valid(x))
    throw new InputError(`--${name} must be ${expected}, got "${raw}"`)
  return x
}

function periodsOption(raw: string): number[] {
  const parts = raw.split(',')
  const out: number[] = []
  for (const p of parts) {
    const t = p.trim() === '' ? NaN : Number(p)
    if (!(t > 1) || !Number.isFinite(t))
      throw new InputError(
        `--periods must be return periods in years > 1, separated by commas, got "${raw}"`,
      )
    out.push(t)
  }
  return out
}

/** Four significant figures, or no decimals from 1000 up; n/a and ∞ for what is not finite. */
function fmt(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : x > 0 ? '∞' : '−∞'
  if (Math.abs(x) >= 1000) return x.toFixed(0)
  return String(Number(x.toPrecision(4)))
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** "1999–2003, 2005, 2007–2018" from an ascending list of years. */
function yearRuns(years: readonly number[]): string {
  const runs: string[] = []
  for (let i = 0; i < years.length;) {
    let j = i
    while (j + 1 < years.length && years[j + 1] === years[j]! + 1) j++
    runs.push(i === j ? `${years[i]}` : `${years[i]}–${years[j]}`)
    i = j + 1
  }
  return runs.length === 0 ? 'none' : runs.join(', ')
}

/** JSON with non-finite numbers written as null. */
const json = (x: unknown): string =>
  JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))

/**
 * `freshet thresholds FILE.csv`: flood-frequency analysis of the annual maxima of one column of
 * a series file (daily or hourly, as read by `parseSeriesCsv`). Prints a table or, with
 * `--json`, the years used and skipped, the fit, and a return level with its interval for each
 * return period, shaped like fitted thresholds (`name`, `returnPeriodYears`, `value`, `ciLow`,
 * `ciHigh`, all in the series' unit times `--unit-scale`).
 */
export function registerThresholds(program: Command): void {
  program
    .command('thresholds')
    .description('flood-frequency analysis: return levels of the annual maxima of a series')
    .argument('<file>', 'CSV with a date column (daily or hourly steps) and the series')
    .option('--column <name>', 'the column to analyse', 'q_ls')
    .option('--unit-scale <factor>', 'multiply the values by this (0.001: L/s to m³/s)', '1')
    .option('--method <name>', `fitting method: ${FREQUENCY_METHODS.join(', ')}`, 'gev-lmom')
    .option(
      '--periods <years>',
      'return periods in years, comma-separated',
      STANDARD_RETURN_PERIODS.join(','),
    )
    .option('--ci <level>', 'confidence level of the intervals, in (0, 1)', '0.9')
    .option('--resamples <n>', 'bootstrap resamples, ≥ 10 (0: no intervals)', '1000')
    .option('--resampling <kind>', 'bootstrap: parametric or nonparametric', 'parametric')
    .option('--seed <n>', 'seed of the bootstrap (same seed, same intervals)', '1')
    .option('--hydro-year-start <month>', 'first month of the year, 1–12 (1: calendar year)', '1')
    .option(
      '--min-coverage <fraction>',
      'share of a year’s steps that must hold a value for the year to count',
      String(DEFAULT_MIN_COVERAGE),
    )
    .option('--min-years <n>', 'fewest annual maxima accepted', String(DEFAULT_MIN_YEARS))
    .option('--json', 'print JSON instead of a table')
    .action((file: string, opts: ThresholdsOptions) =>
      guard(() => {
        const method = opts.method
        if (!isFrequencyMethod(method))
          throw new InputError(
            `--method must be one of ${FREQUENCY_METHODS.join(', ')}, got "${method}"`,
          )
        const scale = numberOption('unit-scale', opts.unitScale, (x) => x > 0, 'a number > 0')
        const periods = periodsOption(opts.periods)
        const resamples = numberOption(
          'resamples',
          opts.resamples,
          (x) => Number.isInteger(x) && (x === 0 || x >= 10),
          'an integer ≥ 10, or 0 for no intervals',
        )
        const level = numberOption('ci', opts.ci, (x) => x > 0 && x < 1, 'in (0, 1), e.g. 0.9')
        const seed = numberOption('seed', opts.seed, Number.isInteger, 'an integer')
        const resampling = opts.resampling
        if (resampling !== 'parametric' && resampling !== 'nonparametric')
          throw new InputError(
            `--resampling must be parametric or nonparametric, got "${resampling}"`,
          )
        const month = numberOption(
          'hydro-year-start',
          opts.hydroYearStart,
          (x) => Number.isInteger(x) && x >= 1 && x <= 12,
          'a month from 1 to 12',
        )
        const minCoverage = numberOption(
          'min-coverage',
          opts.minCoverage,
          (x) => x > 0 && x <= 1,
          'a fraction in (0, 1]',
        )
        const minYears = numberOption(
          'min-years',
          opts.minYears,
          (x) => Number.isInteger(x) && x >= 2,
          'an integer ≥ 2',
        )

        let text: string
        try {
          text = readFileSync(file, 'utf8')
        } catch (e) {
          throw new InputError(
            `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
          )
        }
        const parsed = parseSeriesCsv(text, file)
        // The reader's issues name the file and line already.
        if (!parsed.ok) throw new InputError(parsed.issues.map(formatIssue).join('; '))
        const table = parsed.value
        const raw = table.columns.get(opts.column)
        if (raw === undefined) {
          const names = [...table.columns.keys()].join(', ')
          throw new InputError(`${file}: missing column "${opts.column}" (columns: ${names})`)
        }
        if (!(table.stepMs > 0)) throw new InputError(`${file}: needs at least two rows of data`)
        const values = new Float64Array(raw.length)
        for (let i = 0; i < raw.length; i++) values[i] = raw[i]! * scale

        const years = annualMaxima(table.times, values, table.stepMs, {
          yearStartMonth: month,
          minCoverage,
        })
        const analysis = analyseFloodFrequency(years.values, {
          method,
          periods,
          minYears,
          bootstrap: resamples === 0 ? null : { resamples, level, seed, resampling },
        })
        if (!analysis.ok) {
          const pct = Math.round(minCoverage * 100)
          throw issuesError(
            file,
            analysis.issues,
            ` (column ${opts.column}: ${years.used.length} years with ≥ ${pct} % of their ` +
              `steps present, ${years.skipped.length} skipped)`,
          )
        }
        const report = buildReport(file, opts.column, scale, table.dates, years, analysis.value)
        process.stdout.write(opts.json === true ? json(report) + '\n' : renderTable(report))
      }),
    )
}

function issuesError(file: string, issues: readonly Issue[], suffix = ''): InputError {
  return new InputError(`${file}: ${issues.map(formatIssue).join('; ')}${suffix}`)
}

interface Report {
  readonly file: string
  readonly column: string
  readonly unitScale: number
  readonly years: {
    readonly yearStartMonth: number
    readonly minCoverage: number
    readonly used: readonly {
      year: number
      start: string
      max: number
      at: string
      coverage: number
    }[]
    readonly skipped: readonly { year: number; start: string; coverage: number }[]
  }
  readonly method: FrequencyAnalysis['method']
  readonly distribution: {
    kind: 'gumbel' | 'gev'
    location: number
    scale: number
    /** Hosking's k, and ξ = −k in the sign of Coles (2001); GEV only. */
    shape?: number
    shapeXi?: number
  }
  readonly lmoments: FrequencyAnalysis['lmoments']
  readonly goodnessOfFit: FrequencyAnalysis['goodnessOfFit']
  readonly largest: {
    year: number
    value: number
    at: string
    returnPeriodYears: number
    gringortenYears: number
  }
  readonly bootstrap: FrequencyAnalysis['bootstrap']
  readonly returnLevels: readonly {
    name: string
    returnPeriodYears: number
    value: number
    ciLow: number | null
    ciHigh: number | null
  }[]
  readonly reason: string
}

function buildReport(
  file: string,
  column: string,
  unitScale: number,
  dates: readonly string[],
  years: AnnualMaxima,
  a: FrequencyAnalysis,
): Report {
  const d = a.distribution
  const distribution: Report['distribution'] =
    d.kind === 'gev'
      ? { kind: d.kind, location: d.location, scale: d.scale, shape: d.shape, shapeXi: -d.shape }
      : { kind: d.kind, location: d.location, scale: d.scale }
  const empirical = gringortenReturnPeriods(years.values)
  let top = 0
  for (let i = 1; i < years.used.length; i++)
    if (years.used[i]!.value > years.used[top]!.value) top = i
  const big = years.used[top]!
  const usedYears = yearRuns(years.used.map((y) => y.year))
  const b = a.bootstrap
  const ci =
    b === null
      ? 'no interval'
      : `${Math.round(b.level * 100)} % ${b.resampling} bootstrap ` +
        `(${b.resamples} resamples, seed ${b.seed})`
  return {
    file,
    column,
    unitScale,
    years: {
      yearStartMonth: years.yearStartMonth,
      minCoverage: years.minCoverage,
      used: years.used.map((y) => ({
        year: y.year,
        start: isoDay(y.start),
        max: y.value,
        at: dates[y.index]!,
        coverage: y.coverage,
      })),
      skipped: years.skipped.map((y) => ({
        year: y.year,
        start: isoDay(y.start),
        coverage: y.coverage,
      })),
    },
    method: a.method,
    distribution,
    lmoments: a.lmoments,
    goodnessOfFit: a.goodnessOfFit,
    largest: {
      year: big.year,
      value: big.value,
      at: dates[big.index]!,
      returnPeriodYears: returnPeriod(d, big.value),
      gringortenYears: empirical[top]!,
    },
    bootstrap: b,
    returnLevels: a.returnLevels.map((r) => ({
      name: `Q${r.returnPeriodYears}`,
      returnPeriodYears: r.returnPeriodYears,
      value: r.value,
      ciLow: r.ciLow,
      ciHigh: r.ciHigh,
    })),
    reason: `${a.method} on ${a.n} annual maxima (${usedYears}) of ${column}; ${ci}`,
  }
}

function renderTable(r: Report): string {
  const lines: string[] = []
  const scale = r.unitScale === 1 ? '' : ` × ${r.unitScale}`
  const m = r.years.yearStartMonth
  const yearKind =
    m === 1 ? 'calendar years' : `hydrological years from ${MONTHS[m - 1]} (labelled by start)`
  const pct = Math.round(r.years.minCoverage * 100)
  lines.push(`${r.file}: ${r.column}${scale}, annual maxima by ${yearKind}`)
  lines.push(
    `years used: ${r.years.used.length} (${yearRuns(r.years.used.map((y) => y.year))}), ` +
      `each with ≥ ${pct} % of its steps present`,
  )
  if (r.years.skipped.length > 0) {
    const list = r.years.skipped.map((y) => `${y.year} (${Math.round(y.coverage * 100)} %)`)
    lines.push(`years skipped: ${r.years.skipped.length}: ${list.join(', ')}`)
  } else {
    lines.push('years skipped: none')
  }
  const d = r.distribution
  lines.push(`method: ${r.method}, ${METHOD_TITLES[r.method]}`)
  const params =
    `location ${fmt(d.location)}, scale ${fmt(d.scale)}` +
    (d.shape !== undefined && d.shapeXi !== undefined
      ? `, shape k ${fmt(d.shape)} (Hosking's sign; ξ = −k = ${fmt(d.shapeXi)})`
      : '')
  lines.push(`parameters: ${params}`)
  const lm = r.lmoments
  const g = r.goodnessOfFit
  lines.push(
    `sample L-moments: l1 ${fmt(lm.l1)}, l2 ${fmt(lm.l2)}, t3 ${fmt(lm.t3)}, t4 ${fmt(lm.t4)}; ` +
      `fitted t3 ${fmt(g.t3Model)}, t4 ${fmt(g.t4Model)}`,
  )
  lines.push(
    `goodness of fit: Kolmogorov–Smirnov D ${fmt(g.ks)}, ` +
      `Anderson–Darling A² ${fmt(g.andersonDarling)}`,
  )
  const top = r.largest
  lines.push(
    `largest annual maximum: ${fmt(top.value)} on ${top.at}, return period ` +
      `${fmt(top.returnPeriodYears)} years fitted, ` +
      `${fmt(top.gringortenYears)} by plotting position`,
  )
  const b = r.bootstrap
  lines.push(
    b === null
      ? 'confidence intervals: none'
      : `confidence intervals: ${Math.round(b.level * 100)} %, percentile, ${b.resampling} ` +
          `bootstrap, ${b.resamples} resamples, seed ${b.seed}` +
          (b.failed > 0 ? `, ${b.failed} failed fits left out` : ''),
  )
  lines.push('')
  const ciHead = b === null ? '' : `${Math.round(b.level * 100)} % `
  const head = ['T (years)', 'level', `${ciHead}CI low`, `${ciHead}CI high`]
  // One number of decimals for the whole table: about four significant figures on its largest.
  let big = 0
  for (const l of r.returnLevels) big = Math.max(big, Math.abs(l.value), Math.abs(l.ciHigh ?? 0))
  const decimals = big > 0 ? Math.min(6, Math.max(0, 3 - Math.floor(Math.log10(big)))) : 2
  const cell = (x: number | null): string =>
    x === null ? '' : Number.isFinite(x) ? x.toFixed(decimals) : fmt(x)
  const rows = r.returnLevels.map((l) => [
    fmt(l.returnPeriodYears),
    cell(l.value),
    cell(l.ciLow),
    cell(l.ciHigh),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padStart(widths[i]!))
      .join('  ')
      .trimEnd()
  lines.push(line(head))
  for (const row of rows) lines.push(line(row))
  return lines.join('\n') + '\n'
}
