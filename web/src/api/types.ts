/** Wire shapes of the Freshet API as the dashboard reads them (docs/api.md). Times are ISO 8601 UTC. */

export interface Me {
  readonly user: string
  readonly role: Role
  readonly areas: readonly string[]
  /** The warning zones the areas cover (by the zone's id or one of its basins), or ['*']. */
  readonly zones: readonly string[]
  readonly posts: readonly { readonly post: string; readonly role: string }[]
}

export const ROLES = ['observer', 'forecaster', 'duty-officer', 'admin'] as const
export type Role = (typeof ROLES)[number]

export interface LevelRef {
  readonly name: string
  readonly rank: number
}

export interface StationThreshold {
  readonly name: string
  readonly value: number
  readonly unit: string
}

export interface DashboardStation {
  readonly id: string
  readonly name: string
  readonly lat: number
  readonly lon: number
  readonly basinId: string | null
  readonly river: string | null
  readonly seriesId: string | null
  readonly thresholds: readonly StationThreshold[]
  readonly observed: {
    readonly time: string
    readonly value: number
    readonly unit: string
    readonly exceeded: string | null
    readonly rank: number
    /** QC flags set on the value, comma-separated, or null. */
    readonly flag: string | null
  } | null
  readonly forecast: {
    readonly runId: string
    readonly issueTime: string
    readonly maxMedian: number
    readonly exceeded: string | null
    readonly rank: number
    readonly probability: number | null
  } | null
  /** The basin's model name, or null when it has none. */
  readonly model: string | null
  /** When the basin's latest hindcast skill was computed, or null when there is none. */
  readonly skillAt: string | null
}

export interface DashboardStations {
  readonly levels: readonly LevelRef[]
  readonly stations: readonly DashboardStation[]
}

export interface Observation {
  readonly t: string
  readonly value: number
  readonly quality: number
  readonly revision: number
}

export interface BasinForecast {
  readonly run: {
    readonly id: string
    readonly issueTime: string
    readonly forcingSource: string
    readonly members: number
    readonly leadSteps: number
    readonly stepHours: number
  }
  readonly basin: string
  readonly unit: string
  readonly leadTimes: readonly string[]
  readonly quantiles: Readonly<Record<string, readonly number[]>>
  readonly exceedance: readonly {
    readonly threshold: string
    readonly value: number
    readonly probability: readonly number[]
  }[]
}

/** A basin's simulation: its model on the observed forcing, m³/s at its outlet (GET /api/v1/basins/{id}/simulation). */
export interface BasinSimulation {
  readonly basinId: string
  readonly model: string
  /** The model's step (ms). */
  readonly stepMs: number
  /** Where the models started cold. */
  readonly warmupStart: string
  readonly from: string
  /** End of the last step: the window's end, or earlier where the observed forcing ends. */
  readonly to: string
  readonly upstream: readonly string[]
  readonly unit: string
  /** Start of each step. */
  readonly times: readonly string[]
  /** Mean outlet flow of each step (m³/s). */
  readonly values: readonly number[]
}

export interface Series {
  readonly id: string
  readonly variable: string
  readonly unit: string
  readonly kind: 'observed' | 'forecast'
  readonly stationId: string | null
  readonly basinId: string | null
}

export interface Draft {
  readonly warningId: string
  readonly version: number
  readonly change: string
  readonly level: string
  readonly previousLevel: string | null
  readonly basis: 'observed' | 'forecast'
  readonly expires: string
  readonly source: 'rules' | 'forecaster'
  readonly draftedBy: string
  readonly draftedAt: string
  readonly note: string
  readonly twoPersonRequired: boolean
  readonly reasons: readonly string[]
}

export interface ZoneWarnings {
  readonly zoneId: string
  readonly name: string
  readonly active: {
    readonly warningId: string
    readonly level: string
    readonly basis: 'observed' | 'forecast'
    readonly expires: string
    readonly version: number
    readonly alertId: string
    readonly msgType: string
    readonly reasons: readonly string[]
  } | null
  readonly pending: Draft | null
}

export interface ZoneEvent {
  readonly kind: string
  readonly at: string
  readonly by: string
  readonly warningId: string
  readonly summary: string
}

export interface DeliveryMessage {
  readonly id: string
  readonly recipient: string
  readonly channel: string
  readonly address: string
  readonly language: string
  readonly status: 'pending' | 'delivered' | 'failed'
  readonly attempts: number
  readonly deliveredAt: string | null
  readonly escalatedAt: string | null
  readonly lastError: string | null
  readonly acknowledged: { readonly at: string; readonly via: string } | null
}

export interface ZoneProperties {
  readonly id: string
  readonly name: string
  readonly level: string | null
  readonly rank: number
  readonly alertId: string | null
  readonly expires: string | null
}

