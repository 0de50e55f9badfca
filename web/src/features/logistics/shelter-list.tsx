/**
 * The shelters with their occupancy and, for a user who may change a shelter, checking persons
 * in and out (`POST /api/v1/logistics/shelters/{id}/check-in` and `…/check-out`) with the
 * version of the shelter the page shows. The server refuses more persons than there are places
 * (or than are in the shelter); its message is shown on the row and the list read again.
 */
import { useState, type FormEvent, type ReactNode } from 'react'
import { request } from '../../api/client.ts'
import type { Shelter } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useSession } from '../../session/session.tsx'
import { DataTable } from '../../ui/data-table.tsx'
import { OutcomeLine, useSubmit } from '../../ui/submit.tsx'
import { mayChangeAll } from './rights.ts'

type Change = 'check-in' | 'check-out'

/** The shelters section (occupancy and free places in persons). */
export function ShelterList(): ReactNode {
  const { t, number } = useI18n()
  const { me } = useSession()
  const shelters = useApi<readonly Shelter[]>('/api/v1/logistics/shelters', {
    what: t('shelters'),
    live: ['logistics'],
  })
  const list = shelters.data ?? []
  return (
    <section aria-labelledby="shelters-h" className="wide">
      <h2 id="shelters-h">{t('shelters')}</h2>
      <DataTable
        caption={t('shelters')}
        captionHidden
        rows={list}
        rowKey={(s) => s.id}
        empty="—"
        loading={shelters.loading}
        failed={shelters.error}
        testId="shelter-table"
        columns={[
          { key: 'name', header: t('shelter'), rowHeader: true, cell: (s) => s.name },
          { key: 'area', header: t('area'), cell: (s) => s.areaId },
          {
            key: 'occupancy',
            header: t('occupancy'),
            numeric: true,
            cell: (s) => (
              <span data-testid={`shelter-occupancy-${s.id}`} data-version={s.version}>
                {number(s.occupancy)}
              </span>
            ),
          },
          {
            key: 'capacity',
            header: t('capacity'),
            numeric: true,
            cell: (s) => number(s.capacity),
          },
          {
            key: 'free',
            header: t('placesFree'),
            numeric: true,
            cell: (s) => number(Math.max(0, s.capacity - s.occupancy)),
          },
          {
            key: 'actions',
            header: t('actions'),
            cell: (s) =>
              mayChangeAll(me, [s.areaId]) ? (
                <ShelterCheck shelter={s} onChanged={shelters.reload} />
              ) : null,
          },
        ]}
      />
    </section>
  )
}

/** Checking persons in or out of one shelter. */
function ShelterCheck(props: { shelter: Shelter; onChanged: () => void }): ReactNode {
  const { shelter: s } = props
  const { t, number } = useI18n()
  const { token } = useSession()
  const { busy, outcome, run } = useSubmit()
  const [persons, setPersons] = useState('')
  const count = Number(persons)
  const valid = persons.trim() !== '' && Number.isInteger(count) && count > 0
  const send = async (change: Change): Promise<void> => {
    if (!valid) return
    await run(
      t(change === 'check-in' ? 'checkInAt' : 'checkOutAt', { shelter: s.name }),
      async () => {
        let now: Shelter
        try {
          now = await request<Shelter>(
            `/api/v1/logistics/shelters/${encodeURIComponent(s.id)}/${change}`,
            { token, method: 'POST', body: { persons: count, expectedVersion: s.version } },
          )
        } finally {
          props.onChanged()
        }
        setPersons('')
        return t(change === 'check-in' ? 'checkedIn' : 'checkedOut', {
          persons: number(count),
          occupancy: number(now.occupancy),
          capacity: number(now.capacity),
        })
      },
    )
  }
  const submit = (e: FormEvent): void => {
    e.preventDefault()
    void send('check-in')
  }
  return (
    <form
      className="shelter-check"
      onSubmit={submit}
      aria-label={t('checkInOut', { shelter: s.name })}
    >
      <label>
        {t('persons')}{' '}
        <input
          type="number"
          className="num"
          min={1}
          step={1}
          value={persons}
          onChange={(e) => setPersons(e.target.value)}
          data-testid={`shelter-persons-${s.id}`}
        />
      </label>{' '}
      <button type="submit" data-testid={`shelter-check-in-${s.id}`} disabled={busy || !valid}>
        {t('checkIn')}
      </button>{' '}
      <button
        type="button"
        data-testid={`shelter-check-out-${s.id}`}
        disabled={busy || !valid}
        onClick={() => void send('check-out')}
      >
        {t('checkOut')}
      </button>
      <OutcomeLine outcome={outcome} testId={`shelter-outcome-${s.id}`} />
    </form>
  )
}
