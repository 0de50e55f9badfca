/**
 * The stores and fluxes that the GR models share (Perrin et al. 2003; Le Moine 2008;
 * Pushpalatha et al. 2011; Mathevet 2005; Ficchì et al. 2019). Each function is one piece of a
 * model step, operating on plain numbers or on caller-allocated arrays: no allocation.
 */

/** Percolation constant (9/4)⁴ of the daily models (percolation = S·(1 − (1 + (S/X1)⁴/c)^−¼)). */
export const PERCOLATION_DAILY = 25.62890625
/** Percolation constant (21/4)⁴ of the hourly models. */
export const PERCOLATION_HOURLY = 759.69140625

/**
 * Share of effective rainfall routed through UH1 and the routing store. airGR writes this 0.9 as
 * a single-precision literal, so its double value is float32(0.9) = 0.89999997615814209; the
 * parity of every GR model with airGR depends on using the same number.
 */
export const SPLIT_UH1 = Math.fround(0.9)

/**
 * GR6J's share of the UH1 outflow sent to the exponential store (the rest, 1 − C, goes to the
 * routing store). Also a single-precision literal in airGR: float32(0.4) = 0.40000000596046448.
 */
export const SPLIT_EXP = Math.fround(0.4)

/** Cap on |level/X6| of GR6J's exponential store, as in airGR (exp(33) ≈ 2·10¹⁴). */
const EXP_CAP = 33
/** Beyond ±7, GR6J's exponential outflow uses its asymptotic forms, as in airGR. */
const EXP_ASYMPTOTE = 7

/** Cap on P/X1 and E/X1 inside tanh, as in airGR (tanh(13) is 1 to double precision). */
const TANH_CAP = 13

/**
 * Slots of the flux scratch array written by {@link productionStep},
 * {@link interceptionProductionStep} and {@link routingStep} (all mm/step, except `F_INT`, mm).
 */
export const F_PN = 0 // net rainfall
export const F_PS = 1 // part of net rainfall filling the production store
export const F_AE = 2 // actual evapotranspiration
export const F_PERC = 3 // percolation from the production store
export const F_PR = 4 // effective rainfall Pn − Ps + Perc
export const F_EN = 5 // net evapotranspiration demand
export const F_ES = 6 // evaporation taken from the production store
export const F_EI = 7 // evaporation met by rainfall or by the interception store
export const F_INT = 8 // interception store level at the end of the step (mm)
export const F_AEXCH1 = 9 // actual exchange on the routing-store branch
export const F_AEXCH2 = 10 // actual exchange on the direct branch
export const F_QR = 11 // routing store outflow
export const F_QD = 12 // direct branch outflow after exchange
export const FLUX_SLOTS = 13

/**
 * Evaporation taken from the production store by a net demand `en` (Perrin et al. 2003, eq. 3):
 * Es = S·(2 − S/X1)·tanh(En/X1) / (1 + (1 − S/X1)·tanh(En/X1)).
 * @param s store level (mm)
 * @param en net evapotranspiration demand (mm/step, ≥ 0)
 * @param x1 store capacity (mm, > 0)
 * @returns the evaporation (mm/step)
 */
export function storeEvaporation(s: number, en: number, x1: number): number {
  let ws = en / x1
  if (ws > TANH_CAP) ws = TANH_CAP
  const ex = Math.exp(2 * ws)
  const tws = (ex - 1) / (ex + 1)
  const sr = s / x1
  return (s * (2 - sr) * tws) / (1 + (1 - sr) * tws)
}

/**
 * Part of net rainfall `pn` that fills the production store (Perrin et al. 2003, eq. 4):
 * Ps = X1·(1 − (S/X1)²)·tanh(Pn/X1) / (1 + S/X1·tanh(Pn/X1)).
 * @param s store level (mm)
 * @param pn net rainfall (mm/step, ≥ 0)
 * @param x1 store capacity (mm, > 0)
 * @returns the infiltration (mm/step)
 */
export function storeInfiltration(s: number, pn: number, x1: number): number {
  let ws = pn / x1
  if (ws > TANH_CAP) ws = TANH_CAP
  const ex = Math.exp(2 * ws)
  const tws = (ex - 1) / (ex + 1)
  const sr = s / x1
  return (x1 * (1 - sr * sr) * tws) / (1 + sr * tws)
}

/**
 * Percolation from the production store: S·(1 − (1 + (S/X1)⁴/c)^−¼).
 * @param s store level (mm, ≥ 0)
 * @param x1 store capacity (mm, > 0)
 * @param percolation the constant c ({@link PERCOLATION_DAILY} or {@link PERCOLATION_HOURLY})
 * @returns the percolation (mm/step)
 */
export function storePercolation(s: number, x1: number, percolation: number): number {
  let r = s / x1
  r = r * r
  r = r * r
  return s * (1 - 1 / Math.sqrt(Math.sqrt(1 + r / percolation)))
}

