/**
 * The map's style: a plain background for water, Natural Earth land and borders, and Freshet's
 * layers. Symbol layers show icons only (drawn by map-icons.ts and added when the style loads),
 * never text (labels are HTML), so no glyphs or sprites are needed.
 */
import type { StyleSpecification } from 'maplibre-gl'
import { LEVEL_COLOURS } from '../../ui/levels.tsx'
import { SHELTER_ICON } from './map-icons.ts'

/** The switchable layers and the maplibre layers each one shows. */
export const LAYER_GROUPS = {
  zones: ['zones-fill', 'zones-line'],
  basins: ['basins-fill', 'basins-line', 'outlets'],
  rivers: ['rivers'],
  flows: ['flows'],
  depots: ['depots'],
  shelters: ['shelters'],
  posts: ['posts'],
  stations: ['stations'],
} as const

export type LayerGroup = keyof typeof LAYER_GROUPS

/** Layers a click may select, the most specific first. */
export const CLICKABLE_LAYERS = [
  'stations',
  'posts',
  'depots',
  'shelters',
  'outlets',
  'zones-fill',
  'basins-fill',
] as const

const empty = { type: 'FeatureCollection' as const, features: [] }

/**
 * The basemap's sources and their files (made at build time, see web/vite.config.ts). The map's
 * worker fetches and parses them itself, so the page's thread never does.
 */
export const BASEMAP_FILES = { land: '/basemap/land.json', borders: '/basemap/borders.json' }

/** `['match', rank, 0, grey, 1, yellow, …]`: the fill of a level rank. */
const rankColour = (): unknown[] => {
  const m: unknown[] = ['match', ['get', 'rank']]
  LEVEL_COLOURS.forEach((c, k) => m.push(k, c.fill))
  m.push(LEVEL_COLOURS[LEVEL_COLOURS.length - 1]!.fill)
  return m
}

/** The complete style; every source starts empty and is filled with setData. */
export function mapStyle(): StyleSpecification {
  const src = { type: 'geojson' as const, data: empty }
  return {
    version: 8,
    sources: {
      // The basemap (see BASEMAP_FILES) is filled in once the stations are drawn.
      land: src,
      borders: src,
      zones: src,
      basins: src,
      outlets: src,
      rivers: src,
      flows: src,
      depots: src,
      shelters: src,
      posts: src,
      stations: src,
    },
    layers: [
      { id: 'water', type: 'background', paint: { 'background-color': '#d9e6ee' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#f5f3ee' } },
      {
        id: 'borders',
        type: 'line',
        source: 'borders',
        paint: { 'line-color': '#8a8a8a', 'line-width': 1, 'line-dasharray': [3, 2] },
      },
      {
        id: 'zones-fill',
        type: 'fill',
        source: 'zones',
        paint: {
          'fill-color': rankColour() as never,
          'fill-opacity': ['case', ['>', ['get', 'rank'], 0], 0.45, 0.12],
        },
      },
      {
        id: 'zones-line',
        type: 'line',
        source: 'zones',
        paint: { 'line-color': '#3d3d3d', 'line-width': 1.5 },
      },
      {
        id: 'basins-fill',
        type: 'fill',
        source: 'basins',
        paint: { 'fill-color': '#5b8fb9', 'fill-opacity': 0.06 },
      },
      {
        id: 'basins-line',
        type: 'line',
        source: 'basins',
        paint: { 'line-color': '#2f5d80', 'line-width': 1.2 },
      },
      {
        id: 'rivers',
        type: 'line',
        source: 'rivers',
        paint: { 'line-color': '#1f78b4', 'line-width': 2.5 },
      },
      {
        id: 'flows',
        type: 'line',
        source: 'flows',
        paint: {
          'line-color': '#009e73',
          'line-width': ['get', 'width'],
          'line-opacity': 0.8,
          'line-dasharray': [2, 1],
        },
      },
      {
        id: 'outlets',
        type: 'circle',
        source: 'outlets',
        paint: {
          'circle-radius': 4,
          'circle-color': '#1f78b4',
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1,
        },
      },
      // Posts are squares and shelters houses (map-icons.ts), so neither is told from the round
      // depots and stations by colour alone. Every point is drawn, overlapping or not; posts
      // are the largest symbols, so they go under the depots (often in the same town).
      {
        id: 'posts',
        type: 'symbol',
        source: 'posts',
        layout: {
          'icon-image': ['get', 'icon'],
          'icon-allow-overlap': true,
          'icon-ignore-placement': true,
          // Higher levels (larger squares) drawn first, under the smaller ones.
          'symbol-sort-key': ['get', 'sort'],
        },
      },
      {
        id: 'depots',
        type: 'circle',
        source: 'depots',
        paint: {
          'circle-radius': 6,
          'circle-color': '#0072b2',
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      },
      {
        id: 'shelters',
        type: 'symbol',
        source: 'shelters',
        layout: {
          'icon-image': SHELTER_ICON,
          'icon-allow-overlap': true,
          'icon-ignore-placement': true,
        },
      },
      {
        id: 'stations',
        type: 'circle',
        source: 'stations',
        paint: {
          'circle-radius': 7,
          'circle-color': ['get', 'fill'],
          'circle-stroke-color': ['get', 'ring'],
          'circle-stroke-width': ['get', 'ringWidth'],
        },
      },
    ],
  }
}
