/**
 * State vector shared by the GR models (GR4J, GR5J, GR6J, GR4H, GR5H), all in mm:
 *
 * | index | content |
 * | 0 | production store level (`Prod`) |
 * | 1 | routing store level (`Rout`) |
 * | 2 | exponential store level (`Exp`, GR6J; may be negative) |
 * | 3 | interception store level (`Int`, GR5H with interception) |
 * | 4 … 4+nh−1 | unit hydrograph UH1 stores (nh = 20 daily, 480 hourly) |
 * | 4+nh … 4+3nh−1 | unit hydrograph UH2 stores (2·nh) |
 *
 * The layout is airGR's `StateEnd` in a different order, so a saved state can be exchanged
 * with airGR by name.
 */
export const PROD = 0
export const ROUT = 1
export const EXP = 2
export const INT = 3
export const UH1 = 4

/** Length of a GR state vector with `nh` UH1 ordinates. */
export const grStateSize = (nh: number): number => 4 + 3 * nh

/** Offset of the UH2 stores in a GR state vector with `nh` UH1 ordinates. */
export const uh2Offset = (nh: number): number => 4 + nh

/** Names of the entries of a GR state vector with `nh` UH1 ordinates. */
export function grStateNames(nh: number): string[] {
  const names = ['Prod', 'Rout', 'Exp', 'Int']
  for (let i = 0; i < nh; i++) names.push(`UH1[${i}]`)
  for (let i = 0; i < 2 * nh; i++) names.push(`UH2[${i}]`)
  return names
}
