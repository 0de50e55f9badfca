/** The stations as a searchable list: the keyboard's way to a station's panel. */
import { useId, useMemo, useState, type ReactNode } from 'react'
import type { DashboardStation, LevelRef } from '../../api/types.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { LevelBadge } from '../../ui/levels.tsx'

const MAX_SHOWN = 200

export function StationList(props: {
  stations: readonly DashboardStation[]
  levels: readonly LevelRef[]
  selected: string | null
  onSelect: (id: string) => void
}): ReactNode {
  const { t } = useI18n()
  const [query, setQuery] = useState('')
  const searchId = useId()
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase()
    const found =
      q === ''
        ? props.stations
        : props.stations.filter((s) =>
            `${s.name} ${s.id} ${s.river ?? ''}`.toLowerCase().includes(q),
          )
    return [...found].sort(
      (a, b) =>
        Math.max(b.observed?.rank ?? 0, b.forecast?.rank ?? 0) -
          Math.max(a.observed?.rank ?? 0, a.forecast?.rank ?? 0) || a.name.localeCompare(b.name),
    )
  }, [props.stations, query])
  const levelName = (rank: number): string =>
    props.levels.find((l) => l.rank === rank)?.name ?? 'normal'
  return (
    <section className="station-list" aria-labelledby={`${searchId}-h`}>
      <h2 id={`${searchId}-h`}>
        {t('stationList')} <small>({t('stationCount', { n: props.stations.length })})</small>
      </h2>
      <label htmlFor={searchId} className="visually-hidden">
        {t('searchStations')}
      </label>
      <input
        id={searchId}
        type="search"
        data-testid="station-search"
        placeholder={t('searchStations')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {matches.length === 0 ? <p>{t('noMatch')}</p> : null}
      <ul>
        {matches.slice(0, MAX_SHOWN).map((s) => (
          <li key={s.id}>
            <button
              type="button"
              data-testid={`station-item-${s.id}`}
              aria-pressed={props.selected === s.id}
              onClick={() => props.onSelect(s.id)}
            >
              <span className="station-name">{s.name}</span>
              <span className="station-states">
                <span title={t('observed')}>
                  {t('observed')}:{' '}
                  {s.observed === null ? (
                    t('noData')
                  ) : (
                    <LevelBadge level={levelName(s.observed.rank)} rank={s.observed.rank} />
                  )}
                </span>
                <span title={t('forecast')}>
                  {t('forecast')}:{' '}
                  {s.forecast === null ? (
                    t('noData')
                  ) : (
                    <LevelBadge level={levelName(s.forecast.rank)} rank={s.forecast.rank} />
                  )}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
