/** Drafting a warning (or the cancellation of the active one) in a zone: forecasters and up. */
import { useState, type FormEvent, type ReactNode } from 'react'
import { request } from '../../api/client.ts'
import { serverNow } from '../../api/server-time.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useSession } from '../../session/session.tsx'
import { messageOf, useErrors } from '../../ui/errors.tsx'

const CANCEL = '__cancel__'

export function DraftForm(props: {
  zoneId: string
  zoneName: string
  levels: readonly string[]
  hasActive: boolean
  onDone: () => void
}): ReactNode {
  const { t, tx } = useI18n()
  const { token } = useSession()
  const { report } = useErrors()
  const [level, setLevel] = useState(props.levels[0] ?? '')
  const [note, setNote] = useState('')
  const [hours, setHours] = useState(24)
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null)
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setOutcome(null)
    try {
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
      setOutcome({ ok: true, text: t('drafted') })
      setNote('')
      props.onDone()
    } catch (err) {
      report(`${t('draftTitle')} (${props.zoneName})`, err)
      setOutcome({ ok: false, text: messageOf(err, t) })
    } finally {
      setBusy(false)
    }
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
      {outcome !== null ? (
        <p className={outcome.ok ? 'success' : 'failure'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      ) : null}
    </form>
  )
}
