/**
 * What `freshet hindcast` writes: a summary on standard output, the scores per lead time as
 * CSV, and a self-contained HTML report (inline CSS and SVG drawn here; no script, font or
 * anything else fetched from elsewhere). Every output says that the forecasts were made from
 * synthetic members and how.
 *
 * Flows are in mm/day in the CSV and the summary (the models' unit); the report's hydrographs
 * are in m³/s when the basin's area is known (Q = q·A·1000/86 400).
 */
import type { HindcastResult, HindcastUpdate } from '../forecast/hindcast/hindcast.ts'
import type { LeadScore } from '../forecast/hindcast/lead-scores.ts'
import type { WarningReplay, WarningThreshold } from '../forecast/hindcast/warnings.ts'
import { HINDCAST_POLICY_NOTE } from '../forecast/hindcast/warnings.ts'
import { csvNumber } from './csv-out.ts'
import type { ModelRun } from './model-run-file.ts'

/** What the report says about the run besides the hindcast's own results. */
export interface HindcastContext {
  readonly specPath: string
  readonly run: ModelRun
  /** The parameters used (model order, each in its unit). */
  readonly params: Float64Array
  /** How they were obtained: calibrated (criterion and value) or, when null, from the file. */
  readonly calibration: { readonly criterion: string; readonly value: number } | null
  /** Observed flow over the whole record (mm/day). */
  readonly observed: Float64Array
  /** Wall-clock time of calibration and hindcast (s), for the summary only. */
  readonly seconds: number
  /** The warning rules replayed over the forecasts of each variant, or why they were not. */
  readonly warnings?: HindcastWarnings
}

/** The warnings replayed over a hindcast (src/forecast/hindcast/warnings.ts). */
export type HindcastWarnings =
  | {
      /** The return-level thresholds, in `unit`. */
      readonly thresholds: readonly WarningThreshold[]
      /** How they were made. */
      readonly note: string
      readonly unit: string
      /** Observed flow over the whole record, in `unit`. */
      readonly observed: Float64Array
      /** One replay per variant, in the order of the variants. */
      readonly replays: readonly {
        readonly update: HindcastUpdate
        readonly replay: WarningReplay
      }[]
    }
  | {
      /** Why no warnings were replayed. */
      readonly skipped: string
    }

type ReplayedWarnings = Exclude<HindcastWarnings, { readonly skipped: string }>

const UPDATE_LABELS: Readonly<Record<HindcastUpdate, string>> = {
  none: 'no update (open loop)',
  routing: 'routing-store update (GRP-style)',
  correction: 'AR(1) output error correction',
  enkf: 'EnKF on Prod and Rout',
}

/** The short form of the synthetic-forcing note, for one CSV field (no comma). */
const csvForcingNote = (seed: number): string =>
  `synthetic: observed forcing with seeded errors growing with lead (log-normal precipitation; seed ${seed})`

const fmt = (x: number, digits = 3): string =>
  Number.isFinite(x) ? x.toFixed(digits) : x === Infinity ? 'inf' : 'n/a'

function dayFactor(ctx: HindcastContext): number | undefined {
  const a = ctx.run.areaKm2
  return a !== undefined ? (a * 1000) / 86_400 : undefined
}

function main(result: HindcastResult): HindcastResult['variants'][number] {
  return result.variants[0]!
}

function reference(result: HindcastResult): HindcastResult['variants'][number] | undefined {
  return result.variants.find((v, i) => i > 0 && v.update === 'none')
}

function period(result: HindcastResult, ctx: HindcastContext): string {
  const d = ctx.run.table.dates
  const first = result.issues[0]!
  const last = result.issues[result.issues.length - 1]!
  return `${d[first]}..${d[last]}`
}

