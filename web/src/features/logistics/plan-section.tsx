/**
 * The latest allocation plan with what a logistics officer does with it: propose a new one
 * (`POST /api/v1/logistics/allocations`, optionally minimising the largest unmet share first)
 * and dispatch the latest (`POST /api/v1/logistics/allocations/{planId}/dispatch`) after a
 * confirmation that says how many shipments leave how many depots.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { request } from '../../api/client.ts'
import type { AllocationPlan, Dispatch, Me } from '../../api/types.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { hasRole, useSession } from '../../session/session.tsx'
import { DataTable } from '../../ui/data-table.tsx'
import { DEFAULT_LEVEL_NAMES } from '../../ui/levels.tsx'
import { OutcomeLine, useSubmit } from '../../ui/submit.tsx'
import { announcePlan } from './latest-plan.ts'
import { mayChangeAll } from './rights.ts'

/** Use the allocation settings' lowest level (the server's default). */
const SETTINGS_LEVEL = ''

/**
 * The dispatch orders a plan makes, as the server makes them: one per depot and area with a
 * whole unit or more of some item (each flow rounded down).
 * @returns the number of shipments and of depots they leave from
 */
export function shipmentsOf(plan: Pick<AllocationPlan, 'flows'>): {
  shipments: number
  depots: number
} {
  const pairs = new Set<string>()
  const depots = new Set<string>()
  for (const f of plan.flows)
    if (Math.floor(f.quantity + 1e-9) > 0) {
      pairs.add(`${f.depotId}\u0000${f.areaId}`)
      depots.add(f.depotId)
    }
  return { shipments: pairs.size, depots: depots.size }
}

/**
 * The plan section: the latest `plan` (lines, flows), the proposal form and the dispatch of the
 * plan for a user who may change logistics records; `depotAreas` maps each depot to its area.
 */
