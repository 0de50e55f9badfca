/**
 * The × that closes a panel. Its name ("Close") is text for screen readers rather than an
 * `aria-label`, and the × itself is hidden from them, so that the visible sign and the spoken
 * name do not disagree.
 */
import type { ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'

export function CloseButton(props: { onClick: () => void }): ReactNode {
  const { t } = useI18n()
  return (
    <button type="button" onClick={props.onClick}>
      <span aria-hidden="true">×</span>
      <span className="visually-hidden">{t('close')}</span>
    </button>
  )
}
