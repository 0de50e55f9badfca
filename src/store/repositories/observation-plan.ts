/**
 * What writing a batch of observations does, decided apart from how it is written: which
 * values are new, which replace another (and so which old values go to the history), and which
 * change nothing. Both writers — the portable one in multi-row Kysely statements and SQLite's
 * prepared-statement one — apply the same plan, so they cannot disagree.
 *
 * A batch is applied as if its rows were written one after the other: a time given twice in a
 * batch with two values is an insert then a revision, exactly as two batches would be.
 */
import type { Issue } from '../../core/result.ts'
import type { Observation } from '../../observe/types.ts'
import type { WriteSummary } from '../../observe/ports.ts'

/** A stored value at one time of one series, as the plan needs it. */
export interface CurrentValue {
  readonly value: number
  readonly quality: number
  readonly revision: number
  /** Epoch ms. */
  readonly receivedAt: number
}

/** The final value of a (series, time) that the batch changed. */
export interface PlannedValue {
  readonly seriesId: string
  /** Epoch ms. */
  readonly t: number
  readonly value: number
  readonly quality: number
  readonly revision: number
}

/** A value the batch replaced, for the history (replaced at the batch's receivedAt). */
export interface ReplacedValue extends CurrentValue {
  readonly seriesId: string
  /** Epoch ms. */
  readonly t: number
}

/** What to write for a batch: history rows first or last, in one transaction. */
export interface WritePlan {
  readonly summary: WriteSummary
  /** One row per (series, time) that changed, with its final value and revision. */
  readonly upserts: readonly PlannedValue[]
  /** Every value replaced, oldest revision first per (series, time). */
  readonly replaced: readonly ReplacedValue[]
}

/** Writes a validated batch whose series are known to exist, inside the caller's transaction. */
export interface ObservationFastPath {
  /**
   * @param receivedAt epoch ms stamped on every value written
   * @returns what the batch did (see {@link WriteSummary})
   */
  write(batch: readonly Observation[], receivedAt: number): WriteSummary
}

interface Entry {
  value: number
  quality: number
  revision: number
  receivedAt: number
  /** Whether the batch changed this (series, time): then it is written. */
  changed: boolean
  readonly seriesId: string
  readonly t: number
}

/**
 * Decides what a batch does.
 *
 * @param batch validated observations (see {@link validateBatch})
 * @param receivedAt epoch ms of the batch
 * @param current the stored value at (series, time), or undefined where there is none; asked
 *   at most once per (series, time)
 */
export function planWrite(
  batch: readonly Observation[],
  receivedAt: number,
  current: (seriesId: string, t: number) => CurrentValue | undefined,
): WritePlan {
  const touched = new Map<string, Map<number, Entry>>()
  const order: Entry[] = []
  const replaced: ReplacedValue[] = []
  let inserted = 0
  let revised = 0
  let unchanged = 0
  for (let i = 0; i < batch.length; i++) {
    const o = batch[i]!
    let bySeries = touched.get(o.seriesId)
    if (bySeries === undefined) {
      bySeries = new Map()
      touched.set(o.seriesId, bySeries)
    }
    let e = bySeries.get(o.t)
    if (e === undefined) {
      const c = current(o.seriesId, o.t)
      if (c === undefined) {
        e = {
          seriesId: o.seriesId,
          t: o.t,
          value: o.value,
          quality: o.quality,
          revision: 1,
          receivedAt,
          changed: true,
        }
        bySeries.set(o.t, e)
        order.push(e)
        inserted++
        continue
      }
      e = { seriesId: o.seriesId, t: o.t, ...c, changed: false }
      bySeries.set(o.t, e)
      order.push(e)
    }
    // Exact comparison: a value read back is bit for bit the one written (−0 equals 0).
    if (e.value === o.value && e.quality === o.quality) {
      unchanged++
      continue
    }
    replaced.push({
      seriesId: e.seriesId,
      t: e.t,
      value: e.value,
      quality: e.quality,
      revision: e.revision,
      receivedAt: e.receivedAt,
    })
    e.value = o.value
    e.quality = o.quality
    e.revision++
    e.receivedAt = receivedAt
    e.changed = true
    revised++
  }
  const upserts: PlannedValue[] = []
  for (const e of order) {
    if (e.changed)
      upserts.push({
        seriesId: e.seriesId,
        t: e.t,
        value: e.value,
        quality: e.quality,
        revision: e.revision,
      })
  }
  return { summary: { inserted, revised, unchanged }, upserts, replaced }
}

/** The largest quality-flag word stored (flags are bits of a 31-bit integer). */
const MAX_QUALITY = 0x7fff_ffff

/**
 * Every problem of a batch that would make a row unstorable: a time that is not a whole
 * number of ms, a value that is not a finite number, flags that are not a 31-bit word.
 *
 * @returns one issue per problem, with the path `[row index, field]`
 */
export function validateBatch(batch: readonly Observation[]): Issue[] {
  const issues: Issue[] = []
  for (let i = 0; i < batch.length; i++) {
    const o = batch[i]!
    if (!Number.isSafeInteger(o.t))
      issues.push({ path: [i, 't'], message: `time ${o.t} is not a whole number of ms` })
    if (!Number.isFinite(o.value))
      issues.push({ path: [i, 'value'], message: `value ${o.value} is not a finite number` })
    if (!Number.isInteger(o.quality) || o.quality < 0 || o.quality > MAX_QUALITY)
      issues.push({
        path: [i, 'quality'],
        message: `quality flags ${o.quality} are not a 31-bit word`,
      })
  }
  return issues
}