export function PlanSection(props: {
  plan: AllocationPlan | null
  depotAreas: ReadonlyMap<string, string>
}): ReactNode {
  const { t, time, number } = useI18n()
  const { me } = useSession()
  const { plan } = props
  // The zones under warning are the server's to find: any duty officer may ask, and is refused
  // (with the zone named) when one of them is outside their areas.
  const mayPropose = hasRole(me?.role, 'duty-officer')
  return (
    <section aria-labelledby="plan-h" data-testid="plan-section">
      <h2 id="plan-h">{t('latestPlan')}</h2>
      {mayPropose ? <ProposeForm /> : null}
      {plan === null ? (
        <p>{t('noPlan')}</p>
      ) : (
        <>
          <p data-testid="plan-summary" data-plan={plan.id}>
            {plan.id} · {plan.createdBy} · {time(plan.createdAt)} · {t('unmet')}:{' '}
            {number(plan.unmet)}
            {plan.equity ? ` · ${t('equity')}` : ''}
          </p>
          <DispatchPlan plan={plan} me={me} depotAreas={props.depotAreas} />
          <DataTable
            caption={t('latestPlan')}
            captionHidden
            rows={plan.lines.slice(0, 60)}
            rowKey={(l) => `${l.areaId}-${l.itemId}`}
            empty="—"
            columns={[
              { key: 'area', header: t('area'), cell: (l) => l.areaId },
              { key: 'item', header: t('item'), cell: (l) => l.itemId },
              { key: 'need', header: t('need'), numeric: true, cell: (l) => number(l.need) },
              {
                key: 'delivered',
                header: t('delivered'),
                numeric: true,
                cell: (l) => number(l.delivered),
              },
              { key: 'unmet', header: t('unmet'), numeric: true, cell: (l) => number(l.unmet) },
            ]}
          />
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

/** Proposing an allocation to the zones under warning (or at a chosen lowest level). */
function ProposeForm(): ReactNode {
  const { t, tx, number } = useI18n()
  const { token } = useSession()
  const { busy, outcome, run } = useSubmit()
  const [equity, setEquity] = useState(false)
  const [minLevel, setMinLevel] = useState(SETTINGS_LEVEL)
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    await run(t('proposeTitle'), async () => {
      const plan = await request<AllocationPlan>('/api/v1/logistics/allocations', {
        token,
        method: 'POST',
        body: { equity, ...(minLevel === SETTINGS_LEVEL ? {} : { minLevel }) },
      })
      announcePlan(plan.id)
      return t('proposed', { id: plan.id, unmet: number(plan.unmet) })
    })
  }
  return (
    <form
      className="propose-form"
      aria-labelledby="propose-h"
      data-testid="propose-form"
      onSubmit={(e) => void submit(e)}
    >
      <h3 id="propose-h">{t('proposeTitle')}</h3>
      <label>
        {t('proposeMinLevel')}
        <select value={minLevel} onChange={(e) => setMinLevel(e.target.value)}>
          <option value={SETTINGS_LEVEL}>{t('proposeMinLevelDefault')}</option>
          {DEFAULT_LEVEL_NAMES.slice(1).map((l) => (
            <option key={l} value={l}>
              {tx(`level.${l}`, l)}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="propose-equity"
          checked={equity}
          onChange={(e) => setEquity(e.target.checked)}
          aria-describedby="propose-equity-hint"
        />{' '}
        {t('equity')}
      </label>
      <p id="propose-equity-hint" className="note">
        {t('equityHint')}
      </p>
      <button type="submit" data-testid="propose-submit" disabled={busy}>
        {t('propose')}
      </button>
      <OutcomeLine outcome={outcome} testId="propose-outcome" />
    </form>
  )
}

/** Dispatching `plan`: a button saying what it makes, then a confirmation. */
function DispatchPlan(props: {
  plan: AllocationPlan
  me: Me | null
  depotAreas: ReadonlyMap<string, string>
}): ReactNode {
  const { plan } = props
  const { t } = useI18n()
  const { token } = useSession()
  const { busy, outcome, run } = useSubmit()
  const [confirming, setConfirming] = useState<string | null>(null)
  // Keyboard users land on the question when it opens, and back on the button when it closes.
  const question = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const asked = useRef(false)
  useEffect(() => {
    if (confirming !== null) question.current?.focus()
    else if (asked.current) button.current?.focus()
    asked.current = confirming !== null
  }, [confirming])
  const { shipments, depots } = shipmentsOf(plan)
  // The server asks for every area the dispatch touches: each depot's and each destination.
  const touched = plan.flows.flatMap((f) => [f.areaId, props.depotAreas.get(f.depotId) ?? ''])
  const mayDispatch = mayChangeAll(props.me, touched)
  const what = t('dispatchPlanButton', { shipments, depots })
  const dispatch = async (): Promise<void> => {
    setConfirming(null)
    await run(what, async () => {
      try {
        const orders = await request<readonly Dispatch[]>(
          `/api/v1/logistics/allocations/${encodeURIComponent(plan.id)}/dispatch`,
          { token, method: 'POST' },
        )
        return t('dispatched', { count: orders.length })
      } finally {
        // Dispatched now or already: read the plan again (its dispatch ids).
        announcePlan(plan.id)
      }
    })
  }
  let action: ReactNode = null
  if (plan.dispatchIds.length > 0)
    action = (
      <p data-testid="plan-dispatched">{t('planDispatched', { count: plan.dispatchIds.length })}</p>
    )
  else if (shipments === 0) action = <p>{t('nothingToDispatch')}</p>
  else if (mayDispatch)
    action =
      confirming === plan.id ? (
        <div
          ref={question}
          tabIndex={-1}
          role="group"
          aria-labelledby="dispatch-confirm-text"
          className="confirm"
          data-testid="dispatch-confirm"
        >
          <p id="dispatch-confirm-text">
            {t('dispatchConfirmText', { shipments, depots, id: plan.id })}
          </p>
          <div className="button-row">
            <button
              type="button"
              data-testid="dispatch-confirm-yes"
              disabled={busy}
              onClick={() => void dispatch()}
            >
              {t('dispatchConfirm')}
            </button>
            <button type="button" onClick={() => setConfirming(null)}>
              {t('back')}
            </button>
          </div>
        </div>
      ) : (
        <button
          ref={button}
          type="button"
          data-testid="dispatch-plan"
          disabled={busy}
          onClick={() => setConfirming(plan.id)}
        >
          {what}
        </button>
      )
  return (
    <div className="plan-dispatch">
      {action}
      <OutcomeLine outcome={outcome} testId="dispatch-plan-outcome" />
    </div>
  )
}
