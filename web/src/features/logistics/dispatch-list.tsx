/**
 * The open dispatch orders with their state and, for a user who may change them, the next steps
 * of each as buttons (`POST /api/v1/logistics/dispatches/{dispatchId}/events`): loaded, departed
 * (in transit), delivered (the load handed over in full, which issues it from the depot's stock)
 * and received (the receiver's count, taken as what was delivered; the receiving area's step
 * alone), and cancelling with a reason
 * until the load has left. Each step is sent with the
 * version of the order the page shows; a refusal is shown on the row and the list read again.
 */
import { useState, type ReactNode } from 'react'
import { request } from '../../api/client.ts'
import type { Dispatch } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/dictionary.ts'
import { useSession } from '../../session/session.tsx'
import { DataTable } from '../../ui/data-table.tsx'
import { OutcomeLine, useSubmit } from '../../ui/submit.tsx'
import { mayChangeAny } from './rights.ts'

type Step = 'loaded' | 'in-transit' | 'delivered' | 'acknowledged' | 'cancelled'

/** The step forward from `state`, if any (the server's order state machine). */
function nextStep(state: string): Step | null {
  switch (state) {
    case 'planned':
      return 'loaded'
    case 'loaded':
      return 'in-transit'
    case 'in-transit':
      return 'delivered'
    case 'delivered':
      return 'acknowledged'
    default:
      return null
  }
}

/** Whether an order in `state` may still be cancelled: not once the load has left. */
const cancellable = (state: string): boolean => state === 'planned' || state === 'loaded'

/**
 * The body of `step` for order `d`: a delivery hands over the whole load, received counts it as
 * delivered, a cancellation gives its `reason`.
 */
function stepBody(d: Dispatch, step: Step, reason: string): Record<string, unknown> {
  const base = { kind: step, expectedVersion: d.version }
  switch (step) {
    case 'delivered':
      return { ...base, lines: d.lines }
    case 'acknowledged':
      return { ...base, received: d.delivered ?? d.lines, note: '' }
    case 'cancelled':
      return { ...base, reason }
    default:
      return base
  }
}

/**
 * The dispatches section; `depotAreas` maps each depot to its area (a user may step an order
 * when their areas cover its depot's area or its destination).
 */
export function DispatchList(props: { depotAreas: ReadonlyMap<string, string> }): ReactNode {
  const { t, time, number } = useI18n()
  const { me } = useSession()
  const dispatches = useApi<readonly Dispatch[]>('/api/v1/logistics/dispatches', {
    what: t('dispatches'),
    live: ['logistics'],
  })
  const list = dispatches.data ?? []
  const mayStep = (d: Dispatch): boolean =>
    mayChangeAny(me, [d.toAreaId, props.depotAreas.get(d.fromDepotId) ?? ''])
  return (
    <section aria-labelledby="dispatches-h" className="wide">
      <h2 id="dispatches-h">{t('dispatches')}</h2>
      <DataTable
        caption={t('dispatches')}
        captionHidden
        rows={list}
        rowKey={(d) => d.id}
        empty={t('noDispatches')}
        loading={dispatches.loading}
        failed={dispatches.error}
        testId="dispatch-table"
        columns={[
          { key: 'id', header: t('dispatch'), rowHeader: true, cell: (d) => d.id },
          { key: 'from', header: t('from'), cell: (d) => d.fromDepotId },
          { key: 'to', header: t('to'), cell: (d) => d.toAreaId },
          {
            key: 'item',
            header: t('item'),
            cell: (d) => d.lines.map((l) => `${number(l.quantity)} ${l.itemId}`).join(', '),
          },
          {
            key: 'state',
            header: t('state'),
            cell: (d) => (
              <span data-testid={`dispatch-state-${d.id}`} data-state={d.state}>
                {t(`dispatchState.${d.state}` as MessageKey)}
              </span>
            ),
          },
          { key: 'updated', header: t('updated'), cell: (d) => time(d.updatedAt) },
          {
            key: 'actions',
            header: t('actions'),
            cell: (d) =>
              mayStep(d) ? (
                <DispatchSteps
                  dispatch={d}
                  mayReceive={mayChangeAny(me, [d.toAreaId])}
                  onChanged={dispatches.reload}
                />
              ) : null,
          },
        ]}
      />
    </section>
  )
}

/**
 * The buttons of one order's next steps, and the outcome of the last. Receipt is the receiving
 * area's to record (`mayReceive`), as the server has it; the depot's side sees it awaited.
 */
function DispatchSteps(props: {
  dispatch: Dispatch
  mayReceive: boolean
  onChanged: () => void
}): ReactNode {
  const { dispatch: d } = props
  const { t } = useI18n()
  const { token } = useSession()
  const { busy, outcome, run } = useSubmit()
  const [cancelling, setCancelling] = useState(false)
  const [reason, setReason] = useState('')
  const step = nextStep(d.state)
  const next = step === 'acknowledged' && !props.mayReceive ? null : step
  const send = async (step: Step): Promise<void> => {
    await run(t('dispatchStepOf', { id: d.id }), async () => {
      try {
        await request(`/api/v1/logistics/dispatches/${encodeURIComponent(d.id)}/events`, {
          token,
          method: 'POST',
          body: stepBody(d, step, reason.trim()),
        })
      } finally {
        // Recorded, or refused because the order moved on: show the orders as they are now.
        props.onChanged()
      }
      setCancelling(false)
      setReason('')
      return t('dispatchStepDone', { state: t(`dispatchState.${step}` as MessageKey) })
    })
  }
  const reasonId = `dispatch-reason-${d.id}`
  return (
    <div className="dispatch-steps">
      <div className="button-row">
        {step === 'acknowledged' && next === null ? (
          <span className="note">{t('receiptAwaited')}</span>
        ) : null}
        {next !== null ? (
          // One button whatever the step, so that focus stays on it from one step to the next.
          <button
            key="next"
            type="button"
            data-testid={`dispatch-${next}-${d.id}`}
            disabled={busy}
            onClick={() => void send(next)}
          >
            {t(`dispatchStep.${next}` as MessageKey)}
          </button>
        ) : null}
        {cancellable(d.state) && !cancelling ? (
          <button type="button" onClick={() => setCancelling(true)}>
            {t('dispatchCancel')}
          </button>
        ) : null}
      </div>
      {cancellable(d.state) && cancelling ? (
        <div className="button-row" role="group" aria-label={t('dispatchCancelOf', { id: d.id })}>
          <label htmlFor={reasonId}>{t('cancelReason')}</label>
          <input
            id={reasonId}
            // Opened by the "Cancel…" button, which goes: the reason is where the user is.
            autoFocus
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid={`dispatch-cancel-reason-${d.id}`}
          />
          <button
            type="button"
            data-testid={`dispatch-cancelled-${d.id}`}
            disabled={busy || reason.trim() === ''}
            onClick={() => void send('cancelled')}
          >
            {t('dispatchStep.cancelled')}
          </button>
          <button type="button" onClick={() => setCancelling(false)}>
            {t('back')}
          </button>
        </div>
      ) : null}
      <OutcomeLine outcome={outcome} />
    </div>
  )
}
