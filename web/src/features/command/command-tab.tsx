/**
 * The command view: the orders addressed to the user's posts with the buttons to answer them,
 * incidents in the user's chain, the orders of a post (issued and addressed)
 * with the state of the selected order at every post, issuing an order from the user's post,
 * and the situation reports rolled up at the post.
 */
import { useState, type ReactNode } from 'react'
import type { Incident, Order, Post, Rollup } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/dictionary.ts'
import { useSession } from '../../session/session.tsx'
import { DataTable } from '../../ui/data-table.tsx'
import { OrderForm } from './order-form.tsx'
import { OrderTree } from './order-tree.tsx'
import { PostOrders } from './post-orders.tsx'
import { ACTING_ROLES, postsBelow } from './posts.ts'

/**
 * The command view (signed in): the orders to the user's posts with their answers, incidents,
 * the orders of a chosen post and the state of one at every post, issuing an order, roll-ups.
 */
export function CommandTab(): ReactNode {
  const { t } = useI18n()
  const { token, me } = useSession()
  const posts = useApi<{ posts: readonly Post[] }>(
    token === null ? null : '/api/v1/command/posts',
    { what: t('post') },
  )
  const [postId, setPostId] = useState<string | null>(null)
  const [orderId, setOrderId] = useState<string | null>(null)
  if (token === null || me === null) return <p className="note">{t('signInForCommand')}</p>
  const all = posts.data?.posts ?? []
  const mine = me.posts.map((p) => p.post)
  // The posts one may look at: one's own and those below them (every post for an admin).
  const visible =
    me.role === 'admin'
      ? all
      : all.filter(
          (p) =>
            mine.includes(p.id) || mine.some((m) => postsBelow(all, m).some((b) => b.id === p.id)),
        )
  const current =
    visible.find((p) => p.id === postId) ?? visible.find((p) => mine.includes(p.id)) ?? visible[0]
  const issuers = all.filter((p) =>
    me.posts.some((a) => a.post === p.id && (ACTING_ROLES as readonly string[]).includes(a.role)),
  )
  return (
    <div className="command">
      <section className="command-main">
        <PostOrders posts={all} />
        <Incidents />
        {current !== undefined ? (
          <>
            <label className="post-select">
              {t('selectPost')}{' '}
              <select
                value={current.id}
                onChange={(e) => (setPostId(e.target.value), setOrderId(null))}
              >
                {visible.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({t(`postLevel.${p.level}` as MessageKey)})
                  </option>
                ))}
              </select>
            </label>
            <Orders
              postId={current.id}
              direction="issued"
              selected={orderId}
              onSelect={setOrderId}
            />
            <Orders
              postId={current.id}
              direction="addressed"
              selected={orderId}
              onSelect={setOrderId}
            />
          </>
        ) : null}
        {issuers.length > 0 ? (
          <OrderForm
            issuers={issuers}
            posts={all}
            onIssued={(o) => {
              setPostId(o.issuerPost)
              setOrderId(o.id)
            }}
          />
        ) : (
          <p className="note">{t('noCommandRole')}</p>
        )}
      </section>
      <section className="command-side">
        {orderId !== null ? <OrderTree key={orderId} orderId={orderId} posts={all} /> : null}
        {current !== undefined ? <RollupView postId={current.id} /> : null}
      </section>
    </div>
  )
}

function Incidents(): ReactNode {
  const { t, time } = useI18n()
  const incidents = useApi<readonly Incident[]>('/api/v1/command/incidents', {
    what: t('incidents'),
    live: ['incident'],
  })
  const list = incidents.data ?? []
  return (
    <section aria-labelledby="incidents-h">
      <h2 id="incidents-h">{t('incidents')}</h2>
      <DataTable
        caption={t('incidents')}
        captionHidden
        rows={list}
        rowKey={(i) => i.id}
        empty={t('noIncidents')}
        loading={incidents.loading}
        failed={incidents.error}
        columns={[
          {
            key: 'level',
            header: t('responseLevel'),
            cell: (i) => <span className={`response response-${i.level}`}>{i.level}</span>,
          },
          { key: 'post', header: t('post'), cell: (i) => i.post },
          { key: 'title', header: t('orderTitle'), cell: (i) => i.title },
          { key: 'status', header: t('status'), cell: (i) => i.status },
          { key: 'opened', header: t('opened'), cell: (i) => time(i.openedAt) },
        ]}
      />
    </section>
  )
}

function Orders(props: {
  postId: string
  direction: 'issued' | 'addressed'
  selected: string | null
  onSelect: (id: string) => void
}): ReactNode {
  const { t, time } = useI18n()
  const orders = useApi<readonly Order[]>(
    `/api/v1/command/posts/${encodeURIComponent(props.postId)}/orders?direction=${props.direction}`,
    {
      what: props.direction === 'issued' ? t('ordersIssued') : t('ordersAddressed'),
      live: ['order'],
    },
  )
  const list = orders.data ?? []
  const headingId = `orders-${props.direction}-h`
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>
        {props.direction === 'issued' ? t('ordersIssued') : t('ordersAddressed')}
      </h3>
      {list.length === 0 ? (
        <p>{orders.loading ? t('loading') : t('noOrders')}</p>
      ) : (
        <ul className="order-list">
          {list.slice(0, 20).map((o) => (
            <li key={o.id}>
              <button
                type="button"
                aria-pressed={props.selected === o.id}
                data-testid={`order-item-${o.id}`}
                onClick={() => props.onSelect(o.id)}
                disabled={props.direction === 'addressed'}
              >
                {o.title}
              </button>{' '}
              <small>
                {o.id} · {time(o.issuedAt)}
              </small>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function RollupView(props: { postId: string }): ReactNode {
  const { t, number } = useI18n()
  const rollup = useApi<Rollup>(
    `/api/v1/command/posts/${encodeURIComponent(props.postId)}/rollup`,
    {
      what: t('rollup'),
      live: ['sitrep'],
    },
  )
  const r = rollup.data
  return (
    <section aria-labelledby="rollup-h">
      <h3 id="rollup-h">{t('rollup')}</h3>
      {r === undefined ? (
        <p>{rollup.loading ? t('loading') : '—'}</p>
      ) : r.reports.length === 0 ? (
        <p>{t('noReports')}</p>
      ) : (
        <>
          <dl className="facts">
            {Object.entries(r.figures).map(([k, v]) => (
              <div key={k} className="fact">
                <dt>{t(`figure.${k}` as MessageKey)}</dt>
                <dd>{number(v.total)}</dd>
              </div>
            ))}
          </dl>
          {r.needs.length > 0 ? (
            <>
              <h4>{t('needs')}</h4>
              <ul>
                {r.needs.map((n) => (
                  <li key={`${n.item}-${n.unit}`}>
                    {n.item}: {number(n.quantity)} {n.unit}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
      {r !== undefined && r.silent.length > 0 ? (
        <p>
          {t('silentPosts')}: {r.silent.join(', ')}
        </p>
      ) : null}
    </section>
  )
}
