/**
 * GR4J, the daily four-parameter rainfall-runoff model of Perrin, Michel & Andréassian (2003),
 * "Improvement of a parsimonious model for streamflow simulation", J. Hydrol. 279, 275–289,
 * written to agree with airGR's `RunModel_GR4J` (Coron et al. 2017) to double precision.
 *
 * One step: production store (see `gr-stores.ts`) → effective rainfall PR split 90 % / 10 %
 * into unit hydrographs UH1 (time base X4) and UH2 (2·X4) → UH1 feeds the routing store, UH2 the
 * direct branch → both gain the exchange F = X2·(R/X3)^3.5 → Q = QR + QD.
 */
import type { Forcing, InitialLevels, ModelDefinition } from '../types.ts'
import { PERCOLATION_DAILY, SPLIT_UH1 } from '../gr-stores.ts'
import { uh1Ordinates, uh1Span, uh2Ordinates, uh2Span } from '../unit-hydrograph.ts'
import {
  GR4J_PARAM_NAMES,
  GR4J_PARAM_UNITS,
  MIN_STORE_MM,
  MIN_UH_BASE,
  checkGrParams,
} from './params.ts'
import { PROD, ROUT, UH1, grStateNames, grStateSize, uh2Offset } from './state.ts'

/** UH1 ordinates of the daily models (UH2 has twice as many). */
export const NH_DAILY = 20
/** Exponent of the daily S-curves. */
export const UH_EXPONENT_DAILY = 2.5

/** Output series of GR4J, in airGR's order and spelling (all mm/day; Prod and Rout in mm). */
export const GR4J_OUTPUTS = [
  'PotEvap',
  'Precip',
  'Prod',
  'Pn',
  'Ps',
  'AE',
  'Perc',
  'PR',
  'Q9',
  'Q1',
  'Rout',
  'Exch',
  'AExch1',
  'AExch2',
  'AExch',
  'QR',
  'QD',
  'Qsim',
] as const

/**
 * Runs the GR4J kernel over steps [start, end).
 *
 * @param params X1 (mm), X2 (mm/day), X3 (mm), X4 (day); see `params.ts`
 * @param precip rainfall (mm/day)
 * @param pet potential evapotranspiration (mm/day)
 * @param state the state vector (`state.ts`), updated in place to the end of the run
 * @param qsim written with the simulated flow (mm/day) at index i − start
 * @param outputs when not null, one array per {@link GR4J_OUTPUTS} entry, written likewise
 */
