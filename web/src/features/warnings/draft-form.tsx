/** Drafting a warning (or the cancellation of the active one) in a zone: forecasters and up. */
import { useState, type FormEvent, type ReactNode } from 'react'
import { request } from '../../api/client.ts'
import { serverNow } from '../../api/server-time.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useSession } from '../../session/session.tsx'
import { OutcomeLine, useSubmit } from '../../ui/submit.tsx'

const CANCEL = '__cancel__'

/**
 * The form drafting a warning at one of `levels` (or, with `hasActive`, the cancellation of the
 * active one) in a zone; `onDone` after the server took the draft.
 */
export function DraftForm(props: {
  zoneId: string
  zoneName: string
  levels: readonly string[]
  hasActive: boolean
  onDone: () => void
}): ReactNode {
  const { t, tx } = useI18n()
  const { token } = useSession()
  const { busy, outcome, run } = useSubmit()
  const [level, setLevel] = useState(props.levels[0] ?? '')
  const [note, setNote] = useState('')
  const [hours, setHours] = useState(24)
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    await run(`${t('draftTitle')} (${props.zoneName})`, async () => {
      const now = await serverNow()
      await request(`/api/v1/warnings/${encodeURIComponent(props.zoneId)}/drafts`, {
        token,
        method: 'POST',
        body: {
          level: level === CANCEL ? null : level,
          basis: 'forecast',
          expires: new Date(now + hours * 3_600_000).toISOString(),
          note,
        },
      })
      setNote('')
      props.onDone()
      return t('drafted')
    })
  }
  return (
    <form className="draft-form" onSubmit={(e) => void submit(e)} aria-label={t('draftTitle')}>
      <h3>{t('draftTitle')}</h3>
      <label>
        {t('draftLevel')}
        <select data-testid="draft-level" value={level} onChange={(e) => setLevel(e.target.value)}>
          {props.levels.map((l) => (
            <option key={l} value={l}>
              {tx(`level.${l}`, l)}
            </option>
          ))}
          {props.hasActive ? <option value={CANCEL}>{t('cancelLevel')}</option> : null}
        </select>
      </label>
      <label>
        {t('expiresInHours')}
        <input
          type="number"
          min={1}
          max={240}
          value={hours}
          onChange={(e) => setHours(Number(e.target.value))}
        />
      </label>
      <label>
        {t('note')}
        <textarea
          data-testid="draft-note"
          required
          value={note}
          onChange={(e) => setNote(e.target.value)}
          rows={3}
        />
      </label>
      <button type="submit" data-testid="draft-submit" disabled={busy || note.trim() === ''}>
        {t('submitDraft')}
      </button>
      <OutcomeLine outcome={outcome} />
    </form>
  )
}
