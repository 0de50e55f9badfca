/** The Atom feed of active CAP alerts: builder and checker. */
export { ATOM_NS, CAP_MEDIA_TYPE, activeAlerts, alertsForArea, buildAtomFeed } from './build.ts'
export type { FeedAlert, FeedMeta } from './build.ts'
export { FEED_CODES, checkAtomFeed } from './check.ts'
export type { FeedCode } from './check.ts'