/** The text printed on standard output. */
export function hindcastSummary(result: HindcastResult, ctx: HindcastContext): string {
  const run = ctx.run
  const lines: string[] = []
  const area = run.areaKm2 !== undefined ? `, ${run.areaKm2} km²` : ''
  lines.push(`Freshet hindcast: ${run.model.name} on basin ${run.basinLabel}${area}`)
  lines.push(
    `calibration period ${run.spec.run.start}..${run.spec.run.end}; parameters ${
      ctx.calibration === null
        ? 'from the file'
        : `calibrated (${ctx.calibration.criterion} ${fmt(ctx.calibration.value, 4)})`
    }: ${run.model.paramNames.map((n, i) => `${n}=${ctx.params[i]!.toPrecision(5)}`).join(' ')}`,
  )
  lines.push(
    `${result.issues.length} forecasts issued ${period(result, ctx)}, ${result.members} members, ${result.horizon} days ahead; update: ${UPDATE_LABELS[main(result).update]}`,
  )
  lines.push(`NOTE: ${result.forcingNote}`)
  lines.push(
    `${result.thresholdNote}: ${result.thresholds.map((t) => `${t.name} ${fmt(t.value)} mm/day`).join(', ')}`,
  )
  for (const v of result.variants) {
    lines.push('')
    lines.push(`scores, ${UPDATE_LABELS[v.update]}; CRPS, spread and RMSE in mm/day:`)
    const t1 = result.thresholds[1]?.name ?? ''
    lines.push(
      [
        'lead',
        'n',
        'CRPS',
        'CRPSS/pers',
        'CRPSS/clim',
        'spread',
        'RMSE',
        ...(t1 !== '' ? [`CSI ${t1}`] : []),
      ]
        .map((c, i) => (i === 0 ? c.padEnd(5) : c.padStart(11)))
        .join(''),
    )
    for (const s of v.scores) {
      lines.push(
        [
          String(s.lead),
          String(s.n),
          fmt(s.crps, 4),
          fmt(s.crpssPersistence),
          fmt(s.crpssClimatology),
          fmt(s.spread, 4),
          fmt(s.rmseMean, 4),
          ...(t1 !== '' ? [fmt(s.thresholds[1]!.csi)] : []),
        ]
          .map((c, i) => (i === 0 ? c.padEnd(5) : c.padStart(11)))
          .join(''),
      )
    }
  }
  lines.push('')
  lines.push(...warningLines(ctx))
  lines.push(day1Line(result, ctx))
  lines.push(`${fmt(ctx.seconds, 1)} s`)
  return lines.join('\n') + '\n'
}

/** Median lead in days, or `-` when no hit was warned ahead. */
const leadText = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-')

/** How the warnings were replayed, in one sentence. */
function warningMethod(w: ReplayedWarnings): string {
  const r = w.replays[0]?.replay
  const levels =
    r === undefined
      ? ''
      : r.verification.map((v) => `${v.level} ${v.thresholdName}`).join(', ') + '; '
  const tol = r?.toleranceSteps ?? 1
  return (
    `warning rules replayed at every issue (default levels: ${levels}forecast: P(exceedance) = share of the members; ` +
    `observed: the daily flow of the day before the issue); ${HINDCAST_POLICY_NOTE}; ` +
    `verified by event, a level or above against the observed daily flow ≥ its threshold, matched within ±${tol} day(s); ` +
    `lead = days from the first day of the matching warning to the first day of the exceedance, median over the hits warned ahead (lead > 0); POD ahead = hits warned ahead / observed events`
  )
}

const WARNING_HEAD = [
  'level',
  'threshold',
  'events',
  'hits',
  'misses',
  'false',
  'POD',
  'FAR',
  'CSI',
  'ahead',
  'late',
  'POD ahead',
  'median lead (d)',
] as const

function warningRow(v: WarningReplay['verification'][number], unit: string): string[] {
  return [
    v.level,
    `${v.thresholdName} ${fmt(v.thresholdValue, 1)} ${unit}`,
    String(v.observedEvents),
    String(v.hits),
    String(v.misses),
    String(v.falseAlarms),
    fmt(v.pod, 2),
    fmt(v.far, 2),
    fmt(v.csi, 2),
    String(v.ahead),
    String(v.late),
    fmt(v.podAhead, 2),
    leadText(v.medianLead),
  ]
}

