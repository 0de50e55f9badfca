/** Checkboxes that show and hide the map's layers, and the legend of station colours. */
import type { ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'
import { DEFAULT_LEVEL_NAMES, LevelBadge } from '../../ui/levels.tsx'
import { LAYER_GROUPS, type LayerGroup } from './map-style.ts'

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
      <div className="legend" aria-label={t('legend')}>
        <p>
          <span className="legend-dot" aria-hidden="true" /> {t('legendFill')}; {t('legendRing')}
        </p>
        <p className="legend-levels">
          {DEFAULT_LEVEL_NAMES.map((n, k) => (
            <LevelBadge key={n} level={n} rank={k} />
          ))}
        </p>
      </div>
    </fieldset>
  )
}
