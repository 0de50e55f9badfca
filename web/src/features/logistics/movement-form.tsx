/**
 * Recording a stock movement at a depot (`POST /api/v1/logistics/movements`): a receipt, an
 * issue to an area, a transfer between depots or an adjustment after a count. The form shows
 * each stock line it touches as the page has read it and sends that line's version; when the
 * line moved on since (409), the server's message is shown and the depots are read again.
 */
import { useState, type FormEvent, type ReactNode } from 'react'
import { request } from '../../api/client.ts'
import type { CatalogueItem, Depot, ExposedArea } from '../../api/types.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MessageKey } from '../../i18n/dictionary.ts'
import { useSession } from '../../session/session.tsx'
import { OutcomeLine, useSubmit } from '../../ui/submit.tsx'

const KINDS = ['receipt', 'issue', 'transfer', 'adjustment'] as const
type Kind = (typeof KINDS)[number]

/** Why stock is adjusted (the API's reasons). */
const REASONS = ['count', 'damage', 'expiry', 'loss', 'found'] as const

/** A stock line as read: units in the item's unit and the version to send. */
interface LineRead {
  readonly quantity: number
  readonly version: number
}

/** The line of `itemId` at `depotId` in `depots` (a line never stocked: 0 units, version 0). */
function lineOf(depots: readonly Depot[], depotId: string, itemId: string): LineRead {
  const l = depots.find((d) => d.id === depotId)?.stock.find((s) => s.itemId === itemId)
  return { quantity: l?.quantity ?? 0, version: l?.version ?? 0 }
}

/**
 * The form recording a movement at the depots the user may change (`depots`), of an item of
 * `items`, issued to one of `areas`; `onRecorded` after the server took it or refused it as
 * stale (the caller reads the depots again).
 */
