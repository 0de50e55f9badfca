/**
 * Build of the dashboard: root web/, output web/dist, served by the Freshet server at `/`.
 *
 * - The basemap (Natural Earth 1:50 m from the `world-atlas` package) is emitted as two static
 *   GeoJSON files, `basemap/land.json` and `basemap/borders.json`, that the map's worker loads:
 *   no remote tiles, fonts or CDN.
 * - maplibre-gl is compiled from its TypeScript sources (`maplibre-source.js`), and its worker
 *   is a second entry (`assets/map-worker.js`, a module worker) so that the two share a chunk.
 *   The decoder of MapLibre Tiles, a vector tile format the map never loads, is left out
 *   (`mlt-unused.js`). Together these keep the JavaScript shipped under 1.5 MB.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { feature, mesh } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import { defineConfig, type Plugin } from 'vite'

const require = createRequire(import.meta.url)
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url))
const maplibreSrc = join(dirname(require.resolve('maplibre-gl/package.json')), 'src')
/** Where the map worker is served; src/features/map/map-view.tsx uses the same path. */
const WORKER_FILE = 'assets/map-worker.js'

/** Decimal places kept in the basemap's coordinates (0.001° ≈ 100 m, finer than 1:50 m). */
const BASEMAP_DECIMALS = 3

/**
 * The basemap as two GeoJSON files made from the Natural Earth TopoJSON at build time:
 * `basemap/land.json` (land polygons) and `basemap/borders.json` (borders between countries).
 * The map's worker fetches and parses them itself, so the page's thread never does.
 */
function basemapFiles(): Record<string, string> {
  const topo = JSON.parse(
    readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'),
  ) as Topology<{ countries: GeometryCollection; land: GeometryCollection }>
  const scale = 10 ** BASEMAP_DECIMALS
  const round = (_key: string, v: unknown): unknown =>
    typeof v === 'number' ? Math.round(v * scale) / scale : v
  const land = feature(topo, topo.objects.land)
  const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b)
  return {
    'basemap/land.json': JSON.stringify(land, round),
    'basemap/borders.json': JSON.stringify(
      {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', geometry: borders, properties: {} }],
      },
      round,
    ),
  }
}

/** Serves (dev) and emits (build) the basemap files. */
function basemap(): Plugin {
  let files: Record<string, string> | undefined
  const all = (): Record<string, string> => (files ??= basemapFiles())
  return {
    name: 'freshet-basemap',
    configureServer(server) {
      server.middlewares.use('/basemap/', (req, res, next) => {
        const body = all()[`basemap${req.url ?? ''}`]
        if (body === undefined) return next()
        res.setHeader('content-type', 'application/json')
        res.end(body)
      })
    },
    generateBundle() {
      for (const [fileName, source] of Object.entries(all()))
        this.emitFile({ type: 'asset', fileName, source })
    },
  }
}

/**
 * maplibre's sources import their whole package.json for its version; give them only the
 * version so the rest (scripts, dependency lists) is not shipped.
 */
function maplibreVersionOnly(): Plugin {
  const file = require.resolve('maplibre-gl/package.json')
  const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version: string }
  return {
    name: 'freshet-maplibre-version',
    load(id) {
      return id.split('?')[0] === file ? JSON.stringify({ name: 'maplibre-gl', version }) : null
    },
  }
}

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react(), basemap(), maplibreVersionOnly()],
  // maplibre's sources are written for `useDefineForClassFields: false`: a field declared without
  // a value must not reset what a parent constructor set.
  oxc: {
    typescript: { removeClassFieldsWithoutInitializer: true },
    assumptions: { setPublicClassFields: true },
  },
  resolve: {
    alias: [
      { find: /^maplibre-gl$/, replacement: here('./maplibre-source.js') },
      { find: /^maplibre-source\/(.*)$/, replacement: `${maplibreSrc}/$1` },
      { find: /^@maplibre\/mlt$/, replacement: here('./mlt-unused.js') },
    ],
  },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
    target: 'es2023',
    rolldownOptions: {
      input: { index: here('./index.html'), 'map-worker': here('./src/map-worker.ts') },
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'map-worker' ? WORKER_FILE : 'assets/[name]-[hash].js',
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/cap': 'http://127.0.0.1:8080' },
  },
})
