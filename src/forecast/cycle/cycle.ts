/**
 * The forecast cycle: from the last saved model states, the observations and the latest
 * ensemble weather forecast, a forecast of every basin's outlet flow with its quantiles and
 * its probability of exceeding each threshold.
 *
 * For each basin, in network order (every basin after those upstream of it):
 *
 * 1. run the model from its last saved state over the observed forcing up to the issue time,
 *    and save the state reached (a basin without a usable state starts cold, a year earlier);
 * 2. update that state from the observed discharge (the {@link StateUpdate} plug point; no
 *    update by default) — the saved state stays the one before the update;
 * 3. run every member of the forcing forecast from it over the horizon;
 * 4. convert the members' flows from mm per step to m³/s, add the flow routed from upstream,
 *    and route the result, member by member, down the reach to the next basin (src/hydro/
 *    routing); each reach starts in the steady state of the basin's outlet flow at the issue
 *    time (the simulated flow of the last observed step, plus the same from upstream);
 * 5. summarise the members (quantiles at {@link FORECAST_QUANTILES}, probability of exceeding
 *    each threshold of the basin's discharge series at each lead step) and store them.
 *
 * Basins go to the {@link ModelRunner} in batches, so the models of a batch run in parallel;
 * while the main thread routes and summarises one batch, the runner already runs the next.
 *
 * The run is created `running` and always finished: `complete` when every basin was forecast,
 * `failed` with the reasons otherwise. A basin that cannot be forecast does not stop the
 * others; the basins downstream of it are not forecast either (their flow would lack its
 * share), but their states still advance.
 */
import type { EpochMs } from '../../core/brand.ts'
import { InputError } from '../../core/errors.ts'
import type { BasinId, ForecastRunId } from '../../core/ids.ts'
import { asId } from '../../core/ids.ts'
import { formatIssue } from '../../core/result.ts'
import { reachSteadyState, routeReach } from '../../hydro/routing/reach.ts'
import { mmPerStepToM3s, mmPerStepToM3sSeries } from '../../hydro/routing/units.ts'
import type { BasinForecast, ForcingForecast, ModelJob, ModelJobResult } from '../ports.ts'
import { FORECAST_QUANTILES } from '../ports.ts'
import { summarizeEnsemble, summaryScratch } from './ensemble-stats.ts'
import type { BasinInputs, RunShape } from './inputs.ts'
import { gatherBasin, runShapeOf } from './inputs.ts'
import type { NetworkPlan } from './order.ts'
import { planNetwork } from './order.ts'
import type {
  BasinFailure,
  ForecastCycleDeps,
  ForecastCycleRequest,
  ForecastCycleResult,
  StateUpdate,
} from './types.ts'
import { noStateUpdate } from './types.ts'

/** Basins handed to the model runner together, unless the request says otherwise. */
export const DEFAULT_BATCH_SIZE = 256
/** Failures spelled out in a failed run's note; the rest are counted. */
const NOTE_FAILURES = 5

/** A basin whose models have run, waiting to be routed and summarised. */
interface Ready {
  readonly kind: 'ready'
  readonly inputs: BasinInputs
  /** Local flow of each member (mm per step), converted in place to outlet flow (m³/s). */
  flows: readonly Float64Array[]
  /** Local flow of the last observed step (m³/s), NaN when no observed step was run. */
  readonly localNow: number
}

interface Failed {
  readonly kind: 'failed'
  readonly basinId: BasinId
  readonly reason: string
}

type Item = Ready | Failed

/** A batch on its way: `dispatched` once its ensembles are with the runner, `done` when run. */
interface BatchInFlight {
  readonly dispatched: Promise<void>
  readonly done: Promise<Item[]>
}

