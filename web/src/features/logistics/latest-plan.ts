/**
 * The latest allocation plan: on opening, the newest stored plan
 * (`GET /api/v1/logistics/allocations?limit=1`); afterwards the plan a `logistics` event
 * announces or the logistics view proposes, read from `GET /api/v1/logistics/allocations/{id}`
 * and read again when an event says it changed (it was dispatched).
 */
import { useEffect, useState } from 'react'
import type { AllocationPlan } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useLiveEvent } from '../../live/live.tsx'
import { useSession } from '../../session/session.tsx'

/** Plans proposed or dispatched from this page, before (or without) the server's event. */
const announced = new EventTarget()

/**
 * Tells the page that plan `id` was proposed or changed from it: it becomes the latest plan, or
 * is read again if it already is.
 */
export function announcePlan(id: string): void {
  announced.dispatchEvent(new CustomEvent<string>('plan', { detail: id }))
}

/** The latest plan: the newest stored when the page opened, then each one announced; or null. */
export function useLatestPlan(): AllocationPlan | null {
  const { t } = useI18n()
  const { token } = useSession()
  const newest = useApi<{ plans: readonly AllocationPlan[] }>(
    token === null ? null : '/api/v1/logistics/allocations?limit=1',
    { what: t('latestPlan') },
  )
  // Set once a plan is announced; until then the newest stored plan stands.
  const [planId, setPlanId] = useState<string | null>(null)
  const plan = useApi<AllocationPlan>(
    token === null || planId === null
      ? null
      : `/api/v1/logistics/allocations/${encodeURIComponent(planId)}`,
    { what: t('latestPlan') },
  )
  const { reload } = plan
  const shown = planId === null ? (newest.data?.plans[0] ?? null) : (plan.data ?? null)
  // The plan shown until the announced one has arrived (no blank between the two).
  const [previous, setPrevious] = useState<AllocationPlan | null>(null)
  const seen = (id: string): void => {
    if (id === planId) {
      reload()
      return
    }
    setPrevious(shown)
    setPlanId(id)
  }
  useLiveEvent(['logistics'], (e) => {
    if (e.data['what'] === 'plan' && typeof e.data['id'] === 'string') seen(e.data['id'])
  })
  useEffect(() => {
    const onPlan = (e: Event): void => seen((e as CustomEvent<string>).detail)
    announced.addEventListener('plan', onPlan)
    return () => announced.removeEventListener('plan', onPlan)
  })
  if (token === null) return null
  return shown ?? previous
}
