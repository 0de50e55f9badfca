/**
 * Writes an {@link LpModel} as CPLEX LP text, the format HiGHS (and most LP solvers) read.
 *
 * Columns are named `x0 … x(n−1)` and rows `r0 … r(m−1)`, so a solution read back by name maps
 * to indices directly. Lines are wrapped before 255 characters (the LP format allows 255–560
 * depending on the reader), numbers are written in JavaScript's shortest round-trip form
 * (`1e-7`, `12.5`), infinite bounds as `inf`. A ranged row (both bounds finite and different) is
 * written as two rows, `rK_lo` (≥) and `rK_hi` (≤). Every column is declared in `Bounds`, so
 * one that appears nowhere else still exists.
 */
import type { LpModel } from './ports.ts'

const MAX_LINE = 250

const num = (x: number): string => (x === Infinity ? 'inf' : x === -Infinity ? '-inf' : String(x))

/** Appends terms to `out`, wrapping lines so none exceeds {@link MAX_LINE} characters. */
class Wrapper {
  private line = ''
  private readonly out: string[]
  constructor(out: string[]) {
    this.out = out
  }
  add(token: string): void {
    if (this.line.length + token.length + 1 > MAX_LINE) this.flush()
    this.line = this.line === '' ? ` ${token}` : `${this.line} ${token}`
  }
  flush(): void {
    if (this.line !== '') this.out.push(this.line)
    this.line = ''
  }
}

const term = (coef: number, name: string, first: boolean): string => {
  if (coef < 0) return `- ${coef === -1 ? '' : `${num(-coef)} `}${name}`
  const body = coef === 1 ? name : `${num(coef)} ${name}`
  return first ? body : `+ ${body}`
}

/**
 * @returns the model as CPLEX LP text (minimisation)
 * @throws Error when a bound or coefficient is NaN (a programmer error)
 */
export function toCplexLp(model: LpModel): string {
  const { numCols, numRows, starts, indices, values } = model
  const out: string[] = ['\\ written by Freshet logistics', 'Minimize']
  const w = new Wrapper(out)
  w.add('obj:')
  let anyCost = false
  for (let j = 0; j < numCols; j++) {
    const c = model.colCost[j]!
    if (Number.isNaN(c)) throw new Error(`column ${j}: cost is NaN`)
    if (c === 0) continue
    w.add(term(c, `x${j}`, !anyCost))
    anyCost = true
  }
  if (!anyCost) w.add('0 x0')
  w.flush()

  // The matrix row-wise, for writing constraints.
  const rowCount = new Int32Array(numRows + 1)
  for (let k = 0; k < indices.length; k++) rowCount[indices[k]! + 1]!++
  for (let i = 0; i < numRows; i++) rowCount[i + 1]! += rowCount[i]!
  const rowCol = new Int32Array(indices.length)
  const rowVal = new Float64Array(indices.length)
  const fill = rowCount.slice(0, numRows)
  for (let j = 0; j < numCols; j++)
    for (let k = starts[j]!; k < starts[j + 1]!; k++) {
      const i = indices[k]!
      rowCol[fill[i]!] = j
      rowVal[fill[i]!++] = values[k]!
    }

  out.push('Subject To')
  const writeRow = (name: string, i: number, sense: string, rhs: number): void => {
    w.add(`${name}:`)
    let first = true
    for (let k = rowCount[i]!; k < rowCount[i + 1]!; k++) {
      const v = rowVal[k]!
      if (Number.isNaN(v)) throw new Error(`row ${i}: a coefficient is NaN`)
      if (v === 0) continue
      w.add(term(v, `x${rowCol[k]!}`, first))
      first = false
    }
    if (first) w.add('0 x0')
    w.add(`${sense} ${num(rhs)}`)
    w.flush()
  }
  for (let i = 0; i < numRows; i++) {
    const lo = model.rowLower[i]!
    const hi = model.rowUpper[i]!
    if (Number.isNaN(lo) || Number.isNaN(hi)) throw new Error(`row ${i}: a bound is NaN`)
    if (lo === hi) writeRow(`r${i}`, i, '=', lo)
    else if (lo === -Infinity && hi === Infinity) continue
    else if (lo === -Infinity) writeRow(`r${i}`, i, '<=', hi)
    else if (hi === Infinity) writeRow(`r${i}`, i, '>=', lo)
    else {
      writeRow(`r${i}_lo`, i, '>=', lo)
      writeRow(`r${i}_hi`, i, '<=', hi)
    }
  }

  out.push('Bounds')
  for (let j = 0; j < numCols; j++) {
    const lo = model.colLower[j]!
    const hi = model.colUpper[j]!
    if (Number.isNaN(lo) || Number.isNaN(hi)) throw new Error(`column ${j}: a bound is NaN`)
    if (lo === -Infinity && hi === Infinity) out.push(` x${j} free`)
    else if (lo === hi) out.push(` x${j} = ${num(lo)}`)
    else out.push(` ${num(lo)} <= x${j} <= ${num(hi)}`)
  }
  out.push('End', '')
  return out.join('\n')
}
