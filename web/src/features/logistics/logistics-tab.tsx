/**
 * The logistics view: stock per depot against capacity with the form recording a movement,
 * shortfalls against targets, the latest allocation plan (also drawn on the map as flows) with
 * proposing and dispatching, dispatches with their state and next steps, shelters with check-in
 * and check-out. What a user may change follows their role and areas, as the server decides it.
 */
import type { ReactNode } from 'react'
import type {
  AllocationPlan,
  CatalogueItem,
  Depot,
  ExposedArea,
  Shortfall,
} from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useSession } from '../../session/session.tsx'
import { DataTable } from '../../ui/data-table.tsx'
import { DispatchList } from './dispatch-list.tsx'
import { MovementForm } from './movement-form.tsx'
import { PlanSection } from './plan-section.tsx'
import { mayChangeAll } from './rights.ts'
import { ShelterList } from './shelter-list.tsx'

const LIVE = ['logistics', 'warning']

/**
 * The logistics view (signed in): depots with the movement form, shortfalls, the latest `plan`
 * with its proposal and dispatch, dispatches, shelters.
 */
export function LogisticsTab(props: { plan: AllocationPlan | null }): ReactNode {
  const { t } = useI18n()
  const { token } = useSession()
  if (token === null) return <p className="note">{t('signInForLogistics')}</p>
  return <SignedIn plan={props.plan} />
}

function SignedIn(props: { plan: AllocationPlan | null }): ReactNode {
  const { t } = useI18n()
  const depots = useApi<readonly Depot[]>('/api/v1/logistics/depots', {
    what: t('depots'),
    live: LIVE,
  })
  const list = depots.data ?? []
  const depotAreas = new Map(list.map((d) => [d.id, d.areaId]))
  return (
    <div className="logistics">
      <Depots
        depots={list}
        loading={depots.loading}
        failed={depots.error}
        onChanged={depots.reload}
      />
      <Shortfalls />
      <PlanSection plan={props.plan} depotAreas={depotAreas} />
      <DispatchList depotAreas={depotAreas} />
      <ShelterList />
    </div>
  )
}

function Depots(props: {
  depots: readonly Depot[]
  loading: boolean
  /** Why the depots could not be read, if they could not. */
  failed: unknown
  onChanged: () => void
}): ReactNode {
  const { t, number } = useI18n()
  const { me } = useSession()
  const catalogue = useApi<readonly CatalogueItem[]>('/api/v1/logistics/catalogue', {
    what: t('catalogue'),
  })
  const exposure = useApi<readonly ExposedArea[]>('/api/v1/logistics/exposure', {
    what: t('areas'),
  })
  const list = props.depots
  const units = new Map((catalogue.data ?? []).map((c) => [c.id, c.unit]))
  const items = [...new Set(list.flatMap((d) => d.stock.map((s) => s.itemId)))].sort()
  const changeable = list.filter((d) => mayChangeAll(me, [d.areaId]))
  return (
    <section aria-labelledby="depots-h">
      <h2 id="depots-h">{t('depots')}</h2>
      <DataTable
        caption={t('depots')}
        captionHidden
        rows={list}
        rowKey={(d) => d.id}
        empty="—"
        loading={props.loading}
        failed={props.failed}
        testId="depot-table"
        columns={[
          { key: 'depot', header: t('depot'), rowHeader: true, cell: (d) => d.name },
          {
            key: 'volume',
            header: `${t('usedVolume')} / ${t('capacity')} (m³)`,
            cell: (d) => (
              <>
                <meter
                  min={0}
                  max={d.capacityM3}
                  value={d.usedM3}
                  aria-label={`${t('usedVolume')} ${d.name}`}
                />{' '}
                {number(d.usedM3)} / {number(d.capacityM3)}
              </>
            ),
          },
          ...items.map((i) => ({
            key: `item-${i}`,
            header: units.has(i) ? `${i} (${units.get(i)})` : i,
            numeric: true,
            cell: (d: Depot) => {
              const line = d.stock.find((s) => s.itemId === i)
              return (
                <span data-testid={`stock-${d.id}-${i}`} data-version={line?.version ?? 0}>
                  {number(line?.quantity ?? 0, 3)}
                </span>
              )
            },
          })),
        ]}
      />
      {changeable.length > 0 ? (
        <MovementForm
          depots={changeable}
          items={catalogue.data ?? []}
          areas={exposure.data ?? []}
          onRecorded={props.onChanged}
        />
      ) : list.length > 0 ? (
        <p className="note">{t('noLogisticsRole')}</p>
      ) : null}
    </section>
  )
}

function Shortfalls(): ReactNode {
  const { t, number } = useI18n()
  const shortfalls = useApi<readonly Shortfall[]>('/api/v1/logistics/shortfalls', {
    what: t('shortfalls'),
    live: LIVE,
  })
  const list = (shortfalls.data ?? []).filter((s) => s.deficit > 0)
  return (
    <section aria-labelledby="shortfalls-h">
      <h2 id="shortfalls-h">{t('shortfalls')}</h2>
      <DataTable
        caption={t('shortfalls')}
        captionHidden
        rows={list.slice(0, 40)}
        rowKey={(s) => `${s.areaId}-${s.itemId}`}
        empty={t('noShortfall')}
        loading={shortfalls.loading}
        failed={shortfalls.error}
        columns={[
          { key: 'area', header: t('area'), cell: (s) => s.areaId },
          { key: 'item', header: t('item'), cell: (s) => s.itemId },
          { key: 'target', header: t('target'), numeric: true, cell: (s) => number(s.target) },
          {
            key: 'available',
            header: t('available'),
            numeric: true,
            cell: (s) => number(s.available),
          },
          { key: 'deficit', header: t('deficit'), numeric: true, cell: (s) => number(s.deficit) },
          {
            key: 'coverage',
            header: t('coverage'),
            cell: (s) => (
              <>
                <meter min={0} max={100} low={50} high={99} optimum={100} value={s.coveragePct} />{' '}
                {number(s.coveragePct)} %
              </>
            ),
          },
        ]}
      />
    </section>
  )
}
