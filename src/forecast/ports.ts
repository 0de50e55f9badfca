/**
 * What the forecast cycle needs from outside: model configurations, saved states, weather
 * forecasts and somewhere to store what it forecasts. Implemented by src/store; the cycle
 * itself stays pure orchestration.
 */
import type { EpochMs } from '../core/brand.ts'
import type { BasinId, ForecastRunId, ThresholdId } from '../core/ids.ts'

/** A basin's model, its parameters and how they were obtained. */
export interface ModelConfig {
  readonly basinId: BasinId
  /** A model name of src/hydro/models/registry.ts (`GR4J`, `CemaNeigeGR4J`, …). */
  readonly model: string
  /** Parameters by name, in the model's units. */
  readonly params: Readonly<Record<string, number>>
  /** Model options (interception, snow) as in a model-run file. */
  readonly options: Readonly<Record<string, unknown>>
  /** How the parameters were calibrated, or null when set by hand. */
  readonly calibration: {
    readonly criterion: string
    readonly value: number
    readonly evaluations: number
    readonly from: EpochMs
    readonly to: EpochMs
  } | null
  readonly updatedAt: EpochMs
}

export interface ModelConfigRepository {
  put(config: ModelConfig): Promise<void>
  find(basinId: BasinId): Promise<ModelConfig | undefined>
}

/** A model state saved at the end of step `t` (i.e. valid at the start of the next step). */
export interface SavedState {
  readonly basinId: BasinId
  readonly model: string
  readonly t: EpochMs
  readonly state: Float64Array
}

export interface ModelStateRepository {
  put(state: SavedState): Promise<void>
  /** The latest state saved at or before `t`. */
  latest(basinId: BasinId, atOrBefore: EpochMs): Promise<SavedState | undefined>
}

/** Ensemble weather forecast for one basin: members × lead steps, in mm or °C per step. */
export interface ForcingForecast {
  readonly basinId: BasinId
  readonly issueTime: EpochMs
  readonly stepMs: number
  /** Where it comes from (`ecmwf-ens`, `synthetic: …`), shown with every forecast made from it. */
  readonly source: string
  readonly precip: readonly Float64Array[]
  readonly pet: readonly Float64Array[] | null
  readonly temp: readonly Float64Array[] | null
}

export interface ForcingForecastRepository {
  put(forecast: ForcingForecast): Promise<void>
  /** The latest forecast for a basin issued at or before `t`. */
  latest(basinId: BasinId, atOrBefore: EpochMs): Promise<ForcingForecast | undefined>
}

export type ForecastRunStatus = 'running' | 'complete' | 'failed'

export interface ForecastRun {
  readonly id: ForecastRunId
  readonly issueTime: EpochMs
  readonly forcingSource: string
  readonly members: number
  readonly leadSteps: number
  readonly stepMs: number
  readonly createdAt: EpochMs
  readonly status: ForecastRunStatus
  /** Why a run failed, or remarks (e.g. that members are synthetic). */
  readonly note: string
}

/** Quantile levels stored with every forecast (%). */
export const FORECAST_QUANTILES = [5, 25, 50, 75, 95] as const

/** The forecast of one basin's outlet flow in one run, in m³/s per lead step. */
export interface BasinForecast {
  readonly runId: ForecastRunId
  readonly basinId: BasinId
  /** One array per member, `leadSteps` long. */
  readonly members: readonly Float64Array[]
  /** One array per level of {@link FORECAST_QUANTILES}, in that order. */
  readonly quantiles: readonly Float64Array[]
  /** Probability (0–1) of exceeding each threshold at each lead step. */
  readonly exceedance: readonly {
    readonly thresholdId: ThresholdId
    readonly value: number
    readonly probability: Float64Array
  }[]
}

export interface ForecastRepository {
  createRun(run: ForecastRun): Promise<void>
  /** Stores the forecasts of several basins of a run in one transaction. */
  putBasinForecasts(forecasts: readonly BasinForecast[]): Promise<void>
  finishRun(id: ForecastRunId, status: ForecastRunStatus, note: string): Promise<void>
  findRun(id: ForecastRunId): Promise<ForecastRun | undefined>
  /** The newest complete runs first. */
  listRuns(limit: number): Promise<ForecastRun[]>
  findBasinForecast(runId: ForecastRunId, basinId: BasinId): Promise<BasinForecast | undefined>
}