/** Everything fixed for one run. */
interface RunContext {
  readonly deps: ForecastCycleDeps
  readonly issueTime: EpochMs
  readonly coldStartSteps: number | undefined
  readonly plan: NetworkPlan
  readonly shape: RunShape
  /** Forcing forecasts read while sizing the run, used once and dropped. */
  readonly prefetched: Map<BasinId, ForcingForecast>
  readonly update: StateUpdate
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))
const failed = (basinId: BasinId, reason: string): Failed => ({ kind: 'failed', basinId, reason })

function checkRequest(request: ForecastCycleRequest): void {
  const { issueTime, batchSize, coldStartSteps } = request
  if (!Number.isSafeInteger(issueTime))
    throw new InputError(`issueTime must be a whole number of ms, got ${issueTime}`)
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1))
    throw new InputError(`batchSize must be a whole number ≥ 1, got ${batchSize}`)
  if (coldStartSteps !== undefined && !(Number.isInteger(coldStartSteps) && coldStartSteps >= 1))
    throw new InputError(`coldStartSteps must be a whole number ≥ 1, got ${coldStartSteps}`)
}

/**
 * Runs one forecast cycle issued at `request.issueTime` (see the file comment for the steps).
 *
 * @param deps the ports: repositories, the model runner, the clock and the optional state update
 * @param request the issue time (ms since the epoch, UTC), and optionally the basins, the
 *   run's id, the batch size and the cold-start window (steps)
 * @returns the run's id and status, the basins forecast and those that failed with the reason
 * @throws InputError on a malformed request, before any run is created; rejects when the
 *   forecast repository cannot create or finish the run (any other error fails the run)
 */
export async function runForecastCycle(
  deps: ForecastCycleDeps,
  request: ForecastCycleRequest,
): Promise<ForecastCycleResult> {
  checkRequest(request)
  const issueTime = request.issueTime
  const createdAt = deps.clock.now()
  const runId =
    request.runId ?? asId<ForecastRunId>(`fc:${new Date(issueTime).toISOString()}:${createdAt}`)

  // Plan the network and size the run from the first basin that has a forcing forecast.
  let context: RunContext | undefined
  let setupError = ''
  let source = 'none'
  try {
    const plan = planNetwork(await deps.basins.list(), request.basins)
    if (!plan.ok) throw new Error(`river network: ${plan.issues.map(formatIssue).join('; ')}`)
    const prefetched = new Map<BasinId, ForcingForecast>()
    let shape: RunShape = { members: 0, leadSteps: 0, stepMs: 0 }
    for (const id of plan.value.order) {
      const ff = await deps.forcing.latest(id, issueTime)
      if (ff === undefined) continue
      prefetched.set(id, ff)
      shape = runShapeOf(ff, issueTime)
      source = ff.source
      break
    }
    context = {
      deps,
      issueTime,
      coldStartSteps: request.coldStartSteps,
      plan: plan.value,
      shape,
      prefetched,
      update: deps.update ?? noStateUpdate,
    }
  } catch (e) {
    setupError = messageOf(e)
  }

  await deps.forecasts.createRun({
    id: runId,
    issueTime,
    forcingSource: source,
    members: context?.shape.members ?? 0,
    leadSteps: context?.shape.leadSteps ?? 0,
    stepMs: context?.shape.stepMs ?? 0,
    createdAt,
    status: 'running',
    note: '',
  })
  if (context === undefined) {
    await deps.forecasts.finishRun(runId, 'failed', setupError)
    return { runId, status: 'failed', note: setupError, forecast: [], failures: [] }
  }

  const forecast: BasinId[] = []
  const failures: BasinFailure[] = []
  try {
    await forecastBasins(
      context,
      runId,
      request.batchSize ?? DEFAULT_BATCH_SIZE,
      forecast,
      failures,
    )
  } catch (e) {
    const note = `the cycle stopped: ${messageOf(e)}`
    await deps.forecasts.finishRun(runId, 'failed', note)
    return { runId, status: 'failed', note, forecast, failures }
  }
  const total = context.plan.order.length
  if (failures.length > 0) {
    const shown = failures
      .slice(0, NOTE_FAILURES)
      .map((f) => `${f.basinId}: ${f.reason}`)
      .join('; ')
    const more =
      failures.length > NOTE_FAILURES ? `; and ${failures.length - NOTE_FAILURES} more` : ''
    const note = `${failures.length} of ${total} basins failed: ${shown}${more}`
    await deps.forecasts.finishRun(runId, 'failed', note)
    return { runId, status: 'failed', note, forecast, failures }
  }
  const { members, leadSteps } = context.shape
  const note =
    total === 0
      ? 'no basins to forecast'
      : `${total} basins, ${members} members × ${leadSteps} steps from ${source}`
  await deps.forecasts.finishRun(runId, 'complete', note)
  return { runId, status: 'complete', note, forecast, failures }
}