function warningLines(ctx: HindcastContext): string[] {
  const w = ctx.warnings
  if (w === undefined) return []
  if ('skipped' in w) return [`warnings not replayed: ${w.skipped}`, '']
  const lines: string[] = []
  lines.push(
    `${w.note}: ${w.thresholds.map((t) => `${t.name} ${fmt(t.value, 1)} ${w.unit}`).join(', ')}`,
  )
  lines.push(`NOTE: ${warningMethod(w)}`)
  const widths = [10, 20, 7, 6, 7, 6, 6, 6, 6, 6, 5, 10, 16]
  const row = (cells: readonly string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('')
  for (const { update, replay } of w.replays) {
    const d = ctx.run.table.dates
    lines.push('')
    lines.push(
      `warnings, ${UPDATE_LABELS[update]}: ${replay.warnings} warning(s) issued, ${replay.messages} messages, ${d[replay.start]}..${d[replay.end - 1]}`,
    )
    lines.push(row(WARNING_HEAD))
    for (const v of replay.verification) lines.push(row(warningRow(v, w.unit)))
  }
  lines.push('')
  return lines
}

function day1Line(result: HindcastResult, ctx: HindcastContext): string {
  const f = dayFactor(ctx)
  const both = (x: number): string =>
    `${fmt(x, 4)} mm/day${f !== undefined ? ` (${fmt(x * f, 2)} m³/s)` : ''}`
  const m = main(result)
  const r = reference(result)
  const a = `day-1 CRPS with ${UPDATE_LABELS[m.update]}: ${both(m.scores[0]!.crps)}`
  if (r === undefined) return a
  return `${a}; without update: ${both(r.scores[0]!.crps)}`
}

/**
 * The scores as CSV: one row per variant and lead time. Flows in mm/day; a `members` column
 * says on every row that the members are synthetic.
 */
export function hindcastCsv(result: HindcastResult): string {
  const thr = result.thresholds
  const header = [
    'variant',
    'lead_days',
    'n',
    'crps_mm',
    'crps_persistence_mm',
    'crps_climatology_mm',
    'crpss_persistence',
    'crpss_climatology',
    'spread_mm',
    'rmse_mean_mm',
    'spread_rmse_ratio',
    ...thr.flatMap((t) => [`pod_${t.name}`, `far_${t.name}`, `csi_${t.name}`]),
    'members',
  ]
  const seed = result.seed
  const rows = [header.join(',')]
  for (const v of result.variants) {
    for (const s of v.scores) {
      rows.push(
        [
          v.update,
          String(s.lead),
          String(s.n),
          csvNumber(s.crps),
          csvNumber(s.crpsPersistence),
          csvNumber(s.crpsClimatology),
          csvNumber(s.crpssPersistence),
          csvNumber(s.crpssClimatology),
          csvNumber(s.spread),
          csvNumber(s.rmseMean),
          csvNumber(s.spread / s.rmseMean),
          ...s.thresholds.flatMap((t) => [csvNumber(t.pod), csvNumber(t.far), csvNumber(t.csi)]),
          csvForcingNote(seed),
        ].join(','),
      )
    }
  }
  return rows.join('\n') + '\n'
}

/**
 * The verification of the replayed warnings as CSV: one row per variant and level. Thresholds
 * in the unit of the `unit` column; leads in days.
 */
export function hindcastWarningsCsv(result: HindcastResult, warnings: ReplayedWarnings): string {
  const header = [
    'variant',
    'level',
    'threshold_name',
    'threshold',
    'unit',
    'observed_events',
    'hits',
    'misses',
    'false_alarms',
    'pod',
    'far',
    'csi',
    'hits_ahead',
    'hits_late',
    'pod_ahead',
    'median_lead_days',
    'tolerance_days',
    'warnings_issued',
    'members',
  ]
  const rows = [header.join(',')]
  for (const { update, replay } of warnings.replays) {
    for (const v of replay.verification) {
      rows.push(
        [
          update,
          v.level,
          v.thresholdName,
          csvNumber(v.thresholdValue),
          warnings.unit,
          String(v.observedEvents),
          String(v.hits),
          String(v.misses),
          String(v.falseAlarms),
          csvNumber(v.pod),
          csvNumber(v.far),
          csvNumber(v.csi),
          String(v.ahead),
          String(v.late),
          csvNumber(v.podAhead),
          csvNumber(v.medianLead),
          String(replay.toleranceSteps),
          String(replay.warnings),
          csvForcingNote(result.seed),
        ].join(','),
      )
    }
  }
  return rows.join('\n') + '\n'
}

// ---------------------------------------------------------------------------------------------
// HTML and SVG

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  )

/**
 * Round tick positions covering [lo, hi], about `count` of them (steps of 1, 2 or 5 × 10ᵏ), with
 * labels to as many decimals as the step needs.
 */
function niceTicks(lo: number, hi: number, count = 5): [number, string][] {
  if (!(hi > lo)) return [[lo, String(lo)]]
  const raw = (hi - lo) / count
  const p = Math.pow(10, Math.floor(Math.log10(raw)))
  const r = raw / p
  const step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * p
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9))
  const out: [number, string][] = []
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    const v = k === 0 ? 0 : k * step
    out.push([v, v.toFixed(decimals)])
  }
  return out
}

type ChartItem =
  | {
      readonly kind: 'band'
      readonly x: readonly number[]
      readonly lo: readonly number[]
      readonly hi: readonly number[]
      readonly fill: string
      readonly opacity: number
    }
  | {
      readonly kind: 'line'
      readonly x: readonly number[]
      readonly y: readonly number[]
      readonly stroke: string
      readonly width?: number
      readonly dash?: string
      readonly dots?: boolean
    }
  | {
      readonly kind: 'hline'
      readonly y: number
      readonly stroke: string
      readonly dash?: string
      readonly label?: string
    }
  | { readonly kind: 'vline'; readonly x: number; readonly stroke: string; readonly label?: string }

interface Chart {
  readonly title: string
  readonly xMin: number
  readonly xMax: number
  readonly yMin: number
  readonly yMax: number
  /** Tick positions on x with their labels. */
  readonly xTicks: readonly (readonly [number, string])[]
  readonly xLabel: string
  readonly yLabel: string
  readonly items: readonly ChartItem[]
  readonly legend: readonly {
    readonly label: string
    readonly color: string
    readonly dash?: string
    readonly box?: boolean
  }[]
}

