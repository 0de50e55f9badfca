/**
 * The parts of maplibre-gl the dashboard uses, taken from the package's TypeScript sources
 * rather than its prebuilt files. Built this way, the map's web worker (src/map-worker.ts) and
 * the page share one chunk of common code instead of each carrying a full copy, which keeps the
 * JavaScript shipped within its budget. The vite configuration points `maplibre-gl` here;
 * type checking still reads the package's own declarations.
 */
import { config } from 'maplibre-source/util/config.ts'

export { Map } from 'maplibre-source/ui/map.ts'
export { Marker } from 'maplibre-source/ui/marker.ts'
export { Popup } from 'maplibre-source/ui/popup.ts'
export { LngLatBounds } from 'maplibre-source/geo/lng_lat_bounds.ts'
export { NavigationControl } from 'maplibre-source/ui/control/navigation_control.ts'
export { prewarm } from 'maplibre-source/util/global_worker_pool.ts'

/** Where the map's worker script is served (see src/map-worker.ts). */
export function setWorkerUrl(url) {
  config.WORKER_URL = url
}