/** Runs every batch, overlapping the models of one with the routing of the previous one. */
async function forecastBasins(
  ctx: RunContext,
  runId: ForecastRunId,
  batchSize: number,
  forecast: BasinId[],
  failures: BasinFailure[],
): Promise<void> {
  const order = ctx.plan.order
  const router = createRouter(ctx, runId)
  let current: BatchInFlight | undefined =
    order.length > 0 ? startBatch(ctx, order.slice(0, batchSize)) : undefined
  for (let from = 0; current !== undefined; from += batchSize) {
    const items = await current.done
    const nextFrom = from + batchSize
    const next =
      nextFrom < order.length
        ? startBatch(ctx, order.slice(nextFrom, nextFrom + batchSize))
        : undefined
    try {
      if (next !== undefined) await next.dispatched
      const stored = router.finish(items, failures)
      if (stored.length > 0) await ctx.deps.forecasts.putBasinForecasts(stored)
      for (const f of stored) forecast.push(f.basinId)
    } catch (e) {
      // Let the batch already started finish its writes before the run is marked failed.
      if (next !== undefined) await next.done.catch(() => undefined)
      throw e
    }
    current = next
  }
}

/** Starts gathering and running a batch; see {@link BatchInFlight}. */
function startBatch(ctx: RunContext, ids: readonly BasinId[]): BatchInFlight {
  let signal: () => void = () => undefined
  const dispatched = new Promise<void>((resolve) => {
    signal = resolve
  })
  const done = (async () => {
    try {
      return await runBatch(ctx, ids, signal)
    } finally {
      signal()
    }
  })()
  // Awaited by the caller; this only keeps an early rejection from counting as unhandled.
  done.catch(() => undefined)
  return { dispatched, done }
}

