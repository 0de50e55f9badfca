/**
 * Events the server pushes to browsers over Server-Sent Events (`GET /api/v1/events`): a new
 * forecast stored, observations ingested, a warning published. In-process fan-out; each subscriber has a bounded
 * queue so a slow client cannot hold memory.
 */

export type ServerEvent =
  | {
      readonly kind: 'forecast'
      readonly runId: string
      readonly issueTime: string
      readonly basins: number
    }
  | { readonly kind: 'observations'; readonly inserted: number; readonly revised: number }
  | {
      /** A warning version was published (its CAP alert is in the feed). */
      readonly kind: 'warning'
      readonly zoneId: string
      readonly alertId: string
      readonly msgType: string
      readonly levelRank: number
    }

type Listener = (e: ServerEvent) => void

export class EventHub {
  private readonly listeners = new Set<Listener>()

  /** Registers `fn`; returns the function that unregisters it. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  publish(e: ServerEvent): void {
    for (const fn of this.listeners) fn(e)
  }

  get size(): number {
    return this.listeners.size
  }
}
