/**
 * A separate process writing observations into a SQLite store, for the durability and
 * multi-process tests (sqlite-durability.test.ts). For tests only.
 *
 *   crash <db> — writes batch k (1,000 hourly values of Q1 from hour 1,000·k) for k = 0, 1, …
 *     and prints `committed k` after each commit, until killed;
 *   contend <db> <writer> <rounds> <n> — writes the first n hours of Q1 `rounds` times, with
 *     values of its own, then prints the summed WriteSummary as JSON.
 */
import type { EpochMs } from '../../core/brand.ts'
import { openStore } from '../store.ts'
import { hourly, T0 } from './fixtures.ts'

const [mode, path, ...rest] = process.argv.slice(2)
if (path === undefined) throw new Error('usage: writer-process.ts crash|contend <db> …')
const store = await openStore(path)

if (mode === 'crash') {
  for (let k = 0; ; k++) {
    await store.observations.write(
      hourly('Q1', 1000, (i) => k + i / 1000, T0 + k * 1000 * 3_600_000),
      (T0 + k) as EpochMs,
    )
    process.stdout.write(`committed ${k}\n`)
  }
} else if (mode === 'contend') {
  const [w, rounds, n] = rest.map(Number) as [number, number, number]
  const total = { inserted: 0, revised: 0, unchanged: 0 }
  for (let r = 0; r < rounds; r++) {
    const s = await store.observations.write(
      hourly('Q1', n, (i) => w * 1000 + r * 10 + (i % 3)),
      (T0 + w * 100 + r) as EpochMs,
    )
    total.inserted += s.inserted
    total.revised += s.revised
    total.unchanged += s.unchanged
  }
  await store.close()
  process.stdout.write(`${JSON.stringify(total)}\n`)
} else {
  throw new Error(`unknown mode ${mode}`)
}
