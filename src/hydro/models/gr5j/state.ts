/**
 * GR5J state: the shared GR layout of gr4j/state.ts with nh = 20 daily ordinates, all in mm.
 * GR5J has one unit hydrograph, held in the UH2 slots (2·nh = 40 entries); the UH1 slots and
 * the `Exp` and `Int` stores stay at 0, as airGR's `StateEnd` leaves them unused.
 */
import { NH_DAILY } from '../gr4j/run.ts'
import { grStateNames, grStateSize } from '../gr4j/state.ts'

export { PROD, ROUT, UH1, grStateNames, grStateSize, uh2Offset } from '../gr4j/state.ts'

/** Length of GR5J's state vector (64). */
export const GR5J_STATE_SIZE = grStateSize(NH_DAILY)
/** Names of GR5J's state entries. */
export const GR5J_STATE_NAMES: readonly string[] = grStateNames(NH_DAILY)
