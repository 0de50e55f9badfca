/**
 * Refinement of a calibrated point in transformed space, within a budget of model runs:
 *
 * 1. **Quadratic polish** (deterministic). Michel's search moves along the axes (and a
 *    smoothed diagonal) on steps no smaller than 0.01, so it halts in valleys that run across
 *    the axes, short of their bottom. Around the point, a stencil of runs (a step h down and up
 *    each of the m active parameters, and up each pair of them) gives the gradient and the full
 *    Hessian of a quadratic model by finite differences; one more run tries the model's Newton
 *    step (regularised until positive definite, no longer than a trust radius). The best point
 *    seen becomes the new centre; a step that paid off at the full radius is followed by one
 *    twice as long. The polish ends when an uncut Newton step gains at least half what the
 *    model promised (the point is at the model's minimum), when an iteration gains less than
 *    {@link POLISH_TOLERANCE} with h at its floor (h and the radius halve each time that
 *    happens above it), or when the budget cannot pay for another iteration. It starts with
 *    h = Michel's last pace: Michel's last iteration ran the axis steps already, so the first
 *    stencil mostly comes from the cache. On the GR4J basins tried, it ends after its first
 *    Newton step, which brings nearly all the gain.
 * 2. **Dynamically dimensioned search** (DDS, Tolson & Shoemaker 2007, Water Resour. Res. 43,
 *    W01413), seeded, for its own budget of N runs: from the best point, each free parameter is
 *    perturbed with probability 1 − ln(i)/ln(N) (at least one is) by a normal step of
 *    {@link DDS_R} times its range, reflected at the bounds; a better candidate becomes the
 *    best point and is polished again while the polish has budget left. Its long steps look for
 *    better optima away from the polished one.
 *
 * Losses are minimised; NaN never improves.
 */
import type { Rng } from '../../core/rng.ts'
import type { SearchProblem } from './objective.ts'
import { lossOfTransformed } from './objective.ts'

/** DDS perturbation size as a fraction of each parameter's range (Tolson & Shoemaker 2007). */
export const DDS_R = 0.2
/** A polish iteration that gains less than this (in loss units) counts as converged. */
export const POLISH_TOLERANCE = 1e-7

export interface RefineOptions {
  /** Most model runs the polish may make, over all its rounds (it usually ends sooner). */
  readonly polishRuns: number
  /** Model runs of the DDS search. */
  readonly searchRuns: number
  /** Initial finite-difference step of the polish (transformed units, −). */
  readonly step: number
  /** The polish never uses a step below this (transformed units, −). */
  readonly minStep: number
  /** Source of the DDS perturbations. */
  readonly rng: Rng & { normal(): number }
  /** Model runs made so far by `problem` (cached answers excluded), to keep to the budget. */
  readonly runs: () => number
  /** Called with each new best point (transformed) and its loss. */
  readonly onImprove?: (t: Float64Array, loss: number) => void
}

export interface RefineResult {
  /** Best point (transformed, −) and its loss. */
  readonly t: Float64Array
  readonly loss: number
}

/** Runs of one polish iteration on `m` active parameters: 2m + m(m−1)/2 stencil points + 1. */
export const polishIterationRuns = (m: number): number => 1 + 2 * m + (m * (m - 1)) / 2

