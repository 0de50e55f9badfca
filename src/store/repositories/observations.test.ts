import fc from 'fast-check'
import { expect, it } from 'vitest'
import type { Observation, StoredObservation } from '../../observe/types.ts'
import { QC } from '../../observe/types.ts'
import { RejectedBatchError } from '../errors.ts'
import { describeStores } from '../testing/databases.ts'
import { HOUR, hourly, ms, seedSite, series, seriesId, T0 } from '../testing/fixtures.ts'

const Q1 = seriesId('Q1')

describeStores('ObservationRepository', (store) => {
  it('inserts a batch and reads ranges [from, to) in time order', async () => {
    await seedSite(store())
    // Written out of order, read back in order.
    const batch = hourly('Q1', 48).reverse()
    expect(await store().observations.write(batch, ms(T0 + 99))).toEqual({
      inserted: 48,
      revised: 0,
      unchanged: 0,
    })
    const all = await store().observations.read(Q1, T0, ms(T0 + 48 * HOUR))
    expect(all.map((o) => o.t)).toEqual(hourly('Q1', 48).map((o) => o.t))
    expect(all[3]).toEqual({ ...hourly('Q1', 48)[3], revision: 1, receivedAt: T0 + 99 })
    const part = await store().observations.read(Q1, ms(T0 + 10 * HOUR), ms(T0 + 13 * HOUR))
    expect(part.map((o) => (o.t - T0) / HOUR)).toEqual([10, 11, 12])
    expect(await store().observations.read(Q1, ms(T0 + 5 * HOUR), ms(T0 + 5 * HOUR))).toEqual([])
    expect(await store().observations.read(seriesId('other'), T0, ms(T0 + 1e9))).toEqual([])
    expect(await store().observations.count(Q1)).toBe(48)
    expect(await store().observations.count(seriesId('other'))).toBe(0)
  })

  it('stores values bit for bit, from the smallest subnormal to the largest double', async () => {
    await seedSite(store())
    const values = [
      5e-324,
      -5e-324,
      2.2250738585072014e-308,
      1.7976931348623157e308,
      0.1 + 0.2,
      -1 / 3,
    ]
    const batch = values.map((value, i) => ({ seriesId: Q1, t: ms(T0 + i), value, quality: 0 }))
    await store().observations.write(batch, T0)
    const back = await store().observations.read(Q1, T0, ms(T0 + 100))
    expect(back.map((o) => o.value)).toEqual(values)
    // The same values again are recognised as unchanged: no rounding anywhere on the way.
    expect((await store().observations.write(batch, T0)).unchanged).toBe(values.length)
  })

  it('is idempotent: the same batch twice stores every value once', async () => {
    await seedSite(store())
    const batch = hourly('Q1', 100)
    await store().observations.write(batch, ms(1))
    expect(await store().observations.write(batch, ms(2))).toEqual({
      inserted: 0,
      revised: 0,
      unchanged: 100,
    })
    const back = await store().observations.read(Q1, T0, ms(T0 + 1000 * HOUR))
    expect(back.every((o) => o.revision === 1 && o.receivedAt === 1)).toBe(true)
    expect(await store().observations.history(Q1, ms(T0 + 7 * HOUR))).toHaveLength(1)
  })

  it('makes a changed value or changed flags a new revision and keeps the old one', async () => {
    await seedSite(store())
    const t = ms(T0 + 5 * HOUR)
    const o = { seriesId: Q1, t, value: 12.5, quality: QC.ok }
    await store().observations.write([o], ms(100))
    expect(await store().observations.write([{ ...o, value: 13 }], ms(200))).toEqual({
      inserted: 0,
      revised: 1,
      unchanged: 0,
    })
    expect(
      await store().observations.write([{ ...o, value: 13, quality: QC.manual }], ms(300)),
    ).toEqual({ inserted: 0, revised: 1, unchanged: 0 })
    const history = await store().observations.history(Q1, t)
    expect(history).toEqual([
      { ...o, revision: 1, receivedAt: 100 },
      { ...o, value: 13, revision: 2, receivedAt: 200 },
      { ...o, value: 13, quality: QC.manual, revision: 3, receivedAt: 300 },
    ])
    expect(await store().observations.read(Q1, t, ms(t + 1))).toEqual([history[2]])
    expect(await store().observations.history(Q1, ms(t + HOUR))).toEqual([])
  })

  it('applies a time given twice in one batch as two writes in order', async () => {
    await seedSite(store())
    const t = ms(T0)
    const r = await store().observations.write(
      [
        { seriesId: Q1, t, value: 1, quality: 0 },
        { seriesId: Q1, t, value: 2, quality: QC.duplicateInBatch },
        { seriesId: Q1, t, value: 2, quality: QC.duplicateInBatch },
      ],
      ms(5),
    )
    expect(r).toEqual({ inserted: 1, revised: 1, unchanged: 1 })
    expect((await store().observations.history(Q1, t)).map((o) => [o.revision, o.value])).toEqual([
      [1, 1],
      [2, 2],
    ])
  })

  it('finds the latest value strictly before a time', async () => {
    await seedSite(store())
    await store().observations.write(hourly('Q1', 10), ms(1))
    expect(await store().observations.latest(Q1, ms(T0 + 4 * HOUR))).toMatchObject({
      t: T0 + 3 * HOUR,
    })
    expect(await store().observations.latest(Q1, ms(T0 + 1e12))).toMatchObject({
      t: T0 + 9 * HOUR,
    })
    expect(await store().observations.latest(Q1, T0)).toBeUndefined()
    expect(await store().observations.latest(seriesId('other'), ms(T0 + 1e12))).toBeUndefined()
  })

  it('rejects a batch whole, naming every bad row, and writes nothing of it', async () => {
    await seedSite(store())
    // Several statements' worth of rows, with the bad ones last, so that a writer that wrote
    // as it went would have written the first ones.
    const batch: Observation[] = hourly('Q1', 2500)
    batch.push({ seriesId: seriesId('ghost'), t: T0, value: 1, quality: 0 })
    batch.push({ seriesId: Q1, t: ms(T0 + 0.5), value: NaN, quality: -1 })
    const err = await store()
      .observations.write(batch, ms(1))
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RejectedBatchError)
    expect((err as RejectedBatchError).issues.map((i) => i.path)).toEqual([
      [2501, 't'],
      [2501, 'value'],
      [2501, 'quality'],
    ])
    expect(await store().observations.count(Q1)).toBe(0)
    // The unknown series is reported once the row values are right.
    batch.pop()
    const err2 = await store()
      .observations.write(batch, ms(1))
      .catch((e: unknown) => e)
    expect((err2 as RejectedBatchError).issues).toEqual([
      { path: [2500, 'seriesId'], message: 'unknown series ghost' },
    ])
    expect(await store().observations.count(Q1)).toBe(0)
  })

  it('writes large batches over several series', async () => {
    await seedSite(store())
    await store().series.upsert([series('Q2'), series('Q3')])
    const batch = [...hourly('Q1', 3000), ...hourly('Q2', 3000), ...hourly('Q3', 10)]
    expect((await store().observations.write(batch, ms(1))).inserted).toBe(6010)
    const changed = batch.map((o, i) => (i % 3 === 0 ? { ...o, value: o.value + 1 } : o))
    expect(await store().observations.write(changed, ms(2))).toEqual({
      inserted: 0,
      revised: 2004,
      unchanged: 4006,
    })
    expect(await store().observations.count(seriesId('Q2'))).toBe(3000)
    expect(await store().observations.history(seriesId('Q2'), ms(T0))).toHaveLength(2)
  })

  it('rolls back every write of a transaction that fails, and keeps those of one that commits', async () => {
    await seedSite(store())
    await expect(
      store().transaction(async (tx) => {
        await tx.observations.write(hourly('Q1', 10), ms(1))
        await tx.observations.write(
          hourly('Q1', 10, (i) => i),
          ms(2),
        )
        throw new Error('use case failed after writing')
      }),
    ).rejects.toThrow('use case failed')
    expect(await store().observations.count(Q1)).toBe(0)
    expect(await store().observations.history(Q1, T0)).toEqual([])

    const r = await store().transaction(async (tx) => {
      const a = await tx.observations.write(hourly('Q1', 10), ms(1))
      const b = await tx.observations.write(
        hourly('Q1', 10, (i) => i),
        ms(2),
      )
      // A rejected batch inside a transaction leaves the rest of the transaction as it was.
      await expect(tx.observations.write(hourly('ghost', 1), ms(3))).rejects.toThrow(
        RejectedBatchError,
      )
      return [a, b]
    })
    expect(r).toEqual([
      { inserted: 10, revised: 0, unchanged: 0 },
      { inserted: 0, revised: 10, unchanged: 0 },
    ])
    expect(await store().observations.history(Q1, ms(T0 + HOUR))).toHaveLength(2)
  })

  it('loses no update when writers of the same values run concurrently', async () => {
    await seedSite(store())
    await store().series.upsert([series('Q2')])
    const writers = 6
    const rounds = 4
    const n = 200
    // Every writer writes the same times of both series, each with its own values, round
    // after round, so that the writes interleave wherever the database lets them.
    const tasks = Array.from({ length: writers }, async (_, w) => {
      const out = []
      for (let r = 0; r < rounds; r++) {
        const v = (i: number): number => w * 1000 + r * 10 + (i % 3)
        out.push(
          await store().observations.write(
            [...hourly('Q1', n, v), ...hourly('Q2', n, v)],
            ms(T0 + w * 100 + r),
          ),
        )
      }
      return out
    })
    const summaries = (await Promise.all(tasks)).flat()
    const sum = (k: 'inserted' | 'revised' | 'unchanged'): number =>
      summaries.reduce((s, x) => s + x[k], 0)
    expect(sum('inserted')).toBe(2 * n)
    expect(sum('inserted') + sum('revised') + sum('unchanged')).toBe(writers * rounds * 2 * n)
    // Every revision reported is in the history, numbered 1, 2, 3, … with no gap or repeat.
    let revisions = 0
    for (const s of [Q1, seriesId('Q2')]) {
      for (const o of await store().observations.read(s, T0, ms(T0 + n * HOUR))) {
        const h = await store().observations.history(s, o.t)
        expect(h.map((x) => x.revision)).toEqual(h.map((_, i) => i + 1))
        revisions += h.length - 1
      }
    }
    expect(revisions).toBe(sum('revised'))
  })

  it('behaves like writing each value in turn to a map (random batches)', async () => {
    await seedSite(store())
    let run = 0
    const row = fc.record({
      t: fc.integer({ min: 0, max: 7 }),
      value: fc.constantFrom(0, 1.5, -2, 1e-300, 7),
      quality: fc.constantFrom(0, QC.outOfRange, QC.manual),
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(row, { maxLength: 12 }), { maxLength: 5 }),
        async (batches) => {
          // A fresh series per run: the model starts empty too.
          const id = seriesId(`R${run++}`)
          await store().series.upsert([series(id)])
          const model = new Map<number, StoredObservation[]>()
          for (let b = 0; b < batches.length; b++) {
            const at = ms(1000 + b)
            const batch = batches[b]!.map((r) => ({ ...r, seriesId: id, t: ms(r.t) }))
            const expected = { inserted: 0, revised: 0, unchanged: 0 }
            for (const o of batch) {
              const h = model.get(o.t) ?? []
              const cur = h[h.length - 1]
              if (cur === undefined) expected.inserted++
              else if (cur.value === o.value && cur.quality === o.quality) {
                expected.unchanged++
                continue
              } else expected.revised++
              h.push({ ...o, revision: h.length + 1, receivedAt: at })
              model.set(o.t, h)
            }
            expect(await store().observations.write(batch, at)).toEqual(expected)
          }
          const current = [...model.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([, h]) => h[h.length - 1])
          expect(await store().observations.read(id, ms(0), ms(100))).toEqual(current)
          for (const [t, h] of model)
            expect(await store().observations.history(id, ms(t))).toEqual(h)
        },
      ),
      { seed: 20240101, numRuns: 25 },
    )
  })
})
