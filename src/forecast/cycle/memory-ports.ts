/**
 * In-memory implementations of the ports the forecast cycle runs over, for tests and small
 * runs; src/store implements the same ports on a database. They keep what they are given
 * (no copies), and keep it in insertion order.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { Clock } from '../../core/clock.ts'
import { InputError } from '../../core/errors.ts'
import type { BasinId, ForecastRunId, SeriesId, StationId } from '../../core/ids.ts'
import { formatIssue } from '../../core/result.ts'
import { createModel } from '../../hydro/models/registry.ts'
import { runModel } from '../../hydro/models/run-model.ts'
import type {
  BasinRepository,
  ObservationRepository,
  SeriesRepository,
  ThresholdRepository,
  WriteSummary,
} from '../../observe/ports.ts'
import type {
  Basin,
  Observation,
  Series,
  StoredObservation,
  Threshold,
} from '../../observe/types.ts'
import type {
  BasinForecast,
  ForcingForecast,
  ForcingForecastRepository,
  ForecastRepository,
  ForecastRun,
  ForecastRunStatus,
  ModelConfig,
  ModelConfigRepository,
  ModelJob,
  ModelJobResult,
  ModelRunner,
  ModelStateRepository,
  SavedState,
} from '../ports.ts'

/** Basins by id. */
export class MemoryBasinRepository implements BasinRepository {
  readonly byId = new Map<BasinId, Basin>()
  async upsert(basins: readonly Basin[]): Promise<void> {
    for (const b of basins) this.byId.set(b.id, b)
  }
  async find(id: BasinId): Promise<Basin | undefined> {
    return this.byId.get(id)
  }
  async list(): Promise<Basin[]> {
    return [...this.byId.values()]
  }
}

/** Series by id. */
export class MemorySeriesRepository implements SeriesRepository {
  readonly byId = new Map<SeriesId, Series>()
  async upsert(series: readonly Series[]): Promise<void> {
    for (const s of series) this.byId.set(s.id, s)
  }
  async find(id: SeriesId): Promise<Series | undefined> {
    return this.byId.get(id)
  }
  async list(filter: { stationId?: StationId; basinId?: BasinId } = {}): Promise<Series[]> {
    return [...this.byId.values()].filter(
      (s) =>
        (filter.stationId === undefined || s.stationId === filter.stationId) &&
        (filter.basinId === undefined || s.basinId === filter.basinId),
    )
  }
}

/** Observations with their revisions, by series and time. */
export class MemoryObservationRepository implements ObservationRepository {
  /** Revisions at each time (oldest first), by series. */
  private readonly bySeries = new Map<SeriesId, Map<number, StoredObservation[]>>()

  async write(batch: readonly Observation[], receivedAt: EpochMs): Promise<WriteSummary> {
    let inserted = 0
    let revised = 0
    let unchanged = 0
    for (const o of batch) {
      let times = this.bySeries.get(o.seriesId)
      if (times === undefined) {
        times = new Map()
        this.bySeries.set(o.seriesId, times)
      }
      const revisions = times.get(o.t)
      const last = revisions?.[revisions.length - 1]
      if (last !== undefined && Object.is(last.value, o.value) && last.quality === o.quality) {
        unchanged++
        continue
      }
      const stored: StoredObservation = {
        ...o,
        revision: (revisions?.length ?? 0) + 1,
        receivedAt,
      }
      if (revisions === undefined) {
        times.set(o.t, [stored])
        inserted++
      } else {
        revisions.push(stored)
        revised++
      }
    }
    return { inserted, revised, unchanged }
  }

  private current(seriesId: SeriesId): StoredObservation[] {
    const times = this.bySeries.get(seriesId)
    if (times === undefined) return []
    const out: StoredObservation[] = []
    for (const revisions of times.values()) out.push(revisions[revisions.length - 1]!)
    return out.sort((a, b) => a.t - b.t)
  }

  async read(seriesId: SeriesId, from: EpochMs, to: EpochMs): Promise<StoredObservation[]> {
    return this.current(seriesId).filter((o) => o.t >= from && o.t < to)
  }
  async history(seriesId: SeriesId, t: EpochMs): Promise<StoredObservation[]> {
    return [...(this.bySeries.get(seriesId)?.get(t) ?? [])]
  }
  async latest(seriesId: SeriesId, before: EpochMs): Promise<StoredObservation | undefined> {
    const before_ = this.current(seriesId).filter((o) => o.t < before)
    return before_[before_.length - 1]
  }
  async count(seriesId: SeriesId): Promise<number> {
    return this.bySeries.get(seriesId)?.size ?? 0
  }
}

/** Thresholds by id. */
export class MemoryThresholdRepository implements ThresholdRepository {
  readonly byId = new Map<string, Threshold>()
  async upsert(thresholds: readonly Threshold[]): Promise<void> {
    for (const t of thresholds) this.byId.set(t.id, t)
  }
  async list(seriesId: SeriesId): Promise<Threshold[]> {
    return [...this.byId.values()].filter((t) => t.seriesId === seriesId)
  }
}

