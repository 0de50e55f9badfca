/**
 * What the forecast cycle needs, what it is asked and what it answers, and the plug point for
 * updating model states from observed discharge.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { Clock } from '../../core/clock.ts'
import type { BasinId, ForecastRunId, SeriesId } from '../../core/ids.ts'
import type { ModelDefinition } from '../../hydro/models/types.ts'
import type {
  BasinRepository,
  ObservationRepository,
  SeriesRepository,
  ThresholdRepository,
} from '../../observe/ports.ts'
import type { StoredObservation } from '../../observe/types.ts'
import type {
  ForcingForecastRepository,
  ForecastRepository,
  ModelConfigRepository,
  ModelRunner,
  ModelStateRepository,
} from '../ports.ts'

/** What a state update sees of one basin at the issue time. */
export interface StateUpdateInput {
  readonly basinId: BasinId
  /** The basin's model (layouts of `params` and `state` in its `params.ts` and `state.ts`). */
  readonly model: ModelDefinition
  readonly params: Float64Array
  /**
   * The model state at the issue time after the run over observed forcing: a copy the update
   * may change in place and return. The state saved for the next cycle is the one before the
   * update, so an update acts on this cycle's forecast only.
   */
  readonly state: Float64Array
  /** The model's time step (ms). */
  readonly stepMs: number
  readonly issueTime: EpochMs
  /** The basin's own area (km²): the area the model's flows (mm per step) are spread over. */
  readonly areaKm2: number
  /** Area draining to the basin's outlet, its own and all upstream (km²). */
  readonly totalAreaKm2: number
  /**
   * The basin's simulated local flow over the observed steps just run (mm per step), starting
   * at `simulatedFrom`; empty when the saved state was already at the issue time.
   */
  readonly simulated: Float64Array
  readonly simulatedFrom: EpochMs
  /** The basin's observed discharge series (m³/s at the outlet, upstream flow included), if any. */
  readonly dischargeSeriesId: SeriesId | null
  /** The latest observed discharge before the issue time (m³/s), if any. */
  readonly latestDischarge: StoredObservation | undefined
}

/**
 * Updates a model state from observed discharge before the ensemble is run from it (data
 * assimilation, src/forecast/assimilation). Returns the state to forecast from, of the
 * model's length; throwing or returning a state of another length fails the basin.
 */
export type StateUpdate = (input: StateUpdateInput) => Float64Array | Promise<Float64Array>

/** The default {@link StateUpdate}: forecasts from the simulated state unchanged. */
export const noStateUpdate: StateUpdate = (input) => input.state

/** The ports the forecast cycle runs over. */
export interface ForecastCycleDeps {
  readonly basins: BasinRepository
  readonly series: SeriesRepository
  readonly observations: ObservationRepository
  readonly thresholds: ThresholdRepository
  readonly configs: ModelConfigRepository
  readonly states: ModelStateRepository
  readonly forcing: ForcingForecastRepository
  readonly forecasts: ForecastRepository
  readonly runner: ModelRunner
  readonly clock: Clock
  /** State updating from observed discharge; {@link noStateUpdate} when absent. */
  readonly update?: StateUpdate
}

/** One run of the forecast cycle. */
export interface ForecastCycleRequest {
  /** Start of the first forecast step (ms since the epoch): observations are used up to it. */
  readonly issueTime: EpochMs
  /**
   * Basins to forecast; every basin upstream of them is forecast too, since routing needs
   * their flow. All basins when absent.
   */
  readonly basins?: readonly BasinId[]
  /** Id of the run; `fc:<issue time, ISO 8601>:<creation time, ms>` when absent. */
  readonly runId?: ForecastRunId
  /** Basins whose models are handed to the runner together (default 256, ≥ 1). */
  readonly batchSize?: number
  /**
   * Steps of observed forcing that a basin without a usable saved state is run over before
   * the issue time (default: one year of its model's steps, ≥ 1).
   */
  readonly coldStartSteps?: number
}

/** A basin the cycle could not forecast, and why. */
export interface BasinFailure {
  readonly basinId: BasinId
  readonly reason: string
}

/** What a run of the cycle did. */
export interface ForecastCycleResult {
  readonly runId: ForecastRunId
  /** `complete` when every planned basin was forecast, `failed` otherwise. */
  readonly status: 'complete' | 'failed'
  /** The note stored with the run: remarks, or why it failed. */
  readonly note: string
  /** Basins forecast and stored, in the order they were processed. */
  readonly forecast: readonly BasinId[]
  /** Basins not forecast, with the reason, in the order they were processed. */
  readonly failures: readonly BasinFailure[]
}