/** An inline SVG chart (no xmlns needed inside HTML). */
function svgChart(c: Chart, width = 760, height = 320): string {
  const ml = 62
  const mr = 70
  const mt = 44
  const mb = 46
  const pw = width - ml - mr
  const ph = height - mt - mb
  const sx = (x: number): number => ml + ((x - c.xMin) / (c.xMax - c.xMin || 1)) * pw
  const sy = (y: number): number => mt + ph - ((y - c.yMin) / (c.yMax - c.yMin || 1)) * ph
  const n2 = (v: number): string => (Math.round(v * 10) / 10).toString()
  const parts: string[] = []
  parts.push(
    `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(c.title)}">`,
  )
  parts.push(`<text x="${ml}" y="16" class="title">${esc(c.title)}</text>`)
  for (const [v, label] of niceTicks(c.yMin, c.yMax)) {
    const y = n2(sy(v))
    parts.push(`<line x1="${ml}" x2="${ml + pw}" y1="${y}" y2="${y}" class="grid"/>`)
    parts.push(`<text x="${ml - 6}" y="${y}" class="ytick">${esc(label)}</text>`)
  }
  for (const [v, label] of c.xTicks) {
    const x = n2(sx(v))
    parts.push(`<line x1="${x}" x2="${x}" y1="${mt}" y2="${mt + ph}" class="grid"/>`)
    parts.push(`<text x="${x}" y="${mt + ph + 16}" class="xtick">${esc(label)}</text>`)
  }
  parts.push(`<rect x="${ml}" y="${mt}" width="${pw}" height="${ph}" class="frame"/>`)
  parts.push(
    `<text x="${ml + pw / 2}" y="${height - 6}" class="axis">${esc(c.xLabel)}</text>`,
    `<text transform="translate(14 ${mt + ph / 2}) rotate(-90)" class="axis">${esc(c.yLabel)}</text>`,
  )
  const clip = (y: number): number => Math.min(c.yMax, Math.max(c.yMin, y))
  for (const it of c.items) {
    switch (it.kind) {
      case 'band': {
        const pts: string[] = []
        for (let i = 0; i < it.x.length; i++)
          pts.push(`${n2(sx(it.x[i]!))},${n2(sy(clip(it.hi[i]!)))}`)
        for (let i = it.x.length - 1; i >= 0; i--)
          pts.push(`${n2(sx(it.x[i]!))},${n2(sy(clip(it.lo[i]!)))}`)
        parts.push(
          `<polygon points="${pts.join(' ')}" fill="${it.fill}" fill-opacity="${it.opacity}" stroke="none"/>`,
        )
        break
      }
      case 'line': {
        // Missing values break the line into pieces.
        let d = ''
        let pen = false
        for (let i = 0; i < it.x.length; i++) {
          const y = it.y[i]!
          if (!Number.isFinite(y)) {
            pen = false
            continue
          }
          d += `${pen ? 'L' : 'M'}${n2(sx(it.x[i]!))},${n2(sy(clip(y)))}`
          pen = true
        }
        if (d !== '')
          parts.push(
            `<path d="${d}" fill="none" stroke="${it.stroke}" stroke-width="${it.width ?? 1.5}"${it.dash !== undefined ? ` stroke-dasharray="${it.dash}"` : ''}/>`,
          )
        if (it.dots === true) {
          for (let i = 0; i < it.x.length; i++) {
            const y = it.y[i]!
            if (Number.isFinite(y))
              parts.push(
                `<circle cx="${n2(sx(it.x[i]!))}" cy="${n2(sy(clip(y)))}" r="2.2" fill="${it.stroke}"/>`,
              )
          }
        }
        break
      }
      case 'hline': {
        if (!(it.y >= c.yMin && it.y <= c.yMax)) break
        const y = n2(sy(it.y))
        parts.push(
          `<line x1="${ml}" x2="${ml + pw}" y1="${y}" y2="${y}" stroke="${it.stroke}"${it.dash !== undefined ? ` stroke-dasharray="${it.dash}"` : ''}/>`,
        )
        if (it.label !== undefined)
          parts.push(
            `<text x="${ml + pw + 4}" y="${y}" class="hlabel" fill="${it.stroke}">${esc(it.label)}</text>`,
          )
        break
      }
      case 'vline': {
        const x = n2(sx(it.x))
        parts.push(
          `<line x1="${x}" x2="${x}" y1="${mt}" y2="${mt + ph}" stroke="${it.stroke}" stroke-dasharray="2 3"/>`,
        )
        if (it.label !== undefined)
          parts.push(
            `<text x="${n2(sx(it.x) + 4)}" y="${mt + 14}" class="vlabel">${esc(it.label)}</text>`,
          )
        break
      }
    }
  }
  let lx = ml
  for (const l of c.legend) {
    const mark =
      l.box === true
        ? `<rect x="${lx}" y="24" width="16" height="9" fill="${l.color}"/>`
        : `<line x1="${lx}" x2="${lx + 16}" y1="29" y2="29" stroke="${l.color}" stroke-width="2"${l.dash !== undefined ? ` stroke-dasharray="${l.dash}"` : ''}/>`
    parts.push(mark, `<text x="${lx + 20}" y="32" class="legend">${esc(l.label)}</text>`)
    lx += 28 + l.label.length * 6.2
  }
  parts.push('</svg>')
  return parts.join('')
}