/** Model configurations by basin. */
export class MemoryModelConfigRepository implements ModelConfigRepository {
  readonly byBasin = new Map<BasinId, ModelConfig>()
  async put(config: ModelConfig): Promise<void> {
    this.byBasin.set(config.basinId, config)
  }
  async find(basinId: BasinId): Promise<ModelConfig | undefined> {
    return this.byBasin.get(basinId)
  }
  async models(): Promise<ReadonlyMap<BasinId, string>> {
    return new Map([...this.byBasin].map(([id, c]) => [id, c.model]))
  }
}

/** Every state saved, by basin; `puts` lists them in the order they were saved. */
export class MemoryModelStateRepository implements ModelStateRepository {
  readonly puts: SavedState[] = []
  async put(state: SavedState): Promise<void> {
    this.puts.push(state)
  }
  async latest(basinId: BasinId, atOrBefore: EpochMs): Promise<SavedState | undefined> {
    let best: SavedState | undefined
    for (const s of this.puts) {
      // The later of two states saved for the same time wins.
      if (s.basinId === basinId && s.t <= atOrBefore && (best === undefined || s.t >= best.t))
        best = s
    }
    return best
  }
}

/** Forcing forecasts by basin. */
export class MemoryForcingForecastRepository implements ForcingForecastRepository {
  readonly all: ForcingForecast[] = []
  async put(forecast: ForcingForecast): Promise<void> {
    this.all.push(forecast)
  }
  async latest(basinId: BasinId, atOrBefore: EpochMs): Promise<ForcingForecast | undefined> {
    let best: ForcingForecast | undefined
    for (const f of this.all) {
      if (
        f.basinId === basinId &&
        f.issueTime <= atOrBefore &&
        (best === undefined || f.issueTime >= best.issueTime)
      )
        best = f
    }
    return best
  }
}

/** Runs and their basin forecasts; `puts` lists the batches in the order they were stored. */
export class MemoryForecastRepository implements ForecastRepository {
  readonly runs = new Map<ForecastRunId, ForecastRun>()
  readonly forecasts = new Map<string, BasinForecast>()
  readonly puts: (readonly BasinForecast[])[] = []

  async createRun(run: ForecastRun): Promise<void> {
    if (this.runs.has(run.id)) throw new Error(`run ${run.id} exists`)
    this.runs.set(run.id, run)
  }
  async putBasinForecasts(forecasts: readonly BasinForecast[]): Promise<void> {
    for (const f of forecasts) if (!this.runs.has(f.runId)) throw new Error(`no run ${f.runId}`)
    for (const f of forecasts) this.forecasts.set(`${f.runId}\u0000${f.basinId}`, f)
    this.puts.push(forecasts)
  }
  async finishRun(id: ForecastRunId, status: ForecastRunStatus, note: string): Promise<void> {
    const run = this.runs.get(id)
    if (run === undefined) throw new Error(`no run ${id}`)
    this.runs.set(id, { ...run, status, note })
  }
  async findRun(id: ForecastRunId): Promise<ForecastRun | undefined> {
    return this.runs.get(id)
  }
  async listRuns(limit: number): Promise<ForecastRun[]> {
    return [...this.runs.values()]
      .filter((r) => r.status === 'complete')
      .sort((a, b) => b.issueTime - a.issueTime || b.createdAt - a.createdAt)
      .slice(0, limit)
  }
  async findBasinForecast(
    runId: ForecastRunId,
    basinId: BasinId,
  ): Promise<BasinForecast | undefined> {
    return this.forecasts.get(`${runId}\u0000${basinId}`)
  }
}

/** A clock that says `t` (ms since the epoch) until told otherwise. */
export function fixedClock(t: number): Clock & { set(t: number): void } {
  let now = t
  return {
    now: () => now as EpochMs,
    set: (next: number) => {
      now = next
    },
  }
}

/**
 * A {@link ModelRunner} that runs each member in turn with `runModel` on the calling thread:
 * the plain reference for tests (src/compute has the fast runners).
 */
export const sequentialModelRunner: ModelRunner = {
  async runEnsembles(jobs: readonly ModelJob[]): Promise<ModelJobResult[]> {
    return jobs.map((job) => {
      const built = createModel(job.model, job.options)
      if (!built.ok) throw new InputError(built.issues.map(formatIssue).join('; '))
      const flows: Float64Array[] = []
      const states: Float64Array[] = []
      job.precip.forEach((precip, m) => {
        const pick = (s: readonly Float64Array[]) => s[s.length === 1 ? 0 : m]!
        const forcing = {
          precip,
          pet: pick(job.pet),
          ...(job.temp !== null ? { temp: pick(job.temp) } : {}),
          ...(job.times !== null ? { times: job.times } : {}),
        }
        const run = runModel(
          built.value,
          job.params,
          forcing,
          { start: 0, end: job.steps },
          {
            state: job.state,
          },
        )
        flows.push(run.qsim)
        states.push(run.state)
      })
      return { flows, states: job.endStates ? states : null }
    })
  },
}
