/**
 * Runs the forecast cycle when new weather forecasts arrive: one cycle at a time, requests
 * that come in while one runs are merged into the next (the latest issue time wins), and each
 * stored run is announced on the event hub. A failed cycle is logged and stored as failed by
 * the cycle itself; it never stops the server.
 */
import type { EpochMs } from '../core/brand.ts'
import type { BasinId } from '../core/ids.ts'
import { runForecastCycle } from '../forecast/cycle/cycle.ts'
import type { Clock } from '../core/clock.ts'
import type {
  ForecastCycleDeps,
  ForecastCycleResult,
  StateUpdate,
} from '../forecast/cycle/types.ts'
import type { ModelRunner } from '../forecast/ports.ts'
import type { Repositories } from '../store/index.ts'
import type { EventHub } from './events.ts'

/** The forecast cycle's ports, taken from a store's repositories. */
export function cycleDeps(
  store: Repositories,
  runner: ModelRunner,
  clock: Clock,
  update?: StateUpdate,
): ForecastCycleDeps {
  return {
    basins: store.basins,
    series: store.series,
    observations: store.observations,
    thresholds: store.thresholds,
    configs: store.modelConfigs,
    states: store.modelStates,
    forcing: store.forcingForecasts,
    forecasts: store.forecasts,
    runner,
    clock,
    ...(update !== undefined ? { update } : {}),
  }
}

export interface ForecastTrigger {
  /**
   * Asks for a cycle issued at `issueTime` (ms) for `basins` (and everything upstream of
   * them); resolves when a cycle covering it has run.
   */
  request(issueTime: EpochMs, basins: readonly BasinId[]): Promise<ForecastCycleResult | undefined>
  /** Resolves when no cycle is running or waiting. */
  idle(): Promise<void>
}

export function createForecastTrigger(
  deps: ForecastCycleDeps,
  events: EventHub,
  log: (msg: string) => void,
): ForecastTrigger {
  let pending: EpochMs | undefined
  let pendingBasins = new Set<BasinId>()
  let running: Promise<void> = Promise.resolve()
  let waiters: ((r: ForecastCycleResult | undefined) => void)[] = []

  const drain = async (): Promise<void> => {
    while (pending !== undefined) {
      const issueTime = pending
      const basins = [...pendingBasins]
      const mine = waiters
      pending = undefined
      pendingBasins = new Set()
      waiters = []
      let result: ForecastCycleResult | undefined
      try {
        result = await runForecastCycle(deps, { issueTime, basins })
        if (result.status === 'complete') {
          events.publish({
            kind: 'forecast',
            runId: result.runId,
            issueTime: new Date(issueTime).toISOString(),
            basins: result.forecast.length,
          })
        } else {
          log(`forecast issued ${new Date(issueTime).toISOString()} failed: ${result.note}`)
        }
      } catch (e) {
        log(
          `forecast issued ${new Date(issueTime).toISOString()} could not run: ${e instanceof Error ? e.message : String(e)}`,
        )
      }
      for (const w of mine) w(result)
    }
  }

  return {
    request(issueTime, basins) {
      pending = pending === undefined || issueTime > pending ? issueTime : pending
      for (const b of basins) pendingBasins.add(b)
      const done = new Promise<ForecastCycleResult | undefined>((resolve) => waiters.push(resolve))
      running = running.then(drain)
      return done
    },
    idle: () => running,
  }
}
