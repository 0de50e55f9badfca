/**
 * The map's point symbols that are told apart by shape as well as colour: command posts are
 * squares, larger for a higher level; shelters are houses (a square under a roof). Stations and
 * depots stay circles. The images are drawn here pixel by pixel (RGBA), so the style needs no
 * sprite file and the page no canvas.
 */
import type { Map as MapLibre } from 'maplibre-gl'

/** The levels of a post, highest first (as the server sends them). */
export const POST_LEVELS = ['national', 'basin', 'province', 'county'] as const
export type PostLevel = (typeof POST_LEVELS)[number]

/** Side of a post's square per level, CSS pixels. */
export const POST_SIZE_PX: Readonly<Record<PostLevel, number>> = {
  national: 20,
  basin: 17,
  province: 14,
  county: 11,
}

/** Width and height of a shelter's house, CSS pixels. */
export const SHELTER_SIZE_PX = 16

/** Posts: near-black with a white edge, readable on land, water and every warning colour. */
const POST_COLOURS = { fill: [26, 26, 26], edge: [255, 255, 255] } as const
/** Shelters: the palette's bluish green (Okabe–Ito), with a black edge. */
const SHELTER_COLOURS = { fill: [0, 158, 115], edge: [0, 0, 0] } as const

/** The image id of a post's square at `level`. */
export const postIcon = (level: string): string =>
  `post-${(POST_LEVELS as readonly string[]).includes(level) ? level : 'county'}`

/** The image id of a shelter's house. */
export const SHELTER_ICON = 'shelter'

/** An RGBA image as maplibre's `addImage` takes it. */
export interface RgbaImage {
  readonly width: number
  readonly height: number
  readonly data: Uint8Array
}

/** Whether a point (x, y in 0 … 1, y down) is inside the outline, and whether in its edge band. */
type Outline = (x: number, y: number, edge: number) => 'out' | 'edge' | 'in'

const square: Outline = (x, y, edge) => {
  if (x < 0 || x > 1 || y < 0 || y > 1) return 'out'
  return x < edge || x > 1 - edge || y < edge || y > 1 - edge ? 'edge' : 'in'
}

/** A house: a square body under a roof whose ridge is at the top centre. */
const house: Outline = (x, y, edge) => {
  const eaves = 0.45
  if (x < 0 || x > 1 || y > 1) return 'out'
  if (y >= eaves) return x < edge || x > 1 - edge || y > 1 - edge ? 'edge' : 'in'
  // The roof: |x − ½| ≤ ½ · y / eaves, its slopes `edge` thick (measured across).
  const half = (0.5 * y) / eaves
  const d = Math.abs(x - 0.5)
  if (d > half) return 'out'
  const slope = Math.hypot(1, 0.5 / eaves)
  return (half - d) / slope < edge * 0.9 ? 'edge' : 'in'
}

/**
 * Rasterises `outline` into a square RGBA image, 4 × 4 samples per pixel for smooth edges.
 * @param sizePx side of the image, CSS pixels
 * @param pixelRatio device pixels per CSS pixel (the image is `sizePx × pixelRatio` wide)
 * @param edgePx width of the edge band, CSS pixels
 */
function rasterise(
  outline: Outline,
  sizePx: number,
  pixelRatio: number,
  edgePx: number,
  colours: { readonly fill: readonly number[]; readonly edge: readonly number[] },
): RgbaImage {
  const n = Math.max(1, Math.round(sizePx * pixelRatio))
  const data = new Uint8Array(n * n * 4)
  const edge = edgePx / sizePx
  const S = 4
  for (let py = 0; py < n; py++)
    for (let px = 0; px < n; px++) {
      let fill = 0
      let rim = 0
      for (let sy = 0; sy < S; sy++)
        for (let sx = 0; sx < S; sx++) {
          const hit = outline((px + (sx + 0.5) / S) / n, (py + (sy + 0.5) / S) / n, edge)
          if (hit === 'in') fill++
          else if (hit === 'edge') rim++
        }
      const cover = fill + rim
      if (cover === 0) continue
      const k = (py * n + px) * 4
      for (let c = 0; c < 3; c++)
        data[k + c] = Math.round((colours.fill[c]! * fill + colours.edge[c]! * rim) / cover)
      data[k + 3] = Math.round((255 * cover) / (S * S))
    }
  return { width: n, height: n, data }
}

/**
 * The square of a post at `level`.
 * @param pixelRatio device pixels per CSS pixel
 */
export function postImage(level: PostLevel, pixelRatio: number): RgbaImage {
  return rasterise(square, POST_SIZE_PX[level], pixelRatio, 2, POST_COLOURS)
}

/**
 * The house of a shelter.
 * @param pixelRatio device pixels per CSS pixel
 */
export function shelterImage(pixelRatio: number): RgbaImage {
  return rasterise(house, SHELTER_SIZE_PX, pixelRatio, 1.5, SHELTER_COLOURS)
}

/**
 * Adds the posts' and shelters' images to `map` (those it lacks), drawn for the screen's pixel
 * ratio (device pixels per CSS pixel, at least 1).
 */
export function addMapIcons(map: MapLibre, pixelRatio: number): void {
  const ratio = Math.max(1, Math.round(pixelRatio))
  for (const level of POST_LEVELS)
    if (!map.hasImage(postIcon(level)))
      map.addImage(postIcon(level), postImage(level, ratio), { pixelRatio: ratio })
  if (!map.hasImage(SHELTER_ICON))
    map.addImage(SHELTER_ICON, shelterImage(ratio), { pixelRatio: ratio })
}
