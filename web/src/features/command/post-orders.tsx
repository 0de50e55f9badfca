/**
 * "Orders to my post": for each post where the signed-in user holds a role, the orders addressed
 * to it with their text, deadlines and the post's own record, and the answers the post may still
 * give (receipt, acknowledgment, unable with a reason, done with a report). Commanders and duty
 * officers at the post answer; the server checks again and its refusals are shown as the other
 * forms show them. Each record follows the server's order events live.
 */
import { useState, type ReactNode } from 'react'
import { request } from '../../api/client.ts'
import type { Order, Post, RecipientRecord } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/dictionary.ts'
import { useLiveEvent } from '../../live/live.tsx'
import { useSession } from '../../session/session.tsx'
import { OutcomeLine, useSubmit } from '../../ui/submit.tsx'
import { ACTING_ROLES } from './posts.ts'

/** How many of a post's newest orders are listed. */
const LISTED = 20

type Answer = 'received' | 'accepted' | 'unable' | 'completed'

/**
 * The answers a record in `status` may still take (the server's order state machine: receipt,
 * then acceptance, then completion; unable at any point before the end; nothing after
 * `completed` or `unable`).
 */
function answersFor(status: string): readonly Answer[] {
  switch (status) {
    case 'issued':
      return ['received', 'accepted', 'unable']
    case 'received':
      return ['accepted', 'unable']
    case 'accepted':
      return ['completed', 'unable']
    default:
      return []
  }
}

/** Answers that carry the note: unable its reason, completed its report. */
const NEEDS_NOTE: readonly Answer[] = ['unable', 'completed']

/**
 * The section listing, for every post of the signed-in user, the orders addressed to it with
 * the buttons to answer them; nothing for a user without a post.
 * @param props.posts the posts the user may see (for their names)
 */
export function PostOrders(props: { posts: readonly Post[] }): ReactNode {
  const { t } = useI18n()
  const { me } = useSession()
  if (me === null || me.posts.length === 0) return null
  const held = [...new Set(me.posts.map((a) => a.post))]
  const names = new Map(props.posts.map((p) => [p.id, p.name]))
  return (
    <section aria-labelledby="my-orders-h" data-testid="my-orders">
      <h2 id="my-orders-h">{t('myOrders')}</h2>
      {held.map((post) => (
        <PostInbox
          key={post}
          postId={post}
          names={names}
          mayAnswer={me.posts.some(
            (a) => a.post === post && (ACTING_ROLES as readonly string[]).includes(a.role),
          )}
        />
      ))}
    </section>
  )
}

function PostInbox(props: {
  postId: string
  names: ReadonlyMap<string, string>
  mayAnswer: boolean
}): ReactNode {
  const { t } = useI18n()
  const orders = useApi<readonly Order[]>(
    `/api/v1/command/posts/${encodeURIComponent(props.postId)}/orders?direction=addressed&limit=${LISTED}`,
    { what: t('myOrders') },
  )
  const { reload } = orders
  // A new or superseded order comes without a post; answers are followed by each record.
  useLiveEvent(['order'], (e) => {
    if (e.data['post'] === null) reload()
  })
  const list = orders.data ?? []
  const headingId = `my-orders-${props.postId}-h`
  return (
    <section aria-labelledby={headingId} data-testid={`my-orders-${props.postId}`}>
      <h3 id={headingId}>{props.names.get(props.postId) ?? props.postId}</h3>
      {list.length === 0 ? (
        <p>{orders.loading ? t('loading') : t('noOrders')}</p>
      ) : (
        <ul className="my-orders">
          {list.map((o) => (
            <OrderAnswer
              key={o.id}
              order={o}
              postId={props.postId}
              names={props.names}
              mayAnswer={props.mayAnswer}
            />
          ))}
        </ul>
      )}
    </section>
  )
}

