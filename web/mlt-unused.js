/**
 * Stands in for `@maplibre/mlt`, the decoder of MapLibre Tiles, in the dashboard's build: the
 * map draws GeoJSON only and never loads such tiles, so the decoder is not shipped.
 * Values as in @maplibre/mlt's geometryType.js.
 */
export const GEOMETRY_TYPE = Object.freeze({
  POINT: 0,
  LINESTRING: 1,
  POLYGON: 2,
  MULTIPOINT: 3,
  MULTILINESTRING: 4,
  MULTIPOLYGON: 5,
})

/** Never called: the map has no MapLibre Tiles source. */
export function decodeTile() {
  throw new Error('MapLibre Tiles are not supported by this map')
}
