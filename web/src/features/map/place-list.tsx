/**
 * The command posts, depots and shelters on the map as lists, one per kind: the keyboard's way
 * to their panels (the map's symbols answer only to the pointer). Shown only for the kinds the
 * reader has on the map; folded until opened.
 */
import type { ReactNode } from 'react'
import { useI18n } from '../../i18n/i18n.tsx'
import type { MapData, MapPlace } from './map-data.ts'
import type { MapSelection } from './map-view.tsx'

type PlaceKind = Extract<MapSelection['kind'], 'post' | 'depot' | 'shelter'>

/** The lists of `data`'s posts, depots and shelters; a choice opens the place's panel. */
export function PlaceList(props: {
  data: MapData | undefined
  selected: MapSelection | null
  onSelect: (s: MapSelection) => void
}): ReactNode {
  const { t } = useI18n()
  const kinds: [PlaceKind, string, readonly MapPlace[] | null | undefined][] = [
    ['post', t('layer.posts'), props.data?.posts],
    ['depot', t('layer.depots'), props.data?.depots],
    ['shelter', t('layer.shelters'), props.data?.shelters],
  ]
  return (
    <>
      {kinds.map(([kind, title, places]) =>
        places === null || places === undefined || places.length === 0 ? null : (
          <details key={kind} className="place-list" data-testid={`place-list-${kind}`}>
            <summary>
              {title} <small>({places.length})</small>
            </summary>
            <ul>
              {places.map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    data-testid={`place-item-${kind}-${p.id}`}
                    aria-pressed={props.selected?.kind === kind && props.selected.id === p.id}
                    onClick={() => props.onSelect({ kind, id: p.id })}
                  >
                    {p.name}
                  </button>
                </li>
              ))}
            </ul>
          </details>
        ),
      )}
    </>
  )
}
