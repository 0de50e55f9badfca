/** The issuer's view of an order: every post below the issuer with its state, and counts per level. */
import type { ReactNode } from 'react'
import type { OrderView, Post, StatusCounts } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/dictionary.ts'
import { DataTable } from '../../ui/data-table.tsx'

type Node = NonNullable<OrderView['nodes']>[number]
type LevelRow = readonly [level: string, counts: StatusCounts]

const COUNTED = ['issued', 'received', 'accepted', 'unable', 'completed'] as const

/**
 * The state shown for a post: its answer, `escalated` when silent past a deadline, `issuer` for
 * the root, `none` for a post on the way that the order does not address.
 */
function stateOf(node: Node, view: OrderView): string {
  const rec = view.posts?.find((r) => r.post === node.post)
  if (node.status === null) return node.post === view.order.issuerPost ? 'issuer' : 'none'
  if (
    rec !== undefined &&
    (rec.status === 'issued' || rec.status === 'received') &&
    (rec.escalated.ack !== null || rec.escalated.completion !== null)
  )
    return 'escalated'
  return node.status
}

function Counts(props: { c: StatusCounts }): ReactNode {
  const { t } = useI18n()
  const esc = props.c.escalatedAck + props.c.escalatedCompletion
  return (
    <span className="counts">
      {COUNTED.filter((k) => props.c[k] > 0).map((k) => (
        <span key={k} className={`state state-${k}`}>
          {t(`status.${k}` as MessageKey)} {props.c[k]}
        </span>
      ))}
      {esc > 0 ? (
        <span className="state state-escalated">
          {t('status.escalated')} {esc}
        </span>
      ) : null}
    </span>
  )
}

function TreeNode(props: {
  id: string
  view: OrderView
  byId: ReadonlyMap<string, Node>
  names: ReadonlyMap<string, string>
  seen: Set<string>
}): ReactNode {
  const { t } = useI18n()
  const node = props.byId.get(props.id)
  if (node === undefined || props.seen.has(props.id)) return null
  props.seen.add(props.id)
  const state = stateOf(node, props.view)
  return (
    <li data-testid={`post-state-${node.post}`} data-state={state}>
      <span className="post-name">{props.names.get(node.post) ?? node.post}</span>{' '}
      <span className={`state state-${state}`}>{t(`status.${state}` as MessageKey)}</span>{' '}
      {node.children.length > 0 ? <Counts c={node.subtree} /> : null}
      {node.children.length > 0 ? (
        <ul>
          {node.children.map((c) => (
            <TreeNode
              key={c}
              id={c}
              view={props.view}
              byId={props.byId}
              names={props.names}
              seen={props.seen}
            />
          ))}
        </ul>
      ) : null}
    </li>
  )
}

/**
 * An order as its issuer sees it: the text, the tree of posts below the issuer with each one's
 * state and the counts of its subtree, and the counts per level; live on order events.
 */
export function OrderTree(props: { orderId: string; posts: readonly Post[] }): ReactNode {
  const { t, time } = useI18n()
  const view = useApi<OrderView>(
    `/api/v1/command/orders/${encodeURIComponent(props.orderId)}?nodes=true&posts=true`,
    {
      what: t('orderTree'),
      live: ['order', 'order-escalated'],
    },
  )
  const v = view.data
  if (v === undefined) return <p>{view.loading ? t('loading') : '—'}</p>
  const byId = new Map((v.nodes ?? []).map((n) => [n.post, n]))
  const names = new Map(props.posts.map((p) => [p.id, p.name]))
  return (
    <section className="order-view" aria-label={t('orderTree')}>
      <h3>{v.order.title}</h3>
      <p>
        {v.order.id} · {v.order.issuedBy} · {time(v.order.issuedAt)}
      </p>
      <ol>
        {v.order.actions.map((a) => (
          <li key={a}>{a}</li>
        ))}
      </ol>
      <h4>{t('orderTree')}</h4>
      <ul className="order-tree" data-testid="order-tree" data-order={v.order.id}>
        <TreeNode id={v.order.issuerPost} view={v} byId={byId} names={names} seen={new Set()} />
      </ul>
      <DataTable
        caption={t('countsPerLevel')}
        rows={Object.entries(v.byLevel).filter(([, c]) => c.total > 0)}
        rowKey={([level]) => level}
        empty="—"
        columns={[
          {
            key: 'level',
            header: t('post'),
            rowHeader: true,
            cell: ([level]) => t(`postLevel.${level}` as MessageKey),
          },
          ...COUNTED.map((k) => ({
            key: k,
            header: t(`status.${k}` as MessageKey),
            numeric: true,
            cell: ([, c]: LevelRow) => c[k],
          })),
          {
            key: 'escalated',
            header: t('status.escalated'),
            numeric: true,
            cell: ([, c]) => c.escalatedAck + c.escalatedCompletion,
          },
          { key: 'total', header: t('total'), numeric: true, cell: ([, c]) => c.total },
        ]}
      />
    </section>
  )
}
