/**
 * What the forecast cycle needs from outside: model configurations, saved states, weather
 * forecasts and somewhere to store what it forecasts. Implemented by src/store; the cycle
 * itself stays pure orchestration.
 */
import type { EpochMs } from '../core/brand.ts'
import type { BasinId, ForecastRunId, ThresholdId } from '../core/ids.ts'
import type { ModelOptions } from '../hydro/models/registry.ts'

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
  /** The model name of every basin that has a model. */
  models(): Promise<ReadonlyMap<BasinId, string>>
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

/**
 * One basin's model run over one or several forcing members, every member starting from the
 * same state: an ensemble forecast (many members, no end states wanted) or the run over
 * observed forcing up to the issue time (one member, its end state wanted).
 */
export interface ModelJob {
  /** A model name of src/hydro/models/registry.ts (`GR4H`, `CemaNeigeGR4J`, …). */
  readonly model: string
  /** Options the model is built with (see `createModel`); `{}` for the plain GR models. */
  readonly options: ModelOptions
  /** Parameters in the model's vector order and units, inside its domain (checked by the caller). */
  readonly params: Float64Array
  /** State at the start of the first step, in the model's layout (`state.ts`); never modified. */
  readonly state: Float64Array
  /** Number of time steps to run (≥ 1). */
  readonly steps: number
  /** Precipitation of each member (mm per step), each at least `steps` long; its length is the member count. */
  readonly precip: readonly Float64Array[]
  /** Potential evapotranspiration (mm per step): one series shared by every member, or one per member. */
  readonly pet: readonly Float64Array[]
  /** Air temperature (°C), for models that need it: one shared series or one per member; else null. */
  readonly temp: readonly Float64Array[] | null
  /** Start of each step (ms since the epoch, UTC), for models that depend on the season; else null. */
  readonly times: Float64Array | null
  /** Whether to return each member's state at the end of the run. */
  readonly endStates: boolean
}

/** What a {@link ModelJob} produced. */
export interface ModelJobResult {
  /**
   * Simulated flow of each member (mm per step), `steps` long, in member order. The caller owns
   * the arrays and may change them in place (they may be views into larger buffers).
   */
  readonly flows: readonly Float64Array[]
  /** Each member's end state (the model's layout), or null when the job did not ask for them. */
  readonly states: readonly Float64Array[] | null
}

/**
 * Runs rainfall-runoff models for many basins × members at once, in parallel where it can
 * (worker threads in src/compute). The forecast cycle hands it one batch of basins at a time.
 */
export interface ModelRunner {
  /**
   * Runs every member of every job.
   *
   * @returns one result per job, in job order
   * @throws (rejects with) InputError when a job is malformed: an unknown model or options, or
   *   parameters, state or forcing of the wrong length
   */
  runEnsembles(jobs: readonly ModelJob[]): Promise<ModelJobResult[]>
}
