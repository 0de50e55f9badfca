/** Plain-text tables for the terminal: columns padded to their widest cell, numbers right-aligned. */

/** One row per line under a header row; each line ends with a newline. */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = rows.map((r) => r.map((c) => String(c)))
  const numeric = header.map(
    (_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number'),
  )
  const width = header.map((h, j) => Math.max(h.length, ...cells.map((r) => (r[j] ?? '').length)))
  const line = (r: readonly string[]): string =>
    r
      .map((c, j) => (numeric[j] ? c.padStart(width[j]!) : c.padEnd(width[j]!)))
      .join('  ')
      .trimEnd()
  return [line(header), ...cells.map(line)].map((l) => `${l}\n`).join('')
}
