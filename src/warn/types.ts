/**
 * Warning rules: the zones warnings are issued for, the ordered warning levels with their CAP
 * 1.2 severity, urgency and certainty, the triggers that warrant each level, and the signals
 * (forecast exceedance probabilities and observed exceedances) they are evaluated on.
 *
 * The signal shapes are declared here, not imported from src/forecast (L3): the forecast layer
 * turns its `BasinForecast.exceedance` into {@link ForecastSignal}s when it composes the two.
 */
import type { Brand, EpochMs } from '../core/brand.ts'
import type { BasinId, ForecastRunId, SeriesId, UserId } from '../core/ids.ts'

/** A warning zone, e.g. `upper-vltava`. */
export type WarningZoneId = Brand<string, 'WarningZoneId'>
/** One warning (one flood event in one zone) through all its versions: `<sender>.<zone>.<seq>`. */
export type WarningId = Brand<string, 'WarningId'>
/** One issued version of a warning (a CAP `identifier`): `<sender>.<zone>.<seq>.<version>`. */
export type AlertId = Brand<string, 'AlertId'>

/** A WGS84 position as CAP writes it: latitude first, then longitude (degrees). */
export type LatLon = readonly [lat: number, lon: number]

/** A CAP 1.2 `geocode`: a name of the coding scheme and a value, e.g. `NUTS3` / `CZ031`. */
export interface Geocode {
  readonly valueName: string
  readonly value: string
}

/** The area a station's or basin's warning applies to. */
export interface WarningZone {
  readonly id: WarningZoneId
  readonly name: string
  /** Basins whose forecasts count for this zone. */
  readonly basinIds: readonly BasinId[]
  /** Observed series (gauges) whose exceedances count for this zone. */
  readonly seriesIds: readonly SeriesId[]
  /** Closed rings (first point = last point, ≥ 4 points), as CAP `polygon`s. */
  readonly polygons: readonly (readonly LatLon[])[]
  readonly geocodes: readonly Geocode[]
}

/** CAP 1.2 `severity` values. */
export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const
export type CapSeverity = (typeof CAP_SEVERITIES)[number]
/** CAP 1.2 `urgency` values. */
export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const
export type CapUrgency = (typeof CAP_URGENCIES)[number]
/** CAP 1.2 `certainty` values. */
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const
export type CapCertainty = (typeof CAP_CERTAINTIES)[number]

/** The CAP urgency and certainty a level is published with, for one kind of basis. */
export interface CapQualifiers {
  readonly urgency: CapUrgency
  readonly certainty: CapCertainty
}

/** What a warning's current level rests on: an observed exceedance, or a forecast. */
export type Basis = 'observed' | 'forecast'

/** One condition that warrants a level. */
export type Trigger =
  | {
      /** A gauge of the zone is at or above the named threshold now. */
      readonly kind: 'observed'
      /** Threshold name as in `Threshold.name` (`Q2`, `Q5`, `alert`, …). */
      readonly thresholdName: string
    }
  | {
      /**
       * A forecast of a basin of the zone gives a probability ≥ `minProbability` of exceeding
       * the named threshold at some lead step that overlaps the window, in at least
       * `persistenceCycles` consecutive forecast cycles.
       */
      readonly kind: 'forecast'
      readonly thresholdName: string
      /** 0–1. */
      readonly minProbability: number
      /** Lead-time window after the run's issue time, hours: `[from, to]`, from < to. */
      readonly leadHours: readonly [from: number, to: number]
      /** Consecutive cycles the condition must hold before it counts (≥ 1; 1 = at once). */
      readonly persistenceCycles: number
    }

/** One warning level. */
export interface WarningLevel {
  /** Short name, unique within the rules (`advisory`, `warning`, …). */
  readonly name: string
  /** What the level means for the public, in one sentence. */
  readonly meaning: string
  readonly severity: CapSeverity
  /** Urgency and certainty when the level rests on a forecast. */
  readonly forecast: CapQualifiers
  /** Urgency and certainty when the level rests on an observed exceedance. */
  readonly observed: CapQualifiers
  /** Any one of these warrants the level. */
  readonly triggers: readonly Trigger[]
}

/**
 * Hysteresis before downgrading: a level is kept while any of its forecast triggers still
 * holds at `minProbability − probabilityMargin` (or any of its observed triggers holds), and
 * otherwise only drops after `downgradeAfterCycles` consecutive cycles below it.
 */
export interface Hysteresis {
  /** ≥ 1; 1 drops as soon as the level is neither warranted nor held. */
  readonly downgradeAfterCycles: number
  /** 0–1, subtracted from each forecast trigger's probability to keep a level. */
  readonly probabilityMargin: number
}

/** Everything {@link evaluateZone} needs beyond the zone, its state and the signals. */
export interface WarningRules {
  /** Lowest first; the last is the highest level. */
  readonly levels: readonly WarningLevel[]
  readonly hysteresis: Hysteresis
  /** Forecast runs issued longer ago than this are ignored (ms). */
  readonly maxForecastAgeMs: number
  /** Observations older than this are ignored (ms). */
  readonly maxObservationAgeMs: number
  /** A warning expires this long after the last exceedance it rests on (ms). */
  readonly expiryMarginMs: number
}

/** The probability, from one forecast run, of a basin's flow exceeding one threshold. */
export interface ForecastSignal {
  readonly runId: ForecastRunId
  readonly issueTime: EpochMs
  readonly basinId: BasinId
  readonly thresholdName: string
  /** In the series' unit (m³/s for discharge). */
  readonly thresholdValue: number
  /** Null for thresholds without a return period. */
  readonly returnPeriodYears: number | null
  /** Probability (0–1) per lead step; step k covers `[k·stepMs, (k+1)·stepMs)` after issue. */
  readonly probability: readonly number[]
  /** Length of a lead step (ms). */
  readonly stepMs: number
}

/** The latest observation of a gauge, with one of its thresholds. */
export interface ObservedSignal {
  readonly seriesId: SeriesId
  readonly t: EpochMs
  /** In the series' unit. */
  readonly value: number
  readonly thresholdName: string
  readonly thresholdValue: number
}

/** What a zone is evaluated on in one cycle. */
export interface Signals {
  readonly forecasts: readonly ForecastSignal[]
  readonly observations: readonly ObservedSignal[]
}

/** A person or system account, with the roles it holds and the zones they cover. */
export interface Principal {
  readonly id: UserId
  readonly roles: readonly string[]
  /** Zone ids, or `'*'` for every zone. */
  readonly areas: readonly (WarningZoneId | '*')[]
}