/**
 * One step of the production store: neutralisation of rainfall by evapotranspiration, filling
 * or emptying of the store, then percolation.
 *
 * @param s production store level at the start of the step (mm)
 * @param p rainfall reaching the store's surface (mm/step)
 * @param e potential evapotranspiration (mm/step)
 * @param x1 production store capacity (mm, > 0)
 * @param percolation the percolation constant ({@link PERCOLATION_DAILY} or `_HOURLY`)
 * @param flux caller-allocated scratch of {@link FLUX_SLOTS} values, written with this step's
 *   fluxes (slots {@link F_PN} to {@link F_EI})
 * @returns the store level at the end of the step (mm)
 */
export function productionStep(
  s: number,
  p: number,
  e: number,
  x1: number,
  percolation: number,
  flux: Float64Array,
): number {
  let pn: number
  let en: number
  let ps: number
  let es: number
  if (p <= e) {
    en = e - p
    pn = 0
    ps = 0
    es = storeEvaporation(s, en, x1)
    s = s - es
    flux[F_AE] = es + p
    flux[F_EI] = p
  } else {
    en = 0
    es = 0
    pn = p - e
    ps = storeInfiltration(s, pn, x1)
    s = s + ps
    flux[F_AE] = e
    flux[F_EI] = e
  }
  if (s < 0) s = 0
  const perc = storePercolation(s, x1, percolation)
  s = s - perc
  flux[F_PN] = pn
  flux[F_PS] = ps
  flux[F_PERC] = perc
  flux[F_PR] = pn - ps + perc
  flux[F_EN] = en
  flux[F_ES] = es
  return s
}

/**
 * One step of GR5H's interception store (capacity `imax`) followed by the production store
 * (Ficchì 2017; Ficchì, Perrin & Andréassian 2019, J. Hydrol. 575, 1308–1327). Evaporation is
 * met first from rainfall and the interception store; rainfall beyond the store's free room is
 * the net rainfall; the demand left over draws on the production store.
 *
 * @param s production store level at the start of the step (mm)
 * @param si interception store level at the start of the step (mm, 0 ≤ si ≤ imax)
 * @param p rainfall (mm/step)
 * @param e potential evapotranspiration (mm/step)
 * @param x1 production store capacity (mm, > 0)
 * @param imax interception store capacity (mm, ≥ 0)
 * @param percolation the percolation constant ({@link PERCOLATION_HOURLY} for GR5H)
 * @param flux caller-allocated scratch of {@link FLUX_SLOTS} values, written with this step's
 *   fluxes (slots {@link F_PN} to {@link F_INT}; the interception level goes to {@link F_INT})
 * @returns the production store level at the end of the step (mm)
 */
export function interceptionProductionStep(
  s: number,
  si: number,
  p: number,
  e: number,
  x1: number,
  imax: number,
  percolation: number,
  flux: Float64Array,
): number {
  const ei = Math.min(e, p + si)
  const pn = Math.max(0, p - (imax - si) - ei)
  si = si + p - ei - pn
  const en = Math.max(0, e - ei)
  let es = 0
  if (en > 0) {
    es = storeEvaporation(s, en, x1)
    s = s - es
  }
  let ps = 0
  let pr = 0
  if (pn > 0) {
    ps = storeInfiltration(s, pn, x1)
    pr = pn - ps
    s = s + ps
  }
  if (s < 0) s = 0
  const perc = storePercolation(s, x1, percolation)
  s = s - perc
  flux[F_PN] = pn
  flux[F_PS] = ps
  flux[F_AE] = en > 0 ? es + ei : ei
  flux[F_PERC] = perc
  flux[F_PR] = pr + perc
  flux[F_EN] = en
  flux[F_ES] = es
  flux[F_EI] = ei
  flux[F_INT] = si
  return s
}

/**
 * Outflow of a GR routing store with a quartic law: QR = R·(1 − (1 + (R/X3)⁴)^−¼).
 * @param r store level after inflow (mm)
 * @param x3 store capacity (mm, > 0)
 * @returns the outflow over the step (mm/step)
 */
export function routingOutflow(r: number, x3: number): number {
  let q = r / x3
  q = q * q
  q = q * q
  return r * (1 - 1 / Math.sqrt(Math.sqrt(1 + q)))
}

/**
 * Potential groundwater exchange of GR4J and GR4H: F = X2·(R/X3)^3.5, computed as airGR does
 * (R/X3 cubed times its square root).
 * @param r routing store level (mm)
 * @param x2 exchange coefficient (mm/step; < 0 for losses)
 * @param x3 routing store capacity (mm, > 0)
 * @returns the exchange (mm/step)
 */
export function powerExchange(r: number, x2: number, x3: number): number {
  const rr = r / x3
  return x2 * rr * rr * rr * Math.sqrt(rr)
}

/**
 * Potential groundwater exchange of GR5J, GR6J and GR5H (Le Moine 2008): F = X2·(R/X3 − X5),
 * which changes sign when the routing store crosses the fraction X5 of its capacity.
 * @param r routing store level (mm)
 * @param x2 exchange coefficient (mm/step)
 * @param x3 routing store capacity (mm, > 0)
 * @param x5 threshold (dimensionless)
 * @returns the exchange (mm/step)
 */
