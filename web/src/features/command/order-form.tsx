/** Issuing an order from one of the user's posts to posts below it. */
import { useState, type FormEvent, type ReactNode } from 'react'
import { request } from '../../api/client.ts'
import { serverNow } from '../../api/server-time.ts'
import type { Order, Post } from '../../api/types.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useSession } from '../../session/session.tsx'
import { OutcomeLine, useSubmit } from '../../ui/submit.tsx'
import { postsBelow } from './posts.ts'

const HOUR_MS = 3_600_000

/**
 * The form issuing an order from one of `issuers` (posts where the user may order) to posts below
 * it; `onIssued` receives the order the server made.
 */
export function OrderForm(props: {
  issuers: readonly Post[]
  posts: readonly Post[]
  onIssued: (order: Order) => void
}): ReactNode {
  const { t } = useI18n()
  const { token } = useSession()
  const { busy, outcome, run } = useSubmit()
  const [issuer, setIssuer] = useState(props.issuers[0]?.id ?? '')
  const [title, setTitle] = useState('')
  const [actions, setActions] = useState('')
  const [recipients, setRecipients] = useState<string[]>([])
  const [ackHours, setAckHours] = useState(6)
  const [completionHours, setCompletionHours] = useState(24)
  const below = postsBelow(props.posts, issuer)
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    await run(t('issueOrder'), async () => {
      const now = await serverNow()
      const order = await request<Order>('/api/v1/command/orders', {
        token,
        method: 'POST',
        body: {
          issuerPost: issuer,
          title,
          actions: actions
            .split('\n')
            .map((a) => a.trim())
            .filter((a) => a !== ''),
          recipients:
            recipients.length > 0 ? { kind: 'selected', posts: recipients } : { kind: 'direct' },
          ackDeadline: new Date(now + ackHours * HOUR_MS).toISOString(),
          completionDeadline: new Date(now + completionHours * HOUR_MS).toISOString(),
        },
      })
      setTitle('')
      setActions('')
      setRecipients([])
      props.onIssued(order)
      return t('orderIssued', { id: order.id })
    })
  }
  return (
    <form className="order-form" onSubmit={(e) => void submit(e)} aria-label={t('issueOrder')}>
      <h3>{t('issueOrder')}</h3>
      <label>
        {t('issuerPost')}
        <select value={issuer} onChange={(e) => (setIssuer(e.target.value), setRecipients([]))}>
          {props.issuers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('orderTitle')}
        <input
          data-testid="order-title"
          required
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <label>
        {t('orderActions')}
        <textarea
          data-testid="order-actions"
          rows={3}
          value={actions}
          onChange={(e) => setActions(e.target.value)}
        />
      </label>
      <label>
        {t('orderRecipients')}
        <select
          multiple
          data-testid="order-recipients"
          value={recipients}
          size={Math.min(8, Math.max(3, below.length))}
          onChange={(e) => setRecipients([...e.target.selectedOptions].map((o) => o.value))}
          aria-describedby="recipients-hint"
        >
          {below.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <p id="recipients-hint" className="note">
        {t('recipientsHint')}
      </p>
      <div className="inline-fields">
        <label>
          {t('ackHours')}
          <input
            type="number"
            min={1}
            value={ackHours}
            onChange={(e) => setAckHours(Number(e.target.value))}
          />
        </label>
        <label>
          {t('completionHours')}
          <input
            type="number"
            min={1}
            value={completionHours}
            onChange={(e) => setCompletionHours(Number(e.target.value))}
          />
        </label>
      </div>
      <button
        type="submit"
        data-testid="order-submit"
        disabled={busy || title.trim() === '' || issuer === ''}
      >
        {t('submitOrder')}
      </button>
      <OutcomeLine outcome={outcome} />
    </form>
  )
}
