/**
 * The tables as Kysely sees them. Times are epoch milliseconds (INTEGER in SQLite, bigint in
 * PostgreSQL, read back as numbers); JSON columns are written as text and read back as text
 * or parsed, per {@link StoreDialect.jsonParsedByDriver}; blobs are `Buffer`s of
 * little-endian doubles (see codec.ts). The DDL is in migrations.ts.
 */
import type { ColumnType, Generated } from 'kysely'

/** A JSON column: written as JSON text, read back as text or as the parsed value. */
export type JsonColumn = ColumnType<unknown, string, string>
/** A nullable JSON column. */
export type NullableJsonColumn = ColumnType<unknown, string | null, string | null>

/** Gauging stations (`Station`); lat/lon in WGS84 degrees, area in km², datum in m a.s.l. */
export interface StationsTable {
  id: string
  name: string
  river: string
  lat: number
  lon: number
  basin_id: string | null
  catchment_area_km2: number | null
  datum_m: number | null
}

/** Basins of the river network (`Basin`); area in km². */
export interface BasinsTable {
  id: string
  name: string
  area_km2: number
  /** GeoJSON geometry (WGS84). */
  outline: NullableJsonColumn
  /** 101 elevations (m a.s.l.). */
  hypsometry: NullableJsonColumn
  downstream_id: string | null
  /** The reach to the downstream basin (a ReachRoutingSpec). */
  reach: NullableJsonColumn
}

/** Series (`Series`); `step_ms` in ms, or null for irregular series. */
export interface SeriesTable {
  id: string
  variable: string
  unit: string
  kind: string
  station_id: string | null
  basin_id: string | null
  step_ms: number | null
}

/** The current value of each (series, time): `t` and `received_at` in epoch ms, `value` in the series' unit. */
export interface ObservationsTable {
  series_id: string
  t: number
  value: number
  quality: number
  revision: number
  received_at: number
}

/** Every value replaced by a later revision, keyed by (series, time, revision). */
export interface ObservationRevisionsTable {
  series_id: string
  t: number
  revision: number
  value: number
  quality: number
  received_at: number
  /** When the next revision replaced this one (the receivedAt of the batch that did it). */
  replaced_at: number
}

/** Thresholds on series (`Threshold`); values in the series' unit, `set_at` in epoch ms. */
export interface ThresholdsTable {
  id: string
  series_id: string
  name: string
  return_period_years: number | null
  value: number
  source: string
  ci_low: number | null
  ci_high: number | null
  set_by: string | null
  reason: string
  set_at: number
}

/** One model configuration per basin (`ModelConfig`); `updated_at` in epoch ms. */
export interface ModelConfigsTable {
  basin_id: string
  model: string
  params: JsonColumn
  options: JsonColumn
  calibration: NullableJsonColumn
  updated_at: number
}

/** Model states saved at the end of step `t` (epoch ms), one per basin and time. */
export interface ModelStatesTable {
  basin_id: string
  t: number
  model: string
  /** The state vector, one little-endian double per element. */
  state: Buffer
}

/** Ensemble weather forecasts, one per basin and issue time (epoch ms); each variable a blob of members × `lead_steps` doubles (mm or °C per step). */
export interface ForcingForecastsTable {
  basin_id: string
  issue_time: number
  step_ms: number
  source: string
  lead_steps: number
  precip_members: number
  precip: Buffer
  pet_members: number | null
  pet: Buffer | null
  temp_members: number | null
  temp: Buffer | null
}

/** Runs of the forecast cycle (`ForecastRun`); times in epoch ms, `step_ms` in ms. */
export interface ForecastRunsTable {
  id: string
  issue_time: number
  forcing_source: string
  members: number
  lead_steps: number
  step_ms: number
  created_at: number
  status: string
  note: string
}

