/**
 * Taking in a batch of observations: quality control with the series' recent stored values as
 * context, then one atomic write through the observation port. Rows refused by the readers
 * (observation-json.ts, observation-csv.ts) are reported, never dropped silently; in atomic
 * mode a single refused row stores nothing.
 */
import type { EpochMs } from '../core/brand.ts'
import type { SeriesId } from '../core/ids.ts'
import {
  selectForStorage,
  type ObservationBatch,
  type RejectedRow,
  type StorageMode,
} from './observation-batch.ts'
import type { ObservationRepository, WriteSummary } from './ports.ts'
import { qualityControl, type QcConfig, type QcFinding } from './quality-control.ts'
import type { SeriesLookup } from './observation-batch.ts'
import type { Observation, StoredObservation } from './types.ts'
import { QC } from './types.ts'

/** How far back stored values are read as QC context (ms): enough for a day of flat line. */
const CONTEXT_MS = 48 * 3_600_000

export interface IngestOutcome extends WriteSummary {
  /** Whether anything was written (false in atomic mode with refused rows, or an empty batch). */
  readonly stored: boolean
  readonly rejected: readonly RejectedRow[]
  /** Valid rows not written because the batch was atomic and some row was refused. */
  readonly withheld: number
  /** Flags raised by quality control (the values are stored with their flags). */
  readonly flagged: readonly QcFinding[]
}

/**
 * Checks and stores `batch` (already read against `lookup`) as of `now`.
 *
 * Of several values for the same series and time in one batch the last is written; the
 * others are reported among `flagged` as duplicates.
 */
export async function ingestObservations(
  observations: ObservationRepository,
  lookup: SeriesLookup,
  batch: ObservationBatch,
  mode: StorageMode,
  qc: QcConfig,
  now: EpochMs,
): Promise<IngestOutcome> {
  const selection = selectForStorage(batch, mode)
  const none = { inserted: 0, revised: 0, unchanged: 0 }
  if (selection.toStore.length === 0) {
    return {
      ...none,
      stored: false,
      rejected: selection.rejected,
      withheld: selection.withheld,
      flagged: [],
    }
  }
  const recent = new Map<SeriesId, StoredObservation[]>()
  const first = new Map<SeriesId, number>()
  for (const o of selection.toStore)
    first.set(o.seriesId, Math.min(first.get(o.seriesId) ?? Infinity, o.t))
  for (const [id, t0] of first) {
    recent.set(id, await observations.read(id, (t0 - CONTEXT_MS) as EpochMs, t0 as EpochMs))
  }
  const checked = qualityControl(selection.toStore, { series: lookup, recent }, qc, now)
  const winners: Observation[] = []
  for (const o of checked.observations) if ((o.quality & QC.duplicateInBatch) === 0) winners.push(o)
  const written = await observations.write(winners, now)
  return {
    ...written,
    stored: true,
    rejected: selection.rejected,
    withheld: 0,
    flagged: checked.findings,
  }
}
