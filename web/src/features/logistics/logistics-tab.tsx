/**
 * The logistics view: stock per depot against capacity, shortfalls against targets, the latest
 * allocation plan (also drawn on the map as flows), dispatches with their state, shelters.
 */
import type { ReactNode } from 'react'
import type { AllocationPlan, Depot, Dispatch, Shelter, Shortfall } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useSession } from '../../session/session.tsx'

const LIVE = ['logistics', 'warning']

export function LogisticsTab(props: { plan: AllocationPlan | null }): ReactNode {
  const { t } = useI18n()
  const { token } = useSession()
  if (token === null) return <p className="note">{t('signInForLogistics')}</p>
  return (
    <div className="logistics">
      <Depots />
      <Shortfalls />
      <Plan plan={props.plan} />
      <Dispatches />
      <Shelters />
    </div>
  )
}

function Depots(): ReactNode {
  const { t, number } = useI18n()
  const depots = useApi<readonly Depot[]>('/api/v1/logistics/depots', {
    what: t('depots'),
    live: LIVE,
  })
  const list = depots.data ?? []
  const items = [...new Set(list.flatMap((d) => d.stock.map((s) => s.itemId)))].sort()
  return (
    <section aria-labelledby="depots-h">
      <h2 id="depots-h">{t('depots')}</h2>
      {list.length === 0 ? <p>{depots.loading ? t('loading') : '—'}</p> : null}
      {list.length > 0 ? (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('depot')}</th>
                <th scope="col">
                  {t('usedVolume')} / {t('capacity')} (m³)
                </th>
                {items.map((i) => (
                  <th scope="col" key={i}>
                    {i}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id}>
                  <th scope="row">{d.name}</th>
                  <td>
                    <meter
                      min={0}
                      max={d.capacityM3}
                      value={d.usedM3}
                      aria-label={`${t('usedVolume')} ${d.name}`}
                    />{' '}
                    {number(d.usedM3)} / {number(d.capacityM3)}
                  </td>
                  {items.map((i) => (
                    <td key={i}>{number(d.stock.find((s) => s.itemId === i)?.quantity ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
      {list.length === 0 ? (
        <p>{shortfalls.loading ? t('loading') : t('noShortfall')}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('area')}</th>
                <th scope="col">{t('item')}</th>
                <th scope="col">{t('target')}</th>
                <th scope="col">{t('available')}</th>
                <th scope="col">{t('deficit')}</th>
                <th scope="col">{t('coverage')}</th>
              </tr>
            </thead>
            <tbody>
              {list.slice(0, 40).map((s) => (
                <tr key={`${s.areaId}-${s.itemId}`}>
                  <td>{s.areaId}</td>
                  <td>{s.itemId}</td>
                  <td>{number(s.target)}</td>
                  <td>{number(s.available)}</td>
                  <td>{number(s.deficit)}</td>
                  <td>
                    <meter
                      min={0}
                      max={100}
                      low={50}
                      high={99}
                      optimum={100}
                      value={s.coveragePct}
                    />{' '}
                    {number(s.coveragePct)} %
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function Plan(props: { plan: AllocationPlan | null }): ReactNode {
  const { t, time, number } = useI18n()
  const { plan } = props
  return (
    <section aria-labelledby="plan-h">
      <h2 id="plan-h">{t('latestPlan')}</h2>
      {plan === null ? (
        <p>{t('noPlan')}</p>
      ) : (
        <>
          <p>
            {plan.id} · {plan.createdBy} · {time(plan.createdAt)} · {t('unmet')}:{' '}
            {number(plan.unmet)}
          </p>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('area')}</th>
                  <th scope="col">{t('item')}</th>
                  <th scope="col">{t('need')}</th>
                  <th scope="col">{t('delivered')}</th>
                  <th scope="col">{t('unmet')}</th>
                </tr>
              </thead>
              <tbody>
                {plan.lines.slice(0, 60).map((l) => (
                  <tr key={`${l.areaId}-${l.itemId}`}>
                    <td>{l.areaId}</td>
                    <td>{l.itemId}</td>
                    <td>{number(l.need)}</td>
                    <td>{number(l.delivered)}</td>
                    <td>{number(l.unmet)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>{t('flows')}</h3>
          <ul>
            {plan.flows
              .filter((f) => f.quantity > 0)
              .slice(0, 40)
              .map((f) => (
                <li key={`${f.depotId}-${f.areaId}-${f.itemId}`}>
                  {f.depotId} → {f.areaId}: {number(f.quantity)} {f.itemId}
                </li>
              ))}
          </ul>
        </>
      )}
    </section>
  )
}

function Dispatches(): ReactNode {
  const { t, time, number } = useI18n()
  const dispatches = useApi<readonly Dispatch[]>('/api/v1/logistics/dispatches', {
    what: t('dispatches'),
    live: LIVE,
  })
  const list = dispatches.data ?? []
  return (
    <section aria-labelledby="dispatches-h">
      <h2 id="dispatches-h">{t('dispatches')}</h2>
      {list.length === 0 ? (
        <p>{dispatches.loading ? t('loading') : t('noDispatches')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('from')}</th>
              <th scope="col">{t('to')}</th>
              <th scope="col">{t('item')}</th>
              <th scope="col">{t('state')}</th>
              <th scope="col">{t('updated')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.id}>
                <td>{d.fromDepotId}</td>
                <td>{d.toAreaId}</td>
                <td>{d.lines.map((l) => `${number(l.quantity)} ${l.itemId}`).join(', ')}</td>
                <td>{d.state}</td>
                <td>{time(d.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function Shelters(): ReactNode {
  const { t, number } = useI18n()
  const shelters = useApi<readonly Shelter[]>('/api/v1/logistics/shelters', {
    what: t('shelters'),
    live: LIVE,
  })
  const list = shelters.data ?? []
  return (
    <section aria-labelledby="shelters-h">
      <h2 id="shelters-h">{t('shelters')}</h2>
      {list.length === 0 ? (
        <p>{shelters.loading ? t('loading') : '—'}</p>
      ) : (
        <ul>
          {list.map((s) => (
            <li key={s.id}>
              {s.name} ({s.areaId}): {t('occupancy')} {number(s.occupancy)} / {number(s.capacity)}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