/** Refines point `t0` (transformed, with loss `loss0`) of `problem` (see the module notes). */
export function refine(
  problem: SearchProblem,
  t0: Float64Array,
  loss0: number,
  options: RefineOptions,
): RefineResult {
  const { n, free, lowerT: lo, upperT: hi } = problem
  const scratch = new Float64Array(n)
  const best = { t: Float64Array.from(t0), loss: loss0 }
  const f = (t: Float64Array): number => {
    const v = lossOfTransformed(problem, t, scratch)
    const loss = Number.isNaN(v) ? Infinity : v
    if (loss < best.loss) {
      best.loss = loss
      best.t = Float64Array.from(t)
      options.onImprove?.(best.t, loss)
    }
    return loss
  }
  let polishLeft = options.polishRuns
  const polishBest = (): void => {
    const start = options.runs()
    const left = (): number => polishLeft - (options.runs() - start)
    polish(problem, f, best, options.step, options.minStep, left)
    polishLeft -= options.runs() - start
  }

  polishBest()
  let polished = best.loss
  const freeIdx: number[] = []
  for (let j = 0; j < n; j++) if (free[j]) freeIdx.push(j)
  const total = options.searchRuns
  const x = new Float64Array(n)
  let searched = 0
  // The cap on draws only guards against a cache answering every candidate (no run made).
  for (let i = 1; searched < total && freeIdx.length > 0 && i <= 100 * total; i++) {
    const p = 1 - Math.log(i) / Math.log(Math.max(total, 2))
    x.set(best.t)
    let perturbed = 0
    for (const j of freeIdx) {
      if (!(options.rng.next() < p)) continue
      x[j] = perturb(x[j]!, lo[j]!, hi[j]!, options.rng)
      perturbed++
    }
    if (perturbed === 0) {
      const j =
        freeIdx[Math.min(freeIdx.length - 1, Math.floor(options.rng.next() * freeIdx.length))]!
      x[j] = perturb(x[j]!, lo[j]!, hi[j]!, options.rng)
    }
    const before = options.runs()
    f(x)
    searched += options.runs() - before
    if (best.loss < polished) {
      polishBest()
      polished = best.loss
    }
  }
  return best
}

/** A DDS step of `v` within [lo, hi]: normal, σ = r·(hi − lo), reflected once then clamped. */
function perturb(v: number, lo: number, hi: number, rng: { normal(): number }): number {
  let x = v + DDS_R * (hi - lo) * rng.normal()
  if (x < lo) x = lo + (lo - x)
  if (x > hi) x = hi - (x - hi)
  return x < lo ? lo : x > hi ? hi : x
}

/**
 * The quadratic polish from `best` (step 1 of the module notes). `f` evaluates a point and
 * updates `best` whenever it improves.
 */
function polish(
  problem: SearchProblem,
  f: (t: Float64Array) => number,
  best: { t: Float64Array; loss: number },
  step: number,
  minStep: number,
  left: () => number,
): void {
  const { n, free, lowerT: lo, upperT: hi } = problem
  let h = step
  let radius = 4 * step
  const y = new Float64Array(n)
  while (h >= minStep) {
    const x = Float64Array.from(best.t)
    const fx = best.loss
    const active: number[] = []
    for (let i = 0; i < n; i++) {
      if (free[i] && x[i]! - h >= lo[i]! && x[i]! + h <= hi[i]!) active.push(i)
    }
    const m = active.length
    if (m === 0 || left() < polishIterationRuns(m)) return
    const at = (a: number, b: number, sa: number, sb: number): number => {
      y.set(x)
      y[a] = x[a]! + sa * h
      if (b >= 0) y[b] = x[b]! + sb * h
      return f(y)
    }
    const up = new Float64Array(m)
    const down = new Float64Array(m)
    for (let k = 0; k < m; k++) {
      down[k] = at(active[k]!, -1, -1, 0)
      up[k] = at(active[k]!, -1, 1, 0)
    }
    const g = new Float64Array(m)
    const hess = new Float64Array(m * m)
    for (let k = 0; k < m; k++) {
      g[k] = (up[k]! - down[k]!) / (2 * h)
      hess[k * m + k] = (up[k]! - 2 * fx + down[k]!) / (h * h)
    }
    for (let k = 0; k < m; k++) {
      for (let l = k + 1; l < m; l++) {
        const c = (at(active[k]!, active[l]!, 1, 1) - up[k]! - up[l]! + fx) / (h * h)
        hess[k * m + l] = c
        hess[l * m + k] = c
      }
    }
    let reachedModelMinimum = false
    if (allFinite(g) && allFinite(hess)) {
      const d = newtonStep(hess, g, m)
      let norm = 0
      for (let k = 0; k < m; k++) norm = Math.max(norm, Math.abs(d[k]!))
      if (norm > 0) {
        // The Newton step, cut to the trust radius; while a step pays off, the next one along
        // the same direction is twice as long (long valleys are walked without rebuilding the
        // model, which costs a whole stencil).
        let scale = norm > radius ? radius / norm : 1
        for (let tries = 0; tries < 30 && left() > 0; tries++) {
          y.set(x)
          for (let k = 0; k < m; k++) {
            const i = active[k]!
            const v = x[i]! + scale * d[k]!
            y[i] = v < lo[i]! ? lo[i]! : v > hi[i]! ? hi[i]! : v
          }
          const before = best.loss
          f(y)
          if (tries === 0 && scale === 1) {
            // An uncut step that gained at least half what the model promised: the model is
            // good and the point is at its minimum; another stencil would find next to nothing.
            const promised = modelDecrease(hess, g, d, m)
            reachedModelMinimum = promised > 0 && before - best.loss >= 0.5 * promised
          }
          if (!(best.loss < before) || scale * norm < radius) break
          scale *= 2
          radius = scale * norm
        }
      }
    }
    if (reachedModelMinimum) return
    if (!(fx - best.loss > POLISH_TOLERANCE)) {
      // Converged at this scale: one more look at a finer one, unless that was it already.
      if (h / 2 < minStep) return
      h /= 2
      radius /= 2
    }
  }
}

