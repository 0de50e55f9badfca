import { describe, expect, it } from 'vitest'
import type { Observation } from '../../observe/types.ts'
import { ms, seriesId } from '../testing/fixtures.ts'
import { planWrite, validateBatch } from './observation-plan.ts'

const o = (t: number, value: number, quality = 0): Observation => ({
  seriesId: seriesId('Q'),
  t: ms(t),
  value,
  quality,
})

describe('planWrite', () => {
  it('inserts new times, revises changed ones with their history, skips equal ones', () => {
    const stored = new Map([
      [1, { value: 5, quality: 0, revision: 3, receivedAt: 10 }],
      [2, { value: 6, quality: 0, revision: 1, receivedAt: 10 }],
    ])
    const asked: number[] = []
    const plan = planWrite([o(1, 5), o(2, 7), o(3, 8), o(3, 8), o(2, 7, 4)], 99, (_s, t) => {
      asked.push(t)
      return stored.get(t)
    })
    expect(asked).toEqual([1, 2, 3])
    expect(plan.summary).toEqual({ inserted: 1, revised: 2, unchanged: 2 })
    expect(plan.replaced).toEqual([
      { seriesId: 'Q', t: 2, value: 6, quality: 0, revision: 1, receivedAt: 10 },
      { seriesId: 'Q', t: 2, value: 7, quality: 0, revision: 2, receivedAt: 99 },
    ])
    expect(plan.upserts).toEqual([
      { seriesId: 'Q', t: 2, value: 7, quality: 4, revision: 3 },
      { seriesId: 'Q', t: 3, value: 8, quality: 0, revision: 1 },
    ])
  })

  it('treats −0 and 0 as the same value (SQLite cannot tell them apart once stored)', () => {
    const plan = planWrite([o(1, -0)], 1, () => ({
      value: 0,
      quality: 0,
      revision: 1,
      receivedAt: 0,
    }))
    expect(plan.summary.unchanged).toBe(1)
  })
})

describe('validateBatch', () => {
  it('names every unstorable field by row', () => {
    expect(
      validateBatch([o(0, 1), o(1.5, NaN), o(2, Infinity, 2 ** 31), o(Number.MAX_VALUE, 1, 0.5)]),
    ).toEqual([
      { path: [1, 't'], message: 'time 1.5 is not a whole number of ms' },
      { path: [1, 'value'], message: 'value NaN is not a finite number' },
      { path: [2, 'value'], message: 'value Infinity is not a finite number' },
      { path: [2, 'quality'], message: 'quality flags 2147483648 are not a 31-bit word' },
      { path: [3, 't'], message: 'time 1.7976931348623157e+308 is not a whole number of ms' },
      { path: [3, 'quality'], message: 'quality flags 0.5 are not a 31-bit word' },
    ])
    expect(validateBatch([])).toEqual([])
  })
})
