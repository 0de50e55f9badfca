import { describe, expect, it } from 'vitest'
import { buildNetwork, greatCircleKm } from './network.ts'

describe('network', () => {
  it('measures great-circle distances (one degree of the equator; Prague–Vienna)', () => {
    expect(greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo(
      (6371.0088 * Math.PI) / 180,
      9,
    )
    // Prague (50.0755, 14.4378) – Vienna (48.2082, 16.3738): about 252 km.
    expect(
      greatCircleKm({ lat: 50.0755, lon: 14.4378 }, { lat: 48.2082, lon: 16.3738 }),
    ).toBeGreaterThan(250)
    expect(
      greatCircleKm({ lat: 50.0755, lon: 14.4378 }, { lat: 48.2082, lon: 16.3738 }),
    ).toBeLessThan(254)
  })

  it('keeps the k nearest depots per area, nearest first, ties to the lower index', () => {
    const depots = [0, 3, 1, 2, 1].map((x) => ({ lat: 0, lon: x }))
    const net = buildNetwork(
      depots,
      [
        { lat: 0, lon: 0.9 },
        { lat: 0, lon: 2.6 },
      ],
      { kind: 'nearest', k: 3 },
    )
    expect([...net.arcDepot]).toEqual([2, 4, 0, 1, 3, 2])
    expect([...net.areaStart]).toEqual([0, 3, 6])
    const all = buildNetwork(depots, [{ lat: 0, lon: 0 }], { kind: 'all' })
    expect([...all.arcDepot]).toEqual([0, 2, 4, 3, 1])
    const near = buildNetwork(depots, [{ lat: 0, lon: 0 }], { kind: 'within', maxKm: 150 })
    expect([...near.arcDepot]).toEqual([0, 2, 4])
  })
})
