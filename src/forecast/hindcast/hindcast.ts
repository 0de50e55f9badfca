/**
 * A hindcast: a historical period replayed as a sequence of forecast cycles, each issued from
 * the model state of its day, run over the horizon with ensemble forcing, and scored against
 * what was later observed (lead-scores.ts). Pure orchestration over the models, the
 * assimilation and the criteria: no I/O, no clock, randomness from seeded generators.
 *
 * Time convention (daily models): a forecast issued on step t₀ knows the flows observed up to
 * step t₀ − 1 and the state at the end of that step; lead h is step t₀ + h − 1, so lead 1 is the
 * day of issue. Persistence forecasts the flow of step t₀ − 1 (the latest observed, at most
 * {@link PERSISTENCE_LOOKBACK} steps back) at every lead.
 *
 * Several ways of updating the model from observations (variants) run side by side on the same
 * synthetic members, so that their scores differ only by the update:
 *
 * - `none`: the model runs open loop on the observed forcing up to the issue;
 * - `routing`: at every observed step, the routing store is updated so that the step's flow
 *   equals the observation (GRP-style; src/forecast/assimilation/routing-update.ts);
 * - `correction`: open-loop states, and the members' flows corrected by an AR(1) model of the
 *   error fitted on the steps before issue (output-correction.ts);
 * - `enkf`: an ensemble Kalman filter on Prod and Rout carried through every step (enkf.ts);
 *   member k of a forecast starts from filter member k mod N.
 *
 * The filters start at `stateStep` from `initialState` and run every step up to the last issue,
 * so that they have been spun up by the first issue when `stateStep` lies well before it.
 *
 * Units: flows, precipitation and PET in mm per step; store levels in mm.
 */
import { InputError } from '../../core/errors.ts'
import { seededRng } from '../../core/rng.ts'
import { crps } from '../../hydro/criteria/ensemble.ts'
import type { Forcing, ModelDefinition } from '../../hydro/models/types.ts'
import { enkfAnalysis, enkfOptions, initEnsemble, propagateEnsemble } from '../assimilation/enkf.ts'
import type { EnkfOptions } from '../assimilation/enkf.ts'
import { grStoreLayout } from '../assimilation/gr-layout.ts'
import type { ErrorSpace } from '../assimilation/output-correction.ts'
import { correctOutputs, fitAr1Error } from '../assimilation/output-correction.ts'
import { updateRoutingStore } from '../assimilation/routing-update.ts'
import { FORECAST_QUANTILES } from '../ports.ts'
import type { LeadScore } from './lead-scores.ts'
import { addForecast, leadScores, newLeadAccumulator } from './lead-scores.ts'
import type { Climatology, FlowThreshold } from './references.ts'
import {
  QUANTILE_THRESHOLD_NOTE,
  dayOfYear,
  dayOfYearClimatology,
  quantileThresholds,
  sortedQuantile,
} from './references.ts'
import type { ForcingErrorModel } from './synthetic-forcing.ts'
import {
  DEFAULT_FORCING_ERRORS,
  checkForcingErrors,
  describeForcingErrors,
  issueSeed,
  syntheticMembers,
} from './synthetic-forcing.ts'

/** The ways of updating the model that a hindcast can compare. */
export const HINDCAST_UPDATES = ['none', 'routing', 'correction', 'enkf'] as const
/** One of {@link HINDCAST_UPDATES}. */
export type HindcastUpdate = (typeof HINDCAST_UPDATES)[number]

/** Steps back from the issue that persistence may look for the latest observed flow. */
export const PERSISTENCE_LOOKBACK = 7

/** Options of the AR(1) output correction (variant `correction`). */
export interface CorrectionSetup {
  /** Transformed space of the error (default: log of Q + ε, ε = 1 % of the mean reference flow). */
  readonly space?: ErrorSpace
  /** Steps before issue the AR(1) model is fitted on (default 30). */
  readonly window?: number
  /** Whether to fit the error's mean too (default false). */
  readonly withMean?: boolean
}

