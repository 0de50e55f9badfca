/** The demo's time control: play, pause, next day, speed, and the simulated time. Shown only when the server runs the demo. */
import { useState, type ReactNode } from 'react'
import { request } from '../api/client.ts'
import type { ReplayStatus } from '../api/types.ts'
import { useApi } from '../api/use-api.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/dictionary.ts'
import { hasRole, useSession } from '../session/session.tsx'
import { useErrors } from '../ui/errors.tsx'
import { useLiveEvent } from './live.tsx'

const SPEEDS = [1, 6, 24, 48, 96] as const

export function ReplayControl(): ReactNode {
  const { t, time } = useI18n()
  const { token, me } = useSession()
  const { report } = useErrors()
  const about = useApi<{ demo: boolean }>('/api/v1/about', { what: t('replay') })
  const replay = useApi<ReplayStatus>(about.data?.demo === true ? '/api/v1/demo/replay' : null, {
    what: t('replay'),
    optional: true,
  })
  const [pushed, setPushed] = useState<ReplayStatus | null>(null)
  const [busy, setBusy] = useState(false)
  useLiveEvent(['replay'], (e) => {
    if (typeof e.data['state'] === 'string') setPushed(e.data as unknown as ReplayStatus)
  })
  const status = pushed ?? replay.data
  if (status === undefined) return null
  const send = async (body: {
    action: 'play' | 'pause' | 'step' | 'speed'
    speed?: number
  }): Promise<void> => {
    setBusy(true)
    try {
      setPushed(await request<ReplayStatus>('/api/v1/demo/replay', { token, method: 'POST', body }))
    } catch (e) {
      report(t('replay'), e)
    } finally {
      setBusy(false)
    }
  }
  const finished = status.state === 'finished'
  // Moving the clock everyone sees is for duty officers and admins; others only read it.
  const mayControl = hasRole(me?.role, 'duty-officer')
  return (
    <section className="replay" aria-label={t('replay')}>
      <span className="replay-title">{t('replay')}</span>
      <output
        data-testid="replay-time"
        data-state={status.state}
        aria-live="polite"
        title={t('simTime')}
      >
        {time(status.simTime)} · {t(`replay.${status.state}` as MessageKey)}
      </output>
      {!mayControl ? null : status.state === 'playing' ? (
        <button
          type="button"
          data-testid="replay-pause"
          disabled={busy}
          onClick={() => void send({ action: 'pause' })}
        >
          {t('pause')}
        </button>
      ) : (
        <button
          type="button"
          data-testid="replay-play"
          disabled={busy || finished}
          onClick={() => void send({ action: 'play' })}
        >
          {t('play')}
        </button>
      )}
      {mayControl ? (
        <>
          <button
            type="button"
            data-testid="replay-step"
            disabled={busy || finished}
            onClick={() => void send({ action: 'step' })}
          >
            {t('step')}
          </button>
          <label>
            <span className="visually-hidden">{t('speed')}</span>
            <select
              value={status.speed}
              title={t('speed')}
              onChange={(e) => void send({ action: 'speed', speed: Number(e.target.value) })}
              disabled={busy}
            >
              {[...new Set([...SPEEDS, status.speed])]
                .sort((a, b) => a - b)
                .map((s) => (
                  <option key={s} value={s}>
                    {s} h/s
                  </option>
                ))}
            </select>
          </label>
        </>
      ) : null}
    </section>
  )
}