/** Steps 1–3 for a batch: gather, run over observed forcing, save, update, run the ensembles. */
async function runBatch(
  ctx: RunContext,
  ids: readonly BasinId[],
  dispatched: () => void,
): Promise<Item[]> {
  const { deps, issueTime, shape } = ctx
  const gathered = await Promise.all(
    ids.map(async (id): Promise<BasinInputs | Failed> => {
      const forcing = ctx.prefetched.get(id)
      ctx.prefetched.delete(id)
      try {
        const basin = ctx.plan.basins.get(id)!
        return await gatherBasin(deps, basin, issueTime, shape, ctx.coldStartSteps, forcing)
      } catch (e) {
        return failed(id, messageOf(e))
      }
    }),
  )

  // 1. Observed forcing up to the issue time, every basin of the batch at once.
  const advanceJobs: ModelJob[] = []
  const advanceOf: number[] = []
  gathered.forEach((g, i) => {
    if ('kind' in g || g.observed.steps === 0) return
    advanceOf[i] = advanceJobs.length
    advanceJobs.push({
      model: g.config.model,
      options: g.options,
      params: g.params,
      state: g.startState,
      steps: g.observed.steps,
      precip: [g.observed.precip],
      pet: [g.observed.pet],
      temp: g.observed.temp === null ? null : [g.observed.temp],
      times: g.observed.times,
      endStates: true,
    })
  })
  let advanced: ModelJobResult[] | string
  try {
    advanced = await deps.runner.runEnsembles(advanceJobs)
  } catch (e) {
    advanced = `model run over observed forcing: ${messageOf(e)}`
  }

  // Save the states reached, in network order; then update them.
  const items: Item[] = []
  const starts: Float64Array[] = []
  for (let i = 0; i < gathered.length; i++) {
    const g = gathered[i]!
    if ('kind' in g) {
      items.push(g)
      continue
    }
    const id = g.basin.id
    const a = advanceOf[i]
    let state = g.startState
    let simulated: Float64Array = new Float64Array(0)
    let localNow = NaN
    if (a !== undefined) {
      if (typeof advanced === 'string') {
        items.push(failed(id, advanced))
        continue
      }
      const r = advanced[a]!
      state = r.states![0]!.slice()
      simulated = r.flows[0]!
      localNow = mmPerStepToM3s(simulated[simulated.length - 1]!, g.basin.areaKm2, g.stepMs / 1000)
      await deps.states.put({
        basinId: id,
        model: g.config.model,
        t: (issueTime - g.stepMs) as EpochMs,
        state,
      })
    }
    try {
      const latest =
        deps.update !== undefined && g.dischargeSeriesId !== null
          ? await deps.observations.latest(g.dischargeSeriesId, issueTime)
          : undefined
      const updated = await ctx.update({
        basinId: id,
        model: g.model,
        params: g.params,
        state: Float64Array.from(state),
        stepMs: g.stepMs,
        issueTime,
        areaKm2: g.basin.areaKm2,
        totalAreaKm2: ctx.plan.totalAreaKm2.get(id) ?? g.basin.areaKm2,
        simulated,
        simulatedFrom: g.observed.from,
        dischargeSeriesId: g.dischargeSeriesId,
        latestDischarge: latest,
      })
      if (updated.length !== g.model.stateSize)
        throw new Error(`has ${updated.length} values, the model's state ${g.model.stateSize}`)
      for (let k = 0; k < updated.length; k++)
        if (!Number.isFinite(updated[k]!)) throw new Error(`holds ${updated[k]} at ${k}`)
      starts.push(updated)
      items.push({ kind: 'ready', inputs: g, flows: [], localNow })
    } catch (e) {
      items.push(failed(id, `state update: ${messageOf(e)}`))
    }
  }

  // 3. The ensembles over the horizon.
  const ready = items.filter((it): it is Ready => it.kind === 'ready')
  const jobs: ModelJob[] = ready.map((r, k) => ({
    model: r.inputs.config.model,
    options: r.inputs.options,
    params: r.inputs.params,
    state: starts[k]!,
    steps: shape.leadSteps,
    precip: r.inputs.forecast.precip,
    pet: r.inputs.forecast.pet,
    temp: r.inputs.forecast.temp,
    times: r.inputs.forecast.times,
    endStates: false,
  }))
  const running = deps.runner.runEnsembles(jobs)
  dispatched()
  let results: ModelJobResult[]
  try {
    results = await running
  } catch (e) {
    const reason = `ensemble run: ${messageOf(e)}`
    return items.map((it) => (it.kind === 'ready' ? failed(it.inputs.basin.id, reason) : it))
  }
  ready.forEach((r, k) => {
    r.flows = results[k]!.flows
  })
  return items
}

/** Steps 4–5, in network order: see {@link createRouter}. */
interface Router {
  /** Routes and summarises a batch's basins in order; appends failures; returns the forecasts. */
  finish(items: readonly Item[], failures: BasinFailure[]): BasinForecast[]
}

/**
 * Routes basins down the network in order and summarises them. Keeps, for each basin some of
 * whose upstream basins are done, the sum of the members' flows routed to it and of the
 * upstream outlet flows at the issue time; nothing else outlives its batch.
 */
