/**
 * Events the server pushes to browsers over Server-Sent Events (`GET /api/v1/events`): a new
 * forecast stored, observations ingested, a warning published, an incident opened or changed, an
 * order issued, answered or escalated, a logistics record changed, the demo replay moved. In-process fan-out; each subscriber has a bounded
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
  | {
      /** An incident was opened or changed (`event`: opened, level-changed, note, …). */
      readonly kind: 'incident'
      readonly incidentId: string
      readonly event: string
      readonly post: string | null
    }
  | {
      /** An order was issued or superseded (`post` null), or a recipient answered. */
      readonly kind: 'order'
      readonly orderId: string
      readonly event: string
      readonly post: string | null
      /** The recipient record's version after the answer, or null. */
      readonly version: number | null
    }
  | {
      /** A basin's forecast skill (hindcast summary) was stored. */
      readonly kind: 'skill'
      readonly basinId: string
    }
  | {
      /** A recipient missed a deadline: its superiors are told. */
      readonly kind: 'order-escalated'
      readonly orderId: string
      readonly post: string
      readonly deadline: 'ack' | 'completion'
      readonly superiorsNotified: readonly string[]
    }
  | {
      /** The demo replay's simulated time, state or speed changed. */
      readonly kind: 'replay'
      /** ISO 8601 simulated time. */
      readonly simTime: string
      readonly state: 'playing' | 'paused' | 'finished'
      /** Simulated hours per real second. */
      readonly speed: number
    }
  | {
      /** A logistics record changed: an allocation plan, a dispatch, stock, a shelter. */
      readonly kind: 'logistics'
      readonly what: 'plan' | 'dispatch' | 'stock' | 'shelter'
      /** The plan, dispatch, depot or movement, shelter or evacuation area. */
      readonly id: string
    }

/** Event kinds anyone may read; the others go only to token holders who cover them. */
export const PUBLIC_EVENT_KINDS = [
  'forecast',
  'observations',
  'warning',
  'replay',
  'skill',
] as const

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