/** The largest observed peaks in [start, end), at least `separation` steps apart. */
function largestPeaks(
  observed: Float64Array,
  start: number,
  end: number,
  count: number,
  separation: number,
): number[] {
  const taken: number[] = []
  for (let k = 0; k < count; k++) {
    let best = -1
    for (let i = start; i < end; i++) {
      const q = observed[i]!
      if (!Number.isFinite(q)) continue
      if (taken.some((p) => Math.abs(p - i) < separation)) continue
      if (best < 0 || q > observed[best]!) best = i
    }
    if (best < 0) break
    taken.push(best)
  }
  return taken
}

/** Days before a peak that the forecast drawn for each event is issued. */
const EVENT_LEAD_DAYS = 3

function eventCharts(result: HindcastResult, ctx: HindcastContext): string[] {
  const { issues, horizon } = result
  const f = dayFactor(ctx) ?? 1
  const unit = dayFactor(ctx) !== undefined ? 'm³/s' : 'mm/day'
  const obs = ctx.observed
  const dates = ctx.run.table.dates
  const first = issues[0]!
  const last = issues[issues.length - 1]! + horizon
  const peaks = largestPeaks(obs, first, last, 3, 30)
  const nq = result.quantileLevels.length
  const m = main(result)
  const r = reference(result)
  const charts: string[] = []
  for (const p of peaks) {
    // The latest issue at least EVENT_LEAD_DAYS before the peak whose horizon reaches it,
    // failing that the latest whose horizon reaches it.
    let pick = -1
    for (let i = 0; i < issues.length; i++) {
      const t0 = issues[i]!
      if (t0 <= p && p < t0 + horizon && (t0 <= p - EVENT_LEAD_DAYS || pick < 0)) pick = i
      if (t0 > p - EVENT_LEAD_DAYS && pick >= 0) break
    }
    if (pick < 0) continue
    const t0 = issues[pick]!
    const a = Math.max(0, t0 - 7)
    const b = Math.min(obs.length, t0 + horizon + 3)
    const xo: number[] = []
    const yo: number[] = []
    for (let i = a; i < b; i++) {
      xo.push(i)
      yo.push(obs[i]! * f)
    }
    const xf: number[] = []
    const band = (v: HindcastResult['variants'][number], level: number): number[] => {
      const out: number[] = []
      for (let j = 0; j < horizon; j++)
        out.push(v.quantiles[(pick * horizon + j) * nq + level]! * f)
      return out
    }
    for (let j = 0; j < horizon; j++) xf.push(t0 + j)
    const q5 = band(m, 0)
    const q25 = band(m, 1)
    const q50 = band(m, 2)
    const q75 = band(m, 3)
    const q95 = band(m, 4)
    let yMax = 0
    for (const v of [...yo, ...q95]) if (Number.isFinite(v) && v > yMax) yMax = v
    for (const t of result.thresholds)
      if (t.value * f <= yMax * 1.5) yMax = Math.max(yMax, t.value * f)
    yMax *= 1.08
    const items: ChartItem[] = [
      { kind: 'band', x: xf, lo: q5, hi: q95, fill: '#4a90d9', opacity: 0.22 },
      { kind: 'band', x: xf, lo: q25, hi: q75, fill: '#4a90d9', opacity: 0.45 },
      { kind: 'line', x: xf, y: q50, stroke: '#1c5fa8', width: 2 },
    ]
    if (r !== undefined)
      items.push({ kind: 'line', x: xf, y: band(r, 2), stroke: '#888', width: 1.5, dash: '5 4' })
    items.push({ kind: 'line', x: xo, y: yo, stroke: '#111', width: 1.5, dots: true })
    const colors = ['#d98c1f', '#d9541f', '#a3121f']
    result.thresholds.forEach((t, i) =>
      items.push({
        kind: 'hline',
        y: t.value * f,
        stroke: colors[i % colors.length]!,
        dash: '6 3',
        label: t.name,
      }),
    )
    items.push({ kind: 'vline', x: t0 - 0.5, stroke: '#555', label: `issued ${dates[t0]}` })
    const ticks: [number, string][] = []
    for (let i = a; i < b; i += 3) ticks.push([i, (dates[i] ?? '').slice(5)])
    const legend: Chart['legend'][number][] = [
      { label: 'observed', color: '#111' },
      { label: `median (${UPDATE_LABELS[m.update]})`, color: '#1c5fa8' },
      { label: '25–75 %', color: 'rgba(74,144,217,0.6)', box: true },
      { label: '5–95 %', color: 'rgba(74,144,217,0.3)', box: true },
    ]
    if (r !== undefined) legend.push({ label: 'median, no update', color: '#888', dash: '5 4' })
    charts.push(
      svgChart({
        title: `Peak of ${dates[p]} (${fmt(obs[p]! * f, 1)} ${unit}): forecast issued ${dates[t0]}`,
        xMin: a,
        xMax: b - 1,
        yMin: 0,
        yMax: yMax > 0 ? yMax : 1,
        xTicks: ticks,
        xLabel: `date (${(dates[a] ?? '').slice(0, 4)}, month-day)`,
        yLabel: `flow (${unit})`,
        items,
        legend,
      }),
    )
  }
  return charts
}

