/**
 * The latest allocation plan: its id comes with the `logistics` event that announces it (kept
 * for the tab's session) or from the logistics view that proposed it, the plan itself from
 * `GET /api/v1/logistics/allocations/{id}`, read again when an event says it changed (it was
 * dispatched).
 */
import { useEffect, useState } from 'react'
import type { AllocationPlan } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useLiveEvent } from '../../live/live.tsx'
import { useSession } from '../../session/session.tsx'

const STORAGE_KEY = 'freshet.latestPlan'

/** Plans proposed or dispatched from this page, before (or without) the server's event. */
const announced = new EventTarget()

/**
 * Tells the page that plan `id` was proposed or changed from it: it becomes the latest plan, or
 * is read again if it already is.
 */
export function announcePlan(id: string): void {
  announced.dispatchEvent(new CustomEvent<string>('plan', { detail: id }))
}

/** The latest plan announced since the tab opened, or null. */
export function useLatestPlan(): AllocationPlan | null {
  const { t } = useI18n()
  const { token } = useSession()
  const [planId, setPlanId] = useState<string | null>(() =>
    window.sessionStorage.getItem(STORAGE_KEY),
  )
  const plan = useApi<AllocationPlan>(
    token === null || planId === null
      ? null
      : `/api/v1/logistics/allocations/${encodeURIComponent(planId)}`,
    { what: t('latestPlan') },
  )
  const { reload } = plan
  const seen = (id: string): void => {
    if (id === planId) {
      reload()
      return
    }
    window.sessionStorage.setItem(STORAGE_KEY, id)
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
  return plan.data ?? null
}