export function MovementForm(props: {
  depots: readonly Depot[]
  items: readonly CatalogueItem[]
  areas: readonly ExposedArea[]
  onRecorded: () => void
}): ReactNode {
  const { depots, items, areas } = props
  const { t, number } = useI18n()
  const { token } = useSession()
  const { busy, outcome, run } = useSubmit()
  const [kind, setKind] = useState<Kind>('receipt')
  const [depotId, setDepotId] = useState('')
  const [toDepotId, setToDepotId] = useState('')
  const [itemId, setItemId] = useState('')
  const [areaId, setAreaId] = useState('')
  const [quantity, setQuantity] = useState('')
  const [reason, setReason] = useState<(typeof REASONS)[number]>('count')
  const [note, setNote] = useState('')
  // Until chosen, the first of each list.
  const from = depots.some((d) => d.id === depotId) ? depotId : (depots[0]?.id ?? '')
  const to = depots.some((d) => d.id === toDepotId && d.id !== from)
    ? toDepotId
    : (depots.find((d) => d.id !== from)?.id ?? '')
  const item = items.find((i) => i.id === itemId) ?? items[0]
  const area = areas.some((a) => a.areaId === areaId) ? areaId : (areas[0]?.areaId ?? '')
  if (depots.length === 0 || item === undefined) return null
  const unit = item.unit
  const fromLine = lineOf(depots, from, item.id)
  const toLine = lineOf(depots, to, item.id)
  const amount = Number(quantity)
  const valid =
    quantity.trim() !== '' &&
    Number.isFinite(amount) &&
    (kind === 'adjustment' ? amount !== 0 && note.trim() !== '' : amount > 0) &&
    (kind !== 'transfer' || to !== '') &&
    (kind !== 'issue' || area !== '')
  const nameOf = (id: string): string => depots.find((d) => d.id === id)?.name ?? id

  const body = (): Record<string, unknown> => {
    switch (kind) {
      case 'receipt':
        return {
          kind,
          depotId: from,
          itemId: item.id,
          quantity: amount,
          source: note.trim(),
          expectedVersion: fromLine.version,
        }
      case 'issue':
        return {
          kind,
          depotId: from,
          itemId: item.id,
          quantity: amount,
          areaId: area,
          expectedVersion: fromLine.version,
        }
      case 'transfer':
        return {
          kind,
          fromDepotId: from,
          toDepotId: to,
          itemId: item.id,
          quantity: amount,
          expectedVersions: { from: fromLine.version, to: toLine.version },
        }
      case 'adjustment':
        return {
          kind,
          depotId: from,
          itemId: item.id,
          delta: amount,
          reason,
          note: note.trim(),
          expectedVersion: fromLine.version,
        }
    }
  }

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    if (!valid) return
    await run(t('movementTitle'), async () => {
      try {
        await request('/api/v1/logistics/movements', { token, method: 'POST', body: body() })
      } finally {
        // Recorded, or refused because a line moved on: read the depots as they are now.
        props.onRecorded()
      }
      setQuantity('')
      setNote('')
      return t('movementRecorded', {
        kind: t(`movement.${kind}` as MessageKey),
        quantity: number(amount, 3),
        unit,
        item: item.name,
        depot: nameOf(from),
      })
    })
  }

  const lineText = (depot: string, l: LineRead): string =>
    t('lineRead', {
      depot: nameOf(depot),
      quantity: number(l.quantity, 3),
      unit,
      version: l.version,
    })

  return (
    <form
      className="movement-form"
      aria-labelledby="movement-h"
      data-testid="movement-form"
      onSubmit={(e) => void submit(e)}
    >
      <h3 id="movement-h">{t('movementTitle')}</h3>
      <label>
        {t('movementKind')}
        <select
          data-testid="movement-kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as Kind)}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`movement.${k}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {kind === 'transfer' ? t('fromDepot') : t('depot')}
        <select
          data-testid="movement-depot"
          value={from}
          onChange={(e) => setDepotId(e.target.value)}
        >
          {depots.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      {kind === 'transfer' ? (
        <label>
          {t('toDepot')}
          <select
            data-testid="movement-to-depot"
            value={to}
            onChange={(e) => setToDepotId(e.target.value)}
          >
            {depots
              .filter((d) => d.id !== from)
              .map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
          </select>
        </label>
      ) : null}
      {kind === 'issue' ? (
        <label>
          {t('toArea')}
          <select
            data-testid="movement-area"
            value={area}
            onChange={(e) => setAreaId(e.target.value)}
          >
            {areas.map((a) => (
              <option key={a.areaId} value={a.areaId}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        {t('item')}
        <select
          data-testid="movement-item"
          value={item.id}
          onChange={(e) => setItemId(e.target.value)}
        >
          {items.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name} ({i.unit})
            </option>
          ))}
        </select>
      </label>
      <label>
        {kind === 'adjustment' ? t('adjustmentDelta') : t('quantity')}
        <span className="with-unit">
          <input
            type="number"
            className="num"
            data-testid="movement-quantity"
            step="any"
            {...(kind === 'adjustment' ? {} : { min: 0 })}
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
            aria-describedby="movement-line"
          />{' '}
          <span data-testid="movement-unit">{unit}</span>
        </span>
      </label>
      {kind === 'adjustment' ? (
        <label>
          {t('adjustmentReason')}
          <select
            value={reason}
            onChange={(e) => setReason(e.target.value as (typeof REASONS)[number])}
          >
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`adjustment.${r}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {kind === 'receipt' || kind === 'adjustment' ? (
        <label>
          {kind === 'receipt' ? t('receiptSource') : t('note')}
          <input
            data-testid="movement-note"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            {...(kind === 'adjustment' ? { required: true } : {})}
          />
        </label>
      ) : null}
      <p id="movement-line" className="note" aria-live="polite">
        <span data-testid="movement-line" data-version={fromLine.version}>
          {lineText(from, fromLine)}
        </span>
        {kind === 'transfer' && to !== '' ? (
          <>
            <br />
            <span data-testid="movement-line-to" data-version={toLine.version}>
              {lineText(to, toLine)}
            </span>
          </>
        ) : null}
      </p>
      <button type="submit" data-testid="movement-submit" disabled={busy || !valid}>
        {t(`record.${kind}` as MessageKey)}
      </button>
      <OutcomeLine outcome={outcome} testId="movement-outcome" />
    </form>
  )
}