/** Everything a hindcast needs. */
export interface HindcastSetup {
  readonly model: ModelDefinition
  readonly params: Float64Array
  /** The observed forcing over the whole record (mm/step; °C); `times` is required. */
  readonly forcing: Forcing
  /** Observed flow over the whole record (mm/step), indexed like the forcing; NaN missing. */
  readonly observed: Float64Array
  /** The model state at the start of step `stateStep` (after a warm-up). */
  readonly initialState: Float64Array
  readonly stateStep: number
  /** Reference period [start, end) of the climatology and thresholds (the calibration period). */
  readonly reference: { readonly start: number; readonly end: number }
  /** Issue steps: first, last (inclusive) and the interval between issues (steps). */
  readonly firstIssue: number
  readonly lastIssue: number
  readonly every: number
  /** Ensemble members per forecast (and EnKF members). */
  readonly members: number
  /** Forecast horizon (steps). */
  readonly horizon: number
  /** The variants to run, the first being the one reported as the hindcast. */
  readonly updates: readonly HindcastUpdate[]
  /** Seed of everything random (synthetic members, filter noise). */
  readonly seed: number
  readonly forcingErrors?: ForcingErrorModel
  readonly enkf?: Partial<EnkfOptions>
  readonly correction?: CorrectionSetup
  /** Flow thresholds (mm/step); default Q90, Q95, Q99 of the reference period. */
  readonly thresholds?: readonly FlowThreshold[]
  /** How `thresholds` were made, shown with them (required with `thresholds`). */
  readonly thresholdNote?: string
  /** Days on each side pooled into the climatology of a day of the year (default 7). */
  readonly climatologyHalfWindow?: number
  /**
   * Flows (mm/step) whose probability of exceedance (share of members ≥ it) is kept per issue
   * and lead in {@link HindcastVariant.exceedance}, e.g. the return levels of the warning rules.
   */
  readonly exceedanceThresholds?: readonly number[]
  /** Called after each issue with the issues done and the total. */
  readonly onProgress?: (done: number, total: number) => void
}

/** One variant's results. */
export interface HindcastVariant {
  readonly update: HindcastUpdate
  readonly scores: LeadScore[]
  /**
   * Quantiles of the members per issue and lead (mm/step), at the levels
   * {@link HindcastResult.quantileLevels}: value k of lead j of issue i is at
   * `(i·horizon + j)·levels + k`.
   */
  readonly quantiles: Float64Array
  /**
   * Share of the members ≥ each of {@link HindcastSetup.exceedanceThresholds} per issue and lead
   * (0–1): value k of lead j of issue i is at `(i·horizon + j)·thresholds + k`; empty without
   * them.
   */
  readonly exceedance: Float64Array
}

/** What a hindcast found: scores per variant and lead, and what to draw its forecasts with. */
export interface HindcastResult {
  /** Step of lead 1 of each forecast. */
  readonly issues: Int32Array
  readonly horizon: number
  readonly members: number
  /** Quantile levels stored (%). */
  readonly quantileLevels: readonly number[]
  readonly variants: readonly HindcastVariant[]
  readonly thresholds: readonly FlowThreshold[]
  /** How the thresholds were made. */
  readonly thresholdNote: string
  /** The persistence forecast of each issue (mm/step; NaN when none). */
  readonly persistence: Float64Array
  /** How the members were made, to be shown with every output. */
  readonly forcingNote: string
  /** The seed of the run. */
  readonly seed: number
}

function checkSetup(s: HindcastSetup): void {
  const n = s.forcing.precip.length
  const int = (v: number, lo: number, what: string): void => {
    if (!(Number.isInteger(v) && v >= lo))
      throw new InputError(`${what} must be a whole number ≥ ${lo}, got ${v}`)
  }
  int(s.members, 2, 'members')
  int(s.horizon, 1, 'horizon')
  int(s.every, 1, 'every')
  if (!Number.isInteger(s.seed)) throw new InputError(`seed must be an integer, got ${s.seed}`)
  if (s.forcing.times === undefined)
    throw new InputError('a hindcast needs the forcing times (for the climatology)')
  if (s.observed.length !== n)
    throw new InputError(`observed has ${s.observed.length} steps, the forcing ${n}`)
  if (s.initialState.length !== s.model.stateSize)
    throw new InputError(
      `${s.model.name}: a state has ${s.model.stateSize} values, got ${s.initialState.length}`,
    )
  if (!(0 <= s.stateStep && s.stateStep <= s.firstIssue))
    throw new InputError('the state must be given at or before the first issue')
  if (!(s.firstIssue <= s.lastIssue && s.lastIssue + s.horizon <= n))
    throw new InputError(
      `no issue fits: issues ${s.firstIssue}–${s.lastIssue} with a horizon of ${s.horizon} steps in ${n} steps of forcing`,
    )
  if (!(0 <= s.reference.start && s.reference.start < s.reference.end && s.reference.end <= n))
    throw new InputError('the reference period lies outside the record')
  if (s.updates.length === 0) throw new InputError('no variant to run')
  for (const u of s.updates)
    if (!(HINDCAST_UPDATES as readonly string[]).includes(u))
      throw new InputError(`unknown update "${u}"; known: ${HINDCAST_UPDATES.join(', ')}`)
  if (s.updates.some((u) => u === 'routing' || u === 'enkf')) grStoreLayout(s.model)
}

