/**
 * The hydrograph (uPlot): observed discharge with flagged values marked, the simulation (the
 * basin's model on the observed forcing) when there is one, the forecast median with its 50 %
 * and 90 % ensemble bands, thresholds as labelled horizontal lines and a vertical line at the
 * issue time.
 */
import { useEffect, useRef, type CSSProperties, type ReactNode } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { BasinForecast, Observation, StationThreshold } from '../../api/types.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { levelColour } from '../../ui/levels.tsx'

export interface HydrographInput {
  readonly observations: readonly Observation[]
  /** Simulated outlet flow (m³/s) at the start of each step; empty when there is none. */
  readonly simulation: readonly { readonly t: string; readonly value: number }[]
  readonly forecast: BasinForecast | null
  readonly thresholds: readonly StationThreshold[]
}

/** What was drawn, for the panel's data attributes. */
export interface HydrographDrawn {
  readonly bands: number
  readonly thresholds: number
  /** Whether the simulation line is drawn. */
  readonly simulation: boolean
}

/**
 * The colours of the plot and of its legend (Okabe–Ito): observations black, flagged ones
 * vermilion, the simulation bluish green (thinner and dashed), the forecast blue with its bands.
 */
const COLOURS = {
  observed: '#000000',
  flagged: '#d55e00',
  simulation: '#009e73',
  median: '#0072b2',
  band50: 'rgba(0,114,178,0.35)',
  band90: 'rgba(0,114,178,0.18)',
} as const

const sec = (iso: string): number => Date.parse(iso) / 1000

/** The aligned table uPlot draws: x, observed, flagged, simulation, q5, q25, q50, q75, q95. */
export function hydrographTable(input: HydrographInput): uPlot.AlignedData {
  const times = new Set<number>()
  for (const o of input.observations) times.add(sec(o.t))
  for (const s of input.simulation) times.add(sec(s.t))
  const fc = input.forecast
  const issue = fc === null ? null : sec(fc.run.issueTime)
  if (fc !== null && issue !== null) {
    times.add(issue)
    for (const t of fc.leadTimes) times.add(sec(t))
  }
  const x = [...times].sort((a, b) => a - b)
  const at = new Map(x.map((t, k) => [t, k]))
  const col = (): (number | null)[] => new Array<number | null>(x.length).fill(null)
  const obs = col()
  const flagged = col()
  const sim = col()
  for (const o of input.observations) {
    const k = at.get(sec(o.t))!
    obs[k] = o.value
    if (o.quality !== 0) flagged[k] = o.value
  }
  for (const s of input.simulation) sim[at.get(sec(s.t))!] = s.value
  const quantiles = ['q5', 'q25', 'q50', 'q75', 'q95'].map(() => col())
  if (fc !== null && issue !== null) {
    // The bands start at the issue time from the last observed (or median) value.
    const lastObs = [...input.observations].reverse().find((o) => sec(o.t) <= issue)
    ;['q5', 'q25', 'q50', 'q75', 'q95'].forEach((q, j) => {
      const values = fc.quantiles[q] ?? []
      const start = lastObs?.value ?? values[0] ?? null
      quantiles[j]![at.get(issue)!] = start
      fc.leadTimes.forEach((t, k) => {
        const v = values[k]
        if (v !== undefined) quantiles[j]![at.get(sec(t))!] = v
      })
    })
  }
  return [x, obs, flagged, sim, ...quantiles] as uPlot.AlignedData
}

