/** One zone's active warning and pending draft, with approve and decline for duty officers. */
import { useState, type ReactNode } from 'react'
import { request } from '../../api/client.ts'
import type { ZoneWarnings } from '../../api/types.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { hasRole, useSession } from '../../session/session.tsx'
import { LevelBadge } from '../../ui/levels.tsx'
import { OutcomeLine, useSubmit } from '../../ui/submit.tsx'

/**
 * A zone's card: its active warning with the reasons, its pending draft, and for duty officers
 * (not the drafter under the two-person rule) approve and decline; `onChanged` after either.
 */
export function ZoneCard(props: {
  zone: ZoneWarnings
  selected: boolean
  onSelect: () => void
  onChanged: () => void
}): ReactNode {
  const { zone: z } = props
  const { t, time, tx } = useI18n()
  const { token, me } = useSession()
  const { busy, outcome, run } = useSubmit()
  const [reason, setReason] = useState('')
  const p = z.pending
  const mayDecide = hasRole(me?.role, 'duty-officer')
  const ownDraft = p !== null && me !== null && p.draftedBy === me.user && p.twoPersonRequired
  const act = async (kind: 'approve' | 'decline'): Promise<void> => {
    if (p === null) return
    const what = kind === 'approve' ? t('approve') : t('decline')
    await run(`${what} ${z.name}`, async () => {
      await request(
        `/api/v1/warnings/${encodeURIComponent(z.zoneId)}/drafts/${p.version}/${kind}`,
        {
          token,
          method: 'POST',
          ...(kind === 'decline' ? { body: { reason } } : {}),
        },
      )
      props.onChanged()
      return kind === 'approve' ? t('approved') : t('declined')
    })
  }
  return (
    <article
      className={`zone-card${props.selected ? ' selected' : ''}`}
      data-testid={`warning-zone-${z.zoneId}`}
      aria-labelledby={`zone-${z.zoneId}-h`}
    >
      <header>
        <h3 id={`zone-${z.zoneId}-h`}>
          <button
            type="button"
            className="link"
            aria-expanded={props.selected}
            onClick={props.onSelect}
          >
            {z.name}
          </button>
        </h3>
        <LevelBadge level={z.active?.level ?? null} />
      </header>
      {z.active === null ? (
        <p>{t('noActive')}</p>
      ) : (
        <dl className="facts">
          <dt>{t('basis')}</dt>
          <dd>{tx(`basis.${z.active.basis}`, z.active.basis)}</dd>
          <dt>{t('expires')}</dt>
          <dd>{time(z.active.expires)}</dd>
          <dt>{t('version')}</dt>
          <dd>
            {z.active.version} · {z.active.msgType}
          </dd>
          <dt>{t('reasons')}</dt>
          <dd>
            {z.active.reasons.length === 0 ? (
              t('noReasons')
            ) : (
              <ul>
                {z.active.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
      )}
      {p !== null ? (
        <div className="draft" role="group" aria-label={t('pendingDraft')}>
          <h4>
            {t('pendingDraft')} (v{p.version}): <LevelBadge level={p.level} />{' '}
            <small>{p.change}</small>
          </h4>
          <p>{t('draftedBy', { user: p.draftedBy, time: time(p.draftedAt), source: p.source })}</p>
          {p.note !== '' ? <p className="note">{p.note}</p> : null}
          <ul>
            {p.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          {p.twoPersonRequired ? (
            <p className="note">{ownDraft ? t('youDrafted') : t('twoPerson')}</p>
          ) : null}
          {mayDecide && !ownDraft ? (
            <div className="button-row">
              <button
                type="button"
                data-testid={`approve-${z.zoneId}`}
                disabled={busy}
                onClick={() => void act('approve')}
              >
                {t('approve')}
              </button>
              <label>
                {t('declineReason')}{' '}
                <input
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  data-testid={`decline-reason-${z.zoneId}`}
                />
              </label>
              <button
                type="button"
                data-testid={`decline-${z.zoneId}`}
                disabled={busy || reason.trim() === ''}
                onClick={() => void act('decline')}
              >
                {t('decline')}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      <OutcomeLine outcome={outcome} />
    </article>
  )
}