/** The latest finite observation in steps [t − lookback, t − 1], or NaN. */
function latestObserved(observed: Float64Array, t: number): number {
  for (let i = t - 1; i >= Math.max(0, t - PERSISTENCE_LOOKBACK); i--) {
    if (Number.isFinite(observed[i])) return observed[i]!
  }
  return NaN
}

/**
 * Runs a hindcast.
 * @throws InputError when the setup does not fit (see the checks: members ≥ 2, issues inside
 *   the record with their horizon, a state of the right length given before the first issue, a
 *   GR model for the state updates, a reference period with observations for every day of the
 *   year)
 */
export function runHindcast(setup: HindcastSetup): HindcastResult {
  checkSetup(setup)
  const { model, params, forcing, observed, horizon, members: m, seed } = setup
  const errors = setup.forcingErrors ?? DEFAULT_FORCING_ERRORS
  checkForcingErrors(errors)
  const enkfOpts = enkfOptions(setup.enkf)
  const times = forcing.times!
  const n = forcing.precip.length
  const thresholds =
    setup.thresholds ?? quantileThresholds(observed, setup.reference.start, setup.reference.end)
  const clim: Climatology = dayOfYearClimatology(
    observed,
    times,
    setup.reference.start,
    setup.reference.end,
    setup.climatologyHalfWindow ?? 7,
  )
  const window = setup.correction?.window ?? 30
  let meanRef = 0
  let countRef = 0
  for (let i = setup.reference.start; i < setup.reference.end; i++) {
    if (Number.isFinite(observed[i])) {
      meanRef += observed[i]!
      countRef++
    }
  }
  meanRef = countRef > 0 ? meanRef / countRef : 1
  const space: ErrorSpace = setup.correction?.space ?? {
    kind: 'log',
    epsilon: Math.max(1e-6, 0.01 * meanRef),
  }

  const issues: number[] = []
  for (let t = setup.firstIssue; t <= setup.lastIssue; t += setup.every) issues.push(t)
  const nIssues = issues.length
  const levels = FORECAST_QUANTILES
  const nq = levels.length
  const updates = setup.updates
  const acc = updates.map(() => newLeadAccumulator(horizon, m, thresholds))
  const quantiles = updates.map(() => new Float64Array(nIssues * horizon * nq).fill(NaN))
  const persistence = new Float64Array(nIssues).fill(NaN)
  const exThresholds = setup.exceedanceThresholds ?? []
  const nx = exThresholds.length
  const exceedance = updates.map(() => new Float64Array(nIssues * horizon * nx))

  const wants = (u: HindcastUpdate): boolean => updates.includes(u)
  // The states each variant carries.
  const openState = Float64Array.from(setup.initialState)
  const routState = wants('routing') ? Float64Array.from(setup.initialState) : null
  const filterRng = seededRng(issueSeed(seed, -1))
  const ensemble = wants('enkf')
    ? initEnsemble(model, params, setup.initialState, m, filterRng, enkfOpts)
    : null
  const ensembleFlows = new Float64Array(m)
  const simOpen = new Float64Array(n).fill(NaN)
  const q1 = new Float64Array(1)
  const climCrps = new Float64Array(n).fill(NaN)
  const scratch = new Float64Array(m)
  let poolScratch = new Float64Array(0)
  for (const pool of clim.byDay)
    if (pool.length > poolScratch.length) poolScratch = new Float64Array(pool.length)
  const forecastTimes = (t0: number): Float64Array => times.subarray(t0, t0 + horizon)

  const runMembers = (
    starts: (k: number) => Float64Array,
    memberForcing: readonly Forcing[],
  ): Float64Array[] => {
    const out: Float64Array[] = []
    for (let k = 0; k < m; k++) {
      const st = Float64Array.from(starts(k))
      const q = new Float64Array(horizon)
      model.simulate(params, memberForcing[k]!, st, 0, horizon, q, null)
      out.push(q)
    }
    return out
  }

  let next = 0
  for (let t = setup.stateStep; t <= setup.lastIssue; t++) {
    if (next < nIssues && issues[next] === t) {
      const i = next++
      const t0 = t
      const syn = syntheticMembers(
        forcing.precip,
        forcing.pet,
        forcing.temp,
        t0,
        horizon,
        m,
        errors,
        seededRng(issueSeed(seed, t0)),
      )
      const memberForcing: Forcing[] = syn.precip.map((p, k) => ({
        precip: p,
        pet: syn.pet[k]!,
        ...(syn.temp !== null ? { temp: syn.temp[k]! } : {}),
        times: forecastTimes(t0),
      }))
      const pers = latestObserved(observed, t0)
      persistence[i] = pers
      for (let j = 0; j < horizon; j++) {
        const target = t0 + j
        if (Number.isNaN(climCrps[target]!) && Number.isFinite(observed[target])) {
          const pool = clim.byDay[dayOfYear(times[target]!)]!
          climCrps[target] = crps(pool, observed[target]!, poolScratch)
        }
      }
      let open: Float64Array[] | null = null
      const openRuns = (): Float64Array[] => (open ??= runMembers(() => openState, memberForcing))
      updates.forEach((u, v) => {
        let flows: Float64Array[]
        switch (u) {
          case 'none':
            flows = openRuns()
            break
          case 'routing':
            flows = runMembers(() => routState!, memberForcing)
            break
          case 'correction': {
            const from = Math.max(0, t0 - window)
            const fit = fitAr1Error(
              observed.subarray(from, t0),
              simOpen.subarray(from, t0),
              space,
              setup.correction?.withMean === true ? { withMean: true } : {},
            )
            flows = correctOutputs(openRuns(), fit)
            break
          }
          case 'enkf':
            flows = runMembers((k) => ensemble![k % ensemble!.length]!, memberForcing)
            break
        }
        const lead = new Float64Array(m)
        const q = quantiles[v]!
        for (let j = 0; j < horizon; j++) {
          for (let k = 0; k < m; k++) lead[k] = flows[k]![j]!
          const target = t0 + j
          addForecast(acc[v]!, j + 1, lead, observed[target]!, pers, climCrps[target]!)
          scratch.set(lead)
          scratch.sort()
          for (let l = 0; l < nq; l++)
            q[(i * horizon + j) * nq + l] = sortedQuantile(scratch, levels[l]! / 100)
          for (let x = 0; x < nx; x++) {
            const thr = exThresholds[x]!
            let above = 0
            for (let k = 0; k < m; k++) if (lead[k]! >= thr) above++
            exceedance[v]![(i * horizon + j) * nx + x] = above / m
          }
        }
      })
      setup.onProgress?.(next, nIssues)
    }
    if (t === setup.lastIssue) break
    // Advance every carried state through step t, then update it with step t's observation.
    model.simulate(params, forcing, openState, t, t + 1, q1, null)
    simOpen[t] = q1[0]!
    const obs = observed[t]!
    if (routState !== null) {
      model.simulate(params, forcing, routState, t, t + 1, q1, null)
      if (Number.isFinite(obs))
        routState.set(updateRoutingStore(model, params, routState, q1[0]!, obs).state)
    }
    if (ensemble !== null) {
      propagateEnsemble(model, params, forcing, t, ensemble, ensembleFlows, filterRng, enkfOpts)
      if (Number.isFinite(obs))
        enkfAnalysis(model, params, ensemble, ensembleFlows, obs, filterRng, enkfOpts)
    }
  }

  return {
    issues: Int32Array.from(issues),
    horizon,
    members: m,
    quantileLevels: levels,
    variants: updates.map((u, v) => ({
      update: u,
      scores: leadScores(acc[v]!),
      quantiles: quantiles[v]!,
      exceedance: exceedance[v]!,
    })),
    thresholds,
    thresholdNote:
      setup.thresholds !== undefined ? (setup.thresholdNote ?? '') : QUANTILE_THRESHOLD_NOTE,
    persistence,
    forcingNote: describeForcingErrors(errors, seed),
    seed,
  }
}