/** Decrease −(g·d + ½ dᵀHd) that the quadratic model predicts for step `d`. */
function modelDecrease(hess: Float64Array, g: Float64Array, d: Float64Array, m: number): number {
  let lin = 0
  let quad = 0
  for (let i = 0; i < m; i++) {
    lin += g[i]! * d[i]!
    for (let j = 0; j < m; j++) quad += d[i]! * hess[i * m + j]! * d[j]!
  }
  return -(lin + 0.5 * quad)
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false
  return true
}

/**
 * Solves (H + λI)·d = −g for the first λ of 0, 10⁻⁶·s, 4·10⁻⁶·s, … (s the largest |Hᵢᵢ|) that
 * makes H + λI positive definite, by Cholesky factorisation; zero when none does. `hess` is
 * m×m, row-major, symmetric.
 */
function newtonStep(hess: Float64Array, g: Float64Array, m: number): Float64Array {
  let s = 0
  for (let k = 0; k < m; k++) s = Math.max(s, Math.abs(hess[k * m + k]!))
  if (s === 0) s = 1
  const l = new Float64Array(m * m)
  let lambda = 0
  for (let tries = 0; tries < 40; tries++) {
    if (cholesky(hess, lambda, l, m)) {
      const z = new Float64Array(m)
      for (let i = 0; i < m; i++) {
        let v = -g[i]!
        for (let j = 0; j < i; j++) v -= l[i * m + j]! * z[j]!
        z[i] = v / l[i * m + i]!
      }
      const d = new Float64Array(m)
      for (let i = m - 1; i >= 0; i--) {
        let v = z[i]!
        for (let j = i + 1; j < m; j++) v -= l[j * m + i]! * d[j]!
        d[i] = v / l[i * m + i]!
      }
      return d
    }
    lambda = lambda === 0 ? s * 1e-6 : lambda * 4
  }
  return new Float64Array(m)
}

/** Lower-triangular L with L·Lᵀ = H + λI, into `l`; false when H + λI is not positive definite. */
function cholesky(hess: Float64Array, lambda: number, l: Float64Array, m: number): boolean {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let v = hess[i * m + j]! + (i === j ? lambda : 0)
      for (let k = 0; k < j; k++) v -= l[i * m + k]! * l[j * m + k]!
      if (i === j) {
        if (!(v > 0)) return false
        l[i * m + i] = Math.sqrt(v)
      } else {
        l[i * m + j] = v / l[j * m + j]!
      }
    }
  }
  return true
}