export function simulateGr4j(
  params: Float64Array,
  precip: Float64Array,
  pet: Float64Array,
  state: Float64Array,
  start: number,
  end: number,
  qsim: Float64Array,
  outputs: readonly Float64Array[] | null,
): void {
  const nh = NH_DAILY
  const x1 = Math.max(params[0]!, MIN_STORE_MM)
  const x2 = params[1]!
  const x3 = Math.max(params[2]!, MIN_STORE_MM)
  const x4 = Math.max(params[3]!, MIN_UH_BASE)
  const ord1 = uh1Ordinates(x4, UH_EXPONENT_DAILY, new Float64Array(nh))
  const ord2 = uh2Ordinates(x4, UH_EXPONENT_DAILY, new Float64Array(2 * nh))
  const span1 = uh1Span(x4, nh)
  const span2 = uh2Span(x4, 2 * nh)
  const off2 = uh2Offset(nh)
  // Imported bindings are read into locals once: V8 does not fold them inside hot loops.
  const split = SPLIT_UH1
  const percolation = PERCOLATION_DAILY
  const uh1 = UH1
  const u1 = state.slice(uh1, uh1 + nh)
  const u2 = state.slice(off2, off2 + 2 * nh)
  let s = state[PROD]!
  let r = state[ROUT]!
  // The production and routing stores are written out here rather than called from
  // gr-stores.ts: GR4J is the model run thousands of times per calibration and per forecast
  // cycle, and V8 does not inline those calls (measured: 60 against 120 ns per step).
  for (let i = start; i < end; i++) {
    const p = precip[i]!
    const e = pet[i]!
    let pn: number
    let ps: number
    let ae: number
    if (p <= e) {
      let ws = (e - p) / x1
      if (ws > 13) ws = 13
      const ex = Math.exp(2 * ws)
      const tws = (ex - 1) / (ex + 1)
      const sr = s / x1
      const es = (s * (2 - sr) * tws) / (1 + (1 - sr) * tws)
      s = s - es
      pn = 0
      ps = 0
      ae = es + p
    } else {
      pn = p - e
      let ws = pn / x1
      if (ws > 13) ws = 13
      const ex = Math.exp(2 * ws)
      const tws = (ex - 1) / (ex + 1)
      const sr = s / x1
      ps = (x1 * (1 - sr * sr) * tws) / (1 + sr * tws)
      s = s + ps
      ae = e
    }
    if (s < 0) s = 0
    let sq = s / x1
    sq = sq * sq
    sq = sq * sq
    const perc = s * (1 - 1 / Math.sqrt(Math.sqrt(1 + sq / percolation)))
    s = s - perc
    const pr = pn - ps + perc
    const a = pr * split
    const b = pr * (1 - split)
    for (let k = 0; k < span1; k++) u1[k] = u1[k + 1]! + ord1[k]! * a
    u1[nh - 1] = ord1[nh - 1]! * a
    for (let k = 0; k < span2; k++) u2[k] = u2[k + 1]! + ord2[k]! * b
    u2[2 * nh - 1] = ord2[2 * nh - 1]! * b
    const q9 = u1[0]!
    const q1 = u2[0]!
    const rr = r / x3
    const exch = x2 * rr * rr * rr * Math.sqrt(rr)
    let aexch1 = exch
    if (r + q9 + exch < 0) aexch1 = -r - q9
    r = r + q9 + exch
    if (r < 0) r = 0
    let rq = r / x3
    rq = rq * rq
    rq = rq * rq
    const qr = r * (1 - 1 / Math.sqrt(Math.sqrt(1 + rq)))
    r = r - qr
    let aexch2 = exch
    if (q1 + exch < 0) aexch2 = -q1
    const qd = Math.max(0, q1 + exch)
    let q = qr + qd
    if (q < 0) q = 0
    const j = i - start
    qsim[j] = q
    if (outputs !== null) {
      outputs[0]![j] = e
      outputs[1]![j] = p
      outputs[2]![j] = s
      outputs[3]![j] = pn
      outputs[4]![j] = ps
      outputs[5]![j] = ae
      outputs[6]![j] = perc
      outputs[7]![j] = pr
      outputs[8]![j] = q9
      outputs[9]![j] = q1
      outputs[10]![j] = r
      outputs[11]![j] = exch
      outputs[12]![j] = aexch1
      outputs[13]![j] = aexch2
      outputs[14]![j] = aexch1 + aexch2
      outputs[15]![j] = qr
      outputs[16]![j] = qd
      outputs[17]![j] = q
    }
  }
  state[PROD] = s
  state[ROUT] = r
  state.set(u1, uh1)
  state.set(u2, off2)
}

/** Initial GR state: stores at the given fractions of X1 and X3, everything else empty. */
export function grInitialState(
  params: Float64Array,
  levels: InitialLevels,
  nh: number,
): Float64Array {
  const st = new Float64Array(grStateSize(nh))
  st[PROD] = levels.productionStoreFraction * Math.max(params[0]!, MIN_STORE_MM)
  st[ROUT] = levels.routingStoreFraction * Math.max(params[2]!, MIN_STORE_MM)
  return st
}

/** GR4J as a {@link ModelDefinition}. */
export const gr4j: ModelDefinition = {
  name: 'GR4J',
  timeStep: 'daily',
  paramNames: GR4J_PARAM_NAMES,
  paramUnits: GR4J_PARAM_UNITS,
  outputNames: GR4J_OUTPUTS,
  needsTemperature: false,
  stateSize: grStateSize(NH_DAILY),
  stateNames: grStateNames(NH_DAILY),
  checkParams: (params) => checkGrParams(GR4J_PARAM_NAMES, params, NH_DAILY),
  initialState: (params, levels) => grInitialState(params, levels, NH_DAILY),
  simulate: (params, forcing: Forcing, state, start, end, qsim, outputs) =>
    simulateGr4j(params, forcing.precip, forcing.pet, state, start, end, qsim, outputs),
}
