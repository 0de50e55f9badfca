/**
 * A small hydrograph drawn with characters, for terminals: observed and simulated flow over a
 * window of steps, one column per step.
 */

export interface ChartSeries {
  readonly label: string
  readonly symbol: string
  readonly values: ArrayLike<number>
}

/**
 * Draws `series` (equal lengths; NaN values are not drawn) on a grid `height` rows high with a
 * y axis labelled in `unit`, and the first and last `dates` under it. Where two series share a
 * cell, the later one is drawn.
 */
export function asciiChart(
  series: readonly ChartSeries[],
  dates: readonly string[],
  unit: string,
  height = 12,
): string {
  const n = series[0]?.values.length ?? 0
  let max = 0
  for (const s of series) for (let i = 0; i < n; i++) if (s.values[i]! > max) max = s.values[i]!
  if (!(max > 0)) max = 1
  const grid: string[][] = Array.from({ length: height }, () => new Array<string>(n).fill(' '))
  for (const s of series) {
    for (let i = 0; i < n; i++) {
      const v = s.values[i]!
      if (!Number.isFinite(v)) continue
      const row = height - 1 - Math.min(height - 1, Math.round((v / max) * (height - 1)))
      grid[row]![i] = s.symbol
    }
  }
  const w = Math.max(max.toFixed(1).length, 3)
  const lines = grid.map((r, k) => {
    const label = k === 0 ? max.toFixed(1) : k === height - 1 ? '0' : ''
    return `${label.padStart(w)} ┤${r.join('')}`
  })
  lines.push(`${' '.repeat(w)} └${'─'.repeat(n)}`)
  const first = dates[0] ?? ''
  const last = dates[dates.length - 1] ?? ''
  lines.push(`${' '.repeat(w + 2)}${first}${last.padStart(Math.max(0, n - first.length))}`)
  lines.push(
    `${' '.repeat(w + 2)}${series.map((s) => `${s.symbol} ${s.label}`).join('   ')}   (${unit})`,
  )
  return lines.join('\n')
}
