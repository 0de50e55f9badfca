/**
 * GR4H state: the shared GR layout of gr4j/state.ts with nh = 480 hourly ordinates, all in mm:
 * production store, routing store, UH1 (480) and UH2 (960). The `Exp` and `Int` slots stay 0.
 */
import { grStateNames, grStateSize } from '../gr4j/state.ts'
import { NH_HOURLY } from '../unit-hydrograph.ts'

export { PROD, ROUT, UH1, grStateNames, grStateSize, uh2Offset } from '../gr4j/state.ts'

/** Length of GR4H's state vector (1444). */
export const GR4H_STATE_SIZE = grStateSize(NH_HOURLY)
/** Names of GR4H's state entries. */
export const GR4H_STATE_NAMES: readonly string[] = grStateNames(NH_HOURLY)
