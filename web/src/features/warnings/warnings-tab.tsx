/**
 * The warnings view. Signed in: each zone the token covers with its active warning and pending
 * draft, and for the selected zone the draft form (forecasters), the CAP message, delivery
 * (duty officers) and history. In public: the active levels from the map's zones and the feed.
 */
import { useState, type ReactNode } from 'react'
import type { FeatureCollection } from 'geojson'
import type { ZoneEvent, ZoneProperties, ZoneWarnings } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { hasRole, useSession } from '../../session/session.tsx'
import { LevelBadge } from '../../ui/levels.tsx'
import { CapPreview } from './cap-preview.tsx'
import { Deliveries } from './deliveries.tsx'
import { DraftForm } from './draft-form.tsx'
import { ZoneCard } from './zone-card.tsx'

export function WarningsTab(props: { levels: readonly string[] }): ReactNode {
  const { token } = useSession()
  return token === null ? <PublicWarnings /> : <ZoneWarningsList levels={props.levels} />
}

function PublicWarnings(): ReactNode {
  const { t, time } = useI18n()
  const zones = useApi<FeatureCollection>('/api/v1/dashboard/zones', {
    what: t('layer.zones'),
    live: ['warning'],
  })
  const list = (zones.data?.features ?? []).map((f) => f.properties as ZoneProperties)
  return (
    <section className="warnings" aria-labelledby="warnings-h">
      <h2 id="warnings-h">{t('zonesPublic')}</h2>
      <p className="note">{t('signInForMore')}</p>
      <p>
        <a href="/cap/feed.atom">{t('publicFeed')}</a>
      </p>
      <ul className="zone-list">
        {list.map((z) => (
          <li key={z.id} data-testid={`warning-zone-${z.id}`}>
            <strong>{z.name}</strong> <LevelBadge level={z.level} rank={z.rank} />
            {z.expires !== null ? ` ${t('expires')}: ${time(z.expires)}` : ''}
          </li>
        ))}
      </ul>
      {list.some((z) => z.alertId !== null) ? (
        <CapPreview alertId={list.find((z) => z.alertId !== null)!.alertId!} />
      ) : null}
    </section>
  )
}

function ZoneWarningsList(props: { levels: readonly string[] }): ReactNode {
  const { t } = useI18n()
  const { me } = useSession()
  const warnings = useApi<readonly ZoneWarnings[]>('/api/v1/warnings', {
    what: t('warningsTitle'),
    live: ['warning'],
  })
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const list = warnings.data ?? []
  const selected =
    list.find((z) => z.zoneId === selectedId) ??
    list.find((z) => z.pending !== null || z.active !== null) ??
    list[0]
  return (
    <section className="warnings" aria-labelledby="warnings-h">
      <div className="zone-column">
        <h2 id="warnings-h">{t('warningsTitle')}</h2>
        <p>
          <a href="/cap/feed.atom">{t('publicFeed')}</a>
        </p>
        {warnings.loading && warnings.data === undefined ? <p>{t('loading')}</p> : null}
        {list.map((z) => (
          <ZoneCard
            key={z.zoneId}
            zone={z}
            selected={z === selected}
            onSelect={() => setSelectedId(z.zoneId)}
            onChanged={warnings.reload}
          />
        ))}
      </div>
      {selected !== undefined ? (
        <section className="zone-detail" aria-label={selected.name}>
          <h2>{selected.name}</h2>
          {hasRole(me?.role, 'forecaster') ? (
            <DraftForm
              key={selected.zoneId}
              zoneId={selected.zoneId}
              zoneName={selected.name}
              levels={props.levels}
              hasActive={selected.active !== null}
              onDone={warnings.reload}
            />
          ) : null}
          {selected.active !== null ? <CapPreview alertId={selected.active.alertId} /> : null}
          {selected.active !== null && hasRole(me?.role, 'duty-officer') ? (
            <Deliveries warningId={selected.active.warningId} version={selected.active.version} />
          ) : null}
          <ZoneHistory zoneId={selected.zoneId} />
        </section>
      ) : null}
    </section>
  )
}

function ZoneHistory(props: { zoneId: string }): ReactNode {
  const { t, time } = useI18n()
  const zone = useApi<{ events: readonly ZoneEvent[] }>(
    `/api/v1/warnings/${encodeURIComponent(props.zoneId)}`,
    {
      what: t('history'),
      live: ['warning'],
    },
  )
  const events = zone.data?.events ?? []
  return (
    <section aria-label={t('lifecycle')}>
      <h3>{t('lifecycle')}</h3>
      <ol className="history">
        {[...events]
          .reverse()
          .slice(0, 30)
          .map((e, k) => (
            <li key={`${e.at}-${k}`}>
              <time dateTime={e.at}>{time(e.at)}</time> · {e.kind} · {e.by}: {e.summary}
            </li>
          ))}
      </ol>
    </section>
  )
}
