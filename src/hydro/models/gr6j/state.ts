/**
 * GR6J state: the shared GR layout of gr4j/state.ts with nh = 20 daily ordinates, all in mm:
 * production store, routing store, exponential store (`Exp`, which may be negative), UH1 (20)
 * and UH2 (40). The `Int` slot stays at 0.
 */
import { NH_DAILY } from '../gr4j/run.ts'
import { grStateNames, grStateSize } from '../gr4j/state.ts'

export { EXP, PROD, ROUT, UH1, grStateNames, grStateSize, uh2Offset } from '../gr4j/state.ts'

/** Length of GR6J's state vector (64). */
export const GR6J_STATE_SIZE = grStateSize(NH_DAILY)
/** Names of GR6J's state entries. */
export const GR6J_STATE_NAMES: readonly string[] = grStateNames(NH_DAILY)
