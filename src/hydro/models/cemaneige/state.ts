/**
 * State of one CemaNeige elevation layer, a block of consecutive entries:
 *
 * | index | name | content | unit |
 * | 0 | G | snow pack water equivalent | mm |
 * | 1 | eTG | thermal state of the snow pack | °C |
 * | 2 | Gthr | melt threshold (hysteresis only) | mm |
 * | 3 | Glocmax | local maximum of the snow pack, the hysteresis' current threshold (hysteresis only) | mm |
 * | 4 | Gratio | fraction of the layer covered by snow at the end of the step (hysteresis only) | − |
 *
 * G, eTG, Gthr and Glocmax are airGR's `StateEnd` entries for the layer. Gthr = 0 and
 * Glocmax = 0 mean "not set yet": the run then starts them, as airGR does, at CNX4 × the mean
 * annual solid precipitation and at Gthr. Gratio is not in airGR's `StateEnd`: with the
 * hysteresis it carries memory from one step to the next, which airGR keeps within one run and
 * resets to 0 at the start of each run. Keeping it here makes a warm restart identical to an
 * unbroken run; a state imported from airGR takes Gratio = 0, which reproduces airGR's restart.
 * Without the hysteresis the block holds only G and eTG.
 */
/** Offset of the snow pack G (mm) in a layer's block. */
export const G = 0
/** Offset of the thermal state eTG (°C). */
export const ETG = 1
/** Offset of the melt threshold Gthr (mm), hysteresis only. */
export const GTHR = 2
/** Offset of the local threshold Glocmax (mm), hysteresis only. */
export const GLOCMAX = 3
/** Offset of the snow-cover fraction Gratio (−), hysteresis only. */
export const GRATIO = 4

const ORIGINAL_BLOCK = ['G', 'eTG'] as const
const HYST_BLOCK = ['G', 'eTG', 'Gthr', 'Glocmax', 'Gratio'] as const

/** Length of one layer's state block. */
export const snowLayerStateSize = (hysteresis: boolean): number =>
  hysteresis ? HYST_BLOCK.length : ORIGINAL_BLOCK.length

/** Names of the snow state entries of `layers` layers, layer by layer: `L1_G`, `L1_eTG`, … */
export function snowStateNames(layers: number, hysteresis: boolean): string[] {
  const block = hysteresis ? HYST_BLOCK : ORIGINAL_BLOCK
  const names: string[] = []
  for (let k = 1; k <= layers; k++) for (const b of block) names.push(`L${k}_${b}`)
  return names
}
