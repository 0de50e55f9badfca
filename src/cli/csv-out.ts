/**
 * Writing series as CSV: one header, one row per time step, numbers in the shortest form that
 * reads back to the same double.
 */

/** Formats a number for CSV: shortest round-trip decimal, empty for NaN. */
export const csvNumber = (x: number): string => (Number.isNaN(x) ? '' : String(x))

/** Builds CSV text from a date column and named numeric columns of equal length. */
export function seriesCsv(
  dates: readonly string[],
  columns: readonly (readonly [string, Float64Array])[],
): string {
  const parts: string[] = [['date', ...columns.map(([n]) => n)].join(',')]
  for (let i = 0; i < dates.length; i++) {
    let row = dates[i]!
    for (const [, v] of columns) row += ',' + csvNumber(v[i]!)
    parts.push(row)
  }
  return parts.join('\n') + '\n'
}

/** JSON for a record of numbers, with NaN written as null (JSON has no NaN). */
export function numbersJson(
  record: Readonly<Record<string, number | string | Readonly<Record<string, number>>>>,
): string {
  return JSON.stringify(record, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? null : v,
  )
}
