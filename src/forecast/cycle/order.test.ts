import { describe, expect, it } from 'vitest'
import type { BasinId } from '../../core/ids.ts'
import type { Basin } from '../../observe/types.ts'
import { planNetwork } from './order.ts'

const basin = (id: string, down: string | null, areaKm2 = 10): Basin => ({
  id: id as BasinId,
  name: id,
  areaKm2,
  outline: null,
  hypsometry: null,
  downstream: down === null ? null : { basinId: down as BasinId, reach: { kind: 'none' } },
})

describe('planNetwork', () => {
  // a → c ← b, c → e ← d; f alone
  const net = [
    basin('e', null, 5),
    basin('c', 'e', 4),
    basin('a', 'c', 1),
    basin('f', null, 7),
    basin('d', 'e', 3),
    basin('b', 'c', 2),
  ]

  it('orders every basin after its upstream basins, each tributary together', () => {
    const r = planNetwork(net)
    expect(r.ok && r.value.order).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    expect(r.ok && Object.fromEntries(r.value.totalAreaKm2)).toEqual({
      a: 1,
      b: 2,
      c: 7,
      d: 3,
      e: 15,
      f: 7,
    })
  })

  it('adds everything upstream of the basins asked for, and cuts the links below them', () => {
    const r = planNetwork(net, ['c' as BasinId])
    expect(r.ok && r.value.order).toEqual(['a', 'b', 'c'])
    expect(r.ok && r.value.downstream.get('c' as BasinId)).toBeNull()
    expect(r.ok && r.value.downstream.get('a' as BasinId)?.basinId).toBe('c')
  })

  it('orders a long chain without deep recursion', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) =>
      basin(`n${i}`, i === 0 ? null : `n${i - 1}`),
    )
    const r = planNetwork(chain)
    expect(r.ok && r.value.order[0]).toBe('n49999')
    expect(r.ok && r.value.order[49_999]).toBe('n0')
  })

  it('reports cycles, unknown links and unknown basins asked for', () => {
    const cyclic = planNetwork([basin('x', 'y'), basin('y', 'x'), basin('z', 'w')])
    expect(cyclic.ok).toBe(false)
    expect(!cyclic.ok && cyclic.issues.map((i) => i.message)).toEqual([
      '"z" drains into unknown node "w"',
      'nodes form a cycle: x → y → x',
    ])
    const unknown = planNetwork(net, ['q' as BasinId])
    expect(!unknown.ok && unknown.issues).toEqual([
      { path: ['basins', 0], message: 'no basin "q"' },
    ])
  })
})
