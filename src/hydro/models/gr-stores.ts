/**
 * The stores and fluxes that the GR models share (Perrin et al. 2003; Le Moine 2008;
 * Pushpalatha et al. 2011; Mathevet 2005; Ficchì et al. 2019). Each function is one piece of a
 * model step, operating on plain numbers or on caller-allocated arrays: no allocation.
 */

/** Cap on P/X1 and E/X1 inside tanh, as in airGR (tanh(13) is 1 to double precision). */
const TANH_CAP = 13

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

/** Slots of the flux scratch array written by {@link productionStep}. */
export const F_PN = 0 // net rainfall (mm/step)
export const F_PS = 1 // part of net rainfall filling the production store (mm/step)
export const F_AE = 2 // actual evapotranspiration (mm/step)
export const F_PERC = 3 // percolation from the production store (mm/step)
export const F_PR = 4 // effective rainfall Pn − Ps + Perc (mm/step)
export const F_EN = 5 // net evapotranspiration demand (mm/step)
export const F_ES = 6 // evaporation taken from the production store (mm/step)
export const FLUX_SLOTS = 7

/**
 * One step of the production store: neutralisation of rainfall by evapotranspiration, filling
 * or emptying of the store, then percolation.
 *
 * @param s production store level at the start of the step (mm)
 * @param p rainfall reaching the store's surface (mm/step)
 * @param e potential evapotranspiration (mm/step)
 * @param x1 production store capacity (mm, > 0)
 * @param percolation the percolation constant ({@link PERCOLATION_DAILY} or `_HOURLY`)
 * @param flux caller-allocated scratch of {@link FLUX_SLOTS} values, written with this step's fluxes
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
    let ws = en / x1
    if (ws > TANH_CAP) ws = TANH_CAP
    const ex = Math.exp(2 * ws)
    const tws = (ex - 1) / (ex + 1)
    const sr = s / x1
    es = (s * (2 - sr) * tws) / (1 + (1 - sr) * tws)
    s = s - es
    flux[F_AE] = es + p
  } else {
    en = 0
    es = 0
    pn = p - e
    let ws = pn / x1
    if (ws > TANH_CAP) ws = TANH_CAP
    const ex = Math.exp(2 * ws)
    const tws = (ex - 1) / (ex + 1)
    const sr = s / x1
    ps = (x1 * (1 - sr * sr) * tws) / (1 + sr * tws)
    s = s + ps
    flux[F_AE] = e
  }
  if (s < 0) s = 0
  let r = s / x1
  r = r * r
  r = r * r
  const perc = s * (1 - 1 / Math.sqrt(Math.sqrt(1 + r / percolation)))
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
