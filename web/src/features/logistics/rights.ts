/**
 * What the signed-in user may change in logistics, as the server decides it: a duty officer (or
 * admin) whose areas cover the area of the record (a depot's area, a shelter's, a dispatch's
 * depot or destination). The page offers an action only then; the server checks again.
 */
import type { Me } from '../../api/types.ts'
import { coversArea, hasRole } from '../../session/session.tsx'

/** Whether `me` may change logistics records in every one of `areas`. */
export function mayChangeAll(me: Me | null, areas: readonly string[]): boolean {
  return hasRole(me?.role, 'duty-officer') && areas.every((a) => coversArea(me, a))
}

/** Whether `me` may change a logistics record in at least one of `areas`. */
export function mayChangeAny(me: Me | null, areas: readonly string[]): boolean {
  return hasRole(me?.role, 'duty-officer') && areas.some((a) => coversArea(me, a))
}
