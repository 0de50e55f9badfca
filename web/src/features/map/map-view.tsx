/**
 * The map (maplibre-gl): offline basemap and Freshet's layers. Exposes the map as
 * `window.freshet.map` and marks `<html data-ready="true">` once the style is loaded and the
 * stations are drawn.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react'
import {
  LngLatBounds,
  Map as MapLibre,
  NavigationControl,
  prewarm,
  setWorkerUrl,
  type GeoJSONSource,
} from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
import type { FeatureCollection } from 'geojson'
import { useI18n } from '../../i18n/i18n.tsx'
import { useErrors } from '../../ui/errors.tsx'
import { addMapIcons } from './map-icons.ts'
import {
  BASEMAP_FILES,
  CLICKABLE_LAYERS,
  LAYER_GROUPS,
  mapStyle,
  type LayerGroup,
} from './map-style.ts'

/** The worker entry built beside the page (web/vite.config.ts). */
const WORKER_URL = '/assets/map-worker.js'

/** How long after the style loads the basemap comes even if no station has been drawn (ms). */
const BASEMAP_FALLBACK_MS = 5_000

/**
 * Starts the map's worker now, while the page is still loading its data, rather than when the
 * map is first shown.
 */
export function prewarmMap(): void {
  setWorkerUrl(WORKER_URL)
  prewarm()
}

/** Maps whose basemap has been asked for. */
const withBasemap = new WeakSet<MapLibre>()

/** Fills the basemap's sources once per map (their files are fetched by the map's worker). */
function loadBasemap(map: MapLibre): void {
  if (withBasemap.has(map) || map.getSource('land') === undefined) return
  withBasemap.add(map)
  for (const [id, url] of Object.entries(BASEMAP_FILES))
    (map.getSource(id) as GeoJSONSource | undefined)?.setData(url)
}

declare global {
  interface Window {
    freshet?: { map: MapLibre }
  }
}

/** What a click on the map selected. */
export interface MapSelection {
  readonly kind: 'station' | 'basin' | 'zone' | 'depot' | 'shelter' | 'post'
  readonly id: string
}

export interface MapLayersData {
  readonly stations: FeatureCollection | null
  readonly zones: FeatureCollection | null
  readonly basins: FeatureCollection
  readonly outlets: FeatureCollection
  readonly rivers: FeatureCollection
  readonly depots: FeatureCollection
  readonly shelters: FeatureCollection
  readonly posts: FeatureCollection
  readonly flows: FeatureCollection
}

export interface MapViewProps {
  readonly data: MapLayersData
  readonly visible: Readonly<Record<LayerGroup, boolean>>
  readonly onSelect: (s: MapSelection) => void
}

/** The map; sources follow `data`, layer visibility follows `visible`. */
export function MapView(props: MapViewProps): ReactNode {
  const container = useRef<HTMLDivElement>(null)
  const [map, setMap] = useState<MapLibre | null>(null)
  const [styleReady, setStyleReady] = useState(false)
  const fitted = useRef(false)
  const onSelect = useRef(props.onSelect)
  const { t } = useI18n()
  const { report } = useErrors()
  useEffect(() => {
    onSelect.current = props.onSelect
  })

  useEffect(() => {
    if (container.current === null) return
    setWorkerUrl(WORKER_URL)
    const m = new MapLibre({
      container: container.current,
      style: mapStyle(),
      center: [3.2, 48.3],
      zoom: 6.4,
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    })
    m.addControl(new NavigationControl({ showCompass: false }), 'top-right')
    window.freshet = { map: m }
    m.on('load', () => {
      addMapIcons(m, window.devicePixelRatio)
      setStyleReady(true)
      // Without stations to draw first (their request failed), the basemap comes anyway.
      window.setTimeout(() => loadBasemap(m), BASEMAP_FALLBACK_MS)
    })
    m.on('error', (e) => report('map', e.error))
    m.on('click', (e) => {
      const layers = CLICKABLE_LAYERS.filter(
        (l) => m.getLayer(l) !== undefined && m.getLayoutProperty(l, 'visibility') !== 'none',
      )
      const hits = m.queryRenderedFeatures(
        [
          [e.point.x - 6, e.point.y - 6],
          [e.point.x + 6, e.point.y + 6],
        ],
        { layers: [...layers] },
      )
      hits.sort(
        (a, b) =>
          CLICKABLE_LAYERS.indexOf(a.layer.id as never) -
          CLICKABLE_LAYERS.indexOf(b.layer.id as never),
      )
      const f = hits[0]
      const kind = f?.properties['kind']
      const id = f?.properties['id']
      if (typeof kind === 'string' && typeof id === 'string')
        onSelect.current({ kind: (kind === 'zone' ? 'zone' : kind) as MapSelection['kind'], id })
    })
    for (const l of CLICKABLE_LAYERS) {
      m.on('mouseenter', l, () => (m.getCanvas().style.cursor = 'pointer'))
      m.on('mouseleave', l, () => (m.getCanvas().style.cursor = ''))
    }
    setMap(m)
    return () => {
      delete window.freshet
      delete document.documentElement.dataset.ready
      m.remove()
    }
  }, [report])

  // Sources follow the data.
  const { data } = props
  useEffect(() => {
    if (map === null || !styleReady) return
    const set = (id: string, fc: FeatureCollection | null): void => {
      if (fc !== null) (map.getSource(id) as GeoJSONSource | undefined)?.setData(fc)
    }
    set('zones', data.zones)
    set('basins', data.basins)
    set('outlets', data.outlets)
    set('rivers', data.rivers)
    set('depots', data.depots)
    set('shelters', data.shelters)
    set('posts', data.posts)
    set('flows', data.flows)
    if (data.stations !== null) {
      set('stations', data.stations)
      if (!fitted.current && data.stations.features.length > 0) {
        fitted.current = true
        const bounds = new LngLatBounds()
        for (const f of data.stations.features)
          if (f.geometry.type === 'Point') bounds.extend(f.geometry.coordinates as [number, number])
        map.fitBounds(bounds, { padding: 60, maxZoom: 7.5, duration: 0 })
      }
      // Ready (interactive) once the stations are drawn: their source loaded and a frame
      // rendered after it. The basemap may still be arriving; it does not take input.
      if (document.documentElement.dataset.ready !== 'true') {
        const expected = data.stations.features.length
        const check = (): void => {
          // Loaded with the new data (not the empty source it replaced).
          if (!map.isSourceLoaded('stations')) return
          if (expected > 0 && map.querySourceFeatures('stations').length === 0) return
          map.off('render', check)
          map.once('render', () => {
            document.documentElement.dataset.ready = 'true'
            // Then the basemap: its worker would otherwise parse it before the stations.
            loadBasemap(map)
          })
          map.triggerRepaint()
        }
        map.on('render', check)
        map.triggerRepaint()
      }
    }
  }, [map, styleReady, data])

  // Layer switches.
  const { visible } = props
  useEffect(() => {
    if (map === null || !styleReady) return
    for (const [group, layers] of Object.entries(LAYER_GROUPS) as [LayerGroup, readonly string[]][])
      for (const l of layers)
        map.setLayoutProperty(l, 'visibility', visible[group] ? 'visible' : 'none')
  }, [map, styleReady, visible])

  return (
    <div
      ref={container}
      className="map"
      data-testid="map"
      role="region"
      aria-label={t('mapLabel')}
    />
  )
}
