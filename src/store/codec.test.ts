import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromJson, packRows, toJson, unpackRows } from './codec.ts'
import { POSTGRES, SQLITE } from './dialect.ts'

const bytes = (a: Float64Array): number[] => [
  ...new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
]

describe('packRows / unpackRows', () => {
  it('round-trip any bit pattern, NaN payloads and −0 included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 9 }),
        fc.uint8Array({ minLength: 5 * 9 * 8, maxLength: 5 * 9 * 8 }),
        (count, cols, raw) => {
          const all = new Float64Array(raw.buffer.slice(0, count * cols * 8))
          const rows = Array.from({ length: count }, (_, i) =>
            all.subarray(i * cols, (i + 1) * cols),
          )
          const back = unpackRows(packRows(rows, cols, 'x'), count, cols, 'x')
          expect(back.map(bytes)).toEqual(rows.map(bytes))
        },
      ),
      { seed: 42, numRuns: 300 },
    )
  })

  it('writes little-endian IEEE 754 doubles, row after row', () => {
    const packed = packRows([Float64Array.of(1), Float64Array.of(-2)], 1, 'x')
    expect([...packed]).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0])
  })

  it('reads from a Buffer at an odd offset of a shared pool', () => {
    const pool = Buffer.alloc(8 * 3 + 1)
    packRows([Float64Array.of(1.5, -0.25, 1e300)], 3, 'x').copy(pool, 1)
    expect(unpackRows(pool.subarray(1), 1, 3, 'x')).toEqual([Float64Array.of(1.5, -0.25, 1e300)])
  })

  it('refuse rows of the wrong length and blobs of the wrong size', () => {
    expect(() => packRows([new Float64Array(2)], 3, 'members')).toThrow(
      'members[0] has 2 values where 3 were expected',
    )
    expect(() => unpackRows(Buffer.alloc(20), 1, 3, 'members')).toThrow(/20 bytes stored/)
  })
})

describe('toJson / fromJson', () => {
  it('refuses numbers JSON cannot hold, with the path of the document', () => {
    expect(() => toJson({ a: [1, NaN] }, 'params')).toThrow('params: NaN cannot be stored as JSON')
    expect(() => toJson({ a: -Infinity }, 'params')).toThrow(/-Infinity/)
  })

  it('reads text (SQLite) or what the driver parsed (PostgreSQL jsonb), and null as null', () => {
    expect(fromJson(SQLITE, '{"a":[1,2]}')).toEqual({ a: [1, 2] })
    expect(fromJson(POSTGRES, { a: [1, 2] })).toEqual({ a: [1, 2] })
    expect(fromJson(SQLITE, null)).toBeNull()
    expect(fromJson(POSTGRES, null)).toBeNull()
  })
})
