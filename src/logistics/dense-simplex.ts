/**
 * A small dense two-phase simplex (Bland's rule) implementing {@link LpSolver}, for tests and
 * examples of the logistics domain: an independent check of the HiGHS adapter and a solver the
 * pure domain's tests can run without WebAssembly. O(rows × columns) memory and work per pivot:
 * for models of a few hundred columns, not for real sizes.
 *
 * Column lower bounds must be finite; upper bounds become rows.
 */
import type { LpModel, LpSolution, LpSolver } from './ports.ts'

const EPS = 1e-9

/** A dense simplex solver (see the module comment). */
export function denseSimplexSolver(): LpSolver {
  return { solve: (model) => Promise.resolve(solveDense(model)) }
}

/**
 * Solves `model` by the two-phase tableau simplex.
 * @throws Error when a column's lower bound is not finite
 */
export function solveDense(model: LpModel): LpSolution {
  const n = model.numCols
  // Constraints over y = x − lower ≥ 0: coefficient rows, sense, right-hand side.
  const rows: { a: Float64Array; sense: '<=' | '>=' | '='; rhs: number }[] = []
  const dense: Float64Array[] = []
  for (let i = 0; i < model.numRows; i++) dense.push(new Float64Array(n))
  for (let j = 0; j < n; j++) {
    if (!Number.isFinite(model.colLower[j]!))
      throw new Error(`column ${j}: the lower bound must be finite`)
    for (let k = model.starts[j]!; k < model.starts[j + 1]!; k++)
      dense[model.indices[k]!]![j] = model.values[k]!
  }
  for (let i = 0; i < model.numRows; i++) {
    const a = dense[i]!
    let shift = 0
    for (let j = 0; j < n; j++) shift += a[j]! * model.colLower[j]!
    const lo = model.rowLower[i]!
    const hi = model.rowUpper[i]!
    if (lo === hi) rows.push({ a, sense: '=', rhs: lo - shift })
    else {
      if (lo !== -Infinity) rows.push({ a, sense: '>=', rhs: lo - shift })
      if (hi !== Infinity) rows.push({ a, sense: '<=', rhs: hi - shift })
    }
  }
  for (let j = 0; j < n; j++) {
    const span = model.colUpper[j]! - model.colLower[j]!
    if (span === Infinity) continue
    const a = new Float64Array(n)
    a[j] = 1
    rows.push({ a, sense: '<=', rhs: span })
  }
  const m = rows.length
  const slacks = rows.filter((r) => r.sense !== '=').length
  const width = n + slacks + m // structural, slack, artificial
  const T: Float64Array[] = []
  const rhs = new Float64Array(m)
  const basis = new Int32Array(m)
  let s = n
  rows.forEach((r, i) => {
    const t = new Float64Array(width)
    t.set(r.a)
    if (r.sense === '<=') t[s++] = 1
    else if (r.sense === '>=') t[s++] = -1
    let b = r.rhs
    if (b < 0) {
      for (let k = 0; k < width; k++) t[k] = -t[k]!
      b = -b
    }
    t[n + slacks + i] = 1
    basis[i] = n + slacks + i
    T.push(t)
    rhs[i] = b
  })
  let iterations = 0

  const run = (cost: Float64Array, allowed: (col: number) => boolean): 'optimal' | 'unbounded' => {
    for (;;) {
      // Reduced costs d_j = c_j − c_B B⁻¹ A_j, the tableau being B⁻¹ A.
      let enter = -1
      for (let j = 0; j < width && enter < 0; j++) {
        if (!allowed(j)) continue
        let d = cost[j]!
        for (let i = 0; i < m; i++) d -= cost[basis[i]!]! * T[i]![j]!
        if (d < -EPS) enter = j
      }
      if (enter < 0) return 'optimal'
      let leave = -1
      let best = Infinity
      for (let i = 0; i < m; i++) {
        const v = T[i]![enter]!
        if (v <= EPS) continue
        const ratio = rhs[i]! / v
        if (ratio < best - EPS || (Math.abs(ratio - best) <= EPS && basis[i]! < basis[leave]!)) {
          best = ratio
          leave = i
        }
      }
      if (leave < 0) return 'unbounded'
      pivot(leave, enter)
      iterations++
    }
  }
  const pivot = (r: number, c: number): void => {
    const pr = T[r]!
    const pv = pr[c]!
    for (let k = 0; k < width; k++) pr[k] = pr[k]! / pv
    rhs[r] = rhs[r]! / pv
    for (let i = 0; i < m; i++) {
      if (i === r) continue
      const f = T[i]![c]!
      if (f === 0) continue
      const ri = T[i]!
      for (let k = 0; k < width; k++) ri[k] = ri[k]! - f * pr[k]!
      rhs[i] = rhs[i]! - f * rhs[r]!
    }
    basis[r] = c
  }

  const phase1 = new Float64Array(width)
  for (let i = 0; i < m; i++) phase1[n + slacks + i] = 1
  run(phase1, () => true)
  let infeasibility = 0
  for (let i = 0; i < m; i++) if (basis[i]! >= n + slacks) infeasibility += rhs[i]!
  const empty = new Float64Array(n)
  if (infeasibility > 1e-7)
    return { status: 'infeasible', objective: NaN, colValue: empty, iterations }
  // Drive artificials at zero out of the basis where a structural or slack column can replace them.
  for (let i = 0; i < m; i++) {
    if (basis[i]! < n + slacks) continue
    for (let j = 0; j < n + slacks; j++)
      if (Math.abs(T[i]![j]!) > EPS) {
        pivot(i, j)
        break
      }
  }
  const phase2 = new Float64Array(width)
  phase2.set(model.colCost)
  const status = run(phase2, (j) => j < n + slacks)
  if (status === 'unbounded')
    return { status: 'unbounded', objective: -Infinity, colValue: empty, iterations }
  const x = Float64Array.from(model.colLower)
  for (let i = 0; i < m; i++) if (basis[i]! < n) x[basis[i]!] = x[basis[i]!]! + rhs[i]!
  let objective = 0
  for (let j = 0; j < n; j++) objective += model.colCost[j]! * x[j]!
  return { status: 'optimal', objective, colValue: x, iterations }
}
