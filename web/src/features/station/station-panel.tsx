/**
 * A station's (and its basin's) panel: hydrograph (with the simulation when the basin has a
 * model), exceedance probabilities by lead time, quality flags, the basin's model with its
 * parameters and calibration criteria, hindcast skill.
 */
import { useCallback, useId, useMemo, useState, type ReactNode } from 'react'
import type {
  BasinForecast,
  BasinSimulation,
  DashboardStation,
  LevelRef,
  Observation,
} from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/dictionary.ts'
import { messageOf } from '../../ui/errors.tsx'
import { CloseButton } from '../../ui/close-button.tsx'
import { LevelBadge } from '../../ui/levels.tsx'
import { ScrollBox } from '../../ui/scroll-box.tsx'
import { Hydrograph, type HydrographDrawn, type HydrographInput } from './hydrograph.tsx'
import { ModelSummary } from './model-summary.tsx'

const DAY_MS = 86_400_000
/** Days of observations shown before the issue time. */
const HISTORY_DAYS = 21
const FLAGS = [1, 2, 4, 8, 16, 32] as const

/** The window of observations: three weeks before the issue (or the latest observation) to the end of the forecast. */
function windowOf(s: DashboardStation): { from: string; to: string } {
  const anchor = Date.parse(s.forecast?.issueTime ?? s.observed?.time ?? new Date().toISOString())
  return {
    from: new Date(anchor - HISTORY_DAYS * DAY_MS).toISOString(),
    to: new Date(anchor + 12 * DAY_MS).toISOString(),
  }
}

