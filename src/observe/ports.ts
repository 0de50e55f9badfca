/**
 * What monitoring needs from storage. The store layer (src/store) implements these ports on
 * SQLite and PostgreSQL; one contract suite checks both.
 */
import type { EpochMs } from '../core/brand.ts'
import type { BasinId, SeriesId, StationId } from '../core/ids.ts'
import type { Basin, Observation, Series, Station, StoredObservation, Threshold } from './types.ts'

export interface StationRepository {
  /** Inserts or replaces stations by id, all or none. */
  upsert(stations: readonly Station[]): Promise<void>
  find(id: StationId): Promise<Station | undefined>
  list(): Promise<Station[]>
}

export interface BasinRepository {
  /** Inserts or replaces basins by id, all or none. */
  upsert(basins: readonly Basin[]): Promise<void>
  find(id: BasinId): Promise<Basin | undefined>
  list(): Promise<Basin[]>
}

export interface SeriesRepository {
  /** Inserts or replaces series by id, all or none. */
  upsert(series: readonly Series[]): Promise<void>
  find(id: SeriesId): Promise<Series | undefined>
  list(filter?: { stationId?: StationId; basinId?: BasinId }): Promise<Series[]>
}

/** What writing a batch of observations did. */
export interface WriteSummary {
  /** Values at times the series had no value for. */
  readonly inserted: number
  /** Values that replaced a different one (the old one kept in the history). */
  readonly revised: number
  /** Values equal (value and flags) to what was stored: nothing changed. */
  readonly unchanged: number
}

export interface ObservationRepository {
  /**
   * Writes a batch in one transaction: new times are inserted, changed values become a new
   * revision with the previous one kept in the history, identical values change nothing. So
   * the same batch sent twice stores every observation exactly once.
   */
  write(batch: readonly Observation[], receivedAt: EpochMs): Promise<WriteSummary>
  /** Current values of a series with from ≤ t < to, in time order. */
  read(seriesId: SeriesId, from: EpochMs, to: EpochMs): Promise<StoredObservation[]>
  /** Every revision at time t, oldest first, the current one last. */
  history(seriesId: SeriesId, t: EpochMs): Promise<StoredObservation[]>
  /** The latest current value with t < before, if any. */
  latest(seriesId: SeriesId, before: EpochMs): Promise<StoredObservation | undefined>
  /** Number of current values of a series. */
  count(seriesId: SeriesId): Promise<number>
}

export interface ThresholdRepository {
  /** Inserts or replaces thresholds by id, all or none. */
  upsert(thresholds: readonly Threshold[]): Promise<void>
  /** Every threshold of a series, fitted and hand-set. */
  list(seriesId: SeriesId): Promise<Threshold[]>
}
