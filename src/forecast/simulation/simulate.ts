/**
 * The simulation of a basin: its model, with its configured (calibrated) parameters, driven by
 * the observed forcing over a window, in m³/s at the basin's outlet. It is what the duty
 * forecaster lays over the observed discharge to judge the model, so nothing in it comes from
 * the gauges' discharge: no saved state, no state update.
 *
 * 1. Every basin upstream of the basin is simulated too, since its flow reaches the outlet
 *    (the network plan of the forecast cycle, src/forecast/cycle/order.ts).
 * 2. Steps fall on the model's grid counted from the epoch (midnight UTC for daily models);
 *    the window starts at the step holding its `from`.
 * 3. Each model starts cold — its stores at airGR's default levels — a warm-up before the
 *    window (by default a year of its steps, as the forecast cycle starts a basin without a
 *    saved state), or at the first step from which every basin's forcing is observed, if that
 *    is later but not after the window's start.
 * 4. The models run over the observed precipitation and PET (and temperature for the snow
 *    models), read and checked as the forecast cycle reads them (src/forecast/cycle/inputs.ts).
 *    The simulation ends at the window's end, or earlier where the observed forcing of a basin
 *    ends; a gap before that is an error naming the series and the time.
 * 5. The flows (mm per step) are converted to m³/s over each basin's own area, and each
 *    upstream basin's outlet flow is routed down its reach (src/hydro/routing) and added to the
 *    basin below it, in network order. Each reach starts in the steady state of the first
 *    step's flow, as the cycle starts its reaches in the steady state of the flow at the issue
 *    time; the warm-up washes the choice out.
 *
 * The work is bounded: a window of at most {@link MAX_SIMULATION_WINDOW_DAYS} days and at most
 * {@link MAX_SIMULATION_BASIN_STEPS} basin-steps (basins × steps, warm-up included) per call,
 * checked before any observation is read.
 */
import type { EpochMs } from '../../core/brand.ts'
import type { BasinId } from '../../core/ids.ts'
import { formatIssue } from '../../core/result.ts'
import { DEFAULT_INITIAL_LEVELS, STEPS_PER_DAY } from '../../hydro/models/types.ts'
import { checkReach, reachSteadyState, routeReach } from '../../hydro/routing/reach.ts'
import { mmPerStepToM3sSeries } from '../../hydro/routing/units.ts'
import type {
  BasinRepository,
  ObservationRepository,
  SeriesRepository,
} from '../../observe/ports.ts'
import type { Basin } from '../../observe/types.ts'
import type { CheckedModel, ObservedForcing } from '../cycle/inputs.ts'
import {
  BasinInputError,
  checkedModel,
  endOfObserved,
  firstObservedStep,
  forcingSeriesOf,
  forcingTimes,
  readObservedForcing,
  requireCompleteForcing,
  sliceForcing,
} from '../cycle/inputs.ts'
import { planNetwork } from '../cycle/order.ts'
import type { ModelConfigRepository, ModelJob, ModelRunner } from '../ports.ts'

const DAY_MS = 86_400_000

/** The longest window simulated in one call (days): three years, one of them a leap year. */
export const MAX_SIMULATION_WINDOW_DAYS = 3 * 365 + 1

/**
 * The most model steps one call runs, summed over the basin and those upstream of it, warm-up
 * included: 684 daily basins or 28 hourly ones over the longest window and a year's warm-up.
 */
export const MAX_SIMULATION_BASIN_STEPS = 1_000_000

/** What a simulation reads through: the network, the series and observations, the models. */
export interface SimulationDeps {
  readonly basins: BasinRepository
  readonly series: SeriesRepository
  readonly observations: ObservationRepository
  readonly configs: ModelConfigRepository
  /** Runs the models (src/compute: on worker threads where the server has them). */
  readonly runner: ModelRunner
}

/** One simulation asked for. */
export interface SimulationRequest {
  readonly basinId: BasinId
  /**
   * Start of the window (ms since the epoch, UTC). Steps fall on the model's grid counted from
   * the epoch (midnight UTC for daily models): the first step is the one holding `from`.
   */
  readonly from: EpochMs
  /** End of the window (ms, exclusive): every step starting before it is simulated. */
  readonly to: EpochMs
  /** Steps of warm-up before `from` (≥ 0; default a year of the basin's model steps). */
  readonly warmupSteps?: number
}

/** A basin's simulated outlet flow over a window. */
export interface Simulation {
  readonly basinId: BasinId
  /** The basin's model (`GR4J`, `CemaNeigeGR4J`, …). */
  readonly model: string
  /** The model's step (ms). */
  readonly stepMs: number
  /** Where every model started cold (ms since the epoch): the start of the warm-up. */
  readonly warmupStart: EpochMs
  /** Start of the first step of `flow` (ms): the request's `from` taken back to its step's start. */
  readonly from: EpochMs
  /**
   * End of the last step of `flow` (ms, exclusive): the request's `to` rounded up to a whole
   * step, or earlier where the observed forcing ends.
   */
  readonly to: EpochMs
  /** Mean outlet flow of each step from `from` (m³/s), upstream flow included. */
  readonly flow: Float64Array
  /** The basins upstream whose routed flow is included, in network order (empty for a headwater). */
  readonly upstream: readonly BasinId[]
}

