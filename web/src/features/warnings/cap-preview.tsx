/** A published CAP 1.2 message: as read (per language of its info blocks) and as XML. */
import { useMemo, useState, type ReactNode } from 'react'
import { useApi } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'

interface CapInfo {
  readonly language: string
  readonly fields: Readonly<Record<string, string>>
  readonly areas: readonly string[]
}

interface CapDocument {
  readonly identifier: string
  readonly sent: string
  readonly msgType: string
  readonly infos: readonly CapInfo[]
}

const text = (el: Element, name: string): string =>
  el.getElementsByTagNameNS('*', name)[0]?.textContent?.trim() ?? ''

/** Reads the fields the preview shows; an unreadable document gives null. */
export function readCapXml(xml: string): CapDocument | null {
  const doc = new DOMParser().parseFromString(xml, 'application/xml')
  const alert = doc.documentElement
  if (alert.getElementsByTagName('parsererror').length > 0 || alert.localName !== 'alert')
    return null
  const infos = [...alert.getElementsByTagNameNS('*', 'info')].map((info) => ({
    language: text(info, 'language') || 'en-US',
    fields: Object.fromEntries(
      [
        'event',
        'headline',
        'description',
        'instruction',
        'severity',
        'urgency',
        'certainty',
        'expires',
      ].map((f) => [f, text(info, f)]),
    ),
    areas: [...info.getElementsByTagNameNS('*', 'areaDesc')].map((a) => a.textContent ?? ''),
  }))
  return {
    identifier: text(alert, 'identifier'),
    sent: text(alert, 'sent'),
    msgType: text(alert, 'msgType'),
    infos,
  }
}

export function CapPreview(props: { alertId: string }): ReactNode {
  const { t, lang, time } = useI18n()
  const xml = useApi<string>(`/cap/alerts/${encodeURIComponent(props.alertId)}.xml`, {
    what: t('capPreview'),
    as: 'text',
  })
  const doc = useMemo(() => (xml.data === undefined ? null : readCapXml(xml.data)), [xml.data])
  const [chosen, setChosen] = useState<string | null>(null)
  const [view, setView] = useState<'read' | 'xml'>('read')
  const infos = doc?.infos ?? []
  const info =
    infos.find((i) => i.language === chosen) ??
    infos.find((i) => i.language.startsWith(lang)) ??
    infos[0]
  return (
    <section className="cap-preview" data-testid="cap-preview" aria-label={t('capPreview')}>
      <h3>
        {t('capPreview')} <small>{props.alertId}</small>
      </h3>
      {xml.loading ? <p>{t('loading')}</p> : null}
      <div role="group" aria-label={t('capPreview')} className="button-row">
        <button type="button" aria-pressed={view === 'read'} onClick={() => setView('read')}>
          {t('capAsRead')}
        </button>
        <button type="button" aria-pressed={view === 'xml'} onClick={() => setView('xml')}>
          {t('capXml')}
        </button>
        {infos.map((i) => (
          <button
            key={i.language}
            type="button"
            aria-pressed={info === i}
            onClick={() => setChosen(i.language)}
            lang={i.language}
          >
            {i.language}
          </button>
        ))}
      </div>
      {view === 'xml' ? (
        <pre className="xml" tabIndex={0}>
          {xml.data}
        </pre>
      ) : info !== undefined && doc !== null ? (
        <dl className="facts" lang={info.language}>
          <dt>{t('headline')}</dt>
          <dd>{info.fields['headline']}</dd>
          <dt>{t('event')}</dt>
          <dd>{info.fields['event']}</dd>
          <dt>{t('msgType')}</dt>
          <dd>{doc.msgType}</dd>
          <dt>{t('sent')}</dt>
          <dd>{time(doc.sent)}</dd>
          <dt>
            {t('severity')} / {t('urgency')} / {t('certainty')}
          </dt>
          <dd>
            {info.fields['severity']} / {info.fields['urgency']} / {info.fields['certainty']}
          </dd>
          <dt>{t('area')}</dt>
          <dd>{info.areas.join('; ')}</dd>
          <dt>{t('description')}</dt>
          <dd>{info.fields['description']}</dd>
          <dt>{t('instruction')}</dt>
          <dd>{info.fields['instruction']}</dd>
          <dt>{t('expires')}</dt>
          <dd>{info.fields['expires'] ? time(info.fields['expires']) : '—'}</dd>
        </dl>
      ) : null}
    </section>
  )
}