function skillChart(result: HindcastResult): string {
  const m = main(result)
  const r = reference(result)
  const leads = m.scores.map((s) => s.lead)
  const values: number[] = []
  const series = (v: typeof m, key: 'crpssPersistence' | 'crpssClimatology'): number[] =>
    v.scores.map((s) => s[key])
  const all = [m, ...(r !== undefined ? [r] : [])]
  for (const v of all) for (const s of v.scores) values.push(s.crpssPersistence, s.crpssClimatology)
  let yMin = 0
  for (const v of values) if (Number.isFinite(v) && v < yMin) yMin = v
  yMin = Math.max(-3, Math.floor(yMin * 5) / 5)
  const items: ChartItem[] = [{ kind: 'hline', y: 0, stroke: '#333' }]
  const legend: Chart['legend'][number][] = []
  items.push(
    {
      kind: 'line',
      x: leads,
      y: series(m, 'crpssPersistence'),
      stroke: '#1c5fa8',
      width: 2,
      dots: true,
    },
    {
      kind: 'line',
      x: leads,
      y: series(m, 'crpssClimatology'),
      stroke: '#2b9348',
      width: 2,
      dots: true,
    },
  )
  legend.push(
    { label: 'vs persistence', color: '#1c5fa8' },
    { label: 'vs climatology', color: '#2b9348' },
  )
  if (r !== undefined) {
    items.push(
      { kind: 'line', x: leads, y: series(r, 'crpssPersistence'), stroke: '#1c5fa8', dash: '5 4' },
      { kind: 'line', x: leads, y: series(r, 'crpssClimatology'), stroke: '#2b9348', dash: '5 4' },
    )
    legend.push({ label: 'dashed: no update', color: '#666', dash: '5 4' })
  }
  return svgChart({
    title: `CRPSS against lead time (${UPDATE_LABELS[m.update]})`,
    xMin: 0.5,
    xMax: leads.length + 0.5,
    yMin,
    yMax: 1,
    xTicks: leads.map((l) => [l, String(l)] as [number, string]),
    xLabel: 'lead time (days)',
    yLabel: 'CRPSS (−)',
    items,
    legend,
  })
}

function spreadChart(result: HindcastResult, ctx: HindcastContext): string {
  const m = main(result)
  const f = dayFactor(ctx) ?? 1
  const unit = dayFactor(ctx) !== undefined ? 'm³/s' : 'mm/day'
  const leads = m.scores.map((s) => s.lead)
  let yMax = 0
  for (const s of m.scores) yMax = Math.max(yMax, s.spread * f, s.rmseMean * f)
  return svgChart({
    title: `Spread and skill (${UPDATE_LABELS[m.update]})`,
    xMin: 0.5,
    xMax: leads.length + 0.5,
    yMin: 0,
    yMax: yMax > 0 ? yMax * 1.1 : 1,
    xTicks: leads.map((l) => [l, String(l)] as [number, string]),
    xLabel: 'lead time (days)',
    yLabel: unit,
    items: [
      {
        kind: 'line',
        x: leads,
        y: m.scores.map((s) => s.spread * f),
        stroke: '#7b2cbf',
        width: 2,
        dots: true,
      },
      {
        kind: 'line',
        x: leads,
        y: m.scores.map((s) => s.rmseMean * f),
        stroke: '#111',
        width: 2,
        dots: true,
      },
    ],
    legend: [
      { label: 'ensemble spread', color: '#7b2cbf' },
      { label: 'RMSE of the ensemble mean', color: '#111' },
    ],
  })
}

const LEVEL_COLORS = ['#f2d024', '#f28c28', '#d7301f', '#7a0177']