/**
 * Why a simulation could not be made:
 * - `invalid-request`: the window is reversed, empty, too long, or not in whole ms;
 * - `unknown-basin`: no such basin;
 * - `model`: the basin or one upstream has no model configured, or one that cannot run (bad
 *   parameters or options, another time step than the basin's), or a reach or the network
 *   cannot be routed;
 * - `forcing`: an observed forcing series is missing, or its observations do not cover the
 *   window (the message names the basin, the series and the time);
 * - `too-large`: the basins and steps exceed {@link MAX_SIMULATION_BASIN_STEPS}.
 */
export type SimulationFailureKind =
  'invalid-request' | 'unknown-basin' | 'model' | 'forcing' | 'too-large'

/** A simulation, or why there is none. */
export type SimulationResult =
  | { readonly ok: true; readonly value: Simulation }
  | { readonly ok: false; readonly kind: SimulationFailureKind; readonly message: string }

const iso = (t: number): string => new Date(t).toISOString()
const failure = (kind: SimulationFailureKind, message: string): SimulationResult => ({
  ok: false,
  kind,
  message,
})

function checkRequest(r: SimulationRequest): string | undefined {
  if (!Number.isSafeInteger(r.from)) return `from must be a whole number of ms, got ${r.from}`
  if (!Number.isSafeInteger(r.to)) return `to must be a whole number of ms, got ${r.to}`
  if (!(r.to > r.from)) return `to (${iso(r.to)}) must be after from (${iso(r.from)})`
  const days = (r.to - r.from) / DAY_MS
  if (days > MAX_SIMULATION_WINDOW_DAYS)
    return `the window from ${iso(r.from)} to ${iso(r.to)} spans ${Math.ceil(days)} days; at most ${MAX_SIMULATION_WINDOW_DAYS} days (3 years) are simulated at once`
  if (r.warmupSteps !== undefined && !(Number.isInteger(r.warmupSteps) && r.warmupSteps >= 0))
    return `warmupSteps must be a whole number ≥ 0, got ${r.warmupSteps}`
  return undefined
}

/** One basin of the simulation, with its model and, once read, its forcing. */
interface Member {
  readonly basin: Basin
  readonly model: string
  readonly checked: CheckedModel
  forcing: ObservedForcing | null
}

/**
 * Simulates a basin's outlet flow over a window (see the file comment for the method).
 *
 * @param deps the repositories read and the model runner
 * @param request the basin, the window [from, to) (ms since the epoch, UTC) and optionally the
 *   warm-up (steps)
 * @returns the simulated flow (m³/s per step from `from`) with the model, the step (ms) and the
 *   warm-up's start; or the kind of failure and a message naming what is missing, where and when
 * @throws (rejects with) what the repositories or the runner throw: a failure of the storage or
 *   of the workers, not of the request
 */