/** What a run forecast for one basin: members, quantiles and exceedance probabilities, each a blob of rows × `lead_steps` doubles (m³/s, or probabilities 0–1). */
export interface BasinForecastsTable {
  run_id: string
  basin_id: string
  lead_steps: number
  member_count: number
  members: Buffer
  quantile_count: number
  quantiles: Buffer
  /** `[{ thresholdId, value }]`, in the order of the rows of `exceedance`. */
  thresholds: JsonColumn
  exceedance: Buffer
}

/**
 * Each warning zone's lifecycle events (`WarningEvent`), numbered 1, 2, … per zone: the key
 * (zone_id, seq) is what makes two writers unable to append the same seq. `active` / `pending`
 * (0 or 1) say whether the zone has an active warning / a pending draft after this event.
 */
export interface WarningEventsTable {
  zone_id: string
  seq: number
  /** The event's time (epoch ms). */
  at: number
  kind: string
  warning_id: string
  event: JsonColumn
  active: number
  pending: number
}

/** Published CAP alerts, one per issued version (`CapAlertRecord`); times in epoch ms. */
export interface CapAlertsTable {
  alert_id: string
  warning_id: string
  zone_id: string
  version: number
  msg_type: string
  status: string
  sent: number
  expires: number
  level_rank: number
  /** `string[]` of BCP 47 tags. */
  languages: JsonColumn
  xml: string
  created_at: number
}

/** The audit trail (`AuditEntry`); `id` ascends in the order appended, `at` in epoch ms. */
export interface AuditLogTable {
  id: Generated<number>
  at: number
  actor: string
  action: string
  warning_id: string | null
  /** `Record<string, string | number | boolean | null>`. */
  details: JsonColumn
}

/** Delivery subscriptions (`Subscription`). */
export interface SubscriptionsTable {
  id: string
  recipient: string
  /** `Contact[]`, in escalation order. */
  contacts: JsonColumn
  /** `string[]` of zone ids, or `"*"`. */
  areas: JsonColumn
  min_level: number
  /** `string[]` of BCP 47 tags. */
  languages: JsonColumn
}

/** The outbox (`OutboxMessage`); times in epoch ms. */
export interface OutboxTable {
  id: string
  idempotency_key: string
  alert_id: string
  alert_version: number
  subscription_id: string
  recipient: string
  contact_index: number
  channel: string
  address: string
  language: string
  format: string
  attempts: number
  resends: number
  next_attempt_at: number
  status: string
  created_at: number
  delivered_at: number | null
  escalated_at: number | null
  last_error: string | null
}

/** The delivery log (`DeliveryLogEntry`); `id` ascends in the order appended. */
export interface DeliveryLogTable {
  id: Generated<number>
  message_id: string
  idempotency_key: string
  alert_id: string
  alert_version: number
  recipient: string
  channel: string
  address: string
  attempt: number
  resend: number
  at: number
  outcome: string
  provider_id: string | null
  reason: string | null
}

/** Acknowledgments (`Acknowledgment`); `id` ascends in the order recorded. */
export interface AcknowledgmentsTable {
  id: Generated<number>
  message_id: string
  alert_id: string
  alert_version: number
  recipient: string
  at: number
  via: string
}

/** Every table of the store. */
export interface StoreSchema {
  stations: StationsTable
  basins: BasinsTable
  series: SeriesTable
  observations: ObservationsTable
  observation_revisions: ObservationRevisionsTable
  thresholds: ThresholdsTable
  model_configs: ModelConfigsTable
  model_states: ModelStatesTable
  forcing_forecasts: ForcingForecastsTable
  forecast_runs: ForecastRunsTable
  basin_forecasts: BasinForecastsTable
  warning_events: WarningEventsTable
  cap_alerts: CapAlertsTable
  audit_log: AuditLogTable
  subscriptions: SubscriptionsTable
  outbox: OutboxTable
  delivery_log: DeliveryLogTable
  acknowledgments: AcknowledgmentsTable
  schema_version: { version: number; name: string }
}