/** Timelines of the level in force and the observed flow around the largest observed peaks. */
function warningCharts(ctx: HindcastContext, w: ReplayedWarnings): string[] {
  const main = w.replays[0]
  if (main === undefined) return []
  const { replay, update } = main
  const obs = w.observed
  const dates = ctx.run.table.dates
  const peaks = largestPeaks(obs, replay.start, replay.end, 3, 30)
  const charts: string[] = []
  for (const p of peaks) {
    const a = Math.max(replay.start, p - 20)
    const b = Math.min(replay.end, p + 15)
    const xo: number[] = []
    const yo: number[] = []
    let yMax = 0
    for (let i = a; i < b; i++) {
      xo.push(i)
      yo.push(obs[i]!)
      if (Number.isFinite(obs[i]) && obs[i]! > yMax) yMax = obs[i]!
    }
    for (const t of w.thresholds) if (t.value <= yMax * 1.5) yMax = Math.max(yMax, t.value)
    yMax = (yMax > 0 ? yMax : 1) * 1.08
    const items: ChartItem[] = []
    // One shaded column per day with a warning, coloured by its level.
    for (let i = a; i < b; i++) {
      const l = replay.levels[i - replay.start]!
      if (l < 0) continue
      items.push({
        kind: 'band',
        x: [i - 0.5, i + 0.5],
        lo: [0, 0],
        hi: [yMax, yMax],
        fill: LEVEL_COLORS[Math.min(l, LEVEL_COLORS.length - 1)]!,
        opacity: 0.35,
      })
    }
    items.push({ kind: 'line', x: xo, y: yo, stroke: '#111', width: 1.5, dots: true })
    w.thresholds.forEach((t, i) =>
      items.push({
        kind: 'hline',
        y: t.value,
        stroke: LEVEL_COLORS[Math.min(i, LEVEL_COLORS.length - 1)]!,
        dash: '6 3',
        label: t.name,
      }),
    )
    const ticks: [number, string][] = []
    for (let i = a; i < b; i += 5) ticks.push([i, (dates[i] ?? '').slice(5)])
    charts.push(
      svgChart({
        title: `Peak of ${dates[p]} (${fmt(obs[p]!, 1)} ${w.unit}): warning level in force, ${UPDATE_LABELS[update]}`,
        xMin: a - 0.5,
        xMax: b - 0.5,
        yMin: 0,
        yMax,
        xTicks: ticks,
        xLabel: `date (${(dates[a] ?? '').slice(0, 4)}, month-day)`,
        yLabel: `flow (${w.unit})`,
        items,
        legend: [
          { label: 'observed', color: '#111' },
          ...replay.levelNames.map((name, i) => ({
            label: name,
            color: LEVEL_COLORS[Math.min(i, LEVEL_COLORS.length - 1)]!,
            box: true,
          })),
        ],
      }),
    )
  }
  return charts
}

function warningSection(ctx: HindcastContext): string[] {
  const w = ctx.warnings
  if (w === undefined) return []
  if ('skipped' in w) return ['<h2>Warnings</h2>', `<p>Not replayed: ${esc(w.skipped)}.</p>`]
  const parts: string[] = [
    '<h2>Warnings</h2>',
    `<p>${esc(w.note)}: ${esc(w.thresholds.map((t) => `${t.name} = ${fmt(t.value, 1)} ${w.unit}`).join('; '))}.</p>`,
    `<p class="note">${esc(warningMethod(w))}. The level in force on a day is that of the active warning after the day's cycle. Hits warned ahead are those whose warning started before the first day of the exceedance (lead &gt; 0); late ones started on or after it, typically on the observation itself.</p>`,
  ]
  for (const { update, replay } of w.replays) {
    parts.push(
      `<h3>${esc(UPDATE_LABELS[update])}: ${replay.warnings} warnings issued, ${replay.messages} messages</h3>`,
      table(
        WARNING_HEAD,
        replay.verification.map((v) => warningRow(v, w.unit)),
      ),
    )
  }
  parts.push(
    '<p>Warning level in force (shaded) and observed daily flow around the three largest observed peaks of the period, with the thresholds.</p>',
    ...warningCharts(ctx, w),
  )
  return parts
}

function scoreTable(v: HindcastResult['variants'][number], f: number, unit: string): string {
  const head = [
    'lead (d)',
    'n',
    `CRPS (${unit})`,
    'CRPS persistence',
    'CRPS climatology',
    'CRPSS vs persistence',
    'CRPSS vs climatology',
    `spread (${unit})`,
    `RMSE of mean (${unit})`,
    'spread / RMSE',
  ]
  const row = (s: LeadScore): string[] => [
    String(s.lead),
    String(s.n),
    fmt(s.crps * f, 4),
    fmt(s.crpsPersistence * f, 4),
    fmt(s.crpsClimatology * f, 4),
    fmt(s.crpssPersistence),
    fmt(s.crpssClimatology),
    fmt(s.spread * f, 4),
    fmt(s.rmseMean * f, 4),
    fmt(s.spread / s.rmseMean, 2),
  ]
  return table(head, v.scores.map(row))
}

