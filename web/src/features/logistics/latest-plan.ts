/**
 * The latest allocation plan: its id comes with the `logistics` event that announces it (kept
 * for the tab's session), the plan itself from `GET /api/v1/logistics/allocations/{id}`.
 */
import { useState } from 'react'
import type { AllocationPlan } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useLiveEvent } from '../../live/live.tsx'
import { useSession } from '../../session/session.tsx'

const STORAGE_KEY = 'freshet.latestPlan'

/** The latest plan announced since the tab opened, or null. */
export function useLatestPlan(): AllocationPlan | null {
  const { t } = useI18n()
  const { token } = useSession()
  const [planId, setPlanId] = useState<string | null>(() =>
    window.sessionStorage.getItem(STORAGE_KEY),
  )
  useLiveEvent(['logistics'], (e) => {
    if (e.data['what'] === 'plan' && typeof e.data['id'] === 'string') {
      window.sessionStorage.setItem(STORAGE_KEY, e.data['id'])
      setPlanId(e.data['id'])
    }
  })
  const plan = useApi<AllocationPlan>(
    token === null || planId === null
      ? null
      : `/api/v1/logistics/allocations/${encodeURIComponent(planId)}`,
    { what: t('latestPlan') },
  )
  return plan.data ?? null
}