/** Draws the hydrograph; `onDrawn` is told what it drew. */
export function Hydrograph(props: {
  input: HydrographInput
  label: string
  onDrawn: (d: HydrographDrawn) => void
}): ReactNode {
  const box = useRef<HTMLDivElement>(null)
  const { t, time } = useI18n()
  const onDrawn = useRef(props.onDrawn)
  useEffect(() => {
    onDrawn.current = props.onDrawn
  })
  const { input } = props
  useEffect(() => {
    const el = box.current
    if (el === null) return
    const data = hydrographTable(input)
    const fc = input.forecast
    const issue = fc === null ? null : sec(fc.run.issueTime)
    const thresholds = [...input.thresholds].sort((a, b) => a.value - b.value)
    const hasBands = fc !== null && (fc.quantiles['q5']?.length ?? 0) > 0
    const hasSimulation = input.simulation.length > 0
    const overlays = (u: uPlot): void => {
      const ctx = u.ctx
      const { left, top, width, height } = u.bbox
      ctx.save()
      ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`
      thresholds.forEach((th, k) => {
        const y = u.valToPos(th.value, 'y', true)
        if (y < top || y > top + height) return
        ctx.strokeStyle =
          levelColour(k + 1).fill === '#f0e442' ? '#b5a800' : levelColour(k + 1).fill
        ctx.lineWidth = 1.5 * devicePixelRatio
        ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio])
        ctx.beginPath()
        ctx.moveTo(left, y)
        ctx.lineTo(left + width, y)
        ctx.stroke()
        ctx.fillStyle = '#222'
        ctx.textAlign = 'right'
        ctx.fillText(`${th.name} ${th.value.toFixed(0)} ${th.unit}`, left + width - 4, y - 4)
      })
      if (issue !== null) {
        const x = u.valToPos(issue, 'x', true)
        ctx.strokeStyle = '#000'
        ctx.setLineDash([])
        ctx.lineWidth = 1.5 * devicePixelRatio
        ctx.beginPath()
        ctx.moveTo(x, top)
        ctx.lineTo(x, top + height)
        ctx.stroke()
        ctx.fillStyle = '#000'
        ctx.textAlign = 'left'
        ctx.fillText(t('issueTime'), x + 4, top + height - 6 * devicePixelRatio)
      }
      ctx.restore()
    }
    const maxValue = Math.max(
      ...thresholds.map((x) => x.value),
      ...(data.slice(1) as (number | null)[][]).flat().filter((v): v is number => v !== null),
      1,
    )
    const quantileSeries = (label: string, show: boolean): uPlot.Series => ({
      label,
      show,
      stroke: 'rgba(0,114,178,0.0)',
      width: 0,
      points: { show: false },
    })
    const opts: uPlot.Options = {
      width: Math.max(320, el.clientWidth),
      height: 300,
      scales: { x: { time: true }, y: { range: [0, maxValue * 1.08] } },
      axes: [{}, { label: 'm³/s', size: 60 }],
      legend: { show: false },
      series: [
        { value: (_u, v) => (v === null ? '' : time(v * 1000)) },
        {
          label: t('obsSeries'),
          stroke: COLOURS.observed,
          width: 2,
          points: { show: false },
          spanGaps: false,
        },
        {
          label: t('flaggedSeries'),
          stroke: COLOURS.flagged,
          width: 0,
          paths: () => null,
          points: { show: true, size: 9, stroke: COLOURS.flagged, fill: '#ffffff', width: 2 },
        },
        {
          label: t('simSeries'),
          stroke: COLOURS.simulation,
          width: 1.5,
          dash: [4, 3],
          points: { show: false },
          show: hasSimulation,
        },
        quantileSeries('q5', hasBands),
        quantileSeries('q25', hasBands),
        {
          label: t('medianSeries'),
          stroke: COLOURS.median,
          width: 2.5,
          points: { show: false },
          show: hasBands,
        },
        quantileSeries('q75', hasBands),
        quantileSeries('q95', hasBands),
      ],
      bands: hasBands
        ? [
            { series: [8, 4], fill: COLOURS.band90 },
            { series: [7, 5], fill: COLOURS.band50 },
          ]
        : [],
      hooks: { draw: [overlays] },
    }
    const plot = new uPlot(opts, data, el)
    onDrawn.current({
      bands: hasBands ? 2 : 0,
      thresholds: thresholds.length,
      simulation: hasSimulation,
    })
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(320, el.clientWidth), height: 300 }),
    )
    resize.observe(el)
    return () => {
      resize.disconnect()
      plot.destroy()
    }
  }, [input, t, time])
  return (
    <figure className="hydrograph">
      <div ref={box} data-testid="hydrograph" role="img" aria-label={props.label} />
      <figcaption className="plot-legend">
        <LegendKey shape="line-key" style={{ borderColor: COLOURS.observed }}>
          {t('obsSeries')}
        </LegendKey>
        <LegendKey shape="point-key">{t('flaggedSeries')}</LegendKey>
        {input.simulation.length > 0 ? (
          <LegendKey
            shape="line-key"
            style={{ borderTop: `2px dashed ${COLOURS.simulation}` }}
            testId="legend-simulation"
          >
            {t('simSeries')}
          </LegendKey>
        ) : null}
        <LegendKey shape="line-key" style={{ borderColor: COLOURS.median }}>
          {t('medianSeries')}
        </LegendKey>
        <LegendKey shape="band-key" style={{ background: COLOURS.band50 }}>
          {t('band50')}
        </LegendKey>
        <LegendKey shape="band-key" style={{ background: COLOURS.band90 }}>
          {t('band90')}
        </LegendKey>
        <LegendKey shape="line-key dashed">{t('thresholds')}</LegendKey>
        <span>{t('hydrographHint')}</span>
      </figcaption>
    </figure>
  )
}

/** One entry of the legend: the key's swatch (a CSS class and style), then its name. */
function LegendKey(props: {
  shape: string
  style?: CSSProperties
  testId?: string
  children: ReactNode
}): ReactNode {
  return (
    <span {...(props.testId !== undefined ? { 'data-testid': props.testId } : {})}>
      <span className={props.shape} style={props.style} aria-hidden="true" /> {props.children}
    </span>
  )
}
