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

/**
 * Hindcast summaries (`HindcastSkill`), appended; times in epoch ms, `step_ms` in ms; the JSON
 * documents hold flows in m³/s.
 */
export interface HindcastSkillTable {
  id: Generated<number>
  basin_id: string
  computed_at: number
  first_issue: number
  last_issue: number
  issues: number
  every_steps: number
  update_method: string
  model: string
  members: number
  horizon_steps: number
  step_ms: number
  seed: number
  forcing_note: string
  thresholds: JsonColumn
  threshold_note: string
  flow_unit: string
  leads: JsonColumn
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

/**
 * The outbox (`OutboxMessage`); times in epoch ms. `subject` is `warning` (the default of the
 * rows written before orders were delivered) or `order`; the `notice_*` columns are set for an
 * order only.
 */
export interface OutboxTable {
  id: string
  idempotency_key: string
  subject: string
  notice_kind: string | null
  notice_post: string | null
  notice_deadline: string | null
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

/** Each warning zone's evaluation state (`ZoneEvaluationState`), replaced after every cycle. */
export interface ZoneEvaluationsTable {
  zone_id: string
  /** The `ZoneEvaluationState` document. */
  state: JsonColumn
  updated_at: number
}

/** Server settings that must survive restarts (e.g. the acknowledgment-link secret). */
export interface SettingsTable {
  key: string
  value: string
}

/** Command posts (`Post`), in the order stored (`position`). */
export interface PostsTable {
  id: string
  position: number
  name: string
  level: string
  /** `PostId[]`. */
  parents: JsonColumn
  /** `AreaId[]`. */
  areas: JsonColumn
  /** Latitude, WGS84 degrees; null with `lon` when the post has no location. */
  lat: number | null
  /** Longitude, WGS84 degrees; null with `lat`. */
  lon: number | null
}

/** Who holds which role at which post (`Assignment`). */
export interface AssignmentsTable {
  user_id: string
  post_id: string
  role: string
}

/** Duty roster shifts (`RosterEntry`): on duty from `starts_at` (inclusive) to `ends_at` (exclusive), epoch ms. */
export interface RosterShiftsTable {
  id: Generated<number>
  post_id: string
  user_id: string
  starts_at: number
  ends_at: number
}

/** Issued orders (`Order`); times in epoch ms. */
export interface OrdersTable {
  id: string
  issuer_post: string
  issued_at: number
  ack_deadline: number
  completion_deadline: number
  /** The `Order` document. */
  order_doc: JsonColumn
  superseded_by: string | null
}

/** Each recipient's record of an order (`RecipientState`); times in epoch ms. */
export interface OrderRecipientsTable {
  order_id: string
  post_id: string
  /** The recipient's index in the order's list. */
  position: number
  version: number
  status: string
  answered_at: number | null
  accepted_at: number | null
  completed_at: number | null
  unable_reason: string | null
  report: string | null
  escalated_ack: number | null
  escalated_completion: number | null
}

/** Every event of every order (`OrderEvent`), `id` ascending in the order appended. */
export interface OrderEventsTable {
  id: Generated<number>
  order_id: string
  /** The recipient, for a recipient's event. */
  post_id: string | null
  /** The version the event took the recipient's record to, for a recipient's event. */
  version: number | null
  at: number
  kind: string
  event: JsonColumn
}

/** What the incident queries need of each incident; the events hold the rest. */
export interface IncidentsTable {
  id: string
  post_id: string
  warning_id: string | null
  status: string
  opened_at: number
  /** Events stored. */
  version: number
}

/** An append-only event stream: events numbered 1, 2, … per stream, `at` in epoch ms. */
interface StreamColumns {
  seq: number
  at: number
  kind: string
  event: JsonColumn
}

/** Each incident's events (`IncidentEvent`). */
export interface IncidentEventsTable extends StreamColumns {
  incident_id: string
}

/** Situation reports (`Sitrep`), never edited; `at` in epoch ms. */
export interface SitrepsTable {
  id: string
  post_id: string
  at: number
  /** The `Sitrep` document. */
  report: JsonColumn
}

/** The hash-chained command audit log (`ChainEntry`); `payload` is the canonical JSON text as hashed. */
export interface CommandAuditTable {
  seq: number
  at: number
  actor: string
  kind: string
  subject: string
  payload: string
  prev_hash: string
  hash: string
}

/** The one row appenders of the command audit log lock. */
export interface CommandAuditLockTable {
  id: number
}

/** The item catalogue (`Item`); volume in m³ per unit. */
export interface ItemsTable {
  id: string
  name: string
  unit: string
  volume_per_unit_m3: number
  category: string
}

/** Depots (`Depot`): position in WGS84 degrees, capacity in m³. */
export interface DepotsTable {
  id: string
  name: string
  lat: number
  lon: number
  capacity_m3: number
  /** Edits of the record. */
  version: number
  /** Ledger movements that touched the depot's stock. */
  stock_version: ColumnType<number, number | undefined, number>
}

/** Stock per depot × item (`StockLine`), in the item's unit: the sum of the movements. */
export interface StockLinesTable {
  depot_id: string
  item_id: string
  quantity: number
  version: number
}

/** The stock ledger (`Movement`), append-only, `id` ascending in the order appended. */
export interface MovementsTable {
  id: Generated<number>
  movement_id: string
  kind: string
  item_id: string
  at: number
  movement: JsonColumn
}

/**
 * Which depots each movement touched (one row per depot: two for a transfer), so that a depot's
 * page of the ledger is read by key instead of by scanning the movements' documents.
 */
export interface MovementDepotsTable {
  depot_id: string
  /** `movements.id` of the movement. */
  movement_row: number
}

/** What `open()` needs of each dispatch order; the events hold the rest. */
export interface DispatchesTable {
  id: string
  state: string
  version: number
  from_depot_id: string
  to_area_id: string
  updated_at: number
}

/** Each dispatch order's events (`DispatchEvent`). */
export interface DispatchEventsTable extends StreamColumns {
  dispatch_id: string
}

/** Shelters (`Shelter`); capacity and occupancy in persons. */
export interface SheltersTable {
  id: string
  name: string
  area_id: string
  capacity: number
  occupancy: number
  /** Latitude, WGS84 degrees; null with `lon` when the shelter has no location. */
  lat: number | null
  /** Longitude, WGS84 degrees; null with `lat`. */
  lon: number | null
  version: number
}

/** Each area's evacuation events (`EvacuationEvent`). */
export interface EvacuationEventsTable extends StreamColumns {
  area_id: string
}

/** What `open()` needs of each supply request; the events hold the rest. */
export interface RequestsTable {
  id: string
  status: string
  version: number
  post_id: string
  area_id: string
  submitted_at: number
}

/** Each supply request's events (`RequestEvent`). */
export interface RequestEventsTable extends StreamColumns {
  request_id: string
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
  hindcast_skill: HindcastSkillTable
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
  zone_evaluations: ZoneEvaluationsTable
  settings: SettingsTable
  posts: PostsTable
  assignments: AssignmentsTable
  roster_shifts: RosterShiftsTable
  orders: OrdersTable
  order_recipients: OrderRecipientsTable
  order_events: OrderEventsTable
  incidents: IncidentsTable
  incident_events: IncidentEventsTable
  sitreps: SitrepsTable
  command_audit: CommandAuditTable
  command_audit_lock: CommandAuditLockTable
  items: ItemsTable
  depots: DepotsTable
  stock_lines: StockLinesTable
  movements: MovementsTable
  movement_depots: MovementDepotsTable
  dispatches: DispatchesTable
  dispatch_events: DispatchEventsTable
  shelters: SheltersTable
  evacuation_events: EvacuationEventsTable
  requests: RequestsTable
  request_events: RequestEventsTable
  schema_version: { version: number; name: string }
}
