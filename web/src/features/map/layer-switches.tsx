/**
 * Checkboxes that show and hide the map's layers, and the legend: station colours, and the
 * shapes of command posts and shelters when they are on the map.
 */
import type { CSSProperties, ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'
import { DEFAULT_LEVEL_NAMES, LevelBadge } from '../../ui/levels.tsx'
import { LAYER_GROUPS, type LayerGroup } from './map-style.ts'

/** The legend's small copies of the map's post square and shelter house (map-icons.ts). */
const POST_SWATCH: CSSProperties = {
  display: 'inline-block',
  width: 10,
  height: 10,
  background: '#1a1a1a',
  outline: '1px solid #ffffff',
}
const SHELTER_SWATCH: CSSProperties = {
  display: 'inline-block',
  width: 11,
  height: 11,
  background: '#009e73',
  clipPath: 'polygon(50% 0, 100% 45%, 100% 100%, 0 100%, 0 45%)',
}

export function LayerSwitches(props: {
  visible: Readonly<Record<LayerGroup, boolean>>
  available: Readonly<Record<LayerGroup, boolean>>
  onChange: (group: LayerGroup, on: boolean) => void
}): ReactNode {
  const { t } = useI18n()
  const groups = Object.keys(LAYER_GROUPS) as LayerGroup[]
  return (
    <fieldset className="layer-switches">
      <legend>{t('layers')}</legend>
      {groups
        .filter((g) => props.available[g])
        .map((g) => (
          <label key={g}>
            <input
              type="checkbox"
              data-testid={`layer-${g}`}
              checked={props.visible[g]}
              onChange={(e) => props.onChange(g, e.target.checked)}
            />
            {t(`layer.${g}`)}
          </label>
        ))}
      <div className="legend" role="group" aria-label={t('legend')}>
        <p>
          <span className="legend-dot" aria-hidden="true" /> {t('legendFill')}; {t('legendRing')}
        </p>
        <p className="legend-levels">
          {DEFAULT_LEVEL_NAMES.map((n, k) => (
            <LevelBadge key={n} level={n} rank={k} />
          ))}
        </p>
        {props.available.posts ? (
          <p>
            <span aria-hidden="true" style={POST_SWATCH} /> {t('legendPosts')}
          </p>
        ) : null}
        {props.available.shelters ? (
          <p>
            <span aria-hidden="true" style={SHELTER_SWATCH} /> {t('legendShelters')}
          </p>
        ) : null}
      </div>
    </fieldset>
  )
}