export function StationPanel(props: {
  station: DashboardStation
  levels: readonly LevelRef[]
  onClose: () => void
}): ReactNode {
  const { station: s } = props
  const { t, time, number } = useI18n()
  const live = ['forecast', 'observations']
  const win = windowOf(s)
  const forecast = useApi<BasinForecast>(
    s.basinId === null ? null : `/api/v1/basins/${encodeURIComponent(s.basinId)}/forecast`,
    {
      what: t('forecast'),
      live,
      optional: true,
    },
  )
  const observations = useApi<{ observations: readonly Observation[] }>(
    s.seriesId === null
      ? null
      : `/api/v1/series/${encodeURIComponent(s.seriesId)}/observations?from=${encodeURIComponent(win.from)}&to=${encodeURIComponent(win.to)}`,
    { what: t('obsSeries'), live },
  )
  // The basin's model on the observed forcing over the same window, when it has a model: read
  // again when the window moves (a new forecast). A simulation the data do not allow (409) or a
  // busy server (503) is said in the panel, not in the page's error banner.
  const simulation = useApi<BasinSimulation>(
    s.basinId === null || s.model === null
      ? null
      : `/api/v1/basins/${encodeURIComponent(s.basinId)}/simulation?from=${encodeURIComponent(win.from)}&to=${encodeURIComponent(win.to)}`,
    { what: t('simSeries'), quiet: [409, 503] },
  )
  const [drawn, setDrawn] = useState<HydrographDrawn | null>(null)
  const onDrawn = useCallback((d: HydrographDrawn) => setDrawn(d), [])
  // Loaded once each request answered once; a reload keeps the drawing until new data arrive.
  const loaded =
    (!forecast.loading || forecast.data !== undefined) &&
    (!observations.loading || observations.data !== undefined) &&
    (!simulation.loading || simulation.data !== undefined)
  const input = useMemo<HydrographInput | null>(() => {
    if (!loaded) return null
    return {
      observations: observations.data?.observations ?? [],
      simulation: simulationPoints(simulation.data),
      forecast: forecast.data ?? null,
      thresholds: s.thresholds,
    }
  }, [loaded, observations.data, simulation.data, forecast.data, s.thresholds])
  const levelName = (rank: number): string =>
    props.levels.find((l) => l.rank === rank)?.name ?? 'normal'
  const flagged = (observations.data?.observations ?? []).filter((o) => o.quality !== 0)
  const fc = forecast.data
  const headingId = `station-${s.id}-h`
  return (
    <section
      className="panel station-panel"
      data-testid="station-panel"
      data-station={s.id}
      data-ready={drawn !== null && input !== null ? 'true' : 'false'}
      data-bands={drawn?.bands ?? 0}
      data-thresholds={drawn?.thresholds ?? 0}
      data-simulation={drawn !== null && input !== null && drawn.simulation ? 'true' : 'false'}
      aria-labelledby={headingId}
    >
      <header className="panel-header">
        <h2 id={headingId}>{s.name}</h2>
        <CloseButton onClick={props.onClose} />
      </header>
      <dl className="facts">
        <dt>{t('river')}</dt>
        <dd>{s.river ?? '—'}</dd>
        <dt>{t('basin')}</dt>
        <dd>{s.basinId ?? '—'}</dd>
        <dt>{t('latestObserved')}</dt>
        <dd>
          {s.observed === null ? (
            t('noData')
          ) : (
            <>
              {number(s.observed.value, 1)} {s.observed.unit} · {time(s.observed.time)}{' '}
              <LevelBadge level={levelName(s.observed.rank)} rank={s.observed.rank} />
            </>
          )}
        </dd>
        <dt>{t('highestMedian')}</dt>
        <dd>
          {s.forecast === null ? (
            t('noData')
          ) : (
            <>
              {number(s.forecast.maxMedian, 1)} m³/s{' '}
              <LevelBadge level={levelName(s.forecast.rank)} rank={s.forecast.rank} />
            </>
          )}
        </dd>
      </dl>
      {input === null ? (
        <p>{t('loading')}</p>
      ) : (
        <Hydrograph input={input} label={t('hydrograph', { name: s.name })} onDrawn={onDrawn} />
      )}
      {fc === undefined && !forecast.loading ? <p>{t('noForecast')}</p> : null}
      {fc !== undefined ? (
        <p className="note">{t('forcingSource', { source: fc.run.forcingSource })}</p>
      ) : null}
      {s.model === null ? <p className="note">{t('noSimulation')}</p> : null}
      {simulation.error !== null ? (
        <p className="note" role="status" data-testid="simulation-error">
          {t('requestFailed', { what: t('simSeries'), message: messageOf(simulation.error, t) })}{' '}
          <button type="button" className="link" onClick={simulation.reload}>
            {t('tryAgain')}
          </button>
        </p>
      ) : null}
      {simulation.data !== undefined ? (
        <p className="note">
          {t('simulationFacts', {
            model: simulation.data.model,
            date: time(simulation.data.warmupStart),
          })}
        </p>
      ) : null}
      {fc !== undefined && fc.exceedance.length > 0 ? <ExceedanceTable forecast={fc} /> : null}
      <section aria-label={t('qualityFlags')}>
        <h3>{t('qualityFlags')}</h3>
        {flagged.length === 0 ? (
          <p>—</p>
        ) : (
          <ul className="flags">
            {flagged.slice(-10).map((o) => (
              <li key={o.t}>
                {time(o.t)}: {number(o.value, 1)} m³/s —{' '}
                {FLAGS.filter((f) => (o.quality & f) !== 0)
                  .map((f) => t(`flag.${f}` as MessageKey))
                  .join(', ')}
              </li>
            ))}
          </ul>
        )}
      </section>
      {s.basinId !== null ? (
        <ModelSummary basinId={s.basinId} model={s.model} skillAt={s.skillAt} />
      ) : null}
    </section>
  )
}

/** The simulation as the hydrograph takes it: flow (m³/s) at the start of each step. */
function simulationPoints(
  sim: BasinSimulation | undefined,
): readonly { readonly t: string; readonly value: number }[] {
  if (sim === undefined) return []
  return sim.times.map((t, k) => ({ t, value: sim.values[k]! }))
}

/** Probability (%) of exceeding each threshold at each lead step, one row per threshold. */
function ExceedanceTable(props: { forecast: BasinForecast }): ReactNode {
  const { t, number } = useI18n()
  const fc = props.forecast
  const issue = Date.parse(fc.run.issueTime)
  const captionId = useId()
  return (
    <ScrollBox labelledBy={captionId}>
      <table className="exceedance">
        <caption id={captionId}>{t('exceedance')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('thresholds')}</th>
            {fc.leadTimes.map((lt) => (
              <th scope="col" key={lt}>
                {t('lead')} {number((Date.parse(lt) - issue) / 3_600_000)} h
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {fc.exceedance.map((e) => (
            <tr key={e.threshold}>
              <th scope="row">
                {e.threshold.split(':').at(-2) ?? e.threshold} ({number(e.value)} m³/s)
              </th>
              {e.probability.map((p, k) => (
                <td key={k} style={{ background: `rgba(213,94,0,${(p * 0.6).toFixed(2)})` }}>
                  {number(p * 100)} %
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  )
}
