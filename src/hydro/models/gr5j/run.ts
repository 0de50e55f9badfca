/**
 * GR5J, the daily five-parameter rainfall-runoff model of Le Moine (2008), "Le bassin versant
 * de surface vu par le souterrain", PhD thesis, UPMC/Cemagref, as used by Pushpalatha et al.
 * (2011), J. Hydrol. 411, 66–76; written to agree with airGR's `RunModel_GR5J` (1.7.6).
 *
 * One step: production store (as GR4J) → the whole effective rainfall PR through a single unit
 * hydrograph of time base 2·X4 → its outflow split 90 % to the routing store, 10 % to the
 * direct branch → both gain the threshold exchange F = X2·(R/X3 − X5) → Q = QR + QD.
 */
import type { Forcing, InitialLevels, ModelDefinition } from '../types.ts'
import {
  F_PR,
  F_QD,
  F_QR,
  FLUX_SLOTS,
  PERCOLATION_DAILY,
  SPLIT_UH1,
  convolve,
  productionStep,
  routingStep,
  thresholdExchange,
  writeGrOutputs,
} from '../gr-stores.ts'
import { uh2Ordinates, uh2Span } from '../unit-hydrograph.ts'
import { MIN_STORE_MM, MIN_UH_BASE } from '../gr4j/params.ts'
import { GR4J_OUTPUTS, NH_DAILY, UH_EXPONENT_DAILY, grInitialState } from '../gr4j/run.ts'
import { GR5J_PARAM_NAMES, GR5J_PARAM_UNITS, checkGr5jParams } from './params.ts'
import { GR5J_STATE_NAMES, GR5J_STATE_SIZE, PROD, ROUT, uh2Offset } from './state.ts'

/**
 * Output series of GR5J, the same as GR4J's in airGR's order and spelling (mm/day; Prod and
 * Rout in mm). Q9 and Q1 are the 90 % and 10 % shares of the unit hydrograph's outflow.
 */
export const GR5J_OUTPUTS = GR4J_OUTPUTS

/**
 * Runs the GR5J kernel over steps [start, end), trusting its arguments (see `checkGr5jParams`).
 *
 * @param params X1 (mm), X2 (mm/day), X3 (mm), X4 (day), X5 (−); see `params.ts`
 * @param precip rainfall (mm/day)
 * @param pet potential evapotranspiration (mm/day)
 * @param state the state vector (`state.ts`), updated in place to the end of the run
 * @param start first step (index into `precip` and `pet`)
 * @param end one past the last step
 * @param qsim written with the simulated flow (mm/day) at index i − start
 * @param outputs when not null, one array per {@link GR5J_OUTPUTS} entry, written likewise
 */
export function simulateGr5j(
  params: Float64Array,
  precip: Float64Array,
  pet: Float64Array,
  state: Float64Array,
  start: number,
  end: number,
  qsim: Float64Array,
  outputs: readonly Float64Array[] | null,
): void {
  const n2 = 2 * NH_DAILY
  const x1 = Math.max(params[0]!, MIN_STORE_MM)
  const x2 = params[1]!
  const x3 = Math.max(params[2]!, MIN_STORE_MM)
  const x4 = Math.max(params[3]!, MIN_UH_BASE)
  const x5 = params[4]!
  const ord = uh2Ordinates(x4, UH_EXPONENT_DAILY, new Float64Array(n2))
  const span = uh2Span(x4, n2)
  const off = uh2Offset(NH_DAILY)
  const flux = new Float64Array(FLUX_SLOTS)
  // The imports used on every step are read into locals once: under the ESM transform the
  // tests and the CLI run with, each use inside the loop would be a getter call (measured:
  // about twice as slow). The diagnostic outputs keep the imported names.
  const produce = productionStep
  const conv = convolve
  const exchangeOf = thresholdExchange
  const route = routingStep
  const percolation = PERCOLATION_DAILY
  const split = SPLIT_UH1
  const fPR = F_PR
  const fQR = F_QR
  const fQD = F_QD
  let s = state[PROD]!
  let r = state[ROUT]!
  for (let i = start; i < end; i++) {
    const p = precip[i]!
    const e = pet[i]!
    s = produce(s, p, e, x1, percolation, flux)
    const pr = flux[fPR]!
    conv(state, off, ord, n2, span, pr)
    const uh = state[off]!
    const q9 = uh * split
    const q1 = uh * (1 - split)
    const exch = exchangeOf(r, x2, x3, x5)
    r = route(r, q9, q1, exch, x3, flux)
    let q = flux[fQR]! + flux[fQD]!
    if (q < 0) q = 0
    const j = i - start
    qsim[j] = q
    if (outputs !== null) writeGrOutputs(outputs, j, e, p, s, flux, pr, q9, q1, r, exch, q)
  }
  state[PROD] = s
  state[ROUT] = r
}

/**
 * GR5J as a {@link ModelDefinition}: daily, parameters X1 (mm), X2 (mm/day), X3 (mm), X4 (day),
 * X5 (−); flows in mm/day. A cold start fills the production and routing stores to the given
 * fractions of X1 and X3 (airGR's `IniResLevels`, 0.3 and 0.5 by default).
 */
export const gr5j: ModelDefinition = {
  name: 'GR5J',
  timeStep: 'daily',
  paramNames: GR5J_PARAM_NAMES,
  paramUnits: GR5J_PARAM_UNITS,
  outputNames: GR5J_OUTPUTS,
  needsTemperature: false,
  stateSize: GR5J_STATE_SIZE,
  stateNames: GR5J_STATE_NAMES,
  checkParams: checkGr5jParams,
  initialState: (params: Float64Array, levels: InitialLevels) =>
    grInitialState(params, levels, NH_DAILY),
  simulate: (params, forcing: Forcing, state, start, end, qsim, outputs) =>
    simulateGr5j(params, forcing.precip, forcing.pet, state, start, end, qsim, outputs),
}