export interface Post {
  readonly id: string
  readonly name: string
  readonly level: 'national' | 'basin' | 'province' | 'county'
  readonly parents: readonly string[]
  readonly areas: readonly string[]
  /** WGS84 degrees, or null when the post has no location. */
  readonly location: { readonly lat: number; readonly lon: number } | null
}

export interface Incident {
  readonly id: string
  readonly post: string
  readonly title: string
  readonly level: string
  readonly status: string
  readonly source: { readonly kind: string; readonly zoneId?: string }
  readonly openedAt: string
  readonly version: number
}

export interface Order {
  readonly id: string
  readonly issuerPost: string
  readonly issuedBy: string
  readonly issuedAt: string
  readonly title: string
  readonly actions: readonly string[]
  readonly recipients: readonly string[]
  readonly ackDeadline: string
  readonly completionDeadline: string
}

export interface StatusCounts {
  readonly total: number
  readonly issued: number
  readonly received: number
  readonly accepted: number
  readonly unable: number
  readonly completed: number
  readonly escalatedAck: number
  readonly escalatedCompletion: number
}

export interface RecipientRecord {
  readonly post: string
  readonly status: string
  readonly version: number
  readonly escalated: { readonly ack: string | null; readonly completion: string | null }
  /** The post's reason when it answered `unable`, else null. */
  readonly unableReason: string | null
  /** The post's report when it answered `completed`, else null. */
  readonly report: string | null
}

export interface OrderView {
  readonly order: Order
  readonly supersededBy: string | null
  readonly total: StatusCounts
  readonly byLevel: Readonly<Record<string, StatusCounts>>
  readonly nodes?: readonly {
    readonly post: string
    readonly level: string
    readonly status: string | null
    readonly subtree: StatusCounts
    readonly children: readonly string[]
  }[]
  readonly posts?: readonly RecipientRecord[]
}

export interface Rollup {
  readonly post: string
  readonly at: string
  readonly figures: Readonly<Record<string, { readonly total: number }>>
  readonly needs: readonly {
    readonly item: string
    readonly unit: string
    readonly quantity: number
  }[]
  readonly reports: readonly string[]
  readonly silent: readonly string[]
}

export interface Depot {
  readonly id: string
  readonly name: string
  readonly lat: number
  readonly lon: number
  readonly capacityM3: number
  readonly usedM3: number
  readonly areaId: string
  /** Each line with its version: the movements that touched it (0 for a line never stocked). */
  readonly stock: readonly {
    readonly itemId: string
    readonly quantity: number
    readonly version: number
  }[]
}

/** An item of the catalogue: quantities of it are in `unit`. */
export interface CatalogueItem {
  readonly id: string
  readonly name: string
  readonly unit: string
  readonly category: string
}

/** An area with its exposed population (persons). */
export interface ExposedArea {
  readonly areaId: string
  readonly name: string
  readonly population: number
}

export interface Shelter {
  readonly id: string
  readonly name: string
  readonly areaId: string
  readonly capacity: number
  readonly occupancy: number
  /** WGS84 degrees, or null when the shelter has no location. */
  readonly location: { readonly lat: number; readonly lon: number } | null
  readonly version: number
}

export interface Shortfall {
  readonly areaId: string
  readonly itemId: string
  readonly target: number
  readonly available: number
  readonly deficit: number
  readonly coveragePct: number
}

export interface AllocationPlan {
  readonly id: string
  readonly createdAt: string
  readonly createdBy: string
  readonly areas: readonly {
    readonly areaId: string
    readonly name: string
    readonly lat: number
    readonly lon: number
    readonly population: number
    readonly level: string | null
  }[]
  readonly flows: readonly {
    readonly depotId: string
    readonly areaId: string
    readonly itemId: string
    readonly quantity: number
  }[]
  readonly lines: readonly {
    readonly areaId: string
    readonly itemId: string
    readonly need: number
    readonly delivered: number
    readonly unmet: number
  }[]
  readonly unmet: number
  readonly equity: boolean
  readonly dispatchIds: readonly string[]
}

export interface Dispatch {
  readonly id: string
  readonly fromDepotId: string
  readonly toAreaId: string
  readonly lines: readonly { readonly itemId: string; readonly quantity: number }[]
  readonly state: string
  /** Units handed over per item, once delivered. */
  readonly delivered: readonly { readonly itemId: string; readonly quantity: number }[] | null
  readonly version: number
  readonly updatedAt: string
}

export interface ReplayStatus {
  readonly state: 'playing' | 'paused' | 'finished'
  readonly simTime: string | number
  readonly start: string | number
  readonly end: string | number
  readonly speed: number
}
