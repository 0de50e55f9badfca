/** The map view: layer switches, the map, the station list and the panel of what was selected. */
import { useCallback, useMemo, useState, type ReactNode } from 'react'
import type { FeatureCollection } from 'geojson'
import type { AllocationPlan, DashboardStations, ZoneProperties } from '../../api/types.ts'
import { useApi, type ApiState } from '../../api/use-api.ts'
import { useI18n } from '../../i18n/i18n.tsx'
import { useSession } from '../../session/session.tsx'
import { CloseButton } from '../../ui/close-button.tsx'
import { LevelBadge } from '../../ui/levels.tsx'
import { StationPanel } from '../station/station-panel.tsx'
import { LayerSwitches } from './layer-switches.tsx'
import {
  basinFeatures,
  flowFeatures,
  placeFeatures,
  postFeatures,
  riverFeatures,
  stationFeatures,
  type MapData,
} from './map-data.ts'
import { POST_LEVELS, type PostLevel } from './map-icons.ts'
import { LAYER_GROUPS, type LayerGroup } from './map-style.ts'
import { MapView, type MapSelection } from './map-view.tsx'
import { PlaceList } from './place-list.tsx'
import { StationList } from './station-list.tsx'

const ALL_ON = Object.fromEntries(Object.keys(LAYER_GROUPS).map((g) => [g, true])) as Record<
  LayerGroup,
  boolean
>

const isPostLevel = (l: string): l is PostLevel => (POST_LEVELS as readonly string[]).includes(l)

/** The panel of a depot, a shelter or a post selected on the map. */
function PlacePanel(props: {
  name: string
  kind: 'depot' | 'shelter' | 'post'
  onClose: () => void
  children: ReactNode
}): ReactNode {
  return (
    <section className="panel" aria-label={props.name} data-testid={`${props.kind}-panel`}>
      <header className="panel-header">
        <h2>{props.name}</h2>
        <CloseButton onClick={props.onClose} />
      </header>
      {props.children}
    </section>
  )
}

export function MapTab(props: {
  stations: ApiState<DashboardStations>
  plan: AllocationPlan | null
  selection: MapSelection | null
  onSelect: (s: MapSelection | null) => void
}): ReactNode {
  const { t, time } = useI18n()
  const { token } = useSession()
  const { stations } = props
  const zones = useApi<FeatureCollection>('/api/v1/dashboard/zones', {
    what: t('layer.zones'),
    live: ['warning'],
  })
  const mapData = useApi<MapData>('/api/v1/dashboard/map', {
    what: t('layers'),
    live: ['logistics'],
  })
  const { plan } = props
  const [visible, setVisible] = useState<Record<LayerGroup, boolean>>(ALL_ON)
  const onLayer = useCallback(
    (g: LayerGroup, on: boolean) => setVisible((v) => ({ ...v, [g]: on })),
    [],
  )

  const layers = useMemo(() => {
    const md = mapData.data
    const { outlines, outlets } = basinFeatures(md)
    const depots = md?.depots ?? []
    return {
      stations: stations.data === undefined ? null : stationFeatures(stations.data.stations),
      zones: zones.data === undefined ? null : zones.data,
      basins: outlines,
      outlets,
      rivers: riverFeatures(md),
      depots: placeFeatures('depot', depots),
      shelters: placeFeatures('shelter', md?.shelters ?? []),
      posts: postFeatures(md?.posts ?? []),
      flows: flowFeatures(plan, depots),
    }
  }, [stations.data, zones.data, mapData.data, plan])

  const available: Record<LayerGroup, boolean> = {
    ...ALL_ON,
    depots: token !== null && (mapData.data?.depots?.length ?? 0) > 0,
    shelters: token !== null && (mapData.data?.shelters?.length ?? 0) > 0,
    posts: token !== null && (mapData.data?.posts?.length ?? 0) > 0,
    flows: token !== null && layers.flows.features.length > 0,
  }
  const { onSelect } = props
  const select = useCallback((s: MapSelection) => onSelect(s), [onSelect])
  const sel = props.selection
  const levels = stations.data?.levels ?? []
  const station =
    sel === null
      ? undefined
      : sel.kind === 'station'
        ? stations.data?.stations.find((s) => s.id === sel.id)
        : sel.kind === 'basin'
          ? stations.data?.stations.find((s) => s.basinId === sel.id)
          : undefined
  const zone =
    sel?.kind === 'zone'
      ? (zones.data?.features.find((f) => (f.properties as ZoneProperties | null)?.id === sel.id)
          ?.properties as ZoneProperties | undefined)
      : undefined
  const place =
    sel?.kind === 'depot' ? mapData.data?.depots?.find((d) => d.id === sel.id) : undefined
  const shelter =
    sel?.kind === 'shelter' ? mapData.data?.shelters?.find((d) => d.id === sel.id) : undefined
  const post = sel?.kind === 'post' ? mapData.data?.posts?.find((d) => d.id === sel.id) : undefined
  const panelOpen =
    station !== undefined ||
    zone !== undefined ||
    place !== undefined ||
    shelter !== undefined ||
    post !== undefined
  return (
    <div className={panelOpen ? 'map-tab with-panel' : 'map-tab'}>
      <aside className="map-side">
        <LayerSwitches visible={visible} available={available} onChange={onLayer} />
        <StationList
          stations={stations.data?.stations ?? []}
          levels={levels}
          selected={station?.id ?? null}
          onSelect={(id) => props.onSelect({ kind: 'station', id })}
        />
        <PlaceList data={mapData.data} selected={sel} onSelect={select} />
      </aside>
      <div className="map-main">
        <MapView data={layers} visible={visible} onSelect={select} />
      </div>
      {station !== undefined ? (
        <StationPanel
          key={station.id}
          station={station}
          levels={levels}
          onClose={() => props.onSelect(null)}
        />
      ) : zone !== undefined ? (
        <section className="panel" aria-label={zone.name}>
          <header className="panel-header">
            <h2>{zone.name}</h2>
            <CloseButton onClick={() => props.onSelect(null)} />
          </header>
          <p>
            <LevelBadge level={zone.level} rank={zone.rank} />
          </p>
          {zone.expires !== null ? (
            <p>
              {t('expires')}: {time(zone.expires)}
            </p>
          ) : null}
        </section>
      ) : place !== undefined ? (
        <PlacePanel name={place.name} kind="depot" onClose={() => props.onSelect(null)}>
          <p>{t('depot')}</p>
        </PlacePanel>
      ) : shelter !== undefined ? (
        <PlacePanel name={shelter.name} kind="shelter" onClose={() => props.onSelect(null)}>
          <p>{t('shelter')}</p>
          <p data-testid="shelter-places">
            {t('occupancy')}:{' '}
            {t('shelterPlaces', { occupancy: shelter.occupancy, capacity: shelter.capacity })}
          </p>
        </PlacePanel>
      ) : post !== undefined ? (
        <PlacePanel name={post.name} kind="post" onClose={() => props.onSelect(null)}>
          <p data-testid="post-level">
            {t('post')}: {isPostLevel(post.level) ? t(`postLevel.${post.level}`) : post.level}
          </p>
        </PlacePanel>
      ) : null}
    </div>
  )
}