function contingencyTable(v: HindcastResult['variants'][number]): string {
  const names = v.scores[0]?.thresholds.map((t) => t.name) ?? []
  const head = ['lead (d)', ...names.flatMap((n) => [`POD ${n}`, `FAR ${n}`, `CSI ${n}`])]
  return table(
    head,
    v.scores.map((s) => [
      String(s.lead),
      ...s.thresholds.flatMap((t) => [fmt(t.pod, 2), fmt(t.far, 2), fmt(t.csi, 2)]),
    ]),
  )
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return (
    `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  )
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#1b1b1b;padding:0 16px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
.note{background:#fff6d6;border:1px solid #e0c060;padding:10px 14px;border-radius:4px}
.headline{font-size:1.05em;background:#eef4fb;border:1px solid #b8d0ea;padding:10px 14px;border-radius:4px}
table{border-collapse:collapse;font-size:.85em;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}
th{background:#f2f2f2}dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{font-weight:600}dd{margin:0}
svg.chart{display:block;margin:12px 0;background:#fff}
svg .title{font-size:14px;font-weight:600}svg .grid{stroke:#e6e6e6}svg .frame{fill:none;stroke:#999}
svg .ytick{font-size:11px;text-anchor:end;dominant-baseline:middle}svg .xtick{font-size:11px;text-anchor:middle}
svg .axis{font-size:12px;text-anchor:middle}svg .legend{font-size:11px}svg .hlabel{font-size:11px;dominant-baseline:middle}
svg .vlabel{font-size:11px;fill:#444}
`

/** The self-contained HTML report. */
export function hindcastHtml(result: HindcastResult, ctx: HindcastContext): string {
  const run = ctx.run
  const f = dayFactor(ctx)
  const unit = f !== undefined ? 'm³/s' : 'mm/day'
  const m = main(result)
  const r = reference(result)
  const title = `Hindcast: ${run.model.name} on ${run.basinLabel}`
  const params = run.model.paramNames
    .map((n, i) => `${n} = ${ctx.params[i]!.toPrecision(5)} ${run.model.paramUnits[i] ?? ''}`)
    .join(', ')
  const thresholds = result.thresholds
    .map(
      (t) =>
        `${t.name} = ${fmt(t.value)} mm/day${f !== undefined ? ` (${fmt(t.value * f, 2)} m³/s)` : ''}`,
    )
    .join('; ')
  const every = result.issues.length > 1 ? result.issues[1]! - result.issues[0]! : 1
  const parts: string[] = []
  parts.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${esc(title)}</h1>`,
    `<p class="note"><strong>Synthetic forecasts.</strong> No archive of weather forecasts was used: every member was made from the forcing that was later observed, degraded by a seeded error model. The members know the weather better than real forecasts would, so these scores are an upper bound. Error model: ${esc(result.forcingNote)}.</p>`,
    `<p class="headline">${esc(day1Line(result, ctx))}</p>`,
    '<h2>Set-up</h2><dl>',
    `<dt>model-run file</dt><dd>${esc(ctx.specPath)}</dd>`,
    `<dt>basin</dt><dd>${esc(run.basinLabel)}${run.areaKm2 !== undefined ? `, ${run.areaKm2} km²` : ''}</dd>`,
    `<dt>calibration period</dt><dd>${esc(run.spec.run.start)}..${esc(run.spec.run.end)} (also the reference for the climatology and the thresholds)</dd>`,
    `<dt>parameters</dt><dd>${esc(params)} — ${ctx.calibration === null ? 'from the file' : `calibrated, ${esc(ctx.calibration.criterion)} ${fmt(ctx.calibration.value, 4)}`}</dd>`,
    `<dt>forecasts</dt><dd>${result.issues.length} issued ${esc(period(result, ctx))}, every ${every} day(s); ${result.members} members; ${result.horizon} days ahead (lead 1 = the day of issue, from the state after the last observed day)</dd>`,
    `<dt>state update</dt><dd>${esc(UPDATE_LABELS[m.update])}${r !== undefined ? '; compared with the same forecasts without update' : ''}</dd>`,
    `<dt>references</dt><dd>persistence: the last observed daily flow; climatology: the observed flows of the calibration period within ±7 days of the target's day of the year, as an ensemble</dd>`,
    `<dt>thresholds</dt><dd>${esc(thresholds)}. ${esc(result.thresholdNote)}. An ensemble forecasts an exceedance when its median reaches the threshold.</dd>`,
    '</dl>',
    '<h2>Skill against lead time</h2>',
    skillChart(result),
    spreadChart(result, ctx),
    `<h2>Scores per lead time: ${esc(UPDATE_LABELS[m.update])}</h2>`,
    scoreTable(m, f ?? 1, unit),
    contingencyTable(m),
  )
  if (r !== undefined) {
    parts.push(
      `<h2>Scores per lead time: ${esc(UPDATE_LABELS[r.update])}</h2>`,
      scoreTable(r, f ?? 1, unit),
      contingencyTable(r),
    )
  }
  parts.push(...warningSection(ctx))
  parts.push(
    '<h2>Largest events</h2>',
    `<p>The three largest observed peaks of the period (at least 30 days apart), each with the forecast issued ${EVENT_LEAD_DAYS} days before it (or the latest one reaching it): median and 5–95 %, 25–75 % bands of the members, observations, thresholds.</p>`,
    ...eventCharts(result, ctx),
    '<h2>Note on the synthetic members</h2>',
    `<p>${esc(result.forcingNote)}.</p>`,
    '<p>Because the members are built around the observed forcing, the rain falls on the right days unless the error model moves it, and the spread grows with lead time only as the stated error model makes it grow. Real ensemble forecasts (e.g. of a numerical weather prediction centre) would have larger errors in timing and location, and lower skill at long lead times.</p>',
    '</body></html>',
  )
  return parts.join('\n') + '\n'
}
