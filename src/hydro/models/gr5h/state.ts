/**
 * GR5H state: the shared GR layout of gr4j/state.ts with nh = 480 hourly ordinates, all in mm:
 * production store, routing store, interception store (`Int`, 0 ≤ Int ≤ Imax; always 0 without
 * interception) and the single unit hydrograph in the UH2 slots (960). The `Exp` and UH1 slots
 * stay at 0, as airGR's `StateEnd` leaves them unused.
 */
import { grStateNames, grStateSize } from '../gr4j/state.ts'
import { NH_HOURLY } from '../unit-hydrograph.ts'

export { INT, PROD, ROUT, UH1, grStateNames, grStateSize, uh2Offset } from '../gr4j/state.ts'

/** Length of GR5H's state vector (1444). */
export const GR5H_STATE_SIZE = grStateSize(NH_HOURLY)
/** Names of GR5H's state entries. */
export const GR5H_STATE_NAMES: readonly string[] = grStateNames(NH_HOURLY)
