/**
 * Warning levels on screen: a colour-blind-safe palette (Okabe–Ito yellow, orange and
 * vermillion, a dark purple, and grey for normal) and always a text label. Text on each colour
 * has a contrast of at least 4.5:1.
 */
import type { ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'

/** Fill colour and text colour per rank: 0 normal, 1 advisory, 2 warning, 3 severe, 4+ emergency. */
export const LEVEL_COLOURS: readonly { readonly fill: string; readonly text: string }[] = [
  { fill: '#b8b8b8', text: '#000000' },
  { fill: '#f0e442', text: '#000000' },
  { fill: '#e69f00', text: '#000000' },
  { fill: '#d55e00', text: '#000000' },
  { fill: '#6a1b6e', text: '#ffffff' },
]

/** Level names by rank when the server does not send its own. */
export const DEFAULT_LEVEL_NAMES = ['normal', 'advisory', 'warning', 'severe', 'emergency'] as const

/** The colours of a rank (clamped to the palette). */
export function levelColour(rank: number): { fill: string; text: string } {
  const k = Math.max(0, Math.min(LEVEL_COLOURS.length - 1, Math.round(rank)))
  return LEVEL_COLOURS[k]!
}

/** The rank of a level name among `names` (lowest first, 0 normal), or 0 when unknown. */
export function rankOf(
  level: string | null | undefined,
  names: readonly string[] = DEFAULT_LEVEL_NAMES,
): number {
  if (level === null || level === undefined) return 0
  const k = names.indexOf(level)
  return k < 0 ? 0 : k
}

/** A level as a coloured badge with its (translated) name. */
export function LevelBadge(props: { level: string | null; rank?: number }): ReactNode {
  const { tx, t } = useI18n()
  const name = props.level ?? 'normal'
  const rank = props.rank ?? rankOf(name)
  const c = levelColour(rank)
  return (
    <span className="level-badge" style={{ background: c.fill, color: c.text }} data-level={name}>
      {props.level === null && props.rank === undefined
        ? t('level.normal')
        : tx(`level.${name}`, name)}
    </span>
  )
}