function OrderAnswer(props: {
  order: Order
  postId: string
  names: ReadonlyMap<string, string>
  mayAnswer: boolean
}): ReactNode {
  const { order: o, postId } = props
  const { t, time } = useI18n()
  const { token } = useSession()
  const { busy, outcome, run } = useSubmit()
  const [note, setNote] = useState('')
  const path = `/api/v1/command/orders/${encodeURIComponent(o.id)}/posts/${encodeURIComponent(postId)}`
  const record = useApi<RecipientRecord>(path, { what: t('myOrders') })
  const { reload } = record
  useLiveEvent(['order', 'order-escalated'], (e) => {
    if (e.data['orderId'] === o.id && (e.data['post'] === postId || e.data['post'] === null))
      reload()
  })
  const r = record.data
  const answers = r === undefined ? [] : answersFor(r.status)
  // Escalated and still owing what the escalation was about.
  const escalated =
    r !== undefined &&
    answers.length > 0 &&
    (r.escalated.completion !== null || (r.status === 'issued' && r.escalated.ack !== null))
  const answer = async (kind: Answer): Promise<void> => {
    if (r === undefined) return
    const text = note.trim()
    const body =
      kind === 'unable'
        ? { kind, version: r.version, reason: text }
        : kind === 'completed'
          ? { kind, version: r.version, report: text }
          : { kind, version: r.version }
    await run(t('answerOrder', { id: o.id }), async () => {
      try {
        await request<RecipientRecord>(`${path}/responses`, { token, method: 'POST', body })
      } finally {
        // Refused (another answer came first) or recorded: show the record as it is now.
        reload()
      }
      setNote('')
      return t('answerRecorded', { state: t(`status.${kind}`) })
    })
  }
  const headingId = `my-order-${o.id}-h`
  const hintId = `my-order-${o.id}-hint`
  return (
    <li
      className="my-order"
      data-testid={`my-order-${o.id}`}
      data-state={r?.status ?? ''}
      aria-labelledby={headingId}
    >
      <h4 id={headingId}>{o.title}</h4>
      <p>
        <small>
          {o.id} · {t('fromPost', { post: props.names.get(o.issuerPost) ?? o.issuerPost })} ·{' '}
          {time(o.issuedAt)}
        </small>
      </p>
      {o.actions.length > 0 ? (
        <ol>
          {o.actions.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ol>
      ) : null}
      <p>
        {t('ackBy', { time: time(o.ackDeadline) })} ·{' '}
        {t('completeBy', { time: time(o.completionDeadline) })}
      </p>
      <p>
        {t('stateAtPost')}:{' '}
        {r === undefined ? (
          record.loading ? (
            t('loading')
          ) : (
            '—'
          )
        ) : (
          <>
            <span className={`state state-${r.status}`} data-testid={`my-order-state-${o.id}`}>
              {t(`status.${r.status}` as MessageKey)}
            </span>
            {escalated ? (
              <span className="state state-escalated">{t('status.escalated')}</span>
            ) : null}
          </>
        )}
      </p>
      {r !== undefined && r.unableReason !== null ? (
        <p>{t('unableReasonShown', { reason: r.unableReason })}</p>
      ) : null}
      {r !== undefined && r.report !== null ? (
        <p>{t('reportShown', { report: r.report })}</p>
      ) : null}
      {r === undefined ? null : !props.mayAnswer ? (
        answers.length > 0 ? (
          <p className="note">{t('answerNotAllowed')}</p>
        ) : null
      ) : answers.length === 0 ? (
        <p className="note">{t('answerFinal')}</p>
      ) : (
        <div role="group" aria-label={t('answerOrder', { id: o.title })}>
          <label className="answer-note">
            {t('answerNote')}
            <textarea
              rows={2}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              aria-describedby={hintId}
              data-testid={`answer-note-${o.id}`}
            />
          </label>
          <p id={hintId} className="note">
            {t('answerNoteHint')}
          </p>
          <div className="button-row">
            {answers.map((kind) => (
              <button
                key={kind}
                type="button"
                data-testid={`answer-${kind}-${o.id}`}
                disabled={busy || (NEEDS_NOTE.includes(kind) && note.trim() === '')}
                onClick={() => void answer(kind)}
              >
                {t(`answer.${kind}`)}
              </button>
            ))}
          </div>
        </div>
      )}
      <OutcomeLine outcome={outcome} />
    </li>
  )
}