export async function simulateBasin(
  deps: SimulationDeps,
  request: SimulationRequest,
): Promise<SimulationResult> {
  const bad = checkRequest(request)
  if (bad !== undefined) return failure('invalid-request', bad)
  const id = request.basinId
  const all = await deps.basins.list()
  if (!all.some((b) => b.id === id)) return failure('unknown-basin', `no basin ${id}`)
  const plan = planNetwork(all, [id])
  if (!plan.ok)
    return failure(
      'model',
      `the river network above basin ${id} cannot be routed: ${plan.issues.map(formatIssue).join('; ')}`,
    )
  const { order, downstream } = plan.value
  const upstream = order.filter((b) => b !== id)
  const whose = (b: BasinId): string =>
    b === id ? `basin ${id}` : `basin ${b} (upstream of ${id})`

  // The models, the basin's own first: its step is everyone's, and sizes the run.
  const members = new Map<BasinId, Member>()
  let sizing: { stepMs: number; warmupSteps: number; total: number } | undefined
  let from = request.from
  for (const b of [id, ...upstream]) {
    const basin = plan.value.basins.get(b)!
    const config = await deps.configs.find(b)
    if (config === undefined)
      return failure(
        'model',
        b === id
          ? `basin ${id} has no model configured`
          : `${whose(b)} has no model configured, and its flow is part of ${id}'s`,
      )
    let checked: CheckedModel
    try {
      checked = checkedModel(config, basin)
    } catch (e) {
      if (!(e instanceof BasinInputError)) throw e
      return failure('model', `the ${config.model} model of ${whose(b)} cannot run: ${e.message}`)
    }
    if (sizing === undefined) {
      const stepMs = checked.stepMs
      const warmupSteps = request.warmupSteps ?? 365 * STEPS_PER_DAY[checked.model.timeStep]
      from = (Math.floor(request.from / stepMs) * stepMs) as EpochMs
      const total = warmupSteps + Math.ceil((request.to - from) / stepMs)
      const n = order.length
      if (n * total > MAX_SIMULATION_BASIN_STEPS)
        return failure(
          'too-large',
          `simulating ${id} runs ${n} basin${n > 1 ? 's' : ''} × ${total} steps (${warmupSteps} of warm-up), more than the ${MAX_SIMULATION_BASIN_STEPS} basin-steps allowed per request: ask for a shorter window`,
        )
      sizing = { stepMs, warmupSteps, total }
    } else if (checked.stepMs !== sizing.stepMs) {
      return failure(
        'model',
        `${whose(b)} runs ${config.model} at a step of ${checked.stepMs / 3_600_000} h, ${id} ${members.get(id)!.model} at ${sizing.stepMs / 3_600_000} h`,
      )
    }
    const link = downstream.get(b)
    if (b !== id && link !== null && link !== undefined) {
      const issues = checkReach(link.reach, checked.stepMs / 1000, ['downstream', 'reach'])
      if (issues.length > 0)
        return failure(
          'model',
          `the reach from ${whose(b)} to ${link.basinId} cannot be routed: ${issues.map(formatIssue).join('; ')}`,
        )
    }
    members.set(b, { basin, model: config.model, checked, forcing: null })
  }
  const own = members.get(id)!
  const { stepMs, warmupSteps, total } = sizing!

  // The observed forcing over the warm-up and the window; where every basin's is observed.
  const gridFrom = (from - warmupSteps * stepMs) as EpochMs
  let start = 0
  let end = total
  for (const [b, m] of members) {
    try {
      const series = forcingSeriesOf(
        await deps.series.list({ basinId: b }),
        m.checked.model,
        stepMs,
      )
      m.forcing = await readObservedForcing(deps.observations, series, gridFrom, stepMs, total)
    } catch (e) {
      if (!(e instanceof BasinInputError)) throw e
      return failure('forcing', `${whose(b)}: ${e.message}`)
    }
    start = Math.max(start, Math.min(firstObservedStep(m.forcing), warmupSteps))
    const last = endOfObserved(m.forcing)
    if (last <= warmupSteps) {
      // Nothing observed from the window's start on: name what is missing there.
      const reason = failedCheck(sliceForcing(m.forcing, warmupSteps, warmupSteps + 1))
      return failure(
        'forcing',
        `no observed forcing of ${whose(b)} from ${iso(from)}${last > 0 ? ` (it ends at ${iso(gridFrom + last * stepMs)})` : ''}: ${reason}`,
      )
    }
    end = Math.min(end, last)
  }
  for (const [b, m] of members) {
    m.forcing = sliceForcing(m.forcing!, start, end)
    const reason = failedCheck(m.forcing)
    if (reason !== undefined) return failure('forcing', `${whose(b)}: ${reason}`)
  }

  // Every model from its cold state, in one call to the runner.
  const list = [...members.values()]
  const jobs: ModelJob[] = list.map((m) => {
    const f = m.forcing!
    return {
      model: m.model,
      options: m.checked.options,
      params: m.checked.params,
      state: m.checked.model.initialState(m.checked.params, DEFAULT_INITIAL_LEVELS),
      steps: f.steps,
      precip: [f.precip],
      pet: [f.pet],
      temp: f.temp === null ? null : [f.temp],
      times: forcingTimes(m.checked.model, f),
      endStates: false,
    }
  })
  const results = await deps.runner.runEnsembles(jobs)
  const flows = new Map<BasinId, Float64Array>()
  list.forEach((m, k) => flows.set(m.basin.id, results[k]!.flows[0]!))

  // Down the network: each basin's outlet flow, routed to the basin below it.
  const steps = end - start
  const stepSeconds = stepMs / 1000
  const inflow = new Map<BasinId, Float64Array>()
  const routed = new Float64Array(steps)
  let outlet: Float64Array = new Float64Array(0)
  for (const b of order) {
    const q = flows.get(b)!
    mmPerStepToM3sSeries(q, members.get(b)!.basin.areaKm2, stepSeconds, q)
    const acc = inflow.get(b)
    if (acc !== undefined) for (let t = 0; t < steps; t++) q[t] = q[t]! + acc[t]!
    inflow.delete(b)
    if (b === id) {
      outlet = q
      break
    }
    const link = downstream.get(b)!
    const state = reachSteadyState(link.reach, stepSeconds, q[0]!)
    routeReach(link.reach, stepSeconds, q, state, routed)
    let accD = inflow.get(link.basinId)
    if (accD === undefined) {
      accD = new Float64Array(steps)
      inflow.set(link.basinId, accD)
    }
    for (let t = 0; t < steps; t++) accD[t] = accD[t]! + routed[t]!
  }

  const first = warmupSteps - start
  return {
    ok: true,
    value: {
      basinId: id,
      model: own.model,
      stepMs,
      warmupStart: (gridFrom + start * stepMs) as EpochMs,
      from,
      to: (gridFrom + end * stepMs) as EpochMs,
      flow: outlet.slice(first),
      upstream,
    },
  }
}

/** The message of {@link requireCompleteForcing} on `f` (naming the series), or undefined. */
function failedCheck(f: ObservedForcing): string | undefined {
  try {
    requireCompleteForcing(f, true)
    return undefined
  } catch (e) {
    if (e instanceof BasinInputError) return e.message
    throw e
  }
}