function createRouter(ctx: RunContext, runId: ForecastRunId): Router {
  const { members, leadSteps } = ctx.shape
  const inflow = new Map<BasinId, Float64Array>()
  const inflowNow = new Map<BasinId, number>()
  /** Basins downstream of a failure, with the failed basin. */
  const brokenBy = new Map<BasinId, BasinId>()
  const routed = new Float64Array(leadSteps)
  const scratch = summaryScratch(members)

  function forecastBasin(item: Ready): BasinForecast {
    const inputs = item.inputs
    const id = inputs.basin.id
    const dtSec = inputs.stepMs / 1000
    const flows = item.flows
    for (let m = 0; m < members; m++)
      mmPerStepToM3sSeries(flows[m]!, inputs.basin.areaKm2, dtSec, flows[m]!)
    let localNow = item.localNow
    if (localNow !== localNow) {
      // No observed step was run: the members' mean at the first lead step stands in.
      localNow = 0
      for (let m = 0; m < members; m++) localNow += flows[m]![0]!
      localNow /= members
    }
    const acc = inflow.get(id)
    if (acc !== undefined) {
      for (let m = 0; m < members; m++) {
        const row = flows[m]!
        const base = m * leadSteps
        for (let t = 0; t < leadSteps; t++) row[t] = row[t]! + acc[base + t]!
      }
    }
    const outletNow = localNow + (inflowNow.get(id) ?? 0)

    const nq = FORECAST_QUANTILES.length
    const qBlock = new Float64Array(nq * leadSteps)
    const quantiles: Float64Array[] = []
    for (let l = 0; l < nq; l++) quantiles.push(qBlock.subarray(l * leadSteps, (l + 1) * leadSteps))
    const nt = inputs.thresholds.length
    const pBlock = new Float64Array(nt * leadSteps)
    const probabilities: Float64Array[] = []
    for (let j = 0; j < nt; j++)
      probabilities.push(pBlock.subarray(j * leadSteps, (j + 1) * leadSteps))
    summarizeEnsemble(
      flows,
      leadSteps,
      FORECAST_QUANTILES,
      quantiles,
      inputs.thresholds.map((th) => th.value),
      probabilities,
      scratch,
    )

    const link = ctx.plan.downstream.get(id)
    if (link !== null && link !== undefined && !brokenBy.has(link.basinId)) {
      const d = link.basinId
      let accD = inflow.get(d)
      if (accD === undefined) {
        accD = new Float64Array(members * leadSteps)
        inflow.set(d, accD)
      }
      const initial = reachSteadyState(link.reach, dtSec, outletNow)
      const state = new Float64Array(initial.length)
      for (let m = 0; m < members; m++) {
        state.set(initial)
        routeReach(link.reach, dtSec, flows[m]!, state, routed)
        const base = m * leadSteps
        for (let t = 0; t < leadSteps; t++) accD[base + t] = accD[base + t]! + routed[t]!
      }
      inflowNow.set(d, (inflowNow.get(d) ?? 0) + outletNow)
    }

    return {
      runId,
      basinId: id,
      members: flows,
      quantiles,
      exceedance: inputs.thresholds.map((th, j) => ({
        thresholdId: th.id,
        value: th.value,
        probability: probabilities[j]!,
      })),
    }
  }

  return {
    finish(items, failures) {
      const out: BasinForecast[] = []
      for (const item of items) {
        const id = item.kind === 'ready' ? item.inputs.basin.id : item.basinId
        const down = ctx.plan.downstream.get(id)?.basinId
        const cause = brokenBy.get(id)
        if (item.kind === 'failed' || cause !== undefined) {
          const reason =
            item.kind === 'failed' ? item.reason : `upstream basin ${cause} was not forecast`
          failures.push({ basinId: id, reason })
          if (down !== undefined && !brokenBy.has(down)) brokenBy.set(down, cause ?? id)
        } else {
          out.push(forecastBasin(item))
        }
        inflow.delete(id)
        inflowNow.delete(id)
      }
      return out
    },
  }
}