export function thresholdExchange(r: number, x2: number, x3: number, x5: number): number {
  return x2 * (r / x3 - x5)
}

/**
 * The routing part shared by the GR models: the routing store receives `q9` and the exchange,
 * empties by {@link routingOutflow}; the direct branch passes `q1` plus the exchange, never
 * below zero. Writes {@link F_AEXCH1}, {@link F_AEXCH2}, {@link F_QR} and {@link F_QD}.
 *
 * @param r routing store level at the start of the step (mm)
 * @param q9 inflow to the routing store (mm/step)
 * @param q1 inflow to the direct branch (mm/step)
 * @param exch potential exchange applied to each branch (mm/step)
 * @param x3 routing store capacity (mm, > 0)
 * @param flux caller-allocated scratch of {@link FLUX_SLOTS} values
 * @returns the routing store level at the end of the step (mm)
 */
export function routingStep(
  r: number,
  q9: number,
  q1: number,
  exch: number,
  x3: number,
  flux: Float64Array,
): number {
  let aexch1 = exch
  if (r + q9 + exch < 0) aexch1 = -r - q9
  r = r + q9 + exch
  if (r < 0) r = 0
  const qr = routingOutflow(r, x3)
  r = r - qr
  let aexch2 = exch
  if (q1 + exch < 0) aexch2 = -q1
  flux[F_AEXCH1] = aexch1
  flux[F_AEXCH2] = aexch2
  flux[F_QR] = qr
  flux[F_QD] = Math.max(0, q1 + exch)
  return r
}

/**
 * Outflow of GR6J's exponential store (Pushpalatha et al. 2011, J. Hydrol. 411, 66–76):
 * Qexp = X6·ln(1 + exp(E/X6)), with E/X6 capped to ±33 and, beyond ±7, the asymptotic forms
 * E + X6·exp(−E/X6) and X6·exp(E/X6) that airGR uses.
 * @param level store level after inflow (mm; may be negative)
 * @param x6 emptying coefficient (mm, > 0)
 * @returns the outflow (mm/step, > 0)
 */
export function exponentialOutflow(level: number, x6: number): number {
  let ar = level / x6
  if (ar > EXP_CAP) ar = EXP_CAP
  if (ar < -EXP_CAP) ar = -EXP_CAP
  if (ar > EXP_ASYMPTOTE) return level + x6 / Math.exp(ar)
  if (ar < -EXP_ASYMPTOTE) return x6 * Math.exp(ar)
  return x6 * Math.log(Math.exp(ar) + 1)
}

/**
 * One step of the convolution of a unit hydrograph held as its pending outflows.
 * Shifts the stores `st[off … off+n−1]` one step ahead and adds `input` spread by `ord`; after
 * the call, `st[off]` is the hydrograph's outflow for this step (mm/step).
 *
 * @param span number of leading ordinates that can be non-zero (see `uh1Span`, `uh2Span`)
 */
export function convolve(
  st: Float64Array,
  off: number,
  ord: Float64Array,
  n: number,
  span: number,
  input: number,
): void {
  for (let k = 0; k < span; k++) st[off + k] = st[off + k + 1]! + ord[k]! * input
  st[off + n - 1] = ord[n - 1]! * input
}

/**
 * Writes one step of the output series that GR4J, GR5J and GR4H share (airGR's order:
 * PotEvap, Precip, Prod, Pn, Ps, AE, Perc, PR, Q9, Q1, Rout, Exch, AExch1, AExch2, AExch, QR,
 * QD, Qsim) at index `j`. Called only when every series is asked for, so it is off the path of
 * calibration and forecast runs.
 *
 * @param e potential evapotranspiration and `p` rainfall of the step (mm/step)
 * @param s production store and `r` routing store levels at the end of the step (mm)
 * @param flux the step's fluxes at the `F_*` slots (mm/step)
 * @param pr effective rainfall, `q9` and `q1` the two branches' inflows, `exch` the potential
 *   exchange and `q` the simulated flow (all mm/step)
 */
export function writeGrOutputs(
  outputs: readonly Float64Array[],
  j: number,
  e: number,
  p: number,
  s: number,
  flux: Float64Array,
  pr: number,
  q9: number,
  q1: number,
  r: number,
  exch: number,
  q: number,
): void {
  outputs[0]![j] = e
  outputs[1]![j] = p
  outputs[2]![j] = s
  outputs[3]![j] = flux[F_PN]!
  outputs[4]![j] = flux[F_PS]!
  outputs[5]![j] = flux[F_AE]!
  outputs[6]![j] = flux[F_PERC]!
  outputs[7]![j] = pr
  outputs[8]![j] = q9
  outputs[9]![j] = q1
  outputs[10]![j] = r
  outputs[11]![j] = exch
  outputs[12]![j] = flux[F_AEXCH1]!
  outputs[13]![j] = flux[F_AEXCH2]!
  outputs[14]![j] = flux[F_AEXCH1]! + flux[F_AEXCH2]!
  outputs[15]![j] = flux[F_QR]!
  outputs[16]![j] = flux[F_QD]!
  outputs[17]![j] = q
}
