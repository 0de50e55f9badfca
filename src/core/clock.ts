import type { EpochMs } from './brand.ts'

/** The source of the current time. Domain code asks this port, never `Date.now()`. */
export interface Clock {
  now(): EpochMs
}
