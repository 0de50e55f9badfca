/** Delivery and acknowledgment of a warning version, per channel and recipient (duty officers). */
import type { ReactNode } from 'react'
import type { DeliveryMessage } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { DataTable } from '../../ui/data-table.tsx'

/** The messages of one version of a warning, each with its delivery and acknowledgment. */
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
      <DataTable
        caption={t('deliveries')}
        captionHidden
        rows={list}
        rowKey={(m) => m.id}
        empty={t('noDeliveries')}
        loading={messages.loading && messages.data === undefined}
        failed={messages.error}
        columns={[
          { key: 'recipient', header: t('recipient'), cell: (m) => m.recipient },
          {
            key: 'channel',
            header: t('channel'),
            cell: (m) => `${m.channel} · ${m.address} · ${m.language}`,
          },
          {
            key: 'status',
            header: t('status'),
            cell: (m) => `${m.status}${m.lastError !== null ? ` (${m.lastError})` : ''}`,
          },
          { key: 'attempts', header: t('attempts'), numeric: true, cell: (m) => m.attempts },
          {
            key: 'acknowledged',
            header: t('acknowledged'),
            cell: (m) =>
              m.acknowledged === null
                ? t('notAcknowledged')
                : `${time(m.acknowledged.at)} (${m.acknowledged.via})`,
          },
        ]}
      />
    </section>
  )
}
