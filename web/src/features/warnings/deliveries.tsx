/** Delivery and acknowledgment of a warning version, per channel and recipient (duty officers). */
import type { ReactNode } from 'react'
import type { DeliveryMessage } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'

export function Deliveries(props: { warningId: string; version: number }): ReactNode {
  const { t, time } = useI18n()
  const messages = useApi<readonly DeliveryMessage[]>(
    `/api/v1/deliveries?warningId=${encodeURIComponent(props.warningId)}&version=${props.version}`,
    { what: t('deliveries'), live: ['warning', 'delivery'] },
  )
  const list = messages.data ?? []
  return (
    <section aria-label={t('deliveries')}>
      <h3>{t('deliveries')}</h3>
      {messages.loading && messages.data === undefined ? <p>{t('loading')}</p> : null}
      {!messages.loading && list.length === 0 ? <p>{t('noDeliveries')}</p> : null}
      {list.length > 0 ? (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('recipient')}</th>
                <th scope="col">{t('channel')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('attempts')}</th>
                <th scope="col">{t('acknowledged')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.id}>
                  <td>{m.recipient}</td>
                  <td>
                    {m.channel} · {m.address} · {m.language}
                  </td>
                  <td>
                    {m.status}
                    {m.lastError !== null ? ` (${m.lastError})` : ''}
                  </td>
                  <td>{m.attempts}</td>
                  <td>
                    {m.acknowledged === null
                      ? t('notAcknowledged')
                      : `${time(m.acknowledged.at)} (${m.acknowledged.via})`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  )
}
