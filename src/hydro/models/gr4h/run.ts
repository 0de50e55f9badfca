/**
 * GR4H, the hourly version of GR4J from Mathevet (2005), "Quels modèles pluie-débit globaux
 * pour le pas de temps horaire ?", PhD thesis, ENGREF/Cemagref; written to agree with airGR's
 * `RunModel_GR4H` (1.7.6).
 *
 * GR4J's structure (Perrin et al. 2003) with hourly constants: percolation constant (21/4)⁴,
 * unit hydrographs with exponent 1.25 over up to 480 (UH1) and 960 (UH2) hours, and the
 * exchange F = X2·(R/X3)^3.5 in mm/h.
 */
import { GR4J_OUTPUTS } from '../gr4j/run.ts'
import type { Forcing, InitialLevels, ModelDefinition } from '../types.ts'
import {
  F_PR,
  F_QD,
  F_QR,
  FLUX_SLOTS,
  PERCOLATION_HOURLY,
  SPLIT_UH1,
  convolve,
  powerExchange,
  productionStep,
  routingStep,
  writeGrOutputs,
} from '../gr-stores.ts'
import {
  NH_HOURLY,
  UH_EXPONENT_HOURLY,
  uh1Ordinates,
  uh1Span,
  uh2Ordinates,
  uh2Span,
} from '../unit-hydrograph.ts'
import { MIN_STORE_MM, MIN_UH_BASE } from '../gr4j/params.ts'
import { grInitialState } from '../gr4j/run.ts'
import { GR4H_PARAM_NAMES, GR4H_PARAM_UNITS, checkGr4hParams } from './params.ts'
import { GR4H_STATE_NAMES, GR4H_STATE_SIZE, PROD, ROUT, UH1, uh2Offset } from './state.ts'

/** Output series of GR4H, the same series as GR4J (all mm/h; Prod and Rout in mm), in airGR's order and spelling. */
export const GR4H_OUTPUTS = GR4J_OUTPUTS

/**
 * Runs the GR4H kernel over steps [start, end), trusting its arguments (see `checkGr4hParams`).
 *
 * @param params X1 (mm), X2 (mm/h), X3 (mm), X4 (h); see `params.ts`
 * @param precip rainfall (mm/h)
 * @param pet potential evapotranspiration (mm/h)
 * @param state the state vector (`state.ts`), updated in place to the end of the run
 * @param start first step (index into `precip` and `pet`)
 * @param end one past the last step
 * @param qsim written with the simulated flow (mm/h) at index i − start
 * @param outputs when not null, one array per {@link GR4H_OUTPUTS} entry, written likewise
 */
export function simulateGr4h(
  params: Float64Array,
  precip: Float64Array,
  pet: Float64Array,
  state: Float64Array,
  start: number,
  end: number,
  qsim: Float64Array,
  outputs: readonly Float64Array[] | null,
): void {
  const nh = NH_HOURLY
  const x1 = Math.max(params[0]!, MIN_STORE_MM)
  const x2 = params[1]!
  const x3 = Math.max(params[2]!, MIN_STORE_MM)
  const x4 = Math.max(params[3]!, MIN_UH_BASE)
  const ord1 = uh1Ordinates(x4, UH_EXPONENT_HOURLY, new Float64Array(nh))
  const ord2 = uh2Ordinates(x4, UH_EXPONENT_HOURLY, new Float64Array(2 * nh))
  const span1 = uh1Span(x4, nh)
  const span2 = uh2Span(x4, 2 * nh)
  const off2 = uh2Offset(nh)
  const flux = new Float64Array(FLUX_SLOTS)
  // The imports used on every step are read into locals once: under the ESM transform the
  // tests and the CLI run with, each use inside the loop would be a getter call (measured:
  // about twice as slow). The diagnostic outputs keep the imported names.
  const produce = productionStep
  const conv = convolve
  const exchangeOf = powerExchange
  const route = routingStep
  const percolation = PERCOLATION_HOURLY
  const split = SPLIT_UH1
  const uh1 = UH1
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
    conv(state, uh1, ord1, nh, span1, pr * split)
    conv(state, off2, ord2, 2 * nh, span2, pr * (1 - split))
    const q9 = state[uh1]!
    const q1 = state[off2]!
    const exch = exchangeOf(r, x2, x3)
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
 * GR4H as a {@link ModelDefinition}: hourly, parameters X1 (mm), X2 (mm/h), X3 (mm), X4 (h);
 * flows in mm/h. A cold start fills the production and routing stores to the given fractions
 * of X1 and X3 (airGR's `IniResLevels`, 0.3 and 0.5 by default).
 */
export const gr4h: ModelDefinition = {
  name: 'GR4H',
  timeStep: 'hourly',
  paramNames: GR4H_PARAM_NAMES,
  paramUnits: GR4H_PARAM_UNITS,
  outputNames: GR4H_OUTPUTS,
  needsTemperature: false,
  stateSize: GR4H_STATE_SIZE,
  stateNames: GR4H_STATE_NAMES,
  checkParams: checkGr4hParams,
  initialState: (params: Float64Array, levels: InitialLevels) =>
    grInitialState(params, levels, NH_HOURLY),
  simulate: (params, forcing: Forcing, state, start, end, qsim, outputs) =>
    simulateGr4h(params, forcing.precip, forcing.pet, state, start, end, qsim, outputs),
}
