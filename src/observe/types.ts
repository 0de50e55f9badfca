/**
 * Monitoring: the river network's stations and basins, the series measured or forecast on
 * them, their observations with quality flags and revision history, and thresholds.
 */
import type { EpochMs } from '../core/brand.ts'
import type { BasinId, SeriesId, StationId, ThresholdId, UserId } from '../core/ids.ts'

/** Variables Freshet keeps, each with the one unit it is stored in. */
export const VARIABLE_UNITS = {
  discharge: 'm3/s',
  water_level: 'm',
  precipitation: 'mm',
  temperature: 'degC',
  pet: 'mm',
} as const

export type Variable = keyof typeof VARIABLE_UNITS
export type Unit = (typeof VARIABLE_UNITS)[Variable]

export interface Station {
  readonly id: StationId
  readonly name: string
  readonly river: string
  /** WGS84 degrees. */
  readonly lat: number
  readonly lon: number
  /** The basin draining to this station, if modelled. */
  readonly basinId: BasinId | null
  /** Drainage area at the station (km²). */
  readonly catchmentAreaKm2: number | null
  /** Elevation of the gauge's zero (m a.s.l.). */
  readonly datumM: number | null
}

/** How water is routed from a basin's outlet to the next basin downstream. */
export type ReachRoutingSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'muskingum'; readonly kHours: number; readonly x: number }
  | { readonly kind: 'lag-route'; readonly lagHours: number; readonly kHours: number }

export interface Basin {
  readonly id: BasinId
  readonly name: string
  /** Local (own) area, excluding upstream basins (km²). */
  readonly areaKm2: number
  /** GeoJSON Polygon or MultiPolygon of the outline (WGS84), or null. */
  readonly outline: unknown
  /** 101 elevations (m a.s.l.): minimum, percentiles 1–99, maximum; null if unknown. */
  readonly hypsometry: readonly number[] | null
  /** The basin the outlet drains into, with the reach between them; null at the network's outlet. */
  readonly downstream: { readonly basinId: BasinId; readonly reach: ReachRoutingSpec } | null
}

export type SeriesKind = 'observed' | 'forecast'

export interface Series {
  readonly id: SeriesId
  readonly variable: Variable
  readonly unit: Unit
  readonly kind: SeriesKind
  /** Exactly one of station and basin. */
  readonly stationId: StationId | null
  readonly basinId: BasinId | null
  /** Nominal time step (ms), or null for irregular series. */
  readonly stepMs: number | null
}

/** Quality flags, as bits: a value is stored whatever its flags, and never dropped silently. */
export const QC = {
  ok: 0,
  outOfRange: 1,
  rateOfChange: 2,
  flatLine: 4,
  future: 8,
  duplicateInBatch: 16,
  manual: 32,
} as const
export type QcFlags = number

export interface Observation {
  readonly seriesId: SeriesId
  /** Start of the step (or the instant) the value is for. */
  readonly t: EpochMs
  /** In the series' unit. */
  readonly value: number
  readonly quality: QcFlags
}

/** A value as stored, with its revision number (1 for the first value at that time). */
export interface StoredObservation extends Observation {
  readonly revision: number
  readonly receivedAt: EpochMs
}

export type ThresholdSource = 'fitted' | 'manual'

export interface Threshold {
  readonly id: ThresholdId
  readonly seriesId: SeriesId
  /** A short label, e.g. `Q2`, `Q10`, `alert`. */
  readonly name: string
  /** Return period in years for fitted thresholds (and hand-set ones that claim one). */
  readonly returnPeriodYears: number | null
  /** In the series' unit. */
  readonly value: number
  readonly source: ThresholdSource
  /** Confidence interval of a fitted value (same unit), or null. */
  readonly ciLow: number | null
  readonly ciHigh: number | null
  /** Who set it and why (hand-set thresholds); the fitting method for fitted ones. */
  readonly setBy: UserId | null
  readonly reason: string
  readonly setAt: EpochMs
}
